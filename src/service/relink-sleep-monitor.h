/* relink-sleep-monitor.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define RELINK_TYPE_SLEEP_MONITOR (relink_sleep_monitor_get_type ())

/* RelinkSleepMonitor: tells when the machine woke from suspend, from
 * logind's PrepareForSleep(false) on the system bus. Texts and plans made
 * before the suspend are stale on wake; a wall-clock timer alone would
 * only fire for a deadline that passed, not for "7 days" becoming "5 days".
 * Without a system bus or logind nothing happens and nothing fails. The
 * monitor only listens: it takes no inhibitor lock, so suspend is never
 * delayed. Emits ::resumed. */
G_DECLARE_FINAL_TYPE (RelinkSleepMonitor, relink_sleep_monitor, RELINK, SLEEP_MONITOR, GObject)

/* Listens on the system bus. */
RelinkSleepMonitor *relink_sleep_monitor_new (void);

G_END_DECLS
