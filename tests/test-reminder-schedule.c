/* test-reminder-schedule.c: when expiry reminders fall due, on a fake
 * clock; their texts; and that a restart does not repeat one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "relink-reminder-schedule.h"
#include "relink-store.h"
#include "relink-test-util.h"

#define DAY RELINK_REMINDER_DAY
#define HOUR (G_GINT64_CONSTANT (3600))
#define MINUTE (G_GINT64_CONSTANT (60))
#define NEVER RELINK_EXPIRY_NEVER
#define REAUTH RELINK_REMINDER_LEAD_REAUTH

/* 2027-01-15 08:00:00 UTC: the expiry the tables count towards. */
#define EXPIRY G_GINT64_CONSTANT (1800000000)

/* The setting's default, as the app reads it: 30, 7 and 1 days, plus the
 * expiry itself. */
static const gint64 leads[] = { 30 * DAY, 7 * DAY, 1 * DAY, 0 };

static void
schedule (RelinkAccountStatus status,
          gint64 expires_at,
          const RelinkReminderState *last,
          gint64 now,
          RelinkReminderPlan *plan)
{
  relink_reminder_schedule (expires_at, status, leads, G_N_ELEMENTS (leads), last, now, plan);
}

static void
test_leads_from_days (void)
{
  static const guint32 days[] = { 1, 30, 7, 7, 0, 90 };
  static const gint64 expected[] = { 90 * DAY, 30 * DAY, 7 * DAY, 1 * DAY, 0 };
  g_autoptr (GArray) converted = relink_reminder_leads_from_days (days, G_N_ELEMENTS (days));
  g_autoptr (GArray) empty = relink_reminder_leads_from_days (NULL, 0);
  const gint64 *defaults;
  gsize n_defaults = 0;

  g_assert_cmpuint (converted->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < converted->len; i++)
    g_assert_cmpint (g_array_index (converted, gint64, i), ==, expected[i]);

  /* No lead days set: the expiry itself still reminds. */
  g_assert_cmpuint (empty->len, ==, 1);
  g_assert_cmpint (g_array_index (empty, gint64, 0), ==, 0);

  defaults = relink_reminder_default_leads (RELINK_REMINDER_SUBJECT_ACCOUNT, &n_defaults);
  g_assert_cmpmem (defaults, n_defaults * sizeof (gint64), leads, sizeof (leads));
  defaults = relink_reminder_default_leads (RELINK_REMINDER_SUBJECT_KEYSET, &n_defaults);
  g_assert_cmpuint (n_defaults, ==, 5);
  g_assert_cmpint (defaults[0], ==, 90 * DAY);
  g_assert_cmpint (defaults[n_defaults - 1], ==, 0);
}

/* Left alone from 40 days ahead, giving each due reminder and sleeping
 * until the next deadline: exactly one reminder per lead, each at its lead
 * moment, and nothing a second before. */
static void
test_walk (void)
{
  RelinkReminderState given = { 0 };
  RelinkReminderPlan plan;
  gint64 now = EXPIRY - 40 * DAY;
  guint n_given = 0;

  for (;;)
    {
      schedule (RELINK_ACCOUNT_STATUS_CONNECTED, EXPIRY, &given, now, &plan);

      if (plan.due)
        {
          g_assert_true (plan.save);
          g_assert_cmpuint (n_given, <, G_N_ELEMENTS (leads));
          g_assert_cmpint (plan.reminder.lead, ==, leads[n_given]);
          g_assert_cmpint (plan.reminder.expires_at, ==, EXPIRY);
          g_assert_cmpint (plan.reminder.given_at, ==, now);
          g_assert_cmpint (now, ==, EXPIRY - leads[n_given]);
          given = plan.reminder;
          n_given++;

          /* Given (shown, then dismissed or not): asking again at the same
           * moment gives nothing. */
          schedule (RELINK_ACCOUNT_STATUS_CONNECTED, EXPIRY, &given, now, &plan);
          g_assert_false (plan.due);
          g_assert_false (plan.save);
        }
      else
        {
          g_assert_false (plan.save);
        }

      if (plan.next_deadline == NEVER)
        break;

      g_assert_cmpint (plan.next_deadline, >, now);

      /* A second before the deadline nothing is due yet. */
      {
        RelinkReminderPlan early;

        schedule (RELINK_ACCOUNT_STATUS_CONNECTED, EXPIRY, &given, plan.next_deadline - 1, &early);
        g_assert_false (early.due);
        g_assert_cmpint (early.next_deadline, ==, plan.next_deadline);
      }

      now = plan.next_deadline;
    }

  g_assert_cmpuint (n_given, ==, G_N_ELEMENTS (leads));
  g_assert_cmpint (now, ==, EXPIRY);
}

