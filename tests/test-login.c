/* test-login.c: the login dialog under Xvfb with its real WebKitWebView
 * against the real OAuth server (tests/oidc, oidc-provider) on 127.0.0.1,
 * over a temp store and the private session's real keyring. The provider's
 * own sign-in and consent forms are filled in like a user would.
 *
 * With RELINK_SCREENSHOT_DIR set, saves login-dialog.png and
 * wrong-account.png there.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <webkit/webkit.h>

#include "relink-account-manager.h"
#include "relink-expiry.h"
#include "relink-login-dialog-private.h"
#include "relink-test-gui.h"
#include "relink-test-oidc.h"
#include "relink-test-util.h"

#define PROVIDER_ID "test-oidc"
#define PROVIDER_NAME "Test Market"

/* One server for the whole run: it starts in seconds, not milliseconds. */
static RelinkTestOidc *server;

typedef struct
{
  char *dir;
  RelinkStore *store;
  RelinkSecrets *secrets;
  RelinkAccountManager *manager;
  RelinkKeyset *keyset;
  RelinkAccount *account;
} Fixture;

#define WAIT_FOR(cond) RELINK_TEST_WAIT_FOR (cond, 60)

static void
got_result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The test server's endpoints, from its discovery document, as a custom
 * provider profile of the kind a seller would write. */
