/* relink-store-accounts.c: the store's keysets and accounts, row by row through their column tables
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-store-private.h"

/* Adds each row, made into an object of @data's table, to the array. */
typedef struct
{
  const StoreTable *table;
  GPtrArray *objects;
} Objects;

static gboolean
add_object_cb (RelinkStore *self, sqlite3_stmt *stmt, gpointer data, GError **error)
{
  Objects *objects = data;
  gpointer object = relink_store_object_from_row (self, objects->table, stmt, error);

  if (object == NULL)
    return FALSE;

  g_ptr_array_add (objects->objects, object);
  return TRUE;
}

/* Every row of @table, oldest first. */
static GPtrArray *
load_objects (RelinkStore *self, const StoreTable *table, GError **error)
{
  G_GNUC_UNUSED g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) objects = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM %s ORDER BY created_at, id",
                                          relink_store_table_select_list (table), table->name);
  Objects data = { table, objects };

  stmt = relink_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;

  if (!relink_store_for_each_row (self, stmt, add_object_cb, &data, error))
    return NULL;

  return g_steal_pointer (&objects);
}

GPtrArray *
relink_store_load_keysets (RelinkStore *self, GError **error)
{
  g_return_val_if_fail (RELINK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return load_objects (self, &relink_store_keysets_table, error);
}

/* Binds every column of the object @data of @table. */
static void
bind_keyset (sqlite3_stmt *stmt, gconstpointer data)
{
  relink_store_bind_object (&relink_store_keysets_table, stmt, (gpointer) data);
}

static void
bind_account (sqlite3_stmt *stmt, gconstpointer data)
{
  relink_store_bind_object (&relink_store_accounts_table, stmt, (gpointer) data);
}

gboolean
relink_store_save_keyset (RelinkStore *self, RelinkKeyset *keyset, GError **error)
{
  g_return_val_if_fail (RELINK_IS_STORE (self), FALSE);
  g_return_val_if_fail (RELINK_IS_KEYSET (keyset), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return relink_store_write_row (self, relink_store_table_upsert_sql (&relink_store_keysets_table),
                                 relink_keyset_get_id (keyset), bind_keyset, keyset,
                                 RELINK_STORE_CHANGE_OPTIONAL, error);
}

gboolean
relink_store_delete_keyset (RelinkStore *self, const char *keyset_id, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (sqlite3_stmt) count = NULL;
  gint64 n_accounts;
  int changes;
  int rc;

  g_return_val_if_fail (RELINK_IS_STORE (self), FALSE);
  g_return_val_if_fail (keyset_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);

  /* The check and the delete share one transaction, so no account can be
   * linked to the keyset in between. */
  if (!relink_store_begin (self, error))
    return FALSE;

  count = relink_store_prepare (self, "SELECT count(*) FROM accounts WHERE keyset_id = ?1", error);
  if (count == NULL)
    goto fail;
  relink_store_bind_text (count, 1, keyset_id);
  rc = sqlite3_step (count);
  if (rc != SQLITE_ROW)
    {
      relink_store_set_sqlite_error (self->path, self->db, rc, error);
      goto fail;
    }
  n_accounts = sqlite3_column_int64 (count, 0);

  if (n_accounts > 0)
    {
      g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_FAILED,
                   ngettext ("These developer keys are still used by %u account. Remove that "
                             "account first, or link it to other keys.",
                             "These developer keys are still used by %u accounts. Remove "
                             "those accounts first, or link them to other keys.",
                             (gulong) n_accounts),
                   (guint) n_accounts);
      goto fail;
    }

  changes = relink_store_run_with_id (self, "DELETE FROM keysets WHERE id = ?1", keyset_id, error);
  if (changes < 0)
    goto fail;
  if (changes == 0)
    {
      relink_store_set_not_found (self, TRUE, keyset_id, error);
      goto fail;
    }

  if (relink_store_run_with_id (self, "DELETE FROM reminders WHERE account_id = ?1", keyset_id,
                                error)
      < 0)
    goto fail;

  return relink_store_commit (self, error);

fail:
  relink_store_rollback (self);
  return FALSE;
}

static void
bind_invalid (sqlite3_stmt *stmt, gconstpointer data)
{
  sqlite3_bind_int (stmt, 2, *(const gboolean *) data ? 1 : 0);
}

gboolean
relink_store_set_keyset_invalid (RelinkStore *self,
                                 const char *keyset_id,
                                 gboolean invalid,
                                 GError **error)
{
  g_return_val_if_fail (RELINK_IS_STORE (self), FALSE);
  g_return_val_if_fail (keyset_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return relink_store_write_row (self, "UPDATE keysets SET invalid = ?2 WHERE id = ?1", keyset_id,
                                 bind_invalid, &invalid, RELINK_STORE_CHANGE_KEYSET, error);
}

GPtrArray *
relink_store_load_accounts (RelinkStore *self, GError **error)
{
  g_return_val_if_fail (RELINK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return load_objects (self, &relink_store_accounts_table, error);
}

RelinkAccount *
relink_store_load_account (RelinkStore *self, const char *account_id, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autofree char *sql = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean found;

  g_return_val_if_fail (RELINK_IS_STORE (self), NULL);
  g_return_val_if_fail (account_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);

  sql = g_strdup_printf ("SELECT %s FROM accounts WHERE id = ?1",
                         relink_store_table_select_list (&relink_store_accounts_table));
  stmt = relink_store_prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;
  relink_store_bind_text (stmt, 1, account_id);

  if (!relink_store_step_row (self, stmt, &found, error))
    return NULL;
  if (found)
    return relink_store_object_from_row (self, &relink_store_accounts_table, stmt, error);

  relink_store_set_not_found (self, FALSE, account_id, error);
  return NULL;
}

gboolean
relink_store_save_account (RelinkStore *self, RelinkAccount *account, GError **error)
{
  g_return_val_if_fail (RELINK_IS_STORE (self), FALSE);
  g_return_val_if_fail (RELINK_IS_ACCOUNT (account), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return relink_store_write_row (self, relink_store_table_upsert_sql (&relink_store_accounts_table),
                                 relink_account_get_id (account), bind_account, account,
                                 RELINK_STORE_CHANGE_OPTIONAL, error);
}

gboolean
relink_store_delete_account (RelinkStore *self, const char *account_id, GError **error)
{
  /* What refers to the account or to one of its further grants, removed
   * with it; then the grants, then the account itself. */
#define ACCOUNT_AND_GRANTS "(SELECT ?1 UNION SELECT id FROM accounts WHERE owner_id = ?1)"
  static const char *const dependents_sql[] = {
    "DELETE FROM history WHERE account_id IN " ACCOUNT_AND_GRANTS,
    "DELETE FROM reminders WHERE account_id IN " ACCOUNT_AND_GRANTS,
    "DELETE FROM refresh_journal WHERE account_id IN " ACCOUNT_AND_GRANTS,
    "DELETE FROM accounts WHERE owner_id = ?1",
  };
#undef ACCOUNT_AND_GRANTS
  g_autoptr (GMutexLocker) locker = NULL;
  int changes;

  g_return_val_if_fail (RELINK_IS_STORE (self), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);

  if (!relink_store_begin (self, error))
    return FALSE;

  for (gsize i = 0; i < G_N_ELEMENTS (dependents_sql); i++)
    if (relink_store_run_with_id (self, dependents_sql[i], account_id, error) < 0)
      goto fail;

  changes
      = relink_store_run_with_id (self, "DELETE FROM accounts WHERE id = ?1", account_id, error);
  if (changes < 0)
    goto fail;
  if (changes == 0)
    {
      relink_store_set_not_found (self, FALSE, account_id, error);
      goto fail;
    }

  return relink_store_commit (self, error);

fail:
  relink_store_rollback (self);
  return FALSE;
}

typedef struct
{
  gint64 access_expires_at;
  gint64 refresh_expires_at;
  gint64 last_refresh_at;
} TokenDates;

static void
bind_token_dates (sqlite3_stmt *stmt, gconstpointer data)
{
  const TokenDates *dates = data;

  sqlite3_bind_int64 (stmt, 2, dates->access_expires_at);
  sqlite3_bind_int64 (stmt, 3, dates->refresh_expires_at);
  sqlite3_bind_int64 (stmt, 4, dates->last_refresh_at);
}

gboolean
relink_store_update_token_dates (RelinkStore *self,
                                 const char *account_id,
                                 gint64 access_expires_at,
                                 gint64 refresh_expires_at,
                                 gint64 last_refresh_at,
                                 GError **error)
{
  TokenDates dates = { access_expires_at, refresh_expires_at, last_refresh_at };

  g_return_val_if_fail (RELINK_IS_STORE (self), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return relink_store_write_row (
      self,
      "UPDATE accounts SET access_expires_at = ?2, refresh_expires_at = ?3,"
      "  last_refresh_at = ?4 WHERE id = ?1",
      account_id, bind_token_dates, &dates, RELINK_STORE_CHANGE_ACCOUNT, error);
}

typedef struct
{
  RelinkAccountStatus status;
  const char *message;
} Status;

static void
bind_status (sqlite3_stmt *stmt, gconstpointer data)
{
  const Status *status = data;

  sqlite3_bind_int (stmt, 2, status->status);
  relink_store_bind_text (stmt, 3, status->message);
}

gboolean
relink_store_update_status (RelinkStore *self,
                            const char *account_id,
                            RelinkAccountStatus status,
                            const char *status_message,
                            GError **error)
{
  Status data = { status, status_message };

  g_return_val_if_fail (RELINK_IS_STORE (self), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return relink_store_write_row (
      self, "UPDATE accounts SET status = ?2, status_message = ?3 WHERE id = ?1", account_id,
      bind_status, &data, RELINK_STORE_CHANGE_ACCOUNT, error);
}

typedef struct
{
  gint64 tested_at;
  gboolean ok;
  const char *message;
} TestResult;

static void
bind_test_result (sqlite3_stmt *stmt, gconstpointer data)
{
  const TestResult *result = data;

  sqlite3_bind_int64 (stmt, 2, result->tested_at);
  sqlite3_bind_int (stmt, 3, result->ok ? 1 : 0);
  relink_store_bind_text (stmt, 4, result->message);
}

gboolean
relink_store_update_test_result (RelinkStore *self,
                                 const char *account_id,
                                 gint64 tested_at,
                                 gboolean ok,
                                 const char *message,
                                 GError **error)
{
  TestResult result = { tested_at, ok, message };

  g_return_val_if_fail (RELINK_IS_STORE (self), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return relink_store_write_row (self,
                                 "UPDATE accounts SET last_test_at = ?2, last_test_ok = ?3,"
                                 "  last_test_message = ?4 WHERE id = ?1",
                                 account_id, bind_test_result, &result, RELINK_STORE_CHANGE_ACCOUNT,
                                 error);
}

typedef struct
{
  const char *identity_id;
  const char *identity_name;
  const char *scopes;
  gint64 authorised_at;
  gint64 access_expires_at;
  gint64 refresh_expires_at;
} SignIn;

static void
bind_sign_in (sqlite3_stmt *stmt, gconstpointer data)
{
  const SignIn *sign_in = data;

  relink_store_bind_text (stmt, 2, sign_in->identity_id);
  relink_store_bind_text (stmt, 3, sign_in->identity_name);
  relink_store_bind_text (stmt, 4, sign_in->scopes);
  sqlite3_bind_int64 (stmt, 5, sign_in->authorised_at);
  sqlite3_bind_int64 (stmt, 6, sign_in->access_expires_at);
  sqlite3_bind_int64 (stmt, 7, sign_in->refresh_expires_at);
  sqlite3_bind_int (stmt, 8, RELINK_ACCOUNT_STATUS_CONNECTED);
}

gboolean
relink_store_update_sign_in (RelinkStore *self,
                             const char *account_id,
                             const char *identity_id,
                             const char *identity_name,
                             const char *scopes,
                             gint64 authorised_at,
                             gint64 access_expires_at,
                             gint64 refresh_expires_at,
                             GError **error)
{
  SignIn sign_in = { identity_id,   identity_name,     scopes,
                     authorised_at, access_expires_at, refresh_expires_at };

  g_return_val_if_fail (RELINK_IS_STORE (self), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* One statement: a reader never sees the new identity with the old
   * dates, nor a connected status before the dates it stands on. */
  return relink_store_write_row (
      self,
      "UPDATE accounts SET identity_id = ?2, identity_name = ?3, scopes = ?4,"
      "  authorised_at = ?5, access_expires_at = ?6, refresh_expires_at = ?7,"
      "  status = ?8, status_message = NULL WHERE id = ?1",
      account_id, bind_sign_in, &sign_in, RELINK_STORE_CHANGE_ACCOUNT, error);
}
