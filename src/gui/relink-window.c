/* relink-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The main window: every account in one list, the ones that need the
 * seller first, and the window's actions. Its search, its narrow layout
 * and the rows' Retry Now are in relink-window-search.c,
 * relink-window-narrow.c and relink-window-retry.c. */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-account-details-dialog.h"
#include "relink-account-row-private.h"
#include "relink-add-account-dialog.h"
#include "relink-expiry.h"
#include "relink-grant.h"
#include "relink-keysets-dialog.h"
#include "relink-login-dialog.h"
#include "relink-window-private.h"

G_DEFINE_FINAL_TYPE (RelinkWindow, relink_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_CONTEXT,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
account_needs_attention (RelinkWindow *self, RelinkAccount *account, RelinkAccountState *state)
{
  /* An account is as urgent as its most urgent grant, as its row shows. */
  account = relink_grant_most_urgent (account, self->sort_now, self->soon_threshold);
  *state = relink_account_get_state (account, self->sort_now, self->soon_threshold);

  return relink_expiry_state_needs_attention (*state);
}

static int
compare_accounts (gconstpointer a, gconstpointer b, gpointer user_data)
{
  RelinkWindow *self = user_data;
  RelinkAccount *account_a = (RelinkAccount *) a;
  RelinkAccount *account_b = (RelinkAccount *) b;
  RelinkAccountState state_a, state_b;
  gboolean attention_a = account_needs_attention (self, account_a, &state_a);
  gboolean attention_b = account_needs_attention (self, account_b, &state_b);
  gint64 expires_a, expires_b;
  int cmp;

  /* The groups first, so that "Needs attention" is one run whatever the
   * state order says. */
  if (attention_a != attention_b)
    return attention_a ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;

  if (state_a != state_b)
    return state_a < state_b ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;

  /* Soonest expiry first; no known expiry last. */
  expires_a = relink_account_get_refresh_expires_at (
      relink_grant_most_urgent (account_a, self->sort_now, self->soon_threshold));
  expires_b = relink_account_get_refresh_expires_at (
      relink_grant_most_urgent (account_b, self->sort_now, self->soon_threshold));
  if (expires_a != expires_b)
    {
      if (expires_a == 0)
        return GTK_ORDERING_LARGER;
      if (expires_b == 0)
        return GTK_ORDERING_SMALLER;
      return expires_a < expires_b ? GTK_ORDERING_SMALLER : GTK_ORDERING_LARGER;
    }

  cmp = g_utf8_collate (relink_account_get_display_name (account_a),
                        relink_account_get_display_name (account_b));
  if (cmp == 0)
    cmp = g_strcmp0 (relink_account_get_id (account_a), relink_account_get_id (account_b));

  return gtk_ordering_from_cmpfunc (cmp);
}

static void
update_group_position (RelinkWindow *self, GtkListItem *item)
{
  GtkWidget *row = gtk_list_item_get_child (item);
  guint position = gtk_list_item_get_position (item);
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (self->sorted));
  const char *heading = NULL;
  gboolean last;

  if (row == NULL || relink_account_row_get_account (RELINK_ACCOUNT_ROW (row)) == NULL)
    return;

  if (position == 0 && self->n_attention > 0)
    heading = _ ("Needs attention");
  else if (position == self->n_attention)
    heading = _ ("Connected");

  last = position + 1 == self->n_attention || position + 1 == n_items;

  relink_account_row_set_group_position (RELINK_ACCOUNT_ROW (row), heading, last);
}

static void
update_all_group_positions (RelinkWindow *self)
{
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->bound_items);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    update_group_position (self, item);
}

/* The sorted list puts every attention item first, so their number is
 * the partition point: a binary search, not a walk over 10,000 accounts
 * on every change. */
static void
recount (RelinkWindow *self)
{
  GListModel *model = G_LIST_MODEL (self->sorted);
  guint low = 0;
  guint high = g_list_model_get_n_items (model);

  while (low < high)
    {
      guint middle = low + (high - low) / 2;
      g_autoptr (RelinkAccount) account = g_list_model_get_item (model, middle);
      RelinkAccountState state;

      if (account_needs_attention (self, account, &state))
        low = middle + 1;
      else
        high = middle;
    }

  self->n_attention = low;
  update_all_group_positions (self);
}