static char *
profile_from_discovery (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *url = NULL;
  g_autoptr (SoupMessage) message = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  JsonObject *discovery;

  url = g_strconcat (relink_test_oidc_get_issuer (server), "/.well-known/openid-configuration",
                     NULL);
  message = soup_message_new ("GET", url);
  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                              &error);
  g_assert_no_error (error);
  discovery = json_node_get_object (json_parser_get_root (parser));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format_version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, PROVIDER_ID);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, PROVIDER_NAME);
  json_builder_set_member_name (builder, "client_auth");
  json_builder_add_string_value (builder, "basic");
  json_builder_set_member_name (builder, "pkce");
  json_builder_add_string_value (builder, "required");
  json_builder_set_member_name (builder, "scopes");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "openid");
  json_builder_add_string_value (builder, "profile");
  json_builder_add_string_value (builder, "listings.read");
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "access_lifetime");
  json_builder_add_int_value (builder, 3600);
  json_builder_set_member_name (builder, "refresh_lifetime");
  json_builder_add_int_value (builder, 90 * 24 * 60 * 60);
  json_builder_set_member_name (builder, "rotating_refresh");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "identity");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, "id_token");
  json_builder_set_member_name (builder, "name_field");
  json_builder_add_string_value (builder, "preferred_username");
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "environments");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, "local");
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "Local");
  json_builder_set_member_name (builder, "production");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "authorize_url");
  json_builder_add_string_value (
      builder, json_object_get_string_member (discovery, "authorization_endpoint"));
  json_builder_set_member_name (builder, "token_url");
  json_builder_add_string_value (builder,
                                 json_object_get_string_member (discovery, "token_endpoint"));
  json_builder_set_member_name (builder, "identity_url");
  json_builder_add_string_value (builder,
                                 json_object_get_string_member (discovery, "userinfo_endpoint"));
  json_builder_set_member_name (builder, "revoke_url");
  json_builder_add_string_value (builder,
                                 json_object_get_string_member (discovery, "revocation_endpoint"));
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *providers_dir = NULL;
  g_autofree char *profile_path = NULL;
  g_autofree char *profile = NULL;
  g_autoptr (RelinkProviderRegistry) providers = NULL;
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *keyset_id = NULL;
  g_autofree char *account_id = NULL;
  RelinkProvider *provider;

  fixture->dir = relink_test_make_tmp_dir ();
  path = g_build_filename (fixture->dir, "relink.db", NULL);
  providers_dir = g_build_filename (fixture->dir, "providers", NULL);
  profile_path = g_build_filename (providers_dir, PROVIDER_ID ".json", NULL);

  profile = profile_from_discovery ();
  g_assert_cmpint (g_mkdir_with_parents (providers_dir, 0700), ==, 0);
  g_file_set_contents (profile_path, profile, -1, &error);
  g_assert_no_error (error);

  fixture->store = relink_store_open (path, &error);
  g_assert_no_error (error);
  fixture->secrets = relink_secrets_new ();
  providers = relink_provider_registry_new (providers_dir);
  g_assert_cmpuint (relink_provider_registry_get_load_errors (providers)->len, ==, 0);
  provider = relink_provider_registry_lookup (providers, PROVIDER_ID);
  g_assert_nonnull (provider);
  fixture->manager = relink_account_manager_new (fixture->store, fixture->secrets, providers);
  relink_account_manager_load_sync (fixture->manager, NULL, &error);
  g_assert_no_error (error);

  /* The seller's developer keys: the server's basic-auth client. */
  keyset_id = relink_new_id ();
  fixture->keyset = relink_keyset_new (keyset_id);
  relink_keyset_set_provider_id (fixture->keyset, PROVIDER_ID);
  relink_keyset_set_provider (fixture->keyset, provider);
  relink_keyset_set_environment (fixture->keyset, "local");
  relink_keyset_set_client_id (fixture->keyset, RELINK_TEST_OIDC_CLIENT_ID);
  relink_keyset_set_redirect (fixture->keyset, RELINK_TEST_OIDC_REDIRECT_URI);
  relink_account_manager_add_keyset_async (fixture->manager, fixture->keyset, NULL, NULL,
                                           got_result_cb, &result);
  WAIT_FOR (result != NULL);
  relink_account_manager_add_keyset_finish (fixture->manager, result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  relink_secrets_store_keyset_secret_sync (fixture->secrets, relink_keyset_get_id (fixture->keyset),
                                           "client_secret", "Relink test keyset",
                                           RELINK_TEST_OIDC_CLIENT_SECRET, NULL, &error);
  g_assert_no_error (error);

  /* A new account, to be connected as alice. */
  account_id = relink_new_id ();
  account = relink_account_new (account_id);
  relink_account_set_nickname (account, "shop_a");
  relink_account_set_keyset_id (account, relink_keyset_get_id (fixture->keyset));
  relink_account_set_keyset (account, fixture->keyset);
  relink_account_set_expected_identity (account, "alice");
  relink_account_manager_add_account_async (fixture->manager, account, NULL, got_result_cb,
                                            &result);
  WAIT_FOR (result != NULL);
  relink_account_manager_add_account_finish (fixture->manager, result, &error);
  g_assert_no_error (error);

  fixture->account = g_object_ref (
      relink_account_manager_lookup_account (fixture->manager, relink_account_get_id (account)));
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  relink_secrets_clear_tokens_sync (fixture->secrets, relink_account_get_id (fixture->account),
                                    NULL, &error);
  g_assert_no_error (error);
  relink_secrets_clear_keyset_sync (fixture->secrets, relink_keyset_get_id (fixture->keyset), NULL,
                                    &error);
  g_assert_no_error (error);

  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fixture->account);
  g_clear_object (&fixture->keyset);
  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->manager));
  g_clear_object (&fixture->secrets);
  g_clear_object (&fixture->store);
  relink_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static WebKitWebView *
web_view_of (GtkWindow *dialog)
{
  return relink_login_dialog_get_web_view (RELINK_LOGIN_DIALOG (dialog));
}

/* The view in @window: the login dialog's, or the one of the stand-in for
 * the system browser. */
static WebKitWebView *
current_view (GtkWindow *window)
{
  if (RELINK_IS_LOGIN_DIALOG (window))
    return web_view_of (window);

  return WEBKIT_WEB_VIEW (gtk_window_get_child (window));
}

static gboolean
page_shown (GtkWindow *dialog, const char *title)
{
  WebKitWebView *web_view = current_view (dialog);

  if (RELINK_IS_LOGIN_DIALOG (dialog)
      && g_strcmp0 (relink_test_login_visible_page (dialog), "error") == 0)
    g_error ("The dialog shows an error instead of “%s”: %s", title,
             relink_test_login_error_description (dialog));

  return web_view != NULL && !webkit_web_view_is_loading (web_view)
         && g_strcmp0 (webkit_web_view_get_title (web_view), title) == 0;
}

