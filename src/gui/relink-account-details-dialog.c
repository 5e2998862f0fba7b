/* relink-account-details-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-account-details-dialog-private.h"
#include "relink-expiry.h"
#include "relink-grant.h"
#include "relink-history-entry.h"
#include "relink-keysets-dialog.h"
#include "relink-login-dialog.h"
#include "relink-marketplace-face.h"
#include "relink-ui-util.h"

/* RelinkAccountDetailsDialog: everything Relink knows about one account
 * (dates, identity, keys, scopes, history), kept current while open, and
 * what can be done with it: test the connection, renew (or connect) it,
 * revoke the authorisation, remove the account. */

G_DEFINE_FINAL_TYPE (RelinkAccountDetailsDialog,
                     relink_account_details_dialog,
                     ADW_TYPE_PREFERENCES_WINDOW)

enum
{
  PROP_0,
  PROP_CONTEXT,
  PROP_ACCOUNT,
  N_PROPS
};

enum
{
  ACCOUNT_REMOVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

#define VALUE_KEY "relink-value-label"
/* GNOME's desktop settings (gsettings-desktop-schemas). */
#define DESKTOP_INTERFACE_SCHEMA "org.gnome.desktop.interface"

static void update (RelinkAccountDetailsDialog *self);
static gboolean reload_history_cb (gpointer user_data);

/* A row with a title and its value at the end, like GNOME Settings' "About". */
static AdwActionRow *
add_value_row (AdwPreferencesGroup *group, const char *name, const char *title, gboolean selectable)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *value = gtk_label_new (NULL);

  gtk_widget_set_name (row, name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_label_set_wrap (GTK_LABEL (value), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (value), 1);
  gtk_label_set_justify (GTK_LABEL (value), GTK_JUSTIFY_RIGHT);
  gtk_label_set_selectable (GTK_LABEL (value), selectable);
  /* Ask for the whole text's width, wrap only when the row is narrower. */
  gtk_label_set_natural_wrap_mode (GTK_LABEL (value), GTK_NATURAL_WRAP_NONE);
  gtk_widget_add_css_class (value, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), value);
  g_object_set_data (G_OBJECT (row), VALUE_KEY, value);
  adw_preferences_group_add (group, row);

  return ADW_ACTION_ROW (row);
}

static void
set_row_value (AdwActionRow *row, const char *value)
{
  GtkLabel *label = g_object_get_data (G_OBJECT (row), VALUE_KEY);

  gtk_label_set_text (label, value != NULL ? value : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  value != NULL ? value : "", -1);
}

/* The desktop's clock: 12 or 24 hours (org.gnome.desktop.interface
 * clock-format, as GNOME's own apps read it), else the locale's. */
static RelinkClockFormat
clock_format (RelinkAccountDetailsDialog *self)
{
  g_autofree char *format = NULL;

  if (self->interface_settings == NULL)
    return RELINK_CLOCK_FORMAT_LOCALE;

  format = g_settings_get_string (self->interface_settings, "clock-format");
  if (g_strcmp0 (format, "12h") == 0)
    return RELINK_CLOCK_FORMAT_12H;
  if (g_strcmp0 (format, "24h") == 0)
    return RELINK_CLOCK_FORMAT_24H;
  return RELINK_CLOCK_FORMAT_LOCALE;
}

static char *
format_moment (gint64 moment, gboolean with_time, RelinkClockFormat format, const char *if_zero)
{
  if (moment == 0)
    return g_strdup (if_zero);

  if (!with_time)
    return relink_expiry_format_date (moment, NULL);

  /* "21 May 2028, 2:05 PM": hours and minutes, as the desktop's clock. */
  return relink_expiry_format_date_time (moment, NULL, format);
}

static void
set_row_moment (RelinkAccountDetailsDialog *self,
                AdwActionRow *row,
                gint64 moment,
                gboolean with_time,
                const char *if_zero)
{
  g_autofree char *text = format_moment (moment, with_time, clock_format (self), if_zero);
  set_row_value (row, text);
}

static gint64
soon_threshold (RelinkAccountDetailsDialog *self)
{
  guint days = RELINK_EXPIRY_DEFAULT_SOON_DAYS;

  if (self->settings != NULL)
    days = g_settings_get_uint (self->settings, "expiring-soon-days");

  return (gint64) days * 24 * 60 * 60;
}

