/* test-narrow.c: the populated window and its dialogs at a phone's width
 * (360×640) and on a desktop (1280×800), under Xvfb: nothing clipped, the
 * cards keep their margins, the rows' texts readable, the narrow row
 * layout (state and countdown under the name) only when narrow. Each
 * size is rendered to a PNG (kept in $RELINK_SCREENSHOT_DIR when set) to
 * look at.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "relink-account-details-dialog.h"
#include "relink-account-manager.h"
#include "relink-account-row-private.h"
#include "relink-add-account-dialog.h"
#include "relink-test-gui.h"
#include "relink-test-util.h"
#include "relink-window-private.h"

#define WAIT_FOR(cond) RELINK_TEST_WAIT_FOR (cond, 30)

typedef RelinkTestWindow Fixture;

static void
fixture_open (Fixture *fixture, int width, int height)
{
  relink_test_window_open (fixture, RELINK_TEST_FIXTURE_CYCLE, width, height, 3);
}

/* How wide @window is on screen: its surface, decorations included. */
static int
surface_width (GtkWidget *window)
{
  return gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (window)));
}

/* The narrowest the window's contents go: without the border GTK draws
 * around a window on an X server without a compositor (a phone's
 * maximized window has none). */
static int
minimum_width (GtkWidget *window)
{
  int widest = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (window); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int minimum;

      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
      widest = MAX (widest, minimum);
    }

  return widest;
}

/* What the metainfo promises software centres: the window fits a display
 * this many pixels wide. */
static int
promised_display_length (void)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GRegex) regex = NULL;
  g_autoptr (GMatchInfo) match = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *number = NULL;

  bytes = g_resources_lookup_data ("/io/github/relink/Relink/metainfo.xml", 0, NULL);
  g_assert_nonnull (bytes);
  xml = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  regex = g_regex_new ("<display_length compare=\"ge\">([0-9]+)</display_length>", 0, 0, NULL);
  g_assert_true (g_regex_match (regex, xml, 0, &match));
  number = g_match_info_fetch (match, 1);

  return atoi (number);
}

/* Every mapped widget below @widget lies within @root's width: nothing is
 * cut off at the right or left edge. */
static void
assert_nothing_clipped (GtkWidget *root, GtkWidget *widget)
{
  graphene_rect_t bounds;

  /* Overlay scrollbars hang over the edge by design. */
  if (!gtk_widget_get_mapped (widget) || GTK_IS_SCROLLBAR (widget))
    return;

  if (widget != root && gtk_widget_compute_bounds (widget, root, &bounds) && bounds.size.width > 0)
    {
      /* A pixel over is style (the header bar overlaps the window's
         border); more is a cut. */
      if (bounds.origin.x < -1.5
          || bounds.origin.x + bounds.size.width > gtk_widget_get_width (root) + 1.5)
        {
          g_autoptr (GString) path = g_string_new (NULL);

          for (GtkWidget *w = widget; w != NULL; w = gtk_widget_get_parent (w))
            g_string_append_printf (path, " < %s", gtk_widget_get_css_name (w));
          g_error ("%s is cut off: x %.0f, width %.0f in %d", path->str, bounds.origin.x,
                   bounds.size.width, gtk_widget_get_width (root));
        }
    }

  /* A label that does not ellipsize shows all of its text. */
  if (GTK_IS_LABEL (widget) && gtk_label_get_ellipsize (GTK_LABEL (widget)) == PANGO_ELLIPSIZE_NONE
      && !gtk_label_get_wrap (GTK_LABEL (widget)))
    {
      int minimum;

      gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
      g_assert_cmpint (gtk_widget_get_width (widget), >=, minimum);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_nothing_clipped (root, child);
}

/* The label below @row showing @text. */
static GtkWidget *
find_label (GtkWidget *widget, const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget)
      && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static graphene_rect_t
bounds_in (GtkWidget *widget, GtkWidget *root)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, root, &bounds));
  return bounds;
}

/* Checks every shown row at the window's width: the card keeps its
 * margins, the title has room for more than a few letters, and the state
 * and countdown sit beside the title (wide) or under it (narrow). */