/* Waits until the provider's page titled @title finished loading. */
static void
wait_for_page (GtkWindow *dialog, const char *title)
{
  WAIT_FOR (page_shown (dialog, title));
}

/* Runs @script in the page, as the test's stand-in for the user's hands. */
static char *
run_js (GtkWindow *dialog, const char *script)
{
  return relink_test_run_js (current_view (dialog), script);
}

/* Types @username and the password into the provider's sign-in form and
 * submits it. The form must be empty: nothing is remembered. */
static void
sign_in_as (GtkWindow *dialog, const char *username)
{
  g_autofree char *password = NULL;
  g_autofree char *script = NULL;
  g_autofree char *answer = NULL;

  wait_for_page (dialog, "Sign in");
  password = run_js (dialog, "document.getElementById('password').value");
  g_assert_cmpstr (password, ==, "");

  script = g_strdup_printf ("document.getElementById('login').value = '%s';"
                            "document.getElementById('password').value = '%s';"
                            "document.getElementById('sign-in').click();",
                            username, RELINK_TEST_OIDC_PASSWORD);
  answer = run_js (dialog, script);
}

/* On the consent page: checks who signed in, then clicks Allow or Deny. */
static void
consent (GtkWindow *dialog, const char *username, const char *button)
{
  g_autofree char *who = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *script = NULL;
  g_autofree char *answer = NULL;

  wait_for_page (dialog, "Allow access?");
  who = run_js (dialog, "document.getElementById('account').textContent");
  expected = g_strdup_printf ("Signed in as %s.", username);
  g_assert_cmpstr (who, ==, expected);

  script = g_strdup_printf ("document.getElementById('%s').click();", button);
  answer = run_js (dialog, script);
}

typedef struct
{
  guint count;
  RelinkAccount *account;
  char *message;
} SignedIn;

static void
signed_in_cb (GtkWindow *dialog, RelinkAccount *account, const char *message, SignedIn *signed_in)
{
  signed_in->count++;
  g_set_object (&signed_in->account, account);
  g_free (signed_in->message);
  signed_in->message = g_strdup (message);
}

static void
signed_in_clear (SignedIn *signed_in)
{
  g_clear_object (&signed_in->account);
  g_clear_pointer (&signed_in->message, g_free);
}

static GtkWindow *
open_dialog (Fixture *fixture, SignedIn *signed_in)
{
  GtkWindow *dialog = relink_login_dialog_new (NULL, fixture->manager, fixture->account);

  g_signal_connect (dialog, "signed-in", G_CALLBACK (signed_in_cb), signed_in);
  gtk_window_present (dialog);
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

/* The keyring item of the account exactly as stored, NULL when none. */
static char *
dup_stored_tokens (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;

  tokens = relink_secrets_lookup_tokens_sync (
      fixture->secrets, relink_account_get_id (fixture->account), NULL, &error);
  g_assert_no_error (error);
  return tokens != NULL ? relink_token_set_to_json (tokens) : NULL;
}

/* With RELINK_SCREENSHOT_DIR set, saves what the X server shows of @dialog
 * as NAME.png (import -window, as a user would see it). */
static void
maybe_screenshot (GtkWindow *dialog, const char *name)
{
  const char *dir = g_getenv ("RELINK_SCREENSHOT_DIR");
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *xid = NULL;
  int status;

  if (dir == NULL)
    return;

  relink_test_wait_for_frames (GTK_WIDGET (dialog), 10);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  xid = g_strdup_printf (
      "0x%lx", (gulong) gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (dialog))));
  {
    const char *argv[] = { "import", "-window", xid, path, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                  &error);
  }
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* Signs the fixture's account in as alice through the whole dialog. */
static void
connect_as_alice (Fixture *fixture)
{
  SignedIn signed_in = { 0 };
  GtkWindow *dialog = open_dialog (fixture, &signed_in);

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  sign_in_as (dialog, "alice");
  consent (dialog, "alice", "allow");
  WAIT_FOR (dialog == NULL);
  g_assert_cmpuint (signed_in.count, ==, 1);
  g_assert_cmpstr (relink_account_get_identity_id (fixture->account), ==, "alice");
  signed_in_clear (&signed_in);
}

