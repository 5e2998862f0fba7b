/* test-trading-client.c: eBay's Trading API calls behind Auth'n'Auth,
 * against the loopback stub of relink-test-trading.c (written from eBay's
 * documentation), and against a raw server for broken answers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "relink-expiry.h"
#include "relink-sign-in.h"
#include "relink-test-oidc.h"
#include "relink-test-trading.h"
#include "relink-test-util.h"
#include "relink-trading-client.h"

#define SHOP_A "shop_a"
#define SHOP_A_EIAS "nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6AFk4GmCJCBoQydj6x9nY+seQ=="
#define SHOP_B "shop_b"
#define SHOP_B_EIAS "nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6AFlYSkD5GHqA6dj6x9nY+seQ=="
#define SHOP_A_OAUTH "v^1.1#i^1#p^3#I^3#r^0#f^0#t^H4sIShopAOAuth"
#define SHOP_B_OAUTH "v^1.1#i^1#p^3#I^3#r^0#f^0#t^H4sIShopBOAuth"

typedef struct
{
  RelinkTestTrading *stub;
  RelinkProvider *provider;
  RelinkKeyset *keyset;
  RelinkTradingClient *client;
  GAsyncResult *result;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->stub = relink_test_trading_new (NULL);
  relink_test_trading_add_user (fixture->stub, SHOP_A, SHOP_A_EIAS);
  relink_test_trading_add_user (fixture->stub, SHOP_B, SHOP_B_EIAS);
  relink_test_trading_add_oauth_token (fixture->stub, SHOP_A_OAUTH, SHOP_A);
  relink_test_trading_add_oauth_token (fixture->stub, SHOP_B_OAUTH, SHOP_B);
  fixture->provider = relink_test_trading_provider (fixture->stub);
  fixture->keyset = relink_test_trading_keyset (fixture->provider, "production", NULL);
  fixture->client = relink_trading_client_new ();
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->result);
  g_assert_finalize_object (fixture->client);
  g_clear_object (&fixture->keyset);
  g_clear_object (&fixture->provider);
  g_clear_pointer (&fixture->stub, relink_test_trading_free);
}

/* The calls, run to their end. */

static char *
get_session_id (Fixture *fixture, const char *cert_id, GError **error)
{
  char *id;

  relink_trading_client_get_session_id_async (fixture->client, fixture->provider, fixture->keyset,
                                              cert_id, NULL, relink_test_result_cb,
                                              &fixture->result);
  id = relink_trading_client_get_session_id_finish (
      fixture->client, relink_test_wait_result (&fixture->result), error);
  g_clear_object (&fixture->result);
  return id;
}

static RelinkTokenSet *
fetch_token (Fixture *fixture, const char *session_id, GError **error)
{
  RelinkTokenSet *tokens;

  relink_trading_client_fetch_token_async (fixture->client, fixture->provider, fixture->keyset,
                                           RELINK_TEST_TRADING_CERT_ID, session_id, NULL,
                                           relink_test_result_cb, &fixture->result);
  tokens = relink_trading_client_fetch_token_finish (
      fixture->client, relink_test_wait_result (&fixture->result), error);
  g_clear_object (&fixture->result);
  return tokens;
}

static RelinkIdentity *
get_user (Fixture *fixture, const char *token, RelinkTradingCredential credential, GError **error)
{
  RelinkIdentity *identity;

  relink_trading_client_get_user_async (
      fixture->client, fixture->provider, fixture->keyset,
      credential == RELINK_TRADING_CREDENTIAL_OAUTH ? NULL : RELINK_TEST_TRADING_CERT_ID, token,
      credential, NULL, relink_test_result_cb, &fixture->result);
  identity = relink_trading_client_get_user_finish (
      fixture->client, relink_test_wait_result (&fixture->result), error);
  g_clear_object (&fixture->result);
  return identity;
}

static gboolean
token_status (Fixture *fixture,
              const char *token,
              RelinkTradingTokenStatus *status,
              gint64 *expires_at,
              GError **error)
{
  gboolean ok;

  relink_trading_client_get_token_status_async (fixture->client, fixture->provider, fixture->keyset,
                                                RELINK_TEST_TRADING_CERT_ID, token, NULL,
                                                relink_test_result_cb, &fixture->result);
  ok = relink_trading_client_get_token_status_finish (
      fixture->client, relink_test_wait_result (&fixture->result), status, expires_at, error);
  g_clear_object (&fixture->result);
  return ok;
}

static gboolean
revoke_token (Fixture *fixture, const char *token, GError **error)
{
  gboolean ok;

  relink_trading_client_revoke_token_async (fixture->client, fixture->provider, fixture->keyset,
                                            RELINK_TEST_TRADING_CERT_ID, token, NULL,
                                            relink_test_result_cb, &fixture->result);
  ok = relink_trading_client_revoke_token_finish (
      fixture->client, relink_test_wait_result (&fixture->result), error);
  g_clear_object (&fixture->result);
  return ok;
}

