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

#include "relink-store-private.h"

/* How long a write waits for another process's transaction to end. */
#define BUSY_TIMEOUT_MS 5000

G_DEFINE_FINAL_TYPE (RelinkStore, relink_store, G_TYPE_OBJECT)

/* The quark name is spelt with hyphens, which clang-format would space. */
/* clang-format off */
G_DEFINE_QUARK (relink-store-error-quark, relink_store_error)
/* clang-format on */

enum
{
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
relink_store_set_corrupt_error (const char *path, GError **error)
{
  g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_CORRUPT,
               _ ("The account list at %s is damaged and was left untouched. Move it away to "
                  "start afresh, or restore a backup."),
               path);
}

/* Is @rc (on @db) the disk being full? SQLite says SQLITE_FULL for a
 * write, but a failed shared-memory or WAL extension is an I/O error with
 * ENOSPC underneath. */
static gboolean
is_disk_full (sqlite3 *db, int rc)
{
  if ((rc & 0xff) == SQLITE_FULL)
    return TRUE;
  return (rc & 0xff) == SQLITE_IOERR && db != NULL
         && (sqlite3_system_errno (db) == ENOSPC || sqlite3_system_errno (db) == EDQUOT);
}

/* Turns a SQLite failure into a message that says what to do. */
void
relink_store_set_sqlite_error (const char *path, sqlite3 *db, int rc, GError **error)
{
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  /* A WAL or -shm file that cannot grow is an I/O error to SQLite. */
  if ((rc & 0xff) == SQLITE_IOERR && is_disk_full (db, rc))
    rc = SQLITE_FULL;

  switch (rc & 0xff)
    {
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB:
        relink_store_set_corrupt_error (path, error);
        break;

      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_IO,
                     _ ("The account list at %s is kept busy by another program. Try again in a "
                        "moment."),
                     path);
        break;

      case SQLITE_FULL:
        g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_DISK_FULL,
                     _ ("The disk is full: Relink could not save the account list at %s. Free "
                        "some space and try again."),
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

void
relink_store_set_not_found (RelinkStore *self, gboolean keyset, const char *id, GError **error)
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

gboolean
relink_store_exec (RelinkStore *self, const char *sql, GError **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      relink_store_set_sqlite_error (self->path, self->db, rc, error);
      return FALSE;
    }

  return TRUE;
}

sqlite3_stmt *
relink_store_prepare (RelinkStore *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      relink_store_set_sqlite_error (self->path, self->db, rc, error);
      sqlite3_finalize (stmt);
      return NULL;
    }

  return stmt;
}

/* Runs a statement that returns no rows. */
gboolean
relink_store_step_done (RelinkStore *self, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    {
      relink_store_set_sqlite_error (self->path, self->db, rc, error);
      return FALSE;
    }

  return TRUE;
}

