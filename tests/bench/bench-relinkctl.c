/* bench-relinkctl.c: what relinkctl costs a script.
 *
 *   bench-relinkctl token [--runs N] [--relinkctl PATH]
 *   bench-relinkctl refresh-all [--accounts N] [--delay-ms MS] [--jobs J] [--relinkctl PATH]
 *
 * token: `relinkctl token` of an account whose access token is valid (one
 * keyring read, no request) against `secret-tool lookup` of the very same
 * keyring item, in fresh processes, alternately; medians and their ratio.
 * The keyring round trip is the floor both share.
 *
 * refresh-all: `relinkctl refresh --all --jobs J` over N accounts against
 * a loopback token server (the LWA wire format of shared/providers.md) in
 * this process that answers each request after MS milliseconds; the
 * wall time against the ideal N × MS / J.
 *
 * Runs in the private session (build-aux/bench): its own keyring and
 * D-Bus. Everything lives in a temporary directory that is removed, the
 * keyring items are cleared, and the server listens on 127.0.0.1 only
 * and stops with the process (a watchdog ends a run that hangs).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <stdlib.h>
#include <string.h>

#include "relink-expiry.h"
#include "relink-secrets.h"
#include "relink-store.h"
#include "relink-test-util.h"
#include "relink-token-set.h"

#define PROVIDER_ID "bench-lwa"
#define CLIENT_ID "amzn1.application-oa2-client.bench"
#define WATCHDOG_SECONDS 300

typedef struct
{
  char *relinkctl;
  char *root;
  char *data_dir;
  char *config_dir;
  char *base;
  SoupServer *server;
  RelinkStore *store;
  RelinkSecrets *secrets;
  char *keyset_id;
  GPtrArray *account_ids;

  guint delay_ms;
  guint requests;
  guint in_flight;
  guint max_in_flight;
  GHashTable *peers; /* remote "host:port" → TRUE: one per connection */
} Bench;

static gboolean
watchdog_cb (gpointer user_data)
{
  g_printerr ("bench-relinkctl: no result within %d s\n", WATCHDOG_SECONDS);
  exit (1);
}

/* The token server */

typedef struct
{
  Bench *bench;
  SoupServerMessage *msg;
} Pending;

static gboolean
answer_cb (gpointer user_data)
{
  Pending *pending = user_data;
  static const char answer[] = "{\"access_token\":\"Atza|bench-access\",\"token_type\":\"bearer\","
                               "\"expires_in\":3600,\"refresh_token\":\"Atzr|bench-refresh\"}";

  soup_server_message_set_status (pending->msg, 200, NULL);
  soup_server_message_set_response (pending->msg, "application/json", SOUP_MEMORY_STATIC, answer,
                                    strlen (answer));
  soup_server_message_unpause (pending->msg);
  pending->bench->in_flight--;
  g_object_unref (pending->msg);
  g_free (pending);

  return G_SOURCE_REMOVE;
}

static void
token_cb (SoupServer *server,
          SoupServerMessage *msg,
          const char *path,
          GHashTable *query,
          gpointer user_data)
{
  Bench *bench = user_data;
  Pending *pending = g_new0 (Pending, 1);
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  if (G_IS_INET_SOCKET_ADDRESS (remote))
    g_hash_table_add (bench->peers, g_strdup_printf ("%u", g_inet_socket_address_get_port (
                                                               G_INET_SOCKET_ADDRESS (remote))));

  bench->requests++;
  bench->in_flight++;
  bench->max_in_flight = MAX (bench->max_in_flight, bench->in_flight);

  pending->bench = bench;
  pending->msg = g_object_ref (msg);
  soup_server_message_pause (msg);
  g_timeout_add (bench->delay_ms, answer_cb, pending);
}

/* Setup and teardown */

