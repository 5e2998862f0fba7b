/* test-face.c: one face per marketplace (the same initials and colour in
 * the account list, the details dialog, the add-account dialog and the
 * developer keys dialog), and the About window, under Xvfb.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "relink-about.h"
#include "relink-account-details-dialog.h"
#include "relink-account-manager.h"
#include "relink-account-row-private.h"
#include "relink-add-account-dialog.h"
#include "relink-keysets-dialog.h"
#include "relink-marketplace-face.h"
#include "relink-test-gui.h"
#include "relink-test-util.h"
#include "relink-window-private.h"

typedef RelinkTestWindow Fixture;

static void
fixture_open (Fixture *fixture)
{
  relink_test_window_open (fixture, RELINK_TEST_FIXTURE_CYCLE, 720, 1100, 2);
}

/* The face a dialog shows: the one below @root, or below its widget
 * named @within. */
static GtkWidget *
face_in (GtkWidget *root, const char *within)
{
  if (within != NULL)
    root = relink_test_get_widget (root, within);

  return relink_test_get_widget (root, "marketplace-face");
}

static void
assert_same_face (GtkWidget *face, RelinkAccountRow *row)
{
  g_assert_true (gtk_widget_get_mapped (face));
  g_assert_cmpstr (relink_marketplace_face_get_text (face), ==,
                   relink_account_row_get_badge_text (row));
  g_assert_cmpstr (relink_marketplace_face_get_color_class (face), ==,
                   relink_account_row_get_badge_class (row));
  g_assert_true (gtk_widget_has_css_class (face, relink_account_row_get_badge_class (row)));
  g_assert_true (gtk_widget_has_css_class (face, "marketplace-badge"));
  g_assert_null (relink_marketplace_face_get_shown_icon (face));
}

/* Every account's face in the list is its marketplace's face in the
 * details dialog, in the add-account dialog's list of marketplaces and
 * in the developer keys dialog, whatever the account's own name. */
static void
test_face_alike (void)
{
  Fixture fixture = { 0 };
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GtkWidget *add_dialog;
  GtkWidget *keys_dialog;

  fixture_open (&fixture);
  relink_test_collect_account_rows (fixture.window, rows);
  g_assert_cmpuint (rows->len, ==, RELINK_TEST_FIXTURE_CYCLE);

  add_dialog = GTK_WIDGET (relink_add_account_dialog_new (NULL, fixture.manager));
  gtk_window_present (GTK_WINDOW (add_dialog));
  relink_test_wait_for_frames (add_dialog, 1);
  keys_dialog = GTK_WIDGET (relink_keysets_dialog_new (NULL, fixture.manager));
  gtk_window_present (GTK_WINDOW (keys_dialog));
  relink_test_wait_for_frames (keys_dialog, 1);

  for (guint i = 0; i < rows->len; i++)
    {
      RelinkAccountRow *row = rows->pdata[i];
      RelinkAccount *account = relink_account_row_get_account (row);
      RelinkKeyset *keyset = relink_account_get_keyset (account);
      const char *provider_id = relink_keyset_get_provider_id (keyset);
      GtkWidget *details;

      g_test_message ("%s (%s): %s %s", relink_account_get_display_name (account), provider_id,
                      relink_account_row_get_badge_text (row),
                      relink_account_row_get_badge_class (row));
      /* The marketplace's initials, not the account's. */
      g_assert_cmpstr (relink_account_row_get_badge_text (row), !=, "");
      g_hash_table_add (seen, (gpointer) provider_id);

      details = GTK_WIDGET (relink_account_details_dialog_new (GTK_WINDOW (fixture.window),
                                                               fixture.context, account));
      gtk_window_present (GTK_WINDOW (details));
      relink_test_wait_for_frames (details, 1);
      assert_same_face (face_in (details, NULL), row);
      g_assert_cmpint (gtk_widget_get_width (face_in (details, NULL)), >=, 64);
      /* Not finalized here: its history may still be loading. */
      gtk_window_destroy (GTK_WINDOW (details));

      assert_same_face (face_in (add_dialog, provider_id), row);
      assert_same_face (face_in (keys_dialog, relink_keyset_get_id (keyset)), row);
    }

  /* The fixture has accounts of every built-in marketplace, and no two
   * marketplaces share a colour. */
  g_assert_cmpuint (g_hash_table_size (seen), ==, 5);
  for (guint i = 0; i < rows->len; i++)
    for (guint j = 0; j < rows->len; j++)
      {
        RelinkAccount *a = relink_account_row_get_account (rows->pdata[i]);
        RelinkAccount *b = relink_account_row_get_account (rows->pdata[j]);

        if (relink_keyset_get_provider (relink_account_get_keyset (a))
            != relink_keyset_get_provider (relink_account_get_keyset (b)))
          g_assert_cmpstr (relink_account_row_get_badge_class (rows->pdata[i]), !=,
                           relink_account_row_get_badge_class (rows->pdata[j]));
      }

  relink_test_destroy_window (keys_dialog);
  relink_test_destroy_window (add_dialog);
  relink_test_window_close (&fixture);
}

