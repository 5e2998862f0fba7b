/* test-tray-controller.c: the tray icon following the accounts, as a
 * panel sees it: a StatusNotifierWatcher and a dbusmenu client of our own
 * on the private session bus, a fake clock, real account objects.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "relink-account-manager.h"
#include "relink-expiry.h"
#include "relink-test-util.h"
#include "relink-tray-controller.h"

#define DAY G_GINT64_CONSTANT (86400)
#define T0 G_GINT64_CONSTANT (1893456000)
#define ICON_NAME "io.github.relink.Relink-symbolic"
#define ITEM_PATH "/StatusNotifierItem"
#define ITEM_INTERFACE "org.kde.StatusNotifierItem"
#define MENU_PATH "/MenuBar"
#define MENU_INTERFACE "com.canonical.dbusmenu"
#define WATCHER_NAME "org.kde.StatusNotifierWatcher"

static gboolean
timed_out_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main loop until @cond holds, failing after 10 s instead of
 * hanging the suite. */
#define WAIT_FOR(cond)                                                                             \
  G_STMT_START                                                                                     \
  {                                                                                                \
    gboolean timed_out_ = FALSE;                                                                   \
    guint timeout_id_ = g_timeout_add_seconds (10, timed_out_cb, &timed_out_);                     \
    while (!(cond) && !timed_out_)                                                                 \
      g_main_context_iteration (NULL, TRUE);                                                       \
    if (!timed_out_)                                                                               \
      g_source_remove (timeout_id_);                                                               \
    g_assert_true (cond);                                                                          \
  }                                                                                                \
  G_STMT_END

static GDBusConnection *
new_connection (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = NULL;
  GDBusConnection *connection;

  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  connection = g_dbus_connection_new_for_address_sync (
      address,
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

typedef struct
{
  gboolean done;
  GVariant *reply;
  GError *error;
} Call;

static void
call_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;

  call->reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &call->error);
  call->done = TRUE;
}

/* Asynchronous underneath: the tray answers from this same main loop. */
static GVariant *
call (GDBusConnection *connection,
      const char *destination,
      const char *path,
      const char *interface,
      const char *method,
      GVariant *parameters,
      const char *reply_type,
      GError **error)
{
  Call data = { 0 };

  g_dbus_connection_call (connection, destination, path, interface, method, parameters,
                          reply_type ? G_VARIANT_TYPE (reply_type) : NULL, G_DBUS_CALL_FLAGS_NONE,
                          5000, NULL, call_cb, &data);
  while (!data.done)
    g_main_context_iteration (NULL, TRUE);
  if (data.error != NULL)
    g_propagate_error (error, data.error);
  return data.reply;
}

/* A StatusNotifierWatcher as a desktop's panel runs it, reduced to what
 * an item uses. */
typedef struct
{
  GDBusConnection *connection;
  guint object_id;
  guint owner_id;
  gboolean acquired;
  GPtrArray *services;
  GPtrArray *senders;
} TestWatcher;

static const char watcher_xml[]
    = "<node><interface name='org.kde.StatusNotifierWatcher'>"
      "  <method name='RegisterStatusNotifierItem'><arg name='service' type='s'/></method>"
      "</interface></node>";

static void
watcher_method_call (GDBusConnection *connection,
                     const char *sender,
                     const char *object_path,
                     const char *interface_name,
                     const char *method_name,
                     GVariant *parameters,
                     GDBusMethodInvocation *invocation,
                     gpointer user_data)
{
  TestWatcher *watcher = user_data;
  const char *service;

  g_assert_cmpstr (method_name, ==, "RegisterStatusNotifierItem");
  g_variant_get (parameters, "(&s)", &service);
  g_ptr_array_add (watcher->services, g_strdup (service));
  g_ptr_array_add (watcher->senders, g_strdup (sender));
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
watcher_acquired_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  ((TestWatcher *) user_data)->acquired = TRUE;
}

