/* test-window.c: the real main window under Xvfb, over a temp store;
 * its renewals against a stub marketplace (an in-process libsoup server);
 * and the application following changes another process makes to its
 * store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "relink-account-details-dialog.h"
#include "relink-account-manager.h"
#include "relink-account-row-private.h"
#include "relink-add-account-dialog.h"
#include "relink-application.h"
#include "relink-login-dialog.h"
#include "relink-countdown-ticker-private.h"
#include "relink-expiry.h"
#include "relink-grant.h"
#include "relink-test-gui.h"
#include "relink-test-oidc.h"
#include "relink-test-util.h"
#include "relink-window-private.h"

#define STUB_ID "stub-market"
#define STUB_USER_ID "123456"
#define STUB_ACCESS "stub-access-token"

typedef struct
{
  char *dir;
  RelinkAccountManager *manager;
  /* Around @manager: what the window is given. */
  RelinkContext *context;
  GtkWidget *window;
  gint64 now;
  /* Set before fixture_open() to add the stub's profile. */
  char *stub_base;
} Fixture;

#define WAIT_FOR(cond) RELINK_TEST_WAIT_FOR (cond, 30)

static void
fixture_open (Fixture *fixture, guint n_accounts)
{
  fixture->dir = relink_test_make_tmp_dir ();
  fixture->now = relink_now ();

  if (fixture->stub_base != NULL)
    {
      g_autofree char *providers_dir = g_build_filename (fixture->dir, "providers", NULL);

      relink_test_write_stub_profile (providers_dir, STUB_ID, "Stub Market", fixture->stub_base,
                                      TRUE, FALSE);
    }

  fixture->manager = relink_test_open_fixture_manager (fixture->dir, n_accounts, fixture->now);
  fixture->context = relink_context_new_for_manager (fixture->manager);
  g_assert_cmpuint (
      g_list_model_get_n_items (relink_account_manager_get_accounts (fixture->manager)), ==,
      n_accounts);
}

static void
fixture_show_window (Fixture *fixture)
{
  /* Tall enough that every fixture row is in view and bound. */
  fixture->window = relink_test_present_window (fixture->context, 720, 1100, 1);
}

static void
fixture_close (Fixture *fixture)
{
  if (fixture->window != NULL)
    relink_test_destroy_window (fixture->window);

  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->context));
  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->manager));
  relink_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->stub_base);
}

static void
collect (GtkWidget *widget, GType type, GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (found, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect (child, type, found);
}

static GtkWidget *
find_one (GtkWidget *root, GType type)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new ();

  collect (root, type, found);
  g_assert_cmpuint (found->len, ==, 1);

  return found->pdata[0];
}

/* The list's order, as the list view sees it. */
static GListModel *
list_model (Fixture *fixture)
{
  GtkWidget *list_view = find_one (fixture->window, GTK_TYPE_LIST_VIEW);

  return G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list_view)));
}

static const char *
nickname_at (GListModel *model, guint position)
{
  g_autoptr (RelinkAccount) account = g_list_model_get_item (model, position);

  return relink_account_get_nickname (account);
}

static guint
position_of (GListModel *model, RelinkAccount *account)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (RelinkAccount) item = g_list_model_get_item (model, i);

      if (item == account)
        return i;
    }

  g_assert_not_reached ();
}

/* The shown row of the account with @nickname, NULL when none. */
static RelinkAccountRow *
find_row (Fixture *fixture, const char *nickname)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  RelinkAccountRow *result = NULL;

  collect (fixture->window, RELINK_TYPE_ACCOUNT_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      RelinkAccount *account = relink_account_row_get_account (rows->pdata[i]);

      if (account != NULL && g_strcmp0 (relink_account_get_nickname (account), nickname) == 0)
        {
          g_assert_null (result);
          result = rows->pdata[i];
        }
    }

  return result;
}

static guint
count_rows (Fixture *fixture)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  guint n = 0;

  collect (fixture->window, RELINK_TYPE_ACCOUNT_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (relink_account_row_get_account (rows->pdata[i]) != NULL)
      n++;

  return n;
}

/* The countdown is read at two moments; the row's text must match one. */
static void
assert_countdown (RelinkAccountRow *row, gint64 expires_at, gint64 before)
{
  g_autofree char *early = relink_expiry_describe (expires_at, before, NULL);
  g_autofree char *late = relink_expiry_describe (expires_at, relink_now (), NULL);
  const char *text = relink_account_row_get_countdown (row);

  if (g_strcmp0 (text, early) != 0)
    g_assert_cmpstr (text, ==, late);
}

/* Most urgent first: expired, needs re-authorisation, offline, not
 * connected, expiring soon (soonest first); then the valid ones. */
static const char *const fixture_order[] = {
  "Tienda MLA",     "AliExpress store", "Amazon DE",     "Loja BR",
  "eBay test shop", "Amazon US",        "Handmade shop", "Main eBay shop",
};