/* The one function decides: a custom marketplace keeps one of the other
 * colours by its id, an unknown one shows the account's initials. */
static void
test_face_rules (void)
{
  g_autofree char *a = relink_marketplace_face_dup_color_class ("acme-market");
  g_autofree char *b = relink_marketplace_face_dup_color_class ("acme-market");
  g_autofree char *ml = relink_marketplace_face_dup_initials ("  Mercado Libre ");
  g_autofree char *one = relink_marketplace_face_dup_initials ("eBay");
  g_autofree char *none = relink_marketplace_face_dup_initials (NULL);
  g_autofree char *ebay = relink_marketplace_face_dup_color_class ("ebay");
  g_autofree char *unknown = relink_marketplace_face_dup_color_class (NULL);
  GtkWidget *face;

  g_assert_cmpstr (a, ==, b);
  g_assert_true (g_str_has_prefix (a, "badge-other-"));
  g_assert_cmpstr (ml, ==, "ML");
  g_assert_cmpstr (one, ==, "E");
  g_assert_cmpstr (none, ==, "");
  g_assert_cmpstr (ebay, ==, "badge-ebay");
  g_assert_cmpstr (unknown, ==, "badge-other-0");

  face = g_object_ref_sink (
      relink_marketplace_face_new (NULL, "Zofia's shop", RELINK_MARKETPLACE_FACE_SMALL));
  g_assert_cmpstr (relink_marketplace_face_get_text (face), ==, "ZS");
  g_assert_cmpstr (relink_marketplace_face_get_color_class (face), ==, "badge-other-0");
  g_assert_true (gtk_widget_has_css_class (face, "small"));
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (face)), ==,
                   GTK_ACCESSIBLE_ROLE_PRESENTATION);
  g_object_unref (face);
}

static gboolean
menu_has_action (GMenuModel *menu, const char *action)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *name = NULL;
      g_autoptr (GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &name)
          && g_str_equal (name, action))
        return TRUE;
      if (section != NULL && menu_has_action (section, action))
        return TRUE;
    }

  return FALSE;
}

/* The About window, opened from the main menu, says where to go and what
 * the release brought, from the metainfo. */
