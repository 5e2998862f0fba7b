/* relink-token-import.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-account-manager.h"

G_BEGIN_DECLS

/* Imports @refresh_token (from another tool, or Amazon's
 * self-authorisation) into @account, proving it first: under the
 * account's lock (see RelinkAccountLock) it is refreshed at the
 * marketplace, and where the marketplace can tell who a token belongs
 * to, the new access token's identity must be the account's verified
 * one (or, before any sign-in, the one the seller expects). Only then are
 * the new tokens written to the keyring, in one write labelled @label,
 * and the account's dates and status saved and shown. Anything short of
 * that (a refusal, a wrong seller, a fault, a cancel) leaves the keyring
 * and the store as they were.
 *
 * Errors: the OAuth client's (RELINK_OAUTH_ERROR), RELINK_TOKEN_SERVICE_ERROR
 * _WRONG_ACCOUNT ("This token belongs to bob, but this account is alice."),
 * _CONFIGURATION, the keyring's and the store's, G_IO_ERROR_BUSY when
 * another program holds the account too long, G_IO_ERROR_CANCELLED. */
void relink_token_import_async (RelinkAccountManager *manager,
                                RelinkAccount *account,
                                const char *refresh_token,
                                const char *label,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
gboolean
relink_token_import_finish (RelinkAccountManager *manager, GAsyncResult *result, GError **error);

G_END_DECLS
