/* main.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "relink-application.h"
#include "relink-exec.h"
#include "relink-handover.h"
#include "relink-process.h"

/* `relink --background` (autostart): the window-less program does that
 * work, in this same process, before GTK is loaded any further. */
static void
exec_background (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;

  gboolean background = FALSE;

  for (int i = 1; i < argc && !background && !g_str_equal (argv[i], "--"); i++)
    background = g_str_equal (argv[i], "--background");
  if (!background)
    return;

  relink_exec_program (RELINK_PROGRAM_BACKGROUND, (const char *const *) argv + 1, &error);
  /* Then this process does the work itself, at a larger cost in memory. */
  g_printerr ("%s\n", error->message);
}

int
main (int argc, char *argv[])
{
  g_autoptr (RelinkApplication) app = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  relink_process_harden ();
  relink_handover_take_environment ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* What notifications and the tray name as their sender, whichever of
   * the two programs runs. */
  g_set_application_name (_ ("Relink"));

  exec_background (argc, argv);

  app = relink_application_new ();
  status = g_application_run (G_APPLICATION (app), argc, argv);

  if (!relink_application_get_return_to_background (app))
    return status;

  /* All the window did is in the store and the keyring already; the
   * application has shut down (reminders saved, tray withdrawn). */
  g_clear_object (&app);
  relink_exec_program (RELINK_PROGRAM_BACKGROUND, NULL, &error);
  g_printerr ("%s\n", error->message);
  return 1;
}
