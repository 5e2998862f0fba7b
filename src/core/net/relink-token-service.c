/* relink-token-service.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-account-lock.h"
#include "relink-backoff.h"
#include "relink-expiry.h"
#include "relink-oauth-client.h"
#include "relink-token-failure.h"
#include "relink-token-service.h"

/* The quark name is spelt with hyphens, which clang-format would space. */
/* clang-format off */
G_DEFINE_QUARK (relink-token-service-error-quark, relink_token_service_error)
/* clang-format on */

struct _RelinkTokenService
{
  GObject parent_instance;

  RelinkAccountManager *manager;
  gint64 margin;
  char *hooks_dir;

  /* account id -> Refresh: the refresh (or look at the keyring) in flight. */
  GHashTable *refreshes;
  /* account id -> Retry: transient failures waiting for another try. */
  GHashTable *retries;
};

G_DEFINE_FINAL_TYPE (RelinkTokenService, relink_token_service, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_MANAGER,
  PROP_MARGIN,
  PROP_HOOKS_DIR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_REFRESHED,
  SIGNAL_SCHEDULE_CHANGED,
  SIGNAL_HOOKS_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  guint attempt;
  gint64 at;
} Retry;

/* What a refresh found and did, carried from the worker thread back to
 * the main thread. */
typedef enum
{
  OUTCOME_CACHED,    /* the keyring's token was good: no request */
  OUTCOME_REFRESHED, /* a request was made and its answer saved */
  OUTCOME_FAILED
} Outcome;

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
} Target;

static void
target_clear (Target *target)
{
  g_clear_object (&target->account);
  g_clear_object (&target->keyset);
  g_clear_object (&target->provider);
  g_clear_pointer (&target->account_id, g_free);
  g_clear_pointer (&target->keyset_id, g_free);
  g_clear_pointer (&target->program, g_free);
  g_clear_pointer (&target->lock, relink_account_lock_release);
  g_clear_object (&target->tokens);
  g_clear_pointer (&target->client_secret, relink_secret_free);
}

/* One refresh of one account, shared by every caller in this process that
 * asked for it while it ran. */
typedef struct
{
  RelinkTokenService *self;
  Target target;

  /* Copied on the main thread, read by the worker threads. */
  char *label;
  char *display_name;
  char *marketplace;
  char *keyset_name;
  gint64 client_secret_lifetime;
  gint64 margin;
  gint64 requested_at;
  /* Set when a forced refresh joined: read only in the first thread step. */
  gint forced;

  /* Worker thread state (and target.tokens: the keyring's set, then the
   * new one). */
  gboolean interrupted; /* a dead process left a refresh mark, and its answer was lost */
  gboolean adopted;     /* ... and its answer had been saved: taken over */
  gboolean keyset_was_invalid;

  /* The outcome. */
  Outcome outcome;
  GError *error;
  RelinkAccountStatus status; /* after a failure: what the account now shows */
  char *status_message;
  gboolean status_changed;
  gboolean flag_keyset;
  GPtrArray *keyset_account_ids; /* accounts sharing a refused keyset */

  GPtrArray *waiters; /* GTask */
} Refresh;

static void
refresh_free (Refresh *refresh)
{
  g_clear_object (&refresh->self);
  target_clear (&refresh->target);
  g_free (refresh->label);
  g_free (refresh->display_name);
  g_free (refresh->marketplace);
  g_free (refresh->keyset_name);
  g_clear_error (&refresh->error);
  g_free (refresh->status_message);
  g_clear_pointer (&refresh->keyset_account_ids, g_ptr_array_unref);
  g_clear_pointer (&refresh->waiters, g_ptr_array_unref);
  g_free (refresh);
}

/* Properties */

static void
relink_token_service_dispose (GObject *object)
{
  RelinkTokenService *self = RELINK_TOKEN_SERVICE (object);

  g_clear_object (&self->manager);

  G_OBJECT_CLASS (relink_token_service_parent_class)->dispose (object);
}

static void
relink_token_service_finalize (GObject *object)
{
  RelinkTokenService *self = RELINK_TOKEN_SERVICE (object);

  g_free (self->hooks_dir);
  g_hash_table_unref (self->refreshes);
  g_hash_table_unref (self->retries);

  G_OBJECT_CLASS (relink_token_service_parent_class)->finalize (object);
}

