/* test-token-service.c: RelinkTokenService and RelinkKeepAlive end to end.
 *
 * Two servers: the real OAuth server of tests/oidc (rotation, reuse
 * detection, RFC 7009 revocation) for refresh, test and revoke; and an
 * in-process stub of Mercado Libre's token endpoint (single-use rotating
 * refresh tokens, per shared/providers.md) that counts requests and
 * answers with every error class. The keyring is the session's real one;
 * the store a real SQLite file. For the tests across processes the test
 * runs itself again as a child (see child_main()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "relink-account-manager.h"
#include "relink-backoff.h"
#include "relink-expiry.h"
#include "relink-keep-alive-private.h"
#include "relink-sign-in.h"
#include "relink-test-oidc.h"
#include "relink-test-util.h"
#include "relink-token-service.h"

#define DAY (24 * 3600)
#define STUB_ID "stub-ml"
#define STUB_NAME "Stub ML"
/* The same wire format without Mercado Libre's DELETE revocation, like
 * the marketplaces that have no revocation call. */
#define NO_REVOKE_ID "stub-no-revoke"
#define STUB_APP_ID "stub-app-id"
#define OFFLINE_ID "stub-offline"
#define OIDC_ID RELINK_TEST_OIDC_PROVIDER_ID
#define STUB_SECRET "stub-client-secret-value"
#define STUB_USER_ID "123456789"
#define CONNECTED_APPS "https://stub.example/apps"

/* Started on first use: node takes a while. */
static RelinkTestOidc *oidc;

typedef enum
{
  MODE_OK,
  MODE_INVALID_GRANT,
  MODE_NESTED_400, /* {"error":{"message":"An error occurred while refreshing token.","status":400}}
                    */
  MODE_INVALID_CLIENT,
  MODE_SERVER_ERROR,
  MODE_RATE_LIMITED,
  MODE_MALFORMED,
  MODE_OVERSIZED,
  /* Not OAuth refusals: a login redirect, a forbidden or missing page, and
   * an API's JSON 404 without an OAuth error. */
  MODE_REDIRECT_302,
  MODE_HTML_403,
  MODE_HTML_404,
  MODE_JSON_404,
} StubMode;

typedef struct
{
  char *dir;
  char *provider_dir;
  char *store_path;
  char *hooks_dir;
  RelinkStore *store;
  RelinkSecrets *secrets;
  RelinkProviderRegistry *providers;
  RelinkAccountManager *manager;
  RelinkTokenService *service;
  GPtrArray *account_ids;
  GAsyncResult *result;

  /* The stub. */
  SoupServer *stub;
  char *stub_base;
  StubMode mode;
  guint token_requests;
  guint identity_requests;
  guint revoke_requests;
  guint revoke_status; /* what DELETE /users/ID/applications/APP answers */
  guint serial;
  GHashTable *live_refresh;       /* refresh tokens the stub still takes */
  GHashTable *live_access;        /* access tokens the stub still takes */
  gboolean other_identity;        /* /users/me says someone else */
  gboolean refuse_access;         /* /users/me refuses every token */
  gboolean hold;                  /* keep token answers until released */
  GPtrArray *held;                /* SoupServerMessage */
  GSubprocess *kill_after_answer; /* SIGKILLed once a token answer is sent */
  gboolean killed;

  guint hooks_finished;
  guint refreshed;
} Fixture;

static void
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Lets the main loop run for @ms milliseconds. */
static void
wait_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add_once (ms, set_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
child_result_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The stub token server */

static void
answer_finished_cb (SoupServerMessage *msg, gpointer user_data)
{
  Fixture *fixture = user_data;

  /* The answer is out: the child may be saving it right now. */
  if (fixture->kill_after_answer != NULL && !fixture->killed)
    {
      g_subprocess_force_exit (fixture->kill_after_answer);
      fixture->killed = TRUE;
    }
}

static void
answer_refresh (Fixture *fixture, SoupServerMessage *msg, GHashTable *form)
{
  const char *refresh = form != NULL ? g_hash_table_lookup (form, "refresh_token") : NULL;
  const char *secret = form != NULL ? g_hash_table_lookup (form, "client_secret") : NULL;
  g_autofree char *access = NULL;
  g_autofree char *next = NULL;
  g_autofree char *json = NULL;

  switch (fixture->mode)
    {
      case MODE_INVALID_GRANT:
        relink_test_answer_json (
            msg, 400,
            "{\"error\":\"invalid_grant\",\"error_description\":\"Error validating "
            "grant. Your authorization code or refresh token may be expired or it was "
            "already used\",\"status\":400,\"cause\":[]}");
        return;

      case MODE_NESTED_400:
        relink_test_answer_json (msg, 400,
                                 "{\"error\":{\"message\":\"An error occurred while refreshing "
                                 "token.\",\"status\":400}}");
        return;

      case MODE_INVALID_CLIENT:
        relink_test_answer_json (
            msg, 401, "{\"error\":\"invalid_client\",\"error_description\":\"invalid client\"}");
        return;

      case MODE_SERVER_ERROR:
        relink_test_answer_json (msg, 500, "{\"message\":\"internal error\",\"status\":500}");
        return;

      case MODE_RATE_LIMITED:
        soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After",
                                      "120");
        relink_test_answer_json (msg, 429, "{\"message\":\"too many requests\",\"status\":429}");
        return;

      case MODE_MALFORMED:
        relink_test_answer_json (msg, 200, "{\"access_token\": \"APP_USR-broken");
        return;

      case MODE_REDIRECT_302:
        soup_server_message_set_redirect (msg, 302, "https://login.invalid/signin");
        return;

      case MODE_HTML_403:
      case MODE_HTML_404:
        soup_server_message_set_status (msg, fixture->mode == MODE_HTML_403 ? 403 : 404, NULL);
        soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                          "<html><body>Nope</body></html>", 30);
        return;

      case MODE_JSON_404:
        relink_test_answer_json (msg, 404,
                                 "{\"message\":\"resource not found\",\"error\":\"not_found\","
                                 "\"status\":404,\"cause\":[]}");
        return;

      case MODE_OVERSIZED:
        {
          gsize size = 300 * 1024;
          char *big = g_malloc (size);

          memset (big, ' ', size);
          big[0] = '{';
          big[size - 1] = '}';
          soup_server_message_set_status (msg, 200, NULL);
          soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, big, size);
          return;
        }

      case MODE_OK:
      default:
        break;
    }

  if (g_strcmp0 (secret, STUB_SECRET) != 0)
    {
      relink_test_answer_json (msg, 401,
                               "{\"error\":\"invalid_client\",\"error_description\":\"bad\"}");
      return;
    }

  /* Single use: the token is spent by this request, whatever happens to
   * the answer. */
  if (refresh == NULL || !g_hash_table_remove (fixture->live_refresh, refresh))
    {
      relink_test_answer_json (
          msg, 400,
          "{\"error\":\"invalid_grant\",\"error_description\":\"Error validating grant. "
          "Your authorization code or refresh token may be expired or it was already "
          "used\",\"status\":400,\"cause\":[]}");
      return;
    }

  fixture->serial++;
  access = g_strdup_printf ("APP_USR-stub-access-%u", fixture->serial);
  next = g_strdup_printf ("TG-stub-refresh-%u", fixture->serial);
  g_hash_table_add (fixture->live_refresh, g_strdup (next));
  g_hash_table_add (fixture->live_access, g_strdup (access));

  json = g_strdup_printf ("{\"access_token\":\"%s\",\"token_type\":\"Bearer\",\"expires_in\":21600,"
                          "\"scope\":\"offline_access read write\",\"user_id\":" STUB_USER_ID
                          ",\"refresh_token\":\"%s\"}",
                          access, next);
  relink_test_answer_json (msg, 200, json);
}

static void
token_cb (SoupServer *server,
          SoupServerMessage *msg,
          const char *path,
          GHashTable *query,
          gpointer user_data)
{
  Fixture *fixture = user_data;
  g_autoptr (GHashTable) form = relink_test_read_form (msg);

  fixture->token_requests++;

  /* A sign-in's code: Mercado Libre answers as to a refresh. */
  if (g_strcmp0 (g_hash_table_lookup (form, "grant_type"), "authorization_code") == 0)
    {
      g_autofree char *access = g_strdup_printf ("APP_USR-stub-access-%u", ++fixture->serial);
      g_autofree char *next = g_strdup_printf ("TG-stub-refresh-%u", fixture->serial);
      g_autofree char *json = NULL;

      g_assert_cmpstr (g_hash_table_lookup (form, "code"), ==, "TG-stub-code");
      g_hash_table_add (fixture->live_refresh, g_strdup (next));
      g_hash_table_add (fixture->live_access, g_strdup (access));
      json = g_strdup_printf ("{\"access_token\":\"%s\",\"token_type\":\"Bearer\","
                              "\"expires_in\":21600,\"scope\":\"offline_access read write\","
                              "\"user_id\":" STUB_USER_ID ",\"refresh_token\":\"%s\"}",
                              access, next);
      relink_test_answer_json (msg, 200, json);
      return;
    }

  g_assert_cmpstr (g_hash_table_lookup (form, "grant_type"), ==, "refresh_token");

  /* Frozen before it can read the answer, killed once the answer is out:
   * it dies between the answer and the keyring write, whatever the load
   * on the machine. */
  if (fixture->kill_after_answer != NULL && !fixture->killed)
    g_subprocess_send_signal (fixture->kill_after_answer, SIGSTOP);

  answer_refresh (fixture, msg, form);
  g_signal_connect (msg, "finished", G_CALLBACK (answer_finished_cb), fixture);

  if (fixture->hold)
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (fixture->held, g_object_ref (msg));
    }
}

static void
release_held (Fixture *fixture)
{
  fixture->hold = FALSE;
  for (guint i = 0; i < fixture->held->len; i++)
    soup_server_message_unpause (g_ptr_array_index (fixture->held, i));
  g_ptr_array_set_size (fixture->held, 0);
}

/* Whether @msg carries a live access token as Bearer; @spend: the call
 * uses it up. */
static gboolean
accepts_bearer (Fixture *fixture, SoupServerMessage *msg, gboolean spend)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");

  if (auth == NULL || !g_str_has_prefix (auth, "Bearer "))
    return FALSE;
  auth += strlen ("Bearer ");
  return spend ? g_hash_table_remove (fixture->live_access, auth)
               : g_hash_table_contains (fixture->live_access, auth);
}

/* Mercado Libre's answer to a dead access token. */
static void
answer_invalid_token (SoupServerMessage *msg)
{
  relink_test_answer_json (msg, 401,
                           "{\"message\":\"invalid_token\",\"error\":\"invalid_token\","
                           "\"status\":401}");
}

static void
users_me_cb (SoupServer *server,
             SoupServerMessage *msg,
             const char *path,
             GHashTable *query,
             gpointer user_data)
{
  Fixture *fixture = user_data;

  fixture->identity_requests++;
  if (fixture->refuse_access || !accepts_bearer (fixture, msg, FALSE))
    {
      answer_invalid_token (msg);
      return;
    }

  if (fixture->other_identity)
    relink_test_answer_json (msg, 200,
                             "{\"id\":987654321,\"nickname\":\"shop_b\",\"site_id\":\"MLA\"}");
  else
    relink_test_answer_json (
        msg, 200, "{\"id\":" STUB_USER_ID ",\"nickname\":\"shop_a\",\"site_id\":\"MLA\"}");
}

