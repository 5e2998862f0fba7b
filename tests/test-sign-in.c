/* test-sign-in.c: connecting and renewing accounts end to end, against the
 * real OAuth server of tests/oidc (the browser part played over HTTP with
 * a cookie jar), the real keyring of the private session and a real store;
 * plus a stub Login with Amazon token endpoint for identity-from-redirect.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "relink-account-manager.h"
#include "relink-expiry.h"
#include "relink-provider-discovery.h"
#include "relink-sign-in.h"
#include "relink-test-oidc.h"
#include "relink-test-util.h"

#define TEST_PROVIDER_ID RELINK_TEST_OIDC_PROVIDER_ID
#define TEST_PROVIDER_NAME "Test OIDC"
#define AMAZON_PROVIDER_ID "amazon-stub"
#define DAY (24 * 3600)

/* One server for the whole run: starting node takes a while. */
static RelinkTestOidc *oidc;

typedef struct
{
  char *dir;
  char *provider_dir;
  RelinkStore *store;
  RelinkSecrets *secrets;
  RelinkProviderRegistry *providers;
  RelinkAccountManager *manager;
  RelinkKeyset *keyset;
  GPtrArray *account_ids; /* whose keyring items to clear */
  GAsyncResult *result;

  /* The revocation endpoint of the test profile: records what Relink
   * revokes and passes it on to the real server. */
  SoupServer *forwarder;
  char *forwarder_base;
  SoupSession *session;
  GPtrArray *revoked_tokens;
  guint upstream_status;
  guint pending_forwards;

  /* The Amazon stub's token endpoint. */
  guint amazon_exchanges;

  /* What the stub discovery endpoint serves. */
  char *discovery_doc;
} Fixture;

/* The revocation forwarder */

static void
forwarded_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (SoupServerMessage) msg = user_data;
  Fixture *fixture = g_object_get_data (G_OBJECT (msg), "fixture");
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  SoupMessage *upstream;

  body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
  upstream = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  fixture->upstream_status = soup_message_get_status (upstream);

  soup_server_message_set_status (msg, fixture->upstream_status, NULL);
  soup_server_message_unpause (msg);
  fixture->pending_forwards--;
}

static void
revoke_cb (SoupServer *server,
           SoupServerMessage *msg,
           const char *path,
           GHashTable *query,
           gpointer user_data)
{
  Fixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) body = soup_message_body_flatten (request_body);
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_autoptr (GHashTable) form = soup_form_decode (text);
  g_autofree char *target
      = g_strconcat (relink_test_oidc_get_issuer (oidc), "/token/revocation", NULL);
  g_autoptr (SoupMessage) upstream = soup_message_new (SOUP_METHOD_POST, target);

  g_assert_cmpstr (soup_server_message_get_method (msg), ==, "POST");
  g_assert_nonnull (g_hash_table_lookup (form, "token"));
  g_ptr_array_add (fixture->revoked_tokens, g_strdup (g_hash_table_lookup (form, "token")));

  soup_message_headers_replace (soup_message_get_request_headers (upstream), "Authorization",
                                soup_message_headers_get_one (headers, "Authorization"));
  soup_message_set_request_body_from_bytes (upstream, "application/x-www-form-urlencoded", body);

  fixture->pending_forwards++;
  g_object_set_data (G_OBJECT (msg), "fixture", fixture);
  soup_server_message_pause (msg);
  soup_session_send_and_read_async (fixture->session, upstream, G_PRIORITY_DEFAULT, NULL,
                                    forwarded_cb, g_object_ref (msg));
}

/* The Amazon stub (shared/providers.md, "Amazon Selling Partner API") */

static void
amazon_token_cb (SoupServer *server,
                 SoupServerMessage *msg,
                 const char *path,
                 GHashTable *query,
                 gpointer user_data)
{
  Fixture *fixture = user_data;
  g_autoptr (GHashTable) form = relink_test_read_form (msg);
  g_autofree char *answer = NULL;
  const char *code;

  /* Credentials in the body, no PKCE, the code from spapi_oauth_code. */
  g_assert_cmpstr (soup_server_message_get_method (msg), ==, "POST");
  g_assert_null (soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                               "Authorization"));
  g_assert_cmpstr (g_hash_table_lookup (form, "grant_type"), ==, "authorization_code");
  g_assert_cmpstr (g_hash_table_lookup (form, "client_id"), ==, "amzn1.application-oa2-client.t");
  g_assert_cmpstr (g_hash_table_lookup (form, "client_secret"), ==, "amazon-test-secret");
  g_assert_cmpstr (g_hash_table_lookup (form, "redirect_uri"), ==, RELINK_TEST_OIDC_REDIRECT_URI);
  g_assert_null (g_hash_table_lookup (form, "code_verifier"));
  code = g_hash_table_lookup (form, "code");
  g_assert_nonnull (code);

  fixture->amazon_exchanges++;
  answer = g_strdup_printf ("{\"access_token\":\"Atza|access-%s\",\"token_type\":\"bearer\","
                            "\"expires_in\":3600,\"refresh_token\":\"Atzr|refresh-%s\"}",
                            code, code);
  relink_test_answer_json (msg, 200, answer);
}

/* A stub OpenID Connect discovery document at /stub */

static void
discovery_cb (SoupServer *server,
              SoupServerMessage *msg,
              const char *path,
              GHashTable *query,
              gpointer user_data)
{
  Fixture *fixture = user_data;

  if (fixture->discovery_doc == NULL)
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }

  relink_test_answer_json (msg, 200, fixture->discovery_doc);
}

/* Profiles */

static void
write_test_profiles (Fixture *fixture)
{
  g_autofree char *revoke_url = NULL;
  g_autofree char *amazon_json = NULL;

  revoke_url = g_strconcat (fixture->forwarder_base, "/revoke", NULL);
  relink_test_oidc_write_profile (oidc, fixture->provider_dir, revoke_url, FALSE);

  /* Amazon's own profile with the stub's address for the token endpoint. */
  amazon_json = g_strdup_printf (
      "{ \"format_version\": 1, \"id\": \"" AMAZON_PROVIDER_ID "\","
      "  \"name\": \"Amazon Stub\", \"client_auth\": \"body\", \"pkce\": \"none\","
      "  \"scopes\": [], \"access_lifetime\": 3600, \"refresh_lifetime\": 31536000,"
      "  \"client_secret_lifetime\": 15552000,"
      "  \"identity\": { \"source\": \"redirect\", \"id_field\": \"selling_partner_id\" },"
      "  \"environments\": [ { \"id\": \"na\", \"name\": \"North America\","
      "    \"authorize_url\": \"%s/apps/authorize/consent\", \"token_url\": \"%s/auth/o2/token\" } "
      "],"
      "  \"keyset_fields\": [ { \"id\": \"application_id\", \"label\": \"Application ID\","
      "    \"required\": true, \"authorize_param\": \"application_id\" } ] }",
      fixture->forwarder_base, fixture->forwarder_base);
  relink_test_write_file (fixture->provider_dir, "amazon-stub.json", amazon_json);
}