static TestWatcher *
test_watcher_start (void)
{
  static const GDBusInterfaceVTable vtable = { watcher_method_call, NULL, NULL };
  g_autoptr (GDBusNodeInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  TestWatcher *watcher = g_new0 (TestWatcher, 1);

  watcher->services = g_ptr_array_new_with_free_func (g_free);
  watcher->senders = g_ptr_array_new_with_free_func (g_free);
  watcher->connection = new_connection ();

  info = g_dbus_node_info_new_for_xml (watcher_xml, &error);
  g_assert_no_error (error);
  watcher->object_id
      = g_dbus_connection_register_object (watcher->connection, "/StatusNotifierWatcher",
                                           info->interfaces[0], &vtable, watcher, NULL, &error);
  g_assert_no_error (error);

  watcher->owner_id = g_bus_own_name_on_connection (watcher->connection, WATCHER_NAME,
                                                    G_BUS_NAME_OWNER_FLAGS_NONE,
                                                    watcher_acquired_cb, NULL, watcher, NULL);
  WAIT_FOR (watcher->acquired);
  return watcher;
}

/* Like a crash: the connection closes, the name goes with it. */
static void
test_watcher_stop (TestWatcher *watcher)
{
  g_autoptr (GError) error = NULL;

  g_bus_unown_name (watcher->owner_id);
  g_dbus_connection_unregister_object (watcher->connection, watcher->object_id);
  g_dbus_connection_close_sync (watcher->connection, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (watcher->connection);
  g_ptr_array_unref (watcher->services);
  g_ptr_array_unref (watcher->senders);
  g_free (watcher);
}


/* A layout as text: "label" per item, "(label)" when disabled, "---" for
 * a separator, "label{...}" for a submenu. */
static void
describe_children (GString *out, GVariant *children)
{
  for (gsize i = 0; i < g_variant_n_children (children); i++)
    {
      g_autoptr (GVariant) boxed = g_variant_get_child_value (children, i);
      g_autoptr (GVariant) node = g_variant_get_variant (boxed);
      g_autoptr (GVariant) props = g_variant_get_child_value (node, 1);
      g_autoptr (GVariant) grandchildren = g_variant_get_child_value (node, 2);
      const char *type = NULL, *label = NULL, *display = NULL;
      gboolean enabled = TRUE;

      g_variant_lookup (props, "type", "&s", &type);
      g_variant_lookup (props, "label", "&s", &label);
      g_variant_lookup (props, "enabled", "b", &enabled);
      g_variant_lookup (props, "children-display", "&s", &display);

      if (i > 0)
        g_string_append_c (out, '|');
      if (g_strcmp0 (type, "separator") == 0)
        {
          g_string_append (out, "---");
          continue;
        }
      g_string_append_printf (out, enabled ? "%s" : "(%s)", label);
      if (g_strcmp0 (display, "submenu") == 0)
        {
          g_string_append_c (out, '{');
          describe_children (out, grandchildren);
          g_string_append_c (out, '}');
        }
      else
        {
          g_assert_cmpuint (g_variant_n_children (grandchildren), ==, 0);
        }
    }
}


static int
find_item (GVariant *node, const char *label)
{
  g_autoptr (GVariant) props = g_variant_get_child_value (node, 1);
  g_autoptr (GVariant) children = g_variant_get_child_value (node, 2);
  const char *item_label;
  int id;

  g_variant_get_child (node, 0, "i", &id);
  if (g_variant_lookup (props, "label", "&s", &item_label) && g_str_equal (item_label, label))
    return id;
  for (gsize i = 0; i < g_variant_n_children (children); i++)
    {
      g_autoptr (GVariant) boxed = g_variant_get_child_value (children, i);
      g_autoptr (GVariant) child = g_variant_get_variant (boxed);

      id = find_item (child, label);
      if (id >= 0)
        return id;
    }
  return -1;
}


typedef struct
{
  char *dir;
  RelinkStore *store;
  RelinkAccountManager *manager;
  GSettings *settings;
  GApplication *app;
  GDBusConnection *connection; /* the application's */
  GDBusConnection *host;       /* the panel's */
  GPtrArray *activations;
  GPtrArray *signals;
  guint subscription;
  gint64 now;
} Fixture;

static gint64
fake_clock (gpointer user_data)
{
  return ((Fixture *) user_data)->now;
}

static void
activated_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  Fixture *fixture = user_data;

  g_ptr_array_add (fixture->activations,
                   parameter ? g_strdup_printf ("%s(%s)", g_action_get_name (G_ACTION (action)),
                                                g_variant_get_string (parameter, NULL))
                             : g_strdup (g_action_get_name (G_ACTION (action))));
}

static void
signal_cb (GDBusConnection *connection,
           const char *sender,
           const char *path,
           const char *interface,
           const char *name,
           GVariant *parameters,
           gpointer user_data)
{
  Fixture *fixture = user_data;

  if (g_str_equal (name, "NewStatus"))
    {
      const char *status;

      g_variant_get (parameters, "(&s)", &status);
      g_ptr_array_add (fixture->signals, g_strdup_printf ("NewStatus %s", status));
    }
  else
    {
      g_ptr_array_add (fixture->signals, g_strdup (name));
    }
}

static gboolean
has_signal (Fixture *fixture, const char *text)
{
  for (guint i = 0; i < fixture->signals->len; i++)
    if (g_str_equal (g_ptr_array_index (fixture->signals, i), text))
      return TRUE;
  return FALSE;
}

static void
save_account (Fixture *fixture,
              const char *id,
              const char *nickname,
              RelinkAccountStatus status,
              gint64 expires_at)
{
  g_autoptr (RelinkAccount) account = relink_account_new (id);
  g_autoptr (GError) error = NULL;

  relink_account_set_keyset_id (account, "keyset-ebay");
  relink_account_set_nickname (account, nickname);
  relink_account_set_status (account, status);
  relink_account_set_created_at (account, fixture->now - 400 * DAY);
  relink_account_set_refresh_expires_at (account, expires_at);
  relink_store_save_account (fixture->store, account, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  static guint counter;
  static const GActionEntry entries[] = {
    { "renew-account", activated_cb, "s" },
    { "activate", activated_cb },
    { "quit", activated_cb },
  };
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new ("keyset-ebay");
  g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();
  g_autoptr (RelinkProviderRegistry) providers = relink_provider_registry_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *app_id = NULL;

  fixture->now = T0;
  fixture->activations = g_ptr_array_new_with_free_func (g_free);
  fixture->signals = g_ptr_array_new_with_free_func (g_free);
  fixture->dir = relink_test_make_tmp_dir ();
  path = g_build_filename (fixture->dir, "relink.db", NULL);
  fixture->store = relink_store_open (path, &error);
  g_assert_no_error (error);

  relink_keyset_set_provider_id (keyset, "ebay");
  relink_keyset_set_environment (keyset, "production");
  relink_keyset_set_client_id (keyset, "ShopTool-PRD-1a2b3c4d5-6e7f8a9b");
  relink_store_save_keyset (fixture->store, keyset, &error);
  g_assert_no_error (error);

  save_account (fixture, "acc-a", "shop_a", RELINK_ACCOUNT_STATUS_CONNECTED, T0 + 3 * DAY);
  save_account (fixture, "acc-b", "shop_b", RELINK_ACCOUNT_STATUS_CONNECTED, T0 + 90 * DAY);
  save_account (fixture, "acc-c", "shop_c", RELINK_ACCOUNT_STATUS_NEEDS_REAUTH, T0 + 200 * DAY);
  save_account (fixture, "acc-d", "my_shop", RELINK_ACCOUNT_STATUS_NOT_CONNECTED, 0);

  fixture->manager = relink_account_manager_new (fixture->store, secrets, providers);
  relink_account_manager_load_sync (fixture->manager, NULL, &error);
  g_assert_no_error (error);

  fixture->settings = g_settings_new (APPLICATION_ID);

  app_id = g_strdup_printf ("io.github.relink.Relink.TestTray%u", counter++);
  fixture->app = g_application_new (app_id, G_APPLICATION_DEFAULT_FLAGS);
  g_action_map_add_action_entries (G_ACTION_MAP (fixture->app), entries, G_N_ELEMENTS (entries),
                                   fixture);
  g_application_register (fixture->app, NULL, &error);
  g_assert_no_error (error);
  fixture->connection = g_application_get_dbus_connection (fixture->app);

  fixture->host = new_connection ();
  fixture->subscription = g_dbus_connection_signal_subscribe (
      fixture->host, g_dbus_connection_get_unique_name (fixture->connection), NULL, NULL, NULL,
      NULL, G_DBUS_SIGNAL_FLAGS_NONE, signal_cb, fixture, NULL);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_dbus_connection_signal_unsubscribe (fixture->host, fixture->subscription);
  g_dbus_connection_close_sync (fixture->host, NULL, NULL);
  g_clear_object (&fixture->host);
  g_settings_reset (fixture->settings, "show-tray-icon");
  g_settings_reset (fixture->settings, "expiring-soon-days");
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->app);
  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->manager));
  g_clear_object (&fixture->store);
  relink_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_ptr_array_unref (fixture->activations);
  g_ptr_array_unref (fixture->signals);
}

