/* relink-store.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-account.h"
#include "relink-history-entry.h"
#include "relink-keyset.h"
#include "relink-reminder-schedule.h"

G_BEGIN_DECLS

#define RELINK_STORE_ERROR (relink_store_error_quark ())

typedef enum
{
  RELINK_STORE_ERROR_CORRUPT,      /* the file is not a Relink database or is damaged */
  RELINK_STORE_ERROR_NEWER_SCHEMA, /* written by a newer Relink; left untouched */
  RELINK_STORE_ERROR_IO,           /* cannot create, open or write the file */
  RELINK_STORE_ERROR_NOT_FOUND,    /* no such account or keyset */
  RELINK_STORE_ERROR_FAILED,
  RELINK_STORE_ERROR_DISK_FULL, /* no space left to save; reading still works */
} RelinkStoreError;

GQuark relink_store_error_quark (void);

/* 2: grants (an account row's owner_id and grant_name, a keyset's grant_kind). */
#define RELINK_STORE_SCHEMA_VERSION 2

#define RELINK_TYPE_STORE (relink_store_get_type ())

/* RelinkStore: account and keyset metadata plus per-account history in
 * SQLite (WAL), safe for several processes at once. No secrets ever.
 * Methods block briefly on disk and are thread-safe: call them from a
 * worker thread (GTask) when on the GUI main loop. A corrupt file or one
 * from a newer Relink is reported and never overwritten. */
G_DECLARE_FINAL_TYPE (RelinkStore, relink_store, RELINK, STORE, GObject)

/* Default path: $XDG_DATA_HOME/relink/relink.db. */
char *relink_store_default_path (void);
typedef enum
{
  RELINK_STORE_OPEN_FLAGS_NONE = 0,
  /* No whole-file check (PRAGMA quick_check, which reads every page): for
   * a short read on a hot path such as `relinkctl token`. Damage in what
   * is read still fails that read as CORRUPT, and nothing is written. */
  RELINK_STORE_OPEN_FLAGS_NO_FULL_CHECK = 1 << 0,
  /* A process that holds the store for a moment (relinkctl): on a full
   * disk, where SQLite's shared-memory file cannot grow, it may read the
   * file alone, keeping other processes out until it closes it. */
  RELINK_STORE_OPEN_FLAGS_BRIEF = 1 << 1,
} RelinkStoreOpenFlags;

/* Opens or creates the store (directory 0700, file 0600), checking the
 * whole file first: its integrity, version, tables, columns, their types
 * and NOT NULL constraints, all through a read-only connection. A file
 * that fails any check is refused (CORRUPT or NEWER_SCHEMA) and left
 * byte for byte as it was, with no -wal or -shm file left next to it.
 * Opening a valid file writes nothing unless a table is missing that
 * this version adds. */
RelinkStore *relink_store_open (const char *path, GError **error);
RelinkStore *
relink_store_open_with_flags (const char *path, RelinkStoreOpenFlags flags, GError **error);
const char *relink_store_get_path (RelinkStore *self);

GPtrArray *relink_store_load_keysets (RelinkStore *self, GError **error);
/* Inserts or replaces the whole keyset row. */
gboolean relink_store_save_keyset (RelinkStore *self, RelinkKeyset *keyset, GError **error);
/* Fails with NOT_FOUND when missing; refuses while accounts still use it.
 * Also deletes the keyset's reminder row. */
gboolean relink_store_delete_keyset (RelinkStore *self, const char *keyset_id, GError **error);
gboolean relink_store_set_keyset_invalid (RelinkStore *self,
                                          const char *keyset_id,
                                          gboolean invalid,
                                          GError **error);

GPtrArray *relink_store_load_accounts (RelinkStore *self, GError **error);
RelinkAccount *
relink_store_load_account (RelinkStore *self, const char *account_id, GError **error);
/* Inserts or replaces the whole account row (edits from the GUI). */
gboolean relink_store_save_account (RelinkStore *self, RelinkAccount *account, GError **error);
/* Deletes the account, its further grants (rows whose owner id is
 * @account_id), and the history, reminder and journal rows of each. */
gboolean relink_store_delete_account (RelinkStore *self, const char *account_id, GError **error);

/* Column-wise updates, so that two processes changing different facts of
 * the same account never undo each other. */
gboolean relink_store_update_token_dates (RelinkStore *self,
                                          const char *account_id,
                                          gint64 access_expires_at,
                                          gint64 refresh_expires_at,
                                          gint64 last_refresh_at,
                                          GError **error);
gboolean relink_store_update_status (RelinkStore *self,
                                     const char *account_id,
                                     RelinkAccountStatus status,
                                     const char *status_message,
                                     GError **error);
gboolean relink_store_update_test_result (RelinkStore *self,
                                          const char *account_id,
                                          gint64 tested_at,
                                          gboolean ok,
                                          const char *message,
                                          GError **error);
/* After a successful connect or renewal: the verified identity, the
 * granted scopes and the new dates; in the same transaction the status
 * becomes CONNECTED and the status message is cleared. Other columns (the
 * nickname, the last test, the last refresh) are left as they are. */
gboolean relink_store_update_sign_in (RelinkStore *self,
                                      const char *account_id,
                                      const char *identity_id,
                                      const char *identity_name,
                                      const char *scopes,
                                      gint64 authorised_at,
                                      gint64 access_expires_at,
                                      gint64 refresh_expires_at,
                                      GError **error);

/* The refresh journal: "a refresh of @account_id started at @started_at"
 * (UTC unix seconds), written before the request and cleared (0) when its
 * outcome is saved. A mark found later means a process died mid-refresh.
 * Kept apart from the account row, so a whole-row save (an edit in the
 * GUI) never erases it. Getting an account without a mark gives 0. */
gboolean relink_store_set_refresh_started (RelinkStore *self,
                                           const char *account_id,
                                           gint64 started_at,
                                           GError **error);
gboolean relink_store_get_refresh_started (RelinkStore *self,
                                           const char *account_id,
                                           gint64 *out_started_at,
                                           GError **error);

/* How many history entries an account keeps: the oldest go first. */
#define RELINK_STORE_HISTORY_PER_ACCOUNT 1000

/* Appends an entry, also for an account id not (yet) in the store. */
gboolean relink_store_add_history (RelinkStore *self, RelinkHistoryEntry *entry, GError **error);
/* Newest first; at most @limit entries (0 = all). */
GPtrArray *
relink_store_load_history (RelinkStore *self, const char *account_id, guint limit, GError **error);

/* The last reminder given for an account or a keyset (by id: both are
 * UUIDs). An id without a row gives a cleared state, not an error. */
gboolean relink_store_load_reminder (RelinkStore *self,
                                     const char *id,
                                     RelinkReminderState *out,
                                     GError **error);
/* Every reminder row: id -> RelinkReminderState, for
 * relink_reminder_earliest_deadline(). */
GHashTable *relink_store_load_reminders (RelinkStore *self, GError **error);
/* Inserts or replaces the row; NOT_FOUND when no account or keyset has @id
 * (deleted meanwhile by another process). */
gboolean relink_store_save_reminder (RelinkStore *self,
                                     const char *id,
                                     const RelinkReminderState *state,
                                     GError **error);

/* A number that changes whenever another connection (another process, or
 * another RelinkStore on the same file) committed a change; this store's
 * own writes leave it as it is (SQLite's data_version). Lets the GUI
 * notice relinkctl's writes. */
gint64 relink_store_get_data_version (RelinkStore *self);

G_END_DECLS
