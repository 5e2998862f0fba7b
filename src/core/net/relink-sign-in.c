/* relink-sign-in.c
 *
 * One file although past 900 lines: OAuth 2.0 and eBay Auth'n'Auth
 * sign-ins share every step after the tokens arrive (the identity check,
 * the keyring write, the store, the history, discarding a refused
 * sign-in), and those steps share the Complete data and fail(); split,
 * each half would need them all through a private header.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-expiry.h"
#include "relink-grant.h"
#include "relink-oauth-client.h"
#include "relink-sign-in.h"
#include "relink-trading-client.h"

/* The quark name is spelt with hyphens, which clang-format would space. */
/* clang-format off */
G_DEFINE_QUARK (relink-sign-in-error-quark, relink_sign_in_error)
/* clang-format on */

struct _RelinkSignIn
{
  GObject parent_instance;

  RelinkAccountManager *manager;
  RelinkAccount *account;
  RelinkKeyset *keyset;
  RelinkProvider *provider;
  RelinkAuthRequest *request;
  RelinkIdentity *identity;
  /* Decided when the sign-in starts: an account whose identity was
   * verified before must come back as the same identity. */
  gboolean renewal;
  /* eBay Auth'n'Auth (the keyset's grant kind): no authorisation request
   * but a Trading session, made by relink_sign_in_prepare_async(). */
  gboolean auth_n_auth;
  char *session_id;
  char *sign_in_url;
};

