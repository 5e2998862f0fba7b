/* relink-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "relink-account-manager.h"
#include "relink-context.h"

G_BEGIN_DECLS

#define RELINK_TYPE_WINDOW (relink_window_get_type ())

/* RelinkWindow: the main window: every account, most urgent first, in the
 * groups "Needs attention" and "Connected", with live countdowns; or the
 * empty, loading or error page.
 *
 * Actions: win.add-account, win.developer-keys, win.renew-account
 * (the account id, a string), which opens the login dialog and after a
 * sign-in tests the connection and runs the renewal hooks, and
 * win.show-account (the account id) for the account's details. */
G_DECLARE_FINAL_TYPE (RelinkWindow, relink_window, RELINK, WINDOW, AdwApplicationWindow)

/* @context is the process's; without one, or when its store could not be
 * opened, call relink_window_show_error(). */
GtkWidget *relink_window_new (GtkApplication *app, RelinkContext *context);
RelinkContext *relink_window_get_context (RelinkWindow *self);
/* The context's manager, or NULL. */
RelinkAccountManager *relink_window_get_manager (RelinkWindow *self);
/* While loading and still without accounts, a spinner is shown. */
void relink_window_set_loading (RelinkWindow *self, gboolean loading);
gboolean relink_window_get_loading (RelinkWindow *self);
/* Shows the error page (e.g. the store is damaged) instead of the list;
 * adding accounts is disabled from then on. */
void relink_window_show_error (RelinkWindow *self, const char *title, const char *description);
void relink_window_add_toast (RelinkWindow *self, AdwToast *toast);
/* "loading", "empty", "error" or "accounts". */
const char *relink_window_get_page (RelinkWindow *self);

G_END_DECLS
