/* test-handover.c: nothing is lost while the real `relink --background`
 * hands over to the window (relink-background execs relink, same
 * process), on a desktop without org.gtk.Notifications: a notification
 * server and a StatusNotifierWatcher of the test's own, as KDE or Xfce
 * run them. Clicks on reminders sent at each moment of the hand-over
 * (the old image still there, the process between images, the new image
 * listening already) are each served once, and the watcher lists a
 * Relink item all along, showing the true status and menu.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "relink-reminder-schedule.h"
#include "relink-test-background.h"
#include "relink-test-util.h"

#define DAY RELINK_REMINDER_DAY
#define APP_PATH "/io/github/relink/Relink"
#define N_ACCOUNTS 3

/* For what another process does without telling us: looks again every
 * 20 ms. A window coming up under Xvfb on a loaded machine takes long:
 * 30 s (see test-background.c). */
#define POLL_FOR(cond) RELINK_TEST_POLL_WITHIN (cond, 20, 30)

static RelinkTestNotificationServer *the_server;

static const char *const nicknames[N_ACCOUNTS] = { "shop_a", "shop_b", "shop_c" };

typedef struct
{
  RelinkTestBackground bg;
  RelinkTestWatcher *watcher;
  /* The notification id of each account's reminder. */
  guint ids[N_ACCOUNTS];
} Fixture;

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  /* Three accounts whose 7-day reminders fell due a moment ago: three
   * reminders on screen, three accounts to renew in the tray's menu. */
  const RelinkTestBackgroundAccount accounts[N_ACCOUNTS] = {
    { "acc-a", nicknames[0], 7 * DAY - 30 },
    { "acc-b", nicknames[1], 7 * DAY - 31 },
    { "acc-c", nicknames[2], 7 * DAY - 32 },
  };

  relink_test_background_setup (&fixture->bg, the_server, accounts, N_ACCOUNTS);
  fixture->watcher = relink_test_watcher_start ();
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  relink_test_background_teardown (&fixture->bg);
  relink_test_watcher_stop (fixture->watcher);
}

/* Whether @sender is the connection the Relink process owns its name on
 * now. */
