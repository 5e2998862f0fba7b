/* relink-sleep-monitor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-sleep-monitor-private.h"

#define LOGIN1_NAME "org.freedesktop.login1"
#define LOGIN1_PATH "/org/freedesktop/login1"
#define LOGIN1_MANAGER "org.freedesktop.login1.Manager"

struct _RelinkSleepMonitor
{
  GObject parent_instance;

  GDBusConnection *connection;
  GCancellable *cancellable;
  guint subscription;
};

G_DEFINE_FINAL_TYPE (RelinkSleepMonitor, relink_sleep_monitor, G_TYPE_OBJECT)

enum
{
  RESUMED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
prepare_for_sleep_cb (GDBusConnection *connection,
                      const char *sender,
                      const char *path,
                      const char *interface,
                      const char *name,
                      GVariant *parameters,
                      gpointer user_data)
{
  RelinkSleepMonitor *self = user_data;
  gboolean going_to_sleep;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;

  g_variant_get (parameters, "(b)", &going_to_sleep);
  g_debug ("PrepareForSleep(%s)", going_to_sleep ? "true" : "false");

  if (!going_to_sleep)
    g_signal_emit (self, signals[RESUMED], 0);
}

static void
listen (RelinkSleepMonitor *self, GDBusConnection *connection)
{
  self->connection = g_object_ref (connection);
  self->subscription = g_dbus_connection_signal_subscribe (
      connection, LOGIN1_NAME, LOGIN1_MANAGER, "PrepareForSleep", LOGIN1_PATH, NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, prepare_for_sleep_cb, self, NULL);
}

static void
bus_get_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RelinkSleepMonitor *self;
  g_autoptr (GDBusConnection) connection = NULL;
  g_autoptr (GError) error = NULL;

  connection = g_bus_get_finish (result, &error);
  if (connection == NULL)
    {
      /* Containers and some CI machines have no system bus: the wall-clock
       * timer still fires for deadlines passed in a suspend. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No system bus, not watching for suspend: %s", error->message);
      return;
    }

  /* Not cancelled, so the monitor is still alive: dispose cancels. */
  self = user_data;
  listen (self, connection);
}

static void
relink_sleep_monitor_dispose (GObject *object)
{
  RelinkSleepMonitor *self = RELINK_SLEEP_MONITOR (object);

  g_cancellable_cancel (self->cancellable);
  if (self->subscription != 0)
    {
      g_dbus_connection_signal_unsubscribe (self->connection, self->subscription);
      self->subscription = 0;
    }
  g_clear_object (&self->connection);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (relink_sleep_monitor_parent_class)->dispose (object);
}

static void
relink_sleep_monitor_class_init (RelinkSleepMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = relink_sleep_monitor_dispose;

  /**
   * RelinkSleepMonitor::resumed:
   *
   * The machine woke from suspend or hibernation.
   */
  signals[RESUMED] = g_signal_new ("resumed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
}

static void
relink_sleep_monitor_init (RelinkSleepMonitor *self)
{
  self->cancellable = g_cancellable_new ();
}

RelinkSleepMonitor *
relink_sleep_monitor_new (void)
{
  RelinkSleepMonitor *self = g_object_new (RELINK_TYPE_SLEEP_MONITOR, NULL);

  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, bus_get_cb, self);
  return self;
}

RelinkSleepMonitor *
relink_sleep_monitor_new_for_connection (GDBusConnection *connection)
{
  RelinkSleepMonitor *self;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);

  self = g_object_new (RELINK_TYPE_SLEEP_MONITOR, NULL);
  listen (self, connection);
  return self;
}
