/* relink-secrets.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "relink-secret-unlock.h"
#include "relink-secrets-private.h"

struct _RelinkSecrets
{
  GObject parent_instance;

  /* Cancelled when the process ends: every lookup is chained to it. */
  GCancellable *lookups;
};

G_DEFINE_FINAL_TYPE (RelinkSecrets, relink_secrets, G_TYPE_OBJECT)

GQuark
relink_secrets_error_quark (void)
{
  return g_quark_from_static_string ("relink-secrets-error-quark");
}

static void
relink_secrets_finalize (GObject *object)
{
  RelinkSecrets *self = RELINK_SECRETS (object);

  g_clear_object (&self->lookups);

  G_OBJECT_CLASS (relink_secrets_parent_class)->finalize (object);
}

static void
relink_secrets_class_init (RelinkSecretsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = relink_secrets_finalize;
}

static void
relink_secrets_init (RelinkSecrets *self)
{
  self->lookups = g_cancellable_new ();
}

RelinkSecrets *
relink_secrets_new (void)
{
  return g_object_new (RELINK_TYPE_SECRETS, NULL);
}

void
relink_secrets_cancel_lookups (RelinkSecrets *self)
{
  g_return_if_fail (RELINK_IS_SECRETS (self));

  g_cancellable_cancel (self->lookups);
}

GCancellable *
relink_secrets_get_lookups_cancellable (RelinkSecrets *self)
{
  return self->lookups;
}

/* Each operation's Op is built in one place, for its asynchronous and its
 * blocking variant alike. */

static Op *
tokens_op (const char *account_id)
{
  Op *op = relink_secrets_op_new (KIND_TOKENS);

  op->attributes
      = secret_attributes_build (&relink_secrets_tokens_schema, "account", account_id, NULL);
  return op;
}

static Op *
store_tokens_op (const char *account_id, const char *label, RelinkTokenSet *tokens)
{
  Op *op = tokens_op (account_id);

  op->label = g_strdup (label != NULL ? label : _ ("Relink tokens"));
  op->value = secret_value_new_full (relink_token_set_to_json (tokens), -1, "text/plain",
                                     (GDestroyNotify) relink_secret_free);
  return op;
}

/* Without @field, the Op matches every field of the keyset, also ones a
 * newer Relink may have added. */
static Op *
keyset_op (const char *keyset_id, const char *field)
{
  Op *op = relink_secrets_op_new (KIND_KEYSET);

  if (field == NULL)
    op->attributes
        = secret_attributes_build (&relink_secrets_keyset_schema, "keyset", keyset_id, NULL);
  else
    op->attributes = secret_attributes_build (&relink_secrets_keyset_schema, "keyset", keyset_id,
                                              "field", field, NULL);
  return op;
}

static Op *
store_keyset_op (const char *keyset_id, const char *field, const char *label, const char *value)
{
  Op *op = keyset_op (keyset_id, field);

  op->label = g_strdup (label != NULL ? label : _ ("Relink developer key"));
  op->value = secret_value_new_full (g_strdup (value), -1, "text/plain",
                                     (GDestroyNotify) relink_secret_free);
  return op;
}

/* Starts @op: @next is the step that runs once the service is there. */
static void
start (RelinkSecrets *self,
       Op *op,
       gpointer source_tag,
       GAsyncReadyCallback next,
       GCancellable *cancellable,
       GAsyncReadyCallback callback,
       gpointer user_data)
{
  /* Only reading can be given up: a store may carry a rotated token the
   * marketplace has already taken the old one for. */
  op->lookup = next == relink_secrets_lookup_service_cb;
  relink_secrets_with_service (
      relink_secrets_task_new (self, op, source_tag, cancellable, callback, user_data), next);
}

static void
sync_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask **task = user_data;

  *task = g_object_ref (G_TASK (result));
}

static gboolean
interrupted_cb (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_CONTINUE;
}

/* Whether the process handles @signum itself (relinkctl does, to cancel
 * what it is doing): then a blocking call ends on it too. A process that
 * leaves the signal alone keeps it so. */
static gboolean
process_catches (int signum)
{
  struct sigaction action;

  if (sigaction (signum, NULL, &action) != 0)
    return FALSE;
  if (action.sa_flags & SA_SIGINFO)
    return action.sa_sigaction != NULL;
  return action.sa_handler != SIG_DFL && action.sa_handler != SIG_IGN;
}

static void
watch_signal (GMainContext *context, int signum, GCancellable *interrupt, GSource **source)
{
  *source = NULL;
  if (!process_catches (signum))
    return;

  *source = g_unix_signal_source_new (signum);
  g_source_set_callback (*source, interrupted_cb, g_object_ref (interrupt), g_object_unref);
  g_source_attach (*source, context);
}

static void
unwatch_signal (GSource *source)
{
  if (source == NULL)
    return;
  g_source_destroy (source);
  g_source_unref (source);
}

