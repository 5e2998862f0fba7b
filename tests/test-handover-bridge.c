/* test-handover-bridge.c: relink-handover, the program that stands in
 * for the Relink process on the bus while it execs from one image to the
 * other (relink-handover.h), run for real on the private bus with the
 * test's notification server and StatusNotifierWatcher: it shows the
 * item it is given, records clicks and hands them over through its pipes
 * (nothing on the bus can take them), and never outlives the hand-over
 * (its deadline, its parent's end).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "relink-exec.h"
#include "relink-handover.h"
#include "relink-test-service.h"
#include "relink-tray.h"

#define WAIT_FOR(cond) RELINK_TEST_WAIT_FOR (cond, 10)

static RelinkTestNotificationServer *the_server;

typedef struct
{
  RelinkTestWatcher *watcher;
  GDBusConnection *bus;
  GMenu *menu;
  GSimpleActionGroup *actions;
  /* The same item in this process: what the bridge must show. */
  RelinkTray *truth;
  GDBusConnection *truth_bus;
  GSubprocess *bridge;
  GDataInputStream *bridge_out;
  char *bridge_name;
} Fixture;

static void
noop_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  static const GActionEntry entries[] = {
    { "activate", noop_action },
    { "quit", noop_action },
    { "renew-account", noop_action, "s" },
  };
  g_autoptr (GMenu) accounts = g_menu_new ();
  g_autoptr (GMenu) fixed = g_menu_new ();
  g_autoptr (GMenuItem) renew = g_menu_item_new ("Renew eBay · shop__a", NULL);
  g_autoptr (GError) error = NULL;

  relink_test_notification_server_clear (the_server);
  fixture->watcher = relink_test_watcher_start ();
  fixture->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);

  /* The tray controller's menu, as an account due for renewal makes it. */
  fixture->menu = g_menu_new ();
  g_menu_item_set_action_and_target_value (renew, "app.renew-account",
                                           g_variant_new_string ("acc-a"));
  g_menu_append_item (accounts, renew);
  g_menu_append_section (fixture->menu, NULL, G_MENU_MODEL (accounts));
  g_menu_append (fixed, "_Open Relink", "app.activate");
  g_menu_append (fixed, "_Quit", "app.quit");
  g_menu_append_section (fixture->menu, NULL, G_MENU_MODEL (fixed));
  fixture->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (fixture->actions), entries, G_N_ELEMENTS (entries),
                                   NULL);

  /* Read as the bridge's model (the watcher lists it too). */
  fixture->truth_bus = relink_test_new_bus_connection ();
  fixture->truth
      = relink_tray_new (fixture->truth_bus, APPLICATION_ID "-symbolic",
                         G_MENU_MODEL (fixture->menu), G_ACTION_GROUP (fixture->actions));
  relink_tray_set_attention_icon_name (fixture->truth, "dialog-warning-symbolic");
  relink_tray_set_status (fixture->truth, RELINK_TRAY_STATUS_NEEDS_ATTENTION);
  relink_tray_set_tooltip (fixture->truth, "Relink", "eBay · shop_a expires in 7 days");
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  if (fixture->bridge != NULL && g_subprocess_get_identifier (fixture->bridge) != NULL)
    {
      g_subprocess_force_exit (fixture->bridge);
      g_subprocess_wait (fixture->bridge, NULL, NULL);
    }
  g_clear_object (&fixture->bridge);
  g_clear_object (&fixture->bridge_out);
  g_free (fixture->bridge_name);
  g_clear_object (&fixture->truth);
  g_clear_object (&fixture->truth_bus);
  g_clear_object (&fixture->actions);
  g_clear_object (&fixture->menu);
  g_clear_object (&fixture->bus);
  relink_test_watcher_stop (fixture->watcher);
}

static GVariant *
make_state (Fixture *fixture, GPid parent)
{
  g_auto (GVariantBuilder) state = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

  g_variant_builder_add (&state, "{sv}", "parent", g_variant_new_int64 (parent));
  g_variant_builder_add (
      &state, "{sv}", "notification-server",
      g_variant_new_string (g_dbus_connection_get_unique_name (the_server->connection)));
  g_variant_builder_add (&state, "{sv}", "tray", relink_tray_dup_state (fixture->truth));
  g_variant_builder_add (&state, "{sv}", "menu",
                         relink_handover_menu_to_variant (G_MENU_MODEL (fixture->menu)));
  return g_variant_ref_sink (g_variant_builder_end (&state));
}

static char *
bridge_path (void)
{
  return g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "src", RELINK_PROGRAM_HANDOVER,
                           NULL);
}

