/* relink-fdo-notifier.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What a reminder says and does: a title, a body, one button and a
 * default action (both "app." actions of the GApplication, with a target
 * or NULL). */
typedef struct
{
  const char *title;
  const char *body;
  gboolean urgent;
  const char *button_label;  /* NULL: no button */
  const char *button_action; /* "app.renew-account" */
  GVariant *button_target;
  const char *default_action; /* NULL: a click activates the application */
  GVariant *default_target;
} RelinkNotice;

#define RELINK_TYPE_FDO_NOTIFIER (relink_fdo_notifier_get_type ())

/* RelinkFdoNotifier: desktop notifications straight through
 * org.freedesktop.Notifications, where GLib would send them that way
 * (no org.gtk.Notifications on the bus, not sandboxed: KDE, Xfce, ...).
 *
 * GLib's own backend keeps the server's notification ids in process
 * memory; Relink hands its process over between the window and the
 * background program with exec(), after which GLib's reminders could no
 * longer be clicked, replaced or withdrawn. This one keeps the ids, and
 * each notification's default action, in a small file in
 * $XDG_RUNTIME_DIR/relink, which the next image reads: a click on a
 * reminder reaches whichever image runs then. Actions are sent and
 * received as detailed action names ("app.renew-account('id')"), as GLib
 * does. */
G_DECLARE_FINAL_TYPE (RelinkFdoNotifier, relink_fdo_notifier, RELINK, FDO_NOTIFIER, GObject)

/* Whether notifications of a process on @bus should go through this
 * notifier rather than GNotification: GNOTIFICATION_BACKEND when set,
 * else not inside Flatpak and @gtk_service_present is FALSE (whether
 * org.gtk.Notifications has an owner). */
gboolean relink_fdo_notifier_is_wanted (gboolean gtk_service_present);

/* @state_path: where the ids are kept (NULL: the default in
 * $XDG_RUNTIME_DIR). Actions are activated on @application. */
RelinkFdoNotifier *
relink_fdo_notifier_new (GApplication *application, GDBusConnection *bus, const char *state_path);
/* Shows @notice as @id, replacing the one shown as @id before. */
void relink_fdo_notifier_send (RelinkFdoNotifier *self, const char *id, const RelinkNotice *notice);
void relink_fdo_notifier_withdraw (RelinkFdoNotifier *self, const char *id);
/* Whether @id is on screen through this notifier (it stays with it, so
 * that it is replaced and withdrawn where it was shown). */
gboolean relink_fdo_notifier_has (RelinkFdoNotifier *self, const char *id);
/* The unique name of the notification server, NULL while there is none. */
const char *relink_fdo_notifier_get_server (RelinkFdoNotifier *self);
/* Serves @clicks (a(sus): server, server id, action key), the
 * ActionInvoked signals the hand-over bridge received (relink-handover.h),
 * but those this notifier received itself since it was made, which the
 * bridge may also have: a multiset difference. Once only. */
void relink_fdo_notifier_replay (RelinkFdoNotifier *self, GVariant *clicks);

G_END_DECLS