/* A row: the reminder last given (NONE: none), the moment, and what the
 * plan must say. Offsets are seconds from EXPIRY. */
#define NONE G_MININT64

typedef struct
{
  const char *what;
  RelinkAccountStatus status;
  gint64 expires_offset; /* NONE: no expiry (0) */
  gint64 last_expires_offset;
  gint64 last_lead; /* NONE: nothing given */
  gint64 now_offset;
  gboolean due;
  gint64 due_lead;
  gint64 next_offset; /* NONE: RELINK_EXPIRY_NEVER */
  gboolean save;
} Row;

#define CONNECTED RELINK_ACCOUNT_STATUS_CONNECTED
#define ERROR RELINK_ACCOUNT_STATUS_ERROR
#define NEEDS_REAUTH RELINK_ACCOUNT_STATUS_NEEDS_REAUTH
#define NOT_CONNECTED RELINK_ACCOUNT_STATUS_NOT_CONNECTED

static const Row rows[] = {
  { "far ahead", CONNECTED, 0, 0, NONE, -40 * DAY, FALSE, 0, -30 * DAY, FALSE },
  { "a second before the first lead", CONNECTED, 0, 0, NONE, -30 * DAY - 1, FALSE, 0, -30 * DAY,
    FALSE },
  { "the first lead reached", CONNECTED, 0, 0, NONE, -30 * DAY, TRUE, 30 * DAY, -7 * DAY, TRUE },
  { "first look well inside the first lead", CONNECTED, 0, 0, NONE, -20 * DAY, TRUE, 30 * DAY,
    -7 * DAY, TRUE },
  { "dismissed: not again before the next lead", CONNECTED, 0, 0, 30 * DAY, -8 * DAY, FALSE, 0,
    -7 * DAY, FALSE },
  { "dismissed: the next lead comes", CONNECTED, 0, 0, 30 * DAY, -7 * DAY, TRUE, 7 * DAY, -1 * DAY,
    TRUE },
  { "suspend across 7 days and 1 day: only the latest", CONNECTED, 0, 0, 30 * DAY, -12 * HOUR, TRUE,
    1 * DAY, 0, TRUE },
  { "suspend from before all leads past the expiry", CONNECTED, 0, 0, NONE, 5 * DAY, TRUE, 0, NONE,
    TRUE },
  { "suspend past the expiry after the 7 days lead", CONNECTED, 0, 0, 7 * DAY, 1, TRUE, 0, NONE,
    TRUE },
  { "all given", CONNECTED, 0, 0, 0, 100 * DAY, FALSE, 0, NONE, FALSE },
  { "clock set back after the 7 days lead", CONNECTED, 0, 0, 7 * DAY, -10 * DAY, FALSE, 0, -1 * DAY,
    FALSE },
  { "clock set back before every lead", CONNECTED, 0, 0, 1 * DAY, -40 * DAY, FALSE, 0, 0, FALSE },
  { "clock set back after the expiry reminder", CONNECTED, 0, 0, 0, -2 * DAY, FALSE, 0, NONE,
    FALSE },
  { "renewed: a year later, nothing due yet", CONNECTED, 365 * DAY, 0, 0, 2 * DAY, FALSE, 0,
    335 * DAY, FALSE },
  { "renewed: its own leads come", CONNECTED, 365 * DAY, 0, 0, 336 * DAY, TRUE, 30 * DAY, 358 * DAY,
    TRUE },
  { "renewed within a lead", CONNECTED, 10 * DAY, 0, 1 * DAY, 0, TRUE, 30 * DAY, 3 * DAY, TRUE },
  { "expiry a few seconds later: the same expiry", CONNECTED, 30, 0, 7 * DAY, -5 * DAY, FALSE, 0,
    -1 * DAY + 30, FALSE },
  { "expiry moved earlier: given leads stay given", CONNECTED, 0, 10 * DAY, 7 * DAY, -5 * DAY,
    FALSE, 0, -1 * DAY, FALSE },
  { "offline still reminds", ERROR, 0, 0, 7 * DAY, -20 * HOUR, TRUE, 1 * DAY, 0, TRUE },
  { "offline past the expiry", ERROR, 0, 0, 1 * DAY, 1 * HOUR, TRUE, 0, NONE, TRUE },
  { "no expiry", CONNECTED, NONE, 0, NONE, 0, FALSE, 0, NONE, FALSE },
  { "not connected, ahead", NOT_CONNECTED, 0, 0, NONE, -12 * HOUR, FALSE, 0, NONE, FALSE },
  { "not connected, past", NOT_CONNECTED, 0, 0, NONE, 3 * DAY, FALSE, 0, NONE, FALSE },
  { "needs re-authorization: at once", NEEDS_REAUTH, 0, 0, NONE, -200 * DAY, TRUE, REAUTH, NONE,
    TRUE },
  { "needs re-authorization after an expiry lead", NEEDS_REAUTH, 0, 0, 7 * DAY, -5 * DAY, TRUE,
    REAUTH, NONE, TRUE },
  { "needs re-authorization, no expiry", NEEDS_REAUTH, NONE, 0, NONE, 0, TRUE, REAUTH, NONE, TRUE },
  { "needs re-authorization: once only", NEEDS_REAUTH, 0, 0, REAUTH, -5 * DAY, FALSE, 0, NONE,
    FALSE },
  { "needs re-authorization: once only, past the expiry", NEEDS_REAUTH, 0, 0, REAUTH, 5 * DAY,
    FALSE, 0, NONE, FALSE },
  { "re-authorized: the episode is forgotten", CONNECTED, 0, 0, REAUTH, -100 * DAY, FALSE, 0,
    -30 * DAY, TRUE },
  { "re-authorized inside a lead", CONNECTED, 0, 0, REAUTH, -3 * DAY, TRUE, 7 * DAY, -1 * DAY,
    TRUE },
  { "disconnected after re-authorization was asked", NOT_CONNECTED, 0, 0, REAUTH, -3 * DAY, FALSE,
    0, NONE, TRUE },
};