static void
relink_token_service_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RelinkTokenService *self = RELINK_TOKEN_SERVICE (object);

  switch (prop_id)
    {
      case PROP_MANAGER:
        g_value_set_object (value, self->manager);
        break;

      case PROP_MARGIN:
        g_value_set_int64 (value, self->margin);
        break;

      case PROP_HOOKS_DIR:
        g_value_set_string (value, self->hooks_dir);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_token_service_set_property (GObject *object,
                                   guint prop_id,
                                   const GValue *value,
                                   GParamSpec *pspec)
{
  RelinkTokenService *self = RELINK_TOKEN_SERVICE (object);

  switch (prop_id)
    {
      case PROP_MANAGER:
        self->manager = g_value_dup_object (value);
        break;

      case PROP_MARGIN:
        relink_token_service_set_margin (self, g_value_get_int64 (value));
        break;

      case PROP_HOOKS_DIR:
        relink_token_service_set_hooks_dir (self, g_value_get_string (value));
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_token_service_class_init (RelinkTokenServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = relink_token_service_dispose;
  object_class->finalize = relink_token_service_finalize;
  object_class->get_property = relink_token_service_get_property;
  object_class->set_property = relink_token_service_set_property;

  properties[PROP_MANAGER]
      = g_param_spec_object ("manager", NULL, NULL, RELINK_TYPE_ACCOUNT_MANAGER,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MARGIN]
      = g_param_spec_int64 ("margin", NULL, NULL, 0, G_MAXINT32, RELINK_TOKEN_REFRESH_MARGIN,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOOKS_DIR]
      = g_param_spec_string ("hooks-dir", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_REFRESHED]
      = g_signal_new ("refreshed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, RELINK_TYPE_ACCOUNT);
  signals[SIGNAL_SCHEDULE_CHANGED]
      = g_signal_new ("schedule-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, RELINK_TYPE_ACCOUNT);
  signals[SIGNAL_HOOKS_FINISHED]
      = g_signal_new ("hooks-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 2, RELINK_TYPE_ACCOUNT, G_TYPE_UINT);
}

static void
relink_token_service_init (RelinkTokenService *self)
{
  self->margin = RELINK_TOKEN_REFRESH_MARGIN;
  self->refreshes = g_hash_table_new (g_str_hash, g_str_equal);
  self->retries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

RelinkTokenService *
relink_token_service_new (RelinkAccountManager *manager)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (manager), NULL);

  return g_object_new (RELINK_TYPE_TOKEN_SERVICE, "manager", manager, NULL);
}

RelinkAccountManager *
relink_token_service_get_manager (RelinkTokenService *self)
{
  g_return_val_if_fail (RELINK_IS_TOKEN_SERVICE (self), NULL);

  return self->manager;
}

gint64
relink_token_service_get_margin (RelinkTokenService *self)
{
  g_return_val_if_fail (RELINK_IS_TOKEN_SERVICE (self), 0);

  return self->margin;
}

void
relink_token_service_set_margin (RelinkTokenService *self, gint64 seconds)
{
  g_return_if_fail (RELINK_IS_TOKEN_SERVICE (self));

  seconds = MAX (seconds, 0);
  if (self->margin == seconds)
    return;

  self->margin = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MARGIN]);
}

const char *
relink_token_service_get_hooks_dir (RelinkTokenService *self)
{
  g_return_val_if_fail (RELINK_IS_TOKEN_SERVICE (self), NULL);

  return self->hooks_dir;
}

void
relink_token_service_set_hooks_dir (RelinkTokenService *self, const char *dir)
{
  g_return_if_fail (RELINK_IS_TOKEN_SERVICE (self));

  if (g_strcmp0 (self->hooks_dir, dir) == 0)
    return;

  g_free (self->hooks_dir);
  self->hooks_dir = g_strdup (dir);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOOKS_DIR]);
}

/* Helpers */

static RelinkProvider *
account_provider (RelinkAccount *account, GError **error)
{
  RelinkKeyset *keyset = relink_account_get_keyset (account);
  RelinkProvider *provider = keyset != NULL ? relink_keyset_get_provider (keyset) : NULL;

  if (keyset == NULL)
    g_set_error (error, RELINK_TOKEN_SERVICE_ERROR, RELINK_TOKEN_SERVICE_ERROR_CONFIGURATION,
                 _ ("The account “%s” has no developer keys. Choose a keyset for it."),
                 relink_account_get_display_name (account));
  else if (provider == NULL)
    g_set_error (error, RELINK_TOKEN_SERVICE_ERROR, RELINK_TOKEN_SERVICE_ERROR_CONFIGURATION,
                 _ ("The marketplace profile “%s” of the account “%s” is missing. Restore the "
                    "profile."),
                 relink_keyset_get_provider_id (keyset), relink_account_get_display_name (account));

  return provider;
}

/* Fills @target for @account: FALSE, with @error set, when the account's
 * keys or their profile are missing. */
static gboolean
target_init (Target *target, RelinkTokenService *self, RelinkAccount *account, GError **error)
{
  RelinkProvider *provider = account_provider (account, error);
  RelinkKeyset *keyset;

  if (provider == NULL)
    return FALSE;
  keyset = relink_account_get_keyset (account);

  target->account = g_object_ref (account);
  target->keyset = g_object_ref (keyset);
  target->provider = g_object_ref (provider);
  target->account_id = g_strdup (relink_account_get_id (account));
  target->keyset_id = g_strdup (relink_keyset_get_id (keyset));
  target->program = g_strdup (relink_account_manager_get_program (self->manager));
  target->needs_client_secret
      = relink_provider_get_client_auth (provider) != RELINK_CLIENT_AUTH_NONE;
  return TRUE;
}

/* The manager's object for @account when it is another one (relinkctl
 * may hold a copy): both must show the new state. */
static RelinkAccount *
shown_account (RelinkTokenService *self, RelinkAccount *account)
{
  RelinkAccount *shown
      = relink_account_manager_lookup_account (self->manager, relink_account_get_id (account));

  return shown != account ? shown : NULL;
}

static void
add_history (RelinkStore *store,
             const char *account_id,
             RelinkHistoryKind kind,
             gboolean ok,
             const char *program,
             const char *message)
{
  g_autoptr (RelinkHistoryEntry) entry = NULL;
  g_autoptr (GError) error = NULL;

  entry = relink_history_entry_new (account_id, relink_now (), kind, ok, program, message);
  if (!relink_store_add_history (store, entry, &error))
    g_warning ("Could not record the history of an account: %s", error->message);
}

static void
set_retry (RelinkTokenService *self, RelinkAccount *account, Retry *retry)
{
  const char *id = relink_account_get_id (account);

  if (retry == NULL && !g_hash_table_contains (self->retries, id))
    return;

  if (retry != NULL)
    g_hash_table_replace (self->retries, g_strdup (id), retry);
  else
    g_hash_table_remove (self->retries, id);

  g_signal_emit (self, signals[SIGNAL_SCHEDULE_CHANGED], 0, account);
}

gint64
relink_token_service_get_retry_at (RelinkTokenService *self, RelinkAccount *account)
{
  Retry *retry;

  g_return_val_if_fail (RELINK_IS_TOKEN_SERVICE (self), 0);
  g_return_val_if_fail (RELINK_IS_ACCOUNT (account), 0);

  retry = g_hash_table_lookup (self->retries, relink_account_get_id (account));
  return retry != NULL ? retry->at : 0;
}

/* Hooks */

typedef struct
{
  RelinkTokenService *self;
  RelinkAccount *account;
} HookData;

static void
hooks_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  HookData *data = user_data;
  g_autoptr (GError) error = NULL;
  guint ran;

  ran = relink_hooks_run_finish (result, &error);
  if (error != NULL)
    g_debug ("Hooks: %s", error->message);

  g_signal_emit (data->self, signals[SIGNAL_HOOKS_FINISHED], 0, data->account, ran);

  g_object_unref (data->self);
  g_object_unref (data->account);
  g_free (data);
}

