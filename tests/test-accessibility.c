/* test-accessibility.c: what a screen reader is told about the main window
 * and every dialog, with fixture accounts, under Xvfb. Walks the widget
 * tree in-process and computes each interactive widget's accessible name
 * as the AT-SPI backend does (its label property, else the labels of the
 * widgets it is labelled by); fails, listing the widgets' paths, on one
 * without a name or with a type name ("GtkButton") as its name.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <libsoup/soup.h>
#include <webkit/webkit.h>

#include "relink-account-details-dialog.h"
#include "relink-account-manager.h"
#include "relink-account-row-private.h"
#include "relink-add-account-dialog.h"
#include "relink-expiry.h"
#include "relink-keysets-dialog.h"
#include "relink-login-dialog-private.h"
#include "relink-preferences-dialog.h"
#include "relink-test-gui.h"
#include "relink-test-util.h"
#include "relink-window.h"

#define STUB_ID "stub-market"

#define WAIT_FOR(cond) RELINK_TEST_WAIT_FOR (cond, 30)

typedef struct
{
  char *dir;
  RelinkAccountManager *manager;
  RelinkContext *context;
  GtkWidget *window;
  SoupServer *stub;
} Fixture;

/* Accessible names */

/* GTK 4.8 has no getter for an accessible property; the test API returns
 * the value it holds when it differs from the one asked about. */
static char *
dup_label_property (GtkAccessible *accessible)
{
  if (!gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL))
    return NULL;

  return gtk_test_accessible_check_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                             "\x01 no such label");
}

static void
collect_widgets (GtkWidget *widget, GHashTable *all)
{
  g_hash_table_add (all, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_widgets (child, all);
}

/* Every widget of every window, to resolve relations by address. */
static GHashTable *
all_widgets (void)
{
  GHashTable *all = g_hash_table_new (NULL, NULL);
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) window = g_list_model_get_item (toplevels, i);

      collect_widgets (window, all);
    }

  return all;
}

/* The name as gtk_at_context_get_name() makes it: the label property, and
 * the label properties of the widgets of the labelled-by relation (which
 * the test API prints as "GtkLabel<0x…>" each). NULL when empty. */
static char *
dup_accessible_name (GtkWidget *widget, GHashTable *all)
{
  GString *name = g_string_new (NULL);
  g_autofree char *label = dup_label_property (GTK_ACCESSIBLE (widget));

  if (label != NULL)
    g_string_append (name, label);

  if (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget),
                                        GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    {
      g_autofree char *refs = gtk_test_accessible_check_relation (
          GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY, NULL);
      const char *p = refs;

      while (p != NULL && (p = strchr (p, '<')) != NULL)
        {
          gpointer target = NULL;

          if (sscanf (p + 1, "%p", &target) == 1 && g_hash_table_contains (all, target))
            {
              g_autofree char *part = dup_label_property (GTK_ACCESSIBLE (target));

              if (part != NULL && *part != '\0')
                {
                  if (name->len > 0)
                    g_string_append_c (name, ' ');
                  g_string_append (name, part);
                }
            }
          p++;
        }
    }

  if (name->len == 0)
    {
      g_string_free (name, TRUE);
      return NULL;
    }

  return g_string_free (name, FALSE);
}

static char *
dup_path (GtkWidget *widget)
{
  GString *path = g_string_new (NULL);

  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    {
      const char *id = gtk_buildable_get_buildable_id (GTK_BUILDABLE (w));
      const char *name = gtk_widget_get_name (w);
      g_autofree char *step = NULL;

      if (id != NULL && g_str_has_prefix (id, "___"))
        id = NULL;
      if (id == NULL && g_strcmp0 (name, G_OBJECT_TYPE_NAME (w)) != 0)
        id = name;
      step = id != NULL ? g_strdup_printf ("%s#%s", G_OBJECT_TYPE_NAME (w), id)
                        : g_strdup (G_OBJECT_TYPE_NAME (w));
      if (path->len > 0)
        g_string_prepend (path, " > ");
      g_string_prepend (path, step);
    }

  return g_string_free (path, FALSE);
}

