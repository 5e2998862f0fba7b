/* test-secrets.c: tokens and keyset secrets in the real gnome-keyring-daemon
 * of the private test session (build-aux/dev session), and the token set's
 * JSON form.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <libsecret/secret.h>
#include <signal.h>
#include <unistd.h>

#include "relink-secrets.h"
#include "relink-test-util.h"
#include "relink-token-set.h"

#define TOKENS_SCHEMA_NAME "io.github.relink.Relink.Tokens"
#define KEYSET_SCHEMA_NAME "io.github.relink.Relink.KeysetSecret"

/* The same schema as Relink's, to plant items Relink did not write. */
static const SecretSchema foreign_tokens_schema = {
  TOKENS_SCHEMA_NAME,
  SECRET_SCHEMA_NONE,
  {
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
  },
};

static RelinkTokenSet *
make_tokens (const char *tag)
{
  RelinkTokenSet *tokens = relink_token_set_new ();
  g_autofree char *access = g_strdup_printf ("v^1.1#i^1#access-%s-\"quoted\"\\slash", tag);
  g_autofree char *refresh = g_strdup_printf ("v^1.1#r^1#refresh-%s-ünïcödé\n", tag);

  relink_token_set_set_access_token (tokens, access);
  relink_token_set_set_refresh_token (tokens, refresh);
  relink_token_set_set_token_type (tokens, "User Access Token");
  relink_token_set_set_scope (tokens, "https://api.ebay.com/oauth/api_scope sell.inventory");
  relink_token_set_set_issued_at (tokens, 1700000000);
  relink_token_set_set_access_expires_at (tokens, 1700007200);
  relink_token_set_set_refresh_expires_at (tokens, 1747000000);

  return tokens;
}

static void
assert_tokens_equal (RelinkTokenSet *a, RelinkTokenSet *b)
{
  g_assert_cmpstr (relink_token_set_get_access_token (a), ==,
                   relink_token_set_get_access_token (b));
  g_assert_cmpstr (relink_token_set_get_refresh_token (a), ==,
                   relink_token_set_get_refresh_token (b));
  g_assert_cmpstr (relink_token_set_get_token_type (a), ==, relink_token_set_get_token_type (b));
  g_assert_cmpstr (relink_token_set_get_scope (a), ==, relink_token_set_get_scope (b));
  g_assert_cmpint (relink_token_set_get_issued_at (a), ==, relink_token_set_get_issued_at (b));
  g_assert_cmpint (relink_token_set_get_access_expires_at (a), ==,
                   relink_token_set_get_access_expires_at (b));
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (a), ==,
                   relink_token_set_get_refresh_expires_at (b));
}

static void
assert_message_clean (const GError *error, const char *const *secrets)
{
  g_assert_nonnull (error);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
  for (guint i = 0; secrets[i] != NULL; i++)
    g_assert_null (strstr (error->message, secrets[i]));
}

static char *
new_id (const char *prefix)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strdup_printf ("%s-%s", prefix, uuid);
}

/* Every item with this attribute, whatever its schema, straight from the
 * daemon and with its secret loaded. */
static GList *
find_items (const char *attribute, const char *value)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SecretService) service = NULL;
  g_autoptr (GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  GList *items;

  service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION, NULL, &error);
  g_assert_no_error (error);

  g_hash_table_insert (attributes, (gpointer) attribute, (gpointer) value);
  items = secret_service_search_sync (service, NULL, attributes,
                                      SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS, NULL, &error);
  g_assert_no_error (error);

  return items;
}

/* Relink's items belong in the default (persistent) collection, not in the
 * session one that is lost at logout. */
static void
assert_in_default_collection (SecretItem *item)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SecretService) service = NULL;
  g_autoptr (SecretCollection) collection = NULL;
  g_autofree char *prefix = NULL;

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);

  prefix = g_strconcat (g_dbus_proxy_get_object_path (G_DBUS_PROXY (collection)), "/", NULL);
  g_assert_true (g_str_has_prefix (g_dbus_proxy_get_object_path (G_DBUS_PROXY (item)), prefix));
}

/* Async helpers: the operation runs on the default main context, which the
 * test iterates until the callback has fired. */

static void
store_keyset_secret (RelinkSecrets *secrets,
                     const char *keyset,
                     const char *field,
                     const char *label,
                     const char *value)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (
      relink_secrets_store_keyset_secret_sync (secrets, keyset, field, label, value, NULL, &error));
  g_assert_no_error (error);
}

/* The keyring holds @expected for @field of @keyset (NULL: nothing). */
static void
assert_keyset_secret (RelinkSecrets *secrets,
                      const char *keyset,
                      const char *field,
                      const char *expected)
{
  g_autoptr (GError) error = NULL;
  char *value = relink_secrets_lookup_keyset_secret_sync (secrets, keyset, field, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, expected);
  relink_secret_free (value);
}

/* Token set JSON */

static void
test_token_set_json_round_trip (void)
{
  g_autoptr (RelinkTokenSet) tokens = make_tokens ("json");
  g_autoptr (RelinkTokenSet) parsed = NULL;
  g_autoptr (RelinkSecretString) json = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *object;

  json = relink_token_set_to_json (tokens);
  g_assert_nonnull (json);

  /* The stored form is plain JSON with integer moments and a version. */
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (object, "format_version"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (object, "access_token"), ==,
                   relink_token_set_get_access_token (tokens));
  g_assert_cmpstr (json_object_get_string_member (object, "refresh_token"), ==,
                   relink_token_set_get_refresh_token (tokens));
  g_assert_cmpint (json_object_get_int_member (object, "issued_at"), ==, 1700000000);
  g_assert_cmpint (json_object_get_int_member (object, "access_expires_at"), ==, 1700007200);
  g_assert_cmpint (json_object_get_int_member (object, "refresh_expires_at"), ==, 1747000000);

  parsed = relink_token_set_new_from_json (json, &error);
  g_assert_no_error (error);
  assert_tokens_equal (tokens, parsed);
}

