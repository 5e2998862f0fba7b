/* relink-test-oidc.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "relink-test-oidc.h"

#define START_TIMEOUT_MS (20 * 1000)
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

RelinkTestOidc *
relink_test_oidc_start (const char *const *extra_args, GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GDataInputStream) stdout_stream = NULL;
  g_autoptr (GMainContext) context = NULL;
  g_autoptr (GCancellable) cancellable = NULL;
  g_autoptr (GPtrArray) argv = NULL;
  g_autofree char *node = NULL;
  g_autofree char *oidc_dir = NULL;
  g_autofree char *server = NULL;
  g_autofree char *installed = NULL;
  g_autofree char *issuer = NULL;
  const char *srcdir;
  const char *identifier;
  RelinkTestOidc *self;
  Wait wait = { 0 };

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
  g_ptr_array_add (argv, server);
  g_ptr_array_add (argv, (char *) "--port");
  g_ptr_array_add (argv, (char *) "0");
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  /* stdin is a pipe only we hold: when the test process ends, however it
   * ends, the server reads end-of-file and exits. Its stderr goes to the
   * test log. */
  launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_cwd (launcher, oidc_dir);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, error);
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
  if (issuer == NULL)
    {
      if (wait.timed_out)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                     "The test OAuth server did not start within %d seconds; its messages are "
                     "in the test log",
                     START_TIMEOUT_MS / 1000);
      else
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                             "The test OAuth server stopped before it was ready; its messages "
                             "are in the test log");
      g_clear_error (&wait.error);
      g_free (wait.line);
      end_process (process, FALSE);
      return NULL;
    }
  g_free (wait.line);

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
