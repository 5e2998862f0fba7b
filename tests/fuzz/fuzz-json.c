/* fuzz-json.c: relink_json_parse(), the entry point for every untrusted
 * JSON. Guarantees: no crash at any depth; an accepted tree has at most
 * the allowed depth, only UTF-8 strings, and survives a write and read
 * back unchanged; a refusal is a RELINK_JSON_ERROR that quotes nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "fuzz-common.h"
#include "relink-json.h"

/* json-glib 1.6 writes the double 1e-99 as "1e-99.0": trees with
 * doubles are not written back. Relink never writes parsed numbers. */
static gboolean has_double;

static guint
depth_of (JsonNode *node)
{
  guint deepest = 0;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &member))
        {
          guint depth;

          g_assert_true (g_utf8_validate (name, -1, NULL));
          /* Not inside MAX (), which evaluates it twice: 2^depth calls. */
          depth = depth_of (member);
          deepest = MAX (deepest, depth);
        }
      return deepest + 1;
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          guint depth = depth_of (json_array_get_element (array, i));

          deepest = MAX (deepest, depth);
        }
      return deepest + 1;
    }

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE)
    has_double = TRUE;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    g_assert_true (g_utf8_validate (json_node_get_string (node), -1, NULL));

  return 0;
}

RELINK_FUZZ_ENTRY (json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = NULL;
  guint max_depth;

  if (size < 1)
    return 0;

  /* The first byte picks the depth limit, the rest is the text. */
  max_depth = 1 + data[0] % RELINK_JSON_MAX_DEPTH;
  root = relink_json_parse ((const char *) data + 1, (gssize) size - 1, 64 * 1024, max_depth,
                            &error);
  if (root == NULL)
    {
      g_assert_true (error != NULL && error->domain == RELINK_JSON_ERROR);
      relink_fuzz_assert_not_quoted (error->message, data + 1, size - 1);
      return 0;
    }

  g_assert_no_error (error);
  has_double = FALSE;
  g_assert_cmpuint (depth_of (root), <=, max_depth);

  /* Written as Relink writes JSON: json-glib's own generator writes
   * U+001F raw (relink-json.h). */
  if (!has_double)
    {
      g_autoptr (JsonNode) again = NULL;
      g_autofree char *text = relink_json_to_string (root, FALSE);

      again = relink_json_parse (text, -1, 0, max_depth, &error);
      if (again == NULL)
        g_error ("relink_json_to_string() wrote what relink_json_parse() refuses: %s",
                 error->message);
      g_assert_true (json_node_equal (root, again));
    }

  return 0;
}
