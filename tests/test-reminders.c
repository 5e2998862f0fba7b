/* test-reminders.c: the reminder service as the seller meets it, through
 * a fake org.freedesktop.Notifications server on the private session bus
 * (GIO's freedesktop notification backend talks to it), with a fake clock.
 * Also the wake from suspend (a fake logind) and starting at login.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "relink-account-manager.h"
#include "relink-expiry.h"
#include "relink-reminder-service-private.h"
#include "relink-test-service.h"
#include "relink-test-util.h"

#define DAY RELINK_REMINDER_DAY
/* A fixed "now": 2030-01-01 00:00 UTC. */
#define T0 G_GINT64_CONSTANT (1893456000)

#define WAIT_FOR(cond) RELINK_TEST_WAIT_FOR (cond, 10)

/* The fake notification server's record */

static gboolean
has_action (RelinkTestNotification *n, const char *key, const char *label)
{
  for (guint i = 0; n->actions[i] != NULL && n->actions[i + 1] != NULL; i += 2)
    if (g_str_equal (n->actions[i], key) && g_str_equal (n->actions[i + 1], label))
      return TRUE;
  return FALSE;
}

/* The action key GIO's freedesktop backend gives a button: its detailed
 * name, "app.renew-account::acc-a". */
static char *
renew_key (const char *account_id)
{
  g_autoptr (GVariant) target = g_variant_ref_sink (g_variant_new_string (account_id));

  return g_action_print_detailed_name ("app.renew-account", target);
}

static gboolean
has_renew_button (RelinkTestNotification *n, const char *account_id)
{
  g_autofree char *key = renew_key (account_id);

  return has_action (n, key, "Renew");
}

static gboolean
was_closed (RelinkTestNotificationServer *server, guint id)
{
  for (guint i = 0; i < server->closed->len; i++)
    if (g_array_index (server->closed, guint, i) == id)
      return TRUE;
  return FALSE;
}

/* Fixture */

static RelinkTestNotificationServer *the_server;

typedef struct
{
  char *dir;
  RelinkStore *store;
  RelinkAccountManager *manager;
  GSettings *settings;
  GApplication *app;
  GDBusConnection *app_connection;
  RelinkTestNotificationServer *server;
  RelinkReminderService *service;
  GPtrArray *activations;
  gint64 now;
} Fixture;

static gint64
fake_clock (gpointer user_data)
{
  return ((Fixture *) user_data)->now;
}

static void
activated_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  Fixture *fixture = user_data;

  g_ptr_array_add (fixture->activations,
                   g_strdup_printf ("%s(%s)", g_action_get_name (G_ACTION (action)),
                                    g_variant_get_string (parameter, NULL)));
}

