/* relink-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "relink-store.h"

/* How long a write waits for another process's transaction to end. */
#define BUSY_TIMEOUT_MS 5000

struct _RelinkStore
{
  GObject parent_instance;

  char *path;

  /* One connection for the whole process, used only under @mutex: the
   * methods run on GTask worker threads. */
  GMutex mutex;
  sqlite3 *db;
};

G_DEFINE_FINAL_TYPE (RelinkStore, relink_store, G_TYPE_OBJECT)

/* The quark name is spelt with hyphens, which clang-format would space. */
/* clang-format off */
G_DEFINE_QUARK (relink-store-error-quark, relink_store_error)
/* clang-format on */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

enum
{
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char schema_sql[]
    = "CREATE TABLE keysets ("
      "  id TEXT PRIMARY KEY NOT NULL,"
      "  provider_id TEXT,"
      "  environment TEXT,"
      "  label TEXT,"
      "  client_id TEXT,"
      "  redirect TEXT,"
      "  extras TEXT NOT NULL DEFAULT '{}',"
      "  secret_expires_at INTEGER NOT NULL DEFAULT 0,"
      "  invalid INTEGER NOT NULL DEFAULT 0,"
      "  created_at INTEGER NOT NULL DEFAULT 0"
      ");"
      "CREATE TABLE accounts ("
      "  id TEXT PRIMARY KEY NOT NULL,"
      "  keyset_id TEXT,"
      "  nickname TEXT,"
      "  expected_identity TEXT,"
      "  identity_id TEXT,"
      "  identity_name TEXT,"
      "  scopes TEXT,"
      "  authorised_at INTEGER NOT NULL DEFAULT 0,"
      "  access_expires_at INTEGER NOT NULL DEFAULT 0,"
      "  refresh_expires_at INTEGER NOT NULL DEFAULT 0,"
      "  last_refresh_at INTEGER NOT NULL DEFAULT 0,"
      "  last_test_at INTEGER NOT NULL DEFAULT 0,"
      "  last_test_ok INTEGER NOT NULL DEFAULT 0,"
      "  last_test_message TEXT,"
      "  status INTEGER NOT NULL DEFAULT 0,"
      "  status_message TEXT,"
      "  created_at INTEGER NOT NULL DEFAULT 0"
      ");"
      "CREATE INDEX accounts_keyset_id ON accounts (keyset_id);"
      "CREATE TABLE history ("
      "  id INTEGER PRIMARY KEY,"
      "  account_id TEXT NOT NULL,"
      "  at INTEGER NOT NULL,"
      "  kind INTEGER NOT NULL,"
      "  ok INTEGER NOT NULL,"
      "  program TEXT,"
      "  message TEXT"
      ");"
      "CREATE INDEX history_account_at ON history (account_id, at);"
      /* The last reminder given per account (or keyset: ids are UUIDs). */
      "CREATE TABLE reminders ("
      "  account_id TEXT PRIMARY KEY NOT NULL,"
      "  expires_at INTEGER NOT NULL DEFAULT 0,"
      "  lead INTEGER NOT NULL DEFAULT 0,"
      "  given_at INTEGER NOT NULL DEFAULT 0"
      ");"
      /* A constant, not a value: PRAGMA takes no bound parameters. */
      "PRAGMA user_version = " G_STRINGIFY (RELINK_STORE_SCHEMA_VERSION) ";";

/* "A refresh of this account started at T": written before a refresh
 * request and removed when its outcome is saved, so a row left behind
 * tells the next run that a refresh was interrupted. */
static const char refresh_journal_sql[] = "CREATE TABLE IF NOT EXISTS refresh_journal ("
                                          "  account_id TEXT PRIMARY KEY NOT NULL,"
                                          "  started_at INTEGER NOT NULL DEFAULT 0"
                                          ");";

#define KEYSET_COLUMNS                                                                             \
  "id, provider_id, environment, label, client_id, redirect, extras, "                             \
  "secret_expires_at, invalid, created_at"

#define ACCOUNT_COLUMNS                                                                            \
  "id, keyset_id, nickname, expected_identity, identity_id, identity_name, scopes, "               \
  "authorised_at, access_expires_at, refresh_expires_at, last_refresh_at, last_test_at, "          \
  "last_test_ok, last_test_message, status, status_message, created_at"

static void
set_corrupt_error (const char *path, GError **error)
{
  g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_CORRUPT,
               _ ("The account list at %s is damaged and was left untouched. Move it away to "
                  "start afresh, or restore a backup."),
               path);
}

