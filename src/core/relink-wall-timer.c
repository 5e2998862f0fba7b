/* relink-wall-timer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "relink-wall-timer.h"

/* The wall-clock moment a disarmed timer is set to: far enough never to
 * come (the kernel clamps it to its own limit, in the year 2262), yet
 * armed, because only an armed TFD_TIMER_CANCEL_ON_SET timer reports that
 * the clock was set. */
#define FAR_FUTURE_SECONDS (G_GINT64_CONSTANT (1) << 40)

/* WallTimerSource: a GSource owning one timerfd on CLOCK_REALTIME. It sits
 * in poll() with no timeout of its own, so the process wakes only when the
 * kernel says the deadline passed or the clock was set. */
typedef struct
{
  GSource source;
  int fd;
  gpointer fd_tag;
  gint64 deadline;
  gboolean clock_changed;
} WallTimerSource;

static void
arm (WallTimerSource *self)
{
  struct itimerspec spec = { 0 };

  if (self->deadline == G_MAXINT64)
    {
      spec.it_value.tv_sec = FAR_FUTURE_SECONDS;
    }
  else if (self->deadline <= 0)
    {
      /* An all-zero it_value would disarm the timer; one nanosecond after
       * the epoch is as "already passed" as it gets. */
      spec.it_value.tv_nsec = 1;
    }
  else
    {
      spec.it_value.tv_sec = self->deadline / G_USEC_PER_SEC;
      spec.it_value.tv_nsec = (self->deadline % G_USEC_PER_SEC) * 1000;
    }

  if (timerfd_settime (self->fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, NULL) < 0)
    {
      /* Cannot happen with our own fd and a normalised spec; should it,
       * the source would never fire, so make it visible. */
      int saved_errno = errno;

      g_warning ("Could not arm the wall-clock timer: %s", g_strerror (saved_errno));
    }
}

static gboolean
wall_timer_source_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  WallTimerSource *self = (WallTimerSource *) source;
  uint64_t expirations = 0;
  ssize_t len;

  len = read (self->fd, &expirations, sizeof expirations);

  if (len < 0 && errno == ECANCELED)
    {
      /* The wall clock was set: every deadline may be wrong now. Re-arm so
       * the next change is reported too, and so a deadline the jump put in
       * the past still fires. */
      self->clock_changed = TRUE;
      arm (self);
    }
  else if (len == sizeof expirations)
    {
      /* A one-shot absolute timer disarms itself once it has fired; keep
       * it armed in the far future so clock changes are still reported
       * while the callback decides on the next deadline. */
      self->clock_changed = FALSE;
      self->deadline = G_MAXINT64;
      arm (self);
    }
  else
    {
      /* EAGAIN: woken for nothing (the timer was re-armed in between). */
      return G_SOURCE_CONTINUE;
    }

  if (callback == NULL)
    {
      g_warning ("Wall-clock timer source dispatched without callback. "
                 "You must call g_source_set_callback().");
      return G_SOURCE_REMOVE;
    }

  return callback (user_data);
}

static void
wall_timer_source_finalize (GSource *source)
{
  WallTimerSource *self = (WallTimerSource *) source;

  if (self->fd >= 0)
    g_close (self->fd, NULL);
  self->fd = -1;
}

static GSourceFuncs wall_timer_source_funcs = {
  .prepare = NULL,
  .check = NULL,
  .dispatch = wall_timer_source_dispatch,
  .finalize = wall_timer_source_finalize,
};

GSource *
relink_wall_timer_source_new (gint64 deadline_unix_usec)
{
  GSource *source;
  WallTimerSource *self;
  int fd;

  fd = timerfd_create (CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd < 0)
    {
      int saved_errno = errno;

      /* Without a timerfd (not Linux, or out of descriptors) nothing can
       * wake us at a wall-clock moment; say so loudly. */
      g_critical ("Could not create a wall-clock timer: %s", g_strerror (saved_errno));
    }

  source = g_source_new (&wall_timer_source_funcs, sizeof (WallTimerSource));
  g_source_set_static_name (source, "RelinkWallTimer");

  self = (WallTimerSource *) source;
  self->fd = fd;
  self->deadline = deadline_unix_usec;

  if (fd >= 0)
    {
      self->fd_tag = g_source_add_unix_fd (source, fd, G_IO_IN);
      arm (self);
    }

  return source;
}

void
relink_wall_timer_source_set_deadline (GSource *source, gint64 deadline_unix_usec)
{
  WallTimerSource *self = (WallTimerSource *) source;

  g_return_if_fail (source != NULL);
  g_return_if_fail (source->source_funcs == &wall_timer_source_funcs);

  self->deadline = deadline_unix_usec;
  if (self->fd >= 0)
    arm (self);
}

gboolean
relink_wall_timer_source_clock_changed (GSource *source)
{
  WallTimerSource *self = (WallTimerSource *) source;

  g_return_val_if_fail (source != NULL, FALSE);
  g_return_val_if_fail (source->source_funcs == &wall_timer_source_funcs, FALSE);

  return self->clock_changed;
}
