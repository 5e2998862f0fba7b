/* relink-keep-alive.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-backoff.h"
#include "relink-expiry.h"
#include "relink-grant.h"
#include "relink-keep-alive-private.h"
#include "relink-wall-timer.h"

/* The least time between two keep-alive refreshes of one account, so that
 * a marketplace that does not move the expiry forward cannot make Relink
 * refresh in a loop. */
#define MIN_INTERVAL RELINK_BACKOFF_BASE

struct _RelinkKeepAlive
{
  GObject parent_instance;

  RelinkTokenService *service;
  GListModel *accounts;
  GNetworkMonitor *monitor;

  GSource *timer;
  guint recompute_id;
  gint64 next_deadline;
  gboolean network_available;

  /* RelinkAccount -> notify handler id, for the accounts watched. */
  GHashTable *watched;
  /* account id -> gint64*: when a keep-alive refresh last started. */
  GHashTable *last_run;
  /* account ids with a keep-alive or retry in flight. */
  GHashTable *running;
  /* account ids whose last refresh found no tokens in the keyring: trying
   * again finds none again, so they wait until the account changes (a
   * sign-in stores tokens and updates it). */
  GHashTable *no_tokens;
};

G_DEFINE_FINAL_TYPE (RelinkKeepAlive, relink_keep_alive, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_SERVICE,
  PROP_NEXT_DEADLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void schedule_recompute (RelinkKeepAlive *self);

static void
unwatch_all (RelinkKeepAlive *self)
{
  GHashTableIter iter;
  gpointer account, handler;

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &account, &handler))
    g_signal_handler_disconnect (account, GPOINTER_TO_SIZE (handler));
  g_hash_table_remove_all (self->watched);
}

static void
relink_keep_alive_dispose (GObject *object)
{
  RelinkKeepAlive *self = RELINK_KEEP_ALIVE (object);

  relink_keep_alive_stop (self);
  g_clear_object (&self->service);
  g_clear_object (&self->accounts);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (relink_keep_alive_parent_class)->dispose (object);
}

static void
relink_keep_alive_finalize (GObject *object)
{
  RelinkKeepAlive *self = RELINK_KEEP_ALIVE (object);

  g_hash_table_unref (self->watched);
  g_hash_table_unref (self->last_run);
  g_hash_table_unref (self->running);
  g_hash_table_unref (self->no_tokens);

  G_OBJECT_CLASS (relink_keep_alive_parent_class)->finalize (object);
}