static void
test_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      const Row *row = &rows[i];
      gint64 expires_at = row->expires_offset == NONE ? 0 : EXPIRY + row->expires_offset;
      gint64 now = EXPIRY + row->now_offset;
      RelinkReminderState last = { 0 };
      RelinkReminderPlan plan;

      g_test_message ("row %u: %s", i, row->what);

      if (row->last_lead != NONE)
        {
          last.expires_at = EXPIRY + row->last_expires_offset;
          last.lead = row->last_lead;
          last.given_at = EXPIRY - 400 * DAY;
        }

      schedule (row->status, expires_at, &last, now, &plan);

      g_assert_cmpint (plan.due, ==, row->due);
      g_assert_cmpint (plan.save, ==, row->save);
      if (row->due)
        {
          g_assert_cmpint (plan.reminder.lead, ==, row->due_lead);
          g_assert_cmpint (plan.reminder.expires_at, ==, expires_at);
          g_assert_cmpint (plan.reminder.given_at, ==, now);
        }
      else if (row->save)
        {
          /* Only the end of a re-authorisation episode saves without a
           * reminder: it clears the record. */
          g_assert_cmpint (plan.reminder.expires_at, ==, 0);
          g_assert_cmpint (plan.reminder.lead, ==, 0);
          g_assert_cmpint (plan.reminder.given_at, ==, 0);
        }
      g_assert_cmpint (plan.next_deadline, ==,
                       row->next_offset == NONE ? NEVER : EXPIRY + row->next_offset);

      /* NULL and a cleared record both mean "nothing given". */
      if (row->last_lead == NONE)
        {
          RelinkReminderPlan without;

          schedule (row->status, expires_at, NULL, now, &without);
          g_assert_cmpmem (&without, sizeof without, &plan, sizeof plan);
        }
    }
}

