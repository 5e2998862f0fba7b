/* relink-secret-unlock.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define SECRET_API_SUBJECT_TO_CHANGE
#include "relink-secret-unlock.h"

#define SERVICE_PATH "/org/freedesktop/secrets"
#define SERVICE_INTERFACE "org.freedesktop.Secret.Service"
#define COLLECTION_INTERFACE "org.freedesktop.Secret.Collection"
#define ITEM_INTERFACE "org.freedesktop.Secret.Item"
#define PROMPT_INTERFACE "org.freedesktop.Secret.Prompt"
#define PROPERTIES_INTERFACE "org.freedesktop.DBus.Properties"

/* One call in progress. The task's first reference is the operation's:
 * dropped once, by finish_with(); every D-Bus call, the signal
 * subscription and the cancellable handler hold their own. Every D-Bus
 * call of its own is made with @inflight, cancelled when the operation
 * ends, so that no answer arrives in the caller's main context after the
 * caller stopped iterating it. */
typedef struct
{
  GDBusConnection *connection;
  char *service_name;
  char *prompt_path;
  guint completed_id;
  guint watch_id;
  GCancellable *cancellable;
  gulong cancelled_id;
  GCancellable *inflight;
  gboolean done;
} Call;

static void
call_free (gpointer data)
{
  Call *call = data;

  g_clear_object (&call->connection);
  g_free (call->service_name);
  g_free (call->prompt_path);
  g_clear_object (&call->cancellable);
  g_clear_object (&call->inflight);
  g_free (call);
}

static GError *
locked_error (const char *why)
{
  return g_error_new_literal (SECRET_ERROR, SECRET_ERROR_IS_LOCKED, why);
}

/* Ends the operation once: with @error, or with @result (taken). */
static void
finish_with (GTask *task, GError *error, GVariant *result)
{
  Call *call = g_task_get_task_data (task);

  if (call->done)
    {
      g_clear_error (&error);
      g_clear_pointer (&result, g_variant_unref);
      return;
    }
  call->done = TRUE;

  if (call->completed_id != 0)
    {
      g_dbus_connection_signal_unsubscribe (call->connection, call->completed_id);
      call->completed_id = 0;
    }
  if (call->watch_id != 0)
    {
      g_bus_unwatch_name (call->watch_id);
      call->watch_id = 0;
    }
  if (call->cancelled_id != 0)
    {
      g_cancellable_disconnect (call->cancellable, call->cancelled_id);
      call->cancelled_id = 0;
    }
  g_cancellable_cancel (call->inflight);

  if (error != NULL)
    {
      g_clear_pointer (&result, g_variant_unref);
      g_task_return_error (task, error);
    }
  else
    {
      if (result == NULL)
        result = g_variant_new_boolean (TRUE);
      /* Taken: a reply's child is a full reference already (ref_sink
       * would add a second one, leaked), a new value a floating one. */
      g_task_return_pointer (task, g_variant_take_ref (result), (GDestroyNotify) g_variant_unref);
    }
  g_object_unref (task);
}

static gboolean
cancel_in_context_cb (gpointer user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);

  if (call->done)
    return G_SOURCE_REMOVE;

  /* Take the prompt off the screen: nobody waits for its answer now. No
   * answer is expected, so none can arrive after the caller has gone. */
  if (call->prompt_path != NULL)
    {
      g_autoptr (GDBusMessage) dismiss = g_dbus_message_new_method_call (
          call->service_name, call->prompt_path, PROMPT_INTERFACE, "Dismiss");

      g_dbus_message_set_flags (dismiss, G_DBUS_MESSAGE_FLAGS_NO_REPLY_EXPECTED);
      g_dbus_connection_send_message (call->connection, dismiss, G_DBUS_SEND_MESSAGE_FLAGS_NONE,
                                      NULL, NULL);
    }

  finish_with (
      task,
      g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The keyring call was cancelled"),
      NULL);
  return G_SOURCE_REMOVE;
}

/* May run in any thread, or at once inside g_cancellable_connect(): the
 * work is done later in the task's own context, never inside the
 * cancellable's signal emission (g_cancellable_disconnect() there would
 * wait for itself forever). */
