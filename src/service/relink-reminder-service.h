/* relink-reminder-service.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-account-manager.h"
#include "relink-fdo-notifier.h"

G_BEGIN_DECLS

#define RELINK_TYPE_REMINDER_SERVICE (relink_reminder_service_get_type ())

/* RelinkReminderService: reminds the seller ahead of every expiry, with
 * the window open or not. Plans with relink_reminder_schedule_*() over the
 * manager's accounts and keysets, shows each due reminder as a
 * GNotification through the application (id "reminder-<id>", so one per
 * account, replaced in place) with a "Renew" button (app.renew-account,
 * target the account id) and a default action (app.show-account), and
 * remembers in the store which reminder it gave, so that a dismissed one
 * comes back only at the next lead time, also after a restart.
 *
 * Sleeps on one wall-clock timer (relink-wall-timer.h) set to the earliest
 * deadline: no wake-up while nothing is due. Plans again when accounts,
 * keysets or the settings change, and when the wall clock is set; a
 * deadline passed during a suspend fires on waking (the timer is an
 * absolute CLOCK_REALTIME timerfd), so no sleep listener and no logind
 * access are needed (nor allowed in Flatpak). A reminder withdrawn: when its
 * account is renewed, disconnected or removed.
 *
 * Inactive until relink_reminder_service_start(). */
G_DECLARE_FINAL_TYPE (
    RelinkReminderService, relink_reminder_service, RELINK, REMINDER_SERVICE, GObject)

/* @settings: the application's (schema io.github.relink.Relink), for
 * "reminder-lead-days". @application is not referenced: it owns the service. */
RelinkReminderService *relink_reminder_service_new (GApplication *application,
                                                    RelinkAccountManager *manager,
                                                    GSettings *settings);
/* Reads the reminders given before (in a thread), then plans and watches. */
void relink_reminder_service_start (RelinkReminderService *self);
void relink_reminder_service_stop (RelinkReminderService *self);
/* Whether the reminders given before have been read and a plan made. */
gboolean relink_reminder_service_get_ready (RelinkReminderService *self);
/* Whether a notification service can show reminders (a running or
 * startable org.gtk.Notifications or org.freedesktop.Notifications, or
 * the portal inside Flatpak). Until there is one, due reminders are held
 * back and given when one appears. Notifies "can-notify". */
gboolean relink_reminder_service_get_can_notify (RelinkReminderService *self);
/* The moment the timer is set to (UTC unix seconds), RELINK_EXPIRY_NEVER
 * when nothing is ahead. Notifies "next-deadline". */
gint64 relink_reminder_service_get_next_deadline (RelinkReminderService *self);
/* The notifier reminders go through where GNotification would not keep
 * them (relink-fdo-notifier.h); NULL when not needed, and until
 * relink_reminder_service_start(). */
RelinkFdoNotifier *relink_reminder_service_get_fdo_notifier (RelinkReminderService *self);
/* The notification id used for @id (an account or keyset id). */
char *relink_reminder_service_dup_notification_id (const char *id);

G_END_DECLS