static RelinkTrayController *
fixture_new_controller (Fixture *fixture)
{
  RelinkTrayController *controller
      = relink_tray_controller_new (fixture->app, fixture->manager, fixture->settings);

  relink_tray_controller_set_clock (controller, fake_clock, fixture);
  return controller;
}

static GVariant *
get_item_property (Fixture *fixture, const char *name)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;
  GVariant *value;

  reply = call (fixture->host, g_dbus_connection_get_unique_name (fixture->connection), ITEM_PATH,
                "org.freedesktop.DBus.Properties", "Get",
                g_variant_new ("(ss)", ITEM_INTERFACE, name), "(v)", &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &value);
  return value;
}

static char *
get_status (Fixture *fixture)
{
  g_autoptr (GVariant) value = get_item_property (fixture, "Status");

  return g_variant_dup_string (value, NULL);
}

static char *
get_tooltip (Fixture *fixture)
{
  g_autoptr (GVariant) value = get_item_property (fixture, "ToolTip");
  const char *title, *description;

  g_variant_get (value, "(&sa(iiay)&s&s)", NULL, NULL, &title, &description);
  g_assert_cmpstr (title, ==, "Relink");
  return g_strdup (description);
}

static char *
get_layout (Fixture *fixture, GVariant **layout)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) root = NULL;
  g_autoptr (GVariant) children = NULL;
  g_autoptr (GError) error = NULL;
  GString *out = g_string_new (NULL);
  guint revision;

  reply = call (fixture->host, g_dbus_connection_get_unique_name (fixture->connection), MENU_PATH,
                MENU_INTERFACE, "GetLayout", g_variant_new ("(iias)", 0, -1, NULL), "(u(ia{sv}av))",
                &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u@(ia{sv}av))", &revision, &root);
  children = g_variant_get_child_value (root, 2);
  describe_children (out, children);
  if (layout != NULL)
    *layout = g_variant_ref (root);
  return g_string_free (out, FALSE);
}