static gboolean
is_app_connection (Fixture *fixture, const char *sender)
{
  g_autoptr (GVariant) reply = NULL;
  const char *owner;

  reply = g_dbus_connection_call_sync (
      fixture->bg.bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
      "GetNameOwner", g_variant_new ("(s)", APPLICATION_ID), G_VARIANT_TYPE ("(s)"),
      G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(&s)", &owner);
  return g_str_equal (owner, sender);
}

/* The mapped top-level named "Relink" (the main window), or 0 (also
 * while there are two). */
static Window
find_main_window (void)
{
  if (relink_test_count_x_windows ("Relink") != 1)
    return 0;
  return relink_test_find_x_window ("Relink");
}

/* Closes the main window as a window manager's close button does
 * (WM_DELETE_WINDOW). */
static void
close_main_window (void)
{
  relink_test_close_x_window (find_main_window ());
}

/* Starts `relink --background` (which becomes relink-background), waits
 * for its three reminders and its tray item, and notes each reminder's
 * id. */
static void
spawn_background (Fixture *fixture)
{
  relink_test_background_spawn (&fixture->bg);

  POLL_FOR (the_server->notified->len >= N_ACCOUNTS
            && relink_test_watcher_count_items (fixture->watcher) == 1);
  for (guint i = 0; i < the_server->notified->len; i++)
    {
      RelinkTestNotification *n = g_ptr_array_index (the_server->notified, i);

      for (guint j = 0; j < N_ACCOUNTS; j++)
        if (strstr (n->summary, nicknames[j]) != NULL)
          fixture->ids[j] = n->id;
    }
  for (guint j = 0; j < N_ACCOUNTS; j++)
    g_assert_cmpuint (fixture->ids[j], !=, 0);
}

/* The seller opens Relink (the launcher, the tray's "Open Relink"): the
 * background process hands over to the window. */
static void
open_window (Fixture *fixture)
{
  g_dbus_connection_call (fixture->bg.bus, APPLICATION_ID, APP_PATH, "org.gtk.Actions", "Activate",
                          g_variant_new ("(sava{sv})", "activate", NULL, NULL), NULL,
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);
}

static void
click_reminder (Fixture *fixture, guint account)
{
  relink_test_notification_server_emit (the_server, "ActionInvoked",
                                        g_variant_new ("(us)", fixture->ids[account], "default"));
}

typedef struct
{
  Fixture *fixture;
  gint64 released_at;
} Gap;

/* The old image gave up the application's name: from here until the
 * new image subscribes, no image of the process listens. */
static void
name_owner_changed_cb (GDBusConnection *bus,
                       const char *sender,
                       const char *path,
                       const char *interface,
                       const char *signal,
                       GVariant *parameters,
                       gpointer user_data)
{
  Gap *gap = user_data;
  const char *name, *old_owner, *new_owner;

  g_variant_get (parameters, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (gap->released_at != 0 || !g_str_equal (name, APPLICATION_ID) || *new_owner != '\0')
    return;
  gap->released_at = g_get_monotonic_time ();
  /* Between the two images: "shop_b". */
  click_reminder (gap->fixture, 1);
}

/* A click on a reminder at each moment of the hand-over opens that
 * account, once: "shop_c" while the old image still runs and the bridge
 * listens already (both receive it), "shop_b" between the two images
 * (only the bridge does), "shop_a" once the new image listens but has
 * not taken the bridge's clicks yet (both receive it). */
static void
test_clicks (Fixture *fixture, gconstpointer data)
{
  Gap gap = { fixture, 0 };
  const char *pid;
  guint subscription;

  spawn_background (fixture);
  pid = g_subprocess_get_identifier (fixture->bg.child);
  for (guint i = 0; i < N_ACCOUNTS; i++)
    g_assert_cmpuint (relink_test_count_x_windows (nicknames[i]), ==, 0);

  subscription = g_dbus_connection_signal_subscribe (
      fixture->bg.bus, "org.freedesktop.DBus", "org.freedesktop.DBus", "NameOwnerChanged",
      "/org/freedesktop/DBus", APPLICATION_ID, G_DBUS_SIGNAL_FLAGS_NONE, name_owner_changed_cb,
      &gap, NULL);
  open_window (fixture);

  /* The bridge's item: it listens, the old image still runs (without a
   * bridge, the old image is gone by the time its name is). */
  POLL_FOR (fixture->watcher->senders->len >= 2 || gap.released_at != 0);
  click_reminder (fixture, 2);
  /* The new image's item waits for the watcher's answer, and the new
   * image for its item to be listed before it takes the bridge's clicks. */
  fixture->watcher->hold = TRUE;

  POLL_FOR (gap.released_at != 0);
  /* Its registration comes after its subscription to the server. */
  POLL_FOR (fixture->watcher->held->len >= 1);
  click_reminder (fixture, 0);
  /* The new image serves it... */
  POLL_FOR (relink_test_count_x_windows ("shop_a") == 1);
  /* ...and the bridge, which has it too, hands it over with "shop_b". */
  relink_test_watcher_release (fixture->watcher);

  POLL_FOR (relink_test_count_x_windows ("shop_b") == 1
            && relink_test_count_x_windows ("shop_c") == 1);
  g_assert_cmpstr (g_subprocess_get_identifier (fixture->bg.child), ==, pid);
  /* Once each: no second window for a click both received. */
  g_usleep (G_USEC_PER_SEC);
  for (guint i = 0; i < N_ACCOUNTS; i++)
    g_assert_cmpuint (relink_test_count_x_windows (nicknames[i]), ==, 1);

  g_dbus_connection_signal_unsubscribe (fixture->bg.bus, subscription);
  relink_test_background_quit (&fixture->bg);
}

/* The tray, sampled all through the hand-over: what the watcher lists
 * (from its own registrations and the items' connections closing) and
 * what each listed item says (status, tooltip, icon, menu). */
typedef struct
{
  Fixture *fixture;
  char *truth;            /* the old image's item before the hand-over */
  GHashTable *passive;    /* senders that announced Passive: leaving */
  GArray *passive_events; /* RelinkTestWatcherEvent, as gone */
  GHashTable *checked;    /* sender -> samples that matched the truth */
  guint pending;
  gboolean stop;
  GPtrArray *wrong; /* what an item said that was not the truth */
} Sampler;

typedef struct
{
  Sampler *sampler;
  char *sender;
  char *properties;
  char *menu;
  guint replies;
} Sample;

static char *
describe_properties (GVariant *all)
{
  g_autoptr (GVariantDict) dict = g_variant_dict_new (all);
  const char *names[] = { "Status", "IconName", "ToolTip", "Title", "Id" };
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (GVariant) value = g_variant_dict_lookup_value (dict, names[i], NULL);
      g_autofree char *text = value != NULL ? g_variant_print (value, FALSE) : g_strdup ("-");

      g_string_append_printf (out, "%s=%s\n", names[i], text);
    }
  return g_string_free (out, FALSE);
}

static void
sample_done (Sample *sample)
{
  Sampler *sampler = sample->sampler;

  if (++sample->replies < 2)
    return;
  /* Both answered (an item gone meanwhile answers neither), and not
   * leaving: it shows what it must. */
  if (sample->properties != NULL && sample->menu != NULL
      && !g_hash_table_contains (sampler->passive, sample->sender)
      && strstr (sample->properties, "Status='Passive'") == NULL)
    {
      g_autofree char *seen = g_strconcat (sample->properties, sample->menu, NULL);

      if (sampler->truth == NULL)
        sampler->truth = g_steal_pointer (&seen);
      else if (g_str_equal (seen, sampler->truth))
        g_hash_table_insert (
            sampler->checked, g_strdup (sample->sender),
            GUINT_TO_POINTER (
                GPOINTER_TO_UINT (g_hash_table_lookup (sampler->checked, sample->sender)) + 1));
      else
        g_ptr_array_add (sampler->wrong, g_strdup_printf ("%s:\n%s", sample->sender, seen));
    }
  sampler->pending--;
  g_free (sample->sender);
  g_free (sample->properties);
  g_free (sample->menu);
  g_free (sample);
}

static void
properties_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Sample *sample = user_data;
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, NULL);

  if (reply != NULL)
    {
      g_autoptr (GVariant) all = g_variant_get_child_value (reply, 0);

      sample->properties = describe_properties (all);
    }
  sample_done (sample);
}

