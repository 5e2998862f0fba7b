/* relink-token-response.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "relink-json.h"
#include "relink-oauth-client.h"
#include "relink-token-response.h"
#include "relink-token-set.h"

/* Lifetimes beyond this are nonsense (or an overflow trick) and are
 * treated as not stated. */
#define MAX_LIFETIME ((gint64) 20 * 365 * 24 * 3600)
#define MAX_ERROR_TEXT 200
#define MAX_IDENTITY_LENGTH 256
#define MAX_TOKEN_TYPE_LENGTH 64
#define MAX_SCOPE_LENGTH 8192


static void
wipe_node (JsonNode *root)
{
  relink_json_node_wipe (root);
  json_node_unref (root);
}

typedef JsonNode WipingNode;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WipingNode, wipe_node)

/* The answer's object, or NULL (and @root untouched) when the body is not
 * a JSON object within the limits. relink_json_parse() never quotes the
 * text, which may be a token; its message is dropped all the same in
 * favour of the callers' own. */
static JsonObject *
parse_object (WipingNode **root, const char *body, gsize length)
{
  if (body == NULL || length == 0 || length > RELINK_OAUTH_MAX_RESPONSE_SIZE)
    return NULL;

  *root = relink_json_parse_object (body, (gssize) length, RELINK_OAUTH_MAX_RESPONSE_SIZE,
                                    RELINK_JSON_MAX_DEPTH, NULL);
  if (*root == NULL)
    return NULL;

  return json_node_get_object (*root);
}

static JsonNode *
get_value (JsonObject *object, const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  return node;
}

/* A string member, NULL when absent, null or not a string. */
static const char *
get_string (JsonObject *object, const char *name)
{
  JsonNode *node = get_value (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* An integer member that may arrive as a number, a float or a string of
 * digits (AliExpress). */
static gboolean
get_lenient_int (JsonObject *object, const char *name, gint64 *out)
{
  JsonNode *node = get_value (object, name);
  GType type;

  if (node == NULL)
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }

  if (type == G_TYPE_DOUBLE)
    {
      double value = json_node_get_double (node);

      if (!isfinite (value) || value < (double) G_MININT64 || value > (double) G_MAXINT64 / 2)
        return FALSE;
      *out = (gint64) value;
      return TRUE;
    }

  if (type == G_TYPE_STRING)
    {
      g_autofree char *text = g_strstrip (g_strdup (json_node_get_string (node)));
      guint64 value;

      if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &value, NULL))
        return FALSE;
      *out = (gint64) value;
      return TRUE;
    }

  return FALSE;
}

/* A relative lifetime in seconds, if stated and sane. */
static gboolean
get_lifetime (JsonObject *object, const char *name, gint64 *out)
{
  gint64 value;

  if (!get_lenient_int (object, name, &value) || value <= 0 || value > MAX_LIFETIME)
    return FALSE;

  *out = value;
  return TRUE;
}

/* An absolute moment in epoch milliseconds (AliExpress), as unix seconds. */
static gboolean
get_epoch_ms (JsonObject *object, const char *name, gint64 now, gint64 *out)
{
  gint64 value;

  if (!get_lenient_int (object, name, &value) || value <= 0)
    return FALSE;

  value /= 1000;
  if (value <= now || value - now > MAX_LIFETIME)
    return FALSE;

  *out = value;
  return TRUE;
}

/* Tokens travel in HTTP headers and the keyring: visible ASCII only, so
 * that a hostile answer cannot smuggle a line break into a header. */
static gboolean
is_usable_token (const char *token)
{
  gsize length;

  if (token == NULL)
    return FALSE;

  length = strlen (token);
  if (length == 0 || length > RELINK_OAUTH_MAX_TOKEN_LENGTH)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      if ((guchar) token[i] <= 0x20 || (guchar) token[i] >= 0x7f)
        return FALSE;
    }

  return TRUE;
}

