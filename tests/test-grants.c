/* test-grants.c: accounts with several grants (HACKING.md, "Grant") over
 * a real store and the real keyring of the private test session: the
 * model, the migration of today's files, per-grant state, reminders and
 * the token service's dispatch on the grant kind.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "relink-account-json.h"
#include "relink-account-manager.h"
#include "relink-backoff.h"
#include "relink-expiry.h"
#include "relink-grant-tie-private.h"
#include "relink-grant.h"
#include "relink-keep-alive.h"
#include "relink-oauth-error.h"
#include "relink-reminder-schedule.h"
#include "relink-sign-in.h"
#include "relink-test-trading.h"
#include "relink-test-util.h"
#include "relink-token-service.h"

#define DAY (G_GINT64_CONSTANT (86400))

#define STUB_ID "ebay-stub"
#define SHOP_A "shop_a"
#define SHOP_A_EIAS "nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6AFk4GmCJCBoQydj6x9nY+seQ=="
#define SHOP_B "shop_b"
#define SHOP_B_EIAS "nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6AFlYSkD5GHqA6dj6x9nY+seQ=="
#define SHOP_A_OAUTH "v^1.1#i^1#p^3#I^3#r^0#f^0#t^H4sIShopAOAuth"
#define SHOP_B_OAUTH "v^1.1#i^1#p^3#I^3#r^0#f^0#t^H4sIShopBOAuth"

typedef struct
{
  char *dir;
  char *path;
  RelinkAccountManager *manager;
  RelinkTokenService *service;
  GAsyncResult *result;
  GPtrArray *ids; /* keyring items to clear */
  RelinkTestTrading *stub;
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->dir = relink_test_make_tmp_dir ();
  fixture->path = g_build_filename (fixture->dir, "relink.db", NULL);
  fixture->ids = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_object (&fixture->result);
  if (fixture->manager != NULL)
    relink_test_clear_keyring (fixture->manager, fixture->ids);
  if (fixture->service != NULL)
    relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->service));
  if (fixture->manager != NULL)
    relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->manager));
  g_clear_pointer (&fixture->ids, g_ptr_array_unref);
  g_clear_pointer (&fixture->stub, relink_test_trading_free);
  relink_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static void
open_manager (Fixture *fixture)
{
  g_autofree char *providers = g_build_filename (fixture->dir, "providers", NULL);
  g_autoptr (GError) error = NULL;

  fixture->manager = relink_test_open_manager (fixture->path, providers);
  g_assert_true (relink_account_manager_load_sync (fixture->manager, NULL, &error));
  g_assert_no_error (error);
}

static RelinkKeyset *
make_keyset (const char *id, const char *provider_id, const char *kind)
{
  RelinkKeyset *keyset = relink_keyset_new (id);

  relink_keyset_set_provider_id (keyset, provider_id);
  relink_keyset_set_environment (keyset,
                                 g_str_equal (provider_id, "ebay") ? "sandbox" : "production");
  relink_keyset_set_client_id (keyset, g_str_equal (kind, RELINK_GRANT_KIND_AUTH_N_AUTH)
                                           ? "Agency-Trading-SBX-app"
                                           : "Agency-Relink-SBX-client");
  relink_keyset_set_redirect (keyset, "Agency-Relink-SBX-runame");
  relink_keyset_set_grant_kind (keyset, kind);
  relink_keyset_set_created_at (keyset, 1);
  return keyset;
}

static RelinkAccount *
make_grant (const char *id,
            const char *keyset_id,
            const char *owner_id,
            const char *name,
            gint64 expires_at,
            RelinkAccountStatus status)
{
  RelinkAccount *grant = relink_account_new (id);

  relink_account_set_keyset_id (grant, keyset_id);
  relink_account_set_owner_id (grant, owner_id);
  relink_account_set_grant_name (grant, name);
  relink_account_set_identity_id (grant, "eias-shop-a");
  relink_account_set_identity_name (grant, "shop_a");
  relink_account_set_authorised_at (grant, expires_at - 540 * DAY);
  relink_account_set_access_expires_at (grant, expires_at);
  relink_account_set_refresh_expires_at (grant, expires_at);
  relink_account_set_status (grant, status);
  relink_account_set_created_at (grant, 2);
  if (owner_id == NULL)
    relink_account_set_nickname (grant, "Shop A");
  return grant;
}

/* "Shop A" (a1, OAuth, keys k1) with an Auth'n'Auth grant (g1, keys k2),
 * each expiring as given; tokens in the keyring for both. */
static void
populate_for (Fixture *fixture, const char *provider_id, gint64 oauth_expires, gint64 aan_expires)
{
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (RelinkKeyset) k1 = make_keyset ("k1", provider_id, RELINK_GRANT_KIND_OAUTH2);
  g_autoptr (RelinkKeyset) k2 = make_keyset ("k2", provider_id, RELINK_GRANT_KIND_AUTH_N_AUTH);
  g_autoptr (RelinkAccount) a1
      = make_grant ("a1", "k1", NULL, NULL, oauth_expires, RELINK_ACCOUNT_STATUS_CONNECTED);
  g_autoptr (RelinkAccount) g1 = make_grant ("g1", "k2", "a1", RELINK_GRANT_NAME_AUTH_N_AUTH,
                                             aan_expires, RELINK_ACCOUNT_STATUS_CONNECTED);
  g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();
  g_autoptr (RelinkTokenSet) oauth = relink_token_set_new ();
  g_autoptr (RelinkTokenSet) aan = relink_token_set_new ();
  g_autoptr (GError) error = NULL;

  store = relink_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_true (relink_store_save_keyset (store, k1, &error));
  g_assert_true (relink_store_save_keyset (store, k2, &error));
  g_assert_true (relink_store_save_account (store, a1, &error));
  g_assert_true (relink_store_save_account (store, g1, &error));
  g_assert_no_error (error);

  /* OAuth: an access token valid for two hours, and a refresh token. */
  relink_token_set_set_access_token (oauth, "v^1.1#oauth-access-a1");
  relink_token_set_set_refresh_token (oauth, "v^1.1#oauth-refresh-a1");
  relink_token_set_set_issued_at (oauth, relink_now ());
  relink_token_set_set_access_expires_at (oauth, relink_now () + 2 * 3600);
  relink_token_set_set_refresh_expires_at (oauth, oauth_expires);
  /* Auth'n'Auth: the eBayAuthToken alone, valid until HardExpirationTime. */
  relink_token_set_set_access_token (aan, "AgAAAA**auth-n-auth-g1");
  relink_token_set_set_issued_at (aan, aan_expires - 540 * DAY);
  relink_token_set_set_access_expires_at (aan, aan_expires);
  relink_token_set_set_refresh_expires_at (aan, aan_expires);
  g_assert_true (relink_secrets_store_tokens_sync (secrets, "a1", "Shop A", oauth, NULL, &error));
  g_assert_true (
      relink_secrets_store_tokens_sync (secrets, "g1", "Shop A (Auth'n'Auth)", aan, NULL, &error));
  g_assert_no_error (error);
  g_ptr_array_add (fixture->ids, g_strdup ("a1"));
  g_ptr_array_add (fixture->ids, g_strdup ("g1"));
}

