/* relink-tray-controller-private.h
 *
 * What only tests use of RelinkTrayController.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "relink-expiry.h"
#include "relink-tray-controller.h"
#include "relink-tray.h"

G_BEGIN_DECLS

/* Replaces the clock (default: relink_now()); call
 * relink_tray_controller_update() after moving it. */
void relink_tray_controller_set_clock (RelinkTrayController *self,
                                       RelinkClockFunc clock,
                                       gpointer user_data);
/* Looks at the accounts again now (after moving a fake clock). */
void relink_tray_controller_update (RelinkTrayController *self);
/* The menu the tray shows (also while hidden). */
GMenuModel *relink_tray_controller_get_menu (RelinkTrayController *self);

G_END_DECLS
