/* relink-account.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-keyset.h"

G_BEGIN_DECLS

/* What Relink last learnt about the connection; persisted. The state shown
 * (RelinkAccountState) also depends on the clock. */
typedef enum
{
  RELINK_ACCOUNT_STATUS_NOT_CONNECTED, /* no tokens yet, or revoked */
  RELINK_ACCOUNT_STATUS_CONNECTED,     /* tokens stored and last known good */
  RELINK_ACCOUNT_STATUS_NEEDS_REAUTH,  /* the marketplace refused the refresh token */
  RELINK_ACCOUNT_STATUS_ERROR          /* offline or another error; will retry */
} RelinkAccountStatus;

#define RELINK_TYPE_ACCOUNT (relink_account_get_type ())

/* RelinkAccount: one seller account linked through a keyset. Metadata only,
 * no secrets: the tokens live in the keyring under the account id. */
G_DECLARE_FINAL_TYPE (RelinkAccount, relink_account, RELINK, ACCOUNT, GObject)

RelinkAccount *relink_account_new (const char *id);

const char *relink_account_get_id (RelinkAccount *self);
const char *relink_account_get_keyset_id (RelinkAccount *self);
void relink_account_set_keyset_id (RelinkAccount *self, const char *keyset_id);
/* The resolved keyset, NULL when missing. Not persisted. */
RelinkKeyset *relink_account_get_keyset (RelinkAccount *self);
void relink_account_set_keyset (RelinkAccount *self, RelinkKeyset *keyset);
const char *relink_account_get_nickname (RelinkAccount *self);
void relink_account_set_nickname (RelinkAccount *self, const char *nickname);
/* The identity the seller expects to sign in as (immutable id or name), may be NULL. */
const char *relink_account_get_expected_identity (RelinkAccount *self);
void relink_account_set_expected_identity (RelinkAccount *self, const char *expected);
/* Verified identity: the marketplace's immutable id and its friendly name. */
const char *relink_account_get_identity_id (RelinkAccount *self);
void relink_account_set_identity_id (RelinkAccount *self, const char *identity_id);
const char *relink_account_get_identity_name (RelinkAccount *self);
void relink_account_set_identity_name (RelinkAccount *self, const char *identity_name);
/* Space-separated scopes granted. */
const char *relink_account_get_scopes (RelinkAccount *self);
void relink_account_set_scopes (RelinkAccount *self, const char *scopes);
/* Moments are UTC unix seconds; 0 = unknown/never. */
gint64 relink_account_get_authorised_at (RelinkAccount *self);
void relink_account_set_authorised_at (RelinkAccount *self, gint64 value);
gint64 relink_account_get_access_expires_at (RelinkAccount *self);
void relink_account_set_access_expires_at (RelinkAccount *self, gint64 value);
/* When the refresh token or the authorisation lapses: what the countdown counts to. */
gint64 relink_account_get_refresh_expires_at (RelinkAccount *self);
void relink_account_set_refresh_expires_at (RelinkAccount *self, gint64 value);
gint64 relink_account_get_last_refresh_at (RelinkAccount *self);
void relink_account_set_last_refresh_at (RelinkAccount *self, gint64 value);
gint64 relink_account_get_last_test_at (RelinkAccount *self);
void relink_account_set_last_test_at (RelinkAccount *self, gint64 value);
gboolean relink_account_get_last_test_ok (RelinkAccount *self);
void relink_account_set_last_test_ok (RelinkAccount *self, gboolean ok);
/* Plain-language result of the last test, e.g. "Connected as shop_a". */
const char *relink_account_get_last_test_message (RelinkAccount *self);
void relink_account_set_last_test_message (RelinkAccount *self, const char *message);
RelinkAccountStatus relink_account_get_status (RelinkAccount *self);
void relink_account_set_status (RelinkAccount *self, RelinkAccountStatus status);
/* Plain-language reason for NEEDS_REAUTH / ERROR, with the next step. */
const char *relink_account_get_status_message (RelinkAccount *self);
void relink_account_set_status_message (RelinkAccount *self, const char *message);
gint64 relink_account_get_created_at (RelinkAccount *self);
void relink_account_set_created_at (RelinkAccount *self, gint64 value);

/* The marketplace profile of the account's keyset, NULL when the keyset
 * or its profile is missing. */
RelinkProvider *relink_account_get_provider (RelinkAccount *self);
/* The environment (production, sandbox, a country) of that profile the
 * keyset uses, NULL when unknown. */
const RelinkProviderEnvironment *relink_account_get_environment (RelinkAccount *self);

/* The name shown for the account: nickname, else identity name, else id;
 * for a further grant, its account's display name. */
const char *relink_account_get_display_name (RelinkAccount *self);

/* Grants (HACKING.md, "Grant"). Every RelinkAccount holds one grant: its
 * token state above, its keyring item and history under its id. An
 * account's further grants are RelinkAccount rows of their own whose
 * owner id is the account's id; they carry no nickname or expected
 * identity (relink-grant.h reads those from the account). */
#define RELINK_GRANT_NAME_OAUTH "oauth"
#define RELINK_GRANT_NAME_AUTH_N_AUTH "auth-n-auth"

/* The id of the account this row is a further grant of; NULL for an
 * account ("" is stored as NULL). Persisted. */
const char *relink_account_get_owner_id (RelinkAccount *self);
void relink_account_set_owner_id (RelinkAccount *self, const char *owner_id);
/* Whether this row is a further grant of another account (has an owner id). */
gboolean relink_account_is_extra_grant (RelinkAccount *self);
/* The grant's name within its account, the one `relinkctl token --grant`
 * takes: "oauth" (the default, never NULL) or "auth-n-auth". Persisted. */
const char *relink_account_get_grant_name (RelinkAccount *self);
void relink_account_set_grant_name (RelinkAccount *self, const char *grant_name);
/* The resolved owner (NULL for an account, or when the owner is missing)
 * and the account a grant belongs to (the owner, else @self). Not
 * persisted; set by the account manager. */
RelinkAccount *relink_account_get_owner (RelinkAccount *self);
RelinkAccount *relink_account_get_account (RelinkAccount *self);
void relink_account_set_owner (RelinkAccount *self, RelinkAccount *owner);
/* An account's further grants (RelinkAccount), sorted by grant name; empty
 * on a further grant itself. Set by the account manager: an unchanged list
 * emits nothing. */
GListModel *relink_account_get_extra_grants (RelinkAccount *self);
void relink_account_set_extra_grants (RelinkAccount *self, GPtrArray *grants);

G_END_DECLS
