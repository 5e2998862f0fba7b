/* relink-add-account-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "relink-add-account-dialog.h"
#include "relink-expiry.h"
#include "relink-provider-discovery.h"
#include "relink-validate.h"

/* RelinkAddAccountDialog: the three steps that add an account: the
 * marketplace (or a custom OpenID Connect provider, found from its issuer
 * and saved among the user's profiles), its developer keys (existing or
 * new), and the account's nickname. Saves the keys first, then the
 * account, and only then closes. */
struct _RelinkAddAccountDialog
{
  AdwWindow parent_instance;

  RelinkAccountManager *manager;
  RelinkProvider *provider;
  /* The keyset chosen on the keys step; NULL means "new developer keys". */
  RelinkKeyset *chosen_keyset;
  /* A keyset this dialog saved while the account could not be saved yet,
   * removed again when the account fails so nothing is left half-added. */
  RelinkKeyset *saved_keyset;
  RelinkAccount *pending_account;
  GCancellable *cancellable;
  GPtrArray *field_rows;
  gboolean saving;
  gboolean discovering;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkButton *cancel_button;
  GtkButton *back_button;
  GtkButton *next_button;
  GtkButton *add_button;
  GtkSpinner *spinner;
  GtkStack *stack;
  GtkListBox *provider_list;
  AdwEntryRow *issuer_row;
  AdwEntryRow *provider_name_row;
  GtkLabel *custom_error_label;
  AdwPreferencesGroup *existing_group;
  GtkListBox *keyset_list;
  AdwPreferencesGroup *new_keys_group;
  AdwComboRow *environment_row;
  AdwEntryRow *label_row;
  AdwEntryRow *client_id_row;
  AdwEntryRow *client_secret_row;
  AdwEntryRow *redirect_row;
  GtkLabel *redirect_help_label;
  GtkLabel *keys_error_label;
  AdwPreferencesGroup *fields_group;
  GtkListBox *fields_list;
  GtkBox *fields_help_box;
  GtkLabel *fields_error_label;
  AdwPreferencesGroup *expiry_group;
  AdwEntryRow *expiry_row;
  GtkLabel *expiry_help_label;
  GtkLabel *expiry_error_label;
  AdwEntryRow *nickname_row;
  AdwEntryRow *identity_row;
  GtkLabel *account_error_label;
  AdwActionRow *summary_keys_row;
};

G_DEFINE_FINAL_TYPE (RelinkAddAccountDialog, relink_add_account_dialog, ADW_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_MANAGER,
  N_PROPS
};

enum
{
  ACCOUNT_ADDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Set on a row once the user typed into it: its problems are shown only
 * from then on (or when every problem is asked for), so an untouched form
 * does not open full of red. */
#define TOUCHED_KEY "relink-touched"
#define FIELD_KEY "relink-keyset-field"
#define KEYSET_KEY "relink-keyset"

static void validate (RelinkAddAccountDialog *self);
static void save_keyset_done_cb (GObject *source, GAsyncResult *result, gpointer user_data);
static void save_account_done_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static char *
dup_trimmed (GtkEditable *editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (editable)));
}

static gboolean
is_touched (gpointer row)
{
  return g_object_get_data (G_OBJECT (row), TOUCHED_KEY) != NULL;
}

static void
mark_row (gpointer row, const char *problem)
{
  GtkWidget *widget = GTK_WIDGET (row);

  if (problem != NULL)
    gtk_widget_add_css_class (widget, "error");
  else
    gtk_widget_remove_css_class (widget, "error");

  gtk_widget_set_tooltip_text (widget, problem);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  problem != NULL ? problem : "", -1);
}

/* Shows @problems (one per line) under a group, or hides the label. */
static void
show_problems (GtkLabel *label, GString *problems)
{
  if (problems->len > 0)
    {
      gtk_label_set_text (label, problems->str);
      gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
    }
  else
    {
      gtk_label_set_text (label, "");
      gtk_widget_set_visible (GTK_WIDGET (label), FALSE);
    }
}

static void
add_problem (GString *problems, gpointer row, const char *problem, gboolean show_all)
{
  if (!show_all && !is_touched (row))
    {
      mark_row (row, NULL);
      return;
    }

  mark_row (row, problem);
  if (problem == NULL)
    return;
  if (problems->len > 0)
    g_string_append_c (problems, '\n');
  g_string_append (problems, problem);
}

static gboolean
redirect_is_runame (RelinkAddAccountDialog *self)
{
  return self->provider != NULL
         && relink_provider_get_redirect_style (self->provider) == RELINK_REDIRECT_STYLE_RUNAME;
}

