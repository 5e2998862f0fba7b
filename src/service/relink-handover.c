/* relink-handover.c
 *
 * The two images' side of the hand-over bridge (relink-handover.h); the
 * bridge itself is relink-handover-main.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "relink-exec.h"
#include "relink-handover.h"

/* How long the old image waits for the bridge to listen. Beyond that it
 * hands over without it: a late bridge is worth less than a window that
 * comes when asked for. */
#define START_TIMEOUT_MS 5000
/* How long the new image waits for its own tray item to be registered
 * before it lets the bridge go anyway (a watcher that does not answer). */
#define REGISTER_TIMEOUT_MS 3000
#define FINISH_TIMEOUT_MS 5000

/* The old image's side */

typedef struct
{
  GDBusConnection *bus;
  GSubprocess *bridge;
  GBytes *state;
  GDataInputStream *out;
  /* The task's, cancelled also by the deadline. */
  GCancellable *cancellable;
  gulong cancelled_id;
  GCancellable *caller_cancellable;
  guint timeout_id;
  /* Copies of the pipes' ends that outlive the streams, and the exec;
   * -1 once handed to the next image. */
  int to_bridge;
  int from_bridge;
} Start;

static void
start_free (Start *start)
{
  g_clear_handle_id (&start->timeout_id, g_source_remove);
  if (start->to_bridge >= 0)
    close (start->to_bridge);
  if (start->from_bridge >= 0)
    close (start->from_bridge);
  if (start->caller_cancellable != NULL)
    g_cancellable_disconnect (start->caller_cancellable, start->cancelled_id);
  g_clear_object (&start->caller_cancellable);
  g_clear_object (&start->cancellable);
  g_clear_object (&start->out);
  g_clear_pointer (&start->state, g_bytes_unref);
  g_clear_object (&start->bridge);
  g_clear_object (&start->bus);
  g_free (start);
}

static void
start_fail (GTask *task, GError *error)
{
  Start *start = g_task_get_task_data (task);

  /* Half started, it would show a second tray item until its deadline. */
  if (start->bridge != NULL)
    g_subprocess_force_exit (start->bridge);
  g_task_return_error (task, error);
}

static gboolean
start_timeout_cb (gpointer user_data)
{
  Start *start = user_data;

  start->timeout_id = 0;
  g_cancellable_cancel (start->cancellable);
  return G_SOURCE_REMOVE;
}

static void
caller_cancelled_cb (GCancellable *caller_cancellable, gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

static void
synced_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GVariant) reply = NULL;
  Start *start = g_task_get_task_data (task);
  g_autofree char *value = NULL;
  GError *error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    {
      start_fail (task, error);
      return;
    }

  relink_exec_keep_descriptor (start->to_bridge);
  relink_exec_keep_descriptor (start->from_bridge);
  /* Environment, not arguments: what the new image is started with is
   * the window's requests, and this is none. */
  value = g_strdup_printf ("%d %d %s", start->to_bridge, start->from_bridge,
                           g_subprocess_get_identifier (start->bridge));
  g_setenv (RELINK_HANDOVER_ENV, value, TRUE);
  start->to_bridge = start->from_bridge = -1;
  g_task_return_boolean (task, TRUE);
}

static void
ready_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Start *start = g_task_get_task_data (task);
  g_autofree char *name = NULL;
  GError *error = NULL;

  name = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (object), result, NULL, &error);
  if (name == NULL || !g_dbus_is_unique_name (name))
    {
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "the bridge did not start");
      start_fail (task, error);
      return;
    }

  start->to_bridge = fcntl (g_unix_output_stream_get_fd (
                                G_UNIX_OUTPUT_STREAM (g_subprocess_get_stdin_pipe (start->bridge))),
                            F_DUPFD_CLOEXEC, 3);
  start->from_bridge = fcntl (g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (
                                  g_subprocess_get_stdout_pipe (start->bridge))),
                              F_DUPFD_CLOEXEC, 3);
  if (start->to_bridge < 0 || start->from_bridge < 0)
    {
      start_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES,
                                             "no descriptor left for the bridge"));
      return;
    }

  /* The bridge listened before it said so. A round trip through the bus
   * daemon on this connection now: its answer comes after every signal
   * the daemon sent here before the bridge listened, and is handled
   * after them (both in this main context, in order), so that the
   * caller, which execs then, has served all of those itself. */
  g_dbus_connection_call (start->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetId", NULL, G_VARIANT_TYPE ("(s)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, start->cancellable, synced_cb,
                          g_steal_pointer (&task));
}