/* Keysets and accounts */

static RelinkAccount *
add_account (Fixture *fixture, RelinkKeyset *keyset, const char *nickname, const char *expected)
{
  RelinkAccount *account = relink_test_add_account (fixture->manager, keyset, nickname, expected);

  g_ptr_array_add (fixture->account_ids, g_strdup (relink_account_get_id (account)));
  return account;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autofree char *path = NULL;

  fixture->dir = relink_test_make_tmp_dir ();
  fixture->provider_dir = g_build_filename (fixture->dir, "providers", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fixture->provider_dir, 0700), ==, 0);

  fixture->session = relink_test_new_session ();
  fixture->revoked_tokens = g_ptr_array_new_with_free_func (g_free);
  fixture->forwarder = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->forwarder, "/revoke", revoke_cb, fixture, NULL);
  soup_server_add_handler (fixture->forwarder, "/auth/o2/token", amazon_token_cb, fixture, NULL);
  soup_server_add_handler (fixture->forwarder, "/stub/.well-known/openid-configuration",
                           discovery_cb, fixture, NULL);
  fixture->forwarder_base = relink_test_listen_local (fixture->forwarder);

  write_test_profiles (fixture);

  path = g_build_filename (fixture->dir, "relink.db", NULL);
  fixture->manager = relink_test_open_manager (path, fixture->provider_dir);
  fixture->store = g_object_ref (relink_account_manager_get_store (fixture->manager));
  fixture->secrets = g_object_ref (relink_account_manager_get_secrets (fixture->manager));
  fixture->providers = g_object_ref (relink_account_manager_get_providers (fixture->manager));
  fixture->account_ids = g_ptr_array_new_with_free_func (g_free);

  fixture->keyset
      = relink_test_add_keyset (fixture->manager, TEST_PROVIDER_ID, "test",
                                RELINK_TEST_OIDC_CLIENT_ID, RELINK_TEST_OIDC_CLIENT_SECRET);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  relink_test_clear_keyring (fixture->manager, fixture->account_ids);

  while (fixture->pending_forwards > 0)
    g_main_context_iteration (NULL, TRUE);

  g_clear_object (&fixture->result);
  g_clear_object (&fixture->keyset);
  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->manager));
  g_clear_object (&fixture->providers);
  g_clear_object (&fixture->secrets);
  g_clear_object (&fixture->store);
  soup_server_disconnect (fixture->forwarder);
  g_clear_object (&fixture->forwarder);
  g_clear_object (&fixture->session);
  g_clear_pointer (&fixture->revoked_tokens, g_ptr_array_unref);
  g_clear_pointer (&fixture->account_ids, g_ptr_array_unref);
  relink_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->provider_dir);
  g_free (fixture->forwarder_base);
  g_free (fixture->discovery_doc);
}

/* Running a sign-in */

static RelinkSignIn *
new_sign_in (Fixture *fixture, RelinkAccount *account)
{
  g_autoptr (GError) error = NULL;
  RelinkSignIn *sign_in = relink_sign_in_new (fixture->manager, account, &error);

  g_assert_no_error (error);
  g_assert_nonnull (sign_in);
  return sign_in;
}

static gboolean
complete (Fixture *fixture, RelinkSignIn *sign_in, const char *redirect, GError **error)
{
  gboolean ok;

  relink_sign_in_complete_async (sign_in, redirect, NULL, relink_test_result_cb, &fixture->result);
  ok = relink_sign_in_complete_finish (sign_in, relink_test_wait_result (&fixture->result), error);
  g_clear_object (&fixture->result);
  return ok;
}