static void
assert_rows (GtkWidget *window, gboolean narrow)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  int width = gtk_widget_get_width (window);

  relink_test_collect_account_rows (window, rows);
  g_assert_cmpuint (rows->len, >, 0);

  for (guint i = 0; i < rows->len; i++)
    {
      RelinkAccountRow *row = rows->pdata[i];
      GtkWidget *card = gtk_widget_get_last_child (GTK_WIDGET (row));
      GtkWidget *title = find_label (card, relink_account_row_get_title (row));
      GtkWidget *countdown = find_label (card, relink_account_row_get_countdown (row));
      graphene_rect_t card_bounds = bounds_in (card, window);
      graphene_rect_t title_bounds;

      g_assert_cmpint (relink_account_row_get_narrow (row), ==, narrow);
      g_assert_true (gtk_widget_has_css_class (card, "account-card"));
      /* The list's 12 px padding on each side. */
      g_assert_cmpfloat (card_bounds.origin.x, >=, 12);
      g_assert_cmpfloat (card_bounds.origin.x + card_bounds.size.width, <=, width - 12);

      g_assert_nonnull (title);
      title_bounds = bounds_in (title, window);
      /* "Main eBay s…" at the least, not "M…". */
      g_assert_cmpfloat (title_bounds.size.width, >=, 100);

      if (relink_account_row_get_countdown (row)[0] != '\0')
        {
          graphene_rect_t countdown_bounds;

          g_assert_nonnull (countdown);
          countdown_bounds = bounds_in (countdown, window);
          if (narrow)
            {
              /* Under the title, at its left edge. */
              g_assert_cmpfloat (countdown_bounds.origin.y, >=,
                                 title_bounds.origin.y + title_bounds.size.height);
              g_assert_cmpfloat (countdown_bounds.origin.x, ==, title_bounds.origin.x);
            }
          else
            g_assert_cmpfloat (countdown_bounds.origin.x, >=,
                               title_bounds.origin.x + title_bounds.size.width);
        }
    }
}

/* A row's Retry Now (an account waiting to retry after a temporary
 * failure) takes no width from its text when narrow: it goes under the
 * text, and the name has the room a row with only Renew gives it. */
static void
assert_retry_row_narrow (GtkWidget *window)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  float renew_only_title = -1;
  gboolean checked = FALSE;

  relink_test_collect_account_rows (window, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      RelinkAccountRow *row = rows->pdata[i];
      GtkWidget *retry = relink_test_find_widget (row, "retry-button");

      if ((retry == NULL || !gtk_widget_get_visible (retry))
          && relink_account_row_get_renew_visible (row)
          && g_strcmp0 (relink_account_row_get_renew_label (row), "Renew") == 0)
        {
          GtkWidget *card = gtk_widget_get_last_child (GTK_WIDGET (row));

          renew_only_title
              = bounds_in (find_label (card, relink_account_row_get_title (row)), window)
                    .size.width;
          break;
        }
    }
  g_assert_cmpfloat (renew_only_title, >, 0);

  for (guint i = 0; i < rows->len; i++)
    {
      RelinkAccountRow *row = rows->pdata[i];
      GtkWidget *retry = relink_test_find_widget (row, "retry-button");
      GtkWidget *card = gtk_widget_get_last_child (GTK_WIDGET (row));
      graphene_rect_t title, countdown, button, card_bounds;

      if (retry == NULL || !gtk_widget_get_visible (retry))
        continue;

      title = bounds_in (find_label (card, relink_account_row_get_title (row)), window);
      countdown = bounds_in (find_label (card, relink_account_row_get_countdown (row)), window);
      button = bounds_in (retry, window);
      card_bounds = bounds_in (card, window);
      g_assert_cmpfloat (title.size.width, ==, renew_only_title);
      /* Under the countdown, at the text's left edge, inside the card. */
      g_assert_cmpfloat (button.origin.y, >=, countdown.origin.y + countdown.size.height);
      g_assert_cmpfloat (button.origin.x, ==, title.origin.x);
      g_assert_cmpfloat (button.origin.y + button.size.height, <=,
                         card_bounds.origin.y + card_bounds.size.height);
      checked = TRUE;
    }
  /* The fixture holds an account waiting to retry. */
  g_assert_true (checked);
}

/* Wide, Retry Now stands under Renew in the buttons' column: as wide
 * as Renew, not a ragged edge. */
static void
assert_retry_row_wide (GtkWidget *window)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();
  gboolean checked = FALSE;

  relink_test_collect_account_rows (window, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *retry = relink_test_find_widget (rows->pdata[i], "retry-button");
      GtkWidget *renew = relink_test_find_widget (rows->pdata[i], "renew-button");
      graphene_rect_t retry_bounds, renew_bounds;

      if (retry == NULL || !gtk_widget_get_visible (retry))
        continue;

      g_assert_true (gtk_widget_get_visible (renew));
      retry_bounds = bounds_in (retry, window);
      renew_bounds = bounds_in (renew, window);
      g_test_message ("Renew %g wide at %g, Retry Now %g at %g", renew_bounds.size.width,
                      renew_bounds.origin.x, retry_bounds.size.width, retry_bounds.origin.x);
      g_assert_cmpfloat (retry_bounds.size.width, ==, renew_bounds.size.width);
      g_assert_cmpfloat (retry_bounds.origin.x, ==, renew_bounds.origin.x);
      g_assert_cmpfloat (retry_bounds.origin.y, >=,
                         renew_bounds.origin.y + renew_bounds.size.height);
      checked = TRUE;
    }
  /* The fixture holds an account waiting to retry. */
  g_assert_true (checked);
}

/* Renders @window as it is on screen into @name.png in @dir; returns
 * the picture's width. */
static int
screenshot (GtkWidget *window, const char *dir, const char *name)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (window);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);

  return gdk_texture_get_width (texture);
}

