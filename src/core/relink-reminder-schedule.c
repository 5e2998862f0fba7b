/* relink-reminder-schedule.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-grant.h"
#include "relink-reminder-schedule.h"

/* A reminder shown this soon after its lead moment states the lead ("in 7
 * days") rather than the time left, which the timer's dispatch delay has
 * already shortened by a second or so. */
#define ON_TIME_SLACK 60

static const gint64 default_account_leads[]
    = { 30 * RELINK_REMINDER_DAY, 7 * RELINK_REMINDER_DAY, 1 * RELINK_REMINDER_DAY, 0 };

static const gint64 default_keyset_leads[]
    = { 90 * RELINK_REMINDER_DAY, 30 * RELINK_REMINDER_DAY, 7 * RELINK_REMINDER_DAY,
        1 * RELINK_REMINDER_DAY, 0 };

void
relink_reminder_state_clear (RelinkReminderState *state)
{
  g_return_if_fail (state != NULL);

  *state = (RelinkReminderState){ 0 };
}

const gint64 *
relink_reminder_default_leads (RelinkReminderSubject subject, gsize *n_leads)
{
  g_return_val_if_fail (n_leads != NULL, NULL);

  switch (subject)
    {
      case RELINK_REMINDER_SUBJECT_KEYSET:
        *n_leads = G_N_ELEMENTS (default_keyset_leads);
        return default_keyset_leads;

      case RELINK_REMINDER_SUBJECT_ACCOUNT:
      default:
        *n_leads = G_N_ELEMENTS (default_account_leads);
        return default_account_leads;
    }
}

static int
compare_leads_descending (gconstpointer a, gconstpointer b)
{
  gint64 lead_a = *(const gint64 *) a;
  gint64 lead_b = *(const gint64 *) b;

  return (lead_a < lead_b) - (lead_a > lead_b);
}

GArray *
relink_reminder_leads_from_days (const guint32 *days, gsize n_days)
{
  GArray *leads = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_days + 1);
  gint64 expiry = 0;
  guint kept = 0;

  g_return_val_if_fail (days != NULL || n_days == 0, leads);

  for (gsize i = 0; i < n_days; i++)
    {
      gint64 lead = (gint64) days[i] * RELINK_REMINDER_DAY;

      g_array_append_val (leads, lead);
    }
  g_array_append_val (leads, expiry);

  g_array_sort (leads, compare_leads_descending);

  for (guint i = 0; i < leads->len; i++)
    {
      if (kept > 0 && g_array_index (leads, gint64, kept - 1) == g_array_index (leads, gint64, i))
        continue;
      g_array_index (leads, gint64, kept++) = g_array_index (leads, gint64, i);
    }
  g_array_set_size (leads, kept);

  return leads;
}

/* @expires_at - @lead for @lead >= 0, saturating instead of overflowing
 * (a bogus expiry from a hand-edited file must not wrap around). */
static gint64
lead_moment (gint64 expires_at, gint64 lead)
{
  if (expires_at < G_MININT64 + lead)
    return G_MININT64;

  return expires_at - lead;
}

/* Whether @last was given about the expiry @expires_at rather than an
 * earlier one that has since been renewed. A moment that moved earlier
 * keeps what was given: the seller has been told already. */
static gboolean
given_for_expiry (const RelinkReminderState *last, gint64 expires_at)
{
  if (last->expires_at == 0 || last->lead < 0)
    return FALSE;

  if (expires_at > last->expires_at
      && expires_at - last->expires_at > RELINK_REMINDER_RENEWAL_SLACK)
    return FALSE;

  return TRUE;
}

void
relink_reminder_schedule (gint64 expires_at,
                          RelinkAccountStatus status,
                          const gint64 *leads,
                          gsize n_leads,
                          const RelinkReminderState *last,
                          gint64 now,
                          RelinkReminderPlan *plan)
{
  RelinkReminderState none = { 0 };
  gboolean reauth_given;
  gboolean given;
  gboolean have_due = FALSE;
  gint64 due_lead = 0;

  g_return_if_fail (leads != NULL || n_leads == 0);
  g_return_if_fail (plan != NULL);

  *plan = (RelinkReminderPlan){ 0 };
  plan->next_deadline = RELINK_EXPIRY_NEVER;

  if (last == NULL)
    last = &none;

  reauth_given = last->lead == RELINK_REMINDER_LEAD_REAUTH;

  if (status == RELINK_ACCOUNT_STATUS_NEEDS_REAUTH)
    {
      /* The state change itself is the event: the app looks again when the
       * status changes, so no deadline follows. */
      if (!reauth_given)
        {
          plan->due = TRUE;
          plan->save = TRUE;
          plan->reminder.expires_at = expires_at;
          plan->reminder.lead = RELINK_REMINDER_LEAD_REAUTH;
          plan->reminder.given_at = now;
        }
      return;
    }

  /* The episode is over: forget it, so that the next one is announced. The
   * expiry reminders given before it are forgotten too; at most the latest
   * one reached comes again, once. */
  if (reauth_given)
    {
      plan->save = TRUE;
      last = &none;
    }

  if (status == RELINK_ACCOUNT_STATUS_NOT_CONNECTED || expires_at == 0)
    return;

  given = given_for_expiry (last, expires_at);

  /* The expiry itself (lead 0) is always a reminder moment; it is looked at
   * after the configured leads. */
  for (gsize i = 0; i <= n_leads; i++)
    {
      gint64 lead = i < n_leads ? leads[i] : 0;
      gint64 moment;

      if (lead < 0)
        continue;
      if (given && lead >= last->lead)
        continue;

      moment = lead_moment (expires_at, lead);
      if (moment <= now)
        {
          /* Reached: only the most urgent one counts, the others are stale. */
          if (!have_due || lead < due_lead)
            {
              have_due = TRUE;
              due_lead = lead;
            }
        }
      else
        {
          plan->next_deadline = MIN (plan->next_deadline, moment);
        }
    }

  if (have_due)
    {
      plan->due = TRUE;
      plan->save = TRUE;
      plan->reminder.expires_at = expires_at;
      plan->reminder.lead = due_lead;
      plan->reminder.given_at = now;
    }
}

