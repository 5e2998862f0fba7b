/* test-preferences.c: the Preferences window under Xvfb, bound to the
 * settings (memory backend) and to the real autostart file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "relink-autostart.h"
#include "relink-preferences-dialog.h"
#include "relink-test-gui.h"
#include "relink-test-util.h"

#define WAIT_FOR(cond) RELINK_TEST_WAIT_FOR (cond, 10)

static gpointer
child (GtkWidget *dialog, const char *name)
{
  GObject *object = gtk_widget_get_template_child (dialog, RELINK_TYPE_PREFERENCES_DIALOG, name);

  g_assert_nonnull (object);
  return object;
}

static char *
lead_days (GSettings *settings)
{
  g_autoptr (GVariant) value = g_settings_get_value (settings, "reminder-lead-days");

  return g_variant_print (value, FALSE);
}

static void
test_parse (void)
{
  struct
  {
    const char *text;
    const char *expected; /* NULL: refused */
  } cases[] = {
    { "30, 7, 1", "30 7 1" },
    { "1,7,30", "30 7 1" },
    { "14 14 3", "14 3" },
    { "0, 5", "5" },
    { "", "" },
    { "  ", "" },
    { "7 days", NULL },
    { "-1", NULL },
    { "3651", NULL },
    { "1.5", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GArray) days = relink_preferences_parse_lead_days (cases[i].text);
      g_autoptr (GString) out = g_string_new (NULL);

      if (cases[i].expected == NULL)
        {
          g_assert_null (days);
          continue;
        }
      g_assert_nonnull (days);
      for (guint j = 0; j < days->len; j++)
        g_string_append_printf (out, j ? " %u" : "%u", g_array_index (days, guint32, j));
      g_assert_cmpstr (out->str, ==, cases[i].expected);
    }

  {
    const guint32 days[] = { 1, 30, 0, 7 };
    g_autofree char *text = relink_preferences_format_lead_days (days, G_N_ELEMENTS (days));

    g_assert_cmpstr (text, ==, "30, 7, 1");
  }
}

static void
test_bound (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  GtkWidget *dialog = relink_preferences_dialog_new (NULL, settings);
  GtkSwitch *background = child (dialog, "background_switch");
  GtkSwitch *tray = child (dialog, "tray_switch");
  GtkSpinButton *soon = child (dialog, "soon_spin");
  GtkEditable *leads = child (dialog, "lead_days_row");
  g_autofree char *value = NULL;

  gtk_window_present (GTK_WINDOW (dialog));

  /* The defaults, shown. */
  g_assert_true (gtk_switch_get_active (background));
  g_assert_true (gtk_switch_get_active (tray));
  g_assert_cmpfloat (gtk_spin_button_get_value (soon), ==, 14);
  g_assert_cmpstr (gtk_editable_get_text (leads), ==, "30, 7, 1");

  /* Changes reach the settings. */
  gtk_switch_set_active (background, FALSE);
  g_assert_false (g_settings_get_boolean (settings, "run-in-background"));
  gtk_switch_set_active (tray, FALSE);
  g_assert_false (g_settings_get_boolean (settings, "show-tray-icon"));
  gtk_spin_button_set_value (soon, 21);
  g_assert_cmpuint (g_settings_get_uint (settings, "expiring-soon-days"), ==, 21);

  /* And back: the settings drive the widgets too. */
  g_settings_set_boolean (settings, "run-in-background", TRUE);
  g_assert_true (gtk_switch_get_active (background));

  /* Lead times apply on "apply", normalised. */
  gtk_editable_set_text (leads, "60, 14 14, 0");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (leads), "error"));
  g_signal_emit_by_name (leads, "apply");
  value = lead_days (settings);
  g_assert_cmpstr (value, ==, "[60, 14]");
  g_assert_cmpstr (gtk_editable_get_text (leads), ==, "60, 14");

  /* Nonsense is marked and never stored. */
  gtk_editable_set_text (leads, "every week");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (leads), "error"));
  g_signal_emit_by_name (leads, "apply");
  g_clear_pointer (&value, g_free);
  value = lead_days (settings);
  g_assert_cmpstr (value, ==, "[60, 14]");

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_settings_reset (settings, "run-in-background");
  g_settings_reset (settings, "show-tray-icon");
  g_settings_reset (settings, "expiring-soon-days");
  g_settings_reset (settings, "reminder-lead-days");
}

