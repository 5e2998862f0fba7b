/* test-dialogs.c: the add-account, account-details and developer-keys
 * dialogs under Xvfb, driven like a user, over a temp store and the
 * private session's real keyring. Their actions reach a stub marketplace
 * (an in-process libsoup server in Mercado Libre's wire format) or the
 * real OpenID Connect server of tests/oidc.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <locale.h>

#include "relink-account-details-dialog-private.h"
#include "relink-account-manager.h"
#include "relink-add-account-dialog.h"
#include "relink-expiry.h"
#include "relink-keysets-dialog.h"
#include "relink-grant.h"
#include "relink-login-dialog.h"
#include "relink-test-gui.h"
#include "relink-test-oidc.h"
#include "relink-test-util.h"

#define DAY (24 * 60 * 60)

#define STUB_ID "stub-market"
#define STUB_NAME "Stub Market"
#define STUB_USER_ID "123456"
#define STUB_ACCESS "stub-access-token"
#define STUB_SECRET "stub-client-secret"

typedef struct
{
  char *dir;
  RelinkStore *store;
  RelinkSecrets *secrets;
  RelinkAccountManager *manager;
  gint64 now;

  /* The stub marketplace, when a test asked for it. */
  SoupServer *stub;
  char *stub_base;
  guint identity_requests;
  char *revoked_token;
  gboolean no_revocation; /* the stub marketplace cannot be asked to revoke */
  guint revoke_status;    /* what the stub answers a revocation; 0: 200 */
  guint token_status;     /* what the stub answers a refresh; 0: no such page (404) */
  guint token_requests;
  gboolean broken_profile; /* a custom profile with a mistake, acme.json */
} Fixture;

static void
users_me_cb (SoupServer *server,
             SoupServerMessage *msg,
             const char *path,
             GHashTable *query,
             gpointer user_data)
{
  Fixture *fixture = user_data;
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");

  fixture->identity_requests++;
  if (g_strcmp0 (auth, "Bearer " STUB_ACCESS) != 0)
    relink_test_answer_json (msg, 401, "{\"error\":\"invalid_token\",\"status\":401}");
  else
    relink_test_answer_json (msg, 200, "{\"id\":" STUB_USER_ID ",\"nickname\":\"shop_a\"}");
}

/* RFC 7009: the token in a form; 200 whatever it is. */
static void
revoke_cb (SoupServer *server,
           SoupServerMessage *msg,
           const char *path,
           GHashTable *query,
           gpointer user_data)
{
  Fixture *fixture = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr (GHashTable) form = NULL;

  g_assert_cmpstr (soup_server_message_get_method (msg), ==, "POST");
  form = soup_form_decode (body->data != NULL ? body->data : "");
  g_free (fixture->revoked_token);
  fixture->revoked_token = g_strdup (g_hash_table_lookup (form, "token"));

  switch (fixture->revoke_status)
    {
      case 0:
      case 200:
        soup_server_message_set_status (msg, 200, NULL);
        break;
      case 400:
        /* RFC 7009 §2.2.1: it will not revoke this kind of token. */
        relink_test_answer_json (msg, 400, "{\"error\":\"unsupported_token_type\"}");
        break;
      default:
        relink_test_answer_json (msg, fixture->revoke_status,
                                 "{\"error\":\"temporarily_unavailable\"}");
        break;
    }
}

/* Refreshes: the same access token again, or the status asked for. */
static void
token_cb (SoupServer *server,
          SoupServerMessage *msg,
          const char *path,
          GHashTable *query,
          gpointer user_data)
{
  Fixture *fixture = user_data;

  fixture->token_requests++;
  if (fixture->token_status == 0)
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  if (fixture->token_status != 200)
    {
      relink_test_answer_json (msg, fixture->token_status, "{\"error\":\"server_error\"}");
      return;
    }

  relink_test_answer_json (msg, 200,
                           "{\"access_token\":\"" STUB_ACCESS "\",\"token_type\":\"Bearer\","
                           "\"expires_in\":21600,\"refresh_token\":\"stub-refresh-token\"}");
}

/* Starts the stub and writes its profile into @providers_dir. */
static void
stub_start (Fixture *fixture, const char *providers_dir)
{
  g_autoptr (GError) error = NULL;
  g_autoslist (GUri) uris = NULL;

  fixture->stub = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->stub, "/users/me", users_me_cb, fixture, NULL);
  soup_server_add_handler (fixture->stub, "/revoke", revoke_cb, fixture, NULL);
  soup_server_add_handler (fixture->stub, "/token", token_cb, fixture, NULL);
  soup_server_add_handler (fixture->stub, "/authorize", relink_test_stub_authorize_cb, fixture,
                           NULL);
  soup_server_listen_local (fixture->stub, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->stub);
  fixture->stub_base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));

  relink_test_write_stub_profile (providers_dir, STUB_ID, STUB_NAME, fixture->stub_base, FALSE,
                                  !fixture->no_revocation);
}

static void
fixture_open_full (Fixture *fixture, guint n_accounts, gboolean with_stub)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *providers_dir = NULL;
  g_autoptr (RelinkProviderRegistry) providers = NULL;

  fixture->dir = relink_test_make_tmp_dir ();
  fixture->now = relink_now ();
  path = g_build_filename (fixture->dir, "relink.db", NULL);
  providers_dir = g_build_filename (fixture->dir, "providers", NULL);

  fixture->store = relink_store_open (path, &error);
  g_assert_no_error (error);
  if (n_accounts > 0)
    {
      relink_test_populate_fixture (fixture->store, n_accounts, fixture->now, &error);
      g_assert_no_error (error);
    }

  /* One custom profile of the seller's own, besides the shipped ones. */
  {
    g_autofree char *source
        = g_build_filename (g_getenv ("RELINK_TEST_DATA"), "providers", "good-custom.json", NULL);
    g_autofree char *target = g_build_filename (providers_dir, "good-custom.json", NULL);
    g_autofree char *contents = NULL;
    gsize length;

    g_file_get_contents (source, &contents, &length, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_mkdir_with_parents (providers_dir, 0700), ==, 0);
    g_file_set_contents (target, contents, length, &error);
    g_assert_no_error (error);
  }

  if (fixture->broken_profile)
    {
      g_autofree char *source
          = g_build_filename (g_getenv ("RELINK_TEST_DATA"), "providers", "http-url.json", NULL);
      g_autofree char *target = g_build_filename (providers_dir, "acme.json", NULL);
      g_autofree char *contents = NULL;
      gsize length;

      g_file_get_contents (source, &contents, &length, &error);
      g_assert_no_error (error);
      g_file_set_contents (target, contents, length, &error);
      g_assert_no_error (error);
    }

  if (with_stub)
    stub_start (fixture, providers_dir);

  fixture->secrets = relink_secrets_new ();
  providers = relink_provider_registry_new (providers_dir);
  g_assert_cmpuint (relink_provider_registry_get_load_errors (providers)->len, ==,
                    fixture->broken_profile ? 1 : 0);
  fixture->manager = relink_account_manager_new (fixture->store, fixture->secrets, providers);
  relink_account_manager_set_program (fixture->manager, "window");
  relink_account_manager_load_sync (fixture->manager, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_open (Fixture *fixture, guint n_accounts)
{
  fixture_open_full (fixture, n_accounts, FALSE);
}

static void
fixture_close (Fixture *fixture)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->manager));
  if (fixture->stub != NULL)
    {
      g_assert_true (
          relink_secrets_clear_tokens_sync (fixture->secrets, "account-stub", NULL, NULL));
      g_assert_true (
          relink_secrets_clear_keyset_sync (fixture->secrets, "keyset-stub", NULL, NULL));
      soup_server_disconnect (fixture->stub);
      g_clear_object (&fixture->stub);
    }
  g_clear_pointer (&fixture->stub_base, g_free);
  g_clear_pointer (&fixture->revoked_token, g_free);
  g_clear_object (&fixture->secrets);
  g_clear_object (&fixture->store);
  relink_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

#define WAIT_FOR(cond) RELINK_TEST_WAIT_FOR (cond, 30)

/* With RELINK_SCREENSHOT_DIR set, saves what @window shows as NAME.png:
 * a developer aid for checking the dialogs' looks. */
static void
maybe_screenshot (GtkWidget *window, const char *name)
{
  const char *dir = g_getenv ("RELINK_SCREENSHOT_DIR");
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GtkSnapshot) snapshot = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GskRenderer *renderer;
  int width, height;

  if (dir == NULL)
    return;

  relink_test_wait_for_frames (window, 1);
  paintable = gtk_widget_paintable_new (window);
  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_strdup_printf ("%s/%s.png", dir, name);
  gdk_texture_save_to_png (texture, path);
}

/* A visible label showing exactly @text, NULL when none. */
static GtkLabel *
find_label (GtkWidget *root, const char *text)
{
  if (!gtk_widget_get_visible (root))
    return NULL;

  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return GTK_LABEL (root);

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = find_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
set_text (GtkWidget *root, const char *id, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (relink_test_get_widget (root, id)), text);
}

static const char *
label_text (GtkWidget *root, const char *id)
{
  return gtk_label_get_text (GTK_LABEL (relink_test_get_widget (root, id)));
}

static gboolean
error_label_shows (GtkWidget *root, const char *id, const char *fragment)
{
  GtkWidget *label = relink_test_get_widget (root, id);

  return gtk_widget_get_visible (label)
         && strstr (gtk_label_get_text (GTK_LABEL (label)), fragment) != NULL;
}

static void
click (GtkWidget *root, const char *id)
{
  GtkWidget *button = relink_test_get_widget (root, id);

  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_get_visible (button));
  g_signal_emit_by_name (button, "clicked");
}

static AdwMessageDialog *
find_message_dialog (GtkWindow *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  AdwMessageDialog *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_window_get_transient_for (window) == parent)
        found = ADW_MESSAGE_DIALOG (window);
    }

  return found;
}

