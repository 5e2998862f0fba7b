/* test-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "relink-store.h"

/* The argument that turns this test binary into one of the concurrent
 * writers of test_concurrent_processes(). */
#define WRITER_ARG "--store-writer"
/* The argument that runs the full-disk checks inside a small tmpfs. */
#define FULL_DISK_ARG "--full-disk"
#define N_WRITES 200
#define SHARED_ID "shared-account"

typedef struct
{
  char *dir;  /* temporary directory, removed afterwards */
  char *path; /* dir/sub/relink.db: the store creates "sub" */
} Fixture;

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          remove_tree (child);
        }
    }

  g_assert_no_errno (g_remove (path));
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("relink-test-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "sub", "relink.db", NULL);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static RelinkStore *
open_store (const char *path)
{
  g_autoptr (GError) error = NULL;
  RelinkStore *store = relink_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static RelinkKeyset *
make_keyset (const char *id, const char *provider_id, gint64 created_at)
{
  RelinkKeyset *keyset = relink_keyset_new (id);

  relink_keyset_set_provider_id (keyset, provider_id);
  relink_keyset_set_environment (keyset, "sandbox");
  relink_keyset_set_label (keyset, "Agency keys");
  relink_keyset_set_client_id (keyset, "client-123");
  relink_keyset_set_redirect (keyset, "Agency-Relink-SBX-abc");
  relink_keyset_set_extra (keyset, "application_id", "amzn1.sp.solution.1");
  relink_keyset_set_extra (keyset, "accepted_url", "https://relink.invalid/done?a=1&b=\"x\"");
  relink_keyset_set_secret_expires_at (keyset, 1900000000);
  relink_keyset_set_invalid (keyset, FALSE);
  relink_keyset_set_created_at (keyset, created_at);
  return keyset;
}

static RelinkAccount *
make_account (const char *id, const char *keyset_id, gint64 created_at)
{
  RelinkAccount *account = relink_account_new (id);

  relink_account_set_keyset_id (account, keyset_id);
  relink_account_set_nickname (account, "Main shop");
  relink_account_set_expected_identity (account, "shop_a");
  relink_account_set_identity_id (account, "U-12345");
  relink_account_set_identity_name (account, "shop_a ‘ünïcode’");
  relink_account_set_scopes (account, "scope.a scope.b");
  relink_account_set_authorised_at (account, 1700000001);
  relink_account_set_access_expires_at (account, 1700007201);
  relink_account_set_refresh_expires_at (account, 1747000000);
  relink_account_set_last_refresh_at (account, 1700000500);
  relink_account_set_last_test_at (account, 1700000600);
  relink_account_set_last_test_ok (account, TRUE);
  relink_account_set_last_test_message (account, "Connected as shop_a");
  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
  relink_account_set_status_message (account, "Renew eBay now");
  relink_account_set_created_at (account, created_at);
  return account;
}

static void
assert_keysets_equal (RelinkKeyset *a, RelinkKeyset *b)
{
  g_autofree char *extras_a = relink_keyset_dup_extras_json (a);
  g_autofree char *extras_b = relink_keyset_dup_extras_json (b);

  g_assert_cmpstr (relink_keyset_get_id (a), ==, relink_keyset_get_id (b));
  g_assert_cmpstr (relink_keyset_get_provider_id (a), ==, relink_keyset_get_provider_id (b));
  g_assert_cmpstr (relink_keyset_get_environment (a), ==, relink_keyset_get_environment (b));
  g_assert_cmpstr (relink_keyset_get_label (a), ==, relink_keyset_get_label (b));
  g_assert_cmpstr (relink_keyset_get_client_id (a), ==, relink_keyset_get_client_id (b));
  g_assert_cmpstr (relink_keyset_get_redirect (a), ==, relink_keyset_get_redirect (b));
  g_assert_cmpstr (extras_a, ==, extras_b);
  g_assert_cmpint (relink_keyset_get_secret_expires_at (a), ==,
                   relink_keyset_get_secret_expires_at (b));
  g_assert_cmpint (relink_keyset_get_invalid (a), ==, relink_keyset_get_invalid (b));
  g_assert_cmpint (relink_keyset_get_created_at (a), ==, relink_keyset_get_created_at (b));
}

static void
assert_accounts_equal (RelinkAccount *a, RelinkAccount *b)
{
  g_assert_cmpstr (relink_account_get_id (a), ==, relink_account_get_id (b));
  g_assert_cmpstr (relink_account_get_keyset_id (a), ==, relink_account_get_keyset_id (b));
  g_assert_cmpstr (relink_account_get_nickname (a), ==, relink_account_get_nickname (b));
  g_assert_cmpstr (relink_account_get_expected_identity (a), ==,
                   relink_account_get_expected_identity (b));
  g_assert_cmpstr (relink_account_get_identity_id (a), ==, relink_account_get_identity_id (b));
  g_assert_cmpstr (relink_account_get_identity_name (a), ==, relink_account_get_identity_name (b));
  g_assert_cmpstr (relink_account_get_scopes (a), ==, relink_account_get_scopes (b));
  g_assert_cmpint (relink_account_get_authorised_at (a), ==, relink_account_get_authorised_at (b));
  g_assert_cmpint (relink_account_get_access_expires_at (a), ==,
                   relink_account_get_access_expires_at (b));
  g_assert_cmpint (relink_account_get_refresh_expires_at (a), ==,
                   relink_account_get_refresh_expires_at (b));
  g_assert_cmpint (relink_account_get_last_refresh_at (a), ==,
                   relink_account_get_last_refresh_at (b));
  g_assert_cmpint (relink_account_get_last_test_at (a), ==, relink_account_get_last_test_at (b));
  g_assert_cmpint (relink_account_get_last_test_ok (a), ==, relink_account_get_last_test_ok (b));
  g_assert_cmpstr (relink_account_get_last_test_message (a), ==,
                   relink_account_get_last_test_message (b));
  g_assert_cmpint (relink_account_get_status (a), ==, relink_account_get_status (b));
  g_assert_cmpstr (relink_account_get_status_message (a), ==,
                   relink_account_get_status_message (b));
  g_assert_cmpint (relink_account_get_created_at (a), ==, relink_account_get_created_at (b));
}

static void
test_keyset_round_trip (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkStore) store = open_store (fixture->path);
  g_autoptr (RelinkKeyset) k1 = make_keyset ("k1", "ebay", 100);
  g_autoptr (RelinkKeyset) k2 = make_keyset ("k2", "amazon", 200);
  g_autoptr (GPtrArray) loaded = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (relink_store_get_path (store), ==, fixture->path);

  loaded = relink_store_load_keysets (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 0);
  g_clear_pointer (&loaded, g_ptr_array_unref);

  /* NULL columns stay NULL. */
  relink_keyset_set_label (k2, NULL);
  relink_keyset_set_invalid (k2, TRUE);

  g_assert_true (relink_store_save_keyset (store, k2, &error));
  g_assert_no_error (error);
  g_assert_true (relink_store_save_keyset (store, k1, &error));
  g_assert_no_error (error);

  loaded = relink_store_load_keysets (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 2);
  /* Ordered by creation. */
  assert_keysets_equal (g_ptr_array_index (loaded, 0), k1);
  assert_keysets_equal (g_ptr_array_index (loaded, 1), k2);
  g_assert_null (relink_keyset_get_label (g_ptr_array_index (loaded, 1)));
  g_assert_cmpstr (relink_keyset_get_extra (g_ptr_array_index (loaded, 0), "accepted_url"), ==,
                   "https://relink.invalid/done?a=1&b=\"x\"");
  g_clear_pointer (&loaded, g_ptr_array_unref);

  /* Saving again replaces the whole row, it does not add one. */
  relink_keyset_set_client_id (k1, "client-456");
  relink_keyset_set_extra (k1, "application_id", NULL);
  relink_keyset_set_label (k1, "Quote ' \" ; DROP TABLE keysets; --");
  g_assert_true (relink_store_save_keyset (store, k1, &error));
  g_assert_no_error (error);

  g_assert_true (relink_store_set_keyset_invalid (store, "k2", FALSE, &error));
  g_assert_no_error (error);
  relink_keyset_set_invalid (k2, FALSE);

  g_assert_false (relink_store_set_keyset_invalid (store, "nope", TRUE, &error));
  g_assert_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_clear_object (&store);
  store = open_store (fixture->path);

  loaded = relink_store_load_keysets (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 2);
  assert_keysets_equal (g_ptr_array_index (loaded, 0), k1);
  assert_keysets_equal (g_ptr_array_index (loaded, 1), k2);
  g_assert_null (relink_keyset_get_extra (g_ptr_array_index (loaded, 0), "application_id"));
}

static void
test_account_round_trip (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkStore) store = open_store (fixture->path);
  g_autoptr (RelinkAccount) a1 = make_account ("a1", "k1", 10);
  g_autoptr (RelinkAccount) a2 = relink_account_new ("a2");
  g_autoptr (RelinkAccount) loaded_one = NULL;
  g_autoptr (GPtrArray) loaded = NULL;
  g_autoptr (GError) error = NULL;

  /* An account with every field at its default. */
  relink_account_set_created_at (a2, 20);

  g_assert_true (relink_store_save_account (store, a2, &error));
  g_assert_no_error (error);
  g_assert_true (relink_store_save_account (store, a1, &error));
  g_assert_no_error (error);

  loaded = relink_store_load_accounts (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 2);
  assert_accounts_equal (g_ptr_array_index (loaded, 0), a1);
  assert_accounts_equal (g_ptr_array_index (loaded, 1), a2);
  g_assert_null (relink_account_get_nickname (g_ptr_array_index (loaded, 1)));
  g_assert_null (relink_account_get_keyset (g_ptr_array_index (loaded, 0)));
  g_clear_pointer (&loaded, g_ptr_array_unref);

  /* A whole-row save replaces every column. */
  relink_account_set_nickname (a1, NULL);
  relink_account_set_status (a1, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_status_message (a1, NULL);
  relink_account_set_last_test_ok (a1, FALSE);
  relink_account_set_refresh_expires_at (a1, 1800000000);
  g_assert_true (relink_store_save_account (store, a1, &error));
  g_assert_no_error (error);

  g_clear_object (&store);
  store = open_store (fixture->path);

  loaded_one = relink_store_load_account (store, "a1", &error);
  g_assert_no_error (error);
  assert_accounts_equal (loaded_one, a1);
  g_assert_cmpstr (relink_account_get_display_name (loaded_one), ==, "shop_a ‘ünïcode’");

  loaded = relink_store_load_accounts (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 2);

  g_assert_null (relink_store_load_account (store, "missing", &error));
  g_assert_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NOT_FOUND);
}

