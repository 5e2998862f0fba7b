/* relink-provider-parse.c: reading and validating a provider profile
 *
 * One file although past 900 lines: every part of a profile is read with
 * the same small getters and field_error(), which a split would have to
 * share through a header for no other reader.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A provider profile is a JSON object, format_version 1. The full reference,
 * with an example, is data/providers/README.md; in short:
 *
 *   {
 *     "format_version": 1,                       required, integer, ≤ 1
 *     "id": "my-shop",                           required, [a-z0-9-]+
 *     "name": "My Shop",                         required, display name
 *     "icon": "network-workgroup-symbolic",      optional icon name
 *     "client_auth": "basic",                    required: basic | body | none | aliexpress-sign
 *     "pkce": "optional",                        none (default) | optional | required
 *     "redirect_style": "uri",                   uri (default) | runame
 *     "scopes": ["read", "write"],               optional, no spaces inside a scope
 *     "authorize_params": {"prompt": "login"},   optional extra consent query parameters
 *     "access_lifetime": 3600,                   seconds, 0 to 100 years, default 0 = unknown
 *     "refresh_lifetime": 7776000,
 *     "client_secret_lifetime": 0,
 *     "rotating_refresh": true,                  default false
 *     "refresh_extends": true,                   default false
 *     "needs_client_secret": true,               default true
 *     "identity": {
 *       "source": "endpoint",                    required: endpoint | token_response | redirect |
 * id_token "id_field": "id",                        required (id_token: default "sub"); dots nest
 *       "name_field": "username"                 optional
 *     },
 *     "environments": [                          required, at least one, unique ids
 *       { "id": "production", "name": "Production", "production": true,
 *         "authorize_url": "https://…", "token_url": "https://…",
 *         "refresh_url": …, "revoke_url": …, "identity_url": …,
 *         "revoke_application_url": "https://…/users/{user_id}/applications/{client_id}",
 *         "api_base_url": …, "connected_apps_url": … }
 *     ],
 *     "keyset_fields": [
 *       { "id": "shared_secret", "label": "Shared secret", "description": "…",
 *         "secret": true, "required": true, "authorize_param": … }
 *     ],
 *     "auth_n_auth": {                           optional: eBay's Trading API tokens
 *       "site_id": "0", "compatibility_level": "1415", "lifetime": 47304000,
 *       "keyset_fields": [ … ]                   as above
 *     }                                          then every environment needs
 *   }                                            trading_url and trading_sign_in_url
 *
 * URLs must be https://, or http:// on a loopback host (tests); the
 * OAuth endpoints carry no #fragment (RFC 6749 §3.1, §3.2). Unknown
 * members are ignored so that older Relink versions read newer profiles,
 * unless format_version says the meaning changed.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "relink-json.h"
#include "relink-provider-private.h"
#include "relink-uri.h"

#define FORMAT_VERSION 1
/* A profile is a few kilobytes; a bigger file is not one. */
#define MAX_PROFILE_SIZE (1024 * 1024)
/* Lifetimes are added to unix times: a century keeps the sums far from
 * G_MAXINT64 and is longer than any marketplace grants. */
#define MAX_LIFETIME ((gint64) 100 * 366 * 24 * 3600)

/* The spelling of each enum value in a profile, in enum order. */
static const char *const client_auth_names[] = { "basic", "body", "none", "aliexpress-sign", NULL };
static const char *const pkce_names[] = { "none", "optional", "required", NULL };
static const char *const redirect_style_names[] = { "uri", "runame", NULL };
static const char *const identity_source_names[]
    = { "endpoint", "token_response", "redirect", "id_token", NULL };

/* Consent parameters Relink sets itself; a profile overriding them could,
 * for example, pin `state` and defeat the CSRF check. */
static const char *const reserved_authorize_params[]
    = { "client_id", "redirect_uri",   "response_type",         "scope",
        "state",     "code_challenge", "code_challenge_method", NULL };

