/* relink-token-import.c
 *
 * `relinkctl import`'s proof before the write (see relink-token-import.h):
 * lock, refresh with the imported token, check whose it is, then one
 * keyring write. Built on the public API of the lock, the keyring, the
 * store and the OAuth client, beside RelinkTokenService rather than in it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-account-lock.h"
#include "relink-oauth-client.h"
#include "relink-secrets.h"
#include "relink-store.h"
#include "relink-token-import.h"
#include "relink-token-service.h"

typedef struct
{
  RelinkAccount *account;
  RelinkProvider *provider;
  RelinkKeyset *keyset;
  char *account_id;
  char *label;
  RelinkTokenSet *imported; /* the refresh token alone */
  RelinkTokenSet *tokens;   /* what the marketplace answered */
  char *client_secret;      /* wiped */
  char *shared_secret;      /* wiped */
  gboolean check_identity;
  RelinkAccountLock *lock;
} Import;

static void
import_free (Import *import)
{
  g_clear_pointer (&import->lock, relink_account_lock_release);
  g_clear_object (&import->account);
  g_clear_object (&import->provider);
  g_clear_object (&import->keyset);
  g_free (import->account_id);
  g_free (import->label);
  g_clear_object (&import->imported);
  g_clear_object (&import->tokens);
  g_clear_pointer (&import->client_secret, relink_secret_free);
  g_clear_pointer (&import->shared_secret, relink_secret_free);
  g_free (import);
}

/* Worker thread: the lock (held until the write is done, so no refresh
 * of the old tokens runs beside the import) and the keyset's secrets. */