static void
bench_init (Bench *bench)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autofree char *db = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *providers = NULL;
  g_autofree char *profile_path = NULL;
  g_autoptr (RelinkKeyset) keyset = NULL;
  GSList *uris;

  bench->root = relink_test_make_tmp_dir ();
  bench->data_dir = g_build_filename (bench->root, "data", NULL);
  bench->config_dir = g_build_filename (bench->root, "config", NULL);
  bench->account_ids = g_ptr_array_new_with_free_func (g_free);
  bench->peers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  bench->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (bench->server, "/auth/o2/token", token_cb, bench, NULL);
  if (!soup_server_listen_local (bench->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("Cannot listen on 127.0.0.1: %s", error->message);
  uris = soup_server_get_uris (bench->server);
  uri = g_uri_ref (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  bench->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uri));

  providers = g_build_filename (bench->config_dir, "relink", "providers", NULL);
  g_mkdir_with_parents (providers, 0700);
  profile = g_strdup_printf (
      "{ \"format_version\": 1, \"id\": \"" PROVIDER_ID "\", \"name\": \"Amazon Bench\","
      "  \"client_auth\": \"body\", \"pkce\": \"none\", \"scopes\": [],"
      "  \"access_lifetime\": 3600, \"refresh_lifetime\": 31536000,"
      "  \"identity\": { \"source\": \"redirect\", \"id_field\": \"selling_partner_id\" },"
      "  \"environments\": [ { \"id\": \"na\", \"name\": \"North America\", \"production\": true,"
      "    \"authorize_url\": \"%s/consent\", \"token_url\": \"%s/auth/o2/token\" } ] }",
      bench->base, bench->base);
  profile_path = g_build_filename (providers, PROVIDER_ID ".json", NULL);
  if (!g_file_set_contents (profile_path, profile, -1, &error))
    g_error ("%s", error->message);

  db = g_build_filename (bench->data_dir, "relink", "relink.db", NULL);
  bench->store = relink_store_open (db, &error);
  if (bench->store == NULL)
    g_error ("%s", error->message);
  bench->secrets = relink_secrets_new ();

  bench->keyset_id = relink_new_id ();
  keyset = relink_keyset_new (bench->keyset_id);
  relink_keyset_set_provider_id (keyset, PROVIDER_ID);
  relink_keyset_set_environment (keyset, "na");
  relink_keyset_set_client_id (keyset, CLIENT_ID);
  relink_keyset_set_redirect (keyset, "https://relink.invalid/bench");
  if (!relink_store_save_keyset (bench->store, keyset, &error)
      || !relink_secrets_store_keyset_secret_sync (bench->secrets, bench->keyset_id,
                                                   "client_secret", "relinkctl bench",
                                                   "bench-client-secret", NULL, &error))
    g_error ("%s", error->message);
}

static void
bench_clear (Bench *bench)
{
  for (guint i = 0; i < bench->account_ids->len; i++)
    relink_secrets_clear_tokens_sync (bench->secrets, g_ptr_array_index (bench->account_ids, i),
                                      NULL, NULL);
  relink_secrets_clear_keyset_sync (bench->secrets, bench->keyset_id, NULL, NULL);

  soup_server_disconnect (bench->server);
  g_clear_object (&bench->server);
  g_clear_object (&bench->store);
  g_clear_object (&bench->secrets);
  relink_test_remove_dir (bench->root);
  g_clear_pointer (&bench->root, g_free);
  g_clear_pointer (&bench->data_dir, g_free);
  g_clear_pointer (&bench->config_dir, g_free);
  g_clear_pointer (&bench->base, g_free);
  g_clear_pointer (&bench->keyset_id, g_free);
  g_clear_pointer (&bench->account_ids, g_ptr_array_unref);
  g_clear_pointer (&bench->peers, g_hash_table_unref);
}

