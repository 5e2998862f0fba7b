/* bench-startup.c: how much 1,000 accounts slow the window's start-up.
 *
 *   bench-startup [--runs N]
 *
 * Starts the real application (RelinkApplication, RelinkWindow, the store
 * in $XDG_DATA_HOME) in fresh processes, over a store with no accounts and
 * one with 1,000, alternately, and measures from main() to the first frame
 * painted after the accounts were loaded. Prints the medians and the
 * median of the paired ratios, one figure per line. Run it in the private
 * session (build-aux/bench) with GSETTINGS_SCHEMA_DIR set.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "relink-application.h"
#include "relink-expiry.h"
#include "relink-test-util.h"
#include "relink-window.h"

#define CHILD_TIMEOUT_SECONDS 60

/* The child: one start-up. */

static gint64 child_started;

static void
after_paint_cb (GdkFrameClock *clock, RelinkWindow *window)
{
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (window)));

  /* The first frame of the spinner does not count: the seller sees the
   * accounts (or the welcome) only after loading. */
  if (g_strcmp0 (relink_window_get_page (window), "loading") == 0)
    return;

  g_print ("startup_ms: %.3f\n", (g_get_monotonic_time () - child_started) / 1000.0);
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, window);
  g_application_quit (app);
}

static void
window_map_cb (GtkWidget *window)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (window), "after-paint",
                           G_CALLBACK (after_paint_cb), window, 0);
}

static void
window_added_cb (GtkApplication *app, GtkWindow *window)
{
  if (RELINK_IS_WINDOW (window))
    g_signal_connect (window, "map", G_CALLBACK (window_map_cb), NULL);
}

static gboolean
child_timeout_cb (gpointer user_data)
{
  g_printerr ("bench-startup: the window did not paint its accounts within %d s\n",
              CHILD_TIMEOUT_SECONDS);
  exit (1);
}

static int
run_child (void)
{
  g_autoptr (RelinkApplication) app = relink_application_new ();
  char *argv[] = { (char *) "relink", NULL };

  g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), NULL);
  g_timeout_add_seconds (CHILD_TIMEOUT_SECONDS, child_timeout_cb, NULL);

  return g_application_run (G_APPLICATION (app), 1, argv);
}

/* The parent: stores, runs, statistics. */

static char *
make_store (guint n_accounts)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = relink_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "relink", "relink.db", NULL);
  g_autoptr (RelinkStore) store = relink_store_open (path, &error);

  if (store == NULL || !relink_test_populate_fixture (store, n_accounts, relink_now (), &error))
    g_error ("bench-startup: cannot write the fixture store: %s", error->message);

  return g_steal_pointer (&dir);
}

static double
run_once (const char *self_path, const char *data_home)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto (GStrv) envp = g_environ_setenv (g_get_environ (), "XDG_DATA_HOME", data_home, TRUE);
  const char *argv[] = { self_path, "--child", NULL };
  const char *line;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                     &error))
    g_error ("bench-startup: cannot start a run: %s", error->message);

  line = strstr (out, "startup_ms: ");
  if (!g_spawn_check_wait_status (status, &error) || line == NULL)
    {
      g_printerr ("%s", err);
      g_error ("bench-startup: a run failed: %s", error != NULL ? error->message : "no figure");
    }

  return g_ascii_strtod (line + strlen ("startup_ms: "), NULL);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_autoptr (GArray) sorted = g_array_copy (values);
  guint n = sorted->len;

  g_array_sort (sorted, compare_doubles);
  if (n % 2 == 1)
    return g_array_index (sorted, double, n / 2);

  return (g_array_index (sorted, double, n / 2 - 1) + g_array_index (sorted, double, n / 2)) / 2;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *self_path = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *full = NULL;
  g_autoptr (GArray) times_0 = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) times_1000 = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));
  gboolean child = FALSE;
  int runs = 7;
  const GOptionEntry entries[]
      = { { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs per store (default 7)", "N" },
          { "child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &child, NULL, NULL },
          { NULL } };

  child_started = g_get_monotonic_time ();

  context = g_option_context_new ("- measure the window's start-up");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (child)
    return run_child ();

  self_path = g_file_read_link ("/proc/self/exe", &error);
  if (self_path == NULL)
    g_error ("bench-startup: %s", error->message);

  empty = make_store (0);
  full = make_store (1000);

  /* One discarded run each warms the disk cache and the shader caches. */
  run_once (self_path, empty);
  run_once (self_path, full);

  /* Alternating, so that a slow spell of the machine hits both alike. */
  for (int i = 0; i < MAX (runs, 1); i++)
    {
      double t0 = run_once (self_path, empty);
      double t1000 = run_once (self_path, full);
      double ratio = t1000 / t0;

      g_array_append_val (times_0, t0);
      g_array_append_val (times_1000, t1000);
      g_array_append_val (ratios, ratio);
    }

  g_print ("startup_0_accounts_ms: %.1f ms\n", median (times_0));
  g_print ("startup_1000_accounts_ms: %.1f ms\n", median (times_1000));
  g_print ("startup_1000_accounts_ratio: %.2f\n", median (ratios));

  relink_test_remove_dir (empty);
  relink_test_remove_dir (full);

  return 0;
}