/* The blocking variants: @op run to its end in a private main context, so
 * that no other source of the caller's runs in between. The caller's
 * signal handlers sit on its own context, which does not run meanwhile:
 * SIGINT and SIGTERM are watched here too and cancel the call. Once done,
 * whatever the operation left in the context (answers to cancelled calls,
 * the service's signal subscriptions) is run and released. Returns the
 * finished task, without its Op. */
static GTask *
run_sync (RelinkSecrets *self,
          Op *op,
          gpointer source_tag,
          GAsyncReadyCallback next,
          GCancellable *cancellable)
{
  GMainContext *context = g_main_context_new ();
  g_autoptr (GCancellable) interrupt = g_cancellable_new ();
  GSource *sigint = NULL, *sigterm = NULL;
  gulong cancelled_id = 0;
  GTask *task = NULL;

  g_main_context_push_thread_default (context);
  if (cancellable != NULL)
    cancelled_id
        = g_cancellable_connect (cancellable, G_CALLBACK (relink_secrets_caller_cancelled_cb),
                                 g_object_ref (interrupt), g_object_unref);
  watch_signal (context, SIGINT, interrupt, &sigint);
  watch_signal (context, SIGTERM, interrupt, &sigterm);

  op->own_service = TRUE;
  start (self, op, source_tag, next, interrupt, sync_done_cb, &task);
  while (task == NULL)
    g_main_context_iteration (context, TRUE);

  unwatch_signal (sigint);
  unwatch_signal (sigterm);
  if (cancelled_id != 0)
    g_cancellable_disconnect (cancellable, cancelled_id);
  g_task_set_task_data (task, NULL, NULL);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);

  return task;
}

