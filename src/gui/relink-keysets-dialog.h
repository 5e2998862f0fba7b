/* relink-keysets-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "relink-account-manager.h"

G_BEGIN_DECLS

#define RELINK_TYPE_KEYSETS_DIALOG (relink_keysets_dialog_get_type ())

G_DECLARE_FINAL_TYPE (RelinkKeysetsDialog, relink_keysets_dialog, RELINK, KEYSETS_DIALOG, AdwWindow)

GtkWindow *relink_keysets_dialog_new (GtkWindow *parent, RelinkAccountManager *manager);

G_END_DECLS
