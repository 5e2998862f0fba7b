/* test-relinkctl.c
 *
 * End to end: runs the built relinkctl as a subprocess against a private
 * store (XDG_DATA_HOME), custom marketplace profiles (XDG_CONFIG_HOME)
 * whose token endpoints are a stub SoupServer in this process, and the
 * real keyring of the private test session. Account and keyset ids are
 * fresh UUIDs, so parallel tests never share a keyring item.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "relink-store.h"
#include "relink-secrets.h"
#include "relink-sign-in.h"
#include "relink-test-oidc.h"
#include "relink-test-util.h"
#include "relink-token-set.h"

#define LWA_ID "stub-lwa"
#define EBAY_ID "stub-ebay"
#define LWA_CLIENT_ID "amzn1.application-oa2-client.stub"
#define LWA_CLIENT_SECRET "lwa-client-secret-do-not-print"
#define EBAY_CLIENT_ID "Stub-PRD-0123"
#define EBAY_CLIENT_SECRET "PRD-ebay-client-secret-do-not-print"
#define BAD_REFRESH "Atzr|refused-by-the-stub"
#define CONNECTED_APPS_URL "https://sellercentral.example.invalid/apps/manage"

typedef struct
{
  char *root;
  char *data_dir;
  char *config_dir;
  char *base; /* http://127.0.0.1:PORT */
  SoupServer *server;
  RelinkStore *store;
  RelinkSecrets *secrets;
  char *lwa_keyset;
  char *ebay_keyset;
  char *rfc_keyset;       /* the RFC 7009 stub: revokes at /revoke */
  char *gone_keyset;      /* its twin whose revocation endpoint is out of reach */
  GPtrArray *account_ids; /* to clear from the keyring */

  /* What the stub saw. */
  guint token_requests;
  gboolean ebay_forbidden; /* the eBay stub answers 403 with an HTML page */
  guint identity_requests;
  guint revoke_requests;
  guint revoke_status; /* what the RFC 7009 stub answers; 0: 200 */
  char *last_method;
  char *last_content_type;
  char *last_authorization;
  char *ebay_authorization;
  GHashTable *last_form;
  guint next_access;

  const char *lc_all; /* LC_ALL for relinkctl, NULL: the test's own */
} Fixture;

typedef RelinkTestRun Result;
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, relink_test_run_clear)

/* The stub token server (shared/providers.md: LWA, eBay) */

static void
remember_request (Fixture *fixture, SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  g_free (fixture->last_method);
  fixture->last_method = g_strdup (soup_server_message_get_method (msg));
  g_free (fixture->last_content_type);
  fixture->last_content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  g_free (fixture->last_authorization);
  fixture->last_authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  g_clear_pointer (&fixture->last_form, g_hash_table_unref);
  fixture->last_form = relink_test_read_form (msg);
}

/* LWA: credentials in the body; the same refresh token comes back. */
static void
lwa_token_cb (SoupServer *server,
              SoupServerMessage *msg,
              const char *path,
              GHashTable *query,
              gpointer user_data)
{
  Fixture *fixture = user_data;
  const char *refresh;
  g_autofree char *answer = NULL;

  fixture->token_requests++;
  remember_request (fixture, msg);
  refresh = g_hash_table_lookup (fixture->last_form, "refresh_token");

  if (g_strcmp0 (refresh, "Atzr|server-error") == 0)
    {
      relink_test_answer_json (msg, 503, "{\"error\":\"temporarily_unavailable\"}");
      return;
    }
  if (g_strcmp0 (refresh, BAD_REFRESH) == 0)
    {
      relink_test_answer_json (
          msg, 400,
          "{\"error_description\":\"The request has an invalid grant parameter : "
          "refresh_token. User may have revoked or didn't grant the permission.\","
          "\"error\":\"invalid_grant\"}");
      return;
    }

  answer = g_strdup_printf ("{\"access_token\":\"Atza|fresh-%u\",\"token_type\":\"bearer\","
                            "\"expires_in\":3600,\"refresh_token\":\"%s\"}",
                            ++fixture->next_access, refresh != NULL ? refresh : "");
  relink_test_answer_json (msg, 200, answer);
}

/* eBay: HTTP Basic; no new refresh token. */
static void
ebay_token_cb (SoupServer *server,
               SoupServerMessage *msg,
               const char *path,
               GHashTable *query,
               gpointer user_data)
{
  Fixture *fixture = user_data;
  g_autofree char *answer = NULL;

  fixture->token_requests++;
  remember_request (fixture, msg);
  g_free (fixture->ebay_authorization);
  fixture->ebay_authorization = g_strdup (fixture->last_authorization);
  if (fixture->ebay_forbidden)
    {
      soup_server_message_set_status (msg, 403, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                        "<html>Forbidden</html>", 22);
      return;
    }
  answer = g_strdup_printf ("{\"access_token\":\"v^1.1#fresh-%u\",\"expires_in\":7200,"
                            "\"token_type\":\"User Access Token\"}",
                            ++fixture->next_access);
  relink_test_answer_json (msg, 200, answer);
}

static void
ebay_identity_cb (SoupServer *server,
                  SoupServerMessage *msg,
                  const char *path,
                  GHashTable *query,
                  gpointer user_data)
{
  Fixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  fixture->identity_requests++;
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Authorization"), ==,
                   "Bearer v^1.1#cached-ebay");
  relink_test_answer_json (msg, 200, "{\"userId\":\"yZ3cWq1a9Lk\",\"username\":\"shop_a\"}");
}

/* Setup */

/* RFC 7009 §2.2: 200 for a revoked token; 400 unsupported_token_type, its
 * final refusal (§2.2.1); any other status as asked. */
static void
rfc_revoke_cb (SoupServer *server,
               SoupServerMessage *msg,
               const char *path,
               GHashTable *query,
               gpointer user_data)
{
  Fixture *fixture = user_data;

  fixture->revoke_requests++;
  remember_request (fixture, msg);
  if (fixture->revoke_status == 0)
    soup_server_message_set_status (msg, 200, NULL);
  else if (fixture->revoke_status == 400)
    relink_test_answer_json (msg, 400, "{\"error\":\"unsupported_token_type\"}");
  else
    relink_test_answer_json (msg, fixture->revoke_status, "{\"error\":\"server_error\"}");
}

static void
write_profile (Fixture *fixture, const char *name, const char *json)
{
  g_autofree char *dir = g_build_filename (fixture->config_dir, "relink", "providers", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  relink_test_write_file (dir, name, json);
}

static char *
add_keyset (Fixture *fixture,
            const char *provider_id,
            const char *env,
            const char *client_id,
            const char *secret)
{
  return relink_test_seed_keyset (fixture->store, fixture->secrets, provider_id, env, client_id,
                                  secret);
}

/* A custom OAuth 2.0 profile with an RFC 7009 revocation endpoint: id,
 * name, then the bases of its authorize, token and revoke URLs. */
#define RFC_PROFILE_FORMAT                                                                         \
  "{ \"format_version\": 1, \"id\": \"%s\", \"name\": \"%s\","                                     \
  "  \"client_auth\": \"body\", \"pkce\": \"required\", \"scopes\": [],"                           \
  "  \"access_lifetime\": 3600, \"refresh_lifetime\": 31536000,"                                   \
  "  \"identity\": { \"source\": \"redirect\", \"id_field\": \"user\" },"                          \
  "  \"environments\": [ { \"id\": \"production\", \"name\": \"Production\","                      \
  "    \"production\": true, \"authorize_url\": \"%s/authorize\","                                 \
  "    \"token_url\": \"%s/token\", \"revoke_url\": \"%s/revoke\","                                \
  "    \"connected_apps_url\": \"" CONNECTED_APPS_URL "\" } ] }"

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *lwa = NULL;
  g_autofree char *ebay = NULL;

  fixture->root = relink_test_make_tmp_dir ();
  fixture->data_dir = g_build_filename (fixture->root, "data", NULL);
  fixture->config_dir = g_build_filename (fixture->root, "config", NULL);
  fixture->account_ids = g_ptr_array_new_with_free_func (g_free);

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, "/auth/o2/token", lwa_token_cb, fixture, NULL);
  soup_server_add_handler (fixture->server, "/identity/v1/oauth2/token", ebay_token_cb, fixture,
                           NULL);
  soup_server_add_handler (fixture->server, "/commerce/identity/v1/user/", ebay_identity_cb,
                           fixture, NULL);
  soup_server_add_handler (fixture->server, "/revoke", rfc_revoke_cb, fixture, NULL);
  fixture->base = relink_test_listen_local (fixture->server);

  /* The LWA profile (providers.md, "Amazon Selling Partner API"): no
   * revocation endpoint, a connected-apps page instead. */
  lwa = g_strdup_printf (
      "{ \"format_version\": 1, \"id\": \"" LWA_ID "\", \"name\": \"Amazon Stub\","
      "  \"client_auth\": \"body\", \"pkce\": \"none\", \"scopes\": [],"
      "  \"access_lifetime\": 3600, \"refresh_lifetime\": 31536000,"
      "  \"identity\": { \"source\": \"redirect\", \"id_field\": \"selling_partner_id\" },"
      "  \"environments\": [ { \"id\": \"na\", \"name\": \"North America\", \"production\": true,"
      "    \"authorize_url\": \"%s/apps/authorize/consent\", \"token_url\": \"%s/auth/o2/token\","
      "    \"connected_apps_url\": \"" CONNECTED_APPS_URL "\" } ] }",
      fixture->base, fixture->base);
  write_profile (fixture, "stub-lwa.json", lwa);

  ebay = g_strdup_printf (
      "{ \"format_version\": 1, \"id\": \"" EBAY_ID "\", \"name\": \"eBay Stub\","
      "  \"client_auth\": \"basic\", \"pkce\": \"none\", \"redirect_style\": \"runame\","
      "  \"scopes\": [\"https://api.ebay.com/oauth/api_scope\"],"
      "  \"access_lifetime\": 7200, \"refresh_lifetime\": 47304000,"
      "  \"identity\": { \"source\": \"endpoint\", \"id_field\": \"userId\", \"name_field\": "
      "\"username\" },"
      "  \"environments\": [ { \"id\": \"production\", \"name\": \"Production\", \"production\": "
      "true,"
      "    \"authorize_url\": \"%s/oauth2/authorize\", \"token_url\": "
      "\"%s/identity/v1/oauth2/token\","
      "    \"identity_url\": \"%s/commerce/identity/v1/user/\" } ] }",
      fixture->base, fixture->base, fixture->base);
  write_profile (fixture, "stub-ebay.json", ebay);

  /* A custom OAuth 2.0 provider with an RFC 7009 revocation endpoint, and
   * its twin whose endpoint is on a port nothing listens on. */
  {
    g_autoptr (SoupServer) closed = soup_server_new (NULL, NULL);
    g_autofree char *closed_base = relink_test_listen_local (closed);
    g_autofree char *rfc = NULL;
    g_autofree char *gone = NULL;
    g_autofree char *trading = NULL;

    soup_server_disconnect (closed);
    rfc = g_strdup_printf (RFC_PROFILE_FORMAT, "stub-rfc", "RFC Stub", fixture->base, fixture->base,
                           fixture->base);
    write_profile (fixture, "stub-rfc.json", rfc);
    gone = g_strdup_printf (RFC_PROFILE_FORMAT, "stub-gone", "Gone Stub", fixture->base,
                            fixture->base, closed_base);
    write_profile (fixture, "stub-gone.json", gone);
    /* eBay with a Trading API (Auth'n'Auth) out of reach. */
    trading = g_strdup_printf (
        "{ \"format_version\": 1, \"id\": \"stub-ebay-aan\", \"name\": \"eBay AAN Stub\","
        "  \"client_auth\": \"basic\", \"pkce\": \"none\", \"redirect_style\": \"runame\","
        "  \"scopes\": [], \"access_lifetime\": 7200, \"refresh_lifetime\": 47304000,"
        "  \"identity\": { \"source\": \"endpoint\", \"id_field\": \"userId\" },"
        "  \"environments\": [ { \"id\": \"production\", \"name\": \"Production\","
        "    \"production\": true, \"authorize_url\": \"%s/oauth2/authorize\","
        "    \"token_url\": \"%s/identity/v1/oauth2/token\","
        "    \"identity_url\": \"%s/commerce/identity/v1/user/\","
        "    \"connected_apps_url\": \"" CONNECTED_APPS_URL "\","
        "    \"trading_url\": \"%s/ws/api.dll\","
        "    \"trading_sign_in_url\": \"%s/ws/eBayISAPI.dll\" } ],"
        "  \"auth_n_auth\": { \"site_id\": \"0\", \"compatibility_level\": \"1415\","
        "    \"lifetime\": 47304000 } }",
        fixture->base, fixture->base, fixture->base, closed_base, closed_base);
    write_profile (fixture, "stub-ebay-aan.json", trading);
  }

  db = g_build_filename (fixture->data_dir, "relink", "relink.db", NULL);
  fixture->store = relink_store_open (db, &error);
  g_assert_no_error (error);
  fixture->secrets = relink_secrets_new ();

  fixture->lwa_keyset = add_keyset (fixture, LWA_ID, "na", LWA_CLIENT_ID, LWA_CLIENT_SECRET);
  fixture->ebay_keyset
      = add_keyset (fixture, EBAY_ID, "production", EBAY_CLIENT_ID, EBAY_CLIENT_SECRET);
  fixture->rfc_keyset
      = add_keyset (fixture, "stub-rfc", "production", "rfc-client", "rfc-client-secret");
  fixture->gone_keyset
      = add_keyset (fixture, "stub-gone", "production", "gone-client", "gone-client-secret");
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  for (guint i = 0; i < fixture->account_ids->len; i++)
    relink_secrets_clear_tokens_sync (fixture->secrets, g_ptr_array_index (fixture->account_ids, i),
                                      NULL, NULL);
  relink_secrets_clear_keyset_sync (fixture->secrets, fixture->lwa_keyset, NULL, NULL);
  relink_secrets_clear_keyset_sync (fixture->secrets, fixture->ebay_keyset, NULL, NULL);
  relink_secrets_clear_keyset_sync (fixture->secrets, fixture->rfc_keyset, NULL, NULL);
  relink_secrets_clear_keyset_sync (fixture->secrets, fixture->gone_keyset, NULL, NULL);

  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->secrets);
  relink_test_remove_dir (fixture->root);
  g_free (fixture->root);
  g_free (fixture->data_dir);
  g_free (fixture->config_dir);
  g_free (fixture->base);
  g_free (fixture->lwa_keyset);
  g_free (fixture->ebay_keyset);
  g_free (fixture->rfc_keyset);
  g_free (fixture->gone_keyset);
  g_free (fixture->last_method);
  g_free (fixture->last_content_type);
  g_free (fixture->last_authorization);
  g_free (fixture->ebay_authorization);
  g_clear_pointer (&fixture->last_form, g_hash_table_unref);
  g_ptr_array_unref (fixture->account_ids);
}