static gboolean
needs_client_secret (RelinkAddAccountDialog *self)
{
  return self->provider != NULL && relink_provider_get_needs_client_secret (self->provider);
}

static gboolean
has_secret_lifetime (RelinkAddAccountDialog *self)
{
  return self->provider != NULL && relink_provider_get_client_secret_lifetime (self->provider) > 0;
}

static gboolean
validate_keys (RelinkAddAccountDialog *self, gboolean show_all)
{
  g_autoptr (GString) keys_problems = g_string_new (NULL);
  g_autoptr (GString) field_problems = g_string_new (NULL);
  g_autoptr (GString) expiry_problems = g_string_new (NULL);
  char *problem;
  gboolean valid = TRUE;

  if (self->provider == NULL)
    return FALSE;

  if (self->chosen_keyset != NULL)
    {
      show_problems (self->keys_error_label, keys_problems);
      show_problems (self->fields_error_label, field_problems);
      show_problems (self->expiry_error_label, expiry_problems);
      return TRUE;
    }

  problem = relink_validate_client_id (gtk_editable_get_text (GTK_EDITABLE (self->client_id_row)));
  valid &= problem == NULL;
  add_problem (keys_problems, self->client_id_row, problem, show_all);
  g_clear_pointer (&problem, g_free);

  if (needs_client_secret (self))
    {
      problem = relink_validate_client_secret (
          gtk_editable_get_text (GTK_EDITABLE (self->client_secret_row)));
      valid &= problem == NULL;
      add_problem (keys_problems, self->client_secret_row, problem, show_all);
      g_clear_pointer (&problem, g_free);
    }

  problem = relink_validate_redirect (self->provider,
                                      gtk_editable_get_text (GTK_EDITABLE (self->redirect_row)));
  valid &= problem == NULL;
  add_problem (keys_problems, self->redirect_row, problem, show_all);
  g_clear_pointer (&problem, g_free);

  for (guint i = 0; i < self->field_rows->len; i++)
    {
      AdwEntryRow *row = g_ptr_array_index (self->field_rows, i);
      RelinkKeysetField *field = g_object_get_data (G_OBJECT (row), FIELD_KEY);

      problem = relink_validate_keyset_field (field, gtk_editable_get_text (GTK_EDITABLE (row)));
      valid &= problem == NULL;
      add_problem (field_problems, row, problem, show_all);
      g_clear_pointer (&problem, g_free);
    }

  if (has_secret_lifetime (self))
    {
      problem
          = relink_validate_secret_expiry (gtk_editable_get_text (GTK_EDITABLE (self->expiry_row)));
      valid &= problem == NULL;
      add_problem (expiry_problems, self->expiry_row, problem, show_all);
      g_clear_pointer (&problem, g_free);
    }

  show_problems (self->keys_error_label, keys_problems);
  show_problems (self->fields_error_label, field_problems);
  show_problems (self->expiry_error_label, expiry_problems);

  return valid;
}

static gboolean
validate_account (RelinkAddAccountDialog *self, gboolean show_all)
{
  g_autoptr (GString) problems = g_string_new (NULL);
  g_autofree char *message = relink_validate_nickname (
      self->manager, gtk_editable_get_text (GTK_EDITABLE (self->nickname_row)));

  add_problem (problems, self->nickname_row, message, show_all);
  show_problems (self->account_error_label, problems);

  return message == NULL;
}

static gboolean
is_step (RelinkAddAccountDialog *self, const char *step)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), step) == 0;
}

static void
validate (RelinkAddAccountDialog *self)
{
  gboolean keys_valid = validate_keys (self, FALSE);
  gboolean account_valid = validate_account (self, FALSE);

  if (is_step (self, "custom"))
    {
      g_autofree char *issuer = dup_trimmed (GTK_EDITABLE (self->issuer_row));

      gtk_widget_set_sensitive (GTK_WIDGET (self->next_button),
                                *issuer != '\0' && !self->discovering);
      return;
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), keys_valid && !self->saving);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button),
                            keys_valid && account_valid && !self->saving);
}

static void
row_changed_cb (RelinkAddAccountDialog *self, GtkEditable *editable)
{
  g_object_set_data (G_OBJECT (editable), TOUCHED_KEY, GINT_TO_POINTER (TRUE));
  validate (self);
}