/* A connected account whose access token is valid for an hour. */
static char *
add_account (Bench *bench, guint n)
{
  g_autoptr (GError) error = NULL;
  char *id = relink_new_id ();
  g_autoptr (RelinkAccount) account = relink_account_new (id);
  g_autoptr (RelinkTokenSet) tokens = relink_token_set_new ();
  g_autofree char *nickname = g_strdup_printf ("Bench shop %u", n);
  gint64 now = relink_now ();

  relink_account_set_keyset_id (account, bench->keyset_id);
  relink_account_set_nickname (account, nickname);
  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_identity_id (account, "A2EUQ1WTGCTBG2");
  relink_account_set_authorised_at (account, now - 86400);
  relink_account_set_access_expires_at (account, now + 3600);
  relink_account_set_refresh_expires_at (account, now + 300 * 86400);
  relink_account_set_created_at (account, now - 86400);

  relink_token_set_set_access_token (tokens, "Atza|bench-cached-access-token-of-a-realistic-length-"
                                             "0123456789abcdef0123456789abcdef0123456789abcdef");
  relink_token_set_set_refresh_token (tokens, "Atzr|bench-refresh-token-0123456789abcdef");
  relink_token_set_set_token_type (tokens, "bearer");
  relink_token_set_set_issued_at (tokens, now - 60);
  relink_token_set_set_access_expires_at (tokens, now + 3600);
  relink_token_set_set_refresh_expires_at (tokens, now + 300 * 86400);

  if (!relink_store_save_account (bench->store, account, &error)
      || !relink_secrets_store_tokens_sync (bench->secrets, id, "Relink bench", tokens, NULL,
                                            &error))
    g_error ("%s", error->message);

  g_ptr_array_add (bench->account_ids, g_strdup (id));
  return id;
}

/* Running programs */

static void
wait_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Runs @argv to its end, serving the token server meanwhile; returns the
 * wall time in milliseconds and checks the exit status. */
static double
run_timed (Bench *bench, const char *const *argv, gboolean quiet)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GAsyncResult) done = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gint64 started;
  gint64 ended;

  launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", bench->data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", bench->config_dir, TRUE);

  started = g_get_monotonic_time ();
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (process == NULL)
    g_error ("Cannot run %s: %s", argv[0], error->message);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, wait_cb, &done);
  while (done == NULL)
    g_main_context_iteration (NULL, TRUE);
  ended = g_get_monotonic_time ();

  if (!g_subprocess_communicate_utf8_finish (process, done, &out, &err, &error))
    g_error ("%s", error->message);
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    g_error ("%s failed: %s", argv[0], err);
  if (!quiet && err != NULL && *err != '\0')
    g_printerr ("%s", err);

  return (ended - started) / 1000.0;
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
  g_array_sort (values, compare_doubles);

  if (values->len % 2 == 1)
    return g_array_index (values, double, values->len / 2);

  return (g_array_index (values, double, values->len / 2 - 1)
          + g_array_index (values, double, values->len / 2))
         / 2;
}

/* Sections */

static int
bench_token (Bench *bench, guint runs)
{
  g_autofree char *id = NULL;
  g_autoptr (GArray) ctl_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) tool_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GError) error = NULL;
  double ctl, tool;

  /* A realistic store: a hundred fixture accounts beside the one asked for. */
  if (!relink_test_populate_fixture (bench->store, 100, relink_now (), &error))
    g_error ("%s", error->message);
  id = add_account (bench, 0);

  {
    const char *const ctl_argv[] = { bench->relinkctl, "token", id, NULL };
    const char *const tool_argv[] = { "secret-tool", "lookup", "account", id, NULL };

    /* Warm the page cache and the keyring daemon first. */
    for (guint i = 0; i < 2; i++)
      {
        run_timed (bench, ctl_argv, FALSE);
        run_timed (bench, tool_argv, FALSE);
      }

    for (guint i = 0; i < runs; i++)
      {
        double a, b;

        /* Alternate which goes first, so drift hits both alike. */
        if (i % 2 == 0)
          {
            a = run_timed (bench, ctl_argv, FALSE);
            b = run_timed (bench, tool_argv, FALSE);
          }
        else
          {
            b = run_timed (bench, tool_argv, FALSE);
            a = run_timed (bench, ctl_argv, FALSE);
          }
        g_array_append_val (ctl_ms, a);
        g_array_append_val (tool_ms, b);
      }
  }

  if (bench->requests != 0)
    g_error ("relinkctl token made %u requests for a valid token", bench->requests);

  ctl = median (ctl_ms);
  tool = median (tool_ms);
  g_print ("token_runs: %u runs\n", runs);
  g_print ("token_latency_ms: %.1f ms\n", ctl);
  g_print ("secret_tool_latency_ms: %.1f ms\n", tool);
  g_print ("token_latency_vs_secret_tool: %.2f x\n", ctl / tool);

  return 0;
}

