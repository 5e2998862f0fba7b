/* relink-token-revoke.c
 *
 * The token service's revocation: relink_token_service_revoke_async().
 * Withdraws the grant at the marketplace where it can be asked, then
 * forgets the tokens here under the account's lock, so that no refresh
 * saves new ones behind it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-oauth-client.h"
#include "relink-token-service-private.h"

typedef struct
{
  RelinkTokenTarget target;
  char *connected_apps_url;
  gint64 last_refresh_at;
  gboolean has_revoke_url;
  /* Mercado Libre's DELETE: needs a valid access token (got before the
   * lock, as getting it may refresh) and the verified user id. */
  gboolean revokes_application;
  char *access_token; /* wiped */
  char *user_id;
  char *refusal; /* why the marketplace did not confirm, for the history */
  gboolean revoked_remotely;
  /* relink_token_service_forget_tokens_async(): the marketplace is not
   * asked again, whatever the grant's kind. */
  gboolean forget_only;
} RevokeData;

static void
revoke_data_free (RevokeData *data)
{
  relink_token_target_clear (&data->target);
  g_free (data->connected_apps_url);
  g_clear_pointer (&data->access_token, relink_secret_free);
  g_free (data->user_id);
  g_free (data->refusal);
  g_free (data);
}

/* The marketplace's final word against the revocation (RFC 7009 §2.2.1:
 * unsupported_token_type, a client it will not serve, an endpoint it
 * does not offer): asking again gives the same. A 401 (the developer
 * keys, which can be fixed) and a 429 are not final. */
static gboolean
is_final_refusal (const GError *error)
{
  guint status = relink_oauth_error_get_http_status (error);

  return (status >= 400 && status < 500 && status != 401 && status != 429) || status == 501;
}

/* A failure that says nothing about the grant (no network, a server
 * fault, a rate limit, cancelled): the tokens stay and the seller tries
 * again. Anything else is the marketplace's answer. */
static gboolean
is_transient_failure (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
         || g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NETWORK)
         || g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_SERVER)
         || g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_RATE_LIMITED);
}

