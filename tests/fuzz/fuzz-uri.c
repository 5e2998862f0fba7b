/* fuzz-uri.c: the address policy (relink-uri.h) that decides where
 * credentials may go and what the login view may open, and the host it
 * shows in place of an address bar. Guarantees: no crash; a secure
 * address is allowed in the login view; anything else the view allows is
 * an about:, blob: or data: address; a secure http:// address names this
 * computer, without user info, backslash, white space or control
 * characters, and shows a loopback host; the host shown for a UTF-8
 * address is UTF-8 without control characters.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "relink-uri.h"

RELINK_FUZZ_ENTRY (uri)
{
  g_autofree char *uri = relink_fuzz_string (data, size);
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;
  gboolean secure;
  gboolean allowed;

  secure = relink_uri_is_secure (uri);
  allowed = relink_uri_is_allowed_in_login_view (uri);
  host = relink_uri_dup_host (uri);
  scheme = g_uri_parse_scheme (uri);

  if (secure)
    {
      g_assert_true (allowed);
      g_assert_nonnull (scheme);
      g_assert_nonnull (host);
      g_assert_true (g_ascii_strcasecmp (scheme, "https") == 0
                     || g_ascii_strcasecmp (scheme, "http") == 0);

      if (g_ascii_strcasecmp (scheme, "http") == 0)
        {
          g_assert_true (relink_uri_host_is_loopback (host));
          g_assert_null (strchr (uri, '\\'));
          for (const char *p = uri; *p != '\0'; p++)
            g_assert_true ((guchar) *p > ' ' && (guchar) *p != 0x7f);
        }
    }
  else if (allowed)
    {
      g_assert_nonnull (scheme);
      g_assert_true (g_ascii_strcasecmp (scheme, "about") == 0
                     || g_ascii_strcasecmp (scheme, "blob") == 0
                     || g_ascii_strcasecmp (scheme, "data") == 0);
    }

  if (host != NULL && g_utf8_validate (uri, -1, NULL))
    {
      g_assert_cmpstr (host, !=, "");
      relink_fuzz_assert_clean_text (host);
      g_assert_null (strchr (host, '\n'));
    }

  return 0;
}