/* The whole Auth'n'Auth sign-in, the browser part played by the stub. */
static void
test_sign_in (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *session = get_session_id (fixture, RELINK_TEST_TRADING_CERT_ID, &error);
  g_autofree char *url = NULL;
  g_autofree char *expected_prefix = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GHashTable) params = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkIdentity) identity = NULL;
  gint64 before = relink_now ();

  g_assert_no_error (error);
  g_assert_cmpstr (session, ==, relink_test_trading_get_last_session (fixture->stub));

  /* The sign-in page: RuName and SessID encoded once each. */
  url = relink_trading_sign_in_url (fixture->provider, fixture->keyset, session, &error);
  g_assert_no_error (error);
  expected_prefix = g_strconcat (relink_test_trading_get_base (fixture->stub),
                                 "/ws/eBayISAPI.dll?SignIn&", NULL);
  g_assert_true (g_str_has_prefix (url, expected_prefix));
  /* "SignIn" has no value, so the query is taken apart by hand. */
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, &error);
  g_assert_no_error (error);
  params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  {
    g_auto (GStrv) items = g_strsplit (g_uri_get_query (uri), "&", -1);

    g_assert_cmpstr (items[0], ==, "SignIn");
    for (guint i = 1; items[i] != NULL; i++)
      {
        g_auto (GStrv) pair = g_strsplit (items[i], "=", 2);

        g_assert_nonnull (pair[1]);
        g_hash_table_replace (params, g_uri_unescape_string (pair[0], NULL),
                              g_uri_unescape_string (pair[1], NULL));
      }
  }
  g_assert_cmpstr (g_hash_table_lookup (params, "runame"), ==, RELINK_TEST_TRADING_RUNAME);
  g_assert_cmpstr (g_hash_table_lookup (params, "SessID"), ==, session);
  /* The session id's '+', '/' and '=' are encoded once. */
  g_assert_null (strstr (g_hash_table_lookup (params, "SessID"), "%"));
  g_assert_null (strchr (strstr (url, "SessID=") + 7, '+'));

  relink_test_trading_consent (fixture->stub, session, SHOP_A, TRUE);

  tokens = fetch_token (fixture, session, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tokens);
  g_assert_true (g_str_has_prefix (relink_token_set_get_access_token (tokens), "AgAAAA**"));
  g_assert_cmpstr (
      relink_test_trading_token_status (fixture->stub, relink_token_set_get_access_token (tokens)),
      ==, "Active");
  g_assert_cmpint (relink_token_set_get_access_expires_at (tokens), ==,
                   relink_test_trading_get_hard_expiration (fixture->stub));
  g_assert_null (relink_token_set_get_refresh_token (tokens));
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (tokens), ==, 0);
  g_assert_cmpstr (relink_token_set_get_token_type (tokens), ==, RELINK_TRADING_TOKEN_TYPE);
  g_assert_cmpint (relink_token_set_get_issued_at (tokens), >=, before);

  identity = get_user (fixture, relink_token_set_get_access_token (tokens),
                       RELINK_TRADING_CREDENTIAL_AUTH_N_AUTH, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_identity_get_id (identity), ==, SHOP_A_EIAS);
  g_assert_cmpstr (relink_identity_get_name (identity), ==, SHOP_A);

  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "GetSessionID"), ==, 1);
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "FetchToken"), ==, 1);
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "GetUser"), ==, 1);
}

/* FetchToken before the seller agreed, for a declined consent, and for a
 * session older than eBay's five minutes. */
static void
test_sign_in_not_finished (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *session = get_session_id (fixture, RELINK_TEST_TRADING_CERT_ID, &error);
  g_autoptr (RelinkTokenSet) tokens = NULL;

  g_assert_no_error (error);
  tokens = fetch_token (fixture, session, &error);
  g_assert_null (tokens);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_DECLINED);
  g_clear_error (&error);

  relink_test_trading_consent (fixture->stub, session, SHOP_A, FALSE);
  tokens = fetch_token (fixture, session, &error);
  g_assert_null (tokens);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_DECLINED);
  g_clear_error (&error);

  relink_test_trading_consent (fixture->stub, session, SHOP_A, TRUE);
  relink_test_trading_expire_session (fixture->stub, session);
  tokens = fetch_token (fixture, session, &error);
  g_assert_null (tokens);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_GRANT);
  g_assert_nonnull (strstr (error->message, "expired"));
}