/* Needs re-authorisation: once; a second episode after the first cleared
 * is announced again; and the app never polls meanwhile (no deadline). */
static void
test_reauth_episodes (void)
{
  RelinkReminderState stored = { 0 };
  RelinkReminderPlan plan;
  gint64 now = EXPIRY - 100 * DAY;

  schedule (NEEDS_REAUTH, EXPIRY, &stored, now, &plan);
  g_assert_true (plan.due);
  g_assert_cmpint (plan.reminder.lead, ==, REAUTH);
  g_assert_cmpint (plan.next_deadline, ==, NEVER);
  stored = plan.reminder;

  for (gint64 later = now; later < EXPIRY + 10 * DAY; later += 6 * HOUR)
    {
      schedule (NEEDS_REAUTH, EXPIRY, &stored, later, &plan);
      g_assert_false (plan.due);
      g_assert_false (plan.save);
      g_assert_cmpint (plan.next_deadline, ==, NEVER);
    }

  /* Signed in again; same expiry (a marketplace that reports none new). */
  now += DAY;
  schedule (CONNECTED, EXPIRY, &stored, now, &plan);
  g_assert_false (plan.due);
  g_assert_true (plan.save);
  g_assert_cmpint (plan.next_deadline, ==, EXPIRY - 30 * DAY);
  stored = plan.reminder;

  schedule (CONNECTED, EXPIRY, &stored, now, &plan);
  g_assert_false (plan.save);

  now += DAY;
  schedule (NEEDS_REAUTH, EXPIRY, &stored, now, &plan);
  g_assert_true (plan.due);
  g_assert_cmpint (plan.reminder.lead, ==, REAUTH);
}

/* Leads in any order, with duplicates, negatives and without 0. */
static void
test_odd_leads (void)
{
  static const gint64 odd[] = { 1 * DAY, -5, 14 * DAY, 1 * DAY };
  RelinkReminderPlan plan;
  RelinkReminderState given = { 0 };

  relink_reminder_schedule (EXPIRY, CONNECTED, odd, G_N_ELEMENTS (odd), NULL, EXPIRY - 20 * DAY,
                            &plan);
  g_assert_false (plan.due);
  g_assert_cmpint (plan.next_deadline, ==, EXPIRY - 14 * DAY);

  relink_reminder_schedule (EXPIRY, CONNECTED, odd, G_N_ELEMENTS (odd), NULL, EXPIRY - 2 * DAY,
                            &plan);
  g_assert_true (plan.due);
  g_assert_cmpint (plan.reminder.lead, ==, 14 * DAY);
  given = plan.reminder;

  relink_reminder_schedule (EXPIRY, CONNECTED, odd, G_N_ELEMENTS (odd), &given, EXPIRY - 2 * DAY,
                            &plan);
  g_assert_false (plan.due);
  g_assert_cmpint (plan.next_deadline, ==, EXPIRY - 1 * DAY);

  /* The expiry reminds although 0 is not among the leads. */
  given.lead = 1 * DAY;
  relink_reminder_schedule (EXPIRY, CONNECTED, odd, G_N_ELEMENTS (odd), &given, EXPIRY - HOUR,
                            &plan);
  g_assert_false (plan.due);
  g_assert_cmpint (plan.next_deadline, ==, EXPIRY);

  relink_reminder_schedule (EXPIRY, CONNECTED, NULL, 0, NULL, EXPIRY + 1, &plan);
  g_assert_true (plan.due);
  g_assert_cmpint (plan.reminder.lead, ==, 0);

  /* A lead longer than the epoch is old saturates instead of wrapping. */
  {
    static const gint64 huge[] = { G_MAXINT64, 0 };

    relink_reminder_schedule (EXPIRY, CONNECTED, huge, G_N_ELEMENTS (huge), NULL, EXPIRY - DAY,
                              &plan);
    g_assert_true (plan.due);
    g_assert_cmpint (plan.reminder.lead, ==, G_MAXINT64);
    g_assert_cmpint (plan.next_deadline, ==, EXPIRY);
  }
}

