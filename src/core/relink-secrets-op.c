/* relink-secrets-op.c: one keyring operation, step by step
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* An Op finds its items in every collection (unlocking them as needed),
 * then stores, reads or deletes them, under a deadline. relink-secrets.c
 * builds the Ops and offers them as the public calls. */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "relink-secret-unlock.h"
#include "relink-secrets-private.h"

/* The "xdg:schema" attribute that libsecret adds keeps Relink's items apart
 * from every other application's, whatever their own attributes are. */
const SecretSchema relink_secrets_tokens_schema = {
  "io.github.relink.Relink.Tokens",
  SECRET_SCHEMA_NONE,
  {
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
  },
};

const SecretSchema relink_secrets_keyset_schema = {
  "io.github.relink.Relink.KeysetSecret",
  SECRET_SCHEMA_NONE,
  {
      { "keyset", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "field", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
  },
};

static void
op_free (gpointer data)
{
  Op *op = data;

  if (op->deadline != NULL)
    {
      g_source_destroy (op->deadline);
      g_source_unref (op->deadline);
    }
  if (op->caller_id != 0)
    g_cancellable_disconnect (op->caller, op->caller_id);
  g_clear_object (&op->caller);
  if (op->lookups_id != 0)
    g_cancellable_disconnect (op->lookups, op->lookups_id);
  g_clear_object (&op->lookups);
  g_clear_object (&op->cancellable);
  g_clear_pointer (&op->attributes, g_hash_table_unref);
  g_clear_pointer (&op->label, g_free);
  g_clear_pointer (&op->value, secret_value_unref);
  g_list_free_full (op->items, g_object_unref);
  g_clear_object (&op->current);
  g_clear_object (&op->service);
  g_free (op);
}

static guint
timeout_seconds (const char *variable, guint fallback)
{
  const char *text = g_getenv (variable);
  guint64 seconds;

  if (text != NULL && g_ascii_string_to_unsigned (text, 10, 1, fallback, &seconds, NULL))
    return (guint) seconds;
  return fallback;
}

static gboolean
deadline_cb (gpointer user_data)
{
  Op *op = user_data;

  op->timed_out = TRUE;
  g_cancellable_cancel (op->cancellable);
  return G_SOURCE_REMOVE;
}

/* (Re)starts the operation's deadline: @prompt while the keyring may show
 * a prompt, the shorter one otherwise. */
static void
set_deadline (GTask *task, gboolean prompt)
{
  Op *op = g_task_get_task_data (task);

  if (op->deadline != NULL)
    {
      g_source_destroy (op->deadline);
      g_source_unref (op->deadline);
    }
  op->prompting = prompt;
  op->deadline = g_timeout_source_new_seconds (
      prompt ? timeout_seconds ("RELINK_SECRETS_PROMPT_TIMEOUT", PROMPT_TIMEOUT)
             : timeout_seconds ("RELINK_SECRETS_TIMEOUT", CALL_TIMEOUT));
  g_source_set_callback (op->deadline, deadline_cb, op, NULL);
  g_source_set_static_name (op->deadline, "[relink] keyring deadline");
  g_source_attach (op->deadline, g_task_get_context (task));
}

void
relink_secrets_caller_cancelled_cb (GCancellable *caller, gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static GError *
no_service_error (void)
{
  return g_error_new_literal (RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_NO_SERVICE,
                              _ ("No keyring is available. Relink keeps tokens only in the "
                                 "system keyring (a Secret Service such as GNOME Keyring or "
                                 "KeePassXC); start it and try again."));
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
timed_out_error (void)
{
  return g_error_new_literal (RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_TIMED_OUT,
                              _ ("The keyring did not answer in time. Check that it is running "
                                 "and unlocked, then try again."));
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
  Op *op = g_task_get_task_data (task);

  /* libsecret has been seen to fail without saying why on locked items. */
  if (error == NULL)
    error = g_error_new_literal (SECRET_ERROR, SECRET_ERROR_IS_LOCKED, "locked");
  g_debug ("Keyring call failed: %s", error->message);

  /* Cancelled by the deadline, not the caller: a prompt nobody answered
   * leaves the keyring locked; any other call just took too long. */
  if (op->timed_out && !g_cancellable_is_cancelled (g_task_get_cancellable (task))
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      error = op->prompting && op->unlocking ? locked_error () : timed_out_error ();
    }
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

  op->unlocking = FALSE;
  set_deadline (task, FALSE);
  op->after_unlock (task);
}

/* Unlocks @paths (see relink-secret-unlock.h), then goes on with @next;
 * the task ends with the error when the keyring stays locked. */
static void
unlock_then (GTask *task, const char *const *paths, void (*next) (GTask *task))
{
  Op *op = g_task_get_task_data (task);

  op->after_unlock = next;
  op->unlocking = TRUE;
  set_deadline (task, TRUE);
  relink_secret_unlock_async (op->service, paths, op->cancellable, unlocked_cb, task);
}

Op *
relink_secrets_op_new (ItemKind kind)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->schema = kind == KIND_TOKENS ? &relink_secrets_tokens_schema : &relink_secrets_keyset_schema;

  return op;
}

GTask *
relink_secrets_task_new (RelinkSecrets *self,
                         Op *op,
                         gpointer source_tag,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, op_free);

  op->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      op->caller = g_object_ref (cancellable);
      op->caller_id
          = g_cancellable_connect (cancellable, G_CALLBACK (relink_secrets_caller_cancelled_cb),
                                   g_object_ref (op->cancellable), g_object_unref);
    }
  /* Connected last: when the lookups were cancelled already, this
   * cancels the operation at once. */
  if (op->lookup)
    {
      op->lookups = g_object_ref (relink_secrets_get_lookups_cancellable (self));
      op->lookups_id
          = g_cancellable_connect (op->lookups, G_CALLBACK (relink_secrets_caller_cancelled_cb),
                                   g_object_ref (op->cancellable), g_object_unref);
    }
  set_deadline (task, FALSE);

  return task;
}

