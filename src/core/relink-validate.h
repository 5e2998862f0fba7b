/* relink-validate.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "relink-account-manager.h"
#include "relink-provider.h"

G_BEGIN_DECLS

/* What a seller types when adding developer keys and an account, checked
 * before anything is saved. Each returns NULL when the value is fine, or
 * what is wrong with it, in words that say what to do (translated, free
 * with g_free()). Values are taken as typed: leading and trailing white
 * space is not part of a value (the dialog saves them trimmed), except
 * in a secret, which is kept exactly as pasted. Text that is not UTF-8
 * is refused. */

char *relink_validate_client_id (const char *text);
char *relink_validate_client_secret (const char *text);

/* A redirect URL: https://, or http:// on this computer (see
 * relink_uri_is_secure()). */
char *relink_validate_redirect_url (const char *text);

/* An eBay RuName: a name such as "Jane_Doe-JaneDoeA-MyApp-abcdefg", not
 * a web address, without spaces. */
char *relink_validate_runame (const char *text);

/* The redirect value of a keyset of @provider: a RuName or a URL, as the
 * profile's redirect style says. */
char *relink_validate_redirect (RelinkProvider *provider, const char *text);

/* A value of one of the marketplace's own keyset fields (the extras). */
char *relink_validate_keyset_field (const RelinkKeysetField *field, const char *text);

/* The date a client secret expires on, YYYY-MM-DD; empty means
 * unknown and is fine. */
char *relink_validate_secret_expiry (const char *text);

/* Parses YYYY-MM-DD (a real calendar date, nothing after it) as the
 * start of that day in local time. */
gboolean relink_validate_parse_date (const char *text, gint64 *out_unix);

/* A new account's nickname: not empty, not taken by an account of
 * @manager. */
char *relink_validate_nickname (RelinkAccountManager *manager, const char *text);

/* The issuer of a custom OpenID Connect provider: a web address without
 * query or fragment, https:// or on this computer. @out_insecure (may be
 * NULL) is set to whether the problem is an unencrypted address. */
char *relink_validate_issuer_url (const char *text, gboolean *out_insecure);

G_END_DECLS
