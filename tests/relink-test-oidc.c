/* relink-test-oidc.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "relink-test-oidc.h"

#define START_TIMEOUT_MS (30 * 1000)
#define STOP_TIMEOUT_MS (5 * 1000)
#define LISTENING_PREFIX "listening http://127.0.0.1:"

struct _RelinkTestOidc
{
  GSubprocess *process;
  /* Kept so that the server's stdout stays open: it must never write into
   * a closed pipe. */
  GDataInputStream *stdout_stream;
  GPid pid;
  char *issuer;
};

/* One asynchronous step run to completion on a private main context, so
 * that waiting for the server dispatches nothing of the caller's. */
typedef struct
{
  GCancellable *cancellable;
  gboolean done;
  gboolean timed_out;
  char *line;
  GError *error;
} Wait;

static gboolean
wait_timeout_cb (gpointer user_data)
{
  Wait *wait = user_data;

  wait->timed_out = TRUE;
  g_cancellable_cancel (wait->cancellable);
  return G_SOURCE_REMOVE;
}

static void
wait_run (Wait *wait, GMainContext *context, guint timeout_ms)
{
  g_autoptr (GSource) timeout = g_timeout_source_new (timeout_ms);

  g_source_set_callback (timeout, wait_timeout_cb, wait, NULL);
  g_source_attach (timeout, context);
  while (!wait->done)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
}

static void
read_line_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  wait->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result,
                                                          NULL, &wait->error);
  wait->done = TRUE;
}

static void
wait_process_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, &wait->error);
  wait->done = TRUE;
}

/* Ends the process for good: SIGTERM, then SIGKILL if it lingers. */
static void
end_process (GSubprocess *process, gboolean gently)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Wait wait = { .cancellable = cancellable };

  if (gently)
    g_subprocess_send_signal (process, SIGTERM);
  else
    g_subprocess_force_exit (process);

  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (process, cancellable, wait_process_cb, &wait);
  wait_run (&wait, context, STOP_TIMEOUT_MS);
  g_main_context_pop_thread_default (context);
  g_clear_error (&wait.error);

  if (wait.timed_out)
    {
      g_subprocess_force_exit (process);
      g_subprocess_wait (process, NULL, NULL);
    }
}

static char *
find_node (void)
{
  char *node = g_find_program_in_path ("node");

  return node != NULL ? node : g_find_program_in_path ("nodejs");
}

/* The issuer from the server's one line, or NULL if the line is not
 * what server.js prints. */
static char *
parse_listening (const char *line)
{
  const char *port;
  char *end = NULL;
  guint64 n;

  if (line == NULL || !g_str_has_prefix (line, LISTENING_PREFIX))
    return NULL;
  port = line + strlen (LISTENING_PREFIX);
  if (!g_ascii_isdigit (*port))
    return NULL;
  n = g_ascii_strtoull (port, &end, 10);
  if (*end != '\0' || n == 0 || n > 65535)
    return NULL;
  return g_strdup (line + strlen ("listening "));
}

/* What the kernel says of a process that did not answer in time: its state
 * letter and the CPU seconds it used, to tell a hang from a slow start. */
static char *
describe_process (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  g_auto (GStrv) fields = NULL;
  const char *after_name;
  long ticks = sysconf (_SC_CLK_TCK);

  if (!g_file_get_contents (path, &stat, NULL, NULL) || (after_name = strrchr (stat, ')')) == NULL)
    return g_strdup ("gone");
  /* After "pid (comm) ": state, ppid, ... utime is field 14, stime 15. */
  fields = g_strsplit (after_name + 2, " ", 14);
  if (g_strv_length (fields) < 14 || ticks <= 0)
    return g_strdup ("unknown");
  return g_strdup_printf ("state %s, %.2f s of CPU", fields[0],
                          (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL))
                              / ticks);
}

/* One attempt: spawns the server and reads its first line. Returns the
 * issuer, or NULL with @error set; @timed_out says whether it was silent
 * (rather than gone) when the time was up. */
