/* relink-grant.h: an account's grants, and what differs per grant kind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "relink-account.h"

G_BEGIN_DECLS

/* A grant is a RelinkAccount row (HACKING.md, "Grant"): the account's own
 * row is its first grant, further grants are rows whose owner id is the
 * account's id. These functions take either and work on the account. */

/* eBay sends HardExpirationWarning with every Trading API answer from 7
 * days before an Auth'n'Auth token's HardExpirationTime (providers.md,
 * eBay, Auth'n'Auth): an auth-n-auth grant always gets a reminder then. */
#define RELINK_GRANT_HARD_EXPIRATION_WARNING_LEAD (7 * G_GINT64_CONSTANT (86400))

/* The grant's kind: its keyset's (RELINK_GRANT_KIND_OAUTH2 when the
 * keyset is missing). Never NULL. */
const char *relink_grant_get_kind (RelinkAccount *grant);
/* Whether grants of @kind come with a refresh token. An auth-n-auth
 * token has none: when it lapses, only signing in again helps. */
gboolean relink_grant_kind_has_refresh_token (const char *kind);
/* The name a new grant of @kind gets: "oauth" or "auth-n-auth". */
const char *relink_grant_kind_default_name (const char *kind);
/* Translated, short: "OAuth", "Auth'n'Auth"; for another name, the name. */
const char *relink_grant_get_label (RelinkAccount *grant);
/* The same for a kind's grants: "OAuth", "Auth'n'Auth". */
const char *relink_grant_kind_get_label (const char *kind);
/* The identity the seller expects for @grant: the grant's own, else its
 * account's. May be NULL. */
const char *relink_grant_get_expected_identity (RelinkAccount *grant);

/* The account's grants, its own row first, then the further ones by name
 * (a new array of references). */
GPtrArray *relink_grant_list (RelinkAccount *account);
/* The account's grant called @name, or NULL. NULL @name: the account's
 * own row. */
RelinkAccount *relink_grant_lookup (RelinkAccount *account, const char *name);
/* The grant whose state at @now is the most urgent (relink_expiry_state()
 * order), the one expiring first among equals: what the account's row
 * shows. */
RelinkAccount *relink_grant_most_urgent (RelinkAccount *account, gint64 now, gint64 soon_threshold);

/* A new, unsaved further grant of @account obtained with @keyset: a fresh
 * id, @account as its owner, the kind's default name (made unique within
 * the account: "oauth-2"), not connected. Save it with
 * relink_account_manager_add_account_async(), then sign in with it. */
RelinkAccount *relink_grant_new (RelinkAccount *account, RelinkKeyset *keyset);
/* The keysets of @keysets (a GListModel of RelinkKeyset) with which a
 * grant could be added to @account: same marketplace and environment as
 * the account's keys, a kind none of its grants has, not refused. A new
 * array of references, in model order. */
GPtrArray *relink_grant_candidate_keysets (RelinkAccount *account, GListModel *keysets);

/* The reminder leads for @grant from the seller's @leads (seconds): for
 * an auth-n-auth grant with RELINK_GRANT_HARD_EXPIRATION_WARNING_LEAD
 * added. Free with g_array_unref(). */
GArray *relink_grant_reminder_leads (RelinkAccount *grant, const gint64 *leads, gsize n_leads);

G_END_DECLS
