/* relinkctl-output.c
 *
 * Print handlers that convert relinkctl's UTF-8 text to the locale's
 * character set, punctuation first (see relinkctl-output.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relinkctl-output.h"

#include <stdio.h>
#include <string.h>

/* Typographic punctuation Relink's texts use, and what stands in for it
 * where the character set lacks it. One character for one where possible,
 * so that the columns of `relinkctl list` stay aligned. */
static const struct
{
  gunichar c;
  const char *ascii;
} punctuation[] = {
  { 0x00B7, "-" },   /* · middle dot, "eBay · Sandbox" */
  { 0x2018, "'" },   /* ‘ */
  { 0x2019, "'" },   /* ’ */
  { 0x201A, "'" },   /* ‚ */
  { 0x201C, "\"" },  /* “ */
  { 0x201D, "\"" },  /* ” */
  { 0x201E, "\"" },  /* „ (German opening quote) */
  { 0x00AB, "\"" },  /* « */
  { 0x00BB, "\"" },  /* » */
  { 0x2039, "'" },   /* ‹ */
  { 0x203A, "'" },   /* › */
  { 0x2013, "-" },   /* – */
  { 0x2014, "-" },   /* — */
  { 0x2212, "-" },   /* − */
  { 0x2026, "..." }, /* … */
  { 0x2192, "->" },  /* → */
  { 0x00A0, " " },   /* no-break space */
  { 0x202F, " " },   /* narrow no-break space (French before ; : ! ?) */
  { 0x2009, " " },   /* thin space */
  { 0x00D7, "x" },   /* × */
};

static const char *
ascii_for (gunichar c)
{
  for (gsize i = 0; i < G_N_ELEMENTS (punctuation); i++)
    if (punctuation[i].c == c)
      return punctuation[i].ascii;
  return NULL;
}

/* Whether @charset can hold @c: its own encoding, or none (then the
 * look-alike is used). */
static gboolean
charset_has (const char *charset, const char *utf8, gsize length)
{
  g_autofree char *converted
      = g_convert (utf8, (gssize) length, charset, "UTF-8", NULL, NULL, NULL);

  return converted != NULL;
}

/* @utf8 in @charset: each character the charset lacks becomes its ASCII
 * look-alike, or "?" when it has none (a letter of a name in ASCII). */
char *
ctl_text_for_charset (const char *utf8, const char *charset)
{
  g_autoptr (GString) text = NULL;
  g_autofree char *converted = NULL;

  g_return_val_if_fail (utf8 != NULL, NULL);
  g_return_val_if_fail (charset != NULL, NULL);

  if (g_ascii_strcasecmp (charset, "UTF-8") == 0 || g_ascii_strcasecmp (charset, "utf8") == 0)
    return g_strdup (utf8);

  text = g_string_sized_new (strlen (utf8));
  for (const char *p = utf8; *p != '\0';)
    {
      const char *next = g_utf8_find_next_char (p, NULL);
      gsize length = next != NULL ? (gsize) (next - p) : strlen (p);
      gunichar c = g_utf8_get_char_validated (p, (gssize) length);
      const char *ascii = NULL;

      if (c >= 0x80 && c != (gunichar) -1 && c != (gunichar) -2)
        ascii = ascii_for (c);
      if (ascii != NULL && !charset_has (charset, p, length))
        g_string_append (text, ascii);
      else
        g_string_append_len (text, p, (gssize) length);
      if (next == NULL)
        break;
      p = next;
    }

  converted = g_convert_with_fallback (text->str, (gssize) text->len, charset, "UTF-8", "?", NULL,
                                       NULL, NULL);
  if (converted == NULL)
    {
      /* Not valid UTF-8 or an unknown charset: ASCII, "?" for the rest. */
      for (gsize i = 0; i < text->len; i++)
        if ((guchar) text->str[i] >= 0x80)
          text->str[i] = '?';
      return g_strdup (text->str);
    }
  return g_steal_pointer (&converted);
}

static void
print_converted (FILE *stream, const char *string)
{
  const char *charset = NULL;
  g_autofree char *converted = NULL;

  g_get_charset (&charset);
  converted = ctl_text_for_charset (string, charset);
  fputs (converted, stream);
  fflush (stream);
}

static void
print_cb (const char *string)
{
  print_converted (stdout, string);
}

static void
printerr_cb (const char *string)
{
  print_converted (stderr, string);
}

/* After setlocale(): relinkctl's g_print() and g_printerr() speak the
 * locale's character set. Nothing to do in a UTF-8 locale. */
void
ctl_output_init (void)
{
  if (g_get_charset (NULL))
    return;
  g_set_print_handler (print_cb);
  g_set_printerr_handler (printerr_cb);
}

/* Machine output (JSON): UTF-8 whatever the locale, as JSON must be. */
void
ctl_write_utf8 (const char *text)
{
  fputs (text, stdout);
  fflush (stdout);
}