void
relink_store_bind_text (sqlite3_stmt *stmt, int index, const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

const char *
relink_store_column_text (sqlite3_stmt *stmt, int index)
{
  return (const char *) sqlite3_column_text (stmt, index);
}

/* Every write is one BEGIN IMMEDIATE transaction: the write lock is taken
 * up front (waiting up to the busy timeout), so a transaction never reads
 * a stale snapshot it then fails to upgrade. */
gboolean
relink_store_begin (RelinkStore *self, GError **error)
{
  return relink_store_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
relink_store_commit (RelinkStore *self, GError **error)
{
  return relink_store_exec (self, "COMMIT", error);
}

void
relink_store_rollback (RelinkStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Runs @sql, which returns no rows, with @id as ?1, inside the caller's
 * transaction. Returns how many rows it changed, or -1 on failure. */
int
relink_store_run_with_id (RelinkStore *self, const char *sql, const char *id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = relink_store_prepare (self, sql, error);

  if (stmt == NULL)
    return -1;

  relink_store_bind_text (stmt, 1, id);
  if (!relink_store_step_done (self, stmt, error))
    return -1;

  return sqlite3_changes (self->db);
}

/* Runs one write statement in its own transaction. @bind (if any) fills
 * the parameters after @id. */
gboolean
relink_store_write_row (RelinkStore *self,
                        const char *sql,
                        const char *id,
                        RelinkStoreBindFunc bind,
                        gconstpointer data,
                        RelinkStoreChange change,
                        GError **error)
{
  G_GNUC_UNUSED g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->mutex);
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (!relink_store_begin (self, error))
    return FALSE;

  stmt = relink_store_prepare (self, sql, error);
  if (stmt == NULL)
    goto fail;

  relink_store_bind_text (stmt, 1, id);
  if (bind != NULL)
    bind (stmt, data);

  if (!relink_store_step_done (self, stmt, error))
    goto fail;

  if (change != RELINK_STORE_CHANGE_OPTIONAL && sqlite3_changes (self->db) == 0)
    {
      relink_store_set_not_found (self, change == RELINK_STORE_CHANGE_KEYSET, id, error);
      goto fail;
    }

  return relink_store_commit (self, error);

fail:
  relink_store_rollback (self);
  return FALSE;
}

/* Runs a prepared query, calling @func on each row. */
gboolean
relink_store_for_each_row (
    RelinkStore *self, sqlite3_stmt *stmt, RelinkStoreRowFunc func, gpointer data, GError **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (!func (self, stmt, data, error))
      return FALSE;

  if (rc != SQLITE_DONE)
    {
      relink_store_set_sqlite_error (self->path, self->db, rc, error);
      return FALSE;
    }

  return TRUE;
}

/* Runs a prepared query that gives one row or none: FALSE only on
 * failure, and *@found says which. The row is then @stmt's current one. */
gboolean
relink_store_step_row (RelinkStore *self, sqlite3_stmt *stmt, gboolean *found, GError **error)
{
  int rc = sqlite3_step (stmt);

  *found = rc == SQLITE_ROW;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      relink_store_set_sqlite_error (self->path, self->db, rc, error);
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

static void
set_newer_schema_error (const char *path, GError **error)
{
  g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NEWER_SCHEMA,
               _ ("The account list at %s was written by a newer version of Relink and was left "
                  "untouched. Update Relink to use it."),
               path);
}

/* Opens a connection. @alone: the exclusive locking mode, in which SQLite
 * keeps the WAL index in memory instead of the -shm file, so that a full
 * disk (where that file cannot grow) can still be read. It keeps other
 * processes out while open, so only brief readers use it, and only when
 * the disk is full. */
static int
open_connection (const char *path, gboolean read_only, gboolean alone, sqlite3 **out_db)
{
  int rc;

  rc = sqlite3_open_v2 (
      path, out_db,
      (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    return rc;

  sqlite3_extended_result_codes (*out_db, TRUE);
  sqlite3_busy_timeout (*out_db, BUSY_TIMEOUT_MS);
  if (alone)
    rc = sqlite3_exec (*out_db, "PRAGMA locking_mode = EXCLUSIVE", NULL, NULL, NULL);

  return rc;
}

/* Whether opening the file for use writes to it: switching it to WAL
 * (a copy made in rollback mode) or adding what an older schema lacks.
 * A damaged page that only a later read finds would then leave a file
 * Relink refuses changed (fuzz-store), so such a file is read whole
 * first, even by a quick open. When in doubt: yes. */
static gboolean
open_will_write (sqlite3 *db, gint64 version)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64 n_journals = 0;
  gboolean wal;

  if (version < RELINK_STORE_SCHEMA_VERSION)
    return TRUE;

  if (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL) != SQLITE_OK
      || sqlite3_step (stmt) != SQLITE_ROW)
    return TRUE;
  wal = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
  if (!wal)
    return TRUE;

  return query_int (db,
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                    "'refresh_journal'",
                    &n_journals)
             != SQLITE_OK
         || n_journals == 0;
}

/* Checks everything there is to check on an open read-only connection. */
static gboolean
check_connection (const char *path, sqlite3 *db, RelinkStoreOpenFlags flags, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64 version = 0;
  gint64 n_objects = 0;
  int rc;

  rc = query_int (db, "PRAGMA user_version", &version);
  if (rc != SQLITE_OK)
    {
      relink_store_set_sqlite_error (path, db, rc, error);
      return FALSE;
    }

  if (version > RELINK_STORE_SCHEMA_VERSION)
    {
      set_newer_schema_error (path, error);
      return FALSE;
    }

  /* No Relink writes a negative version. */
  if (version < 0)
    {
      relink_store_set_corrupt_error (path, error);
      return FALSE;
    }

  /* Reads the whole file: it grows with the history, so a hot path may
   * leave it to the long-running programs, but only for a file the open
   * will not write to. */
  if ((flags & RELINK_STORE_OPEN_FLAGS_NO_FULL_CHECK) == 0 || open_will_write (db, version))
    {
      rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW)
        {
          relink_store_set_sqlite_error (path, db, rc, error);
          return FALSE;
        }
      if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
        {
          relink_store_set_corrupt_error (path, error);
          return FALSE;
        }
    }

  /* Relink creates its tables and sets user_version in one transaction, so
   * tables without a version belong to some other program. */
  rc = query_int (db, "SELECT count(*) FROM sqlite_master", &n_objects);
  if (rc != SQLITE_OK)
    {
      relink_store_set_sqlite_error (path, db, rc, error);
      return FALSE;
    }
  if (version == 0 && n_objects > 0)
    {
      g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_CORRUPT,
                   _ ("The file at %s is not a Relink account list and was left untouched. Move "
                      "it away to start afresh."),
                   path);
      return FALSE;
    }

  /* Every table and column, with its type and NOT NULL: a file with the
   * right version but a hand-made or damaged schema is refused here, not
   * half-repaired by the first write. */
  if (version > 0 && !relink_store_check_schema (path, db, version, error))
    return FALSE;

  return TRUE;
}

