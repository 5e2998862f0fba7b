/* relink-expiry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "relink-expiry.h"

/* GDateTime covers the years 1 to 9999; moments outside (a bogus expiry
 * from a marketplace, say) are clamped a few days inside that range so
 * adding or subtracting days never leaves it. */
#define MIN_MOMENT (G_GINT64_CONSTANT (-62135596800) + 4 * 86400)
#define MAX_MOMENT (G_GINT64_CONSTANT (253402300799) - 4 * 86400)

#define SECONDS_PER_DAY 86400

/* How far ahead one pass of the countdown search looks. The text changes at
 * least once a day (calendar days) or once a minute (hours and minutes), so
 * a few days always contain the next change; the bound keeps the binary
 * searches short. */
#define SEARCH_WINDOW (3 * SECONDS_PER_DAY)

/* The shape of a countdown text: two moments have the same text exactly
 * when they have the same key, so the keys are what next_change() compares
 * rather than formatted strings. */
typedef enum
{
  KEY_NO_EXPIRY,
  KEY_DAYS_LEFT,    /* value: whole calendar days, >= 1 */
  KEY_MINUTES_LEFT, /* value: whole minutes left, 0 = "less than a minute" */
  KEY_DAYS_AGO,     /* value: whole calendar days since, >= 1 */
  KEY_HOURS_AGO,    /* value: whole hours since, >= 1 */
  KEY_MINUTES_AGO,  /* value: whole minutes since, 0 = "just now" */
} KeyKind;

typedef struct
{
  KeyKind kind;
  gint64 value;
} Key;

RelinkAccountState
relink_expiry_state (RelinkAccountStatus status,
                     gint64 expires_at,
                     gint64 now,
                     gint64 soon_threshold)
{
  /* The rule, in order:
   *
   *  1. NOT_CONNECTED stays NOT_CONNECTED: there is nothing to expire.
   *  2. A known expiry at or before @now (expires_at != 0 && expires_at <=
   *     now) is EXPIRED whatever the persisted status: once the moment has
   *     passed, neither a retry nor an offline spell can save the link.
   *  3. NEEDS_REAUTH and ERROR are shown as such. An ERROR with an expiry
   *     still ahead is only "offline or error", never "expired": being
   *     offline must not read as lost access.
   *  4. CONNECTED: no known expiry is VALID; expires_at - now <=
   *     @soon_threshold is EXPIRING_SOON (so exactly at the threshold it is
   *     already "soon"); otherwise VALID.
   *
   * Unknown status values are treated like ERROR. */
  if (status == RELINK_ACCOUNT_STATUS_NOT_CONNECTED)
    return RELINK_ACCOUNT_STATE_NOT_CONNECTED;

  if (expires_at != 0 && expires_at <= now)
    return RELINK_ACCOUNT_STATE_EXPIRED;

  switch (status)
    {
      case RELINK_ACCOUNT_STATUS_NEEDS_REAUTH:
        return RELINK_ACCOUNT_STATE_NEEDS_REAUTH;

      case RELINK_ACCOUNT_STATUS_CONNECTED:
        if (expires_at == 0)
          return RELINK_ACCOUNT_STATE_VALID;
        /* expires_at > now here, so the difference cannot overflow. */
        if (expires_at - now <= soon_threshold)
          return RELINK_ACCOUNT_STATE_EXPIRING_SOON;
        return RELINK_ACCOUNT_STATE_VALID;

      case RELINK_ACCOUNT_STATUS_ERROR:
      case RELINK_ACCOUNT_STATUS_NOT_CONNECTED:
      default:
        return RELINK_ACCOUNT_STATE_ERROR;
    }
}

gboolean
relink_expiry_state_needs_attention (RelinkAccountState state)
{
  return state != RELINK_ACCOUNT_STATE_VALID;
}

