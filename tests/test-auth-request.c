/* test-auth-request.c: one sign-in attempt: consent URLs per marketplace,
 * state and PKCE, redirect recognition and the checks on its answer.
 *
 * The expected consent URLs follow shared/providers.md: "eBay (OAuth 2.0
 * authorization code)" (RuName as redirect_uri, prompt=login, no PKCE,
 * the ThirdPartyAuthSucessFailure default page), "Amazon Selling Partner
 * API" (Seller Central consent: application_id, state, version=beta,
 * redirect_uri; redirect with spapi_oauth_code and selling_partner_id),
 * "AliExpress Open Platform" (force_auth=true), "Etsy Open API v3" (PKCE
 * S256 mandatory), "Mercado Libre" (PKCE optional) and "Standards in one
 * breath" (the RFC 7636 vector).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "relink-auth-request.h"
#include "relink-pkce.h"
#include "relink-test-util.h"


static RelinkAuthRequest *
make_request (RelinkProvider *provider, RelinkKeyset *keyset)
{
  g_autoptr (GError) error = NULL;
  RelinkAuthRequest *request = relink_auth_request_new (provider, keyset, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (request);
  return request;
}

/* The consent URL's query, decoded; repeated names fail the test. */
static GHashTable *
url_params (const char *url, const char *expected_base)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, &error);
  g_autofree char *base = NULL;
  GHashTable *params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GUriParamsIter iter;
  char *name, *value;

  g_assert_no_error (error);
  base = g_strdup_printf ("%s://%s%s", g_uri_get_scheme (uri), g_uri_get_host (uri),
                          g_uri_get_path (uri));
  g_assert_cmpstr (base, ==, expected_base);

  /* Form decoding would read "+" as a space: the URL must use %20. */
  g_uri_params_iter_init (&iter, g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE);
  while (g_uri_params_iter_next (&iter, &name, &value, &error))
    {
      g_assert_false (g_hash_table_contains (params, name));
      g_hash_table_insert (params, name, value);
    }
  g_assert_no_error (error);

  return params;
}

static gboolean
is_base64url (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
        return FALSE;
    }
  return TRUE;
}