static void
update_buttons (RelinkAddAccountDialog *self)
{
  const char *step = gtk_stack_get_visible_child_name (self->stack);
  gboolean first = g_strcmp0 (step, "provider") == 0;
  gboolean last = g_strcmp0 (step, "account") == 0;

  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), first);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), !first);
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), !first && !last);
  gtk_widget_set_visible (GTK_WIDGET (self->add_button), last && !self->saving);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->saving || self->discovering);
  gtk_spinner_set_spinning (self->spinner, self->saving || self->discovering);
  gtk_widget_set_sensitive (GTK_WIDGET (self->back_button), !self->saving && !self->discovering);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), !self->saving && !self->discovering);

  if (last)
    gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->add_button));
  else if (!first)
    gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->next_button));
  else
    gtk_window_set_default_widget (GTK_WINDOW (self), NULL);

  adw_window_title_set_subtitle (self->window_title, self->provider != NULL && !first
                                                         ? relink_provider_get_name (self->provider)
                                                         : NULL);
  validate (self);
}

static void
set_step (RelinkAddAccountDialog *self, const char *step)
{
  gtk_stack_set_visible_child_name (self->stack, step);
  update_buttons (self);

  if (g_strcmp0 (step, "keys") == 0 && self->chosen_keyset == NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->client_id_row));
  else if (g_strcmp0 (step, "account") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->nickname_row));
  else if (g_strcmp0 (step, "custom") == 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->issuer_row));
}

/* Marketplace step */

static GtkWidget *
create_provider_row (gpointer item, gpointer user_data)
{
  RelinkProvider *provider = item;
  GPtrArray *environments = relink_provider_get_environments (provider);
  g_autoptr (GString) subtitle = g_string_new (NULL);
  GtkWidget *row;
  GtkWidget *avatar;

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

  avatar = adw_avatar_new (32, relink_provider_get_name (provider), TRUE);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), avatar);

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
  g_object_set_data_full (G_OBJECT (row), "relink-provider", g_object_ref (provider),
                          g_object_unref);

  return row;
}

static void
clear_keys_form (RelinkAddAccountDialog *self)
{
  GtkEditable *editables[] = {
    GTK_EDITABLE (self->label_row),         GTK_EDITABLE (self->client_id_row),
    GTK_EDITABLE (self->client_secret_row), GTK_EDITABLE (self->redirect_row),
    GTK_EDITABLE (self->expiry_row),
  };

  for (guint i = 0; i < G_N_ELEMENTS (editables); i++)
    {
      gtk_editable_set_text (editables[i], "");
      g_object_set_data (G_OBJECT (editables[i]), TOUCHED_KEY, NULL);
      mark_row (editables[i], NULL);
    }
}

static void
keyset_toggled_cb (RelinkAddAccountDialog *self, GtkCheckButton *check)
{
  GtkWidget *row;
  RelinkKeyset *keyset;

  if (!gtk_check_button_get_active (check))
    return;

  row = gtk_widget_get_ancestor (GTK_WIDGET (check), GTK_TYPE_LIST_BOX_ROW);
  keyset = g_object_get_data (G_OBJECT (row), KEYSET_KEY);
  g_set_object (&self->chosen_keyset, keyset);

  gtk_widget_set_visible (GTK_WIDGET (self->new_keys_group), keyset == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->fields_group),
                          keyset == NULL && self->field_rows->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->expiry_group),
                          keyset == NULL && has_secret_lifetime (self));
  validate (self);
}

static GtkWidget *
add_keyset_choice (RelinkAddAccountDialog *self,
                   RelinkKeyset *keyset,
                   GtkCheckButton *group,
                   const char *title,
                   const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  if (group != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
  g_signal_connect_object (check, "toggled", G_CALLBACK (keyset_toggled_cb), self,
                           G_CONNECT_SWAPPED);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  if (keyset != NULL)
    {
      gtk_widget_set_name (row, relink_keyset_get_id (keyset));
      g_object_set_data_full (G_OBJECT (row), KEYSET_KEY, g_object_ref (keyset), g_object_unref);
    }
  else
    gtk_widget_set_name (row, "new-keys");

  gtk_list_box_append (self->keyset_list, row);

  return check;
}

static void
remove_all_children (GtkWidget *parent)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (parent)) != NULL)
    {
      if (GTK_IS_LIST_BOX (parent))
        gtk_list_box_remove (GTK_LIST_BOX (parent), child);
      else
        gtk_box_remove (GTK_BOX (parent), child);
    }
}

