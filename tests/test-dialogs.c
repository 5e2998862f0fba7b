/* test-dialogs.c: the add-account, account-details and developer-keys
 * dialogs under Xvfb, driven like a user, over a temp store and the
 * private session's real keyring.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "relink-account-details-dialog.h"
#include "relink-account-manager.h"
#include "relink-add-account-dialog.h"
#include "relink-expiry.h"
#include "relink-keysets-dialog.h"
#include "relink-test-util.h"

#define DAY (24 * 60 * 60)

typedef struct
{
  char *dir;
  RelinkStore *store;
  RelinkSecrets *secrets;
  RelinkAccountManager *manager;
  gint64 now;
} Fixture;

static void
fixture_open (Fixture *fixture, guint n_accounts)
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

  fixture->secrets = relink_secrets_new ();
  providers = relink_provider_registry_new (providers_dir);
  fixture->manager = relink_account_manager_new (fixture->store, fixture->secrets, providers);
  relink_account_manager_load_sync (fixture->manager, NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_close (Fixture *fixture)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->manager);
  g_clear_object (&fixture->secrets);
  g_clear_object (&fixture->store);
  relink_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static gboolean
timed_out_cb (gpointer data)
{
  g_error ("Timed out waiting for %s", (const char *) data);
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @cond holds; a hang fails the test instead of
 * waiting for the harness to kill it. */