static void
test_pkce_vector (void)
{
  g_autofree char *challenge
      = relink_pkce_challenge_s256 ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

  g_assert_cmpstr (challenge, ==, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

static void
test_pkce_verifier (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (int i = 0; i < 64; i++)
    {
      g_autoptr (GError) error = NULL;
      char *verifier = relink_pkce_new_verifier (&error);

      g_assert_no_error (error);
      /* RFC 7636 §4.1: 43–128 characters of the unreserved set. */
      g_assert_cmpuint (strlen (verifier), ==, 43);
      g_assert_true (is_base64url (verifier));
      g_assert_false (g_hash_table_contains (seen, verifier));
      g_hash_table_add (seen, verifier);
    }
}

static void
test_base64url (void)
{
  const guint8 data[] = { 0xfb, 0xff, 0xfe, 0x00 };
  g_autofree char *one = relink_base64url_encode (data, 1);
  g_autofree char *three = relink_base64url_encode (data, 3);
  g_autofree char *four = relink_base64url_encode (data, 4);

  g_assert_cmpstr (one, ==, "-w");
  g_assert_cmpstr (three, ==, "-__-");
  g_assert_cmpstr (four, ==, "-__-AA");
}

static void
test_constant_time_equal (void)
{
  g_assert_true (relink_constant_time_equal ("abc", "abc"));
  g_assert_true (relink_constant_time_equal ("", ""));
  g_assert_false (relink_constant_time_equal ("abc", "abd"));
  g_assert_false (relink_constant_time_equal ("abc", "ab"));
  g_assert_false (relink_constant_time_equal ("ab", "abc"));
  g_assert_false (relink_constant_time_equal ("abc", ""));
  g_assert_false (relink_constant_time_equal ("abc", NULL));
  g_assert_false (relink_constant_time_equal (NULL, NULL));
}

static void
test_state_random (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("ebay");
  g_autoptr (RelinkKeyset) keyset
      = relink_test_make_keyset (provider, "production", "App-PRD-1", "Shop-RuName");
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint bit_counts[8] = { 0 };
  guint n_bytes = 0;

  for (int i = 0; i < 200; i++)
    {
      g_autoptr (RelinkAuthRequest) request = make_request (provider, keyset);
      const char *state = relink_auth_request_get_state (request);
      g_autoptr (GHashTable) params = NULL;
      gsize length;
      g_autofree char *padded = NULL;
      g_autofree guchar *raw = NULL;

      /* ≥ 128 bits: 22 base64 characters at the very least. */
      g_assert_cmpuint (strlen (state), >=, 22);
      g_assert_true (is_base64url (state));
      g_assert_false (g_hash_table_contains (seen, state));
      g_hash_table_add (seen, g_strdup (state));

      params = url_params (relink_auth_request_get_authorize_url (request),
                           "https://auth.ebay.com/oauth2/authorize");
      g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, state);

      /* Count the bits: a broken generator (zeros, a counter) shows up as
       * a heavily biased bit. */
      padded = g_strdup (state);
      g_strdelimit (padded, "-", '+');
      g_strdelimit (padded, "_", '/');
      padded = g_realloc (padded, strlen (padded) + 4);
      while (strlen (padded) % 4 != 0)
        strcat (padded, "=");
      raw = g_base64_decode (padded, &length);
      g_assert_cmpuint (length, >=, 16);
      for (gsize j = 0; j < length; j++, n_bytes++)
        for (int bit = 0; bit < 8; bit++)
          bit_counts[bit] += (raw[j] >> bit) & 1;
    }

  for (int bit = 0; bit < 8; bit++)
    {
      g_assert_cmpuint (bit_counts[bit], >, n_bytes * 4 / 10);
      g_assert_cmpuint (bit_counts[bit], <, n_bytes * 6 / 10);
    }
}

static void
test_url_ebay (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("ebay");
  g_autoptr (RelinkKeyset) keyset = relink_test_make_keyset (
      provider, "sandbox", "Seller-App-SBX-1234", "Seller_Name-SellerAp-Seller-abcdef");
  g_autoptr (RelinkAuthRequest) request = NULL;
  g_autoptr (GHashTable) params = NULL;
  const char *url;

  relink_keyset_set_extra (keyset, "accepted_url", "https://shop.example/ebay/accepted");
  request = make_request (provider, keyset);
  url = relink_auth_request_get_authorize_url (request);

  params = url_params (url, "https://auth.sandbox.ebay.com/oauth2/authorize");
  g_assert_cmpstr (g_hash_table_lookup (params, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (params, "client_id"), ==, "Seller-App-SBX-1234");
  /* The RuName, not a URL, goes out as redirect_uri. */
  g_assert_cmpstr (g_hash_table_lookup (params, "redirect_uri"), ==,
                   "Seller_Name-SellerAp-Seller-abcdef");
  g_assert_cmpstr (g_hash_table_lookup (params, "scope"), ==,
                   "https://api.ebay.com/oauth/api_scope "
                   "https://api.ebay.com/oauth/api_scope/sell.inventory "
                   "https://api.ebay.com/oauth/api_scope/sell.account "
                   "https://api.ebay.com/oauth/api_scope/sell.fulfillment "
                   "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly");
  g_assert_cmpstr (g_hash_table_lookup (params, "prompt"), ==, "login");
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==,
                   relink_auth_request_get_state (request));
  g_assert_false (g_hash_table_contains (params, "code_challenge"));
  g_assert_false (g_hash_table_contains (params, "code_challenge_method"));
  g_assert_cmpuint (g_hash_table_size (params), ==, 6);
  g_assert_null (relink_auth_request_get_code_verifier (request));

  /* Scope URLs are escaped, spaces as %20. */
  g_assert_nonnull (strstr (url, "scope=https%3A%2F%2Fapi.ebay.com%2Foauth%2Fapi_scope%20https"));

  g_assert_cmpstr (relink_auth_request_get_redirect_param (request), ==,
                   "Seller_Name-SellerAp-Seller-abcdef");
  g_assert_cmpstr (relink_auth_request_get_redirect_url (request), ==,
                   "https://shop.example/ebay/accepted");
}

static void
test_url_etsy (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("etsy");
  g_autoptr (RelinkKeyset) keyset = relink_test_make_keyset (provider, NULL, "etsykeystring123",
                                                             "https://shop.example/etsy/callback");
  g_autoptr (RelinkAuthRequest) request = make_request (provider, keyset);
  g_autoptr (GHashTable) params = url_params (relink_auth_request_get_authorize_url (request),
                                              "https://www.etsy.com/oauth/connect");
  const char *verifier = relink_auth_request_get_code_verifier (request);
  g_autofree char *challenge = NULL;

  g_assert_nonnull (verifier);
  g_assert_cmpuint (strlen (verifier), >=, 43);
  g_assert_cmpuint (strlen (verifier), <=, 128);
  challenge = relink_pkce_challenge_s256 (verifier);

  g_assert_cmpstr (g_hash_table_lookup (params, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (params, "client_id"), ==, "etsykeystring123");
  g_assert_cmpstr (g_hash_table_lookup (params, "redirect_uri"), ==,
                   "https://shop.example/etsy/callback");
  g_assert_cmpstr (g_hash_table_lookup (params, "scope"), ==, "shops_r listings_r transactions_r");
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge"), ==, challenge);
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge_method"), ==, "S256");
  /* The verifier itself never leaves before the code exchange. */
  g_assert_null (strstr (relink_auth_request_get_authorize_url (request), verifier));
  g_assert_cmpuint (g_hash_table_size (params), ==, 7);
}

static void
test_url_amazon (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("amazon-sp-api");
  g_autoptr (RelinkKeyset) keyset = relink_test_make_keyset (
      provider, "eu", "amzn1.application-oa2-client.x", "https://shop.example/amazon/callback");
  g_autoptr (RelinkAuthRequest) request = NULL;
  g_autoptr (RelinkAuthRequest) beta = NULL;
  g_autoptr (GHashTable) params = NULL;
  g_autoptr (GError) error = NULL;

  /* Without the application id there is no consent URL at all. */
  request = relink_auth_request_new (provider, keyset, NULL, &error);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_CONFIGURATION);
  g_assert_null (request);

  relink_keyset_set_extra (keyset, "application_id", "amzn1.sp.solution.a1b2-c3d4");
  request = make_request (provider, keyset);
  params = url_params (relink_auth_request_get_authorize_url (request),
                       "https://sellercentral-europe.amazon.com/apps/authorize/consent");
  g_assert_cmpstr (g_hash_table_lookup (params, "application_id"), ==,
                   "amzn1.sp.solution.a1b2-c3d4");
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==,
                   relink_auth_request_get_state (request));
  g_assert_cmpstr (g_hash_table_lookup (params, "redirect_uri"), ==,
                   "https://shop.example/amazon/callback");
  /* Seller Central's consent form takes neither client_id nor response_type. */
  g_assert_false (g_hash_table_contains (params, "client_id"));
  g_assert_false (g_hash_table_contains (params, "response_type"));
  g_assert_false (g_hash_table_contains (params, "version"));
  g_assert_false (g_hash_table_contains (params, "scope"));
  g_assert_false (g_hash_table_contains (params, "code_challenge"));
  g_assert_cmpuint (g_hash_table_size (params), ==, 3);
  g_clear_pointer (&params, g_hash_table_unref);

  /* A draft app consents with version=beta. */
  relink_keyset_set_extra (keyset, "version", "beta");
  beta = make_request (provider, keyset);
  params = url_params (relink_auth_request_get_authorize_url (beta),
                       "https://sellercentral-europe.amazon.com/apps/authorize/consent");
  g_assert_cmpstr (g_hash_table_lookup (params, "version"), ==, "beta");
  g_assert_cmpuint (g_hash_table_size (params), ==, 4);
}

