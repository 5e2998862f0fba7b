/* relink-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "relink-test-oidc.h"
#include "relink-test-util.h"

#define DAY (24 * 3600)
#define HOUR 3600
#define MINUTE 60

typedef struct
{
  const char *keyset_id;
  const char *provider_id;
  const char *environment;
  const char *client_id;
  const char *redirect;
} FixtureKeyset;

static const FixtureKeyset fixture_keysets[] = {
  { "keyset-ebay", "ebay", "production", "ShopTool-PRD-1a2b3c4d5-6e7f8a9b",
    "Shop_Tool-ShopTool-PRD-abcdefgh" },
  { "keyset-ebay-sandbox", "ebay", "sandbox", "ShopTool-SBX-1a2b3c4d5-6e7f8a9b",
    "Shop_Tool-ShopTool-SBX-abcdefgh" },
  { "keyset-amazon-na", "amazon-sp-api", "na", "amzn1.application-oa2-client.0123456789abcdef",
    "https://relink.invalid/amazon" },
  { "keyset-amazon-eu", "amazon-sp-api", "eu", "amzn1.application-oa2-client.fedcba9876543210",
    "https://relink.invalid/amazon" },
  { "keyset-aliexpress", "aliexpress", "production", "34567890",
    "https://relink.invalid/aliexpress" },
  { "keyset-etsy", "etsy", "production", "1aa2bb33cc44dd55ee66ff77",
    "https://relink.invalid/etsy" },
  { "keyset-mercadolibre-ar", "mercadolibre", "ar", "1234567890123456",
    "https://relink.invalid/mercadolibre" },
  { "keyset-mercadolibre-br", "mercadolibre", "br", "6543210987654321",
    "https://relink.invalid/mercadolibre" },
};

typedef struct
{
  const char *keyset_id;
  const char *nickname;
  const char *identity_id;
  const char *identity_name;
  RelinkAccountStatus status;
  gint64 expires_in; /* seconds from now; 0 = no expiry known */
  const char *status_message;
  const char *scopes;
} FixtureAccount;

/* One cycle: each marketplace, each state. */
static const FixtureAccount fixture_accounts[RELINK_TEST_FIXTURE_CYCLE] = {
  { "keyset-ebay", "Main eBay shop", "yZ3cWq1a9Lk", "shop_a", RELINK_ACCOUNT_STATUS_CONNECTED,
    412 * DAY + 2 * HOUR, NULL,
    "https://api.ebay.com/oauth/api_scope https://api.ebay.com/oauth/api_scope/sell.inventory "
    "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly" },
  { "keyset-ebay-sandbox", "eBay test shop", "tESt8s7ndBx", "testuser_shop",
    RELINK_ACCOUNT_STATUS_CONNECTED, 5 * HOUR + 12 * MINUTE + 30, NULL,
    "https://api.ebay.com/oauth/api_scope "
    "https://api.ebay.com/oauth/api_scope/commerce.identity.readonly" },
  { "keyset-amazon-na", "Amazon US", "A2EUQ1WTGCTBG2", "A2EUQ1WTGCTBG2",
    RELINK_ACCOUNT_STATUS_CONNECTED, 9 * DAY + 3 * HOUR, NULL, "sellingpartnerapi::notifications" },
  { "keyset-etsy", "Handmade shop", "123456789", "HandmadeByAna", RELINK_ACCOUNT_STATUS_CONNECTED,
    78 * DAY + 5 * HOUR, NULL, "listings_r listings_w shops_r transactions_r" },
  { "keyset-mercadolibre-ar", "Tienda MLA", "987654321", "TIENDA_MLA",
    RELINK_ACCOUNT_STATUS_CONNECTED, -(2 * DAY + 4 * HOUR), NULL, "offline_access read write" },
  { "keyset-aliexpress", "AliExpress store", "2200012345678", "ali_store",
    RELINK_ACCOUNT_STATUS_NEEDS_REAUTH, 40 * DAY,
    "AliExpress refused the saved authorization. Renew the account to sign in again.", NULL },
  { "keyset-amazon-eu", "Amazon DE", "A1PA6795UKMFR9", "A1PA6795UKMFR9",
    RELINK_ACCOUNT_STATUS_ERROR, 200 * DAY,
    "Could not reach Amazon. Relink will try again in 5 minutes.",
    "sellingpartnerapi::notifications" },
  { "keyset-mercadolibre-br", "Loja BR", NULL, NULL, RELINK_ACCOUNT_STATUS_NOT_CONNECTED, 0, NULL,
    NULL },
};

