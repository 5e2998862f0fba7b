/* relink-exec.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The two images of the one Relink process: the window (GTK) and the
 * window-less service (GIO only), which hand over to each other by exec
 * so that only one process ever owns the application id. */
#define RELINK_PROGRAM_WINDOW "relink"
#define RELINK_PROGRAM_BACKGROUND "relink-background"
/* What stands in for the process on the bus while it execs from one to
 * the other (relink-handover.h). */
#define RELINK_PROGRAM_HANDOVER "relink-handover"

/* Where @name is: next to the running program (the build tree), else
 * where it is installed (libexecdir, bindir). */
char *relink_exec_find_program (const char *name);
/* Replaces the process with @name, run with @args (NULL-terminated, the
 * arguments after the program's name). Only returns on failure. The
 * caller has ended its application first; the application id is given
 * up on the session bus before the exec. */
gboolean relink_exec_program (const char *name, const char *const *args, GError **error);
/* Keeps @fd open across relink_exec_program(), which closes every other
 * descriptor above stderr (at most 4): the hand-over bridge's pipes. */
void relink_exec_keep_descriptor (int fd);
/* Undoes relink_exec_keep_descriptor() (the exec did not come). */
void relink_exec_forget_descriptor (int fd);

G_END_DECLS
