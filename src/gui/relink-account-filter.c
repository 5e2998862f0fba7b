/* relink-account-filter.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "relink-account-filter.h"
#include "relink-keyset.h"
#include "relink-provider.h"

struct _RelinkAccountFilter
{
  GtkFilter parent_instance;

  char *search;
  /* @search folded (see fold()) and split into words; NULL when none. */
  GStrv words;
};

G_DEFINE_FINAL_TYPE (RelinkAccountFilter, relink_account_filter, GTK_TYPE_FILTER)

/* Lower case without accents, so that "mercado" finds "Mercado Libre" and
 * "sao" finds "São Paulo Store". */
static char *
fold (const char *text)
{
  g_autofree char *decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_ALL);
  g_autofree char *folded = NULL;
  GString *result;

  if (decomposed == NULL)
    return g_strdup ("");

  folded = g_utf8_casefold (decomposed, -1);
  result = g_string_sized_new (strlen (folded));
  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_type (c) != G_UNICODE_NON_SPACING_MARK)
        g_string_append_unichar (result, c);
    }

  return g_string_free (result, FALSE);
}

static void
append_field (GString *haystack, const char *field)
{
  if (field == NULL || *field == '\0')
    return;

  g_string_append (haystack, field);
  /* A separator no search word contains: a word never spans two fields. */
  g_string_append_c (haystack, '\n');
}

static gboolean
relink_account_filter_match (GtkFilter *filter, gpointer item)
{
  RelinkAccountFilter *self = RELINK_ACCOUNT_FILTER (filter);
  RelinkAccount *account = item;
  RelinkKeyset *keyset;
  RelinkProvider *provider;
  g_autoptr (GString) haystack = NULL;
  g_autofree char *folded = NULL;

  if (self->words == NULL)
    return TRUE;

  keyset = relink_account_get_keyset (account);
  provider = keyset != NULL ? relink_keyset_get_provider (keyset) : NULL;

  haystack = g_string_new (NULL);
  append_field (haystack, relink_account_get_display_name (account));
  append_field (haystack, relink_account_get_nickname (account));
  append_field (haystack, relink_account_get_identity_name (account));
  append_field (haystack, relink_account_get_identity_id (account));
  if (provider != NULL)
    append_field (haystack, relink_provider_get_name (provider));
  else if (keyset != NULL)
    append_field (haystack, relink_keyset_get_provider_id (keyset));

  folded = fold (haystack->str);
  for (guint i = 0; self->words[i] != NULL; i++)
    if (strstr (folded, self->words[i]) == NULL)
      return FALSE;

  return TRUE;
}

static GtkFilterMatch
relink_account_filter_get_strictness (GtkFilter *filter)
{
  RelinkAccountFilter *self = RELINK_ACCOUNT_FILTER (filter);

  /* Without a word the filter model passes the list through untouched. */
  return self->words == NULL ? GTK_FILTER_MATCH_ALL : GTK_FILTER_MATCH_SOME;
}

static void
relink_account_filter_finalize (GObject *object)
{
  RelinkAccountFilter *self = RELINK_ACCOUNT_FILTER (object);

  g_free (self->search);
  g_strfreev (self->words);

  G_OBJECT_CLASS (relink_account_filter_parent_class)->finalize (object);
}

static void
relink_account_filter_class_init (RelinkAccountFilterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkFilterClass *filter_class = GTK_FILTER_CLASS (klass);

  object_class->finalize = relink_account_filter_finalize;
  filter_class->match = relink_account_filter_match;
  filter_class->get_strictness = relink_account_filter_get_strictness;
}

static void
relink_account_filter_init (RelinkAccountFilter *self)
{
}

RelinkAccountFilter *
relink_account_filter_new (void)
{
  return g_object_new (RELINK_TYPE_ACCOUNT_FILTER, NULL);
}

static GStrv
split_words (const char *search)
{
  g_autofree char *folded = fold (search != NULL ? search : "");
  g_auto (GStrv) parts = g_strsplit_set (folded, " \t\n", -1);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  guint n = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      {
        g_strv_builder_add (builder, parts[i]);
        n++;
      }

  return n > 0 ? g_strv_builder_end (builder) : NULL;
}

/* Whether every word of @stricter contains one of @looser's: then
 * whatever @stricter keeps, @looser kept too. */
static gboolean
is_stricter (const GStrv stricter, const GStrv looser)
{
  if (looser == NULL)
    return TRUE;
  if (stricter == NULL)
    return FALSE;

  for (guint i = 0; looser[i] != NULL; i++)
    {
      gboolean covered = FALSE;

      for (guint j = 0; !covered && stricter[j] != NULL; j++)
        covered = strstr (stricter[j], looser[i]) != NULL;
      if (!covered)
        return FALSE;
    }

  return TRUE;
}

void
relink_account_filter_set_search (RelinkAccountFilter *self, const char *search)
{
  g_auto (GStrv) words = NULL;
  GtkFilterChange change;

  g_return_if_fail (RELINK_IS_ACCOUNT_FILTER (self));

  if (g_strcmp0 (self->search, search) == 0)
    return;

  g_free (self->search);
  self->search = g_strdup (search);

  words = split_words (search);
  if ((words == NULL && self->words == NULL)
      || (words != NULL && self->words != NULL
          && g_strv_equal ((const char *const *) words, (const char *const *) self->words)))
    return;

  /* Typing on narrows what is shown, deleting widens it: the filter model
   * then checks only the accounts that can change. */
  if (is_stricter (words, self->words))
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (is_stricter (self->words, words))
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  else
    change = GTK_FILTER_CHANGE_DIFFERENT;

  g_strfreev (self->words);
  self->words = g_steal_pointer (&words);
  gtk_filter_changed (GTK_FILTER (self), change);
}

const char *
relink_account_filter_get_search (RelinkAccountFilter *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_FILTER (self), NULL);

  return self->search;
}

gboolean
relink_account_filter_is_active (RelinkAccountFilter *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_FILTER (self), FALSE);

  return self->words != NULL;
}

void
relink_account_filter_refilter (RelinkAccountFilter *self)
{
  g_return_if_fail (RELINK_IS_ACCOUNT_FILTER (self));

  if (self->words != NULL)
    gtk_filter_changed (GTK_FILTER (self), GTK_FILTER_CHANGE_DIFFERENT);
}
