/* relink-ui-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-ui-util.h"

GtkWidget *
relink_ui_destructive_dialog_new (GtkWindow *parent,
                                  const char *heading,
                                  const char *body,
                                  const char *response_id,
                                  const char *response_label)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);
  AdwMessageDialog *message_dialog = ADW_MESSAGE_DIALOG (dialog);

  adw_message_dialog_add_responses (message_dialog, "cancel", _ ("_Cancel"), response_id,
                                    response_label, NULL);
  adw_message_dialog_set_response_appearance (message_dialog, response_id,
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (message_dialog, "cancel");
  adw_message_dialog_set_close_response (message_dialog, "cancel");
  return dialog;
}

/* The password row's reveal button: its icon is "view-reveal-symbolic" or
 * "view-conceal-symbolic" (the row has a hidden apply button too). */
static GtkWidget *
find_reveal_button (GtkWidget *root)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *icon
          = GTK_IS_BUTTON (child) ? gtk_button_get_icon_name (GTK_BUTTON (child)) : NULL;
      GtkWidget *found;

      if (icon != NULL && g_str_has_prefix (icon, "view-"))
        return child;

      found = find_reveal_button (child);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
entry_row_title_cb (AdwEntryRow *row)
{
  const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
  GtkEditable *text = gtk_editable_get_delegate (GTK_EDITABLE (row));
  GtkWidget *reveal;

  if (title == NULL)
    return;

  if (text != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (text), GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                    -1);

  reveal = ADW_IS_PASSWORD_ENTRY_ROW (row) ? find_reveal_button (GTK_WIDGET (row)) : NULL;
  if (reveal != NULL)
    {
      /* Translators: the button that shows what was typed in a password
       * field, for screen readers: "Show or hide Client Secret". */
      g_autofree char *label = g_strdup_printf (_ ("Show or hide %s"), title);

      gtk_accessible_update_property (GTK_ACCESSIBLE (reveal), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      -1);
    }
}

void
relink_ui_name_entry_row (AdwEntryRow *row)
{
  g_return_if_fail (ADW_IS_ENTRY_ROW (row));

  if (g_object_get_data (G_OBJECT (row), "relink-named") == NULL)
    {
      g_object_set_data (G_OBJECT (row), "relink-named", GINT_TO_POINTER (TRUE));
      g_signal_connect (row, "notify::title", G_CALLBACK (entry_row_title_cb), NULL);
    }
  entry_row_title_cb (row);
}

void
relink_ui_name_entry_rows (GtkWidget *root)
{
  if (ADW_IS_ENTRY_ROW (root))
    {
      relink_ui_name_entry_row (ADW_ENTRY_ROW (root));
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    relink_ui_name_entry_rows (child);
}