static RelinkAccount *
make_account (const char *id, RelinkAccountStatus status, gint64 expires_at)
{
  RelinkAccount *account = relink_account_new (id);

  relink_account_set_status (account, status);
  relink_account_set_refresh_expires_at (account, expires_at);
  /* Not what the reminders count to. */
  relink_account_set_access_expires_at (account, EXPIRY - 300 * DAY);
  return account;
}

static RelinkKeyset *
make_keyset (const char *id, gint64 secret_expires_at, gboolean invalid)
{
  RelinkKeyset *keyset = relink_keyset_new (id);

  relink_keyset_set_secret_expires_at (keyset, secret_expires_at);
  relink_keyset_set_invalid (keyset, invalid);
  return keyset;
}

static void
test_objects (void)
{
  g_autoptr (RelinkAccount) account = make_account ("a", CONNECTED, EXPIRY);
  g_autoptr (RelinkKeyset) keyset = make_keyset ("k", EXPIRY, FALSE);
  const gint64 *keyset_leads;
  gsize n_keyset_leads;
  RelinkReminderPlan plan;

  keyset_leads = relink_reminder_default_leads (RELINK_REMINDER_SUBJECT_KEYSET, &n_keyset_leads);

  relink_reminder_schedule_account (account, leads, G_N_ELEMENTS (leads), NULL, EXPIRY - 8 * DAY,
                                    &plan);
  g_assert_true (plan.due);
  g_assert_cmpint (plan.reminder.lead, ==, 30 * DAY);
  g_assert_cmpint (plan.reminder.expires_at, ==, EXPIRY);

  relink_account_set_status (account, NEEDS_REAUTH);
  relink_reminder_schedule_account (account, leads, G_N_ELEMENTS (leads), NULL, EXPIRY - 8 * DAY,
                                    &plan);
  g_assert_cmpint (plan.reminder.lead, ==, REAUTH);

  /* Amazon warns of a client secret 90 days ahead. */
  relink_reminder_schedule_keyset (keyset, keyset_leads, n_keyset_leads, NULL, EXPIRY - 100 * DAY,
                                   &plan);
  g_assert_false (plan.due);
  g_assert_cmpint (plan.next_deadline, ==, EXPIRY - 90 * DAY);

  relink_reminder_schedule_keyset (keyset, keyset_leads, n_keyset_leads, NULL, EXPIRY - 60 * DAY,
                                   &plan);
  g_assert_true (plan.due);
  g_assert_cmpint (plan.reminder.lead, ==, 90 * DAY);

  /* invalid_client: the keys need fixing, at once. */
  relink_keyset_set_invalid (keyset, TRUE);
  relink_reminder_schedule_keyset (keyset, keyset_leads, n_keyset_leads, NULL, EXPIRY - 100 * DAY,
                                   &plan);
  g_assert_true (plan.due);
  g_assert_cmpint (plan.reminder.lead, ==, REAUTH);

  relink_keyset_set_invalid (keyset, FALSE);
  relink_keyset_set_secret_expires_at (keyset, 0);
  relink_reminder_schedule_keyset (keyset, keyset_leads, n_keyset_leads, NULL, EXPIRY, &plan);
  g_assert_false (plan.due);
  g_assert_cmpint (plan.next_deadline, ==, NEVER);
}

