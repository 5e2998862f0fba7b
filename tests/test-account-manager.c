/* test-account-manager.c: the core's front door over a real store and the
 * real keyring of the private test session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "relink-account-manager.h"
#include "relink-expiry.h"
#include "relink-test-util.h"

typedef struct
{
  char *dir;
  char *path;
  RelinkStore *store;
  RelinkSecrets *secrets;
  RelinkProviderRegistry *providers;
  RelinkAccountManager *manager;
  GAsyncResult *result;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *provider_dir = NULL;

  fixture->dir = relink_test_make_tmp_dir ();
  fixture->path = g_build_filename (fixture->dir, "relink.db", NULL);
  fixture->store = relink_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_true (relink_test_populate_fixture (fixture->store, RELINK_TEST_FIXTURE_CYCLE,
                                               relink_now (), &error));
  g_assert_no_error (error);

  provider_dir = g_build_filename (fixture->dir, "providers", NULL);
  fixture->secrets = relink_secrets_new ();
  fixture->providers = relink_provider_registry_new (provider_dir);
  fixture->manager
      = relink_account_manager_new (fixture->store, fixture->secrets, fixture->providers);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->result);
  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->manager));
  g_clear_object (&fixture->providers);
  g_clear_object (&fixture->secrets);
  g_clear_object (&fixture->store);
  relink_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static void
load (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;

  relink_account_manager_load_async (fixture->manager, NULL, relink_test_result_cb,
                                     &fixture->result);
  g_assert_true (relink_account_manager_load_finish (
      fixture->manager, relink_test_wait_result (&fixture->result), &error));
  g_assert_no_error (error);
  g_clear_object (&fixture->result);
}

static void
test_load_resolves (Fixture *fixture, gconstpointer data)
{
  GListModel *accounts = relink_account_manager_get_accounts (fixture->manager);
  GListModel *keysets = relink_account_manager_get_keysets (fixture->manager);
  RelinkAccount *account;

  g_assert_cmpuint (g_list_model_get_n_items (accounts), ==, 0);
  load (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (accounts), ==, RELINK_TEST_FIXTURE_CYCLE);
  g_assert_cmpuint (g_list_model_get_n_items (keysets), ==, 8);

  /* Every keyset finds its shipped profile, every account its keyset. */
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (RelinkAccount) item = g_list_model_get_item (accounts, i);
      RelinkKeyset *keyset = relink_account_get_keyset (item);

      g_assert_nonnull (keyset);
      g_assert_cmpstr (relink_keyset_get_id (keyset), ==, relink_account_get_keyset_id (item));
      g_assert_nonnull (relink_keyset_get_provider (keyset));
    }

  account = relink_account_manager_lookup_account (fixture->manager, "main ebay SHOP");
  g_assert_nonnull (account);
  g_assert_cmpstr (relink_account_get_identity_name (account), ==, "shop_a");
  g_assert_true (relink_account_manager_lookup_account (fixture->manager, "account-0") == account);
  g_assert_null (relink_account_manager_lookup_account (fixture->manager, "no such shop"));
  g_assert_cmpstr (
      relink_provider_get_id (relink_keyset_get_provider (relink_account_get_keyset (account))), ==,
      "ebay");
}

