/* relink-account-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-account-page.h"
#include "relink-expiry.h"
#include "relink-form.h"
#include "relink-validate.h"

/* RelinkAccountPage: the add-account dialog's last step: the account's
 * nickname, the identity the seller expects to sign in as, and which
 * developer keys it uses. Emits "changed" as the nickname is typed. */
struct _RelinkAccountPage
{
  AdwPreferencesPage parent_instance;

  RelinkAccountManager *manager;

  AdwEntryRow *nickname_row;
  AdwEntryRow *identity_row;
  GtkLabel *account_error_label;
  AdwActionRow *summary_keys_row;
};

G_DEFINE_FINAL_TYPE (RelinkAccountPage, relink_account_page, ADW_TYPE_PREFERENCES_PAGE)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
relink_account_page_set_manager (RelinkAccountPage *self, RelinkAccountManager *manager)
{
  g_return_if_fail (RELINK_IS_ACCOUNT_PAGE (self));
  g_return_if_fail (RELINK_IS_ACCOUNT_MANAGER (manager));

  g_set_object (&self->manager, manager);
}

gboolean
relink_account_page_validate (RelinkAccountPage *self, gboolean show_all)
{
  g_autoptr (GString) problems = g_string_new (NULL);
  g_autofree char *problem = NULL;

  g_return_val_if_fail (RELINK_IS_ACCOUNT_PAGE (self), FALSE);
  g_return_val_if_fail (self->manager != NULL, FALSE);

  problem = relink_validate_nickname (self->manager,
                                      gtk_editable_get_text (GTK_EDITABLE (self->nickname_row)));
  relink_form_add_problem (problems, self->nickname_row, problem, show_all);
  relink_form_show_problems (self->account_error_label, problems);

  return problem == NULL;
}

void
relink_account_page_set_keys_summary (RelinkAccountPage *self, const char *summary)
{
  g_return_if_fail (RELINK_IS_ACCOUNT_PAGE (self));

  adw_action_row_set_subtitle (self->summary_keys_row, summary);
}

RelinkAccount *
relink_account_page_build_account (RelinkAccountPage *self, RelinkKeyset *keyset)
{
  g_autofree char *id = relink_new_id ();
  g_autoptr (RelinkAccount) account = relink_account_new (id);
  g_autofree char *nickname = relink_form_dup_trimmed (GTK_EDITABLE (self->nickname_row));
  g_autofree char *expected = relink_form_dup_trimmed (GTK_EDITABLE (self->identity_row));

  relink_account_set_keyset_id (account, relink_keyset_get_id (keyset));
  relink_account_set_keyset (account, keyset);
  relink_account_set_nickname (account, nickname);
  relink_account_set_expected_identity (account, *expected != '\0' ? expected : NULL);
  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
  relink_account_set_created_at (account, relink_now ());

  return g_steal_pointer (&account);
}

void
relink_account_page_focus (RelinkAccountPage *self)
{
  g_return_if_fail (RELINK_IS_ACCOUNT_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->nickname_row));
}

static void
nickname_changed_cb (RelinkAccountPage *self, GtkEditable *editable)
{
  relink_form_set_touched (editable, TRUE);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
relink_account_page_dispose (GObject *object)
{
  RelinkAccountPage *self = RELINK_ACCOUNT_PAGE (object);

  g_clear_object (&self->manager);
  gtk_widget_dispose_template (GTK_WIDGET (self), RELINK_TYPE_ACCOUNT_PAGE);

  G_OBJECT_CLASS (relink_account_page_parent_class)->dispose (object);
}

static void
relink_account_page_class_init (RelinkAccountPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = relink_account_page_dispose;

  /**
   * RelinkAccountPage::changed:
   *
   * The nickname was edited: whether it is valid may have changed.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/relink/Relink/relink-account-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountPage, nickname_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountPage, identity_row);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountPage, account_error_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountPage, summary_keys_row);
}

static void
relink_account_page_init (RelinkAccountPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->nickname_row, "changed", G_CALLBACK (nickname_changed_cb), self,
                           G_CONNECT_SWAPPED);
}
