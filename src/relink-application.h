/* relink-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "relink-account-manager.h"

G_BEGIN_DECLS

#define RELINK_TYPE_APPLICATION (relink_application_get_type ())

/* RelinkApplication: the single Relink process of a session. Opens the
 * account store, the keyring and the marketplace profiles at start-up and
 * holds them for its windows. */
G_DECLARE_FINAL_TYPE (RelinkApplication, relink_application, RELINK, APPLICATION, AdwApplication)

RelinkApplication *relink_application_new (void);
/* NULL until started up, or when the store could not be opened. */
RelinkAccountManager *relink_application_get_manager (RelinkApplication *self);

G_END_DECLS