static int
bench_refresh_all (Bench *bench, guint n_accounts, guint jobs)
{
  g_autofree char *jobs_text = g_strdup_printf ("%u", jobs);
  const char *const argv[] = { bench->relinkctl, "refresh", "--all", "--jobs", jobs_text, NULL };
  double ms, ideal, floor_ms;
  gint64 started;

  for (guint i = 0; i < n_accounts; i++)
    g_free (add_account (bench, i));

  /* Every refresh ends with one keyring write, and gnome-keyring writes
   * one at a time (rewriting its file each time): N writes in a row at
   * this keyring size are the floor no concurrency can go below. */
  started = g_get_monotonic_time ();
  for (guint i = 0; i < bench->account_ids->len; i++)
    {
      const char *id = g_ptr_array_index (bench->account_ids, i);
      g_autoptr (GError) error = NULL;
      g_autoptr (RelinkTokenSet) tokens
          = relink_secrets_lookup_tokens_sync (bench->secrets, id, NULL, &error);

      if (tokens == NULL
          || !relink_secrets_store_tokens_sync (bench->secrets, id, "Relink bench", tokens, NULL,
                                                &error))
        g_error ("%s", error != NULL ? error->message : "tokens vanished");
    }
  floor_ms = (g_get_monotonic_time () - started) / 1000.0;

  ms = run_timed (bench, argv, TRUE);
  if (bench->requests != n_accounts)
    g_error ("%u requests for %u accounts", bench->requests, n_accounts);

  ideal = (double) n_accounts * bench->delay_ms / jobs;
  g_print ("refresh_all_accounts: %u accounts\n", n_accounts);
  g_print ("refresh_all_server_delay_ms: %u ms\n", bench->delay_ms);
  g_print ("refresh_all_concurrency_limit: %u requests\n", jobs);
  g_print ("refresh_all_max_in_flight: %u requests\n", bench->max_in_flight);
  g_print ("refresh_all_connections: %u connections\n", g_hash_table_size (bench->peers));
  g_print ("refresh_all_%u_seconds: %.2f s\n", n_accounts, ms / 1000.0);
  g_print ("refresh_all_ratio: %.2f x\n", ms / ideal);
  g_print ("refresh_all_keyring_floor_seconds: %.2f s\n", floor_ms / 1000.0);
  g_print ("refresh_all_vs_keyring_floor: %.2f x\n", ms / MAX (floor_ms, ideal));

  return 0;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *relinkctl = NULL;
  int runs = 21;
  int accounts = 500;
  int delay_ms = 50;
  int jobs = 8;
  Bench bench = { 0 };
  int status;
  const GOptionEntry entries[] = {
    { "relinkctl", 0, 0, G_OPTION_ARG_FILENAME, &relinkctl, "The relinkctl to measure", "PATH" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "token: runs of each program (at least 15)", "N" },
    { "accounts", 0, 0, G_OPTION_ARG_INT, &accounts, "refresh-all: accounts", "N" },
    { "delay-ms", 0, 0, G_OPTION_ARG_INT, &delay_ms, "refresh-all: the server's delay", "MS" },
    { "jobs", 0, 0, G_OPTION_ARG_INT, &jobs, "refresh-all: relinkctl's --jobs", "J" },
    { NULL }
  };

  context = g_option_context_new ("token | refresh-all");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || runs < 1
      || accounts < 1 || delay_ms < 0 || jobs < 1)
    {
      g_printerr ("bench-relinkctl: %s\n", error != NULL ? error->message : "bad arguments");
      return 2;
    }

  if (relinkctl == NULL)
    {
      g_autofree char *dir = g_path_get_dirname (argv[0]);

      relinkctl = g_build_filename (dir, "..", "..", "src", "cli", "relinkctl", NULL);
    }

  bench.relinkctl = relinkctl;
  bench.delay_ms = delay_ms;
  g_timeout_add_seconds (WATCHDOG_SECONDS, watchdog_cb, NULL);
  bench_init (&bench);

  if (g_str_equal (argv[1], "token"))
    status = bench_token (&bench, runs);
  else if (g_str_equal (argv[1], "refresh-all"))
    status = bench_refresh_all (&bench, accounts, jobs);
  else
    {
      g_printerr ("bench-relinkctl: unknown benchmark %s\n", argv[1]);
      status = 2;
    }

  bench_clear (&bench);
  return status;
}
