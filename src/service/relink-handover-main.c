/* relink-handover-main.c: the hand-over bridge (see relink-handover.h).
 *
 * Started by the old image of the Relink process right before it execs,
 * with the state to stand in for on stdin; says on stdout (its unique
 * bus name, one line) once it listens to the notification server and its
 * tray item is registered; records clicks until the new image asks for
 * them on stdin, writes them to stdout, and leaves at once, its item
 * with it.
 *
 * It never outlives the hand-over: it leaves when asked, at DEADLINE_MS
 * (a new image that never came: the clicks it recorded are lost then,
 * as they were before there was a bridge), and when the process that
 * started it ends (its stdin closes; and it is that process's child:
 * PR_SET_PDEATHSIG).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "relink-handover.h"
#include "relink-process.h"
#include "relink-tray.h"

#include <glib-unix.h>

#define FDO_INTERFACE "org.freedesktop.Notifications"
#define FDO_PATH "/org/freedesktop/Notifications"
#define WATCHER_NAME "org.kde.StatusNotifierWatcher"

/* A hand-over takes 1–2 s; one that takes this long is not coming.
 * RELINK_HANDOVER_DEADLINE_MS may shorten it (the tests do). */
#define DEADLINE_MS 30000
/* How long the bridge waits for the watcher to list its item. */
#define REGISTER_TIMEOUT_MS 3000
/* The state is a few hundred bytes. */
#define MAX_STATE_SIZE (256 * 1024)
/* A seller clicks a handful in a hand-over, not more. */
#define MAX_CLICKS 64

typedef struct
{
  GMainLoop *loop;
  GDBusConnection *bus;
  RelinkTray *tray;
  GSimpleActionGroup *actions;
  GVariantBuilder notification_clicks; /* a(sus) */
  GVariantBuilder menu_clicks;         /* a(sav) */
  guint n_clicks;
  gboolean finished;
} Bridge;

static void
action_invoked_cb (GDBusConnection *bus,
                   const char *sender,
                   const char *path,
                   const char *interface,
                   const char *signal,
                   GVariant *parameters,
                   gpointer user_data)
{
  Bridge *self = user_data;
  guint32 server_id;
  const char *key;

  if (self->finished || self->n_clicks >= MAX_CLICKS
      || !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(us)")))
    return;

  /* Recorded as it came: the new image checks it against what its
   * notifications offered. */
  g_variant_get (parameters, "(u&s)", &server_id, &key);
  g_variant_builder_add (&self->notification_clicks, "(sus)", sender, server_id, key);
  self->n_clicks++;
}

static void
menu_action_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  Bridge *self = user_data;
  g_auto (GVariantBuilder) target = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("av"));
  g_autofree char *name = g_strconcat ("app.", g_action_get_name (G_ACTION (action)), NULL);

  if (self->finished || self->n_clicks >= MAX_CLICKS)
    return;
  if (parameter != NULL)
    g_variant_builder_add (&target, "v", parameter);
  g_variant_builder_add (&self->menu_clicks, "(s@av)", name, g_variant_builder_end (&target));
  self->n_clicks++;
}

/* One action per action the menu names, with its target's type, all
 * recording; and app.activate, which a left click on the icon runs. */
static GSimpleActionGroup *
make_actions (Bridge *self, GMenuModel *menu)
{
  GSimpleActionGroup *group = g_simple_action_group_new ();
  g_autoptr (GSimpleAction) activate = g_simple_action_new ("activate", NULL);

  g_signal_connect (activate, "activate", G_CALLBACK (menu_action_cb), self);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (activate));

  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr (GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      for (int j = 0; section != NULL && j < g_menu_model_get_n_items (section); j++)
        {
          g_autofree char *detailed = NULL;
          g_autoptr (GVariant) target = NULL;
          g_autoptr (GSimpleAction) action = NULL;

          if (!g_menu_model_get_item_attribute (section, j, G_MENU_ATTRIBUTE_ACTION, "s", &detailed)
              || !g_str_has_prefix (detailed, "app.")
              || g_action_map_lookup_action (G_ACTION_MAP (group), detailed + 4) != NULL
              || !g_action_name_is_valid (detailed + 4))
            continue;
          target
              = g_menu_model_get_item_attribute_value (section, j, G_MENU_ATTRIBUTE_TARGET, NULL);
          action = g_simple_action_new (detailed + 4,
                                        target != NULL ? g_variant_get_type (target) : NULL);
          g_signal_connect (action, "activate", G_CALLBACK (menu_action_cb), self);
          g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (action));
        }
    }
  return group;
}

