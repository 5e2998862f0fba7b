/* relink-account-details-grants.c: the details dialog's list of grants
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* An account may hold several grants (HACKING.md, "Grant"), e.g. eBay
 * OAuth and Auth'n'Auth: the Tokens group lists each with its state and
 * countdown and its own Renew, Test and Revoke. A button first shows its
 * grant in the sections below, then acts on it as the dialog's own
 * buttons do (relink-account-details-actions.c). */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-account-details-dialog-private.h"
#include "relink-expiry.h"
#include "relink-grant.h"

static void
grant_notify_cb (RelinkAccountDetailsDialog *self)
{
  relink_account_details_dialog_grant_changed (self);
}

void
relink_account_details_dialog_show_grant (RelinkAccountDetailsDialog *self, RelinkAccount *grant)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (grant));

  if (self->grant != NULL && self->grant_notify_id != 0)
    g_clear_signal_handler (&self->grant_notify_id, self->grant);

  g_set_object (&self->grant, grant);
  /* The account's own grant is watched with the account. */
  if (grant != self->account)
    self->grant_notify_id = g_signal_connect_object (grant, "notify", G_CALLBACK (grant_notify_cb),
                                                     self, G_CONNECT_SWAPPED);

  gtk_widget_set_visible (self->result_box, FALSE);
  relink_account_details_dialog_grant_changed (self);
  relink_account_details_dialog_load_history (self);
}

RelinkAccount *
relink_account_details_dialog_get_grant (RelinkAccountDetailsDialog *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_DETAILS_DIALOG (self), NULL);

  return self->grant;
}

/* The grant a row or one of its buttons stands for. */
static RelinkAccount *
grant_of (GtkWidget *widget)
{
  return g_object_get_data (G_OBJECT (widget), "relink-grant");
}

static void
grant_activated_cb (RelinkAccountDetailsDialog *self, AdwActionRow *row)
{
  relink_account_details_dialog_show_grant (self, grant_of (GTK_WIDGET (row)));
}

static void
grant_renew_clicked_cb (RelinkAccountDetailsDialog *self, GtkButton *button)
{
  relink_account_details_dialog_show_grant (self, grant_of (GTK_WIDGET (button)));
  relink_account_details_dialog_renew_clicked_cb (self);
}

static void
grant_test_clicked_cb (RelinkAccountDetailsDialog *self, GtkButton *button)
{
  relink_account_details_dialog_show_grant (self, grant_of (GTK_WIDGET (button)));
  relink_account_details_dialog_test_clicked_cb (self);
}

static void
grant_revoke_clicked_cb (RelinkAccountDetailsDialog *self, GtkButton *button)
{
  relink_account_details_dialog_show_grant (self, grant_of (GTK_WIDGET (button)));
  relink_account_details_dialog_revoke_clicked_cb (self);
}

/* A row's buttons stand side by side at its end where the dialog is
 * wide enough; where it is not (a phone, 360 px) one under the other,
 * since three side by side left too little room for the grant's name
 * ("OA-uth"). In a column they share the width of the column the
 * dialog's other row buttons make (button_column). */
static void
lay_out_buttons (RelinkAccountDetailsDialog *self, AdwActionRow *row)
{
  GtkWidget *box = g_object_get_data (G_OBJECT (row), "buttons");
  GtkOrientation orientation = self->narrow ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL;

  /* Made side by side, outside the column. */
  if (gtk_orientable_get_orientation (GTK_ORIENTABLE (box)) == orientation)
    return;

  gtk_orientable_set_orientation (GTK_ORIENTABLE (box), orientation);
  for (GtkWidget *button = gtk_widget_get_first_child (box); button != NULL;
       button = gtk_widget_get_next_sibling (button))
    if (self->narrow)
      gtk_size_group_add_widget (self->button_column, button);
    else
      gtk_size_group_remove_widget (self->button_column, button);
}

void
relink_account_details_dialog_set_narrow (RelinkAccountDetailsDialog *self, gboolean narrow)
{
  self->narrow = narrow;
  if (self->grant_rows != NULL)
    for (guint i = 0; i < self->grant_rows->len; i++)
      lay_out_buttons (self, g_ptr_array_index (self->grant_rows, i));
}

