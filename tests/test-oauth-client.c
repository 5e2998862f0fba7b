/* test-oauth-client.c: token answers, AliExpress signatures and the wire
 * format of every marketplace, against stub servers on 127.0.0.1.
 *
 * The stubs are written from shared/providers.md, not from the code under
 * test: each asserts the exact request its marketplace documents and
 * answers as documented.
 *
 *   eBay stub           "eBay (OAuth 2.0 authorization code)": POST, Basic
 *                       client_id:client_secret, body grant_type /
 *                       redirect_uri=<RuName> / code decoded once then
 *                       form-encoded once; refresh with scope; identity GET
 *                       with Bearer → userId, username; the error answers
 *                       (invalid_grant, invalid_client).
 *   Amazon stub         "Amazon Selling Partner API (Login with Amazon)":
 *                       credentials in the body, Content-Type
 *                       application/x-www-form-urlencoded;charset=UTF-8,
 *                       selling_partner_id from the redirect, the same
 *                       refresh token coming back.
 *   AliExpress stub     "AliExpress Open Platform (IOP gateway)": app_key,
 *                       timestamp in ms, sign_method=sha256, code or
 *                       refresh_token, sign recomputed here from the spec;
 *                       numbers as strings; seller_id / user_nick.
 *   Etsy stub           "Etsy Open API v3": no secret, code_verifier
 *                       matching the S256 challenge, x-api-key
 *                       keystring:shared_secret on users/me, a new refresh
 *                       token on every refresh.
 *   Mercado Libre stub  "Mercado Libre": credentials in the body, single-use
 *                       rotating refresh tokens, users/me → id, nickname.
 *   Error answers       providers.md's error bodies, 429 with Retry-After,
 *                       500, oversized and malformed bodies, and the
 *                       {"error":{"message":…,"status":400}} of DESIGN.md.
 *   Custom provider     "Standards in one breath": RFC 7009 revocation and
 *                       OpenID userinfo (`sub`, `preferred_username`).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "relink-aliexpress-sign.h"
#include "relink-oauth-client-private.h"
#include "relink-test-oidc.h"
#include "relink-test-util.h"
#include "relink-token-response.h"
#include "relink-uri.h"

#define NOW G_GINT64_CONSTANT (1700000000)

/* eBay's codes carry ^ and #; '+', '/' and '=' catch a second encoding. */
#define EBAY_CODE "v^1.1#i^1#r^1#p^3#f^0#I^3#t^Ul41Xz+/=_2#t^H4sI"
#define EBAY_RUNAME "Shop_Owner-ShopOwne-Relink-abcdef"
#define EBAY_CLIENT_ID "ShopOwne-Relink-PRD-1a2b3c4d5-6e7f8a9b"
#define EBAY_SECRET "PRD-1a2b3c4d5e6f-7a8b-9c0d-1e2f-3a4b"
#define EBAY_ACCESS "v^1.1#i^1#f^0#p^3#I^3#r^0#t^H4sIAccess"
#define EBAY_REFRESH "v^1.1#i^1#r^1#f^0#p^3#I^3#t^Ul4xMF8Refresh"

static gint64
fake_clock (gpointer user_data)
{
  return NOW;
}

/* Helpers shared by the stubs */

typedef struct
{
  SoupServer *server;
  char *base;
  RelinkOAuthClient *client;
  GAsyncResult *result;
  GHashTable *hits;
  /* What a stub answers or expects, set by each test. */
  const char *mode;
  char *challenge;
  char *expected_refresh;
  GHashTable *peers; /* client ports seen: one per connection */
} Fixture;

static void
request_started_cb (SoupServer *server, SoupServerMessage *msg, Fixture *fixture)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  if (G_IS_INET_SOCKET_ADDRESS (remote))
    g_hash_table_add (fixture->peers, GUINT_TO_POINTER (g_inet_socket_address_get_port (
                                          G_INET_SOCKET_ADDRESS (remote))));
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{

  fixture->server = soup_server_new (NULL, NULL);
  fixture->base = relink_test_listen_local (fixture->server);
  fixture->peers = g_hash_table_new (NULL, NULL);
  g_signal_connect (fixture->server, "request-started", G_CALLBACK (request_started_cb), fixture);

  fixture->client = relink_oauth_client_new ();
  relink_oauth_client_set_clock (fixture->client, fake_clock, NULL);
  fixture->hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->result);
  g_assert_finalize_object (fixture->client);
  g_clear_pointer (&fixture->peers, g_hash_table_unref);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_hash_table_unref (fixture->hits);
  g_free (fixture->base);
  g_free (fixture->challenge);
  g_free (fixture->expected_refresh);
}

/* The client's calls, run to their end. */

static RelinkTokenSet *
sign_in (Fixture *fixture,
         RelinkAuthRequest *request,
         RelinkAuthResponse *response,
         const char *client_secret,
         const char *shared_secret,
         RelinkIdentity **identity,
         GError **error)
{
  RelinkTokenSet *tokens;

  relink_oauth_client_sign_in_async (fixture->client, request, response, client_secret,
                                     shared_secret, NULL, relink_test_result_cb, &fixture->result);
  tokens = relink_oauth_client_sign_in_finish (
      fixture->client, relink_test_wait_result (&fixture->result), identity, error);
  g_clear_object (&fixture->result);
  return tokens;
}

static RelinkTokenSet *
refresh (Fixture *fixture,
         RelinkProvider *provider,
         RelinkKeyset *keyset,
         RelinkTokenSet *previous,
         const char *client_secret,
         GError **error)
{
  RelinkTokenSet *tokens;

  relink_oauth_client_refresh_async (fixture->client, provider, keyset, previous, client_secret,
                                     NULL, relink_test_result_cb, &fixture->result);
  tokens = relink_oauth_client_refresh_finish (fixture->client,
                                               relink_test_wait_result (&fixture->result), error);
  g_clear_object (&fixture->result);
  return tokens;
}

static RelinkIdentity *
fetch_identity (Fixture *fixture,
                RelinkProvider *provider,
                RelinkKeyset *keyset,
                const char *access_token,
                const char *shared_secret,
                GError **error)
{
  RelinkIdentity *identity;

  relink_oauth_client_fetch_identity_async (fixture->client, provider, keyset, access_token,
                                            shared_secret, NULL, relink_test_result_cb,
                                            &fixture->result);
  identity = relink_oauth_client_fetch_identity_finish (
      fixture->client, relink_test_wait_result (&fixture->result), error);
  g_clear_object (&fixture->result);
  return identity;
}

static guint
hits (Fixture *fixture, const char *path)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (fixture->hits, path));
}

static void
count_hit (Fixture *fixture, const char *path)
{
  g_hash_table_replace (fixture->hits, g_strdup (path),
                        GUINT_TO_POINTER (hits (fixture, path) + 1));
}

static const char *
request_header (SoupServerMessage *msg, const char *name)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (msg), name);
}

static char *
request_body (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (body);

  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* The form body, decoded by libsoup: exactly what the marketplace reads. */
static GHashTable *
request_form (SoupServerMessage *msg)
{
  g_autofree char *body = request_body (msg);

  g_assert_cmpstr (soup_server_message_get_method (msg), ==, "POST");
  g_assert_true (
      g_str_has_prefix (request_header (msg, "Content-Type"), "application/x-www-form-urlencoded"));
  return soup_form_decode (body);
}

/* @expected: name, value, …, NULL. The form must hold exactly these. */
static void
assert_form (GHashTable *form, ...)
{
  va_list args;
  const char *name;
  guint n = 0;

  va_start (args, form);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);

      if (g_strcmp0 (g_hash_table_lookup (form, name), value) != 0)
        g_error ("form field %s: expected “%s”, got “%s”", name, value,
                 (const char *) g_hash_table_lookup (form, name));
      n++;
    }
  va_end (args);

  if (g_hash_table_size (form) != n)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, form);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_printerr ("# form field sent: %s\n", (const char *) key);
      g_error ("expected %u form fields, got %u", n, g_hash_table_size (form));
    }
}

static char *
basic (const char *id, const char *secret)
{
  g_autofree char *pair = g_strconcat (id, ":", secret, NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));

  return g_strconcat ("Basic ", encoded, NULL);
}

static char *
base64url_sha256 (const char *text)
{
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  char *encoded;

  g_checksum_update (checksum, (const guchar *) text, strlen (text));
  g_checksum_get_digest (checksum, digest, &length);
  encoded = g_base64_encode (digest, length);
  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  *strchrnul (encoded, '=') = '\0';
  return encoded;
}

/* Profiles */

/* The shipped profile @id with every endpoint moved to the stub: same
 * paths, http://127.0.0.1:PORT instead of the marketplace's host. */
static RelinkProvider *
stub_provider_at (const char *base, const char *id)
{
  g_autofree char *json = relink_test_shipped_profile (id);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  JsonArray *environments;
  RelinkProvider *provider;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  environments = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                               "environments");

  for (guint i = 0; i < json_array_get_length (environments); i++)
    {
      JsonObject *env = json_array_get_object_element (environments, i);
      g_autoptr (GList) members = json_object_get_members (env);

      for (GList *l = members; l != NULL; l = l->next)
        {
          const char *name = l->data;
          g_autoptr (GUri) uri = NULL;
          g_autofree char *moved = NULL;

          if (!g_str_has_suffix (name, "_url"))
            continue;
          uri = g_uri_parse (json_object_get_string_member (env, name), G_URI_FLAGS_ENCODED, NULL);
          moved = g_strconcat (base, g_uri_get_path (uri), NULL);
          json_object_set_string_member (env, name, moved);
        }
    }

  json_generator_set_root (generator, json_parser_get_root (parser));
  text = json_generator_to_data (generator, NULL);
  provider = relink_provider_new_from_json (text, -1, id, &error);
  g_assert_no_error (error);
  return provider;
}

