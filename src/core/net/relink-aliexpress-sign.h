/* relink-aliexpress-sign.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* AliExpress Open Platform (IOP) request signing, "sha256" method: all
 * parameters but `sign`, sorted by name (byte order), concatenated as
 * key1value1key2value2… with neither separators nor encoding, prefixed
 * with @api_path for system APIs (paths starting with "/"), then
 * UPPERCASE(hex(HMAC-SHA256(@app_secret, data))).
 *
 * @params maps names to values (strings); a "sign" entry is skipped.
 * Returns 64 upper-case hex digits. */
char *relink_aliexpress_sign (const char *api_path, GHashTable *params, const char *app_secret);

/* The IOP API name of a gateway URL: its path without the gateway's
 * "/rest" prefix ("https://api-sg.aliexpress.com/rest/auth/token/create"
 * gives "/auth/token/create"). NULL when @url is not a URL. */
char *relink_aliexpress_api_path (const char *url);

G_END_DECLS
