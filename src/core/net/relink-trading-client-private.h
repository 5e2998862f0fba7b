/* relink-trading-client-private.h
 *
 * What relink-trading-client.c (the session, sending a call under its
 * deadline, reading and mapping the answer) and
 * relink-trading-client-calls.c (each call and what surrounds it) share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "relink-trading-client.h"

G_BEGIN_DECLS

typedef enum
{
  CALL_GET_SESSION_ID,
  CALL_FETCH_TOKEN,
  CALL_GET_USER,
  CALL_GET_TOKEN_STATUS,
  CALL_REVOKE_TOKEN
} CallKind;

/* One call's input; the strings are the caller's. */
typedef struct
{
  CallKind kind;
  const char *cert_id;
  const char *token;
  RelinkTradingCredential credential;
  const char *session_id;
} Request;

/* Starts @request on a new task that answers @callback: a string
 * (GetSessionID), a RelinkTokenSet (FetchToken), a RelinkIdentity
 * (GetUser), a status (GetTokenStatus, see
 * relink_trading_client_get_token_status_finish()) or a boolean. */
void relink_trading_client_start_call (RelinkTradingClient *self,
                                       RelinkProvider *provider,
                                       RelinkKeyset *keyset,
                                       const Request *request,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data,
                                       gpointer source_tag);

/* GetTokenStatus's result. */
typedef struct
{
  RelinkTradingTokenStatus status;
  gint64 expires_at;
} RelinkTradingStatusResult;

G_END_DECLS