/* Looks at an existing file through a read-only connection, so that a
 * file we must refuse is never written to: no WAL switch, no schema, no
 * journal. SQLite creates a WAL file's -wal and -shm even for a reader;
 * those it made for a file that is then refused are removed again (no
 * Relink keeps a refused file open, so no one else is using them). */
static gboolean
check_existing (const char *path, RelinkStoreOpenFlags flags, GError **error)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  gboolean had_wal = g_file_test (wal, G_FILE_TEST_EXISTS);
  gboolean had_shm = g_file_test (shm, G_FILE_TEST_EXISTS);
  g_autoptr (GError) local_error = NULL;
  sqlite3 *db = NULL;
  gboolean ok = FALSE;
  int rc;

  rc = open_connection (path, TRUE, FALSE, &db);
  if (rc == SQLITE_OK)
    ok = check_connection (path, db, flags, &local_error);
  else
    relink_store_set_sqlite_error (path, db, rc, &local_error);

  /* A full disk cannot grow the -shm file a WAL reader needs: read alone
   * then, which needs none (and only reads). */
  if (!ok && db != NULL && is_disk_full (db, sqlite3_extended_errcode (db)))
    {
      sqlite3_close_v2 (db);
      db = NULL;
      g_clear_error (&local_error);
      rc = open_connection (path, FALSE, TRUE, &db);
      if (rc == SQLITE_OK)
        ok = check_connection (path, db, flags, &local_error);
      else
        relink_store_set_sqlite_error (path, db, rc, &local_error);
    }

  sqlite3_close_v2 (db);

  if (!ok
      && (g_error_matches (local_error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_CORRUPT)
          || g_error_matches (local_error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NEWER_SCHEMA)))
    {
      GStatBuf st;

      if (!had_wal && g_stat (wal, &st) == 0 && st.st_size == 0)
        g_remove (wal);
      if (!had_shm)
        g_remove (shm);
    }

  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));

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

