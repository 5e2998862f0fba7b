/* relink-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "relink-json.h"
#include "relink-token-set.h"

/* The quark name is spelt with hyphens, which clang-format would space. */
/* clang-format off */
G_DEFINE_QUARK (relink-json-error-quark, relink_json_error)
/* clang-format on */

typedef enum
{
  WANT_VALUE,
  WANT_VALUE_OR_CLOSE, /* right after "[" */
  WANT_KEY,
  WANT_KEY_OR_CLOSE, /* right after "{" */
  WANT_COLON,
  WANT_COMMA_OR_CLOSE,
  WANT_END
} State;

/* The pre-scan: walks the text once, keeping only a stack of open
 * containers (never deeper than max_depth), and stops at the first fault. */
typedef struct
{
  const guchar *p;
  const guchar *end;
  const guchar *line_start;
  guint line;
  guint max_depth;
  guint depth;
  guchar *stack; /* '[' or '{' per open container */
  GError **error;
} Scanner;

G_GNUC_PRINTF (3, 4)
static gboolean
fail (Scanner *s, RelinkJsonError code, const char *format, ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  /* Translators: %s is a reason such as “a string is not closed”; then a
   * line and a column number. */
  g_set_error (s->error, RELINK_JSON_ERROR, code, _ ("%s (line %u, column %u)"), reason, s->line,
               (guint) MIN (s->p - s->line_start, G_MAXINT) + 1);
  return FALSE;
}

static gboolean
invalid (Scanner *s, const char *reason)
{
  return fail (s, RELINK_JSON_ERROR_INVALID, "%s", reason);
}

static void
skip_space (Scanner *s)
{
  while (s->p < s->end)
    {
      switch (*s->p)
        {
          case '\n':
            s->line++;
            s->line_start = s->p + 1;
            G_GNUC_FALLTHROUGH;
          case ' ':
          case '\t':
          case '\r':
            s->p++;
            break;
          default:
            return;
        }
    }
}

static int
hex_value (guchar c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads the four hex digits of a \u escape whose backslash is at s->p. */
static gboolean
read_u_escape (Scanner *s, guint *out)
{
  guint value = 0;

  if (s->end - s->p < 6 || s->p[1] != 'u')
    return FALSE;

  for (int i = 2; i < 6; i++)
    {
      int digit = hex_value (s->p[i]);

      if (digit < 0)
        return FALSE;
      value = value * 16 + (guint) digit;
    }

  *out = value;
  s->p += 6;
  return TRUE;
}

/* A string, s->p on its opening quote. */
static gboolean
scan_string (Scanner *s)
{
  s->p++;

  for (;;)
    {
      const guchar *run = s->p;

      /* Plain bytes up to the next quote, backslash or control character
       * are checked as UTF-8 in one go. */
      while (s->p < s->end && *s->p != '"' && *s->p != '\\' && *s->p >= 0x20)
        s->p++;

      if (s->p > run && !g_utf8_validate ((const char *) run, s->p - run, NULL))
        {
          s->p = run;
          return invalid (s, _ ("a string is not valid UTF-8"));
        }

      if (s->p == s->end)
        return invalid (s, _ ("a string is not closed"));

      if (*s->p == '"')
        {
          s->p++;
          return TRUE;
        }

      if (*s->p < 0x20)
        return invalid (s, _ ("a string holds a control character"));

      /* A backslash. */
      if (s->end - s->p < 2)
        return invalid (s, _ ("a string is not closed"));

      switch (s->p[1])
        {
          case '"':
          case '\\':
          case '/':
          case 'b':
          case 'f':
          case 'n':
          case 'r':
          case 't':
            s->p += 2;
            break;

          case 'u':
            {
              const guchar *start = s->p;
              guint value;
              guint low;

              if (!read_u_escape (s, &value))
                return invalid (s, _ ("a \\u escape needs four hex digits"));

              /* C strings end at NUL: "a\u0000b" would silently become "a". */
              if (value == 0)
                {
                  s->p = start;
                  return invalid (s, _ ("a string holds \\u0000"));
                }

              if (value >= 0xdc00 && value <= 0xdfff)
                {
                  s->p = start;
                  return invalid (s, _ ("a string holds half a UTF-16 surrogate pair"));
                }

              if (value >= 0xd800 && value <= 0xdbff)
                {
                  if (s->p >= s->end || *s->p != '\\' || !read_u_escape (s, &low) || low < 0xdc00
                      || low > 0xdfff)
                    {
                      s->p = start;
                      return invalid (s, _ ("a string holds half a UTF-16 surrogate pair"));
                    }
                }
            }
            break;

          default:
            return invalid (s, _ ("a string holds an escape that JSON does not have"));
        }
    }
}

static gboolean
scan_digits (Scanner *s)
{
  const guchar *start = s->p;

  while (s->p < s->end && g_ascii_isdigit (*s->p))
    s->p++;

  return s->p > start;
}

/* A number, s->p on its first character ('-' or a digit). */
static gboolean
scan_number (Scanner *s)
{
  const guchar *start = s->p;

  if (*s->p == '-')
    s->p++;

  if (s->p < s->end && *s->p == '0')
    s->p++;
  else if (!scan_digits (s))
    goto bad;

  if (s->p < s->end && *s->p == '.')
    {
      s->p++;
      if (!scan_digits (s))
        goto bad;
    }

  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (!scan_digits (s))
        goto bad;
    }

  return TRUE;

bad:
  s->p = start;
  return invalid (s, _ ("a number is not written as JSON writes numbers"));
}