/* Packed, and stdin left open: the way to ask for the clicks. */
static void
write_state (Fixture *fixture, GVariant *state)
{
  g_autoptr (GBytes) packed = relink_handover_pack (state);
  g_autoptr (GError) error = NULL;

  g_output_stream_write_all (g_subprocess_get_stdin_pipe (fixture->bridge),
                             g_bytes_get_data (packed, NULL), g_bytes_get_size (packed), NULL, NULL,
                             &error);
  g_assert_no_error (error);
}

static void
line_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  char **line = user_data;

  *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (object), result, NULL, NULL);
  if (*line == NULL)
    *line = g_strdup ("");
}

/* Starts the bridge (through /bin/sh when @via_shell, which is then its
 * parent) with @deadline_ms (0: its own), hands it the state and waits
 * for its ready line. */
static void
start_bridge (Fixture *fixture, gboolean via_shell, const char *deadline_ms)
{
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *path = bridge_path ();
  g_autoptr (GVariant) state = NULL;
  g_autoptr (GError) error = NULL;
  char *line = NULL;

  if (deadline_ms != NULL)
    g_subprocess_launcher_setenv (launcher, "RELINK_HANDOVER_DEADLINE_MS", deadline_ms, TRUE);
  /* A background job's stdin is /dev/null unless given explicitly. */
  if (via_shell)
    fixture->bridge = g_subprocess_launcher_spawn (launcher, &error, "/bin/sh", "-c",
                                                   "exec 3<&0; \"$0\" <&3 3<&- & wait", path, NULL);
  else
    fixture->bridge = g_subprocess_launcher_spawn (launcher, &error, path, NULL);
  g_assert_no_error (error);

  state = make_state (fixture, via_shell ? (GPid) g_ascii_strtoll (
                                   g_subprocess_get_identifier (fixture->bridge), NULL, 10)
                                         : getpid ());
  write_state (fixture, state);

  fixture->bridge_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->bridge));
  g_data_input_stream_read_line_async (fixture->bridge_out, G_PRIORITY_DEFAULT, NULL, line_cb,
                                       &line);
  WAIT_FOR (line != NULL);
  fixture->bridge_name = line;
  g_assert_true (g_dbus_is_unique_name (fixture->bridge_name));
}

static char *
describe_layout (GDBusConnection *bus, const char *name)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) root = NULL;
  g_autoptr (GVariant) children = NULL;
  g_autoptr (GError) error = NULL;
  GString *out = g_string_new (NULL);

  reply = relink_test_dbus_call (bus, name, RELINK_TEST_MENU_PATH, RELINK_TEST_MENU_INTERFACE,
                                 "GetLayout", g_variant_new ("(iias)", 0, -1, NULL),
                                 "(u(ia{sv}av))", &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u@(ia{sv}av))", NULL, &root);
  children = g_variant_get_child_value (root, 2);
  relink_test_describe_menu (out, children);
  return g_string_free (out, FALSE);
}

static char *
describe_item (GDBusConnection *bus, const char *name)
{
  const char *properties[]
      = { "Status", "IconName", "AttentionIconName", "Title", "ToolTip", "Id" };
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (properties); i++)
    {
      g_autoptr (GVariant) reply = NULL;
      g_autoptr (GVariant) value = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *text = NULL;

      reply = relink_test_dbus_call (
          bus, name, RELINK_TEST_ITEM_PATH, "org.freedesktop.DBus.Properties", "Get",
          g_variant_new ("(ss)", RELINK_TEST_ITEM_INTERFACE, properties[i]), "(v)", &error);
      g_assert_no_error (error);
      g_variant_get (reply, "(v)", &value);
      text = g_variant_print (value, FALSE);
      g_string_append_printf (out, "%s=%s\n", properties[i], text);
    }
  return g_string_free (out, FALSE);
}

static gboolean
listed (Fixture *fixture, const char *name)
{
  g_autoptr (GHashTable) items = relink_test_watcher_list_items (fixture->watcher);

  return g_hash_table_contains (items, name);
}

static void
spliced_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;
  g_autoptr (GError) error = NULL;

  g_output_stream_splice_finish (G_OUTPUT_STREAM (object), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

/* Asks for the clicks, as the new image does: one byte on its stdin,
 * the answer on its stdout until it ends. */
static GVariant *
finish (Fixture *fixture)
{
  g_autoptr (GOutputStream) reply = g_memory_output_stream_new_resizable ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  const char request = RELINK_HANDOVER_FINISH;
  GVariant *clicks;
  gboolean done = FALSE;

  g_output_stream_write_all (g_subprocess_get_stdin_pipe (fixture->bridge), &request, 1, NULL, NULL,
                             &error);
  g_assert_no_error (error);
  g_output_stream_splice_async (reply, G_INPUT_STREAM (fixture->bridge_out),
                                G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, G_PRIORITY_DEFAULT, NULL,
                                spliced_cb, &done);
  WAIT_FOR (done);
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (reply));
  clicks = g_variant_ref_sink (
      g_variant_new_from_bytes (G_VARIANT_TYPE (RELINK_HANDOVER_CLICKS_TYPE), bytes, FALSE));
  g_assert_true (g_variant_is_normal_form (clicks));
  return clicks;
}