static void
test_column_updates (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkStore) store = open_store (fixture->path);
  g_autoptr (RelinkAccount) expected = make_account ("a1", "k1", 10);
  g_autoptr (RelinkAccount) loaded = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (relink_store_save_account (store, expected, &error));
  g_assert_no_error (error);

  g_assert_true (
      relink_store_update_token_dates (store, "a1", 2000000001, 2000000002, 2000000003, &error));
  g_assert_no_error (error);
  relink_account_set_access_expires_at (expected, 2000000001);
  relink_account_set_refresh_expires_at (expected, 2000000002);
  relink_account_set_last_refresh_at (expected, 2000000003);
  loaded = relink_store_load_account (store, "a1", &error);
  g_assert_no_error (error);
  assert_accounts_equal (loaded, expected);
  g_clear_object (&loaded);

  g_assert_true (relink_store_update_status (store, "a1", RELINK_ACCOUNT_STATUS_ERROR,
                                             "Offline; will retry", &error));
  g_assert_no_error (error);
  relink_account_set_status (expected, RELINK_ACCOUNT_STATUS_ERROR);
  relink_account_set_status_message (expected, "Offline; will retry");
  loaded = relink_store_load_account (store, "a1", &error);
  g_assert_no_error (error);
  assert_accounts_equal (loaded, expected);
  g_clear_object (&loaded);

  g_assert_true (
      relink_store_update_status (store, "a1", RELINK_ACCOUNT_STATUS_CONNECTED, NULL, &error));
  g_assert_no_error (error);
  relink_account_set_status (expected, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_status_message (expected, NULL);

  g_assert_true (relink_store_update_test_result (store, "a1", 2000000100, FALSE,
                                                  "The marketplace refused the test call", &error));
  g_assert_no_error (error);
  relink_account_set_last_test_at (expected, 2000000100);
  relink_account_set_last_test_ok (expected, FALSE);
  relink_account_set_last_test_message (expected, "The marketplace refused the test call");
  loaded = relink_store_load_account (store, "a1", &error);
  g_assert_no_error (error);
  assert_accounts_equal (loaded, expected);
  g_clear_object (&loaded);

  g_assert_false (relink_store_update_token_dates (store, "nope", 1, 2, 3, &error));
  g_assert_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (
      relink_store_update_status (store, "nope", RELINK_ACCOUNT_STATUS_ERROR, "x", &error));
  g_assert_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (relink_store_update_test_result (store, "nope", 1, TRUE, "x", &error));
  g_assert_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

/* A connect or renewal writes identity, scopes, dates and status in one
 * go, and nothing else: a test result or last refresh written meanwhile
 * by another process stays. */
static void
test_update_sign_in (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkStore) store = open_store (fixture->path);
  g_autoptr (RelinkStore) other = open_store (fixture->path);
  g_autoptr (RelinkAccount) expected = make_account ("a1", "k1", 10);
  g_autoptr (RelinkAccount) loaded = NULL;
  g_autoptr (GError) error = NULL;

  relink_account_set_status (expected, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
  relink_account_set_status_message (expected, "Renew the connection");
  g_assert_true (relink_store_save_account (store, expected, &error));
  g_assert_no_error (error);

  g_assert_true (relink_store_update_test_result (other, "a1", 2000000050, TRUE, "ok", &error));
  g_assert_no_error (error);
  g_assert_true (relink_store_update_token_dates (other, "a1", 5, 6, 2000000060, &error));
  g_assert_no_error (error);
  relink_account_set_last_test_at (expected, 2000000050);
  relink_account_set_last_test_ok (expected, TRUE);
  relink_account_set_last_test_message (expected, "ok");
  relink_account_set_last_refresh_at (expected, 2000000060);

  g_assert_true (relink_store_update_sign_in (store, "a1", "user-42", "shop_b ‘ü’",
                                              "openid listings.read", 2000000100, 2000003700,
                                              2007776100, &error));
  g_assert_no_error (error);
  relink_account_set_identity_id (expected, "user-42");
  relink_account_set_identity_name (expected, "shop_b ‘ü’");
  relink_account_set_scopes (expected, "openid listings.read");
  relink_account_set_authorised_at (expected, 2000000100);
  relink_account_set_access_expires_at (expected, 2000003700);
  relink_account_set_refresh_expires_at (expected, 2007776100);
  relink_account_set_status (expected, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_status_message (expected, NULL);

  loaded = relink_store_load_account (other, "a1", &error);
  g_assert_no_error (error);
  assert_accounts_equal (loaded, expected);
  g_clear_object (&loaded);

  /* NULLs are stored as such (no name, no scope). */
  g_assert_true (relink_store_update_sign_in (store, "a1", "user-42", NULL, NULL, 1, 0, 0, &error));
  g_assert_no_error (error);
  loaded = relink_store_load_account (store, "a1", &error);
  g_assert_no_error (error);
  g_assert_null (relink_account_get_identity_name (loaded));
  g_assert_null (relink_account_get_scopes (loaded));
  g_assert_cmpint (relink_account_get_authorised_at (loaded), ==, 1);
  g_assert_cmpint (relink_account_get_refresh_expires_at (loaded), ==, 0);
  g_assert_cmpint (relink_account_get_last_refresh_at (loaded), ==, 2000000060);

  g_assert_false (relink_store_update_sign_in (store, "nope", "x", "x", "x", 1, 2, 3, &error));
  g_assert_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NOT_FOUND);
}

static void
add_history (RelinkStore *store,
             const char *account_id,
             gint64 at,
             RelinkHistoryKind kind,
             gboolean ok,
             const char *message)
{
  g_autoptr (RelinkHistoryEntry) entry = NULL;
  g_autoptr (GError) error = NULL;

  entry = relink_history_entry_new (account_id, at, kind, ok, "relinkctl", message);
  g_assert_true (relink_store_add_history (store, entry, &error));
  g_assert_no_error (error);
}

static gint64
count_rows (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return n;
}

/* Each account keeps its newest RELINK_STORE_HISTORY_PER_ACCOUNT entries;
 * another account's are not touched. */
static void
test_history_trimmed (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkStore) store = open_store (fixture->path);
  g_autoptr (GPtrArray) busy = NULL;
  g_autoptr (GPtrArray) quiet = NULL;
  g_autoptr (GError) error = NULL;
  const guint n = RELINK_STORE_HISTORY_PER_ACCOUNT + 5;

  add_history (store, "quiet", 1, RELINK_HISTORY_KIND_TEST, TRUE, "quiet 0");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *message = g_strdup_printf ("busy %u", i);

      add_history (store, "busy", 100 + i, RELINK_HISTORY_KIND_REFRESH, TRUE, message);
    }
  add_history (store, "quiet", 2, RELINK_HISTORY_KIND_TEST, TRUE, "quiet 1");

  busy = relink_store_load_history (store, "busy", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (busy->len, ==, RELINK_STORE_HISTORY_PER_ACCOUNT);
  g_assert_cmpstr (relink_history_entry_get_message (busy->pdata[0]), ==, "busy 1004");
  g_assert_cmpstr (relink_history_entry_get_message (busy->pdata[busy->len - 1]), ==, "busy 5");

  quiet = relink_store_load_history (store, "quiet", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (quiet->len, ==, 2);
}

static void
test_history (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkStore) store = open_store (fixture->path);
  g_autoptr (RelinkAccount) a1 = make_account ("a1", "k1", 10);
  g_autoptr (RelinkAccount) a2 = make_account ("a2", "k1", 20);
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (GError) error = NULL;
  RelinkHistoryEntry *entry;

  g_assert_true (relink_store_save_account (store, a1, &error));
  g_assert_true (relink_store_save_account (store, a2, &error));
  g_assert_no_error (error);

  add_history (store, "a1", 1000, RELINK_HISTORY_KIND_CONNECT, TRUE, "Connected as shop_a");
  add_history (store, "a1", 3000, RELINK_HISTORY_KIND_TEST, FALSE, "Offline");
  add_history (store, "a1", 2000, RELINK_HISTORY_KIND_REFRESH, TRUE, NULL);
  add_history (store, "a1", 3000, RELINK_HISTORY_KIND_RENEWAL, TRUE, "Renewed");
  add_history (store, "a2", 5000, RELINK_HISTORY_KIND_IMPORT, TRUE, "Imported");

  history = relink_store_load_history (store, "a1", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 4);

  /* Newest first; within one second, the later insert first. */
  entry = g_ptr_array_index (history, 0);
  g_assert_cmpstr (relink_history_entry_get_account_id (entry), ==, "a1");
  g_assert_cmpint (relink_history_entry_get_at (entry), ==, 3000);
  g_assert_cmpint (relink_history_entry_get_kind (entry), ==, RELINK_HISTORY_KIND_RENEWAL);
  g_assert_true (relink_history_entry_get_ok (entry));
  g_assert_cmpstr (relink_history_entry_get_program (entry), ==, "relinkctl");
  g_assert_cmpstr (relink_history_entry_get_message (entry), ==, "Renewed");

  entry = g_ptr_array_index (history, 1);
  g_assert_cmpint (relink_history_entry_get_kind (entry), ==, RELINK_HISTORY_KIND_TEST);
  g_assert_false (relink_history_entry_get_ok (entry));
  g_assert_cmpstr (relink_history_entry_get_message (entry), ==, "Offline");

  entry = g_ptr_array_index (history, 2);
  g_assert_cmpint (relink_history_entry_get_at (entry), ==, 2000);
  g_assert_null (relink_history_entry_get_message (entry));

  entry = g_ptr_array_index (history, 3);
  g_assert_cmpint (relink_history_entry_get_kind (entry), ==, RELINK_HISTORY_KIND_CONNECT);
  g_clear_pointer (&history, g_ptr_array_unref);

  history = relink_store_load_history (store, "a1", 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_cmpint (relink_history_entry_get_kind (g_ptr_array_index (history, 1)), ==,
                   RELINK_HISTORY_KIND_TEST);
  g_clear_pointer (&history, g_ptr_array_unref);

  /* Deleting an account takes its history with it, and only its. */
  g_assert_true (relink_store_delete_account (store, "a1", &error));
  g_assert_no_error (error);
  history = relink_store_load_history (store, "a1", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 0);
  g_clear_pointer (&history, g_ptr_array_unref);
  g_assert_cmpint (
      count_rows (fixture->path, "SELECT count(*) FROM history WHERE account_id = 'a1'"), ==, 0);

  history = relink_store_load_history (store, "a2", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 1);
  g_assert_cmpstr (relink_history_entry_get_message (g_ptr_array_index (history, 0)), ==,
                   "Imported");

  g_assert_null (relink_store_load_account (store, "a1", &error));
  g_assert_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (relink_store_delete_account (store, "a1", &error));
  g_assert_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NOT_FOUND);
}