/* Values every keyset has anyway; a profile field of that id would shadow them. */
static const char *const reserved_keyset_field_ids[]
    = { "client_id", "client_secret", "redirect", NULL };

/* Parsing. Every failure goes through field_error() so that messages
 * consistently read "FILE: field “PATH”: REASON". */

typedef struct
{
  const char *origin;
  gboolean translate;
  GError **error;
} Parser;

G_GNUC_PRINTF (3, 4)
static gboolean
field_error (Parser *p, const char *path, const char *format, ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  /* Translators: the first %s is a file name, the second a field name such
   * as “environments[1].token_url”, the third the reason it was refused. */
  g_set_error (p->error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_FIELD,
               _ ("%s: field “%s”: %s"), p->origin, path, reason);
  return FALSE;
}

static char *
member_path (const char *prefix, const char *member)
{
  if (prefix == NULL)
    return g_strdup (member);
  return g_strdup_printf ("%s.%s", prefix, member);
}

static char *
translated (Parser *p, const char *text)
{
  if (text == NULL)
    return NULL;
  /* Shipped profiles are English in the JSON and translated here, with the
   * same catalogue as the rest of Relink. A user's own profile is shown as
   * written. */
  if (p->translate)
    return g_strdup (g_dgettext (GETTEXT_PACKAGE, text));
  return g_strdup (text);
}

static const char *
value_kind (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
      case JSON_NODE_OBJECT:
        return "an object";
      case JSON_NODE_ARRAY:
        return "an array";
      case JSON_NODE_NULL:
        return "null";
      case JSON_NODE_VALUE:
      default:
        break;
    }

  switch (json_node_get_value_type (node))
    {
      case G_TYPE_STRING:
        return "a string";
      case G_TYPE_BOOLEAN:
        return "a boolean";
      case G_TYPE_INT64:
        return "an integer";
      case G_TYPE_DOUBLE:
        return "a number";
      default:
        return "a value";
    }
}

static gboolean
holds_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