/* Wrong keys: eBay's 127, "the keyset", and the Cert ID never quoted. */
static void
test_wrong_keys (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  const char *wrong_cert = "PRD-wrongwrongwrong-1234";
  g_autofree char *session = get_session_id (fixture, wrong_cert, &error);

  g_assert_null (session);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_CLIENT);
  g_assert_null (strstr (error->message, wrong_cert));
  g_assert_nonnull (strstr (error->message, "keyset"));
  g_clear_error (&error);

  /* Missing keys never leave the computer. */
  relink_keyset_set_extra (fixture->keyset, "dev_id", NULL);
  session = get_session_id (fixture, RELINK_TEST_TRADING_CERT_ID, &error);
  g_assert_null (session);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_CONFIGURATION);
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "GetSessionID"), ==, 1);
}

/* Test and Revoke: GetTokenStatus and RevokeToken; the refusals of a
 * revoked (931) and a hard-expired (932) token. */
static void
test_status_and_revoke (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *token = relink_test_trading_issue_token (fixture->stub, SHOP_A);
  g_autofree char *old = relink_test_trading_issue_token (fixture->stub, SHOP_A);
  g_autoptr (RelinkIdentity) identity = NULL;
  RelinkTradingTokenStatus status = RELINK_TRADING_TOKEN_REVOKED;
  gint64 expires_at = 0;

  g_assert_true (token_status (fixture, token, &status, &expires_at, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, RELINK_TRADING_TOKEN_ACTIVE);
  g_assert_cmpint (expires_at, ==, relink_test_trading_get_hard_expiration (fixture->stub));

  relink_test_trading_expire_token (fixture->stub, old);
  g_assert_true (token_status (fixture, old, &status, NULL, &error));
  g_assert_cmpint (status, ==, RELINK_TRADING_TOKEN_EXPIRED);
  identity = get_user (fixture, old, RELINK_TRADING_CREDENTIAL_AUTH_N_AUTH, &error);
  g_assert_null (identity);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_GRANT);
  g_assert_nonnull (strstr (error->message, "expired"));
  g_assert_null (strstr (error->message, old));
  g_clear_error (&error);

  g_assert_true (revoke_token (fixture, token, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (relink_test_trading_token_status (fixture->stub, token), ==, "RevokedByApp");
  g_assert_true (token_status (fixture, token, &status, NULL, &error));
  g_assert_cmpint (status, ==, RELINK_TRADING_TOKEN_REVOKED);

  identity = get_user (fixture, token, RELINK_TRADING_CREDENTIAL_AUTH_N_AUTH, &error);
  g_assert_null (identity);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_GRANT);
  g_clear_error (&error);

  /* A second revocation is refused as eBay refuses the token. */
  g_assert_false (revoke_token (fixture, token, &error));
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_GRANT);
}

/* Test: GetTokenStatus then GetUser; a lapsed token means "sign in
 * again", anything else keeps it. */
static void
test_test_token (Fixture *fixture, gconstpointer data)
{
  g_autofree char *token = relink_test_trading_issue_token (fixture->stub, SHOP_A);
  const char *verdicts[] = { NULL, "expire", "revoke" };

  for (guint i = 0; i < G_N_ELEMENTS (verdicts); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (RelinkIdentity) identity = NULL;
      g_autofree char *subject = relink_test_trading_issue_token (fixture->stub, SHOP_A);

      if (g_strcmp0 (verdicts[i], "expire") == 0)
        relink_test_trading_expire_token (fixture->stub, subject);
      if (g_strcmp0 (verdicts[i], "revoke") == 0)
        g_assert_true (revoke_token (fixture, subject, NULL));

      relink_trading_client_test_token_async (fixture->client, fixture->provider, fixture->keyset,
                                              RELINK_TEST_TRADING_CERT_ID, subject, NULL,
                                              relink_test_result_cb, &fixture->result);
      identity = relink_trading_client_test_token_finish (
          fixture->client, relink_test_wait_result (&fixture->result), &error);
      g_clear_object (&fixture->result);
      if (verdicts[i] == NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (relink_identity_get_id (identity), ==, SHOP_A_EIAS);
        }
      else
        {
          g_assert_null (identity);
          g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_GRANT);
        }
    }

  /* eBay's own failure keeps the token: not "sign in again". */
  relink_test_trading_fail_call (fixture->stub, "GetTokenStatus", "10007");
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (RelinkIdentity) identity = NULL;

    relink_trading_client_test_token_async (fixture->client, fixture->provider, fixture->keyset,
                                            RELINK_TEST_TRADING_CERT_ID, token, NULL,
                                            relink_test_result_cb, &fixture->result);
    identity = relink_trading_client_test_token_finish (
        fixture->client, relink_test_wait_result (&fixture->result), &error);
    g_clear_object (&fixture->result);
    g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_SERVER);
    g_assert_cmpstr (relink_test_trading_token_status (fixture->stub, token), ==, "Active");
  }
}

/* The decision of HACKING.md ("Auth'n'Auth"): both grants of an account
 * are tied to one seller by the EIASToken, which GetUser returns for an
 * Auth'n'Auth token and for an OAuth token in X-EBAY-API-IAF-TOKEN. */
