/* relink-uri.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The one answer to "may credentials or a sign-in page travel over this
 * address?": https:// to any host, or plain http:// to this computer
 * only (127.0.0.0/8, ::1 or "localhost", which the tests use). Everything
 * else, NULL included, is refused. */
gboolean relink_uri_is_secure (const char *uri);

/* Whether @host, as GUri returns it (IPv6 without brackets), names this
 * computer: "localhost" in any case, an IPv4 address in 127.0.0.0/8
 * written in full dotted-quad form, or ::1. */
gboolean relink_uri_host_is_loopback (const char *host);

/* The login view's policy: whether the view may open @uri at all. Secure
 * addresses (see relink_uri_is_secure()), and about:, blob: and data:
 * addresses, which load nothing from the network. */
gboolean relink_uri_is_allowed_in_login_view (const char *uri);

/* The host of @uri as the login view shows it in place of an address
 * bar, or NULL when @uri has none. */
char *relink_uri_dup_host (const char *uri);

G_END_DECLS
