/* relink-trading-client.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "relink-expiry.h"
#include "relink-http-call.h"
#include "relink-token-response.h"
#include "relink-trading-client-private.h"
#include "relink-uri.h"
#include "relink-xml.h"

#define REQUEST_TIMEOUT_SECONDS 30
#define EBAY_NAMESPACE "urn:ebay:apis:eBLBaseComponents"
/* eBay's SessionID is 40 characters; anything far longer is not one. */
#define MAX_SESSION_ID_LENGTH 1024
#define MAX_ID_LENGTH 1024

struct _RelinkTradingClient
{
  GObject parent_instance;

  SoupSession *session;
  guint deadline_seconds;
};

G_DEFINE_FINAL_TYPE (RelinkTradingClient, relink_trading_client, G_TYPE_OBJECT)


static const char *const call_names[] = {
  "GetSessionID", "FetchToken", "GetUser", "GetTokenStatus", "RevokeToken",
};

/* One Trading call and what is needed to read its answer. */
typedef struct
{
  CallKind kind;
  RelinkProvider *provider;
  gint64 lifetime;
  char *host;
  /* Everything secret that was sent (Cert ID, token), cut out of any
   * error message in case eBay echoes it. Wiped when done. */
  GPtrArray *secrets;

  SoupMessage *message;
  guint status;
  GBytes *body; /* wiped when freed */
} Call;

static void
call_free (Call *call)
{
  g_clear_object (&call->provider);
  g_clear_pointer (&call->host, g_free);
  g_clear_pointer (&call->secrets, g_ptr_array_unref);
  g_clear_object (&call->message);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_free (call);
}

static void
relink_trading_client_dispose (GObject *object)
{
  RelinkTradingClient *self = (RelinkTradingClient *) object;

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (relink_trading_client_parent_class)->dispose (object);
}

static void
relink_trading_client_class_init (RelinkTradingClientClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = relink_trading_client_dispose;
}

static void
relink_trading_client_init (RelinkTradingClient *self)
{
  self->deadline_seconds = relink_http_call_deadline_seconds ();

  /* No cookie jar, no logger: nothing of a call outlives it or reaches a
   * log. TLS certificates are checked by default. */
  self->session = soup_session_new_with_options (
      "timeout", MIN (REQUEST_TIMEOUT_SECONDS, self->deadline_seconds), "idle-timeout", 60,
      "user-agent", "Relink/" PACKAGE_VERSION, NULL);
}

RelinkTradingClient *
relink_trading_client_new (void)
{
  return g_object_new (RELINK_TYPE_TRADING_CLIENT, NULL);
}

static gboolean
is_blank (const char *text)
{
  return text == NULL || text[0] == '\0';
}

/* Errors */

static GError *
trading_error (RelinkOAuthError code, const char *message)
{
  return g_error_new_literal (RELINK_OAUTH_ERROR, code, message);
}

/* Digits only, at most 12 of them: an error code goes into a message. */
static gboolean
is_error_code (const char *code)
{
  gsize length = code != NULL ? strlen (code) : 0;

  if (length == 0 || length > 12)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (code[i]))
        return FALSE;
    }
  return TRUE;
}

/* Sources, as HACKING.md ("Auth'n'Auth") lists them: 931 and 932 from
 * eBay's knowledge base (KB 630) and sellers' tools; 17470, 21916984,
 * 21916016/21916017 and 16117 from the Trading error list as quoted by
 * public integrations; 127 (API application invalid), 26 (site id),
 * 518 (call limit) and 10007 (eBay's own system error) from the Trading
 * "Errors by Number" table. */