/* How many WebKit web processes this test process has started and not
 * yet ended (their command name is cut to 15 characters). */
static guint
count_web_processes (void)
{
  g_autofree char *children = relink_test_list_children (getpid ());
  guint n = 0;

  for (const char *p = children; (p = strstr (p, "WebKitWebProces")) != NULL; p++)
    n++;
  return n;
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Waits (up to 60 s) until no web process of ours is left; what the
 * kernel shows is polled, so the loop must wake up on its own. */
static void
wait_for_no_web_process (void)
{
  guint tick = g_timeout_add (50, tick_cb, NULL);

  WAIT_FOR (count_web_processes () == 0);
  g_source_remove (tick);
}

static void
test_connect (Fixture *fixture, gconstpointer data)
{
  SignedIn signed_in = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autofree char *expected_message = NULL;
  g_autofree char *date = NULL;
  GtkWindow *dialog;
  WebKitWebView *web_view;
  WebKitNetworkSession *session;

  g_assert_null (relink_account_get_identity_id (fixture->account));

  dialog = open_dialog (fixture, &signed_in);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_cmpstr (gtk_window_get_title (dialog), ==, "Connect " PROVIDER_NAME " · shop_a");

  /* An ephemeral session of its own. */
  web_view = web_view_of (dialog);
  g_assert_nonnull (web_view);
  session = webkit_web_view_get_network_session (web_view);
  g_assert_true (webkit_network_session_is_ephemeral (session));
  g_assert_true (session != webkit_network_session_get_default ());

  /* The header names the host; loopback http is marked as not secure. */
  wait_for_page (dialog, "Sign in");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (relink_test_get_widget (dialog, "host_label"))),
                   ==, "127.0.0.1");
  g_assert_true (gtk_widget_get_visible (relink_test_get_widget (dialog, "insecure_label")));
  g_assert_true (gtk_widget_get_visible (relink_test_get_widget (dialog, "security_icon")));
  g_assert_cmpstr (
      gtk_image_get_icon_name (GTK_IMAGE (relink_test_get_widget (dialog, "security_icon"))), ==,
      "dialog-warning-symbolic");

  sign_in_as (dialog, "alice");
  wait_for_page (dialog, "Allow access?");
  maybe_screenshot (dialog, "login-dialog");
  g_assert_cmpuint (count_web_processes (), >=, 1);
  consent (dialog, "alice", "allow");

  /* The redirect to https://relink.invalid/… (a host that cannot exist)
   * was caught: the sign-in completed and the dialog closed itself. */
  WAIT_FOR (dialog == NULL);
  /* ...and its web process ended with it: nothing of the seller's
   * session outlives the dialog, not even in a process. */
  wait_for_no_web_process ();
  g_assert_cmpuint (signed_in.count, ==, 1);
  g_assert_true (signed_in.account == fixture->account);
  g_assert_cmpstr (relink_account_get_identity_id (fixture->account), ==, "alice");
  g_assert_cmpint (relink_account_get_status (fixture->account), ==,
                   RELINK_ACCOUNT_STATUS_CONNECTED);
  g_assert_cmpint (relink_account_get_refresh_expires_at (fixture->account), >, relink_now ());

  date = relink_expiry_format_date (relink_account_get_refresh_expires_at (fixture->account), NULL);
  expected_message = g_strdup_printf (PROVIDER_NAME " · shop_a connected — valid until %s", date);
  g_assert_cmpstr (signed_in.message, ==, expected_message);

  tokens = relink_secrets_lookup_tokens_sync (
      fixture->secrets, relink_account_get_id (fixture->account), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tokens);
  g_assert_nonnull (relink_token_set_get_access_token (tokens));
  g_assert_cmpstr (relink_token_set_get_access_token (tokens), !=, "");
  g_assert_nonnull (relink_token_set_get_refresh_token (tokens));

  signed_in_clear (&signed_in);
}

