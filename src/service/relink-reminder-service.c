/* relink-reminder-service.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Longer than ~900 lines on purpose: planning, showing, holding back and
 * saving reminders are one state machine over the same per-account state
 * and timer, and splitting it would only export that state between files. */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-expiry.h"
#include "relink-fdo-notifier.h"
#include "relink-grant.h"
#include "relink-reminder-schedule.h"
#include "relink-reminder-service-private.h"
#include "relink-wall-timer.h"

/* GIO's notification backends talk to one of these (inside Flatpak, to
 * the portal). */
static const char *const notification_services[] = {
  "org.gtk.Notifications",
  "org.freedesktop.Notifications",
};

struct _RelinkReminderService
{
  GObject parent_instance;

  GApplication *application; /* weak: it owns the service */
  RelinkAccountManager *manager;
  GSettings *settings;
  GCancellable *cancellable;

  RelinkClockFunc clock;
  gpointer clock_data;

  GArray *account_leads; /* gint64 seconds, from the setting */

  /* id -> RelinkReminderState *: the last reminder given per account or
   * keyset, as in the store (this process writes it through). */
  GHashTable *given;
  /* ids whose notification this process sent and has not withdrawn. */
  GHashTable *shown;
  /* RelinkAccount / RelinkKeyset watched for "notify" (a set). */
  GHashTable *watched;

  /* Saves not written yet, in order (SaveItem); one writer at a time, so
   * two reminders of one account land in the order they were given. */
  GQueue save_queue;
  gboolean saving;

  /* Whether a notification service is there to show reminders. Until one
   * is (a session without a notification daemon, or before it started),
   * due reminders are held back: remembered in memory only, so the timer
   * does not spin on them, and given for real once a service appears.
   * held_back: id -> RelinkReminderState * as it was before (or NULL). */
  gboolean can_notify;
  GHashTable *held_back;
  guint watch_ids[G_N_ELEMENTS (notification_services)];
  /* Where GIO would use org.freedesktop.Notifications, reminders go
   * through this instead (see relink-fdo-notifier.h); NULL in Flatpak. */
  RelinkFdoNotifier *fdo;
  gboolean gtk_service; /* org.gtk.Notifications has an owner */

  GSource *timer;
  gint64 next_deadline;
  guint idle_id;
  gboolean started;
  gboolean ready;
};

G_DEFINE_FINAL_TYPE (RelinkReminderService, relink_reminder_service, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_READY,
  PROP_SAVING,
  PROP_NEXT_DEADLINE,
  PROP_CAN_NOTIFY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  char *id;
  RelinkReminderState state;
} SaveItem;

static void
save_item_free (SaveItem *item)
{
  g_free (item->id);
  g_free (item);
}

static gint64
default_clock (gpointer user_data)
{
  return relink_now ();
}

char *
relink_reminder_service_dup_notification_id (const char *id)
{
  return g_strconcat ("reminder-", id, NULL);
}

/* Saving */

static void save_next (RelinkReminderService *self);

static void
save_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  GPtrArray *items = task_data;
  RelinkStore *store = g_object_get_data (G_OBJECT (task), "store");

  for (guint i = 0; i < items->len; i++)
    {
      SaveItem *item = g_ptr_array_index (items, i);
      g_autoptr (GError) error = NULL;

      /* An account removed meanwhile (by relinkctl, say) has nothing to
       * remember; anything else only means the reminder may come again. */
      if (!relink_store_save_reminder (store, item->id, &item->state, &error)
          && !g_error_matches (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NOT_FOUND))
        g_message ("Could not remember a reminder: %s", error->message);
    }

  g_task_return_boolean (task, TRUE);
}

static void
save_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  RelinkReminderService *self = RELINK_REMINDER_SERVICE (object);

  self->saving = FALSE;
  save_next (self);
  if (!self->saving)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVING]);
}