GError *
relink_trading_error_for_code (const char *call_name, const char *error_code)
{
  static const char *const token_refused[] = { "931", "932", "17470", "21916984", NULL };
  static const char *const not_finished[] = { "21916017", "16117", NULL };

  if (error_code != NULL && g_strv_contains (token_refused, error_code))
    {
      if (g_str_equal (error_code, "932"))
        return trading_error (RELINK_OAUTH_ERROR_INVALID_GRANT,
                              _ ("The eBay Auth'n'Auth token has expired. Sign in to eBay "
                                 "again to get a new one."));
      return trading_error (RELINK_OAUTH_ERROR_INVALID_GRANT,
                            _ ("eBay no longer accepts this token: it was revoked or replaced. "
                               "Sign in to eBay again to get a new one."));
    }

  if (error_code != NULL && g_strv_contains (not_finished, error_code))
    return trading_error (RELINK_OAUTH_ERROR_DECLINED,
                          _ ("The eBay sign-in was not finished: eBay has no consent for it. "
                             "Sign in again and agree to give access."));

  if (g_strcmp0 (error_code, "21916016") == 0)
    return trading_error (RELINK_OAUTH_ERROR_INVALID_GRANT,
                          _ ("The eBay sign-in expired before it was finished (eBay allows five "
                             "minutes). Sign in again."));

  if (g_strcmp0 (error_code, "127") == 0)
    return trading_error (RELINK_OAUTH_ERROR_INVALID_CLIENT,
                          _ ("eBay does not accept the developer keys (App ID, Dev ID or Cert "
                             "ID). Check them in the keyset; nothing was changed."));

  if (g_strcmp0 (error_code, "26") == 0)
    return trading_error (RELINK_OAUTH_ERROR_CONFIGURATION,
                          _ ("eBay does not know the site id of the eBay profile. Correct the "
                             "profile; nothing was changed."));

  if (g_strcmp0 (error_code, "518") == 0)
    return trading_error (RELINK_OAUTH_ERROR_RATE_LIMITED,
                          _ ("eBay says the developer keys used up their Trading API calls "
                             "for now. Nothing was changed; try again later."));

  if (g_strcmp0 (error_code, "10007") == 0)
    return trading_error (RELINK_OAUTH_ERROR_SERVER,
                          _ ("eBay had an internal error. Nothing was changed; try again later."));

  if (is_error_code (error_code))
    /* Translators: the first %s is a Trading API call such as FetchToken,
     * the second eBay's error number. */
    return g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_FAILED,
                        _ ("eBay refused the %s call (error %s). Nothing was changed; try "
                           "again later."),
                        call_name, error_code);

  return g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_FAILED,
                      /* Translators: %s is a Trading API call such as FetchToken. */
                      _ ("eBay refused the %s call without saying why. Nothing was changed; try "
                         "again later."),
                      call_name);
}

static GError *
malformed_error (const char *reason)
{
  /* Translators: %s is a reason such as “elements are nested too deeply
   * (line 1, column 40)”. */
  return g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED,
                      _ ("eBay sent an answer Relink cannot read (%s). Nothing was changed; try "
                         "again later."),
                      reason);
}

static GError *
network_error (Call *call, const GError *error)
{
  const char *host = call->host != NULL ? call->host : "eBay";

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      GError *timed_out = trading_error (
          RELINK_OAUTH_ERROR_NETWORK,
          _ ("eBay did not answer in time. Nothing was changed; try again later."));

      relink_oauth_error_set_timed_out (timed_out, TRUE);
      return timed_out;
    }

  if (error->domain == G_TLS_ERROR)
    return g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NETWORK,
                        /* Translators: %s is a host name such as api.ebay.com. */
                        _ ("The connection to %s could not be secured: its certificate was not "
                           "accepted. Nothing was sent. Check the computer’s date and the network, "
                           "then try again."),
                        host);

  return g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NETWORK,
                      /* Translators: %s is a host name such as api.ebay.com. */
                      _ ("Relink could not reach %s. Check the internet connection, then try "
                         "again."),
                      host);
}

/* Takes @task. */
static void
fail (GTask *task, GError *error)
{
  g_autoptr (GTask) owned = task;
  Call *call = g_task_get_task_data (owned);

  if (error->domain == RELINK_OAUTH_ERROR)
    relink_oauth_error_redact (error, call->secrets);
  g_task_return_error (owned, error);
}

/* Reading the answer */

static gint64
parse_time (const char *text)
{
  g_autoptr (GDateTime) moment = NULL;

  if (text == NULL)
    return 0;
  moment = g_date_time_new_from_iso8601 (text, NULL);
  return moment != NULL ? g_date_time_to_unix (moment) : 0;
}

/* The first Errors element that is an error, not a warning. */
static const char *
first_error_code (RelinkXmlElement *root)
{
  const char *first = NULL;

  for (guint i = 0; i < root->children->len; i++)
    {
      RelinkXmlElement *child = g_ptr_array_index (root->children, i);
      const char *code;

      if (!g_str_equal (child->name, "Errors"))
        continue;
      code = relink_xml_element_get_text_at (child, "ErrorCode");
      if (g_strcmp0 (relink_xml_element_get_text_at (child, "SeverityCode"), "Warning") == 0)
        continue;
      if (first == NULL)
        first = code != NULL ? code : "";
    }

  return first;
}