static void
populate (Fixture *fixture, gint64 oauth_expires, gint64 aan_expires)
{
  populate_for (fixture, "ebay", oauth_expires, aan_expires);
}

/* Keeps @tokens in the keyring as @account's, labelled @label; cleared
 * when the test ends. */
static void
store_tokens (Fixture *fixture, RelinkAccount *account, const char *label, RelinkTokenSet *tokens)
{
  g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (relink_secrets_store_tokens_sync (secrets, relink_account_get_id (account), label,
                                                   tokens, NULL, &error));
  g_assert_no_error (error);
  g_ptr_array_add (fixture->ids, g_strdup (relink_account_get_id (account)));
}

/* Adds a grant of @keys to @account through the manager and returns it,
 * not yet signed in. */
static RelinkAccount *
add_grant (Fixture *fixture, RelinkAccount *account, RelinkKeyset *keys)
{
  g_autoptr (RelinkAccount) grant = relink_grant_new (account, keys);
  g_autoptr (GError) error = NULL;

  relink_account_manager_add_account_async (fixture->manager, grant, NULL, relink_test_result_cb,
                                            &fixture->result);
  g_assert_true (relink_account_manager_add_account_finish (
      fixture->manager, relink_test_wait_result (&fixture->result), &error));
  g_assert_no_error (error);
  g_clear_object (&fixture->result);
  g_ptr_array_add (fixture->ids, g_strdup (relink_account_get_id (grant)));
  return g_steal_pointer (&grant);
}

/* The manager shows one account holding two grants, linked both ways;
 * ids find grants, names find accounts. */
static void
test_model (Fixture *fixture, gconstpointer data)
{
  gint64 now = relink_now ();
  GListModel *accounts;
  GListModel *grants;
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (GPtrArray) list = NULL;
  RelinkAccount *grant;

  populate (fixture, now + 500 * DAY, now + 300 * DAY);
  open_manager (fixture);

  accounts = relink_account_manager_get_accounts (fixture->manager);
  grants = relink_account_manager_get_grants (fixture->manager);
  g_assert_cmpuint (g_list_model_get_n_items (accounts), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (grants), ==, 2);

  account = g_list_model_get_item (accounts, 0);
  g_assert_cmpstr (relink_account_get_id (account), ==, "a1");
  g_assert_null (relink_account_get_owner (account));
  g_assert_cmpuint (g_list_model_get_n_items (relink_account_get_extra_grants (account)), ==, 1);

  grant = relink_grant_lookup (account, RELINK_GRANT_NAME_AUTH_N_AUTH);
  g_assert_nonnull (grant);
  g_assert_cmpstr (relink_account_get_id (grant), ==, "g1");
  g_assert_true (relink_account_get_owner (grant) == account);
  g_assert_true (relink_account_get_account (grant) == account);
  g_assert_true (relink_grant_lookup (account, RELINK_GRANT_NAME_OAUTH) == account);
  g_assert_true (relink_grant_lookup (grant, NULL) == account);
  g_assert_null (relink_grant_lookup (account, "no-such-grant"));
  g_assert_cmpstr (relink_grant_get_kind (grant), ==, RELINK_GRANT_KIND_AUTH_N_AUTH);
  g_assert_cmpstr (relink_grant_get_kind (account), ==, RELINK_GRANT_KIND_OAUTH2);
  g_assert_false (relink_grant_kind_has_refresh_token (relink_grant_get_kind (grant)));
  /* Shown under its account's name; the seller's expectation is the account's. */
  g_assert_cmpstr (relink_account_get_display_name (grant), ==, "Shop A");
  relink_account_set_expected_identity (account, "shop_a");
  g_assert_cmpstr (relink_grant_get_expected_identity (grant), ==, "shop_a");

  list = relink_grant_list (grant);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_true (g_ptr_array_index (list, 0) == account);
  g_assert_true (g_ptr_array_index (list, 1) == grant);

  /* A further grant's id finds it; a nickname finds only the account. */
  g_assert_true (relink_account_manager_lookup_account (fixture->manager, "g1") == grant);
  g_assert_true (relink_account_manager_lookup_account (fixture->manager, "shop a") == account);
  /* Both keysets are in use. */
  g_assert_cmpuint (relink_account_manager_count_accounts_of_keyset (
                        fixture->manager, relink_account_get_keyset (grant)),
                    ==, 1);
}

/* The row and the JSON show the most urgent grant; each grant keeps its
 * own state. */
static void
test_most_urgent (Fixture *fixture, gconstpointer data)
{
  gint64 now = relink_now ();
  gint64 soon = RELINK_EXPIRY_DEFAULT_SOON_DAYS * DAY;
  RelinkAccount *account;
  RelinkAccount *grant;
  g_autoptr (GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (JsonNode) root = NULL;
  JsonObject *object;
  JsonArray *grants;
  guint attention = 0;

  /* The Auth'n'Auth token expires in 5 days, the OAuth grant in 500. */
  populate (fixture, now + 500 * DAY, now + 5 * DAY);
  open_manager (fixture);
  account = relink_account_manager_lookup_account (fixture->manager, "a1");
  grant = relink_account_manager_lookup_account (fixture->manager, "g1");

  g_assert_cmpint (relink_account_get_state (account, now, soon), ==, RELINK_ACCOUNT_STATE_VALID);
  g_assert_cmpint (relink_account_get_state (grant, now, soon), ==,
                   RELINK_ACCOUNT_STATE_EXPIRING_SOON);
  g_assert_true (relink_grant_most_urgent (account, now, soon) == grant);

  g_ptr_array_add (array, g_object_ref (account));
  root = relink_accounts_to_json (array, now, soon, TRUE, &attention);
  g_assert_cmpuint (attention, ==, 1);
  object = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (root), "accounts"), 0);
  g_assert_cmpint (
      json_node_get_int (json_object_get_member (json_node_get_object (root), "format_version")),
      ==, 1);
  g_assert_cmpstr (json_object_get_string_member (object, "id"), ==, "a1");
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "expiring_soon");
  g_assert_cmpstr (json_object_get_string_member (object, "keyset_id"), ==, "k2");
  g_assert_cmpint (json_object_get_int_member (object, "refresh_expires_at_unix"), ==,
                   now + 5 * DAY);
  grants = json_object_get_array_member (object, "grants");
  g_assert_cmpuint (json_array_get_length (grants), ==, 2);
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (grants, 0), "name"), ==,
      "oauth");
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (grants, 0), "state"), ==,
      "valid");
  g_assert_false (
      json_object_get_boolean_member (json_array_get_object_element (grants, 0), "most_urgent"));
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (grants, 1), "kind"), ==,
      "auth-n-auth");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (grants, 1), "id"),
                   ==, "g1");
  g_assert_true (
      json_object_get_boolean_member (json_array_get_object_element (grants, 1), "most_urgent"));

  /* When the OAuth grant needs a sign-in, that comes first. */
  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
  g_assert_true (relink_grant_most_urgent (account, now, soon) == account);
  /* Among equals, the one expiring first. */
  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_refresh_expires_at (account, now + 3 * DAY);
  g_assert_true (relink_grant_most_urgent (account, now, soon) == account);
}