/* relink_test_seed_account(), cleared from the keyring on tear-down. */
static char *
add_account (Fixture *fixture,
             const char *keyset_id,
             const char *nickname,
             const char *access,
             gint64 access_expires_at,
             const char *refresh)
{
  char *id = relink_test_seed_account (fixture->store, fixture->secrets, keyset_id, nickname,
                                       access, access_expires_at, refresh);

  g_ptr_array_add (fixture->account_ids, g_strdup (id));
  return id;
}

/* Running relinkctl */

static void
communicated_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Runs @program with @argv (NULL-terminated, without the program) and
 * @input on stdin (NULL: empty), serving the stub meanwhile. */
static void
run_program (Fixture *fixture,
             Result *result,
             const char *program,
             const char *input,
             const char *const *argv)
{
  const char *const env[] = { "LC_ALL", fixture->lc_all, NULL };

  relink_test_run (result, program, fixture->data_dir, fixture->config_dir,
                   fixture->lc_all != NULL ? env : NULL, input, argv);
}

/* Runs the built relinkctl. */
static void
run_ctl (Fixture *fixture, Result *result, const char *input, const char *const *argv)
{
  g_autofree char *program = relink_test_built_program ("relinkctl");

  run_program (fixture, result, program, input, argv);
}

#define RUN(fixture, result, input, ...)                                                           \
  G_STMT_START                                                                                     \
  {                                                                                                \
    const char *const run_argv_[] = { __VA_ARGS__, NULL };                                         \
    run_ctl ((fixture), (result), (input), run_argv_);                                             \
  }                                                                                                \
  G_STMT_END

#define RUN_PROGRAM(fixture, result, program, input, ...)                                          \
  G_STMT_START                                                                                     \
  {                                                                                                \
    const char *const run_argv_[] = { __VA_ARGS__, NULL };                                         \
    run_program ((fixture), (result), (program), (input), run_argv_);                              \
  }                                                                                                \
  G_STMT_END

static void
assert_no_secret (const char *text)
{
  static const char *const secrets[] = {
    "Atza|", "Atzr|", "v^1.1#", LWA_CLIENT_SECRET, EBAY_CLIENT_SECRET, "cached-",
  };

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      if (text != NULL && strstr (text, secrets[i]) != NULL)
        g_error ("A secret (%s…) appears in relinkctl's output: %s", secrets[i], text);
    }
}

static RelinkTokenSet *
lookup_tokens (Fixture *fixture, const char *id)
{
  g_autoptr (GError) error = NULL;
  RelinkTokenSet *tokens = relink_secrets_lookup_tokens_sync (fixture->secrets, id, NULL, &error);

  g_assert_no_error (error);
  return tokens;
}

static RelinkAccount *
load_account (Fixture *fixture, const char *id)
{
  g_autoptr (GError) error = NULL;
  RelinkAccount *account = relink_store_load_account (fixture->store, id, &error);

  g_assert_no_error (error);
  return account;
}

static void
assert_lwa_refresh_request (Fixture *fixture, const char *refresh_token)
{
  /* providers.md, LWA: POST form, credentials in the body, no Basic auth. */
  g_assert_cmpstr (fixture->last_method, ==, "POST");
  g_assert_true (
      g_str_has_prefix (fixture->last_content_type, "application/x-www-form-urlencoded"));
  g_assert_null (fixture->last_authorization);
  g_assert_cmpuint (g_hash_table_size (fixture->last_form), ==, 4);
  g_assert_cmpstr (g_hash_table_lookup (fixture->last_form, "grant_type"), ==, "refresh_token");
  g_assert_cmpstr (g_hash_table_lookup (fixture->last_form, "refresh_token"), ==, refresh_token);
  g_assert_cmpstr (g_hash_table_lookup (fixture->last_form, "client_id"), ==, LWA_CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (fixture->last_form, "client_secret"), ==,
                   LWA_CLIENT_SECRET);
}

/* Help and usage */

static void
test_help (Fixture *fixture, gconstpointer data)
{
  g_auto (Result) result = { 0 };
  g_auto (Result) command = { 0 };
  g_auto (Result) bare = { 0 };
  g_auto (Result) unknown = { 0 };
  g_auto (Result) bad_option = { 0 };

  RUN (fixture, &result, NULL, "--help");
  g_assert_cmpint (result.status, ==, 0);
  for (guint i = 0; i < 7; i++)
    {
      static const char *const names[]
          = { "list", "status", "token", "refresh", "test", "revoke", "import" };
      g_assert_nonnull (strstr (result.out, names[i]));
    }
  g_assert_nonnull (strstr (result.out, "Exit status"));
  g_assert_nonnull (strstr (result.out, "format_version"));
  g_assert_nonnull (strstr (result.out, "keyring is unavailable"));
  g_assert_nonnull (strstr (result.out, "130  canceled"));

  RUN (fixture, &command, NULL, "help", "refresh");
  g_assert_cmpint (command.status, ==, 0);
  g_assert_nonnull (strstr (command.out, "--all"));
  g_assert_nonnull (strstr (command.out, "--jobs"));

  RUN (fixture, &bare, NULL, "token");
  g_assert_cmpint (bare.status, ==, 2);
  g_assert_cmpstr (bare.out, ==, "");
  g_assert_nonnull (strstr (bare.err, "ACCOUNT"));

  RUN (fixture, &unknown, NULL, "frobnicate");
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_nonnull (strstr (unknown.err, "frobnicate"));

  RUN (fixture, &bad_option, NULL, "token", "--token=abc", "x");
  g_assert_cmpint (bad_option.status, ==, 2);
  g_assert_cmpstr (bad_option.out, ==, "");
}

/* status and list */

/* The line of @out that mentions @needle, without its newline. */
static char *
line_with (const char *out, const char *needle)
{
  const char *hit = strstr (out, needle);
  const char *start;
  const char *end;

  if (hit == NULL)
    return NULL;
  for (start = hit; start > out && start[-1] != '\n'; start--)
    ;
  end = strchrnul (hit, '\n');
  return g_strndup (start, end - start);
}

static void
test_status_exit_codes (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_auto (Result) fine = { 0 };
  g_auto (Result) attention = { 0 };

  /* One cycle's first account alone is valid for 412 days. */
  g_assert_true (relink_test_populate_fixture (fixture->store, 1, relink_now (), &error));
  g_assert_no_error (error);
  RUN (fixture, &fine, NULL, "status");
  g_assert_cmpint (fine.status, ==, 0);
  g_assert_nonnull (strstr (fine.out, "Main eBay shop"));
  g_assert_null (strstr (fine.out, "Needs attention"));
  g_assert_cmpstr (fine.err, ==, "");

  /* The whole cycle has expired, expiring, failed and unconnected ones. */
  g_assert_true (relink_test_populate_fixture (fixture->store, RELINK_TEST_FIXTURE_CYCLE,
                                               relink_now (), &error));
  g_assert_no_error (error);
  RUN (fixture, &attention, NULL, "status");
  g_assert_cmpint (attention.status, ==, 1);
  g_assert_nonnull (strstr (attention.out, "Needs attention"));
  g_assert_nonnull (strstr (attention.out, "Tienda MLA"));
  /* Most urgent first: the expired account before the valid one. */
  g_assert_true (strstr (attention.out, "Tienda MLA") < strstr (attention.out, "Main eBay shop"));
  g_assert_nonnull (strstr (attention.out, "6 of 8 accounts need attention"));
  /* Says since when once, not "Expired, expired 2 days ago". */
  {
    g_autofree char *line = line_with (attention.out, "Tienda MLA");

    g_assert_nonnull (line);
    g_assert_nonnull (strstr (line, ": Expired, "));
    g_assert_true (g_str_has_suffix (line, " ago"));
    g_assert_null (strstr (line, "xpired, expired"));
  }
}

/* A broken profile under a live account is named as broken, with the
 * fault, and the account needs attention: never "missing", never "fine"
 * (issue 10, class 5). */
static void
test_status_broken_profile (Fixture *fixture, gconstpointer data)
{
  g_auto (Result) fine = { 0 };
  g_auto (Result) broken = { 0 };
  g_auto (Result) json = { 0 };
  g_auto (Result) refresh = { 0 };
  g_autofree char *id
      = add_account (fixture, fixture->ebay_keyset, "Live eBay shop", "v^1.1#live-access",
                     relink_now () + 3600, "v^1.1#live-refresh");

  RUN (fixture, &fine, NULL, "status");
  g_assert_cmpint (fine.status, ==, 0);
  g_assert_nonnull (strstr (fine.out, "fine"));

  /* Cut short in an editor: no longer JSON. */
  write_profile (fixture, EBAY_ID ".json", "{ \"format_version\": 1, \"id\": \"" EBAY_ID "\",");

  RUN (fixture, &broken, NULL, "status");
  g_test_message ("%s", broken.out);
  g_assert_cmpint (broken.status, ==, 1);
  g_assert_nonnull (strstr (broken.out, "Needs attention"));
  g_assert_nonnull (strstr (broken.out, "The marketplace profile “" EBAY_ID "” is broken: "));
  g_assert_nonnull (strstr (broken.out, EBAY_ID ".json"));
  g_assert_null (strstr (broken.out, "missing"));
  g_assert_null (strstr (broken.out, "are fine"));
  g_assert_null (strstr (broken.out, "is fine"));

  RUN (fixture, &json, NULL, "status", "--json");
  g_assert_cmpint (json.status, ==, 1);

  /* A refresh says the same, not "missing". */
  RUN (fixture, &refresh, NULL, "refresh", "Live eBay shop");
  g_test_message ("%s", refresh.err);
  g_assert_cmpint (refresh.status, !=, 0);
  g_assert_nonnull (strstr (refresh.err, "The marketplace profile “" EBAY_ID "” is broken: "));
  g_assert_null (strstr (refresh.err, "missing"));
}