static void
save_next (RelinkReminderService *self)
{
  g_autoptr (GTask) task = NULL;
  GPtrArray *items;
  SaveItem *item;

  if (self->saving || g_queue_is_empty (&self->save_queue))
    return;

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) save_item_free);
  while ((item = g_queue_pop_head (&self->save_queue)) != NULL)
    g_ptr_array_add (items, item);

  self->saving = TRUE;
  task = g_task_new (self, NULL, save_done_cb, NULL);
  g_task_set_source_tag (task, save_next);
  g_task_set_task_data (task, items, (GDestroyNotify) g_ptr_array_unref);
  g_object_set_data_full (G_OBJECT (task), "store",
                          g_object_ref (relink_account_manager_get_store (self->manager)),
                          g_object_unref);
  g_task_run_in_thread (task, save_thread);
}

static void
remember (RelinkReminderService *self, const char *id, const RelinkReminderState *state)
{
  SaveItem *item = g_new0 (SaveItem, 1);
  gboolean was_saving = self->saving || !g_queue_is_empty (&self->save_queue);

  item->id = g_strdup (id);
  item->state = *state;
  g_queue_push_tail (&self->save_queue, item);

  if (state->expires_at == 0 && state->lead == 0 && state->given_at == 0)
    g_hash_table_remove (self->given, id);
  else
    g_hash_table_insert (self->given, g_strdup (id), g_memdup2 (state, sizeof *state));

  save_next (self);
  if (!was_saving)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVING]);
}

/* Notifications */

/* Whether @notification_id goes through our freedesktop notifier: where
 * GIO would, and for one shown that way already (a GNOME session whose
 * org.gtk.Notifications was not seen yet at the first reminder). */
static gboolean
uses_fdo (RelinkReminderService *self, const char *notification_id)
{
  return self->fdo != NULL
         && (relink_fdo_notifier_is_wanted (self->gtk_service)
             || relink_fdo_notifier_has (self->fdo, notification_id));
}

static void
withdraw (RelinkReminderService *self, const char *id)
{
  g_autofree char *notification_id = relink_reminder_service_dup_notification_id (id);

  if (uses_fdo (self, notification_id))
    relink_fdo_notifier_withdraw (self->fdo, notification_id);
  else if (self->application != NULL)
    g_application_withdraw_notification (self->application, notification_id);
  g_hash_table_remove (self->shown, id);
}

/* @notice as a GNotification, for GIO's backends (GNOME Shell, the
 * portal). */
static void
send_notification (GApplication *application,
                   const char *notification_id,
                   const RelinkNotice *notice)
{
  g_autoptr (GNotification) notification = g_notification_new (notice->title);
  g_autoptr (GIcon) icon = g_themed_icon_new (APPLICATION_ID);

  g_notification_set_body (notification, notice->body);
  g_notification_set_icon (notification, icon);
  g_notification_set_priority (notification, notice->urgent ? G_NOTIFICATION_PRIORITY_HIGH
                                                            : G_NOTIFICATION_PRIORITY_NORMAL);
  if (notice->button_label != NULL)
    g_notification_add_button_with_target_value (notification, notice->button_label,
                                                 notice->button_action, notice->button_target);
  if (notice->default_action != NULL)
    g_notification_set_default_action_and_target_value (notification, notice->default_action,
                                                        notice->default_target);
  g_application_send_notification (application, notification_id, notification);
}

static void
show (RelinkReminderService *self,
      RelinkReminderSubject subject,
      const char *id,
      const char *provider_name,
      const char *name,
      const RelinkReminderState *reminder,
      gint64 now)
{
  g_autoptr (GVariant) target = g_variant_ref_sink (g_variant_new_string (id));
  g_autofree char *notification_id = relink_reminder_service_dup_notification_id (id);
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;
  RelinkNotice notice = { 0 };

  if (self->application == NULL)
    return;

  relink_reminder_format (subject, provider_name, name, reminder, now, NULL, &title, &body);
  notice.title = title;
  notice.body = body;
  /* The last reminders are the ones that must not be missed. */
  notice.urgent = reminder->lead <= RELINK_REMINDER_DAY;
  if (subject == RELINK_REMINDER_SUBJECT_ACCOUNT)
    {
      notice.button_label = _ ("Renew");
      notice.button_action = "app.renew-account";
      notice.button_target = target;
      notice.default_action = "app.show-account";
      notice.default_target = target;
    }
  /* A keyset is fixed in the window's developer keys; without a default
   * action a click activates the application, which shows the window. */

  g_debug ("Reminder for %s: %s", id, title);
  if (uses_fdo (self, notification_id))
    relink_fdo_notifier_send (self->fdo, notification_id, &notice);
  else
    send_notification (self->application, notification_id, &notice);
  g_hash_table_add (self->shown, g_strdup (id));
}