static gboolean
role_is_interactive (GtkAccessibleRole role)
{
  switch (role)
    {
      case GTK_ACCESSIBLE_ROLE_BUTTON:
      case GTK_ACCESSIBLE_ROLE_CHECKBOX:
      case GTK_ACCESSIBLE_ROLE_RADIO:
      case GTK_ACCESSIBLE_ROLE_SWITCH:
      case GTK_ACCESSIBLE_ROLE_TEXT_BOX:
      case GTK_ACCESSIBLE_ROLE_SEARCH_BOX:
      case GTK_ACCESSIBLE_ROLE_SPIN_BUTTON:
      case GTK_ACCESSIBLE_ROLE_COMBO_BOX:
      case GTK_ACCESSIBLE_ROLE_LINK:
      case GTK_ACCESSIBLE_ROLE_MENU_ITEM:
      case GTK_ACCESSIBLE_ROLE_MENU_ITEM_CHECKBOX:
      case GTK_ACCESSIBLE_ROLE_MENU_ITEM_RADIO:
      case GTK_ACCESSIBLE_ROLE_SLIDER:
        return TRUE;
      default:
        return FALSE;
    }
}

/* Roles a screen reader passes over to the widget's parent. */
static gboolean
role_is_transparent (GtkAccessibleRole role)
{
  return role == GTK_ACCESSIBLE_ROLE_NONE || role == GTK_ACCESSIBLE_ROLE_PRESENTATION
         || role == GTK_ACCESSIBLE_ROLE_GENERIC;
}

/* What the widget the keyboard can reach is presented as: itself when it
 * has a name; else a widget without a role of its own (a text field's
 * inner GtkText) speaks as its nearest ancestor that has one (its entry). */
static GtkWidget *
presented_widget (GtkWidget *widget, GHashTable *all)
{
  GtkWidget *w = widget;
  GtkWidget *web_view = gtk_widget_get_ancestor (widget, WEBKIT_TYPE_WEB_VIEW);

  /* A web page's content is WebKit's to present; the view is ours. */
  if (web_view != NULL)
    return web_view;

  while (w != NULL)
    {
      g_autofree char *name = dup_accessible_name (w, all);

      if (name != NULL
          || !role_is_transparent (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (w))))
        return w;
      w = gtk_widget_get_parent (w);
    }

  return widget;
}

static gboolean
is_type_name (const char *name)
{
  return g_str_has_prefix (name, "Gtk") || g_str_has_prefix (name, "Adw")
         || g_str_has_prefix (name, "Relink");
}

static gboolean
has_focusable_descendant (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_mapped (child)
        && ((gtk_widget_get_focusable (child) && gtk_widget_get_can_focus (child))
            || has_focusable_descendant (child)))
      return TRUE;

  return FALSE;
}

/* Whether the keyboard can stop on @widget. A scrolled window takes the
 * focus itself only when nothing inside it can. */
static gboolean
is_keyboard_stop (GtkWidget *widget)
{
  if (!gtk_widget_get_focusable (widget))
    return FALSE;

  /* Focus never enters a widget that cannot take it. */
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    if (!gtk_widget_get_can_focus (w))
      return FALSE;

  return !GTK_IS_SCROLLED_WINDOW (widget) || !has_focusable_descendant (widget);
}

typedef struct
{
  GHashTable *all;
  GString *problems;
  /* Widget (presented) -> its name, for the checks of a test. */
  GHashTable *names;
  guint n_checked;
} Audit;

