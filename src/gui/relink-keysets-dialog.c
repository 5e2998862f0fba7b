/* relink-keysets-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-expiry.h"
#include "relink-keysets-dialog.h"
#include "relink-marketplace-face.h"
#include "relink-ui-util.h"

/* RelinkKeysetsDialog: the developer keys Relink holds, how many accounts
 * use each, when their client secrets lapse, removal of unused ones, and a
 * new client secret for keys the marketplace refused. */
struct _RelinkKeysetsDialog
{
  AdwWindow parent_instance;

  RelinkAccountManager *manager;
  GSettings *settings;
  GCancellable *cancellable;
  guint countdown_source;

  AdwToastOverlay *toast_overlay;
  GtkStack *stack;
  GtkListBox *list;
};

G_DEFINE_FINAL_TYPE (RelinkKeysetsDialog, relink_keysets_dialog, ADW_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_MANAGER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The widgets of one row that change with the keyset and the clock. */
typedef struct
{
  RelinkKeyset *keyset;
  GtkWidget *expiry_box;
  GtkLabel *expiry_label;
  GtkWidget *invalid_icon;
  GtkWidget *secret_button;
  GtkWidget *remove_button;
} RowParts;

#define PARTS_KEY "relink-row-parts"

static const char *state_classes[] = { "success", "warning", "error", "dim-label" };

static void update_all (RelinkKeysetsDialog *self);

static void
row_parts_free (gpointer data)
{
  RowParts *parts = data;

  g_clear_object (&parts->keyset);
  g_free (parts);
}

static gint64
soon_threshold (RelinkKeysetsDialog *self)
{
  guint days = RELINK_EXPIRY_DEFAULT_SOON_DAYS;

  if (self->settings != NULL)
    days = g_settings_get_uint (self->settings, "expiring-soon-days");

  return (gint64) days * 24 * 60 * 60;
}

/* Updates @row and returns the next moment its texts change. */
static gint64
update_row (RelinkKeysetsDialog *self, AdwActionRow *row, gint64 now)
{
  RowParts *parts = g_object_get_data (G_OBJECT (row), PARTS_KEY);
  RelinkKeyset *keyset = parts->keyset;
  RelinkProvider *provider = relink_keyset_get_provider (keyset);
  const RelinkProviderEnvironment *env = NULL;
  guint used = relink_account_manager_count_accounts_of_keyset (self->manager, keyset);
  gint64 expires_at = relink_keyset_get_secret_expires_at (keyset);
  gint64 threshold = soon_threshold (self);
  g_autofree char *title = relink_keyset_dup_display_name (keyset);
  g_autofree char *usage = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *remove_label = NULL;
  const char *env_name;

  if (provider != NULL)
    env = relink_provider_get_environment (provider, relink_keyset_get_environment (keyset));
  env_name = env != NULL ? env->name : relink_keyset_get_environment (keyset);

  if (used == 0)
    usage = g_strdup (_ ("Not used by any account"));
  else
    usage = g_strdup_printf (ngettext ("Used by %u account", "Used by %u accounts", used), used);

  /* The client id identifies the app publicly; it is not a secret. The
   * environment is in the title unless the keys have a label of their own. */
  if (relink_keyset_get_label (keyset) != NULL && *relink_keyset_get_label (keyset) != '\0')
    subtitle = g_strdup_printf (_ ("Client ID %s\n%s · %s"), relink_keyset_get_client_id (keyset),
                                env_name != NULL ? env_name : _ ("Unknown environment"), usage);
  else
    subtitle
        = g_strdup_printf (_ ("Client ID %s\n%s"), relink_keyset_get_client_id (keyset), usage);
  if (relink_keyset_get_invalid (keyset))
    {
      g_autofree char *with_problem = g_strdup_printf (
          "%s\n%s", subtitle,
          provider != NULL && relink_provider_get_needs_client_secret (provider)
              ? _ ("The marketplace refused these keys. Enter the current client secret.")
              : _ ("The marketplace refused these keys. Check the client ID in its developer "
                   "portal."));
      g_free (subtitle);
      subtitle = g_steal_pointer (&with_problem);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (row, subtitle);

  gtk_widget_set_visible (parts->invalid_icon, relink_keyset_get_invalid (keyset));
  /* A public client (no secret) can only be fixed on the portal. */
  gtk_widget_set_visible (parts->secret_button,
                          relink_keyset_get_invalid (keyset) && provider != NULL
                              && relink_provider_get_needs_client_secret (provider));

  gtk_widget_set_sensitive (parts->remove_button, used == 0);
  if (used == 0)
    gtk_widget_set_tooltip_text (parts->remove_button, _ ("Remove Keys"));
  else
    {
      g_autofree char *tip
          = g_strdup_printf (ngettext ("In use by %u account: remove it first",
                                       "In use by %u accounts: remove them first", used),
                             used);
      gtk_widget_set_tooltip_text (parts->remove_button, tip);
    }
  remove_label = g_strdup_printf (_ ("Remove %s"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (parts->remove_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);

  gtk_widget_set_visible (parts->expiry_box, expires_at > 0);
  if (expires_at > 0)
    {
      RelinkAccountState state
          = relink_expiry_state (RELINK_ACCOUNT_STATUS_CONNECTED, expires_at, now, threshold);
      g_autofree char *text = relink_expiry_describe (expires_at, now, NULL);
      g_autofree char *date = relink_expiry_format_date (expires_at, NULL);
      g_autofree char *tip = g_strdup_printf (_ ("The client secret expires on %s"), date);

      for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
        gtk_widget_remove_css_class (GTK_WIDGET (parts->expiry_label), state_classes[i]);
      gtk_widget_add_css_class (GTK_WIDGET (parts->expiry_label),
                                relink_expiry_state_css_class (state));
      gtk_label_set_text (parts->expiry_label, text);
      gtk_widget_set_tooltip_text (parts->expiry_box, tip);

      return MIN (relink_expiry_next_change (expires_at, now, NULL),
                  relink_expiry_next_state_change (expires_at, now, threshold));
    }

  return RELINK_EXPIRY_NEVER;
}

static gboolean
countdown_tick_cb (gpointer user_data)
{
  RelinkKeysetsDialog *self = user_data;

  self->countdown_source = 0;
  update_all (self);

  return G_SOURCE_REMOVE;
}

static void
update_all (RelinkKeysetsDialog *self)
{
  GListModel *keysets = relink_account_manager_get_keysets (self->manager);
  gint64 now = relink_now ();
  gint64 next = RELINK_EXPIRY_NEVER;

  gtk_stack_set_visible_child_name (self->stack,
                                    g_list_model_get_n_items (keysets) > 0 ? "list" : "empty");

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (g_object_get_data (G_OBJECT (child), PARTS_KEY) != NULL)
        next = MIN (next, update_row (self, ADW_ACTION_ROW (child), now));
    }

  /* One timer for the whole list, at the next moment a label changes; at
   * most an hour, since GLib timeouts stop during suspend. */
  g_clear_handle_id (&self->countdown_source, g_source_remove);
  if (next != RELINK_EXPIRY_NEVER)
    self->countdown_source
        = g_timeout_add_seconds ((guint) CLAMP (next - now, 1, 3600), countdown_tick_cb, self);
}

static void
keyset_notify_cb (RelinkKeysetsDialog *self)
{
  update_all (self);
}

/* Removal */

static void
remove_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkKeysetsDialog) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!relink_account_manager_remove_keyset_finish (RELINK_ACCOUNT_MANAGER (source), result,
                                                    &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      update_all (self);
      return;
    }

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_ ("Developer keys removed")));
}

