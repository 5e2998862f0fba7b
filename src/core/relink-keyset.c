/* relink-keyset.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "relink-json.h"
#include "relink-keyset.h"

/* A handful of short values typed into the keyset dialog. */
#define MAX_EXTRAS_SIZE (64 * 1024)

struct _RelinkKeyset
{
  GObject parent_instance;

  char *id;
  char *provider_id;
  RelinkProvider *provider;
  char *environment;
  char *label;
  char *client_id;
  char *redirect;
  GHashTable *extras; /* field id -> value */
  gint64 secret_expires_at;
  gboolean invalid;
  gint64 created_at;
  char *grant_kind;
};

G_DEFINE_FINAL_TYPE (RelinkKeyset, relink_keyset, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_PROVIDER_ID,
  PROP_PROVIDER,
  PROP_ENVIRONMENT,
  PROP_LABEL,
  PROP_CLIENT_ID,
  PROP_REDIRECT,
  PROP_EXTRAS_JSON,
  PROP_SECRET_EXPIRES_AT,
  PROP_INVALID,
  PROP_CREATED_AT,
  PROP_DISPLAY_NAME,
  PROP_GRANT_KIND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

char *
relink_new_id (void)
{
  return g_uuid_string_random ();
}

static void
set_string (RelinkKeyset *self,
            char **field,
            const char *value,
            guint prop_id,
            gboolean affects_display_name)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
  if (affects_display_name)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

static void
relink_keyset_finalize (GObject *object)
{
  RelinkKeyset *self = (RelinkKeyset *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->provider_id, g_free);
  g_clear_object (&self->provider);
  g_clear_pointer (&self->environment, g_free);
  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->client_id, g_free);
  g_clear_pointer (&self->redirect, g_free);
  g_clear_pointer (&self->extras, g_hash_table_unref);
  g_clear_pointer (&self->grant_kind, g_free);

  G_OBJECT_CLASS (relink_keyset_parent_class)->finalize (object);
}

