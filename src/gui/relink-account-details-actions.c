/* relink-account-details-actions.c: what the details dialog's buttons do
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Test the connection, renew (or connect) the account, retry after a
 * temporary failure, open its keys, revoke the authorisation: each shows
 * its outcome on the line under the buttons. Removal stays with the
 * dialog, which announces it. */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-account-details-dialog-private.h"
#include "relink-expiry.h"
#include "relink-grant.h"
#include "relink-history-entry.h"
#include "relink-keysets-dialog.h"
#include "relink-login-dialog.h"
#include "relink-ui-util.h"

/* The line under the buttons: what the last action gave. */
static void
show_result (RelinkAccountDetailsDialog *self, const char *text, const char *css_class)
{
  gtk_widget_set_visible (self->result_box, TRUE);
  gtk_spinner_set_spinning (self->result_spinner, text == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->result_spinner), text == NULL);
  gtk_label_set_text (self->result_label, text != NULL ? text : _ ("Testing…"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->result_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->result_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->result_label), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->result_label), css_class);
}

/* Testing */

static void
test_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkAccountDetailsDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  text = relink_token_service_test_finish (RELINK_TOKEN_SERVICE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->testing = FALSE;
  if (text != NULL)
    show_result (self, text, "success");
  else
    show_result (self, error->message, "error");
  relink_account_details_dialog_update_actions (self);
  relink_account_details_dialog_load_history (self);
}

/* Shows that a test runs; FALSE when one already does. */
static gboolean
begin_test (RelinkAccountDetailsDialog *self)
{
  if (self->testing)
    return FALSE;

  self->testing = TRUE;
  show_result (self, NULL, "dim-label");
  relink_account_details_dialog_update_actions (self);
  return TRUE;
}

void
relink_account_details_dialog_test_clicked_cb (RelinkAccountDetailsDialog *self)
{
  if (begin_test (self))
    relink_token_service_test_async (relink_account_details_dialog_get_service (self), self->grant,
                                     self->cancellable, test_done_cb, g_object_ref (self));
}

/* Renewal */

static void
signed_in_cb (RelinkAccountDetailsDialog *self,
              RelinkAccount *account,
              const char *message,
              GtkWindow *dialog)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (message));

  if (begin_test (self))
    relink_token_service_signed_in_async (relink_account_details_dialog_get_service (self), account,
                                          self->cancellable, test_done_cb, g_object_ref (self));
  else
    relink_token_service_run_hooks (relink_account_details_dialog_get_service (self), account,
                                    RELINK_HOOK_EVENT_RENEWAL);
}

void
relink_account_details_dialog_renew_clicked_cb (RelinkAccountDetailsDialog *self)
{
  GtkWindow *dialog = relink_login_dialog_new (GTK_WINDOW (self), self->manager, self->grant);

  g_signal_connect_object (dialog, "signed-in", G_CALLBACK (signed_in_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (dialog);
}

/* Retrying after a temporary failure */

static void
retry_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkAccountDetailsDialog) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!relink_token_service_refresh_finish (RELINK_TOKEN_SERVICE (source), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->retrying = FALSE;
  if (error == NULL)
    show_result (self, _ ("The connection works again."), "success");
  else
    show_result (self, error->message, "error");
  relink_account_details_dialog_update_actions (self);
  relink_account_details_dialog_load_history (self);
}

void
relink_account_details_dialog_retry_clicked_cb (RelinkAccountDetailsDialog *self)
{
  if (self->retrying)
    return;

  self->retrying = TRUE;
  show_result (self, NULL, "dim-label");
  gtk_label_set_text (self->result_label, _ ("Retrying…"));
  relink_account_details_dialog_update_actions (self);
  relink_token_service_refresh_async (relink_account_details_dialog_get_service (self), self->grant,
                                      self->cancellable, retry_done_cb, g_object_ref (self));
}

void
relink_account_details_dialog_keys_clicked_cb (RelinkAccountDetailsDialog *self)
{
  gtk_window_present (relink_keysets_dialog_new (GTK_WINDOW (self), self->manager));
}

/* Revocation */

static void
show_uri_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  /* The page is linked in the result line as well. */
  if (!gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error))
    g_message ("Could not open the marketplace’s page: %s", error->message);
}

/* Where the seller removes the app by hand: linked, and opened. */
static void
show_finish_on_page (RelinkAccountDetailsDialog *self, const char *marketplace, const char *url)
{
  g_autofree char *escaped_url = g_markup_escape_text (url, -1);
  g_autofree char *escaped_name = g_markup_escape_text (marketplace, -1);
  g_autofree char *markup = NULL;

  /* Translators: %s is the marketplace; the second part links to its
   * page of connected apps. */
  markup = g_strdup_printf (_ ("Finish on %s: <a href=\"%s\">remove Relink’s app there</a>."),
                            escaped_name, escaped_url);
  show_result (self, "", "dim-label");
  gtk_label_set_markup (self->result_label, markup);
  gtk_show_uri_full (GTK_WINDOW (self), url, GDK_CURRENT_TIME, NULL, show_uri_done_cb, NULL);
}

