/* fuzz-redirect.c: the redirect that ends a sign-in
 * (relink_auth_request_matches_redirect, relink_auth_request_parse_redirect)
 * for every profile. The literal STATE in the input is replaced by the
 * request's random state, so that the fuzzer reaches the accepting paths.
 * Guarantees: no crash; only an address that matches the expected
 * redirect is accepted, with the request's state and a non-empty code,
 * and only once; a refusal is a RELINK_OAUTH_ERROR in clean text that
 * never repeats the state.
 *
 * Input: byte 0 picks the profile; the rest is the address.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "relink-auth-request.h"

#define REDIRECT "https://127.0.0.1:8765/callback"

static guint
count (const char *text, const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* How many query items are exactly state=STATE. */
static guint
n_state_params (const char *uri)
{
  const char *query = strchr (uri, '?');
  g_autofree char *copy = NULL;
  g_auto (GStrv) items = NULL;
  guint n = 0;

  if (query == NULL)
    return 0;
  copy = g_strdup (query + 1);
  if (strchr (copy, '#') != NULL)
    *strchr (copy, '#') = '\0';
  items = g_strsplit (copy, "&", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      if (g_str_equal (g_strstrip (items[i]), "state=STATE"))
        n++;
    }
  return n;
}

RELINK_FUZZ_ENTRY (redirect)
{
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new ("keyset-1");
  g_autoptr (RelinkAuthRequest) request = NULL;
  g_autoptr (RelinkAuthResponse) response = NULL;
  g_autoptr (RelinkAuthResponse) replayed = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) uri = NULL;
  g_autofree char *stripped = NULL;
  g_autofree char *input = NULL;
  RelinkProvider *provider;
  const RelinkProviderEnvironment *env;
  const char *state;
  gboolean matches;

  if (size < 1)
    return 0;

  provider = relink_fuzz_provider (data[0]);
  env = g_ptr_array_index (relink_provider_get_environments (provider), 0);
  relink_keyset_set_provider_id (keyset, relink_provider_get_id (provider));
  relink_keyset_set_provider (keyset, provider);
  relink_keyset_set_environment (keyset, env->id);
  relink_keyset_set_client_id (keyset, "fuzz-client");
  if (relink_provider_get_redirect_style (provider) == RELINK_REDIRECT_STYLE_RUNAME)
    {
      relink_keyset_set_redirect (keyset, "Shop_Owner-ShopOwne-Relink-abcdef");
      relink_keyset_set_extra (keyset, "accepted_url", REDIRECT);
    }
  else
    {
      relink_keyset_set_redirect (keyset, REDIRECT);
    }
  relink_keyset_set_extra (keyset, "application_id", "amzn1.sp.solution.0123");

  request = relink_auth_request_new (provider, keyset, NULL, &error);
  g_assert_no_error (error);
  state = relink_auth_request_get_state (request);

  uri = g_string_new_len ((const char *) data + 1, (gssize) size - 1);
  /* Up to the first NUL, as a C string. */
  g_string_truncate (uri, strlen (uri->str));
  input = g_strdup (uri->str);
  g_string_replace (uri, "STATE", state, 0);
  stripped = g_strstrip (g_strdup (uri->str));

  matches = relink_auth_request_matches_redirect (request, stripped);
  response = relink_auth_request_parse_redirect (request, uri->str, &error);
  /* Only the expected address uses up the attempt. */
  g_assert_cmpint (relink_auth_request_get_used (request), ==, matches);

  if (response == NULL)
    {
      g_assert_true (error != NULL && error->domain == RELINK_OAUTH_ERROR);
      if (!matches)
        g_assert_cmpint (error->code, ==, RELINK_OAUTH_ERROR_WRONG_REDIRECT);
      relink_fuzz_assert_clean_text (error->message);
      /* The marketplace's own error text is quoted (sanitised); the
       * state must not be, unless the address put it there too. */
      if (count (input, "STATE") == n_state_params (input))
        g_assert_null (strstr (error->message, state));
      return 0;
    }

  g_assert_no_error (error);
  g_assert_true (matches);
  g_assert_cmpstr (relink_auth_response_get_param (response, "state"), ==, state);
  g_assert_nonnull (relink_auth_response_get_code (response));
  g_assert_cmpstr (relink_auth_response_get_code (response), !=, "");

  /* Single use: the same answer a second time is refused. */
  replayed = relink_auth_request_parse_redirect (request, uri->str, &error);
  g_assert_null (replayed);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_ALREADY_USED);

  return 0;
}
