/* relink-login-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <webkit/webkit.h>

#include "relink-account-manager.h"

G_BEGIN_DECLS

#define RELINK_TYPE_LOGIN_DIALOG (relink_login_dialog_get_type ())

G_DECLARE_FINAL_TYPE (RelinkLoginDialog, relink_login_dialog, RELINK, LOGIN_DIALOG, AdwWindow)

/* Connects or renews @account: shows the marketplace's sign-in page at
 * once. Emits "signed-in" (RelinkAccount *account, const char *message)
 * after the tokens were saved, @message being the text for a toast, then
 * closes itself. */
GtkWindow *
relink_login_dialog_new (GtkWindow *parent, RelinkAccountManager *manager, RelinkAccount *account);

RelinkAccount *relink_login_dialog_get_account (RelinkLoginDialog *self);

/* The toast text after a sign-in: "eBay · shop_a renewed — valid until
 * 21 May 2028" (or "connected" when @renewal is FALSE; without a date when
 * the expiry is unknown). */
char *relink_login_dialog_dup_success_text (RelinkAccount *account, gboolean renewal);


G_END_DECLS