#define WAIT_FOR(cond)                                                                             \
  G_STMT_START                                                                                     \
  {                                                                                                \
    guint wait_id_ = g_timeout_add_seconds (30, timed_out_cb, (gpointer) #cond);                   \
    while (!(cond))                                                                                \
      g_main_context_iteration (NULL, TRUE);                                                       \
    g_source_remove (wait_id_);                                                                    \
  }                                                                                                \
  G_STMT_END

static void
after_paint_cb (GdkFrameClock *clock, gboolean *painted)
{
  *painted = TRUE;
}

static void
wait_for_frame (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong id;

  WAIT_FOR (gtk_widget_get_mapped (widget));

  clock = gtk_widget_get_frame_clock (widget);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  gtk_widget_queue_draw (widget);
  WAIT_FOR (painted);
  g_signal_handler_disconnect (clock, id);

  while (g_main_context_iteration (NULL, FALSE))
    ;
}

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

  wait_for_frame (window);
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

/* Finds a widget by its template id or widget name. */
static GtkWidget *
find_widget (GtkWidget *root, const char *id)
{
  const char *buildable_id = gtk_buildable_get_buildable_id (GTK_BUILDABLE (root));

  if (g_strcmp0 (buildable_id, id) == 0 || g_strcmp0 (gtk_widget_get_name (root), id) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, id);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
get_widget (GtkWidget *root, const char *id)
{
  GtkWidget *widget = find_widget (root, id);

  if (widget == NULL)
    g_error ("No widget “%s”", id);

  return widget;
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
  gtk_editable_set_text (GTK_EDITABLE (get_widget (root, id)), text);
}

static gboolean
error_label_shows (GtkWidget *root, const char *id, const char *fragment)
{
  GtkWidget *label = get_widget (root, id);

  return gtk_widget_get_visible (label)
         && strstr (gtk_label_get_text (GTK_LABEL (label)), fragment) != NULL;
}

static void
click (GtkWidget *root, const char *id)
{
  GtkWidget *button = get_widget (root, id);

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
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (window);
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
  wait_for_frame (dialog);
  maybe_screenshot (dialog, "add-account-1-marketplace");

  /* Step 1: the marketplace. */
  g_assert_nonnull (find_label (dialog, "eBay"));
  g_assert_nonnull (find_label (get_widget (dialog, "acme-market"), "Custom"));
  g_assert_null (find_label (get_widget (dialog, "ebay"), "Custom"));
  gtk_widget_activate (get_widget (dialog, "amazon-sp-api"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (get_widget (dialog, "stack"))), ==,
                   "keys");

  /* Step 2: the fixture's Amazon keys are offered; choose new keys. */
  g_assert_true (gtk_widget_get_visible (get_widget (dialog, "existing_group")));
  g_assert_nonnull (find_widget (dialog, "keyset-amazon-na"));
  g_assert_null (find_widget (dialog, "keyset-ebay"));
  g_assert_false (gtk_widget_get_visible (get_widget (dialog, "new_keys_group")));
  gtk_widget_activate (get_widget (dialog, "new-keys"));
  g_assert_true (gtk_widget_get_visible (get_widget (dialog, "new_keys_group")));
  g_assert_true (gtk_widget_get_visible (get_widget (dialog, "client_secret_row")));
  g_assert_true (gtk_widget_get_visible (get_widget (dialog, "expiry_group")));
  g_assert_nonnull (find_widget (dialog, "application_id"));

  /* The secret expiry defaults to 180 days from today. */
  {
    g_autoptr (GDateTime) today = g_date_time_new_now_local ();
    g_autoptr (GDateTime) expiry = g_date_time_add_days (today, 180);
    expected_expiry = g_date_time_format (expiry, "%Y-%m-%d");
  }
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (get_widget (dialog, "expiry_row"))), ==,
                   expected_expiry);

  next = get_widget (dialog, "next_button");
  g_assert_true (gtk_widget_get_visible (next));
  g_assert_false (gtk_widget_is_sensitive (next));
  g_assert_false (gtk_widget_get_visible (get_widget (dialog, "keys_error_label")));

  /* An emptied client id is called out. */
  set_text (dialog, "client_id_row", "x");
  set_text (dialog, "client_id_row", "");
  g_assert_true (error_label_shows (dialog, "keys_error_label", "client ID"));
  g_assert_true (gtk_widget_has_css_class (get_widget (dialog, "client_id_row"), "error"));
  g_assert_false (gtk_widget_is_sensitive (next));

  set_text (dialog, "client_id_row", "amzn1.application-oa2-client.new");
  set_text (dialog, "client_secret_row", "amzn1.oa2-cs.v1.not-a-real-secret");
  set_text (dialog, "application_id", "amzn1.sp.solution.new");

  /* Plain http is only for this computer. */
  set_text (dialog, "redirect_row", "http://example.com/callback");
  g_assert_true (error_label_shows (dialog, "keys_error_label", "https://"));
  g_assert_true (gtk_widget_has_css_class (get_widget (dialog, "redirect_row"), "error"));
  g_assert_false (gtk_widget_has_css_class (get_widget (dialog, "client_id_row"), "error"));
  g_assert_false (gtk_widget_is_sensitive (next));
  maybe_screenshot (dialog, "add-account-2-problem");
  set_text (dialog, "redirect_row", "http://127.0.0.1:8080/callback");
  g_assert_false (gtk_widget_get_visible (get_widget (dialog, "keys_error_label")));
  g_assert_true (gtk_widget_is_sensitive (next));

  /* A required keyset field left empty. */
  set_text (dialog, "application_id", "");
  g_assert_true (error_label_shows (dialog, "fields_error_label", "Application ID"));
  g_assert_false (gtk_widget_is_sensitive (next));
  set_text (dialog, "application_id", "amzn1.sp.solution.new");

  /* A date that is not one. */
  set_text (dialog, "expiry_row", "next spring");
  g_assert_true (gtk_widget_get_visible (get_widget (dialog, "expiry_error_label")));
  g_assert_false (gtk_widget_is_sensitive (next));
  set_text (dialog, "expiry_row", "2031-02-03");
  g_assert_true (gtk_widget_is_sensitive (next));

  set_text (dialog, "redirect_row", "https://relink.invalid/amazon-new");
  maybe_screenshot (dialog, "add-account-2-keys");
  click (dialog, "next_button");

  /* Step 3: the account. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (get_widget (dialog, "stack"))), ==,
                   "account");
  add = get_widget (dialog, "add_button");
  g_assert_true (gtk_widget_get_visible (add));
  g_assert_false (gtk_widget_is_sensitive (add));

  set_text (dialog, "nickname_row", taken);
  g_assert_true (error_label_shows (dialog, "account_error_label", "already exists"));
  g_assert_true (gtk_widget_has_css_class (get_widget (dialog, "nickname_row"), "error"));
  g_assert_false (gtk_widget_is_sensitive (add));

  set_text (dialog, "nickname_row", "New Amazon shop");
  set_text (dialog, "identity_row", "A3NEWSELLER");
  g_assert_false (gtk_widget_get_visible (get_widget (dialog, "account_error_label")));
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
  wait_for_frame (dialog);

  gtk_widget_activate (get_widget (dialog, "ebay"));

  /* The RuName is a name, not a URL. */
  gtk_widget_activate (get_widget (dialog, "new-keys"));
  g_assert_true (find_label (dialog, "RuName") != NULL);
  set_text (dialog, "client_id_row", "Someone-App-PRD-0123");
  set_text (dialog, "client_secret_row", "PRD-not-a-real-secret");
  set_text (dialog, "redirect_row", "https://example.com/accepted");
  g_assert_true (error_label_shows (dialog, "keys_error_label", "not a web address"));
  g_assert_false (gtk_widget_is_sensitive (get_widget (dialog, "next_button")));
  set_text (dialog, "redirect_row", "Someone-Someone-App-abcdefg");
  g_assert_true (gtk_widget_is_sensitive (get_widget (dialog, "next_button")));
  g_assert_false (gtk_widget_get_visible (get_widget (dialog, "expiry_group")));

  /* Back to the fixture's production keys: nothing to fill in. */
  gtk_widget_activate (get_widget (dialog, "keyset-ebay"));
  g_assert_false (gtk_widget_get_visible (get_widget (dialog, "new_keys_group")));
  g_assert_true (gtk_widget_is_sensitive (get_widget (dialog, "next_button")));
  click (dialog, "next_button");

  /* Enter in the nickname row activates Add. */
  set_text (dialog, "nickname_row", "Second eBay shop");
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (dialog))
                 == get_widget (dialog, "add_button"));
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_widget_activate_default (get_widget (dialog, "nickname_row"));
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
  wait_for_frame (dialog);
  gtk_widget_activate (get_widget (dialog, "etsy"));
  gtk_widget_activate (get_widget (dialog, "new-keys"));
  /* Etsy is a public client: no secret to ask for. */
  g_assert_false (gtk_widget_get_visible (get_widget (dialog, "client_secret_row")));
  click (dialog, "back_button");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (get_widget (dialog, "stack"))), ==,
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