static void
prepare_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  RelinkAccountManager *manager = source_object;
  RelinkSecrets *secrets = relink_account_manager_get_secrets (manager);
  Import *import = task_data;
  const char *keyset_id = relink_keyset_get_id (import->keyset);
  GError *error = NULL;

  import->lock = relink_account_lock_acquire (import->account_id, cancellable, &error);
  if (import->lock == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (relink_provider_get_client_auth (import->provider) != RELINK_CLIENT_AUTH_NONE)
    {
      import->client_secret = relink_secrets_lookup_keyset_secret_sync (
          secrets, keyset_id, "client_secret", cancellable, &error);
      if (error == NULL && import->client_secret == NULL)
        error = g_error_new (RELINK_TOKEN_SERVICE_ERROR, RELINK_TOKEN_SERVICE_ERROR_CONFIGURATION,
                             _ ("The client secret of the account’s developer keys is missing "
                                "from the keyring. Enter it again in Relink."));
    }
  /* Etsy wants its shared secret on every API call, who-am-I included. */
  if (error == NULL && import->check_identity)
    import->shared_secret = relink_secrets_lookup_keyset_secret_sync (
        secrets, keyset_id, "shared_secret", cancellable, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Worker thread: the one keyring write, then the store. Not cancellable:
 * the marketplace has answered, and a rotated token is single use. */
static void
save_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  RelinkAccountManager *manager = source_object;
  Import *import = task_data;
  RelinkStore *store = relink_account_manager_get_store (manager);
  GError *error = NULL;

  if (!relink_secrets_store_tokens_sync (relink_account_manager_get_secrets (manager),
                                         import->account_id, import->label, import->tokens, NULL,
                                         &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* The tokens are in: a store that fails now is reported, but the
   * import happened. */
  if (!relink_store_update_token_dates (store, import->account_id,
                                        relink_token_set_get_access_expires_at (import->tokens),
                                        relink_token_set_get_refresh_expires_at (import->tokens),
                                        relink_token_set_get_issued_at (import->tokens), &error)
      || !relink_store_update_status (store, import->account_id, RELINK_ACCOUNT_STATUS_CONNECTED,
                                      NULL, &error))
    {
      g_warning ("The imported tokens are saved, but the account list could not be updated: %s",
                 error->message);
      g_clear_error (&error);
    }

  g_clear_pointer (&import->lock, relink_account_lock_release);
  g_task_return_boolean (task, TRUE);
}

static void
saved_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Import *import = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  relink_account_set_access_expires_at (import->account,
                                        relink_token_set_get_access_expires_at (import->tokens));
  relink_account_set_refresh_expires_at (import->account,
                                         relink_token_set_get_refresh_expires_at (import->tokens));
  relink_account_set_status (import->account, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_status_message (import->account, NULL);
  g_task_return_boolean (task, TRUE);
}

/* Takes @task: saves in a thread, then saved_cb returns on @task. */
static void
save (GTask *task)
{
  g_autoptr (GTask) inner = g_task_new (g_task_get_source_object (task), NULL, saved_cb, task);

  g_task_set_task_data (inner, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (inner, save_thread);
}

static void
identity_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Import *import = g_task_get_task_data (task);
  g_autoptr (RelinkIdentity) identity = NULL;
  const char *verified = relink_account_get_identity_id (import->account);
  const char *expected
      = verified != NULL ? verified : relink_account_get_expected_identity (import->account);
  GError *error = NULL;

  identity
      = relink_oauth_client_fetch_identity_finish (RELINK_OAUTH_CLIENT (object), result, &error);
  if (identity == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (expected != NULL && g_strcmp0 (relink_identity_get_id (identity), expected) != 0
      && (verified != NULL || g_strcmp0 (relink_identity_get_name (identity), expected) != 0))
    {
      const char *ours = relink_account_get_identity_name (import->account);
      const char *theirs = relink_identity_get_name (identity);

      g_task_return_new_error (
          task, RELINK_TOKEN_SERVICE_ERROR, RELINK_TOKEN_SERVICE_ERROR_WRONG_ACCOUNT,
          /* Translators: "This token belongs to bob, but this account is alice." */
          _ ("This token belongs to %s, but this account is %s. Nothing was changed; import "
             "the token into the account it belongs to."),
          theirs != NULL ? theirs : relink_identity_get_id (identity),
          verified != NULL && ours != NULL ? ours : expected);
      return;
    }

  save (g_steal_pointer (&task));
}

static void
refreshed_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Import *import = g_task_get_task_data (task);
  GCancellable *cancellable;
  GError *error = NULL;

  import->tokens
      = relink_oauth_client_refresh_finish (RELINK_OAUTH_CLIENT (object), result, &error);
  if (import->tokens == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (!import->check_identity)
    {
      save (g_steal_pointer (&task));
      return;
    }

  cancellable = g_task_get_cancellable (task);
  relink_oauth_client_fetch_identity_async (
      RELINK_OAUTH_CLIENT (object), import->provider, import->keyset,
      relink_token_set_get_access_token (import->tokens), import->shared_secret, cancellable,
      identity_cb, g_steal_pointer (&task));
}

static void
prepared_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Import *import = g_task_get_task_data (task);
  RelinkOAuthClient *client
      = relink_account_manager_get_oauth_client (RELINK_ACCOUNT_MANAGER (object));
  GCancellable *cancellable;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  relink_oauth_client_refresh_async (client, import->provider, import->keyset, import->imported,
                                     import->client_secret, cancellable, refreshed_cb,
                                     g_steal_pointer (&task));
}

void
relink_token_import_async (RelinkAccountManager *manager,
                           RelinkAccount *account,
                           const char *refresh_token,
                           const char *label,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GTask) prepare = NULL;
  RelinkKeyset *keyset;
  RelinkProvider *provider;
  RelinkIdentitySource source;
  Import *import;

  g_return_if_fail (RELINK_IS_ACCOUNT_MANAGER (manager));
  g_return_if_fail (RELINK_IS_ACCOUNT (account));
  g_return_if_fail (refresh_token != NULL && refresh_token[0] != '\0');

  task = g_task_new (manager, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_token_import_async);

  keyset = relink_account_get_keyset (account);
  provider = keyset != NULL ? relink_keyset_get_provider (keyset) : NULL;
  if (provider == NULL)
    {
      g_task_return_new_error (task, RELINK_TOKEN_SERVICE_ERROR,
                               RELINK_TOKEN_SERVICE_ERROR_CONFIGURATION,
                               _ ("“%s” has no developer keys Relink can use. Check its keyset in "
                                  "Relink."),
                               relink_account_get_display_name (account));
      return;
    }

  import = g_new0 (Import, 1);
  import->account = g_object_ref (account);
  import->keyset = g_object_ref (keyset);
  import->provider = g_object_ref (provider);
  import->account_id = g_strdup (relink_account_get_id (account));
  import->label = g_strdup (label);
  import->imported = relink_token_set_new ();
  relink_token_set_set_refresh_token (import->imported, refresh_token);
  relink_token_set_set_issued_at (import->imported, relink_now ());
  /* What the account was granted: eBay-style refreshes name the scope, and
   * a server refuses more than the grant holds. */
  relink_token_set_set_scope (import->imported, relink_account_get_scopes (account));
  source = relink_provider_get_identity_source (provider);
  import->check_identity
      = source == RELINK_IDENTITY_SOURCE_ENDPOINT || source == RELINK_IDENTITY_SOURCE_ID_TOKEN;
  g_task_set_task_data (task, import, (GDestroyNotify) import_free);

  prepare = g_task_new (manager, cancellable, prepared_cb, g_steal_pointer (&task));
  g_task_set_task_data (prepare, import, NULL);
  g_task_run_in_thread (prepare, prepare_thread);
}

gboolean
relink_token_import_finish (RelinkAccountManager *manager, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, manager), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
