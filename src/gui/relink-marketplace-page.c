/* relink-marketplace-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-marketplace-face.h"
#include "relink-marketplace-page.h"
#include "relink-provider-registry.h"
#include "relink-provider.h"

/* RelinkMarketplacePage: the add-account dialog's first step, where the
 * seller picks the marketplace (shipped profiles and their own), or a
 * custom OpenID Connect provider, and learns which of their own profile
 * files were skipped and why. Emits "provider-activated" with the
 * chosen RelinkProvider, or "custom-activated". */
struct _RelinkMarketplacePage
{
  AdwPreferencesPage parent_instance;

  GtkListBox *provider_list;
  AdwPreferencesGroup *skipped_group;
  GtkListBox *skipped_list;
};

G_DEFINE_FINAL_TYPE (RelinkMarketplacePage, relink_marketplace_page, ADW_TYPE_PREFERENCES_PAGE)

enum
{
  PROVIDER_ACTIVATED,
  CUSTOM_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define PROVIDER_KEY "relink-provider"

static GtkWidget *
create_provider_row (gpointer item, gpointer user_data)
{
  RelinkProvider *provider = item;
  GPtrArray *environments = relink_provider_get_environments (provider);
  g_autoptr (GString) subtitle = g_string_new (NULL);
  GtkWidget *row;
  GtkWidget *face;

  for (guint i = 0; i < environments->len; i++)
    {
      const RelinkProviderEnvironment *env = g_ptr_array_index (environments, i);

      if (subtitle->len > 0)
        g_string_append (subtitle, ", ");
      g_string_append (subtitle, env->name);
    }

  row = adw_action_row_new ();
  gtk_widget_set_name (row, relink_provider_get_id (provider));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), relink_provider_get_name (provider));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);

  /* The face the account list shows for this marketplace. */
  face = relink_marketplace_face_new (provider, NULL, RELINK_MARKETPLACE_FACE_SMALL);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), face);

  if (relink_provider_is_custom (provider))
    {
      GtkWidget *tag = gtk_label_new (_ ("Custom"));

      gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (tag, "dim-label");
      gtk_widget_add_css_class (tag, "caption-heading");
      gtk_widget_set_tooltip_text (tag, _ ("A profile from your own configuration folder"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag);
    }

  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  g_object_set_data_full (G_OBJECT (row), PROVIDER_KEY, g_object_ref (provider), g_object_unref);

  return row;
}

static void
provider_row_activated_cb (RelinkMarketplacePage *self, GtkListBoxRow *row)
{
  RelinkProvider *provider = g_object_get_data (G_OBJECT (row), PROVIDER_KEY);

  if (provider != NULL)
    g_signal_emit (self, signals[PROVIDER_ACTIVATED], 0, provider);
}

static void
custom_row_activated_cb (RelinkMarketplacePage *self, GtkListBoxRow *row)
{
  g_signal_emit (self, signals[CUSTOM_ACTIVATED], 0);
}

static void
relink_marketplace_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), RELINK_TYPE_MARKETPLACE_PAGE);

  G_OBJECT_CLASS (relink_marketplace_page_parent_class)->dispose (object);
}

static void
relink_marketplace_page_class_init (RelinkMarketplacePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = relink_marketplace_page_dispose;

  /**
   * RelinkMarketplacePage::provider-activated:
   * @provider: the chosen marketplace
   */
  signals[PROVIDER_ACTIVATED]
      = g_signal_new ("provider-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, RELINK_TYPE_PROVIDER);
  /**
   * RelinkMarketplacePage::custom-activated:
   *
   * The seller wants to add a custom OpenID Connect provider.
   */
  signals[CUSTOM_ACTIVATED] = g_signal_new ("custom-activated", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/relink/Relink/relink-marketplace-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RelinkMarketplacePage, provider_list);
  gtk_widget_class_bind_template_child (widget_class, RelinkMarketplacePage, skipped_group);
  gtk_widget_class_bind_template_child (widget_class, RelinkMarketplacePage, skipped_list);
  gtk_widget_class_bind_template_callback (widget_class, provider_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, custom_row_activated_cb);
}

static void
relink_marketplace_page_init (RelinkMarketplacePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* A profile the seller wrote that has a mistake would otherwise just be
 * missing from the list, with the reason only on standard error. */
static void
show_skipped (RelinkMarketplacePage *self, RelinkProviderRegistry *registry)
{
  g_auto (GStrv) sentences = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->skipped_list))) != NULL)
    gtk_list_box_remove (self->skipped_list, child);

  if (registry != NULL)
    sentences = relink_provider_registry_describe_load_errors (registry);

  for (guint i = 0; sentences != NULL && sentences[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), sentences[i]);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _ ("Problem"), -1);
      gtk_widget_add_css_class (icon, "warning");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (self->skipped_list, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->skipped_group),
                          sentences != NULL && sentences[0] != NULL);
}

void
relink_marketplace_page_set_providers (RelinkMarketplacePage *self, GListModel *providers)
{
  g_return_if_fail (RELINK_IS_MARKETPLACE_PAGE (self));
  g_return_if_fail (G_IS_LIST_MODEL (providers));

  gtk_list_box_bind_model (self->provider_list, providers, create_provider_row, NULL, NULL);
  show_skipped (self, RELINK_IS_PROVIDER_REGISTRY (providers) ? RELINK_PROVIDER_REGISTRY (providers)
                                                              : NULL);
}

void
relink_marketplace_page_focus (RelinkMarketplacePage *self)
{
  GtkListBoxRow *first;

  g_return_if_fail (RELINK_IS_MARKETPLACE_PAGE (self));

  first = gtk_list_box_get_row_at_index (self->provider_list, 0);
  if (first != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (first));
}
