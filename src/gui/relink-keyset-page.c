/* relink-keyset-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-expiry.h"
#include "relink-form.h"
#include "relink-keyset-page.h"
#include "relink-validate.h"
#include "relink-ui-util.h"

/* RelinkKeysetPage: the add-account step for the developer keys: the
 * saved keys of the chosen marketplace to pick from, or new ones to
 * type, with the marketplace's own extra values and the date its client
 * secret expires. Where the profile offers eBay's Auth'n'Auth, the token
 * kind is chosen first: its keys are the App ID, Dev ID, Cert ID (kept
 * as the client secret) and RuName. Checks what is typed as it is typed (the rules are in
 * relink-validate.h); emits "changed" whenever the answer may differ. */
struct _RelinkKeysetPage
{
  AdwPreferencesPage parent_instance;

  RelinkAccountManager *manager;
  RelinkProvider *provider;
  /* The saved keys chosen; NULL means "new developer keys". */
  RelinkKeyset *chosen_keyset;
  /* The rows of the marketplace's own keyset values. */
  GPtrArray *field_rows;

  AdwPreferencesGroup *existing_group;
  GtkListBox *keyset_list;
  AdwPreferencesGroup *new_keys_group;
  AdwComboRow *kind_row;
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
};

G_DEFINE_FINAL_TYPE (RelinkKeysetPage, relink_keyset_page, ADW_TYPE_PREFERENCES_PAGE)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define FIELD_KEY "relink-keyset-field"
#define KEYSET_KEY "relink-keyset"

/* Whether the new keys are Auth'n'Auth keys (the second token kind). */
static gboolean
is_auth_n_auth (RelinkKeysetPage *self)
{
  return self->provider != NULL && relink_provider_get_auth_n_auth (self->provider) != NULL
         && adw_combo_row_get_selected (self->kind_row) == 1;
}

/* The profile's extra values for the kind of keys being typed. */
static GPtrArray *
kind_fields (RelinkKeysetPage *self)
{
  if (is_auth_n_auth (self))
    return relink_provider_get_auth_n_auth (self->provider)->keyset_fields;
  return relink_provider_get_keyset_fields (self->provider);
}

static gboolean
needs_client_secret (RelinkKeysetPage *self)
{
  /* An Auth'n'Auth Cert ID is always needed. */
  return self->provider != NULL
         && (is_auth_n_auth (self) || relink_provider_get_needs_client_secret (self->provider));
}

static gboolean
has_secret_lifetime (RelinkKeysetPage *self)
{
  return self->provider != NULL && !is_auth_n_auth (self)
         && relink_provider_get_client_secret_lifetime (self->provider) > 0;
}

