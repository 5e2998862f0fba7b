/* relink-account-manager-save.c: adding and removing keysets and accounts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-account-manager-private.h"

/* Running one store call in a worker thread */

typedef gboolean (*StoreCall) (RelinkStore *store, GObject *item, GError **error);

typedef struct
{
  RelinkStore *store;
  GObject *item;
  StoreCall call;
} StoreJob;

static void
store_job_free (StoreJob *job)
{
  g_clear_object (&job->store);
  g_clear_object (&job->item);
  g_free (job);
}

static void
store_job_thread (GTask *task,
                  gpointer source_object,
                  gpointer task_data,
                  GCancellable *cancellable)
{
  StoreJob *job = task_data;
  GError *error = NULL;

  if (job->call (job->store, job->item, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
run_store_call_async (RelinkAccountManager *self,
                      StoreCall call,
                      GObject *item,
                      GCancellable *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  StoreJob *job = g_new0 (StoreJob, 1);

  job->store = g_object_ref (self->store);
  job->item = g_object_ref (item);
  job->call = call;

  g_task_set_source_tag (task, run_store_call_async);
  /* A store write that started is finished even when the caller gave up:
   * half a change is worse than a late one. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_set_task_data (task, job, (GDestroyNotify) store_job_free);
  g_task_run_in_thread (task, store_job_thread);
}

static gboolean
save_keyset_call (RelinkStore *store, GObject *item, GError **error)
{
  return relink_store_save_keyset (store, RELINK_KEYSET (item), error);
}

static gboolean
delete_keyset_call (RelinkStore *store, GObject *item, GError **error)
{
  return relink_store_delete_keyset (store, relink_keyset_get_id (RELINK_KEYSET (item)), error);
}

static gboolean
save_account_call (RelinkStore *store, GObject *item, GError **error)
{
  return relink_store_save_account (store, RELINK_ACCOUNT (item), error);
}

static gboolean
delete_account_call (RelinkStore *store, GObject *item, GError **error)
{
  return relink_store_delete_account (store, relink_account_get_id (RELINK_ACCOUNT (item)), error);
}

/* Accounts and further grants are all in the grants model; the accounts
 * model follows from it (relink_account_manager_sync_accounts()). */
static GListStore *
model_of (RelinkAccountManager *self, gpointer item)
{
  return RELINK_IS_ACCOUNT (item) ? self->grants : self->keysets;
}

/* Shows a keyset or account just saved, unless a reload already did. */
static void
show_saved (RelinkAccountManager *self, gpointer item)
{
  if (RELINK_IS_ACCOUNT (item))
    relink_account_manager_resolve_account (self, item);
  else
    relink_account_manager_resolve_keyset (self, item);

  if (!relink_account_manager_find_by_id (G_LIST_MODEL (model_of (self, item)),
                                          relink_account_manager_item_id (item), NULL))
    g_list_store_append (model_of (self, item), item);
  if (RELINK_IS_ACCOUNT (item))
    relink_account_manager_sync_accounts (self);
}

/* The last step of a removal: the store deleted the keyset or account in
 * the task data, so its row goes. */
static void
remove_deleted_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  RelinkAccountManager *self = RELINK_ACCOUNT_MANAGER (object);
  g_autoptr (GTask) task = user_data;
  gpointer item = g_task_get_task_data (task);
  GError *error = NULL;
  guint position;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (relink_account_manager_find_by_id (G_LIST_MODEL (model_of (self, item)),
                                         relink_account_manager_item_id (item), &position))
    g_list_store_remove (model_of (self, item), position);

  /* The store deleted an account's further grants with it. */
  if (RELINK_IS_ACCOUNT (item))
    {
      for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->grants)); i > 0; i--)
        {
          g_autoptr (RelinkAccount) grant
              = g_list_model_get_item (G_LIST_MODEL (self->grants), i - 1);

          if (g_strcmp0 (relink_account_get_owner_id (grant), relink_account_get_id (item)) == 0)
            g_list_store_remove (self->grants, i - 1);
        }
      relink_account_manager_sync_accounts (self);
    }

  g_task_return_boolean (task, TRUE);
}

/* Metadata goes only when the secrets are gone: otherwise they would be
 * orphaned in the keyring with nothing pointing at them. */
static void
remove_after_secrets (GTask *task, gboolean cleared, GError *error, StoreCall delete_call)
{
  RelinkAccountManager *self = g_task_get_source_object (task);

  if (!cleared)
    {
      g_task_return_error (task, error);
      return;
    }

  /* Arguments are evaluated in no particular order: read the task before
   * handing its reference on. */
  run_store_call_async (self, delete_call, g_task_get_task_data (task),
                        g_task_get_cancellable (task), remove_deleted_cb, g_object_ref (task));
}