/* Reminders per grant: the seller's leads apply to each grant, and an
 * Auth'n'Auth grant always gets one when eBay's HardExpirationWarning
 * starts, 7 days ahead. */
static void
test_reminder_leads (Fixture *fixture, gconstpointer data)
{
  gint64 now = relink_now ();
  const gint64 leads[] = { 30 * DAY }; /* the seller kept only 30 days */
  RelinkAccount *account;
  RelinkAccount *grant;
  RelinkReminderState given = { 0 };
  RelinkReminderPlan plan;
  g_autoptr (GArray) aan_leads = NULL;
  g_autoptr (GArray) oauth_leads = NULL;

  /* Both expire in 6 days 23 hours: inside eBay's warning window. */
  populate (fixture, now + 7 * DAY - 3600, now + 7 * DAY - 3600);
  open_manager (fixture);
  account = relink_account_manager_lookup_account (fixture->manager, "a1");
  grant = relink_account_manager_lookup_account (fixture->manager, "g1");

  aan_leads = relink_grant_reminder_leads (grant, leads, G_N_ELEMENTS (leads));
  g_assert_cmpuint (aan_leads->len, ==, 2);
  g_assert_cmpint (g_array_index (aan_leads, gint64, 0), ==, 30 * DAY);
  g_assert_cmpint (g_array_index (aan_leads, gint64, 1), ==,
                   RELINK_GRANT_HARD_EXPIRATION_WARNING_LEAD);
  oauth_leads = relink_grant_reminder_leads (account, leads, G_N_ELEMENTS (leads));
  g_assert_cmpuint (oauth_leads->len, ==, 1);

  /* The 30-day reminder was given for both already. */
  given = (RelinkReminderState){ now + 7 * DAY - 3600, 30 * DAY, now - 23 * DAY };
  relink_reminder_schedule_account (grant, leads, G_N_ELEMENTS (leads), &given, now, &plan);
  g_assert_true (plan.due);
  g_assert_cmpint (plan.reminder.lead, ==, 7 * DAY);
  relink_reminder_schedule_account (account, leads, G_N_ELEMENTS (leads), &given, now, &plan);
  g_assert_false (plan.due);

  /* With the 7-day lead given, the next is the expiry itself. */
  given = (RelinkReminderState){ now + 7 * DAY - 3600, 7 * DAY, now };
  relink_reminder_schedule_account (grant, leads, G_N_ELEMENTS (leads), &given, now, &plan);
  g_assert_false (plan.due);
  g_assert_cmpint (plan.next_deadline, ==, now + 7 * DAY - 3600);

  /* eBay's warning window is modelled as a fixed lead of 7 days, not
   * read from eBay's answers: 8 days ahead nothing is due, and the
   * reminder is planned for exactly 7 days before the expiry, even when
   * the seller keeps no lead times at all. */
  g_assert_cmpint (RELINK_GRANT_HARD_EXPIRATION_WARNING_LEAD, ==, 7 * DAY);
  relink_account_set_access_expires_at (grant, now + 8 * DAY);
  relink_account_set_refresh_expires_at (grant, now + 8 * DAY);
  given = (RelinkReminderState){ now + 8 * DAY, 30 * DAY, now - 22 * DAY };
  relink_reminder_schedule_account (grant, leads, G_N_ELEMENTS (leads), &given, now, &plan);
  g_assert_false (plan.due);
  g_assert_cmpint (plan.next_deadline, ==, now + 8 * DAY - 7 * DAY);
  given = (RelinkReminderState){ 0 };
  relink_reminder_schedule_account (grant, NULL, 0, &given, now, &plan);
  g_assert_false (plan.due);
  g_assert_cmpint (plan.next_deadline, ==, now + DAY);
  relink_reminder_schedule_account (grant, NULL, 0, &given, now + DAY + 1, &plan);
  g_assert_true (plan.due);
  g_assert_cmpint (plan.reminder.lead, ==, 7 * DAY);
}

static RelinkTokenService *
service (Fixture *fixture)
{
  if (fixture->service == NULL)
    fixture->service = relink_token_service_new (fixture->manager);
  return fixture->service;
}

static char *
get_token (Fixture *fixture, RelinkAccount *grant, GError **error)
{
  relink_token_service_get_access_token_async (service (fixture), grant, NULL,
                                               relink_test_result_cb, &fixture->result);
  relink_test_wait_result (&fixture->result);
  {
    g_autoptr (GAsyncResult) result = g_steal_pointer (&fixture->result);

    return relink_token_service_get_access_token_finish (service (fixture), result, NULL, error);
  }
}

/* Each grant hands out its own token; a valid Auth'n'Auth token is used
 * as it is, and a lapsed one needs a sign-in: no request, no failed
 * refresh, nothing changed in the store or the keyring. */
