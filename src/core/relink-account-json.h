/* relink-account-json.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "relink-expiry.h"

G_BEGIN_DECLS

/* The version of the accounts document below; raised only when an
 * existing field changes meaning. */
#define RELINK_ACCOUNTS_JSON_FORMAT_VERSION 1

/* "expiring_soon": stable names of the states for scripts, unlike the
 * translated labels. */
const char *relink_account_state_to_id (RelinkAccountState state);

/* The accounts document scripts read (`relinkctl list --json`, `status
 * --json`, the D-Bus API's ListAccounts): format_version, generated_at and
 * one object per account of @accounts (RelinkAccount), in that order, its
 * token fields those of its most urgent grant and "grants" listing every
 * grant (name, kind, id, most_urgent and the same token fields); with
 * @with_summary also the totals. Never a token or secret. @out_attention
 * (optional): how many accounts need attention. */
JsonNode *relink_accounts_to_json (GPtrArray *accounts,
                                   gint64 now,
                                   gint64 soon_threshold,
                                   gboolean with_summary,
                                   guint *out_attention);

G_END_DECLS