/* A custom profile with a mistake that no account uses: relinkctl does
 * not repeat it on every call, only when asked (--verbose), and status
 * names it. */
static void
test_skipped_profile_quiet (Fixture *fixture, gconstpointer data)
{
  g_auto (Result) list = { 0 };
  g_auto (Result) verbose = { 0 };
  g_auto (Result) status = { 0 };
  g_auto (Result) json = { 0 };
  g_auto (Result) refresh = { 0 };
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *id = add_account (fixture, fixture->lwa_keyset, "Quiet shop", "Atza|cached-q",
                                     relink_now () + 3600, "Atzr|cached-rq");
  const char *sentence = "acme.json was skipped: field “environments[0].token_url”: must be an "
                         "https:// URL (http:// is only allowed for 127.0.0.1, localhost and "
                         "[::1])";
  JsonArray *skipped;

  write_profile (fixture, "acme.json",
                 "{ \"format_version\": 1, \"id\": \"acme\", \"name\": \"Acme\","
                 "  \"client_auth\": \"basic\", \"pkce\": \"none\","
                 "  \"identity\": { \"source\": \"redirect\", \"id_field\": \"uid\" },"
                 "  \"environments\": [ { \"id\": \"production\", \"name\": \"Production\","
                 "    \"authorize_url\": \"https://acme.example/authorize\","
                 "    \"token_url\": \"http://acme.example/token\" } ] }");

  RUN (fixture, &list, NULL, "list");
  g_assert_cmpint (list.status, ==, 0);
  g_assert_cmpstr (list.err, ==, "");

  RUN (fixture, &refresh, NULL, "refresh", "Quiet shop");
  g_test_message ("%s", refresh.err);
  g_assert_cmpint (refresh.status, ==, 0);
  g_assert_null (strstr (refresh.err, "acme"));

  RUN (fixture, &verbose, NULL, "list", "--verbose");
  g_test_message ("%s", verbose.err);
  g_assert_cmpint (verbose.status, ==, 0);
  g_assert_nonnull (strstr (verbose.err, sentence));

  RUN (fixture, &status, NULL, "status");
  g_test_message ("%s", status.out);
  g_assert_cmpint (status.status, ==, 0);
  g_assert_nonnull (strstr (status.out, sentence));
  g_assert_cmpstr (status.err, ==, "");

  RUN (fixture, &json, NULL, "status", "--json");
  g_assert_cmpint (json.status, ==, 0);
  json_parser_load_from_data (parser, json.out, -1, &error);
  g_assert_no_error (error);
  skipped = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                          "skipped_profiles");
  g_assert_cmpuint (json_array_get_length (skipped), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (skipped, 0), ==, sentence);
}

/* A 403 page from the token endpoint is no refusal of the grant: the
 * account is not marked for renewal, its tokens are kept, and refresh
 * --all tries it again (issue 10, class 5). */
static void
test_refresh_unexpected_answer (Fixture *fixture, gconstpointer data)
{
  g_autofree char *id = add_account (fixture, fixture->ebay_keyset, "Shop three", "v^1.1#cached-3",
                                     relink_now () + 3600, "v^1.1#cached-r3");
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkAccount) account = NULL;
  g_auto (Result) single = { 0 };
  g_auto (Result) all = { 0 };

  fixture->ebay_forbidden = TRUE;
  RUN (fixture, &single, NULL, "refresh", "Shop three");
  g_test_message ("%s", single.err);
  g_assert_cmpint (single.status, !=, 0);
  g_assert_cmpuint (fixture->token_requests, ==, 1);
  g_assert_nonnull (strstr (single.err, "unexpected answer"));
  g_assert_null (strstr (single.err, "Renew"));
  account = load_account (fixture, id);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_ERROR);
  tokens = lookup_tokens (fixture, id);
  g_assert_cmpstr (relink_token_set_get_access_token (tokens), ==, "v^1.1#cached-3");
  g_assert_cmpstr (relink_token_set_get_refresh_token (tokens), ==, "v^1.1#cached-r3");

  /* Not skipped as "needs renewing": tried again, and now it works. */
  fixture->ebay_forbidden = FALSE;
  RUN (fixture, &all, NULL, "refresh", "--all");
  g_test_message ("%s%s", all.out, all.err);
  g_assert_cmpint (all.status, ==, 0);
  g_assert_cmpuint (fixture->token_requests, ==, 2);
  g_assert_null (strstr (all.out, "skipped"));
}

static JsonObject *
find_account (JsonArray *accounts, const char *id)
{
  for (guint i = 0; i < json_array_get_length (accounts); i++)
    {
      JsonObject *object = json_array_get_object_element (accounts, i);

      if (g_strcmp0 (json_object_get_string_member (object, "id"), id) == 0)
        return object;
    }

  g_error ("No account %s in the JSON", id);
  return NULL;
}

static void
assert_moment (JsonObject *object, const char *name)
{
  g_autofree char *unix_name = g_strconcat (name, "_unix", NULL);
  g_autoptr (GDateTime) parsed = NULL;
  const char *iso;

  g_assert_true (json_object_has_member (object, name));
  g_assert_true (json_object_has_member (object, unix_name));
  if (json_object_get_null_member (object, name))
    {
      g_assert_true (json_object_get_null_member (object, unix_name));
      return;
    }

  iso = json_object_get_string_member (object, name);
  g_assert_true (g_str_has_suffix (iso, "Z"));
  parsed = g_date_time_new_from_iso8601 (iso, NULL);
  g_assert_nonnull (parsed);
  g_assert_cmpint (g_date_time_to_unix (parsed), ==,
                   json_object_get_int_member (object, unix_name));
}

static JsonObject *
parse_json (JsonParser *parser, const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonObject *root;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (root, "format_version"), ==, 1);

  return root;
}

static void
test_json_schema (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) list_parser = json_parser_new ();
  g_autoptr (JsonParser) status_parser = json_parser_new ();
  g_auto (Result) list = { 0 };
  g_auto (Result) status = { 0 };
  g_autofree char *connected = NULL;
  JsonObject *root;
  JsonArray *accounts;
  JsonObject *object;
  static const char *const states[]
      = { "valid", "expiring_soon", "expired", "needs_reauth", "error", "not_connected" };

  g_assert_true (relink_test_populate_fixture (fixture->store, RELINK_TEST_FIXTURE_CYCLE,
                                               relink_now (), &error));
  g_assert_no_error (error);
  /* One with real tokens in the keyring: none of them may show. */
  connected = add_account (fixture, fixture->lwa_keyset, "Amazon stub", "Atza|cached-json",
                           relink_now () + 3600, "Atzr|cached-json");

  RUN (fixture, &list, NULL, "list", "--json");
  g_assert_cmpint (list.status, ==, 0);
  assert_no_secret (list.out);
  root = parse_json (list_parser, list.out);
  accounts = json_object_get_array_member (root, "accounts");
  g_assert_cmpuint (json_array_get_length (accounts), ==, RELINK_TEST_FIXTURE_CYCLE + 1);

  for (guint i = 0; i < json_array_get_length (accounts); i++)
    {
      JsonObject *account = json_array_get_object_element (accounts, i);
      JsonObject *marketplace = json_object_get_object_member (account, "marketplace");
      JsonObject *environment = json_object_get_object_member (account, "environment");
      JsonObject *identity = json_object_get_object_member (account, "identity");
      const char *state = json_object_get_string_member (account, "state");

      g_assert_nonnull (json_object_get_string_member (account, "id"));
      g_assert_nonnull (json_object_get_string_member (account, "nickname"));
      g_assert_nonnull (json_object_get_string_member (marketplace, "id"));
      g_assert_nonnull (json_object_get_string_member (marketplace, "name"));
      g_assert_nonnull (json_object_get_string_member (environment, "id"));
      g_assert_true (json_object_has_member (identity, "id"));
      g_assert_true (json_object_has_member (identity, "name"));
      g_assert_true (g_strv_contains (states, state));
      g_assert_true (json_object_has_member (account, "status_message"));
      assert_moment (account, "access_expires_at");
      assert_moment (account, "refresh_expires_at");
      assert_moment (account, "last_refresh_at");
      g_assert_true (json_object_has_member (account, "last_test"));
    }

  object = find_account (accounts, "account-0");
  g_assert_cmpstr (json_object_get_string_member (object, "nickname"), ==, "Main eBay shop");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (object, "marketplace"), "id"),
      ==, "ebay");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (object, "marketplace"), "name"),
      ==, "eBay");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (object, "environment"), "id"),
      ==, "production");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (object, "identity"), "name"),
      ==, "shop_a");
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "valid");
  g_assert_false (json_object_get_boolean_member (object, "needs_attention"));
  g_assert_true (
      json_object_get_boolean_member (json_object_get_object_member (object, "last_test"), "ok"));
  assert_moment (json_object_get_object_member (object, "last_test"), "at");

  g_assert_cmpstr (json_object_get_string_member (find_account (accounts, "account-1"), "state"),
                   ==, "expiring_soon");
  g_assert_cmpstr (json_object_get_string_member (find_account (accounts, "account-4"), "state"),
                   ==, "expired");
  object = find_account (accounts, "account-5");
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "needs_reauth");
  g_assert_nonnull (strstr (json_object_get_string_member (object, "status_message"), "Renew"));
  g_assert_cmpstr (json_object_get_string_member (find_account (accounts, "account-6"), "state"),
                   ==, "error");
  object = find_account (accounts, "account-7");
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "not_connected");
  g_assert_true (json_object_get_null_member (object, "last_test"));
  g_assert_true (json_object_get_null_member (object, "refresh_expires_at"));
  object = find_account (accounts, connected);
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (object, "marketplace"), "id"),
      ==, LWA_ID);
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (object, "environment"), "name"),
      ==, "North America");

  RUN (fixture, &status, NULL, "status", "--json");
  g_assert_cmpint (status.status, ==, 1);
  assert_no_secret (status.out);
  root = parse_json (status_parser, status.out);
  g_assert_cmpint (json_object_get_int_member (root, "total"), ==, RELINK_TEST_FIXTURE_CYCLE + 1);
  g_assert_cmpint (json_object_get_int_member (root, "needs_attention"), ==, 6);
  /* Most urgent first. */
  accounts = json_object_get_array_member (root, "accounts");
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (accounts, 0), "state"), ==,
      "expired");
}

static void
test_list_human (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_auto (Result) result = { 0 };

  g_assert_true (relink_test_populate_fixture (fixture->store, RELINK_TEST_FIXTURE_CYCLE,
                                               relink_now (), &error));
  g_assert_no_error (error);

  RUN (fixture, &result, NULL, "list");
  g_assert_cmpint (result.status, ==, 0);
  g_assert_nonnull (strstr (result.out, "account-3"));
  g_assert_nonnull (strstr (result.out, "Handmade shop"));
  g_assert_nonnull (strstr (result.out, "eBay · Sandbox"));
  g_assert_cmpstr (result.err, ==, "");
}

/* Grants (HACKING.md, "Grant") */

/* "Shop A" on the eBay stub with a valid OAuth token, and a further
 * Auth'n'Auth grant on Trading keys whose token lapses at @aan_expires. */