static void
waited_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* Waits (10 s at most) for @subprocess to end. */
static void
wait_subprocess (GSubprocess *subprocess)
{
  gboolean done = FALSE;

  g_subprocess_wait_async (subprocess, NULL, waited_cb, &done);
  WAIT_FOR (done);
}

/* What the bridge costs while it stands in. */
static void
report_memory (Fixture *fixture)
{
  g_autofree char *path
      = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (fixture->bridge));
  g_autofree char *status = NULL;
  const char *rss;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  rss = strstr (status, "VmRSS:");
  g_assert_nonnull (rss);
  g_test_message ("the bridge's %.*s", (int) strcspn (rss, "\n"), rss);
}

/* It shows the item it was given, as it was, records the notification
 * server's clicks (no one else's) and the menu's, hands them to the
 * process that started it and leaves at once, its item with it. */
static void
test_stands_in (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GDBusConnection) impostor = relink_test_new_bus_connection ();
  RelinkTestHost *truth_host = relink_test_host_new (fixture->truth_bus);
  g_autoptr (GVariant) notification_clicks = NULL;
  g_autoptr (GVariant) menu_clicks = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *expected_item = NULL;
  g_autofree char *expected_menu = NULL;
  g_autofree char *item = NULL;
  g_autofree char *menu = NULL;
  g_autofree char *notifications = NULL;
  g_autofree char *clicks = NULL;
  g_autofree char *expected_notifications = NULL;
  gint64 started;
  int renew_id;
  g_autoptr (GVariant) layout = NULL;

  start_bridge (fixture, FALSE, NULL);
  /* Listed by the time it says it is ready. */
  g_assert_true (listed (fixture, fixture->bridge_name));
  report_memory (fixture);

  expected_item = describe_item (fixture->bus, truth_host->item_name);
  expected_menu = describe_layout (fixture->bus, truth_host->item_name);
  item = describe_item (fixture->bus, fixture->bridge_name);
  menu = describe_layout (fixture->bus, fixture->bridge_name);
  g_assert_cmpstr (item, ==, expected_item);
  g_assert_cmpstr (menu, ==, expected_menu);
  g_assert_nonnull (strstr (item, "NeedsAttention"));

  /* The server's clicks, not those of someone who says the same. */
  relink_test_notification_server_emit (the_server, "ActionInvoked",
                                        g_variant_new ("(us)", 7, "default"));
  g_dbus_connection_emit_signal (impostor, NULL, RELINK_TEST_NOTIFICATIONS_PATH,
                                 RELINK_TEST_NOTIFICATIONS_NAME, "ActionInvoked",
                                 g_variant_new ("(us)", 8, "default"), &error);
  g_assert_no_error (error);
  relink_test_notification_server_emit (the_server, "ActionInvoked",
                                        g_variant_new ("(us)", 9, "app.renew-account('acc-a')"));

  /* A click on "Renew" in its menu, and on the icon. */
  reply = relink_test_dbus_call (fixture->bus, fixture->bridge_name, RELINK_TEST_MENU_PATH,
                                 RELINK_TEST_MENU_INTERFACE, "GetLayout",
                                 g_variant_new ("(iias)", 0, -1, NULL), "(u(ia{sv}av))", &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u@(ia{sv}av))", NULL, &layout);
  renew_id = relink_test_find_menu_item (layout, "Renew eBay · shop__a");
  g_assert_cmpint (renew_id, >, 0);
  g_clear_pointer (&reply, g_variant_unref);
  reply = relink_test_dbus_call (
      fixture->bus, fixture->bridge_name, RELINK_TEST_MENU_PATH, RELINK_TEST_MENU_INTERFACE,
      "Event", g_variant_new ("(isvu)", renew_id, "clicked", g_variant_new_string (""), 0), NULL,
      &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);
  reply = relink_test_dbus_call (fixture->bus, fixture->bridge_name, RELINK_TEST_ITEM_PATH,
                                 RELINK_TEST_ITEM_INTERFACE, "Activate",
                                 g_variant_new ("(ii)", 0, 0), NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);

  started = g_get_monotonic_time ();
  g_clear_pointer (&reply, g_variant_unref);
  reply = finish (fixture);
  g_variant_get (reply, "(@a(sus)@a(sav))", &notification_clicks, &menu_clicks);
  notifications = g_variant_print (notification_clicks, FALSE);
  clicks = g_variant_print (menu_clicks, FALSE);
  expected_notifications
      = g_strdup_printf ("[('%s', 7, 'default'), ('%s', 9, \"app.renew-account('acc-a')\")]",
                         g_dbus_connection_get_unique_name (the_server->connection),
                         g_dbus_connection_get_unique_name (the_server->connection));
  g_assert_cmpstr (notifications, ==, expected_notifications);
  g_assert_cmpstr (clicks, ==, "[('app.renew-account', [<'acc-a'>]), ('app.activate', [])]");

  /* Gone the moment it answered. */
  WAIT_FOR (!listed (fixture, fixture->bridge_name));
  g_test_message ("the bridge left its item %.1f ms after it was asked for the clicks",
                  (g_get_monotonic_time () - started) / 1000.0);
  wait_subprocess (fixture->bridge);
  g_assert_true (g_subprocess_get_successful (fixture->bridge));
  relink_test_host_free (truth_host);
}

