/* relink-keyset.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "relink-provider.h"

G_BEGIN_DECLS

#define RELINK_TYPE_KEYSET (relink_keyset_get_type ())

/* RelinkKeyset: a seller's (or integrator's) developer keys for one
 * marketplace environment: client id, redirect URL / RuName and
 * app-specific values. Metadata only: the client secret and any secret
 * field live in the keyring (RelinkSecrets). One keyset serves many accounts. */
G_DECLARE_FINAL_TYPE (RelinkKeyset, relink_keyset, RELINK, KEYSET, GObject)

RelinkKeyset *relink_keyset_new (const char *id);
/* A new random id (UUID) for a keyset or an account. */
char *relink_new_id (void);

const char *relink_keyset_get_id (RelinkKeyset *self);
const char *relink_keyset_get_provider_id (RelinkKeyset *self);
void relink_keyset_set_provider_id (RelinkKeyset *self, const char *provider_id);
/* The resolved profile, NULL when the profile is missing. Not persisted. */
RelinkProvider *relink_keyset_get_provider (RelinkKeyset *self);
void relink_keyset_set_provider (RelinkKeyset *self, RelinkProvider *provider);
const char *relink_keyset_get_environment (RelinkKeyset *self);
void relink_keyset_set_environment (RelinkKeyset *self, const char *environment);
const char *relink_keyset_get_label (RelinkKeyset *self);
void relink_keyset_set_label (RelinkKeyset *self, const char *label);
const char *relink_keyset_get_client_id (RelinkKeyset *self);
void relink_keyset_set_client_id (RelinkKeyset *self, const char *client_id);
/* The redirect URL, or for eBay the RuName. */
const char *relink_keyset_get_redirect (RelinkKeyset *self);
void relink_keyset_set_redirect (RelinkKeyset *self, const char *redirect);
/* Non-secret app-specific values by RelinkKeysetField id. */
const char *relink_keyset_get_extra (RelinkKeyset *self, const char *field_id);
void relink_keyset_set_extra (RelinkKeyset *self, const char *field_id, const char *value);
/* All extras as a JSON object text, and back (for the store). */
char *relink_keyset_dup_extras_json (RelinkKeyset *self);
gboolean relink_keyset_set_extras_json (RelinkKeyset *self, const char *json, GError **error);
/* When the client secret expires (UTC unix seconds), 0 = unknown/never. */
gint64 relink_keyset_get_secret_expires_at (RelinkKeyset *self);
void relink_keyset_set_secret_expires_at (RelinkKeyset *self, gint64 secret_expires_at);
/* Set when the marketplace answered invalid_client: the keys need fixing. */
gboolean relink_keyset_get_invalid (RelinkKeyset *self);
void relink_keyset_set_invalid (RelinkKeyset *self, gboolean invalid);
gint64 relink_keyset_get_created_at (RelinkKeyset *self);
void relink_keyset_set_created_at (RelinkKeyset *self, gint64 created_at);

/* What kind of grant these keys obtain (HACKING.md, "Grant kind"):
 * RELINK_GRANT_KIND_OAUTH2 (the default, never NULL) or
 * RELINK_GRANT_KIND_AUTH_N_AUTH (eBay Trading API keys). Persisted. */
#define RELINK_GRANT_KIND_OAUTH2 "oauth2"
#define RELINK_GRANT_KIND_AUTH_N_AUTH "auth-n-auth"
const char *relink_keyset_get_grant_kind (RelinkKeyset *self);
void relink_keyset_set_grant_kind (RelinkKeyset *self, const char *grant_kind);

/* "eBay · Production", or the label when set. Never NULL. */
char *relink_keyset_dup_display_name (RelinkKeyset *self);
/* Whether the environment is a production one (from the profile). */
gboolean relink_keyset_is_production (RelinkKeyset *self);

G_END_DECLS