static void
emit_changed (RelinkKeysetPage *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
row_changed_cb (RelinkKeysetPage *self, GtkEditable *editable)
{
  relink_form_set_touched (editable, TRUE);
  emit_changed (self);
}

/* Adds the problem with @row's text, as @problem returns it. */
static gboolean
check_row (GString *problems, gpointer row, char *problem, gboolean show_all)
{
  g_autofree char *owned = problem;

  relink_form_add_problem (problems, row, owned, show_all);
  return owned == NULL;
}

static const char *
text_of (gpointer row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

gboolean
relink_keyset_page_validate (RelinkKeysetPage *self, gboolean show_all)
{
  g_autoptr (GString) keys_problems = g_string_new (NULL);
  g_autoptr (GString) field_problems = g_string_new (NULL);
  g_autoptr (GString) expiry_problems = g_string_new (NULL);
  gboolean valid = TRUE;

  g_return_val_if_fail (RELINK_IS_KEYSET_PAGE (self), FALSE);

  if (self->provider == NULL)
    return FALSE;

  if (self->chosen_keyset == NULL)
    {
      valid &= check_row (keys_problems, self->client_id_row,
                          relink_validate_client_id (text_of (self->client_id_row)), show_all);
      if (needs_client_secret (self))
        valid &= check_row (keys_problems, self->client_secret_row,
                            relink_validate_client_secret (text_of (self->client_secret_row)),
                            show_all);
      valid &= check_row (keys_problems, self->redirect_row,
                          relink_validate_redirect (self->provider, text_of (self->redirect_row)),
                          show_all);

      for (guint i = 0; i < self->field_rows->len; i++)
        {
          AdwEntryRow *row = g_ptr_array_index (self->field_rows, i);
          const RelinkKeysetField *field = g_object_get_data (G_OBJECT (row), FIELD_KEY);

          valid &= check_row (field_problems, row,
                              relink_validate_keyset_field (field, text_of (row)), show_all);
        }

      if (has_secret_lifetime (self))
        valid &= check_row (expiry_problems, self->expiry_row,
                            relink_validate_secret_expiry (text_of (self->expiry_row)), show_all);
    }

  relink_form_show_problems (self->keys_error_label, keys_problems);
  relink_form_show_problems (self->fields_error_label, field_problems);
  relink_form_show_problems (self->expiry_error_label, expiry_problems);

  return valid;
}

static void
clear_keys_form (RelinkKeysetPage *self)
{
  GtkEditable *editables[] = {
    GTK_EDITABLE (self->label_row),         GTK_EDITABLE (self->client_id_row),
    GTK_EDITABLE (self->client_secret_row), GTK_EDITABLE (self->redirect_row),
    GTK_EDITABLE (self->expiry_row),
  };

  for (guint i = 0; i < G_N_ELEMENTS (editables); i++)
    {
      gtk_editable_set_text (editables[i], "");
      relink_form_set_touched (editables[i], FALSE);
      relink_form_mark_row (editables[i], NULL);
    }
}

static void
keyset_toggled_cb (RelinkKeysetPage *self, GtkCheckButton *check)
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
  emit_changed (self);
}

static GtkWidget *
add_keyset_choice (RelinkKeysetPage *self,
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
fill_keyset_choices (RelinkKeysetPage *self)
{
  GListModel *keysets = relink_account_manager_get_keysets (self->manager);
  GtkWidget *first_check = NULL;
  GtkWidget *new_check;
  guint n = g_list_model_get_n_items (keysets);

  relink_form_remove_all (GTK_WIDGET (self->keyset_list));
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
      if (g_strcmp0 (relink_keyset_get_grant_kind (keyset), RELINK_GRANT_KIND_AUTH_N_AUTH) == 0)
        subtitle
            /* Translators: %s is an eBay App ID (not a secret). */
            = g_strdup_printf (_ ("Auth'n'Auth · App ID %s"), relink_keyset_get_client_id (keyset));
      else
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
fill_redirect_help (RelinkKeysetPage *self)
{
  if (is_auth_n_auth (self))
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->redirect_row), _ ("RuName"));
      gtk_label_set_text (self->redirect_help_label,
                          _ ("App ID, Dev ID and Cert ID are under Application Keys in the eBay "
                             "Developer Portal; the RuName under User Tokens → “Get a Token from "
                             "eBay via Your Application” (Auth'n'Auth)."));
    }
  else if (relink_provider_get_redirect_style (self->provider) == RELINK_REDIRECT_STYLE_RUNAME)
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
}

/* Rebuilds the rows of the marketplace's own keyset values. */
static void
fill_field_rows (RelinkKeysetPage *self)
{
  GPtrArray *fields = kind_fields (self);

  relink_form_remove_all (GTK_WIDGET (self->fields_list));
  relink_form_remove_all (GTK_WIDGET (self->fields_help_box));
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
      relink_ui_name_entry_row (ADW_ENTRY_ROW (row));
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
}

static void
fill_expiry (RelinkKeysetPage *self)
{
  gint64 lifetime = relink_provider_get_client_secret_lifetime (self->provider);
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (GDateTime) expires = NULL;
  g_autofree char *text = NULL;
  g_autofree char *help = NULL;

  if (lifetime <= 0)
    return;

  now = g_date_time_new_now_local ();
  expires = g_date_time_add_seconds (now, (gdouble) lifetime);
  /* ISO 8601, the entry's input format (relink_validate_parse_date()), not a display. */
  text = g_date_time_format (expires, "%Y-%m-%d");
  gtk_editable_set_text (GTK_EDITABLE (self->expiry_row), text);
  relink_form_set_touched (self->expiry_row, FALSE);
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

/* The rows that differ between OAuth and Auth'n'Auth keys. */
static void
fill_kind_form (RelinkKeysetPage *self)
{
  gboolean auth_n_auth = is_auth_n_auth (self);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->client_id_row),
                                 auth_n_auth ? _ ("App ID") : _ ("Client ID"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->client_secret_row),
                                 auth_n_auth ? _ ("Cert ID") : _ ("Client Secret"));
  gtk_widget_set_visible (GTK_WIDGET (self->client_secret_row), needs_client_secret (self));
  fill_redirect_help (self);
  fill_field_rows (self);
  gtk_widget_set_visible (GTK_WIDGET (self->fields_group),
                          self->chosen_keyset == NULL && self->field_rows->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->expiry_group),
                          self->chosen_keyset == NULL && has_secret_lifetime (self));
}