/* A member that is absent or JSON null counts as not given. */
static JsonNode *
lookup_member (JsonObject *object, const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

static gboolean
get_string (Parser *p,
            JsonObject *object,
            const char *prefix,
            const char *member,
            gboolean required,
            char **out)
{
  g_autofree char *path = member_path (prefix, member);
  JsonNode *node = lookup_member (object, member);
  const char *value;

  *out = NULL;

  if (node == NULL)
    {
      if (required)
        return field_error (p, path, _ ("is required"));
      return TRUE;
    }

  if (!holds_string (node))
    /* Translators: %s is a JSON type with its article: “an object”, “a number”… */
    return field_error (p, path, _ ("must be a string, not %s"), value_kind (node));

  value = json_node_get_string (node);
  if (value[0] == '\0')
    {
      if (required)
        return field_error (p, path, _ ("must not be empty"));
      return TRUE;
    }

  /* Shown in the window and in messages (a field's label names what is
   * missing): no tab, escape or other control character but line breaks. */
  for (const char *c = value; *c != '\0'; c = g_utf8_next_char (c))
    {
      gunichar ch = g_utf8_get_char (c);

      if (ch != '\n' && g_unichar_iscntrl (ch))
        return field_error (p, path, _ ("must not hold control characters"));
    }

  *out = g_strdup (value);
  return TRUE;
}

static gboolean
get_boolean (Parser *p,
             JsonObject *object,
             const char *prefix,
             const char *member,
             gboolean default_value,
             gboolean *out)
{
  g_autofree char *path = member_path (prefix, member);
  JsonNode *node = lookup_member (object, member);

  *out = default_value;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return field_error (p, path, _ ("must be true or false, not %s"), value_kind (node));

  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
get_seconds (Parser *p, JsonObject *object, const char *member, gint64 *out)
{
  JsonNode *node = lookup_member (object, member);

  *out = 0;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return field_error (p, member, _ ("must be a whole number of seconds, not %s"),
                        value_kind (node));

  *out = json_node_get_int (node);
  if (*out < 0)
    return field_error (p, member, _ ("must not be negative"));
  if (*out > MAX_LIFETIME)
    {
      *out = 0;
      return field_error (p, member,
                          ngettext ("must be at most 100 years (%lld second)",
                                    "must be at most 100 years (%lld seconds)",
                                    (gulong) MAX_LIFETIME),
                          (long long) MAX_LIFETIME);
    }

  return TRUE;
}

static gboolean
get_enum (Parser *p,
          JsonObject *object,
          const char *prefix,
          const char *member,
          const char *const *names,
          int default_value,
          int *out)
{
  g_autofree char *path = member_path (prefix, member);
  g_autofree char *value = NULL;
  g_autoptr (GString) allowed = NULL;

  *out = default_value;

  if (!get_string (p, object, prefix, member, default_value < 0, &value))
    return FALSE;
  if (value == NULL)
    return TRUE;

  for (int i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (value, names[i]))
        {
          *out = i;
          return TRUE;
        }
    }

  allowed = g_string_new (NULL);
  for (int i = 0; names[i] != NULL; i++)
    g_string_append_printf (allowed, "%s“%s”", i > 0 ? ", " : "", names[i]);

  /* Translators: the first %s is the value found, the second a list of the valid ones. */
  return field_error (p, path, _ ("“%s” is not one of %s"), value, allowed->str);
}

static gboolean
get_url (Parser *p,
         JsonObject *object,
         const char *prefix,
         const char *member,
         gboolean required,
         char **out)
{
  g_autofree char *path = member_path (prefix, member);
  g_autofree char *value = NULL;
  g_autoptr (GUri) uri = NULL;
  const char *scheme;
  const char *host;

  *out = NULL;

  if (!get_string (p, object, prefix, member, required, &value))
    return FALSE;
  if (value == NULL)
    return TRUE;

  uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return field_error (p, path, _ ("must be an https:// URL"));

  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);

  if (host == NULL || host[0] == '\0')
    return field_error (p, path, _ ("must be an https:// URL"));

  if (!relink_uri_is_secure (value))
    {
      if (g_ascii_strcasecmp (scheme, "http") == 0)
        return field_error (p, path,
                            _ ("must be an https:// URL (http:// is only allowed for 127.0.0.1, "
                               "localhost and [::1])"));
      return field_error (p, path, _ ("must be an https:// URL"));
    }

  *out = g_steal_pointer (&value);
  return TRUE;
}

/* An OAuth endpoint: a URL without a #fragment (RFC 6749 §3.1, §3.2).
 * Relink appends the sign-in parameters as a query, which a fragment
 * would swallow. */
static gboolean
get_endpoint_url (Parser *p,
                  JsonObject *object,
                  const char *prefix,
                  const char *member,
                  gboolean required,
                  char **out)
{
  g_autofree char *path = NULL;

  if (!get_url (p, object, prefix, member, required, out))
    return FALSE;

  if (*out != NULL && strchr (*out, '#') != NULL)
    {
      g_clear_pointer (out, g_free);
      path = member_path (prefix, member);
      return field_error (p, path, _ ("must not contain a “#” fragment"));
    }

  return TRUE;
}

/* The consent URL's own query may carry fixed parameters, but none that
 * Relink sets for each sign-in: a second "state" would let the profile pin
 * it and defeat the CSRF check (fuzz-profile). Names are compared
 * unescaped, so "st%61te" is "state" too. */
static gboolean
check_authorize_query (Parser *p, const char *prefix, const char *url)
{
  const char *query = strchr (url, '?');
  g_auto (GStrv) items = NULL;

  if (query == NULL)
    return TRUE;

  items = g_strsplit (query + 1, "&", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_autofree char *escaped = g_strndup (items[i], strcspn (items[i], "="));
      g_autofree char *name = g_uri_unescape_string (escaped, NULL);

      /* NULL: an escape no server would read as a name of its own. */
      if (name != NULL && g_strv_contains (reserved_authorize_params, name))
        {
          g_autofree char *path = member_path (prefix, "authorize_url");

          /* Translators: %s is a parameter name such as “state”. */
          return field_error (p, path, _ ("must not set “%s” in its query: Relink sets it itself"),
                              name);
        }
    }

  return TRUE;
}

