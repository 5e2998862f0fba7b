/* relink-exec.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <stdlib.h>
#include <unistd.h>

#include "relink-exec.h"

char *
relink_exec_find_program (const char *name)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  const char *installed_dirs[] = { LIBEXECDIR, BINDIR };

  g_return_val_if_fail (name != NULL, NULL);

  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&path);
    }

  for (guint i = 0; i < G_N_ELEMENTS (installed_dirs); i++)
    {
      g_autofree char *path = g_build_filename (installed_dirs[i], name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&path);
    }

  return NULL;
}

/* What the next image inherits beyond stdin, stdout and stderr. */
#define MAX_KEPT 4
static int kept[MAX_KEPT];
static guint n_kept;

void
relink_exec_keep_descriptor (int fd)
{
  g_return_if_fail (fd > 2);
  g_return_if_fail (n_kept < MAX_KEPT);

  kept[n_kept++] = fd;
}

void
relink_exec_forget_descriptor (int fd)
{
  for (guint i = 0; i < n_kept; i++)
    if (kept[i] == fd)
      {
        kept[i] = kept[--n_kept];
        return;
      }
}

static gboolean
is_kept (int fd)
{
  for (guint i = 0; i < n_kept; i++)
    if (kept[i] == fd)
      return TRUE;
  return FALSE;
}

/* Descriptors a library opened without O_CLOEXEC (a display
 * connection, say) would keep what they hold alive in the new image. */
static void
set_cloexec_all (void)
{
  DIR *dir = opendir ("/proc/self/fd");
  struct dirent *entry;

  if (dir == NULL)
    return;

  while ((entry = readdir (dir)) != NULL)
    {
      int fd = (int) g_ascii_strtoll (entry->d_name, NULL, 10);
      int flags;

      if (fd <= 2 || fd == dirfd (dir) || !g_ascii_isdigit (entry->d_name[0]))
        continue;
      flags = fcntl (fd, F_GETFD);
      if (flags < 0)
        continue;
      if (is_kept (fd))
        fcntl (fd, F_SETFD, flags & ~FD_CLOEXEC);
      else if (!(flags & FD_CLOEXEC))
        fcntl (fd, F_SETFD, flags | FD_CLOEXEC);
    }

  closedir (dir);
}

/* Sends what is queued on the session bus (the tray's goodbye, say) and
 * gives up the application id, before the new image asks for it: the bus
 * daemon would otherwise see this connection close only after exec. */
static void
release_application_id (void)
{
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr (GVariant) reply = NULL;

  if (bus == NULL)
    return;

  reply = g_dbus_connection_call_sync (
      bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "ReleaseName",
      g_variant_new ("(s)", APPLICATION_ID), NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
}

gboolean
relink_exec_program (const char *name, const char *const *args, GError **error)
{
  g_autofree char *path = relink_exec_find_program (name);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  int saved_errno;

  g_return_val_if_fail (name != NULL, FALSE);

  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _ ("Relink is not completely installed: “%s” is missing. Reinstall Relink."),
                   name);
      return FALSE;
    }

  g_ptr_array_add (argv, path);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  release_application_id ();
  set_cloexec_all ();
  execv (path, (char **) argv->pdata);

  saved_errno = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               _ ("Could not start “%s”: %s"), path, g_strerror (saved_errno));
  return FALSE;
}
