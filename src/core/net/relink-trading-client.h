/* relink-trading-client.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-account-manager.h"
#include "relink-identity.h"
#include "relink-keyset.h"
#include "relink-oauth-error.h"
#include "relink-provider.h"
#include "relink-token-set.h"

G_BEGIN_DECLS

/* Answers larger than this are refused unread: a Trading answer about a
 * token or a user is a few kilobytes. */
#define RELINK_TRADING_MAX_RESPONSE_SIZE (256 * 1024)

/* The token_type Relink gives an Auth'n'Auth token set. */
#define RELINK_TRADING_TOKEN_TYPE "Auth'n'Auth"

#define RELINK_TYPE_TRADING_CLIENT (relink_trading_client_get_type ())

/* RelinkTradingClient: the HTTP client for eBay's Trading API calls that
 * make, check and end an Auth'n'Auth token: GetSessionID, FetchToken,
 * GetUser, GetTokenStatus, RevokeToken. XML over HTTPS (plain http only
 * on loopback, for tests), the X-EBAY-API-* headers, answers read through
 * relink_xml_parse() with its size and depth limits. It owns its
 * SoupSession (no cookies, no redirects followed); every call has one
 * overall deadline and is cancellable.
 *
 * The calls take the provider (for the environment's trading_url and the
 * profile's "auth_n_auth" values) and an Auth'n'Auth keyset: client id =
 * App ID, extra "dev_id" = Dev ID, redirect = RuName; the Cert ID (the
 * keyset's client secret, from the keyring) is passed in for each call
 * and is never kept, logged or quoted. Nor is a token. Errors are
 * RELINK_OAUTH_ERROR (or G_IO_ERROR_CANCELLED): eBay's error codes are
 * mapped as HACKING.md ("Auth'n'Auth") says. */
G_DECLARE_FINAL_TYPE (RelinkTradingClient, relink_trading_client, RELINK, TRADING_CLIENT, GObject)

RelinkTradingClient *relink_trading_client_new (void);

/* What GetUser and GetTokenStatus are authorised with. */
typedef enum
{
  RELINK_TRADING_CREDENTIAL_AUTH_N_AUTH, /* an eBayAuthToken, in RequesterCredentials */
  RELINK_TRADING_CREDENTIAL_OAUTH        /* an OAuth access token, in X-EBAY-API-IAF-TOKEN */
} RelinkTradingCredential;

/* What GetTokenStatus says of a token. */
typedef enum
{
  RELINK_TRADING_TOKEN_ACTIVE,
  RELINK_TRADING_TOKEN_EXPIRED,
  RELINK_TRADING_TOKEN_REVOKED
} RelinkTradingTokenStatus;

/* GetSessionID for the keyset's RuName: the id of one sign-in, valid for
 * five minutes. */
void relink_trading_client_get_session_id_async (RelinkTradingClient *self,
                                                 RelinkProvider *provider,
                                                 RelinkKeyset *keyset,
                                                 const char *cert_id,
                                                 GCancellable *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer user_data);
char *relink_trading_client_get_session_id_finish (RelinkTradingClient *self,
                                                   GAsyncResult *result,
                                                   GError **error);

/* The eBay sign-in page for @session_id:
 * trading_sign_in_url?SignIn&runame=<RuName>&SessID=<session id>, each
 * value URL-encoded once. NULL with @error set when the environment has
 * no such page. */
char *relink_trading_sign_in_url (RelinkProvider *provider,
                                  RelinkKeyset *keyset,
                                  const char *session_id,
                                  GError **error);

/* Whether @uri is where eBay sends the browser after an Auth'n'Auth
 * sign-in: the keyset's "accepted_url" (same scheme, host, port and path;
 * *@accepted unless its isAuthSuccessful parameter is "false"), or,
 * without one, eBay's default page: the environment's sign-in page with
 * the command ThirdPartyAuthSucessFailure (sic),
 * https://signin.ebay.com/ws/eBayISAPI.dll?ThirdPartyAuthSucessFailure
 * &isAuthSuccessful=true (*@accepted only with isAuthSuccessful=true). */
gboolean relink_trading_is_accepted_url (RelinkProvider *provider,
                                         RelinkKeyset *keyset,
                                         const char *uri,
                                         gboolean *accepted);

/* FetchToken for @session_id: a token set whose access token is the
 * eBayAuthToken and whose access expiry is HardExpirationTime (or now +
 * the profile's lifetime when eBay does not say); no refresh token. */