static void
layout_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Sample *sample = user_data;
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, NULL);

  if (reply != NULL)
    {
      g_autoptr (GVariant) root = NULL;
      g_autoptr (GVariant) children = NULL;
      GString *out = g_string_new (NULL);

      g_variant_get (reply, "(u@(ia{sv}av))", NULL, &root);
      children = g_variant_get_child_value (root, 2);
      relink_test_describe_menu (out, children);
      sample->menu = g_string_free (out, FALSE);
    }
  sample_done (sample);
}

static void
sample_item (Sampler *sampler, const char *sender)
{
  Sample *sample = g_new0 (Sample, 1);

  sample->sampler = sampler;
  sample->sender = g_strdup (sender);
  sampler->pending++;
  g_dbus_connection_call (
      sampler->fixture->bg.bus, sender, RELINK_TEST_ITEM_PATH, "org.freedesktop.DBus.Properties",
      "GetAll", g_variant_new ("(s)", RELINK_TEST_ITEM_INTERFACE), G_VARIANT_TYPE ("(a{sv})"),
      G_DBUS_CALL_FLAGS_NO_AUTO_START, 5000, NULL, properties_cb, sample);
  g_dbus_connection_call (sampler->fixture->bg.bus, sender, RELINK_TEST_MENU_PATH,
                          RELINK_TEST_MENU_INTERFACE, "GetLayout",
                          g_variant_new ("(iias)", 0, -1, NULL), G_VARIANT_TYPE ("(u(ia{sv}av))"),
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, 5000, NULL, layout_cb, sample);
}

