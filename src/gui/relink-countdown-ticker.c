/* relink-countdown-ticker.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-countdown-ticker-private.h"
#include "relink-expiry.h"
#include "relink-wall-timer.h"

struct _RelinkCountdownTicker
{
  GObject parent_instance;

  GListModel *accounts;
  /* A copy of @accounts, so that the notify handlers of removed accounts
   * can be disconnected: items-changed no longer tells which they were. */
  GPtrArray *mirror;
  /* RelinkAccount -> number of rows showing it. */
  GHashTable *watched;

  gint64 soon_threshold;
  gint64 deadline;
  gint64 state_deadline;
  GSource *timer;
  guint recompute_id;
};

G_DEFINE_FINAL_TYPE (RelinkCountdownTicker, relink_countdown_ticker, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ACCOUNTS,
  PROP_SOON_THRESHOLD,
  N_PROPS
};

enum
{
  TICK,
  ACCOUNT_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gint64
earliest (gint64 a, gint64 b)
{
  return MIN (a, b);
}

static void
arm (RelinkCountdownTicker *self)
{
  gint64 usec;

  if (self->deadline == RELINK_EXPIRY_NEVER || self->deadline > G_MAXINT64 / G_USEC_PER_SEC)
    usec = G_MAXINT64;
  else
    usec = self->deadline * G_USEC_PER_SEC;

  if (self->timer != NULL)
    relink_wall_timer_source_set_deadline (self->timer, usec);
}

static gboolean timer_cb (gpointer user_data);

static void
recompute (RelinkCountdownTicker *self)
{
  GHashTableIter iter;
  gpointer key;
  gint64 now = relink_now ();
  gint64 text_deadline = RELINK_EXPIRY_NEVER;
  gint64 state_deadline = RELINK_EXPIRY_NEVER;

  g_clear_handle_id (&self->recompute_id, g_source_remove);

  /* Only visible countdowns matter for the texts... */
  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      gint64 expires_at = relink_account_get_refresh_expires_at (key);
      gint64 access_expires_at = relink_account_get_access_expires_at (key);

      text_deadline = earliest (text_deadline, relink_expiry_next_change (expires_at, now, NULL));
      /* A row that needs re-authorization counts the access token down
       * (relink_expiry_describe_reauth()). */
      if (relink_account_get_status (key) == RELINK_ACCOUNT_STATUS_NEEDS_REAUTH
          && access_expires_at > now)
        text_deadline
            = earliest (text_deadline, relink_expiry_next_change (access_expires_at, now, NULL));
    }

  /* ...but every account's state decides the order and the groups. */
  for (guint i = 0; i < self->mirror->len; i++)
    {
      gint64 expires_at = relink_account_get_refresh_expires_at (self->mirror->pdata[i]);

      state_deadline = earliest (
          state_deadline, relink_expiry_next_state_change (expires_at, now, self->soon_threshold));
    }

  self->state_deadline = state_deadline;
  self->deadline = earliest (text_deadline, state_deadline);

  if (self->timer == NULL)
    {
      /* Created disarmed, then armed: one code path for the conversion. */
      self->timer = relink_wall_timer_source_new (G_MAXINT64);
      g_source_set_callback (self->timer, timer_cb, self, NULL);
      g_source_set_static_name (self->timer, "[relink] countdown ticker");
      g_source_attach (self->timer, NULL);
    }

  arm (self);
}

static gboolean
recompute_idle_cb (gpointer user_data)
{
  RelinkCountdownTicker *self = user_data;

  self->recompute_id = 0;
  recompute (self);

  return G_SOURCE_REMOVE;
}

static void
queue_recompute (RelinkCountdownTicker *self)
{
  if (self->recompute_id == 0)
    self->recompute_id = g_idle_add (recompute_idle_cb, self);
}

static gboolean
timer_cb (gpointer user_data)
{
  RelinkCountdownTicker *self = user_data;
  gboolean clock_changed = relink_wall_timer_source_clock_changed (self->timer);
  gboolean states_changed = clock_changed || relink_now () >= self->state_deadline;

  recompute (self);
  g_signal_emit (self, signals[TICK], 0, states_changed);

  return G_SOURCE_CONTINUE;
}

