/* relink-sign-in.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-expiry.h"
#include "relink-sign-in.h"

G_DEFINE_QUARK (relink-sign-in-error-quark, relink_sign_in_error)

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

  properties[PROP_ACCOUNT] = g_param_spec_object (
      "account", NULL, NULL, RELINK_TYPE_ACCOUNT, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REQUEST] = g_param_spec_object (
      "request", NULL, NULL, RELINK_TYPE_AUTH_REQUEST, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
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

  scopes = split_scopes (relink_account_get_scopes (account));
  self->request = relink_auth_request_new (provider, keyset, (const char *const *) scopes,
                                           &local_error);
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

  return relink_auth_request_get_authorize_url (self->request);
}

gboolean
relink_sign_in_is_redirect (RelinkSignIn *self, const char *uri)
{
  g_return_val_if_fail (RELINK_IS_SIGN_IN (self), FALSE);

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
  g_free (data);
}

/* Store work done off the main loop: the sign-in's metadata (when
 * @identity_id is set) and one history entry. */
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
  g_free (job);
}

static void
store_job_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
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
  return relink_history_entry_new (
      relink_account_get_id (self->account), relink_now (),
      self->renewal ? RELINK_HISTORY_KIND_RENEWAL : RELINK_HISTORY_KIND_CONNECT, ok,
      relink_account_manager_get_program (self->manager), message);
}

static void
failure_recorded_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Complete *data = g_task_get_task_data (task);

  g_task_return_error (task, g_steal_pointer (&data->failure));
}

/* Ends the sign-in with @error (taken). Tokens and metadata were not
 * touched; the attempt is recorded in the history unless the seller
 * cancelled it or it was never an attempt (a wrong or repeated address). */
static void
fail (GTask *task, GError *error)
{
  RelinkSignIn *self = g_task_get_source_object (task);
  Complete *data = g_task_get_task_data (task);
  StoreJob *job;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_WRONG_REDIRECT)
      || g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_ALREADY_USED))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  g_clear_error (&data->failure);
  data->failure = error;

  job = g_new0 (StoreJob, 1);
  job->store = g_object_ref (relink_account_manager_get_store (self->manager));
  job->account_id = g_strdup (relink_account_get_id (self->account));
  job->entry = new_history_entry (self, FALSE, error->message);
  run_store_job (self, job, failure_recorded_cb, task);
}
