/* fuzz-identity.c: a who-am-I answer (relink_token_response_parse_identity)
 * for every profile. Guarantees: no crash; an accepted identity has a
 * non-empty id and a name of at most 256 bytes in clean text; a refusal
 * is a RELINK_OAUTH_ERROR that quotes nothing of the answer.
 *
 * Input: byte 0 picks the profile; the rest is the body.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "relink-token-response.h"

RELINK_FUZZ_ENTRY (identity)
{
  g_autoptr (RelinkIdentity) identity = NULL;
  g_autoptr (GError) error = NULL;

  if (size < 1)
    return 0;

  identity = relink_token_response_parse_identity (relink_fuzz_provider (data[0]),
                                                   (const char *) data + 1, size - 1, &error);
  if (identity == NULL)
    {
      g_assert_true (error != NULL && error->domain == RELINK_OAUTH_ERROR);
      relink_fuzz_assert_clean_text (error->message);
      relink_fuzz_assert_not_quoted (error->message, data + 1, size - 1);
      return 0;
    }

  g_assert_no_error (error);
  g_assert_cmpstr (relink_identity_get_id (identity), !=, "");
  g_assert_cmpuint (strlen (relink_identity_get_id (identity)), <=, 256);
  g_assert_cmpuint (strlen (relink_identity_get_name (identity)), <=, 256);
  relink_fuzz_assert_clean_text (relink_identity_get_id (identity));
  relink_fuzz_assert_clean_text (relink_identity_get_name (identity));

  return 0;
}
