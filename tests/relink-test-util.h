/* relink-test-util.h
 *
 * Helpers shared by the tests, the benchmarks and the screenshot: fixture
 * accounts and temporary directories.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-store.h"

G_BEGIN_DECLS

/* How many accounts one cycle of the fixture has: every marketplace and
 * every state appears once per cycle. */
#define RELINK_TEST_FIXTURE_CYCLE 8

/* Fills @store with one keyset per shipped marketplace environment used and
 * @n_accounts accounts cycling through RELINK_TEST_FIXTURE_CYCLE kinds
 * (valid, expiring in hours, expiring in days, expired, needs
 * re-authorisation, offline, not connected; eBay, Amazon, AliExpress, Etsy,
 * Mercado Libre; production and sandbox), all relative to @now. Account
 * ids are "account-N", nicknames unique. */
gboolean relink_test_populate_fixture (RelinkStore *store,
                                       guint n_accounts,
                                       gint64 now,
                                       GError **error);

/* Drops the last reference to @object and asserts that it is finalized,
 * waiting (up to 5 s, iterating the default main context) for worker
 * threads of finished GTasks to let go of it. */
void relink_test_assert_finalize_eventually (gpointer object);

/* A fresh private directory under $TMPDIR. */
char *relink_test_make_tmp_dir (void);
/* Removes @path and everything below it. */
void relink_test_remove_dir (const char *path);

G_END_DECLS