static void
fill_keyset_choices (RelinkAddAccountDialog *self)
{
  GListModel *keysets = relink_account_manager_get_keysets (self->manager);
  GtkWidget *first_check = NULL;
  GtkWidget *new_check;
  guint n = g_list_model_get_n_items (keysets);

  remove_all_children (GTK_WIDGET (self->keyset_list));
  g_clear_object (&self->chosen_keyset);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (RelinkKeyset) keyset = g_list_model_get_item (keysets, i);
      g_autofree char *name = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *check;

      if (g_strcmp0 (relink_keyset_get_provider_id (keyset),
                     relink_provider_get_id (self->provider))
          != 0)
        continue;

      name = relink_keyset_dup_display_name (keyset);
      /* The client id identifies the app; it is not a secret. */
      subtitle = g_strdup_printf (_ ("Client ID %s"), relink_keyset_get_client_id (keyset));
      check = add_keyset_choice (self, keyset, GTK_CHECK_BUTTON (first_check), name, subtitle);
      if (first_check == NULL)
        first_check = check;
    }

  new_check = add_keyset_choice (self, NULL, GTK_CHECK_BUTTON (first_check),
                                 _ ("New Developer Keys"), _ ("Enter the keys of another app"));
  gtk_widget_set_visible (GTK_WIDGET (self->existing_group), first_check != NULL);

  /* An agency adds many shops with the same keys: preselect the first. */
  if (first_check != NULL)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (first_check), TRUE);
  else
    gtk_check_button_set_active (GTK_CHECK_BUTTON (new_check), TRUE);
}

static void
fill_provider_form (RelinkAddAccountDialog *self)
{
  GPtrArray *environments = relink_provider_get_environments (self->provider);
  GPtrArray *fields = relink_provider_get_keyset_fields (self->provider);
  g_autoptr (GtkStringList) env_names = gtk_string_list_new (NULL);
  gint64 lifetime = relink_provider_get_client_secret_lifetime (self->provider);

  clear_keys_form (self);

  for (guint i = 0; i < environments->len; i++)
    {
      const RelinkProviderEnvironment *env = g_ptr_array_index (environments, i);
      gtk_string_list_append (env_names, env->name);
    }
  adw_combo_row_set_model (self->environment_row, G_LIST_MODEL (env_names));
  adw_combo_row_set_selected (self->environment_row, 0);

  gtk_widget_set_visible (GTK_WIDGET (self->client_secret_row), needs_client_secret (self));

  if (redirect_is_runame (self))
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->redirect_row), _ ("RuName"));
      gtk_label_set_text (self->redirect_help_label,
                          _ ("The RuName (eBay Redirect URL name) is shown in the eBay Developer "
                             "Portal under Application Keys → User Tokens → “Get a Token from eBay "
                             "via Your Application”."));
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->redirect_row), _ ("Redirect URL"));
      gtk_label_set_text (self->redirect_help_label,
                          _ ("The redirect URL exactly as registered for your app. It need not "
                             "exist: Relink catches the redirect before it leaves this computer."));
    }

  /* Rebuild the rows of the marketplace's own keyset values. */
  remove_all_children (GTK_WIDGET (self->fields_list));
  remove_all_children (GTK_WIDGET (self->fields_help_box));
  g_ptr_array_set_size (self->field_rows, 0);
  for (guint i = 0; i < fields->len; i++)
    {
      RelinkKeysetField *field = g_ptr_array_index (fields, i);
      GtkWidget *row = field->secret ? adw_password_entry_row_new () : adw_entry_row_new ();
      g_autofree char *title = NULL;

      title = field->required ? g_strdup (field->label)
                              : g_strdup_printf (_ ("%s (optional)"), field->label);
      gtk_widget_set_name (row, field->id);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_entry_row_set_activates_default (ADW_ENTRY_ROW (row), TRUE);
      g_object_set_data (G_OBJECT (row), FIELD_KEY, field);
      g_signal_connect_object (row, "changed", G_CALLBACK (row_changed_cb), self,
                               G_CONNECT_SWAPPED);
      gtk_list_box_append (self->fields_list, row);
      g_ptr_array_add (self->field_rows, row);

      if (field->description != NULL)
        {
          g_autofree char *escaped_label = g_markup_escape_text (field->label, -1);
          g_autofree char *escaped_desc = g_markup_escape_text (field->description, -1);
          g_autofree char *markup = g_strdup_printf ("<b>%s</b>: %s", escaped_label, escaped_desc);
          GtkWidget *help = gtk_label_new (NULL);

          gtk_label_set_markup (GTK_LABEL (help), markup);
          gtk_label_set_wrap (GTK_LABEL (help), TRUE);
          gtk_label_set_xalign (GTK_LABEL (help), 0);
          gtk_widget_add_css_class (help, "dim-label");
          gtk_widget_add_css_class (help, "caption");
          gtk_box_append (self->fields_help_box, help);
          gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                          field->description, -1);
        }
    }

  if (lifetime > 0)
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_local ();
      g_autoptr (GDateTime) expires = g_date_time_add_seconds (now, (gdouble) lifetime);
      g_autofree char *text = g_date_time_format (expires, "%Y-%m-%d");
      g_autofree char *help = NULL;

      gtk_editable_set_text (GTK_EDITABLE (self->expiry_row), text);
      g_object_set_data (G_OBJECT (self->expiry_row), TOUCHED_KEY, NULL);
      help = g_strdup_printf (
          ngettext ("%s client secrets last %d day; the default assumes yours was created today. "
                    "%s shows the real date in its developer console, next to the client secret. "
                    "Relink reminds you before it lapses.",
                    "%s client secrets last %d days; the default assumes yours was created today. "
                    "%s shows the real date in its developer console, next to the client secret. "
                    "Relink reminds you before it lapses.",
                    (gulong) (lifetime / 86400)),
          relink_provider_get_name (self->provider), (int) (lifetime / 86400),
          relink_provider_get_name (self->provider));
      gtk_label_set_text (self->expiry_help_label, help);
    }

  fill_keyset_choices (self);
}