static void
cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (GSource) idle = g_idle_source_new ();

  g_source_set_callback (idle, cancel_in_context_cb, g_object_ref (task), g_object_unref);
  g_source_set_static_name (idle, "[relink] keyring call cancelled");
  g_source_attach (idle, g_task_get_context (task));
}

static void
completed_cb (GDBusConnection *connection,
              const char *sender,
              const char *object_path,
              const char *interface,
              const char *signal,
              GVariant *parameters,
              gpointer user_data)
{
  GTask *task = user_data;
  gboolean dismissed = TRUE;
  g_autoptr (GVariant) result = NULL;

  if (g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(bv)")))
    g_variant_get (parameters, "(bv)", &dismissed, &result);

  if (dismissed)
    finish_with (task, locked_error ("The keyring's prompt was dismissed"), NULL);
  else
    finish_with (task, NULL, g_steal_pointer (&result));
}

/* gnome-keyring-daemon has been seen to exit when it cannot reach the
 * program that draws its prompt: no Completed signal ever comes then. */
static void
service_vanished_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  finish_with (user_data, locked_error ("The keyring stopped before it answered"), NULL);
}

static void
prompt_called_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_debug ("The keyring could not show its prompt: %s", error->message);
      finish_with (task, locked_error ("The keyring could not show its prompt"), NULL);
    }
}

/* Every method here answers with its result (if any) first and a prompt
 * path last; "/" means no prompt is needed. */
static void
called_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) prompt_value = NULL;
  GError *error = NULL;
  const char *prompt;
  gsize n;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      finish_with (task, error, NULL);
      return;
    }
  if (call->done)
    return;

  n = g_variant_n_children (reply);
  if (n < 1 || n > 2
      || !g_variant_is_of_type ((prompt_value = g_variant_get_child_value (reply, n - 1)),
                                G_VARIANT_TYPE_OBJECT_PATH))
    {
      finish_with (task, locked_error ("The keyring answered in an unknown form"), NULL);
      return;
    }
  prompt = g_variant_get_string (prompt_value, NULL);

  if (g_str_equal (prompt, "/"))
    {
      finish_with (task, NULL, n == 2 ? g_variant_get_child_value (reply, 0) : NULL);
      return;
    }

  /* Subscribed before the prompt is shown, so no answer can be missed;
   * only the service may answer. */
  call->prompt_path = g_strdup (prompt);
  call->completed_id = g_dbus_connection_signal_subscribe (
      call->connection, call->service_name, PROMPT_INTERFACE, "Completed", prompt, NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, completed_cb, g_object_ref (task), g_object_unref);
  call->watch_id = g_bus_watch_name_on_connection (
      call->connection, call->service_name, G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
      service_vanished_cb, g_object_ref (task), g_object_unref);
  /* The seller may take their time: the caller's deadline bounds it. */
  g_dbus_connection_call (call->connection, call->service_name, prompt, PROMPT_INTERFACE, "Prompt",
                          g_variant_new ("(s)", ""), NULL, G_DBUS_CALL_FLAGS_NONE, G_MAXINT,
                          call->inflight, prompt_called_cb, g_object_ref (task));
}

/* Calls @method of @interface on @object_path; the task gives the
 * method's result (or the prompt's) as a GVariant. */
static void
call_with_prompt (SecretService *service,
                  const char *object_path,
                  const char *interface,
                  const char *method,
                  GVariant *parameters,
                  GCancellable *cancellable,
                  gpointer source_tag,
                  GAsyncReadyCallback callback,
                  gpointer user_data)
{
  GDBusProxy *proxy = G_DBUS_PROXY (service);
  GTask *task;
  Call *call;
  char *owner;

  task = g_task_new (service, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  call = g_new0 (Call, 1);
  g_task_set_task_data (task, call, call_free);

  owner = g_dbus_proxy_get_name_owner (proxy);
  call->service_name = owner != NULL ? owner : g_strdup (g_dbus_proxy_get_name (proxy));
  call->connection = g_object_ref (g_dbus_proxy_get_connection (proxy));
  call->inflight = g_cancellable_new ();

  if (cancellable != NULL)
    {
      call->cancellable = g_object_ref (cancellable);
      call->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb),
                                                  g_object_ref (task), g_object_unref);
    }

  g_dbus_connection_call (call->connection, call->service_name, object_path, interface, method,
                          parameters, NULL, G_DBUS_CALL_FLAGS_NONE, -1, call->inflight, called_cb,
                          g_object_ref (task));
}