static void
test_add_keyset_stores_secret_first (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new ("keyset-new");
  g_autoptr (GHashTable) secrets = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) stored = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = NULL;

  load (fixture);
  relink_keyset_set_provider_id (keyset, "etsy");
  relink_keyset_set_environment (keyset, "production");
  relink_keyset_set_client_id (keyset, "keystring123");
  relink_keyset_set_redirect (keyset, "https://relink.invalid/etsy");
  g_hash_table_insert (secrets, (gpointer) "shared_secret", (gpointer) "etsy-shared-secret-value");

  relink_account_manager_add_keyset_async (fixture->manager, keyset, secrets, NULL,
                                           relink_test_result_cb, &fixture->result);
  g_assert_true (relink_account_manager_add_keyset_finish (
      fixture->manager, relink_test_wait_result (&fixture->result), &error));
  g_assert_no_error (error);
  g_clear_object (&fixture->result);

  g_assert_true (relink_account_manager_lookup_keyset (fixture->manager, "keyset-new") == keyset);
  g_assert_nonnull (relink_keyset_get_provider (keyset));

  secret = relink_secrets_lookup_keyset_secret_sync (fixture->secrets, "keyset-new",
                                                     "shared_secret", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "etsy-shared-secret-value");

  stored = relink_store_load_keysets (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 9);

  /* The metadata store never sees the secret. */
  {
    g_autofree char *contents = NULL;
    gsize length;

    g_assert_true (g_file_get_contents (fixture->path, &contents, &length, NULL));
    g_assert_null (g_strstr_len (contents, length, "etsy-shared-secret-value"));
  }

  relink_secrets_clear_keyset_sync (fixture->secrets, "keyset-new", NULL, &error);
  g_assert_no_error (error);
}

static void
test_remove_account_clears_tokens (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkTokenSet) tokens = relink_token_set_new ();
  g_autoptr (RelinkTokenSet) found = NULL;
  g_autoptr (RelinkAccount) gone = NULL;
  g_autoptr (GError) error = NULL;
  RelinkAccount *account;

  load (fixture);
  account = relink_account_manager_lookup_account (fixture->manager, "Handmade shop");
  g_assert_nonnull (account);
  g_object_ref (account);

  relink_token_set_set_access_token (tokens, "access-for-removal");
  relink_token_set_set_refresh_token (tokens, "refresh-for-removal");
  g_assert_true (relink_secrets_store_tokens_sync (
      fixture->secrets, relink_account_get_id (account), "test", tokens, NULL, &error));
  g_assert_no_error (error);

  relink_account_manager_remove_account_async (fixture->manager, account, NULL,
                                               relink_test_result_cb, &fixture->result);
  g_assert_true (relink_account_manager_remove_account_finish (
      fixture->manager, relink_test_wait_result (&fixture->result), &error));
  g_assert_no_error (error);
  g_clear_object (&fixture->result);

  found = relink_secrets_lookup_tokens_sync (fixture->secrets, relink_account_get_id (account),
                                             NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);

  gone = relink_store_load_account (fixture->store, relink_account_get_id (account), &error);
  g_assert_null (gone);
  g_assert_error (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NOT_FOUND);
  g_assert_null (relink_account_manager_lookup_account (fixture->manager, "Handmade shop"));
  g_assert_cmpuint (
      g_list_model_get_n_items (relink_account_manager_get_accounts (fixture->manager)), ==,
      RELINK_TEST_FIXTURE_CYCLE - 1);
  g_object_unref (account);
}

/* Without a keyring the tokens cannot be removed, so nothing is: the account
 * stays in the store and on screen. */
