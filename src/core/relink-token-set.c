/* relink-token-set.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "relink-json.h"
#include "relink-token-set.h"

#define FORMAT_VERSION 1
/* Two tokens of at most 16 KiB and a few short fields. */
#define MAX_JSON_SIZE (256 * 1024)
/* Times are unix seconds up to the year 9999: sums with lifetimes stay
 * far from G_MAXINT64. */
#define MAX_TIME G_GINT64_CONSTANT (253402300799)

struct _RelinkTokenSet
{
  GObject parent_instance;

  char *access_token;
  char *refresh_token;
  char *token_type;
  char *scope;
  gint64 issued_at;
  gint64 access_expires_at;
  gint64 refresh_expires_at;
};

G_DEFINE_FINAL_TYPE (RelinkTokenSet, relink_token_set, G_TYPE_OBJECT)

void
relink_secret_free (char *secret)
{
  if (secret == NULL)
    return;

  /* explicit_bzero, unlike memset, cannot be dropped by the optimiser as a
   * dead store right before free(). */
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

static void
replace_secret (char **field, const char *value)
{
  char *old = *field;

  if (old == value)
    return;

  *field = g_strdup (value);
  relink_secret_free (old);
}

static void
relink_token_set_finalize (GObject *object)
{
  RelinkTokenSet *self = (RelinkTokenSet *) object;

  g_clear_pointer (&self->access_token, relink_secret_free);
  g_clear_pointer (&self->refresh_token, relink_secret_free);
  g_clear_pointer (&self->token_type, relink_secret_free);
  g_clear_pointer (&self->scope, relink_secret_free);

  G_OBJECT_CLASS (relink_token_set_parent_class)->finalize (object);
}

static void
relink_token_set_class_init (RelinkTokenSetClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = relink_token_set_finalize;
}

static void
relink_token_set_init (RelinkTokenSet *self)
{
}

RelinkTokenSet *
relink_token_set_new (void)
{
  return g_object_new (RELINK_TYPE_TOKEN_SET, NULL);
}

RelinkTokenSet *
relink_token_set_copy (RelinkTokenSet *self)
{
  RelinkTokenSet *copy;

  g_return_val_if_fail (RELINK_IS_TOKEN_SET (self), NULL);

  copy = relink_token_set_new ();
  copy->access_token = g_strdup (self->access_token);
  copy->refresh_token = g_strdup (self->refresh_token);
  copy->token_type = g_strdup (self->token_type);
  copy->scope = g_strdup (self->scope);
  copy->issued_at = self->issued_at;
  copy->access_expires_at = self->access_expires_at;
  copy->refresh_expires_at = self->refresh_expires_at;

  return copy;
}

/* json-glib frees its own copies of the strings it parsed without clearing
 * them; overwrite them in place before the parser goes away so the tokens do
 * not linger in freed heap memory. */
void
relink_json_node_wipe (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
      case JSON_NODE_OBJECT:
        {
          JsonObjectIter iter;
          const char *name;
          JsonNode *member;

          json_object_iter_init (&iter, json_node_get_object (node));
          while (json_object_iter_next (&iter, &name, &member))
            relink_json_node_wipe (member);
        }
        break;

      case JSON_NODE_ARRAY:
        {
          JsonArray *array = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (array); i++)
            relink_json_node_wipe (json_array_get_element (array, i));
        }
        break;

      case JSON_NODE_VALUE:
        if (json_node_get_value_type (node) == G_TYPE_STRING)
          {
            char *str = (char *) json_node_get_string (node);

            if (str != NULL)
              explicit_bzero (str, strlen (str));
          }
        break;

      case JSON_NODE_NULL:
      default:
        break;
    }
}

static gboolean
read_string (JsonObject *object, const char *name, char **out)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;

  replace_secret (out, json_node_get_string (node));
  return TRUE;
}

static gboolean
read_int (JsonObject *object, const char *name, gint64 *out)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;

  if (json_node_get_int (node) < 0 || json_node_get_int (node) > MAX_TIME)
    return FALSE;

  *out = json_node_get_int (node);
  return TRUE;
}

static RelinkTokenSet *
token_set_from_object (JsonObject *object)
{
  g_autoptr (RelinkTokenSet) self = relink_token_set_new ();
  gint64 version = FORMAT_VERSION;

  /* A newer format_version is read as far as the known fields go: a newer
   * Relink only ever adds fields. */
  if (!read_int (object, "format_version", &version) || version < 1)
    return NULL;

  if (!read_string (object, "access_token", &self->access_token)
      || !read_string (object, "refresh_token", &self->refresh_token)
      || !read_string (object, "token_type", &self->token_type)
      || !read_string (object, "scope", &self->scope)
      || !read_int (object, "issued_at", &self->issued_at)
      || !read_int (object, "access_expires_at", &self->access_expires_at)
      || !read_int (object, "refresh_expires_at", &self->refresh_expires_at))
    return NULL;

  return g_steal_pointer (&self);
}