gboolean
relink_test_populate_fixture (RelinkStore *store, guint n_accounts, gint64 now, GError **error)
{
  g_return_val_if_fail (RELINK_IS_STORE (store), FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (fixture_keysets); i++)
    {
      const FixtureKeyset *k = &fixture_keysets[i];
      g_autoptr (RelinkKeyset) keyset = relink_keyset_new (k->keyset_id);

      relink_keyset_set_provider_id (keyset, k->provider_id);
      relink_keyset_set_environment (keyset, k->environment);
      relink_keyset_set_client_id (keyset, k->client_id);
      relink_keyset_set_redirect (keyset, k->redirect);
      relink_keyset_set_created_at (keyset, now - 500 * DAY);
      if (g_str_equal (k->provider_id, "amazon-sp-api"))
        {
          relink_keyset_set_extra (keyset, "application_id",
                                   "amzn1.sp.solution.0123abcd-4567-89ef");
          relink_keyset_set_secret_expires_at (keyset, now + 61 * DAY);
        }

      if (!relink_store_save_keyset (store, keyset, error))
        return FALSE;
    }

  for (guint i = 0; i < n_accounts; i++)
    {
      const FixtureAccount *a = &fixture_accounts[i % RELINK_TEST_FIXTURE_CYCLE];
      guint cycle = i / RELINK_TEST_FIXTURE_CYCLE;
      g_autofree char *id = g_strdup_printf ("account-%u", i);
      g_autofree char *nickname
          = cycle == 0 ? g_strdup (a->nickname) : g_strdup_printf ("%s %u", a->nickname, cycle + 1);
      g_autoptr (RelinkAccount) account = relink_account_new (id);
      /* Later cycles spread out in time so that sorting has work to do. */
      gint64 expires_at = a->expires_in == 0 ? 0 : now + a->expires_in + (gint64) cycle * 3 * HOUR;

      relink_account_set_keyset_id (account, a->keyset_id);
      relink_account_set_nickname (account, nickname);
      relink_account_set_identity_id (account, a->identity_id);
      relink_account_set_identity_name (account, a->identity_name);
      relink_account_set_scopes (account, a->scopes);
      relink_account_set_status (account, a->status);
      relink_account_set_status_message (account, a->status_message);
      relink_account_set_created_at (account, now - 400 * DAY);
      if (a->status != RELINK_ACCOUNT_STATUS_NOT_CONNECTED)
        {
          relink_account_set_authorised_at (account, now - 120 * DAY);
          relink_account_set_refresh_expires_at (account, expires_at);
          relink_account_set_access_expires_at (account, now + 47 * MINUTE);
          relink_account_set_last_refresh_at (account, now - 73 * MINUTE);
          relink_account_set_last_test_at (account, now - 3 * HOUR);
          relink_account_set_last_test_ok (account, a->status == RELINK_ACCOUNT_STATUS_CONNECTED);
          relink_account_set_last_test_message (
              account, a->status == RELINK_ACCOUNT_STATUS_CONNECTED ? "Connected" : "Failed");
        }

      if (!relink_store_save_account (store, account, error))
        return FALSE;
    }

  return TRUE;
}

void
relink_test_assert_finalize_eventually (gpointer object)
{
  gpointer watch = object;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_object_add_weak_pointer (G_OBJECT (object), &watch);
  g_object_unref (object);

  /* A GTask run in a thread drops its reference from the worker thread,
   * possibly just after its callback ran on this one. */
  while (watch != NULL && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }

  if (watch != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (watch), &watch);
      g_error ("%s at %p was not finalized", G_OBJECT_TYPE_NAME (watch), watch);
    }
}

char *
relink_test_make_tmp_dir (void)
{
  g_autoptr (GError) error = NULL;
  char *path = g_dir_make_tmp ("relink-test-XXXXXX", &error);

  g_assert_no_error (error);
  return path;
}

