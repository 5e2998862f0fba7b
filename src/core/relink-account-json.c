/* relink-account-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-account-json.h"
#include "relink-grant.h"

static char *
format_iso8601 (gint64 moment)
{
  g_autoptr (GDateTime) when = NULL;

  if (moment <= 0)
    return NULL;

  when = g_date_time_new_from_unix_utc (moment);
  return when != NULL ? g_date_time_format_iso8601 (when) : NULL;
}

const char *
relink_account_state_to_id (RelinkAccountState state)
{
  switch (state)
    {
      case RELINK_ACCOUNT_STATE_EXPIRED:
        return "expired";
      case RELINK_ACCOUNT_STATE_NEEDS_REAUTH:
        return "needs_reauth";
      case RELINK_ACCOUNT_STATE_ERROR:
        return "error";
      case RELINK_ACCOUNT_STATE_NOT_CONNECTED:
        return "not_connected";
      case RELINK_ACCOUNT_STATE_EXPIRING_SOON:
        return "expiring_soon";
      case RELINK_ACCOUNT_STATE_VALID:
      default:
        return "valid";
    }
}

static void
add_moment (JsonBuilder *builder, const char *name, gint64 moment)
{
  g_autofree char *iso = format_iso8601 (moment);
  g_autofree char *unix_name = g_strconcat (name, "_unix", NULL);

  json_builder_set_member_name (builder, name);
  if (iso != NULL)
    json_builder_add_string_value (builder, iso);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, unix_name);
  if (moment > 0)
    json_builder_add_int_value (builder, moment);
  else
    json_builder_add_null_value (builder);
}

static void
add_nullable_string (JsonBuilder *builder, const char *name, const char *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* The token fields of one grant (HACKING.md, "Grant"), in the documented
 * JSON schema. Never a token. */
static void
add_grant_fields (JsonBuilder *builder, RelinkAccount *grant, gint64 now, gint64 threshold)
{
  RelinkAccountState state = relink_account_get_state (grant, now, threshold);

  add_nullable_string (builder, "keyset_id", relink_account_get_keyset_id (grant));

  json_builder_set_member_name (builder, "identity");
  json_builder_begin_object (builder);
  add_nullable_string (builder, "id", relink_account_get_identity_id (grant));
  add_nullable_string (builder, "name", relink_account_get_identity_name (grant));
  json_builder_end_object (builder);

  add_nullable_string (builder, "state", relink_account_state_to_id (state));
  add_nullable_string (builder, "state_label", relink_expiry_state_to_string (state));
  json_builder_set_member_name (builder, "needs_attention");
  json_builder_add_boolean_value (builder, relink_expiry_state_needs_attention (state));
  add_nullable_string (builder, "status_message", relink_account_get_status_message (grant));

  add_moment (builder, "authorised_at", relink_account_get_authorised_at (grant));
  add_moment (builder, "access_expires_at", relink_account_get_access_expires_at (grant));
  add_moment (builder, "refresh_expires_at", relink_account_get_refresh_expires_at (grant));
  add_moment (builder, "last_refresh_at", relink_account_get_last_refresh_at (grant));

  json_builder_set_member_name (builder, "last_test");
  if (relink_account_get_last_test_at (grant) > 0)
    {
      json_builder_begin_object (builder);
      add_moment (builder, "at", relink_account_get_last_test_at (grant));
      json_builder_set_member_name (builder, "ok");
      json_builder_add_boolean_value (builder, relink_account_get_last_test_ok (grant));
      add_nullable_string (builder, "message", relink_account_get_last_test_message (grant));
      json_builder_end_object (builder);
    }
  else
    {
      json_builder_add_null_value (builder);
    }
}

/* One account in the documented JSON schema. Never a token. Its token
 * fields are those of its most urgent grant (what the window's row
 * shows); "grants" lists every grant, the account's own first. */
static void
add_account (JsonBuilder *builder, RelinkAccount *account, gint64 now, gint64 threshold)
{
  RelinkKeyset *keyset = relink_account_get_keyset (account);
  RelinkProvider *provider = relink_account_get_provider (account);
  const RelinkProviderEnvironment *env = relink_account_get_environment (account);
  RelinkAccount *urgent = relink_grant_most_urgent (account, now, threshold);
  g_autoptr (GPtrArray) grants = relink_grant_list (account);

  json_builder_begin_object (builder);

  add_nullable_string (builder, "id", relink_account_get_id (account));
  add_nullable_string (builder, "nickname", relink_account_get_nickname (account));

  json_builder_set_member_name (builder, "marketplace");
  json_builder_begin_object (builder);
  add_nullable_string (builder, "id",
                       provider != NULL ? relink_provider_get_id (provider)
                       : keyset != NULL ? relink_keyset_get_provider_id (keyset)
                                        : NULL);
  add_nullable_string (builder, "name",
                       provider != NULL ? relink_provider_get_name (provider) : NULL);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "environment");
  json_builder_begin_object (builder);
  add_nullable_string (builder, "id",
                       keyset != NULL ? relink_keyset_get_environment (keyset) : NULL);
  add_nullable_string (builder, "name", env != NULL ? env->name : NULL);
  json_builder_set_member_name (builder, "production");
  json_builder_add_boolean_value (builder, env != NULL && env->is_production);
  json_builder_end_object (builder);

  add_grant_fields (builder, urgent, now, threshold);

  json_builder_set_member_name (builder, "grants");
  json_builder_begin_array (builder);
  for (guint i = 0; i < grants->len; i++)
    {
      RelinkAccount *grant = g_ptr_array_index (grants, i);

      json_builder_begin_object (builder);
      add_nullable_string (builder, "name", relink_account_get_grant_name (grant));
      add_nullable_string (builder, "kind", relink_grant_get_kind (grant));
      add_nullable_string (builder, "id", relink_account_get_id (grant));
      json_builder_set_member_name (builder, "most_urgent");
      json_builder_add_boolean_value (builder, grant == urgent);
      add_grant_fields (builder, grant, now, threshold);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);
}

JsonNode *
relink_accounts_to_json (GPtrArray *accounts,
                         gint64 now,
                         gint64 soon_threshold,
                         gboolean with_summary,
                         guint *out_attention)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *generated = format_iso8601 (now);
  guint attention = 0;

  g_return_val_if_fail (accounts != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format_version");
  json_builder_add_int_value (builder, RELINK_ACCOUNTS_JSON_FORMAT_VERSION);
  add_nullable_string (builder, "generated_at", generated);

  json_builder_set_member_name (builder, "accounts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < accounts->len; i++)
    {
      RelinkAccount *account = g_ptr_array_index (accounts, i);
      RelinkAccount *urgent = relink_grant_most_urgent (account, now, soon_threshold);
      RelinkAccountState state = relink_account_get_state (urgent, now, soon_threshold);

      if (relink_expiry_state_needs_attention (state))
        attention++;
      add_account (builder, account, now, soon_threshold);
    }
  json_builder_end_array (builder);

  if (with_summary)
    {
      json_builder_set_member_name (builder, "total");
      json_builder_add_int_value (builder, accounts->len);
      json_builder_set_member_name (builder, "needs_attention");
      json_builder_add_int_value (builder, attention);
    }

  json_builder_end_object (builder);

  if (out_attention != NULL)
    *out_attention = attention;

  return json_builder_get_root (builder);
}