/* No row is shorter than this (a 40 px badge in 10 px of padding). */
#define ROW_HEIGHT_FLOOR 48

/* Enough rows to fill the window, however tall it may be when shown: as
 * tall as the tallest monitor, or as its saved size if that is taller. */
static guint
rows_to_fill_screen (RelinkWindow *self)
{
  GListModel *monitors = gdk_display_get_monitors (gtk_widget_get_display (GTK_WIDGET (self)));
  int width, tallest;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &tallest);
  tallest = MAX (tallest, gtk_widget_get_height (GTK_WIDGET (self)));

  for (guint i = 0; i < g_list_model_get_n_items (monitors); i++)
    {
      g_autoptr (GdkMonitor) monitor = g_list_model_get_item (monitors, i);
      GdkRectangle geometry;

      gdk_monitor_get_geometry (monitor, &geometry);
      tallest = MAX (tallest, geometry.height);
    }

  /* A display that names no monitor yet: assume a tall one. */
  if (tallest == 0)
    tallest = 2160;

  return tallest / ROW_HEIGHT_FLOOR + 1;
}

static gboolean
grow_tick_cb (GtkWidget *list_view, GdkFrameClock *clock, gpointer user_data)
{
  RelinkWindow *self = user_data;

  /* Ticks come before a frame is laid out and painted: the first one
   * belongs to the first frame that shows the list, the second comes
   * after it was painted. The list view ticks only while it is shown,
   * that is once there are accounts. */
  if (self->grow_ticks++ == 0)
    return G_SOURCE_CONTINUE;

  self->grow_tick_id = 0;
  gtk_slice_list_model_set_size (self->shown, G_MAXUINT);

  return G_SOURCE_REMOVE;
}

/* GTK 4.8's list view makes, binds and measures a row for each of the
 * first 200 items, however few fit in the window: with a long list that
 * was most of the start-up time. So the list starts with only the rows
 * that can be on screen (the top of the sorted list, exactly what the
 * seller sees at the top), and grows to every account from the frame
 * after the first one that shows them. The price: for that one frame the
 * scrollbar measures the first screenful, and End would go to its last
 * row. */
static void
grow_after_first_frame (RelinkWindow *self)
{
  if (self->grow_tick_id != 0 || gtk_slice_list_model_get_size (self->shown) == G_MAXUINT)
    return;

  self->grow_ticks = 0;
  self->grow_tick_id
      = gtk_widget_add_tick_callback (GTK_WIDGET (self->list_view), grow_tick_cb, self, NULL);
}

void
relink_window_update_page (RelinkWindow *self)
{
  const char *page;

  /* Not constructed yet. */
  if (self->manager != NULL && self->sorted == NULL)
    return;

  if (self->has_error || self->manager == NULL)
    page = "error";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->sorted)) > 0)
    page = "accounts";
  else if (relink_account_filter_is_active (self->filter)
           && g_list_model_get_n_items (relink_account_manager_get_accounts (self->manager)) > 0)
    page = "no-results";
  else if (self->loading)
    page = "loading";
  else
    page = "empty";

  g_debug ("Showing the %s page", page);
  gtk_stack_set_visible_child_name (self->stack, page);
  /* A spinner animates while it is realized, shown or not: left spinning
   * on the page the stack has left, it would keep the frame clock and
   * with it the whole window (layout, X round trips) busy for good. */
  gtk_spinner_set_spinning (self->spinner, g_str_equal (page, "loading"));

  if (g_str_equal (page, "accounts"))
    grow_after_first_frame (self);
}

static void
resort (RelinkWindow *self)
{
  g_clear_handle_id (&self->resort_id, g_source_remove);

  self->sort_now = relink_now ();
  self->soon_threshold = relink_countdown_ticker_get_soon_threshold (self->ticker);
  gtk_sorter_changed (self->sorter, GTK_SORTER_CHANGE_DIFFERENT);
  /* Again, in case the re-sort moved nothing and emitted no items-changed. */
  recount (self);
}

static gboolean
resort_idle_cb (gpointer user_data)
{
  RelinkWindow *self = user_data;

  self->resort_id = 0;
  resort (self);

  return G_SOURCE_REMOVE;
}

