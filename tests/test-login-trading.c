/* test-login-trading.c: the login dialog's eBay Auth'n'Auth sign-in under
 * Xvfb with its real WebKitWebView, against the loopback Trading API
 * stub and its sign-in and consent pages (tests/relink-test-trading.c,
 * written from eBay's documentation), over a temp store and the private
 * session's real keyring. The pages' forms are filled in like a seller
 * would.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>
#include <webkit/webkit.h>

#include "relink-account-manager.h"
#include "relink-expiry.h"
#include "relink-keyset-page.h"
#include "relink-login-dialog-private.h"
#include "relink-test-gui.h"
#include "relink-test-trading.h"
#include "relink-test-util.h"

#define PROVIDER_ID "ebay-stub"
#define SHOP_A "shop_a"
#define SHOP_A_EIAS "nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6AFk4GmCJCBoQydj6x9nY+seQ=="
#define SHOP_B "shop_b"
#define SHOP_B_EIAS "nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6AFlYSkD5GHqA6dj6x9nY+seQ=="
#define SIGN_IN_TITLE "Sign in or create an account | eBay"
#define CONSENT_TITLE "Grant application access | eBay"

#define WAIT_FOR(cond) RELINK_TEST_WAIT_FOR (cond, 60)

typedef struct
{
  RelinkTestTrading *stub;
  char *dir;
  RelinkAccountManager *manager;
  RelinkKeyset *keyset;
  RelinkAccount *account;
  GPtrArray *account_ids;
} Fixture;

typedef struct
{
  guint count;
  char *message;
} SignedIn;

static void
set_up (Fixture *fixture, const char *accepted_url)
{
  g_autofree char *providers = NULL;
  g_autofree char *path = NULL;

  fixture->stub = relink_test_trading_new (accepted_url);
  relink_test_trading_add_user (fixture->stub, SHOP_A, SHOP_A_EIAS);
  relink_test_trading_add_user (fixture->stub, SHOP_B, SHOP_B_EIAS);
  fixture->dir = relink_test_make_tmp_dir ();
  providers = g_build_filename (fixture->dir, "providers", NULL);
  g_assert_cmpint (g_mkdir_with_parents (providers, 0700), ==, 0);
  relink_test_trading_write_profile (fixture->stub, providers, PROVIDER_ID);
  path = g_build_filename (fixture->dir, "relink.db", NULL);
  fixture->manager = relink_test_open_manager (path, providers);
  fixture->keyset = relink_test_trading_add_keyset (fixture->manager, PROVIDER_ID, accepted_url);
  fixture->account = relink_test_add_account (fixture->manager, fixture->keyset, "Shop A", NULL);
  fixture->account_ids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (fixture->account_ids, g_strdup (relink_account_get_id (fixture->account)));
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  set_up (fixture, data);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  relink_test_clear_keyring (fixture->manager, fixture->account_ids);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fixture->account);
  g_clear_object (&fixture->keyset);
  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->manager));
  g_ptr_array_unref (fixture->account_ids);
  relink_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_clear_pointer (&fixture->stub, relink_test_trading_free);
}

static gboolean
page_shown (GtkWindow *dialog, const char *title)
{
  WebKitWebView *web_view = relink_login_dialog_get_web_view (RELINK_LOGIN_DIALOG (dialog));

  if (g_strcmp0 (relink_test_login_visible_page (dialog), "error") == 0)
    g_error ("The dialog shows an error instead of “%s”: %s", title,
             relink_test_login_error_description (dialog));

  return web_view != NULL && !webkit_web_view_is_loading (web_view)
         && g_strcmp0 (webkit_web_view_get_title (web_view), title) == 0;
}

static char *
run_js (GtkWindow *dialog, const char *script)
{
  return relink_test_run_js (relink_login_dialog_get_web_view (RELINK_LOGIN_DIALOG (dialog)),
                             script);
}

/* eBay's sign-in page: the form is empty (nothing remembered), then
 * @user_id signs in; on the consent page "I agree" or "No thanks". */
