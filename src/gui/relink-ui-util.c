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
