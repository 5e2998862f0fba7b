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
#include "relink-test-service.h"
#include "relink-test-util.h"
#include "relink-tray-controller-private.h"

#define DAY G_GINT64_CONSTANT (86400)
#define T0 G_GINT64_CONSTANT (1893456000)
#define ICON_NAME "io.github.relink.Relink-symbolic"

#define WAIT_FOR(cond) RELINK_TEST_WAIT_FOR (cond, 10)

typedef struct
{
  char *dir;
  RelinkStore *store;
  RelinkAccountManager *manager;
  GSettings *settings;
  GApplication *app;
  GDBusConnection *connection; /* the application's */
  RelinkTestHost *host;        /* the panel */
  GPtrArray *activations;
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

  fixture->host = relink_test_host_new (fixture->connection);
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  g_clear_pointer (&fixture->host, relink_test_host_free);
  g_settings_reset (fixture->settings, "show-tray-icon");
  g_settings_reset (fixture->settings, "expiring-soon-days");
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->app);
  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->manager));
  g_clear_object (&fixture->store);
  relink_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_ptr_array_unref (fixture->activations);
}

static RelinkTrayController *
fixture_new_controller (Fixture *fixture)
{
  RelinkTrayController *controller
      = relink_tray_controller_new (fixture->app, fixture->manager, fixture->settings);

  relink_tray_controller_set_clock (controller, fake_clock, fixture);
  return controller;
}

static char *
get_status (Fixture *fixture)
{
  g_autoptr (GVariant) value = relink_test_host_get_item_property (fixture->host, "Status");

  return g_variant_dup_string (value, NULL);
}

static char *
get_tooltip (Fixture *fixture)
{
  g_autoptr (GVariant) value = relink_test_host_get_item_property (fixture->host, "ToolTip");
  const char *title, *description;

  g_variant_get (value, "(&sa(iiay)&s&s)", NULL, NULL, &title, &description);
  g_assert_cmpstr (title, ==, "Relink");
  return g_strdup (description);
}

/* Waits until the host reads @expected as the menu: layout changes
 * arrive after an idle. A LayoutUpdated the host receives while waiting
 * for GetLayout's answer is no wakeup left for the loop: fetch again
 * rather than block on a layout already known to be outdated. */
#define WAIT_FOR_LAYOUT(fixture, expected)                                                         \
  G_STMT_START                                                                                     \
  {                                                                                                \
    g_autofree char *text_ = NULL;                                                                 \
    gboolean timed_out_ = FALSE;                                                                   \
    guint timeout_id_ = g_timeout_add_seconds (10, relink_test_timed_out_cb, &timed_out_);         \
    while (!timed_out_)                                                                            \
      {                                                                                            \
        guint n_signals_ = fixture->host->signals->len;                                            \
        g_free (text_);                                                                            \
        text_ = relink_test_host_get_layout (fixture->host, NULL, NULL);                           \
        if (g_str_equal (text_, expected))                                                         \
          break;                                                                                   \
        if (fixture->host->signals->len == n_signals_)                                             \
          g_main_context_iteration (NULL, TRUE);                                                   \
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
  RelinkTestWatcher *watcher = relink_test_watcher_start ();
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
  icon = relink_test_host_get_item_property (fixture->host, "IconName");
  g_assert_cmpstr (g_variant_get_string (icon, NULL), ==, ICON_NAME);
  attention_icon = relink_test_host_get_item_property (fixture->host, "AttentionIconName");
  g_assert_cmpstr (g_variant_get_string (attention_icon, NULL), ==, "dialog-warning-symbolic");
  tooltip = get_tooltip (fixture);
  g_assert_cmpstr (tooltip, ==,
                   "eBay · shop_c needs you to sign in again\n2 more accounts need attention");

  /* Underscores of names stay underscores, not mnemonics. */
  text = relink_test_host_get_layout (fixture->host, NULL, &layout);
  g_assert_cmpstr (text, ==,
                   "Renew eBay · shop__c|Connect eBay · my__shop|Renew eBay · shop__a|---|"
                   "_Open Relink|_Quit");

  relink_test_host_click (fixture->host,
                          relink_test_find_menu_item (layout, "Renew eBay · shop__a"));
  relink_test_host_click (fixture->host, relink_test_find_menu_item (layout, "_Open Relink"));
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
  WAIT_FOR (relink_test_host_has_signal (fixture->host, "NewStatus Active"));
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
  WAIT_FOR (relink_test_host_has_signal (fixture->host, "NewStatus NeedsAttention"));
  g_clear_pointer (&tooltip, g_free);
  tooltip = get_tooltip (fixture);
  g_assert_cmpstr (tooltip, ==, "eBay · shop_b expires in 10 days");
  WAIT_FOR_LAYOUT (fixture, "Renew eBay · shop__b|---|_Open Relink|_Quit");

  g_assert_finalize_object (g_steal_pointer (&controller));
  relink_test_watcher_stop (watcher);
}

static void
test_settings (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkTrayController) controller = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *tooltip = NULL;
  RelinkTestWatcher *watcher;

  /* No watcher yet: nothing breaks; the item is there for a later one. */
  controller = fixture_new_controller (fixture);
  g_assert_false (relink_tray_get_registered (relink_tray_controller_get_tray (controller)));
  watcher = relink_test_watcher_start ();
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
  WAIT_FOR (relink_test_host_has_signal (fixture->host, "NewStatus Passive"));
  reply = relink_test_host_call (
      fixture->host, RELINK_TEST_ITEM_PATH, "org.freedesktop.DBus.Properties", "GetAll",
      g_variant_new ("(s)", RELINK_TEST_ITEM_INTERFACE), "(a{sv})", &error);
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
  relink_test_watcher_stop (watcher);
}

/* The settings start with the icon off: no item at all. */
static void
test_off (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkTrayController) controller = NULL;
  RelinkTestWatcher *watcher = relink_test_watcher_start ();

  g_settings_set_boolean (fixture->settings, "show-tray-icon", FALSE);
  controller = fixture_new_controller (fixture);
  g_assert_null (relink_tray_controller_get_tray (controller));
  /* The menu is kept all the same, ready for when it is turned on. */
  g_assert_cmpint (g_menu_model_get_n_items (relink_tray_controller_get_menu (controller)), ==, 2);

  g_assert_finalize_object (g_steal_pointer (&controller));
  g_assert_cmpuint (watcher->services->len, ==, 0);
  relink_test_watcher_stop (watcher);
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
