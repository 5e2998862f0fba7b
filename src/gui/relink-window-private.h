/* relink-window-private.h: what the main window's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * relink-window.c shows the sorted list of accounts and runs the window's
 * actions; relink-window-search.c filters it as the seller types;
 * relink-window-narrow.c lays the rows out for the window's width;
 * relink-window-retry.c retries an account from its row. Tests
 * use the functions at the end.
 */
#pragma once

#include <adwaita.h>

#include "relink-account-filter.h"
#include "relink-countdown-ticker.h"
#include "relink-window.h"

G_BEGIN_DECLS

struct _RelinkWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  GtkStack *stack;
  GtkSpinner *spinner;
  AdwStatusPage *error_page;
  GtkListView *list_view;
  GtkToggleButton *search_button;
  GtkSearchBar *search_bar;
  GtkSearchEntry *search_entry;
  AdwStatusPage *no_results_page;

  GSettings *settings;
  /* The process's; NULL when the store could not be opened. */
  RelinkContext *context;
  /* The context's, or NULL with it. */
  RelinkAccountManager *manager;
  GCancellable *cancellable;
  RelinkCountdownTicker *ticker;
  GtkSorter *sorter;
  /* The search: the accounts it keeps, sorted below. */
  RelinkAccountFilter *filter;
  GtkFilterListModel *filtered;
  GtkSortListModel *sorted;
  /* What the list view shows: the top of @sorted for the first frame,
   * all of it from the next (see grow_after_first_frame()). */
  GtkSliceListModel *shown;
  guint grow_tick_id;
  guint grow_ticks;
  /* The list items currently showing an account, to move group headings
   * when the number of attention items changes. */
  GHashTable *bound_items;
  /* The ids of the accounts win.retry-account is refreshing. */
  GHashTable *retrying;

  /* The moment and threshold the order was computed with: the sorter and
   * the attention count must agree, so neither reads the clock itself. */
  gint64 sort_now;
  gint64 soon_threshold;
  guint n_attention;
  guint resort_id;

  gboolean loading;
  gboolean has_error;
  /* The rows' layout for a narrow window (see relink_window_narrow_allocate()). */
  gboolean narrow;
};

/* Shows the page that fits: accounts, no results, loading, empty, error. */
void relink_window_update_page (RelinkWindow *self);

/* relink-window-search.c */
void relink_window_search_class_init (GtkWidgetClass *widget_class);
void relink_window_search_init (RelinkWindow *self);
/* Once constructed: type-to-search, or no search without a manager. */
void relink_window_search_setup (RelinkWindow *self);

/* relink-window-narrow.c */
void relink_window_narrow_init (RelinkWindow *self);
void relink_window_narrow_allocate (RelinkWindow *self, int width);

/* relink-window-retry.c: win.retry-account, with an account id. */
void
relink_window_retry_account_action (GSimpleAction *action, GVariant *parameter, gpointer user_data);

/* How many accounts are in "Needs attention" (for tests). */
guint relink_window_get_n_attention (RelinkWindow *self);
/* The token service the window's actions use: the context's. Needs a
 * manager. */
RelinkTokenService *relink_window_get_token_service (RelinkWindow *self);

G_END_DECLS