static gboolean
scan_word (Scanner *s, const char *word)
{
  gsize length = strlen (word);

  if ((gsize) (s->end - s->p) < length || memcmp (s->p, word, length) != 0)
    return invalid (s, _ ("unexpected character"));

  s->p += length;
  return TRUE;
}

static gboolean
open_container (Scanner *s, guchar kind)
{
  if (s->depth >= s->max_depth)
    return fail (s, RELINK_JSON_ERROR_TOO_DEEP,
                 ngettext ("nested more than %u level deep", "nested more than %u levels deep",
                           s->max_depth),
                 s->max_depth);

  s->stack[s->depth++] = kind;
  s->p++;
  return TRUE;
}

static State
after_value (Scanner *s)
{
  return s->depth == 0 ? WANT_END : WANT_COMMA_OR_CLOSE;
}

/* A scalar or the start of a container, s->p on its first character. */
static gboolean
scan_value (Scanner *s, State *state)
{
  switch (*s->p)
    {
      case '{':
        *state = WANT_KEY_OR_CLOSE;
        return open_container (s, '{');
      case '[':
        *state = WANT_VALUE_OR_CLOSE;
        return open_container (s, '[');
      case '"':
        *state = after_value (s);
        return scan_string (s);
      case 't':
        *state = after_value (s);
        return scan_word (s, "true");
      case 'f':
        *state = after_value (s);
        return scan_word (s, "false");
      case 'n':
        *state = after_value (s);
        return scan_word (s, "null");
      default:
        if (*s->p == '-' || g_ascii_isdigit (*s->p))
          {
            *state = after_value (s);
            return scan_number (s);
          }
        return invalid (s, _ ("unexpected character"));
    }
}

static gboolean
scan (Scanner *s)
{
  State state = WANT_VALUE;

  for (;;)
    {
      guchar c;

      skip_space (s);
      if (s->p == s->end)
        {
          if (state == WANT_END)
            return TRUE;
          return invalid (s, _ ("the text ends too early"));
        }

      c = *s->p;
      switch (state)
        {
          case WANT_VALUE_OR_CLOSE:
            if (c == ']')
              {
                s->depth--;
                s->p++;
                state = after_value (s);
                break;
              }
            G_GNUC_FALLTHROUGH;
          case WANT_VALUE:
            if (!scan_value (s, &state))
              return FALSE;
            break;

          case WANT_KEY_OR_CLOSE:
            if (c == '}')
              {
                s->depth--;
                s->p++;
                state = after_value (s);
                break;
              }
            G_GNUC_FALLTHROUGH;
          case WANT_KEY:
            if (c != '"')
              return invalid (s, _ ("a member name must be a string"));
            if (!scan_string (s))
              return FALSE;
            state = WANT_COLON;
            break;

          case WANT_COLON:
            if (c != ':')
              return invalid (s, _ ("a member name must be followed by “:”"));
            s->p++;
            state = WANT_VALUE;
            break;

          case WANT_COMMA_OR_CLOSE:
            if (c == ',')
              {
                s->p++;
                state = s->stack[s->depth - 1] == '{' ? WANT_KEY : WANT_VALUE;
              }
            else if ((c == ']' && s->stack[s->depth - 1] == '[')
                     || (c == '}' && s->stack[s->depth - 1] == '{'))
              {
                s->depth--;
                s->p++;
                state = after_value (s);
              }
            else
              {
                return invalid (s, _ ("unexpected character"));
              }
            break;

          case WANT_END:
          default:
            return invalid (s, _ ("more text follows the end"));
        }
    }
}