static RelinkReminderState *
given_state (gint64 expires_at, gint64 lead)
{
  RelinkReminderState *state = g_new0 (RelinkReminderState, 1);

  state->expires_at = expires_at;
  state->lead = lead;
  state->given_at = 1;
  return state;
}

static void
test_earliest_deadline (void)
{
  g_autoptr (GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) keysets = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GHashTable) given = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const gint64 *keyset_leads;
  gsize n_keyset_leads;
  gint64 now = EXPIRY;

  keyset_leads = relink_reminder_default_leads (RELINK_REMINDER_SUBJECT_KEYSET, &n_keyset_leads);

#define EARLIEST()                                                                                 \
  relink_reminder_earliest_deadline (accounts, leads, G_N_ELEMENTS (leads), keysets, keyset_leads, \
                                     n_keyset_leads, given, now)

  g_assert_cmpint (EARLIEST (), ==, NEVER);
  g_assert_cmpint (relink_reminder_earliest_deadline (NULL, NULL, 0, NULL, NULL, 0, NULL, now), ==,
                   NEVER);

  /* Many accounts whose next lead is 20 days or more away... */
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *id = g_strdup_printf ("far-%u", i);

      g_ptr_array_add (accounts, make_account (id, CONNECTED, now + 50 * DAY + i * HOUR));
    }
  g_assert_cmpint (EARLIEST (), ==, now + 20 * DAY);

  /* ...and ones that must not count: not connected or no expiry ahead,
   * re-authorisation already asked for, everything already given. */
  g_ptr_array_add (accounts, make_account ("not-connected", NOT_CONNECTED, now + HOUR));
  g_ptr_array_add (accounts, make_account ("no-expiry", CONNECTED, 0));
  g_ptr_array_add (accounts, make_account ("reauth", NEEDS_REAUTH, now + HOUR));
  g_hash_table_insert (given, g_strdup ("reauth"), given_state (now + HOUR, REAUTH));
  g_ptr_array_add (accounts, make_account ("expired", CONNECTED, now - 3 * DAY));
  g_hash_table_insert (given, g_strdup ("expired"), given_state (now - 3 * DAY, 0));
  g_assert_cmpint (EARLIEST (), ==, now + 20 * DAY);

  /* A keyset's client secret with 95 days left: its 90 days lead. */
  g_ptr_array_add (keysets, make_keyset ("keys", now + 95 * DAY, FALSE));
  g_assert_cmpint (EARLIEST (), ==, now + 5 * DAY);

  /* An account 8 days from expiry whose 30 days reminder was given. */
  g_ptr_array_insert (accounts, 17, make_account ("soon", CONNECTED, now + 8 * DAY));
  g_hash_table_insert (given, g_strdup ("soon"), given_state (now + 8 * DAY, 30 * DAY));
  g_assert_cmpint (EARLIEST (), ==, now + 1 * DAY);

  /* Not given yet: due now, so the timer fires at once. */
  g_hash_table_remove (given, "soon");
  g_assert_cmpint (EARLIEST (), ==, now);
  g_hash_table_insert (given, g_strdup ("soon"), given_state (now + 8 * DAY, 30 * DAY));

  /* A keyset that was refused and not yet announced. */
  g_ptr_array_add (keysets, make_keyset ("refused", 0, TRUE));
  g_assert_cmpint (EARLIEST (), ==, now);
  g_hash_table_insert (given, g_strdup ("refused"), given_state (0, REAUTH));
  g_assert_cmpint (EARLIEST (), ==, now + 1 * DAY);

#undef EARLIEST

  g_assert_cmpint (relink_reminder_deadline_to_usec (NEVER), ==, G_MAXINT64);
  g_assert_cmpint (relink_reminder_deadline_to_usec (EXPIRY), ==, EXPIRY * G_USEC_PER_SEC);
}

