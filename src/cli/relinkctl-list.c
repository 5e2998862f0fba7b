/* relinkctl-list.c
 *
 * `relinkctl list` and `relinkctl status`: the accounts, most urgent
 * first, as a table or as JSON.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <stdio.h>
#include <unistd.h>

#include "relink-account-json.h"
#include "relink-expiry.h"
#include "relink-grant.h"
#include "relink-json.h"
#include "relink-store.h"
#include "relinkctl-common-private.h"
#include "relinkctl-output.h"

/* "eBay · Sandbox", as the window's rows say it. */
static char *
describe_marketplace (RelinkAccount *account)
{
  RelinkKeyset *keyset = relink_account_get_keyset (account);
  RelinkProvider *provider = relink_account_get_provider (account);
  const RelinkProviderEnvironment *env = relink_account_get_environment (account);

  if (provider == NULL)
    return g_strdup (keyset != NULL && relink_keyset_get_provider_id (keyset) != NULL
                         ? relink_keyset_get_provider_id (keyset)
                         : _ ("Unknown marketplace"));
  if (env == NULL || env->name == NULL)
    return g_strdup (relink_provider_get_name (provider));

  return g_strdup_printf ("%s · %s", relink_provider_get_name (provider), env->name);
}

/* The "expiring soon" threshold: the seller's setting when Relink's
 * GSettings schema is installed, the built-in default otherwise, so that
 * relinkctl never aborts on a missing schema. */
static gint64
soon_threshold (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;
  guint days = RELINK_EXPIRY_DEFAULT_SOON_DAYS;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);

  if (schema != NULL && g_settings_schema_has_key (schema, "expiring-soon-days"))
    {
      g_autoptr (GSettings) settings = g_settings_new_full (schema, NULL, NULL);

      days = g_settings_get_uint (settings, "expiring-soon-days");
    }

  return (gint64) days * 24 * 3600;
}

/* list, status */

