/* relink-trading-client-calls.c: the Trading calls of
 * RelinkTradingClient, the sign-in page and its end, the token test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "relink-token-set.h"
#include "relink-trading-client-private.h"
#include "relink-uri.h"

static gboolean
is_blank (const char *text)
{
  return text == NULL || text[0] == '\0';
}

/* The calls */

void
relink_trading_client_get_session_id_async (RelinkTradingClient *self,
                                            RelinkProvider *provider,
                                            RelinkKeyset *keyset,
                                            const char *cert_id,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data)
{
  Request request = { .kind = CALL_GET_SESSION_ID, .cert_id = cert_id };

  g_return_if_fail (RELINK_IS_TRADING_CLIENT (self));
  g_return_if_fail (RELINK_IS_PROVIDER (provider));
  g_return_if_fail (RELINK_IS_KEYSET (keyset));

  relink_trading_client_start_call (self, provider, keyset, &request, cancellable, callback,
                                    user_data, relink_trading_client_get_session_id_async);
}

char *
relink_trading_client_get_session_id_finish (RelinkTradingClient *self,
                                             GAsyncResult *result,
                                             GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
relink_trading_sign_in_url (RelinkProvider *provider,
                            RelinkKeyset *keyset,
                            const char *session_id,
                            GError **error)
{
  const RelinkProviderEnvironment *env
      = relink_provider_get_environment (provider, relink_keyset_get_environment (keyset));
  const char *runame = relink_keyset_get_redirect (keyset);
  g_autofree char *runame_escaped = NULL;
  g_autofree char *session_escaped = NULL;

  g_return_val_if_fail (session_id != NULL, NULL);

  if (env == NULL || env->trading_sign_in_url == NULL || is_blank (runame))
    {
      g_set_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_CONFIGURATION,
                   /* Translators: %s is a marketplace such as eBay. */
                   _ ("The %s profile or keyset lacks the Auth'n'Auth sign-in page or the "
                      "RuName. Correct the keyset."),
                   relink_provider_get_name (provider));
      return NULL;
    }

  runame_escaped = g_uri_escape_string (runame, NULL, FALSE);
  session_escaped = g_uri_escape_string (session_id, NULL, FALSE);
  return g_strconcat (env->trading_sign_in_url, "?SignIn&runame=", runame_escaped,
                      "&SessID=", session_escaped, NULL);
}

/* Scheme, host, port and path of @a and @b are the same. */
static gboolean
same_place (GUri *a, GUri *b)
{
  return g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0
         && g_ascii_strcasecmp (g_uri_get_host (a) != NULL ? g_uri_get_host (a) : "",
                                g_uri_get_host (b) != NULL ? g_uri_get_host (b) : "")
                == 0
         && g_uri_get_port (a) == g_uri_get_port (b)
         && g_strcmp0 (g_uri_get_path (a), g_uri_get_path (b)) == 0;
}

/* The value of @name in @query ("a&b=c"), NULL when absent; "" for a
 * name without "=". */
static char *
query_value (const char *query, const char *name)
{
  g_auto (GStrv) items = g_strsplit (query != NULL ? query : "", "&", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto (GStrv) pair = g_strsplit (items[i], "=", 2);
      g_autofree char *key = g_uri_unescape_string (pair[0], NULL);

      if (g_strcmp0 (key, name) == 0)
        return pair[1] != NULL ? g_uri_unescape_string (pair[1], NULL) : g_strdup ("");
    }
  return NULL;
}

