/* relink-test-service.h
 *
 * Helpers shared by the service and GUI tests, GIO only: waiting on the
 * main loop, a stub marketplace's pieces, D-Bus calls from a connection of
 * the test's own, and the notification server, StatusNotifierWatcher and
 * dbusmenu client a desktop's panel would run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

gboolean relink_test_timed_out_cb (gpointer user_data);

/* Iterates the default main context until @cond holds; a hang fails the
 * test after @seconds instead of waiting for the harness to kill it.
 * @cond is evaluated once per iteration and not again afterwards, so it
 * may have side effects. */
#define RELINK_TEST_WAIT_FOR(cond, seconds)                                                        \
  G_STMT_START                                                                                     \
  {                                                                                                \
    gboolean timed_out_ = FALSE;                                                                   \
    gboolean held_;                                                                                \
    guint timeout_id_ = g_timeout_add_seconds ((seconds), relink_test_timed_out_cb, &timed_out_);  \
    while (!(held_ = !!(cond)) && !timed_out_)                                                     \
      g_main_context_iteration (NULL, TRUE);                                                       \
    if (!timed_out_)                                                                               \
      g_source_remove (timeout_id_);                                                               \
    if (!held_)                                                                                    \
      g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC,                            \
                           "timed out waiting for " #cond);                                        \
  }                                                                                                \
  G_STMT_END

/* A stub marketplace: an in-process libsoup server the tests start. */

/* A SoupServerCallback for /authorize: a sign-in page with a title and
 * nothing to fill in, enough for the login dialog's web view. */
void relink_test_stub_authorize_cb (SoupServer *server,
                                    SoupServerMessage *msg,
                                    const char *path,
                                    GHashTable *query,
                                    gpointer user_data);
/* Writes into @providers_dir (made if need be) the profile of the stub
 * marketplace @id at @base, with one environment "test": client secret
 * in the body, optional PKCE, identity from @base/users/me ("id",
 * "nickname"), and @base/revoke when @revocable. */
void relink_test_write_stub_profile (const char *providers_dir,
                                     const char *id,
                                     const char *name,
                                     const char *base,
                                     gboolean production,
                                     gboolean revocable);

/* A new connection to the session bus, apart from the application's
 * shared one: a panel or a notification server of the test's own. */
GDBusConnection *relink_test_new_bus_connection (void);

/* Exports the one interface of the introspection @xml at @path on
 * @connection; returns the registration id. */
guint relink_test_export (GDBusConnection *connection,
                          const char *path,
                          const char *xml,
                          const GDBusInterfaceVTable *vtable,
                          gpointer user_data);
/* Owns @name on @connection once this returns; the id is for
 * g_bus_unown_name(). */
guint relink_test_own_name (GDBusConnection *connection, const char *name);

/* Calls @method and iterates the main loop until it answers: the other
 * side (the tray, the application) answers from this same main loop.
 * @reply_type may be NULL. */
GVariant *relink_test_dbus_call (GDBusConnection *connection,
                                 const char *destination,
                                 const char *path,
                                 const char *interface,
                                 const char *method,
                                 GVariant *parameters,
                                 const char *reply_type,
                                 GError **error);

/* A notification server as a desktop runs it
 * (org.freedesktop.Notifications, which GIO's freedesktop backend talks
 * to), on a connection of its own; it records what it is asked. */
#define RELINK_TEST_NOTIFICATIONS_NAME "org.freedesktop.Notifications"
#define RELINK_TEST_NOTIFICATIONS_PATH "/org/freedesktop/Notifications"

typedef struct
{
  guint id;
  guint replaces_id;
  char *app_name;
  char *summary;
  char *body;
  GStrv actions; /* key, label, key, label, ... */
  guchar urgency;
} RelinkTestNotification;

typedef struct
{
  GDBusConnection *connection;
  guint object_id;
  guint owner_id;
  guint next_id;
  GPtrArray *notified; /* RelinkTestNotification */
  GArray *closed;      /* guint ids the client closed */
  guint pings;         /* GetCapabilities calls */
} RelinkTestNotificationServer;

/* Owns org.freedesktop.Notifications once this returns. */
RelinkTestNotificationServer *relink_test_notification_server_start (void);
/* Forgets what was notified and closed, for the next test. */
void relink_test_notification_server_clear (RelinkTestNotificationServer *server);
/* Returns once every Notify and CloseNotification @app_connection sent
 * before this call has reached @server. */
void relink_test_notification_server_sync (RelinkTestNotificationServer *server,
                                           GDBusConnection *app_connection);