static void
written_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Start *start = g_task_get_task_data (task);
  GError *error = NULL;

  /* Left open: the bridge's way to hear of the new image, or of the
   * end of the process. */
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      start_fail (task, error);
      return;
    }

  start->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (start->bridge));
  g_data_input_stream_read_line_async (start->out, G_PRIORITY_DEFAULT, start->cancellable, ready_cb,
                                       g_steal_pointer (&task));
}

static GVariant *
build_state (RelinkTray *tray, const char *notification_server)
{
  g_auto (GVariantBuilder) state = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

  g_variant_builder_add (&state, "{sv}", "parent", g_variant_new_int64 (getpid ()));
  if (notification_server != NULL)
    g_variant_builder_add (&state, "{sv}", "notification-server",
                           g_variant_new_string (notification_server));
  if (tray != NULL)
    {
      g_autoptr (GMenuModel) menu = NULL;

      g_object_get (tray, "menu", &menu, NULL);
      g_variant_builder_add (&state, "{sv}", "tray", relink_tray_dup_state (tray));
      if (menu != NULL)
        g_variant_builder_add (&state, "{sv}", "menu", relink_handover_menu_to_variant (menu));
    }
  return g_variant_ref_sink (g_variant_builder_end (&state));
}

void
relink_handover_start_async (GDBusConnection *bus,
                             RelinkTray *tray,
                             const char *notification_server,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GVariant) state = NULL;
  g_autofree char *path = NULL;
  GError *error = NULL;
  Start *start;

  g_return_if_fail (G_IS_DBUS_CONNECTION (bus));
  g_return_if_fail (tray == NULL || RELINK_IS_TRAY (tray));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_handover_start_async);
  start = g_new0 (Start, 1);
  start->bus = g_object_ref (bus);
  start->cancellable = g_cancellable_new ();
  start->to_bridge = start->from_bridge = -1;
  g_task_set_task_data (task, start, (GDestroyNotify) start_free);
  /* An earlier hand-over's bridge is not this one. */
  g_unsetenv (RELINK_HANDOVER_ENV);

  /* A tray the watcher does not list has no place to keep. */
  if (tray != NULL && !relink_tray_get_registered (tray))
    tray = NULL;
  if (tray == NULL && notification_server == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  path = relink_exec_find_program (RELINK_PROGRAM_HANDOVER);
  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s is missing",
                               RELINK_PROGRAM_HANDOVER);
      return;
    }

  /* The state goes through the pipe: it holds nothing secret, but an
   * account's name has no place in every process list either. */
  state = build_state (tray, notification_server);
  start->state = relink_handover_pack (state);
  launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  /* The bridge is this process's own, not the next image's. */
  g_subprocess_launcher_unsetenv (launcher, RELINK_HANDOVER_ENV);
  start->bridge = g_subprocess_launcher_spawn (launcher, &error, path, NULL);
  if (start->bridge == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (cancellable != NULL)
    {
      start->caller_cancellable = g_object_ref (cancellable);
      start->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                   start->cancellable, NULL);
    }
  start->timeout_id = g_timeout_add (START_TIMEOUT_MS, start_timeout_cb, start);

  g_output_stream_write_all_async (g_subprocess_get_stdin_pipe (start->bridge),
                                   g_bytes_get_data (start->state, NULL),
                                   g_bytes_get_size (start->state), G_PRIORITY_DEFAULT,
                                   start->cancellable, written_cb, g_steal_pointer (&task));
}

gboolean
relink_handover_start_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The new image's side */

