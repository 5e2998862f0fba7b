/* bench-window.c: the window at rest, and opening a sign-in from it.
 *
 *   bench-window idle --relink PATH [--accounts 1000] [--settle 10] [--idle 60]
 *   bench-window renew [--runs N]
 *
 * idle: starts the real `relink` over a store of its own with @accounts
 * fixture accounts (their countdowns change every minute at the finest),
 * lets it settle, then counts the context switches of all its threads
 * over @idle seconds. The fixture's offline accounts (ERROR) are marked
 * connected: the keep-alive retries those on its own schedule, which is
 * the background work bench-background measures, not the window's. The
 * fixture has no tokens in the keyring: the rotating accounts whose
 * keep-alive is due (or past) are each tried once while the window
 * settles, find nothing to refresh with and wait until they change, as
 * real ones would be refreshed once and then wait for weeks.
 *
 *   window_idle_wakeups_per_min: N
 *
 * renew: in fresh processes, alternately, the window with one account
 * that needs renewing, Renew clicked, until the marketplace's sign-in
 * form is painted; against a bare WebKitWebView in a new ephemeral
 * network session loading the same page (a loopback stub, served by the
 * process itself) in a new window. The page says when the web process
 * has painted it (two animation frames after it loaded), and the figure
 * is taken at the next frame of the window that shows it:
 *
 *   renew_open_ms: N ms
 *   bare_webview_open_ms: N ms
 *   renew_open_vs_bare_webview: RATIO
 *
 * Run it in the private session (build-aux/bench) with
 * GSETTINGS_SCHEMA_DIR set.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <signal.h>
#include <stdlib.h>
#include <webkit/webkit.h>

#include "bench-util.h"
#include "relink-expiry.h"
#include "relink-test-gui.h"
#include "relink-test-service.h"
#include "relink-test-util.h"
#include "relink-window.h"

#define CHILD_TIMEOUT_SECONDS 60
#define STUB_ID "stub-market"

/* idle */

static gboolean
mark_offline_connected (RelinkStore *store, GError **error)
{
  g_autoptr (GPtrArray) accounts = relink_store_load_accounts (store, error);

  if (accounts == NULL)
    return FALSE;

  for (guint i = 0; i < accounts->len; i++)
    {
      RelinkAccount *account = accounts->pdata[i];

      if (relink_account_get_status (account) == RELINK_ACCOUNT_STATUS_ERROR
          && !relink_store_update_status (store, relink_account_get_id (account),
                                          RELINK_ACCOUNT_STATUS_CONNECTED, NULL, error))
        return FALSE;
    }

  return TRUE;
}

static int
run_idle (const char *relink, int n_accounts, int settle, int idle)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkStore) store = NULL;
  g_autofree char *dir = relink_test_make_tmp_dir ();
  g_autofree char *data_home = g_build_filename (dir, "data", NULL);
  g_autofree char *store_path = g_build_filename (data_home, "relink", "relink.db", NULL);
  g_autoptr (GHashTable) before = NULL;
  g_autoptr (GHashTable) after = NULL;
  GPid pid;

  store = relink_store_open (store_path, &error);
  if (store == NULL
      || !relink_test_populate_fixture (store, MAX (n_accounts, 0), relink_now (), &error)
      || !mark_offline_connected (store, &error))
    g_error ("bench-window: cannot write the fixture store: %s", error->message);
  g_clear_object (&store);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  child = g_subprocess_launcher_spawn (launcher, &error, relink, NULL);
  if (child == NULL)
    g_error ("bench-window: %s", error->message);
  pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (child), NULL, 10);

  bench_wait_seconds (MAX (settle, 1));
  before = bench_count_switches (pid);
  bench_wait_seconds (MAX (idle, 1));
  after = bench_count_switches (pid);

  /* The identifier goes when the process has exited. */
  if (g_subprocess_get_identifier (child) == NULL)
    g_error ("bench-window: relink exited early");

  /* Which threads woke, for whoever looks into a figure. */
  if (g_getenv ("RELINK_BENCH_VERBOSE") != NULL)
    {
      GHashTableIter iter;
      gpointer tid, count;

      g_hash_table_iter_init (&iter, after);
      while (g_hash_table_iter_next (&iter, &tid, &count))
        {
          guint64 *earlier = g_hash_table_lookup (before, tid);
          g_autofree char *comm_path = g_strdup_printf ("/proc/%d/task/%s/comm", pid, (char *) tid);
          g_autofree char *comm = NULL;

          g_file_get_contents (comm_path, &comm, NULL, NULL);
          g_printerr ("%s %s: %" G_GUINT64_FORMAT "\n", (char *) tid,
                      comm != NULL ? g_strstrip (comm) : "?",
                      *(guint64 *) count - (earlier != NULL ? *earlier : 0));
        }
    }

  g_print ("window_idle_wakeups_per_min: %.0f\n",
           (double) bench_switches_between (before, after) * 60.0 / MAX (idle, 1));

  g_subprocess_send_signal (child, SIGTERM);
  g_subprocess_wait (child, NULL, NULL);
  relink_test_remove_dir (dir);

  return 0;
}

