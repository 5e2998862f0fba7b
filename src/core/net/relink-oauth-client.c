/* relink-oauth-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "relink-aliexpress-sign.h"
#include "relink-expiry.h"
#include "relink-http-call.h"
#include "relink-oauth-client-private.h"
#include "relink-token-response.h"
#include "relink-uri.h"

#define REQUEST_TIMEOUT_SECONDS 30
#define FORM_CONTENT_TYPE "application/x-www-form-urlencoded"
/* Amazon's LWA documentation spells the charset out; it does no harm elsewhere. */
#define FORM_CONTENT_TYPE_UTF8 "application/x-www-form-urlencoded;charset=UTF-8"

struct _RelinkOAuthClient
{
  GObject parent_instance;

  SoupSession *session;
  RelinkClockFunc clock;
  gpointer clock_data;
  guint deadline_seconds;
};

G_DEFINE_FINAL_TYPE (RelinkOAuthClient, relink_oauth_client, G_TYPE_OBJECT)

static void
relink_oauth_client_dispose (GObject *object)
{
  RelinkOAuthClient *self = (RelinkOAuthClient *) object;

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (relink_oauth_client_parent_class)->dispose (object);
}

static void
relink_oauth_client_class_init (RelinkOAuthClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = relink_oauth_client_dispose;
}

static void
relink_oauth_client_init (RelinkOAuthClient *self)
{
  /* No cookie jar, no logger: nothing of a sign-in outlives its call, and
   * nothing of it reaches a log. TLS certificates are checked by default. */
  /* `relinkctl refresh --all` keeps up to 8 refreshes in flight against
   * one token endpoint; libsoup's default of 2 per host would queue them. */
  self->deadline_seconds = relink_http_call_deadline_seconds ();

  self->session = soup_session_new_with_options (
      "timeout", MIN (REQUEST_TIMEOUT_SECONDS, self->deadline_seconds), "idle-timeout", 60,
      "max-conns-per-host", 8, "max-conns", 32, "user-agent", "Relink/" PACKAGE_VERSION, NULL);
}

RelinkOAuthClient *
relink_oauth_client_new (void)
{
  return g_object_new (RELINK_TYPE_OAUTH_CLIENT, NULL);
}

void
relink_oauth_client_set_clock (RelinkOAuthClient *self, RelinkClockFunc clock, gpointer user_data)
{
  g_return_if_fail (RELINK_IS_OAUTH_CLIENT (self));

  self->clock = clock;
  self->clock_data = user_data;
}

static gint64
client_now (RelinkOAuthClient *self)
{
  return self->clock != NULL ? self->clock (self->clock_data) : relink_now ();
}

gboolean
relink_oauth_is_blank (const char *text)
{
  return text == NULL || text[0] == '\0';
}

void
relink_oauth_call_free (Call *call)
{
  g_clear_object (&call->provider);
  g_clear_object (&call->keyset);
  g_clear_object (&call->previous);
  g_clear_pointer (&call->auth_response, relink_auth_response_unref);
  g_clear_pointer (&call->requested_scope, g_free);
  g_clear_pointer (&call->host, g_free);
  g_clear_pointer (&call->secrets, g_ptr_array_unref);
  g_clear_object (&call->message);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_free (call);
}

Call *
relink_oauth_call_new (RelinkProvider *provider, RelinkKeyset *keyset, RelinkOAuthCall kind)
{
  Call *call = g_new0 (Call, 1);

  call->provider = g_object_ref (provider);
  call->keyset = keyset != NULL ? g_object_ref (keyset) : NULL;
  call->call = kind;
  call->secrets = g_ptr_array_new_with_free_func ((GDestroyNotify) relink_secret_free);

  return call;
}

void
relink_oauth_call_add_secret (Call *call, const char *secret)
{
  if (!relink_oauth_is_blank (secret))
    g_ptr_array_add (call->secrets, g_strdup (secret));
}

static void
return_error (GTask *task, GError *error)
{
  Call *call = g_task_get_task_data (task);

  if (call != NULL && error->domain == RELINK_OAUTH_ERROR)
    relink_oauth_error_redact (error, call->secrets);

  g_task_return_error (task, error);
}

/* For a call that could not even start: takes @task and returns @error
 * on it. */
