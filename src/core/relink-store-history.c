/* relink-store-history.c: the store's history, reminders and refresh journal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-store-private.h"

static void
bind_history_entry (sqlite3_stmt *stmt, gconstpointer data)
{
  RelinkHistoryEntry *entry = (RelinkHistoryEntry *) data;

  sqlite3_bind_int64 (stmt, 2, relink_history_entry_get_at (entry));
  sqlite3_bind_int (stmt, 3, relink_history_entry_get_kind (entry));
  sqlite3_bind_int (stmt, 4, relink_history_entry_get_ok (entry) ? 1 : 0);
  relink_store_bind_text (stmt, 5, relink_history_entry_get_program (entry));
  relink_store_bind_text (stmt, 6, relink_history_entry_get_message (entry));
}

gboolean
relink_store_add_history (RelinkStore *self, RelinkHistoryEntry *entry, GError **error)
{
  g_return_val_if_fail (RELINK_IS_STORE (self), FALSE);
  g_return_val_if_fail (RELINK_IS_HISTORY_ENTRY (entry), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  G_GNUC_UNUSED g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr (sqlite3_stmt) insert = NULL;
  g_autoptr (sqlite3_stmt) trim = NULL;
  const char *account_id = relink_history_entry_get_account_id (entry);

  if (!relink_store_begin (self, error))
    return FALSE;

  insert = relink_store_prepare (self,
                                 "INSERT INTO history (account_id, at, kind, ok, program, message) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                 error);
  if (insert == NULL)
    goto fail;
  relink_store_bind_text (insert, 1, account_id);
  bind_history_entry (insert, entry);
  if (!relink_store_step_done (self, insert, error))
    goto fail;

  /* A token fetched every few minutes for years must not grow the file,
   * and the check of the whole file at open, without end. */
  trim = relink_store_prepare (self,
                               "DELETE FROM history WHERE account_id = ?1 AND id <= "
                               "(SELECT id FROM history WHERE account_id = ?1 ORDER BY id DESC "
                               "LIMIT 1 OFFSET ?2)",
                               error);
  if (trim == NULL)
    goto fail;
  relink_store_bind_text (trim, 1, account_id);
  sqlite3_bind_int (trim, 2, RELINK_STORE_HISTORY_PER_ACCOUNT);
  if (!relink_store_step_done (self, trim, error))
    goto fail;

  return relink_store_commit (self, error);

fail:
  relink_store_rollback (self);
  return FALSE;
}

typedef struct
{
  const char *account_id;
  GPtrArray *entries;
} History;

/* Text a hand-made file may hold that Relink never writes. */
static gboolean
is_text (const char *text)
{
  return text == NULL || g_utf8_validate (text, -1, NULL);
}

static gboolean
add_history_entry_cb (RelinkStore *self, sqlite3_stmt *stmt, gpointer data, GError **error)
{
  History *history = data;
  int kind = sqlite3_column_int (stmt, 1);
  const char *program = relink_store_column_text (stmt, 3);
  const char *message = relink_store_column_text (stmt, 4);

  if (!is_text (program) || !is_text (message))
    {
      relink_store_set_corrupt_error (self->path, error);
      return FALSE;
    }

  /* A kind of a newer Relink: not shown, not damage. */
  if (kind < RELINK_HISTORY_KIND_CONNECT || kind > RELINK_HISTORY_KIND_IMPORT)
    return TRUE;

  g_ptr_array_add (history->entries, relink_history_entry_new (
                                         history->account_id, sqlite3_column_int64 (stmt, 0), kind,
                                         sqlite3_column_int (stmt, 2) != 0, program, message));
  return TRUE;
}

GPtrArray *
relink_store_load_history (RelinkStore *self, const char *account_id, guint limit, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  History history;

  g_return_val_if_fail (RELINK_IS_STORE (self), NULL);
  g_return_val_if_fail (account_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);

  /* Entries of the same second keep their insertion order (newest first). */
  stmt = relink_store_prepare (
      self,
      "SELECT at, kind, ok, program, message FROM history WHERE account_id = ?1 "
      "ORDER BY at DESC, id DESC LIMIT ?2",
      error);
  if (stmt == NULL)
    return NULL;

  relink_store_bind_text (stmt, 1, account_id);
  /* A negative LIMIT means no limit in SQLite. */
  sqlite3_bind_int64 (stmt, 2, limit == 0 ? -1 : (gint64) limit);

  history.account_id = account_id;
  history.entries = g_ptr_array_new_with_free_func (g_object_unref);
  if (!relink_store_for_each_row (self, stmt, add_history_entry_cb, &history, error))
    {
      g_ptr_array_unref (history.entries);
      return NULL;
    }

  return history.entries;
}

/* Reads expires_at, lead and given_at from the row's columns @first on. */
static void
reminder_from_row (sqlite3_stmt *stmt, int first, RelinkReminderState *out)
{
  out->expires_at = sqlite3_column_int64 (stmt, first);
  out->lead = sqlite3_column_int64 (stmt, first + 1);
  out->given_at = sqlite3_column_int64 (stmt, first + 2);
}