static void
provider_row_activated_cb (RelinkAddAccountDialog *self, GtkListBoxRow *row)
{
  RelinkProvider *provider = g_object_get_data (G_OBJECT (row), "relink-provider");

  if (provider == NULL)
    return;

  if (provider != self->provider)
    {
      g_set_object (&self->provider, provider);
      fill_provider_form (self);
    }
  else
    {
      /* Keysets may have come and gone since. */
      fill_keyset_choices (self);
    }

  set_step (self, "keys");
}

/* Custom OpenID Connect provider */

static void
show_custom_error (RelinkAddAccountDialog *self, const char *message)
{
  gtk_label_set_text (self->custom_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->custom_error_label), message != NULL);
}

static void
set_discovering (RelinkAddAccountDialog *self, gboolean discovering)
{
  if (discovering)
    gtk_window_set_focus (GTK_WINDOW (self), NULL);

  self->discovering = discovering;
  update_buttons (self);

  if (!discovering)
    gtk_widget_grab_focus (GTK_WIDGET (self->issuer_row));
}

/* Saves the discovered profile among the user's own and makes it known
 * to the running registry. */
static gboolean
add_custom_provider (RelinkAddAccountDialog *self,
                     RelinkProvider *provider,
                     const char *json,
                     char **out_message)
{
  RelinkProviderRegistry *registry = relink_account_manager_get_providers (self->manager);
  const char *id = relink_provider_get_id (provider);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  /* Before writing: a file for a shipped profile's id would shadow it at
   * the next start. */
  if (relink_provider_registry_lookup (registry, id) != NULL)
    {
      *out_message
          = g_strdup_printf (_ ("Relink already knows a provider named “%s”. Choose another name."),
                             relink_provider_get_name (provider));
      return FALSE;
    }

  path = relink_provider_discovery_save (json, relink_provider_registry_get_user_dir (registry),
                                         &error);
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

  if (!relink_provider_registry_add (registry, provider, &error))
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
  g_autoptr (RelinkAddAccountDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkProvider) provider = NULL;
  g_autofree char *json = NULL;
  g_autofree char *message = NULL;

  provider = relink_provider_discover_finish (result, &json, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_discovering (self, FALSE);

  if (provider == NULL)
    {
      show_custom_error (self, error->message);
      return;
    }

  if (!add_custom_provider (self, provider, json, &message))
    {
      show_custom_error (self, message);
      return;
    }

  /* On with the new provider, as if chosen from the list. */
  gtk_editable_set_text (GTK_EDITABLE (self->issuer_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->provider_name_row), "");
  g_set_object (&self->provider, provider);
  fill_provider_form (self);
  set_step (self, "keys");
}

static void
discover (RelinkAddAccountDialog *self)
{
  g_autofree char *issuer = dup_trimmed (GTK_EDITABLE (self->issuer_row));
  g_autofree char *name = dup_trimmed (GTK_EDITABLE (self->provider_name_row));

  if (*issuer == '\0' || self->discovering)
    return;

  show_custom_error (self, NULL);
  set_discovering (self, TRUE);
  relink_provider_discover_async (issuer, *name != '\0' ? name : NULL, self->cancellable,
                                  discover_done_cb, g_object_ref (self));
}

static void
custom_row_activated_cb (RelinkAddAccountDialog *self, GtkListBoxRow *row)
{
  show_custom_error (self, NULL);
  set_step (self, "custom");
}

static void
custom_changed_cb (RelinkAddAccountDialog *self)
{
  show_custom_error (self, NULL);
  validate (self);
}

/* Navigation */

static void
back_clicked_cb (RelinkAddAccountDialog *self)
{
  const char *step = gtk_stack_get_visible_child_name (self->stack);

  if (self->saving)
    return;
  if (g_strcmp0 (step, "account") == 0)
    set_step (self, "keys");
  else
    set_step (self, "provider");
}

static void
next_clicked_cb (RelinkAddAccountDialog *self)
{
  g_autofree char *keys_name = NULL;

  if (is_step (self, "custom"))
    {
      discover (self);
      return;
    }

  if (!validate_keys (self, TRUE))
    return;

  if (self->chosen_keyset != NULL)
    keys_name = relink_keyset_dup_display_name (self->chosen_keyset);
  else
    {
      g_autofree char *label = dup_trimmed (GTK_EDITABLE (self->label_row));
      GObject *item = adw_combo_row_get_selected_item (self->environment_row);
      const char *env = item != NULL ? gtk_string_object_get_string (GTK_STRING_OBJECT (item)) : "";

      if (*label != '\0')
        keys_name = g_strdup_printf (_ ("%s (new)"), label);
      else
        /* Translators: marketplace · environment, for keys not saved yet. */
        keys_name
            = g_strdup_printf (_ ("%s · %s (new)"), relink_provider_get_name (self->provider), env);
    }
  adw_action_row_set_subtitle (self->summary_keys_row, keys_name);

  set_step (self, "account");
}

/* Saving */

static void
set_saving (RelinkAddAccountDialog *self, gboolean saving)
{
  /* Take the focus out of the form before it turns insensitive: GTK 4.8's
   * text widgets complain when they lose focus by becoming insensitive. */
  if (saving)
    gtk_window_set_focus (GTK_WINDOW (self), NULL);

  self->saving = saving;
  update_buttons (self);

  if (!saving)
    gtk_widget_grab_focus (GTK_WIDGET (self->nickname_row));
}

static void
show_error (RelinkAddAccountDialog *self, const GError *error)
{
  AdwToast *toast = adw_toast_new (error->message);

  /* Errors stay until dismissed: they usually need the seller to act. */
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
secret_free (gpointer secret)
{
  relink_secret_free (secret);
}

static RelinkKeyset *
build_keyset (RelinkAddAccountDialog *self, GHashTable *secrets)
{
  g_autofree char *id = relink_new_id ();
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new (id);
  GPtrArray *environments = relink_provider_get_environments (self->provider);
  guint env_index = adw_combo_row_get_selected (self->environment_row);
  const RelinkProviderEnvironment *env;
  g_autofree char *label = dup_trimmed (GTK_EDITABLE (self->label_row));
  g_autofree char *client_id = dup_trimmed (GTK_EDITABLE (self->client_id_row));
  g_autofree char *redirect = dup_trimmed (GTK_EDITABLE (self->redirect_row));

  if (env_index >= environments->len)
    env_index = 0;
  env = g_ptr_array_index (environments, env_index);

  relink_keyset_set_provider_id (keyset, relink_provider_get_id (self->provider));
  relink_keyset_set_provider (keyset, self->provider);
  relink_keyset_set_environment (keyset, env->id);
  relink_keyset_set_label (keyset, *label != '\0' ? label : NULL);
  relink_keyset_set_client_id (keyset, client_id);
  relink_keyset_set_redirect (keyset, redirect);
  relink_keyset_set_created_at (keyset, relink_now ());

  if (needs_client_secret (self))
    g_hash_table_insert (secrets, g_strdup ("client_secret"),
                         g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->client_secret_row))));

  for (guint i = 0; i < self->field_rows->len; i++)
    {
      AdwEntryRow *row = g_ptr_array_index (self->field_rows, i);
      RelinkKeysetField *field = g_object_get_data (G_OBJECT (row), FIELD_KEY);

      if (field->secret)
        {
          const char *value = gtk_editable_get_text (GTK_EDITABLE (row));

          if (*value != '\0')
            g_hash_table_insert (secrets, g_strdup (field->id), g_strdup (value));
        }
      else
        {
          g_autofree char *value = dup_trimmed (GTK_EDITABLE (row));

          if (*value != '\0')
            relink_keyset_set_extra (keyset, field->id, value);
        }
    }

  if (has_secret_lifetime (self))
    {
      g_autofree char *expiry = dup_trimmed (GTK_EDITABLE (self->expiry_row));
      gint64 expires_at = 0;

      if (*expiry != '\0' && relink_validate_parse_date (expiry, &expires_at))
        relink_keyset_set_secret_expires_at (keyset, expires_at);
    }

  return g_steal_pointer (&keyset);
}