static RelinkProvider *
stub_provider (Fixture *fixture, const char *id)
{
  return stub_provider_at (fixture->base, id);
}

/* The seller consented: the redirect carries @params and the right state. */
static RelinkAuthResponse *
consent (RelinkAuthRequest *request, const char *redirect, const char *params)
{
  g_autofree char *state
      = g_uri_escape_string (relink_auth_request_get_state (request), NULL, FALSE);
  g_autofree char *uri = g_strdup_printf ("%s?%s&state=%s", redirect, params, state);
  g_autoptr (GError) error = NULL;
  RelinkAuthResponse *response = relink_auth_request_parse_redirect (request, uri, &error);

  g_assert_no_error (error);
  return response;
}

/* Pure functions */

static void
test_aliexpress_sign_vector (void)
{
  g_autoptr (GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *sign = NULL;
  g_autofree char *path
      = relink_aliexpress_api_path ("https://api-sg.aliexpress.com/rest/auth/token/create");

  g_assert_cmpstr (path, ==, "/auth/token/create");

  /* providers.md's vector; an existing "sign" must not be signed. */
  g_hash_table_insert (params, (char *) "app_key", (char *) "12345678");
  g_hash_table_insert (params, (char *) "timestamp", (char *) "1517820392000");
  g_hash_table_insert (params, (char *) "code", (char *) "3_500102_JxZ05Ux3cnnSSUm6dCxYg6Q26");
  g_hash_table_insert (params, (char *) "sign_method", (char *) "sha256");
  g_hash_table_insert (params, (char *) "sign", (char *) "SOMETHING-OLD");
  sign = relink_aliexpress_sign (path, params, "helloworld");
  g_assert_cmpstr (sign, ==, "35607762342831B6A417A0DED84B79C05FEFBF116969C48AD6DC00279A9F4D81");
}

static void
test_secure_url (void)
{
  const char *const secure[] = {
    "https://api.ebay.com/identity/v1/oauth2/token",
    "HTTPS://api.ebay.com/x",
    "http://127.0.0.1:8080/token",
    "http://127.8.9.10/token",
    "http://[::1]:8080/token",
    "http://localhost:1234/token",
  };
  const char *const insecure[] = {
    "http://api.ebay.com/identity/v1/oauth2/token",
    "http://127.0.0.1.evil.com/token",
    "http://localhost.evil.com/token",
    "http://128.0.0.1/token",
    "http://[::2]/token",
    "ftp://127.0.0.1/token",
    "api.ebay.com/token",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (secure); i++)
    g_assert_true (relink_uri_is_secure (secure[i]));
  for (guint i = 0; i < G_N_ELEMENTS (insecure); i++)
    {
      if (relink_uri_is_secure (insecure[i]))
        g_error ("should be refused: %s", insecure[i]);
    }
  g_assert_false (relink_uri_is_secure (NULL));
}

static RelinkTokenSet *
parse (RelinkProvider *provider, const char *json, RelinkTokenSet *previous, GError **error)
{
  return relink_token_response_parse (
      provider, previous ? RELINK_OAUTH_CALL_REFRESH : RELINK_OAUTH_CALL_CODE, json, strlen (json),
      previous, "scope-a scope-b", NOW, NULL, error);
}

static void
test_parse_ebay (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("ebay");
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkTokenSet) refreshed = NULL;

  tokens = parse (provider,
                  "{\"access_token\":\"v^1.1#A\",\"expires_in\":7200,\"refresh_token\":\"v^1.1#R\","
                  "\"refresh_token_expires_in\":47304000,\"token_type\":\"User Access Token\"}",
                  NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_token_set_get_access_token (tokens), ==, "v^1.1#A");
  g_assert_cmpstr (relink_token_set_get_refresh_token (tokens), ==, "v^1.1#R");
  g_assert_cmpstr (relink_token_set_get_token_type (tokens), ==, "User Access Token");
  g_assert_cmpstr (relink_token_set_get_scope (tokens), ==, "scope-a scope-b");
  g_assert_cmpint (relink_token_set_get_issued_at (tokens), ==, NOW);
  g_assert_cmpint (relink_token_set_get_access_expires_at (tokens), ==, NOW + 7200);
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (tokens), ==, NOW + 47304000);

  /* eBay's refresh answer has no refresh token: the old one stays, and so
   * does its expiry. */
  relink_token_set_set_refresh_expires_at (tokens, NOW + 1000);
  refreshed
      = parse (provider, "{\"access_token\":\"v^1.1#B\",\"expires_in\":7200}", tokens, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_token_set_get_access_token (refreshed), ==, "v^1.1#B");
  g_assert_cmpstr (relink_token_set_get_refresh_token (refreshed), ==, "v^1.1#R");
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (refreshed), ==, NOW + 1000);
  g_assert_cmpstr (relink_token_set_get_token_type (refreshed), ==, "User Access Token");
  /* The stored set itself is untouched. */
  g_assert_cmpstr (relink_token_set_get_access_token (tokens), ==, "v^1.1#A");
}

static void
test_parse_fallbacks (void)
{
  g_autoptr (RelinkProvider) ebay = relink_test_shipped_provider ("ebay");
  g_autoptr (RelinkProvider) aliexpress = relink_test_shipped_provider ("aliexpress");
  const char *fallback_answers[] = {
    "{\"access_token\":\"A\",\"refresh_token\":\"R\"}",
    "{\"access_token\":\"A\",\"refresh_token\":\"R\",\"expires_in\":\"abc\"}",
    "{\"access_token\":\"A\",\"refresh_token\":\"R\",\"expires_in\":-5}",
    "{\"access_token\":\"A\",\"refresh_token\":\"R\",\"expires_in\":1e30}",
    "{\"access_token\":\"A\",\"refresh_token\":\"R\",\"expires_in\":99999999999999}",
    "{\"access_token\":\"A\",\"refresh_token\":\"R\",\"expires_in\":null,\"token_type\":5}",
    "{\"access_token\":\"A\",\"refresh_token\":\"R\",\"expires_in\":[3600]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (fallback_answers); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (RelinkTokenSet) tokens = parse (ebay, fallback_answers[i], NULL, &error);

      g_assert_no_error (error);
      /* The profile's lifetimes stand in. */
      g_assert_cmpint (relink_token_set_get_access_expires_at (tokens), ==, NOW + 7200);
      g_assert_cmpint (relink_token_set_get_refresh_expires_at (tokens), ==, NOW + 47304000);
      g_assert_cmpstr (relink_token_set_get_token_type (tokens), ==, "Bearer");
    }

  /* Lenient numbers: seconds as strings, floats. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (RelinkTokenSet) tokens
        = parse (ebay,
                 "{\"access_token\":\"A\",\"expires_in\":\" 3600 \",\"refresh_token\":\"R\","
                 "\"refresh_token_expires_in\":100.0}",
                 NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpint (relink_token_set_get_access_expires_at (tokens), ==, NOW + 3600);
    g_assert_cmpint (relink_token_set_get_refresh_expires_at (tokens), ==, NOW + 100);
  }

  /* No lifetime anywhere: unknown, not invented. */
  {
    const char *json = "{\"access_token\":\"A\",\"code\":\"0\",\"seller_id\":\"1\"}";
    g_autoptr (GError) error = NULL;
    g_autoptr (RelinkTokenSet) tokens = relink_token_response_parse (
        aliexpress, RELINK_OAUTH_CALL_CODE, json, strlen (json), NULL, NULL, NOW, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpint (relink_token_set_get_access_expires_at (tokens), ==, 0);
    g_assert_cmpint (relink_token_set_get_refresh_expires_at (tokens), ==, 0);
    g_assert_null (relink_token_set_get_refresh_token (tokens));
    g_assert_null (relink_token_set_get_scope (tokens));
  }
}

static void
test_parse_malformed (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("ebay");
  g_autoptr (GString) huge = g_string_new ("{\"access_token\":\"");
  const char *answers[] = {
    "",
    "not json",
    "{\"access_token\":",
    "[\"access_token\",\"A\"]",
    "\"A\"",
    "{}",
    "{\"token_type\":\"Bearer\",\"expires_in\":3600}",
    "{\"access_token\":12345}",
    "{\"access_token\":null}",
    "{\"access_token\":\"\"}",
    "{\"access_token\":{\"value\":\"A\"}}",
    "{\"access_token\":\"A\\r\\nX-Injected: yes\"}",
    "{\"access_token\":\"A B\"}",
    "{\"access_token\":\"caf\\u00e9\"}",
    "{\"access_token\":\"A\",\"refresh_token\":42}",
    "{\"access_token\":\"A\",\"refresh_token\":[\"R\"]}",
    NULL,
  };

  for (guint i = 0; i < RELINK_OAUTH_MAX_TOKEN_LENGTH + 1; i++)
    g_string_append_c (huge, 'a');
  g_string_append (huge, "\"}");
  answers[G_N_ELEMENTS (answers) - 1] = huge->str;

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (RelinkTokenSet) tokens = parse (provider, answers[i], NULL, &error);

      if (tokens != NULL)
        g_error ("should be refused: %.60s", answers[i]);
      g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED);
      g_assert_cmpstr (error->message, ==,
                       "eBay sent an answer Relink cannot read as a token; nothing was changed. "
                       "Try again later.");
    }
}