const char *
relink_expiry_state_to_string (RelinkAccountState state)
{
  switch (state)
    {
      case RELINK_ACCOUNT_STATE_EXPIRED:
        return _ ("Expired");
      case RELINK_ACCOUNT_STATE_NEEDS_REAUTH:
        return _ ("Needs re-authorization");
      case RELINK_ACCOUNT_STATE_ERROR:
        return _ ("Offline or error");
      case RELINK_ACCOUNT_STATE_NOT_CONNECTED:
        return _ ("Not connected");
      case RELINK_ACCOUNT_STATE_EXPIRING_SOON:
        return _ ("Expiring soon");
      case RELINK_ACCOUNT_STATE_VALID:
        return _ ("Valid");
      default:
        g_return_val_if_reached ("");
    }
}

const char *
relink_expiry_state_css_class (RelinkAccountState state)
{
  switch (state)
    {
      case RELINK_ACCOUNT_STATE_VALID:
        return "success";
      case RELINK_ACCOUNT_STATE_EXPIRING_SOON:
      case RELINK_ACCOUNT_STATE_ERROR:
        return "warning";
      case RELINK_ACCOUNT_STATE_EXPIRED:
      case RELINK_ACCOUNT_STATE_NEEDS_REAUTH:
        return "error";
      case RELINK_ACCOUNT_STATE_NOT_CONNECTED:
        return "dim-label";
      default:
        g_return_val_if_reached ("dim-label");
    }
}

static gint64
clamp_moment (gint64 moment)
{
  return CLAMP (moment, MIN_MOMENT, MAX_MOMENT);
}

static GDateTime *
local_date_time (gint64 moment, GTimeZone *tz)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (clamp_moment (moment));

  return g_date_time_to_timezone (utc, tz);
}

/* The moment @days calendar days after @base at the same wall-clock time,
 * as g_date_time_add_days() resolves it (a wall-clock time that does not
 * exist, in a spring-forward gap, is moved forward). G_MAXINT64 beyond the
 * calendar's end. */
static gint64
add_days (GDateTime *base, gint64 days)
{
  g_autoptr (GDateTime) moved = NULL;

  if (days == 0)
    return g_date_time_to_unix (base);
  if (days > G_MAXINT)
    return G_MAXINT64;

  moved = g_date_time_add_days (base, (int) days);
  if (moved == NULL)
    return G_MAXINT64;

  return g_date_time_to_unix (moved);
}

/* The largest n >= 0 with add_days (@base, n) <= @limit; @base <= @limit.
 * add_days() grows strictly with n (by 23 to 25 hours a step, more only
 * where a zone skips a whole day), so start from the estimate in whole
 * 24-hour days and walk the few steps to the exact answer. */
static gint64
whole_days_until (GDateTime *base, gint64 limit)
{
  gint64 n = (limit - g_date_time_to_unix (base)) / SECONDS_PER_DAY;

  while (n > 0 && add_days (base, n) > limit)
    n--;
  while (add_days (base, n + 1) <= limit)
    n++;

  return n;
}

static Key
compute_key (gint64 expires_at, gint64 now, GTimeZone *tz)
{
  Key key = { KEY_NO_EXPIRY, 0 };

  if (expires_at == 0)
    return key;

  expires_at = clamp_moment (expires_at);
  now = clamp_moment (now);

  if (now < expires_at)
    {
      g_autoptr (GDateTime) local_now = local_date_time (now, tz);
      gint64 days = whole_days_until (local_now, expires_at);

      if (days >= 1)
        {
          key.kind = KEY_DAYS_LEFT;
          key.value = days;
        }
      else
        {
          /* Floor: the countdown never promises more time than is left. */
          key.kind = KEY_MINUTES_LEFT;
          key.value = (expires_at - now) / 60;
        }
    }
  else
    {
      g_autoptr (GDateTime) local_expiry = local_date_time (expires_at, tz);
      gint64 days = whole_days_until (local_expiry, now);
      gint64 elapsed = now - expires_at;

      if (days >= 1)
        {
          key.kind = KEY_DAYS_AGO;
          key.value = days;
        }
      else if (elapsed >= 3600)
        {
          key.kind = KEY_HOURS_AGO;
          key.value = elapsed / 3600;
        }
      else
        {
          key.kind = KEY_MINUTES_AGO;
          key.value = elapsed / 60;
        }
    }

  return key;
}