static void
sign_in_as (GtkWindow *dialog, const char *user_id, gboolean agree)
{
  g_autofree char *userid = NULL;
  g_autofree char *script = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *who = NULL;

  WAIT_FOR (page_shown (dialog, SIGN_IN_TITLE));
  userid = run_js (dialog, "document.getElementById('userid').value");
  g_assert_cmpstr (userid, ==, "");
  script = g_strdup_printf ("document.getElementById('userid').value = '%s';"
                            "document.getElementById('pass').value = '%s';"
                            "document.getElementById('sgnBt').click(); 'ok'",
                            user_id, RELINK_TEST_TRADING_PASSWORD);
  answer = run_js (dialog, script);

  WAIT_FOR (page_shown (dialog, CONSENT_TITLE));
  who = run_js (dialog, "document.body.textContent");
  g_assert_nonnull (strstr (who, user_id));
  g_free (answer);
  answer = run_js (dialog, agree ? "document.getElementById('agree').click(); 'ok'"
                                 : "document.getElementById('decline').click(); 'ok'");
}

static void
signed_in_cb (GtkWindow *dialog, RelinkAccount *account, const char *message, SignedIn *signed_in)
{
  signed_in->count++;
  g_free (signed_in->message);
  signed_in->message = g_strdup (message);
}

static GtkWindow *
open_dialog (Fixture *fixture, SignedIn *signed_in)
{
  GtkWindow *dialog = relink_login_dialog_new (NULL, fixture->manager, fixture->account);

  g_signal_connect (dialog, "signed-in", G_CALLBACK (signed_in_cb), signed_in);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_present (dialog);
  g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  return dialog;
}

static void
close_dialog (GtkWindow **dialog)
{
  if (*dialog == NULL)
    return;

  g_object_add_weak_pointer (G_OBJECT (*dialog), (gpointer *) dialog);
  gtk_window_close (*dialog);
  WAIT_FOR (*dialog == NULL);
}

static char *
stored_json (Fixture *fixture)
{
  return relink_test_keyring_json (fixture->manager, fixture->account);
}

/* Connects the fixture's account as @user_id through the whole dialog. */
static void
connect_as (Fixture *fixture, const char *user_id)
{
  SignedIn signed_in = { 0 };
  GtkWindow *dialog = open_dialog (fixture, &signed_in);

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  sign_in_as (dialog, user_id, TRUE);
  WAIT_FOR (dialog == NULL);
  g_assert_cmpuint (signed_in.count, ==, 1);
  g_free (signed_in.message);
}

static void
test_connect (Fixture *fixture, gconstpointer data)
{
  SignedIn signed_in = { 0 };
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autofree char *date = NULL;
  g_autofree char *expected = NULL;
  GtkWindow *dialog;
  WebKitWebView *web_view;

  dialog = open_dialog (fixture, &signed_in);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_cmpstr (gtk_window_get_title (dialog), ==, "Connect eBay · Shop A");

  /* The same clean, ephemeral session as for OAuth. */
  WAIT_FOR (page_shown (dialog, SIGN_IN_TITLE));
  web_view = relink_login_dialog_get_web_view (RELINK_LOGIN_DIALOG (dialog));
  g_assert_true (
      webkit_network_session_is_ephemeral (webkit_web_view_get_network_session (web_view)));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (relink_test_get_widget (dialog, "host_label"))),
                   ==, "127.0.0.1");
  g_assert_nonnull (strstr (webkit_web_view_get_uri (web_view), "SignIn&runame="));
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "GetSessionID"), ==, 1);

  sign_in_as (dialog, SHOP_A, TRUE);
  WAIT_FOR (dialog == NULL);

  g_assert_cmpuint (signed_in.count, ==, 1);
  g_assert_cmpstr (relink_account_get_identity_id (fixture->account), ==, SHOP_A_EIAS);
  g_assert_cmpstr (relink_account_get_identity_name (fixture->account), ==, SHOP_A);
  g_assert_cmpint (relink_account_get_refresh_expires_at (fixture->account), ==,
                   relink_test_trading_get_hard_expiration (fixture->stub));
  date = relink_expiry_format_date (relink_test_trading_get_hard_expiration (fixture->stub), NULL);
  expected = g_strdup_printf ("eBay · Shop A connected — valid until %s", date);
  g_assert_cmpstr (signed_in.message, ==, expected);

  tokens = relink_test_keyring_tokens (fixture->manager, fixture->account);
  g_assert_nonnull (tokens);
  g_assert_cmpstr (
      relink_test_trading_token_status (fixture->stub, relink_token_set_get_access_token (tokens)),
      ==, "Active");
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "FetchToken"), ==, 1);
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "GetUser"), ==, 1);
  g_free (signed_in.message);
}

