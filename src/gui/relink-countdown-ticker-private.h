/* relink-countdown-ticker-private.h
 *
 * What only tests use of RelinkCountdownTicker.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "relink-countdown-ticker.h"

G_BEGIN_DECLS

guint relink_countdown_ticker_get_n_watched (RelinkCountdownTicker *self);

/* The moment (UTC unix seconds) the timer is armed for, RELINK_EXPIRY_NEVER
 * when nothing will change. Recomputed lazily: valid after the main loop
 * ran an idle since the last change. */
gint64 relink_countdown_ticker_get_deadline (RelinkCountdownTicker *self);

G_END_DECLS
