/* relink-grant.c: an account's grants, and what differs per grant kind
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-expiry.h"
#include "relink-grant.h"

const char *
relink_grant_get_kind (RelinkAccount *grant)
{
  RelinkKeyset *keyset;

  g_return_val_if_fail (RELINK_IS_ACCOUNT (grant), NULL);

  keyset = relink_account_get_keyset (grant);
  return keyset != NULL ? relink_keyset_get_grant_kind (keyset) : RELINK_GRANT_KIND_OAUTH2;
}

gboolean
relink_grant_kind_has_refresh_token (const char *kind)
{
  return g_strcmp0 (kind, RELINK_GRANT_KIND_AUTH_N_AUTH) != 0;
}

const char *
relink_grant_kind_default_name (const char *kind)
{
  if (g_strcmp0 (kind, RELINK_GRANT_KIND_AUTH_N_AUTH) == 0)
    return RELINK_GRANT_NAME_AUTH_N_AUTH;
  return RELINK_GRANT_NAME_OAUTH;
}

static const char *
name_get_label (const char *name)
{
  if (g_strcmp0 (name, RELINK_GRANT_NAME_OAUTH) == 0)
    /* Translators: the kind of a token: OAuth 2.0, used by most marketplaces. */
    return _ ("OAuth");
  if (g_strcmp0 (name, RELINK_GRANT_NAME_AUTH_N_AUTH) == 0)
    /* Translators: eBay's older token for the Trading API; eBay's own name. */
    return _ ("Auth'n'Auth");
  return name;
}

const char *
relink_grant_get_label (RelinkAccount *grant)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (grant), NULL);

  return name_get_label (relink_account_get_grant_name (grant));
}

const char *
relink_grant_kind_get_label (const char *kind)
{
  return name_get_label (relink_grant_kind_default_name (kind));
}

const char *
relink_grant_get_expected_identity (RelinkAccount *grant)
{
  const char *expected;

  g_return_val_if_fail (RELINK_IS_ACCOUNT (grant), NULL);

  expected = relink_account_get_expected_identity (grant);
  if (expected != NULL && expected[0] != '\0')
    return expected;
  return relink_account_get_expected_identity (relink_account_get_account (grant));
}

GPtrArray *
relink_grant_list (RelinkAccount *account)
{
  GPtrArray *grants = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *extra;
  guint n;

  g_return_val_if_fail (RELINK_IS_ACCOUNT (account), grants);

  account = relink_account_get_account (account);
  g_ptr_array_add (grants, g_object_ref (account));

  extra = relink_account_get_extra_grants (account);
  n = g_list_model_get_n_items (extra);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (grants, g_list_model_get_item (extra, i));

  return grants;
}

RelinkAccount *
relink_grant_lookup (RelinkAccount *account, const char *name)
{
  g_autoptr (GPtrArray) grants = NULL;

  g_return_val_if_fail (RELINK_IS_ACCOUNT (account), NULL);

  account = relink_account_get_account (account);
  if (name == NULL)
    return account;

  grants = relink_grant_list (account);
  for (guint i = 0; i < grants->len; i++)
    {
      RelinkAccount *grant = g_ptr_array_index (grants, i);

      /* The manager keeps the grant alive after the array goes. */
      if (g_strcmp0 (relink_account_get_grant_name (grant), name) == 0)
        return grant;
    }

  return NULL;
}

/* An unknown expiry (0) sorts after every known one. */
static guint64
expiry_order (RelinkAccount *grant)
{
  gint64 expires_at = relink_account_get_refresh_expires_at (grant);

  return expires_at > 0 ? (guint64) expires_at : G_MAXUINT64;
}

RelinkAccount *
relink_grant_most_urgent (RelinkAccount *account, gint64 now, gint64 soon_threshold)
{
  g_autoptr (GPtrArray) grants = NULL;
  RelinkAccount *best = NULL;
  RelinkAccountState best_state = RELINK_ACCOUNT_STATE_VALID;

  g_return_val_if_fail (RELINK_IS_ACCOUNT (account), NULL);

  grants = relink_grant_list (account);
  for (guint i = 0; i < grants->len; i++)
    {
      RelinkAccount *grant = g_ptr_array_index (grants, i);
      RelinkAccountState state = relink_account_get_state (grant, now, soon_threshold);

      if (best == NULL || state < best_state
          || (state == best_state && expiry_order (grant) < expiry_order (best)))
        {
          best = grant;
          best_state = state;
        }
    }

  return best;
}