static const char *
program_to_string (const char *program)
{
  if (g_strcmp0 (program, "window") == 0)
    return _ ("Relink window");
  if (g_strcmp0 (program, "background") == 0)
    return _ ("In the background");
  if (program == NULL)
    return "";
  return program;
}

static const char *state_classes[] = { "success", "warning", "error", "dim-label" };

static gboolean countdown_tick_cb (gpointer user_data);

static void
update_countdown (RelinkAccountDetailsDialog *self)
{
  gint64 now = relink_now ();
  gint64 threshold = soon_threshold (self);
  gint64 expires_at = relink_account_get_refresh_expires_at (self->grant);
  RelinkAccountState state = relink_account_get_state (self->grant, now, threshold);
  g_autoptr (GPtrArray) grants = NULL;
  g_autofree char *countdown = NULL;
  gint64 next;

  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), state_classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label), relink_expiry_state_css_class (state));
  gtk_label_set_text (self->state_label, relink_expiry_state_to_string (state));

  if (state == RELINK_ACCOUNT_STATE_NOT_CONNECTED || expires_at == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->separator_label), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), FALSE);
    }
  else
    {
      /* After a refused refresh token, what still works (as on the row). */
      if (state == RELINK_ACCOUNT_STATE_NEEDS_REAUTH)
        countdown = relink_expiry_describe_reauth (
            relink_account_get_access_expires_at (self->grant), now, NULL, FALSE);
      /* Expired: since when, the state says "Expired" already. */
      else if (state == RELINK_ACCOUNT_STATE_EXPIRED)
        countdown = relink_expiry_describe_since (expires_at, now, NULL, FALSE);
      if (countdown == NULL)
        countdown = relink_expiry_describe (expires_at, now, NULL);
      gtk_label_set_text (self->countdown_label, countdown);
      gtk_widget_set_visible (GTK_WIDGET (self->separator_label), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), TRUE);
    }

  /* One wake-up at the next moment a visible text changes; GLib timeouts
   * stop in suspend, so never sleep longer than an hour. */
  g_clear_handle_id (&self->countdown_source, g_source_remove);
  next = RELINK_EXPIRY_NEVER;
  if (expires_at != 0)
    next = MIN (relink_expiry_next_change (expires_at, now, NULL),
                relink_expiry_next_state_change (expires_at, now, threshold));
  if (expires_at != 0 && state == RELINK_ACCOUNT_STATE_NEEDS_REAUTH
      && relink_account_get_access_expires_at (self->grant) > now)
    next = MIN (next, relink_expiry_next_change (relink_account_get_access_expires_at (self->grant),
                                                 now, NULL));
  /* The Tokens rows count down too, each to its own grant's expiry
   * (countdown_tick_cb updates them). */
  grants = relink_grant_list (self->account);
  for (guint i = 0; i < grants->len; i++)
    {
      gint64 other = relink_account_get_refresh_expires_at (g_ptr_array_index (grants, i));

      if (other != 0)
        next = MIN (next, MIN (relink_expiry_next_change (other, now, NULL),
                               relink_expiry_next_state_change (other, now, threshold)));
    }
  if (next == RELINK_EXPIRY_NEVER)
    return;
  self->countdown_source
      = g_timeout_add_seconds ((guint) CLAMP (next - now, 1, 3600), countdown_tick_cb, self);
}

static gboolean
countdown_tick_cb (gpointer user_data)
{
  RelinkAccountDetailsDialog *self = user_data;

  self->countdown_source = 0;
  update_countdown (self);
  relink_account_details_dialog_update_grants (self);

  return G_SOURCE_REMOVE;
}

static void
remove_all_rows (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static GtkWidget *
placeholder_row (const char *text)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  gtk_widget_add_css_class (row, "dim-label");

  return row;
}

static void
update_scopes (RelinkAccountDetailsDialog *self)
{
  const char *scopes = relink_account_get_scopes (self->grant);
  g_auto (GStrv) list = g_strsplit_set (scopes != NULL ? scopes : "", " \t\n", -1);
  guint shown = 0;

  remove_all_rows (self->scopes_list);
  for (guint i = 0; list[i] != NULL; i++)
    {
      GtkWidget *row;
      GtkWidget *label;

      if (*list[i] == '\0')
        continue;

      /* A plain label wraps long scope URLs anywhere; a row title would not. */
      row = gtk_list_box_row_new ();
      label = gtk_label_new (list[i]);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_set_margin_start (label, 12);
      gtk_widget_set_margin_end (label, 12);
      gtk_widget_set_margin_top (label, 12);
      gtk_widget_set_margin_bottom (label, 12);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                      label, NULL, -1);
      gtk_list_box_append (self->scopes_list, row);
      shown++;
    }

  if (shown == 0)
    gtk_list_box_append (self->scopes_list, placeholder_row (_ ("No scopes granted yet")));
}

