/* test-providers.c: provider profiles and the registry.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "relink-provider-registry.h"

static char *
test_data_path (const char *first, ...)
{
  const char *base = g_getenv ("RELINK_TEST_DATA");
  g_autoptr (GPtrArray) parts = g_ptr_array_new ();
  const char *part;
  va_list args;

  g_assert_nonnull (base);

  g_ptr_array_add (parts, (gpointer) base);
  g_ptr_array_add (parts, (gpointer) first);
  va_start (args, first);
  while ((part = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (parts, (gpointer) part);
  va_end (args);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **) parts->pdata);
}

/* A registry with only the shipped profiles. */
static RelinkProviderRegistry *
shipped_registry (void)
{
  g_autofree char *empty = g_build_filename (g_get_user_cache_dir (), "no-providers", NULL);

  g_assert_false (g_file_test (empty, G_FILE_TEST_EXISTS));
  return relink_provider_registry_new (empty);
}

static const char *
authorize_param (RelinkProvider *provider, const char *name)
{
  return g_hash_table_lookup (relink_provider_get_authorize_params (provider), name);
}

static const RelinkProviderEnvironment *
environment_at (RelinkProvider *provider, guint index)
{
  GPtrArray *environments = relink_provider_get_environments (provider);

  g_assert_cmpuint (index, <, environments->len);
  return g_ptr_array_index (environments, index);
}

static void
test_shipped_load (void)
{
  g_autoptr (RelinkProviderRegistry) registry = shipped_registry ();
  const char *ids[] = { "aliexpress", "amazon-sp-api", "ebay", "etsy", "mercadolibre" };

  g_assert_cmpuint (relink_provider_registry_get_load_errors (registry)->len, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (registry)), ==, G_N_ELEMENTS (ids));

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      RelinkProvider *provider = relink_provider_registry_lookup (registry, ids[i]);
      g_autofree char *origin = g_strconcat (ids[i], ".json", NULL);

      g_assert_nonnull (provider);
      g_assert_cmpstr (relink_provider_get_id (provider), ==, ids[i]);
      g_assert_false (relink_provider_is_custom (provider));
      g_assert_cmpstr (relink_provider_get_origin (provider), ==, origin);
      g_assert_nonnull (relink_provider_get_icon_name (provider));
      g_assert_cmpuint (relink_provider_get_environments (provider)->len, >, 0);
    }

  g_assert_null (relink_provider_registry_lookup (registry, "no-such-market"));
  g_assert_null (relink_provider_registry_lookup (registry, NULL));
}

static void
test_shipped_ebay (void)
{
  g_autoptr (RelinkProviderRegistry) registry = shipped_registry ();
  RelinkProvider *ebay = relink_provider_registry_lookup (registry, "ebay");
  const RelinkProviderEnvironment *production;
  const RelinkProviderEnvironment *sandbox;
  const RelinkKeysetField *accepted;

  g_assert_cmpstr (relink_provider_get_name (ebay), ==, "eBay");
  g_assert_cmpint (relink_provider_get_client_auth (ebay), ==, RELINK_CLIENT_AUTH_BASIC);
  g_assert_cmpint (relink_provider_get_pkce (ebay), ==, RELINK_PKCE_NONE);
  g_assert_cmpint (relink_provider_get_redirect_style (ebay), ==, RELINK_REDIRECT_STYLE_RUNAME);
  g_assert_cmpstr (authorize_param (ebay, "prompt"), ==, "login");
  g_assert_cmpint (relink_provider_get_access_lifetime (ebay), ==, 7200);
  g_assert_cmpint (relink_provider_get_refresh_lifetime (ebay), ==, 47304000);
  g_assert_false (relink_provider_get_rotating_refresh (ebay));
  g_assert_false (relink_provider_get_refresh_extends (ebay));
  g_assert_true (relink_provider_get_needs_client_secret (ebay));
  g_assert_true (
      g_strv_contains (relink_provider_get_scopes (ebay),
                       "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly"));
  g_assert_cmpint (relink_provider_get_identity_source (ebay), ==, RELINK_IDENTITY_SOURCE_ENDPOINT);
  g_assert_cmpstr (relink_provider_get_identity_id_field (ebay), ==, "userId");
  g_assert_cmpstr (relink_provider_get_identity_name_field (ebay), ==, "username");

  g_assert_cmpuint (relink_provider_get_environments (ebay)->len, ==, 2);
  production = relink_provider_get_environment (ebay, "production");
  sandbox = relink_provider_get_environment (ebay, "sandbox");
  g_assert_true (production == relink_provider_get_environment (ebay, NULL));
  g_assert_true (production->is_production);
  g_assert_false (sandbox->is_production);
  g_assert_cmpstr (production->authorize_url, ==, "https://auth.ebay.com/oauth2/authorize");
  g_assert_cmpstr (production->token_url, ==, "https://api.ebay.com/identity/v1/oauth2/token");
  g_assert_cmpstr (sandbox->authorize_url, ==, "https://auth.sandbox.ebay.com/oauth2/authorize");
  g_assert_cmpstr (sandbox->token_url, ==, "https://api.sandbox.ebay.com/identity/v1/oauth2/token");
  g_assert_cmpstr (sandbox->identity_url, ==,
                   "https://apiz.sandbox.ebay.com/commerce/identity/v1/user/");
  g_assert_null (production->revoke_url);
  g_assert_nonnull (production->connected_apps_url);
  /* No separate refresh endpoint: refresh goes to the token URL. */
  g_assert_null (production->refresh_url);
  g_assert_cmpstr (relink_provider_environment_get_refresh_url (production), ==,
                   production->token_url);
  g_assert_null (relink_provider_get_environment (ebay, "staging"));

  accepted = relink_provider_get_keyset_field (ebay, "accepted_url");
  g_assert_nonnull (accepted);
  g_assert_false (accepted->secret);
  g_assert_false (accepted->required);
}