static void
remove_recursively (GFile *file)
{
  g_autoptr (GFileEnumerator) children = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children != NULL)
    {
      GFile *child;

      while (g_file_enumerator_iterate (children, NULL, &child, NULL, NULL) && child != NULL)
        remove_recursively (child);
    }

  g_file_delete (file, NULL, NULL);
}

void
relink_test_remove_dir (const char *path)
{
  g_autoptr (GFile) file = NULL;

  if (path == NULL)
    return;

  file = g_file_new_for_path (path);
  remove_recursively (file);
}

RelinkAccountManager *
relink_test_open_manager (const char *store_path, const char *provider_dir)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkStore) store = relink_store_open (store_path, &error);
  g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();
  g_autoptr (RelinkProviderRegistry) providers = relink_provider_registry_new (provider_dir);
  RelinkAccountManager *manager;

  g_assert_no_error (error);
  g_assert_cmpuint (relink_provider_registry_get_load_errors (providers)->len, ==, 0);
  manager = relink_account_manager_new (store, secrets, providers);
  relink_account_manager_set_program (manager, "window");
  return manager;
}

RelinkAccountManager *
relink_test_open_fixture_manager (const char *dir, guint n_accounts, gint64 now)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "relink.db", NULL);
  g_autofree char *providers_dir = g_build_filename (dir, "providers", NULL);
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (RelinkSecrets) secrets = NULL;
  g_autoptr (RelinkProviderRegistry) providers = NULL;
  RelinkAccountManager *manager;

  store = relink_store_open (path, &error);
  g_assert_no_error (error);
  relink_test_populate_fixture (store, n_accounts, now, &error);
  g_assert_no_error (error);

  secrets = relink_secrets_new ();
  providers = relink_provider_registry_new (providers_dir);
  manager = relink_account_manager_new (store, secrets, providers);
  relink_account_manager_load_sync (manager, NULL, &error);
  g_assert_no_error (error);
  return manager;
}

void
relink_test_result_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

GAsyncResult *
relink_test_wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

void
relink_test_write_file (const char *dir, const char *name, const char *contents)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

RelinkKeyset *
relink_test_add_keyset (RelinkAccountManager *manager,
                        const char *provider_id,
                        const char *environment,
                        const char *client_id,
                        const char *client_secret)
{
  g_autofree char *id = relink_new_id ();
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new (id);
  g_autoptr (GHashTable) secrets = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  relink_keyset_set_provider_id (keyset, provider_id);
  relink_keyset_set_environment (keyset, environment);
  relink_keyset_set_client_id (keyset, client_id);
  relink_keyset_set_redirect (keyset, RELINK_TEST_OIDC_REDIRECT_URI);
  if (client_secret != NULL)
    g_hash_table_insert (secrets, (char *) "client_secret", (char *) client_secret);

  relink_account_manager_add_keyset_async (manager, keyset, secrets, NULL, relink_test_result_cb,
                                           &result);
  g_assert_true (relink_account_manager_add_keyset_finish (
      manager, relink_test_wait_result (&result), &error));
  g_assert_no_error (error);

  return g_object_ref (relink_account_manager_lookup_keyset (manager, id));
}

RelinkAccount *
relink_test_add_account (RelinkAccountManager *manager,
                         RelinkKeyset *keyset,
                         const char *nickname,
                         const char *expected_identity)
{
  g_autofree char *id = relink_new_id ();
  g_autoptr (RelinkAccount) account = relink_account_new (id);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  relink_account_set_keyset_id (account, relink_keyset_get_id (keyset));
  relink_account_set_nickname (account, nickname);
  relink_account_set_expected_identity (account, expected_identity);

  relink_account_manager_add_account_async (manager, account, NULL, relink_test_result_cb, &result);
  g_assert_true (relink_account_manager_add_account_finish (
      manager, relink_test_wait_result (&result), &error));
  g_assert_no_error (error);

  return g_object_ref (relink_account_manager_lookup_account (manager, id));
}