static void
test_token_per_grant (Fixture *fixture, gconstpointer data)
{
  gint64 now = relink_now ();
  RelinkAccount *account;
  RelinkAccount *grant;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *keyring_before = NULL;
  g_autofree char *keyring_after = NULL;
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (RelinkAccount) stored = NULL;

  populate (fixture, now + 500 * DAY, now + 300 * DAY);
  open_manager (fixture);
  account = relink_account_manager_lookup_account (fixture->manager, "a1");
  grant = relink_account_manager_lookup_account (fixture->manager, "g1");

  token = get_token (fixture, account, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "v^1.1#oauth-access-a1");
  g_clear_pointer (&token, g_free);
  token = get_token (fixture, grant, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "AgAAAA**auth-n-auth-g1");
  g_clear_pointer (&token, g_free);

  /* Lapsed yesterday. */
  relink_account_set_access_expires_at (grant, now - DAY);
  relink_account_set_refresh_expires_at (grant, now - DAY);
  {
    g_autoptr (RelinkTokenSet) lapsed = relink_test_keyring_tokens (fixture->manager, grant);
    g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();

    relink_token_set_set_access_expires_at (lapsed, now - DAY);
    relink_token_set_set_refresh_expires_at (lapsed, now - DAY);
    g_assert_true (relink_secrets_store_tokens_sync (secrets, "g1", "Shop A (Auth'n'Auth)", lapsed,
                                                     NULL, &error));
    g_assert_no_error (error);
  }
  keyring_before = relink_test_keyring_json (fixture->manager, grant);

  token = get_token (fixture, grant, &error);
  g_assert_null (token);
  g_assert_error (error, RELINK_TOKEN_SERVICE_ERROR, RELINK_TOKEN_SERVICE_ERROR_NO_REFRESH);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "Auth'n'Auth"));
  g_assert_nonnull (strstr (error->message, "expired on"));
  g_assert_nonnull (strstr (error->message, "sign in again"));
  g_assert_null (strstr (error->message, "refresh failed"));
  g_clear_error (&error);

  keyring_after = relink_test_keyring_json (fixture->manager, grant);
  g_assert_cmpstr (keyring_after, ==, keyring_before);
  stored = relink_test_stored_account (fixture->manager, grant);
  g_assert_cmpint (relink_account_get_status (stored), ==, RELINK_ACCOUNT_STATUS_CONNECTED);
  g_assert_null (relink_account_get_status_message (stored));
  g_assert_cmpint (relink_account_get_status (grant), ==, RELINK_ACCOUNT_STATUS_CONNECTED);
  g_assert_cmpint (relink_account_get_state (grant, now, 14 * DAY), ==,
                   RELINK_ACCOUNT_STATE_EXPIRED);
  history = relink_test_history (fixture->manager, grant);
  g_assert_cmpuint (history->len, ==, 0);
  /* The account's other grant is untouched. */
  token = get_token (fixture, account, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "v^1.1#oauth-access-a1");
}

/* "Shop A" on the Trading stub's profile: an OAuth grant (a1) and an
 * Auth'n'Auth grant (g1) with the stub's keys (Cert ID in the keyring)
 * and an eBayAuthToken the stub issued, valid 300 more days here. */
static RelinkAccount *
populate_trading (Fixture *fixture)
{
  gint64 now = relink_now ();
  g_autofree char *providers = g_build_filename (fixture->dir, "providers", NULL);
  g_autoptr (RelinkTokenSet) aan = relink_token_set_new ();
  g_autofree char *token = NULL;
  g_autoptr (RelinkKeyset) keyset = NULL;
  RelinkAccount *account;
  RelinkAccount *grant;

  fixture->stub = relink_test_trading_new (NULL);
  relink_test_trading_add_user (fixture->stub, SHOP_A, SHOP_A_EIAS);
  relink_test_trading_add_user (fixture->stub, SHOP_B, SHOP_B_EIAS);
  relink_test_trading_add_oauth_token (fixture->stub, SHOP_A_OAUTH, SHOP_A);
  relink_test_trading_add_oauth_token (fixture->stub, SHOP_B_OAUTH, SHOP_B);
  g_assert_cmpint (g_mkdir_with_parents (providers, 0700), ==, 0);
  relink_test_trading_write_profile (fixture->stub, providers, STUB_ID);
  open_manager (fixture);

  keyset = relink_test_trading_add_keyset (fixture->manager, STUB_ID, NULL);
  account = relink_test_add_account (fixture->manager, keyset, "Shop A", SHOP_A);
  relink_account_set_identity_id (account, SHOP_A_EIAS);
  relink_account_set_identity_name (account, SHOP_A);
  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_access_expires_at (account, now + 300 * DAY);
  relink_account_set_refresh_expires_at (account, now + 300 * DAY);
  grant = account;

  token = relink_test_trading_issue_token (fixture->stub, SHOP_A);
  relink_token_set_set_access_token (aan, token);
  relink_token_set_set_issued_at (aan, now - 240 * DAY);
  relink_token_set_set_access_expires_at (aan, now + 300 * DAY);
  relink_token_set_set_token_type (aan, "Auth'n'Auth");
  store_tokens (fixture, grant, "Shop A", aan);
  return grant;
}

static char *
run_test (Fixture *fixture, RelinkAccount *grant, GError **error)
{
  char *text;

  relink_token_service_test_async (service (fixture), grant, NULL, relink_test_result_cb,
                                   &fixture->result);
  text = relink_token_service_test_finish (service (fixture),
                                           relink_test_wait_result (&fixture->result), error);
  g_clear_object (&fixture->result);
  return text;
}

/* A sign-in of @grant, prepared (its consent page known). */
static RelinkSignIn *
prepare_sign_in (Fixture *fixture, RelinkAccount *grant, GError **error)
{
  RelinkSignIn *sign_in = relink_sign_in_new (fixture->manager, grant, error);
  gboolean ok;

  g_assert_nonnull (sign_in);
  relink_sign_in_prepare_async (sign_in, NULL, relink_test_result_cb, &fixture->result);
  ok = relink_sign_in_prepare_finish (sign_in, relink_test_wait_result (&fixture->result), error);
  g_clear_object (&fixture->result);
  g_assert_true (ok);
  return sign_in;
}

/* Completes @sign_in as the login view does when the browser reaches
 * @page. */
static gboolean
complete_sign_in (Fixture *fixture, RelinkSignIn *sign_in, const char *page, GError **error)
{
  gboolean ok;

  relink_sign_in_complete_async (sign_in, page, NULL, relink_test_result_cb, &fixture->result);
  ok = relink_sign_in_complete_finish (sign_in, relink_test_wait_result (&fixture->result), error);
  g_clear_object (&fixture->result);
  return ok;
}

/* Signs @grant in at the stub as @user_id, the browser's part played by
 * the stub. */
static gboolean
sign_in_as (Fixture *fixture, RelinkAccount *grant, const char *user_id, GError **error)
{
  g_autoptr (RelinkSignIn) sign_in = prepare_sign_in (fixture, grant, error);
  g_autofree char *page = NULL;

  relink_test_trading_consent (fixture->stub, relink_test_trading_get_last_session (fixture->stub),
                               user_id, TRUE);
  page = relink_test_trading_default_page (fixture->stub, TRUE);
  return complete_sign_in (fixture, sign_in, page, error);
}

/* An Auth'n'Auth grant added to an account whose own grant is OAuth is
 * tied to the same seller: GetUser with the OAuth access token must give
 * the EIASToken of the new sign-in. Another seller is refused, the new
 * token revoked, nothing stored, the OAuth tokens byte-identical. */