/* Adding a keyset: secret fields one by one, then the metadata. */

typedef struct
{
  RelinkKeyset *keyset;
  GPtrArray *fields; /* secret field ids still to store */
  GHashTable *secrets;
  GPtrArray *stored; /* field ids stored, to undo on failure */
} AddKeysetData;

static void
add_keyset_data_free (AddKeysetData *data)
{
  g_clear_object (&data->keyset);
  g_clear_pointer (&data->fields, g_ptr_array_unref);
  g_clear_pointer (&data->secrets, g_hash_table_unref);
  g_clear_pointer (&data->stored, g_ptr_array_unref);
  g_free (data);
}

static void add_keyset_next (GTask *task);

static void
undo_keyset_secrets_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!relink_secrets_clear_keyset_finish (RELINK_SECRETS (object), result, &error))
    g_message ("Could not remove the secrets of an unsaved keyset: %s", error->message);
}

static void
add_keyset_failed (GTask *task, GError *error)
{
  RelinkAccountManager *self = g_task_get_source_object (task);
  AddKeysetData *data = g_task_get_task_data (task);

  if (data->stored->len > 0)
    relink_secrets_clear_keyset_async (self->secrets, relink_keyset_get_id (data->keyset), NULL,
                                       undo_keyset_secrets_cb, NULL);
  g_task_return_error (task, error);
}

static void
add_keyset_saved_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  RelinkAccountManager *self = RELINK_ACCOUNT_MANAGER (object);
  g_autoptr (GTask) task = user_data;
  AddKeysetData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      add_keyset_failed (task, error);
      return;
    }

  show_saved (self, data->keyset);

  g_task_return_boolean (task, TRUE);
}

static void
add_keyset_secret_stored_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AddKeysetData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!relink_secrets_store_keyset_secret_finish (RELINK_SECRETS (object), result, &error))
    {
      add_keyset_failed (task, error);
      return;
    }

  g_ptr_array_add (data->stored, g_ptr_array_steal_index (data->fields, data->fields->len - 1));
  add_keyset_next (g_steal_pointer (&task));
}

static void
add_keyset_next (GTask *task)
{
  RelinkAccountManager *self = g_task_get_source_object (task);
  AddKeysetData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (data->fields->len > 0)
    {
      const char *field = g_ptr_array_index (data->fields, data->fields->len - 1);
      g_autofree char *name = relink_keyset_dup_display_name (data->keyset);
      /* Translators: the keyring item's label; %s is e.g. "eBay · Production", the second a field
       * id. */
      g_autofree char *label = g_strdup_printf (_ ("Relink: %s developer key (%s)"), name, field);

      relink_secrets_store_keyset_secret_async (self->secrets, relink_keyset_get_id (data->keyset),
                                                field, label,
                                                g_hash_table_lookup (data->secrets, field),
                                                cancellable, add_keyset_secret_stored_cb, task);
      return;
    }

  run_store_call_async (self, save_keyset_call, G_OBJECT (data->keyset), cancellable,
                        add_keyset_saved_cb, task);
}

void
relink_account_manager_add_keyset_async (RelinkAccountManager *self,
                                         RelinkKeyset *keyset,
                                         GHashTable *secrets,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  AddKeysetData *data;

  g_return_if_fail (RELINK_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (RELINK_IS_KEYSET (keyset));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_account_manager_add_keyset_async);

  data = g_new0 (AddKeysetData, 1);
  data->keyset = g_object_ref (keyset);
  data->fields = g_ptr_array_new_with_free_func (g_free);
  data->stored = g_ptr_array_new_with_free_func (g_free);
  data->secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) relink_secret_free);
  if (secrets != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, secrets);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          if (value == NULL || *(const char *) value == '\0')
            continue;
          g_hash_table_insert (data->secrets, g_strdup (key), g_strdup (value));
          g_ptr_array_add (data->fields, g_strdup (key));
        }
    }
  g_task_set_task_data (task, data, (GDestroyNotify) add_keyset_data_free);

  add_keyset_next (g_steal_pointer (&task));
}

gboolean
relink_account_manager_add_keyset_finish (RelinkAccountManager *self,
                                          GAsyncResult *result,
                                          GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Removing a keyset: refuse while used, then secrets, then metadata. */

static void
remove_keyset_secrets_cleared_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  gboolean cleared;

  cleared = relink_secrets_clear_keyset_finish (RELINK_SECRETS (object), result, &error);
  remove_after_secrets (task, cleared, error, delete_keyset_call);
}