static void
kind_changed_cb (RelinkKeysetPage *self)
{
  if (self->provider == NULL)
    return;

  fill_kind_form (self);
  emit_changed (self);
}

static void
fill_provider_form (RelinkKeysetPage *self)
{
  GPtrArray *environments = relink_provider_get_environments (self->provider);
  g_autoptr (GtkStringList) env_names = gtk_string_list_new (NULL);

  clear_keys_form (self);

  for (guint i = 0; i < environments->len; i++)
    {
      const RelinkProviderEnvironment *env = g_ptr_array_index (environments, i);
      gtk_string_list_append (env_names, env->name);
    }
  adw_combo_row_set_model (self->environment_row, G_LIST_MODEL (env_names));
  adw_combo_row_set_selected (self->environment_row, 0);

  /* Only where the profile offers a second kind is there a choice. */
  {
    g_autoptr (GtkStringList) kinds = gtk_string_list_new (NULL);

    gtk_string_list_append (kinds, _ ("OAuth"));
    gtk_string_list_append (kinds, _ ("Auth'n'Auth (Trading API)"));
    adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (kinds));
    adw_combo_row_set_selected (self->kind_row, 0);
    gtk_widget_set_visible (GTK_WIDGET (self->kind_row),
                            relink_provider_get_auth_n_auth (self->provider) != NULL);
  }

  fill_kind_form (self);
  fill_expiry (self);
}

void
relink_keyset_page_set_provider (RelinkKeysetPage *self,
                                 RelinkAccountManager *manager,
                                 RelinkProvider *provider)
{
  g_return_if_fail (RELINK_IS_KEYSET_PAGE (self));
  g_return_if_fail (RELINK_IS_ACCOUNT_MANAGER (manager));
  g_return_if_fail (RELINK_IS_PROVIDER (provider));

  g_set_object (&self->manager, manager);
  if (provider != self->provider)
    {
      g_set_object (&self->provider, provider);
      fill_provider_form (self);
    }

  /* Keysets may have come and gone since. */
  fill_keyset_choices (self);
}

RelinkProvider *
relink_keyset_page_get_provider (RelinkKeysetPage *self)
{
  g_return_val_if_fail (RELINK_IS_KEYSET_PAGE (self), NULL);

  return self->provider;
}

RelinkKeyset *
relink_keyset_page_get_chosen_keyset (RelinkKeysetPage *self)
{
  g_return_val_if_fail (RELINK_IS_KEYSET_PAGE (self), NULL);

  return self->chosen_keyset;
}

char *
relink_keyset_page_dup_summary (RelinkKeysetPage *self)
{
  g_autofree char *label = NULL;
  GObject *item;
  const char *env;

  g_return_val_if_fail (RELINK_IS_KEYSET_PAGE (self), NULL);

  if (self->chosen_keyset != NULL)
    return relink_keyset_dup_display_name (self->chosen_keyset);

  label = relink_form_dup_trimmed (GTK_EDITABLE (self->label_row));
  if (*label != '\0')
    return g_strdup_printf (_ ("%s (new)"), label);

  item = adw_combo_row_get_selected_item (self->environment_row);
  env = item != NULL ? gtk_string_object_get_string (GTK_STRING_OBJECT (item)) : "";
  /* Translators: marketplace · environment, for keys not saved yet. */
  return g_strdup_printf (_ ("%s · %s (new)"), relink_provider_get_name (self->provider), env);
}

