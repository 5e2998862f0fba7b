/* relink-backoff.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-backoff.h"

gint64
relink_backoff_delay (guint attempt, guint32 random)
{
  gint64 delay = RELINK_BACKOFF_BASE;
  gint64 half;

  /* Doubling stops at the cap, so a large @attempt cannot overflow. */
  for (guint i = 0; i < attempt && delay < RELINK_BACKOFF_MAX; i++)
    delay *= 2;
  delay = MIN (delay, RELINK_BACKOFF_MAX);

  /* "Equal jitter": never sooner than half the delay, so a flapping
   * network cannot turn into a tight loop of requests. */
  half = delay / 2;
  return half + (gint64) (random % (guint32) (delay - half + 1));
}

gint64
relink_keep_alive_deadline (gint64 renewed_at, gint64 refresh_expires_at)
{
  gint64 lifetime;
  gint64 lead;

  if (refresh_expires_at <= 0)
    return RELINK_KEEP_ALIVE_NEVER;

  if (renewed_at <= 0 || renewed_at >= refresh_expires_at)
    return refresh_expires_at - RELINK_KEEP_ALIVE_MIN_LEAD;

  lifetime = refresh_expires_at - renewed_at;

  /* A third of the lifetime left gives two more thirds of the same length
   * to try again should the keep-alive fail; a week at least is left for
   * the seller to notice an outage, unless the lifetime itself is shorter
   * (then a third of it still applies). */
  lead = lifetime / 3;
  if (lead < RELINK_KEEP_ALIVE_MIN_LEAD && lifetime > RELINK_KEEP_ALIVE_MIN_LEAD * 3 / 2)
    lead = RELINK_KEEP_ALIVE_MIN_LEAD;

  return refresh_expires_at - lead;
}
