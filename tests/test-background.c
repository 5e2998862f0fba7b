/* test-background.c: the real `relink --background` in the private
 * session: it becomes relink-background (by exec, same process), which
 * loads neither GTK nor WebKit and sends the reminder that is due (to a
 * fake notification server); opening Relink again makes that same process
 * `relink` with the window, and closing the window makes it
 * relink-background again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "relink-reminder-schedule.h"
#include "relink-test-background.h"
#include "relink-test-util.h"

#define DAY RELINK_REMINDER_DAY
#define APP_PATH "/io/github/relink/Relink"

#define WAIT_FOR(cond) RELINK_TEST_WAIT_FOR (cond, 10)

/* For what another process does without telling us: looks again every
 * 50 ms, failing after @seconds. */
#define POLL_WITHIN(cond, seconds) RELINK_TEST_POLL_WITHIN (cond, 50, seconds)

/* Everything but a window coming up: 10 s. */
#define POLL_FOR(cond) POLL_WITHIN (cond, 10)

/* A window coming up: the exec loads GTK, libadwaita and WebKitGTK and
 * draws with Mesa's software renderer under Xvfb, which took more than
 * 10 s in 3 runs of 10 on a machine loaded well beyond its two cores. */
#define POLL_FOR_WINDOW(cond) POLL_WITHIN (cond, 30)

static RelinkTestNotificationServer *the_server;

typedef RelinkTestBackground Fixture;

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  const RelinkTestBackgroundAccount accounts[] = {
    /* Its 7-day reminder fell due a moment ago. */
    { "acc-a", "shop_a", 7 * DAY - 30 },
    { "acc-b", "shop_b", 300 * DAY },
  };

  relink_test_background_setup (fixture, the_server, accounts, G_N_ELEMENTS (accounts));
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  relink_test_background_teardown (fixture);
}

static gboolean
name_has_owner (Fixture *fixture, const char *name)
{
  return relink_test_name_has_owner (fixture->bus, name);
}

/* GtkApplication exports each of its windows under APP_PATH/window/N:
 * how many windows the process has, as its own bus says. */
static guint
count_windows (Fixture *fixture)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GDBusNodeInfo) node = NULL;
  const char *xml;
  guint n = 0;

  reply = g_dbus_connection_call_sync (
      fixture->bus, APPLICATION_ID, APP_PATH "/window", "org.freedesktop.DBus.Introspectable",
      "Introspect", NULL, G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply == NULL)
    return 0;
  g_variant_get (reply, "(&s)", &xml);
  node = g_dbus_node_info_new_for_xml (xml, NULL);
  for (guint i = 0; node != NULL && node->nodes != NULL && node->nodes[i] != NULL; i++)
    n++;
  return n;
}

/* Whether xwininfo lists a window whose quoted name contains @needle. */
static gboolean
x_window_named (const char *needle)
{
  g_autofree char *out = relink_test_x_tree ();

  return out != NULL && strstr (out, needle) != NULL;
}

/* The mapped top-level named "Relink" (see relink-test-background.h for
 * why mapped only). */
static gboolean
x_window_shown (void)
{
  return relink_test_find_x_window ("Relink") != 0;
}

/* The program the process runs now: "relink" or "relink-background". */
static char *
process_program (const char *pid)
{
  g_autofree char *path = g_build_filename ("/proc", pid, "exe", NULL);
  g_autofree char *target = g_file_read_link (path, NULL);

  return target != NULL ? g_path_get_basename (target) : g_strdup ("");
}

/* Whether the process has GTK or WebKitGTK loaded. */
static gboolean
maps_toolkit (const char *pid)
{
  g_autofree char *path = g_build_filename ("/proc", pid, "maps", NULL);
  g_autofree char *maps = NULL;

  g_assert_true (g_file_get_contents (path, &maps, NULL, NULL));
  return strstr (maps, "libgtk") != NULL || strstr (maps, "libwebkit") != NULL
         || strstr (maps, "libadwaita") != NULL;
}

static gboolean
is_program (Fixture *fixture, const char *pid, const char *program)
{
  g_autofree char *now = process_program (pid);

  return g_str_equal (now, program) && name_has_owner (fixture, APPLICATION_ID);
}

/* Closes the window "Relink" as a window manager's close button does
 * (WM_DELETE_WINDOW), there being no window manager on Xvfb. */
static void
close_x_window (void)
{
  relink_test_close_x_window (relink_test_find_x_window ("Relink"));
}

static void
spawn_background (Fixture *fixture)
{
  relink_test_background_spawn (fixture);
  POLL_FOR (name_has_owner (fixture, APPLICATION_ID));
}