static void
update (RelinkAccountDetailsDialog *self)
{
  /* The token facts are the shown grant's; the names are the account's. */
  RelinkAccount *account = self->grant;
  RelinkKeyset *keyset = relink_account_get_keyset (account);
  RelinkProvider *provider = keyset != NULL ? relink_keyset_get_provider (keyset) : NULL;
  const RelinkProviderEnvironment *env = NULL;
  const char *identity_name = relink_account_get_identity_name (account);
  const char *identity_id = relink_account_get_identity_id (account);
  const char *expected = relink_grant_get_expected_identity (account);
  const char *status_message = relink_account_get_status_message (account);
  const char *test_message = relink_account_get_last_test_message (account);
  const char *shown_identity;
  g_autoptr (GPtrArray) parts = g_ptr_array_new ();
  g_autofree char *summary = NULL;
  g_autofree char *keys_name = NULL;
  gint64 last_test_at = relink_account_get_last_test_at (account);

  if (provider != NULL && keyset != NULL)
    env = relink_provider_get_environment (provider, relink_keyset_get_environment (keyset));

  gtk_window_set_title (GTK_WINDOW (self), relink_account_get_display_name (account));
  gtk_label_set_text (self->nickname_label, relink_account_get_display_name (account));
  /* The marketplace's face, as in the list. */
  if (self->face == NULL)
    {
      self->face = relink_marketplace_face_new (provider, relink_account_get_display_name (account),
                                                RELINK_MARKETPLACE_FACE_LARGE);
      gtk_box_append (self->face_box, self->face);
    }
  else
    relink_marketplace_face_set (self->face, provider, relink_account_get_display_name (account));

  /* "eBay · shop_name · Sandbox" */
  shown_identity = identity_name != NULL && *identity_name != '\0' ? identity_name : identity_id;
  if (provider != NULL)
    g_ptr_array_add (parts, (gpointer) relink_provider_get_name (provider));
  if (shown_identity != NULL && *shown_identity != '\0')
    g_ptr_array_add (parts, (gpointer) shown_identity);
  if (env != NULL)
    g_ptr_array_add (parts, env->name);
  else if (keyset != NULL && relink_keyset_get_environment (keyset) != NULL)
    g_ptr_array_add (parts, (gpointer) relink_keyset_get_environment (keyset));
  g_ptr_array_add (parts, NULL);
  summary = g_strjoinv (" · ", (char **) parts->pdata);
  gtk_label_set_text (self->summary_label, summary);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_label), *summary != '\0');

  update_countdown (self);

  /* Connection */
  set_row_moment (self, self->authorised_row, relink_account_get_authorised_at (account), FALSE,
                  _ ("Never"));
  set_row_moment (self, self->access_row, relink_account_get_access_expires_at (account), TRUE,
                  _ ("Unknown"));
  set_row_moment (self, self->refresh_row, relink_account_get_refresh_expires_at (account), FALSE,
                  _ ("Unknown"));
  set_row_moment (self, self->last_refresh_row, relink_account_get_last_refresh_at (account), TRUE,
                  _ ("Never"));
  set_row_moment (self, self->last_test_row, last_test_at, TRUE, _ ("Never"));
  if (last_test_at != 0)
    {
      g_autofree char *result = NULL;

      if (test_message != NULL && *test_message != '\0')
        result = g_strdup (test_message);
      else
        result = g_strdup (relink_account_get_last_test_ok (account) ? _ ("Passed") : _ ("Failed"));
      adw_action_row_set_subtitle (self->last_test_row, result);
      if (relink_account_get_last_test_ok (account))
        gtk_widget_remove_css_class (GTK_WIDGET (self->last_test_row), "error");
      else
        gtk_widget_add_css_class (GTK_WIDGET (self->last_test_row), "error");
    }
  else
    {
      adw_action_row_set_subtitle (self->last_test_row, NULL);
      gtk_widget_remove_css_class (GTK_WIDGET (self->last_test_row), "error");
    }

  gtk_widget_set_visible (GTK_WIDGET (self->status_row),
                          status_message != NULL && *status_message != '\0');
  adw_action_row_set_subtitle (self->status_row, status_message);
  /* Refused developer keys are fixed in the keys dialog, not by a renewal. */
  gtk_widget_set_visible (self->keys_button, keyset != NULL && relink_keyset_get_invalid (keyset));

  relink_account_details_dialog_update_actions (self);

  /* Identity */
  set_row_value (self->identity_id_row, identity_id != NULL && *identity_id != '\0'
                                            ? identity_id
                                            : _ ("Not verified yet"));
  set_row_value (self->identity_name_row,
                 identity_name != NULL && *identity_name != '\0' ? identity_name : _ ("Unknown"));
  set_row_value (self->expected_row,
                 expected != NULL && *expected != '\0' ? expected : _ ("Anyone"));

  /* Developer keys */
  if (keyset != NULL)
    {
      keys_name = relink_keyset_dup_display_name (keyset);
      set_row_value (self->keys_name_row, keys_name);
      set_row_value (self->client_id_row, relink_keyset_get_client_id (keyset));
      set_row_value (self->environment_row,
                     env != NULL ? env->name : relink_keyset_get_environment (keyset));
    }
  else
    {
      set_row_value (self->keys_name_row, _ ("Missing"));
      set_row_value (self->client_id_row, _ ("Unknown"));
      set_row_value (self->environment_row, _ ("Unknown"));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->client_id_row), keyset != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->environment_row), keyset != NULL);

  update_scopes (self);
}

