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

#include "relink-exec.h"
#include "relink-keep-alive.h"
#include "relink-process.h"
#include "relink-provider-registry.h"
#include "relink-reminder-service.h"
#include "relink-secrets.h"
#include "relink-store-watch.h"
#include "relink-store.h"
#include "relink-tray-controller.h"

typedef struct
{
  GApplication *application;
  GSettings *settings;
  RelinkAccountManager *manager;
  RelinkTokenService *service;
  RelinkKeepAlive *keep_alive;
  RelinkReminderService *reminders;
  RelinkTrayController *tray;
  GCancellable *cancellable;
  /* Changes relinkctl makes to the store. */
  RelinkStoreWatch *store_watch;
  gboolean loading;
  /* The activation every start ends with is not a request for a window. */
  gboolean skip_activation;
  /* The arguments for `relink` once the application has ended, when a
   * window was asked for. */
  GStrv window_args;
} Background;

static void
load_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Background *self = user_data;
  g_autoptr (GError) error = NULL;

  if (!relink_account_manager_load_finish (RELINK_ACCOUNT_MANAGER (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not load the accounts: %s", error->message);
      return;
    }

  self->loading = FALSE;
  relink_keep_alive_start (self->keep_alive);
  relink_reminder_service_start (self->reminders);
}

static void
store_changed_cb (RelinkStoreWatch *watch, gpointer user_data)
{
  Background *self = user_data;

  if (!self->loading)
    relink_account_manager_reload_if_changed (self->manager);
}

/* Ends the application; main() then execs `relink` with @args
 * (the first wins when several requests come in one go). */
static void
open_window (Background *self, const char *action, GVariant *parameter)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  if (self->window_args != NULL)
    return;

  /* The window returns here when it closes. */
  g_strv_builder_add (builder, "--from-background");
  if (action != NULL)
    {
      g_autofree char *option = g_strconcat ("--", action, NULL);

      g_strv_builder_add_many (builder, option, g_variant_get_string (parameter, NULL), NULL);
    }
  self->window_args = g_strv_builder_end (builder);

  g_application_quit (self->application);
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
  g_autofree char *path = NULL;
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (RelinkSecrets) secrets = NULL;
  g_autoptr (RelinkProviderRegistry) providers = NULL;
  g_autoptr (GError) error = NULL;

  g_action_map_add_action_entries (G_ACTION_MAP (application), app_entries,
                                   G_N_ELEMENTS (app_entries), self);
  /* Runs until quit, or until a window is asked for. */
  g_application_hold (application);

  self->settings = g_settings_new (APPLICATION_ID);

  path = relink_store_default_path ();
  store = relink_store_open (path, &error);
  if (store == NULL)
    {
      /* The window explains it; here there is nothing to remind of. */
      g_warning ("Could not open the account store: %s", error->message);
      return;
    }

  secrets = relink_secrets_new ();
  providers = relink_provider_registry_new (NULL);
  self->manager = relink_account_manager_new (store, secrets, providers);
  relink_account_manager_set_program (self->manager, "background");
  self->service = relink_token_service_new (self->manager);
  self->keep_alive = relink_keep_alive_new (self->service);
  self->store_watch = relink_store_watch_new (store);
  g_signal_connect (self->store_watch, "changed", G_CALLBACK (store_changed_cb), self);
  self->reminders = relink_reminder_service_new (application, self->manager, self->settings);
  self->tray = relink_tray_controller_new (application, self->manager, self->settings);

  self->loading = TRUE;
  relink_account_manager_load_async (self->manager, self->cancellable, load_cb, self);
}

static void
shutdown_cb (GApplication *application, gpointer user_data)
{
  Background *self = user_data;

  g_cancellable_cancel (self->cancellable);
  if (self->keep_alive != NULL)
    relink_keep_alive_stop (self->keep_alive);
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
  g_autoptr (GError) error = NULL;

  if (!g_application_register (application, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  /* Already running (autostart after a manual start): that process does
   * the work, and its window, if any, stays as it is. */
  if (g_application_get_is_remote (application))
    return 0;

  return -1;
}

static void
background_clear (Background *self)
{
  g_clear_object (&self->tray);
  g_clear_object (&self->reminders);
  g_clear_object (&self->keep_alive);
  g_clear_object (&self->service);
  g_clear_object (&self->manager);
  g_clear_object (&self->store_watch);
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
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  application = g_application_new (APPLICATION_ID, G_APPLICATION_DEFAULT_FLAGS);
  self.application = application;
  self.cancellable = g_cancellable_new ();
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

  window_args = g_steal_pointer (&self.window_args);
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
