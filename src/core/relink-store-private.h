/* relink-store-private.h: what the store's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store is split by concern: relink-store.c opens, validates and
 * creates the file and holds the SQLite helpers; relink-store-schema.c
 * holds the column tables every statement is generated from;
 * relink-store-accounts.c the keysets and accounts; relink-store-history.c
 * the history, the reminders and the refresh journal.
 */
#pragma once

#include <sqlite3.h>

#include "relink-store.h"

G_BEGIN_DECLS

struct _RelinkStore
{
  GObject parent_instance;

  char *path;

  /* One connection for the whole process, used only under @mutex: the
   * methods run on GTask worker threads. */
  GMutex mutex;
  sqlite3 *db;
};

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* How a column's value travels between SQLite and the object. */
typedef enum
{
  STORE_COLUMN_TEXT,       /* const char *get (obj); set (obj, const char *) */
  STORE_COLUMN_TEXT_OWNED, /* char *get (obj), freed after binding; set as TEXT */
  STORE_COLUMN_INT64,      /* gint64 get (obj); set (obj, gint64) */
  STORE_COLUMN_INT,        /* int (or an enum) get (obj); set (obj, int) */
  STORE_COLUMN_BOOLEAN,    /* gboolean get (obj); set (obj, gboolean); stored 0/1 */
} StoreColumnKind;

/* One column of a table: the one place that names it. CREATE TABLE, the
 * schema check, the SELECT list, INSERT/UPDATE and row loading are all
 * generated from these. */
typedef struct
{
  const char *name;
  const char *type;       /* declared SQL type, checked on open */
  const char *constraint; /* e.g. "NOT NULL DEFAULT 0"; "" for none */
  StoreColumnKind kind;
  /* Object accessors (cast with G_CALLBACK), or NULL for a column the
   * object does not map (the first column, the id, is given to the
   * table's constructor instead of a setter). */
  GCallback get;
  GCallback set;
  /* The schema version that added the column (0 counts as 1): older files
   * lack it until ensure_schema() adds it with ALTER TABLE, so its
   * constraint needs a DEFAULT when it says NOT NULL. */
  int since;
} StoreColumn;

/* A table; for one that maps objects, column 0 is the text id. */
typedef struct
{
  const char *name;
  const StoreColumn *columns;
  guint n_columns;
  /* Makes an object from its id, or NULL for a table without objects. */
  gpointer (*new_object) (const char *id);
  /* Written within schema version 1 by later builds only: may be missing
   * from a valid file, and is then added. */
  gboolean optional;
  /* Statements after CREATE TABLE (indexes), or NULL. */
  const char *extra_sql;
} StoreTable;

extern const StoreTable relink_store_keysets_table;
extern const StoreTable relink_store_accounts_table;
extern const StoreTable relink_store_history_table;
extern const StoreTable relink_store_reminders_table;
extern const StoreTable relink_store_refresh_journal_table;

/* "col1, col2, …", in the table's order. */
const char *relink_store_table_select_list (const StoreTable *table);
/* Inserts the whole row or, when the id exists, updates every column. */
const char *relink_store_table_upsert_sql (const StoreTable *table);
/* CREATE TABLE [IF NOT EXISTS] plus the table's extra statements. */
char *relink_store_table_create_sql (const StoreTable *table, gboolean if_not_exists);
/* Every table's CREATE statements, for a fresh file. */
char *relink_store_schema_sql (void);

/* Checks @db (read-only) has every table and column a file of schema
 * @version has, with the declared type and constraints. FALSE with
 * CORRUPT (or a SQLite error) if not. */
gboolean relink_store_check_schema (const char *path, sqlite3 *db, gint64 version, GError **error);
/* The statements that bring a valid file of schema @version up to
 * RELINK_STORE_SCHEMA_VERSION (ALTER TABLE for every newer column, then
 * that version's indexes), or "" when there is nothing to do. */
char *relink_store_migration_sql (gint64 version);

/* Binds every column of @object as ?1…?N, in the table's order. */
void relink_store_bind_object (const StoreTable *table, sqlite3_stmt *stmt, gpointer object);
/* Makes an object from a row selected with relink_store_table_select_list().
 * A row without an id, or with text that is not UTF-8, is damage: NULL
 * and CORRUPT then. */
gpointer relink_store_object_from_row (RelinkStore *self,
                                       const StoreTable *table,
                                       sqlite3_stmt *stmt,
                                       GError **error);

/* The SQLite helpers, for the methods. */
void relink_store_set_corrupt_error (const char *path, GError **error);
void relink_store_set_sqlite_error (const char *path, sqlite3 *db, int rc, GError **error);
void
relink_store_set_not_found (RelinkStore *self, gboolean keyset, const char *id, GError **error);
gboolean relink_store_exec (RelinkStore *self, const char *sql, GError **error);
sqlite3_stmt *relink_store_prepare (RelinkStore *self, const char *sql, GError **error);
gboolean relink_store_step_done (RelinkStore *self, sqlite3_stmt *stmt, GError **error);
void relink_store_bind_text (sqlite3_stmt *stmt, int index, const char *text);
const char *relink_store_column_text (sqlite3_stmt *stmt, int index);
gboolean relink_store_begin (RelinkStore *self, GError **error);
gboolean relink_store_commit (RelinkStore *self, GError **error);
void relink_store_rollback (RelinkStore *self);
int relink_store_run_with_id (RelinkStore *self, const char *sql, const char *id, GError **error);

/* Fills the parameters after ?1, which is the row's id. */
typedef void (*RelinkStoreBindFunc) (sqlite3_stmt *stmt, gconstpointer data);

/* What a write that changes no row means. */
typedef enum
{
  RELINK_STORE_CHANGE_OPTIONAL,
  RELINK_STORE_CHANGE_ACCOUNT, /* NOT_FOUND: there is no such account */
  RELINK_STORE_CHANGE_KEYSET,  /* NOT_FOUND: there are no such keys */
} RelinkStoreChange;

gboolean relink_store_write_row (RelinkStore *self,
                                 const char *sql,
                                 const char *id,
                                 RelinkStoreBindFunc bind,
                                 gconstpointer data,
                                 RelinkStoreChange change,
                                 GError **error);

/* Called on each row; FALSE (with @error set) stops with that error. */
typedef gboolean (*RelinkStoreRowFunc) (RelinkStore *self,
                                        sqlite3_stmt *stmt,
                                        gpointer data,
                                        GError **error);
gboolean relink_store_for_each_row (
    RelinkStore *self, sqlite3_stmt *stmt, RelinkStoreRowFunc func, gpointer data, GError **error);
gboolean
relink_store_step_row (RelinkStore *self, sqlite3_stmt *stmt, gboolean *found, GError **error);

G_END_DECLS
