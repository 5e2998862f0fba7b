/* test-dbus-api.c: Relink's D-Bus API as a host script sees it: calls
 * from a connection of the test's own on the private session bus, a stub
 * marketplace (built from providers.md's Mercado Libre token answer) for
 * the refreshes, the real keyring, and relinkctl's own JSON to compare.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "relink-dbus-api.h"
#include "relink-grant.h"
#include "relink-secrets.h"
#include "relink-test-oidc.h"
#include "relink-test-service.h"
#include "relink-test-util.h"

#define STUB_ID "stub-market"
#define STUB_APP_ID "stub-app-id"
#define STUB_SECRET "stub-client-secret-value"
#define STUB_USER_ID "123456789"
#define INTERFACE "io.github.relink.Relink.Accounts"
#define DAY G_GINT64_CONSTANT (86400)

#define WAIT_FOR(cond) RELINK_TEST_WAIT_FOR (cond, 20)

typedef struct
{
  char *dir;
  char *provider_dir;
  char *store_path;
  SoupServer *stub;
  char *stub_base;
  RelinkAccountManager *manager;
  RelinkTokenService *service;
  RelinkDBusApi *api;
  GDBusConnection *api_connection;
  GDBusConnection *client;
  GPtrArray *signals; /* "TokensChanged account-1 refreshed", ... */
  guint subscription;
  GPtrArray *account_ids;

  guint token_requests;
  guint token_status; /* what the stub's token endpoint answers */
  guint serial;
} Fixture;

/* The stub marketplace */

static void
token_cb (SoupServer *server,
          SoupServerMessage *msg,
          const char *path,
          GHashTable *query,
          gpointer user_data)
{
  Fixture *fixture = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr (GHashTable) form = soup_form_decode (g_bytes_get_data (bytes, NULL));
  g_autofree char *answer = NULL;

  fixture->token_requests++;
  g_assert_cmpstr (g_hash_table_lookup (form, "grant_type"), ==, "refresh_token");
  g_assert_cmpstr (g_hash_table_lookup (form, "client_secret"), ==, STUB_SECRET);

  if (fixture->token_status != 200)
    {
      relink_test_answer_json (
          msg, fixture->token_status,
          "{\"error\":\"invalid_grant\",\"error_description\":\"Error validating grant. Your "
          "authorization code or refresh token may be expired or it was already used\","
          "\"status\":400,\"cause\":[]}");
      return;
    }

  fixture->serial++;
  answer = g_strdup_printf ("{\"access_token\":\"APP_USR-new-access-%u\",\"token_type\":\"Bearer\","
                            "\"expires_in\":21600,\"scope\":\"offline_access read write\","
                            "\"user_id\":" STUB_USER_ID ",\"refresh_token\":\"TG-new-refresh-%u\"}",
                            fixture->serial, fixture->serial);
  relink_test_answer_json (msg, 200, answer);
}

/* Accounts */