/* Every operation starts here: a failure to reach the Secret Service at all
 * (no session bus, nobody owning org.freedesktop.secrets and nothing to
 * activate) surfaces while opening the session, so any error but a
 * cancellation means there is no keyring. */
void
relink_secrets_with_service (GTask *task, GAsyncReadyCallback next)
{
  Op *op = g_task_get_task_data (task);

  /* The shared service object listens for the keyring's signals in the
   * main context it was made in: a blocking call makes its own, released
   * with its private context. */
  if (op->own_service)
    secret_service_open (SECRET_TYPE_SERVICE, NULL, SECRET_SERVICE_OPEN_SESSION, op->cancellable,
                         next, task);
  else
    secret_service_get (SECRET_SERVICE_OPEN_SESSION, op->cancellable, next, task);
}

static gboolean
service_ready (GTask *task, GAsyncResult *result)
{
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  op->service = op->own_service ? secret_service_open_finish (result, &error)
                                : secret_service_get_finish (result, &error);
  if (op->service != NULL)
    return TRUE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      return_error (task, error);
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

/* Finding: every collection, locked ones too */

/* Keeps the items found in the Op: FALSE (and the task returned) when the
 * search failed. */
static gboolean
search_finished (GTask *task, GObject *source, GAsyncResult *result)
{
  Op *op = g_task_get_task_data (task);
  GError *error = NULL;

  g_list_free_full (op->items, g_object_unref);
  op->items = secret_service_search_finish (SECRET_SERVICE (source), result, &error);
  if (error == NULL)
    return TRUE;

  return_error (task, error);
  g_object_unref (task);
  return FALSE;
}

/* The item that counts when an account has more than one (in several
 * collections, written by an older Relink): an unlocked one when there is
 * one, and of those the one written last. */
static SecretItem *
pick_item (GList *items)
{
  SecretItem *best = NULL;

  for (GList *l = items; l != NULL; l = l->next)
    {
      SecretItem *item = l->data;

      if (best == NULL || (secret_item_get_locked (best) && !secret_item_get_locked (item))
          || (secret_item_get_locked (best) == secret_item_get_locked (item)
              && secret_item_get_modified (item) > secret_item_get_modified (best)))
        best = item;
    }
  return best;
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

static void search (GTask *task);

/* The locked collections listed nothing: unlocked, they are searched again. */
static void
search_again (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  op->searched_again = TRUE;
  search (task);
}

static void
locked_collections_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_auto (GStrv) locked = NULL;
  GError *error = NULL;

  locked = relink_secret_locked_collections_finish (SECRET_SERVICE (source), result, &error);
  if (locked == NULL)
    {
      return_error (task, error);
      g_object_unref (task);
      return;
    }

  if (locked[0] == NULL)
    op->found (task);
  else
    unlock_then (task, (const char *const *) locked, search_again);
}

static void
found_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_auto (GStrv) locked = NULL;

  if (!search_finished (task, source, result))
    return;

  /* The search's own deadline ends here (see search()). */
  if (op->unlocking)
    {
      op->unlocking = FALSE;
      set_deadline (task, FALSE);
    }

  /* Some services (KeePassXC) list no item of a locked collection: nothing
   * found while a collection is locked is no answer yet. */
  if (op->items == NULL && !op->searched_again)
    {
      relink_secret_locked_collections_async (op->service, op->cancellable, locked_collections_cb,
                                              task);
      return;
    }

  locked = locked_paths (op->items);
  if (locked != NULL)
    unlock_then (task, (const char *const *) locked, op->found);
  else
    op->found (task);
}