static void
test_same_seller_both_kinds (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *token = relink_test_trading_issue_token (fixture->stub, SHOP_A);
  g_autoptr (RelinkIdentity) by_token = NULL;
  g_autoptr (RelinkIdentity) by_oauth = NULL;
  g_autoptr (RelinkIdentity) other = NULL;
  g_autoptr (RelinkIdentity) unknown = NULL;
  g_autoptr (RelinkKeyset) oauth_keyset = NULL;

  by_token = get_user (fixture, token, RELINK_TRADING_CREDENTIAL_AUTH_N_AUTH, &error);
  g_assert_no_error (error);

  /* An OAuth keyset has no Dev ID and no Cert ID: none is needed. */
  oauth_keyset = relink_test_make_keyset (fixture->provider, "production", "OAuthApp-PRD-1",
                                          RELINK_TEST_TRADING_RUNAME);
  g_set_object (&fixture->keyset, oauth_keyset);
  by_oauth = get_user (fixture, SHOP_A_OAUTH, RELINK_TRADING_CREDENTIAL_OAUTH, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_identity_get_id (by_token), ==, relink_identity_get_id (by_oauth));
  g_assert_cmpstr (relink_identity_get_id (by_oauth), ==, SHOP_A_EIAS);

  other = get_user (fixture, SHOP_B_OAUTH, RELINK_TRADING_CREDENTIAL_OAUTH, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_identity_get_id (other), !=, relink_identity_get_id (by_token));
  g_assert_cmpstr (relink_identity_get_name (other), ==, SHOP_B);

  unknown = get_user (fixture, "v^1.1#unknown", RELINK_TRADING_CREDENTIAL_OAUTH, &error);
  g_assert_null (unknown);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_GRANT);
}

/* Other errors of eBay: a refusal means "sign in again" only for a
 * refused token; anything else keeps the token ("try again"). */
static void
test_error_codes (Fixture *fixture, gconstpointer data)
{
  static const struct
  {
    const char *code;
    RelinkOAuthError error;
  } cases[] = {
    { "931", RELINK_OAUTH_ERROR_INVALID_GRANT },
    { "932", RELINK_OAUTH_ERROR_INVALID_GRANT },
    { "17470", RELINK_OAUTH_ERROR_INVALID_GRANT },
    { "21916984", RELINK_OAUTH_ERROR_INVALID_GRANT },
    { "21916016", RELINK_OAUTH_ERROR_INVALID_GRANT },
    { "21916017", RELINK_OAUTH_ERROR_DECLINED },
    { "16117", RELINK_OAUTH_ERROR_DECLINED },
    { "127", RELINK_OAUTH_ERROR_INVALID_CLIENT },
    { "26", RELINK_OAUTH_ERROR_CONFIGURATION },
    { "518", RELINK_OAUTH_ERROR_RATE_LIMITED },
    { "10007", RELINK_OAUTH_ERROR_SERVER },
    { "21919188", RELINK_OAUTH_ERROR_FAILED },
  };
  g_autofree char *token = relink_test_trading_issue_token (fixture->stub, SHOP_A);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (RelinkIdentity) identity = NULL;

      relink_test_trading_fail_call (fixture->stub, "GetUser", cases[i].code);
      identity = get_user (fixture, token, RELINK_TRADING_CREDENTIAL_AUTH_N_AUTH, &error);
      g_assert_null (identity);
      g_assert_error (error, RELINK_OAUTH_ERROR, (gint) cases[i].error);
      g_assert_null (strstr (error->message, token));
      g_assert_null (strstr (error->message, RELINK_TEST_TRADING_CERT_ID));
    }

  {
    g_autoptr (GError) unknown = relink_trading_error_for_code ("GetUser", "21919188");
    g_autoptr (GError) garbage = relink_trading_error_for_code ("GetUser", "AgAAAA**secret");

    g_assert_nonnull (strstr (unknown->message, "21919188"));
    g_assert_null (strstr (garbage->message, "secret"));
  }
}

/* A raw server for answers eBay's stub would never give. */

typedef struct
{
  const char *body;
  gsize length;
  guint status;
  gboolean hang;
  GPtrArray *held;
} Raw;

static void
raw_cb (SoupServer *server,
        SoupServerMessage *msg,
        const char *path,
        GHashTable *query,
        gpointer user_data)
{
  Raw *raw = user_data;

  if (raw->hang)
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (raw->held, g_object_ref (msg));
      return;
    }
  soup_server_message_set_status (msg, raw->status, NULL);
  soup_server_message_set_response (msg, "text/xml", SOUP_MEMORY_COPY, raw->body, raw->length);
}

