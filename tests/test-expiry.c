/* test-expiry.c: states, countdown texts and their change moments, on a
 * fake clock, in zones with and without daylight saving time.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <math.h>

#include "relink-account.h"
#include "relink-expiry.h"

#define DAY (G_GINT64_CONSTANT (86400))
#define HOUR (G_GINT64_CONSTANT (3600))
#define MINUTE (G_GINT64_CONSTANT (60))
#define THRESHOLD (RELINK_EXPIRY_DEFAULT_SOON_DAYS * DAY)

/* 2027-01-15 08:00:00 UTC: an arbitrary "now" for the state table. */
#define BASE G_GINT64_CONSTANT (1800000000)

static GTimeZone *
zone (const char *identifier)
{
  GTimeZone *tz = g_time_zone_new_identifier (identifier);

  g_assert_nonnull (tz);
  return tz;
}

/* A wall-clock moment in @identifier; only for times that exist once. */
static gint64
at (const char *identifier, int year, int month, int day, int hour, int minute, int second)
{
  g_autoptr (GTimeZone) tz = zone (identifier);
  g_autoptr (GDateTime) when = g_date_time_new (tz, year, month, day, hour, minute, second);

  g_assert_nonnull (when);
  return g_date_time_to_unix (when);
}

static char *
describe (gint64 expires_at, gint64 now, const char *identifier)
{
  g_autoptr (GTimeZone) tz = zone (identifier);

  return relink_expiry_describe (expires_at, now, tz);
}