typedef struct
{
  RelinkReminderSubject subject;
  const char *provider_name;
  const char *name;
  gint64 lead;
  gint64 now_offset; /* from EXPIRY */
  const char *title;
  const char *body;
} TextRow;

static void
test_texts (void)
{
#define ACCOUNT RELINK_REMINDER_SUBJECT_ACCOUNT
#define KEYSET RELINK_REMINDER_SUBJECT_KEYSET
#define SIGN_IN_BEFORE "Sign in again before 15 January 2027 to keep the connection working."
#define NEW_SECRET_BEFORE                                                                          \
  "Create a new client secret in the marketplace’s developer console and enter it in Relink "    \
  "before 15 January 2027."
  static const TextRow text_rows[] = {
    { ACCOUNT, "eBay", "shop_a", 30 * DAY, -30 * DAY, "eBay · shop_a expires in 30 days",
      SIGN_IN_BEFORE },
    { ACCOUNT, "eBay", "shop_a", 7 * DAY, -7 * DAY, "eBay · shop_a expires in 7 days",
      SIGN_IN_BEFORE },
    /* The timer fires a moment late: still the lead. */
    { ACCOUNT, "eBay", "shop_a", 7 * DAY, -7 * DAY + 2, "eBay · shop_a expires in 7 days",
      SIGN_IN_BEFORE },
    /* Shown late (after a suspend): the time actually left. */
    { ACCOUNT, "eBay", "shop_a", 7 * DAY, -5 * DAY - 3 * HOUR, "eBay · shop_a expires in 5 days",
      SIGN_IN_BEFORE },
    { ACCOUNT, "eBay", "shop_a", 1 * DAY, -1 * DAY, "eBay · shop_a expires in 1 day",
      SIGN_IN_BEFORE },
    { ACCOUNT, "eBay", "shop_a", 1 * DAY, -5 * HOUR - 10 * MINUTE, "eBay · shop_a expires in 5 h",
      SIGN_IN_BEFORE },
    { ACCOUNT, "eBay", "shop_a", 1 * DAY, -12 * MINUTE, "eBay · shop_a expires in 12 min",
      SIGN_IN_BEFORE },
    { ACCOUNT, "eBay", "shop_a", 1 * DAY, -30, "eBay · shop_a expires in less than a minute",
      SIGN_IN_BEFORE },
    { ACCOUNT, "eBay", "shop_a", 0, 0, "eBay · shop_a has expired",
      "The connection lapsed on 15 January 2027. Sign in again to restore it." },
    { ACCOUNT, "eBay", "shop_a", 0, 3 * DAY, "eBay · shop_a has expired",
      "The connection lapsed on 15 January 2027. Sign in again to restore it." },
    { ACCOUNT, "eBay", "shop_a", REAUTH, -100 * DAY, "eBay · shop_a needs you to sign in again",
      "The marketplace no longer accepts the saved authorization. Sign in again to restore the "
      "connection." },
    { ACCOUNT, NULL, "Main shop", 7 * DAY, -7 * DAY, "Main shop expires in 7 days",
      SIGN_IN_BEFORE },
    { KEYSET, NULL, "Amazon · Europe", 90 * DAY, -90 * DAY,
      "The client secret of Amazon · Europe expires in 90 days", NEW_SECRET_BEFORE },
    { KEYSET, NULL, "Amazon · Europe", 1 * DAY, -1 * DAY,
      "The client secret of Amazon · Europe expires in 1 day", NEW_SECRET_BEFORE },
    { KEYSET, NULL, "Amazon · Europe", 1 * DAY, -2 * HOUR,
      "The client secret of Amazon · Europe expires in 2 h", NEW_SECRET_BEFORE },
    { KEYSET, NULL, "Amazon · Europe", 0, 10, "The client secret of Amazon · Europe has expired",
      "It expired on 15 January 2027. Create a new client secret in the marketplace’s developer "
      "console and enter it in Relink." },
    { KEYSET, NULL, "Agency keys", REAUTH, -10 * DAY,
      "The marketplace refused the keys of Agency keys",
      "Check the client id and client secret, or create a new client secret in the marketplace’s "
      "developer console." },
  };
#undef ACCOUNT
#undef KEYSET
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();

  for (guint i = 0; i < G_N_ELEMENTS (text_rows); i++)
    {
      const TextRow *row = &text_rows[i];
      RelinkReminderState reminder = { EXPIRY, row->lead, EXPIRY + row->now_offset };
      g_autofree char *title = NULL;
      g_autofree char *body = NULL;

      g_test_message ("row %u", i);
      relink_reminder_format (row->subject, row->provider_name, row->name, &reminder,
                              EXPIRY + row->now_offset, utc, &title, &body);
      g_assert_cmpstr (title, ==, row->title);
      g_assert_cmpstr (body, ==, row->body);
    }
}

