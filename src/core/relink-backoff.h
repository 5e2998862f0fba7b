/* relink-backoff.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Retry delays after transient failures, in seconds. */
#define RELINK_BACKOFF_BASE 60
#define RELINK_BACKOFF_MAX (6 * 60 * 60)

/* Pure: the delay before retry number @attempt (0 = the first retry after
 * the first failure): min(MAX, BASE * 2^attempt), of which the upper half
 * is jittered with @random (any 32-bit value, e.g. g_random_int()), so
 * that many accounts failing together do not retry together. The result
 * lies in [d/2, d] for that capped d. */
gint64 relink_backoff_delay (guint attempt, guint32 random);

/* Keep-alive of rotating refresh tokens (profiles whose refresh extends
 * the authorisation: Etsy, Mercado Libre).
 *
 * Pure: the moment a keep-alive refresh is due for an authorisation that
 * lapses at @refresh_expires_at and was last renewed (refreshed or signed
 * in) at @renewed_at: when a third of its lifetime is left, and a week
 * (RELINK_KEEP_ALIVE_MIN_LEAD) before the expiry at the latest, so a
 * failed keep-alive leaves time to retry and the seller time to notice;
 * lifetimes under 1.5 weeks (tests, odd custom providers) use the third
 * alone. With @renewed_at unknown (0) or not before the expiry: the expiry
 * minus RELINK_KEEP_ALIVE_MIN_LEAD. RELINK_KEEP_ALIVE_NEVER for
 * @refresh_expires_at 0 (no known expiry). The result may lie in the
 * past: then it is due now. Etsy (90 days): day 60; Mercado Libre
 * (180 days): day 120. */
#define RELINK_KEEP_ALIVE_MIN_LEAD (7 * 24 * 60 * 60)
#define RELINK_KEEP_ALIVE_NEVER G_MAXINT64
gint64 relink_keep_alive_deadline (gint64 renewed_at, gint64 refresh_expires_at);

G_END_DECLS
