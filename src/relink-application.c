/* relink-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-application.h"
#include "relink-provider-registry.h"
#include "relink-secrets.h"
#include "relink-store.h"
#include "relink-window.h"

struct _RelinkApplication
{
  AdwApplication parent_instance;

  RelinkAccountManager *manager;
  GCancellable *cancellable;
  /* Why the accounts cannot be shown, if they cannot. */
  GError *error;
  gboolean loading;
};

G_DEFINE_FINAL_TYPE (RelinkApplication, relink_application, ADW_TYPE_APPLICATION)

static void
show_state (RelinkApplication *self, RelinkWindow *window)
{
  const char *title;
  g_autofree char *description = NULL;

  relink_window_set_loading (window, self->loading);

  if (self->error == NULL)
    return;

  if (g_error_matches (self->error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_CORRUPT))
    title = _ ("The Account List Is Damaged");
  else if (g_error_matches (self->error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NEWER_SCHEMA))
    title = _ ("The Account List Is From a Newer Relink");
  else
    title = _ ("The Account List Could Not Be Opened");

  /* The store never overwrites a file it cannot read, and saying so spares
   * the seller the fear of having lost their accounts. */
  if (self->error->domain == RELINK_STORE_ERROR)
    description = g_strdup_printf ("%s\n\n%s", self->error->message,
                                   _ ("Relink has not changed the file."));
  else
    description = g_strdup (self->error->message);

  relink_window_show_error (window, title, description);
}

static void
show_state_in_windows (RelinkApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (RELINK_IS_WINDOW (l->data))
      show_state (self, l->data);
}

static void
load_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkApplication) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!relink_account_manager_load_finish (RELINK_ACCOUNT_MANAGER (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Could not load the accounts: %s", error->message);
      g_set_error_literal (&self->error, error->domain, error->code, error->message);
    }

  g_debug ("Loaded %u accounts",
           g_list_model_get_n_items (relink_account_manager_get_accounts (self->manager)));
  self->loading = FALSE;
  show_state_in_windows (self);
}

static void
about_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  RelinkApplication *self = user_data;
  GtkWindow *about;
  const char *developers[] = { _ ("The Relink developers"), NULL };

  about = GTK_WINDOW (adw_about_window_new ());
  g_object_set (
      about, "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
      "application-name", _ ("Relink"), "application-icon", APPLICATION_ID, "developer-name",
      _ ("The Relink developers"), "developers", developers, "version", PACKAGE_VERSION, "comments",
      _ ("Keeps your marketplace connections alive: see when each "
         "account’s authorisation expires and renew it in time."),
      "license-type", GTK_LICENSE_GPL_3_0, "translator-credits", _ ("translator-credits"), NULL);
  gtk_window_present (about);
}

static void
quit_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_entries[] = {
  { "about", about_action },
  { "quit", quit_action },
};

static void
relink_application_startup (GApplication *application)
{
  RelinkApplication *self = RELINK_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *add_accels[] = { "<Control>n", NULL };
  g_autofree char *path = NULL;
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (RelinkSecrets) secrets = NULL;
  g_autoptr (RelinkProviderRegistry) providers = NULL;
  g_autoptr (GError) error = NULL;

  G_APPLICATION_CLASS (relink_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries, G_N_ELEMENTS (app_entries),
                                   self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.add-account", add_accels);

  path = relink_store_default_path ();
  store = relink_store_open (path, &error);
  if (store == NULL)
    {
      g_warning ("Could not open the account store: %s", error->message);
      self->error = g_steal_pointer (&error);
      return;
    }

  secrets = relink_secrets_new ();
  providers = relink_provider_registry_new (NULL);
  self->manager = relink_account_manager_new (store, secrets, providers);

  self->loading = TRUE;
  relink_account_manager_load_async (self->manager, self->cancellable, load_cb,
                                     g_object_ref (self));
}

static void
relink_application_activate (GApplication *application)
{
  RelinkApplication *self = RELINK_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (relink_window_new (self, self->manager));
      show_state (self, RELINK_WINDOW (window));
    }

  gtk_window_present (window);
}

static void
relink_application_shutdown (GApplication *application)
{
  RelinkApplication *self = RELINK_APPLICATION (application);

  g_cancellable_cancel (self->cancellable);

  G_APPLICATION_CLASS (relink_application_parent_class)->shutdown (application);
}

static void
relink_application_finalize (GObject *object)
{
  RelinkApplication *self = RELINK_APPLICATION (object);

  g_clear_object (&self->manager);
  g_clear_object (&self->cancellable);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (relink_application_parent_class)->finalize (object);
}

static void
relink_application_class_init (RelinkApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = relink_application_finalize;

  app_class->startup = relink_application_startup;
  app_class->activate = relink_application_activate;
  app_class->shutdown = relink_application_shutdown;
}

static void
relink_application_init (RelinkApplication *self)
{
  self->cancellable = g_cancellable_new ();
}

RelinkApplication *
relink_application_new (void)
{
  return g_object_new (RELINK_TYPE_APPLICATION, "application-id", APPLICATION_ID, "flags",
                       G_APPLICATION_DEFAULT_FLAGS, "resource-base-path",
                       "/io/github/relink/Relink", NULL);
}

RelinkAccountManager *
relink_application_get_manager (RelinkApplication *self)
{
  g_return_val_if_fail (RELINK_IS_APPLICATION (self), NULL);

  return self->manager;
}