static RelinkAccount *
build_account (RelinkAddAccountDialog *self, RelinkKeyset *keyset)
{
  g_autofree char *id = relink_new_id ();
  g_autoptr (RelinkAccount) account = relink_account_new (id);
  g_autofree char *nickname = dup_trimmed (GTK_EDITABLE (self->nickname_row));
  g_autofree char *expected = dup_trimmed (GTK_EDITABLE (self->identity_row));

  relink_account_set_keyset_id (account, relink_keyset_get_id (keyset));
  relink_account_set_keyset (account, keyset);
  relink_account_set_nickname (account, nickname);
  relink_account_set_expected_identity (account, *expected != '\0' ? expected : NULL);
  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
  relink_account_set_created_at (account, relink_now ());

  return g_steal_pointer (&account);
}

static void
save_account (RelinkAddAccountDialog *self, RelinkKeyset *keyset)
{
  g_clear_object (&self->pending_account);
  self->pending_account = build_account (self, keyset);
  relink_account_manager_add_account_async (self->manager, self->pending_account, self->cancellable,
                                            save_account_done_cb, g_object_ref (self));
}

static void
save_keyset_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkAddAccountDialog) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!relink_account_manager_add_keyset_finish (RELINK_ACCOUNT_MANAGER (source), result, &error))
    {
      g_clear_object (&self->saved_keyset);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_saving (self, FALSE);
      show_error (self, error);
      return;
    }

  save_account (self, self->saved_keyset);
}

