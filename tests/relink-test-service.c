/* relink-test-service.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "relink-test-oidc.h"
#include "relink-test-service.h"

#define WATCHER_NAME "org.kde.StatusNotifierWatcher"
#define WATCHER_PATH "/StatusNotifierWatcher"

gboolean
relink_test_timed_out_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
relink_test_stub_authorize_cb (SoupServer *server,
                               SoupServerMessage *msg,
                               const char *path,
                               GHashTable *query,
                               gpointer user_data)
{
  static const char page[] = "<html><head><title>Sign in</title></head><body></body></html>";

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, page, strlen (page));
}

void
relink_test_write_stub_profile (const char *providers_dir,
                                const char *id,
                                const char *name,
                                const char *base,
                                gboolean production,
                                gboolean revocable)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *file = g_strconcat (id, ".json", NULL);
  g_autofree char *path = g_build_filename (providers_dir, file, NULL);
  g_autofree char *revoke
      = revocable ? g_strdup_printf (", \"revoke_url\": \"%s/revoke\"", base) : g_strdup ("");
  g_autofree char *profile = g_strdup_printf (
      "{ \"format_version\": 1, \"id\": \"%s\", \"name\": \"%s\","
      "  \"client_auth\": \"body\", \"pkce\": \"optional\", \"scopes\": [],"
      "  \"access_lifetime\": 21600, \"refresh_lifetime\": 15552000,"
      "  \"identity\": { \"source\": \"endpoint\", \"id_field\": \"id\","
      "                  \"name_field\": \"nickname\" },"
      "  \"environments\": [ { \"id\": \"test\", \"name\": \"Test\", \"production\": %s,"
      "    \"authorize_url\": \"%s/authorize\", \"token_url\": \"%s/token\","
      "    \"identity_url\": \"%s/users/me\"%s } ] }",
      id, name, production ? "true" : "false", base, base, base, revoke);

  g_assert_cmpint (g_mkdir_with_parents (providers_dir, 0700), ==, 0);
  g_file_set_contents (path, profile, -1, &error);
  g_assert_no_error (error);
}

GDBusConnection *
relink_test_new_bus_connection (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = NULL;
  GDBusConnection *connection;

  address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  connection = g_dbus_connection_new_for_address_sync (
      address,
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

guint
relink_test_export (GDBusConnection *connection,
                    const char *path,
                    const char *xml,
                    const GDBusInterfaceVTable *vtable,
                    gpointer user_data)
{
  g_autoptr (GDBusNodeInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  guint id;

  info = g_dbus_node_info_new_for_xml (xml, &error);
  g_assert_no_error (error);
  id = g_dbus_connection_register_object (connection, path, info->interfaces[0], vtable, user_data,
                                          NULL, &error);
  g_assert_no_error (error);
  return id;
}

static void
name_acquired_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

guint
relink_test_own_name (GDBusConnection *connection, const char *name)
{
  gboolean acquired = FALSE;
  guint owner_id = g_bus_own_name_on_connection (connection, name, G_BUS_NAME_OWNER_FLAGS_NONE,
                                                 name_acquired_cb, NULL, &acquired, NULL);

  RELINK_TEST_WAIT_FOR (acquired, 10);
  return owner_id;
}

typedef struct
{
  gboolean done;
  GVariant *reply;
  GError *error;
} Call;

static void
call_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;

  call->reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &call->error);
  call->done = TRUE;
}

GVariant *
relink_test_dbus_call (GDBusConnection *connection,
                       const char *destination,
                       const char *path,
                       const char *interface,
                       const char *method,
                       GVariant *parameters,
                       const char *reply_type,
                       GError **error)
{
  Call data = { 0 };

  g_dbus_connection_call (connection, destination, path, interface, method, parameters,
                          reply_type ? G_VARIANT_TYPE (reply_type) : NULL, G_DBUS_CALL_FLAGS_NONE,
                          5000, NULL, call_cb, &data);
  while (!data.done)
    g_main_context_iteration (NULL, TRUE);
  if (data.error != NULL)
    g_propagate_error (error, data.error);
  return data.reply;
}

static void
notification_free (RelinkTestNotification *n)
{
  g_free (n->app_name);
  g_free (n->summary);
  g_free (n->body);
  g_strfreev (n->actions);
  g_free (n);
}

static const char notifications_xml[]
    = "<node><interface name='org.freedesktop.Notifications'>"
      "  <method name='Notify'>"
      "    <arg type='s' direction='in'/><arg type='u' direction='in'/>"
      "    <arg type='s' direction='in'/><arg type='s' direction='in'/>"
      "    <arg type='s' direction='in'/><arg type='as' direction='in'/>"
      "    <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
      "    <arg type='u' direction='out'/>"
      "  </method>"
      "  <method name='CloseNotification'><arg type='u' direction='in'/></method>"
      "  <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
      "  <method name='GetServerInformation'>"
      "    <arg type='s' direction='out'/><arg type='s' direction='out'/>"
      "    <arg type='s' direction='out'/><arg type='s' direction='out'/>"
      "  </method>"
      "  <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
      "  <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
      "</interface></node>";

static void
notifications_method_call (GDBusConnection *connection,
                           const char *sender,
                           const char *object_path,
                           const char *interface_name,
                           const char *method_name,
                           GVariant *parameters,
                           GDBusMethodInvocation *invocation,
                           gpointer user_data)
{
  RelinkTestNotificationServer *server = user_data;

  if (g_str_equal (method_name, "Notify"))
    {
      RelinkTestNotification *n = g_new0 (RelinkTestNotification, 1);
      g_autoptr (GVariant) hints = NULL;
      const char *app_name, *icon, *summary, *body;
      int timeout;

      g_variant_get (parameters, "(&su&s&s&s^as@a{sv}i)", &app_name, &n->replaces_id, &icon,
                     &summary, &body, &n->actions, &hints, &timeout);
      n->app_name = g_strdup (app_name);
      n->summary = g_strdup (summary);
      n->body = g_strdup (body);
      g_variant_lookup (hints, "urgency", "y", &n->urgency);
      n->id = n->replaces_id != 0 ? n->replaces_id : ++server->next_id;
      g_ptr_array_add (server->notified, n);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", n->id));
    }
  else if (g_str_equal (method_name, "CloseNotification"))
    {
      guint id;

      g_variant_get (parameters, "(u)", &id);
      g_array_append_val (server->closed, id);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "GetCapabilities"))
    {
      const char *caps[] = { "actions", "body", NULL };

      server->pings++;
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else
    {
      g_dbus_method_invocation_return_value (
          invocation, g_variant_new ("(ssss)", "fake", "relink-tests", "1", "1.2"));
    }
}

RelinkTestNotificationServer *
relink_test_notification_server_start (void)
{
  static const GDBusInterfaceVTable vtable = { notifications_method_call, NULL, NULL };
  RelinkTestNotificationServer *server = g_new0 (RelinkTestNotificationServer, 1);

  server->notified = g_ptr_array_new_with_free_func ((GDestroyNotify) notification_free);
  server->closed = g_array_new (FALSE, FALSE, sizeof (guint));
  server->connection = relink_test_new_bus_connection ();

  server->object_id = relink_test_export (server->connection, RELINK_TEST_NOTIFICATIONS_PATH,
                                          notifications_xml, &vtable, server);
  server->owner_id = relink_test_own_name (server->connection, RELINK_TEST_NOTIFICATIONS_NAME);
  return server;
}

void
relink_test_notification_server_clear (RelinkTestNotificationServer *server)
{
  g_ptr_array_set_size (server->notified, 0);
  g_array_set_size (server->closed, 0);
}

static void
ping_answered_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, NULL);

  *(gboolean *) user_data = TRUE;
}

/* The application's connection delivers in order: once a call made on it
 * now has been answered, every Notify and CloseNotification sent before
 * it has reached the server. */