/* Mercado Libre's revocation: DELETE /users/{user_id}/applications/{app_id}
 * with the access token (providers.md). */
static void
revoke_application_cb (SoupServer *server,
                       SoupServerMessage *msg,
                       const char *path,
                       GHashTable *query,
                       gpointer user_data)
{
  Fixture *fixture = user_data;

  fixture->revoke_requests++;
  g_assert_cmpstr (soup_server_message_get_method (msg), ==, "DELETE");
  g_assert_cmpstr (path, ==, "/users/" STUB_USER_ID "/applications/" STUB_APP_ID);
  g_assert_null (query);
  g_assert_cmpint (soup_server_message_get_request_body (msg)->length, ==, 0);

  if (!accepts_bearer (fixture, msg, TRUE))
    {
      answer_invalid_token (msg);
      return;
    }

  switch (fixture->revoke_status)
    {
      case 0:
      case 200:
        /* The grant is gone: so is every token of it. */
        g_hash_table_remove_all (fixture->live_access);
        g_hash_table_remove_all (fixture->live_refresh);
        relink_test_answer_json (msg, 200, "{\"user_id\":" STUB_USER_ID ",\"app_id\":1}");
        break;

      case 404:
        relink_test_answer_json (msg, 404,
                                 "{\"message\":\"Application not found\",\"error\":"
                                 "\"not_found\",\"status\":404,\"cause\":[]}");
        break;

      default:
        relink_test_answer_json (msg, fixture->revoke_status,
                                 "{\"message\":\"unavailable\",\"status\":503}");
        break;
    }
}

/* Fixture */

static void
write_profiles (Fixture *fixture, gboolean with_oidc)
{
  g_autofree char *stub_json = NULL;
  g_autofree char *offline_json = NULL;

  /* Mercado Libre's wire format (providers.md), pointed at the stub. */
  for (guint i = 0; i < 2; i++)
    {
      gboolean revokes = i == 0;
      const char *id = revokes ? STUB_ID : NO_REVOKE_ID;
      g_autofree char *file = g_strconcat (id, ".json", NULL);
      g_autofree char *revoke = revokes ? g_strdup_printf ("\"revoke_application_url\": "
                                                           "\"%s/users/{user_id}/applications/"
                                                           "{client_id}\",",
                                                           fixture->stub_base)
                                        : g_strdup ("");

      g_free (stub_json);
      stub_json = g_strdup_printf (
          "{ \"format_version\": 1, \"id\": \"%s\", \"name\": \"" STUB_NAME "\","
          "  \"client_auth\": \"body\", \"pkce\": \"optional\", \"scopes\": [],"
          "  \"access_lifetime\": 21600, \"refresh_lifetime\": 15552000,"
          "  \"rotating_refresh\": true, \"refresh_extends\": true,"
          "  \"identity\": { \"source\": \"endpoint\", \"id_field\": \"id\","
          "                  \"name_field\": \"nickname\" },"
          "  \"environments\": [ { \"id\": \"ar\", \"name\": \"Argentina\", \"production\": true,"
          "    \"authorize_url\": \"%s/authorization\", \"token_url\": \"%s/oauth/token\","
          "    \"identity_url\": \"%s/users/me\", %s"
          "    \"connected_apps_url\": \"" CONNECTED_APPS "\" } ] }",
          id, fixture->stub_base, fixture->stub_base, fixture->stub_base, revoke);
      relink_test_write_file (fixture->provider_dir, file, stub_json);
    }

  /* Nothing listens on port 1: every call fails as if offline. */
  offline_json = g_strdup (
      "{ \"format_version\": 1, \"id\": \"" OFFLINE_ID "\", \"name\": \"Offline Market\","
      "  \"client_auth\": \"body\", \"pkce\": \"none\", \"scopes\": [],"
      "  \"access_lifetime\": 3600, \"refresh_lifetime\": 31536000,"
      "  \"identity\": { \"source\": \"endpoint\", \"id_field\": \"id\" },"
      "  \"environments\": [ { \"id\": \"production\", \"name\": \"Production\","
      "    \"authorize_url\": \"http://127.0.0.1:1/authorize\","
      "    \"token_url\": \"http://127.0.0.1:1/token\","
      "    \"identity_url\": \"http://127.0.0.1:1/me\" } ] }");
  relink_test_write_file (fixture->provider_dir, "stub-offline.json", offline_json);

  if (with_oidc)
    relink_test_oidc_write_profile (oidc, fixture->provider_dir, NULL, TRUE);
}

static void
hooks_finished_cb (RelinkTokenService *service, RelinkAccount *account, guint ran, Fixture *fixture)
{
  fixture->hooks_finished++;
}

static void
refreshed_cb (RelinkTokenService *service, RelinkAccount *account, Fixture *fixture)
{
  fixture->refreshed++;
}

static void
open_manager (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;

  fixture->manager = relink_test_open_manager (fixture->store_path, fixture->provider_dir);
  fixture->store = g_object_ref (relink_account_manager_get_store (fixture->manager));
  fixture->secrets = g_object_ref (relink_account_manager_get_secrets (fixture->manager));
  fixture->providers = g_object_ref (relink_account_manager_get_providers (fixture->manager));
  g_assert_true (relink_account_manager_load_sync (fixture->manager, NULL, &error));
  g_assert_no_error (error);

  fixture->service = relink_token_service_new (fixture->manager);
  g_signal_connect (fixture->service, "hooks-finished", G_CALLBACK (hooks_finished_cb), fixture);
  g_signal_connect (fixture->service, "refreshed", G_CALLBACK (refreshed_cb), fixture);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gboolean with_oidc = GPOINTER_TO_INT (data);

  fixture->dir = relink_test_make_tmp_dir ();
  fixture->provider_dir = g_build_filename (fixture->dir, "providers", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fixture->provider_dir, 0700), ==, 0);
  fixture->store_path = g_build_filename (fixture->dir, "relink.db", NULL);
  fixture->account_ids = g_ptr_array_new_with_free_func (g_free);
  fixture->live_refresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fixture->live_access = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fixture->held = g_ptr_array_new_with_free_func (g_object_unref);

  /* The hooks of this test: the default place under the test's config dir. */
  fixture->hooks_dir = g_build_filename (g_get_user_config_dir (), "relink", "hooks", NULL);
  relink_test_remove_dir (fixture->hooks_dir);

  fixture->stub = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->stub, "/oauth/token", token_cb, fixture, NULL);
  soup_server_add_handler (fixture->stub, "/users/me", users_me_cb, fixture, NULL);
  soup_server_add_handler (fixture->stub, "/users", revoke_application_cb, fixture, NULL);
  fixture->stub_base = relink_test_listen_local (fixture->stub);

  if (with_oidc && oidc == NULL)
    {
      const char *const args[] = { "--access-ttl", "600", NULL };

      oidc = relink_test_oidc_start (args, &error);
      g_assert_no_error (error);
    }

  write_profiles (fixture, with_oidc);
  open_manager (fixture);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  release_held (fixture);
  relink_test_clear_keyring (fixture->manager, fixture->account_ids);

  g_clear_object (&fixture->result);
  g_clear_object (&fixture->kill_after_answer);
  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->service));
  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->manager));
  g_clear_object (&fixture->providers);
  g_clear_object (&fixture->secrets);
  g_clear_object (&fixture->store);
  soup_server_disconnect (fixture->stub);
  g_clear_object (&fixture->stub);
  g_clear_pointer (&fixture->held, g_ptr_array_unref);
  g_clear_pointer (&fixture->live_refresh, g_hash_table_unref);
  g_clear_pointer (&fixture->live_access, g_hash_table_unref);
  g_clear_pointer (&fixture->account_ids, g_ptr_array_unref);
  relink_test_remove_dir (fixture->hooks_dir);
  relink_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->provider_dir);
  g_free (fixture->store_path);
  g_free (fixture->hooks_dir);
  g_free (fixture->stub_base);
}

/* Keysets and accounts */

static RelinkAccount *
add_account (Fixture *fixture, RelinkKeyset *keyset, const char *nickname)
{
  RelinkAccount *account = relink_test_add_account (fixture->manager, keyset, nickname, NULL);

  g_ptr_array_add (fixture->account_ids, g_strdup (relink_account_get_id (account)));
  return account;
}

/* Connects @account to the stub as if signed in @age seconds ago, with an
 * access token that expires in @access_left seconds. */