static GtkWidget *
find_button (GtkWidget *root, const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Answers a confirmation like a user: through its button, which also
 * closes it. */
static void
respond (AdwMessageDialog *dialog, const char *label)
{
  GtkWidget *button = find_button (GTK_WIDGET (dialog), label);

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
}

static void
destroy_and_finalize (GtkWidget *window)
{
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  /* Work the window started (reading the history) lets go of it when
   * its thread returns. */
  relink_test_assert_finalize_eventually (window);
}

/* Add account */

static void
account_added_cb (GtkWindow *dialog, RelinkAccount *account, RelinkAccount **out)
{
  g_assert_null (*out);
  *out = g_object_ref (account);
}

static void
test_add_account (void)
{
  Fixture fixture = { 0 };
  g_autoptr (RelinkAccount) added = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkAccount) stored = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *expected_expiry = NULL;
  GtkWidget *dialog;
  GtkWidget *next;
  GtkWidget *add;
  RelinkAccount *account;
  RelinkKeyset *keyset;
  guint n_keysets;
  guint n_accounts;
  const char *taken;

  fixture_open (&fixture, RELINK_TEST_FIXTURE_CYCLE);
  n_keysets = g_list_model_get_n_items (relink_account_manager_get_keysets (fixture.manager));
  n_accounts = g_list_model_get_n_items (relink_account_manager_get_accounts (fixture.manager));
  account = g_list_model_get_item (relink_account_manager_get_accounts (fixture.manager), 0);
  taken = relink_account_get_nickname (account);
  g_object_unref (account);

  dialog = GTK_WIDGET (relink_add_account_dialog_new (NULL, fixture.manager));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_signal_connect (dialog, "account-added", G_CALLBACK (account_added_cb), &added);
  gtk_window_present (GTK_WINDOW (dialog));
  relink_test_wait_for_frames (dialog, 1);
  maybe_screenshot (dialog, "add-account-1-marketplace");

  /* Step 1: the marketplace. */
  g_assert_nonnull (find_label (dialog, "eBay"));
  g_assert_nonnull (find_label (relink_test_get_widget (dialog, "acme-market"), "Custom"));
  g_assert_null (find_label (relink_test_get_widget (dialog, "ebay"), "Custom"));
  gtk_widget_activate (relink_test_get_widget (dialog, "amazon-sp-api"));
  g_assert_cmpstr (
      gtk_stack_get_visible_child_name (GTK_STACK (relink_test_get_widget (dialog, "stack"))), ==,
      "keys");

  /* Step 2: the fixture's Amazon keys are offered; choose new keys. */
  g_assert_true (gtk_widget_get_visible (relink_test_get_widget (dialog, "existing_group")));
  g_assert_nonnull (relink_test_find_widget (dialog, "keyset-amazon-na"));
  g_assert_null (relink_test_find_widget (dialog, "keyset-ebay"));
  g_assert_false (gtk_widget_get_visible (relink_test_get_widget (dialog, "new_keys_group")));
  gtk_widget_activate (relink_test_get_widget (dialog, "new-keys"));
  g_assert_true (gtk_widget_get_visible (relink_test_get_widget (dialog, "new_keys_group")));
  g_assert_true (gtk_widget_get_visible (relink_test_get_widget (dialog, "client_secret_row")));
  g_assert_true (gtk_widget_get_visible (relink_test_get_widget (dialog, "expiry_group")));
  g_assert_nonnull (relink_test_find_widget (dialog, "application_id"));

  /* The secret expiry defaults to 180 days from today. */
  {
    g_autoptr (GDateTime) today = g_date_time_new_now_local ();
    g_autoptr (GDateTime) expiry = g_date_time_add_days (today, 180);
    expected_expiry = g_date_time_format (expiry, "%Y-%m-%d");
  }
  g_assert_cmpstr (
      gtk_editable_get_text (GTK_EDITABLE (relink_test_get_widget (dialog, "expiry_row"))), ==,
      expected_expiry);

  next = relink_test_get_widget (dialog, "next_button");
  g_assert_true (gtk_widget_get_visible (next));
  g_assert_false (gtk_widget_is_sensitive (next));
  g_assert_false (gtk_widget_get_visible (relink_test_get_widget (dialog, "keys_error_label")));

  /* An emptied client id is called out. */
  set_text (dialog, "client_id_row", "x");
  set_text (dialog, "client_id_row", "");
  g_assert_true (error_label_shows (dialog, "keys_error_label", "client ID"));
  g_assert_true (
      gtk_widget_has_css_class (relink_test_get_widget (dialog, "client_id_row"), "error"));
  g_assert_false (gtk_widget_is_sensitive (next));

  set_text (dialog, "client_id_row", "amzn1.application-oa2-client.new");
  set_text (dialog, "client_secret_row", "amzn1.oa2-cs.v1.not-a-real-secret");
  set_text (dialog, "application_id", "amzn1.sp.solution.new");

  /* Plain http is only for this computer. */
  set_text (dialog, "redirect_row", "http://example.com/callback");
  g_assert_true (error_label_shows (dialog, "keys_error_label", "https://"));
  g_assert_true (
      gtk_widget_has_css_class (relink_test_get_widget (dialog, "redirect_row"), "error"));
  g_assert_false (
      gtk_widget_has_css_class (relink_test_get_widget (dialog, "client_id_row"), "error"));
  g_assert_false (gtk_widget_is_sensitive (next));
  maybe_screenshot (dialog, "add-account-2-problem");
  set_text (dialog, "redirect_row", "http://127.0.0.1:8080/callback");
  g_assert_false (gtk_widget_get_visible (relink_test_get_widget (dialog, "keys_error_label")));
  g_assert_true (gtk_widget_is_sensitive (next));

  /* A required keyset field left empty. */
  set_text (dialog, "application_id", "");
  g_assert_true (error_label_shows (dialog, "fields_error_label", "Application ID"));
  g_assert_false (gtk_widget_is_sensitive (next));
  set_text (dialog, "application_id", "amzn1.sp.solution.new");

  /* A date that is not one. */
  set_text (dialog, "expiry_row", "next spring");
  g_assert_true (gtk_widget_get_visible (relink_test_get_widget (dialog, "expiry_error_label")));
  g_assert_false (gtk_widget_is_sensitive (next));
  set_text (dialog, "expiry_row", "2031-02-03");
  g_assert_true (gtk_widget_is_sensitive (next));

  set_text (dialog, "redirect_row", "https://relink.invalid/amazon-new");
  maybe_screenshot (dialog, "add-account-2-keys");
  click (dialog, "next_button");

  /* Step 3: the account. */
  g_assert_cmpstr (
      gtk_stack_get_visible_child_name (GTK_STACK (relink_test_get_widget (dialog, "stack"))), ==,
      "account");
  add = relink_test_get_widget (dialog, "add_button");
  g_assert_true (gtk_widget_get_visible (add));
  g_assert_false (gtk_widget_is_sensitive (add));

  set_text (dialog, "nickname_row", taken);
  g_assert_true (error_label_shows (dialog, "account_error_label", "already exists"));
  g_assert_true (
      gtk_widget_has_css_class (relink_test_get_widget (dialog, "nickname_row"), "error"));
  g_assert_false (gtk_widget_is_sensitive (add));

  set_text (dialog, "nickname_row", "New Amazon shop");
  set_text (dialog, "identity_row", "A3NEWSELLER");
  g_assert_false (gtk_widget_get_visible (relink_test_get_widget (dialog, "account_error_label")));
  g_assert_true (gtk_widget_is_sensitive (add));
  maybe_screenshot (dialog, "add-account-3-account");

  /* Saving closes the dialog; hold a reference to see it finalized. */
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  click (dialog, "add_button");
  WAIT_FOR (added != NULL);
  WAIT_FOR (dialog == NULL);

  account = relink_account_manager_lookup_account (fixture.manager, "New Amazon shop");
  g_assert_nonnull (account);
  g_assert_cmpstr (relink_account_get_id (account), ==, relink_account_get_id (added));
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
  g_assert_cmpstr (relink_account_get_expected_identity (account), ==, "A3NEWSELLER");
  g_assert_cmpint (relink_account_get_created_at (account), >=, fixture.now);
  g_assert_cmpuint (
      g_list_model_get_n_items (relink_account_manager_get_accounts (fixture.manager)), ==,
      n_accounts + 1);
  g_assert_cmpuint (g_list_model_get_n_items (relink_account_manager_get_keysets (fixture.manager)),
                    ==, n_keysets + 1);

  keyset = relink_account_manager_lookup_keyset (fixture.manager,
                                                 relink_account_get_keyset_id (account));
  g_assert_nonnull (keyset);
  g_assert_cmpstr (relink_keyset_get_provider_id (keyset), ==, "amazon-sp-api");
  g_assert_cmpstr (relink_keyset_get_environment (keyset), ==, "na");
  g_assert_cmpstr (relink_keyset_get_client_id (keyset), ==, "amzn1.application-oa2-client.new");
  g_assert_cmpstr (relink_keyset_get_redirect (keyset), ==, "https://relink.invalid/amazon-new");
  g_assert_cmpstr (relink_keyset_get_extra (keyset, "application_id"), ==, "amzn1.sp.solution.new");
  {
    g_autoptr (GDateTime) expected = g_date_time_new_local (2031, 2, 3, 0, 0, 0);
    g_assert_cmpint (relink_keyset_get_secret_expires_at (keyset), ==,
                     g_date_time_to_unix (expected));
  }

  /* In the store and the keyring too, not only in memory. */
  stored = relink_store_load_account (fixture.store, relink_account_get_id (account), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_account_get_nickname (stored), ==, "New Amazon shop");
  secret = relink_secrets_lookup_keyset_secret_sync (fixture.secrets, relink_keyset_get_id (keyset),
                                                     "client_secret", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "amzn1.oa2-cs.v1.not-a-real-secret");
  /* The keyset extra that is not secret never went to the keyring. */
  {
    g_autofree char *not_secret = relink_secrets_lookup_keyset_secret_sync (
        fixture.secrets, relink_keyset_get_id (keyset), "application_id", NULL, &error);
    g_assert_no_error (error);
    g_assert_null (not_secret);
  }

  relink_secrets_clear_keyset_sync (fixture.secrets, relink_keyset_get_id (keyset), NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&added);
  fixture_close (&fixture);
}

static void
test_add_account_existing_keys (void)
{
  Fixture fixture = { 0 };
  g_autoptr (RelinkAccount) added = NULL;
  GtkWidget *dialog;
  RelinkAccount *account;
  guint n_keysets;

  fixture_open (&fixture, RELINK_TEST_FIXTURE_CYCLE);
  n_keysets = g_list_model_get_n_items (relink_account_manager_get_keysets (fixture.manager));

  dialog = GTK_WIDGET (relink_add_account_dialog_new (NULL, fixture.manager));
  g_signal_connect (dialog, "account-added", G_CALLBACK (account_added_cb), &added);
  gtk_window_present (GTK_WINDOW (dialog));
  relink_test_wait_for_frames (dialog, 1);

  gtk_widget_activate (relink_test_get_widget (dialog, "ebay"));

  /* The RuName is a name, not a URL. */
  gtk_widget_activate (relink_test_get_widget (dialog, "new-keys"));
  g_assert_true (find_label (dialog, "RuName") != NULL);
  set_text (dialog, "client_id_row", "Someone-App-PRD-0123");
  set_text (dialog, "client_secret_row", "PRD-not-a-real-secret");
  set_text (dialog, "redirect_row", "https://example.com/accepted");
  g_assert_true (error_label_shows (dialog, "keys_error_label", "not a web address"));
  g_assert_false (gtk_widget_is_sensitive (relink_test_get_widget (dialog, "next_button")));
  set_text (dialog, "redirect_row", "Someone-Someone-App-abcdefg");
  g_assert_true (gtk_widget_is_sensitive (relink_test_get_widget (dialog, "next_button")));
  g_assert_false (gtk_widget_get_visible (relink_test_get_widget (dialog, "expiry_group")));

  /* Back to the fixture's production keys: nothing to fill in. */
  gtk_widget_activate (relink_test_get_widget (dialog, "keyset-ebay"));
  g_assert_false (gtk_widget_get_visible (relink_test_get_widget (dialog, "new_keys_group")));
  g_assert_true (gtk_widget_is_sensitive (relink_test_get_widget (dialog, "next_button")));
  click (dialog, "next_button");

  /* Enter in the nickname row activates Add. */
  set_text (dialog, "nickname_row", "Second eBay shop");
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (dialog))
                 == relink_test_get_widget (dialog, "add_button"));
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_widget_activate_default (relink_test_get_widget (dialog, "nickname_row"));
  WAIT_FOR (added != NULL);
  WAIT_FOR (dialog == NULL);

  account = relink_account_manager_lookup_account (fixture.manager, "Second eBay shop");
  g_assert_nonnull (account);
  g_assert_cmpstr (relink_account_get_keyset_id (account), ==, "keyset-ebay");
  g_assert_cmpuint (g_list_model_get_n_items (relink_account_manager_get_keysets (fixture.manager)),
                    ==, n_keysets);

  g_clear_object (&added);
  fixture_close (&fixture);
}