static void
test_trading_tie (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) aan = populate_trading (fixture);
  g_autoptr (RelinkTokenSet) oauth = relink_token_set_new ();
  g_autoptr (RelinkAccount) grant = NULL;
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (RelinkTokenSet) none = NULL;
  g_autoptr (RelinkTokenSet) stored = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkKeyset) keys = NULL;
  g_autoptr (RelinkKeyset) own_keys = NULL;

  /* "Shop B" holds OAuth (shop_a's commerce id) and gets Auth'n'Auth. */
  keys = relink_test_add_keyset (fixture->manager, STUB_ID, "production", "Shop-OAuth-PRD",
                                 "oauth-secret");
  account = relink_test_add_account (fixture->manager, keys, "Shop B", NULL);
  relink_account_set_identity_id (account, "commerce-user-a");
  relink_account_set_identity_name (account, SHOP_A);
  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_token_set_set_access_token (oauth, SHOP_A_OAUTH);
  relink_token_set_set_refresh_token (oauth, "v^1.1#oauth-refresh");
  relink_token_set_set_issued_at (oauth, relink_now ());
  relink_token_set_set_access_expires_at (oauth, relink_now () + 7200);
  store_tokens (fixture, account, "Shop B", oauth);
  before = relink_test_keyring_json (fixture->manager, account);

  /* Keys of their own: another account of the same keys already is
   * shop_a (populate_trading), which the sign-in refuses as a twin. */
  own_keys = relink_test_trading_add_keyset (fixture->manager, STUB_ID, NULL);
  grant = add_grant (fixture, account, own_keys);

  /* shop_b signs in for shop_a's account: refused, naming both. */
  g_assert_false (sign_in_as (fixture, grant, SHOP_B, &error));
  g_assert_error (error, RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_WRONG_ACCOUNT);
  g_assert_nonnull (strstr (error->message, SHOP_A));
  g_assert_nonnull (strstr (error->message, SHOP_B));
  g_clear_error (&error);
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "RevokeToken"), ==, 1);
  none = relink_test_keyring_tokens (fixture->manager, grant);
  g_assert_null (none);
  g_assert_null (relink_account_get_identity_id (grant));
  after = relink_test_keyring_json (fixture->manager, account);
  g_assert_cmpstr (after, ==, before);

  /* shop_a: the same EIASToken both ways, accepted and stored. */
  sign_in_as (fixture, grant, SHOP_A, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_account_get_identity_id (grant), ==, SHOP_A_EIAS);
  stored = relink_test_keyring_tokens (fixture->manager, grant);
  g_assert_nonnull (stored);
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "RevokeToken"), ==, 1);
  g_free (after);
  after = relink_test_keyring_json (fixture->manager, account);
  g_assert_cmpstr (after, ==, before);
}

/* Adds an Auth'n'Auth grant to @account and returns it, not yet signed
 * in. Keys of their own: the keys populate_trading() used already serve
 * shop_a, which the sign-in would refuse as a twin. */
static RelinkAccount *
add_aan_grant (Fixture *fixture, RelinkAccount *account)
{
  g_autoptr (RelinkKeyset) keys = relink_test_trading_add_keyset (fixture->manager, STUB_ID, NULL);

  return add_grant (fixture, account, keys);
}

/* "Shop B": an eBay OAuth grant of shop_a on the stub's OAuth keys whose
 * stored access token lapsed ten minutes ago (eBay's live two hours),
 * with @refresh_token. */
static RelinkAccount *
add_lapsed_oauth_account (Fixture *fixture, const char *refresh_token)
{
  g_autoptr (RelinkTokenSet) oauth = relink_token_set_new ();
  gint64 now = relink_now ();
  g_autoptr (RelinkKeyset) keys = NULL;
  RelinkAccount *account;

  keys = relink_test_add_keyset (fixture->manager, STUB_ID, "production",
                                 RELINK_TEST_TRADING_OAUTH_CLIENT_ID,
                                 RELINK_TEST_TRADING_OAUTH_SECRET);
  relink_keyset_set_redirect (keys, RELINK_TEST_TRADING_RUNAME);
  account = relink_test_add_account (fixture->manager, keys, "Shop B", NULL);
  relink_account_set_identity_id (account, "commerce-shop_a");
  relink_account_set_identity_name (account, SHOP_A);
  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_access_expires_at (account, now - 600);
  relink_account_set_refresh_expires_at (account, now + 400 * DAY);
  relink_token_set_set_access_token (oauth, "v^1.1#i^1#t^H4sILapsedAccess");
  relink_token_set_set_refresh_token (oauth, refresh_token);
  relink_token_set_set_issued_at (oauth, now - 7800);
  relink_token_set_set_access_expires_at (oauth, now - 600);
  relink_token_set_set_refresh_expires_at (oauth, now + 400 * DAY);
  store_tokens (fixture, account, "Shop B", oauth);
  return account;
}

#define SHOP_A_REFRESH "v^1.1#i^1#f^0#r^1#p^3#I^3#t^Ul4xMF9ShopARefresh"

/* Auth'n'Auth added beside an OAuth grant whose stored access token
 * lapsed: the tie asks the process's token service for a valid token,
 * which refreshes it at eBay's token endpoint first (as `relinkctl
 * token` would: one refresh, the new token saved for the OAuth grant),
 * and GetUser with the new token ties the seller. */
static void
test_trading_tie_refresh (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) aan = populate_trading (fixture);
  g_autoptr (RelinkAccount) grant = NULL;
  g_autoptr (RelinkTokenSet) oauth = NULL;
  g_autoptr (RelinkTokenSet) stored = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkAccount) account = NULL;

  relink_test_trading_add_refresh_token (fixture->stub, SHOP_A_REFRESH, SHOP_A);
  account = add_lapsed_oauth_account (fixture, SHOP_A_REFRESH);
  /* The context's one service: the tie must use it, not make another. */
  service (fixture);
  g_assert_true (relink_account_manager_get_token_service (fixture->manager) == fixture->service);
  grant = add_aan_grant (fixture, account);

  g_assert_true (sign_in_as (fixture, grant, SHOP_A, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "oauth-refresh"), ==, 1);
  g_assert_cmpstr (relink_account_get_identity_id (grant), ==, SHOP_A_EIAS);
  stored = relink_test_keyring_tokens (fixture->manager, grant);
  g_assert_nonnull (stored);
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "RevokeToken"), ==, 0);

  /* The OAuth grant got a new access token through the service, with
   * its refresh token kept (eBay's refresh brings none). */
  oauth = relink_test_keyring_tokens (fixture->manager, account);
  g_assert_nonnull (oauth);
  g_assert_cmpstr (relink_token_set_get_access_token (oauth), !=, "v^1.1#i^1#t^H4sILapsedAccess");
  g_assert_cmpstr (relink_token_set_get_refresh_token (oauth), ==, SHOP_A_REFRESH);
  g_assert_cmpint (relink_token_set_get_access_expires_at (oauth), >, relink_now () + 3600);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_CONNECTED);
  g_assert_cmpint (relink_account_get_access_expires_at (account), >, relink_now () + 3600);
}

/* The same when eBay refuses the refresh (the OAuth grant is gone): a
 * plain sentence saying to renew that token first, the new Auth'n'Auth
 * token revoked and not kept, the OAuth grant's keyring item as it was. */
