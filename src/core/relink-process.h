/* relink-process.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Makes this process unfit to leak its secrets: no core dump (the dumpable
 * flag off and RLIMIT_CORE 0), and no other process of the same user may
 * attach to it with ptrace or read its memory, environment or descriptors
 * through /proc. Every Relink program that holds tokens or client secrets
 * calls it on the first line of main(): execve() sets the flag back for
 * every new program, so each one must clear it itself. Returns FALSE
 * (with errno set) when the kernel refused a part; the rest still holds. */
gboolean relink_process_harden (void);

G_END_DECLS