/* Whether the notification shown for @id speaks of something that is no
 * longer so: renewed (the expiry moved on), disconnected, or fine again. */
static gboolean
shown_is_stale (RelinkReminderService *self,
                const char *id,
                gint64 expires_at,
                RelinkAccountStatus status)
{
  const RelinkReminderState *given = g_hash_table_lookup (self->given, id);

  if (status == RELINK_ACCOUNT_STATUS_NOT_CONNECTED)
    return TRUE;
  if (given == NULL)
    return TRUE;
  if (given->lead == RELINK_REMINDER_LEAD_REAUTH)
    return status != RELINK_ACCOUNT_STATUS_NEEDS_REAUTH;

  return expires_at == 0 || expires_at - given->expires_at > RELINK_REMINDER_RENEWAL_SLACK;
}

/* Holding back while nobody can show notifications */

static void
hold_back (RelinkReminderService *self, const char *id, const RelinkReminderState *reminder)
{
  const RelinkReminderState *before = g_hash_table_lookup (self->given, id);

  if (!g_hash_table_contains (self->held_back, id))
    g_hash_table_insert (self->held_back, g_strdup (id),
                         before ? g_memdup2 (before, sizeof *before) : NULL);
  g_hash_table_insert (self->given, g_strdup (id), g_memdup2 (reminder, sizeof *reminder));
}

static void plan (RelinkReminderService *self);

static void
set_can_notify (RelinkReminderService *self, gboolean can_notify)
{
  GHashTableIter iter;
  gpointer id, before;

  if (self->can_notify == can_notify)
    return;
  self->can_notify = can_notify;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_NOTIFY]);
  if (!can_notify)
    return;

  g_debug ("A notification service is there: giving the reminders held back");
  g_hash_table_iter_init (&iter, self->held_back);
  while (g_hash_table_iter_next (&iter, &id, &before))
    {
      if (before != NULL)
        g_hash_table_insert (self->given, g_strdup (id),
                             g_memdup2 (before, sizeof (RelinkReminderState)));
      else
        g_hash_table_remove (self->given, id);
    }
  g_hash_table_remove_all (self->held_back);
  plan (self);
}

static void
service_appeared_cb (GDBusConnection *connection,
                     const char *name,
                     const char *name_owner,
                     gpointer user_data)
{
  RelinkReminderService *self = RELINK_REMINDER_SERVICE (user_data);

  if (g_str_equal (name, notification_services[0]))
    self->gtk_service = TRUE;
  set_can_notify (self, TRUE);
}

static void
service_vanished_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  RelinkReminderService *self = RELINK_REMINDER_SERVICE (user_data);

  if (g_str_equal (name, notification_services[0]))
    self->gtk_service = FALSE;
}

static void
list_activatable_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RelinkReminderService *self;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree const char **names = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = RELINK_REMINDER_SERVICE (user_data);
  if (reply == NULL)
    return;

  /* A daemon started on demand (dunst, mako) owns its name only once
   * called: that it can be started is enough. */
  g_variant_get (reply, "(^a&s)", &names);
  for (guint i = 0; names[i] != NULL; i++)
    for (guint j = 0; j < G_N_ELEMENTS (notification_services); j++)
      if (g_str_equal (names[i], notification_services[j]))
        set_can_notify (self, TRUE);
}

/* Inside Flatpak GIO uses the portal, which is always there. Elsewhere:
 * is a service running, can one be started, or does one start later? */
