/* test-tray.c: the tray icon as a StatusNotifierItem host sees it, on the
 * private session bus: a StatusNotifierWatcher and a dbusmenu client of
 * our own, each on its own connection.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "relink-tray.h"

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

typedef struct
{
  GDBusConnection *connection; /* the application's */
  GDBusConnection *host;       /* the panel's */
  GMenu *menu;
  GMenu *accounts;
  GSimpleActionGroup *actions;
  GPtrArray *activations;
  GPtrArray *signals;
  guint subscription;
  guint revision;
} Fixture;

static void
action_activated_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  Fixture *fixture = user_data;
  g_autofree char *target = parameter ? g_variant_print (parameter, FALSE) : NULL;

  g_ptr_array_add (fixture->activations,
                   target
                       ? g_strdup_printf ("%s(%s)", g_action_get_name (G_ACTION (action)), target)
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
  else if (g_str_equal (name, "LayoutUpdated"))
    {
      int parent;

      g_variant_get (parameters, "(ui)", &fixture->revision, &parent);
      g_ptr_array_add (fixture->signals, g_strdup_printf ("LayoutUpdated %d", parent));
    }
  else if (g_str_equal (name, "ItemsPropertiesUpdated"))
    {
      g_autofree char *text = g_variant_print (parameters, FALSE);

      g_ptr_array_add (fixture->signals, g_strdup_printf ("ItemsPropertiesUpdated %s", text));
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
fixture_setup (Fixture *fixture, gconstpointer data)
{
  static const GActionEntry entries[] = {
    { "activate", action_activated_cb },
    { "renew", action_activated_cb, "s" },
    { "quit", action_activated_cb },
  };
  g_autoptr (GMenu) section = g_menu_new ();
  g_autoptr (GMenu) more = g_menu_new ();
  g_autoptr (GMenuItem) item = NULL;
  g_autoptr (GError) error = NULL;

  fixture->connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  fixture->host = new_connection ();
  fixture->activations = g_ptr_array_new_with_free_func (g_free);
  fixture->signals = g_ptr_array_new_with_free_func (g_free);
  fixture->subscription = g_dbus_connection_signal_subscribe (
      fixture->host, g_dbus_connection_get_unique_name (fixture->connection), NULL, NULL, NULL,
      NULL, G_DBUS_SIGNAL_FLAGS_NONE, signal_cb, fixture, NULL);

  fixture->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (fixture->actions), entries, G_N_ELEMENTS (entries),
                                   fixture);

  /* Shaped like the application's menu: the accounts that need renewal,
   * then the fixed entries. */
  fixture->menu = g_menu_new ();
  fixture->accounts = g_menu_new ();
  g_menu_append (fixture->accounts, "Renew “shop_a”", "app.renew::shop_a");
  g_menu_append (fixture->accounts, "Renew “shop_b”", "app.renew::shop_b");
  g_menu_append_section (fixture->menu, NULL, G_MENU_MODEL (fixture->accounts));

  g_menu_append (section, "_Open Relink", "app.activate");
  /* A detailed name set by hand, not split by GMenu. */
  item = g_menu_item_new ("Renew “shop_c”", NULL);
  g_menu_item_set_attribute (item, G_MENU_ATTRIBUTE_ACTION, "s", "app.renew::shop_c");
  g_menu_append_item (more, item);
  g_menu_append (more, "Check All", "app.check-all");
  g_menu_append_submenu (section, "More", G_MENU_MODEL (more));
  g_menu_append (section, "_Quit", "app.quit");
  g_menu_append_section (fixture->menu, NULL, G_MENU_MODEL (section));
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_dbus_connection_signal_unsubscribe (fixture->host, fixture->subscription);
  g_dbus_connection_close_sync (fixture->host, NULL, NULL);
  g_clear_object (&fixture->host);
  g_clear_object (&fixture->connection);
  g_clear_object (&fixture->menu);
  g_clear_object (&fixture->accounts);
  g_clear_object (&fixture->actions);
  g_clear_pointer (&fixture->activations, g_ptr_array_unref);
  g_clear_pointer (&fixture->signals, g_ptr_array_unref);
}

static RelinkTray *
fixture_new_tray (Fixture *fixture)
{
  return relink_tray_new (fixture->connection, ICON_NAME, G_MENU_MODEL (fixture->menu),
                          G_ACTION_GROUP (fixture->actions));
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

static GVariant *
call_menu (Fixture *fixture, const char *method, GVariant *parameters, const char *reply_type)
{
  g_autoptr (GError) error = NULL;
  GVariant *reply;

  reply = call (fixture->host, g_dbus_connection_get_unique_name (fixture->connection), MENU_PATH,
                MENU_INTERFACE, method, parameters, reply_type, &error);
  g_assert_no_error (error);
  return reply;
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

static char *
get_layout (Fixture *fixture, guint *revision, GVariant **layout)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) root = NULL;
  g_autoptr (GVariant) children = NULL;
  GString *out = g_string_new (NULL);
  int root_id;

  reply = call_menu (fixture, "GetLayout", g_variant_new ("(iias)", 0, -1, NULL), "(u(ia{sv}av))");
  g_variant_get (reply, "(u@(ia{sv}av))", revision, &root);
  g_variant_get_child (root, 0, "i", &root_id);
  g_assert_cmpint (root_id, ==, 0);
  children = g_variant_get_child_value (root, 2);
  describe_children (out, children);
  if (layout != NULL)
    *layout = g_variant_ref (root);
  return g_string_free (out, FALSE);
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

static void
click (Fixture *fixture, int id)
{
  g_autoptr (GVariant) reply = NULL;

  reply = call_menu (fixture, "Event",
                     g_variant_new ("(isvu)", id, "clicked", g_variant_new_int32 (0), 0), "()");
}

static void
test_registers_with_unique_name (Fixture *fixture, gconstpointer data)
{
  TestWatcher *watcher = test_watcher_start ();
  g_autoptr (RelinkTray) tray = fixture_new_tray (fixture);
  const char *unique_name = g_dbus_connection_get_unique_name (fixture->connection);

  WAIT_FOR (relink_tray_get_registered (tray));
  g_assert_cmpuint (watcher->services->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (watcher->services, 0), ==, unique_name);
  g_assert_cmpstr (g_ptr_array_index (watcher->senders, 0), ==, unique_name);

  g_assert_finalize_object (g_steal_pointer (&tray));
  test_watcher_stop (watcher);
}

static void
test_late_watcher (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkTray) tray = fixture_new_tray (fixture);
  g_autoptr (GVariant) status = NULL;
  TestWatcher *watcher;

  /* Without a watcher the item is exported all the same. */
  status = get_item_property (fixture, "Status");
  g_assert_cmpstr (g_variant_get_string (status, NULL), ==, "Active");
  g_assert_false (relink_tray_get_registered (tray));
  relink_tray_set_status (tray, RELINK_TRAY_STATUS_NEEDS_ATTENTION);
  relink_tray_set_tooltip (tray, "Relink", "Renew “shop_a”");
  WAIT_FOR (has_signal (fixture, "NewToolTip"));
  g_assert_false (relink_tray_get_registered (tray));

  watcher = test_watcher_start ();
  WAIT_FOR (relink_tray_get_registered (tray));
  g_assert_cmpuint (watcher->services->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (watcher->services, 0), ==,
                   g_dbus_connection_get_unique_name (fixture->connection));

  g_assert_finalize_object (g_steal_pointer (&tray));
  test_watcher_stop (watcher);
}

static void
test_watcher_restart (Fixture *fixture, gconstpointer data)
{
  TestWatcher *watcher = test_watcher_start ();
  g_autoptr (RelinkTray) tray = fixture_new_tray (fixture);

  WAIT_FOR (relink_tray_get_registered (tray));
  test_watcher_stop (watcher);
  WAIT_FOR (!relink_tray_get_registered (tray));

  watcher = test_watcher_start ();
  WAIT_FOR (relink_tray_get_registered (tray));
  g_assert_cmpuint (watcher->services->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (watcher->services, 0), ==,
                   g_dbus_connection_get_unique_name (fixture->connection));

  g_assert_finalize_object (g_steal_pointer (&tray));
  test_watcher_stop (watcher);
}

static void
test_item_properties (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkTray) tray = fixture_new_tray (fixture);
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) all = NULL;
  g_autoptr (GVariant) status = NULL;
  g_autoptr (GVariant) tooltip = NULL;
  g_autoptr (GError) error = NULL;
  const char *icon, *title, *description;
  const char *string;
  gboolean is_menu;

  reply = call (fixture->host, g_dbus_connection_get_unique_name (fixture->connection), ITEM_PATH,
                "org.freedesktop.DBus.Properties", "GetAll", g_variant_new ("(s)", ITEM_INTERFACE),
                "(a{sv})", &error);
  g_assert_no_error (error);
  all = g_variant_get_child_value (reply, 0);
  g_assert_true (g_variant_lookup (all, "Category", "&s", &string));
  g_assert_cmpstr (string, ==, "ApplicationStatus");
  g_assert_true (g_variant_lookup (all, "Id", "&s", &string));
  g_assert_cmpstr (string, ==, APPLICATION_ID);
  g_assert_true (g_variant_lookup (all, "Title", "&s", &string));
  g_assert_cmpstr (string, ==, "Relink");
  g_assert_true (g_variant_lookup (all, "Status", "&s", &string));
  g_assert_cmpstr (string, ==, "Active");
  g_assert_true (g_variant_lookup (all, "IconName", "&s", &string));
  g_assert_cmpstr (string, ==, ICON_NAME);
  g_assert_true (g_variant_lookup (all, "AttentionIconName", "&s", &string));
  g_assert_cmpstr (string, ==, ICON_NAME);
  g_assert_true (g_variant_lookup (all, "Menu", "&o", &string));
  g_assert_cmpstr (string, ==, MENU_PATH);
  g_assert_true (g_variant_lookup (all, "ItemIsMenu", "b", &is_menu));
  g_assert_false (is_menu);
  g_assert_true (
      g_variant_lookup (all, "ToolTip", "(&sa(iiay)&s&s)", &icon, NULL, &title, &description));
  g_assert_cmpstr (icon, ==, ICON_NAME);
  g_assert_cmpstr (title, ==, "Relink");
  g_assert_cmpstr (description, ==, "");

  relink_tray_set_status (tray, RELINK_TRAY_STATUS_NEEDS_ATTENTION);
  WAIT_FOR (has_signal (fixture, "NewStatus NeedsAttention"));
  status = get_item_property (fixture, "Status");
  g_assert_cmpstr (g_variant_get_string (status, NULL), ==, "NeedsAttention");

  relink_tray_set_tooltip (tray, "Relink", "“shop_a” expires in 3 days");
  WAIT_FOR (has_signal (fixture, "NewToolTip"));
  tooltip = get_item_property (fixture, "ToolTip");
  g_variant_get (tooltip, "(&sa(iiay)&s&s)", &icon, NULL, &title, &description);
  g_assert_cmpstr (title, ==, "Relink");
  g_assert_cmpstr (description, ==, "“shop_a” expires in 3 days");

  relink_tray_set_status (tray, RELINK_TRAY_STATUS_PASSIVE);
  WAIT_FOR (has_signal (fixture, "NewStatus Passive"));

  /* Left click opens the window. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (fixture->host, g_dbus_connection_get_unique_name (fixture->connection), ITEM_PATH,
                ITEM_INTERFACE, "Activate", g_variant_new ("(ii)", 0, 0), "()", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->activations->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->activations, 0), ==, "activate");

  /* Gone from the bus with the object, so the next tray can take the
   * paths. */
  g_assert_finalize_object (g_steal_pointer (&tray));
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (fixture->host, g_dbus_connection_get_unique_name (fixture->connection), ITEM_PATH,
                "org.freedesktop.DBus.Properties", "GetAll", g_variant_new ("(s)", ITEM_INTERFACE),
                "(a{sv})", &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD);
  g_assert_null (reply);
}

