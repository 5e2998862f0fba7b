/* test-faults.c
 *
 * Fault injection: Relink's programs under a hostile marketplace, damaged
 * files and signals. Each case runs the built relinkctl as a child against
 * a private store, custom marketplace profiles and the real keyring of the
 * private test session, with a token endpoint on loopback (a SoupServer in
 * this process) that misbehaves as the case scripts it. Each asserts the
 * exit status, the message, and that the keyring item is byte-identical
 * unless a verified new token set arrived.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "relink-account-lock.h"
#include "relink-secrets.h"
#include "relink-store.h"
#include "relink-test-oidc.h"
#include "relink-test-util.h"
#include "relink-token-set.h"

/* Processes: not dumpable, not traceable */

/* A D-Bus "session bus" that accepts connections and never answers: a
 * program that reaches its first bus call waits there, long enough to be
 * looked at from outside. */
typedef struct
{
  char *address;
  GSocketListener *listener;
  GPtrArray *connections;
  gboolean accepted;
} DeafBus;

static void
deaf_bus_accepted_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  DeafBus *bus = user_data;
  GSocketConnection *connection;

  connection = g_socket_listener_accept_finish (G_SOCKET_LISTENER (object), result, NULL, NULL);
  if (connection == NULL)
    return;

  g_ptr_array_add (bus->connections, connection);
  bus->accepted = TRUE;
  g_socket_listener_accept_async (bus->listener, NULL, deaf_bus_accepted_cb, bus);
}

static void
deaf_bus_start (DeafBus *bus)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr (GSocketAddress) effective = NULL;

  bus->connections = g_ptr_array_new_with_free_func (g_object_unref);
  bus->listener = g_socket_listener_new ();
  g_socket_listener_add_address (bus->listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_DEFAULT, NULL, &effective, &error);
  g_assert_no_error (error);
  bus->address
      = g_strdup_printf ("tcp:host=127.0.0.1,port=%u",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  g_socket_listener_accept_async (bus->listener, NULL, deaf_bus_accepted_cb, bus);
}

static void
deaf_bus_stop (DeafBus *bus)
{
  g_socket_listener_close (bus->listener);
  g_clear_object (&bus->listener);
  g_clear_pointer (&bus->connections, g_ptr_array_unref);
  g_clear_pointer (&bus->address, g_free);
}

#define NOBODY 65534

/* Run as root (as in a container), the test would see through any
 * protection: the program then runs as nobody, and the checks run in a
 * child that is nobody too. */
static void
become_nobody (gpointer user_data)
{
  if (setgid (NOBODY) != 0 || setuid (NOBODY) != 0)
    _exit (120);
}

/* In a child with the program's user: 0 when ptrace attach was refused
 * with EPERM, 1 when it attached, 2 on another error. */
static int
try_ptrace (pid_t pid, gboolean as_nobody)
{
  pid_t child = fork ();
  int status;

  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      if (as_nobody)
        become_nobody (NULL);
      if (ptrace (PTRACE_SEIZE, pid, NULL, NULL) == 0)
        {
          ptrace (PTRACE_DETACH, pid, NULL, NULL);
          _exit (1);
        }
      _exit (errno == EPERM ? 0 : 2);
    }

  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

/* Starts @argv (a built program) with the deaf bus, waits until it
 * connects there (it has run past the first lines of main), and checks
 * from outside what another process of the same user can get at. */
