/* relink-oauth-client-calls.c: the OAuth calls a marketplace answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Each call builds its request and reads its answer; relink-oauth-client.c
 * sends it under a deadline and collects the body. */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "relink-aliexpress-sign.h"
#include "relink-expiry.h"
#include "relink-oauth-client-private.h"
#include "relink-token-response.h"
#include "relink-uri.h"

/* Code exchange */

void
relink_oauth_client_exchange_code_async (RelinkOAuthClient *self,
                                         RelinkAuthRequest *request,
                                         RelinkAuthResponse *response,
                                         const char *client_secret,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data)
{
  RelinkProvider *provider;
  RelinkKeyset *keyset;
  const RelinkProviderEnvironment *env;
  const char *code;
  const char *verifier;
  g_autoptr (GTask) task = NULL;
  Call *call;
  GError *error = NULL;

  g_return_if_fail (RELINK_IS_OAUTH_CLIENT (self));
  g_return_if_fail (RELINK_IS_AUTH_REQUEST (request));
  g_return_if_fail (response != NULL);

  provider = relink_auth_request_get_provider (request);
  keyset = relink_auth_request_get_keyset (request);
  env = relink_auth_request_get_environment (request);
  code = relink_auth_response_get_code (response);
  verifier = relink_auth_request_get_code_verifier (request);

  call = relink_oauth_call_new (provider, keyset, RELINK_OAUTH_CALL_CODE);
  call->auth_response = relink_auth_response_ref (response);
  call->requested_scope = g_strdup (relink_auth_request_get_scope (request));
  relink_oauth_call_add_secret (call, client_secret);
  relink_oauth_call_add_secret (call, code);
  relink_oauth_call_add_secret (call, verifier);
  task = relink_oauth_client_new_task (self, call, cancellable, callback, user_data,
                                       relink_oauth_client_exchange_code_async);

  if (!relink_oauth_check_client_secret (provider, client_secret, &error))
    {
      relink_oauth_call_fail_start (g_steal_pointer (&task), error);
      return;
    }

  {
    /* eBay: redirect_uri is the RuName, exactly as on the consent page. */
    const char *redirect = relink_auth_request_get_redirect_param (request);
    const Param params[] = {
      { "grant_type", "authorization_code" }, { "code", code }, { "redirect_uri", redirect },
      { "code_verifier", verifier },          { NULL },
    };
    /* In the order of eBay's documentation. */
    const Param ebay_params[] = {
      { "grant_type", "authorization_code" },
      { "redirect_uri", redirect },
      { "code", code },
      { "code_verifier", verifier },
      { NULL },
    };

    call->message = relink_oauth_client_build_token_message (
        self, provider, keyset, env->token_url,
        relink_provider_get_client_auth (provider) == RELINK_CLIENT_AUTH_BASIC ? ebay_params
                                                                               : params,
        client_secret);
  }

  relink_oauth_client_send_call (g_steal_pointer (&task), env->token_url);
}

