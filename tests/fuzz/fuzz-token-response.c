/* fuzz-token-response.c: a marketplace's 2xx token answer
 * (relink_token_response_parse) for every shipped profile and a custom
 * OpenID one. Guarantees: no crash; a refusal is a RELINK_OAUTH_ERROR
 * that does not repeat the answer's tokens, and the previous set is left
 * as it was; an accepted set has a usable access token, expiries that are
 * 0 or in the next century (no overflow), and makes the keyring JSON
 * round trip: written, read back and equal, as Relink reads its items.
 *
 * Input: byte 0 picks the profile, byte 1 the call and whether a stored
 * set is being refreshed; the rest is the body.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "relink-json.h"
#include "relink-token-response.h"

#define NOW G_GINT64_CONSTANT (1700000000)
#define CENTURY ((gint64) 100 * 366 * 24 * 3600)

/* Token strings that occur once in the body must not be in a message. */
static void
assert_tokens_not_quoted (const char *message, const uint8_t *body, size_t length)
{
  static const char *const members[] = { "access_token", "refresh_token" };
  g_autoptr (JsonNode) root = relink_json_parse_object ((const char *) body, (gssize) length, 0,
                                                        RELINK_JSON_MAX_DEPTH, NULL);

  if (root == NULL)
    {
      relink_fuzz_assert_not_quoted (message, body, length);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      JsonNode *node = json_object_get_member (json_node_get_object (root), members[i]);
      const char *token;
      const char *first;

      if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
          || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      token = json_node_get_string (node);
      if (strlen (token) < 6)
        continue;
      first = memmem (body, length, token, strlen (token));
      if (first != NULL
          && memmem (first + 1, length - (first + 1 - (const char *) body), token, strlen (token))
                 == NULL
          && strstr (message, token) != NULL)
        g_error ("the message repeats a token: %s", message);
    }
}

static void
assert_time (gint64 at)
{
  g_assert_true (at == 0 || (at > NOW - CENTURY && at <= NOW + CENTURY));
}

static void
assert_same (RelinkTokenSet *a, RelinkTokenSet *b)
{
  g_assert_cmpstr (relink_token_set_get_access_token (a), ==,
                   relink_token_set_get_access_token (b));
  g_assert_cmpstr (relink_token_set_get_refresh_token (a), ==,
                   relink_token_set_get_refresh_token (b));
  g_assert_cmpstr (relink_token_set_get_token_type (a), ==, relink_token_set_get_token_type (b));
  g_assert_cmpstr (relink_token_set_get_scope (a), ==, relink_token_set_get_scope (b));
  g_assert_cmpint (relink_token_set_get_issued_at (a), ==, relink_token_set_get_issued_at (b));
  g_assert_cmpint (relink_token_set_get_access_expires_at (a), ==,
                   relink_token_set_get_access_expires_at (b));
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (a), ==,
                   relink_token_set_get_refresh_expires_at (b));
}

RELINK_FUZZ_ENTRY (token_response)
{
  static const RelinkOAuthCall calls[] = { RELINK_OAUTH_CALL_CODE, RELINK_OAUTH_CALL_REFRESH };
  g_autoptr (RelinkTokenSet) previous = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkTokenSet) back = NULL;
  g_autoptr (RelinkIdentity) identity = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *json = NULL;
  RelinkProvider *provider;
  RelinkOAuthCall call;

  if (size < 2)
    return 0;

  provider = relink_fuzz_provider (data[0]);
  call = calls[data[1] & 1];
  if (call == RELINK_OAUTH_CALL_REFRESH)
    {
      previous = relink_token_set_new ();
      relink_token_set_set_access_token (previous, "OLDACCESS");
      relink_token_set_set_refresh_token (previous, "OLDREFRESH");
      relink_token_set_set_token_type (previous, "Bearer");
      relink_token_set_set_issued_at (previous, NOW - 7200);
      relink_token_set_set_access_expires_at (previous, NOW - 3600);
      relink_token_set_set_refresh_expires_at (previous, NOW + 86400);
      before = relink_token_set_to_json (previous);
    }

  tokens = relink_token_response_parse (provider, call, (const char *) data + 2, size - 2, previous,
                                        "scope-a scope-b", NOW, (data[1] & 2) ? &identity : NULL,
                                        &error);
  if (previous != NULL)
    {
      g_autofree char *after = relink_token_set_to_json (previous);

      g_assert_cmpstr (before, ==, after);
    }

  if (tokens == NULL)
    {
      g_assert_true (error != NULL && error->domain == RELINK_OAUTH_ERROR);
      relink_fuzz_assert_clean_text (error->message);
      assert_tokens_not_quoted (error->message, data + 2, size - 2);
      return 0;
    }

  g_assert_no_error (error);
  g_assert_nonnull (relink_token_set_get_access_token (tokens));
  for (const char *p = relink_token_set_get_access_token (tokens); *p != '\0'; p++)
    g_assert_true ((guchar) *p > 0x20 && (guchar) *p < 0x7f);
  g_assert_cmpint (relink_token_set_get_issued_at (tokens), ==, NOW);
  assert_time (relink_token_set_get_access_expires_at (tokens));
  assert_time (relink_token_set_get_refresh_expires_at (tokens));
  if (identity != NULL)
    {
      relink_fuzz_assert_clean_text (relink_identity_get_id (identity));
      relink_fuzz_assert_clean_text (relink_identity_get_name (identity));
    }

  /* What Relink stores it must read back (relink-secrets.c refuses
   * items that are not UTF-8 or hold a NUL). */
  json = relink_token_set_to_json (tokens);
  g_assert_true (g_utf8_validate (json, -1, NULL));
  back = relink_token_set_new_from_json (json, &error);
  g_assert_no_error (error);
  assert_same (tokens, back);

  return 0;
}
