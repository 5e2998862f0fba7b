/* relink-provider-discovery.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-provider.h"

G_BEGIN_DECLS

/* OpenID Connect discovery for custom providers: from an issuer URL to a
 * profile (data/providers/README.md) that Relink can save among the
 * user's own and use at once. Errors are RELINK_PROVIDER_ERROR (the
 * issuer's answer cannot make a profile) or RELINK_OAUTH_ERROR (network,
 * insecure address, malformed answer), in plain words. */

/* Fetches @issuer/.well-known/openid-configuration (https://, or http://
 * on loopback only) and checks that the document names exactly @issuer
 * (OpenID Connect Discovery §4.3; a trailing slash typed by the seller is
 * forgiven). @name is the display name of the new profile; NULL uses the
 * issuer's host. The profile's id is made from the name. */
void relink_provider_discover_async (const char *issuer,
                                     const char *name,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
/* Returns the parsed (custom) profile; @out_json: (optional) receives the
 * profile's JSON text for relink_provider_discovery_save(). */
RelinkProvider *
relink_provider_discover_finish (GAsyncResult *result, char **out_json, GError **error);

/* The parsing half of relink_provider_discover_async(), for tests and
 * fuzzers: turns the discovery document @data (@length bytes, at most
 * 256 KiB) fetched for @issuer into a profile, with the same checks
 * (issuer named exactly, https endpoints, JSON limits). @out_json:
 * (optional) receives the profile's JSON text. */
RelinkProvider *relink_provider_discovery_parse (const char *issuer,
                                                 const char *name,
                                                 const char *data,
                                                 gsize length,
                                                 char **out_json,
                                                 GError **error);

/* Writes @provider_json to @user_dir/<id>.json (@user_dir NULL:
 * $XDG_CONFIG_HOME/relink/providers), creating the folder. Never
 * overwrites: an existing file gives G_IO_ERROR_EXISTS. The profile holds
 * no secret. Returns the file's path. Add the provider to the running
 * registry with relink_provider_registry_add(). */
char *
relink_provider_discovery_save (const char *provider_json, const char *user_dir, GError **error);

G_END_DECLS