static void
audit_widget (Audit *audit, GtkWidget *widget)
{
  GtkAccessibleRole role;
  GtkWidget *presented;
  g_autofree char *name = NULL;

  if (!gtk_widget_get_mapped (widget))
    return;

  role = gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget));
  if (is_keyboard_stop (widget) || role_is_interactive (role))
    {
      presented = presented_widget (widget, audit->all);
      if (!g_hash_table_contains (audit->names, presented))
        {
          name = dup_accessible_name (presented, audit->all);
          audit->n_checked++;
          if (name == NULL || is_type_name (name))
            {
              g_autofree char *path = dup_path (presented);

              g_string_append_printf (audit->problems, "  %s%s%s: %s\n", path,
                                      presented != widget ? " for its " : "",
                                      presented != widget ? G_OBJECT_TYPE_NAME (widget) : "",
                                      name == NULL ? "no accessible name" : name);
            }
          g_hash_table_insert (audit->names, presented, g_strdup (name != NULL ? name : ""));
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    audit_widget (audit, child);
}

/* Audits what @window shows now: fails listing every interactive widget
 * without a good name. Returns the names of the presented widgets. */
static GHashTable *
audit_window (GtkWidget *window, const char *what)
{
  Audit audit = { 0 };

  relink_test_wait_for_frames (window, 1);
  audit.all = all_widgets ();
  audit.problems = g_string_new (NULL);
  audit.names = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  audit_widget (&audit, window);
  g_test_message ("%s: %u interactive widgets", what, audit.n_checked);

  if (audit.problems->len > 0)
    g_error ("%s: interactive widgets without a meaningful accessible name:\n%s", what,
             audit.problems->str);
  g_assert_cmpuint (audit.n_checked, >, 0);

  g_string_free (audit.problems, TRUE);
  g_hash_table_unref (audit.all);
  return audit.names;
}

/* The names that contain @fragment, among those @names found. */
static guint
count_names (GHashTable *names, const char *fragment)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_hash_table_iter_init (&iter, names);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (strstr (value, fragment) != NULL)
      n++;

  return n;
}

/* Fixture */

static void
fixture_open (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *providers_dir = NULL;
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (RelinkSecrets) secrets = NULL;
  g_autoptr (RelinkProviderRegistry) providers = NULL;
  g_autoptr (RelinkAccount) shop = relink_account_new ("account-stub");
  g_autoslist (GUri) uris = NULL;
  g_autofree char *base = NULL;
  gint64 now = relink_now ();

  fixture->stub = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->stub, "/authorize", relink_test_stub_authorize_cb, NULL, NULL);
  soup_server_listen_local (fixture->stub, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->stub);
  base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));

  fixture->dir = relink_test_make_tmp_dir ();
  path = g_build_filename (fixture->dir, "relink.db", NULL);
  providers_dir = g_build_filename (fixture->dir, "providers", NULL);
  relink_test_write_stub_profile (providers_dir, STUB_ID, "Stub Market", base, TRUE, FALSE);

  store = relink_store_open (path, &error);
  g_assert_no_error (error);
  relink_test_populate_fixture (store, RELINK_TEST_FIXTURE_CYCLE, now, &error);
  g_assert_no_error (error);

  /* One account of the stub, signed in as shop_a before: its sign-in
   * page is the stub's. */
  relink_test_save_stub_keyset (store, NULL, STUB_ID, NULL);
  relink_account_set_keyset_id (shop, "keyset-stub");
  relink_account_set_nickname (shop, "Main Stub shop");
  g_assert_true (relink_store_save_account (store, shop, &error));
  g_assert_true (relink_store_update_sign_in (store, "account-stub", "123456", "shop_a", "read",
                                              now - 3600, now + 3600, now + 5 * 3600 + 12 * 60 + 30,
                                              &error));
  g_assert_no_error (error);

  secrets = relink_secrets_new ();
  providers = relink_provider_registry_new (providers_dir);
  fixture->manager = relink_account_manager_new (store, secrets, providers);
  relink_account_manager_load_sync (fixture->manager, NULL, &error);
  g_assert_no_error (error);
  fixture->context = relink_context_new_for_manager (fixture->manager);
}

