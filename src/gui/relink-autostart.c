/* relink-autostart.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libportal-gtk4/portal-gtk4.h>
#include <libportal/portal.h>

#include "relink-autostart.h"

#define DESKTOP_GROUP G_KEY_FILE_DESKTOP_GROUP
#define ENABLED_KEY "X-GNOME-Autostart-enabled"

gboolean
relink_autostart_in_flatpak (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS);
}

char *
relink_autostart_dup_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", APPLICATION_ID ".desktop", NULL);
}

/* "relink" when that is this program, else this program's full path: a
 * build run from its directory (or installed outside $PATH) must still be
 * the one that starts. */
static char *
dup_exec_line (void)
{
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *found = g_find_program_in_path ("relink");
  g_autofree char *found_real = found ? g_canonicalize_filename (found, NULL) : NULL;
  g_autofree char *quoted = NULL;

  if (self_path == NULL || (found_real != NULL && g_str_equal (found_real, self_path)))
    return g_strdup ("relink " RELINK_AUTOSTART_ARGUMENT);

  quoted = g_shell_quote (self_path);
  return g_strconcat (quoted, " " RELINK_AUTOSTART_ARGUMENT, NULL);
}

static gboolean
read_file_state (const char *path)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (GError) error = NULL;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &error))
    return FALSE;

  /* Both are how a session manager's settings turn an entry off in place. */
  if (g_key_file_get_boolean (file, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_HIDDEN, NULL))
    return FALSE;
  if (g_key_file_has_key (file, DESKTOP_GROUP, ENABLED_KEY, NULL)
      && !g_key_file_get_boolean (file, DESKTOP_GROUP, ENABLED_KEY, NULL))
    return FALSE;

  return TRUE;
}

static gboolean
write_file (const char *path, GError **error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *exec = dup_exec_line ();
  g_autofree char *data = NULL;
  gsize length;

  g_key_file_set_string (file, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE, "Application");
  g_key_file_set_string (file, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NAME, "Relink");
  g_key_file_set_string (file, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_COMMENT,
                         _ ("Reminds you before your marketplace connections expire"));
  g_key_file_set_string (file, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_ICON, APPLICATION_ID);
  g_key_file_set_string (file, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, exec);
  g_key_file_set_boolean (file, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NO_DISPLAY, TRUE);
  g_key_file_set_boolean (file, DESKTOP_GROUP, ENABLED_KEY, TRUE);
  data = g_key_file_to_data (file, &length, NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _ ("Could not create the folder “%s”: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }

  return g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

/* Getting */

static void
get_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  g_autofree char *path = relink_autostart_dup_path ();

  g_task_return_boolean (task, read_file_state (path));
}

void
relink_autostart_get_enabled_async (GSettings *settings,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (G_IS_SETTINGS (settings));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_autostart_get_enabled_async);

  if (relink_autostart_in_flatpak ())
    g_task_return_boolean (task, g_settings_get_boolean (settings, "autostart"));
  else
    g_task_run_in_thread (task, get_thread);
}

gboolean
relink_autostart_get_enabled_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Setting */

typedef struct
{
  GSettings *settings;
  gboolean enabled;
} SetData;

static void
set_data_free (SetData *data)
{
  g_clear_object (&data->settings);
  g_free (data);
}

static void
set_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  SetData *data = task_data;
  g_autofree char *path = relink_autostart_dup_path ();
  GError *error = NULL;

  if (data->enabled)
    {
      if (!write_file (path, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }
  else if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _ ("Could not remove “%s”: %s"), path, g_strerror (saved_errno));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
portal_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SetData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!xdp_portal_request_background_finish (XDP_PORTAL (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                 _ ("Starting at login was not allowed. You can allow it in "
                                    "Settings, Apps, Relink."));
      return;
    }

  g_settings_set_boolean (data->settings, "autostart", data->enabled);
  g_task_return_boolean (task, TRUE);
}

void
relink_autostart_set_enabled_async (GSettings *settings,
                                    gboolean enabled,
                                    GtkWindow *parent,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  SetData *data;

  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  data = g_new0 (SetData, 1);
  data->settings = g_object_ref (settings);
  data->enabled = enabled;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_autostart_set_enabled_async);
  g_task_set_task_data (task, data, (GDestroyNotify) set_data_free);

  if (relink_autostart_in_flatpak ())
    {
      g_autoptr (XdpPortal) portal = xdp_portal_new ();
      g_autoptr (GPtrArray) commandline = g_ptr_array_new ();
      XdpParent *xdp_parent = parent ? xdp_parent_new_gtk (parent) : NULL;

      g_ptr_array_add (commandline, (char *) "relink");
      g_ptr_array_add (commandline, (char *) RELINK_AUTOSTART_ARGUMENT);

      /* Turning it off is the same request without the autostart flag:
       * the portal then removes the entry. */
      xdp_portal_request_background (
          portal, xdp_parent, _ ("Relink reminds you before your marketplace connections expire."),
          commandline, enabled ? XDP_BACKGROUND_FLAG_AUTOSTART : XDP_BACKGROUND_FLAG_NONE,
          cancellable, portal_cb, g_steal_pointer (&task));
      g_clear_pointer (&xdp_parent, xdp_parent_free);
      return;
    }

  g_task_run_in_thread (task, set_thread);
}

gboolean
relink_autostart_set_enabled_finish (GAsyncResult *result, gboolean *out_enabled, GError **error)
{
  SetData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  data = g_task_get_task_data (G_TASK (result));
  if (out_enabled != NULL)
    *out_enabled = data->enabled;
  return TRUE;
}