static void
test_trading_tie_refresh_refused (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) aan = populate_trading (fixture);
  g_autoptr (RelinkAccount) grant = NULL;
  g_autoptr (RelinkTokenSet) none = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkAccount) account = NULL;

  /* A refresh token eBay does not know (any more). */
  account = add_lapsed_oauth_account (fixture, "v^1.1#i^1#r^1#t^RevokedRefresh");
  before = relink_test_keyring_json (fixture->manager, account);
  grant = add_aan_grant (fixture, account);

  g_assert_false (sign_in_as (fixture, grant, SHOP_A, &error));
  g_assert_error (error, RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_CONFIGURATION);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "Shop B"));
  g_assert_nonnull (strstr (error->message, "OAuth"));
  g_assert_nonnull (strstr (error->message, "Renew that token first"));
  g_assert_null (strstr (error->message, "RevokedRefresh"));
  g_assert_null (strstr (error->message, "v^1.1"));
  g_clear_error (&error);
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "oauth-refresh"), ==, 1);
  /* No GetUser for the OAuth grant without a valid token. */
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "GetUser"), ==, 1);

  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "RevokeToken"), ==, 1);
  none = relink_test_keyring_tokens (fixture->manager, grant);
  g_assert_null (none);
  g_assert_null (relink_account_get_identity_id (grant));
  after = relink_test_keyring_json (fixture->manager, account);
  g_assert_cmpstr (after, ==, before);
}

/* Every wait of the tie ends: eBay leaves GetUser with the OAuth token
 * unanswered, and the sign-in ends at the tie's deadline with "did not
 * answer in time", the new Auth'n'Auth token revoked and not kept. */
static void
test_trading_tie_deadline (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) aan = populate_trading (fixture);
  g_autoptr (RelinkAccount) grant = NULL;
  g_autoptr (RelinkTokenSet) none = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkAccount) account = NULL;
  gint64 started;

  relink_test_trading_add_refresh_token (fixture->stub, SHOP_A_REFRESH, SHOP_A);
  account = add_lapsed_oauth_account (fixture, SHOP_A_REFRESH);
  grant = add_aan_grant (fixture, account);
  relink_test_trading_stall_oauth_get_user (fixture->stub, TRUE);
  relink_grant_tie_set_timeout (1);

  started = g_get_monotonic_time ();
  g_assert_false (sign_in_as (fixture, grant, SHOP_A, &error));
  relink_grant_tie_set_timeout (0);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 20 * G_USEC_PER_SEC);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NETWORK);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "did not answer in time"));
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "GetUser"), ==, 2);
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "RevokeToken"), ==, 1);
  none = relink_test_keyring_tokens (fixture->manager, grant);
  g_assert_null (none);
  g_assert_null (relink_account_get_identity_id (grant));
}

/* Signs the OAuth @grant in at the stub as @user_id: eBay's consent page
 * ends on its own success page with the code and the state, which the
 * login view catches (the keyset names no accepted URL). */
static gboolean
sign_in_oauth_as (Fixture *fixture, RelinkAccount *grant, const char *user_id, GError **error)
{
  g_autoptr (RelinkSignIn) sign_in = prepare_sign_in (fixture, grant, error);
  g_autoptr (GUri) consent = NULL;
  g_autoptr (GHashTable) params = NULL;
  g_autofree char *code = NULL;
  g_autofree char *code_escaped = NULL;
  g_autofree char *state_escaped = NULL;
  g_autofree char *page = NULL;

  consent
      = g_uri_parse (relink_sign_in_get_authorize_url (sign_in), G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_assert_nonnull (consent);
  params = g_uri_parse_params (g_uri_get_query (consent), -1, "&", G_URI_PARAMS_NONE, NULL);
  g_assert_cmpstr (g_hash_table_lookup (params, "client_id"), ==,
                   RELINK_TEST_TRADING_OAUTH_CLIENT_ID);
  g_assert_cmpstr (g_hash_table_lookup (params, "redirect_uri"), ==, RELINK_TEST_TRADING_RUNAME);
  g_assert_nonnull (g_hash_table_lookup (params, "state"));

  code = relink_test_trading_oauth_code (fixture->stub, user_id);
  code_escaped = g_uri_escape_string (code, NULL, FALSE);
  state_escaped = g_uri_escape_string (g_hash_table_lookup (params, "state"), NULL, FALSE);
  page = g_strdup_printf ("https://auth2.ebay.com/oauth2/ThirdPartyAuthSucessFailure"
                          "?isAuthSuccessful=true&code=%s&expires_in=299&state=%s",
                          code_escaped, state_escaped);
  g_assert_true (relink_sign_in_is_redirect (sign_in, page));
  return complete_sign_in (fixture, sign_in, page, error);
}

/* The opposite order: "Shop A" has Auth'n'Auth and adds eBay OAuth. The
 * OAuth sign-in's new access token asks GetUser (X-EBAY-API-IAF-TOKEN)
 * for its EIASToken, compared with the Auth'n'Auth grant's identity id.
 * Another eBay user is refused naming both, the new OAuth tokens are not
 * kept and the Auth'n'Auth grant's keyring item stays byte-identical; the
 * same seller is accepted. */
static void
test_trading_tie_oauth_after (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) account = populate_trading (fixture);
  g_autoptr (RelinkAccount) grant = NULL;
  g_autoptr (RelinkTokenSet) none = NULL;
  g_autoptr (RelinkTokenSet) stored = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkKeyset) keys = NULL;
  guint get_user;

  /* No expected seller named: only the tie can tell shop_b from shop_a
   * (an expected "shop_a" would refuse shop_b before it). */
  relink_account_set_expected_identity (account, NULL);
  g_assert_cmpstr (relink_grant_get_kind (account), ==, RELINK_GRANT_KIND_AUTH_N_AUTH);
  before = relink_test_keyring_json (fixture->manager, account);
  g_assert_nonnull (before);

  keys = relink_test_add_keyset (fixture->manager, STUB_ID, "production",
                                 RELINK_TEST_TRADING_OAUTH_CLIENT_ID,
                                 RELINK_TEST_TRADING_OAUTH_SECRET);
  relink_keyset_set_redirect (keys, RELINK_TEST_TRADING_RUNAME);
  grant = add_grant (fixture, account, keys);
  g_assert_cmpstr (relink_grant_get_kind (grant), ==, RELINK_GRANT_KIND_OAUTH2);

  /* shop_b consents: Commerce Identity names shop_b, GetUser with the new
   * OAuth token gives shop_b's EIASToken, not the account's. */
  get_user = relink_test_trading_hits (fixture->stub, "GetUser");
  g_assert_false (sign_in_oauth_as (fixture, grant, SHOP_B, &error));
  g_assert_error (error, RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_WRONG_ACCOUNT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, SHOP_A));
  g_assert_nonnull (strstr (error->message, SHOP_B));
  g_assert_null (strstr (error->message, "v^1.1"));
  g_clear_error (&error);
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "oauth-code"), ==, 1);
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "GetUser"), ==, get_user + 1);
  none = relink_test_keyring_tokens (fixture->manager, grant);
  g_assert_null (none);
  g_assert_null (relink_account_get_identity_id (grant));
  g_assert_cmpint (relink_account_get_status (grant), !=, RELINK_ACCOUNT_STATUS_CONNECTED);
  after = relink_test_keyring_json (fixture->manager, account);
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&after, g_free);

  /* shop_a: the same EIASToken both ways, accepted and kept. */
  g_assert_true (sign_in_oauth_as (fixture, grant, SHOP_A, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "GetUser"), ==, get_user + 2);
  {
    g_autofree char *commerce = relink_test_trading_commerce_id (SHOP_A);

    g_assert_cmpstr (relink_account_get_identity_id (grant), ==, commerce);
  }
  stored = relink_test_keyring_tokens (fixture->manager, grant);
  g_assert_nonnull (stored);
  g_assert_nonnull (relink_token_set_get_refresh_token (stored));
  after = relink_test_keyring_json (fixture->manager, account);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (relink_account_get_identity_id (account), ==, SHOP_A_EIAS);
}