/* Turns a SQLite failure into a message that says what to do. */
static void
set_sqlite_error (const char *path, sqlite3 *db, int rc, GError **error)
{
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB:
        set_corrupt_error (path, error);
        break;

      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_IO,
                     _ ("The account list at %s is kept busy by another program. Try again in a "
                        "moment."),
                     path);
        break;

      case SQLITE_FULL:
        g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_IO,
                     _ ("The disk holding the account list at %s is full. Free some space and try "
                        "again."),
                     path);
        break;

      case SQLITE_READONLY:
      case SQLITE_PERM:
      case SQLITE_CANTOPEN:
      case SQLITE_AUTH:
        g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_IO,
                     _ ("Relink may not write the account list at %s (%s). Check the permissions "
                        "of the file and its folder."),
                     path, detail);
        break;

      case SQLITE_IOERR:
      case SQLITE_NOMEM:
      case SQLITE_PROTOCOL:
        g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_IO,
                     _ ("Could not read or write the account list at %s (%s). Check the disk and "
                        "try again."),
                     path, detail);
        break;

      default:
        g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_FAILED,
                     _ ("The account list at %s could not be used (%s)."), path, detail);
        break;
    }
}

static void
set_not_found (RelinkStore *self, gboolean keyset, const char *id, GError **error)
{
  if (keyset)
    g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NOT_FOUND,
                 _ ("There are no developer keys “%s” in the account list at %s. They may have "
                    "been removed by another program."),
                 id, self->path);
  else
    g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NOT_FOUND,
                 _ ("There is no account “%s” in the account list at %s. It may have been removed "
                    "by another program."),
                 id, self->path);
}

static gboolean
exec (RelinkStore *self, const char *sql, GError **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self->path, self->db, rc, error);
      return FALSE;
    }

  return TRUE;
}

static sqlite3_stmt *
prepare (RelinkStore *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self->path, self->db, rc, error);
      sqlite3_finalize (stmt);
      return NULL;
    }

  return stmt;
}

/* Runs a statement that returns no rows. */
static gboolean
step_done (RelinkStore *self, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self->path, self->db, rc, error);
      return FALSE;
    }

  return TRUE;
}

static void
bind_text (sqlite3_stmt *stmt, int index, const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

static const char *
column_text (sqlite3_stmt *stmt, int index)
{
  return (const char *) sqlite3_column_text (stmt, index);
}

/* Every write is one BEGIN IMMEDIATE transaction: the write lock is taken
 * up front (waiting up to the busy timeout), so a transaction never reads
 * a stale snapshot it then fails to upgrade. */
static gboolean
begin (RelinkStore *self, GError **error)
{
  return exec (self, "BEGIN IMMEDIATE", error);
}

static gboolean
commit (RelinkStore *self, GError **error)
{
  return exec (self, "COMMIT", error);
}

static void
rollback (RelinkStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Runs @sql, which returns no rows, with @id as ?1, inside the caller's
 * transaction. Returns how many rows it changed, or -1 on failure. */
static int
run_with_id (RelinkStore *self, const char *sql, const char *id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = prepare (self, sql, error);

  if (stmt == NULL)
    return -1;

  bind_text (stmt, 1, id);
  if (!step_done (self, stmt, error))
    return -1;

  return sqlite3_changes (self->db);
}

/* Fills the parameters after ?1, which is the row's id. */
typedef void (*BindFunc) (sqlite3_stmt *stmt, gconstpointer data);

/* What a write that changes no row means. */
typedef enum
{
  CHANGE_OPTIONAL,
  CHANGE_ACCOUNT, /* NOT_FOUND: there is no such account */
  CHANGE_KEYSET,  /* NOT_FOUND: there are no such keys */
} Change;

/* Runs one write statement in its own transaction. @bind (if any) fills
 * the parameters after @id. */
static gboolean
write_row (RelinkStore *self,
           const char *sql,
           const char *id,
           BindFunc bind,
           gconstpointer data,
           Change change,
           GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (!begin (self, error))
    return FALSE;

  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    goto fail;

  bind_text (stmt, 1, id);
  if (bind != NULL)
    bind (stmt, data);

  if (!step_done (self, stmt, error))
    goto fail;

  if (change != CHANGE_OPTIONAL && sqlite3_changes (self->db) == 0)
    {
      set_not_found (self, change == CHANGE_KEYSET, id, error);
      goto fail;
    }

  return commit (self, error);

fail:
  rollback (self);
  return FALSE;
}

typedef void (*RowFunc) (sqlite3_stmt *stmt, gpointer data);

/* Runs a prepared query, calling @func on each row. */
static gboolean
for_each_row (RelinkStore *self, sqlite3_stmt *stmt, RowFunc func, gpointer data, GError **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    func (stmt, data);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self->path, self->db, rc, error);
      return FALSE;
    }

  return TRUE;
}