/* The answer is in and well-formed: its root is @root. Takes @task. */
static void
finish_answer (GTask *owned_task, RelinkXmlElement *root)
{
  g_autoptr (GTask) task = owned_task;
  Call *call = g_task_get_task_data (task);
  const char *call_name = call_names[call->kind];
  g_autofree char *expected = g_strconcat (call_name, "Response", NULL);
  const char *ack = relink_xml_element_get_text_at (root, "Ack");

  if (!g_str_equal (root->name, expected))
    {
      fail (g_steal_pointer (&task), malformed_error (_ ("it answers another call")));
      return;
    }

  if (g_strcmp0 (ack, "Failure") == 0 || g_strcmp0 (ack, "PartialFailure") == 0)
    {
      fail (g_steal_pointer (&task),
            relink_trading_error_for_code (call_name, first_error_code (root)));
      return;
    }

  if (g_strcmp0 (ack, "Success") != 0 && g_strcmp0 (ack, "Warning") != 0)
    {
      fail (g_steal_pointer (&task),
            malformed_error (_ ("it does not say whether the call succeeded")));
      return;
    }

  switch (call->kind)
    {
      case CALL_GET_SESSION_ID:
        {
          const char *id = relink_xml_element_get_text_at (root, "SessionID");

          if (id == NULL || strlen (id) > MAX_SESSION_ID_LENGTH)
            fail (g_steal_pointer (&task), malformed_error (_ ("it has no session id")));
          else
            g_task_return_pointer (task, g_strdup (id), g_free);
        }
        break;

      case CALL_FETCH_TOKEN:
        {
          const char *token = relink_xml_element_get_text_at (root, "eBayAuthToken");
          gint64 now = relink_now ();
          gint64 expires_at
              = parse_time (relink_xml_element_get_text_at (root, "HardExpirationTime"));
          g_autoptr (RelinkTokenSet) tokens = NULL;

          if (token == NULL || strlen (token) > RELINK_OAUTH_MAX_TOKEN_LENGTH)
            {
              fail (g_steal_pointer (&task), malformed_error (_ ("it has no token")));
              return;
            }

          if (expires_at == 0 && call->lifetime > 0)
            expires_at = now + call->lifetime;

          tokens = relink_token_set_new ();
          relink_token_set_set_access_token (tokens, token);
          relink_token_set_set_token_type (tokens, RELINK_TRADING_TOKEN_TYPE);
          relink_token_set_set_issued_at (tokens, now);
          relink_token_set_set_access_expires_at (tokens, expires_at);
          g_task_return_pointer (task, g_steal_pointer (&tokens), g_object_unref);
        }
        break;

      case CALL_GET_USER:
        {
          const char *eias = relink_xml_element_get_text_at (root, "User/EIASToken");
          const char *user_id = relink_xml_element_get_text_at (root, "User/UserID");

          if (eias == NULL || strlen (eias) > MAX_ID_LENGTH)
            {
              fail (g_steal_pointer (&task), malformed_error (_ ("it does not say who signed in")));
              return;
            }
          if (user_id != NULL && strlen (user_id) > MAX_ID_LENGTH)
            user_id = NULL;
          g_task_return_pointer (task, relink_identity_new (eias, user_id), g_object_unref);
        }
        break;

      case CALL_GET_TOKEN_STATUS:
        {
          const char *status = relink_xml_element_get_text_at (root, "TokenStatus/Status");
          RelinkTradingStatusResult *result = g_new0 (RelinkTradingStatusResult, 1);

          result->expires_at
              = parse_time (relink_xml_element_get_text_at (root, "TokenStatus/ExpirationTime"));
          if (g_strcmp0 (status, "Active") == 0)
            result->status = RELINK_TRADING_TOKEN_ACTIVE;
          else if (g_strcmp0 (status, "Expired") == 0)
            result->status = RELINK_TRADING_TOKEN_EXPIRED;
          else if (status != NULL && g_str_has_prefix (status, "RevokedBy"))
            result->status = RELINK_TRADING_TOKEN_REVOKED;
          else
            {
              g_free (result);
              fail (g_steal_pointer (&task), malformed_error (_ ("it has no token status")));
              return;
            }
          g_task_return_pointer (task, result, g_free);
        }
        break;

      case CALL_REVOKE_TOKEN:
      default:
        g_task_return_boolean (task, TRUE);
        break;
    }
}