/* Test of an Auth'n'Auth grant: GetTokenStatus, then GetUser, whose
 * EIASToken is compared with the grant's verified identity. */
static void
test_trading_test (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) grant = populate_trading (fixture);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *other = NULL;

  text = run_test (fixture, grant, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, SHOP_A));
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "GetTokenStatus"), ==, 1);
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "GetUser"), ==, 1);
  g_assert_true (relink_account_get_last_test_ok (grant));

  /* Another seller's EIASToken: refused as an OAuth Test refuses one. */
  relink_account_set_identity_id (grant, SHOP_B_EIAS);
  relink_account_set_identity_name (grant, SHOP_B);
  other = run_test (fixture, grant, &error);
  g_assert_null (other);
  g_assert_error (error, RELINK_TOKEN_SERVICE_ERROR, RELINK_TOKEN_SERVICE_ERROR_WRONG_ACCOUNT);
  g_assert_nonnull (strstr (error->message, SHOP_A));
  g_assert_nonnull (strstr (error->message, SHOP_B));
}

/* eBay's 932 (hard-expired) and 931 (invalid) make Test say "sign in
 * again" without a refresh, and keep the token byte for byte. */
static void
test_trading_test_expired (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) grant = populate_trading (fixture);
  g_autofree char *before = relink_test_keyring_json (fixture->manager, grant);
  const char *codes[] = { "932", "931" };

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *text = NULL;
      g_autofree char *after = NULL;

      relink_account_set_status (grant, RELINK_ACCOUNT_STATUS_CONNECTED);
      relink_test_trading_fail_call (fixture->stub, "GetTokenStatus", codes[i]);
      text = run_test (fixture, grant, &error);
      g_assert_null (text);
      g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_GRANT);
      g_assert_nonnull (strstr (error->message, "sign in again"));
      g_assert_cmpint (relink_account_get_status (grant), ==, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
      after = relink_test_keyring_json (fixture->manager, grant);
      g_assert_cmpstr (after, ==, before);
    }
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "GetUser"), ==, 0);
}

/* Revoke: RevokeToken at eBay, then the keyring item is cleared. */
static void
test_trading_revoke (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkAccount) grant = populate_trading (fixture);
  g_autoptr (RelinkTokenSet) tokens = relink_test_keyring_tokens (fixture->manager, grant);
  g_autofree char *token = g_strdup (relink_token_set_get_access_token (tokens));
  g_autoptr (RelinkTokenSet) left = NULL;
  g_autoptr (GError) error = NULL;
  gboolean withdrawn = FALSE;

  g_assert_cmpstr (relink_test_trading_token_status (fixture->stub, token), ==, "Active");
  relink_token_service_revoke_async (service (fixture), grant, NULL, relink_test_result_cb,
                                     &fixture->result);
  g_assert_true (relink_token_service_revoke_finish (
      service (fixture), relink_test_wait_result (&fixture->result), &withdrawn, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (withdrawn);
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "RevokeToken"), ==, 1);
  g_assert_cmpstr (relink_test_trading_token_status (fixture->stub, token), ==, "RevokedByApp");
  left = relink_test_keyring_tokens (fixture->manager, grant);
  g_assert_null (left);
  g_assert_cmpint (relink_account_get_status (grant), ==, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
}

/* The keep-alive works per grant, and leaves alone a kind without
 * refresh tokens (on a marketplace whose refreshes extend the grant, so
 * that only the kind tells them apart). */
static void
test_keep_alive (Fixture *fixture, gconstpointer data)
{
  gint64 now = relink_now ();
  g_autoptr (RelinkKeepAlive) keep_alive = NULL;
  RelinkAccount *account;
  RelinkAccount *grant;

  populate_for (fixture, "etsy", now + 30 * DAY, now + 30 * DAY);
  open_manager (fixture);
  account = relink_account_manager_lookup_account (fixture->manager, "a1");
  grant = relink_account_manager_lookup_account (fixture->manager, "g1");
  g_assert_true (relink_provider_get_refresh_extends (relink_account_get_provider (grant)));

  keep_alive = relink_keep_alive_new (service (fixture));
  g_assert_cmpint (relink_keep_alive_get_account_deadline (keep_alive, account), <,
                   RELINK_KEEP_ALIVE_NEVER);
  g_assert_cmpint (relink_keep_alive_get_account_deadline (keep_alive, grant), ==,
                   RELINK_KEEP_ALIVE_NEVER);
}

/* Removing the account removes every grant: keyring items first, then
 * the rows and their history. */
static void
test_remove_account (Fixture *fixture, gconstpointer data)
{
  gint64 now = relink_now ();
  RelinkAccount *account;
  RelinkAccount *grant;
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkAccount) grant_ref = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;

  populate (fixture, now + 500 * DAY, now + 300 * DAY);
  open_manager (fixture);
  account = relink_account_manager_lookup_account (fixture->manager, "a1");
  grant_ref = g_object_ref (relink_account_manager_lookup_account (fixture->manager, "g1"));
  grant = grant_ref;

  relink_account_manager_remove_account_async (fixture->manager, account, NULL,
                                               relink_test_result_cb, &fixture->result);
  g_assert_true (relink_account_manager_remove_account_finish (
      fixture->manager, relink_test_wait_result (&fixture->result), &error));
  g_assert_no_error (error);
  g_clear_object (&fixture->result);

  g_assert_cmpuint (
      g_list_model_get_n_items (relink_account_manager_get_accounts (fixture->manager)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (relink_account_manager_get_grants (fixture->manager)),
                    ==, 0);
  tokens = relink_test_keyring_tokens (fixture->manager, grant);
  g_assert_null (tokens);
  {
    g_autoptr (RelinkStore) store = relink_store_open (fixture->path, &error);
    g_autoptr (GPtrArray) rows = NULL;

    g_assert_no_error (error);
    rows = relink_store_load_accounts (store, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rows->len, ==, 0);
  }
}

