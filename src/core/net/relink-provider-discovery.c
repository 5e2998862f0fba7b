/* relink-provider-discovery.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "relink-http-call.h"
#include "relink-json.h"
#include "relink-oauth-client.h"
#include "relink-provider-discovery.h"
#include "relink-uri.h"
#include "relink-validate.h"

#define WELL_KNOWN_PATH "/.well-known/openid-configuration"
#define REQUEST_TIMEOUT_SECONDS 30
/* A discovery document is a few kilobytes. */
#define MAX_DOCUMENT_SIZE (256 * 1024)

/* Asked for in this order when the issuer offers them; openid always. */
static const char *const wanted_scopes[] = { "openid", "profile", "offline_access" };

typedef struct
{
  char *issuer;
  char *name;
  char *host;
  SoupSession *session;
  SoupMessage *message;
} Discovery;

static void
discovery_free (Discovery *discovery)
{
  g_clear_pointer (&discovery->issuer, g_free);
  g_clear_pointer (&discovery->name, g_free);
  g_clear_pointer (&discovery->host, g_free);
  g_clear_object (&discovery->message);
  g_clear_object (&discovery->session);
  g_free (discovery);
}

static GError *
answer_error (Discovery *discovery)
{
  return g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED,
                      _ ("%s gave no usable OpenID Connect description. Check the issuer "
                         "address: it is the part before “/.well-known/openid-configuration”."),
                      discovery->host);
}

static gboolean
array_contains (JsonObject *object, const char *member, const char *value)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING
          && g_strcmp0 (json_node_get_string (element), value) == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
has_array (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node);
}

/* A string member, or NULL when absent or of another type. */
static const char *
get_string (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/* Whether two issuers are the same, forgiving only a trailing slash. */
static gboolean
same_issuer (const char *requested, const char *stated)
{
  gsize a = strlen (requested);
  gsize b = strlen (stated);

  if (a > 0 && requested[a - 1] == '/')
    a--;
  if (b > 0 && stated[b - 1] == '/')
    b--;

  return a == b && strncmp (requested, stated, a) == 0;
}

/* A profile id from @name: lowercase ASCII letters, digits and dashes. */
static char *
make_id (const char *name)
{
  g_autofree char *ascii = g_str_to_ascii (name, "C");
  GString *id = g_string_new (NULL);

  for (const char *c = ascii; *c != '\0'; c++)
    {
      if (g_ascii_isalnum (*c))
        g_string_append_c (id, g_ascii_tolower (*c));
      else if (id->len > 0 && id->str[id->len - 1] != '-')
        g_string_append_c (id, '-');
    }

  while (id->len > 0 && id->str[id->len - 1] == '-')
    g_string_truncate (id, id->len - 1);

  if (id->len == 0)
    g_string_append (id, "custom-openid");

  return g_string_free (id, FALSE);
}

static gboolean
is_loopback_issuer (const char *issuer)
{
  g_autoptr (GUri) uri = g_uri_parse (issuer, G_URI_FLAGS_NONE, NULL);

  return uri != NULL && g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0;
}

/* Checks that @member is a URL credentials may go to; sets @error when
 * it is missing (and @required) or insecure. */
static gboolean
check_endpoint (Discovery *discovery,
                JsonObject *doc,
                const char *member,
                gboolean required,
                const char **out,
                GError **error)
{
  const char *url = get_string (doc, member);

  *out = NULL;

  if (url == NULL)
    {
      if (!required)
        return TRUE;

      g_set_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_FIELD,
                   _ ("%s names no “%s”, which Relink needs to sign in. Write a profile by hand "
                      "instead (see the providers folder’s README)."),
                   discovery->host, member);
      return FALSE;
    }

  if (!relink_uri_is_secure (url))
    {
      g_set_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INSECURE,
                   _ ("%s names an address for “%s” that does not start with https://. Relink "
                      "does not send sign-in data over unencrypted connections."),
                   discovery->host, member);
      return FALSE;
    }

  *out = url;
  return TRUE;
}

