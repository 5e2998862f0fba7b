/* relink-account-manager.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-account.h"
#include "relink-keyset.h"
#include "relink-provider-registry.h"
#include "relink-secrets.h"
#include "relink-store.h"

G_BEGIN_DECLS

#define RELINK_TYPE_ACCOUNT_MANAGER (relink_account_manager_get_type ())

/* RelinkAccountManager: the core's front door for the GUI and relinkctl.
 * Holds the accounts and keysets as GListModels, resolves their profiles,
 * and performs every change in order: secrets first, then metadata, so a
 * failure never leaves metadata pointing at secrets that were not saved.
 * Notices changes other processes made to the store. */
G_DECLARE_FINAL_TYPE (
    RelinkAccountManager, relink_account_manager, RELINK, ACCOUNT_MANAGER, GObject)

RelinkAccountManager *relink_account_manager_new (RelinkStore *store,
                                                  RelinkSecrets *secrets,
                                                  RelinkProviderRegistry *providers);
RelinkStore *relink_account_manager_get_store (RelinkAccountManager *self);
RelinkSecrets *relink_account_manager_get_secrets (RelinkAccountManager *self);
RelinkProviderRegistry *relink_account_manager_get_providers (RelinkAccountManager *self);
char *relink_account_manager_describe_profile_problem (RelinkAccountManager *self,
                                                       RelinkAccount *account);
/* Which program acts, recorded in the history: "window", "background" or
 * "relinkctl". Defaults to g_get_prgname(). */
const char *relink_account_manager_get_program (RelinkAccountManager *self);
void relink_account_manager_set_program (RelinkAccountManager *self, const char *program);
/* GListModel of RelinkAccount, in store order (the GUI sorts): the
 * accounts, each with its further grants (relink_account_get_extra_grants()). */
GListModel *relink_account_manager_get_accounts (RelinkAccountManager *self);
/* GListModel of every grant, in store order: the accounts and their
 * further grants, for what works per grant (keep-alive, reminders). */
GListModel *relink_account_manager_get_grants (RelinkAccountManager *self);
/* GListModel of RelinkKeyset. */
GListModel *relink_account_manager_get_keysets (RelinkAccountManager *self);
/* By id (an account's or a further grant's) or by an account's nickname. */
RelinkAccount *relink_account_manager_lookup_account (RelinkAccountManager *self,
                                                      const char *id_or_nickname);
RelinkKeyset *relink_account_manager_lookup_keyset (RelinkAccountManager *self, const char *id);
/* Grants (accounts and further grants) that use @keyset. */
guint relink_account_manager_count_accounts_of_keyset (RelinkAccountManager *self,
                                                       RelinkKeyset *keyset);

/* Reads keysets and accounts from the store (in a thread) and fills the models. */
void relink_account_manager_load_async (RelinkAccountManager *self,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean relink_account_manager_load_finish (RelinkAccountManager *self,
                                             GAsyncResult *result,
                                             GError **error);
gboolean relink_account_manager_load_sync (RelinkAccountManager *self,
                                           GCancellable *cancellable,
                                           GError **error);

/* Re-reads the store when another process changed it; emits items-changed
 * only for what differs. Cheap when nothing changed. */
void relink_account_manager_reload_if_changed (RelinkAccountManager *self);

/* Saves a new keyset: its secret fields (@secrets: field id -> value, may
 * be NULL) to the keyring first, then its metadata. */
void relink_account_manager_add_keyset_async (RelinkAccountManager *self,
                                              RelinkKeyset *keyset,
                                              GHashTable *secrets,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data);
gboolean relink_account_manager_add_keyset_finish (RelinkAccountManager *self,
                                                   GAsyncResult *result,
                                                   GError **error);
/* Removes a keyset no account uses: its secrets, then its metadata. */
void relink_account_manager_remove_keyset_async (RelinkAccountManager *self,
                                                 RelinkKeyset *keyset,
                                                 GCancellable *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer user_data);
gboolean relink_account_manager_remove_keyset_finish (RelinkAccountManager *self,
                                                      GAsyncResult *result,
                                                      GError **error);

/* Saves a new account's metadata (it has no tokens until it is connected). */
void relink_account_manager_add_account_async (RelinkAccountManager *self,
                                               RelinkAccount *account,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer user_data);
gboolean relink_account_manager_add_account_finish (RelinkAccountManager *self,
                                                    GAsyncResult *result,
                                                    GError **error);
/* Removes an account: its tokens from the keyring first; only when that
 * worked, its metadata and history. */
void relink_account_manager_remove_account_async (RelinkAccountManager *self,
                                                  RelinkAccount *account,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer user_data);
gboolean relink_account_manager_remove_account_finish (RelinkAccountManager *self,
                                                       GAsyncResult *result,
                                                       GError **error);

/* The account's history, newest first (GListModel of RelinkHistoryEntry). */
void relink_account_manager_load_history_async (RelinkAccountManager *self,
                                                RelinkAccount *account,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer user_data);
GListModel *relink_account_manager_load_history_finish (RelinkAccountManager *self,
                                                        GAsyncResult *result,
                                                        GError **error);

G_END_DECLS