static void
test_shipped_amazon (void)
{
  g_autoptr (RelinkProviderRegistry) registry = shipped_registry ();
  RelinkProvider *amazon = relink_provider_registry_lookup (registry, "amazon-sp-api");
  const char *hosts[] = {
    "https://sellercentral.amazon.com/apps/authorize/consent",
    "https://sellercentral-europe.amazon.com/apps/authorize/consent",
    "https://sellercentral.amazon.co.jp/apps/authorize/consent",
  };
  const char *regions[] = { "na", "eu", "fe" };
  const RelinkKeysetField *application_id;

  g_assert_cmpint (relink_provider_get_client_auth (amazon), ==, RELINK_CLIENT_AUTH_BODY);
  g_assert_cmpint (relink_provider_get_pkce (amazon), ==, RELINK_PKCE_NONE);
  g_assert_cmpint (relink_provider_get_identity_source (amazon), ==,
                   RELINK_IDENTITY_SOURCE_REDIRECT);
  g_assert_cmpstr (relink_provider_get_identity_id_field (amazon), ==, "selling_partner_id");
  g_assert_cmpint (relink_provider_get_access_lifetime (amazon), ==, 3600);
  g_assert_cmpint (relink_provider_get_refresh_lifetime (amazon), ==, 365 * 24 * 3600);
  g_assert_cmpint (relink_provider_get_client_secret_lifetime (amazon), ==, 180 * 24 * 3600);
  g_assert_false (relink_provider_get_rotating_refresh (amazon));
  /* The annual re-authorisation is counted from consent, never moved. */
  g_assert_false (relink_provider_get_refresh_extends (amazon));
  /* version=beta belongs to a keyset (draft apps), not to the profile. */
  g_assert_null (authorize_param (amazon, "version"));

  g_assert_cmpuint (relink_provider_get_environments (amazon)->len, ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (regions); i++)
    {
      const RelinkProviderEnvironment *env = environment_at (amazon, i);

      g_assert_cmpstr (env->id, ==, regions[i]);
      g_assert_true (env->is_production);
      g_assert_cmpstr (env->authorize_url, ==, hosts[i]);
      g_assert_cmpstr (env->token_url, ==, "https://api.amazon.com/auth/o2/token");
      g_assert_nonnull (env->connected_apps_url);
      g_assert_null (env->identity_url);
    }

  application_id = relink_provider_get_keyset_field (amazon, "application_id");
  g_assert_nonnull (application_id);
  g_assert_true (application_id->required);
  g_assert_false (application_id->secret);
  g_assert_cmpstr (application_id->authorize_param, ==, "application_id");
  g_assert_cmpstr (relink_provider_get_keyset_field (amazon, "version")->authorize_param, ==,
                   "version");
}

static void
test_shipped_aliexpress (void)
{
  g_autoptr (RelinkProviderRegistry) registry = shipped_registry ();
  RelinkProvider *aliexpress = relink_provider_registry_lookup (registry, "aliexpress");
  const RelinkProviderEnvironment *env = environment_at (aliexpress, 0);

  g_assert_cmpint (relink_provider_get_client_auth (aliexpress), ==,
                   RELINK_CLIENT_AUTH_ALIEXPRESS_SIGN);
  g_assert_cmpstr (authorize_param (aliexpress, "force_auth"), ==, "true");
  g_assert_cmpint (relink_provider_get_identity_source (aliexpress), ==,
                   RELINK_IDENTITY_SOURCE_TOKEN_RESPONSE);
  g_assert_cmpstr (relink_provider_get_identity_id_field (aliexpress), ==, "seller_id");
  g_assert_cmpstr (relink_provider_get_identity_name_field (aliexpress), ==, "user_nick");
  g_assert_true (relink_provider_get_rotating_refresh (aliexpress));
  g_assert_true (relink_provider_get_needs_client_secret (aliexpress));
  g_assert_cmpstr (env->authorize_url, ==, "https://api-sg.aliexpress.com/oauth/authorize");
  g_assert_cmpstr (env->token_url, ==, "https://api-sg.aliexpress.com/rest/auth/token/create");
  g_assert_cmpstr (relink_provider_environment_get_refresh_url (env), ==,
                   "https://api-sg.aliexpress.com/rest/auth/token/refresh");
}