static RelinkAccount *
add_connected_account (Fixture *fixture, const char *nickname, gint64 access_left)
{
  g_autoptr (RelinkKeyset) keyset
      = relink_test_add_keyset (fixture->manager, STUB_ID, "test", STUB_APP_ID, STUB_SECRET);
  RelinkAccount *account = relink_test_add_account (fixture->manager, keyset, nickname, NULL);
  RelinkSecrets *secrets = relink_account_manager_get_secrets (fixture->manager);
  RelinkStore *store = relink_account_manager_get_store (fixture->manager);
  g_autoptr (RelinkTokenSet) tokens = relink_token_set_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *access = g_strdup_printf ("APP_USR-old-access-%s", nickname);
  gint64 now = relink_now ();

  g_ptr_array_add (fixture->account_ids, g_strdup (relink_account_get_id (account)));
  relink_token_set_set_access_token (tokens, access);
  relink_token_set_set_refresh_token (tokens, "TG-old-refresh");
  relink_token_set_set_token_type (tokens, "Bearer");
  relink_token_set_set_issued_at (tokens, now - 3600);
  relink_token_set_set_access_expires_at (tokens, now + access_left);
  relink_token_set_set_refresh_expires_at (tokens, now + 170 * DAY);
  g_assert_true (relink_secrets_store_tokens_sync (secrets, relink_account_get_id (account),
                                                   "Relink test tokens", tokens, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (relink_store_update_sign_in (store, relink_account_get_id (account), STUB_USER_ID,
                                              "shop_a", "offline_access read write", now - 3600,
                                              now + access_left, now + 170 * DAY, &error));
  g_assert_no_error (error);

  relink_account_set_identity_id (account, STUB_USER_ID);
  relink_account_set_identity_name (account, "shop_a");
  relink_account_set_authorised_at (account, now - 3600);
  relink_account_set_access_expires_at (account, now + access_left);
  relink_account_set_refresh_expires_at (account, now + 170 * DAY);
  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_CONNECTED);
  return account;
}

/* The client side */

static void
signal_cb (GDBusConnection *connection,
           const char *sender,
           const char *path,
           const char *interface,
           const char *name,
           GVariant *parameters,
           gpointer user_data)
{
  Fixture *fixture = user_data;
  const char *account_id = NULL, *what = NULL;

  g_variant_get_child (parameters, 0, "&s", &account_id);
  g_variant_get_child (parameters, 1, "&s", &what);
  g_ptr_array_add (fixture->signals, g_strdup_printf ("%s %s %s", name, account_id, what));
}

static gboolean
has_signal (Fixture *fixture, const char *text)
{
  for (guint i = 0; i < fixture->signals->len; i++)
    if (g_str_equal (g_ptr_array_index (fixture->signals, i), text))
      return TRUE;
  return FALSE;
}

static GVariant *
call (Fixture *fixture, const char *method, GVariant *parameters, const char *type, GError **error)
{
  return relink_test_dbus_call (fixture->client,
                                g_dbus_connection_get_unique_name (fixture->api_connection),
                                RELINK_DBUS_API_PATH, INTERFACE, method, parameters, type, error);
}

static char *
list_accounts (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = call (fixture, "ListAccounts", NULL, "(s)", &error);
  char *json = NULL;

  g_assert_no_error (error);
  g_variant_get (reply, "(s)", &json);
  return json;
}

static char *
get_token (Fixture *fixture, const char *account, gint64 *expires_at, GError **error)
{
  g_autoptr (GVariant) reply
      = call (fixture, "GetAccessToken", g_variant_new ("(s)", account), "(sx)", error);
  char *token = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(sx)", &token, expires_at);
  return token;
}

/* Fixture */

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gboolean ready = GPOINTER_TO_INT (data) == 0;

  /* The default places under the test's own directory, where relinkctl
   * (run to compare) looks for the store and the profiles. */
  fixture->dir = relink_test_make_tmp_dir ();
  g_setenv ("XDG_DATA_HOME", fixture->dir, TRUE);
  g_setenv ("XDG_CONFIG_HOME", fixture->dir, TRUE);
  fixture->provider_dir = g_build_filename (fixture->dir, "relink", "providers", NULL);
  fixture->store_path = g_build_filename (fixture->dir, "relink", "relink.db", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fixture->provider_dir, 0700), ==, 0);
  fixture->account_ids = g_ptr_array_new_with_free_func (g_free);
  fixture->signals = g_ptr_array_new_with_free_func (g_free);
  fixture->token_status = 200;

  fixture->stub = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->stub, "/token", token_cb, fixture, NULL);
  fixture->stub_base = relink_test_listen_local (fixture->stub);
  relink_test_write_stub_profile (fixture->provider_dir, STUB_ID, "Stub Market", fixture->stub_base,
                                  FALSE, FALSE);

  fixture->manager = relink_test_open_manager (fixture->store_path, fixture->provider_dir);
  g_assert_true (relink_account_manager_load_sync (fixture->manager, NULL, &error));
  g_assert_no_error (error);
  fixture->service = relink_token_service_new (fixture->manager);

  fixture->api_connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  fixture->api = relink_dbus_api_new ();
  g_assert_true (
      relink_dbus_api_export (fixture->api, fixture->api_connection, RELINK_DBUS_API_PATH, &error));
  g_assert_no_error (error);
  if (ready)
    relink_dbus_api_set_ready (fixture->api, fixture->service, NULL, NULL);

  fixture->client = relink_test_new_bus_connection ();
  fixture->subscription = g_dbus_connection_signal_subscribe (
      fixture->client, g_dbus_connection_get_unique_name (fixture->api_connection), INTERFACE, NULL,
      RELINK_DBUS_API_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE, signal_cb, fixture, NULL);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_dbus_connection_signal_unsubscribe (fixture->client, fixture->subscription);
  relink_test_clear_keyring (fixture->manager, fixture->account_ids);
  relink_dbus_api_unexport (fixture->api);
  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->api));
  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->service));
  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->manager));
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->api_connection);
  soup_server_disconnect (fixture->stub);
  g_clear_object (&fixture->stub);
  g_clear_pointer (&fixture->signals, g_ptr_array_unref);
  g_clear_pointer (&fixture->account_ids, g_ptr_array_unref);
  relink_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->provider_dir);
  g_free (fixture->store_path);
  g_free (fixture->stub_base);
}