/* The whole answer is in. Takes @task. */
static void
finish_call (GTask *task)
{
  Call *call = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  gsize length;
  const char *body = g_bytes_get_data (call->body, &length);
  g_autoptr (RelinkXmlElement) root = relink_xml_parse (
      body, (gssize) length, RELINK_TRADING_MAX_RESPONSE_SIZE, RELINK_XML_MAX_DEPTH, &error);

  if (!SOUP_STATUS_IS_SUCCESSFUL (call->status))
    {
      const char *code = root != NULL ? first_error_code (root) : NULL;

      if (code != NULL)
        fail (task, relink_trading_error_for_code (call_names[call->kind], code));
      else if (call->status == 429)
        fail (task, trading_error (RELINK_OAUTH_ERROR_RATE_LIMITED,
                                   _ ("eBay asks Relink to slow down. Nothing was changed; try "
                                      "again later.")));
      else if (call->status >= 500)
        fail (task, trading_error (RELINK_OAUTH_ERROR_SERVER,
                                   _ ("eBay had a server error. Nothing was changed; try again "
                                      "later.")));
      else
        fail (task, g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_FAILED,
                                 _ ("eBay answered with HTTP status %u. Nothing was changed; try "
                                    "again later."),
                                 call->status));
      return;
    }

  if (root == NULL)
    {
      fail (task, malformed_error (error->message));
      return;
    }

  finish_answer (task, root);
}

static GError *
too_large_error (void)
{
  return trading_error (RELINK_OAUTH_ERROR_MALFORMED,
                        _ ("eBay sent an answer too large to read; nothing was changed."));
}

static void
call_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  call->body = relink_http_call_finish (result, &call->status, &error);
  if (call->body != NULL)
    finish_call (g_steal_pointer (&task));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_steal_pointer (&error));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    fail (g_steal_pointer (&task), too_large_error ());
  else
    fail (g_steal_pointer (&task), network_error (call, error));
}

/* Building and sending the request */

static void
wipe_free (gpointer data)
{
  explicit_bzero (data, strlen (data));
  g_free (data);
}

/* Appends <name>value</name>, the value escaped; the escaped copy of a
 * secret is wiped. */
static void
append_element (GString *xml, const char *name, const char *value)
{
  g_autoptr (RelinkSecretString) escaped = g_markup_escape_text (value, -1);

  g_string_append_printf (xml, "<%s>", name);
  g_string_append (xml, escaped);
  g_string_append_printf (xml, "</%s>", name);
}