/* Many accounts may change in one go (a reload from the store); sorting
 * once afterwards is enough. */
static void
queue_resort (RelinkWindow *self)
{
  if (self->resort_id == 0)
    self->resort_id = g_idle_add (resort_idle_cb, self);
}

static void
tick_cb (RelinkWindow *self, gboolean states_changed, RelinkCountdownTicker *ticker)
{
  if (states_changed)
    resort (self);
}

static void
account_changed_cb (RelinkWindow *self,
                    RelinkAccount *account,
                    GParamSpec *pspec,
                    RelinkCountdownTicker *ticker)
{
  /* A renamed account may now match the search, or no longer. */
  if (pspec != NULL
      && (g_str_equal (pspec->name, "nickname") || g_str_equal (pspec->name, "identity-name")
          || g_str_equal (pspec->name, "identity-id") || g_str_equal (pspec->name, "keyset")))
    relink_account_filter_refilter (self->filter);
  queue_resort (self);
}

static void
sorted_items_changed_cb (
    RelinkWindow *self, guint position, guint removed, guint added, GListModel *model)
{
  /* The count must be right before the list view rebinds its rows, so it
   * is redone here and not in an idle. The sort model emits this after it
   * sorted, so the partition is in place. */
  recount (self);
  relink_window_update_page (self);
}

static void
soon_days_changed_cb (RelinkWindow *self, const char *key, GSettings *settings)
{
  gint64 days = g_settings_get_uint (settings, "expiring-soon-days");

  relink_countdown_ticker_set_soon_threshold (self->ticker, days * 24 * 3600);
}

static void
position_changed_cb (RelinkWindow *self, GParamSpec *pspec, GtkListItem *item)
{
  update_group_position (self, item);
}

static void
setup_cb (RelinkWindow *self, GtkListItem *item, GtkSignalListItemFactory *factory)
{
  GtkWidget *row = relink_account_row_new (self->ticker);

  relink_account_row_set_narrow (RELINK_ACCOUNT_ROW (row), self->narrow);
  gtk_list_item_set_child (item, row);
  g_signal_connect_object (item, "notify::position", G_CALLBACK (position_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
bind_cb (RelinkWindow *self, GtkListItem *item, GtkSignalListItemFactory *factory)
{
  RelinkAccountRow *row = RELINK_ACCOUNT_ROW (gtk_list_item_get_child (item));

  relink_account_row_set_narrow (row, self->narrow);
  relink_account_row_set_account (row, gtk_list_item_get_item (item));
  relink_account_row_set_retrying (
      row, g_hash_table_contains (
               self->retrying, relink_account_get_id (relink_account_row_get_shown_grant (row))));
  g_hash_table_add (self->bound_items, item);
  update_group_position (self, item);
}

static void
unbind_cb (RelinkWindow *self, GtkListItem *item, GtkSignalListItemFactory *factory)
{
  RelinkAccountRow *row = RELINK_ACCOUNT_ROW (gtk_list_item_get_child (item));

  g_hash_table_remove (self->bound_items, item);
  relink_account_row_set_account (row, NULL);
}

static void
teardown_cb (RelinkWindow *self, GtkListItem *item, GtkSignalListItemFactory *factory)
{
  g_hash_table_remove (self->bound_items, item);
}

static void
account_removed_cb (RelinkWindow *self, const char *display_name, GtkWindow *dialog)
{
  /* Translators: %s is the account's name. */
  relink_window_add_toast (self, adw_toast_new_format (_ ("Removed “%s”"), display_name));
}

/* Renewal and first connection */

static void
test_after_sign_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  AdwToast *toast;

  text = relink_token_service_test_finish (RELINK_TOKEN_SERVICE (source), result, &error);
  if (text != NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Some marketplaces have no "who am I" call: nothing failed then. */
  if (g_error_matches (error, RELINK_TOKEN_SERVICE_ERROR, RELINK_TOKEN_SERVICE_ERROR_NOT_AVAILABLE))
    return;

  /* Translators: %s says why, in a sentence. */
  toast = adw_toast_new_format (_ ("The connection test failed: %s"), error->message);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, 0);
  relink_window_add_toast (self, toast);
}

static void
signed_in_cb (RelinkWindow *self, RelinkAccount *account, const char *message, GtkWindow *dialog)
{
  RelinkTokenService *service = relink_window_get_token_service (self);

  relink_window_add_toast (self, adw_toast_new (message));

  relink_token_service_signed_in_async (service, account, self->cancellable, test_after_sign_in_cb,
                                        g_object_ref (self));
}

/* The login dialog already open for @account, if any. */
static GtkWindow *
find_login_dialog (RelinkAccount *account)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *found = NULL;

  for (guint i = 0; found == NULL && i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (RELINK_IS_LOGIN_DIALOG (window)
          && relink_login_dialog_get_account (RELINK_LOGIN_DIALOG (window)) == account)
        found = window;
    }

  return found;
}

static void
open_login_dialog (RelinkWindow *self, RelinkAccount *account)
{
  GtkWindow *dialog = find_login_dialog (account);

  /* Two sign-ins of one account would race to save their tokens. */
  if (dialog == NULL)
    {
      dialog = relink_login_dialog_new (GTK_WINDOW (self), self->manager, account);
      g_signal_connect_object (dialog, "signed-in", G_CALLBACK (signed_in_cb), self,
                               G_CONNECT_SWAPPED);
    }

  gtk_window_present (dialog);
}

static void
renew_account_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  RelinkWindow *self = user_data;
  const char *id = g_variant_get_string (parameter, NULL);
  RelinkAccount *account;

  g_return_if_fail (self->manager != NULL);

  account = relink_account_manager_lookup_account (self->manager, id);
  if (account == NULL)
    {
      /* Removed meanwhile, e.g. by relinkctl, while a notification for it
       * was still showing. */
      relink_window_add_toast (self, adw_toast_new (_ ("This account no longer exists")));
      return;
    }

  gtk_window_present (GTK_WINDOW (self));
  open_login_dialog (self, account);
}

