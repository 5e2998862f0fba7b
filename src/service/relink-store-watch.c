/* relink-store-watch.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-store-watch.h"

struct _RelinkStoreWatch
{
  GObject parent_instance;

  GFileMonitor *monitor;
  /* SQLite in WAL mode commits to "relink.db-wal": changes relinkctl
   * makes show in either file. */
  char *name;
  char *wal_name;
  guint changed_id;
};

G_DEFINE_FINAL_TYPE (RelinkStoreWatch, relink_store_watch, G_TYPE_OBJECT)

enum
{
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
changed_timeout_cb (gpointer user_data)
{
  RelinkStoreWatch *self = user_data;

  self->changed_id = 0;
  g_signal_emit (self, signals[CHANGED], 0);

  return G_SOURCE_REMOVE;
}

static void
monitor_changed_cb (RelinkStoreWatch *self,
                    GFile *file,
                    GFile *other_file,
                    GFileMonitorEvent event,
                    GFileMonitor *monitor)
{
  g_autofree char *name = g_file_get_basename (file);

  if (g_strcmp0 (name, self->name) != 0 && g_strcmp0 (name, self->wal_name) != 0)
    return;

  /* relinkctl writes in bursts (the dates, the status, a history entry):
   * one look at the store after the burst is enough. */
  g_clear_handle_id (&self->changed_id, g_source_remove);
  self->changed_id = g_timeout_add (250, changed_timeout_cb, self);
}

static void
relink_store_watch_dispose (GObject *object)
{
  RelinkStoreWatch *self = RELINK_STORE_WATCH (object);

  relink_store_watch_stop (self);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (relink_store_watch_parent_class)->dispose (object);
}

static void
relink_store_watch_finalize (GObject *object)
{
  RelinkStoreWatch *self = RELINK_STORE_WATCH (object);

  g_free (self->name);
  g_free (self->wal_name);

  G_OBJECT_CLASS (relink_store_watch_parent_class)->finalize (object);
}

static void
relink_store_watch_class_init (RelinkStoreWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = relink_store_watch_dispose;
  object_class->finalize = relink_store_watch_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
}

static void
relink_store_watch_init (RelinkStoreWatch *self)
{
}

RelinkStoreWatch *
relink_store_watch_new (RelinkStore *store)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GFile) folder = NULL;
  g_autoptr (GError) error = NULL;
  RelinkStoreWatch *self;

  g_return_val_if_fail (RELINK_IS_STORE (store), NULL);

  self = g_object_new (RELINK_TYPE_STORE_WATCH, NULL);
  file = g_file_new_for_path (relink_store_get_path (store));
  folder = g_file_get_parent (file);
  self->name = g_file_get_basename (file);
  self->wal_name = g_strconcat (self->name, "-wal", NULL);
  self->monitor = g_file_monitor_directory (folder, G_FILE_MONITOR_NONE, NULL, &error);
  if (self->monitor == NULL)
    {
      /* Changes from relinkctl then show when the window gains the focus,
       * or at the next start. */
      g_message ("Cannot watch the account store for changes: %s", error->message);
      return self;
    }

  g_signal_connect_object (self->monitor, "changed", G_CALLBACK (monitor_changed_cb), self,
                           G_CONNECT_SWAPPED);
  return self;
}

void
relink_store_watch_stop (RelinkStoreWatch *self)
{
  g_return_if_fail (RELINK_IS_STORE_WATCH (self));

  g_clear_handle_id (&self->changed_id, g_source_remove);
  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
}