static char *
add_two_grant_account (Fixture *fixture, gint64 aan_expires, char **out_grant_id)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *keyset_id = relink_new_id ();
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new (keyset_id);
  g_autoptr (RelinkAccount) grant = NULL;
  g_autoptr (RelinkTokenSet) tokens = relink_token_set_new ();
  char *id = add_account (fixture, fixture->ebay_keyset, "Shop A", "v^1.1#cached-oauth",
                          relink_now () + 3600, "v^1.1#cached-oauth-refresh");
  char *grant_id = relink_new_id ();

  relink_keyset_set_provider_id (keyset, EBAY_ID);
  relink_keyset_set_environment (keyset, "production");
  relink_keyset_set_client_id (keyset, "Stub-Trading-App");
  relink_keyset_set_redirect (keyset, "Stub-Trading-RuName");
  relink_keyset_set_grant_kind (keyset, "auth-n-auth");
  relink_keyset_set_created_at (keyset, relink_now ());
  g_assert_true (relink_store_save_keyset (fixture->store, keyset, &error));
  g_assert_no_error (error);

  grant = relink_account_new (grant_id);
  relink_account_set_keyset_id (grant, keyset_id);
  relink_account_set_owner_id (grant, id);
  relink_account_set_grant_name (grant, "auth-n-auth");
  relink_account_set_status (grant, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_identity_id (grant, "eias-shop-a");
  relink_account_set_identity_name (grant, "shop_a");
  relink_account_set_access_expires_at (grant, aan_expires);
  relink_account_set_refresh_expires_at (grant, aan_expires);
  relink_account_set_created_at (grant, relink_now ());
  g_assert_true (relink_store_save_account (fixture->store, grant, &error));
  g_assert_no_error (error);

  /* eBay's Auth'n'Auth token: no refresh token. */
  relink_token_set_set_access_token (tokens, "v^1.1#cached-auth-n-auth");
  relink_token_set_set_access_expires_at (tokens, aan_expires);
  relink_token_set_set_refresh_expires_at (tokens, aan_expires);
  relink_token_set_set_issued_at (tokens, relink_now () - 600);
  g_assert_true (relink_secrets_store_tokens_sync (fixture->secrets, grant_id, "relinkctl test",
                                                   tokens, NULL, &error));
  g_assert_no_error (error);
  g_ptr_array_add (fixture->account_ids, g_strdup (grant_id));

  *out_grant_id = grant_id;
  return id;
}

/* `relinkctl token ACCOUNT --grant NAME` prints that grant's token; the
 * old call gives the account's first grant's. */
static void
test_grant_token (Fixture *fixture, gconstpointer data)
{
  g_autofree char *grant_id = NULL;
  g_autofree char *id = add_two_grant_account (fixture, relink_now () + 400 * 86400, &grant_id);
  g_auto (Result) plain = { 0 };
  g_auto (Result) by_nickname = { 0 };
  g_auto (Result) by_id = { 0 };
  g_auto (Result) by_grant_id = { 0 };
  g_auto (Result) oauth = { 0 };
  g_auto (Result) missing = { 0 };
  g_auto (Result) short_option = { 0 };

  RUN (fixture, &plain, NULL, "token", "Shop A");
  g_assert_cmpint (plain.status, ==, 0);
  g_assert_cmpstr (plain.out, ==, "v^1.1#cached-oauth\n");

  RUN (fixture, &by_nickname, NULL, "token", "shop a", "--grant", "auth-n-auth");
  g_assert_cmpint (by_nickname.status, ==, 0);
  g_assert_cmpstr (by_nickname.out, ==, "v^1.1#cached-auth-n-auth\n");
  g_assert_cmpstr (by_nickname.err, ==, "");

  RUN (fixture, &by_id, NULL, "token", id, "--grant=auth-n-auth");
  g_assert_cmpint (by_id.status, ==, 0);
  g_assert_cmpstr (by_id.out, ==, "v^1.1#cached-auth-n-auth\n");

  RUN (fixture, &by_grant_id, NULL, "token", grant_id);
  g_assert_cmpint (by_grant_id.status, ==, 0);
  g_assert_cmpstr (by_grant_id.out, ==, "v^1.1#cached-auth-n-auth\n");

  RUN (fixture, &oauth, NULL, "token", id, "--grant", "oauth");
  g_assert_cmpint (oauth.status, ==, 0);
  g_assert_cmpstr (oauth.out, ==, "v^1.1#cached-oauth\n");

  RUN (fixture, &short_option, NULL, "token", "-g", "auth-n-auth", "Shop A");
  g_assert_cmpint (short_option.status, ==, 0);
  g_assert_cmpstr (short_option.out, ==, "v^1.1#cached-auth-n-auth\n");

  /* A grant the account lacks: exit 4, the names it has. */
  RUN (fixture, &missing, NULL, "token", "Shop A", "--grant", "trading");
  g_assert_cmpint (missing.status, ==, 4);
  g_assert_cmpstr (missing.out, ==, "");
  g_assert_nonnull (strstr (missing.err, "“trading”"));
  g_assert_nonnull (strstr (missing.err, "oauth, auth-n-auth"));

  g_assert_cmpuint (fixture->token_requests, ==, 0);
}

/* A lapsed Auth'n'Auth token has nothing to refresh with: relinkctl says
 * to sign in again, asks no one, and changes nothing. */
static void
test_grant_token_lapsed (Fixture *fixture, gconstpointer data)
{
  g_autofree char *grant_id = NULL;
  g_autofree char *id = add_two_grant_account (fixture, relink_now () - 86400, &grant_id);
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkAccount) grant = NULL;
  g_auto (Result) result = { 0 };

  RUN (fixture, &result, NULL, "token", "Shop A", "--grant", "auth-n-auth");
  g_assert_cmpint (result.status, ==, 1);
  g_assert_cmpstr (result.out, ==, "");
  g_assert_nonnull (strstr (result.err, "Auth'n'Auth"));
  g_assert_nonnull (strstr (result.err, "sign in again"));
  assert_no_secret (result.err);
  g_assert_cmpuint (fixture->token_requests, ==, 0);

  tokens = lookup_tokens (fixture, grant_id);
  g_assert_cmpstr (relink_token_set_get_access_token (tokens), ==, "v^1.1#cached-auth-n-auth");
  grant = load_account (fixture, grant_id);
  g_assert_cmpint (relink_account_get_status (grant), ==, RELINK_ACCOUNT_STATUS_CONNECTED);
}

/* list and status show one account with its grants; the JSON lists them
 * without a new format version. */
static void
test_grant_listing (Fixture *fixture, gconstpointer data)
{
  g_autofree char *grant_id = NULL;
  g_autofree char *id = add_two_grant_account (fixture, relink_now () + 5 * 86400, &grant_id);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_auto (Result) list = { 0 };
  g_auto (Result) json = { 0 };
  g_auto (Result) status = { 0 };
  JsonObject *root;
  JsonArray *accounts;
  JsonObject *account;
  JsonArray *grants;
  JsonObject *first;
  JsonObject *second;

  RUN (fixture, &list, NULL, "list");
  g_assert_cmpint (list.status, ==, 0);
  g_assert_nonnull (strstr (list.out, "oauth: Valid, auth-n-auth: Expiring soon"));
  g_assert_null (strstr (list.out, grant_id));

  RUN (fixture, &status, NULL, "status");
  g_assert_cmpint (status.status, ==, 1);
  g_assert_nonnull (
      strstr (status.out, "Shop A · Auth'n'Auth (eBay Stub · Production): Expiring soon, expires"));
  g_assert_nonnull (strstr (status.out, "Shop A · OAuth (eBay Stub · Production): Valid"));
  g_assert_nonnull (strstr (status.out, "1 of 1 account needs attention"));

  RUN (fixture, &json, NULL, "status", "--json");
  g_assert_cmpint (json.status, ==, 1);
  assert_no_secret (json.out);
  root = parse_json (parser, json.out);
  accounts = json_object_get_array_member (root, "accounts");
  g_assert_cmpuint (json_array_get_length (accounts), ==, 1);
  account = find_account (accounts, id);
  g_assert_cmpstr (json_object_get_string_member (account, "nickname"), ==, "Shop A");
  /* The account's fields are its most urgent grant's. */
  g_assert_cmpstr (json_object_get_string_member (account, "state"), ==, "expiring_soon");
  g_assert_true (json_object_get_boolean_member (account, "needs_attention"));
  g_assert_cmpint (json_object_get_int_member (root, "needs_attention"), ==, 1);

  grants = json_object_get_array_member (account, "grants");
  g_assert_cmpuint (json_array_get_length (grants), ==, 2);
  first = json_array_get_object_element (grants, 0);
  second = json_array_get_object_element (grants, 1);
  g_assert_cmpstr (json_object_get_string_member (first, "name"), ==, "oauth");
  g_assert_cmpstr (json_object_get_string_member (first, "kind"), ==, "oauth2");
  g_assert_cmpstr (json_object_get_string_member (first, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (first, "state"), ==, "valid");
  g_assert_false (json_object_get_boolean_member (first, "most_urgent"));
  g_assert_cmpstr (json_object_get_string_member (second, "name"), ==, "auth-n-auth");
  g_assert_cmpstr (json_object_get_string_member (second, "kind"), ==, "auth-n-auth");
  g_assert_cmpstr (json_object_get_string_member (second, "id"), ==, grant_id);
  g_assert_cmpstr (json_object_get_string_member (second, "state"), ==, "expiring_soon");
  g_assert_true (json_object_get_boolean_member (second, "most_urgent"));
  assert_moment (second, "refresh_expires_at");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (second, "identity"), "id"), ==,
      "eias-shop-a");
}

static void
assert_ascii_without_question_marks (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if ((guchar) *p >= 0x80 || *p == '?')
        g_error ("not plain ASCII at “%.20s” in:\n%s", p, text);
    }
}

/* Under LC_ALL=C (cron) the middle dot, dashes and typographic quotes
 * become their ASCII look-alikes, not "?"; JSON stays UTF-8. */
static void
test_c_locale (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_auto (Result) list = { 0 };
  g_auto (Result) help = { 0 };
  g_auto (Result) missing = { 0 };
  g_auto (Result) json = { 0 };
  g_auto (Result) utf8 = { 0 };
  g_autofree char *cafe = NULL;
  JsonArray *accounts;
  gboolean found = FALSE;

  g_assert_true (relink_test_populate_fixture (fixture->store, RELINK_TEST_FIXTURE_CYCLE,
                                               relink_now (), &error));
  g_assert_no_error (error);
  cafe = add_account (fixture, fixture->lwa_keyset, "Café Größe", NULL, 0, NULL);

  fixture->lc_all = "C";
  RUN (fixture, &list, NULL, "list");
  RUN (fixture, &help, NULL, "--help");
  RUN (fixture, &missing, NULL, "token", "no-such-account");
  RUN (fixture, &json, NULL, "list", "--json");
  fixture->lc_all = "C.UTF-8";
  RUN (fixture, &utf8, NULL, "list");

  g_assert_cmpint (list.status, ==, 0);
  g_assert_nonnull (strstr (list.out, "eBay - Sandbox"));
  /* A letter ASCII lacks has no look-alike: only the name's own letters
   * may be "?"; everything Relink wrote is plain ASCII. */
  g_assert_nonnull (strstr (list.out, "Caf? Gr??e"));
  {
    g_autofree char *rest = g_strdup (list.out);
    char *name = strstr (rest, "Caf? Gr??e");

    memcpy (name, "Cafe Grosse", strlen ("Caf? Gr??e"));
    assert_ascii_without_question_marks (rest);
  }
  g_assert_cmpstr (list.err, ==, "");

  g_assert_cmpint (help.status, ==, 0);
  g_assert_nonnull (strstr (help.out, "\"relinkctl help COMMAND\""));
  assert_ascii_without_question_marks (help.out);

  g_assert_cmpint (missing.status, !=, 0);
  g_assert_nonnull (strstr (missing.err, "\"no-such-account\""));
  assert_ascii_without_question_marks (missing.err);

  /* The same under a UTF-8 locale: the real characters. */
  g_assert_nonnull (strstr (utf8.out, "eBay · Sandbox"));
  g_assert_nonnull (strstr (utf8.out, "Café Größe"));

  /* JSON is UTF-8 whatever the locale. */
  g_assert_cmpint (json.status, ==, 0);
  accounts = json_object_get_array_member (parse_json (parser, json.out), "accounts");
  for (guint i = 0; i < json_array_get_length (accounts); i++)
    {
      JsonObject *account = json_array_get_object_element (accounts, i);

      if (g_strcmp0 (json_object_get_string_member (account, "id"), cafe) == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (account, "nickname"), ==, "Café Größe");
          found = TRUE;
        }
    }
  g_assert_true (found);
}

