/* relink-validate.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "relink-uri.h"
#include "relink-validate.h"

/* NULL for text that is not UTF-8; the dialog never gives such text, a
 * fuzzer does. */
static char *
dup_trimmed (const char *text)
{
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;

  return g_strstrip (g_strdup (text));
}

static char *
not_text (void)
{
  return g_strdup (_ ("The text has characters Relink cannot read. Type it again."));
}

char *
relink_validate_client_id (const char *text)
{
  g_autofree char *value = dup_trimmed (text);

  if (value == NULL)
    return not_text ();
  if (*value == '\0')
    return g_strdup (_ ("Enter the client ID of your app."));
  return NULL;
}

char *
relink_validate_client_secret (const char *text)
{
  /* Not trimmed: what was pasted is what is kept. */
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return not_text ();
  if (*text == '\0')
    return g_strdup (_ ("Enter the client secret of your app."));
  return NULL;
}

char *
relink_validate_redirect_url (const char *text)
{
  g_autofree char *value = dup_trimmed (text);
  g_autoptr (GUri) uri = NULL;
  const char *scheme;

  if (value == NULL)
    return not_text ();
  if (*value == '\0')
    return g_strdup (_ ("Enter the redirect URL registered for your app."));

  uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return g_strdup (
        _ ("The redirect URL is not a web address. It looks like https://example.com/callback."));

  if (relink_uri_is_secure (value))
    return NULL;

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") == 0)
    return g_strdup (_ ("The redirect URL must start with https://. Plain http:// is only allowed "
                        "for this computer (localhost or 127.0.0.1)."));

  return g_strdup (_ ("The redirect URL must be a web address starting with https://."));
}

char *
relink_validate_runame (const char *text)
{
  g_autofree char *value = dup_trimmed (text);

  if (value == NULL)
    return not_text ();
  if (*value == '\0')
    return g_strdup (_ ("Enter the RuName eBay gave your app."));
  if (strstr (value, "://") != NULL || g_str_has_prefix (value, "www.")
      || strchr (value, '/') != NULL)
    return g_strdup (_ ("The RuName is a name such as “Jane_Doe-JaneDoeA-MyApp-abcdefg”, not a "
                        "web address. Copy it from the eBay Developer Portal."));
  for (const char *p = value; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        return g_strdup (
            _ ("The RuName has no spaces. Copy it again from the eBay Developer Portal."));
    }
  return NULL;
}

char *
relink_validate_redirect (RelinkProvider *provider, const char *text)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (provider), NULL);

  if (relink_provider_get_redirect_style (provider) == RELINK_REDIRECT_STYLE_RUNAME)
    return relink_validate_runame (text);
  return relink_validate_redirect_url (text);
}

char *
relink_validate_keyset_field (const RelinkKeysetField *field, const char *text)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (field != NULL, NULL);

  /* Secret values are kept as pasted, the others trimmed; either way,
   * only white space is no value. */
  value = dup_trimmed (text);
  if (value == NULL)
    return not_text ();
  if (field->required && *value == '\0')
    return g_strdup_printf (_ ("%s is required."), field->label);
  return NULL;
}

gboolean
relink_validate_parse_date (const char *text, gint64 *out_unix)
{
  int year, month, day;
  char tail;
  g_autoptr (GDateTime) dt = NULL;

  g_return_val_if_fail (out_unix != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  /* Digits only: sscanf would also take signs and leading blanks. */
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p) && *p != '-')
        return FALSE;
    }
  if (sscanf (text, "%4d-%2d-%2d%c", &year, &month, &day, &tail) != 3)
    return FALSE;
  if (year < 1 || month < 1 || day < 1 || !g_date_valid_dmy (day, month, year))
    return FALSE;

  dt = g_date_time_new_local (year, month, day, 0, 0, 0);
  if (dt == NULL)
    return FALSE;

  *out_unix = g_date_time_to_unix (dt);
  return TRUE;
}

char *
relink_validate_secret_expiry (const char *text)
{
  g_autofree char *value = dup_trimmed (text);
  gint64 unused;

  if (value == NULL)
    return not_text ();
  if (*value != '\0' && !relink_validate_parse_date (value, &unused))
    return g_strdup (
        _ ("Enter the date as year-month-day, for example 2025-12-31, or leave it empty."));
  return NULL;
}

char *
relink_validate_nickname (RelinkAccountManager *manager, const char *text)
{
  g_autofree char *value = dup_trimmed (text);

  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (manager), NULL);

  if (value == NULL)
    return not_text ();
  if (*value == '\0')
    return g_strdup (_ ("Enter a nickname for the account."));
  if (relink_account_manager_lookup_account (manager, value) != NULL)
    return g_strdup_printf (_ ("An account named “%s” already exists. Choose another nickname."),
                            value);
  return NULL;
}

char *
relink_validate_issuer_url (const char *text, gboolean *out_insecure)
{
  g_autofree char *value = dup_trimmed (text);
  g_autoptr (GUri) uri = NULL;

  if (out_insecure != NULL)
    *out_insecure = FALSE;

  if (value == NULL)
    return not_text ();

  uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
      || g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    return g_strdup (_ ("The issuer address is not a valid web address. Enter it like "
                        "https://login.example.com."));

  if (!relink_uri_is_secure (value))
    {
      if (out_insecure != NULL)
        *out_insecure = TRUE;
      return g_strdup (_ ("The issuer address must start with https://. Relink does not sign in "
                          "over unencrypted connections."));
    }

  return NULL;
}