static void
assert_program_hardened (const char *const *argv)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *root = relink_test_make_tmp_dir ();
  g_autofree char *environ_path = NULL;
  g_autofree char *limits_path = NULL;
  g_autofree char *limits = NULL;
  gboolean as_nobody = geteuid () == 0;
  DeafBus bus = { 0 };
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  struct stat info;
  pid_t pid;

  deaf_bus_start (&bus);
  launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                   | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", bus.address, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", root, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", root, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", root, TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", root, TRUE);
  if (as_nobody)
    {
      g_assert_cmpint (chmod (root, 0777), ==, 0);
      g_subprocess_launcher_set_child_setup (launcher, become_nobody, NULL, NULL);
    }
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  pid = atoi (g_subprocess_get_identifier (process));

  while (!bus.accepted && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (!bus.accepted)
    g_error ("%s never reached the session bus", argv[0]);

  /* Not dumpable: the kernel hands the process's /proc files to root, so
   * its user cannot read its environment, memory or descriptors. */
  environ_path = g_strdup_printf ("/proc/%d/environ", pid);
  if (as_nobody)
    {
      g_assert_cmpint (stat (environ_path, &info), ==, 0);
      if (info.st_uid != 0)
        g_error ("%s: its own user can read its environment", argv[0]);
    }
  else
    {
      int fd = open (environ_path, O_RDONLY | O_CLOEXEC);

      if (fd >= 0)
        {
          char buffer[64];
          gssize n = read (fd, buffer, sizeof buffer);

          close (fd);
          if (n >= 0)
            g_error ("%s: another process read its environment", argv[0]);
        }
      else
        {
          g_assert_cmpint (errno, ==, EACCES);
        }
    }

  /* No ptrace attach by its user either. */
  if (try_ptrace (pid, as_nobody) != 0)
    g_error ("%s: another process of its user could attach to it with ptrace", argv[0]);

  /* And the core limit is 0, soft and hard. */
  limits_path = g_strdup_printf ("/proc/%d/limits", pid);
  g_assert_true (g_file_get_contents (limits_path, &limits, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_regex_match_simple ("^Max core file size +0 +0 ", limits, G_REGEX_MULTILINE, 0));

  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
  deaf_bus_stop (&bus);
  relink_test_remove_dir (root);
}

static void
test_process_hardened (gconstpointer data)
{
  const char *const *parts = data;
  g_autofree char *program = g_test_build_filename (G_TEST_BUILT, "..", "src", parts[0], NULL);
  const char *const argv[] = { program, parts[1], parts[2], NULL };

  assert_program_hardened (argv);
}

/* The hostile marketplace */

#define PROVIDER_ID "hostile"
#define CLIENT_ID "hostile-client"
#define CLIENT_SECRET "hostile-client-secret-do-not-print"
#define OLD_ACCESS "Atza|old-access-keep"
#define OLD_REFRESH "Atzr|old-refresh-keep"
#define DEADLINE "3" /* RELINK_NETWORK_DEADLINE_SECONDS in the children */

typedef enum
{
  ANSWER_FRESH, /* a good token answer */
  ANSWER_HUGE,  /* valid JSON, 300 KB */
  ANSWER_DEEP,  /* 200 KB of '[' */
  ANSWER_DRIP,  /* a 200, then one byte a second */
  ANSWER_STALL, /* nothing at all */
  ANSWER_302,
  ANSWER_403_HTML,
  ANSWER_404_HTML,
  ANSWER_500,
  ANSWER_GARBAGE,   /* a 200 that is no JSON */
  ANSWER_NO_ACCESS, /* a 200 without access_token */
  ANSWER_INVALID_GRANT,
} Answer;

typedef struct
{
  char *root;
  char *data_dir;
  char *config_dir;
  char *base;
  SoupServer *server;
  RelinkStore *store;
  RelinkSecrets *secrets;
  char *keyset_id;
  char *account_id;

  Answer answer;
  guint requests;
  GPtrArray *held; /* GIOStream: connections taken over from libsoup */
  guint drip_id;
} Fixture;

static void
answer_html (SoupServerMessage *msg, guint status)
{
  static const char page[] = "<!DOCTYPE html><html><body><h1>Sign in</h1></body></html>";

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, page, strlen (page));
}