static void
test_state_table (void)
{
  static const struct
  {
    RelinkAccountStatus status;
    gint64 expires_offset; /* from BASE; G_MININT64: no expiry (0) */
    gint64 threshold;
    RelinkAccountState expected;
  } rows[] = {
    { RELINK_ACCOUNT_STATUS_CONNECTED, G_MININT64, THRESHOLD, RELINK_ACCOUNT_STATE_VALID },
    { RELINK_ACCOUNT_STATUS_CONNECTED, 400 * DAY, THRESHOLD, RELINK_ACCOUNT_STATE_VALID },
    { RELINK_ACCOUNT_STATUS_CONNECTED, THRESHOLD + 1, THRESHOLD, RELINK_ACCOUNT_STATE_VALID },
    { RELINK_ACCOUNT_STATUS_CONNECTED, THRESHOLD, THRESHOLD, RELINK_ACCOUNT_STATE_EXPIRING_SOON },
    { RELINK_ACCOUNT_STATUS_CONNECTED, THRESHOLD - 1, THRESHOLD,
      RELINK_ACCOUNT_STATE_EXPIRING_SOON },
    { RELINK_ACCOUNT_STATUS_CONNECTED, 1, THRESHOLD, RELINK_ACCOUNT_STATE_EXPIRING_SOON },
    { RELINK_ACCOUNT_STATUS_CONNECTED, 0, THRESHOLD, RELINK_ACCOUNT_STATE_EXPIRED },
    { RELINK_ACCOUNT_STATUS_CONNECTED, -1, THRESHOLD, RELINK_ACCOUNT_STATE_EXPIRED },
    { RELINK_ACCOUNT_STATUS_CONNECTED, -400 * DAY, THRESHOLD, RELINK_ACCOUNT_STATE_EXPIRED },
    { RELINK_ACCOUNT_STATUS_CONNECTED, 1, 0, RELINK_ACCOUNT_STATE_VALID },
    { RELINK_ACCOUNT_STATUS_CONNECTED, 0, 0, RELINK_ACCOUNT_STATE_EXPIRED },
    /* Offline with the expiry still ahead: never shown as expired. */
    { RELINK_ACCOUNT_STATUS_ERROR, 1, THRESHOLD, RELINK_ACCOUNT_STATE_ERROR },
    { RELINK_ACCOUNT_STATUS_ERROR, THRESHOLD - 1, THRESHOLD, RELINK_ACCOUNT_STATE_ERROR },
    { RELINK_ACCOUNT_STATUS_ERROR, 400 * DAY, THRESHOLD, RELINK_ACCOUNT_STATE_ERROR },
    { RELINK_ACCOUNT_STATUS_ERROR, G_MININT64, THRESHOLD, RELINK_ACCOUNT_STATE_ERROR },
    { RELINK_ACCOUNT_STATUS_ERROR, 0, THRESHOLD, RELINK_ACCOUNT_STATE_EXPIRED },
    { RELINK_ACCOUNT_STATUS_ERROR, -1, THRESHOLD, RELINK_ACCOUNT_STATE_EXPIRED },
    { RELINK_ACCOUNT_STATUS_NEEDS_REAUTH, 1, THRESHOLD, RELINK_ACCOUNT_STATE_NEEDS_REAUTH },
    { RELINK_ACCOUNT_STATUS_NEEDS_REAUTH, 400 * DAY, THRESHOLD, RELINK_ACCOUNT_STATE_NEEDS_REAUTH },
    { RELINK_ACCOUNT_STATUS_NEEDS_REAUTH, G_MININT64, THRESHOLD,
      RELINK_ACCOUNT_STATE_NEEDS_REAUTH },
    { RELINK_ACCOUNT_STATUS_NEEDS_REAUTH, 0, THRESHOLD, RELINK_ACCOUNT_STATE_EXPIRED },
    { RELINK_ACCOUNT_STATUS_NEEDS_REAUTH, -DAY, THRESHOLD, RELINK_ACCOUNT_STATE_EXPIRED },
    { RELINK_ACCOUNT_STATUS_NOT_CONNECTED, G_MININT64, THRESHOLD,
      RELINK_ACCOUNT_STATE_NOT_CONNECTED },
    { RELINK_ACCOUNT_STATUS_NOT_CONNECTED, 1, THRESHOLD, RELINK_ACCOUNT_STATE_NOT_CONNECTED },
    { RELINK_ACCOUNT_STATUS_NOT_CONNECTED, 0, THRESHOLD, RELINK_ACCOUNT_STATE_NOT_CONNECTED },
    { RELINK_ACCOUNT_STATUS_NOT_CONNECTED, -DAY, THRESHOLD, RELINK_ACCOUNT_STATE_NOT_CONNECTED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      gint64 expires_at = rows[i].expires_offset == G_MININT64 ? 0 : BASE + rows[i].expires_offset;
      RelinkAccountState state
          = relink_expiry_state (rows[i].status, expires_at, BASE, rows[i].threshold);

      g_test_message ("row %u", i);
      g_assert_cmpint (state, ==, rows[i].expected);
    }
}

static void
test_state_strings (void)
{
  static const struct
  {
    RelinkAccountState state;
    const char *name;
    const char *css;
    gboolean attention;
  } rows[] = {
    { RELINK_ACCOUNT_STATE_VALID, "Valid", "success", FALSE },
    { RELINK_ACCOUNT_STATE_EXPIRING_SOON, "Expiring soon", "warning", TRUE },
    { RELINK_ACCOUNT_STATE_EXPIRED, "Expired", "error", TRUE },
    { RELINK_ACCOUNT_STATE_NEEDS_REAUTH, "Needs re-authorization", "error", TRUE },
    { RELINK_ACCOUNT_STATE_ERROR, "Offline or error", "warning", TRUE },
    { RELINK_ACCOUNT_STATE_NOT_CONNECTED, "Not connected", "dim-label", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_assert_cmpstr (relink_expiry_state_to_string (rows[i].state), ==, rows[i].name);
      g_assert_cmpstr (relink_expiry_state_css_class (rows[i].state), ==, rows[i].css);
      g_assert_cmpint (relink_expiry_state_needs_attention (rows[i].state), ==, rows[i].attention);
    }
}

static void
test_account_state (void)
{
  g_autoptr (RelinkAccount) account = relink_account_new ("test-account");

  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_CONNECTED);
  relink_account_set_refresh_expires_at (account, BASE + 30 * DAY);
  g_assert_cmpint (relink_account_get_state (account, BASE, THRESHOLD), ==,
                   RELINK_ACCOUNT_STATE_VALID);
  g_assert_cmpint (relink_account_get_state (account, BASE + 16 * DAY, THRESHOLD), ==,
                   RELINK_ACCOUNT_STATE_EXPIRING_SOON);
  g_assert_cmpint (relink_account_get_state (account, BASE + 30 * DAY, THRESHOLD), ==,
                   RELINK_ACCOUNT_STATE_EXPIRED);

  /* The access token's expiry is not what the countdown counts to. */
  relink_account_set_access_expires_at (account, BASE - DAY);
  g_assert_cmpint (relink_account_get_state (account, BASE, THRESHOLD), ==,
                   RELINK_ACCOUNT_STATE_VALID);

  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_ERROR);
  g_assert_cmpint (relink_account_get_state (account, BASE, THRESHOLD), ==,
                   RELINK_ACCOUNT_STATE_ERROR);

  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
  g_assert_cmpint (relink_account_get_state (account, BASE, THRESHOLD), ==,
                   RELINK_ACCOUNT_STATE_NEEDS_REAUTH);

  relink_account_set_status (account, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
  g_assert_cmpint (relink_account_get_state (account, BASE + 40 * DAY, THRESHOLD), ==,
                   RELINK_ACCOUNT_STATE_NOT_CONNECTED);
}

typedef struct
{
  const char *zone;
  int now[6];     /* wall clock in zone: y, m, d, h, min, s */
  int expires[6]; /* wall clock in zone; all zero: no expiry */
  const char *expected;
} DescribeRow;

static void
test_describe_table (void)
{
  static const DescribeRow rows[] = {
    { "UTC", { 2027, 6, 1, 12, 0, 0 }, { 0 }, "no expiry date" },

    /* Days, plural forms, rounding down. */
    { "UTC", { 2027, 6, 1, 12, 0, 0 }, { 2027, 6, 2, 12, 0, 0 }, "expires in 1 day" },
    { "UTC", { 2027, 6, 1, 12, 0, 0 }, { 2027, 6, 3, 12, 0, 0 }, "expires in 2 days" },
    { "UTC", { 2027, 6, 1, 12, 0, 0 }, { 2027, 6, 3, 11, 59, 59 }, "expires in 1 day" },
    { "UTC", { 2027, 6, 1, 12, 0, 0 }, { 2027, 6, 15, 12, 0, 0 }, "expires in 14 days" },
    { "UTC", { 2027, 6, 1, 12, 0, 0 }, { 2028, 6, 1, 12, 0, 0 }, "expires in 366 days" },

    /* Under a day: hours and minutes, floor. */
    { "UTC", { 2027, 6, 1, 12, 0, 0 }, { 2027, 6, 2, 11, 59, 59 }, "expires in 23 h 59 min" },
    { "UTC", { 2027, 6, 1, 12, 0, 0 }, { 2027, 6, 1, 17, 12, 30 }, "expires in 5 h 12 min" },
    { "UTC", { 2027, 6, 1, 12, 0, 0 }, { 2027, 6, 1, 17, 0, 59 }, "expires in 5 h" },
    { "UTC", { 2027, 6, 1, 12, 0, 0 }, { 2027, 6, 1, 17, 0, 0 }, "expires in 5 h" },
    { "UTC", { 2027, 6, 1, 12, 0, 0 }, { 2027, 6, 1, 13, 1, 0 }, "expires in 1 h 1 min" },
    { "UTC", { 2027, 6, 1, 12, 0, 0 }, { 2027, 6, 1, 12, 59, 59 }, "expires in 59 min" },
    { "UTC", { 2027, 6, 1, 12, 0, 0 }, { 2027, 6, 1, 12, 2, 0 }, "expires in 2 min" },
    { "UTC", { 2027, 6, 1, 12, 0, 0 }, { 2027, 6, 1, 12, 1, 59 }, "expires in 1 min" },
    { "UTC", { 2027, 6, 1, 12, 0, 0 }, { 2027, 6, 1, 12, 1, 0 }, "expires in 1 min" },
    { "UTC", { 2027, 6, 1, 12, 0, 0 }, { 2027, 6, 1, 12, 0, 59 }, "expires in less than a minute" },
    { "UTC", { 2027, 6, 1, 12, 0, 0 }, { 2027, 6, 1, 12, 0, 1 }, "expires in less than a minute" },

    /* At and after the expiry. */
    { "UTC", { 2027, 6, 1, 12, 0, 0 }, { 2027, 6, 1, 12, 0, 0 }, "expired just now" },
    { "UTC", { 2027, 6, 1, 12, 0, 59 }, { 2027, 6, 1, 12, 0, 0 }, "expired just now" },
    { "UTC", { 2027, 6, 1, 12, 1, 0 }, { 2027, 6, 1, 12, 0, 0 }, "expired 1 min ago" },
    { "UTC", { 2027, 6, 1, 12, 59, 59 }, { 2027, 6, 1, 12, 0, 0 }, "expired 59 min ago" },
    { "UTC", { 2027, 6, 1, 13, 0, 0 }, { 2027, 6, 1, 12, 0, 0 }, "expired 1 h ago" },
    { "UTC", { 2027, 6, 2, 11, 59, 59 }, { 2027, 6, 1, 12, 0, 0 }, "expired 23 h ago" },
    { "UTC", { 2027, 6, 2, 12, 0, 0 }, { 2027, 6, 1, 12, 0, 0 }, "expired 1 day ago" },
    { "UTC", { 2027, 6, 3, 11, 59, 59 }, { 2027, 6, 1, 12, 0, 0 }, "expired 1 day ago" },
    { "UTC", { 2027, 6, 3, 12, 0, 0 }, { 2027, 6, 1, 12, 0, 0 }, "expired 2 days ago" },

    /* Month, year and leap-day boundaries. */
    { "UTC", { 2027, 1, 31, 10, 0, 0 }, { 2027, 3, 1, 10, 0, 0 }, "expires in 29 days" },
    { "UTC", { 2028, 1, 31, 10, 0, 0 }, { 2028, 3, 1, 10, 0, 0 }, "expires in 30 days" },
    { "UTC", { 2028, 2, 28, 10, 0, 0 }, { 2028, 3, 1, 10, 0, 0 }, "expires in 2 days" },
    { "UTC", { 2028, 2, 29, 10, 0, 0 }, { 2028, 3, 1, 9, 59, 0 }, "expires in 23 h 59 min" },
    { "UTC", { 2027, 2, 28, 10, 0, 0 }, { 2027, 3, 1, 10, 0, 0 }, "expires in 1 day" },
    { "UTC", { 2027, 12, 31, 23, 0, 0 }, { 2028, 1, 1, 23, 0, 0 }, "expires in 1 day" },
    { "UTC", { 2028, 3, 1, 10, 0, 0 }, { 2028, 1, 31, 10, 0, 0 }, "expired 30 days ago" },
    { "UTC", { 2028, 3, 1, 10, 0, 0 }, { 2028, 2, 29, 10, 0, 1 }, "expired 23 h ago" },

    /* Berlin, spring forward on 2027-03-28 at 02:00 CET: calendar days are
     * counted at the same wall-clock time, whatever the day's length. */
    { "Europe/Berlin", { 2027, 3, 20, 12, 0, 0 }, { 2027, 4, 2, 12, 0, 0 }, "expires in 13 days" },
    { "Europe/Berlin",
      { 2027, 3, 20, 12, 0, 0 },
      { 2027, 4, 2, 11, 59, 59 },
      "expires in 12 days" },
    { "Europe/Berlin", { 2027, 3, 27, 12, 0, 0 }, { 2027, 3, 28, 12, 0, 0 }, "expires in 1 day" },
    { "Europe/Berlin", { 2027, 3, 27, 12, 0, 0 }, { 2027, 3, 28, 11, 0, 0 }, "expires in 22 h" },
    { "Europe/Berlin", { 2027, 3, 28, 1, 30, 0 }, { 2027, 3, 28, 3, 30, 0 }, "expires in 1 h" },
    { "Europe/Berlin", { 2027, 3, 28, 12, 0, 0 }, { 2027, 3, 27, 12, 0, 0 }, "expired 1 day ago" },
    { "Europe/Berlin", { 2027, 3, 28, 11, 59, 0 }, { 2027, 3, 27, 12, 0, 0 }, "expired 22 h ago" },
    { "Europe/Berlin", { 2027, 4, 2, 12, 0, 0 }, { 2027, 3, 20, 12, 0, 0 }, "expired 13 days ago" },

    /* Berlin, fall back on 2027-10-31 at 03:00 CEST: a 25-hour day. */
    { "Europe/Berlin",
      { 2027, 10, 25, 12, 0, 0 },
      { 2027, 11, 7, 12, 0, 0 },
      "expires in 13 days" },
    { "Europe/Berlin",
      { 2027, 10, 25, 12, 0, 0 },
      { 2027, 11, 7, 11, 59, 59 },
      "expires in 12 days" },
    { "Europe/Berlin", { 2027, 10, 30, 12, 0, 0 }, { 2027, 10, 31, 12, 0, 0 }, "expires in 1 day" },
    { "Europe/Berlin",
      { 2027, 10, 30, 12, 0, 0 },
      { 2027, 10, 31, 11, 30, 0 },
      "expires in 24 h 30 min" },
    { "Europe/Berlin", { 2027, 10, 31, 11, 0, 0 }, { 2027, 10, 30, 12, 0, 0 }, "expired 24 h ago" },
    { "Europe/Berlin",
      { 2027, 10, 31, 12, 0, 0 },
      { 2027, 10, 30, 12, 0, 0 },
      "expired 1 day ago" },

    /* Sydney: DST ends 2027-04-04 03:00 AEDT, starts 2027-10-03 02:00 AEST. */
    { "Australia/Sydney", { 2027, 4, 1, 9, 0, 0 }, { 2027, 4, 6, 9, 0, 0 }, "expires in 5 days" },
    { "Australia/Sydney",
      { 2027, 4, 3, 9, 0, 0 },
      { 2027, 4, 4, 8, 30, 0 },
      "expires in 24 h 30 min" },
    { "Australia/Sydney", { 2027, 10, 2, 9, 0, 0 }, { 2027, 10, 3, 9, 0, 0 }, "expires in 1 day" },
    { "Australia/Sydney",
      { 2027, 10, 2, 9, 0, 0 },
      { 2027, 10, 3, 8, 59, 0 },
      "expires in 22 h 59 min" },

    /* São Paulo: no DST since 2019, UTC-3 all year. */
    { "America/Sao_Paulo",
      { 2027, 11, 1, 21, 0, 0 },
      { 2027, 11, 2, 21, 0, 0 },
      "expires in 1 day" },
    { "America/Sao_Paulo",
      { 2027, 2, 28, 22, 0, 0 },
      { 2027, 3, 31, 22, 0, 0 },
      "expires in 31 days" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      const DescribeRow *row = &rows[i];
      gint64 now = at (row->zone, row->now[0], row->now[1], row->now[2], row->now[3], row->now[4],
                       row->now[5]);
      gint64 expires_at = 0;
      g_autofree char *text = NULL;

      if (row->expires[0] != 0)
        expires_at = at (row->zone, row->expires[0], row->expires[1], row->expires[2],
                         row->expires[3], row->expires[4], row->expires[5]);

      text = describe (expires_at, now, row->zone);
      g_test_message ("row %u (%s)", i, row->zone);
      g_assert_cmpstr (text, ==, row->expected);
    }
}

static void
test_describe_zones_differ (void)
{
  /* 13 × 24 h - 1 h across Berlin's spring forward: 13 calendar days there,
   * but only 12 whole days in UTC. */
  gint64 now = at ("Europe/Berlin", 2027, 3, 20, 12, 0, 0);
  gint64 expires_at = at ("Europe/Berlin", 2027, 4, 2, 12, 0, 0);
  g_autofree char *berlin = describe (expires_at, now, "Europe/Berlin");
  g_autofree char *utc = describe (expires_at, now, "UTC");

  g_assert_cmpint (expires_at - now, ==, 13 * DAY - HOUR);
  g_assert_cmpstr (berlin, ==, "expires in 13 days");
  g_assert_cmpstr (utc, ==, "expires in 12 days");
}

static void
test_describe_repeated_hour (void)
{
  /* When Berlin's clock falls back, 02:00-03:00 happens twice; the calendar
   * count follows the wall clock, so "1 day" may come back for that hour.
   * The expiry is 2027-11-01 02:45 CET. */
  gint64 expires_at = at ("UTC", 2027, 11, 1, 1, 45, 0);
  gint64 cest_0230 = at ("UTC", 2027, 10, 31, 0, 30, 0);
  gint64 cest_0250 = at ("UTC", 2027, 10, 31, 0, 50, 0);
  gint64 cet_0200 = at ("UTC", 2027, 10, 31, 1, 0, 0);
  g_autofree char *first = describe (expires_at, cest_0230, "Europe/Berlin");
  g_autofree char *second = describe (expires_at, cest_0250, "Europe/Berlin");
  g_autofree char *third = describe (expires_at, cet_0200, "Europe/Berlin");
  g_autoptr (GTimeZone) berlin = zone ("Europe/Berlin");

  g_assert_cmpstr (first, ==, "expires in 1 day");
  g_assert_cmpstr (second, ==, "expires in 24 h 55 min");
  g_assert_cmpstr (third, ==, "expires in 1 day");
  /* The change moments follow it exactly. */
  g_assert_cmpint (relink_expiry_next_change (expires_at, cest_0230, berlin), ==,
                   at ("UTC", 2027, 10, 31, 0, 45, 1));
  g_assert_cmpint (relink_expiry_next_change (expires_at, cest_0250, berlin), ==, cest_0250 + 1);
  /* 02:59:01 CEST reads "24 h 45 min" until 02:00 CET brings "1 day" back,
   * one second before the minutes would have changed. */
  g_assert_cmpint (relink_expiry_next_change (expires_at, cet_0200 - 59, berlin), ==, cet_0200);
}

static void
test_describe_local_zone (void)
{
  g_autofree char *text = NULL;

  /* NULL means the local zone; plain minute arithmetic is zone-free. */
  text = relink_expiry_describe (BASE + 90 * MINUTE, BASE, NULL);
  g_assert_cmpstr (text, ==, "expires in 1 h 30 min");
  g_assert_cmpint (relink_expiry_next_change (BASE + 90 * MINUTE, BASE, NULL), ==, BASE + 1);
}

/* The spoken countdown: whole words, one plural form per number, and the
 * same moments of change as the shown one. */
/* An account whose refresh token was refused: what still works. */
static void
test_describe_reauth (void)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  const struct
  {
    gint64 access_expires_at;
    const char *shown;
    const char *spoken;
  } cases[] = {
    { BASE + 5 * 3600 + 12 * MINUTE, "refresh token refused; access token valid for 5 h",
      "refresh token refused; access token valid for 5 hours" },
    { BASE + 3600, "refresh token refused; access token valid for 1 h",
      "refresh token refused; access token valid for 1 hour" },
    { BASE + 45 * MINUTE + 30, "refresh token refused; access token valid for 45 min",
      "refresh token refused; access token valid for 45 minutes" },
    { BASE + 30, "refresh token refused; access token valid for less than a minute",
      "refresh token refused; access token valid for less than a minute" },
    { BASE + 2 * 24 * 3600 + 60, "refresh token refused; access token valid for 2 days",
      "refresh token refused; access token valid for 2 days" },
    { BASE - 60, "refresh token refused; sign in again", "refresh token refused; sign in again" },
    { 0, "refresh token refused; sign in again", "refresh token refused; sign in again" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown
          = relink_expiry_describe_reauth (cases[i].access_expires_at, BASE, utc, FALSE);
      g_autofree char *spoken
          = relink_expiry_describe_reauth (cases[i].access_expires_at, BASE, utc, TRUE);

      g_assert_cmpstr (shown, ==, cases[i].shown);
      g_assert_cmpstr (spoken, ==, cases[i].spoken);
    }

  /* It changes no later than the access token's countdown does. */
  for (gint64 now = BASE; now < BASE + 3 * 3600; now += 7 * MINUTE + 13)
    {
      gint64 access = BASE + 2 * 3600 + 30 * MINUTE;
      gint64 next = relink_expiry_next_change (access, now, utc);
      g_autofree char *here = relink_expiry_describe_reauth (access, now, utc, FALSE);
      g_autofree char *before_next = relink_expiry_describe_reauth (access, next - 1, utc, FALSE);

      g_assert_cmpstr (here, ==, before_next);
    }
}

static void
test_describe_spoken (void)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  const struct
  {
    gint64 offset;
    const char *spoken;
    const char *shown;
  } cases[] = {
    { 5 * 3600 + 12 * MINUTE + 30, "expires in 5 hours 12 minutes", "expires in 5 h 12 min" },
    { 3600 + MINUTE, "expires in 1 hour 1 minute", "expires in 1 h 1 min" },
    { 2 * 3600, "expires in 2 hours", "expires in 2 h" },
    { 3600, "expires in 1 hour", "expires in 1 h" },
    { 45 * MINUTE, "expires in 45 minutes", "expires in 45 min" },
    { MINUTE, "expires in 1 minute", "expires in 1 min" },
    { 30, "expires in less than a minute", "expires in less than a minute" },
    { 3 * 24 * 3600 + 60, "expires in 3 days", "expires in 3 days" },
    { -30, "expired just now", "expired just now" },
    { -MINUTE, "expired 1 minute ago", "expired 1 min ago" },
    { -(7 * MINUTE + 5), "expired 7 minutes ago", "expired 7 min ago" },
    { -3600, "expired 1 hour ago", "expired 1 h ago" },
    { -(4 * 3600 + 59 * MINUTE), "expired 4 hours ago", "expired 4 h ago" },
    { -2 * 24 * 3600, "expired 2 days ago", "expired 2 days ago" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *spoken = relink_expiry_describe_spoken (BASE + cases[i].offset, BASE, utc);
      g_autofree char *shown = relink_expiry_describe (BASE + cases[i].offset, BASE, utc);

      g_assert_cmpstr (spoken, ==, cases[i].spoken);
      g_assert_cmpstr (shown, ==, cases[i].shown);
    }

  {
    g_autofree char *none = relink_expiry_describe_spoken (0, BASE, utc);

    g_assert_cmpstr (none, ==, "no expiry date");
  }

  /* It changes exactly when the shown text does. */
  {
    gint64 expires_at = BASE + 5 * 3600 + 12 * MINUTE + 30;
    gint64 next = relink_expiry_next_change (expires_at, BASE, utc);
    g_autofree char *now_text = relink_expiry_describe_spoken (expires_at, BASE, utc);
    g_autofree char *before = relink_expiry_describe_spoken (expires_at, next - 1, utc);
    g_autofree char *after = relink_expiry_describe_spoken (expires_at, next, utc);

    g_assert_cmpstr (before, ==, now_text);
    g_assert_cmpstr (after, ==, "expires in 5 hours 11 minutes");
  }
}

/* Beside the state "Expired": since when, without "expired" again, and
 * nothing while the expiry is ahead or unknown. */
static void
test_describe_since (void)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  struct
  {
    gint64 offset;
    const char *shown;
    const char *spoken;
  } cases[] = {
    { 0, "just now", "just now" },
    { -30, "just now", "just now" },
    { -MINUTE, "1 min ago", "1 minute ago" },
    { -(7 * MINUTE + 5), "7 min ago", "7 minutes ago" },
    { -3600, "1 h ago", "1 hour ago" },
    { -(4 * 3600 + 59 * MINUTE), "4 h ago", "4 hours ago" },
    { -24 * 3600, "1 day ago", "1 day ago" },
    { -(2 * 24 * 3600 + 4 * 3600), "2 days ago", "2 days ago" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 expires_at = BASE + cases[i].offset;
      g_autofree char *shown = relink_expiry_describe_since (expires_at, BASE, utc, FALSE);
      g_autofree char *spoken = relink_expiry_describe_since (expires_at, BASE, utc, TRUE);
      gint64 next = relink_expiry_next_change (expires_at, BASE, utc);
      g_autofree char *before = relink_expiry_describe_since (expires_at, next - 1, utc, FALSE);

      g_assert_cmpstr (shown, ==, cases[i].shown);
      g_assert_cmpstr (spoken, ==, cases[i].spoken);
      /* It changes when the countdown does. */
      g_assert_cmpstr (before, ==, shown);
    }

  g_assert_null (relink_expiry_describe_since (BASE + 1, BASE, utc, FALSE));
  g_assert_null (relink_expiry_describe_since (BASE + 3 * 24 * 3600, BASE, utc, TRUE));
  g_assert_null (relink_expiry_describe_since (0, BASE, utc, FALSE));
}

/* Checks describe(next - 1) == describe(now) != describe(next), plus a few
 * moments in between. */
static void
check_next_change (gint64 expires_at, gint64 now, GTimeZone *tz)
{
  gint64 next = relink_expiry_next_change (expires_at, now, tz);
  g_autofree char *text = relink_expiry_describe (expires_at, now, tz);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_cmpint (next, >, now);
  g_assert_cmpint (next, !=, RELINK_EXPIRY_NEVER);

  before = relink_expiry_describe (expires_at, next - 1, tz);
  after = relink_expiry_describe (expires_at, next, tz);
  if (g_strcmp0 (before, text) != 0 || g_strcmp0 (after, text) == 0)
    g_error ("next_change (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", %s) = %" G_GINT64_FORMAT
             ": \"%s\" / \"%s\" / \"%s\"",
             expires_at, now, g_time_zone_get_identifier (tz), next, text, before, after);

  for (int i = 0; i < 3 && next - now > 2; i++)
    {
      gint64 between = now + 1 + (gint64) (g_test_rand_double () * (double) (next - now - 2));
      g_autofree char *middle = relink_expiry_describe (expires_at, between, tz);

      g_assert_cmpstr (middle, ==, text);
    }
}

static const char *const sweep_zones[] = {
  "UTC", "Europe/Berlin", "Australia/Sydney", "America/Sao_Paulo", "America/New_York",
};

static void
test_next_change_chain (void)
{
  /* Expiries on and around DST switches, month ends and leap days. Walking
   * from change to change visits every text from 40 days before to 40 days
   * after. */
  static const int expiries_utc[][6] = {
    { 2027, 3, 28, 1, 0, 0 },    /* Berlin spring forward, exactly */
    { 2027, 3, 29, 0, 30, 0 },   /* a day after, inside the skipped wall hour */
    { 2027, 10, 31, 1, 0, 0 },   /* Berlin fall back, exactly */
    { 2027, 11, 1, 1, 45, 0 },   /* a day after, inside the repeated hour */
    { 2027, 4, 3, 16, 30, 0 },   /* Sydney, end of DST */
    { 2027, 10, 2, 16, 0, 0 },   /* Sydney, start of DST */
    { 2028, 2, 29, 23, 59, 59 }, /* leap day */
    { 2028, 3, 12, 7, 0, 0 },    /* New York, spring forward */
    { 2027, 6, 1, 12, 0, 0 },    /* nothing special */
  };

  for (guint z = 0; z < G_N_ELEMENTS (sweep_zones); z++)
    {
      g_autoptr (GTimeZone) tz = zone (sweep_zones[z]);

      for (guint e = 0; e < G_N_ELEMENTS (expiries_utc); e++)
        {
          const int *x = expiries_utc[e];
          gint64 expires_at = at ("UTC", x[0], x[1], x[2], x[3], x[4], x[5]);
          gint64 now = expires_at - 40 * DAY - 12345;
          guint steps = 0;

          while (now < expires_at + 40 * DAY)
            {
              check_next_change (expires_at, now, tz);
              now = relink_expiry_next_change (expires_at, now, tz);
              steps++;
            }

          /* About 40 day steps, 1440 minute steps (60 fewer when the last
           * day has 23 hours), 60 minutes and 23 hours after, 40 day steps:
           * texts were skipped if far fewer. */
          g_assert_cmpuint (steps, >=, 1540);
        }
    }
}

static void
test_next_change_random (void)
{
  gint64 start = at ("UTC", 2026, 1, 1, 0, 0, 0);
  gint64 end = at ("UTC", 2031, 1, 1, 0, 0, 0);

  for (guint z = 0; z < G_N_ELEMENTS (sweep_zones); z++)
    {
      g_autoptr (GTimeZone) tz = zone (sweep_zones[z]);

      for (int i = 0; i < 400; i++)
        {
          gint64 expires_at = start + (gint64) (g_test_rand_double () * (double) (end - start));
          /* Offsets from seconds to years, both ways. */
          double magnitude = g_test_rand_double_range (0, 8.5);
          gint64 offset = (gint64) pow (10, magnitude);

          if (g_test_rand_bit ())
            offset = -offset;

          check_next_change (expires_at, expires_at + offset, tz);
        }
    }
}

/* Per-second proof in windows where the day count misbehaves: for every
 * moment, the predicted next change is the first second whose text
 * differs, found by brute force. */
static void
check_window_by_probe (const char *identifier, gint64 expires_at, gint64 from, gint64 to)
{
  g_autoptr (GTimeZone) tz = zone (identifier);
  gint64 length = to - from;
  g_autofree gint64 *first_change = g_new (gint64, length + 1);
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  for (gint64 t = from; t <= to + 1; t++)
    g_ptr_array_add (texts, relink_expiry_describe (expires_at, t, tz));

  /* first_change[i]: the first moment after from + i with another text. */
  first_change[length] = g_strcmp0 (texts->pdata[length], texts->pdata[length + 1]) != 0
                             ? to + 1
                             : relink_expiry_next_change (expires_at, to, tz);
  for (gint64 i = length - 1; i >= 0; i--)
    first_change[i] = g_strcmp0 (texts->pdata[i], texts->pdata[i + 1]) != 0 ? from + i + 1
                                                                            : first_change[i + 1];

  for (gint64 i = 0; i <= length; i++)
    {
      gint64 next = relink_expiry_next_change (expires_at, from + i, tz);

      if (next != first_change[i])
        g_error ("%s: next_change (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ") = %" G_GINT64_FORMAT
                 ", probing says %" G_GINT64_FORMAT,
                 identifier, expires_at, from + i, next, first_change[i]);
    }
}

