/* bench-startup.c: how much 1,000 accounts slow the window's start-up,
 * and how the empty window compares with a bare libadwaita one.
 *
 *   bench-startup [--runs N]
 *
 * Starts the real application (RelinkApplication, RelinkWindow, the store
 * in $XDG_DATA_HOME) in fresh processes, over a store with no accounts and
 * one with 1,000, and a bare AdwApplicationWindow with a header bar and a
 * status page, alternately, and measures from main() to the first frame
 * painted after the accounts were loaded (for the bare window: its first
 * frame). Prints the medians and the medians of the paired ratios, one
 * figure per line. Run it in the private session (build-aux/bench) with
 * GSETTINGS_SCHEMA_DIR set.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "bench-util.h"
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

/* The bare window: its first frame is all there is to wait for. */
static void
bare_after_paint_cb (GdkFrameClock *clock, GtkWindow *window)
{
  g_print ("startup_ms: %.3f\n", (g_get_monotonic_time () - child_started) / 1000.0);
  g_signal_handlers_disconnect_by_func (clock, bare_after_paint_cb, window);
  g_application_quit (G_APPLICATION (gtk_window_get_application (window)));
}

static void
bare_map_cb (GtkWidget *window)
{
  g_signal_connect_object (gtk_widget_get_frame_clock (window), "after-paint",
                           G_CALLBACK (bare_after_paint_cb), window, 0);
}

/* What the empty Relink window is, less Relink: the same size, a header
 * bar with a button and a menu, a status page. */
static void
bare_activate_cb (GApplication *app)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *page = adw_status_page_new ();
  GtkWidget *button = gtk_button_new_with_label ("Add Account");

  adw_header_bar_pack_start (ADW_HEADER_BAR (header),
                             gtk_button_new_from_icon_name ("list-add-symbolic"));
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), gtk_menu_button_new ());
  gtk_box_append (GTK_BOX (box), header);
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), "io.github.relink.Relink-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (page), "Keep your marketplace connections alive");
  adw_status_page_set_description (ADW_STATUS_PAGE (page), "Add an account to begin.");
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_add_css_class (button, "suggested-action");
  adw_status_page_set_child (ADW_STATUS_PAGE (page), button);
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));

  g_signal_connect (window, "map", G_CALLBACK (bare_map_cb), NULL);
  gtk_window_present (GTK_WINDOW (window));
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
run_child (gboolean bare)
{
  g_autoptr (GApplication) app = NULL;
  char *argv[] = { (char *) "relink", NULL };

  if (bare)
    {
      /* Unique, as an application with an id is by default: it owns its
       * name on the bus before it starts, as Relink does. */
      app = G_APPLICATION (
          adw_application_new ("io.github.relink.BenchBare", G_APPLICATION_DEFAULT_FLAGS));
      g_signal_connect (app, "activate", G_CALLBACK (bare_activate_cb), NULL);
    }
  else
    {
      app = G_APPLICATION (relink_application_new ());
      g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), NULL);
    }
  g_timeout_add_seconds (CHILD_TIMEOUT_SECONDS, child_timeout_cb, NULL);

  return g_application_run (app, 1, argv);
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
run_once (const char *self_path, const char *data_home, gboolean bare)
{
  g_auto (GStrv) envp = g_environ_setenv (g_get_environ (), "XDG_DATA_HOME", data_home, TRUE);
  const char *argv[] = { self_path, bare ? "--child-bare" : "--child", NULL };

  return bench_run_child (argv, (const char *const *) envp, "startup_ms");
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
  g_autoptr (GArray) times_bare = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) bare_ratios = g_array_new (FALSE, FALSE, sizeof (double));
  gboolean child = FALSE;
  gboolean child_bare = FALSE;
  int runs = 7;
  const GOptionEntry entries[]
      = { { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs per store (default 7)", "N" },
          { "child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &child, NULL, NULL },
          { "child-bare", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &child_bare, NULL, NULL },
          { NULL } };

  child_started = g_get_monotonic_time ();

  context = g_option_context_new ("- measure the window's start-up");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (child || child_bare)
    return run_child (child_bare);

  self_path = g_file_read_link ("/proc/self/exe", &error);
  if (self_path == NULL)
    g_error ("bench-startup: %s", error->message);

  empty = make_store (0);
  full = make_store (1000);

  /* One discarded run each warms the disk cache and the shader caches. */
  run_once (self_path, empty, FALSE);
  run_once (self_path, full, FALSE);
  run_once (self_path, empty, TRUE);

  /* Alternating, so that a slow spell of the machine hits all alike. */
  for (int i = 0; i < MAX (runs, 1); i++)
    {
      double t0 = run_once (self_path, empty, FALSE);
      double t1000 = run_once (self_path, full, FALSE);
      double tbare = run_once (self_path, empty, TRUE);
      double ratio = t1000 / t0;
      double bare_ratio = t0 / tbare;

      g_array_append_val (times_0, t0);
      g_array_append_val (times_1000, t1000);
      g_array_append_val (times_bare, tbare);
      g_array_append_val (ratios, ratio);
      g_array_append_val (bare_ratios, bare_ratio);
    }

  g_print ("startup_0_accounts_ms: %.1f ms\n", bench_median (times_0));
  g_print ("startup_1000_accounts_ms: %.1f ms\n", bench_median (times_1000));
  g_print ("startup_1000_accounts_ratio: %.2f\n", bench_median (ratios));
  g_print ("startup_bare_window_ms: %.1f ms\n", bench_median (times_bare));
  g_print ("startup_0_vs_bare_window: %.2f\n", bench_median (bare_ratios));

  relink_test_remove_dir (empty);
  relink_test_remove_dir (full);

  return 0;
}
