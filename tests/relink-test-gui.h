/* relink-test-gui.h
 *
 * Helpers shared by the GUI tests: frames painted, widgets found by id,
 * the login dialog of an account. The GIO-only helpers they share with the
 * service tests are in relink-test-service.h.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <webkit/webkit.h>

#include "relink-context.h"
#include "relink-test-service.h"

G_BEGIN_DECLS

/* Iterates the main loop until @widget is mapped and @n_frames frames
 * showing its current state were painted, then runs what is pending (the
 * idles those paints queued; at most 100 dispatches, as something that
 * animates keeps frames pending). */
void relink_test_wait_for_frames (GtkWidget *widget, guint n_frames);

/* The main window over fixture accounts in a directory of its own. */
typedef struct
{
  char *dir;
  RelinkAccountManager *manager;
  RelinkContext *context;
  GtkWidget *window; /* NULL once the test closed it */
} RelinkTestWindow;

/* Writes @n_accounts fixture accounts (relative to now) into a new
 * directory and presents the window on them as relink_test_present_window()
 * does. */
void relink_test_window_open (
    RelinkTestWindow *fixture, guint n_accounts, int width, int height, guint n_frames);
/* Destroys the window, asserts that it, the context and the manager are
 * finalized, and removes the directory. */
void relink_test_window_close (RelinkTestWindow *fixture);

/* A main window of @context (a RelinkContext), opened at @width × @height
 * and not maximized as if the seller had left it so, presented, and
 * @n_frames frames painted. */
GtkWidget *relink_test_present_window (gpointer context, int width, int height, guint n_frames);
/* Destroys @window and asserts that it is finalized once what is pending
 * has run. */
void relink_test_destroy_window (GtkWidget *window);

/* The widget below @root (a GtkWidget, a window too) whose template id or
 * widget name is @id, NULL when none. */
GtkWidget *relink_test_find_widget (gpointer root, const char *id);
/* The same, failing the test when there is none. */
GtkWidget *relink_test_get_widget (gpointer root, const char *id);

/* Adds to @rows the mapped account rows below @widget that show an
 * account, in the widgets' order. */
void relink_test_collect_account_rows (GtkWidget *widget, GPtrArray *rows);

/* The page the login dialog @dialog shows ("error", …), and the title
 * and the description of its error page. */
const char *relink_test_login_visible_page (gpointer dialog);
const char *relink_test_login_error_title (gpointer dialog);
const char *relink_test_login_error_description (gpointer dialog);

/* Waits (up to 60 s) for the login dialog @dialog to show its error
 * page, asserts that it is titled @title, and returns its description. */
const char *relink_test_login_wait_for_error (gpointer dialog, const char *title);

/* Runs @script in @web_view, as the test's stand-in for the user's
 * hands; returns its value as a string (waits up to 60 s). */
char *relink_test_run_js (WebKitWebView *web_view, const char *script);

/* The login dialog open for @account (a RelinkAccount), NULL when none;
 * fails the test when there are two. */
GtkWindow *relink_test_find_login_dialog (gpointer account);

G_END_DECLS