/* renew: the child */

/* A marketplace's sign-in form, which says when it has been painted. */
static const char login_page[]
    = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Sign in</title>"
      "<style>body{font-family:sans-serif;margin:2em}label,input,button{display:block;"
      "margin:.5em 0}input{width:20em}</style></head><body>"
      "<h1>Sign in to Stub Market</h1><form method=\"post\" action=\"/login\">"
      "<label for=\"user\">Email or username</label><input id=\"user\" name=\"user\">"
      "<label for=\"password\">Password</label>"
      "<input id=\"password\" name=\"password\" type=\"password\">"
      "<button type=\"submit\">Sign in</button></form>"
      "<script>requestAnimationFrame(function(){requestAnimationFrame(function(){"
      "document.title='painted';});});</script></body></html>";

static void
login_page_cb (SoupServer *server,
               SoupServerMessage *msg,
               const char *path,
               GHashTable *query,
               gpointer user_data)
{
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_STATIC, login_page,
                                    sizeof login_page - 1);
}

typedef struct
{
  gint64 started;
  GtkWidget *window;
  gboolean done;
} Open;

static void
after_paint_cb (GdkFrameClock *clock, Open *open)
{
  g_print ("open_ms: %.3f\n", (g_get_monotonic_time () - open->started) / 1000.0);
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, open);
  open->done = TRUE;
}

/* The page has painted the form: the figure is taken once the window
 * showing it has painted too. */
static void
title_cb (WebKitWebView *view, GParamSpec *pspec, Open *open)
{
  if (g_strcmp0 (webkit_web_view_get_title (view), "painted") != 0)
    return;

  g_signal_handlers_disconnect_by_func (view, title_cb, open);
  g_signal_connect (gtk_widget_get_frame_clock (open->window), "after-paint",
                    G_CALLBACK (after_paint_cb), open);
  gtk_widget_queue_draw (open->window);
}