void
relink_test_notification_server_sync (RelinkTestNotificationServer *server,
                                      GDBusConnection *app_connection)
{
  guint pings = server->pings;
  gboolean answered = FALSE;

  /* Answers come back in order on one connection and are dispatched in
   * order on this main context: once the ping's answer is here, the app has
   * also seen the answers to every Notify it sent before (GLib keeps the
   * returned id to replace the notification in place later). */
  g_dbus_connection_call (app_connection, RELINK_TEST_NOTIFICATIONS_NAME,
                          RELINK_TEST_NOTIFICATIONS_PATH, RELINK_TEST_NOTIFICATIONS_NAME,
                          "GetCapabilities", NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          ping_answered_cb, &answered);
  RELINK_TEST_WAIT_FOR (answered && server->pings > pings, 10);
}

void
relink_test_notification_server_emit (RelinkTestNotificationServer *server,
                                      const char *signal,
                                      GVariant *parameters)
{
  g_autoptr (GError) error = NULL;

  g_dbus_connection_emit_signal (server->connection, NULL, RELINK_TEST_NOTIFICATIONS_PATH,
                                 RELINK_TEST_NOTIFICATIONS_NAME, signal, parameters, &error);
  g_assert_no_error (error);
}

RelinkTestNotification *
relink_test_notification_server_last (RelinkTestNotificationServer *server)
{
  g_assert_cmpuint (server->notified->len, >, 0);
  return g_ptr_array_index (server->notified, server->notified->len - 1);
}