static void
save_account (Fixture *fixture,
              const char *id,
              const char *nickname,
              RelinkAccountStatus status,
              gint64 expires_at)
{
  g_autoptr (RelinkAccount) account = relink_account_new (id);
  g_autoptr (GError) error = NULL;

  relink_account_set_keyset_id (account, "keyset-ebay");
  relink_account_set_nickname (account, nickname);
  relink_account_set_identity_id (account, nickname);
  relink_account_set_status (account, status);
  relink_account_set_created_at (account, fixture->now - 400 * DAY);
  relink_account_set_refresh_expires_at (account, expires_at);
  relink_account_set_access_expires_at (account, fixture->now + 3600);
  relink_store_save_account (fixture->store, account, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture *fixture, gconstpointer data)
{
  static guint counter;
  static const GActionEntry entries[] = {
    { "renew-account", activated_cb, "s" },
    { "show-account", activated_cb, "s" },
  };
  g_autofree char *path = NULL;
  g_autofree char *app_id = NULL;
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new ("keyset-ebay");
  g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();
  g_autoptr (RelinkProviderRegistry) providers = relink_provider_registry_new (NULL);
  g_autoptr (GError) error = NULL;

  relink_test_forget_notifications ();

  fixture->now = T0;
  fixture->activations = g_ptr_array_new_with_free_func (g_free);
  fixture->dir = relink_test_make_tmp_dir ();
  path = g_build_filename (fixture->dir, "relink.db", NULL);
  fixture->store = relink_store_open (path, &error);
  g_assert_no_error (error);

  relink_keyset_set_provider_id (keyset, "ebay");
  relink_keyset_set_environment (keyset, "production");
  relink_keyset_set_client_id (keyset, "ShopTool-PRD-1a2b3c4d5-6e7f8a9b");
  relink_keyset_set_redirect (keyset, "Shop_Tool-ShopTool-PRD-abcdefgh");
  relink_store_save_keyset (fixture->store, keyset, &error);
  g_assert_no_error (error);

  /* The 7-day reminder fell due 30 s ago; nothing for shop_b for weeks. */
  save_account (fixture, "acc-a", "shop_a", RELINK_ACCOUNT_STATUS_CONNECTED, T0 + 7 * DAY - 30);
  save_account (fixture, "acc-b", "shop_b", RELINK_ACCOUNT_STATUS_CONNECTED, T0 + 90 * DAY);

  fixture->manager = relink_account_manager_new (fixture->store, secrets, providers);
  relink_account_manager_load_sync (fixture->manager, NULL, &error);
  g_assert_no_error (error);

  fixture->settings = g_settings_new (APPLICATION_ID);

  app_id = g_strdup_printf ("io.github.relink.Relink.TestReminders%u", counter++);
  fixture->app = g_application_new (app_id, G_APPLICATION_DEFAULT_FLAGS);
  g_action_map_add_action_entries (G_ACTION_MAP (fixture->app), entries, G_N_ELEMENTS (entries),
                                   fixture);
  g_application_register (fixture->app, NULL, &error);
  g_assert_no_error (error);
  fixture->app_connection = g_application_get_dbus_connection (fixture->app);
  g_assert_nonnull (fixture->app_connection);

  /* One server for the whole run, as a desktop has; each test starts
   * with a clean record. The first test starts without one. */
  if (the_server == NULL && data == NULL)
    the_server = relink_test_notification_server_start ();
  fixture->server = the_server;
  if (fixture->server != NULL)
    relink_test_notification_server_clear (fixture->server);

  fixture->service
      = relink_reminder_service_new (fixture->app, fixture->manager, fixture->settings);
  relink_reminder_service_set_clock (fixture->service, fake_clock, fixture);
}

static void
wait_saved (RelinkReminderService *service)
{
  gboolean saving = TRUE;

  while (saving)
    {
      g_object_get (service, "saving", &saving, NULL);
      if (saving)
        g_main_context_iteration (NULL, TRUE);
    }
}

static void
fixture_teardown (Fixture *fixture, gconstpointer data)
{
  if (fixture->service != NULL)
    {
      wait_saved (fixture->service);
      relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->service));
    }
  if (fixture->server != NULL)
    relink_test_notification_server_sync (fixture->server, fixture->app_connection);
  g_clear_object (&fixture->app);
  g_clear_object (&fixture->settings);
  relink_test_assert_finalize_eventually (g_steal_pointer (&fixture->manager));
  g_clear_object (&fixture->store);
  relink_test_remove_dir (fixture->dir);
  g_free (fixture->dir);
  g_ptr_array_unref (fixture->activations);
}

static void
start_and_wait (Fixture *fixture)
{
  relink_reminder_service_start (fixture->service);
  WAIT_FOR (relink_reminder_service_get_ready (fixture->service)
            && relink_reminder_service_get_can_notify (fixture->service));
  relink_test_notification_server_sync (fixture->server, fixture->app_connection);
}

static RelinkAccount *
lookup (Fixture *fixture, const char *id)
{
  RelinkAccount *account = relink_account_manager_lookup_account (fixture->manager, id);

  g_assert_nonnull (account);
  return account;
}

