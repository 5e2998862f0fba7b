/* relink-oauth-error.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define RELINK_OAUTH_ERROR (relink_oauth_error_quark ())

/* What went wrong while signing in, exchanging a code, refreshing,
 * checking the identity or revoking. The messages are plain sentences that
 * name the marketplace and say what to do; they never contain a token or a
 * secret. */
typedef enum
{
  RELINK_OAUTH_ERROR_FAILED,         /* anything else the marketplace refused */
  RELINK_OAUTH_ERROR_INVALID_GRANT,  /* code or refresh token no longer valid: sign in again */
  RELINK_OAUTH_ERROR_INVALID_CLIENT, /* the developer keys (keyset) are wrong or expired */
  RELINK_OAUTH_ERROR_DECLINED,       /* the seller declined consent */
  RELINK_OAUTH_ERROR_STATE_MISMATCH, /* the sign-in answer belongs to another sign-in */
  RELINK_OAUTH_ERROR_ALREADY_USED,   /* the sign-in attempt was already answered */
  RELINK_OAUTH_ERROR_WRONG_REDIRECT, /* an address that is not the expected redirect */
  RELINK_OAUTH_ERROR_NETWORK,        /* no network, DNS, timeout, TLS */
  RELINK_OAUTH_ERROR_SERVER,         /* the marketplace had a server error (5xx) */
  RELINK_OAUTH_ERROR_RATE_LIMITED,   /* 429: see relink_oauth_error_get_retry_after() */
  RELINK_OAUTH_ERROR_MALFORMED,      /* unreadable, oversized or incomplete answer */
  RELINK_OAUTH_ERROR_INSECURE,       /* a plain http:// address that is not loopback */
  RELINK_OAUTH_ERROR_NOT_SUPPORTED,  /* the marketplace offers no such call (revoke) */
  RELINK_OAUTH_ERROR_CONFIGURATION   /* the keyset or profile lacks what the call needs */
} RelinkOAuthError;

GQuark relink_oauth_error_quark (void);

/* Seconds the marketplace asked to wait (Retry-After) for a
 * RELINK_OAUTH_ERROR_RATE_LIMITED error; 0 when it did not say, or for
 * any other error. */
gint64 relink_oauth_error_get_retry_after (const GError *error);
void relink_oauth_error_set_retry_after (GError *error, gint64 seconds);

/* Whether a RELINK_OAUTH_ERROR_NETWORK error means the marketplace did
 * not answer within the call's deadline (rather than not at all). */
gboolean relink_oauth_error_get_timed_out (const GError *error);
void relink_oauth_error_set_timed_out (GError *error, gboolean timed_out);

/* The HTTP status of the marketplace's answer behind an error, 0 when
 * the error did not come from an answer (no network, a refused address). */
guint relink_oauth_error_get_http_status (const GError *error);
void relink_oauth_error_set_http_status (GError *error, guint status);

/* @text from a marketplace made fit for an error message: valid UTF-8,
 * no control or formatting characters, at most @max_chars characters
 * (an ellipsis marks a cut). NULL gives NULL. */
char *relink_oauth_sanitize_text (const char *text, gsize max_chars);

/* Replaces every occurrence in @error's message of one of @secrets (the
 * strings a call sent, NULL for none) by an ellipsis, in case a
 * marketplace echoes one back. Secrets under 4 bytes are left alone:
 * they would cut up ordinary words. */
void relink_oauth_error_redact (GError *error, GPtrArray *secrets);

G_END_DECLS