void
relink_test_clear_keyring (RelinkAccountManager *manager, GPtrArray *account_ids)
{
  RelinkSecrets *secrets = relink_account_manager_get_secrets (manager);
  GListModel *keysets = relink_account_manager_get_keysets (manager);

  for (guint i = 0; i < account_ids->len; i++)
    g_assert_true (
        relink_secrets_clear_tokens_sync (secrets, g_ptr_array_index (account_ids, i), NULL, NULL));
  for (guint i = 0; i < g_list_model_get_n_items (keysets); i++)
    {
      g_autoptr (RelinkKeyset) keyset = g_list_model_get_item (keysets, i);

      g_assert_true (
          relink_secrets_clear_keyset_sync (secrets, relink_keyset_get_id (keyset), NULL, NULL));
    }
}

RelinkTokenSet *
relink_test_keyring_tokens (RelinkAccountManager *manager, RelinkAccount *account)
{
  g_autoptr (GError) error = NULL;
  RelinkTokenSet *tokens = relink_secrets_lookup_tokens_sync (
      relink_account_manager_get_secrets (manager), relink_account_get_id (account), NULL, &error);

  g_assert_no_error (error);
  return tokens;
}

char *
relink_test_keyring_json (RelinkAccountManager *manager, RelinkAccount *account)
{
  g_autoptr (RelinkTokenSet) tokens = relink_test_keyring_tokens (manager, account);

  return tokens != NULL ? relink_token_set_to_json (tokens) : NULL;
}

RelinkAccount *
relink_test_stored_account (RelinkAccountManager *manager, RelinkAccount *account)
{
  g_autoptr (GError) error = NULL;
  RelinkAccount *row = relink_store_load_account (relink_account_manager_get_store (manager),
                                                  relink_account_get_id (account), &error);

  g_assert_no_error (error);
  return row;
}

GPtrArray *
relink_test_history (RelinkAccountManager *manager, RelinkAccount *account)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *entries = relink_store_load_history (relink_account_manager_get_store (manager),
                                                  relink_account_get_id (account), 0, &error);

  g_assert_no_error (error);
  return entries;
}