/* token */

static void
test_token_cached (Fixture *fixture, gconstpointer data)
{
  g_autofree char *id = add_account (fixture, fixture->lwa_keyset, "Stub Shop", "Atza|cached-valid",
                                     relink_now () + 3600, "Atzr|cached-refresh");
  g_auto (Result) by_id = { 0 };
  g_auto (Result) by_nickname = { 0 };

  RUN (fixture, &by_id, NULL, "token", id);
  g_assert_cmpint (by_id.status, ==, 0);
  g_assert_cmpstr (by_id.out, ==, "Atza|cached-valid\n");
  g_assert_cmpstr (by_id.err, ==, "");

  /* Nicknames match without regard to case. */
  RUN (fixture, &by_nickname, NULL, "token", "stub shop");
  g_assert_cmpint (by_nickname.status, ==, 0);
  g_assert_cmpstr (by_nickname.out, ==, "Atza|cached-valid\n");

  /* A valid token needs no request. */
  g_assert_cmpuint (fixture->token_requests, ==, 0);
}

static void
test_token_refreshes (Fixture *fixture, gconstpointer data)
{
  g_autofree char *id = add_account (fixture, fixture->lwa_keyset, "Stale shop",
                                     "Atza|cached-stale", relink_now () - 60, "Atzr|cached-stale");
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkAccount) account = NULL;
  g_auto (Result) result = { 0 };

  RUN (fixture, &result, NULL, "token", id);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_cmpstr (result.out, ==, "Atza|fresh-1\n");
  g_assert_cmpstr (result.err, ==, "");
  g_assert_cmpuint (fixture->token_requests, ==, 1);
  assert_lwa_refresh_request (fixture, "Atzr|cached-stale");

  tokens = lookup_tokens (fixture, id);
  g_assert_cmpstr (relink_token_set_get_access_token (tokens), ==, "Atza|fresh-1");
  g_assert_cmpstr (relink_token_set_get_refresh_token (tokens), ==, "Atzr|cached-stale");
  account = load_account (fixture, id);
  g_assert_cmpint (relink_account_get_access_expires_at (account), >, relink_now () + 3000);
}

static void
test_token_failures (Fixture *fixture, gconstpointer data)
{
  g_autofree char *refused = add_account (fixture, fixture->lwa_keyset, "Refused shop",
                                          "Atza|cached-old", relink_now () - 60, BAD_REFRESH);
  g_autofree char *unconnected
      = add_account (fixture, fixture->lwa_keyset, "New shop", NULL, 0, NULL);
  g_autoptr (RelinkAccount) account = NULL;
  g_auto (Result) bad = { 0 };
  g_auto (Result) none = { 0 };
  g_auto (Result) unknown = { 0 };

  RUN (fixture, &bad, NULL, "token", refused);
  g_assert_cmpint (bad.status, ==, 1);
  g_assert_cmpstr (bad.out, ==, "");
  g_assert_nonnull (strstr (bad.err, "Renew"));
  assert_no_secret (bad.err);
  account = load_account (fixture, refused);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);

  RUN (fixture, &none, NULL, "token", "New shop");
  g_assert_cmpint (none.status, ==, 1);
  g_assert_cmpstr (none.out, ==, "");
  g_assert_nonnull (strstr (none.err, "not connected"));

  RUN (fixture, &unknown, NULL, "token", "No such shop");
  g_assert_cmpint (unknown.status, ==, 4);
  g_assert_cmpstr (unknown.out, ==, "");
  g_assert_nonnull (strstr (unknown.err, "No such shop"));
  g_assert_nonnull (strstr (unknown.err, "relinkctl list"));
}

/* refresh */

static void
test_refresh (Fixture *fixture, gconstpointer data)
{
  g_autofree char *one = add_account (fixture, fixture->lwa_keyset, "Shop one", "Atza|cached-1",
                                      relink_now () + 3600, "Atzr|cached-1");
  g_autofree char *two = add_account (fixture, fixture->lwa_keyset, "Shop two", "Atza|cached-2",
                                      relink_now () + 3600, "Atzr|cached-2");
  g_autofree char *three = add_account (fixture, fixture->ebay_keyset, "Shop three",
                                        "v^1.1#cached-3", relink_now () + 3600, "v^1.1#cached-r3");
  g_autofree char *unconnected
      = add_account (fixture, fixture->lwa_keyset, "New shop", NULL, 0, NULL);
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkAccount) account = NULL;
  g_auto (Result) single = { 0 };
  g_auto (Result) all = { 0 };
  g_auto (Result) both = { 0 };

  /* A valid token is refreshed all the same. */
  RUN (fixture, &single, NULL, "refresh", "Shop one");
  g_assert_cmpint (single.status, ==, 0);
  g_assert_cmpuint (fixture->token_requests, ==, 1);
  assert_lwa_refresh_request (fixture, "Atzr|cached-1");
  g_assert_nonnull (strstr (single.out, "Refreshed “Shop one”"));
  assert_no_secret (single.out);
  assert_no_secret (single.err);
  tokens = lookup_tokens (fixture, one);
  g_assert_cmpstr (relink_token_set_get_access_token (tokens), ==, "Atza|fresh-1");
  account = load_account (fixture, one);
  g_assert_cmpint (relink_account_get_last_refresh_at (account), >=, relink_now () - 60);

  /* Every connected account; the unconnected one left out, the one that
   * needs renewing skipped. (Shop one was also just refreshed: within the
   * same second the service would take that refresh as the answer.) */
  g_assert_true (relink_store_update_status (
      fixture->store, one, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH, "Renew it.", NULL));
  RUN (fixture, &all, NULL, "refresh", "--all", "--jobs", "2");
  g_assert_cmpint (all.status, ==, 0);
  g_assert_cmpuint (fixture->token_requests, ==, 3);
  g_assert_nonnull (strstr (all.out, "Shop two"));
  g_assert_nonnull (strstr (all.out, "Shop three"));
  g_assert_null (strstr (all.out, "New shop"));
  g_assert_nonnull (strstr (all.err, "Skipped “Shop one”"));
  g_assert_nonnull (strstr (all.out, "Refreshed 2 of 2 accounts"));
  g_assert_nonnull (strstr (all.out, "1 skipped"));
  assert_no_secret (all.out);
  assert_no_secret (all.err);
  g_clear_object (&tokens);
  tokens = lookup_tokens (fixture, three);
  g_assert_true (g_str_has_prefix (relink_token_set_get_access_token (tokens), "v^1.1#fresh-"));
  /* eBay: Basic auth, nothing secret in the body. */
  g_assert_nonnull (fixture->ebay_authorization);
  g_assert_true (g_str_has_prefix (fixture->ebay_authorization, "Basic "));

  RUN (fixture, &both, NULL, "refresh", "--all", "Shop one");
  g_assert_cmpint (both.status, ==, 2);
  g_assert_cmpuint (fixture->token_requests, ==, 3);
}

/* import */

static void
test_import (Fixture *fixture, gconstpointer data)
{
  g_autofree char *id = add_account (fixture, fixture->lwa_keyset, "Imported shop", NULL, 0, NULL);
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (Result) result = { 0 };
  gboolean found = FALSE;

  /* Surrounding white space, as a paste or `echo` gives it. */
  RUN (fixture, &result, "  Atzr|imported-token\n", "import", "Imported shop");
  g_assert_cmpint (result.status, ==, 0);
  assert_no_secret (result.out);
  assert_no_secret (result.err);
  g_assert_nonnull (strstr (result.out, "Imported"));

  g_assert_cmpuint (fixture->token_requests, ==, 1);
  assert_lwa_refresh_request (fixture, "Atzr|imported-token");

  tokens = lookup_tokens (fixture, id);
  g_assert_nonnull (tokens);
  g_assert_cmpstr (relink_token_set_get_refresh_token (tokens), ==, "Atzr|imported-token");
  g_assert_cmpstr (relink_token_set_get_access_token (tokens), ==, "Atza|fresh-1");
  g_assert_cmpint (relink_token_set_get_access_expires_at (tokens), >, relink_now () + 3000);

  account = load_account (fixture, id);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_CONNECTED);
  g_assert_cmpint (relink_account_get_access_expires_at (account), >, relink_now () + 3000);

  history = relink_store_load_history (fixture->store, id, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < history->len; i++)
    {
      RelinkHistoryEntry *entry = g_ptr_array_index (history, i);

      if (relink_history_entry_get_kind (entry) == RELINK_HISTORY_KIND_IMPORT)
        {
          g_assert_true (relink_history_entry_get_ok (entry));
          g_assert_cmpstr (relink_history_entry_get_program (entry), ==, "relinkctl");
          found = TRUE;
        }
    }
  g_assert_true (found);
}

/* What a terminal shows: everything the program wrote to it. */
typedef struct
{
  GString *shown;
  guint watch; /* 0 once the program closed its side */
} Terminal;

static gboolean
terminal_output_cb (int fd, GIOCondition condition, gpointer user_data)
{
  Terminal *terminal = user_data;
  char buffer[512];
  gssize n = read (fd, buffer, sizeof buffer);

  if (n <= 0)
    {
      terminal->watch = 0;
      return G_SOURCE_REMOVE;
    }
  g_string_append_len (terminal->shown, buffer, n);
  return G_SOURCE_CONTINUE;
}

