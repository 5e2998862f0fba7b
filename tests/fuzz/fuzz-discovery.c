/* fuzz-discovery.c: an OpenID Connect discovery document
 * (relink_provider_discovery_parse) fetched for https://login.example.com.
 * Guarantees: no crash; a refusal is a RELINK_OAUTH_ERROR or
 * RELINK_PROVIDER_ERROR in clean text; an accepted document names the
 * issuer, gives a profile whose JSON reads back as the same profile, and
 * whose endpoints are all https:// without a #fragment.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "relink-oauth-error.h"
#include "relink-uri.h"
#include "relink-provider-discovery.h"

#define ISSUER "https://login.example.com"

static void
assert_endpoint (const char *url)
{
  if (url == NULL)
    return;
  g_assert_true (relink_uri_is_secure (url));
  g_assert_null (strchr (url, '#'));
}

RELINK_FUZZ_ENTRY (discovery)
{
  g_autoptr (RelinkProvider) provider = NULL;
  g_autoptr (RelinkProvider) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;
  GPtrArray *environments;

  provider
      = relink_provider_discovery_parse (ISSUER, NULL, (const char *) data, size, &json, &error);
  if (provider == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == RELINK_OAUTH_ERROR || error->domain == RELINK_PROVIDER_ERROR);
      relink_fuzz_assert_clean_text (error->message);
      g_assert_null (json);
      return 0;
    }

  g_assert_no_error (error);
  g_assert_nonnull (json);
  again = relink_provider_new_from_json (json, -1, "again", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_provider_get_id (again), ==, relink_provider_get_id (provider));

  environments = relink_provider_get_environments (provider);
  g_assert_cmpuint (environments->len, ==, 1);
  for (guint i = 0; i < environments->len; i++)
    {
      const RelinkProviderEnvironment *env = g_ptr_array_index (environments, i);

      assert_endpoint (env->authorize_url);
      assert_endpoint (env->token_url);
      assert_endpoint (env->revoke_url);
      assert_endpoint (env->identity_url);
    }

  return 0;
}