static void
test_renew (Fixture *fixture, gconstpointer data)
{
  SignedIn signed_in = { 0 };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GtkWindow *dialog;

  connect_as_alice (fixture);
  before = dup_stored_tokens (fixture);

  dialog = open_dialog (fixture, &signed_in);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_cmpstr (gtk_window_get_title (dialog), ==, "Renew " PROVIDER_NAME " · shop_a");
  sign_in_as (dialog, "alice");
  consent (dialog, "alice", "allow");
  WAIT_FOR (dialog == NULL);

  g_assert_cmpuint (signed_in.count, ==, 1);
  g_assert_true (
      g_str_has_prefix (signed_in.message, PROVIDER_NAME " · shop_a renewed — valid until "));
  after = dup_stored_tokens (fixture);
  g_assert_nonnull (after);
  g_assert_cmpstr (before, !=, after);

  signed_in_clear (&signed_in);
}

static void
test_wrong_account (Fixture *fixture, gconstpointer data)
{
  SignedIn signed_in = { 0 };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GtkWindow *dialog;
  WebKitWebView *first_view;

  connect_as_alice (fixture);
  before = dup_stored_tokens (fixture);
  g_assert_nonnull (before);

  dialog = open_dialog (fixture, &signed_in);
  first_view = web_view_of (dialog);
  g_object_add_weak_pointer (G_OBJECT (first_view), (gpointer *) &first_view);
  sign_in_as (dialog, "bob");
  consent (dialog, "bob", "allow");

  g_assert_cmpstr (relink_test_login_wait_for_error (dialog, "Wrong Account"), ==,
                   "You signed in as bob, but this account is alice. Sign in as alice.");
  g_assert_true (gtk_widget_get_visible (relink_test_get_widget (dialog, "try_again_button")));
  maybe_screenshot (dialog, "wrong-account");

  /* Nothing was stored: the keyring item is byte for byte the old one. */
  after = dup_stored_tokens (fixture);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpstr (relink_account_get_identity_id (fixture->account), ==, "alice");
  g_assert_cmpuint (signed_in.count, ==, 0);

  /* The view of the failed attempt is gone, with its web process. */
  WAIT_FOR (first_view == NULL);
  wait_for_no_web_process ();

  /* Try Again: a new attempt in a new session shows an empty sign-in
   * form again, and the right account goes through. */
  gtk_widget_activate (relink_test_get_widget (dialog, "try_again_button"));
  WAIT_FOR (web_view_of (dialog) != NULL);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  sign_in_as (dialog, "alice");
  consent (dialog, "alice", "allow");
  WAIT_FOR (dialog == NULL);
  g_assert_cmpuint (signed_in.count, ==, 1);

  signed_in_clear (&signed_in);
}

static void
test_declined (Fixture *fixture, gconstpointer data)
{
  SignedIn signed_in = { 0 };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GtkWindow *dialog;

  connect_as_alice (fixture);
  before = dup_stored_tokens (fixture);

  dialog = open_dialog (fixture, &signed_in);
  sign_in_as (dialog, "alice");
  consent (dialog, "alice", "deny");

  g_assert_cmpstr (relink_test_login_wait_for_error (dialog, "Access Declined"), ==,
                   "You declined access on " PROVIDER_NAME ". Nothing was changed.");
  after = dup_stored_tokens (fixture);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (signed_in.count, ==, 0);

  close_dialog (&dialog);
  signed_in_clear (&signed_in);
}