static void
watch_notification_services (RelinkReminderService *self)
{
  GDBusConnection *connection
      = self->application ? g_application_get_dbus_connection (self->application) : NULL;

  if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    {
      set_can_notify (self, TRUE);
      return;
    }
  if (connection == NULL)
    return;

  /* Made at start, not at the first reminder: a click on a reminder an
   * earlier image of this process showed must find it listening. */
  if (self->fdo == NULL && relink_fdo_notifier_is_wanted (FALSE))
    self->fdo = relink_fdo_notifier_new (self->application, connection, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (notification_services); i++)
    self->watch_ids[i] = g_bus_watch_name_on_connection (
        connection, notification_services[i], G_BUS_NAME_WATCHER_FLAGS_NONE, service_appeared_cb,
        service_vanished_cb, self, NULL);

  g_dbus_connection_call (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "ListActivatableNames", NULL,
                          G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, -1, self->cancellable,
                          list_activatable_cb, self);
}

static void
unwatch_notification_services (RelinkReminderService *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (notification_services); i++)
    if (self->watch_ids[i] != 0)
      {
        g_bus_unwatch_name (self->watch_ids[i]);
        self->watch_ids[i] = 0;
      }
}

/* Planning */

static void
reschedule (RelinkReminderService *self, gint64 deadline)
{
  if (self->timer != NULL)
    relink_wall_timer_source_set_deadline (self->timer,
                                           relink_reminder_deadline_to_usec (deadline));

  if (self->next_deadline != deadline)
    {
      self->next_deadline = deadline;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_DEADLINE]);
    }
}

static const char *
account_provider_name (RelinkAccount *account)
{
  RelinkKeyset *keyset = relink_account_get_keyset (account);
  RelinkProvider *provider = keyset ? relink_keyset_get_provider (keyset) : NULL;

  return provider ? relink_provider_get_name (provider) : NULL;
}

/* "Shop A", or "Shop A (Auth'n'Auth)" for one of several grants. */
static char *
grant_display_name (RelinkAccount *grant)
{
  RelinkAccount *account = relink_account_get_account (grant);

  if (g_list_model_get_n_items (relink_account_get_extra_grants (account)) == 0)
    return g_strdup (relink_account_get_display_name (account));

  /* Translators: an account and one of its tokens: "Shop A (Auth'n'Auth)". */
  return g_strdup_printf (_ ("%s (%s)"), relink_account_get_display_name (account),
                          relink_grant_get_label (grant));
}

static GPtrArray *
list_items (GListModel *model)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (model, i));

  return items;
}