/* Runs a prepared query that gives one row or none: FALSE only on
 * failure, and *@found says which. The row is then @stmt's current one. */
static gboolean
step_row (RelinkStore *self, sqlite3_stmt *stmt, gboolean *found, GError **error)
{
  int rc = sqlite3_step (stmt);

  *found = rc == SQLITE_ROW;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_sqlite_error (self->path, self->db, rc, error);
      return FALSE;
    }

  return TRUE;
}

static void
relink_store_finalize (GObject *object)
{
  RelinkStore *self = (RelinkStore *) object;

  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (relink_store_parent_class)->finalize (object);
}

static void
relink_store_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RelinkStore *self = RELINK_STORE (object);

  switch (prop_id)
    {
      case PROP_PATH:
        g_value_set_string (value, self->path);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_store_class_init (RelinkStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = relink_store_finalize;
  object_class->get_property = relink_store_get_property;

  properties[PROP_PATH]
      = g_param_spec_string ("path", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
relink_store_init (RelinkStore *self)
{
  g_mutex_init (&self->mutex);
}

char *
relink_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "relink", "relink.db", NULL);
}

/* Reads a single integer from a constant query on @db. */
static int
query_int (sqlite3 *db, const char *sql, gint64 *out)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *out = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        {
          *out = 0;
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);

  return rc;
}

/* Looks at an existing file through a read-only connection, so that a
 * file we must refuse is never written to: no WAL switch, no schema, no
 * journal. */
static gboolean
check_existing (const char *path, RelinkStoreOpenFlags flags, GError **error)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 version = 0;
  gint64 n_objects = 0;
  gboolean ok = FALSE;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (path, db, rc, error);
      goto out;
    }
  sqlite3_busy_timeout (db, BUSY_TIMEOUT_MS);

  rc = query_int (db, "PRAGMA user_version", &version);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (path, db, rc, error);
      goto out;
    }

  if (version > RELINK_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NEWER_SCHEMA,
                   _ ("The account list at %s was written by a newer version of Relink and was "
                      "left untouched. Update Relink to use it."),
                   path);
      goto out;
    }

  /* Reads the whole file: it grows with the history, so a hot path may
   * leave it to the long-running programs. */
  if ((flags & RELINK_STORE_OPEN_FLAGS_NO_FULL_CHECK) == 0)
    {
      rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW)
        {
          set_sqlite_error (path, db, rc, error);
          goto out;
        }
      if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
        {
          set_corrupt_error (path, error);
          goto out;
        }
    }

  /* Relink creates its tables and sets user_version in one transaction, so
   * tables without a version belong to some other program. */
  rc = query_int (db, "SELECT count(*) FROM sqlite_master", &n_objects);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (path, db, rc, error);
      goto out;
    }
  if (version == 0 && n_objects > 0)
    {
      g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_CORRUPT,
                   _ ("The file at %s is not a Relink account list and was left untouched. Move "
                      "it away to start afresh."),
                   path);
      goto out;
    }

  ok = TRUE;

out:
  sqlite3_finalize (stmt);
  sqlite3_close_v2 (db);

  return ok;
}

/* Creates the file 0600 ourselves: SQLite gives the -wal and -shm files
 * the mode of the database file. Changing the umask instead would affect
 * every thread of the process. */
static gboolean
create_file (const char *path, GError **error)
{
  int fd;

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_IO,
                   _ ("Could not create the account list at %s: %s"), path, g_strerror (errsv));
      return FALSE;
    }

  /* An existing file stays as it is; only a fresh, empty one is ours. */
  if (fchmod (fd, 0600) != 0)
    {
      int errsv = errno;

      g_close (fd, NULL);
      g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_IO,
                   _ ("Could not protect the account list at %s: %s"), path, g_strerror (errsv));
      return FALSE;
    }

  g_close (fd, NULL);
  return TRUE;
}

/* Creates or checks the tables. Another process may be doing the same at
 * the same moment, hence the immediate transaction and the second look at
 * the version inside it. */
