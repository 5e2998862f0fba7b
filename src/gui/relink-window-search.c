/* relink-window-search.c: the main window's search
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The search bar filters the list by name, marketplace or user name.
 * Typing anywhere in the window or Ctrl+F opens it; Escape closes it and
 * shows every account again. */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-window-private.h"

static void
search_changed_cb (RelinkWindow *self, GtkSearchEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  g_autofree char *description = NULL;

  if (self->filter == NULL)
    return;

  relink_account_filter_set_search (self->filter, text);
  /* Translators: %s is what the seller searched for. */
  description = g_strdup_printf (_ ("No account’s name, marketplace or user name contains "
                                    "“%s”. Check the spelling, or press Escape to see all "
                                    "accounts."),
                                 text);
  adw_status_page_set_description (self->no_results_page, description);
  relink_window_update_page (self);
}

static void
search_mode_cb (RelinkWindow *self, GParamSpec *pspec, GtkSearchBar *search_bar)
{
  /* Closed, the search no longer hides anything: at once, not after the
   * entry's typing delay. */
  if (!gtk_search_bar_get_search_mode (search_bar))
    {
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      search_changed_cb (self, self->search_entry);
    }
}

static gboolean
start_search_cb (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  RelinkWindow *self = RELINK_WINDOW (widget);

  if (self->filter == NULL)
    return FALSE;

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));

  return TRUE;
}

/* Escape where the search entry does not see it (the focus is in the
 * list): the search closes all the same. */
static gboolean
stop_search_cb (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  RelinkWindow *self = RELINK_WINDOW (widget);

  if (!gtk_search_bar_get_search_mode (self->search_bar))
    return FALSE;

  gtk_search_bar_set_search_mode (self->search_bar, FALSE);

  return TRUE;
}

void
relink_window_search_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, start_search_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, stop_search_cb, NULL);
}

void
relink_window_search_init (RelinkWindow *self)
{
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  g_signal_connect_object (self->search_bar, "notify::search-mode-enabled",
                           G_CALLBACK (search_mode_cb), self, G_CONNECT_SWAPPED);
}

void
relink_window_search_setup (RelinkWindow *self)
{
  if (self->manager == NULL)
    {
      /* Nothing to search. */
      gtk_widget_set_sensitive (GTK_WIDGET (self->search_button), FALSE);
      return;
    }

  /* Typing anywhere in the window searches. */
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));
}