/* token_type ("Bearer", eBay's "User Access Token") goes into the
 * keyring and the Authorization header, scope into the keyring and the
 * window: short, valid UTF-8 without control characters, so no line
 * break reaches a header. (json-glib 1.6 turns "\351" into a raw byte;
 * relink_json_parse() refuses that, this check keeps it so whatever the
 * parser.) */
static gboolean
is_usable_text (const char *text, gsize max_length)
{
  gsize length = strlen (text);

  if (length > max_length || !g_utf8_validate (text, length, NULL))
    return FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        return FALSE;
    }

  return TRUE;
}

static gboolean
member_present (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node);
}

static GError *
malformed_error (RelinkProvider *provider, RelinkOAuthCall call)
{
  const char *name = relink_provider_get_name (provider);

  if (call == RELINK_OAUTH_CALL_IDENTITY)
    return g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED,
                        _ ("%s sent an account description Relink cannot read; nothing was "
                           "changed. Try again later."),
                        name);

  return g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED,
                      _ ("%s sent an answer Relink cannot read as a token; nothing was changed. "
                         "Try again later."),
                      name);
}

/* Whether an AliExpress answer reports an error: `code` other than "0". */
static gboolean
aliexpress_failed (JsonObject *object)
{
  JsonNode *node = get_value (object, "code");
  gint64 number;

  if (node == NULL)
    return FALSE;

  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strcmp0 (json_node_get_string (node), "0") != 0;

  return !get_lenient_int (object, "code", &number) || number != 0;
}

static gboolean
is_error_answer (RelinkProvider *provider, JsonObject *object)
{
  if (member_present (object, "error"))
    return TRUE;

  return relink_provider_get_client_auth (provider) == RELINK_CLIENT_AUTH_ALIEXPRESS_SIGN
         && aliexpress_failed (object);
}

static GError *error_from_object (RelinkProvider *provider,
                                  RelinkOAuthCall call,
                                  guint status,
                                  JsonObject *object,
                                  gint64 retry_after);