static void
account_notify_cb (RelinkCountdownTicker *self, GParamSpec *pspec, RelinkAccount *account)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "refresh-expires-at") || g_str_equal (name, "status"))
    queue_recompute (self);

  g_signal_emit (self, signals[ACCOUNT_CHANGED], 0, account, pspec);
}

static void
follow (RelinkCountdownTicker *self, RelinkAccount *account)
{
  g_signal_connect_object (account, "notify", G_CALLBACK (account_notify_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
unfollow (RelinkCountdownTicker *self, RelinkAccount *account)
{
  g_signal_handlers_disconnect_by_func (account, account_notify_cb, self);
}

static void
items_changed_cb (
    RelinkCountdownTicker *self, guint position, guint removed, guint added, GListModel *model)
{
  g_return_if_fail (position + removed <= self->mirror->len);

  for (guint i = position; i < position + removed; i++)
    unfollow (self, self->mirror->pdata[i]);
  g_ptr_array_remove_range (self->mirror, position, removed);

  /* Loads append one account at a time: make that cheap. */
  for (guint i = 0; i < added; i++)
    {
      RelinkAccount *account = g_list_model_get_item (model, position + i);

      follow (self, account);
      g_ptr_array_insert (self->mirror, position + i, account);
    }

  queue_recompute (self);
}

static void
relink_countdown_ticker_constructed (GObject *object)
{
  RelinkCountdownTicker *self = RELINK_COUNTDOWN_TICKER (object);

  G_OBJECT_CLASS (relink_countdown_ticker_parent_class)->constructed (object);

  g_return_if_fail (self->accounts != NULL);

  g_signal_connect_object (self->accounts, "items-changed", G_CALLBACK (items_changed_cb), self,
                           G_CONNECT_SWAPPED);
  items_changed_cb (self, 0, 0, g_list_model_get_n_items (self->accounts), self->accounts);
}

static void
relink_countdown_ticker_dispose (GObject *object)
{
  RelinkCountdownTicker *self = RELINK_COUNTDOWN_TICKER (object);

  g_clear_handle_id (&self->recompute_id, g_source_remove);
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }

  if (self->mirror != NULL)
    {
      for (guint i = 0; i < self->mirror->len; i++)
        unfollow (self, self->mirror->pdata[i]);
      g_ptr_array_set_size (self->mirror, 0);
    }
  g_hash_table_remove_all (self->watched);
  g_clear_object (&self->accounts);

  G_OBJECT_CLASS (relink_countdown_ticker_parent_class)->dispose (object);
}

static void
relink_countdown_ticker_finalize (GObject *object)
{
  RelinkCountdownTicker *self = RELINK_COUNTDOWN_TICKER (object);

  g_clear_pointer (&self->mirror, g_ptr_array_unref);
  g_clear_pointer (&self->watched, g_hash_table_unref);

  G_OBJECT_CLASS (relink_countdown_ticker_parent_class)->finalize (object);
}

static void
relink_countdown_ticker_get_property (GObject *object,
                                      guint prop_id,
                                      GValue *value,
                                      GParamSpec *pspec)
{
  RelinkCountdownTicker *self = RELINK_COUNTDOWN_TICKER (object);

  switch (prop_id)
    {
      case PROP_ACCOUNTS:
        g_value_set_object (value, self->accounts);
        break;
      case PROP_SOON_THRESHOLD:
        g_value_set_int64 (value, self->soon_threshold);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_countdown_ticker_set_property (GObject *object,
                                      guint prop_id,
                                      const GValue *value,
                                      GParamSpec *pspec)
{
  RelinkCountdownTicker *self = RELINK_COUNTDOWN_TICKER (object);

  switch (prop_id)
    {
      case PROP_ACCOUNTS:
        self->accounts = g_value_dup_object (value);
        break;
      case PROP_SOON_THRESHOLD:
        relink_countdown_ticker_set_soon_threshold (self, g_value_get_int64 (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_countdown_ticker_class_init (RelinkCountdownTickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = relink_countdown_ticker_constructed;
  object_class->dispose = relink_countdown_ticker_dispose;
  object_class->finalize = relink_countdown_ticker_finalize;
  object_class->get_property = relink_countdown_ticker_get_property;
  object_class->set_property = relink_countdown_ticker_set_property;

  properties[PROP_ACCOUNTS]
      = g_param_spec_object ("accounts", NULL, NULL, G_TYPE_LIST_MODEL,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOON_THRESHOLD] = g_param_spec_int64 (
      "soon-threshold", NULL, NULL, 0, G_MAXINT64, RELINK_EXPIRY_DEFAULT_SOON_DAYS * 24 * 3600,
      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * RelinkCountdownTicker::tick:
   * @states_changed: whether an account's state may have changed (time
   *   crossed a state boundary, the clock was set or the threshold changed),
   *   so the order and the groups need a look; otherwise only texts changed.
   */
  signals[TICK] = g_signal_new ("tick", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  /**
   * RelinkCountdownTicker::account-changed:
   * A property of one of the accounts changed.
   */
  signals[ACCOUNT_CHANGED]
      = g_signal_new ("account-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 2, RELINK_TYPE_ACCOUNT, G_TYPE_PARAM);
}

static void
relink_countdown_ticker_init (RelinkCountdownTicker *self)
{
  self->mirror = g_ptr_array_new_with_free_func (g_object_unref);
  self->watched = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->soon_threshold = RELINK_EXPIRY_DEFAULT_SOON_DAYS * 24 * 3600;
  self->deadline = RELINK_EXPIRY_NEVER;
  self->state_deadline = RELINK_EXPIRY_NEVER;
}

RelinkCountdownTicker *
relink_countdown_ticker_new (GListModel *accounts)
{
  g_return_val_if_fail (G_IS_LIST_MODEL (accounts), NULL);

  return g_object_new (RELINK_TYPE_COUNTDOWN_TICKER, "accounts", accounts, NULL);
}

gint64
relink_countdown_ticker_get_soon_threshold (RelinkCountdownTicker *self)
{
  g_return_val_if_fail (RELINK_IS_COUNTDOWN_TICKER (self), 0);

  return self->soon_threshold;
}

void
relink_countdown_ticker_set_soon_threshold (RelinkCountdownTicker *self, gint64 seconds)
{
  g_return_if_fail (RELINK_IS_COUNTDOWN_TICKER (self));

  if (self->soon_threshold == seconds)
    return;

  self->soon_threshold = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOON_THRESHOLD]);

  queue_recompute (self);
  g_signal_emit (self, signals[TICK], 0, TRUE);
}

void
relink_countdown_ticker_watch (RelinkCountdownTicker *self, RelinkAccount *account)
{
  guint count;

  g_return_if_fail (RELINK_IS_COUNTDOWN_TICKER (self));
  g_return_if_fail (RELINK_IS_ACCOUNT (account));

  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->watched, account));
  if (count == 0)
    {
      g_hash_table_insert (self->watched, g_object_ref (account), GUINT_TO_POINTER (1));
      queue_recompute (self);
    }
  else
    {
      g_hash_table_insert (self->watched, g_object_ref (account), GUINT_TO_POINTER (count + 1));
    }
}

void
relink_countdown_ticker_unwatch (RelinkCountdownTicker *self, RelinkAccount *account)
{
  guint count;

  g_return_if_fail (RELINK_IS_COUNTDOWN_TICKER (self));
  g_return_if_fail (RELINK_IS_ACCOUNT (account));

  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->watched, account));
  g_return_if_fail (count > 0);

  if (count == 1)
    {
      /* An unwatched account can only make the deadline later; the timer
       * waking early once is cheaper than a recompute per scrolled row. */
      g_hash_table_remove (self->watched, account);
    }
  else
    {
      g_hash_table_insert (self->watched, g_object_ref (account), GUINT_TO_POINTER (count - 1));
    }
}

guint
relink_countdown_ticker_get_n_watched (RelinkCountdownTicker *self)
{
  g_return_val_if_fail (RELINK_IS_COUNTDOWN_TICKER (self), 0);

  return g_hash_table_size (self->watched);
}

gint64
relink_countdown_ticker_get_deadline (RelinkCountdownTicker *self)
{
  g_return_val_if_fail (RELINK_IS_COUNTDOWN_TICKER (self), RELINK_EXPIRY_NEVER);

  if (self->recompute_id != 0)
    recompute (self);

  return self->deadline;
}
