/* relink-sign-in.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-account-manager.h"
#include "relink-auth-request.h"
#include "relink-identity.h"

G_BEGIN_DECLS

#define RELINK_SIGN_IN_ERROR (relink_sign_in_error_quark ())

typedef enum
{
  /* Renewal: the marketplace says someone else signed in. */
  RELINK_SIGN_IN_ERROR_WRONG_ACCOUNT,
  /* New account: the identity differs from the one the seller typed. */
  RELINK_SIGN_IN_ERROR_UNEXPECTED_ACCOUNT,
  /* New account: another account of the same developer keys is already
   * this identity. */
  RELINK_SIGN_IN_ERROR_ALREADY_CONNECTED,
  /* The account's keyset or marketplace profile is missing or unusable. */
  RELINK_SIGN_IN_ERROR_CONFIGURATION
} RelinkSignInError;

GQuark relink_sign_in_error_quark (void);

#define RELINK_TYPE_SIGN_IN (relink_sign_in_get_type ())

/* RelinkSignIn: one connect or renewal of one account, from the consent
 * URL to the saved tokens. The login view (or the browser fallback) shows
 * the URL and hands back the final redirect address; RelinkSignIn checks
 * state (and PKCE), exchanges the code, establishes WHO signed in and
 * compares it with the account, and only then writes the tokens to the
 * keyring and the dates and identity to the store. On any failure —
 * declined consent, wrong account, network — the account's existing tokens
 * and metadata stay untouched. Single use. */
G_DECLARE_FINAL_TYPE (RelinkSignIn, relink_sign_in, RELINK, SIGN_IN, GObject)

RelinkSignIn *
relink_sign_in_new (RelinkAccountManager *manager, RelinkAccount *account, GError **error);
RelinkAccount *relink_sign_in_get_account (RelinkSignIn *self);
/* NULL for an Auth'n'Auth sign-in. */
RelinkAuthRequest *relink_sign_in_get_request (RelinkSignIn *self);
/* Makes the consent page known: at once for OAuth 2.0, after a Trading
 * GetSessionID for an eBay Auth'n'Auth keyset. Call it first. */
void relink_sign_in_prepare_async (RelinkSignIn *self,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean relink_sign_in_prepare_finish (RelinkSignIn *self, GAsyncResult *result, GError **error);
/* The consent page to open (in the login view or the system browser);
 * NULL for Auth'n'Auth until prepared. */
const char *relink_sign_in_get_authorize_url (RelinkSignIn *self);
/* Whether a navigation to @uri is the redirect back to Relink, which must
 * be caught and never loaded. */
gboolean relink_sign_in_is_redirect (RelinkSignIn *self, const char *uri);
/* Whether this renews an account that already has a verified identity. */
gboolean relink_sign_in_is_renewal (RelinkSignIn *self);

/* Completes the sign-in from the redirect address (caught or pasted back). */
void relink_sign_in_complete_async (RelinkSignIn *self,
                                    const char *redirect_uri,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean relink_sign_in_complete_finish (RelinkSignIn *self, GAsyncResult *result, GError **error);
/* After success: who signed in. */
RelinkIdentity *relink_sign_in_get_identity (RelinkSignIn *self);

G_END_DECLS
