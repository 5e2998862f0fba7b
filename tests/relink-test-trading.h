/* relink-test-trading.h
 *
 * A loopback stand-in for eBay's Trading API and its Auth'n'Auth sign-in
 * pages, on 127.0.0.1, written from eBay's documentation (not from
 * Relink's code): GetSessionID, FetchToken, GetUser (eBayAuthToken in
 * RequesterCredentials, or an OAuth token in X-EBAY-API-IAF-TOKEN),
 * GetTokenStatus and RevokeToken at /ws/api.dll, XML in and out, the
 * X-EBAY-API-* headers checked; the sign-in page and the consent page at
 * /ws/eBayISAPI.dll, which send the browser to the RuName's accepted URL.
 * relink-test-trading.c lists the documents and the error answers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "relink-account-manager.h"
#include "relink-keyset.h"
#include "relink-provider.h"

G_BEGIN_DECLS

/* The one developer keyset the stub knows. The Cert ID is a test value. */
#define RELINK_TEST_TRADING_APP_ID "ShopOwne-Relink-PRD-1a2b3c4d5-6e7f8a9b"
#define RELINK_TEST_TRADING_DEV_ID "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
#define RELINK_TEST_TRADING_CERT_ID "PRD-1a2b3c4d5e6f-7a8b-9c0d-1e2f-3a4b"
#define RELINK_TEST_TRADING_RUNAME "Shop_Owner-ShopOwne-Relink-trading"
/* The one OAuth keyset (App ID and Cert ID of eBay's OAuth) the stub's
 * token endpoint accepts. Test values. */
#define RELINK_TEST_TRADING_OAUTH_CLIENT_ID "ShopOwne-Relink-PRD-oauth-7c6b5a49"
#define RELINK_TEST_TRADING_OAUTH_SECRET "PRD-oauth-5e4d3c2b1a09-8f7e-6d5c"
/* Every user signs in with this password. */
#define RELINK_TEST_TRADING_PASSWORD "secret"

typedef struct _RelinkTestTrading RelinkTestTrading;

/* Starts the stub in this thread's main context. After the sign-in and
 * consent pages the browser goes to @accepted_url?isAuthSuccessful=true
 * &username=USER (the RuName's "auth accepted" URL), or, when NULL, to
 * the stub's own /ws/eBayISAPI.dll?ThirdPartyAuthSucessFailure
 * &isAuthSuccessful=true|false page, as eBay does when a RuName has no
 * accepted URL of its own. */
RelinkTestTrading *relink_test_trading_new (const char *accepted_url);
void relink_test_trading_free (RelinkTestTrading *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RelinkTestTrading, relink_test_trading_free)

/* "http://127.0.0.1:PORT". */
const char *relink_test_trading_get_base (RelinkTestTrading *self);

/* A seller: eBay user id @user_id (changeable, shown) with the immutable
 * @eias_token. */
void
relink_test_trading_add_user (RelinkTestTrading *self, const char *user_id, const char *eias_token);
/* An OAuth access token of @user_id that GetUser accepts in
 * X-EBAY-API-IAF-TOKEN. */
void relink_test_trading_add_oauth_token (RelinkTestTrading *self,
                                          const char *oauth_token,
                                          const char *user_id);

/* The Commerce Identity userId of @user_id: "commerce-USER". */
char *relink_test_trading_commerce_id (const char *user_id);
/* An OAuth authorization code of @user_id, as eBay's consent page would
 * put on the redirect; the token endpoint exchanges it once for tokens
 * that GetUser and Commerce Identity accept. */
char *relink_test_trading_oauth_code (RelinkTestTrading *self, const char *user_id);
/* An OAuth refresh token of @user_id that the token endpoint accepts. */
void relink_test_trading_add_refresh_token (RelinkTestTrading *self,
                                            const char *refresh_token,
                                            const char *user_id);

/* What the sign-in and consent pages do, without a browser: @user_id
 * agrees (or not) for @session_id. */
void relink_test_trading_consent (RelinkTestTrading *self,
                                  const char *session_id,
                                  const char *user_id,
                                  gboolean agree);
/* Makes @session_id older than eBay's five minutes. */
void relink_test_trading_expire_session (RelinkTestTrading *self, const char *session_id);
/* The session id of the newest GetSessionID, NULL before any. */
const char *relink_test_trading_get_last_session (RelinkTestTrading *self);

/* A valid eBayAuthToken for @user_id, as FetchToken would hand out. */
char *relink_test_trading_issue_token (RelinkTestTrading *self, const char *user_id);
/* Makes @token hard-expired (eBay's 932 from then on). */
void relink_test_trading_expire_token (RelinkTestTrading *self, const char *token);
/* "Active", "Expired" or "RevokedByApp". */
const char *relink_test_trading_token_status (RelinkTestTrading *self, const char *token);
/* The HardExpirationTime FetchToken states, UTC unix seconds. */
gint64 relink_test_trading_get_hard_expiration (RelinkTestTrading *self);

/* Makes the next answers to @call_name a failure with eBay error
 * @error_code (NULL: back to normal). */
void relink_test_trading_fail_call (RelinkTestTrading *self,
                                    const char *call_name,
                                    const char *error_code);

/* The eBay profile Relink ships, with every environment's trading_url,
 * trading_sign_in_url, token_url and identity_url moved to the stub (same
 * paths). */
RelinkProvider *relink_test_trading_provider (RelinkTestTrading *self);
/* Its JSON text. */
char *relink_test_trading_profile_json (RelinkTestTrading *self);
/* An Auth'n'Auth keyset of @provider's @environment with the stub's App
 * ID, Dev ID and RuName, and @accepted_url (may be NULL). */
RelinkKeyset *relink_test_trading_keyset (RelinkProvider *provider,
                                          const char *environment,
                                          const char *accepted_url);

/* Writes the stub's profile as a custom one, id @provider_id, to
 * @dir/@provider_id.json. */
void relink_test_trading_write_profile (RelinkTestTrading *self,
                                        const char *dir,
                                        const char *provider_id);
/* Adds through @manager an Auth'n'Auth keyset of @provider_id's
 * production environment with the stub's keys (the Cert ID in the
 * keyring) and @accepted_url (may be NULL). Returns the manager's keyset. */
RelinkKeyset *relink_test_trading_add_keyset (RelinkAccountManager *manager,
                                              const char *provider_id,
                                              const char *accepted_url);
/* eBay's own page after an agreed (or declined) sign-in at the stub. */
char *relink_test_trading_default_page (RelinkTestTrading *self, gboolean agreed);

/* Whether GetUser with an OAuth token (X-EBAY-API-IAF-TOKEN) is left
 * unanswered from now on. */
void relink_test_trading_stall_oauth_get_user (RelinkTestTrading *self, gboolean stall);

/* How many requests of @call_name ("FetchToken") came in; the OAuth
 * side counts "oauth-code", "oauth-refresh" and "commerce-identity". */
guint relink_test_trading_hits (RelinkTestTrading *self, const char *call_name);

G_END_DECLS