static void
test_token_set_json_missing (void)
{
  g_autoptr (RelinkTokenSet) empty = NULL;
  g_autoptr (RelinkTokenSet) partial = NULL;
  g_autoptr (RelinkTokenSet) nulls = NULL;
  g_autoptr (RelinkTokenSet) future = NULL;
  g_autoptr (GError) error = NULL;

  empty = relink_token_set_new_from_json ("{}", &error);
  g_assert_no_error (error);
  g_assert_null (relink_token_set_get_access_token (empty));
  g_assert_null (relink_token_set_get_refresh_token (empty));
  g_assert_null (relink_token_set_get_token_type (empty));
  g_assert_null (relink_token_set_get_scope (empty));
  g_assert_cmpint (relink_token_set_get_issued_at (empty), ==, 0);
  g_assert_cmpint (relink_token_set_get_access_expires_at (empty), ==, 0);
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (empty), ==, 0);

  partial = relink_token_set_new_from_json (
      "{\"format_version\": 1, \"access_token\": \"AT\", \"access_expires_at\": 42}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_token_set_get_access_token (partial), ==, "AT");
  g_assert_null (relink_token_set_get_refresh_token (partial));
  g_assert_cmpint (relink_token_set_get_access_expires_at (partial), ==, 42);
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (partial), ==, 0);

  nulls = relink_token_set_new_from_json ("{\"refresh_token\": null, \"issued_at\": null}", &error);
  g_assert_no_error (error);
  g_assert_null (relink_token_set_get_refresh_token (nulls));
  g_assert_cmpint (relink_token_set_get_issued_at (nulls), ==, 0);

  /* Unknown fields, as a newer Relink may write, are skipped. */
  future = relink_token_set_new_from_json (
      "{\"format_version\": 2, \"refresh_token\": \"RT\", \"id_token\": {\"a\": [1]}}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_token_set_get_refresh_token (future), ==, "RT");
}

static void
test_token_set_json_invalid (void)
{
  const char *const inputs[] = {
    "{\"access_token\": 12345, \"refresh_token\": \"SECRET-RT-1\"}",
    "{\"refresh_token\": [\"SECRET-RT-2\"]}",
    "{\"refresh_token\": \"SECRET-RT-3\", \"issued_at\": \"1700000000\"}",
    "{\"refresh_token\": \"SECRET-RT-4\", \"access_expires_at\": 1.5}",
    "{\"refresh_token\": \"SECRET-RT-5\", \"refresh_expires_at\": true}",
    "{\"refresh_token\": \"SECRET-RT-6\", \"format_version\": \"1\"}",
    "[\"SECRET-RT-7\"]",
    "\"SECRET-RT-8\"",
    "SECRET-RT-9 is not JSON",
    "{\"refresh_token\": \"SECRET-RT-10\"",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (RelinkTokenSet) tokens = relink_token_set_new_from_json (inputs[i], &error);
      const char *const secrets[] = { "SECRET", "RT-", inputs[i][0] ? inputs[i] : "{", NULL };

      g_assert_null (tokens);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      assert_message_clean (error, secrets);
    }
}

static void
test_token_set_setters (void)
{
  g_autoptr (RelinkTokenSet) tokens = make_tokens ("setters");
  g_autoptr (RelinkTokenSet) copy = relink_token_set_copy (tokens);
  g_autoptr (RelinkSecretString) secret = g_strdup ("wipe me");

  assert_tokens_equal (tokens, copy);
  g_assert_cmpstr (secret, ==, "wipe me");

  /* Setting a value to itself must not free it under the caller. */
  relink_token_set_set_access_token (tokens, relink_token_set_get_access_token (tokens));
  g_assert_cmpstr (relink_token_set_get_access_token (tokens), ==,
                   relink_token_set_get_access_token (copy));

  relink_token_set_set_refresh_token (tokens, "new refresh");
  relink_token_set_set_access_token (tokens, NULL);
  relink_token_set_set_refresh_expires_at (tokens, 5);
  g_assert_cmpstr (relink_token_set_get_refresh_token (tokens), ==, "new refresh");
  g_assert_null (relink_token_set_get_access_token (tokens));
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (tokens), ==, 5);

  /* The copy is independent of the original. */
  g_assert_cmpstr (relink_token_set_get_refresh_token (copy), !=, "new refresh");
  g_assert_nonnull (relink_token_set_get_access_token (copy));
  g_assert_cmpint (relink_token_set_get_refresh_expires_at (copy), ==, 1747000000);

  relink_secret_free (NULL);
  g_assert_finalize_object (g_steal_pointer (&copy));
}

/* Tokens in the keyring */