static void
click (Fixture *fixture, int id)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (id, >, 0);
  reply = call (fixture->host, g_dbus_connection_get_unique_name (fixture->connection), MENU_PATH,
                MENU_INTERFACE, "Event",
                g_variant_new ("(isvu)", id, "clicked", g_variant_new_int32 (0), 0), "()", &error);
  g_assert_no_error (error);
}

/* Waits until the host reads @expected as the menu: layout changes
 * arrive after an idle. */
#define WAIT_FOR_LAYOUT(fixture, expected)                                                         \
  G_STMT_START                                                                                     \
  {                                                                                                \
    g_autofree char *text_ = NULL;                                                                 \
    gboolean timed_out_ = FALSE;                                                                   \
    guint timeout_id_ = g_timeout_add_seconds (10, timed_out_cb, &timed_out_);                     \
    while (!timed_out_)                                                                            \
      {                                                                                            \
        g_free (text_);                                                                            \
        text_ = get_layout (fixture, NULL);                                                        \
        if (g_str_equal (text_, expected))                                                         \
          break;                                                                                   \
        g_main_context_iteration (NULL, TRUE);                                                     \
      }                                                                                            \
    if (!timed_out_)                                                                               \
      g_source_remove (timeout_id_);                                                               \
    g_assert_cmpstr (text_, ==, expected);                                                         \
  }                                                                                                \
  G_STMT_END

