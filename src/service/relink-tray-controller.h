/* relink-tray-controller.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-account-manager.h"
#include "relink-tray.h"

G_BEGIN_DECLS

#define RELINK_TYPE_TRAY_CONTROLLER (relink_tray_controller_get_type ())

/* RelinkTrayController: keeps the tray icon in step with the accounts.
 * Shows a RelinkTray on the application's D-Bus connection while the
 * "show-tray-icon" setting is on; its status is NEEDS_ATTENTION while any
 * account needs attention, its tooltip names the most urgent one, and its
 * menu lists the accounts to renew (app.renew-account, target the account
 * id), then "Open Relink" (app.activate) and "Quit" (app.quit).
 *
 * States change with time ("expiring soon" begins at a moment): one
 * wall-clock timer is set to the next such moment, none when there is
 * none. GIO only. */
G_DECLARE_FINAL_TYPE (
    RelinkTrayController, relink_tray_controller, RELINK, TRAY_CONTROLLER, GObject)

/* @application: must be registered (its D-Bus connection carries the
 * tray); not referenced, it owns the controller. @settings: for
 * "show-tray-icon" and "expiring-soon-days". */
RelinkTrayController *relink_tray_controller_new (GApplication *application,
                                                  RelinkAccountManager *manager,
                                                  GSettings *settings);

/* The tray while shown, else NULL. */
RelinkTray *relink_tray_controller_get_tray (RelinkTrayController *self);

/* "shop_a" as a GMenu label: underscores doubled, so that none becomes a
 * mnemonic. */
char *relink_tray_escape_label (const char *text);

G_END_DECLS