void
relink_reminder_schedule_account (RelinkAccount *account,
                                  const gint64 *leads,
                                  gsize n_leads,
                                  const RelinkReminderState *last,
                                  gint64 now,
                                  RelinkReminderPlan *plan)
{
  g_autoptr (GArray) grant_leads = NULL;

  g_return_if_fail (RELINK_IS_ACCOUNT (account));

  /* Per grant: an Auth'n'Auth token always gets eBay's warning moment. */
  grant_leads = relink_grant_reminder_leads (account, leads, n_leads);
  relink_reminder_schedule (relink_account_get_refresh_expires_at (account),
                            relink_account_get_status (account), (const gint64 *) grant_leads->data,
                            grant_leads->len, last, now, plan);
}

void
relink_reminder_schedule_keyset (RelinkKeyset *keyset,
                                 const gint64 *leads,
                                 gsize n_leads,
                                 const RelinkReminderState *last,
                                 gint64 now,
                                 RelinkReminderPlan *plan)
{
  RelinkAccountStatus status;

  g_return_if_fail (RELINK_IS_KEYSET (keyset));

  status = relink_keyset_get_invalid (keyset) ? RELINK_ACCOUNT_STATUS_NEEDS_REAUTH
                                              : RELINK_ACCOUNT_STATUS_CONNECTED;

  relink_reminder_schedule (relink_keyset_get_secret_expires_at (keyset), status, leads, n_leads,
                            last, now, plan);
}

gint64
relink_reminder_earliest_deadline (GPtrArray *accounts,
                                   const gint64 *account_leads,
                                   gsize n_account_leads,
                                   GPtrArray *keysets,
                                   const gint64 *keyset_leads,
                                   gsize n_keyset_leads,
                                   GHashTable *given,
                                   gint64 now)
{
  gint64 earliest = RELINK_EXPIRY_NEVER;

  for (guint i = 0; accounts != NULL && i < accounts->len; i++)
    {
      RelinkAccount *account = g_ptr_array_index (accounts, i);
      const RelinkReminderState *last = NULL;
      RelinkReminderPlan plan;

      if (given != NULL)
        last = g_hash_table_lookup (given, relink_account_get_id (account));

      relink_reminder_schedule_account (account, account_leads, n_account_leads, last, now, &plan);
      if (plan.due)
        return now;
      earliest = MIN (earliest, plan.next_deadline);
    }

  for (guint i = 0; keysets != NULL && i < keysets->len; i++)
    {
      RelinkKeyset *keyset = g_ptr_array_index (keysets, i);
      const RelinkReminderState *last = NULL;
      RelinkReminderPlan plan;

      if (given != NULL)
        last = g_hash_table_lookup (given, relink_keyset_get_id (keyset));

      relink_reminder_schedule_keyset (keyset, keyset_leads, n_keyset_leads, last, now, &plan);
      if (plan.due)
        return now;
      earliest = MIN (earliest, plan.next_deadline);
    }

  return earliest;
}

gint64
relink_reminder_deadline_to_usec (gint64 deadline)
{
  if (deadline >= G_MAXINT64 / G_USEC_PER_SEC)
    return G_MAXINT64;
  if (deadline <= G_MININT64 / G_USEC_PER_SEC)
    return G_MININT64;

  return deadline * G_USEC_PER_SEC;
}