static void
revoke_prepare_thread (GTask *task,
                       gpointer source_object,
                       gpointer task_data,
                       GCancellable *cancellable)
{
  RelinkTokenService *self = source_object;
  RevokeData *data = task_data;
  RelinkSecrets *secrets = relink_account_manager_get_secrets (self->manager);
  GError *error = NULL;

  /* Held until the tokens are gone: a refresh must not save new ones
   * behind the revocation. */
  data->target.lock = relink_account_lock_acquire (data->target.account_id, cancellable, &error);
  if (data->target.lock == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data->target.tokens
      = relink_secrets_lookup_tokens_sync (secrets, data->target.account_id, cancellable, &error);
  if (error == NULL && data->target.tokens != NULL
      && (data->has_revoke_url || data->target.kind->calls_need_client_secret)
      && data->target.needs_client_secret)
    data->target.client_secret = relink_secrets_lookup_keyset_secret_sync (
        secrets, data->target.keyset_id, "client_secret", cancellable, &error);
  if (error != NULL)
    {
      g_clear_pointer (&data->target.lock, relink_account_lock_release);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
revoke_clear_thread (GTask *task,
                     gpointer source_object,
                     gpointer task_data,
                     GCancellable *cancellable)
{
  RelinkTokenService *self = source_object;
  RevokeData *data = task_data;
  RelinkSecrets *secrets = relink_account_manager_get_secrets (self->manager);
  RelinkStore *store = relink_account_manager_get_store (self->manager);
  GError *error = NULL;
  g_autofree char *message = NULL;

  /* From here on not cancellable: the keyring and the store must agree. */
  if (!relink_secrets_clear_tokens_sync (secrets, data->target.account_id, NULL, &error)
      || !relink_store_update_status (store, data->target.account_id,
                                      RELINK_ACCOUNT_STATUS_NOT_CONNECTED, NULL, &error)
      || !relink_store_update_token_dates (store, data->target.account_id, 0, 0,
                                           data->last_refresh_at, &error)
      || !relink_store_set_refresh_started (store, data->target.account_id, 0, &error))
    {
      g_clear_pointer (&data->target.lock, relink_account_lock_release);
      g_task_return_error (task, error);
      return;
    }

  if (data->revoked_remotely)
    message = g_strdup (_ ("Withdrawn at the marketplace and removed from this computer."));
  else if (data->refusal != NULL)
    /* Translators: %s is why the marketplace refused, a whole sentence. */
    message = g_strdup_printf (_ ("%s The tokens were removed from this computer."), data->refusal);
  else
    message = g_strdup (_ ("Removed from this computer; remove Relink on the marketplace’s "
                           "connected apps page too."));
  relink_token_service_add_history (store, data->target.account_id, RELINK_HISTORY_KIND_REVOCATION,
                                    TRUE, data->target.program, message);

  g_clear_pointer (&data->target.lock, relink_account_lock_release);
  g_task_return_boolean (task, TRUE);
}

static void
revoke_cleared_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RelinkTokenService *self = g_task_get_source_object (task);
  RevokeData *data = g_task_get_task_data (task);
  RelinkAccount *accounts[2]
      = { data->target.account, relink_token_service_shown_account (self, data->target.account) };
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      if (accounts[i] == NULL)
        continue;
      relink_account_set_status (accounts[i], RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
      relink_account_set_status_message (accounts[i], NULL);
      relink_account_set_access_expires_at (accounts[i], 0);
      relink_account_set_refresh_expires_at (accounts[i], 0);
    }

  relink_token_service_clear_retry (self, data->target.account);
  g_task_return_boolean (task, TRUE);
}

/* Takes @task: forgets the tokens in a thread, then revoke_cleared_cb
 * returns on @task. */
static void
revoke_clear (GTask *task)
{
  RelinkTokenService *self = g_task_get_source_object (task);
  RevokeData *data = g_task_get_task_data (task);
  g_autoptr (GTask) clear = g_task_new (self, NULL, revoke_cleared_cb, task);

  g_task_set_source_tag (clear, revoke_clear);
  g_task_set_task_data (clear, data, NULL);
  g_task_run_in_thread (clear, revoke_clear_thread);
}

static void
oauth_revoke_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RevokeData *data = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean done;

  g_clear_pointer (&data->target.client_secret, relink_secret_free);
  g_clear_pointer (&data->access_token, relink_secret_free);

  if (data->target.kind->revoke_finish != NULL)
    done = data->target.kind->revoke_finish (object, result, &error);
  else if (data->revokes_application)
    done = relink_oauth_client_revoke_application_finish (RELINK_OAUTH_CLIENT (object), result,
                                                          &error);
  else
    done = relink_oauth_client_revoke_finish (RELINK_OAUTH_CLIENT (object), result, &error);

  if (done)
    {
      data->revoked_remotely = TRUE;
      g_clear_pointer (&data->connected_apps_url, g_free);
    }
  else if (data->revokes_application && !is_transient_failure (error))
    {
      /* The address is not sure to be right (providers.md): a refusal
       * must not leave the seller unable to disconnect. */
      data->refusal = g_strdup (error->message);
    }
  else if (is_final_refusal (error))
    {
      /* The tokens stay until the seller says to remove them anyway:
       * the authorisation may still be alive at the marketplace. */
      g_clear_pointer (&data->target.lock, relink_account_lock_release);
      g_task_return_new_error (
          task, RELINK_TOKEN_SERVICE_ERROR, RELINK_TOKEN_SERVICE_ERROR_REVOCATION_REFUSED,
          /* Translators: %s is a marketplace, %u an HTTP status. */
          _ ("%s did not confirm that it canceled the authorization (error %u), and asking "
             "again will not help. The tokens are still on this computer; remove Relink’s app "
             "on the marketplace’s connected apps page."),
          relink_provider_get_name (data->target.provider),
          relink_oauth_error_get_http_status (error));
      g_clear_error (&error);
      return;
    }
  else if (!g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NOT_SUPPORTED))
    {
      /* The tokens stay: the seller can try again, or remove the account. */
      g_clear_pointer (&data->target.lock, relink_account_lock_release);
      g_task_return_error (task, error);
      return;
    }
  g_clear_error (&error);

  revoke_clear (g_steal_pointer (&task));
}

