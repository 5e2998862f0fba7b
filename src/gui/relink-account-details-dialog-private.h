/* relink-account-details-dialog-private.h: what the details dialog's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * relink-account-details-dialog.c shows the account and removes it;
 * relink-account-details-actions.c runs Test, Renew, Retry, Keys and Revoke;
 * relink-account-details-grants.c lists the account's grants.
 */
#pragma once

#include <adwaita.h>

#include "relink-account-details-dialog.h"

G_BEGIN_DECLS

struct _RelinkAccountDetailsDialog
{
  AdwPreferencesWindow parent_instance;

  /* The process's, and its manager and token service. */
  RelinkContext *context;
  RelinkAccountManager *manager;
  RelinkAccount *account;
  /* The grant (HACKING.md, "Grant") that the state line, Connection,
   * Identity, Keys, Scopes, History and the buttons are about: one of the
   * account's, the most urgent one when the dialog opens. */
  RelinkAccount *grant;
  gulong grant_notify_id;
  /* "Tokens": a row per grant with its own Renew, Test and Revoke, shown
   * when the account holds several (relink-account-details-grants.c). */
  AdwPreferencesGroup *grants_group;
  GPtrArray *grant_rows;
  /* Whether the dialog is too narrow for a grant row's buttons side by
   * side: they stand in a column then. Until the first allocation says
   * otherwise, so that the window's first size is never set by the
   * wider layout. */
  gboolean narrow;
  /* Rows offering a grant of another kind (keys of the same marketplace
   * environment), and the grant being added. */
  GPtrArray *candidate_rows;
  RelinkAccount *adding;
  RelinkTokenService *service;
  gboolean testing;
  gboolean revoking;
  gboolean retrying;
  gboolean forgetting; /* the revocation is the removal of the tokens here only */
  GSettings *settings;
  /* GNOME's org.gnome.desktop.interface, for its clock-format; NULL
   * where the schema is not installed. */
  GSettings *interface_settings;
  GCancellable *cancellable;
  GCancellable *history_cancellable;
  guint countdown_source;
  guint history_source;
  gboolean removing;

  GtkBox *face_box;
  /* The marketplace's face, in @face_box. */
  GtkWidget *face;
  GtkLabel *nickname_label;
  GtkLabel *summary_label;
  GtkLabel *state_label;
  GtkLabel *separator_label;
  GtkLabel *countdown_label;
  AdwPreferencesGroup *connection_group;
  AdwPreferencesGroup *identity_group;
  AdwPreferencesGroup *keys_group;
  GtkListBox *scopes_list;
  GtkListBox *history_list;
  GtkSpinner *history_spinner;
  GtkButton *remove_button;
  GtkButton *test_button;
  GtkButton *renew_button;
  GtkButton *revoke_button;
  GtkWidget *result_box;
  GtkSpinner *result_spinner;
  GtkLabel *result_label;
  /* Shown after the marketplace refused a revocation for good. */
  GtkWidget *forget_button;
  GtkWidget *keys_button;
  /* In the status row while a temporary failure waits for its retry. */
  GtkWidget *retry_button;
  /* The buttons at the rows' end (Retry Now, each grant's Renew, Test,
   * Revoke, Connect), one width for the column they make. */
  GtkSizeGroup *button_column;

  AdwActionRow *authorised_row;
  AdwActionRow *access_row;
  AdwActionRow *refresh_row;
  AdwActionRow *last_refresh_row;
  AdwActionRow *last_test_row;
  AdwActionRow *status_row;
  AdwActionRow *identity_id_row;
  AdwActionRow *identity_name_row;
  AdwActionRow *expected_row;
  AdwActionRow *keys_name_row;
  AdwActionRow *client_id_row;
  AdwActionRow *environment_row;
};

RelinkTokenService *relink_account_details_dialog_get_service (RelinkAccountDetailsDialog *self);
void relink_account_details_dialog_update_actions (RelinkAccountDetailsDialog *self);
void relink_account_details_dialog_load_history (RelinkAccountDetailsDialog *self);

void relink_account_details_dialog_test_clicked_cb (RelinkAccountDetailsDialog *self);
void relink_account_details_dialog_renew_clicked_cb (RelinkAccountDetailsDialog *self);
void relink_account_details_dialog_keys_clicked_cb (RelinkAccountDetailsDialog *self);
void relink_account_details_dialog_revoke_clicked_cb (RelinkAccountDetailsDialog *self);
void relink_account_details_dialog_forget_clicked_cb (RelinkAccountDetailsDialog *self);
void relink_account_details_dialog_retry_clicked_cb (RelinkAccountDetailsDialog *self);

/* Shows @grant (one of the account's) below, and acts on it. */
void relink_account_details_dialog_show_grant (RelinkAccountDetailsDialog *self,
                                               RelinkAccount *grant);
/* Lays the grant rows' buttons out for @narrow (a column) or not (side
 * by side). */
void relink_account_details_dialog_set_narrow (RelinkAccountDetailsDialog *self, gboolean narrow);
/* Brings the Tokens rows in line with the account's grants and their states. */
void relink_account_details_dialog_update_grants (RelinkAccountDetailsDialog *self);
/* Called by update() and on notify of the shown grant. */
void relink_account_details_dialog_grant_changed (RelinkAccountDetailsDialog *self);
/* For tests: the grant shown. */
RelinkAccount *relink_account_details_dialog_get_grant (RelinkAccountDetailsDialog *self);
/* For tests: the context's token service. */
RelinkTokenService *
relink_account_details_dialog_get_token_service (RelinkAccountDetailsDialog *self);

G_END_DECLS