/* The pipes to and from the bridge, until relink_handover_complete()
 * takes them; -1 without a bridge. */
static int to_bridge = -1;
static int from_bridge = -1;

static void
bridge_ended_cb (GPid pid, int status, gpointer user_data)
{
  g_spawn_close_pid (pid);
}

/* Whether @pid is a child of this process: only then can it be reaped. */
static gboolean
is_own_child (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *end;

  if (!g_file_get_contents (path, &stat, NULL, NULL) || (end = strrchr (stat, ')')) == NULL)
    return FALSE;
  /* "pid (comm) state ppid ...". */
  end = strchr (end + 2, ' ');
  return end != NULL && g_ascii_strtoll (end + 1, NULL, 10) == getpid ();
}

/* Takes @text as an open descriptor of this process, closed on exec
 * from now on (no program this image starts inherits it), or -1. */
static int
take_descriptor (const char *text)
{
  gint64 fd = g_ascii_strtoll (text, NULL, 10);
  int flags;

  if (fd <= 2 || fd > G_MAXINT || (flags = fcntl ((int) fd, F_GETFD)) < 0)
    return -1;
  fcntl ((int) fd, F_SETFD, flags | FD_CLOEXEC);
  return (int) fd;
}

/* Takes the pipes (and, with @reap, the bridge's end) out of
 * RELINK_HANDOVER_ENV; FALSE without a bridge. */
static gboolean
take_bridge (gboolean reap)
{
  const char *value = g_getenv (RELINK_HANDOVER_ENV);
  g_auto (GStrv) fields = NULL;
  GPid pid;

  if (value == NULL)
    return FALSE;
  fields = g_strsplit (value, " ", 3);
  g_unsetenv (RELINK_HANDOVER_ENV);
  if (g_strv_length (fields) != 3)
    return FALSE;

  to_bridge = take_descriptor (fields[0]);
  from_bridge = take_descriptor (fields[1]);
  if (to_bridge < 0 || from_bridge < 0)
    {
      to_bridge = from_bridge = -1;
      return FALSE;
    }
  /* Spawned by the old image, it is this process's child: ended, it
   * would linger as a zombie. */
  pid = (GPid) g_ascii_strtoll (fields[2], NULL, 10);
  if (reap && pid > 0 && is_own_child (pid))
    g_child_watch_add (pid, bridge_ended_cb, NULL);
  return TRUE;
}

void
relink_handover_take_environment (void)
{
  take_bridge (TRUE);
}

void
relink_handover_stay (void)
{
  /* Still this image's GSubprocess, which reaps it: a second child
   * watch would race it to waitpid(). */
  if (!take_bridge (FALSE))
    return;
  relink_exec_forget_descriptor (to_bridge);
  relink_exec_forget_descriptor (from_bridge);
}

typedef struct
{
  GDBusConnection *bus;
  RelinkTray *tray;
  RelinkFdoNotifier *fdo;
  GOutputStream *reply;
  GCancellable *cancellable;
  gulong registered_id;
  guint timeout_id;
} Complete;

static void
complete_free (Complete *complete)
{
  g_clear_handle_id (&complete->timeout_id, g_source_remove);
  g_clear_signal_handler (&complete->registered_id, complete->tray);
  g_clear_object (&complete->tray);
  g_clear_object (&complete->fdo);
  g_clear_object (&complete->bus);
  g_clear_object (&complete->reply);
  g_clear_object (&complete->cancellable);
  g_free (complete);
}

static void
serve (Complete *complete, GVariant *clicks)
{
  g_autoptr (GVariant) notifications = NULL;
  g_autoptr (GVariant) menu = NULL;
  GVariantIter iter;
  const char *action;
  GVariant *targets;

  g_variant_get (clicks, "(@a(sus)@a(sav))", &notifications, &menu);
  if (complete->fdo != NULL)
    relink_fdo_notifier_replay (complete->fdo, notifications);

  g_variant_iter_init (&iter, menu);
  while (complete->tray != NULL && g_variant_iter_next (&iter, "(&s@av)", &action, &targets))
    {
      g_autoptr (GVariant) target = NULL;

      if (g_variant_n_children (targets) == 1)
        {
          g_autoptr (GVariant) boxed = g_variant_get_child_value (targets, 0);

          target = g_variant_get_variant (boxed);
        }
      relink_tray_activate_action (complete->tray, action, target);
      g_variant_unref (targets);
    }
}