static void
relink_keyset_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RelinkKeyset *self = RELINK_KEYSET (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_string (value, self->id);
        break;
      case PROP_PROVIDER_ID:
        g_value_set_string (value, self->provider_id);
        break;
      case PROP_PROVIDER:
        g_value_set_object (value, self->provider);
        break;
      case PROP_ENVIRONMENT:
        g_value_set_string (value, self->environment);
        break;
      case PROP_LABEL:
        g_value_set_string (value, self->label);
        break;
      case PROP_CLIENT_ID:
        g_value_set_string (value, self->client_id);
        break;
      case PROP_REDIRECT:
        g_value_set_string (value, self->redirect);
        break;
      case PROP_EXTRAS_JSON:
        g_value_take_string (value, relink_keyset_dup_extras_json (self));
        break;
      case PROP_SECRET_EXPIRES_AT:
        g_value_set_int64 (value, self->secret_expires_at);
        break;
      case PROP_INVALID:
        g_value_set_boolean (value, self->invalid);
        break;
      case PROP_CREATED_AT:
        g_value_set_int64 (value, self->created_at);
        break;
      case PROP_GRANT_KIND:
        g_value_set_string (value, relink_keyset_get_grant_kind (self));
        break;
      case PROP_DISPLAY_NAME:
        g_value_take_string (value, relink_keyset_dup_display_name (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_keyset_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  RelinkKeyset *self = RELINK_KEYSET (object);

  switch (prop_id)
    {
      case PROP_ID:
        /* Construct-only: no one can be listening yet. */
        g_free (self->id);
        self->id = g_value_dup_string (value);
        break;
      case PROP_PROVIDER_ID:
        relink_keyset_set_provider_id (self, g_value_get_string (value));
        break;
      case PROP_PROVIDER:
        relink_keyset_set_provider (self, g_value_get_object (value));
        break;
      case PROP_ENVIRONMENT:
        relink_keyset_set_environment (self, g_value_get_string (value));
        break;
      case PROP_LABEL:
        relink_keyset_set_label (self, g_value_get_string (value));
        break;
      case PROP_CLIENT_ID:
        relink_keyset_set_client_id (self, g_value_get_string (value));
        break;
      case PROP_REDIRECT:
        relink_keyset_set_redirect (self, g_value_get_string (value));
        break;
      case PROP_EXTRAS_JSON:
        {
          g_autoptr (GError) error = NULL;

          if (!relink_keyset_set_extras_json (self, g_value_get_string (value), &error))
            g_critical ("Cannot set the keyset’s extra values: %s", error->message);
        }
        break;
      case PROP_SECRET_EXPIRES_AT:
        relink_keyset_set_secret_expires_at (self, g_value_get_int64 (value));
        break;
      case PROP_INVALID:
        relink_keyset_set_invalid (self, g_value_get_boolean (value));
        break;
      case PROP_CREATED_AT:
        relink_keyset_set_created_at (self, g_value_get_int64 (value));
        break;
      case PROP_GRANT_KIND:
        relink_keyset_set_grant_kind (self, g_value_get_string (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_pspec (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
int64_pspec (const char *name)
{
  return g_param_spec_int64 (name, NULL, NULL, G_MININT64, G_MAXINT64, 0,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
relink_keyset_class_init (RelinkKeysetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = relink_keyset_finalize;
  object_class->get_property = relink_keyset_get_property;
  object_class->set_property = relink_keyset_set_property;

  properties[PROP_ID] = g_param_spec_string (
      "id", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROVIDER_ID] = string_pspec ("provider-id");
  properties[PROP_PROVIDER]
      = g_param_spec_object ("provider", NULL, NULL, RELINK_TYPE_PROVIDER,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENVIRONMENT] = string_pspec ("environment");
  properties[PROP_LABEL] = string_pspec ("label");
  properties[PROP_CLIENT_ID] = string_pspec ("client-id");
  properties[PROP_REDIRECT] = string_pspec ("redirect");
  properties[PROP_EXTRAS_JSON] = string_pspec ("extras-json");
  properties[PROP_SECRET_EXPIRES_AT] = int64_pspec ("secret-expires-at");
  properties[PROP_INVALID]
      = g_param_spec_boolean ("invalid", NULL, NULL, FALSE,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATED_AT] = int64_pspec ("created-at");
  properties[PROP_GRANT_KIND]
      = g_param_spec_string ("grant-kind", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL,
                                                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
relink_keyset_init (RelinkKeyset *self)
{
  self->extras = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

RelinkKeyset *
relink_keyset_new (const char *id)
{
  g_return_val_if_fail (id != NULL, NULL);

  return g_object_new (RELINK_TYPE_KEYSET, "id", id, NULL);
}

const char *
relink_keyset_get_id (RelinkKeyset *self)
{
  g_return_val_if_fail (RELINK_IS_KEYSET (self), NULL);

  return self->id;
}

const char *
relink_keyset_get_provider_id (RelinkKeyset *self)
{
  g_return_val_if_fail (RELINK_IS_KEYSET (self), NULL);

  return self->provider_id;
}

void
relink_keyset_set_provider_id (RelinkKeyset *self, const char *provider_id)
{
  g_return_if_fail (RELINK_IS_KEYSET (self));

  set_string (self, &self->provider_id, provider_id, PROP_PROVIDER_ID, self->provider == NULL);
}

RelinkProvider *
relink_keyset_get_provider (RelinkKeyset *self)
{
  g_return_val_if_fail (RELINK_IS_KEYSET (self), NULL);

  return self->provider;
}

void
relink_keyset_set_provider (RelinkKeyset *self, RelinkProvider *provider)
{
  g_return_if_fail (RELINK_IS_KEYSET (self));
  g_return_if_fail (provider == NULL || RELINK_IS_PROVIDER (provider));

  if (!g_set_object (&self->provider, provider))
    return;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROVIDER]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

const char *
relink_keyset_get_environment (RelinkKeyset *self)
{
  g_return_val_if_fail (RELINK_IS_KEYSET (self), NULL);

  return self->environment;
}

void
relink_keyset_set_environment (RelinkKeyset *self, const char *environment)
{
  g_return_if_fail (RELINK_IS_KEYSET (self));

  set_string (self, &self->environment, environment, PROP_ENVIRONMENT, TRUE);
}

const char *
relink_keyset_get_label (RelinkKeyset *self)
{
  g_return_val_if_fail (RELINK_IS_KEYSET (self), NULL);

  return self->label;
}

void
relink_keyset_set_label (RelinkKeyset *self, const char *label)
{
  g_return_if_fail (RELINK_IS_KEYSET (self));

  set_string (self, &self->label, label, PROP_LABEL, TRUE);
}

const char *
relink_keyset_get_client_id (RelinkKeyset *self)
{
  g_return_val_if_fail (RELINK_IS_KEYSET (self), NULL);

  return self->client_id;
}

void
relink_keyset_set_client_id (RelinkKeyset *self, const char *client_id)
{
  g_return_if_fail (RELINK_IS_KEYSET (self));

  set_string (self, &self->client_id, client_id, PROP_CLIENT_ID, FALSE);
}

const char *
relink_keyset_get_redirect (RelinkKeyset *self)
{
  g_return_val_if_fail (RELINK_IS_KEYSET (self), NULL);

  return self->redirect;
}

void
relink_keyset_set_redirect (RelinkKeyset *self, const char *redirect)
{
  g_return_if_fail (RELINK_IS_KEYSET (self));

  set_string (self, &self->redirect, redirect, PROP_REDIRECT, FALSE);
}

const char *
relink_keyset_get_extra (RelinkKeyset *self, const char *field_id)
{
  g_return_val_if_fail (RELINK_IS_KEYSET (self), NULL);
  g_return_val_if_fail (field_id != NULL, NULL);

  return g_hash_table_lookup (self->extras, field_id);
}

/* A NULL @value removes the field. */
void
relink_keyset_set_extra (RelinkKeyset *self, const char *field_id, const char *value)
{
  g_return_if_fail (RELINK_IS_KEYSET (self));
  g_return_if_fail (field_id != NULL);

  if (g_strcmp0 (g_hash_table_lookup (self->extras, field_id), value) == 0)
    return;

  if (value == NULL)
    g_hash_table_remove (self->extras, field_id);
  else
    g_hash_table_insert (self->extras, g_strdup (field_id), g_strdup (value));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXTRAS_JSON]);
}

char *
relink_keyset_dup_extras_json (RelinkKeyset *self)
{
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GList) keys = NULL;

  g_return_val_if_fail (RELINK_IS_KEYSET (self), NULL);

  /* Sorted, so that the same extras always give the same text. */
  keys = g_list_sort (g_hash_table_get_keys (self->extras), (GCompareFunc) g_strcmp0);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  for (const GList *l = keys; l != NULL; l = l->next)
    {
      json_builder_set_member_name (builder, l->data);
      json_builder_add_string_value (builder, g_hash_table_lookup (self->extras, l->data));
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);

  return relink_json_to_string (root, FALSE);
}

static gboolean
is_field_id (const char *name)
{
  gsize length = strlen (name);

  if (length == 0 || length > 64)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isalnum (name[i]) && name[i] != '_' && name[i] != '-')
        return FALSE;
    }

  return TRUE;
}

gboolean
relink_keyset_set_extras_json (RelinkKeyset *self, const char *json, GError **error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GHashTable) extras = NULL;
  g_autoptr (GList) members = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  JsonObject *object;

  g_return_val_if_fail (RELINK_IS_KEYSET (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  extras = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (json != NULL && json[0] != '\0')
    {
      root = relink_json_parse (json, -1, MAX_EXTRAS_SIZE, RELINK_JSON_MAX_DEPTH, &local_error);
      if (root == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _ ("The keyset’s extra values are not valid JSON: %s"),
                       local_error->message);
          return FALSE;
        }

      if (!JSON_NODE_HOLDS_OBJECT (root))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _ ("The keyset’s extra values are not a JSON object"));
          return FALSE;
        }

      object = json_node_get_object (root);
      members = json_object_get_members (object);
      for (const GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *node = json_object_get_member (object, l->data);

          if (JSON_NODE_HOLDS_NULL (node))
            continue;
          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
            {
              /* The name is quoted only when it looks like a field id: a
               * damaged row must not put control characters or a wall of
               * text into a message. */
              if (is_field_id (l->data))
                g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                             _ ("The keyset’s extra value “%s” is not text"),
                             (const char *) l->data);
              else
                g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                     _ ("One of the keyset’s extra values is not text"));
              return FALSE;
            }
          g_hash_table_insert (extras, g_strdup (l->data), g_strdup (json_node_get_string (node)));
        }
    }

  before = relink_keyset_dup_extras_json (self);
  g_hash_table_unref (self->extras);
  self->extras = g_steal_pointer (&extras);
  after = relink_keyset_dup_extras_json (self);

  if (g_strcmp0 (before, after) != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXTRAS_JSON]);

  return TRUE;
}

gint64
relink_keyset_get_secret_expires_at (RelinkKeyset *self)
{
  g_return_val_if_fail (RELINK_IS_KEYSET (self), 0);

  return self->secret_expires_at;
}

void
relink_keyset_set_secret_expires_at (RelinkKeyset *self, gint64 secret_expires_at)
{
  g_return_if_fail (RELINK_IS_KEYSET (self));

  if (self->secret_expires_at == secret_expires_at)
    return;

  self->secret_expires_at = secret_expires_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECRET_EXPIRES_AT]);
}