static void
test_about (void)
{
  Fixture fixture = { 0 };
  g_autoptr (GBytes) metainfo = NULL;
  g_autofree char *version = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *homepage = NULL;
  g_autofree char *bugtracker = NULL;
  g_autoptr (GError) error = NULL;
  GtkMenuButton *menu_button;
  GtkWindow *about;
  const char *const *developers;

  fixture_open (&fixture);
  menu_button = GTK_MENU_BUTTON (relink_test_get_widget (fixture.window, "menu_button"));
  g_assert_true (menu_has_action (gtk_menu_button_get_menu_model (menu_button), "app.about"));

  /* What the metainfo says, read by the parser the window uses. */
  metainfo = g_resources_lookup_data ("/io/github/relink/Relink/metainfo.xml", 0, &error);
  g_assert_no_error (error);
  g_assert_true (relink_about_parse_metainfo (g_bytes_get_data (metainfo, NULL), &version, &notes,
                                              &homepage, &bugtracker, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (homepage, ==, "https://github.com/relink/relink");
  g_assert_cmpstr (bugtracker, ==, "https://github.com/relink/relink/issues");
  g_assert_nonnull (version);
  g_assert_true (g_str_has_prefix (notes, "<p>"));
  g_assert_nonnull (strstr (notes, "First version: accounts with expiry countdowns, clean-session "
                                   "sign-in"));
  /* Folded to one line, as translators see it. */
  g_assert_null (strchr (notes, '\n'));
  g_assert_null (strstr (notes, "  "));

  about = relink_about_window_new (GTK_WINDOW (fixture.window));
  gtk_window_present (about);
  relink_test_wait_for_frames (GTK_WIDGET (about), 1);
  g_assert_true (ADW_IS_ABOUT_WINDOW (about));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (about)));
  g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (fixture.window));
  g_assert_cmpstr (adw_about_window_get_website (ADW_ABOUT_WINDOW (about)), ==, homepage);
  g_assert_cmpstr (adw_about_window_get_issue_url (ADW_ABOUT_WINDOW (about)), ==, bugtracker);
  g_assert_cmpstr (adw_about_window_get_release_notes (ADW_ABOUT_WINDOW (about)), ==, notes);
  g_assert_cmpstr (adw_about_window_get_release_notes_version (ADW_ABOUT_WINDOW (about)), ==,
                   version);
  g_assert_true (g_str_has_prefix (adw_about_window_get_copyright (ADW_ABOUT_WINDOW (about)), "©"));
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  developers = adw_about_window_get_developers (ADW_ABOUT_WINDOW (about));
  g_assert_nonnull (developers);
  g_assert_nonnull (developers[0]);
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==,
                   GTK_LICENSE_GPL_3_0);
  relink_test_destroy_window (GTK_WIDGET (about));

  relink_test_window_close (&fixture);
}

/* A release with several paragraphs and a list; a translated copy of a
 * paragraph is skipped. */
static void
test_about_parse (void)
{
  const char *xml = "<component><url type=\"homepage\"> https://example.org/ </url>"
                    "<releases><release version=\"2.0\"><description>"
                    "<p>One\n   two.</p><p xml:lang=\"de\">Eins zwei.</p>"
                    "<ul><li>A &amp; B</li><li>C</li></ul></description></release>"
                    "<release version=\"1.0\"><description><p>Old</p></description></release>"
                    "</releases></component>";
  g_autofree char *version = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *homepage = NULL;
  g_autofree char *bugtracker = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (
      relink_about_parse_metainfo (xml, &version, &notes, &homepage, &bugtracker, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (version, ==, "2.0");
  g_assert_cmpstr (notes, ==, "<p>One two.</p><ul><li>A &amp; B</li><li>C</li></ul>");
  g_assert_cmpstr (homepage, ==, "https://example.org/");
  g_assert_null (bugtracker);

  g_assert_false (relink_about_parse_metainfo ("<component><releases>", &version, &notes, &homepage,
                                               &bugtracker, &error));
  g_assert_nonnull (error);
}

int
main (int argc, char *argv[])
{
  g_autofree char *data_home = relink_test_make_tmp_dir ();
  int status;

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/face/rules", test_face_rules);
  g_test_add_func ("/face/alike", test_face_alike);
  g_test_add_func ("/about/parse", test_about_parse);
  g_test_add_func ("/about/window", test_about);

  status = g_test_run ();
  relink_test_remove_dir (data_home);

  return status;
}