/* The member names of every object in @node, recursively, as
 * "accounts[].marketplace.id" paths, sorted: what a script can rely on. */
static void
collect_paths (JsonNode *node, const char *prefix, GPtrArray *out)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr (GList) members = json_object_get_members (json_node_get_object (node));

      for (GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *path = g_strdup_printf ("%s.%s", prefix, (char *) l->data);

          g_ptr_array_add (out, g_strdup (path));
          collect_paths (json_object_get_member (json_node_get_object (node), l->data), path, out);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *path = g_strconcat (prefix, "[]", NULL);
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        collect_paths (json_array_get_element (array, i), path, out);
    }
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static char *
describe_paths (const char *json)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  const char *last = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  collect_paths (json_parser_get_root (parser), "", paths);
  g_ptr_array_sort (paths, compare_strings);
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);

      if (g_strcmp0 (path, last) != 0)
        g_string_append_printf (out, "%s\n", path);
      last = path;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
relinkctl_list_json (void)
{
  g_autofree char *relinkctl
      = g_test_build_filename (G_TEST_BUILT, "..", "src", "cli", "relinkctl", NULL);
  const char *argv[] = { relinkctl, "list", "--json", NULL };
  g_autoptr (GError) error = NULL;
  char *out = NULL;
  int status = -1;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

/* Tests */

static void
test_list_accounts (Fixture *fixture, gconstpointer data)
{
  RelinkAccount *account = add_connected_account (fixture, "Shop A", 3 * 3600);
  g_autofree char *json = list_accounts (fixture);
  g_autofree char *ctl = relinkctl_list_json ();
  g_autofree char *ours = describe_paths (json);
  g_autofree char *theirs = describe_paths (ctl);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *root, *first;

  /* Never a token. */
  g_assert_null (strstr (json, "APP_USR"));
  g_assert_null (strstr (json, "TG-old-refresh"));

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "format_version"), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "accounts")), ==, 1);
  first = json_array_get_object_element (json_object_get_array_member (root, "accounts"), 0);
  g_assert_cmpstr (json_object_get_string_member (first, "id"), ==,
                   relink_account_get_id (account));
  g_assert_cmpstr (json_object_get_string_member (first, "nickname"), ==, "Shop A");
  g_assert_cmpstr (json_object_get_string_member (first, "state"), ==, "valid");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (first, "marketplace"), "id"),
      ==, STUB_ID);

  /* The very fields `relinkctl list --json` prints. */
  g_assert_cmpstr (ours, ==, theirs);
}

static void
test_token (Fixture *fixture, gconstpointer data)
{
  RelinkAccount *account = add_connected_account (fixture, "Shop A", 3 * 3600);
  g_autoptr (GError) error = NULL;
  g_autofree char *by_name = NULL;
  g_autofree char *by_id = NULL;
  gint64 expires_at = 0;

  by_name = get_token (fixture, "Shop A", &expires_at, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_name, ==, "APP_USR-old-access-Shop A");
  g_assert_cmpint (expires_at, ==, relink_account_get_access_expires_at (account));
  by_id = get_token (fixture, relink_account_get_id (account), &expires_at, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_id, ==, by_name);
  /* Valid for hours: no request to the marketplace, no signal. */
  g_assert_cmpuint (fixture->token_requests, ==, 0);
  g_assert_cmpuint (fixture->signals->len, ==, 0);
}

/* An account's further grant (HACKING.md, "Grant"): GetGrantAccessToken
 * names it; GetAccessToken keeps giving the account's first grant. */