static void
relink_keep_alive_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RelinkKeepAlive *self = RELINK_KEEP_ALIVE (object);

  switch (prop_id)
    {
      case PROP_SERVICE:
        g_value_set_object (value, self->service);
        break;

      case PROP_NEXT_DEADLINE:
        g_value_set_int64 (value, self->next_deadline);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_keep_alive_set_property (GObject *object,
                                guint prop_id,
                                const GValue *value,
                                GParamSpec *pspec)
{
  RelinkKeepAlive *self = RELINK_KEEP_ALIVE (object);

  switch (prop_id)
    {
      case PROP_SERVICE:
        self->service = g_value_dup_object (value);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_keep_alive_class_init (RelinkKeepAliveClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = relink_keep_alive_dispose;
  object_class->finalize = relink_keep_alive_finalize;
  object_class->get_property = relink_keep_alive_get_property;
  object_class->set_property = relink_keep_alive_set_property;

  properties[PROP_SERVICE]
      = g_param_spec_object ("service", NULL, NULL, RELINK_TYPE_TOKEN_SERVICE,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NEXT_DEADLINE]
      = g_param_spec_int64 ("next-deadline", NULL, NULL, G_MININT64, G_MAXINT64,
                            RELINK_KEEP_ALIVE_NEVER, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
relink_keep_alive_init (RelinkKeepAlive *self)
{
  self->next_deadline = RELINK_KEEP_ALIVE_NEVER;
  self->network_available = TRUE;
  self->watched = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
  self->last_run = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->running = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->no_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

RelinkKeepAlive *
relink_keep_alive_new (RelinkTokenService *service)
{
  g_return_val_if_fail (RELINK_IS_TOKEN_SERVICE (service), NULL);

  return g_object_new (RELINK_TYPE_KEEP_ALIVE, "service", service, NULL);
}

RelinkTokenService *
relink_keep_alive_get_service (RelinkKeepAlive *self)
{
  g_return_val_if_fail (RELINK_IS_KEEP_ALIVE (self), NULL);

  return self->service;
}

/* Deadlines */

gint64
relink_keep_alive_get_account_deadline (RelinkKeepAlive *self, RelinkAccount *account)
{
  RelinkKeyset *keyset;
  RelinkProvider *provider;
  gint64 retry_at;
  gint64 renewed_at;
  gint64 deadline;
  gint64 *last;

  g_return_val_if_fail (RELINK_IS_KEEP_ALIVE (self), RELINK_KEEP_ALIVE_NEVER);
  g_return_val_if_fail (RELINK_IS_ACCOUNT (account), RELINK_KEEP_ALIVE_NEVER);

  if (g_hash_table_contains (self->running, relink_account_get_id (account))
      || g_hash_table_contains (self->no_tokens, relink_account_get_id (account)))
    return RELINK_KEEP_ALIVE_NEVER;

  /* A retry after a transient failure replaces the keep-alive, which
   * would otherwise be due (in the past) again at once. */
  retry_at = relink_token_service_get_retry_at (self->service, account);
  if (retry_at > 0)
    return retry_at;

  keyset = relink_account_get_keyset (account);
  provider = keyset != NULL ? relink_keyset_get_provider (keyset) : NULL;
  if (provider == NULL || relink_keyset_get_invalid (keyset))
    return RELINK_KEEP_ALIVE_NEVER;

  last = g_hash_table_lookup (self->last_run, relink_account_get_id (account));

  /* Retries live in memory: an error recorded by an earlier run (or by
   * relinkctl) gets one try now, then the service's schedule takes over. */
  if (relink_account_get_status (account) == RELINK_ACCOUNT_STATUS_ERROR)
    return last == NULL ? relink_now () : RELINK_KEEP_ALIVE_NEVER;

  /* Only a connection last known good is kept alive: after a refusal
   * someone must act first, and refreshing again would not help. */
  if (relink_account_get_status (account) != RELINK_ACCOUNT_STATUS_CONNECTED
      || !relink_provider_get_refresh_extends (provider))
    return RELINK_KEEP_ALIVE_NEVER;

  /* A kind without refresh tokens (eBay Auth'n'Auth) cannot be kept
   * alive: its reminders ask the seller to sign in in time. */
  if (!relink_grant_kind_has_refresh_token (relink_grant_get_kind (account)))
    return RELINK_KEEP_ALIVE_NEVER;

  renewed_at = MAX (relink_account_get_last_refresh_at (account),
                    relink_account_get_authorised_at (account));
  deadline
      = relink_keep_alive_deadline (renewed_at, relink_account_get_refresh_expires_at (account));
  if (deadline == RELINK_KEEP_ALIVE_NEVER)
    return deadline;

  if (last != NULL)
    deadline = MAX (deadline, *last + MIN_INTERVAL);

  return deadline;
}

gint64
relink_keep_alive_get_next_deadline (RelinkKeepAlive *self)
{
  g_return_val_if_fail (RELINK_IS_KEEP_ALIVE (self), RELINK_KEEP_ALIVE_NEVER);

  return self->next_deadline;
}

static void
arm (RelinkKeepAlive *self, gint64 deadline)
{
  if (self->next_deadline != deadline)
    {
      self->next_deadline = deadline;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_DEADLINE]);
    }

  if (self->timer == NULL)
    return;

  if (deadline == RELINK_KEEP_ALIVE_NEVER)
    relink_wall_timer_source_set_deadline (self->timer, G_MAXINT64);
  else
    relink_wall_timer_source_set_deadline (self->timer, MAX (deadline, 0) * G_USEC_PER_SEC);
}

static void
recompute (RelinkKeepAlive *self)
{
  guint n = g_list_model_get_n_items (self->accounts);
  gint64 earliest = RELINK_KEEP_ALIVE_NEVER;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (RelinkAccount) account = g_list_model_get_item (self->accounts, i);

      earliest = MIN (earliest, relink_keep_alive_get_account_deadline (self, account));
    }

  arm (self, earliest);
}

static gboolean
recompute_idle_cb (gpointer user_data)
{
  RelinkKeepAlive *self = user_data;

  self->recompute_id = 0;
  recompute (self);
  return G_SOURCE_REMOVE;
}

/* Several setters fire together when an account changes: one look after
 * them all. */
static void
schedule_recompute (RelinkKeepAlive *self)
{
  if (self->recompute_id == 0 && self->timer != NULL)
    self->recompute_id = g_idle_add_full (G_PRIORITY_DEFAULT, recompute_idle_cb, self, NULL);
}

/* Running */

typedef struct
{
  RelinkKeepAlive *self;
  char *account_id;
} RunData;

static void
refresh_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  RunData *data = user_data;
  g_autoptr (GError) error = NULL;

  /* The service recorded the outcome and scheduled any retry. */
  if (!relink_token_service_refresh_finish (RELINK_TOKEN_SERVICE (object), result, &error))
    {
      g_debug ("Keep-alive refresh failed: %s", error->message);
      if (g_error_matches (error, RELINK_TOKEN_SERVICE_ERROR,
                           RELINK_TOKEN_SERVICE_ERROR_NOT_CONNECTED))
        g_hash_table_add (data->self->no_tokens, g_strdup (data->account_id));
    }

  g_hash_table_remove (data->self->running, data->account_id);
  schedule_recompute (data->self);

  g_object_unref (data->self);
  g_free (data->account_id);
  g_free (data);
}

static void
run_account (RelinkKeepAlive *self, RelinkAccount *account)
{
  const char *id = relink_account_get_id (account);
  gint64 *last = g_new (gint64, 1);
  RunData *data;

  if (g_hash_table_contains (self->running, id))
    return;

  *last = relink_now ();
  g_hash_table_replace (self->last_run, g_strdup (id), last);
  g_hash_table_add (self->running, g_strdup (id));

  data = g_new0 (RunData, 1);
  data->self = g_object_ref (self);
  data->account_id = g_strdup (id);
  relink_token_service_refresh_async (self->service, account, NULL, refresh_done_cb, data);
}

static void
run_due (RelinkKeepAlive *self, gboolean retries_only)
{
  guint n = g_list_model_get_n_items (self->accounts);
  gint64 now = relink_now ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (RelinkAccount) account = g_list_model_get_item (self->accounts, i);
      gint64 retry_at = relink_token_service_get_retry_at (self->service, account);

      if (retries_only ? retry_at > 0
                       : relink_keep_alive_get_account_deadline (self, account) <= now)
        run_account (self, account);
    }
}

static gboolean
timer_cb (gpointer user_data)
{
  RelinkKeepAlive *self = user_data;

  /* A clock change only moves "now": the deadlines are recomputed below. */
  if (!relink_wall_timer_source_clock_changed (self->timer))
    run_due (self, FALSE);

  recompute (self);
  return G_SOURCE_CONTINUE;
}

static void
network_changed_cb (RelinkKeepAlive *self, GParamSpec *pspec, GNetworkMonitor *monitor)
{
  gboolean available = g_network_monitor_get_network_available (monitor);

  if (available == self->network_available)
    return;

  self->network_available = available;

  /* Back online: whatever waited for the network need not wait longer. */
  if (available)
    {
      run_due (self, TRUE);
      schedule_recompute (self);
    }
}

static void
account_notify_cb (RelinkKeepAlive *self, GParamSpec *pspec, RelinkAccount *account)
{
  g_hash_table_remove (self->no_tokens, relink_account_get_id (account));
  schedule_recompute (self);
}

static void
watch_all (RelinkKeepAlive *self)
{
  guint n = g_list_model_get_n_items (self->accounts);

  unwatch_all (self);
  for (guint i = 0; i < n; i++)
    {
      RelinkAccount *account = g_list_model_get_item (self->accounts, i);
      gulong handler = g_signal_connect_object (account, "notify", G_CALLBACK (account_notify_cb),
                                                self, G_CONNECT_SWAPPED);

      g_hash_table_insert (self->watched, account, GSIZE_TO_POINTER (handler));
    }
}

static void
accounts_changed_cb (
    RelinkKeepAlive *self, guint position, guint removed, guint added, GListModel *model)
{
  watch_all (self);
  schedule_recompute (self);
}

static void
schedule_changed_cb (RelinkKeepAlive *self, RelinkAccount *account, RelinkTokenService *service)
{
  schedule_recompute (self);
}

void
relink_keep_alive_set_network_monitor (RelinkKeepAlive *self, GNetworkMonitor *monitor)
{
  g_return_if_fail (RELINK_IS_KEEP_ALIVE (self));
  g_return_if_fail (G_IS_NETWORK_MONITOR (monitor));
  g_return_if_fail (self->timer == NULL);

  g_set_object (&self->monitor, monitor);
}

void
relink_keep_alive_start (RelinkKeepAlive *self)
{
  RelinkAccountManager *manager;

  g_return_if_fail (RELINK_IS_KEEP_ALIVE (self));

  if (self->timer != NULL)
    return;

  manager = relink_token_service_get_manager (self->service);
  /* Every grant is kept alive on its own: an account's further grants too. */
  g_set_object (&self->accounts, relink_account_manager_get_grants (manager));

  self->timer = relink_wall_timer_source_new (G_MAXINT64);
  g_source_set_callback (self->timer, timer_cb, self, NULL);
  g_source_set_static_name (self->timer, "[relink] keep-alive");
  g_source_attach (self->timer, NULL);

  g_signal_connect_object (self->accounts, "items-changed", G_CALLBACK (accounts_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->service, "schedule-changed", G_CALLBACK (schedule_changed_cb),
                           self, G_CONNECT_SWAPPED);

  if (self->monitor == NULL)
    self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->network_available = g_network_monitor_get_network_available (self->monitor);
  g_signal_connect_object (self->monitor, "notify::network-available",
                           G_CALLBACK (network_changed_cb), self, G_CONNECT_SWAPPED);

  watch_all (self);
  recompute (self);
}

void
relink_keep_alive_stop (RelinkKeepAlive *self)
{
  g_return_if_fail (RELINK_IS_KEEP_ALIVE (self));

  if (self->timer == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->accounts, self);
  g_signal_handlers_disconnect_by_data (self->service, self);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  unwatch_all (self);

  g_clear_handle_id (&self->recompute_id, g_source_remove);
  g_source_destroy (self->timer);
  g_clear_pointer (&self->timer, g_source_unref);
}