static void
test_parse_rotation (void)
{
  g_autoptr (RelinkProvider) mercadolibre = relink_test_shipped_provider ("mercadolibre");
  g_autoptr (RelinkProvider) amazon = relink_test_shipped_provider ("amazon-sp-api");
  g_autoptr (RelinkTokenSet) previous = relink_token_set_new ();
  g_autoptr (RelinkTokenSet) rotated = NULL;
  g_autoptr (RelinkTokenSet) same = NULL;
  g_autoptr (GError) error = NULL;

  relink_token_set_set_access_token (previous, "APP_USR-old");
  relink_token_set_set_refresh_token (previous, "TG-old");
  relink_token_set_set_scope (previous, "offline_access read write");
  relink_token_set_set_refresh_expires_at (previous, NOW + 10);

  /* Rotating and extending (Mercado Libre): the new token, a fresh lifetime. */
  rotated = parse (
      mercadolibre,
      "{\"access_token\":\"APP_USR-new\",\"token_type\":\"Bearer\",\"expires_in\":21600,"
      "\"scope\":\"offline_access read\",\"user_id\":123456789,\"refresh_token\":\"TG-new\"}",
      previous, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_token_set_get_refresh_token (rotated), ==, "TG-new");
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (rotated), ==, NOW + 15552000);
  g_assert_cmpint (relink_token_set_get_access_expires_at (rotated), ==, NOW + 21600);
  g_assert_cmpstr (relink_token_set_get_scope (rotated), ==, "offline_access read");

  /* Amazon hands the same refresh token back: the 365 days still count
   * from the consent. */
  same = parse (amazon,
                "{\"access_token\":\"Atza|new\",\"token_type\":\"bearer\",\"expires_in\":3600,"
                "\"refresh_token\":\"TG-old\"}",
                previous, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_token_set_get_refresh_token (same), ==, "TG-old");
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (same), ==, NOW + 10);
  g_assert_cmpstr (relink_token_set_get_scope (same), ==, "offline_access read write");
}

static void
test_parse_aliexpress (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("aliexpress");
  g_autoptr (RelinkIdentity) identity = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = g_strdup_printf (
      "{\"access_token\":\"50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg\","
      "\"refresh_token\":\"500016000300bwa2WteaQyfwBMnPxurcA0mXGhQdTt18356663CfcDTYpWoi\","
      "\"expire_time\":%" G_GINT64_FORMAT ",\"refresh_token_valid_time\":\"%" G_GINT64_FORMAT "\","
      "\"user_id\":\"2000000001\",\"seller_id\":2000000002,\"account\":\"shop@example.com\","
      "\"user_nick\":\"cn1234shop\",\"account_platform\":\"seller_center\",\"locale\":\"en_US\","
      "\"code\":\"0\",\"request_id\":\"0ba2887315178178017221014\"}",
      (NOW + 86400) * 1000 + 123, (NOW + 172800) * 1000);

  tokens = relink_token_response_parse (provider, RELINK_OAUTH_CALL_CODE, json, strlen (json), NULL,
                                        NULL, NOW, &identity, &error);
  g_assert_no_error (error);
  g_assert_cmpint (relink_token_set_get_access_expires_at (tokens), ==, NOW + 86400);
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (tokens), ==, NOW + 172800);
  g_assert_cmpstr (relink_identity_get_id (identity), ==, "2000000002");
  g_assert_cmpstr (relink_identity_get_name (identity), ==, "cn1234shop");
}

