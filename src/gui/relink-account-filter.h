/* relink-account-filter.h
 *
 * The account list's search: keeps the accounts whose nickname,
 * marketplace or identity contains every word of the search text, case
 * and accents aside.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "relink-account.h"

G_BEGIN_DECLS

#define RELINK_TYPE_ACCOUNT_FILTER (relink_account_filter_get_type ())
G_DECLARE_FINAL_TYPE (RelinkAccountFilter, relink_account_filter, RELINK, ACCOUNT_FILTER, GtkFilter)

RelinkAccountFilter *relink_account_filter_new (void);

/* NULL or empty (or only spaces) keeps every account. */
void relink_account_filter_set_search (RelinkAccountFilter *self, const char *search);
const char *relink_account_filter_get_search (RelinkAccountFilter *self);
/* Whether the search keeps some accounts out, that is has a word. */
gboolean relink_account_filter_is_active (RelinkAccountFilter *self);

/* Re-checks every account, after one changed its name. */
void relink_account_filter_refilter (RelinkAccountFilter *self);

G_END_DECLS
