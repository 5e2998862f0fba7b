/* relink-token-test.c
 *
 * The token service's connection test: relink_token_service_test_async().
 * Gets a valid access token (through the refresh), asks the marketplace
 * whose it is, and records the answer in the store and the history. A
 * 401 gets one forced refresh and one more try.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-expiry.h"
#include "relink-oauth-client.h"
#include "relink-token-service-private.h"

typedef struct
{
  RelinkTokenTarget target;
  char *access_token;  /* wiped */
  char *shared_secret; /* wiped */
  gboolean refreshed;
  gint64 started;
  /* The outcome, recorded in the store by record_thread. */
  gboolean ok;
  char *message;
  gboolean needs_reauth;
  GError *failure; /* the marketplace's error behind a failure, if any */
} TestData;

static void
test_data_free (TestData *data)
{
  relink_token_target_clear (&data->target);
  g_clear_pointer (&data->access_token, relink_secret_free);
  g_clear_pointer (&data->shared_secret, relink_secret_free);
  g_free (data->message);
  g_clear_error (&data->failure);
  g_free (data);
}

static void test_fetch (GTask *task);

static void
record_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  RelinkTokenService *self = source_object;
  TestData *data = task_data;
  RelinkStore *store = relink_account_manager_get_store (self->manager);
  const char *id = relink_account_get_id (data->target.account);
  g_autoptr (GError) error = NULL;

  if (!relink_store_update_test_result (store, id, relink_now (), data->ok, data->message, &error))
    g_warning ("Could not record a connection test: %s", error->message);
  g_clear_error (&error);

  if (data->needs_reauth
      && !relink_store_update_status (store, id, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH, data->message,
                                      &error))
    g_warning ("Could not record an account’s status: %s", error->message);

  relink_token_service_add_history (store, id, RELINK_HISTORY_KIND_TEST, data->ok,
                                    data->target.program, data->message);
  g_task_return_boolean (task, TRUE);
}

static void
record_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RelinkTokenService *self = g_task_get_source_object (task);
  TestData *data = g_task_get_task_data (task);
  RelinkAccount *accounts[2]
      = { data->target.account, relink_token_service_shown_account (self, data->target.account) };

  g_task_propagate_boolean (G_TASK (result), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      if (accounts[i] == NULL)
        continue;

      relink_account_set_last_test_at (accounts[i], relink_now ());
      relink_account_set_last_test_ok (accounts[i], data->ok);
      relink_account_set_last_test_message (accounts[i], data->message);
      if (data->needs_reauth)
        {
          relink_account_set_status (accounts[i], RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
          relink_account_set_status_message (accounts[i], data->message);
        }
    }

  if (data->ok)
    g_task_return_pointer (task, g_strdup (data->message), g_free);
  else if (data->failure != NULL)
    g_task_return_new_error (task, data->failure->domain, data->failure->code, "%s", data->message);
  else
    g_task_return_new_error (task, RELINK_TOKEN_SERVICE_ERROR,
                             RELINK_TOKEN_SERVICE_ERROR_WRONG_ACCOUNT, "%s", data->message);
}

/* Ends the test: takes @task, records @ok and @message (taken) in a
 * worker thread, then returns on @task in record_done_cb. */
static void
test_finish_with (GTask *task, gboolean ok, char *message)
{
  RelinkTokenService *self = g_task_get_source_object (task);
  TestData *data = g_task_get_task_data (task);
  g_autoptr (GTask) record = NULL;

  data->ok = ok;
  data->message = message;

  record = g_task_new (self, NULL, record_done_cb, task);
  g_task_set_source_tag (record, test_finish_with);
  g_task_set_task_data (record, data, NULL);
  g_task_run_in_thread (record, record_thread);
}

static void
identity_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RelinkTokenService *self = g_task_get_source_object (task);
  TestData *data = g_task_get_task_data (task);
  g_autoptr (RelinkIdentity) identity = NULL;
  g_autoptr (GError) error = NULL;
  gint64 elapsed_ms = (g_get_monotonic_time () - data->started) / 1000;
  const char *expected_id = relink_account_get_identity_id (data->target.account);
  const char *expected = expected_id;
  gboolean matches;

  identity = data->target.kind->fetch_identity_finish (object, result, &error);
  if (identity == NULL)
    {
      /* 401: the access token may have been revoked or rotated away
       * behind Relink's back: one refresh, one more try. */
      if (g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_GRANT)
          && !data->refreshed)
        {
          data->refreshed = TRUE;
          g_clear_pointer (&data->access_token, relink_secret_free);
          test_fetch (g_steal_pointer (&task));
          return;
        }

      data->failure = g_error_copy (error);
      if (g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_GRANT))
        {
          data->needs_reauth = TRUE;
          test_finish_with (g_steal_pointer (&task), FALSE,
                            g_strdup_printf (_ ("%s no longer accepts the saved authorization. "
                                                "Renew the account to sign in again."),
                                             relink_provider_get_name (data->target.provider)));
          return;
        }

      test_finish_with (g_steal_pointer (&task), FALSE, g_strdup (error->message));
      return;
    }

  /* Before the first verified sign-in only the seller's own word exists. */
  if (expected == NULL)
    expected = relink_account_get_expected_identity (data->target.account);

  matches
      = expected == NULL || g_strcmp0 (relink_identity_get_id (identity), expected) == 0
        || (expected_id == NULL && g_strcmp0 (relink_identity_get_name (identity), expected) == 0);

  if (!matches)
    {
      const char *theirs = relink_account_get_identity_name (data->target.account);

      test_finish_with (g_steal_pointer (&task), FALSE,
                        /* Translators: "The token belongs to shop_b, not shop_a." */
                        g_strdup_printf (_ ("The token belongs to %s, not %s."),
                                         relink_identity_get_name (identity),
                                         theirs != NULL ? theirs : expected));
      return;
    }

  (void) self;
  test_finish_with (g_steal_pointer (&task), TRUE,
                    /* Translators: "Connected as shop_a — 120 ms"; the plural
                     * form follows the milliseconds. */
                    g_strdup_printf (ngettext ("Connected as %s — %d ms", "Connected as %s — %d ms",
                                               (gulong) CLAMP (elapsed_ms, 0, G_MAXINT)),
                                     relink_identity_get_name (identity),
                                     (int) CLAMP (elapsed_ms, 0, G_MAXINT)));
}

