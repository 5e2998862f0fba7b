/* relink-dbusmenu.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define RELINK_TYPE_DBUSMENU (relink_dbusmenu_get_type ())

/* RelinkDbusmenu: a GMenuModel exported as com.canonical.dbusmenu, the
 * menu protocol of StatusNotifierItem hosts (RelinkTray's menu). GIO
 * only, like the tray.
 *
 * dbusmenu addresses items by id where GMenuModel has positions, so the
 * model is flattened into a tree of snapshots the way GTK draws it
 * (sections inline between separators) and rebuilt, in an idle, when
 * the model changes; ids are never reused. Items' "app." actions are
 * looked up in the action group (a GApplication works: "app.quit" finds
 * "quit"), and their enabled state follows it. */
G_DECLARE_FINAL_TYPE (RelinkDbusmenu, relink_dbusmenu, RELINK, DBUSMENU, GObject)

/* @menu and @actions (both optional) are followed for the object's
 * whole life. */
RelinkDbusmenu *relink_dbusmenu_new (GMenuModel *menu, GActionGroup *actions);

/* Exports the menu at @object_path of @connection (one path at a time);
 * unexported by relink_dbusmenu_unexport() or on dispose. */
gboolean relink_dbusmenu_export (RelinkDbusmenu *self,
                                 GDBusConnection *connection,
                                 const char *object_path,
                                 GError **error);
void relink_dbusmenu_unexport (RelinkDbusmenu *self);

/* Activates @action ("app.*" or plain) with @target, as a click on an
 * item does: only when the group has it enabled and @target fits its
 * parameter type. */
void relink_dbusmenu_activate_action (RelinkDbusmenu *self, const char *action, GVariant *target);

G_END_DECLS