/* Tests */

static void
test_lead_reminder (Fixture *fixture, gconstpointer data)
{
  RelinkTestNotification *n;
  guint first_id;

  start_and_wait (fixture);

  /* Only shop_a is due, with the lead it reached. */
  g_assert_cmpuint (fixture->server->notified->len, ==, 1);
  n = relink_test_notification_server_last (fixture->server);
  g_assert_cmpstr (n->summary, ==, "eBay · shop_a expires in 7 days");
  g_assert_cmpstr (n->body, !=, "");
  g_assert_cmpuint (n->replaces_id, ==, 0);
  g_assert_true (has_action (n, "default", ""));
  g_assert_true (has_renew_button (n, "acc-a"));
  first_id = n->id;

  /* It sleeps until the 1-day reminder. */
  g_assert_cmpint (relink_reminder_service_get_next_deadline (fixture->service), ==,
                   T0 + 6 * DAY - 30);

  /* Early: nothing. */
  fixture->now = T0 + 6 * DAY - 31;
  relink_reminder_service_check (fixture->service);
  relink_test_notification_server_sync (fixture->server, fixture->app_connection);
  g_assert_cmpuint (fixture->server->notified->len, ==, 1);

  /* On time: the same notification, replaced in place. */
  fixture->now = T0 + 6 * DAY - 30;
  relink_reminder_service_check (fixture->service);
  relink_test_notification_server_sync (fixture->server, fixture->app_connection);
  g_assert_cmpuint (fixture->server->notified->len, ==, 2);
  n = relink_test_notification_server_last (fixture->server);
  g_assert_cmpstr (n->summary, ==, "eBay · shop_a expires in 1 day");
  g_assert_cmpuint (n->replaces_id, ==, first_id);
  g_assert_cmpint (relink_reminder_service_get_next_deadline (fixture->service), ==,
                   T0 + 7 * DAY - 30);

  /* At the expiry. */
  fixture->now = T0 + 7 * DAY;
  relink_reminder_service_check (fixture->service);
  relink_test_notification_server_sync (fixture->server, fixture->app_connection);
  g_assert_cmpuint (fixture->server->notified->len, ==, 3);
  n = relink_test_notification_server_last (fixture->server);
  g_assert_cmpstr (n->summary, ==, "eBay · shop_a has expired");
  g_assert_cmpuint (n->replaces_id, ==, first_id);

  /* shop_b's 30-day reminder is the next thing ahead. */
  g_assert_cmpint (relink_reminder_service_get_next_deadline (fixture->service), ==, T0 + 60 * DAY);
}

/* No notification service yet (it starts after Relink, or never): the
 * reminder waits for one, without the timer spinning on it. */
static void
test_no_service (Fixture *fixture, gconstpointer data)
{
  g_assert_null (the_server);

  relink_reminder_service_start (fixture->service);
  WAIT_FOR (relink_reminder_service_get_ready (fixture->service));
  if (relink_reminder_service_get_can_notify (fixture->service))
    {
      g_test_skip ("This session can start a notification service on demand");
      return;
    }
  g_assert_cmpint (relink_reminder_service_get_next_deadline (fixture->service), ==,
                   T0 + 6 * DAY - 30);

  the_server = fixture->server = relink_test_notification_server_start ();
  WAIT_FOR (fixture->server->notified->len == 1);
  g_assert_true (relink_reminder_service_get_can_notify (fixture->service));
  g_assert_cmpstr (relink_test_notification_server_last (fixture->server)->summary, ==,
                   "eBay · shop_a expires in 7 days");
  relink_test_notification_server_sync (fixture->server, fixture->app_connection);
  g_assert_cmpuint (fixture->server->notified->len, ==, 1);
  g_assert_cmpint (relink_reminder_service_get_next_deadline (fixture->service), ==,
                   T0 + 6 * DAY - 30);
}