static void
test_next_change_probe (void)
{
  gint64 expires_at;

  /* Fall back in Berlin with the expiry a day later inside the repeated
   * hour: "1 day", then hours, then "1 day" again. */
  expires_at = at ("UTC", 2027, 11, 1, 1, 45, 0);
  check_window_by_probe ("Europe/Berlin", expires_at, at ("UTC", 2027, 10, 30, 23, 30, 0),
                         at ("UTC", 2027, 10, 31, 2, 30, 0));

  /* Spring forward in Berlin, expiry a day later at a wall time that the
   * day before did not have. */
  expires_at = at ("UTC", 2027, 3, 29, 0, 30, 0);
  check_window_by_probe ("Europe/Berlin", expires_at, at ("UTC", 2027, 3, 28, 0, 0, 0),
                         at ("UTC", 2027, 3, 28, 2, 30, 0));

  /* The last hour before and after an expiry. */
  expires_at = at ("UTC", 2027, 6, 1, 12, 0, 0);
  check_window_by_probe ("UTC", expires_at, expires_at - 2 * HOUR, expires_at + 2 * HOUR);

  /* The expiry itself within the repeated hour, seen from either side. */
  expires_at = at ("UTC", 2027, 10, 31, 0, 30, 0);
  check_window_by_probe ("Europe/Berlin", expires_at, expires_at - HOUR, expires_at + 2 * HOUR);
}