static void
run_hooks (RelinkTokenService *self,
           RelinkAccount *account,
           RelinkHookEvent event,
           gint64 access_expires_at,
           gint64 refresh_expires_at)
{
  HookData *data = g_new0 (HookData, 1);

  data->self = g_object_ref (self);
  data->account = g_object_ref (account);
  relink_hooks_run_async (self->hooks_dir, account, event, access_expires_at, refresh_expires_at,
                          NULL, hooks_done_cb, data);
}

void
relink_token_service_run_hooks (RelinkTokenService *self,
                                RelinkAccount *account,
                                RelinkHookEvent event)
{
  g_return_if_fail (RELINK_IS_TOKEN_SERVICE (self));
  g_return_if_fail (RELINK_IS_ACCOUNT (account));

  run_hooks (self, account, event, relink_account_get_access_expires_at (account),
             relink_account_get_refresh_expires_at (account));
}

void
relink_token_service_signed_in_async (RelinkTokenService *self,
                                      RelinkAccount *account,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_return_if_fail (RELINK_IS_TOKEN_SERVICE (self));
  g_return_if_fail (RELINK_IS_ACCOUNT (account));

  relink_token_service_run_hooks (self, account, RELINK_HOOK_EVENT_RENEWAL);
  relink_token_service_test_async (self, account, cancellable, callback, user_data);
}

/* The refresh: worker thread, then (when a request is needed) the OAuth
 * client on the main thread, then a worker thread again to save. */

static void refresh_complete (Refresh *refresh);

static gboolean
access_is_due (RelinkTokenSet *tokens, gint64 now, gint64 margin)
{
  gint64 expires_at = relink_token_set_get_access_expires_at (tokens);
  const char *access = relink_token_set_get_access_token (tokens);

  return access == NULL || access[0] == '\0' || expires_at == 0 || expires_at - now <= margin;
}