static gboolean
key_equal (Key a, Key b)
{
  return a.kind == b.kind && a.value == b.value;
}

/* "expires in 5 h 12 min": each number with its own plural form (one
 * ngettext() cannot serve two numbers: Polish needs "2 h 5 min" and
 * "5 h 2 min" inflected separately). */
static char *
dup_expires_in_hours_minutes (int hours, int minutes)
{
  g_autofree char *hours_text = NULL;
  g_autofree char *minutes_text = NULL;
  g_autofree char *duration = NULL;

  /* Translators: "h" is the abbreviation for hours, as in "5 h". */
  hours_text = g_strdup_printf (ngettext ("%d h", "%d h", hours), hours);
  /* Translators: "min" is the abbreviation for minutes, as in "12 min". */
  minutes_text = g_strdup_printf (ngettext ("%d min", "%d min", minutes), minutes);
  /* Translators: a short duration: "5 h" and "12 min" make "5 h 12 min". */
  duration = g_strdup_printf (C_ ("short duration", "%s %s"), hours_text, minutes_text);

  /* Translators: %s is a duration, "5 h 12 min" or "5 hours 12 minutes". */
  return g_strdup_printf (_ ("expires in %s"), duration);
}

static char *
key_to_string (Key key)
{
  /* Counts shown are at most a few million days; int is plenty. */
  int value = (int) MIN (key.value, G_MAXINT);

  switch (key.kind)
    {
      case KEY_NO_EXPIRY:
        return g_strdup (_ ("no expiry date"));

      case KEY_DAYS_LEFT:
        return g_strdup_printf (ngettext ("expires in %d day", "expires in %d days", value), value);

      case KEY_MINUTES_LEFT:
        if (value >= 60)
          {
            int hours = value / 60;
            int minutes = value % 60;

            if (minutes == 0)
              /* Translators: "h" is the abbreviation for hours. */
              return g_strdup_printf (ngettext ("expires in %d h", "expires in %d h", hours),
                                      hours);

            return dup_expires_in_hours_minutes (hours, minutes);
          }
        if (value >= 1)
          /* Translators: "min" is the abbreviation for minutes. */
          return g_strdup_printf (ngettext ("expires in %d min", "expires in %d min", value),
                                  value);
        return g_strdup (_ ("expires in less than a minute"));

      case KEY_DAYS_AGO:
        return g_strdup_printf (ngettext ("expired %d day ago", "expired %d days ago", value),
                                value);

      case KEY_HOURS_AGO:
        /* Translators: "h" is the abbreviation for hours. */
        return g_strdup_printf (ngettext ("expired %d h ago", "expired %d h ago", value), value);

      case KEY_MINUTES_AGO:
        if (value >= 1)
          /* Translators: "min" is the abbreviation for minutes. */
          return g_strdup_printf (ngettext ("expired %d min ago", "expired %d min ago", value),
                                  value);
        return g_strdup (_ ("expired just now"));

      default:
        g_return_val_if_reached (g_strdup (""));
    }
}

/* Countdown texts, rounded down throughout:
 *
 *  - ahead, at least one calendar day: the number of whole calendar days in
 *    @tz, i.e. the largest n with (now in @tz) + n days <= expiry, where
 *    "+ n days" keeps the wall-clock time (g_date_time_add_days()). A
 *    countdown across a DST change thus still says "13 days" when the
 *    expiry is at the same time of day 13 dates later, although that is 1 h
 *    more or less than 13 × 24 h. When the clock falls back, the wall-clock
 *    time repeats an hour, and so may the day count.
 *  - ahead, less than that: whole hours and whole minutes of real time left
 *    ("expires in 5 h 12 min", "expires in 5 h", "expires in 12 min"), then
 *    "expires in less than a minute". Across a fall-back night that can read
 *    "expires in 24 h 30 min".
 *  - at or after the expiry, mirrored: calendar days since (the largest n
 *    with (expiry in @tz) + n days <= now), else whole hours, else whole
 *    minutes, else "expired just now" for the first minute.
 */