static void
test_window_rows (void)
{
  Fixture fixture = { 0 };
  GListModel *model;
  RelinkAccountRow *row;
  g_autofree char *accessible = NULL;

  fixture_open (&fixture, RELINK_TEST_FIXTURE_CYCLE);
  fixture_show_window (&fixture);

  g_assert_cmpstr (relink_window_get_page (RELINK_WINDOW (fixture.window)), ==, "accounts");
  model = list_model (&fixture);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, G_N_ELEMENTS (fixture_order));
  for (guint i = 0; i < G_N_ELEMENTS (fixture_order); i++)
    g_assert_cmpstr (nickname_at (model, i), ==, fixture_order[i]);

  g_assert_cmpuint (relink_window_get_n_attention (RELINK_WINDOW (fixture.window)), ==, 6);
  g_assert_cmpuint (count_rows (&fixture), ==, G_N_ELEMENTS (fixture_order));

  /* Headings above the first row of each group only; Renew only where
   * attention is needed. */
  for (guint i = 0; i < G_N_ELEMENTS (fixture_order); i++)
    {
      const char *heading;

      row = find_row (&fixture, fixture_order[i]);
      g_assert_nonnull (row);
      heading = relink_account_row_get_heading (row);
      if (i == 0)
        g_assert_cmpstr (heading, ==, "Needs attention");
      else if (i == 6)
        g_assert_cmpstr (heading, ==, "Connected");
      else
        g_assert_null (heading);

      g_assert_cmpint (relink_account_row_get_renew_visible (row), ==, i < 6);
      g_assert_cmpint (relink_expiry_state_needs_attention (relink_account_row_get_state (row)), ==,
                       i < 6);
      g_assert_cmpstr (relink_account_row_get_title (row), ==, fixture_order[i]);
    }

  row = find_row (&fixture, "eBay test shop");
  g_assert_cmpstr (relink_account_row_get_subtitle (row), ==, "eBay · testuser_shop · Sandbox");
  g_assert_cmpint (relink_account_row_get_state (row), ==, RELINK_ACCOUNT_STATE_EXPIRING_SOON);
  assert_countdown (row,
                    relink_account_get_refresh_expires_at (relink_account_row_get_account (row)),
                    fixture.now);
  g_assert_true (g_str_has_prefix (relink_account_row_get_countdown (row), "expires in 5 h 1"));
  /* Screen readers get the countdown in words, not "5 h 12 min" (the
   * minutes may have moved on since the row was drawn). */
  accessible = g_strdup (relink_account_row_get_accessible_text (row));
  g_assert_true (g_str_has_prefix (
      accessible,
      "eBay test shop, eBay · testuser_shop · Sandbox, Expiring soon, expires in 5 hours 1"));
  g_assert_true (g_str_has_suffix (accessible, " minutes"));
  g_assert_cmpstr (relink_account_row_get_badge_text (row), ==, "E");
  g_assert_cmpstr (relink_account_row_get_badge_class (row), ==, "badge-ebay");

  /* Each marketplace its initials and its colour, whatever the account. */
  row = find_row (&fixture, "Amazon DE");
  g_assert_cmpstr (relink_account_row_get_badge_text (row), ==, "AP");
  g_assert_cmpstr (relink_account_row_get_badge_class (row), ==, "badge-amazon-sp-api");
  row = find_row (&fixture, "Handmade shop");
  g_assert_cmpstr (relink_account_row_get_badge_text (row), ==, "E");
  g_assert_cmpstr (relink_account_row_get_badge_class (row), ==, "badge-etsy");

  /* Production keys: no environment in the subtitle. */
  row = find_row (&fixture, "Main eBay shop");
  g_assert_cmpstr (relink_account_row_get_subtitle (row), ==, "eBay · shop_a");
  g_assert_cmpint (relink_account_row_get_state (row), ==, RELINK_ACCOUNT_STATE_VALID);
  assert_countdown (row,
                    relink_account_get_refresh_expires_at (relink_account_row_get_account (row)),
                    fixture.now);

  row = find_row (&fixture, "Tienda MLA");
  g_assert_cmpint (relink_account_row_get_state (row), ==, RELINK_ACCOUNT_STATE_EXPIRED);
  g_assert_cmpstr (relink_account_row_get_badge_text (row), ==, "ML");
  g_assert_cmpstr (relink_account_row_get_badge_class (row), ==, "badge-mercadolibre");
  /* Said once: "Expired" over "2 days ago", not "expired 2 days ago". */
  g_assert_cmpstr (relink_account_row_get_countdown (row), ==, "2 days ago");
  g_assert_true (
      g_str_has_suffix (relink_account_row_get_accessible_text (row), ", Expired, 2 days ago"));

  /* Not connected yet: no identity, no expiry; the region is shown. */
  row = find_row (&fixture, "Loja BR");
  g_assert_cmpstr (relink_account_row_get_subtitle (row), ==, "Mercado Libre");
  g_assert_cmpint (relink_account_row_get_state (row), ==, RELINK_ACCOUNT_STATE_NOT_CONNECTED);

  fixture_close (&fixture);
}

static void
test_window_empty (void)
{
  Fixture fixture = { 0 };
  AdwStatusPage *page;
  g_autoptr (GPtrArray) buttons = g_ptr_array_new ();
  gboolean found_add = FALSE;

  fixture_open (&fixture, 0);

  /* While the first load runs, a spinner and not the welcome. */
  fixture.window = relink_window_new (NULL, fixture.context);
  relink_window_set_loading (RELINK_WINDOW (fixture.window), TRUE);
  gtk_window_present (GTK_WINDOW (fixture.window));
  relink_test_wait_for_frames (fixture.window, 1);
  g_assert_cmpstr (relink_window_get_page (RELINK_WINDOW (fixture.window)), ==, "loading");

  relink_window_set_loading (RELINK_WINDOW (fixture.window), FALSE);
  relink_test_wait_for_frames (fixture.window, 1);
  g_assert_cmpstr (relink_window_get_page (RELINK_WINDOW (fixture.window)), ==, "empty");

  page = ADW_STATUS_PAGE (find_one (fixture.window, ADW_TYPE_STATUS_PAGE));
  g_assert_cmpstr (adw_status_page_get_title (page), ==, "Keep your marketplace connections alive");
  g_assert_cmpstr (adw_status_page_get_icon_name (page), ==, "io.github.relink.Relink-symbolic");

  collect (GTK_WIDGET (page), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (buttons->pdata[i]), "Add Account") == 0)
      {
        found_add = TRUE;
        g_assert_true (gtk_widget_has_css_class (buttons->pdata[i], "suggested-action"));
        g_assert_true (gtk_widget_is_sensitive (buttons->pdata[i]));
      }
  g_assert_true (found_add);
  g_assert_true (
      g_action_group_get_action_enabled (G_ACTION_GROUP (fixture.window), "add-account"));

  fixture_close (&fixture);
}

static void
test_window_error (void)
{
  GtkWidget *window = relink_window_new (NULL, NULL);
  AdwStatusPage *page;

  relink_window_show_error (RELINK_WINDOW (window), "The Account List Is Damaged",
                            "The file is not a Relink database.");
  gtk_window_present (GTK_WINDOW (window));
  relink_test_wait_for_frames (window, 1);

  g_assert_cmpstr (relink_window_get_page (RELINK_WINDOW (window)), ==, "error");
  page = ADW_STATUS_PAGE (find_one (window, ADW_TYPE_STATUS_PAGE));
  g_assert_cmpstr (adw_status_page_get_title (page), ==, "The Account List Is Damaged");
  g_assert_cmpstr (adw_status_page_get_description (page), ==,
                   "The file is not a Relink database.");
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "add-account"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "developer-keys"));

  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static void
async_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *result;
}

static void
test_window_add_remove (void)
{
  Fixture fixture = { 0 };
  g_autoptr (RelinkAccount) account = relink_account_new ("account-new");
  g_autoptr (GAsyncResult) added = NULL;
  g_autoptr (GAsyncResult) removed = NULL;
  g_autoptr (GError) error = NULL;
  GListModel *model;
  RelinkAccountRow *row;

  fixture_open (&fixture, RELINK_TEST_FIXTURE_CYCLE);
  fixture_show_window (&fixture);
  model = list_model (&fixture);

  /* Connected, expiring in 30 days: between the two valid accounts. */
  relink_account_set_keyset_id (account, "keyset-etsy");
  relink_account_set_nickname (account, "New Etsy shop");
  relink_account_set_identity_name (account, "NewShop");
  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_refresh_expires_at (account, fixture.now + 30 * 24 * 3600);
  relink_account_manager_add_account_async (fixture.manager, account, NULL, async_done_cb, &added);
  relink_account_manager_add_account_finish (fixture.manager, wait_for_result (&added), &error);
  g_assert_no_error (error);
  relink_test_wait_for_frames (fixture.window, 1);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, G_N_ELEMENTS (fixture_order) + 1);
  g_assert_cmpuint (position_of (model, account), ==, 6);
  row = find_row (&fixture, "New Etsy shop");
  g_assert_nonnull (row);
  g_assert_cmpstr (relink_account_row_get_heading (row), ==, "Connected");
  g_assert_cmpstr (relink_account_row_get_subtitle (row), ==, "Etsy · NewShop");
  g_assert_false (relink_account_row_get_renew_visible (row));
  /* The old first of the group lost its heading. */
  g_assert_null (relink_account_row_get_heading (find_row (&fixture, "Handmade shop")));

  relink_account_manager_remove_account_async (fixture.manager, account, NULL, async_done_cb,
                                               &removed);
  relink_account_manager_remove_account_finish (fixture.manager, wait_for_result (&removed),
                                                &error);
  g_assert_no_error (error);
  relink_test_wait_for_frames (fixture.window, 1);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, G_N_ELEMENTS (fixture_order));
  g_assert_null (find_row (&fixture, "New Etsy shop"));
  g_assert_cmpstr (relink_account_row_get_heading (find_row (&fixture, "Handmade shop")), ==,
                   "Connected");

  /* The results hold the manager. */
  g_clear_object (&added);
  g_clear_object (&removed);
  fixture_close (&fixture);
}

