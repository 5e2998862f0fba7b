/* relink-add-account-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-account-page.h"
#include "relink-add-account-dialog.h"
#include "relink-custom-provider-page.h"
#include "relink-keyset-page.h"
#include "relink-marketplace-page.h"

/* RelinkAddAccountDialog: the steps that add an account, one page each:
 * the marketplace (RelinkMarketplacePage, or a custom OpenID Connect
 * provider found from its issuer, RelinkCustomProviderPage), its
 * developer keys (RelinkKeysetPage) and the account (RelinkAccountPage).
 * The dialog moves between them and saves: the keys first, then the
 * account, and only then closes. */
struct _RelinkAddAccountDialog
{
  AdwWindow parent_instance;

  RelinkAccountManager *manager;
  /* Keys this dialog saved while the account could not be saved yet,
   * removed again when the account fails so nothing is left half-added. */
  RelinkKeyset *saved_keyset;
  RelinkAccount *pending_account;
  GCancellable *cancellable;
  gboolean saving;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle *window_title;
  GtkButton *cancel_button;
  GtkButton *back_button;
  GtkButton *next_button;
  GtkButton *add_button;
  GtkSpinner *spinner;
  GtkStack *stack;
  RelinkMarketplacePage *marketplace_page;
  RelinkCustomProviderPage *custom_page;
  RelinkKeysetPage *keyset_page;
  RelinkAccountPage *account_page;
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

/* The steps, named as the stack's pages. */
#define STEP_MARKETPLACE "provider"
#define STEP_CUSTOM "custom"
#define STEP_KEYS "keys"
#define STEP_ACCOUNT "account"

static gboolean
is_step (RelinkAddAccountDialog *self, const char *step)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), step) == 0;
}

static gboolean
is_busy (RelinkAddAccountDialog *self)
{
  return self->saving || relink_custom_provider_page_get_busy (self->custom_page);
}

static void
validate (RelinkAddAccountDialog *self)
{
  gboolean keys_valid = relink_keyset_page_validate (self->keyset_page, FALSE);
  gboolean account_valid = relink_account_page_validate (self->account_page, FALSE);

  if (is_step (self, STEP_CUSTOM))
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->next_button),
                                relink_custom_provider_page_can_discover (self->custom_page));
      return;
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), keys_valid && !self->saving);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button),
                            keys_valid && account_valid && !self->saving);
}

static void
page_changed_cb (RelinkAddAccountDialog *self)
{
  validate (self);
}

static void
update_buttons (RelinkAddAccountDialog *self)
{
  RelinkProvider *provider = relink_keyset_page_get_provider (self->keyset_page);
  gboolean first = is_step (self, STEP_MARKETPLACE);
  gboolean last = is_step (self, STEP_ACCOUNT);
  gboolean busy = is_busy (self);

  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), first);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), !first);
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), !first && !last);
  gtk_widget_set_visible (GTK_WIDGET (self->add_button), last && !self->saving);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->back_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), !busy);

  if (last)
    gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->add_button));
  else if (!first)
    gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->next_button));
  else
    gtk_window_set_default_widget (GTK_WINDOW (self), NULL);

  adw_window_title_set_subtitle (
      self->window_title, provider != NULL && !first ? relink_provider_get_name (provider) : NULL);
  validate (self);
}

static void
set_step (RelinkAddAccountDialog *self, const char *step)
{
  gtk_stack_set_visible_child_name (self->stack, step);
  update_buttons (self);

  if (g_strcmp0 (step, STEP_KEYS) == 0)
    relink_keyset_page_focus (self->keyset_page);
  else if (g_strcmp0 (step, STEP_ACCOUNT) == 0)
    relink_account_page_focus (self->account_page);
  else if (g_strcmp0 (step, STEP_CUSTOM) == 0)
    relink_custom_provider_page_focus (self->custom_page);
}

/* A marketplace chosen from the list, or a custom provider just found. */
static void
provider_activated_cb (RelinkAddAccountDialog *self, RelinkProvider *provider)
{
  relink_keyset_page_set_provider (self->keyset_page, self->manager, provider);
  set_step (self, STEP_KEYS);
}

static void
custom_activated_cb (RelinkAddAccountDialog *self)
{
  relink_custom_provider_page_reset (self->custom_page);
  set_step (self, STEP_CUSTOM);
}

static void
custom_busy_cb (RelinkAddAccountDialog *self)
{
  update_buttons (self);
}

