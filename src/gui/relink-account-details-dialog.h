/* relink-account-details-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "relink-account-manager.h"
#include "relink-context.h"

G_BEGIN_DECLS

#define RELINK_TYPE_ACCOUNT_DETAILS_DIALOG (relink_account_details_dialog_get_type ())

G_DECLARE_FINAL_TYPE (RelinkAccountDetailsDialog,
                      relink_account_details_dialog,
                      RELINK,
                      ACCOUNT_DETAILS_DIALOG,
                      AdwPreferencesWindow)

/* @context: the process's (with a manager); the dialog's Test, Renew and
 * Revoke use its one token service. */
GtkWindow *relink_account_details_dialog_new (GtkWindow *parent,
                                              RelinkContext *context,
                                              RelinkAccount *account);

G_END_DECLS
