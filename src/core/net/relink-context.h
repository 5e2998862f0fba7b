/* relink-context.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-account-manager.h"
#include "relink-keep-alive.h"
#include "relink-provider-registry.h"
#include "relink-secrets.h"
#include "relink-store.h"
#include "relink-token-service.h"

G_BEGIN_DECLS

#define RELINK_TYPE_CONTEXT (relink_context_get_type ())

/* RelinkContext: what one Relink process works with, built once by each
 * program (`relink`, `relink-background`, relinkctl's helper) and handed
 * to everything that needs it: the account store, the keyring, the
 * marketplace profiles, the account manager over them and the process's
 * ONE token service, so that two refreshes of one account, from wherever
 * they are asked, join into one request. The programs that keep running
 * also take its keep-alive, made when first asked for.
 *
 * When the store cannot be opened (damaged, from a newer Relink) the
 * context still exists, without a manager, and says why. */
G_DECLARE_FINAL_TYPE (RelinkContext, relink_context, RELINK, CONTEXT, GObject)

/* Opens the store at its default path (with the whole-file check) for
 * @program, the name its history entries record ("window", "background",
 * "relinkctl"). Never NULL: see relink_context_get_error(). */
RelinkContext *relink_context_new (const char *program);
/* A context around a manager already made (relinkctl, tests). */
RelinkContext *relink_context_new_for_manager (RelinkAccountManager *manager);

/* NULL when the store could not be opened; then the token service and the
 * keep-alive are NULL too. */
RelinkAccountManager *relink_context_get_manager (RelinkContext *self);
RelinkStore *relink_context_get_store (RelinkContext *self);
RelinkSecrets *relink_context_get_secrets (RelinkContext *self);
RelinkProviderRegistry *relink_context_get_providers (RelinkContext *self);
RelinkTokenService *relink_context_get_token_service (RelinkContext *self);
RelinkKeepAlive *relink_context_get_keep_alive (RelinkContext *self);

/* Why the accounts cannot be used: the store could not be opened, or
 * loading them failed. NULL while all is well. */
const GError *relink_context_get_error (RelinkContext *self);
/* Between relink_context_load_async() and its end. */
gboolean relink_context_get_loading (RelinkContext *self);

/* Loads the accounts and, when that worked, starts the keep-alive. A
 * failure is also kept for relink_context_get_error(). */
void relink_context_load_async (RelinkContext *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
gboolean relink_context_load_finish (RelinkContext *self, GAsyncResult *result, GError **error);

/* Re-reads the store if another process changed it; not while the first
 * load runs (it reads everything anyway) nor after an error. */
void relink_context_check_store (RelinkContext *self);
/* Stops the keep-alive, before the process ends. */
void relink_context_shutdown (RelinkContext *self);

G_END_DECLS