/* Each row has a Renew, a Test and a Revoke: for a screen reader, which
 * names a button it moves to without its row, each says whose it is in
 * @accessible_label (its visible label first, as voice control expects).
 * Renew's (both, NULL) come with its first update. */
static GtkWidget *
add_button (RelinkAccountDetailsDialog *self,
            GtkWidget *column,
            RelinkAccount *grant,
            const char *name,
            const char *label,
            const char *accessible_label,
            GCallback callback)
{
  GtkWidget *button = gtk_button_new ();

  gtk_button_set_use_underline (GTK_BUTTON (button), TRUE);
  if (label != NULL)
    gtk_button_set_label (GTK_BUTTON (button), label);
  gtk_widget_set_name (button, name);
  if (accessible_label != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    accessible_label, -1);
  g_object_set_data_full (G_OBJECT (button), "relink-grant", g_object_ref (grant), g_object_unref);
  g_signal_connect_object (button, "clicked", callback, self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (column), button);

  return button;
}

static AdwActionRow *
create_grant_row (RelinkAccountDetailsDialog *self, RelinkAccount *grant)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  g_autofree char *name = g_strconcat ("grant-", relink_account_get_grant_name (grant), NULL);
  GtkWidget *mark = gtk_image_new_from_icon_name ("object-select-symbolic");
  const char *title = relink_grant_get_label (grant);
  g_autofree char *test_label = NULL;
  g_autofree char *revoke_label = NULL;
  GtkWidget *column;

  gtk_widget_set_name (GTK_WIDGET (row), name);
  /* Which grant the sections below are about: a check mark, as GNOME's
   * lists mark their chosen row. Always there, so that the titles line
   * up; seen only on the shown grant's row. */
  gtk_widget_set_name (mark, "grant-shown");
  adw_action_row_add_prefix (row, mark);
  g_object_set_data (G_OBJECT (row), "mark", mark);
  g_object_set_data_full (G_OBJECT (row), "relink-grant", g_object_ref (grant), g_object_unref);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_signal_connect_object (row, "activated", G_CALLBACK (grant_activated_cb), self,
                           G_CONNECT_SWAPPED);

  column = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_valign (column, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (column, 6);
  gtk_widget_set_margin_bottom (column, 6);
  adw_action_row_add_suffix (row, column);
  g_object_set_data (G_OBJECT (row), "buttons", column);
  /* Translators: the name screen readers say for a token's Test button
   * in an account's list of tokens: "Test the OAuth token". Begin with
   * the button's own label. */
  test_label = g_strdup_printf (_ ("Test the %s token"), title);
  /* Translators: as "Test the %s token", for its Revoke button. */
  revoke_label = g_strdup_printf (_ ("Revoke the %s token"), title);
  g_object_set_data (G_OBJECT (row), "renew",
                     add_button (self, column, grant, "grant-renew", NULL, NULL,
                                 G_CALLBACK (grant_renew_clicked_cb)));
  g_object_set_data (G_OBJECT (row), "test",
                     add_button (self, column, grant, "grant-test", _ ("_Test"), test_label,
                                 G_CALLBACK (grant_test_clicked_cb)));
  g_object_set_data (G_OBJECT (row), "revoke",
                     add_button (self, column, grant, "grant-revoke", _ ("Re_voke"), revoke_label,
                                 G_CALLBACK (grant_revoke_clicked_cb)));
  lay_out_buttons (self, row);

  return row;
}

/* Adding a grant of another kind: the row, then the sign-in. */

static void
grant_added_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkAccountDetailsDialog) self = user_data;
  g_autoptr (RelinkAccount) grant = g_steal_pointer (&self->adding);
  g_autoptr (GError) error = NULL;

  if (!relink_account_manager_add_account_finish (RELINK_ACCOUNT_MANAGER (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                          adw_toast_new (error->message));
      relink_account_details_dialog_update_grants (self);
      return;
    }

  /* Saved and linked to the account: sign in with it. */
  relink_account_details_dialog_show_grant (self, grant);
  relink_account_details_dialog_renew_clicked_cb (self);
}

static void
grant_add_clicked_cb (RelinkAccountDetailsDialog *self, GtkButton *button)
{
  RelinkKeyset *keyset = g_object_get_data (G_OBJECT (button), "relink-keyset");

  if (self->adding != NULL)
    return;

  self->adding = relink_grant_new (self->account, keyset);
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  relink_account_manager_add_account_async (self->manager, self->adding, self->cancellable,
                                            grant_added_cb, g_object_ref (self));
}