static void
test_parse_errors (void)
{
  g_autoptr (RelinkProvider) ebay = relink_test_shipped_provider ("ebay");
  g_autoptr (RelinkProvider) aliexpress = relink_test_shipped_provider ("aliexpress");
  struct
  {
    RelinkProvider *provider;
    RelinkOAuthCall call;
    guint status;
    const char *body;
    int code;
  } cases[] = {
    { ebay, RELINK_OAUTH_CALL_CODE, 400,
      "{\"error\":\"invalid_grant\",\"error_description\":\"the provided authorization grant code "
      "is invalid or was issued to another client\"}",
      RELINK_OAUTH_ERROR_INVALID_GRANT },
    { ebay, RELINK_OAUTH_CALL_REFRESH, 400, "{\"error\":\"invalid_client\"}",
      RELINK_OAUTH_ERROR_INVALID_CLIENT },
    { ebay, RELINK_OAUTH_CALL_REFRESH, 401, "", RELINK_OAUTH_ERROR_INVALID_CLIENT },
    { ebay, RELINK_OAUTH_CALL_REFRESH, 400, "{\"error\":\"invalid_scope\"}",
      RELINK_OAUTH_ERROR_FAILED },
    { ebay, RELINK_OAUTH_CALL_REFRESH, 503, "<html>down</html>", RELINK_OAUTH_ERROR_SERVER },
    /* Only an OAuth refusal is a refusal: a redirect, a 403 or 404 page, a
     * 400 without an OAuth error body or a JSON 404 is an unexpected
     * answer, never "sign in again". */
    { ebay, RELINK_OAUTH_CALL_REFRESH, 302, "", RELINK_OAUTH_ERROR_MALFORMED },
    { ebay, RELINK_OAUTH_CALL_REFRESH, 403, "<html>Forbidden</html>",
      RELINK_OAUTH_ERROR_MALFORMED },
    { ebay, RELINK_OAUTH_CALL_REFRESH, 404, "<html>Not Found</html>",
      RELINK_OAUTH_ERROR_MALFORMED },
    { ebay, RELINK_OAUTH_CALL_REFRESH, 400, "<html>Bad Request</html>",
      RELINK_OAUTH_ERROR_MALFORMED },
    { ebay, RELINK_OAUTH_CALL_REFRESH, 404, "{\"error\":\"not_found\",\"status\":404}",
      RELINK_OAUTH_ERROR_MALFORMED },
    { ebay, RELINK_OAUTH_CALL_REFRESH, 403, "{\"error\":\"invalid_grant\"}",
      RELINK_OAUTH_ERROR_INVALID_GRANT },
    { ebay, RELINK_OAUTH_CALL_REFRESH, 400, "{\"error\":\"temporarily_unavailable\"}",
      RELINK_OAUTH_ERROR_SERVER },
    { ebay, RELINK_OAUTH_CALL_REFRESH, 429, "", RELINK_OAUTH_ERROR_RATE_LIMITED },
    { ebay, RELINK_OAUTH_CALL_IDENTITY, 401, "{\"error\":\"invalid_token\"}",
      RELINK_OAUTH_ERROR_INVALID_GRANT },
    { aliexpress, RELINK_OAUTH_CALL_REFRESH, 200,
      "{\"code\":\"IllegalRefreshToken\",\"type\":\"ISV\",\"message\":\"The specified refresh "
      "token is invalid or expired\",\"request_id\":\"0b1\"}",
      RELINK_OAUTH_ERROR_INVALID_GRANT },
    { aliexpress, RELINK_OAUTH_CALL_CODE, 200,
      "{\"code\":\"IncompleteSignature\",\"type\":\"ISV\",\"message\":\"The request signature does "
      "not conform to platform standards\",\"request_id\":\"0b2\"}",
      RELINK_OAUTH_ERROR_INVALID_CLIENT },
    { aliexpress, RELINK_OAUTH_CALL_CODE, 200,
      "{\"code\":\"ServiceUnavailable\",\"type\":\"SYSTEM\",\"message\":\"busy\"}",
      RELINK_OAUTH_ERROR_SERVER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;

      if (cases[i].status == 200)
        {
          g_autoptr (RelinkTokenSet) tokens
              = relink_token_response_parse (cases[i].provider, cases[i].call, cases[i].body,
                                             strlen (cases[i].body), NULL, NULL, NOW, NULL, &error);
          g_assert_null (tokens);
        }
      else
        {
          error = relink_token_response_parse_error (cases[i].provider, cases[i].call,
                                                     cases[i].status, cases[i].body,
                                                     strlen (cases[i].body), 0);
        }

      if (!g_error_matches (error, RELINK_OAUTH_ERROR, cases[i].code))
        g_error ("case %u: expected code %d, got %s", i, cases[i].code, error->message);
      g_assert_nonnull (strstr (error->message, relink_provider_get_name (cases[i].provider)));
    }
}

static void
test_error_texts (void)
{
  g_autoptr (RelinkProvider) ebay = relink_test_shipped_provider ("ebay");
  g_autoptr (GError) grant = relink_token_response_parse_error (
      ebay, RELINK_OAUTH_CALL_REFRESH, 400, "{\"error\":\"invalid_grant\"}", 25, 0);
  g_autoptr (GError) client = relink_token_response_parse_error (
      ebay, RELINK_OAUTH_CALL_REFRESH, 401, "{\"error\":\"invalid_client\"}", 26, 0);
  g_autoptr (GError) limited
      = relink_token_response_parse_error (ebay, RELINK_OAUTH_CALL_REFRESH, 429, NULL, 0, 90);
  g_autoptr (GError) copy = NULL;

  /* Re-consent and broken keys need different fixes, so different words. */
  g_assert_nonnull (strstr (grant->message, "Renew the connection"));
  g_assert_null (strstr (grant->message, "keyset"));
  g_assert_nonnull (strstr (client->message, "keyset"));
  g_assert_null (strstr (client->message, "Renew"));

  g_assert_cmpint (relink_oauth_error_get_retry_after (limited), ==, 90);
  g_assert_cmpstr (limited->message, ==, "eBay asks Relink to slow down. Try again in 90 seconds.");
  copy = g_error_copy (limited);
  g_assert_cmpint (relink_oauth_error_get_retry_after (copy), ==, 90);
  g_assert_cmpint (relink_oauth_error_get_retry_after (grant), ==, 0);
}

static void
test_sanitize (void)
{
  g_autofree char *plain = relink_oauth_sanitize_text ("  plain  text ", 100);
  g_autofree char *controls = relink_oauth_sanitize_text ("a\nb\r\n\tc\x1b[0m\u202Ed", 100);
  g_autofree char *cut = relink_oauth_sanitize_text ("abcdefghij", 5);
  g_autofree char *invalid = relink_oauth_sanitize_text ("ok\xff\xfe", 100);

  g_assert_cmpstr (plain, ==, "plain text");
  g_assert_cmpstr (controls, ==, "a b c [0m d");
  g_assert_cmpstr (cut, ==, "abcde…");
  g_assert_true (g_utf8_validate (invalid, -1, NULL));
  g_assert_true (g_str_has_prefix (invalid, "ok"));
  g_assert_null (relink_oauth_sanitize_text (NULL, 10));
}

/* eBay stub */

static void
ebay_token_cb (SoupServer *server,
               SoupServerMessage *msg,
               const char *path,
               GHashTable *query,
               gpointer user_data)
{
  Fixture *fixture = user_data;
  g_autoptr (GHashTable) form = request_form (msg);
  g_autofree char *expected_auth = basic (EBAY_CLIENT_ID, EBAY_SECRET);
  const char *grant_type = g_hash_table_lookup (form, "grant_type");

  count_hit (fixture, path);
  g_assert_cmpstr (request_header (msg, "Authorization"), ==, expected_auth);

  if (g_strcmp0 (fixture->mode, "ok") != 0)
    {
      if (g_strcmp0 (fixture->mode, "invalid_grant") == 0)
        relink_test_answer_json (
            msg, 400,
            "{\"error\":\"invalid_grant\",\"error_description\":\"the provided authorization "
            "refresh token is invalid or was issued to another client\"}");
      else if (g_strcmp0 (fixture->mode, "invalid_client") == 0)
        relink_test_answer_json (msg, 401,
                                 "{\"error\":\"invalid_client\",\"error_description\":\"client "
                                 "authentication failed\"}");
      else if (g_strcmp0 (fixture->mode, "429") == 0)
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Retry-After", "120");
          relink_test_answer_json (msg, 429, "{\"errors\":[{\"message\":\"Too many requests\"}]}");
        }
      else if (g_strcmp0 (fixture->mode, "500") == 0)
        relink_test_answer_json (msg, 500,
                                 "{\"errors\":[{\"errorId\":10001,\"message\":\"System error\"}]}");
      else if (g_strcmp0 (fixture->mode, "malformed") == 0)
        relink_test_answer_json (msg, 200, "{\"access_token\":\"v^1.1#i^1\",\"expires_in\":72");
      else if (g_strcmp0 (fixture->mode, "html") == 0)
        {
          soup_server_message_set_status (msg, 200, NULL);
          soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                            "<html>Maintenance</html>", 24);
        }
      else if (g_strcmp0 (fixture->mode, "microtech") == 0)
        relink_test_answer_json (
            msg, 400,
            "{\"error\":{\"message\":\"An error occurred while refreshing token.\","
            "\"status\":400}}");
      else if (g_strcmp0 (fixture->mode, "echo") == 0)
        {
          g_autofree char *json = g_strdup_printf ("{\"error\":\"invalid_request\",\"error_"
                                                   "description\":\"bad secret %s and token %s\"}",
                                                   EBAY_SECRET, EBAY_REFRESH);
          relink_test_answer_json (msg, 400, json);
        }
      else if (g_str_has_prefix (fixture->mode, "large"))
        {
          gsize size = 300 * 1024;
          g_autofree char *big = g_malloc (size);

          memset (big, ' ', size);
          big[0] = '{';
          big[size - 1] = '}';
          soup_server_message_set_status (msg, 200, NULL);
          if (g_str_equal (fixture->mode, "large-chunked"))
            soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                               SOUP_ENCODING_CHUNKED);
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Content-Type", "application/json");
          soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_COPY,
                                    big, size);
          soup_message_body_complete (soup_server_message_get_response_body (msg));
        }
      else if (g_strcmp0 (fixture->mode, "redirect") == 0)
        {
          g_autofree char *target = g_strconcat (fixture->base, "/elsewhere", NULL);

          soup_server_message_set_redirect (msg, 307, target);
        }
      else
        g_assert_not_reached ();
      return;
    }

  if (g_strcmp0 (grant_type, "authorization_code") == 0)
    {
      /* The code arrives exactly as eBay issued it: one decoding of the
       * form gives it back, so it was encoded exactly once. */
      assert_form (form, "grant_type", "authorization_code", "redirect_uri", EBAY_RUNAME, "code",
                   EBAY_CODE, NULL);
      relink_test_answer_json (
          msg, 200,
          "{\"access_token\":\"" EBAY_ACCESS
          "\",\"expires_in\":7200,\"refresh_token\":\"" EBAY_REFRESH
          "\",\"refresh_token_expires_in\":47304000,\"token_type\":\"User Access Token\"}");
    }
  else
    {
      /* Refresh: always with scope; no new refresh token comes back. */
      assert_form (form, "grant_type", "refresh_token", "refresh_token", EBAY_REFRESH, "scope",
                   "https://api.ebay.com/oauth/api_scope "
                   "https://api.ebay.com/oauth/api_scope/sell.inventory "
                   "https://api.ebay.com/oauth/api_scope/sell.account "
                   "https://api.ebay.com/oauth/api_scope/sell.fulfillment "
                   "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly",
                   NULL);
      relink_test_answer_json (
          msg, 200,
          "{\"access_token\":\"v^1.1#i^1#Renewed\",\"expires_in\":7200,\"token_type\":\"User "
          "Access Token\"}");
    }
}

static void
ebay_identity_cb (SoupServer *server,
                  SoupServerMessage *msg,
                  const char *path,
                  GHashTable *query,
                  gpointer user_data)
{
  Fixture *fixture = user_data;

  count_hit (fixture, path);
  g_assert_cmpstr (soup_server_message_get_method (msg), ==, "GET");
  g_assert_cmpstr (request_header (msg, "Authorization"), ==, "Bearer " EBAY_ACCESS);
  relink_test_answer_json (
      msg, 200,
      "{\"userId\":\"lqW3DyCBRvY\",\"username\":\"shop_owner\",\"accountType\":\"BUSINESS\","
      "\"registrationMarketplaceId\":\"EBAY_DE\",\"status\":\"CONFIRMED\"}");
}

static void
elsewhere_cb (SoupServer *server,
              SoupServerMessage *msg,
              const char *path,
              GHashTable *query,
              gpointer user_data)
{
  count_hit (user_data, path);
  relink_test_answer_json (msg, 200, "{\"access_token\":\"stolen\",\"expires_in\":7200}");
}

static void
add_ebay_stub (Fixture *fixture)
{
  soup_server_add_handler (fixture->server, "/identity/v1/oauth2/token", ebay_token_cb, fixture,
                           NULL);
  soup_server_add_handler (fixture->server, "/commerce/identity/v1/user/", ebay_identity_cb,
                           fixture, NULL);
  soup_server_add_handler (fixture->server, "/elsewhere", elsewhere_cb, fixture, NULL);
}

static RelinkKeyset *
ebay_keyset (RelinkProvider *provider)
{
  RelinkKeyset *keyset
      = relink_test_make_keyset (provider, "production", EBAY_CLIENT_ID, EBAY_RUNAME);

  relink_keyset_set_extra (keyset, "accepted_url", "https://shop.example/ebay/accepted");
  return keyset;
}

static RelinkTokenSet *
ebay_stored_tokens (void)
{
  RelinkTokenSet *tokens = relink_token_set_new ();

  relink_token_set_set_access_token (tokens, EBAY_ACCESS);
  relink_token_set_set_refresh_token (tokens, EBAY_REFRESH);
  relink_token_set_set_refresh_expires_at (tokens, NOW + 5000);
  return tokens;
}

