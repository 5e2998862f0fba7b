/* relink-custom-provider-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "relink-provider-registry.h"

G_BEGIN_DECLS

#define RELINK_TYPE_CUSTOM_PROVIDER_PAGE (relink_custom_provider_page_get_type ())

G_DECLARE_FINAL_TYPE (RelinkCustomProviderPage,
                      relink_custom_provider_page,
                      RELINK,
                      CUSTOM_PROVIDER_PAGE,
                      AdwPreferencesPage)

/* Where found providers are saved and registered. */
void relink_custom_provider_page_set_registry (RelinkCustomProviderPage *self,
                                               RelinkProviderRegistry *registry);

/* Whether an issuer was typed and no discovery runs. */
gboolean relink_custom_provider_page_can_discover (RelinkCustomProviderPage *self);
/* Whether a discovery runs (the "busy" property). */
gboolean relink_custom_provider_page_get_busy (RelinkCustomProviderPage *self);

/* Reads the provider's settings from its issuer, saves them among the
 * seller's profiles and registers them; then emits "provider-added"
 * (RelinkProvider *) and clears the form, or shows what went wrong. */
void relink_custom_provider_page_discover (RelinkCustomProviderPage *self,
                                           GCancellable *cancellable);

/* Hides an earlier problem (when the page is shown again). */
void relink_custom_provider_page_reset (RelinkCustomProviderPage *self);
void relink_custom_provider_page_focus (RelinkCustomProviderPage *self);

G_END_DECLS