static GVariant *
call_finish (SecretService *service, GAsyncResult *result, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, service), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Unlock */

void
relink_secret_unlock_async (SecretService *service,
                            const char *const *object_paths,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_return_if_fail (SECRET_IS_SERVICE (service));
  g_return_if_fail (object_paths != NULL);

  call_with_prompt (service, SERVICE_PATH, SERVICE_INTERFACE, "Unlock",
                    g_variant_new ("(^ao)", object_paths), cancellable, relink_secret_unlock_async,
                    callback, user_data);
}

gboolean
relink_secret_unlock_finish (SecretService *service, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) unlocked = NULL;

  unlocked = call_finish (service, result, relink_secret_unlock_async, error);
  if (unlocked == NULL)
    return FALSE;

  /* Without a prompt, the service lists what it unlocked: nothing there
   * means it stayed locked. After a prompt, the caller reads back. */
  if (g_variant_is_of_type (unlocked, G_VARIANT_TYPE ("ao"))
      && g_variant_n_children (unlocked) == 0)
    {
      g_set_error_literal (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED,
                           "The keyring stayed locked");
      return FALSE;
    }
  return TRUE;
}

/* CreateItem */

void
relink_secret_create_item_async (SecretService *service,
                                 const char *collection_path,
                                 const char *label,
                                 GHashTable *attributes,
                                 SecretValue *value,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  GVariantBuilder properties;
  GVariantBuilder pairs;
  GHashTableIter iter;
  gpointer key, attribute;

  g_return_if_fail (SECRET_IS_SERVICE (service));
  g_return_if_fail (collection_path != NULL);

  g_variant_builder_init (&pairs, G_VARIANT_TYPE ("a{ss}"));
  g_hash_table_iter_init (&iter, attributes);
  while (g_hash_table_iter_next (&iter, &key, &attribute))
    g_variant_builder_add (&pairs, "{ss}", key, attribute);

  g_variant_builder_init (&properties, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&properties, "{sv}", ITEM_INTERFACE ".Label",
                         g_variant_new_string (label));
  g_variant_builder_add (&properties, "{sv}", ITEM_INTERFACE ".Attributes",
                         g_variant_builder_end (&pairs));

  /* The secret goes out encrypted for the service's session. */
  call_with_prompt (service, collection_path, COLLECTION_INTERFACE, "CreateItem",
                    g_variant_new ("(a{sv}@(oayays)b)", &properties,
                                   secret_service_encode_dbus_secret (service, value), TRUE),
                    cancellable, relink_secret_create_item_async, callback, user_data);
}

char *
relink_secret_create_item_finish (SecretService *service, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) path = NULL;

  path = call_finish (service, result, relink_secret_create_item_async, error);
  if (path == NULL)
    return NULL;

  if (!g_variant_is_of_type (path, G_VARIANT_TYPE_OBJECT_PATH)
      || g_str_equal (g_variant_get_string (path, NULL), "/"))
    {
      g_set_error_literal (error, SECRET_ERROR, SECRET_ERROR_PROTOCOL,
                           "The keyring did not say which item it created");
      return NULL;
    }
  return g_variant_dup_string (path, NULL);
}

/* Delete */

void
relink_secret_delete_item_async (SecretService *service,
                                 const char *item_path,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_return_if_fail (SECRET_IS_SERVICE (service));
  g_return_if_fail (item_path != NULL);

  call_with_prompt (service, item_path, ITEM_INTERFACE, "Delete", NULL, cancellable,
                    relink_secret_delete_item_async, callback, user_data);
}

gboolean
relink_secret_delete_item_finish (SecretService *service, GAsyncResult *result, GError **error)
{
  g_autoptr (GVariant) done = call_finish (service, result, relink_secret_delete_item_async, error);

  return done != NULL;
}