static char *
screenshot_dir (Fixture *fixture)
{
  const char *dir = g_getenv ("RELINK_SCREENSHOT_DIR");

  if (dir != NULL && *dir != '\0')
    {
      g_mkdir_with_parents (dir, 0755);
      return g_strdup (dir);
    }

  return g_strdup (fixture->dir);
}

/* Opens a dialog at a phone's width over the window and checks it fits. */
static void
assert_dialog_fits (GtkWidget *dialog, const char *dir, const char *name)
{
  gtk_window_set_default_size (GTK_WINDOW (dialog), 360, 640);
  gtk_window_present (GTK_WINDOW (dialog));
  relink_test_wait_for_frames (dialog, 3);
  /* The window itself, that is without the border GTK draws around it
   * on an X server without a compositor (none on a phone's maximized
   * window): AdwPreferencesWindow asks for exactly 360. */
  WAIT_FOR ((relink_test_wait_for_frames (dialog, 1), gtk_widget_get_width (dialog) <= 360));
  relink_test_wait_for_frames (dialog, 2);
  g_assert_cmpint (screenshot (dialog, dir, name), <=, 360);
  g_assert_cmpint (minimum_width (dialog), <=, 360);
  assert_nothing_clipped (dialog, dialog);
}

static void
test_narrow (void)
{
  Fixture fixture = { 0 };
  g_autofree char *dir = NULL;
  GtkWidget *add_dialog;
  GtkWidget *details;
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  fixture_open (&fixture, 360, 640);
  dir = screenshot_dir (&fixture);

  /* The window goes down to what the metainfo promises, and that is a
   * phone's width. */
  g_assert_cmpint (promised_display_length (), <=, 360);
  g_assert_cmpint (minimum_width (fixture.window), <=, promised_display_length ());
  g_assert_cmpint (surface_width (fixture.window), ==, 360);
  g_assert_cmpint (gtk_widget_get_width (fixture.window), <=, 360);
  g_assert_cmpstr (relink_window_get_page (RELINK_WINDOW (fixture.window)), ==, "accounts");

  /* First, so that a failure below can be looked at. */
  g_assert_cmpint (screenshot (fixture.window, dir, "window-360x640"), <=, 360);
  assert_nothing_clipped (fixture.window, fixture.window);
  assert_rows (fixture.window, TRUE);
  assert_retry_row_narrow (fixture.window);

  /* The dialogs a seller opens from there fit too. */
  add_dialog
      = GTK_WIDGET (relink_add_account_dialog_new (GTK_WINDOW (fixture.window), fixture.manager));
  assert_dialog_fits (add_dialog, dir, "add-account-360x640");
  relink_test_destroy_window (add_dialog);

  relink_test_collect_account_rows (fixture.window, rows);
  details = GTK_WIDGET (
      relink_account_details_dialog_new (GTK_WINDOW (fixture.window), fixture.context,
                                         relink_account_row_get_account (rows->pdata[0])));
  assert_dialog_fits (details, dir, "details-360x640");
  /* Not finalized here: its history may still be loading. */
  gtk_window_destroy (GTK_WINDOW (details));

  relink_test_window_close (&fixture);
}

static void
test_wide (void)
{
  Fixture fixture = { 0 };
  g_autofree char *dir = NULL;

  fixture_open (&fixture, 1280, 800);
  dir = screenshot_dir (&fixture);

  g_assert_cmpint (surface_width (fixture.window), ==, 1280);
  g_assert_cmpint (screenshot (fixture.window, dir, "window-1280x800"), <=, 1280);
  assert_nothing_clipped (fixture.window, fixture.window);
  assert_rows (fixture.window, FALSE);
  assert_retry_row_wide (fixture.window);

  /* Narrowed by the seller: the rows follow, and back. */
  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 360, 640);
  WAIT_FOR (
      (relink_test_wait_for_frames (fixture.window, 1), surface_width (fixture.window) == 360));
  relink_test_wait_for_frames (fixture.window, 2);
  assert_nothing_clipped (fixture.window, fixture.window);
  assert_rows (fixture.window, TRUE);

  gtk_window_set_default_size (GTK_WINDOW (fixture.window), 1280, 800);
  WAIT_FOR (
      (relink_test_wait_for_frames (fixture.window, 1), surface_width (fixture.window) == 1280));
  relink_test_wait_for_frames (fixture.window, 2);
  assert_rows (fixture.window, FALSE);

  relink_test_window_close (&fixture);
}

int
main (int argc, char *argv[])
{
  g_autofree char *data_home = relink_test_make_tmp_dir ();
  int status;

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* What AdwApplication loads for the real application: without it the
   * list has none of its margins. */
  {
    g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/io/github/relink/Relink/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  g_test_add_func ("/narrow/360x640", test_narrow);
  g_test_add_func ("/narrow/1280x800", test_wide);

  status = g_test_run ();
  relink_test_remove_dir (data_home);

  return status;
}