void
relink_account_details_dialog_grant_changed (RelinkAccountDetailsDialog *self)
{
  update (self);

  /* A refresh or test changes several properties at once: read the
   * history once for all of them. */
  if (self->history_source == 0)
    self->history_source = g_idle_add (reload_history_cb, self);
}

void
relink_account_details_dialog_update_actions (RelinkAccountDetailsDialog *self)
{
  RelinkAccountState state
      = relink_account_get_state (self->grant, relink_now (), soon_threshold (self));
  gboolean connected
      = relink_account_get_status (self->grant) != RELINK_ACCOUNT_STATUS_NOT_CONNECTED;

  gtk_button_set_label (self->renew_button, connected ? _ ("_Renew") : _ ("_Connect"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->renew_button),
                               connected ? _ ("Sign in again to renew this connection")
                                         : _ ("Sign in to connect this account"));
  /* The way out of a lapsed connection is the renewal: make it the
   * obvious button then. */
  if (relink_expiry_state_needs_attention (state) && state != RELINK_ACCOUNT_STATE_ERROR)
    gtk_widget_add_css_class (GTK_WIDGET (self->renew_button), "suggested-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->renew_button), "suggested-action");

  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button),
                            connected && !self->testing && !self->revoking);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->test_button),
                               connected ? _ ("Ask the marketplace who the token belongs to")
                                         : _ ("Connect the account first"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->renew_button), !self->revoking);
  /* A temporary failure (server error, offline) fixes itself: Relink
   * retries, and the seller can have it retry now. */
  gtk_widget_set_visible (self->retry_button, state == RELINK_ACCOUNT_STATE_ERROR);
  if (state == RELINK_ACCOUNT_STATE_ERROR)
    gtk_widget_set_visible (GTK_WIDGET (self->status_row), TRUE);
  gtk_widget_set_sensitive (self->retry_button,
                            !self->retrying && !self->revoking && !self->testing);
  gtk_widget_set_visible (GTK_WIDGET (self->revoke_button), connected || self->revoking);
  gtk_widget_set_sensitive (GTK_WIDGET (self->revoke_button), !self->revoking && !self->removing);

  /* The Tokens rows' buttons follow the same rules. */
  relink_account_details_dialog_update_grants (self);
}

/* The process's one token service, so that a Test here and a refresh
 * elsewhere of the same account join. */
RelinkTokenService *
relink_account_details_dialog_get_service (RelinkAccountDetailsDialog *self)
{
  return self->service;
}

/* History */