static void
test_url_aliexpress (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("aliexpress");
  g_autoptr (RelinkKeyset) keyset = relink_test_make_keyset (provider, "production", "12345678",
                                                             "https://shop.example/ae/callback");
  g_autoptr (RelinkAuthRequest) request = make_request (provider, keyset);
  g_autoptr (GHashTable) params = url_params (relink_auth_request_get_authorize_url (request),
                                              "https://api-sg.aliexpress.com/oauth/authorize");

  g_assert_cmpstr (g_hash_table_lookup (params, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (params, "force_auth"), ==, "true");
  g_assert_cmpstr (g_hash_table_lookup (params, "client_id"), ==, "12345678");
  g_assert_cmpstr (g_hash_table_lookup (params, "redirect_uri"), ==,
                   "https://shop.example/ae/callback");
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==,
                   relink_auth_request_get_state (request));
  g_assert_false (g_hash_table_contains (params, "scope"));
  g_assert_false (g_hash_table_contains (params, "code_challenge"));
  g_assert_cmpuint (g_hash_table_size (params), ==, 5);
}

static void
test_url_mercadolibre (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("mercadolibre");
  g_autoptr (RelinkKeyset) keyset
      = relink_test_make_keyset (provider, "br", "1234567890", "https://shop.example/ml/callback");
  const char *const scopes[] = { "offline_access", "read", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkAuthRequest) request
      = relink_auth_request_new (provider, keyset, scopes, &error);
  g_autoptr (GHashTable) params = NULL;
  g_autofree char *challenge = NULL;

  g_assert_no_error (error);
  params = url_params (relink_auth_request_get_authorize_url (request),
                       "https://auth.mercadolibre.com.br/authorization");
  challenge = relink_pkce_challenge_s256 (relink_auth_request_get_code_verifier (request));
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge"), ==, challenge);
  g_assert_cmpstr (g_hash_table_lookup (params, "code_challenge_method"), ==, "S256");
  g_assert_cmpstr (g_hash_table_lookup (params, "scope"), ==, "offline_access read");
  g_assert_cmpstr (relink_auth_request_get_scope (request), ==, "offline_access read");
}