gboolean
relink_store_load_reminder (RelinkStore *self,
                            const char *id,
                            RelinkReminderState *out,
                            GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean found;

  g_return_val_if_fail (RELINK_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  relink_reminder_state_clear (out);

  locker = g_mutex_locker_new (&self->mutex);

  stmt = relink_store_prepare (
      self, "SELECT expires_at, lead, given_at FROM reminders WHERE account_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  relink_store_bind_text (stmt, 1, id);

  if (!relink_store_step_row (self, stmt, &found, error))
    return FALSE;
  if (found)
    reminder_from_row (stmt, 0, out);

  return TRUE;
}

static gboolean
add_reminder_cb (RelinkStore *self, sqlite3_stmt *stmt, gpointer data, GError **error)
{
  const char *id = relink_store_column_text (stmt, 0);
  RelinkReminderState *state;

  /* Possible only in a file changed behind Relink's back (the schema check
   * requires NOT NULL): damage, not a NULL hash key. */
  if (id == NULL || !is_text (id))
    {
      relink_store_set_corrupt_error (self->path, error);
      return FALSE;
    }

  state = g_new0 (RelinkReminderState, 1);
  reminder_from_row (stmt, 1, state);
  g_hash_table_insert (data, g_strdup (id), state);
  return TRUE;
}

GHashTable *
relink_store_load_reminders (RelinkStore *self, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GHashTable) reminders = NULL;

  g_return_val_if_fail (RELINK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);

  stmt = relink_store_prepare (self, "SELECT account_id, expires_at, lead, given_at FROM reminders",
                               error);
  if (stmt == NULL)
    return NULL;

  reminders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!relink_store_for_each_row (self, stmt, add_reminder_cb, reminders, error))
    return NULL;

  return g_steal_pointer (&reminders);
}

static void
bind_reminder (sqlite3_stmt *stmt, gconstpointer data)
{
  const RelinkReminderState *state = data;

  sqlite3_bind_int64 (stmt, 2, state->expires_at);
  sqlite3_bind_int64 (stmt, 3, state->lead);
  sqlite3_bind_int64 (stmt, 4, state->given_at);
}

gboolean
relink_store_save_reminder (RelinkStore *self,
                            const char *id,
                            const RelinkReminderState *state,
                            GError **error)
{
  g_return_val_if_fail (RELINK_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (state != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Only for an account or keyset that still exists: another process may
   * have deleted it while the reminder was shown, and its row would never
   * be removed then. */
  return relink_store_write_row (self,
                                 "INSERT INTO reminders (account_id, expires_at, lead, given_at) "
                                 "SELECT ?1, ?2, ?3, ?4 "
                                 "WHERE EXISTS (SELECT 1 FROM accounts WHERE id = ?1) "
                                 "   OR EXISTS (SELECT 1 FROM keysets WHERE id = ?1) "
                                 "ON CONFLICT (account_id) DO UPDATE SET "
                                 "  expires_at = excluded.expires_at, lead = excluded.lead,"
                                 "  given_at = excluded.given_at",
                                 id, bind_reminder, state, RELINK_STORE_CHANGE_ACCOUNT, error);
}

static void
bind_started_at (sqlite3_stmt *stmt, gconstpointer data)
{
  sqlite3_bind_int64 (stmt, 2, *(const gint64 *) data);
}

gboolean
relink_store_set_refresh_started (RelinkStore *self,
                                  const char *account_id,
                                  gint64 started_at,
                                  GError **error)
{
  g_return_val_if_fail (RELINK_IS_STORE (self), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (started_at > 0)
    return relink_store_write_row (
        self,
        "INSERT OR REPLACE INTO refresh_journal (account_id, started_at) "
        "VALUES (?1, ?2)",
        account_id, bind_started_at, &started_at, RELINK_STORE_CHANGE_OPTIONAL, error);

  return relink_store_write_row (self, "DELETE FROM refresh_journal WHERE account_id = ?1",
                                 account_id, NULL, NULL, RELINK_STORE_CHANGE_OPTIONAL, error);
}

gboolean
relink_store_get_refresh_started (RelinkStore *self,
                                  const char *account_id,
                                  gint64 *out_started_at,
                                  GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean found;

  g_return_val_if_fail (RELINK_IS_STORE (self), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);
  g_return_val_if_fail (out_started_at != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);

  stmt = relink_store_prepare (self, "SELECT started_at FROM refresh_journal WHERE account_id = ?1",
                               error);
  if (stmt == NULL)
    return FALSE;
  relink_store_bind_text (stmt, 1, account_id);

  if (!relink_store_step_row (self, stmt, &found, error))
    return FALSE;
  *out_started_at = found ? sqlite3_column_int64 (stmt, 0) : 0;

  return TRUE;
}
