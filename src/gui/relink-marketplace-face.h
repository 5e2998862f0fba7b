/* relink-marketplace-face.h
 *
 * A marketplace's face: the initials of its name on a disc in its colour
 * (or its own themed icon, for a custom profile that has one). The one
 * place that decides it, so that the account list, the details dialog,
 * the add-account dialog and the developer keys dialog show an account's
 * marketplace alike.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "relink-provider.h"

G_BEGIN_DECLS

/* The sizes a face comes in (style.css draws each). */
typedef enum
{
  RELINK_MARKETPLACE_FACE_SMALL = 32,
  RELINK_MARKETPLACE_FACE_MEDIUM = 40,
  RELINK_MARKETPLACE_FACE_LARGE = 64,
} RelinkMarketplaceFaceSize;

/* Up to two initials, as AdwAvatar would draw them: "Mercado Libre" is
 * "ML", "eBay" is "E". Empty for an empty or NULL @name. */
char *relink_marketplace_face_dup_initials (const char *name);

/* The colour's style class: "badge-ebay" for a built-in marketplace, one
 * of "badge-other-0" to "-3" picked by id for a custom one (so each keeps
 * its colour), "badge-other-0" for none (@provider_id NULL). */
char *relink_marketplace_face_dup_color_class (const char *provider_id);

/* Everything a face shows, decided in this one place: the initials of
 * @provider's name (of @fallback_name without a provider), the colour's
 * style class, and the marketplace's own themed icon (see below) or NULL.
 * Free the strings. */
void relink_marketplace_face_describe (RelinkProvider *provider,
                                       const char *fallback_name,
                                       GtkWidget *widget,
                                       char **initials,
                                       char **color_class,
                                       const char **icon_name);

/* The marketplace's own themed icon (e.g. "ebay-symbolic") when the icon
 * theme of @widget's display has it, else NULL: the profiles' generic
 * fallback icon would make every marketplace look alike. */
const char *relink_marketplace_face_get_icon_name (RelinkProvider *provider, GtkWidget *widget);

/* A new face of @provider (or, for an account whose marketplace is
 * unknown, of @fallback_name): decoration, as the label beside it names
 * the marketplace. Named "marketplace-face". */
GtkWidget *relink_marketplace_face_new (RelinkProvider *provider,
                                        const char *fallback_name,
                                        RelinkMarketplaceFaceSize size);
/* Shows another marketplace on a face made by relink_marketplace_face_new(). */
void
relink_marketplace_face_set (GtkWidget *face, RelinkProvider *provider, const char *fallback_name);

/* What a face shows, for tests: the initials ("" when it shows an icon),
 * the colour's style class and the icon name (NULL when none). */
const char *relink_marketplace_face_get_text (GtkWidget *face);
const char *relink_marketplace_face_get_color_class (GtkWidget *face);
const char *relink_marketplace_face_get_shown_icon (GtkWidget *face);

G_END_DECLS