static int
compare_leads (gconstpointer a, gconstpointer b)
{
  gint64 lead_a = *(const gint64 *) a;
  gint64 lead_b = *(const gint64 *) b;

  /* Most distant first, as relink_reminder_default_leads() gives them. */
  return lead_a < lead_b ? 1 : (lead_a > lead_b ? -1 : 0);
}

GArray *
relink_grant_reminder_leads (RelinkAccount *grant, const gint64 *leads, gsize n_leads)
{
  GArray *result = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_leads + 1);
  gboolean has_warning = FALSE;

  g_return_val_if_fail (RELINK_IS_ACCOUNT (grant), result);

  for (gsize i = 0; i < n_leads; i++)
    {
      g_array_append_val (result, leads[i]);
      has_warning |= leads[i] == RELINK_GRANT_HARD_EXPIRATION_WARNING_LEAD;
    }

  if (!has_warning && g_strcmp0 (relink_grant_get_kind (grant), RELINK_GRANT_KIND_AUTH_N_AUTH) == 0)
    {
      gint64 lead = RELINK_GRANT_HARD_EXPIRATION_WARNING_LEAD;

      g_array_append_val (result, lead);
      g_array_sort (result, compare_leads);
    }

  return result;
}

RelinkAccount *
relink_grant_new (RelinkAccount *account, RelinkKeyset *keyset)
{
  g_autofree char *id = relink_new_id ();
  g_autofree char *name = NULL;
  const char *base;
  RelinkAccount *grant;

  g_return_val_if_fail (RELINK_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (RELINK_IS_KEYSET (keyset), NULL);

  account = relink_account_get_account (account);
  base = relink_grant_kind_default_name (relink_keyset_get_grant_kind (keyset));
  name = g_strdup (base);
  for (guint i = 2; relink_grant_lookup (account, name) != NULL; i++)
    {
      g_free (name);
      name = g_strdup_printf ("%s-%u", base, i);
    }

  grant = relink_account_new (id);
  relink_account_set_owner_id (grant, relink_account_get_id (account));
  relink_account_set_grant_name (grant, name);
  relink_account_set_keyset_id (grant, relink_keyset_get_id (keyset));
  relink_account_set_keyset (grant, keyset);
  relink_account_set_status (grant, RELINK_ACCOUNT_STATUS_NOT_CONNECTED);
  return grant;
}

GPtrArray *
relink_grant_candidate_keysets (RelinkAccount *account, GListModel *keysets)
{
  GPtrArray *candidates = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) grants = NULL;
  RelinkKeyset *own;
  guint n;

  g_return_val_if_fail (RELINK_IS_ACCOUNT (account), candidates);
  g_return_val_if_fail (G_IS_LIST_MODEL (keysets), candidates);

  account = relink_account_get_account (account);
  own = relink_account_get_keyset (account);
  if (own == NULL)
    return candidates;

  grants = relink_grant_list (account);
  n = g_list_model_get_n_items (keysets);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (RelinkKeyset) keyset = g_list_model_get_item (keysets, i);
      const char *kind = relink_keyset_get_grant_kind (keyset);
      gboolean taken = FALSE;

      if (g_strcmp0 (relink_keyset_get_provider_id (keyset), relink_keyset_get_provider_id (own))
              != 0
          || g_strcmp0 (relink_keyset_get_environment (keyset), relink_keyset_get_environment (own))
                 != 0
          || relink_keyset_get_invalid (keyset))
        continue;

      for (guint j = 0; j < grants->len && !taken; j++)
        taken = g_strcmp0 (relink_grant_get_kind (g_ptr_array_index (grants, j)), kind) == 0;
      if (!taken)
        g_ptr_array_add (candidates, g_steal_pointer (&keyset));
    }

  return candidates;
}