static void
token_cb (SoupServer *server,
          SoupServerMessage *msg,
          const char *path,
          GHashTable *query,
          gpointer user_data)
{
  Fixture *fixture = user_data;

  fixture->requests++;

  switch (fixture->answer)
    {
      case ANSWER_FRESH:
        relink_test_answer_json (msg, 200,
                                 "{\"access_token\":\"Atza|new-access\",\"token_type\":\"bearer\","
                                 "\"expires_in\":3600,\"refresh_token\":\"Atzr|new-refresh\"}");
        break;
      case ANSWER_HUGE:
        {
          GString *json = g_string_new ("{\"access_token\":\"Atza|huge\",\"expires_in\":3600,"
                                        "\"padding\":\"");

          for (guint i = 0; i < 300 * 1024; i++)
            g_string_append_c (json, 'x');
          g_string_append (json, "\"}");
          soup_server_message_set_status (msg, 200, NULL);
          soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, json->str,
                                            json->len);
          g_string_free (json, FALSE);
        }
        break;
      case ANSWER_DEEP:
        {
          gsize n = 200 * 1024;
          char *deep = g_malloc (n);

          memset (deep, '[', n);
          soup_server_message_set_status (msg, 200, NULL);
          soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, deep, n);
        }
        break;
      case ANSWER_DRIP:
        relink_test_hold_connection (fixture->held, msg,
                                     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                     "Content-Length: 1000\r\n\r\n{");
        if (fixture->drip_id == 0)
          fixture->drip_id = g_timeout_add (1000, relink_test_drip_cb, fixture->held);
        break;
      case ANSWER_STALL:
        relink_test_hold_connection (fixture->held, msg, NULL);
        break;
      case ANSWER_302:
        soup_server_message_set_redirect (msg, 302, "https://login.example.invalid/signin");
        break;
      case ANSWER_403_HTML:
        answer_html (msg, 403);
        break;
      case ANSWER_404_HTML:
        answer_html (msg, 404);
        break;
      case ANSWER_500:
        relink_test_answer_json (msg, 500, "{\"error\":\"server_error\"}");
        break;
      case ANSWER_GARBAGE:
        soup_server_message_set_status (msg, 200, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                          "\x01\x02 not json at all \xff", 20);
        break;
      case ANSWER_NO_ACCESS:
        relink_test_answer_json (msg, 200, "{\"token_type\":\"bearer\",\"expires_in\":3600}");
        break;
      case ANSWER_INVALID_GRANT:
      default:
        relink_test_answer_json (msg, 400,
                                 "{\"error\":\"invalid_grant\",\"error_description\":\"revoked\"}");
        break;
    }
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *providers = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *db = NULL;

  fixture->root = relink_test_make_tmp_dir ();
  fixture->data_dir = g_build_filename (fixture->root, "data", NULL);
  fixture->config_dir = g_build_filename (fixture->root, "config", NULL);
  fixture->held = g_ptr_array_new_with_free_func (g_object_unref);

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, "/token", token_cb, fixture, NULL);
  fixture->base = relink_test_listen_local (fixture->server);

  /* Like Amazon's LWA (providers.md): credentials in the body, no
   * identity endpoint. */
  providers = g_build_filename (fixture->config_dir, "relink", "providers", NULL);
  g_assert_cmpint (g_mkdir_with_parents (providers, 0700), ==, 0);
  profile = g_strdup_printf (
      "{ \"format_version\": 1, \"id\": \"" PROVIDER_ID "\", \"name\": \"Hostile Market\","
      "  \"client_auth\": \"body\", \"pkce\": \"none\", \"scopes\": [],"
      "  \"access_lifetime\": 3600, \"refresh_lifetime\": 31536000,"
      "  \"identity\": { \"source\": \"redirect\", \"id_field\": \"seller\" },"
      "  \"environments\": [ { \"id\": \"live\", \"name\": \"Live\", \"production\": true,"
      "    \"authorize_url\": \"%s/authorize\", \"token_url\": \"%s/token\" } ] }",
      fixture->base, fixture->base);
  relink_test_write_file (providers, "hostile.json", profile);

  db = g_build_filename (fixture->data_dir, "relink", "relink.db", NULL);
  fixture->store = relink_store_open (db, &error);
  g_assert_no_error (error);
  fixture->secrets = relink_secrets_new ();

  fixture->keyset_id = relink_test_seed_keyset (fixture->store, fixture->secrets, PROVIDER_ID,
                                                "live", CLIENT_ID, CLIENT_SECRET);
  /* Connected, with an access token that is due (so `token` refreshes). */
  fixture->account_id
      = relink_test_seed_account (fixture->store, fixture->secrets, fixture->keyset_id, "Shop",
                                  OLD_ACCESS, relink_now () + 60, OLD_REFRESH);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  relink_secrets_clear_tokens_sync (fixture->secrets, fixture->account_id, NULL, NULL);
  relink_secrets_clear_keyset_sync (fixture->secrets, fixture->keyset_id, NULL, NULL);
  g_clear_handle_id (&fixture->drip_id, g_source_remove);
  g_clear_pointer (&fixture->held, g_ptr_array_unref);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->secrets);
  relink_test_remove_dir (fixture->root);
  g_free (fixture->root);
  g_free (fixture->data_dir);
  g_free (fixture->config_dir);
  g_free (fixture->base);
  g_free (fixture->keyset_id);
  g_free (fixture->account_id);
}

/* Running relinkctl */