static void
test_shipped_etsy (void)
{
  g_autoptr (RelinkProviderRegistry) registry = shipped_registry ();
  RelinkProvider *etsy = relink_provider_registry_lookup (registry, "etsy");
  const RelinkProviderEnvironment *env = environment_at (etsy, 0);
  const RelinkKeysetField *shared_secret;

  g_assert_cmpint (relink_provider_get_pkce (etsy), ==, RELINK_PKCE_REQUIRED);
  g_assert_cmpint (relink_provider_get_client_auth (etsy), ==, RELINK_CLIENT_AUTH_NONE);
  g_assert_false (relink_provider_get_needs_client_secret (etsy));
  g_assert_true (relink_provider_get_rotating_refresh (etsy));
  g_assert_true (relink_provider_get_refresh_extends (etsy));
  g_assert_cmpint (relink_provider_get_access_lifetime (etsy), ==, 3600);
  g_assert_cmpint (relink_provider_get_refresh_lifetime (etsy), ==, 90 * 24 * 3600);
  g_assert_cmpint (relink_provider_get_identity_source (etsy), ==, RELINK_IDENTITY_SOURCE_ENDPOINT);
  g_assert_cmpstr (relink_provider_get_identity_id_field (etsy), ==, "user_id");
  g_assert_cmpstr (env->identity_url, ==, "https://openapi.etsy.com/v3/application/users/me");
  g_assert_cmpstr (env->token_url, ==, "https://api.etsy.com/v3/public/oauth/token");

  shared_secret = relink_provider_get_keyset_field (etsy, "shared_secret");
  g_assert_nonnull (shared_secret);
  g_assert_true (shared_secret->secret);
  g_assert_true (shared_secret->required);
  g_assert_null (shared_secret->authorize_param);
}

static void
test_shipped_mercadolibre (void)
{
  g_autoptr (RelinkProviderRegistry) registry = shipped_registry ();
  RelinkProvider *meli = relink_provider_registry_lookup (registry, "mercadolibre");
  const char *countries[][2] = {
    { "ar", "https://auth.mercadolibre.com.ar/authorization" },
    { "br", "https://auth.mercadolibre.com.br/authorization" },
    { "mx", "https://auth.mercadolibre.com.mx/authorization" },
    { "cl", "https://auth.mercadolibre.cl/authorization" },
    { "co", "https://auth.mercadolibre.com.co/authorization" },
    { "uy", "https://auth.mercadolibre.com.uy/authorization" },
  };

  g_assert_cmpint (relink_provider_get_client_auth (meli), ==, RELINK_CLIENT_AUTH_BODY);
  g_assert_cmpint (relink_provider_get_pkce (meli), ==, RELINK_PKCE_OPTIONAL);
  g_assert_true (relink_provider_get_rotating_refresh (meli));
  g_assert_true (relink_provider_get_refresh_extends (meli));
  g_assert_cmpint (relink_provider_get_access_lifetime (meli), ==, 21600);
  g_assert_cmpint (relink_provider_get_refresh_lifetime (meli), ==, 15552000);
  g_assert_cmpstr (relink_provider_get_identity_id_field (meli), ==, "id");
  g_assert_cmpstr (relink_provider_get_identity_name_field (meli), ==, "nickname");

  g_assert_cmpuint (relink_provider_get_environments (meli)->len, ==, G_N_ELEMENTS (countries));
  for (guint i = 0; i < G_N_ELEMENTS (countries); i++)
    {
      const RelinkProviderEnvironment *env
          = relink_provider_get_environment (meli, countries[i][0]);

      g_assert_nonnull (env);
      g_assert_true (env == environment_at (meli, i));
      g_assert_cmpstr (env->authorize_url, ==, countries[i][1]);
      g_assert_cmpstr (env->token_url, ==, "https://api.mercadolibre.com/oauth/token");
      g_assert_cmpstr (env->identity_url, ==, "https://api.mercadolibre.com/users/me");
      g_assert_cmpstr (env->revoke_application_url, ==,
                       "https://api.mercadolibre.com/users/{user_id}/applications/{client_id}");
      g_assert_null (env->revoke_url);
    }
  g_assert_cmpstr (environment_at (meli, 1)->name, ==, "Brazil");
}

static void
assert_sorted_list_model (GListModel *model)
{
  guint n_items = g_list_model_get_n_items (model);

  g_assert_true (g_list_model_get_item_type (model) == RELINK_TYPE_PROVIDER);
  g_assert_null (g_list_model_get_item (model, n_items));

  for (guint i = 1; i < n_items; i++)
    {
      g_autoptr (RelinkProvider) previous = g_list_model_get_item (model, i - 1);
      g_autoptr (RelinkProvider) current = g_list_model_get_item (model, i);

      g_autofree char *a = g_utf8_casefold (relink_provider_get_name (previous), -1);
      g_autofree char *b = g_utf8_casefold (relink_provider_get_name (current), -1);

      g_assert_cmpint (g_utf8_collate (a, b), <=, 0);
    }
}