G_DEFINE_FINAL_TYPE (RelinkSignIn, relink_sign_in, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ACCOUNT,
  PROP_REQUEST,
  PROP_IDENTITY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
is_blank (const char *text)
{
  return text == NULL || text[0] == '\0';
}

static void
relink_sign_in_dispose (GObject *object)
{
  RelinkSignIn *self = (RelinkSignIn *) object;

  g_clear_object (&self->manager);
  g_clear_object (&self->account);
  g_clear_object (&self->keyset);
  g_clear_object (&self->provider);
  g_clear_object (&self->request);
  g_clear_object (&self->identity);
  g_clear_pointer (&self->session_id, g_free);
  g_clear_pointer (&self->sign_in_url, g_free);

  G_OBJECT_CLASS (relink_sign_in_parent_class)->dispose (object);
}

static void
relink_sign_in_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RelinkSignIn *self = RELINK_SIGN_IN (object);

  switch (prop_id)
    {
      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
        break;

      case PROP_REQUEST:
        g_value_set_object (value, self->request);
        break;

      case PROP_IDENTITY:
        g_value_set_object (value, self->identity);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_sign_in_class_init (RelinkSignInClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = relink_sign_in_dispose;
  object_class->get_property = relink_sign_in_get_property;

  properties[PROP_ACCOUNT] = g_param_spec_object ("account", NULL, NULL, RELINK_TYPE_ACCOUNT,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REQUEST] = g_param_spec_object ("request", NULL, NULL, RELINK_TYPE_AUTH_REQUEST,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* Set once the sign-in succeeded. */
  properties[PROP_IDENTITY]
      = g_param_spec_object ("identity", NULL, NULL, RELINK_TYPE_IDENTITY,
                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
relink_sign_in_init (RelinkSignIn *self)
{
}

/* Space-separated scopes as a vector; NULL when there are none, so that
 * the request falls back to the profile's. */
static GStrv
split_scopes (const char *scopes)
{
  g_auto (GStrv) parts = NULL;
  g_autoptr (GStrvBuilder) builder = NULL;

  if (is_blank (scopes))
    return NULL;

  parts = g_strsplit_set (scopes, " \t\n", -1);
  builder = g_strv_builder_new ();
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (parts[i][0] != '\0')
        g_strv_builder_add (builder, parts[i]);
    }

  {
    g_auto (GStrv) result = g_strv_builder_end (builder);

    if (result[0] == NULL)
      return NULL;
    return g_steal_pointer (&result);
  }
}

static gboolean
has_scopes (const char *const *scopes)
{
  for (guint i = 0; scopes != NULL && scopes[i] != NULL; i++)
    {
      if (!is_blank (scopes[i]))
        return TRUE;
    }
  return FALSE;
}

/**
 * relink_sign_in_new:
 * @manager: the account manager (keyring, store, HTTP client)
 * @account: the account to connect or renew; a new account must already be
 *   saved (relink_account_manager_add_account_async())
 *
 * Prepares a sign-in: a fresh state and PKCE verifier and the consent URL.
 *
 * Returns: (transfer full) (nullable): the sign-in, or %NULL with
 *   RELINK_SIGN_IN_ERROR_CONFIGURATION when the account's developer keys
 *   or marketplace profile are missing or unusable
 */
RelinkSignIn *
relink_sign_in_new (RelinkAccountManager *manager, RelinkAccount *account, GError **error)
{
  g_autoptr (RelinkSignIn) self = NULL;
  g_autoptr (GError) local_error = NULL;
  g_auto (GStrv) scopes = NULL;
  RelinkKeyset *keyset;
  RelinkProvider *provider;

  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (manager), NULL);
  g_return_val_if_fail (RELINK_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  keyset = relink_account_get_keyset (account);
  if (keyset == NULL)
    keyset = relink_account_manager_lookup_keyset (manager, relink_account_get_keyset_id (account));
  if (keyset == NULL)
    {
      g_set_error_literal (error, RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_CONFIGURATION,
                           _ ("The developer keys of this account are missing. Add them again, "
                              "then connect the account."));
      return NULL;
    }

  provider = relink_keyset_get_provider (keyset);
  if (provider == NULL)
    provider = relink_provider_registry_lookup (relink_account_manager_get_providers (manager),
                                                relink_keyset_get_provider_id (keyset));
  if (provider == NULL)
    {
      g_set_error (error, RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_CONFIGURATION,
                   _ ("Relink does not know the marketplace “%s” of this account’s developer "
                      "keys. Restore its profile, then try again."),
                   relink_keyset_get_provider_id (keyset) != NULL
                       ? relink_keyset_get_provider_id (keyset)
                       : "");
      return NULL;
    }

  self = g_object_new (RELINK_TYPE_SIGN_IN, NULL);
  self->manager = g_object_ref (manager);
  self->account = g_object_ref (account);
  self->keyset = g_object_ref (keyset);
  self->provider = g_object_ref (provider);
  self->renewal = !is_blank (relink_account_get_identity_id (account));
  self->auth_n_auth
      = g_strcmp0 (relink_keyset_get_grant_kind (keyset), RELINK_GRANT_KIND_AUTH_N_AUTH) == 0;

  if (self->auth_n_auth)
    {
      if (relink_provider_get_auth_n_auth (provider) == NULL)
        {
          g_set_error (error, RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_CONFIGURATION,
                       /* Translators: %s is a marketplace such as eBay. */
                       _ ("The %s profile offers no Auth'n'Auth sign-in. Use other developer "
                          "keys for this account."),
                       relink_provider_get_name (provider));
          return NULL;
        }
      return g_steal_pointer (&self);
    }

  /* The scopes granted last time stand for a choice only where the
   * profile asks for scopes at all: for one that lists none, the token
   * answer's scope string is the marketplace's description of the grant
   * (Amazon, eBay), and asking for it back would be refused. */
  if (has_scopes (relink_provider_get_scopes (provider)))
    scopes = split_scopes (relink_account_get_scopes (account));
  self->request
      = relink_auth_request_new (provider, keyset, (const char *const *) scopes, &local_error);
  if (self->request == NULL)
    {
      /* The request's messages already say what to fix in the keyset. */
      g_set_error_literal (error, RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_CONFIGURATION,
                           local_error->message);
      return NULL;
    }

  return g_steal_pointer (&self);
}

RelinkAccount *
relink_sign_in_get_account (RelinkSignIn *self)
{
  g_return_val_if_fail (RELINK_IS_SIGN_IN (self), NULL);

  return self->account;
}

RelinkAuthRequest *
relink_sign_in_get_request (RelinkSignIn *self)
{
  g_return_val_if_fail (RELINK_IS_SIGN_IN (self), NULL);

  return self->request;
}

const char *
relink_sign_in_get_authorize_url (RelinkSignIn *self)
{
  g_return_val_if_fail (RELINK_IS_SIGN_IN (self), NULL);

  if (self->auth_n_auth)
    return self->sign_in_url;
  return relink_auth_request_get_authorize_url (self->request);
}

gboolean
relink_sign_in_is_redirect (RelinkSignIn *self, const char *uri)
{
  g_return_val_if_fail (RELINK_IS_SIGN_IN (self), FALSE);

  if (self->auth_n_auth)
    {
      gboolean accepted;

      return uri != NULL
             && relink_trading_is_accepted_url (self->provider, self->keyset, uri, &accepted);
    }
  return uri != NULL && relink_auth_request_matches_redirect (self->request, uri);
}

gboolean
relink_sign_in_is_renewal (RelinkSignIn *self)
{
  g_return_val_if_fail (RELINK_IS_SIGN_IN (self), FALSE);

  return self->renewal;
}

RelinkIdentity *
relink_sign_in_get_identity (RelinkSignIn *self)
{
  g_return_val_if_fail (RELINK_IS_SIGN_IN (self), NULL);

  return self->identity;
}

/* Completing */

typedef struct
{
  RelinkAuthResponse *response;
  /* Keyset secrets still to read from the keyring, last first. */
  GPtrArray *fields;
  char *client_secret;
  char *shared_secret;

  RelinkTokenSet *tokens;
  RelinkIdentity *identity;
  /* The refusal to report once the discarded tokens are revoked; then
   * the error being recorded in the history. */
  GError *failure;

  /* What is written to the store and applied to the account. */
  char *identity_name;
  char *scopes;
  gint64 authorised_at;
  gint64 access_expires_at;
  gint64 refresh_expires_at;
  char *test_message;
} Complete;

static void
complete_free (Complete *data)
{
  g_clear_pointer (&data->response, relink_auth_response_unref);
  g_clear_pointer (&data->fields, g_ptr_array_unref);
  g_clear_pointer (&data->client_secret, relink_secret_free);
  g_clear_pointer (&data->shared_secret, relink_secret_free);
  g_clear_object (&data->tokens);
  g_clear_object (&data->identity);
  g_clear_error (&data->failure);
  g_clear_pointer (&data->identity_name, g_free);
  g_clear_pointer (&data->scopes, g_free);
  g_clear_pointer (&data->test_message, g_free);
  g_free (data);
}

/* Store work done off the main loop: the sign-in's metadata (when
 * @update is set) and one history entry. */
typedef struct
{
  RelinkStore *store;
  char *account_id;
  RelinkHistoryEntry *entry;

  gboolean update;
  char *identity_id;
  char *identity_name;
  char *scopes;
  gint64 authorised_at;
  gint64 access_expires_at;
  gint64 refresh_expires_at;
  /* The identity call's answer, recorded as a passed connection test
   * (NULL: none was made). */
  char *test_message;
  RelinkHistoryEntry *test_entry;
} StoreJob;

static void
store_job_free (StoreJob *job)
{
  g_clear_object (&job->store);
  g_clear_pointer (&job->account_id, g_free);
  g_clear_object (&job->entry);
  g_clear_pointer (&job->identity_id, g_free);
  g_clear_pointer (&job->identity_name, g_free);
  g_clear_pointer (&job->scopes, g_free);
  g_clear_pointer (&job->test_message, g_free);
  g_clear_object (&job->test_entry);
  g_free (job);
}

static void
store_job_thread (GTask *task,
                  gpointer source_object,
                  gpointer task_data,
                  GCancellable *cancellable)
{
  StoreJob *job = task_data;
  g_autoptr (GError) history_error = NULL;
  GError *error = NULL;

  if (job->update
      && !relink_store_update_sign_in (job->store, job->account_id, job->identity_id,
                                       job->identity_name, job->scopes, job->authorised_at,
                                       job->access_expires_at, job->refresh_expires_at, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* The history is a record, not part of the change: the sign-in stands
   * without it. */
  if (!relink_store_add_history (job->store, job->entry, &history_error))
    g_message ("Could not record a sign-in in the history: %s", history_error->message);
  g_clear_error (&history_error);

  /* Likewise the test that the identity call made. */
  if (job->test_message != NULL
      && (!relink_store_update_test_result (job->store, job->account_id, job->authorised_at, TRUE,
                                            job->test_message, &history_error)
          || !relink_store_add_history (job->store, job->test_entry, &history_error)))
    g_message ("Could not record a connection test: %s", history_error->message);

  g_task_return_boolean (task, TRUE);
}

static void
run_store_job (RelinkSignIn *self, StoreJob *job, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, run_store_job);
  /* Never cancelled: half a change is worse than a late one. */
  g_task_set_task_data (task, job, (GDestroyNotify) store_job_free);
  g_task_run_in_thread (task, store_job_thread);
}

static RelinkHistoryEntry *
new_history_entry (RelinkSignIn *self, gboolean ok, const char *message)
{
  return relink_history_entry_new (relink_account_get_id (self->account), relink_now (),
                                   self->renewal ? RELINK_HISTORY_KIND_RENEWAL
                                                 : RELINK_HISTORY_KIND_CONNECT,
                                   ok, relink_account_manager_get_program (self->manager), message);
}

static void
failure_recorded_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Complete *data = g_task_get_task_data (task);

  g_task_return_error (task, g_steal_pointer (&data->failure));
}

/* Ends the sign-in (takes @task) with @error (taken). Tokens and
 * metadata were not touched; the attempt is recorded in the history
 * unless the seller cancelled it or it was never an attempt (a wrong or
 * repeated address). */
static void
fail (GTask *task, GError *error)
{
  g_autoptr (GTask) owned = task;
  RelinkSignIn *self = g_task_get_source_object (task);
  Complete *data = g_task_get_task_data (task);
  StoreJob *job;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_WRONG_REDIRECT)
      || g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_ALREADY_USED))
    {
      g_task_return_error (task, error);
      return;
    }

  g_clear_error (&data->failure);
  data->failure = error;

  job = g_new0 (StoreJob, 1);
  job->store = g_object_ref (relink_account_manager_get_store (self->manager));
  job->account_id = g_strdup (relink_account_get_id (self->account));
  job->entry = new_history_entry (self, FALSE, error->message);
  run_store_job (self, job, failure_recorded_cb, g_steal_pointer (&owned));
}

static void
tokens_cleared_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Complete *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!relink_secrets_clear_tokens_finish (RELINK_SECRETS (object), result, &error))
    g_message ("Could not remove the tokens of a removed account: %s", error->message);

  g_task_return_error (task, g_steal_pointer (&data->failure));
}