/* "Valid", or with several grants "oauth: Valid, auth-n-auth: Expired". */
static char *
describe_states (RelinkAccount *account, gint64 now, gint64 threshold)
{
  g_autoptr (GPtrArray) grants = relink_grant_list (account);
  g_autoptr (GString) text = g_string_new (NULL);

  if (grants->len == 1)
    return g_strdup (
        relink_expiry_state_to_string (relink_account_get_state (account, now, threshold)));

  for (guint i = 0; i < grants->len; i++)
    {
      RelinkAccount *grant = g_ptr_array_index (grants, i);

      /* Translators: a grant's name (as --grant takes it) and its state:
       * "auth-n-auth: Expired". */
      g_string_append_printf (
          text, _ ("%s%s: %s"), i > 0 ? ", " : "", relink_account_get_grant_name (grant),
          relink_expiry_state_to_string (relink_account_get_state (grant, now, threshold)));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static int
compare_urgency (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const gint64 *context = user_data; /* now, threshold */
  /* An account is as urgent as its most urgent grant. */
  RelinkAccount *aa
      = relink_grant_most_urgent (*(RelinkAccount *const *) a, context[0], context[1]);
  RelinkAccount *bb
      = relink_grant_most_urgent (*(RelinkAccount *const *) b, context[0], context[1]);
  RelinkAccountState sa = relink_account_get_state (aa, context[0], context[1]);
  RelinkAccountState sb = relink_account_get_state (bb, context[0], context[1]);
  gint64 ea = relink_account_get_refresh_expires_at (aa);
  gint64 eb = relink_account_get_refresh_expires_at (bb);

  if (sa != sb)
    return sa < sb ? -1 : 1;

  /* Unknown expiries last; then the soonest first. */
  if (ea == 0 || eb == 0)
    return (ea == 0) - (eb == 0);
  if (ea != eb)
    return ea < eb ? -1 : 1;

  return g_utf8_collate (relink_account_get_display_name (aa),
                         relink_account_get_display_name (bb));
}

GPtrArray *
ctl_collect_accounts (Ctl *ctl)
{
  GListModel *model = relink_account_manager_get_accounts (ctl->manager);
  guint n = g_list_model_get_n_items (model);
  GPtrArray *accounts = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (accounts, g_list_model_get_item (model, i));

  return accounts;
}

/* The custom profiles that were skipped, as sentences; an empty vector
 * when none. */
static GStrv
describe_skipped (Ctl *ctl)
{
  return relink_provider_registry_describe_load_errors (
      relink_account_manager_get_providers (ctl->manager));
}

static int
print_accounts_json (
    Ctl *ctl, GPtrArray *accounts, gint64 now, gint64 threshold, gboolean with_summary)
{
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;
  guint attention = 0;

  root = relink_accounts_to_json (accounts, now, threshold, with_summary, &attention);
  if (with_summary && JSON_NODE_HOLDS_OBJECT (root))
    {
      g_auto (GStrv) skipped = describe_skipped (ctl);
      JsonArray *array = json_array_new ();

      for (guint i = 0; skipped[i] != NULL; i++)
        json_array_add_string_element (array, skipped[i]);
      json_object_set_array_member (json_node_get_object (root), "skipped_profiles", array);
    }
  text = relink_json_to_string (root, TRUE);
  ctl_write_utf8 (text);
  ctl_write_utf8 ("\n");

  return attention;
}

int
ctl_cmd_list (Ctl *ctl, char **args)
{
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  gint64 now = relink_now ();
  gint64 threshold;
  guint widths[4] = { 0 };
  const char *headers[4] = { _ ("ID"), _ ("NICKNAME"), _ ("MARKETPLACE"), _ ("STATE") };
  int status;

  if (g_strv_length (args) > 1)
    {
      ctl_print_error (_ ("relinkctl list takes no account."));
      return CTL_EXIT_USAGE;
    }

  if ((status = ctl_load (ctl)) != CTL_EXIT_OK)
    return status;

  threshold = soon_threshold ();
  accounts = ctl_collect_accounts (ctl);

  if (ctl->json)
    {
      print_accounts_json (ctl, accounts, now, threshold, FALSE);
      return CTL_EXIT_OK;
    }

  if (accounts->len == 0)
    {
      g_print (_ ("No accounts. Add one in Relink.\n"));
      return CTL_EXIT_OK;
    }

  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  for (guint i = 0; i < accounts->len; i++)
    {
      RelinkAccount *account = g_ptr_array_index (accounts, i);
      char **row = g_new0 (char *, 5);

      row[0] = g_strdup (relink_account_get_id (account));
      row[1] = g_strdup (relink_account_get_display_name (account));
      row[2] = describe_marketplace (account);
      row[3] = describe_states (account, now, threshold);
      g_ptr_array_add (rows, row);
    }

  for (guint c = 0; c < 4; c++)
    {
      widths[c] = g_utf8_strlen (headers[c], -1);
      for (guint i = 0; i < rows->len; i++)
        widths[c] = MAX (widths[c], (guint) g_utf8_strlen (((char **) rows->pdata[i])[c], -1));
    }

  for (guint i = 0; i <= rows->len; i++)
    {
      const char *const *row = i == 0 ? headers : (const char *const *) rows->pdata[i - 1];
      g_autoptr (GString) line = g_string_new (NULL);

      for (guint c = 0; c < 4; c++)
        {
          if (c < 3)
            {
              ctl_append_padded (line, row[c], widths[c]);
              g_string_append (line, "  ");
            }
          else
            {
              g_string_append (line, row[c]);
            }
        }
      g_print ("%s\n", line->str);
    }

  return CTL_EXIT_OK;
}

/* A live account whose profile is broken or gone is not fine, whatever
 * its dates say. */
static gboolean
status_needs_attention (Ctl *ctl, RelinkAccount *account, gint64 now, gint64 threshold)
{
  g_autofree char *problem
      = relink_account_manager_describe_profile_problem (ctl->manager, account);

  return problem != NULL
         || relink_expiry_state_needs_attention (relink_account_get_state (
             relink_grant_most_urgent (account, now, threshold), now, threshold));
}

/* One line per grant: an account with several says which one it is. */
static void
print_grant_line (Ctl *ctl, RelinkAccount *grant, gboolean several, gint64 now, gint64 threshold)
{
  g_autofree char *problem = relink_account_manager_describe_profile_problem (ctl->manager, grant);
  RelinkAccountState state = relink_account_get_state (grant, now, threshold);
  g_autofree char *marketplace = describe_marketplace (grant);
  g_autofree char *countdown = NULL;
  g_autofree char *name = NULL;
  const char *message = relink_account_get_status_message (grant);

  if (several)
    /* Translators: an account and one of its tokens: "Shop A · Auth'n'Auth". */
    name = g_strdup_printf (_ ("%s · %s"), relink_account_get_display_name (grant),
                            relink_grant_get_label (grant));
  else
    name = g_strdup (relink_account_get_display_name (grant));

  if (state == RELINK_ACCOUNT_STATE_NOT_CONNECTED)
    {
      /* Translators: "Loja BR (Mercado Libre · Brazil): Not connected". */
      g_print (_ ("  %s (%s): %s\n"), name, marketplace, relink_expiry_state_to_string (state));
    }
  else
    {
      /* Not the authorization's countdown once its refresh token was
       * refused: what still works. */
      if (state == RELINK_ACCOUNT_STATE_NEEDS_REAUTH)
        countdown = relink_expiry_describe_reauth (relink_account_get_access_expires_at (grant),
                                                   now, NULL, FALSE);
      /* "Expired, 2 days ago", not "Expired, expired 2 days ago". */
      else if (state == RELINK_ACCOUNT_STATE_EXPIRED)
        countdown = relink_expiry_describe_since (relink_account_get_refresh_expires_at (grant),
                                                  now, NULL, FALSE);
      if (countdown == NULL)
        countdown
            = relink_expiry_describe (relink_account_get_refresh_expires_at (grant), now, NULL);
      /* Translators: "Main eBay shop (eBay · Production): Valid, expires in 23 days". */
      g_print (_ ("  %s (%s): %s, %s\n"), name, marketplace, relink_expiry_state_to_string (state),
               countdown);
    }
  if (problem != NULL)
    g_print ("    %s\n", problem);
  else if (message != NULL && *message != '\0' && relink_expiry_state_needs_attention (state))
    g_print ("    %s\n", message);
}

static void
print_status_line (Ctl *ctl, RelinkAccount *account, gint64 now, gint64 threshold)
{
  g_autoptr (GPtrArray) grants = relink_grant_list (account);

  for (guint i = 0; i < grants->len; i++)
    print_grant_line (ctl, g_ptr_array_index (grants, i), grants->len > 1, now, threshold);
}

int
ctl_cmd_status (Ctl *ctl, char **args)
{
  g_autoptr (GPtrArray) accounts = NULL;
  g_auto (GStrv) skipped = NULL;
  gint64 now = relink_now ();
  gint64 context[2];
  guint attention = 0;
  int status;

  if (g_strv_length (args) > 1)
    {
      ctl_print_error (_ ("relinkctl status takes no account."));
      return CTL_EXIT_USAGE;
    }

  if ((status = ctl_load (ctl)) != CTL_EXIT_OK)
    return status;

  context[0] = now;
  context[1] = soon_threshold ();
  accounts = ctl_collect_accounts (ctl);
  g_ptr_array_sort_with_data (accounts, compare_urgency, context);

  if (ctl->json)
    {
      attention = print_accounts_json (ctl, accounts, now, context[1], TRUE);
      for (guint i = 0; i < accounts->len && attention == 0; i++)
        if (status_needs_attention (ctl, g_ptr_array_index (accounts, i), now, context[1]))
          attention++;
      return attention > 0 ? CTL_EXIT_FAILED : CTL_EXIT_OK;
    }

  /* Those needing attention first, in their order of urgency. */
  for (guint i = 0; i < accounts->len; i++)
    {
      RelinkAccount *account = g_ptr_array_index (accounts, i);

      if (status_needs_attention (ctl, account, now, context[1]))
        {
          g_ptr_array_steal_index (accounts, i);
          g_ptr_array_insert (accounts, attention++, account);
        }
    }

  if (attention > 0)
    {
      g_print (_ ("Needs attention:\n"));
      for (guint i = 0; i < attention; i++)
        print_status_line (ctl, g_ptr_array_index (accounts, i), now, context[1]);
    }
  if (attention < accounts->len)
    {
      g_print (_ ("Connected:\n"));
      for (guint i = attention; i < accounts->len; i++)
        print_status_line (ctl, g_ptr_array_index (accounts, i), now, context[1]);
    }

  skipped = describe_skipped (ctl);
  if (skipped[0] != NULL)
    {
      g_print (_ ("Profiles not loaded (correct them, then run this again):\n"));
      for (guint i = 0; skipped[i] != NULL; i++)
        g_print ("  %s\n", skipped[i]);
    }

  if (accounts->len == 0)
    g_print (_ ("No accounts. Add one in Relink.\n"));
  else if (attention == 0)
    g_print (ngettext ("The account is fine.\n", "All %u accounts are fine.\n", accounts->len),
             accounts->len);
  else
    {
      /* Each number with its own plural form: the verb follows @attention,
       * the noun the total. */
      g_autofree char *of_total = NULL;

      /* Translators: the end of "6 of 8 accounts need attention." or
       * "Refreshed 2 of 3 accounts"; use the case your language needs. */
      of_total = g_strdup_printf (ngettext ("of %u account", "of %u accounts", accounts->len),
                                  accounts->len);

      /* Translators: %u is a number of accounts, %s is "of 8 accounts". */
      g_print (ngettext ("%u %s needs attention.\n", "%u %s need attention.\n", attention),
               attention, of_total);
    }

  return attention > 0 ? CTL_EXIT_FAILED : CTL_EXIT_OK;
}