static void
back_clicked_cb (RelinkAddAccountDialog *self)
{
  if (self->saving)
    return;
  if (is_step (self, STEP_ACCOUNT))
    set_step (self, STEP_KEYS);
  else
    set_step (self, STEP_MARKETPLACE);
}

static void
next_clicked_cb (RelinkAddAccountDialog *self)
{
  g_autofree char *summary = NULL;

  if (is_step (self, STEP_CUSTOM))
    {
      relink_custom_provider_page_discover (self->custom_page, self->cancellable);
      return;
    }

  if (!relink_keyset_page_validate (self->keyset_page, TRUE))
    return;

  summary = relink_keyset_page_dup_summary (self->keyset_page);
  relink_account_page_set_keys_summary (self->account_page, summary);
  set_step (self, STEP_ACCOUNT);
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
    relink_account_page_focus (self->account_page);
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

static void save_account_done_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
save_account (RelinkAddAccountDialog *self, RelinkKeyset *keyset)
{
  g_clear_object (&self->pending_account);
  self->pending_account = relink_account_page_build_account (self->account_page, keyset);
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
  RelinkKeyset *chosen;

  if (self->saving)
    return;

  if (!relink_keyset_page_validate (self->keyset_page, TRUE))
    {
      set_step (self, STEP_KEYS);
      return;
    }
  if (!relink_account_page_validate (self->account_page, TRUE))
    return;

  set_saving (self, TRUE);

  chosen = relink_keyset_page_get_chosen_keyset (self->keyset_page);
  if (chosen != NULL)
    {
      save_account (self, chosen);
    }
  else
    {
      g_autoptr (GHashTable) secrets
          = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, secret_free);

      g_clear_object (&self->saved_keyset);
      self->saved_keyset = relink_keyset_page_build_keyset (self->keyset_page, secrets);
      relink_account_manager_add_keyset_async (self->manager, self->saved_keyset, secrets,
                                               self->cancellable, save_keyset_done_cb,
                                               g_object_ref (self));
    }
}

static gboolean
relink_add_account_dialog_close_request (GtkWindow *window)
{
  RelinkAddAccountDialog *self = RELINK_ADD_ACCOUNT_DIALOG (window);

  g_cancellable_cancel (self->cancellable);
  relink_keyset_page_wipe_secrets (self->keyset_page);

  return GTK_WINDOW_CLASS (relink_add_account_dialog_parent_class)->close_request (window);
}

static void
relink_add_account_dialog_constructed (GObject *object)
{
  RelinkAddAccountDialog *self = RELINK_ADD_ACCOUNT_DIALOG (object);

  G_OBJECT_CLASS (relink_add_account_dialog_parent_class)->constructed (object);

  g_return_if_fail (RELINK_IS_ACCOUNT_MANAGER (self->manager));

  relink_marketplace_page_set_providers (
      self->marketplace_page, G_LIST_MODEL (relink_account_manager_get_providers (self->manager)));
  relink_custom_provider_page_set_registry (self->custom_page,
                                            relink_account_manager_get_providers (self->manager));
  relink_account_page_set_manager (self->account_page, self->manager);
  update_buttons (self);
}

static void
relink_add_account_dialog_dispose (GObject *object)
{
  RelinkAddAccountDialog *self = RELINK_ADD_ACCOUNT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->keyset_page != NULL)
    relink_keyset_page_wipe_secrets (self->keyset_page);

  gtk_widget_dispose_template (GTK_WIDGET (self), RELINK_TYPE_ADD_ACCOUNT_DIALOG);

  G_OBJECT_CLASS (relink_add_account_dialog_parent_class)->dispose (object);
}

static void
relink_add_account_dialog_finalize (GObject *object)
{
  RelinkAddAccountDialog *self = RELINK_ADD_ACCOUNT_DIALOG (object);

  g_clear_object (&self->manager);
  g_clear_object (&self->saved_keyset);
  g_clear_object (&self->pending_account);
  g_clear_object (&self->cancellable);

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

  g_type_ensure (RELINK_TYPE_MARKETPLACE_PAGE);
  g_type_ensure (RELINK_TYPE_CUSTOM_PROVIDER_PAGE);
  g_type_ensure (RELINK_TYPE_KEYSET_PAGE);
  g_type_ensure (RELINK_TYPE_ACCOUNT_PAGE);

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
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, marketplace_page);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, custom_page);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, keyset_page);
  gtk_widget_class_bind_template_child (widget_class, RelinkAddAccountDialog, account_page);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, next_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, provider_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, custom_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, custom_busy_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_changed_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
relink_add_account_dialog_init (RelinkAddAccountDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
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