static void
test_delete_keyset (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkStore) store = open_store (fixture->path);
  g_autoptr (RelinkKeyset) k1 = make_keyset ("k1", "ebay", 1);
  g_autoptr (RelinkKeyset) k2 = make_keyset ("k2", "etsy", 2);
  g_autoptr (RelinkAccount) a1 = make_account ("a1", "k1", 10);
  g_autoptr (RelinkAccount) a2 = make_account ("a2", "k1", 11);
  g_autoptr (GPtrArray) keysets = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (relink_store_save_keyset (store, k1, &error));
  g_assert_true (relink_store_save_keyset (store, k2, &error));
  g_assert_true (relink_store_save_account (store, a1, &error));
  g_assert_true (relink_store_save_account (store, a2, &error));
  g_assert_no_error (error);

  g_assert_false (relink_store_delete_keyset (store, "k1", &error));
  g_assert_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "2 accounts"));
  g_clear_error (&error);

  g_assert_true (relink_store_delete_account (store, "a1", &error));
  g_assert_no_error (error);

  g_assert_false (relink_store_delete_keyset (store, "k1", &error));
  g_assert_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "1 account."));
  g_clear_error (&error);

  /* Moving the last account to other keys frees the first. */
  relink_account_set_keyset_id (a2, "k2");
  g_assert_true (relink_store_save_account (store, a2, &error));
  g_assert_no_error (error);

  g_assert_true (relink_store_delete_keyset (store, "k1", &error));
  g_assert_no_error (error);

  keysets = relink_store_load_keysets (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (keysets->len, ==, 1);
  g_assert_cmpstr (relink_keyset_get_id (g_ptr_array_index (keysets, 0)), ==, "k2");

  g_assert_false (relink_store_delete_keyset (store, "k1", &error));
  g_assert_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (relink_store_delete_keyset (store, "k2", &error));
  g_assert_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_FAILED);
}

static void
assert_reminder (
    RelinkStore *store, const char *id, gint64 expires_at, gint64 lead, gint64 given_at)
{
  g_autoptr (GError) error = NULL;
  /* Not zero, so that a load that forgets to fill it in is caught. */
  RelinkReminderState loaded = { -7, -7, -7 };

  g_assert_true (relink_store_load_reminder (store, id, &loaded, &error));
  g_assert_no_error (error);
  g_assert_cmpint (loaded.expires_at, ==, expires_at);
  g_assert_cmpint (loaded.lead, ==, lead);
  g_assert_cmpint (loaded.given_at, ==, given_at);
}

