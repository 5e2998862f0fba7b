/* test-http-call.c: the bounded HTTP exchange every network call of
 * Relink goes through (relink-http-call.h), on a loopback server: the
 * size limit, the one deadline, the caller's cancel.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "relink-http-call.h"
#include "relink-test-oidc.h"
#include "relink-test-util.h"

/* Small, so that an answer above it fits in the sockets' buffers. */
#define LIMIT 1024

typedef struct
{
  SoupServer *server;
  char *base;
  SoupSession *session;
  /* Connections taken over from the server by a case that answers by
   * hand (or not at all). */
  GPtrArray *held;
  guint drip_id;
  GAsyncResult *result;
} Fixture;

static void
answer (SoupServerMessage *msg, guint status, gsize length)
{
  char *body = g_malloc (length + 1);

  memset (body, 'a', length);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_TAKE, body, length);
}

/* A chunked answer of @n_chunks chunks of @size bytes each. */
static void
answer_chunked (Fixture *fixture, SoupServerMessage *msg, guint n_chunks, gsize size)
{
  g_autoptr (GString) raw
      = g_string_new ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                      "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");

  for (guint i = 0; i < n_chunks; i++)
    {
      g_string_append_printf (raw, "%zx\r\n", size);
      for (gsize j = 0; j < size; j++)
        g_string_append_c (raw, 'c');
      g_string_append (raw, "\r\n");
    }
  g_string_append (raw, "0\r\n\r\n");
  relink_test_hold_connection (fixture->held, msg, raw->str);
}

static void
server_cb (SoupServer *server,
           SoupServerMessage *msg,
           const char *path,
           GHashTable *query,
           gpointer user_data)
{
  Fixture *fixture = user_data;

  if (g_str_equal (path, "/hello"))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "hello", 5);
    }
  else if (g_str_equal (path, "/empty"))
    answer (msg, 200, 0);
  else if (g_str_equal (path, "/at-limit"))
    answer (msg, 200, LIMIT);
  else if (g_str_equal (path, "/too-large"))
    answer (msg, 200, LIMIT + 1);
  else if (g_str_equal (path, "/error-page"))
    answer (msg, 503, 10);
  else if (g_str_equal (path, "/chunked-at-limit"))
    answer_chunked (fixture, msg, 4, LIMIT / 4);
  else if (g_str_equal (path, "/chunked-too-large"))
    answer_chunked (fixture, msg, 2, LIMIT / 2 + 1);
  else if (g_str_equal (path, "/stall"))
    relink_test_hold_connection (fixture->held, msg, NULL);
  else if (g_str_equal (path, "/drip"))
    {
      /* Headers, then a byte now and then: never a whole body. */
      relink_test_hold_connection (fixture->held, msg,
                                   "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                   "Content-Length: 1000\r\n\r\n");
      if (fixture->drip_id == 0)
        fixture->drip_id = g_timeout_add (200, relink_test_drip_cb, fixture->held);
    }
  else
    soup_server_message_set_status (msg, 404, NULL);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, server_cb, fixture, NULL);
  fixture->base = relink_test_listen_local (fixture->server);
  fixture->held = g_ptr_array_new_with_free_func (g_object_unref);
  /* An idle timeout shorter than a drip's whole answer: only the call's
   * own deadline can end that. */
  fixture->session = relink_test_new_session ();
  soup_session_set_timeout (fixture->session, 1);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_clear_handle_id (&fixture->drip_id, g_source_remove);
  soup_session_abort (fixture->session);
  g_clear_object (&fixture->session);
  g_ptr_array_unref (fixture->held);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_free (fixture->base);
  g_clear_object (&fixture->result);
}

/* Runs one exchange to its end; the body, or NULL and @error. */
static GBytes *
call (Fixture *fixture,
      const char *path,
      guint deadline,
      GCancellable *cancellable,
      guint *status,
      GError **error)
{
  g_autofree char *url = g_strconcat (fixture->base, path, NULL);
  g_autoptr (SoupMessage) message = soup_message_new (SOUP_METHOD_GET, url);

  g_clear_object (&fixture->result);
  relink_http_call_async (fixture->session, message, LIMIT, deadline, cancellable,
                          relink_test_result_cb, &fixture->result);
  return relink_http_call_finish (relink_test_wait_result (&fixture->result), status, error);
}

static void
test_answer (Fixture *fixture, gconstpointer data)
{
  struct
  {
    const char *path;
    guint status;
    gsize size;
  } cases[] = {
    { "/hello", 200, 5 },
    { "/empty", 200, 0 },
    { "/at-limit", 200, LIMIT },
    { "/chunked-at-limit", 200, LIMIT },
    /* An error page is an answer: the caller reads it. */
    { "/error-page", 503, 10 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) body = NULL;
      guint status = 0;
      const char *bytes;
      gsize size;

      body = call (fixture, cases[i].path, 10, NULL, &status, &error);
      g_assert_no_error (error);
      g_assert_nonnull (body);
      g_assert_cmpuint (status, ==, cases[i].status);
      bytes = g_bytes_get_data (body, &size);
      g_assert_cmpuint (size, ==, cases[i].size);
      /* Never NULL, and readable as a string. */
      g_assert_nonnull (bytes);
      g_assert_cmpint (bytes[size], ==, '\0');
      if (g_str_equal (cases[i].path, "/hello"))
        g_assert_cmpmem (bytes, size, "hello", 5);
    }
}