static void
test_add_account_cancel (void)
{
  Fixture fixture = { 0 };
  GtkWidget *dialog;
  guint n_accounts;

  fixture_open (&fixture, RELINK_TEST_FIXTURE_CYCLE);
  n_accounts = g_list_model_get_n_items (relink_account_manager_get_accounts (fixture.manager));

  dialog = GTK_WIDGET (relink_add_account_dialog_new (NULL, fixture.manager));
  gtk_window_present (GTK_WINDOW (dialog));
  relink_test_wait_for_frames (dialog, 1);
  gtk_widget_activate (relink_test_get_widget (dialog, "etsy"));
  gtk_widget_activate (relink_test_get_widget (dialog, "new-keys"));
  /* Etsy is a public client: no secret to ask for. */
  g_assert_false (gtk_widget_get_visible (relink_test_get_widget (dialog, "client_secret_row")));
  click (dialog, "back_button");
  g_assert_cmpstr (
      gtk_stack_get_visible_child_name (GTK_STACK (relink_test_get_widget (dialog, "stack"))), ==,
      "provider");

  /* Escape closes without saving anything. */
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_widget_activate_action (dialog, "window.close", NULL);
  WAIT_FOR (dialog == NULL);
  g_assert_cmpuint (
      g_list_model_get_n_items (relink_account_manager_get_accounts (fixture.manager)), ==,
      n_accounts);

  fixture_close (&fixture);
}

/* The labels of @list's rows' titles, joined by newlines. */
static char *
list_titles (GtkWidget *list)
{
  g_autoptr (GString) titles = g_string_new (NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      if (ADW_IS_PREFERENCES_ROW (row))
        g_string_append_printf (titles, "%s\n",
                                adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
    }
  return g_string_free (g_steal_pointer (&titles), FALSE);
}

/* A custom profile with a mistake is not just missing from the list:
 * the dialog says which file was skipped and why. */
static void
test_add_account_skipped_profile (void)
{
  Fixture fixture = { .broken_profile = TRUE };
  GtkWidget *dialog;
  GtkWidget *group;
  g_autofree char *titles = NULL;

  fixture_open (&fixture, 0);
  dialog = GTK_WIDGET (relink_add_account_dialog_new (NULL, fixture.manager));
  gtk_window_present (GTK_WINDOW (dialog));
  relink_test_wait_for_frames (dialog, 1);

  group = relink_test_get_widget (dialog, "skipped_group");
  g_assert_true (gtk_widget_is_visible (group));
  titles = list_titles (relink_test_get_widget (dialog, "skipped_list"));
  g_assert_cmpstr (titles, ==,
                   "acme.json was skipped: field “environments[1].token_url”: must be an "
                   "https:// URL (http:// is only allowed for 127.0.0.1, localhost and [::1])\n");
  /* The good ones are still there. */
  g_assert_nonnull (relink_test_find_widget (dialog, "acme-market"));
  maybe_screenshot (dialog, "add-account-skipped-profile");

  gtk_window_destroy (GTK_WINDOW (dialog));
  fixture_close (&fixture);
}

/* A custom OpenID Connect provider, from the real server's discovery. */
static void
test_add_account_custom_oidc (void)
{
  Fixture fixture = { 0 };
  g_autoptr (RelinkTestOidc) server = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *providers_dir = NULL;
  RelinkProviderRegistry *registry;
  RelinkProvider *provider = NULL;
  GtkWidget *dialog;
  GtkStack *stack;
  guint n_providers;

  server = relink_test_oidc_start (NULL, &error);
  g_assert_no_error (error);
  issuer = g_strdup (relink_test_oidc_get_issuer (server));

  fixture_open (&fixture, 0);
  registry = relink_account_manager_get_providers (fixture.manager);
  providers_dir = g_strdup (relink_provider_registry_get_user_dir (registry));
  n_providers = g_list_model_get_n_items (G_LIST_MODEL (registry));

  dialog = GTK_WIDGET (relink_add_account_dialog_new (NULL, fixture.manager));
  gtk_window_present (GTK_WINDOW (dialog));
  relink_test_wait_for_frames (dialog, 1);
  stack = GTK_STACK (relink_test_get_widget (dialog, "stack"));

  gtk_widget_activate (relink_test_get_widget (dialog, "custom-oidc"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "custom");
  g_assert_true (gtk_widget_get_visible (relink_test_get_widget (dialog, "next_button")));
  g_assert_false (gtk_widget_is_sensitive (relink_test_get_widget (dialog, "next_button")));

  /* Nobody answers there: said in plain words, on the page. */
  set_text (dialog, "issuer_row", "http://127.0.0.1:1");
  set_text (dialog, "provider_name_row", "Test Market");
  click (dialog, "next_button");
  WAIT_FOR (gtk_widget_get_visible (relink_test_get_widget (dialog, "custom_error_label")));
  g_test_message ("%s", label_text (dialog, "custom_error_label"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "custom");
  g_assert_true (gtk_widget_is_sensitive (relink_test_get_widget (dialog, "next_button")));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (registry)), ==, n_providers);

  /* A name a shipped marketplace has. */
  set_text (dialog, "issuer_row", issuer);
  g_assert_false (gtk_widget_get_visible (relink_test_get_widget (dialog, "custom_error_label")));
  set_text (dialog, "provider_name_row", "eBay");
  click (dialog, "next_button");
  WAIT_FOR (gtk_widget_get_visible (relink_test_get_widget (dialog, "custom_error_label")));
  g_assert_nonnull (strstr (label_text (dialog, "custom_error_label"), "already knows"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (registry)), ==, n_providers);

  /* The real server: a new provider, saved and selected. */
  set_text (dialog, "provider_name_row", "Test Market");
  click (dialog, "next_button");
  WAIT_FOR (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "keys") == 0
            || gtk_widget_get_visible (relink_test_get_widget (dialog, "custom_error_label")));
  if (gtk_widget_get_visible (relink_test_get_widget (dialog, "custom_error_label")))
    g_error ("Discovery failed: %s", label_text (dialog, "custom_error_label"));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (registry)), ==, n_providers + 1);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (registry)); i++)
    {
      g_autoptr (RelinkProvider) item = g_list_model_get_item (G_LIST_MODEL (registry), i);

      if (g_str_equal (relink_provider_get_name (item), "Test Market"))
        provider = item;
    }
  g_assert_nonnull (provider);
  g_assert_true (relink_provider_is_custom (provider));
  g_assert_cmpstr (adw_window_title_get_subtitle (
                       ADW_WINDOW_TITLE (relink_test_get_widget (dialog, "window_title"))),
                   ==, "Test Market");
  /* Its endpoints are the server's, from the discovery document. */
  {
    GPtrArray *environments = relink_provider_get_environments (provider);
    const RelinkProviderEnvironment *env = g_ptr_array_index (environments, 0);
    g_autofree char *path = NULL;

    g_assert_true (g_str_has_prefix (env->authorize_url, issuer));
    g_assert_true (g_str_has_prefix (env->token_url, issuer));
    path = g_strdup_printf ("%s/%s.json", providers_dir, relink_provider_get_id (provider));
    g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  }
  /* Listed among the marketplaces from now on. */
  g_assert_nonnull (relink_test_find_widget (relink_test_get_widget (dialog, "provider_list"),
                                             relink_provider_get_id (provider)));
  maybe_screenshot (dialog, "add-account-custom-keys");

  destroy_and_finalize (dialog);
  fixture_close (&fixture);
}

/* Account details */

static void
account_removed_cb (GtkWindow *dialog, const char *name, char **out)
{
  g_assert_null (*out);
  *out = g_strdup (name);
}

/* The dialog as the window opens it, with a context of its own here. */
static GtkWidget *
details_dialog_new (Fixture *fixture, RelinkAccount *account)
{
  g_autoptr (RelinkContext) context = relink_context_new_for_manager (fixture->manager);

  return GTK_WIDGET (relink_account_details_dialog_new (NULL, context, account));
}

/* The dialog of @account with @context, presented and painted. */
static GtkWidget *
present_details (RelinkContext *context, RelinkAccount *account)
{
  GtkWidget *dialog = GTK_WIDGET (relink_account_details_dialog_new (NULL, context, account));

  gtk_window_present (GTK_WINDOW (dialog));
  relink_test_wait_for_frames (dialog, 1);
  return dialog;
}

static void
test_details (void)
{
  Fixture fixture = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (RelinkTokenSet) tokens = relink_token_set_new ();
  g_autoptr (RelinkTokenSet) found = NULL;
  g_autoptr (RelinkHistoryEntry) entry1 = NULL;
  g_autoptr (RelinkHistoryEntry) entry2 = NULL;
  g_autofree char *refresh_date = NULL;
  g_autofree char *authorised_date = NULL;
  g_autofree char *removed_name = NULL;
  g_autofree char *account_id = NULL;
  g_autofree char *nickname = NULL;
  g_autofree char *heading = NULL;
  AdwMessageDialog *confirm;
  GtkWidget *dialog;

  fixture_open (&fixture, RELINK_TEST_FIXTURE_CYCLE);
  account = g_list_model_get_item (relink_account_manager_get_accounts (fixture.manager), 0);
  account_id = g_strdup (relink_account_get_id (account));
  nickname = g_strdup (relink_account_get_nickname (account));
  g_assert_cmpint (relink_account_get_refresh_expires_at (account), >, 0);
  g_assert_cmpint (relink_account_get_authorised_at (account), >, 0);

  entry1 = relink_history_entry_new (account_id, fixture.now - 2 * DAY, RELINK_HISTORY_KIND_REFRESH,
                                     TRUE, "relinkctl", "Refreshed the access token");
  entry2 = relink_history_entry_new (account_id, fixture.now - DAY, RELINK_HISTORY_KIND_TEST, FALSE,
                                     "window", "The marketplace did not answer");
  relink_store_add_history (fixture.store, entry1, &error);
  g_assert_no_error (error);
  relink_store_add_history (fixture.store, entry2, &error);
  g_assert_no_error (error);

  relink_token_set_set_access_token (tokens, "test-access-token");
  relink_token_set_set_refresh_token (tokens, "test-refresh-token");
  relink_secrets_store_tokens_sync (fixture.secrets, account_id, "test", tokens, NULL, &error);
  g_assert_no_error (error);

  dialog = details_dialog_new (&fixture, account);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_signal_connect (dialog, "account-removed", G_CALLBACK (account_removed_cb), &removed_name);
  gtk_window_present (GTK_WINDOW (dialog));
  relink_test_wait_for_frames (dialog, 1);

  /* The header and the fixture's dates. */
  g_assert_nonnull (find_label (dialog, nickname));
  refresh_date = relink_expiry_format_date (relink_account_get_refresh_expires_at (account), NULL);
  authorised_date = relink_expiry_format_date (relink_account_get_authorised_at (account), NULL);
  g_assert_nonnull (find_label (relink_test_get_widget (dialog, "refresh-expires"), refresh_date));
  g_assert_nonnull (find_label (relink_test_get_widget (dialog, "authorised"), authorised_date));
  g_assert_nonnull (
      find_label (dialog, relink_keyset_get_client_id (relink_account_get_keyset (account))));

  /* The history, newest first, arrives from the store. */
  WAIT_FOR (find_label (dialog, "The marketplace did not answer") != NULL);
  g_assert_nonnull (find_label (dialog, "Refreshed the access token"));
  g_assert_null (find_label (dialog, "No history yet"));
  g_assert_nonnull (find_label (dialog, "relinkctl"));
  maybe_screenshot (dialog, "account-details");

  /* Live: a new test result shows at once. */
  relink_account_set_last_test_at (account, fixture.now);
  relink_account_set_last_test_ok (account, TRUE);
  relink_account_set_last_test_message (account, "Connected as test shop");
  g_assert_nonnull (find_label (dialog, "Connected as test shop"));

  /* Cancel keeps everything. */
  click (dialog, "remove_button");
  confirm = find_message_dialog (GTK_WINDOW (dialog));
  g_assert_nonnull (confirm);
  heading = g_strdup_printf ("Remove “%s”?", nickname);
  g_assert_cmpstr (adw_message_dialog_get_heading (confirm), ==, heading);
  maybe_screenshot (GTK_WIDGET (confirm), "account-remove-confirm");
  respond (confirm, "_Cancel");
  WAIT_FOR (find_message_dialog (GTK_WINDOW (dialog)) == NULL);
  g_assert_nonnull (relink_account_manager_lookup_account (fixture.manager, account_id));

  /* Remove takes the account out of the model, the store and the keyring. */
  click (dialog, "remove_button");
  confirm = find_message_dialog (GTK_WINDOW (dialog));
  g_assert_nonnull (confirm);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  respond (confirm, "_Remove");
  WAIT_FOR (removed_name != NULL);
  WAIT_FOR (dialog == NULL);
  g_assert_cmpstr (removed_name, ==, nickname);

  g_assert_null (relink_account_manager_lookup_account (fixture.manager, account_id));
  {
    g_autoptr (RelinkAccount) stored
        = relink_store_load_account (fixture.store, account_id, &error);
    g_assert_null (stored);
    g_clear_error (&error);
  }
  found = relink_secrets_lookup_tokens_sync (fixture.secrets, account_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);

  fixture_close (&fixture);
}