static void
test_actions (Fixture *fixture, gconstpointer data)
{
  g_autofree char *key = renew_key ("acc-a");
  guint id;

  start_and_wait (fixture);
  id = relink_test_notification_server_last (fixture->server)->id;

  /* Anyone may send the signal: an action this notification did not
   * offer does nothing. */
  relink_test_notification_server_emit (fixture->server, "ActionInvoked",
                                        g_variant_new ("(us)", id, "app.show-account::acc-b"));
  relink_test_notification_server_sync (fixture->server, fixture->app_connection);
  g_assert_cmpuint (fixture->activations->len, ==, 0);

  relink_test_notification_server_emit (fixture->server, "ActionInvoked",
                                        g_variant_new ("(us)", id, key));
  WAIT_FOR (fixture->activations->len == 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->activations, 0), ==, "renew-account(acc-a)");

  /* An action ends the notification; the next reminder is a new one. */
  fixture->now = T0 + 6 * DAY;
  relink_reminder_service_check (fixture->service);
  relink_test_notification_server_sync (fixture->server, fixture->app_connection);
  id = relink_test_notification_server_last (fixture->server)->id;
  relink_test_notification_server_emit (fixture->server, "ActionInvoked",
                                        g_variant_new ("(us)", id, "default"));
  WAIT_FOR (fixture->activations->len == 2);
  g_assert_cmpstr (g_ptr_array_index (fixture->activations, 1), ==, "show-account(acc-a)");
}

/* Dismissed, or given before a restart: it comes back only at the next lead. */
static void
test_not_repeated (Fixture *fixture, gconstpointer data)
{
  g_autoptr (RelinkReminderService) second = NULL;
  g_autoptr (RelinkAccountManager) manager = NULL;
  g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();
  g_autoptr (RelinkProviderRegistry) providers = relink_provider_registry_new (NULL);
  g_autoptr (GError) error = NULL;
  guint id;

  start_and_wait (fixture);
  g_assert_cmpuint (fixture->server->notified->len, ==, 1);
  id = relink_test_notification_server_last (fixture->server)->id;

  /* The seller dismisses it; an hour later the service looks again. */
  relink_test_notification_server_emit (fixture->server, "NotificationClosed",
                                        g_variant_new ("(uu)", id, 2));
  fixture->now += 3600;
  relink_reminder_service_check (fixture->service);
  relink_test_notification_server_sync (fixture->server, fixture->app_connection);
  g_assert_cmpuint (fixture->server->notified->len, ==, 1);

  /* A new process (the next login) remembers it from the store. */
  wait_saved (fixture->service);
  relink_reminder_service_stop (fixture->service);
  manager = relink_account_manager_new (fixture->store, secrets, providers);
  relink_account_manager_load_sync (manager, NULL, &error);
  g_assert_no_error (error);
  second = relink_reminder_service_new (fixture->app, manager, fixture->settings);
  relink_reminder_service_set_clock (second, fake_clock, fixture);
  relink_reminder_service_start (second);
  WAIT_FOR (relink_reminder_service_get_ready (second)
            && relink_reminder_service_get_can_notify (second));
  relink_test_notification_server_sync (fixture->server, fixture->app_connection);
  g_assert_cmpuint (fixture->server->notified->len, ==, 1);
  g_assert_cmpint (relink_reminder_service_get_next_deadline (second), ==, T0 + 6 * DAY - 30);

  /* The next lead comes, as a new notification (the old one is gone). */
  fixture->now = T0 + 6 * DAY + 3600;
  relink_reminder_service_check (second);
  relink_test_notification_server_sync (fixture->server, fixture->app_connection);
  g_assert_cmpuint (fixture->server->notified->len, ==, 2);
  g_assert_cmpstr (relink_test_notification_server_last (fixture->server)->summary, ==,
                   "eBay · shop_a expires in 22 h");

  relink_reminder_service_stop (second);
  wait_saved (second);
}