RelinkTokenSet *
relink_token_set_new_from_json (const char *json, GError **error)
{
  RelinkTokenSet *self = NULL;
  JsonNode *root;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* The parser's message is dropped in favour of a plain one: the item
   * is Relink's own, only its damage is news. */
  root = relink_json_parse_object (json, -1, MAX_JSON_SIZE, RELINK_JSON_MAX_DEPTH, NULL);
  if (root != NULL)
    {
      self = token_set_from_object (json_node_get_object (root));
      relink_json_node_wipe (root);
      json_node_unref (root);
    }

  if (self == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         _ ("The saved tokens are not in a form Relink can read."));

  return self;
}

/* Upper bound of the escaped length, so that the buffer never grows: a
 * GString that grows reallocates and leaves the old, unwiped copy behind. */
static gsize
escaped_size (const char *str)
{
  return str != NULL ? strlen (str) * 6 + 2 : 4;
}

static void
append_string (GString *out, const char *str)
{
  if (str == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = str; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, c);
        }
      else if (c < 0x20)
        {
          g_string_append_printf (out, "\\u%04x", c);
        }
      else
        {
          g_string_append_c (out, c);
        }
    }
  g_string_append_c (out, '"');
}

char *
relink_token_set_to_json (RelinkTokenSet *self)
{
  GString *out;
  gsize size;

  g_return_val_if_fail (RELINK_IS_TOKEN_SET (self), NULL);

  size = 512 + escaped_size (self->access_token) + escaped_size (self->refresh_token)
         + escaped_size (self->token_type) + escaped_size (self->scope);
  out = g_string_sized_new (size);

  g_string_append_printf (out, "{\"format_version\":%d", FORMAT_VERSION);
  g_string_append (out, ",\"access_token\":");
  append_string (out, self->access_token);
  g_string_append (out, ",\"refresh_token\":");
  append_string (out, self->refresh_token);
  g_string_append (out, ",\"token_type\":");
  append_string (out, self->token_type);
  g_string_append (out, ",\"scope\":");
  append_string (out, self->scope);
  g_string_append_printf (out,
                          ",\"issued_at\":%" G_GINT64_FORMAT
                          ",\"access_expires_at\":%" G_GINT64_FORMAT
                          ",\"refresh_expires_at\":%" G_GINT64_FORMAT "}",
                          self->issued_at, self->access_expires_at, self->refresh_expires_at);

  g_assert (out->len < size);

  return g_string_free (out, FALSE);
}

const char *
relink_token_set_get_access_token (RelinkTokenSet *self)
{
  g_return_val_if_fail (RELINK_IS_TOKEN_SET (self), NULL);

  return self->access_token;
}

void
relink_token_set_set_access_token (RelinkTokenSet *self, const char *token)
{
  g_return_if_fail (RELINK_IS_TOKEN_SET (self));

  replace_secret (&self->access_token, token);
}

const char *
relink_token_set_get_refresh_token (RelinkTokenSet *self)
{
  g_return_val_if_fail (RELINK_IS_TOKEN_SET (self), NULL);

  return self->refresh_token;
}

void
relink_token_set_set_refresh_token (RelinkTokenSet *self, const char *token)
{
  g_return_if_fail (RELINK_IS_TOKEN_SET (self));

  replace_secret (&self->refresh_token, token);
}

const char *
relink_token_set_get_token_type (RelinkTokenSet *self)
{
  g_return_val_if_fail (RELINK_IS_TOKEN_SET (self), NULL);

  return self->token_type;
}

void
relink_token_set_set_token_type (RelinkTokenSet *self, const char *token_type)
{
  g_return_if_fail (RELINK_IS_TOKEN_SET (self));

  replace_secret (&self->token_type, token_type);
}

const char *
relink_token_set_get_scope (RelinkTokenSet *self)
{
  g_return_val_if_fail (RELINK_IS_TOKEN_SET (self), NULL);

  return self->scope;
}

void
relink_token_set_set_scope (RelinkTokenSet *self, const char *scope)
{
  g_return_if_fail (RELINK_IS_TOKEN_SET (self));

  replace_secret (&self->scope, scope);
}

gint64
relink_token_set_get_issued_at (RelinkTokenSet *self)
{
  g_return_val_if_fail (RELINK_IS_TOKEN_SET (self), 0);

  return self->issued_at;
}

void
relink_token_set_set_issued_at (RelinkTokenSet *self, gint64 issued_at)
{
  g_return_if_fail (RELINK_IS_TOKEN_SET (self));

  self->issued_at = issued_at;
}

gint64
relink_token_set_get_access_expires_at (RelinkTokenSet *self)
{
  g_return_val_if_fail (RELINK_IS_TOKEN_SET (self), 0);

  return self->access_expires_at;
}

void
relink_token_set_set_access_expires_at (RelinkTokenSet *self, gint64 expires_at)
{
  g_return_if_fail (RELINK_IS_TOKEN_SET (self));

  self->access_expires_at = expires_at;
}

gint64
relink_token_set_get_refresh_expires_at (RelinkTokenSet *self)
{
  g_return_val_if_fail (RELINK_IS_TOKEN_SET (self), 0);

  return self->refresh_expires_at;
}

void
relink_token_set_set_refresh_expires_at (RelinkTokenSet *self, gint64 expires_at)
{
  g_return_if_fail (RELINK_IS_TOKEN_SET (self));

  self->refresh_expires_at = expires_at;
}
