/* relink-wall-timer.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A GSource that fires at a wall-clock (CLOCK_REALTIME) moment, also when
 * the moment passed during suspend (it fires on wake), and when the wall
 * clock is set (so deadlines can be recomputed). A timerfd with
 * TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET: no wake-up in between.
 * The callback is a GSourceFunc; it receives @user_data. Return
 * G_SOURCE_CONTINUE after re-arming with relink_wall_timer_source_set_deadline(). */
GSource *relink_wall_timer_source_new (gint64 deadline_unix_usec);
/* Re-arms; G_MAXINT64 disarms (sleeps until a clock change). A deadline
 * that fired is spent: without a new one the source only reports clock
 * changes. Deadlines at or before the epoch (0) fire at once. */
void relink_wall_timer_source_set_deadline (GSource *source, gint64 deadline_unix_usec);
/* TRUE when the last dispatch was caused by a wall-clock change, not the deadline. */
gboolean relink_wall_timer_source_clock_changed (GSource *source);

G_END_DECLS
