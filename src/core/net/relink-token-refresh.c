/* relink-token-refresh.c
 *
 * The token service's refresh: relink_token_service_get_access_token_async()
 * and relink_token_service_refresh_async(). One Refresh per account at a
 * time, in the service's in-flight table; every caller in this process
 * that asks meanwhile joins it as a waiter.
 *
 * A refresh runs in three steps: a worker thread takes the account's
 * lock and reads the keyring (prepare_thread), the OAuth client asks the
 * marketplace on the main thread when a request is needed, and a worker
 * thread saves the answer, keyring first (save_thread). The Refresh is
 * owned by the in-flight table from refresh_tokens() to refresh_complete(),
 * which returns on every waiter and frees it; the inner tasks only carry
 * it (task data without a destroy function).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-expiry.h"
#include "relink-oauth-client.h"
#include "relink-token-service-private.h"

/* What a refresh found and did, carried from the worker thread back to
 * the main thread. */
typedef enum
{
  OUTCOME_CACHED,    /* the keyring's token was good: no request */
  OUTCOME_REFRESHED, /* a request was made and its answer saved */
  OUTCOME_FAILED
} Outcome;

/* Copied from the account's objects on the main thread, for the worker
 * threads: the keyring item's label and the words of a failure. */
typedef struct
{
  char *label;
  char *display_name;
  char *marketplace;
  char *keyset_name;
  gint64 client_secret_lifetime;
  gboolean keyset_was_invalid;
} Names;

/* What a failed refresh means for the account (judge_failure), written
 * to the store by save_thread and to the objects by refresh_complete. */
typedef struct
{
  RelinkAccountStatus status;
  char *message;
  gboolean changed;
  gboolean flag_keyset;
  GPtrArray *keyset_account_ids; /* accounts sharing a refused keyset */
} Verdict;

/* One refresh of one account, shared by every caller in this process that
 * asked for it while it ran. */
typedef struct
{
  RelinkTokenService *self;
  RelinkTokenTarget target; /* target.tokens: the keyring's set, then the new one */
  Names names;
  gint64 margin;
  gint64 requested_at;
  /* Set when a forced refresh joined: read only in the first thread step. */
  gint forced;

  /* Found by the first thread step: a dead process left a refresh mark,
   * and its answer was lost (interrupted) or had been saved (adopted). */
  gboolean interrupted;
  gboolean adopted;

  Outcome outcome;
  GError *error;
  Verdict verdict;

  GPtrArray *waiters; /* GTask */
} Refresh;

static void
refresh_free (Refresh *refresh)
{
  g_clear_object (&refresh->self);
  relink_token_target_clear (&refresh->target);
  g_free (refresh->names.label);
  g_free (refresh->names.display_name);
  g_free (refresh->names.marketplace);
  g_free (refresh->names.keyset_name);
  g_clear_error (&refresh->error);
  g_free (refresh->verdict.message);
  g_clear_pointer (&refresh->verdict.keyset_account_ids, g_ptr_array_unref);
  g_clear_pointer (&refresh->waiters, g_ptr_array_unref);
  g_free (refresh);
}

static void refresh_complete (Refresh *refresh);

static gboolean
access_is_due (RelinkTokenSet *tokens, gint64 now, gint64 margin)
{
  gint64 expires_at = relink_token_set_get_access_expires_at (tokens);
  const char *access = relink_token_set_get_access_token (tokens);

  return access == NULL || access[0] == '\0' || expires_at == 0 || expires_at - now <= margin;
}

/* A mark left by a refresh that never finished: its process died. The
 * keyring is written first, so a set issued since the mark that differs
 * from the store's dates is the lost refresh's answer. */
