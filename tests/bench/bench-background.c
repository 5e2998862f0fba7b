/* bench-background.c: the background service at rest.
 *
 *   bench-background --relink PATH [--accounts 200] [--settle 5] [--idle 60]
 *
 * Starts `relink --background` over a store of its own with @accounts
 * connected accounts, none of which has anything due for weeks, lets it
 * settle (it execs relink-background meanwhile, in the same process: the
 * figures are those of what autostart leaves running), then counts the
 * context switches of all its threads over @idle seconds
 * (/proc/PID/task/TID/status) and reads its resident memory:
 *
 *   background_wakeups_per_min: N
 *   background_rss_mib: N
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>

#include "bench-util.h"
#include "relink-expiry.h"
#include "relink-test-util.h"

#define DAY G_GINT64_CONSTANT (86400)

static gboolean
fill_store (const char *path, guint n_accounts, GError **error)
{
  g_autoptr (RelinkStore) store = relink_store_open (path, error);
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new ("keyset-ebay");
  gint64 now = relink_now ();

  if (store == NULL)
    return FALSE;

  relink_keyset_set_provider_id (keyset, "ebay");
  relink_keyset_set_environment (keyset, "production");
  relink_keyset_set_client_id (keyset, "ShopTool-PRD-1a2b3c4d5-6e7f8a9b");
  relink_keyset_set_redirect (keyset, "Shop_Tool-ShopTool-PRD-abcdefgh");
  relink_keyset_set_created_at (keyset, now - 500 * DAY);
  if (!relink_store_save_keyset (store, keyset, error))
    return FALSE;

  for (guint i = 0; i < n_accounts; i++)
    {
      g_autofree char *id = g_strdup_printf ("account-%u", i);
      g_autofree char *nickname = g_strdup_printf ("shop_%03u", i);
      g_autoptr (RelinkAccount) account = relink_account_new (id);

      relink_account_set_keyset_id (account, "keyset-ebay");
      relink_account_set_nickname (account, nickname);
      relink_account_set_identity_id (account, nickname);
      relink_account_set_identity_name (account, nickname);
      relink_account_set_status (account, RELINK_ACCOUNT_STATUS_CONNECTED);
      relink_account_set_created_at (account, now - 400 * DAY);
      relink_account_set_authorised_at (account, now - 100 * DAY);
      /* The first reminder (30 days ahead) is at least 10 days away. */
      relink_account_set_refresh_expires_at (account, now + (40 + i % 400) * DAY);
      /* eBay access tokens live two hours; these were just refreshed. */
      relink_account_set_access_expires_at (account, now + 2 * 3600);
      relink_account_set_last_refresh_at (account, now - 60);
      if (!relink_store_save_account (store, account, error))
        return FALSE;
    }

  return TRUE;
}

static double
read_rss_mib (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "VmRSS:"))
      return g_ascii_strtod (lines[i] + strlen ("VmRSS:"), NULL) / 1024.0;

  return -1;
}

int
main (int argc, char *argv[])
{
  g_autofree char *relink = NULL;
  int n_accounts = 200;
  int settle = 5;
  int idle = 60;
  const GOptionEntry entries[]
      = { { "relink", 0, 0, G_OPTION_ARG_FILENAME, &relink, "The relink program", "PATH" },
          { "accounts", 0, 0, G_OPTION_ARG_INT, &n_accounts, "How many accounts", "N" },
          { "settle", 0, 0, G_OPTION_ARG_INT, &settle, "Seconds to let it start up", "S" },
          { "idle", 0, 0, G_OPTION_ARG_INT, &idle, "Seconds to measure", "S" },
          { NULL } };
  g_autoptr (GOptionContext) context = g_option_context_new ("- the background service at rest");
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *data_home = NULL;
  g_autofree char *store_path = NULL;
  g_autoptr (GHashTable) before = NULL;
  g_autoptr (GHashTable) after = NULL;
  double rss;
  GPid pid;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || relink == NULL)
    {
      g_printerr ("bench-background: %s\n", error ? error->message : "--relink is required");
      return 2;
    }

  dir = relink_test_make_tmp_dir ();
  data_home = g_build_filename (dir, "data", NULL);
  store_path = g_build_filename (data_home, "relink", "relink.db", NULL);
  if (!fill_store (store_path, MAX (n_accounts, 0), &error))
    {
      g_printerr ("bench-background: %s\n", error->message);
      relink_test_remove_dir (dir);
      return 1;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  child = g_subprocess_launcher_spawn (launcher, &error, relink, "--background", NULL);
  if (child == NULL)
    {
      g_printerr ("bench-background: %s\n", error->message);
      relink_test_remove_dir (dir);
      return 1;
    }
  pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (child), NULL, 10);

  bench_wait_seconds (MAX (settle, 1));
  before = bench_count_switches (pid);
  bench_wait_seconds (MAX (idle, 1));
  after = bench_count_switches (pid);
  rss = read_rss_mib (pid);

  /* The identifier goes when the process has exited. */
  if (g_subprocess_get_identifier (child) == NULL || rss < 0)
    {
      g_printerr ("bench-background: relink --background exited early\n");
      relink_test_remove_dir (dir);
      return 1;
    }

  g_print ("background_wakeups_per_min: %.0f\n",
           (double) bench_switches_between (before, after) * 60.0 / MAX (idle, 1));
  g_print ("background_rss_mib: %.1f\n", rss);

  g_subprocess_send_signal (child, SIGTERM);
  g_subprocess_wait (child, NULL, NULL);
  relink_test_remove_dir (dir);

  return 0;
}
