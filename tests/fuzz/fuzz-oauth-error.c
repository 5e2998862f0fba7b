/* fuzz-oauth-error.c: a failed answer's body and status
 * (relink_token_response_parse_error). Guarantees: no crash; always a
 * RELINK_OAUTH_ERROR with a short message in clean text (the server's
 * own reason is sanitised and cut); a 429 is RATE_LIMITED; a token
 * string that occurs once in the body is never repeated.
 *
 * Input: byte 0 picks the profile, byte 1 the call, bytes 2–3 the HTTP
 * status (100–599 or 0), the rest is the body.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "relink-token-response.h"

RELINK_FUZZ_ENTRY (oauth_error)
{
  static const RelinkOAuthCall calls[] = { RELINK_OAUTH_CALL_CODE, RELINK_OAUTH_CALL_REFRESH,
                                           RELINK_OAUTH_CALL_IDENTITY, RELINK_OAUTH_CALL_REVOKE };
  g_autoptr (GError) error = NULL;
  RelinkProvider *provider;
  guint status;
  const char *body;
  gsize length;

  if (size < 4)
    return 0;

  provider = relink_fuzz_provider (data[0]);
  status = ((guint) data[2] << 8 | data[3]) % 600;
  if (status < 100)
    status = 0;
  body = (const char *) data + 4;
  length = size - 4;

  error = relink_token_response_parse_error (provider, calls[data[1] % G_N_ELEMENTS (calls)],
                                             status, body, length, data[1] >> 2);
  g_assert_nonnull (error);
  g_assert_true (error->domain == RELINK_OAUTH_ERROR);
  relink_fuzz_assert_clean_text (error->message);
  /* A provider name, fixed words and at most 200 characters of reason. */
  g_assert_cmpuint (g_utf8_strlen (error->message, -1), <, 800);
  if (status == 429)
    g_assert_cmpint (error->code, ==, RELINK_OAUTH_ERROR_RATE_LIMITED);

  return 0;
}