static gboolean
check_interrupted (Refresh *refresh, RelinkStore *store, GError **error)
{
  g_autoptr (RelinkAccount) stored = NULL;
  gint64 started_at = 0;
  gint64 issued_at;

  if (!relink_store_get_refresh_started (store, refresh->target.account_id, &started_at, error))
    return FALSE;
  if (started_at == 0)
    return TRUE;

  stored = relink_store_load_account (store, refresh->target.account_id, error);
  if (stored == NULL)
    return FALSE;

  issued_at = relink_token_set_get_issued_at (refresh->target.tokens);
  if (issued_at >= started_at
      && (relink_token_set_get_access_expires_at (refresh->target.tokens)
              != relink_account_get_access_expires_at (stored)
          || relink_token_set_get_refresh_expires_at (refresh->target.tokens)
                 != relink_account_get_refresh_expires_at (stored)))
    {
      refresh->adopted = TRUE;

      if (!relink_store_update_token_dates (
              store, refresh->target.account_id,
              relink_token_set_get_access_expires_at (refresh->target.tokens),
              relink_token_set_get_refresh_expires_at (refresh->target.tokens), issued_at, error)
          || !relink_store_update_status (store, refresh->target.account_id,
                                          RELINK_ACCOUNT_STATUS_CONNECTED, NULL, error))
        return FALSE;

      relink_token_service_add_history (
          store, refresh->target.account_id, RELINK_HISTORY_KIND_REFRESH, TRUE,
          refresh->target.program,
          _ ("A refresh was interrupted after the new token had been saved; Relink "
             "uses the new token."));
    }
  else
    {
      refresh->interrupted = TRUE;
      relink_token_service_add_history (
          store, refresh->target.account_id, RELINK_HISTORY_KIND_REFRESH, FALSE,
          refresh->target.program,
          _ ("A refresh was interrupted before the new token was saved; Relink still "
             "uses the previous token."));
    }

  return relink_store_set_refresh_started (store, refresh->target.account_id, 0, error);
}

static void
prepare_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  Refresh *refresh = task_data;
  RelinkSecrets *secrets = relink_account_manager_get_secrets (refresh->self->manager);
  RelinkStore *store = relink_account_manager_get_store (refresh->self->manager);
  GError *error = NULL;
  gint64 now;
  gboolean forced;

  refresh->target.lock = relink_account_lock_acquire (refresh->target.account_id, NULL, &error);
  if (refresh->target.lock == NULL)
    goto fail;

  /* Read under the lock: another process may have refreshed meanwhile. */
  refresh->target.tokens
      = relink_secrets_lookup_tokens_sync (secrets, refresh->target.account_id, NULL, &error);
  if (refresh->target.tokens == NULL)
    {
      if (error == NULL)
        error = g_error_new (RELINK_TOKEN_SERVICE_ERROR, RELINK_TOKEN_SERVICE_ERROR_NOT_CONNECTED,
                             _ ("The account “%s” is not connected. Connect it first."),
                             refresh->names.display_name);
      goto fail;
    }

  if (!check_interrupted (refresh, store, &error))
    goto fail;

  now = relink_now ();
  forced = g_atomic_int_get (&refresh->forced);

  /* A forced refresh is satisfied by one another process made after it
   * was asked for: the point is a token newer than the request. Only a
   * later second counts: within the same one, the set may be older. */
  if (forced && relink_token_set_get_issued_at (refresh->target.tokens) > refresh->requested_at
      && !refresh->interrupted)
    forced = FALSE;

  if (!forced && !access_is_due (refresh->target.tokens, now, refresh->margin))
    {
      refresh->outcome = OUTCOME_CACHED;
      g_clear_pointer (&refresh->target.lock, relink_account_lock_release);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (!relink_token_set_has_refresh_token (refresh->target.tokens))
    {
      gint64 expires_at = relink_token_set_get_access_expires_at (refresh->target.tokens);

      /* Nothing to refresh with (eBay Auth'n'Auth, an imported access
       * token): what is still valid is still useful. */
      if (!forced && (expires_at == 0 || expires_at > now)
          && relink_token_set_get_access_token (refresh->target.tokens) != NULL)
        {
          refresh->outcome = OUTCOME_CACHED;
          g_clear_pointer (&refresh->target.lock, relink_account_lock_release);
          g_task_return_boolean (task, TRUE);
          return;
        }
    }

  /* A kind without refresh tokens (eBay Auth'n'Auth) that lapsed needs a
   * new sign-in: nothing to ask the marketplace, no failed refresh. */
  if (refresh->target.kind->refresh_async == NULL)
    {
      error = relink_token_kind_no_refresh_error (
          refresh->names.display_name, refresh->target.grant_label,
          relink_token_set_get_access_expires_at (refresh->target.tokens));
      goto fail;
    }

  if (refresh->target.needs_client_secret)
    {
      refresh->target.client_secret = relink_secrets_lookup_keyset_secret_sync (
          secrets, refresh->target.keyset_id, "client_secret", NULL, &error);
      if (error != NULL)
        goto fail;
    }

  /* Before the request: if this process dies before the answer is
   * saved, the next run knows to look. */
  if (!relink_store_set_refresh_started (store, refresh->target.account_id, MAX (now, 1), &error))
    goto fail;

  refresh->outcome = OUTCOME_REFRESHED;
  g_task_return_boolean (task, TRUE);
  return;

fail:
  refresh->outcome = OUTCOME_FAILED;
  g_clear_pointer (&refresh->target.lock, relink_account_lock_release);
  g_task_return_error (task, error);
}

