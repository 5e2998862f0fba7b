/* relink-background-main.c: Relink without a window.
 *
 * The reminders, the keep-alive and the tray need GIO alone, and the
 * GTK, libadwaita and WebKitGTK that a window needs cost far more memory
 * than they do, so the process that runs in the background is this
 * program. It owns the same application id as `relink`; whatever asks
 * for a window (launching Relink again, a reminder, the tray) makes it
 * exec `relink` with the request, in the same process, and `relink`
 * execs this program again when its window closes. Between the two the
 * bus name is unowned for a moment.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "relink-context.h"
#include "relink-dbus-api.h"
#include "relink-exec.h"
#include "relink-handover.h"
#include "relink-process.h"
#include "relink-reminder-service.h"
#include "relink-store-watch.h"
#include "relink-tray-controller.h"

typedef struct
{
  GApplication *application;
  GSettings *settings;
  /* The store, the accounts, the token service and the keep-alive. */
  RelinkContext *context;
  /* The door for scripts on the session bus, exported with the name. */
  RelinkDBusApi *dbus_api;
  RelinkReminderService *reminders;
  RelinkTrayController *tray;
  GCancellable *cancellable;
  /* Changes relinkctl makes to the store. */
  RelinkStoreWatch *store_watch;
  /* The activation every start ends with is not a request for a window. */
  gboolean skip_activation;
  /* The arguments for `relink` once the application has ended, when a
   * window was asked for: every request that came before, in order. */
  GStrvBuilder *window_args;
} Background;

static void
load_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Background *self = user_data;
  g_autoptr (GError) error = NULL;

  /* The context has said why it failed, or started the keep-alive. */
  if (relink_context_load_finish (RELINK_CONTEXT (object), result, &error))
    relink_reminder_service_start (self->reminders);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  relink_dbus_api_set_ready (self->dbus_api, relink_context_get_token_service (self->context),
                             self->settings, relink_context_get_error (self->context));
  /* Only now: a tray item shown before the accounts are known would say
   * "No accounts yet" for a moment after every hand-over. */
  self->tray = relink_tray_controller_new (
      self->application, relink_context_get_manager (self->context), self->settings);
  /* Listening and shown: the bridge that stood in for this process
   * while it became this program may go (after a closed window). */
  relink_handover_complete (
      g_application_get_dbus_connection (self->application),
      relink_tray_controller_get_tray (self->tray),
      self->reminders != NULL ? relink_reminder_service_get_fdo_notifier (self->reminders) : NULL);
}

static void
store_changed_cb (RelinkStoreWatch *watch, gpointer user_data)
{
  Background *self = user_data;

  relink_context_check_store (self->context);
}

static void
handover_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Background *self = user_data;
  g_autoptr (GError) error = NULL;

  if (!relink_handover_start_finish (result, &error))
    {
      /* Shut down meanwhile (app.quit): nothing to hand over. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          && g_cancellable_is_cancelled (self->cancellable))
        return;
      /* As before there was a bridge: a click in the gap is lost. */
      g_message ("Handing over to the window without a stand-in: %s", error->message);
    }
  g_application_quit (self->application);
}

/* Ends the application for the exec, once the bridge stands in for the
 * tray item and listens for clicks on reminders (relink-handover.h). */
static gboolean
quit_cb (gpointer user_data)
{
  Background *self = user_data;
  GDBusConnection *bus = g_application_get_dbus_connection (self->application);
  RelinkFdoNotifier *fdo
      = self->reminders != NULL ? relink_reminder_service_get_fdo_notifier (self->reminders) : NULL;

  if (bus == NULL)
    {
      g_application_quit (self->application);
      return G_SOURCE_REMOVE;
    }
  relink_handover_start_async (
      bus, self->tray != NULL ? relink_tray_controller_get_tray (self->tray) : NULL,
      fdo != NULL ? relink_fdo_notifier_get_server (fdo) : NULL, self->cancellable, handover_cb,
      self);
  return G_SOURCE_REMOVE;
}

/* How long the application waits, after the first request for a window,
 * for others sent with it (two reminders clicked, the tray and a click):
 * a request that came after it ends would be lost. */
#define GATHER_MS 150

/* Ends the application soon; main() then execs `relink` with every
 * request that came meanwhile, which the window serves in turn. */
static void
open_window (Background *self, const char *action, GVariant *parameter)
{
  if (self->window_args == NULL)
    {
      self->window_args = g_strv_builder_new ();
      /* The window returns here when it closes. */
      g_strv_builder_add (self->window_args, "--from-background");
      g_timeout_add (GATHER_MS, quit_cb, self);
    }

  if (action != NULL)
    {
      g_autofree char *option = g_strconcat ("--", action, NULL);

      g_strv_builder_add_many (self->window_args, option, g_variant_get_string (parameter, NULL),
                               NULL);
    }
}

static void
activate_cb (GApplication *application, gpointer user_data)
{
  Background *self = user_data;

  if (self->skip_activation)
    self->skip_activation = FALSE;
  else
    open_window (self, NULL, NULL);
}

static void
activate_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  open_window (user_data, NULL, NULL);
}

/* app.renew-account and app.show-account (notifications, the tray): the
 * window does them, under the same option names. */
static void
window_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  open_window (user_data, g_action_get_name (G_ACTION (action)), parameter);
}

