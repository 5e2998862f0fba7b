/* bench-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "bench-util.h"

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

double
bench_median (GArray *values)
{
  g_autoptr (GArray) sorted = g_array_copy (values);
  guint n = sorted->len;

  g_return_val_if_fail (n > 0, 0);

  g_array_sort (sorted, compare_doubles);
  if (n % 2 == 1)
    return g_array_index (sorted, double, n / 2);

  return (g_array_index (sorted, double, n / 2 - 1) + g_array_index (sorted, double, n / 2)) / 2;
}

GHashTable *
bench_count_switches (GPid pid)
{
  g_autofree char *task_dir = g_strdup_printf ("/proc/%d/task", pid);
  g_autoptr (GDir) dir = g_dir_open (task_dir, 0, NULL);
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *tid;

  while (dir != NULL && (tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (task_dir, tid, "status", NULL);
      g_autofree char *text = NULL;
      g_auto (GStrv) lines = NULL;
      guint64 total = 0;

      if (!g_file_get_contents (path, &text, NULL, NULL))
        continue;
      lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        if (g_str_has_prefix (lines[i], "voluntary_ctxt_switches:")
            || g_str_has_prefix (lines[i], "nonvoluntary_ctxt_switches:"))
          total += g_ascii_strtoull (strchr (lines[i], ':') + 1, NULL, 10);
      g_hash_table_insert (counts, g_strdup (tid), g_memdup2 (&total, sizeof total));
    }

  return counts;
}

guint64
bench_switches_between (GHashTable *before, GHashTable *after)
{
  GHashTableIter iter;
  gpointer tid, count;
  guint64 total = 0;

  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &tid, &count))
    {
      guint64 *earlier = g_hash_table_lookup (before, tid);
      guint64 now = *(guint64 *) count;

      total += earlier != NULL && *earlier <= now ? now - *earlier : now;
    }

  return total;
}

static gboolean
wait_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

void
bench_wait_seconds (guint seconds)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add_seconds (seconds, wait_cb, loop);
  g_main_loop_run (loop);
}

double
bench_run_child (const char *const *argv, const char *const *envp, const char *figure)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *prefix = g_strconcat (figure, ": ", NULL);
  const char *line;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, (char **) envp, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                     &status, &error))
    g_error ("%s: cannot start a run: %s", g_get_prgname (), error->message);

  line = strstr (out, prefix);
  if (!g_spawn_check_wait_status (status, &error) || line == NULL)
    {
      g_printerr ("%s", err);
      g_error ("%s: a run failed: %s", g_get_prgname (),
               error != NULL ? error->message : "no figure");
    }

  return g_ascii_strtod (line + strlen (prefix), NULL);
}