/* The keyring could not take the new set: the refresh failed after all. */
static void
save_failed (Refresh *refresh, RelinkStore *store, GError *error)
{
  /* The mark stays: the next run must treat this as interrupted. */
  g_prefix_error (&error, _ ("The new token could not be saved: "));
  refresh->outcome = OUTCOME_FAILED;
  refresh->error = error;
  refresh->verdict.status = RELINK_ACCOUNT_STATUS_ERROR;
  g_free (refresh->verdict.message);
  refresh->verdict.message = g_strdup (error->message);
  refresh->verdict.changed = TRUE;
  relink_store_update_status (store, refresh->target.account_id, refresh->verdict.status,
                              refresh->verdict.message, NULL);
  relink_token_service_add_history (store, refresh->target.account_id, RELINK_HISTORY_KIND_REFRESH,
                                    FALSE, refresh->target.program, refresh->verdict.message);
}

static void
save_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  Refresh *refresh = task_data;
  RelinkSecrets *secrets = relink_account_manager_get_secrets (refresh->self->manager);
  RelinkStore *store = relink_account_manager_get_store (refresh->self->manager);
  g_autoptr (GError) store_error = NULL;
  GError *error = NULL;

  if (refresh->outcome == OUTCOME_REFRESHED)
    {
      /* One write, first: a rotating refresh token is single use, and the
       * old one is dead now. */
      if (!relink_secrets_store_tokens_sync (secrets, refresh->target.account_id,
                                             refresh->names.label, refresh->target.tokens, NULL,
                                             &error))
        {
          save_failed (refresh, store, error);
          g_clear_pointer (&refresh->target.lock, relink_account_lock_release);
          g_task_return_boolean (task, TRUE);
          return;
        }

      if (!relink_store_update_token_dates (
              store, refresh->target.account_id,
              relink_token_set_get_access_expires_at (refresh->target.tokens),
              relink_token_set_get_refresh_expires_at (refresh->target.tokens),
              relink_token_set_get_issued_at (refresh->target.tokens), &store_error)
          || !relink_store_update_status (store, refresh->target.account_id,
                                          RELINK_ACCOUNT_STATUS_CONNECTED, NULL, &store_error)
          || (refresh->names.keyset_was_invalid
              && !relink_store_set_keyset_invalid (store, refresh->target.keyset_id, FALSE,
                                                   &store_error))
          || !relink_store_set_refresh_started (store, refresh->target.account_id, 0, &store_error))
        /* The keyring holds the truth; the dates catch up with the next
         * refresh (the mark, if left, makes it adopt the keyring's set). */
        g_warning ("Could not record a refresh: %s", store_error->message);

      relink_token_service_add_history (store, refresh->target.account_id,
                                        RELINK_HISTORY_KIND_REFRESH, TRUE, refresh->target.program,
                                        NULL);
    }
  else
    {
      Verdict *verdict = &refresh->verdict;

      if (verdict->changed
          && !relink_store_update_status (store, refresh->target.account_id, verdict->status,
                                          verdict->message, &store_error))
        g_warning ("Could not record an account’s status: %s", store_error->message);
      g_clear_error (&store_error);

      if (verdict->flag_keyset)
        {
          if (!relink_store_set_keyset_invalid (store, refresh->target.keyset_id, TRUE,
                                                &store_error))
            g_warning ("Could not flag developer keys: %s", store_error->message);
          g_clear_error (&store_error);

          for (guint i = 0; i < verdict->keyset_account_ids->len; i++)
            relink_store_update_status (store, g_ptr_array_index (verdict->keyset_account_ids, i),
                                        RELINK_ACCOUNT_STATUS_ERROR, verdict->message, NULL);
        }

      /* The answer came (even an error): nothing was lost in between. */
      if (!relink_store_set_refresh_started (store, refresh->target.account_id, 0, &store_error))
        g_warning ("Could not record a refresh: %s", store_error->message);

      relink_token_service_add_history (store, refresh->target.account_id,
                                        RELINK_HISTORY_KIND_REFRESH, FALSE, refresh->target.program,
                                        verdict->message);
    }

  g_clear_pointer (&refresh->target.lock, relink_account_lock_release);
  g_task_return_boolean (task, TRUE);
}