/* A URL template: {user_id} is required, {client_id} allowed, nothing else
 * in braces (a typo must not reach the marketplace as a literal). */
static gboolean
get_application_url (Parser *p, JsonObject *object, const char *prefix, char **out)
{
  g_autofree char *path = member_path (prefix, "revoke_application_url");
  g_autofree char *value = NULL;
  g_autoptr (GString) plain = NULL;

  if (!get_url (p, object, prefix, "revoke_application_url", FALSE, &value))
    return FALSE;
  if (value == NULL)
    {
      *out = NULL;
      return TRUE;
    }

  if (strstr (value, "{user_id}") == NULL)
    return field_error (p, path, _ ("must contain {user_id}"));
  plain = g_string_new (value);
  g_string_replace (plain, "{user_id}", "", 0);
  g_string_replace (plain, "{client_id}", "", 0);
  if (strchr (plain->str, '{') != NULL || strchr (plain->str, '}') != NULL)
    return field_error (p, path, _ ("may only contain {user_id} and {client_id} in braces"));

  *out = g_steal_pointer (&value);
  return TRUE;
}

static gboolean
is_valid_id (const char *id, gboolean allow_underscore)
{
  for (const char *c = id; *c != '\0'; c++)
    {
      if (!(g_ascii_islower (*c) || g_ascii_isdigit (*c) || *c == '-'
            || (allow_underscore && *c == '_')))
        return FALSE;
    }
  return TRUE;
}

static gboolean
get_id (Parser *p,
        JsonObject *object,
        const char *prefix,
        const char *member,
        gboolean allow_underscore,
        char **out)
{
  g_autofree char *path = member_path (prefix, member);

  if (!get_string (p, object, prefix, member, TRUE, out))
    return FALSE;

  if (!is_valid_id (*out, allow_underscore))
    {
      g_autofree char *bad = g_steal_pointer (out);

      if (allow_underscore)
        return field_error (
            p, path, _ ("“%s” may only contain lowercase letters a–z, digits, “-” and “_”"), bad);
      return field_error (p, path,
                          _ ("“%s” may only contain lowercase letters a–z, digits and “-”"), bad);
    }

  return TRUE;
}

/* An object or array member, as @type says: NULL when it is absent, and
 * *@ok FALSE (with the error set) when it is wrong. */
static JsonNode *
get_container (Parser *p,
               JsonObject *object,
               const char *member,
               JsonNodeType type,
               gboolean required,
               gboolean *ok)
{
  JsonNode *node = lookup_member (object, member);

  *ok = TRUE;

  if (node == NULL)
    {
      if (required)
        *ok = field_error (p, member, _ ("is required"));
      return NULL;
    }

  if (JSON_NODE_TYPE (node) != type)
    {
      if (type == JSON_NODE_OBJECT)
        *ok = field_error (p, member, _ ("must be an object, not %s"), value_kind (node));
      else
        *ok = field_error (p, member, _ ("must be an array, not %s"), value_kind (node));
      return NULL;
    }

  return node;
}

static JsonObject *
get_object (Parser *p, JsonObject *object, const char *member, gboolean required, gboolean *ok)
{
  JsonNode *node = get_container (p, object, member, JSON_NODE_OBJECT, required, ok);

  return node != NULL ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array (Parser *p, JsonObject *object, const char *member, gboolean required, gboolean *ok)
{
  JsonNode *node = get_container (p, object, member, JSON_NODE_ARRAY, required, ok);

  return node != NULL ? json_node_get_array (node) : NULL;
}

static gboolean
parse_scopes (RelinkProvider *self, Parser *p, JsonObject *root)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;
  gboolean ok;

  array = get_array (p, root, "scopes", FALSE, &ok);
  if (!ok)
    return FALSE;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("scopes[%u]", i);
      JsonNode *node = json_array_get_element (array, i);
      const char *scope;

      if (!holds_string (node))
        return field_error (p, path, _ ("must be a string, not %s"), value_kind (node));

      scope = json_node_get_string (node);
      if (scope[0] == '\0')
        return field_error (p, path, _ ("must not be empty"));
      /* Scopes travel space-separated in one parameter (RFC 6749 §3.3). */
      if (strpbrk (scope, " \t\r\n") != NULL)
        return field_error (p, path, _ ("must not contain spaces; list each scope separately"));

      g_strv_builder_add (builder, scope);
    }

  self->scopes = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