static void
test_too_large (Fixture *fixture, gconstpointer data)
{
  /* Told by Content-Length before reading, or found while reading. */
  const char *paths[] = { "/too-large", "/chunked-too-large" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) body = NULL;
      guint status = 0;

      body = call (fixture, paths[i], 10, NULL, &status, &error);
      g_assert_null (body);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
      g_assert_cmpuint (status, ==, 200);
    }
}

/* Asserts that an exchange with a deadline of @deadline seconds ended
 * with a time-out, and not before @deadline - 1 s: a timer in whole
 * seconds may fire up to a second early (GLib groups them). */
static void
assert_timed_out (Fixture *fixture, const char *path, guint deadline, guint expected_status)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;
  guint status = 0;

  body = call (fixture, path, deadline, NULL, &status, &error);
  elapsed = g_get_monotonic_time () - start;
  g_assert_null (body);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpuint (status, ==, expected_status);
  g_assert_cmpint (elapsed, >=, (deadline - 1) * G_USEC_PER_SEC);
  g_assert_cmpint (elapsed, <, (deadline + 5) * G_USEC_PER_SEC);
}

static void
test_deadline_stall (Fixture *fixture, gconstpointer data)
{
  /* No headers ever, and a session without a timeout of its own: only
   * the deadline ends the wait. */
  g_object_unref (fixture->session);
  fixture->session = relink_test_new_session ();
  assert_timed_out (fixture, "/stall", 2, 0);
}

static void
test_deadline_drip (Fixture *fixture, gconstpointer data)
{
  /* A byte every 200 ms never trips the session's 1 s idle timeout:
   * the 3 s deadline ends it, after 2 s at least. */
  assert_timed_out (fixture, "/drip", 3, 200);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture *fixture, gconstpointer data)
{
  /* Before sending, while waiting for the headers, while reading. */
  const char *paths[] = { "/hello", "/stall", "/drip" };
  guint delays[] = { 0, 300, 600 };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (GCancellable) cancellable = g_cancellable_new ();
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) body = NULL;
      gint64 start = g_get_monotonic_time ();
      guint status = 0;

      if (delays[i] == 0)
        g_cancellable_cancel (cancellable);
      else
        g_timeout_add (delays[i], cancel_cb, cancellable);
      /* A deadline far off: the cancel, not the deadline, ends it. */
      body = call (fixture, paths[i], 60, cancellable, &status, &error);
      g_assert_null (body);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
      if (g_str_equal (paths[i], "/drip"))
        g_assert_cmpuint (status, ==, 200);
    }
}

static void
test_unreachable (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  guint status = 0;

  /* Nobody listens any more: the transport's own error. */
  soup_server_disconnect (fixture->server);
  body = call (fixture, "/hello", 10, NULL, &status, &error);
  g_assert_null (body);
  g_assert_nonnull (error);
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
  g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE));
  g_assert_cmpuint (status, ==, 0);
}

static void
test_deadline_seconds (void)
{
  g_unsetenv ("RELINK_NETWORK_DEADLINE_SECONDS");
  g_assert_cmpuint (relink_http_call_deadline_seconds (), ==, RELINK_HTTP_CALL_DEADLINE_SECONDS);
  g_setenv ("RELINK_NETWORK_DEADLINE_SECONDS", "3", TRUE);
  g_assert_cmpuint (relink_http_call_deadline_seconds (), ==, 3);
  /* Only ever shorter. */
  g_setenv ("RELINK_NETWORK_DEADLINE_SECONDS", "3600", TRUE);
  g_assert_cmpuint (relink_http_call_deadline_seconds (), ==, RELINK_HTTP_CALL_DEADLINE_SECONDS);
  g_setenv ("RELINK_NETWORK_DEADLINE_SECONDS", "0", TRUE);
  g_assert_cmpuint (relink_http_call_deadline_seconds (), ==, RELINK_HTTP_CALL_DEADLINE_SECONDS);
  g_unsetenv ("RELINK_NETWORK_DEADLINE_SECONDS");
}

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/http-call/answer", test_answer);
  ADD ("/http-call/too-large", test_too_large);
  ADD ("/http-call/deadline/stall", test_deadline_stall);
  ADD ("/http-call/deadline/drip", test_deadline_drip);
  ADD ("/http-call/cancel", test_cancel);
  ADD ("/http-call/unreachable", test_unreachable);
  g_test_add_func ("/http-call/deadline-seconds", test_deadline_seconds);

  return g_test_run ();
}