static char *
spawn_and_wait (const char *const *argv,
                const char *oidc_dir,
                GSubprocess **process_out,
                GDataInputStream **stdout_out,
                gboolean *timed_out,
                GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GDataInputStream) stdout_stream = NULL;
  g_autoptr (GMainContext) context = NULL;
  g_autoptr (GCancellable) cancellable = NULL;
  g_autofree char *issuer = NULL;
  Wait wait = { 0 };

  *timed_out = FALSE;

  /* stdin is a pipe only we hold: when the test process ends, however it
   * ends, the server reads end-of-file and exits. Its stderr goes to the
   * test log. */
  launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_cwd (launcher, oidc_dir);
  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (process == NULL)
    return NULL;

  stdout_stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (stdout_stream), FALSE);

  context = g_main_context_new ();
  cancellable = g_cancellable_new ();
  wait.cancellable = cancellable;
  g_main_context_push_thread_default (context);
  g_data_input_stream_read_line_async (stdout_stream, G_PRIORITY_DEFAULT, cancellable, read_line_cb,
                                       &wait);
  wait_run (&wait, context, START_TIMEOUT_MS);
  g_main_context_pop_thread_default (context);

  issuer = parse_listening (wait.line);
  g_free (wait.line);
  g_clear_error (&wait.error);
  if (issuer == NULL)
    {
      *timed_out = wait.timed_out;
      if (wait.timed_out)
        {
          const char *identifier = g_subprocess_get_identifier (process);
          g_autofree char *state
              = describe_process (identifier != NULL ? (GPid) atoi (identifier) : 0);

          /* node writes a diagnostic report (stacks included) to its
           * stderr, which is the test log. */
          g_subprocess_send_signal (process, SIGUSR2);
          g_usleep (G_USEC_PER_SEC);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       "The test OAuth server did not start within %d seconds (%s); its "
                       "messages are in the test log",
                       START_TIMEOUT_MS / 1000, state);
        }
      else
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                             "The test OAuth server stopped before it was ready; its messages "
                             "are in the test log");
      end_process (process, FALSE);
      return NULL;
    }

  *process_out = g_steal_pointer (&process);
  *stdout_out = g_steal_pointer (&stdout_stream);
  return g_steal_pointer (&issuer);
}

RelinkTestOidc *
relink_test_oidc_start (const char *const *extra_args, GError **error)
{
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GDataInputStream) stdout_stream = NULL;
  g_autoptr (GPtrArray) argv = NULL;
  g_autofree char *node = NULL;
  g_autofree char *oidc_dir = NULL;
  g_autofree char *server = NULL;
  g_autofree char *installed = NULL;
  g_autofree char *issuer = NULL;
  const char *srcdir;
  const char *identifier;
  RelinkTestOidc *self;

  srcdir = g_getenv ("G_TEST_SRCDIR");
  if (srcdir == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "G_TEST_SRCDIR is not set: run the tests with build-aux/dev test");
      return NULL;
    }

  node = find_node ();
  if (node == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "Node.js is not installed, so the test OAuth server cannot run: "
                           "run build-aux/dev test, which installs it");
      return NULL;
    }

  oidc_dir = g_build_filename (srcdir, "oidc", NULL);
  server = g_build_filename (oidc_dir, "server.js", NULL);
  installed = g_build_filename (oidc_dir, "node_modules", "oidc-provider", "package.json", NULL);
  if (!g_file_test (server, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "The test OAuth server %s is missing: G_TEST_SRCDIR must be the tests/ "
                   "source directory",
                   server);
      return NULL;
    }
  if (!g_file_test (installed, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "The test OAuth server's packages are not installed in %s/node_modules: "
                   "run build-aux/dev test, which installs them with npm ci",
                   oidc_dir);
      return NULL;
    }

  argv = g_ptr_array_new ();
  g_ptr_array_add (argv, node);
  /* On SIGUSR2 node prints where it is (JavaScript and native stacks):
   * what a server that never says it listens was doing. */
  g_ptr_array_add (argv, (char *) "--report-on-signal");
  g_ptr_array_add (argv, (char *) "--report-signal=SIGUSR2");
  g_ptr_array_add (argv, (char *) "--report-filename=stderr");
  g_ptr_array_add (argv, server);
  g_ptr_array_add (argv, (char *) "--port");
  g_ptr_array_add (argv, (char *) "0");
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  /* A server that stays silent is retried once with a fresh process: a rare
   * stall of the test server (seen once in CI, never reproduced) must not
   * read as a failure of Relink. A server that exits is never retried. */
  for (guint attempt = 1; issuer == NULL; attempt++)
    {
      g_autoptr (GError) local_error = NULL;
      gboolean timed_out;

      issuer = spawn_and_wait ((const char *const *) argv->pdata, oidc_dir, &process,
                               &stdout_stream, &timed_out, &local_error);
      if (issuer != NULL)
        break;
      if (!timed_out || attempt == 2)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_test_message ("%s; starting it once more", local_error->message);
    }

  self = g_new0 (RelinkTestOidc, 1);
  identifier = g_subprocess_get_identifier (process);
  self->pid = identifier != NULL ? (GPid) atoi (identifier) : 0;
  self->process = g_steal_pointer (&process);
  self->stdout_stream = g_steal_pointer (&stdout_stream);
  self->issuer = g_steal_pointer (&issuer);
  return self;
}

