/* relink-about.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-about.h"

#define METAINFO_RESOURCE "/io/github/relink/Relink/metainfo.xml"

/* What the parser gathers. The releases are listed newest first; only
 * the first one's notes are kept. */
typedef struct
{
  GString *notes;
  char *version;
  char *homepage;
  char *bugtracker;
  /* The <url type> being read, NULL outside one. */
  char *url_type;
  GString *url;
  /* Inside the first release's <description>, and how deep. */
  gboolean in_notes;
  guint notes_depth;
  gboolean notes_done;
  /* A translated metainfo has an element per language (xml:lang): only
   * the untranslated ones are read, and translated with gettext. */
  guint skip_depth;
  GString *text;
} Parse;

static gboolean
is_note_element (const char *name)
{
  const char *const allowed[] = { "p", "ul", "ol", "li", "em", "code" };

  for (guint i = 0; i < G_N_ELEMENTS (allowed); i++)
    if (g_str_equal (name, allowed[i]))
      return TRUE;
  return FALSE;
}

/* The text of one paragraph or item, with its line breaks and indentation
 * folded to single spaces (as the translation tools extract it), then
 * translated. */
static void
flush_text (Parse *parse)
{
  g_auto (GStrv) words = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *escaped = NULL;
  g_autoptr (GPtrArray) kept = g_ptr_array_new ();

  if (parse->text->len == 0)
    return;

  words = g_strsplit_set (parse->text->str, " \t\n\r", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      g_ptr_array_add (kept, words[i]);
  g_ptr_array_add (kept, NULL);
  joined = g_strjoinv (" ", (char **) kept->pdata);
  g_string_truncate (parse->text, 0);
  if (*joined == '\0')
    return;

  escaped = g_markup_escape_text (g_dgettext (GETTEXT_PACKAGE, joined), -1);
  g_string_append (parse->notes, escaped);
}

static void
start_element (GMarkupParseContext *context,
               const char *element,
               const char **names,
               const char **values,
               gpointer user_data,
               GError **error)
{
  Parse *parse = user_data;
  const char *type = NULL;
  const char *version = NULL;
  const char *lang = NULL;

  if (parse->skip_depth > 0)
    {
      parse->skip_depth++;
      return;
    }

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], "type"))
        type = values[i];
      else if (g_str_equal (names[i], "version"))
        version = values[i];
      else if (g_str_equal (names[i], "xml:lang"))
        lang = values[i];
    }

  if (lang != NULL)
    {
      parse->skip_depth = 1;
      return;
    }

  if (parse->in_notes)
    {
      parse->notes_depth++;
      if (is_note_element (element))
        {
          flush_text (parse);
          g_string_append_printf (parse->notes, "<%s>", element);
        }
      return;
    }

  if (g_str_equal (element, "url") && type != NULL)
    {
      g_free (parse->url_type);
      parse->url_type = g_strdup (type);
      g_string_truncate (parse->url, 0);
    }
  else if (g_str_equal (element, "release") && parse->version == NULL)
    parse->version = g_strdup (version);
  else if (g_str_equal (element, "description") && parse->version != NULL && !parse->notes_done
           && g_str_equal (g_markup_parse_context_get_element_stack (context)->next->data,
                           "release"))
    {
      parse->in_notes = TRUE;
      parse->notes_depth = 0;
    }
}

static void
end_element (GMarkupParseContext *context, const char *element, gpointer user_data, GError **error)
{
  Parse *parse = user_data;

  if (parse->skip_depth > 0)
    {
      parse->skip_depth--;
      return;
    }

  if (parse->in_notes)
    {
      if (parse->notes_depth == 0)
        {
          flush_text (parse);
          parse->in_notes = FALSE;
          parse->notes_done = TRUE;
          return;
        }
      parse->notes_depth--;
      if (is_note_element (element))
        {
          flush_text (parse);
          g_string_append_printf (parse->notes, "</%s>", element);
        }
      return;
    }

  if (g_str_equal (element, "url") && parse->url_type != NULL)
    {
      char **slot = NULL;

      if (g_str_equal (parse->url_type, "homepage"))
        slot = &parse->homepage;
      else if (g_str_equal (parse->url_type, "bugtracker"))
        slot = &parse->bugtracker;
      if (slot != NULL && *slot == NULL)
        *slot = g_strstrip (g_strdup (parse->url->str));
      g_clear_pointer (&parse->url_type, g_free);
    }
}