static void
test_menu_layout (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkTray) tray = fixture_new_tray (fixture);
  g_autoptr (GVariant) layout = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) version = NULL;
  g_autoptr (GVariant) value = NULL;
  g_autofree char *text = NULL;
  guint revision;
  int quit;

  text = get_layout (fixture, &revision, &layout);
  g_assert_cmpstr (text, ==,
                   "Renew “shop_a”|Renew “shop_b”|---|_Open Relink|"
                   "More{Renew “shop_c”|(Check All)}|_Quit");

  reply = call (fixture->host, g_dbus_connection_get_unique_name (fixture->connection), MENU_PATH,
                "org.freedesktop.DBus.Properties", "Get",
                g_variant_new ("(ss)", MENU_INTERFACE, "Version"), "(v)", NULL);
  g_variant_get (reply, "(v)", &version);
  g_assert_cmpuint (g_variant_get_uint32 (version), ==, 3);

  quit = find_item (layout, "_Quit");
  g_assert_cmpint (quit, >, 0);
  g_clear_pointer (&reply, g_variant_unref);
  reply = call_menu (fixture, "GetProperty", g_variant_new ("(is)", quit, "label"), "(v)");
  g_variant_get (reply, "(v)", &value);
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "_Quit");

  /* Disabling an action greys its item out at once. */
  g_simple_action_set_enabled (
      G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (fixture->actions), "quit")),
      FALSE);
  {
    g_autofree char *expected
        = g_strdup_printf ("ItemsPropertiesUpdated ([(%d, {'enabled': <false>})], [])", quit);

    WAIT_FOR (has_signal (fixture, expected));
  }
  g_clear_pointer (&text, g_free);
  text = get_layout (fixture, &revision, NULL);
  g_assert_cmpstr (text, ==,
                   "Renew “shop_a”|Renew “shop_b”|---|_Open Relink|"
                   "More{Renew “shop_c”|(Check All)}|(_Quit)");

  g_assert_finalize_object (g_steal_pointer (&tray));
}