char *
relink_expiry_describe (gint64 expires_at, gint64 now, GTimeZone *tz)
{
  g_autoptr (GTimeZone) local = NULL;

  if (tz == NULL)
    tz = local = g_time_zone_new_local ();

  return key_to_string (compute_key (expires_at, now, tz));
}

/* "5 hours 12 minutes", "5 hours", "12 minutes": each number with its own
 * plural form, for the spoken text. */
static char *
dup_spoken_duration (int hours, int minutes)
{
  g_autofree char *hours_text = NULL;
  g_autofree char *minutes_text = NULL;

  if (hours > 0)
    hours_text = g_strdup_printf (ngettext ("%d hour", "%d hours", hours), hours);
  if (minutes > 0 || hours == 0)
    minutes_text = g_strdup_printf (ngettext ("%d minute", "%d minutes", minutes), minutes);

  if (hours_text == NULL)
    return g_steal_pointer (&minutes_text);
  if (minutes_text == NULL)
    return g_steal_pointer (&hours_text);

  /* Translators: a duration read out by a screen reader: "5 hours" and
   * "12 minutes" make "5 hours 12 minutes". */
  return g_strdup_printf (C_ ("spoken duration", "%s %s"), hours_text, minutes_text);
}

/* The same moments as key_to_string(), in words a screen reader says
 * well: no abbreviations. */
static char *
key_to_spoken (Key key)
{
  int value = (int) MIN (key.value, G_MAXINT);
  g_autofree char *duration = NULL;

  switch (key.kind)
    {
      case KEY_MINUTES_LEFT:
        if (value < 1)
          return key_to_string (key);
        duration = dup_spoken_duration (value / 60, value % 60);
        /* Translators: %s is a duration, "5 hours 12 minutes". */
        return g_strdup_printf (_ ("expires in %s"), duration);

      case KEY_HOURS_AGO:
        duration = dup_spoken_duration (value, 0);
        /* Translators: %s is a duration, "5 hours". */
        return g_strdup_printf (_ ("expired %s ago"), duration);

      case KEY_MINUTES_AGO:
        if (value < 1)
          return key_to_string (key);
        duration = dup_spoken_duration (0, value);
        /* Translators: %s is a duration, "12 minutes". */
        return g_strdup_printf (_ ("expired %s ago"), duration);

      case KEY_NO_EXPIRY:
      case KEY_DAYS_LEFT:
      case KEY_DAYS_AGO:
      default:
        return key_to_string (key);
    }
}

char *
relink_expiry_describe_spoken (gint64 expires_at, gint64 now, GTimeZone *tz)
{
  g_autoptr (GTimeZone) local = NULL;

  if (tz == NULL)
    tz = local = g_time_zone_new_local ();

  return key_to_spoken (compute_key (expires_at, now, tz));
}

/* The expired moments of key_to_string() without the word "expired",
 * which the state beside them says already. */