static GError *
raw_get_user (Raw *raw)
{
  g_autoptr (SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr (RelinkTestTrading) stub = relink_test_trading_new (NULL);
  g_autoptr (RelinkProvider) provider = NULL;
  g_autoptr (RelinkKeyset) keyset = NULL;
  g_autoptr (RelinkTradingClient) client = relink_trading_client_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (RelinkIdentity) identity = NULL;
  g_autofree char *base = NULL;
  GError *error = NULL;

  /* The stub's profile, its addresses on the raw server's port. */
  soup_server_add_handler (server, NULL, raw_cb, raw, NULL);
  base = relink_test_listen_local (server);
  {
    g_autofree char *json = relink_test_trading_profile_json (stub);
    g_auto (GStrv) parts = g_strsplit (json, relink_test_trading_get_base (stub), -1);
    g_autofree char *moved = g_strjoinv (base, parts);

    provider = relink_provider_new_from_json_full (moved, -1, "ebay.json", FALSE, &error);
    g_assert_no_error (error);
  }
  keyset = relink_test_trading_keyset (provider, "production", NULL);

  relink_trading_client_get_user_async (client, provider, keyset, RELINK_TEST_TRADING_CERT_ID,
                                        "AgAAAA**token", RELINK_TRADING_CREDENTIAL_AUTH_N_AUTH,
                                        NULL, relink_test_result_cb, &result);
  identity
      = relink_trading_client_get_user_finish (client, relink_test_wait_result (&result), &error);
  g_assert_null (identity);
  g_ptr_array_set_size (raw->held, 0);
  soup_server_disconnect (server);
  return error;
}

static void
test_broken_answers (void)
{
  g_autoptr (GString) deep = g_string_new ("<GetUserResponse>");
  g_autoptr (GString) large = g_string_new ("<GetUserResponse><Ack>Success</Ack><X>");
  const char *wrong_root = "<FetchTokenResponse><Ack>Success</Ack>"
                           "<eBayAuthToken>x</eBayAuthToken></FetchTokenResponse>";
  const char *no_ack = "<GetUserResponse><User><EIASToken>e</EIASToken></User></GetUserResponse>";
  const char *no_user = "<GetUserResponse><Ack>Success</Ack></GetUserResponse>";
  const char *json = "{\"errors\":[{\"errorId\":1001}]}";
  Raw raw = { .status = 200, .held = g_ptr_array_new_with_free_func (g_object_unref) };
  const struct
  {
    const char *body;
    gsize length;
    guint status;
    RelinkOAuthError error;
  } cases[] = {
    { wrong_root, strlen (wrong_root), 200, RELINK_OAUTH_ERROR_MALFORMED },
    { no_ack, strlen (no_ack), 200, RELINK_OAUTH_ERROR_MALFORMED },
    { no_user, strlen (no_user), 200, RELINK_OAUTH_ERROR_MALFORMED },
    { json, strlen (json), 200, RELINK_OAUTH_ERROR_MALFORMED },
    { "", 0, 503, RELINK_OAUTH_ERROR_SERVER },
    { "", 0, 429, RELINK_OAUTH_ERROR_RATE_LIMITED },
    { "<html>", 6, 404, RELINK_OAUTH_ERROR_FAILED },
  };

  for (guint i = 0; i < 200; i++)
    g_string_append (deep, "<D>");
  while (large->len <= RELINK_TRADING_MAX_RESPONSE_SIZE)
    g_string_append (large,
                     "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  g_string_append (large, "</X></GetUserResponse>");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;

      raw.body = cases[i].body;
      raw.length = cases[i].length;
      raw.status = cases[i].status;
      error = raw_get_user (&raw);
      g_assert_error (error, RELINK_OAUTH_ERROR, (gint) cases[i].error);
    }

  {
    g_autoptr (GError) error = NULL;

    raw.status = 200;
    raw.body = deep->str;
    raw.length = deep->len;
    error = raw_get_user (&raw);
    g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED);
    g_assert_nonnull (strstr (error->message, "deep"));
  }

  {
    g_autoptr (GError) error = NULL;

    raw.body = large->str;
    raw.length = large->len;
    error = raw_get_user (&raw);
    g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED);
    g_assert_nonnull (strstr (error->message, "too large"));
  }

  /* A server that never answers: the call's deadline ends the wait. */
  {
    g_autoptr (GError) error = NULL;
    gint64 start = g_get_monotonic_time ();

    g_setenv ("RELINK_NETWORK_DEADLINE_SECONDS", "1", TRUE);
    raw.hang = TRUE;
    error = raw_get_user (&raw);
    g_unsetenv ("RELINK_NETWORK_DEADLINE_SECONDS");
    g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NETWORK);
    g_assert_true (relink_oauth_error_get_timed_out (error));
    g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  }

  g_ptr_array_unref (raw.held);
}

/* Where the sign-in ends: the keyset's accepted URL, or eBay's own page
 * (a command of the environment's sign-in page). */
