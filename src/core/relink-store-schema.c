/* relink-store-schema.c: the store's tables, one column table each
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Adding a column to an account (or a keyset) means adding one line to its
 * table below: CREATE TABLE, the check of an existing file, the SELECT
 * list, the INSERT/UPDATE and the loading of a row all follow from it. A
 * new column in an existing file also needs a schema version and a
 * migration in relink-store.c.
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "relink-store-private.h"

#define TEXT(name, constraint, get, set)                                                           \
  {                                                                                                \
    name, "TEXT", constraint, STORE_COLUMN_TEXT, G_CALLBACK (get), G_CALLBACK (set)                \
  }
#define INT64(name, get, set)                                                                      \
  {                                                                                                \
    name, "INTEGER", "NOT NULL DEFAULT 0", STORE_COLUMN_INT64, G_CALLBACK (get), G_CALLBACK (set)  \
  }
#define BOOLEAN(name, get, set)                                                                    \
  {                                                                                                \
    name, "INTEGER", "NOT NULL DEFAULT 0", STORE_COLUMN_BOOLEAN, G_CALLBACK (get),                 \
        G_CALLBACK (set)                                                                           \
  }
/* Makes an object from its id, whatever its type. */
#define NEW_OBJECT(func) ((gpointer (*) (const char *)) G_CALLBACK (func))
/* A column only the hand-written statements use. */
#define PLAIN(name, type, constraint)                                                              \
  {                                                                                                \
    name, type, constraint, STORE_COLUMN_INT64, NULL, NULL                                         \
  }
/* A column added by schema version @since. */
#define TEXT_SINCE(since, name, constraint, get, set)                                              \
  {                                                                                                \
    name, "TEXT", constraint, STORE_COLUMN_TEXT, G_CALLBACK (get), G_CALLBACK (set), since         \
  }
#define ID_COLUMN(get)                                                                             \
  {                                                                                                \
    "id", "TEXT", "PRIMARY KEY NOT NULL", STORE_COLUMN_TEXT, G_CALLBACK (get), NULL                \
  }

/* Extras are not worth refusing the whole list over. */
static void
keyset_set_extras (RelinkKeyset *keyset, const char *json)
{
  g_autoptr (GError) error = NULL;

  if (!relink_keyset_set_extras_json (keyset, json, &error))
    g_debug ("Ignoring the extra values of keyset %s: %s", relink_keyset_get_id (keyset),
             error->message);
}

static const StoreColumn keyset_columns[] = {
  ID_COLUMN (relink_keyset_get_id),
  TEXT ("provider_id", "", relink_keyset_get_provider_id, relink_keyset_set_provider_id),
  TEXT ("environment", "", relink_keyset_get_environment, relink_keyset_set_environment),
  TEXT ("label", "", relink_keyset_get_label, relink_keyset_set_label),
  TEXT ("client_id", "", relink_keyset_get_client_id, relink_keyset_set_client_id),
  TEXT ("redirect", "", relink_keyset_get_redirect, relink_keyset_set_redirect),
  { "extras", "TEXT", "NOT NULL DEFAULT '{}'", STORE_COLUMN_TEXT_OWNED,
    G_CALLBACK (relink_keyset_dup_extras_json), G_CALLBACK (keyset_set_extras) },
  INT64 ("secret_expires_at",
         relink_keyset_get_secret_expires_at,
         relink_keyset_set_secret_expires_at),
  BOOLEAN ("invalid", relink_keyset_get_invalid, relink_keyset_set_invalid),
  INT64 ("created_at", relink_keyset_get_created_at, relink_keyset_set_created_at),
  TEXT_SINCE (2,
              "grant_kind",
              "NOT NULL DEFAULT '" RELINK_GRANT_KIND_OAUTH2 "'",
              relink_keyset_get_grant_kind,
              relink_keyset_set_grant_kind),
};

/* An unknown status (a hand-edited file) must not leak an invalid enum. */
static void
account_set_status (RelinkAccount *account, int status)
{
  if (status < RELINK_ACCOUNT_STATUS_NOT_CONNECTED || status > RELINK_ACCOUNT_STATUS_ERROR)
    status = RELINK_ACCOUNT_STATUS_ERROR;
  relink_account_set_status (account, status);
}