static void
metadata_saved_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  RelinkSignIn *self = RELINK_SIGN_IN (object);
  g_autoptr (GTask) task = user_data;
  Complete *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NOT_FOUND))
        {
          /* Removed by another program meanwhile: its new tokens must not
           * linger in the keyring without an account. */
          data->failure = error;
          relink_secrets_clear_tokens_async (relink_account_manager_get_secrets (self->manager),
                                             relink_account_get_id (self->account), NULL,
                                             tokens_cleared_cb, g_steal_pointer (&task));
          return;
        }

      fail (g_steal_pointer (&task),
            g_error_new (error->domain, error->code,
                         _ ("The new sign-in is saved in the keyring, but the account "
                            "list could not be updated: %s"),
                         error->message));
      g_error_free (error);
      return;
    }

  /* The row in the window follows the setters at once. */
  g_object_freeze_notify (G_OBJECT (self->account));
  relink_account_set_identity_id (self->account, relink_identity_get_id (data->identity));
  relink_account_set_identity_name (self->account, data->identity_name);
  relink_account_set_scopes (self->account, data->scopes);
  relink_account_set_authorised_at (self->account, data->authorised_at);
  relink_account_set_access_expires_at (self->account, data->access_expires_at);
  relink_account_set_refresh_expires_at (self->account, data->refresh_expires_at);
  relink_account_set_status (self->account, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_status_message (self->account, NULL);
  if (data->test_message != NULL)
    {
      relink_account_set_last_test_at (self->account, data->authorised_at);
      relink_account_set_last_test_ok (self->account, TRUE);
      relink_account_set_last_test_message (self->account, data->test_message);
    }
  g_object_thaw_notify (G_OBJECT (self->account));

  g_set_object (&self->identity, data->identity);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IDENTITY]);

  g_task_return_boolean (task, TRUE);
}