char *
relink_expiry_describe_since (gint64 expires_at, gint64 now, GTimeZone *tz, gboolean spoken)
{
  g_autoptr (GTimeZone) local = NULL;
  g_autofree char *duration = NULL;
  Key key;
  int value;

  if (tz == NULL)
    tz = local = g_time_zone_new_local ();

  key = compute_key (expires_at, now, tz);
  value = (int) MIN (key.value, G_MAXINT);

  switch (key.kind)
    {
      case KEY_DAYS_AGO:
        /* Translators: since when a token has expired, beside the state
         * "Expired": "Expired · 2 days ago". */
        return g_strdup_printf (ngettext ("%d day ago", "%d days ago", value), value);

      case KEY_HOURS_AGO:
        if (spoken)
          break;
        /* Translators: beside the state "Expired"; "h" is the
         * abbreviation for hours. */
        return g_strdup_printf (ngettext ("%d h ago", "%d h ago", value), value);

      case KEY_MINUTES_AGO:
        if (value < 1)
          /* Translators: beside the state "Expired": it has just expired. */
          return g_strdup (_ ("just now"));
        if (spoken)
          break;
        /* Translators: beside the state "Expired"; "min" is the
         * abbreviation for minutes. */
        return g_strdup_printf (ngettext ("%d min ago", "%d min ago", value), value);

      case KEY_NO_EXPIRY:
      case KEY_DAYS_LEFT:
      case KEY_MINUTES_LEFT:
      default:
        return NULL;
    }

  duration
      = key.kind == KEY_HOURS_AGO ? dup_spoken_duration (value, 0) : dup_spoken_duration (0, value);
  /* Translators: beside the state "Expired", read out by a screen
   * reader; %s is a duration, "5 hours" or "12 minutes". */
  return g_strdup_printf (_ ("%s ago"), duration);
}

/* An account whose refresh token was refused may still work for a
 * while on its access token: that is what its row says instead of the
 * authorization's countdown, which no longer means anything. The text
 * changes only where relink_expiry_describe() of @access_expires_at
 * does, so relink_expiry_next_change() of it tells when to redraw. */
char *
relink_expiry_describe_reauth (gint64 access_expires_at, gint64 now, GTimeZone *tz, gboolean spoken)
{
  g_autoptr (GTimeZone) local = NULL;
  Key key;
  int value;

  if (tz == NULL)
    tz = local = g_time_zone_new_local ();

  key = compute_key (access_expires_at, now, tz);
  value = (int) MIN (key.value, G_MAXINT);

  switch (key.kind)
    {
      case KEY_DAYS_LEFT:
        return g_strdup_printf (ngettext ("refresh token refused; access token valid for %d day",
                                          "refresh token refused; access token valid for %d days",
                                          value),
                                value);

      case KEY_MINUTES_LEFT:
        if (value >= 60)
          {
            value /= 60;
            if (spoken)
              return g_strdup_printf (
                  ngettext ("refresh token refused; access token valid for %d hour",
                            "refresh token refused; access token valid for %d hours", value),
                  value);
            /* Translators: "h" is the abbreviation for hours. */
            return g_strdup_printf (ngettext ("refresh token refused; access token valid for %d h",
                                              "refresh token refused; access token valid for %d h",
                                              value),
                                    value);
          }
        if (value >= 1)
          {
            if (spoken)
              return g_strdup_printf (
                  ngettext ("refresh token refused; access token valid for %d minute",
                            "refresh token refused; access token valid for %d minutes", value),
                  value);
            /* Translators: "min" is the abbreviation for minutes. */
            return g_strdup_printf (
                ngettext ("refresh token refused; access token valid for %d min",
                          "refresh token refused; access token valid for %d min", value),
                value);
          }
        return g_strdup (_ ("refresh token refused; access token valid for less than a minute"));

      case KEY_NO_EXPIRY:
      case KEY_DAYS_AGO:
      case KEY_HOURS_AGO:
      case KEY_MINUTES_AGO:
      default:
        return g_strdup (_ ("refresh token refused; sign in again"));
    }
}

static int
interval_at (GTimeZone *tz, gint64 moment)
{
  return g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, moment);
}

/* The last moment in [@from, @to] that lies in the same time zone interval
 * (offset and DST flag) as @from. Intervals only ever advance with time, so
 * this is a binary search, not a walk. */