static void
test_menu_changes (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkTray) tray = fixture_new_tray (fixture);
  g_autofree char *text = NULL;
  guint revision, new_revision;

  text = get_layout (fixture, &revision, NULL);

  /* Replacing a section item by item sends one new layout. */
  g_menu_remove (fixture->accounts, 0);
  g_menu_append (fixture->accounts, "Renew “shop_d”", "app.renew::shop_d");
  WAIT_FOR (has_signal (fixture, "LayoutUpdated 0"));
  g_assert_cmpuint (fixture->revision, >, revision);

  g_clear_pointer (&text, g_free);
  text = get_layout (fixture, &new_revision, NULL);
  g_assert_cmpuint (new_revision, ==, fixture->revision);
  g_assert_cmpstr (text, ==,
                   "Renew “shop_b”|Renew “shop_d”|---|_Open Relink|"
                   "More{Renew “shop_c”|(Check All)}|_Quit");
  g_assert_cmpuint (fixture->signals->len, ==, 1);

  /* Nothing to renew: no stray separator on top. */
  g_menu_remove_all (fixture->accounts);
  WAIT_FOR (fixture->signals->len == 2);
  g_clear_pointer (&text, g_free);
  text = get_layout (fixture, &new_revision, NULL);
  g_assert_cmpuint (new_revision, >, revision + 1);
  g_assert_cmpstr (text, ==, "_Open Relink|More{Renew “shop_c”|(Check All)}|_Quit");

  g_assert_finalize_object (g_steal_pointer (&tray));
}