static void
revoke_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkAccountDetailsDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  gboolean withdrawn = FALSE;
  RelinkKeyset *keyset = relink_account_get_keyset (self->grant);
  RelinkProvider *provider = keyset != NULL ? relink_keyset_get_provider (keyset) : NULL;
  const char *marketplace
      = provider != NULL ? relink_provider_get_name (provider) : _ ("the marketplace");

  self->revoking = FALSE;
  relink_account_details_dialog_update_actions (self);
  gtk_widget_set_visible (self->forget_button, FALSE);

  if (!relink_token_service_revoke_finish (RELINK_TOKEN_SERVICE (source), result, &withdrawn, &url,
                                           &error))
    {
      show_result (self, error->message, "error");
      /* Refused for good, or out of reach: the seller decides. */
      gtk_widget_set_visible (self->forget_button,
                              relink_token_service_revocation_can_forget (error));
      self->forgetting = FALSE;
      relink_account_details_dialog_load_history (self);
      return;
    }

  if (withdrawn)
    {
      g_autofree char *text = NULL;

      /* Translators: %s is the marketplace. */
      text = g_strdup_printf (_ ("%s canceled the authorization. The tokens are deleted."),
                              marketplace);
      show_result (self, text, "success");
    }
  else if (url != NULL)
    {
      show_finish_on_page (self, marketplace, url);
    }
  else if (self->forgetting)
    {
      g_autofree char *text = NULL;

      /* Translators: %s is the marketplace. */
      text = g_strdup_printf (_ ("The tokens are deleted from this computer. To finish, remove "
                                 "Relink’s app in your %s account settings."),
                              marketplace);
      show_result (self, text, "dim-label");
    }
  else
    {
      g_autofree char *text = NULL;

      /* Translators: %s is the marketplace, twice. */
      text = g_strdup_printf (_ ("The tokens are deleted from this computer. %s cannot be asked "
                                 "to cancel the authorization from here: to finish, remove "
                                 "Relink’s app in your %s account settings."),
                              marketplace, marketplace);
      show_result (self, text, "dim-label");
    }

  self->forgetting = FALSE;
  relink_account_details_dialog_load_history (self);
}

static void
revoke_response_cb (RelinkAccountDetailsDialog *self, const char *response)
{
  if (g_strcmp0 (response, "revoke") != 0 || self->revoking)
    return;

  self->revoking = TRUE;
  relink_account_details_dialog_update_actions (self);
  /* Not cancelled with the dialog: the marketplace may have cancelled the
   * authorisation already, and the tokens must then go too. */
  relink_token_service_revoke_async (relink_account_details_dialog_get_service (self), self->grant,
                                     NULL, revoke_done_cb, g_object_ref (self));
}

void
relink_account_details_dialog_forget_clicked_cb (RelinkAccountDetailsDialog *self)
{
  if (self->revoking)
    return;

  self->revoking = TRUE;
  self->forgetting = TRUE;
  gtk_widget_set_visible (self->forget_button, FALSE);
  relink_account_details_dialog_update_actions (self);
  /* Not cancelled with the dialog, as a revocation is not. */
  relink_token_service_forget_tokens_async (relink_account_details_dialog_get_service (self),
                                            self->grant, NULL, revoke_done_cb, g_object_ref (self));
}

void
relink_account_details_dialog_revoke_clicked_cb (RelinkAccountDetailsDialog *self)
{
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (g_list_model_get_n_items (relink_account_get_extra_grants (self->account)) > 0)
    /* Translators: "Revoke the Auth'n'Auth token of “Shop A”?" */
    heading
        = g_strdup_printf (_ ("Revoke the %s token of “%s”?"), relink_grant_get_label (self->grant),
                           relink_account_get_display_name (self->account));
  else
    heading = g_strdup_printf (_ ("Revoke “%s”?"), relink_account_get_display_name (self->account));
  dialog = relink_ui_destructive_dialog_new (
      GTK_WINDOW (self), heading,
      _ ("Relink asks the marketplace to cancel this authorization and deletes the tokens from "
         "the keyring. Tools that use this connection stop working until you connect the "
         "account again. Where the marketplace cannot be asked, Relink opens the page where you "
         "remove its app yourself."),
      "revoke", _ ("_Revoke"));
  gtk_widget_set_name (dialog, "revoke-confirm");
  g_signal_connect_object (dialog, "response", G_CALLBACK (revoke_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}