typedef struct
{
  GSubprocess *process;
  GAsyncResult *done;
  int stdin_fd; /* the open end of a standard input that never ends, or -1 */
  gboolean exited;
  int status;
  char *out;
  char *err;
  gint64 started;
  double seconds;
} Child;

static void
child_clear (Child *child)
{
  if (child->stdin_fd > 0)
    close (child->stdin_fd);
  g_clear_object (&child->process);
  g_clear_object (&child->done);
  g_clear_pointer (&child->out, g_free);
  g_clear_pointer (&child->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Child, child_clear)

static void
communicated_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Child *child = user_data;

  child->done = g_object_ref (result);
}

/* Starts relinkctl @args with @input on stdin (NULL: a pipe that stays
 * open and empty, as a terminal where nobody types). */
static void
child_start (Fixture *fixture, Child *child, const char *input, const char *const *args)
{
  g_autofree char *program = relink_test_built_program ("relinkctl");
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE;
  int fds[2];

  g_ptr_array_add (argv, program);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  if (input != NULL)
    flags |= G_SUBPROCESS_FLAGS_STDIN_PIPE;
  launcher = g_subprocess_launcher_new (flags);
  child->stdin_fd = -1;
  if (input == NULL)
    {
      g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, &error));
      g_assert_no_error (error);
      g_subprocess_launcher_take_stdin_fd (launcher, fds[0]);
      child->stdin_fd = fds[1];
    }
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", fixture->data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", fixture->config_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "C", TRUE);
  g_subprocess_launcher_setenv (launcher, "RELINK_NETWORK_DEADLINE_SECONDS", DEADLINE, TRUE);
  g_subprocess_launcher_setenv (launcher, "RELINK_LOCK_WAIT_SECONDS", "2", TRUE);
  child->process
      = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  child->started = g_get_monotonic_time ();

  g_subprocess_communicate_utf8_async (child->process, input, NULL, communicated_cb, child);
}

static void
iterate (void)
{
  if (!g_main_context_iteration (NULL, FALSE))
    g_usleep (5000);
}

/* Waits for the child (at most @limit seconds: a hang fails the test). */
static void
child_wait (Child *child, int limit)
{
  g_autoptr (GError) error = NULL;
  gint64 deadline = child->started + (gint64) limit * G_USEC_PER_SEC;

  while (child->done == NULL && g_get_monotonic_time () < deadline)
    iterate ();

  if (child->done == NULL)
    {
      g_subprocess_force_exit (child->process);
      while (child->done == NULL)
        iterate ();
      g_subprocess_communicate_utf8_finish (child->process, child->done, &child->out, &child->err,
                                            NULL);
      g_error ("relinkctl still ran after %d s: %s", limit, child->err);
    }

  child->seconds = (double) (g_get_monotonic_time () - child->started) / G_USEC_PER_SEC;
  g_subprocess_communicate_utf8_finish (child->process, child->done, &child->out, &child->err,
                                        &error);
  g_assert_no_error (error);
  g_subprocess_wait (child->process, NULL, &error);
  g_assert_no_error (error);
  child->exited = g_subprocess_get_if_exited (child->process);
  child->status = child->exited ? g_subprocess_get_exit_status (child->process) : -1;
  g_test_message ("relinkctl: status %d after %.1f s: %s", child->status, child->seconds,
                  child->err);
}

/* Whether the child runs relinkctl-helper (relinkctl execs it for these
 * commands) and has its SIGTERM handler in place, as /proc says. */
static gboolean
helper_catches_sigterm (Child *child)
{
  const char *pid = g_subprocess_get_identifier (child->process);
  g_autofree char *exe_path = NULL;
  g_autofree char *exe = NULL;
  g_autofree char *status_path = NULL;
  g_autofree char *status = NULL;
  const char *caught;

  if (pid == NULL)
    return FALSE;
  exe_path = g_build_filename ("/proc", pid, "exe", NULL);
  exe = g_file_read_link (exe_path, NULL);
  if (exe == NULL || !g_str_has_suffix (exe, "/relinkctl-helper"))
    return FALSE;
  status_path = g_build_filename ("/proc", pid, "status", NULL);
  if (!g_file_get_contents (status_path, &status, NULL, NULL)
      || (caught = strstr (status, "\nSigCgt:")) == NULL)
    return FALSE;
  return (g_ascii_strtoull (caught + strlen ("\nSigCgt:"), NULL, 16) & (1ULL << (SIGTERM - 1)))
         != 0;
}