static void
confirm_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  RelinkKeysetsDialog *self = user_data;
  RelinkKeyset *keyset = g_object_get_data (G_OBJECT (dialog), "relink-keyset");
  guint used;

  if (g_strcmp0 (response, "remove") != 0)
    return;

  /* An account may have been added with these keys meanwhile. */
  used = relink_account_manager_count_accounts_of_keyset (self->manager, keyset);
  if (used > 0)
    {
      g_autofree char *message = g_strdup_printf (
          ngettext ("These keys are still used by %u account. Remove the account first.",
                    "These keys are still used by %u accounts. Remove the accounts first.", used),
          used);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
      update_all (self);
      return;
    }

  relink_account_manager_remove_keyset_async (self->manager, keyset, self->cancellable,
                                              remove_done_cb, g_object_ref (self));
}

static void
remove_clicked_cb (RelinkKeysetsDialog *self, GtkButton *button)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);
  RowParts *parts = g_object_get_data (G_OBJECT (row), PARTS_KEY);
  g_autofree char *name = relink_keyset_dup_display_name (parts->keyset);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (relink_account_manager_count_accounts_of_keyset (self->manager, parts->keyset) > 0)
    return;

  heading = g_strdup_printf (_ ("Remove “%s”?"), name);
  dialog = relink_ui_destructive_dialog_new (
      GTK_WINDOW (self), heading,
      _ ("Relink forgets these developer keys and deletes their secrets "
         "from the keyring. Your app on the marketplace’s developer portal "
         "stays as it is."),
      "remove", _ ("_Remove"));
  g_object_set_data_full (G_OBJECT (dialog), "relink-keyset", g_object_ref (parts->keyset),
                          g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A new client secret */

typedef struct
{
  RelinkKeysetsDialog *self;
  RelinkKeyset *keyset;
} SecretJob;

static void
secret_job_free (SecretJob *job)
{
  g_clear_object (&job->self);
  g_clear_object (&job->keyset);
  g_free (job);
}

static void
clear_invalid_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  RelinkStore *store = task_data;
  const char *keyset_id = g_object_get_data (G_OBJECT (task), "relink-keyset-id");
  GError *error = NULL;

  if (relink_store_set_keyset_invalid (store, keyset_id, FALSE, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
clear_invalid_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SecretJob *job = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_toast_overlay_add_toast (job->self->toast_overlay, adw_toast_new (error->message));
      secret_job_free (job);
      return;
    }

  /* Accounts of these keys may refresh again: the keep-alive and the
   * token service read the flag from the keyset. */
  relink_keyset_set_invalid (job->keyset, FALSE);
  adw_toast_overlay_add_toast (job->self->toast_overlay,
                               adw_toast_new (_ ("Client secret saved. Renew or test the accounts "
                                                 "that use these keys.")));
  secret_job_free (job);
}

static void
secret_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SecretJob *job = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) task = NULL;

  if (!relink_secrets_store_keyset_secret_finish (RELINK_SECRETS (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_toast_overlay_add_toast (job->self->toast_overlay, adw_toast_new (error->message));
      secret_job_free (job);
      return;
    }

  /* The account manager has no call for the flag alone, so the store is
   * written here, off the main thread like every store write. */
  task = g_task_new (NULL, job->self->cancellable, clear_invalid_done_cb, job);
  g_task_set_source_tag (task, secret_stored_cb);
  g_task_set_task_data (task, g_object_ref (relink_account_manager_get_store (job->self->manager)),
                        g_object_unref);
  g_object_set_data_full (G_OBJECT (task), "relink-keyset-id",
                          g_strdup (relink_keyset_get_id (job->keyset)), g_free);
  g_task_run_in_thread (task, clear_invalid_thread);
}

static void
secret_entry_changed_cb (AdwMessageDialog *dialog, GtkEditable *entry)
{
  adw_message_dialog_set_response_enabled (dialog, "save", *gtk_editable_get_text (entry) != '\0');
}

static void
secret_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  RelinkKeysetsDialog *self = user_data;
  RelinkKeyset *keyset = g_object_get_data (G_OBJECT (dialog), "relink-keyset");
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "relink-entry");
  g_autofree char *name = NULL;
  g_autofree char *label = NULL;
  SecretJob *job;

  if (g_strcmp0 (response, "save") != 0 || *gtk_editable_get_text (entry) == '\0')
    {
      gtk_editable_set_text (entry, "");
      return;
    }

  job = g_new0 (SecretJob, 1);
  job->self = g_object_ref (self);
  job->keyset = g_object_ref (keyset);
  name = relink_keyset_dup_display_name (keyset);
  /* Translators: the keyring item's label, as when the keys were added;
   * %s is e.g. "eBay · Production", the second a field id. */
  label = g_strdup_printf (_ ("Relink: %s developer key (%s)"), name, "client_secret");
  /* Secrets are not trimmed: what was pasted is what is kept. */
  relink_secrets_store_keyset_secret_async (relink_account_manager_get_secrets (self->manager),
                                            relink_keyset_get_id (keyset), "client_secret", label,
                                            gtk_editable_get_text (entry), self->cancellable,
                                            secret_stored_cb, job);
  gtk_editable_set_text (entry, "");
}

