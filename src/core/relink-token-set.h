/* relink-token-set.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Refresh when the access token expires within this many seconds. */
#define RELINK_TOKEN_REFRESH_MARGIN (5 * 60)

#define RELINK_TYPE_TOKEN_SET (relink_token_set_get_type ())

/* RelinkTokenSet: an account's tokens with absolute expiry moments (UTC unix
 * seconds, 0 = unknown). Stored as one JSON keyring item so that access and
 * refresh token change together. Its strings are wiped when it is freed. */
G_DECLARE_FINAL_TYPE (RelinkTokenSet, relink_token_set, RELINK, TOKEN_SET, GObject)

RelinkTokenSet *relink_token_set_new (void);
/* Parses the keyring JSON. Unknown and missing fields are tolerated; a
 * wrong type or a text that is not a JSON object is an error
 * (G_IO_ERROR_INVALID_DATA, whose message never quotes the text). */
RelinkTokenSet *relink_token_set_new_from_json (const char *json, GError **error);
/* The keyring JSON; the caller wipes and frees it (relink_secret_free). */
char *relink_token_set_to_json (RelinkTokenSet *self);

const char *relink_token_set_get_access_token (RelinkTokenSet *self);
void relink_token_set_set_access_token (RelinkTokenSet *self, const char *token);
const char *relink_token_set_get_refresh_token (RelinkTokenSet *self);
void relink_token_set_set_refresh_token (RelinkTokenSet *self, const char *token);
const char *relink_token_set_get_token_type (RelinkTokenSet *self);
void relink_token_set_set_token_type (RelinkTokenSet *self, const char *token_type);
const char *relink_token_set_get_scope (RelinkTokenSet *self);
void relink_token_set_set_scope (RelinkTokenSet *self, const char *scope);
gint64 relink_token_set_get_issued_at (RelinkTokenSet *self);
void relink_token_set_set_issued_at (RelinkTokenSet *self, gint64 issued_at);
gint64 relink_token_set_get_access_expires_at (RelinkTokenSet *self);
void relink_token_set_set_access_expires_at (RelinkTokenSet *self, gint64 expires_at);
gint64 relink_token_set_get_refresh_expires_at (RelinkTokenSet *self);
void relink_token_set_set_refresh_expires_at (RelinkTokenSet *self, gint64 expires_at);

/* A deep copy, so that a refresh response can be merged into a set without
 * touching the one it came from. */
RelinkTokenSet *relink_token_set_copy (RelinkTokenSet *self);

/* Overwrites a secret string with zeros, then frees it. NULL is fine. */
void relink_secret_free (char *secret);

/* A heap string holding a secret, for g_autoptr (RelinkSecretString): it is
 * wiped and freed with relink_secret_free when it goes out of scope. */
typedef char RelinkSecretString;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RelinkSecretString, relink_secret_free)

/* Overwrites every string in a parsed JSON tree with zeros, for trees that
 * held tokens or secrets. */
void relink_json_node_wipe (JsonNode *node);

G_END_DECLS