static void
test_background (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GSubprocess) second = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *children = NULL;
  const char *pid;
  RelinkTestNotification *n;

  spawn_background (fixture);
  pid = g_subprocess_get_identifier (fixture->child);

  /* The same process, without the toolkits a window needs. */
  POLL_FOR (is_program (fixture, pid, "relink-background"));
  g_assert_false (maps_toolkit (pid));

  /* The due reminder comes without any window. */
  WAIT_FOR (fixture->server->notified->len >= 1);
  n = relink_test_notification_server_last (fixture->server);
  g_assert_cmpstr (n->summary, ==, "eBay · shop_a expires in 7 days");
  /* The desktop shows who sends it: the app's name, not the program's. */
  g_assert_cmpstr (n->app_name, ==, "Relink");
  g_assert_cmpuint (fixture->server->notified->len, ==, 1);

  g_assert_cmpuint (count_windows (fixture), ==, 0);
  g_assert_false (x_window_shown ());
  children = relink_test_list_children (atoi (pid));
  g_assert_null (strstr (children, "WebKit"));
  g_assert_cmpstr (children, ==, "");

  /* `relink --background` again (say, autostart after a manual start):
   * it leaves at once and shows nothing. */
  second = g_subprocess_launcher_spawn (fixture->launcher, &error, fixture->relink, "--background",
                                        NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (second, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&second);
  g_assert_cmpuint (count_windows (fixture), ==, 0);

  g_assert_true (is_program (fixture, pid, "relink-background"));
  g_clear_object (&second);

  /* Opening Relink: the background process becomes the window. */
  second = g_subprocess_launcher_spawn (fixture->launcher, &error, fixture->relink, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (second, NULL, &error);
  g_assert_no_error (error);
  POLL_FOR_WINDOW (count_windows (fixture) == 1);
  g_assert_cmpstr (g_subprocess_get_identifier (fixture->child), ==, pid);
  g_assert_true (is_program (fixture, pid, "relink"));
  POLL_FOR_WINDOW (x_window_shown ());

  /* Closing it, with "run in background" on (the default): back to the
   * small program, the same process still. */
  close_x_window ();
  POLL_FOR (is_program (fixture, pid, "relink-background"));
  g_assert_cmpstr (g_subprocess_get_identifier (fixture->child), ==, pid);
  g_assert_false (maps_toolkit (pid));
  g_assert_false (x_window_shown ());
  g_assert_cmpuint (count_windows (fixture), ==, 0);
}

/* A click on the reminder opens the window on that account. */
static void
test_notification_opens_window (Fixture *fixture, gconstpointer data)
{
  spawn_background (fixture);
  WAIT_FOR (fixture->server->notified->len >= 1);
  g_assert_cmpuint (count_windows (fixture), ==, 0);

  relink_test_notification_server_emit (
      fixture->server, "ActionInvoked",
      g_variant_new ("(us)", relink_test_notification_server_last (fixture->server)->id,
                     "default"));
  POLL_FOR_WINDOW (count_windows (fixture) == 1);
  g_assert_true (is_program (fixture, g_subprocess_get_identifier (fixture->child), "relink"));

  relink_test_background_quit (fixture);
}

/* A reminder the background program showed, after the process became the
 * window (exec): the window's reminder of the same account replaces it in
 * place, and a click on it still reaches Relink. */
static void
test_reminder_after_handover (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = g_build_filename (fixture->data_home, "relink", "relink.db", NULL);
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (GSubprocess) second = NULL;
  g_autoptr (GError) error = NULL;
  RelinkTestNotification *n;
  guint first_id;
  const char *pid;

  spawn_background (fixture);
  pid = g_subprocess_get_identifier (fixture->child);
  WAIT_FOR (fixture->server->notified->len >= 1);
  first_id = relink_test_notification_server_last (fixture->server)->id;

  second = g_subprocess_launcher_spawn (fixture->launcher, &error, fixture->relink, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (second, NULL, &error);
  g_assert_no_error (error);
  POLL_FOR_WINDOW (is_program (fixture, pid, "relink") && count_windows (fixture) == 1);

  /* The account needs the seller now (relinkctl found out, say): the
   * window's reminder takes the place of the background's. */
  store = relink_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (relink_store_update_status (store, "acc-a", RELINK_ACCOUNT_STATUS_NEEDS_REAUTH,
                                             "eBay no longer accepts the authorization.", &error));
  g_assert_no_error (error);
  WAIT_FOR (fixture->server->notified->len >= 2);
  n = relink_test_notification_server_last (fixture->server);
  g_assert_nonnull (strstr (n->summary, "shop_a"));
  g_assert_cmpstr (n->app_name, ==, "Relink");
  g_assert_cmpuint (n->replaces_id, ==, first_id);

  /* A click on it opens the account, in the same process. */
  g_assert_false (x_window_named ("\"shop_a\""));
  relink_test_notification_server_emit (fixture->server, "ActionInvoked",
                                        g_variant_new ("(us)", n->id, "default"));
  POLL_FOR_WINDOW (x_window_named ("\"shop_a\""));
  g_assert_cmpstr (g_subprocess_get_identifier (fixture->child), ==, pid);

  relink_test_background_quit (fixture);
}

static void
activate_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  guint *replies = user_data;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  g_assert_no_error (error);
  (*replies)++;
}

/* Two reminders clicked in one go, as a seller does who has two accounts
 * to see to: relink-background hands over to the window (exec), and the
 * window shows both accounts, not only the first, in the same process. */
static void
test_clicks_during_handover (Fixture *fixture, gconstpointer data)
{
  const char *accounts[] = { "acc-a", "acc-b" };
  guint replies = 0;
  const char *pid;

  spawn_background (fixture);
  pid = g_subprocess_get_identifier (fixture->child);
  POLL_FOR (is_program (fixture, pid, "relink-background"));
  WAIT_FOR (fixture->server->notified->len >= 1);
  g_assert_false (x_window_named ("\"shop_a\""));
  g_assert_false (x_window_named ("\"shop_b\""));

  /* Sent without waiting for the first to be answered. */
  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      GVariantBuilder parameter;

      g_variant_builder_init (&parameter, G_VARIANT_TYPE ("av"));
      g_variant_builder_add (&parameter, "v", g_variant_new_string (accounts[i]));
      g_dbus_connection_call (fixture->bus, APPLICATION_ID, APP_PATH, "org.gtk.Actions", "Activate",
                              g_variant_new ("(sava{sv})", "show-account", &parameter, NULL), NULL,
                              G_DBUS_CALL_FLAGS_NONE, -1, NULL, activate_cb, &replies);
    }
  WAIT_FOR (replies == G_N_ELEMENTS (accounts));

  POLL_FOR_WINDOW (x_window_named ("\"shop_a\"") && x_window_named ("\"shop_b\""));
  g_assert_cmpstr (g_subprocess_get_identifier (fixture->child), ==, pid);
  g_assert_true (is_program (fixture, pid, "relink"));
  g_assert_cmpuint (count_windows (fixture), ==, 1);

  relink_test_background_quit (fixture);
}