/* Emits @signal ("ActionInvoked", "NotificationClosed") to every client. */
void relink_test_notification_server_emit (RelinkTestNotificationServer *server,
                                           const char *signal,
                                           GVariant *parameters);
/* The notification last sent, which there must be. */
RelinkTestNotification *relink_test_notification_server_last (RelinkTestNotificationServer *server);

/* A StatusNotifierWatcher as a desktop's panel runs it, reduced to what
 * an item uses, on a connection of its own. */
typedef struct
{
  gint64 time;   /* g_get_monotonic_time() */
  gboolean gone; /* FALSE: registered; TRUE: its connection closed */
  char *sender;
} RelinkTestWatcherEvent;

typedef struct
{
  GDBusConnection *connection;
  guint object_id;
  guint owner_id;
  GPtrArray *services; /* the names items registered, in order */
  GPtrArray *senders;  /* who registered them */
  /* What a real watcher's list goes through: an item is listed from the
   * answer to its registration until its connection closes
   * (RelinkTestWatcherEvent, in order). */
  GArray *events;
  GArray *name_watches;
  /* While set, registrations wait unanswered in @held (a slow panel). */
  gboolean hold;
  GPtrArray *held; /* GDBusMethodInvocation, owned */
} RelinkTestWatcher;

/* Owns org.kde.StatusNotifierWatcher once this returns. */
RelinkTestWatcher *relink_test_watcher_start (void);
/* Like a crash: the connection closes, the name goes with it. */
void relink_test_watcher_stop (RelinkTestWatcher *watcher);
/* Answers the registrations held meanwhile and holds no more. */
void relink_test_watcher_release (RelinkTestWatcher *watcher);
/* The senders of the items the watcher lists now, a set of strings
 * @watcher owns. */
GHashTable *relink_test_watcher_list_items (RelinkTestWatcher *watcher);
/* How many items the watcher lists now. */
guint relink_test_watcher_count_items (RelinkTestWatcher *watcher);

/* Where a StatusNotifierItem and its dbusmenu are, on the item's
 * connection. */
#define RELINK_TEST_ITEM_PATH "/StatusNotifierItem"
#define RELINK_TEST_ITEM_INTERFACE "org.kde.StatusNotifierItem"
#define RELINK_TEST_MENU_PATH "/MenuBar"
#define RELINK_TEST_MENU_INTERFACE "com.canonical.dbusmenu"

/* A panel showing the StatusNotifierItem the application exports on
 * @item_connection: its own connection, and the item's signals as text
 * ("NewStatus Passive", "LayoutUpdated 0", "ItemsPropertiesUpdated (...)",
 * else the name), in order. */
typedef struct
{
  GDBusConnection *connection;
  char *item_name;    /* the unique name of the item's connection */
  GPtrArray *signals; /* char* */
  guint revision;     /* of the last LayoutUpdated */
  guint subscription;
} RelinkTestHost;

RelinkTestHost *relink_test_host_new (GDBusConnection *item_connection);
void relink_test_host_free (RelinkTestHost *host);
gboolean relink_test_host_has_signal (RelinkTestHost *host, const char *text);
/* Calls @method on the item's connection; see relink_test_dbus_call(). */
GVariant *relink_test_host_call (RelinkTestHost *host,
                                 const char *path,
                                 const char *interface,
                                 const char *method,
                                 GVariant *parameters,
                                 const char *reply_type,
                                 GError **error);
/* A property of the org.kde.StatusNotifierItem, unboxed. */
GVariant *relink_test_host_get_item_property (RelinkTestHost *host, const char *name);
/* Calls @method of the menu, which must not fail. */
GVariant *relink_test_host_call_menu (RelinkTestHost *host,
                                      const char *method,
                                      GVariant *parameters,
                                      const char *reply_type);
/* The whole menu as relink_test_describe_menu() writes it; its revision
 * and root node in @revision and @layout when not NULL. */
char *relink_test_host_get_layout (RelinkTestHost *host, guint *revision, GVariant **layout);
/* Clicks the menu item @id, which must exist. */
void relink_test_host_click (RelinkTestHost *host, int id);

/* A dbusmenu layout's children (the "av" of a GetLayout node) as text:
 * "label" per item, "(label)" when disabled, "---" for a separator,
 * "label{...}" for a submenu, separated by "|". */
void relink_test_describe_menu (GString *out, GVariant *children);
/* The id of the item labelled @label in the dbusmenu layout @node, or -1. */
int relink_test_find_menu_item (GVariant *node, const char *label);

/* Forgets the reminders an earlier test showed (RelinkFdoNotifier keeps
 * their ids for the whole session, as it should): each test starts from
 * a desktop without them. */
void relink_test_forget_notifications (void);

G_END_DECLS