static const char watcher_xml[]
    = "<node><interface name='org.kde.StatusNotifierWatcher'>"
      "  <method name='RegisterStatusNotifierItem'><arg name='service' type='s'/></method>"
      "</interface></node>";

static void
watcher_log (RelinkTestWatcher *watcher, gboolean gone, const char *sender)
{
  RelinkTestWatcherEvent event = { g_get_monotonic_time (), gone, g_strdup (sender) };

  g_array_append_val (watcher->events, event);
}

static void
item_vanished_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  watcher_log (user_data, TRUE, name);
}

static void
answer_registration (RelinkTestWatcher *watcher, GDBusMethodInvocation *invocation)
{
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  guint watch;

  /* Listed from here on, until the item's connection closes. */
  watcher_log (watcher, FALSE, sender);
  watch
      = g_bus_watch_name_on_connection (watcher->connection, sender, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                        NULL, item_vanished_cb, watcher, NULL);
  g_array_append_val (watcher->name_watches, watch);
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
watcher_method_call (GDBusConnection *connection,
                     const char *sender,
                     const char *object_path,
                     const char *interface_name,
                     const char *method_name,
                     GVariant *parameters,
                     GDBusMethodInvocation *invocation,
                     gpointer user_data)
{
  RelinkTestWatcher *watcher = user_data;
  const char *service;

  g_assert_cmpstr (method_name, ==, "RegisterStatusNotifierItem");
  g_variant_get (parameters, "(&s)", &service);
  g_ptr_array_add (watcher->services, g_strdup (service));
  g_ptr_array_add (watcher->senders, g_strdup (sender));
  if (watcher->hold)
    g_ptr_array_add (watcher->held, invocation);
  else
    answer_registration (watcher, invocation);
}

static void
watcher_event_clear (gpointer data)
{
  g_free (((RelinkTestWatcherEvent *) data)->sender);
}

RelinkTestWatcher *
relink_test_watcher_start (void)
{
  static const GDBusInterfaceVTable vtable = { watcher_method_call, NULL, NULL };
  RelinkTestWatcher *watcher = g_new0 (RelinkTestWatcher, 1);

  watcher->services = g_ptr_array_new_with_free_func (g_free);
  watcher->senders = g_ptr_array_new_with_free_func (g_free);
  watcher->events = g_array_new (FALSE, FALSE, sizeof (RelinkTestWatcherEvent));
  g_array_set_clear_func (watcher->events, watcher_event_clear);
  watcher->name_watches = g_array_new (FALSE, FALSE, sizeof (guint));
  watcher->held = g_ptr_array_new ();
  watcher->connection = relink_test_new_bus_connection ();

  watcher->object_id
      = relink_test_export (watcher->connection, WATCHER_PATH, watcher_xml, &vtable, watcher);
  watcher->owner_id = relink_test_own_name (watcher->connection, WATCHER_NAME);
  return watcher;
}

void
relink_test_watcher_release (RelinkTestWatcher *watcher)
{
  g_autoptr (GPtrArray) held = g_steal_pointer (&watcher->held);

  watcher->hold = FALSE;
  watcher->held = g_ptr_array_new ();
  for (guint i = 0; i < held->len; i++)
    answer_registration (watcher, g_ptr_array_index (held, i));
}

GHashTable *
relink_test_watcher_list_items (RelinkTestWatcher *watcher)
{
  GHashTable *listed = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < watcher->events->len; i++)
    {
      RelinkTestWatcherEvent *event = &g_array_index (watcher->events, RelinkTestWatcherEvent, i);

      if (event->gone)
        g_hash_table_remove (listed, event->sender);
      else
        g_hash_table_add (listed, event->sender);
    }
  return listed;
}

