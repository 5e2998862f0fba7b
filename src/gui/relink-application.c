/* relink-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-about.h"
#include "relink-application.h"
#include "relink-autostart.h"
#include "relink-dbus-api.h"
#include "relink-handover.h"
#include "relink-preferences-dialog.h"
#include "relink-reminder-service.h"
#include "relink-store-watch.h"
#include "relink-tray-controller.h"
#include "relink-window.h"

struct _RelinkApplication
{
  AdwApplication parent_instance;

  /* The store, the accounts, the token service and the keep-alive. */
  RelinkContext *context;
  /* The door for scripts on the session bus, exported with the name. */
  RelinkDBusApi *dbus_api;
  RelinkReminderService *reminders;
  RelinkTrayController *tray;
  GSettings *settings;
  GCancellable *cancellable;
  /* Changes relinkctl makes to the store. */
  RelinkStoreWatch *store_watch;
  /* Started with --background (autostart): runs without a window whatever
   * the setting, and the activation that follows the start shows none. */
  gboolean started_in_background;
  gboolean skip_activation;
  /* Started by relink-background for a window (--from-background): goes
   * back to it when the window closes, whatever the setting. */
  gboolean from_background;
  /* The actions (--show-account, --renew-account, or app actions that
   * came while it starts) to run in turn once the accounts are loaded,
   * so that the window finds the accounts: (action, account id). */
  GPtrArray *pending;
  /* The last window closed while it runs in the background: main() execs
   * relink-background, which needs far less memory than this process. */
  gboolean return_to_background;
  gboolean quitting;
  /* Held while it runs in the background, so that closing the window
   * does not end the process. */
  gboolean held;
};

G_DEFINE_FINAL_TYPE (RelinkApplication, relink_application, ADW_TYPE_APPLICATION)

static void
show_state (RelinkApplication *self, RelinkWindow *window)
{
  /* Why the accounts cannot be shown, if they cannot. */
  const GError *error = relink_context_get_error (self->context);
  const char *title;
  g_autofree char *description = NULL;

  relink_window_set_loading (window, relink_context_get_loading (self->context));

  if (error == NULL)
    return;

  if (g_error_matches (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_CORRUPT))
    title = _ ("The Account List Is Damaged");
  else if (g_error_matches (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NEWER_SCHEMA))
    title = _ ("The Account List Is From a Newer Relink");
  else
    title = _ ("The Account List Could Not Be Opened");

  /* The store never overwrites a file it cannot read, and saying so spares
   * the seller the fear of having lost their accounts. */
  if (error->domain == RELINK_STORE_ERROR)
    description
        = g_strdup_printf ("%s\n\n%s", error->message, _ ("Relink has not changed the file."));
  else
    description = g_strdup (error->message);

  relink_window_show_error (window, title, description);
}

static void
show_state_in_windows (RelinkApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (RELINK_IS_WINDOW (l->data))
      show_state (self, l->data);
}

/* In turn, in this process or, when it is remote, in the one running. */
static void
run_pending (RelinkApplication *self)
{
  g_autoptr (GPtrArray) pending = g_steal_pointer (&self->pending);

  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  for (guint i = 0; i < pending->len; i++)
    {
      const char *action, *target;

      g_variant_get (g_ptr_array_index (pending, i), "(&s&s)", &action, &target);
      g_action_group_activate_action (G_ACTION_GROUP (self), action, g_variant_new_string (target));
    }
}

