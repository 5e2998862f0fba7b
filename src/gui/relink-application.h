/* relink-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "relink-context.h"

G_BEGIN_DECLS

#define RELINK_TYPE_APPLICATION (relink_application_get_type ())

/* RelinkApplication: the single Relink process of a session. Builds the
 * process's RelinkContext (the account store, the keyring, the
 * marketplace profiles, the one token service and keep-alive) at
 * start-up and hands it to its windows. Follows the store file, so that changes other processes
 * (relinkctl) make show up without a restart.
 *
 * Actions: app.renew-account (the account id, a string) opens the window
 * and its login dialog for the account, for notifications and the tray.
 * Options --show-account and --renew-account run the actions of the same
 * names once the accounts are loaded (relink-background hands a click on
 * a reminder or the tray over that way). */
G_DECLARE_FINAL_TYPE (RelinkApplication, relink_application, RELINK, APPLICATION, AdwApplication)

RelinkApplication *relink_application_new (void);
/* NULL until started up. Its manager is NULL when the store could not be
 * opened; its keep-alive runs once the accounts are loaded. */
RelinkContext *relink_application_get_context (RelinkApplication *self);
/* Re-reads the store now if another process changed it (also done by
 * itself when the store file changes or a window gains the focus). */
void relink_application_check_store (RelinkApplication *self);
/* After g_application_run(): whether the last window closed while Relink
 * runs in the background, so that the caller execs relink-background. */
gboolean relink_application_get_return_to_background (RelinkApplication *self);

G_END_DECLS
