/* test-wall-timer.c: the timerfd-backed wall-clock GSource on a real main
 * loop.
 *
 * What is not tested here: the wake-up when the wall clock is set
 * (TFD_TIMER_CANCEL_ON_SET reporting ECANCELED). Provoking it needs
 * clock_settime(), i.e. changing the machine's clock, which a test suite
 * must never do, even where it runs as root. The path is small: dispatch()
 * records clock_changed = TRUE and re-arms.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-wall-timer.h"

#define MSEC (G_GINT64_CONSTANT (1000))

typedef struct
{
  GMainLoop *loop;
  GSource *source;
  guint fired;
  guint rearm_count; /* how many times the callback re-arms */
  gint64 deadline;
  guint guard_id;
  gint64 fired_at[4];
  gboolean clock_changed[4];
} Fixture;

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  fixture->loop = g_main_loop_new (NULL, FALSE);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  if (fixture->source != NULL)
    {
      g_source_destroy (fixture->source);
      g_source_unref (fixture->source);
    }
  g_main_loop_unref (fixture->loop);
}

static gboolean
fired_cb (gpointer user_data)
{
  Fixture *fixture = user_data;
  guint i = fixture->fired++;

  g_assert_cmpuint (i, <, G_N_ELEMENTS (fixture->fired_at));
  fixture->fired_at[i] = g_get_real_time ();
  fixture->clock_changed[i] = relink_wall_timer_source_clock_changed (fixture->source);

  if (fixture->rearm_count > 0)
    {
      fixture->rearm_count--;
      fixture->deadline = g_get_real_time () + 100 * MSEC;
      relink_wall_timer_source_set_deadline (fixture->source, fixture->deadline);
      return G_SOURCE_CONTINUE;
    }

  g_main_loop_quit (fixture->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
give_up_cb (gpointer user_data)
{
  Fixture *fixture = user_data;

  fixture->guard_id = 0;
  g_main_loop_quit (fixture->loop);
  return G_SOURCE_REMOVE;
}

/* Runs the loop until the callback quits it or @limit_ms pass. */
static void
run (Fixture *fixture, guint limit_ms)
{
  fixture->guard_id = g_timeout_add (limit_ms, give_up_cb, fixture);
  g_main_loop_run (fixture->loop);
  g_clear_handle_id (&fixture->guard_id, g_source_remove);
}

static void
start (Fixture *fixture, gint64 deadline)
{
  fixture->deadline = deadline;
  fixture->source = relink_wall_timer_source_new (deadline);
  g_source_set_callback (fixture->source, fired_cb, fixture, NULL);
  g_source_attach (fixture->source, NULL);
}

static void
test_fires_at_deadline (Fixture *fixture, gconstpointer data)
{
  gint64 deadline = g_get_real_time () + 200 * MSEC;

  start (fixture, deadline);
  run (fixture, 5000);

  g_assert_cmpuint (fixture->fired, ==, 1);
  g_assert_cmpint (fixture->fired_at[0], >=, deadline);
  /* Not merely "eventually": close to the deadline. */
  g_assert_cmpint (fixture->fired_at[0] - deadline, <, 1000 * MSEC);
  g_assert_false (fixture->clock_changed[0]);
}

static void
test_rearm (Fixture *fixture, gconstpointer data)
{
  gint64 first_deadline = g_get_real_time () + 100 * MSEC;

  fixture->rearm_count = 2;
  start (fixture, first_deadline);
  run (fixture, 5000);

  g_assert_cmpuint (fixture->fired, ==, 3);
  g_assert_cmpint (fixture->fired_at[0], >=, first_deadline);
  /* Each re-armed deadline is 100 ms after the previous firing. */
  g_assert_cmpint (fixture->fired_at[1], >=, fixture->fired_at[0] + 100 * MSEC);
  g_assert_cmpint (fixture->fired_at[2], >=, fixture->fired_at[1] + 100 * MSEC);
  g_assert_cmpint (fixture->fired_at[2], >=, fixture->deadline);
  for (guint i = 0; i < 3; i++)
    g_assert_false (fixture->clock_changed[i]);
}

static void
test_no_refire_without_rearm (Fixture *fixture, gconstpointer data)
{
  gint64 deadline = g_get_real_time () + 50 * MSEC;

  start (fixture, deadline);
  run (fixture, 5000);
  g_assert_cmpuint (fixture->fired, ==, 1);

  /* The callback kept the source but set no new deadline: a one-shot
   * timer must not fire again. */
  run (fixture, 300);
  g_assert_cmpuint (fixture->fired, ==, 1);
}

static void
test_past_deadline (Fixture *fixture, gconstpointer data)
{
  gint64 before = g_get_monotonic_time ();

  start (fixture, g_get_real_time () - 10 * G_USEC_PER_SEC);
  run (fixture, 5000);

  g_assert_cmpuint (fixture->fired, ==, 1);
  g_assert_cmpint (g_get_monotonic_time () - before, <, 1000 * MSEC);
}

static void
test_epoch_deadline (Fixture *fixture, gconstpointer data)
{
  /* 0 is a moment too (long past), not "no timer": it must fire. */
  start (fixture, 0);
  run (fixture, 5000);

  g_assert_cmpuint (fixture->fired, ==, 1);
}

static void
test_disarmed (Fixture *fixture, gconstpointer data)
{
  start (fixture, G_MAXINT64);
  run (fixture, 300);
  g_assert_cmpuint (fixture->fired, ==, 0);

  /* Arming it later works. */
  fixture->deadline = g_get_real_time () + 100 * MSEC;
  relink_wall_timer_source_set_deadline (fixture->source, fixture->deadline);
  run (fixture, 5000);
  g_assert_cmpuint (fixture->fired, ==, 1);
  g_assert_cmpint (fixture->fired_at[0], >=, fixture->deadline);
}

static void
test_disarm_pending (Fixture *fixture, gconstpointer data)
{
  /* A deadline moved to "never" before it comes must not fire. */
  start (fixture, g_get_real_time () + 100 * MSEC);
  relink_wall_timer_source_set_deadline (fixture->source, G_MAXINT64);
  run (fixture, 400);

  g_assert_cmpuint (fixture->fired, ==, 0);
}

static guint
count_open_fds (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint count = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    count++;

  return count;
}

static gboolean
set_flag_cb (gpointer user_data)
{
  gboolean *flag = user_data;

  *flag = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_no_fd_leak (void)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  guint before = count_open_fds ();

  for (int i = 0; i < 20; i++)
    {
      /* Half fire and remove themselves, half are destroyed unfired. */
      gboolean fire = i % 2 == 0;
      gint64 deadline = fire ? g_get_real_time () - 1 : G_MAXINT64;
      GSource *source = relink_wall_timer_source_new (deadline);
      gboolean fired = FALSE;

      g_source_set_callback (source, set_flag_cb, &fired, NULL);
      g_source_attach (source, context);
      g_assert_cmpuint (count_open_fds (), ==, before + 1);

      if (fire)
        {
          while (!fired)
            g_main_context_iteration (context, TRUE);
          g_assert_true (g_source_is_destroyed (source));
        }
      else
        {
          g_source_destroy (source);
        }

      g_source_unref (source);
      g_assert_cmpuint (count_open_fds (), ==, before);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/wall-timer/fires-at-deadline", test_fires_at_deadline);
  ADD ("/wall-timer/rearm", test_rearm);
  ADD ("/wall-timer/no-refire-without-rearm", test_no_refire_without_rearm);
  ADD ("/wall-timer/past-deadline", test_past_deadline);
  ADD ("/wall-timer/epoch-deadline", test_epoch_deadline);
  ADD ("/wall-timer/disarmed", test_disarmed);
  ADD ("/wall-timer/disarm-pending", test_disarm_pending);
  g_test_add_func ("/wall-timer/no-fd-leak", test_no_fd_leak);

#undef ADD

  return g_test_run ();
}
