/* relink-keyset-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "relink-account-manager.h"

G_BEGIN_DECLS

#define RELINK_TYPE_KEYSET_PAGE (relink_keyset_page_get_type ())

G_DECLARE_FINAL_TYPE (RelinkKeysetPage, relink_keyset_page, RELINK, KEYSET_PAGE, AdwPreferencesPage)

/* Shows the developer keys of @provider that @manager has, and an empty
 * form for new ones (kept as typed when @provider is the one shown
 * already; the saved keys are listed afresh either way). */
void relink_keyset_page_set_provider (RelinkKeysetPage *self,
                                      RelinkAccountManager *manager,
                                      RelinkProvider *provider);
RelinkProvider *relink_keyset_page_get_provider (RelinkKeysetPage *self);

/* The saved keys chosen, or NULL when new keys are to be entered. */
RelinkKeyset *relink_keyset_page_get_chosen_keyset (RelinkKeysetPage *self);

/* Whether the chosen keys, or the new ones typed, can be used. Problems
 * show next to the rows typed into, or next to every row if @show_all. */
gboolean relink_keyset_page_validate (RelinkKeysetPage *self, gboolean show_all);

/* The new keys as typed, not saved yet; their secrets go into @secrets
 * (field id → secret, freed with relink_secret_free()). */
RelinkKeyset *relink_keyset_page_build_keyset (RelinkKeysetPage *self, GHashTable *secrets);

/* How the summary names the keys: the chosen keys' name, or the new
 * keys' label (or marketplace and environment) marked as new. */
char *relink_keyset_page_dup_summary (RelinkKeysetPage *self);

/* Focuses the first row to type into, if new keys are being entered. */
void relink_keyset_page_focus (RelinkKeysetPage *self);

/* Empties every secret row, so no secret outlives the dialog. */
void relink_keyset_page_wipe_secrets (RelinkKeysetPage *self);

G_END_DECLS