/* Every listed item, again as soon as the last round answered. */
static gboolean
sample_cb (gpointer user_data)
{
  Sampler *sampler = user_data;
  g_autoptr (GHashTable) listed = NULL;
  GHashTableIter iter;
  gpointer sender;

  if (sampler->stop)
    return G_SOURCE_REMOVE;
  if (sampler->pending > 0)
    return G_SOURCE_CONTINUE;
  listed = relink_test_watcher_list_items (sampler->fixture->watcher);
  g_hash_table_iter_init (&iter, listed);
  while (g_hash_table_iter_next (&iter, &sender, NULL))
    sample_item (sampler, sender);
  return G_SOURCE_CONTINUE;
}

static void
new_status_cb (GDBusConnection *bus,
               const char *sender,
               const char *path,
               const char *interface,
               const char *signal,
               GVariant *parameters,
               gpointer user_data)
{
  Sampler *sampler = user_data;
  const char *status;

  if (g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(s)")))
    {
      g_variant_get (parameters, "(&s)", &status);
      if (g_str_equal (status, "Passive"))
        {
          RelinkTestWatcherEvent event = { g_get_monotonic_time (), TRUE, g_strdup (sender) };

          g_hash_table_add (sampler->passive, g_strdup (sender));
          g_array_append_val (sampler->passive_events, event);
        }
    }
}

static int
compare_events (gconstpointer a, gconstpointer b)
{
  const RelinkTestWatcherEvent *x = a, *y = b;

  return x->time < y->time ? -1 : x->time > y->time;
}

/* From @from (the hand-over's start) on, the watcher lists at least one
 * Relink item, and one that is not Passive (which panels hide): the icon
 * never goes. Reports how long two were shown at once. */
static void
check_timeline (Fixture *fixture, GArray *passive_events, gint64 from)
{
  GArray *events = fixture->watcher->events;
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (RelinkTestWatcherEvent));
  g_autoptr (GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) shown = g_hash_table_new (g_str_hash, g_str_equal);
  gint64 overlap = 0, since = 0, start;
  guint most = 0;

  g_assert_cmpuint (events->len, >=, 1);
  /* A Passive item as a "gone" one from the shown set only. */
  g_array_append_vals (all, events->data, events->len);
  for (guint i = 0; i < passive_events->len; i++)
    {
      RelinkTestWatcherEvent event = g_array_index (passive_events, RelinkTestWatcherEvent, i);

      event.gone = 2;
      g_array_append_val (all, event);
    }
  g_array_sort (all, compare_events);
  start = g_array_index (all, RelinkTestWatcherEvent, 0).time;

  for (guint i = 0; i < all->len; i++)
    {
      RelinkTestWatcherEvent *event = &g_array_index (all, RelinkTestWatcherEvent, i);
      guint before = g_hash_table_size (shown);

      if (event->gone == 2)
        g_hash_table_remove (shown, event->sender);
      else if (event->gone)
        {
          g_hash_table_remove (listed, event->sender);
          g_hash_table_remove (shown, event->sender);
        }
      else
        {
          g_hash_table_add (listed, event->sender);
          g_hash_table_add (shown, event->sender);
        }
      g_test_message ("%+8.1f ms %s %s (%u listed, %u shown)", (event->time - start) / 1000.0,
                      event->gone == 2 ? "Passive   "
                      : event->gone    ? "gone      "
                                       : "registered",
                      event->sender, g_hash_table_size (listed), g_hash_table_size (shown));
      if (before >= 2 && since >= from)
        overlap += event->time - since;
      since = event->time;
      most = MAX (most, g_hash_table_size (shown));
      /* Never none in the hand-over: the last one leaves only with the
       * process. */
      if (event->time >= from)
        {
          g_assert_cmpuint (g_hash_table_size (listed), >=, 1);
          g_assert_cmpuint (g_hash_table_size (shown), >=, 1);
        }
    }
  g_test_message ("gap: none; in the hand-over two items shown at once for %.1f ms in all, at "
                  "most %u",
                  overlap / 1000.0, most);
}