static gint64
interval_end (GTimeZone *tz, gint64 from, gint64 to)
{
  int interval = interval_at (tz, from);
  gint64 lo = from;
  gint64 hi = to;

  if (interval_at (tz, to) == interval)
    return to;

  /* Invariant: interval_at (lo) == interval, interval_at (hi) != interval. */
  while (hi - lo > 1)
    {
      gint64 mid = lo + (hi - lo) / 2;

      if (interval_at (tz, mid) == interval)
        lo = mid;
      else
        hi = mid;
    }

  return lo;
}

static gint64
next_change_ahead (gint64 expires_at, gint64 now, GTimeZone *tz)
{
  Key key = compute_key (expires_at, now, tz);
  gint64 from = now;

  /* Within one time zone interval the offset is fixed, so "now + n days" in
   * wall-clock time only grows with now: the day count and the minutes
   * left can only fall. The moments with the text of @from therefore form
   * one unbroken stretch from @from on, and the first other text is found
   * by binary search. Only where the offset changes (a DST switch) may the
   * count jump, even back up after a fall-back; so search interval by
   * interval. */
  for (;;)
    {
      gint64 to = interval_end (tz, from, MIN (expires_at - 1, from + SEARCH_WINDOW));
      gint64 lo = from;
      gint64 hi = to;

      if (!key_equal (compute_key (expires_at, to, tz), key))
        {
          /* Invariant: key at lo is @key, key at hi differs. */
          while (hi - lo > 1)
            {
              gint64 mid = lo + (hi - lo) / 2;

              if (key_equal (compute_key (expires_at, mid, tz), key))
                lo = mid;
              else
                hi = mid;
            }

          return hi;
        }

      from = to + 1;

      /* At the expiry itself the text becomes "expired just now". */
      if (from >= expires_at)
        return expires_at;

      if (!key_equal (compute_key (expires_at, from, tz), key))
        return from;
    }
}

static gint64
next_change_past (gint64 expires_at, gint64 now, GTimeZone *tz)
{
  g_autoptr (GDateTime) local_expiry = local_date_time (expires_at, tz);
  gint64 days = whole_days_until (local_expiry, now);
  gint64 next_day = add_days (local_expiry, days + 1);
  gint64 elapsed = now - expires_at;
  gint64 next;

  /* Everything after the expiry counts up from a fixed moment, so each
   * boundary is a plain sum: the next calendar day, else the next whole
   * hour or minute, whichever comes first. */
  if (days >= 1)
    return next_day;

  if (elapsed >= 3600)
    next = expires_at + (elapsed / 3600 + 1) * 3600;
  else
    next = expires_at + (elapsed / 60 + 1) * 60;

  return MIN (next, next_day);
}

/* Derived from the same arithmetic as relink_expiry_describe(); see there
 * for the rounding. */
gint64
relink_expiry_next_change (gint64 expires_at, gint64 now, GTimeZone *tz)
{
  g_autoptr (GTimeZone) local = NULL;
  gint64 next;

  if (expires_at == 0)
    return RELINK_EXPIRY_NEVER;

  /* Beyond the calendar's range the (clamped) text never changes. */
  if (now >= MAX_MOMENT)
    return RELINK_EXPIRY_NEVER;

  if (tz == NULL)
    tz = local = g_time_zone_new_local ();

  /* Before the range every text is that of its first moment. */
  expires_at = clamp_moment (expires_at);
  now = clamp_moment (now);

  if (now < expires_at)
    next = next_change_ahead (expires_at, now, tz);
  else
    next = next_change_past (expires_at, now, tz);

  if (next >= MAX_MOMENT)
    return RELINK_EXPIRY_NEVER;

  return next;
}

/* The state is a step function of now for a given status: EXPIRING_SOON
 * starts at expires_at - soon_threshold (expires_at - now <= threshold),
 * EXPIRED at expires_at. For NEEDS_REAUTH and ERROR only the second step
 * matters; the first is then a harmless early look. */