static void
fixture_show_window (Fixture *fixture)
{
  /* Tall enough that every fixture row is in view and bound. */
  fixture->window = relink_test_present_window (fixture->context, 720, 1400, 2);
}

static void
destroy_window (GtkWidget *window)
{
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (GTK_WINDOW (window));
  WAIT_FOR (window == NULL);
}

static void
fixture_close (Fixture *fixture)
{
  if (fixture->window != NULL)
    destroy_window (g_steal_pointer (&fixture->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->context));
  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->manager));
  soup_server_disconnect (fixture->stub);
  g_clear_object (&fixture->stub);
  relink_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

static GtkWidget *
find_row (GtkWidget *window, const char *nickname)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  relink_test_collect_account_rows (window, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      RelinkAccount *account = relink_account_row_get_account (rows->pdata[i]);

      if (g_strcmp0 (relink_account_get_nickname (account), nickname) == 0)
        return rows->pdata[i];
    }

  return NULL;
}

/* The widget the keyboard reaches for @row: the list's item around it. */
static GtkWidget *
focusable_ancestor (GtkWidget *widget)
{
  for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
    if (gtk_widget_get_focusable (w))
      return w;

  return NULL;
}

/* The main window */

static void
test_main_window (void)
{
  Fixture fixture = { 0 };
  g_autoptr (GHashTable) names = NULL;
  g_autoptr (GHashTable) all = NULL;
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  GtkWidget *row;
  GtkWidget *item;
  GtkWidget *button;
  guint n_retry = 0;
  g_autofree char *item_name = NULL;
  g_autofree char *button_name = NULL;

  fixture_open (&fixture);
  fixture_show_window (&fixture);
  names = audit_window (fixture.window, "main window");

  /* No widget is named by its icon or type. */
  g_assert_cmpuint (count_names (names, "Add Account"), >=, 1);
  g_assert_cmpuint (count_names (names, "Main Menu"), >=, 1);

  /* Every bound row: its focusable item tells the whole summary, and its
   * Renew or Connect button names the account. */
  relink_test_collect_account_rows (fixture.window, rows);
  g_assert_cmpuint (rows->len, ==, RELINK_TEST_FIXTURE_CYCLE + 1);
  all = all_widgets ();
  for (guint i = 0; i < rows->len; i++)
    {
      RelinkAccountRow *r = rows->pdata[i];
      RelinkAccount *account = relink_account_row_get_account (r);
      const char *nickname = relink_account_get_nickname (account);
      g_autofree char *name = NULL;

      item = focusable_ancestor (GTK_WIDGET (r));
      g_assert_nonnull (item);
      name = dup_accessible_name (item, all);
      g_assert_nonnull (name);
      g_assert_nonnull (strstr (name, nickname));
      g_assert_nonnull (
          strstr (name, relink_expiry_state_to_string (relink_account_row_get_state (r))));

      button = relink_test_find_widget (GTK_WIDGET (r), "renew-button");
      if (button != NULL && gtk_widget_get_mapped (button))
        {
          g_autofree char *expected
              = g_strdup_printf ("%s %s", gtk_button_get_label (GTK_BUTTON (button)), nickname);
          g_autofree char *got = dup_accessible_name (button, all);

          g_assert_cmpstr (got, ==, expected);
        }

      /* Retry Now, on an account that waits to retry, names it too. */
      button = relink_test_find_widget (GTK_WIDGET (r), "retry-button");
      if (button != NULL && gtk_widget_get_mapped (button))
        {
          g_autofree char *expected = g_strdup_printf ("Retry %s now", nickname);
          g_autofree char *got = dup_accessible_name (button, all);

          g_assert_cmpstr (got, ==, expected);
          n_retry++;
        }
    }
  /* The fixture has one such account. */
  g_assert_cmpuint (n_retry, ==, 1);

  /* The stub account expires in 5 h 12 min: said in words. */
  row = find_row (fixture.window, "Main Stub shop");
  g_assert_nonnull (row);
  item = focusable_ancestor (row);
  item_name = dup_accessible_name (item, all);
  g_assert_nonnull (strstr (item_name, "Main Stub shop"));
  g_assert_nonnull (strstr (item_name, "Stub Market"));
  g_assert_nonnull (strstr (item_name, "5 hours 12 minutes"));
  g_assert_cmpstr (relink_account_row_get_countdown (RELINK_ACCOUNT_ROW (row)), ==,
                   "expires in 5 h 12 min");
  g_assert_null (strstr (item_name, "5 h 12 min"));

  fixture_close (&fixture);
}