/* Locked collections */

typedef struct
{
  GPtrArray *locked;
  guint pending;
  GError *error;
} Survey;

static void
survey_free (gpointer data)
{
  Survey *survey = data;

  g_ptr_array_unref (survey->locked);
  g_clear_error (&survey->error);
  g_free (survey);
}

static void
survey_step_done (GTask *task)
{
  Survey *survey = g_task_get_task_data (task);

  if (--survey->pending > 0)
    return;

  if (survey->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&survey->error));
      return;
    }
  g_ptr_array_add (survey->locked, NULL);
  g_task_return_pointer (task, g_ptr_array_steal (survey->locked, NULL),
                         (GDestroyNotify) g_strfreev);
}

/* One collection's Locked property being read. */
typedef struct
{
  GTask *task;
  char *path;
} LockedRead;

static void
locked_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LockedRead *read = user_data;
  g_autoptr (GTask) task = read->task;
  g_autofree char *path = read->path;
  Survey *survey = g_task_get_task_data (task);
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) locked = NULL;
  GError *error = NULL;

  g_free (read);
  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      /* A collection removed meanwhile is not locked. */
      if (!g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD)
          && !g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT)
          && survey->error == NULL)
        survey->error = g_steal_pointer (&error);
      g_clear_error (&error);
    }
  else
    {
      g_variant_get (reply, "(v)", &locked);
      if (g_variant_is_of_type (locked, G_VARIANT_TYPE_BOOLEAN) && g_variant_get_boolean (locked))
        g_ptr_array_add (survey->locked, g_steal_pointer (&path));
    }
  survey_step_done (task);
}

static void
collections_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Survey *survey = g_task_get_task_data (task);
  GDBusConnection *connection = G_DBUS_CONNECTION (source);
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) paths = NULL;
  GError *error = NULL;
  const char *service_name = g_object_get_data (G_OBJECT (task), "relink-service-name");
  GVariantIter iter;
  const char *path;

  reply = g_dbus_connection_call_finish (connection, result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_variant_get (reply, "(v)", &paths);

  /* One extra count for this function, dropped at its end. */
  survey->pending = 1;
  if (g_variant_is_of_type (paths, G_VARIANT_TYPE ("ao")))
    {
      g_variant_iter_init (&iter, paths);
      while (g_variant_iter_next (&iter, "&o", &path))
        {
          LockedRead *read = g_new0 (LockedRead, 1);

          read->task = g_object_ref (task);
          read->path = g_strdup (path);
          survey->pending++;
          g_dbus_connection_call (connection, service_name, path, PROPERTIES_INTERFACE, "Get",
                                  g_variant_new ("(ss)", COLLECTION_INTERFACE, "Locked"),
                                  G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                  g_task_get_cancellable (task), locked_read_cb, read);
        }
    }
  survey_step_done (task);
  g_object_unref (task);
}

void
relink_secret_locked_collections_async (SecretService *service,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  GDBusProxy *proxy = G_DBUS_PROXY (service);
  GTask *task;
  Survey *survey;
  char *owner;

  g_return_if_fail (SECRET_IS_SERVICE (service));

  task = g_task_new (service, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_secret_locked_collections_async);
  survey = g_new0 (Survey, 1);
  survey->locked = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, survey, survey_free);

  owner = g_dbus_proxy_get_name_owner (proxy);
  g_object_set_data_full (G_OBJECT (task), "relink-service-name",
                          owner != NULL ? owner : g_strdup (g_dbus_proxy_get_name (proxy)), g_free);

  g_dbus_connection_call (
      g_dbus_proxy_get_connection (proxy),
      g_object_get_data (G_OBJECT (task), "relink-service-name"), SERVICE_PATH,
      PROPERTIES_INTERFACE, "Get", g_variant_new ("(ss)", SERVICE_INTERFACE, "Collections"),
      G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1, cancellable, collections_read_cb, task);
}

char **
relink_secret_locked_collections_finish (SecretService *service,
                                         GAsyncResult *result,
                                         GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, service), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