static GtkWidget *
find_web_view (GtkWidget *widget)
{
  if (WEBKIT_IS_WEB_VIEW (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_web_view (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
child_timeout_cb (gpointer user_data)
{
  g_printerr ("bench-window: the sign-in form was not painted within %d s\n",
              CHILD_TIMEOUT_SECONDS);
  exit (1);
}

/* Frames and a moment for the window to come to rest before the click. */
static void
settle (GtkWidget *window)
{
  relink_test_wait_for_frames (window, 2);
  bench_wait_seconds (1);
}

/* Renew clicked in the window: the login dialog and its web view. */
static void
open_relink (const char *dir, const char *base, Open *open)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *store_path = g_build_filename (dir, "relink.db", NULL);
  g_autofree char *providers_dir = g_build_filename (dir, "providers", NULL);
  g_autoptr (RelinkAccountManager) manager = NULL;
  g_autoptr (RelinkContext) context = NULL;
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new ("keyset-stub");
  g_autoptr (RelinkAccount) shop = relink_account_new ("account-shop");
  gint64 now = relink_now ();
  RelinkStore *store;
  GtkWidget *window;
  GtkWidget *button;
  GtkWindow *login;
  GtkWidget *view;

  relink_test_write_stub_profile (providers_dir, STUB_ID, "Stub Market", base, TRUE, FALSE);
  manager = relink_test_open_manager (store_path, providers_dir);
  store = relink_account_manager_get_store (manager);
  relink_keyset_set_provider_id (keyset, STUB_ID);
  relink_keyset_set_environment (keyset, "test");
  relink_keyset_set_client_id (keyset, "stub-app");
  relink_keyset_set_redirect (keyset, "https://relink.invalid/stub");
  relink_account_set_keyset_id (shop, "keyset-stub");
  relink_account_set_nickname (shop, "Shop");
  if (!relink_store_save_keyset (store, keyset, &error)
      || !relink_store_save_account (store, shop, &error)
      || !relink_store_update_sign_in (store, "account-shop", "123456", "shop", "read", now - 3600,
                                       now - 60, now - 60, &error)
      || !relink_account_manager_load_sync (manager, NULL, &error))
    g_error ("bench-window: cannot set up the account: %s", error->message);

  context = relink_context_new_for_manager (manager);
  window = relink_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  settle (window);

  button = relink_test_find_widget (window, "renew-button");
  if (button == NULL)
    g_error ("bench-window: the account has no Renew button");

  open->started = g_get_monotonic_time ();
  g_signal_emit_by_name (button, "clicked");
  login = relink_test_find_login_dialog (relink_account_manager_lookup_account (manager, "Shop"));
  view = login != NULL ? find_web_view (GTK_WIDGET (login)) : NULL;
  if (view == NULL)
    g_error ("bench-window: Renew opened no sign-in page");
  open->window = GTK_WIDGET (login);
  g_signal_connect (view, "notify::title", G_CALLBACK (title_cb), open);
}

/* The bare counterpart: a new window with a new web view in a new
 * ephemeral network session, in a window that is already up. */
static void
open_bare (const char *base, Open *open)
{
  g_autofree char *uri = g_strconcat (base, "/authorize", NULL);
  g_autoptr (WebKitNetworkSession) session = NULL;
  GtkWidget *main_window = adw_window_new ();
  GtkWidget *window;
  GtkWidget *view;

  gtk_window_set_default_size (GTK_WINDOW (main_window), 720, 640);
  gtk_window_present (GTK_WINDOW (main_window));
  settle (main_window);

  open->started = g_get_monotonic_time ();
  session = webkit_network_session_new_ephemeral ();
  view = g_object_new (WEBKIT_TYPE_WEB_VIEW, "network-session", session, NULL);
  window = gtk_window_new ();
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (main_window));
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 720);
  gtk_window_set_child (GTK_WINDOW (window), view);
  open->window = window;
  g_signal_connect (view, "notify::title", G_CALLBACK (title_cb), open);
  webkit_web_view_load_uri (WEBKIT_WEB_VIEW (view), uri);
  gtk_window_present (GTK_WINDOW (window));
}

static int
run_renew_child (gboolean bare)
{
  g_autoptr (SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoslist (GUri) uris = NULL;
  g_autofree char *dir = relink_test_make_tmp_dir ();
  g_autofree char *base = NULL;
  Open open = { 0 };

  adw_init ();
  soup_server_add_handler (server, "/authorize", login_page_cb, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("bench-window: %s", error->message);
  uris = soup_server_get_uris (server);
  base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));

  g_timeout_add_seconds (CHILD_TIMEOUT_SECONDS, child_timeout_cb, NULL);
  if (bare)
    open_bare (base, &open);
  else
    open_relink (dir, base, &open);

  while (!open.done)
    g_main_context_iteration (NULL, TRUE);

  relink_test_remove_dir (dir);
  /* The windows and web processes end with this process. */
  exit (0);
}

/* renew: the parent */

static double
run_renew_once (const char *self_path, gboolean bare)
{
  const char *argv[] = { self_path, "renew", bare ? "--child-bare" : "--child", NULL };

  return bench_run_child (argv, NULL, "open_ms");
}

static int
run_renew (int runs)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", &error);
  g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) bare_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));

  if (self_path == NULL)
    g_error ("bench-window: %s", error->message);

  /* Discarded: they warm the disk cache and the shader caches. */
  run_renew_once (self_path, FALSE);
  run_renew_once (self_path, TRUE);

  for (int i = 0; i < MAX (runs, 1); i++)
    {
      double t = run_renew_once (self_path, FALSE);
      double bare = run_renew_once (self_path, TRUE);
      double ratio = t / bare;

      g_array_append_val (times, t);
      g_array_append_val (bare_times, bare);
      g_array_append_val (ratios, ratio);
    }

  g_print ("renew_open_ms: %.1f ms\n", bench_median (times));
  g_print ("bare_webview_open_ms: %.1f ms\n", bench_median (bare_times));
  g_print ("renew_open_vs_bare_webview: %.2f\n", bench_median (ratios));

  return 0;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GOptionContext) context = g_option_context_new ("idle|renew - the window");
  g_autoptr (GError) error = NULL;
  g_autofree char *relink = NULL;
  gboolean child = FALSE;
  gboolean child_bare = FALSE;
  int n_accounts = 1000;
  int settle_seconds = 10;
  int idle = 60;
  int runs = 7;
  const GOptionEntry entries[]
      = { { "relink", 0, 0, G_OPTION_ARG_FILENAME, &relink, "The relink program (idle)", "PATH" },
          { "accounts", 0, 0, G_OPTION_ARG_INT, &n_accounts, "How many accounts (idle)", "N" },
          { "settle", 0, 0, G_OPTION_ARG_INT, &settle_seconds, "Seconds to let it start (idle)",
            "S" },
          { "idle", 0, 0, G_OPTION_ARG_INT, &idle, "Seconds to measure (idle)", "S" },
          { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs of each (renew; default 7)", "N" },
          { "child", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &child, NULL, NULL },
          { "child-bare", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &child_bare, NULL, NULL },
          { NULL } };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("bench-window: %s\n", error != NULL ? error->message : "say idle or renew");
      return 2;
    }

  if (g_str_equal (argv[1], "idle"))
    {
      if (relink == NULL)
        {
          g_printerr ("bench-window: idle needs --relink\n");
          return 2;
        }
      return run_idle (relink, n_accounts, settle_seconds, idle);
    }

  if (g_str_equal (argv[1], "renew"))
    return child || child_bare ? run_renew_child (child_bare) : run_renew (runs);

  g_printerr ("bench-window: say idle or renew\n");
  return 2;
}