gint64
relink_expiry_next_state_change (gint64 expires_at, gint64 now, gint64 soon_threshold)
{
  gint64 soon;

  if (expires_at == 0 || expires_at <= now)
    return RELINK_EXPIRY_NEVER;

  if (soon_threshold > 0 && expires_at < G_MININT64 + soon_threshold)
    soon = G_MININT64;
  else if (soon_threshold < 0 && expires_at > G_MAXINT64 + soon_threshold)
    soon = G_MAXINT64;
  else
    soon = expires_at - soon_threshold;

  if (soon > now && soon < expires_at)
    return soon;

  return expires_at;
}

RelinkAccountState
relink_account_get_state (RelinkAccount *account, gint64 now, gint64 soon_threshold)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (account), RELINK_ACCOUNT_STATE_ERROR);

  return relink_expiry_state (relink_account_get_status (account),
                              relink_account_get_refresh_expires_at (account), now, soon_threshold);
}

/* "21 May 2028". The strftime-style pattern is translatable so each
 * language can order day, month and year its own way ("May 21, 2028").
 * %-d rather than %e: GLib pads %e with a figure space. %B is the month
 * name in the form used next to a day number (genitive where a language
 * has one). */
char *
relink_expiry_format_date (gint64 moment, GTimeZone *tz)
{
  g_autoptr (GTimeZone) local = NULL;
  g_autoptr (GDateTime) when = NULL;

  if (tz == NULL)
    tz = local = g_time_zone_new_local ();

  when = local_date_time (moment, tz);

  /* Translators: a date as in "21 May 2028", see g_date_time_format() for
   * the codes; reorder them to suit your language. */
  return g_date_time_format (when, _ ("%-d %B %Y"));
}

/* Whether the locale writes a time of day on a 12-hour clock: its own
 * format ("%X") of 13:00 shows no "13" then. */
static gboolean
locale_uses_12h (void)
{
  g_autoptr (GDateTime) one_pm = g_date_time_new_utc (2000, 1, 1, 13, 0, 0);
  g_autofree char *text = g_date_time_format (one_pm, "%X");

  return text != NULL && strstr (text, "13") == NULL;
}

char *
relink_expiry_format_time (gint64 moment, GTimeZone *tz, RelinkClockFormat clock_format)
{
  g_autoptr (GTimeZone) local = NULL;
  g_autoptr (GDateTime) when = NULL;
  g_autofree char *text = NULL;
  const char *pattern;

  if (tz == NULL)
    tz = local = g_time_zone_new_local ();

  when = local_date_time (moment, tz);

  if (clock_format == RELINK_CLOCK_FORMAT_LOCALE)
    clock_format = locale_uses_12h () ? RELINK_CLOCK_FORMAT_12H : RELINK_CLOCK_FORMAT_24H;

  /* Hours and minutes, as GNOME's own clock (gnome-desktop's wall clock)
   * shows them; seconds would only be noise in a list of dates. */
  if (clock_format == RELINK_CLOCK_FORMAT_12H)
    /* Translators: a time of day on a 12-hour clock, "2:05 PM"; see
     * g_date_time_format() for the codes (%p is the locale's AM or PM,
     * empty in some languages). */
    pattern = _ ("%-l:%M %p");
  else
    /* Translators: a time of day on a 24-hour clock, "14:05"; see
     * g_date_time_format() for the codes. */
    pattern = _ ("%H:%M");

  text = g_date_time_format (when, pattern);
  if (text == NULL)
    return g_strdup ("");

  /* A language without AM and PM leaves a space behind. */
  return g_strdup (g_strstrip (text));
}

char *
relink_expiry_format_date_time (gint64 moment, GTimeZone *tz, RelinkClockFormat clock_format)
{
  g_autofree char *date = relink_expiry_format_date (moment, tz);
  g_autofree char *time = relink_expiry_format_time (moment, tz, clock_format);

  /* Translators: a date, then a time of day: "21 May 2028, 2:05 PM". */
  return g_strdup_printf (_ ("%s, %s"), date, time);
}

gint64
relink_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}
