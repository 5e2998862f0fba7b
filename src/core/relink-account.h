/* relink-account.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

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

/* The name shown for the account: nickname, else identity name, else id. */
const char *relink_account_get_display_name (RelinkAccount *self);

G_END_DECLS
