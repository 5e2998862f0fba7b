/* test-i18n.c: the real main window in another language. tests/meson.build
 * runs it once with LANGUAGE=de and once with LANGUAGE=pl, over fixture
 * accounts: the visible rows (states, buttons, environments, countdowns,
 * each number in its own plural form) and the rows' spoken summaries are
 * in that language, and no label shows an English text the catalogue
 * translates.
 *
 * The catalogue: po/<lang>.po as built, once the language is listed in
 * po/COMPLETE (its translators are done); until then the small test-only
 * one in tests/po/<lang>.po, which holds just the strings looked for here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <unistd.h>

#include "relink-account-manager.h"
#include "relink-account-row-private.h"
#include "relink-expiry.h"
#include "relink-test-gui.h"
#include "relink-test-util.h"
#include "relink-window-private.h"

typedef RelinkTestWindow Fixture;

static const char *language;
static gboolean real_catalogue;

/* Binds Relink's text domain to the catalogue of $LANGUAGE (see above). */
static void
bind_catalogue (const char *tmp_dir)
{
  g_autofree char *complete_path = NULL;
  g_autofree char *complete = NULL;
  g_autofree char *localedir = NULL;
  g_autofree char *mo = NULL;
  g_auto (GStrv) lines = NULL;

  language = g_getenv ("LANGUAGE");
  g_assert_nonnull (language);

  complete_path = g_test_build_filename (G_TEST_DIST, "..", "po", "COMPLETE", NULL);
  g_assert_true (g_file_get_contents (complete_path, &complete, NULL, NULL));
  lines = g_strsplit (complete, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_strcmp0 (g_strstrip (lines[i]), language) == 0)
      real_catalogue = TRUE;

  if (real_catalogue)
    {
      localedir = g_test_build_filename (G_TEST_BUILT, "..", "po", NULL);
      mo = g_build_filename (localedir, language, "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
    }
  else
    {
      /* The build makes tests/test-LANG.mo; gettext wants LANG/LC_MESSAGES/relink.mo. */
      g_autofree char *built = NULL;
      g_autofree char *name = g_strdup_printf ("test-%s.mo", language);
      g_autofree char *messages = NULL;

      built = g_test_build_filename (G_TEST_BUILT, name, NULL);
      localedir = g_build_filename (tmp_dir, "locale", NULL);
      messages = g_build_filename (localedir, language, "LC_MESSAGES", NULL);
      g_assert_cmpint (g_mkdir_with_parents (messages, 0700), ==, 0);
      mo = g_build_filename (messages, GETTEXT_PACKAGE ".mo", NULL);
      g_assert_cmpint (symlink (built, mo), ==, 0);
      if (!g_file_test (built, G_FILE_TEST_IS_REGULAR))
        g_error ("%s is missing: the build makes it", built);
    }
  if (!g_file_test (mo, G_FILE_TEST_IS_REGULAR))
    g_error ("%s is missing: the build makes it", mo);

  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_test_message ("LANGUAGE=%s, %s catalogue in %s", language,
                  real_catalogue ? "the real" : "the test-only", localedir);
}

static void
fixture_open (Fixture *fixture)
{
  /* Tall enough that every fixture row is in view and bound. */
  relink_test_window_open (fixture, RELINK_TEST_FIXTURE_CYCLE, 720, 1100, 2);
}

/* The texts of the mapped labels below @widget (buttons' too). */
static void
collect_texts (GtkWidget *widget, GPtrArray *texts)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget) && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    g_ptr_array_add (texts, (gpointer) gtk_label_get_text (GTK_LABEL (widget)));

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_texts (child, texts);
}

static void
collect_rows (GtkWidget *widget, GPtrArray *rows)
{
  if (RELINK_IS_ACCOUNT_ROW (widget) && gtk_widget_get_mapped (widget))
    g_ptr_array_add (rows, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

static RelinkAccountRow *
find_row (Fixture *fixture, const char *title)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  collect_rows (fixture->window, rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (relink_account_row_get_title (rows->pdata[i]), title) == 0)
      return rows->pdata[i];
  g_error ("no visible row for “%s”", title);
}

static gboolean
shown (GPtrArray *texts, const char *text, gboolean whole)
{
  for (guint i = 0; i < texts->len; i++)
    if (whole ? g_str_equal (texts->pdata[i], text) : strstr (texts->pdata[i], text) != NULL)
      return TRUE;
  return FALSE;
}

/* @english translated by the catalogue: it must be, or the test shows
 * nothing. */
static const char *translation (const char *english) G_GNUC_FORMAT (1);

static const char *
translation (const char *english)
{
  const char *text = g_dgettext (GETTEXT_PACKAGE, english);

  if (g_str_equal (text, english))
    g_error ("the %s catalogue does not translate “%s”", language, english);
  return text;
}

/* "expires in 5 h 12 min" from the catalogue's pieces, each number with
 * its own plural form, as relink-expiry.c builds it. */
static char *
hours_minutes (gboolean spoken, int hours, int minutes)
{
  g_autofree char *h = NULL;
  g_autofree char *m = NULL;
  g_autofree char *both = NULL;

  if (spoken)
    {
      h = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours", hours), hours);
      m = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", minutes),
                           minutes);
      both = g_strdup_printf (g_dpgettext2 (GETTEXT_PACKAGE, "spoken duration", "%s %s"), h, m);
    }
  else
    {
      h = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d h", "%d h", hours), hours);
      m = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d min", "%d min", minutes), minutes);
      both = g_strdup_printf (g_dpgettext2 (GETTEXT_PACKAGE, "short duration", "%s %s"), h, m);
    }
  return g_strdup_printf (translation ("expires in %s"), both);
}

