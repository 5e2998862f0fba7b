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

G_END_DECLS
