/* relink-secret-unlock.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsecret/secret.h>

G_BEGIN_DECLS

/* Relink's own calls to the Secret Service for everything that may answer
 * with a prompt: Unlock, CreateItem and an item's Delete. The service's
 * prompt (its password or confirmation dialog) is shown and its answer
 * awaited here.
 *
 * Relink does this itself rather than through libsecret: when the prompt
 * cannot be shown or is dismissed, libsecret 0.20 may receive a result type
 * it does not expect and then never completes the call (a critical, then a
 * hang), and KeePassXC answers every CreateItem with a prompt. Here a
 * dismissed or failed prompt is SECRET_ERROR_IS_LOCKED, whatever the
 * Completed signal carries, as is a keyring daemon that goes away while its
 * prompt is pending; a cancelled call dismisses the prompt and returns
 * G_IO_ERROR_CANCELLED. There is no deadline of its own: the caller gives
 * one through @cancellable.
 *
 * Everything completes in the thread-default main context of the caller. */

/* Unlocks keyring objects (items or collections, by D-Bus object path). */
void relink_secret_unlock_async (SecretService *service,
                                 const char *const *object_paths,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
/* TRUE when the service reported the objects unlocked (or the prompt was
 * completed): the caller still checks what it reads. */
gboolean relink_secret_unlock_finish (SecretService *service, GAsyncResult *result, GError **error);

/* Creates an item in the collection at @collection_path (replacing one of
 * the same attributes there); gives the new item's object path. */
void relink_secret_create_item_async (SecretService *service,
                                      const char *collection_path,
                                      const char *label,
                                      GHashTable *attributes,
                                      SecretValue *value,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
char *
relink_secret_create_item_finish (SecretService *service, GAsyncResult *result, GError **error);

/* Deletes the item at @item_path. */
void relink_secret_delete_item_async (SecretService *service,
                                      const char *item_path,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
gboolean
relink_secret_delete_item_finish (SecretService *service, GAsyncResult *result, GError **error);

/* The object paths of the service's collections that are locked now (an
 * empty array when none is), read from the service, not from a cache.
 * Some services (KeePassXC) list no items of a locked collection at all. */
void relink_secret_locked_collections_async (SecretService *service,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer user_data);
char **relink_secret_locked_collections_finish (SecretService *service,
                                                GAsyncResult *result,
                                                GError **error);

G_END_DECLS