static gboolean
has_refresh_token (RelinkTokenSet *tokens)
{
  const char *refresh = relink_token_set_get_refresh_token (tokens);

  return refresh != NULL && refresh[0] != '\0';
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

      add_history (store, refresh->target.account_id, RELINK_HISTORY_KIND_REFRESH, TRUE,
                   refresh->target.program,
                   _ ("A refresh was interrupted after the new token had been saved; Relink "
                      "uses the new token."));
    }
  else
    {
      refresh->interrupted = TRUE;
      add_history (store, refresh->target.account_id, RELINK_HISTORY_KIND_REFRESH, FALSE,
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
                             refresh->display_name);
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

  if (!has_refresh_token (refresh->target.tokens))
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
      if (!relink_secrets_store_tokens_sync (secrets, refresh->target.account_id, refresh->label,
                                             refresh->target.tokens, NULL, &error))
        {
          /* The mark stays: the next run must treat this as interrupted. */
          g_prefix_error (&error, _ ("The new token could not be saved: "));
          refresh->outcome = OUTCOME_FAILED;
          refresh->error = error;
          refresh->status = RELINK_ACCOUNT_STATUS_ERROR;
          g_free (refresh->status_message);
          refresh->status_message = g_strdup (error->message);
          refresh->status_changed = TRUE;
          relink_store_update_status (store, refresh->target.account_id, refresh->status,
                                      refresh->status_message, NULL);
          add_history (store, refresh->target.account_id, RELINK_HISTORY_KIND_REFRESH, FALSE,
                       refresh->target.program, refresh->status_message);
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
          || (refresh->keyset_was_invalid
              && !relink_store_set_keyset_invalid (store, refresh->target.keyset_id, FALSE,
                                                   &store_error))
          || !relink_store_set_refresh_started (store, refresh->target.account_id, 0, &store_error))
        /* The keyring holds the truth; the dates catch up with the next
         * refresh (the mark, if left, makes it adopt the keyring's set). */
        g_warning ("Could not record a refresh: %s", store_error->message);

      add_history (store, refresh->target.account_id, RELINK_HISTORY_KIND_REFRESH, TRUE,
                   refresh->target.program, NULL);
    }
  else
    {
      if (refresh->status_changed
          && !relink_store_update_status (store, refresh->target.account_id, refresh->status,
                                          refresh->status_message, &store_error))
        g_warning ("Could not record an account’s status: %s", store_error->message);
      g_clear_error (&store_error);

      if (refresh->flag_keyset)
        {
          if (!relink_store_set_keyset_invalid (store, refresh->target.keyset_id, TRUE,
                                                &store_error))
            g_warning ("Could not flag developer keys: %s", store_error->message);
          g_clear_error (&store_error);

          for (guint i = 0; i < refresh->keyset_account_ids->len; i++)
            relink_store_update_status (store, g_ptr_array_index (refresh->keyset_account_ids, i),
                                        RELINK_ACCOUNT_STATUS_ERROR, refresh->status_message, NULL);
        }

      /* The answer came (even an error): nothing was lost in between. */
      if (!relink_store_set_refresh_started (store, refresh->target.account_id, 0, &store_error))
        g_warning ("Could not record a refresh: %s", store_error->message);

      add_history (store, refresh->target.account_id, RELINK_HISTORY_KIND_REFRESH, FALSE,
                   refresh->target.program, refresh->status_message);
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
  RelinkRetryPolicy policy;
  gint64 retry_after = 0;
  gint64 retry_in = 0;
  RelinkAccountStatus status;
  RelinkAccountStatus current = relink_account_get_status (refresh->target.account);

  status = relink_token_failure_classify (refresh->error, RELINK_OAUTH_CALL_REFRESH, &policy,
                                          &retry_after);

  if (policy != RELINK_RETRY_NONE)
    {
      Retry *old = g_hash_table_lookup (self->retries, refresh->target.account_id);
      Retry *retry = g_new0 (Retry, 1);

      retry->attempt = old != NULL ? old->attempt + 1 : 0;
      retry_in = policy == RELINK_RETRY_AFTER
                     ? retry_after
                     : relink_backoff_delay (retry->attempt, g_random_int ());
      retry->at = relink_now () + retry_in;
      set_retry (self, refresh->target.account, retry);
    }
  else
    set_retry (self, refresh->target.account, NULL);

  refresh->status = status;
  refresh->status_message = relink_token_failure_describe (
      refresh->error, RELINK_OAUTH_CALL_REFRESH, refresh->marketplace, refresh->keyset_name,
      refresh->client_secret_lifetime, refresh->interrupted, retry_in);

  /* A passing network fault must not hide that the seller has to sign
   * in again. */
  refresh->status_changed
      = !(policy != RELINK_RETRY_NONE && current == RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);

  if (relink_token_failure_is_keyset_error (refresh->error))
    {
      GListModel *accounts = relink_account_manager_get_accounts (self->manager);
      guint n = g_list_model_get_n_items (accounts);

      refresh->flag_keyset = TRUE;
      refresh->keyset_account_ids = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr (RelinkAccount) other = g_list_model_get_item (accounts, i);

          if (g_strcmp0 (relink_account_get_keyset_id (other), refresh->target.keyset_id) == 0)
            g_ptr_array_add (refresh->keyset_account_ids, g_strdup (relink_account_get_id (other)));
        }
    }

  /* The caller sees the same plain sentence as the account. */
  {
    GError *plain = g_error_new_literal (refresh->error->domain, refresh->error->code,
                                         refresh->status_message);

    if (refresh->error->domain == RELINK_OAUTH_ERROR)
      relink_oauth_error_set_retry_after (plain,
                                          relink_oauth_error_get_retry_after (refresh->error));
    g_clear_error (&refresh->error);
    refresh->error = plain;
  }
}

static void
oauth_refresh_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Refresh *refresh = user_data;
  g_autoptr (RelinkTokenSet) tokens = NULL;

  g_clear_pointer (&refresh->target.client_secret, relink_secret_free);

  tokens
      = relink_oauth_client_refresh_finish (RELINK_OAUTH_CLIENT (object), result, &refresh->error);
  if (tokens == NULL)
    {
      refresh->outcome = OUTCOME_FAILED;
      judge_failure (refresh);
    }
  else
    {
      g_set_object (&refresh->target.tokens, tokens);
      set_retry (refresh->self, refresh->target.account, NULL);
    }

  run_save (refresh);
}

static void
prepare_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Refresh *refresh = user_data;
  RelinkOAuthClient *client;

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
  client = relink_account_manager_get_oauth_client (refresh->self->manager);
  relink_oauth_client_refresh_async (client, refresh->target.provider, refresh->target.keyset,
                                     refresh->target.tokens, refresh->target.client_secret, NULL,
                                     oauth_refresh_cb, refresh);
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
  else if (refresh->outcome == OUTCOME_FAILED && refresh->status_changed)
    {
      relink_account_set_status (account, refresh->status);
      relink_account_set_status_message (account, refresh->status_message);
    }
}

static void
refresh_complete (Refresh *refresh)
{
  RelinkTokenService *self = refresh->self;
  RelinkAccount *shown = shown_account (self, refresh->target.account);

  g_hash_table_remove (self->refreshes, refresh->target.account_id);

  /* Another process changed the store too: let the lists catch up. */
  relink_account_manager_reload_if_changed (self->manager);

  update_account_object (refresh, refresh->target.account);
  if (shown != NULL)
    update_account_object (refresh, shown);

  if (refresh->outcome == OUTCOME_REFRESHED && refresh->keyset_was_invalid)
    relink_keyset_set_invalid (refresh->target.keyset, FALSE);

  if (refresh->flag_keyset)
    {
      GListModel *accounts = relink_account_manager_get_accounts (self->manager);
      guint n = g_list_model_get_n_items (accounts);

      relink_keyset_set_invalid (refresh->target.keyset, TRUE);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr (RelinkAccount) other = g_list_model_get_item (accounts, i);

          if (g_strcmp0 (relink_account_get_keyset_id (other), refresh->target.keyset_id) == 0)
            {
              relink_account_set_status (other, RELINK_ACCOUNT_STATUS_ERROR);
              relink_account_set_status_message (other, refresh->status_message);
            }
        }
    }

  if (refresh->outcome == OUTCOME_REFRESHED)
    {
      g_signal_emit (self, signals[SIGNAL_REFRESHED], 0, refresh->target.account);
      run_hooks (self, refresh->target.account, RELINK_HOOK_EVENT_REFRESH,
                 relink_token_set_get_access_expires_at (refresh->target.tokens),
                 relink_token_set_get_refresh_expires_at (refresh->target.tokens));
    }

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