parse_authorize_params (RelinkProvider *self, Parser *p, JsonObject *root)
{
  g_autoptr (GList) members = NULL;
  JsonObject *object;
  gboolean ok;

  object = get_object (p, root, "authorize_params", FALSE, &ok);
  if (!ok)
    return FALSE;
  if (object == NULL)
    return TRUE;

  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      g_autofree char *path = member_path ("authorize_params", name);
      JsonNode *node = json_object_get_member (object, name);

      if (name[0] == '\0')
        return field_error (p, "authorize_params", _ ("parameter names must not be empty"));

      if (g_strv_contains (reserved_authorize_params, name))
        return field_error (p, path, _ ("is set by Relink itself and cannot be overridden"));

      if (!holds_string (node))
        return field_error (p, path, _ ("must be a string, not %s"), value_kind (node));

      g_hash_table_insert (self->authorize_params, g_strdup (name),
                           g_strdup (json_node_get_string (node)));
    }

  return TRUE;
}

static gboolean
parse_identity (RelinkProvider *self, Parser *p, JsonObject *root)
{
  JsonObject *identity;
  gboolean ok;
  int source;

  identity = get_object (p, root, "identity", TRUE, &ok);
  if (!ok)
    return FALSE;

  if (!get_enum (p, identity, "identity", "source", identity_source_names, -1, &source))
    return FALSE;
  self->identity_source = source;

  /* OpenID Connect names the subject `sub`; everyone else must say. */
  if (!get_string (p, identity, "identity", "id_field",
                   self->identity_source != RELINK_IDENTITY_SOURCE_ID_TOKEN,
                   &self->identity_id_field))
    return FALSE;
  if (self->identity_id_field == NULL)
    self->identity_id_field = g_strdup ("sub");

  return get_string (p, identity, "identity", "name_field", FALSE, &self->identity_name_field);
}

static gboolean
parse_environment (RelinkProvider *self, Parser *p, JsonNode *node, guint index)
{
  g_autofree char *prefix = g_strdup_printf ("environments[%u]", index);
  g_autofree char *name = NULL;
  RelinkProviderEnvironment *env;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return field_error (p, prefix, _ ("must be an object, not %s"), value_kind (node));
  object = json_node_get_object (node);

  env = g_new0 (RelinkProviderEnvironment, 1);
  g_ptr_array_add (self->environments, env);

  if (!get_id (p, object, prefix, "id", TRUE, &env->id)
      || !get_string (p, object, prefix, "name", TRUE, &name)
      || !get_boolean (p, object, prefix, "production", TRUE, &env->is_production)
      || !get_endpoint_url (p, object, prefix, "authorize_url", TRUE, &env->authorize_url)
      || !check_authorize_query (p, prefix, env->authorize_url)
      || !get_endpoint_url (p, object, prefix, "token_url", TRUE, &env->token_url)
      || !get_endpoint_url (p, object, prefix, "refresh_url", FALSE, &env->refresh_url)
      || !get_endpoint_url (p, object, prefix, "revoke_url", FALSE, &env->revoke_url)
      || !get_application_url (p, object, prefix, &env->revoke_application_url)
      || !get_endpoint_url (p, object, prefix, "identity_url", FALSE, &env->identity_url)
      || !get_url (p, object, prefix, "api_base_url", FALSE, &env->api_base_url)
      || !get_url (p, object, prefix, "connected_apps_url", FALSE, &env->connected_apps_url)
      || !get_endpoint_url (p, object, prefix, "trading_url", FALSE, &env->trading_url)
      || !get_endpoint_url (p, object, prefix, "trading_sign_in_url", FALSE,
                            &env->trading_sign_in_url))
    return FALSE;

  env->name = translated (p, name);

  for (guint i = 0; i + 1 < self->environments->len; i++)
    {
      const RelinkProviderEnvironment *other = g_ptr_array_index (self->environments, i);
      g_autofree char *path = member_path (prefix, "id");

      if (g_str_equal (other->id, env->id))
        return field_error (p, path, _ ("“%s” is already used by environments[%u]"), env->id, i);
    }

  if (self->identity_source == RELINK_IDENTITY_SOURCE_ENDPOINT && env->identity_url == NULL)
    {
      g_autofree char *path = member_path (prefix, "identity_url");

      return field_error (p, path, _ ("is required when “identity.source” is “endpoint”"));
    }

  return TRUE;
}

