/* relink-fdo-notifier.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "relink-fdo-notifier.h"

#define FDO_NAME "org.freedesktop.Notifications"
#define FDO_PATH "/org/freedesktop/Notifications"
#define FDO_INTERFACE "org.freedesktop.Notifications"

#define KEY_SERVER_ID "server-id"
#define KEY_SERVER "server"
#define KEY_DEFAULT_ACTION "default-action"
#define KEY_BUTTON_ACTION "button-action"

struct _RelinkFdoNotifier
{
  GObject parent_instance;

  GApplication *application; /* weak: it owns the owner of this */
  GDBusConnection *bus;
  char *state_path;
  /* Group per notification id: its server id and default action. */
  GKeyFile *state;
  /* id -> guint: bumped by each send and withdrawal, so that a late
   * answer to Notify knows whether it is still wanted. */
  GHashTable *generations;
  guint signal_id;
  guint watch_id;
  /* The unique name of the notification server now: ids are its own, and
   * a restarted server hands them out afresh. */
  char *owner;
  /* The clicks received live (as "server id key") until the hand-over
   * bridge's are in (relink_fdo_notifier_replay()), NULL after. */
  GPtrArray *live_clicks;
};

/* A seller clicks a handful in a hand-over, not more. */
#define MAX_LIVE_CLICKS 64

G_DEFINE_FINAL_TYPE (RelinkFdoNotifier, relink_fdo_notifier, G_TYPE_OBJECT)

gboolean
relink_fdo_notifier_is_wanted (gboolean gtk_service_present)
{
  const char *forced = g_getenv ("GNOTIFICATION_BACKEND");

  if (forced != NULL && *forced != '\0')
    return g_str_equal (forced, "freedesktop");
  if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    return FALSE;
  return !gtk_service_present;
}

static void
save_state (RelinkFdoNotifier *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (self->state_path);
  g_autofree char *data = NULL;
  gsize length;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_warning ("Cannot keep the reminders' ids in %s: %s", dir, g_strerror (errno));
      return;
    }
  data = g_key_file_to_data (self->state, &length, NULL);
  if (!g_file_set_contents_full (self->state_path, data, length, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, &error))
    g_warning ("Cannot keep the reminders' ids: %s", error->message);
}

/* The server id under which @server shows @id, 0 when none. */
static guint32
lookup_server_id (RelinkFdoNotifier *self, const char *id, const char *server)
{
  g_autofree char *shown_by = g_key_file_get_string (self->state, id, KEY_SERVER, NULL);

  if (server == NULL || g_strcmp0 (shown_by, server) != 0)
    return 0;
  return (guint32) g_key_file_get_uint64 (self->state, id, KEY_SERVER_ID, NULL);
}

/* The notification id that @server shows as @server_id, or NULL. */
static char *
find_by_server_id (RelinkFdoNotifier *self, const char *server, guint32 server_id)
{
  g_auto (GStrv) groups = g_key_file_get_groups (self->state, NULL);

  for (guint i = 0; groups[i] != NULL; i++)
    {
      if (server_id != 0 && lookup_server_id (self, groups[i], server) == server_id)
        return g_strdup (groups[i]);
    }
  return NULL;
}

static void
forget (RelinkFdoNotifier *self, const char *id)
{
  if (g_key_file_remove_group (self->state, id, NULL))
    save_state (self);
}

static guint
bump_generation (RelinkFdoNotifier *self, const char *id)
{
  guint generation = GPOINTER_TO_UINT (g_hash_table_lookup (self->generations, id)) + 1;

  g_hash_table_insert (self->generations, g_strdup (id), GUINT_TO_POINTER (generation));
  return generation;
}

/* Activates an "app." action named in the signal, after checking it is
 * one of the application's with the right kind of target: the signal is
 * anyone's to send. */