static void
test_next_change_edges (void)
{
  g_autoptr (GTimeZone) utc = zone ("UTC");
  gint64 now = BASE;

  g_assert_cmpint (relink_expiry_next_change (0, now, utc), ==, RELINK_EXPIRY_NEVER);
  /* Whole days left: the count drops when the wall-clock time passes the
   * expiry's time of day. */
  g_assert_cmpint (relink_expiry_next_change (now + 10 * DAY + 100, now, utc), ==, now + 101);
  g_assert_cmpint (relink_expiry_next_change (now + 10 * DAY, now, utc), ==, now + 1);
  /* Minutes: the minute count drops one second after a whole minute is left. */
  g_assert_cmpint (relink_expiry_next_change (now + 125, now, utc), ==, now + 6);
  g_assert_cmpint (relink_expiry_next_change (now + 30, now, utc), ==, now + 30);
  /* After: just now, minutes, hours, days. */
  g_assert_cmpint (relink_expiry_next_change (now, now, utc), ==, now + 60);
  g_assert_cmpint (relink_expiry_next_change (now - 61, now, utc), ==, now + 59);
  g_assert_cmpint (relink_expiry_next_change (now - HOUR - 5, now, utc), ==, now + HOUR - 5);
  g_assert_cmpint (relink_expiry_next_change (now - 3 * DAY - 5, now, utc), ==, now + DAY - 5);
}