static const StoreColumn account_columns[] = {
  ID_COLUMN (relink_account_get_id),
  TEXT ("keyset_id", "", relink_account_get_keyset_id, relink_account_set_keyset_id),
  TEXT ("nickname", "", relink_account_get_nickname, relink_account_set_nickname),
  TEXT ("expected_identity",
        "",
        relink_account_get_expected_identity,
        relink_account_set_expected_identity),
  TEXT ("identity_id", "", relink_account_get_identity_id, relink_account_set_identity_id),
  TEXT ("identity_name", "", relink_account_get_identity_name, relink_account_set_identity_name),
  TEXT ("scopes", "", relink_account_get_scopes, relink_account_set_scopes),
  INT64 ("authorised_at", relink_account_get_authorised_at, relink_account_set_authorised_at),
  INT64 ("access_expires_at",
         relink_account_get_access_expires_at,
         relink_account_set_access_expires_at),
  INT64 ("refresh_expires_at",
         relink_account_get_refresh_expires_at,
         relink_account_set_refresh_expires_at),
  INT64 ("last_refresh_at", relink_account_get_last_refresh_at, relink_account_set_last_refresh_at),
  INT64 ("last_test_at", relink_account_get_last_test_at, relink_account_set_last_test_at),
  BOOLEAN ("last_test_ok", relink_account_get_last_test_ok, relink_account_set_last_test_ok),
  TEXT ("last_test_message",
        "",
        relink_account_get_last_test_message,
        relink_account_set_last_test_message),
  { "status", "INTEGER", "NOT NULL DEFAULT 0", STORE_COLUMN_INT,
    G_CALLBACK (relink_account_get_status), G_CALLBACK (account_set_status) },
  TEXT ("status_message", "", relink_account_get_status_message, relink_account_set_status_message),
  INT64 ("created_at", relink_account_get_created_at, relink_account_set_created_at),
  /* Grants (HACKING.md): a row with an owner is a further grant of it. */
  TEXT_SINCE (2, "owner_id", "", relink_account_get_owner_id, relink_account_set_owner_id),
  TEXT_SINCE (2,
              "grant_name",
              "NOT NULL DEFAULT '" RELINK_GRANT_NAME_OAUTH "'",
              relink_account_get_grant_name,
              relink_account_set_grant_name),
};

static const StoreColumn history_columns[] = {
  PLAIN ("id", "INTEGER", "PRIMARY KEY"), PLAIN ("account_id", "TEXT", "NOT NULL"),
  PLAIN ("at", "INTEGER", "NOT NULL"),    PLAIN ("kind", "INTEGER", "NOT NULL"),
  PLAIN ("ok", "INTEGER", "NOT NULL"),    PLAIN ("program", "TEXT", ""),
  PLAIN ("message", "TEXT", ""),
};

/* The last reminder given per account (or keyset: ids are UUIDs). */
static const StoreColumn reminder_columns[] = {
  PLAIN ("account_id", "TEXT", "PRIMARY KEY NOT NULL"),
  PLAIN ("expires_at", "INTEGER", "NOT NULL DEFAULT 0"),
  PLAIN ("lead", "INTEGER", "NOT NULL DEFAULT 0"),
  PLAIN ("given_at", "INTEGER", "NOT NULL DEFAULT 0"),
};

/* "A refresh of this account started at T": written before a refresh
 * request and removed when its outcome is saved, so a row left behind
 * tells the next run that a refresh was interrupted. */
static const StoreColumn refresh_journal_columns[] = {
  PLAIN ("account_id", "TEXT", "PRIMARY KEY NOT NULL"),
  PLAIN ("started_at", "INTEGER", "NOT NULL DEFAULT 0"),
};

const StoreTable relink_store_keysets_table = {
  "keysets", keyset_columns, G_N_ELEMENTS (keyset_columns), NEW_OBJECT (relink_keyset_new),
  FALSE,     NULL,
};

/* Added by schema version 2, with the owner_id column. */
#define ACCOUNTS_OWNER_INDEX "CREATE INDEX accounts_owner_id ON accounts (owner_id);"

