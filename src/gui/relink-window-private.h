/* relink-window-private.h
 *
 * What only tests use of RelinkWindow.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "relink-window.h"

G_BEGIN_DECLS

/* How many accounts are in "Needs attention" (for tests). */
guint relink_window_get_n_attention (RelinkWindow *self);
/* The token service the window's actions use: the context's. Needs a
 * manager. */
RelinkTokenService *relink_window_get_token_service (RelinkWindow *self);

G_END_DECLS