static void
test_reminders (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkStore) store = open_store (fixture->path);
  g_autoptr (RelinkStore) other = NULL;
  g_autoptr (RelinkKeyset) k1 = make_keyset ("k1", "amazon-sp-api", 1);
  g_autoptr (RelinkKeyset) k2 = make_keyset ("k2", "ebay", 2);
  g_autoptr (RelinkAccount) a1 = make_account ("a1", "k1", 10);
  g_autoptr (RelinkAccount) a2 = make_account ("a2", "k1", 11);
  g_autoptr (GHashTable) all = NULL;
  g_autoptr (GError) error = NULL;
  RelinkReminderState state = { 0 };
  RelinkReminderState *found;

  g_assert_true (relink_store_save_keyset (store, k1, &error));
  g_assert_true (relink_store_save_keyset (store, k2, &error));
  g_assert_true (relink_store_save_account (store, a1, &error));
  g_assert_true (relink_store_save_account (store, a2, &error));
  g_assert_no_error (error);

  /* Nothing given yet: a cleared state, not an error. */
  assert_reminder (store, "a1", 0, 0, 0);

  state = (RelinkReminderState){ 1747000000, 7 * 86400, 1746395000 };
  g_assert_true (relink_store_save_reminder (store, "a1", &state, &error));
  g_assert_no_error (error);
  state = (RelinkReminderState){ 1747000000, RELINK_REMINDER_LEAD_REAUTH, 1746000000 };
  g_assert_true (relink_store_save_reminder (store, "a2", &state, &error));
  g_assert_no_error (error);
  /* A keyset's client secret reminder lives under the keyset id. */
  state = (RelinkReminderState){ 1900000000, 90 * 86400, 1892000000 };
  g_assert_true (relink_store_save_reminder (store, "k1", &state, &error));
  g_assert_no_error (error);

  /* Seen by another connection (another process) and after a reopen. */
  other = open_store (fixture->path);
  assert_reminder (other, "a1", 1747000000, 7 * 86400, 1746395000);
  assert_reminder (other, "a2", 1747000000, RELINK_REMINDER_LEAD_REAUTH, 1746000000);
  assert_reminder (other, "k1", 1900000000, 90 * 86400, 1892000000);

  /* A later reminder replaces the row. */
  state = (RelinkReminderState){ 1747000000, 86400, 1746913600 };
  g_assert_true (relink_store_save_reminder (other, "a1", &state, &error));
  g_assert_no_error (error);
  g_clear_object (&store);
  store = open_store (fixture->path);
  assert_reminder (store, "a1", 1747000000, 86400, 1746913600);

  all = relink_store_load_reminders (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (all), ==, 3);
  found = g_hash_table_lookup (all, "a2");
  g_assert_nonnull (found);
  g_assert_cmpint (found->lead, ==, RELINK_REMINDER_LEAD_REAUTH);
  g_assert_cmpint (found->expires_at, ==, 1747000000);
  g_assert_cmpint (found->given_at, ==, 1746000000);
  g_clear_pointer (&all, g_hash_table_unref);

  /* No row for what does not exist (deleted meanwhile elsewhere). */
  g_assert_false (relink_store_save_reminder (store, "gone", &state, &error));
  g_assert_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM reminders"), ==, 3);

  /* Deleting an account takes its reminder with it, and only its. */
  g_assert_true (relink_store_delete_account (store, "a1", &error));
  g_assert_no_error (error);
  g_assert_cmpint (
      count_rows (fixture->path, "SELECT count(*) FROM reminders WHERE account_id = 'a1'"), ==, 0);
  assert_reminder (store, "a1", 0, 0, 0);
  assert_reminder (store, "a2", 1747000000, RELINK_REMINDER_LEAD_REAUTH, 1746000000);

  /* A recreated account with the same id starts without reminders. */
  g_assert_true (relink_store_save_account (store, a1, &error));
  g_assert_no_error (error);
  assert_reminder (store, "a1", 0, 0, 0);

  /* So does deleting a keyset. */
  g_assert_true (relink_store_delete_account (store, "a1", &error));
  g_assert_true (relink_store_delete_account (store, "a2", &error));
  g_assert_no_error (error);
  g_assert_true (relink_store_delete_keyset (store, "k1", &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM reminders"), ==, 0);
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_no_errno (g_stat (path, &st));
  return st.st_mode & 07777;
}

static void
test_modes (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (RelinkAccount) account = make_account ("a1", "k1", 1);
  g_autoptr (GError) error = NULL;
  g_autofree char *sub = g_path_get_dirname (fixture->path);
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (fixture->path, "-shm", NULL);
  mode_t old_umask;

  /* The store must not rely on a friendly umask. */
  old_umask = umask (0);
  store = relink_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_true (relink_store_save_account (store, account, &error));
  g_assert_no_error (error);
  umask (old_umask);

  g_assert_cmpuint (file_mode (sub), ==, 0700);
  g_assert_cmpuint (file_mode (fixture->path), ==, 0600);
  /* Still open: the WAL files exist now. */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (file_mode (wal), ==, 0600);
  g_assert_true (g_file_test (shm, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (file_mode (shm), ==, 0600);

  g_assert_cmpint (count_rows (fixture->path, "PRAGMA user_version"), ==,
                   RELINK_STORE_SCHEMA_VERSION);
  g_clear_object (&store);

  /* A restored copy readable by others is tightened on open. */
  g_assert_no_errno (g_chmod (fixture->path, 0644));
  store = open_store (fixture->path);
  g_assert_cmpuint (file_mode (fixture->path), ==, 0600);
  g_clear_object (&store);

  /* Default path lives in the user data dir. */
  {
    g_autofree char *default_path = relink_store_default_path ();
    g_autofree char *expected
        = g_build_filename (g_get_user_data_dir (), "relink", "relink.db", NULL);

    g_assert_cmpstr (default_path, ==, expected);
  }
}

typedef struct
{
  GBytes *bytes;
  gint64 mtime_ns;
  gint64 size;
} Snapshot;

static void
snapshot_take (Snapshot *snapshot, const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;
  struct stat st;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  snapshot->bytes = g_bytes_new_take (contents, length);

  g_assert_no_errno (stat (path, &st));
  snapshot->mtime_ns
      = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
  snapshot->size = st.st_size;
}

static void
assert_unchanged (const Snapshot *before, const char *path)
{
  Snapshot after;

  snapshot_take (&after, path);
  g_assert_cmpint (after.size, ==, before->size);
  g_assert_cmpint (after.mtime_ns, ==, before->mtime_ns);
  g_assert_true (g_bytes_equal (after.bytes, before->bytes));
  g_bytes_unref (after.bytes);
}

/* Tries to open @path, expects @code, and checks the file was not touched. */
static void
assert_refused (const char *path, int code)
{
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (GError) error = NULL;
  Snapshot before;

  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  gboolean had_wal = g_file_test (wal, G_FILE_TEST_EXISTS);
  gboolean had_shm = g_file_test (shm, G_FILE_TEST_EXISTS);
  guint mode = file_mode (path);

  snapshot_take (&before, path);

  store = relink_store_open (path, &error);
  g_assert_error (error, RELINK_STORE_ERROR, code);
  g_assert_null (store);
  /* The message names the file, so the seller knows what to move away,
   * and says the truth the window repeats: it was left untouched. */
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "left untouched"));
  g_test_message ("Refused: %s", error->message);

  assert_unchanged (&before, path);
  /* No WAL switch, no SQLite files next to it, no mode change. */
  g_assert_cmpint (g_file_test (wal, G_FILE_TEST_EXISTS), ==, had_wal);
  g_assert_cmpint (g_file_test (shm, G_FILE_TEST_EXISTS), ==, had_shm);
  g_assert_cmpuint (file_mode (path), ==, mode);

  /* A second attempt is just as harmless. */
  g_clear_error (&error);
  store = relink_store_open (path, &error);
  g_assert_error (error, RELINK_STORE_ERROR, code);
  assert_unchanged (&before, path);

  g_bytes_unref (before.bytes);
}

static void
make_parent (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_no_errno (g_mkdir_with_parents (dir, 0700));
}

/* Makes a file from @sql with SQLite alone, mode 0644 (as a restored
 * copy may be), closed so that no -wal or -shm file is left. */
static void
make_file (const char *path, const char *sql)
{
  sqlite3 *db = NULL;

  make_parent (path);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  g_assert_no_errno (g_chmod (path, 0644));
}

/* A file that SQLite made from @sql is refused with @code, untouched. */
static void
assert_refused_sql (const char *path, const char *sql, int code)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (GError) error = NULL;
  Snapshot before;

  make_file (path, sql);
  assert_refused (path, code);

  /* The hot path's open (no whole-file check) checks the schema too. */
  snapshot_take (&before, path);
  store = relink_store_open_with_flags (path, RELINK_STORE_OPEN_FLAGS_NO_FULL_CHECK, &error);
  g_assert_error (error, RELINK_STORE_ERROR, code);
  g_assert_null (store);
  assert_unchanged (&before, path);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (shm, G_FILE_TEST_EXISTS));
  g_bytes_unref (before.bytes);
}

static void
test_newer_schema (Fixture *fixture, gconstpointer data)
{
  assert_refused_sql (fixture->path,
                      "CREATE TABLE accounts (id TEXT PRIMARY KEY, future TEXT);"
                      "INSERT INTO accounts VALUES ('a1', 'from the future');"
                      "PRAGMA user_version = 99;",
                      RELINK_STORE_ERROR_NEWER_SCHEMA);
}

static void
test_newer_schema_wal (Fixture *fixture, gconstpointer data)
{
  /* A newer Relink's file in WAL mode is refused just the same. */
  assert_refused_sql (fixture->path,
                      "PRAGMA journal_mode = WAL;"
                      "CREATE TABLE accounts (id TEXT PRIMARY KEY);"
                      "PRAGMA user_version = 3;",
                      RELINK_STORE_ERROR_NEWER_SCHEMA);
}

static void
test_garbage (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GString) garbage = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < 500; i++)
    g_string_append_printf (garbage, "This is not a database, line %u.\n", i);

  make_parent (fixture->path);
  g_assert_true (g_file_set_contents (fixture->path, garbage->str, garbage->len, &error));
  g_assert_no_error (error);

  assert_refused (fixture->path, RELINK_STORE_ERROR_CORRUPT);
}

static void
test_foreign_database (Fixture *fixture, gconstpointer data)
{
  /* A healthy SQLite file of another program is not ours to change. */
  assert_refused_sql (fixture->path, "CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT);",
                      RELINK_STORE_ERROR_CORRUPT);
}

/* The schema of version 1 as the first builds wrote it, before the
 * refresh journal: files like this exist and must open unchanged. */
#define OLD_SCHEMA_V1                                                                              \
  "CREATE TABLE keysets (  id TEXT PRIMARY KEY NOT NULL,  provider_id TEXT,  environment TEXT,"    \
  "  label TEXT,  client_id TEXT,  redirect TEXT,  extras TEXT NOT NULL DEFAULT '{}',"             \
  "  secret_expires_at INTEGER NOT NULL DEFAULT 0,  invalid INTEGER NOT NULL DEFAULT 0,"           \
  "  created_at INTEGER NOT NULL DEFAULT 0);"                                                      \
  "CREATE TABLE accounts (  id TEXT PRIMARY KEY NOT NULL,  keyset_id TEXT,  nickname TEXT,"        \
  "  expected_identity TEXT,  identity_id TEXT,  identity_name TEXT,  scopes TEXT,"                \
  "  authorised_at INTEGER NOT NULL DEFAULT 0,  access_expires_at INTEGER NOT NULL DEFAULT 0,"     \
  "  refresh_expires_at INTEGER NOT NULL DEFAULT 0,  last_refresh_at INTEGER NOT NULL DEFAULT 0,"  \
  "  last_test_at INTEGER NOT NULL DEFAULT 0,  last_test_ok INTEGER NOT NULL DEFAULT 0,"           \
  "  last_test_message TEXT,  status INTEGER NOT NULL DEFAULT 0,  status_message TEXT,"            \
  "  created_at INTEGER NOT NULL DEFAULT 0);"                                                      \
  "CREATE INDEX accounts_keyset_id ON accounts (keyset_id);"                                       \
  "CREATE TABLE history (  id INTEGER PRIMARY KEY,  account_id TEXT NOT NULL,"                     \
  "  at INTEGER NOT NULL,  kind INTEGER NOT NULL,  ok INTEGER NOT NULL,  program TEXT,"            \
  "  message TEXT);"                                                                               \
  "CREATE INDEX history_account_at ON history (account_id, at);"                                   \
  "CREATE TABLE reminders (  account_id TEXT PRIMARY KEY NOT NULL,"                                \
  "  expires_at INTEGER NOT NULL DEFAULT 0,  lead INTEGER NOT NULL DEFAULT 0,"                     \
  "  given_at INTEGER NOT NULL DEFAULT 0);"                                                        \
  "PRAGMA user_version = 1;"