/* Creates the tables of a fresh file, or adds what a valid older one
 * lacks. Another process may be doing the same at the same moment, hence
 * the immediate transaction and the second look at the version inside
 * it. The file was checked by check_existing() before. */
static gboolean
ensure_schema (RelinkStore *self, GError **error)
{
  gint64 version = 0;
  int rc;

  if (!relink_store_begin (self, error))
    return FALSE;

  rc = query_int (self->db, "PRAGMA user_version", &version);
  if (rc != SQLITE_OK)
    {
      relink_store_set_sqlite_error (self->path, self->db, rc, error);
      goto fail;
    }

  if (version > RELINK_STORE_SCHEMA_VERSION)
    {
      set_newer_schema_error (self->path, error);
      goto fail;
    }

  if (version < 0)
    {
      relink_store_set_corrupt_error (self->path, error);
      goto fail;
    }

  if (version == 0)
    {
      g_autofree char *schema = relink_store_schema_sql ();
      /* A constant, not a value: PRAGMA takes no bound parameters. */
      g_autofree char *sql = g_strconcat (
          schema, "PRAGMA user_version = " G_STRINGIFY (RELINK_STORE_SCHEMA_VERSION) ";", NULL);

      if (!relink_store_exec (self, sql, error))
        goto fail;
    }
  else
    {
      /* Tables added within schema version 1: older builds of the same
       * version never read them, so adding them needs no new version. A
       * no-op (and no write) when they are there. */
      g_autofree char *journal
          = relink_store_table_create_sql (&relink_store_refresh_journal_table, TRUE);

      if (!relink_store_exec (self, journal, error))
        goto fail;
    }

  /* Migrations from older schema versions, in the same transaction as
   * the new version number: a failure half-way leaves the file as it was.
   * Version 2 added grants (owner_id, grant_name, grant_kind); no row
   * changes, since every existing row is an account's OAuth grant, the
   * columns' defaults. */
  if (version > 0 && version < RELINK_STORE_SCHEMA_VERSION)
    {
      g_autofree char *migration = relink_store_migration_sql (version);
      g_autofree char *sql = g_strconcat (
          migration, "PRAGMA user_version = " G_STRINGIFY (RELINK_STORE_SCHEMA_VERSION) ";", NULL);

      if (!relink_store_exec (self, sql, error))
        goto fail;
    }

  return relink_store_commit (self, error);

fail:
  relink_store_rollback (self);
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

  rc = open_connection (path, FALSE, FALSE, &self->db);
  /* WAL lets readers go on while another process writes (for a valid file
   * it is WAL already, and this only reads). */
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (self->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);

  /* On a full disk the -shm file cannot grow: a brief reader (relinkctl)
   * reads alone then, so that `token`, `list` and `status` still work. */
  if (rc != SQLITE_OK && (flags & RELINK_STORE_OPEN_FLAGS_BRIEF) != 0
      && is_disk_full (self->db, rc))
    {
      g_debug ("The disk holding %s is full: reading it alone", path);
      g_clear_pointer (&self->db, sqlite3_close_v2);
      rc = open_connection (path, FALSE, TRUE, &self->db);
      if (rc == SQLITE_OK)
        rc = sqlite3_exec (self->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
    }

  if (rc != SQLITE_OK)
    {
      relink_store_set_sqlite_error (path, self->db, rc, error);
      return NULL;
    }

  /* NORMAL sync is safe with WAL (a power cut may lose the last commit,
   * never corrupt). */
  if (!relink_store_exec (self, "PRAGMA synchronous = NORMAL", error)
      || !ensure_schema (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
relink_store_get_path (RelinkStore *self)
{
  g_return_val_if_fail (RELINK_IS_STORE (self), NULL);

  return self->path;
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