static void
revoke_prepared_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RelinkTokenService *self = g_task_get_source_object (task);
  RevokeData *data = g_task_get_task_data (task);
  RelinkOAuthClient *client = relink_account_manager_get_oauth_client (self->manager);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;
  const char *token;
  const char *hint;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Removed here anyway: asking again would meet the same refusal, or
   * the same silence. */
  if (data->forget_only)
    {
      revoke_clear (g_steal_pointer (&task));
      return;
    }

  /* A kind with its own revocation (relink-token-kinds.c) withdraws its
   * token that way, where the profile has the API for it (a profile
   * without a Trading API cannot be asked: the token is only forgotten). */
  if (data->target.kind->revoke_async != NULL && data->target.tokens != NULL
      && relink_token_set_get_access_token (data->target.tokens) != NULL
      && (g_strcmp0 (data->target.kind->kind, RELINK_GRANT_KIND_AUTH_N_AUTH) != 0
          || relink_provider_get_auth_n_auth (data->target.provider) != NULL))
    {
      data->target.kind->revoke_async (self, &data->target,
                                       relink_token_set_get_access_token (data->target.tokens),
                                       cancellable, oauth_revoke_cb, g_steal_pointer (&task));
      return;
    }

  if (data->revokes_application && data->target.tokens != NULL && data->access_token != NULL)
    {
      relink_oauth_client_revoke_application_async (
          client, data->target.provider, data->target.keyset, data->user_id, data->access_token,
          cancellable, oauth_revoke_cb, g_steal_pointer (&task));
      return;
    }

  if (data->target.tokens == NULL || !data->has_revoke_url)
    {
      revoke_clear (g_steal_pointer (&task));
      return;
    }

  /* Revoking the refresh token ends the whole grant (RFC 7009 §2.1). */
  if (relink_token_set_has_refresh_token (data->target.tokens))
    {
      token = relink_token_set_get_refresh_token (data->target.tokens);
      hint = "refresh_token";
    }
  else
    {
      token = relink_token_set_get_access_token (data->target.tokens);
      hint = "access_token";
    }

  if (token == NULL)
    {
      revoke_clear (g_steal_pointer (&task));
      return;
    }

  relink_oauth_client_revoke_async (client, data->target.provider, data->target.keyset, token, hint,
                                    data->target.client_secret, cancellable, oauth_revoke_cb,
                                    g_steal_pointer (&task));
}

/* Takes @task: takes the account's lock and reads its tokens in a
 * thread, then revokes (revoke_prepared_cb). */
