/* relink-preferences-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-autostart.h"
#include "relink-preferences-dialog.h"
#include "relink-ui-util.h"

#define MAX_LEAD_DAYS 3650

struct _RelinkPreferencesDialog
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;
  GCancellable *cancellable;

  AdwEntryRow *lead_days_row;
  GtkSpinButton *soon_spin;
  GtkSwitch *background_switch;
  AdwActionRow *autostart_row;
  GtkSwitch *autostart_switch;
  GtkSwitch *tray_switch;
};

G_DEFINE_FINAL_TYPE (RelinkPreferencesDialog,
                     relink_preferences_dialog,
                     ADW_TYPE_PREFERENCES_WINDOW)

enum
{
  PROP_0,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static int
compare_days_descending (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? 1 : x > y ? -1 : 0;
}

GArray *
relink_preferences_parse_lead_days (const char *text)
{
  g_autoptr (GArray) days = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_auto (GStrv) parts = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  parts = g_strsplit_set (text, ", ;", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 value;
      gboolean seen = FALSE;

      if (parts[i][0] == '\0')
        continue;
      if (!g_ascii_string_to_unsigned (parts[i], 10, 0, MAX_LEAD_DAYS, &value, NULL))
        return NULL;
      /* The expiry itself always gets a reminder. */
      if (value == 0)
        continue;

      for (guint j = 0; j < days->len; j++)
        seen |= g_array_index (days, guint32, j) == value;
      if (!seen)
        {
          guint32 day = (guint32) value;
          g_array_append_val (days, day);
        }
    }

  g_array_sort (days, compare_days_descending);
  return g_steal_pointer (&days);
}

char *
relink_preferences_format_lead_days (const guint32 *days, gsize n_days)
{
  g_autoptr (GArray) sorted = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n_days);
  GString *out = g_string_new (NULL);

  g_array_append_vals (sorted, days, n_days);
  g_array_sort (sorted, compare_days_descending);

  for (guint i = 0; i < sorted->len; i++)
    {
      guint32 day = g_array_index (sorted, guint32, i);

      if (day == 0)
        continue;
      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append_printf (out, "%u", day);
    }

  return g_string_free (out, FALSE);
}

/* Lead times */

static void
show_lead_days (RelinkPreferencesDialog *self)
{
  g_autoptr (GVariant) value = g_settings_get_value (self->settings, "reminder-lead-days");
  g_autofree char *text = NULL;
  const guint32 *days;
  gsize n_days = 0;

  days = g_variant_get_fixed_array (value, &n_days, sizeof (guint32));
  text = relink_preferences_format_lead_days (days, n_days);
  gtk_editable_set_text (GTK_EDITABLE (self->lead_days_row), text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->lead_days_row), "error");
}

static void
lead_days_changed_cb (RelinkPreferencesDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->lead_days_row));
  g_autoptr (GArray) days = relink_preferences_parse_lead_days (text);

  /* Said while typing, so that "Apply" is never a surprise. */
  if (days == NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->lead_days_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->lead_days_row), "error");
}

static void
lead_days_apply_cb (RelinkPreferencesDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->lead_days_row));
  g_autoptr (GArray) days = relink_preferences_parse_lead_days (text);

  if (days == NULL)
    {
      adw_preferences_window_add_toast (
          ADW_PREFERENCES_WINDOW (self),
          adw_toast_new (_ ("Enter whole numbers of days, separated by commas, like “30, 7, 1”")));
      return;
    }

  g_settings_set_value (
      self->settings, "reminder-lead-days",
      g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, days->data, days->len, sizeof (guint32)));
}

static void
lead_days_setting_changed_cb (RelinkPreferencesDialog *self)
{
  show_lead_days (self);
}

/* Starting at login */

static void
show_autostart (RelinkPreferencesDialog *self, gboolean enabled)
{
  g_signal_handlers_block_matched (self->autostart_switch, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                   self);
  gtk_switch_set_active (self->autostart_switch, enabled);
  gtk_switch_set_state (self->autostart_switch, enabled);
  g_signal_handlers_unblock_matched (self->autostart_switch, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                     self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->autostart_switch), TRUE);
}