static void
tokens_stored_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RelinkSignIn *self = g_task_get_source_object (task);
  Complete *data = g_task_get_task_data (task);
  g_autofree char *message = NULL;
  const char *scope;
  GError *error = NULL;
  StoreJob *job;

  if (!relink_secrets_store_tokens_finish (RELINK_SECRETS (object), result, &error))
    {
      fail (g_steal_pointer (&task), error);
      return;
    }

  scope = relink_token_set_get_scope (data->tokens);
  if (is_blank (scope) && self->request != NULL)
    scope = relink_auth_request_get_scope (self->request);
  data->scopes = is_blank (scope) ? NULL : g_strdup (scope);

  /* Amazon names no one, only an id: keep the name known for it. */
  if (relink_identity_has_name (data->identity) || !self->renewal
      || is_blank (relink_account_get_identity_name (self->account)))
    data->identity_name = g_strdup (relink_identity_get_name (data->identity));
  else
    data->identity_name = g_strdup (relink_account_get_identity_name (self->account));

  data->authorised_at = relink_now ();
  data->access_expires_at = relink_token_set_get_access_expires_at (data->tokens);
  data->refresh_expires_at = relink_token_set_get_refresh_expires_at (data->tokens);
  /* An Auth'n'Auth token has no refresh token: the grant ends with it. */
  if (self->auth_n_auth)
    data->refresh_expires_at = data->access_expires_at;

  /* Translators: a history entry; %s is the marketplace's name for the account. */
  message = g_strdup_printf (_ ("Signed in as %s"), data->identity_name);

  job = g_new0 (StoreJob, 1);
  job->store = g_object_ref (relink_account_manager_get_store (self->manager));
  job->account_id = g_strdup (relink_account_get_id (self->account));
  job->entry = new_history_entry (self, TRUE, message);
  job->update = TRUE;
  job->identity_id = g_strdup (relink_identity_get_id (data->identity));
  job->identity_name = g_strdup (data->identity_name);
  job->scopes = g_strdup (data->scopes);
  job->authorised_at = data->authorised_at;
  job->access_expires_at = data->access_expires_at;
  job->refresh_expires_at = data->refresh_expires_at;

  /* The identity came from the call a connection test makes, with the
   * new access token: that answer is the first test, so that the test
   * after a sign-in (relink_token_service_signed_in_async()) need not
   * ask the marketplace the same question again. */
  if (relink_provider_get_identity_source (self->provider) == RELINK_IDENTITY_SOURCE_ENDPOINT)
    {
      /* Translators: a connection test's result; %s is the marketplace's
       * name for the account. */
      data->test_message = g_strdup_printf (_ ("Connected as %s"), data->identity_name);
      job->test_message = g_strdup (data->test_message);
      job->test_entry = relink_history_entry_new (
          relink_account_get_id (self->account), relink_now (), RELINK_HISTORY_KIND_TEST, TRUE,
          relink_account_manager_get_program (self->manager), data->test_message);
    }
  run_store_job (self, job, metadata_saved_cb, g_steal_pointer (&task));
}