static gboolean
parse_environments (RelinkProvider *self, Parser *p, JsonObject *root)
{
  JsonArray *array;
  gboolean ok;

  array = get_array (p, root, "environments", TRUE, &ok);
  if (!ok)
    return FALSE;

  if (json_array_get_length (array) == 0)
    return field_error (p, "environments", _ ("must list at least one environment"));

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      if (!parse_environment (self, p, json_array_get_element (array, i), i))
        return FALSE;
    }

  return TRUE;
}

static gboolean
parse_keyset_field (GPtrArray *fields, Parser *p, const char *base, JsonNode *node, guint index)
{
  g_autofree char *prefix = g_strdup_printf ("%s[%u]", base, index);
  g_autofree char *label = NULL;
  g_autofree char *description = NULL;
  RelinkKeysetField *field;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return field_error (p, prefix, _ ("must be an object, not %s"), value_kind (node));
  object = json_node_get_object (node);

  field = g_new0 (RelinkKeysetField, 1);
  g_ptr_array_add (fields, field);

  if (!get_id (p, object, prefix, "id", TRUE, &field->id)
      || !get_string (p, object, prefix, "label", TRUE, &label)
      || !get_string (p, object, prefix, "description", FALSE, &description)
      || !get_boolean (p, object, prefix, "secret", FALSE, &field->secret)
      || !get_boolean (p, object, prefix, "required", FALSE, &field->required)
      || !get_string (p, object, prefix, "authorize_param", FALSE, &field->authorize_param))
    return FALSE;

  field->label = translated (p, label);
  field->description = translated (p, description);

  if (g_strv_contains (reserved_keyset_field_ids, field->id))
    {
      g_autofree char *path = member_path (prefix, "id");

      return field_error (p, path, _ ("“%s” is part of every keyset already"), field->id);
    }

  for (guint i = 0; i + 1 < fields->len; i++)
    {
      const RelinkKeysetField *other = g_ptr_array_index (fields, i);
      g_autofree char *path = member_path (prefix, "id");

      if (g_str_equal (other->id, field->id))
        return field_error (p, path, _ ("“%s” is already used by %s[%u]"), field->id, base, i);
    }

  if (field->authorize_param != NULL)
    {
      g_autofree char *path = member_path (prefix, "authorize_param");

      /* A secret has no business in a URL that ends up in browser history. */
      if (field->secret)
        return field_error (p, path, _ ("cannot be used for a secret field"));
      if (g_strv_contains (reserved_authorize_params, field->authorize_param))
        return field_error (p, path, _ ("“%s” is set by Relink itself and cannot be overridden"),
                            field->authorize_param);
    }

  return TRUE;
}

static gboolean
parse_keyset_fields (GPtrArray *fields, Parser *p, JsonObject *object, const char *base)
{
  JsonArray *array;
  gboolean ok;

  array = get_array (p, object, "keyset_fields", FALSE, &ok);
  if (!ok)
    return FALSE;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      if (!parse_keyset_field (fields, p, base, json_array_get_element (array, i), i))
        return FALSE;
    }

  return TRUE;
}