/* Serves until the child is ready for SIGTERM: a fixed pause was too
 * short on a loaded machine, where the signal came before the handler
 * and ended relinkctl-helper without a word. */
static void
wait_until_catches_sigterm (Child *child)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!helper_catches_sigterm (child) && child->done == NULL
         && g_get_monotonic_time () < deadline)
    iterate ();
  g_assert_true (helper_catches_sigterm (child));
}

/* Serves until the token endpoint got its @n-th request. */
static void
wait_for_requests (Fixture *fixture, guint n, Child *child)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (fixture->requests < n && child->done == NULL && g_get_monotonic_time () < deadline)
    iterate ();
  g_assert_cmpuint (fixture->requests, >=, n);
}

static void
assert_no_secret (const char *text)
{
  static const char *const secrets[] = { "Atza|", "Atzr|", CLIENT_SECRET };

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    if (text != NULL && strstr (text, secrets[i]) != NULL)
      g_error ("A secret (%s…) appears in relinkctl's output: %s", secrets[i], text);
}

/* The account's keyring item is still @before, byte for byte. */
static void
assert_keyring_unchanged (Fixture *fixture, const char *before)
{
  g_autofree char *after = relink_test_keyring_item (fixture->account_id);

  g_assert_cmpstr (after, ==, before);
}

/* relinkctl ended on a signal it handles: "Canceled", status 130. */
static void
assert_canceled (Child *child)
{
  g_assert_cmpint (child->status, ==, 130);
  g_assert_nonnull (strstr (child->err, "Canceled"));
}

/* Sends @signum once relinkctl handles SIGTERM and has had the time to
 * be waiting (a signal that comes earlier ends it the same way), then
 * waits up to @limit s for it to end. */
static void
signal_while_waiting (Child *child, int signum, int limit)
{
  wait_until_catches_sigterm (child);
  g_usleep (300 * 1000);
  g_subprocess_send_signal (child->process, signum);
  child_wait (child, limit);
}

/* Sends @signum while relinkctl @args (fed @input) has its request out,
 * the server stalling, then waits up to @limit s: SIGKILL kills it, any
 * other signal cancels it. Nothing changed. */
static void
signal_during_request (Fixture *fixture,
                       Child *child,
                       const char *input,
                       const char *const *args,
                       int signum,
                       int limit)
{
  g_autofree char *before = relink_test_keyring_item (fixture->account_id);

  fixture->answer = ANSWER_STALL;
  child_start (fixture, child, input, args);
  wait_for_requests (fixture, 1, child);
  g_subprocess_send_signal (child->process, signum);
  child_wait (child, limit);

  if (signum == SIGKILL)
    g_assert_false (child->exited);
  else
    assert_canceled (child);
  assert_keyring_unchanged (fixture, before);
}

static RelinkAccountStatus
stored_status (Fixture *fixture)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkAccount) row
      = relink_store_load_account (fixture->store, fixture->account_id, &error);

  g_assert_no_error (error);
  return relink_account_get_status (row);
}

/* Hostile token answers to `relinkctl refresh` */

typedef struct
{
  const char *name;
  Answer answer;
  int status;          /* the exit status */
  const char *message; /* a part of stderr */
} HostileCase;

static const HostileCase hostile_cases[] = {
  { "huge", ANSWER_HUGE, 5, "tokens were kept" },
  { "deep", ANSWER_DEEP, 5, "tokens were kept" },
  { "drip", ANSWER_DRIP, 5, "did not answer in time" },
  { "stall", ANSWER_STALL, 5, "did not answer in time" },
  { "500", ANSWER_500, 5, "problem on its side" },
  { "garbage", ANSWER_GARBAGE, 5, "tokens were kept" },
  { "no-access-token", ANSWER_NO_ACCESS, 5, "tokens were kept" },
};

/* A login page, a redirect or a 404 is not the marketplace refusing the
 * grant (issue 10, class 5): "unexpected answer, tokens kept", and the
 * account does not read "needs re-authorization". */
static const HostileCase verdict_cases[] = {
  { "302", ANSWER_302, 5, NULL },
  { "403-html", ANSWER_403_HTML, 5, NULL },
  { "404-html", ANSWER_404_HTML, 5, NULL },
};