static void
test_accepted_url (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("ebay");
  g_autoptr (RelinkKeyset) plain = relink_test_trading_keyset (provider, "production", NULL);
  g_autoptr (RelinkKeyset) sandbox = relink_test_trading_keyset (provider, "sandbox", NULL);
  g_autoptr (RelinkKeyset) own
      = relink_test_trading_keyset (provider, "production", "https://shop.example/ebay/accepted");
  const char *page = "https://signin.ebay.com/ws/eBayISAPI.dll?ThirdPartyAuthSucessFailure";
  const struct
  {
    RelinkKeyset *keyset;
    const char *uri;
    gboolean matches;
    gboolean accepted;
  } cases[] = {
    { plain,
      "https://signin.ebay.com/ws/eBayISAPI.dll?ThirdPartyAuthSucessFailure"
      "&isAuthSuccessful=true&username=shop_a",
      TRUE, TRUE },
    { plain,
      "https://signin.ebay.com/ws/eBayISAPI.dll?ThirdPartyAuthSucessFailure"
      "&isAuthSuccessful=false",
      TRUE, FALSE },
    /* eBay's reject address carries no isAuthSuccessful at all. */
    { plain, page, TRUE, FALSE },
    /* Another host, plain http, another command, another environment. */
    { plain,
      "https://evil.example/ws/eBayISAPI.dll?ThirdPartyAuthSucessFailure"
      "&isAuthSuccessful=true",
      FALSE, FALSE },
    { plain,
      "http://signin.ebay.com/ws/eBayISAPI.dll?ThirdPartyAuthSucessFailure"
      "&isAuthSuccessful=true",
      FALSE, FALSE },
    { plain, "https://signin.ebay.com/ws/eBayISAPI.dll?SignIn&runame=x&SessID=y", FALSE, FALSE },
    { plain, "https://signin.ebay.com/ws/eBayISAPI.dll?ThirdPartyAuthSucessFailureX", FALSE,
      FALSE },
    { sandbox,
      "https://signin.ebay.com/ws/eBayISAPI.dll?ThirdPartyAuthSucessFailure"
      "&isAuthSuccessful=true",
      FALSE, FALSE },
    { sandbox,
      "https://signin.sandbox.ebay.com/ws/eBayISAPI.dll?ThirdPartyAuthSucessFailure"
      "&isAuthSuccessful=true",
      TRUE, TRUE },
    /* The RuName's own accepted URL; then eBay's page is not the end. */
    { own, "https://shop.example/ebay/accepted?isAuthSuccessful=true&username=shop_a", TRUE, TRUE },
    { own, "https://shop.example/ebay/accepted", TRUE, TRUE },
    { own, "https://shop.example/ebay/other", FALSE, FALSE },
    { own, "https://other.example/ebay/accepted?isAuthSuccessful=true", FALSE, FALSE },
    { own,
      "https://signin.ebay.com/ws/eBayISAPI.dll?ThirdPartyAuthSucessFailure"
      "&isAuthSuccessful=true",
      FALSE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean accepted = !cases[i].accepted;

      if (relink_trading_is_accepted_url (provider, cases[i].keyset, cases[i].uri, &accepted)
          != cases[i].matches)
        g_error ("%s: expected %s", cases[i].uri, cases[i].matches ? "a match" : "no match");
      g_assert_cmpint (accepted, ==, cases[i].accepted);
    }
}

/* The profile: both environments name their Trading addresses. */
static void
test_profile (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("ebay");
  const RelinkAuthNAuth *ana = relink_provider_get_auth_n_auth (provider);
  const RelinkProviderEnvironment *production
      = relink_provider_get_environment (provider, "production");
  const RelinkProviderEnvironment *sandbox = relink_provider_get_environment (provider, "sandbox");

  g_assert_nonnull (ana);
  g_assert_cmpstr (ana->site_id, ==, "0");
  g_assert_cmpint (ana->lifetime, ==, 47304000);
  g_assert_cmpuint (ana->keyset_fields->len, ==, 2);
  g_assert_cmpstr (((RelinkKeysetField *) g_ptr_array_index (ana->keyset_fields, 0))->id, ==,
                   "dev_id");
  g_assert_cmpstr (production->trading_url, ==, "https://api.ebay.com/ws/api.dll");
  g_assert_cmpstr (production->trading_sign_in_url, ==, "https://signin.ebay.com/ws/eBayISAPI.dll");
  g_assert_cmpstr (sandbox->trading_url, ==, "https://api.sandbox.ebay.com/ws/api.dll");
  g_assert_cmpstr (sandbox->trading_sign_in_url, ==,
                   "https://signin.sandbox.ebay.com/ws/eBayISAPI.dll");
  {
    g_autoptr (RelinkProvider) etsy = relink_test_shipped_provider ("etsy");

    g_assert_null (relink_provider_get_auth_n_auth (etsy));
  }

  /* A profile with "auth_n_auth" needs both Trading addresses, and the
   * values in it are checked like the rest. */
  {
    g_autofree char *json = relink_test_shipped_profile ("ebay");
    const struct
    {
      const char *from;
      const char *to;
      const char *field;
    } cases[] = {
      { "\"trading_url\": \"https://api.ebay.com/ws/api.dll\",", "",
        "“environments[0].trading_url”" },
      { "\"trading_sign_in_url\": \"https://signin.sandbox.ebay.com/ws/eBayISAPI.dll\"", "\"x\": 1",
        "“environments[1].trading_sign_in_url”" },
      { "https://api.ebay.com/ws/api.dll", "http://api.ebay.com/ws/api.dll",
        "“environments[0].trading_url”" },
      { "\"lifetime\": 47304000", "\"lifetime\": -1", "“auth_n_auth.lifetime”" },
      { "\"site_id\": \"0\"", "\"site_id\": 0", "“auth_n_auth.site_id”" },
      { "\"id\": \"dev_id\"", "\"id\": \"accepted_url\"", "“auth_n_auth.keyset_fields[1].id”" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (RelinkProvider) broken = NULL;
        g_auto (GStrv) parts = g_strsplit (json, cases[i].from, 2);
        g_autofree char *text = NULL;

        g_assert_nonnull (parts[1]);
        text = g_strjoinv (cases[i].to, parts);
        broken = relink_provider_new_from_json (text, -1, "ebay.json", &error);
        g_assert_null (broken);
        g_assert_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_FIELD);
        if (strstr (error->message, cases[i].field) == NULL)
          g_error ("“%s” does not name %s", error->message, cases[i].field);
      }
  }
}

/* RelinkSignIn with an Auth'n'Auth keyset: a real store and the keyring
 * of the private session; the browser's part played by the stub. */

typedef struct
{
  RelinkTestTrading *stub;
  char *dir;
  RelinkAccountManager *manager;
  RelinkKeyset *keyset;
  RelinkAccount *account;
  GPtrArray *account_ids;
  GAsyncResult *result;
} SignInFixture;

static void
sign_in_set_up (SignInFixture *fixture, gconstpointer data)
{
  g_autofree char *providers = NULL;
  g_autofree char *path = NULL;

  fixture->stub = relink_test_trading_new (NULL);
  relink_test_trading_add_user (fixture->stub, SHOP_A, SHOP_A_EIAS);
  relink_test_trading_add_user (fixture->stub, SHOP_B, SHOP_B_EIAS);
  fixture->dir = relink_test_make_tmp_dir ();
  providers = g_build_filename (fixture->dir, "providers", NULL);
  g_assert_cmpint (g_mkdir_with_parents (providers, 0700), ==, 0);
  relink_test_trading_write_profile (fixture->stub, providers, "ebay-stub");
  path = g_build_filename (fixture->dir, "relink.db", NULL);
  fixture->manager = relink_test_open_manager (path, providers);
  fixture->keyset = relink_test_trading_add_keyset (fixture->manager, "ebay-stub", NULL);
  fixture->account = relink_test_add_account (fixture->manager, fixture->keyset, "Shop A", NULL);
  fixture->account_ids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (fixture->account_ids, g_strdup (relink_account_get_id (fixture->account)));
}

static void
sign_in_tear_down (SignInFixture *fixture, gconstpointer data)
{
  relink_test_clear_keyring (fixture->manager, fixture->account_ids);
  g_clear_object (&fixture->result);
  g_clear_object (&fixture->account);
  g_clear_object (&fixture->keyset);
  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->manager));
  g_ptr_array_unref (fixture->account_ids);
  relink_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_clear_pointer (&fixture->stub, relink_test_trading_free);
}