void
relink_oauth_call_fail_start (GTask *task, GError *error)
{
  g_autoptr (GTask) owned = task;

  return_error (owned, error);
}

/* A form body. Sized up front so that it never reallocates and leaves
 * unwiped copies of secrets behind; wiped when libsoup is done with it. */
typedef struct
{
  GString *text;
} Form;

static void
form_init (Form *form)
{
  form->text = g_string_sized_new (4 * RELINK_OAUTH_MAX_TOKEN_LENGTH);
}

static void
form_add (Form *form, const char *name, const char *value)
{
  if (value == NULL)
    return;

  if (form->text->len > 0)
    g_string_append_c (form->text, '&');
  /* Each value is encoded exactly once: an eBay code arrives decoded from
   * the redirect, and encoding it twice is a classic invalid_grant. */
  g_string_append_uri_escaped (form->text, name, NULL, FALSE);
  g_string_append_c (form->text, '=');
  g_string_append_uri_escaped (form->text, value, NULL, FALSE);
}

static void
wipe_free (gpointer data)
{
  explicit_bzero (data, strlen (data));
  g_free (data);
}

static GBytes *
form_steal_bytes (Form *form)
{
  gsize length = form->text->len;
  char *data = g_string_free (form->text, FALSE);

  form->text = NULL;
  return g_bytes_new_with_free_func (data, length, wipe_free, data);
}

static char *
url_host (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  return uri != NULL ? g_strdup (g_uri_get_host (uri)) : NULL;
}

static gint64
parse_retry_after (const char *value, gint64 now)
{
  guint64 seconds;
  g_autoptr (GDateTime) moment = NULL;

  if (value == NULL)
    return 0;

  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT32, &seconds, NULL))
    return (gint64) seconds;

  moment = soup_date_time_new_from_http_string (value);
  if (moment == NULL)
    return 0;

  return CLAMP (g_date_time_to_unix (moment) - now, 0, G_MAXINT32);
}

static GError *
network_error (Call *call, const GError *error)
{
  const char *name = relink_provider_get_name (call->provider);
  const char *host = call->host != NULL ? call->host : name;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      GError *timed_out = g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NETWORK,
                                       _ ("%s did not answer in time. Nothing was changed; try "
                                          "again later."),
                                       name);

      relink_oauth_error_set_timed_out (timed_out, TRUE);
      return timed_out;
    }

  if (error->domain == G_TLS_ERROR)
    return g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NETWORK,
                        _ ("The connection to %s could not be secured: its certificate was not "
                           "accepted. Nothing was sent. Check the computer’s date and the network "
                           "(a hotel or café login page?), then try again."),
                        host);

  if (error->domain == G_RESOLVER_ERROR)
    return g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NETWORK,
                        _ ("Relink could not find %s on the network. Check the internet "
                           "connection, then try again."),
                        host);

  return g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NETWORK,
                      _ ("Relink could not reach %s. Check the internet connection, then try "
                         "again."),
                      host);
}

static GError *
too_large_error (Call *call)
{
  const char *name = relink_provider_get_name (call->provider);

  if (call->call == RELINK_OAUTH_CALL_CODE || call->call == RELINK_OAUTH_CALL_REFRESH)
    return g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED,
                        _ ("%s sent an answer too large to be a token; nothing was changed."),
                        name);

  return g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED,
                      _ ("%s sent an answer too large to read; nothing was changed."), name);
}