static void
test_details_empty_history (void)
{
  Fixture fixture = { 0 };
  g_autoptr (RelinkAccount) account = NULL;
  GtkWidget *dialog;

  fixture_open (&fixture, RELINK_TEST_FIXTURE_CYCLE);
  /* The fixture's last kind of account was never connected. */
  account = g_list_model_get_item (relink_account_manager_get_accounts (fixture.manager),
                                   RELINK_TEST_FIXTURE_CYCLE - 1);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);

  dialog = details_dialog_new (&fixture, account);
  gtk_window_present (GTK_WINDOW (dialog));
  relink_test_wait_for_frames (dialog, 1);
  WAIT_FOR (find_label (dialog, "No history yet") != NULL);
  g_assert_nonnull (find_label (relink_test_get_widget (dialog, "authorised"), "Never"));
  g_assert_nonnull (find_label (relink_test_get_widget (dialog, "refresh-expires"), "Unknown"));
  g_assert_nonnull (find_label (dialog, "Not connected"));
  maybe_screenshot (dialog, "account-details-new");

  destroy_and_finalize (dialog);
  fixture_close (&fixture);
}

/* Times of day as GNOME shows them: hours and minutes on the desktop's
 * clock (org.gnome.desktop.interface clock-format), following a change at
 * once, in the Connection rows and the history alike. */
static void
test_details_clock_format (void)
{
  Fixture fixture = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (RelinkHistoryEntry) entry = NULL;
  g_autoptr (GSettings) interface = g_settings_new ("org.gnome.desktop.interface");
  g_autoptr (GDateTime) local = g_date_time_new_local (2028, 5, 21, 14, 5, 9);
  gint64 moment = g_date_time_to_unix (local);
  g_autofree char *date = relink_expiry_format_date (moment, NULL);
  g_autofree char *h12 = g_strdup_printf ("%s, 2:05 PM", date);
  g_autofree char *h24 = g_strdup_printf ("%s, 14:05", date);
  GtkWidget *dialog;
  GtkWidget *history;

  g_settings_set_string (interface, "clock-format", "12h");
  fixture_open (&fixture, RELINK_TEST_FIXTURE_CYCLE);
  account = g_list_model_get_item (relink_account_manager_get_accounts (fixture.manager), 0);
  relink_account_set_last_refresh_at (account, moment);
  entry = relink_history_entry_new (relink_account_get_id (account), moment,
                                    RELINK_HISTORY_KIND_REFRESH, TRUE, "relinkctl",
                                    "Refreshed the access token");
  relink_store_add_history (fixture.store, entry, &error);
  g_assert_no_error (error);

  dialog = details_dialog_new (&fixture, account);
  gtk_window_present (GTK_WINDOW (dialog));
  relink_test_wait_for_frames (dialog, 1);
  history = relink_test_get_widget (dialog, "history_list");

  g_assert_nonnull (find_label (relink_test_get_widget (dialog, "last-refresh"), h12));
  WAIT_FOR (find_label (history, h12) != NULL);

  g_settings_set_string (interface, "clock-format", "24h");
  g_assert_nonnull (find_label (relink_test_get_widget (dialog, "last-refresh"), h24));
  WAIT_FOR (find_label (history, h24) != NULL);
  g_assert_null (find_label (dialog, h12));

  destroy_and_finalize (dialog);
  g_settings_reset (interface, "clock-format");
  fixture_close (&fixture);
}

/* The stub's keys and an account connected as shop_a, its access token
 * valid for an hour, written as a sign-in would (keyring, then store). */
static RelinkAccount *
add_stub_account (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkAccount) account = relink_account_new ("account-stub");
  g_autoptr (RelinkTokenSet) tokens = relink_token_set_new ();
  gint64 now = relink_now ();

  relink_test_save_stub_keyset (fixture->store, fixture->secrets, STUB_ID, STUB_SECRET);

  relink_account_set_keyset_id (account, "keyset-stub");
  relink_account_set_nickname (account, "Shop A");
  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
  g_assert_true (relink_store_save_account (fixture->store, account, &error));
  g_assert_no_error (error);

  relink_token_set_set_access_token (tokens, STUB_ACCESS);
  relink_token_set_set_refresh_token (tokens, "stub-refresh-token");
  relink_token_set_set_token_type (tokens, "Bearer");
  relink_token_set_set_issued_at (tokens, now - 3600);
  relink_token_set_set_access_expires_at (tokens, now + 3600);
  relink_token_set_set_refresh_expires_at (tokens, now + 100 * DAY);
  g_assert_true (relink_secrets_store_tokens_sync (fixture->secrets, "account-stub",
                                                   "Relink test tokens", tokens, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (relink_store_update_sign_in (fixture->store, "account-stub", STUB_USER_ID,
                                              "shop_a", "read write", now - 3600, now + 3600,
                                              now + 100 * DAY, &error));
  g_assert_no_error (error);
  g_assert_true (relink_store_update_status (fixture->store, "account-stub",
                                             RELINK_ACCOUNT_STATUS_CONNECTED, NULL, &error));
  g_assert_no_error (error);

  relink_account_manager_load_sync (fixture->manager, NULL, &error);
  g_assert_no_error (error);

  return g_object_ref (relink_account_manager_lookup_account (fixture->manager, "account-stub"));
}

static RelinkTokenSet *
keyring_tokens (Fixture *fixture, const char *account_id)
{
  g_autoptr (GError) error = NULL;
  RelinkTokenSet *tokens;

  tokens = relink_secrets_lookup_tokens_sync (fixture->secrets, account_id, NULL, &error);
  g_assert_no_error (error);
  return tokens;
}

static gboolean
is_connected_text (const char *text)
{
  return g_str_has_prefix (text, "Connected as shop_a — ") && g_str_has_suffix (text, " ms");
}

static void
test_details_actions (void)
{
  Fixture fixture = { 0 };
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (RelinkContext) context = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *test_text = NULL;
  AdwMessageDialog *confirm;
  GtkWindow *login;
  GtkWidget *dialog;

  fixture_open_full (&fixture, 0, TRUE);
  account = add_stub_account (&fixture);
  context = relink_context_new_for_manager (fixture.manager);

  dialog = present_details (context, account);
  WAIT_FOR (find_label (dialog, "No history yet") != NULL);

  g_assert_cmpstr (
      gtk_button_get_label (GTK_BUTTON (relink_test_get_widget (dialog, "renew_button"))), ==,
      "_Renew");
  g_assert_false (gtk_widget_get_visible (relink_test_get_widget (dialog, "result_box")));

  /* Test: the stub says who the token belongs to; the result line, the
   * account and the history show it. */
  click (dialog, "test_button");
  g_assert_false (gtk_widget_is_sensitive (relink_test_get_widget (dialog, "test_button")));
  WAIT_FOR (is_connected_text (label_text (dialog, "result_label")));
  test_text = g_strdup (label_text (dialog, "result_label"));
  g_test_message ("%s", test_text);
  g_assert_true (gtk_widget_get_visible (relink_test_get_widget (dialog, "result_box")));
  g_assert_true (
      gtk_widget_has_css_class (relink_test_get_widget (dialog, "result_label"), "success"));
  g_assert_true (gtk_widget_is_sensitive (relink_test_get_widget (dialog, "test_button")));
  g_assert_cmpuint (fixture.identity_requests, ==, 1);
  g_assert_true (relink_account_get_last_test_ok (account));
  g_assert_cmpstr (relink_account_get_last_test_message (account), ==, test_text);
  WAIT_FOR (find_label (relink_test_get_widget (dialog, "history_list"), test_text) != NULL);
  g_assert_nonnull (find_label (relink_test_get_widget (dialog, "history_list"), "Test"));
  maybe_screenshot (dialog, "account-details-tested");

  /* Renew opens the login dialog for this account, over this dialog. */
  g_assert_null (relink_test_find_login_dialog (account));
  click (dialog, "renew_button");
  login = relink_test_find_login_dialog (account);
  g_assert_nonnull (login);
  g_assert_true (gtk_window_get_transient_for (login) == GTK_WINDOW (dialog));
  g_object_add_weak_pointer (G_OBJECT (login), (gpointer *) &login);
  gtk_window_destroy (login);
  WAIT_FOR (login == NULL);

  /* Revoke asks first; Cancel keeps the tokens. */
  click (dialog, "revoke_button");
  confirm = find_message_dialog (GTK_WINDOW (dialog));
  g_assert_nonnull (confirm);
  heading = g_strdup_printf ("Revoke “%s”?", "Shop A");
  g_assert_cmpstr (adw_message_dialog_get_heading (confirm), ==, heading);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (confirm), "keyring"));
  maybe_screenshot (GTK_WIDGET (confirm), "account-revoke-confirm");
  respond (confirm, "_Cancel");
  WAIT_FOR (find_message_dialog (GTK_WINDOW (dialog)) == NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (fixture.revoked_token);
  tokens = keyring_tokens (&fixture, "account-stub");
  g_assert_nonnull (tokens);
  g_clear_object (&tokens);

  /* Revoke: the marketplace is told, the tokens are gone, the account
   * is not connected any more and offers to connect. */
  click (dialog, "revoke_button");
  confirm = find_message_dialog (GTK_WINDOW (dialog));
  respond (confirm, "_Revoke");
  WAIT_FOR (g_str_has_prefix (label_text (dialog, "result_label"), STUB_NAME " canceled"));
  g_assert_nonnull (fixture.revoked_token);
  g_assert_true (g_str_equal (fixture.revoked_token, "stub-refresh-token")
                 || g_str_equal (fixture.revoked_token, STUB_ACCESS));
  tokens = keyring_tokens (&fixture, "account-stub");
  g_assert_null (tokens);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (RelinkAccount) stored
        = relink_store_load_account (fixture.store, "account-stub", &error);

    g_assert_no_error (error);
    g_assert_cmpint (relink_account_get_status (stored), ==, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
  }
  g_assert_false (gtk_widget_get_visible (relink_test_get_widget (dialog, "revoke_button")));
  g_assert_false (gtk_widget_is_sensitive (relink_test_get_widget (dialog, "test_button")));
  g_assert_cmpstr (
      gtk_button_get_label (GTK_BUTTON (relink_test_get_widget (dialog, "renew_button"))), ==,
      "_Connect");
  WAIT_FOR (find_label (relink_test_get_widget (dialog, "history_list"), "Revocation") != NULL);
  maybe_screenshot (dialog, "account-details-revoked");

  destroy_and_finalize (dialog);
  relink_test_assert_finalize_eventually (g_steal_pointer (&context));
  fixture_close (&fixture);
}