/* One attempt: prepare, @user_id agrees (or not), complete with eBay's
 * own page. */
static gboolean
sign_in_as (SignInFixture *fixture, const char *user_id, gboolean agree, GError **error)
{
  g_autoptr (RelinkSignIn) sign_in = relink_sign_in_new (fixture->manager, fixture->account, error);
  g_autofree char *page = NULL;
  const char *url;
  gboolean ok;

  g_assert_nonnull (sign_in);
  g_assert_null (relink_sign_in_get_authorize_url (sign_in));
  relink_sign_in_prepare_async (sign_in, NULL, relink_test_result_cb, &fixture->result);
  ok = relink_sign_in_prepare_finish (sign_in, relink_test_wait_result (&fixture->result), error);
  g_clear_object (&fixture->result);
  if (!ok)
    return FALSE;

  url = relink_sign_in_get_authorize_url (sign_in);
  g_assert_true (g_str_has_prefix (url, relink_test_trading_get_base (fixture->stub)));
  g_assert_nonnull (strstr (url, "SignIn&runame=" RELINK_TEST_TRADING_RUNAME "&SessID="));
  relink_test_trading_consent (fixture->stub, relink_test_trading_get_last_session (fixture->stub),
                               user_id, agree);

  page = relink_test_trading_default_page (fixture->stub, agree);
  g_assert_true (relink_sign_in_is_redirect (sign_in, page));
  g_assert_false (relink_sign_in_is_redirect (sign_in, url));
  relink_sign_in_complete_async (sign_in, page, NULL, relink_test_result_cb, &fixture->result);
  ok = relink_sign_in_complete_finish (sign_in, relink_test_wait_result (&fixture->result), error);
  g_clear_object (&fixture->result);
  return ok;
}

