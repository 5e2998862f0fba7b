/* relink-account-row.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "relink-account.h"
#include "relink-countdown-ticker.h"
#include "relink-expiry.h"

G_BEGIN_DECLS

#define RELINK_TYPE_ACCOUNT_ROW (relink_account_row_get_type ())

/* RelinkAccountRow: one account in the window's list: marketplace badge,
 * nickname, "eBay · shop_a · Sandbox", its state and live countdown, and a
 * Renew (or Connect) button and the plain reason when it needs attention. Recycled by the list
 * view: it shows whatever account it is bound to and follows it until unbound. */
G_DECLARE_FINAL_TYPE (RelinkAccountRow, relink_account_row, RELINK, ACCOUNT_ROW, GtkWidget)

GtkWidget *relink_account_row_new (RelinkCountdownTicker *ticker);
RelinkAccount *relink_account_row_get_account (RelinkAccountRow *self);
/* Binds the row to @account (NULL unbinds): the ticker then keeps its
 * countdown current. */
void relink_account_row_set_account (RelinkAccountRow *self, RelinkAccount *account);
/* Where the row sits in its group: @heading is shown above it when it is
 * the group's first row (NULL otherwise); @last rounds its bottom. */
void
relink_account_row_set_group_position (RelinkAccountRow *self, const char *heading, gboolean last);
/* Narrow (a window under about 560 px): the state and countdown go under
 * the name instead of beside it, so that a 360 px window still shows
 * every part of the row. */
void relink_account_row_set_narrow (RelinkAccountRow *self, gboolean narrow);
gboolean relink_account_row_get_narrow (RelinkAccountRow *self);
/* While the window retries the account after a temporary failure, its
 * Retry Now button is insensitive. */
void relink_account_row_set_retrying (RelinkAccountRow *self, gboolean retrying);


G_END_DECLS
