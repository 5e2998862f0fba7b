/* fuzz-store.c: the store loaders over a damaged file (relink-store.c).
 * The input is written as relink.db in a private temporary folder and
 * opened as Relink opens it. Guarantees: no crash; a file that is refused
 * is a RELINK_STORE_ERROR in clean text and is left byte-identical, with
 * no journal beside it; an opened file loads keysets, accounts, history
 * and reminders without crashing, or fails with a RELINK_STORE_ERROR.
 *
 * Input: byte 0 chooses the quick open (NO_FULL_CHECK, as `relinkctl
 * token`) or the full one; the rest is the file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "fuzz-common.h"
#include "relink-store.h"

static char *tmp_dir;

static void
remove_tmp_dir (void)
{
  g_autoptr (GDir) dir = g_dir_open (tmp_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tmp_dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (tmp_dir);
}

static void
clear_dir (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
}

static void
check_error (GError *error)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == RELINK_STORE_ERROR);
  relink_fuzz_assert_clean_text (error->message);
}

RELINK_FUZZ_ENTRY (store)
{
  g_autofree char *path = NULL;
  g_autofree char *journal = NULL;
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (GPtrArray) keysets = NULL;
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (GHashTable) reminders = NULL;
  g_autoptr (GError) error = NULL;
  RelinkStoreOpenFlags flags;

  if (size < 1)
    return 0;

  if (tmp_dir == NULL)
    {
      tmp_dir = g_dir_make_tmp ("relink-fuzz-store-XXXXXX", &error);
      g_assert_no_error (error);
      atexit (remove_tmp_dir);
    }

  flags = (data[0] & 1) ? RELINK_STORE_OPEN_FLAGS_NO_FULL_CHECK : RELINK_STORE_OPEN_FLAGS_NONE;
  path = g_build_filename (tmp_dir, "relink.db", NULL);
  journal = g_strconcat (path, "-journal", NULL);
  clear_dir (path);
  g_assert_true (g_file_set_contents_full (path, (const char *) data + 1, (gssize) size - 1,
                                           G_FILE_SET_CONTENTS_NONE, 0600, &error));

  store = relink_store_open_with_flags (path, flags, &error);
  if (store == NULL)
    {
      g_autofree char *contents = NULL;
      gsize length;

      check_error (error);
      /* "A corrupt file or one from a newer Relink is reported and never
       * overwritten" (relink-store.h). */
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_cmpuint (length, ==, size - 1);
      g_assert_true (memcmp (contents, data + 1, length) == 0);
      g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
      return 0;
    }

  keysets = relink_store_load_keysets (store, &error);
  if (keysets == NULL)
    {
      check_error (error);
      g_clear_error (&error);
    }

  accounts = relink_store_load_accounts (store, &error);
  if (accounts == NULL)
    {
      check_error (error);
      g_clear_error (&error);
    }

  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    {
      RelinkAccount *account = g_ptr_array_index (accounts, i);
      g_autoptr (GPtrArray) history = NULL;

      g_assert_nonnull (relink_account_get_id (account));
      history = relink_store_load_history (store, relink_account_get_id (account), 0, &error);
      if (history == NULL)
        {
          check_error (error);
          g_clear_error (&error);
        }
    }

  reminders = relink_store_load_reminders (store, &error);
  if (reminders == NULL)
    check_error (error);

  return 0;
}
