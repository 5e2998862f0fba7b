/* relink-uri.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "relink-uri.h"

/* Addresses are checked here with GUri, but opened by libsoup and WebKit,
 * whose parsers follow the WHATWG URL standard. Where the two could read
 * a different host out of one string (a backslash, a tab or a newline,
 * which WHATWG drops, or a user name before an "@"), a plain http://
 * address is refused: it is never what a loopback test server needs. */

gboolean
relink_uri_host_is_loopback (const char *host)
{
  g_autoptr (GInetAddress) address = NULL;

  if (host == NULL || *host == '\0')
    return FALSE;

  /* Not "localhost." nor "x.localhost": a resolver may ask the network
   * about those. */
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;

  /* inet_pton underneath: "127.1", octal and decimal forms are no
   * addresses here, although getaddrinfo would take them. */
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static gboolean
has_ambiguous_chars (const char *uri)
{
  for (const char *p = uri; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c <= ' ' || c == 0x7f || c == '\\')
        return TRUE;
    }

  return FALSE;
}

gboolean
relink_uri_is_secure (const char *uri)
{
  g_autoptr (GUri) parsed = NULL;
  const char *scheme;
  const char *host;

  if (uri == NULL)
    return FALSE;

  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);
  if (parsed == NULL)
    return FALSE;

  scheme = g_uri_get_scheme (parsed);
  host = g_uri_get_host (parsed);
  if (host == NULL || *host == '\0')
    return FALSE;

  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;

  if (g_ascii_strcasecmp (scheme, "http") != 0)
    return FALSE;

  if (g_uri_get_userinfo (parsed) != NULL || has_ambiguous_chars (uri))
    return FALSE;

  return relink_uri_host_is_loopback (host);
}

gboolean
relink_uri_is_allowed_in_login_view (const char *uri)
{
  g_autofree char *scheme = NULL;

  if (uri == NULL)
    return FALSE;

  if (relink_uri_is_secure (uri))
    return TRUE;

  scheme = g_uri_parse_scheme (uri);
  return scheme != NULL
         && (g_ascii_strcasecmp (scheme, "about") == 0 || g_ascii_strcasecmp (scheme, "blob") == 0
             || g_ascii_strcasecmp (scheme, "data") == 0);
}

char *
relink_uri_dup_host (const char *uri)
{
  g_autoptr (GUri) parsed = NULL;

  if (uri == NULL)
    return NULL;

  parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED | G_URI_FLAGS_NON_DNS, NULL);
  if (parsed == NULL || g_uri_get_host (parsed) == NULL || *g_uri_get_host (parsed) == '\0')
    return NULL;

  return g_strdup (g_uri_get_host (parsed));
}
