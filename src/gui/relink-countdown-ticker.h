/* relink-countdown-ticker.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-account.h"

G_BEGIN_DECLS

#define RELINK_TYPE_COUNTDOWN_TICKER (relink_countdown_ticker_get_type ())

/* RelinkCountdownTicker: the one timer behind every countdown in the
 * window. It sleeps on a wall-clock timer until the next moment a watched
 * (visible) countdown text or any account's state changes, then emits
 * "tick". It also follows every account's properties and emits
 * "account-changed", so the window needs no handler of its own per account. */
G_DECLARE_FINAL_TYPE (
    RelinkCountdownTicker, relink_countdown_ticker, RELINK, COUNTDOWN_TICKER, GObject)

/* @accounts: a GListModel of RelinkAccount, followed for its whole life. */
RelinkCountdownTicker *relink_countdown_ticker_new (GListModel *accounts);
/* The "expiring soon" threshold in seconds; changing it emits "tick" with
 * a state change. */
gint64 relink_countdown_ticker_get_soon_threshold (RelinkCountdownTicker *self);
void relink_countdown_ticker_set_soon_threshold (RelinkCountdownTicker *self, gint64 seconds);
/* A row shows @account: its countdown text now matters. Counted, so
 * watch/unwatch must pair up. */
void relink_countdown_ticker_watch (RelinkCountdownTicker *self, RelinkAccount *account);
void relink_countdown_ticker_unwatch (RelinkCountdownTicker *self, RelinkAccount *account);

G_END_DECLS
