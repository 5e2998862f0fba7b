/* bench-util.h: what the benchmarks share: medians, the context switches
 * of a process, fresh child runs that print one figure, waiting on the
 * main loop.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The median of an array of doubles. */
double bench_median (GArray *values);

/* Voluntary plus involuntary context switches per thread of @pid
 * (tid -> guint64); each is a wake-up of the process. Per thread, because
 * a thread that ends takes its counts with it. */
GHashTable *bench_count_switches (GPid pid);
/* Switches between two counts: a thread that appeared counts whole. */
guint64 bench_switches_between (GHashTable *before, GHashTable *after);

/* Sleeps on the main loop (a child needs nothing from us meanwhile). */
void bench_wait_seconds (guint seconds);

/* Runs @argv with @envp (NULL: ours) to its end and returns the value of
 * the line "@figure: VALUE" it printed; a failed run ends the benchmark. */
double bench_run_child (const char *const *argv, const char *const *envp, const char *figure);

G_END_DECLS