static void
load_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkApplication) self = user_data;
  g_autoptr (GError) error = NULL;

  /* A failure is the context's to keep and the windows' to show. */
  if (!relink_context_load_finish (RELINK_CONTEXT (object), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  show_state_in_windows (self);
  relink_dbus_api_set_ready (self->dbus_api, relink_context_get_token_service (self->context),
                             self->settings, relink_context_get_error (self->context));
  /* Only now: a tray item shown before the accounts are known would say
   * "No accounts yet" for a moment after every hand-over. */
  self->tray = relink_tray_controller_new (
      G_APPLICATION (self), relink_context_get_manager (self->context), self->settings);

  /* The context has started the keep-alive. */
  if (error == NULL)
    relink_reminder_service_start (self->reminders);
  /* Listening and shown: the bridge that stood in for this process while
   * it became the window may go, and its clicks are served here. */
  relink_handover_complete (g_application_get_dbus_connection (G_APPLICATION (self)),
                            relink_tray_controller_get_tray (self->tray),
                            relink_reminder_service_get_fdo_notifier (self->reminders));

  run_pending (self);
}

/* Whether the action must wait for the accounts (see load_cb()). */
static gboolean
queue_action (RelinkApplication *self, GSimpleAction *action, GVariant *parameter)
{
  if (self->context == NULL || !relink_context_get_loading (self->context))
    return FALSE;

  g_ptr_array_add (self->pending,
                   g_variant_ref_sink (g_variant_new ("(ss)", g_action_get_name (G_ACTION (action)),
                                                      g_variant_get_string (parameter, NULL))));
  return TRUE;
}

static void
window_active_cb (RelinkApplication *self, GParamSpec *pspec, GtkWindow *window)
{
  if (gtk_window_is_active (window))
    relink_application_check_store (self);
}

static void
relink_application_window_added (GtkApplication *application, GtkWindow *window)
{
  GTK_APPLICATION_CLASS (relink_application_parent_class)->window_added (application, window);

  g_signal_connect_object (window, "notify::is-active", G_CALLBACK (window_active_cb), application,
                           G_CONNECT_SWAPPED);
}

static void
handover_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkApplication) self = user_data;
  g_autoptr (GError) error = NULL;

  /* Without a stand-in, as before there was one: a click in the gap is
   * lost. */
  if (!relink_handover_start_finish (result, &error))
    g_message ("Handing over to the background without a stand-in: %s", error->message);

  /* A window was asked for while the bridge started (a reminder, the
   * launcher): this process stays the window instead of closing it
   * again with the exec. It listened all along, so of the bridge's
   * clicks only those on its own tray item are new. */
  if (self->return_to_background && gtk_application_get_windows (GTK_APPLICATION (self)) != NULL)
    {
      self->return_to_background = FALSE;
      self->quitting = FALSE;
      relink_handover_stay ();
      relink_handover_complete (
          g_application_get_dbus_connection (G_APPLICATION (self)),
          self->tray != NULL ? relink_tray_controller_get_tray (self->tray) : NULL, NULL);
      return;
    }
  g_application_quit (G_APPLICATION (self));
}

/* Ends the application for the exec to relink-background once the
 * bridge stands in for the tray item and listens for clicks on
 * reminders (relink-handover.h). */
static void
start_handover (RelinkApplication *self)
{
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (self));
  RelinkFdoNotifier *fdo
      = self->reminders != NULL ? relink_reminder_service_get_fdo_notifier (self->reminders) : NULL;

  if (bus == NULL)
    {
      g_application_quit (G_APPLICATION (self));
      return;
    }
  relink_handover_start_async (
      bus, self->tray != NULL ? relink_tray_controller_get_tray (self->tray) : NULL,
      fdo != NULL ? relink_fdo_notifier_get_server (fdo) : NULL, NULL, handover_cb,
      g_object_ref (self));
}

static void
relink_application_window_removed (GtkApplication *application, GtkWindow *window)
{
  RelinkApplication *self = RELINK_APPLICATION (application);

  GTK_APPLICATION_CLASS (relink_application_parent_class)->window_removed (application, window);

  /* Held, this process would stay as it is, GTK, WebKit and all. */
  if (self->held && !self->quitting && gtk_application_get_windows (application) == NULL)
    {
      self->return_to_background = TRUE;
      self->quitting = TRUE;
      start_handover (self);
    }
}

static void
about_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  RelinkApplication *self = user_data;

  gtk_window_present (
      relink_about_window_new (gtk_application_get_active_window (GTK_APPLICATION (self))));
}

static void
quit_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  RelinkApplication *self = user_data;

  self->quitting = TRUE;
  /* Also while it hands over to the background (relink-handover.h). */
  self->return_to_background = FALSE;
  g_application_quit (G_APPLICATION (self));
}

/* Opens the window (made anew when closed) and activates its action
 * @name with @parameter there. */
static void
activate_in_window (RelinkApplication *self,
                    GSimpleAction *action,
                    GVariant *parameter,
                    const char *name)
{
  GtkWindow *window;

  g_application_activate (G_APPLICATION (self));
  if (queue_action (self, action, parameter))
    return;
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (RELINK_IS_WINDOW (window))
    g_action_group_activate_action (G_ACTION_GROUP (window), name, parameter);
}

/* For notifications and the tray, which can only name "app." actions:
 * opens the window and renews there. */
static void
renew_account_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  activate_in_window (user_data, action, parameter, "renew-account");
}