static void
test_ebay_sign_in (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkProvider) provider = stub_provider (fixture, "ebay");
  g_autoptr (RelinkKeyset) keyset = ebay_keyset (provider);
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkAuthRequest) request = relink_auth_request_new (provider, keyset, NULL, &error);
  g_autoptr (RelinkAuthResponse) response = NULL;
  g_autoptr (RelinkIdentity) identity = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autofree char *encoded_code = g_uri_escape_string (EBAY_CODE, NULL, FALSE);
  g_autofree char *params = g_strconcat ("code=", encoded_code, "&expires_in=299", NULL);

  g_assert_no_error (error);
  add_ebay_stub (fixture);
  fixture->mode = "ok";

  response = consent (request, "https://shop.example/ebay/accepted", params);
  g_assert_cmpstr (relink_auth_response_get_code (response), ==, EBAY_CODE);

  tokens = sign_in (fixture, request, response, EBAY_SECRET, NULL, &identity, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_token_set_get_access_token (tokens), ==, EBAY_ACCESS);
  g_assert_cmpstr (relink_token_set_get_refresh_token (tokens), ==, EBAY_REFRESH);
  g_assert_cmpint (relink_token_set_get_issued_at (tokens), ==, NOW);
  g_assert_cmpint (relink_token_set_get_access_expires_at (tokens), ==, NOW + 7200);
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (tokens), ==, NOW + 47304000);
  g_assert_nonnull (strstr (relink_token_set_get_scope (tokens), "commerce.identity.readonly"));
  g_assert_cmpstr (relink_identity_get_id (identity), ==, "lqW3DyCBRvY");
  g_assert_cmpstr (relink_identity_get_name (identity), ==, "shop_owner");
  g_assert_cmpuint (hits (fixture, "/identity/v1/oauth2/token"), ==, 1);
  g_assert_cmpuint (hits (fixture, "/commerce/identity/v1/user/"), ==, 1);
}

static void
test_ebay_refresh (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkProvider) provider = stub_provider (fixture, "ebay");
  g_autoptr (RelinkKeyset) keyset = ebay_keyset (provider);
  g_autoptr (RelinkTokenSet) previous = ebay_stored_tokens ();
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (GError) error = NULL;

  add_ebay_stub (fixture);
  fixture->mode = "ok";

  tokens = refresh (fixture, provider, keyset, previous, EBAY_SECRET, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_token_set_get_access_token (tokens), ==, "v^1.1#i^1#Renewed");
  g_assert_cmpstr (relink_token_set_get_refresh_token (tokens), ==, EBAY_REFRESH);
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (tokens), ==, NOW + 5000);
  g_assert_cmpint (relink_token_set_get_access_expires_at (tokens), ==, NOW + 7200);
  /* The caller's set is left alone. */
  g_assert_cmpstr (relink_token_set_get_access_token (previous), ==, EBAY_ACCESS);

  /* eBay's refresh token stays the same: a second refresh may, and does,
   * reuse the connection. */
  g_clear_object (&tokens);
  tokens = refresh (fixture, provider, keyset, previous, EBAY_SECRET, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits (fixture, "/identity/v1/oauth2/token"), ==, 2);
  g_assert_cmpuint (g_hash_table_size (fixture->peers), ==, 1);
}

static void
test_ebay_errors (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkProvider) provider = stub_provider (fixture, "ebay");
  g_autoptr (RelinkKeyset) keyset = ebay_keyset (provider);
  g_autoptr (RelinkTokenSet) previous = ebay_stored_tokens ();
  struct
  {
    const char *mode;
    int code;
    const char *message;
  } cases[] = {
    { "invalid_grant", RELINK_OAUTH_ERROR_INVALID_GRANT,
      "eBay no longer accepts this account’s authorization: it expired or was withdrawn. Renew "
      "the connection to sign in again." },
    { "invalid_client", RELINK_OAUTH_ERROR_INVALID_CLIENT,
      "eBay did not accept the developer keys (client id or client secret); the client secret "
      "may have expired. Check the keyset, then try again. The sellers’ authorizations are not "
      "affected." },
    { "429", RELINK_OAUTH_ERROR_RATE_LIMITED,
      "eBay asks Relink to slow down. Try again in 120 seconds." },
    { "500", RELINK_OAUTH_ERROR_SERVER,
      "eBay has a problem on its side (error 500). Nothing was changed; try again later." },
    { "malformed", RELINK_OAUTH_ERROR_MALFORMED,
      "eBay sent an answer Relink cannot read as a token; nothing was changed. Try again later." },
    { "html", RELINK_OAUTH_ERROR_MALFORMED,
      "eBay sent an answer Relink cannot read as a token; nothing was changed. Try again later." },
    { "large", RELINK_OAUTH_ERROR_MALFORMED,
      "eBay sent an answer too large to be a token; nothing was changed." },
    { "large-chunked", RELINK_OAUTH_ERROR_MALFORMED,
      "eBay sent an answer too large to be a token; nothing was changed." },
    { "microtech", RELINK_OAUTH_ERROR_FAILED,
      "eBay refused to renew the access: “An error occurred while refreshing token.”. Nothing "
      "was changed; if this keeps happening, renew the connection." },
    /* A redirect is not a refusal of the grant (issue 10, class 5). */
    { "redirect", RELINK_OAUTH_ERROR_MALFORMED,
      "Unexpected answer from eBay (error 307); the saved tokens were kept. Try again later." },
    { "echo", RELINK_OAUTH_ERROR_FAILED, NULL },
  };

  add_ebay_stub (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (RelinkTokenSet) tokens = NULL;
      g_autoptr (GError) error = NULL;

      fixture->mode = cases[i].mode;
      tokens = refresh (fixture, provider, keyset, previous, EBAY_SECRET, &error);
      g_assert_null (tokens);
      if (!g_error_matches (error, RELINK_OAUTH_ERROR, cases[i].code))
        g_error ("%s: expected code %d, got “%s”", cases[i].mode, cases[i].code,
                 error != NULL ? error->message : "no error");
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
      if (cases[i].code == RELINK_OAUTH_ERROR_RATE_LIMITED)
        g_assert_cmpint (relink_oauth_error_get_retry_after (error), ==, 120);

      /* Secrets never appear in a message, even when echoed back. */
      g_assert_null (strstr (error->message, EBAY_SECRET));
      g_assert_null (strstr (error->message, EBAY_REFRESH));
    }

  /* The redirect was not followed. */
  g_assert_cmpuint (hits (fixture, "/elsewhere"), ==, 0);
  g_assert_cmpuint (hits (fixture, "/identity/v1/oauth2/token"), ==, G_N_ELEMENTS (cases));
}

static void
test_network_error (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkProvider) provider = stub_provider (fixture, "ebay");
  g_autoptr (RelinkKeyset) keyset = ebay_keyset (provider);
  g_autoptr (RelinkTokenSet) previous = ebay_stored_tokens ();
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (GError) error = NULL;

  /* Nobody listens any more. */
  soup_server_disconnect (fixture->server);

  tokens = refresh (fixture, provider, keyset, previous, EBAY_SECRET, &error);
  g_assert_null (tokens);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "Check the internet connection"));
}

static void
test_cancel (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkProvider) provider = stub_provider (fixture, "ebay");
  g_autoptr (RelinkKeyset) keyset = ebay_keyset (provider);
  g_autoptr (RelinkTokenSet) previous = ebay_stored_tokens ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (GError) error = NULL;

  add_ebay_stub (fixture);
  fixture->mode = "ok";

  relink_oauth_client_refresh_async (fixture->client, provider, keyset, previous, EBAY_SECRET,
                                     cancellable, relink_test_result_cb, &fixture->result);
  g_cancellable_cancel (cancellable);
  tokens = relink_oauth_client_refresh_finish (fixture->client,
                                               relink_test_wait_result (&fixture->result), &error);
  g_assert_null (tokens);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_missing_secret (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkProvider) provider = stub_provider (fixture, "ebay");
  g_autoptr (RelinkKeyset) keyset = ebay_keyset (provider);
  g_autoptr (RelinkTokenSet) previous = ebay_stored_tokens ();
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (GError) error = NULL;

  add_ebay_stub (fixture);
  fixture->mode = "ok";

  tokens = refresh (fixture, provider, keyset, previous, NULL, &error);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_CONFIGURATION);
  g_assert_cmpuint (hits (fixture, "/identity/v1/oauth2/token"), ==, 0);
}

/* A self-signed certificate for 127.0.0.1 (a throwaway test key): what an
 * attacker in the middle would present. */
static const char self_signed_pem[]
    = "-----BEGIN CERTIFICATE-----\n"
      "MIIBkDCCATagAwIBAgIUfgH97Rxx3NIfnETmfn6H97xVIZAwCgYIKoZIzj0EAwIw\n"
      "FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyMzAwNTAzMFoYDzIxMjYxMDMw\n"
      "MDA1MDMwWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO\n"
      "PQMBBwNCAATQWX9cfQKzfUX8TW4P+cdFxDYP6J+H7AxEdsD9idNDYY/d+XFZOVhB\n"
      "NKAwaeZ3a3soIgE/jR0GGuWoO4FUW5iDo2QwYjAdBgNVHQ4EFgQUujotWB1keiqc\n"
      "aq/ZjVdz3TvAzuAwHwYDVR0jBBgwFoAUujotWB1keiqcaq/ZjVdz3TvAzuAwDwYD\n"
      "VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0gAMEUC\n"
      "IG6fOxfKsxzeQTL0m9ZT+sO2oF2P4+tkBeDcRTiSCv3eAiEAjuXIC82v74izbPFA\n"
      "62ttKFPH41zxKmVRlCg7ZTWkBXo=\n"
      "-----END CERTIFICATE-----\n"
      "-----BEGIN PRIVATE KEY-----\n"
      "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgZwgDi69zNUPRt9Zz\n"
      "abbPlhWlje5vtI9hjwOkgwDVYqqhRANCAATQWX9cfQKzfUX8TW4P+cdFxDYP6J+H\n"
      "7AxEdsD9idNDYY/d+XFZOVhBNKAwaeZ3a3soIgE/jR0GGuWoO4FUW5iD\n"
      "-----END PRIVATE KEY-----\n";