static void
test_registry_list_model (void)
{
  g_autoptr (RelinkProviderRegistry) registry = shipped_registry ();
  GListModel *model = G_LIST_MODEL (registry);
  g_autoptr (RelinkProvider) first = NULL;
  g_autofree char *name = NULL;

  assert_sorted_list_model (model);

  /* "AliExpress" < "Amazon Selling Partner" < "eBay" < "Etsy" < "Mercado Libre". */
  first = g_list_model_get_item (model, 0);
  g_assert_cmpstr (relink_provider_get_id (first), ==, "aliexpress");
  g_object_get (first, "name", &name, NULL);
  g_assert_cmpstr (name, ==, "AliExpress");

  /* Case does not decide the order: "eBay" sorts before "Etsy" and "Mercado Libre". */
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (RelinkProvider) item = g_list_model_get_item (model, i);
      const char *expected[] = { "aliexpress", "amazon-sp-api", "ebay", "etsy", "mercadolibre" };

      g_assert_cmpuint (i, <, G_N_ELEMENTS (expected));
      g_assert_cmpstr (relink_provider_get_id (item), ==, expected[i]);
    }

  /* The registry owns its items; a caller's reference outlives it. */
  g_clear_object (&registry);
  g_assert_cmpstr (relink_provider_get_id (first), ==, "aliexpress");
}

static const GError *
find_error (GPtrArray *errors, const char *file_name)
{
  g_autofree char *needle = g_strdup_printf ("%s: ", file_name);

  for (guint i = 0; i < errors->len; i++)
    {
      const GError *error = g_ptr_array_index (errors, i);

      if (strstr (error->message, needle) != NULL)
        return error;
    }

  return NULL;
}

static void
assert_rejected (
    GPtrArray *errors, const char *file_name, int code, const char *field, const char *reason)
{
  const GError *error = find_error (errors, file_name);

  if (error == NULL)
    g_error ("%s was not rejected", file_name);

  g_test_message ("%s", error->message);
  g_assert_error (error, RELINK_PROVIDER_ERROR, code);
  if (field != NULL)
    {
      g_autofree char *quoted = g_strdup_printf ("field “%s”: ", field);

      g_assert_nonnull (strstr (error->message, quoted));
    }
  g_assert_nonnull (strstr (error->message, reason));
}