static void
activate_detailed (RelinkFdoNotifier *self, const char *detailed)
{
  g_autoptr (GVariant) target = NULL;
  g_autofree char *name = NULL;
  const GVariantType *parameter_type = NULL;
  const char *action;

  if (!g_action_parse_detailed_name (detailed, &name, &target, NULL)
      || !g_str_has_prefix (name, "app."))
    {
      g_debug ("Ignoring the notification action “%s”", detailed);
      return;
    }

  action = name + strlen ("app.");
  if (!g_action_group_query_action (G_ACTION_GROUP (self->application), action, NULL,
                                    &parameter_type, NULL, NULL, NULL)
      || (parameter_type == NULL) != (target == NULL)
      || (target != NULL && !g_variant_is_of_type (target, parameter_type)))
    {
      g_debug ("Ignoring the notification action “%s”", detailed);
      return;
    }

  g_action_group_activate_action (G_ACTION_GROUP (self->application), action, target);
}

/* What the server's ActionInvoked (@server_id, @key) from @server asks
 * for, whether the signal came live or through the hand-over bridge. */
static void
action_invoked (RelinkFdoNotifier *self, const char *server, guint32 server_id, const char *key)
{
  g_autofree char *id = find_by_server_id (self, server, server_id);
  g_autofree char *default_action = NULL;
  g_autofree char *button_action = NULL;

  if (id == NULL)
    return;

  default_action = g_key_file_get_string (self->state, id, KEY_DEFAULT_ACTION, NULL);
  button_action = g_key_file_get_string (self->state, id, KEY_BUTTON_ACTION, NULL);
  /* Only what this notification offered. */
  if (!g_str_equal (key, "default") && g_strcmp0 (key, button_action) != 0)
    return;

  /* An action ends the notification: the next one is a new one. This
   * also serves a click once when two images (or an image and the
   * bridge) both received it: the file tells the second it was done. */
  forget (self, id);
  if (!g_str_equal (key, "default"))
    activate_detailed (self, key);
  else if (default_action != NULL)
    activate_detailed (self, default_action);
  else
    g_application_activate (self->application);
}

static char *
click_key (const char *server, guint32 server_id, const char *key)
{
  return g_strdup_printf ("%s %u %s", server, server_id, key);
}

