/* relinkctl.c
 *
 * relinkctl: Relink's door for scripts and monitoring. This program is the
 * front: it links the core's base only (no GTK, no libsoup), so that what
 * scripts run most — `relinkctl token` of a token the keyring holds valid,
 * `list`, `status`, `help` — starts about as fast as `secret-tool`. Every
 * command that may speak to a marketplace goes to relinkctl-helper, which
 * replaces this process with the same arguments and standard streams: its
 * output and exit status are relinkctl's.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "relink-process.h"
#include "relinkctl-common.h"

/* The helper beside this program (the build tree, or a relocated install)
 * first, then the configured libexecdir. */
static char *
find_helper (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);
      g_autofree char *path = g_build_filename (dir, CTL_HELPER_NAME, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR)
          && g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&path);
    }

  return g_build_filename (LIBEXECDIR, CTL_HELPER_NAME, NULL);
}

/* Replaces this process with the helper; returns only when it cannot. */
static int
run_helper (Ctl *ctl, char **args)
{
  g_autofree char *helper = find_helper ();
  int saved_errno;

  /* The helper opens the store and the keyring itself. */
  g_clear_object (&ctl->manager);
  fflush (stdout);

  execv (helper, ctl->argv);

  saved_errno = errno;
  ctl_print_error (_ ("Cannot run %s: %s. Reinstall Relink."), helper, g_strerror (saved_errno));
  return CTL_EXIT_FAILED;
}

static int
cmd_token (Ctl *ctl, char **args)
{
  g_autofree char *account_id = NULL;
  int status;

  if (ctl_token_from_keyring (ctl, args, &account_id, &status))
    return status;

  /* Due for a refresh: that needs the network, and the helper. */
  return run_helper (ctl, args);
}

static const CtlImplementation implementations[] = {
  { "token", cmd_token },
};

int
main (int argc, char *argv[])
{
  Ctl ctl = { 0 };

  relink_process_harden ();
  return ctl_main (&ctl, argc, argv, implementations, G_N_ELEMENTS (implementations), run_helper);
}