static void
test_bad_keyset (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("etsy");
  g_autoptr (RelinkKeyset) no_client
      = relink_test_make_keyset (provider, NULL, "", "https://a.example/cb");
  g_autoptr (RelinkKeyset) no_redirect = relink_test_make_keyset (provider, NULL, "key", NULL);
  g_autoptr (RelinkKeyset) bad_env
      = relink_test_make_keyset (provider, "sandbox", "key", "https://a.example/cb");
  g_autoptr (RelinkKeyset) bad_url
      = relink_test_make_keyset (provider, NULL, "key", "not an address");
  RelinkKeyset *keysets[] = { no_client, no_redirect, bad_env, bad_url };

  for (guint i = 0; i < G_N_ELEMENTS (keysets); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (RelinkAuthRequest) request
          = relink_auth_request_new (provider, keysets[i], NULL, &error);

      g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_CONFIGURATION);
      g_assert_null (request);
    }
}

static void
test_matches_redirect (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("etsy");
  g_autoptr (RelinkKeyset) keyset
      = relink_test_make_keyset (provider, NULL, "key", "https://good.example/cb");
  g_autoptr (RelinkAuthRequest) request = make_request (provider, keyset);
  const char *const good[] = {
    "https://good.example/cb",          "https://good.example/cb?code=abc&state=def",
    "https://good.example/cb#fragment", "https://GOOD.Example/cb?code=1",
    "HTTPS://good.example/cb",          "https://good.example:443/cb",
  };
  const char *const bad[] = {
    "https://good.example.evil.com/cb",
    "https://good.example@evil.com/cb",
    "https://good.example/cb/../x",
    "https://good.example/x/../cb",
    "https://good.example/./cb",
    "https://good.example.:443",
    "https://good.example.:443/cb",
    "https://good.example./cb",
    "https://user@good.example/cb",
    "https://user:pw@good.example/cb",
    "https://:@good.example/cb",
    "https://good.example:8443/cb",
    "https://good.example:80/cb",
    "http://good.example/cb",
    "http://good.example:443/cb",
    "https://good.example/cb/",
    "https://good.example/cbx",
    "https://good.example/CB",
    "https://good.example/c",
    "https://good.example/cb%2F..%2Fx",
    "https://good.example",
    "https://evil.com/cb?redirect=https://good.example/cb",
    "https://evil.com\\@good.example/cb",
    "https://evil.com/good.example/cb",
    "https://good.exampl/cb",
    "wss://good.example/cb",
    "good.example/cb",
    "//good.example/cb",
    "/cb",
    "",
    "not a url at all",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      if (!relink_auth_request_matches_redirect (request, good[i]))
        g_error ("should match: %s", good[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      if (relink_auth_request_matches_redirect (request, bad[i]))
        g_error ("should not match: %s", bad[i]);
    }

  g_assert_false (relink_auth_request_matches_redirect (request, NULL));
  /* Etsy is no eBay: eBay's default page means nothing here. */
  g_assert_false (relink_auth_request_matches_redirect (
      request, "https://auth2.ebay.com/oauth2/ThirdPartyAuthSucessFailure?isAuthSuccessful=true"));
  g_assert_false (relink_auth_request_get_used (request));
}

static void
test_matches_redirect_port (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("etsy");
  g_autoptr (RelinkKeyset) keyset
      = relink_test_make_keyset (provider, NULL, "key", "https://good.example:443/cb");
  g_autoptr (RelinkKeyset) loopback
      = relink_test_make_keyset (provider, NULL, "key", "http://127.0.0.1:8123/callback");
  g_autoptr (RelinkAuthRequest) request = make_request (provider, keyset);
  g_autoptr (RelinkAuthRequest) local = make_request (provider, loopback);

  g_assert_true (relink_auth_request_matches_redirect (request, "https://good.example/cb"));
  g_assert_true (relink_auth_request_matches_redirect (request, "https://good.example:443/cb"));
  g_assert_true (relink_auth_request_matches_redirect (local, "http://127.0.0.1:8123/callback?x"));
  g_assert_false (relink_auth_request_matches_redirect (local, "http://127.0.0.1/callback"));
  g_assert_false (relink_auth_request_matches_redirect (local, "http://127.0.0.1:8124/callback"));
  g_assert_false (relink_auth_request_matches_redirect (local, "http://localhost:8123/callback"));
  g_assert_false (relink_auth_request_matches_redirect (local, "https://127.0.0.1:8123/callback"));
}

static void
test_matches_redirect_ebay (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("ebay");
  g_autoptr (RelinkKeyset) keyset
      = relink_test_make_keyset (provider, "production", "App-PRD-1", "Shop-ShopApp-PRD-abcdef");
  g_autoptr (RelinkAuthRequest) plain = make_request (provider, keyset);
  g_autoptr (RelinkAuthRequest) accepted = NULL;

  /* Without an own accepted URL, only eBay's page (note its spelling) ends the sign-in. */
  g_assert_null (relink_auth_request_get_redirect_url (plain));
  g_assert_true (relink_auth_request_matches_redirect (
      plain,
      "https://auth2.ebay.com/oauth2/ThirdPartyAuthSucessFailure?isAuthSuccessful=true&code=x"));
  g_assert_false (relink_auth_request_matches_redirect (
      plain, "https://auth2.ebay.com/oauth2/ThirdPartyAuthSuccessFailure?isAuthSuccessful=true"));
  g_assert_false (relink_auth_request_matches_redirect (
      plain, "https://auth2.ebay.com.evil.com/oauth2/ThirdPartyAuthSucessFailure"));
  g_assert_false (relink_auth_request_matches_redirect (
      plain, "http://auth2.ebay.com/oauth2/ThirdPartyAuthSucessFailure"));
  g_assert_false (relink_auth_request_matches_redirect (plain, "Shop-ShopApp-PRD-abcdef"));
  g_assert_false (
      relink_auth_request_matches_redirect (plain, "https://auth.ebay.com/oauth2/authorize"));

  relink_keyset_set_extra (keyset, "accepted_url", "https://shop.example/ebay/accepted");
  accepted = make_request (provider, keyset);
  g_assert_true (relink_auth_request_matches_redirect (
      accepted, "https://shop.example/ebay/accepted?code=x&state=y"));
  g_assert_true (relink_auth_request_matches_redirect (
      accepted, "https://auth2.ebay.com/oauth2/ThirdPartyAuthSucessFailure?isAuthSuccessful=true"));
  g_assert_false (relink_auth_request_matches_redirect (
      accepted, "https://shop.example/ebay/accepted/../declined"));
}

static char *
redirect_with (RelinkAuthRequest *request, const char *base, const char *params)
{
  g_autofree char *state
      = g_uri_escape_string (relink_auth_request_get_state (request), NULL, FALSE);

  return g_strdup_printf ("%s?%s&state=%s", base, params, state);
}

static void
used_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
test_parse_redirect_ebay (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("ebay");
  g_autoptr (RelinkKeyset) keyset
      = relink_test_make_keyset (provider, "production", "App-PRD-1", "Shop-ShopApp-PRD-abcdef");
  g_autoptr (RelinkAuthRequest) request = NULL;
  g_autoptr (RelinkAuthResponse) response = NULL;
  g_autoptr (RelinkAuthResponse) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = NULL;
  guint notified = 0;

  relink_keyset_set_extra (keyset, "accepted_url", "https://shop.example/ebay/accepted");
  request = make_request (provider, keyset);
  g_signal_connect (request, "notify::used", G_CALLBACK (used_cb), &notified);

  /* The code arrives URL-encoded and must come out decoded exactly once. */
  uri = redirect_with (request, "https://shop.example/ebay/accepted",
                       "code=v%5E1.1%23i%5E1%23r%5E1%23p%5E3%23f%5E0%23I%5E3%23t%5EUl41Xz%2B%2F%3D"
                       "&expires_in=299");
  response = relink_auth_request_parse_redirect (request, uri, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_auth_response_get_code (response), ==,
                   "v^1.1#i^1#r^1#p^3#f^0#I^3#t^Ul41Xz+/=");
  g_assert_cmpstr (relink_auth_response_get_param (response, "expires_in"), ==, "299");
  g_assert_null (relink_auth_response_get_selling_partner_id (response));
  g_assert_true (relink_auth_request_get_used (request));
  g_assert_cmpuint (notified, ==, 1);

  /* Single use: the same answer a second time is refused. */
  again = relink_auth_request_parse_redirect (request, uri, &error);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_ALREADY_USED);
  g_assert_null (again);
  g_assert_cmpuint (notified, ==, 1);
}

static void
test_parse_redirect_ebay_default_page (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("ebay");
  g_autoptr (RelinkKeyset) keyset
      = relink_test_make_keyset (provider, "production", "App-PRD-1", "Shop-ShopApp-PRD-abcdef");
  g_autoptr (RelinkAuthRequest) request = make_request (provider, keyset);
  g_autoptr (RelinkAuthRequest) declined = make_request (provider, keyset);
  g_autoptr (RelinkAuthResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = NULL;

  uri = redirect_with (request, "https://auth2.ebay.com/oauth2/ThirdPartyAuthSucessFailure",
                       "isAuthSuccessful=true&code=v%5E1.1%23i%5E1");
  response = relink_auth_request_parse_redirect (request, uri, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_auth_response_get_code (response), ==, "v^1.1#i^1");

  /* A refusal may come without state; it changes nothing anyway. */
  g_assert_null (relink_auth_request_parse_redirect (
      declined, "https://auth2.ebay.com/oauth2/ThirdPartyAuthSucessFailure?isAuthSuccessful=false",
      &error));
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_DECLINED);
  g_assert_cmpstr (error->message, ==, "You declined access on eBay. Nothing was changed.");
}

static void
test_parse_redirect_errors (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("etsy");
  g_autoptr (RelinkKeyset) keyset
      = relink_test_make_keyset (provider, NULL, "key", "https://good.example/cb");
  struct
  {
    const char *params; /* %s: the request's state */
    gboolean with_state;
    int code;
    const char *message;
  } cases[] = {
    { "error=access_denied&error_description=User+denied", TRUE, RELINK_OAUTH_ERROR_DECLINED,
      "You declined access on Etsy. Nothing was changed." },
    { "error=access_denied", FALSE, RELINK_OAUTH_ERROR_DECLINED,
      "You declined access on Etsy. Nothing was changed." },
    { "code=abc&state=forged-state-value", FALSE, RELINK_OAUTH_ERROR_STATE_MISMATCH,
      "The sign-in answer did not belong to this sign-in. Nothing was changed; try again." },
    { "error=access_denied&state=forged", FALSE, RELINK_OAUTH_ERROR_STATE_MISMATCH,
      "The sign-in answer did not belong to this sign-in. Nothing was changed; try again." },
    { "code=abc", FALSE, RELINK_OAUTH_ERROR_STATE_MISMATCH,
      "The sign-in answer did not belong to this sign-in. Nothing was changed; try again." },
    { "expires_in=299", TRUE, RELINK_OAUTH_ERROR_MALFORMED,
      "Etsy sent no sign-in code. Nothing was changed; try again." },
    { "code=", TRUE, RELINK_OAUTH_ERROR_MALFORMED,
      "Etsy sent no sign-in code. Nothing was changed; try again." },
    { "error=invalid_scope", TRUE, RELINK_OAUTH_ERROR_FAILED,
      "Etsy refused the sign-in: “invalid_scope”. Nothing was changed; try again." },
    { "error=server_error&error_description=Line%0Aone%0D%0A%E2%80%AEtwo%1B%5B31m", TRUE,
      RELINK_OAUTH_ERROR_FAILED,
      "Etsy refused the sign-in: “Line one two [31m”. Nothing was changed; try again." },
    { "code=abc&code=def", TRUE, RELINK_OAUTH_ERROR_MALFORMED, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (RelinkAuthRequest) request = make_request (provider, keyset);
      g_autoptr (GError) error = NULL;
      g_autofree char *uri = NULL;

      if (cases[i].with_state)
        uri = redirect_with (request, "https://good.example/cb", cases[i].params);
      else
        uri = g_strconcat ("https://good.example/cb?", cases[i].params, NULL);

      g_assert_null (relink_auth_request_parse_redirect (request, uri, &error));
      g_assert_error (error, RELINK_OAUTH_ERROR, cases[i].code);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
      /* Whatever the answer, the attempt is over. */
      g_assert_true (relink_auth_request_get_used (request));
    }
}

static void
test_parse_redirect_state_repeated (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("etsy");
  g_autoptr (RelinkKeyset) keyset
      = relink_test_make_keyset (provider, NULL, "key", "https://good.example/cb");
  g_autoptr (RelinkAuthRequest) request = make_request (provider, keyset);
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = NULL;

  /* A forged second state must not slip in beside the right one. */
  uri = redirect_with (request, "https://good.example/cb", "code=abc&state=forged");
  g_assert_null (relink_auth_request_parse_redirect (request, uri, &error));
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED);
}

static void
test_parse_redirect_long_description (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("etsy");
  g_autoptr (RelinkKeyset) keyset
      = relink_test_make_keyset (provider, NULL, "key", "https://good.example/cb");
  g_autoptr (RelinkAuthRequest) request = make_request (provider, keyset);
  g_autoptr (GString) params = g_string_new ("error=temporarily_unavailable&error_description=");
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = NULL;

  for (int i = 0; i < 5000; i++)
    g_string_append (params, "x");
  /* Invalid UTF-8 must not reach a label. */
  g_string_append (params, "%FF%FE");

  uri = redirect_with (request, "https://good.example/cb", params->str);
  g_assert_null (relink_auth_request_parse_redirect (request, uri, &error));
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_FAILED);
  g_assert_cmpuint (g_utf8_strlen (error->message, -1), <, 300);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_nonnull (strstr (error->message, "xxx…"));
}