static GtkWidget *
create_history_row (RelinkHistoryEntry *entry, RelinkClockFormat format)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;
  GtkWidget *box;
  GtkWidget *when;
  GtkWidget *program;
  const char *message = relink_history_entry_get_message (entry);
  gboolean ok = relink_history_entry_get_ok (entry);
  g_autofree char *moment
      = format_moment (relink_history_entry_get_at (entry), TRUE, format, _ ("Unknown"));
  g_autofree char *description = NULL;

  adw_preferences_row_set_title (
      ADW_PREFERENCES_ROW (row),
      relink_history_kind_to_string (relink_history_entry_get_kind (entry)));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (message != NULL && *message != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), message);

  icon = gtk_image_new_from_icon_name (ok ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
  gtk_widget_add_css_class (icon, ok ? "success" : "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  ok ? _ ("Succeeded") : _ ("Failed"), -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  when = gtk_label_new (moment);
  gtk_label_set_xalign (GTK_LABEL (when), 1);
  gtk_widget_add_css_class (when, "caption");
  program = gtk_label_new (program_to_string (relink_history_entry_get_program (entry)));
  gtk_label_set_xalign (GTK_LABEL (program), 1);
  gtk_widget_add_css_class (program, "caption");
  gtk_widget_add_css_class (program, "dim-label");
  gtk_box_append (GTK_BOX (box), when);
  gtk_box_append (GTK_BOX (box), program);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);

  /* Translators: history row for screen readers: "Succeeded, 21 May 2028, 14:05, relinkctl". */
  description = g_strdup_printf (_ ("%s, %s, %s"), ok ? _ ("Succeeded") : _ ("Failed"), moment,
                                 program_to_string (relink_history_entry_get_program (entry)));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description, -1);

  return row;
}

static void
load_history_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkAccountDetailsDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GListModel) history = NULL;
  guint n;

  history = relink_account_manager_load_history_finish (RELINK_ACCOUNT_MANAGER (source), result,
                                                        &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_spinner_set_spinning (self->history_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->history_spinner), FALSE);
  remove_all_rows (self->history_list);

  if (history == NULL)
    {
      g_autofree char *text
          = g_strdup_printf (_ ("Could not read the history: %s"), error->message);
      gtk_list_box_append (self->history_list, placeholder_row (text));
      return;
    }

  n = g_list_model_get_n_items (history);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (RelinkHistoryEntry) entry = g_list_model_get_item (history, i);
      gtk_list_box_append (self->history_list, create_history_row (entry, clock_format (self)));
    }
  if (n == 0)
    gtk_list_box_append (self->history_list, placeholder_row (_ ("No history yet")));
}

void
relink_account_details_dialog_load_history (RelinkAccountDetailsDialog *self)
{
  g_cancellable_cancel (self->history_cancellable);
  g_clear_object (&self->history_cancellable);
  self->history_cancellable = g_cancellable_new ();

  gtk_widget_set_visible (GTK_WIDGET (self->history_spinner), TRUE);
  gtk_spinner_set_spinning (self->history_spinner, TRUE);
  relink_account_manager_load_history_async (self->manager, self->grant, self->history_cancellable,
                                             load_history_done_cb, g_object_ref (self));
}

static gboolean
reload_history_cb (gpointer user_data)
{
  RelinkAccountDetailsDialog *self = user_data;

  self->history_source = 0;
  relink_account_details_dialog_load_history (self);

  return G_SOURCE_REMOVE;
}

static void
account_notify_cb (RelinkAccountDetailsDialog *self)
{
  relink_account_details_dialog_grant_changed (self);
}

static void
accounts_changed_cb (RelinkAccountDetailsDialog *self)
{
  /* Removed elsewhere (another window or relinkctl): nothing left to show. */
  if (!self->removing
      && relink_account_manager_lookup_account (self->manager,
                                                relink_account_get_id (self->account))
             == NULL)
    gtk_window_destroy (GTK_WINDOW (self));
}

/* Removal */

static void
remove_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkAccountDetailsDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;

  if (!relink_account_manager_remove_account_finish (RELINK_ACCOUNT_MANAGER (source), result,
                                                     &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      self->removing = FALSE;
      gtk_widget_set_sensitive (GTK_WIDGET (self->remove_button), TRUE);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                        adw_toast_new (error->message));
      return;
    }

  name = g_strdup (relink_account_get_display_name (self->account));
  g_signal_emit (self, signals[ACCOUNT_REMOVED], 0, name);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
confirm_response_cb (RelinkAccountDetailsDialog *self, const char *response)
{
  if (g_strcmp0 (response, "remove") != 0 || self->removing)
    return;

  self->removing = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->remove_button), FALSE);
  relink_account_manager_remove_account_async (self->manager, self->account, self->cancellable,
                                               remove_done_cb, g_object_ref (self));
}

