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
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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

int
main (int argc, char *argv[])
{
  static const char *const relinkctl[] = { "cli/relinkctl", "token", "some-account" };
  static const char *const helper[] = { "cli/relinkctl-helper", "token", "some-account" };
  static const char *const background[] = { "relink-background", NULL, NULL };
  static const char *const window[] = { "relink", NULL, NULL };

  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/faults/process/relinkctl", relinkctl, test_process_hardened);
  g_test_add_data_func ("/faults/process/relinkctl-helper", helper, test_process_hardened);
  g_test_add_data_func ("/faults/process/relink-background", background, test_process_hardened);
  g_test_add_data_func ("/faults/process/relink", window, test_process_hardened);

  return g_test_run ();
}
