/* relink-account-row-private.h
 *
 * What only tests use of RelinkAccountRow: what the row shows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "relink-account-row.h"

G_BEGIN_DECLS

/* What the row shows, for tests. The heading is NULL when hidden. */
const char *relink_account_row_get_heading (RelinkAccountRow *self);
const char *relink_account_row_get_title (RelinkAccountRow *self);
const char *relink_account_row_get_subtitle (RelinkAccountRow *self);
const char *relink_account_row_get_countdown (RelinkAccountRow *self);
RelinkAccountState relink_account_row_get_state (RelinkAccountRow *self);
/* The grant whose state and countdown the row shows: the account's most
 * urgent one. */
RelinkAccount *relink_account_row_get_shown_grant (RelinkAccountRow *self);
gboolean relink_account_row_get_renew_visible (RelinkAccountRow *self);
/* "Renew", or "Connect" for an account never connected; NULL when hidden. */
const char *relink_account_row_get_renew_label (RelinkAccountRow *self);
/* The plain reason shown under the subtitle of a row that needs
 * attention (the account's status message), NULL when none is shown. */
const char *relink_account_row_get_message (RelinkAccountRow *self);
/* The marketplace badge: its initials and its colour's style class. */
const char *relink_account_row_get_badge_text (RelinkAccountRow *self);
const char *relink_account_row_get_badge_class (RelinkAccountRow *self);
/* The sentence a screen reader reads for the row. */
const char *relink_account_row_get_accessible_text (RelinkAccountRow *self);

G_END_DECLS