/* The whole answer is in; turn it into the call's result. */
static void
finish_call (GTask *task)
{
  RelinkOAuthClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  GError *error = NULL;
  gsize length;
  const char *body = g_bytes_get_data (call->body, &length);

  if (!SOUP_STATUS_IS_SUCCESSFUL (call->status))
    {
      error = relink_token_response_parse_error (call->provider, call->call, call->status, body,
                                                 length, call->retry_after);
      /* Whether a refusal is for good can depend on it (revocation). */
      if (error->domain == RELINK_OAUTH_ERROR)
        relink_oauth_error_set_http_status (error, call->status);
      return_error (task, error);
      return;
    }

  switch (call->call)
    {
      case RELINK_OAUTH_CALL_CODE:
      case RELINK_OAUTH_CALL_REFRESH:
        {
          g_autoptr (RelinkIdentity) identity = NULL;
          g_autoptr (RelinkTokenSet) tokens = NULL;
          gboolean want_identity = call->call == RELINK_OAUTH_CALL_CODE;

          tokens = relink_token_response_parse (
              call->provider, call->call, body, length, call->previous, call->requested_scope,
              client_now (self), want_identity ? &identity : NULL, &error);
          if (tokens == NULL)
            {
              return_error (task, error);
              return;
            }

          if (want_identity && identity == NULL
              && relink_provider_get_identity_source (call->provider)
                     == RELINK_IDENTITY_SOURCE_REDIRECT
              && call->auth_response != NULL)
            {
              const char *id = relink_auth_response_get_param (
                  call->auth_response, relink_provider_get_identity_id_field (call->provider));

              if (!relink_oauth_is_blank (id))
                identity = relink_identity_new (id, NULL);
            }

          if (want_identity)
            g_object_set_data_full (G_OBJECT (tokens), "relink-identity",
                                    g_steal_pointer (&identity), g_object_unref);
          g_task_return_pointer (task, g_steal_pointer (&tokens), g_object_unref);
        }
        break;

      case RELINK_OAUTH_CALL_IDENTITY:
        {
          RelinkIdentity *identity
              = relink_token_response_parse_identity (call->provider, body, length, &error);

          if (identity == NULL)
            return_error (task, error);
          else
            g_task_return_pointer (task, identity, g_object_unref);
        }
        break;

      case RELINK_OAUTH_CALL_REVOKE:
      default:
        g_task_return_boolean (task, TRUE);
        break;
    }
}

static void
call_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RelinkOAuthClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  call->body = relink_http_call_finish (result, &call->status, &error);
  if (call->body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
        return_error (task, too_large_error (call));
      else
        return_error (task, network_error (call, error));
      return;
    }

  if (call->status == 429)
    call->retry_after
        = parse_retry_after (soup_message_headers_get_one (
                                 soup_message_get_response_headers (call->message), "Retry-After"),
                             client_now (self));

  finish_call (task);
}

/* Sends the prepared message of @task's call, after the last checks.
 * Takes @task. */
void
relink_oauth_client_send_call (GTask *task, const char *url)
{
  g_autoptr (GTask) owned = task;
  RelinkOAuthClient *self = g_task_get_source_object (owned);
  Call *call = g_task_get_task_data (owned);
  GCancellable *cancellable = g_task_get_cancellable (owned);

  call->host = url_host (url);

  if (!relink_uri_is_secure (url))
    {
      relink_oauth_call_fail_start (
          g_steal_pointer (&owned),
          g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INSECURE,
                       _ ("Relink refuses to send sign-in data to %s over an "
                          "unencrypted connection. The address in the %s profile "
                          "must start with https://."),
                       call->host != NULL ? call->host : url,
                       relink_provider_get_name (call->provider)));
      return;
    }

  if (call->message == NULL)
    {
      relink_oauth_call_fail_start (
          g_steal_pointer (&owned),
          g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_CONFIGURATION,
                       _ ("An address in the %s profile is not valid. Correct "
                          "the profile."),
                       relink_provider_get_name (call->provider)));
      return;
    }

  /* A token endpoint that redirects is misconfigured or hijacked; a
   * followed redirect could carry the credentials elsewhere. */
  soup_message_add_flags (call->message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (call->message), "Accept",
                                "application/json");

  relink_http_call_async (self->session, call->message, RELINK_OAUTH_MAX_RESPONSE_SIZE,
                          self->deadline_seconds, cancellable, call_done_cb,
                          g_steal_pointer (&owned));
}

GTask *
relink_oauth_client_new_task (RelinkOAuthClient *self,
                              Call *call,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data,
                              gpointer source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, (GDestroyNotify) relink_oauth_call_free);
  return task;
}

const RelinkProviderEnvironment *
relink_oauth_keyset_environment (RelinkProvider *provider, RelinkKeyset *keyset, GError **error)
{
  const RelinkProviderEnvironment *env
      = relink_provider_get_environment (provider, relink_keyset_get_environment (keyset));

  if (env == NULL)
    g_set_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_CONFIGURATION,
                 _ ("The developer keys name an environment that %s does not have. Edit the "
                    "keyset."),
                 relink_provider_get_name (provider));

  return env;
}