/* A further Auth'n'Auth grant of "account-stub" on Trading keys of the
 * stub marketplace, its token lapsing in @days days. */
static RelinkAccount *
add_stub_grant (Fixture *fixture, gint64 days)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new ("keyset-stub-trading");
  g_autoptr (RelinkAccount) grant = relink_account_new ("grant-stub-aan");
  g_autoptr (RelinkTokenSet) tokens = relink_token_set_new ();
  gint64 now = relink_now ();

  relink_keyset_set_provider_id (keyset, STUB_ID);
  relink_keyset_set_environment (keyset, "test");
  relink_keyset_set_client_id (keyset, "stub-trading-app");
  relink_keyset_set_redirect (keyset, "stub-trading-runame");
  relink_keyset_set_grant_kind (keyset, RELINK_GRANT_KIND_AUTH_N_AUTH);
  g_assert_true (relink_store_save_keyset (fixture->store, keyset, &error));
  g_assert_no_error (error);

  relink_account_set_keyset_id (grant, "keyset-stub-trading");
  relink_account_set_owner_id (grant, "account-stub");
  relink_account_set_grant_name (grant, RELINK_GRANT_NAME_AUTH_N_AUTH);
  relink_account_set_status (grant, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_identity_id (grant, "eias-shop-a");
  relink_account_set_identity_name (grant, "shop_a");
  relink_account_set_authorised_at (grant, now - 500 * DAY);
  relink_account_set_access_expires_at (grant, now + days * DAY);
  relink_account_set_refresh_expires_at (grant, now + days * DAY);
  g_assert_true (relink_store_save_account (fixture->store, grant, &error));
  g_assert_no_error (error);

  relink_token_set_set_access_token (tokens, "stub-auth-n-auth-token");
  relink_token_set_set_issued_at (tokens, now - 500 * DAY);
  relink_token_set_set_access_expires_at (tokens, now + days * DAY);
  g_assert_true (relink_secrets_store_tokens_sync (fixture->secrets, "grant-stub-aan",
                                                   "Relink test tokens", tokens, NULL, &error));
  g_assert_no_error (error);

  relink_account_manager_load_sync (fixture->manager, NULL, &error);
  g_assert_no_error (error);

  return g_object_ref (relink_account_manager_lookup_account (fixture->manager, "grant-stub-aan"));
}

/* An account with two grants: the dialog lists both, opens on the most
 * urgent, and each row's Renew, Test and Revoke act on that grant only. */
/* Whether @row's mark says that the sections below are about its grant. */
static void
assert_grant_shown (GtkWidget *row, gboolean shown)
{
  GtkWidget *mark = relink_test_get_widget (row, "grant-shown");

  g_assert_true (gtk_widget_get_visible (mark));
  g_assert_cmpfloat (gtk_widget_get_opacity (mark), ==, shown ? 1.0 : 0.0);
}

/* The accessible name that @row's button @name has been given. */
static void
assert_accessible_label (GtkWidget *row, const char *name, const char *expected)
{
  GtkAccessible *button = GTK_ACCESSIBLE (relink_test_get_widget (row, name));
  g_autofree char *differs = NULL;

  g_assert_true (gtk_test_accessible_has_property (button, GTK_ACCESSIBLE_PROPERTY_LABEL));
  /* NULL when it holds @expected; the value it holds otherwise. */
  differs = gtk_test_accessible_check_property (button, GTK_ACCESSIBLE_PROPERTY_LABEL, expected);
  g_assert_cmpstr (differs, ==, NULL);
}

static void
test_details_grants (void)
{
  Fixture fixture = { 0 };
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (RelinkAccount) grant = NULL;
  g_autoptr (RelinkContext) context = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autofree char *date = NULL;
  AdwMessageDialog *confirm;
  GtkWindow *login;
  GtkWidget *dialog;
  GtkWidget *oauth_row;
  GtkWidget *aan_row;
  RelinkAccountDetailsDialog *details;

  fixture_open_full (&fixture, 0, TRUE);
  account = add_stub_account (&fixture);
  grant = add_stub_grant (&fixture, 5);
  g_assert_true (relink_account_get_owner (grant) == account);
  context = relink_context_new_for_manager (fixture.manager);

  dialog = GTK_WIDGET (relink_account_details_dialog_new (NULL, context, account));
  details = RELINK_ACCOUNT_DETAILS_DIALOG (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  relink_test_wait_for_frames (dialog, 1);

  /* Both grants listed, each with its state; the dialog shows the one
   * expiring first. */
  g_assert_true (gtk_widget_get_visible (relink_test_get_widget (dialog, "grants_group")));
  oauth_row = relink_test_get_widget (dialog, "grant-oauth");
  aan_row = relink_test_get_widget (dialog, "grant-auth-n-auth");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (oauth_row)), ==, "OAuth");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (aan_row)), ==,
                   "Auth'n'Auth");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (oauth_row)),
                                   "Valid · expires in "));
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (aan_row)),
                                   "Expiring soon · expires in "));
  g_assert_true (relink_account_details_dialog_get_grant (details) == grant);
  date = relink_expiry_format_date (relink_account_get_refresh_expires_at (grant), NULL);
  g_assert_nonnull (find_label (relink_test_get_widget (dialog, "refresh-expires"), date));
  /* The shown grant's row is marked, for the eye and for screen readers. */
  assert_grant_shown (aan_row, TRUE);
  assert_grant_shown (oauth_row, FALSE);
  /* Each row's buttons say whose they are to a screen reader. */
  assert_accessible_label (oauth_row, "grant-renew", "Renew the OAuth token");
  assert_accessible_label (oauth_row, "grant-test", "Test the OAuth token");
  assert_accessible_label (aan_row, "grant-revoke", "Revoke the Auth'n'Auth token");
  maybe_screenshot (dialog, "account-details-grants");

  /* Test on the OAuth row: that grant, against the stub. */
  click (oauth_row, "grant-test");
  g_assert_true (relink_account_details_dialog_get_grant (details) == account);
  assert_grant_shown (oauth_row, TRUE);
  assert_grant_shown (aan_row, FALSE);
  WAIT_FOR (is_connected_text (label_text (dialog, "result_label")));
  g_assert_cmpuint (fixture.identity_requests, ==, 1);
  g_assert_true (relink_account_get_last_test_ok (account));
  g_assert_cmpint (relink_account_get_last_test_at (grant), ==, 0);

  /* Test on the Auth'n'Auth row: its kind's own Trading calls (this
   * OAuth stub's profile has no Trading API, so it fails), no OAuth call. */
  click (aan_row, "grant-test");
  g_assert_true (relink_account_details_dialog_get_grant (details) == grant);
  WAIT_FOR (relink_account_get_last_test_at (grant) != 0);
  WAIT_FOR (*label_text (dialog, "result_label") != '\0');
  g_assert_false (is_connected_text (label_text (dialog, "result_label")));
  g_assert_false (relink_account_get_last_test_ok (grant));
  g_assert_cmpuint (fixture.identity_requests, ==, 1);

  /* Renew on the OAuth row signs in for that grant. */
  click (oauth_row, "grant-renew");
  login = relink_test_find_login_dialog (account);
  g_assert_nonnull (login);
  g_object_add_weak_pointer (G_OBJECT (login), (gpointer *) &login);
  gtk_window_destroy (login);
  WAIT_FOR (login == NULL);

  /* Revoke on the Auth'n'Auth row: asks about that token, removes only it. */
  click (aan_row, "grant-revoke");
  confirm = find_message_dialog (GTK_WINDOW (dialog));
  g_assert_nonnull (confirm);
  g_assert_cmpstr (adw_message_dialog_get_heading (confirm), ==,
                   "Revoke the Auth'n'Auth token of “Shop A”?");
  respond (confirm, "_Revoke");
  WAIT_FOR (relink_account_get_status (grant) == RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
  tokens = keyring_tokens (&fixture, "grant-stub-aan");
  g_assert_null (tokens);
  tokens = keyring_tokens (&fixture, "account-stub");
  g_assert_nonnull (tokens);
  g_assert_null (fixture.revoked_token);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_CONNECTED);
  WAIT_FOR (g_str_equal (
      gtk_button_get_label (GTK_BUTTON (relink_test_get_widget (aan_row, "grant-renew"))),
      "_Connect"));
  g_assert_false (gtk_widget_get_visible (relink_test_get_widget (aan_row, "grant-revoke")));
  g_assert_true (gtk_widget_get_visible (relink_test_get_widget (oauth_row, "grant-revoke")));

  destroy_and_finalize (dialog);
  relink_test_assert_finalize_eventually (g_steal_pointer (&context));
  fixture_close (&fixture);
}

/* With keys of another kind for the same marketplace, the dialog offers
 * that kind of token: Connect adds the grant to the account and signs in
 * with it. */
static void
test_details_add_grant (void)
{
  Fixture fixture = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (RelinkAccount) stored = NULL;
  g_autoptr (RelinkContext) context = NULL;
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new ("keyset-stub-trading");
  RelinkAccount *grant;
  GtkWindow *login;
  GtkWidget *dialog;
  GtkWidget *offer;

  fixture_open_full (&fixture, 0, TRUE);
  account = add_stub_account (&fixture);
  relink_keyset_set_provider_id (keyset, STUB_ID);
  relink_keyset_set_environment (keyset, "test");
  relink_keyset_set_client_id (keyset, "stub-trading-app");
  relink_keyset_set_label (keyset, "Trading keys");
  relink_keyset_set_grant_kind (keyset, RELINK_GRANT_KIND_AUTH_N_AUTH);
  g_assert_true (relink_store_save_keyset (fixture.store, keyset, &error));
  g_assert_true (relink_account_manager_load_sync (fixture.manager, NULL, &error));
  g_assert_no_error (error);
  context = relink_context_new_for_manager (fixture.manager);

  dialog = GTK_WIDGET (relink_account_details_dialog_new (NULL, context, account));
  gtk_window_present (GTK_WINDOW (dialog));
  relink_test_wait_for_frames (dialog, 1);

  g_assert_true (gtk_widget_get_visible (relink_test_get_widget (dialog, "grants_group")));
  g_assert_nonnull (relink_test_find_widget (dialog, "grant-oauth"));
  offer = relink_test_get_widget (dialog, "add-auth-n-auth");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (offer)), ==, "Auth'n'Auth");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (offer)), ==,
                   "Not connected · with Trading keys");

  click (offer, "grant-add");
  WAIT_FOR ((grant = relink_grant_lookup (account, RELINK_GRANT_NAME_AUTH_N_AUTH)) != NULL
            && relink_test_find_login_dialog (grant) != NULL);
  login = relink_test_find_login_dialog (grant);
  g_assert_true (gtk_window_get_transient_for (login) == GTK_WINDOW (dialog));
  g_assert_true (relink_account_details_dialog_get_grant (RELINK_ACCOUNT_DETAILS_DIALOG (dialog))
                 == grant);

  /* In the store: a further grant of the account, on the Trading keys. */
  stored = relink_store_load_account (fixture.store, relink_account_get_id (grant), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_account_get_owner_id (stored), ==, "account-stub");
  g_assert_cmpstr (relink_account_get_grant_name (stored), ==, "auth-n-auth");
  g_assert_cmpstr (relink_account_get_keyset_id (stored), ==, "keyset-stub-trading");
  g_assert_cmpint (relink_account_get_status (stored), ==, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);

  /* Listed as a grant now, to connect; no longer offered. */
  g_object_add_weak_pointer (G_OBJECT (login), (gpointer *) &login);
  gtk_window_destroy (login);
  WAIT_FOR (login == NULL);
  g_assert_null (relink_test_find_widget (dialog, "add-auth-n-auth"));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (relink_test_get_widget (
                       relink_test_get_widget (dialog, "grant-auth-n-auth"), "grant-renew"))),
                   ==, "_Connect");
  assert_accessible_label (relink_test_get_widget (dialog, "grant-auth-n-auth"), "grant-renew",
                           "Connect the Auth'n'Auth token");

  destroy_and_finalize (dialog);
  relink_test_assert_finalize_eventually (g_steal_pointer (&context));
  fixture_close (&fixture);
}

