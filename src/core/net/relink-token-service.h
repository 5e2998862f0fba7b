/* relink-token-service.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-account-manager.h"
#include "relink-hooks.h"

G_BEGIN_DECLS

#define RELINK_TOKEN_SERVICE_ERROR (relink_token_service_error_quark ())

/* Errors of the service itself; failures of the marketplace arrive as
 * RELINK_OAUTH_ERROR with the plain message of relink_token_failure_describe(). */
typedef enum
{
  RELINK_TOKEN_SERVICE_ERROR_NOT_CONNECTED, /* the account has no tokens (never connected, revoked)
                                             */
  RELINK_TOKEN_SERVICE_ERROR_CONFIGURATION, /* no keyset, no profile, or a missing client secret */
  RELINK_TOKEN_SERVICE_ERROR_NO_REFRESH, /* the access token lapsed and there is no refresh token */
  RELINK_TOKEN_SERVICE_ERROR_NOT_AVAILABLE, /* the marketplace offers no such check (Amazon's
                                               identity) */
  RELINK_TOKEN_SERVICE_ERROR_WRONG_ACCOUNT, /* the token belongs to someone else */
  RELINK_TOKEN_SERVICE_ERROR_FAILED,
  /* The marketplace refused the revocation for good (a 4xx other than
   * 401 and 429, or 501): asking again will not help; the tokens are
   * still here, for relink_token_service_forget_tokens_async(). */
  RELINK_TOKEN_SERVICE_ERROR_REVOCATION_REFUSED
} RelinkTokenServiceError;

GQuark relink_token_service_error_quark (void);

#define RELINK_TYPE_TOKEN_SERVICE (relink_token_service_get_type ())

/* RelinkTokenService: hands out valid access tokens and keeps them valid.
 * One per process, over the process's RelinkAccountManager.
 *
 * A refresh of one account runs at most once at a time across all
 * processes (a flock(2) lock per account, see RelinkAccountLock); a second
 * caller in this process joins the refresh in flight. Under the lock the
 * keyring is read again, so a token another process just refreshed is used
 * without a request. The new token set is written to the keyring in one
 * write before anything else (a rotating refresh token is single use), then
 * the store gets the dates, the status and a history entry, then the
 * RelinkAccount is updated on the main thread and the hooks run.
 *
 * A refresh records "started at T" in the store first; a process killed
 * mid-refresh leaves that mark, and the next refresh of the account tells
 * from the keyring whether the new token had been saved (and adopts it) or
 * not (the old one is used; should the marketplace then refuse it, the
 * message says the interrupted refresh is the likely cause).
 *
 * Failures set the account's status and message (see
 * relink_token_failure_classify()); stored tokens are never deleted by an
 * error. Transient failures schedule a retry (exponential backoff with
 * jitter, or the marketplace's Retry-After), which RelinkKeepAlive runs.
 *
 * Signals: ::refreshed (RelinkAccount) after a refresh this process made
 * was saved; ::schedule-changed (RelinkAccount) when its retry moment
 * changed; ::hooks-finished (RelinkAccount, guint hooks run) when the
 * hooks started by this service have exited. */
G_DECLARE_FINAL_TYPE (RelinkTokenService, relink_token_service, RELINK, TOKEN_SERVICE, GObject)

RelinkTokenService *relink_token_service_new (RelinkAccountManager *manager);
RelinkAccountManager *relink_token_service_get_manager (RelinkTokenService *self);
/* The token service made first for @manager while it lives (the
 * context's one), for code handed only the manager; NULL when there is
 * none. Not a new reference. */
RelinkTokenService *relink_account_manager_get_token_service (RelinkAccountManager *manager);

/* Seconds before the access expiry at which a token counts as due for a
 * refresh; RELINK_TOKEN_REFRESH_MARGIN by default. */
gint64 relink_token_service_get_margin (RelinkTokenService *self);
void relink_token_service_set_margin (RelinkTokenService *self, gint64 seconds);

/* The directory whose executables run after a refresh (NULL: the default,
 * $XDG_CONFIG_HOME/relink/hooks). */
const char *relink_token_service_get_hooks_dir (RelinkTokenService *self);
void relink_token_service_set_hooks_dir (RelinkTokenService *self, const char *dir);

/* A valid access token for @account, refreshed first when it expires
 * within the margin or its expiry is unknown. A refresh, once started, is
 * never abandoned half-way (its answer must reach the keyring): a
 * cancelled caller gets G_IO_ERROR_CANCELLED when it has been saved. */
