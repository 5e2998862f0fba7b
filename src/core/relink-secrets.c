/* relink-secrets.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "relink-secret-unlock.h"
#include "relink-secrets.h"

struct _RelinkSecrets
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (RelinkSecrets, relink_secrets, G_TYPE_OBJECT)

GQuark
relink_secrets_error_quark (void)
{
  return g_quark_from_static_string ("relink-secrets-error-quark");
}

/* The "xdg:schema" attribute that libsecret adds keeps Relink's items apart
 * from every other application's, whatever their own attributes are. */
static const SecretSchema tokens_schema = {
  "io.github.relink.Relink.Tokens",
  SECRET_SCHEMA_NONE,
  {
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
  },
};

static const SecretSchema keyset_schema = {
  "io.github.relink.Relink.KeysetSecret",
  SECRET_SCHEMA_NONE,
  {
      { "keyset", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "field", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
  },
};

typedef enum
{
  KIND_TOKENS,
  KIND_KEYSET,
} ItemKind;

/* The state of one keyring operation, carried as GTask data. */
typedef struct
{
  ItemKind kind;
  const SecretSchema *schema;
  GHashTable *attributes;
  char *label;
  SecretValue *value;
  SecretService *service;
  GList *items;
  SecretItem *current;
  void (*after_unlock) (GTask *task); /* the step once what it needs is unlocked */
} Op;

static void
op_free (gpointer data)
{
  Op *op = data;

  g_clear_pointer (&op->attributes, g_hash_table_unref);
  g_clear_pointer (&op->label, g_free);
  g_clear_pointer (&op->value, secret_value_unref);
  g_clear_object (&op->service);
  g_list_free_full (op->items, g_object_unref);
  g_clear_object (&op->current);
  g_free (op);
}

static GError *
no_service_error (void)
{
  return g_error_new_literal (RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_NO_SERVICE,
                              _ ("No keyring is available. Relink keeps tokens only in the "
                                 "system keyring (GNOME Keyring or KWallet); start it and try "
                                 "again."));
}

static GError *
locked_error (void)
{
  return g_error_new_literal (RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_LOCKED,
                              _ ("The keyring is locked. Unlock it to let Relink read and save "
                                 "tokens."));
}

static gboolean
is_blank (const char *text)
{
  return text == NULL || text[0] == '\0';
}

static GError *
corrupt_error (ItemKind kind)
{
  if (kind == KIND_KEYSET)
    return g_error_new_literal (RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_CORRUPT,
                                _ ("The saved secret of this keyset cannot be read. Enter it "
                                   "again to replace it."));

  return g_error_new_literal (RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_CORRUPT,
                              _ ("The saved tokens of this account cannot be read. Renew the "
                                 "account to replace them."));
}

static gboolean
is_no_service (const GError *error)
{
  if (error->domain == G_DBUS_ERROR)
    {
      switch (error->code)
        {
          case G_DBUS_ERROR_SERVICE_UNKNOWN:
          case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
          case G_DBUS_ERROR_NO_SERVER:
          case G_DBUS_ERROR_DISCONNECTED:
          case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
          case G_DBUS_ERROR_SPAWN_FORK_FAILED:
          case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
          case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
          case G_DBUS_ERROR_SPAWN_FAILED:
          case G_DBUS_ERROR_SPAWN_SETUP_FAILED:
          case G_DBUS_ERROR_SPAWN_CONFIG_INVALID:
          case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
          case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
          case G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID:
          case G_DBUS_ERROR_SPAWN_FILE_INVALID:
          case G_DBUS_ERROR_SPAWN_NO_MEMORY:
            return TRUE;
          default:
            return FALSE;
        }
    }

  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
}

/* Takes @error and gives the error a caller of RelinkSecrets sees. The
 * messages of libsecret and GDBus never carry a secret, but they are written
 * for developers; the three cases a seller can act on get their own words.
 * Cancellation passes through unchanged so callers can ignore it. */
static GError *
map_error (GError *error)
{
  GError *mapped;

  if (error->domain == RELINK_SECRETS_ERROR
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    mapped = locked_error ();
  else if (is_no_service (error))
    mapped = no_service_error ();
  else
    mapped = g_error_new (RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_FAILED,
                          _ ("The keyring did not complete the request (%s). Try again; if it "
                             "keeps failing, restart the keyring."),
                          error->message);

  g_error_free (error);
  return mapped;
}

static void
return_error (GTask *task, GError *error)
{
  /* libsecret has been seen to fail without saying why on locked items. */
  if (error == NULL)
    error = g_error_new_literal (SECRET_ERROR, SECRET_ERROR_IS_LOCKED, "locked");
  g_task_return_error (task, map_error (error));
}

static void
unlocked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!relink_secret_unlock_finish (SECRET_SERVICE (source), result, &error))
    {
      return_error (task, error);
      g_object_unref (task);
      return;
    }

  op->after_unlock (task);
}

