/* relink-test-background.h
 *
 * Helpers shared by the tests that run the real `relink --background` in
 * the private session and watch it hand over to the window and back
 * (test-background, test-handover): a store of their own, the process
 * spawned and quit, its name on the bus, and the X windows it shows under
 * Xvfb, found and closed as a window manager would.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gdk/x11/gdkx.h>

#include "relink-test-service.h"

G_BEGIN_DECLS

gboolean relink_test_tick_cb (gpointer user_data);

/* For what another process does without telling us: looks again every
 * @interval_ms, failing after @seconds (RELINK_TEST_WAIT_FOR alone would
 * wait for an event of this process's own). */
#define RELINK_TEST_POLL_WITHIN(cond, interval_ms, seconds)                                        \
  G_STMT_START                                                                                     \
  {                                                                                                \
    guint tick_id_ = g_timeout_add ((interval_ms), relink_test_tick_cb, NULL);                     \
    RELINK_TEST_WAIT_FOR (cond, seconds);                                                          \
    g_source_remove (tick_id_);                                                                    \
  }                                                                                                \
  G_STMT_END

/* An account of the store: its 7-day reminder falls due
 * @refresh_expires_in - 7 days from now. */
typedef struct
{
  const char *id;
  const char *nickname;
  gint64 refresh_expires_in; /* seconds */
} RelinkTestBackgroundAccount;

/* A Relink process of the test's own and what it runs with. */
typedef struct
{
  char *dir;
  char *data_home;
  char *config_home;
  char *relink;
  RelinkTestNotificationServer *server;
  GSubprocessLauncher *launcher;
  GSubprocess *child;
  GDBusConnection *bus;
} RelinkTestBackground;

/* A store in a directory of its own with an eBay keyset and @accounts,
 * connected; @server (may be NULL) cleared of what earlier tests were
 * sent; a launcher whose children use that store, send their reminders
 * to the freedesktop notification server and end with the test. */
void relink_test_background_setup (RelinkTestBackground *bg,
                                   RelinkTestNotificationServer *server,
                                   const RelinkTestBackgroundAccount *accounts,
                                   guint n_accounts);
/* Ends the child if it still runs, removes the directory. */
void relink_test_background_teardown (RelinkTestBackground *bg);
/* Starts `relink --background` as @bg->child; waits for nothing. */
void relink_test_background_spawn (RelinkTestBackground *bg);
/* app.quit ends the process, window or not: it must exit successfully. */
void relink_test_background_quit (RelinkTestBackground *bg);

/* Whether @name has an owner on @bus now. */
gboolean relink_test_name_has_owner (GDBusConnection *bus, const char *name);

/* What `xwininfo -root -tree` lists, NULL when it fails. */
char *relink_test_x_tree (void);

/* The X windows below are the mapped ones only: GDK's own leader
 * window, never mapped, bears the application's name too, and exists
 * from the moment GTK opens the display. Taking it for the window let
 * test-background close it (GDK ignores a WM_DELETE_WINDOW sent there)
 * before the real window existed: the window never closed and the
 * process never went back to relink-background. */

/* How many mapped X top-levels are named exactly @name (an account's
 * details window is named after it). */
guint relink_test_count_x_windows (const char *name);
/* The first mapped X top-level named exactly @name, or 0. */
Window relink_test_find_x_window (const char *name);
/* Closes @xid (not 0) as a window manager's close button does. */
void relink_test_close_x_window (Window xid);

G_END_DECLS