static void
connect_stub (Fixture *fixture, RelinkAccount *account, gint64 age, gint64 access_left)
{
  g_autoptr (RelinkTokenSet) tokens = relink_token_set_new ();
  g_autoptr (GError) error = NULL;
  gint64 now = relink_now ();
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;

  fixture->serial++;
  access = g_strdup_printf ("APP_USR-stub-access-%u", fixture->serial);
  refresh = g_strdup_printf ("TG-stub-refresh-%u", fixture->serial);
  g_hash_table_add (fixture->live_access, g_strdup (access));
  g_hash_table_add (fixture->live_refresh, g_strdup (refresh));

  relink_token_set_set_access_token (tokens, access);
  relink_token_set_set_refresh_token (tokens, refresh);
  relink_token_set_set_token_type (tokens, "Bearer");
  relink_token_set_set_issued_at (tokens, now - age);
  relink_token_set_set_access_expires_at (tokens, now + access_left);
  relink_token_set_set_refresh_expires_at (tokens, now - age + 180 * DAY);

  g_assert_true (relink_secrets_store_tokens_sync (fixture->secrets,
                                                   relink_account_get_id (account),
                                                   "Relink test tokens", tokens, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (relink_store_update_sign_in (
      fixture->store, relink_account_get_id (account), STUB_USER_ID, "shop_a",
      "offline_access read write", now - age, now + access_left, now - age + 180 * DAY, &error));
  g_assert_no_error (error);

  relink_account_set_identity_id (account, STUB_USER_ID);
  relink_account_set_identity_name (account, "shop_a");
  relink_account_set_authorised_at (account, now - age);
  relink_account_set_access_expires_at (account, now + access_left);
  relink_account_set_refresh_expires_at (account, now - age + 180 * DAY);
  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_CONNECTED);
}

static RelinkAccount *
new_account_of (Fixture *fixture,
                const char *profile_id,
                RelinkKeyset **out_keyset,
                gint64 access_left)
{
  g_autoptr (RelinkKeyset) keyset
      = relink_test_add_keyset (fixture->manager, profile_id, "ar", STUB_APP_ID, STUB_SECRET);
  RelinkAccount *account = add_account (fixture, keyset, "Shop A");

  connect_stub (fixture, account, 5 * 3600, access_left);
  if (out_keyset != NULL)
    *out_keyset = g_steal_pointer (&keyset);
  return account;
}

static RelinkAccount *
new_stub_account (Fixture *fixture, RelinkKeyset **out_keyset, gint64 access_left)
{
  return new_account_of (fixture, STUB_ID, out_keyset, access_left);
}

/* Reading back */

static guint
count_history (Fixture *fixture, RelinkAccount *account, RelinkHistoryKind kind)
{
  g_autoptr (GPtrArray) entries = relink_test_history (fixture->manager, account);
  guint n = 0;

  for (guint i = 0; i < entries->len; i++)
    if (relink_history_entry_get_kind (g_ptr_array_index (entries, i)) == kind)
      n++;
  return n;
}

static gint64
refresh_mark (Fixture *fixture, RelinkAccount *account)
{
  g_autoptr (GError) error = NULL;
  gint64 started = -1;

  g_assert_true (relink_store_get_refresh_started (fixture->store, relink_account_get_id (account),
                                                   &started, &error));
  g_assert_no_error (error);
  return started;
}

/* Running the service */

static char *
get_token (Fixture *fixture, RelinkAccount *account, gint64 *expires_at, GError **error)
{
  char *token;

  relink_token_service_get_access_token_async (fixture->service, account, NULL,
                                               relink_test_result_cb, &fixture->result);
  token = relink_token_service_get_access_token_finish (
      fixture->service, relink_test_wait_result (&fixture->result), expires_at, error);
  g_clear_object (&fixture->result);
  return token;
}

static gboolean
force_refresh (Fixture *fixture, RelinkAccount *account, GError **error)
{
  gboolean ok;

  relink_token_service_refresh_async (fixture->service, account, NULL, relink_test_result_cb,
                                      &fixture->result);
  ok = relink_token_service_refresh_finish (fixture->service,
                                            relink_test_wait_result (&fixture->result), error);
  g_clear_object (&fixture->result);
  return ok;
}

static char *
test_connection (Fixture *fixture, RelinkAccount *account, GError **error)
{
  char *text;

  relink_token_service_test_async (fixture->service, account, NULL, relink_test_result_cb,
                                   &fixture->result);
  text = relink_token_service_test_finish (fixture->service,
                                           relink_test_wait_result (&fixture->result), error);
  g_clear_object (&fixture->result);
  return text;
}

/* Revokes @account; @withdrawn: whether the marketplace confirmed. */
static gboolean
revoke_account (
    Fixture *fixture, RelinkAccount *account, gboolean *withdrawn, char **url, GError **error)
{
  gboolean ok;

  relink_token_service_revoke_async (fixture->service, account, NULL, relink_test_result_cb,
                                     &fixture->result);
  ok = relink_token_service_revoke_finish (
      fixture->service, relink_test_wait_result (&fixture->result), withdrawn, url, error);
  g_clear_object (&fixture->result);
  return ok;
}

/* Stub: refresh */

static void
test_cached_token (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = new_stub_account (fixture, NULL, 3600);
  g_autofree char *before = relink_test_keyring_json (fixture->manager, account);
  g_autofree char *after = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkSecretString) token = NULL;
  gint64 expires_at = 0;

  /* An hour left, a margin of five minutes: no request. */
  token = get_token (fixture, account, &expires_at, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "APP_USR-stub-access-1");
  g_assert_cmpint (expires_at, ==, relink_account_get_access_expires_at (account));
  g_assert_cmpuint (fixture->token_requests, ==, 0);

  after = relink_test_keyring_json (fixture->manager, account);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (count_history (fixture, account, RELINK_HISTORY_KIND_REFRESH), ==, 0);
  g_assert_cmpint (refresh_mark (fixture, account), ==, 0);

  /* A margin wider than what is left: refreshed. */
  relink_token_service_set_margin (fixture->service, 2 * 3600);
  g_clear_pointer (&token, relink_secret_free);
  token = get_token (fixture, account, &expires_at, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "APP_USR-stub-access-2");
  g_assert_cmpuint (fixture->token_requests, ==, 1);
}

static void
test_refresh_rotates (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = new_stub_account (fixture, NULL, 60);
  g_autoptr (RelinkAccount) row = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkSecretString) token = NULL;
  gint64 before = relink_now ();
  gint64 expires_at = 0;

  /* A minute left: within the margin, so the token is refreshed first. */
  token = get_token (fixture, account, &expires_at, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "APP_USR-stub-access-2");
  g_assert_cmpuint (fixture->token_requests, ==, 1);
  g_assert_cmpint (expires_at, >=, before + 21600);
  g_assert_cmpint (expires_at, <=, relink_now () + 21600);

  /* The new refresh token is saved, the old one is spent at the stub. */
  tokens = relink_test_keyring_tokens (fixture->manager, account);
  g_assert_cmpstr (relink_token_set_get_access_token (tokens), ==, "APP_USR-stub-access-2");
  g_assert_cmpstr (relink_token_set_get_refresh_token (tokens), ==, "TG-stub-refresh-2");
  g_assert_false (g_hash_table_contains (fixture->live_refresh, "TG-stub-refresh-1"));
  g_assert_true (g_hash_table_contains (fixture->live_refresh, "TG-stub-refresh-2"));
  /* Refreshing extends the authorisation: a fresh profile lifetime. */
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (tokens), >=, before + 15552000);

  /* The store and the object followed. */
  row = relink_test_stored_account (fixture->manager, account);
  g_assert_cmpint (relink_account_get_access_expires_at (row), ==, expires_at);
  g_assert_cmpint (relink_account_get_refresh_expires_at (row), ==,
                   relink_token_set_get_refresh_expires_at (tokens));
  g_assert_cmpint (relink_account_get_last_refresh_at (row), >=, before);
  g_assert_cmpint (relink_account_get_status (row), ==, RELINK_ACCOUNT_STATUS_CONNECTED);
  g_assert_cmpint (relink_account_get_access_expires_at (account), ==, expires_at);
  g_assert_cmpint (relink_account_get_last_refresh_at (account), ==,
                   relink_account_get_last_refresh_at (row));
  g_assert_cmpint (refresh_mark (fixture, account), ==, 0);

  entries = relink_test_history (fixture->manager, account);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpint (relink_history_entry_get_kind (entries->pdata[0]), ==,
                   RELINK_HISTORY_KIND_REFRESH);
  g_assert_true (relink_history_entry_get_ok (entries->pdata[0]));
  g_assert_cmpstr (relink_history_entry_get_program (entries->pdata[0]), ==, "window");
  g_assert_cmpuint (fixture->refreshed, ==, 1);

  /* A forced refresh rotates again. */
  g_assert_true (force_refresh (fixture, account, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->token_requests, ==, 2);
  g_clear_object (&tokens);
  tokens = relink_test_keyring_tokens (fixture->manager, account);
  g_assert_cmpstr (relink_token_set_get_refresh_token (tokens), ==, "TG-stub-refresh-3");
}

typedef struct
{
  Fixture *fixture;
  guint done;
  char *tokens[2];
} Joined;

static void
joined_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Joined *joined = user_data;
  g_autoptr (GError) error = NULL;
  char *token;

  token = relink_token_service_get_access_token_finish (RELINK_TOKEN_SERVICE (object), result, NULL,
                                                        &error);
  g_assert_no_error (error);
  joined->tokens[joined->done++] = token;
}

/* Two callers in one process: one request, the second joins the first. */
static void
test_joins_in_flight (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = new_stub_account (fixture, NULL, 60);
  Joined joined = { fixture, 0, { NULL, NULL } };

  fixture->hold = TRUE;
  relink_token_service_get_access_token_async (fixture->service, account, NULL, joined_cb, &joined);
  relink_token_service_get_access_token_async (fixture->service, account, NULL, joined_cb, &joined);
  while (fixture->token_requests == 0)
    g_main_context_iteration (NULL, TRUE);
  release_held (fixture);
  while (joined.done < 2)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (fixture->token_requests, ==, 1);
  g_assert_cmpstr (joined.tokens[0], ==, "APP_USR-stub-access-2");
  g_assert_cmpstr (joined.tokens[1], ==, "APP_USR-stub-access-2");
  relink_secret_free (joined.tokens[0]);
  relink_secret_free (joined.tokens[1]);
}

/* Across processes */

typedef struct
{
  GSubprocess *process;
  GDataInputStream *out;
  char *ready;
  char *token;
  gboolean exited;
} Child;

static GSubprocess *
spawn_child (Fixture *fixture, RelinkAccount *account, const char *action)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;
  GSubprocess *process;
  char exe[4096];
  gssize len = readlink ("/proc/self/exe", exe, sizeof exe - 1);

  g_assert_cmpint (len, >, 0);
  exe[len] = '\0';

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "RELINK_TEST_CHILD_STORE", fixture->store_path, TRUE);
  g_subprocess_launcher_setenv (launcher, "RELINK_TEST_CHILD_PROVIDERS", fixture->provider_dir,
                                TRUE);
  g_subprocess_launcher_setenv (launcher, "RELINK_TEST_CHILD_ACCOUNT",
                                relink_account_get_id (account), TRUE);
  g_subprocess_launcher_setenv (launcher, "RELINK_TEST_CHILD_ACTION", action, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, exe, "--relink-test-child", NULL);
  g_assert_no_error (error);
  return process;
}

static void
wait_exit_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Child *child = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  child->exited = TRUE;
}

static void
line_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  char **line = user_data;
  g_autoptr (GError) error = NULL;

  *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL,
                                                     &error);
  g_assert_no_error (error);
  if (*line == NULL)
    *line = g_strdup ("EOF");
}

/* Two processes refresh the same rotating account at the same moment:
 * exactly one token request, and both get the same new token. */
static void
test_two_processes (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = new_stub_account (fixture, NULL, 60);
  g_autoptr (RelinkTokenSet) tokens = NULL;
  Child children[2] = { 0 };

  fixture->hold = TRUE;
  for (guint i = 0; i < 2; i++)
    {
      children[i].process = spawn_child (fixture, account, "token");
      children[i].out
          = g_data_input_stream_new (g_subprocess_get_stdout_pipe (children[i].process));
      g_data_input_stream_read_line_async (children[i].out, G_PRIORITY_DEFAULT, NULL, line_cb,
                                           &children[i].ready);
    }

  /* Both are about to ask; the first request is held at the stub... */
  while (children[0].ready == NULL || children[1].ready == NULL || fixture->token_requests == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (children[0].ready, ==, "READY");
  g_assert_cmpstr (children[1].ready, ==, "READY");

  /* ... long enough for the other to reach the lock. This only widens
   * the window; the assertions hold whichever way the race goes. */
  wait_ms (300);
  release_held (fixture);

  for (guint i = 0; i < 2; i++)
    {
      g_data_input_stream_read_line_async (children[i].out, G_PRIORITY_DEFAULT, NULL, line_cb,
                                           &children[i].token);
      g_subprocess_wait_async (children[i].process, NULL, wait_exit_cb, &children[i]);
    }
  while (children[0].token == NULL || children[1].token == NULL || !children[0].exited
         || !children[1].exited)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpstr (children[0].token, ==, "TOKEN APP_USR-stub-access-2");
  g_assert_cmpstr (children[1].token, ==, "TOKEN APP_USR-stub-access-2");
  g_assert_cmpuint (fixture->token_requests, ==, 1);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (g_subprocess_get_successful (children[i].process));
      g_clear_object (&children[i].out);
      g_clear_object (&children[i].process);
      g_free (children[i].ready);
      g_free (children[i].token);
    }

  tokens = relink_test_keyring_tokens (fixture->manager, account);
  g_assert_cmpstr (relink_token_set_get_refresh_token (tokens), ==, "TG-stub-refresh-2");
  g_assert_cmpuint (count_history (fixture, account, RELINK_HISTORY_KIND_REFRESH), ==, 1);
  g_assert_cmpint (refresh_mark (fixture, account), ==, 0);
}