/* The planned reminder survives a restart: given, saved, the store
 * reopened (a new process), asked again at the same or a later moment
 * before the next lead: nothing. */
static void
test_restart (void)
{
  g_autofree char *dir = relink_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "relink.db", NULL);
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (RelinkAccount) account = make_account ("acct", CONNECTED, EXPIRY);
  g_autoptr (GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GHashTable) all = NULL;
  g_autoptr (GError) error = NULL;
  RelinkReminderState stored;
  RelinkReminderPlan plan;
  gint64 now = EXPIRY - 6 * DAY;

  store = relink_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (relink_store_save_account (store, account, &error));
  g_assert_no_error (error);

  g_assert_true (relink_store_load_reminder (store, "acct", &stored, &error));
  g_assert_no_error (error);
  relink_reminder_schedule_account (account, leads, G_N_ELEMENTS (leads), &stored, now, &plan);
  g_assert_true (plan.due);
  g_assert_cmpint (plan.reminder.lead, ==, 7 * DAY);
  g_assert_true (relink_store_save_reminder (store, "acct", &plan.reminder, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  store = relink_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (relink_store_load_reminder (store, "acct", &stored, &error));
  g_assert_no_error (error);
  relink_reminder_schedule_account (account, leads, G_N_ELEMENTS (leads), &stored, now + HOUR,
                                    &plan);
  g_assert_false (plan.due);
  g_assert_cmpint (plan.next_deadline, ==, EXPIRY - DAY);

  /* The app's start: every row at once, for the one timer. */
  all = relink_store_load_reminders (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (all), ==, 1);
  g_ptr_array_add (accounts, g_object_ref (account));
  g_assert_cmpint (relink_reminder_earliest_deadline (accounts, leads, G_N_ELEMENTS (leads), NULL,
                                                      NULL, 0, all, now),
                   ==, EXPIRY - DAY);
  g_assert_cmpint (relink_reminder_earliest_deadline (accounts, leads, G_N_ELEMENTS (leads), NULL,
                                                      NULL, 0, NULL, now),
                   ==, now);

  g_clear_object (&store);
  relink_test_remove_dir (dir);
}

int
main (int argc, char *argv[])
{
  /* The expected texts are the untranslated English ones. */
  g_setenv ("LANGUAGE", "C", TRUE);
  g_setenv ("LC_ALL", "C", TRUE);
  setlocale (LC_ALL, "");

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/reminder-schedule/leads-from-days", test_leads_from_days);
  g_test_add_func ("/reminder-schedule/walk", test_walk);
  g_test_add_func ("/reminder-schedule/table", test_table);
  g_test_add_func ("/reminder-schedule/reauth-episodes", test_reauth_episodes);
  g_test_add_func ("/reminder-schedule/odd-leads", test_odd_leads);
  g_test_add_func ("/reminder-schedule/objects", test_objects);
  g_test_add_func ("/reminder-schedule/earliest-deadline", test_earliest_deadline);
  g_test_add_func ("/reminder-schedule/texts", test_texts);
  g_test_add_func ("/reminder-schedule/restart", test_restart);

  return g_test_run ();
}