/* A whole sign-in as @user; asserts success. */
static void
connect_as (Fixture *fixture, RelinkAccount *account, const char *user)
{
  g_autoptr (RelinkSignIn) sign_in = new_sign_in (fixture, account);
  g_autoptr (GError) error = NULL;
  g_autofree char *redirect = NULL;

  redirect = relink_test_oidc_sign_in (relink_sign_in_get_authorize_url (sign_in), user, TRUE);
  g_assert_true (relink_sign_in_is_redirect (sign_in, redirect));
  g_assert_true (complete (fixture, sign_in, redirect, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (relink_identity_get_id (relink_sign_in_get_identity (sign_in)), ==, user);
}

/* Every persisted fact of two account objects is the same. */
static void
assert_same_account (RelinkAccount *a, RelinkAccount *b)
{
  g_assert_cmpstr (relink_account_get_identity_id (a), ==, relink_account_get_identity_id (b));
  g_assert_cmpstr (relink_account_get_identity_name (a), ==, relink_account_get_identity_name (b));
  g_assert_cmpstr (relink_account_get_scopes (a), ==, relink_account_get_scopes (b));
  g_assert_cmpint (relink_account_get_authorised_at (a), ==, relink_account_get_authorised_at (b));
  g_assert_cmpint (relink_account_get_access_expires_at (a), ==,
                   relink_account_get_access_expires_at (b));
  g_assert_cmpint (relink_account_get_refresh_expires_at (a), ==,
                   relink_account_get_refresh_expires_at (b));
  g_assert_cmpint (relink_account_get_status (a), ==, relink_account_get_status (b));
  g_assert_cmpstr (relink_account_get_status_message (a), ==,
                   relink_account_get_status_message (b));
}

/* What an account looked like before a sign-in that must change nothing. */
typedef struct
{
  char *tokens_json;
  RelinkAccount *row;
  RelinkAccount *object;
  guint history_len;
} Snapshot;

static void
snapshot_take (Fixture *fixture, RelinkAccount *account, Snapshot *snapshot)
{
  g_autoptr (GPtrArray) entries = relink_test_history (fixture->manager, account);

  snapshot->tokens_json = relink_test_keyring_json (fixture->manager, account);
  snapshot->row = relink_test_stored_account (fixture->manager, account);
  snapshot->object = relink_account_new (relink_account_get_id (account));
  relink_account_set_identity_id (snapshot->object, relink_account_get_identity_id (account));
  relink_account_set_identity_name (snapshot->object, relink_account_get_identity_name (account));
  relink_account_set_scopes (snapshot->object, relink_account_get_scopes (account));
  relink_account_set_authorised_at (snapshot->object, relink_account_get_authorised_at (account));
  relink_account_set_access_expires_at (snapshot->object,
                                        relink_account_get_access_expires_at (account));
  relink_account_set_refresh_expires_at (snapshot->object,
                                         relink_account_get_refresh_expires_at (account));
  relink_account_set_status (snapshot->object, relink_account_get_status (account));
  relink_account_set_status_message (snapshot->object, relink_account_get_status_message (account));
  snapshot->history_len = entries->len;
}

/* Nothing but one failed history entry (@message, unless NULL) changed. */
static void
snapshot_assert_untouched (Fixture *fixture,
                           RelinkAccount *account,
                           Snapshot *snapshot,
                           RelinkHistoryKind kind,
                           const char *message)
{
  g_autofree char *json = relink_test_keyring_json (fixture->manager, account);
  g_autoptr (RelinkAccount) row = relink_test_stored_account (fixture->manager, account);
  g_autoptr (GPtrArray) entries = relink_test_history (fixture->manager, account);
  RelinkHistoryEntry *newest;

  /* Byte for byte: not even rewritten with the same values. */
  g_assert_cmpstr (json, ==, snapshot->tokens_json);
  assert_same_account (row, snapshot->row);
  assert_same_account (account, snapshot->object);

  g_assert_cmpuint (entries->len, ==, snapshot->history_len + 1);
  newest = g_ptr_array_index (entries, 0);
  g_assert_cmpint (relink_history_entry_get_kind (newest), ==, kind);
  g_assert_false (relink_history_entry_get_ok (newest));
  g_assert_cmpstr (relink_history_entry_get_program (newest), ==, "window");
  if (message != NULL)
    g_assert_cmpstr (relink_history_entry_get_message (newest), ==, message);
}

static void
snapshot_clear (Snapshot *snapshot)
{
  g_clear_pointer (&snapshot->tokens_json, relink_secret_free);
  g_clear_object (&snapshot->row);
  g_clear_object (&snapshot->object);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Snapshot, snapshot_clear)

static void
count_notify_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  guint *count = user_data;

  (*count)++;
}

/* The tests */

static void
test_connect_new (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = add_account (fixture, fixture->keyset, "Main shop", "ALICE");
  g_autoptr (RelinkSignIn) sign_in = new_sign_in (fixture, account);
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkAccount) row = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *redirect = NULL;
  g_autofree char *sub = NULL;
  RelinkHistoryEntry *entry;
  guint notified = 0;
  gint64 before = relink_now ();
  const char *url;

  g_assert_false (relink_sign_in_is_renewal (sign_in));
  g_assert_true (relink_sign_in_get_account (sign_in) == account);
  g_assert_nonnull (relink_sign_in_get_request (sign_in));
  g_assert_null (relink_sign_in_get_identity (sign_in));

  url = relink_sign_in_get_authorize_url (sign_in);
  g_assert_true (g_str_has_prefix (url, relink_test_oidc_get_issuer (oidc)));
  g_assert_nonnull (strstr (url, "code_challenge_method=S256"));
  g_assert_nonnull (strstr (url, "client_id=" RELINK_TEST_OIDC_CLIENT_ID));
  g_assert_false (relink_sign_in_is_redirect (sign_in, "https://relink.invalid/other"));
  g_assert_false (relink_sign_in_is_redirect (sign_in, NULL));

  redirect = relink_test_oidc_sign_in (url, "alice", TRUE);
  g_assert_true (relink_sign_in_is_redirect (sign_in, redirect));

  g_signal_connect (account, "notify", G_CALLBACK (count_notify_cb), &notified);
  g_assert_true (complete (fixture, sign_in, redirect, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (notified, >, 0);
  g_signal_handlers_disconnect_by_func (account, count_notify_cb, &notified);

  g_assert_cmpstr (relink_identity_get_id (relink_sign_in_get_identity (sign_in)), ==, "alice");
  g_assert_cmpstr (relink_identity_get_name (relink_sign_in_get_identity (sign_in)), ==, "alice");

  /* The tokens in the keyring are real: the server knows them as alice's. */
  tokens = relink_test_keyring_tokens (fixture->manager, account);
  g_assert_nonnull (tokens);
  g_assert_nonnull (relink_token_set_get_refresh_token (tokens));
  sub = relink_test_oidc_userinfo_sub (oidc, relink_token_set_get_access_token (tokens));
  g_assert_cmpstr (sub, ==, "alice");

  /* The store and the object shown in the window agree. */
  row = relink_test_stored_account (fixture->manager, account);
  assert_same_account (row, account);
  g_assert_cmpstr (relink_account_get_identity_id (row), ==, "alice");
  g_assert_cmpstr (relink_account_get_identity_name (row), ==, "alice");
  g_assert_cmpint (relink_account_get_status (row), ==, RELINK_ACCOUNT_STATUS_CONNECTED);
  g_assert_null (relink_account_get_status_message (row));
  g_assert_cmpstr (relink_account_get_scopes (row), ==, relink_token_set_get_scope (tokens));
  g_assert_nonnull (strstr (relink_account_get_scopes (row), "openid"));
  g_assert_cmpint (relink_account_get_authorised_at (row), >=, before);
  g_assert_cmpint (relink_account_get_authorised_at (row), <=, relink_now ());
  g_assert_cmpint (relink_account_get_access_expires_at (row), ==,
                   relink_token_set_get_access_expires_at (tokens));
  g_assert_cmpint (relink_account_get_access_expires_at (row), >=, before + 3600);
  g_assert_cmpint (relink_account_get_access_expires_at (row), <=, relink_now () + 3600);
  /* The server states no refresh lifetime: the profile's 90 days count. */
  g_assert_cmpint (relink_account_get_refresh_expires_at (row), >=, before + 90 * DAY);
  g_assert_cmpint (relink_account_get_refresh_expires_at (row), <=, relink_now () + 90 * DAY);
  g_assert_cmpstr (relink_account_get_nickname (row), ==, "Main shop");
  g_assert_cmpstr (relink_account_get_expected_identity (row), ==, "ALICE");

  entries = relink_test_history (fixture->manager, account);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (relink_history_entry_get_kind (entry), ==, RELINK_HISTORY_KIND_CONNECT);
  g_assert_true (relink_history_entry_get_ok (entry));
  g_assert_cmpstr (relink_history_entry_get_program (entry), ==, "window");
  g_assert_cmpstr (relink_history_entry_get_message (entry), ==, "Signed in as alice");

  /* Nothing was revoked on the way. */
  g_assert_cmpuint (fixture->revoked_tokens->len, ==, 0);

  relink_test_assert_finalize_eventually (g_steal_pointer (&sign_in));
}

static void
test_renew_same (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = add_account (fixture, fixture->keyset, "Shop", NULL);
  g_autoptr (RelinkSignIn) sign_in = NULL;
  g_autoptr (RelinkTokenSet) before = NULL;
  g_autoptr (RelinkTokenSet) after = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *redirect = NULL;
  g_autofree char *sub = NULL;
  RelinkHistoryEntry *entry;

  connect_as (fixture, account, "alice");
  before = relink_test_keyring_tokens (fixture->manager, account);

  sign_in = new_sign_in (fixture, account);
  g_assert_true (relink_sign_in_is_renewal (sign_in));
  redirect = relink_test_oidc_sign_in (relink_sign_in_get_authorize_url (sign_in), "alice", TRUE);
  g_assert_true (complete (fixture, sign_in, redirect, &error));
  g_assert_no_error (error);

  after = relink_test_keyring_tokens (fixture->manager, account);
  g_assert_cmpstr (relink_token_set_get_access_token (after), !=,
                   relink_token_set_get_access_token (before));
  g_assert_cmpstr (relink_token_set_get_refresh_token (after), !=,
                   relink_token_set_get_refresh_token (before));
  sub = relink_test_oidc_userinfo_sub (oidc, relink_token_set_get_access_token (after));
  g_assert_cmpstr (sub, ==, "alice");
  g_assert_cmpstr (relink_account_get_identity_id (account), ==, "alice");

  entries = relink_test_history (fixture->manager, account);
  g_assert_cmpuint (entries->len, ==, 2);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (relink_history_entry_get_kind (entry), ==, RELINK_HISTORY_KIND_RENEWAL);
  g_assert_true (relink_history_entry_get_ok (entry));
  g_assert_cmpstr (relink_history_entry_get_message (entry), ==, "Signed in as alice");
  g_assert_cmpuint (fixture->revoked_tokens->len, ==, 0);
}

static void
test_renew_wrong_account (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = add_account (fixture, fixture->keyset, "Shop", NULL);
  g_autoptr (RelinkSignIn) sign_in = NULL;
  g_autoptr (RelinkTokenSet) kept = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *redirect = NULL;
  g_autofree char *sub = NULL;
  g_auto (Snapshot) snapshot = { 0 };
  const char *message = "You signed in as bob, but this account is alice. Sign in as alice.";

  connect_as (fixture, account, "alice");
  snapshot_take (fixture, account, &snapshot);

  sign_in = new_sign_in (fixture, account);
  redirect = relink_test_oidc_sign_in (relink_sign_in_get_authorize_url (sign_in), "bob", TRUE);
  g_assert_false (complete (fixture, sign_in, redirect, &error));
  g_assert_error (error, RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_WRONG_ACCOUNT);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_null (relink_sign_in_get_identity (sign_in));

  snapshot_assert_untouched (fixture, account, &snapshot, RELINK_HISTORY_KIND_RENEWAL, message);

  /* Bob's new grant was withdrawn at the server... */
  g_assert_cmpuint (fixture->revoked_tokens->len, ==, 1);
  g_assert_cmpuint (fixture->upstream_status, ==, 200);
  g_assert_cmpuint (
      relink_test_oidc_refresh_status (oidc, g_ptr_array_index (fixture->revoked_tokens, 0)), ==,
      400);

  /* ...and alice's stored tokens still work. */
  kept = relink_test_keyring_tokens (fixture->manager, account);
  sub = relink_test_oidc_userinfo_sub (oidc, relink_token_set_get_access_token (kept));
  g_assert_cmpstr (sub, ==, "alice");
}

static void
test_declined (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = add_account (fixture, fixture->keyset, "Shop", NULL);
  g_autoptr (RelinkSignIn) sign_in = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *redirect = NULL;
  g_auto (Snapshot) snapshot = { 0 };
  const char *message = "You declined access on " TEST_PROVIDER_NAME ". Nothing was changed.";

  connect_as (fixture, account, "alice");
  snapshot_take (fixture, account, &snapshot);

  sign_in = new_sign_in (fixture, account);
  redirect = relink_test_oidc_sign_in (relink_sign_in_get_authorize_url (sign_in), "alice", FALSE);
  g_assert_nonnull (strstr (redirect, "error=access_denied"));
  g_assert_false (complete (fixture, sign_in, redirect, &error));
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_DECLINED);
  g_assert_cmpstr (error->message, ==, message);

  snapshot_assert_untouched (fixture, account, &snapshot, RELINK_HISTORY_KIND_RENEWAL, message);
}

/* Replaces the value of the state parameter in @redirect. */
static char *
tamper_state (const char *redirect)
{
  g_autoptr (GUri) uri = g_uri_parse (redirect, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr (GString) query = g_string_new (NULL);
  g_auto (GStrv) params = NULL;

  g_assert_nonnull (uri);
  params = g_strsplit (g_uri_get_query (uri), "&", -1);
  for (guint i = 0; params[i] != NULL; i++)
    {
      if (query->len > 0)
        g_string_append_c (query, '&');
      if (g_str_has_prefix (params[i], "state="))
        g_string_append (query, "state=forged-by-someone-else");
      else
        g_string_append (query, params[i]);
    }

  return g_strconcat (RELINK_TEST_OIDC_REDIRECT_URI, "?", query->str, NULL);
}

static void
test_state_mismatch (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = add_account (fixture, fixture->keyset, "Shop", NULL);
  g_autoptr (RelinkSignIn) sign_in = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *redirect = NULL;
  g_autofree char *forged = NULL;
  g_auto (Snapshot) snapshot = { 0 };

  connect_as (fixture, account, "alice");
  snapshot_take (fixture, account, &snapshot);

  sign_in = new_sign_in (fixture, account);
  redirect = relink_test_oidc_sign_in (relink_sign_in_get_authorize_url (sign_in), "alice", TRUE);
  forged = tamper_state (redirect);
  g_assert_cmpstr (forged, !=, redirect);
  g_assert_false (complete (fixture, sign_in, forged, &error));
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_STATE_MISMATCH);
  snapshot_assert_untouched (fixture, account, &snapshot, RELINK_HISTORY_KIND_RENEWAL,
                             error->message);
  g_clear_error (&error);

  /* The genuine answer cannot be used afterwards either: single use. */
  g_assert_false (complete (fixture, sign_in, redirect, &error));
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_ALREADY_USED);
  g_assert_cmpuint (fixture->revoked_tokens->len, ==, 0);
}

