/* relink-handover.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-fdo-notifier.h"
#include "relink-tray.h"

G_BEGIN_DECLS

/* The hand-over bridge: while the process execs from one image to the
 * other (relink-background <-> relink), nothing of it is on the bus for
 * a second or two. Where the desktop would not wait for it, a small
 * helper, relink-handover (relink-handover-main.c), stands in:
 *
 * - the notification server's ActionInvoked signals are broadcast, not
 *   queued for an owner the way method calls to the application's name
 *   are (D-Bus activation, org.gtk.Actions): a click on a reminder sent
 *   while no image listens would be lost. The bridge records them.
 * - a StatusNotifierWatcher forgets an item when its connection closes:
 *   the icon would vanish and come back. The bridge shows the same item
 *   (status, tooltip, menu) meanwhile, and records menu clicks.
 *
 * The old image starts it (relink_handover_start_async()) and execs once
 * it listens; the new image, once it listens itself and its own item is
 * registered, takes the recorded clicks (relink_handover_complete()) and
 * the bridge leaves at once.
 *
 * The only way to the bridge is its stdin and stdout, which the process
 * keeps across the exec (their numbers, and the bridge's pid, go from one
 * image to the next in RELINK_HANDOVER_ENV, which the new image takes
 * out): nothing else on the bus can take the clicks or end it, and none
 * of it depends on the bus telling which process a connection is (a
 * Flatpak's bus proxy hides it). On stdin: the state, packed
 * (relink_handover_pack()); later one byte, RELINK_HANDOVER_FINISH, or
 * end of file when the process is gone. On stdout: one line with the
 * bridge's unique bus name once it listens and its item is registered;
 * after RELINK_HANDOVER_FINISH the clicks, (a(sus)a(sav)): notification
 * clicks as (server, id, action key) and menu clicks as (detailed action
 * name, zero or one target), until end of file. */

#define RELINK_HANDOVER_ENV "RELINK_HANDOVER"
#define RELINK_HANDOVER_FINISH 'F'
#define RELINK_HANDOVER_CLICKS_TYPE "(a(sus)a(sav))"

/* The state the old image hands to the bridge (a{sv}): "parent" (x, the
 * pid of the process), "notification-server" (s, the unique name of the
 * notification server whose clicks to record), "tray" (a{sv}, see
 * relink_tray_dup_state()), "menu" (aa(ssav): sections of (label,
 * detailed action name, zero or one target)). */
#define RELINK_HANDOVER_STATE_TYPE "a{sv}"

/* @message's size (32 bits, host order), then its bytes. */
GBytes *relink_handover_pack (GVariant *message);

/* Starts the bridge for @tray (NULL or not registered: none to stand in
 * for) and the clicks of @notification_server (NULL: none), and returns
 * once it listens and its item is registered, with
 * RELINK_HANDOVER_ENV set for the next image. With nothing to stand in
 * for it returns at once. @bus: the connection the image listens on;
 * the bridge's readiness is synchronised with it, so every signal sent
 * before it listened has reached this image first. */
void relink_handover_start_async (GDBusConnection *bus,
                                  RelinkTray *tray,
                                  const char *notification_server,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
gboolean relink_handover_start_finish (GAsyncResult *result, GError **error);

/* First thing in main(): takes RELINK_HANDOVER_ENV out of the
 * environment (no later program may inherit it, nor the pipes: they are
 * closed on the next exec), and reaps the bridge, which this process
 * (the old image) started, when it ends. */
void relink_handover_take_environment (void);

/* In the old image, when it stays after all (a window was asked for
 * while the bridge started): takes RELINK_HANDOVER_ENV and the pipes back
 * as the new image would, so that relink_handover_complete() takes the
 * bridge's clicks and lets it go. This image listened all along: pass it
 * no notifier there, the bridge's reminder clicks were served already. */
void relink_handover_stay (void);

/* In the new image, once @fdo (may be NULL) listens and @tray (may be
 * NULL) is made: waits (a few seconds at most) for the tray to be
 * registered, then takes the bridge's clicks, which @fdo and @tray serve
 * (each one once), and lets it leave. Does nothing without a bridge. */
void relink_handover_complete (GDBusConnection *bus, RelinkTray *tray, RelinkFdoNotifier *fdo);

/* The menu as the bridge shows it again: aa(ssav), see above. */
GVariant *relink_handover_menu_to_variant (GMenuModel *menu);
GMenu *relink_handover_menu_from_variant (GVariant *sections);

G_END_DECLS