#define OLD_ACCOUNT_ROW                                                                            \
  "INSERT INTO accounts VALUES ('a1', 'k1', 'Main shop', 'shop_a', 'U-12345', "                    \
  "'shop_a ‘ünïcode’', 'scope.a scope.b', 1700000001, 1700007201, 1747000000, 1700000500, "  \
  "1700000600, 1, 'Connected as shop_a', 2, 'Renew eBay now', 1);"

/* Files written by earlier builds open and read as before: the columns
 * the store generates from its tables are the ones on disk. */
static void
test_old_file (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (RelinkAccount) expected = make_account ("a1", "k1", 1);
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (GError) error = NULL;
  gint64 started_at = -1;

  make_file (fixture->path, "PRAGMA journal_mode = WAL;" OLD_SCHEMA_V1 OLD_ACCOUNT_ROW);

  store = open_store (fixture->path);
  account = relink_store_load_account (store, "a1", &error);
  g_assert_no_error (error);
  assert_accounts_equal (account, expected);

  /* The journal table the first builds lacked is added on open. */
  g_assert_true (relink_store_get_refresh_started (store, "a1", &started_at, &error));
  g_assert_no_error (error);
  g_assert_cmpint (started_at, ==, 0);
  g_assert_true (relink_store_set_refresh_started (store, "a1", 42, &error));
  g_assert_no_error (error);

  /* And a whole-row save writes the same columns back. */
  relink_account_set_nickname (expected, "Renamed");
  g_assert_true (relink_store_save_account (store, expected, &error));
  g_assert_no_error (error);
  g_clear_object (&account);
  account = relink_store_load_account (store, "a1", &error);
  g_assert_no_error (error);
  assert_accounts_equal (account, expected);
}

/* What version 2 added: only these columns, at the end of their tables. */
static void
assert_v2_columns (const char *path)
{
  g_assert_cmpint (count_rows (path, "PRAGMA user_version"), ==, 2);
  g_assert_cmpint (count_rows (path, "SELECT count(*) FROM pragma_table_info('accounts') "
                                     "WHERE name IN ('owner_id', 'grant_name') AND cid >= 17"),
                   ==, 2);
  g_assert_cmpint (count_rows (path, "SELECT count(*) FROM pragma_table_info('keysets') "
                                     "WHERE name = 'grant_kind' AND cid = 10"),
                   ==, 1);
  g_assert_cmpint (count_rows (path, "SELECT count(*) FROM sqlite_master "
                                     "WHERE type = 'index' AND name = 'accounts_owner_id'"),
                   ==, 1);
}

#define OLD_V1_DATA                                                                                \
  "INSERT INTO keysets VALUES ('k1', 'ebay', 'sandbox', 'Agency keys', 'client-123', "             \
  "'Agency-Relink-SBX-abc', '{}', 0, 0, 1);"                                                       \
  "INSERT INTO accounts (id, keyset_id, nickname, refresh_expires_at, status, created_at) "        \
  "VALUES ('a2', 'k1', 'Second shop', 1760000000, 1, 2);"                                          \
  "INSERT INTO history (account_id, at, kind, ok, program, message) VALUES "                       \
  "('a1', 1700000100, 0, 1, 'window', 'Connected'), "                                              \
  "('a1', 1700000500, 1, 1, 'background', 'Refreshed'), "                                          \
  "('a2', 1700000700, 2, 0, 'relinkctl', 'The token belongs to shop_b, not shop_a.');"             \
  "INSERT INTO reminders VALUES ('a1', 1747000000, 604800, 1746395000);"

/* Today's (version 1) files become version 2 on open, and nothing is
 * lost: every row is its account's OAuth grant, read as before. */
static void
test_migrate_v1 (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (RelinkAccount) expected = make_account ("a1", "k1", 1);
  g_autoptr (RelinkAccount) grant = make_account ("g1", "k1", 3);
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (GPtrArray) keysets = NULL;
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (GError) error = NULL;
  gint64 started_at = 0;

  make_file (fixture->path, "PRAGMA journal_mode = WAL;" OLD_SCHEMA_V1 OLD_ACCOUNT_ROW OLD_V1_DATA
                            "CREATE TABLE refresh_journal (account_id TEXT PRIMARY KEY NOT NULL,"
                            "  started_at INTEGER NOT NULL DEFAULT 0);"
                            "INSERT INTO refresh_journal VALUES ('a2', 1700000900);");

  store = open_store (fixture->path);
  assert_v2_columns (fixture->path);

  accounts = relink_store_load_accounts (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 2);
  for (guint i = 0; i < accounts->len; i++)
    {
      RelinkAccount *account = g_ptr_array_index (accounts, i);

      g_assert_null (relink_account_get_owner_id (account));
      g_assert_cmpstr (relink_account_get_grant_name (account), ==, RELINK_GRANT_NAME_OAUTH);
      if (g_str_equal (relink_account_get_id (account), "a1"))
        assert_accounts_equal (account, expected);
      else
        {
          g_assert_cmpstr (relink_account_get_nickname (account), ==, "Second shop");
          g_assert_cmpint (relink_account_get_refresh_expires_at (account), ==, 1760000000);
          g_assert_cmpint (relink_account_get_status (account), ==,
                           RELINK_ACCOUNT_STATUS_CONNECTED);
        }
    }

  keysets = relink_store_load_keysets (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (keysets->len, ==, 1);
  g_assert_cmpstr (relink_keyset_get_grant_kind (g_ptr_array_index (keysets, 0)), ==,
                   RELINK_GRANT_KIND_OAUTH2);
  g_assert_cmpstr (relink_keyset_get_client_id (g_ptr_array_index (keysets, 0)), ==, "client-123");

  history = relink_store_load_history (store, "a1", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_cmpstr (relink_history_entry_get_message (g_ptr_array_index (history, 0)), ==,
                   "Refreshed");
  g_assert_cmpstr (relink_history_entry_get_message (g_ptr_array_index (history, 1)), ==,
                   "Connected");
  g_clear_pointer (&history, g_ptr_array_unref);
  history = relink_store_load_history (store, "a2", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 1);
  assert_reminder (store, "a1", 1747000000, 604800, 1746395000);
  g_assert_true (relink_store_get_refresh_started (store, "a2", &started_at, &error));
  g_assert_no_error (error);
  g_assert_cmpint (started_at, ==, 1700000900);

  /* A further grant of a1 is a row of its own, round trip... */
  relink_account_set_owner_id (grant, "a1");
  relink_account_set_grant_name (grant, RELINK_GRANT_NAME_AUTH_N_AUTH);
  relink_account_set_nickname (grant, NULL);
  g_assert_true (relink_store_save_account (store, grant, &error));
  g_assert_no_error (error);
  {
    g_autoptr (RelinkAccount) loaded = relink_store_load_account (store, "g1", &error);

    g_assert_no_error (error);
    assert_accounts_equal (loaded, grant);
    g_assert_cmpstr (relink_account_get_owner_id (loaded), ==, "a1");
    g_assert_cmpstr (relink_account_get_grant_name (loaded), ==, RELINK_GRANT_NAME_AUTH_N_AUTH);
  }
  {
    g_autoptr (RelinkHistoryEntry) entry = relink_history_entry_new (
        "g1", 1700001000, RELINK_HISTORY_KIND_TEST, TRUE, "window", "Connected as shop_a");

    g_assert_true (relink_store_add_history (store, entry, &error));
    g_assert_no_error (error);
  }

  /* ...and goes with its account, history included; a2 keeps its own. */
  g_assert_true (relink_store_delete_account (store, "a1", &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM accounts"), ==, 1);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM history"), ==, 1);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM reminders"), ==, 0);

  /* Reopening a version-2 file changes nothing more. */
  g_clear_object (&store);
  store = open_store (fixture->path);
  assert_v2_columns (fixture->path);
}

/* A migration that fails half-way (here: the index it adds cannot be
 * made, after the columns were) leaves the file byte for byte as it was,
 * and the next try after the obstacle is gone succeeds. */
static void
test_migrate_atomic (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (GError) error = NULL;
  Snapshot before;

  make_file (fixture->path, "PRAGMA journal_mode = WAL;" OLD_SCHEMA_V1 OLD_ACCOUNT_ROW OLD_V1_DATA
                            "CREATE VIEW accounts_owner_id AS SELECT id FROM accounts;");
  g_assert_no_errno (g_chmod (fixture->path, 0600));
  snapshot_take (&before, fixture->path);

  store = relink_store_open (fixture->path, &error);
  g_assert_null (store);
  g_assert_nonnull (error);
  g_assert_true (error->domain == RELINK_STORE_ERROR);
  g_test_message ("Refused: %s", error->message);
  assert_unchanged (&before, fixture->path);
  g_assert_cmpint (count_rows (fixture->path, "PRAGMA user_version"), ==, 1);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM pragma_table_info('accounts') "
                                              "WHERE name = 'owner_id'"),
                   ==, 0);
  g_bytes_unref (before.bytes);

  {
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "DROP VIEW accounts_owner_id", NULL, NULL, NULL), ==,
                     SQLITE_OK);
    sqlite3_close (db);
  }
  g_clear_error (&error);
  store = open_store (fixture->path);
  assert_v2_columns (fixture->path);
  g_assert_cmpint (count_rows (fixture->path, "SELECT count(*) FROM history"), ==, 3);
}