/* Renewing as another eBay user is refused exactly as for OAuth: the
 * stored token stays byte-identical, the other user's new token is
 * revoked at eBay, and Try Again with the right user goes through. */
static void
test_wrong_user (Fixture *fixture, gconstpointer data)
{
  SignedIn signed_in = { 0 };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GtkWindow *dialog;

  connect_as (fixture, SHOP_A);
  before = stored_json (fixture);
  g_assert_nonnull (before);

  dialog = open_dialog (fixture, &signed_in);
  g_assert_cmpstr (gtk_window_get_title (dialog), ==, "Renew eBay · Shop A");
  sign_in_as (dialog, SHOP_B, TRUE);
  g_assert_cmpstr (relink_test_login_wait_for_error (dialog, "Wrong Account"), ==,
                   "You signed in as shop_b, but this account is shop_a. Sign in as shop_a.");
  after = stored_json (fixture);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpstr (relink_account_get_identity_id (fixture->account), ==, SHOP_A_EIAS);
  g_assert_cmpuint (signed_in.count, ==, 0);
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "RevokeToken"), ==, 1);

  /* Try Again: a new session, a new empty form. */
  gtk_widget_activate (relink_test_get_widget (dialog, "try_again_button"));
  WAIT_FOR (g_strcmp0 (relink_test_login_visible_page (dialog), "error") != 0);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  sign_in_as (dialog, SHOP_A, TRUE);
  WAIT_FOR (dialog == NULL);
  g_assert_cmpuint (signed_in.count, ==, 1);
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "GetSessionID"), ==, 3);
  g_free (signed_in.message);
}

static void
test_declined (Fixture *fixture, gconstpointer data)
{
  SignedIn signed_in = { 0 };
  GtkWindow *dialog = open_dialog (fixture, &signed_in);

  sign_in_as (dialog, SHOP_A, FALSE);
  relink_test_login_wait_for_error (dialog, "Access Declined");
  g_assert_null (relink_test_keyring_tokens (fixture->manager, fixture->account));
  g_assert_cmpuint (relink_test_trading_hits (fixture->stub, "FetchToken"), ==, 0);
  close_dialog (&dialog);
  g_assert_cmpuint (signed_in.count, ==, 0);
}

/* The session outlived eBay's five minutes while the seller typed. */
static void
test_expired_session (Fixture *fixture, gconstpointer data)
{
  SignedIn signed_in = { 0 };
  GtkWindow *dialog = open_dialog (fixture, &signed_in);

  WAIT_FOR (page_shown (dialog, SIGN_IN_TITLE));
  relink_test_trading_expire_session (fixture->stub,
                                      relink_test_trading_get_last_session (fixture->stub));
  sign_in_as (dialog, SHOP_A, TRUE);
  relink_test_login_wait_for_error (dialog, "Sign-In Failed");
  g_assert_nonnull (strstr (relink_test_login_error_description (dialog), "expired"));
  g_assert_null (relink_test_keyring_tokens (fixture->manager, fixture->account));
  g_assert_true (gtk_widget_get_visible (relink_test_get_widget (dialog, "try_again_button")));
  close_dialog (&dialog);
  g_assert_cmpuint (signed_in.count, ==, 0);
}

/* Wrong developer keys: eBay refuses GetSessionID; no page is shown. */
static void
test_wrong_keys (Fixture *fixture, gconstpointer data)
{
  SignedIn signed_in = { 0 };
  GtkWindow *dialog;

  relink_keyset_set_extra (fixture->keyset, "dev_id", "not-the-dev-id");
  dialog = open_dialog (fixture, &signed_in);
  relink_test_login_wait_for_error (dialog, "Developer Keys Refused");
  g_assert_null (relink_login_dialog_get_web_view (RELINK_LOGIN_DIALOG (dialog)));
  close_dialog (&dialog);
}

static void
set_row_text (GtkWidget *page, const char *id, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (relink_test_get_widget (page, id)), text);
}

static const char *
row_title (GtkWidget *page, const char *id)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (relink_test_get_widget (page, id)));
}

/* A seller adds their Trading API keys: the kind row appears for the
 * eBay profile, and Auth'n'Auth keys are App ID, Cert ID (a secret),
 * RuName and the Dev ID. */