static void
save_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Refresh *refresh = user_data;

  g_task_propagate_boolean (G_TASK (result), NULL);
  refresh_complete (refresh);
}

static void
run_save (Refresh *refresh)
{
  g_autoptr (GTask) task = g_task_new (NULL, NULL, save_done_cb, refresh);

  g_task_set_source_tag (task, run_save);
  g_task_set_task_data (task, refresh, NULL);
  g_task_run_in_thread (task, save_thread);
}

/* Decides, on the main thread, what a failure means for the account. */
static void
judge_failure (Refresh *refresh)
{
  RelinkTokenService *self = refresh->self;
  Verdict *verdict = &refresh->verdict;
  RelinkRetryPolicy policy;
  gint64 retry_after = 0;
  gint64 retry_in = 0;
  RelinkAccountStatus current = relink_account_get_status (refresh->target.account);

  verdict->status = relink_token_failure_classify (refresh->error, RELINK_OAUTH_CALL_REFRESH,
                                                   &policy, &retry_after);

  if (policy != RELINK_RETRY_NONE)
    retry_in
        = relink_token_service_schedule_retry (self, refresh->target.account, policy, retry_after);
  else
    relink_token_service_clear_retry (self, refresh->target.account);

  verdict->message = relink_token_failure_describe (
      refresh->error, RELINK_OAUTH_CALL_REFRESH, refresh->names.marketplace,
      refresh->names.keyset_name, refresh->names.client_secret_lifetime, refresh->interrupted,
      retry_in);

  /* A passing network fault must not hide that the seller has to sign
   * in again. */
  verdict->changed
      = !(policy != RELINK_RETRY_NONE && current == RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);

  if (relink_token_failure_is_keyset_error (refresh->error))
    {
      GListModel *accounts = relink_account_manager_get_grants (self->manager);
      guint n = g_list_model_get_n_items (accounts);

      verdict->flag_keyset = TRUE;
      verdict->keyset_account_ids = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr (RelinkAccount) other = g_list_model_get_item (accounts, i);

          if (g_strcmp0 (relink_account_get_keyset_id (other), refresh->target.keyset_id) == 0)
            g_ptr_array_add (verdict->keyset_account_ids, g_strdup (relink_account_get_id (other)));
        }
    }

  /* The caller sees the same plain sentence as the account. */
  {
    GError *plain
        = g_error_new_literal (refresh->error->domain, refresh->error->code, verdict->message);

    if (refresh->error->domain == RELINK_OAUTH_ERROR)
      relink_oauth_error_set_retry_after (plain,
                                          relink_oauth_error_get_retry_after (refresh->error));
    g_clear_error (&refresh->error);
    refresh->error = plain;
  }
}

static void
kind_refresh_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Refresh *refresh = user_data;
  g_autoptr (RelinkTokenSet) tokens = NULL;

  g_clear_pointer (&refresh->target.client_secret, relink_secret_free);

  tokens = refresh->target.kind->refresh_finish (object, result, &refresh->error);
  if (tokens == NULL)
    {
      refresh->outcome = OUTCOME_FAILED;
      judge_failure (refresh);
    }
  else
    {
      g_set_object (&refresh->target.tokens, tokens);
      relink_token_service_clear_retry (refresh->self, refresh->target.account);
    }

  run_save (refresh);
}