/* Unlocks @paths (see relink-secret-unlock.h), then goes on with @next;
 * the task ends with the error when the keyring stays locked. */
static void
unlock_then (GTask *task, const char *const *paths, void (*next) (GTask *task))
{
  Op *op = g_task_get_task_data (task);

  op->after_unlock = next;
  relink_secret_unlock_async (op->service, paths, g_task_get_cancellable (task), unlocked_cb, task);
}

static Op *
op_new (ItemKind kind)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->schema = kind == KIND_TOKENS ? &tokens_schema : &keyset_schema;

  return op;
}

static GTask *
task_new (RelinkSecrets *self,
          Op *op,
          gpointer source_tag,
          GCancellable *cancellable,
          GAsyncReadyCallback callback,
          gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, op_free);

  return task;
}

/* Every operation starts here: a failure to reach the Secret Service at all
 * (no session bus, nobody owning org.freedesktop.secrets and nothing to
 * activate) surfaces while opening the session, so any error but a
 * cancellation means there is no keyring. */
static void
with_service (GTask *task, GAsyncReadyCallback next)
{
  secret_service_get (SECRET_SERVICE_OPEN_SESSION, g_task_get_cancellable (task), next, task);
}

static gboolean
service_ready (GTask *task, GAsyncResult *result)
{
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->service = secret_service_get_finish (result, &error);
  if (op->service != NULL)
    return TRUE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
    }
  else
    {
      g_debug ("No Secret Service: %s", error->message);
      g_error_free (error);
      g_task_return_error (task, no_service_error ());
    }
  g_object_unref (task);
  return FALSE;
}

/* Storing */

static void
store_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  /* The item is created with "replace", so a rotation is one write: the new
   * set takes the place of the old one in a single D-Bus call. */
  if (!secret_service_store_finish (SECRET_SERVICE (source), result, &error))
    return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
store_now (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  secret_service_store (op->service, op->schema, op->attributes, SECRET_COLLECTION_DEFAULT,
                        op->label, op->value, g_task_get_cancellable (task), store_done_cb, task);
}

static void
store_collection_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (SecretCollection) collection = NULL;
  GError *error = NULL;

  collection = secret_collection_for_alias_finish (result, &error);
  if (error != NULL)
    {
      return_error (task, error);
      g_object_unref (task);
      return;
    }

  /* A locked keyring is unlocked here, not by libsecret's store (see
   * relink-secret-unlock.h); no default keyring: the store creates it. */
  if (collection != NULL && secret_collection_get_locked (collection))
    {
      const char *paths[] = { g_dbus_proxy_get_object_path (G_DBUS_PROXY (collection)), NULL };

      unlock_then (task, paths, store_now);
      return;
    }

  store_now (task);
}

static void
store_service_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);

  if (!service_ready (task, result))
    return;

  secret_collection_for_alias (op->service, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE,
                               g_task_get_cancellable (task), store_collection_cb, task);
}

/* Looking up */