/* Starts a refresh of @account, or joins the one in flight; @task gets the
 * token set (or the error). */
static void
refresh_tokens (RelinkTokenService *self, RelinkAccount *account, gboolean forced, GTask *task)
{
  const char *id = relink_account_get_id (account);
  Refresh *refresh = g_hash_table_lookup (self->refreshes, id);
  g_autoptr (GTask) prepare = NULL;
  RelinkProvider *provider;
  RelinkKeyset *keyset;
  Target target = { 0 };
  GError *error = NULL;

  if (refresh != NULL)
    {
      if (forced)
        g_atomic_int_set (&refresh->forced, TRUE);
      g_ptr_array_add (refresh->waiters, task);
      return;
    }

  if (!target_init (&target, self, account, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  provider = target.provider;
  keyset = target.keyset;

  refresh = g_new0 (Refresh, 1);
  refresh->self = g_object_ref (self);
  refresh->target = target;
  /* Translators: the keyring item's label; the first %s is a marketplace,
   * the second the account's nickname. */
  refresh->label
      = g_strdup_printf (_ ("Relink: %s · %s tokens"), relink_provider_get_name (provider),
                         relink_account_get_display_name (account));
  refresh->display_name = g_strdup (relink_account_get_display_name (account));
  refresh->marketplace = g_strdup (relink_provider_get_name (provider));
  refresh->keyset_name = relink_keyset_dup_display_name (keyset);
  refresh->client_secret_lifetime = relink_provider_get_client_secret_lifetime (provider);
  refresh->keyset_was_invalid = relink_keyset_get_invalid (keyset);
  refresh->margin = self->margin;
  refresh->requested_at = relink_now ();
  refresh->forced = forced;
  refresh->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (refresh->waiters, task);

  g_hash_table_insert (self->refreshes, refresh->target.account_id, refresh);

  /* Not cancellable either: callers who give up still let the others
   * (and the keyring) have the result. */
  prepare = g_task_new (NULL, NULL, prepare_done_cb, refresh);
  g_task_set_source_tag (prepare, refresh_tokens);
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
  GTask *task;

  g_return_if_fail (RELINK_IS_TOKEN_SERVICE (self));
  g_return_if_fail (RELINK_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_token_service_get_access_token_async);
  refresh_tokens (self, account, FALSE, task);
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

void
relink_token_service_refresh_async (RelinkTokenService *self,
                                    RelinkAccount *account,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  GTask *task;

  g_return_if_fail (RELINK_IS_TOKEN_SERVICE (self));
  g_return_if_fail (RELINK_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_token_service_refresh_async);
  refresh_tokens (self, account, TRUE, task);
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

/* Test connection */

typedef struct
{
  Target target;
  char *access_token;  /* wiped */
  char *shared_secret; /* wiped */
  gboolean refreshed;
  gint64 started;
  /* The outcome, recorded in the store by record_thread. */
  gboolean ok;
  char *message;
  gboolean needs_reauth;
  GError *failure; /* the marketplace's error behind a failure, if any */
} TestData;

static void
test_data_free (TestData *data)
{
  target_clear (&data->target);
  g_clear_pointer (&data->access_token, relink_secret_free);
  g_clear_pointer (&data->shared_secret, relink_secret_free);
  g_free (data->message);
  g_clear_error (&data->failure);
  g_free (data);
}

static void test_fetch (GTask *task);

static void
record_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  RelinkTokenService *self = source_object;
  TestData *data = task_data;
  RelinkStore *store = relink_account_manager_get_store (self->manager);
  const char *id = relink_account_get_id (data->target.account);
  g_autoptr (GError) error = NULL;

  if (!relink_store_update_test_result (store, id, relink_now (), data->ok, data->message, &error))
    g_warning ("Could not record a connection test: %s", error->message);
  g_clear_error (&error);

  if (data->needs_reauth
      && !relink_store_update_status (store, id, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH, data->message,
                                      &error))
    g_warning ("Could not record an account’s status: %s", error->message);

  add_history (store, id, RELINK_HISTORY_KIND_TEST, data->ok, data->target.program, data->message);
  g_task_return_boolean (task, TRUE);
}

static void
record_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RelinkTokenService *self = g_task_get_source_object (task);
  TestData *data = g_task_get_task_data (task);
  RelinkAccount *accounts[2] = { data->target.account, shown_account (self, data->target.account) };

  g_task_propagate_boolean (G_TASK (result), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      if (accounts[i] == NULL)
        continue;

      relink_account_set_last_test_at (accounts[i], relink_now ());
      relink_account_set_last_test_ok (accounts[i], data->ok);
      relink_account_set_last_test_message (accounts[i], data->message);
      if (data->needs_reauth)
        {
          relink_account_set_status (accounts[i], RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
          relink_account_set_status_message (accounts[i], data->message);
        }
    }

  if (data->ok)
    g_task_return_pointer (task, g_strdup (data->message), g_free);
  else if (data->failure != NULL)
    g_task_return_new_error (task, data->failure->domain, data->failure->code, "%s", data->message);
  else
    g_task_return_new_error (task, RELINK_TOKEN_SERVICE_ERROR,
                             RELINK_TOKEN_SERVICE_ERROR_WRONG_ACCOUNT, "%s", data->message);
}

/* Ends the test: records @ok and @message (taken), then reports them. */
static void
test_finish_with (GTask *task, gboolean ok, char *message)
{
  RelinkTokenService *self = g_task_get_source_object (task);
  TestData *data = g_task_get_task_data (task);
  g_autoptr (GTask) record = NULL;

  data->ok = ok;
  data->message = message;

  record = g_task_new (self, NULL, record_done_cb, task);
  g_task_set_source_tag (record, test_finish_with);
  g_task_set_task_data (record, data, NULL);
  g_task_run_in_thread (record, record_thread);
}

static void
identity_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RelinkTokenService *self = g_task_get_source_object (task);
  TestData *data = g_task_get_task_data (task);
  g_autoptr (RelinkIdentity) identity = NULL;
  g_autoptr (GError) error = NULL;
  gint64 elapsed_ms = (g_get_monotonic_time () - data->started) / 1000;
  const char *expected_id = relink_account_get_identity_id (data->target.account);
  const char *expected = expected_id;
  gboolean matches;

  identity
      = relink_oauth_client_fetch_identity_finish (RELINK_OAUTH_CLIENT (object), result, &error);
  if (identity == NULL)
    {
      /* 401: the access token may have been revoked or rotated away
       * behind Relink's back: one refresh, one more try. */
      if (g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_GRANT)
          && !data->refreshed)
        {
          data->refreshed = TRUE;
          g_clear_pointer (&data->access_token, relink_secret_free);
          test_fetch (g_steal_pointer (&task));
          return;
        }

      data->failure = g_error_copy (error);
      if (g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_GRANT))
        {
          data->needs_reauth = TRUE;
          test_finish_with (g_steal_pointer (&task), FALSE,
                            g_strdup_printf (_ ("%s no longer accepts the saved authorisation. "
                                                "Renew the account to sign in again."),
                                             relink_provider_get_name (data->target.provider)));
          return;
        }

      test_finish_with (g_steal_pointer (&task), FALSE, g_strdup (error->message));
      return;
    }

  /* Before the first verified sign-in only the seller's own word exists. */
  if (expected == NULL)
    expected = relink_account_get_expected_identity (data->target.account);

  matches
      = expected == NULL || g_strcmp0 (relink_identity_get_id (identity), expected) == 0
        || (expected_id == NULL && g_strcmp0 (relink_identity_get_name (identity), expected) == 0);

  if (!matches)
    {
      const char *theirs = relink_account_get_identity_name (data->target.account);

      test_finish_with (g_steal_pointer (&task), FALSE,
                        /* Translators: "The token belongs to shop_b, not shop_a." */
                        g_strdup_printf (_ ("The token belongs to %s, not %s."),
                                         relink_identity_get_name (identity),
                                         theirs != NULL ? theirs : expected));
      return;
    }

  (void) self;
  test_finish_with (g_steal_pointer (&task), TRUE,
                    /* Translators: "Connected as shop_a — 120 ms" */
                    g_strdup_printf (_ ("Connected as %s — %" G_GINT64_FORMAT " ms"),
                                     relink_identity_get_name (identity), elapsed_ms));
}