static void
prepare_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Refresh *refresh = user_data;

  if (!g_task_propagate_boolean (G_TASK (result), &refresh->error))
    {
      /* Nothing was asked of the marketplace: the keyring or the store
       * failed, or the account has no tokens. Status stays as it is. */
      refresh_complete (refresh);
      return;
    }

  if (refresh->outcome == OUTCOME_CACHED)
    {
      refresh_complete (refresh);
      return;
    }

  /* Not cancellable: once sent, a rotating refresh token may be spent at
   * the marketplace, and its answer must be saved. */
  refresh->target.kind->refresh_async (refresh->self, &refresh->target, NULL, kind_refresh_cb,
                                       refresh);
}

static void
update_account_object (Refresh *refresh, RelinkAccount *account)
{
  if (refresh->outcome == OUTCOME_REFRESHED || refresh->adopted)
    {
      relink_account_set_access_expires_at (
          account, relink_token_set_get_access_expires_at (refresh->target.tokens));
      relink_account_set_refresh_expires_at (
          account, relink_token_set_get_refresh_expires_at (refresh->target.tokens));
      relink_account_set_last_refresh_at (account,
                                          relink_token_set_get_issued_at (refresh->target.tokens));
    }

  if (refresh->outcome == OUTCOME_REFRESHED || refresh->adopted)
    {
      relink_account_set_status (account, RELINK_ACCOUNT_STATUS_CONNECTED);
      relink_account_set_status_message (account, NULL);
    }
  else if (refresh->outcome == OUTCOME_FAILED && refresh->verdict.changed)
    {
      relink_account_set_status (account, refresh->verdict.status);
      relink_account_set_status_message (account, refresh->verdict.message);
    }
}

static void
refresh_complete (Refresh *refresh)
{
  RelinkTokenService *self = refresh->self;
  RelinkAccount *shown = relink_token_service_shown_account (self, refresh->target.account);

  g_hash_table_remove (self->refreshes, refresh->target.account_id);

  /* Another process changed the store too: let the lists catch up. */
  relink_account_manager_reload_if_changed (self->manager);

  update_account_object (refresh, refresh->target.account);
  if (shown != NULL)
    update_account_object (refresh, shown);

  if (refresh->outcome == OUTCOME_REFRESHED && refresh->names.keyset_was_invalid)
    relink_keyset_set_invalid (refresh->target.keyset, FALSE);

  if (refresh->verdict.flag_keyset)
    {
      GListModel *accounts = relink_account_manager_get_grants (self->manager);
      guint n = g_list_model_get_n_items (accounts);

      relink_keyset_set_invalid (refresh->target.keyset, TRUE);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr (RelinkAccount) other = g_list_model_get_item (accounts, i);

          if (g_strcmp0 (relink_account_get_keyset_id (other), refresh->target.keyset_id) == 0)
            {
              relink_account_set_status (other, RELINK_ACCOUNT_STATUS_ERROR);
              relink_account_set_status_message (other, refresh->verdict.message);
            }
        }
    }

  if (refresh->outcome == OUTCOME_REFRESHED)
    {
      relink_token_service_emit_refreshed (self, refresh->target.account);
      relink_token_service_run_hooks_with (
          self, refresh->target.account, RELINK_HOOK_EVENT_REFRESH,
          relink_token_set_get_access_expires_at (refresh->target.tokens),
          relink_token_set_get_refresh_expires_at (refresh->target.tokens));
    }

  /* Each waiter is returned on exactly once; the array drops them. */
  for (guint i = 0; i < refresh->waiters->len; i++)
    {
      GTask *waiter = g_ptr_array_index (refresh->waiters, i);

      if (refresh->outcome == OUTCOME_FAILED)
        g_task_return_error (waiter, g_error_copy (refresh->error));
      else
        g_task_return_pointer (waiter, g_object_ref (refresh->target.tokens), g_object_unref);
    }

  refresh_free (refresh);
}

