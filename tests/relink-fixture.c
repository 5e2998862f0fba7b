/* relink-fixture.c: writes a store full of fixture accounts, for the
 * screenshot and the benchmarks.
 *
 *   relink-fixture --store PATH --accounts N
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-expiry.h"
#include "relink-test-util.h"

int
main (int argc, char *argv[])
{
  g_autofree char *path = NULL;
  int n_accounts = RELINK_TEST_FIXTURE_CYCLE;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (GError) error = NULL;
  const GOptionEntry entries[]
      = { { "store", 0, 0, G_OPTION_ARG_FILENAME, &path, "The store file to fill", "PATH" },
          { "accounts", 0, 0, G_OPTION_ARG_INT, &n_accounts, "How many accounts", "N" },
          { NULL } };

  context = g_option_context_new ("- fill a Relink store with fixture accounts");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (path == NULL)
    path = relink_store_default_path ();

  store = relink_store_open (path, &error);
  if (store == NULL
      || !relink_test_populate_fixture (store, MAX (n_accounts, 0), relink_now (), &error))
    {
      g_printerr ("relink-fixture: %s\n", error->message);
      return 1;
    }

  return 0;
}