static void
test_parse_redirect_wrong_address (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("etsy");
  g_autoptr (RelinkKeyset) keyset
      = relink_test_make_keyset (provider, NULL, "key", "https://good.example/cb");
  g_autoptr (RelinkAuthRequest) request = make_request (provider, keyset);
  g_autoptr (RelinkAuthResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *evil = redirect_with (request, "https://good.example.evil.com/cb", "code=abc");
  g_autofree char *good = redirect_with (request, "https://good.example/cb", "code=abc");
  g_autofree char *pasted = NULL;

  g_assert_null (relink_auth_request_parse_redirect (request, evil, &error));
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_WRONG_REDIRECT);
  g_clear_error (&error);

  /* A foreign address does not use the attempt up. */
  g_assert_false (relink_auth_request_get_used (request));
  /* Pasted from the system browser, with a line break. */
  pasted = g_strconcat ("  ", good, "\n", NULL);
  response = relink_auth_request_parse_redirect (request, pasted, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_auth_response_get_code (response), ==, "abc");
}

static void
test_parse_redirect_amazon (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("amazon-sp-api");
  g_autoptr (RelinkKeyset) keyset = relink_test_make_keyset (
      provider, "na", "amzn1.application-oa2-client.x", "https://shop.example/amazon/callback");
  g_autoptr (RelinkAuthRequest) request = NULL;
  g_autoptr (RelinkAuthRequest) incomplete = NULL;
  g_autoptr (RelinkAuthResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *no_partner = NULL;
  g_auto (GStrv) names = NULL;

  relink_keyset_set_extra (keyset, "application_id", "amzn1.sp.solution.x");
  request = make_request (provider, keyset);
  incomplete = make_request (provider, keyset);

  uri = redirect_with (request, "https://shop.example/amazon/callback",
                       "selling_partner_id=A3EXAMPLE9SP&spapi_oauth_code=ANDbexampleCode&"
                       "mws_auth_token=amzn.mws.1234");
  response = relink_auth_request_parse_redirect (request, uri, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_auth_response_get_code (response), ==, "ANDbexampleCode");
  g_assert_cmpstr (relink_auth_response_get_selling_partner_id (response), ==, "A3EXAMPLE9SP");
  g_assert_cmpstr (relink_auth_response_get_param (response, "mws_auth_token"), ==,
                   "amzn.mws.1234");
  names = relink_auth_response_dup_param_names (response);
  g_assert_cmpuint (g_strv_length (names), ==, 4);
  g_assert_cmpstr (names[0], ==, "mws_auth_token");
  g_assert_cmpstr (names[3], ==, "state");

  /* The redirect is the only place Amazon names the seller. */
  no_partner = redirect_with (incomplete, "https://shop.example/amazon/callback",
                              "spapi_oauth_code=ANDbexampleCode");
  g_assert_null (relink_auth_request_parse_redirect (incomplete, no_partner, &error));
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED);
}