static void
remove_clicked_cb (RelinkAccountDetailsDialog *self)
{
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  heading = g_strdup_printf (_ ("Remove “%s”?"), relink_account_get_display_name (self->account));
  dialog = relink_ui_destructive_dialog_new (
      GTK_WINDOW (self), heading,
      _ ("Relink forgets this account and deletes its tokens from the keyring. The marketplace "
         "authorization itself stays until you revoke it on the marketplace."),
      "remove", _ ("_Remove"));
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
soon_days_changed_cb (RelinkAccountDetailsDialog *self)
{
  update_countdown (self);
  relink_account_details_dialog_update_grants (self);
}

static void
clock_format_changed_cb (RelinkAccountDetailsDialog *self)
{
  relink_account_details_dialog_grant_changed (self);
  relink_account_details_dialog_load_history (self);
}

static void
relink_account_details_dialog_constructed (GObject *object)
{
  RelinkAccountDetailsDialog *self = RELINK_ACCOUNT_DETAILS_DIALOG (object);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  G_OBJECT_CLASS (relink_account_details_dialog_parent_class)->constructed (object);

  g_return_if_fail (RELINK_IS_ACCOUNT_MANAGER (self->manager));
  g_return_if_fail (RELINK_IS_ACCOUNT (self->account));

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema != NULL)
    {
      self->settings = g_settings_new (APPLICATION_ID);
      g_signal_connect_object (self->settings, "changed::expiring-soon-days",
                               G_CALLBACK (soon_days_changed_cb), self, G_CONNECT_SWAPPED);
    }
  g_clear_pointer (&schema, g_settings_schema_unref);

  /* Times of day follow the desktop's clock, and change with it. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, DESKTOP_INTERFACE_SCHEMA, TRUE);
  if (schema != NULL && g_settings_schema_has_key (schema, "clock-format"))
    {
      self->interface_settings = g_settings_new (DESKTOP_INTERFACE_SCHEMA);
      g_signal_connect_object (self->interface_settings, "changed::clock-format",
                               G_CALLBACK (clock_format_changed_cb), self, G_CONNECT_SWAPPED);
    }

  g_signal_connect_object (self->account, "notify", G_CALLBACK (account_notify_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (relink_account_manager_get_accounts (self->manager), "items-changed",
                           G_CALLBACK (accounts_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (relink_account_get_extra_grants (self->account), "items-changed",
                           G_CALLBACK (relink_account_details_dialog_update_grants), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (relink_account_manager_get_keysets (self->manager), "items-changed",
                           G_CALLBACK (relink_account_details_dialog_update_grants), self,
                           G_CONNECT_SWAPPED);

  /* Opened on the grant that needs the seller most. */
  relink_account_details_dialog_show_grant (
      self, self->grant != NULL
                ? self->grant
                : relink_grant_most_urgent (self->account, relink_now (), soon_threshold (self)));
}

static gboolean
relink_account_details_dialog_close_request (GtkWindow *window)
{
  RelinkAccountDetailsDialog *self = RELINK_ACCOUNT_DETAILS_DIALOG (window);

  g_cancellable_cancel (self->history_cancellable);

  return GTK_WINDOW_CLASS (relink_account_details_dialog_parent_class)->close_request (window);
}

static void
relink_account_details_dialog_dispose (GObject *object)
{
  RelinkAccountDetailsDialog *self = RELINK_ACCOUNT_DETAILS_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->history_cancellable);
  g_clear_handle_id (&self->countdown_source, g_source_remove);
  g_clear_handle_id (&self->history_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), RELINK_TYPE_ACCOUNT_DETAILS_DIALOG);

  G_OBJECT_CLASS (relink_account_details_dialog_parent_class)->dispose (object);
}

static void
relink_account_details_dialog_finalize (GObject *object)
{
  RelinkAccountDetailsDialog *self = RELINK_ACCOUNT_DETAILS_DIALOG (object);

  g_clear_object (&self->manager);
  g_clear_object (&self->account);
  g_clear_object (&self->grant);
  g_clear_pointer (&self->grant_rows, g_ptr_array_unref);
  g_clear_pointer (&self->candidate_rows, g_ptr_array_unref);
  g_clear_object (&self->adding);
  g_clear_object (&self->service);
  g_clear_object (&self->context);
  g_clear_object (&self->settings);
  g_clear_object (&self->interface_settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->history_cancellable);
  g_clear_object (&self->button_column);

  G_OBJECT_CLASS (relink_account_details_dialog_parent_class)->finalize (object);
}