/* Takes @task. */
static void
store_tokens (GTask *task)
{
  RelinkSignIn *self = g_task_get_source_object (task);
  Complete *data = g_task_get_task_data (task);
  g_autofree char *label = NULL;

  /* Translators: the keyring item's label; the first %s is a marketplace,
   * the second the account's nickname. */
  label = g_strdup_printf (_ ("Relink: %s · %s tokens"), relink_provider_get_name (self->provider),
                           relink_account_get_display_name (self->account));

  /* Not cancellable from here on: the keyring and the store must not end
   * up telling different stories. */
  relink_secrets_store_tokens_async (relink_account_manager_get_secrets (self->manager),
                                     relink_account_get_id (self->account), label, data->tokens,
                                     NULL, tokens_stored_cb, task);
}

static void
discarded_tokens_revoked_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Complete *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  gboolean revoked;

  if (RELINK_IS_TRADING_CLIENT (object))
    revoked = relink_trading_client_revoke_token_finish (RELINK_TRADING_CLIENT (object), result,
                                                         &error);
  else
    revoked = relink_oauth_client_revoke_finish (RELINK_OAUTH_CLIENT (object), result, &error);

  /* Best effort: the tokens are dropped whatever the marketplace says. */
  if (!revoked)
    g_debug ("Could not revoke the tokens of a refused sign-in: %s", error->message);

  fail (g_steal_pointer (&task), g_steal_pointer (&data->failure));
}

/* The tokens belong to someone else: withdraw them where the marketplace
 * allows it, then report @refusal (taken). Takes @task. */
static void
discard_tokens (GTask *task, GError *refusal)
{
  RelinkSignIn *self = g_task_get_source_object (task);
  Complete *data = g_task_get_task_data (task);
  const RelinkProviderEnvironment *env = NULL;
  const char *token = relink_token_set_get_refresh_token (data->tokens);
  const char *hint = "refresh_token";

  g_clear_error (&data->failure);
  data->failure = refusal;

  /* Another eBay user's Auth'n'Auth token: RevokeToken ends it. */
  if (self->auth_n_auth)
    {
      relink_trading_client_revoke_token_async (
          relink_account_manager_get_trading_client (self->manager), self->provider, self->keyset,
          data->client_secret, relink_token_set_get_access_token (data->tokens), NULL,
          discarded_tokens_revoked_cb, task);
      return;
    }

  env = relink_auth_request_get_environment (self->request);

  if (is_blank (token))
    {
      token = relink_token_set_get_access_token (data->tokens);
      hint = "access_token";
    }

  if (env == NULL || env->revoke_url == NULL || is_blank (token))
    {
      fail (task, g_steal_pointer (&data->failure));
      return;
    }

  relink_oauth_client_revoke_async (relink_account_manager_get_oauth_client (self->manager),
                                    self->provider, self->keyset, token, hint, data->client_secret,
                                    NULL, discarded_tokens_revoked_cb, task);
}

