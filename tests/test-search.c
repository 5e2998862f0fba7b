/* test-search.c: finding an account among dozens in the real window under
 * Xvfb, driven by real key presses (xdotool through the X server): Ctrl+F,
 * typing anywhere, Escape; and Ctrl+W closing the window as its close
 * button does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <string.h>

#include "relink-account-filter.h"
#include "relink-account-manager.h"
#include "relink-account-row-private.h"
#include "relink-test-gui.h"
#include "relink-test-util.h"
#include "relink-window-private.h"

/* Five of each fixture account: 40 accounts. */
#define N_CYCLES 5
#define N_ACCOUNTS (N_CYCLES * RELINK_TEST_FIXTURE_CYCLE)

#define WAIT_FOR(cond) RELINK_TEST_WAIT_FOR (cond, 30)

typedef RelinkTestWindow Fixture;

static void
fixture_open (Fixture *fixture)
{
  relink_test_window_open (fixture, N_ACCOUNTS, 640, 720, 2);
}

/* Real key presses: xdotool gives @window the X input focus and sends
 * @action ("key" or "type") with @what through the XTEST extension, as a
 * keyboard would. Then waits for GTK to have seen them. */
static void
send_keys_full (GtkWidget *window, const char *action, const char *what, gboolean wait)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *xid = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  relink_test_wait_for_frames (window, 1);
  xid = g_strdup_printf (
      "%lu", (gulong) gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window))));

  {
    g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
    g_auto (GStrv) argv = NULL;
    g_auto (GStrv) keys = g_strsplit (what, " ", -1);

    g_strv_builder_add_many (builder, "xdotool", "windowfocus", "--sync", xid, action, "--delay",
                             "20", NULL);
    /* Keys one argument each; text as one. */
    if (g_str_equal (action, "key"))
      g_strv_builder_addv (builder, (const char **) keys);
    else
      g_strv_builder_add (builder, what);
    argv = g_strv_builder_end (builder);

    g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  }
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("xdotool %s %s: %s (%s)", action, what, error->message, err);

  /* The events come through the X connection: let them in. */
  if (wait)
    {
      WAIT_FOR (gtk_window_is_active (GTK_WINDOW (window)));
      relink_test_wait_for_frames (window, 2);
    }
}

static void
send_keys (GtkWidget *window, const char *action, const char *what)
{
  send_keys_full (window, action, what, TRUE);
}

static GtkListView *
list_view (Fixture *fixture)
{
  return GTK_LIST_VIEW (relink_test_get_widget (fixture->window, "list_view"));
}

static guint
n_listed (Fixture *fixture)
{
  return g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (list_view (fixture))));
}

static const char *
search_text (Fixture *fixture)
{
  return gtk_editable_get_text (
      GTK_EDITABLE (relink_test_get_widget (fixture->window, "search_entry")));
}

static gboolean
search_open (Fixture *fixture)
{
  return gtk_search_bar_get_search_mode (
      GTK_SEARCH_BAR (relink_test_get_widget (fixture->window, "search_bar")));
}

static const char *
page (Fixture *fixture)
{
  return relink_window_get_page (RELINK_WINDOW (fixture->window));
}

static guint
n_rows_shown (Fixture *fixture)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  relink_test_collect_account_rows (fixture->window, rows);
  return rows->len;
}

/* Every listed account, and every row shown, passes @check; there are
 * @expected of them. */
static void
assert_listed (Fixture *fixture,
               guint expected,
               gboolean (*check) (RelinkAccount *account, gconstpointer data),
               gconstpointer data)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (list_view (fixture)));
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, expected);
  for (guint i = 0; i < expected; i++)
    {
      g_autoptr (RelinkAccount) account = g_list_model_get_item (model, i);

      if (!check (account, data))
        g_error ("%s is listed", relink_account_get_display_name (account));
    }

  /* The list view makes and maps its rows at the next layout after the
   * filter changed; under load that is frames later. */
  WAIT_FOR (n_rows_shown (fixture) == expected);
  relink_test_collect_account_rows (fixture->window, rows);
  g_assert_cmpuint (rows->len, ==, expected);
  for (guint i = 0; i < rows->len; i++)
    g_assert_true (check (relink_account_row_get_account (rows->pdata[i]), data));
}