RelinkTokenSet *
relink_oauth_client_exchange_code_finish (RelinkOAuthClient *self,
                                          GAsyncResult *result,
                                          RelinkIdentity **out_identity,
                                          GError **error)
{
  g_autoptr (RelinkTokenSet) tokens = NULL;

  g_return_val_if_fail (RELINK_IS_OAUTH_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (out_identity != NULL)
    *out_identity = NULL;

  tokens = g_task_propagate_pointer (G_TASK (result), error);
  if (tokens == NULL)
    return NULL;

  if (out_identity != NULL)
    *out_identity = g_object_steal_data (G_OBJECT (tokens), "relink-identity");
  else
    g_object_set_data (G_OBJECT (tokens), "relink-identity", NULL);

  return g_steal_pointer (&tokens);
}

/* Refresh */

void
relink_oauth_client_refresh_async (RelinkOAuthClient *self,
                                   RelinkProvider *provider,
                                   RelinkKeyset *keyset,
                                   RelinkTokenSet *previous,
                                   const char *client_secret,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  const RelinkProviderEnvironment *env;
  const char *refresh_token;
  const char *url;
  g_autofree char *scope = NULL;
  GError *error = NULL;
  g_autoptr (GTask) task = NULL;
  Call *call;

  g_return_if_fail (RELINK_IS_OAUTH_CLIENT (self));
  g_return_if_fail (RELINK_IS_PROVIDER (provider));
  g_return_if_fail (RELINK_IS_KEYSET (keyset));
  g_return_if_fail (RELINK_IS_TOKEN_SET (previous));

  refresh_token = relink_token_set_get_refresh_token (previous);

  call = relink_oauth_call_new (provider, keyset, RELINK_OAUTH_CALL_REFRESH);
  call->previous = relink_token_set_copy (previous);
  relink_oauth_call_add_secret (call, client_secret);
  relink_oauth_call_add_secret (call, refresh_token);
  relink_oauth_call_add_secret (call, relink_token_set_get_access_token (previous));
  task = relink_oauth_client_new_task (self, call, cancellable, callback, user_data,
                                       relink_oauth_client_refresh_async);

  env = relink_oauth_keyset_environment (provider, keyset, &error);
  if (env == NULL || !relink_oauth_check_client_secret (provider, client_secret, &error))
    {
      relink_oauth_call_fail_start (g_steal_pointer (&task), error);
      return;
    }

  if (relink_oauth_is_blank (refresh_token))
    {
      relink_oauth_call_fail_start (
          g_steal_pointer (&task),
          g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_GRANT,
                       _ ("There is no refresh token for this %s account. Renew "
                          "the connection to sign in again."),
                       relink_provider_get_name (provider)));
      return;
    }

  /* eBay wants scope on every refresh (the granted one or a subset); other
   * marketplaces keep the granted scope without being told. */
  if (relink_provider_get_client_auth (provider) == RELINK_CLIENT_AUTH_BASIC)
    {
      if (!relink_oauth_is_blank (relink_token_set_get_scope (previous)))
        scope = g_strdup (relink_token_set_get_scope (previous));
      else
        scope = g_strjoinv (" ", (char **) relink_provider_get_scopes (provider));
      if (scope[0] == '\0')
        g_clear_pointer (&scope, g_free);
    }

  {
    const Param params[] = {
      { "grant_type", "refresh_token" },
      { "refresh_token", refresh_token },
      { "scope", scope },
      { NULL },
    };

    url = relink_provider_environment_get_refresh_url (env);
    call->message = relink_oauth_client_build_token_message (self, provider, keyset, url, params,
                                                             client_secret);
  }

  /* libsoup sends a POST on a new connection unless told it may be
   * repeated: reusing one saves a TLS handshake per refresh, but a
   * connection that dies under the request makes libsoup send it again.
   * Harmless where refresh tokens stay the same; a rotating one would be
   * spent twice, so those keep the default. */
  if (call->message != NULL && !relink_provider_get_rotating_refresh (provider))
    soup_message_add_flags (call->message, SOUP_MESSAGE_IDEMPOTENT);

  relink_oauth_client_send_call (g_steal_pointer (&task), url);
}

RelinkTokenSet *
relink_oauth_client_refresh_finish (RelinkOAuthClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (RELINK_IS_OAUTH_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The access token as "Authorization: Bearer …"; the copy is wiped. */
static void
set_bearer (SoupMessage *message, const char *access_token)
{
  g_autoptr (RelinkSecretString) bearer = g_strconcat ("Bearer ", access_token, NULL);

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                bearer);
}

/* Identity */

void
relink_oauth_client_fetch_identity_async (RelinkOAuthClient *self,
                                          RelinkProvider *provider,
                                          RelinkKeyset *keyset,
                                          const char *access_token,
                                          const char *shared_secret,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data)
{
  const RelinkProviderEnvironment *env;
  RelinkIdentitySource source;
  SoupMessageHeaders *headers;
  GError *error = NULL;
  g_autoptr (GTask) task = NULL;
  Call *call;

  g_return_if_fail (RELINK_IS_OAUTH_CLIENT (self));
  g_return_if_fail (RELINK_IS_PROVIDER (provider));
  g_return_if_fail (RELINK_IS_KEYSET (keyset));
  g_return_if_fail (access_token != NULL);

  call = relink_oauth_call_new (provider, keyset, RELINK_OAUTH_CALL_IDENTITY);
  relink_oauth_call_add_secret (call, access_token);
  relink_oauth_call_add_secret (call, shared_secret);
  task = relink_oauth_client_new_task (self, call, cancellable, callback, user_data,
                                       relink_oauth_client_fetch_identity_async);

  source = relink_provider_get_identity_source (provider);
  env = relink_oauth_keyset_environment (provider, keyset, &error);
  if (env == NULL)
    {
      relink_oauth_call_fail_start (g_steal_pointer (&task), error);
      return;
    }

  if ((source == RELINK_IDENTITY_SOURCE_ENDPOINT || source == RELINK_IDENTITY_SOURCE_ID_TOKEN)
      && env->identity_url != NULL)
    call->message = soup_message_new (SOUP_METHOD_GET, env->identity_url);
  if (call->message == NULL)
    {
      relink_oauth_call_fail_start (
          g_steal_pointer (&task),
          g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_CONFIGURATION,
                       _ ("The %s profile names no address to ask who signed in."),
                       relink_provider_get_name (provider)));
      return;
    }

  headers = soup_message_get_request_headers (call->message);
  set_bearer (call->message, access_token);

  /* Etsy wants "keystring:shared_secret" on every API call since 2026-02. */
  if (!relink_oauth_is_blank (shared_secret))
    {
      g_autoptr (RelinkSecretString) api_key
          = g_strconcat (relink_keyset_get_client_id (keyset), ":", shared_secret, NULL);

      soup_message_headers_replace (headers, "x-api-key", api_key);
    }

  relink_oauth_client_send_call (g_steal_pointer (&task), env->identity_url);
}

