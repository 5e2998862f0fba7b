/* relink-dbus-api.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-account-json.h"
#include "relink-dbus-api.h"
#include "relink-dbus-generated.h"
#include "relink-expiry.h"
#include "relink-grant.h"
#include "relink-json.h"
#include "relink-secrets.h"
#include "relink-store.h"
#include "relink-token-failure.h"
#include "relink-wall-timer.h"

/* What was last said (or known at start) about an account, so that a
 * signal is sent for a change, not for every look. */
typedef struct
{
  gint64 authorised_at;
  gint64 access_expires_at;
  gint64 last_refresh_at;
  RelinkAccountState state;
} Seen;

struct _RelinkDBusApi
{
  GObject parent_instance;

  RelinkDBusAccounts *skeleton;
  GSettings *settings;
  RelinkTokenService *service;
  RelinkAccountManager *manager;
  GError *load_error;
  gboolean ready;
  /* GDBusMethodInvocation of calls that came before the accounts. */
  GPtrArray *waiting;
  /* Ends token requests still running when the API goes. */
  GCancellable *cancellable;

  /* account id -> Seen */
  GHashTable *seen;
  guint look_idle_id;
  /* Wakes at the next moment an account's state changes by the clock. */
  GSource *timer;
};

G_DEFINE_FINAL_TYPE (RelinkDBusApi, relink_dbus_api, G_TYPE_OBJECT)

static const GDBusErrorEntry error_entries[] = {
  { RELINK_DBUS_API_ERROR_FAILED, "io.github.relink.Relink.Error.Failed" },
  { RELINK_DBUS_API_ERROR_NO_SUCH_ACCOUNT, "io.github.relink.Relink.Error.NoSuchAccount" },
  { RELINK_DBUS_API_ERROR_NOT_CONNECTED, "io.github.relink.Relink.Error.NotConnected" },
  { RELINK_DBUS_API_ERROR_NEEDS_ATTENTION, "io.github.relink.Relink.Error.NeedsAttention" },
  { RELINK_DBUS_API_ERROR_TEMPORARY, "io.github.relink.Relink.Error.Temporary" },
  { RELINK_DBUS_API_ERROR_KEYRING_UNAVAILABLE, "io.github.relink.Relink.Error.KeyringUnavailable" },
  { RELINK_DBUS_API_ERROR_ACCOUNT_LIST_UNREADABLE,
    "io.github.relink.Relink.Error.AccountListUnreadable" },
};

GQuark
relink_dbus_api_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("relink-dbus-api-error-quark", &quark, error_entries,
                                      G_N_ELEMENTS (error_entries));
  return (GQuark) quark;
}

/* The same distinctions relinkctl's exit codes make. */
static RelinkDBusApiError
error_code_for (const GError *error)
{
  RelinkRetryPolicy retry = RELINK_RETRY_NONE;

  if (error->domain == RELINK_SECRETS_ERROR)
    return error->code == RELINK_SECRETS_ERROR_NO_SERVICE
                   || error->code == RELINK_SECRETS_ERROR_LOCKED
               ? RELINK_DBUS_API_ERROR_KEYRING_UNAVAILABLE
               : RELINK_DBUS_API_ERROR_FAILED;
  if (error->domain == RELINK_STORE_ERROR)
    return RELINK_DBUS_API_ERROR_ACCOUNT_LIST_UNREADABLE;
  if (g_error_matches (error, RELINK_TOKEN_SERVICE_ERROR, RELINK_TOKEN_SERVICE_ERROR_NOT_CONNECTED))
    return RELINK_DBUS_API_ERROR_NOT_CONNECTED;
  if (error->domain == RELINK_TOKEN_SERVICE_ERROR)
    return RELINK_DBUS_API_ERROR_NEEDS_ATTENTION;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return RELINK_DBUS_API_ERROR_FAILED;

  relink_token_failure_classify (error, RELINK_OAUTH_CALL_REFRESH, &retry, NULL);
  return retry != RELINK_RETRY_NONE ? RELINK_DBUS_API_ERROR_TEMPORARY
                                    : RELINK_DBUS_API_ERROR_NEEDS_ATTENTION;
}