/* A store of today's schema (version 1) with accounts, tokens in the
 * keyring and history opens as version 2 with nothing lost: each account
 * is one OAuth grant, and its keyring item is read as before. */
static void
test_migrate_with_keyring (Fixture *fixture, gconstpointer data)
{
  static const char *const v1_sql
      = "PRAGMA journal_mode = WAL;"
        "CREATE TABLE keysets (  id TEXT PRIMARY KEY NOT NULL,  provider_id TEXT,"
        "  environment TEXT,  label TEXT,  client_id TEXT,  redirect TEXT,"
        "  extras TEXT NOT NULL DEFAULT '{}',  secret_expires_at INTEGER NOT NULL DEFAULT 0,"
        "  invalid INTEGER NOT NULL DEFAULT 0,  created_at INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE accounts (  id TEXT PRIMARY KEY NOT NULL,  keyset_id TEXT,  nickname TEXT,"
        "  expected_identity TEXT,  identity_id TEXT,  identity_name TEXT,  scopes TEXT,"
        "  authorised_at INTEGER NOT NULL DEFAULT 0,  access_expires_at INTEGER NOT NULL DEFAULT 0,"
        "  refresh_expires_at INTEGER NOT NULL DEFAULT 0,"
        "  last_refresh_at INTEGER NOT NULL DEFAULT 0,  last_test_at INTEGER NOT NULL DEFAULT 0,"
        "  last_test_ok INTEGER NOT NULL DEFAULT 0,  last_test_message TEXT,"
        "  status INTEGER NOT NULL DEFAULT 0,  status_message TEXT,"
        "  created_at INTEGER NOT NULL DEFAULT 0);"
        "CREATE INDEX accounts_keyset_id ON accounts (keyset_id);"
        "CREATE TABLE history (  id INTEGER PRIMARY KEY,  account_id TEXT NOT NULL,"
        "  at INTEGER NOT NULL,  kind INTEGER NOT NULL,  ok INTEGER NOT NULL,  program TEXT,"
        "  message TEXT);"
        "CREATE INDEX history_account_at ON history (account_id, at);"
        "CREATE TABLE reminders (  account_id TEXT PRIMARY KEY NOT NULL,"
        "  expires_at INTEGER NOT NULL DEFAULT 0,  lead INTEGER NOT NULL DEFAULT 0,"
        "  given_at INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE refresh_journal (account_id TEXT PRIMARY KEY NOT NULL,"
        "  started_at INTEGER NOT NULL DEFAULT 0);"
        "INSERT INTO keysets VALUES ('k1', 'ebay', 'sandbox', 'Agency', 'client-1', 'RuName-1',"
        "  '{}', 0, 0, 1);"
        "INSERT INTO accounts (id, keyset_id, nickname, identity_id, identity_name,"
        "  authorised_at, access_expires_at, refresh_expires_at, status, created_at) VALUES"
        "  ('a1', 'k1', 'Shop A', 'U-1', 'shop_a', 1, 4102444800, 4102444800, 1, 1),"
        "  ('a2', 'k1', 'Shop B', 'U-2', 'shop_b', 1, 4102444800, 4102444800, 1, 2);"
        "INSERT INTO history (account_id, at, kind, ok, program, message) VALUES"
        "  ('a1', 100, 0, 1, 'window', 'Connected as shop_a'),"
        "  ('a2', 200, 2, 1, 'background', 'Refreshed');"
        "PRAGMA user_version = 1;";
  g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();
  g_autoptr (RelinkTokenSet) tokens = relink_token_set_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) history = NULL;
  g_autofree char *token = NULL;
  sqlite3 *db = NULL;
  RelinkAccount *account;

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, v1_sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  /* Today's keyring item: under the account id, as today's builds wrote it. */
  relink_token_set_set_access_token (tokens, "v^1.1#migrated-access");
  relink_token_set_set_refresh_token (tokens, "v^1.1#migrated-refresh");
  relink_token_set_set_issued_at (tokens, relink_now ());
  relink_token_set_set_access_expires_at (tokens, relink_now () + 7200);
  relink_token_set_set_refresh_expires_at (tokens, 4102444800);
  g_assert_true (relink_secrets_store_tokens_sync (secrets, "a1", "Shop A", tokens, NULL, &error));
  g_assert_no_error (error);
  g_ptr_array_add (fixture->ids, g_strdup ("a1"));

  open_manager (fixture);
  g_assert_cmpuint (
      g_list_model_get_n_items (relink_account_manager_get_accounts (fixture->manager)), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (relink_account_manager_get_grants (fixture->manager)),
                    ==, 2);
  account = relink_account_manager_lookup_account (fixture->manager, "Shop A");
  g_assert_nonnull (account);
  g_assert_cmpstr (relink_account_get_grant_name (account), ==, RELINK_GRANT_NAME_OAUTH);
  g_assert_cmpstr (relink_grant_get_kind (account), ==, RELINK_GRANT_KIND_OAUTH2);
  g_assert_cmpuint (g_list_model_get_n_items (relink_account_get_extra_grants (account)), ==, 0);
  g_assert_cmpstr (relink_account_get_identity_id (account), ==, "U-1");
  g_assert_cmpint (relink_account_get_refresh_expires_at (account), ==, 4102444800);

  history = relink_test_history (fixture->manager, account);
  g_assert_cmpuint (history->len, ==, 1);
  g_assert_cmpstr (relink_history_entry_get_message (g_ptr_array_index (history, 0)), ==,
                   "Connected as shop_a");

  /* The keyring item is the account's (now: its OAuth grant's) as before. */
  token = get_token (fixture, relink_grant_lookup (account, RELINK_GRANT_NAME_OAUTH), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "v^1.1#migrated-access");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func)                                                                            \
  g_test_add ("/grants/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("model", test_model);
  ADD ("most-urgent", test_most_urgent);
  ADD ("reminder-leads", test_reminder_leads);
  ADD ("token-per-grant", test_token_per_grant);
  ADD ("trading-test", test_trading_test);
  ADD ("trading-test-expired", test_trading_test_expired);
  ADD ("trading-revoke", test_trading_revoke);
  ADD ("trading-tie", test_trading_tie);
  ADD ("trading-tie-refresh", test_trading_tie_refresh);
  ADD ("trading-tie-refresh-refused", test_trading_tie_refresh_refused);
  ADD ("trading-tie-oauth-after", test_trading_tie_oauth_after);
  ADD ("trading-tie-deadline", test_trading_tie_deadline);
  ADD ("keep-alive", test_keep_alive);
  ADD ("remove-account", test_remove_account);
  ADD ("migrate-with-keyring", test_migrate_with_keyring);

#undef ADD

  return g_test_run ();
}