/* Still running, not a zombie waiting for its parent to collect it. */
static gboolean
process_alive (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", pid);
  g_autofree char *stat = NULL;
  const char *state;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  state = strrchr (stat, ')');
  return state != NULL && state[1] == ' ' && state[2] != 'Z' && state[2] != 'X';
}

/* A test that fails half-way (an assertion aborts it, no teardown runs)
 * does not leave `relink --background` running for the tests after it. */
static void
test_child_ends_with_test (Fixture *fixture, gconstpointer data)
{
  g_autofree char *pid_file = g_build_filename (fixture->dir, "child.pid", NULL);
  g_autofree char *pid = NULL;
  g_autoptr (GError) error = NULL;

  if (g_test_subprocess ())
    {
      spawn_background (fixture);
      g_assert_true (g_file_set_contents (g_getenv ("RELINK_TEST_PID_FILE"),
                                          g_subprocess_get_identifier (fixture->child), -1,
                                          &error));
      g_assert_no_error (error);
      g_assert_not_reached ();
    }

  g_setenv ("RELINK_TEST_PID_FILE", pid_file, TRUE);
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_unsetenv ("RELINK_TEST_PID_FILE");
  g_test_trap_assert_failed ();

  g_assert_true (g_file_get_contents (pid_file, &pid, NULL, &error));
  g_assert_no_error (error);
  POLL_FOR (!process_alive (pid));
  POLL_FOR (!name_has_owner (fixture, APPLICATION_ID));
}

/* The tray item a panel shows the moment it appears already lists the
 * account to renew: it registers once the accounts are known, not with
 * "No accounts yet" for a moment after every start or hand-over. */
static void
test_tray_at_once (Fixture *fixture, gconstpointer data)
{
  RelinkTestWatcher *watcher = relink_test_watcher_start ();
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) root = NULL;
  g_autoptr (GVariant) children = NULL;
  g_autoptr (GString) menu = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  guint revision;

  spawn_background (fixture);
  WAIT_FOR (watcher->senders->len >= 1);
  reply = relink_test_dbus_call (fixture->bus, g_ptr_array_index (watcher->senders, 0),
                                 RELINK_TEST_MENU_PATH, RELINK_TEST_MENU_INTERFACE, "GetLayout",
                                 g_variant_new ("(iias)", 0, -1, NULL), "(u(ia{sv}av))", &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u@(ia{sv}av))", &revision, &root);
  children = g_variant_get_child_value (root, 2);
  relink_test_describe_menu (menu, children);
  g_assert_nonnull (strstr (menu->str, "shop__a"));

  relink_test_watcher_stop (watcher);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/background/no-window", Fixture, NULL, fixture_setup, test_background,
              fixture_teardown);
  g_test_add ("/background/notification-opens-window", Fixture, NULL, fixture_setup,
              test_notification_opens_window, fixture_teardown);
  g_test_add ("/background/reminder-after-handover", Fixture, NULL, fixture_setup,
              test_reminder_after_handover, fixture_teardown);
  g_test_add ("/background/clicks-during-handover", Fixture, NULL, fixture_setup,
              test_clicks_during_handover, fixture_teardown);

  g_test_add ("/background/tray-at-once", Fixture, NULL, fixture_setup, test_tray_at_once,
              fixture_teardown);
  g_test_add ("/background/child-ends-with-test", Fixture, NULL, fixture_setup,
              test_child_ends_with_test, fixture_teardown);

  /* One per test run: the subprocess of a test does without. */
  if (!g_test_subprocess ())
    the_server = relink_test_notification_server_start ();
  return g_test_run ();
}