static void
test_unexpected_account (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = add_account (fixture, fixture->keyset, "Carol’s", "carol");
  g_autoptr (RelinkSignIn) sign_in = new_sign_in (fixture, account);
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkAccount) row = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *redirect = NULL;
  RelinkHistoryEntry *entry;

  redirect = relink_test_oidc_sign_in (relink_sign_in_get_authorize_url (sign_in), "alice", TRUE);
  g_assert_false (complete (fixture, sign_in, redirect, &error));
  g_assert_error (error, RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_UNEXPECTED_ACCOUNT);
  g_assert_cmpstr (error->message, ==,
                   "You signed in as alice, but you expected carol. Sign in as carol, or change "
                   "the expected account.");

  tokens = relink_test_keyring_tokens (fixture->manager, account);
  g_assert_null (tokens);
  row = relink_test_stored_account (fixture->manager, account);
  g_assert_null (relink_account_get_identity_id (row));
  g_assert_cmpint (relink_account_get_status (row), ==, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
  g_assert_cmpint (relink_account_get_authorised_at (row), ==, 0);
  g_assert_null (relink_account_get_identity_id (account));

  entries = relink_test_history (fixture->manager, account);
  g_assert_cmpuint (entries->len, ==, 1);
  entry = g_ptr_array_index (entries, 0);
  g_assert_cmpint (relink_history_entry_get_kind (entry), ==, RELINK_HISTORY_KIND_CONNECT);
  g_assert_false (relink_history_entry_get_ok (entry));
  g_assert_cmpstr (relink_history_entry_get_message (entry), ==, error->message);

  /* The grant nobody keeps was withdrawn. */
  g_assert_cmpuint (fixture->revoked_tokens->len, ==, 1);
  g_assert_cmpuint (
      relink_test_oidc_refresh_status (oidc, g_ptr_array_index (fixture->revoked_tokens, 0)), ==,
      400);
}

