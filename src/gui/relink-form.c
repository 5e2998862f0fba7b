/* relink-form.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-form.h"

#define TOUCHED_KEY "relink-touched"

char *
relink_form_dup_trimmed (GtkEditable *editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (editable)));
}

void
relink_form_set_touched (gpointer row, gboolean touched)
{
  g_object_set_data (G_OBJECT (row), TOUCHED_KEY, GINT_TO_POINTER (touched));
}

void
relink_form_mark_row (gpointer row, const char *problem)
{
  GtkWidget *widget = GTK_WIDGET (row);

  if (problem != NULL)
    gtk_widget_add_css_class (widget, "error");
  else
    gtk_widget_remove_css_class (widget, "error");

  gtk_widget_set_tooltip_text (widget, problem);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  problem != NULL ? problem : "", -1);
}

void
relink_form_add_problem (GString *problems, gpointer row, const char *problem, gboolean show_all)
{
  if (!show_all && g_object_get_data (G_OBJECT (row), TOUCHED_KEY) == NULL)
    {
      relink_form_mark_row (row, NULL);
      return;
    }

  relink_form_mark_row (row, problem);
  if (problem == NULL)
    return;
  if (problems->len > 0)
    g_string_append_c (problems, '\n');
  g_string_append (problems, problem);
}

void
relink_form_show_problems (GtkLabel *label, GString *problems)
{
  gtk_label_set_text (label, problems->str);
  gtk_widget_set_visible (GTK_WIDGET (label), problems->len > 0);
}

void
relink_form_remove_all (GtkWidget *parent)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (parent)) != NULL)
    {
      if (GTK_IS_LIST_BOX (parent))
        gtk_list_box_remove (GTK_LIST_BOX (parent), child);
      else
        gtk_box_remove (GTK_BOX (parent), child);
    }
}