static void
test_window_translated (void)
{
  Fixture fixture = { 0 };
  g_autoptr (GPtrArray) texts = g_ptr_array_new ();
  g_autofree char *countdown = NULL;
  g_autofree char *spoken = NULL;
  g_autofree char *days = NULL;
  RelinkAccountRow *row;
  static const char *const words[] = { "Valid", "Renew", "Expired", "Needs re-authorization" };

  fixture_open (&fixture);
  collect_texts (fixture.window, texts);

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (!shown (texts, translation (words[i]), TRUE))
      g_error ("no visible label says “%s” (“%s”)", translation (words[i]), words[i]);

  /* A shipped profile's environment ("eBay · testuser_shop · Sandbox"),
   * translated when the profile is read. A real catalogue may keep the
   * word as it is. */
  g_assert_true (shown (
      texts, real_catalogue ? g_dgettext (GETTEXT_PACKAGE, "Sandbox") : translation ("Sandbox"),
      FALSE));

  /* The countdowns: "eBay test shop" expires in 5 h 12 min (and 30 s),
   * "Main eBay shop" in 412 days. */
  row = find_row (&fixture, "eBay test shop");
  countdown = hours_minutes (FALSE, 5, 12);
  g_assert_cmpstr (relink_account_row_get_countdown (row), ==, countdown);
  g_assert_true (shown (texts, countdown, TRUE));
  spoken = hours_minutes (TRUE, 5, 12);
  g_assert_nonnull (strstr (relink_account_row_get_accessible_text (row), spoken));

  days = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "expires in %d day", "expires in %d days", 412), 412);
  g_assert_cmpstr (days, !=, "expires in 412 days");
  g_assert_true (shown (texts, days, TRUE));

  if (!real_catalogue)
    {
      /* What the test-only catalogues say, plural forms chosen per number
       * (Polish: 5 → "godzin", 12 → "minut", 412 → "dni"). */
      if (g_str_equal (language, "de"))
        {
          g_assert_cmpstr (countdown, ==, "läuft in 5 Std. 12 Min. ab");
          g_assert_cmpstr (spoken, ==, "läuft in 5 Stunden 12 Minuten ab");
          g_assert_cmpstr (days, ==, "läuft in 412 Tagen ab");
        }
      else if (g_str_equal (language, "pl"))
        {
          g_assert_cmpstr (countdown, ==, "wygasa za 5 godz. 12 min");
          g_assert_cmpstr (spoken, ==, "wygasa za 5 godzin 12 minut");
          g_assert_cmpstr (days, ==, "wygasa za 412 dni");
        }
    }

  /* No label shows an English text that the catalogue translates. */
  for (guint i = 0; i < texts->len; i++)
    {
      const char *text = texts->pdata[i];

      if (!g_str_equal (g_dgettext (GETTEXT_PACKAGE, text), text))
        g_error ("a label shows “%s”, which %s translates as “%s”", text, language,
                 g_dgettext (GETTEXT_PACKAGE, text));
    }

  relink_test_window_close (&fixture);
}

/* A date and a time of day in the language, hours and minutes on either
 * clock: "21. Mai 2028, 14:05" (the month name is LC_TIME's). */
static void
test_time_of_day (void)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) when = g_date_time_new_utc (2028, 5, 21, 14, 5, 9);
  g_autofree char *month = g_date_time_format (when, "%B");
  gint64 moment = g_date_time_to_unix (when);
  g_autofree char *h24 = relink_expiry_format_date_time (moment, utc, RELINK_CLOCK_FORMAT_24H);
  g_autofree char *h12 = relink_expiry_format_date_time (moment, utc, RELINK_CLOCK_FORMAT_12H);
  g_autofree char *expected24 = NULL;
  g_autofree char *expected12 = NULL;
  g_autofree char *am = NULL;

  if (g_str_equal (language, "de"))
    {
      expected24 = g_strdup_printf ("21. %s 2028, 14:05", month);
      expected12
          = g_strdup_printf ("21. %s 2028, 2:05 %s", month, am = g_date_time_format (when, "%p"));
    }
  else
    {
      expected24 = g_strdup_printf ("21 %s 2028, 14:05", month);
      expected12
          = g_strdup_printf ("21 %s 2028, 2:05 %s", month, am = g_date_time_format (when, "%p"));
    }
  /* A locale without AM and PM leaves no space behind. */
  g_strchomp (expected12);

  g_assert_cmpstr (h24, ==, expected24);
  g_assert_cmpstr (h12, ==, expected12);
}

int
main (int argc, char *argv[])
{
  g_autofree char *data_home = relink_test_make_tmp_dir ();
  int status;

  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  /* gtk_test_init() asks for en_US.UTF-8, which may not exist; in the C
   * locale gettext ignores LANGUAGE. The session's own (C.UTF-8) is what
   * a user's desktop gives Relink. */
  g_assert_nonnull (setlocale (LC_ALL, ""));
  g_assert_cmpstr (setlocale (LC_MESSAGES, NULL), !=, "C");
  adw_init ();
  bind_catalogue (data_home);

  g_test_add_func ("/i18n/window", test_window_translated);
  g_test_add_func ("/i18n/time-of-day", test_time_of_day);

  status = g_test_run ();
  relink_test_remove_dir (data_home);
  return status;
}
