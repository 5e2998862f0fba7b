/* relink-http-call.h
 *
 * One bounded HTTP exchange, what the OAuth client, the Trading client
 * and provider discovery share: send a SoupMessage, read at most a given
 * number of bytes of the answer, all of it before one deadline.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The whole of one call, from sending to the last byte of the answer: a
 * server that drips a byte now and then never trips a session's idle
 * timeout. RELINK_NETWORK_DEADLINE_SECONDS shortens it, for the tests. */
#define RELINK_HTTP_CALL_DEADLINE_SECONDS 60

/* RELINK_HTTP_CALL_DEADLINE_SECONDS, or the shorter
 * RELINK_NETWORK_DEADLINE_SECONDS of the environment. */
guint relink_http_call_deadline_seconds (void);

/* Sends @message on @session and reads its answer's body, which must
 * end within @deadline_seconds of this call and be at most @max_size
 * bytes (a Content-Length above it is refused before reading).
 * Cancelling @cancellable ends the wait. The message is the caller's:
 * its flags, request and, once finished, response headers. */
void relink_http_call_async (SoupSession *session,
                             SoupMessage *message,
                             gsize max_size,
                             guint deadline_seconds,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);

/* The body, whatever the HTTP status (an error page is an answer too):
 * its data is followed by a NUL byte not counted in its size, is never
 * NULL, and is wiped when the last reference goes. @out_status: the HTTP
 * status once the headers arrived, even when reading the body then
 * failed; 0 when they never did.
 *
 * Errors are verdicts for the caller to put in its own words (these
 * messages are not for people): G_IO_ERROR_CANCELLED when @cancellable
 * was cancelled, G_IO_ERROR_TIMED_OUT when the deadline passed (or the
 * session's own timeout), G_IO_ERROR_MESSAGE_TOO_LARGE when the answer
 * is larger than @max_size, else the transport's own error (a
 * G_TLS_ERROR, a G_RESOLVER_ERROR, a G_IO_ERROR). */
GBytes *relink_http_call_finish (GAsyncResult *result, guint *out_status, GError **error);

G_END_DECLS
