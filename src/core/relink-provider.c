/* relink-provider.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A provider profile: the parsed, read-only description of one
 * marketplace's OAuth dialect. The format, and the code that reads it,
 * are in relink-provider-parse.c. */

#include "config.h"

#include "relink-provider-private.h"

#define FALLBACK_ICON_NAME "network-workgroup-symbolic"

G_DEFINE_FINAL_TYPE (RelinkProvider, relink_provider, G_TYPE_OBJECT)

/* The quark name is spelt with hyphens, which clang-format would space. */
/* clang-format off */
G_DEFINE_QUARK (relink-provider-error-quark, relink_provider_error)
/* clang-format on */

enum
{
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_ICON_NAME,
  PROP_IS_CUSTOM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
environment_free (RelinkProviderEnvironment *env)
{
  g_free (env->id);
  g_free (env->name);
  g_free (env->authorize_url);
  g_free (env->token_url);
  g_free (env->refresh_url);
  g_free (env->revoke_url);
  g_free (env->revoke_application_url);
  g_free (env->identity_url);
  g_free (env->api_base_url);
  g_free (env->connected_apps_url);
  g_free (env->trading_url);
  g_free (env->trading_sign_in_url);
  g_free (env);
}

void
relink_keyset_field_free (RelinkKeysetField *field)
{
  g_free (field->id);
  g_free (field->label);
  g_free (field->description);
  g_free (field->authorize_param);
  g_free (field);
}

static void
relink_provider_finalize (GObject *object)
{
  RelinkProvider *self = RELINK_PROVIDER (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->icon_name);
  g_free (self->origin);
  g_free (self->identity_id_field);
  g_free (self->identity_name_field);
  g_strfreev (self->scopes);
  g_clear_pointer (&self->authorize_params, g_hash_table_unref);
  g_clear_pointer (&self->environments, g_ptr_array_unref);
  g_clear_pointer (&self->keyset_fields, g_ptr_array_unref);
  g_clear_pointer (&self->auth_n_auth, relink_auth_n_auth_free);

  G_OBJECT_CLASS (relink_provider_parent_class)->finalize (object);
}

static void
relink_provider_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RelinkProvider *self = RELINK_PROVIDER (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_string (value, self->id);
        break;
      case PROP_NAME:
        g_value_set_string (value, self->name);
        break;
      case PROP_ICON_NAME:
        g_value_set_string (value, relink_provider_get_icon_name (self));
        break;
      case PROP_IS_CUSTOM:
        g_value_set_boolean (value, self->is_custom);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_provider_class_init (RelinkProviderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = relink_provider_finalize;
  object_class->get_property = relink_provider_get_property;

  /* Read-only properties, so that list widgets can bind and sort with
   * GtkPropertyExpression. */
  properties[PROP_ID]
      = g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME]
      = g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ICON_NAME] = g_param_spec_string ("icon-name", NULL, NULL, NULL,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_IS_CUSTOM] = g_param_spec_boolean ("is-custom", NULL, NULL, FALSE,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
relink_provider_init (RelinkProvider *self)
{
  self->authorize_params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->environments = g_ptr_array_new_with_free_func ((GDestroyNotify) environment_free);
  self->keyset_fields = g_ptr_array_new_with_free_func ((GDestroyNotify) relink_keyset_field_free);
  self->needs_client_secret = TRUE;
}

const char *
relink_provider_get_id (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), NULL);

  return self->id;
}

const char *
relink_provider_get_name (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), NULL);

  return self->name;
}

const char *
relink_provider_get_icon_name (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), NULL);

  return self->icon_name != NULL ? self->icon_name : FALLBACK_ICON_NAME;
}

const char *
relink_provider_get_origin (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), NULL);

  return self->origin;
}

gboolean
relink_provider_is_custom (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), FALSE);

  return self->is_custom;
}

RelinkClientAuth
relink_provider_get_client_auth (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), RELINK_CLIENT_AUTH_BASIC);

  return self->client_auth;
}

RelinkPkce
relink_provider_get_pkce (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), RELINK_PKCE_NONE);

  return self->pkce;
}

RelinkRedirectStyle
relink_provider_get_redirect_style (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), RELINK_REDIRECT_STYLE_URI);

  return self->redirect_style;
}

RelinkIdentitySource
relink_provider_get_identity_source (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), RELINK_IDENTITY_SOURCE_ENDPOINT);

  return self->identity_source;
}

const char *
relink_provider_get_identity_id_field (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), NULL);

  return self->identity_id_field;
}

const char *
relink_provider_get_identity_name_field (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), NULL);

  return self->identity_name_field;
}

const char *const *
relink_provider_get_scopes (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), NULL);

  return (const char *const *) self->scopes;
}

GHashTable *
relink_provider_get_authorize_params (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), NULL);

  return self->authorize_params;
}

gint64
relink_provider_get_access_lifetime (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), 0);

  return self->access_lifetime;
}

gint64
relink_provider_get_refresh_lifetime (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), 0);

  return self->refresh_lifetime;
}

gboolean
relink_provider_get_rotating_refresh (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), FALSE);

  return self->rotating_refresh;
}

gboolean
relink_provider_get_refresh_extends (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), FALSE);

  return self->refresh_extends;
}

gint64
relink_provider_get_client_secret_lifetime (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), 0);

  return self->client_secret_lifetime;
}

GPtrArray *
relink_provider_get_environments (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), NULL);

  return self->environments;
}

const RelinkProviderEnvironment *
relink_provider_get_environment (RelinkProvider *self, const char *environment_id)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), NULL);

  if (environment_id == NULL)
    return self->environments->len > 0 ? g_ptr_array_index (self->environments, 0) : NULL;

  for (guint i = 0; i < self->environments->len; i++)
    {
      const RelinkProviderEnvironment *env = g_ptr_array_index (self->environments, i);

      if (g_str_equal (env->id, environment_id))
        return env;
    }

  return NULL;
}

GPtrArray *
relink_provider_get_keyset_fields (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), NULL);

  return self->keyset_fields;
}

const RelinkKeysetField *
relink_provider_get_keyset_field (RelinkProvider *self, const char *field_id)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), NULL);
  g_return_val_if_fail (field_id != NULL, NULL);

  for (guint i = 0; i < self->keyset_fields->len; i++)
    {
      const RelinkKeysetField *field = g_ptr_array_index (self->keyset_fields, i);

      if (g_str_equal (field->id, field_id))
        return field;
    }

  return NULL;
}

gboolean
relink_provider_get_needs_client_secret (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), TRUE);

  return self->needs_client_secret;
}

const char *
relink_provider_environment_get_refresh_url (const RelinkProviderEnvironment *env)
{
  g_return_val_if_fail (env != NULL, NULL);

  return env->refresh_url != NULL ? env->refresh_url : env->token_url;
}

void
relink_auth_n_auth_free (RelinkAuthNAuth *auth_n_auth)
{
  if (auth_n_auth == NULL)
    return;

  g_free (auth_n_auth->site_id);
  g_free (auth_n_auth->compatibility_level);
  g_clear_pointer (&auth_n_auth->keyset_fields, g_ptr_array_unref);
  g_free (auth_n_auth);
}

const RelinkAuthNAuth *
relink_provider_get_auth_n_auth (RelinkProvider *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER (self), NULL);

  return self->auth_n_auth;
}