static void
autostart_get_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RelinkPreferencesDialog *self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean enabled = relink_autostart_get_enabled_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  show_autostart (self, enabled);
}

static void
autostart_set_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RelinkPreferencesDialog *self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean enabled = FALSE;

  if (!relink_autostart_set_enabled_finish (result, &enabled, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (error->message));
    }

  /* Whatever was asked, the switch shows what is so now. */
  relink_autostart_get_enabled_async (self->settings, self->cancellable, autostart_get_cb, self);
}

static gboolean
autostart_state_set_cb (RelinkPreferencesDialog *self, gboolean state)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->autostart_switch), FALSE);
  relink_autostart_set_enabled_async (self->settings, state, GTK_WINDOW (self), self->cancellable,
                                      autostart_set_cb, self);

  /* The state follows when the change is done (or refused). */
  return TRUE;
}

/* GObject */

static void
relink_preferences_dialog_constructed (GObject *object)
{
  RelinkPreferencesDialog *self = RELINK_PREFERENCES_DIALOG (object);

  G_OBJECT_CLASS (relink_preferences_dialog_parent_class)->constructed (object);

  g_settings_bind (self->settings, "run-in-background", self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "show-tray-icon", self->tray_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "expiring-soon-days", self->soon_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);

  show_lead_days (self);
  g_signal_connect_object (self->settings, "changed::reminder-lead-days",
                           G_CALLBACK (lead_days_setting_changed_cb), self, G_CONNECT_SWAPPED);

  relink_autostart_get_enabled_async (self->settings, self->cancellable, autostart_get_cb, self);
}

static void
relink_preferences_dialog_dispose (GObject *object)
{
  RelinkPreferencesDialog *self = RELINK_PREFERENCES_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), RELINK_TYPE_PREFERENCES_DIALOG);

  G_OBJECT_CLASS (relink_preferences_dialog_parent_class)->dispose (object);
}

static void
relink_preferences_dialog_finalize (GObject *object)
{
  RelinkPreferencesDialog *self = RELINK_PREFERENCES_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (relink_preferences_dialog_parent_class)->finalize (object);
}

static void
relink_preferences_dialog_get_property (GObject *object,
                                        guint prop_id,
                                        GValue *value,
                                        GParamSpec *pspec)
{
  RelinkPreferencesDialog *self = RELINK_PREFERENCES_DIALOG (object);

  switch (prop_id)
    {
      case PROP_SETTINGS:
        g_value_set_object (value, self->settings);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_preferences_dialog_set_property (GObject *object,
                                        guint prop_id,
                                        const GValue *value,
                                        GParamSpec *pspec)
{
  RelinkPreferencesDialog *self = RELINK_PREFERENCES_DIALOG (object);

  switch (prop_id)
    {
      case PROP_SETTINGS:
        self->settings = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_preferences_dialog_class_init (RelinkPreferencesDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = relink_preferences_dialog_constructed;
  object_class->dispose = relink_preferences_dialog_dispose;
  object_class->finalize = relink_preferences_dialog_finalize;
  object_class->get_property = relink_preferences_dialog_get_property;
  object_class->set_property = relink_preferences_dialog_set_property;

  properties[PROP_SETTINGS]
      = g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/relink/Relink/relink-preferences-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RelinkPreferencesDialog, lead_days_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkPreferencesDialog, soon_spin);
  gtk_widget_class_bind_template_child (widget_class, RelinkPreferencesDialog, background_switch);
  gtk_widget_class_bind_template_child (widget_class, RelinkPreferencesDialog, autostart_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkPreferencesDialog, autostart_switch);
  gtk_widget_class_bind_template_child (widget_class, RelinkPreferencesDialog, tray_switch);
  gtk_widget_class_bind_template_callback (widget_class, lead_days_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, lead_days_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, autostart_state_set_cb);
}

static void
relink_preferences_dialog_init (RelinkPreferencesDialog *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  relink_ui_name_entry_rows (GTK_WIDGET (self));
}

GtkWidget *
relink_preferences_dialog_new (GtkWindow *parent, GSettings *settings)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (RELINK_TYPE_PREFERENCES_DIALOG, "transient-for", parent, "settings",
                       settings, NULL);
}