/* The title for a reminder ahead of the expiry, @left > 0 seconds. */
static char *
format_ahead_title (RelinkReminderSubject subject, const char *label, gint64 left)
{
  int days = (int) MIN (left / RELINK_REMINDER_DAY, G_MAXINT);
  int hours = (int) MIN (left / 3600, G_MAXINT);
  int minutes = (int) MIN (left / 60, G_MAXINT);

  if (subject == RELINK_REMINDER_SUBJECT_KEYSET)
    {
      if (days >= 1)
        /* Translators: %s is a keyset, e.g. "eBay · Production". */
        return g_strdup_printf (ngettext ("The client secret of %s expires in %d day",
                                          "The client secret of %s expires in %d days", days),
                                label, days);
      if (hours >= 1)
        /* Translators: %s is a keyset, e.g. "eBay · Production"; "h" is the
         * abbreviation for hours. */
        return g_strdup_printf (ngettext ("The client secret of %s expires in %d h",
                                          "The client secret of %s expires in %d h", hours),
                                label, hours);
      if (minutes >= 1)
        /* Translators: %s is a keyset, e.g. "eBay · Production"; "min" is the
         * abbreviation for minutes. */
        return g_strdup_printf (ngettext ("The client secret of %s expires in %d min",
                                          "The client secret of %s expires in %d min", minutes),
                                label, minutes);
      /* Translators: %s is a keyset, e.g. "eBay · Production". */
      return g_strdup_printf (_ ("The client secret of %s expires in less than a minute"), label);
    }

  if (days >= 1)
    /* Translators: %s is an account, e.g. "eBay · shop_a". */
    return g_strdup_printf (ngettext ("%s expires in %d day", "%s expires in %d days", days), label,
                            days);
  if (hours >= 1)
    /* Translators: %s is an account, e.g. "eBay · shop_a"; "h" is the
     * abbreviation for hours. */
    return g_strdup_printf (ngettext ("%s expires in %d h", "%s expires in %d h", hours), label,
                            hours);
  if (minutes >= 1)
    /* Translators: %s is an account, e.g. "eBay · shop_a"; "min" is the
     * abbreviation for minutes. */
    return g_strdup_printf (ngettext ("%s expires in %d min", "%s expires in %d min", minutes),
                            label, minutes);
  /* Translators: %s is an account, e.g. "eBay · shop_a". */
  return g_strdup_printf (_ ("%s expires in less than a minute"), label);
}

void
relink_reminder_format (RelinkReminderSubject subject,
                        const char *provider_name,
                        const char *name,
                        const RelinkReminderState *reminder,
                        gint64 now,
                        GTimeZone *tz,
                        char **title,
                        char **body)
{
  gboolean keyset = subject == RELINK_REMINDER_SUBJECT_KEYSET;
  g_autofree char *label = NULL;
  g_autofree char *date = NULL;
  gint64 effective_now = now;
  gint64 left;

  g_return_if_fail (name != NULL);
  g_return_if_fail (reminder != NULL);
  g_return_if_fail (title != NULL);
  g_return_if_fail (body != NULL);

  if (provider_name != NULL && provider_name[0] != '\0')
    /* Translators: an account's name: marketplace · account, e.g. "eBay · shop_a". */
    label = g_strdup_printf (_ ("%s · %s"), provider_name, name);
  else
    label = g_strdup (name);

  if (reminder->lead == RELINK_REMINDER_LEAD_REAUTH)
    {
      if (keyset)
        {
          /* Translators: %s is a keyset, e.g. "eBay · Production". */
          *title = g_strdup_printf (_ ("The marketplace refused the keys of %s"), label);
          *body = g_strdup (_ ("Check the client id and client secret, or create a new client "
                               "secret in the marketplace’s developer console."));
        }
      else
        {
          /* Translators: %s is an account, e.g. "eBay · shop_a". */
          *title = g_strdup_printf (_ ("%s needs you to sign in again"), label);
          *body = g_strdup (_ ("The marketplace no longer accepts the saved authorization. Sign "
                               "in again to restore the connection."));
        }
      return;
    }

  if (reminder->lead > 0)
    {
      gint64 moment = lead_moment (reminder->expires_at, reminder->lead);

      if (now >= moment && now - moment < ON_TIME_SLACK)
        effective_now = moment;
    }

  date = relink_expiry_format_date (reminder->expires_at, tz);

  if (effective_now >= reminder->expires_at)
    {
      if (keyset)
        {
          /* Translators: %s is a keyset, e.g. "eBay · Production". */
          *title = g_strdup_printf (_ ("The client secret of %s has expired"), label);
          /* Translators: %s is a date, e.g. "21 May 2028". */
          *body = g_strdup_printf (_ ("It expired on %s. Create a new client secret in the "
                                      "marketplace’s developer console and enter it in Relink."),
                                   date);
        }
      else
        {
          /* Translators: %s is an account, e.g. "eBay · shop_a". */
          *title = g_strdup_printf (_ ("%s has expired"), label);
          /* Translators: %s is a date, e.g. "21 May 2028". */
          *body = g_strdup_printf (_ ("The connection lapsed on %s. Sign in again to restore it."),
                                   date);
        }
      return;
    }

  /* Saturating: a bogus expiry far ahead must not wrap around. */
  if (effective_now < 0 && reminder->expires_at > G_MAXINT64 + effective_now)
    left = G_MAXINT64;
  else
    left = reminder->expires_at - effective_now;

  *title = format_ahead_title (subject, label, left);
  if (keyset)
    /* Translators: %s is a date, e.g. "21 May 2028". */
    *body = g_strdup_printf (_ ("Create a new client secret in the marketplace’s developer "
                                "console and enter it in Relink before %s."),
                             date);
  else
    /* Translators: %s is a date, e.g. "21 May 2028". */
    *body = g_strdup_printf (_ ("Sign in again before %s to keep the connection working."), date);
}