static void
signal_cb (GDBusConnection *bus,
           const char *sender,
           const char *path,
           const char *interface,
           const char *signal,
           GVariant *parameters,
           gpointer user_data)
{
  RelinkFdoNotifier *self = user_data;
  g_autofree char *id = NULL;
  guint32 server_id;

  if (self->application == NULL)
    return;

  if (g_str_equal (signal, "ActionInvoked")
      && g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(us)")))
    {
      const char *key;

      g_variant_get (parameters, "(u&s)", &server_id, &key);
      /* Until the bridge's clicks are in: it may have this one too. */
      if (self->live_clicks != NULL && self->live_clicks->len < MAX_LIVE_CLICKS)
        g_ptr_array_add (self->live_clicks, click_key (sender, server_id, key));
      action_invoked (self, sender, server_id, key);
    }
  else if (g_str_equal (signal, "NotificationClosed")
           && g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(uu)")))
    {
      g_variant_get (parameters, "(uu)", &server_id, NULL);
      id = find_by_server_id (self, sender, server_id);
      if (id != NULL)
        forget (self, id);
    }
}

void
relink_fdo_notifier_replay (RelinkFdoNotifier *self, GVariant *clicks)
{
  g_autoptr (GPtrArray) live = NULL;
  GVariantIter iter;
  const char *server, *key;
  guint32 server_id;

  g_return_if_fail (RELINK_IS_FDO_NOTIFIER (self));
  g_return_if_fail (g_variant_is_of_type (clicks, G_VARIANT_TYPE ("a(sus)")));

  live = g_steal_pointer (&self->live_clicks);
  g_variant_iter_init (&iter, clicks);
  while (self->application != NULL
         && g_variant_iter_next (&iter, "(&su&s)", &server, &server_id, &key))
    {
      g_autofree char *click = click_key (server, server_id, key);
      guint index;

      /* Received here too, after this image subscribed: served already.
       * A multiset: the same click twice is two clicks. */
      if (live != NULL && g_ptr_array_find_with_equal_func (live, click, g_str_equal, &index))
        {
          g_ptr_array_remove_index (live, index);
          continue;
        }
      if (g_dbus_is_unique_name (server))
        action_invoked (self, server, server_id, key);
    }
}

const char *
relink_fdo_notifier_get_server (RelinkFdoNotifier *self)
{
  g_return_val_if_fail (RELINK_IS_FDO_NOTIFIER (self), NULL);

  return self->owner;
}

static void
relink_fdo_notifier_finalize (GObject *object)
{
  RelinkFdoNotifier *self = RELINK_FDO_NOTIFIER (object);

  if (self->signal_id != 0)
    g_dbus_connection_signal_unsubscribe (self->bus, self->signal_id);
  if (self->watch_id != 0)
    g_bus_unwatch_name (self->watch_id);
  g_free (self->owner);
  g_clear_pointer (&self->live_clicks, g_ptr_array_unref);
  g_clear_weak_pointer (&self->application);
  g_clear_object (&self->bus);
  g_free (self->state_path);
  g_key_file_unref (self->state);
  g_hash_table_unref (self->generations);

  G_OBJECT_CLASS (relink_fdo_notifier_parent_class)->finalize (object);
}

static void
relink_fdo_notifier_class_init (RelinkFdoNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = relink_fdo_notifier_finalize;
}

static void
relink_fdo_notifier_init (RelinkFdoNotifier *self)
{
  self->state = g_key_file_new ();
  self->generations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->live_clicks = g_ptr_array_new_with_free_func (g_free);
}

static void
server_appeared_cb (GDBusConnection *bus, const char *name, const char *owner, gpointer user_data)
{
  RelinkFdoNotifier *self = user_data;

  g_free (self->owner);
  self->owner = g_strdup (owner);
}

static void
server_vanished_cb (GDBusConnection *bus, const char *name, gpointer user_data)
{
  RelinkFdoNotifier *self = user_data;

  g_clear_pointer (&self->owner, g_free);
}

RelinkFdoNotifier *
relink_fdo_notifier_new (GApplication *application, GDBusConnection *bus, const char *state_path)
{
  RelinkFdoNotifier *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (bus), NULL);

  self = g_object_new (RELINK_TYPE_FDO_NOTIFIER, NULL);
  g_set_weak_pointer (&self->application, application);
  self->bus = g_object_ref (bus);
  self->state_path = state_path != NULL ? g_strdup (state_path)
                                        : g_build_filename (g_get_user_runtime_dir (), "relink",
                                                            "notifications.ini", NULL);

  /* What an earlier image of this process (or an earlier run in this
   * session) showed; a missing or unreadable file is an empty list. */
  g_key_file_load_from_file (self->state, self->state_path, G_KEY_FILE_NONE, NULL);

  self->signal_id
      = g_dbus_connection_signal_subscribe (bus, FDO_NAME, FDO_INTERFACE, NULL, FDO_PATH, NULL,
                                            G_DBUS_SIGNAL_FLAGS_NONE, signal_cb, self, NULL);
  self->watch_id
      = g_bus_watch_name_on_connection (bus, FDO_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                        server_appeared_cb, server_vanished_cb, self, NULL);
  return self;
}

typedef struct
{
  RelinkFdoNotifier *self; /* strong */
  char *id;
  char *server; /* who answered */
  char *default_action;
  char *button_action;
  guint generation;
} Sent;

static void
sent_free (Sent *sent)
{
  g_object_unref (sent->self);
  g_free (sent->id);
  g_free (sent->server);
  g_free (sent->default_action);
  g_free (sent->button_action);
  g_free (sent);
}

static void
close_server_notification (RelinkFdoNotifier *self, guint32 server_id)
{
  g_dbus_connection_call (self->bus, FDO_NAME, FDO_PATH, FDO_INTERFACE, "CloseNotification",
                          g_variant_new ("(u)", server_id), NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          NULL, NULL);
}

static void
notify_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Sent *sent = user_data;
  RelinkFdoNotifier *self = sent->self;
  g_autoptr (GDBusMessage) reply = NULL;
  g_autoptr (GError) error = NULL;
  GVariant *body;
  guint32 server_id;

  reply = g_dbus_connection_send_message_with_reply_finish (G_DBUS_CONNECTION (object), result,
                                                            &error);
  if (reply != NULL)
    g_dbus_message_to_gerror (reply, &error);
  body = reply != NULL ? g_dbus_message_get_body (reply) : NULL;
  if (error == NULL && (body == NULL || !g_variant_is_of_type (body, G_VARIANT_TYPE ("(u)"))))
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "unexpected answer");
  if (error != NULL)
    {
      g_warning ("The desktop did not show a reminder: %s", error->message);
      sent_free (sent);
      return;
    }
  g_variant_get (body, "(u)", &server_id);
  /* The ids are the answering server's: kept with its unique name, which
   * is known here even before the name watch has told it. */
  g_free (sent->server);
  sent->server = g_strdup (g_dbus_message_get_sender (reply));

  /* Withdrawn or sent again while on its way: only the newest stays. */
  if (GPOINTER_TO_UINT (g_hash_table_lookup (self->generations, sent->id)) != sent->generation)
    {
      if (lookup_server_id (self, sent->id, sent->server) != server_id)
        close_server_notification (self, server_id);
      sent_free (sent);
      return;
    }

  g_key_file_remove_group (self->state, sent->id, NULL);
  g_key_file_set_uint64 (self->state, sent->id, KEY_SERVER_ID, server_id);
  if (sent->server != NULL)
    g_key_file_set_string (self->state, sent->id, KEY_SERVER, sent->server);
  if (sent->default_action != NULL)
    g_key_file_set_string (self->state, sent->id, KEY_DEFAULT_ACTION, sent->default_action);
  if (sent->button_action != NULL)
    g_key_file_set_string (self->state, sent->id, KEY_BUTTON_ACTION, sent->button_action);
  save_state (self);
  sent_free (sent);
}

