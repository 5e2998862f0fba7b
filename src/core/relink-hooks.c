/* relink-hooks.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-hooks.h"

const char *
relink_hook_event_to_string (RelinkHookEvent event)
{
  switch (event)
    {
      case RELINK_HOOK_EVENT_RENEWAL:
        return "renewal";
      case RELINK_HOOK_EVENT_REFRESH:
      default:
        return "refresh";
    }
}

char *
relink_hooks_default_dir (void)
{
  return g_build_filename (g_get_user_config_dir (), "relink", "hooks", NULL);
}

static char *
format_moment (gint64 moment)
{
  g_autoptr (GDateTime) dt = NULL;

  if (moment <= 0)
    return g_strdup ("");

  dt = g_date_time_new_from_unix_utc (moment);
  if (dt == NULL)
    return g_strdup ("");

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

GStrv
relink_hooks_build_environment (RelinkAccount *account,
                                RelinkHookEvent event,
                                gint64 access_expires_at,
                                gint64 refresh_expires_at)
{
  GPtrArray *env = g_ptr_array_new ();
  RelinkKeyset *keyset;
  const char *marketplace = "";
  const char *nickname;
  const char *value;
  g_autofree char *expires = format_moment (access_expires_at);
  g_autofree char *refresh_expires = format_moment (refresh_expires_at);

  g_return_val_if_fail (RELINK_IS_ACCOUNT (account), NULL);

  keyset = relink_account_get_keyset (account);
  if (keyset != NULL && relink_keyset_get_provider_id (keyset) != NULL)
    marketplace = relink_keyset_get_provider_id (keyset);

  /* A further grant (HACKING.md, "Grant") goes by its account's nickname. */
  nickname = relink_account_get_nickname (relink_account_get_account (account));

  /* A minimal environment: the hook must not see whatever the session
   * holds (D-Bus address, tokens of other tools in variables). */
  if ((value = g_getenv ("PATH")) != NULL)
    g_ptr_array_add (env, g_strconcat ("PATH=", value, NULL));
  else
    g_ptr_array_add (env, g_strdup ("PATH=/usr/local/bin:/usr/bin:/bin"));
  if ((value = g_getenv ("HOME")) != NULL)
    g_ptr_array_add (env, g_strconcat ("HOME=", value, NULL));

  g_ptr_array_add (env, g_strconcat ("RELINK_ACCOUNT_ID=", relink_account_get_id (account), NULL));
  g_ptr_array_add (
      env, g_strconcat ("RELINK_ACCOUNT_NICKNAME=", nickname != NULL ? nickname : "", NULL));
  g_ptr_array_add (env,
                   g_strconcat ("RELINK_GRANT=", relink_account_get_grant_name (account), NULL));
  g_ptr_array_add (env, g_strconcat ("RELINK_MARKETPLACE=", marketplace, NULL));
  g_ptr_array_add (env, g_strconcat ("RELINK_EVENT=", relink_hook_event_to_string (event), NULL));
  g_ptr_array_add (env, g_strconcat ("RELINK_EXPIRES_AT=", expires, NULL));
  g_ptr_array_add (env, g_strconcat ("RELINK_REFRESH_EXPIRES_AT=", refresh_expires, NULL));

  g_ptr_array_add (env, NULL);
  return (GStrv) g_ptr_array_free (env, FALSE);
}

typedef struct
{
  guint pending;
  guint ran;
} RunData;

typedef struct
{
  GTask *task;
  char *name;
} HookRun;

static void
hook_run_free (HookRun *run)
{
  g_clear_object (&run->task);
  g_free (run->name);
  g_free (run);
}

static void
hook_done (GTask *task)
{
  RunData *data = g_task_get_task_data (task);

  if (--data->pending == 0)
    g_task_return_int (task, data->ran);
}

static void
log_output (const char *name, const char *stream, const char *text)
{
  g_auto (GStrv) lines = NULL;

  if (text == NULL || text[0] == '\0')
    return;

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_debug ("Hook %s (%s): %s", name, stream, lines[i]);
}