static void
test_tls_refused (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autoptr (SoupServer) server = NULL;
  g_autoslist (GUri) uris = NULL;
  g_autofree char *base = NULL;
  g_autoptr (RelinkProvider) provider = NULL;
  g_autoptr (RelinkKeyset) keyset = NULL;
  g_autoptr (RelinkTokenSet) previous = ebay_stored_tokens ();
  g_autoptr (RelinkTokenSet) tokens = NULL;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend (glib-networking)");
      return;
    }

  certificate = g_tls_certificate_new_from_pem (self_signed_pem, -1, &error);
  g_assert_no_error (error);
  server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (server, NULL, ebay_token_cb, fixture, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS,
                            &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  base = g_strdup_printf ("https://127.0.0.1:%d", g_uri_get_port (uris->data));

  provider = stub_provider_at (base, "ebay");
  keyset = ebay_keyset (provider);
  fixture->mode = "ok";

  tokens = refresh (fixture, provider, keyset, previous, EBAY_SECRET, &error);
  g_assert_null (tokens);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "certificate"));
  /* Nothing reached the server: the secret never left. */
  g_assert_cmpuint (g_hash_table_size (fixture->hits), ==, 0);
  soup_server_disconnect (server);
}

/* Amazon stub */

#define AMAZON_CLIENT_ID "amzn1.application-oa2-client.0123456789abcdef"
#define AMAZON_SECRET "amzn1.oa2-cs.v1.0123456789abcdef0123456789abcdef"
#define AMAZON_REFRESH "Atzr|IwEBIA-refresh-token"

static void
amazon_token_cb (SoupServer *server,
                 SoupServerMessage *msg,
                 const char *path,
                 GHashTable *query,
                 gpointer user_data)
{
  Fixture *fixture = user_data;
  g_autoptr (GHashTable) form = request_form (msg);

  count_hit (fixture, path);
  g_assert_cmpstr (request_header (msg, "Content-Type"), ==,
                   "application/x-www-form-urlencoded;charset=UTF-8");
  g_assert_null (request_header (msg, "Authorization"));

  if (g_strcmp0 (g_hash_table_lookup (form, "grant_type"), "authorization_code") == 0)
    {
      assert_form (form, "grant_type", "authorization_code", "code", "ANDbCQsGxiWwOzwQeGAh",
                   "redirect_uri", "https://shop.example/amazon/callback", "client_id",
                   AMAZON_CLIENT_ID, "client_secret", AMAZON_SECRET, NULL);
      relink_test_answer_json (msg, 200,
                               "{\"access_token\":\"Atza|IwEBIA-access\",\"token_type\":\"bearer\","
                               "\"expires_in\":3600,\"refresh_token\":\"" AMAZON_REFRESH "\"}");
    }
  else
    {
      assert_form (form, "grant_type", "refresh_token", "refresh_token", AMAZON_REFRESH,
                   "client_id", AMAZON_CLIENT_ID, "client_secret", AMAZON_SECRET, NULL);
      relink_test_answer_json (
          msg, 200,
          "{\"access_token\":\"Atza|IwEBIA-renewed\",\"token_type\":\"bearer\","
          "\"expires_in\":3600,\"refresh_token\":\"" AMAZON_REFRESH "\"}");
    }
}

static void
test_amazon (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkProvider) provider = stub_provider (fixture, "amazon-sp-api");
  g_autoptr (RelinkKeyset) keyset = relink_test_make_keyset (
      provider, "eu", AMAZON_CLIENT_ID, "https://shop.example/amazon/callback");
  g_autoptr (RelinkAuthRequest) request = NULL;
  g_autoptr (RelinkAuthResponse) response = NULL;
  g_autoptr (RelinkIdentity) identity = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkTokenSet) refreshed = NULL;
  g_autoptr (GError) error = NULL;

  soup_server_add_handler (fixture->server, "/auth/o2/token", amazon_token_cb, fixture, NULL);
  relink_keyset_set_extra (keyset, "application_id", "amzn1.sp.solution.0123");
  request = relink_auth_request_new (provider, keyset, NULL, &error);
  g_assert_no_error (error);
  response = consent (request, "https://shop.example/amazon/callback",
                      "selling_partner_id=A3EXAMPLE9SP&spapi_oauth_code=ANDbCQsGxiWwOzwQeGAh");

  tokens = sign_in (fixture, request, response, AMAZON_SECRET, NULL, &identity, &error);
  g_assert_no_error (error);
  /* Amazon names the seller only on the redirect. */
  g_assert_cmpstr (relink_identity_get_id (identity), ==, "A3EXAMPLE9SP");
  g_assert_cmpstr (relink_token_set_get_refresh_token (tokens), ==, AMAZON_REFRESH);
  g_assert_cmpint (relink_token_set_get_access_expires_at (tokens), ==, NOW + 3600);
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (tokens), ==, NOW + 31536000);

  /* The refresh hands back the same token; the authorisation still ends a
   * year after the consent. */
  relink_token_set_set_refresh_expires_at (tokens, NOW + 300000);
  refreshed = refresh (fixture, provider, keyset, tokens, AMAZON_SECRET, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_token_set_get_access_token (refreshed), ==, "Atza|IwEBIA-renewed");
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (refreshed), ==, NOW + 300000);
  g_assert_cmpuint (hits (fixture, "/auth/o2/token"), ==, 2);
}

/* AliExpress stub */

#define AE_APP_KEY "12345678"
#define AE_SECRET "helloworld"

/* The IOP signature as providers.md describes it, written out here
 * independently of relink_aliexpress_sign(). */
static char *
stub_iop_sign (const char *api, GHashTable *params)
{
  g_autoptr (GList) names = g_list_sort (g_hash_table_get_keys (params), (GCompareFunc) strcmp);
  g_autoptr (GString) data = g_string_new (api);
  g_autofree char *hex = NULL;

  for (GList *l = names; l != NULL; l = l->next)
    {
      if (strcmp (l->data, "sign") == 0)
        continue;
      g_string_append (data, l->data);
      g_string_append (data, g_hash_table_lookup (params, l->data));
    }

  hex = g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *) AE_SECRET,
                                   strlen (AE_SECRET), data->str, data->len);
  return g_ascii_strup (hex, -1);
}

static void
aliexpress_token_cb (SoupServer *server,
                     SoupServerMessage *msg,
                     const char *path,
                     GHashTable *query,
                     gpointer user_data)
{
  Fixture *fixture = user_data;
  g_autoptr (GHashTable) params = NULL;
  g_autofree char *sign = NULL;
  const char *api
      = g_str_has_suffix (path, "/create") ? "/auth/token/create" : "/auth/token/refresh";
  g_autofree char *json = NULL;

  count_hit (fixture, path);

  /* GET or POST are both documented. */
  if (g_strcmp0 (soup_server_message_get_method (msg), "GET") == 0)
    params = g_hash_table_ref (query);
  else
    params = request_form (msg);

  g_assert_cmpstr (g_hash_table_lookup (params, "app_key"), ==, AE_APP_KEY);
  g_assert_cmpstr (g_hash_table_lookup (params, "sign_method"), ==, "sha256");
  g_assert_cmpstr (g_hash_table_lookup (params, "timestamp"), ==, "1700000000000");
  g_assert_null (request_header (msg, "Authorization"));
  g_assert_false (g_hash_table_contains (params, "client_secret"));

  sign = stub_iop_sign (api, params);
  g_assert_cmpstr (g_hash_table_lookup (params, "sign"), ==, sign);

  if (g_str_equal (api, "/auth/token/create"))
    {
      g_assert_cmpstr (g_hash_table_lookup (params, "code"), ==,
                       "3_500102_JxZ05Ux3cnnSSUm6dCxYg6Q26");
      g_assert_cmpuint (g_hash_table_size (params), ==, 5);
    }
  else
    {
      g_assert_cmpstr (g_hash_table_lookup (params, "refresh_token"), ==, "5000160003-old");
      g_assert_cmpuint (g_hash_table_size (params), ==, 5);
    }

  /* Numbers as strings and as numbers, as the gateway sends them. */
  json = g_strdup_printf (
      "{\"access_token\":\"50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg\","
      "\"refresh_token\":\"%s\",\"expires_in\":\"86400\",\"refresh_expires_in\":172800,"
      "\"refresh_token_valid_time\":%" G_GINT64_FORMAT ",\"user_id\":\"2000000001\","
      "\"seller_id\":2000000002,\"account\":\"shop@example.com\",\"user_nick\":\"cn1234shop\","
      "\"account_platform\":\"seller_center\",\"locale\":\"en_US\",\"code\":\"0\","
      "\"request_id\":\"0ba2887315178178017221014\"}",
      g_str_equal (api, "/auth/token/create") ? "5000160003-old" : "5000160003-new",
      (NOW + 172800) * 1000);
  relink_test_answer_json (msg, 200, json);
}