/* A fresh file's schema starts with the one the first builds wrote (plus
 * the journal), column for column: version 2 only added columns at the
 * end (test_migrate_v1 checks which). */
static void
test_fresh_schema (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkStore) store = open_store (fixture->path);
  g_autofree char *old_path = g_build_filename (fixture->dir, "old.db", NULL);
  const char *tables[] = { "keysets", "accounts", "history", "reminders" };

  make_file (old_path, OLD_SCHEMA_V1);
  for (gsize t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *sql = g_strdup_printf (
          "SELECT count(*) FROM pragma_table_info('%s') AS n "
          "JOIN pragma_table_info('%s', 'old') AS o USING (cid, name, type, \"notnull\", pk) "
          "WHERE n.dflt_value IS o.dflt_value",
          tables[t], tables[t]);
      g_autofree char *count_sql
          = g_strdup_printf ("SELECT count(*) FROM pragma_table_info('%s')", tables[t]);
      sqlite3 *db = NULL;
      sqlite3_stmt *stmt = NULL;
      g_autofree char *attach = g_strdup_printf ("ATTACH '%s' AS old", old_path);

      g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (db, attach, NULL, NULL, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, count_rows (old_path, count_sql));
      g_assert_cmpint (sqlite3_column_int (stmt, 0), >, 1);
      sqlite3_finalize (stmt);
      sqlite3_close (db);
    }
}

/* Version 1 but not Relink's version-1 tables: refused before any write
 * (no WAL switch, no table added, no mode change), not half-repaired. */
static void
test_incomplete_schema (Fixture *fixture, gconstpointer data)
{
  static const struct
  {
    const char *what;
    const char *sql;
  } cases[] = {
    { "no reminders table", "DROP TABLE reminders;" },
    { "no accounts table", "DROP TABLE accounts;" },
    { "a column missing", "ALTER TABLE accounts DROP COLUMN scopes;" },
    { "a wrong type", "ALTER TABLE accounts DROP COLUMN status_message;"
                      "ALTER TABLE accounts ADD COLUMN status_message INTEGER;" },
    { "an unknown required column",
      "CREATE TABLE h2 (id INTEGER PRIMARY KEY, account_id TEXT NOT NULL, at INTEGER NOT NULL,"
      " kind INTEGER NOT NULL, ok INTEGER NOT NULL, program TEXT, message TEXT,"
      " mood TEXT NOT NULL);"
      "DROP TABLE history; ALTER TABLE h2 RENAME TO history;" },
    { "a journal without NOT NULL",
      "CREATE TABLE refresh_journal (account_id TEXT PRIMARY KEY NOT NULL, started_at INTEGER);" },
    { "a negative version", "PRAGMA user_version = -1;" },
    { "a very negative version", "PRAGMA user_version = -2147483648;" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    for (guint wal = 0; wal < 2; wal++)
      {
        g_autofree char *sql = g_strconcat (wal ? "PRAGMA journal_mode = WAL;" : "", OLD_SCHEMA_V1,
                                            OLD_ACCOUNT_ROW, cases[i].sql, NULL);

        g_test_message ("%s%s", cases[i].what, wal ? " (WAL)" : "");
        g_assert_no_errno (g_remove (fixture->path) == 0 || errno == ENOENT ? 0 : -1);
        assert_refused_sql (fixture->path, sql, RELINK_STORE_ERROR_CORRUPT);
      }
}

/* A hand-made or restored file whose tables lack NOT NULL, with a row
 * without an id: refused as damaged, never a NULL where an id belongs (it
 * crashed relinkctl, the window and the background service). */
static void
test_null_id (Fixture *fixture, gconstpointer data)
{
  static const char *const cases[] = {
    "CREATE TABLE a2 (id TEXT PRIMARY KEY, keyset_id TEXT, nickname TEXT, expected_identity TEXT,"
    " identity_id TEXT, identity_name TEXT, scopes TEXT,"
    " authorised_at INTEGER NOT NULL DEFAULT 0, access_expires_at INTEGER NOT NULL DEFAULT 0,"
    " refresh_expires_at INTEGER NOT NULL DEFAULT 0, last_refresh_at INTEGER NOT NULL DEFAULT 0,"
    " last_test_at INTEGER NOT NULL DEFAULT 0, last_test_ok INTEGER NOT NULL DEFAULT 0,"
    " last_test_message TEXT, status INTEGER NOT NULL DEFAULT 0, status_message TEXT,"
    " created_at INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO a2 SELECT * FROM accounts; INSERT INTO a2 (id, nickname) VALUES (NULL, 'x');"
    "DROP TABLE accounts; ALTER TABLE a2 RENAME TO accounts;",
    "CREATE TABLE r2 (account_id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL DEFAULT 0,"
    " lead INTEGER NOT NULL DEFAULT 0, given_at INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO r2 (account_id, expires_at) VALUES (NULL, 5);"
    "DROP TABLE reminders; ALTER TABLE r2 RENAME TO reminders;",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *sql = g_strconcat (OLD_SCHEMA_V1, OLD_ACCOUNT_ROW, cases[i], NULL);

      g_assert_no_errno (g_remove (fixture->path) == 0 || errno == ENOENT ? 0 : -1);
      assert_refused_sql (fixture->path, sql, RELINK_STORE_ERROR_CORRUPT);
    }
}

/* Writes a real store big enough to span many pages and closes it, so
 * that everything sits in the main file. */
static void
write_big_store (const char *path)
{
  g_autoptr (RelinkStore) store = open_store (path);
  g_autoptr (GError) error = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *id = g_strdup_printf ("account-%u", i);
      g_autoptr (RelinkAccount) account = make_account (id, "k1", i);

      g_assert_true (relink_store_save_account (store, account, &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < 1500; i++)
    {
      g_autofree char *message = g_strdup_printf ("Refreshed the access token, round %u of many "
                                                  "rounds, all fine and well.",
                                                  i);

      add_history (store, "account-1", i, RELINK_HISTORY_KIND_REFRESH, TRUE, message);
    }

  g_clear_object (&store);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

static void
test_truncated (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  write_big_store (fixture->path);

  g_assert_true (g_file_get_contents (fixture->path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 16 * 4096);
  g_assert_true (g_file_set_contents (fixture->path, contents, length / 2, &error));
  g_assert_no_error (error);
  g_free (contents);

  assert_refused (fixture->path, RELINK_STORE_ERROR_CORRUPT);
}

/* A big store with some pages in the middle scribbled over; the size
 * stays the same. @rollback: first switched out of WAL, as a copy made
 * with `sqlite3 .backup` is. */
static void
write_damaged_store (const char *path, gboolean rollback)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  write_big_store (path);
  if (rollback)
    {
      sqlite3 *db = NULL;

      g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL), ==,
                       SQLITE_OK);
      g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
    }
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, >, 16 * 4096);
  memset (contents + 4 * 4096, 0xab, 8 * 4096);
  g_assert_true (g_file_set_contents (path, contents, length, &error));
  g_assert_no_error (error);
  g_free (contents);
}

static void
test_damaged (Fixture *fixture, gconstpointer data)
{
  write_damaged_store (fixture->path, FALSE);
  assert_refused (fixture->path, RELINK_STORE_ERROR_CORRUPT);
}

/* The hot path's open (no whole-file check) on the same damage: reading
 * the damaged part fails as CORRUPT, and the file stays as it was. */
static void
test_damaged_unchecked (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) history = NULL;
  Snapshot before;

  write_damaged_store (fixture->path, FALSE);
  snapshot_take (&before, fixture->path);

  store
      = relink_store_open_with_flags (fixture->path, RELINK_STORE_OPEN_FLAGS_NO_FULL_CHECK, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);

  history = relink_store_load_history (store, "account-1", 0, &error);
  g_assert_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_CORRUPT);
  g_assert_null (history);
  g_clear_object (&store);
  assert_unchanged (&before, fixture->path);

  /* The full open still refuses it. */
  assert_refused (fixture->path, RELINK_STORE_ERROR_CORRUPT);
  g_bytes_unref (before.bytes);
}