static void
text (GMarkupParseContext *context,
      const char *text,
      gsize text_len,
      gpointer user_data,
      GError **error)
{
  Parse *parse = user_data;

  if (parse->skip_depth > 0)
    return;

  if (parse->in_notes)
    g_string_append_len (parse->text, text, text_len);
  else if (parse->url_type != NULL)
    g_string_append_len (parse->url, text, text_len);
}

gboolean
relink_about_parse_metainfo (const char *xml,
                             char **release_version,
                             char **release_notes,
                             char **homepage,
                             char **bugtracker,
                             GError **error)
{
  static const GMarkupParser parser = { start_element, end_element, text, NULL, NULL };
  Parse parse = { 0 };
  g_autoptr (GMarkupParseContext) context = NULL;
  gboolean ok;

  g_return_val_if_fail (xml != NULL, FALSE);

  parse.notes = g_string_new (NULL);
  parse.url = g_string_new (NULL);
  parse.text = g_string_new (NULL);
  context = g_markup_parse_context_new (&parser, G_MARKUP_PREFIX_ERROR_POSITION, &parse, NULL);
  ok = g_markup_parse_context_parse (context, xml, -1, error)
       && g_markup_parse_context_end_parse (context, error);

  *release_version = ok ? g_steal_pointer (&parse.version) : NULL;
  *release_notes = ok && parse.notes->len > 0 ? g_strdup (parse.notes->str) : NULL;
  *homepage = ok ? g_steal_pointer (&parse.homepage) : NULL;
  *bugtracker = ok ? g_steal_pointer (&parse.bugtracker) : NULL;

  g_free (parse.version);
  g_free (parse.homepage);
  g_free (parse.bugtracker);
  g_free (parse.url_type);
  g_string_free (parse.notes, TRUE);
  g_string_free (parse.url, TRUE);
  g_string_free (parse.text, TRUE);

  return ok;
}

GtkWindow *
relink_about_window_new (GtkWindow *parent)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *release_version = NULL;
  g_autofree char *release_notes = NULL;
  g_autofree char *homepage = NULL;
  g_autofree char *bugtracker = NULL;
  const char *developers[] = { _ ("The Relink developers"), NULL };
  GtkWindow *about;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  /* The metainfo is in the resources: one text for the software centre
   * and this window. */
  bytes = g_resources_lookup_data (METAINFO_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes != NULL)
    {
      xml = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      if (!relink_about_parse_metainfo (xml, &release_version, &release_notes, &homepage,
                                        &bugtracker, &error))
        g_warning ("The metainfo cannot be read: %s", error->message);
    }
  else
    g_warning ("The metainfo is missing: %s", error->message);

  about = GTK_WINDOW (adw_about_window_new ());
  g_object_set (about, "transient-for", parent, "application-name", _ ("Relink"),
                "application-icon", APPLICATION_ID, "developer-name", _ ("The Relink developers"),
                "developers", developers, "version", PACKAGE_VERSION, "comments",
                _ ("Keeps your marketplace connections alive: see when each "
                   "account’s authorization expires and renew it in time."),
                "website", homepage, "issue-url", bugtracker,
                /* Translators: the copyright line of the About window. */
                "copyright", _ ("© 2026 The Relink developers"), "license-type",
                GTK_LICENSE_GPL_3_0, "translator-credits", _ ("translator-credits"), NULL);
  if (release_notes != NULL)
    {
      adw_about_window_set_release_notes_version (ADW_ABOUT_WINDOW (about), release_version);
      adw_about_window_set_release_notes (ADW_ABOUT_WINDOW (about), release_notes);
    }

  return about;
}