static void
test_autostart (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autofree char *path = relink_autostart_dup_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  GtkWidget *dialog;
  GtkSwitch *autostart;

  if (relink_autostart_in_flatpak ())
    {
      g_test_skip ("Inside Flatpak the portal decides");
      return;
    }

  /* Already on (written by an earlier run): the switch says so. */
  g_assert_true (g_mkdir_with_parents (dir, 0700) == 0);
  g_assert_true (g_file_set_contents (path,
                                      "[Desktop Entry]\nType=Application\nName=Relink\n"
                                      "Exec=relink --background\n",
                                      -1, NULL));
  dialog = relink_preferences_dialog_new (NULL, settings);
  autostart = child (dialog, "autostart_switch");
  gtk_window_present (GTK_WINDOW (dialog));
  WAIT_FOR (gtk_widget_get_sensitive (GTK_WIDGET (autostart)));
  g_assert_true (gtk_switch_get_active (autostart));
  g_assert_true (gtk_switch_get_state (autostart));

  /* Off: the file goes, and the switch follows once it is gone. */
  gtk_switch_set_active (autostart, FALSE);
  WAIT_FOR (!g_file_test (path, G_FILE_TEST_EXISTS) && !gtk_switch_get_state (autostart)
            && gtk_widget_get_sensitive (GTK_WIDGET (autostart)));

  /* On again: written anew. */
  gtk_switch_set_active (autostart, TRUE);
  WAIT_FOR (gtk_switch_get_state (autostart) && gtk_widget_get_sensitive (GTK_WIDGET (autostart)));
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (g_remove (path) == 0);
}

/* The autostart file itself, outside Flatpak */

static void
autostart_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
get_autostart (GSettings *settings)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  gboolean enabled;

  relink_autostart_get_enabled_async (settings, NULL, autostart_cb, &result);
  WAIT_FOR (result != NULL);
  enabled = relink_autostart_get_enabled_finish (result, &error);
  g_assert_no_error (error);
  return enabled;
}

static void
set_autostart (GSettings *settings, gboolean enabled)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  gboolean now_enabled = !enabled;

  relink_autostart_set_enabled_async (settings, enabled, NULL, NULL, autostart_cb, &result);
  WAIT_FOR (result != NULL);
  g_assert_true (relink_autostart_set_enabled_finish (result, &now_enabled, &error));
  g_assert_no_error (error);
  g_assert_true (now_enabled == enabled);
}

static void
test_autostart_file (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autofree char *path = relink_autostart_dup_path ();
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *exec = NULL;

  if (relink_autostart_in_flatpak ())
    {
      g_test_skip ("Inside Flatpak the portal decides");
      return;
    }

  g_assert_true (g_str_has_prefix (path, g_get_user_config_dir ()));
  g_assert_true (g_str_has_suffix (path, "/autostart/io.github.relink.Relink.desktop"));
  g_assert_false (get_autostart (settings));

  set_autostart (settings, TRUE);
  g_assert_true (get_autostart (settings));
  g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  exec = g_key_file_get_string (file, "Desktop Entry", "Exec", &error);
  g_assert_no_error (error);
  /* "relink --background", or this very program by its path. */
  g_assert_true (g_str_has_suffix (exec, " --background"));
  g_assert_true (g_key_file_get_boolean (file, "Desktop Entry", "X-GNOME-Autostart-enabled", NULL));
  g_assert_cmpstr (g_key_file_get_start_group (file), ==, "Desktop Entry");

  /* Turned off in the session's own settings: off. */
  g_key_file_set_boolean (file, "Desktop Entry", "X-GNOME-Autostart-enabled", FALSE);
  g_key_file_save_to_file (file, path, &error);
  g_assert_no_error (error);
  g_assert_false (get_autostart (settings));

  set_autostart (settings, TRUE);
  g_assert_true (get_autostart (settings));
  set_autostart (settings, FALSE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (get_autostart (settings));
  /* Off twice is fine. */
  set_autostart (settings, FALSE);
}

int
main (int argc, char *argv[])
{
  g_autofree char *config_dir = NULL;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  config_dir = relink_test_make_tmp_dir ();
  g_setenv ("XDG_CONFIG_HOME", config_dir, TRUE);

  g_test_add_func ("/preferences/parse", test_parse);
  g_test_add_func ("/preferences/bound", test_bound);
  g_test_add_func ("/preferences/autostart", test_autostart);
  g_test_add_func ("/preferences/autostart-file", test_autostart_file);

  return g_test_run ();
}