/* A marketplace that cannot be asked and names no page: the tokens go,
 * and the seller is told what is left to do, not that it is done. */
static void
test_details_revoke_by_hand (void)
{
  Fixture fixture = { .no_revocation = TRUE };
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (RelinkContext) context = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  AdwMessageDialog *confirm;
  GtkWidget *dialog;

  fixture_open_full (&fixture, 0, TRUE);
  account = add_stub_account (&fixture);
  context = relink_context_new_for_manager (fixture.manager);

  dialog = present_details (context, account);

  click (dialog, "revoke_button");
  confirm = find_message_dialog (GTK_WINDOW (dialog));
  respond (confirm, "_Revoke");
  WAIT_FOR (g_str_has_prefix (label_text (dialog, "result_label"), "The tokens are deleted"));
  g_assert_cmpstr (
      label_text (dialog, "result_label"), ==,
      "The tokens are deleted from this computer. " STUB_NAME " cannot be asked to "
      "cancel the authorization from here: to finish, remove Relink’s app in your " STUB_NAME
      " account settings.");
  g_assert_null (fixture.revoked_token);
  tokens = keyring_tokens (&fixture, "account-stub");
  g_assert_null (tokens);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
  maybe_screenshot (dialog, "account-details-revoked-by-hand");

  destroy_and_finalize (dialog);
  relink_test_assert_finalize_eventually (g_steal_pointer (&context));
  fixture_close (&fixture);
}

/* A revocation the marketplace refuses for good: it says so, keeps the
 * tokens, and offers to remove them here anyway; a temporary refusal
 * does not offer it (trying again may work). */
static void
test_details_revoke_refused (void)
{
  Fixture fixture = { 0 };
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (RelinkContext) context = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  GtkWidget *dialog;
  GtkWidget *forget;

  fixture_open_full (&fixture, 0, TRUE);
  account = add_stub_account (&fixture);
  context = relink_context_new_for_manager (fixture.manager);

  dialog = present_details (context, account);
  forget = relink_test_get_widget (dialog, "forget_button");
  g_assert_false (gtk_widget_get_visible (forget));

  /* A server fault: try again later, nothing else offered. */
  fixture.revoke_status = 503;
  click (dialog, "revoke_button");
  respond (find_message_dialog (GTK_WINDOW (dialog)), "_Revoke");
  WAIT_FOR (gtk_widget_is_sensitive (relink_test_get_widget (dialog, "revoke_button"))
            && strstr (label_text (dialog, "result_label"), "503") != NULL);
  g_assert_false (gtk_widget_get_visible (forget));
  tokens = keyring_tokens (&fixture, "account-stub");
  g_assert_nonnull (tokens);
  g_clear_object (&tokens);

  /* For good: said, and the tokens stay until the seller decides. */
  fixture.revoke_status = 400;
  click (dialog, "revoke_button");
  respond (find_message_dialog (GTK_WINDOW (dialog)), "_Revoke");
  WAIT_FOR (gtk_widget_get_visible (forget));
  g_test_message ("%s", label_text (dialog, "result_label"));
  g_assert_true (g_str_has_prefix (label_text (dialog, "result_label"), STUB_NAME
                                   " did not confirm that it canceled the authorization"));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (forget)), ==,
                   "_Remove the Tokens Here Anyway");
  tokens = keyring_tokens (&fixture, "account-stub");
  g_assert_nonnull (tokens);
  g_clear_object (&tokens);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_CONNECTED);
  maybe_screenshot (dialog, "account-details-revoke-refused");

  /* Removed here anyway: gone from the keyring, not connected, and what
   * is left to do said. */
  g_free (fixture.revoked_token);
  fixture.revoked_token = NULL;
  click (dialog, "forget_button");
  WAIT_FOR (g_str_has_prefix (label_text (dialog, "result_label"), "The tokens are deleted"));
  g_assert_cmpstr (label_text (dialog, "result_label"), ==,
                   "The tokens are deleted from this computer. To finish, remove Relink’s app "
                   "in your " STUB_NAME " account settings.");
  g_assert_null (fixture.revoked_token);
  g_assert_false (gtk_widget_get_visible (forget));
  tokens = keyring_tokens (&fixture, "account-stub");
  g_assert_null (tokens);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
  WAIT_FOR (find_label (relink_test_get_widget (dialog, "history_list"), "Revocation") != NULL);

  destroy_and_finalize (dialog);
  relink_test_assert_finalize_eventually (g_steal_pointer (&context));
  fixture_close (&fixture);
}

/* The Tokens rows count down as the header does, each to its own
 * grant's expiry, also for a grant that is not the one shown below. */
static void
test_details_grants_countdown (void)
{
  Fixture fixture = { 0 };
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (RelinkAccount) grant = NULL;
  g_autoptr (RelinkContext) context = NULL;
  GtkWidget *dialog;
  GtkWidget *oauth_row;

  fixture_open_full (&fixture, 0, TRUE);
  account = add_stub_account (&fixture);
  grant = add_stub_grant (&fixture, 3);
  /* Two seconds before its countdown turns from 5 days to 4. */
  relink_account_set_refresh_expires_at (account, relink_now () + 5 * DAY + 2);
  context = relink_context_new_for_manager (fixture.manager);

  dialog = GTK_WIDGET (relink_account_details_dialog_new (NULL, context, account));
  gtk_window_present (GTK_WINDOW (dialog));
  relink_test_wait_for_frames (dialog, 1);
  g_assert_true (relink_account_details_dialog_get_grant (RELINK_ACCOUNT_DETAILS_DIALOG (dialog))
                 == grant);
  oauth_row = relink_test_get_widget (dialog, "grant-oauth");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (oauth_row)), ==,
                   "Expiring soon · expires in 5 days");

  WAIT_FOR (g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (oauth_row)),
                       "Expiring soon · expires in 4 days")
            == 0);

  destroy_and_finalize (dialog);
  relink_test_assert_finalize_eventually (g_steal_pointer (&context));
  fixture_close (&fixture);
}

/* Whether a line of @label's layout begins inside a word (as "OA-uth"
 * would): each wrapped line must start where a word starts. */
static gboolean
breaks_inside_word (GtkLabel *label)
{
  PangoLayout *layout = gtk_label_get_layout (label);
  const char *text = pango_layout_get_text (layout);
  const PangoLogAttr *attrs;
  int n_attrs;
  gboolean inside = FALSE;

  attrs = pango_layout_get_log_attrs_readonly (layout, &n_attrs);
  for (GSList *l = pango_layout_get_lines_readonly (layout); l != NULL; l = l->next)
    {
      PangoLayoutLine *line = l->data;
      glong offset = g_utf8_pointer_to_offset (text, text + line->start_index);

      if (line->start_index == 0 || offset >= n_attrs)
        continue;
      /* Not after a space ("Fehler · läuft" may break before "·"). */
      if (!attrs[offset].is_word_start && !attrs[offset - 1].is_white)
        {
          g_test_message ("“%s” breaks inside a word at %ld", text, offset);
          inside = TRUE;
        }
    }

  return inside;
}

/* Every visible label under @root: none wraps inside a word, and one
 * cut short by an ellipsis keeps its full text in a tooltip. */
static void
assert_labels_readable (GtkWidget *root)
{
  if (!gtk_widget_get_visible (root))
    return;

  if (GTK_IS_LABEL (root) && gtk_label_get_text (GTK_LABEL (root))[0] != '\0')
    {
      GtkLabel *label = GTK_LABEL (root);

      g_assert_false (breaks_inside_word (label));
      if (pango_layout_is_ellipsized (gtk_label_get_layout (label)))
        g_assert_cmpstr (gtk_widget_get_tooltip_text (root), ==, gtk_label_get_text (label));
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_labels_readable (child);
}

/* The locale before use_language() switched it, to go back to. */
static char *saved_locale;

/* Switches the messages to @language ("de") from the build's catalogues,
 * or back (NULL). gettext reads $LANGUAGE only outside the C locale; the
 * session's C.UTF-8 is what a desktop gives Relink. */
static void
use_language (const char *language)
{
  g_autofree char *localedir = g_test_build_filename (G_TEST_BUILT, "..", "po", NULL);

  if (language == NULL)
    {
      if (saved_locale == NULL)
        return;
      g_unsetenv ("LANGUAGE");
      g_assert_nonnull (setlocale (LC_ALL, saved_locale));
      g_clear_pointer (&saved_locale, g_free);
      return;
    }

  saved_locale = g_strdup (setlocale (LC_ALL, NULL));
  g_setenv ("LANGUAGE", language, TRUE);
  g_assert_nonnull (setlocale (LC_ALL, "C.UTF-8"));
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/* @widget's x and width in @root. */
static graphene_rect_t
bounds_in (GtkWidget *widget, GtkWidget *root)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, root, &bounds));
  return bounds;
}

/* At a phone's width (360 px) an account with two grants, one expired
 * and one offline, fits: nothing wider than the dialog, no word broken,
 * the state said once, and the buttons at the rows' end one column of
 * one width. In English and in German, whose words are longer. */
