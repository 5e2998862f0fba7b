/* relink-reminder-schedule.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "relink-account.h"
#include "relink-expiry.h"
#include "relink-keyset.h"

G_BEGIN_DECLS

#define RELINK_REMINDER_DAY G_GINT64_CONSTANT (86400)

/* The lead of the reminder that an account needs to sign in again (or a
 * keyset's keys were refused); every other lead is >= 0 seconds before
 * the expiry, 0 being the expiry itself. */
#define RELINK_REMINDER_LEAD_REAUTH G_GINT64_CONSTANT (-1)

/* An expiry that moves later by more than this is a renewal and starts the
 * reminders afresh; smaller moves are jitter from recomputed lifetimes. */
#define RELINK_REMINDER_RENEWAL_SLACK G_GINT64_CONSTANT (60)

/* A reminder, as given (persisted per account or keyset id) or as due.
 * All zero ("cleared") means that no reminder was given. */
typedef struct
{
  gint64 expires_at; /* the expiry it was about, UTC unix seconds */
  gint64 lead;       /* seconds before @expires_at, or RELINK_REMINDER_LEAD_REAUTH */
  gint64 given_at;   /* when it was given; in a plan, the moment it fell due */
} RelinkReminderState;

/* What to do for one account or keyset at one moment. */
typedef struct
{
  /* A reminder to show now: @reminder. */
  gboolean due;
  /* Store @reminder when TRUE (after showing it, when @due). Also TRUE
   * without @due when a past re-authorisation episode is over: @reminder
   * is then cleared, so that the next episode is announced again. */
  gboolean save;
  RelinkReminderState reminder;
  /* The next moment after @now at which a reminder falls due, assuming
   * the due one is given; RELINK_EXPIRY_NEVER when none. */
  gint64 next_deadline;
} RelinkReminderPlan;

/* Whom a reminder speaks about: the texts differ. */
typedef enum
{
  RELINK_REMINDER_SUBJECT_ACCOUNT, /* the seller's authorisation (refresh_expires_at) */
  RELINK_REMINDER_SUBJECT_KEYSET   /* the keyset's client secret (secret_expires_at) */
} RelinkReminderSubject;

void relink_reminder_state_clear (RelinkReminderState *state);

/* The default leads in seconds, most distant first, ending with 0 (the
 * expiry): 30, 7, 1 days for accounts; 90, 30, 7, 1 days for keysets
 * (Amazon warns of a client secret 90 days ahead). */
const gint64 *relink_reminder_default_leads (RelinkReminderSubject subject, gsize *n_leads);

/* Leads in seconds from the "reminder-lead-days" setting (type "au", read
 * with g_variant_get_fixed_array()): sorted most distant first, duplicates
 * dropped, 0 (the expiry) always added. Free with g_array_unref(). */
GArray *relink_reminder_leads_from_days (const guint32 *days, gsize n_days);

/* The pure scheduling rule; every moment is UTC unix seconds passed in.
 *
 * @leads: seconds before @expires_at, any order; negative values are
 * ignored and the expiry itself (0) is always a reminder moment.
 * @last: the reminder last given for this account, or NULL / cleared.
 *
 *  - NOT_CONNECTED: no reminder.
 *  - NEEDS_REAUTH: one reminder at once (lead RELINK_REMINDER_LEAD_REAUTH),
 *    then none until the status has cleared and comes back; no expiry
 *    reminders meanwhile (signing in again is the one thing to do).
 *  - CONNECTED and ERROR with an expiry: the due reminder is the most
 *    urgent lead already reached (the smallest lead >= expires_at - now),
 *    unless a lead that urgent was already given for this expiry. So after
 *    a suspend across several leads only the latest fires, and a clock
 *    set back never repeats a given lead. An expiry later than @last's by
 *    more than RELINK_REMINDER_RENEWAL_SLACK is a renewal: the reminders
 *    start afresh. */
void relink_reminder_schedule (gint64 expires_at,
                               RelinkAccountStatus status,
                               const gint64 *leads,
                               gsize n_leads,
                               const RelinkReminderState *last,
                               gint64 now,
                               RelinkReminderPlan *plan);

/* relink_reminder_schedule() on the grant's refresh_expires_at and status
 * (@account is any grant, HACKING.md "Grant"), with the leads of
 * relink_grant_reminder_leads(): an eBay Auth'n'Auth grant also gets a
 * reminder when eBay starts its HardExpirationWarning, 7 days ahead. */
void relink_reminder_schedule_account (RelinkAccount *account,
                                       const gint64 *leads,
                                       gsize n_leads,
                                       const RelinkReminderState *last,
                                       gint64 now,
                                       RelinkReminderPlan *plan);

/* relink_reminder_schedule() on the keyset's secret_expires_at; a keyset
 * the marketplace refused (invalid_client) counts as NEEDS_REAUTH. */
void relink_reminder_schedule_keyset (RelinkKeyset *keyset,
                                      const gint64 *leads,
                                      gsize n_leads,
                                      const RelinkReminderState *last,
                                      gint64 now,
                                      RelinkReminderPlan *plan);

/* The moment the single wall-clock timer should fire for all of @accounts
 * (RelinkAccount) and @keysets (RelinkKeyset), either may be NULL: the
 * earliest next deadline, @now when a reminder is due and not yet given,
 * RELINK_EXPIRY_NEVER when nothing is ahead. @given maps an account or
 * keyset id to its RelinkReminderState (missing: none given), may be NULL. */
gint64 relink_reminder_earliest_deadline (GPtrArray *accounts,
                                          const gint64 *account_leads,
                                          gsize n_account_leads,
                                          GPtrArray *keysets,
                                          const gint64 *keyset_leads,
                                          gsize n_keyset_leads,
                                          GHashTable *given,
                                          gint64 now);

/* A deadline in seconds as relink_wall_timer_source_set_deadline() takes
 * it: microseconds, RELINK_EXPIRY_NEVER staying G_MAXINT64 (disarmed). */
gint64 relink_reminder_deadline_to_usec (gint64 deadline);

/* The notification for @reminder (as planned, or as given), translated:
 * title "eBay · shop_a expires in 7 days", "eBay · shop_a has expired",
 * "eBay · shop_a needs you to sign in again", and a body with the date and
 * what to do. @provider_name may be NULL (a keyset's display name already
 * names its marketplace); @name is the account's or keyset's display name.
 * The time left is counted from @now in whole 24-hour days, then hours and
 * minutes, rounded down; a reminder shown within a minute of its lead
 * moment states the lead itself. @tz is the zone of the date (NULL: local). */
void relink_reminder_format (RelinkReminderSubject subject,
                             const char *provider_name,
                             const char *name,
                             const RelinkReminderState *reminder,
                             gint64 now,
                             GTimeZone *tz,
                             char **title,
                             char **body);

G_END_DECLS