/* A process killed between the token answer and the keyring write: the
 * account is on the old token (keyring untouched) or on the new one, and
 * the next run says which. */
static void
test_killed_mid_refresh (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = new_stub_account (fixture, NULL, 60);
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkSecretString) token = NULL;
  g_autofree char *old_json = relink_test_keyring_json (fixture->manager, account);
  g_autofree char *json = NULL;
  Child child = { 0 };
  gboolean on_new;
  gint64 mark;

  child.process = spawn_child (fixture, account, "token");
  fixture->kill_after_answer = g_object_ref (child.process);
  g_subprocess_wait_async (child.process, NULL, wait_exit_cb, &child);
  while (!child.exited)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (fixture->killed);
  g_assert_true (g_subprocess_get_if_signaled (child.process));
  g_assert_cmpuint (fixture->token_requests, ==, 1);
  /* The stub rotated: the old refresh token is spent. */
  g_assert_false (g_hash_table_contains (fixture->live_refresh, "TG-stub-refresh-1"));
  g_clear_object (&child.process);

  /* Consistent: exactly the old set, or exactly the answer. */
  json = relink_test_keyring_json (fixture->manager, account);
  tokens = relink_test_keyring_tokens (fixture->manager, account);
  on_new = g_strcmp0 (json, old_json) != 0;
  if (on_new)
    {
      g_assert_cmpstr (relink_token_set_get_access_token (tokens), ==, "APP_USR-stub-access-2");
      g_assert_cmpstr (relink_token_set_get_refresh_token (tokens), ==, "TG-stub-refresh-2");
    }
  mark = refresh_mark (fixture, account);
  /* Killed right after the answer: the mark of the refresh is still there. */
  g_assert_true (mark > 0);
  g_test_message ("after the kill the keyring holds the %s token", on_new ? "new" : "old");

  /* The next run. */
  token = get_token (fixture, account, NULL, &error);
  entries = relink_test_history (fixture->manager, account);
  g_assert_cmpint (refresh_mark (fixture, account), ==, 0);

  if (on_new)
    {
      g_assert_no_error (error);
      g_assert_cmpstr (token, ==, "APP_USR-stub-access-2");
      g_assert_cmpuint (fixture->token_requests, ==, 1);
      if (mark > 0)
        g_assert_cmpstr (relink_history_entry_get_message (entries->pdata[0]), ==,
                         "A refresh was interrupted after the new token had been saved; Relink "
                         "uses the new token.");
      g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_CONNECTED);
    }
  else
    {
      g_autofree char *after = relink_test_keyring_json (fixture->manager, account);

      /* The old token was tried once more; the stub had spent it. */
      g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_GRANT);
      g_assert_cmpstr (error->message, ==,
                       "A refresh was interrupted and " STUB_NAME " may have already replaced "
                       "the token. Renew the account to sign in again.");
      g_assert_cmpuint (fixture->token_requests, ==, 2);
      g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
      g_assert_cmpstr (relink_account_get_status_message (account), ==, error->message);
      g_assert_cmpstr (after, ==, old_json);
      g_assert_cmpuint (entries->len, ==, 2);
      g_assert_cmpstr (relink_history_entry_get_message (entries->pdata[1]), ==,
                       "A refresh was interrupted before the new token was saved; Relink still "
                       "uses the previous token.");
    }
}

/* The same two outcomes, set up by hand so each is certain. */
static void
test_interrupted_saved (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = new_stub_account (fixture, NULL, 60);
  g_autoptr (RelinkTokenSet) answer = relink_token_set_new ();
  g_autoptr (RelinkAccount) row = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkSecretString) token = NULL;
  gint64 now = relink_now ();

  /* The dead process had marked the refresh and saved the answer. */
  g_assert_true (relink_store_set_refresh_started (fixture->store, relink_account_get_id (account),
                                                   now - 10, &error));
  relink_token_set_set_access_token (answer, "APP_USR-stub-access-9");
  relink_token_set_set_refresh_token (answer, "TG-stub-refresh-9");
  relink_token_set_set_issued_at (answer, now - 9);
  relink_token_set_set_access_expires_at (answer, now - 9 + 21600);
  relink_token_set_set_refresh_expires_at (answer, now - 9 + 180 * DAY);
  g_assert_true (relink_secrets_store_tokens_sync (fixture->secrets,
                                                   relink_account_get_id (account),
                                                   "Relink test tokens", answer, NULL, &error));
  g_assert_no_error (error);

  token = get_token (fixture, account, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "APP_USR-stub-access-9");
  g_assert_cmpuint (fixture->token_requests, ==, 0);

  /* The store caught up with the keyring. */
  row = relink_test_stored_account (fixture->manager, account);
  g_assert_cmpint (relink_account_get_access_expires_at (row), ==, now - 9 + 21600);
  g_assert_cmpint (relink_account_get_refresh_expires_at (row), ==, now - 9 + 180 * DAY);
  g_assert_cmpint (relink_account_get_last_refresh_at (row), ==, now - 9);
  g_assert_cmpint (relink_account_get_refresh_expires_at (account), ==, now - 9 + 180 * DAY);
  g_assert_cmpint (refresh_mark (fixture, account), ==, 0);
  entries = relink_test_history (fixture->manager, account);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_true (relink_history_entry_get_ok (entries->pdata[0]));
  g_assert_cmpstr (relink_history_entry_get_message (entries->pdata[0]), ==,
                   "A refresh was interrupted after the new token had been saved; Relink uses "
                   "the new token.");
}

static void
test_interrupted_lost (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = new_stub_account (fixture, NULL, 60);
  g_autoptr (RelinkAccount) row = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkSecretString) token = NULL;
  g_autofree char *before = relink_test_keyring_json (fixture->manager, account);
  g_autofree char *after = NULL;

  /* Marked, then the answer was lost: the old token is still in the
   * keyring, but the marketplace had spent it. */
  g_assert_true (relink_store_set_refresh_started (fixture->store, relink_account_get_id (account),
                                                   relink_now () - 10, &error));
  g_hash_table_remove (fixture->live_refresh, "TG-stub-refresh-1");

  token = get_token (fixture, account, NULL, &error);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_GRANT);
  g_assert_null (token);
  g_assert_cmpstr (error->message, ==,
                   "A refresh was interrupted and " STUB_NAME " may have already replaced the "
                   "token. Renew the account to sign in again.");

  row = relink_test_stored_account (fixture->manager, account);
  g_assert_cmpint (relink_account_get_status (row), ==, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
  g_assert_cmpstr (relink_account_get_status_message (row), ==, error->message);
  after = relink_test_keyring_json (fixture->manager, account);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (refresh_mark (fixture, account), ==, 0);
  g_clear_error (&error);

  /* When the request never reached the marketplace, the old token works. */
  {
    g_autoptr (RelinkAccount) other = new_stub_account (fixture, NULL, 60);

    g_assert_true (relink_store_set_refresh_started (fixture->store, relink_account_get_id (other),
                                                     relink_now () - 10, &error));
    g_clear_pointer (&token, relink_secret_free);
    token = get_token (fixture, other, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (token, ==, "APP_USR-stub-access-3");
    g_assert_cmpint (relink_account_get_status (other), ==, RELINK_ACCOUNT_STATUS_CONNECTED);
    g_assert_cmpuint (count_history (fixture, other, RELINK_HISTORY_KIND_REFRESH), ==, 2);
  }
}

/* Error classes */

typedef struct
{
  StubMode mode;
  RelinkOAuthError code;
  RelinkAccountStatus status;
  const char *message; /* exact, or a prefix when it ends in "in " */
  gboolean retry;
} FailureCase;

static void
test_failure (Fixture *fixture, gconstpointer data)
{
  const FailureCase cases[] = {
    { MODE_INVALID_GRANT, RELINK_OAUTH_ERROR_INVALID_GRANT, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH,
      STUB_NAME " no longer accepts the saved authorization. Renew the account to sign in again.",
      FALSE },
    { MODE_NESTED_400, RELINK_OAUTH_ERROR_FAILED, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH,
      STUB_NAME " no longer accepts the saved authorization. Renew the account to sign in again.",
      FALSE },
    { MODE_SERVER_ERROR, RELINK_OAUTH_ERROR_SERVER, RELINK_ACCOUNT_STATUS_ERROR,
      STUB_NAME " has a problem on its side. Relink will try again in ", TRUE },
    { MODE_RATE_LIMITED, RELINK_OAUTH_ERROR_RATE_LIMITED, RELINK_ACCOUNT_STATUS_ERROR,
      STUB_NAME " asks Relink to slow down. Relink will try again in 2 min.", TRUE },
    { MODE_MALFORMED, RELINK_OAUTH_ERROR_MALFORMED, RELINK_ACCOUNT_STATUS_ERROR,
      STUB_NAME " sent an unexpected answer; the saved tokens were kept. Relink will try again "
                "in ",
      TRUE },
    { MODE_OVERSIZED, RELINK_OAUTH_ERROR_MALFORMED, RELINK_ACCOUNT_STATUS_ERROR,
      STUB_NAME " sent an unexpected answer; the saved tokens were kept. Relink will try again "
                "in ",
      TRUE },
    /* Only an OAuth refusal means "sign in again" (issue 10, class 5). */
    { MODE_REDIRECT_302, RELINK_OAUTH_ERROR_MALFORMED, RELINK_ACCOUNT_STATUS_ERROR,
      STUB_NAME " sent an unexpected answer; the saved tokens were kept. Relink will try again "
                "in ",
      TRUE },
    { MODE_HTML_403, RELINK_OAUTH_ERROR_MALFORMED, RELINK_ACCOUNT_STATUS_ERROR,
      STUB_NAME " sent an unexpected answer; the saved tokens were kept. Relink will try again "
                "in ",
      TRUE },
    { MODE_HTML_404, RELINK_OAUTH_ERROR_MALFORMED, RELINK_ACCOUNT_STATUS_ERROR,
      STUB_NAME " sent an unexpected answer; the saved tokens were kept. Relink will try again "
                "in ",
      TRUE },
    { MODE_JSON_404, RELINK_OAUTH_ERROR_MALFORMED, RELINK_ACCOUNT_STATUS_ERROR,
      STUB_NAME " sent an unexpected answer; the saved tokens were kept. Relink will try again "
                "in ",
      TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (RelinkAccount) account = new_stub_account (fixture, NULL, 60);
      g_autoptr (RelinkAccount) row = NULL;
      g_autoptr (GPtrArray) entries = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *before = relink_test_keyring_json (fixture->manager, account);
      g_autofree char *after = NULL;
      g_autoptr (RelinkSecretString) token = NULL;
      gint64 now = relink_now ();
      gint64 retry_at;

      g_test_message ("case %u", i);
      fixture->mode = cases[i].mode;
      token = get_token (fixture, account, NULL, &error);
      g_assert_null (token);
      g_assert_error (error, RELINK_OAUTH_ERROR, (int) cases[i].code);

      if (g_str_has_suffix (cases[i].message, " in "))
        g_assert_true (g_str_has_prefix (error->message, cases[i].message));
      else
        g_assert_cmpstr (error->message, ==, cases[i].message);

      /* Stored tokens are never touched by a failure. */
      after = relink_test_keyring_json (fixture->manager, account);
      g_assert_cmpstr (after, ==, before);

      row = relink_test_stored_account (fixture->manager, account);
      g_assert_cmpint (relink_account_get_status (row), ==, cases[i].status);
      g_assert_cmpstr (relink_account_get_status_message (row), ==, error->message);
      g_assert_cmpint (relink_account_get_status (account), ==, cases[i].status);
      g_assert_cmpstr (relink_account_get_status_message (account), ==, error->message);
      g_assert_cmpint (refresh_mark (fixture, account), ==, 0);

      /* A transient failure is never shown as expiry. */
      if (cases[i].status == RELINK_ACCOUNT_STATUS_ERROR)
        g_assert_cmpint (relink_account_get_state (account, now, 14 * DAY), ==,
                         RELINK_ACCOUNT_STATE_ERROR);

      retry_at = relink_token_service_get_retry_at (fixture->service, account);
      if (!cases[i].retry)
        g_assert_cmpint (retry_at, ==, 0);
      else if (cases[i].mode == MODE_RATE_LIMITED)
        {
          /* Retry-After: 120. */
          g_assert_cmpint (retry_at, >=, now + 120);
          g_assert_cmpint (retry_at, <=, relink_now () + 120);
        }
      else
        {
          g_assert_cmpint (retry_at, >=, now + RELINK_BACKOFF_BASE / 2);
          g_assert_cmpint (retry_at, <=, relink_now () + RELINK_BACKOFF_BASE);
        }

      entries = relink_test_history (fixture->manager, account);
      g_assert_cmpuint (entries->len, ==, 1);
      g_assert_cmpint (relink_history_entry_get_kind (entries->pdata[0]), ==,
                       RELINK_HISTORY_KIND_REFRESH);
      g_assert_false (relink_history_entry_get_ok (entries->pdata[0]));
      g_assert_cmpstr (relink_history_entry_get_message (entries->pdata[0]), ==, error->message);
    }
}

static void
test_backoff_grows (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = new_stub_account (fixture, NULL, 60);
  g_autoptr (GError) error = NULL;
  gint64 now;

  fixture->mode = MODE_SERVER_ERROR;
  for (guint attempt = 0; attempt < 3; attempt++)
    {
      gint64 d = RELINK_BACKOFF_BASE << attempt;
      gint64 retry_at;

      now = relink_now ();
      g_assert_false (force_refresh (fixture, account, &error));
      g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_SERVER);
      g_clear_error (&error);

      retry_at = relink_token_service_get_retry_at (fixture->service, account);
      g_assert_cmpint (retry_at, >=, now + d / 2);
      g_assert_cmpint (retry_at, <=, relink_now () + d);
    }

  /* Success clears the schedule. */
  fixture->mode = MODE_OK;
  g_assert_true (force_refresh (fixture, account, &error));
  g_assert_no_error (error);
  g_assert_cmpint (relink_token_service_get_retry_at (fixture->service, account), ==, 0);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_CONNECTED);
  g_assert_null (relink_account_get_status_message (account));
}

