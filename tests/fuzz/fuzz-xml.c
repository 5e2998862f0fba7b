/* fuzz-xml.c: relink_xml_parse(), the entry point for every Trading API
 * answer. Guarantees: no crash at any depth or size; an accepted tree is
 * no deeper than allowed, has at most RELINK_XML_MAX_ELEMENTS elements,
 * and holds only UTF-8 names and texts without NUL that are trimmed; a
 * refusal is a RELINK_XML_ERROR that quotes nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fuzz-common.h"
#include "relink-xml.h"

static guint
check_element (RelinkXmlElement *element, guint *count)
{
  guint deepest = 0;

  (*count)++;
  g_assert_true (g_utf8_validate (element->name, -1, NULL));
  g_assert_true (element->name[0] != '\0');
  if (element->text != NULL)
    {
      gsize length = strlen (element->text);

      g_assert_true (g_utf8_validate (element->text, -1, NULL));
      g_assert_cmpuint (length, >, 0);
      g_assert_false (g_ascii_isspace (element->text[0]));
      g_assert_false (g_ascii_isspace (element->text[length - 1]));
    }

  for (guint i = 0; i < element->children->len; i++)
    {
      /* Not inside MAX(): the macro would walk the subtree twice, and
       * count its elements twice (a false finding). */
      guint depth = check_element (g_ptr_array_index (element->children, i), count);

      deepest = MAX (deepest, depth);
    }

  return deepest + 1;
}

RELINK_FUZZ_ENTRY (xml)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkXmlElement) root = NULL;
  guint max_depth;
  guint count = 0;

  if (size < 1)
    return 0;

  /* The first byte picks the depth limit, the rest is the text. */
  max_depth = 1 + data[0] % RELINK_XML_MAX_DEPTH;
  root
      = relink_xml_parse ((const char *) data + 1, (gssize) size - 1, 64 * 1024, max_depth, &error);
  if (root == NULL)
    {
      g_assert_true (error != NULL && error->domain == RELINK_XML_ERROR);
      relink_fuzz_assert_not_quoted (error->message, data + 1, size - 1);
      return 0;
    }

  g_assert_no_error (error);
  g_assert_cmpuint (check_element (root, &count), <=, max_depth);
  g_assert_cmpuint (count, <=, RELINK_XML_MAX_ELEMENTS);

  return 0;
}
