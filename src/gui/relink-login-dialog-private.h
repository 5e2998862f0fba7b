/* relink-login-dialog-private.h
 *
 * What only tests use of RelinkLoginDialog.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "relink-login-dialog.h"

G_BEGIN_DECLS

/* The web view showing the marketplace, NULL while there is none (before
 * the sign-in starts, while the browser is used, after it ended). For
 * tests. */
WebKitWebView *relink_login_dialog_get_web_view (RelinkLoginDialog *self);

G_END_DECLS