static void
test_registry_user_dir (void)
{
  g_autofree char *dir = test_data_path ("providers", NULL);
  g_autoptr (RelinkProviderRegistry) registry = relink_provider_registry_new (dir);
  GPtrArray *errors = relink_provider_registry_get_load_errors (registry);
  RelinkProvider *acme;
  RelinkProvider *zeta;
  RelinkProvider *ebay;
  const RelinkProviderEnvironment *local;
  const char *const *scopes;

  g_assert_cmpstr (relink_provider_registry_get_user_dir (registry), ==, dir);

  /* The good ones load beside the broken ones, as custom profiles. */
  acme = relink_provider_registry_lookup (registry, "acme-market");
  zeta = relink_provider_registry_lookup (registry, "zeta-oidc");
  g_assert_nonnull (acme);
  g_assert_nonnull (zeta);
  g_assert_true (relink_provider_is_custom (acme));
  g_assert_true (g_str_has_suffix (relink_provider_get_origin (acme), "good-custom.json"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (registry)), ==, 5 + 2);
  assert_sorted_list_model (G_LIST_MODEL (registry));

  g_assert_cmpstr (relink_provider_get_name (acme), ==, "Acme Market");
  g_assert_cmpstr (relink_provider_get_icon_name (acme), ==, "emblem-shared-symbolic");
  g_assert_cmpint (relink_provider_get_client_auth (acme), ==, RELINK_CLIENT_AUTH_BASIC);
  g_assert_cmpint (relink_provider_get_pkce (acme), ==, RELINK_PKCE_OPTIONAL);
  g_assert_cmpint (relink_provider_get_redirect_style (acme), ==, RELINK_REDIRECT_STYLE_URI);
  g_assert_cmpstr (relink_provider_get_identity_id_field (acme), ==, "user.id");
  g_assert_cmpint (relink_provider_get_refresh_lifetime (acme), ==, 2592000);
  g_assert_cmpint (relink_provider_get_client_secret_lifetime (acme), ==, 0);
  scopes = relink_provider_get_scopes (acme);
  g_assert_cmpuint (g_strv_length ((char **) scopes), ==, 2);
  g_assert_cmpstr (scopes[0], ==, "openid");
  g_assert_cmpstr (scopes[1], ==, "orders.read");
  /* http is fine on loopback hosts, for test servers. */
  local = relink_provider_get_environment (acme, "local");
  g_assert_false (local->is_production);
  g_assert_cmpstr (local->authorize_url, ==, "http://127.0.0.1:8080/authorize");
  g_assert_cmpstr (local->token_url, ==, "http://localhost:8080/token");
  g_assert_cmpstr (local->identity_url, ==, "http://[::1]:8080/me");
  g_assert_cmpstr (relink_provider_get_keyset_field (acme, "tenant")->authorize_param, ==,
                   "tenant");

  /* Defaults: production unless said, `sub` for OpenID, no scopes needed. */
  g_assert_true (environment_at (zeta, 0)->is_production);
  g_assert_cmpint (relink_provider_get_identity_source (zeta), ==, RELINK_IDENTITY_SOURCE_ID_TOKEN);
  g_assert_cmpstr (relink_provider_get_identity_id_field (zeta), ==, "sub");
  g_assert_null (relink_provider_get_identity_name_field (zeta));
  g_assert_false (relink_provider_get_needs_client_secret (zeta));
  g_assert_cmpint (relink_provider_get_access_lifetime (zeta), ==, 0);
  g_assert_false (relink_provider_get_rotating_refresh (zeta));
  g_assert_cmpuint (relink_provider_get_keyset_fields (zeta)->len, ==, 0);
  g_assert_cmpuint (g_hash_table_size (relink_provider_get_authorize_params (zeta)), ==, 0);

  /* The shipped eBay profile stays the shipped one. */
  ebay = relink_provider_registry_lookup (registry, "ebay");
  g_assert_false (relink_provider_is_custom (ebay));
  g_assert_cmpstr (relink_provider_get_origin (ebay), ==, "ebay.json");

  assert_rejected (errors, "not-json.json", RELINK_PROVIDER_ERROR_PARSE, NULL, "not valid JSON");
  assert_rejected (errors, "missing-token-url.json", RELINK_PROVIDER_ERROR_FIELD,
                   "environments[0].token_url", "is required");
  assert_rejected (errors, "http-url.json", RELINK_PROVIDER_ERROR_FIELD,
                   "environments[1].token_url", "must be an https:// URL");
  assert_rejected (errors, "unknown-client-auth.json", RELINK_PROVIDER_ERROR_FIELD, "client_auth",
                   "“digest” is not one of “basic”, “body”, “none”");
  assert_rejected (errors, "empty-environments.json", RELINK_PROVIDER_ERROR_FIELD, "environments",
                   "at least one environment");
  assert_rejected (errors, "wrong-type-lifetime.json", RELINK_PROVIDER_ERROR_FIELD,
                   "access_lifetime", "must be a whole number of seconds, not a string");
  assert_rejected (errors, "newer-format.json", RELINK_PROVIDER_ERROR_FIELD, "format_version",
                   "update Relink");
  assert_rejected (errors, "bad-id.json", RELINK_PROVIDER_ERROR_FIELD, "id",
                   "“Acme_Market” may only contain lowercase letters");
  assert_rejected (errors, "duplicate-environment.json", RELINK_PROVIDER_ERROR_FIELD,
                   "environments[1].id", "“production” is already used by environments[0]");
  assert_rejected (errors, "endpoint-without-identity-url.json", RELINK_PROVIDER_ERROR_FIELD,
                   "environments[1].identity_url", "when “identity.source” is “endpoint”");
  assert_rejected (errors, "missing-name.json", RELINK_PROVIDER_ERROR_FIELD, "name", "is required");
  assert_rejected (errors, "reserved-authorize-param.json", RELINK_PROVIDER_ERROR_FIELD,
                   "authorize_params.state", "cannot be overridden");
  assert_rejected (errors, "duplicate-ebay.json", RELINK_PROVIDER_ERROR_DUPLICATE, "id",
                   "“ebay” is already used by a profile that comes with Relink");
  assert_rejected (errors, "same-id-as-good.json", RELINK_PROVIDER_ERROR_DUPLICATE, "id",
                   "good-custom.json");

  /* One error per broken file, nothing for notes.txt or the good ones. */
  g_assert_cmpuint (errors->len, ==, 14);

  /* Said to people by file name, without the folder. */
  {
    g_auto (GStrv) sentences = relink_provider_registry_describe_load_errors (registry);

    g_assert_cmpuint (g_strv_length (sentences), ==, 14);
    g_assert_true (g_strv_contains (
        (const char *const *) sentences,
        "http-url.json was skipped: field “environments[1].token_url”: must be an https:// URL "
        "(http:// is only allowed for 127.0.0.1, localhost and [::1])"));
    for (guint i = 0; sentences[i] != NULL; i++)
      g_assert_null (strstr (sentences[i], dir));
  }
  g_assert_null (find_error (errors, "good-custom.json"));
  g_assert_null (find_error (errors, "notes.txt"));
}

/* With no directory given, profiles come from $XDG_CONFIG_HOME/relink/providers
 * (G_TEST_OPTION_ISOLATE_DIRS points it at a fresh temporary directory). */