static void
rollback_keyset_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  /* Best effort: the keys stay listed under Developer Keys otherwise. */
  if (!relink_account_manager_remove_keyset_finish (RELINK_ACCOUNT_MANAGER (source), result,
                                                    &error))
    g_warning ("Could not remove developer keys after a failed add: %s", error->message);
}

static void
save_account_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkAddAccountDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkAccount) account = g_steal_pointer (&self->pending_account);

  if (!relink_account_manager_add_account_finish (RELINK_ACCOUNT_MANAGER (source), result, &error))
    {
      /* The account is what the seller asked for; keys saved only for it
       * would be half of the change. */
      if (self->saved_keyset != NULL)
        relink_account_manager_remove_keyset_async (self->manager, self->saved_keyset, NULL,
                                                    rollback_keyset_done_cb, NULL);
      g_clear_object (&self->saved_keyset);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_saving (self, FALSE);
      show_error (self, error);
      return;
    }

  g_clear_object (&self->saved_keyset);
  self->saving = FALSE;
  g_signal_emit (self, signals[ACCOUNT_ADDED], 0, account);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
add_clicked_cb (RelinkAddAccountDialog *self)
{
  if (self->saving)
    return;

  if (!validate_keys (self, TRUE))
    {
      set_step (self, "keys");
      return;
    }
  if (!validate_account (self, TRUE))
    return;

  set_saving (self, TRUE);

  if (self->chosen_keyset != NULL)
    {
      save_account (self, self->chosen_keyset);
    }
  else
    {
      g_autoptr (GHashTable) secrets
          = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, secret_free);

      g_clear_object (&self->saved_keyset);
      self->saved_keyset = build_keyset (self, secrets);
      relink_account_manager_add_keyset_async (self->manager, self->saved_keyset, secrets,
                                               self->cancellable, save_keyset_done_cb,
                                               g_object_ref (self));
    }
}

static void
wipe_secrets (RelinkAddAccountDialog *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->client_secret_row), "");
  for (guint i = 0; self->field_rows != NULL && i < self->field_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->field_rows, i);

      if (ADW_IS_PASSWORD_ENTRY_ROW (row))
        gtk_editable_set_text (GTK_EDITABLE (row), "");
    }
}

static gboolean
relink_add_account_dialog_close_request (GtkWindow *window)
{
  RelinkAddAccountDialog *self = RELINK_ADD_ACCOUNT_DIALOG (window);

  g_cancellable_cancel (self->cancellable);
  wipe_secrets (self);

  return GTK_WINDOW_CLASS (relink_add_account_dialog_parent_class)->close_request (window);
}