static void
communicate_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GSubprocess *subprocess = G_SUBPROCESS (object);
  HookRun *run = user_data;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;

  if (!g_subprocess_communicate_utf8_finish (subprocess, result, &out, &err, &error))
    g_debug ("Hook %s: %s", run->name, error->message);
  else
    {
      log_output (run->name, "stdout", out);
      log_output (run->name, "stderr", err);

      if (!g_subprocess_get_successful (subprocess))
        g_debug ("Hook %s failed (exit status %d)", run->name,
                 g_subprocess_get_if_exited (subprocess) ? g_subprocess_get_exit_status (subprocess)
                                                         : -1);
    }

  hook_done (run->task);
  hook_run_free (run);
}

static gboolean
is_hook (GFileInfo *info)
{
  return g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR
         && g_file_info_get_attribute_boolean (info, G_FILE_ATTRIBUTE_ACCESS_CAN_EXECUTE)
         && !g_str_has_prefix (g_file_info_get_name (info), ".");
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

void
relink_hooks_run_async (const char *dir,
                        RelinkAccount *account,
                        RelinkHookEvent event,
                        gint64 access_expires_at,
                        gint64 refresh_expires_at,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *default_dir = NULL;
  g_autoptr (GFile) directory = NULL;
  g_autoptr (GFileEnumerator) enumerator = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) env = NULL;
  RunData *data;

  g_return_if_fail (RELINK_IS_ACCOUNT (account));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_hooks_run_async);
  data = g_new0 (RunData, 1);
  g_task_set_task_data (task, data, g_free);

  if (dir == NULL)
    dir = default_dir = relink_hooks_default_dir ();

  /* Listing a local config directory is quick; the hooks themselves run
   * concurrently and are never waited for on the main loop. */
  directory = g_file_new_for_path (dir);
  enumerator = g_file_enumerate_children (directory,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME
                                          "," G_FILE_ATTRIBUTE_STANDARD_TYPE
                                          "," G_FILE_ATTRIBUTE_ACCESS_CAN_EXECUTE,
                                          G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (enumerator != NULL)
    {
      for (;;)
        {
          GFileInfo *info = NULL;

          if (!g_file_enumerator_iterate (enumerator, &info, NULL, NULL, NULL) || info == NULL)
            break;
          if (is_hook (info))
            g_ptr_array_add (names, g_strdup (g_file_info_get_name (info)));
        }
    }

  if (names->len == 0)
    {
      g_task_return_int (task, 0);
      return;
    }

  g_ptr_array_sort (names, compare_names);
  env = relink_hooks_build_environment (account, event, access_expires_at, refresh_expires_at);

  /* One pending count for the loop itself, so the task cannot complete
   * while hooks are still being started. */
  data->pending = 1;

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autoptr (GSubprocessLauncher) launcher = NULL;
      g_autoptr (GSubprocess) subprocess = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *path = g_build_filename (dir, name, NULL);
      HookRun *run;

      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                            | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                            | G_SUBPROCESS_FLAGS_STDERR_PIPE);
      g_subprocess_launcher_set_environ (launcher, env);
      g_subprocess_launcher_set_cwd (launcher, dir);

      subprocess = g_subprocess_launcher_spawn (launcher, &error, path, NULL);
      if (subprocess == NULL)
        {
          g_debug ("Hook %s could not be started: %s", name, error->message);
          continue;
        }

      data->ran++;
      data->pending++;

      run = g_new0 (HookRun, 1);
      run->task = g_object_ref (task);
      run->name = g_strdup (name);
      /* An empty stdin that is closed at once: a hook never waits for input. */
      g_subprocess_communicate_utf8_async (subprocess, "", cancellable, communicate_cb, run);
    }

  hook_done (task);
}

guint
relink_hooks_run_finish (GAsyncResult *result, GError **error)
{
  gssize ran;

  g_return_val_if_fail (g_task_is_valid (result, NULL), 0);

  ran = g_task_propagate_int (G_TASK (result), error);
  return ran < 0 ? 0 : (guint) ran;
}