void
relink_token_service_refresh_tokens (RelinkTokenService *self,
                                     RelinkAccount *account,
                                     gboolean forced,
                                     GTask *task)
{
  g_autoptr (GTask) waiter = task;
  const char *id = relink_account_get_id (account);
  Refresh *refresh = g_hash_table_lookup (self->refreshes, id);
  g_autoptr (GTask) prepare = NULL;
  RelinkProvider *provider;
  RelinkKeyset *keyset;
  RelinkTokenTarget target = { 0 };
  GError *error = NULL;

  if (refresh != NULL)
    {
      if (forced)
        g_atomic_int_set (&refresh->forced, TRUE);
      g_ptr_array_add (refresh->waiters, g_steal_pointer (&waiter));
      return;
    }

  if (!relink_token_target_init (&target, self, account, &error))
    {
      g_task_return_error (waiter, error);
      return;
    }
  provider = target.provider;
  keyset = target.keyset;

  refresh = g_new0 (Refresh, 1);
  refresh->self = g_object_ref (self);
  refresh->target = target;
  /* Translators: the keyring item's label; the first %s is a marketplace,
   * the second the account's nickname. */
  refresh->names.label
      = g_strdup_printf (_ ("Relink: %s · %s tokens"), relink_provider_get_name (provider),
                         relink_account_get_display_name (account));
  refresh->names.display_name = g_strdup (relink_account_get_display_name (account));
  refresh->names.marketplace = g_strdup (relink_provider_get_name (provider));
  refresh->names.keyset_name = relink_keyset_dup_display_name (keyset);
  refresh->names.client_secret_lifetime = relink_provider_get_client_secret_lifetime (provider);
  refresh->names.keyset_was_invalid = relink_keyset_get_invalid (keyset);
  refresh->margin = self->margin;
  refresh->requested_at = relink_now ();
  refresh->forced = forced;
  refresh->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (refresh->waiters, g_steal_pointer (&waiter));

  g_hash_table_insert (self->refreshes, refresh->target.account_id, refresh);

  /* Not cancellable either: callers who give up still let the others
   * (and the keyring) have the result. */
  prepare = g_task_new (NULL, NULL, prepare_done_cb, refresh);
  g_task_set_source_tag (prepare, relink_token_service_refresh_tokens);
  g_task_set_task_data (prepare, refresh, NULL);
  g_task_run_in_thread (prepare, prepare_thread);
}

/* Access token */

void
relink_token_service_get_access_token_async (RelinkTokenService *self,
                                             RelinkAccount *account,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (RELINK_IS_TOKEN_SERVICE (self));
  g_return_if_fail (RELINK_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_token_service_get_access_token_async);
  relink_token_service_refresh_tokens (self, account, FALSE, g_steal_pointer (&task));
}

char *
relink_token_service_get_access_token_finish (RelinkTokenService *self,
                                              GAsyncResult *result,
                                              gint64 *out_expires_at,
                                              GError **error)
{
  g_autoptr (RelinkTokenSet) tokens = NULL;
  const char *access;

  g_return_val_if_fail (RELINK_IS_TOKEN_SERVICE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (out_expires_at != NULL)
    *out_expires_at = 0;

  tokens = g_task_propagate_pointer (G_TASK (result), error);
  if (tokens == NULL)
    return NULL;

  access = relink_token_set_get_access_token (tokens);
  if (access == NULL || access[0] == '\0')
    {
      g_set_error (error, RELINK_TOKEN_SERVICE_ERROR, RELINK_TOKEN_SERVICE_ERROR_NO_REFRESH,
                   _ ("There is no access token for this account. Renew the account to sign in "
                      "again."));
      return NULL;
    }

  if (out_expires_at != NULL)
    *out_expires_at = relink_token_set_get_access_expires_at (tokens);

  return g_strdup (access);
}

/* Forced refresh */

void
relink_token_service_refresh_async (RelinkTokenService *self,
                                    RelinkAccount *account,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (RELINK_IS_TOKEN_SERVICE (self));
  g_return_if_fail (RELINK_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_token_service_refresh_async);
  relink_token_service_refresh_tokens (self, account, TRUE, g_steal_pointer (&task));
}

gboolean
relink_token_service_refresh_finish (RelinkTokenService *self, GAsyncResult *result, GError **error)
{
  g_autoptr (RelinkTokenSet) tokens = NULL;

  g_return_val_if_fail (RELINK_IS_TOKEN_SERVICE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  tokens = g_task_propagate_pointer (G_TASK (result), error);
  return tokens != NULL;
}
