/* relink-preferences-dialog.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define RELINK_TYPE_PREFERENCES_DIALOG (relink_preferences_dialog_get_type ())

/* RelinkPreferencesDialog: reminder lead times, the "expiring soon"
 * threshold, running in the background, starting at login and the tray
 * icon. Everything but starting at login lives in GSettings and is bound
 * directly; starting at login shows the real state (relink-autostart.h). */
G_DECLARE_FINAL_TYPE (RelinkPreferencesDialog,
                      relink_preferences_dialog,
                      RELINK,
                      PREFERENCES_DIALOG,
                      AdwPreferencesWindow)

/* @settings: schema io.github.relink.Relink. */
GtkWidget *relink_preferences_dialog_new (GtkWindow *parent, GSettings *settings);

/* "30, 7, 1" into days, most distant first, duplicates dropped; NULL when
 * the text is not a list of whole numbers of days (0 to 3650). */
GArray *relink_preferences_parse_lead_days (const char *text);
/* The setting's days as the entry shows them: "30, 7, 1". */
char *relink_preferences_format_lead_days (const guint32 *days, gsize n_days);

G_END_DECLS
