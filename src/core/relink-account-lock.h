/* relink-account-lock.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* RelinkAccountLock: an exclusive lock on one account across processes,
 * so that a rotating refresh token is never used twice at once. A
 * flock(2) on $XDG_RUNTIME_DIR/relink/locks/<account-id>.lock (the user
 * cache dir when there is no runtime dir); directory 0700, file 0600. The
 * kernel drops the lock when its holder dies, so a crash never blocks the
 * account. Two locks taken in the same process exclude each other too. */
typedef struct _RelinkAccountLock RelinkAccountLock;

/* The directory the lock files live in. */
char *relink_account_lock_dir (void);

/* Blocks until the lock is held: call it in a worker thread, never on the
 * main loop. Cancelling @cancellable ends the wait at once
 * (G_IO_ERROR_CANCELLED); a holder that keeps the lock beyond 90 s
 * (RELINK_LOCK_WAIT_SECONDS in the environment, for tests) ends it with
 * G_IO_ERROR_BUSY ("Another Relink program is renewing this account; try
 * again in a minute."). @account_id must be a plain name (no '/'). */
RelinkAccountLock *
relink_account_lock_acquire (const char *account_id, GCancellable *cancellable, GError **error);
/* Tries once: NULL with G_IO_ERROR_BUSY when another holder has it. */
RelinkAccountLock *relink_account_lock_try_acquire (const char *account_id, GError **error);
/* Releases and frees. NULL is fine. */
void relink_account_lock_release (RelinkAccountLock *lock);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RelinkAccountLock, relink_account_lock_release)

G_END_DECLS