static void
test_offline (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkKeyset) keyset = relink_test_add_keyset (
      fixture->manager, OFFLINE_ID, "production", "offline-app", STUB_SECRET);
  g_autoptr (RelinkAccount) account = add_account (fixture, keyset, "Offline Shop");
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkSecretString) token = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 now = relink_now ();

  connect_stub (fixture, account, 3600, 10);
  before = relink_test_keyring_json (fixture->manager, account);

  token = get_token (fixture, account, NULL, &error);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NETWORK);
  g_assert_true (g_str_has_prefix (error->message,
                                   "Could not reach Offline Market. Relink will try again in "));
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_ERROR);
  g_assert_cmpint (relink_account_get_state (account, now, 14 * DAY), ==,
                   RELINK_ACCOUNT_STATE_ERROR);
  g_assert_cmpint (relink_token_service_get_retry_at (fixture->service, account), >=,
                   now + RELINK_BACKOFF_BASE / 2);
  after = relink_test_keyring_json (fixture->manager, account);
  g_assert_cmpstr (after, ==, before);
  g_clear_error (&error);

  /* Being offline does not hide that the seller must sign in again. */
  g_assert_true (relink_store_update_status (fixture->store, relink_account_get_id (account),
                                             RELINK_ACCOUNT_STATUS_NEEDS_REAUTH, "Renew it.",
                                             &error));
  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
  relink_account_set_status_message (account, "Renew it.");
  g_assert_false (force_refresh (fixture, account, &error));
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NETWORK);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
  g_assert_cmpstr (relink_account_get_status_message (account), ==, "Renew it.");
  {
    g_autoptr (RelinkAccount) row = relink_test_stored_account (fixture->manager, account);

    g_assert_cmpint (relink_account_get_status (row), ==, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
  }
}

static void
test_invalid_client (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkKeyset) keyset = NULL;
  g_autoptr (RelinkAccount) account = new_stub_account (fixture, &keyset, 60);
  g_autoptr (RelinkAccount) sibling = add_account (fixture, keyset, "Shop B");
  g_autoptr (GPtrArray) keysets = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkSecretString) token = NULL;
  g_autofree char *before = relink_test_keyring_json (fixture->manager, account);
  g_autofree char *after = NULL;
  g_autofree char *name = relink_keyset_dup_display_name (keyset);
  g_autofree char *expected = NULL;

  connect_stub (fixture, sibling, 3600, 3600);
  expected = g_strdup_printf ("The developer keys of %s were refused. Update the developer keys; "
                              "the seller does not need to sign in again.",
                              name);

  fixture->mode = MODE_INVALID_CLIENT;
  token = get_token (fixture, account, NULL, &error);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_CLIENT);
  g_assert_cmpstr (error->message, ==, expected);

  /* The keyset is flagged, not the seller's authorisation. */
  g_assert_true (relink_keyset_get_invalid (keyset));
  keysets = relink_store_load_keysets (fixture->store, NULL);
  g_assert_cmpuint (keysets->len, ==, 1);
  g_assert_true (relink_keyset_get_invalid (keysets->pdata[0]));

  /* Every account of the keyset says so. */
  for (guint i = 0; i < 2; i++)
    {
      RelinkAccount *each = i == 0 ? account : sibling;
      g_autoptr (RelinkAccount) row = relink_test_stored_account (fixture->manager, each);

      g_assert_cmpint (relink_account_get_status (each), ==, RELINK_ACCOUNT_STATUS_ERROR);
      g_assert_cmpstr (relink_account_get_status_message (each), ==, expected);
      g_assert_cmpint (relink_account_get_status (row), ==, RELINK_ACCOUNT_STATUS_ERROR);
      g_assert_cmpstr (relink_account_get_status_message (row), ==, expected);
    }
  after = relink_test_keyring_json (fixture->manager, account);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (relink_token_service_get_retry_at (fixture->service, account), ==, 0);
  g_clear_error (&error);

  /* Fixed keys: the next refresh works and lifts the flag. */
  fixture->mode = MODE_OK;
  g_assert_true (force_refresh (fixture, account, &error));
  g_assert_no_error (error);
  g_assert_false (relink_keyset_get_invalid (keyset));
  g_clear_pointer (&keysets, g_ptr_array_unref);
  keysets = relink_store_load_keysets (fixture->store, NULL);
  g_assert_false (relink_keyset_get_invalid (keysets->pdata[0]));
}

static void
test_not_connected (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkKeyset) keyset
      = relink_test_add_keyset (fixture->manager, STUB_ID, "ar", "app", STUB_SECRET);
  g_autoptr (RelinkAccount) account = add_account (fixture, keyset, "New Shop");
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkSecretString) token = NULL;

  token = get_token (fixture, account, NULL, &error);
  g_assert_error (error, RELINK_TOKEN_SERVICE_ERROR, RELINK_TOKEN_SERVICE_ERROR_NOT_CONNECTED);
  g_assert_cmpuint (fixture->token_requests, ==, 0);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
}

/* Test connection */

static void
assert_connected_text (const char *text, const char *name)
{
  g_autofree char *prefix = g_strdup_printf ("Connected as %s — ", name);
  guint64 ms;

  g_assert_nonnull (text);
  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, prefix));
  g_assert_true (g_str_has_suffix (text, " ms"));
  g_assert_true (g_ascii_string_to_unsigned (text + strlen (prefix), 10, 0, 60000, &ms, NULL)
                 || sscanf (text + strlen (prefix), "%" G_GUINT64_FORMAT " ms", &ms) == 1);
  g_assert_cmpuint (ms, <, 60000);
}

static void
test_connection_test (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = new_stub_account (fixture, NULL, 3600);
  g_autoptr (RelinkAccount) row = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 now = relink_now ();

  text = test_connection (fixture, account, &error);
  g_assert_no_error (error);
  assert_connected_text (text, "shop_a");
  g_assert_cmpuint (fixture->identity_requests, ==, 1);
  g_assert_cmpuint (fixture->token_requests, ==, 0);

  row = relink_test_stored_account (fixture->manager, account);
  g_assert_true (relink_account_get_last_test_ok (row));
  g_assert_cmpstr (relink_account_get_last_test_message (row), ==, text);
  g_assert_cmpint (relink_account_get_last_test_at (row), >=, now);
  g_assert_true (relink_account_get_last_test_ok (account));
  g_assert_cmpstr (relink_account_get_last_test_message (account), ==, text);
  entries = relink_test_history (fixture->manager, account);
  g_assert_cmpint (relink_history_entry_get_kind (entries->pdata[0]), ==, RELINK_HISTORY_KIND_TEST);
  g_assert_true (relink_history_entry_get_ok (entries->pdata[0]));

  /* Someone else's token. */
  g_clear_pointer (&text, g_free);
  fixture->other_identity = TRUE;
  text = test_connection (fixture, account, &error);
  g_assert_null (text);
  g_assert_error (error, RELINK_TOKEN_SERVICE_ERROR, RELINK_TOKEN_SERVICE_ERROR_WRONG_ACCOUNT);
  g_assert_cmpstr (error->message, ==, "The token belongs to shop_b, not shop_a.");
  g_clear_object (&row);
  row = relink_test_stored_account (fixture->manager, account);
  g_assert_false (relink_account_get_last_test_ok (row));
  g_assert_cmpstr (relink_account_get_last_test_message (row), ==, error->message);
  g_clear_error (&error);
  fixture->other_identity = FALSE;

  /* 401: one refresh, then the test passes. */
  g_hash_table_remove_all (fixture->live_access);
  text = test_connection (fixture, account, &error);
  g_assert_no_error (error);
  assert_connected_text (text, "shop_a");
  g_assert_cmpuint (fixture->token_requests, ==, 1);
  g_assert_cmpuint (fixture->identity_requests, ==, 4);
  g_clear_pointer (&text, g_free);

  /* 401 again after the refresh: the seller must sign in again. */
  fixture->refuse_access = TRUE;
  text = test_connection (fixture, account, &error);
  g_assert_null (text);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_GRANT);
  g_assert_cmpstr (error->message, ==,
                   STUB_NAME " no longer accepts the saved authorization. Renew the account to "
                             "sign in again.");
  g_assert_cmpuint (fixture->token_requests, ==, 2);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
  g_clear_object (&row);
  row = relink_test_stored_account (fixture->manager, account);
  g_assert_cmpint (relink_account_get_status (row), ==, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
  g_assert_false (relink_account_get_last_test_ok (row));
}