static void
test_window_state_change (void)
{
  Fixture fixture = { 0 };
  g_autoptr (RelinkAccount) account = NULL;
  GListModel *model;
  RelinkAccountRow *row;

  fixture_open (&fixture, RELINK_TEST_FIXTURE_CYCLE);
  fixture_show_window (&fixture);
  model = list_model (&fixture);

  account = relink_account_manager_lookup_account (fixture.manager, "Main eBay shop");
  g_assert_nonnull (account);
  g_object_ref (account);
  g_assert_cmpuint (position_of (model, account), ==, 7);

  /* A refresh elsewhere found the authorisation revoked. */
  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
  relink_test_wait_for_frames (fixture.window, 1);

  g_assert_cmpuint (relink_window_get_n_attention (RELINK_WINDOW (fixture.window)), ==, 7);
  /* After the expired one and AliExpress (same state, earlier expiry). */
  g_assert_cmpuint (position_of (model, account), ==, 2);
  row = find_row (&fixture, "Main eBay shop");
  g_assert_cmpint (relink_account_row_get_state (row), ==, RELINK_ACCOUNT_STATE_NEEDS_REAUTH);
  g_assert_true (relink_account_row_get_renew_visible (row));
  g_assert_null (relink_account_row_get_heading (row));
  g_assert_cmpstr (relink_account_row_get_heading (find_row (&fixture, "Handmade shop")), ==,
                   "Connected");

  /* And live renames reach the row. */
  relink_account_set_nickname (account, "Renamed shop");
  relink_test_wait_for_frames (fixture.window, 1);
  g_assert_cmpstr (relink_account_row_get_title (find_row (&fixture, "Renamed shop")), ==,
                   "Renamed shop");

  fixture_close (&fixture);
}

/* An account with several grants is one row, showing its most urgent
 * grant (HACKING.md, "Grant"); it follows that grant live. */
static void
test_window_grants (void)
{
  Fixture fixture = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new ("keyset-ebay-trading");
  g_autoptr (RelinkAccount) grant_row = relink_account_new ("grant-aan");
  g_autoptr (RelinkAccount) account = NULL;
  RelinkAccount *grant;
  RelinkAccountRow *row;
  GListModel *model;

  fixture_open (&fixture, RELINK_TEST_FIXTURE_CYCLE);
  store = relink_store_open (
      relink_store_get_path (relink_account_manager_get_store (fixture.manager)), &error);
  g_assert_no_error (error);
  relink_keyset_set_provider_id (keyset, "ebay");
  relink_keyset_set_environment (keyset, "production");
  relink_keyset_set_client_id (keyset, "ShopTool-Trading-App");
  relink_keyset_set_redirect (keyset, "ShopTool-Trading-RuName");
  relink_keyset_set_grant_kind (keyset, RELINK_GRANT_KIND_AUTH_N_AUTH);
  g_assert_true (relink_store_save_keyset (store, keyset, &error));
  /* Main eBay shop's Auth'n'Auth token lapses in 3 days. */
  relink_account_set_keyset_id (grant_row, "keyset-ebay-trading");
  relink_account_set_owner_id (grant_row, "account-0");
  relink_account_set_grant_name (grant_row, RELINK_GRANT_NAME_AUTH_N_AUTH);
  relink_account_set_status (grant_row, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_identity_id (grant_row, "eias-shop-a");
  relink_account_set_authorised_at (grant_row, fixture.now - 540 * 86400);
  relink_account_set_access_expires_at (grant_row, fixture.now + 3 * 86400);
  relink_account_set_refresh_expires_at (grant_row, fixture.now + 3 * 86400);
  g_assert_true (relink_store_save_account (store, grant_row, &error));
  g_assert_no_error (error);
  g_assert_true (relink_account_manager_load_sync (fixture.manager, NULL, &error));
  g_assert_no_error (error);

  account
      = g_object_ref (relink_account_manager_lookup_account (fixture.manager, "Main eBay shop"));
  grant = relink_account_manager_lookup_account (fixture.manager, "grant-aan");
  g_assert_true (relink_account_get_owner (grant) == account);

  fixture_show_window (&fixture);
  model = list_model (&fixture);
  /* Still one row per account. */
  g_assert_cmpuint (count_rows (&fixture), ==, RELINK_TEST_FIXTURE_CYCLE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, RELINK_TEST_FIXTURE_CYCLE);

  /* The valid OAuth grant alone would sort last; its Auth'n'Auth token
   * makes it need attention. */
  row = find_row (&fixture, "Main eBay shop");
  g_assert_true (relink_account_row_get_shown_grant (row) == grant);
  g_assert_cmpint (relink_account_row_get_state (row), ==, RELINK_ACCOUNT_STATE_EXPIRING_SOON);
  g_assert_true (
      g_str_has_prefix (relink_account_row_get_countdown (row), "Auth'n'Auth: expires in "));
  g_assert_true (relink_account_row_get_renew_visible (row));
  g_assert_cmpuint (position_of (model, account), <, 7);
  g_assert_nonnull (
      strstr (relink_account_row_get_accessible_text (row), "Auth'n'Auth: expires in"));

  /* Renewed elsewhere: the row shows the account's own grant again. */
  relink_account_set_refresh_expires_at (grant, fixture.now + 540 * 86400);
  /* And the account moves back among the valid ones. */
  WAIT_FOR (position_of (model, account) == 7);
  relink_test_wait_for_frames (fixture.window, 1);
  row = find_row (&fixture, "Main eBay shop");
  g_assert_true (relink_account_row_get_shown_grant (row) == account);
  g_assert_cmpint (relink_account_row_get_state (row), ==, RELINK_ACCOUNT_STATE_VALID);
  g_assert_true (g_str_has_prefix (relink_account_row_get_countdown (row), "OAuth: expires in "));
  g_assert_false (relink_account_row_get_renew_visible (row));

  /* Now the OAuth grant needs a sign-in: it is the one shown. */
  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
  WAIT_FOR (position_of (model, account) < 7);
  relink_test_wait_for_frames (fixture.window, 1);
  row = find_row (&fixture, "Main eBay shop");
  g_assert_true (relink_account_row_get_shown_grant (row) == account);
  g_assert_cmpint (relink_account_row_get_state (row), ==, RELINK_ACCOUNT_STATE_NEEDS_REAUTH);

  fixture_close (&fixture);
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_error ("Timed out waiting for the countdown to expire");
  return G_SOURCE_REMOVE;
}

/* Time passing alone, no property change: the ticker's wall-clock timer
 * must move an account into "Expired" when its moment comes. */
static void
test_window_expires_live (void)
{
  Fixture fixture = { 0 };
  g_autoptr (RelinkAccount) account = NULL;
  GListModel *model;
  RelinkAccountRow *row;
  guint timeout_id;

  fixture_open (&fixture, RELINK_TEST_FIXTURE_CYCLE);
  account = g_object_ref (relink_account_manager_lookup_account (fixture.manager, "Handmade shop"));
  relink_account_set_refresh_expires_at (account, relink_now () + 2);
  fixture_show_window (&fixture);
  model = list_model (&fixture);

  row = find_row (&fixture, "Handmade shop");
  g_assert_cmpint (relink_account_row_get_state (row), ==, RELINK_ACCOUNT_STATE_EXPIRING_SOON);

  timeout_id = g_timeout_add_seconds (10, timeout_cb, NULL);
  while (relink_account_row_get_state (row) != RELINK_ACCOUNT_STATE_EXPIRED)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout_id);
  relink_test_wait_for_frames (fixture.window, 1);

  /* Two expired accounts now; the one expired just now comes second. */
  g_assert_cmpuint (position_of (model, account), ==, 1);
  row = find_row (&fixture, "Handmade shop");
  g_assert_true (g_str_equal (relink_account_row_get_countdown (row), "just now")
                 || g_str_has_suffix (relink_account_row_get_countdown (row), " min ago"));
  g_assert_cmpuint (relink_window_get_n_attention (RELINK_WINDOW (fixture.window)), ==, 7);

  fixture_close (&fixture);
}