static void
test_next_state_change (void)
{
  gint64 now = BASE;
  const RelinkAccountStatus statuses[] = {
    RELINK_ACCOUNT_STATUS_CONNECTED,
    RELINK_ACCOUNT_STATUS_ERROR,
    RELINK_ACCOUNT_STATUS_NEEDS_REAUTH,
  };

  g_assert_cmpint (relink_expiry_next_state_change (0, now, THRESHOLD), ==, RELINK_EXPIRY_NEVER);
  g_assert_cmpint (relink_expiry_next_state_change (now, now, THRESHOLD), ==, RELINK_EXPIRY_NEVER);
  g_assert_cmpint (relink_expiry_next_state_change (now - 1, now, THRESHOLD), ==,
                   RELINK_EXPIRY_NEVER);
  g_assert_cmpint (relink_expiry_next_state_change (now + 30 * DAY, now, THRESHOLD), ==,
                   now + 30 * DAY - THRESHOLD);
  g_assert_cmpint (relink_expiry_next_state_change (now + THRESHOLD + 1, now, THRESHOLD), ==,
                   now + 1);
  g_assert_cmpint (relink_expiry_next_state_change (now + THRESHOLD, now, THRESHOLD), ==,
                   now + THRESHOLD);
  g_assert_cmpint (relink_expiry_next_state_change (now + 5, now, THRESHOLD), ==, now + 5);
  g_assert_cmpint (relink_expiry_next_state_change (now + 5, now, 0), ==, now + 5);

  /* Property: for a connected account the state holds until the moment
   * and changes at it; for the others the moment is never late. */
  for (int i = 0; i < 2000; i++)
    {
      gint64 expires_at = now + g_test_rand_int_range (-40, 40) * DAY
                          + g_test_rand_int_range (-2 * 86400, 2 * 86400);
      gint64 threshold = g_test_rand_bit () ? THRESHOLD : g_test_rand_int_range (0, 3 * 86400);
      gint64 t = now + g_test_rand_int_range (-3, 3);
      gint64 next = relink_expiry_next_state_change (expires_at, t, threshold);

      for (guint s = 0; s < G_N_ELEMENTS (statuses); s++)
        {
          RelinkAccountState state = relink_expiry_state (statuses[s], expires_at, t, threshold);

          if (next == RELINK_EXPIRY_NEVER)
            {
              g_assert_cmpint (
                  relink_expiry_state (statuses[s], expires_at, t + 1000 * DAY, threshold), ==,
                  state);
              continue;
            }

          g_assert_cmpint (next, >, t);
          g_assert_cmpint (relink_expiry_state (statuses[s], expires_at, next - 1, threshold), ==,
                           state);
          if (statuses[s] == RELINK_ACCOUNT_STATUS_CONNECTED)
            g_assert_cmpint (relink_expiry_state (statuses[s], expires_at, next, threshold), !=,
                             state);
        }
    }
}