static gboolean
ensure_schema (RelinkStore *self, GError **error)
{
  gint64 version = 0;
  int rc;

  if (!begin (self, error))
    return FALSE;

  rc = query_int (self->db, "PRAGMA user_version", &version);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self->path, self->db, rc, error);
      goto fail;
    }

  if (version > RELINK_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NEWER_SCHEMA,
                   _ ("The account list at %s was written by a newer version of Relink and was "
                      "left untouched. Update Relink to use it."),
                   self->path);
      goto fail;
    }

  if (version == 0 && !exec (self, schema_sql, error))
    goto fail;

  /* Added within schema version 1: a table that older builds of the same
   * version never read, so adding it needs no new version. */
  if (!exec (self, refresh_journal_sql, error))
    goto fail;

  /* Migrations from older schema versions go here. */

  return commit (self, error);

fail:
  rollback (self);
  return FALSE;
}

RelinkStore *
relink_store_open (const char *path, GError **error)
{
  return relink_store_open_with_flags (path, RELINK_STORE_OPEN_FLAGS_NONE, error);
}

RelinkStore *
relink_store_open_with_flags (const char *path, RelinkStoreOpenFlags flags, GError **error)
{
  g_autoptr (RelinkStore) self = NULL;
  g_autofree char *dir = NULL;
  GStatBuf st;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_IO,
                   _ ("Could not create the folder %s for the account list: %s"), dir,
                   g_strerror (errsv));
      return NULL;
    }

  if (g_stat (path, &st) == 0)
    {
      if (!S_ISREG (st.st_mode))
        {
          g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_IO,
                       _ ("The account list at %s is not a regular file. Move it away to start "
                          "afresh."),
                       path);
          return NULL;
        }

      if (!check_existing (path, flags, error))
        return NULL;

      /* A copied or restored file may be readable by others; the WAL and
       * shared-memory files inherit its mode, so fix it once here. */
      if ((st.st_mode & 077) != 0 && g_chmod (path, 0600) != 0)
        {
          int errsv = errno;

          g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_IO,
                       _ ("Could not protect the account list at %s: %s"), path,
                       g_strerror (errsv));
          return NULL;
        }
    }
  else if (!create_file (path, error))
    {
      return NULL;
    }

  self = g_object_new (RELINK_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (path, self->db, rc, error);
      return NULL;
    }

  sqlite3_extended_result_codes (self->db, TRUE);
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);

  /* WAL lets readers go on while another process writes; NORMAL sync is
   * safe with WAL (a power cut may lose the last commit, never corrupt). */
  if (!exec (self, "PRAGMA journal_mode = WAL", error)
      || !exec (self, "PRAGMA synchronous = NORMAL", error) || !ensure_schema (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
relink_store_get_path (RelinkStore *self)
{
  g_return_val_if_fail (RELINK_IS_STORE (self), NULL);

  return self->path;
}

static RelinkKeyset *
keyset_from_row (sqlite3_stmt *stmt)
{
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new (column_text (stmt, 0));
  g_autoptr (GError) error = NULL;

  relink_keyset_set_provider_id (keyset, column_text (stmt, 1));
  relink_keyset_set_environment (keyset, column_text (stmt, 2));
  relink_keyset_set_label (keyset, column_text (stmt, 3));
  relink_keyset_set_client_id (keyset, column_text (stmt, 4));
  relink_keyset_set_redirect (keyset, column_text (stmt, 5));
  /* Extras are not worth refusing the whole list over. */
  if (!relink_keyset_set_extras_json (keyset, column_text (stmt, 6), &error))
    g_debug ("Ignoring the extra values of keyset %s: %s", relink_keyset_get_id (keyset),
             error->message);
  relink_keyset_set_secret_expires_at (keyset, sqlite3_column_int64 (stmt, 7));
  relink_keyset_set_invalid (keyset, sqlite3_column_int (stmt, 8) != 0);
  relink_keyset_set_created_at (keyset, sqlite3_column_int64 (stmt, 9));

  return g_steal_pointer (&keyset);
}

static void
add_keyset_cb (sqlite3_stmt *stmt, gpointer data)
{
  g_ptr_array_add (data, keyset_from_row (stmt));
}

/* Every row of @sql, each made into an object by @add (a RowFunc adding
 * it to the array it is given). */
static GPtrArray *
load_objects (RelinkStore *self, const char *sql, RowFunc add, GError **error)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) objects = NULL;

  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;

  objects = g_ptr_array_new_with_free_func (g_object_unref);
  if (!for_each_row (self, stmt, add, objects, error))
    return NULL;

  return g_steal_pointer (&objects);
}