gboolean
relink_oauth_check_client_secret (RelinkProvider *provider,
                                  const char *client_secret,
                                  GError **error)
{
  if (relink_provider_get_client_auth (provider) == RELINK_CLIENT_AUTH_NONE
      || !relink_oauth_is_blank (client_secret))
    return TRUE;

  g_set_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_CONFIGURATION,
               _ ("The client secret of the %s developer keys is missing. Enter it in the keyset."),
               relink_provider_get_name (provider));
  return FALSE;
}

/* Adds the AliExpress system parameters and the signature over all of
 * @params to @form. */
static void
add_aliexpress_signed (Form *form,
                       const char *url,
                       GHashTable *params,
                       const char *app_key,
                       const char *app_secret,
                       gint64 now)
{
  g_autofree char *api_path = relink_aliexpress_api_path (url);
  g_autofree char *timestamp = g_strdup_printf ("%" G_GINT64_FORMAT, now * 1000);
  g_autofree char *sign = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_replace (params, (char *) "app_key", (char *) app_key);
  g_hash_table_replace (params, (char *) "timestamp", timestamp);
  g_hash_table_replace (params, (char *) "sign_method", (char *) "sha256");

  sign = relink_aliexpress_sign (api_path, params, app_secret);

  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, &key, &value))
    form_add (form, key, value);
  form_add (form, "sign", sign);
}

/* Client authentication for the token and revocation endpoints. @params
 * holds the grant's own parameters in sending order; a NULL value is left
 * out. */
SoupMessage *
relink_oauth_client_build_token_message (RelinkOAuthClient *self,
                                         RelinkProvider *provider,
                                         RelinkKeyset *keyset,
                                         const char *url,
                                         const Param *params,
                                         const char *client_secret)
{
  const char *client_id = relink_keyset_get_client_id (keyset);
  RelinkClientAuth auth = relink_provider_get_client_auth (provider);
  SoupMessage *message = soup_message_new (SOUP_METHOD_POST, url);
  const char *content_type = FORM_CONTENT_TYPE;
  Form form;

  if (message == NULL)
    return NULL;

  form_init (&form);

  switch (auth)
    {
      case RELINK_CLIENT_AUTH_BASIC:
        {
          g_autoptr (RelinkSecretString) pair = g_strconcat (client_id, ":", client_secret, NULL);
          g_autoptr (RelinkSecretString) encoded
              = g_base64_encode ((const guchar *) pair, strlen (pair));
          g_autoptr (RelinkSecretString) header = g_strconcat ("Basic ", encoded, NULL);

          soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                        header);
          for (guint i = 0; params[i].name != NULL; i++)
            form_add (&form, params[i].name, params[i].value);
        }
        break;

      case RELINK_CLIENT_AUTH_BODY:
        content_type = FORM_CONTENT_TYPE_UTF8;
        for (guint i = 0; params[i].name != NULL; i++)
          form_add (&form, params[i].name, params[i].value);
        form_add (&form, "client_id", client_id);
        form_add (&form, "client_secret", client_secret);
        break;

      case RELINK_CLIENT_AUTH_NONE:
        form_add (&form, "client_id", client_id);
        for (guint i = 0; params[i].name != NULL; i++)
          form_add (&form, params[i].name, params[i].value);
        break;

      case RELINK_CLIENT_AUTH_ALIEXPRESS_SIGN:
        {
          g_autoptr (GHashTable) signed_params = g_hash_table_new (g_str_hash, g_str_equal);

          /* IOP takes neither grant_type nor redirect_uri. */
          for (guint i = 0; params[i].name != NULL; i++)
            {
              if (strcmp (params[i].name, "grant_type") != 0
                  && strcmp (params[i].name, "redirect_uri") != 0 && params[i].value != NULL)
                g_hash_table_replace (signed_params, (char *) params[i].name,
                                      (char *) params[i].value);
            }
          add_aliexpress_signed (&form, url, signed_params, client_id, client_secret,
                                 client_now (self));
        }
        break;

      default:
        g_assert_not_reached ();
    }

  {
    g_autoptr (GBytes) body = form_steal_bytes (&form);

    soup_message_set_request_body_from_bytes (message, content_type, body);
  }

  return message;
}
