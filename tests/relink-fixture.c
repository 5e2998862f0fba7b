/* relink-fixture.c: writes a store full of fixture accounts, for the
 * screenshot and the benchmarks.
 *
 *   relink-fixture --store PATH --accounts N [--grants]
 *
 * --grants gives the first account ("Main eBay shop") an Auth'n'Auth
 * grant beside its OAuth one, as the store listing's screenshot shows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-expiry.h"
#include "relink-grant.h"
#include "relink-test-util.h"

#define DAY (G_GINT64_CONSTANT (86400))

/* eBay Trading keys of the fixture's eBay developer, and shop_a's
 * Auth'n'Auth token, which lapses before its OAuth grant does. */
static gboolean
add_auth_n_auth_grant (RelinkStore *store, gint64 now, GError **error)
{
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new ("keyset-ebay-trading");
  g_autoptr (RelinkAccount) grant = relink_account_new ("account-0-auth-n-auth");

  relink_keyset_set_provider_id (keyset, "ebay");
  relink_keyset_set_environment (keyset, "production");
  relink_keyset_set_client_id (keyset, "ShopTool-PRD-1a2b3c4d5-6e7f8a9b");
  relink_keyset_set_redirect (keyset, "Shop_Tool-ShopTool-PRD-trading");
  relink_keyset_set_extra (keyset, "dev_id", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  relink_keyset_set_grant_kind (keyset, RELINK_GRANT_KIND_AUTH_N_AUTH);
  relink_keyset_set_created_at (keyset, now - 500 * DAY);
  if (!relink_store_save_keyset (store, keyset, error))
    return FALSE;

  relink_account_set_keyset_id (grant, "keyset-ebay-trading");
  relink_account_set_owner_id (grant, "account-0");
  relink_account_set_grant_name (grant, RELINK_GRANT_NAME_AUTH_N_AUTH);
  relink_account_set_identity_id (grant,
                                  "nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6AFk4GmCJCBoQydj6x9nY+seQ==");
  relink_account_set_identity_name (grant, "shop_a");
  relink_account_set_status (grant, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_created_at (grant, now - 520 * DAY);
  relink_account_set_authorised_at (grant, now - 520 * DAY);
  relink_account_set_access_expires_at (grant, now + 23 * DAY);
  relink_account_set_refresh_expires_at (grant, now + 23 * DAY);
  relink_account_set_last_test_at (grant, now - 3 * 3600);
  relink_account_set_last_test_ok (grant, TRUE);
  relink_account_set_last_test_message (grant, "Connected");
  return relink_store_save_account (store, grant, error);
}

int
main (int argc, char *argv[])
{
  g_autofree char *path = NULL;
  int n_accounts = RELINK_TEST_FIXTURE_CYCLE;
  gboolean grants = FALSE;
  gint64 now = relink_now ();
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (GError) error = NULL;
  const GOptionEntry entries[]
      = { { "store", 0, 0, G_OPTION_ARG_FILENAME, &path, "The store file to fill", "PATH" },
          { "accounts", 0, 0, G_OPTION_ARG_INT, &n_accounts, "How many accounts", "N" },
          { "grants", 0, 0, G_OPTION_ARG_NONE, &grants,
            "Give the first account an Auth'n'Auth grant", NULL },
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
  if (store == NULL || !relink_test_populate_fixture (store, MAX (n_accounts, 0), now, &error)
      || (grants && n_accounts > 0 && !add_auth_n_auth_grant (store, now, &error)))
    {
      g_printerr ("relink-fixture: %s\n", error->message);
      return 1;
    }

  return 0;
}