/* The same shop twice with the same developer keys: refused, the first
 * account keeps its tokens. */
static void
test_already_connected (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) first = add_account (fixture, fixture->keyset, "Main shop", NULL);
  g_autoptr (RelinkAccount) second
      = add_account (fixture, fixture->keyset, "Main shop again", NULL);
  g_autoptr (RelinkSignIn) sign_in = new_sign_in (fixture, first);
  g_autoptr (RelinkSignIn) again = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkTokenSet) first_tokens = NULL;
  g_autoptr (RelinkAccount) row = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *redirect = NULL;
  g_autofree char *first_json = NULL;
  g_autofree char *first_after = NULL;

  redirect = relink_test_oidc_sign_in (relink_sign_in_get_authorize_url (sign_in), "alice", TRUE);
  g_assert_true (complete (fixture, sign_in, redirect, &error));
  g_assert_no_error (error);
  first_json = relink_test_keyring_json (fixture->manager, first);
  g_clear_pointer (&redirect, g_free);

  again = new_sign_in (fixture, second);
  redirect = relink_test_oidc_sign_in (relink_sign_in_get_authorize_url (again), "alice", TRUE);
  g_assert_false (complete (fixture, again, redirect, &error));
  g_assert_error (error, RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_ALREADY_CONNECTED);
  g_assert_cmpstr (error->message, ==,
                   "alice is already connected in Relink as “Main shop”. Renew that account "
                   "instead, or sign in as another account.");

  tokens = relink_test_keyring_tokens (fixture->manager, second);
  g_assert_null (tokens);
  row = relink_test_stored_account (fixture->manager, second);
  g_assert_null (relink_account_get_identity_id (row));
  first_after = relink_test_keyring_json (fixture->manager, first);
  g_assert_cmpstr (first_after, ==, first_json);
  /* The first account's grant still works. */
  first_tokens = relink_test_keyring_tokens (fixture->manager, first);
  g_assert_cmpuint (
      relink_test_oidc_refresh_status (oidc, relink_token_set_get_refresh_token (first_tokens)), ==,
      200);
}

static void
test_single_use (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = add_account (fixture, fixture->keyset, "Shop", NULL);
  g_autoptr (RelinkSignIn) sign_in = new_sign_in (fixture, account);
  g_autoptr (GError) error = NULL;
  g_autofree char *redirect = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json_after = NULL;
  g_autoptr (GPtrArray) entries = NULL;

  redirect = relink_test_oidc_sign_in (relink_sign_in_get_authorize_url (sign_in), "alice", TRUE);

  /* A wrong address is not an answer: it uses nothing up. */
  g_assert_false (complete (fixture, sign_in, "https://relink.invalid/elsewhere?code=x", &error));
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_WRONG_REDIRECT);
  g_clear_error (&error);

  g_assert_true (complete (fixture, sign_in, redirect, &error));
  g_assert_no_error (error);
  json = relink_test_keyring_json (fixture->manager, account);

  g_assert_false (complete (fixture, sign_in, redirect, &error));
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_ALREADY_USED);
  json_after = relink_test_keyring_json (fixture->manager, account);
  g_assert_cmpstr (json, ==, json_after);

  /* One connect; neither non-answer made a history entry. */
  entries = relink_test_history (fixture->manager, account);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_true (relink_history_entry_get_ok (g_ptr_array_index (entries, 0)));
}

static void
test_configuration (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) orphan = relink_account_new ("orphan");
  g_autoptr (RelinkKeyset) keyset = NULL;
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (GError) error = NULL;
  RelinkSignIn *sign_in;

  relink_account_set_keyset_id (orphan, "no-such-keyset");
  sign_in = relink_sign_in_new (fixture->manager, orphan, &error);
  g_assert_null (sign_in);
  g_assert_error (error, RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_CONFIGURATION);
  g_clear_error (&error);

  keyset = relink_test_add_keyset (fixture->manager, "no-such-marketplace", "production", "id",
                                   "secret");
  account = add_account (fixture, keyset, "Lost", NULL);
  sign_in = relink_sign_in_new (fixture->manager, account, &error);
  g_assert_null (sign_in);
  g_assert_error (error, RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_CONFIGURATION);
  g_assert_nonnull (strstr (error->message, "no-such-marketplace"));
}

/* Discovery */