guint
relink_test_watcher_count_items (RelinkTestWatcher *watcher)
{
  g_autoptr (GHashTable) listed = relink_test_watcher_list_items (watcher);

  return g_hash_table_size (listed);
}

void
relink_test_watcher_stop (RelinkTestWatcher *watcher)
{
  g_autoptr (GError) error = NULL;

  relink_test_watcher_release (watcher);
  for (guint i = 0; i < watcher->name_watches->len; i++)
    g_bus_unwatch_name (g_array_index (watcher->name_watches, guint, i));
  g_array_unref (watcher->name_watches);
  g_ptr_array_unref (watcher->held);
  g_array_unref (watcher->events);
  g_bus_unown_name (watcher->owner_id);
  g_dbus_connection_unregister_object (watcher->connection, watcher->object_id);
  g_dbus_connection_close_sync (watcher->connection, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (watcher->connection);
  g_ptr_array_unref (watcher->services);
  g_ptr_array_unref (watcher->senders);
  g_free (watcher);
}

void
relink_test_describe_menu (GString *out, GVariant *children)
{
  for (gsize i = 0; i < g_variant_n_children (children); i++)
    {
      g_autoptr (GVariant) boxed = g_variant_get_child_value (children, i);
      g_autoptr (GVariant) node = g_variant_get_variant (boxed);
      g_autoptr (GVariant) props = g_variant_get_child_value (node, 1);
      g_autoptr (GVariant) grandchildren = g_variant_get_child_value (node, 2);
      const char *type = NULL, *label = NULL, *display = NULL;
      gboolean enabled = TRUE;

      g_variant_lookup (props, "type", "&s", &type);
      g_variant_lookup (props, "label", "&s", &label);
      g_variant_lookup (props, "enabled", "b", &enabled);
      g_variant_lookup (props, "children-display", "&s", &display);

      if (i > 0)
        g_string_append_c (out, '|');
      if (g_strcmp0 (type, "separator") == 0)
        {
          g_string_append (out, "---");
          continue;
        }
      g_string_append_printf (out, enabled ? "%s" : "(%s)", label);
      if (g_strcmp0 (display, "submenu") == 0)
        {
          g_string_append_c (out, '{');
          relink_test_describe_menu (out, grandchildren);
          g_string_append_c (out, '}');
        }
      else
        {
          g_assert_cmpuint (g_variant_n_children (grandchildren), ==, 0);
        }
    }
}

int
relink_test_find_menu_item (GVariant *node, const char *label)
{
  g_autoptr (GVariant) props = g_variant_get_child_value (node, 1);
  g_autoptr (GVariant) children = g_variant_get_child_value (node, 2);
  const char *item_label;
  int id;

  g_variant_get_child (node, 0, "i", &id);
  if (g_variant_lookup (props, "label", "&s", &item_label) && g_str_equal (item_label, label))
    return id;
  for (gsize i = 0; i < g_variant_n_children (children); i++)
    {
      g_autoptr (GVariant) boxed = g_variant_get_child_value (children, i);
      g_autoptr (GVariant) child = g_variant_get_variant (boxed);

      id = relink_test_find_menu_item (child, label);
      if (id >= 0)
        return id;
    }
  return -1;
}

static void
host_signal_cb (GDBusConnection *connection,
                const char *sender,
                const char *path,
                const char *interface,
                const char *name,
                GVariant *parameters,
                gpointer user_data)
{
  RelinkTestHost *host = user_data;

  if (g_str_equal (name, "NewStatus"))
    {
      const char *status;

      g_variant_get (parameters, "(&s)", &status);
      g_ptr_array_add (host->signals, g_strdup_printf ("NewStatus %s", status));
    }
  else if (g_str_equal (name, "LayoutUpdated"))
    {
      int parent;

      g_variant_get (parameters, "(ui)", &host->revision, &parent);
      g_ptr_array_add (host->signals, g_strdup_printf ("LayoutUpdated %d", parent));
    }
  else if (g_str_equal (name, "ItemsPropertiesUpdated"))
    {
      g_autofree char *text = g_variant_print (parameters, FALSE);

      g_ptr_array_add (host->signals, g_strdup_printf ("ItemsPropertiesUpdated %s", text));
    }
  else
    {
      g_ptr_array_add (host->signals, g_strdup (name));
    }
}

RelinkTestHost *
relink_test_host_new (GDBusConnection *item_connection)
{
  RelinkTestHost *host = g_new0 (RelinkTestHost, 1);

  host->connection = relink_test_new_bus_connection ();
  host->item_name = g_strdup (g_dbus_connection_get_unique_name (item_connection));
  host->signals = g_ptr_array_new_with_free_func (g_free);
  host->subscription = g_dbus_connection_signal_subscribe (
      host->connection, host->item_name, NULL, NULL, NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
      host_signal_cb, host, NULL);
  return host;
}

void
relink_test_host_free (RelinkTestHost *host)
{
  g_dbus_connection_signal_unsubscribe (host->connection, host->subscription);
  g_dbus_connection_close_sync (host->connection, NULL, NULL);
  g_object_unref (host->connection);
  g_ptr_array_unref (host->signals);
  g_free (host->item_name);
  g_free (host);
}

gboolean
relink_test_host_has_signal (RelinkTestHost *host, const char *text)
{
  for (guint i = 0; i < host->signals->len; i++)
    if (g_str_equal (g_ptr_array_index (host->signals, i), text))
      return TRUE;
  return FALSE;
}

GVariant *
relink_test_host_call (RelinkTestHost *host,
                       const char *path,
                       const char *interface,
                       const char *method,
                       GVariant *parameters,
                       const char *reply_type,
                       GError **error)
{
  return relink_test_dbus_call (host->connection, host->item_name, path, interface, method,
                                parameters, reply_type, error);
}

GVariant *
relink_test_host_get_item_property (RelinkTestHost *host, const char *name)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;
  GVariant *value;

  reply = relink_test_host_call (host, RELINK_TEST_ITEM_PATH, "org.freedesktop.DBus.Properties",
                                 "Get", g_variant_new ("(ss)", RELINK_TEST_ITEM_INTERFACE, name),
                                 "(v)", &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &value);
  return value;
}