static void
test_remove_account_without_keyring_keeps_it (Fixture *fixture, gconstpointer data)
{
  if (g_test_subprocess ())
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (RelinkAccount) still = NULL;
      RelinkAccount *account;

      load (fixture);
      account = relink_account_manager_lookup_account (fixture->manager, "Main eBay shop");
      relink_account_manager_remove_account_async (fixture->manager, account, NULL,
                                                   relink_test_result_cb, &fixture->result);
      g_assert_false (relink_account_manager_remove_account_finish (
          fixture->manager, relink_test_wait_result (&fixture->result), &error));
      g_assert_error (error, RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_NO_SERVICE);
      g_clear_object (&fixture->result);
      g_clear_error (&error);

      g_assert_nonnull (relink_account_manager_lookup_account (fixture->manager, "Main eBay shop"));
      still = relink_store_load_account (fixture->store, "account-0", &error);
      g_assert_no_error (error);
      g_assert_nonnull (still);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_remove_keyset_in_use_refused (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  RelinkKeyset *keyset;

  load (fixture);
  keyset = relink_account_manager_lookup_keyset (fixture->manager, "keyset-ebay");
  g_assert_cmpuint (relink_account_manager_count_accounts_of_keyset (fixture->manager, keyset), ==,
                    1);

  relink_account_manager_remove_keyset_async (fixture->manager, keyset, NULL, relink_test_result_cb,
                                              &fixture->result);
  g_assert_false (relink_account_manager_remove_keyset_finish (
      fixture->manager, relink_test_wait_result (&fixture->result), &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "still used by 1 account"));
  g_clear_object (&fixture->result);
  g_assert_nonnull (relink_account_manager_lookup_keyset (fixture->manager, "keyset-ebay"));
}

static void
count_changes_cb (GListModel *model, guint position, guint removed, guint added, gpointer user_data)
{
  (*(guint *) user_data)++;
}

/* Another process (here: another connection) changes the store; a reload
 * updates the objects already shown instead of replacing them. */
static void
test_reload_sees_other_writer (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkStore) other = NULL;
  g_autoptr (RelinkAccount) added = relink_account_new ("account-from-relinkctl");
  g_autoptr (GError) error = NULL;
  GListModel *accounts = relink_account_manager_get_accounts (fixture->manager);
  RelinkAccount *account;
  guint changes = 0;
  gint64 new_expiry = relink_now () + 90 * 24 * 3600;

  load (fixture);
  account = relink_account_manager_lookup_account (fixture->manager, "account-0");
  g_signal_connect (accounts, "items-changed", G_CALLBACK (count_changes_cb), &changes);

  /* Nothing changed: no reload, no signal. */
  relink_account_manager_reload_if_changed (fixture->manager);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (changes, ==, 0);

  other = relink_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_true (
      relink_store_update_token_dates (other, "account-0", 0, new_expiry, relink_now (), &error));
  relink_account_set_keyset_id (added, "keyset-etsy");
  relink_account_set_nickname (added, "Second Etsy shop");
  g_assert_true (relink_store_save_account (other, added, &error));
  g_assert_no_error (error);

  relink_account_manager_reload_if_changed (fixture->manager);
  while (relink_account_manager_lookup_account (fixture->manager, "Second Etsy shop") == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (relink_account_manager_lookup_account (fixture->manager, "account-0") == account);
  g_assert_cmpint (relink_account_get_refresh_expires_at (account), ==, new_expiry);
  g_assert_cmpuint (g_list_model_get_n_items (accounts), ==, RELINK_TEST_FIXTURE_CYCLE + 1);
  g_assert_nonnull (relink_account_get_keyset (
      relink_account_manager_lookup_account (fixture->manager, "Second Etsy shop")));
  g_signal_handlers_disconnect_by_func (accounts, count_changes_cb, &changes);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (g_test_subprocess ())
    g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/relink-test-bus", TRUE);

  g_test_add ("/account-manager/load-resolves", Fixture, NULL, fixture_set_up, test_load_resolves,
              fixture_tear_down);
  g_test_add ("/account-manager/add-keyset-stores-secret", Fixture, NULL, fixture_set_up,
              test_add_keyset_stores_secret_first, fixture_tear_down);
  g_test_add ("/account-manager/remove-account-clears-tokens", Fixture, NULL, fixture_set_up,
              test_remove_account_clears_tokens, fixture_tear_down);
  g_test_add ("/account-manager/remove-account-without-keyring", Fixture, NULL, fixture_set_up,
              test_remove_account_without_keyring_keeps_it, fixture_tear_down);
  g_test_add ("/account-manager/remove-keyset-in-use", Fixture, NULL, fixture_set_up,
              test_remove_keyset_in_use_refused, fixture_tear_down);
  g_test_add ("/account-manager/reload-sees-other-writer", Fixture, NULL, fixture_set_up,
              test_reload_sees_other_writer, fixture_tear_down);

  return g_test_run ();
}