static void
test_discovery_connect (Fixture *fixture, gconstpointer data)
{
  const char *issuer = relink_test_oidc_get_issuer (oidc);
  g_autoptr (RelinkProvider) provider = NULL;
  g_autoptr (RelinkKeyset) keyset = NULL;
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *path = NULL;
  g_autofree char *saved = NULL;
  const RelinkProviderEnvironment *env;
  guint n_before;

  relink_provider_discover_async (issuer, "Discovered Shop", NULL, relink_test_result_cb,
                                  &fixture->result);
  provider
      = relink_provider_discover_finish (relink_test_wait_result (&fixture->result), &json, &error);
  g_assert_no_error (error);
  g_assert_nonnull (provider);
  g_clear_object (&fixture->result);

  g_assert_true (relink_provider_is_custom (provider));
  g_assert_cmpstr (relink_provider_get_name (provider), ==, "Discovered Shop");
  g_assert_cmpint (relink_provider_get_client_auth (provider), ==, RELINK_CLIENT_AUTH_BASIC);
  g_assert_cmpint (relink_provider_get_pkce (provider), !=, RELINK_PKCE_NONE);
  g_assert_cmpint (relink_provider_get_identity_source (provider), ==,
                   RELINK_IDENTITY_SOURCE_ID_TOKEN);
  env = relink_provider_get_environment (provider, NULL);
  g_assert_nonnull (env);
  {
    g_autofree char *auth = g_strconcat (issuer, "/auth", NULL);
    g_autofree char *token = g_strconcat (issuer, "/token", NULL);
    g_autofree char *revoke = g_strconcat (issuer, "/token/revocation", NULL);
    g_autofree char *me = g_strconcat (issuer, "/me", NULL);

    g_assert_cmpstr (env->authorize_url, ==, auth);
    g_assert_cmpstr (env->token_url, ==, token);
    g_assert_cmpstr (env->revoke_url, ==, revoke);
    g_assert_cmpstr (env->identity_url, ==, me);
  }
  g_assert_true (g_strv_contains (relink_provider_get_scopes (provider), "openid"));
  g_assert_true (g_strv_contains (relink_provider_get_scopes (provider), "offline_access"));

  /* Saved where the registry reads custom profiles, and picked up at once. */
  path = relink_provider_discovery_save (json, fixture->provider_dir, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (path, fixture->provider_dir));
  g_assert_true (g_file_get_contents (path, &saved, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (strstr (saved, RELINK_TEST_OIDC_CLIENT_SECRET));

  n_before = g_list_model_get_n_items (G_LIST_MODEL (fixture->providers));
  g_assert_true (relink_provider_registry_add (fixture->providers, provider, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->providers)), ==, n_before + 1);
  g_assert_true (
      relink_provider_registry_lookup (fixture->providers, relink_provider_get_id (provider))
      == provider);

  keyset = relink_test_add_keyset (fixture->manager, relink_provider_get_id (provider), env->id,
                                   RELINK_TEST_OIDC_CLIENT_ID, RELINK_TEST_OIDC_CLIENT_SECRET);
  account = add_account (fixture, keyset, "Discovered", NULL);
  connect_as (fixture, account, "dave");
  g_assert_cmpstr (relink_account_get_identity_id (account), ==, "dave");
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_CONNECTED);
}

static void
test_cancelled (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = add_account (fixture, fixture->keyset, "Shop", NULL);
  g_autoptr (RelinkSignIn) sign_in = new_sign_in (fixture, account);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *redirect = NULL;

  redirect = relink_test_oidc_sign_in (relink_sign_in_get_authorize_url (sign_in), "alice", TRUE);
  relink_sign_in_complete_async (sign_in, redirect, cancellable, relink_test_result_cb,
                                 &fixture->result);
  g_cancellable_cancel (cancellable);
  g_assert_false (
      relink_sign_in_complete_finish (sign_in, relink_test_wait_result (&fixture->result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_object (&fixture->result);

  /* Given up by the seller: nothing stored, nothing to record. */
  tokens = relink_test_keyring_tokens (fixture->manager, account);
  g_assert_null (tokens);
  g_assert_null (relink_account_get_identity_id (account));
  entries = relink_test_history (fixture->manager, account);
  g_assert_cmpuint (entries->len, ==, 0);
}

/* Discovery against stub documents */

static char *
stub_issuer (Fixture *fixture)
{
  return g_strconcat (fixture->forwarder_base, "/stub", NULL);
}

static RelinkProvider *
discover (Fixture *fixture, const char *issuer, char **json, GError **error)
{
  RelinkProvider *provider;

  relink_provider_discover_async (issuer, "Stub Market", NULL, relink_test_result_cb,
                                  &fixture->result);
  provider
      = relink_provider_discover_finish (relink_test_wait_result (&fixture->result), json, error);
  g_clear_object (&fixture->result);
  return provider;
}

static void
set_discovery_doc (Fixture *fixture, const char *issuer, const char *extra)
{
  const char *base = fixture->forwarder_base;

  g_free (fixture->discovery_doc);
  fixture->discovery_doc
      = g_strdup_printf ("{ \"issuer\": \"%s\", \"authorization_endpoint\": \"%s/a\","
                         "  \"token_endpoint\": \"%s/t\", \"userinfo_endpoint\": \"%s/u\" %s }",
                         issuer, base, base, base, extra);
}

static void
test_discovery_checks (Fixture *fixture, gconstpointer data)
{
  g_autofree char *issuer = stub_issuer (fixture);
  g_autofree char *with_slash = g_strconcat (issuer, "/", NULL);
  g_autoptr (RelinkProvider) provider = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *path = NULL;
  g_autofree char *again = NULL;
  const char *const *scopes;

  /* No document at all. */
  g_assert_null (discover (fixture, issuer, NULL, &error));
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  /* Not over plain http to another machine. */
  g_assert_null (discover (fixture, "http://login.example.com", NULL, &error));
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INSECURE);
  g_clear_error (&error);

  /* A document naming another issuer is refused (OpenID Discovery §4.3). */
  set_discovery_doc (fixture, "https://login.example.com", "");
  g_assert_null (discover (fixture, issuer, NULL, &error));
  g_assert_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_FIELD);
  /* ...and the message names the issuer the server reported. */
  g_assert_nonnull (strstr (error->message, "“https://login.example.com”"));
  g_clear_error (&error);

  /* An endpoint that would receive secrets unencrypted is refused. */
  g_free (fixture->discovery_doc);
  fixture->discovery_doc
      = g_strdup_printf ("{ \"issuer\": \"%s\", \"authorization_endpoint\": \"%s/a\","
                         "  \"token_endpoint\": \"http://login.example.com/t\","
                         "  \"userinfo_endpoint\": \"%s/u\" }",
                         issuer, fixture->forwarder_base, fixture->forwarder_base);
  g_assert_null (discover (fixture, issuer, NULL, &error));
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INSECURE);
  g_clear_error (&error);

  /* No userinfo: no way to tell who signed in. */
  g_free (fixture->discovery_doc);
  fixture->discovery_doc
      = g_strdup_printf ("{ \"issuer\": \"%s\", \"authorization_endpoint\": \"%s/a\","
                         "  \"token_endpoint\": \"%s/t\" }",
                         issuer, fixture->forwarder_base, fixture->forwarder_base);
  g_assert_null (discover (fixture, issuer, NULL, &error));
  g_assert_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_FIELD);
  g_clear_error (&error);

  /* Not JSON. */
  g_free (fixture->discovery_doc);
  fixture->discovery_doc = g_strdup ("<html>Hello</html>");
  g_assert_null (discover (fixture, issuer, NULL, &error));
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED);
  g_clear_error (&error);

  /* client_secret_post only; no S256; scopes limited; trailing slash typed. */
  set_discovery_doc (fixture, issuer,
                     ", \"token_endpoint_auth_methods_supported\": [\"client_secret_post\"],"
                     "  \"scopes_supported\": [\"openid\", \"email\"]");
  provider = discover (fixture, with_slash, &json, &error);
  g_assert_no_error (error);
  g_assert_cmpint (relink_provider_get_client_auth (provider), ==, RELINK_CLIENT_AUTH_BODY);
  g_assert_cmpint (relink_provider_get_pkce (provider), ==, RELINK_PKCE_NONE);
  scopes = relink_provider_get_scopes (provider);
  g_assert_cmpuint (g_strv_length ((GStrv) scopes), ==, 1);
  g_assert_cmpstr (scopes[0], ==, "openid");
  g_assert_null (g_hash_table_lookup (relink_provider_get_authorize_params (provider), "prompt"));
  g_assert_null (relink_provider_get_environment (provider, NULL)->revoke_url);
  g_assert_cmpstr (relink_provider_get_id (provider), ==, "stub-market");
  g_clear_object (&provider);
  g_clear_pointer (&json, g_free);

  /* A public client: PKCE required, no client secret in keysets. */
  set_discovery_doc (fixture, issuer,
                     ", \"token_endpoint_auth_methods_supported\": [\"none\"],"
                     "  \"code_challenge_methods_supported\": [\"S256\"]");
  provider = discover (fixture, issuer, &json, &error);
  g_assert_no_error (error);
  g_assert_cmpint (relink_provider_get_client_auth (provider), ==, RELINK_CLIENT_AUTH_NONE);
  g_assert_cmpint (relink_provider_get_pkce (provider), ==, RELINK_PKCE_REQUIRED);
  g_assert_false (relink_provider_get_needs_client_secret (provider));
  scopes = relink_provider_get_scopes (provider);
  g_assert_true (g_strv_contains (scopes, "offline_access"));
  g_assert_cmpstr (g_hash_table_lookup (relink_provider_get_authorize_params (provider), "prompt"),
                   ==, "consent");

  /* Saved once; a second save never replaces it. */
  path = relink_provider_discovery_save (json, fixture->provider_dir, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (path, "/stub-market.json"));
  again = relink_provider_discovery_save (json, fixture->provider_dir, &error);
  g_assert_null (again);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);

  /* Not a profile: nothing written. */
  g_assert_null (relink_provider_discovery_save ("{}", fixture->provider_dir, &error));
  g_assert_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_FIELD);
  g_clear_error (&error);

  /* A registry started now reads the saved file like any custom profile. */
  {
    g_autoptr (RelinkProviderRegistry) fresh = relink_provider_registry_new (fixture->provider_dir);

    g_assert_nonnull (relink_provider_registry_lookup (fresh, "stub-market"));
    g_assert_cmpuint (relink_provider_registry_get_load_errors (fresh)->len, ==, 0);
  }
}

