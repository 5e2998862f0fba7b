/* relink-reminder-service-private.h
 *
 * What only tests use of RelinkReminderService: a fake clock and
 * planning on demand.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "relink-expiry.h"
#include "relink-reminder-service.h"

G_BEGIN_DECLS

/* Replaces the clock (default: relink_now()). The wall-clock timer still
 * runs on the real clock: after moving a fake clock, call
 * relink_reminder_service_check(). */
void relink_reminder_service_set_clock (RelinkReminderService *self,
                                        RelinkClockFunc clock,
                                        gpointer user_data);
/* Plans now, as when the timer fires. Does nothing before the reminders
 * given before have been read. */
void relink_reminder_service_check (RelinkReminderService *self);

G_END_DECLS