static void
test_format_date (void)
{
  g_autoptr (GTimeZone) berlin = zone ("Europe/Berlin");
  g_autoptr (GTimeZone) utc = zone ("UTC");
  g_autofree char *may21 = relink_expiry_format_date (at ("UTC", 2028, 5, 21, 12, 0, 0), berlin);
  g_autofree char *may1 = relink_expiry_format_date (at ("UTC", 2028, 5, 1, 12, 0, 0), berlin);
  g_autofree char *late = relink_expiry_format_date (at ("UTC", 2028, 5, 21, 23, 30, 0), berlin);
  g_autofree char *late_utc = relink_expiry_format_date (at ("UTC", 2028, 5, 21, 23, 30, 0), utc);

  g_assert_cmpstr (may21, ==, "21 May 2028");
  g_assert_cmpstr (may1, ==, "1 May 2028");
  g_assert_cmpstr (late, ==, "22 May 2028");
  g_assert_cmpstr (late_utc, ==, "21 May 2028");
}

/* A time of day as GNOME shows one: hours and minutes, on the clock the
 * desktop asks for, else the locale's (C: 24 hours); never seconds. */
static void
test_format_time (void)
{
  g_autoptr (GTimeZone) berlin = zone ("Europe/Berlin");
  gint64 afternoon = at ("UTC", 2028, 5, 21, 12, 5, 9); /* 14:05:09 in Berlin */
  gint64 morning = at ("UTC", 2028, 5, 21, 7, 5, 9);    /* 09:05:09 */
  gint64 after_midnight = at ("UTC", 2028, 5, 20, 22, 5, 9);
  struct
  {
    gint64 moment;
    RelinkClockFormat clock_format;
    const char *expected;
  } cases[] = {
    { afternoon, RELINK_CLOCK_FORMAT_24H, "14:05" },
    { afternoon, RELINK_CLOCK_FORMAT_12H, "2:05 PM" },
    { afternoon, RELINK_CLOCK_FORMAT_LOCALE, "14:05" },
    { morning, RELINK_CLOCK_FORMAT_24H, "09:05" },
    { morning, RELINK_CLOCK_FORMAT_12H, "9:05 AM" },
    { after_midnight, RELINK_CLOCK_FORMAT_24H, "00:05" },
    { after_midnight, RELINK_CLOCK_FORMAT_12H, "12:05 AM" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text
          = relink_expiry_format_time (cases[i].moment, berlin, cases[i].clock_format);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
}

static void
test_format_date_time (void)
{
  g_autoptr (GTimeZone) berlin = zone ("Europe/Berlin");
  gint64 afternoon = at ("UTC", 2028, 5, 21, 12, 5, 9);
  g_autofree char *h12
      = relink_expiry_format_date_time (afternoon, berlin, RELINK_CLOCK_FORMAT_12H);
  g_autofree char *h24
      = relink_expiry_format_date_time (afternoon, berlin, RELINK_CLOCK_FORMAT_24H);

  g_assert_cmpstr (h12, ==, "21 May 2028, 2:05 PM");
  g_assert_cmpstr (h24, ==, "21 May 2028, 14:05");
}

static void
test_now (void)
{
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  gint64 now = relink_now ();
  gint64 after = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_cmpint (before, <=, now);
  g_assert_cmpint (now, <=, after);
}

int
main (int argc, char *argv[])
{
  /* The expected texts are the untranslated English ones. */
  g_setenv ("LANGUAGE", "C", TRUE);
  g_setenv ("LC_ALL", "C", TRUE);
  setlocale (LC_ALL, "");

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/expiry/state/table", test_state_table);
  g_test_add_func ("/expiry/state/strings", test_state_strings);
  g_test_add_func ("/expiry/state/account", test_account_state);
  g_test_add_func ("/expiry/describe/table", test_describe_table);
  g_test_add_func ("/expiry/describe/zones-differ", test_describe_zones_differ);
  g_test_add_func ("/expiry/describe/repeated-hour", test_describe_repeated_hour);
  g_test_add_func ("/expiry/describe/local-zone", test_describe_local_zone);
  g_test_add_func ("/expiry/describe/spoken", test_describe_spoken);
  g_test_add_func ("/expiry/describe/reauth", test_describe_reauth);
  g_test_add_func ("/expiry/describe/since", test_describe_since);
  g_test_add_func ("/expiry/next-change/edges", test_next_change_edges);
  g_test_add_func ("/expiry/next-change/chain", test_next_change_chain);
  g_test_add_func ("/expiry/next-change/random", test_next_change_random);
  g_test_add_func ("/expiry/next-change/probe", test_next_change_probe);
  g_test_add_func ("/expiry/next-state-change", test_next_state_change);
  g_test_add_func ("/expiry/format-date", test_format_date);
  g_test_add_func ("/expiry/format-time", test_format_time);
  g_test_add_func ("/expiry/format-date-time", test_format_date_time);
  g_test_add_func ("/expiry/now", test_now);

  return g_test_run ();
}