static gboolean
quit_cb (gpointer user_data)
{
  Bridge *self = user_data;

  g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
write_all (int fd, const void *data, gsize size)
{
  gsize done = 0;

  while (done < size)
    {
      gssize n = write (fd, (const char *) data + done, size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += n;
    }
  return TRUE;
}

static void
reply_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Bridge *self = user_data;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) clicks = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, NULL);
  self->finished = TRUE;
  clicks = g_variant_ref_sink (g_variant_new ("(@a(sus)@a(sav))",
                                              g_variant_builder_end (&self->notification_clicks),
                                              g_variant_builder_end (&self->menu_clicks)));
  if (!write_all (STDOUT_FILENO, g_variant_get_data (clicks), g_variant_get_size (clicks)))
    g_printerr ("Could not hand over the clicks: %s\n", g_strerror (errno));
  close (STDOUT_FILENO);
  /* The new image's item is listed: this one goes now. */
  g_main_loop_quit (self->loop);
}

/* Stdin: the new image asks for the clicks, or the process is gone. */
static gboolean
stdin_cb (int fd, GIOCondition condition, gpointer user_data)
{
  Bridge *self = user_data;
  char request = 0;
  gssize n;

  do
    n = read (fd, &request, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1 || request != RELINK_HANDOVER_FINISH)
    {
      g_main_loop_quit (self->loop);
      return G_SOURCE_REMOVE;
    }

  /* Signals the bus daemon sent here before it answers this come before
   * the answer and are recorded first; the new image made sure the daemon
   * had its own subscription before it asked. */
  g_dbus_connection_call (self->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetId", NULL, G_VARIANT_TYPE ("(s)"),
                          G_DBUS_CALL_FLAGS_NONE, 2000, NULL, reply_cb, self);
  return G_SOURCE_REMOVE;
}