static void
plan (RelinkReminderService *self)
{
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (GPtrArray) keysets = NULL;
  g_autoptr (GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  const gint64 *keyset_leads;
  gsize n_keyset_leads;
  GHashTableIter iter;
  gpointer key;
  gint64 now;

  g_clear_handle_id (&self->idle_id, g_source_remove);

  if (!self->started || !self->ready)
    return;

  now = self->clock (self->clock_data);
  /* Per grant: an account's further grants have reminders of their own. */
  accounts = list_items (relink_account_manager_get_grants (self->manager));
  keysets = list_items (relink_account_manager_get_keysets (self->manager));
  keyset_leads = relink_reminder_default_leads (RELINK_REMINDER_SUBJECT_KEYSET, &n_keyset_leads);

  for (guint i = 0; i < accounts->len; i++)
    {
      RelinkAccount *account = g_ptr_array_index (accounts, i);
      const char *id = relink_account_get_id (account);
      RelinkReminderPlan p;

      g_hash_table_add (present, (gpointer) id);
      relink_reminder_schedule_account (account, (const gint64 *) self->account_leads->data,
                                        self->account_leads->len,
                                        g_hash_table_lookup (self->given, id), now, &p);

      if (!p.due && g_hash_table_contains (self->shown, id)
          && shown_is_stale (self, id, relink_account_get_refresh_expires_at (account),
                             relink_account_get_status (account)))
        withdraw (self, id);

      if (p.due && !self->can_notify)
        hold_back (self, id, &p.reminder);
      else
        {
          if (p.due)
            {
              g_autofree char *name = grant_display_name (account);

              show (self, RELINK_REMINDER_SUBJECT_ACCOUNT, id, account_provider_name (account),
                    name, &p.reminder, now);
            }
          if (p.save)
            remember (self, id, &p.reminder);
        }
    }

  for (guint i = 0; i < keysets->len; i++)
    {
      RelinkKeyset *keyset = g_ptr_array_index (keysets, i);
      const char *id = relink_keyset_get_id (keyset);
      RelinkAccountStatus status = relink_keyset_get_invalid (keyset)
                                       ? RELINK_ACCOUNT_STATUS_NEEDS_REAUTH
                                       : RELINK_ACCOUNT_STATUS_CONNECTED;
      RelinkReminderPlan p;

      g_hash_table_add (present, (gpointer) id);
      relink_reminder_schedule_keyset (keyset, keyset_leads, n_keyset_leads,
                                       g_hash_table_lookup (self->given, id), now, &p);

      if (!p.due && g_hash_table_contains (self->shown, id)
          && shown_is_stale (self, id, relink_keyset_get_secret_expires_at (keyset), status))
        withdraw (self, id);

      if (p.due && !self->can_notify)
        hold_back (self, id, &p.reminder);
      else
        {
          if (p.due)
            {
              g_autofree char *name = relink_keyset_dup_display_name (keyset);

              show (self, RELINK_REMINDER_SUBJECT_KEYSET, id, NULL, name, &p.reminder, now);
            }
          if (p.save)
            remember (self, id, &p.reminder);
        }
    }

  /* Removed, here or by another process: nothing left to renew. */
  g_hash_table_iter_init (&iter, self->shown);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (present, key))
      g_ptr_array_add (gone, g_strdup (key));
  for (guint i = 0; i < gone->len; i++)
    withdraw (self, g_ptr_array_index (gone, i));

  reschedule (
      self, relink_reminder_earliest_deadline (accounts, (const gint64 *) self->account_leads->data,
                                               self->account_leads->len, keysets, keyset_leads,
                                               n_keyset_leads, self->given, now));
}

static gboolean
plan_idle_cb (gpointer user_data)
{
  RelinkReminderService *self = user_data;

  self->idle_id = 0;
  plan (self);
  return G_SOURCE_REMOVE;
}

/* Changes come in bursts (a reload touches every account): plan once. */
static void
queue_plan (RelinkReminderService *self)
{
  if (self->idle_id == 0 && self->started && self->ready)
    self->idle_id = g_idle_add (plan_idle_cb, self);
}

static void
read_leads (RelinkReminderService *self)
{
  g_autoptr (GVariant) value = g_settings_get_value (self->settings, "reminder-lead-days");
  const guint32 *days;
  gsize n_days = 0;

  days = g_variant_get_fixed_array (value, &n_days, sizeof (guint32));
  g_clear_pointer (&self->account_leads, g_array_unref);
  self->account_leads = relink_reminder_leads_from_days (days, n_days);
}

/* Watching */

static void
item_notify_cb (RelinkReminderService *self, GParamSpec *pspec, GObject *item)
{
  queue_plan (self);
}

static void
unwatch_all (RelinkReminderService *self)
{
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    g_signal_handlers_disconnect_by_func (item, item_notify_cb, self);
  g_hash_table_remove_all (self->watched);
}

static void
watch_model (RelinkReminderService *self, GListModel *model)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (model, i);

      if (g_hash_table_add (self->watched, g_object_ref (item)))
        g_signal_connect_object (item, "notify", G_CALLBACK (item_notify_cb), self,
                                 G_CONNECT_SWAPPED);
    }
}

static void
rewatch (RelinkReminderService *self)
{
  unwatch_all (self);
  watch_model (self, relink_account_manager_get_grants (self->manager));
  watch_model (self, relink_account_manager_get_keysets (self->manager));
}