static void
test_tampered_state (Fixture *fixture, gconstpointer data)
{
  SignedIn signed_in = { 0 };
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *answer = NULL;
  GtkWindow *dialog;

  connect_as_alice (fixture);
  before = dup_stored_tokens (fixture);

  dialog = open_dialog (fixture, &signed_in);
  wait_for_page (dialog, "Sign in");
  answer = run_js (dialog,
                   "location = '" RELINK_TEST_OIDC_REDIRECT_URI "?code=x&state=tampered'; 'ok'");

  relink_test_login_wait_for_error (dialog, "Sign-In Not Accepted");
  g_assert_true (g_str_has_prefix (relink_test_login_error_description (dialog),
                                   "The sign-in answer did not belong to this "));
  after = dup_stored_tokens (fixture);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (signed_in.count, ==, 0);

  close_dialog (&dialog);
  signed_in_clear (&signed_in);
}

/* oidc-provider skips its sign-in form when its session cookie comes
 * back; a second dialog must show the form again. */
static void
test_fresh_session (Fixture *fixture, gconstpointer data)
{
  SignedIn signed_in = { 0 };
  GtkWindow *dialog;
  WebKitWebView *web_view;
  WebKitNetworkSession *session;

  dialog = open_dialog (fixture, &signed_in);
  sign_in_as (dialog, "alice");
  wait_for_page (dialog, "Allow access?");

  /* Closing the dialog takes the view and its session with it. */
  web_view = web_view_of (dialog);
  session = webkit_web_view_get_network_session (web_view);
  g_object_add_weak_pointer (G_OBJECT (web_view), (gpointer *) &web_view);
  g_object_add_weak_pointer (G_OBJECT (session), (gpointer *) &session);
  close_dialog (&dialog);
  WAIT_FOR (web_view == NULL);
  WAIT_FOR (session == NULL);

  dialog = open_dialog (fixture, &signed_in);
  wait_for_page (dialog, "Sign in");
  close_dialog (&dialog);

  g_assert_cmpuint (signed_in.count, ==, 0);
  g_assert_null (relink_account_get_identity_id (fixture->account));
  signed_in_clear (&signed_in);
}

static void
test_insecure (Fixture *fixture, gconstpointer data)
{
  SignedIn signed_in = { 0 };
  g_autofree char *answer = NULL;
  GtkWindow *dialog;

  dialog = open_dialog (fixture, &signed_in);
  wait_for_page (dialog, "Sign in");
  answer = run_js (dialog, "location = 'http://example.invalid/'; 'ok'");

  /* Refused before any request: a request would have failed to resolve
   * the host and shown "Page Not Available" instead. */
  g_assert_cmpstr (relink_test_login_wait_for_error (dialog, "Connection Not Secure"), ==,
                   "The connection to example.invalid is not secure. Relink stopped loading it.");
  g_assert_null (web_view_of (dialog));

  close_dialog (&dialog);
  g_assert_cmpuint (signed_in.count, ==, 0);
  signed_in_clear (&signed_in);
}

/* A server-side redirect (a plain GET answered with 303, no form) to the
 * redirect address is caught too: oidc-provider answers prompt=none
 * without a session by redirecting with error=login_required. Had the
 * redirect reached the network, relink.invalid would not resolve and the
 * dialog would say "Page Not Available". */
static void
test_server_redirect (Fixture *fixture, gconstpointer data)
{
  SignedIn signed_in = { 0 };
  g_autofree char *script = NULL;
  g_autofree char *answer = NULL;
  GtkWindow *dialog;

  dialog = open_dialog (fixture, &signed_in);
  wait_for_page (dialog, "Sign in");
  script = g_strdup_printf (
      "location = '%s/auth?response_type=code&client_id=" RELINK_TEST_OIDC_CLIENT_ID
      "&redirect_uri=https%%3A%%2F%%2Frelink.invalid%%2Fcallback&scope=openid&prompt=none"
      "&state=elsewhere&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
      "&code_challenge_method=S256'; 'ok'",
      relink_test_oidc_get_issuer (server));
  answer = run_js (dialog, script);

  relink_test_login_wait_for_error (dialog, "Sign-In Not Accepted");
  g_assert_cmpuint (signed_in.count, ==, 0);

  close_dialog (&dialog);
  signed_in_clear (&signed_in);
}

