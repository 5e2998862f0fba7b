/* relink-token-kinds.c
 *
 * What the token service does per grant kind (HACKING.md, "Grant kind"):
 * OAuth 2.0 through the OAuth client, and the kinds that have their own
 * protocol (eBay Auth'n'Auth through the Trading API). A new kind adds a
 * table here and nothing else in the service.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-expiry.h"
#include "relink-grant.h"
#include "relink-oauth-client.h"
#include "relink-token-service-private.h"

/* OAuth 2.0 */

static void
oauth2_refresh_async (RelinkTokenService *self,
                      RelinkTokenTarget *target,
                      GCancellable *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer user_data)
{
  RelinkOAuthClient *client = relink_account_manager_get_oauth_client (self->manager);

  relink_oauth_client_refresh_async (client, target->provider, target->keyset, target->tokens,
                                     target->client_secret, cancellable, callback, user_data);
}

static RelinkTokenSet *
oauth2_refresh_finish (GObject *source, GAsyncResult *result, GError **error)
{
  return relink_oauth_client_refresh_finish (RELINK_OAUTH_CLIENT (source), result, error);
}

static void
oauth2_fetch_identity_async (RelinkTokenService *self,
                             RelinkTokenTarget *target,
                             const char *access_token,
                             const char *shared_secret,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  RelinkOAuthClient *client = relink_account_manager_get_oauth_client (self->manager);

  relink_oauth_client_fetch_identity_async (client, target->provider, target->keyset, access_token,
                                            shared_secret, cancellable, callback, user_data);
}

static RelinkIdentity *
oauth2_fetch_identity_finish (GObject *source, GAsyncResult *result, GError **error)
{
  return relink_oauth_client_fetch_identity_finish (RELINK_OAUTH_CLIENT (source), result, error);
}

static const RelinkTokenKind oauth2_kind = {
  .kind = RELINK_GRANT_KIND_OAUTH2,
  .refresh_async = oauth2_refresh_async,
  .refresh_finish = oauth2_refresh_finish,
  .fetch_identity_async = oauth2_fetch_identity_async,
  .fetch_identity_finish = oauth2_fetch_identity_finish,
};

/* eBay Auth'n'Auth: an 18-month token without a refresh token. Test
 * (GetTokenStatus, GetUser) and revoke (RevokeToken) come with the
 * Trading API client; until then a Test says it is not available and a
 * revocation forgets the token here. */
static const RelinkTokenKind auth_n_auth_kind = {
  .kind = RELINK_GRANT_KIND_AUTH_N_AUTH,
  .calls_need_client_secret = TRUE,
};

static const RelinkTokenKind unknown_kind = {
  .kind = NULL,
};

const RelinkTokenKind *
relink_token_kind_lookup (const char *kind)
{
  static const RelinkTokenKind *const kinds[] = { &oauth2_kind, &auth_n_auth_kind };

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (kinds[i]->kind, kind) == 0)
      return kinds[i];

  return &unknown_kind;
}

GError *
relink_token_kind_no_refresh_error (const char *display_name, const char *label, gint64 expires_at)
{
  g_autofree char *date = NULL;

  if (expires_at > 0 && expires_at <= relink_now ())
    {
      date = relink_expiry_format_date (expires_at, NULL);
      return g_error_new (RELINK_TOKEN_SERVICE_ERROR, RELINK_TOKEN_SERVICE_ERROR_NO_REFRESH,
                          /* Translators: "The Auth'n'Auth token of “Shop A” expired on 6 June
                           * 2028. …" */
                          _ ("The %s token of “%s” expired on %s. It cannot be renewed without "
                             "you: renew it to sign in again."),
                          label, display_name, date);
    }

  return g_error_new (RELINK_TOKEN_SERVICE_ERROR, RELINK_TOKEN_SERVICE_ERROR_NO_REFRESH,
                      /* Translators: "An Auth'n'Auth token cannot be refreshed. …" */
                      _ ("The %s token of “%s” cannot be refreshed. Renew it to sign in again."),
                      label, display_name);
}