static gboolean
terminal_echoes (int master)
{
  struct termios settings;

  g_assert_cmpint (tcgetattr (master, &settings), ==, 0);
  return (settings.c_lflag & ECHO) != 0;
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* From a terminal: a prompt, the token typed without echo, the terminal
 * as it was afterwards. */
static void
test_import_terminal (Fixture *fixture, gconstpointer data)
{
  g_autofree char *id = add_account (fixture, fixture->lwa_keyset, "Typed shop", NULL, 0, NULL);
  g_autofree char *program = relink_test_built_program ("relinkctl");
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GString) shown = g_string_new (NULL);
  Terminal terminal = { .shown = shown };
  g_autoptr (GAsyncResult) exited = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (GError) error = NULL;
  const char *const argv[] = { program, "import", "Typed shop", NULL };
  static const char typed[] = "Atzr|typed-token\n";
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  guint tick;
  int master, slave;

  master = posix_openpt (O_RDWR | O_NOCTTY);
  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  slave = open (ptsname (master), O_RDWR | O_NOCTTY);
  g_assert_cmpint (slave, >=, 0);
  g_assert_true (terminal_echoes (master));

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", fixture->data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", fixture->config_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  g_subprocess_launcher_take_stdin_fd (launcher, dup (slave));
  g_subprocess_launcher_take_stderr_fd (launcher, slave);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_clear_object (&launcher);

  terminal.watch = g_unix_fd_add (master, G_IO_IN, terminal_output_cb, &terminal);
  /* The terminal is polled for its echo flag: wake up now and then. */
  tick = g_timeout_add (20, tick_cb, NULL);

  /* Typed only once the echo is off: turning it off flushes what was
   * typed before, as on a real terminal. */
  while ((strstr (shown->str, "Paste the refresh token of “Typed shop”") == NULL
          || terminal_echoes (master))
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (terminal_echoes (master));
  g_assert_cmpint (write (master, typed, strlen (typed)), ==, (gssize) strlen (typed));

  g_subprocess_wait_async (process, NULL, communicated_cb, &exited);
  while (exited == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (exited);
  g_assert_true (g_subprocess_wait_finish (process, exited, NULL));
  g_assert_true (g_subprocess_get_if_exited (process));
  /* The rest of what it wrote to the terminal. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_source_remove (tick);
  g_clear_handle_id (&terminal.watch, g_source_remove);

  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  /* Never on screen, and the terminal echoes again. */
  g_assert_null (strstr (shown->str, "typed-token"));
  assert_no_secret (shown->str);
  g_assert_true (terminal_echoes (master));
  close (master);

  g_assert_cmpuint (fixture->token_requests, ==, 1);
  assert_lwa_refresh_request (fixture, "Atzr|typed-token");
  tokens = lookup_tokens (fixture, id);
  g_assert_nonnull (tokens);
  g_assert_cmpstr (relink_token_set_get_refresh_token (tokens), ==, "Atzr|typed-token");
}

static void
test_import_refused (Fixture *fixture, gconstpointer data)
{
  g_autofree char *id = add_account (fixture, fixture->lwa_keyset, "Working shop",
                                     "Atza|cached-keep", relink_now () + 3600, "Atzr|cached-keep");
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (Result) argument = { 0 };
  g_auto (Result) empty = { 0 };
  g_auto (Result) two_lines = { 0 };
  g_auto (Result) refused = { 0 };

  /* A token as an argument is refused and never repeated. */
  RUN (fixture, &argument, NULL, "import", id, "Atzr|cached-in-argv");
  g_assert_cmpint (argument.status, ==, 2);
  g_assert_cmpstr (argument.out, ==, "");
  g_assert_nonnull (strstr (argument.err, "standard input"));
  assert_no_secret (argument.err);

  RUN (fixture, &empty, "\n", "import", id);
  g_assert_cmpint (empty.status, ==, 2);
  g_assert_nonnull (strstr (empty.err, "No token"));

  RUN (fixture, &two_lines, "Atzr|cached-a\nAtzr|cached-b\n", "import", id);
  g_assert_cmpint (two_lines.status, ==, 2);
  assert_no_secret (two_lines.err);
  g_assert_cmpuint (fixture->token_requests, ==, 0);

  /* The marketplace refuses it: the previous tokens come back. */
  RUN (fixture, &refused, BAD_REFRESH "\n", "import", id);
  g_assert_cmpint (refused.status, ==, 1);
  g_assert_cmpstr (refused.out, ==, "");
  g_assert_nonnull (strstr (refused.err, "not imported"));
  assert_no_secret (refused.err);
  g_assert_cmpuint (fixture->token_requests, ==, 1);
  assert_lwa_refresh_request (fixture, BAD_REFRESH);

  tokens = lookup_tokens (fixture, id);
  g_assert_cmpstr (relink_token_set_get_refresh_token (tokens), ==, "Atzr|cached-keep");
  g_assert_cmpstr (relink_token_set_get_access_token (tokens), ==, "Atza|cached-keep");
  account = load_account (fixture, id);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_CONNECTED);

  history = relink_store_load_history (fixture->store, id, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 1);
  g_assert_cmpint (relink_history_entry_get_kind (g_ptr_array_index (history, 0)), ==,
                   RELINK_HISTORY_KIND_IMPORT);
  g_assert_false (relink_history_entry_get_ok (g_ptr_array_index (history, 0)));
}

/* test and revoke */

static void
test_test_command (Fixture *fixture, gconstpointer data)
{
  g_autofree char *id
      = add_account (fixture, fixture->ebay_keyset, "eBay stub shop", "v^1.1#cached-ebay",
                     relink_now () + 3600, "v^1.1#cached-ebay-refresh");
  g_autofree char *amazon = add_account (fixture, fixture->lwa_keyset, "Amazon stub",
                                         "Atza|cached-t", relink_now () + 3600, "Atzr|cached-t");
  g_autoptr (GRegex) regex = g_regex_new ("^Connected as shop_a — [0-9]+ ms\n$", 0, 0, NULL);
  g_autoptr (RelinkAccount) account = NULL;
  g_auto (Result) result = { 0 };
  g_auto (Result) unavailable = { 0 };

  RUN (fixture, &result, NULL, "test", id);
  g_assert_cmpint (result.status, ==, 0);
  g_assert_true (g_regex_match (regex, result.out, 0, NULL));
  g_assert_cmpuint (fixture->identity_requests, ==, 1);
  account = load_account (fixture, id);
  g_assert_true (relink_account_get_last_test_ok (account));
  g_assert_cmpint (relink_account_get_last_test_at (account), >=, relink_now () - 60);

  /* LWA tells no seller id. */
  RUN (fixture, &unavailable, NULL, "test", amazon);
  g_assert_cmpint (unavailable.status, ==, 1);
  g_assert_cmpstr (unavailable.out, ==, "");
  g_assert_nonnull (strstr (unavailable.err, "Not available"));
}

static void
test_revoke_fallback (Fixture *fixture, gconstpointer data)
{
  g_autofree char *id = add_account (fixture, fixture->lwa_keyset, "Leaving shop", "Atza|cached-r",
                                     relink_now () + 3600, "Atzr|cached-r");
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkAccount) account = NULL;
  g_auto (Result) result = { 0 };

  RUN (fixture, &result, NULL, "revoke", "leaving shop");
  g_assert_cmpint (result.status, ==, 0);
  g_assert_nonnull (strstr (result.out, "\n" CONNECTED_APPS_URL "\n"));
  assert_no_secret (result.out);
  assert_no_secret (result.err);
  g_assert_cmpuint (fixture->token_requests, ==, 0);

  tokens = lookup_tokens (fixture, id);
  g_assert_null (tokens);
  account = load_account (fixture, id);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
}

/* The marketplace refuses the revocation for good: the tokens stay and
 * relinkctl says how to remove them anyway; --force (the window's "Remove
 * the Tokens Here Anyway") asks once more, then removes them here, says
 * the marketplace may still hold the authorization and where to revoke it
 * there, and records the revocation as unconfirmed. */
static void
test_revoke_refused (Fixture *fixture, gconstpointer data)
{
  g_autofree char *id = add_account (fixture, fixture->rfc_keyset, "Refusing shop",
                                     "rfc-access-token", relink_now () + 3600, "rfc-refresh-token");
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (Result) refused = { 0 };
  g_auto (Result) forced = { 0 };

  fixture->revoke_status = 400;
  RUN (fixture, &refused, NULL, "revoke", "Refusing shop");
  g_assert_cmpint (refused.status, ==, 1);
  g_assert_cmpstr (refused.out, ==, "");
  g_assert_nonnull (strstr (refused.err, "RFC Stub did not confirm"));
  g_assert_nonnull (strstr (refused.err, "To remove the tokens from this computer anyway, run: "
                                         "relinkctl revoke 'Refusing shop' --force\n"));
  assert_no_secret (refused.err);
  g_assert_cmpuint (fixture->revoke_requests, ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (fixture->last_form, "token"), ==, "rfc-refresh-token");
  tokens = lookup_tokens (fixture, id);
  g_assert_nonnull (tokens);
  g_assert_cmpstr (relink_token_set_get_refresh_token (tokens), ==, "rfc-refresh-token");
  g_clear_object (&tokens);
  account = load_account (fixture, id);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_CONNECTED);
  g_clear_object (&account);

  RUN (fixture, &forced, NULL, "revoke", "Refusing shop", "--force");
  g_assert_cmpint (forced.status, ==, 0);
  g_assert_cmpstr (forced.out, ==,
                   "Relink removed the tokens of “Refusing shop” from this computer anyway. RFC "
                   "Stub did not confirm the revocation and may still consider the authorization "
                   "valid: remove the app on this page to revoke it there:\n" CONNECTED_APPS_URL
                   "\n");
  assert_no_secret (forced.out);
  assert_no_secret (forced.err);
  g_assert_cmpuint (fixture->revoke_requests, ==, 2);
  tokens = lookup_tokens (fixture, id);
  g_assert_null (tokens);
  account = load_account (fixture, id);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);

  history = relink_store_load_history (fixture->store, id, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 1);
  g_assert_cmpint (relink_history_entry_get_kind (g_ptr_array_index (history, 0)), ==,
                   RELINK_HISTORY_KIND_REVOCATION);
  g_assert_cmpstr (relink_history_entry_get_message (g_ptr_array_index (history, 0)), ==,
                   "RFC Stub did not confirm that it canceled the authorization. The tokens were "
                   "removed from this computer.");
}

/* The marketplace cannot be reached: the tokens stay (try again later),
 * and --force removes them here anyway. */
static void
test_revoke_unreachable (Fixture *fixture, gconstpointer data)
{
  g_autofree char *id = add_account (fixture, fixture->gone_keyset, "Gone shop", "gone-access",
                                     relink_now () + 3600, "gone-refresh");
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkAccount) account = NULL;
  g_auto (Result) offline = { 0 };
  g_auto (Result) forced = { 0 };

  RUN (fixture, &offline, NULL, "revoke", id);
  g_assert_cmpint (offline.status, ==, 5);
  g_assert_cmpstr (offline.out, ==, "");
  g_assert_nonnull (strstr (offline.err, "--force"));
  assert_no_secret (offline.err);
  tokens = lookup_tokens (fixture, id);
  g_assert_nonnull (tokens);
  g_clear_object (&tokens);

  RUN (fixture, &forced, NULL, "revoke", id, "-f");
  g_assert_cmpint (forced.status, ==, 0);
  g_assert_true (g_str_has_prefix (forced.out, "Relink removed the tokens of “Gone shop” from this "
                                               "computer anyway. Gone Stub did not confirm"));
  g_assert_true (g_str_has_suffix (forced.out, ":\n" CONNECTED_APPS_URL "\n"));
  tokens = lookup_tokens (fixture, id);
  g_assert_null (tokens);
  account = load_account (fixture, id);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
}

/* An Auth'n'Auth token whose Trading API cannot be reached: --force
 * removes it here without asking eBay again (a second RevokeToken would
 * meet the same silence and keep the token). */
