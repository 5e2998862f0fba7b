/* relink-hooks.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-account.h"

G_BEGIN_DECLS

typedef enum
{
  RELINK_HOOK_EVENT_REFRESH, /* the access token was refreshed */
  RELINK_HOOK_EVENT_RENEWAL  /* the seller signed in again (renewal or first connect) */
} RelinkHookEvent;

/* "refresh" or "renewal": the value of RELINK_EVENT. */
const char *relink_hook_event_to_string (RelinkHookEvent event);

/* $XDG_CONFIG_HOME/relink/hooks. */
char *relink_hooks_default_dir (void);

/* The environment a hook runs with, for g_subprocess_launcher_set_environ():
 * PATH and HOME inherited, nothing else, plus
 *   RELINK_ACCOUNT_ID, RELINK_ACCOUNT_NICKNAME, RELINK_MARKETPLACE (the
 *   profile id, e.g. "ebay"), RELINK_EVENT ("refresh" | "renewal"),
 *   RELINK_EXPIRES_AT (the access token's expiry, ISO 8601 UTC, e.g.
 *   "2025-05-21T10:00:00Z"; empty when unknown),
 *   RELINK_REFRESH_EXPIRES_AT (the authorisation's expiry, same format).
 * Never a token. */
GStrv relink_hooks_build_environment (RelinkAccount *account,
                                      RelinkHookEvent event,
                                      gint64 access_expires_at,
                                      gint64 refresh_expires_at);

/* Runs every executable regular file in @dir (NULL: the default), sorted
 * by name, each with an empty stdin and its output logged at debug
 * level; a missing directory runs nothing. Completes when all hooks have
 * exited; a hook that fails is logged, not an error. Fire and forget by
 * passing a NULL @callback. */
void relink_hooks_run_async (const char *dir,
                             RelinkAccount *account,
                             RelinkHookEvent event,
                             gint64 access_expires_at,
                             gint64 refresh_expires_at,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
/* Returns how many hooks ran. */
guint relink_hooks_run_finish (GAsyncResult *result, GError **error);

G_END_DECLS