/* Connecting asks the identity endpoint once: the sign-in's answer is
 * the test that follows it. */
static void
test_signed_in_asks_once (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkKeyset) keyset
      = relink_test_add_keyset (fixture->manager, STUB_ID, "ar", STUB_APP_ID, STUB_SECRET);
  g_autoptr (RelinkAccount) account = add_account (fixture, keyset, "New shop");
  g_autoptr (RelinkSignIn) sign_in = NULL;
  g_autoptr (RelinkAccount) row = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *redirect = NULL;
  g_autofree char *text = NULL;

  sign_in = relink_sign_in_new (fixture->manager, account, &error);
  g_assert_no_error (error);
  redirect = g_strdup_printf ("%s?code=TG-stub-code&state=%s", RELINK_TEST_OIDC_REDIRECT_URI,
                              relink_auth_request_get_state (relink_sign_in_get_request (sign_in)));
  relink_sign_in_complete_async (sign_in, redirect, NULL, relink_test_result_cb, &fixture->result);
  g_assert_true (
      relink_sign_in_complete_finish (sign_in, relink_test_wait_result (&fixture->result), &error));
  g_assert_no_error (error);
  g_clear_object (&fixture->result);
  g_assert_cmpuint (fixture->identity_requests, ==, 1);

  /* What the window and the details dialog run after every sign-in. */
  relink_token_service_signed_in_async (fixture->service, account, NULL, relink_test_result_cb,
                                        &fixture->result);
  text = relink_token_service_test_finish (fixture->service,
                                           relink_test_wait_result (&fixture->result), &error);
  g_clear_object (&fixture->result);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "Connected as shop_a");
  g_assert_cmpuint (fixture->identity_requests, ==, 1);

  /* Recorded as a test, here and in the store. */
  g_assert_true (relink_account_get_last_test_ok (account));
  g_assert_cmpstr (relink_account_get_last_test_message (account), ==, text);
  row = relink_test_stored_account (fixture->manager, account);
  g_assert_true (relink_account_get_last_test_ok (row));
  g_assert_cmpint (relink_account_get_last_test_at (row), ==,
                   relink_account_get_authorised_at (row));
  g_assert_cmpuint (count_history (fixture, account, RELINK_HISTORY_KIND_TEST), ==, 1);

  /* A test asked for later does ask. */
  g_clear_pointer (&text, g_free);
  text = test_connection (fixture, account, &error);
  g_assert_no_error (error);
  assert_connected_text (text, "shop_a");
  g_assert_cmpuint (fixture->identity_requests, ==, 2);
}

static void
test_connection_not_available (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkKeyset) keyset
      = relink_test_add_keyset (fixture->manager, "amazon-sp-api", "eu", "amzn1.app", "s");
  g_autoptr (RelinkAccount) account = add_account (fixture, keyset, "Amazon Shop");
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  text = test_connection (fixture, account, &error);
  g_assert_null (text);
  g_assert_error (error, RELINK_TOKEN_SERVICE_ERROR, RELINK_TOKEN_SERVICE_ERROR_NOT_AVAILABLE);
  g_assert_cmpstr (error->message, ==,
                   "Not available for Amazon Selling Partner: no API tells the seller id; "
                   "renewal checks it.");
}

/* Revoke without a revocation call: forget locally, point to the page. */
static void
test_revoke_connected_apps (Fixture *fixture, gconstpointer data)
{
  gboolean withdrawn = TRUE;
  g_autoptr (RelinkAccount) account = new_account_of (fixture, NO_REVOKE_ID, NULL, 3600);
  g_autoptr (RelinkAccount) row = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;

  g_assert_true (revoke_account (fixture, account, &withdrawn, &url, &error));
  g_assert_false (withdrawn);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, CONNECTED_APPS);
  g_assert_cmpuint (fixture->token_requests, ==, 0);

  tokens = relink_test_keyring_tokens (fixture->manager, account);
  g_assert_null (tokens);
  row = relink_test_stored_account (fixture->manager, account);
  g_assert_cmpint (relink_account_get_status (row), ==, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
  entries = relink_test_history (fixture->manager, account);
  g_assert_cmpint (relink_history_entry_get_kind (entries->pdata[0]), ==,
                   RELINK_HISTORY_KIND_REVOCATION);
  g_assert_true (relink_history_entry_get_ok (entries->pdata[0]));

  /* Nothing left to hand out. */
  {
    g_autoptr (RelinkSecretString) token = get_token (fixture, account, NULL, &error);

    g_assert_null (token);
    g_assert_error (error, RELINK_TOKEN_SERVICE_ERROR, RELINK_TOKEN_SERVICE_ERROR_NOT_CONNECTED);
  }
}

/* The latest history entry of @account: a revocation, with this outcome. */
static char *
last_revocation_message (Fixture *fixture, RelinkAccount *account)
{
  g_autoptr (GPtrArray) entries = relink_test_history (fixture->manager, account);

  g_assert_cmpuint (entries->len, >, 0);
  g_assert_cmpint (relink_history_entry_get_kind (entries->pdata[0]), ==,
                   RELINK_HISTORY_KIND_REVOCATION);
  g_assert_true (relink_history_entry_get_ok (entries->pdata[0]));
  return g_strdup (relink_history_entry_get_message (entries->pdata[0]));
}

static void
assert_disconnected (Fixture *fixture, RelinkAccount *account)
{
  g_autoptr (RelinkTokenSet) tokens = relink_test_keyring_tokens (fixture->manager, account);
  g_autoptr (RelinkAccount) row = relink_test_stored_account (fixture->manager, account);

  g_assert_null (tokens);
  g_assert_cmpint (relink_account_get_status (row), ==, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
}

/* Mercado Libre: DELETE the app's grant with a valid token; nothing is
 * left for the seller to do by hand. */
static void
test_revoke_application (Fixture *fixture, gconstpointer data)
{
  gboolean withdrawn = FALSE;
  g_autoptr (RelinkAccount) account = new_stub_account (fixture, NULL, 3600);
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *message = NULL;

  g_assert_true (revoke_account (fixture, account, &withdrawn, &url, &error));
  g_assert_true (withdrawn);
  g_assert_no_error (error);
  g_assert_null (url);
  g_assert_cmpuint (fixture->revoke_requests, ==, 1);
  g_assert_cmpuint (fixture->token_requests, ==, 0);
  /* The marketplace dropped the grant: no token of it works any more. */
  g_assert_cmpuint (g_hash_table_size (fixture->live_refresh), ==, 0);
  assert_disconnected (fixture, account);
  message = last_revocation_message (fixture, account);
  g_assert_cmpstr (message, ==, "Withdrawn at the marketplace and removed from this computer.");
}

/* An expired access token is refreshed first: the DELETE carries the new
 * one (the stub accepts only live tokens, and spends the one it gets). */
static void
test_revoke_application_expired (Fixture *fixture, gconstpointer data)
{
  gboolean withdrawn = FALSE;
  g_autoptr (RelinkAccount) account = new_stub_account (fixture, NULL, -60);
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;

  g_assert_true (revoke_account (fixture, account, &withdrawn, &url, &error));
  g_assert_true (withdrawn);
  g_assert_no_error (error);
  g_assert_null (url);
  g_assert_cmpuint (fixture->token_requests, ==, 1);
  g_assert_cmpuint (fixture->revoke_requests, ==, 1);
  assert_disconnected (fixture, account);
}

/* The address is marked unsure in providers.md: when Mercado Libre
 * refuses, the seller is still disconnected here and told to finish on
 * the marketplace's page. */
static void
test_revoke_application_refused (Fixture *fixture, gconstpointer data)
{
  gboolean withdrawn = TRUE;
  g_autoptr (RelinkAccount) account = new_stub_account (fixture, NULL, 3600);
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *message = NULL;

  fixture->revoke_status = 404;
  g_assert_true (revoke_account (fixture, account, &withdrawn, &url, &error));
  g_assert_false (withdrawn);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, CONNECTED_APPS);
  g_assert_cmpuint (fixture->revoke_requests, ==, 1);
  assert_disconnected (fixture, account);
  message = last_revocation_message (fixture, account);
  g_assert_cmpstr (message, ==,
                   STUB_NAME " refused to withdraw the access: “Application not found”. Remove "
                             "Relink on the marketplace’s connected apps page instead. The tokens "
                             "were removed from this computer.");
}

/* A server fault says nothing: the tokens and the connection stay, the
 * seller tries again. */
static void
test_revoke_application_unavailable (Fixture *fixture, gconstpointer data)
{
  gboolean withdrawn = TRUE;
  g_autoptr (RelinkAccount) account = new_stub_account (fixture, NULL, 3600);
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkAccount) row = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;

  fixture->revoke_status = 503;
  g_assert_false (revoke_account (fixture, account, &withdrawn, &url, &error));
  g_assert_false (withdrawn);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_SERVER);
  g_assert_null (url);
  g_assert_cmpuint (fixture->revoke_requests, ==, 1);

  tokens = relink_test_keyring_tokens (fixture->manager, account);
  g_assert_nonnull (tokens);
  row = relink_test_stored_account (fixture->manager, account);
  g_assert_cmpint (relink_account_get_status (row), ==, RELINK_ACCOUNT_STATUS_CONNECTED);
  g_assert_cmpuint (count_history (fixture, account, RELINK_HISTORY_KIND_REVOCATION), ==, 0);
}

/* Hooks */

static void
test_hooks (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = new_stub_account (fixture, NULL, 60);
  g_autoptr (GError) error = NULL;
  g_autofree char *out = g_build_filename (fixture->dir, "hook.env", NULL);
  g_autofree char *script = NULL;
  g_autofree char *script_path = g_build_filename (fixture->hooks_dir, "50-record", NULL);
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (GDateTime) expiry = NULL;
  g_autoptr (RelinkSecretString) token = NULL;
  gint64 expires_at = 0;

  g_assert_cmpint (g_mkdir_with_parents (fixture->hooks_dir, 0700), ==, 0);
  script = g_strdup_printf ("#!/bin/sh\nenv > '%s'\n", out);
  g_file_set_contents (script_path, script, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (script_path, 0700), ==, 0);

  /* The service uses the default place: $XDG_CONFIG_HOME/relink/hooks. */
  g_assert_null (relink_token_service_get_hooks_dir (fixture->service));

  token = get_token (fixture, account, &expires_at, &error);
  g_assert_no_error (error);
  while (fixture->hooks_finished == 0)
    g_main_context_iteration (NULL, TRUE);

  g_file_get_contents (out, &text, NULL, &error);
  g_assert_no_error (error);
  expected = g_strdup_printf ("RELINK_ACCOUNT_ID=%s\n", relink_account_get_id (account));
  g_assert_nonnull (strstr (text, expected));
  g_assert_nonnull (strstr (text, "RELINK_ACCOUNT_NICKNAME=Shop A\n"));
  g_assert_nonnull (strstr (text, "RELINK_MARKETPLACE=" STUB_ID "\n"));
  g_assert_nonnull (strstr (text, "RELINK_EVENT=refresh\n"));
  expiry = g_date_time_new_from_unix_utc (expires_at);
  g_clear_pointer (&expected, g_free);
  expected = g_date_time_format (expiry, "RELINK_EXPIRES_AT=%Y-%m-%dT%H:%M:%SZ\n");
  g_assert_nonnull (strstr (text, expected));
  /* Never a token or a secret, nor the session around it. */
  g_assert_null (strstr (text, "APP_USR"));
  g_assert_null (strstr (text, "TG-stub"));
  g_assert_null (strstr (text, STUB_SECRET));
  g_assert_null (strstr (text, "DBUS_SESSION_BUS_ADDRESS"));
  g_assert_null (strstr (text, "RELINK_TEST_"));

  /* The sign-in calls it after a renewal. */
  g_clear_pointer (&text, g_free);
  relink_token_service_run_hooks (fixture->service, account, RELINK_HOOK_EVENT_RENEWAL);
  while (fixture->hooks_finished == 1)
    g_main_context_iteration (NULL, TRUE);
  g_file_get_contents (out, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "RELINK_EVENT=renewal\n"));

  /* A cached token runs no hook. */
  g_clear_pointer (&token, relink_secret_free);
  token = get_token (fixture, account, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->refreshed, ==, 1);
}