const StoreTable relink_store_accounts_table = {
  "accounts",
  account_columns,
  G_N_ELEMENTS (account_columns),
  NEW_OBJECT (relink_account_new),
  FALSE,
  "CREATE INDEX accounts_keyset_id ON accounts (keyset_id);" ACCOUNTS_OWNER_INDEX,
};

const StoreTable relink_store_history_table = {
  "history", history_columns, G_N_ELEMENTS (history_columns),
  NULL,      FALSE,           "CREATE INDEX history_account_at ON history (account_id, at);",
};

const StoreTable relink_store_reminders_table = {
  "reminders", reminder_columns, G_N_ELEMENTS (reminder_columns), NULL, FALSE, NULL,
};

/* Added within schema version 1: a table that older builds of the same
 * version never read, so adding it needed no new version. */
const StoreTable relink_store_refresh_journal_table = {
  "refresh_journal",
  refresh_journal_columns,
  G_N_ELEMENTS (refresh_journal_columns),
  NULL,
  TRUE,
  NULL,
};

static const StoreTable *const all_tables[] = {
  &relink_store_keysets_table,   &relink_store_accounts_table,        &relink_store_history_table,
  &relink_store_reminders_table, &relink_store_refresh_journal_table,
};

/* The generated statements of the two object tables, made once. */
typedef struct
{
  char *select_list;
  char *upsert;
} Statements;

static Statements *
statements_for (const StoreTable *table)
{
  static Statements keysets, accounts;
  static gsize done;
  const StoreTable *tables[] = { &relink_store_keysets_table, &relink_store_accounts_table };
  Statements *statements[] = { &keysets, &accounts };

  if (g_once_init_enter (&done))
    {
      for (gsize t = 0; t < G_N_ELEMENTS (tables); t++)
        {
          const StoreTable *object_table = tables[t];
          g_autoptr (GString) list = g_string_new (NULL);
          g_autoptr (GString) values = g_string_new (NULL);
          g_autoptr (GString) updates = g_string_new (NULL);

          for (guint i = 0; i < object_table->n_columns; i++)
            {
              const char *name = object_table->columns[i].name;

              g_string_append_printf (list, "%s%s", i > 0 ? ", " : "", name);
              g_string_append_printf (values, "%s?%u", i > 0 ? ", " : "", i + 1);
              if (i > 0)
                g_string_append_printf (updates, "%s%s = excluded.%s", i > 1 ? ", " : "", name,
                                        name);
            }

          statements[t]->upsert = g_strdup_printf (
              "INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) DO UPDATE SET %s",
              object_table->name, list->str, values->str, object_table->columns[0].name,
              updates->str);
          statements[t]->select_list = g_string_free (g_steal_pointer (&list), FALSE);
        }
      g_once_init_leave (&done, 1);
    }

  for (gsize t = 0; t < G_N_ELEMENTS (tables); t++)
    if (tables[t] == table)
      return statements[t];

  g_return_val_if_reached (NULL);
}

const char *
relink_store_table_select_list (const StoreTable *table)
{
  return statements_for (table)->select_list;
}

const char *
relink_store_table_upsert_sql (const StoreTable *table)
{
  return statements_for (table)->upsert;
}

char *
relink_store_table_create_sql (const StoreTable *table, gboolean if_not_exists)
{
  GString *sql = g_string_new (NULL);

  g_string_append_printf (sql, "CREATE TABLE %s%s (", if_not_exists ? "IF NOT EXISTS " : "",
                          table->name);
  for (guint i = 0; i < table->n_columns; i++)
    {
      const StoreColumn *column = &table->columns[i];

      g_string_append_printf (sql, "%s  %s %s%s%s", i > 0 ? "," : "", column->name, column->type,
                              column->constraint[0] != '\0' ? " " : "", column->constraint);
    }
  g_string_append (sql, ");");
  if (table->extra_sql != NULL)
    g_string_append (sql, table->extra_sql);

  return g_string_free (sql, FALSE);
}

char *
relink_store_schema_sql (void)
{
  GString *sql = g_string_new (NULL);

  for (gsize t = 0; t < G_N_ELEMENTS (all_tables); t++)
    {
      g_autofree char *create = relink_store_table_create_sql (all_tables[t], FALSE);

      g_string_append (sql, create);
    }

  return g_string_free (sql, FALSE);
}