char *
relink_test_shipped_profile (const char *id)
{
  g_autofree char *path = g_strconcat ("/io/github/relink/Relink/providers/", id, ".json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = g_resources_lookup_data (path, 0, &error);

  g_assert_no_error (error);
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

RelinkProvider *
relink_test_shipped_provider (const char *id)
{
  g_autofree char *json = relink_test_shipped_profile (id);
  g_autoptr (GError) error = NULL;
  RelinkProvider *provider = relink_provider_new_from_json_full (json, -1, id, FALSE, &error);

  g_assert_no_error (error);
  return provider;
}

RelinkKeyset *
relink_test_make_keyset (RelinkProvider *provider,
                         const char *environment,
                         const char *client_id,
                         const char *redirect)
{
  RelinkKeyset *keyset = relink_keyset_new ("keyset-1");

  relink_keyset_set_provider_id (keyset, relink_provider_get_id (provider));
  relink_keyset_set_provider (keyset, provider);
  relink_keyset_set_environment (keyset, environment);
  relink_keyset_set_client_id (keyset, client_id);
  relink_keyset_set_redirect (keyset, redirect);
  return keyset;
}

char *
relink_test_list_children (GPid pid)
{
  g_autoptr (GDir) proc = g_dir_open ("/proc", 0, NULL);
  g_autofree char *parent = g_strdup_printf ("%d", (int) pid);
  GString *names = g_string_new (NULL);
  const char *entry;

  while (proc != NULL && (entry = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc", entry, "stat", NULL);
      g_autofree char *stat = NULL;
      g_auto (GStrv) fields = NULL;
      const char *close_paren;

      if (!g_ascii_isdigit (entry[0]) || !g_file_get_contents (path, &stat, NULL, NULL))
        continue;
      /* "pid (comm) state ppid ...": comm may hold spaces. */
      close_paren = strrchr (stat, ')');
      if (close_paren == NULL)
        continue;
      fields = g_strsplit (close_paren + 2, " ", 3);
      if (g_strv_length (fields) >= 2 && g_str_equal (fields[1], parent))
        {
          const char *open_paren = strchr (stat, '(');

          g_string_append_len (names, open_paren + 1, close_paren - open_paren - 1);
          g_string_append_c (names, ' ');
        }
    }

  return g_string_free (names, FALSE);
}

/* Seeding the store and the keyring */

char *
relink_test_seed_keyset (RelinkStore *store,
                         RelinkSecrets *secrets,
                         const char *provider_id,
                         const char *environment,
                         const char *client_id,
                         const char *client_secret)
{
  g_autoptr (GError) error = NULL;
  char *id = relink_new_id ();
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new (id);

  relink_keyset_set_provider_id (keyset, provider_id);
  relink_keyset_set_environment (keyset, environment);
  relink_keyset_set_client_id (keyset, client_id);
  relink_keyset_set_redirect (keyset, "https://relink.invalid/stub");
  relink_keyset_set_created_at (keyset, relink_now ());
  g_assert_true (relink_store_save_keyset (store, keyset, &error));
  g_assert_no_error (error);
  g_assert_true (relink_secrets_store_keyset_secret_sync (
      secrets, id, "client_secret", "Relink test keyset", client_secret, NULL, &error));
  g_assert_no_error (error);

  return id;
}

void
relink_test_save_stub_keyset (RelinkStore *store,
                              RelinkSecrets *secrets,
                              const char *provider_id,
                              const char *client_secret)
{
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new ("keyset-stub");
  g_autoptr (GError) error = NULL;

  relink_keyset_set_provider_id (keyset, provider_id);
  relink_keyset_set_environment (keyset, "test");
  relink_keyset_set_client_id (keyset, "stub-app");
  relink_keyset_set_redirect (keyset, "https://relink.invalid/stub");
  g_assert_true (relink_store_save_keyset (store, keyset, &error));
  g_assert_no_error (error);
  if (client_secret == NULL)
    return;

  g_assert_true (relink_secrets_store_keyset_secret_sync (
      secrets, "keyset-stub", "client_secret", "Relink test keys", client_secret, NULL, &error));
  g_assert_no_error (error);
}

char *
relink_test_seed_account (RelinkStore *store,
                          RelinkSecrets *secrets,
                          const char *keyset_id,
                          const char *nickname,
                          const char *access,
                          gint64 access_expires_at,
                          const char *refresh)
{
  g_autoptr (GError) error = NULL;
  char *id = relink_new_id ();
  g_autoptr (RelinkAccount) account = relink_account_new (id);
  gint64 now = relink_now ();

  relink_account_set_keyset_id (account, keyset_id);
  relink_account_set_nickname (account, nickname);
  relink_account_set_created_at (account, now - HOUR);
  if (refresh != NULL)
    {
      g_autoptr (RelinkTokenSet) tokens = relink_token_set_new ();
      g_autofree char *label = g_strdup_printf ("Relink: %s tokens", nickname);

      relink_account_set_status (account, RELINK_ACCOUNT_STATUS_CONNECTED);
      relink_account_set_identity_id (account, "yZ3cWq1a9Lk");
      relink_account_set_identity_name (account, "shop_a");
      relink_account_set_authorised_at (account, now - 10 * DAY);
      relink_account_set_access_expires_at (account, access_expires_at);
      relink_account_set_refresh_expires_at (account, now + 300 * DAY);

      relink_token_set_set_access_token (tokens, access);
      relink_token_set_set_access_expires_at (tokens, access_expires_at);
      relink_token_set_set_refresh_token (tokens, refresh);
      relink_token_set_set_refresh_expires_at (tokens, now + 300 * DAY);
      relink_token_set_set_issued_at (tokens, now - 600);
      g_assert_true (relink_secrets_store_tokens_sync (secrets, id, label, tokens, NULL, &error));
      g_assert_no_error (error);
    }
  else
    relink_account_set_status (account, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);

  g_assert_true (relink_store_save_account (store, account, &error));
  g_assert_no_error (error);

  return id;
}

/* The Secret Service, straight */

char *
relink_test_keyring_item (const char *account_id)
{
  static const SecretSchema schema = {
    "io.github.relink.Relink.Tokens",
    SECRET_SCHEMA_NONE,
    { { "account", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
  };
  g_autoptr (GHashTable) attributes
      = secret_attributes_build (&schema, "account", account_id, NULL);
  g_autoptr (GError) error = NULL;
  GList *items;
  char *secret = NULL;

  /* A search, not secret_password_lookup_sync(): libsecret 0.20.5's
   * lookup leaks the service's reply on every call. */
  items = secret_service_search_sync (
      NULL, &schema, attributes, SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS, NULL, &error);
  g_assert_no_error (error);
  if (items != NULL)
    {
      g_autoptr (SecretValue) value = secret_item_get_secret (items->data);
      gsize length;
      const char *bytes = secret_value_get (value, &length);

      secret = g_strndup (bytes, length);
    }
  g_list_free_full (items, g_object_unref);
  return secret;
}

GVariant *
relink_test_call_secrets (const char *path,
                          const char *interface,
                          const char *method,
                          GVariant *args)
{
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr (GError) error = NULL;
  GVariant *reply;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", path, interface, method,
                                       args, NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  g_assert_no_error (error);
  return reply;
}

char *
relink_test_default_collection_path (void)
{
  g_autoptr (GVariant) reply
      = relink_test_call_secrets ("/org/freedesktop/secrets", "org.freedesktop.Secret.Service",
                                  "ReadAlias", g_variant_new ("(s)", "default"));
  char *path = NULL;

  g_variant_get (reply, "(o)", &path);
  g_assert_cmpstr (path, !=, "/");
  return path;
}

gboolean
relink_test_collection_locked (const char *path)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) locked = NULL;

  reply = relink_test_call_secrets (
      path, "org.freedesktop.DBus.Properties", "Get",
      g_variant_new ("(ss)", "org.freedesktop.Secret.Collection", "Locked"));
  g_variant_get (reply, "(v)", &locked);
  return g_variant_get_boolean (locked);
}

static void
prompt_completed_cb (GDBusConnection *connection,
                     const char *sender,
                     const char *object_path,
                     const char *interface,
                     const char *signal,
                     GVariant *parameters,
                     gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

void
relink_test_lock_collection (const char *path)
{
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  const char *paths[] = { path, NULL };
  g_autoptr (GVariant) reply = NULL;
  const char *prompt;
  gboolean completed = FALSE;

  reply = relink_test_call_secrets ("/org/freedesktop/secrets", "org.freedesktop.Secret.Service",
                                    "Lock", g_variant_new ("(^ao)", paths));
  g_variant_get (reply, "(@ao&o)", NULL, &prompt);
  if (!g_str_equal (prompt, "/"))
    {
      g_autoptr (GVariant) shown = NULL;
      guint id;

      id = g_dbus_connection_signal_subscribe (bus, NULL, "org.freedesktop.Secret.Prompt",
                                               "Completed", prompt, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                               prompt_completed_cb, &completed, NULL);
      shown = relink_test_call_secrets (prompt, "org.freedesktop.Secret.Prompt", "Prompt",
                                        g_variant_new ("(s)", ""));
      for (guint i = 0; i < 300 && !completed; i++)
        {
          while (g_main_context_iteration (NULL, FALSE))
            ;
          if (!completed)
            g_usleep (100 * G_TIME_SPAN_MILLISECOND);
        }
      g_assert_true (completed);
      g_dbus_connection_signal_unsubscribe (bus, id);
    }
  for (guint i = 0; i < 100 && !relink_test_collection_locked (path); i++)
    g_usleep (100 * G_TIME_SPAN_MILLISECOND);
  g_assert_true (relink_test_collection_locked (path));
}

/* Running programs */

void
relink_test_run_clear (RelinkTestRun *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

char *
relink_test_built_program (const char *name)
{
  return g_test_build_filename (G_TEST_BUILT, "..", "src", "cli", name, NULL);
}

static void
communicated_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

void
relink_test_run (RelinkTestRun *run,
                 const char *program,
                 const char *data_dir,
                 const char *config_dir,
                 const char *const *env,
                 const char *input,
                 const char *const *argv)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) done = NULL;
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  gint64 start;

  g_ptr_array_add (args, (gpointer) program);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);

  launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                   | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  /* What the program writes on standard error unasked, not debug logs. */
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");
  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);
  start = g_get_monotonic_time ();
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) args->pdata, &error);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8_async (process, input != NULL ? input : "", NULL, communicated_cb,
                                       &done);
  while (done == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_subprocess_communicate_utf8_finish (process, done, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->elapsed = g_get_monotonic_time () - start;
  if (!g_subprocess_get_if_exited (process))
    g_error ("%s %s died: %s", program, argv[0] != NULL ? argv[0] : "", run->err);
  run->status = g_subprocess_get_exit_status (process);
}