GPtrArray *
relink_store_load_keysets (RelinkStore *self, GError **error)
{
  g_return_val_if_fail (RELINK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return load_objects (self, "SELECT " KEYSET_COLUMNS " FROM keysets ORDER BY created_at, id",
                       add_keyset_cb, error);
}

static void
bind_keyset (sqlite3_stmt *stmt, gconstpointer data)
{
  RelinkKeyset *keyset = (RelinkKeyset *) data;
  g_autofree char *extras = relink_keyset_dup_extras_json (keyset);

  bind_text (stmt, 2, relink_keyset_get_provider_id (keyset));
  bind_text (stmt, 3, relink_keyset_get_environment (keyset));
  bind_text (stmt, 4, relink_keyset_get_label (keyset));
  bind_text (stmt, 5, relink_keyset_get_client_id (keyset));
  bind_text (stmt, 6, relink_keyset_get_redirect (keyset));
  bind_text (stmt, 7, extras);
  sqlite3_bind_int64 (stmt, 8, relink_keyset_get_secret_expires_at (keyset));
  sqlite3_bind_int (stmt, 9, relink_keyset_get_invalid (keyset) ? 1 : 0);
  sqlite3_bind_int64 (stmt, 10, relink_keyset_get_created_at (keyset));
}

gboolean
relink_store_save_keyset (RelinkStore *self, RelinkKeyset *keyset, GError **error)
{
  g_return_val_if_fail (RELINK_IS_STORE (self), FALSE);
  g_return_val_if_fail (RELINK_IS_KEYSET (keyset), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return write_row (self,
                    "INSERT INTO keysets (" KEYSET_COLUMNS ") "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
                    "ON CONFLICT (id) DO UPDATE SET "
                    "  provider_id = excluded.provider_id, environment = excluded.environment,"
                    "  label = excluded.label, client_id = excluded.client_id,"
                    "  redirect = excluded.redirect, extras = excluded.extras,"
                    "  secret_expires_at = excluded.secret_expires_at,"
                    "  invalid = excluded.invalid, created_at = excluded.created_at",
                    relink_keyset_get_id (keyset), bind_keyset, keyset, CHANGE_OPTIONAL, error);
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
  if (!begin (self, error))
    return FALSE;

  count = prepare (self, "SELECT count(*) FROM accounts WHERE keyset_id = ?1", error);
  if (count == NULL)
    goto fail;
  bind_text (count, 1, keyset_id);
  rc = sqlite3_step (count);
  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (self->path, self->db, rc, error);
      goto fail;
    }
  n_accounts = sqlite3_column_int64 (count, 0);

  if (n_accounts > 0)
    {
      g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_FAILED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "These developer keys are still used by %u account. Remove that "
                                "account first, or link it to other keys.",
                                "These developer keys are still used by %u accounts. Remove "
                                "those accounts first, or link them to other keys.",
                                (gulong) n_accounts),
                   (guint) n_accounts);
      goto fail;
    }

  changes = run_with_id (self, "DELETE FROM keysets WHERE id = ?1", keyset_id, error);
  if (changes < 0)
    goto fail;
  if (changes == 0)
    {
      set_not_found (self, TRUE, keyset_id, error);
      goto fail;
    }

  if (run_with_id (self, "DELETE FROM reminders WHERE account_id = ?1", keyset_id, error) < 0)
    goto fail;

  return commit (self, error);

fail:
  rollback (self);
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

  return write_row (self, "UPDATE keysets SET invalid = ?2 WHERE id = ?1", keyset_id, bind_invalid,
                    &invalid, CHANGE_KEYSET, error);
}