static void
items_changed_cb (RelinkReminderService *self, guint position, guint removed, guint added)
{
  rewatch (self);
  queue_plan (self);
}

static void
lead_days_changed_cb (RelinkReminderService *self)
{
  read_leads (self);
  queue_plan (self);
}

static gboolean
timer_cb (gpointer user_data)
{
  RelinkReminderService *self = user_data;

  /* Also after a suspend: a deadline passed while asleep fires on waking,
   * and a clock that jumped counts as set. */
  if (relink_wall_timer_source_clock_changed (self->timer))
    g_debug ("The wall clock was set: planning reminders again");

  plan (self);
  return G_SOURCE_CONTINUE;
}

/* Loading what was given before */

static void
load_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  GHashTable *given = relink_store_load_reminders (task_data, &error);

  if (given == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, given, (GDestroyNotify) g_hash_table_unref);
}

static void
load_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  RelinkReminderService *self;
  g_autoptr (GHashTable) given = NULL;
  g_autoptr (GError) error = NULL;
  GHashTableIter iter;
  gpointer key, value;

  given = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = RELINK_REMINDER_SERVICE (object);

  /* Without the memory of what was given, reminders already shown would
   * come again; better that than none. */
  if (given == NULL)
    g_message ("Could not read the reminders given before: %s", error->message);
  else
    {
      g_hash_table_iter_init (&iter, given);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (!g_hash_table_contains (self->given, key))
          g_hash_table_insert (self->given, g_strdup (key),
                               g_memdup2 (value, sizeof (RelinkReminderState)));
    }

  self->ready = TRUE;
  plan (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
}

/* GObject */

static void
relink_reminder_service_dispose (GObject *object)
{
  RelinkReminderService *self = RELINK_REMINDER_SERVICE (object);

  relink_reminder_service_stop (self);
  g_clear_object (&self->fdo);
  g_clear_weak_pointer (&self->application);

  G_OBJECT_CLASS (relink_reminder_service_parent_class)->dispose (object);
}

static void
relink_reminder_service_finalize (GObject *object)
{
  RelinkReminderService *self = RELINK_REMINDER_SERVICE (object);

  g_queue_clear_full (&self->save_queue, (GDestroyNotify) save_item_free);
  g_clear_pointer (&self->account_leads, g_array_unref);
  g_clear_pointer (&self->given, g_hash_table_unref);
  g_clear_pointer (&self->shown, g_hash_table_unref);
  g_clear_pointer (&self->watched, g_hash_table_unref);
  g_clear_pointer (&self->held_back, g_hash_table_unref);
  g_clear_object (&self->manager);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (relink_reminder_service_parent_class)->finalize (object);
}