static gboolean
finish_boolean (RelinkSecrets *self, GAsyncResult *result, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (RELINK_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
finish_pointer (RelinkSecrets *self, GAsyncResult *result, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (RELINK_IS_SECRETS (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Tokens */

void
relink_secrets_store_tokens_async (RelinkSecrets *self,
                                   const char *account_id,
                                   const char *label,
                                   RelinkTokenSet *tokens,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_return_if_fail (RELINK_IS_SECRETS (self));
  g_return_if_fail (account_id != NULL && *account_id != '\0');
  g_return_if_fail (RELINK_IS_TOKEN_SET (tokens));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start (self, store_tokens_op (account_id, label, tokens), relink_secrets_store_tokens_async,
         relink_secrets_store_service_cb, cancellable, callback, user_data);
}

gboolean
relink_secrets_store_tokens_finish (RelinkSecrets *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, relink_secrets_store_tokens_async, error);
}

void
relink_secrets_lookup_tokens_async (RelinkSecrets *self,
                                    const char *account_id,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_return_if_fail (RELINK_IS_SECRETS (self));
  g_return_if_fail (account_id != NULL && *account_id != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start (self, tokens_op (account_id), relink_secrets_lookup_tokens_async,
         relink_secrets_lookup_service_cb, cancellable, callback, user_data);
}

RelinkTokenSet *
relink_secrets_lookup_tokens_finish (RelinkSecrets *self, GAsyncResult *result, GError **error)
{
  return finish_pointer (self, result, relink_secrets_lookup_tokens_async, error);
}

void
relink_secrets_clear_tokens_async (RelinkSecrets *self,
                                   const char *account_id,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_return_if_fail (RELINK_IS_SECRETS (self));
  g_return_if_fail (account_id != NULL && *account_id != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start (self, tokens_op (account_id), relink_secrets_clear_tokens_async,
         relink_secrets_clear_service_cb, cancellable, callback, user_data);
}

gboolean
relink_secrets_clear_tokens_finish (RelinkSecrets *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, relink_secrets_clear_tokens_async, error);
}

/* Keyset secrets */

void
relink_secrets_store_keyset_secret_async (RelinkSecrets *self,
                                          const char *keyset_id,
                                          const char *field,
                                          const char *label,
                                          const char *value,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data)
{
  g_return_if_fail (RELINK_IS_SECRETS (self));
  g_return_if_fail (keyset_id != NULL && *keyset_id != '\0');
  g_return_if_fail (field != NULL && *field != '\0');
  g_return_if_fail (value != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start (self, store_keyset_op (keyset_id, field, label, value),
         relink_secrets_store_keyset_secret_async, relink_secrets_store_service_cb, cancellable,
         callback, user_data);
}

gboolean
relink_secrets_store_keyset_secret_finish (RelinkSecrets *self,
                                           GAsyncResult *result,
                                           GError **error)
{
  return finish_boolean (self, result, relink_secrets_store_keyset_secret_async, error);
}

void
relink_secrets_lookup_keyset_secret_async (RelinkSecrets *self,
                                           const char *keyset_id,
                                           const char *field,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data)
{
  g_return_if_fail (RELINK_IS_SECRETS (self));
  g_return_if_fail (keyset_id != NULL && *keyset_id != '\0');
  g_return_if_fail (field != NULL && *field != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start (self, keyset_op (keyset_id, field), relink_secrets_lookup_keyset_secret_async,
         relink_secrets_lookup_service_cb, cancellable, callback, user_data);
}

char *
relink_secrets_lookup_keyset_secret_finish (RelinkSecrets *self,
                                            GAsyncResult *result,
                                            GError **error)
{
  return finish_pointer (self, result, relink_secrets_lookup_keyset_secret_async, error);
}

void
relink_secrets_clear_keyset_async (RelinkSecrets *self,
                                   const char *keyset_id,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_return_if_fail (RELINK_IS_SECRETS (self));
  g_return_if_fail (keyset_id != NULL && *keyset_id != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start (self, keyset_op (keyset_id, NULL), relink_secrets_clear_keyset_async,
         relink_secrets_clear_service_cb, cancellable, callback, user_data);
}

gboolean
relink_secrets_clear_keyset_finish (RelinkSecrets *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, relink_secrets_clear_keyset_async, error);
}

/* Blocking variants */

gboolean
relink_secrets_store_tokens_sync (RelinkSecrets *self,
                                  const char *account_id,
                                  const char *label,
                                  RelinkTokenSet *tokens,
                                  GCancellable *cancellable,
                                  GError **error)
{
  g_autoptr (GTask) task = NULL;

  g_return_val_if_fail (RELINK_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (account_id != NULL && *account_id != '\0', FALSE);
  g_return_val_if_fail (RELINK_IS_TOKEN_SET (tokens), FALSE);

  task = run_sync (self, store_tokens_op (account_id, label, tokens),
                   relink_secrets_store_tokens_async, relink_secrets_store_service_cb, cancellable);
  return g_task_propagate_boolean (task, error);
}

RelinkTokenSet *
relink_secrets_lookup_tokens_sync (RelinkSecrets *self,
                                   const char *account_id,
                                   GCancellable *cancellable,
                                   GError **error)
{
  g_autoptr (GTask) task = NULL;

  g_return_val_if_fail (RELINK_IS_SECRETS (self), NULL);
  g_return_val_if_fail (account_id != NULL && *account_id != '\0', NULL);

  task = run_sync (self, tokens_op (account_id), relink_secrets_lookup_tokens_async,
                   relink_secrets_lookup_service_cb, cancellable);
  return g_task_propagate_pointer (task, error);
}

gboolean
relink_secrets_clear_tokens_sync (RelinkSecrets *self,
                                  const char *account_id,
                                  GCancellable *cancellable,
                                  GError **error)
{
  g_autoptr (GTask) task = NULL;

  g_return_val_if_fail (RELINK_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (account_id != NULL && *account_id != '\0', FALSE);

  task = run_sync (self, tokens_op (account_id), relink_secrets_clear_tokens_async,
                   relink_secrets_clear_service_cb, cancellable);
  return g_task_propagate_boolean (task, error);
}

gboolean
relink_secrets_store_keyset_secret_sync (RelinkSecrets *self,
                                         const char *keyset_id,
                                         const char *field,
                                         const char *label,
                                         const char *value,
                                         GCancellable *cancellable,
                                         GError **error)
{
  g_autoptr (GTask) task = NULL;

  g_return_val_if_fail (RELINK_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (keyset_id != NULL && *keyset_id != '\0', FALSE);
  g_return_val_if_fail (field != NULL && *field != '\0', FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  task = run_sync (self, store_keyset_op (keyset_id, field, label, value),
                   relink_secrets_store_keyset_secret_async, relink_secrets_store_service_cb,
                   cancellable);
  return g_task_propagate_boolean (task, error);
}

char *
relink_secrets_lookup_keyset_secret_sync (RelinkSecrets *self,
                                          const char *keyset_id,
                                          const char *field,
                                          GCancellable *cancellable,
                                          GError **error)
{
  g_autoptr (GTask) task = NULL;

  g_return_val_if_fail (RELINK_IS_SECRETS (self), NULL);
  g_return_val_if_fail (keyset_id != NULL && *keyset_id != '\0', NULL);
  g_return_val_if_fail (field != NULL && *field != '\0', NULL);

  task = run_sync (self, keyset_op (keyset_id, field), relink_secrets_lookup_keyset_secret_async,
                   relink_secrets_lookup_service_cb, cancellable);
  return g_task_propagate_pointer (task, error);
}

gboolean
relink_secrets_clear_keyset_sync (RelinkSecrets *self,
                                  const char *keyset_id,
                                  GCancellable *cancellable,
                                  GError **error)
{
  g_autoptr (GTask) task = NULL;

  g_return_val_if_fail (RELINK_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (keyset_id != NULL && *keyset_id != '\0', FALSE);

  task = run_sync (self, keyset_op (keyset_id, NULL), relink_secrets_clear_keyset_async,
                   relink_secrets_clear_service_cb, cancellable);
  return g_task_propagate_boolean (task, error);
}
