/* relink-window-retry.c: Retry Now on the main window's rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* An account whose last refresh failed for a passing reason (a server
 * error, offline) waits for Relink's automatic retry. Its row offers
 * Retry Now besides, which activates win.retry-account with the account's
 * id: the same refresh as the details dialog's Retry Now. The row's
 * button is insensitive while it runs; done well, the row shows the
 * account's new state; failed again, a toast says why. */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-account-row-private.h"
#include "relink-window-private.h"

static void
set_retrying (RelinkWindow *self, const char *id, gboolean retrying)
{
  GHashTableIter iter;
  gpointer item;

  if (retrying)
    g_hash_table_add (self->retrying, g_strdup (id));
  else
    g_hash_table_remove (self->retrying, id);

  g_hash_table_iter_init (&iter, self->bound_items);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    {
      GtkWidget *row = gtk_list_item_get_child (item);
      RelinkAccount *grant;

      if (row == NULL)
        continue;
      /* The grant the row shows (and retries), its account's or a further one. */
      grant = relink_account_row_get_shown_grant (RELINK_ACCOUNT_ROW (row));
      if (grant != NULL && g_str_equal (relink_account_get_id (grant), id))
        relink_account_row_set_retrying (RELINK_ACCOUNT_ROW (row), retrying);
    }
}

typedef struct
{
  RelinkWindow *self;
  RelinkAccount *account;
} Retry;

static void
retry_free (Retry *retry)
{
  g_object_unref (retry->self);
  g_object_unref (retry->account);
  g_free (retry);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Retry, retry_free)

static void
retry_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Retry) retry = user_data;
  g_autoptr (GError) error = NULL;
  AdwToast *toast;

  if (!relink_token_service_refresh_finish (RELINK_TOKEN_SERVICE (source), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Done well, the row shows the account's new state. */
  set_retrying (retry->self, relink_account_get_id (retry->account), FALSE);
  if (error == NULL)
    return;

  /* Translators: %s is the account's name, then why it still fails. */
  toast = adw_toast_new_format (_ ("“%s” still does not work: %s"),
                                relink_account_get_display_name (retry->account), error->message);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  relink_window_add_toast (retry->self, toast);
}

void
relink_window_retry_account_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  RelinkWindow *self = user_data;
  const char *id = g_variant_get_string (parameter, NULL);
  RelinkAccount *account;
  Retry *retry;

  g_return_if_fail (self->manager != NULL);

  account = relink_account_manager_lookup_account (self->manager, id);
  if (account == NULL)
    {
      relink_window_add_toast (self, adw_toast_new (_ ("This account no longer exists")));
      return;
    }
  if (g_hash_table_contains (self->retrying, id))
    return;

  set_retrying (self, id, TRUE);
  retry = g_new0 (Retry, 1);
  retry->self = g_object_ref (self);
  retry->account = g_object_ref (account);
  relink_token_service_refresh_async (relink_window_get_token_service (self), account,
                                      self->cancellable, retry_done_cb, retry);
}