static gboolean
read_exactly (int fd, void *buffer, gsize size)
{
  gsize done = 0;

  while (done < size)
    {
      gssize n = read (fd, (char *) buffer + done, size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += n;
    }
  return TRUE;
}

/* The state, packed (relink_handover_pack()). */
static GVariant *
read_state (void)
{
  g_autoptr (GVariant) state = NULL;
  g_autofree guint8 *data = NULL;
  guint8 *bytes;
  guint32 size;

  if (!read_exactly (STDIN_FILENO, &size, sizeof size) || size > MAX_STATE_SIZE)
    return NULL;
  data = g_malloc (size);
  if (!read_exactly (STDIN_FILENO, data, size))
    return NULL;

  /* The notify gets its user data, not the data: both are the buffer. */
  bytes = g_steal_pointer (&data);
  state = g_variant_ref_sink (g_variant_new_from_data (G_VARIANT_TYPE (RELINK_HANDOVER_STATE_TYPE),
                                                       bytes, size, FALSE, g_free, bytes));
  /* Only from Relink's other image, but checked all the same. */
  if (!g_variant_is_normal_form (state))
    return NULL;
  return g_steal_pointer (&state);
}

static gboolean
name_has_owner (GDBusConnection *bus, const char *name)
{
  g_autoptr (GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, 2000, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

static gboolean
timed_out_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Shows the old image's item and menu again, and waits (a moment) for
 * the watcher to list it. */
static void
show_tray (Bridge *self, GVariant *tray_state, GVariant *menu_state)
{
  g_autoptr (GMenu) menu = NULL;
  gboolean timed_out = FALSE;
  guint timeout_id;

  menu = menu_state != NULL ? relink_handover_menu_from_variant (menu_state) : g_menu_new ();
  self->actions = make_actions (self, G_MENU_MODEL (menu));
  self->tray = relink_tray_new (self->bus, "", G_MENU_MODEL (menu), G_ACTION_GROUP (self->actions));
  relink_tray_apply_state (self->tray, tray_state);

  if (!name_has_owner (self->bus, WATCHER_NAME))
    return;
  timeout_id = g_timeout_add (REGISTER_TIMEOUT_MS, timed_out_cb, &timed_out);
  while (!relink_tray_get_registered (self->tray) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout_id);
}

static guint
deadline_ms (void)
{
  const char *value = g_getenv ("RELINK_HANDOVER_DEADLINE_MS");
  guint64 ms = value != NULL ? g_ascii_strtoull (value, NULL, 10) : 0;

  return ms > 0 && ms < DEADLINE_MS ? (guint) ms : DEADLINE_MS;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GVariant) state = NULL;
  g_autoptr (GVariant) tray_state = NULL;
  g_autoptr (GVariant) menu_state = NULL;
  g_autoptr (GVariantDict) dict = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;
  Bridge self = { 0 };
  const char *server = NULL;
  gint64 parent = 0;

  relink_process_harden ();
  /* Its parent's end is its own: the window never came. */
  prctl (PR_SET_PDEATHSIG, SIGTERM);

  state = read_state ();
  if (state == NULL)
    return 1;
  dict = g_variant_dict_new (state);
  /* The parent may have ended before the line above: then it is gone. */
  if (!g_variant_dict_lookup (dict, "parent", "x", &parent) || parent != getppid ())
    return 1;
  g_variant_dict_lookup (dict, "notification-server", "&s", &server);
  tray_state = g_variant_dict_lookup_value (dict, "tray", G_VARIANT_TYPE_VARDICT);
  menu_state = g_variant_dict_lookup_value (dict, "menu", G_VARIANT_TYPE ("aa(ssav)"));

  self.bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (self.bus == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_dbus_connection_set_exit_on_close (self.bus, TRUE);
  self.loop = g_main_loop_new (NULL, FALSE);
  g_variant_builder_init (&self.notification_clicks, G_VARIANT_TYPE ("a(sus)"));
  g_variant_builder_init (&self.menu_clicks, G_VARIANT_TYPE ("a(sav)"));

  /* From the server by its unique name: the ids are that server's. */
  if (server != NULL && g_dbus_is_unique_name (server))
    g_dbus_connection_signal_subscribe (self.bus, server, FDO_INTERFACE, "ActionInvoked", FDO_PATH,
                                        NULL, G_DBUS_SIGNAL_FLAGS_NONE, action_invoked_cb, &self,
                                        NULL);
  if (tray_state != NULL)
    show_tray (&self, tray_state, menu_state);

  /* The daemon has the subscription (its AddMatch went before this) by
   * the time this answers: every click from now on reaches the bridge. */
  reply = g_dbus_connection_call_sync (
      self.bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetId",
      NULL, G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, 2000, NULL, &error);
  if (reply == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf ("%s\n", g_dbus_connection_get_unique_name (self.bus));
  fflush (stdout);

  g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_cb, &self);
  g_timeout_add (deadline_ms (), quit_cb, &self);
  g_main_loop_run (self.loop);

  /* Announces Passive; the watcher forgets the item as the connection
   * closes, which the flush makes the next thing it does. */
  g_clear_object (&self.tray);
  g_dbus_connection_flush_sync (self.bus, NULL, NULL);
  g_variant_builder_clear (&self.notification_clicks);
  g_variant_builder_clear (&self.menu_clicks);
  g_clear_object (&self.actions);
  g_main_loop_unref (self.loop);
  g_object_unref (self.bus);
  return 0;
}
