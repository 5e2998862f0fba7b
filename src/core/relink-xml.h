/* relink-xml.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The one way Relink reads XML: eBay's Trading API answers. GMarkup
 * (GLib) does the parsing: it expands no entity but the five predefined
 * ones and character references, reads no DTD and fetches nothing, so
 * "billion laughs" and external entities cannot happen. It keeps its
 * own stack without recursion; the limits here (size, nesting depth,
 * number of elements) keep what is built small. The result is a small
 * tree of elements with their text; attributes are not kept, namespace
 * prefixes are dropped from names ("soap:Body" is "Body"). The strings
 * of the tree are wiped when it is freed: an answer may hold a token. */

#define RELINK_XML_ERROR (relink_xml_error_quark ())

typedef enum
{
  RELINK_XML_ERROR_EMPTY,     /* nothing but white space */
  RELINK_XML_ERROR_TOO_LARGE, /* more than max_size bytes, or too many elements */
  RELINK_XML_ERROR_TOO_DEEP,  /* elements nested more than max_depth levels */
  RELINK_XML_ERROR_INVALID    /* not well-formed XML, or not UTF-8 */
} RelinkXmlError;

/* Deep enough for every Trading answer (fewer than 8 levels). */
#define RELINK_XML_MAX_DEPTH 32
/* The largest depth a caller may ask for. */
#define RELINK_XML_DEPTH_LIMIT 256
/* No Trading answer Relink reads has more than a few dozen elements. */
#define RELINK_XML_MAX_ELEMENTS 4096

GQuark relink_xml_error_quark (void);

/* One element: its local name, its own text (the character data directly
 * inside it, concatenated, white space trimmed at both ends; NULL when
 * nothing is left) and its children in document order. */
typedef struct _RelinkXmlElement RelinkXmlElement;

struct _RelinkXmlElement
{
  char *name;
  char *text;
  GPtrArray *children; /* of RelinkXmlElement, never NULL */
};

void relink_xml_element_free (RelinkXmlElement *element);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RelinkXmlElement, relink_xml_element_free)

/* Parses @data (@length bytes, or NUL-terminated when -1) into a tree.
 * @max_size 0 means no size limit; @max_depth must be 1 to
 * RELINK_XML_DEPTH_LIMIT. Errors are RELINK_XML_ERROR; their messages are
 * short lower-case phrases with a line and column, meant to follow a
 * caller's own words, and never quote the text (it may hold a token).
 *
 * Returns: (transfer full): the root element, or NULL with @error set */
RelinkXmlElement *
relink_xml_parse (const char *data, gssize length, gsize max_size, guint max_depth, GError **error);

/* The first child named @name, NULL when none. */
RelinkXmlElement *relink_xml_element_get_child (RelinkXmlElement *element, const char *name);

/* The text of the element reached by @path, child names separated by "/"
 * ("User/EIASToken"), each step taking the first child of that name;
 * NULL when there is no such element or it has no text. */
const char *relink_xml_element_get_text_at (RelinkXmlElement *element, const char *path);

G_END_DECLS