/* Turns the discovery document into profile JSON. */
static char *
build_profile (Discovery *discovery, JsonObject *doc, GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *id = NULL;
  const char *authorize_url, *token_url, *userinfo_url, *revoke_url;
  const char *client_auth;
  const char *pkce;
  gboolean offline = FALSE;

  if (!check_endpoint (discovery, doc, "authorization_endpoint", TRUE, &authorize_url, error)
      || !check_endpoint (discovery, doc, "token_endpoint", TRUE, &token_url, error)
      || !check_endpoint (discovery, doc, "userinfo_endpoint", TRUE, &userinfo_url, error)
      || !check_endpoint (discovery, doc, "revocation_endpoint", FALSE, &revoke_url, error))
    return NULL;

  if (has_array (doc, "response_types_supported")
      && !array_contains (doc, "response_types_supported", "code"))
    {
      g_set_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_FIELD,
                   _ ("%s does not offer the authorization code sign-in that Relink uses."),
                   discovery->host);
      return NULL;
    }

  /* Absent means client_secret_basic (OpenID Connect Discovery §3). */
  if (!has_array (doc, "token_endpoint_auth_methods_supported")
      || array_contains (doc, "token_endpoint_auth_methods_supported", "client_secret_basic"))
    client_auth = "basic";
  else if (array_contains (doc, "token_endpoint_auth_methods_supported", "client_secret_post"))
    client_auth = "body";
  else if (array_contains (doc, "token_endpoint_auth_methods_supported", "none"))
    client_auth = "none";
  else
    {
      g_set_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_FIELD,
                   _ ("%s accepts no client authentication that Relink supports (a client "
                      "secret, or none with PKCE)."),
                   discovery->host);
      return NULL;
    }

  /* A public client is proven by PKCE alone; others send it where offered. */
  if (g_str_equal (client_auth, "none"))
    pkce = "required";
  else if (array_contains (doc, "code_challenge_methods_supported", "S256"))
    pkce = "optional";
  else
    pkce = "none";

  id = make_id (discovery->name);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format_version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, discovery->name);
  /* Not read by Relink: says where the profile came from. */
  json_builder_set_member_name (builder, "issuer");
  json_builder_add_string_value (builder, discovery->issuer);
  json_builder_set_member_name (builder, "client_auth");
  json_builder_add_string_value (builder, client_auth);
  json_builder_set_member_name (builder, "pkce");
  json_builder_add_string_value (builder, pkce);
  if (g_str_equal (client_auth, "none"))
    {
      json_builder_set_member_name (builder, "needs_client_secret");
      json_builder_add_boolean_value (builder, FALSE);
    }

  json_builder_set_member_name (builder, "scopes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (wanted_scopes); i++)
    {
      const char *scope = wanted_scopes[i];

      if (i > 0 && has_array (doc, "scopes_supported")
          && !array_contains (doc, "scopes_supported", scope))
        continue;
      if (g_str_equal (scope, "offline_access"))
        offline = TRUE;
      json_builder_add_string_value (builder, scope);
    }
  json_builder_end_array (builder);

  /* OpenID Connect Core §11: offline_access is granted only together with
   * prompt=consent. */
  if (offline)
    {
      json_builder_set_member_name (builder, "authorize_params");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "prompt");
      json_builder_add_string_value (builder, "consent");
      json_builder_end_object (builder);
    }

  json_builder_set_member_name (builder, "identity");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, "id_token");
  json_builder_set_member_name (builder, "id_field");
  json_builder_add_string_value (builder, "sub");
  json_builder_set_member_name (builder, "name_field");
  json_builder_add_string_value (builder, "preferred_username");
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "environments");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, "default");
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, discovery->host);
  json_builder_set_member_name (builder, "production");
  json_builder_add_boolean_value (builder, !is_loopback_issuer (discovery->issuer));
  json_builder_set_member_name (builder, "authorize_url");
  json_builder_add_string_value (builder, authorize_url);
  json_builder_set_member_name (builder, "token_url");
  json_builder_add_string_value (builder, token_url);
  if (revoke_url != NULL)
    {
      json_builder_set_member_name (builder, "revoke_url");
      json_builder_add_string_value (builder, revoke_url);
    }
  json_builder_set_member_name (builder, "identity_url");
  json_builder_add_string_value (builder, userinfo_url);
  json_builder_end_object (builder);
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return relink_json_to_string (root, TRUE);
}

/* The document (already read, at most MAX_DOCUMENT_SIZE bytes) as a
 * profile; @out_json receives the profile's text. */
