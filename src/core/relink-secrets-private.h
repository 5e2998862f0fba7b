/* relink-secrets-private.h: what the secrets' files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * relink-secrets.c holds the GObject and the public calls, each of which
 * builds an Op; relink-secrets-op.c runs an Op against the Secret Service.
 */
#pragma once

#include <libsecret/secret.h>

#include "relink-secrets.h"

G_BEGIN_DECLS

extern const SecretSchema relink_secrets_tokens_schema;
extern const SecretSchema relink_secrets_keyset_schema;

typedef enum
{
  KIND_TOKENS,
  KIND_KEYSET,
} ItemKind;

/* How long a keyring call may take, in seconds: an answer without a prompt,
 * and a prompt (a password or confirmation dialog) the seller answers.
 * Tests may shorten them (RELINK_SECRETS_TIMEOUT, RELINK_SECRETS_PROMPT_TIMEOUT). */
#define CALL_TIMEOUT 25
#define PROMPT_TIMEOUT 120

/* The state of one keyring operation, carried as GTask data. Every step
 * uses @cancellable: cancelled by the caller's cancellable, or by the
 * deadline (then @timed_out is set). */
typedef struct
{
  ItemKind kind;
  const SecretSchema *schema;
  GHashTable *attributes;
  char *label;
  SecretValue *value;
  SecretService *service;
  gboolean own_service; /* opened for this operation alone (blocking calls) */
  GList *items;
  SecretItem *current;
  void (*after_unlock) (GTask *task); /* the step once what it needs is unlocked */
  void (*found) (GTask *task);        /* the step once the items are found and unlocked */
  gboolean searched_again;            /* after unlocking collections that listed nothing */
  GCancellable *cancellable;
  GCancellable *caller;
  gulong caller_id;
  GSource *deadline;
  gboolean prompting;
  gboolean unlocking;
  gboolean timed_out;
  gboolean lookup; /* reads only: ends when relink_secrets_cancel_lookups() is called */
  GCancellable *lookups;
  gulong lookups_id;
} Op;

Op *relink_secrets_op_new (ItemKind kind);
GTask *relink_secrets_task_new (RelinkSecrets *self,
                                Op *op,
                                gpointer source_tag,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
void relink_secrets_with_service (GTask *task, GAsyncReadyCallback next);
GCancellable *relink_secrets_get_lookups_cancellable (RelinkSecrets *self);
void relink_secrets_caller_cancelled_cb (GCancellable *caller, gpointer user_data);
/* The first steps of storing, looking up and clearing, once the service is there. */
void relink_secrets_store_service_cb (GObject *source, GAsyncResult *result, gpointer user_data);
void relink_secrets_lookup_service_cb (GObject *source, GAsyncResult *result, gpointer user_data);
void relink_secrets_clear_service_cb (GObject *source, GAsyncResult *result, gpointer user_data);

G_END_DECLS