static void
quit_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  Background *self = user_data;

  /* Also when a window was asked for a moment ago. */
  g_clear_pointer (&self->window_args, g_strv_builder_unref);
  g_application_quit (self->application);
}

static const GActionEntry app_entries[] = {
  { "activate", activate_action },
  { "quit", quit_action },
  { "renew-account", window_action, "s" },
  { "show-account", window_action, "s" },
};

static void
startup_cb (GApplication *application, gpointer user_data)
{
  Background *self = user_data;
  RelinkAccountManager *manager;

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_entries,
                                   G_N_ELEMENTS (app_entries), self);
  /* Runs until quit, or until a window is asked for. */
  g_application_hold (application);

  self->settings = g_settings_new (APPLICATION_ID);

  self->context = relink_context_new ("background");
  manager = relink_context_get_manager (self->context);
  /* The window explains a store it cannot open; here there is nothing to
   * remind of, and scripts are told why. */
  if (manager == NULL)
    {
      relink_dbus_api_set_ready (self->dbus_api, NULL, self->settings,
                                 relink_context_get_error (self->context));
      return;
    }

  self->store_watch = relink_store_watch_new (relink_context_get_store (self->context));
  g_signal_connect (self->store_watch, "changed", G_CALLBACK (store_changed_cb), self);
  self->reminders = relink_reminder_service_new (application, manager, self->settings);

  relink_context_load_async (self->context, self->cancellable, load_cb, self);
}

static void
shutdown_cb (GApplication *application, gpointer user_data)
{
  Background *self = user_data;
  RelinkSecrets *secrets
      = self->context != NULL ? relink_context_get_secrets (self->context) : NULL;

  g_cancellable_cancel (self->cancellable);
  /* No keyring read of a refresh that has not asked the marketplace yet
   * may hold up the end or the hand-over to the window. */
  if (secrets != NULL)
    relink_secrets_cancel_lookups (secrets);
  if (self->context != NULL)
    relink_context_shutdown (self->context);
  if (self->reminders != NULL)
    relink_reminder_service_stop (self->reminders);
  /* Announces Passive and leaves the bus while the connection is there. */
  g_clear_object (&self->tray);
  if (self->store_watch != NULL)
    relink_store_watch_stop (self->store_watch);
}

static int
handle_local_options_cb (GApplication *application, GVariantDict *options, gpointer user_data)
{
  Background *self = user_data;
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (GError) error = NULL;

  /* Started by D-Bus activation (a script's call, a click on a reminder,
   * a launcher): no activation follows the start, and the first one that
   * comes is a real request for a window. */
  if (g_application_get_flags (application) & G_APPLICATION_IS_SERVICE)
    self->skip_activation = FALSE;

  /* Exported on the application's own connection (GApplication registers
   * on the shared session bus) before it owns the name, so that the call
   * that activated Relink finds it. */
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (bus != NULL && !relink_dbus_api_export (self->dbus_api, bus, RELINK_DBUS_API_PATH, &error))
    {
      g_warning ("Could not offer the D-Bus API: %s", error->message);
      g_clear_error (&error);
    }

  if (!g_application_register (application, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  /* Already running (autostart after a manual start): that process does
   * the work, and its window, if any, stays as it is. */
  if (g_application_get_is_remote (application))
    {
      relink_dbus_api_unexport (self->dbus_api);
      return 0;
    }

  return -1;
}

static void
background_clear (Background *self)
{
  g_clear_object (&self->tray);
  g_clear_object (&self->reminders);
  g_clear_object (&self->store_watch);
  g_clear_object (&self->dbus_api);
  g_clear_object (&self->context);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
}

int
main (int argc, char *argv[])
{
  Background self = { 0 };
  g_autoptr (GApplication) application = NULL;
  g_auto (GStrv) window_args = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  relink_process_harden ();
  relink_handover_take_environment ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* What notifications and the tray name as their sender, whichever of
   * the two programs runs. */
  g_set_application_name (_ ("Relink"));

  application = g_application_new (APPLICATION_ID, G_APPLICATION_DEFAULT_FLAGS);
  self.application = application;
  self.cancellable = g_cancellable_new ();
  self.dbus_api = relink_dbus_api_new ();
  /* What `relink --background` passes on. */
  g_application_add_main_option (
      application, "background", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE,
      _ ("Start without a window, to send reminders and keep connections alive"), NULL);
  g_signal_connect (application, "handle-local-options", G_CALLBACK (handle_local_options_cb),
                    &self);
  g_signal_connect (application, "startup", G_CALLBACK (startup_cb), &self);
  g_signal_connect (application, "activate", G_CALLBACK (activate_cb), &self);
  g_signal_connect (application, "shutdown", G_CALLBACK (shutdown_cb), &self);

  self.skip_activation = TRUE;
  status = g_application_run (application, argc, argv);

  if (self.window_args != NULL)
    window_args = g_strv_builder_end (self.window_args);
  g_clear_pointer (&self.window_args, g_strv_builder_unref);
  background_clear (&self);
  g_clear_object (&application);

  if (window_args == NULL)
    return status;

  /* Everything is in the store and the keyring, which the window reads
   * again. */
  relink_exec_program (RELINK_PROGRAM_WINDOW, (const char *const *) window_args, &error);
  g_printerr ("%s\n", error->message);
  return 1;
}