/* The ticker arms one timer for the earliest visible text change and the
 * earliest state change of any account. */
static void
test_ticker_deadline (void)
{
  g_autoptr (GListStore) accounts = g_list_store_new (RELINK_TYPE_ACCOUNT);
  g_autoptr (RelinkAccount) soon = relink_account_new ("soon");
  g_autoptr (RelinkAccount) later = relink_account_new ("later");
  g_autoptr (RelinkCountdownTicker) ticker = NULL;
  gint64 now = relink_now ();
  gint64 threshold = 14 * 24 * 3600;

  relink_account_set_status (soon, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_refresh_expires_at (soon, now + 5 * 3600 + 12 * 60 + 30);
  relink_account_set_status (later, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_refresh_expires_at (later, now + 20 * 24 * 3600);
  g_list_store_append (accounts, later);

  ticker = relink_countdown_ticker_new (G_LIST_MODEL (accounts));
  relink_countdown_ticker_set_soon_threshold (ticker, threshold);

  /* Nothing watched: only the state change of "later" (entering soon). */
  g_assert_cmpint (relink_countdown_ticker_get_deadline (ticker), ==,
                   relink_expiry_next_state_change (relink_account_get_refresh_expires_at (later),
                                                    relink_now (), threshold));

  relink_countdown_ticker_watch (ticker, later);
  g_assert_cmpint (
      relink_countdown_ticker_get_deadline (ticker), ==,
      MIN (relink_expiry_next_change (relink_account_get_refresh_expires_at (later), relink_now (),
                                      NULL),
           relink_expiry_next_state_change (relink_account_get_refresh_expires_at (later),
                                            relink_now (), threshold)));

  /* A new account expiring within hours: its state change at expiry is
   * later than its next minute, which is only armed once it is watched. */
  g_list_store_append (accounts, soon);
  g_assert_cmpint (relink_countdown_ticker_get_deadline (ticker), <=,
                   relink_expiry_next_state_change (relink_account_get_refresh_expires_at (soon),
                                                    relink_now (), threshold));
  relink_countdown_ticker_watch (ticker, soon);
  now = relink_now ();
  g_assert_cmpint (
      relink_countdown_ticker_get_deadline (ticker), ==,
      MIN (MIN (relink_expiry_next_change (relink_account_get_refresh_expires_at (soon), now, NULL),
                relink_expiry_next_change (relink_account_get_refresh_expires_at (later), now,
                                           NULL)),
           MIN (relink_expiry_next_state_change (relink_account_get_refresh_expires_at (soon), now,
                                                 threshold),
                relink_expiry_next_state_change (relink_account_get_refresh_expires_at (later), now,
                                                 threshold))));
  /* The minute of "expires in 5 h 12 min" comes first. */
  g_assert_cmpint (relink_countdown_ticker_get_deadline (ticker), <=, now + 60);
  g_assert_cmpuint (relink_countdown_ticker_get_n_watched (ticker), ==, 2);

  relink_countdown_ticker_unwatch (ticker, soon);
  relink_countdown_ticker_unwatch (ticker, later);
  g_assert_cmpuint (relink_countdown_ticker_get_n_watched (ticker), ==, 0);

  /* Removing every account leaves nothing to wait for. */
  g_list_store_remove_all (accounts);
  g_assert_cmpint (relink_countdown_ticker_get_deadline (ticker), ==, RELINK_EXPIRY_NEVER);

  g_assert_finalize_object (g_steal_pointer (&ticker));
}

/* The first frame that shows the list, as the seller sees it. */
typedef struct
{
  GtkWidget *window;
  GPtrArray *shown;
} FirstFrame;

static void
first_frame_after_paint_cb (GdkFrameClock *clock, FirstFrame *frame)
{
  GtkWidget *list_view;
  GListModel *model;

  if (frame->shown != NULL
      || g_strcmp0 (relink_window_get_page (RELINK_WINDOW (frame->window)), "accounts") != 0)
    return;

  list_view = find_one (frame->window, GTK_TYPE_LIST_VIEW);
  model = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list_view)));
  frame->shown = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (frame->shown, g_list_model_get_item (model, i));
}

static void
first_frame_map_cb (GtkWidget *window, FirstFrame *frame)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (first_frame_after_paint_cb), frame);
}

