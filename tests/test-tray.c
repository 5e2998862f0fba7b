/* test-tray.c: the tray icon as a StatusNotifierItem host sees it, on the
 * private session bus: a StatusNotifierWatcher and a dbusmenu client of
 * our own, each on its own connection.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "relink-test-service.h"
#include "relink-tray.h"

#define ICON_NAME "io.github.relink.Relink-symbolic"

#define WAIT_FOR(cond) RELINK_TEST_WAIT_FOR (cond, 10)

typedef struct
{
  GDBusConnection *connection; /* the application's */
  RelinkTestHost *host;        /* the panel */
  GMenu *menu;
  GMenu *accounts;
  GSimpleActionGroup *actions;
  GPtrArray *activations;
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
  fixture->activations = g_ptr_array_new_with_free_func (g_free);
  fixture->host = relink_test_host_new (fixture->connection);

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
  g_clear_pointer (&fixture->host, relink_test_host_free);
  g_clear_object (&fixture->connection);
  g_clear_object (&fixture->menu);
  g_clear_object (&fixture->accounts);
  g_clear_object (&fixture->actions);
  g_clear_pointer (&fixture->activations, g_ptr_array_unref);
}

static RelinkTray *
fixture_new_tray (Fixture *fixture)
{
  return relink_tray_new (fixture->connection, ICON_NAME, G_MENU_MODEL (fixture->menu),
                          G_ACTION_GROUP (fixture->actions));
}

static void
test_registers_with_unique_name (Fixture *fixture, gconstpointer data)
{
  RelinkTestWatcher *watcher = relink_test_watcher_start ();
  g_autoptr (RelinkTray) tray = fixture_new_tray (fixture);
  const char *unique_name = g_dbus_connection_get_unique_name (fixture->connection);

  WAIT_FOR (relink_tray_get_registered (tray));
  g_assert_cmpuint (watcher->services->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (watcher->services, 0), ==, unique_name);
  g_assert_cmpstr (g_ptr_array_index (watcher->senders, 0), ==, unique_name);

  g_assert_finalize_object (g_steal_pointer (&tray));
  relink_test_watcher_stop (watcher);
}

static void
test_late_watcher (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkTray) tray = fixture_new_tray (fixture);
  g_autoptr (GVariant) status = NULL;
  RelinkTestWatcher *watcher;

  /* Without a watcher the item is exported all the same. */
  status = relink_test_host_get_item_property (fixture->host, "Status");
  g_assert_cmpstr (g_variant_get_string (status, NULL), ==, "Active");
  g_assert_false (relink_tray_get_registered (tray));
  relink_tray_set_status (tray, RELINK_TRAY_STATUS_NEEDS_ATTENTION);
  relink_tray_set_tooltip (tray, "Relink", "Renew “shop_a”");
  WAIT_FOR (relink_test_host_has_signal (fixture->host, "NewToolTip"));
  g_assert_false (relink_tray_get_registered (tray));

  watcher = relink_test_watcher_start ();
  WAIT_FOR (relink_tray_get_registered (tray));
  g_assert_cmpuint (watcher->services->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (watcher->services, 0), ==,
                   g_dbus_connection_get_unique_name (fixture->connection));

  g_assert_finalize_object (g_steal_pointer (&tray));
  relink_test_watcher_stop (watcher);
}