static void
finished_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Complete *complete = user_data;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GVariant) clicks = NULL;
  g_autoptr (GError) error = NULL;

  if (g_output_stream_splice_finish (G_OUTPUT_STREAM (object), result, &error) < 0)
    {
      /* Gone already (its deadline): what it recorded is lost with it. */
      g_debug ("The hand-over bridge did not answer: %s", error->message);
      complete_free (complete);
      return;
    }

  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (complete->reply));
  clicks = g_variant_ref_sink (
      g_variant_new_from_bytes (G_VARIANT_TYPE (RELINK_HANDOVER_CLICKS_TYPE), bytes, FALSE));
  /* Clicks are the bridge's word for what anyone on the bus sent; each
   * is checked where it is served. */
  if (g_variant_is_normal_form (clicks))
    serve (complete, clicks);
  complete_free (complete);
}

static gboolean
finish_timeout_cb (gpointer user_data)
{
  Complete *complete = user_data;

  complete->timeout_id = 0;
  g_cancellable_cancel (complete->cancellable);
  return G_SOURCE_REMOVE;
}

static void
synced_to_finish_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Complete *complete = user_data;
  g_autoptr (GInputStream) in = g_unix_input_stream_new (from_bridge, TRUE);
  g_autoptr (GVariant) reply = NULL;
  const char finish = RELINK_HANDOVER_FINISH;

  /* Failed or not, the bridge is asked: waiting longer helps nothing. */
  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, NULL);

  /* One byte into a pipe that holds 64 KiB: it does not block. Closing
   * it afterwards tells the bridge nothing more will come. */
  if (write (to_bridge, &finish, 1) != 1)
    g_debug ("The hand-over bridge has gone");
  close (to_bridge);
  to_bridge = from_bridge = -1;

  complete->reply = g_memory_output_stream_new_resizable ();
  complete->cancellable = g_cancellable_new ();
  complete->timeout_id = g_timeout_add (FINISH_TIMEOUT_MS, finish_timeout_cb, complete);
  g_output_stream_splice_async (complete->reply, in,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE
                                    | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, complete->cancellable, finished_cb, complete);
}

static void
finish_bridge (Complete *complete)
{
  g_clear_handle_id (&complete->timeout_id, g_source_remove);
  g_clear_signal_handler (&complete->registered_id, complete->tray);

  /* The bridge stops recording when asked: only once the bus daemon has
   * this image's subscription to the notification server (sent before
   * anything below), which a round trip on the same connection proves,
   * so that a click reaches this image, the bridge, or both (which the
   * notifier serves once), never neither. */
  g_dbus_connection_call (complete->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetId", NULL, G_VARIANT_TYPE ("(s)"),
                          G_DBUS_CALL_FLAGS_NONE, FINISH_TIMEOUT_MS, NULL, synced_to_finish_cb,
                          complete);
}

static void
registered_cb (RelinkTray *tray, GParamSpec *pspec, gpointer user_data)
{
  if (relink_tray_get_registered (tray))
    finish_bridge (user_data);
}

static gboolean
register_timeout_cb (gpointer user_data)
{
  Complete *complete = user_data;

  complete->timeout_id = 0;
  finish_bridge (complete);
  return G_SOURCE_REMOVE;
}