GVariant *
relink_test_host_call_menu (RelinkTestHost *host,
                            const char *method,
                            GVariant *parameters,
                            const char *reply_type)
{
  g_autoptr (GError) error = NULL;
  GVariant *reply;

  reply = relink_test_host_call (host, RELINK_TEST_MENU_PATH, RELINK_TEST_MENU_INTERFACE, method,
                                 parameters, reply_type, &error);
  g_assert_no_error (error);
  return reply;
}

char *
relink_test_host_get_layout (RelinkTestHost *host, guint *revision, GVariant **layout)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) root = NULL;
  g_autoptr (GVariant) children = NULL;
  GString *out = g_string_new (NULL);
  guint root_revision;
  int root_id;

  reply = relink_test_host_call_menu (host, "GetLayout", g_variant_new ("(iias)", 0, -1, NULL),
                                      "(u(ia{sv}av))");
  g_variant_get (reply, "(u@(ia{sv}av))", &root_revision, &root);
  g_variant_get_child (root, 0, "i", &root_id);
  g_assert_cmpint (root_id, ==, 0);
  children = g_variant_get_child_value (root, 2);
  relink_test_describe_menu (out, children);
  if (revision != NULL)
    *revision = root_revision;
  if (layout != NULL)
    *layout = g_variant_ref (root);
  return g_string_free (out, FALSE);
}

void
relink_test_host_click (RelinkTestHost *host, int id)
{
  g_autoptr (GVariant) reply = NULL;

  g_assert_cmpint (id, >, 0);
  reply = relink_test_host_call_menu (
      host, "Event", g_variant_new ("(isvu)", id, "clicked", g_variant_new_int32 (0), 0), "()");
}

void
relink_test_forget_notifications (void)
{
  g_autofree char *path
      = g_build_filename (g_get_user_runtime_dir (), "relink", "notifications.ini", NULL);

  g_remove (path);
}
