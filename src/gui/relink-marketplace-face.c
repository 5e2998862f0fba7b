/* relink-marketplace-face.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "relink-marketplace-face.h"

#define LABEL_KEY "relink-face-label"
#define IMAGE_KEY "relink-face-image"
#define COLOR_KEY "relink-face-color"

char *
relink_marketplace_face_dup_initials (const char *name)
{
  g_autofree char *stripped = g_strstrip (g_strdup (name != NULL ? name : ""));
  GString *initials = g_string_new (NULL);
  const char *last_space;

  if (*stripped == '\0')
    return g_string_free (initials, FALSE);

  g_string_append_unichar (initials, g_unichar_toupper (g_utf8_get_char (stripped)));

  last_space = strrchr (stripped, ' ');
  if (last_space != NULL && last_space[1] != '\0')
    g_string_append_unichar (initials, g_unichar_toupper (g_utf8_get_char (last_space + 1)));

  return g_string_free (initials, FALSE);
}

char *
relink_marketplace_face_dup_color_class (const char *provider_id)
{
  static const char *const known[]
      = { "ebay", "amazon-sp-api", "aliexpress", "etsy", "mercadolibre" };

  if (provider_id == NULL)
    return g_strdup ("badge-other-0");

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_str_equal (provider_id, known[i]))
      return g_strconcat ("badge-", provider_id, NULL);

  return g_strdup_printf ("badge-other-%u", g_str_hash (provider_id) % 4);
}

const char *
relink_marketplace_face_get_icon_name (RelinkProvider *provider, GtkWidget *widget)
{
  const char *name;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  if (provider == NULL)
    return NULL;

  /* Only an icon named after the marketplace counts. The prefix test
   * comes first: it spares the icon theme look-up for every built-in
   * profile, which the list does for each row it binds. */
  name = relink_provider_get_icon_name (provider);
  if (name == NULL || !g_str_has_prefix (name, relink_provider_get_id (provider)))
    return NULL;
  if (!gtk_icon_theme_has_icon (gtk_icon_theme_get_for_display (gtk_widget_get_display (widget)),
                                name))
    return NULL;

  return name;
}

void
relink_marketplace_face_describe (RelinkProvider *provider,
                                  const char *fallback_name,
                                  GtkWidget *widget,
                                  char **initials,
                                  char **color_class,
                                  const char **icon_name)
{
  g_return_if_fail (provider == NULL || RELINK_IS_PROVIDER (provider));

  /* Relink ships no marketplace logos; the initials of the marketplace's
   * name, in a hint of its brand's colour, stand in. */
  if (provider != NULL)
    {
      *initials = relink_marketplace_face_dup_initials (relink_provider_get_name (provider));
      *color_class = relink_marketplace_face_dup_color_class (relink_provider_get_id (provider));
    }
  else
    {
      *initials = relink_marketplace_face_dup_initials (fallback_name);
      *color_class = relink_marketplace_face_dup_color_class (NULL);
    }
  *icon_name = relink_marketplace_face_get_icon_name (provider, widget);
}

GtkWidget *
relink_marketplace_face_new (RelinkProvider *provider,
                             const char *fallback_name,
                             RelinkMarketplaceFaceSize size)
{
  GtkWidget *face;
  GtkWidget *label;
  GtkWidget *image;

  /* A box, so that it can carry either the initials or an icon. */
  face = g_object_new (GTK_TYPE_BOX, "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, "halign",
                       GTK_ALIGN_CENTER, "valign", GTK_ALIGN_CENTER, "name", "marketplace-face",
                       NULL);
  /* The disc's size holds without the style sheet too; it never grows
   * (its children's centring must not make a row's prefix expand). */
  gtk_widget_set_size_request (face, size, size);
  gtk_widget_set_hexpand (face, FALSE);
  gtk_widget_set_vexpand (face, FALSE);
  gtk_widget_add_css_class (face, "marketplace-badge");
  if (size == RELINK_MARKETPLACE_FACE_SMALL)
    gtk_widget_add_css_class (face, "small");
  else if (size == RELINK_MARKETPLACE_FACE_LARGE)
    gtk_widget_add_css_class (face, "large");

  label = g_object_new (GTK_TYPE_LABEL, "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                        "hexpand", TRUE, "halign", GTK_ALIGN_CENTER, "valign", GTK_ALIGN_CENTER,
                        NULL);
  image = g_object_new (GTK_TYPE_IMAGE, "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                        "hexpand", TRUE, "halign", GTK_ALIGN_CENTER, "valign", GTK_ALIGN_CENTER,
                        "pixel-size", size * 3 / 5, "visible", FALSE, NULL);
  gtk_box_append (GTK_BOX (face), label);
  gtk_box_append (GTK_BOX (face), image);
  g_object_set_data (G_OBJECT (face), LABEL_KEY, label);
  g_object_set_data (G_OBJECT (face), IMAGE_KEY, image);

  relink_marketplace_face_set (face, provider, fallback_name);

  return face;
}

void
relink_marketplace_face_set (GtkWidget *face, RelinkProvider *provider, const char *fallback_name)
{
  GtkLabel *label = g_object_get_data (G_OBJECT (face), LABEL_KEY);
  GtkImage *image = g_object_get_data (G_OBJECT (face), IMAGE_KEY);
  const char *old_class = g_object_get_data (G_OBJECT (face), COLOR_KEY);
  g_autofree char *initials = NULL;
  char *color_class = NULL;
  const char *icon_name = NULL;

  g_return_if_fail (GTK_IS_LABEL (label));

  relink_marketplace_face_describe (provider, fallback_name, face, &initials, &color_class,
                                    &icon_name);

  if (old_class != NULL)
    gtk_widget_remove_css_class (face, old_class);
  gtk_widget_add_css_class (face, color_class);
  g_object_set_data_full (G_OBJECT (face), COLOR_KEY, color_class, g_free);

  if (icon_name != NULL)
    gtk_widget_add_css_class (face, "icon");
  else
    gtk_widget_remove_css_class (face, "icon");
  gtk_label_set_text (label, icon_name != NULL ? "" : initials);
  gtk_widget_set_visible (GTK_WIDGET (label), icon_name == NULL);
  gtk_image_set_from_icon_name (image, icon_name);
  gtk_widget_set_visible (GTK_WIDGET (image), icon_name != NULL);
}

const char *
relink_marketplace_face_get_text (GtkWidget *face)
{
  GtkLabel *label = g_object_get_data (G_OBJECT (face), LABEL_KEY);

  g_return_val_if_fail (GTK_IS_LABEL (label), NULL);

  return gtk_label_get_text (label);
}

const char *
relink_marketplace_face_get_color_class (GtkWidget *face)
{
  return g_object_get_data (G_OBJECT (face), COLOR_KEY);
}

const char *
relink_marketplace_face_get_shown_icon (GtkWidget *face)
{
  GtkImage *image = g_object_get_data (G_OBJECT (face), IMAGE_KEY);

  g_return_val_if_fail (GTK_IS_IMAGE (image), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (image)))
    return NULL;

  return gtk_image_get_icon_name (image);
}
