/* relink-secret-unlock.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-secret-unlock.h"

#define PROMPT_INTERFACE "org.freedesktop.Secret.Prompt"

/* One unlock in progress. The task's first reference is the operation's:
 * dropped once, by finish_with(); every D-Bus call, the signal
 * subscription and the cancellable handler hold their own. */
typedef struct
{
  GDBusConnection *connection;
  char *service_name;
  char *prompt_path;
  guint completed_id;
  guint watch_id;
  GCancellable *cancellable;
  gulong cancelled_id;
  gboolean done;
} Unlock;

static void
unlock_free (gpointer data)
{
  Unlock *unlock = data;

  g_clear_object (&unlock->connection);
  g_free (unlock->service_name);
  g_free (unlock->prompt_path);
  g_clear_object (&unlock->cancellable);
  g_free (unlock);
}

static GError *
locked_error (const char *why)
{
  return g_error_new_literal (SECRET_ERROR, SECRET_ERROR_IS_LOCKED, why);
}

/* Ends the operation once: with @error, or with success when NULL. */
static void
finish_with (GTask *task, GError *error)
{
  Unlock *unlock = g_task_get_task_data (task);

  if (unlock->done)
    {
      g_clear_error (&error);
      return;
    }
  unlock->done = TRUE;

  if (unlock->completed_id != 0)
    {
      g_dbus_connection_signal_unsubscribe (unlock->connection, unlock->completed_id);
      unlock->completed_id = 0;
    }
  if (unlock->watch_id != 0)
    {
      g_bus_unwatch_name (unlock->watch_id);
      unlock->watch_id = 0;
    }
  if (unlock->cancelled_id != 0)
    {
      g_cancellable_disconnect (unlock->cancellable, unlock->cancelled_id);
      unlock->cancelled_id = 0;
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
cancel_in_context_cb (gpointer user_data)
{
  GTask *task = user_data;
  Unlock *unlock = g_task_get_task_data (task);

  if (unlock->done)
    return G_SOURCE_REMOVE;

  /* Take the prompt off the screen: nobody waits for its answer now. */
  if (unlock->prompt_path != NULL)
    g_dbus_connection_call (unlock->connection, unlock->service_name, unlock->prompt_path,
                            PROMPT_INTERFACE, "Dismiss", NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1,
                            NULL, NULL, NULL);

  finish_with (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                          "The keyring unlock was cancelled"));
  return G_SOURCE_REMOVE;
}

/* May run in any thread, or at once inside g_cancellable_connect(): the
 * work is done in the task's own context. */
static void
cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  GTask *task = user_data;

  g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT, cancel_in_context_cb,
                              g_object_ref (task), g_object_unref);
}

static void
completed_cb (GDBusConnection *connection,
              const char *sender,
              const char *object_path,
              const char *interface,
              const char *signal,
              GVariant *parameters,
              gpointer user_data)
{
  GTask *task = user_data;
  gboolean dismissed = TRUE;

  /* Only "dismissed" matters: the result is read back by the caller. */
  if (g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(bv)")))
    g_variant_get (parameters, "(bv)", &dismissed, NULL);

  finish_with (task, dismissed ? locked_error ("The keyring stayed locked: its unlock prompt "
                                               "was dismissed")
                               : NULL);
}

/* gnome-keyring-daemon has been seen to exit when it cannot reach the
 * program that draws its prompt: no Completed signal ever comes then. */
static void
service_vanished_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  finish_with (user_data, locked_error ("The keyring stopped before it was unlocked"));
}

static void
prompt_called_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_debug ("The keyring could not show its unlock prompt: %s", error->message);
      finish_with (task, locked_error ("The keyring could not ask for its password"));
    }
}

static void
unlock_called_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Unlock *unlock = g_task_get_task_data (task);
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) unlocked = NULL;
  GError *error = NULL;
  const char *prompt = NULL;

  reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);
  if (reply == NULL)
    {
      finish_with (task, error);
      return;
    }
  if (unlock->done)
    return;

  if (!g_variant_is_of_type (reply, G_VARIANT_TYPE ("(aoo)")))
    {
      finish_with (task, locked_error ("The keyring answered the unlock in an unknown form"));
      return;
    }
  g_variant_get (reply, "(@ao&o)", &unlocked, &prompt);

  if (g_str_equal (prompt, "/"))
    {
      finish_with (task, g_variant_n_children (unlocked) > 0
                             ? NULL
                             : locked_error ("The keyring stayed locked"));
      return;
    }

  /* Subscribed before the prompt is shown, so no answer can be missed;
   * only the service may answer. */
  unlock->prompt_path = g_strdup (prompt);
  unlock->completed_id = g_dbus_connection_signal_subscribe (
      unlock->connection, unlock->service_name, PROMPT_INTERFACE, "Completed", prompt, NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, completed_cb, g_object_ref (task), g_object_unref);
  unlock->watch_id = g_bus_watch_name_on_connection (
      unlock->connection, unlock->service_name, G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
      service_vanished_cb, g_object_ref (task), g_object_unref);
  /* The seller may take their time: no timeout. */
  g_dbus_connection_call (unlock->connection, unlock->service_name, prompt, PROMPT_INTERFACE,
                          "Prompt", g_variant_new ("(s)", ""), NULL, G_DBUS_CALL_FLAGS_NONE,
                          G_MAXINT, NULL, prompt_called_cb, g_object_ref (task));
}

void
relink_secret_unlock_async (SecretService *service,
                            const char *const *object_paths,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  GTask *task;
  Unlock *unlock;
  const char *owner;

  g_return_if_fail (SECRET_IS_SERVICE (service));
  g_return_if_fail (object_paths != NULL);

  task = g_task_new (service, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_secret_unlock_async);
  unlock = g_new0 (Unlock, 1);
  g_task_set_task_data (task, unlock, unlock_free);

  owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (service)) != NULL
              ? g_dbus_proxy_get_name_owner (G_DBUS_PROXY (service))
              : g_dbus_proxy_get_name (G_DBUS_PROXY (service));
  unlock->connection = g_object_ref (g_dbus_proxy_get_connection (G_DBUS_PROXY (service)));
  unlock->service_name = g_strdup (owner);

  if (cancellable != NULL)
    {
      unlock->cancellable = g_object_ref (cancellable);
      unlock->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb),
                                                    g_object_ref (task), g_object_unref);
    }

  g_dbus_proxy_call (G_DBUS_PROXY (service), "Unlock", g_variant_new ("(^ao)", object_paths),
                     G_DBUS_CALL_FLAGS_NONE, -1, NULL, unlock_called_cb, g_object_ref (task));
}

gboolean
relink_secret_unlock_finish (SecretService *service, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, service), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