/* Dialogs */

static GtkWidget *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWidget *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        found = window;
    }

  return found;
}

static void
assert_dialog_role (GtkWidget *dialog)
{
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (dialog)), ==,
                   GTK_ACCESSIBLE_ROLE_DIALOG);
}

static void
test_add_account (void)
{
  Fixture fixture = { 0 };
  g_autoptr (GHashTable) names1 = NULL;
  g_autoptr (GHashTable) names2 = NULL;
  GtkWidget *dialog;
  GtkWidget *focus;
  GtkWidget *first;

  fixture_open (&fixture);
  fixture_show_window (&fixture);

  /* As the seller opens it: from the window. */
  g_action_group_activate_action (G_ACTION_GROUP (fixture.window), "add-account", NULL);
  dialog = find_toplevel (RELINK_TYPE_ADD_ACCOUNT_DIALOG);
  g_assert_nonnull (dialog);
  relink_test_wait_for_frames (dialog, 2);
  assert_dialog_role (dialog);

  /* The keyboard starts on the first choice. */
  first = GTK_WIDGET (gtk_list_box_get_row_at_index (
      GTK_LIST_BOX (relink_test_get_widget (dialog, "provider_list")), 0));
  g_assert_nonnull (first);
  focus = gtk_window_get_focus (GTK_WINDOW (dialog));
  g_assert_nonnull (focus);
  g_test_message ("focus on %s %s", G_OBJECT_TYPE_NAME (focus), gtk_widget_get_name (focus));
  g_assert_true (focus == first || gtk_widget_is_ancestor (focus, first));

  /* Every step, as the seller goes through them. */
  names1 = audit_window (dialog, "add account: marketplace");
  gtk_widget_activate (relink_test_get_widget (dialog, "ebay"));
  names2 = audit_window (dialog, "add account: keys");
  {
    g_autoptr (GHashTable) names3 = NULL;
    g_autoptr (GHashTable) names4 = NULL;
    g_autoptr (GHashTable) names5 = NULL;
    GtkStack *stack = GTK_STACK (relink_test_get_widget (dialog, "stack"));

    gtk_widget_activate (relink_test_get_widget (dialog, "new-keys"));
    names3 = audit_window (dialog, "add account: new keys");

    gtk_widget_activate (relink_test_get_widget (dialog, "keyset-ebay"));
    g_signal_emit_by_name (relink_test_get_widget (dialog, "next_button"), "clicked");
    g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "account");
    names4 = audit_window (dialog, "add account: account");

    while (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "provider") != 0)
      g_signal_emit_by_name (relink_test_get_widget (dialog, "back_button"), "clicked");
    gtk_widget_activate (relink_test_get_widget (dialog, "custom-oidc"));
    g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), !=, "provider");
    names5 = audit_window (dialog, "add account: custom provider");
  }

  destroy_window (dialog);
  fixture_close (&fixture);
}

static void
test_keysets (void)
{
  Fixture fixture = { 0 };
  g_autoptr (GHashTable) names = NULL;
  GtkWidget *dialog;

  fixture_open (&fixture);
  fixture_show_window (&fixture);
  g_action_group_activate_action (G_ACTION_GROUP (fixture.window), "developer-keys", NULL);
  dialog = find_toplevel (RELINK_TYPE_KEYSETS_DIALOG);
  g_assert_nonnull (dialog);
  assert_dialog_role (dialog);
  names = audit_window (dialog, "developer keys");

  destroy_window (dialog);
  fixture_close (&fixture);
}