static void
test_window_first_frame (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  Fixture fixture = { 0 };
  FirstFrame frame = { 0 };
  guint n_accounts = 40 * RELINK_TEST_FIXTURE_CYCLE;
  gint64 deadline;
  GListModel *model;

  /* More accounts than the 200 rows the list view would make at once. */
  fixture_open (&fixture, n_accounts);
  g_settings_set_int (settings, "window-width", 720);
  g_settings_set_int (settings, "window-height", 1100);

  fixture.window = frame.window = relink_window_new (NULL, fixture.context);
  g_signal_connect (fixture.window, "map", G_CALLBACK (first_frame_map_cb), &frame);
  gtk_window_present (GTK_WINDOW (fixture.window));
  while (frame.shown == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_func (gtk_widget_get_frame_clock (fixture.window),
                                        first_frame_after_paint_cb, &frame);

  /* The first frame shows a screenful: rows at least 48 px tall fill the
   * 1,100 px window, and not every account is made a row yet. */
  g_assert_cmpuint (frame.shown->len, >=, 1100 / 48);
  g_assert_cmpuint (frame.shown->len, <, n_accounts);

  /* Right after, the list holds every account... */
  model = list_model (&fixture);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (g_list_model_get_n_items (model) < n_accounts && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_accounts);

  /* ...and the first frame showed exactly its top. */
  for (guint i = 0; i < frame.shown->len; i++)
    {
      g_autoptr (RelinkAccount) account = g_list_model_get_item (model, i);

      g_assert_true (account == frame.shown->pdata[i]);
    }
  g_assert_cmpstr (nickname_at (model, 0), ==, fixture_order[0]);

  g_ptr_array_unref (frame.shown);
  fixture_close (&fixture);
}

/* Renewal from the list */

static void
users_me_cb (SoupServer *server,
             SoupServerMessage *msg,
             const char *path,
             GHashTable *query,
             gpointer user_data)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");

  if (g_strcmp0 (auth, "Bearer " STUB_ACCESS) != 0)
    relink_test_answer_json (msg, 401, "{\"error\":\"invalid_token\",\"status\":401}");
  else
    relink_test_answer_json (msg, 200, "{\"id\":" STUB_USER_ID ",\"nickname\":\"shop_a\"}");
}

static void
close_login_dialog (GtkWindow *dialog)
{
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_destroy (dialog);
  WAIT_FOR (dialog == NULL);
}

#define REAUTH_MESSAGE                                                                             \
  "Stub Market no longer accepts the saved authorization. Renew the account to sign in again."

static void
add_stub_accounts (Fixture *fixture)
{
  RelinkStore *store = relink_account_manager_get_store (fixture->manager);
  RelinkSecrets *secrets = relink_account_manager_get_secrets (fixture->manager);
  g_autoptr (RelinkAccount) shop_a = relink_account_new ("account-a");
  g_autoptr (RelinkAccount) shop_b = relink_account_new ("account-b");
  g_autoptr (RelinkTokenSet) tokens = relink_token_set_new ();
  g_autoptr (GError) error = NULL;
  gint64 now = relink_now ();

  relink_test_save_stub_keyset (store, NULL, STUB_ID, NULL);

  /* Shop A: signed in before, refused since. */
  relink_account_set_keyset_id (shop_a, "keyset-stub");
  relink_account_set_nickname (shop_a, "Shop A");
  g_assert_true (relink_store_save_account (store, shop_a, &error));
  g_assert_no_error (error);
  g_assert_true (relink_store_update_sign_in (store, "account-a", STUB_USER_ID, "shop_a", "read",
                                              now - 3600, now + 3600, now + 100 * 24 * 3600,
                                              &error));
  g_assert_no_error (error);
  g_assert_true (relink_store_update_status (store, "account-a", RELINK_ACCOUNT_STATUS_NEEDS_REAUTH,
                                             REAUTH_MESSAGE, &error));
  g_assert_no_error (error);
  /* What the renewal below stands for would have saved. */
  relink_token_set_set_access_token (tokens, STUB_ACCESS);
  relink_token_set_set_token_type (tokens, "Bearer");
  relink_token_set_set_access_expires_at (tokens, now + 3600);
  g_assert_true (relink_secrets_store_tokens_sync (secrets, "account-a", "Relink test tokens",
                                                   tokens, NULL, &error));
  g_assert_no_error (error);

  /* Shop B: added, never connected. */
  relink_account_set_keyset_id (shop_b, "keyset-stub");
  relink_account_set_nickname (shop_b, "Shop B");
  relink_account_set_status (shop_b, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
  g_assert_true (relink_store_save_account (store, shop_b, &error));
  g_assert_no_error (error);

  relink_account_manager_load_sync (fixture->manager, NULL, &error);
  g_assert_no_error (error);
}

static void
test_window_renew (void)
{
  Fixture fixture = { 0 };
  g_autoptr (SoupServer) stub = soup_server_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoslist (GUri) uris = NULL;
  g_autofree char *hooks_dir = NULL;
  g_autofree char *hook = NULL;
  g_autofree char *hook_out = NULL;
  g_autofree char *script = NULL;
  g_autofree char *event = NULL;
  RelinkTokenService *service;
  RelinkAccount *shop_a;
  RelinkAccount *shop_b;
  RelinkAccountRow *row;
  GtkWidget *button;
  GtkWindow *login;

  soup_server_add_handler (stub, "/users/me", users_me_cb, NULL, NULL);
  soup_server_add_handler (stub, "/authorize", relink_test_stub_authorize_cb, NULL, NULL);
  soup_server_listen_local (stub, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (stub);
  fixture.stub_base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));

  fixture_open (&fixture, 0);
  add_stub_accounts (&fixture);
  shop_a = relink_account_manager_lookup_account (fixture.manager, "Shop A");
  shop_b = relink_account_manager_lookup_account (fixture.manager, "Shop B");
  fixture_show_window (&fixture);

  /* The hooks of the renewal record what they were told. */
  service = relink_window_get_token_service (RELINK_WINDOW (fixture.window));
  g_assert_true (relink_token_service_get_manager (service) == fixture.manager);
  hooks_dir = g_build_filename (fixture.dir, "hooks", NULL);
  hook = g_build_filename (hooks_dir, "10-record", NULL);
  hook_out = g_build_filename (fixture.dir, "hook.out", NULL);
  script
      = g_strdup_printf ("#!/bin/sh\necho \"$RELINK_EVENT $RELINK_ACCOUNT_ID\" > '%s'\n", hook_out);
  g_assert_cmpint (g_mkdir_with_parents (hooks_dir, 0700), ==, 0);
  g_file_set_contents (hook, script, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (hook, 0700), ==, 0);
  relink_token_service_set_hooks_dir (service, hooks_dir);

  /* The rows: Renew with the plain reason, and Connect. */
  row = find_row (&fixture, "Shop A");
  g_assert_nonnull (row);
  g_assert_cmpstr (relink_account_row_get_renew_label (row), ==, "Renew");
  g_assert_cmpstr (relink_account_row_get_message (row), ==, REAUTH_MESSAGE);
  /* Not "expires in 99 days" as if all were well: what still works. */
  g_test_message ("%s", relink_account_row_get_countdown (row));
  g_assert_true (g_str_has_prefix (relink_account_row_get_countdown (row),
                                   "refresh token refused; access token valid for "));
  g_assert_nonnull (strstr (relink_account_row_get_accessible_text (row),
                            "refresh token refused; access token valid for "));
  g_assert_null (strstr (relink_account_row_get_accessible_text (row), "expires in"));
  row = find_row (&fixture, "Shop B");
  g_assert_cmpstr (relink_account_row_get_renew_label (row), ==, "Connect");
  g_assert_null (relink_account_row_get_message (row));

  /* Renew on the row opens the login dialog for that account. */
  row = find_row (&fixture, "Shop A");
  button = relink_test_find_widget (GTK_WIDGET (row), "renew-button");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_null (relink_test_find_login_dialog (shop_a));
  g_signal_emit_by_name (button, "clicked");
  login = relink_test_find_login_dialog (shop_a);
  g_assert_nonnull (login);
  g_assert_true (gtk_window_get_transient_for (login) == GTK_WINDOW (fixture.window));
  g_assert_null (relink_test_find_login_dialog (shop_b));
  /* Once is enough: a second click shows the same dialog. */
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (relink_test_find_login_dialog (shop_a) == login);

  /* After the sign-in the window tests the connection and runs the
   * renewal hooks. */
  g_signal_emit_by_name (login, "signed-in", shop_a, "Stub Market · shop_a renewed");
  WAIT_FOR (relink_account_get_last_test_at (shop_a) != 0);
  g_assert_true (relink_account_get_last_test_ok (shop_a));
  g_assert_true (
      g_str_has_prefix (relink_account_get_last_test_message (shop_a), "Connected as shop_a"));
  WAIT_FOR (g_file_test (hook_out, G_FILE_TEST_EXISTS));
  WAIT_FOR (g_file_get_contents (hook_out, &event, NULL, NULL) && strchr (event, '\n') != NULL);
  g_assert_cmpstr (event, ==, "renewal account-a\n");
  close_login_dialog (login);

  /* The action serves notifications and the tray by account id. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture.window), "renew-account",
                                  g_variant_new_string ("account-b"));
  login = relink_test_find_login_dialog (shop_b);
  g_assert_nonnull (login);
  close_login_dialog (login);
  g_action_group_activate_action (G_ACTION_GROUP (fixture.window), "renew-account",
                                  g_variant_new_string ("no-such-account"));
  g_assert_null (relink_test_find_login_dialog (shop_a));

  /* A newly added account is connected at once. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture.window), "add-account", NULL);
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    GtkWindow *add_dialog = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

        if (RELINK_IS_ADD_ACCOUNT_DIALOG (window))
          add_dialog = window;
      }
    g_assert_nonnull (add_dialog);
    /* As the dialog does once Shop B is saved. */
    g_signal_emit_by_name (add_dialog, "account-added", shop_b);
    gtk_window_destroy (add_dialog);
  }
  login = relink_test_find_login_dialog (shop_b);
  g_assert_nonnull (login);
  g_assert_true (gtk_window_get_transient_for (login) == GTK_WINDOW (fixture.window));
  close_login_dialog (login);

  relink_secrets_clear_tokens_sync (relink_account_manager_get_secrets (fixture.manager),
                                    "account-a", NULL, &error);
  g_assert_no_error (error);
  fixture_close (&fixture);
  soup_server_disconnect (stub);
}