RelinkIdentity *
relink_oauth_client_fetch_identity_finish (RelinkOAuthClient *self,
                                           GAsyncResult *result,
                                           GError **error)
{
  g_return_val_if_fail (RELINK_IS_OAUTH_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Sign-in: exchange, then identity */

typedef struct
{
  RelinkProvider *provider;
  RelinkKeyset *keyset;
  char *shared_secret;
  RelinkTokenSet *tokens;
  RelinkIdentity *identity;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_clear_object (&sign_in->provider);
  g_clear_object (&sign_in->keyset);
  g_clear_pointer (&sign_in->shared_secret, relink_secret_free);
  g_clear_object (&sign_in->tokens);
  g_clear_object (&sign_in->identity);
  g_free (sign_in);
}

static void
sign_in_return (GTask *task)
{
  SignIn *sign_in = g_task_get_task_data (task);

  g_object_set_data_full (G_OBJECT (sign_in->tokens), "relink-identity",
                          g_steal_pointer (&sign_in->identity), g_object_unref);
  g_task_return_pointer (task, g_steal_pointer (&sign_in->tokens), g_object_unref);
}

static void
sign_in_identity_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SignIn *sign_in = g_task_get_task_data (task);
  GError *error = NULL;

  sign_in->identity
      = relink_oauth_client_fetch_identity_finish (RELINK_OAUTH_CLIENT (object), result, &error);
  if (sign_in->identity == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  sign_in_return (task);
}

static void
sign_in_exchange_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SignIn *sign_in = g_task_get_task_data (task);
  RelinkOAuthClient *self = RELINK_OAUTH_CLIENT (object);
  GCancellable *cancellable;
  GError *error = NULL;

  sign_in->tokens
      = relink_oauth_client_exchange_code_finish (self, result, &sign_in->identity, &error);
  if (sign_in->tokens == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (sign_in->identity != NULL)
    {
      sign_in_return (task);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  relink_oauth_client_fetch_identity_async (
      self, sign_in->provider, sign_in->keyset, relink_token_set_get_access_token (sign_in->tokens),
      sign_in->shared_secret, cancellable, sign_in_identity_cb, g_steal_pointer (&task));
}

void
relink_oauth_client_sign_in_async (RelinkOAuthClient *self,
                                   RelinkAuthRequest *request,
                                   RelinkAuthResponse *response,
                                   const char *client_secret,
                                   const char *shared_secret,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  SignIn *sign_in;

  g_return_if_fail (RELINK_IS_OAUTH_CLIENT (self));
  g_return_if_fail (RELINK_IS_AUTH_REQUEST (request));
  g_return_if_fail (response != NULL);

  sign_in = g_new0 (SignIn, 1);
  sign_in->provider = g_object_ref (relink_auth_request_get_provider (request));
  sign_in->keyset = g_object_ref (relink_auth_request_get_keyset (request));
  sign_in->shared_secret = g_strdup (shared_secret);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_oauth_client_sign_in_async);
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);

  relink_oauth_client_exchange_code_async (self, request, response, client_secret, cancellable,
                                           sign_in_exchange_cb, g_steal_pointer (&task));
}

RelinkTokenSet *
relink_oauth_client_sign_in_finish (RelinkOAuthClient *self,
                                    GAsyncResult *result,
                                    RelinkIdentity **out_identity,
                                    GError **error)
{
  return relink_oauth_client_exchange_code_finish (self, result, out_identity, error);
}

/* Revocation */

/* Where @provider names no address to withdraw access at. */
static GError *
no_revoke_error (RelinkProvider *provider)
{
  return g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NOT_SUPPORTED,
                      _ ("%s offers no way to withdraw access from here. Remove "
                         "Relink on the marketplace’s connected apps page."),
                      relink_provider_get_name (provider));
}

