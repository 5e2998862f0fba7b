/* relink-secrets.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-token-set.h"

G_BEGIN_DECLS

#define RELINK_SECRETS_ERROR (relink_secrets_error_quark ())

typedef enum
{
  RELINK_SECRETS_ERROR_NO_SERVICE, /* no Secret Service on the session bus */
  RELINK_SECRETS_ERROR_LOCKED,     /* the keyring is locked and was not unlocked */
  RELINK_SECRETS_ERROR_CORRUPT,    /* an item holds something Relink cannot read */
  RELINK_SECRETS_ERROR_FAILED,
  RELINK_SECRETS_ERROR_TIMED_OUT /* the keyring did not answer before the deadline */
} RelinkSecretsError;

GQuark relink_secrets_error_quark (void);

#define RELINK_TYPE_SECRETS (relink_secrets_get_type ())

/* RelinkSecrets: the only door to Relink's secrets, kept in the Secret
 * Service (libsecret) under Relink's own schemas: one item per account
 * holding its RelinkTokenSet, one item per keyset secret field. There is no
 * plaintext fallback. Error messages never contain a secret.
 *
 * Any Secret Service will do (tested: GNOME Keyring, KeePassXC). An item
 * is found in whichever collection holds it and replaced there; a new one
 * goes to the default collection; labels come from the caller and must
 * not hold a secret. Every call unlocks what it needs (the Secret Service
 * may prompt; a service such as KeePassXC lists nothing of a locked
 * collection, so locked collections are unlocked before "nothing" is an
 * answer); a keyring left locked gives RELINK_SECRETS_ERROR_LOCKED, never
 * an empty answer. Clearing what is not there succeeds. Every call has a
 * deadline (25 s, 120 s while a prompt is shown): past it, it fails with
 * RELINK_SECRETS_ERROR_TIMED_OUT (RELINK_SECRETS_ERROR_LOCKED for an unlock
 * prompt nobody answered). A cancelled call fails with
 * G_IO_ERROR_CANCELLED; so does a blocking call interrupted by SIGINT or
 * SIGTERM in a process that handles those signals. */
G_DECLARE_FINAL_TYPE (RelinkSecrets, relink_secrets, RELINK, SECRETS, GObject)

RelinkSecrets *relink_secrets_new (void);

/* For a process that is ending: every lookup in progress, and every one
 * asked for later, ends at once with G_IO_ERROR_CANCELLED, so that the
 * exit waits for no keyring. Stores and clears go on: a store may hold a
 * rotated token that must not be lost. */
void relink_secrets_cancel_lookups (RelinkSecrets *self);

/* Tokens of one account. Lookup gives NULL without error when there are none. */
void relink_secrets_store_tokens_async (RelinkSecrets *self,
                                        const char *account_id,
                                        const char *label,
                                        RelinkTokenSet *tokens,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean
relink_secrets_store_tokens_finish (RelinkSecrets *self, GAsyncResult *result, GError **error);
void relink_secrets_lookup_tokens_async (RelinkSecrets *self,
                                         const char *account_id,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
RelinkTokenSet *
relink_secrets_lookup_tokens_finish (RelinkSecrets *self, GAsyncResult *result, GError **error);
void relink_secrets_clear_tokens_async (RelinkSecrets *self,
                                        const char *account_id,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean
relink_secrets_clear_tokens_finish (RelinkSecrets *self, GAsyncResult *result, GError **error);

/* Secret fields of a keyset: "client_secret", "shared_secret", ... */
void relink_secrets_store_keyset_secret_async (RelinkSecrets *self,
                                               const char *keyset_id,
                                               const char *field,
                                               const char *label,
                                               const char *value,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer user_data);
gboolean relink_secrets_store_keyset_secret_finish (RelinkSecrets *self,
                                                    GAsyncResult *result,
                                                    GError **error);
void relink_secrets_lookup_keyset_secret_async (RelinkSecrets *self,
                                                const char *keyset_id,
                                                const char *field,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer user_data);
/* Returns the secret (wipe with relink_secret_free) or NULL without error when absent. */
char *relink_secrets_lookup_keyset_secret_finish (RelinkSecrets *self,
                                                  GAsyncResult *result,
                                                  GError **error);
/* Removes every secret field of the keyset. */
void relink_secrets_clear_keyset_async (RelinkSecrets *self,
                                        const char *keyset_id,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean
relink_secrets_clear_keyset_finish (RelinkSecrets *self, GAsyncResult *result, GError **error);

/* Blocking variants for relinkctl and tests (never on the GUI main loop). */
gboolean relink_secrets_store_tokens_sync (RelinkSecrets *self,
                                           const char *account_id,
                                           const char *label,
                                           RelinkTokenSet *tokens,
                                           GCancellable *cancellable,
                                           GError **error);
RelinkTokenSet *relink_secrets_lookup_tokens_sync (RelinkSecrets *self,
                                                   const char *account_id,
                                                   GCancellable *cancellable,
                                                   GError **error);
gboolean relink_secrets_clear_tokens_sync (RelinkSecrets *self,
                                           const char *account_id,
                                           GCancellable *cancellable,
                                           GError **error);
gboolean relink_secrets_store_keyset_secret_sync (RelinkSecrets *self,
                                                  const char *keyset_id,
                                                  const char *field,
                                                  const char *label,
                                                  const char *value,
                                                  GCancellable *cancellable,
                                                  GError **error);
char *relink_secrets_lookup_keyset_secret_sync (RelinkSecrets *self,
                                                const char *keyset_id,
                                                const char *field,
                                                GCancellable *cancellable,
                                                GError **error);
gboolean relink_secrets_clear_keyset_sync (RelinkSecrets *self,
                                           const char *keyset_id,
                                           GCancellable *cancellable,
                                           GError **error);

G_END_DECLS