static void
lookup_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr (SecretValue) value = NULL;
  g_autoptr (RelinkSecretString) text = NULL;
  GError *error = NULL;
  const char *bytes;
  gsize length = 0;

  if (!secret_item_load_secret_finish (op->current, result, &error))
    {
      return_error (task, error);
      return;
    }

  /* A secret that did not load although the call succeeded belongs to an
   * item that stayed locked: the unlock prompt was dismissed. */
  value = secret_item_get_secret (op->current);
  if (value == NULL)
    {
      g_task_return_error (task, locked_error ());
      return;
    }

  bytes = secret_value_get (value, &length);
  if (memchr (bytes, '\0', length) != NULL || !g_utf8_validate (bytes, length, NULL))
    {
      g_task_return_error (task, corrupt_error (op->kind));
      return;
    }
  text = g_strndup (bytes, length);

  if (op->kind == KIND_TOKENS)
    {
      RelinkTokenSet *tokens = relink_token_set_new_from_json (text, NULL);

      /* An item without any token (an empty {}) is damaged too: sending
       * nothing to the marketplace would blame it for the damage. */
      if (tokens != NULL && is_blank (relink_token_set_get_access_token (tokens))
          && is_blank (relink_token_set_get_refresh_token (tokens)))
        g_clear_object (&tokens);

      if (tokens == NULL)
        g_task_return_error (task, corrupt_error (op->kind));
      else
        g_task_return_pointer (task, tokens, g_object_unref);
    }
  else
    {
      g_task_return_pointer (task, g_steal_pointer (&text), (GDestroyNotify) relink_secret_free);
    }
}

/* Keeps the items found in the Op: FALSE (and the task returned) when the
 * search failed. */
static gboolean
search_finished (GTask *task, GObject *source, GAsyncResult *result)
{
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->items = secret_service_search_finish (SECRET_SERVICE (source), result, &error);
  if (error == NULL)
    return TRUE;

  return_error (task, error);
  g_object_unref (task);
  return FALSE;
}

/* The item to read: an unlocked one when there is one (libsecret lists
 * them first), else the first. */
static SecretItem *
pick_item (GList *items)
{
  for (GList *l = items; l != NULL; l = l->next)
    {
      if (!secret_item_get_locked (l->data))
        return l->data;
    }
  return items->data;
}

/* The D-Bus paths of the locked ones of @items, for
 * relink_secret_unlock_async(); NULL when none is locked. */
static char **
locked_paths (GList *items)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) paths = NULL;

  for (GList *l = items; l != NULL; l = l->next)
    {
      if (secret_item_get_locked (l->data))
        g_strv_builder_add (builder, g_dbus_proxy_get_object_path (l->data));
    }
  paths = g_strv_builder_end (builder);
  return paths[0] != NULL ? g_steal_pointer (&paths) : NULL;
}

/* The found items are unlocked: read the one to read. */
static void
lookup_found (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  if (op->items == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      g_object_unref (task);
      return;
    }

  /* Should it have stayed locked, the read fails as locked. */
  op->current = g_object_ref (pick_item (op->items));
  secret_item_load_secret (op->current, g_task_get_cancellable (task), lookup_loaded_cb, task);
}

static void
found_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_auto (GStrv) locked = NULL;

  if (!search_finished (task, source, result))
    return;

  locked = locked_paths (op->items);
  if (locked != NULL)
    unlock_then (task, (const char *const *) locked, op->after_unlock);
  else
    op->after_unlock (task);
}

/* Finds the Op's items, locked ones too, unlocks those that are locked
 * (see relink-secret-unlock.h), then goes on with @next. Not libsecret's
 * lookup or clear, nor a search with SECRET_SEARCH_UNLOCK: they answer
 * "nothing" or skip items when the unlock prompt is dismissed, which would
 * read as "this account has no tokens" or leave tokens the seller asked to
 * remove in a locked keyring. */
static void
find_items (GTask *task, GAsyncResult *service_result, void (*next) (GTask *task))
{
  Op *op = g_task_get_task_data (task);

  if (!service_ready (task, service_result))
    return;

  op->after_unlock = next;
  secret_service_search (op->service, op->schema, op->attributes, SECRET_SEARCH_ALL,
                         g_task_get_cancellable (task), found_cb, task);
}

