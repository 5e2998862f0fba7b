/* relink-oauth-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "relink-oauth-error.h"

/* The extended error carries the Retry-After delay of a 429 answer along
 * with the GError, so it survives GTask and g_error_copy(). */
typedef struct
{
  gint64 retry_after;
  gboolean timed_out;
  guint http_status;
} RelinkOAuthErrorPrivate;

static void
relink_oauth_error_private_init (RelinkOAuthErrorPrivate *priv)
{
  priv->retry_after = 0;
  priv->timed_out = FALSE;
  priv->http_status = 0;
}

static void
relink_oauth_error_private_copy (const RelinkOAuthErrorPrivate *src, RelinkOAuthErrorPrivate *dest)
{
  dest->retry_after = src->retry_after;
  dest->timed_out = src->timed_out;
  dest->http_status = src->http_status;
}

static void
relink_oauth_error_private_clear (RelinkOAuthErrorPrivate *priv)
{
}

G_DEFINE_EXTENDED_ERROR (RelinkOAuthError, relink_oauth_error)

gint64
relink_oauth_error_get_retry_after (const GError *error)
{
  if (!g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_RATE_LIMITED))
    return 0;

  return relink_oauth_error_get_private (error)->retry_after;
}

void
relink_oauth_error_set_retry_after (GError *error, gint64 seconds)
{
  g_return_if_fail (error != NULL && error->domain == RELINK_OAUTH_ERROR);

  relink_oauth_error_get_private (error)->retry_after = MAX (seconds, 0);
}

gboolean
relink_oauth_error_get_timed_out (const GError *error)
{
  if (!g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NETWORK))
    return FALSE;

  return relink_oauth_error_get_private (error)->timed_out;
}

void
relink_oauth_error_set_timed_out (GError *error, gboolean timed_out)
{
  g_return_if_fail (error != NULL && error->domain == RELINK_OAUTH_ERROR);

  relink_oauth_error_get_private (error)->timed_out = timed_out;
}

guint
relink_oauth_error_get_http_status (const GError *error)
{
  if (error == NULL || error->domain != RELINK_OAUTH_ERROR)
    return 0;

  return relink_oauth_error_get_private (error)->http_status;
}

void
relink_oauth_error_set_http_status (GError *error, guint status)
{
  g_return_if_fail (error != NULL && error->domain == RELINK_OAUTH_ERROR);

  relink_oauth_error_get_private (error)->http_status = status;
}

char *
relink_oauth_sanitize_text (const char *text, gsize max_chars)
{
  g_autofree char *valid = NULL;
  GString *out;
  gsize n_chars = 0;
  gboolean space = FALSE;

  if (text == NULL)
    return NULL;

  valid = g_utf8_make_valid (text, -1);
  out = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      /* Control characters could fake lines in a log or a dialog, and
       * formatting ones (bidi overrides) could reorder what is shown. */
      if (g_unichar_isspace (c) || type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT
          || type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR)
        {
          space = out->len > 0;
          continue;
        }

      if (n_chars + (space ? 1 : 0) >= max_chars)
        {
          g_string_append (out, "…");
          break;
        }

      if (space)
        {
          g_string_append_c (out, ' ');
          n_chars++;
          space = FALSE;
        }

      g_string_append_unichar (out, c);
      n_chars++;
    }

  return g_string_free (out, FALSE);
}

void
relink_oauth_error_redact (GError *error, GPtrArray *secrets)
{
  g_return_if_fail (error != NULL);

  for (guint i = 0; secrets != NULL && i < secrets->len; i++)
    {
      const char *secret = g_ptr_array_index (secrets, i);
      g_auto (GStrv) parts = NULL;

      if (strlen (secret) < 4 || strstr (error->message, secret) == NULL)
        continue;

      parts = g_strsplit (error->message, secret, -1);
      g_free (error->message);
      error->message = g_strjoinv ("…", parts);
    }
}