static gboolean
names_equal (const char *a, const char *b)
{
  g_autofree char *fa = g_utf8_casefold (a, -1);
  g_autofree char *fb = g_utf8_casefold (b, -1);

  return g_strcmp0 (fa, fb) == 0;
}

/* Another account with the same developer keys that is already
 * @identity, or NULL. Two accounts of one grant would refresh each other's
 * tokens away where refresh tokens rotate. */
static RelinkAccount *
find_twin (RelinkSignIn *self, RelinkIdentity *identity)
{
  GListModel *accounts = relink_account_manager_get_grants (self->manager);
  const char *keyset_id = relink_account_get_keyset_id (self->account);
  guint n = g_list_model_get_n_items (accounts);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (RelinkAccount) other = g_list_model_get_item (accounts, i);

      if (g_strcmp0 (relink_account_get_id (other), relink_account_get_id (self->account)) != 0
          && g_strcmp0 (relink_account_get_keyset_id (other), keyset_id) == 0
          && g_strcmp0 (relink_account_get_identity_id (other), relink_identity_get_id (identity))
                 == 0)
        return g_steal_pointer (&other);
    }
  return NULL;
}

/* Whether @identity may be stored for this account. */
static gboolean
check_identity (RelinkSignIn *self, RelinkIdentity *identity, GError **error)
{
  const char *signed_in = relink_identity_get_name (identity);

  if (self->renewal)
    {
      const char *expected_id = relink_account_get_identity_id (self->account);
      const char *expected_name = relink_account_get_identity_name (self->account);

      /* Only the immutable id counts: a name can change hands. */
      if (g_strcmp0 (relink_identity_get_id (identity), expected_id) == 0)
        return TRUE;

      if (is_blank (expected_name))
        expected_name = expected_id;
      g_set_error (error, RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_WRONG_ACCOUNT,
                   _ ("You signed in as %s, but this account is %s. Sign in as %s."), signed_in,
                   expected_name, expected_name);
      return FALSE;
    }
  else
    {
      g_autofree char *expected = g_strdup (relink_grant_get_expected_identity (self->account));
      g_autoptr (RelinkAccount) twin = find_twin (self, identity);
      RelinkAccount *owner = relink_account_get_owner (self->account);

      /* A further grant of the kind its account's own grant has is tied
       * to the seller the account verified (HACKING.md, "Grant"); other
       * kinds compare the id both kinds share in their own sign-in. */
      if (owner != NULL && !is_blank (relink_account_get_identity_id (owner))
          && g_strcmp0 (relink_grant_get_kind (owner), relink_grant_get_kind (self->account)) == 0
          && g_strcmp0 (relink_identity_get_id (identity), relink_account_get_identity_id (owner))
                 != 0)
        {
          const char *name = relink_account_get_identity_name (owner);

          if (is_blank (name))
            name = relink_account_get_identity_id (owner);
          g_set_error (error, RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_WRONG_ACCOUNT,
                       _ ("You signed in as %s, but this account is %s. Sign in as %s."), signed_in,
                       name, name);
          return FALSE;
        }

      if (twin != NULL)
        {
          g_set_error (error, RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_ALREADY_CONNECTED,
                       _ ("%s is already connected in Relink as “%s”. Renew that account "
                          "instead, or sign in as another account."),
                       signed_in, relink_account_get_display_name (twin));
          return FALSE;
        }

      if (expected != NULL)
        g_strstrip (expected);
      if (is_blank (expected))
        return TRUE;

      if (g_strcmp0 (relink_identity_get_id (identity), expected) == 0
          || names_equal (relink_identity_get_name (identity), expected))
        return TRUE;

      g_set_error (error, RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_UNEXPECTED_ACCOUNT,
                   _ ("You signed in as %s, but you expected %s. Sign in as %s, or change the "
                      "expected account."),
                   signed_in, expected, expected);
      return FALSE;
    }
}

static void check_and_store (GTask *task);