/* Connect, renew, and the refusal of another eBay user on renewal: the
 * stored token stays byte-identical and the other user's token is
 * revoked at eBay. */
static void
test_sign_in_account (SignInFixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autofree char *first_json = NULL;
  g_autofree char *after_json = NULL;
  g_autofree char *refused = NULL;

  g_assert_true (sign_in_as (fixture, SHOP_A, TRUE, &error));
  g_assert_no_error (error);
  tokens = relink_test_keyring_tokens (fixture->manager, fixture->account);
  g_assert_nonnull (tokens);
  g_assert_cmpstr (
      relink_test_trading_token_status (fixture->stub, relink_token_set_get_access_token (tokens)),
      ==, "Active");
  g_assert_null (relink_token_set_get_refresh_token (tokens));
  g_assert_cmpstr (relink_account_get_identity_id (fixture->account), ==, SHOP_A_EIAS);
  g_assert_cmpstr (relink_account_get_identity_name (fixture->account), ==, SHOP_A);
  g_assert_cmpint (relink_account_get_access_expires_at (fixture->account), ==,
                   relink_test_trading_get_hard_expiration (fixture->stub));
  g_assert_cmpint (relink_account_get_refresh_expires_at (fixture->account), ==,
                   relink_test_trading_get_hard_expiration (fixture->stub));
  g_assert_cmpint (relink_account_get_status (fixture->account), ==,
                   RELINK_ACCOUNT_STATUS_CONNECTED);

  first_json = relink_test_keyring_json (fixture->manager, fixture->account);
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "RevokeToken"), ==, 0);

  /* Renewal as another eBay user: refused, nothing changed here. */
  g_assert_false (sign_in_as (fixture, SHOP_B, TRUE, &error));
  g_assert_error (error, RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_WRONG_ACCOUNT);
  g_assert_nonnull (strstr (error->message, SHOP_B));
  g_assert_nonnull (strstr (error->message, SHOP_A));
  g_clear_error (&error);
  after_json = relink_test_keyring_json (fixture->manager, fixture->account);
  g_assert_cmpstr (after_json, ==, first_json);
  g_assert_cmpstr (relink_account_get_identity_id (fixture->account), ==, SHOP_A_EIAS);
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "RevokeToken"), ==, 1);

  /* Declined: refused without a FetchToken. */
  g_assert_false (sign_in_as (fixture, SHOP_A, FALSE, &error));
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_DECLINED);
  g_clear_error (&error);
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "FetchToken"), ==, 2);
  g_free (after_json);
  after_json = relink_test_keyring_json (fixture->manager, fixture->account);
  g_assert_cmpstr (after_json, ==, first_json);

  /* Renewal as the same seller: a new token. */
  g_assert_true (sign_in_as (fixture, SHOP_A, TRUE, &error));
  g_assert_no_error (error);
  g_free (after_json);
  after_json = relink_test_keyring_json (fixture->manager, fixture->account);
  g_assert_cmpstr (after_json, !=, first_json);
}

/* Wrong keys are found before any page is shown. */
static void
test_sign_in_wrong_keys (SignInFixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  relink_keyset_set_extra (fixture->keyset, "dev_id", "not-the-dev-id");
  g_assert_false (sign_in_as (fixture, SHOP_A, TRUE, &error));
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_CLIENT);
  g_assert_null (relink_test_keyring_tokens (fixture->manager, fixture->account));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/trading/sign-in", test_sign_in);
  ADD ("/trading/sign-in-not-finished", test_sign_in_not_finished);
  ADD ("/trading/wrong-keys", test_wrong_keys);
  ADD ("/trading/status-and-revoke", test_status_and_revoke);
  ADD ("/trading/test-token", test_test_token);
  ADD ("/trading/same-seller-both-kinds", test_same_seller_both_kinds);
  ADD ("/trading/error-codes", test_error_codes);
#undef ADD
  g_test_add ("/trading/sign-in-account", SignInFixture, NULL, sign_in_set_up, test_sign_in_account,
              sign_in_tear_down);
  g_test_add ("/trading/sign-in-wrong-keys", SignInFixture, NULL, sign_in_set_up,
              test_sign_in_wrong_keys, sign_in_tear_down);
  g_test_add_func ("/trading/broken-answers", test_broken_answers);
  g_test_add_func ("/trading/accepted-url", test_accepted_url);
  g_test_add_func ("/trading/profile", test_profile);

  return g_test_run ();
}
