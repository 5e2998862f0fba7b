/* relink-oauth-client.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-account-manager.h"
#include "relink-auth-request.h"
#include "relink-identity.h"
#include "relink-keyset.h"
#include "relink-oauth-error.h"
#include "relink-provider.h"
#include "relink-token-set.h"

G_BEGIN_DECLS

/* Answers larger than this are refused unread: no token answer comes close. */
#define RELINK_OAUTH_MAX_RESPONSE_SIZE (256 * 1024)

#define RELINK_TYPE_OAUTH_CLIENT (relink_oauth_client_get_type ())

/* RelinkOAuthClient: Relink's only HTTP client for OAuth: code exchange,
 * refresh, who-am-I, RFC 7009 and Mercado Libre revocation, speaking each marketplace's
 * dialect (client authentication, AliExpress signatures, eBay RuNames).
 * One per application; it owns the SoupSession. Everything is
 * asynchronous and cancellable.
 *
 * Secrets (client secret, Etsy's shared secret) are passed in by the
 * caller for each call and are never logged, kept or quoted in an error.
 * Only https:// endpoints are contacted (plain http:// only on loopback,
 * for tests); certificates are verified; redirects are not followed; an
 * answer above RELINK_OAUTH_MAX_RESPONSE_SIZE is refused. Errors are
 * RELINK_OAUTH_ERROR (or G_IO_ERROR_CANCELLED). */
G_DECLARE_FINAL_TYPE (RelinkOAuthClient, relink_oauth_client, RELINK, OAUTH_CLIENT, GObject)

RelinkOAuthClient *relink_oauth_client_new (void);

/* Exchanges the code of @response (parsed by @request) for tokens.
 * @client_secret may be NULL for public clients (Etsy). */
void relink_oauth_client_exchange_code_async (RelinkOAuthClient *self,
                                              RelinkAuthRequest *request,
                                              RelinkAuthResponse *response,
                                              const char *client_secret,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data);
/* @out_identity: (optional): set when the identity comes with the sign-in
 * itself (AliExpress' token answer, Amazon's redirect), else NULL: then
 * call relink_oauth_client_fetch_identity_async(). */
RelinkTokenSet *relink_oauth_client_exchange_code_finish (RelinkOAuthClient *self,
                                                          GAsyncResult *result,
                                                          RelinkIdentity **out_identity,
                                                          GError **error);

/* Refreshes @previous (which is not changed). The result keeps the old
 * refresh token when the answer has none. eBay: scope is always sent (the
 * set's scope, else the profile's). */
void relink_oauth_client_refresh_async (RelinkOAuthClient *self,
                                        RelinkProvider *provider,
                                        RelinkKeyset *keyset,
                                        RelinkTokenSet *previous,
                                        const char *client_secret,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
RelinkTokenSet *
relink_oauth_client_refresh_finish (RelinkOAuthClient *self, GAsyncResult *result, GError **error);

/* Asks the marketplace who @access_token belongs to (identity source
 * ENDPOINT or ID_TOKEN: GET identity-url with a Bearer header, plus
 * Etsy's x-api-key "keystring:@shared_secret" when given). An id_token is
 * never trusted unverified: OpenID identity comes from userinfo. */
void relink_oauth_client_fetch_identity_async (RelinkOAuthClient *self,
                                               RelinkProvider *provider,
                                               RelinkKeyset *keyset,
                                               const char *access_token,
                                               const char *shared_secret,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer user_data);
RelinkIdentity *relink_oauth_client_fetch_identity_finish (RelinkOAuthClient *self,
                                                           GAsyncResult *result,
                                                           GError **error);

/* Code exchange followed, where needed, by the identity fetch: what the
 * login view runs after the redirect. Returns the tokens and the identity
 * together or an error; the caller compares the identity before storing. */
void relink_oauth_client_sign_in_async (RelinkOAuthClient *self,
                                        RelinkAuthRequest *request,
                                        RelinkAuthResponse *response,
                                        const char *client_secret,
                                        const char *shared_secret,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
RelinkTokenSet *relink_oauth_client_sign_in_finish (RelinkOAuthClient *self,
                                                    GAsyncResult *result,
                                                    RelinkIdentity **out_identity,
                                                    GError **error);

/* RFC 7009: POST token (+ token_type_hint, may be NULL) with the same
 * client authentication as the token endpoint. No priority marketplace has
 * such an endpoint: RELINK_OAUTH_ERROR_NOT_SUPPORTED when the profile
 * names none. */
void relink_oauth_client_revoke_async (RelinkOAuthClient *self,
                                       RelinkProvider *provider,
                                       RelinkKeyset *keyset,
                                       const char *token,
                                       const char *token_type_hint,
                                       const char *client_secret,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
gboolean
relink_oauth_client_revoke_finish (RelinkOAuthClient *self, GAsyncResult *result, GError **error);

/* Mercado Libre's revocation: DELETE the environment's
 * revoke_application_url for @user_id (the verified identity) and the
 * keyset's client id, with @access_token as Bearer. Success means the
 * marketplace answered 2xx. RELINK_OAUTH_ERROR_NOT_SUPPORTED when the
 * profile names no such address. */
void relink_oauth_client_revoke_application_async (RelinkOAuthClient *self,
                                                   RelinkProvider *provider,
                                                   RelinkKeyset *keyset,
                                                   const char *user_id,
                                                   const char *access_token,
                                                   GCancellable *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer user_data);
gboolean relink_oauth_client_revoke_application_finish (RelinkOAuthClient *self,
                                                        GAsyncResult *result,
                                                        GError **error);

/* The one HTTP client for OAuth, shared by everything @manager runs: kept
 * on the manager as object data (relink-account-manager-oauth.c), so the
 * manager itself links no HTTP stack. */
RelinkOAuthClient *relink_account_manager_get_oauth_client (RelinkAccountManager *manager);

G_END_DECLS