void
relink_account_manager_remove_keyset_async (RelinkAccountManager *self,
                                            RelinkKeyset *keyset,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  guint users;

  g_return_if_fail (RELINK_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (RELINK_IS_KEYSET (keyset));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_account_manager_remove_keyset_async);
  g_task_set_task_data (task, g_object_ref (keyset), g_object_unref);

  users = relink_account_manager_count_accounts_of_keyset (self, keyset);
  if (users > 0)
    {
      g_task_return_new_error (task, RELINK_STORE_ERROR, RELINK_STORE_ERROR_FAILED,
                               ngettext ("These developer keys are still used by %u account. "
                                         "Remove the account first.",
                                         "These developer keys are still used by %u accounts. "
                                         "Remove the accounts first.",
                                         users),
                               users);
      return;
    }

  relink_secrets_clear_keyset_async (self->secrets, relink_keyset_get_id (keyset), cancellable,
                                     remove_keyset_secrets_cleared_cb, g_steal_pointer (&task));
}

gboolean
relink_account_manager_remove_keyset_finish (RelinkAccountManager *self,
                                             GAsyncResult *result,
                                             GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Adding and removing accounts */

static void
add_account_saved_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  RelinkAccountManager *self = RELINK_ACCOUNT_MANAGER (object);
  g_autoptr (GTask) task = user_data;
  RelinkAccount *account = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  show_saved (self, account);

  g_task_return_boolean (task, TRUE);
}

void
relink_account_manager_add_account_async (RelinkAccountManager *self,
                                          RelinkAccount *account,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (RELINK_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (RELINK_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_account_manager_add_account_async);
  g_task_set_task_data (task, g_object_ref (account), g_object_unref);

  if (relink_account_manager_lookup_keyset (self, relink_account_get_keyset_id (account)) == NULL)
    {
      g_task_return_new_error (task, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NOT_FOUND, "%s",
                               _ ("The developer keys for this account are missing. "
                                  "Add them again, then add the account."));
      return;
    }

  if (relink_account_get_created_at (account) == 0)
    relink_account_set_created_at (account, g_get_real_time () / G_USEC_PER_SEC);

  run_store_call_async (self, save_account_call, G_OBJECT (account), cancellable,
                        add_account_saved_cb, g_steal_pointer (&task));
}

gboolean
relink_account_manager_add_account_finish (RelinkAccountManager *self,
                                           GAsyncResult *result,
                                           GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
remove_account_tokens_cleared_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  gboolean cleared;

  cleared = relink_secrets_clear_tokens_finish (RELINK_SECRETS (object), result, &error);
  remove_after_secrets (task, cleared, error, delete_account_call);
}

static void remove_account_clear_next (GTask *task);

static void
remove_grant_tokens_cleared_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!relink_secrets_clear_tokens_finish (RELINK_SECRETS (object), result, &error))
    {
      remove_after_secrets (task, FALSE, error, delete_account_call);
      return;
    }

  remove_account_clear_next (g_steal_pointer (&task));
}

/* Clears the tokens of the account's further grants one by one, then the
 * account's own; only when all are gone does the metadata go. Takes @task. */
static void
remove_account_clear_next (GTask *task)
{
  RelinkAccountManager *self = g_task_get_source_object (task);
  RelinkAccount *account = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GPtrArray *grant_ids = g_object_get_data (G_OBJECT (task), "grant-ids");

  if (grant_ids != NULL && grant_ids->len > 0)
    {
      g_autofree char *id = g_ptr_array_steal_index (grant_ids, grant_ids->len - 1);

      relink_secrets_clear_tokens_async (self->secrets, id, cancellable,
                                         remove_grant_tokens_cleared_cb, task);
      return;
    }

  relink_secrets_clear_tokens_async (self->secrets, relink_account_get_id (account), cancellable,
                                     remove_account_tokens_cleared_cb, task);
}

void
relink_account_manager_remove_account_async (RelinkAccountManager *self,
                                             RelinkAccount *account,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GListModel *extra_grants;
  GPtrArray *grant_ids;

  g_return_if_fail (RELINK_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (RELINK_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_account_manager_remove_account_async);
  g_task_set_task_data (task, g_object_ref (account), g_object_unref);

  /* The store deletes the further grants with the account: their tokens
   * go first. */
  extra_grants = relink_account_get_extra_grants (account);
  grant_ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < g_list_model_get_n_items (extra_grants); i++)
    {
      g_autoptr (RelinkAccount) grant = g_list_model_get_item (extra_grants, i);

      g_ptr_array_add (grant_ids, g_strdup (relink_account_get_id (grant)));
    }
  g_object_set_data_full (G_OBJECT (task), "grant-ids", grant_ids,
                          (GDestroyNotify) g_ptr_array_unref);

  remove_account_clear_next (g_steal_pointer (&task));
}

gboolean
relink_account_manager_remove_account_finish (RelinkAccountManager *self,
                                              GAsyncResult *result,
                                              GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