/* One token service per process: refreshes join */

typedef struct
{
  guint token_requests;
  guint identity_requests;
} JoinStub;

static gboolean
answer_token_cb (gpointer user_data)
{
  SoupServerMessage *msg = user_data;

  /* Shorter than the refresh margin: a second refresh that queued behind
   * this one instead of joining it would find the access token due again
   * and ask for another. */
  relink_test_answer_json (msg, 200,
                           "{\"access_token\":\"" STUB_ACCESS "\",\"token_type\":\"Bearer\","
                           "\"expires_in\":120,\"refresh_token\":\"stub-refresh-2\"}");
  soup_server_message_unpause (msg);
  g_object_unref (msg);

  return G_SOURCE_REMOVE;
}

static void
join_token_cb (SoupServer *server,
               SoupServerMessage *msg,
               const char *path,
               GHashTable *query,
               gpointer user_data)
{
  JoinStub *stub = user_data;

  stub->token_requests++;
  /* Answered late, so that the second request comes while it is open. */
  soup_server_message_pause (msg);
  g_timeout_add (500, answer_token_cb, g_object_ref (msg));
}

static void
join_users_me_cb (SoupServer *server,
                  SoupServerMessage *msg,
                  const char *path,
                  GHashTable *query,
                  gpointer user_data)
{
  JoinStub *stub = user_data;

  stub->identity_requests++;
  users_me_cb (server, msg, path, query, NULL);
}

/* Shop C: connected, its access token expired a minute ago. */
static void
add_expired_account (Fixture *fixture)
{
  RelinkStore *store = relink_account_manager_get_store (fixture->manager);
  RelinkSecrets *secrets = relink_account_manager_get_secrets (fixture->manager);
  g_autoptr (RelinkAccount) shop_c = relink_account_new ("account-c");
  g_autoptr (RelinkTokenSet) tokens = relink_token_set_new ();
  g_autoptr (GError) error = NULL;
  gint64 now = relink_now ();

  relink_test_save_stub_keyset (store, secrets, STUB_ID, "stub-secret");

  relink_account_set_keyset_id (shop_c, "keyset-stub");
  relink_account_set_nickname (shop_c, "Shop C");
  g_assert_true (relink_store_save_account (store, shop_c, &error));
  g_assert_no_error (error);
  g_assert_true (relink_store_update_sign_in (store, "account-c", STUB_USER_ID, "shop_a", "read",
                                              now - 7200, now - 60, now + 100 * 24 * 3600, &error));
  g_assert_no_error (error);
  relink_token_set_set_access_token (tokens, "expired-access-token");
  relink_token_set_set_token_type (tokens, "Bearer");
  relink_token_set_set_access_expires_at (tokens, now - 60);
  relink_token_set_set_refresh_token (tokens, "stub-refresh");
  g_assert_true (relink_secrets_store_tokens_sync (secrets, "account-c", "Relink test tokens",
                                                   tokens, NULL, &error));
  g_assert_no_error (error);

  relink_account_manager_load_sync (fixture->manager, NULL, &error);
  g_assert_no_error (error);
}

static GtkWindow *
find_details_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (RELINK_IS_ACCOUNT_DETAILS_DIALOG (window))
        return window;
    }

  return NULL;
}

/* Two parts of the window need a token for the same account at once: the
 * details dialog's Test and the test the window runs after a sign-in.
 * Both go through the process's one token service, so the marketplace
 * sees one refresh, and both tests use its token. */