/* Keep-alive */

static void
notify_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_keep_alive (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) due = new_stub_account (fixture, NULL, 3600);
  g_autoptr (RelinkAccount) later = new_stub_account (fixture, NULL, 3600);
  g_autoptr (RelinkKeyset) offline_keyset = relink_test_add_keyset (
      fixture->manager, OFFLINE_ID, "production", "offline-app", STUB_SECRET);
  g_autoptr (RelinkAccount) not_rotating = add_account (fixture, offline_keyset, "Eternal");
  g_autoptr (RelinkKeepAlive) keep_alive = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  gint64 now = relink_now ();
  gint64 later_deadline;
  gint64 signed_in;
  guint changes = 0;

  /* Signed in 150 of 180 days ago: a third is left after day 120, due. */
  connect_stub (fixture, due, 150 * DAY, 3600);
  /* Signed in a day ago: due in 119 days. */
  connect_stub (fixture, later, DAY, 3600);
  connect_stub (fixture, not_rotating, 150 * DAY, 3600);

  keep_alive = relink_keep_alive_new (fixture->service);
  g_assert_cmpint (relink_keep_alive_get_account_deadline (keep_alive, due), <=, now - 29 * DAY);
  later_deadline = relink_keep_alive_get_account_deadline (keep_alive, later);
  /* From the sign-in moment connect_stub wrote, a day before its own
   * clock reading (seconds after now in a slow, sanitized build). */
  signed_in = relink_account_get_authorised_at (later);
  g_assert_cmpint (signed_in, >=, now - DAY);
  g_assert_cmpint (signed_in, <=, relink_now () - DAY);
  g_assert_cmpint (later_deadline, ==,
                   relink_keep_alive_deadline (signed_in, signed_in + 180 * DAY));
  g_assert_cmpint (relink_keep_alive_get_account_deadline (keep_alive, not_rotating), ==,
                   RELINK_KEEP_ALIVE_NEVER);
  g_assert_cmpuint (fixture->token_requests, ==, 0);

  g_signal_connect (keep_alive, "notify::next-deadline", G_CALLBACK (notify_cb), &changes);
  relink_keep_alive_start (keep_alive);

  /* The due one is refreshed at once (the timer's deadline has passed). */
  while (fixture->refreshed == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->token_requests, ==, 1);
  tokens = relink_test_keyring_tokens (fixture->manager, due);
  g_assert_cmpstr (relink_token_set_get_refresh_token (tokens), ==, "TG-stub-refresh-6");
  g_assert_cmpint (relink_account_get_refresh_expires_at (due), >=, now + 180 * DAY);

  /* Then the timer waits for the other one: nothing in between. */
  while (relink_keep_alive_get_next_deadline (keep_alive) != later_deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (relink_keep_alive_get_account_deadline (keep_alive, due), >, later_deadline);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (fixture->token_requests, ==, 1);

  /* A transient failure: the retry becomes the deadline. */
  fixture->mode = MODE_SERVER_ERROR;
  connect_stub (fixture, later, 150 * DAY, 3600);
  while (relink_token_service_get_retry_at (fixture->service, later) == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->token_requests, ==, 2);
  while (relink_keep_alive_get_next_deadline (keep_alive)
         != relink_token_service_get_retry_at (fixture->service, later))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (relink_keep_alive_get_next_deadline (keep_alive), >, now);
  g_assert_cmpint (relink_account_get_status (later), ==, RELINK_ACCOUNT_STATUS_ERROR);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (fixture->token_requests, ==, 2);
  g_assert_cmpuint (changes, >, 0);

  relink_keep_alive_stop (keep_alive);
}

/* Connected in the store but with no tokens in the keyring (someone
 * removed them): one keep-alive finds nothing to refresh with, and then
 * it waits until the account changes instead of searching the keyring
 * again every minute. */
static void
test_keep_alive_no_tokens (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = new_stub_account (fixture, NULL, 3600);
  g_autoptr (RelinkKeepAlive) keep_alive = relink_keep_alive_new (fixture->service);
  g_autoptr (GError) error = NULL;

  connect_stub (fixture, account, 150 * DAY, 3600);
  g_assert_true (relink_secrets_clear_tokens_sync (fixture->secrets,
                                                   relink_account_get_id (account), NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (relink_keep_alive_get_account_deadline (keep_alive, account), <, relink_now ());

  relink_keep_alive_start (keep_alive);
  /* Running: no deadline while it is in flight. */
  while (relink_keep_alive_get_account_deadline (keep_alive, account) != RELINK_KEEP_ALIVE_NEVER)
    g_main_context_iteration (NULL, TRUE);
  /* A refresh asked for meanwhile joins the keep-alive's and ends with it. */
  g_assert_false (force_refresh (fixture, account, &error));
  g_assert_error (error, RELINK_TOKEN_SERVICE_ERROR, RELINK_TOKEN_SERVICE_ERROR_NOT_CONNECTED);
  g_clear_error (&error);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_assert_cmpint (relink_keep_alive_get_account_deadline (keep_alive, account), ==,
                   RELINK_KEEP_ALIVE_NEVER);
  g_assert_cmpint (relink_keep_alive_get_next_deadline (keep_alive), ==, RELINK_KEEP_ALIVE_NEVER);
  g_assert_cmpuint (fixture->token_requests, ==, 0);

  /* Tokens stored again: kept alive again, after the least interval
   * between two keep-alives of one account. */
  connect_stub (fixture, account, 149 * DAY, 3600);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (relink_keep_alive_get_account_deadline (keep_alive, account), <=,
                   relink_now () + RELINK_BACKOFF_BASE);
  g_assert_cmpint (relink_keep_alive_get_next_deadline (keep_alive), <=,
                   relink_now () + RELINK_BACKOFF_BASE);
  relink_keep_alive_stop (keep_alive);
}

/* A network monitor the test switches on and off: what the keep-alive
 * sees of GNetworkMonitor. */
#define TEST_TYPE_NETWORK_MONITOR (test_network_monitor_get_type ())
G_DECLARE_FINAL_TYPE (TestNetworkMonitor, test_network_monitor, TEST, NETWORK_MONITOR, GObject)

struct _TestNetworkMonitor
{
  GObject parent_instance;
  gboolean available;
};

enum
{
  MONITOR_PROP_0,
  MONITOR_PROP_NETWORK_AVAILABLE,
  MONITOR_PROP_NETWORK_METERED,
  MONITOR_PROP_CONNECTIVITY,
};

static void test_network_monitor_iface_init (GNetworkMonitorInterface *iface);
static void test_network_monitor_initable_iface_init (GInitableIface *iface);

/* GNetworkMonitor requires GInitable; there is nothing to initialise. */
G_DEFINE_FINAL_TYPE_WITH_CODE (TestNetworkMonitor,
                               test_network_monitor,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      test_network_monitor_initable_iface_init)
                                   G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR,
                                                          test_network_monitor_iface_init))

static gboolean
test_network_monitor_initable_init (GInitable *initable, GCancellable *cancellable, GError **error)
{
  return TRUE;
}

static void
test_network_monitor_initable_iface_init (GInitableIface *iface)
{
  iface->init = test_network_monitor_initable_init;
}

static gboolean
test_network_monitor_can_reach (GNetworkMonitor *monitor,
                                GSocketConnectable *connectable,
                                GCancellable *cancellable,
                                GError **error)
{
  return TEST_NETWORK_MONITOR (monitor)->available;
}

static void
test_network_monitor_iface_init (GNetworkMonitorInterface *iface)
{
  iface->can_reach = test_network_monitor_can_reach;
}

static void
test_network_monitor_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TestNetworkMonitor *self = TEST_NETWORK_MONITOR (object);

  switch (prop_id)
    {
      case MONITOR_PROP_NETWORK_AVAILABLE:
        g_value_set_boolean (value, self->available);
        break;
      case MONITOR_PROP_NETWORK_METERED:
        g_value_set_boolean (value, FALSE);
        break;
      case MONITOR_PROP_CONNECTIVITY:
        g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL
                                                 : G_NETWORK_CONNECTIVITY_LOCAL);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_network_monitor_class_init (TestNetworkMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_network_monitor_get_property;
  g_object_class_override_property (object_class, MONITOR_PROP_NETWORK_AVAILABLE,
                                    "network-available");
  g_object_class_override_property (object_class, MONITOR_PROP_NETWORK_METERED, "network-metered");
  g_object_class_override_property (object_class, MONITOR_PROP_CONNECTIVITY, "connectivity");
}

static void
test_network_monitor_init (TestNetworkMonitor *self)
{
  self->available = TRUE;
}

/* As GLib's monitors do: the property changes, then network-changed. */
static void
test_network_monitor_set_available (TestNetworkMonitor *self, gboolean available)
{
  self->available = available;
  g_object_notify (G_OBJECT (self), "network-available");
  g_signal_emit_by_name (self, "network-changed", available);
}

/* An error left by an earlier run gets one try at start. */
static void
test_keep_alive_error_at_start (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = new_stub_account (fixture, NULL, 3600);
  g_autoptr (RelinkAccount) stuck = new_stub_account (fixture, NULL, 3600);
  g_autoptr (RelinkKeepAlive) keep_alive = relink_keep_alive_new (fixture->service);
  g_autoptr (GError) error = NULL;

  g_assert_true (relink_store_update_status (fixture->store, relink_account_get_id (account),
                                             RELINK_ACCOUNT_STATUS_ERROR, "Could not reach it.",
                                             &error));
  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_ERROR);
  relink_account_set_status_message (account, "Could not reach it.");
  /* Needs the seller: not retried. */
  relink_account_set_status (stuck, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);

  relink_keep_alive_start (keep_alive);
  while (fixture->refreshed == 0)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (fixture->token_requests, ==, 1);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_CONNECTED);
  g_assert_null (relink_account_get_status_message (account));
  g_assert_cmpint (relink_keep_alive_get_account_deadline (keep_alive, stuck), ==,
                   RELINK_KEEP_ALIVE_NEVER);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (fixture->token_requests, ==, 1);
  relink_keep_alive_stop (keep_alive);
}

