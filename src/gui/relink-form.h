/* relink-form.h
 *
 * How the add-account pages point out problems in what was typed, so
 * that every page does it alike.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The text of @editable without leading and trailing white space. */
char *relink_form_dup_trimmed (GtkEditable *editable);

/* A row's problems show only once the seller typed into it (or when all
 * problems are asked for), so an untouched form does not open in red. */
void relink_form_set_touched (gpointer row, gboolean touched);

/* Marks @row as wrong (red, with @problem as tooltip and accessible
 * description), or as fine when @problem is NULL. */
void relink_form_mark_row (gpointer row, const char *problem);

/* Marks @row with @problem if it was touched or @show_all, and then
 * appends @problem (if any) as a line to @problems. */
void
relink_form_add_problem (GString *problems, gpointer row, const char *problem, gboolean show_all);

/* Shows @problems under a group in @label, or hides it when empty. */
void relink_form_show_problems (GtkLabel *label, GString *problems);

/* Removes every child of a GtkListBox or GtkBox. */
void relink_form_remove_all (GtkWidget *parent);

G_END_DECLS