static void
secret_clicked_cb (RelinkKeysetsDialog *self, GtkButton *button)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);
  RowParts *parts = g_object_get_data (G_OBJECT (row), PARTS_KEY);
  g_autofree char *name = relink_keyset_dup_display_name (parts->keyset);
  GtkWidget *dialog;
  GtkWidget *list;
  GtkWidget *entry;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL);
  gtk_widget_set_name (dialog, "secret-dialog");
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _ ("New Client Secret for “%s”"),
                                     name);
  adw_message_dialog_set_body (
      ADW_MESSAGE_DIALOG (dialog),
      _ ("Copy the client secret of your app from the marketplace’s developer portal. Relink "
         "keeps it in the keyring, in place of the refused one."));
  /* A row in a boxed list, not a GtkPasswordEntry: GTK 4.8's warns when
   * its dialog closes. */
  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  entry = adw_password_entry_row_new ();
  gtk_widget_set_name (entry, "secret-entry");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry), _ ("Client Secret"));
  relink_ui_name_entry_row (ADW_ENTRY_ROW (entry));
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (entry), TRUE);
  gtk_list_box_append (GTK_LIST_BOX (list), entry);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "save",
                                    _ ("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "save", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "relink-keyset", g_object_ref (parts->keyset),
                          g_object_unref);
  g_object_set_data (G_OBJECT (dialog), "relink-entry", entry);
  g_signal_connect_object (entry, "changed", G_CALLBACK (secret_entry_changed_cb), dialog,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "response", G_CALLBACK (secret_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static GtkWidget *
create_row (gpointer item, gpointer user_data)
{
  RelinkKeysetsDialog *self = user_data;
  RelinkKeyset *keyset = item;
  RowParts *parts = g_new0 (RowParts, 1);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *caption;
  RelinkProvider *provider = relink_keyset_get_provider (keyset);

  parts->keyset = g_object_ref (keyset);
  gtk_widget_set_name (row, relink_keyset_get_id (keyset));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             relink_marketplace_face_new (provider,
                                                          relink_keyset_get_provider_id (keyset),
                                                          RELINK_MARKETPLACE_FACE_SMALL));

  parts->invalid_icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (parts->invalid_icon, "error");
  gtk_widget_set_tooltip_text (parts->invalid_icon,
                               _ ("The marketplace rejected these keys. Check the client ID and "
                                  "secret in its developer portal."));
  gtk_accessible_update_property (GTK_ACCESSIBLE (parts->invalid_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Invalid keys"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), parts->invalid_icon);

  parts->expiry_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_valign (parts->expiry_box, GTK_ALIGN_CENTER);
  caption = gtk_label_new (_ ("Client secret"));
  gtk_label_set_xalign (GTK_LABEL (caption), 1);
  gtk_widget_add_css_class (caption, "caption");
  gtk_widget_add_css_class (caption, "dim-label");
  parts->expiry_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (parts->expiry_label, 1);
  gtk_box_append (GTK_BOX (parts->expiry_box), caption);
  gtk_box_append (GTK_BOX (parts->expiry_box), GTK_WIDGET (parts->expiry_label));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), parts->expiry_box);

  parts->secret_button = gtk_button_new_with_mnemonic (_ ("New _Secret…"));
  gtk_widget_set_name (parts->secret_button, "new-secret");
  gtk_widget_set_valign (parts->secret_button, GTK_ALIGN_CENTER);
  g_signal_connect_object (parts->secret_button, "clicked", G_CALLBACK (secret_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), parts->secret_button);

  parts->remove_button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_name (parts->remove_button, "remove");
  gtk_widget_set_valign (parts->remove_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (parts->remove_button, "flat");
  g_signal_connect_object (parts->remove_button, "clicked", G_CALLBACK (remove_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), parts->remove_button);

  g_object_set_data_full (G_OBJECT (row), PARTS_KEY, parts, row_parts_free);
  g_signal_connect_object (keyset, "notify", G_CALLBACK (keyset_notify_cb), self,
                           G_CONNECT_SWAPPED);

  update_row (self, ADW_ACTION_ROW (row), relink_now ());

  return row;
}

static void
models_changed_cb (RelinkKeysetsDialog *self)
{
  update_all (self);
}

static void
relink_keysets_dialog_constructed (GObject *object)
{
  RelinkKeysetsDialog *self = RELINK_KEYSETS_DIALOG (object);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;
  GListModel *keysets;

  G_OBJECT_CLASS (relink_keysets_dialog_parent_class)->constructed (object);

  g_return_if_fail (RELINK_IS_ACCOUNT_MANAGER (self->manager));

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema != NULL)
    {
      self->settings = g_settings_new (APPLICATION_ID);
      g_signal_connect_object (self->settings, "changed::expiring-soon-days",
                               G_CALLBACK (models_changed_cb), self, G_CONNECT_SWAPPED);
    }

  keysets = relink_account_manager_get_keysets (self->manager);
  gtk_list_box_bind_model (self->list, keysets, create_row, self, NULL);

  /* After the list box's own handler, so new rows exist when counted. */
  g_signal_connect_object (keysets, "items-changed", G_CALLBACK (models_changed_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (relink_account_manager_get_accounts (self->manager), "items-changed",
                           G_CALLBACK (models_changed_cb), self, G_CONNECT_SWAPPED);

  update_all (self);
}

static void
relink_keysets_dialog_dispose (GObject *object)
{
  RelinkKeysetsDialog *self = RELINK_KEYSETS_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->countdown_source, g_source_remove);
  if (self->list != NULL)
    gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), RELINK_TYPE_KEYSETS_DIALOG);

  G_OBJECT_CLASS (relink_keysets_dialog_parent_class)->dispose (object);
}