static RelinkProvider *
parse_document (
    Discovery *discovery, const char *data, gsize length, char **out_json, GError **error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autofree char *origin = NULL;
  RelinkProvider *provider;
  JsonObject *doc;
  const char *stated;

  if (length > MAX_DOCUMENT_SIZE)
    {
      g_propagate_error (error, answer_error (discovery));
      return NULL;
    }

  root = relink_json_parse_object (data, (gssize) length, MAX_DOCUMENT_SIZE, RELINK_JSON_MAX_DEPTH,
                                   NULL);
  if (root == NULL)
    {
      g_propagate_error (error, answer_error (discovery));
      return NULL;
    }
  doc = json_node_get_object (root);

  /* A document naming another issuer could send sign-ins elsewhere. */
  stated = get_string (doc, "issuer");
  if (stated == NULL)
    {
      g_set_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_FIELD,
                   _ ("The description at %s names no issuer. Check the issuer address."),
                   discovery->host);
      return NULL;
    }
  if (!same_issuer (discovery->issuer, stated))
    {
      /* Named so that the user can type the issuer the server uses. */
      g_autofree char *shown = relink_oauth_sanitize_text (stated, 200);

      g_set_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_FIELD,
                   _ ("The description at %s belongs to the issuer “%s”, not to the one "
                      "entered. Check the issuer address."),
                   discovery->host, shown);
      return NULL;
    }

  json = build_profile (discovery, doc, error);
  if (json == NULL)
    return NULL;

  origin = g_strconcat (discovery->issuer, WELL_KNOWN_PATH, NULL);
  provider = relink_provider_new_from_json (json, -1, origin, error);
  if (provider == NULL)
    return NULL;

  *out_json = g_steal_pointer (&json);
  return provider;
}

RelinkProvider *
relink_provider_discovery_parse (const char *issuer,
                                 const char *name,
                                 const char *data,
                                 gsize length,
                                 char **out_json,
                                 GError **error)
{
  g_autoptr (GUri) uri = NULL;
  g_autofree char *json = NULL;
  Discovery discovery = { 0 };
  RelinkProvider *provider;

  g_return_val_if_fail (issuer != NULL, NULL);
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  uri = g_uri_parse (issuer, G_URI_FLAGS_NONE, NULL);
  discovery.issuer = (char *) issuer;
  discovery.host
      = (char *) (uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : issuer);
  discovery.name = (char *) (name != NULL && name[0] != '\0' ? name : discovery.host);

  provider = parse_document (&discovery, data, length, &json, error);
  if (out_json != NULL)
    *out_json = g_steal_pointer (&json);
  return provider;
}

static GError *
send_error (Discovery *discovery, const GError *error)
{
  if (error->domain == G_TLS_ERROR)
    return g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NETWORK,
                        _ ("The connection to %s could not be secured: its certificate "
                           "was not accepted. Check the address and the network."),
                        discovery->host);

  return g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NETWORK,
                      _ ("Relink could not reach %s. Check the issuer address and "
                         "the internet connection, then try again."),
                      discovery->host);
}

static GError *
status_error (Discovery *discovery, guint status)
{
  if (status == 404 || status == 410)
    return g_error_new (RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NOT_SUPPORTED,
                        _ ("%s does not describe itself as an OpenID Connect provider. "
                           "Check the issuer address, or write a profile by hand."),
                        discovery->host);

  return g_error_new (RELINK_OAUTH_ERROR,
                      status >= 500 ? RELINK_OAUTH_ERROR_SERVER : RELINK_OAUTH_ERROR_FAILED,
                      _ ("%s answered with an error (HTTP %u). Check the issuer address, "
                         "then try again."),
                      discovery->host, status);
}

