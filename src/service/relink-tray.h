/* relink-tray.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  RELINK_TRAY_STATUS_ACTIVE,
  RELINK_TRAY_STATUS_NEEDS_ATTENTION,
  RELINK_TRAY_STATUS_PASSIVE,
} RelinkTrayStatus;

#define RELINK_TYPE_TRAY_STATUS (relink_tray_status_get_type ())
GType relink_tray_status_get_type (void);

#define RELINK_TYPE_TRAY (relink_tray_get_type ())

/* RelinkTray: the tray icon, a StatusNotifierItem with its menu exported
 * as com.canonical.dbusmenu (a RelinkDbusmenu), both over GDBus. GTK 4 has no tray API, and
 * the protocol needs nothing but D-Bus, so this object uses GIO only and
 * works (and is tested) without a display.
 *
 * The item is registered with the StatusNotifierWatcher under the
 * connection's unique name, so a Flatpak needs only
 * --talk-name=org.kde.StatusNotifierWatcher. Without a watcher nothing
 * fails; one that appears (or restarts) later gets the item then.
 *
 * A tray lives at fixed object paths, so a connection holds at most one.
 * To hide the icon, set the status to PASSIVE: the watcher forgets an item
 * only when its connection closes, so dropping the tray just announces
 * PASSIVE and unexports it. */
G_DECLARE_FINAL_TYPE (RelinkTray, relink_tray, RELINK, TRAY, GObject)

/* @menu: the tray menu. Its items' "app." actions are looked up in
 * @actions (a GApplication works: "app.quit" finds "quit"), and a left
 * click on the icon activates "app.activate". Both are followed for the
 * tray's whole life: a changed menu or enabled state reaches the host. */
RelinkTray *relink_tray_new (GDBusConnection *connection,
                             const char *icon_name,
                             GMenuModel *menu,
                             GActionGroup *actions);

RelinkTrayStatus relink_tray_get_status (RelinkTray *self);
void relink_tray_set_status (RelinkTray *self, RelinkTrayStatus status);
void relink_tray_set_tooltip (RelinkTray *self, const char *title, const char *description);
void relink_tray_set_icon_name (RelinkTray *self, const char *icon_name);
/* Shown instead of the icon while the status is NEEDS_ATTENTION; by
 * default the icon itself. */
void relink_tray_set_attention_icon_name (RelinkTray *self, const char *icon_name);
void relink_tray_set_title (RelinkTray *self, const char *title);
/* Whether a StatusNotifierWatcher accepted the item, i.e. whether a host
 * may be showing it. */
gboolean relink_tray_get_registered (RelinkTray *self);

/* What the item shows (a{sv}: icon, attention icon, title, status,
 * tooltip; not the menu), for another process to show the same while
 * this one is away (relink-handover.h); relink_tray_apply_state() shows
 * it. */
GVariant *relink_tray_dup_state (RelinkTray *self);
void relink_tray_apply_state (RelinkTray *self, GVariant *state);
/* Does what a click on a menu item for @action with @target would do,
 * with the same checks (a click the hand-over bridge recorded). */
void relink_tray_activate_action (RelinkTray *self, const char *action, GVariant *target);

G_END_DECLS