static RelinkAccount *
account_from_row (sqlite3_stmt *stmt)
{
  g_autoptr (RelinkAccount) account = relink_account_new (column_text (stmt, 0));
  int status;

  relink_account_set_keyset_id (account, column_text (stmt, 1));
  relink_account_set_nickname (account, column_text (stmt, 2));
  relink_account_set_expected_identity (account, column_text (stmt, 3));
  relink_account_set_identity_id (account, column_text (stmt, 4));
  relink_account_set_identity_name (account, column_text (stmt, 5));
  relink_account_set_scopes (account, column_text (stmt, 6));
  relink_account_set_authorised_at (account, sqlite3_column_int64 (stmt, 7));
  relink_account_set_access_expires_at (account, sqlite3_column_int64 (stmt, 8));
  relink_account_set_refresh_expires_at (account, sqlite3_column_int64 (stmt, 9));
  relink_account_set_last_refresh_at (account, sqlite3_column_int64 (stmt, 10));
  relink_account_set_last_test_at (account, sqlite3_column_int64 (stmt, 11));
  relink_account_set_last_test_ok (account, sqlite3_column_int (stmt, 12) != 0);
  relink_account_set_last_test_message (account, column_text (stmt, 13));

  /* An unknown status (a hand-edited file) must not leak an invalid enum. */
  status = sqlite3_column_int (stmt, 14);
  if (status < RELINK_ACCOUNT_STATUS_NOT_CONNECTED || status > RELINK_ACCOUNT_STATUS_ERROR)
    status = RELINK_ACCOUNT_STATUS_ERROR;
  relink_account_set_status (account, status);

  relink_account_set_status_message (account, column_text (stmt, 15));
  relink_account_set_created_at (account, sqlite3_column_int64 (stmt, 16));

  return g_steal_pointer (&account);
}

static void
add_account_cb (sqlite3_stmt *stmt, gpointer data)
{
  g_ptr_array_add (data, account_from_row (stmt));
}

