/* relink-xml.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "relink-xml.h"

/* The quark name is spelt with hyphens, which clang-format would space. */
/* clang-format off */
G_DEFINE_QUARK (relink-xml-error-quark, relink_xml_error)
/* clang-format on */

static void
wipe_string (char *text)
{
  if (text == NULL)
    return;

  explicit_bzero (text, strlen (text));
  g_free (text);
}

void
relink_xml_element_free (RelinkXmlElement *element)
{
  if (element == NULL)
    return;

  g_free (element->name);
  wipe_string (element->text);
  g_ptr_array_unref (element->children);
  g_free (element);
}

static RelinkXmlElement *
element_new (const char *qualified_name)
{
  RelinkXmlElement *element = g_new0 (RelinkXmlElement, 1);
  const char *colon = strrchr (qualified_name, ':');

  element->name = g_strdup (colon != NULL ? colon + 1 : qualified_name);
  element->children = g_ptr_array_new_with_free_func ((GDestroyNotify) relink_xml_element_free);
  return element;
}

/* What the GMarkup callbacks build: the open elements, innermost last,
 * each with the text gathered so far. */
typedef struct
{
  GMarkupParseContext *context;
  RelinkXmlElement *root;
  GPtrArray *open;  /* of RelinkXmlElement, borrowed from the tree */
  GPtrArray *texts; /* of GString, one per open element */
  guint max_depth;
  guint n_elements;
  /* Relink's own refusal. Not handed to GMarkup: GLib 2.74 goes on
   * parsing after a callback's error and sets a second GError over it
   * (found by the fuzzer), so after a refusal the callbacks only wait
   * for the end. */
  GError *refusal;
} Builder;

static void
wipe_gstring (GString *text)
{
  explicit_bzero (text->str, text->allocated_len);
  g_string_free (text, TRUE);
}

static void
builder_fail (Builder *builder, GError **error, RelinkXmlError code, const char *reason)
{
  int line = 0;
  int column = 0;

  g_markup_parse_context_get_position (builder->context, &line, &column);
  /* Translators: %s is a reason such as “elements are nested too deeply”;
   * then a line and a column number. */
  g_set_error (error, RELINK_XML_ERROR, code, _ ("%s (line %d, column %d)"), reason, line, column);
}

static void
start_element_cb (GMarkupParseContext *context,
                  const char *element_name,
                  const char **attribute_names,
                  const char **attribute_values,
                  gpointer user_data,
                  GError **error)
{
  Builder *builder = user_data;
  RelinkXmlElement *element;

  if (builder->refusal != NULL)
    return;

  if (builder->open->len == 0 && builder->root != NULL)
    {
      builder_fail (builder, &builder->refusal, RELINK_XML_ERROR_INVALID,
                    _ ("there is more than one root element"));
      return;
    }

  /* "x:" or ":" would leave an element without a local name, which
   * callers could never look up (fuzz-xml). */
  if (g_str_has_suffix (element_name, ":"))
    {
      builder_fail (builder, &builder->refusal, RELINK_XML_ERROR_INVALID,
                    _ ("the text is not well-formed XML"));
      return;
    }

  if (builder->open->len + 1 > builder->max_depth)
    {
      builder_fail (builder, &builder->refusal, RELINK_XML_ERROR_TOO_DEEP,
                    _ ("elements are nested too deeply"));
      return;
    }

  if (++builder->n_elements > RELINK_XML_MAX_ELEMENTS)
    {
      builder_fail (builder, &builder->refusal, RELINK_XML_ERROR_TOO_LARGE,
                    _ ("there are too many elements"));
      return;
    }

  element = element_new (element_name);
  if (builder->open->len == 0)
    builder->root = element;
  else
    g_ptr_array_add (
        ((RelinkXmlElement *) g_ptr_array_index (builder->open, builder->open->len - 1))->children,
        element);

  g_ptr_array_add (builder->open, element);
  g_ptr_array_add (builder->texts, g_string_new (NULL));
}