static void
test_token_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RelinkTokenService *self = RELINK_TOKEN_SERVICE (object);
  TestData *data = g_task_get_task_data (task);
  g_autoptr (RelinkTokenSet) tokens = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  tokens = g_task_propagate_pointer (G_TASK (result), &error);
  if (tokens == NULL)
    {
      /* The refresh recorded its own failure and status. */
      g_task_return_error (task, error);
      return;
    }

  data->access_token = g_strdup (relink_token_set_get_access_token (tokens));
  if (data->access_token == NULL)
    {
      g_task_return_new_error (task, RELINK_TOKEN_SERVICE_ERROR,
                               RELINK_TOKEN_SERVICE_ERROR_NO_REFRESH,
                               _ ("There is no access token for this account. Renew the account "
                                  "to sign in again."));
      return;
    }

  cancellable = g_task_get_cancellable (task);
  data->started = g_get_monotonic_time ();
  data->target.kind->fetch_identity_async (self, &data->target, data->access_token,
                                           data->shared_secret, cancellable, identity_cb,
                                           g_steal_pointer (&task));
}

/* Takes @task: gets a valid access token (a forced refresh on the second
 * try) for test_token_cb, which then asks who it belongs to. */
static void
test_fetch (GTask *task)
{
  RelinkTokenService *self = g_task_get_source_object (task);
  TestData *data = g_task_get_task_data (task);
  g_autoptr (GTask) inner = g_task_new (self, g_task_get_cancellable (task), test_token_cb, task);

  g_task_set_source_tag (inner, test_fetch);
  relink_token_service_refresh_tokens (self, data->target.account, data->refreshed,
                                       g_steal_pointer (&inner));
}

static void
shared_secret_thread (GTask *task,
                      gpointer source_object,
                      gpointer task_data,
                      GCancellable *cancellable)
{
  RelinkTokenService *self = source_object;
  TestData *data = task_data;
  GError *error = NULL;

  data->shared_secret = relink_secrets_lookup_keyset_secret_sync (
      relink_account_manager_get_secrets (self->manager),
      relink_keyset_get_id (data->target.keyset), "shared_secret", cancellable, &error);
  /* A kind whose own identity call signs with the keys (eBay Trading). */
  if (error == NULL && data->target.kind->calls_need_client_secret)
    data->target.client_secret = relink_secrets_lookup_keyset_secret_sync (
        relink_account_manager_get_secrets (self->manager),
        relink_keyset_get_id (data->target.keyset), "client_secret", cancellable, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
shared_secret_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  test_fetch (g_steal_pointer (&task));
}

void
relink_token_service_test_async (RelinkTokenService *self,
                                 RelinkAccount *account,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GTask) lookup = NULL;
  RelinkProvider *provider;
  RelinkIdentitySource source;
  TestData *data;
  GError *error = NULL;

  g_return_if_fail (RELINK_IS_TOKEN_SERVICE (self));
  g_return_if_fail (RELINK_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_token_service_test_async);

  data = g_new0 (TestData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) test_data_free);
  if (!relink_token_target_init (&data->target, self, account, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  provider = data->target.provider;

  /* The grant kind says how (relink-token-kinds.c); the profile's
   * identity source is about OAuth 2.0 grants. */
  if (data->target.kind->fetch_identity_async == NULL)
    {
      g_task_return_new_error (task, RELINK_TOKEN_SERVICE_ERROR,
                               RELINK_TOKEN_SERVICE_ERROR_NOT_AVAILABLE,
                               /* Translators: "Not available for Auth'n'Auth tokens yet; …" */
                               _ ("Not available for %s tokens yet; renewal checks the seller."),
                               data->target.grant_label);
      return;
    }

  source = relink_provider_get_identity_source (provider);
  if (g_strcmp0 (data->target.kind->kind, RELINK_GRANT_KIND_OAUTH2) == 0
      && source != RELINK_IDENTITY_SOURCE_ENDPOINT && source != RELINK_IDENTITY_SOURCE_ID_TOKEN)
    {
      g_task_return_new_error (task, RELINK_TOKEN_SERVICE_ERROR,
                               RELINK_TOKEN_SERVICE_ERROR_NOT_AVAILABLE,
                               _ ("Not available for %s: no API tells the seller id; renewal "
                                  "checks it."),
                               relink_provider_get_name (provider));
      return;
    }

  /* Etsy wants its shared secret on every API call, the test included. */
  lookup = g_task_new (self, cancellable, shared_secret_cb, g_steal_pointer (&task));
  g_task_set_source_tag (lookup, relink_token_service_test_async);
  g_task_set_task_data (lookup, data, NULL);
  g_task_run_in_thread (lookup, shared_secret_thread);
}

char *
relink_token_service_test_finish (RelinkTokenService *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (RELINK_IS_TOKEN_SERVICE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