static void
items_changed_cb (GListModel *model, guint position, guint removed, guint added, gpointer user_data)
{
  guint *out = user_data;

  g_assert_cmpuint (removed, ==, 0);
  g_assert_cmpuint (added, ==, 1);
  out[0]++;
  out[1] = position;
}

static RelinkProvider *
minimal_provider (const char *id, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *json = g_strdup_printf (
      "{ \"format_version\": 1, \"id\": \"%s\", \"name\": \"%s\","
      "  \"client_auth\": \"basic\", \"identity\": { \"source\": \"id_token\" },"
      "  \"environments\": [ { \"id\": \"p\", \"name\": \"P\","
      "    \"authorize_url\": \"https://a.example/a\", \"token_url\": \"https://a.example/t\","
      "    \"identity_url\": \"https://a.example/u\" } ] }",
      id, name);
  RelinkProvider *provider = relink_provider_new_from_json (json, -1, "test", &error);

  g_assert_no_error (error);
  return provider;
}

static void
test_registry_add (Fixture *fixture, gconstpointer data)
{
  GListModel *model = G_LIST_MODEL (fixture->providers);
  g_autoptr (RelinkProvider) first = minimal_provider ("aaa", "aaa first");
  g_autoptr (RelinkProvider) middle = minimal_provider ("middle", "Mmm");
  g_autoptr (RelinkProvider) last = minimal_provider ("zzz", "zzz last");
  g_autoptr (RelinkProvider) clash = minimal_provider ("ebay", "Not eBay");
  g_autoptr (GError) error = NULL;
  guint changes[2] = { 0, 0 };
  guint n = g_list_model_get_n_items (model);

  g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), changes);

  g_assert_true (relink_provider_registry_add (fixture->providers, last, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changes[0], ==, 1);
  g_assert_cmpuint (changes[1], ==, n);

  g_assert_true (relink_provider_registry_add (fixture->providers, first, &error));
  g_assert_cmpuint (changes[0], ==, 2);
  g_assert_cmpuint (changes[1], ==, 0);

  g_assert_true (relink_provider_registry_add (fixture->providers, middle, &error));
  g_assert_cmpuint (changes[0], ==, 3);

  /* Whatever the positions, the list stays sorted by name. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n + 3);
  for (guint i = 1; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (RelinkProvider) a = g_list_model_get_item (model, i - 1);
      g_autoptr (RelinkProvider) b = g_list_model_get_item (model, i);
      g_autofree char *name_a = g_utf8_casefold (relink_provider_get_name (a), -1);
      g_autofree char *name_b = g_utf8_casefold (relink_provider_get_name (b), -1);

      g_assert_cmpint (g_utf8_collate (name_a, name_b), <=, 0);
    }
  {
    g_autoptr (RelinkProvider) at = g_list_model_get_item (model, changes[1]);

    g_assert_true (at == middle);
  }

  /* Neither a shipped id nor one added before can be taken. */
  g_assert_false (relink_provider_registry_add (fixture->providers, clash, &error));
  g_assert_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_false (relink_provider_registry_add (fixture->providers, middle, &error));
  g_assert_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_DUPLICATE);
  g_assert_cmpuint (changes[0], ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n + 3);
  g_assert_true (relink_provider_registry_lookup (fixture->providers, "ebay") != clash);

  g_signal_handlers_disconnect_by_func (model, items_changed_cb, changes);
}

/* Amazon: the identity comes with the redirect */

static char *
amazon_redirect (RelinkSignIn *sign_in, const char *selling_partner_id, const char *code)
{
  RelinkAuthRequest *request = relink_sign_in_get_request (sign_in);

  return g_strdup_printf ("%s?state=%s&selling_partner_id=%s&spapi_oauth_code=%s",
                          RELINK_TEST_OIDC_REDIRECT_URI, relink_auth_request_get_state (request),
                          selling_partner_id, code);
}