static void
end_element_cb (GMarkupParseContext *context,
                const char *element_name,
                gpointer user_data,
                GError **error)
{
  Builder *builder = user_data;
  RelinkXmlElement *element;
  GString *text;
  const char *start;
  const char *end;

  if (builder->refusal != NULL)
    return;

  element = g_ptr_array_steal_index (builder->open, builder->open->len - 1);
  text = g_ptr_array_steal_index (builder->texts, builder->texts->len - 1);
  start = text->str;
  end = text->str + text->len;

  while (start < end && g_ascii_isspace (*start))
    start++;
  while (end > start && g_ascii_isspace (end[-1]))
    end--;

  if (end > start)
    element->text = g_strndup (start, end - start);

  wipe_gstring (text);
}

static void
text_cb (GMarkupParseContext *context,
         const char *text,
         gsize text_len,
         gpointer user_data,
         GError **error)
{
  Builder *builder = user_data;

  /* GMarkup refuses text outside the root element itself. */
  if (builder->refusal == NULL && builder->texts->len > 0)
    {
      guint last = builder->texts->len - 1;
      GString *own = g_ptr_array_index (builder->texts, last);

      /* A GString that grows in place would leave an unwiped copy of the
       * text behind in freed memory: move to a larger one by hand. */
      if (own->len + text_len + 1 > own->allocated_len)
        {
          GString *bigger
              = g_string_sized_new (MAX (2 * own->allocated_len, own->len + text_len + 1));

          g_string_append_len (bigger, own->str, (gssize) own->len);
          builder->texts->pdata[last] = bigger;
          wipe_gstring (own);
          own = bigger;
        }
      g_string_append_len (own, text, (gssize) text_len);
    }
}

static const GMarkupParser parser = {
  start_element_cb, end_element_cb, text_cb, NULL, NULL,
};

/* GMarkup's own messages quote the text ("Element 'x' was closed…"): they
 * are replaced by Relink's, which only say where. */
static void
translate_error (Builder *builder, GError *markup_error, GError **error)
{
  const char *reason;

  if (markup_error->domain == RELINK_XML_ERROR)
    {
      g_propagate_error (error, g_error_copy (markup_error));
      return;
    }

  if (g_error_matches (markup_error, G_MARKUP_ERROR, G_MARKUP_ERROR_BAD_UTF8))
    reason = _ ("the text is not valid UTF-8");
  else if (g_error_matches (markup_error, G_MARKUP_ERROR, G_MARKUP_ERROR_EMPTY))
    reason = _ ("there is no element");
  else
    reason = _ ("the text is not well-formed XML");

  builder_fail (builder, error, RELINK_XML_ERROR_INVALID, reason);
}

static gboolean
is_blank (const char *data, gsize length)
{
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isspace (data[i]))
        return FALSE;
    }
  return TRUE;
}

/* Says where the first byte that is not UTF-8 is, as GMarkup would:
 * lines from 1, characters on the line from 1. */
static void
refuse_bad_utf8 (const char *data, const char *bad, GError **error)
{
  const char *line_start = data;
  int line = 1;

  for (const char *p = data; p < bad; p++)
    {
      if (*p == '\n')
        {
          line++;
          line_start = p + 1;
        }
    }

  /* Translators: %s is a reason such as “elements are nested too deeply”;
   * then a line and a column number. */
  g_set_error (error, RELINK_XML_ERROR, RELINK_XML_ERROR_INVALID, _ ("%s (line %d, column %d)"),
               _ ("the text is not valid UTF-8"), line,
               (int) MIN (g_utf8_strlen (line_start, bad - line_start) + 1, G_MAXINT));
}