static void
return_error (GDBusMethodInvocation *invocation, const GError *error)
{
  g_dbus_method_invocation_return_error_literal (invocation, RELINK_DBUS_API_ERROR,
                                                 error_code_for (error), error->message);
}

static gint64
soon_threshold (RelinkDBusApi *self)
{
  guint days = RELINK_EXPIRY_DEFAULT_SOON_DAYS;

  if (self->settings != NULL)
    days = g_settings_get_uint (self->settings, "expiring-soon-days");

  return (gint64) days * 24 * 3600;
}

/* ListAccounts */

static void
answer_list_accounts (RelinkDBusApi *self, GDBusMethodInvocation *invocation)
{
  GListModel *model = relink_account_manager_get_accounts (self->manager);
  g_autoptr (GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    g_ptr_array_add (accounts, g_list_model_get_item (model, i));

  root = relink_accounts_to_json (accounts, relink_now (), soon_threshold (self), FALSE, NULL);
  text = relink_json_to_string (root, FALSE);
  relink_dbus_accounts_complete_list_accounts (self->skeleton, invocation, text);
}

/* GetAccessToken */

static void
token_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GDBusMethodInvocation) invocation = user_data;
  g_autoptr (GError) error = NULL;
  RelinkSecretString *token = NULL;
  gint64 expires_at = 0;
  RelinkDBusAccounts *skeleton;

  token = relink_token_service_get_access_token_finish (RELINK_TOKEN_SERVICE (object), result,
                                                        &expires_at, &error);
  if (token == NULL)
    {
      return_error (invocation, error);
      return;
    }

  skeleton = g_object_get_data (G_OBJECT (invocation), "relink-skeleton");
  if (g_str_equal (g_dbus_method_invocation_get_method_name (invocation), "GetGrantAccessToken"))
    relink_dbus_accounts_complete_get_grant_access_token (skeleton, invocation, token, expires_at);
  else
    relink_dbus_accounts_complete_get_access_token (skeleton, invocation, token, expires_at);
  relink_secret_free (token);
}

/* GetAccessToken (account) and GetGrantAccessToken (account, grant): the
 * first is the second with the account's first grant. */
static void
answer_get_access_token (RelinkDBusApi *self, GDBusMethodInvocation *invocation)
{
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  const char *name = NULL;
  const char *grant_name = "";
  RelinkAccount *account;

  if (g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ss)")))
    g_variant_get (parameters, "(&s&s)", &name, &grant_name);
  else
    g_variant_get (parameters, "(&s)", &name);
  account = name[0] != '\0' ? relink_account_manager_lookup_account (self->manager, name) : NULL;
  if (account == NULL)
    {
      g_dbus_method_invocation_return_error (
          invocation, RELINK_DBUS_API_ERROR, RELINK_DBUS_API_ERROR_NO_SUCH_ACCOUNT,
          _ ("There is no account “%s”. ListAccounts names the accounts."), name);
      return;
    }
  if (grant_name[0] != '\0' && (account = relink_grant_lookup (account, grant_name)) == NULL)
    {
      g_dbus_method_invocation_return_error (
          invocation, RELINK_DBUS_API_ERROR, RELINK_DBUS_API_ERROR_NO_SUCH_ACCOUNT,
          /* Translators: "The account “Shop A” has no token “auth-n-auth”. …" */
          _ ("The account “%s” has no token “%s”. ListAccounts names each account’s grants."), name,
          grant_name);
      return;
    }

  g_object_set_data_full (G_OBJECT (invocation), "relink-skeleton", g_object_ref (self->skeleton),
                          g_object_unref);
  relink_token_service_get_access_token_async (self->service, account, self->cancellable, token_cb,
                                               g_object_ref (invocation));
}

static void
answer (RelinkDBusApi *self, GDBusMethodInvocation *invocation)
{
  const char *method = g_dbus_method_invocation_get_method_name (invocation);

  if (self->load_error != NULL)
    return_error (invocation, self->load_error);
  else if (g_str_equal (method, "ListAccounts"))
    answer_list_accounts (self, invocation);
  else
    answer_get_access_token (self, invocation);
}