static void
account_added_cb (RelinkWindow *self, RelinkAccount *account, GtkWindow *dialog)
{
  /* Translators: %s is the account's name. */
  relink_window_add_toast (
      self, adw_toast_new_format (_ ("Added “%s”"), relink_account_get_display_name (account)));

  /* An account is of use only once connected: sign in at once. Closing
   * the login leaves it listed with a Connect button. */
  open_login_dialog (self, account);
}

static void
open_details_dialog (RelinkWindow *self, RelinkAccount *account)
{
  GtkWindow *dialog;

  dialog = relink_account_details_dialog_new (GTK_WINDOW (self), self->context, account);
  g_signal_connect_object (dialog, "account-removed", G_CALLBACK (account_removed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (dialog);
}

static void
list_activate_cb (RelinkWindow *self, guint position, GtkListView *list_view)
{
  g_autoptr (RelinkAccount) account = g_list_model_get_item (G_LIST_MODEL (self->shown), position);

  if (account == NULL)
    return;

  open_details_dialog (self, account);
}

static void
add_account_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  RelinkWindow *self = user_data;
  GtkWindow *dialog;

  g_return_if_fail (self->manager != NULL);

  dialog = relink_add_account_dialog_new (GTK_WINDOW (self), self->manager);
  g_signal_connect_object (dialog, "account-added", G_CALLBACK (account_added_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (dialog);
}

static void
developer_keys_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  RelinkWindow *self = user_data;

  g_return_if_fail (self->manager != NULL);

  gtk_window_present (relink_keysets_dialog_new (GTK_WINDOW (self), self->manager));
}

/* A reminder clicked: the account's details, with its dates and Renew. */
static void
show_account_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  RelinkWindow *self = user_data;
  RelinkAccount *account;

  g_return_if_fail (self->manager != NULL);

  gtk_window_present (GTK_WINDOW (self));
  account = relink_account_manager_lookup_account (self->manager,
                                                   g_variant_get_string (parameter, NULL));
  if (account == NULL)
    {
      relink_window_add_toast (self, adw_toast_new (_ ("This account no longer exists")));
      return;
    }

  open_details_dialog (self, account);
}

static const GActionEntry win_entries[] = {
  { "add-account", add_account_action },
  { "developer-keys", developer_keys_action },
  /* Takes the account id, so that notifications and the tray can use it. */
  { "renew-account", renew_account_action, "s" },
  { "show-account", show_account_action, "s" },
  /* Takes the account id like renew-account. */
  { "retry-account", relink_window_retry_account_action, "s" },
};

static void
update_actions (RelinkWindow *self)
{
  gboolean usable = self->manager != NULL && !self->has_error;

  for (guint i = 0; i < G_N_ELEMENTS (win_entries); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), win_entries[i].name);

      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), usable);
    }
}

