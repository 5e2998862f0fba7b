/* relink-identity.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-identity.h"

struct _RelinkIdentity
{
  GObject parent_instance;

  char *id;
  char *name;
};

G_DEFINE_FINAL_TYPE (RelinkIdentity, relink_identity, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
relink_identity_finalize (GObject *object)
{
  RelinkIdentity *self = (RelinkIdentity *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (relink_identity_parent_class)->finalize (object);
}

static void
relink_identity_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RelinkIdentity *self = RELINK_IDENTITY (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_string (value, self->id);
        break;

      case PROP_NAME:
        g_value_set_string (value, relink_identity_get_name (self));
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_identity_set_property (GObject *object,
                              guint prop_id,
                              const GValue *value,
                              GParamSpec *pspec)
{
  RelinkIdentity *self = RELINK_IDENTITY (object);

  switch (prop_id)
    {
      case PROP_ID:
        self->id = g_value_dup_string (value);
        break;

      case PROP_NAME:
        self->name = g_value_dup_string (value);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_identity_class_init (RelinkIdentityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = relink_identity_finalize;
  object_class->get_property = relink_identity_get_property;
  object_class->set_property = relink_identity_set_property;

  properties[PROP_ID] = g_param_spec_string (
      "id", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME]
      = g_param_spec_string ("name", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
relink_identity_init (RelinkIdentity *self)
{
}

RelinkIdentity *
relink_identity_new (const char *id, const char *name)
{
  g_return_val_if_fail (id != NULL && id[0] != '\0', NULL);

  if (name != NULL && name[0] == '\0')
    name = NULL;

  return g_object_new (RELINK_TYPE_IDENTITY, "id", id, "name", name, NULL);
}

const char *
relink_identity_get_id (RelinkIdentity *self)
{
  g_return_val_if_fail (RELINK_IS_IDENTITY (self), NULL);

  return self->id;
}

const char *
relink_identity_get_name (RelinkIdentity *self)
{
  g_return_val_if_fail (RELINK_IS_IDENTITY (self), NULL);

  return self->name != NULL ? self->name : self->id;
}

gboolean
relink_identity_has_name (RelinkIdentity *self)
{
  g_return_val_if_fail (RELINK_IS_IDENTITY (self), FALSE);

  return self->name != NULL;
}
