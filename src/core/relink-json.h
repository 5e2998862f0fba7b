/* relink-json.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The one way Relink reads JSON it did not write itself this very moment:
 * marketplaces' answers, discovery documents, provider profiles, keyring
 * items and stored keyset extras. json-glib 1.6 recurses once per nesting
 * level with no limit (a few hundred kilobytes of "[" crash it) and
 * accepts much that is not JSON (octal escapes that yield raw bytes, NUL
 * escapes that cut strings short, comments, "var x ="). The text is
 * therefore checked first by a small scanner: strict RFC 8259 syntax,
 * valid UTF-8, no \u0000 and no unpaired surrogate, at most @max_depth
 * nested arrays and objects and at most @max_size bytes. Only then does
 * json-glib build the tree. No other file calls json_parser_load_*()
 * (test-json checks the source tree). */

#define RELINK_JSON_ERROR (relink_json_error_quark ())

typedef enum
{
  RELINK_JSON_ERROR_EMPTY,     /* nothing but white space */
  RELINK_JSON_ERROR_TOO_LARGE, /* more than max_size bytes */
  RELINK_JSON_ERROR_TOO_DEEP,  /* more than max_depth levels of [ and { */
  RELINK_JSON_ERROR_INVALID    /* not JSON, or text Relink refuses */
} RelinkJsonError;

/* Deep enough for every format Relink reads (profiles use 4 levels,
 * marketplaces' answers fewer than 10), far from json-glib's stack. */
#define RELINK_JSON_MAX_DEPTH 32
/* The largest depth a caller may ask for. */
#define RELINK_JSON_DEPTH_LIMIT 256

GQuark relink_json_error_quark (void);

/* Parses @data (@length bytes, or NUL-terminated when -1) into a new
 * tree. A leading UTF-8 byte order mark is skipped. @max_size 0 means no
 * size limit; @max_depth must be 1 to RELINK_JSON_DEPTH_LIMIT. Errors are
 * RELINK_JSON_ERROR, their messages short lower-case phrases ("a string
 * is not closed (line 2, column 14)") meant to follow a caller's own
 * words; they give positions but never quote the text, which may hold a
 * token. Every string and member name in the result is valid UTF-8
 * without NUL.
 *
 * Returns: (transfer full): the root node, or NULL with @error set */
JsonNode *relink_json_parse (
    const char *data, gssize length, gsize max_size, guint max_depth, GError **error);

/* Like relink_json_parse(), but the root must be an object; a
 * RELINK_JSON_ERROR_INVALID error says so otherwise. */
JsonNode *relink_json_parse_object (
    const char *data, gssize length, gsize max_size, guint max_depth, GError **error);

/* The one way Relink writes JSON: @root as text, indented when @pretty.
 * json-glib 1.6's generator writes U+001F as a raw byte (it escapes every
 * other control character), which is not JSON: relink_json_parse() and
 * scripts' readers would refuse what Relink wrote (fuzz-keyset-extras).
 * No other file calls json_generator_to_data() (test-json checks).
 *
 * Returns: (transfer full): the text */
char *relink_json_to_string (JsonNode *root, gboolean pretty);

G_END_DECLS