static void
search_survey_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_auto (GStrv) locked = NULL;
  GError *error = NULL;

  locked = relink_secret_locked_collections_finish (SECRET_SERVICE (source), result, &error);
  if (locked == NULL)
    {
      return_error (task, error);
      g_object_unref (task);
      return;
    }

  /* KeePassXC answers a search while its databases are locked only once
   * its own unlock dialog is closed (its "unlock before search", on by
   * default): the search may wait as long as a prompt, and a search that
   * outlasts that deadline means the keyring stayed locked. */
  if (locked[0] != NULL)
    {
      op->unlocking = TRUE;
      set_deadline (task, TRUE);
    }
  secret_service_search (op->service, op->schema, op->attributes, SECRET_SEARCH_ALL,
                         op->cancellable, found_cb, task);
}

static void
search (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  relink_secret_locked_collections_async (op->service, op->cancellable, search_survey_cb, task);
}

/* Finds the Op's items in every collection, locked ones too, unlocks
 * those that are locked (see relink-secret-unlock.h), then goes on with
 * @next. Not libsecret's lookup or clear, nor a search with
 * SECRET_SEARCH_UNLOCK: they answer "nothing" or skip items when the unlock
 * prompt is dismissed, which would read as "this account has no tokens" or
 * leave tokens the seller asked to remove in a locked keyring. */
static void
find_items (GTask *task, GAsyncResult *service_result, void (*next) (GTask *task))
{
  Op *op = g_task_get_task_data (task);

  if (!service_ready (task, service_result))
    return;

  op->found = next;
  search (task);
}

/* Clearing (also the duplicates a store leaves behind) */

static void delete_next (GTask *task);

static void
delete_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!relink_secret_delete_item_finish (SECRET_SERVICE (source), result, &error))
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

  /* KeePassXC may ask the seller to confirm. */
  set_deadline (task, TRUE);
  relink_secret_delete_item_async (op->service, g_dbus_proxy_get_object_path (G_DBUS_PROXY (item)),
                                   op->cancellable, delete_done_cb, task);
}

void
relink_secrets_clear_service_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  find_items (user_data, result, delete_next);
}

/* Storing: one item per account (or keyset field), wherever it lives */

/* Written: the other items of the account (older copies in other
 * collections) go, so that no lookup can read a stale one. */
static void
stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!secret_item_set_secret_finish (SECRET_ITEM (source), result, &error))
    {
      return_error (task, error);
      g_object_unref (task);
      return;
    }
  set_deadline (task, FALSE);
  delete_next (task);
}

static void
created_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  g_autofree char *path = NULL;
  GError *error = NULL;

  path = relink_secret_create_item_finish (SECRET_SERVICE (source), result, &error);
  if (path == NULL)
    return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
legacy_store_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!secret_service_store_finish (SECRET_SERVICE (source), result, &error))
    return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
default_collection_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr (SecretCollection) collection = NULL;
  g_autoptr (GHashTable) attributes = NULL;
  GError *error = NULL;

  collection = secret_collection_for_alias_finish (result, &error);
  if (error != NULL)
    {
      return_error (task, error);
      g_object_unref (task);
      return;
    }

  /* A service without a default collection makes one (it may ask the
   * seller for its password). */
  set_deadline (task, TRUE);
  if (collection == NULL)
    {
      secret_service_store (op->service, op->schema, op->attributes, SECRET_COLLECTION_DEFAULT,
                            op->label, op->value, op->cancellable, legacy_store_cb, task);
      return;
    }

  /* A new item, marked with the schema as libsecret marks its own; the
   * service may prompt (KeePassXC always does). */
  attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (attributes, (gpointer) "xdg:schema", (gpointer) op->schema->name);
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, op->attributes);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_hash_table_insert (attributes, key, value);
  }
  relink_secret_create_item_async (
      op->service, g_dbus_proxy_get_object_path (G_DBUS_PROXY (collection)), op->label, attributes,
      op->value, op->cancellable, created_cb, task);
}

/* The account's items are found and unlocked (a locked collection too,
 * see found_cb): the newest takes the new secret in place; without any,
 * a new one goes to the default collection. */
static void
store_found (GTask *task)
{
  Op *op = g_task_get_task_data (task);
  SecretItem *target;

  if (op->items == NULL)
    {
      secret_collection_for_alias (op->service, SECRET_COLLECTION_DEFAULT, SECRET_COLLECTION_NONE,
                                   op->cancellable, default_collection_cb, task);
      return;
    }

  target = pick_item (op->items);
  op->items = g_list_remove (op->items, target);
  g_clear_object (&op->current);
  op->current = target;
  secret_item_set_secret (target, op->value, op->cancellable, stored_cb, task);
}

void
relink_secrets_store_service_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  find_items (user_data, result, store_found);
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
  secret_item_load_secret (op->current, op->cancellable, lookup_loaded_cb, task);
}

void
relink_secrets_lookup_service_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  find_items (user_data, result, lookup_found);
}