static gboolean
has_provider (RelinkAccount *account, gconstpointer provider_id)
{
  return g_str_equal (relink_keyset_get_provider_id (relink_account_get_keyset (account)),
                      provider_id);
}

static gboolean
has_identity (RelinkAccount *account, gconstpointer identity)
{
  return g_strcmp0 (relink_account_get_identity_name (account), identity) == 0;
}

static gboolean
has_nickname (RelinkAccount *account, gconstpointer nickname)
{
  return g_str_equal (relink_account_get_display_name (account), nickname);
}

/* Ctrl+F opens the search with the focus in it; what is typed filters by
 * marketplace, user name or nickname, case and accents aside; a search
 * that finds nothing says so; Escape closes it and lists every account. */
static void
test_search_keys (void)
{
  Fixture fixture = { 0 };
  GtkWidget *entry;
  AdwStatusPage *no_results;

  fixture_open (&fixture);
  entry = relink_test_get_widget (fixture.window, "search_entry");
  g_assert_cmpstr (page (&fixture), ==, "accounts");
  WAIT_FOR (n_listed (&fixture) == N_ACCOUNTS);
  g_assert_false (search_open (&fixture));

  send_keys (fixture.window, "key", "ctrl+f");
  WAIT_FOR (search_open (&fixture));
  WAIT_FOR (gtk_widget_has_focus (GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (entry))))
            || gtk_widget_has_focus (entry));

  /* The marketplace, in capitals. */
  send_keys (fixture.window, "type", "ETSY");
  WAIT_FOR (n_listed (&fixture) == N_CYCLES);
  g_assert_cmpstr (search_text (&fixture), ==, "ETSY");
  assert_listed (&fixture, N_CYCLES, has_provider, "etsy");

  /* The user name a marketplace reports. */
  send_keys (fixture.window, "key", "ctrl+a BackSpace");
  WAIT_FOR (n_listed (&fixture) == N_ACCOUNTS);
  send_keys (fixture.window, "type", "testuser");
  WAIT_FOR (n_listed (&fixture) == N_CYCLES);
  assert_listed (&fixture, N_CYCLES, has_identity, "testuser_shop");

  /* The nickname, every word: one account of forty. */
  send_keys (fixture.window, "key", "ctrl+a BackSpace");
  send_keys (fixture.window, "type", "loja br 3");
  WAIT_FOR (n_listed (&fixture) == 1);
  assert_listed (&fixture, 1, has_nickname, "Loja BR 3");
  g_assert_cmpstr (page (&fixture), ==, "accounts");

  /* Nothing found: said in words, with what was searched. */
  send_keys (fixture.window, "type", "x");
  WAIT_FOR (g_str_equal (page (&fixture), "no-results"));
  g_assert_cmpuint (n_listed (&fixture), ==, 0);
  no_results = ADW_STATUS_PAGE (relink_test_get_widget (fixture.window, "no_results_page"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (no_results)));
  g_assert_cmpstr (adw_status_page_get_title (no_results), ==, "No Matching Accounts");
  g_assert_nonnull (strstr (adw_status_page_get_description (no_results), "“loja br 3x”"));

  /* Escape: every account again, the search closed and emptied. */
  send_keys (fixture.window, "key", "Escape");
  WAIT_FOR (!search_open (&fixture));
  WAIT_FOR (n_listed (&fixture) == N_ACCOUNTS);
  g_assert_cmpstr (search_text (&fixture), ==, "");
  g_assert_cmpstr (page (&fixture), ==, "accounts");

  relink_test_window_close (&fixture);
}

/* Typing with the focus in the list starts a search; Escape closes it
 * from the list too. */
static void
test_search_type_ahead (void)
{
  Fixture fixture = { 0 };

  fixture_open (&fixture);
  WAIT_FOR (n_listed (&fixture) == N_ACCOUNTS);
  gtk_widget_grab_focus (GTK_WIDGET (list_view (&fixture)));
  relink_test_wait_for_frames (fixture.window, 1);

  send_keys (fixture.window, "type", "ali");
  WAIT_FOR (search_open (&fixture));
  WAIT_FOR (n_listed (&fixture) == N_CYCLES);
  g_assert_cmpstr (search_text (&fixture), ==, "ali");
  assert_listed (&fixture, N_CYCLES, has_provider, "aliexpress");

  /* Down into the list, then Escape there. */
  gtk_widget_grab_focus (GTK_WIDGET (list_view (&fixture)));
  relink_test_wait_for_frames (fixture.window, 1);
  send_keys (fixture.window, "key", "Escape");
  WAIT_FOR (!search_open (&fixture));
  WAIT_FOR (n_listed (&fixture) == N_ACCOUNTS);

  relink_test_window_close (&fixture);
}