RelinkTokenSet *
relink_token_response_parse (RelinkProvider *provider,
                             RelinkOAuthCall call,
                             const char *body,
                             gsize length,
                             RelinkTokenSet *previous,
                             const char *requested_scope,
                             gint64 now,
                             RelinkIdentity **out_identity,
                             GError **error)
{
  g_autoptr (WipingNode) root = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkIdentity) identity = NULL;
  JsonObject *object;
  const char *access_token;
  const char *refresh_token;
  const char *token_type;
  const char *scope;
  gint64 lifetime;
  gint64 moment;
  gboolean refresh_stated = FALSE;
  gint64 refresh_expires_at = 0;

  g_return_val_if_fail (RELINK_IS_PROVIDER (provider), NULL);
  g_return_val_if_fail (previous == NULL || RELINK_IS_TOKEN_SET (previous), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (out_identity != NULL)
    *out_identity = NULL;

  object = parse_object (&root, body, length);
  if (object == NULL)
    {
      g_propagate_error (error, malformed_error (provider, call));
      return NULL;
    }

  if (is_error_answer (provider, object))
    {
      g_propagate_error (error, error_from_object (provider, call, 0, object, 0));
      return NULL;
    }

  access_token = get_string (object, "access_token");
  if (!is_usable_token (access_token))
    {
      g_propagate_error (error, malformed_error (provider, call));
      return NULL;
    }

  /* A refresh token that is there but unusable is refused rather than
   * dropped: storing the answer would lose the authorisation. */
  refresh_token = get_string (object, "refresh_token");
  if (member_present (object, "refresh_token") && refresh_token != NULL && refresh_token[0] == '\0')
    refresh_token = NULL;
  else if (member_present (object, "refresh_token") && !is_usable_token (refresh_token))
    {
      g_propagate_error (error, malformed_error (provider, call));
      return NULL;
    }

  if (relink_provider_get_identity_source (provider) == RELINK_IDENTITY_SOURCE_TOKEN_RESPONSE
      && out_identity != NULL)
    {
      identity = relink_token_response_read_identity (
          provider, object, relink_provider_get_identity_id_field (provider),
          relink_provider_get_identity_name_field (provider), error);
      if (identity == NULL)
        return NULL;
    }

  /* Refused rather than dropped: a sign-in that stored them would leave a
   * keyring item Relink could not read back. */
  token_type = get_string (object, "token_type");
  scope = get_string (object, "scope");
  if ((token_type != NULL && !is_usable_text (token_type, MAX_TOKEN_TYPE_LENGTH))
      || (scope != NULL && !is_usable_text (scope, MAX_SCOPE_LENGTH)))
    {
      g_propagate_error (error, malformed_error (provider, call));
      return NULL;
    }

  tokens = previous != NULL ? relink_token_set_copy (previous) : relink_token_set_new ();
  relink_token_set_set_access_token (tokens, access_token);
  relink_token_set_set_issued_at (tokens, now);

  if (token_type != NULL && token_type[0] != '\0')
    relink_token_set_set_token_type (tokens, token_type);
  else if (relink_token_set_get_token_type (tokens) == NULL)
    relink_token_set_set_token_type (tokens, "Bearer");

  if (scope != NULL && scope[0] != '\0')
    relink_token_set_set_scope (tokens, scope);
  else if (relink_token_set_get_scope (tokens) == NULL && requested_scope != NULL
           && requested_scope[0] != '\0')
    relink_token_set_set_scope (tokens, requested_scope);

  if (get_lifetime (object, "expires_in", &lifetime))
    relink_token_set_set_access_expires_at (tokens, now + lifetime);
  else if (get_epoch_ms (object, "expire_time", now, &moment))
    relink_token_set_set_access_expires_at (tokens, moment);
  else if (relink_provider_get_access_lifetime (provider) > 0)
    relink_token_set_set_access_expires_at (tokens,
                                            now + relink_provider_get_access_lifetime (provider));
  else
    relink_token_set_set_access_expires_at (tokens, 0);

  if (get_lifetime (object, "refresh_token_expires_in", &lifetime)
      || get_lifetime (object, "refresh_expires_in", &lifetime))
    {
      refresh_stated = TRUE;
      refresh_expires_at = now + lifetime;
    }
  else if (get_epoch_ms (object, "refresh_token_valid_time", now, &moment))
    {
      refresh_stated = TRUE;
      refresh_expires_at = moment;
    }

  if (refresh_token != NULL)
    {
      relink_token_set_set_refresh_token (tokens, refresh_token);

      if (refresh_stated)
        relink_token_set_set_refresh_expires_at (tokens, refresh_expires_at);
      else if (previous == NULL || relink_provider_get_refresh_extends (provider))
        relink_token_set_set_refresh_expires_at (
            tokens, relink_provider_get_refresh_lifetime (provider) > 0
                        ? now + relink_provider_get_refresh_lifetime (provider)
                        : 0);
      /* Otherwise (Amazon hands back the same token) the authorisation
       * still ends when it did: a refresh must not move it. */
    }
  else if (previous == NULL)
    {
      relink_token_set_set_refresh_expires_at (tokens, refresh_stated ? refresh_expires_at : 0);
    }

  if (out_identity != NULL)
    *out_identity = g_steal_pointer (&identity);

  return g_steal_pointer (&tokens);
}

static const char *
error_text_for (JsonObject *object, const char **code_out)
{
  JsonNode *node = json_object_get_member (object, "error");
  const char *code = NULL;
  const char *text = NULL;

  /* {"error":{"message":"…","status":400}}, seen in sellers' tools. */
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *inner = json_node_get_object (node);

      code = get_string (inner, "code");
      text = get_string (inner, "message");
    }
  else
    {
      code = get_string (object, "error");
    }

  if (text == NULL)
    text = get_string (object, "error_description");
  if (text == NULL)
    text = get_string (object, "message");
  if (text == NULL)
    text = get_string (object, "error_message");

  *code_out = code;
  return text != NULL ? text : code;
}

