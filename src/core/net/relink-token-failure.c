/* relink-token-failure.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <gio/gio.h>

#include "relink-token-failure.h"

RelinkAccountStatus
relink_token_failure_classify (const GError *error,
                               RelinkOAuthCall call,
                               RelinkRetryPolicy *out_retry,
                               gint64 *out_retry_after)
{
  RelinkRetryPolicy retry = RELINK_RETRY_NONE;
  RelinkAccountStatus status = RELINK_ACCOUNT_STATUS_ERROR;
  gint64 retry_after = 0;

  g_return_val_if_fail (error != NULL, RELINK_ACCOUNT_STATUS_ERROR);

  if (error->domain == RELINK_OAUTH_ERROR)
    {
      switch ((RelinkOAuthError) error->code)
        {
          case RELINK_OAUTH_ERROR_INVALID_GRANT:
            status = RELINK_ACCOUNT_STATUS_NEEDS_REAUTH;
            break;

          case RELINK_OAUTH_ERROR_FAILED:
            /* FAILED is an OAuth refusal (a 400/401 with an error body;
             * anything else is MALFORMED, "unexpected answer"). Without a
             * standard code it still refuses the refresh token: eBay's
             * {"error":{"message":"An error occurred while refreshing
             * token.","status":400}} means "sign in again". */
            if (call == RELINK_OAUTH_CALL_REFRESH)
              status = RELINK_ACCOUNT_STATUS_NEEDS_REAUTH;
            break;

          case RELINK_OAUTH_ERROR_NETWORK:
          case RELINK_OAUTH_ERROR_SERVER:
          case RELINK_OAUTH_ERROR_MALFORMED:
            retry = RELINK_RETRY_BACKOFF;
            break;

          case RELINK_OAUTH_ERROR_RATE_LIMITED:
            retry_after = relink_oauth_error_get_retry_after (error);
            retry = retry_after > 0 ? RELINK_RETRY_AFTER : RELINK_RETRY_BACKOFF;
            break;

          case RELINK_OAUTH_ERROR_INVALID_CLIENT:
          case RELINK_OAUTH_ERROR_DECLINED:
          case RELINK_OAUTH_ERROR_STATE_MISMATCH:
          case RELINK_OAUTH_ERROR_ALREADY_USED:
          case RELINK_OAUTH_ERROR_WRONG_REDIRECT:
          case RELINK_OAUTH_ERROR_INSECURE:
          case RELINK_OAUTH_ERROR_NOT_SUPPORTED:
          case RELINK_OAUTH_ERROR_CONFIGURATION:
          default:
            break;
        }
    }
  else if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR)
    {
      /* The keyring or the store said no: nothing the marketplace
       * decided, and nothing a retry in a minute would fix. Network
       * errors that escaped the OAuth client are still network errors. */
      if (error->domain == G_RESOLVER_ERROR
          || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
          || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE)
          || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE)
          || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
        retry = RELINK_RETRY_BACKOFF;
    }

  if (out_retry != NULL)
    *out_retry = retry;
  if (out_retry_after != NULL)
    *out_retry_after = retry_after;

  return status;
}

gboolean
relink_token_failure_is_keyset_error (const GError *error)
{
  return g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_INVALID_CLIENT);
}

char *
relink_token_failure_format_delay (gint64 seconds)
{
  if (seconds < 60)
    {
      int n = (int) MAX (seconds, 1);
      /* Translators: a short delay, "Relink will try again in 30 s". */
      return g_strdup_printf (ngettext ("%d s", "%d s", n), n);
    }
  if (seconds < 60 * 60)
    {
      int n = (int) ((seconds + 30) / 60);
      /* Translators: a short delay, "Relink will try again in 5 min". */
      return g_strdup_printf (ngettext ("%d min", "%d min", n), n);
    }
  if (seconds < 48 * 60 * 60)
    {
      int n = (int) ((seconds + 30 * 60) / (60 * 60));
      /* Translators: a short delay, "Relink will try again in 2 h". */
      return g_strdup_printf (ngettext ("%d h", "%d h", n), n);
    }
  {
    int n = (int) MIN ((seconds + 12 * 60 * 60) / (24 * 60 * 60), G_MAXINT);
    return g_strdup_printf (ngettext ("%d day", "%d days", n), n);
  }
}

char *
relink_token_failure_describe (const GError *error,
                               RelinkOAuthCall call,
                               const char *marketplace,
                               const char *keyset_name,
                               gint64 client_secret_lifetime,
                               gboolean refresh_interrupted,
                               gint64 retry_in)
{
  RelinkRetryPolicy retry;
  RelinkAccountStatus status;
  g_autofree char *delay = NULL;

  g_return_val_if_fail (error != NULL, NULL);

  if (marketplace == NULL)
    marketplace = _ ("The marketplace");

  status = relink_token_failure_classify (error, call, &retry, NULL);

  if (relink_token_failure_is_keyset_error (error))
    {
      g_autofree char *keys = g_strdup (keyset_name != NULL ? keyset_name : marketplace);

      if (client_secret_lifetime > 0)
        {
          g_autofree char *lifetime = relink_token_failure_format_delay (client_secret_lifetime);

          /* Translators: the first %s names the developer keys ("Amazon ·
           * Europe"), the second a lifetime ("180 days"). */
          return g_strdup_printf (_ ("The developer keys of %s were refused (the client secret "
                                     "expires every %s). Update the developer keys; the seller "
                                     "does not need to sign in again."),
                                  keys, lifetime);
        }

      return g_strdup_printf (_ ("The developer keys of %s were refused. Update the developer "
                                 "keys; the seller does not need to sign in again."),
                              keys);
    }

  if (status == RELINK_ACCOUNT_STATUS_NEEDS_REAUTH)
    {
      if (refresh_interrupted)
        return g_strdup_printf (_ ("A refresh was interrupted and %s may have already replaced "
                                   "the token. Renew the account to sign in again."),
                                marketplace);

      return g_strdup_printf (_ ("%s no longer accepts the saved authorization. Renew the "
                                 "account to sign in again."),
                              marketplace);
    }

  if (retry != RELINK_RETRY_NONE)
    {
      delay = relink_token_failure_format_delay (MAX (retry_in, 1));

      if (g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_RATE_LIMITED))
        return g_strdup_printf (_ ("%s asks Relink to slow down. Relink will try again in %s."),
                                marketplace, delay);

      if (g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_SERVER))
        return g_strdup_printf (_ ("%s has a problem on its side. Relink will try again in %s."),
                                marketplace, delay);

      if (g_error_matches (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED))
        return g_strdup_printf (_ ("%s sent an unexpected answer; the saved tokens were kept. "
                                   "Relink will try again in %s."),
                                marketplace, delay);

      if (relink_oauth_error_get_timed_out (error))
        return g_strdup_printf (_ ("%s did not answer in time. Relink will try again in %s."),
                                marketplace, delay);

      return g_strdup_printf (_ ("Could not reach %s. Relink will try again in %s."), marketplace,
                              delay);
    }

  /* Everything else already reads as a plain sentence with the next step
   * (the OAuth client's and the keyring's messages). */
  return g_strdup (error->message);
}