static void
test_registry_default_dir (void)
{
  g_autofree char *user_dir
      = g_build_filename (g_get_user_config_dir (), "relink", "providers", NULL);
  g_autofree char *source = test_data_path ("providers", "good-oidc.json", NULL);
  g_autofree char *target = g_build_filename (user_dir, "zeta.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (RelinkProviderRegistry) before = relink_provider_registry_new (NULL);
  g_autoptr (RelinkProviderRegistry) after = NULL;
  g_autoptr (GError) error = NULL;

  /* A missing directory is normal, not an error. */
  g_assert_cmpuint (relink_provider_registry_get_load_errors (before)->len, ==, 0);
  g_assert_null (relink_provider_registry_lookup (before, "zeta-oidc"));
  g_assert_cmpstr (relink_provider_registry_get_user_dir (before), ==, user_dir);

  g_assert_true (g_file_get_contents (source, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (user_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (target, contents, -1, &error));
  g_assert_no_error (error);

  after = relink_provider_registry_new (NULL);
  g_assert_cmpuint (relink_provider_registry_get_load_errors (after)->len, ==, 0);
  g_assert_nonnull (relink_provider_registry_lookup (after, "zeta-oidc"));
  g_assert_cmpstr (
      relink_provider_get_origin (relink_provider_registry_lookup (after, "zeta-oidc")), ==,
      target);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (after)), ==, 6);

  g_assert_cmpint (g_remove (target), ==, 0);
}

/* Smaller cases straight through the parser. */

#define MINIMAL_PREFIX                                                                             \
  "{\"format_version\": 1, \"id\": \"mini\", \"name\": \"Mini\", \"client_auth\": \"body\", "      \
  "\"identity\": {\"source\": \"redirect\", \"id_field\": \"uid\"}, "
#define MINIMAL_ENVIRONMENTS                                                                       \
  "\"environments\": [{\"id\": \"production\", \"name\": \"Production\", "                         \
  "\"authorize_url\": \"https://m.example/authorize\", \"token_url\": "                            \
  "\"https://m.example/token\"}]"

static void
test_parse_minimal (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkProvider) provider = NULL;

  provider = relink_provider_new_from_json (MINIMAL_PREFIX MINIMAL_ENVIRONMENTS "}", -1,
                                            "mini.json", &error);
  g_assert_no_error (error);
  g_assert_nonnull (provider);
  g_assert_true (relink_provider_is_custom (provider));
  g_assert_cmpstr (relink_provider_get_origin (provider), ==, "mini.json");
  /* Defaults. */
  g_assert_cmpint (relink_provider_get_pkce (provider), ==, RELINK_PKCE_NONE);
  g_assert_cmpint (relink_provider_get_redirect_style (provider), ==, RELINK_REDIRECT_STYLE_URI);
  g_assert_true (relink_provider_get_needs_client_secret (provider));
  g_assert_cmpuint (g_strv_length ((char **) relink_provider_get_scopes (provider)), ==, 0);
  g_assert_nonnull (relink_provider_get_icon_name (provider));
  g_assert_finalize_object (g_steal_pointer (&provider));

  /* The same text as a shipped profile is not custom. */
  provider = relink_provider_new_from_json_full (MINIMAL_PREFIX MINIMAL_ENVIRONMENTS "}", -1,
                                                 "mini.json", FALSE, &error);
  g_assert_no_error (error);
  g_assert_false (relink_provider_is_custom (provider));
}