static void
relink_add_account_dialog_constructed (GObject *object)
{
  RelinkAddAccountDialog *self = RELINK_ADD_ACCOUNT_DIALOG (object);

  G_OBJECT_CLASS (relink_add_account_dialog_parent_class)->constructed (object);

  g_return_if_fail (RELINK_IS_ACCOUNT_MANAGER (self->manager));

  gtk_list_box_bind_model (self->provider_list,
                           G_LIST_MODEL (relink_account_manager_get_providers (self->manager)),
                           create_provider_row, self, NULL);
  update_buttons (self);
}

static void
relink_add_account_dialog_dispose (GObject *object)
{
  RelinkAddAccountDialog *self = RELINK_ADD_ACCOUNT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->client_secret_row != NULL)
    wipe_secrets (self);

  gtk_widget_dispose_template (GTK_WIDGET (self), RELINK_TYPE_ADD_ACCOUNT_DIALOG);

  G_OBJECT_CLASS (relink_add_account_dialog_parent_class)->dispose (object);
}

static void
relink_add_account_dialog_finalize (GObject *object)
{
  RelinkAddAccountDialog *self = RELINK_ADD_ACCOUNT_DIALOG (object);

  g_clear_object (&self->manager);
  g_clear_object (&self->provider);
  g_clear_object (&self->chosen_keyset);
  g_clear_object (&self->saved_keyset);
  g_clear_object (&self->pending_account);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->field_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (relink_add_account_dialog_parent_class)->finalize (object);
}

static void
relink_add_account_dialog_get_property (GObject *object,
                                        guint prop_id,
                                        GValue *value,
                                        GParamSpec *pspec)
{
  RelinkAddAccountDialog *self = RELINK_ADD_ACCOUNT_DIALOG (object);

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
relink_add_account_dialog_set_property (GObject *object,
                                        guint prop_id,
                                        const GValue *value,
                                        GParamSpec *pspec)
{
  RelinkAddAccountDialog *self = RELINK_ADD_ACCOUNT_DIALOG (object);

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
relink_add_account_dialog_class_init (RelinkAddAccountDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = relink_add_account_dialog_constructed;
  object_class->dispose = relink_add_account_dialog_dispose;
  object_class->finalize = relink_add_account_dialog_finalize;
  object_class->get_property = relink_add_account_dialog_get_property;
  object_class->set_property = relink_add_account_dialog_set_property;
  window_class->close_request = relink_add_account_dialog_close_request;

  properties[PROP_MANAGER]
      = g_param_spec_object ("manager", NULL, NULL, RELINK_TYPE_ACCOUNT_MANAGER,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * RelinkAddAccountDialog::account-added:
   * @account: the saved account
   *
   * Emitted once the account (and its new keys) were saved, right before
   * the dialog closes.
   */
  signals[ACCOUNT_ADDED]
      = g_signal_new ("account-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, RELINK_TYPE_ACCOUNT);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/relink/Relink/relink-add-account-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, next_button);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, provider_list);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, issuer_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, provider_name_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, custom_error_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, existing_group);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, keyset_list);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, new_keys_group);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, environment_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, label_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, client_id_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, client_secret_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, redirect_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, redirect_help_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, keys_error_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, fields_group);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, fields_list);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, fields_help_box);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, fields_error_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, expiry_group);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, expiry_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, expiry_help_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, expiry_error_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, nickname_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, identity_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, account_error_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, summary_keys_row);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, next_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, provider_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, custom_row_activated_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
relink_add_account_dialog_init (RelinkAddAccountDialog *self)
{
  GtkEditable *editables[5];

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->field_rows = g_ptr_array_new ();

  editables[0] = GTK_EDITABLE (self->client_id_row);
  editables[1] = GTK_EDITABLE (self->client_secret_row);
  editables[2] = GTK_EDITABLE (self->redirect_row);
  editables[3] = GTK_EDITABLE (self->expiry_row);
  editables[4] = GTK_EDITABLE (self->nickname_row);
  for (guint i = 0; i < G_N_ELEMENTS (editables); i++)
    g_signal_connect_object (editables[i], "changed", G_CALLBACK (row_changed_cb), self,
                             G_CONNECT_SWAPPED);
  g_signal_connect_object (self->issuer_row, "changed", G_CALLBACK (custom_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->provider_name_row, "changed", G_CALLBACK (custom_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

/**
 * relink_add_account_dialog_new:
 * @parent: (nullable): the window the dialog belongs to
 * @manager: where the account is added
 *
 * Returns: (transfer none): the new dialog, not yet presented
 */
GtkWindow *
relink_add_account_dialog_new (GtkWindow *parent, RelinkAccountManager *manager)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (manager), NULL);

  return g_object_new (RELINK_TYPE_ADD_ACCOUNT_DIALOG, "manager", manager, "transient-for", parent,
                       NULL);
}