/* Developer keys for the Amazon stub profile, which lists no scopes. */
static RelinkKeyset *
add_amazon_keyset (Fixture *fixture)
{
  g_autoptr (RelinkKeyset) keyset = NULL;
  g_autoptr (GHashTable) secrets = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;

  {
    g_autofree char *id = relink_new_id ();

    keyset = relink_keyset_new (id);
  }
  relink_keyset_set_provider_id (keyset, AMAZON_PROVIDER_ID);
  relink_keyset_set_environment (keyset, "na");
  relink_keyset_set_client_id (keyset, "amzn1.application-oa2-client.t");
  relink_keyset_set_redirect (keyset, RELINK_TEST_OIDC_REDIRECT_URI);
  relink_keyset_set_extra (keyset, "application_id", "amzn1.sp.solution.test");

  g_hash_table_insert (secrets, (char *) "client_secret", (char *) "amazon-test-secret");
  relink_account_manager_add_keyset_async (fixture->manager, keyset, secrets, NULL,
                                           relink_test_result_cb, &fixture->result);
  g_assert_true (relink_account_manager_add_keyset_finish (
      fixture->manager, relink_test_wait_result (&fixture->result), &error));
  g_assert_no_error (error);
  g_clear_object (&fixture->result);
  return g_steal_pointer (&keyset);
}

/* The scope parameter of a sign-in's consent URL, or NULL. */
static char *
authorize_scope (RelinkSignIn *sign_in)
{
  g_autoptr (GUri) uri
      = g_uri_parse (relink_sign_in_get_authorize_url (sign_in), G_URI_FLAGS_NONE, NULL);
  g_autoptr (GHashTable) params = NULL;

  g_assert_nonnull (uri);
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_assert_nonnull (params);
  return g_strdup (g_hash_table_lookup (params, "scope"));
}

static void
test_renew_scopes (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkKeyset) amazon = add_amazon_keyset (fixture);
  g_autoptr (RelinkAccount) seller = add_account (fixture, amazon, "EU shop", NULL);
  g_autoptr (RelinkAccount) shop = add_account (fixture, fixture->keyset, "Shop", NULL);
  g_autoptr (RelinkSignIn) sign_in = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *profile_scopes = NULL;
  RelinkProvider *provider = relink_provider_registry_lookup (fixture->providers, TEST_PROVIDER_ID);

  /* A profile that lists no scopes: the scope string of the last token
   * answer (what the marketplace says it granted) is not asked for. */
  relink_account_set_identity_id (seller, "A1SELLER");
  relink_account_set_scopes (seller, "sellingpartnerapi::migration profile");
  sign_in = new_sign_in (fixture, seller);
  g_assert_true (relink_sign_in_is_renewal (sign_in));
  scope = authorize_scope (sign_in);
  g_assert_null (scope);
  g_clear_object (&sign_in);

  /* A profile that lists scopes: the account's granted ones... */
  relink_account_set_identity_id (shop, "alice");
  relink_account_set_scopes (shop, "openid offline_access");
  sign_in = new_sign_in (fixture, shop);
  scope = authorize_scope (sign_in);
  g_assert_cmpstr (scope, ==, "openid offline_access");
  g_clear_object (&sign_in);
  g_clear_pointer (&scope, g_free);

  /* ...or, when none are known, the profile's. */
  relink_account_set_scopes (shop, NULL);
  sign_in = new_sign_in (fixture, shop);
  scope = authorize_scope (sign_in);
  profile_scopes = g_strjoinv (" ", (char **) relink_provider_get_scopes (provider));
  g_assert_cmpstr (profile_scopes, !=, "");
  g_assert_cmpstr (scope, ==, profile_scopes);
}

static void
test_amazon_redirect_identity (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkKeyset) keyset = NULL;
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (RelinkSignIn) sign_in = NULL;
  g_autoptr (RelinkSignIn) renewal = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *redirect = NULL;
  g_auto (Snapshot) snapshot = { 0 };
  gint64 before = relink_now ();
  const char *message
      = "You signed in as A2OTHERPARTNER, but this account is A1SELLER. Sign in as A1SELLER.";

  keyset = add_amazon_keyset (fixture);
  account = add_account (fixture, keyset, "EU shop", NULL);

  sign_in = new_sign_in (fixture, account);
  g_assert_nonnull (
      strstr (relink_sign_in_get_authorize_url (sign_in), "application_id=amzn1.sp.solution.test"));
  redirect = amazon_redirect (sign_in, "A1SELLER", "code1");
  g_assert_true (complete (fixture, sign_in, redirect, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->amazon_exchanges, ==, 1);
  g_assert_cmpstr (relink_account_get_identity_id (account), ==, "A1SELLER");
  /* The authorisation lasts 365 days from consent. */
  g_assert_cmpint (relink_account_get_refresh_expires_at (account), >=, before + 365 * DAY);
  g_assert_cmpint (relink_account_get_refresh_expires_at (account), <=, relink_now () + 365 * DAY);
  tokens = relink_test_keyring_tokens (fixture->manager, account);
  g_assert_cmpstr (relink_token_set_get_refresh_token (tokens), ==, "Atzr|refresh-code1");

  snapshot_take (fixture, account, &snapshot);
  renewal = new_sign_in (fixture, account);
  g_assert_true (relink_sign_in_is_renewal (renewal));
  g_free (redirect);
  redirect = amazon_redirect (renewal, "A2OTHERPARTNER", "code2");
  g_assert_false (complete (fixture, renewal, redirect, &error));
  g_assert_error (error, RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_WRONG_ACCOUNT);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_cmpuint (fixture->amazon_exchanges, ==, 2);
  snapshot_assert_untouched (fixture, account, &snapshot, RELINK_HISTORY_KIND_RENEWAL, message);
  /* Amazon has no revocation endpoint. */
  g_assert_cmpuint (fixture->revoked_tokens->len, ==, 0);
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  int result;

  g_test_init (&argc, &argv, NULL);

  oidc = relink_test_oidc_start (NULL, &error);
  g_assert_no_error (error);

#define ADD(path, func)                                                                            \
  g_test_add ("/sign-in/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("connect-new", test_connect_new);
  ADD ("renew-same", test_renew_same);
  ADD ("renew-wrong-account", test_renew_wrong_account);
  ADD ("declined", test_declined);
  ADD ("state-mismatch", test_state_mismatch);
  ADD ("unexpected-account", test_unexpected_account);
  ADD ("already-connected", test_already_connected);
  ADD ("single-use", test_single_use);
  ADD ("configuration", test_configuration);
  ADD ("cancelled", test_cancelled);
  ADD ("discovery-checks", test_discovery_checks);
  ADD ("registry-add", test_registry_add);
  ADD ("discovery-connect", test_discovery_connect);
  ADD ("amazon-redirect-identity", test_amazon_redirect_identity);
  ADD ("renew-scopes", test_renew_scopes);

#undef ADD

  result = g_test_run ();
  relink_test_oidc_stop (oidc);
  return result;
}