static void
test_details (void)
{
  Fixture fixture = { 0 };
  GListModel *accounts;

  fixture_open (&fixture);
  accounts = relink_account_manager_get_accounts (fixture.manager);
  /* Every kind of account, one after the other. */
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr (RelinkAccount) account = g_list_model_get_item (accounts, i);
      g_autoptr (GHashTable) names = NULL;
      g_autofree char *what
          = g_strdup_printf ("details of %s", relink_account_get_nickname (account));
      GtkWidget *dialog;

      dialog = GTK_WIDGET (relink_account_details_dialog_new (NULL, fixture.context, account));
      gtk_window_present (GTK_WINDOW (dialog));
      assert_dialog_role (dialog);
      names = audit_window (dialog, what);

      /* The confirmation before removing, once. */
      if (i == 0)
        {
          g_autoptr (GHashTable) confirm_names = NULL;
          GtkWidget *confirm;

          g_signal_emit_by_name (relink_test_get_widget (dialog, "remove_button"), "clicked");
          confirm = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
          g_assert_nonnull (confirm);
          g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (confirm))
                         == GTK_WINDOW (dialog));
          confirm_names = audit_window (confirm, "remove confirmation");
          destroy_window (confirm);
        }

      destroy_window (dialog);
    }

  fixture_close (&fixture);
}

static void
test_preferences (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autoptr (GHashTable) names = NULL;
  GtkWidget *dialog = relink_preferences_dialog_new (NULL, settings);

  gtk_window_present (GTK_WINDOW (dialog));
  assert_dialog_role (dialog);
  names = audit_window (dialog, "preferences");
  destroy_window (dialog);
}

static void
test_login (void)
{
  Fixture fixture = { 0 };
  g_autoptr (GHashTable) names = NULL;
  RelinkAccount *account;
  GtkWindow *dialog;
  GtkWidget *header;
  g_autofree char *header_text = NULL;

  fixture_open (&fixture);
  fixture_show_window (&fixture);
  account = relink_account_manager_lookup_account (fixture.manager, "Main Stub shop");
  g_assert_nonnull (account);
  g_action_group_activate_action (G_ACTION_GROUP (fixture.window), "renew-account",
                                  g_variant_new_string ("account-stub"));
  dialog = relink_test_find_login_dialog (account);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_modal (dialog));
  assert_dialog_role (GTK_WIDGET (dialog));

  /* The stub's sign-in page is shown. */
  WAIT_FOR (relink_login_dialog_get_web_view (RELINK_LOGIN_DIALOG (dialog)) != NULL
            && !webkit_web_view_is_loading (
                relink_login_dialog_get_web_view (RELINK_LOGIN_DIALOG (dialog))));

  /* The header says which account is renewed and whom to sign in as. */
  header = relink_test_get_widget (GTK_WIDGET (dialog), "account_label");
  g_assert_true (gtk_widget_get_mapped (header));
  header_text = g_strdup (gtk_label_get_text (GTK_LABEL (header)));
  g_assert_nonnull (strstr (header_text, "Main Stub shop"));
  g_assert_nonnull (strstr (header_text, "Sign in as shop_a"));

  names = audit_window (GTK_WIDGET (dialog), "sign-in");
  g_assert_cmpuint (count_names (names, "More Options"), >=, 1);

  destroy_window (GTK_WIDGET (dialog));
  fixture_close (&fixture);
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add_func ("/accessibility/main-window", test_main_window);
  g_test_add_func ("/accessibility/add-account", test_add_account);
  g_test_add_func ("/accessibility/developer-keys", test_keysets);
  g_test_add_func ("/accessibility/account-details", test_details);
  g_test_add_func ("/accessibility/preferences", test_preferences);
  g_test_add_func ("/accessibility/sign-in", test_login);

  return g_test_run ();
}