/* A reminder clicked: the window, with the account's details. */
static void
show_account_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  activate_in_window (user_data, action, parameter, "show-account");
}

/* The tray's "Open Relink" and left click. */
static void
activate_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_application_activate (G_APPLICATION (user_data));
}

static void
preferences_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  RelinkApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_window_present (GTK_WINDOW (relink_preferences_dialog_new (parent, self->settings)));
}

static const GActionEntry app_entries[] = {
  { "about", about_action },
  { "quit", quit_action },
  { "activate", activate_action },
  { "preferences", preferences_action },
  { "renew-account", renew_account_action, "s" },
  { "show-account", show_account_action, "s" },
};

static void
sync_hold (RelinkApplication *self)
{
  gboolean wanted = self->started_in_background || self->from_background
                    || g_settings_get_boolean (self->settings, "run-in-background");

  if (wanted && !self->held)
    g_application_hold (G_APPLICATION (self));
  else if (!wanted && self->held)
    g_application_release (G_APPLICATION (self));
  self->held = wanted;
}

static int
relink_application_handle_local_options (GApplication *application, GVariantDict *options)
{
  RelinkApplication *self = RELINK_APPLICATION (application);
  g_autoptr (GError) error = NULL;
  const char *const actions[] = { "show-account", "renew-account" };
  gboolean registered;

  self->from_background = g_variant_dict_contains (options, "from-background");
  /* Each may be given more than once (relink-background passes on all
   * the requests it had); a renewal comes after the details, on top. */
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_autofree const char **ids = NULL;

      if (g_variant_dict_lookup (options, actions[i], "^a&s", &ids))
        for (guint j = 0; ids[j] != NULL; j++)
          g_ptr_array_add (self->pending,
                           g_variant_ref_sink (g_variant_new ("(ss)", actions[i], ids[j])));
    }

  if (!g_variant_dict_contains (options, "background"))
    {
      if (self->pending->len == 0)
        return -1;

      if (!g_application_register (application, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      /* A window already open does it; here the action waits for the
       * accounts (see load_cb()). */
      if (g_application_get_is_remote (application))
        {
          run_pending (self);
          return 0;
        }
      return -1;
    }

  /* Reached only when relink-background could not be started (see
   * main()): the work is done in this process then. */

  /* Before registering: the start-up that registering runs reads them. */
  self->started_in_background = TRUE;
  self->skip_activation = TRUE;

  registered = g_application_register (application, NULL, &error);

  if (!registered)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  /* Already running (autostart after a manual start): that process does
   * the work, and its window stays as it is. */
  if (g_application_get_is_remote (application))
    return 0;

  return -1;
}

static void
relink_application_startup (GApplication *application)
{
  RelinkApplication *self = RELINK_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *add_accels[] = { "<Control>n", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  G_APPLICATION_CLASS (relink_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries, G_N_ELEMENTS (app_entries),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.add-account", add_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);

  self->settings = g_settings_new (APPLICATION_ID);
  g_signal_connect_object (self->settings, "changed::run-in-background", G_CALLBACK (sync_hold),
                           self, G_CONNECT_SWAPPED);
  sync_hold (self);

  self->context = relink_context_new (self->started_in_background ? "background" : "window");
  /* Without a store the windows explain why (see show_state()). */
  if (relink_context_get_manager (self->context) == NULL)
    {
      relink_dbus_api_set_ready (self->dbus_api, NULL, self->settings,
                                 relink_context_get_error (self->context));
      return;
    }

  self->store_watch = relink_store_watch_new (relink_context_get_store (self->context));
  g_signal_connect_object (self->store_watch, "changed",
                           G_CALLBACK (relink_application_check_store), self, G_CONNECT_SWAPPED);
  self->reminders = relink_reminder_service_new (
      application, relink_context_get_manager (self->context), self->settings);

  relink_context_load_async (self->context, self->cancellable, load_cb, g_object_ref (self));
}

static void
relink_application_activate (GApplication *application)
{
  RelinkApplication *self = RELINK_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* The activation every start ends with; later ones (the launcher, a
   * notification, the tray) show the window in this same process. */
  if (self->skip_activation)
    {
      self->skip_activation = FALSE;
      return;
    }

  if (window == NULL)
    {
      window = GTK_WINDOW (relink_window_new (GTK_APPLICATION (self), self->context));
      show_state (self, RELINK_WINDOW (window));
    }

  gtk_window_present (window);
}

static void
relink_application_shutdown (GApplication *application)
{
  RelinkApplication *self = RELINK_APPLICATION (application);
  RelinkSecrets *secrets
      = self->context != NULL ? relink_context_get_secrets (self->context) : NULL;

  g_cancellable_cancel (self->cancellable);
  /* The keep-alive's refreshes read tokens in worker threads: with many
   * accounts, the process would wait for the keyring to answer them all
   * before it could end or hand over. */
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

  self->quitting = TRUE;

  G_APPLICATION_CLASS (relink_application_parent_class)->shutdown (application);
}

static void
relink_application_finalize (GObject *object)
{
  RelinkApplication *self = RELINK_APPLICATION (object);

  g_clear_object (&self->reminders);
  g_clear_object (&self->tray);
  g_clear_object (&self->settings);
  g_clear_object (&self->store_watch);
  g_clear_object (&self->context);
  g_clear_object (&self->dbus_api);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending, g_ptr_array_unref);

  G_OBJECT_CLASS (relink_application_parent_class)->finalize (object);
}

/* The API is exported before the name is owned, so that a call that
 * started Relink (D-Bus activation) finds it; its calls wait for the
 * accounts. */
static gboolean
relink_application_dbus_register (GApplication *application,
                                  GDBusConnection *connection,
                                  const char *object_path,
                                  GError **error)
{
  RelinkApplication *self = RELINK_APPLICATION (application);

  if (!G_APPLICATION_CLASS (relink_application_parent_class)
           ->dbus_register (application, connection, object_path, error))
    return FALSE;

  return relink_dbus_api_export (self->dbus_api, connection, object_path, error);
}

static void
relink_application_dbus_unregister (GApplication *application,
                                    GDBusConnection *connection,
                                    const char *object_path)
{
  RelinkApplication *self = RELINK_APPLICATION (application);

  relink_dbus_api_unexport (self->dbus_api);
  G_APPLICATION_CLASS (relink_application_parent_class)
      ->dbus_unregister (application, connection, object_path);
}

static void
relink_application_class_init (RelinkApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GtkApplicationClass *gtk_app_class = GTK_APPLICATION_CLASS (klass);

  object_class->finalize = relink_application_finalize;

  gtk_app_class->window_added = relink_application_window_added;
  gtk_app_class->window_removed = relink_application_window_removed;

  app_class->handle_local_options = relink_application_handle_local_options;
  app_class->startup = relink_application_startup;
  app_class->activate = relink_application_activate;
  app_class->shutdown = relink_application_shutdown;
  app_class->dbus_register = relink_application_dbus_register;
  app_class->dbus_unregister = relink_application_dbus_unregister;
}

static void
relink_application_init (RelinkApplication *self)
{
  self->cancellable = g_cancellable_new ();
  self->dbus_api = relink_dbus_api_new ();
  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);

  g_application_add_main_option (
      G_APPLICATION (self), "background", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE,
      _ ("Start without a window, to send reminders and keep connections alive"), NULL);
  g_application_add_main_option (G_APPLICATION (self), "show-account", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_STRING_ARRAY, _ ("Show the account’s details"),
                                 _ ("ACCOUNT-ID"));
  g_application_add_main_option (G_APPLICATION (self), "renew-account", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_STRING_ARRAY, _ ("Renew the account’s authorization"),
                                 _ ("ACCOUNT-ID"));
  /* relink-background's, when it hands over to a window. */
  g_application_add_main_option (G_APPLICATION (self), "from-background", 0, G_OPTION_FLAG_HIDDEN,
                                 G_OPTION_ARG_NONE, "", NULL);
}

RelinkApplication *
relink_application_new (void)
{
  return g_object_new (RELINK_TYPE_APPLICATION, "application-id", APPLICATION_ID, "flags",
                       G_APPLICATION_DEFAULT_FLAGS, "resource-base-path",
                       "/io/github/relink/Relink", NULL);
}

RelinkContext *
relink_application_get_context (RelinkApplication *self)
{
  g_return_val_if_fail (RELINK_IS_APPLICATION (self), NULL);

  return self->context;
}

void
relink_application_check_store (RelinkApplication *self)
{
  g_return_if_fail (RELINK_IS_APPLICATION (self));

  if (self->context != NULL)
    relink_context_check_store (self->context);
}

gboolean
relink_application_get_return_to_background (RelinkApplication *self)
{
  g_return_val_if_fail (RELINK_IS_APPLICATION (self), FALSE);

  return self->return_to_background;
}