void
relink_oauth_client_revoke_async (RelinkOAuthClient *self,
                                  RelinkProvider *provider,
                                  RelinkKeyset *keyset,
                                  const char *token,
                                  const char *token_type_hint,
                                  const char *client_secret,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  const RelinkProviderEnvironment *env;
  GError *error = NULL;
  g_autoptr (GTask) task = NULL;
  Call *call;

  g_return_if_fail (RELINK_IS_OAUTH_CLIENT (self));
  g_return_if_fail (RELINK_IS_PROVIDER (provider));
  g_return_if_fail (RELINK_IS_KEYSET (keyset));
  g_return_if_fail (token != NULL);

  call = relink_oauth_call_new (provider, keyset, RELINK_OAUTH_CALL_REVOKE);
  relink_oauth_call_add_secret (call, token);
  relink_oauth_call_add_secret (call, client_secret);
  task = relink_oauth_client_new_task (self, call, cancellable, callback, user_data,
                                       relink_oauth_client_revoke_async);

  env = relink_oauth_keyset_environment (provider, keyset, &error);
  if (env == NULL || !relink_oauth_check_client_secret (provider, client_secret, &error))
    {
      relink_oauth_call_fail_start (g_steal_pointer (&task), error);
      return;
    }

  if (env->revoke_url == NULL)
    {
      relink_oauth_call_fail_start (g_steal_pointer (&task), no_revoke_error (provider));
      return;
    }

  {
    const Param params[] = {
      { "token", token },
      { "token_type_hint", token_type_hint },
      { NULL },
    };

    call->message = relink_oauth_client_build_token_message (
        self, provider, keyset, env->revoke_url, params, client_secret);
  }

  relink_oauth_client_send_call (g_steal_pointer (&task), env->revoke_url);
}

/* The template with {user_id} and {client_id} filled in, each escaped as
 * one path segment. */
static char *
expand_application_url (const char *template, const char *user_id, const char *client_id)
{
  g_autoptr (GString) url = g_string_new (template);
  g_autofree char *user = g_uri_escape_string (user_id, NULL, FALSE);
  g_autofree char *client = g_uri_escape_string (client_id, NULL, FALSE);

  g_string_replace (url, "{user_id}", user, 0);
  g_string_replace (url, "{client_id}", client, 0);
  return g_string_free (g_steal_pointer (&url), FALSE);
}

void
relink_oauth_client_revoke_application_async (RelinkOAuthClient *self,
                                              RelinkProvider *provider,
                                              RelinkKeyset *keyset,
                                              const char *user_id,
                                              const char *access_token,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data)
{
  const RelinkProviderEnvironment *env;
  g_autofree char *url = NULL;
  GError *error = NULL;
  g_autoptr (GTask) task = NULL;
  Call *call;

  g_return_if_fail (RELINK_IS_OAUTH_CLIENT (self));
  g_return_if_fail (RELINK_IS_PROVIDER (provider));
  g_return_if_fail (RELINK_IS_KEYSET (keyset));
  g_return_if_fail (access_token != NULL);

  call = relink_oauth_call_new (provider, keyset, RELINK_OAUTH_CALL_REVOKE);
  relink_oauth_call_add_secret (call, access_token);
  task = relink_oauth_client_new_task (self, call, cancellable, callback, user_data,
                                       relink_oauth_client_revoke_application_async);

  env = relink_oauth_keyset_environment (provider, keyset, &error);
  if (env == NULL)
    {
      relink_oauth_call_fail_start (g_steal_pointer (&task), error);
      return;
    }

  if (env->revoke_application_url == NULL)
    {
      relink_oauth_call_fail_start (g_steal_pointer (&task), no_revoke_error (provider));
      return;
    }

  if (relink_oauth_is_blank (user_id))
    {
      relink_oauth_call_fail_start (
          g_steal_pointer (&task),
          g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_CONFIGURATION,
                       _ ("Relink does not know which %s account this is, so it "
                          "cannot withdraw its access. Renew the connection first."),
                       relink_provider_get_name (provider)));
      return;
    }

  url = expand_application_url (env->revoke_application_url, user_id,
                                relink_keyset_get_client_id (keyset));
  call->message = soup_message_new (SOUP_METHOD_DELETE, url);
  if (call->message != NULL)
    set_bearer (call->message, access_token);

  relink_oauth_client_send_call (g_steal_pointer (&task), url);
}

gboolean
relink_oauth_client_revoke_application_finish (RelinkOAuthClient *self,
                                               GAsyncResult *result,
                                               GError **error)
{
  g_return_val_if_fail (RELINK_IS_OAUTH_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
relink_oauth_client_revoke_finish (RelinkOAuthClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (RELINK_IS_OAUTH_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
