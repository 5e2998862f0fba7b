/* relink-grant-tie.h
 *
 * Ties a new grant of another kind to the seller its account already
 * verified (HACKING.md, "Auth'n'Auth": one seller, two kinds). For eBay
 * the id both kinds share is the EIASToken that Trading GetUser answers
 * for an Auth'n'Auth token and for an OAuth token alike.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-account-manager.h"
#include "relink-identity.h"
#include "relink-token-set.h"

G_BEGIN_DECLS

/* How long the check may wait for the other grant's token (a refresh by
 * the token service) and eBay's answer about it. */
#define RELINK_GRANT_TIE_TIMEOUT_SECONDS 60

/* Checks that @identity, who just signed in for @grant with @tokens, is
 * the seller of @grant's account's verified grants of another kind.
 * TRUE when there is nothing to compare with (no such grant, or a
 * marketplace without Auth'n'Auth); RELINK_SIGN_IN_ERROR_WRONG_ACCOUNT
 * naming both users when they differ; other errors (the Trading call
 * failed, the other grant's token can no longer be refreshed:
 * RELINK_SIGN_IN_ERROR_CONFIGURATION) say what to do and keep nothing
 * either. An OAuth grant's lapsed access token is refreshed first by the
 * manager's token service (relink_account_manager_get_token_service()). */
void relink_grant_tie_check_async (RelinkAccountManager *manager,
                                   RelinkAccount *grant,
                                   RelinkIdentity *identity,
                                   RelinkTokenSet *tokens,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean relink_grant_tie_check_finish (GAsyncResult *result, GError **error);

G_END_DECLS