gboolean
relink_keyset_get_invalid (RelinkKeyset *self)
{
  g_return_val_if_fail (RELINK_IS_KEYSET (self), FALSE);

  return self->invalid;
}

void
relink_keyset_set_invalid (RelinkKeyset *self, gboolean invalid)
{
  g_return_if_fail (RELINK_IS_KEYSET (self));

  invalid = !!invalid;
  if (self->invalid == invalid)
    return;

  self->invalid = invalid;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INVALID]);
}

gint64
relink_keyset_get_created_at (RelinkKeyset *self)
{
  g_return_val_if_fail (RELINK_IS_KEYSET (self), 0);

  return self->created_at;
}

void
relink_keyset_set_created_at (RelinkKeyset *self, gint64 created_at)
{
  g_return_if_fail (RELINK_IS_KEYSET (self));

  if (self->created_at == created_at)
    return;

  self->created_at = created_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

char *
relink_keyset_dup_display_name (RelinkKeyset *self)
{
  const RelinkProviderEnvironment *env = NULL;
  const char *provider_name = NULL;
  const char *env_name = NULL;

  g_return_val_if_fail (RELINK_IS_KEYSET (self), NULL);

  if (self->label != NULL && self->label[0] != '\0')
    return g_strdup (self->label);

  if (self->provider != NULL)
    {
      provider_name = relink_provider_get_name (self->provider);
      if (self->environment != NULL)
        env = relink_provider_get_environment (self->provider, self->environment);
      if (env != NULL)
        env_name = env->name;
    }

  /* Without the profile, the raw ids are still better than nothing. */
  if (provider_name == NULL)
    provider_name = self->provider_id;
  if (env_name == NULL)
    env_name = self->environment;

  if (provider_name == NULL || provider_name[0] == '\0')
    provider_name = _ ("Unknown marketplace");

  if (env_name == NULL || env_name[0] == '\0')
    return g_strdup (provider_name);

  /* Translators: a keyset's name: marketplace · environment, e.g. "eBay · Sandbox". */
  return g_strdup_printf (_ ("%s · %s"), provider_name, env_name);
}

gboolean
relink_keyset_is_production (RelinkKeyset *self)
{
  const RelinkProviderEnvironment *env = NULL;

  g_return_val_if_fail (RELINK_IS_KEYSET (self), FALSE);

  if (self->provider != NULL && self->environment != NULL)
    env = relink_provider_get_environment (self->provider, self->environment);
  if (env != NULL)
    return env->is_production;

  return g_strcmp0 (self->environment, "production") == 0;
}

const char *
relink_keyset_get_grant_kind (RelinkKeyset *self)
{
  g_return_val_if_fail (RELINK_IS_KEYSET (self), NULL);

  return self->grant_kind != NULL && self->grant_kind[0] != '\0' ? self->grant_kind
                                                                 : RELINK_GRANT_KIND_OAUTH2;
}

void
relink_keyset_set_grant_kind (RelinkKeyset *self, const char *grant_kind)
{
  g_return_if_fail (RELINK_IS_KEYSET (self));

  set_string (self, &self->grant_kind, grant_kind, PROP_GRANT_KIND, FALSE);
}