static void
test_details_grants_narrow (gconstpointer data)
{
  const char *language = data;
  Fixture fixture = { 0 };
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (RelinkAccount) grant = NULL;
  g_autoptr (RelinkContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *shot = NULL;
  g_autofree char *since = NULL;
  g_autofree char *subtitle = NULL;
  const char *column[] = { "grant-renew", "grant-test", "grant-revoke" };
  GtkWidget *dialog;
  GtkWidget *content;
  GtkWidget *rows[2];
  GtkWidget *retry;
  graphene_rect_t retry_bounds;
  int minimum, natural;

  use_language (language);
  fixture_open_full (&fixture, 0, TRUE);
  account = add_stub_account (&fixture);
  grant = add_stub_grant (&fixture, -2);
  g_assert_true (relink_store_update_status (fixture.store, "account-stub",
                                             RELINK_ACCOUNT_STATUS_ERROR, NULL, &error));
  g_assert_no_error (error);
  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_ERROR);
  context = relink_context_new_for_manager (fixture.manager);

  dialog = GTK_WIDGET (relink_account_details_dialog_new (NULL, context, account));
  gtk_window_set_default_size (GTK_WINDOW (dialog), 360, 640);
  gtk_window_present (GTK_WINDOW (dialog));
  relink_test_wait_for_frames (dialog, 2);
  shot = g_strdup_printf ("account-details-narrow-%s", language != NULL ? language : "en");
  maybe_screenshot (dialog, shot);

  /* The window's content (its frame is the window manager's on a
   * phone), and every label in it. */
  content = gtk_widget_get_first_child (dialog);
  gtk_widget_measure (content, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
  g_test_message ("content: minimum %d, natural %d", minimum, natural);
  g_assert_cmpint (minimum, <=, 360);
  g_assert_cmpint (gtk_widget_get_width (content), <=, 360);
  assert_labels_readable (dialog);

  /* "Expired · 2 days ago", not "Expired · expired 2 days ago": in the
   * row and in the header of the grant shown (the expired one). */
  rows[0] = relink_test_get_widget (dialog, "grant-oauth");
  rows[1] = relink_test_get_widget (dialog, "grant-auth-n-auth");
  since = g_strdup_printf (ngettext ("%d day ago", "%d days ago", 2), 2);
  subtitle = g_strdup_printf (_ ("%s · %s"), _ ("Expired"), since);
  if (language == NULL)
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (rows[1])), ==,
                     "Expired · 2 days ago");
  else
    g_assert_cmpstr (since, !=, "2 days ago");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (rows[1])), ==, subtitle);
  g_assert_true (relink_account_details_dialog_get_grant (RELINK_ACCOUNT_DETAILS_DIALOG (dialog))
                 == grant);
  g_assert_cmpstr (label_text (dialog, "state_label"), ==, _ ("Expired"));
  g_assert_cmpstr (label_text (dialog, "countdown_label"), ==, since);

  /* The offline grant shown: its Retry Now, in the Connection group,
   * stands in the column of the grants' buttons, as wide as they are. */
  relink_account_details_dialog_show_grant (RELINK_ACCOUNT_DETAILS_DIALOG (dialog), account);
  relink_test_wait_for_frames (dialog, 2);
  retry = relink_test_get_widget (dialog, "retry-button");
  g_assert_true (gtk_widget_get_mapped (retry));
  retry_bounds = bounds_in (retry, dialog);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    for (guint j = 0; j < G_N_ELEMENTS (column); j++)
      {
        GtkWidget *button = relink_test_get_widget (rows[i], column[j]);
        graphene_rect_t bounds;

        if (!gtk_widget_get_mapped (button))
          continue;
        bounds = bounds_in (button, dialog);
        g_assert_cmpfloat (bounds.size.width, ==, retry_bounds.size.width);
        g_assert_cmpfloat (bounds.origin.x, ==, retry_bounds.origin.x);
      }
  maybe_screenshot (dialog, shot);
  assert_labels_readable (dialog);

  destroy_and_finalize (dialog);
  relink_test_assert_finalize_eventually (g_steal_pointer (&context));
  fixture_close (&fixture);
  use_language (NULL);
}

/* Whether the Renew, Test and Revoke buttons of @row stand side by side
 * (one line, in that order) or, when not @side_by_side, one under the
 * other (one column, one width). */
static void
assert_grant_buttons (GtkWidget *row, GtkWidget *dialog, gboolean side_by_side)
{
  const char *names[] = { "grant-renew", "grant-test", "grant-revoke" };
  graphene_rect_t first = bounds_in (relink_test_get_widget (row, names[0]), dialog);
  graphene_rect_t previous = first;

  for (guint i = 1; i < G_N_ELEMENTS (names); i++)
    {
      graphene_rect_t bounds = bounds_in (relink_test_get_widget (row, names[i]), dialog);

      if (side_by_side)
        {
          g_assert_cmpfloat (bounds.origin.y, ==, first.origin.y);
          g_assert_cmpfloat (bounds.origin.x, >=, previous.origin.x + previous.size.width);
        }
      else
        {
          g_assert_cmpfloat (bounds.origin.x, ==, first.origin.x);
          g_assert_cmpfloat (bounds.size.width, ==, first.size.width);
          g_assert_cmpfloat (bounds.origin.y, >=, previous.origin.y + previous.size.height);
        }
      previous = bounds;
    }
  /* Side by side, a row is as tall as one button and its margins. */
  if (side_by_side)
    g_assert_cmpint (gtk_widget_get_height (row), <, 3 * first.size.height);
}

/* A grant row's buttons stand side by side at the dialog's usual width
 * and fold into a column when it is made phone-narrow, and back: in
 * English and in German, whose words are longer. */
static void
test_details_grants_width (gconstpointer data)
{
  const char *language = data;
  Fixture fixture = { 0 };
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (RelinkAccount) grant = NULL;
  g_autoptr (RelinkContext) context = NULL;
  const int widths[] = { 560, 360, 560 };
  GtkWidget *dialog;
  GtkWidget *rows[2];

  use_language (language);
  fixture_open_full (&fixture, 0, TRUE);
  account = add_stub_account (&fixture);
  grant = add_stub_grant (&fixture, 5);
  context = relink_context_new_for_manager (fixture.manager);

  dialog = GTK_WIDGET (relink_account_details_dialog_new (NULL, context, account));
  gtk_window_set_default_size (GTK_WINDOW (dialog), widths[0], 640);
  gtk_window_present (GTK_WINDOW (dialog));
  rows[0] = relink_test_get_widget (dialog, "grant-oauth");
  rows[1] = relink_test_get_widget (dialog, "grant-auth-n-auth");

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      /* Shown again at that size: under Xvfb there is no window manager
       * to resize a shown window. Made narrower at once than the rows
       * side by side allow, it comes at their width, folds them and
       * takes the size asked for when asked again (as a compositor
       * does, its configure repeated after the first answer). */
      for (guint attempt = 0; attempt < 2; attempt++)
        {
          gtk_widget_set_visible (dialog, FALSE);
          gtk_window_set_default_size (GTK_WINDOW (dialog), widths[i], 640);
          gtk_window_present (GTK_WINDOW (dialog));
          relink_test_wait_for_frames (dialog, 2);
          g_test_message ("%d px asked: %d px", widths[i], gtk_widget_get_width (dialog));
        }
      /* Within what a window's decoration may take. */
      g_assert_cmpint (ABS (gtk_widget_get_width (dialog) - widths[i]), <=, 10);
      g_test_message ("%d px: rows %d and %d px tall", widths[i], gtk_widget_get_height (rows[0]),
                      gtk_widget_get_height (rows[1]));
      if (i == 0)
        {
          g_autofree char *shot
              = g_strdup_printf ("account-details-wide-%s", language != NULL ? language : "en");

          maybe_screenshot (dialog, shot);
        }
      for (guint j = 0; j < G_N_ELEMENTS (rows); j++)
        assert_grant_buttons (rows[j], dialog, widths[i] >= 500);
      assert_labels_readable (dialog);
    }

  destroy_and_finalize (dialog);
  relink_test_assert_finalize_eventually (g_steal_pointer (&context));
  fixture_close (&fixture);
  use_language (NULL);
}

/* A marketplace out of reach for the revocation: the tokens stay, and
 * the seller may have them removed here anyway, as after a refusal for
 * good (the same rule as `relinkctl revoke --force`). */
static void
test_details_revoke_unreachable (void)
{
  Fixture fixture = { 0 };
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (RelinkContext) context = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  GtkWidget *dialog;
  GtkWidget *forget;

  fixture_open_full (&fixture, 0, TRUE);
  account = add_stub_account (&fixture);
  context = relink_context_new_for_manager (fixture.manager);

  dialog = present_details (context, account);
  forget = relink_test_get_widget (dialog, "forget_button");

  /* Nothing listens where the marketplace was. */
  soup_server_disconnect (fixture.stub);
  click (dialog, "revoke_button");
  respond (find_message_dialog (GTK_WINDOW (dialog)), "_Revoke");
  WAIT_FOR (gtk_widget_get_visible (forget));
  g_test_message ("%s", label_text (dialog, "result_label"));
  g_assert_true (
      gtk_widget_has_css_class (relink_test_get_widget (dialog, "result_label"), "error"));
  tokens = keyring_tokens (&fixture, "account-stub");
  g_assert_nonnull (tokens);
  g_clear_object (&tokens);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_CONNECTED);

  click (dialog, "forget_button");
  WAIT_FOR (g_str_has_prefix (label_text (dialog, "result_label"), "The tokens are deleted"));
  g_assert_false (gtk_widget_get_visible (forget));
  tokens = keyring_tokens (&fixture, "account-stub");
  g_assert_null (tokens);
  g_assert_cmpint (relink_account_get_status (account), ==, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);

  destroy_and_finalize (dialog);
  relink_test_assert_finalize_eventually (g_steal_pointer (&context));
  fixture_close (&fixture);
}

/* A temporary failure offers Retry Now besides Relink's own retry. */
static void
test_details_retry_now (void)
{
  Fixture fixture = { 0 };
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (RelinkContext) context = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *dialog;
  GtkWidget *retry;
  const char *offline = STUB_NAME " has a problem on its side. Relink will try again in 5 min.";

  fixture_open_full (&fixture, 0, TRUE);
  account = add_stub_account (&fixture);
  g_assert_true (relink_store_update_status (fixture.store, "account-stub",
                                             RELINK_ACCOUNT_STATUS_ERROR, offline, &error));
  g_assert_no_error (error);
  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_ERROR);
  relink_account_set_status_message (account, offline);
  context = relink_context_new_for_manager (fixture.manager);

  dialog = present_details (context, account);
  retry = relink_test_get_widget (dialog, "retry-button");
  g_assert_true (gtk_widget_is_visible (retry));
  g_assert_true (gtk_widget_is_visible (relink_test_get_widget (dialog, "status")));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (retry)), ==, "Retry _Now");
  maybe_screenshot (dialog, "account-details-retry");

  /* Still failing: said, and still offered. */
  fixture.token_status = 502;
  click (dialog, "retry-button");
  WAIT_FOR (fixture.token_requests == 1 && gtk_widget_is_sensitive (retry));
  g_assert_true (
      gtk_widget_has_css_class (relink_test_get_widget (dialog, "result_label"), "error"));
  g_assert_true (gtk_widget_get_visible (retry));

  /* Back: the account works again and the button goes. */
  fixture.token_status = 200;
  click (dialog, "retry-button");
  WAIT_FOR (relink_account_get_status (account) == RELINK_ACCOUNT_STATUS_CONNECTED);
  WAIT_FOR (g_strcmp0 (label_text (dialog, "result_label"), "The connection works again.") == 0);
  g_assert_cmpuint (fixture.token_requests, ==, 2);
  g_assert_false (gtk_widget_get_visible (retry));

  destroy_and_finalize (dialog);
  relink_test_assert_finalize_eventually (g_steal_pointer (&context));
  fixture_close (&fixture);
}

/* Without a token the test says so in plain words, and the history
 * records nothing it did not do. */
static void
test_details_test_failure (void)
{
  Fixture fixture = { 0 };
  g_autoptr (RelinkAccount) account = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *dialog;

  fixture_open_full (&fixture, 0, TRUE);
  account = add_stub_account (&fixture);
  /* Another process (relinkctl) changed the token meanwhile: the stub
   * refuses it, and the refresh (no token endpoint) fails too. */
  {
    g_autoptr (RelinkTokenSet) tokens = keyring_tokens (&fixture, "account-stub");

    relink_token_set_set_access_token (tokens, "someone-elses-token");
    g_assert_true (relink_secrets_store_tokens_sync (fixture.secrets, "account-stub", "test",
                                                     tokens, NULL, &error));
    g_assert_no_error (error);
  }

  dialog = details_dialog_new (&fixture, account);
  gtk_window_present (GTK_WINDOW (dialog));
  relink_test_wait_for_frames (dialog, 1);

  click (dialog, "test_button");
  WAIT_FOR (gtk_widget_has_css_class (relink_test_get_widget (dialog, "result_label"), "error"));
  g_test_message ("%s", label_text (dialog, "result_label"));
  g_assert_false (is_connected_text (label_text (dialog, "result_label")));
  g_assert_cmpstr (label_text (dialog, "result_label"), !=, "");
  g_assert_null (strstr (label_text (dialog, "result_label"), "someone-elses-token"));
  g_assert_false (relink_account_get_last_test_ok (account));
  g_assert_true (
      relink_account_details_dialog_get_token_service (RELINK_ACCOUNT_DETAILS_DIALOG (dialog))
      != NULL);

  destroy_and_finalize (dialog);
  {
    g_autoptr (GError) clear_error = NULL;
    relink_secrets_clear_tokens_sync (fixture.secrets, "account-stub", NULL, &clear_error);
    g_assert_no_error (clear_error);
  }
  fixture_close (&fixture);
}

