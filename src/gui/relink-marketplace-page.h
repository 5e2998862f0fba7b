/* relink-marketplace-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define RELINK_TYPE_MARKETPLACE_PAGE (relink_marketplace_page_get_type ())

G_DECLARE_FINAL_TYPE (
    RelinkMarketplacePage, relink_marketplace_page, RELINK, MARKETPLACE_PAGE, AdwPreferencesPage)

/* Lists @providers (RelinkProvider items), kept up to date. */
void relink_marketplace_page_set_providers (RelinkMarketplacePage *self, GListModel *providers);

G_END_DECLS
