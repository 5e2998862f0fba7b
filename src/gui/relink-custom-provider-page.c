/* relink-custom-provider-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "relink-custom-provider-page.h"
#include "relink-form.h"
#include "relink-provider-discovery.h"

/* RelinkCustomProviderPage: the add-account step for a service with no
 * shipped profile: its OpenID Connect issuer is read, and the profile
 * found is saved in the seller's configuration folder, so it is listed
 * like any other marketplace from then on. */
struct _RelinkCustomProviderPage
{
  AdwPreferencesPage parent_instance;

  RelinkProviderRegistry *registry;
  gboolean busy;

  AdwEntryRow *issuer_row;
  AdwEntryRow *provider_name_row;
  GtkLabel *custom_error_label;
};

G_DEFINE_FINAL_TYPE (RelinkCustomProviderPage,
                     relink_custom_provider_page,
                     ADW_TYPE_PREFERENCES_PAGE)

enum
{
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

enum
{
  CHANGED,
  PROVIDER_ADDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
show_error (RelinkCustomProviderPage *self, const char *message)
{
  gtk_label_set_text (self->custom_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->custom_error_label), message != NULL);
}

static void
set_busy (RelinkCustomProviderPage *self, gboolean busy)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  /* Take the focus out of the form before the dialog turns it
   * insensitive: GTK 4.8's text widgets complain otherwise. */
  if (busy && GTK_IS_WINDOW (root))
    gtk_window_set_focus (GTK_WINDOW (root), NULL);

  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);

  if (!busy)
    gtk_widget_grab_focus (GTK_WIDGET (self->issuer_row));
}

/* Saves the discovered profile among the user's own and makes it known
 * to the running registry. */
static gboolean
add_provider (RelinkCustomProviderPage *self,
              RelinkProvider *provider,
              const char *json,
              char **out_message)
{
  const char *id = relink_provider_get_id (provider);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  /* Before writing: a file for a shipped profile's id would shadow it at
   * the next start. */
  if (relink_provider_registry_lookup (self->registry, id) != NULL)
    {
      *out_message
          = g_strdup_printf (_ ("Relink already knows a provider named “%s”. Choose another name."),
                             relink_provider_get_name (provider));
      return FALSE;
    }

  path = relink_provider_discovery_save (
      json, relink_provider_registry_get_user_dir (self->registry), &error);
  if (path == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        *out_message = g_strdup_printf (
            _ ("Your configuration folder already has a provider file for “%s”. Choose "
               "another name, or remove that file."),
            relink_provider_get_name (provider));
      else
        *out_message = g_strdup_printf (_ ("Could not save the provider: %s"), error->message);
      return FALSE;
    }

  if (!relink_provider_registry_add (self->registry, provider, &error))
    {
      /* Not left behind to surprise the next start. */
      g_unlink (path);
      *out_message = g_strdup (error->message);
      return FALSE;
    }

  g_debug ("Saved the custom provider %s to %s", id, path);
  return TRUE;
}

static void
discover_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkCustomProviderPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkProvider) provider = NULL;
  g_autofree char *json = NULL;
  g_autofree char *message = NULL;

  provider = relink_provider_discover_finish (result, &json, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);

  if (provider == NULL)
    {
      show_error (self, error->message);
      return;
    }

  if (!add_provider (self, provider, json, &message))
    {
      show_error (self, message);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->issuer_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->provider_name_row), "");
  g_signal_emit (self, signals[PROVIDER_ADDED], 0, provider);
}

void
relink_custom_provider_page_discover (RelinkCustomProviderPage *self, GCancellable *cancellable)
{
  g_autofree char *issuer = NULL;
  g_autofree char *name = NULL;

  g_return_if_fail (RELINK_IS_CUSTOM_PROVIDER_PAGE (self));
  g_return_if_fail (self->registry != NULL);

  if (!relink_custom_provider_page_can_discover (self))
    return;

  issuer = relink_form_dup_trimmed (GTK_EDITABLE (self->issuer_row));
  name = relink_form_dup_trimmed (GTK_EDITABLE (self->provider_name_row));

  show_error (self, NULL);
  set_busy (self, TRUE);
  relink_provider_discover_async (issuer, *name != '\0' ? name : NULL, cancellable,
                                  discover_done_cb, g_object_ref (self));
}

gboolean
relink_custom_provider_page_can_discover (RelinkCustomProviderPage *self)
{
  g_autofree char *issuer = NULL;

  g_return_val_if_fail (RELINK_IS_CUSTOM_PROVIDER_PAGE (self), FALSE);

  issuer = relink_form_dup_trimmed (GTK_EDITABLE (self->issuer_row));
  return *issuer != '\0' && !self->busy;
}

gboolean
relink_custom_provider_page_get_busy (RelinkCustomProviderPage *self)
{
  g_return_val_if_fail (RELINK_IS_CUSTOM_PROVIDER_PAGE (self), FALSE);

  return self->busy;
}

void
relink_custom_provider_page_reset (RelinkCustomProviderPage *self)
{
  g_return_if_fail (RELINK_IS_CUSTOM_PROVIDER_PAGE (self));

  show_error (self, NULL);
}

void
relink_custom_provider_page_focus (RelinkCustomProviderPage *self)
{
  g_return_if_fail (RELINK_IS_CUSTOM_PROVIDER_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->issuer_row));
}

void
relink_custom_provider_page_set_registry (RelinkCustomProviderPage *self,
                                          RelinkProviderRegistry *registry)
{
  g_return_if_fail (RELINK_IS_CUSTOM_PROVIDER_PAGE (self));

  g_set_object (&self->registry, registry);
}

static void
changed_cb (RelinkCustomProviderPage *self)
{
  show_error (self, NULL);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
relink_custom_provider_page_dispose (GObject *object)
{
  RelinkCustomProviderPage *self = RELINK_CUSTOM_PROVIDER_PAGE (object);

  g_clear_object (&self->registry);
  gtk_widget_dispose_template (GTK_WIDGET (self), RELINK_TYPE_CUSTOM_PROVIDER_PAGE);

  G_OBJECT_CLASS (relink_custom_provider_page_parent_class)->dispose (object);
}

static void
relink_custom_provider_page_get_property (GObject *object,
                                          guint prop_id,
                                          GValue *value,
                                          GParamSpec *pspec)
{
  RelinkCustomProviderPage *self = RELINK_CUSTOM_PROVIDER_PAGE (object);

  switch (prop_id)
    {
      case PROP_BUSY:
        g_value_set_boolean (value, self->busy);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_custom_provider_page_class_init (RelinkCustomProviderPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = relink_custom_provider_page_dispose;
  object_class->get_property = relink_custom_provider_page_get_property;

  properties[PROP_BUSY]
      = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * RelinkCustomProviderPage::changed:
   *
   * The issuer or name was edited.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
  /**
   * RelinkCustomProviderPage::provider-added:
   * @provider: the provider found, saved and registered
   */
  signals[PROVIDER_ADDED]
      = g_signal_new ("provider-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, RELINK_TYPE_PROVIDER);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/relink/Relink/relink-custom-provider-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RelinkCustomProviderPage, issuer_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkCustomProviderPage, provider_name_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkCustomProviderPage, custom_error_label);
}

static void
relink_custom_provider_page_init (RelinkCustomProviderPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->issuer_row, "changed", G_CALLBACK (changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->provider_name_row, "changed", G_CALLBACK (changed_cb), self,
                           G_CONNECT_SWAPPED);
}