static void
add_action (GVariantBuilder *actions, const char *key, const char *label)
{
  g_variant_builder_add (actions, "s", key);
  g_variant_builder_add (actions, "s", label);
}

void
relink_fdo_notifier_send (RelinkFdoNotifier *self, const char *id, const RelinkNotice *notice)
{
  g_auto (GVariantBuilder) actions = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("as"));
  g_auto (GVariantBuilder) hints = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{sv}"));
  const char *app_name = g_get_application_name ();
  g_autoptr (GDBusMessage) message = NULL;
  Sent *sent;
  guint32 replaces;

  g_return_if_fail (RELINK_IS_FDO_NOTIFIER (self));
  g_return_if_fail (id != NULL && notice != NULL && notice->title != NULL);

  sent = g_new0 (Sent, 1);
  sent->self = g_object_ref (self);
  sent->id = g_strdup (id);
  sent->generation = bump_generation (self, id);
  if (notice->default_action != NULL)
    sent->default_action
        = g_action_print_detailed_name (notice->default_action, notice->default_target);

  /* "default" is what the server sends when the notification itself is
   * clicked; without a default action that activates the application. */
  add_action (&actions, "default", "");
  if (notice->button_label != NULL)
    {
      sent->button_action
          = g_action_print_detailed_name (notice->button_action, notice->button_target);
      add_action (&actions, sent->button_action, notice->button_label);
    }

  g_variant_builder_add (&hints, "{sv}", "desktop-entry", g_variant_new_string (APPLICATION_ID));
  g_variant_builder_add (&hints, "{sv}", "urgency", g_variant_new_byte (notice->urgent ? 2 : 1));

  replaces = lookup_server_id (self, id, self->owner);
  message = g_dbus_message_new_method_call (FDO_NAME, FDO_PATH, FDO_INTERFACE, "Notify");
  g_dbus_message_set_body (
      message, g_variant_new ("(susssasa{sv}i)", app_name != NULL ? app_name : "", replaces,
                              APPLICATION_ID, notice->title,
                              notice->body != NULL ? notice->body : "", &actions, &hints, -1));
  g_dbus_connection_send_message_with_reply (self->bus, message, G_DBUS_SEND_MESSAGE_FLAGS_NONE, -1,
                                             NULL, NULL, notify_cb, sent);
}

gboolean
relink_fdo_notifier_has (RelinkFdoNotifier *self, const char *id)
{
  g_return_val_if_fail (RELINK_IS_FDO_NOTIFIER (self), FALSE);

  return g_key_file_has_group (self->state, id);
}

void
relink_fdo_notifier_withdraw (RelinkFdoNotifier *self, const char *id)
{
  guint32 server_id;

  g_return_if_fail (RELINK_IS_FDO_NOTIFIER (self));
  g_return_if_fail (id != NULL);

  bump_generation (self, id);
  server_id = lookup_server_id (self, id, self->owner);
  if (server_id != 0)
    close_server_notification (self, server_id);
  forget (self, id);
}