void relink_trading_client_fetch_token_async (RelinkTradingClient *self,
                                              RelinkProvider *provider,
                                              RelinkKeyset *keyset,
                                              const char *cert_id,
                                              const char *session_id,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data);
RelinkTokenSet *relink_trading_client_fetch_token_finish (RelinkTradingClient *self,
                                                          GAsyncResult *result,
                                                          GError **error);

/* The end of an Auth'n'Auth sign-in: FetchToken for @session_id, then
 * GetUser with the new token. Returns the tokens and, in @out_identity,
 * their owner; the caller compares the identity before storing, and
 * revokes the token (RevokeToken) when it refuses it. */
void relink_trading_client_sign_in_async (RelinkTradingClient *self,
                                          RelinkProvider *provider,
                                          RelinkKeyset *keyset,
                                          const char *cert_id,
                                          const char *session_id,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data);
RelinkTokenSet *relink_trading_client_sign_in_finish (RelinkTradingClient *self,
                                                      GAsyncResult *result,
                                                      RelinkIdentity **out_identity,
                                                      GError **error);

/* GetUser for the owner of @token: the identity's id is the EIASToken
 * (immutable: compare it), its name the UserID (shown). With
 * RELINK_TRADING_CREDENTIAL_OAUTH, @token is an OAuth access token sent
 * as X-EBAY-API-IAF-TOKEN and @keyset may be an OAuth keyset (its keys are
 * not sent): this is how an account's OAuth grant is tied to the same
 * seller as its Auth'n'Auth grant. @cert_id may be NULL then. */
void relink_trading_client_get_user_async (RelinkTradingClient *self,
                                           RelinkProvider *provider,
                                           RelinkKeyset *keyset,
                                           const char *cert_id,
                                           const char *token,
                                           RelinkTradingCredential credential,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data);
RelinkIdentity *relink_trading_client_get_user_finish (RelinkTradingClient *self,
                                                       GAsyncResult *result,
                                                       GError **error);

/* GetTokenStatus of @token (an eBayAuthToken). @out_expires_at: the
 * ExpirationTime eBay states (UTC unix seconds), 0 when none. An answer
 * that is not a status is an error; a status of expired or revoked is
 * not: the caller decides (the token service says "sign in again"). */
void relink_trading_client_get_token_status_async (RelinkTradingClient *self,
                                                   RelinkProvider *provider,
                                                   RelinkKeyset *keyset,
                                                   const char *cert_id,
                                                   const char *token,
                                                   GCancellable *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer user_data);
gboolean relink_trading_client_get_token_status_finish (RelinkTradingClient *self,
                                                        GAsyncResult *result,
                                                        RelinkTradingTokenStatus *out_status,
                                                        gint64 *out_expires_at,
                                                        GError **error);

/* Test of an Auth'n'Auth token: GetTokenStatus, then GetUser. The
 * identity of its owner (as relink_trading_client_get_user_async()), or
 * RELINK_OAUTH_ERROR_INVALID_GRANT when eBay says the token expired or
 * was revoked (sign in again); any other failure keeps the token. */
void relink_trading_client_test_token_async (RelinkTradingClient *self,
                                             RelinkProvider *provider,
                                             RelinkKeyset *keyset,
                                             const char *cert_id,
                                             const char *token,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer user_data);
RelinkIdentity *relink_trading_client_test_token_finish (RelinkTradingClient *self,
                                                         GAsyncResult *result,
                                                         GError **error);

/* RevokeToken: ends @token (an eBayAuthToken) at eBay. */
void relink_trading_client_revoke_token_async (RelinkTradingClient *self,
                                               RelinkProvider *provider,
                                               RelinkKeyset *keyset,
                                               const char *cert_id,
                                               const char *token,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer user_data);
gboolean relink_trading_client_revoke_token_finish (RelinkTradingClient *self,
                                                    GAsyncResult *result,
                                                    GError **error);

/* The error an answer of eBay's @error_code (an ErrorCode of the Trading
 * API, as text) means, for the call named @call_name ("FetchToken"). */
GError *relink_trading_error_for_code (const char *call_name, const char *error_code);

/* The one Trading client of everything @manager runs, kept on the
 * manager as object data, as relink_account_manager_get_oauth_client(). */
RelinkTradingClient *relink_account_manager_get_trading_client (RelinkAccountManager *manager);

G_END_DECLS