static void
relink_keysets_dialog_finalize (GObject *object)
{
  RelinkKeysetsDialog *self = RELINK_KEYSETS_DIALOG (object);

  g_clear_object (&self->manager);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (relink_keysets_dialog_parent_class)->finalize (object);
}

static void
relink_keysets_dialog_get_property (GObject *object,
                                    guint prop_id,
                                    GValue *value,
                                    GParamSpec *pspec)
{
  RelinkKeysetsDialog *self = RELINK_KEYSETS_DIALOG (object);

  switch (prop_id)
    {
      case PROP_MANAGER:
        g_value_set_object (value, self->manager);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_keysets_dialog_set_property (GObject *object,
                                    guint prop_id,
                                    const GValue *value,
                                    GParamSpec *pspec)
{
  RelinkKeysetsDialog *self = RELINK_KEYSETS_DIALOG (object);

  switch (prop_id)
    {
      case PROP_MANAGER:
        self->manager = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_keysets_dialog_class_init (RelinkKeysetsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = relink_keysets_dialog_constructed;
  object_class->dispose = relink_keysets_dialog_dispose;
  object_class->finalize = relink_keysets_dialog_finalize;
  object_class->get_property = relink_keysets_dialog_get_property;
  object_class->set_property = relink_keysets_dialog_set_property;

  properties[PROP_MANAGER]
      = g_param_spec_object ("manager", NULL, NULL, RELINK_TYPE_ACCOUNT_MANAGER,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/relink/Relink/relink-keysets-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetsDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetsDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetsDialog, list);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
relink_keysets_dialog_init (RelinkKeysetsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

/**
 * relink_keysets_dialog_new:
 * @parent: (nullable): the window the dialog belongs to
 * @manager: the manager holding the keysets
 *
 * Returns: (transfer none): the new dialog, not yet presented
 */
GtkWindow *
relink_keysets_dialog_new (GtkWindow *parent, RelinkAccountManager *manager)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (manager), NULL);

  return g_object_new (RELINK_TYPE_KEYSETS_DIALOG, "manager", manager, "transient-for", parent,
                       NULL);
}
