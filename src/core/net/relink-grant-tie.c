/* relink-grant-tie.c
 *
 * One seller behind every grant of an account, across grant kinds: the
 * new grant's EIASToken (Trading GetUser) against the other kind's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-expiry.h"
#include "relink-grant-tie-private.h"
#include "relink-grant-tie.h"
#include "relink-grant.h"
#include "relink-oauth-error.h"
#include "relink-secrets.h"
#include "relink-sign-in.h"
#include "relink-token-service.h"
#include "relink-trading-client.h"

typedef struct
{
  RelinkAccountManager *manager;
  RelinkAccount *grant;
  RelinkAccount *other;            /* the verified grant of the other kind */
  char *new_eias;                  /* the new grant's EIASToken, once known */
  char *new_name;                  /* who signed in, shown */
  char *other_token;               /* the other grant's access token, wiped when done */
  RelinkTokenService *own_service; /* only when the manager had none */
  GCancellable *deadline;          /* cancelled by the caller or the deadline */
  GCancellable *caller;
  gulong caller_id;
  GSource *deadline_source;
  gboolean timed_out;
} Tie;

static guint timeout_seconds = RELINK_GRANT_TIE_TIMEOUT_SECONDS;

void
relink_grant_tie_set_timeout (guint seconds)
{
  timeout_seconds = seconds > 0 ? seconds : RELINK_GRANT_TIE_TIMEOUT_SECONDS;
}

static void
tie_free (Tie *tie)
{
  g_clear_object (&tie->manager);
  g_clear_object (&tie->grant);
  g_clear_object (&tie->other);
  g_free (tie->new_eias);
  g_free (tie->new_name);
  g_clear_pointer (&tie->other_token, relink_secret_free);
  if (tie->deadline_source != NULL)
    g_source_destroy (tie->deadline_source);
  g_clear_pointer (&tie->deadline_source, g_source_unref);
  if (tie->caller != NULL)
    g_cancellable_disconnect (tie->caller, tie->caller_id);
  g_clear_object (&tie->caller);
  g_clear_object (&tie->deadline);
  g_clear_object (&tie->own_service);
  g_free (tie);
}

static gboolean
is_blank (const char *text)
{
  return text == NULL || *text == '\0';
}

/* The first verified grant of @grant's account whose kind is not @grant's. */
static RelinkAccount *
find_other_kind (RelinkAccount *grant)
{
  RelinkAccount *account = relink_account_get_account (grant);
  GListModel *extra = relink_account_get_extra_grants (account);
  const char *kind = relink_grant_get_kind (grant);
  guint n = extra != NULL ? g_list_model_get_n_items (extra) : 0;

  for (guint i = 0; i <= n; i++)
    {
      g_autoptr (RelinkAccount) candidate
          = i == 0 ? g_object_ref (account) : g_list_model_get_item (extra, i - 1);

      if (candidate != grant
          && g_strcmp0 (relink_account_get_id (candidate), relink_account_get_id (grant)) != 0
          && g_strcmp0 (relink_grant_get_kind (candidate), kind) != 0
          && !is_blank (relink_account_get_identity_id (candidate)))
        return g_steal_pointer (&candidate);
    }
  return NULL;
}

static void
compare (GTask *task, const char *other_eias, const char *other_name)
{
  Tie *tie = g_task_get_task_data (task);

  if (g_strcmp0 (tie->new_eias, other_eias) == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (is_blank (other_name))
    other_name = relink_account_get_identity_name (tie->other);
  if (is_blank (other_name))
    other_name = relink_account_get_display_name (tie->other);
  g_task_return_new_error (task, RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_WRONG_ACCOUNT,
                           _ ("You signed in as %s, but this account is %s. Sign in as %s."),
                           tie->new_name, other_name, other_name);
}

/* Ends @task with @error, said plainly: a wait the deadline ended is a
 * marketplace that did not answer in time, not a cancellation. Takes
 * @task. */
static void
fail (GTask *owned_task, GError *error)
{
  g_autoptr (GTask) task = owned_task;
  Tie *tie = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (tie->timed_out && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      && (cancellable == NULL || !g_cancellable_is_cancelled (cancellable)))
    {
      RelinkProvider *provider = relink_account_get_provider (tie->other);

      g_clear_error (&error);
      error = g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NETWORK,
                           _ ("%s did not answer in time. Nothing was changed; try again later."),
                           provider != NULL ? relink_provider_get_name (provider) : "eBay");
    }
  g_task_return_error (task, error);
}

static void
other_user_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (RelinkIdentity) identity = NULL;
  GError *error = NULL;

  identity = relink_trading_client_get_user_finish (RELINK_TRADING_CLIENT (object), result, &error);
  if (identity == NULL)
    {
      fail (g_steal_pointer (&task), error);
      return;
    }
  compare (task, relink_identity_get_id (identity), relink_identity_get_name (identity));
}

/* Whether the OAuth grant can give no valid access token until the
 * seller renews it: asking again will not help. */
static gboolean
needs_renewal (const GError *error)
{
  return g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_GRANT)
         || g_error_matches (error, RELINK_TOKEN_SERVICE_ERROR,
                             RELINK_TOKEN_SERVICE_ERROR_NO_REFRESH)
         || g_error_matches (error, RELINK_TOKEN_SERVICE_ERROR,
                             RELINK_TOKEN_SERVICE_ERROR_NOT_CONNECTED);
}