static void
test_window_refreshes_join (void)
{
  Fixture fixture = { 0 };
  JoinStub counts = { 0 };
  g_autoptr (SoupServer) stub = soup_server_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoslist (GUri) uris = NULL;
  RelinkAccount *shop_c;
  GtkWindow *details;
  GtkWindow *login;

  soup_server_add_handler (stub, "/token", join_token_cb, &counts, NULL);
  soup_server_add_handler (stub, "/users/me", join_users_me_cb, &counts, NULL);
  soup_server_add_handler (stub, "/authorize", relink_test_stub_authorize_cb, NULL, NULL);
  soup_server_listen_local (stub, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (stub);
  fixture.stub_base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));

  fixture_open (&fixture, 0);
  add_expired_account (&fixture);
  shop_c = relink_account_manager_lookup_account (fixture.manager, "Shop C");
  fixture_show_window (&fixture);

  /* The details, as a click on the row opens them, and their Test. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture.window), "show-account",
                                  g_variant_new_string ("account-c"));
  details = find_details_dialog ();
  g_assert_nonnull (details);
  g_signal_emit_by_name (relink_test_get_widget (details, "test_button"), "clicked");

  /* Meanwhile a renewal of the same account ends in the window. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture.window), "renew-account",
                                  g_variant_new_string ("account-c"));
  login = relink_test_find_login_dialog (shop_c);
  g_assert_nonnull (login);
  g_signal_emit_by_name (login, "signed-in", shop_c, "Stub Market · shop_a renewed");

  WAIT_FOR (counts.identity_requests == 2);
  WAIT_FOR (relink_account_get_last_test_ok (shop_c));
  /* Both tests passed with the one new token... */
  g_assert_true (
      g_str_has_prefix (relink_account_get_last_test_message (shop_c), "Connected as shop_a"));
  /* ...which one request fetched. */
  g_assert_cmpuint (counts.token_requests, ==, 1);

  close_login_dialog (login);
  g_object_add_weak_pointer (G_OBJECT (details), (gpointer *) &details);
  gtk_window_destroy (details);
  WAIT_FOR (details == NULL);
  relink_secrets_clear_tokens_sync (relink_account_manager_get_secrets (fixture.manager),
                                    "account-c", NULL, &error);
  g_assert_no_error (error);
  relink_secrets_clear_keyset_sync (relink_account_manager_get_secrets (fixture.manager),
                                    "keyset-stub", NULL, &error);
  g_assert_no_error (error);
  /* The window's test may still be saving its result in a worker thread. */
  g_object_ref (fixture.window);
  gtk_window_destroy (GTK_WINDOW (fixture.window));
  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture.window));
  fixture_close (&fixture);
  soup_server_disconnect (stub);
}

/* Retry Now on the row */

typedef struct
{
  guint token_status; /* what the stub answers a refresh */
  guint token_requests;
} RetryStub;

static void
retry_token_cb (SoupServer *server,
                SoupServerMessage *msg,
                const char *path,
                GHashTable *query,
                gpointer user_data)
{
  RetryStub *stub = user_data;

  stub->token_requests++;
  if (stub->token_status != 200)
    relink_test_answer_json (msg, stub->token_status, "{\"error\":\"server_error\"}");
  else
    relink_test_answer_json (msg, 200,
                             "{\"access_token\":\"" STUB_ACCESS "\",\"token_type\":\"Bearer\","
                             "\"expires_in\":21600,\"refresh_token\":\"stub-refresh-2\"}");
}

/* A temporary failure (a server error, offline) waits for Relink's own
 * retry; the row offers Retry Now besides, which runs the details
 * dialog's refresh. */
static void
test_window_retry (void)
{
  Fixture fixture = { 0 };
  RetryStub counts = { .token_status = 502 };
  g_autoptr (SoupServer) stub = soup_server_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoslist (GUri) uris = NULL;
  const char *offline = "Stub Market has a problem on its side. Relink will try again in 5 min.";
  RelinkAccount *shop_c;
  RelinkAccountRow *row;
  GtkWidget *retry;

  soup_server_add_handler (stub, "/token", retry_token_cb, &counts, NULL);
  soup_server_add_handler (stub, "/users/me", users_me_cb, NULL, NULL);
  soup_server_listen_local (stub, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (stub);
  fixture.stub_base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));

  fixture_open (&fixture, 0);
  add_expired_account (&fixture);
  shop_c = relink_account_manager_lookup_account (fixture.manager, "account-c");
  g_assert_true (relink_store_update_status (relink_account_manager_get_store (fixture.manager),
                                             "account-c", RELINK_ACCOUNT_STATUS_ERROR, offline,
                                             &error));
  g_assert_no_error (error);
  relink_account_set_status (shop_c, RELINK_ACCOUNT_STATUS_ERROR);
  relink_account_set_status_message (shop_c, offline);
  fixture_show_window (&fixture);

  /* Waiting is not the only way: Retry Now, beside Renew. */
  row = find_row (&fixture, "Shop C");
  g_assert_nonnull (row);
  g_assert_cmpint (relink_account_row_get_state (row), ==, RELINK_ACCOUNT_STATE_ERROR);
  g_assert_true (relink_account_row_get_renew_visible (row));
  retry = relink_test_find_widget (GTK_WIDGET (row), "retry-button");
  g_assert_nonnull (retry);
  g_assert_true (gtk_widget_get_mapped (retry));
  g_assert_true (gtk_widget_is_sensitive (retry));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (retry)), ==, "Retry Now");

  /* Still failing: insensitive while it runs, then offered again, and
   * the toast says why. */
  g_signal_emit_by_name (retry, "clicked");
  g_assert_false (gtk_widget_is_sensitive (retry));
  /* A second activation while it runs asks nothing more. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture.window), "retry-account",
                                  g_variant_new_string ("account-c"));
  WAIT_FOR (counts.token_requests == 1 && gtk_widget_is_sensitive (retry));
  g_assert_cmpint (relink_account_get_status (shop_c), ==, RELINK_ACCOUNT_STATUS_ERROR);
  g_assert_true (gtk_widget_get_mapped (retry));
  g_assert_true (find_row (&fixture, "Shop C") == row);

  /* Back: the row returns to normal, without the button. */
  counts.token_status = 200;
  g_signal_emit_by_name (retry, "clicked");
  g_assert_false (gtk_widget_is_sensitive (retry));
  WAIT_FOR (relink_account_get_status (shop_c) == RELINK_ACCOUNT_STATUS_CONNECTED);
  row = find_row (&fixture, "Shop C");
  WAIT_FOR (relink_account_row_get_state (row) == RELINK_ACCOUNT_STATE_VALID);
  g_assert_cmpuint (counts.token_requests, ==, 2);
  retry = relink_test_find_widget (GTK_WIDGET (row), "retry-button");
  g_assert_true (retry == NULL || !gtk_widget_get_visible (retry));
  g_assert_false (relink_account_row_get_renew_visible (row));
  g_assert_null (relink_account_row_get_message (row));

  /* By id, as for renew-account: an unknown one only says so. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture.window), "retry-account",
                                  g_variant_new_string ("no-such-account"));
  g_assert_cmpuint (counts.token_requests, ==, 2);

  relink_secrets_clear_tokens_sync (relink_account_manager_get_secrets (fixture.manager),
                                    "account-c", NULL, &error);
  g_assert_no_error (error);
  relink_secrets_clear_keyset_sync (relink_account_manager_get_secrets (fixture.manager),
                                    "keyset-stub", NULL, &error);
  g_assert_no_error (error);
  fixture_close (&fixture);
  soup_server_disconnect (stub);
}

/* The application: a change another process (relinkctl) writes to the
 * store shows in the window, no restart needed. */