static void
test_escape (void)
{
  g_autofree char *a = relink_tray_escape_label ("eBay · my_shop_");
  g_autofree char *b = relink_tray_escape_label ("plain");

  g_assert_cmpstr (a, ==, "eBay · my__shop__");
  g_assert_cmpstr (b, ==, "plain");
}

static void
test_follows_accounts (Fixture *fixture, gconstpointer data)
{
  TestWatcher *watcher = test_watcher_start ();
  g_autoptr (RelinkTrayController) controller = fixture_new_controller (fixture);
  g_autoptr (GVariant) layout = NULL;
  g_autoptr (GVariant) icon = NULL;
  g_autoptr (GVariant) attention_icon = NULL;
  g_autofree char *status = NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *text = NULL;
  RelinkTray *tray = relink_tray_controller_get_tray (controller);

  g_assert_nonnull (tray);
  WAIT_FOR (relink_tray_get_registered (tray));
  g_assert_cmpuint (watcher->services->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (watcher->services, 0), ==,
                   g_dbus_connection_get_unique_name (fixture->connection));

  /* Three need attention; signing in again is the most urgent. */
  status = get_status (fixture);
  g_assert_cmpstr (status, ==, "NeedsAttention");
  icon = get_item_property (fixture, "IconName");
  g_assert_cmpstr (g_variant_get_string (icon, NULL), ==, ICON_NAME);
  attention_icon = get_item_property (fixture, "AttentionIconName");
  g_assert_cmpstr (g_variant_get_string (attention_icon, NULL), ==, "dialog-warning-symbolic");
  tooltip = get_tooltip (fixture);
  g_assert_cmpstr (tooltip, ==,
                   "eBay · shop_c needs you to sign in again\n2 more accounts need attention");

  /* Underscores of names stay underscores, not mnemonics. */
  text = get_layout (fixture, &layout);
  g_assert_cmpstr (text, ==,
                   "Renew eBay · shop__c|Connect eBay · my__shop|Renew eBay · shop__a|---|"
                   "_Open Relink|_Quit");

  click (fixture, find_item (layout, "Renew eBay · shop__a"));
  click (fixture, find_item (layout, "_Open Relink"));
  g_assert_cmpuint (fixture->activations->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fixture->activations, 0), ==, "renew-account(acc-a)");
  g_assert_cmpstr (g_ptr_array_index (fixture->activations, 1), ==, "activate");

  /* shop_c signs in again: shop_a (3 days) is now the most urgent after
   * the unconnected one. */
  relink_account_set_status (relink_account_manager_lookup_account (fixture->manager, "acc-c"),
                             RELINK_ACCOUNT_STATUS_CONNECTED);
  WAIT_FOR_LAYOUT (fixture, "Connect eBay · my__shop|Renew eBay · shop__a|---|_Open Relink|_Quit");
  g_clear_pointer (&tooltip, g_free);
  tooltip = get_tooltip (fixture);
  g_assert_cmpstr (tooltip, ==, "eBay · my_shop is not connected\n1 more account needs attention");

  /* Everything fine: Active, and only the fixed entries. */
  relink_account_set_refresh_expires_at (
      relink_account_manager_lookup_account (fixture->manager, "acc-a"), T0 + 500 * DAY);
  relink_account_set_refresh_expires_at (
      relink_account_manager_lookup_account (fixture->manager, "acc-d"), T0 + 500 * DAY);
  relink_account_set_status (relink_account_manager_lookup_account (fixture->manager, "acc-d"),
                             RELINK_ACCOUNT_STATUS_CONNECTED);
  WAIT_FOR (has_signal (fixture, "NewStatus Active"));
  g_clear_pointer (&status, g_free);
  status = get_status (fixture);
  g_assert_cmpstr (status, ==, "Active");
  g_clear_pointer (&tooltip, g_free);
  tooltip = get_tooltip (fixture);
  g_assert_cmpstr (tooltip, ==, "All connections are fine");
  WAIT_FOR_LAYOUT (fixture, "_Open Relink|_Quit");

  /* Time passes: shop_b comes within the 14 days. */
  fixture->now = T0 + 80 * DAY;
  relink_tray_controller_update (controller);
  WAIT_FOR (has_signal (fixture, "NewStatus NeedsAttention"));
  g_clear_pointer (&tooltip, g_free);
  tooltip = get_tooltip (fixture);
  g_assert_cmpstr (tooltip, ==, "eBay · shop_b expires in 10 days");
  WAIT_FOR_LAYOUT (fixture, "Renew eBay · shop__b|---|_Open Relink|_Quit");

  g_assert_finalize_object (g_steal_pointer (&controller));
  test_watcher_stop (watcher);
}