/* Defence in depth: whatever json-glib made of the text, Relink only ever
 * sees UTF-8 strings and finite numbers (1e999 would be infinity, which
 * no JSON writer can write back). */
static gboolean
tree_is_clean (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
      case JSON_NODE_OBJECT:
        {
          JsonObjectIter iter;
          const char *name;
          JsonNode *member;

          json_object_iter_init (&iter, json_node_get_object (node));
          while (json_object_iter_next (&iter, &name, &member))
            {
              if (!g_utf8_validate (name, -1, NULL) || !tree_is_clean (member))
                return FALSE;
            }
          return TRUE;
        }

      case JSON_NODE_ARRAY:
        {
          JsonArray *array = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              if (!tree_is_clean (json_array_get_element (array, i)))
                return FALSE;
            }
          return TRUE;
        }

      case JSON_NODE_VALUE:
        if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
          return isfinite (json_node_get_double (node));
        return json_node_get_value_type (node) != G_TYPE_STRING
               || g_utf8_validate (json_node_get_string (node), -1, NULL);

      case JSON_NODE_NULL:
      default:
        return TRUE;
    }
}

/* A refused tree may still hold a token: wiped before it is freed. */
static void
discard (JsonNode *root)
{
  relink_json_node_wipe (root);
  json_node_unref (root);
}

JsonNode *
relink_json_parse (const char *data, gssize length, gsize max_size, guint max_depth, GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autofree guchar *stack = NULL;
  JsonNode *root;
  gsize size;
  Scanner s;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (max_depth >= 1 && max_depth <= RELINK_JSON_DEPTH_LIMIT, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  size = length < 0 ? strlen (data) : (gsize) length;
  if (max_size > 0 && size > max_size)
    {
      g_set_error (error, RELINK_JSON_ERROR, RELINK_JSON_ERROR_TOO_LARGE,
                   ngettext ("larger than %lu byte", "larger than %lu bytes", (gulong) max_size),
                   (gulong) max_size);
      return NULL;
    }

  if (size >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      data += 3;
      size -= 3;
    }

  stack = g_malloc (max_depth);
  s = (Scanner){
    .p = (const guchar *) data,
    .end = (const guchar *) data + size,
    .line_start = (const guchar *) data,
    .line = 1,
    .max_depth = max_depth,
    .stack = stack,
    .error = error,
  };

  skip_space (&s);
  if (s.p == s.end)
    {
      g_set_error_literal (error, RELINK_JSON_ERROR, RELINK_JSON_ERROR_EMPTY, _ ("empty"));
      return NULL;
    }

  if (!scan (&s))
    return NULL;

  /* json-glib's own message would quote the text around a fault: it is
   * never passed on. The scan above makes a fault here unlikely. */
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) size, NULL)
      || (root = json_parser_steal_root (parser)) == NULL)
    {
      g_set_error_literal (error, RELINK_JSON_ERROR, RELINK_JSON_ERROR_INVALID,
                           _ ("not JSON that Relink can read"));
      return NULL;
    }

  if (!tree_is_clean (root))
    {
      discard (root);
      g_set_error_literal (error, RELINK_JSON_ERROR, RELINK_JSON_ERROR_INVALID,
                           _ ("a string is not valid UTF-8 or a number is out of range"));
      return NULL;
    }

  return root;
}

JsonNode *
relink_json_parse_object (
    const char *data, gssize length, gsize max_size, guint max_depth, GError **error)
{
  JsonNode *root = relink_json_parse (data, length, max_size, max_depth, error);

  if (root != NULL && !JSON_NODE_HOLDS_OBJECT (root))
    {
      discard (root);
      g_set_error_literal (error, RELINK_JSON_ERROR, RELINK_JSON_ERROR_INVALID,
                           _ ("not a JSON object { … }"));
      return NULL;
    }

  return root;
}

char *
relink_json_to_string (JsonNode *root, gboolean pretty)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  GString *escaped;

  g_return_val_if_fail (root != NULL, NULL);

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, pretty);
  text = json_generator_to_data (generator, NULL);
  if (strchr (text, 0x1f) == NULL)
    return g_steal_pointer (&text);

  /* Outside strings the generator writes no control character but white
   * space, so each one is inside a string, where the escape belongs. */
  escaped = g_string_sized_new (strlen (text) + 16);
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == 0x1f)
        g_string_append (escaped, "\\u001f");
      else
        g_string_append_c (escaped, *p);
    }
  return g_string_free (escaped, FALSE);
}