/* Account details */

static void
account_removed_cb (GtkWindow *dialog, const char *name, char **out)
{
  g_assert_null (*out);
  *out = g_strdup (name);
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

  dialog = GTK_WIDGET (relink_account_details_dialog_new (NULL, fixture.manager, account));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_signal_connect (dialog, "account-removed", G_CALLBACK (account_removed_cb), &removed_name);
  gtk_window_present (GTK_WINDOW (dialog));
  wait_for_frame (dialog);

  /* The header and the fixture's dates. */
  g_assert_nonnull (find_label (dialog, nickname));
  refresh_date = relink_expiry_format_date (relink_account_get_refresh_expires_at (account), NULL);
  authorised_date = relink_expiry_format_date (relink_account_get_authorised_at (account), NULL);
  g_assert_nonnull (find_label (get_widget (dialog, "refresh-expires"), refresh_date));
  g_assert_nonnull (find_label (get_widget (dialog, "authorised"), authorised_date));
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

  dialog = GTK_WIDGET (relink_account_details_dialog_new (NULL, fixture.manager, account));
  gtk_window_present (GTK_WINDOW (dialog));
  wait_for_frame (dialog);
  WAIT_FOR (find_label (dialog, "No history yet") != NULL);
  g_assert_nonnull (find_label (get_widget (dialog, "authorised"), "Never"));
  g_assert_nonnull (find_label (get_widget (dialog, "refresh-expires"), "Unknown"));
  g_assert_nonnull (find_label (dialog, "Not connected"));
  maybe_screenshot (dialog, "account-details-new");

  destroy_and_finalize (dialog);
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
  return get_widget (get_widget (dialog, keyset_id), "remove");
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
  wait_for_frame (dialog);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (get_widget (dialog, "stack"))), ==,
                   "list");

  /* Every keyset, with the number of accounts using it. */
  for (guint i = 0; i < n_keysets; i++)
    {
      g_autoptr (RelinkKeyset) keyset = g_list_model_get_item (keysets, i);
      guint used = relink_account_manager_count_accounts_of_keyset (fixture.manager, keyset);
      g_autofree char *name = relink_keyset_dup_display_name (keyset);

      row = get_widget (dialog, relink_keyset_get_id (keyset));
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
    row = get_widget (dialog, "keyset-amazon-na");
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
  WAIT_FOR (find_widget (dialog, "keyset-unused") != NULL);
  g_assert_nonnull (find_label (get_widget (dialog, "keyset-unused"), "Spare Etsy keys"));
  g_assert_nonnull (
      strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (get_widget (dialog, "keyset-unused"))),
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
  WAIT_FOR (find_widget (dialog, "keyset-unused") == NULL);
  secret = relink_secrets_lookup_keyset_secret_sync (fixture.secrets, "keyset-unused",
                                                     "shared_secret", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (secret);
  g_assert_cmpuint (g_list_model_get_n_items (keysets), ==, n_keysets);

  destroy_and_finalize (dialog);
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
  wait_for_frame (dialog);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (get_widget (dialog, "stack"))), ==,
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
  g_test_add_func ("/details/show-and-remove", test_details);
  g_test_add_func ("/details/empty-history", test_details_empty_history);
  g_test_add_func ("/keysets/list-and-remove", test_keysets);
  g_test_add_func ("/keysets/empty", test_keysets_empty);

  return g_test_run ();
}