static gboolean
handle_method_cb (RelinkDBusAccounts *skeleton,
                  GDBusMethodInvocation *invocation,
                  RelinkDBusApi *self)
{
  if (self->ready)
    answer (self, invocation);
  else
    g_ptr_array_add (self->waiting, g_object_ref (invocation));

  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_get_access_token_cb (RelinkDBusAccounts *skeleton,
                            GDBusMethodInvocation *invocation,
                            const char *account,
                            RelinkDBusApi *self)
{
  return handle_method_cb (skeleton, invocation, self);
}

static gboolean
handle_get_grant_access_token_cb (RelinkDBusAccounts *skeleton,
                                  GDBusMethodInvocation *invocation,
                                  const char *account,
                                  const char *grant,
                                  RelinkDBusApi *self)
{
  return handle_method_cb (skeleton, invocation, self);
}

/* Signals */

static gboolean look_cb (gpointer user_data);

static void
look_soon (RelinkDBusApi *self)
{
  if (self->look_idle_id == 0)
    self->look_idle_id = g_idle_add (look_cb, self);
}

/* Compares every account with what was seen; signals what changed.
 * Accounts are few (hundreds at most), so one pass over all of them is
 * simpler than tracking which one changed. */
static void
look (RelinkDBusApi *self, gboolean announce)
{
  /* Every grant: an account's further grants change on their own. */
  GListModel *model = relink_account_manager_get_grants (self->manager);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gint64 now = relink_now ();
  gint64 threshold = soon_threshold (self);
  gint64 next = RELINK_EXPIRY_NEVER;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (RelinkAccount) account = g_list_model_get_item (model, i);
      const char *id = relink_account_get_id (account);
      Seen *before = g_hash_table_lookup (self->seen, id);
      Seen *now_seen = g_new0 (Seen, 1);

      now_seen->authorised_at = relink_account_get_authorised_at (account);
      now_seen->access_expires_at = relink_account_get_access_expires_at (account);
      now_seen->last_refresh_at = relink_account_get_last_refresh_at (account);
      now_seen->state = relink_account_get_state (account, now, threshold);
      next = MIN (next, relink_expiry_next_state_change (
                            relink_account_get_refresh_expires_at (account), now, threshold));

      if (announce && before != NULL)
        {
          const char *event = NULL;

          if (now_seen->authorised_at != before->authorised_at && now_seen->authorised_at > 0)
            event = "renewed";
          else if (now_seen->last_refresh_at != before->last_refresh_at
                   || (now_seen->access_expires_at != before->access_expires_at
                       && now_seen->access_expires_at > before->access_expires_at))
            event = "refreshed";

          if (event != NULL)
            relink_dbus_accounts_emit_tokens_changed (self->skeleton, id, event,
                                                      now_seen->access_expires_at);

          if (now_seen->state != before->state
              && relink_expiry_state_needs_attention (now_seen->state))
            {
              const char *message = relink_account_get_status_message (account);

              relink_dbus_accounts_emit_needs_attention (
                  self->skeleton, id, relink_account_state_to_id (now_seen->state),
                  message != NULL && now_seen->state != RELINK_ACCOUNT_STATE_EXPIRING_SOON
                          && now_seen->state != RELINK_ACCOUNT_STATE_EXPIRED
                      ? message
                      : relink_expiry_state_to_string (now_seen->state));
            }
        }

      g_hash_table_insert (seen, g_strdup (id), now_seen);
    }

  g_hash_table_unref (self->seen);
  self->seen = g_steal_pointer (&seen);

  relink_wall_timer_source_set_deadline (
      self->timer, next == RELINK_EXPIRY_NEVER ? G_MAXINT64 : next * G_USEC_PER_SEC);
}

static gboolean
look_cb (gpointer user_data)
{
  RelinkDBusApi *self = user_data;

  self->look_idle_id = 0;
  look (self, TRUE);
  return G_SOURCE_REMOVE;
}

static gboolean
timer_cb (gpointer user_data)
{
  look (user_data, TRUE);
  return G_SOURCE_CONTINUE;
}

static void
account_notify_cb (GObject *account, GParamSpec *pspec, gpointer user_data)
{
  look_soon (user_data);
}

static void
watch_account (RelinkDBusApi *self, RelinkAccount *account)
{
  g_signal_connect_object (account, "notify", G_CALLBACK (account_notify_cb), self, 0);
}

