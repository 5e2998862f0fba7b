/* test-window.c: the real main window under Xvfb, over a temp store.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "relink-account-manager.h"
#include "relink-account-row.h"
#include "relink-countdown-ticker.h"
#include "relink-expiry.h"
#include "relink-test-util.h"
#include "relink-window.h"

typedef struct
{
  char *dir;
  RelinkAccountManager *manager;
  GtkWidget *window;
  gint64 now;
} Fixture;

static void
fixture_open (Fixture *fixture, guint n_accounts)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *providers_dir = NULL;
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (RelinkSecrets) secrets = NULL;
  g_autoptr (RelinkProviderRegistry) providers = NULL;

  fixture->dir = relink_test_make_tmp_dir ();
  fixture->now = relink_now ();
  path = g_build_filename (fixture->dir, "relink.db", NULL);
  providers_dir = g_build_filename (fixture->dir, "providers", NULL);

  store = relink_store_open (path, &error);
  g_assert_no_error (error);
  relink_test_populate_fixture (store, n_accounts, fixture->now, &error);
  g_assert_no_error (error);

  secrets = relink_secrets_new ();
  providers = relink_provider_registry_new (providers_dir);
  fixture->manager = relink_account_manager_new (store, secrets, providers);
  relink_account_manager_load_sync (fixture->manager, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (
      g_list_model_get_n_items (relink_account_manager_get_accounts (fixture->manager)), ==,
      n_accounts);
}

static void
after_paint_cb (GdkFrameClock *clock, gboolean *painted)
{
  *painted = TRUE;
}

/* Runs the main loop until @widget is mapped and a frame showing the
 * current state was painted. */
static void
wait_for_frame (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong id;

  while (!gtk_widget_get_mapped (widget))
    g_main_context_iteration (NULL, TRUE);

  clock = gtk_widget_get_frame_clock (widget);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  gtk_widget_queue_draw (widget);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, id);

  /* Idles queued by the paint (the ticker's deadline) run too. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
fixture_show_window (Fixture *fixture)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);

  /* Tall enough that every fixture row is in view and bound. */
  g_settings_set_int (settings, "window-width", 720);
  g_settings_set_int (settings, "window-height", 1100);

  fixture->window = relink_window_new (NULL, fixture->manager);
  gtk_window_present (GTK_WINDOW (fixture->window));
  wait_for_frame (fixture->window);
}

static void
fixture_close (Fixture *fixture)
{
  if (fixture->window != NULL)
    {
      g_object_ref (fixture->window);
      gtk_window_destroy (GTK_WINDOW (fixture->window));
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_assert_finalize_object (fixture->window);
    }

  g_assert_finalize_object (fixture->manager);
  relink_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
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
  g_autofree char *countdown = NULL;

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
  countdown = g_strdup (relink_account_row_get_countdown (row));
  accessible = g_strdup_printf ("eBay test shop, eBay · testuser_shop · Sandbox, Expiring soon, %s",
                                countdown);
  g_assert_cmpstr (relink_account_row_get_accessible_text (row), ==, accessible);
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
  g_assert_true (g_str_has_prefix (relink_account_row_get_countdown (row), "expired "));

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
  fixture.window = relink_window_new (NULL, fixture.manager);
  relink_window_set_loading (RELINK_WINDOW (fixture.window), TRUE);
  gtk_window_present (GTK_WINDOW (fixture.window));
  wait_for_frame (fixture.window);
  g_assert_cmpstr (relink_window_get_page (RELINK_WINDOW (fixture.window)), ==, "loading");

  relink_window_set_loading (RELINK_WINDOW (fixture.window), FALSE);
  wait_for_frame (fixture.window);
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
  wait_for_frame (window);

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
  wait_for_frame (fixture.window);

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
  wait_for_frame (fixture.window);

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
  wait_for_frame (fixture.window);

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
  wait_for_frame (fixture.window);
  g_assert_cmpstr (relink_account_row_get_title (find_row (&fixture, "Renamed shop")), ==,
                   "Renamed shop");

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
  wait_for_frame (fixture.window);

  /* Two expired accounts now; the one expired just now comes second. */
  g_assert_cmpuint (position_of (model, account), ==, 1);
  row = find_row (&fixture, "Handmade shop");
  g_assert_true (g_str_has_prefix (relink_account_row_get_countdown (row), "expired "));
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

  fixture.window = frame.window = relink_window_new (NULL, fixture.manager);
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

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ticker/deadline", test_ticker_deadline);
  g_test_add_func ("/window/empty", test_window_empty);
  g_test_add_func ("/window/error", test_window_error);
  g_test_add_func ("/window/rows", test_window_rows);
  g_test_add_func ("/window/first-frame", test_window_first_frame);
  g_test_add_func ("/window/add-remove", test_window_add_remove);
  g_test_add_func ("/window/state-change", test_window_state_change);
  g_test_add_func ("/window/expires-live", test_window_expires_live);

  return g_test_run ();
}
