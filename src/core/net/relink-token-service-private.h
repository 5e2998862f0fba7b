/* relink-token-service-private.h
 *
 * What the token service's units share: relink-token-service.c (the
 * object, its in-flight and retry tables, hooks and history) and the
 * three operations built on it, relink-token-refresh.c,
 * relink-token-test.c and relink-token-revoke.c. Nothing outside those
 * files includes it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "relink-account-lock.h"
#include "relink-identity.h"
#include "relink-oauth-error.h"
#include "relink-token-failure.h"
#include "relink-token-service.h"

G_BEGIN_DECLS

struct _RelinkTokenService
{
  GObject parent_instance;

  RelinkAccountManager *manager;
  gint64 margin;
  char *hooks_dir;

  /* account id -> Refresh (relink-token-refresh.c): the refresh, or look
   * at the keyring, in flight; later callers join it. */
  GHashTable *refreshes;
  /* account id -> Retry: transient failures waiting for another try. */
  GHashTable *retries;
};

typedef struct _RelinkTokenKind RelinkTokenKind;

/* The account an operation on tokens is about: its objects and, copied
 * on the main thread, what the worker threads read; then what they hold
 * while they work. */
typedef struct
{
  RelinkAccount *account;
  RelinkKeyset *keyset;
  RelinkProvider *provider;
  char *account_id;
  char *keyset_id;
  char *program;
  gboolean needs_client_secret;
  const RelinkTokenKind *kind; /* the grant kind's operations (relink-token-kinds.c) */
  const char *grant_label;     /* "OAuth", "Auth'n'Auth": static, translated */

  RelinkAccountLock *lock;
  RelinkTokenSet *tokens;
  char *client_secret; /* wiped */
} RelinkTokenTarget;

/* Fills @target for @account: FALSE, with @error set, when the account's
 * keys or their profile are missing. */
gboolean relink_token_target_init (RelinkTokenTarget *target,
                                   RelinkTokenService *self,
                                   RelinkAccount *account,
                                   GError **error);
void relink_token_target_clear (RelinkTokenTarget *target);

gboolean relink_token_set_has_refresh_token (RelinkTokenSet *tokens);

/* The manager's object for @account when it is another one (relinkctl
 * may hold a copy): both must show the new state. NULL otherwise. */
RelinkAccount *relink_token_service_shown_account (RelinkTokenService *self,
                                                   RelinkAccount *account);

/* Records a history entry; a failure to record is only logged. Safe in
 * a worker thread. */
void relink_token_service_add_history (RelinkStore *store,
                                       const char *account_id,
                                       RelinkHistoryKind kind,
                                       gboolean ok,
                                       const char *program,
                                       const char *message);

/* Schedules the next try of @account after a transient failure (the
 * marketplace's @retry_after under RELINK_RETRY_AFTER, else exponential
 * backoff) and returns its delay in seconds. */
gint64 relink_token_service_schedule_retry (RelinkTokenService *self,
                                            RelinkAccount *account,
                                            RelinkRetryPolicy policy,
                                            gint64 retry_after);
void relink_token_service_clear_retry (RelinkTokenService *self, RelinkAccount *account);

/* Runs the hooks with the given expiries; ::hooks-finished follows. */
void relink_token_service_run_hooks_with (RelinkTokenService *self,
                                          RelinkAccount *account,
                                          RelinkHookEvent event,
                                          gint64 access_expires_at,
                                          gint64 refresh_expires_at);
void relink_token_service_emit_refreshed (RelinkTokenService *self, RelinkAccount *account);

/* Starts a refresh of @account, or joins the one in flight (@forced:
 * whatever the expiry). Takes @task, which gets the RelinkTokenSet (or
 * the error) as a pointer. */
void relink_token_service_refresh_tokens (RelinkTokenService *self,
                                          RelinkAccount *account,
                                          gboolean forced,
                                          GTask *task);

/* What the token service does differently per grant kind (HACKING.md,
 * "Grant kind"): the one place it dispatches on the kind, in
 * relink-token-kinds.c. Each call's result comes to @callback with the
 * object that did the work as its source; pass that to the finish. */
struct _RelinkTokenKind
{
  const char *kind; /* RELINK_GRANT_KIND_* */
  /* The kind's own Test and Revoke calls authenticate with the keyset's
   * client secret (eBay's Cert ID): the service reads it from the keyring
   * into target->client_secret before them. */
  gboolean calls_need_client_secret;

  /* Refreshes target->tokens (with target->client_secret). NULL for a
   * kind without refresh tokens: a lapsed grant of it needs a new
   * sign-in, and never counts as a failed refresh. */
  void (*refresh_async) (RelinkTokenService *self,
                         RelinkTokenTarget *target,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data);
  RelinkTokenSet *(*refresh_finish) (GObject *source, GAsyncResult *result, GError **error);

  /* Who @access_token belongs to, for Test: a RelinkIdentity, or
   * RELINK_OAUTH_ERROR_INVALID_GRANT when the marketplace refuses the
   * token. NULL: Test answers "not available" for the kind. */
  void (*fetch_identity_async) (RelinkTokenService *self,
                                RelinkTokenTarget *target,
                                const char *access_token,
                                const char *shared_secret,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
  RelinkIdentity *(*fetch_identity_finish) (GObject *source, GAsyncResult *result, GError **error);

  /* Withdraws the grant at the marketplace with @token (the kind's own
   * revocation, e.g. eBay's RevokeToken). NULL for OAuth 2.0, whose RFC
   * 7009 and application revocations are relink-token-revoke.c's, and for
   * a kind that cannot be asked: the tokens are then only forgotten here
   * and the seller is sent to the connected-apps page. */
  void (*revoke_async) (RelinkTokenService *self,
                        RelinkTokenTarget *target,
                        const char *token,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data);
  gboolean (*revoke_finish) (GObject *source, GAsyncResult *result, GError **error);
};

/* The operations of @kind (RELINK_GRANT_KIND_*); an unknown kind gets a
 * table with none, so nothing is sent on its behalf. */
const RelinkTokenKind *relink_token_kind_lookup (const char *kind);
/* The error of a grant that lapsed (or must be refreshed) but has no
 * refresh token: the seller signs in again. @display_name names the
 * account, @label the grant ("Auth'n'Auth"), @expires_at when it lapsed. */
GError *
relink_token_kind_no_refresh_error (const char *display_name, const char *label, gint64 expires_at);

G_END_DECLS
