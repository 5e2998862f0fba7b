/* relink-token-response.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "relink-identity.h"
#include "relink-oauth-error.h"
#include "relink-provider.h"
#include "relink-token-set.h"

G_BEGIN_DECLS

/* Reading marketplaces' answers: token JSON, error JSON, identity JSON.
 * Pure functions (no network, the clock passed in), so that every quirk
 * can be tested on its own. Lenient where marketplaces are sloppy
 * (numbers as strings), strict where a mistake would store garbage
 * (tokens must be short strings of visible ASCII). */

/* Which call an answer belongs to; the error texts differ. */
typedef enum
{
  RELINK_OAUTH_CALL_CODE,     /* authorization code exchange */
  RELINK_OAUTH_CALL_REFRESH,  /* refresh grant */
  RELINK_OAUTH_CALL_IDENTITY, /* who-am-I */
  RELINK_OAUTH_CALL_REVOKE    /* RFC 7009 revocation */
} RelinkOAuthCall;

/* The longest token Relink accepts (Amazon: ≤ 2048 bytes; eBay ~2 KiB). */
#define RELINK_OAUTH_MAX_TOKEN_LENGTH 16384

/* Parses a successful (2xx) token answer into a new token set with
 * absolute expiries counted from @now (UTC unix seconds). Lifetimes come
 * from the answer (expires_in; refresh_token_expires_in for eBay;
 * refresh_expires_in, expire_time and refresh_token_valid_time in epoch
 * ms for AliExpress), else from the profile.
 *
 * @previous: the stored set when this answers a refresh, else NULL. Its
 * refresh token (and that token's expiry) is kept when the answer has
 * none; a new refresh token gets the stated expiry, or a fresh profile
 * lifetime where refreshing extends the authorisation, else the old one.
 * @requested_scope is recorded when the answer names no scope.
 * @out_identity: (optional): for profiles whose identity source is the
 * token response (AliExpress), the identity read from it; a missing id is
 * then an error (RELINK_OAUTH_ERROR_MALFORMED). NULL for other profiles.
 *
 * An error answer hiding in a 2xx (AliExpress `code` ≠ "0", an `error`
 * member) is turned into the matching RELINK_OAUTH_ERROR; a missing or
 * unusable access_token is RELINK_OAUTH_ERROR_MALFORMED. */
RelinkTokenSet *relink_token_response_parse (RelinkProvider *provider,
                                             RelinkOAuthCall call,
                                             const char *body,
                                             gsize length,
                                             RelinkTokenSet *previous,
                                             const char *requested_scope,
                                             gint64 now,
                                             RelinkIdentity **out_identity,
                                             GError **error);

/* The error for a failed answer: HTTP @status (0 when a 2xx carried an
 * error) and @body (may be NULL or not JSON). Understands RFC 6749
 * `error`/`error_description`, Mercado Libre's `message`/`status`/`cause`,
 * AliExpress' `code`/`type`/`message` and the nested
 * `{"error":{"message":…,"status":…}}`. @retry_after (seconds) is attached
 * to RATE_LIMITED errors. */
GError *relink_token_response_parse_error (RelinkProvider *provider,
                                           RelinkOAuthCall call,
                                           guint status,
                                           const char *body,
                                           gsize length,
                                           gint64 retry_after);

/* The identity in @object: @id_field and @name_field are member names,
 * dots for nesting ("user.id"); numbers become decimal strings. A missing
 * or unusable id is RELINK_OAUTH_ERROR_MALFORMED; a bad name is ignored. */
RelinkIdentity *relink_token_response_read_identity (RelinkProvider *provider,
                                                     JsonObject *object,
                                                     const char *id_field,
                                                     const char *name_field,
                                                     GError **error);

/* Parses a who-am-I answer (identity source ENDPOINT or ID_TOKEN) with the
 * profile's id and name fields; for OpenID userinfo the defaults are `sub`
 * and `preferred_username`. */
RelinkIdentity *relink_token_response_parse_identity (RelinkProvider *provider,
                                                      const char *body,
                                                      gsize length,
                                                      GError **error);

G_END_DECLS