static gboolean
no_bridge_child (Fixture *fixture)
{
  g_autofree char *children = relink_test_list_children (
      (GPid) g_ascii_strtoll (g_subprocess_get_identifier (fixture->bg.child), NULL, 10));

  return strstr (children, "relink-handover") == NULL;
}

/* Until the process's current image's item is the only one listed,
 * and the @n_items-th the watcher had. */
static gboolean
settled (Fixture *fixture, guint n_items)
{
  GPtrArray *senders = fixture->watcher->senders;

  return senders->len >= n_items && relink_test_watcher_count_items (fixture->watcher) == 1
         && is_app_connection (fixture, g_ptr_array_index (senders, senders->len - 1));
}

/* The tray through a hand-over: to the window, or @back from it. */
static void
test_tray (Fixture *fixture, gconstpointer data)
{
  gboolean back = GPOINTER_TO_INT (data);
  Sampler sampler = { fixture };
  guint subscription, sample_id, checked_bridge = 0, checked_new = 0, first;
  const char *old, *bridge, *new;
  gint64 triggered;

  spawn_background (fixture);
  if (back)
    {
      open_window (fixture);
      POLL_FOR (settled (fixture, 2) && find_main_window () != 0);
    }
  first = fixture->watcher->senders->len - 1;
  old = g_ptr_array_index (fixture->watcher->senders, first);

  sampler.passive = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sampler.checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sampler.wrong = g_ptr_array_new_with_free_func (g_free);
  sampler.passive_events = g_array_new (FALSE, FALSE, sizeof (RelinkTestWatcherEvent));
  subscription = g_dbus_connection_signal_subscribe (
      fixture->bg.bus, NULL, RELINK_TEST_ITEM_INTERFACE, "NewStatus", RELINK_TEST_ITEM_PATH, NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, new_status_cb, &sampler, NULL);

  /* The truth: what the background showed before, three to renew. */
  sample_item (&sampler, old);
  POLL_FOR (sampler.pending == 0);
  g_assert_nonnull (sampler.truth);
  g_assert_nonnull (strstr (sampler.truth, "Status='NeedsAttention'"));
  for (guint i = 0; i < N_ACCOUNTS; i++)
    {
      g_autofree char *escaped = g_strdup_printf ("Renew eBay · shop__%c", 'a' + i);

      g_assert_nonnull (strstr (sampler.truth, escaped));
    }

  sample_id = g_timeout_add (5, sample_cb, &sampler);
  triggered = g_get_monotonic_time ();
  if (back)
    close_main_window ();
  else
    open_window (fixture);

  POLL_FOR (settled (fixture, first + 2));
  /* One sample of the new item at least (or a wrong one, reported below). */
  new = g_ptr_array_index (fixture->watcher->senders, fixture->watcher->senders->len - 1);
  POLL_FOR (g_hash_table_contains (sampler.checked, new) || sampler.wrong->len > 0);
  POLL_FOR (sampler.pending == 0);
  sampler.stop = TRUE;
  g_source_remove (sample_id);
  g_dbus_connection_signal_unsubscribe (fixture->bg.bus, subscription);

  check_timeline (fixture, sampler.passive_events, triggered);
  /* Old, bridge, new. */
  g_assert_cmpuint (fixture->watcher->senders->len, ==, first + 3);
  bridge = g_ptr_array_index (fixture->watcher->senders, first + 1);
  new = g_ptr_array_index (fixture->watcher->senders, first + 2);
  for (guint i = 0; i < sampler.wrong->len; i++)
    g_test_message ("untrue: %s", (char *) g_ptr_array_index (sampler.wrong, i));
  g_assert_cmpuint (sampler.wrong->len, ==, 0);
  checked_bridge = GPOINTER_TO_UINT (g_hash_table_lookup (sampler.checked, bridge));
  checked_new = GPOINTER_TO_UINT (g_hash_table_lookup (sampler.checked, new));
  g_test_message ("samples that matched: old %u, bridge %u, new %u",
                  GPOINTER_TO_UINT (g_hash_table_lookup (sampler.checked, old)), checked_bridge,
                  checked_new);
  g_assert_cmpuint (checked_bridge, >=, 1);
  g_assert_cmpuint (checked_new, >=, 1);
  g_assert_false (g_str_equal (bridge, old));
  g_assert_false (g_str_equal (bridge, new));
  /* Ended and reaped: no zombie left with the process. */
  POLL_FOR (no_bridge_child (fixture));

  for (guint i = 0; i < sampler.passive_events->len; i++)
    g_free (g_array_index (sampler.passive_events, RelinkTestWatcherEvent, i).sender);
  g_array_unref (sampler.passive_events);
  g_hash_table_unref (sampler.passive);
  g_hash_table_unref (sampler.checked);
  g_ptr_array_unref (sampler.wrong);
  g_free (sampler.truth);
  relink_test_background_quit (&fixture->bg);
}

