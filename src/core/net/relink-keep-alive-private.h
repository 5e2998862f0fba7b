/* relink-keep-alive-private.h
 *
 * What only tests use of RelinkKeepAlive.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "relink-keep-alive.h"

G_BEGIN_DECLS

/* Watches @monitor instead of g_network_monitor_get_default(); before
 * relink_keep_alive_start(). */
void relink_keep_alive_set_network_monitor (RelinkKeepAlive *self, GNetworkMonitor *monitor);

G_END_DECLS