RelinkKeyset *
relink_keyset_page_build_keyset (RelinkKeysetPage *self, GHashTable *secrets)
{
  g_autofree char *id = relink_new_id ();
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new (id);
  GPtrArray *environments = relink_provider_get_environments (self->provider);
  guint env_index = adw_combo_row_get_selected (self->environment_row);
  const RelinkProviderEnvironment *env;
  g_autofree char *label = relink_form_dup_trimmed (GTK_EDITABLE (self->label_row));
  g_autofree char *client_id = relink_form_dup_trimmed (GTK_EDITABLE (self->client_id_row));
  g_autofree char *redirect = relink_form_dup_trimmed (GTK_EDITABLE (self->redirect_row));

  g_return_val_if_fail (self->provider != NULL, NULL);

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
  if (is_auth_n_auth (self))
    relink_keyset_set_grant_kind (keyset, RELINK_GRANT_KIND_AUTH_N_AUTH);

  if (needs_client_secret (self))
    g_hash_table_insert (secrets, g_strdup ("client_secret"),
                         g_strdup (text_of (self->client_secret_row)));

  for (guint i = 0; i < self->field_rows->len; i++)
    {
      AdwEntryRow *row = g_ptr_array_index (self->field_rows, i);
      const RelinkKeysetField *field = g_object_get_data (G_OBJECT (row), FIELD_KEY);

      if (field->secret)
        {
          /* Secrets are not trimmed: what was pasted is what is kept. */
          if (*text_of (row) != '\0')
            g_hash_table_insert (secrets, g_strdup (field->id), g_strdup (text_of (row)));
        }
      else
        {
          g_autofree char *value = relink_form_dup_trimmed (GTK_EDITABLE (row));

          if (*value != '\0')
            relink_keyset_set_extra (keyset, field->id, value);
        }
    }

  if (has_secret_lifetime (self))
    {
      g_autofree char *expiry = relink_form_dup_trimmed (GTK_EDITABLE (self->expiry_row));
      gint64 expires_at = 0;

      if (*expiry != '\0' && relink_validate_parse_date (expiry, &expires_at))
        relink_keyset_set_secret_expires_at (keyset, expires_at);
    }

  return g_steal_pointer (&keyset);
}

void
relink_keyset_page_focus (RelinkKeysetPage *self)
{
  g_return_if_fail (RELINK_IS_KEYSET_PAGE (self));

  if (self->chosen_keyset == NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->client_id_row));
}

void
relink_keyset_page_wipe_secrets (RelinkKeysetPage *self)
{
  g_return_if_fail (RELINK_IS_KEYSET_PAGE (self));

  if (self->client_secret_row != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->client_secret_row), "");
  for (guint i = 0; self->field_rows != NULL && i < self->field_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->field_rows, i);

      if (ADW_IS_PASSWORD_ENTRY_ROW (row))
        gtk_editable_set_text (GTK_EDITABLE (row), "");
    }
}

static void
relink_keyset_page_dispose (GObject *object)
{
  RelinkKeysetPage *self = RELINK_KEYSET_PAGE (object);

  relink_keyset_page_wipe_secrets (self);
  g_clear_pointer (&self->field_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), RELINK_TYPE_KEYSET_PAGE);

  G_OBJECT_CLASS (relink_keyset_page_parent_class)->dispose (object);
}

static void
relink_keyset_page_finalize (GObject *object)
{
  RelinkKeysetPage *self = RELINK_KEYSET_PAGE (object);

  g_clear_object (&self->manager);
  g_clear_object (&self->provider);
  g_clear_object (&self->chosen_keyset);

  G_OBJECT_CLASS (relink_keyset_page_parent_class)->finalize (object);
}

static void
relink_keyset_page_class_init (RelinkKeysetPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = relink_keyset_page_dispose;
  object_class->finalize = relink_keyset_page_finalize;

  /**
   * RelinkKeysetPage::changed:
   *
   * The keys chosen or typed changed: whether they are valid may too.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/relink/Relink/relink-keyset-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetPage, existing_group);
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetPage, keyset_list);
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetPage, new_keys_group);
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetPage, kind_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetPage, environment_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetPage, label_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetPage, client_id_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetPage, client_secret_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetPage, redirect_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetPage, redirect_help_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetPage, keys_error_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetPage, fields_group);
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetPage, fields_list);
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetPage, fields_help_box);
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetPage, fields_error_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetPage, expiry_group);
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetPage, expiry_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetPage, expiry_help_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkKeysetPage, expiry_error_label);
}

static void
relink_keyset_page_init (RelinkKeysetPage *self)
{
  GtkEditable *editables[4];

  gtk_widget_init_template (GTK_WIDGET (self));
  relink_ui_name_entry_rows (GTK_WIDGET (self));
  self->field_rows = g_ptr_array_new ();

  editables[0] = GTK_EDITABLE (self->client_id_row);
  editables[1] = GTK_EDITABLE (self->client_secret_row);
  editables[2] = GTK_EDITABLE (self->redirect_row);
  editables[3] = GTK_EDITABLE (self->expiry_row);
  for (guint i = 0; i < G_N_ELEMENTS (editables); i++)
    g_signal_connect_object (editables[i], "changed", G_CALLBACK (row_changed_cb), self,
                             G_CONNECT_SWAPPED);
  g_signal_connect_object (self->kind_row, "notify::selected", G_CALLBACK (kind_changed_cb), self,
                           G_CONNECT_SWAPPED);
}
