/* relink-account-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "relink-account-manager.h"

G_BEGIN_DECLS

#define RELINK_TYPE_ACCOUNT_PAGE (relink_account_page_get_type ())

G_DECLARE_FINAL_TYPE (
    RelinkAccountPage, relink_account_page, RELINK, ACCOUNT_PAGE, AdwPreferencesPage)

/* Where the nickname must be free. */
void relink_account_page_set_manager (RelinkAccountPage *self, RelinkAccountManager *manager);

/* Whether the nickname can be used. Its problem shows once it was typed
 * into, or at once if @show_all. */
gboolean relink_account_page_validate (RelinkAccountPage *self, gboolean show_all);

/* The name of the developer keys, for the summary. */
void relink_account_page_set_keys_summary (RelinkAccountPage *self, const char *summary);

/* A new, not yet connected account of @keyset, as typed. Not saved. */
RelinkAccount *relink_account_page_build_account (RelinkAccountPage *self, RelinkKeyset *keyset);

void relink_account_page_focus (RelinkAccountPage *self);

G_END_DECLS