/* "auth_n_auth": { "site_id": "0", "compatibility_level": "1415",
 * "lifetime": 47304000, "keyset_fields": [ … ] }; every environment then
 * needs trading_url and trading_sign_in_url. */
static gboolean
parse_auth_n_auth (RelinkProvider *self, Parser *p, JsonObject *root)
{
  const char *prefix = "auth_n_auth";
  RelinkAuthNAuth *ana;
  JsonObject *object;
  JsonNode *lifetime;
  gboolean ok;

  object = get_object (p, root, prefix, FALSE, &ok);
  if (object == NULL)
    return ok;

  ana = self->auth_n_auth = g_new0 (RelinkAuthNAuth, 1);
  ana->keyset_fields = g_ptr_array_new_with_free_func ((GDestroyNotify) relink_keyset_field_free);

  if (!get_string (p, object, prefix, "site_id", TRUE, &ana->site_id)
      || !get_string (p, object, prefix, "compatibility_level", TRUE, &ana->compatibility_level)
      || !parse_keyset_fields (ana->keyset_fields, p, object, "auth_n_auth.keyset_fields"))
    return FALSE;

  lifetime = lookup_member (object, "lifetime");
  if (lifetime != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (lifetime) || json_node_get_value_type (lifetime) != G_TYPE_INT64
          || json_node_get_int (lifetime) < 0 || json_node_get_int (lifetime) > MAX_LIFETIME)
        return field_error (p, "auth_n_auth.lifetime",
                            _ ("must be a whole number of seconds up to 100 years"));
      ana->lifetime = json_node_get_int (lifetime);
    }

  for (guint i = 0; i < self->environments->len; i++)
    {
      const RelinkProviderEnvironment *env = g_ptr_array_index (self->environments, i);

      if (env->trading_url == NULL || env->trading_sign_in_url == NULL)
        {
          g_autofree char *path
              = g_strdup_printf ("environments[%u].%s", i,
                                 env->trading_url == NULL ? "trading_url" : "trading_sign_in_url");

          return field_error (p, path, _ ("is required when the profile has “auth_n_auth”"));
        }
    }

  return TRUE;
}

static gboolean
parse_format_version (Parser *p, JsonObject *root)
{
  JsonNode *node = lookup_member (root, "format_version");
  gint64 version;

  if (node == NULL)
    return field_error (p, "format_version", _ ("is required (use %d)"), FORMAT_VERSION);

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return field_error (p, "format_version", _ ("must be a whole number, not %s"),
                        value_kind (node));

  version = json_node_get_int (node);
  if (version > FORMAT_VERSION)
    return field_error (p, "format_version",
                        _ ("version %lld is newer than this version of Relink "
                           "understands (%d); update Relink"),
                        (long long) version, FORMAT_VERSION);
  if (version < 1)
    return field_error (p, "format_version", _ ("must be %d"), FORMAT_VERSION);

  return TRUE;
}