static void
test_token_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RelinkTokenService *self = RELINK_TOKEN_SERVICE (object);
  TestData *data = g_task_get_task_data (task);
  RelinkOAuthClient *client = relink_account_manager_get_oauth_client (self->manager);
  g_autoptr (RelinkTokenSet) tokens = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  tokens = g_task_propagate_pointer (G_TASK (result), &error);
  if (tokens == NULL)
    {
      /* The refresh recorded its own failure and status. */
      g_task_return_error (task, error);
      return;
    }

  data->access_token = g_strdup (relink_token_set_get_access_token (tokens));
  if (data->access_token == NULL)
    {
      g_task_return_new_error (task, RELINK_TOKEN_SERVICE_ERROR,
                               RELINK_TOKEN_SERVICE_ERROR_NO_REFRESH,
                               _ ("There is no access token for this account. Renew the account "
                                  "to sign in again."));
      return;
    }

  cancellable = g_task_get_cancellable (task);
  data->started = g_get_monotonic_time ();
  relink_oauth_client_fetch_identity_async (client, data->target.provider, data->target.keyset,
                                            data->access_token, data->shared_secret, cancellable,
                                            identity_cb, g_steal_pointer (&task));
}

static void
test_fetch (GTask *task)
{
  RelinkTokenService *self = g_task_get_source_object (task);
  TestData *data = g_task_get_task_data (task);
  GTask *inner = g_task_new (self, g_task_get_cancellable (task), test_token_cb, task);

  g_task_set_source_tag (inner, test_fetch);
  refresh_tokens (self, data->target.account, data->refreshed, inner);
}