static void
lookup_service_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  find_items (user_data, result, lookup_found);
}

/* Clearing */

static void delete_next (GTask *task);

static void
delete_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!secret_item_delete_finish (SECRET_ITEM (source), result, &error))
    {
      return_error (task, error);
      g_object_unref (task);
      return;
    }

  delete_next (task);
}

static void
delete_next (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  SecretItem *item;

  if (op->items == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  item = op->items->data;
  op->items = g_list_delete_link (op->items, op->items);
  g_clear_object (&op->current);
  op->current = item;

  secret_item_delete (item, g_task_get_cancellable (task), delete_done_cb, task);
}

static void
clear_service_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  find_items (user_data, result, delete_next);
}

static void
relink_secrets_class_init (RelinkSecretsClass *klass)
{
}

static void
relink_secrets_init (RelinkSecrets *self)
{
}

RelinkSecrets *
relink_secrets_new (void)
{
  return g_object_new (RELINK_TYPE_SECRETS, NULL);
}

/* Each operation's Op is built in one place, for its asynchronous and its
 * blocking variant alike. */

static Op *
tokens_op (const char *account_id)
{
  Op *op = op_new (KIND_TOKENS);

  op->attributes = secret_attributes_build (&tokens_schema, "account", account_id, NULL);
  return op;
}

static Op *
store_tokens_op (const char *account_id, const char *label, RelinkTokenSet *tokens)
{
  Op *op = tokens_op (account_id);

  op->label = g_strdup (label != NULL ? label : _ ("Relink tokens"));
  op->value = secret_value_new_full (relink_token_set_to_json (tokens), -1, "text/plain",
                                     (GDestroyNotify) relink_secret_free);
  return op;
}

/* Without @field, the Op matches every field of the keyset, also ones a
 * newer Relink may have added. */
static Op *
keyset_op (const char *keyset_id, const char *field)
{
  Op *op = op_new (KIND_KEYSET);

  if (field == NULL)
    op->attributes = secret_attributes_build (&keyset_schema, "keyset", keyset_id, NULL);
  else
    op->attributes
        = secret_attributes_build (&keyset_schema, "keyset", keyset_id, "field", field, NULL);
  return op;
}

static Op *
store_keyset_op (const char *keyset_id, const char *field, const char *label, const char *value)
{
  Op *op = keyset_op (keyset_id, field);

  op->label = g_strdup (label != NULL ? label : _ ("Relink developer key"));
  op->value = secret_value_new_full (g_strdup (value), -1, "text/plain",
                                     (GDestroyNotify) relink_secret_free);
  return op;
}

/* Starts @op: @next is the step that runs once the service is there. */
static void
start (RelinkSecrets *self,
       Op *op,
       gpointer source_tag,
       GAsyncReadyCallback next,
       GCancellable *cancellable,
       GAsyncReadyCallback callback,
       gpointer user_data)
{
  with_service (task_new (self, op, source_tag, cancellable, callback, user_data), next);
}

static void
sync_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask **task = user_data;

  *task = g_object_ref (G_TASK (result));
}

/* The blocking variants: @op run to its end in a private main context, so
 * that no other source of the caller's runs in between. Returns the
 * finished task. */
