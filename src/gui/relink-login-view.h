/* relink-login-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <webkit/webkit.h>

G_BEGIN_DECLS

#define RELINK_TYPE_LOGIN_VIEW (relink_login_view_get_type ())

G_DECLARE_FINAL_TYPE (RelinkLoginView, relink_login_view, RELINK, LOGIN_VIEW, GtkWidget)

/* Loads @uri in a new WebKitWebView with a new ephemeral network
 * session; an earlier view is discarded first. */
void relink_login_view_load (RelinkLoginView *self, const char *uri);

/* Ends the view and its web process now, safely from inside one of the
 * view's own signals. */
void relink_login_view_discard (RelinkLoginView *self);

void relink_login_view_reload (RelinkLoginView *self);

/* The current view, NULL when there is none. */
WebKitWebView *relink_login_view_get_web_view (RelinkLoginView *self);

G_END_DECLS
