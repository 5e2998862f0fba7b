/* relink-window-narrow.c: the main window's layout for its width
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A narrow window (a phone, a tiled half screen) lays the rows out in a
 * narrow layout; the window tells its rows which one whenever its width
 * crosses NARROW_WIDTH. */

#include "config.h"

#include "relink-account-row.h"
#include "relink-window-private.h"

/* Below this width the rows put the state and countdown under the name
 * (relink_account_row_set_narrow()). It is wider than the wide rows'
 * minimum, so a window shrinking past it always gets there: the narrow
 * rows then let it go down to 360 px (a phone's width). */
#define NARROW_WIDTH 560

static void
set_narrow (RelinkWindow *self, gboolean narrow)
{
  GHashTableIter iter;
  gpointer item;

  if (self->narrow == narrow)
    return;

  self->narrow = narrow;
  g_debug ("Rows laid out for a %s window", narrow ? "narrow" : "wide");

  g_hash_table_iter_init (&iter, self->bound_items);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    {
      GtkWidget *row = gtk_list_item_get_child (item);

      if (row != NULL)
        relink_account_row_set_narrow (RELINK_ACCOUNT_ROW (row), narrow);
    }
}

/* The layout follows the width the window got, maximized or tiled too
 * (libadwaita 1.2 has no breakpoints). The window's size_allocate calls
 * this before its children are allocated, so that they are measured in
 * their new layout in this same pass: changed after, GTK would paint
 * some of them unallocated. */
void
relink_window_narrow_allocate (RelinkWindow *self, int width)
{
  set_narrow (self, width < NARROW_WIDTH);
}

/* Resized (or sized before it is first shown): the layout is chosen
 * before GTK measures the window for its new size, so that a window made
 * narrow is measured with narrow rows. Maximized, the size is the
 * monitor's, known only at allocation. */
static void
default_width_cb (RelinkWindow *self, GParamSpec *pspec, gpointer user_data)
{
  int width, height;

  if (gtk_window_is_maximized (GTK_WINDOW (self)) || gtk_window_is_fullscreen (GTK_WINDOW (self)))
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width > 0)
    set_narrow (self, width < NARROW_WIDTH);
}

/* After the window took its saved size. */
void
relink_window_narrow_init (RelinkWindow *self)
{
  default_width_cb (self, NULL, NULL);
  g_signal_connect (self, "notify::default-width", G_CALLBACK (default_width_cb), NULL);
}