static void
exited_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* Chooses "Quit" in the menu of @bridge's item. */
static void
quit_from_menu (Fixture *fixture, const char *bridge)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) layout = NULL;
  g_autoptr (GError) error = NULL;
  int quit_id;

  g_assert_false (is_app_connection (fixture, bridge));
  reply = relink_test_dbus_call (fixture->bg.bus, bridge, RELINK_TEST_MENU_PATH,
                                 RELINK_TEST_MENU_INTERFACE, "GetLayout",
                                 g_variant_new ("(iias)", 0, -1, NULL), "(u(ia{sv}av))", &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u@(ia{sv}av))", NULL, &layout);
  quit_id = relink_test_find_menu_item (layout, "_Quit");
  g_assert_cmpint (quit_id, >, 0);
  g_clear_pointer (&reply, g_variant_unref);
  reply = relink_test_dbus_call (
      fixture->bg.bus, bridge, RELINK_TEST_MENU_PATH, RELINK_TEST_MENU_INTERFACE, "Event",
      g_variant_new ("(isvu)", quit_id, "clicked", g_variant_new_string (""), 0), NULL, &error);
  g_assert_no_error (error);
}

/* Until the process has ended, with status 0. */
static void
wait_for_exit (Fixture *fixture)
{
  gboolean exited = FALSE;

  g_subprocess_wait_async (fixture->bg.child, NULL, exited_cb, &exited);
  POLL_FOR (exited);
  g_assert_true (g_subprocess_get_if_exited (fixture->bg.child));
  g_assert_cmpint (g_subprocess_get_exit_status (fixture->bg.child), ==, 0);
}

/* "Quit" chosen in the bridge's menu, while the process is on its way to
 * the window: the window, once up, does it. */
static void
test_tray_quit (Fixture *fixture, gconstpointer data)
{
  spawn_background (fixture);
  open_window (fixture);
  POLL_FOR (fixture->watcher->senders->len >= 2);
  quit_from_menu (fixture, g_ptr_array_index (fixture->watcher->senders, 1));

  wait_for_exit (fixture);
  /* It became the window first, and quit from there. */
  g_assert_cmpuint (fixture->watcher->senders->len, ==, 3);
  POLL_FOR (relink_test_watcher_count_items (fixture->watcher) == 0);
}

/* Whether the process runs @program now ("relink" or
 * "relink-background"). */
static gboolean
runs_program (Fixture *fixture, const char *program)
{
  g_autofree char *link
      = g_strdup_printf ("/proc/%s/exe", g_subprocess_get_identifier (fixture->bg.child));
  g_autofree char *exe = g_file_read_link (link, NULL);
  g_autofree char *name = exe != NULL ? g_path_get_basename (exe) : NULL;

  return g_strcmp0 (name, program) == 0;
}