/* Developer keys */

static void
add_keyset_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;
  g_autoptr (GError) error = NULL;

  relink_account_manager_add_keyset_finish (RELINK_ACCOUNT_MANAGER (source), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

static GtkWidget *
remove_button_of (GtkWidget *dialog, const char *keyset_id)
{
  return relink_test_get_widget (relink_test_get_widget (dialog, keyset_id), "remove");
}

static void
test_keysets (void)
{
  Fixture fixture = { 0 };
  g_autoptr (RelinkKeyset) unused = relink_keyset_new ("keyset-unused");
  g_autoptr (GHashTable) secrets = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = NULL;
  AdwMessageDialog *confirm;
  GListModel *keysets;
  GtkWidget *dialog;
  GtkWidget *row;
  gboolean done = FALSE;
  gint64 opened_at;
  guint n_keysets;

  fixture_open (&fixture, RELINK_TEST_FIXTURE_CYCLE);
  keysets = relink_account_manager_get_keysets (fixture.manager);
  n_keysets = g_list_model_get_n_items (keysets);

  opened_at = relink_now ();
  dialog = GTK_WIDGET (relink_keysets_dialog_new (NULL, fixture.manager));
  gtk_window_present (GTK_WINDOW (dialog));
  relink_test_wait_for_frames (dialog, 1);
  g_assert_cmpstr (
      gtk_stack_get_visible_child_name (GTK_STACK (relink_test_get_widget (dialog, "stack"))), ==,
      "list");

  /* Every keyset, with the number of accounts using it. */
  for (guint i = 0; i < n_keysets; i++)
    {
      g_autoptr (RelinkKeyset) keyset = g_list_model_get_item (keysets, i);
      guint used = relink_account_manager_count_accounts_of_keyset (fixture.manager, keyset);
      g_autofree char *name = relink_keyset_dup_display_name (keyset);

      row = relink_test_get_widget (dialog, relink_keyset_get_id (keyset));
      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, name);
      if (used == 1)
        g_assert_nonnull (
            strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Used by 1 account"));
      g_assert_cmpint (
          gtk_widget_is_sensitive (remove_button_of (dialog, relink_keyset_get_id (keyset))), ==,
          used == 0);
    }

  /* The Amazon keys count their client secret down; the text depends on
   * the second the row was drawn, somewhere between opening and now. */
  {
    RelinkKeyset *amazon
        = relink_account_manager_lookup_keyset (fixture.manager, "keyset-amazon-na");
    gint64 expires_at = relink_keyset_get_secret_expires_at (amazon);
    g_autofree char *at_open = relink_expiry_describe (expires_at, opened_at, NULL);
    g_autofree char *at_check = relink_expiry_describe (expires_at, relink_now (), NULL);

    g_assert_cmpint (expires_at, >, 0);
    row = relink_test_get_widget (dialog, "keyset-amazon-na");
    g_assert_true (find_label (row, at_open) != NULL || find_label (row, at_check) != NULL);
  }

  /* New keys show up live, unused and removable. */
  relink_keyset_set_provider_id (unused, "etsy");
  relink_keyset_set_environment (unused, "production");
  relink_keyset_set_client_id (unused, "unusedclientid");
  relink_keyset_set_redirect (unused, "https://relink.invalid/etsy2");
  relink_keyset_set_label (unused, "Spare Etsy keys");
  g_hash_table_insert (secrets, (gpointer) "shared_secret", (gpointer) "not-a-real-shared-secret");
  relink_account_manager_add_keyset_async (fixture.manager, unused, secrets, NULL,
                                           add_keyset_done_cb, &done);
  WAIT_FOR (done);
  WAIT_FOR (relink_test_find_widget (dialog, "keyset-unused") != NULL);
  g_assert_nonnull (
      find_label (relink_test_get_widget (dialog, "keyset-unused"), "Spare Etsy keys"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (
                                ADW_ACTION_ROW (relink_test_get_widget (dialog, "keyset-unused"))),
                            "Not used by any account"));
  g_assert_true (gtk_widget_is_sensitive (remove_button_of (dialog, "keyset-unused")));
  maybe_screenshot (dialog, "keysets");

  /* Keys in use cannot be removed: the button does nothing. */
  g_assert_false (gtk_widget_is_sensitive (remove_button_of (dialog, "keyset-ebay")));
  gtk_widget_activate (remove_button_of (dialog, "keyset-ebay"));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (find_message_dialog (GTK_WINDOW (dialog)));
  g_assert_nonnull (relink_account_manager_lookup_keyset (fixture.manager, "keyset-ebay"));

  /* Unused keys go after a confirmation, with their secrets. */
  g_signal_emit_by_name (remove_button_of (dialog, "keyset-unused"), "clicked");
  confirm = find_message_dialog (GTK_WINDOW (dialog));
  g_assert_nonnull (confirm);
  respond (confirm, "_Remove");
  WAIT_FOR (relink_account_manager_lookup_keyset (fixture.manager, "keyset-unused") == NULL);
  WAIT_FOR (relink_test_find_widget (dialog, "keyset-unused") == NULL);
  secret = relink_secrets_lookup_keyset_secret_sync (fixture.secrets, "keyset-unused",
                                                     "shared_secret", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (secret);
  g_assert_cmpuint (g_list_model_get_n_items (keysets), ==, n_keysets);

  destroy_and_finalize (dialog);
  fixture_close (&fixture);
}

/* Keys the marketplace refused: the row says so and takes a new secret. */
static void
test_keysets_invalid (void)
{
  Fixture fixture = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = NULL;
  g_autoptr (GPtrArray) stored = NULL;
  AdwMessageDialog *secret_dialog;
  RelinkKeyset *keyset;
  GtkWidget *dialog;
  GtkWidget *row;
  gboolean stored_invalid = TRUE;

  fixture_open (&fixture, RELINK_TEST_FIXTURE_CYCLE);
  /* As the token service leaves it after invalid_client. */
  g_assert_true (relink_store_set_keyset_invalid (fixture.store, "keyset-ebay", TRUE, &error));
  g_assert_no_error (error);
  relink_account_manager_load_sync (fixture.manager, NULL, &error);
  g_assert_no_error (error);
  keyset = relink_account_manager_lookup_keyset (fixture.manager, "keyset-ebay");
  g_assert_true (relink_keyset_get_invalid (keyset));

  dialog = GTK_WIDGET (relink_keysets_dialog_new (NULL, fixture.manager));
  gtk_window_present (GTK_WINDOW (dialog));
  relink_test_wait_for_frames (dialog, 1);

  row = relink_test_get_widget (dialog, "keyset-ebay");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                            "The marketplace refused these keys"));
  g_assert_true (gtk_widget_get_visible (relink_test_get_widget (row, "new-secret")));
  g_assert_false (gtk_widget_get_visible (
      relink_test_get_widget (relink_test_get_widget (dialog, "keyset-etsy"), "new-secret")));
  maybe_screenshot (dialog, "keysets-invalid");

  g_signal_emit_by_name (relink_test_get_widget (row, "new-secret"), "clicked");
  secret_dialog = find_message_dialog (GTK_WINDOW (dialog));
  g_assert_nonnull (secret_dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (secret_dialog, "save"));
  set_text (GTK_WIDGET (secret_dialog), "secret-entry", "PRD-a-new-secret");
  g_assert_true (adw_message_dialog_get_response_enabled (secret_dialog, "save"));
  maybe_screenshot (GTK_WIDGET (secret_dialog), "keysets-new-secret");
  respond (secret_dialog, "_Save");

  WAIT_FOR (!relink_keyset_get_invalid (keyset));
  g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "refused"));
  g_assert_false (gtk_widget_get_visible (relink_test_get_widget (row, "new-secret")));

  secret = relink_secrets_lookup_keyset_secret_sync (fixture.secrets, "keyset-ebay",
                                                     "client_secret", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "PRD-a-new-secret");
  stored = relink_store_load_keysets (fixture.store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < stored->len; i++)
    if (g_str_equal (relink_keyset_get_id (stored->pdata[i]), "keyset-ebay"))
      stored_invalid = relink_keyset_get_invalid (stored->pdata[i]);
  g_assert_false (stored_invalid);

  destroy_and_finalize (dialog);
  relink_secrets_clear_keyset_sync (fixture.secrets, "keyset-ebay", NULL, &error);
  g_assert_no_error (error);
  fixture_close (&fixture);
}

static void
test_keysets_empty (void)
{
  Fixture fixture = { 0 };
  GtkWidget *dialog;

  fixture_open (&fixture, 0);
  dialog = GTK_WIDGET (relink_keysets_dialog_new (NULL, fixture.manager));
  gtk_window_present (GTK_WINDOW (dialog));
  relink_test_wait_for_frames (dialog, 1);
  g_assert_cmpstr (
      gtk_stack_get_visible_child_name (GTK_STACK (relink_test_get_widget (dialog, "stack"))), ==,
      "empty");
  g_assert_nonnull (find_label (dialog, "No Developer Keys Yet"));
  maybe_screenshot (dialog, "keysets-empty");

  destroy_and_finalize (dialog);
  fixture_close (&fixture);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* Pages switch at once, so what a test (or screenshot) sees is the end state. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/add-account/new-keys", test_add_account);
  g_test_add_func ("/add-account/existing-keys", test_add_account_existing_keys);
  g_test_add_func ("/add-account/cancel", test_add_account_cancel);
  g_test_add_func ("/add-account/custom-oidc", test_add_account_custom_oidc);
  g_test_add_func ("/add-account/skipped-profile", test_add_account_skipped_profile);
  g_test_add_func ("/details/show-and-remove", test_details);
  g_test_add_func ("/details/empty-history", test_details_empty_history);
  g_test_add_func ("/details/clock-format", test_details_clock_format);
  g_test_add_func ("/details/test-renew-revoke", test_details_actions);
  g_test_add_func ("/details/grants", test_details_grants);
  g_test_add_func ("/details/grants-countdown", test_details_grants_countdown);
  g_test_add_data_func ("/details/grants-narrow", NULL, test_details_grants_narrow);
  g_test_add_data_func ("/details/grants-narrow-de", "de", test_details_grants_narrow);
  g_test_add_data_func ("/details/grants-width", NULL, test_details_grants_width);
  g_test_add_data_func ("/details/grants-width-de", "de", test_details_grants_width);
  g_test_add_func ("/details/add-grant", test_details_add_grant);
  g_test_add_func ("/details/revoke-by-hand", test_details_revoke_by_hand);
  g_test_add_func ("/details/revoke-refused", test_details_revoke_refused);
  g_test_add_func ("/details/revoke-unreachable", test_details_revoke_unreachable);
  g_test_add_func ("/details/retry-now", test_details_retry_now);
  g_test_add_func ("/details/test-failure", test_details_test_failure);
  g_test_add_func ("/keysets/list-and-remove", test_keysets);
  g_test_add_func ("/keysets/empty", test_keysets_empty);
  g_test_add_func ("/keysets/invalid", test_keysets_invalid);

  return g_test_run ();
}
