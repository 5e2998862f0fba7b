/* relink-token-service.c
 *
 * The token service's core: the object and its properties, the retry
 * table, the hooks, and what the three operations share (the account
 * an operation is about, history). The operations themselves live in
 * relink-token-refresh.c, relink-token-test.c and relink-token-revoke.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-backoff.h"
#include "relink-expiry.h"
#include "relink-grant.h"
#include "relink-token-service-private.h"

/* The quark name is spelt with hyphens, which clang-format would space. */
/* clang-format off */
G_DEFINE_QUARK (relink-token-service-error-quark, relink_token_service_error)
/* clang-format on */

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

#define MANAGER_DATA_KEY "relink-token-service"

typedef struct
{
  guint attempt;
  gint64 at;
} Retry;

/* Properties */

static void
relink_token_service_dispose (GObject *object)
{
  RelinkTokenService *self = RELINK_TOKEN_SERVICE (object);

  if (self->manager != NULL
      && g_object_get_data (G_OBJECT (self->manager), MANAGER_DATA_KEY) == self)
    g_object_set_data (G_OBJECT (self->manager), MANAGER_DATA_KEY, NULL);
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
        /* The manager knows its service (not a reference: the service
         * holds the manager), for code that is handed only the manager. */
        if (self->manager != NULL
            && g_object_get_data (G_OBJECT (self->manager), MANAGER_DATA_KEY) == NULL)
          g_object_set_data (G_OBJECT (self->manager), MANAGER_DATA_KEY, self);
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

RelinkTokenService *
relink_account_manager_get_token_service (RelinkAccountManager *manager)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (manager), NULL);

  return g_object_get_data (G_OBJECT (manager), MANAGER_DATA_KEY);
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
account_provider (RelinkTokenService *self, RelinkAccount *account, GError **error)
{
  RelinkKeyset *keyset = relink_account_get_keyset (account);
  RelinkProvider *provider = keyset != NULL ? relink_keyset_get_provider (keyset) : NULL;

  if (keyset == NULL)
    g_set_error (error, RELINK_TOKEN_SERVICE_ERROR, RELINK_TOKEN_SERVICE_ERROR_CONFIGURATION,
                 _ ("The account “%s” has no developer keys. Choose a keyset for it."),
                 relink_account_get_display_name (account));
  else if (provider == NULL)
    {
      /* "is broken: <fault>" for a profile file that did not load. */
      g_autofree char *problem
          = relink_account_manager_describe_profile_problem (self->manager, account);

      g_set_error_literal (error, RELINK_TOKEN_SERVICE_ERROR,
                           RELINK_TOKEN_SERVICE_ERROR_CONFIGURATION, problem);
    }

  return provider;
}

gboolean
relink_token_target_init (RelinkTokenTarget *target,
                          RelinkTokenService *self,
                          RelinkAccount *account,
                          GError **error)
{
  RelinkProvider *provider = account_provider (self, account, error);
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
  target->kind = relink_token_kind_lookup (relink_grant_get_kind (account));
  target->grant_label = relink_grant_get_label (account);
  return TRUE;
}

void
relink_token_target_clear (RelinkTokenTarget *target)
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

gboolean
relink_token_set_has_refresh_token (RelinkTokenSet *tokens)
{
  const char *refresh = relink_token_set_get_refresh_token (tokens);

  return refresh != NULL && refresh[0] != '\0';
}

RelinkAccount *
relink_token_service_shown_account (RelinkTokenService *self, RelinkAccount *account)
{
  RelinkAccount *shown
      = relink_account_manager_lookup_account (self->manager, relink_account_get_id (account));

  return shown != account ? shown : NULL;
}

void
relink_token_service_add_history (RelinkStore *store,
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

/* Retries */

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
relink_token_service_schedule_retry (RelinkTokenService *self,
                                     RelinkAccount *account,
                                     RelinkRetryPolicy policy,
                                     gint64 retry_after)
{
  Retry *old = g_hash_table_lookup (self->retries, relink_account_get_id (account));
  Retry *retry = g_new0 (Retry, 1);
  gint64 retry_in;

  retry->attempt = old != NULL ? old->attempt + 1 : 0;
  retry_in = policy == RELINK_RETRY_AFTER ? retry_after
                                          : relink_backoff_delay (retry->attempt, g_random_int ());
  retry->at = relink_now () + retry_in;
  set_retry (self, account, retry);

  return retry_in;
}

void
relink_token_service_clear_retry (RelinkTokenService *self, RelinkAccount *account)
{
  set_retry (self, account, NULL);
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

void
relink_token_service_run_hooks_with (RelinkTokenService *self,
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

  relink_token_service_run_hooks_with (self, account, event,
                                       relink_account_get_access_expires_at (account),
                                       relink_account_get_refresh_expires_at (account));
}

void
relink_token_service_emit_refreshed (RelinkTokenService *self, RelinkAccount *account)
{
  g_signal_emit (self, signals[SIGNAL_REFRESHED], 0, account);
}

void
relink_token_service_signed_in_async (RelinkTokenService *self,
                                      RelinkAccount *account,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  gint64 tested_at;

  g_return_if_fail (RELINK_IS_TOKEN_SERVICE (self));
  g_return_if_fail (RELINK_IS_ACCOUNT (account));

  relink_token_service_run_hooks (self, account, RELINK_HOOK_EVENT_RENEWAL);

  /* The sign-in asked the identity endpoint with the new token and
   * recorded that answer as a passed test (relink-sign-in.c): asking the
   * same question again a moment later tells nothing new. */
  tested_at = relink_account_get_last_test_at (account);
  if (tested_at != 0 && tested_at >= relink_account_get_authorised_at (account)
      && relink_account_get_last_test_ok (account)
      && relink_account_get_last_test_message (account) != NULL)
    {
      g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, relink_token_service_test_async);
      g_task_return_pointer (task, g_strdup (relink_account_get_last_test_message (account)),
                             g_free);
      return;
    }

  relink_token_service_test_async (self, account, cancellable, callback, user_data);
}