static void
test_finalize (void)
{
  g_autoptr (RelinkProvider) provider = relink_test_shipped_provider ("etsy");
  g_autoptr (RelinkKeyset) keyset
      = relink_test_make_keyset (provider, NULL, "key", "https://good.example/cb");
  RelinkAuthRequest *request = make_request (provider, keyset);

  g_assert_finalize_object (request);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/auth-request/pkce/vector", test_pkce_vector);
  g_test_add_func ("/auth-request/pkce/verifier", test_pkce_verifier);
  g_test_add_func ("/auth-request/pkce/base64url", test_base64url);
  g_test_add_func ("/auth-request/constant-time-equal", test_constant_time_equal);
  g_test_add_func ("/auth-request/state/random", test_state_random);
  g_test_add_func ("/auth-request/url/ebay", test_url_ebay);
  g_test_add_func ("/auth-request/url/etsy", test_url_etsy);
  g_test_add_func ("/auth-request/url/amazon", test_url_amazon);
  g_test_add_func ("/auth-request/url/aliexpress", test_url_aliexpress);
  g_test_add_func ("/auth-request/url/mercadolibre", test_url_mercadolibre);
  g_test_add_func ("/auth-request/bad-keyset", test_bad_keyset);
  g_test_add_func ("/auth-request/matches/tricks", test_matches_redirect);
  g_test_add_func ("/auth-request/matches/port", test_matches_redirect_port);
  g_test_add_func ("/auth-request/matches/ebay", test_matches_redirect_ebay);
  g_test_add_func ("/auth-request/parse/ebay", test_parse_redirect_ebay);
  g_test_add_func ("/auth-request/parse/ebay-default-page", test_parse_redirect_ebay_default_page);
  g_test_add_func ("/auth-request/parse/errors", test_parse_redirect_errors);
  g_test_add_func ("/auth-request/parse/state-repeated", test_parse_redirect_state_repeated);
  g_test_add_func ("/auth-request/parse/long-description", test_parse_redirect_long_description);
  g_test_add_func ("/auth-request/parse/wrong-address", test_parse_redirect_wrong_address);
  g_test_add_func ("/auth-request/parse/amazon", test_parse_redirect_amazon);
  g_test_add_func ("/auth-request/finalize", test_finalize);

  return g_test_run ();
}