static void
test_tokens_sync_round_trip (void)
{
  g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();
  g_autoptr (RelinkTokenSet) tokens = make_tokens ("sync");
  g_autoptr (RelinkTokenSet) found = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *account = new_id ("account");

  g_assert_true (relink_secrets_store_tokens_sync (secrets, account, "Relink: eBay · shop_a tokens",
                                                   tokens, NULL, &error));
  g_assert_no_error (error);

  found = relink_secrets_lookup_tokens_sync (secrets, account, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_true (found != tokens);
  assert_tokens_equal (tokens, found);
  g_clear_object (&found);

  g_assert_true (relink_secrets_clear_tokens_sync (secrets, account, NULL, &error));
  g_assert_no_error (error);

  found = relink_secrets_lookup_tokens_sync (secrets, account, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);

  /* Clearing what is not there is no error either. */
  g_assert_true (relink_secrets_clear_tokens_sync (secrets, account, NULL, &error));
  g_assert_no_error (error);
}

static void
test_tokens_async_round_trip (void)
{
  g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();
  g_autoptr (RelinkTokenSet) tokens = make_tokens ("async");
  g_autoptr (RelinkTokenSet) found = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *account = new_id ("account");
  GAsyncResult *result = NULL;

  relink_secrets_store_tokens_async (secrets, account, "Relink: Etsy · shop tokens", tokens,
                                     cancellable, relink_test_result_cb, &result);
  relink_test_wait_result (&result);
  g_assert_true (relink_secrets_store_tokens_finish (secrets, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  relink_secrets_lookup_tokens_async (secrets, account, cancellable, relink_test_result_cb,
                                      &result);
  relink_test_wait_result (&result);
  found = relink_secrets_lookup_tokens_finish (secrets, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  assert_tokens_equal (tokens, found);
  g_clear_object (&found);
  g_clear_object (&result);

  relink_secrets_clear_tokens_async (secrets, account, cancellable, relink_test_result_cb, &result);
  relink_test_wait_result (&result);
  g_assert_true (relink_secrets_clear_tokens_finish (secrets, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  relink_secrets_lookup_tokens_async (secrets, account, NULL, relink_test_result_cb, &result);
  relink_test_wait_result (&result);
  found = relink_secrets_lookup_tokens_finish (secrets, result, &error);
  g_assert_no_error (error);
  g_assert_null (found);
  g_clear_object (&result);

  /* A cancelled request reports the cancellation, not a keyring problem. */
  g_cancellable_cancel (cancellable);
  relink_secrets_lookup_tokens_async (secrets, account, cancellable, relink_test_result_cb,
                                      &result);
  relink_test_wait_result (&result);
  found = relink_secrets_lookup_tokens_finish (secrets, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (found);
  g_clear_object (&result);
}

static void
test_tokens_missing (void)
{
  g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *account = new_id ("never-stored");
  RelinkTokenSet *found;
  GAsyncResult *result = NULL;

  found = relink_secrets_lookup_tokens_sync (secrets, account, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);

  relink_secrets_lookup_tokens_async (secrets, account, NULL, relink_test_result_cb, &result);
  relink_test_wait_result (&result);
  found = relink_secrets_lookup_tokens_finish (secrets, result, &error);
  g_assert_no_error (error);
  g_assert_null (found);
  g_clear_object (&result);

  relink_secrets_clear_tokens_async (secrets, account, NULL, relink_test_result_cb, &result);
  relink_test_wait_result (&result);
  g_assert_true (relink_secrets_clear_tokens_finish (secrets, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
}

/* A process that ends gives up its lookups (the keep-alive's, in worker
 * threads) instead of waiting for the keyring to answer them, but never a
 * store: it may carry a rotated token. */
static void
test_cancel_lookups (void)
{
  g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();
  g_autoptr (RelinkSecrets) fresh = relink_secrets_new ();
  g_autoptr (RelinkTokenSet) tokens = make_tokens ("cancel-lookups");
  g_autoptr (RelinkTokenSet) rotated = make_tokens ("rotated-while-ending");
  g_autoptr (RelinkTokenSet) found = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *account = new_id ("cancel-lookups");
  g_autofree char *keyset = new_id ("cancel-lookups-keyset");
  g_autofree char *secret = NULL;
  GAsyncResult *result = NULL;

  g_assert_true (relink_secrets_store_tokens_sync (secrets, account, "Relink: cancel lookups",
                                                   tokens, NULL, &error));
  g_assert_no_error (error);

  /* One in progress ends... */
  relink_secrets_lookup_tokens_async (secrets, account, NULL, relink_test_result_cb, &result);
  relink_secrets_cancel_lookups (secrets);
  relink_test_wait_result (&result);
  found = relink_secrets_lookup_tokens_finish (secrets, result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (found);
  g_clear_error (&error);
  g_clear_object (&result);

  /* ...and later ones end at once, blocking or not. */
  g_assert_null (relink_secrets_lookup_tokens_sync (secrets, account, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  secret
      = relink_secrets_lookup_keyset_secret_sync (secrets, keyset, "client_secret", NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (secret);
  g_clear_error (&error);

  /* A store still goes through, and is there for the next process. */
  g_assert_true (relink_secrets_store_tokens_sync (secrets, account, "Relink: cancel lookups",
                                                   rotated, NULL, &error));
  g_assert_no_error (error);
  found = relink_secrets_lookup_tokens_sync (fresh, account, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  assert_tokens_equal (rotated, found);

  g_assert_true (relink_secrets_clear_tokens_sync (secrets, account, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&found);
  found = relink_secrets_lookup_tokens_sync (fresh, account, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);
}

static void
test_tokens_rotation (void)
{
  g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();
  g_autoptr (RelinkTokenSet) first = make_tokens ("first");
  g_autoptr (RelinkTokenSet) second = make_tokens ("second");
  g_autoptr (RelinkTokenSet) found = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *account = new_id ("rotating");
  g_autolist (SecretItem) items = NULL;
  g_autoptr (SecretValue) value = NULL;
  const char *text;

  relink_token_set_set_refresh_expires_at (second, 1800000000);

  g_assert_true (relink_secrets_store_tokens_sync (secrets, account, "Relink: Etsy · a tokens",
                                                   first, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (relink_secrets_store_tokens_sync (secrets, account, "Relink: Etsy · a tokens",
                                                   second, NULL, &error));
  g_assert_no_error (error);

  found = relink_secrets_lookup_tokens_sync (secrets, account, NULL, &error);
  g_assert_no_error (error);
  assert_tokens_equal (second, found);

  /* One item, holding only the new set: the single-use old refresh token
   * is gone from the keyring. */
  items = find_items ("account", account);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  value = secret_item_get_secret (items->data);
  g_assert_nonnull (value);
  text = secret_value_get_text (value);
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, "refresh-second"));
  g_assert_null (strstr (text, "refresh-first"));
  g_assert_null (strstr (text, "access-first"));

  g_assert_true (relink_secrets_clear_tokens_sync (secrets, account, NULL, &error));
  g_assert_no_error (error);
}

static void
test_tokens_isolation (void)
{
  g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();
  g_autoptr (RelinkTokenSet) tokens_a = make_tokens ("shop-a");
  g_autoptr (RelinkTokenSet) tokens_b = make_tokens ("shop-b");
  g_autoptr (RelinkTokenSet) found = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *account_a = new_id ("shop-a");
  g_autofree char *account_b = new_id ("shop-b");

  g_assert_true (relink_secrets_store_tokens_sync (secrets, account_a, "Relink: eBay · a tokens",
                                                   tokens_a, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (relink_secrets_store_tokens_sync (secrets, account_b, "Relink: eBay · b tokens",
                                                   tokens_b, NULL, &error));
  g_assert_no_error (error);

  found = relink_secrets_lookup_tokens_sync (secrets, account_a, NULL, &error);
  g_assert_no_error (error);
  assert_tokens_equal (tokens_a, found);
  g_clear_object (&found);

  found = relink_secrets_lookup_tokens_sync (secrets, account_b, NULL, &error);
  g_assert_no_error (error);
  assert_tokens_equal (tokens_b, found);
  g_clear_object (&found);

  /* Removing one account's tokens leaves the other's. */
  g_assert_true (relink_secrets_clear_tokens_sync (secrets, account_a, NULL, &error));
  g_assert_no_error (error);

  found = relink_secrets_lookup_tokens_sync (secrets, account_a, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);

  found = relink_secrets_lookup_tokens_sync (secrets, account_b, NULL, &error);
  g_assert_no_error (error);
  assert_tokens_equal (tokens_b, found);
  g_clear_object (&found);

  g_assert_true (relink_secrets_clear_tokens_sync (secrets, account_b, NULL, &error));
  g_assert_no_error (error);
}

static void
test_tokens_item_attributes (void)
{
  g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();
  g_autoptr (RelinkTokenSet) tokens = make_tokens ("attributes");
  g_autoptr (GError) error = NULL;
  g_autofree char *account = new_id ("attributes");
  g_autolist (SecretItem) items = NULL;
  g_autoptr (GHashTable) attributes = NULL;
  g_autofree char *label = NULL;
  GHashTableIter iter;
  const char *key, *value;

  g_assert_true (relink_secrets_store_tokens_sync (secrets, account, "Relink: eBay · shop_a tokens",
                                                   tokens, NULL, &error));
  g_assert_no_error (error);

  items = find_items ("account", account);
  g_assert_cmpuint (g_list_length (items), ==, 1);

  /* The account id and the schema name libsecret adds to every item (a
   * service may add its own, KeePassXC its entry's title, path, ...):
   * nothing of the tokens is visible without unlocking the secret. */
  attributes = secret_item_get_attributes (items->data);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "account"), ==, account);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "xdg:schema"), ==, TOKENS_SCHEMA_NAME);

  label = secret_item_get_label (items->data);
  g_assert_cmpstr (label, ==, "Relink: eBay · shop_a tokens");
  assert_in_default_collection (items->data);

  g_hash_table_iter_init (&iter, attributes);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &value))
    {
      g_assert_null (strstr (value, "access-attributes"));
      g_assert_null (strstr (value, "refresh-attributes"));
    }

  g_assert_true (relink_secrets_clear_tokens_sync (secrets, account, NULL, &error));
  g_assert_no_error (error);

  g_clear_list (&items, g_object_unref);
  items = find_items ("account", account);
  g_assert_null (items);
}

static void
test_tokens_corrupt (void)
{
  g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *account = new_id ("corrupt");
  RelinkTokenSet *found;
  GAsyncResult *result = NULL;
  const char *planted = "refresh=SECRET-PLANTED-42; not json at all";
  const char *const forbidden[] = { "SECRET-PLANTED-42", "not json", planted, NULL };

  secret_password_store_sync (&foreign_tokens_schema, SECRET_COLLECTION_DEFAULT, "Planted item",
                              planted, NULL, &error, "account", account, NULL);
  g_assert_no_error (error);

  found = relink_secrets_lookup_tokens_sync (secrets, account, NULL, &error);
  g_assert_null (found);
  g_assert_error (error, RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_CORRUPT);
  g_assert_cmpstr (error->message, ==,
                   "The saved tokens of this account cannot be read. Renew the account to "
                   "replace them.");
  assert_message_clean (error, forbidden);
  g_clear_error (&error);

  relink_secrets_lookup_tokens_async (secrets, account, NULL, relink_test_result_cb, &result);
  relink_test_wait_result (&result);
  found = relink_secrets_lookup_tokens_finish (secrets, result, &error);
  g_assert_null (found);
  g_assert_error (error, RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_CORRUPT);
  assert_message_clean (error, forbidden);
  g_clear_error (&error);
  g_clear_object (&result);

  /* A well-formed JSON object with a wrong type is just as unreadable. */
  secret_password_store_sync (&foreign_tokens_schema, SECRET_COLLECTION_DEFAULT, "Planted item",
                              "{\"refresh_token\": \"SECRET-PLANTED-42\", \"issued_at\": \"x\"}",
                              NULL, &error, "account", account, NULL);
  g_assert_no_error (error);
  found = relink_secrets_lookup_tokens_sync (secrets, account, NULL, &error);
  g_assert_null (found);
  g_assert_error (error, RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_CORRUPT);
  assert_message_clean (error, forbidden);
  g_clear_error (&error);

  /* An item without any token ({} or only nulls) is damaged, not something
   * to send to the marketplace and blame it for. */
  {
    const char *const empties[] = { "{}", "{\"access_token\": null, \"refresh_token\": \"\"}" };

    for (gsize i = 0; i < G_N_ELEMENTS (empties); i++)
      {
        secret_password_store_sync (&foreign_tokens_schema, SECRET_COLLECTION_DEFAULT,
                                    "Planted item", empties[i], NULL, &error, "account", account,
                                    NULL);
        g_assert_no_error (error);
        found = relink_secrets_lookup_tokens_sync (secrets, account, NULL, &error);
        g_assert_null (found);
        g_assert_error (error, RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_CORRUPT);
        g_clear_error (&error);
      }
  }

  /* Renewing replaces the unreadable item. */
  {
    g_autoptr (RelinkTokenSet) tokens = make_tokens ("renewed");
    g_autoptr (RelinkTokenSet) renewed = NULL;

    g_assert_true (relink_secrets_store_tokens_sync (secrets, account, "Relink: renewed", tokens,
                                                     NULL, &error));
    g_assert_no_error (error);
    renewed = relink_secrets_lookup_tokens_sync (secrets, account, NULL, &error);
    g_assert_no_error (error);
    assert_tokens_equal (tokens, renewed);
  }

  g_assert_true (relink_secrets_clear_tokens_sync (secrets, account, NULL, &error));
  g_assert_no_error (error);
}

/* Keyset secrets */

static void
test_keyset_secrets (void)
{
  g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *keyset_1 = new_id ("keyset");
  g_autofree char *keyset_2 = new_id ("keyset");
  g_autolist (SecretItem) items = NULL;
  g_autoptr (GHashTable) attributes = NULL;

  store_keyset_secret (secrets, keyset_1, "client_secret", "Relink: eBay keys client secret",
                       "PRD-client-secret-1");
  store_keyset_secret (secrets, keyset_1, "shared_secret", "Relink: eBay keys shared secret",
                       "shared-secret-1");
  store_keyset_secret (secrets, keyset_2, "client_secret", "Relink: Etsy keys client secret",
                       "PRD-client-secret-2");

  assert_keyset_secret (secrets, keyset_1, "client_secret", "PRD-client-secret-1");

  assert_keyset_secret (secrets, keyset_1, "shared_secret", "shared-secret-1");

  assert_keyset_secret (secrets, keyset_2, "client_secret", "PRD-client-secret-2");

  /* A field never stored is absent, not an error. */
  assert_keyset_secret (secrets, keyset_2, "shared_secret", NULL);

  /* Overwriting a field keeps one item per field. */
  store_keyset_secret (secrets, keyset_1, "client_secret", "Relink: eBay keys client secret",
                       "PRD-client-secret-1b");
  assert_keyset_secret (secrets, keyset_1, "client_secret", "PRD-client-secret-1b");

  items = find_items ("keyset", keyset_1);
  g_assert_cmpuint (g_list_length (items), ==, 2);
  /* Relink's attributes (a service may add its own). */
  attributes = secret_item_get_attributes (items->data);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "keyset"), ==, keyset_1);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "xdg:schema"), ==, KEYSET_SCHEMA_NAME);
  g_assert_nonnull (g_hash_table_lookup (attributes, "field"));
  assert_in_default_collection (items->data);

  /* Clearing a keyset removes all of its fields and nothing of another. */
  g_assert_true (relink_secrets_clear_keyset_sync (secrets, keyset_1, NULL, &error));
  g_assert_no_error (error);

  assert_keyset_secret (secrets, keyset_1, "client_secret", NULL);
  assert_keyset_secret (secrets, keyset_1, "shared_secret", NULL);
  g_clear_list (&items, g_object_unref);
  items = find_items ("keyset", keyset_1);
  g_assert_null (items);

  assert_keyset_secret (secrets, keyset_2, "client_secret", "PRD-client-secret-2");

  g_assert_true (relink_secrets_clear_keyset_sync (secrets, keyset_1, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (relink_secrets_clear_keyset_sync (secrets, keyset_2, NULL, &error));
  g_assert_no_error (error);
}

static void
test_keyset_secrets_async (void)
{
  g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *keyset = new_id ("keyset");
  GAsyncResult *result = NULL;
  char *value;

  relink_secrets_store_keyset_secret_async (secrets, keyset, "client_secret", "Relink: keys",
                                            "lwa-secret", NULL, relink_test_result_cb, &result);
  relink_test_wait_result (&result);
  g_assert_true (relink_secrets_store_keyset_secret_finish (secrets, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  relink_secrets_lookup_keyset_secret_async (secrets, keyset, "client_secret", NULL,
                                             relink_test_result_cb, &result);
  relink_test_wait_result (&result);
  value = relink_secrets_lookup_keyset_secret_finish (secrets, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "lwa-secret");
  relink_secret_free (value);
  g_clear_object (&result);

  relink_secrets_clear_keyset_async (secrets, keyset, NULL, relink_test_result_cb, &result);
  relink_test_wait_result (&result);
  g_assert_true (relink_secrets_clear_keyset_finish (secrets, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  relink_secrets_lookup_keyset_secret_async (secrets, keyset, "client_secret", NULL,
                                             relink_test_result_cb, &result);
  relink_test_wait_result (&result);
  value = relink_secrets_lookup_keyset_secret_finish (secrets, result, &error);
  g_assert_no_error (error);
  g_assert_null (value);
  g_clear_object (&result);
}

/* No Secret Service */

static void
test_no_service (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (RelinkSecrets) secrets = NULL;
      g_autoptr (RelinkTokenSet) tokens = make_tokens ("no-service");
      g_autoptr (GError) error = NULL;
      GAsyncResult *result = NULL;
      const char *const forbidden[] = { "access-no-service", "refresh-no-service", NULL };
      const char *message = "No keyring is available. Relink keeps tokens only in the system "
                            "keyring (a Secret Service such as GNOME Keyring or KeePassXC); "
                            "start it and try again.";

      /* Before anything touches D-Bus: a session bus that is not there. */
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/relink-test-bus", TRUE);
      secrets = relink_secrets_new ();

      g_assert_false (
          relink_secrets_store_tokens_sync (secrets, "acct", "Relink: x", tokens, NULL, &error));
      g_assert_error (error, RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_NO_SERVICE);
      g_assert_cmpstr (error->message, ==, message);
      assert_message_clean (error, forbidden);
      g_clear_error (&error);

      g_assert_null (relink_secrets_lookup_tokens_sync (secrets, "acct", NULL, &error));
      g_assert_error (error, RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_NO_SERVICE);
      g_clear_error (&error);

      relink_secrets_lookup_keyset_secret_async (secrets, "keyset", "client_secret", NULL,
                                                 relink_test_result_cb, &result);
      relink_test_wait_result (&result);
      g_assert_null (relink_secrets_lookup_keyset_secret_finish (secrets, result, &error));
      g_assert_error (error, RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_NO_SERVICE);
      g_assert_cmpstr (error->message, ==, message);
      g_clear_error (&error);
      g_clear_object (&result);

      g_assert_false (relink_secrets_clear_keyset_sync (secrets, "keyset", NULL, &error));
      g_assert_error (error, RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_NO_SERVICE);
      g_clear_error (&error);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* A bus without a Secret Service: the private session bus of the test,
 * asked for a name nobody owns and nothing can activate. */
static void
test_no_service_name (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (RelinkSecrets) secrets = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);

      /* An empty private bus with no service files at all. */
      g_test_dbus_up (bus);
      secrets = relink_secrets_new ();

      g_assert_null (relink_secrets_lookup_tokens_sync (secrets, "acct", NULL, &error));
      g_assert_error (error, RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_NO_SERVICE);
      g_clear_error (&error);

      g_test_dbus_down (bus);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* The keyring the test runs beside (tests/keyring-session.sh): each test
 * program has a Secret Service of its own, which it may lock. */
static const char *
keyring_kind (void)
{
  const char *kind = g_getenv ("RELINK_TEST_KEYRING");

  g_assert_nonnull (kind);
  return kind;
}

/* Unlocks it again with its password, without a prompt: KeePassXC's own
 * D-Bus call, GNOME Keyring's internal one (as Seahorse does). */
static void
unlock_collection (const char *path)
{
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr (GError) error = NULL;

  if (g_str_equal (keyring_kind (), "keepassxc"))
    {
      const char *dbs[]
          = { g_getenv ("RELINK_TEST_KEEPASSXC_DB"), g_getenv ("RELINK_TEST_KEEPASSXC_DB2") };

      /* Whichever database it is: an unlocked one is only brought forward. */
      for (guint i = 0; i < G_N_ELEMENTS (dbs) && relink_test_collection_locked (path); i++)
        {
          g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
              bus, "org.keepassxc.KeePassXC.MainWindow", "/keepassxc",
              "org.keepassxc.KeePassXC.MainWindow", "openDatabase",
              g_variant_new ("(ss)", dbs[i], g_getenv ("RELINK_TEST_KEEPASSXC_PASSWORD")), NULL,
              G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);

          g_assert_no_error (error);
          for (guint j = 0; j < 50 && relink_test_collection_locked (path); j++)
            g_usleep (100 * 1000);
        }
    }
  else
    {
      g_autoptr (GVariant) session = NULL;
      g_autoptr (GVariant) reply = NULL;
      const char *session_path;
      const char password[] = "relink-test";

      session = relink_test_call_secrets (
          "/org/freedesktop/secrets", "org.freedesktop.Secret.Service", "OpenSession",
          g_variant_new ("(sv)", "plain", g_variant_new_string ("")));
      g_variant_get (session, "(v&o)", NULL, &session_path);
      reply = relink_test_call_secrets (
          "/org/freedesktop/secrets", "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
          "UnlockWithMasterPassword",
          g_variant_new (
              "(o(o@ay@ays))", path, session_path,
              g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, "", 0, 1),
              g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, password, sizeof password - 1, 1),
              "text/plain"));
    }
  g_assert_false (relink_test_collection_locked (path));
}

/* A locked keyring: Relink never reads it as "no tokens" (KeePassXC lists
 * nothing of a locked database), never writes a second item beside the
 * locked one, and says it is locked once nobody unlocks it (the prompt
 * is dismissed, or nobody answers it before the prompt deadline). */
static void
test_tokens_locked (void)
{
  g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();
  g_autoptr (RelinkTokenSet) tokens = make_tokens ("locked");
  g_autoptr (RelinkTokenSet) other = make_tokens ("while-locked");
  g_autoptr (RelinkTokenSet) found = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *account = new_id ("locked");
  g_autofree char *collection = relink_test_default_collection_path ();
  g_autolist (SecretItem) items = NULL;
  gint64 start;

  g_setenv ("RELINK_SECRETS_PROMPT_TIMEOUT", "3", TRUE);
  g_assert_true (
      relink_secrets_store_tokens_sync (secrets, account, "Relink: locked", tokens, NULL, &error));
  g_assert_no_error (error);

  relink_test_lock_collection (collection);
  start = g_get_monotonic_time ();
  found = relink_secrets_lookup_tokens_sync (secrets, account, NULL, &error);
  g_assert_null (found);
  g_assert_error (error, RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_LOCKED);
  g_assert_cmpstr (error->message, ==,
                   "The keyring is locked. Unlock it to let Relink read and save tokens.");
  g_clear_error (&error);
  /* An account without tokens: locked all the same, not "none". */
  {
    g_autofree char *nobody = new_id ("nobody");

    g_assert_null (relink_secrets_lookup_tokens_sync (secrets, nobody, NULL, &error));
    g_assert_error (error, RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_LOCKED);
    g_clear_error (&error);
  }
  g_assert_false (
      relink_secrets_store_tokens_sync (secrets, account, "Relink: locked", other, NULL, &error));
  g_assert_error (error, RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_false (relink_secrets_clear_tokens_sync (secrets, account, NULL, &error));
  g_assert_error (error, RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_LOCKED);
  g_clear_error (&error);
  /* Four calls, each bounded by the prompt deadline. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 40 * G_USEC_PER_SEC);

  unlock_collection (collection);
  found = relink_secrets_lookup_tokens_sync (secrets, account, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  assert_tokens_equal (tokens, found);
  items = find_items ("account", account);
  g_assert_cmpuint (g_list_length (items), ==, 1);

  g_assert_true (relink_secrets_clear_tokens_sync (secrets, account, NULL, &error));
  g_assert_no_error (error);
  g_unsetenv ("RELINK_SECRETS_PROMPT_TIMEOUT");
}

/* One item per account across collections: an account's item that lives
 * in another collection than the default one (KeePassXC's default follows
 * the active database tab; GNOME Keyring has its session collection) is
 * replaced where it is, never doubled. */
static void
test_tokens_other_collection (void)
{
  g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();
  g_autoptr (RelinkTokenSet) first = make_tokens ("elsewhere");
  g_autoptr (RelinkTokenSet) second = make_tokens ("replaced");
  g_autoptr (RelinkTokenSet) found = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *account = new_id ("elsewhere");
  g_autofree char *home = NULL;
  g_autofree char *prefix = NULL;
  g_autolist (SecretItem) items = NULL;
  g_autoptr (SecretValue) value = NULL;

  if (g_str_equal (keyring_kind (), "keepassxc"))
    {
      g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
      g_autoptr (GVariant) reply = NULL;

      /* Written while the first database is the active one... */
      g_assert_true (relink_secrets_store_tokens_sync (secrets, account, "Relink: elsewhere", first,
                                                       NULL, &error));
      g_assert_no_error (error);
      home = relink_test_default_collection_path ();
      /* ...then a second database opens and takes the default alias. */
      reply = g_dbus_connection_call_sync (
          bus, "org.keepassxc.KeePassXC.MainWindow", "/keepassxc",
          "org.keepassxc.KeePassXC.MainWindow", "openDatabase",
          g_variant_new ("(ss)", g_getenv ("RELINK_TEST_KEEPASSXC_DB2"),
                         g_getenv ("RELINK_TEST_KEEPASSXC_PASSWORD")),
          NULL, G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < 100; i++)
        {
          g_autofree char *now = relink_test_default_collection_path ();

          if (!g_str_equal (now, home) && !relink_test_collection_locked (now))
            break;
          g_usleep (100 * 1000);
        }
      {
        g_autofree char *now = relink_test_default_collection_path ();

        g_assert_cmpstr (now, !=, home);
      }
    }
  else
    {
      g_autoptr (SecretService) service = NULL;
      g_autoptr (SecretCollection) session = NULL;
      g_autoptr (SecretItem) planted = NULL;
      g_autoptr (SecretValue) secret = NULL;
      g_autoptr (RelinkSecretString) json = relink_token_set_to_json (first);
      g_autoptr (GHashTable) attributes
          = secret_attributes_build (&foreign_tokens_schema, "account", account, NULL);

      home = g_strdup ("/org/freedesktop/secrets/collection/session");
      service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION, NULL, &error);
      g_assert_no_error (error);
      session = secret_collection_for_alias_sync (service, "session", SECRET_COLLECTION_NONE, NULL,
                                                  &error);
      g_assert_no_error (error);
      g_assert_nonnull (session);
      g_assert_cmpstr (g_dbus_proxy_get_object_path (G_DBUS_PROXY (session)), ==, home);
      secret = secret_value_new (json, -1, "text/plain");
      planted = secret_item_create_sync (session, &foreign_tokens_schema, attributes,
                                         "Relink: elsewhere", secret, SECRET_ITEM_CREATE_NONE, NULL,
                                         &error);
      g_assert_no_error (error);
    }

  found = relink_secrets_lookup_tokens_sync (secrets, account, NULL, &error);
  g_assert_no_error (error);
  assert_tokens_equal (first, found);
  g_clear_object (&found);

  g_assert_true (relink_secrets_store_tokens_sync (secrets, account, "Relink: elsewhere", second,
                                                   NULL, &error));
  g_assert_no_error (error);

  items = find_items ("account", account);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  prefix = g_strconcat (home, "/", NULL);
  g_assert_true (g_str_has_prefix (g_dbus_proxy_get_object_path (items->data), prefix));
  value = secret_item_get_secret (items->data);
  g_assert_nonnull (strstr (secret_value_get_text (value), "refresh-replaced"));

  found = relink_secrets_lookup_tokens_sync (secrets, account, NULL, &error);
  g_assert_no_error (error);
  assert_tokens_equal (second, found);

  g_assert_true (relink_secrets_clear_tokens_sync (secrets, account, NULL, &error));
  g_assert_no_error (error);
  g_clear_list (&items, g_object_unref);
  items = find_items ("account", account);
  g_assert_null (items);
}

/* A Secret Service that never answers: it owns the name on a private bus
 * and takes every call without replying. */
static void
method_call_cb (GDBusConnection *connection,
                const char *sender,
                const char *object_path,
                const char *interface,
                const char *method,
                GVariant *parameters,
                GDBusMethodInvocation *invocation,
                gpointer user_data)
{
  /* The handler owns @invocation: held keeps it, never answered. */
  g_ptr_array_add (user_data, invocation);
}

static const char stalled_xml[]
    = "<node><interface name='org.freedesktop.Secret.Service'>"
      "<method name='OpenSession'><arg type='s' direction='in'/><arg type='v' direction='in'/>"
      "<arg type='v' direction='out'/><arg type='o' direction='out'/></method>"
      "</interface></node>";

static GDBusConnection *
stalled_service (GTestDBus *bus, GPtrArray *held)
{
  static const GDBusInterfaceVTable vtable = { method_call_cb, NULL, NULL, { 0 } };
  g_autoptr (GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (stalled_xml, NULL);
  g_autoptr (GError) error = NULL;
  GDBusConnection *connection;
  g_autoptr (GVariant) reply = NULL;

  g_test_dbus_up (bus);
  connection = g_dbus_connection_new_for_address_sync (
      g_test_dbus_get_bus_address (bus),
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (connection, "/org/freedesktop/secrets", node->interfaces[0],
                                     &vtable, held, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.secrets", 0), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

/* Every keyring call has a deadline, whatever the service does. */
static void
test_deadline (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
      g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr (GDBusConnection) service = NULL;
      g_autoptr (RelinkSecrets) secrets = NULL;
      g_autoptr (RelinkTokenSet) tokens = make_tokens ("deadline");
      g_autoptr (GError) error = NULL;
      GAsyncResult *result = NULL;
      gint64 start;

      g_setenv ("RELINK_SECRETS_TIMEOUT", "2", TRUE);
      service = stalled_service (bus, held);
      secrets = relink_secrets_new ();

      start = g_get_monotonic_time ();
      g_assert_null (relink_secrets_lookup_tokens_sync (secrets, "acct", NULL, &error));
      g_assert_error (error, RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_TIMED_OUT);
      g_assert_cmpstr (error->message, ==,
                       "The keyring did not answer in time. Check that it is running and "
                       "unlocked, then try again.");
      g_clear_error (&error);
      g_assert_false (
          relink_secrets_store_tokens_sync (secrets, "acct", "Relink: x", tokens, NULL, &error));
      g_assert_error (error, RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_TIMED_OUT);
      g_clear_error (&error);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 15 * G_USEC_PER_SEC);

      /* The asynchronous calls too, on the caller's context. */
      relink_secrets_lookup_tokens_async (secrets, "acct", NULL, relink_test_result_cb, &result);
      relink_test_wait_result (&result);
      g_assert_null (relink_secrets_lookup_tokens_finish (secrets, result, &error));
      g_assert_error (error, RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_TIMED_OUT);
      g_clear_object (&result);
      g_assert_cmpuint (held->len, >, 0);

      g_dbus_connection_close_sync (service, NULL, NULL);
      g_test_dbus_down (bus);
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static gboolean
interrupted_cb (gpointer user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

static gpointer
send_sigterm (gpointer user_data)
{
  g_usleep (500 * 1000);
  kill (getpid (), SIGTERM);
  return NULL;
}

/* A process that handles SIGTERM itself (relinkctl, on its main context)
 * is not kept waiting by a blocking keyring call, which runs in a private
 * context: the call ends at once, cancelled. */
static void
test_signal (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
      g_autoptr (GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr (GDBusConnection) service = NULL;
      g_autoptr (RelinkSecrets) secrets = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (GThread) thread = NULL;
      guint interrupted = 0;
      guint signal_id;
      gint64 start;

      service = stalled_service (bus, held);
      secrets = relink_secrets_new ();
      signal_id = g_unix_signal_add (SIGTERM, interrupted_cb, &interrupted);

      start = g_get_monotonic_time ();
      thread = g_thread_new ("sigterm", send_sigterm, NULL);
      g_assert_null (relink_secrets_lookup_tokens_sync (secrets, "acct", NULL, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
      g_thread_join (g_steal_pointer (&thread));

      /* The process's own handler still hears of it. */
      while (interrupted == 0)
        g_main_context_iteration (NULL, TRUE);
      g_source_remove (signal_id);

      g_dbus_connection_close_sync (service, NULL, NULL);
      g_test_dbus_down (bus);
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/token-set/json/round-trip", test_token_set_json_round_trip);
  g_test_add_func ("/token-set/json/missing-fields", test_token_set_json_missing);
  g_test_add_func ("/token-set/json/invalid", test_token_set_json_invalid);
  g_test_add_func ("/token-set/setters", test_token_set_setters);

  g_test_add_func ("/secrets/tokens/sync-round-trip", test_tokens_sync_round_trip);
  g_test_add_func ("/secrets/tokens/async-round-trip", test_tokens_async_round_trip);
  g_test_add_func ("/secrets/tokens/missing", test_tokens_missing);
  g_test_add_func ("/secrets/tokens/rotation", test_tokens_rotation);
  g_test_add_func ("/secrets/tokens/cancel-lookups", test_cancel_lookups);
  g_test_add_func ("/secrets/tokens/isolation", test_tokens_isolation);
  g_test_add_func ("/secrets/tokens/item-attributes", test_tokens_item_attributes);
  g_test_add_func ("/secrets/tokens/corrupt", test_tokens_corrupt);
  g_test_add_func ("/secrets/keyset/sync", test_keyset_secrets);
  g_test_add_func ("/secrets/keyset/async", test_keyset_secrets_async);
  g_test_add_func ("/secrets/errors/no-bus", test_no_service);
  g_test_add_func ("/secrets/errors/no-secret-service", test_no_service_name);
  g_test_add_func ("/secrets/errors/deadline", test_deadline);
  g_test_add_func ("/secrets/errors/signal", test_signal);
  g_test_add_func ("/secrets/tokens/other-collection", test_tokens_other_collection);
  g_test_add_func ("/secrets/tokens/locked", test_tokens_locked);

  return g_test_run ();
}