GPtrArray *
relink_store_load_accounts (RelinkStore *self, GError **error)
{
  g_return_val_if_fail (RELINK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return load_objects (self, "SELECT " ACCOUNT_COLUMNS " FROM accounts ORDER BY created_at, id",
                       add_account_cb, error);
}

RelinkAccount *
relink_store_load_account (RelinkStore *self, const char *account_id, GError **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean found;

  g_return_val_if_fail (RELINK_IS_STORE (self), NULL);
  g_return_val_if_fail (account_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);

  stmt = prepare (self, "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, account_id);

  if (!step_row (self, stmt, &found, error))
    return NULL;
  if (found)
    return account_from_row (stmt);

  set_not_found (self, FALSE, account_id, error);
  return NULL;
}

static void
bind_account (sqlite3_stmt *stmt, gconstpointer data)
{
  RelinkAccount *account = (RelinkAccount *) data;

  bind_text (stmt, 2, relink_account_get_keyset_id (account));
  bind_text (stmt, 3, relink_account_get_nickname (account));
  bind_text (stmt, 4, relink_account_get_expected_identity (account));
  bind_text (stmt, 5, relink_account_get_identity_id (account));
  bind_text (stmt, 6, relink_account_get_identity_name (account));
  bind_text (stmt, 7, relink_account_get_scopes (account));
  sqlite3_bind_int64 (stmt, 8, relink_account_get_authorised_at (account));
  sqlite3_bind_int64 (stmt, 9, relink_account_get_access_expires_at (account));
  sqlite3_bind_int64 (stmt, 10, relink_account_get_refresh_expires_at (account));
  sqlite3_bind_int64 (stmt, 11, relink_account_get_last_refresh_at (account));
  sqlite3_bind_int64 (stmt, 12, relink_account_get_last_test_at (account));
  sqlite3_bind_int (stmt, 13, relink_account_get_last_test_ok (account) ? 1 : 0);
  bind_text (stmt, 14, relink_account_get_last_test_message (account));
  sqlite3_bind_int (stmt, 15, relink_account_get_status (account));
  bind_text (stmt, 16, relink_account_get_status_message (account));
  sqlite3_bind_int64 (stmt, 17, relink_account_get_created_at (account));
}

gboolean
relink_store_save_account (RelinkStore *self, RelinkAccount *account, GError **error)
{
  g_return_val_if_fail (RELINK_IS_STORE (self), FALSE);
  g_return_val_if_fail (RELINK_IS_ACCOUNT (account), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return write_row (self,
                    "INSERT INTO accounts (" ACCOUNT_COLUMNS ") "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                    "        ?16, ?17) "
                    "ON CONFLICT (id) DO UPDATE SET "
                    "  keyset_id = excluded.keyset_id, nickname = excluded.nickname,"
                    "  expected_identity = excluded.expected_identity,"
                    "  identity_id = excluded.identity_id, identity_name = excluded.identity_name,"
                    "  scopes = excluded.scopes, authorised_at = excluded.authorised_at,"
                    "  access_expires_at = excluded.access_expires_at,"
                    "  refresh_expires_at = excluded.refresh_expires_at,"
                    "  last_refresh_at = excluded.last_refresh_at,"
                    "  last_test_at = excluded.last_test_at, last_test_ok = excluded.last_test_ok,"
                    "  last_test_message = excluded.last_test_message, status = excluded.status,"
                    "  status_message = excluded.status_message, created_at = excluded.created_at",
                    relink_account_get_id (account), bind_account, account, CHANGE_OPTIONAL, error);
}

gboolean
relink_store_delete_account (RelinkStore *self, const char *account_id, GError **error)
{
  /* What refers to the account, removed with it. */
  static const char *const dependents_sql[] = {
    "DELETE FROM history WHERE account_id = ?1",
    "DELETE FROM reminders WHERE account_id = ?1",
    "DELETE FROM refresh_journal WHERE account_id = ?1",
  };
  g_autoptr (GMutexLocker) locker = NULL;
  int changes;

  g_return_val_if_fail (RELINK_IS_STORE (self), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->mutex);

  if (!begin (self, error))
    return FALSE;

  changes = run_with_id (self, "DELETE FROM accounts WHERE id = ?1", account_id, error);
  if (changes < 0)
    goto fail;
  if (changes == 0)
    {
      set_not_found (self, FALSE, account_id, error);
      goto fail;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (dependents_sql); i++)
    if (run_with_id (self, dependents_sql[i], account_id, error) < 0)
      goto fail;

  return commit (self, error);

fail:
  rollback (self);
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

  return write_row (self,
                    "UPDATE accounts SET access_expires_at = ?2, refresh_expires_at = ?3,"
                    "  last_refresh_at = ?4 WHERE id = ?1",
                    account_id, bind_token_dates, &dates, CHANGE_ACCOUNT, error);
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
  bind_text (stmt, 3, status->message);
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

  return write_row (self, "UPDATE accounts SET status = ?2, status_message = ?3 WHERE id = ?1",
                    account_id, bind_status, &data, CHANGE_ACCOUNT, error);
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
  bind_text (stmt, 4, result->message);
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

  return write_row (self,
                    "UPDATE accounts SET last_test_at = ?2, last_test_ok = ?3,"
                    "  last_test_message = ?4 WHERE id = ?1",
                    account_id, bind_test_result, &result, CHANGE_ACCOUNT, error);
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

  bind_text (stmt, 2, sign_in->identity_id);
  bind_text (stmt, 3, sign_in->identity_name);
  bind_text (stmt, 4, sign_in->scopes);
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
  return write_row (self,
                    "UPDATE accounts SET identity_id = ?2, identity_name = ?3, scopes = ?4,"
                    "  authorised_at = ?5, access_expires_at = ?6, refresh_expires_at = ?7,"
                    "  status = ?8, status_message = NULL WHERE id = ?1",
                    account_id, bind_sign_in, &sign_in, CHANGE_ACCOUNT, error);
}

static void
bind_history_entry (sqlite3_stmt *stmt, gconstpointer data)
{
  RelinkHistoryEntry *entry = (RelinkHistoryEntry *) data;

  sqlite3_bind_int64 (stmt, 2, relink_history_entry_get_at (entry));
  sqlite3_bind_int (stmt, 3, relink_history_entry_get_kind (entry));
  sqlite3_bind_int (stmt, 4, relink_history_entry_get_ok (entry) ? 1 : 0);
  bind_text (stmt, 5, relink_history_entry_get_program (entry));
  bind_text (stmt, 6, relink_history_entry_get_message (entry));
}

gboolean
relink_store_add_history (RelinkStore *self, RelinkHistoryEntry *entry, GError **error)
{
  g_return_val_if_fail (RELINK_IS_STORE (self), FALSE);
  g_return_val_if_fail (RELINK_IS_HISTORY_ENTRY (entry), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr (sqlite3_stmt) insert = NULL;
  g_autoptr (sqlite3_stmt) trim = NULL;
  const char *account_id = relink_history_entry_get_account_id (entry);

  if (!begin (self, error))
    return FALSE;

  insert = prepare (self,
                    "INSERT INTO history (account_id, at, kind, ok, program, message) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    error);
  if (insert == NULL)
    goto fail;
  bind_text (insert, 1, account_id);
  bind_history_entry (insert, entry);
  if (!step_done (self, insert, error))
    goto fail;

  /* A token fetched every few minutes for years must not grow the file,
   * and the check of the whole file at open, without end. */
  trim = prepare (self,
                  "DELETE FROM history WHERE account_id = ?1 AND id <= "
                  "(SELECT id FROM history WHERE account_id = ?1 ORDER BY id DESC "
                  "LIMIT 1 OFFSET ?2)",
                  error);
  if (trim == NULL)
    goto fail;
  bind_text (trim, 1, account_id);
  sqlite3_bind_int (trim, 2, RELINK_STORE_HISTORY_PER_ACCOUNT);
  if (!step_done (self, trim, error))
    goto fail;

  return commit (self, error);

fail:
  rollback (self);
  return FALSE;
}

typedef struct
{
  const char *account_id;
  GPtrArray *entries;
} History;

static void
add_history_entry_cb (sqlite3_stmt *stmt, gpointer data)
{
  History *history = data;
  int kind = sqlite3_column_int (stmt, 1);

  if (kind < RELINK_HISTORY_KIND_CONNECT || kind > RELINK_HISTORY_KIND_IMPORT)
    return;

  g_ptr_array_add (history->entries,
                   relink_history_entry_new (history->account_id, sqlite3_column_int64 (stmt, 0),
                                             kind, sqlite3_column_int (stmt, 2) != 0,
                                             column_text (stmt, 3), column_text (stmt, 4)));
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
  stmt = prepare (self,
                  "SELECT at, kind, ok, program, message FROM history WHERE account_id = ?1 "
                  "ORDER BY at DESC, id DESC LIMIT ?2",
                  error);
  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, account_id);
  /* A negative LIMIT means no limit in SQLite. */
  sqlite3_bind_int64 (stmt, 2, limit == 0 ? -1 : (gint64) limit);

  history.account_id = account_id;
  history.entries = g_ptr_array_new_with_free_func (g_object_unref);
  if (!for_each_row (self, stmt, add_history_entry_cb, &history, error))
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

  stmt = prepare (self, "SELECT expires_at, lead, given_at FROM reminders WHERE account_id = ?1",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);

  if (!step_row (self, stmt, &found, error))
    return FALSE;
  if (found)
    reminder_from_row (stmt, 0, out);

  return TRUE;
}

static void
add_reminder_cb (sqlite3_stmt *stmt, gpointer data)
{
  RelinkReminderState *state = g_new0 (RelinkReminderState, 1);

  reminder_from_row (stmt, 1, state);
  g_hash_table_insert (data, g_strdup (column_text (stmt, 0)), state);
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

  stmt = prepare (self, "SELECT account_id, expires_at, lead, given_at FROM reminders", error);
  if (stmt == NULL)
    return NULL;

  reminders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!for_each_row (self, stmt, add_reminder_cb, reminders, error))
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
  return write_row (self,
                    "INSERT INTO reminders (account_id, expires_at, lead, given_at) "
                    "SELECT ?1, ?2, ?3, ?4 "
                    "WHERE EXISTS (SELECT 1 FROM accounts WHERE id = ?1) "
                    "   OR EXISTS (SELECT 1 FROM keysets WHERE id = ?1) "
                    "ON CONFLICT (account_id) DO UPDATE SET "
                    "  expires_at = excluded.expires_at, lead = excluded.lead,"
                    "  given_at = excluded.given_at",
                    id, bind_reminder, state, CHANGE_ACCOUNT, error);
}

gint64
relink_store_get_data_version (RelinkStore *self)
{
  g_autoptr (GMutexLocker) locker = NULL;
  gint64 version = 0;
  int rc;

  g_return_val_if_fail (RELINK_IS_STORE (self), 0);

  locker = g_mutex_locker_new (&self->mutex);

  rc = query_int (self->db, "PRAGMA data_version", &version);
  if (rc != SQLITE_OK)
    g_debug ("Could not read the data version of %s: %s", self->path, sqlite3_errmsg (self->db));

  return version;
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
    return write_row (self,
                      "INSERT OR REPLACE INTO refresh_journal (account_id, started_at) "
                      "VALUES (?1, ?2)",
                      account_id, bind_started_at, &started_at, CHANGE_OPTIONAL, error);

  return write_row (self, "DELETE FROM refresh_journal WHERE account_id = ?1", account_id, NULL,
                    NULL, CHANGE_OPTIONAL, error);
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

  stmt = prepare (self, "SELECT started_at FROM refresh_journal WHERE account_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, account_id);

  if (!step_row (self, stmt, &found, error))
    return FALSE;
  *out_started_at = found ? sqlite3_column_int64 (stmt, 0) : 0;

  return TRUE;
}
