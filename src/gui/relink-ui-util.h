/* relink-ui-util.h
 *
 * Small pieces the dialogs share, so that they ask alike.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* A modal question over @parent before something that cannot be undone:
 * "_Cancel" (the default, also on Escape) and @response_label under
 * @response_id, drawn as destructive. Not presented yet: the caller
 * connects to AdwMessageDialog::response first. */
GtkWidget *relink_ui_destructive_dialog_new (GtkWindow *parent,
                                             const char *heading,
                                             const char *body,
                                             const char *response_id,
                                             const char *response_label);

/* libadwaita 1.2 leaves an entry row's text field (what the keyboard
 * focuses) and a password row's reveal button without an accessible name:
 * gives them the row's title, now and whenever it changes. */
void relink_ui_name_entry_row (AdwEntryRow *row);
/* The same for every entry row below @root. */
void relink_ui_name_entry_rows (GtkWidget *root);

G_END_DECLS