static void
test_settings (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkTrayController) controller = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *tooltip = NULL;
  TestWatcher *watcher;

  /* No watcher yet: nothing breaks; the item is there for a later one. */
  controller = fixture_new_controller (fixture);
  g_assert_false (relink_tray_get_registered (relink_tray_controller_get_tray (controller)));
  watcher = test_watcher_start ();
  WAIT_FOR (relink_tray_get_registered (relink_tray_controller_get_tray (controller)));

  /* A wider "expiring soon" takes shop_b in as well. */
  g_settings_set_uint (fixture->settings, "expiring-soon-days", 100);
  WAIT_FOR_LAYOUT (fixture, "Renew eBay · shop__c|Connect eBay · my__shop|Renew eBay · shop__a|"
                            "Renew eBay · shop__b|---|_Open Relink|_Quit");
  tooltip = get_tooltip (fixture);
  g_assert_cmpstr (tooltip, ==,
                   "eBay · shop_c needs you to sign in again\n3 more accounts need attention");

  /* Hidden: announced Passive, then gone from the bus. */
  g_settings_set_boolean (fixture->settings, "show-tray-icon", FALSE);
  g_assert_null (relink_tray_controller_get_tray (controller));
  WAIT_FOR (has_signal (fixture, "NewStatus Passive"));
  reply = call (fixture->host, g_dbus_connection_get_unique_name (fixture->connection), ITEM_PATH,
                "org.freedesktop.DBus.Properties", "GetAll", g_variant_new ("(s)", ITEM_INTERFACE),
                "(a{sv})", &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD);

  /* Shown again: registered again, with the current state. */
  g_settings_set_boolean (fixture->settings, "show-tray-icon", TRUE);
  g_assert_nonnull (relink_tray_controller_get_tray (controller));
  WAIT_FOR (watcher->services->len == 2);
  g_clear_pointer (&tooltip, g_free);
  tooltip = get_tooltip (fixture);
  g_assert_cmpstr (tooltip, ==,
                   "eBay · shop_c needs you to sign in again\n3 more accounts need attention");

  g_assert_finalize_object (g_steal_pointer (&controller));
  test_watcher_stop (watcher);
}

/* The settings start with the icon off: no item at all. */
static void
test_off (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkTrayController) controller = NULL;
  TestWatcher *watcher = test_watcher_start ();

  g_settings_set_boolean (fixture->settings, "show-tray-icon", FALSE);
  controller = fixture_new_controller (fixture);
  g_assert_null (relink_tray_controller_get_tray (controller));
  /* The menu is kept all the same, ready for when it is turned on. */
  g_assert_cmpint (g_menu_model_get_n_items (relink_tray_controller_get_menu (controller)), ==, 2);

  g_assert_finalize_object (g_steal_pointer (&controller));
  g_assert_cmpuint (watcher->services->len, ==, 0);
  test_watcher_stop (watcher);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tray-controller/escape", test_escape);
  g_test_add ("/tray-controller/follows-accounts", Fixture, NULL, fixture_setup,
              test_follows_accounts, fixture_teardown);
  g_test_add ("/tray-controller/settings", Fixture, NULL, fixture_setup, test_settings,
              fixture_teardown);
  g_test_add ("/tray-controller/off", Fixture, NULL, fixture_setup, test_off, fixture_teardown);

  return g_test_run ();
}