static void
signed_in_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Complete *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (RELINK_IS_TRADING_CLIENT (object))
    data->tokens = relink_trading_client_sign_in_finish (RELINK_TRADING_CLIENT (object), result,
                                                         &data->identity, &error);
  else
    data->tokens = relink_oauth_client_sign_in_finish (RELINK_OAUTH_CLIENT (object), result,
                                                       &data->identity, &error);
  if (data->tokens == NULL)
    {
      fail (g_steal_pointer (&task), error);
      return;
    }

  check_and_store (g_steal_pointer (&task));
}

/* The tokens are in: who signed in decides whether they are kept. Takes
 * @task. */
static void
check_and_store (GTask *owned_task)
{
  g_autoptr (GTask) task = owned_task;
  RelinkSignIn *self = g_task_get_source_object (task);
  Complete *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (data->identity == NULL || is_blank (relink_identity_get_id (data->identity)))
    {
      discard_tokens (g_steal_pointer (&task),
                      g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED,
                                   _ ("%s did not say which account signed in. Nothing was "
                                      "changed; try again."),
                                   relink_provider_get_name (self->provider)));
      return;
    }

  if (!check_identity (self, data->identity, &error))
    {
      discard_tokens (g_steal_pointer (&task), error);
      return;
    }

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      fail (g_steal_pointer (&task), error);
      return;
    }

  store_tokens (g_steal_pointer (&task));
}

static void lookup_next_secret (GTask *task);

static void
secret_looked_up_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Complete *data = g_task_get_task_data (task);
  g_autofree char *field = g_ptr_array_steal_index (data->fields, data->fields->len - 1);
  GError *error = NULL;
  char *value;

  value = relink_secrets_lookup_keyset_secret_finish (RELINK_SECRETS (object), result, &error);
  if (error != NULL)
    {
      fail (g_steal_pointer (&task), error);
      return;
    }

  /* A missing client secret is reported by the exchange, in words that
   * point at the keyset. */
  if (g_strcmp0 (field, "client_secret") == 0)
    {
      relink_secret_free (data->client_secret);
      data->client_secret = value;
    }
  else if (g_strcmp0 (field, "shared_secret") == 0 || data->shared_secret == NULL)
    {
      relink_secret_free (data->shared_secret);
      data->shared_secret = value;
    }
  else
    {
      relink_secret_free (value);
    }

  lookup_next_secret (g_steal_pointer (&task));
}

/* Takes @task: reads the next secret field, or signs in when all are
 * read. */
static void
lookup_next_secret (GTask *task)
{
  RelinkSignIn *self = g_task_get_source_object (task);
  Complete *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (data->fields->len > 0)
    {
      relink_secrets_lookup_keyset_secret_async (
          relink_account_manager_get_secrets (self->manager), relink_keyset_get_id (self->keyset),
          g_ptr_array_index (data->fields, data->fields->len - 1), cancellable, secret_looked_up_cb,
          task);
      return;
    }

  if (self->auth_n_auth)
    {
      relink_trading_client_sign_in_async (
          relink_account_manager_get_trading_client (self->manager), self->provider, self->keyset,
          data->client_secret, self->session_id, cancellable, signed_in_cb, task);
      return;
    }

  relink_oauth_client_sign_in_async (relink_account_manager_get_oauth_client (self->manager),
                                     self->request, data->response, data->client_secret,
                                     data->shared_secret, cancellable, signed_in_cb, task);
}

/* Auth'n'Auth: eBay sent the browser to the accepted URL (or its own
 * page); the session is then exchanged with the Cert ID. Takes @task. */
static void
complete_auth_n_auth (GTask *task, const char *redirect_uri)
{
  RelinkSignIn *self = g_task_get_source_object (task);
  Complete *data = g_task_get_task_data (task);
  gboolean accepted = FALSE;

  if (self->session_id == NULL
      || !relink_trading_is_accepted_url (self->provider, self->keyset, redirect_uri, &accepted))
    {
      fail (task, g_error_new_literal (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_WRONG_REDIRECT,
                                       _ ("This is not the address eBay sends you to after "
                                          "signing in. Sign in again.")));
      return;
    }

  if (!accepted)
    {
      fail (task, g_error_new_literal (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_DECLINED,
                                       _ ("You did not give Relink access on eBay. Nothing was "
                                          "changed; sign in again to give access.")));
      return;
    }

  g_ptr_array_add (data->fields, g_strdup ("client_secret"));
  lookup_next_secret (task);
}