/* The Relink process ended while it handed over (its exec failed, or
 * it was quit meanwhile): stdin closes, and the bridge leaves at once. */
static void
test_process_gone (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 closed;

  start_bridge (fixture, FALSE, NULL);
  g_assert_true (listed (fixture, fixture->bridge_name));

  closed = g_get_monotonic_time ();
  g_output_stream_close (g_subprocess_get_stdin_pipe (fixture->bridge), NULL, &error);
  g_assert_no_error (error);
  WAIT_FOR (!listed (fixture, fixture->bridge_name));
  wait_subprocess (fixture->bridge);
  g_assert_true (g_subprocess_get_successful (fixture->bridge));
  g_assert_cmpint (g_get_monotonic_time () - closed, <, 5 * G_USEC_PER_SEC);
}

/* A new image that never comes: the bridge leaves at its deadline. */
static void
test_deadline (Fixture *fixture, gconstpointer data)
{
  gint64 started = g_get_monotonic_time ();
  gint64 ended;

  start_bridge (fixture, FALSE, "500");
  g_assert_true (listed (fixture, fixture->bridge_name));

  WAIT_FOR (!listed (fixture, fixture->bridge_name));
  ended = g_get_monotonic_time ();
  wait_subprocess (fixture->bridge);
  g_assert_true (g_subprocess_get_successful (fixture->bridge));
  g_assert_cmpint (ended - started, >=, 500 * 1000);
  g_test_message ("left %.0f ms after it started, deadline 500 ms", (ended - started) / 1000.0);
}

/* The Relink process ended (killed, crashed) while it handed over: the
 * bridge goes with it, not at its deadline. */
static void
test_parent_dies (Fixture *fixture, gconstpointer data)
{
  gint64 killed;

  start_bridge (fixture, TRUE, NULL);
  g_assert_true (listed (fixture, fixture->bridge_name));

  killed = g_get_monotonic_time ();
  g_subprocess_send_signal (fixture->bridge, SIGKILL);
  WAIT_FOR (!listed (fixture, fixture->bridge_name));
  g_test_message ("left %.1f ms after its parent was killed",
                  (g_get_monotonic_time () - killed) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - killed, <, 5 * G_USEC_PER_SEC);
}

/* What did not come from its parent is not a state: nothing shown. */
static void
test_wrong_parent (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *path = bridge_path ();
  g_autoptr (GVariant) state = make_state (fixture, getpid () + 1);
  g_autoptr (GError) error = NULL;

  fixture->bridge = g_subprocess_launcher_spawn (launcher, &error, path, NULL);
  g_assert_no_error (error);
  write_state (fixture, state);

  wait_subprocess (fixture->bridge);
  g_assert_false (g_subprocess_get_successful (fixture->bridge));
  /* Only this process's own item was ever registered. */
  for (guint i = 0; i < fixture->watcher->senders->len; i++)
    g_assert_cmpstr (g_ptr_array_index (fixture->watcher->senders, i), ==,
                     g_dbus_connection_get_unique_name (fixture->truth_bus));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/handover-bridge/stands-in", Fixture, NULL, fixture_setup, test_stands_in,
              fixture_teardown);
  g_test_add ("/handover-bridge/process-gone", Fixture, NULL, fixture_setup, test_process_gone,
              fixture_teardown);
  g_test_add ("/handover-bridge/deadline", Fixture, NULL, fixture_setup, test_deadline,
              fixture_teardown);
  g_test_add ("/handover-bridge/parent-dies", Fixture, NULL, fixture_setup, test_parent_dies,
              fixture_teardown);
  g_test_add ("/handover-bridge/wrong-parent", Fixture, NULL, fixture_setup, test_wrong_parent,
              fixture_teardown);

  the_server = relink_test_notification_server_start ();
  return g_test_run ();
}