static void
test_parse_errors (void)
{
  const struct
  {
    const char *json;
    int code;
    const char *message;
  } cases[] = {
    { "", RELINK_PROVIDER_ERROR_PARSE, "case.json: the file is empty" },
    { "{\"format_version\": 1,", RELINK_PROVIDER_ERROR_PARSE, "case.json: not valid JSON: " },
    { "[1, 2]", RELINK_PROVIDER_ERROR_PARSE, "case.json: a profile must be a JSON object" },
    { "{\"id\": \"x\"}", RELINK_PROVIDER_ERROR_FIELD,
      "case.json: field “format_version”: is required" },
    { "{\"format_version\": \"1\"}", RELINK_PROVIDER_ERROR_FIELD,
      "field “format_version”: must be a whole number, not a string" },
    { "{\"format_version\": 1, \"id\": 5}", RELINK_PROVIDER_ERROR_FIELD,
      "field “id”: must be a string, not an integer" },
    { MINIMAL_PREFIX "\"pkce\": \"sometimes\", " MINIMAL_ENVIRONMENTS "}",
      RELINK_PROVIDER_ERROR_FIELD, "field “pkce”: “sometimes” is not one of" },
    { MINIMAL_PREFIX "\"redirect_style\": \"url\", " MINIMAL_ENVIRONMENTS "}",
      RELINK_PROVIDER_ERROR_FIELD, "field “redirect_style”: “url” is not one of" },
    { MINIMAL_PREFIX "\"rotating_refresh\": \"yes\", " MINIMAL_ENVIRONMENTS "}",
      RELINK_PROVIDER_ERROR_FIELD, "field “rotating_refresh”: must be true or false" },
    { MINIMAL_PREFIX "\"refresh_lifetime\": -1, " MINIMAL_ENVIRONMENTS "}",
      RELINK_PROVIDER_ERROR_FIELD, "field “refresh_lifetime”: must not be negative" },
    { MINIMAL_PREFIX "\"access_lifetime\": 3600.5, " MINIMAL_ENVIRONMENTS "}",
      RELINK_PROVIDER_ERROR_FIELD, "field “access_lifetime”: must be a whole number of seconds" },
    { MINIMAL_PREFIX "\"scopes\": \"read write\", " MINIMAL_ENVIRONMENTS "}",
      RELINK_PROVIDER_ERROR_FIELD, "field “scopes”: must be an array, not a string" },
    { MINIMAL_PREFIX "\"scopes\": [\"read write\"], " MINIMAL_ENVIRONMENTS "}",
      RELINK_PROVIDER_ERROR_FIELD, "field “scopes[0]”: must not contain spaces" },
    { MINIMAL_PREFIX "\"authorize_params\": {\"prompt\": true}, " MINIMAL_ENVIRONMENTS "}",
      RELINK_PROVIDER_ERROR_FIELD, "field “authorize_params.prompt”: must be a string" },
    { MINIMAL_PREFIX "\"environments\": {}}", RELINK_PROVIDER_ERROR_FIELD,
      "field “environments”: must be an array, not an object" },
    { MINIMAL_PREFIX
      "\"environments\": [{\"id\": \"p\", \"name\": \"P\", "
      "\"authorize_url\": \"ftp://m.example/a\", \"token_url\": \"https://m.example/t\"}]}",
      RELINK_PROVIDER_ERROR_FIELD,
      "field “environments[0].authorize_url”: must be an https:// URL" },
    { MINIMAL_PREFIX "\"environments\": [{\"id\": \"p\", \"name\": \"P\", "
                     "\"authorize_url\": \"not a url\", \"token_url\": \"https://m.example/t\"}]}",
      RELINK_PROVIDER_ERROR_FIELD,
      "field “environments[0].authorize_url”: must be an https:// URL" },
    { MINIMAL_PREFIX "\"environments\": [{\"id\": \"p\", \"name\": \"P\", "
                     "\"authorize_url\": \"http://127.0.0.1.evil.example/a\", \"token_url\": "
                     "\"https://m.example/t\"}]}",
      RELINK_PROVIDER_ERROR_FIELD,
      "field “environments[0].authorize_url”: must be an https:// URL (http:// is only allowed" },
    { MINIMAL_PREFIX
      "\"environments\": [{\"id\": \"p\", \"name\": \"P\", \"authorize_url\": "
      "\"https://m.example/a?x=1&state=fixed\", \"token_url\": \"https://m.example/t\"}]}",
      RELINK_PROVIDER_ERROR_FIELD,
      "field “environments[0].authorize_url”: must not set “state” in its query: Relink sets it "
      "itself" },
    { MINIMAL_PREFIX
      "\"environments\": [{\"id\": \"p\", \"name\": \"P\", \"authorize_url\": "
      "\"https://m.example/a?redirect_%75ri=x\", \"token_url\": \"https://m.example/t\"}]}",
      RELINK_PROVIDER_ERROR_FIELD,
      "field “environments[0].authorize_url”: must not set “redirect_uri” in its query" },
    { MINIMAL_PREFIX
      "\"environments\": [{\"id\": \"p\", \"name\": \"P\", \"production\": 1, "
      "\"authorize_url\": \"https://m.example/a\", \"token_url\": \"https://m.example/t\"}]}",
      RELINK_PROVIDER_ERROR_FIELD, "field “environments[0].production”: must be true or false" },
    { MINIMAL_PREFIX "\"environments\": [{\"id\": \"p\", \"name\": \"P\", \"authorize_url\": "
                     "\"https://m.example/a\", \"token_url\": \"https://m.example/t\", "
                     "\"revoke_application_url\": \"https://m.example/apps/{client_id}\"}]}",
      RELINK_PROVIDER_ERROR_FIELD,
      "field “environments[0].revoke_application_url”: must contain {user_id}" },
    { MINIMAL_PREFIX
      "\"environments\": [{\"id\": \"p\", \"name\": \"P\", \"authorize_url\": "
      "\"https://m.example/a\", \"token_url\": \"https://m.example/t\", "
      "\"revoke_application_url\": \"https://m.example/users/{user_id}/apps/{app_id}\"}]}",
      RELINK_PROVIDER_ERROR_FIELD,
      "field “environments[0].revoke_application_url”: may only contain {user_id} and "
      "{client_id} in braces" },
    { MINIMAL_PREFIX "\"environments\": [{\"id\": \"p\", \"name\": \"P\", \"authorize_url\": "
                     "\"https://m.example/a\", \"token_url\": \"https://m.example/t\", "
                     "\"revoke_application_url\": \"http://m.example/users/{user_id}\"}]}",
      RELINK_PROVIDER_ERROR_FIELD,
      "field “environments[0].revoke_application_url”: must be an https:// URL (http:// is only "
      "allowed" },
    { MINIMAL_PREFIX "\"environments\": [\"production\"]}", RELINK_PROVIDER_ERROR_FIELD,
      "field “environments[0]”: must be an object, not a string" },
    { MINIMAL_PREFIX
      "\"keyset_fields\": [{\"id\": \"client_secret\", \"label\": \"S\"}], " MINIMAL_ENVIRONMENTS
      "}",
      RELINK_PROVIDER_ERROR_FIELD,
      "field “keyset_fields[0].id”: “client_secret” is part of every keyset" },
    { MINIMAL_PREFIX "\"keyset_fields\": [{\"id\": \"tenant\"}], " MINIMAL_ENVIRONMENTS "}",
      RELINK_PROVIDER_ERROR_FIELD, "field “keyset_fields[0].label”: is required" },
    { MINIMAL_PREFIX "\"keyset_fields\": [{\"id\": \"a\", \"label\": \"A\"}, {\"id\": \"a\", "
                     "\"label\": \"B\"}], " MINIMAL_ENVIRONMENTS "}",
      RELINK_PROVIDER_ERROR_FIELD, "field “keyset_fields[1].id”: “a” is already used" },
    { MINIMAL_PREFIX "\"keyset_fields\": [{\"id\": \"k\", \"label\": \"K\", \"secret\": true, "
                     "\"authorize_param\": \"k\"}], " MINIMAL_ENVIRONMENTS "}",
      RELINK_PROVIDER_ERROR_FIELD,
      "field “keyset_fields[0].authorize_param”: cannot be used for a secret" },
    { "{\"format_version\": 1, \"id\": \"m\", \"name\": \"M\", \"client_auth\": \"body\", "
      "\"identity\": {\"source\": \"redirect\"}, " MINIMAL_ENVIRONMENTS "}",
      RELINK_PROVIDER_ERROR_FIELD, "field “identity.id_field”: is required" },
    { "{\"format_version\": 1, \"id\": \"m\", \"name\": \"M\", \"client_auth\": \"body\", "
      "\"identity\": {\"source\": \"whoami\", \"id_field\": \"x\"}, " MINIMAL_ENVIRONMENTS "}",
      RELINK_PROVIDER_ERROR_FIELD, "field “identity.source”: “whoami” is not one of" },
    { "{\"format_version\": 1, \"id\": \"m\", \"name\": \"M\", \"client_auth\": "
      "\"body\", " MINIMAL_ENVIRONMENTS "}",
      RELINK_PROVIDER_ERROR_FIELD, "field “identity”: is required" },
    { "{\"format_version\": 1, \"id\": \"m\", \"name\": \"M\", \"client_auth\": \"none\", "
      "\"identity\": {\"source\": \"redirect\", \"id_field\": \"uid\"}, " MINIMAL_ENVIRONMENTS "}",
      RELINK_PROVIDER_ERROR_FIELD, "field “pkce”: must be “optional” or “required”" },
    { MINIMAL_PREFIX "\"needs_client_secret\": false, " MINIMAL_ENVIRONMENTS "}",
      RELINK_PROVIDER_ERROR_FIELD, "field “needs_client_secret”: can only be false" },
    { "{\"format_version\": 1, \"id\": \"m\", \"name\": \"M\", "
      "\"identity\": {\"source\": \"redirect\", \"id_field\": \"uid\"}, " MINIMAL_ENVIRONMENTS "}",
      RELINK_PROVIDER_ERROR_FIELD, "field “client_auth”: is required" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (RelinkProvider) provider = NULL;

      provider = relink_provider_new_from_json (cases[i].json, -1, "case.json", &error);
      g_test_message ("case %u: %s", i, error != NULL ? error->message : "(accepted)");
      g_assert_null (provider);
      g_assert_error (error, RELINK_PROVIDER_ERROR, cases[i].code);
      g_assert_true (g_str_has_prefix (error->message, "case.json: "));
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/providers/shipped/load", test_shipped_load);
  g_test_add_func ("/providers/shipped/ebay", test_shipped_ebay);
  g_test_add_func ("/providers/shipped/amazon", test_shipped_amazon);
  g_test_add_func ("/providers/shipped/aliexpress", test_shipped_aliexpress);
  g_test_add_func ("/providers/shipped/etsy", test_shipped_etsy);
  g_test_add_func ("/providers/shipped/mercadolibre", test_shipped_mercadolibre);
  g_test_add_func ("/providers/registry/list-model", test_registry_list_model);
  g_test_add_func ("/providers/registry/user-dir", test_registry_user_dir);
  g_test_add_func ("/providers/registry/default-dir", test_registry_default_dir);
  g_test_add_func ("/providers/parse/minimal", test_parse_minimal);
  g_test_add_func ("/providers/parse/errors", test_parse_errors);

  return g_test_run ();
}