/* Does @column's declaration ask for @words ("NOT NULL", "PRIMARY KEY")? */
static gboolean
declares (const StoreColumn *column, const char *words)
{
  return strstr (column->constraint, words) != NULL;
}

static void
set_damaged_table (const char *path, const char *table, const char *what, GError **error)
{
  /* @what may quote a column name or type read from the damaged file:
   * made valid UTF-8 without control characters, and cut short (found by
   * tests/fuzz/fuzz-store). */
  g_autofree char *valid = g_utf8_make_valid (what, -1);
  g_autoptr (GString) clean = g_string_new (NULL);

  for (const char *p = valid; *p != '\0' && clean->len < 200; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (clean, g_unichar_iscntrl (c) ? '?' : c);
    }

  /* The names are SQL, not prose: the seller may quote them to a helper. */
  g_set_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_CORRUPT,
               _ ("The account list at %s is damaged (table %s: %s) and was left untouched. Move "
                  "it away to start afresh, or restore a backup."),
               path, table, clean->str);
}

/* Compares one table with PRAGMA table_info. *@missing says the table is
 * not there at all (for an optional table, not an error). */
/* Whether a file of schema @version has @column. */
static gboolean
column_in_version (const StoreColumn *column, gint64 version)
{
  return MAX (column->since, 1) <= version;
}

static gboolean
check_table (const char *path,
             sqlite3 *db,
             const StoreTable *table,
             gint64 version,
             gboolean *missing,
             GError **error)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA table_info(%s)", table->name);
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree gboolean *seen = g_new0 (gboolean, table->n_columns);
  guint n_rows = 0;
  int rc;

  *missing = FALSE;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      relink_store_set_sqlite_error (path, db, rc, error);
      return FALSE;
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 1);
      const char *type = (const char *) sqlite3_column_text (stmt, 2);
      gboolean not_null = sqlite3_column_int (stmt, 3) != 0;
      gboolean has_default = sqlite3_column_type (stmt, 4) != SQLITE_NULL;
      gboolean primary_key = sqlite3_column_int (stmt, 5) != 0;
      const StoreColumn *column = NULL;
      g_autofree char *what = NULL;

      n_rows++;
      for (guint i = 0; i < table->n_columns && column == NULL; i++)
        if (name != NULL && g_ascii_strcasecmp (name, table->columns[i].name) == 0)
          {
            column = &table->columns[i];
            seen[i] = TRUE;
          }

      /* A column of a newer build is harmless while our inserts can leave
       * it out. */
      if (column == NULL)
        {
          if (not_null && !has_default && !primary_key)
            what = g_strdup_printf ("unknown required column %s", name != NULL ? name : "");
        }
      else if (type == NULL || g_ascii_strcasecmp (type, column->type) != 0)
        what = g_strdup_printf ("column %s is %s, not %s", column->name, type != NULL ? type : "",
                                column->type);
      else if (not_null != declares (column, "NOT NULL"))
        what = g_strdup_printf ("column %s %s NOT NULL", column->name, not_null ? "is" : "is not");
      else if (primary_key != declares (column, "PRIMARY KEY"))
        what = g_strdup_printf ("column %s %s the primary key", column->name,
                                primary_key ? "is" : "is not");

      if (what != NULL)
        {
          set_damaged_table (path, table->name, what, error);
          return FALSE;
        }
    }

  if (rc != SQLITE_DONE)
    {
      relink_store_set_sqlite_error (path, db, rc, error);
      return FALSE;
    }

  if (n_rows == 0)
    {
      *missing = TRUE;
      if (table->optional)
        return TRUE;
      set_damaged_table (path, table->name, "missing", error);
      return FALSE;
    }

  for (guint i = 0; i < table->n_columns; i++)
    if (!seen[i] && column_in_version (&table->columns[i], version))
      {
        g_autofree char *what = g_strdup_printf ("column %s is missing", table->columns[i].name);

        set_damaged_table (path, table->name, what, error);
        return FALSE;
      }

  return TRUE;
}