static gboolean
elapsed_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* A reminder clicked while the window hands over to the background, the
 * bridge starting: the process stays the window, which shows the account
 * (once), instead of closing it again with the exec; the bridge leaves.
 * With @data, "Quit" is chosen in the bridge's menu meanwhile too: the
 * window that stayed does it. */
static void
test_stay (Fixture *fixture, gconstpointer data)
{
  gboolean elapsed = FALSE;
  const char *window_item;
  guint n_items;

  spawn_background (fixture);
  open_window (fixture);
  POLL_FOR (settled (fixture, 3) && find_main_window () != 0);
  g_assert_true (runs_program (fixture, "relink"));
  window_item = g_ptr_array_index (fixture->watcher->senders, fixture->watcher->senders->len - 1);

  /* The bridge registers its item before it says it listens: held, the
   * window waits for it, in the gap. */
  fixture->watcher->hold = TRUE;
  close_main_window ();
  POLL_FOR (fixture->watcher->held->len >= 1);
  click_reminder (fixture, 0);
  POLL_FOR (relink_test_count_x_windows ("shop_a") == 1);
  if (GPOINTER_TO_INT (data))
    {
      /* The held registration's: the bridge's. */
      quit_from_menu (fixture, g_ptr_array_index (fixture->watcher->senders,
                                                  fixture->watcher->senders->len - 1));
      relink_test_watcher_release (fixture->watcher);
      wait_for_exit (fixture);
      return;
    }
  relink_test_watcher_release (fixture->watcher);

  /* The bridge leaves, reaped; the window's item is the one left. */
  POLL_FOR (no_bridge_child (fixture) && relink_test_watcher_count_items (fixture->watcher) == 1);
  g_assert_true (
      g_hash_table_contains (relink_test_watcher_list_items (fixture->watcher), window_item));
  /* A second passes without an exec, nor a second window for the click
   * the bridge recorded too. */
  g_timeout_add (1000, elapsed_cb, &elapsed);
  POLL_FOR (elapsed);
  g_assert_true (runs_program (fixture, "relink"));
  g_assert_cmpuint (relink_test_count_x_windows ("shop_a"), ==, 1);
  g_assert_true (is_app_connection (fixture, window_item));

  /* Closed again, the window hands over as ever: its pipes to the first
   * bridge are not kept for the exec (a new bridge's item, then the
   * background's). */
  relink_test_close_x_window (relink_test_find_x_window ("shop_a"));
  POLL_FOR (relink_test_count_x_windows ("shop_a") == 0);
  n_items = fixture->watcher->senders->len;
  close_main_window ();
  POLL_FOR (runs_program (fixture, "relink-background"));
  POLL_FOR (settled (fixture, n_items + 2) && no_bridge_child (fixture));
  relink_test_background_quit (&fixture->bg);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/handover/clicks", Fixture, NULL, fixture_setup, test_clicks, fixture_teardown);
  g_test_add ("/handover/tray", Fixture, GINT_TO_POINTER (FALSE), fixture_setup, test_tray,
              fixture_teardown);
  g_test_add ("/handover/tray-back", Fixture, GINT_TO_POINTER (TRUE), fixture_setup, test_tray,
              fixture_teardown);
  g_test_add ("/handover/tray-quit", Fixture, NULL, fixture_setup, test_tray_quit,
              fixture_teardown);
  g_test_add ("/handover/window-asked-meanwhile", Fixture, GINT_TO_POINTER (FALSE), fixture_setup,
              test_stay, fixture_teardown);
  g_test_add ("/handover/window-asked-meanwhile-quit", Fixture, GINT_TO_POINTER (TRUE),
              fixture_setup, test_stay, fixture_teardown);

  the_server = relink_test_notification_server_start ();
  return g_test_run ();
}