static AdwActionRow *
create_candidate_row (RelinkAccountDetailsDialog *self, RelinkKeyset *keyset)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  const char *kind = relink_keyset_get_grant_kind (keyset);
  g_autofree char *name = g_strconcat ("add-", kind, NULL);
  g_autofree char *keys = relink_keyset_dup_display_name (keyset);
  g_autofree char *subtitle = NULL;
  GtkWidget *button = gtk_button_new_with_mnemonic (_ ("_Connect"));

  gtk_widget_set_name (GTK_WIDGET (row), name);
  g_object_set_data_full (G_OBJECT (row), "relink-keyset", g_object_ref (keyset), g_object_unref);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), relink_grant_kind_get_label (kind));
  /* Translators: a token the account could have: "Not connected · with eBay · Trading keys". */
  subtitle = g_strdup_printf (_ ("Not connected · with %s"), keys);
  adw_action_row_set_subtitle (row, subtitle);

  gtk_widget_set_name (button, "grant-add");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_size_group_add_widget (self->button_column, button);
  gtk_widget_set_tooltip_text (button, _ ("Sign in to add this token to the account"));
  g_object_set_data_full (G_OBJECT (button), "relink-keyset", g_object_ref (keyset),
                          g_object_unref);
  g_signal_connect_object (button, "clicked", G_CALLBACK (grant_add_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (row, button);

  return row;
}

/* Brings the offer rows in line with the keys that could add a grant;
 * returns how many there are. */
static guint
update_candidates (RelinkAccountDetailsDialog *self)
{
  g_autoptr (GPtrArray) keysets = relink_grant_candidate_keysets (
      self->account, relink_account_manager_get_keysets (self->manager));
  gboolean same = self->candidate_rows != NULL && self->candidate_rows->len == keysets->len;

  for (guint i = 0; same && i < keysets->len; i++)
    same = g_object_get_data (g_ptr_array_index (self->candidate_rows, i), "relink-keyset")
           == g_ptr_array_index (keysets, i);
  if (same)
    return keysets->len;

  if (self->candidate_rows != NULL)
    for (guint i = 0; i < self->candidate_rows->len; i++)
      adw_preferences_group_remove (self->grants_group,
                                    g_ptr_array_index (self->candidate_rows, i));
  g_clear_pointer (&self->candidate_rows, g_ptr_array_unref);
  self->candidate_rows = g_ptr_array_new ();
  for (guint i = 0; i < keysets->len; i++)
    {
      AdwActionRow *row = create_candidate_row (self, g_ptr_array_index (keysets, i));

      g_ptr_array_add (self->candidate_rows, row);
      adw_preferences_group_add (self->grants_group, GTK_WIDGET (row));
    }

  return keysets->len;
}

/* Renew, or Connect for a grant not connected yet, and its name for
 * screen readers: set when it changes, not at every countdown tick,
 * which would have a screen reader hear of a new name each time. */
static void
update_renew_button (AdwActionRow *row, RelinkAccount *grant, gboolean connected)
{
  GtkButton *button = g_object_get_data (G_OBJECT (row), "renew");
  const char *label = connected ? _ ("_Renew") : _ ("_Connect");
  g_autofree char *name = NULL;

  if (g_strcmp0 (gtk_button_get_label (button), label) == 0)
    return;

  gtk_button_set_label (button, label);
  if (connected)
    /* Translators: as "Test the %s token", for its Renew button. */
    name = g_strdup_printf (_ ("Renew the %s token"), relink_grant_get_label (grant));
  else
    /* Translators: as "Test the %s token", for the button of a token
     * not connected yet, which says "Connect". */
    name = g_strdup_printf (_ ("Connect the %s token"), relink_grant_get_label (grant));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

/* The state, countdown and buttons of one grant's row. */
static void
update_grant_row (RelinkAccountDetailsDialog *self, AdwActionRow *row, gint64 threshold)
{
  RelinkAccount *grant = grant_of (GTK_WIDGET (row));
  gint64 now = relink_now ();
  RelinkAccountState state = relink_account_get_state (grant, now, threshold);
  gboolean connected = relink_account_get_status (grant) != RELINK_ACCOUNT_STATUS_NOT_CONNECTED;
  gboolean busy = self->testing || self->revoking;
  g_autofree char *subtitle = NULL;

  if (state == RELINK_ACCOUNT_STATE_NOT_CONNECTED)
    subtitle = g_strdup (relink_expiry_state_to_string (state));
  else
    {
      gint64 expires_at = relink_account_get_refresh_expires_at (grant);
      g_autofree char *countdown = NULL;

      /* Expired: since when, not "Expired · expired 2 days ago". */
      if (state == RELINK_ACCOUNT_STATE_EXPIRED)
        countdown = relink_expiry_describe_since (expires_at, now, NULL, FALSE);
      if (countdown == NULL)
        countdown = relink_expiry_describe (expires_at, now, NULL);

      /* Translators: a token's state and countdown: "Valid · expires in 540 days". */
      subtitle = g_strdup_printf (_ ("%s · %s"), relink_expiry_state_to_string (state), countdown);
    }
  adw_action_row_set_subtitle (row, subtitle);

  if (grant == self->grant)
    gtk_widget_add_css_class (GTK_WIDGET (row), "selected-grant");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "selected-grant");
  gtk_widget_set_opacity (g_object_get_data (G_OBJECT (row), "mark"), grant == self->grant ? 1 : 0);
  gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_SELECTED,
                               grant == self->grant, -1);

  update_renew_button (row, grant, connected);
  gtk_widget_set_sensitive (g_object_get_data (G_OBJECT (row), "renew"), !self->revoking);
  gtk_widget_set_sensitive (g_object_get_data (G_OBJECT (row), "test"), connected && !busy);
  gtk_widget_set_visible (g_object_get_data (G_OBJECT (row), "revoke"), connected);
  gtk_widget_set_sensitive (g_object_get_data (G_OBJECT (row), "revoke"), !busy && !self->removing);
}

