/* relink-account-details-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "relink-account-manager.h"
#include "relink-token-service.h"

G_BEGIN_DECLS

#define RELINK_TYPE_ACCOUNT_DETAILS_DIALOG (relink_account_details_dialog_get_type ())

G_DECLARE_FINAL_TYPE (RelinkAccountDetailsDialog,
                      relink_account_details_dialog,
                      RELINK,
                      ACCOUNT_DETAILS_DIALOG,
                      AdwPreferencesWindow)

GtkWindow *relink_account_details_dialog_new (GtkWindow *parent,
                                              RelinkAccountManager *manager,
                                              RelinkAccount *account);
/* The service behind Test, Renew and Revoke; the window passes its own.
 * Without one the dialog makes its own when first needed. */
void relink_account_details_dialog_set_token_service (RelinkAccountDetailsDialog *self,
                                                      RelinkTokenService *service);
RelinkTokenService *
relink_account_details_dialog_get_token_service (RelinkAccountDetailsDialog *self);

G_END_DECLS