/* AliExpress' error codes are not documented in one place; these are the
 * ones its SDKs name (unsure). */
static RelinkOAuthError
classify_aliexpress (JsonObject *object)
{
  const char *code = get_string (object, "code");
  const char *type = get_string (object, "type");
  g_autofree char *lower = g_ascii_strdown (code != NULL ? code : "", -1);

  if (strstr (lower, "refreshtoken") != NULL || strstr (lower, "invalidcode") != NULL
      || strstr (lower, "illegalcode") != NULL || strstr (lower, "authcode") != NULL)
    return RELINK_OAUTH_ERROR_INVALID_GRANT;
  if (strstr (lower, "signature") != NULL || strstr (lower, "appkey") != NULL
      || strstr (lower, "appsecret") != NULL)
    return RELINK_OAUTH_ERROR_INVALID_CLIENT;
  if (strstr (lower, "calllimit") != NULL || strstr (lower, "throttl") != NULL)
    return RELINK_OAUTH_ERROR_RATE_LIMITED;
  if (g_strcmp0 (type, "ISP") == 0 || g_strcmp0 (type, "SYSTEM") == 0)
    return RELINK_OAUTH_ERROR_SERVER;

  return RELINK_OAUTH_ERROR_FAILED;
}

static RelinkOAuthError
classify (RelinkProvider *provider, RelinkOAuthCall call, guint status, JsonObject *object)
{
  const char *code = NULL;

  if (status == 429)
    return RELINK_OAUTH_ERROR_RATE_LIMITED;

  if (object != NULL)
    {
      error_text_for (object, &code);

      if (g_strcmp0 (code, "invalid_grant") == 0)
        return RELINK_OAUTH_ERROR_INVALID_GRANT;
      if (g_strcmp0 (code, "invalid_client") == 0 || g_strcmp0 (code, "unauthorized_client") == 0)
        return RELINK_OAUTH_ERROR_INVALID_CLIENT;
      if (g_strcmp0 (code, "temporarily_unavailable") == 0 || g_strcmp0 (code, "server_error") == 0)
        return RELINK_OAUTH_ERROR_SERVER;
      /* Etsy and RFC 6750: the (new) access token was not accepted. */
      if (g_strcmp0 (code, "invalid_token") == 0 && call == RELINK_OAUTH_CALL_IDENTITY)
        return RELINK_OAUTH_ERROR_INVALID_GRANT;

      if (code == NULL
          && relink_provider_get_client_auth (provider) == RELINK_CLIENT_AUTH_ALIEXPRESS_SIGN
          && aliexpress_failed (object))
        return classify_aliexpress (object);
    }

  if (status >= 500)
    return RELINK_OAUTH_ERROR_SERVER;

  /* RFC 6749 §5.2: a failed client authentication may come as a bare 401. */
  if (status == 401 && code == NULL && call != RELINK_OAUTH_CALL_IDENTITY)
    return RELINK_OAUTH_ERROR_INVALID_CLIENT;
  if (status == 401 && call == RELINK_OAUTH_CALL_IDENTITY)
    return RELINK_OAUTH_ERROR_INVALID_GRANT;

  /* Only an OAuth refusal is a refusal: an error body, and for a refresh
   * (where a refusal means "sign in again") with 400 or 401 (or a 2xx). A
   * redirect, a 403 or 404 page, or anything else is not the marketplace's
   * word on the grant: an unexpected answer, tokens kept. */
  if (object == NULL || error_text_for (object, &code) == NULL
      || (call == RELINK_OAUTH_CALL_REFRESH && status != 0 && status != 400 && status != 401))
    return RELINK_OAUTH_ERROR_MALFORMED;

  return RELINK_OAUTH_ERROR_FAILED;
}