static void
test_watcher_restart (Fixture *fixture, gconstpointer data)
{
  RelinkTestWatcher *watcher = relink_test_watcher_start ();
  g_autoptr (RelinkTray) tray = fixture_new_tray (fixture);

  WAIT_FOR (relink_tray_get_registered (tray));
  relink_test_watcher_stop (watcher);
  WAIT_FOR (!relink_tray_get_registered (tray));

  watcher = relink_test_watcher_start ();
  WAIT_FOR (relink_tray_get_registered (tray));
  g_assert_cmpuint (watcher->services->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (watcher->services, 0), ==,
                   g_dbus_connection_get_unique_name (fixture->connection));

  g_assert_finalize_object (g_steal_pointer (&tray));
  relink_test_watcher_stop (watcher);
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

  reply = relink_test_host_call (
      fixture->host, RELINK_TEST_ITEM_PATH, "org.freedesktop.DBus.Properties", "GetAll",
      g_variant_new ("(s)", RELINK_TEST_ITEM_INTERFACE), "(a{sv})", &error);
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
  g_assert_cmpstr (string, ==, RELINK_TEST_MENU_PATH);
  g_assert_true (g_variant_lookup (all, "ItemIsMenu", "b", &is_menu));
  g_assert_false (is_menu);
  g_assert_true (
      g_variant_lookup (all, "ToolTip", "(&sa(iiay)&s&s)", &icon, NULL, &title, &description));
  g_assert_cmpstr (icon, ==, ICON_NAME);
  g_assert_cmpstr (title, ==, "Relink");
  g_assert_cmpstr (description, ==, "");

  relink_tray_set_status (tray, RELINK_TRAY_STATUS_NEEDS_ATTENTION);
  WAIT_FOR (relink_test_host_has_signal (fixture->host, "NewStatus NeedsAttention"));
  status = relink_test_host_get_item_property (fixture->host, "Status");
  g_assert_cmpstr (g_variant_get_string (status, NULL), ==, "NeedsAttention");

  relink_tray_set_tooltip (tray, "Relink", "“shop_a” expires in 3 days");
  WAIT_FOR (relink_test_host_has_signal (fixture->host, "NewToolTip"));
  tooltip = relink_test_host_get_item_property (fixture->host, "ToolTip");
  g_variant_get (tooltip, "(&sa(iiay)&s&s)", &icon, NULL, &title, &description);
  g_assert_cmpstr (title, ==, "Relink");
  g_assert_cmpstr (description, ==, "“shop_a” expires in 3 days");

  relink_tray_set_status (tray, RELINK_TRAY_STATUS_PASSIVE);
  WAIT_FOR (relink_test_host_has_signal (fixture->host, "NewStatus Passive"));

  /* Left click opens the window. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = relink_test_host_call (fixture->host, RELINK_TEST_ITEM_PATH, RELINK_TEST_ITEM_INTERFACE,
                                 "Activate", g_variant_new ("(ii)", 0, 0), "()", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->activations->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->activations, 0), ==, "activate");

  /* Gone from the bus with the object, so the next tray can take the
   * paths. */
  g_assert_finalize_object (g_steal_pointer (&tray));
  g_clear_pointer (&reply, g_variant_unref);
  reply = relink_test_host_call (
      fixture->host, RELINK_TEST_ITEM_PATH, "org.freedesktop.DBus.Properties", "GetAll",
      g_variant_new ("(s)", RELINK_TEST_ITEM_INTERFACE), "(a{sv})", &error);
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

  text = relink_test_host_get_layout (fixture->host, &revision, &layout);
  g_assert_cmpstr (text, ==,
                   "Renew “shop_a”|Renew “shop_b”|---|_Open Relink|"
                   "More{Renew “shop_c”|(Check All)}|_Quit");

  reply = relink_test_host_call (
      fixture->host, RELINK_TEST_MENU_PATH, "org.freedesktop.DBus.Properties", "Get",
      g_variant_new ("(ss)", RELINK_TEST_MENU_INTERFACE, "Version"), "(v)", NULL);
  g_variant_get (reply, "(v)", &version);
  g_assert_cmpuint (g_variant_get_uint32 (version), ==, 3);

  quit = relink_test_find_menu_item (layout, "_Quit");
  g_assert_cmpint (quit, >, 0);
  g_clear_pointer (&reply, g_variant_unref);
  reply = relink_test_host_call_menu (fixture->host, "GetProperty",
                                      g_variant_new ("(is)", quit, "label"), "(v)");
  g_variant_get (reply, "(v)", &value);
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "_Quit");

  /* Disabling an action greys its item out at once. */
  g_simple_action_set_enabled (
      G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (fixture->actions), "quit")),
      FALSE);
  {
    g_autofree char *expected
        = g_strdup_printf ("ItemsPropertiesUpdated ([(%d, {'enabled': <false>})], [])", quit);

    WAIT_FOR (relink_test_host_has_signal (fixture->host, expected));
  }
  g_clear_pointer (&text, g_free);
  text = relink_test_host_get_layout (fixture->host, &revision, NULL);
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

  text = relink_test_host_get_layout (fixture->host, &revision, NULL);

  /* Replacing a section item by item sends one new layout. */
  g_menu_remove (fixture->accounts, 0);
  g_menu_append (fixture->accounts, "Renew “shop_d”", "app.renew::shop_d");
  WAIT_FOR (relink_test_host_has_signal (fixture->host, "LayoutUpdated 0"));
  g_assert_cmpuint (fixture->host->revision, >, revision);

  g_clear_pointer (&text, g_free);
  text = relink_test_host_get_layout (fixture->host, &new_revision, NULL);
  g_assert_cmpuint (new_revision, ==, fixture->host->revision);
  g_assert_cmpstr (text, ==,
                   "Renew “shop_b”|Renew “shop_d”|---|_Open Relink|"
                   "More{Renew “shop_c”|(Check All)}|_Quit");
  g_assert_cmpuint (fixture->host->signals->len, ==, 1);

  /* Nothing to renew: no stray separator on top. */
  g_menu_remove_all (fixture->accounts);
  WAIT_FOR (fixture->host->signals->len == 2);
  g_clear_pointer (&text, g_free);
  text = relink_test_host_get_layout (fixture->host, &new_revision, NULL);
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

  text = relink_test_host_get_layout (fixture->host, &revision, &layout);

  relink_test_host_click (fixture->host, relink_test_find_menu_item (layout, "Renew “shop_b”"));
  relink_test_host_click (fixture->host, relink_test_find_menu_item (layout, "Renew “shop_c”"));
  relink_test_host_click (fixture->host, relink_test_find_menu_item (layout, "_Open Relink"));
  /* Disabled: there is no such action. */
  relink_test_host_click (fixture->host, relink_test_find_menu_item (layout, "Check All"));
  relink_test_host_click (fixture->host, relink_test_find_menu_item (layout, "_Quit"));

  g_assert_cmpuint (fixture->activations->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (fixture->activations, 0), ==, "renew('shop_b')");
  g_assert_cmpstr (g_ptr_array_index (fixture->activations, 1), ==, "renew('shop_c')");
  g_assert_cmpstr (g_ptr_array_index (fixture->activations, 2), ==, "activate");
  g_assert_cmpstr (g_ptr_array_index (fixture->activations, 3), ==, "quit");

  /* Ids of an old layout never hit an item of the new one. */
  g_menu_remove_all (fixture->accounts);
  WAIT_FOR (relink_test_host_has_signal (fixture->host, "LayoutUpdated 0"));
  bogus = relink_test_find_menu_item (layout, "Renew “shop_a”");
  reply = relink_test_host_call (
      fixture->host, RELINK_TEST_MENU_PATH, RELINK_TEST_MENU_INTERFACE, "Event",
      g_variant_new ("(isvu)", bogus, "clicked", g_variant_new_int32 (0), 0), "()", &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);

  g_clear_pointer (&layout, g_variant_unref);
  g_clear_pointer (&text, g_free);
  text = relink_test_host_get_layout (fixture->host, &revision, &layout);
  g_assert_cmpint (relink_test_find_menu_item (layout, "_Quit"), >, bogus);
  g_variant_builder_init (&events, G_VARIANT_TYPE ("a(isvu)"));
  g_variant_builder_add (&events, "(isvu)", bogus, "clicked", g_variant_new_int32 (0), 0);
  g_variant_builder_add (&events, "(isvu)", relink_test_find_menu_item (layout, "_Quit"), "clicked",
                         g_variant_new_int32 (0), 0);
  errors = relink_test_host_call_menu (fixture->host, "EventGroup",
                                       g_variant_new ("(a(isvu))", &events), "(ai)");
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