static void
test_aliexpress (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkProvider) provider = stub_provider (fixture, "aliexpress");
  g_autoptr (RelinkKeyset) keyset = relink_test_make_keyset (provider, "production", AE_APP_KEY,
                                                             "https://shop.example/ae/callback");
  g_autoptr (RelinkAuthRequest) request = NULL;
  g_autoptr (RelinkAuthResponse) response = NULL;
  g_autoptr (RelinkIdentity) identity = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkTokenSet) refreshed = NULL;
  g_autoptr (GError) error = NULL;

  soup_server_add_handler (fixture->server, "/rest/auth/token", aliexpress_token_cb, fixture, NULL);
  request = relink_auth_request_new (provider, keyset, NULL, &error);
  g_assert_no_error (error);
  response = consent (request, "https://shop.example/ae/callback",
                      "code=3_500102_JxZ05Ux3cnnSSUm6dCxYg6Q26");

  tokens = sign_in (fixture, request, response, AE_SECRET, NULL, &identity, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_identity_get_id (identity), ==, "2000000002");
  g_assert_cmpstr (relink_identity_get_name (identity), ==, "cn1234shop");
  g_assert_cmpint (relink_token_set_get_access_expires_at (tokens), ==, NOW + 86400);
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (tokens), ==, NOW + 172800);

  refreshed = refresh (fixture, provider, keyset, tokens, AE_SECRET, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_token_set_get_refresh_token (refreshed), ==, "5000160003-new");
  g_assert_cmpuint (hits (fixture, "/rest/auth/token/create"), ==, 1);
  g_assert_cmpuint (hits (fixture, "/rest/auth/token/refresh"), ==, 1);
}

/* Etsy stub */

#define ETSY_KEYSTRING "1aa2bb33c44d55eeeeee6fff"
#define ETSY_SHARED "s3cr3tshared"
#define ETSY_ACCESS "12345678.O1zLuwveeKjpIqCQFfmR-PaMMpBmagH6DljRAkK9qt05OtRKiANJOyZlMx3WQ"

static void
etsy_token_cb (SoupServer *server,
               SoupServerMessage *msg,
               const char *path,
               GHashTable *query,
               gpointer user_data)
{
  Fixture *fixture = user_data;
  g_autoptr (GHashTable) form = request_form (msg);

  count_hit (fixture, path);
  g_assert_null (request_header (msg, "Authorization"));

  if (g_strcmp0 (g_hash_table_lookup (form, "grant_type"), "authorization_code") == 0)
    {
      const char *verifier = g_hash_table_lookup (form, "code_verifier");
      g_autofree char *challenge = NULL;

      g_assert_nonnull (verifier);
      g_assert_cmpuint (strlen (verifier), >=, 43);
      challenge = base64url_sha256 (verifier);
      g_assert_cmpstr (challenge, ==, fixture->challenge);
      assert_form (form, "grant_type", "authorization_code", "client_id", ETSY_KEYSTRING,
                   "redirect_uri", "https://shop.example/etsy/callback", "code", "etsy-code-1",
                   "code_verifier", verifier, NULL);
      relink_test_answer_json (msg, 200,
                               "{\"access_token\":\"" ETSY_ACCESS
                               "\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
                               "\"refresh_token\":\"12345678.refresh-1\"}");
    }
  else
    {
      assert_form (form, "grant_type", "refresh_token", "client_id", ETSY_KEYSTRING,
                   "refresh_token", "12345678.refresh-1", NULL);
      relink_test_answer_json (msg, 200,
                               "{\"access_token\":\"12345678.access-2\",\"token_type\":\"Bearer\","
                               "\"expires_in\":3600,\"refresh_token\":\"12345678.refresh-2\"}");
    }
}

static void
etsy_me_cb (SoupServer *server,
            SoupServerMessage *msg,
            const char *path,
            GHashTable *query,
            gpointer user_data)
{
  count_hit (user_data, path);
  g_assert_cmpstr (soup_server_message_get_method (msg), ==, "GET");
  g_assert_cmpstr (request_header (msg, "Authorization"), ==, "Bearer " ETSY_ACCESS);

  if (g_strcmp0 (request_header (msg, "x-api-key"), ETSY_KEYSTRING ":" ETSY_SHARED) != 0)
    {
      relink_test_answer_json (msg, 403,
                               "{\"error\":\"Shared secret is required in x-api-key header\"}");
      return;
    }

  relink_test_answer_json (msg, 200, "{\"user_id\":12345678,\"shop_id\":87654321}");
}

static void
test_etsy (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkProvider) provider = stub_provider (fixture, "etsy");
  g_autoptr (RelinkKeyset) keyset = relink_test_make_keyset (provider, NULL, ETSY_KEYSTRING,
                                                             "https://shop.example/etsy/callback");
  g_autoptr (RelinkAuthRequest) request = NULL;
  g_autoptr (RelinkAuthResponse) response = NULL;
  g_autoptr (RelinkIdentity) identity = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkTokenSet) refreshed = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GUri) authorize = NULL;
  g_autoptr (GHashTable) consent_params = NULL;

  soup_server_add_handler (fixture->server, "/v3/public/oauth/token", etsy_token_cb, fixture, NULL);
  soup_server_add_handler (fixture->server, "/v3/application/users/me", etsy_me_cb, fixture, NULL);

  request = relink_auth_request_new (provider, keyset, NULL, &error);
  g_assert_no_error (error);
  authorize
      = g_uri_parse (relink_auth_request_get_authorize_url (request), G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  consent_params
      = g_uri_parse_params (g_uri_get_query (authorize), -1, "&", G_URI_PARAMS_NONE, &error);
  g_assert_no_error (error);
  fixture->challenge = g_strdup (g_hash_table_lookup (consent_params, "code_challenge"));
  response = consent (request, "https://shop.example/etsy/callback", "code=etsy-code-1");

  /* Without the shared secret Etsy refuses to say who signed in. */
  tokens = sign_in (fixture, request, response, NULL, NULL, &identity, &error);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_FAILED);
  g_assert_null (tokens);
  g_assert_null (identity);
  g_clear_error (&error);

  identity = fetch_identity (fixture, provider, keyset, ETSY_ACCESS, ETSY_SHARED, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_identity_get_id (identity), ==, "12345678");
  g_assert_false (relink_identity_has_name (identity));

  tokens = relink_token_set_new ();
  relink_token_set_set_access_token (tokens, ETSY_ACCESS);
  relink_token_set_set_refresh_token (tokens, "12345678.refresh-1");
  refreshed = refresh (fixture, provider, keyset, tokens, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_token_set_get_refresh_token (refreshed), ==, "12345678.refresh-2");
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (refreshed), ==, NOW + 7776000);
  g_assert_cmpuint (hits (fixture, "/v3/public/oauth/token"), ==, 2);
  g_assert_cmpuint (hits (fixture, "/v3/application/users/me"), ==, 2);
}

static void
test_etsy_sign_in (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkProvider) provider = stub_provider (fixture, "etsy");
  g_autoptr (RelinkKeyset) keyset = relink_test_make_keyset (provider, NULL, ETSY_KEYSTRING,
                                                             "https://shop.example/etsy/callback");
  g_autoptr (RelinkAuthRequest) request = NULL;
  g_autoptr (RelinkAuthResponse) response = NULL;
  g_autoptr (RelinkIdentity) identity = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (GError) error = NULL;

  soup_server_add_handler (fixture->server, "/v3/public/oauth/token", etsy_token_cb, fixture, NULL);
  soup_server_add_handler (fixture->server, "/v3/application/users/me", etsy_me_cb, fixture, NULL);

  request = relink_auth_request_new (provider, keyset, NULL, &error);
  g_assert_no_error (error);
  fixture->challenge = base64url_sha256 (relink_auth_request_get_code_verifier (request));
  g_assert_nonnull (strstr (relink_auth_request_get_authorize_url (request), fixture->challenge));
  response = consent (request, "https://shop.example/etsy/callback", "code=etsy-code-1");

  tokens = sign_in (fixture, request, response, NULL, ETSY_SHARED, &identity, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_token_set_get_access_token (tokens), ==, ETSY_ACCESS);
  g_assert_cmpstr (relink_identity_get_id (identity), ==, "12345678");
}

/* Mercado Libre stub */

#define ML_APP_ID "1234567890123456"
#define ML_SECRET "aBcDeFgHiJkLmNoPqRsTuVwXyZ012345"

static void
mercadolibre_token_cb (SoupServer *server,
                       SoupServerMessage *msg,
                       const char *path,
                       GHashTable *query,
                       gpointer user_data)
{
  Fixture *fixture = user_data;
  g_autoptr (GHashTable) form = request_form (msg);
  const char *presented = g_hash_table_lookup (form, "refresh_token");

  count_hit (fixture, path);
  g_assert_cmpstr (g_hash_table_lookup (form, "grant_type"), ==, "refresh_token");
  assert_form (form, "grant_type", "refresh_token", "client_id", ML_APP_ID, "client_secret",
               ML_SECRET, "refresh_token", presented, NULL);

  /* Single use: only the newest refresh token works. */
  if (g_strcmp0 (presented, fixture->expected_refresh) != 0)
    {
      relink_test_answer_json (
          msg, 400,
          "{\"error\":\"invalid_grant\",\"error_description\":\"Error validating grant. Your "
          "authorization code or refresh token may be expired or it was already used\","
          "\"status\":400,\"cause\":[]}");
      return;
    }

  g_free (fixture->expected_refresh);
  fixture->expected_refresh = g_strdup ("TG-second");
  relink_test_answer_json (
      msg, 200,
      "{\"access_token\":\"APP_USR-second\",\"token_type\":\"Bearer\",\"expires_in\":21600,"
      "\"scope\":\"offline_access read write\",\"user_id\":123456789,"
      "\"refresh_token\":\"TG-second\"}");
}