static guint
count_matches (GListModel *accounts, RelinkAccountFilter *filter, const char *search)
{
  guint n = 0;

  relink_account_filter_set_search (filter, search);
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (RelinkAccount) account = g_list_model_get_item (accounts, i);

      n += gtk_filter_match (GTK_FILTER (filter), account);
    }

  return n;
}

/* The filter itself: accents and case aside, every word somewhere in the
 * nickname, the user name or id, or the marketplace's name. */
static void
test_search_filter (void)
{
  Fixture fixture = { 0 };
  g_autoptr (RelinkAccountFilter) filter = relink_account_filter_new ();
  GListModel *accounts;

  fixture_open (&fixture);
  accounts = relink_account_manager_get_accounts (fixture.manager);

  g_assert_cmpint (gtk_filter_get_strictness (GTK_FILTER (filter)), ==, GTK_FILTER_MATCH_ALL);
  g_assert_cmpuint (count_matches (accounts, filter, "ÉTSY"), ==, N_CYCLES);
  g_assert_true (relink_account_filter_is_active (filter));
  g_assert_cmpuint (count_matches (accounts, filter, "handmadebyana"), ==, N_CYCLES);
  g_assert_cmpuint (count_matches (accounts, filter, "A1PA6795"), ==, N_CYCLES);
  g_assert_cmpuint (count_matches (accounts, filter, "Mercado Libre"), ==, 2 * N_CYCLES);
  g_assert_cmpuint (count_matches (accounts, filter, "  libre   tienda "), ==, N_CYCLES);
  g_assert_cmpuint (count_matches (accounts, filter, "lojá 2"), ==, 1);
  g_assert_cmpuint (count_matches (accounts, filter, "ebay zzz"), ==, 0);
  g_assert_cmpuint (count_matches (accounts, filter, "   "), ==, N_ACCOUNTS);
  g_assert_false (relink_account_filter_is_active (filter));
  g_assert_cmpint (gtk_filter_get_strictness (GTK_FILTER (filter)), ==, GTK_FILTER_MATCH_ALL);

  relink_test_window_close (&fixture);
}

/* Returns what close-request's handlers return: FALSE lets the window
 * close (a void handler would return whatever a register held). */
static gboolean
close_request_cb (GtkWindow *window, gboolean *asked)
{
  *asked = TRUE;
  return FALSE;
}

/* Ctrl+W closes the window the way its close button does: through
 * close-request (which saves its size, and lets the application go on in
 * the background), not by destroying it outright. */
static void
test_close_key (void)
{
  Fixture fixture = { 0 };
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  gboolean asked = FALSE;
  GtkWidget *window;

  fixture_open (&fixture);
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 600, 700);
  relink_test_wait_for_frames (fixture.window, 1);
  g_signal_connect (fixture.window, "close-request", G_CALLBACK (close_request_cb), &asked);
  window = g_object_ref (fixture.window);

  /* The window goes: no frames to wait for. */
  send_keys_full (window, "key", "ctrl+w", FALSE);
  WAIT_FOR (asked);
  WAIT_FOR (!gtk_widget_get_visible (window));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 600);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);

  fixture.window = NULL;
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (window);
  relink_test_window_close (&fixture);
}

int
main (int argc, char *argv[])
{
  g_autofree char *data_home = relink_test_make_tmp_dir ();
  int status;

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  /* xdotool speaks X11. */
  gdk_set_allowed_backends ("x11");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/search/filter", test_search_filter);
  g_test_add_func ("/search/keys", test_search_keys);
  g_test_add_func ("/search/type-ahead", test_search_type_ahead);
  g_test_add_func ("/window/close-key", test_close_key);

  status = g_test_run ();
  relink_test_remove_dir (data_home);

  return status;
}