static char *browser_dir;

/* Installs a stand-in for the system browser as the default https handler
 * (in a private XDG_DATA_HOME): it only writes down the address it was
 * asked to open. */
static void
install_fake_browser (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *applications = NULL;
  g_autofree char *script = NULL;
  g_autofree char *desktop = NULL;
  g_autofree char *desktop_text = NULL;
  g_autofree char *mimeapps = NULL;

  browser_dir = relink_test_make_tmp_dir ();
  applications = g_build_filename (browser_dir, "applications", NULL);
  g_assert_cmpint (g_mkdir_with_parents (applications, 0700), ==, 0);

  script = g_build_filename (browser_dir, "fake-browser", NULL);
  g_file_set_contents (script,
                       "#!/bin/sh\n"
                       "dir=$(dirname \"$0\")\n"
                       "printf '%s\\n' \"$1\" > \"$dir/opened-url.tmp\"\n"
                       "mv \"$dir/opened-url.tmp\" \"$dir/opened-url\"\n",
                       -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (script, 0700), ==, 0);

  desktop = g_build_filename (applications, "relink-fake-browser.desktop", NULL);
  desktop_text = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Fake Browser\n"
                                  "Exec=%s %%u\nMimeType=x-scheme-handler/https;\n",
                                  script);
  g_file_set_contents (desktop, desktop_text, -1, &error);
  g_assert_no_error (error);

  mimeapps = g_build_filename (applications, "mimeapps.list", NULL);
  g_file_set_contents (mimeapps,
                       "[Default Applications]\n"
                       "x-scheme-handler/https=relink-fake-browser.desktop\n",
                       -1, &error);
  g_assert_no_error (error);

  g_setenv ("XDG_DATA_HOME", browser_dir, TRUE);
}

static gboolean
browser_decide_policy_cb (WebKitWebView *web_view,
                          WebKitPolicyDecision *decision,
                          WebKitPolicyDecisionType type,
                          char **final_uri)
{
  const char *uri;

  if (type != WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION)
    return FALSE;

  uri = webkit_uri_request_get_uri (webkit_navigation_action_get_request (
      webkit_navigation_policy_decision_get_navigation_action (
          WEBKIT_NAVIGATION_POLICY_DECISION (decision))));
  if (!g_str_has_prefix (uri, RELINK_TEST_OIDC_REDIRECT_URI "?"))
    return FALSE;

  g_free (*final_uri);
  *final_uri = g_strdup (uri);
  webkit_policy_decision_ignore (decision);
  return TRUE;
}

/* What the browser's address bar shows in the end: where it was sent,
 * whether or not the page could be reached. */
static gboolean
browser_load_failed_cb (WebKitWebView *web_view,
                        WebKitLoadEvent load_event,
                        const char *failing_uri,
                        GError *error,
                        char **final_uri)
{
  if (*final_uri == NULL && g_str_has_prefix (failing_uri, RELINK_TEST_OIDC_REDIRECT_URI "?"))
    *final_uri = g_strdup (failing_uri);
  return TRUE;
}

static void
read_text_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  *(char **) user_data = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
}

