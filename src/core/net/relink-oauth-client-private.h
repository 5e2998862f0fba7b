/* relink-oauth-client-private.h
 *
 * What only tests use of RelinkOAuthClient, and what its two files share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "relink-expiry.h"
#include "relink-oauth-client.h"
#include "relink-token-response.h"

G_BEGIN_DECLS

/* Replaces the clock that dates new tokens (issued_at and expiries); NULL
 * restores the real one. */
void
relink_oauth_client_set_clock (RelinkOAuthClient *self, RelinkClockFunc clock, gpointer user_data);

/* What relink-oauth-client.c (the session, sending a call under its
 * deadline with relink_http_call_async(), reading the answer) and relink-oauth-client-calls.c (each
 * call's request) share. */

/* One HTTP exchange and what is needed to read its answer. */
typedef struct
{
  RelinkProvider *provider;
  RelinkKeyset *keyset;
  RelinkOAuthCall call;
  RelinkTokenSet *previous;
  RelinkAuthResponse *auth_response;
  char *requested_scope;
  char *host;
  /* Everything secret that was sent, cut out of any error message in
   * case a marketplace echoes it back. Wiped when done. */
  GPtrArray *secrets;

  SoupMessage *message;
  guint status;
  gint64 retry_after;
  GBytes *body; /* wiped when freed */
} Call;

void relink_oauth_call_free (Call *call);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Call, relink_oauth_call_free)

/* One form field; the list ends with a NULL name. */
typedef struct
{
  const char *name;
  const char *value;
} Param;

gboolean relink_oauth_is_blank (const char *text);
Call *relink_oauth_call_new (RelinkProvider *provider, RelinkKeyset *keyset, RelinkOAuthCall kind);
void relink_oauth_call_add_secret (Call *call, const char *secret);
void relink_oauth_call_fail_start (GTask *task, GError *error);
GTask *relink_oauth_client_new_task (RelinkOAuthClient *self,
                                     Call *call,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data,
                                     gpointer source_tag);
void relink_oauth_client_send_call (GTask *task, const char *url);
const RelinkProviderEnvironment *
relink_oauth_keyset_environment (RelinkProvider *provider, RelinkKeyset *keyset, GError **error);
gboolean relink_oauth_check_client_secret (RelinkProvider *provider,
                                           const char *client_secret,
                                           GError **error);
SoupMessage *relink_oauth_client_build_token_message (RelinkOAuthClient *self,
                                                      RelinkProvider *provider,
                                                      RelinkKeyset *keyset,
                                                      const char *url,
                                                      const Param *params,
                                                      const char *client_secret);

G_END_DECLS
