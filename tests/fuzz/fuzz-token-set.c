/* fuzz-token-set.c: a keyring item as Relink reads it
 * (relink_token_set_new_from_json, after relink-secrets.c's UTF-8 and NUL
 * check). Guarantees: no crash; a refusal is one fixed message that
 * quotes nothing; an accepted set writes back to JSON that reads as the
 * same set, with times between 0 and the year 9999.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "fuzz-common.h"
#include "relink-token-set.h"

RELINK_FUZZ_ENTRY (token_set)
{
  g_autofree char *text = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkTokenSet) back = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json_again = NULL;

  /* relink-secrets.c hands over only UTF-8 without NUL. */
  if (memchr (data, '\0', size) != NULL || !g_utf8_validate ((const char *) data, size, NULL))
    return 0;

  text = relink_fuzz_string (data, size);
  tokens = relink_token_set_new_from_json (text, &error);
  if (tokens == NULL)
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      relink_fuzz_assert_not_quoted (error->message, data, size);
      return 0;
    }

  g_assert_no_error (error);
  g_assert_cmpint (relink_token_set_get_issued_at (tokens), >=, 0);
  g_assert_cmpint (relink_token_set_get_access_expires_at (tokens), >=, 0);
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (tokens), >=, 0);
  g_assert_cmpint (relink_token_set_get_access_expires_at (tokens), <=, 253402300799);
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (tokens), <=, 253402300799);

  json = relink_token_set_to_json (tokens);
  g_assert_true (g_utf8_validate (json, -1, NULL));
  back = relink_token_set_new_from_json (json, &error);
  g_assert_no_error (error);
  json_again = relink_token_set_to_json (back);
  g_assert_cmpstr (json, ==, json_again);
  g_assert_cmpstr (relink_token_set_get_access_token (tokens), ==,
                   relink_token_set_get_access_token (back));
  g_assert_cmpstr (relink_token_set_get_refresh_token (tokens), ==,
                   relink_token_set_get_refresh_token (back));
  g_assert_cmpstr (relink_token_set_get_scope (tokens), ==, relink_token_set_get_scope (back));

  relink_secret_free (g_steal_pointer (&json));
  relink_secret_free (g_steal_pointer (&json_again));
  return 0;
}