static void
test_browser (Fixture *fixture, gconstpointer data)
{
  SignedIn signed_in = { 0 };
  g_autoptr (WebKitNetworkSession) session = webkit_network_session_new_ephemeral ();
  g_autofree char *opened = NULL;
  g_autofree char *final_uri = NULL;
  g_autofree char *pasted = NULL;
  GtkWindow *dialog;
  GtkWindow *browser;
  GtkWidget *browser_view;
  GtkWidget *paste_error;

  dialog = open_dialog (fixture, &signed_in);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  wait_for_page (dialog, "Sign in");

  /* The web view goes; the consent page is handed to the default browser
   * (the stand-in only notes the address). The seller can also copy it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "login.browser", NULL));
  g_assert_cmpstr (relink_test_login_visible_page (dialog), ==, "browser");
  g_assert_null (web_view_of (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "login.copy-address", NULL));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (dialog)), NULL, read_text_cb,
                                 &opened);
  WAIT_FOR (opened != NULL);
  g_assert_true (g_str_has_prefix (opened, relink_test_oidc_get_issuer (server)));
  g_assert_nonnull (strstr (opened, "state="));

  /* Be the browser: sign in there and note where it ends up. */
  browser = GTK_WINDOW (gtk_window_new ());
  browser_view = g_object_new (WEBKIT_TYPE_WEB_VIEW, "network-session", session, NULL);
  g_signal_connect (browser_view, "decide-policy", G_CALLBACK (browser_decide_policy_cb),
                    &final_uri);
  g_signal_connect (browser_view, "load-failed", G_CALLBACK (browser_load_failed_cb), &final_uri);
  gtk_window_set_child (browser, browser_view);
  gtk_window_present (browser);
  webkit_web_view_load_uri (WEBKIT_WEB_VIEW (browser_view), opened);
  sign_in_as (browser, "alice");
  consent (browser, "alice", "allow");
  WAIT_FOR (final_uri != NULL);
  gtk_window_destroy (browser);

  /* A wrong paste is pointed out and uses up nothing. */
  paste_error = relink_test_get_widget (dialog, "paste_error_label");
  gtk_editable_set_text (GTK_EDITABLE (relink_test_get_widget (dialog, "paste_entry")),
                         "https://example.com/");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "login.continue", NULL));
  g_assert_true (gtk_widget_get_visible (paste_error));
  g_assert_cmpstr (relink_test_login_visible_page (dialog), ==, "browser");

  pasted = g_strdup_printf ("  %s\n", final_uri);
  gtk_editable_set_text (GTK_EDITABLE (relink_test_get_widget (dialog, "paste_entry")), pasted);
  g_signal_emit_by_name (relink_test_get_widget (dialog, "paste_entry"), "activate");
  WAIT_FOR (dialog == NULL);

  g_assert_cmpuint (signed_in.count, ==, 1);
  g_assert_cmpstr (relink_account_get_identity_id (fixture->account), ==, "alice");
  signed_in_clear (&signed_in);
}

static void
test_success_text (void)
{
  g_autoptr (RelinkAccount) account = relink_account_new ("a");
  g_autofree char *unknown = NULL;
  g_autofree char *known = NULL;
  g_autoptr (GDateTime) moment = g_date_time_new_local (2028, 5, 21, 12, 0, 0);

  relink_account_set_nickname (account, "shop_a");
  unknown = relink_login_dialog_dup_success_text (account, TRUE);
  g_assert_cmpstr (unknown, ==, "shop_a renewed");

  relink_account_set_refresh_expires_at (account, g_date_time_to_unix (moment));
  known = relink_login_dialog_dup_success_text (account, FALSE);
  g_assert_cmpstr (known, ==, "shop_a connected — valid until 21 May 2028");
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  int status;

  /* Under Xvfb WebKit's DMA-BUF renderer shows nothing on screen; the
   * screenshots need the shared-memory path. The tests pass either way. */
  if (g_getenv ("RELINK_SCREENSHOT_DIR") != NULL)
    g_setenv ("WEBKIT_DISABLE_DMABUF_RENDERER", "1", TRUE);
  install_fake_browser ();
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  server = relink_test_oidc_start (NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/login/success-text", test_success_text);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/login/connect", test_connect);
  ADD ("/login/renew", test_renew);
  ADD ("/login/wrong-account", test_wrong_account);
  ADD ("/login/declined", test_declined);
  ADD ("/login/tampered-state", test_tampered_state);
  ADD ("/login/fresh-session", test_fresh_session);
  ADD ("/login/insecure", test_insecure);
  ADD ("/login/server-redirect", test_server_redirect);
  ADD ("/login/browser", test_browser);
#undef ADD

  status = g_test_run ();
  relink_test_oidc_stop (server);
  relink_test_remove_dir (browser_dir);
  g_free (browser_dir);
  return status;
}
