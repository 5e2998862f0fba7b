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
#include "relink-grant-tie.h"
#include "relink-grant.h"
#include "relink-secrets.h"
#include "relink-sign-in.h"
#include "relink-trading-client.h"

typedef struct
{
  RelinkAccountManager *manager;
  RelinkAccount *grant;
  RelinkAccount *other; /* the verified grant of the other kind */
  char *new_eias;       /* the new grant's EIASToken, once known */
  char *new_name;       /* who signed in, shown */
} Tie;

static void
tie_free (Tie *tie)
{
  g_clear_object (&tie->manager);
  g_clear_object (&tie->grant);
  g_clear_object (&tie->other);
  g_free (tie->new_eias);
  g_free (tie->new_name);
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

static void
other_user_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (RelinkIdentity) identity = NULL;
  GError *error = NULL;

  identity = relink_trading_client_get_user_finish (RELINK_TRADING_CLIENT (object), result, &error);
  if (identity == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  compare (task, relink_identity_get_id (identity), relink_identity_get_name (identity));
}

/* Auth'n'Auth added beside OAuth: GetUser with the OAuth grant's access
 * token gives its EIASToken. */
static void
other_tokens_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Tie *tie = g_task_get_task_data (task);
  g_autoptr (RelinkTokenSet) tokens = NULL;
  GCancellable *cancellable;
  const char *token;
  gint64 expires_at;
  GError *error = NULL;

  tokens = relink_secrets_lookup_tokens_finish (RELINK_SECRETS (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  token = tokens != NULL ? relink_token_set_get_access_token (tokens) : NULL;
  expires_at = tokens != NULL ? relink_token_set_get_access_expires_at (tokens) : 0;
  /* A lapsed access token would only be refused: refreshing it here
   * would rotate tokens outside the token service. */
  if (is_blank (token) || (expires_at > 0 && expires_at <= relink_now ()))
    {
      g_task_return_new_error (
          task, RELINK_SIGN_IN_ERROR, RELINK_SIGN_IN_ERROR_WRONG_ACCOUNT,
          /* Translators: "Relink cannot check that you are the seller of “Shop A”: …" */
          _ ("Relink cannot check that you are the seller of “%s”: its %s token is not valid "
             "now. Renew or test that token first, then connect again."),
          relink_account_get_display_name (tie->other), relink_grant_get_label (tie->other));
      return;
    }

  cancellable = g_task_get_cancellable (task);
  relink_trading_client_get_user_async (
      relink_account_manager_get_trading_client (tie->manager),
      relink_account_get_provider (tie->other), relink_account_get_keyset (tie->other), NULL, token,
      RELINK_TRADING_CREDENTIAL_OAUTH, cancellable, other_user_cb, g_steal_pointer (&task));
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
      relink_secrets_lookup_tokens_async (relink_account_manager_get_secrets (manager),
                                          relink_account_get_id (tie->other), cancellable,
                                          other_tokens_cb, g_steal_pointer (&task));
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