static void
test_app_follows_store (void)
{
  g_autoptr (RelinkApplication) app = relink_application_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkStore) other = NULL;
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new ("keyset-ctl");
  g_autoptr (RelinkAccount) added = relink_account_new ("account-ctl");
  RelinkContext *context;
  RelinkAccountManager *manager;
  RelinkAccount *account;
  RelinkWindow *window;
  gint64 now = relink_now ();

  /* A process of its own on the test bus. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  context = relink_application_get_context (app);
  manager = relink_context_get_manager (context);
  g_assert_nonnull (manager);
  g_assert_cmpstr (relink_account_manager_get_program (manager), ==, "window");
  g_assert_true (relink_token_service_get_manager (relink_context_get_token_service (context))
                 == manager);
  g_assert_true (relink_keep_alive_get_service (relink_context_get_keep_alive (context))
                 == relink_context_get_token_service (context));

  g_application_activate (G_APPLICATION (app));
  window = RELINK_WINDOW (gtk_application_get_windows (GTK_APPLICATION (app))->data);
  g_assert_true (relink_window_get_context (window) == context);
  g_assert_true (relink_window_get_token_service (window)
                 == relink_context_get_token_service (context));
  WAIT_FOR (!relink_window_get_loading (window));
  g_assert_cmpstr (relink_window_get_page (window), ==, "empty");

  /* relinkctl's own connection to the same file. */
  other = relink_store_open (relink_store_get_path (relink_account_manager_get_store (manager)),
                             &error);
  g_assert_no_error (error);
  relink_keyset_set_provider_id (keyset, "etsy");
  relink_keyset_set_environment (keyset, "production");
  relink_keyset_set_client_id (keyset, "ctlclientid");
  relink_keyset_set_redirect (keyset, "https://relink.invalid/etsy");
  g_assert_true (relink_store_save_keyset (other, keyset, &error));
  g_assert_no_error (error);
  relink_account_set_keyset_id (added, "keyset-ctl");
  relink_account_set_nickname (added, "Shop from relinkctl");
  relink_account_set_status (added, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_refresh_expires_at (added, now + 60 * 24 * 3600);
  relink_account_set_access_expires_at (added, now + 3600);
  g_assert_true (relink_store_save_account (other, added, &error));
  g_assert_no_error (error);

  WAIT_FOR (relink_account_manager_lookup_account (manager, "account-ctl") != NULL);
  account = relink_account_manager_lookup_account (manager, "account-ctl");
  WAIT_FOR (g_strcmp0 (relink_window_get_page (window), "accounts") == 0);
  g_assert_cmpuint (relink_window_get_n_attention (window), ==, 0);

  /* A refresh there found the authorisation revoked. */
  g_assert_true (
      relink_store_update_status (other, "account-ctl", RELINK_ACCOUNT_STATUS_NEEDS_REAUTH,
                                  "Etsy no longer accepts the saved authorization.", &error));
  g_assert_no_error (error);
  WAIT_FOR (relink_account_get_status (account) == RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
  WAIT_FOR (relink_window_get_n_attention (window) == 1);
  g_assert_cmpstr (relink_account_get_status_message (account), ==,
                   "Etsy no longer accepts the saved authorization.");

  /* Notifications and the tray renew through the application, which
   * hands over to its window; the window is made again when closed. */
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_action_group_activate_action (G_ACTION_GROUP (app), "renew-account",
                                  g_variant_new_string ("no-such-account"));
  g_assert_nonnull (gtk_application_get_windows (GTK_APPLICATION (app)));
  window = RELINK_WINDOW (gtk_application_get_windows (GTK_APPLICATION (app))->data);
  g_assert_cmpstr (relink_window_get_page (window), ==, "accounts");

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Whether a top-level window of this process has the title. */
static gboolean
window_titled (const char *title)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (g_strcmp0 (gtk_window_get_title (window), title) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Reminders clicked while the application still loads the accounts (it
 * has just started for the first of them): each waits for the accounts,
 * none replaces another. */
static void
test_app_queues_while_loading (void)
{
  g_autoptr (RelinkApplication) app = relink_application_new ();
  g_autofree char *path = relink_store_default_path ();
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new ("keyset-queue");
  g_autoptr (GError) error = NULL;
  const char *ids[] = { "queue-a", "queue-b" };
  gint64 now = relink_now ();

  /* In a process of its own: /application/follows-store's application
   * still has its objects (tray, actions) on this one's bus connection. */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  store = relink_store_open (path, &error);
  g_assert_no_error (error);
  relink_keyset_set_provider_id (keyset, "etsy");
  relink_keyset_set_environment (keyset, "production");
  relink_keyset_set_client_id (keyset, "queueclientid");
  relink_keyset_set_redirect (keyset, "https://relink.invalid/etsy");
  g_assert_true (relink_store_save_keyset (store, keyset, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr (RelinkAccount) account = relink_account_new (ids[i]);

      relink_account_set_keyset_id (account, "keyset-queue");
      relink_account_set_nickname (account, ids[i]);
      relink_account_set_status (account, RELINK_ACCOUNT_STATUS_CONNECTED);
      relink_account_set_refresh_expires_at (account, now + 60 * 24 * 3600);
      relink_account_set_access_expires_at (account, now + 3600);
      g_assert_true (relink_store_save_account (store, account, &error));
      g_assert_no_error (error);
    }

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (relink_context_get_loading (relink_application_get_context (app)));

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_action_group_activate_action (G_ACTION_GROUP (app), "show-account",
                                    g_variant_new_string (ids[i]));
  WAIT_FOR (window_titled ("queue-a") && window_titled ("queue-b"));
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), >=, 1);

  /* The windows stay until the process ends: a details dialog closed
   * with its parent while its history still loads ends in a warning
   * (load_history_done_cb() holds the last reference). */
}

int
main (int argc, char *argv[])
{
  g_autofree char *data_home = relink_test_make_tmp_dir ();
  int status;

  /* The application opens the default store: one of this run's own. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ticker/deadline", test_ticker_deadline);
  g_test_add_func ("/window/empty", test_window_empty);
  g_test_add_func ("/window/error", test_window_error);
  g_test_add_func ("/window/rows", test_window_rows);
  g_test_add_func ("/window/first-frame", test_window_first_frame);
  g_test_add_func ("/window/add-remove", test_window_add_remove);
  g_test_add_func ("/window/state-change", test_window_state_change);
  g_test_add_func ("/window/grants", test_window_grants);
  g_test_add_func ("/window/expires-live", test_window_expires_live);
  g_test_add_func ("/window/renew", test_window_renew);
  g_test_add_func ("/window/refreshes-join", test_window_refreshes_join);
  g_test_add_func ("/window/retry", test_window_retry);
  g_test_add_func ("/application/follows-store", test_app_follows_store);
  g_test_add_func ("/application/queues-while-loading", test_app_queues_while_loading);

  status = g_test_run ();
  relink_test_remove_dir (data_home);

  return status;
}
