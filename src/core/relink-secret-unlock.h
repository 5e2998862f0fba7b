/* relink-secret-unlock.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsecret/secret.h>

G_BEGIN_DECLS

/* Unlocks keyring objects (items or collections, by D-Bus object path)
 * through the Secret Service's Unlock call, showing the keyring's own
 * prompt where it needs one.
 *
 * Relink does this itself rather than through libsecret's unlock: when the
 * prompt cannot be shown or is dismissed, libsecret 0.20 may receive a
 * result type it does not expect and then never completes the call (a
 * critical, then a hang). Here a dismissed or failed prompt is
 * SECRET_ERROR_IS_LOCKED, whatever the Completed signal carries, as is a
 * keyring daemon that goes away while its prompt is pending; a cancelled
 * call dismisses the prompt and returns G_IO_ERROR_CANCELLED.
 *
 * Completes in the thread-default main context of the caller. */
void relink_secret_unlock_async (SecretService *service,
                                 const char *const *object_paths,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
/* TRUE when the service reported the objects unlocked (or the prompt was
 * completed): the caller still checks what it reads. */
gboolean relink_secret_unlock_finish (SecretService *service, GAsyncResult *result, GError **error);

G_END_DECLS