static void
test_revoke_unreachable_auth_n_auth (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *oauth_keyset
      = add_keyset (fixture, "stub-ebay-aan", "production", "AanOAuth-PRD", "oauth-cert");
  g_autofree char *keyset_id = relink_new_id ();
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new (keyset_id);
  g_autoptr (RelinkAccount) grant = NULL;
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (RelinkTokenSet) tokens = relink_token_set_new ();
  g_autofree char *id = add_account (fixture, oauth_keyset, "Trading shop", "v^1.1#aan-oauth",
                                     relink_now () + 3600, "v^1.1#aan-oauth-refresh");
  g_autofree char *grant_id = relink_new_id ();
  g_auto (Result) offline = { 0 };
  g_auto (Result) forced = { 0 };

  relink_keyset_set_provider_id (keyset, "stub-ebay-aan");
  relink_keyset_set_environment (keyset, "production");
  relink_keyset_set_client_id (keyset, "AanApp-PRD");
  relink_keyset_set_redirect (keyset, "Aan-RuName");
  relink_keyset_set_grant_kind (keyset, "auth-n-auth");
  relink_keyset_set_extra (keyset, "dev_id", "aan-dev-id");
  relink_keyset_set_created_at (keyset, relink_now ());
  g_assert_true (relink_store_save_keyset (fixture->store, keyset, &error));
  g_assert_no_error (error);
  g_assert_true (relink_secrets_store_keyset_secret_sync (fixture->secrets, keyset_id,
                                                          "client_secret", "relinkctl test keyset",
                                                          "aan-cert-id", NULL, &error));
  g_assert_no_error (error);

  grant = relink_account_new (grant_id);
  relink_account_set_keyset_id (grant, keyset_id);
  relink_account_set_owner_id (grant, id);
  relink_account_set_grant_name (grant, "auth-n-auth");
  relink_account_set_status (grant, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_identity_id (grant, "eias-trading-shop");
  relink_account_set_access_expires_at (grant, relink_now () + 400 * 86400);
  relink_account_set_refresh_expires_at (grant, relink_now () + 400 * 86400);
  relink_account_set_created_at (grant, relink_now ());
  g_assert_true (relink_store_save_account (fixture->store, grant, &error));
  g_assert_no_error (error);
  relink_token_set_set_access_token (tokens, "v^1.1#aan-token");
  relink_token_set_set_access_expires_at (tokens, relink_now () + 400 * 86400);
  g_assert_true (relink_secrets_store_tokens_sync (fixture->secrets, grant_id, "relinkctl test",
                                                   tokens, NULL, &error));
  g_assert_no_error (error);
  g_ptr_array_add (fixture->account_ids, g_strdup (grant_id));
  g_clear_object (&tokens);

  RUN (fixture, &offline, NULL, "revoke", "Trading shop", "--grant", "auth-n-auth");
  g_test_message ("%s", offline.err);
  g_assert_cmpint (offline.status, ==, 5);
  g_assert_nonnull (strstr (offline.err, "relinkctl revoke 'Trading shop' --grant 'auth-n-auth' "
                                         "--force\n"));
  tokens = lookup_tokens (fixture, grant_id);
  g_assert_nonnull (tokens);
  g_clear_object (&tokens);

  RUN (fixture, &forced, NULL, "revoke", "Trading shop", "--grant", "auth-n-auth", "--force");
  g_test_message ("%s", forced.err);
  g_assert_cmpint (forced.status, ==, 0);
  g_assert_true (g_str_has_suffix (forced.out, ":\n" CONNECTED_APPS_URL "\n"));
  assert_no_secret (forced.out);
  assert_no_secret (forced.err);
  tokens = lookup_tokens (fixture, grant_id);
  g_assert_null (tokens);
  account = load_account (fixture, grant_id);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
  /* The account's other token stays. */
  tokens = lookup_tokens (fixture, id);
  g_assert_nonnull (tokens);
}

/* As in the window, a server fault is not a reason to give up on the
 * marketplace: --force or not, the tokens stay and a retry later may
 * work; a revocation that works needs no --force. */
static void
test_revoke_force_rules (Fixture *fixture, gconstpointer data)
{
  g_autofree char *id = add_account (fixture, fixture->rfc_keyset, "Busy shop", "rfc-access-b",
                                     relink_now () + 3600, "rfc-refresh-b");
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_auto (Result) busy = { 0 };
  g_auto (Result) revoked = { 0 };

  fixture->revoke_status = 503;
  RUN (fixture, &busy, NULL, "revoke", id, "--force");
  g_assert_cmpint (busy.status, ==, 5);
  g_assert_cmpstr (busy.out, ==, "");
  g_assert_null (strstr (busy.err, "--force"));
  tokens = lookup_tokens (fixture, id);
  g_assert_nonnull (tokens);
  g_clear_object (&tokens);

  fixture->revoke_status = 0;
  RUN (fixture, &revoked, NULL, "revoke", id, "--force");
  g_assert_cmpint (revoked.status, ==, 0);
  g_assert_cmpstr (revoked.out, ==, "Revoked the authorization of “Busy shop”.\n");
  g_assert_cmpuint (fixture->revoke_requests, ==, 2);
  tokens = lookup_tokens (fixture, id);
  g_assert_null (tokens);
}

/* A locked keyring: the real daemon, on a D-Bus session of its own (the
 * suite's keyring must stay unlocked for the tests beside this one). The
 * unlock prompt cannot be answered there, as when a seller dismisses it. */
static void
test_keyring_locked (Fixture *fixture, gconstpointer data)
{
  g_autofree char *id = add_account (fixture, fixture->lwa_keyset, "Locked shop", "Atza|cached-l",
                                     relink_now () + 3600, "Atzr|cached-l");
  g_autoptr (RelinkTokenSet) tokens = lookup_tokens (fixture, id);
  g_autoptr (RelinkSecretString) json = relink_token_set_to_json (tokens);
  g_autofree char *relinkctl = relink_test_built_program ("relinkctl");
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "keyring-locked.sh", NULL);
  g_autofree char *bus_config
      = g_test_build_filename (G_TEST_DIST, "..", "build-aux", "session-bus.conf", NULL);
  g_autofree char *config_arg = g_strconcat ("--config-file=", bus_config, NULL);
  g_autofree char *runtime_dir = g_build_filename (fixture->root, "runtime", NULL);
  g_autofree char *home = g_build_filename (fixture->root, "home", NULL);
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GAsyncResult) done = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (Result) result = { 0 };
  const char *const argv[]
      = { "dbus-run-session", config_arg, "--", "sh", script, relinkctl, id, NULL };

  g_assert_cmpint (g_mkdir_with_parents (runtime_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (home, 0700), ==, 0);

  launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                   | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* Its own runtime dir: gnome-keyring-daemon --unlock would otherwise
   * find the suite's daemon there and unlock that one. */
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", fixture->data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", fixture->config_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");
  g_subprocess_launcher_unsetenv (launcher, "GNOME_KEYRING_CONTROL");
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8_async (process, json, NULL, communicated_cb, &done);
  while (done == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_subprocess_communicate_utf8_finish (process, done, &result.out, &result.err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  result.status = g_subprocess_get_exit_status (process);

  if (result.status != 3)
    g_test_message ("relinkctl's messages: %s", result.err);
  g_assert_cmpint (result.status, ==, 3);
  g_assert_cmpstr (result.out, ==, "");
  g_assert_nonnull (
      strstr (result.err, "The keyring is locked. Unlock it to let Relink read and save tokens."));
  assert_no_secret (result.err);
  g_assert_cmpuint (fixture->token_requests, ==, 0);
}

/* The front and its helper */

static gboolean
file_mentions (const char *path, const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return memmem (contents, length, needle, strlen (needle)) != NULL;
}

/* The point of the front: `relinkctl` starts without the HTTP stack. The
 * libraries a program needs are named in its dynamic section. */
static void
test_front_links_no_http (Fixture *fixture, gconstpointer data)
{
  g_autofree char *front = relink_test_built_program ("relinkctl");
  g_autofree char *helper = relink_test_built_program ("relinkctl-helper");

  g_assert_false (file_mentions (front, "libsoup-3.0.so"));
  /* The same check sees it where it belongs. */
  g_assert_true (file_mentions (helper, "libsoup-3.0.so"));
}

#define FAKE_HELPER                                                                                \
  "#!/bin/sh\n"                                                                                    \
  "printf 'helper:'\n"                                                                             \
  "for arg in \"$@\"; do printf ' [%s]' \"$arg\"; done\n"                                          \
  "printf '\\n'\n"                                                                                 \
  "cat\n"                                                                                          \
  "echo 'helper stderr' >&2\n"                                                                     \
  "exit 42\n"

/* A copy of the front beside a stand-in helper that tells how it was run:
 * what the front answers itself never reaches it; the rest reaches it with
 * the same arguments and standard streams, and its exit status is
 * relinkctl's. */
static void
test_front_delegates (Fixture *fixture, gconstpointer data)
{
  g_autofree char *cached
      = add_account (fixture, fixture->lwa_keyset, "Cached shop", "Atza|cached-front",
                     relink_now () + 3600, "Atzr|cached-front");
  g_autofree char *due = add_account (fixture, fixture->lwa_keyset, "Due shop", "Atza|cached-due",
                                      relink_now () + 60, "Atzr|cached-due");
  g_autofree char *built = relink_test_built_program ("relinkctl");
  g_autofree char *bin = g_build_filename (fixture->root, "bin", NULL);
  g_autofree char *front = g_build_filename (bin, "relinkctl", NULL);
  g_autofree char *helper = g_build_filename (bin, "relinkctl-helper", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;
  g_auto (Result) by_id = { 0 };
  g_auto (Result) by_nickname = { 0 };
  g_auto (Result) list = { 0 };
  g_auto (Result) help = { 0 };
  g_auto (Result) missing = { 0 };
  g_auto (Result) refresh = { 0 };
  g_auto (Result) token_due = { 0 };
  g_auto (Result) import = { 0 };

  g_assert_cmpint (g_mkdir_with_parents (bin, 0700), ==, 0);
  g_file_get_contents (built, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (front, contents, length, &error);
  g_assert_no_error (error);
  g_file_set_contents (helper, FAKE_HELPER, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (front, 0700), ==, 0);
  g_assert_cmpint (g_chmod (helper, 0700), ==, 0);

  /* Answered by the front. */
  RUN_PROGRAM (fixture, &by_id, front, NULL, "token", cached);
  g_assert_cmpint (by_id.status, ==, 0);
  g_assert_cmpstr (by_id.out, ==, "Atza|cached-front\n");
  g_assert_cmpstr (by_id.err, ==, "");

  RUN_PROGRAM (fixture, &by_nickname, front, NULL, "token", "cached shop");
  g_assert_cmpint (by_nickname.status, ==, 0);
  g_assert_cmpstr (by_nickname.out, ==, "Atza|cached-front\n");

  RUN_PROGRAM (fixture, &list, front, NULL, "list");
  g_assert_cmpint (list.status, ==, 0);
  g_assert_nonnull (strstr (list.out, "Due shop"));
  g_assert_null (strstr (list.out, "helper:"));

  RUN_PROGRAM (fixture, &help, front, NULL, "help", "import");
  g_assert_cmpint (help.status, ==, 0);
  g_assert_nonnull (strstr (help.out, "relinkctl import"));
  g_assert_null (strstr (help.out, "helper:"));

  RUN_PROGRAM (fixture, &missing, front, NULL, "token", "no such shop");
  g_assert_cmpint (missing.status, ==, 4);
  g_assert_cmpstr (missing.out, ==, "");

  /* Passed on to the helper. */
  RUN_PROGRAM (fixture, &token_due, front, NULL, "token", due);
  g_assert_cmpint (token_due.status, ==, 42);
  expected = g_strdup_printf ("helper: [token] [%s]\n", due);
  g_assert_cmpstr (token_due.out, ==, expected);
  g_assert_cmpstr (token_due.err, ==, "helper stderr\n");

  /* The front leaves the options to the helper. */
  RUN_PROGRAM (fixture, &refresh, front, NULL, "refresh", "--all", "--jobs", "3");
  g_assert_cmpint (refresh.status, ==, 42);
  g_assert_cmpstr (refresh.out, ==, "helper: [refresh] [--all] [--jobs] [3]\n");

  RUN_PROGRAM (fixture, &import, front, "from standard input\n", "import", "Due shop");
  g_assert_cmpint (import.status, ==, 42);
  g_assert_cmpstr (import.out, ==, "helper: [import] [Due shop]\nfrom standard input\n");

  g_assert_cmpuint (fixture->token_requests, ==, 0);
}

/* Issue 10: usage, names, messages */

/* Unknown options and extra arguments are never repeated: they may hold a
 * secret. An empty account name is a usage error, at once. */
static void
test_usage_never_echoes (Fixture *fixture, gconstpointer data)
{
  g_autofree char *id = add_account (fixture, fixture->lwa_keyset, "Echo shop", "Atza|cached-e",
                                     relink_now () + 3600, "Atzr|cached-e");
  g_auto (Result) option = { 0 };
  g_auto (Result) front_option = { 0 };
  g_auto (Result) extra = { 0 };
  g_auto (Result) empty = { 0 };
  g_auto (Result) empty_import = { 0 };

  RUN (fixture, &option, NULL, "import", id, "--token=SECRET-in-an-option");
  g_assert_cmpint (option.status, ==, 2);
  g_assert_null (strstr (option.err, "SECRET-in-an-option"));
  g_assert_nonnull (strstr (option.err, "relinkctl help import"));

  RUN (fixture, &front_option, NULL, "list", "--token=SECRET-in-an-option");
  g_assert_cmpint (front_option.status, ==, 2);
  g_assert_null (strstr (front_option.err, "SECRET-in-an-option"));

  RUN (fixture, &extra, NULL, "token", id, "SECRET-as-an-argument");
  g_assert_cmpint (extra.status, ==, 2);
  g_assert_null (strstr (extra.err, "SECRET-as-an-argument"));

  /* It used to hang after a GLib assertion. */
  RUN (fixture, &empty, NULL, "token", "");
  g_assert_cmpint (empty.status, ==, 2);
  g_assert_cmpstr (empty.out, ==, "");
  g_assert_nonnull (strstr (empty.err, "empty"));

  RUN (fixture, &empty_import, "Atzr|x\n", "import", "");
  g_assert_cmpint (empty_import.status, ==, 2);
  g_assert_cmpuint (fixture->token_requests, ==, 0);
}

/* Nicknames that differ only in case: the exact one wins; else the
 * ambiguity is an error that lists the candidates' ids. */
static void
test_nickname_case (Fixture *fixture, gconstpointer data)
{
  g_autofree char *upper = add_account (fixture, fixture->lwa_keyset, "Shop", "Atza|cached-upper",
                                        relink_now () + 3600, "Atzr|cached-upper");
  g_autofree char *lower = add_account (fixture, fixture->lwa_keyset, "shop", "Atza|cached-lower",
                                        relink_now () + 3600, "Atzr|cached-lower");
  g_autofree char *single
      = add_account (fixture, fixture->lwa_keyset, "Only One", "Atza|cached-single",
                     relink_now () + 3600, "Atzr|cached-single");
  g_auto (Result) exact_upper = { 0 };
  g_auto (Result) exact_lower = { 0 };
  g_auto (Result) ambiguous = { 0 };
  g_auto (Result) folded = { 0 };

  RUN (fixture, &exact_upper, NULL, "token", "Shop");
  g_assert_cmpint (exact_upper.status, ==, 0);
  g_assert_cmpstr (exact_upper.out, ==, "Atza|cached-upper\n");

  RUN (fixture, &exact_lower, NULL, "token", "shop");
  g_assert_cmpint (exact_lower.status, ==, 0);
  g_assert_cmpstr (exact_lower.out, ==, "Atza|cached-lower\n");

  RUN (fixture, &ambiguous, NULL, "token", "SHOP");
  g_assert_cmpint (ambiguous.status, ==, 4);
  g_assert_cmpstr (ambiguous.out, ==, "");
  g_assert_nonnull (strstr (ambiguous.err, upper));
  g_assert_nonnull (strstr (ambiguous.err, lower));

  /* One candidate in any case is still found. */
  RUN (fixture, &folded, NULL, "token", "only one");
  g_assert_cmpint (folded.status, ==, 0);
  g_assert_cmpstr (folded.out, ==, "Atza|cached-single\n");
  (void) single;
}

/* refresh --all with nothing to refresh ends at once (it used to wait
 * forever: the loop was quit before it ran). */
static void
test_refresh_all_nothing (Fixture *fixture, gconstpointer data)
{
  g_autofree char *unconnected
      = add_account (fixture, fixture->lwa_keyset, "New shop", NULL, 0, NULL);
  g_auto (Result) result = { 0 };

  RUN (fixture, &result, NULL, "refresh", "--all");
  g_assert_cmpint (result.status, ==, 0);
  g_assert_nonnull (strstr (result.out, "Refreshed 0 of 0 accounts"));
  g_assert_cmpuint (fixture->token_requests, ==, 0);
}

/* relinkctl never retries: a transient failure says "try again later",
 * not the window's "Relink will try again in 30 s". */
static void
test_transient_message (Fixture *fixture, gconstpointer data)
{
  g_autofree char *id = add_account (fixture, fixture->lwa_keyset, "Busy shop", "Atza|cached-b",
                                     relink_now () - 60, "Atzr|server-error");
  g_auto (Result) result = { 0 };

  RUN (fixture, &result, NULL, "refresh", id);
  g_assert_cmpint (result.status, ==, 5);
  g_assert_null (strstr (result.err, "will try again"));
  g_assert_nonnull (strstr (result.err, "Try again later."));
  assert_no_secret (result.err);
}

/* Import against a real OAuth server (tests/oidc): another seller's token
 * is refused before anything changes; the account's own is taken. */

static void
connect_as (RelinkAccountManager *manager, RelinkAccount *account, const char *user)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkSignIn) sign_in = relink_sign_in_new (manager, account, &error);
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *redirect = NULL;

  g_assert_no_error (error);
  redirect = relink_test_oidc_sign_in (relink_sign_in_get_authorize_url (sign_in), user, TRUE);
  relink_sign_in_complete_async (sign_in, redirect, NULL, relink_test_result_cb, &result);
  relink_sign_in_complete_finish (sign_in, relink_test_wait_result (&result), &error);
  g_assert_no_error (error);
}

static void
test_import_verified_identity (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkTestOidc) server = relink_test_oidc_start (NULL, &error);
  g_autofree char *providers = g_build_filename (fixture->config_dir, "relink", "providers", NULL);
  g_autofree char *db = g_build_filename (fixture->data_dir, "relink", "relink.db", NULL);
  g_autoptr (RelinkAccountManager) manager = NULL;
  g_autoptr (RelinkAccountManager) other = NULL;
  g_autofree char *other_db = NULL;
  g_autoptr (RelinkKeyset) keyset = NULL;
  g_autoptr (RelinkKeyset) other_keyset = NULL;
  g_autoptr (RelinkAccount) alice = NULL;
  g_autoptr (RelinkAccount) bob = NULL;
  g_autoptr (RelinkAccount) alice_again = NULL;
  g_autoptr (RelinkTokenSet) bob_tokens = NULL;
  g_autoptr (RelinkTokenSet) alice_tokens = NULL;
  g_autoptr (RelinkTokenSet) imported = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after_refused = NULL;
  g_autofree char *after = NULL;
  g_autofree char *bob_input = NULL;
  g_autofree char *alice_input = NULL;
  g_autofree char *sub = NULL;
  g_autoptr (RelinkAccount) row = NULL;
  g_auto (Result) refused = { 0 };
  g_auto (Result) taken = { 0 };

  g_assert_no_error (error);
  relink_test_oidc_write_profile (server, providers, NULL, TRUE);
  manager = relink_test_open_manager (db, providers);
  keyset = relink_test_add_keyset (manager, RELINK_TEST_OIDC_PROVIDER_ID, "test",
                                   RELINK_TEST_OIDC_CLIENT_ID, RELINK_TEST_OIDC_CLIENT_SECRET);

  alice = relink_test_add_account (manager, keyset, "Alice shop", "alice");
  bob = relink_test_add_account (manager, keyset, "Bob shop", "bob");
  /* Alice's second connection lives in another account list: one list
   * refuses the same seller twice. */
  other_db = g_build_filename (fixture->root, "other.db", NULL);
  other = relink_test_open_manager (other_db, providers);
  other_keyset
      = relink_test_add_keyset (other, RELINK_TEST_OIDC_PROVIDER_ID, "test",
                                RELINK_TEST_OIDC_CLIENT_ID, RELINK_TEST_OIDC_CLIENT_SECRET);
  alice_again = relink_test_add_account (other, other_keyset, "Alice elsewhere", "alice");
  g_ptr_array_add (fixture->account_ids, g_strdup (relink_account_get_id (alice)));
  g_ptr_array_add (fixture->account_ids, g_strdup (relink_account_get_id (bob)));
  g_ptr_array_add (fixture->account_ids, g_strdup (relink_account_get_id (alice_again)));
  connect_as (manager, alice, "alice");
  connect_as (manager, bob, "bob");
  connect_as (other, alice_again, "alice");

  before = relink_test_keyring_item (relink_account_get_id (alice));
  g_assert_nonnull (before);

  /* Bob's token, pasted into Alice's account. */
  bob_tokens = lookup_tokens (fixture, relink_account_get_id (bob));
  bob_input = g_strconcat (relink_token_set_get_refresh_token (bob_tokens), "\n", NULL);
  RUN (fixture, &refused, bob_input, "import", "Alice shop");
  g_assert_cmpint (refused.status, ==, 1);
  g_assert_cmpstr (refused.out, ==, "");
  g_test_message ("import of bob: %s", refused.err);
  g_assert_nonnull (strstr (refused.err, "This token belongs to bob, but this account is alice"));
  g_assert_null (strstr (refused.err, relink_token_set_get_refresh_token (bob_tokens)));
  after_refused = relink_test_keyring_item (relink_account_get_id (alice));
  g_assert_cmpstr (after_refused, ==, before);
  row = load_account (fixture, relink_account_get_id (alice));
  g_assert_cmpint (relink_account_get_status (row), ==, RELINK_ACCOUNT_STATUS_CONNECTED);
  g_clear_object (&row);

  /* Alice's own token, from her other connection: proven, then saved. */
  alice_tokens = lookup_tokens (fixture, relink_account_get_id (alice_again));
  alice_input = g_strconcat (relink_token_set_get_refresh_token (alice_tokens), "\n", NULL);
  RUN (fixture, &taken, alice_input, "import", "Alice shop");
  g_assert_cmpint (taken.status, ==, 0);
  g_assert_nonnull (strstr (taken.out, "Imported"));
  after = relink_test_keyring_item (relink_account_get_id (alice));
  g_assert_cmpstr (after, !=, before);
  imported = lookup_tokens (fixture, relink_account_get_id (alice));
  sub = relink_test_oidc_userinfo_sub (server, relink_token_set_get_access_token (imported));
  g_assert_cmpstr (sub, ==, "alice");
  row = load_account (fixture, relink_account_get_id (alice));
  g_assert_cmpint (relink_account_get_status (row), ==, RELINK_ACCOUNT_STATUS_CONNECTED);
  g_assert_cmpint (relink_account_get_access_expires_at (row), ==,
                   relink_token_set_get_access_expires_at (imported));

  {
    g_autoptr (GPtrArray) none = g_ptr_array_new ();

    /* The keysets' client secrets; the accounts go in the tear-down. */
    relink_test_clear_keyring (manager, none);
    relink_test_clear_keyring (other, none);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/relinkctl/help", test_help);
  ADD ("/relinkctl/status/exit-codes", test_status_exit_codes);
  ADD ("/relinkctl/status/broken-profile", test_status_broken_profile);
  ADD ("/relinkctl/status/skipped-profile", test_skipped_profile_quiet);
  ADD ("/relinkctl/refresh/unexpected-answer", test_refresh_unexpected_answer);
  ADD ("/relinkctl/json/schema", test_json_schema);
  ADD ("/relinkctl/list/human", test_list_human);
  ADD ("/relinkctl/c-locale", test_c_locale);
  ADD ("/relinkctl/token/cached", test_token_cached);
  ADD ("/relinkctl/token/refreshes", test_token_refreshes);
  ADD ("/relinkctl/token/failures", test_token_failures);
  ADD ("/relinkctl/token/keyring-locked", test_keyring_locked);
  ADD ("/relinkctl/refresh", test_refresh);
  ADD ("/relinkctl/import", test_import);
  ADD ("/relinkctl/import/refused", test_import_refused);
  ADD ("/relinkctl/import/terminal", test_import_terminal);
  ADD ("/relinkctl/test", test_test_command);
  ADD ("/relinkctl/revoke/fallback", test_revoke_fallback);
  ADD ("/relinkctl/revoke/refused", test_revoke_refused);
  ADD ("/relinkctl/revoke/unreachable", test_revoke_unreachable);
  ADD ("/relinkctl/revoke/unreachable-auth-n-auth", test_revoke_unreachable_auth_n_auth);
  ADD ("/relinkctl/revoke/force-rules", test_revoke_force_rules);
  ADD ("/relinkctl/front/no-http", test_front_links_no_http);
  ADD ("/relinkctl/front/delegates", test_front_delegates);
  ADD ("/relinkctl/usage/never-echoes", test_usage_never_echoes);
  ADD ("/relinkctl/nickname/case", test_nickname_case);
  ADD ("/relinkctl/refresh/all-nothing", test_refresh_all_nothing);
  ADD ("/relinkctl/refresh/transient-message", test_transient_message);
  ADD ("/relinkctl/import/verified-identity", test_import_verified_identity);
  ADD ("/relinkctl/grant/token", test_grant_token);
  ADD ("/relinkctl/grant/token-lapsed", test_grant_token_lapsed);
  ADD ("/relinkctl/grant/listing", test_grant_listing);
#undef ADD

  return g_test_run ();
}
