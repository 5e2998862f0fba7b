/* relink-expiry.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "relink-account.h"

G_BEGIN_DECLS

/* What the seller sees; computed from the persisted status, the expiry
 * moment and the clock. Ordered from most to least urgent. */
typedef enum
{
  RELINK_ACCOUNT_STATE_EXPIRED,
  RELINK_ACCOUNT_STATE_NEEDS_REAUTH,
  RELINK_ACCOUNT_STATE_ERROR,
  RELINK_ACCOUNT_STATE_NOT_CONNECTED,
  RELINK_ACCOUNT_STATE_EXPIRING_SOON,
  RELINK_ACCOUNT_STATE_VALID
} RelinkAccountState;

#define RELINK_EXPIRY_DEFAULT_SOON_DAYS 14
#define RELINK_EXPIRY_NEVER G_MAXINT64

/* Pure functions: every moment is UTC unix seconds passed in, so tests run
 * with a fake clock. @expires_at == 0 means no known expiry. @tz is the
 * zone calendar days are counted in (NULL: local). */
RelinkAccountState relink_expiry_state (RelinkAccountStatus status,
                                        gint64 expires_at,
                                        gint64 now,
                                        gint64 soon_threshold);
/* Whether the state belongs in "Needs attention". */
gboolean relink_expiry_state_needs_attention (RelinkAccountState state);
/* Translated short name: "Valid", "Expiring soon", "Expired", ... */
const char *relink_expiry_state_to_string (RelinkAccountState state);
/* CSS class for the state colour: "success", "warning", "error", "dim-label". */
const char *relink_expiry_state_css_class (RelinkAccountState state);
/* The countdown text: "expires in 23 days", "expires in 5 h 12 min",
 * "expired 2 days ago", "no expiry date". */
char *relink_expiry_describe (gint64 expires_at, gint64 now, GTimeZone *tz);
/* The same countdown in words a screen reader says well: "expires in
 * 5 hours 12 minutes", "expired 3 hours ago"; changes when
 * relink_expiry_describe() does. */
char *relink_expiry_describe_spoken (gint64 expires_at, gint64 now, GTimeZone *tz);
/* For an expired grant, since when, to stand beside the state "Expired"
 * (where relink_expiry_describe() would say "expired" again): "2 days
 * ago", "5 h ago", "just now" (@spoken: "5 hours ago"). NULL while
 * @expires_at is unknown or ahead. Changes when relink_expiry_describe()
 * does. */
char *relink_expiry_describe_since (gint64 expires_at, gint64 now, GTimeZone *tz, gboolean spoken);
/* For an account that needs re-authorization, what still works, instead
 * of the authorization's countdown: "refresh token refused; access token
 * valid for 5 h" (@spoken: "5 hours"), or "refresh token refused; sign in
 * again" once the access token lapsed or its expiry is unknown. Changes
 * when relink_expiry_describe (@access_expires_at) does. */
char *relink_expiry_describe_reauth (gint64 access_expires_at,
                                     gint64 now,
                                     GTimeZone *tz,
                                     gboolean spoken);
/* The first moment after @now at which relink_expiry_describe() returns
 * another text, or RELINK_EXPIRY_NEVER. */
gint64 relink_expiry_next_change (gint64 expires_at, gint64 now, GTimeZone *tz);
/* The first moment after @now at which relink_expiry_state() changes for
 * the same status, or RELINK_EXPIRY_NEVER. Exact for CONNECTED; for
 * NEEDS_REAUTH and ERROR (which only change at the expiry) it may be the
 * earlier "expiring soon" moment: a harmless early look. */
gint64 relink_expiry_next_state_change (gint64 expires_at, gint64 now, gint64 soon_threshold);
/* Convenience: the state of @account now. */
RelinkAccountState
relink_account_get_state (RelinkAccount *account, gint64 now, gint64 soon_threshold);
/* A date for details and toasts: "21 May 2028", local time. */
char *relink_expiry_format_date (gint64 moment, GTimeZone *tz);

/* How a time of day is shown: as the desktop's clock shows it (GNOME's
 * org.gnome.desktop.interface clock-format), or as the locale writes it
 * where the desktop does not say. */
typedef enum
{
  RELINK_CLOCK_FORMAT_LOCALE,
  RELINK_CLOCK_FORMAT_24H,
  RELINK_CLOCK_FORMAT_12H,
} RelinkClockFormat;

/* A time of day as GNOME shows one: hours and minutes, "14:05" or
 * "2:05 PM", local time (@tz NULL: the local zone). */
char *relink_expiry_format_time (gint64 moment, GTimeZone *tz, RelinkClockFormat clock_format);
/* A date and a time of day: "21 May 2028, 2:05 PM". */
char *relink_expiry_format_date_time (gint64 moment, GTimeZone *tz, RelinkClockFormat clock_format);
/* Wall-clock now, UTC unix seconds. */
gint64 relink_now (void);
/* A replacement for relink_now() (tests pass a fake one). */
typedef gint64 (*RelinkClockFunc) (gpointer user_data);

G_END_DECLS