static void
relink_account_details_dialog_get_property (GObject *object,
                                            guint prop_id,
                                            GValue *value,
                                            GParamSpec *pspec)
{
  RelinkAccountDetailsDialog *self = RELINK_ACCOUNT_DETAILS_DIALOG (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        g_value_set_object (value, self->context);
        break;
      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_account_details_dialog_set_property (GObject *object,
                                            guint prop_id,
                                            const GValue *value,
                                            GParamSpec *pspec)
{
  RelinkAccountDetailsDialog *self = RELINK_ACCOUNT_DETAILS_DIALOG (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        self->context = g_value_dup_object (value);
        self->manager = g_object_ref (relink_context_get_manager (self->context));
        self->service = g_object_ref (relink_context_get_token_service (self->context));
        break;
      case PROP_ACCOUNT:
        {
          RelinkAccount *account = g_value_get_object (value);

          /* A further grant opens its account, showing that grant. */
          self->account = g_object_ref (relink_account_get_account (account));
          if (account != self->account)
            self->grant = g_object_ref (account);
        }
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* From this width on a grant row's buttons stand side by side: above
 * the narrowest the dialog can be with them so (417 px in German, less
 * in English), so that it can always be made narrower and fold them. */
#define BUTTONS_SIDE_BY_SIDE_WIDTH 500

static void
relink_account_details_dialog_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  RelinkAccountDetailsDialog *self = RELINK_ACCOUNT_DETAILS_DIALOG (widget);
  gboolean narrow = width < BUTTONS_SIDE_BY_SIDE_WIDTH;

  /* Before the rows are allocated, in this same pass: no frame shows
   * the other layout. */
  if (narrow != self->narrow)
    relink_account_details_dialog_set_narrow (self, narrow);

  GTK_WIDGET_CLASS (relink_account_details_dialog_parent_class)
      ->size_allocate (widget, width, height, baseline);
}

static void
relink_account_details_dialog_class_init (RelinkAccountDetailsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = relink_account_details_dialog_constructed;
  object_class->dispose = relink_account_details_dialog_dispose;
  object_class->finalize = relink_account_details_dialog_finalize;
  object_class->get_property = relink_account_details_dialog_get_property;
  object_class->set_property = relink_account_details_dialog_set_property;
  widget_class->size_allocate = relink_account_details_dialog_size_allocate;
  window_class->close_request = relink_account_details_dialog_close_request;

  properties[PROP_CONTEXT]
      = g_param_spec_object ("context", NULL, NULL, RELINK_TYPE_CONTEXT,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCOUNT]
      = g_param_spec_object ("account", NULL, NULL, RELINK_TYPE_ACCOUNT,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * RelinkAccountDetailsDialog::account-removed:
   * @display_name: the name the account had, for a toast
   *
   * Emitted after the account was removed, right before the dialog closes.
   */
  signals[ACCOUNT_REMOVED]
      = g_signal_new ("account-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/io/github/relink/Relink/relink-account-details-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, face_box);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, nickname_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, state_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, separator_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, grants_group);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, connection_group);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, identity_group);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, keys_group);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, scopes_list);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, history_list);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, history_spinner);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, remove_button);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, test_button);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, renew_button);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, revoke_button);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, result_box);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, result_spinner);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, result_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountDetailsDialog, forget_button);
  gtk_widget_class_bind_template_callback (widget_class, remove_clicked_cb);
  gtk_widget_class_bind_template_callback_full (
      widget_class, "forget_clicked_cb",
      G_CALLBACK (relink_account_details_dialog_forget_clicked_cb));
  gtk_widget_class_bind_template_callback_full (
      widget_class, "test_clicked_cb", G_CALLBACK (relink_account_details_dialog_test_clicked_cb));
  gtk_widget_class_bind_template_callback_full (
      widget_class, "renew_clicked_cb",
      G_CALLBACK (relink_account_details_dialog_renew_clicked_cb));
  gtk_widget_class_bind_template_callback_full (
      widget_class, "revoke_clicked_cb",
      G_CALLBACK (relink_account_details_dialog_revoke_clicked_cb));

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
relink_account_details_dialog_init (RelinkAccountDetailsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->narrow = TRUE;

  /* Two pill buttons side by side are wider than a phone: their labels
   * wrap instead ("Remove / Account…"). gtk_button_set_label() keeps the
   * label widget, and with it the wrapping. */
  {
    GtkButton *pills[]
        = { self->test_button, self->renew_button, self->revoke_button, self->remove_button };

    for (guint i = 0; i < G_N_ELEMENTS (pills); i++)
      {
        GtkLabel *label = GTK_LABEL (gtk_button_get_child (pills[i]));

        gtk_label_set_wrap (label, TRUE);
        gtk_label_set_justify (label, GTK_JUSTIFY_CENTER);
      }
  }

  self->cancellable = g_cancellable_new ();

  self->authorised_row
      = add_value_row (self->connection_group, "authorised", _ ("Authorized"), FALSE);
  self->access_row
      = add_value_row (self->connection_group, "access-expires", _ ("Access Token Expires"), FALSE);
  self->refresh_row = add_value_row (self->connection_group, "refresh-expires",
                                     _ ("Authorization Expires"), FALSE);
  self->last_refresh_row
      = add_value_row (self->connection_group, "last-refresh", _ ("Last Refresh"), FALSE);
  self->last_test_row = add_value_row (self->connection_group, "last-test", _ ("Last Test"), FALSE);
  self->status_row = ADW_ACTION_ROW (adw_action_row_new ());
  gtk_widget_set_name (GTK_WIDGET (self->status_row), "status");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->status_row), _ ("Status"));
  adw_action_row_set_icon_name (self->status_row, "dialog-warning-symbolic");
  adw_action_row_set_subtitle_lines (self->status_row, 0);
  self->keys_button = gtk_button_new_with_mnemonic (_ ("_Developer Keys…"));
  gtk_widget_set_valign (self->keys_button, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (self->keys_button, FALSE);
  g_signal_connect_object (self->keys_button, "clicked",
                           G_CALLBACK (relink_account_details_dialog_keys_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (self->status_row, self->keys_button);
  /* Waiting for the automatic retry is not the only way. */
  self->retry_button = gtk_button_new_with_mnemonic (_ ("Retry _Now"));
  gtk_widget_set_name (self->retry_button, "retry-button");
  gtk_widget_set_valign (self->retry_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->retry_button,
                               _ ("Ask the marketplace again now instead of waiting"));
  gtk_widget_set_visible (self->retry_button, FALSE);
  g_signal_connect_object (self->retry_button, "clicked",
                           G_CALLBACK (relink_account_details_dialog_retry_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (self->status_row, self->retry_button);
  self->button_column = gtk_size_group_new (GTK_SIZE_GROUP_HORIZONTAL);
  gtk_size_group_add_widget (self->button_column, self->retry_button);
  adw_preferences_group_add (self->connection_group, GTK_WIDGET (self->status_row));

  self->identity_id_row
      = add_value_row (self->identity_group, "identity-id", _ ("Account ID"), TRUE);
  self->identity_name_row = add_value_row (self->identity_group, "identity-name", _ ("Name"), TRUE);
  self->expected_row
      = add_value_row (self->identity_group, "expected-identity", _ ("Expected Identity"), TRUE);

  self->keys_name_row = add_value_row (self->keys_group, "keys-name", _ ("Keys"), FALSE);
  self->client_id_row = add_value_row (self->keys_group, "client-id", _ ("Client ID"), TRUE);
  self->environment_row = add_value_row (self->keys_group, "environment", _ ("Environment"), FALSE);
}

/**
 * relink_account_details_dialog_new:
 * @parent: (nullable): the window the dialog belongs to
 * @context: the process's context, whose manager holds @account; Test,
 *   Renew and Revoke use its token service
 * @account: the account to show
 *
 * Returns: (transfer none): the new dialog, not yet presented
 */
GtkWindow *
relink_account_details_dialog_new (GtkWindow *parent,
                                   RelinkContext *context,
                                   RelinkAccount *account)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (RELINK_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (relink_context_get_manager (context) != NULL, NULL);
  g_return_val_if_fail (RELINK_IS_ACCOUNT (account), NULL);

  return g_object_new (RELINK_TYPE_ACCOUNT_DETAILS_DIALOG, "context", context, "account", account,
                       "transient-for", parent, NULL);
}

RelinkTokenService *
relink_account_details_dialog_get_token_service (RelinkAccountDetailsDialog *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_DETAILS_DIALOG (self), NULL);

  return relink_account_details_dialog_get_service (self);
}