static void
relink_window_constructed (GObject *object)
{
  RelinkWindow *self = RELINK_WINDOW (object);
  g_autoptr (GtkListItemFactory) factory = NULL;
  GListModel *accounts;

  G_OBJECT_CLASS (relink_window_parent_class)->constructed (object);

  if (self->context != NULL)
    self->manager = relink_context_get_manager (self->context);

  update_actions (self);

  relink_window_search_setup (self);
  if (self->manager == NULL)
    {
      relink_window_update_page (self);
      return;
    }

  accounts = relink_account_manager_get_accounts (self->manager);

  /* Every grant: a further grant's change or expiry moves its account too. */
  self->ticker = relink_countdown_ticker_new (relink_account_manager_get_grants (self->manager));
  g_signal_connect_object (self->ticker, "tick", G_CALLBACK (tick_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->ticker, "account-changed", G_CALLBACK (account_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::expiring-soon-days",
                           G_CALLBACK (soon_days_changed_cb), self, G_CONNECT_SWAPPED);
  soon_days_changed_cb (self, "expiring-soon-days", self->settings);

  self->sort_now = relink_now ();
  self->soon_threshold = relink_countdown_ticker_get_soon_threshold (self->ticker);
  self->sorter = GTK_SORTER (gtk_custom_sorter_new (compare_accounts, self, NULL));
  self->filter = relink_account_filter_new ();
  self->filtered = gtk_filter_list_model_new (g_object_ref (accounts),
                                              g_object_ref (GTK_FILTER (self->filter)));
  self->sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filtered)),
                                          g_object_ref (self->sorter));
  g_signal_connect_object (self->sorted, "items-changed", G_CALLBACK (sorted_items_changed_cb),
                           self, G_CONNECT_SWAPPED);
  recount (self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect_object (factory, "setup", G_CALLBACK (setup_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (factory, "bind", G_CALLBACK (bind_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (unbind_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (factory, "teardown", G_CALLBACK (teardown_cb), self, G_CONNECT_SWAPPED);

  self->shown = gtk_slice_list_model_new (g_object_ref (G_LIST_MODEL (self->sorted)), 0,
                                          rows_to_fill_screen (self));

  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (gtk_no_selection_new (
                                                g_object_ref (G_LIST_MODEL (self->shown)))));
  g_signal_connect_object (self->list_view, "activate", G_CALLBACK (list_activate_cb), self,
                           G_CONNECT_SWAPPED);

  relink_window_update_page (self);
}

/* The rows' layout follows the width (relink-window-narrow.c). */
static void
relink_window_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  relink_window_narrow_allocate (RELINK_WINDOW (widget), width);

  GTK_WIDGET_CLASS (relink_window_parent_class)->size_allocate (widget, width, height, baseline);
}

static gboolean
relink_window_close_request (GtkWindow *window)
{
  RelinkWindow *self = RELINK_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (self->settings);

  return GTK_WINDOW_CLASS (relink_window_parent_class)->close_request (window);
}

static void
relink_window_dispose (GObject *object)
{
  RelinkWindow *self = RELINK_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->resort_id, g_source_remove);
  if (self->grow_tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self->list_view), self->grow_tick_id);
      self->grow_tick_id = 0;
    }

  /* The list (and its rows, which watch the ticker) goes first. */
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), RELINK_TYPE_WINDOW);

  g_clear_object (&self->shown);
  g_clear_object (&self->sorted);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->sorter);
  g_clear_object (&self->ticker);

  G_OBJECT_CLASS (relink_window_parent_class)->dispose (object);
}