static void
test_hostile_refresh (Fixture *fixture, gconstpointer data)
{
  const HostileCase *hostile = data;
  const char *const args[] = { "refresh", "Shop", NULL };
  g_auto (Child) child = { 0 };
  g_autofree char *before = relink_test_keyring_item (fixture->account_id);

  fixture->answer = hostile->answer;
  child_start (fixture, &child, "", args);
  child_wait (&child, 30);

  g_assert_cmpint (child.status, ==, hostile->status);
  g_assert_cmpstr (child.out, ==, "");
  if (hostile->message != NULL)
    g_assert_nonnull (strstr (child.err, hostile->message));
  /* relinkctl never retries by itself. */
  g_assert_null (strstr (child.err, "will try again"));
  g_assert_nonnull (strstr (child.err, "Try again later"));
  assert_no_secret (child.err);
  /* Within the deadline, with room for a slow machine. */
  g_assert_cmpfloat (child.seconds, <, 15);

  /* Not a refusal of the grant: the tokens stay, byte for byte, and the
   * account does not read "needs re-authorization". */
  assert_keyring_unchanged (fixture, before);
  g_assert_cmpint (stored_status (fixture), !=, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
}

/* A refusal is a refusal: the verdict differs, the tokens still stay. */
static void
test_hostile_refused (Fixture *fixture, gconstpointer data)
{
  const char *const args[] = { "refresh", "Shop", NULL };
  g_auto (Child) child = { 0 };
  g_autofree char *before = relink_test_keyring_item (fixture->account_id);

  fixture->answer = ANSWER_INVALID_GRANT;
  child_start (fixture, &child, "", args);
  child_wait (&child, 30);

  g_assert_cmpint (child.status, ==, 1);
  g_assert_nonnull (strstr (child.err, "Renew the account"));
  assert_keyring_unchanged (fixture, before);
  g_assert_cmpint (stored_status (fixture), ==, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH);
}

/* Signals */

/* SIGTERM while relinkctl waits for the account's lock (another program
 * holds it): it says "Canceled" and changes nothing. The wait is the
 * token service's, shared by every caller of the account, so it ends at
 * its bound (2 s here, 90 s by default) rather than at once; a second
 * signal would end relinkctl at once. */
static void
test_signal_before_request (Fixture *fixture, gconstpointer data)
{
  const char *const args[] = { "refresh", "Shop", NULL };
  g_auto (Child) child = { 0 };
  g_autofree char *before = relink_test_keyring_item (fixture->account_id);
  g_autoptr (RelinkAccountLock) lock = NULL;
  g_autoptr (GError) error = NULL;
  int signum = GPOINTER_TO_INT (data);

  lock = relink_account_lock_try_acquire (fixture->account_id, &error);
  g_assert_no_error (error);

  fixture->answer = ANSWER_FRESH;
  child_start (fixture, &child, "", args);
  /* Waiting as a rule, well within the 2 s lock wait. */
  signal_while_waiting (&child, signum, 10);

  assert_canceled (&child);
  g_assert_cmpfloat (child.seconds, <, 6);
  g_assert_cmpuint (fixture->requests, ==, 0);
  assert_keyring_unchanged (fixture, before);
}

/* The lock holder never lets go: the wait ends with a clear message. */
static void
test_lock_wait_bounded (Fixture *fixture, gconstpointer data)
{
  const char *const args[] = { "refresh", "Shop", NULL };
  g_auto (Child) child = { 0 };
  g_autofree char *before = relink_test_keyring_item (fixture->account_id);
  g_autoptr (RelinkAccountLock) lock = NULL;
  g_autoptr (GError) error = NULL;

  lock = relink_account_lock_try_acquire (fixture->account_id, &error);
  g_assert_no_error (error);

  fixture->answer = ANSWER_FRESH;
  child_start (fixture, &child, "", args);
  child_wait (&child, 20);

  g_assert_cmpint (child.status, ==, 5);
  g_assert_nonnull (strstr (child.err, "Another Relink program is renewing this account"));
  g_assert_cmpuint (fixture->requests, ==, 0);
  assert_keyring_unchanged (fixture, before);
}

/* SIGTERM while the request is out (the server stalls): the request in
 * flight is allowed its deadline (its answer could carry a rotated token),
 * then relinkctl ends with "Canceled"; nothing changed. */
static void
test_signal_during_request (Fixture *fixture, gconstpointer data)
{
  const char *const args[] = { "refresh", "Shop", NULL };
  g_auto (Child) child = { 0 };

  signal_during_request (fixture, &child, "", args, GPOINTER_TO_INT (data), 20);

  /* And the account is not stuck: the next run refreshes. */
  {
    g_auto (Child) again = { 0 };

    fixture->answer = ANSWER_FRESH;
    child_start (fixture, &again, "", args);
    child_wait (&again, 20);
    g_assert_cmpint (again.status, ==, 0);
  }
}

/* refresh --all used to sit through one SIGTERM: now the first one stops
 * the queue, the request out gets its deadline, and relinkctl ends with
 * "Canceled" and status 130. */
static void
test_signal_refresh_all (Fixture *fixture, gconstpointer data)
{
  const char *const args[] = { "refresh", "--all", NULL };
  g_auto (Child) child = { 0 };
  g_autofree char *before = relink_test_keyring_item (fixture->account_id);

  fixture->answer = ANSWER_STALL;
  child_start (fixture, &child, "", args);
  wait_for_requests (fixture, 1, &child);
  g_subprocess_send_signal (child.process, SIGTERM);
  child_wait (&child, 20);

  g_assert_true (child.exited);
  assert_canceled (&child);
  g_assert_cmpfloat (child.seconds, <, 10);
  assert_keyring_unchanged (fixture, before);
}

/* Import: SIGTERM while it waits for the token on standard input. */
static void
test_import_signal_stdin (Fixture *fixture, gconstpointer data)
{
  const char *const args[] = { "import", "Shop", NULL };
  g_auto (Child) child = { 0 };
  g_autofree char *before = relink_test_keyring_item (fixture->account_id);

  child_start (fixture, &child, NULL, args);
  signal_while_waiting (&child, SIGTERM, 10);

  assert_canceled (&child);
  g_assert_cmpuint (fixture->requests, ==, 0);
  assert_keyring_unchanged (fixture, before);
}

/* Import: a signal while the imported token is being proven. Nothing was
 * written yet, so SIGTERM cancels at once, and even SIGKILL loses
 * nothing: the old token set is still the account's. */
static void
test_import_signal_during_request (Fixture *fixture, gconstpointer data)
{
  const char *const args[] = { "import", "Shop", NULL };
  g_auto (Child) child = { 0 };
  int signum = GPOINTER_TO_INT (data);

  signal_during_request (fixture, &child, "Atzr|imported-never-verified\n", args, signum, 10);
  if (signum != SIGKILL)
    g_assert_cmpfloat (child.seconds, <, 3);
}

/* Import: every hostile answer leaves the old token set byte-identical. */
static void
test_import_hostile (Fixture *fixture, gconstpointer data)
{
  const HostileCase *hostile = data;
  const char *const args[] = { "import", "Shop", NULL };
  g_auto (Child) child = { 0 };
  g_autofree char *before = relink_test_keyring_item (fixture->account_id);

  fixture->answer = hostile->answer;
  child_start (fixture, &child, "Atzr|imported-never-verified\n", args);
  child_wait (&child, 30);

  g_assert_cmpint (child.status, !=, 0);
  g_assert_nonnull (strstr (child.err, "not imported"));
  assert_no_secret (child.err);
  assert_keyring_unchanged (fixture, before);
}

/* A verified import replaces the set, in one piece. */
static void
test_import_fresh (Fixture *fixture, gconstpointer data)
{
  const char *const args[] = { "import", "Shop", NULL };
  g_auto (Child) child = { 0 };
  g_autofree char *before = relink_test_keyring_item (fixture->account_id);
  g_autofree char *after = NULL;

  fixture->answer = ANSWER_FRESH;
  child_start (fixture, &child, "Atzr|imported\n", args);
  child_wait (&child, 30);

  g_assert_cmpint (child.status, ==, 0);
  after = relink_test_keyring_item (fixture->account_id);
  g_assert_cmpstr (after, !=, before);
  g_assert_nonnull (strstr (after, "Atza|new-access"));
  g_assert_nonnull (strstr (after, "Atzr|new-refresh"));
}

/* Damaged files */

/* A FIFO, a device and a huge file among the custom profiles are
 * skipped, named when asked (--verbose); `list` neither blocks nor fails. */
static void
test_profile_not_regular (Fixture *fixture, gconstpointer data)
{
  const char *const args[] = { "list", "--verbose", NULL };
  g_autofree char *providers = g_build_filename (fixture->config_dir, "relink", "providers", NULL);
  g_autofree char *fifo = g_build_filename (providers, "fifo.json", NULL);
  g_autofree char *device = g_build_filename (providers, "zero.json", NULL);
  g_autofree char *huge_path = g_build_filename (providers, "huge.json", NULL);
  g_autofree char *huge = g_malloc0 (300 * 1024 + 1);
  g_auto (Child) child = { 0 };
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (symlink ("/dev/zero", device), ==, 0);
  memset (huge, ' ', 300 * 1024);
  g_assert_true (g_file_set_contents (huge_path, huge, -1, &error));
  g_assert_no_error (error);

  child_start (fixture, &child, "", args);
  child_wait (&child, 10);

  g_assert_cmpint (child.status, ==, 0);
  /* The account of the good profile is listed with its marketplace. */
  g_assert_nonnull (strstr (child.out, "Hostile Market"));
  g_assert_nonnull (strstr (child.err, "fifo.json was skipped: not a regular file"));
  g_assert_nonnull (strstr (child.err, "zero.json was skipped: not a regular file"));
  g_assert_nonnull (strstr (child.err, "huge.json was skipped: larger than"));
}

int
main (int argc, char *argv[])
{
  static const char *const relinkctl[] = { "cli/relinkctl", "token", "some-account" };
  static const char *const helper[] = { "cli/relinkctl-helper", "token", "some-account" };
  static const char *const background[] = { "relink-background", NULL, NULL };
  static const char *const window[] = { "relink", NULL, NULL };

  g_test_init (&argc, &argv, NULL);
  g_test_set_nonfatal_assertions ();

  g_test_add_data_func ("/faults/process/relinkctl", relinkctl, test_process_hardened);
  g_test_add_data_func ("/faults/process/relinkctl-helper", helper, test_process_hardened);
  g_test_add_data_func ("/faults/process/relink-background", background, test_process_hardened);
  g_test_add_data_func ("/faults/process/relink", window, test_process_hardened);

#define ADD(path, data, func)                                                                      \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  for (guint i = 0; i < G_N_ELEMENTS (hostile_cases); i++)
    {
      g_autofree char *refresh = g_strdup_printf ("/faults/refresh/%s", hostile_cases[i].name);
      g_autofree char *import = g_strdup_printf ("/faults/import/%s", hostile_cases[i].name);

      ADD (refresh, &hostile_cases[i], test_hostile_refresh);
      ADD (import, &hostile_cases[i], test_import_hostile);
    }
  for (guint i = 0; i < G_N_ELEMENTS (verdict_cases); i++)
    {
      g_autofree char *import = g_strdup_printf ("/faults/import/%s", verdict_cases[i].name);

      g_autofree char *refresh = g_strdup_printf ("/faults/refresh/%s", verdict_cases[i].name);

      ADD (refresh, &verdict_cases[i], test_hostile_refresh);
      ADD (import, &verdict_cases[i], test_import_hostile);
    }
  ADD ("/faults/refresh/invalid-grant", NULL, test_hostile_refused);
  ADD ("/faults/refresh/lock-wait-bounded", NULL, test_lock_wait_bounded);
  ADD ("/faults/signal/refresh-before-request/SIGTERM", GINT_TO_POINTER (SIGTERM),
       test_signal_before_request);
  ADD ("/faults/signal/refresh-before-request/SIGINT", GINT_TO_POINTER (SIGINT),
       test_signal_before_request);
  ADD ("/faults/signal/refresh-during-request/SIGTERM", GINT_TO_POINTER (SIGTERM),
       test_signal_during_request);
  ADD ("/faults/signal/refresh-during-request/SIGKILL", GINT_TO_POINTER (SIGKILL),
       test_signal_during_request);
  ADD ("/faults/signal/refresh-all/SIGTERM", NULL, test_signal_refresh_all);
  ADD ("/faults/signal/import-stdin/SIGTERM", NULL, test_import_signal_stdin);
  ADD ("/faults/signal/import-during-request/SIGTERM", GINT_TO_POINTER (SIGTERM),
       test_import_signal_during_request);
  ADD ("/faults/signal/import-during-request/SIGINT", GINT_TO_POINTER (SIGINT),
       test_import_signal_during_request);
  ADD ("/faults/signal/import-during-request/SIGKILL", GINT_TO_POINTER (SIGKILL),
       test_import_signal_during_request);
  ADD ("/faults/import/verified", NULL, test_import_fresh);
  ADD ("/faults/profiles/not-regular", NULL, test_profile_not_regular);
#undef ADD

  return g_test_run ();
}