void relink_token_service_get_access_token_async (RelinkTokenService *self,
                                                  RelinkAccount *account,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer user_data);
/* Returns the access token: wipe it with relink_secret_free(). @out_expires_at
 * (optional): its expiry, UTC unix seconds, 0 when unknown. */
char *relink_token_service_get_access_token_finish (RelinkTokenService *self,
                                                    GAsyncResult *result,
                                                    gint64 *out_expires_at,
                                                    GError **error);

/* Refreshes now, whatever the expiry (still once across processes: when
 * another process refreshed after this call began, its result is taken). */
void relink_token_service_refresh_async (RelinkTokenService *self,
                                         RelinkAccount *account,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
gboolean relink_token_service_refresh_finish (RelinkTokenService *self,
                                              GAsyncResult *result,
                                              GError **error);

/* Tests the connection: asks the marketplace who the (valid) access token
 * belongs to, compares it with the account, and records the result and its
 * time (store + history). A 401 gets one refresh and one more try. */
void relink_token_service_test_async (RelinkTokenService *self,
                                      RelinkAccount *account,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
/* Returns the text shown, "Connected as shop_a — 120 ms"; on failure the
 * error's message is the text ("The token belongs to shop_b, not shop_a."). */
char *
relink_token_service_test_finish (RelinkTokenService *self, GAsyncResult *result, GError **error);

/* Revokes the account's authorisation where the marketplace can be asked
 * (Mercado Libre's DELETE call with a freshly refreshed token, or an RFC
 * 7009 endpoint), then clears the tokens from the keyring, sets the status
 * NOT_CONNECTED and records a REVOCATION. Where the marketplace cannot be
 * asked, or refuses (not a network or server fault), the tokens are still
 * forgotten here and the seller removes the app on the marketplace's
 * connected-apps page. A network or server fault keeps everything. */
void relink_token_service_revoke_async (RelinkTokenService *self,
                                        RelinkAccount *account,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
/* @out_withdrawn (optional): whether the marketplace confirmed it
 * cancelled the authorisation. @out_connected_apps_url (optional): set
 * (free it) when the seller must still remove the app by hand and the
 * profile names the page for it; else NULL. */
gboolean relink_token_service_revoke_finish (RelinkTokenService *self,
                                             GAsyncResult *result,
                                             gboolean *out_withdrawn,
                                             char **out_connected_apps_url,
                                             GError **error);

/* Removes the account's tokens from this computer without asking the
 * marketplace, after it refused the revocation
 * (RELINK_TOKEN_SERVICE_ERROR_REVOCATION_REFUSED): the end of a
 * revocation, under the account's lock, recorded as one that the
 * marketplace did not confirm. Finish with relink_token_service_revoke_finish(). */
void relink_token_service_forget_tokens_async (RelinkTokenService *self,
                                               RelinkAccount *account,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer user_data);

/* Whether the seller may have the tokens removed here anyway after
 * @error from a revocation (the window's "Remove the Tokens Here Anyway",
 * `relinkctl revoke --force`): the marketplace refused it for good
 * (RELINK_TOKEN_SERVICE_ERROR_REVOCATION_REFUSED) or could not be reached
 * (RELINK_OAUTH_ERROR_NETWORK, a timeout included). Not after a server
 * fault or a rate limit, which a retry soon may overcome, nor when the
 * keyring or the account's lock stood in the way. */
gboolean relink_token_service_revocation_can_forget (const GError *error);

/* When the service wants to retry @account after a transient failure (UTC
 * unix seconds), 0 when no retry is due. Emits ::schedule-changed when it
 * changes. */
gint64 relink_token_service_get_retry_at (RelinkTokenService *self, RelinkAccount *account);

/* Runs the hooks for @account after @event. The sign-in code calls this
 * after a renewal; refreshes run them by themselves. Never waits. */
void relink_token_service_run_hooks (RelinkTokenService *self,
                                     RelinkAccount *account,
                                     RelinkHookEvent event);

/* What follows every sign-in (connect or renewal), wherever it started:
 * the renewal hooks learn of the new expiry, and a connection test proves
 * the new token and records it in the history; where the sign-in asked
 * the identity endpoint already, its recorded answer is the test's (the
 * marketplace is asked once). Finish it with relink_token_service_test_finish(). */
void relink_token_service_signed_in_async (RelinkTokenService *self,
                                           RelinkAccount *account,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data);

G_END_DECLS