static void
test_keyset_page (Fixture *fixture, gconstpointer data)
{
  RelinkProvider *provider = relink_provider_registry_lookup (
      relink_account_manager_get_providers (fixture->manager), PROVIDER_ID);
  RelinkKeysetPage *page = g_object_new (RELINK_TYPE_KEYSET_PAGE, NULL);
  GtkWidget *window = gtk_window_new ();
  g_autoptr (GHashTable) secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          (GDestroyNotify) relink_secret_free);
  g_autoptr (RelinkKeyset) keyset = NULL;
  GtkWidget *kind_row;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  relink_keyset_page_set_provider (page, fixture->manager, provider);

  /* The saved Auth'n'Auth keys are offered, marked as such. */
  g_assert_nonnull (relink_test_find_widget (page, relink_keyset_get_id (fixture->keyset)));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (adw_action_row_get_activatable_widget (
                                   ADW_ACTION_ROW (relink_test_get_widget (page, "new-keys")))),
                               TRUE);

  kind_row = relink_test_get_widget (page, "kind_row");
  g_assert_true (gtk_widget_get_visible (kind_row));
  g_assert_cmpstr (row_title (GTK_WIDGET (page), "client_id_row"), ==, "Client ID");
  g_assert_null (relink_test_find_widget (page, "dev_id"));

  adw_combo_row_set_selected (ADW_COMBO_ROW (kind_row), 1);
  g_assert_cmpstr (row_title (GTK_WIDGET (page), "client_id_row"), ==, "App ID");
  g_assert_cmpstr (row_title (GTK_WIDGET (page), "client_secret_row"), ==, "Cert ID");
  g_assert_cmpstr (row_title (GTK_WIDGET (page), "redirect_row"), ==, "RuName");
  g_assert_nonnull (relink_test_find_widget (page, "dev_id"));
  g_assert_false (relink_keyset_page_validate (page, TRUE));

  set_row_text (GTK_WIDGET (page), "client_id_row", RELINK_TEST_TRADING_APP_ID);
  set_row_text (GTK_WIDGET (page), "client_secret_row", RELINK_TEST_TRADING_CERT_ID);
  set_row_text (GTK_WIDGET (page), "redirect_row", RELINK_TEST_TRADING_RUNAME);
  /* The Dev ID is required. */
  g_assert_false (relink_keyset_page_validate (page, TRUE));
  set_row_text (GTK_WIDGET (page), "dev_id", RELINK_TEST_TRADING_DEV_ID);
  g_assert_true (relink_keyset_page_validate (page, TRUE));

  keyset = relink_keyset_page_build_keyset (page, secrets);
  g_assert_cmpstr (relink_keyset_get_grant_kind (keyset), ==, RELINK_GRANT_KIND_AUTH_N_AUTH);
  g_assert_cmpstr (relink_keyset_get_client_id (keyset), ==, RELINK_TEST_TRADING_APP_ID);
  g_assert_cmpstr (relink_keyset_get_redirect (keyset), ==, RELINK_TEST_TRADING_RUNAME);
  g_assert_cmpstr (relink_keyset_get_extra (keyset, "dev_id"), ==, RELINK_TEST_TRADING_DEV_ID);
  g_assert_cmpstr (g_hash_table_lookup (secrets, "client_secret"), ==, RELINK_TEST_TRADING_CERT_ID);

  /* Back to OAuth: its own rows again. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (kind_row), 0);
  g_assert_cmpstr (row_title (GTK_WIDGET (page), "client_id_row"), ==, "Client ID");
  g_assert_null (relink_test_find_widget (page, "dev_id"));

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

#define ADD(path, func, accepted)                                                                  \
  g_test_add (path, Fixture, accepted, fixture_set_up, func, fixture_tear_down)
  ADD ("/login-trading/connect", test_connect, NULL);
  /* The RuName's own accepted URL, on a host that cannot exist: caught
   * before it is loaded. */
  ADD ("/login-trading/connect-accepted-url", test_connect, "https://shop-a.invalid/ebay/accepted");
  ADD ("/login-trading/wrong-user", test_wrong_user, NULL);
  ADD ("/login-trading/declined", test_declined, NULL);
  ADD ("/login-trading/expired-session", test_expired_session, NULL);
  ADD ("/login-trading/wrong-keys", test_wrong_keys, NULL);
  ADD ("/login-trading/keyset-page", test_keyset_page, NULL);
#undef ADD

  return g_test_run ();
}
