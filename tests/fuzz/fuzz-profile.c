/* fuzz-profile.c: provider profiles (relink_provider_new_from_json), the
 * files a user drops into the providers folder. Guarantees: no crash; a
 * refusal is a RELINK_PROVIDER_ERROR in clean text; an accepted profile
 * has lifetimes of at most a century (expiry sums cannot overflow), at
 * least one environment, OAuth endpoints that are https:// (or http:// on
 * loopback) without a #fragment, and a consent URL that carries the
 * request's state when a sign-in can be started from it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "relink-auth-request.h"
#include "relink-oauth-error.h"

#define CENTURY ((gint64) 100 * 366 * 24 * 3600)

static void
assert_endpoint (const char *url, gboolean required)
{
  if (url == NULL)
    {
      g_assert_false (required);
      return;
    }

  g_assert_true (g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://")
                 || g_ascii_strncasecmp (url, "https://", 8) == 0
                 || g_ascii_strncasecmp (url, "http://", 7) == 0);
  g_assert_null (strchr (url, '#'));
  g_assert_true (g_utf8_validate (url, -1, NULL));
}

/* Starts a sign-in as the add-account dialog would: the consent URL must
 * parse and carry exactly the request's state. */
static void
check_consent_url (RelinkProvider *provider, const RelinkProviderEnvironment *env)
{
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new ("keyset-1");
  g_autoptr (RelinkAuthRequest) request = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GUri) uri = NULL;
  g_auto (GStrv) items = NULL;
  guint n_states = 0;
  const char *query;

  relink_keyset_set_provider_id (keyset, relink_provider_get_id (provider));
  relink_keyset_set_provider (keyset, provider);
  relink_keyset_set_environment (keyset, env->id);
  relink_keyset_set_client_id (keyset, "fuzz-client");
  relink_keyset_set_redirect (keyset, "https://127.0.0.1:8765/callback");

  request = relink_auth_request_new (provider, keyset, NULL, &error);
  if (request == NULL)
    {
      g_assert_true (error->domain == RELINK_OAUTH_ERROR);
      relink_fuzz_assert_clean_text (error->message);
      return;
    }

  uri = g_uri_parse (relink_auth_request_get_authorize_url (request), G_URI_FLAGS_ENCODED, &error);
  g_assert_no_error (error);
  g_assert_null (g_uri_get_fragment (uri));
  query = g_uri_get_query (uri);
  g_assert_nonnull (query);

  /* Exactly one state, the request's: a profile's own query cannot add
   * another. (A query item without "=" is the profile's business.) */
  items = g_strsplit (query, "&", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      if (g_str_has_prefix (items[i], "state="))
        {
          g_autofree char *value = g_uri_unescape_string (items[i] + 6, NULL);

          g_assert_cmpstr (value, ==, relink_auth_request_get_state (request));
          n_states++;
        }
    }
  g_assert_cmpuint (n_states, ==, 1);
}

RELINK_FUZZ_ENTRY (profile)
{
  g_autoptr (RelinkProvider) provider = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *environments;

  provider
      = relink_provider_new_from_json ((const char *) data, (gssize) size, "fuzz.json", &error);
  if (provider == NULL)
    {
      g_assert_true (error != NULL && error->domain == RELINK_PROVIDER_ERROR);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }

  g_assert_no_error (error);
  g_assert_cmpint (relink_provider_get_access_lifetime (provider), >=, 0);
  g_assert_cmpint (relink_provider_get_access_lifetime (provider), <=, CENTURY);
  g_assert_cmpint (relink_provider_get_refresh_lifetime (provider), >=, 0);
  g_assert_cmpint (relink_provider_get_refresh_lifetime (provider), <=, CENTURY);
  g_assert_cmpint (relink_provider_get_client_secret_lifetime (provider), >=, 0);
  g_assert_cmpint (relink_provider_get_client_secret_lifetime (provider), <=, CENTURY);
  g_assert_true (g_utf8_validate (relink_provider_get_name (provider), -1, NULL));

  environments = relink_provider_get_environments (provider);
  g_assert_cmpuint (environments->len, >, 0);
  for (guint i = 0; i < environments->len; i++)
    {
      const RelinkProviderEnvironment *env = g_ptr_array_index (environments, i);

      assert_endpoint (env->authorize_url, TRUE);
      assert_endpoint (env->token_url, TRUE);
      assert_endpoint (env->refresh_url, FALSE);
      assert_endpoint (env->revoke_url, FALSE);
      assert_endpoint (env->identity_url, FALSE);
      if (i == 0)
        check_consent_url (provider, env);
    }

  return 0;
}