gboolean
relink_store_check_schema (const char *path, sqlite3 *db, gint64 version, GError **error)
{
  for (gsize t = 0; t < G_N_ELEMENTS (all_tables); t++)
    {
      gboolean missing;

      if (!check_table (path, db, all_tables[t], version, &missing, error))
        return FALSE;
    }

  return TRUE;
}

char *
relink_store_migration_sql (gint64 version)
{
  GString *sql = g_string_new (NULL);

  for (gsize t = 0; t < G_N_ELEMENTS (all_tables); t++)
    for (guint i = 0; i < all_tables[t]->n_columns; i++)
      {
        const StoreColumn *column = &all_tables[t]->columns[i];

        if (column_in_version (column, version))
          continue;
        g_string_append_printf (sql, "ALTER TABLE %s ADD COLUMN %s %s%s%s;", all_tables[t]->name,
                                column->name, column->type,
                                column->constraint[0] != '\0' ? " " : "", column->constraint);
      }

  if (version < 2)
    g_string_append (sql, ACCOUNTS_OWNER_INDEX);

  return g_string_free (sql, FALSE);
}

void
relink_store_bind_object (const StoreTable *table, sqlite3_stmt *stmt, gpointer object)
{
  for (guint i = 0; i < table->n_columns; i++)
    {
      const StoreColumn *column = &table->columns[i];
      int index = (int) i + 1;

      switch (column->kind)
        {
          case STORE_COLUMN_TEXT:
            relink_store_bind_text (stmt, index,
                                    ((const char *(*) (gpointer)) column->get) (object));
            break;

          case STORE_COLUMN_TEXT_OWNED:
            {
              g_autofree char *text = ((char *(*) (gpointer)) column->get) (object);

              relink_store_bind_text (stmt, index, text);
            }
            break;

          case STORE_COLUMN_INT64:
            sqlite3_bind_int64 (stmt, index, ((gint64 (*) (gpointer)) column->get) (object));
            break;

          case STORE_COLUMN_INT:
            sqlite3_bind_int (stmt, index, ((int (*) (gpointer)) column->get) (object));
            break;

          case STORE_COLUMN_BOOLEAN:
            sqlite3_bind_int (stmt, index,
                              ((gboolean (*) (gpointer)) column->get) (object) ? 1 : 0);
            break;

          default:
            g_assert_not_reached ();
        }
    }
}

gpointer
relink_store_object_from_row (RelinkStore *self,
                              const StoreTable *table,
                              sqlite3_stmt *stmt,
                              GError **error)
{
  g_autoptr (GObject) object = NULL;
  const char *id = relink_store_column_text (stmt, 0);

  /* Possible only in a file changed behind Relink's back: the schema check
   * requires NOT NULL. Damage, never a crash further on. */
  if (id == NULL || !g_utf8_validate (id, -1, NULL))
    {
      relink_store_set_corrupt_error (self->path, error);
      return NULL;
    }

  object = table->new_object (id);

  for (guint i = 1; i < table->n_columns; i++)
    {
      const StoreColumn *column = &table->columns[i];
      int index = (int) i;
      const char *text;

      switch (column->kind)
        {
          case STORE_COLUMN_TEXT:
          case STORE_COLUMN_TEXT_OWNED:
            text = relink_store_column_text (stmt, index);
            if (text != NULL && !g_utf8_validate (text, -1, NULL))
              {
                relink_store_set_corrupt_error (self->path, error);
                return NULL;
              }
            ((void (*) (gpointer, const char *)) column->set) (object, text);
            break;

          case STORE_COLUMN_INT64:
            ((void (*) (gpointer, gint64)) column->set) (object,
                                                         sqlite3_column_int64 (stmt, index));
            break;

          case STORE_COLUMN_INT:
            ((void (*) (gpointer, int)) column->set) (object, sqlite3_column_int (stmt, index));
            break;

          case STORE_COLUMN_BOOLEAN:
            ((void (*) (gpointer, gboolean)) column->set) (object,
                                                           sqlite3_column_int (stmt, index) != 0);
            break;

          default:
            g_assert_not_reached ();
        }
    }

  return g_steal_pointer (&object);
}
