/* relink-context.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-context.h"

struct _RelinkContext
{
  GObject parent_instance;

  RelinkAccountManager *manager;
  RelinkTokenService *service;
  /* Made when first asked for: relinkctl has no use for one. */
  RelinkKeepAlive *keep_alive;
  GError *error;
  gboolean loading;
};

G_DEFINE_FINAL_TYPE (RelinkContext, relink_context, G_TYPE_OBJECT)

static void
relink_context_finalize (GObject *object)
{
  RelinkContext *self = RELINK_CONTEXT (object);

  if (self->keep_alive != NULL)
    relink_keep_alive_stop (self->keep_alive);
  g_clear_object (&self->keep_alive);
  g_clear_object (&self->service);
  g_clear_object (&self->manager);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (relink_context_parent_class)->finalize (object);
}

static void
relink_context_class_init (RelinkContextClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = relink_context_finalize;
}

static void
relink_context_init (RelinkContext *self)
{
}

RelinkContext *
relink_context_new_for_manager (RelinkAccountManager *manager)
{
  RelinkContext *self;

  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (manager), NULL);

  self = g_object_new (RELINK_TYPE_CONTEXT, NULL);
  self->manager = g_object_ref (manager);
  self->service = relink_token_service_new (manager);

  return self;
}

RelinkContext *
relink_context_new (const char *program)
{
  g_autofree char *path = relink_store_default_path ();
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (RelinkSecrets) secrets = NULL;
  g_autoptr (RelinkProviderRegistry) providers = NULL;
  g_autoptr (RelinkAccountManager) manager = NULL;
  g_autoptr (GError) error = NULL;
  RelinkContext *self;

  g_return_val_if_fail (program != NULL, NULL);

  store = relink_store_open (path, &error);
  if (store == NULL)
    {
      g_warning ("Could not open the account store: %s", error->message);
      self = g_object_new (RELINK_TYPE_CONTEXT, NULL);
      self->error = g_steal_pointer (&error);
      return self;
    }

  secrets = relink_secrets_new ();
  providers = relink_provider_registry_new (NULL);
  manager = relink_account_manager_new (store, secrets, providers);
  relink_account_manager_set_program (manager, program);

  return relink_context_new_for_manager (manager);
}

RelinkAccountManager *
relink_context_get_manager (RelinkContext *self)
{
  g_return_val_if_fail (RELINK_IS_CONTEXT (self), NULL);

  return self->manager;
}

RelinkStore *
relink_context_get_store (RelinkContext *self)
{
  g_return_val_if_fail (RELINK_IS_CONTEXT (self), NULL);

  return self->manager != NULL ? relink_account_manager_get_store (self->manager) : NULL;
}

RelinkSecrets *
relink_context_get_secrets (RelinkContext *self)
{
  g_return_val_if_fail (RELINK_IS_CONTEXT (self), NULL);

  return self->manager != NULL ? relink_account_manager_get_secrets (self->manager) : NULL;
}

RelinkProviderRegistry *
relink_context_get_providers (RelinkContext *self)
{
  g_return_val_if_fail (RELINK_IS_CONTEXT (self), NULL);

  return self->manager != NULL ? relink_account_manager_get_providers (self->manager) : NULL;
}

RelinkTokenService *
relink_context_get_token_service (RelinkContext *self)
{
  g_return_val_if_fail (RELINK_IS_CONTEXT (self), NULL);

  return self->service;
}

RelinkKeepAlive *
relink_context_get_keep_alive (RelinkContext *self)
{
  g_return_val_if_fail (RELINK_IS_CONTEXT (self), NULL);

  if (self->keep_alive == NULL && self->service != NULL)
    self->keep_alive = relink_keep_alive_new (self->service);

  return self->keep_alive;
}

const GError *
relink_context_get_error (RelinkContext *self)
{
  g_return_val_if_fail (RELINK_IS_CONTEXT (self), NULL);

  return self->error;
}

gboolean
relink_context_get_loading (RelinkContext *self)
{
  g_return_val_if_fail (RELINK_IS_CONTEXT (self), FALSE);

  return self->loading;
}

static void
load_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RelinkContext *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;

  if (!relink_account_manager_load_finish (RELINK_ACCOUNT_MANAGER (object), result, &error))
    {
      /* Cancelled: the process is ending; nothing to keep. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("Could not load the accounts: %s", error->message);
          g_clear_error (&self->error);
          self->error = g_error_copy (error);
          self->loading = FALSE;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->loading = FALSE;
  relink_keep_alive_start (relink_context_get_keep_alive (self));
  g_task_return_boolean (task, TRUE);
}

void
relink_context_load_async (RelinkContext *self,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (RELINK_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_context_load_async);

  if (self->manager == NULL)
    {
      g_task_return_error (task, g_error_copy (self->error));
      return;
    }

  self->loading = TRUE;
  relink_account_manager_load_async (self->manager, cancellable, load_cb, g_steal_pointer (&task));
}

gboolean
relink_context_load_finish (RelinkContext *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
relink_context_check_store (RelinkContext *self)
{
  g_return_if_fail (RELINK_IS_CONTEXT (self));

  if (self->manager == NULL || self->loading || self->error != NULL)
    return;

  relink_account_manager_reload_if_changed (self->manager);
}

void
relink_context_shutdown (RelinkContext *self)
{
  g_return_if_fail (RELINK_IS_CONTEXT (self));

  if (self->keep_alive != NULL)
    relink_keep_alive_stop (self->keep_alive);
}