static void
relink_reminder_service_get_property (GObject *object,
                                      guint prop_id,
                                      GValue *value,
                                      GParamSpec *pspec)
{
  RelinkReminderService *self = RELINK_REMINDER_SERVICE (object);

  switch (prop_id)
    {
      case PROP_READY:
        g_value_set_boolean (value, self->ready);
        break;
      case PROP_SAVING:
        g_value_set_boolean (value, self->saving);
        break;
      case PROP_NEXT_DEADLINE:
        g_value_set_int64 (value, self->next_deadline);
        break;
      case PROP_CAN_NOTIFY:
        g_value_set_boolean (value, self->can_notify);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_reminder_service_class_init (RelinkReminderServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = relink_reminder_service_dispose;
  object_class->finalize = relink_reminder_service_finalize;
  object_class->get_property = relink_reminder_service_get_property;

  properties[PROP_READY]
      = g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Whether reminders given are still being written to the store. */
  properties[PROP_SAVING]
      = g_param_spec_boolean ("saving", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NEXT_DEADLINE] = g_param_spec_int64 (
      "next-deadline", NULL, NULL, G_MININT64, G_MAXINT64, RELINK_EXPIRY_NEVER,
      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_CAN_NOTIFY]
      = g_param_spec_boolean ("can-notify", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
relink_reminder_service_init (RelinkReminderService *self)
{
  self->clock = default_clock;
  self->next_deadline = RELINK_EXPIRY_NEVER;
  self->given = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->watched = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);
  self->held_back = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_queue_init (&self->save_queue);
}

RelinkReminderService *
relink_reminder_service_new (GApplication *application,
                             RelinkAccountManager *manager,
                             GSettings *settings)
{
  RelinkReminderService *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (manager), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (RELINK_TYPE_REMINDER_SERVICE, NULL);
  g_set_weak_pointer (&self->application, application);
  self->manager = g_object_ref (manager);
  self->settings = g_object_ref (settings);
  read_leads (self);

  return self;
}

void
relink_reminder_service_set_clock (RelinkReminderService *self,
                                   RelinkClockFunc clock,
                                   gpointer user_data)
{
  g_return_if_fail (RELINK_IS_REMINDER_SERVICE (self));

  self->clock = clock ? clock : default_clock;
  self->clock_data = clock ? user_data : NULL;
}

void
relink_reminder_service_start (RelinkReminderService *self)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (RELINK_IS_REMINDER_SERVICE (self));

  if (self->started)
    return;
  self->started = TRUE;

  self->cancellable = g_cancellable_new ();
  /* Changes before the start were not followed. */
  read_leads (self);

  self->timer = relink_wall_timer_source_new (G_MAXINT64);
  g_source_set_callback (self->timer, timer_cb, self, NULL);
  g_source_set_static_name (self->timer, "[relink] reminders");
  g_source_attach (self->timer, NULL);

  g_signal_connect_object (relink_account_manager_get_grants (self->manager), "items-changed",
                           G_CALLBACK (items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (relink_account_manager_get_keysets (self->manager), "items-changed",
                           G_CALLBACK (items_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::reminder-lead-days",
                           G_CALLBACK (lead_days_changed_cb), self, G_CONNECT_SWAPPED);
  rewatch (self);
  watch_notification_services (self);

  if (self->ready)
    {
      plan (self);
      return;
    }

  task = g_task_new (self, self->cancellable, load_cb, NULL);
  g_task_set_source_tag (task, relink_reminder_service_start);
  g_task_set_task_data (task, g_object_ref (relink_account_manager_get_store (self->manager)),
                        g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

void
relink_reminder_service_stop (RelinkReminderService *self)
{
  g_return_if_fail (RELINK_IS_REMINDER_SERVICE (self));

  if (!self->started)
    return;
  self->started = FALSE;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->idle_id, g_source_remove);
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  unwatch_notification_services (self);

  g_signal_handlers_disconnect_by_func (relink_account_manager_get_grants (self->manager),
                                        items_changed_cb, self);
  g_signal_handlers_disconnect_by_func (relink_account_manager_get_keysets (self->manager),
                                        items_changed_cb, self);
  g_signal_handlers_disconnect_by_func (self->settings, lead_days_changed_cb, self);
  unwatch_all (self);
}

void
relink_reminder_service_check (RelinkReminderService *self)
{
  g_return_if_fail (RELINK_IS_REMINDER_SERVICE (self));

  plan (self);
}

gboolean
relink_reminder_service_get_ready (RelinkReminderService *self)
{
  g_return_val_if_fail (RELINK_IS_REMINDER_SERVICE (self), FALSE);

  return self->ready;
}

gint64
relink_reminder_service_get_next_deadline (RelinkReminderService *self)
{
  g_return_val_if_fail (RELINK_IS_REMINDER_SERVICE (self), RELINK_EXPIRY_NEVER);

  return self->next_deadline;
}

gboolean
relink_reminder_service_get_can_notify (RelinkReminderService *self)
{
  g_return_val_if_fail (RELINK_IS_REMINDER_SERVICE (self), FALSE);

  return self->can_notify;
}

RelinkFdoNotifier *
relink_reminder_service_get_fdo_notifier (RelinkReminderService *self)
{
  g_return_val_if_fail (RELINK_IS_REMINDER_SERVICE (self), NULL);

  return self->fdo;
}
