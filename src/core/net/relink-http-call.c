/* relink-http-call.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "relink-http-call.h"

/* Room beyond the limit: any of it tells "exactly at the limit" from
 * "larger". More than one byte, because libsoup's chunked decoder cannot
 * read the end of a body into 2 bytes or fewer (a critical warning and a
 * failed read). */
#define READ_SLACK 64

/* Where the answer is read to: the limit, READ_SLACK, and a NUL after
 * the answer. Allocated once, so that it never moves and leaves unwiped
 * copies behind; wiped when freed. */
typedef struct
{
  gsize size;
  guint8 data[];
} Buffer;

static void
buffer_free (gpointer data)
{
  Buffer *buffer = data;

  explicit_bzero (buffer->data, buffer->size);
  g_free (buffer);
}

/* One exchange in flight; the task data of its task. */
typedef struct
{
  SoupMessage *message;
  gsize max_size;
  GInputStream *stream;
  guint status;
  Buffer *buffer;
  gsize length;

  /* The exchange's own cancellable, which the caller's cancel and the
   * deadline both trip. */
  GCancellable *cancellable;
  GCancellable *caller_cancellable;
  gulong caller_handler;
  GSource *deadline;
  gboolean timed_out;
} HttpCall;

static void
http_call_free (HttpCall *call)
{
  if (call->deadline != NULL)
    {
      g_source_destroy (call->deadline);
      g_clear_pointer (&call->deadline, g_source_unref);
    }
  if (call->caller_handler != 0)
    g_cancellable_disconnect (call->caller_cancellable, call->caller_handler);
  g_clear_object (&call->caller_cancellable);
  g_clear_object (&call->cancellable);
  g_clear_object (&call->message);
  g_clear_object (&call->stream);
  g_clear_pointer (&call->buffer, buffer_free);
  g_free (call);
}

guint
relink_http_call_deadline_seconds (void)
{
  const char *deadline = g_getenv ("RELINK_NETWORK_DEADLINE_SECONDS");
  guint64 seconds = RELINK_HTTP_CALL_DEADLINE_SECONDS;

  if (deadline != NULL)
    g_ascii_string_to_unsigned (deadline, 10, 1, RELINK_HTTP_CALL_DEADLINE_SECONDS, &seconds, NULL);
  return (guint) seconds;
}

/* Returns the verdict on a failed send or read: once the deadline has
 * passed, whatever broke off is a time-out; the caller's cancel stays
 * G_IO_ERROR_CANCELLED. Takes @task. */
static void
fail (GTask *task, GError *error)
{
  g_autoptr (GTask) owned = task;
  HttpCall *call = g_task_get_task_data (owned);

  if (call->timed_out)
    {
      g_clear_error (&error);
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                   "No whole answer before the deadline");
    }
  g_task_return_error (owned, error);
}

/* Takes @task. */
static void
fail_too_large (GTask *task)
{
  g_autoptr (GTask) owned = task;
  HttpCall *call = g_task_get_task_data (owned);

  /* Nothing more of it is read; the connection is not reused. */
  g_input_stream_close_async (call->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_task_return_new_error (owned, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE, "%s",
                           "The answer is larger than allowed");
}

static void
body_closed_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  HttpCall *call = g_task_get_task_data (task);
  Buffer *buffer = g_steal_pointer (&call->buffer);

  /* The whole answer is in: a failure to close changes nothing of it. */
  g_input_stream_close_finish (G_INPUT_STREAM (object), result, NULL);
  /* A read may use the room beyond what it returns (libsoup's chunked
   * decoder leaves a chunk's CRLF there). */
  buffer->data[call->length] = '\0';
  g_task_return_pointer (
      task, g_bytes_new_with_free_func (buffer->data, call->length, buffer_free, buffer),
      (GDestroyNotify) g_bytes_unref);
}

static void read_chunk (GTask *task);

static void
read_chunk_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  HttpCall *call = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n < 0)
    {
      fail (g_steal_pointer (&task), error);
      return;
    }

  /* Closed before the caller hears of it, so the connection is back in
   * the pool for the caller's next request. */
  if (n == 0)
    {
      g_input_stream_close_async (call->stream, G_PRIORITY_DEFAULT, NULL, body_closed_cb,
                                  g_steal_pointer (&task));
      return;
    }

  call->length += n;
  if (call->length > call->max_size)
    {
      fail_too_large (g_steal_pointer (&task));
      return;
    }

  read_chunk (g_steal_pointer (&task));
}

/* Takes @task. */
static void
read_chunk (GTask *task)
{
  HttpCall *call = g_task_get_task_data (task);

  g_input_stream_read_async (call->stream, call->buffer->data + call->length,
                             call->buffer->size - 1 - call->length, G_PRIORITY_DEFAULT,
                             call->cancellable, read_chunk_cb, task);
}

static void
send_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  HttpCall *call = g_task_get_task_data (task);
  GError *error = NULL;
  SoupMessageHeaders *headers;

  call->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (call->stream == NULL)
    {
      fail (g_steal_pointer (&task), error);
      return;
    }

  call->status = soup_message_get_status (call->message);
  headers = soup_message_get_response_headers (call->message);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > (goffset) call->max_size)
    {
      fail_too_large (g_steal_pointer (&task));
      return;
    }

  call->buffer = g_malloc0 (sizeof (Buffer) + call->max_size + READ_SLACK + 1);
  call->buffer->size = call->max_size + READ_SLACK + 1;
  read_chunk (g_steal_pointer (&task));
}

static gboolean
deadline_cb (gpointer user_data)
{
  HttpCall *call = user_data;

  call->timed_out = TRUE;
  g_clear_pointer (&call->deadline, g_source_unref);
  g_cancellable_cancel (call->cancellable);
  return G_SOURCE_REMOVE;
}

static void
caller_cancelled_cb (GCancellable *caller, gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

void
relink_http_call_async (SoupSession *session,
                        SoupMessage *message,
                        gsize max_size,
                        guint deadline_seconds,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  HttpCall *call;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (SOUP_IS_MESSAGE (message));
  g_return_if_fail (max_size < G_MAXSIZE - sizeof (Buffer) - READ_SLACK - 1);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_http_call_async);

  call = g_new0 (HttpCall, 1);
  call->message = g_object_ref (message);
  call->max_size = max_size;
  call->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, call, (GDestroyNotify) http_call_free);

  /* One deadline for the whole exchange: sending, the headers, the
   * body. Its requests and reads run on their own cancellable. */
  if (cancellable != NULL)
    {
      call->caller_cancellable = g_object_ref (cancellable);
      call->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                    call->cancellable, NULL);
    }
  call->deadline = g_timeout_source_new_seconds (deadline_seconds);
  g_source_set_callback (call->deadline, deadline_cb, call, NULL);
  g_source_attach (call->deadline, g_main_context_get_thread_default ());

  soup_session_send_async (session, message, G_PRIORITY_DEFAULT, call->cancellable, send_cb,
                           g_steal_pointer (&task));
}

GBytes *
relink_http_call_finish (GAsyncResult *result, guint *out_status, GError **error)
{
  HttpCall *call;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == relink_http_call_async, NULL);

  call = g_task_get_task_data (G_TASK (result));
  if (out_status != NULL)
    *out_status = call->status;
  return g_task_propagate_pointer (G_TASK (result), error);
}
