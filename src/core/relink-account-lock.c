/* relink-account-lock.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "relink-account-lock.h"

/* How long one wait for the lock lasts before trying again. A cancel wakes
 * the wait at once; the holder's release does not (flock has no waitable
 * descriptor), so this bounds the delay after it. */
#define RETRY_INTERVAL_MS 25

/* How long relink_account_lock_acquire() waits at most. A holder renews
 * the account within the network deadline of one request (60 s) plus two
 * keyring calls; a wait beyond that means the holder is stuck, and the
 * caller should say so rather than hang. */
#define DEFAULT_WAIT_SECONDS 90

struct _RelinkAccountLock
{
  int fd;
};

char *
relink_account_lock_dir (void)
{
  const char *runtime = g_getenv ("XDG_RUNTIME_DIR");

  /* g_get_user_runtime_dir() falls back to the cache dir too, but only
   * after a warning; a missing runtime dir is normal outside a session. */
  if (runtime != NULL && g_path_is_absolute (runtime) && g_file_test (runtime, G_FILE_TEST_IS_DIR))
    return g_build_filename (runtime, "relink", "locks", NULL);

  return g_build_filename (g_get_user_cache_dir (), "relink", "locks", NULL);
}

static int
open_lock_file (const char *account_id, GError **error)
{
  g_autofree char *dir = relink_account_lock_dir ();
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  int fd;

  if (account_id == NULL || account_id[0] == '\0' || strchr (account_id, '/') != NULL
      || g_str_equal (account_id, ".") || g_str_equal (account_id, ".."))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _ ("“%s” is not a valid account id."), account_id != NULL ? account_id : "");
      return -1;
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _ ("Could not create the folder %s for Relink’s locks: %s"), dir,
                   g_strerror (errsv));
      return -1;
    }

  name = g_strconcat (account_id, ".lock", NULL);
  path = g_build_filename (dir, name, NULL);

  /* O_NOFOLLOW: a symlink planted in a shared fallback dir must not make
   * Relink create or lock a file elsewhere. */
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _ ("Could not open the lock file %s: %s"), path, g_strerror (errsv));
      return -1;
    }

  return fd;
}

static RelinkAccountLock *
lock_new (int fd)
{
  RelinkAccountLock *lock = g_new0 (RelinkAccountLock, 1);

  lock->fd = fd;
  return lock;
}

RelinkAccountLock *
relink_account_lock_try_acquire (const char *account_id, GError **error)
{
  int fd = open_lock_file (account_id, error);

  if (fd < 0)
    return NULL;

  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int errsv = errno;

      if (errsv == EINTR)
        continue;

      g_close (fd, NULL);
      if (errsv == EWOULDBLOCK)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                     _ ("Another Relink program is refreshing this account right now."));
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                     _ ("Could not lock the account: %s"), g_strerror (errsv));
      return NULL;
    }

  return lock_new (fd);
}

/* RELINK_LOCK_WAIT_SECONDS shortens the wait, for the tests. */
static gint64
wait_seconds (void)
{
  const char *value = g_getenv ("RELINK_LOCK_WAIT_SECONDS");
  guint64 seconds;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 1, 3600, &seconds, NULL))
    return (gint64) seconds;

  return DEFAULT_WAIT_SECONDS;
}

RelinkAccountLock *
relink_account_lock_acquire (const char *account_id, GCancellable *cancellable, GError **error)
{
  GPollFD cancel_fd = { -1, G_IO_IN, 0 };
  gboolean have_cancel_fd = FALSE;
  gint64 deadline = g_get_monotonic_time () + wait_seconds () * G_USEC_PER_SEC;
  int fd;

  fd = open_lock_file (account_id, error);
  if (fd < 0)
    return NULL;

  if (cancellable != NULL)
    have_cancel_fd = g_cancellable_make_pollfd (cancellable, &cancel_fd);

  for (;;)
    {
      int errsv;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;

      if (flock (fd, LOCK_EX | LOCK_NB) == 0)
        {
          if (have_cancel_fd)
            g_cancellable_release_fd (cancellable);
          return lock_new (fd);
        }

      errsv = errno;
      if (errsv != EWOULDBLOCK && errsv != EINTR)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       _ ("Could not lock the account: %s"), g_strerror (errsv));
          break;
        }

      if (g_get_monotonic_time () >= deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                       _ ("Another Relink program is renewing this account; try again in a "
                          "minute."));
          break;
        }

      /* A blocking flock() cannot be cancelled; waiting on the
       * cancellable's descriptor between tries can. */
      if (have_cancel_fd)
        g_poll (&cancel_fd, 1, RETRY_INTERVAL_MS);
      else
        g_usleep (RETRY_INTERVAL_MS * 1000);
    }

  if (have_cancel_fd)
    g_cancellable_release_fd (cancellable);
  g_close (fd, NULL);
  return NULL;
}

void
relink_account_lock_release (RelinkAccountLock *lock)
{
  if (lock == NULL)
    return;

  /* Closing the only descriptor drops the flock; the file stays, so that
   * no waiter ever locks an unlinked file while a newcomer locks a new one. */
  g_close (lock->fd, NULL);
  g_free (lock);
}