const char *
relink_test_oidc_get_issuer (RelinkTestOidc *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->issuer;
}

GPid
relink_test_oidc_get_pid (RelinkTestOidc *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->pid;
}

void
relink_test_oidc_stop (RelinkTestOidc *self)
{
  if (self == NULL)
    return;

  end_process (self->process, TRUE);
  g_clear_object (&self->stdout_stream);
  g_clear_object (&self->process);
  g_free (self->issuer);
  g_free (self);
}

SoupSession *
relink_test_new_session (void)
{
  return soup_session_new_with_options ("proxy-resolver", NULL, NULL);
}

char *
relink_test_listen_local (SoupServer *server)
{
  g_autoptr (GError) error = NULL;
  g_autoslist (GUri) uris = NULL;

  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  return g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
}

GHashTable *
relink_test_read_form (SoupServerMessage *msg)
{
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) body = soup_message_body_flatten (request_body);
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  return soup_form_decode (text);
}

void
relink_test_answer_json (SoupServerMessage *msg, guint status, const char *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

void
relink_test_oidc_write_profile (RelinkTestOidc *self,
                                const char *dir,
                                const char *revoke_url,
                                gboolean rotating)
{
  g_autofree char *own_revoke_url = g_strconcat (self->issuer, "/token/revocation", NULL);
  g_autofree char *json = NULL;
  g_autofree char *path = g_build_filename (dir, "test-oidc.json", NULL);
  g_autoptr (GError) error = NULL;

  json = g_strdup_printf (
      "{ \"format_version\": 1, \"id\": \"" RELINK_TEST_OIDC_PROVIDER_ID "\","
      "  \"name\": \"Test OIDC\", \"client_auth\": \"basic\", \"pkce\": \"required\","
      "  \"scopes\": [\"openid\", \"offline_access\", \"listings.read\"],"
      "  \"refresh_lifetime\": %d, %s"
      "  \"identity\": { \"source\": \"id_token\" },"
      "  \"environments\": [ { \"id\": \"test\", \"name\": \"Test\", \"production\": false,"
      "    \"authorize_url\": \"%s/auth\", \"token_url\": \"%s/token\","
      "    \"revoke_url\": \"%s\", \"identity_url\": \"%s/me\" } ] }",
      90 * 24 * 3600, rotating ? "\"rotating_refresh\": true, \"refresh_extends\": true," : "",
      self->issuer, self->issuer, revoke_url != NULL ? revoke_url : own_revoke_url, self->issuer);
  g_file_set_contents (path, json, -1, &error);
  g_assert_no_error (error);
}

/* The browser part */

typedef struct
{
  guint status;
  char *uri;      /* of the page */
  char *text;     /* the page */
  char *callback; /* the redirect to Relink, caught and never fetched */
} Page;

static void
page_clear (Page *page)
{
  g_clear_pointer (&page->uri, g_free);
  g_clear_pointer (&page->text, g_free);
  g_clear_pointer (&page->callback, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Page, page_clear)

/* Requests @uri (POSTing @form unless NULL) and follows the server's
 * redirects, stopping at a page or at the redirect address. */
static void
browse (SoupSession *session, const char *uri, const char *form, Page *page)
{
  g_autofree char *next = g_strdup (uri);
  gboolean post = form != NULL;

  page_clear (page);

  for (guint i = 0; i < 10; i++)
    {
      g_autoptr (SoupMessage) msg = soup_message_new (post ? "POST" : "GET", next);
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) body = NULL;
      const char *location;

      g_assert_nonnull (msg);
      soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
      if (post)
        {
          g_autoptr (GBytes) bytes = g_bytes_new (form, strlen (form));

          soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded",
                                                    bytes);
        }
      post = FALSE;

      body = soup_session_send_and_read (session, msg, NULL, &error);
      g_assert_no_error (error);

      location = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location");
      if (location != NULL)
        {
          g_autofree char *resolved
              = g_uri_resolve_relative (next, location, G_URI_FLAGS_NONE, &error);

          g_assert_no_error (error);
          if (g_str_has_prefix (resolved, RELINK_TEST_OIDC_REDIRECT_URI))
            {
              page->status = soup_message_get_status (msg);
              page->callback = g_steal_pointer (&resolved);
              return;
            }
          g_free (next);
          next = g_steal_pointer (&resolved);
          continue;
        }

      page->status = soup_message_get_status (msg);
      page->uri = g_steal_pointer (&next);
      page->text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      return;
    }

  g_assert_not_reached ();
}