static void
test_grant_token (Fixture *fixture, gconstpointer data)
{
  RelinkAccount *account = add_connected_account (fixture, "Shop A", 3 * 3600);
  g_autoptr (RelinkKeyset) keyset
      = relink_test_add_keyset (fixture->manager, STUB_ID, "test", "stub-trading-app", NULL);
  RelinkAccount *grant = relink_test_add_account (fixture->manager, keyset, NULL, NULL);
  RelinkStore *store = relink_account_manager_get_store (fixture->manager);
  RelinkSecrets *secrets = relink_account_manager_get_secrets (fixture->manager);
  g_autoptr (RelinkTokenSet) tokens = relink_token_set_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) missing_error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *token = NULL;
  g_autofree char *old_call = NULL;
  g_autofree char *first = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *json = NULL;
  const char *grant_id = relink_account_get_id (grant);
  gint64 expires_at = 0;
  gint64 now = relink_now ();
  JsonArray *grants;

  relink_keyset_set_grant_kind (keyset, RELINK_GRANT_KIND_AUTH_N_AUTH);
  g_assert_true (relink_store_save_keyset (store, keyset, &error));
  relink_account_set_owner_id (grant, relink_account_get_id (account));
  relink_account_set_grant_name (grant, RELINK_GRANT_NAME_AUTH_N_AUTH);
  relink_account_set_status (grant, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_access_expires_at (grant, now + 300 * DAY);
  relink_account_set_refresh_expires_at (grant, now + 300 * DAY);
  g_assert_true (relink_store_save_account (store, grant, &error));
  g_assert_no_error (error);
  g_assert_true (relink_account_manager_load_sync (fixture->manager, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (relink_account_get_owner (grant) == account);
  g_ptr_array_add (fixture->account_ids, g_strdup (grant_id));
  relink_token_set_set_access_token (tokens, "AgAAAA-auth-n-auth-Shop A");
  relink_token_set_set_issued_at (tokens, now - DAY);
  relink_token_set_set_access_expires_at (tokens, now + 300 * DAY);
  g_assert_true (relink_secrets_store_tokens_sync (secrets, grant_id, "Relink test tokens", tokens,
                                                   NULL, &error));
  g_assert_no_error (error);

  reply = call (fixture, "GetGrantAccessToken", g_variant_new ("(ss)", "Shop A", "auth-n-auth"),
                "(sx)", &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(sx)", &token, &expires_at);
  g_assert_cmpstr (token, ==, "AgAAAA-auth-n-auth-Shop A");
  g_assert_cmpint (expires_at, ==, now + 300 * DAY);
  g_clear_pointer (&reply, g_variant_unref);

  /* "" is the account's first grant, as the old call gives. */
  reply
      = call (fixture, "GetGrantAccessToken", g_variant_new ("(ss)", "Shop A", ""), "(sx)", &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(sx)", &first, &expires_at);
  g_assert_cmpstr (first, ==, "APP_USR-old-access-Shop A");
  g_clear_pointer (&reply, g_variant_unref);
  old_call = get_token (fixture, "Shop A", &expires_at, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (old_call, ==, "APP_USR-old-access-Shop A");

  reply = call (fixture, "GetGrantAccessToken", g_variant_new ("(ss)", "Shop A", "trading"), "(sx)",
                &missing_error);
  g_assert_null (reply);
  remote = g_dbus_error_get_remote_error (missing_error);
  g_assert_cmpstr (remote, ==, "io.github.relink.Relink.Error.NoSuchAccount");
  g_assert_nonnull (strstr (missing_error->message, "“trading”"));
  g_assert_cmpuint (fixture->token_requests, ==, 0);

  /* ListAccounts lists the grants; never a token. */
  json = list_accounts (fixture);
  g_assert_null (strstr (json, "AgAAAA"));
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (json_parser_get_root (parser)), "accounts")),
                    ==, 1);
  grants = json_object_get_array_member (
      json_array_get_object_element (
          json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                        "accounts"),
          0),
      "grants");
  g_assert_cmpuint (json_array_get_length (grants), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (grants, 1), "id"),
                   ==, grant_id);
}