static GError *
error_from_object (RelinkProvider *provider,
                   RelinkOAuthCall call,
                   guint status,
                   JsonObject *object,
                   gint64 retry_after)
{
  RelinkOAuthError kind = classify (provider, call, status, object);
  const char *name = relink_provider_get_name (provider);
  const char *code = NULL;
  g_autofree char *reason = NULL;
  GError *error = NULL;

  if (object != NULL)
    reason = relink_oauth_sanitize_text (error_text_for (object, &code), MAX_ERROR_TEXT);

  switch (kind)
    {
      case RELINK_OAUTH_ERROR_INVALID_GRANT:
        if (call == RELINK_OAUTH_CALL_CODE)
          error = g_error_new (RELINK_OAUTH_ERROR, kind,
                               _ ("%s did not accept the sign-in code; it may have expired or been "
                                  "used already. Nothing was changed; sign in again."),
                               name);
        else if (call == RELINK_OAUTH_CALL_IDENTITY)
          error = g_error_new (RELINK_OAUTH_ERROR, kind,
                               _ ("%s did not accept the new access when asked who signed in. "
                                  "Nothing was changed; sign in again."),
                               name);
        else
          error
              = g_error_new (RELINK_OAUTH_ERROR, kind,
                             _ ("%s no longer accepts this account’s authorization: it expired or "
                                "was withdrawn. Renew the connection to sign in again."),
                             name);
        break;

      case RELINK_OAUTH_ERROR_INVALID_CLIENT:
        error
            = g_error_new (RELINK_OAUTH_ERROR, kind,
                           _ ("%s did not accept the developer keys (client id or client secret); "
                              "the client secret may have expired. Check the keyset, then try "
                              "again. The sellers’ authorizations are not affected."),
                           name);
        break;

      case RELINK_OAUTH_ERROR_SERVER:
        if (status >= 500)
          error
              = g_error_new (RELINK_OAUTH_ERROR, kind,
                             _ ("%s has a problem on its side (error %u). Nothing was changed; try "
                                "again later."),
                             name, status);
        else
          error = g_error_new (RELINK_OAUTH_ERROR, kind,
                               _ ("%s has a problem on its side. Nothing was changed; try again "
                                  "later."),
                               name);
        break;

      case RELINK_OAUTH_ERROR_RATE_LIMITED:
        if (retry_after > 0)
          error = g_error_new (RELINK_OAUTH_ERROR, kind,
                               ngettext ("%s asks Relink to slow down. Try again in %d second.",
                                         "%s asks Relink to slow down. Try again in %d seconds.",
                                         (gulong) MIN (retry_after, G_MAXINT)),
                               name, (int) MIN (retry_after, G_MAXINT));
        else
          error
              = g_error_new (RELINK_OAUTH_ERROR, kind,
                             _ ("%s asks Relink to slow down. Try again in a few minutes."), name);
        relink_oauth_error_set_retry_after (error, retry_after);
        break;

      case RELINK_OAUTH_ERROR_MALFORMED:
        if (status != 0)
          error = g_error_new (RELINK_OAUTH_ERROR, kind,
                               _ ("Unexpected answer from %s (error %u); the saved tokens were "
                                  "kept. Try again later."),
                               name, status);
        else
          error = g_error_new (RELINK_OAUTH_ERROR, kind,
                               _ ("Unexpected answer from %s; the saved tokens were kept. Try "
                                  "again later."),
                               name);
        break;

      case RELINK_OAUTH_ERROR_FAILED:
      default:
        if (reason == NULL || reason[0] == '\0')
          {
            g_clear_pointer (&reason, g_free);
            reason = status != 0 ? g_strdup_printf (_ ("error %u"), status)
                                 : g_strdup (_ ("no reason given"));
          }

        switch (call)
          {
            case RELINK_OAUTH_CALL_CODE:
              error = g_error_new (
                  RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_FAILED,
                  /* Translators: the first %s is a marketplace, the second its reason. */
                  _ ("%s refused the sign-in: “%s”. Nothing was changed; try again."), name,
                  reason);
              break;

            case RELINK_OAUTH_CALL_REFRESH:
              error
                  = g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_FAILED,
                                 _ ("%s refused to renew the access: “%s”. Nothing was changed; if "
                                    "this keeps happening, renew the connection."),
                                 name, reason);
              break;

            case RELINK_OAUTH_CALL_IDENTITY:
              error = g_error_new (
                  RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_FAILED,
                  _ ("%s would not say who signed in: “%s”. Nothing was changed; try "
                     "again."),
                  name, reason);
              break;

            case RELINK_OAUTH_CALL_REVOKE:
            default:
              error
                  = g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_FAILED,
                                 _ ("%s refused to withdraw the access: “%s”. Remove Relink on the "
                                    "marketplace’s connected apps page instead."),
                                 name, reason);
              break;
          }
        break;
    }

  return error;
}