/* Offline: the retry waits its backoff, unless the network comes back
 * first; then it runs at once. */
static void
test_keep_alive_back_online (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = new_stub_account (fixture, NULL, 3600);
  g_autoptr (RelinkKeepAlive) keep_alive = relink_keep_alive_new (fixture->service);
  g_autoptr (TestNetworkMonitor) monitor = g_object_new (TEST_TYPE_NETWORK_MONITOR, NULL);
  gint64 now = relink_now ();
  gint64 retry_at;

  /* Due for a keep-alive refresh, and the marketplace is unreachable. */
  connect_stub (fixture, account, 150 * DAY, 3600);
  fixture->mode = MODE_SERVER_ERROR;
  relink_keep_alive_set_network_monitor (keep_alive, G_NETWORK_MONITOR (monitor));
  relink_keep_alive_start (keep_alive);

  while (relink_token_service_get_retry_at (fixture->service, account) == 0
         || relink_account_get_status (account) != RELINK_ACCOUNT_STATUS_ERROR)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->token_requests, ==, 1);
  retry_at = relink_token_service_get_retry_at (fixture->service, account);
  g_assert_cmpint (retry_at, >, now + 10);

  /* Going offline changes nothing; the marketplace is back meanwhile. */
  fixture->mode = MODE_OK;
  test_network_monitor_set_available (monitor, FALSE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (fixture->token_requests, ==, 1);

  /* Online again: the retry runs now, not at its backoff time. */
  test_network_monitor_set_available (monitor, TRUE);
  while (fixture->refreshed == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (relink_now (), <, retry_at);
  g_assert_cmpuint (fixture->token_requests, ==, 2);
  g_assert_cmpint (relink_token_service_get_retry_at (fixture->service, account), ==, 0);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_CONNECTED);
  g_assert_cmpint (relink_account_get_refresh_expires_at (account), >=, now + 179 * DAY);

  relink_keep_alive_stop (keep_alive);
}

/* The real OAuth server */

/* Connects @account at the real server as @user, through RelinkSignIn. */
static void
connect_oidc (Fixture *fixture, RelinkAccount *account, const char *user)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkSignIn) sign_in = relink_sign_in_new (fixture->manager, account, &error);
  g_autofree char *callback = NULL;

  g_assert_no_error (error);
  callback = relink_test_oidc_sign_in (relink_sign_in_get_authorize_url (sign_in), user, TRUE);

  relink_sign_in_complete_async (sign_in, callback, NULL, relink_test_result_cb, &fixture->result);
  g_assert_true (
      relink_sign_in_complete_finish (sign_in, relink_test_wait_result (&fixture->result), &error));
  g_assert_no_error (error);
  g_clear_object (&fixture->result);
}

static RelinkAccount *
new_oidc_account (Fixture *fixture, const char *user)
{
  g_autoptr (RelinkKeyset) keyset
      = relink_test_add_keyset (fixture->manager, OIDC_ID, "test", RELINK_TEST_OIDC_CLIENT_ID,
                                RELINK_TEST_OIDC_CLIENT_SECRET);
  RelinkAccount *account = add_account (fixture, keyset, user);

  connect_oidc (fixture, account, user);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_CONNECTED);
  return account;
}

static void
test_oidc_refresh (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = new_oidc_account (fixture, "alice");
  g_autoptr (RelinkTokenSet) first = relink_test_keyring_tokens (fixture->manager, account);
  g_autoptr (RelinkTokenSet) second = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkSecretString) token = NULL;
  g_autofree char *first_json = relink_token_set_to_json (first);
  g_autofree char *json = NULL;
  g_autofree char *sub = NULL;
  g_autofree char *text = NULL;
  gint64 expires_at = 0;

  /* Ten minutes left, five of margin: the saved token, no request. */
  token = get_token (fixture, account, &expires_at, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, relink_token_set_get_access_token (first));
  g_assert_cmpint (expires_at, ==, relink_token_set_get_access_expires_at (first));
  json = relink_test_keyring_json (fixture->manager, account);
  g_assert_cmpstr (json, ==, first_json);
  g_assert_cmpuint (count_history (fixture, account, RELINK_HISTORY_KIND_REFRESH), ==, 0);

  /* Within a 15 minutes margin: refreshed, the refresh token rotated. */
  relink_token_service_set_margin (fixture->service, 900);
  g_clear_pointer (&token, relink_secret_free);
  token = get_token (fixture, account, &expires_at, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, !=, relink_token_set_get_access_token (first));
  second = relink_test_keyring_tokens (fixture->manager, account);
  g_assert_cmpstr (relink_token_set_get_access_token (second), ==, token);
  g_assert_cmpstr (relink_token_set_get_refresh_token (second), !=,
                   relink_token_set_get_refresh_token (first));
  g_assert_cmpint (relink_token_set_get_access_expires_at (second), ==, expires_at);
  g_assert_cmpuint (count_history (fixture, account, RELINK_HISTORY_KIND_REFRESH), ==, 1);

  sub = relink_test_oidc_userinfo_sub (oidc, token);
  g_assert_cmpstr (sub, ==, "alice");

  /* The connection test with the new token. */
  relink_token_service_set_margin (fixture->service, RELINK_TOKEN_REFRESH_MARGIN);
  text = test_connection (fixture, account, &error);
  g_assert_no_error (error);
  assert_connected_text (text, "alice");

  /* The old refresh token is dead at the server (and presenting it ends
   * the grant: this comes last). */
  g_assert_cmpuint (
      relink_test_oidc_refresh_status (oidc, relink_token_set_get_refresh_token (first)), ==, 400);
}

static void
test_oidc_revoke (Fixture *fixture, gconstpointer data)
{
  gboolean withdrawn = FALSE;
  g_autoptr (RelinkAccount) account = new_oidc_account (fixture, "bob");
  g_autoptr (RelinkTokenSet) tokens = relink_test_keyring_tokens (fixture->manager, account);
  g_autoptr (RelinkTokenSet) after = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *sub
      = relink_test_oidc_userinfo_sub (oidc, relink_token_set_get_access_token (tokens));

  g_assert_cmpstr (sub, ==, "bob");
  g_clear_pointer (&sub, g_free);

  g_assert_true (revoke_account (fixture, account, &withdrawn, &url, &error));
  g_assert_true (withdrawn);
  g_assert_no_error (error);
  /* Revoked at the server: no page to visit. */
  g_assert_null (url);

  after = relink_test_keyring_tokens (fixture->manager, account);
  g_assert_null (after);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
  g_assert_cmpuint (count_history (fixture, account, RELINK_HISTORY_KIND_REVOCATION), ==, 1);

  /* Dead at the server: neither token works. */
  sub = relink_test_oidc_userinfo_sub (oidc, relink_token_set_get_access_token (tokens));
  g_assert_null (sub);
  g_assert_cmpuint (
      relink_test_oidc_refresh_status (oidc, relink_token_set_get_refresh_token (tokens)), ==, 400);
}

/* The child process of the tests across processes: a relinkctl of sorts. */

static int
child_main (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (RelinkSecrets) secrets = NULL;
  g_autoptr (RelinkProviderRegistry) providers = NULL;
  g_autoptr (RelinkAccountManager) manager = NULL;
  g_autoptr (RelinkTokenService) service = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (RelinkSecretString) token = NULL;
  RelinkAccount *account;

  store = relink_store_open (g_getenv ("RELINK_TEST_CHILD_STORE"), &error);
  if (store == NULL)
    goto fail;
  secrets = relink_secrets_new ();
  providers = relink_provider_registry_new (g_getenv ("RELINK_TEST_CHILD_PROVIDERS"));
  manager = relink_account_manager_new (store, secrets, providers);
  relink_account_manager_set_program (manager, "relinkctl");
  if (!relink_account_manager_load_sync (manager, NULL, &error))
    goto fail;
  account = relink_account_manager_lookup_account (manager, g_getenv ("RELINK_TEST_CHILD_ACCOUNT"));
  if (account == NULL)
    return 3;

  service = relink_token_service_new (manager);
  g_print ("READY\n");

  relink_token_service_get_access_token_async (service, account, NULL, child_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  token = relink_token_service_get_access_token_finish (service, result, NULL, &error);
  if (token == NULL)
    goto fail;

  /* A stub's token: fine to print in a test. */
  g_print ("TOKEN %s\n", token);
  return 0;

fail:
  g_printerr ("child: %s\n", error != NULL ? error->message : "failed");
  g_print ("ERROR\n");
  return 1;
}

int
main (int argc, char *argv[])
{
  g_autofree char *config = NULL;
  int ret;

  if (argc == 2 && g_str_equal (argv[1], "--relink-test-child"))
    return child_main ();

  /* Hooks are looked for under the config dir: a private one. */
  config = relink_test_make_tmp_dir ();
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, with_oidc)                                                                 \
  g_test_add ("/token-service/" path, Fixture, GINT_TO_POINTER (with_oidc), fixture_set_up, func,  \
              fixture_tear_down)

  ADD ("cached-token", test_cached_token, FALSE);
  ADD ("refresh-rotates", test_refresh_rotates, FALSE);
  ADD ("joins-in-flight", test_joins_in_flight, FALSE);
  ADD ("two-processes", test_two_processes, FALSE);
  ADD ("killed-mid-refresh", test_killed_mid_refresh, FALSE);
  ADD ("interrupted-saved", test_interrupted_saved, FALSE);
  ADD ("interrupted-lost", test_interrupted_lost, FALSE);
  ADD ("failure", test_failure, FALSE);
  ADD ("backoff-grows", test_backoff_grows, FALSE);
  ADD ("offline", test_offline, FALSE);
  ADD ("invalid-client", test_invalid_client, FALSE);
  ADD ("not-connected", test_not_connected, FALSE);
  ADD ("test-connection", test_connection_test, FALSE);
  ADD ("test-not-available", test_connection_not_available, FALSE);
  ADD ("signed-in-asks-once", test_signed_in_asks_once, FALSE);
  ADD ("revoke-connected-apps", test_revoke_connected_apps, FALSE);
  ADD ("revoke-application", test_revoke_application, FALSE);
  ADD ("revoke-application/expired", test_revoke_application_expired, FALSE);
  ADD ("revoke-application/refused", test_revoke_application_refused, FALSE);
  ADD ("revoke-application/unavailable", test_revoke_application_unavailable, FALSE);
  ADD ("hooks", test_hooks, FALSE);
  ADD ("keep-alive", test_keep_alive, FALSE);
  ADD ("keep-alive-error-at-start", test_keep_alive_error_at_start, FALSE);
  ADD ("keep-alive-no-tokens", test_keep_alive_no_tokens, FALSE);
  ADD ("keep-alive-back-online", test_keep_alive_back_online, FALSE);
  ADD ("oidc/refresh", test_oidc_refresh, TRUE);
  ADD ("oidc/revoke", test_oidc_revoke, TRUE);

#undef ADD

  ret = g_test_run ();

  relink_test_oidc_stop (g_steal_pointer (&oidc));
  relink_test_remove_dir (config);
  return ret;
}