RelinkXmlElement *
relink_xml_parse (const char *data, gssize length, gsize max_size, guint max_depth, GError **error)
{
  g_autoptr (GError) markup_error = NULL;
  Builder builder = { 0 };
  const char *bad = NULL;
  gsize size;
  gboolean ok;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (max_depth >= 1 && max_depth <= RELINK_XML_DEPTH_LIMIT, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  size = length < 0 ? strlen (data) : (gsize) length;

  if (max_size > 0 && size > max_size)
    {
      g_set_error (error, RELINK_XML_ERROR, RELINK_XML_ERROR_TOO_LARGE,
                   ngettext ("the text is larger than %lu byte",
                             "the text is larger than %lu bytes", (gulong) max_size),
                   (gulong) max_size);
      return NULL;
    }

  if (size >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      data += 3;
      size -= 3;
    }

  if (is_blank (data, size))
    {
      g_set_error_literal (error, RELINK_XML_ERROR, RELINK_XML_ERROR_EMPTY,
                           _ ("there is nothing but white space"));
      return NULL;
    }

  /* C strings end at NUL: a NUL inside would silently cut a value. */
  if (memchr (data, '\0', size) != NULL)
    {
      g_set_error_literal (error, RELINK_XML_ERROR, RELINK_XML_ERROR_INVALID,
                           _ ("the text holds a NUL byte"));
      return NULL;
    }

  /* GMarkup would find bad UTF-8 too, but not safely everywhere: GLib
   * (2.74 and still today) checks a CDATA section read as text with
   * text_validate(), which sets the error and marks the context failed,
   * and then sets the state back to "after a close angle" because no
   * callback failed. Parsing goes on after its own error, and the next
   * malformed construct sets a second GError over the first (fuzz-xml,
   * crashes/xml/double-gerror-close-tag). Text that is UTF-8 throughout
   * can never fail that check: a CDATA section's content lies between
   * ASCII delimiters, so it is UTF-8 as well. XML is UTF-8 here anyway
   * (eBay's answers say encoding="UTF-8"). */
  if (!g_utf8_validate_len (data, size, &bad))
    {
      refuse_bad_utf8 (data, bad, error);
      return NULL;
    }

  builder.max_depth = max_depth;
  builder.open = g_ptr_array_new ();
  builder.texts = g_ptr_array_new_with_free_func ((GDestroyNotify) wipe_gstring);
  builder.context
      = g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &builder, NULL);

  ok = g_markup_parse_context_parse (builder.context, data, (gssize) size, &markup_error)
       && builder.refusal == NULL && markup_error == NULL
       && g_markup_parse_context_end_parse (builder.context, &markup_error);
  /* GMarkup can also return TRUE with an error set (fuzz-xml): only a
   * parse without any error ended. */
  ok = ok && markup_error == NULL;
  if (builder.refusal != NULL)
    {
      /* Relink's refusal comes first: GMarkup's later complaints are
       * about text Relink stopped reading. */
      g_clear_error (&markup_error);
      markup_error = g_steal_pointer (&builder.refusal);
      ok = FALSE;
    }

  if (ok && builder.root == NULL)
    {
      ok = FALSE;
      g_set_error_literal (&markup_error, G_MARKUP_ERROR, G_MARKUP_ERROR_EMPTY, "");
    }

  if (!ok)
    {
      translate_error (&builder, markup_error, error);
      g_clear_pointer (&builder.root, relink_xml_element_free);
    }

  g_markup_parse_context_free (builder.context);
  g_ptr_array_unref (builder.open);
  g_ptr_array_unref (builder.texts);

  return builder.root;
}

RelinkXmlElement *
relink_xml_element_get_child (RelinkXmlElement *element, const char *name)
{
  g_return_val_if_fail (element != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < element->children->len; i++)
    {
      RelinkXmlElement *child = g_ptr_array_index (element->children, i);

      if (strcmp (child->name, name) == 0)
        return child;
    }

  return NULL;
}

const char *
relink_xml_element_get_text_at (RelinkXmlElement *element, const char *path)
{
  g_auto (GStrv) steps = NULL;

  g_return_val_if_fail (element != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  steps = g_strsplit (path, "/", -1);
  for (guint i = 0; steps[i] != NULL && element != NULL; i++)
    element = relink_xml_element_get_child (element, steps[i]);

  return element != NULL ? element->text : NULL;
}
