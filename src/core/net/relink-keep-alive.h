/* relink-keep-alive.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-token-service.h"

G_BEGIN_DECLS

#define RELINK_TYPE_KEEP_ALIVE (relink_keep_alive_get_type ())

/* RelinkKeepAlive: for the long-running process (window or background).
 * Keeps rotating refresh tokens alive by refreshing each such account when
 * relink_keep_alive_deadline() says, and runs the retries the token
 * service scheduled after transient failures. One RelinkWallTimer for the
 * earliest of all these moments, re-armed when accounts or the schedule
 * change: no polling, and a deadline passed during suspend fires on wake.
 * When the network comes back (GNetworkMonitor) every pending retry runs
 * at once. Retries are kept in memory, so an account found in ERROR (left
 * by an earlier run or by relinkctl) gets one refresh at start, after
 * which the service's schedule applies. Accounts that need the seller
 * (NEEDS_REAUTH) or the developer (an invalid keyset) are left alone.
 * Inactive until relink_keep_alive_start(). */
G_DECLARE_FINAL_TYPE (RelinkKeepAlive, relink_keep_alive, RELINK, KEEP_ALIVE, GObject)

RelinkKeepAlive *relink_keep_alive_new (RelinkTokenService *service);
RelinkTokenService *relink_keep_alive_get_service (RelinkKeepAlive *self);
void relink_keep_alive_start (RelinkKeepAlive *self);
void relink_keep_alive_stop (RelinkKeepAlive *self);
/* The moment the timer is armed for (UTC unix seconds), or
 * RELINK_KEEP_ALIVE_NEVER when nothing is due. */
gint64 relink_keep_alive_get_next_deadline (RelinkKeepAlive *self);
/* The moment @account's next keep-alive refresh or retry is due, or
 * RELINK_KEEP_ALIVE_NEVER. */
gint64 relink_keep_alive_get_account_deadline (RelinkKeepAlive *self, RelinkAccount *account);

G_END_DECLS