/* Auth'n'Auth added beside OAuth: GetUser with a valid access token of
 * the OAuth grant gives its EIASToken. */
static void
other_token_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Tie *tie = g_task_get_task_data (task);
  GError *error = NULL;

  tie->other_token = relink_token_service_get_access_token_finish (RELINK_TOKEN_SERVICE (object),
                                                                   result, NULL, &error);
  if (tie->other_token == NULL)
    {
      if (needs_renewal (error))
        {
          g_clear_error (&error);
          error = g_error_new (
              RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_CONFIGURATION,
              /* Translators: "Relink cannot check that you are the seller of
               * “Shop A”: its OAuth token is no longer accepted. …" */
              _ ("Relink cannot check that you are the seller of “%s”: its %s token is no longer "
                 "accepted. Renew that token first, then connect again."),
              relink_account_get_display_name (tie->other), relink_grant_get_label (tie->other));
        }
      fail (g_steal_pointer (&task), error);
      return;
    }

  relink_trading_client_get_user_async (relink_account_manager_get_trading_client (tie->manager),
                                        relink_account_get_provider (tie->other),
                                        relink_account_get_keyset (tie->other), NULL,
                                        tie->other_token, RELINK_TRADING_CREDENTIAL_OAUTH,
                                        tie->deadline, other_user_cb, g_steal_pointer (&task));
}

static void
caller_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static gboolean
deadline_cb (gpointer user_data)
{
  Tie *tie = user_data;

  tie->timed_out = TRUE;
  g_cancellable_cancel (tie->deadline);
  return G_SOURCE_REMOVE;
}

/* Asks the process's one token service for a valid access token of the
 * OAuth grant: it refreshes a lapsed or nearly lapsed one first, as
 * `relinkctl token` does, joined with any refresh already running, so
 * tokens never rotate outside it. The whole check ends at the deadline
 * (a refresh already sent still runs to its end inside the service,
 * bounded by its HTTP timeout). Takes @task. */
static void
fetch_other_token (GTask *owned_task, GCancellable *cancellable)
{
  g_autoptr (GTask) task = owned_task;
  Tie *tie = g_task_get_task_data (task);
  RelinkTokenService *service = relink_account_manager_get_token_service (tie->manager);

  /* Without a context (a test, a tool) the check makes the manager's
   * service itself, which is then the only one while it lives. */
  if (service == NULL)
    service = tie->own_service = relink_token_service_new (tie->manager);

  tie->deadline = g_cancellable_new ();
  if (cancellable != NULL)
    {
      tie->caller = g_object_ref (cancellable);
      tie->caller_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                              g_object_ref (tie->deadline), g_object_unref);
    }
  tie->deadline_source = g_timeout_source_new_seconds (timeout_seconds);
  g_source_set_callback (tie->deadline_source, deadline_cb, tie, NULL);
  g_source_attach (tie->deadline_source, g_task_get_context (task));

  relink_token_service_get_access_token_async (service, tie->other, tie->deadline, other_token_cb,
                                               g_steal_pointer (&task));
}

/* OAuth added beside Auth'n'Auth: GetUser with the new OAuth access
 * token; the Auth'n'Auth grant's identity id is its EIASToken. */
static void
new_user_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Tie *tie = g_task_get_task_data (task);
  g_autoptr (RelinkIdentity) identity = NULL;
  GError *error = NULL;

  identity = relink_trading_client_get_user_finish (RELINK_TRADING_CLIENT (object), result, &error);
  if (identity == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  tie->new_eias = g_strdup (relink_identity_get_id (identity));
  compare (task, relink_account_get_identity_id (tie->other), NULL);
}

void
relink_grant_tie_check_async (RelinkAccountManager *manager,
                              RelinkAccount *grant,
                              RelinkIdentity *identity,
                              RelinkTokenSet *tokens,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (manager, cancellable, callback, user_data);
  RelinkProvider *provider = relink_account_get_provider (grant);
  Tie *tie;

  g_task_set_source_tag (task, relink_grant_tie_check_async);
  tie = g_new0 (Tie, 1);
  g_task_set_task_data (task, tie, (GDestroyNotify) tie_free);
  tie->manager = g_object_ref (manager);
  tie->grant = g_object_ref (grant);
  tie->new_name = g_strdup (relink_identity_get_name (identity));
  if (is_blank (tie->new_name))
    {
      g_free (tie->new_name);
      tie->new_name = g_strdup (relink_identity_get_id (identity));
    }

  /* Only marketplaces with both kinds have an id they share. */
  if (provider == NULL || relink_provider_get_auth_n_auth (provider) == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  tie->other = find_other_kind (grant);
  if (tie->other == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (g_strcmp0 (relink_grant_get_kind (grant), RELINK_GRANT_KIND_AUTH_N_AUTH) == 0)
    {
      tie->new_eias = g_strdup (relink_identity_get_id (identity));
      fetch_other_token (g_steal_pointer (&task), cancellable);
      return;
    }

  if (g_strcmp0 (relink_grant_get_kind (tie->other), RELINK_GRANT_KIND_AUTH_N_AUTH) != 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  relink_trading_client_get_user_async (
      relink_account_manager_get_trading_client (manager), provider,
      relink_account_get_keyset (grant), NULL, relink_token_set_get_access_token (tokens),
      RELINK_TRADING_CREDENTIAL_OAUTH, cancellable, new_user_cb, g_steal_pointer (&task));
}

gboolean
relink_grant_tie_check_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