GError *
relink_token_response_parse_error (RelinkProvider *provider,
                                   RelinkOAuthCall call,
                                   guint status,
                                   const char *body,
                                   gsize length,
                                   gint64 retry_after)
{
  g_autoptr (WipingNode) root = NULL;

  g_return_val_if_fail (RELINK_IS_PROVIDER (provider), NULL);

  return error_from_object (provider, call, status, parse_object (&root, body, length),
                            retry_after);
}

static JsonNode *
lookup_path (JsonObject *object, const char *path)
{
  g_auto (GStrv) parts = g_strsplit (path, ".", -1);
  JsonNode *node = NULL;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (object == NULL)
        return NULL;

      node = json_object_get_member (object, parts[i]);
      if (node == NULL)
        return NULL;

      object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    }

  return node;
}

/* An identity value as text: strings as they are, integers in decimal. */
static char *
identity_text (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (node);
      gsize length = strlen (text);

      if (length == 0 || length > MAX_IDENTITY_LENGTH || !g_utf8_validate (text, length, NULL))
        return NULL;

      for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
        {
          GUnicodeType kind = g_unichar_type (g_utf8_get_char (p));

          if (kind == G_UNICODE_CONTROL || kind == G_UNICODE_FORMAT)
            return NULL;
        }

      return g_strdup (text);
    }

  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));

  if (type == G_TYPE_DOUBLE)
    {
      double value = json_node_get_double (node);

      /* Large ids sometimes arrive as floats; only whole numbers count. */
      if (isfinite (value) && value == floor (value) && fabs (value) < 9007199254740992.0)
        return g_strdup_printf ("%.0f", value);
    }

  return NULL;
}

RelinkIdentity *
relink_token_response_read_identity (RelinkProvider *provider,
                                     JsonObject *object,
                                     const char *id_field,
                                     const char *name_field,
                                     GError **error)
{
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (RELINK_IS_PROVIDER (provider), NULL);
  g_return_val_if_fail (object != NULL, NULL);

  if (id_field != NULL)
    id = identity_text (lookup_path (object, id_field));

  if (id == NULL)
    {
      g_set_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED,
                   _ ("%s did not say which account signed in. Nothing was changed; try again."),
                   relink_provider_get_name (provider));
      return NULL;
    }

  if (name_field != NULL)
    name = identity_text (lookup_path (object, name_field));

  return relink_identity_new (id, name);
}

RelinkIdentity *
relink_token_response_parse_identity (RelinkProvider *provider,
                                      const char *body,
                                      gsize length,
                                      GError **error)
{
  g_autoptr (WipingNode) root = NULL;
  const char *id_field = relink_provider_get_identity_id_field (provider);
  const char *name_field = relink_provider_get_identity_name_field (provider);
  JsonObject *object;

  g_return_val_if_fail (RELINK_IS_PROVIDER (provider), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = parse_object (&root, body, length);
  if (object == NULL)
    {
      g_propagate_error (error, malformed_error (provider, RELINK_OAUTH_CALL_IDENTITY));
      return NULL;
    }

  if (relink_provider_get_identity_source (provider) == RELINK_IDENTITY_SOURCE_ID_TOKEN)
    {
      if (id_field == NULL)
        id_field = "sub";
      if (name_field == NULL)
        name_field = "preferred_username";
    }

  return relink_token_response_read_identity (provider, object, id_field, name_field, error);
}
