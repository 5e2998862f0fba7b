/* relink-sleep-monitor-private.h
 *
 * What only tests use of RelinkSleepMonitor.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "relink-sleep-monitor.h"

G_BEGIN_DECLS

/* Listens on @connection instead of the system bus (tests run a fake
 * logind on the session bus). */
RelinkSleepMonitor *relink_sleep_monitor_new_for_connection (GDBusConnection *connection);

G_END_DECLS