static void
test_menu_events (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkTray) tray = fixture_new_tray (fixture);
  g_autoptr (GVariant) layout = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) errors = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  GVariantBuilder events;
  guint revision;
  int bogus;

  text = get_layout (fixture, &revision, &layout);

  click (fixture, find_item (layout, "Renew “shop_b”"));
  click (fixture, find_item (layout, "Renew “shop_c”"));
  click (fixture, find_item (layout, "_Open Relink"));
  /* Disabled: there is no such action. */
  click (fixture, find_item (layout, "Check All"));
  click (fixture, find_item (layout, "_Quit"));

  g_assert_cmpuint (fixture->activations->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (fixture->activations, 0), ==, "renew('shop_b')");
  g_assert_cmpstr (g_ptr_array_index (fixture->activations, 1), ==, "renew('shop_c')");
  g_assert_cmpstr (g_ptr_array_index (fixture->activations, 2), ==, "activate");
  g_assert_cmpstr (g_ptr_array_index (fixture->activations, 3), ==, "quit");

  /* Ids of an old layout never hit an item of the new one. */
  g_menu_remove_all (fixture->accounts);
  WAIT_FOR (has_signal (fixture, "LayoutUpdated 0"));
  bogus = find_item (layout, "Renew “shop_a”");
  reply
      = call (fixture->host, g_dbus_connection_get_unique_name (fixture->connection), MENU_PATH,
              MENU_INTERFACE, "Event",
              g_variant_new ("(isvu)", bogus, "clicked", g_variant_new_int32 (0), 0), "()", &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);

  g_clear_pointer (&layout, g_variant_unref);
  g_clear_pointer (&text, g_free);
  text = get_layout (fixture, &revision, &layout);
  g_assert_cmpint (find_item (layout, "_Quit"), >, bogus);
  g_variant_builder_init (&events, G_VARIANT_TYPE ("a(isvu)"));
  g_variant_builder_add (&events, "(isvu)", bogus, "clicked", g_variant_new_int32 (0), 0);
  g_variant_builder_add (&events, "(isvu)", find_item (layout, "_Quit"), "clicked",
                         g_variant_new_int32 (0), 0);
  errors = call_menu (fixture, "EventGroup", g_variant_new ("(a(isvu))", &events), "(ai)");
  g_assert_cmpuint (fixture->activations->len, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (fixture->activations, 4), ==, "quit");
  {
    g_autoptr (GVariant) ids = g_variant_get_child_value (errors, 0);
    int first;

    g_assert_cmpuint (g_variant_n_children (ids), ==, 1);
    g_variant_get_child (ids, 0, "i", &first);
    g_assert_cmpint (first, ==, bogus);
  }

  g_assert_finalize_object (g_steal_pointer (&tray));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/tray/registers-with-unique-name", Fixture, NULL, fixture_setup,
              test_registers_with_unique_name, fixture_teardown);
  g_test_add ("/tray/late-watcher", Fixture, NULL, fixture_setup, test_late_watcher,
              fixture_teardown);
  g_test_add ("/tray/watcher-restart", Fixture, NULL, fixture_setup, test_watcher_restart,
              fixture_teardown);
  g_test_add ("/tray/item-properties", Fixture, NULL, fixture_setup, test_item_properties,
              fixture_teardown);
  g_test_add ("/tray/menu-layout", Fixture, NULL, fixture_setup, test_menu_layout,
              fixture_teardown);
  g_test_add ("/tray/menu-changes", Fixture, NULL, fixture_setup, test_menu_changes,
              fixture_teardown);
  g_test_add ("/tray/menu-events", Fixture, NULL, fixture_setup, test_menu_events,
              fixture_teardown);

  return g_test_run ();
}