static void
document_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Discovery *discovery = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *json = NULL;
  RelinkProvider *provider;
  const char *data;
  gsize length;
  guint status = 0;

  body = relink_http_call_finish (result, &status, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Nothing came back. */
  if (status == 0)
    {
      g_task_return_error (task, send_error (discovery, error));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_error (task, status_error (discovery, status));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    {
      g_task_return_error (task, answer_error (discovery));
      return;
    }
  if (body == NULL)
    {
      g_task_return_new_error (task, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_NETWORK,
                               _ ("Relink could not read the answer of %s. Check the internet "
                                  "connection, then try again."),
                               discovery->host);
      return;
    }

  data = g_bytes_get_data (body, &length);
  provider = parse_document (discovery, data, length, &json, &error);
  if (provider == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_object_set_data_full (G_OBJECT (provider), "relink-discovery-json", g_steal_pointer (&json),
                          g_free);
  g_task_return_pointer (task, provider, g_object_unref);
}

void
relink_provider_discover_async (const char *issuer,
                                const char *name,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autofree char *stripped = NULL;
  g_autofree char *url = NULL;
  g_autofree char *problem = NULL;
  gboolean insecure;
  Discovery *discovery;
  gsize length;

  g_return_if_fail (issuer != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_provider_discover_async);

  stripped = g_strstrip (g_strdup (issuer));
  problem = relink_validate_issuer_url (stripped, &insecure);
  if (problem != NULL)
    {
      g_task_return_new_error (
          task, RELINK_OAUTH_ERROR,
          insecure ? RELINK_OAUTH_ERROR_INSECURE : RELINK_OAUTH_ERROR_CONFIGURATION, "%s", problem);
      return;
    }
  uri = g_uri_parse (stripped, G_URI_FLAGS_NONE, NULL);

  discovery = g_new0 (Discovery, 1);
  discovery->issuer = g_strdup (stripped);
  discovery->host = g_strdup (g_uri_get_host (uri));
  discovery->name = g_strdup (name != NULL && name[0] != '\0' ? name : discovery->host);
  g_task_set_task_data (task, discovery, (GDestroyNotify) discovery_free);

  /* §4: the issuer's trailing slash, if any, is removed before appending. */
  length = strlen (stripped);
  if (length > 0 && stripped[length - 1] == '/')
    stripped[length - 1] = '\0';
  url = g_strconcat (stripped, WELL_KNOWN_PATH, NULL);

  /* A session of its own: nothing of the seller's sign-ins is involved. */
  discovery->session = soup_session_new_with_options (
      "timeout", REQUEST_TIMEOUT_SECONDS, "user-agent", "Relink/" PACKAGE_VERSION, NULL);
  discovery->message = soup_message_new (SOUP_METHOD_GET, url);
  if (discovery->message == NULL)
    {
      g_task_return_new_error (task, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_CONFIGURATION, "%s",
                               _ ("The issuer address is not a valid web address. Enter it like "
                                  "https://login.example.com."));
      return;
    }
  /* A redirect could lead to an address never checked for https. */
  soup_message_add_flags (discovery->message, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (soup_message_get_request_headers (discovery->message), "Accept",
                                "application/json");

  /* The document is asked for under the deadline of every other call:
   * a server that drips its answer never trips the session's timeout. */
  relink_http_call_async (discovery->session, discovery->message, MAX_DOCUMENT_SIZE,
                          relink_http_call_deadline_seconds (), cancellable, document_cb,
                          g_steal_pointer (&task));
}

RelinkProvider *
relink_provider_discover_finish (GAsyncResult *result, char **out_json, GError **error)
{
  g_autoptr (RelinkProvider) provider = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (out_json != NULL)
    *out_json = NULL;

  provider = g_task_propagate_pointer (G_TASK (result), error);
  if (provider == NULL)
    return NULL;

  if (out_json != NULL)
    *out_json = g_object_steal_data (G_OBJECT (provider), "relink-discovery-json");
  else
    g_object_set_data (G_OBJECT (provider), "relink-discovery-json", NULL);

  return g_steal_pointer (&provider);
}

char *
relink_provider_discovery_save (const char *provider_json, const char *user_dir, GError **error)
{
  g_autoptr (RelinkProvider) provider = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  int fd;

  g_return_val_if_fail (provider_json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Only a valid profile is written, and its id (checked to be a plain
   * name) makes the file name. */
  provider = relink_provider_new_from_json (provider_json, -1, "discovery", error);
  if (provider == NULL)
    return NULL;

  if (user_dir != NULL)
    dir = g_strdup (user_dir);
  else
    dir = g_build_filename (g_get_user_config_dir (), "relink", "providers", NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _ ("Could not create the folder %s for the profile (%s)."), dir,
                   g_strerror (saved_errno));
      return NULL;
    }

  name = g_strconcat (relink_provider_get_id (provider), ".json", NULL);
  path = g_build_filename (dir, name, NULL);

  /* Claim the name first, so that an existing profile is never replaced. */
  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == EEXIST)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                     _ ("A profile named %s exists already. Choose another name."), path);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                     _ ("Could not save the profile %s (%s)."), path, g_strerror (saved_errno));
      return NULL;
    }
  close (fd);

  if (!g_file_set_contents (path, provider_json, -1, error))
    {
      g_unlink (path);
      return NULL;
    }

  return g_steal_pointer (&path);
}