void
relink_account_details_dialog_update_grants (RelinkAccountDetailsDialog *self)
{
  g_autoptr (GPtrArray) grants = relink_grant_list (self->account);
  gboolean same = self->grant_rows != NULL && self->grant_rows->len == grants->len;
  guint days = RELINK_EXPIRY_DEFAULT_SOON_DAYS;
  guint n_candidates;

  if (self->settings != NULL)
    days = g_settings_get_uint (self->settings, "expiring-soon-days");

  for (guint i = 0; same && i < grants->len; i++)
    same = grant_of (g_ptr_array_index (self->grant_rows, i)) == g_ptr_array_index (grants, i);

  if (!same)
    {
      if (self->grant_rows != NULL)
        for (guint i = 0; i < self->grant_rows->len; i++)
          adw_preferences_group_remove (self->grants_group,
                                        g_ptr_array_index (self->grant_rows, i));
      g_clear_pointer (&self->grant_rows, g_ptr_array_unref);
      self->grant_rows = g_ptr_array_new ();
      /* The offers come after the grants: made again below. */
      if (self->candidate_rows != NULL)
        for (guint i = 0; i < self->candidate_rows->len; i++)
          adw_preferences_group_remove (self->grants_group,
                                        g_ptr_array_index (self->candidate_rows, i));
      g_clear_pointer (&self->candidate_rows, g_ptr_array_unref);
      for (guint i = 0; i < grants->len; i++)
        {
          AdwActionRow *row = create_grant_row (self, g_ptr_array_index (grants, i));

          g_ptr_array_add (self->grant_rows, row);
          adw_preferences_group_add (self->grants_group, GTK_WIDGET (row));
        }

      /* A grant removed elsewhere: show the account's own. */
      if (self->grant != NULL && !g_ptr_array_find (grants, self->grant, NULL))
        {
          relink_account_details_dialog_show_grant (self, self->account);
          return;
        }
    }

  /* One grant needs no list, unless another kind could be added. */
  n_candidates = update_candidates (self);
  gtk_widget_set_visible (GTK_WIDGET (self->grants_group), grants->len > 1 || n_candidates > 0);
  for (guint i = 0; i < self->grant_rows->len; i++)
    update_grant_row (self, g_ptr_array_index (self->grant_rows, i), (gint64) days * 86400);
}
