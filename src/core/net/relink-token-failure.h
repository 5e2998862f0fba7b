/* relink-token-failure.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "relink-account.h"
#include "relink-token-response.h"

G_BEGIN_DECLS

/* What to do after a failed refresh, test or revocation. */
typedef enum
{
  RELINK_RETRY_NONE, /* someone must act: the seller signs in again, or the developer keys are fixed
                      */
  RELINK_RETRY_BACKOFF, /* transient (network, 5xx): exponential backoff, at once when the network
                           returns */
  RELINK_RETRY_AFTER    /* rate limited: wait as long as the marketplace said */
} RelinkRetryPolicy;

/* The error taxonomy of the token lifecycle: pure functions from a GError
 * of a @call (RELINK_OAUTH_ERROR, G_IO_ERROR, ...) to what the account
 * shows and whether to retry.
 *
 *   INVALID_GRANT, or FAILED (an OAuth error body with 400/401) of a
 *     REFRESH -> NEEDS_REAUTH, no retry (tokens kept until a renewal
 *     replaces them). Only these: a redirect, a 403/404 page or any other
 *     non-OAuth answer is MALFORMED ("unexpected answer"), never a verdict
 *     on the grant.
 *   INVALID_CLIENT -> ERROR, no retry; the keyset is to be flagged invalid
 *   NETWORK, SERVER -> ERROR, backoff (never NEEDS_REAUTH: a network
 *     fault must not look like an expired authorisation)
 *   RATE_LIMITED -> ERROR, retry after Retry-After (backoff when unsaid)
 *   MALFORMED (unexpected or unreadable answer) -> ERROR, backoff
 *   CONFIGURATION, INSECURE, NOT_SUPPORTED, anything else -> ERROR, no retry
 *
 * @out_retry_after (optional): seconds for RELINK_RETRY_AFTER, else 0. */
RelinkAccountStatus relink_token_failure_classify (const GError *error,
                                                   RelinkOAuthCall call,
                                                   RelinkRetryPolicy *out_retry,
                                                   gint64 *out_retry_after);

/* Whether @error means the developer keys were refused (flag the keyset). */
gboolean relink_token_failure_is_keyset_error (const GError *error);

/* The plain message for the account, naming the marketplace and the next
 * step, e.g. "eBay no longer accepts the saved authorisation. Renew the
 * account to sign in again." or "Could not reach eBay. Relink will try
 * again in 5 min.".
 * @marketplace: the profile's name; @keyset_name: the keyset's display
 * name (for INVALID_CLIENT); @client_secret_lifetime: the profile's
 * (seconds, 0 = none) to mention that the client secret expires;
 * @refresh_interrupted: an earlier refresh was killed before its answer
 * was saved (explains an INVALID_GRANT of a rotating token);
 * @retry_in: seconds until the next try, for the retry texts. */
char *relink_token_failure_describe (const GError *error,
                                     RelinkOAuthCall call,
                                     const char *marketplace,
                                     const char *keyset_name,
                                     gint64 client_secret_lifetime,
                                     gboolean refresh_interrupted,
                                     gint64 retry_in);

/* "30 s", "5 min", "2 h", "3 days": a rounded, translated delay. */
char *relink_token_failure_format_delay (gint64 seconds);

G_END_DECLS
