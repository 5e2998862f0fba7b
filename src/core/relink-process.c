/* relink-process.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "relink-process.h"

gboolean
relink_process_harden (void)
{
  const struct rlimit no_core = { 0, 0 };
  gboolean ok = TRUE;
  int saved_errno = 0;

  /* Not dumpable: the kernel writes no core (nor hands one to
   * systemd-coredump or apport, whatever core_pattern says), and
   * ptrace(2) and /proc/PID/{mem,environ,fd} are closed to processes of
   * the same user unless they hold CAP_SYS_PTRACE. Yama's ptrace_scope,
   * where enabled, only narrows ptrace further; it never reopens it. */
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    {
      saved_errno = errno;
      ok = FALSE;
    }

  /* A second lock: should something make the process dumpable again, a
   * core written to a file is still empty. The hard limit too, so that
   * no library raises it. */
  if (setrlimit (RLIMIT_CORE, &no_core) != 0)
    {
      if (ok)
        saved_errno = errno;
      ok = FALSE;
    }

  errno = saved_errno;
  return ok;
}