/* A copy in rollback mode (as `sqlite3 .backup` makes one) with the same
 * damage: the quick open would switch it to WAL, a write, so it reads the
 * whole file first and refuses it untouched (fuzz-store). */
static void
test_damaged_unchecked_rollback (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (GError) error = NULL;
  Snapshot before;

  write_damaged_store (fixture->path, TRUE);
  snapshot_take (&before, fixture->path);

  store
      = relink_store_open_with_flags (fixture->path, RELINK_STORE_OPEN_FLAGS_NO_FULL_CHECK, &error);
  g_assert_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_CORRUPT);
  g_assert_null (store);
  assert_unchanged (&before, fixture->path);
  g_bytes_unref (before.bytes);
}

/* One of the two writer processes. @role is "A" (refreshes: token dates)
 * or "B" (tests: test results). Waits on stdin so both start together. */
static int
run_writer (const char *path, const char *role)
{
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (GError) error = NULL;
  gboolean is_a = g_str_equal (role, "A");
  char go;

  store = relink_store_open (path, &error);
  if (store == NULL)
    {
      g_printerr ("writer %s: %s\n", role, error->message);
      return 1;
    }

  /* Tell the parent we are ready, then wait for the start signal. */
  if (write (STDOUT_FILENO, "r", 1) != 1 || read (STDIN_FILENO, &go, 1) != 1)
    return 2;

  for (guint i = 0; i < N_WRITES; i++)
    {
      g_autofree char *id = g_strdup_printf ("%s-%03u", role, i);
      g_autofree char *message = g_strdup_printf ("%s %u", role, i);
      g_autoptr (RelinkAccount) account = relink_account_new (id);
      g_autoptr (RelinkHistoryEntry) entry = NULL;
      gboolean ok;

      relink_account_set_keyset_id (account, "k1");
      relink_account_set_nickname (account, message);
      relink_account_set_created_at (account, i);

      entry = relink_history_entry_new (
          SHARED_ID, i, is_a ? RELINK_HISTORY_KIND_REFRESH : RELINK_HISTORY_KIND_TEST, TRUE,
          is_a ? "background" : "relinkctl", message);

      ok = relink_store_save_account (store, account, &error)
           && relink_store_add_history (store, entry, &error);
      if (ok && is_a)
        ok = relink_store_update_token_dates (store, SHARED_ID, 1000 + i, 2000 + i, 3000 + i,
                                              &error);
      else if (ok)
        ok = relink_store_update_test_result (store, SHARED_ID, 5000 + i, i % 2 == 1, message,
                                              &error);

      if (!ok)
        {
          g_printerr ("writer %s, round %u: %s\n", role, i, error->message);
          return 1;
        }
    }

  return 0;
}

static GSubprocess *
spawn_writer (const char *path, const char *role)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", &error);
  GSubprocess *process;
  char ready[1];
  gsize n_read = 0;

  g_assert_no_error (error);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                              &error, self_exe, WRITER_ARG, path, role, NULL);
  g_assert_no_error (error);

  /* Block until it has opened the store. */
  g_assert_true (g_input_stream_read_all (g_subprocess_get_stdout_pipe (process), ready, 1, &n_read,
                                          NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_read, ==, 1);

  return process;
}

/* Fills the file system holding @dir, until it says ENOSPC. */
static void
fill_disk (const char *dir)
{
  g_autofree char *fill = g_build_filename (dir, "fill", NULL);
  char block[4096] = { 0 };
  int fd = g_open (fill, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  while (write (fd, block, sizeof block) > 0)
    ;
  g_assert_cmpint (errno, ==, ENOSPC);
  /* The last partial block too. */
  while (write (fd, block, 1) > 0)
    ;
  g_assert_no_errno (close (fd));
}

static void
assert_disk_full (const GError *error)
{
  g_assert_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_DISK_FULL);
  g_assert_true (g_str_has_prefix (error->message, "The disk is full: Relink could not save"));
  g_assert_nonnull (strstr (error->message, "Free some space and try again."));
}

/* Runs in a private mount namespace, with @dir a small tmpfs: a store on
 * a full disk still reads for a brief reader (relinkctl's `token`, `list`,
 * `status`), and a write says the disk is full, not "I/O error". */