static void
shared_secret_thread (GTask *task,
                      gpointer source_object,
                      gpointer task_data,
                      GCancellable *cancellable)
{
  RelinkTokenService *self = source_object;
  TestData *data = task_data;
  GError *error = NULL;

  data->shared_secret = relink_secrets_lookup_keyset_secret_sync (
      relink_account_manager_get_secrets (self->manager),
      relink_keyset_get_id (data->target.keyset), "shared_secret", cancellable, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
shared_secret_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  test_fetch (task);
}

void
relink_token_service_test_async (RelinkTokenService *self,
                                 RelinkAccount *account,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GTask *lookup;
  RelinkProvider *provider;
  RelinkIdentitySource source;
  TestData *data;
  GError *error = NULL;

  g_return_if_fail (RELINK_IS_TOKEN_SERVICE (self));
  g_return_if_fail (RELINK_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_token_service_test_async);

  data = g_new0 (TestData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) test_data_free);
  if (!target_init (&data->target, self, account, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  provider = data->target.provider;

  source = relink_provider_get_identity_source (provider);
  if (source != RELINK_IDENTITY_SOURCE_ENDPOINT && source != RELINK_IDENTITY_SOURCE_ID_TOKEN)
    {
      g_task_return_new_error (task, RELINK_TOKEN_SERVICE_ERROR,
                               RELINK_TOKEN_SERVICE_ERROR_NOT_AVAILABLE,
                               _ ("Not available for %s: no API tells the seller id; renewal "
                                  "checks it."),
                               relink_provider_get_name (provider));
      return;
    }

  /* Etsy wants its shared secret on every API call, the test included. */
  lookup = g_task_new (self, cancellable, shared_secret_cb, g_steal_pointer (&task));
  g_task_set_source_tag (lookup, relink_token_service_test_async);
  g_task_set_task_data (lookup, data, NULL);
  g_task_run_in_thread (lookup, shared_secret_thread);
  g_object_unref (lookup);
}

char *
relink_token_service_test_finish (RelinkTokenService *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (RELINK_IS_TOKEN_SERVICE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Revoke */

typedef struct
{
  Target target;
  char *connected_apps_url;
  gint64 last_refresh_at;
  gboolean has_revoke_url;
  /* Mercado Libre's DELETE: needs a valid access token (got before the
   * lock, as getting it may refresh) and the verified user id. */
  gboolean revokes_application;
  char *access_token; /* wiped */
  char *user_id;
  char *refusal; /* why the marketplace did not confirm, for the history */
  gboolean revoked_remotely;
} RevokeData;

static void
revoke_data_free (RevokeData *data)
{
  target_clear (&data->target);
  g_free (data->connected_apps_url);
  g_clear_pointer (&data->access_token, relink_secret_free);
  g_free (data->user_id);
  g_free (data->refusal);
  g_free (data);
}

/* A failure that says nothing about the grant (no network, a server
 * fault, a rate limit, cancelled): the tokens stay and the seller tries
 * again. Anything else is the marketplace's answer. */
static gboolean
is_transient_failure (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
         || g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NETWORK)
         || g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_SERVER)
         || g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_RATE_LIMITED);
}

static void
revoke_prepare_thread (GTask *task,
                       gpointer source_object,
                       gpointer task_data,
                       GCancellable *cancellable)
{
  RelinkTokenService *self = source_object;
  RevokeData *data = task_data;
  RelinkSecrets *secrets = relink_account_manager_get_secrets (self->manager);
  GError *error = NULL;

  /* Held until the tokens are gone: a refresh must not save new ones
   * behind the revocation. */
  data->target.lock = relink_account_lock_acquire (data->target.account_id, cancellable, &error);
  if (data->target.lock == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data->target.tokens
      = relink_secrets_lookup_tokens_sync (secrets, data->target.account_id, cancellable, &error);
  if (error == NULL && data->target.tokens != NULL && data->has_revoke_url
      && data->target.needs_client_secret)
    data->target.client_secret = relink_secrets_lookup_keyset_secret_sync (
        secrets, data->target.keyset_id, "client_secret", cancellable, &error);
  if (error != NULL)
    {
      g_clear_pointer (&data->target.lock, relink_account_lock_release);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
revoke_clear_thread (GTask *task,
                     gpointer source_object,
                     gpointer task_data,
                     GCancellable *cancellable)
{
  RelinkTokenService *self = source_object;
  RevokeData *data = task_data;
  RelinkSecrets *secrets = relink_account_manager_get_secrets (self->manager);
  RelinkStore *store = relink_account_manager_get_store (self->manager);
  GError *error = NULL;
  g_autofree char *message = NULL;

  /* From here on not cancellable: the keyring and the store must agree. */
  if (!relink_secrets_clear_tokens_sync (secrets, data->target.account_id, NULL, &error)
      || !relink_store_update_status (store, data->target.account_id,
                                      RELINK_ACCOUNT_STATUS_NOT_CONNECTED, NULL, &error)
      || !relink_store_update_token_dates (store, data->target.account_id, 0, 0,
                                           data->last_refresh_at, &error)
      || !relink_store_set_refresh_started (store, data->target.account_id, 0, &error))
    {
      g_clear_pointer (&data->target.lock, relink_account_lock_release);
      g_task_return_error (task, error);
      return;
    }

  if (data->revoked_remotely)
    message = g_strdup (_ ("Withdrawn at the marketplace and removed from this computer."));
  else if (data->refusal != NULL)
    /* Translators: %s is why the marketplace refused, a whole sentence. */
    message = g_strdup_printf (_ ("%s The tokens were removed from this computer."), data->refusal);
  else
    message = g_strdup (_ ("Removed from this computer; remove Relink on the marketplace’s "
                           "connected apps page too."));
  add_history (store, data->target.account_id, RELINK_HISTORY_KIND_REVOCATION, TRUE,
               data->target.program, message);

  g_clear_pointer (&data->target.lock, relink_account_lock_release);
  g_task_return_boolean (task, TRUE);
}

static void
revoke_cleared_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RelinkTokenService *self = g_task_get_source_object (task);
  RevokeData *data = g_task_get_task_data (task);
  RelinkAccount *accounts[2] = { data->target.account, shown_account (self, data->target.account) };
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      if (accounts[i] == NULL)
        continue;
      relink_account_set_status (accounts[i], RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
      relink_account_set_status_message (accounts[i], NULL);
      relink_account_set_access_expires_at (accounts[i], 0);
      relink_account_set_refresh_expires_at (accounts[i], 0);
    }

  set_retry (self, data->target.account, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
revoke_clear (GTask *task)
{
  RelinkTokenService *self = g_task_get_source_object (task);
  RevokeData *data = g_task_get_task_data (task);
  GTask *clear = g_task_new (self, NULL, revoke_cleared_cb, task);

  g_task_set_source_tag (clear, revoke_clear);
  g_task_set_task_data (clear, data, NULL);
  g_task_run_in_thread (clear, revoke_clear_thread);
  g_object_unref (clear);
}

static void
oauth_revoke_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  RevokeData *data = g_task_get_task_data (task);
  GError *error = NULL;

  gboolean done;

  g_clear_pointer (&data->target.client_secret, relink_secret_free);
  g_clear_pointer (&data->access_token, relink_secret_free);

  if (data->revokes_application)
    done = relink_oauth_client_revoke_application_finish (RELINK_OAUTH_CLIENT (object), result,
                                                          &error);
  else
    done = relink_oauth_client_revoke_finish (RELINK_OAUTH_CLIENT (object), result, &error);

  if (done)
    {
      data->revoked_remotely = TRUE;
      g_clear_pointer (&data->connected_apps_url, g_free);
    }
  else if (data->revokes_application && !is_transient_failure (error))
    {
      /* The address is not sure to be right (providers.md): a refusal
       * must not leave the seller unable to disconnect. */
      data->refusal = g_strdup (error->message);
    }
  else if (!g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NOT_SUPPORTED))
    {
      /* The tokens stay: the seller can try again, or remove the account. */
      g_clear_pointer (&data->target.lock, relink_account_lock_release);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_clear_error (&error);

  revoke_clear (task);
}

static void
revoke_prepared_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  RelinkTokenService *self = g_task_get_source_object (task);
  RevokeData *data = g_task_get_task_data (task);
  RelinkOAuthClient *client = relink_account_manager_get_oauth_client (self->manager);
  GError *error = NULL;
  const char *token;
  const char *hint;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  if (data->revokes_application && data->target.tokens != NULL && data->access_token != NULL)
    {
      relink_oauth_client_revoke_application_async (
          client, data->target.provider, data->target.keyset, data->user_id, data->access_token,
          g_task_get_cancellable (task), oauth_revoke_cb, task);
      return;
    }

  if (data->target.tokens == NULL || !data->has_revoke_url)
    {
      revoke_clear (task);
      return;
    }

  /* Revoking the refresh token ends the whole grant (RFC 7009 §2.1). */
  if (has_refresh_token (data->target.tokens))
    {
      token = relink_token_set_get_refresh_token (data->target.tokens);
      hint = "refresh_token";
    }
  else
    {
      token = relink_token_set_get_access_token (data->target.tokens);
      hint = "access_token";
    }

  if (token == NULL)
    {
      revoke_clear (task);
      return;
    }

  relink_oauth_client_revoke_async (client, data->target.provider, data->target.keyset, token, hint,
                                    data->target.client_secret, g_task_get_cancellable (task),
                                    oauth_revoke_cb, task);
}

/* Takes the account's lock and reads its tokens in a thread, then
 * revokes (revoke_prepared_cb). */
static void
revoke_prepare (GTask *task)
{
  RelinkTokenService *self = g_task_get_source_object (task);
  GTask *prepare = g_task_new (self, g_task_get_cancellable (task), revoke_prepared_cb, task);

  g_task_set_source_tag (prepare, relink_token_service_revoke_async);
  g_task_set_task_data (prepare, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (prepare, revoke_prepare_thread);
  g_object_unref (prepare);
}

static void
revoke_access_token_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  RevokeData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  data->access_token = relink_token_service_get_access_token_finish (RELINK_TOKEN_SERVICE (object),
                                                                     result, NULL, &error);

  /* Not now: the tokens stay. Any other failure (a grant the marketplace
   * already refuses, no tokens) leaves nothing to withdraw remotely. */
  if (data->access_token == NULL && is_transient_failure (error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  revoke_prepare (task);
}

void
relink_token_service_revoke_async (RelinkTokenService *self,
                                   RelinkAccount *account,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  GTask *task;
  const RelinkProviderEnvironment *env;
  RevokeData *data;
  GError *error = NULL;

  g_return_if_fail (RELINK_IS_TOKEN_SERVICE (self));
  g_return_if_fail (RELINK_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_token_service_revoke_async);

  data = g_new0 (RevokeData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) revoke_data_free);
  if (!target_init (&data->target, self, account, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  env = relink_provider_get_environment (data->target.provider,
                                         relink_keyset_get_environment (data->target.keyset));
  data->last_refresh_at = relink_account_get_last_refresh_at (account);
  data->has_revoke_url = env != NULL && env->revoke_url != NULL;
  data->revokes_application = env != NULL && env->revoke_application_url != NULL;
  data->user_id = g_strdup (relink_account_get_identity_id (account));
  data->connected_apps_url = env != NULL ? g_strdup (env->connected_apps_url) : NULL;

  if (data->revokes_application)
    relink_token_service_get_access_token_async (self, account, cancellable, revoke_access_token_cb,
                                                 task);
  else
    revoke_prepare (task);
}

gboolean
relink_token_service_revoke_finish (RelinkTokenService *self,
                                    GAsyncResult *result,
                                    gboolean *out_withdrawn,
                                    char **out_connected_apps_url,
                                    GError **error)
{
  RevokeData *data;

  g_return_val_if_fail (RELINK_IS_TOKEN_SERVICE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (out_withdrawn != NULL)
    *out_withdrawn = FALSE;
  if (out_connected_apps_url != NULL)
    *out_connected_apps_url = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  if (out_withdrawn != NULL)
    *out_withdrawn = data->revoked_remotely;
  if (out_connected_apps_url != NULL)
    *out_connected_apps_url = g_strdup (data->connected_apps_url);

  return TRUE;
}
