/* relink-autostart.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Starting Relink at login, hidden (`relink --background`), so reminders
 * come without the seller opening it.
 *
 * Outside Flatpak: an XDG autostart desktop file,
 * $XDG_CONFIG_HOME/autostart/io.github.relink.Relink.desktop; the state is
 * whether that file exists and is enabled.
 *
 * Inside Flatpak the sandbox cannot write (or see) the host's autostart
 * directory: the Background portal writes it after asking the seller, with
 * a reason. The portal cannot be asked for the current state, so the last
 * answer is kept in the "autostart" setting. */

#define RELINK_AUTOSTART_ARGUMENT "--background"

gboolean relink_autostart_in_flatpak (void);
/* The desktop file used outside Flatpak. */
char *relink_autostart_dup_path (void);

/* Whether Relink starts at login. Reads the file in a thread. */
void relink_autostart_get_enabled_async (GSettings *settings,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
gboolean relink_autostart_get_enabled_finish (GAsyncResult *result, GError **error);

/* Turns starting at login on or off. @parent (may be NULL) is the window the
 * portal's question belongs to. On success *@out_enabled (optional) is the
 * state now, which inside Flatpak is what the seller allowed. */
void relink_autostart_set_enabled_async (GSettings *settings,
                                         gboolean enabled,
                                         GtkWindow *parent,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
gboolean
relink_autostart_set_enabled_finish (GAsyncResult *result, gboolean *out_enabled, GError **error);

G_END_DECLS
