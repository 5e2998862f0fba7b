/* relink-add-account-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "relink-account-manager.h"

G_BEGIN_DECLS

#define RELINK_TYPE_ADD_ACCOUNT_DIALOG (relink_add_account_dialog_get_type ())

G_DECLARE_FINAL_TYPE (
    RelinkAddAccountDialog, relink_add_account_dialog, RELINK, ADD_ACCOUNT_DIALOG, AdwWindow)

GtkWindow *relink_add_account_dialog_new (GtkWindow *parent, RelinkAccountManager *manager);

G_END_DECLS