static void
mercadolibre_me_cb (SoupServer *server,
                    SoupServerMessage *msg,
                    const char *path,
                    GHashTable *query,
                    gpointer user_data)
{
  count_hit (user_data, path);
  g_assert_cmpstr (request_header (msg, "Authorization"), ==, "Bearer APP_USR-second");
  g_assert_null (request_header (msg, "x-api-key"));
  relink_test_answer_json (
      msg, 200, "{\"id\":123456789,\"nickname\":\"TIENDA_EJEMPLO\",\"site_id\":\"MLA\"}");
}

static void
test_mercadolibre (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkProvider) provider = stub_provider (fixture, "mercadolibre");
  g_autoptr (RelinkKeyset) keyset
      = relink_test_make_keyset (provider, "ar", ML_APP_ID, "https://shop.example/ml/callback");
  g_autoptr (RelinkTokenSet) first = relink_token_set_new ();
  g_autoptr (RelinkTokenSet) second = NULL;
  g_autoptr (RelinkTokenSet) replayed = NULL;
  g_autoptr (RelinkIdentity) identity = NULL;
  g_autoptr (GError) error = NULL;

  soup_server_add_handler (fixture->server, "/oauth/token", mercadolibre_token_cb, fixture, NULL);
  soup_server_add_handler (fixture->server, "/users/me", mercadolibre_me_cb, fixture, NULL);
  fixture->expected_refresh = g_strdup ("TG-first");

  relink_token_set_set_access_token (first, "APP_USR-first");
  relink_token_set_set_refresh_token (first, "TG-first");
  relink_token_set_set_refresh_expires_at (first, NOW + 60);

  second = refresh (fixture, provider, keyset, first, ML_SECRET, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_token_set_get_refresh_token (second), ==, "TG-second");
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (second), ==, NOW + 15552000);
  g_assert_cmpint (relink_token_set_get_access_expires_at (second), ==, NOW + 21600);

  /* The old token is dead now: using it again looks like a lost connection. */
  replayed = refresh (fixture, provider, keyset, first, ML_SECRET, &error);
  g_assert_null (replayed);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_GRANT);
  g_clear_error (&error);
  /* A single-use token is never sent on a reused connection, where libsoup
   * could send it twice. */
  g_assert_cmpuint (g_hash_table_size (fixture->peers), ==, 2);

  identity = fetch_identity (fixture, provider, keyset, "APP_USR-second", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_identity_get_id (identity), ==, "123456789");
  g_assert_cmpstr (relink_identity_get_name (identity), ==, "TIENDA_EJEMPLO");
}

/* A custom OpenID provider: RFC 7009 and userinfo */

#define OIDC_SECRET "oidc-client-secret"

static void
oidc_revoke_cb (SoupServer *server,
                SoupServerMessage *msg,
                const char *path,
                GHashTable *query,
                gpointer user_data)
{
  g_autoptr (GHashTable) form = request_form (msg);
  g_autofree char *expected_auth = basic ("my-client", OIDC_SECRET);

  count_hit (user_data, path);
  g_assert_cmpstr (request_header (msg, "Authorization"), ==, expected_auth);
  assert_form (form, "token", "refresh-to-revoke", "token_type_hint", "refresh_token", NULL);
  /* RFC 7009 §2.2: 200, whatever the token was. */
  soup_server_message_set_status (msg, 200, NULL);
}

static void
oidc_userinfo_cb (SoupServer *server,
                  SoupServerMessage *msg,
                  const char *path,
                  GHashTable *query,
                  gpointer user_data)
{
  count_hit (user_data, path);
  g_assert_cmpstr (request_header (msg, "Authorization"), ==, "Bearer oidc-access");
  relink_test_answer_json (
      msg, 200,
      "{\"sub\":\"248289761001\",\"preferred_username\":\"j.doe\",\"name\":\"Jane Doe\"}");
}

static RelinkProvider *
oidc_provider (Fixture *fixture, gboolean with_revoke)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *revoke = with_revoke
                                ? g_strdup_printf ("\"revoke_url\":\"%s/revoke\",", fixture->base)
                                : g_strdup ("");
  g_autofree char *json = g_strdup_printf (
      "{\"format_version\":1,\"id\":\"my-oidc\",\"name\":\"My Shop\",\"client_auth\":\"basic\","
      "\"pkce\":\"optional\",\"scopes\":[\"openid\",\"profile\"],"
      "\"identity\":{\"source\":\"id_token\"},"
      "\"environments\":[{\"id\":\"production\",\"name\":\"Production\",\"production\":true,"
      "\"authorize_url\":\"%s/authorize\",\"token_url\":\"%s/token\",%s"
      "\"identity_url\":\"%s/userinfo\"}],\"keyset_fields\":[]}",
      fixture->base, fixture->base, revoke, fixture->base);
  RelinkProvider *provider = relink_provider_new_from_json (json, -1, "my-oidc.json", &error);

  g_assert_no_error (error);
  return provider;
}

static void
test_revoke (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkProvider) provider = oidc_provider (fixture, TRUE);
  g_autoptr (RelinkProvider) without = oidc_provider (fixture, FALSE);
  g_autoptr (RelinkKeyset) keyset
      = relink_test_make_keyset (provider, NULL, "my-client", "http://127.0.0.1:1/cb");
  g_autoptr (GError) error = NULL;

  soup_server_add_handler (fixture->server, "/revoke", oidc_revoke_cb, fixture, NULL);

  relink_oauth_client_revoke_async (fixture->client, provider, keyset, "refresh-to-revoke",
                                    "refresh_token", OIDC_SECRET, NULL, relink_test_result_cb,
                                    &fixture->result);
  g_assert_true (relink_oauth_client_revoke_finish (
      fixture->client, relink_test_wait_result (&fixture->result), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (hits (fixture, "/revoke"), ==, 1);

  g_clear_object (&fixture->result);
  relink_oauth_client_revoke_async (fixture->client, without, keyset, "refresh-to-revoke",
                                    "refresh_token", OIDC_SECRET, NULL, relink_test_result_cb,
                                    &fixture->result);
  g_assert_false (relink_oauth_client_revoke_finish (
      fixture->client, relink_test_wait_result (&fixture->result), &error));
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NOT_SUPPORTED);
}

static void
test_userinfo (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkProvider) provider = oidc_provider (fixture, FALSE);
  g_autoptr (RelinkKeyset) keyset
      = relink_test_make_keyset (provider, NULL, "my-client", "http://127.0.0.1:1/cb");
  g_autoptr (RelinkIdentity) identity = NULL;
  g_autoptr (GError) error = NULL;

  soup_server_add_handler (fixture->server, "/userinfo", oidc_userinfo_cb, fixture, NULL);

  identity = fetch_identity (fixture, provider, keyset, "oidc-access", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_identity_get_id (identity), ==, "248289761001");
  g_assert_cmpstr (relink_identity_get_name (identity), ==, "j.doe");
}

static void
add_stub_test (const char *path, void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int argc, char *argv[])
{
  /* The stubs are on loopback; a proxy from the environment must not
   * catch the requests. */
  g_setenv ("no_proxy", "127.0.0.1,localhost", TRUE);
  g_unsetenv ("http_proxy");
  g_unsetenv ("HTTP_PROXY");

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/oauth/aliexpress-sign", test_aliexpress_sign_vector);
  g_test_add_func ("/oauth/secure-url", test_secure_url);
  g_test_add_func ("/oauth/sanitize", test_sanitize);
  g_test_add_func ("/oauth/parse/ebay", test_parse_ebay);
  g_test_add_func ("/oauth/parse/fallbacks", test_parse_fallbacks);
  g_test_add_func ("/oauth/parse/malformed", test_parse_malformed);
  g_test_add_func ("/oauth/parse/rotation", test_parse_rotation);
  g_test_add_func ("/oauth/parse/aliexpress", test_parse_aliexpress);
  g_test_add_func ("/oauth/parse/errors", test_parse_errors);
  g_test_add_func ("/oauth/parse/error-texts", test_error_texts);

  add_stub_test ("/oauth/wire/ebay/sign-in", test_ebay_sign_in);
  add_stub_test ("/oauth/wire/ebay/refresh", test_ebay_refresh);
  add_stub_test ("/oauth/wire/ebay/errors", test_ebay_errors);
  add_stub_test ("/oauth/wire/network-error", test_network_error);
  add_stub_test ("/oauth/wire/cancel", test_cancel);
  add_stub_test ("/oauth/wire/tls-refused", test_tls_refused);
  add_stub_test ("/oauth/wire/missing-secret", test_missing_secret);
  add_stub_test ("/oauth/wire/amazon", test_amazon);
  add_stub_test ("/oauth/wire/aliexpress", test_aliexpress);
  add_stub_test ("/oauth/wire/etsy", test_etsy);
  add_stub_test ("/oauth/wire/etsy/sign-in", test_etsy_sign_in);
  add_stub_test ("/oauth/wire/mercadolibre", test_mercadolibre);
  add_stub_test ("/oauth/wire/revoke", test_revoke);
  add_stub_test ("/oauth/wire/userinfo", test_userinfo);

  return g_test_run ();
}