static void
revoke_prepare (GTask *task)
{
  RelinkTokenService *self = g_task_get_source_object (task);
  g_autoptr (GTask) prepare
      = g_task_new (self, g_task_get_cancellable (task), revoke_prepared_cb, task);

  g_task_set_source_tag (prepare, relink_token_service_revoke_async);
  g_task_set_task_data (prepare, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (prepare, revoke_prepare_thread);
}

static void
revoke_access_token_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RevokeData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  data->access_token = relink_token_service_get_access_token_finish (RELINK_TOKEN_SERVICE (object),
                                                                     result, NULL, &error);

  /* Not now: the tokens stay. Any other failure (a grant the marketplace
   * already refuses, no tokens) leaves nothing to withdraw remotely. */
  if (data->access_token == NULL && is_transient_failure (error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  revoke_prepare (g_steal_pointer (&task));
}

/* A revocation task of @account (both calls share the tag and the finish
 * of relink_token_service_revoke_async()) with its data, and the
 * environment of its keys in *@out_env (may be NULL); NULL, the error
 * returned, when @account cannot be resolved. */
static GTask *
revoke_task_new (RelinkTokenService *self,
                 RelinkAccount *account,
                 GCancellable *cancellable,
                 GAsyncReadyCallback callback,
                 gpointer user_data,
                 const RelinkProviderEnvironment **out_env)
{
  const RelinkProviderEnvironment *env;
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  RevokeData *data = g_new0 (RevokeData, 1);
  GError *error = NULL;

  g_task_set_source_tag (task, relink_token_service_revoke_async);
  g_task_set_task_data (task, data, (GDestroyNotify) revoke_data_free);
  if (!relink_token_target_init (&data->target, self, account, &error))
    {
      g_task_return_error (task, error);
      return NULL;
    }

  env = relink_provider_get_environment (data->target.provider,
                                         relink_keyset_get_environment (data->target.keyset));
  data->last_refresh_at = relink_account_get_last_refresh_at (account);
  data->connected_apps_url = env != NULL ? g_strdup (env->connected_apps_url) : NULL;
  if (out_env != NULL)
    *out_env = env;
  return g_steal_pointer (&task);
}

void
relink_token_service_revoke_async (RelinkTokenService *self,
                                   RelinkAccount *account,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  const RelinkProviderEnvironment *env = NULL;
  RevokeData *data;
  gboolean is_oauth2;

  g_return_if_fail (RELINK_IS_TOKEN_SERVICE (self));
  g_return_if_fail (RELINK_IS_ACCOUNT (account));

  task = revoke_task_new (self, account, cancellable, callback, user_data, &env);
  if (task == NULL)
    return;

  data = g_task_get_task_data (task);
  /* The profile's revocation endpoints are about OAuth 2.0 grants; other
   * kinds revoke their own way (relink-token-kinds.c), or not at all. */
  is_oauth2 = g_strcmp0 (data->target.kind->kind, RELINK_GRANT_KIND_OAUTH2) == 0;
  data->has_revoke_url = is_oauth2 && env != NULL && env->revoke_url != NULL;
  data->revokes_application = is_oauth2 && env != NULL && env->revoke_application_url != NULL;
  data->user_id = g_strdup (relink_account_get_identity_id (account));

  if (data->revokes_application)
    relink_token_service_get_access_token_async (self, account, cancellable, revoke_access_token_cb,
                                                 g_steal_pointer (&task));
  else
    revoke_prepare (g_steal_pointer (&task));
}

void
relink_token_service_forget_tokens_async (RelinkTokenService *self,
                                          RelinkAccount *account,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  RevokeData *data;

  g_return_if_fail (RELINK_IS_TOKEN_SERVICE (self));
  g_return_if_fail (RELINK_IS_ACCOUNT (account));

  task = revoke_task_new (self, account, cancellable, callback, user_data, NULL);
  if (task == NULL)
    return;

  /* Neither revoke_url nor the application call: the lock, the tokens
   * read, then cleared; the seller still has the page to finish on. */
  data = g_task_get_task_data (task);
  data->forget_only = TRUE;
  data->refusal = g_strdup_printf (_ ("%s did not confirm that it canceled the authorization."),
                                   relink_provider_get_name (data->target.provider));
  revoke_prepare (g_steal_pointer (&task));
}

gboolean
relink_token_service_revocation_can_forget (const GError *error)
{
  return g_error_matches (error, RELINK_TOKEN_SERVICE_ERROR,
                          RELINK_TOKEN_SERVICE_ERROR_REVOCATION_REFUSED)
         || g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NETWORK);
}

gboolean
relink_token_service_revoke_finish (RelinkTokenService *self,
                                    GAsyncResult *result,
                                    gboolean *out_withdrawn,
                                    char **out_connected_apps_url,
                                    GError **error)
{
  RevokeData *data;

  g_return_val_if_fail (RELINK_IS_TOKEN_SERVICE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (out_withdrawn != NULL)
    *out_withdrawn = FALSE;
  if (out_connected_apps_url != NULL)
    *out_connected_apps_url = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  if (out_withdrawn != NULL)
    *out_withdrawn = data->revoked_remotely;
  if (out_connected_apps_url != NULL)
    *out_connected_apps_url = g_strdup (data->connected_apps_url);

  return TRUE;
}