static void
test_reauth_and_renewal (Fixture *fixture, gconstpointer data)
{
  RelinkAccount *b = lookup (fixture, "acc-b");
  RelinkAccount *a = lookup (fixture, "acc-a");
  RelinkTestNotification *n;
  guint a_id;

  start_and_wait (fixture);
  a_id = relink_test_notification_server_last (fixture->server)->id;

  /* The marketplace refuses shop_b's refresh token: at once, no timer. */
  relink_account_set_status (b, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
  WAIT_FOR (fixture->server->notified->len == 2);
  n = relink_test_notification_server_last (fixture->server);
  g_assert_cmpstr (n->summary, ==, "eBay · shop_b needs you to sign in again");
  g_assert_true (has_renew_button (n, "acc-b"));
  g_assert_cmpuint (n->replaces_id, ==, 0);
  g_assert_cmpuint (n->id, !=, a_id);

  /* Other changes of the account do not repeat it. */
  relink_account_set_last_refresh_at (b, T0 + 10);
  fixture->now += 60;
  relink_reminder_service_check (fixture->service);
  relink_test_notification_server_sync (fixture->server, fixture->app_connection);
  g_assert_cmpuint (fixture->server->notified->len, ==, 2);

  /* Signed in again: the reminder goes. */
  relink_account_set_status (b, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_refresh_expires_at (b, T0 + 500 * DAY);
  WAIT_FOR (was_closed (fixture->server, n->id));

  /* shop_a renewed: its expiry moved by 18 months. */
  relink_account_set_refresh_expires_at (a, T0 + 540 * DAY);
  WAIT_FOR (was_closed (fixture->server, a_id));
  g_assert_cmpuint (fixture->server->notified->len, ==, 2);
}

static void
remove_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  relink_account_manager_remove_account_finish (RELINK_ACCOUNT_MANAGER (source), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
test_removed_account (Fixture *fixture, gconstpointer data)
{
  gboolean done = FALSE;
  guint id;

  start_and_wait (fixture);
  id = relink_test_notification_server_last (fixture->server)->id;

  relink_account_manager_remove_account_async (fixture->manager, lookup (fixture, "acc-a"), NULL,
                                               remove_cb, &done);
  WAIT_FOR (done);
  WAIT_FOR (was_closed (fixture->server, id));
}

/* The lead times come from the settings and are followed. */
static void
test_settings (Fixture *fixture, gconstpointer data)
{
  const guint32 days[] = { 100, 14 };

  start_and_wait (fixture);
  g_assert_cmpint (relink_reminder_service_get_next_deadline (fixture->service), ==,
                   T0 + 6 * DAY - 30);

  g_settings_set_value (fixture->settings, "reminder-lead-days",
                        g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, days, G_N_ELEMENTS (days),
                                                   sizeof (guint32)));
  /* shop_b's new 100-day lead has passed: told at once. shop_a was told
   * at 7 days, so only its expiry is left, the earliest moment ahead. */
  WAIT_FOR (fixture->server->notified->len == 2);
  g_assert_cmpstr (relink_test_notification_server_last (fixture->server)->summary, ==,
                   "eBay · shop_b expires in 90 days");
  g_assert_cmpint (relink_reminder_service_get_next_deadline (fixture->service), ==,
                   T0 + 7 * DAY - 30);

  g_settings_reset (fixture->settings, "reminder-lead-days");
  relink_test_notification_server_sync (fixture->server, fixture->app_connection);
}

/* Reminders are per grant (HACKING.md, "Grant"): shop_b's Auth'n'Auth
 * token has reminders of its own, named after its account and kind, with
 * a Renew for that grant; and it is reminded when eBay's
 * HardExpirationWarning starts, 7 days ahead, even when the seller's
 * lead times skip 7 days. */
static void
test_per_grant (Fixture *fixture, gconstpointer data)
{
  const guint32 days[] = { 30, 1 };
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new ("keyset-ebay-trading");
  g_autoptr (RelinkAccount) grant = relink_account_new ("grant-b");
  g_autoptr (GError) error = NULL;
  RelinkReminderState given;
  RelinkTestNotification *n;

  relink_keyset_set_provider_id (keyset, "ebay");
  relink_keyset_set_environment (keyset, "production");
  relink_keyset_set_client_id (keyset, "ShopTool-Trading-App");
  relink_keyset_set_redirect (keyset, "Shop_Tool-ShopTool-PRD-trading");
  relink_keyset_set_grant_kind (keyset, RELINK_GRANT_KIND_AUTH_N_AUTH);
  g_assert_true (relink_store_save_keyset (fixture->store, keyset, &error));
  relink_account_set_keyset_id (grant, "keyset-ebay-trading");
  relink_account_set_owner_id (grant, "acc-b");
  relink_account_set_grant_name (grant, RELINK_GRANT_NAME_AUTH_N_AUTH);
  relink_account_set_status (grant, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_refresh_expires_at (grant, T0 + 7 * DAY - 3600);
  relink_account_set_access_expires_at (grant, T0 + 7 * DAY - 3600);
  g_assert_true (relink_store_save_account (fixture->store, grant, &error));
  g_assert_no_error (error);
  /* Both the OAuth grant of shop_a and this one had their 30-day reminder. */
  given = (RelinkReminderState){ T0 + 7 * DAY - 30, 30 * DAY, T0 - 23 * DAY };
  g_assert_true (relink_store_save_reminder (fixture->store, "acc-a", &given, &error));
  given = (RelinkReminderState){ T0 + 7 * DAY - 3600, 30 * DAY, T0 - 23 * DAY };
  g_assert_true (relink_store_save_reminder (fixture->store, "grant-b", &given, &error));
  g_assert_no_error (error);
  g_assert_true (relink_account_manager_load_sync (fixture->manager, NULL, &error));
  g_assert_no_error (error);
  g_settings_set_value (fixture->settings, "reminder-lead-days",
                        g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, days, G_N_ELEMENTS (days),
                                                   sizeof (guint32)));

  start_and_wait (fixture);

  /* Only the Auth'n'Auth grant: eBay's warning window has begun. */
  g_assert_cmpuint (fixture->server->notified->len, ==, 1);
  n = relink_test_notification_server_last (fixture->server);
  g_assert_cmpstr (n->summary, ==, "eBay · shop_b (Auth'n'Auth) expires in 6 days");
  g_assert_true (has_renew_button (n, "grant-b"));
  /* Next: this grant's 1-day lead, an hour before shop_a's. */
  g_assert_cmpint (relink_reminder_service_get_next_deadline (fixture->service), ==,
                   T0 + 6 * DAY - 3600);
  fixture->now = T0 + 6 * DAY - 30;
  relink_reminder_service_check (fixture->service);
  relink_test_notification_server_sync (fixture->server, fixture->app_connection);
  /* Each grant its own notification: shop_b's replaced, shop_a's new. */
  g_assert_cmpuint (fixture->server->notified->len, ==, 3);
  g_assert_true (has_renew_button (relink_test_notification_server_last (fixture->server), "acc-a")
                 || has_renew_button (g_ptr_array_index (fixture->server->notified, 1), "acc-a"));

  g_settings_reset (fixture->settings, "reminder-lead-days");
  relink_test_notification_server_sync (fixture->server, fixture->app_connection);
}

/* A real deadline on the real clock: the timer wakes the service. */
static void
test_wall_timer (Fixture *fixture, gconstpointer data)
{
  const guint32 days[] = { 1 };
  gint64 now = relink_now ();
  RelinkAccount *b = lookup (fixture, "acc-b");

  relink_reminder_service_set_clock (fixture->service, NULL, NULL);
  g_settings_set_value (fixture->settings, "reminder-lead-days",
                        g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, days, G_N_ELEMENTS (days),
                                                   sizeof (guint32)));
  relink_account_set_refresh_expires_at (lookup (fixture, "acc-a"), now + 300 * DAY);
  relink_account_set_refresh_expires_at (b, now + DAY + 2);

  start_and_wait (fixture);
  g_assert_cmpuint (fixture->server->notified->len, ==, 0);
  g_assert_cmpint (relink_reminder_service_get_next_deadline (fixture->service), ==, now + 2);

  WAIT_FOR (fixture->server->notified->len == 1);
  g_assert_cmpstr (relink_test_notification_server_last (fixture->server)->summary, ==,
                   "eBay · shop_b expires in 1 day");
  g_assert_cmpint (relink_reminder_service_get_next_deadline (fixture->service), ==, now + DAY + 2);

  g_settings_reset (fixture->settings, "reminder-lead-days");
}

/* A process that does not run while the machine sleeps */

static gint64
skewed_clock (gpointer user_data)
{
  return relink_now () + ((Fixture *) user_data)->now;
}

/* Suspend needs no listener of its own: the reminders sleep on an absolute
 * wall-clock timerfd, which reports a deadline that passed while the
 * process could not run as soon as it runs again (and a clock that jumped
 * on wake as a clock change); either way the plan is made anew. Here the
 * process is frozen across the 1-day lead while the clock it reads moves
 * 8 days on: on waking the real timer fires, once, and only the expiry is
 * told, as after a suspend across both moments. */
static void
test_missed_while_asleep (Fixture *fixture, gconstpointer data)
{
  const guint32 days[] = { 1 };
  gint64 now = relink_now ();
  RelinkAccount *b = lookup (fixture, "acc-b");

  fixture->now = 0;
  relink_reminder_service_set_clock (fixture->service, skewed_clock, fixture);
  g_settings_set_value (fixture->settings, "reminder-lead-days",
                        g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, days, G_N_ELEMENTS (days),
                                                   sizeof (guint32)));
  relink_account_set_refresh_expires_at (lookup (fixture, "acc-a"), now + 300 * DAY);
  relink_account_set_refresh_expires_at (b, now + DAY + 1);

  start_and_wait (fixture);
  g_assert_cmpuint (fixture->server->notified->len, ==, 0);
  g_assert_cmpint (relink_reminder_service_get_next_deadline (fixture->service), ==, now + 1);

  /* Asleep: nothing runs past the lead; on waking the clock says 8 days on. */
  g_usleep (2500 * G_TIME_SPAN_MILLISECOND);
  fixture->now = 8 * DAY;

  WAIT_FOR (fixture->server->notified->len == 1);
  g_assert_cmpstr (relink_test_notification_server_last (fixture->server)->summary, ==,
                   "eBay · shop_b has expired");
  relink_test_notification_server_sync (fixture->server, fixture->app_connection);
  g_assert_cmpuint (fixture->server->notified->len, ==, 1);

  g_settings_reset (fixture->settings, "reminder-lead-days");
}

int
main (int argc, char *argv[])
{
  /* The freedesktop backend, whatever the desktop: the fake server is it. */
  g_setenv ("GNOTIFICATION_BACKEND", "freedesktop", TRUE);
  g_test_init (&argc, &argv, NULL);

  /* First: the notification server is not there yet. */
  g_test_add ("/reminders/no-service", Fixture, GINT_TO_POINTER (1), fixture_setup, test_no_service,
              fixture_teardown);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/reminders/lead", test_lead_reminder);
  ADD ("/reminders/actions", test_actions);
  ADD ("/reminders/not-repeated", test_not_repeated);
  ADD ("/reminders/reauth-and-renewal", test_reauth_and_renewal);
  ADD ("/reminders/removed-account", test_removed_account);
  ADD ("/reminders/settings", test_settings);
  ADD ("/reminders/per-grant", test_per_grant);
  ADD ("/reminders/wall-timer", test_wall_timer);
  ADD ("/reminders/missed-while-asleep", test_missed_while_asleep);
#undef ADD

  return g_test_run ();
}