static void
accounts_changed_cb (
    GListModel *model, guint position, guint removed, guint added, gpointer user_data)
{
  RelinkDBusApi *self = user_data;

  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (RelinkAccount) account = g_list_model_get_item (model, i);

      watch_account (self, account);
    }
  look_soon (self);
}

/* GObject */

static void
relink_dbus_api_dispose (GObject *object)
{
  RelinkDBusApi *self = RELINK_DBUS_API (object);

  relink_dbus_api_unexport (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->look_idle_id, g_source_remove);
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  if (self->manager != NULL)
    g_signal_handlers_disconnect_by_data (relink_account_manager_get_grants (self->manager), self);
  g_clear_object (&self->skeleton);
  g_clear_object (&self->service);
  g_clear_object (&self->manager);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (relink_dbus_api_parent_class)->dispose (object);
}

static void
relink_dbus_api_finalize (GObject *object)
{
  RelinkDBusApi *self = RELINK_DBUS_API (object);

  g_clear_error (&self->load_error);
  g_clear_pointer (&self->waiting, g_ptr_array_unref);
  g_clear_pointer (&self->seen, g_hash_table_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (relink_dbus_api_parent_class)->finalize (object);
}

static void
relink_dbus_api_class_init (RelinkDBusApiClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = relink_dbus_api_dispose;
  object_class->finalize = relink_dbus_api_finalize;
}

static void
relink_dbus_api_init (RelinkDBusApi *self)
{
  self->skeleton = relink_dbus_accounts_skeleton_new ();
  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  self->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->cancellable = g_cancellable_new ();

  g_signal_connect (self->skeleton, "handle-list-accounts", G_CALLBACK (handle_method_cb), self);
  g_signal_connect (self->skeleton, "handle-get-access-token",
                    G_CALLBACK (handle_get_access_token_cb), self);
  g_signal_connect (self->skeleton, "handle-get-grant-access-token",
                    G_CALLBACK (handle_get_grant_access_token_cb), self);
}

RelinkDBusApi *
relink_dbus_api_new (void)
{
  return g_object_new (RELINK_TYPE_DBUS_API, NULL);
}

gboolean
relink_dbus_api_export (RelinkDBusApi *self,
                        GDBusConnection *connection,
                        const char *object_path,
                        GError **error)
{
  g_return_val_if_fail (RELINK_IS_DBUS_API (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);

  /* Registers the error names with the quark. */
  (void) RELINK_DBUS_API_ERROR;

  return g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skeleton), connection,
                                           object_path, error);
}

void
relink_dbus_api_unexport (RelinkDBusApi *self)
{
  g_return_if_fail (RELINK_IS_DBUS_API (self));

  if (self->skeleton != NULL
      && g_dbus_interface_skeleton_get_connection (G_DBUS_INTERFACE_SKELETON (self->skeleton))
             != NULL)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->skeleton));
}

void
relink_dbus_api_set_ready (RelinkDBusApi *self,
                           RelinkTokenService *service,
                           GSettings *settings,
                           const GError *load_error)
{
  g_autoptr (GPtrArray) waiting = NULL;

  g_return_if_fail (RELINK_IS_DBUS_API (self));
  g_return_if_fail (service != NULL || load_error != NULL);
  g_return_if_fail (!self->ready);

  self->ready = TRUE;
  g_set_object (&self->settings, settings);
  if (load_error != NULL)
    self->load_error = g_error_copy (load_error);

  if (service != NULL && load_error == NULL)
    {
      GListModel *accounts;

      self->service = g_object_ref (service);
      self->manager = g_object_ref (relink_token_service_get_manager (service));
      accounts = relink_account_manager_get_grants (self->manager);
      for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
        {
          g_autoptr (RelinkAccount) account = g_list_model_get_item (accounts, i);

          watch_account (self, account);
        }
      g_signal_connect (accounts, "items-changed", G_CALLBACK (accounts_changed_cb), self);

      self->timer = relink_wall_timer_source_new (G_MAXINT64);
      g_source_set_callback (self->timer, timer_cb, self, NULL);
      g_source_attach (self->timer, NULL);
      /* What is true now is the start, not news. */
      look (self, FALSE);
    }

  waiting = g_steal_pointer (&self->waiting);
  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiting->len; i++)
    answer (self, g_ptr_array_index (waiting, i));
}