static void
test_token_refreshed_first (Fixture *fixture, gconstpointer data)
{
  RelinkAccount *account = add_connected_account (fixture, "Shop A", 60);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *expected = NULL;
  gint64 expires_at = 0;

  token = get_token (fixture, "Shop A", &expires_at, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "APP_USR-new-access-1");
  g_assert_cmpuint (fixture->token_requests, ==, 1);
  g_assert_cmpint (expires_at, >, relink_now () + 21000);

  expected = g_strdup_printf ("TokensChanged %s refreshed", relink_account_get_id (account));
  WAIT_FOR (has_signal (fixture, expected));
}

static void
test_no_such_account (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) empty_error = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *token = NULL;
  gint64 expires_at = 0;

  add_connected_account (fixture, "Shop A", 3 * 3600);
  token = get_token (fixture, "Shop B", &expires_at, &error);
  g_assert_null (token);
  g_assert_true (g_dbus_error_is_remote_error (error));
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, "io.github.relink.Relink.Error.NoSuchAccount");
  g_assert_nonnull (strstr (error->message, "“Shop B”"));

  token = get_token (fixture, "", &expires_at, &empty_error);
  g_assert_null (token);
  g_assert_true (g_dbus_error_is_remote_error (empty_error));
}

static void
test_refused (Fixture *fixture, gconstpointer data)
{
  RelinkAccount *account = add_connected_account (fixture, "Shop A", 60);
  g_autoptr (GError) error = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *token = NULL;
  g_autofree char *expected = NULL;
  gint64 expires_at = 0;

  fixture->token_status = 400;
  token = get_token (fixture, "Shop A", &expires_at, &error);
  g_assert_null (token);
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, "io.github.relink.Relink.Error.NeedsAttention");
  /* The plain message, never the token. */
  g_assert_null (strstr (error->message, "TG-old-refresh"));
  g_assert_null (strstr (error->message, "APP_USR"));

  expected = g_strdup_printf ("NeedsAttention %s needs_reauth", relink_account_get_id (account));
  WAIT_FOR (has_signal (fixture, expected));
}

static void
test_waits_for_accounts (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;
  const char *json = NULL;

  add_connected_account (fixture, "Shop A", 3 * 3600);
  /* A call that started Relink comes before the accounts are loaded. */
  g_dbus_connection_call (
      fixture->client, g_dbus_connection_get_unique_name (fixture->api_connection),
      RELINK_DBUS_API_PATH, INTERFACE, "ListAccounts", NULL, G_VARIANT_TYPE ("(s)"),
      G_DBUS_CALL_FLAGS_NONE, 10000, NULL, relink_test_result_cb, &result);
  /* Long enough for the call to reach the API and wait there. */
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
  g_assert_null (result);

  relink_dbus_api_set_ready (fixture->api, fixture->service, NULL, NULL);
  reply
      = g_dbus_connection_call_finish (fixture->client, relink_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(&s)", &json);
  g_assert_nonnull (strstr (json, "\"Shop A\""));
}

static void
test_load_error (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) load_error = g_error_new_literal (
      RELINK_STORE_ERROR, RELINK_STORE_ERROR_CORRUPT, "The list is damaged.");
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autofree char *remote = NULL;

  relink_dbus_api_set_ready (fixture->api, NULL, NULL, load_error);
  reply = call (fixture, "ListAccounts", NULL, "(s)", &error);
  g_assert_null (reply);
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, "io.github.relink.Relink.Error.AccountListUnreadable");
  g_assert_nonnull (strstr (error->message, "The list is damaged."));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
#define ADD_UNREADY(path, func)                                                                    \
  g_test_add (path, Fixture, GINT_TO_POINTER (1), fixture_set_up, func, fixture_tear_down)
  ADD ("/dbus-api/list-accounts", test_list_accounts);
  ADD ("/dbus-api/token", test_token);
  ADD ("/dbus-api/grant-token", test_grant_token);
  ADD ("/dbus-api/token-refreshed-first", test_token_refreshed_first);
  ADD ("/dbus-api/no-such-account", test_no_such_account);
  ADD ("/dbus-api/refused", test_refused);
  ADD_UNREADY ("/dbus-api/waits-for-accounts", test_waits_for_accounts);
  ADD_UNREADY ("/dbus-api/load-error", test_load_error);
#undef ADD
#undef ADD_UNREADY

  return g_test_run ();
}