void
relink_handover_complete (GDBusConnection *bus, RelinkTray *tray, RelinkFdoNotifier *fdo)
{
  Complete *complete;

  g_return_if_fail (G_IS_DBUS_CONNECTION (bus));

  if (to_bridge < 0)
    return;

  complete = g_new0 (Complete, 1);
  complete->bus = g_object_ref (bus);
  complete->tray = tray != NULL ? g_object_ref (tray) : NULL;
  complete->fdo = fdo != NULL ? g_object_ref (fdo) : NULL;

  /* The bridge's item leaves with it: ours first, so that the watcher
   * always lists one. */
  if (tray == NULL || relink_tray_get_registered (tray))
    {
      finish_bridge (complete);
      return;
    }
  complete->registered_id
      = g_signal_connect (tray, "notify::registered", G_CALLBACK (registered_cb), complete);
  complete->timeout_id = g_timeout_add (REGISTER_TIMEOUT_MS, register_timeout_cb, complete);
}

GBytes *
relink_handover_pack (GVariant *message)
{
  guint32 size;
  GByteArray *packed;

  g_return_val_if_fail (message != NULL, NULL);

  size = (guint32) g_variant_get_size (message);
  packed = g_byte_array_sized_new (sizeof size + size);
  g_byte_array_append (packed, (const guint8 *) &size, sizeof size);
  g_byte_array_append (packed, g_variant_get_data (message), size);
  return g_byte_array_free_to_bytes (packed);
}

/* The menu, both ways */

static void
add_item (GVariantBuilder *section, GMenuModel *model, int index)
{
  g_auto (GVariantBuilder) targets = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("av"));
  g_autofree char *label = NULL;
  g_autofree char *action = NULL;
  g_autoptr (GVariant) target = NULL;

  g_menu_model_get_item_attribute (model, index, G_MENU_ATTRIBUTE_LABEL, "s", &label);
  g_menu_model_get_item_attribute (model, index, G_MENU_ATTRIBUTE_ACTION, "s", &action);
  target = g_menu_model_get_item_attribute_value (model, index, G_MENU_ATTRIBUTE_TARGET, NULL);
  if (target != NULL)
    g_variant_builder_add (&targets, "v", target);
  g_variant_builder_add (section, "(ss@av)", label != NULL ? label : "",
                         action != NULL ? action : "", g_variant_builder_end (&targets));
}

GVariant *
relink_handover_menu_to_variant (GMenuModel *menu)
{
  g_auto (GVariantBuilder) sections = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("aa(ssav)"));

  g_return_val_if_fail (G_IS_MENU_MODEL (menu), NULL);

  /* Sections, as the tray's menu has them; an item outside one is a
   * section of its own (the separators may differ, the items do not). */
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr (GMenuModel) link = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);
      g_auto (GVariantBuilder) section = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(ssav)"));

      if (link != NULL)
        for (int j = 0; j < g_menu_model_get_n_items (link); j++)
          add_item (&section, link, j);
      else
        add_item (&section, menu, i);
      g_variant_builder_add_value (&sections, g_variant_builder_end (&section));
    }
  return g_variant_builder_end (&sections);
}

GMenu *
relink_handover_menu_from_variant (GVariant *sections)
{
  GMenu *menu = g_menu_new ();
  GVariantIter outer;
  GVariant *items;

  g_return_val_if_fail (g_variant_is_of_type (sections, G_VARIANT_TYPE ("aa(ssav)")), menu);

  g_variant_iter_init (&outer, sections);
  while ((items = g_variant_iter_next_value (&outer)) != NULL)
    {
      g_autoptr (GMenu) section = g_menu_new ();
      GVariantIter inner;
      const char *label, *action;
      GVariant *targets;

      g_variant_iter_init (&inner, items);
      while (g_variant_iter_next (&inner, "(&s&s@av)", &label, &action, &targets))
        {
          g_autoptr (GMenuItem) item = g_menu_item_new (label, NULL);

          if (*action != '\0')
            {
              g_autoptr (GVariant) target = NULL;

              if (g_variant_n_children (targets) == 1)
                {
                  g_autoptr (GVariant) boxed = g_variant_get_child_value (targets, 0);

                  target = g_variant_get_variant (boxed);
                }
              g_menu_item_set_action_and_target_value (item, action, target);
            }
          g_menu_append_item (section, item);
          g_variant_unref (targets);
        }
      g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
      g_variant_unref (items);
    }
  return menu;
}
