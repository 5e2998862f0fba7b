/* relink-reminder-service-private.h
 *
 * What only tests use of RelinkReminderService: a fake clock, a fake
 * logind, and planning on demand.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "relink-expiry.h"
#include "relink-reminder-service.h"
#include "relink-sleep-monitor.h"

G_BEGIN_DECLS

/* Replaces the clock (default: relink_now()). The wall-clock timer still
 * runs on the real clock: after moving a fake clock, call
 * relink_reminder_service_check(). */
void relink_reminder_service_set_clock (RelinkReminderService *self,
                                        RelinkClockFunc clock,
                                        gpointer user_data);
/* Replaces the monitor that tells of a wake from suspend (default: logind
 * on the system bus, created at start). Set it before starting. */
void relink_reminder_service_set_sleep_monitor (RelinkReminderService *self,
                                                RelinkSleepMonitor *monitor);
/* Plans now, as when the timer fires. Does nothing before the reminders
 * given before have been read. */
void relink_reminder_service_check (RelinkReminderService *self);

G_END_DECLS