static gboolean
parse_root (RelinkProvider *self, Parser *p, JsonObject *root)
{
  g_autofree char *name = NULL;
  int client_auth, pkce, redirect_style;

  /* Checked first: a newer format may have changed what the rest means. */
  if (!parse_format_version (p, root))
    return FALSE;

  if (!get_id (p, root, NULL, "id", FALSE, &self->id)
      || !get_string (p, root, NULL, "name", TRUE, &name)
      || !get_string (p, root, NULL, "icon", FALSE, &self->icon_name)
      || !get_enum (p, root, NULL, "client_auth", client_auth_names, -1, &client_auth)
      || !get_enum (p, root, NULL, "pkce", pkce_names, RELINK_PKCE_NONE, &pkce)
      || !get_enum (p, root, NULL, "redirect_style", redirect_style_names,
                    RELINK_REDIRECT_STYLE_URI, &redirect_style)
      || !parse_scopes (self, p, root) || !parse_authorize_params (self, p, root)
      || !get_seconds (p, root, "access_lifetime", &self->access_lifetime)
      || !get_seconds (p, root, "refresh_lifetime", &self->refresh_lifetime)
      || !get_seconds (p, root, "client_secret_lifetime", &self->client_secret_lifetime)
      || !get_boolean (p, root, NULL, "rotating_refresh", FALSE, &self->rotating_refresh)
      || !get_boolean (p, root, NULL, "refresh_extends", FALSE, &self->refresh_extends)
      || !get_boolean (p, root, NULL, "needs_client_secret", TRUE, &self->needs_client_secret)
      || !parse_identity (self, p, root) || !parse_environments (self, p, root)
      || !parse_keyset_fields (self->keyset_fields, p, root, "keyset_fields")
      || !parse_auth_n_auth (self, p, root))
    return FALSE;

  self->name = translated (p, name);
  self->client_auth = client_auth;
  self->pkce = pkce;
  self->redirect_style = redirect_style;

  /* Without a secret the only way to prove the client is PKCE. */
  if (!self->needs_client_secret && self->client_auth != RELINK_CLIENT_AUTH_NONE)
    return field_error (p, "needs_client_secret",
                        _ ("can only be false when “client_auth” is “none”"));
  if (self->client_auth == RELINK_CLIENT_AUTH_NONE && self->pkce == RELINK_PKCE_NONE)
    return field_error (p, "pkce",
                        _ ("must be “optional” or “required” when “client_auth” is "
                           "“none”"));

  return TRUE;
}

/**
 * relink_provider_new_from_json_full:
 * @json: the profile text
 * @length: length of @json in bytes, or -1 when NUL-terminated
 * @origin: the file name used in error messages
 * @is_custom: %TRUE for a user's own profile; %FALSE for a shipped one,
 *   whose display strings are then translated
 * @error: return location for a #RELINK_PROVIDER_ERROR
 *
 * Returns: (transfer full) (nullable): the profile, or %NULL with @error set
 */
RelinkProvider *
relink_provider_new_from_json_full (
    const char *json, gssize length, const char *origin, gboolean is_custom, GError **error)
{
  g_autoptr (RelinkProvider) self = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) local_error = NULL;
  Parser p = { 0 };

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (origin != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = relink_json_parse (json, length, MAX_PROFILE_SIZE, RELINK_JSON_MAX_DEPTH, &local_error);
  if (g_error_matches (local_error, RELINK_JSON_ERROR, RELINK_JSON_ERROR_EMPTY))
    {
      g_set_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_PARSE,
                   _ ("%s: the file is empty"), origin);
      return NULL;
    }
  if (g_error_matches (local_error, RELINK_JSON_ERROR, RELINK_JSON_ERROR_INVALID))
    {
      /* Translators: the first %s is a file name, the second the reason. */
      g_set_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_PARSE,
                   _ ("%s: not valid JSON: %s"), origin, local_error->message);
      return NULL;
    }
  if (root == NULL)
    {
      /* Translators: the first %s is a file name, the second the reason,
       * such as “nested more than 32 levels deep (line 1, column 33)”. */
      g_set_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_PARSE,
                   _ ("%s: not a profile Relink can read: %s"), origin, local_error->message);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_PARSE,
                   _ ("%s: a profile must be a JSON object { … }"), origin);
      return NULL;
    }

  self = g_object_new (RELINK_TYPE_PROVIDER, NULL);
  self->origin = g_strdup (origin);
  self->is_custom = is_custom;

  p.origin = origin;
  p.translate = !is_custom;
  p.error = error;

  if (!parse_root (self, &p, json_node_get_object (root)))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * relink_provider_new_from_json:
 *
 * Like relink_provider_new_from_json_full() for a custom profile: its
 * strings are shown as written.
 */
RelinkProvider *
relink_provider_new_from_json (const char *json, gssize length, const char *origin, GError **error)
{
  return relink_provider_new_from_json_full (json, length, origin, TRUE, error);
}