/* The action of the form with @id on @page, absolute. */
static char *
form_action (Page *page, const char *id)
{
  g_autofree char *marker = g_strdup_printf ("<form id=\"%s\"", id);
  g_autoptr (GError) error = NULL;
  g_autofree char *action = NULL;
  g_auto (GStrv) parts = NULL;
  const char *start;
  const char *end;
  char *resolved;

  g_assert_nonnull (page->text);
  start = strstr (page->text, marker);
  g_assert_nonnull (start);
  start = strstr (start, "action=\"");
  g_assert_nonnull (start);
  start += strlen ("action=\"");
  end = strchr (start, '"');
  g_assert_nonnull (end);

  action = g_strndup (start, end - start);
  parts = g_strsplit (action, "&amp;", -1);
  g_free (action);
  action = g_strjoinv ("&", parts);

  resolved = g_uri_resolve_relative (page->uri, action, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  return resolved;
}

char *
relink_test_oidc_sign_in (const char *authorize_url, const char *user, gboolean allow)
{
  g_autoptr (SoupSession) session = relink_test_new_session ();
  g_autofree char *login_action = NULL;
  g_autofree char *consent_action = NULL;
  g_autofree char *form = NULL;
  g_autofree char *escaped = g_uri_escape_string (user, NULL, FALSE);
  g_auto (Page) page = { 0 };

  /* A fresh session each time, as in the login view: no remembered login. */
  soup_session_add_feature_by_type (session, SOUP_TYPE_COOKIE_JAR);

  browse (session, authorize_url, NULL, &page);
  g_assert_cmpuint (page.status, ==, 200);
  login_action = form_action (&page, "login-form");

  form = g_strdup_printf ("login=%s&password=" RELINK_TEST_OIDC_PASSWORD, escaped);
  browse (session, login_action, form, &page);
  g_assert_cmpuint (page.status, ==, 200);
  g_assert_nonnull (strstr (page.text, "id=\"allow\""));
  consent_action = form_action (&page, allow ? "consent-form" : "deny-form");

  browse (session, consent_action, "", &page);
  g_assert_nonnull (page.callback);
  return g_steal_pointer (&page.callback);
}

/* Checks against the server itself */

char *
relink_test_oidc_userinfo_sub (RelinkTestOidc *self, const char *access_token)
{
  g_autofree char *uri = g_strconcat (self->issuer, "/me", NULL);
  g_autofree char *bearer = g_strconcat ("Bearer ", access_token, NULL);
  g_autoptr (SoupSession) session = relink_test_new_session ();
  g_autoptr (SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, uri);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (soup_message_get_status (msg) != 200)
    return NULL;

  json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                              &error);
  g_assert_no_error (error);
  return g_strdup (
      json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "sub"));
}

guint
relink_test_oidc_refresh_status (RelinkTestOidc *self, const char *refresh_token)
{
  g_autofree char *uri = g_strconcat (self->issuer, "/token", NULL);
  g_autofree char *pair
      = g_strconcat (RELINK_TEST_OIDC_CLIENT_ID ":", RELINK_TEST_OIDC_CLIENT_SECRET, NULL);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_autofree char *basic = g_strconcat ("Basic ", encoded, NULL);
  g_autofree char *escaped = g_uri_escape_string (refresh_token, NULL, FALSE);
  g_autofree char *form = g_strconcat ("grant_type=refresh_token&refresh_token=", escaped, NULL);
  g_autoptr (SoupSession) session = relink_test_new_session ();
  g_autoptr (SoupMessage) msg = soup_message_new (SOUP_METHOD_POST, uri);
  g_autoptr (GBytes) bytes = g_bytes_new (form, strlen (form));
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", basic);
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", bytes);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  return soup_message_get_status (msg);
}

void
relink_test_hold_connection (GPtrArray *held, SoupServerMessage *msg, const char *raw)
{
  GIOStream *stream = soup_server_message_steal_connection (msg);

  g_assert_nonnull (stream);
  if (raw != NULL)
    g_output_stream_write_all (g_io_stream_get_output_stream (stream), raw, strlen (raw), NULL,
                               NULL, NULL);
  g_ptr_array_add (held, stream);
}

gboolean
relink_test_drip_cb (gpointer user_data)
{
  GPtrArray *held = user_data;

  for (guint i = 0; i < held->len; i++)
    {
      GIOStream *stream = g_ptr_array_index (held, i);

      g_output_stream_write (g_io_stream_get_output_stream (stream), " ", 1, NULL, NULL);
    }
  return G_SOURCE_CONTINUE;
}
