/* relink-test-gui.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-account-row.h"
#include "relink-login-dialog.h"
#include "relink-test-gui.h"
#include "relink-test-util.h"
#include "relink-window.h"

static void
after_paint_cb (GdkFrameClock *clock, gboolean *painted)
{
  *painted = TRUE;
}

void
relink_test_wait_for_frames (GtkWidget *widget, guint n_frames)
{
  for (guint i = 0; i < n_frames; i++)
    {
      GdkFrameClock *clock;
      gboolean painted = FALSE;
      gulong id;

      RELINK_TEST_WAIT_FOR (gtk_widget_get_mapped (widget), 60);
      clock = gtk_widget_get_frame_clock (widget);
      id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
      gtk_widget_queue_draw (widget);
      RELINK_TEST_WAIT_FOR (painted, 60);
      g_signal_handler_disconnect (clock, id);
    }

  /* Bounded: while something animates (a spinner) a slow machine always
   * has the next frame due, and "until nothing is pending" never ends. */
  for (guint i = 0; i < 100 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

GtkWidget *
relink_test_present_window (gpointer context, int width, int height, guint n_frames)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  GtkWidget *window;

  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", height);
  g_settings_set_boolean (settings, "window-maximized", FALSE);
  window = relink_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  relink_test_wait_for_frames (window, n_frames);
  return window;
}

void
relink_test_destroy_window (GtkWidget *window)
{
  g_object_ref (window);
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (window);
}

void
relink_test_window_open (
    RelinkTestWindow *fixture, guint n_accounts, int width, int height, guint n_frames)
{
  fixture->dir = relink_test_make_tmp_dir ();
  fixture->manager = relink_test_open_fixture_manager (fixture->dir, n_accounts, relink_now ());
  fixture->context = relink_context_new_for_manager (fixture->manager);
  fixture->window = relink_test_present_window (fixture->context, width, height, n_frames);
}

void
relink_test_window_close (RelinkTestWindow *fixture)
{
  if (fixture->window != NULL)
    relink_test_destroy_window (fixture->window);

  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->context));
  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->manager));
  relink_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
}

GtkWidget *
relink_test_find_widget (gpointer root, const char *id)
{
  GtkWidget *widget = root;

  g_assert_true (GTK_IS_WIDGET (widget));
  if (g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), id) == 0
      || g_strcmp0 (gtk_widget_get_name (widget), id) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = relink_test_find_widget (child, id);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
relink_test_get_widget (gpointer root, const char *id)
{
  GtkWidget *widget = relink_test_find_widget (root, id);

  if (widget == NULL)
    g_error ("No widget “%s”", id);

  return widget;
}

GtkWindow *
relink_test_find_login_dialog (gpointer account)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (RELINK_IS_LOGIN_DIALOG (window)
          && relink_login_dialog_get_account (RELINK_LOGIN_DIALOG (window)) == account)
        {
          g_assert_null (found);
          found = window;
        }
    }

  return found;
}

void
relink_test_collect_account_rows (GtkWidget *widget, GPtrArray *rows)
{
  if (RELINK_IS_ACCOUNT_ROW (widget) && gtk_widget_get_mapped (widget)
      && relink_account_row_get_account (RELINK_ACCOUNT_ROW (widget)) != NULL)
    g_ptr_array_add (rows, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    relink_test_collect_account_rows (child, rows);
}

const char *
relink_test_login_visible_page (gpointer dialog)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (relink_test_get_widget (dialog, "stack")));
}

const char *
relink_test_login_error_title (gpointer dialog)
{
  return adw_status_page_get_title (
      ADW_STATUS_PAGE (relink_test_get_widget (dialog, "error_page")));
}

const char *
relink_test_login_error_description (gpointer dialog)
{
  return adw_status_page_get_description (
      ADW_STATUS_PAGE (relink_test_get_widget (dialog, "error_page")));
}

const char *
relink_test_login_wait_for_error (gpointer dialog, const char *title)
{
  RELINK_TEST_WAIT_FOR (g_strcmp0 (relink_test_login_visible_page (dialog), "error") == 0, 60);
  g_assert_cmpstr (relink_test_login_error_title (dialog), ==, title);
  return relink_test_login_error_description (dialog);
}

static void
evaluate_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  char **out = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JSCValue) value = NULL;

  value = webkit_web_view_evaluate_javascript_finish (WEBKIT_WEB_VIEW (source), result, &error);
  g_assert_no_error (error);
  *out = jsc_value_to_string (value);
}

char *
relink_test_run_js (WebKitWebView *web_view, const char *script)
{
  char *answer = NULL;

  webkit_web_view_evaluate_javascript (web_view, script, -1, NULL, NULL, NULL, evaluate_cb,
                                       &answer);
  RELINK_TEST_WAIT_FOR (answer != NULL, 60);
  return answer;
}