/* Starts @request as the call of a new task. */
void
relink_trading_client_start_call (RelinkTradingClient *self,
                                  RelinkProvider *provider,
                                  RelinkKeyset *keyset,
                                  const Request *request,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data,
                                  gpointer source_tag)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  const RelinkAuthNAuth *ana = relink_provider_get_auth_n_auth (provider);
  const RelinkProviderEnvironment *env = NULL;
  const char *call_name = call_names[request->kind];
  gboolean iaf = request->credential == RELINK_TRADING_CREDENTIAL_OAUTH;
  const char *dev_id = relink_keyset_get_extra (keyset, "dev_id");
  SoupMessageHeaders *headers;
  g_autoptr (GUri) uri = NULL;
  GString *xml;
  gsize xml_length;
  char *xml_data;
  g_autoptr (GBytes) body = NULL;
  Call *call = g_new0 (Call, 1);

  g_task_set_source_tag (task, source_tag);
  call->kind = request->kind;
  call->provider = g_object_ref (provider);
  call->secrets = g_ptr_array_new_with_free_func ((GDestroyNotify) relink_secret_free);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);

  if (ana != NULL)
    env = relink_provider_get_environment (provider, relink_keyset_get_environment (keyset));
  if (env == NULL || env->trading_url == NULL)
    {
      fail (g_steal_pointer (&task),
            g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_CONFIGURATION,
                         /* Translators: %s is a marketplace such as eBay. */
                         _ ("The %s profile has no Trading API address for these developer "
                            "keys’ environment. Correct the profile or the keyset."),
                         relink_provider_get_name (provider)));
      return;
    }
  call->lifetime = ana->lifetime;

  if (!iaf
      && (is_blank (relink_keyset_get_client_id (keyset)) || is_blank (dev_id)
          || is_blank (request->cert_id)))
    {
      fail (g_steal_pointer (&task),
            trading_error (RELINK_OAUTH_ERROR_CONFIGURATION,
                           _ ("The eBay Auth'n'Auth keys are incomplete: enter the App ID, Dev "
                              "ID and Cert ID in the keyset.")));
      return;
    }
  if (request->kind == CALL_GET_SESSION_ID && is_blank (relink_keyset_get_redirect (keyset)))
    {
      fail (g_steal_pointer (&task),
            trading_error (RELINK_OAUTH_ERROR_CONFIGURATION,
                           _ ("The eBay keyset has no RuName. Enter it in the keyset.")));
      return;
    }

  uri = g_uri_parse (env->trading_url, G_URI_FLAGS_NONE, NULL);
  call->host = uri != NULL ? g_strdup (g_uri_get_host (uri)) : NULL;
  if (!relink_uri_is_secure (env->trading_url))
    {
      fail (g_steal_pointer (&task),
            g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INSECURE,
                         /* Translators: the first %s is a host name, the second a marketplace. */
                         _ ("Relink refuses to send keys or tokens to %s over an unencrypted "
                            "connection. The Trading API address in the %s profile must start "
                            "with https://."),
                         call->host != NULL ? call->host : env->trading_url,
                         relink_provider_get_name (provider)));
      return;
    }

  call->message = soup_message_new (SOUP_METHOD_POST, env->trading_url);
  if (call->message == NULL)
    {
      fail (g_steal_pointer (&task),
            g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_CONFIGURATION,
                         /* Translators: %s is a marketplace such as eBay. */
                         _ ("An address in the %s profile is not valid. Correct the profile."),
                         relink_provider_get_name (provider)));
      return;
    }

  /* The body; sized up front so that it never moves and leaves unwiped
   * copies of the token behind. */
  xml = g_string_sized_new (1024 + 6 * RELINK_OAUTH_MAX_TOKEN_LENGTH);
  g_string_append_printf (xml,
                          "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<%sRequest xmlns=\"%s\">",
                          call_name, EBAY_NAMESPACE);
  if (!iaf && request->token != NULL)
    {
      g_string_append (xml, "<RequesterCredentials>");
      append_element (xml, "eBayAuthToken", request->token);
      g_string_append (xml, "</RequesterCredentials>");
    }
  if (request->kind == CALL_GET_SESSION_ID)
    append_element (xml, "RuName", relink_keyset_get_redirect (keyset));
  if (request->kind == CALL_FETCH_TOKEN)
    append_element (xml, "SessionID", request->session_id);
  g_string_append_printf (xml, "</%sRequest>", call_name);
  xml_length = xml->len;
  xml_data = g_string_free (xml, FALSE);
  body = g_bytes_new_with_free_func (xml_data, xml_length, wipe_free, xml_data);
  soup_message_set_request_body_from_bytes (call->message, "text/xml", body);

  headers = soup_message_get_request_headers (call->message);
  soup_message_headers_replace (headers, "X-EBAY-API-CALL-NAME", call_name);
  soup_message_headers_replace (headers, "X-EBAY-API-SITEID", ana->site_id);
  soup_message_headers_replace (headers, "X-EBAY-API-COMPATIBILITY-LEVEL",
                                ana->compatibility_level);
  if (iaf)
    soup_message_headers_replace (headers, "X-EBAY-API-IAF-TOKEN", request->token);
  else
    {
      soup_message_headers_replace (headers, "X-EBAY-API-APP-NAME",
                                    relink_keyset_get_client_id (keyset));
      soup_message_headers_replace (headers, "X-EBAY-API-DEV-NAME", dev_id);
      soup_message_headers_replace (headers, "X-EBAY-API-CERT-NAME", request->cert_id);
    }

  if (!is_blank (request->cert_id))
    g_ptr_array_add (call->secrets, g_strdup (request->cert_id));
  if (!is_blank (request->token))
    g_ptr_array_add (call->secrets, g_strdup (request->token));

  /* A Trading endpoint that redirects is misconfigured or hijacked. */
  soup_message_add_flags (call->message, SOUP_MESSAGE_NO_REDIRECT);

  relink_http_call_async (self->session, call->message, RELINK_TRADING_MAX_RESPONSE_SIZE,
                          self->deadline_seconds, cancellable, call_done_cb,
                          g_steal_pointer (&task));
}