/* Preparing: nothing for OAuth 2.0, a Trading session for Auth'n'Auth. */

static void
session_id_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RelinkSignIn *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autofree char *session_id = relink_trading_client_get_session_id_finish (
      RELINK_TRADING_CLIENT (object), result, &error);

  if (session_id == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_clear_pointer (&self->sign_in_url, g_free);
  self->sign_in_url = relink_trading_sign_in_url (self->provider, self->keyset, session_id, &error);
  if (self->sign_in_url == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_free (self->session_id);
  self->session_id = g_steal_pointer (&session_id);
  g_task_return_boolean (task, TRUE);
}

static void
cert_id_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RelinkSignIn *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;
  g_autoptr (RelinkSecretString) cert_id
      = relink_secrets_lookup_keyset_secret_finish (RELINK_SECRETS (object), result, &error);

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* A missing Cert ID is reported by the call, in words that point at
   * the keyset. */
  relink_trading_client_get_session_id_async (
      relink_account_manager_get_trading_client (self->manager), self->provider, self->keyset,
      cert_id, cancellable, session_id_cb, g_steal_pointer (&task));
}

/**
 * relink_sign_in_prepare_async:
 * @self: the sign-in
 * @cancellable: (nullable): cancels the preparation
 *
 * Makes the sign-in page known: at once for OAuth 2.0; for eBay
 * Auth'n'Auth, after a Trading GetSessionID with the keyset's RuName and
 * Cert ID. Call before relink_sign_in_get_authorize_url(). Errors are
 * RELINK_OAUTH_ERROR or RELINK_SECRETS_ERROR; nothing is recorded.
 */
void
relink_sign_in_prepare_async (RelinkSignIn *self,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (RELINK_IS_SIGN_IN (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_sign_in_prepare_async);

  if (!self->auth_n_auth)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  relink_secrets_lookup_keyset_secret_async (relink_account_manager_get_secrets (self->manager),
                                             relink_keyset_get_id (self->keyset), "client_secret",
                                             cancellable, cert_id_cb, g_steal_pointer (&task));
}

gboolean
relink_sign_in_prepare_finish (RelinkSignIn *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (RELINK_IS_SIGN_IN (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * relink_sign_in_complete_async:
 * @self: the sign-in
 * @redirect_uri: the redirect address the marketplace sent the browser to
 * @cancellable: (nullable): cancels until the tokens are being saved
 *
 * Checks @redirect_uri, exchanges its code, verifies who signed in and only
 * then saves the tokens and the account's new dates. Errors:
 * RELINK_SIGN_IN_ERROR for an identity that does not fit the account,
 * RELINK_OAUTH_ERROR (declined, state mismatch, network, ...) as the
 * exchange gave them, RELINK_SECRETS_ERROR or RELINK_STORE_ERROR.
 */
void
relink_sign_in_complete_async (RelinkSignIn *self,
                               const char *redirect_uri,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  Complete *data;
  GPtrArray *fields;
  GError *error = NULL;

  g_return_if_fail (RELINK_IS_SIGN_IN (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_sign_in_complete_async);
  /* Past the point of no return (tokens being saved) a success is a
   * success, even if the seller closed the dialog meanwhile. */
  g_task_set_check_cancellable (task, FALSE);
  data = g_new0 (Complete, 1);
  data->fields = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, data, (GDestroyNotify) complete_free);

  if (self->auth_n_auth)
    {
      complete_auth_n_auth (g_steal_pointer (&task), redirect_uri);
      return;
    }

  data->response = relink_auth_request_parse_redirect (self->request, redirect_uri, &error);
  if (data->response == NULL)
    {
      fail (g_steal_pointer (&task), error);
      return;
    }

  /* Read last first: the client secret, then the secret keyset fields in
   * profile order. */
  fields = relink_provider_get_keyset_fields (self->provider);
  for (guint i = fields->len; i > 0; i--)
    {
      const RelinkKeysetField *field = g_ptr_array_index (fields, i - 1);

      if (field->secret)
        g_ptr_array_add (data->fields, g_strdup (field->id));
    }
  if (relink_provider_get_needs_client_secret (self->provider))
    g_ptr_array_add (data->fields, g_strdup ("client_secret"));

  lookup_next_secret (g_steal_pointer (&task));
}

gboolean
relink_sign_in_complete_finish (RelinkSignIn *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (RELINK_IS_SIGN_IN (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