gboolean
relink_trading_is_accepted_url (RelinkProvider *provider,
                                RelinkKeyset *keyset,
                                const char *uri,
                                gboolean *accepted)
{
  const char *expected = relink_keyset_get_extra (keyset, "accepted_url");
  const RelinkProviderEnvironment *env
      = relink_provider_get_environment (provider, relink_keyset_get_environment (keyset));
  g_autoptr (GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr (GUri) want = NULL;
  g_autofree char *success = NULL;
  const char *query;

  *accepted = FALSE;
  if (parsed == NULL)
    return FALSE;
  query = g_uri_get_query (parsed);
  success = query_value (query, "isAuthSuccessful");

  if (!is_blank (expected))
    {
      want = g_uri_parse (expected, G_URI_FLAGS_ENCODED, NULL);
      if (want == NULL || !same_place (want, parsed))
        return FALSE;
      *accepted = g_strcmp0 (success, "false") != 0;
      return TRUE;
    }

  /* eBay's own page when the RuName names no accepted URL: a command of
   * the sign-in page, spelt so. */
  if (env == NULL || env->trading_sign_in_url == NULL)
    return FALSE;
  want = g_uri_parse (env->trading_sign_in_url, G_URI_FLAGS_ENCODED, NULL);
  if (want == NULL || !same_place (want, parsed) || query == NULL
      || !g_str_has_prefix (query, "ThirdPartyAuthSucessFailure")
      || (query[strlen ("ThirdPartyAuthSucessFailure")] != '\0'
          && query[strlen ("ThirdPartyAuthSucessFailure")] != '&'))
    return FALSE;

  *accepted = g_strcmp0 (success, "true") == 0;
  return TRUE;
}

void
relink_trading_client_fetch_token_async (RelinkTradingClient *self,
                                         RelinkProvider *provider,
                                         RelinkKeyset *keyset,
                                         const char *cert_id,
                                         const char *session_id,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data)
{
  Request request = { .kind = CALL_FETCH_TOKEN, .cert_id = cert_id, .session_id = session_id };

  g_return_if_fail (RELINK_IS_TRADING_CLIENT (self));
  g_return_if_fail (session_id != NULL);

  relink_trading_client_start_call (self, provider, keyset, &request, cancellable, callback,
                                    user_data, relink_trading_client_fetch_token_async);
}

RelinkTokenSet *
relink_trading_client_fetch_token_finish (RelinkTradingClient *self,
                                          GAsyncResult *result,
                                          GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
relink_trading_client_get_user_async (RelinkTradingClient *self,
                                      RelinkProvider *provider,
                                      RelinkKeyset *keyset,
                                      const char *cert_id,
                                      const char *token,
                                      RelinkTradingCredential credential,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  Request request
      = { .kind = CALL_GET_USER, .cert_id = cert_id, .token = token, .credential = credential };

  g_return_if_fail (RELINK_IS_TRADING_CLIENT (self));
  g_return_if_fail (token != NULL);

  relink_trading_client_start_call (self, provider, keyset, &request, cancellable, callback,
                                    user_data, relink_trading_client_get_user_async);
}

RelinkIdentity *
relink_trading_client_get_user_finish (RelinkTradingClient *self,
                                       GAsyncResult *result,
                                       GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
relink_trading_client_get_token_status_async (RelinkTradingClient *self,
                                              RelinkProvider *provider,
                                              RelinkKeyset *keyset,
                                              const char *cert_id,
                                              const char *token,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data)
{
  Request request = { .kind = CALL_GET_TOKEN_STATUS, .cert_id = cert_id, .token = token };

  g_return_if_fail (RELINK_IS_TRADING_CLIENT (self));
  g_return_if_fail (token != NULL);

  relink_trading_client_start_call (self, provider, keyset, &request, cancellable, callback,
                                    user_data, relink_trading_client_get_token_status_async);
}

gboolean
relink_trading_client_get_token_status_finish (RelinkTradingClient *self,
                                               GAsyncResult *result,
                                               RelinkTradingTokenStatus *out_status,
                                               gint64 *out_expires_at,
                                               GError **error)
{
  g_autofree RelinkTradingStatusResult *status = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  status = g_task_propagate_pointer (G_TASK (result), error);
  if (status == NULL)
    return FALSE;

  if (out_status != NULL)
    *out_status = status->status;
  if (out_expires_at != NULL)
    *out_expires_at = status->expires_at;
  return TRUE;
}

/* The test: GetTokenStatus, then GetUser with the same token. */
typedef struct
{
  RelinkProvider *provider;
  RelinkKeyset *keyset;
  char *cert_id;
  char *token;
} TestData;

static void
test_data_free (TestData *data)
{
  g_clear_object (&data->provider);
  g_clear_object (&data->keyset);
  relink_secret_free (data->cert_id);
  relink_secret_free (data->token);
  g_free (data);
}

/* A task of @source_tag whose data hold the call's provider, keyset,
 * certificate id and @token (may be NULL). */
static GTask *
test_task_new (RelinkTradingClient *self,
               RelinkProvider *provider,
               RelinkKeyset *keyset,
               const char *cert_id,
               const char *token,
               GCancellable *cancellable,
               GAsyncReadyCallback callback,
               gpointer user_data,
               gpointer source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  TestData *data = g_new0 (TestData, 1);

  g_task_set_source_tag (task, source_tag);
  data->provider = g_object_ref (provider);
  data->keyset = g_object_ref (keyset);
  data->cert_id = g_strdup (cert_id);
  data->token = g_strdup (token);
  g_task_set_task_data (task, data, (GDestroyNotify) test_data_free);
  return task;
}

static void
test_user_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  RelinkIdentity *identity
      = relink_trading_client_get_user_finish (RELINK_TRADING_CLIENT (object), result, &error);

  if (identity == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, identity, g_object_unref);
}

static void
test_status_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RelinkTradingClient *self = RELINK_TRADING_CLIENT (object);
  TestData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  RelinkTradingTokenStatus status;
  GError *error = NULL;

  if (!relink_trading_client_get_token_status_finish (self, result, &status, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (status == RELINK_TRADING_TOKEN_EXPIRED)
    {
      g_task_return_error (task, relink_trading_error_for_code ("GetTokenStatus", "932"));
      return;
    }
  if (status == RELINK_TRADING_TOKEN_REVOKED)
    {
      g_task_return_error (task, relink_trading_error_for_code ("GetTokenStatus", "931"));
      return;
    }

  relink_trading_client_get_user_async (self, data->provider, data->keyset, data->cert_id,
                                        data->token, RELINK_TRADING_CREDENTIAL_AUTH_N_AUTH,
                                        cancellable, test_user_cb, g_steal_pointer (&task));
}

void
relink_trading_client_test_token_async (RelinkTradingClient *self,
                                        RelinkProvider *provider,
                                        RelinkKeyset *keyset,
                                        const char *cert_id,
                                        const char *token,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  GTask *task;

  g_return_if_fail (token != NULL);

  task = test_task_new (self, provider, keyset, cert_id, token, cancellable, callback, user_data,
                        relink_trading_client_test_token_async);
  relink_trading_client_get_token_status_async (self, provider, keyset, cert_id, token, cancellable,
                                                test_status_cb, task);
}

RelinkIdentity *
relink_trading_client_test_token_finish (RelinkTradingClient *self,
                                         GAsyncResult *result,
                                         GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The sign-in's end: FetchToken, then GetUser with the new token. The
 * test's data serve it too (token: the session id, then the token). */
static void
sign_in_user_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RelinkTokenSet *tokens = g_object_get_data (G_OBJECT (task), "relink-tokens");
  GError *error = NULL;
  RelinkIdentity *identity
      = relink_trading_client_get_user_finish (RELINK_TRADING_CLIENT (object), result, &error);

  if (identity == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_object_set_data_full (G_OBJECT (tokens), "relink-identity", identity, g_object_unref);
  g_task_return_pointer (task, g_object_ref (tokens), g_object_unref);
}

static void
sign_in_token_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RelinkTradingClient *self = RELINK_TRADING_CLIENT (object);
  TestData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;
  RelinkTokenSet *tokens = relink_trading_client_fetch_token_finish (self, result, &error);

  if (tokens == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_object_set_data_full (G_OBJECT (task), "relink-tokens", tokens, g_object_unref);
  relink_trading_client_get_user_async (
      self, data->provider, data->keyset, data->cert_id, relink_token_set_get_access_token (tokens),
      RELINK_TRADING_CREDENTIAL_AUTH_N_AUTH, cancellable, sign_in_user_cb, g_steal_pointer (&task));
}

void
relink_trading_client_sign_in_async (RelinkTradingClient *self,
                                     RelinkProvider *provider,
                                     RelinkKeyset *keyset,
                                     const char *cert_id,
                                     const char *session_id,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  GTask *task;

  g_return_if_fail (session_id != NULL);

  task = test_task_new (self, provider, keyset, cert_id, NULL, cancellable, callback, user_data,
                        relink_trading_client_sign_in_async);
  relink_trading_client_fetch_token_async (self, provider, keyset, cert_id, session_id, cancellable,
                                           sign_in_token_cb, task);
}

RelinkTokenSet *
relink_trading_client_sign_in_finish (RelinkTradingClient *self,
                                      GAsyncResult *result,
                                      RelinkIdentity **out_identity,
                                      GError **error)
{
  RelinkTokenSet *tokens;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  tokens = g_task_propagate_pointer (G_TASK (result), error);
  if (out_identity != NULL)
    *out_identity
        = tokens != NULL ? g_object_steal_data (G_OBJECT (tokens), "relink-identity") : NULL;
  return tokens;
}

RelinkTradingClient *
relink_account_manager_get_trading_client (RelinkAccountManager *manager)
{
  RelinkTradingClient *client;

  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (manager), NULL);

  client = g_object_get_data (G_OBJECT (manager), "relink-trading-client");
  if (client == NULL)
    {
      client = relink_trading_client_new ();
      g_object_set_data_full (G_OBJECT (manager), "relink-trading-client", client, g_object_unref);
    }
  return client;
}

void
relink_trading_client_revoke_token_async (RelinkTradingClient *self,
                                          RelinkProvider *provider,
                                          RelinkKeyset *keyset,
                                          const char *cert_id,
                                          const char *token,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data)
{
  Request request = { .kind = CALL_REVOKE_TOKEN, .cert_id = cert_id, .token = token };

  g_return_if_fail (RELINK_IS_TRADING_CLIENT (self));
  g_return_if_fail (token != NULL);

  relink_trading_client_start_call (self, provider, keyset, &request, cancellable, callback,
                                    user_data, relink_trading_client_revoke_token_async);
}

gboolean
relink_trading_client_revoke_token_finish (RelinkTradingClient *self,
                                           GAsyncResult *result,
                                           GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