static int
run_full_disk (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "relink.db", NULL);
  g_autofree char *fill = g_build_filename (dir, "fill", NULL);
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) long_text = g_string_new (NULL);

  store = open_store (path);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("a%u", i);
      g_autoptr (RelinkAccount) saved = make_account (id, "k1", i);

      g_assert_true (relink_store_save_account (store, saved, &error));
      g_assert_no_error (error);
      add_history (store, id, 10 + i, RELINK_HISTORY_KIND_REFRESH, TRUE, "fine");
    }
  g_clear_object (&store);

  fill_disk (dir);

  /* A brief reader reads it all, writing nothing. */
  for (guint flags = 0; flags < 2; flags++)
    {
      store = relink_store_open_with_flags (
          path, RELINK_STORE_OPEN_FLAGS_BRIEF | (flags ? RELINK_STORE_OPEN_FLAGS_NO_FULL_CHECK : 0),
          &error);
      g_assert_no_error (error);
      accounts = relink_store_load_accounts (store, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (accounts->len, ==, 3);
      g_clear_pointer (&accounts, g_ptr_array_unref);
      account = relink_store_load_account (store, "a1", &error);
      g_assert_no_error (error);
      g_assert_cmpstr (relink_account_get_nickname (account), ==, "Main shop");
      g_clear_object (&account);
      history = relink_store_load_history (store, "a1", 0, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (history->len, ==, 1);
      g_clear_pointer (&history, g_ptr_array_unref);

      /* A write says what is wrong and what to do. */
      for (guint i = 0; i < 2000; i++)
        g_string_append (long_text, "a nickname too long for a full disk ");
      account = make_account ("a9", "k1", 9);
      relink_account_set_nickname (account, long_text->str);
      g_assert_false (relink_store_save_account (store, account, &error));
      assert_disk_full (error);
      g_print ("Write on a full disk: %s\n", error->message);
      g_clear_error (&error);
      g_clear_object (&account);
      g_clear_object (&store);
    }

  /* A long-running program's open (not brief) says the disk is full too,
   * rather than "could not read or write". */
  store = relink_store_open (path, &error);
  if (store == NULL)
    assert_disk_full (error);
  g_clear_error (&error);
  g_clear_object (&store);

  /* Nothing was lost: with space again, everything is there. */
  g_assert_no_errno (g_remove (fill));
  store = open_store (path);
  accounts = relink_store_load_accounts (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 3);

  return 0;
}

/* A real full disk: a 256 KiB tmpfs, mounted in a user and mount namespace
 * of our own (no privileges needed, nothing mounted outside). */
static void
test_full_disk (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", &error);
  g_autoptr (GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_no_error (error);
  process = g_subprocess_new (
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error, "unshare", "--user",
      "--map-root-user", "--mount", "sh", "-c",
      "mount -t tmpfs -o size=256k tmpfs \"$1\" && exec \"$2\" " FULL_DISK_ARG " \"$1\"", "sh",
      fixture->dir, self_exe, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
}

static void
test_concurrent_processes (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkStore) store = open_store (fixture->path);
  g_autoptr (RelinkAccount) shared = make_account (SHARED_ID, "k1", -1);
  g_autoptr (RelinkAccount) loaded = NULL;
  g_autoptr (GSubprocess) a = NULL;
  g_autoptr (GSubprocess) b = NULL;
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  guint n_refresh = 0, n_test = 0;
  gint64 version;

  g_assert_true (relink_store_save_account (store, shared, &error));
  g_assert_no_error (error);

  /* Nothing happened: the version stays put. */
  version = relink_store_get_data_version (store);
  g_assert_cmpint (relink_store_get_data_version (store), ==, version);

  a = spawn_writer (fixture->path, "A");
  b = spawn_writer (fixture->path, "B");

  /* Both are ready: let them go at the same moment. */
  g_assert_true (
      g_output_stream_write_all (g_subprocess_get_stdin_pipe (a), "g", 1, NULL, NULL, &error));
  g_assert_true (
      g_output_stream_write_all (g_subprocess_get_stdin_pipe (b), "g", 1, NULL, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (g_subprocess_wait_check (a, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (b, NULL, &error));
  g_assert_no_error (error);

  /* Other processes wrote: the version moved. */
  g_assert_cmpint (relink_store_get_data_version (store), !=, version);

  accounts = relink_store_load_accounts (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 1 + 2 * N_WRITES);
  for (guint i = 0; i < accounts->len; i++)
    g_hash_table_add (seen, (gpointer) relink_account_get_id (g_ptr_array_index (accounts, i)));
  for (guint i = 0; i < N_WRITES; i++)
    {
      g_autofree char *id_a = g_strdup_printf ("A-%03u", i);
      g_autofree char *id_b = g_strdup_printf ("B-%03u", i);

      g_assert_true (g_hash_table_contains (seen, id_a));
      g_assert_true (g_hash_table_contains (seen, id_b));
    }

  history = relink_store_load_history (store, SHARED_ID, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2 * N_WRITES);
  for (guint i = 0; i < history->len; i++)
    {
      RelinkHistoryEntry *entry = g_ptr_array_index (history, i);

      if (relink_history_entry_get_kind (entry) == RELINK_HISTORY_KIND_REFRESH)
        n_refresh++;
      else if (relink_history_entry_get_kind (entry) == RELINK_HISTORY_KIND_TEST)
        n_test++;
    }
  g_assert_cmpuint (n_refresh, ==, N_WRITES);
  g_assert_cmpuint (n_test, ==, N_WRITES);

  /* Each process's last column-wise update survived the other's. */
  loaded = relink_store_load_account (store, SHARED_ID, &error);
  g_assert_no_error (error);
  g_assert_cmpint (relink_account_get_access_expires_at (loaded), ==, 1000 + N_WRITES - 1);
  g_assert_cmpint (relink_account_get_refresh_expires_at (loaded), ==, 2000 + N_WRITES - 1);
  g_assert_cmpint (relink_account_get_last_refresh_at (loaded), ==, 3000 + N_WRITES - 1);
  g_assert_cmpint (relink_account_get_last_test_at (loaded), ==, 5000 + N_WRITES - 1);
  g_assert_true (relink_account_get_last_test_ok (loaded));
  g_assert_cmpstr (relink_account_get_last_test_message (loaded), ==, "B 199");
  /* Columns nobody touched are as saved. */
  g_assert_cmpstr (relink_account_get_nickname (loaded), ==, "Main shop");
  g_assert_cmpstr (relink_account_get_identity_id (loaded), ==, "U-12345");
  g_assert_cmpint (relink_account_get_authorised_at (loaded), ==, 1700000001);
  g_assert_cmpint (relink_account_get_status (loaded), ==, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
}

static void
test_data_version_own_writes (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkStore) store = open_store (fixture->path);
  g_autoptr (RelinkStore) other = open_store (fixture->path);
  g_autoptr (RelinkAccount) account = make_account ("a1", "k1", 1);
  g_autoptr (GError) error = NULL;
  gint64 mine, theirs;

  mine = relink_store_get_data_version (store);
  theirs = relink_store_get_data_version (other);

  /* A failed write changes nothing. */
  g_assert_false (
      relink_store_update_status (store, "nope", RELINK_ACCOUNT_STATUS_ERROR, "x", &error));
  g_assert_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (relink_store_get_data_version (store), ==, mine);
  g_assert_cmpint (relink_store_get_data_version (other), ==, theirs);

  g_assert_true (relink_store_save_account (store, account, &error));
  g_assert_no_error (error);

  /* Only the other connection sees a change: its own writes are known. */
  g_assert_cmpint (relink_store_get_data_version (store), ==, mine);
  g_assert_cmpint (relink_store_get_data_version (other), !=, theirs);
  theirs = relink_store_get_data_version (other);

  g_assert_true (relink_store_update_test_result (other, "a1", 5, TRUE, "ok", &error));
  g_assert_no_error (error);
  g_assert_cmpint (relink_store_get_data_version (store), !=, mine);
  g_assert_cmpint (relink_store_get_data_version (other), ==, theirs);
}

#define N_THREADS 4
#define N_THREAD_WRITES 100

static gpointer
thread_writer (gpointer data)
{
  RelinkStore *store = data;

  for (guint i = 0; i < N_THREAD_WRITES; i++)
    {
      g_autoptr (RelinkHistoryEntry) entry = NULL;
      g_autoptr (GPtrArray) history = NULL;
      g_autoptr (GError) error = NULL;

      entry = relink_history_entry_new ("a1", i, RELINK_HISTORY_KIND_TEST, TRUE, "window", NULL);
      g_assert_true (relink_store_add_history (store, entry, &error));
      g_assert_no_error (error);
      g_assert_true (relink_store_update_test_result (store, "a1", i, TRUE, "ok", &error));
      g_assert_no_error (error);
      history = relink_store_load_history (store, "a1", 1, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (history->len, ==, 1);
    }

  return NULL;
}

static void
test_threads (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkStore) store = open_store (fixture->path);
  g_autoptr (RelinkAccount) account = make_account ("a1", "k1", 1);
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (GError) error = NULL;
  GThread *threads[N_THREADS];

  g_assert_true (relink_store_save_account (store, account, &error));
  g_assert_no_error (error);

  /* One store shared by worker threads, as GTasks do. */
  for (guint i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("store-writer", thread_writer, store);
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  history = relink_store_load_history (store, "a1", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, N_THREADS * N_THREAD_WRITES);
}

static void
test_objects (void)
{
  g_autoptr (RelinkAccount) account = relink_account_new ("id-1");
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new ("k");
  g_autoptr (GError) error = NULL;
  g_autofree char *id1 = relink_new_id ();
  g_autofree char *id2 = relink_new_id ();
  g_autofree char *name = NULL;
  g_autofree char *json = NULL;
  guint notified = 0;

  g_assert_true (g_uuid_string_is_valid (id1));
  g_assert_cmpstr (id1, !=, id2);

  g_signal_connect_swapped (account, "notify::nickname", G_CALLBACK (g_atomic_int_inc), &notified);
  relink_account_set_nickname (account, "Shop");
  relink_account_set_nickname (account, "Shop");
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpstr (relink_account_get_display_name (account), ==, "Shop");
  relink_account_set_nickname (account, NULL);
  g_assert_cmpstr (relink_account_get_display_name (account), ==, "id-1");
  g_assert_cmpuint (notified, ==, 2);

  relink_keyset_set_provider_id (keyset, "ebay");
  relink_keyset_set_environment (keyset, "production");
  name = relink_keyset_dup_display_name (keyset);
  g_assert_nonnull (strstr (name, "ebay"));
  g_assert_true (relink_keyset_is_production (keyset));
  g_clear_pointer (&name, g_free);
  relink_keyset_set_label (keyset, "Mine");
  name = relink_keyset_dup_display_name (keyset);
  g_assert_cmpstr (name, ==, "Mine");

  g_assert_false (relink_keyset_set_extras_json (keyset, "[1,2]", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (relink_keyset_set_extras_json (keyset, "{\"b\":\"2\",\"a\":\"1\"}", &error));
  g_assert_no_error (error);
  json = relink_keyset_dup_extras_json (keyset);
  g_assert_cmpstr (json, ==, "{\"a\":\"1\",\"b\":\"2\"}");

  g_assert_cmpstr (relink_history_kind_to_string (RELINK_HISTORY_KIND_REFRESH), ==, "Refresh");
}

int
main (int argc, char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], WRITER_ARG))
    return run_writer (argv[2], argv[3]);
  if (argc == 3 && g_str_equal (argv[1], FULL_DISK_ARG))
    return run_full_disk (argv[2]);

  g_test_init (&argc, &argv, NULL);

#define ADD(name, func)                                                                            \
  g_test_add ("/store/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  g_test_add_func ("/store/objects", test_objects);
  ADD ("keyset-round-trip", test_keyset_round_trip);
  ADD ("account-round-trip", test_account_round_trip);
  ADD ("column-updates", test_column_updates);
  ADD ("update-sign-in", test_update_sign_in);
  ADD ("history", test_history);
  ADD ("history-trimmed", test_history_trimmed);
  ADD ("delete-keyset", test_delete_keyset);
  ADD ("reminders", test_reminders);
  ADD ("modes", test_modes);
  ADD ("newer-schema", test_newer_schema);
  ADD ("newer-schema-wal", test_newer_schema_wal);
  ADD ("garbage", test_garbage);
  ADD ("foreign-database", test_foreign_database);
  ADD ("old-file", test_old_file);
  ADD ("fresh-schema", test_fresh_schema);
  ADD ("migrate-v1", test_migrate_v1);
  ADD ("migrate-atomic", test_migrate_atomic);
  ADD ("incomplete-schema", test_incomplete_schema);
  ADD ("null-id", test_null_id);
  ADD ("truncated", test_truncated);
  ADD ("damaged", test_damaged);
  ADD ("damaged-unchecked", test_damaged_unchecked);
  ADD ("damaged-unchecked-rollback", test_damaged_unchecked_rollback);
  ADD ("concurrent-processes", test_concurrent_processes);
  ADD ("full-disk", test_full_disk);
  ADD ("data-version", test_data_version_own_writes);
  ADD ("threads", test_threads);

#undef ADD

  return g_test_run ();
}