static GTask *
run_sync (RelinkSecrets *self,
          Op *op,
          gpointer source_tag,
          GAsyncReadyCallback next,
          GCancellable *cancellable)
{
  GMainContext *context = g_main_context_new ();
  GTask *task = NULL;

  g_main_context_push_thread_default (context);
  start (self, op, source_tag, next, cancellable, sync_done_cb, &task);
  while (task == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  g_main_context_unref (context);

  return task;
}

static gboolean
finish_boolean (RelinkSecrets *self, GAsyncResult *result, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (RELINK_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
finish_pointer (RelinkSecrets *self, GAsyncResult *result, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (RELINK_IS_SECRETS (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Tokens */

void
relink_secrets_store_tokens_async (RelinkSecrets *self,
                                   const char *account_id,
                                   const char *label,
                                   RelinkTokenSet *tokens,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_return_if_fail (RELINK_IS_SECRETS (self));
  g_return_if_fail (account_id != NULL && *account_id != '\0');
  g_return_if_fail (RELINK_IS_TOKEN_SET (tokens));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start (self, store_tokens_op (account_id, label, tokens), relink_secrets_store_tokens_async,
         store_service_cb, cancellable, callback, user_data);
}

gboolean
relink_secrets_store_tokens_finish (RelinkSecrets *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, relink_secrets_store_tokens_async, error);
}

void
relink_secrets_lookup_tokens_async (RelinkSecrets *self,
                                    const char *account_id,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_return_if_fail (RELINK_IS_SECRETS (self));
  g_return_if_fail (account_id != NULL && *account_id != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start (self, tokens_op (account_id), relink_secrets_lookup_tokens_async, lookup_service_cb,
         cancellable, callback, user_data);
}

RelinkTokenSet *
relink_secrets_lookup_tokens_finish (RelinkSecrets *self, GAsyncResult *result, GError **error)
{
  return finish_pointer (self, result, relink_secrets_lookup_tokens_async, error);
}

void
relink_secrets_clear_tokens_async (RelinkSecrets *self,
                                   const char *account_id,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_return_if_fail (RELINK_IS_SECRETS (self));
  g_return_if_fail (account_id != NULL && *account_id != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start (self, tokens_op (account_id), relink_secrets_clear_tokens_async, clear_service_cb,
         cancellable, callback, user_data);
}

gboolean
relink_secrets_clear_tokens_finish (RelinkSecrets *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, relink_secrets_clear_tokens_async, error);
}

/* Keyset secrets */

void
relink_secrets_store_keyset_secret_async (RelinkSecrets *self,
                                          const char *keyset_id,
                                          const char *field,
                                          const char *label,
                                          const char *value,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback,
                                          gpointer user_data)
{
  g_return_if_fail (RELINK_IS_SECRETS (self));
  g_return_if_fail (keyset_id != NULL && *keyset_id != '\0');
  g_return_if_fail (field != NULL && *field != '\0');
  g_return_if_fail (value != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start (self, store_keyset_op (keyset_id, field, label, value),
         relink_secrets_store_keyset_secret_async, store_service_cb, cancellable, callback,
         user_data);
}

gboolean
relink_secrets_store_keyset_secret_finish (RelinkSecrets *self,
                                           GAsyncResult *result,
                                           GError **error)
{
  return finish_boolean (self, result, relink_secrets_store_keyset_secret_async, error);
}

void
relink_secrets_lookup_keyset_secret_async (RelinkSecrets *self,
                                           const char *keyset_id,
                                           const char *field,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data)
{
  g_return_if_fail (RELINK_IS_SECRETS (self));
  g_return_if_fail (keyset_id != NULL && *keyset_id != '\0');
  g_return_if_fail (field != NULL && *field != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start (self, keyset_op (keyset_id, field), relink_secrets_lookup_keyset_secret_async,
         lookup_service_cb, cancellable, callback, user_data);
}

char *
relink_secrets_lookup_keyset_secret_finish (RelinkSecrets *self,
                                            GAsyncResult *result,
                                            GError **error)
{
  return finish_pointer (self, result, relink_secrets_lookup_keyset_secret_async, error);
}

void
relink_secrets_clear_keyset_async (RelinkSecrets *self,
                                   const char *keyset_id,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_return_if_fail (RELINK_IS_SECRETS (self));
  g_return_if_fail (keyset_id != NULL && *keyset_id != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  start (self, keyset_op (keyset_id, NULL), relink_secrets_clear_keyset_async, clear_service_cb,
         cancellable, callback, user_data);
}

gboolean
relink_secrets_clear_keyset_finish (RelinkSecrets *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, relink_secrets_clear_keyset_async, error);
}

/* Blocking variants */

gboolean
relink_secrets_store_tokens_sync (RelinkSecrets *self,
                                  const char *account_id,
                                  const char *label,
                                  RelinkTokenSet *tokens,
                                  GCancellable *cancellable,
                                  GError **error)
{
  g_autoptr (GTask) task = NULL;

  g_return_val_if_fail (RELINK_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (account_id != NULL && *account_id != '\0', FALSE);
  g_return_val_if_fail (RELINK_IS_TOKEN_SET (tokens), FALSE);

  task = run_sync (self, store_tokens_op (account_id, label, tokens),
                   relink_secrets_store_tokens_async, store_service_cb, cancellable);
  return g_task_propagate_boolean (task, error);
}

RelinkTokenSet *
relink_secrets_lookup_tokens_sync (RelinkSecrets *self,
                                   const char *account_id,
                                   GCancellable *cancellable,
                                   GError **error)
{
  g_autoptr (GTask) task = NULL;

  g_return_val_if_fail (RELINK_IS_SECRETS (self), NULL);
  g_return_val_if_fail (account_id != NULL && *account_id != '\0', NULL);

  task = run_sync (self, tokens_op (account_id), relink_secrets_lookup_tokens_async,
                   lookup_service_cb, cancellable);
  return g_task_propagate_pointer (task, error);
}

gboolean
relink_secrets_clear_tokens_sync (RelinkSecrets *self,
                                  const char *account_id,
                                  GCancellable *cancellable,
                                  GError **error)
{
  g_autoptr (GTask) task = NULL;

  g_return_val_if_fail (RELINK_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (account_id != NULL && *account_id != '\0', FALSE);

  task = run_sync (self, tokens_op (account_id), relink_secrets_clear_tokens_async,
                   clear_service_cb, cancellable);
  return g_task_propagate_boolean (task, error);
}

gboolean
relink_secrets_store_keyset_secret_sync (RelinkSecrets *self,
                                         const char *keyset_id,
                                         const char *field,
                                         const char *label,
                                         const char *value,
                                         GCancellable *cancellable,
                                         GError **error)
{
  g_autoptr (GTask) task = NULL;

  g_return_val_if_fail (RELINK_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (keyset_id != NULL && *keyset_id != '\0', FALSE);
  g_return_val_if_fail (field != NULL && *field != '\0', FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  task = run_sync (self, store_keyset_op (keyset_id, field, label, value),
                   relink_secrets_store_keyset_secret_async, store_service_cb, cancellable);
  return g_task_propagate_boolean (task, error);
}

char *
relink_secrets_lookup_keyset_secret_sync (RelinkSecrets *self,
                                          const char *keyset_id,
                                          const char *field,
                                          GCancellable *cancellable,
                                          GError **error)
{
  g_autoptr (GTask) task = NULL;

  g_return_val_if_fail (RELINK_IS_SECRETS (self), NULL);
  g_return_val_if_fail (keyset_id != NULL && *keyset_id != '\0', NULL);
  g_return_val_if_fail (field != NULL && *field != '\0', NULL);

  task = run_sync (self, keyset_op (keyset_id, field), relink_secrets_lookup_keyset_secret_async,
                   lookup_service_cb, cancellable);
  return g_task_propagate_pointer (task, error);
}

gboolean
relink_secrets_clear_keyset_sync (RelinkSecrets *self,
                                  const char *keyset_id,
                                  GCancellable *cancellable,
                                  GError **error)
{
  g_autoptr (GTask) task = NULL;

  g_return_val_if_fail (RELINK_IS_SECRETS (self), FALSE);
  g_return_val_if_fail (keyset_id != NULL && *keyset_id != '\0', FALSE);

  task = run_sync (self, keyset_op (keyset_id, NULL), relink_secrets_clear_keyset_async,
                   clear_service_cb, cancellable);
  return g_task_propagate_boolean (task, error);
}