static void
relink_window_finalize (GObject *object)
{
  RelinkWindow *self = RELINK_WINDOW (object);

  g_clear_pointer (&self->bound_items, g_hash_table_unref);
  g_clear_pointer (&self->retrying, g_hash_table_unref);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (relink_window_parent_class)->finalize (object);
}

static void
relink_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RelinkWindow *self = RELINK_WINDOW (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        g_value_set_object (value, self->context);
        break;
      case PROP_LOADING:
        g_value_set_boolean (value, self->loading);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  RelinkWindow *self = RELINK_WINDOW (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        self->context = g_value_dup_object (value);
        break;
      case PROP_LOADING:
        relink_window_set_loading (self, g_value_get_boolean (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_window_class_init (RelinkWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = relink_window_constructed;
  object_class->dispose = relink_window_dispose;
  object_class->finalize = relink_window_finalize;
  object_class->get_property = relink_window_get_property;
  object_class->set_property = relink_window_set_property;

  widget_class->size_allocate = relink_window_size_allocate;
  window_class->close_request = relink_window_close_request;

  properties[PROP_CONTEXT]
      = g_param_spec_object ("context", NULL, NULL, RELINK_TYPE_CONTEXT,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING]
      = g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/relink/Relink/relink-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RelinkWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, RelinkWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, RelinkWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, RelinkWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, RelinkWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, RelinkWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, RelinkWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, RelinkWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, RelinkWindow, no_results_page);
  relink_window_search_class_init (widget_class);
  /* As the close button: the application decides whether it goes on in
   * the background. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close",
                                       NULL);

  g_type_ensure (RELINK_TYPE_ACCOUNT_ROW);
}

static void
relink_window_init (RelinkWindow *self)
{
  int width, height;

  gtk_widget_init_template (GTK_WIDGET (self));

  relink_window_search_init (self);

  self->bound_items = g_hash_table_new (NULL, NULL);
  self->retrying = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APPLICATION_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries),
                                   self);

  width = g_settings_get_int (self->settings, "window-width");
  height = g_settings_get_int (self->settings, "window-height");
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  relink_window_narrow_init (self);
}

GtkWidget *
relink_window_new (GtkApplication *app, RelinkContext *context)
{
  g_return_val_if_fail (app == NULL || GTK_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (context == NULL || RELINK_IS_CONTEXT (context), NULL);

  return g_object_new (RELINK_TYPE_WINDOW, "application", app, "context", context, NULL);
}

RelinkContext *
relink_window_get_context (RelinkWindow *self)
{
  g_return_val_if_fail (RELINK_IS_WINDOW (self), NULL);

  return self->context;
}

RelinkAccountManager *
relink_window_get_manager (RelinkWindow *self)
{
  g_return_val_if_fail (RELINK_IS_WINDOW (self), NULL);

  return self->manager;
}

void
relink_window_set_loading (RelinkWindow *self, gboolean loading)
{
  g_return_if_fail (RELINK_IS_WINDOW (self));

  loading = !!loading;
  if (self->loading == loading)
    return;

  self->loading = loading;

  relink_window_update_page (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

gboolean
relink_window_get_loading (RelinkWindow *self)
{
  g_return_val_if_fail (RELINK_IS_WINDOW (self), FALSE);

  return self->loading;
}

void
relink_window_show_error (RelinkWindow *self, const char *title, const char *description)
{
  g_return_if_fail (RELINK_IS_WINDOW (self));

  self->has_error = TRUE;
  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, description);
  update_actions (self);
  relink_window_update_page (self);
}

void
relink_window_add_toast (RelinkWindow *self, AdwToast *toast)
{
  g_return_if_fail (RELINK_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

const char *
relink_window_get_page (RelinkWindow *self)
{
  g_return_val_if_fail (RELINK_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

guint
relink_window_get_n_attention (RelinkWindow *self)
{
  g_return_val_if_fail (RELINK_IS_WINDOW (self), 0);

  return self->n_attention;
}

RelinkTokenService *
relink_window_get_token_service (RelinkWindow *self)
{
  g_return_val_if_fail (RELINK_IS_WINDOW (self), NULL);
  g_return_val_if_fail (self->manager != NULL, NULL);

  return relink_context_get_token_service (self->context);
}
