/* relink-tray-controller.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-expiry.h"
#include "relink-grant.h"
#include "relink-tray-controller-private.h"
#include "relink-wall-timer.h"

#define ICON_NAME APPLICATION_ID "-symbolic"
#define ATTENTION_ICON_NAME "dialog-warning-symbolic"
/* A tray menu is no list view: beyond this, "More…" opens the window. */
#define MAX_MENU_ACCOUNTS 10

struct _RelinkTrayController
{
  GObject parent_instance;

  GApplication *application; /* weak: it owns the controller */
  RelinkAccountManager *manager;
  GSettings *settings;
  RelinkTray *tray;

  RelinkClockFunc clock;
  gpointer clock_data;

  GMenu *menu;
  GMenu *accounts_section;
  char *accounts_signature; /* what accounts_section shows, to skip no-op rebuilds */

  GHashTable *watched; /* RelinkAccount set */
  GSource *timer;
  guint idle_id;
};

G_DEFINE_FINAL_TYPE (RelinkTrayController, relink_tray_controller, G_TYPE_OBJECT)

typedef struct
{
  RelinkAccount *account;
  RelinkAccountState state;
  gint64 expires_at;
} Entry;

static gint64
default_clock (gpointer user_data)
{
  return relink_now ();
}

char *
relink_tray_escape_label (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; p != NULL && *p != '\0'; p++)
    {
      if (*p == '_')
        g_string_append_c (out, '_');
      g_string_append_c (out, *p);
    }

  return g_string_free (out, FALSE);
}

/* The most urgent first: by state, then the nearest expiry, then name. */
static int
compare_entries (gconstpointer a, gconstpointer b)
{
  const Entry *x = a, *y = b;
  gint64 ex = x->expires_at ? x->expires_at : G_MAXINT64;
  gint64 ey = y->expires_at ? y->expires_at : G_MAXINT64;

  if (x->state != y->state)
    return x->state < y->state ? -1 : 1;
  if (ex != ey)
    return ex < ey ? -1 : 1;
  return g_utf8_collate (relink_account_get_display_name (x->account),
                         relink_account_get_display_name (y->account));
}

/* "eBay · shop_a", or the bare name when the marketplace is unknown. */
static char *
dup_account_label (RelinkAccount *account)
{
  RelinkKeyset *keyset = relink_account_get_keyset (account);
  RelinkProvider *provider = keyset ? relink_keyset_get_provider (keyset) : NULL;

  if (provider == NULL)
    return g_strdup (relink_account_get_display_name (account));

  return g_strdup_printf ("%s · %s", relink_provider_get_name (provider),
                          relink_account_get_display_name (account));
}

/* Whether signing in is what fixes the account (offline ones retry alone). */
static gboolean
needs_sign_in (RelinkAccountState state)
{
  return state == RELINK_ACCOUNT_STATE_EXPIRED || state == RELINK_ACCOUNT_STATE_NEEDS_REAUTH
         || state == RELINK_ACCOUNT_STATE_EXPIRING_SOON
         || state == RELINK_ACCOUNT_STATE_NOT_CONNECTED;
}

static void
rebuild_accounts_section (RelinkTrayController *self, GArray *entries)
{
  g_autoptr (GString) signature = g_string_new (NULL);
  g_autoptr (GMenu) section = g_menu_new ();
  guint shown = 0, more = 0;

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = &g_array_index (entries, Entry, i);
      g_autofree char *label = NULL;
      g_autofree char *escaped = NULL;
      g_autofree char *text = NULL;
      g_autoptr (GMenuItem) item = NULL;

      if (!needs_sign_in (entry->state))
        continue;
      if (shown == MAX_MENU_ACCOUNTS)
        {
          more++;
          continue;
        }

      label = dup_account_label (entry->account);
      escaped = relink_tray_escape_label (label);
      if (entry->state == RELINK_ACCOUNT_STATE_NOT_CONNECTED)
        /* Translators: a tray menu item; %s is "eBay · shop_a". */
        text = g_strdup_printf (_ ("Connect %s"), escaped);
      else
        /* Translators: a tray menu item; %s is "eBay · shop_a". */
        text = g_strdup_printf (_ ("Renew %s"), escaped);

      item = g_menu_item_new (text, NULL);
      g_menu_item_set_action_and_target_value (
          item, "app.renew-account", g_variant_new_string (relink_account_get_id (entry->account)));
      g_menu_append_item (section, item);
      g_string_append_printf (signature, "%s\n%s\n", relink_account_get_id (entry->account), text);
      shown++;
    }

  if (more > 0)
    {
      g_autofree char *text
          = g_strdup_printf (ngettext ("%u More Account…", "%u More Accounts…", more), more);

      g_menu_append (section, text, "app.activate");
      g_string_append_printf (signature, "more %u\n", more);
    }

  if (g_strcmp0 (signature->str, self->accounts_signature) == 0)
    return;
  g_free (self->accounts_signature);
  self->accounts_signature = g_strdup (signature->str);

  /* One splice: the host sees one layout change, not one per item. */
  g_menu_remove_all (self->accounts_section);
  for (int i = 0; i < g_menu_model_get_n_items (G_MENU_MODEL (section)); i++)
    {
      g_autoptr (GMenuItem) item = g_menu_item_new_from_model (G_MENU_MODEL (section), i);
      g_menu_append_item (self->accounts_section, item);
    }
}

static char *
describe_entry (Entry *entry, gint64 now)
{
  g_autofree char *label = dup_account_label (entry->account);
  g_autofree char *what = NULL;

  switch (entry->state)
    {
      case RELINK_ACCOUNT_STATE_EXPIRED:
      case RELINK_ACCOUNT_STATE_EXPIRING_SOON:
      case RELINK_ACCOUNT_STATE_VALID:
        what = relink_expiry_describe (entry->expires_at, now, NULL);
        break;
      case RELINK_ACCOUNT_STATE_NEEDS_REAUTH:
        what = g_strdup (_ ("needs you to sign in again"));
        break;
      case RELINK_ACCOUNT_STATE_ERROR:
        what = g_strdup (_ ("cannot be refreshed right now"));
        break;
      case RELINK_ACCOUNT_STATE_NOT_CONNECTED:
      default:
        what = g_strdup (_ ("is not connected"));
        break;
    }

  /* Translators: a tray tooltip, "eBay · shop_a expires in 3 days". */
  return g_strdup_printf (C_ ("tray tooltip", "%s %s"), label, what);
}

static void
update (RelinkTrayController *self)
{
  g_autoptr (GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_autofree char *description = NULL;
  GListModel *accounts = relink_account_manager_get_accounts (self->manager);
  guint n = g_list_model_get_n_items (accounts);
  gint64 soon = (gint64) g_settings_get_uint (self->settings, "expiring-soon-days") * 86400;
  gint64 now = self->clock (self->clock_data);
  gint64 next = RELINK_EXPIRY_NEVER;
  guint n_attention = 0;

  g_clear_handle_id (&self->idle_id, g_source_remove);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (RelinkAccount) item = g_list_model_get_item (accounts, i);
      /* An account is listed with its most urgent grant, whose Renew it offers. */
      RelinkAccount *account = relink_grant_most_urgent (item, now, soon);
      Entry entry = { account, 0, relink_account_get_refresh_expires_at (account) };

      entry.state = relink_account_get_state (account, now, soon);
      next = MIN (next, relink_expiry_next_state_change (entry.expires_at, now, soon));
      if (relink_expiry_state_needs_attention (entry.state))
        n_attention++;
      g_array_append_val (entries, entry);
    }
  g_array_sort (entries, compare_entries);

  rebuild_accounts_section (self, entries);

  if (n_attention > 0)
    {
      Entry *first = &g_array_index (entries, Entry, 0);
      g_autofree char *urgent = describe_entry (first, now);

      /* The tooltip's countdown must not go stale either. */
      if (first->expires_at != 0)
        next = MIN (next, relink_expiry_next_change (first->expires_at, now, NULL));

      if (n_attention > 1)
        description
            = g_strdup_printf (ngettext ("%s\n%u more account needs attention",
                                         "%s\n%u more accounts need attention", n_attention - 1),
                               urgent, n_attention - 1);
      else
        description = g_steal_pointer (&urgent);
    }
  else if (n == 0)
    description = g_strdup (_ ("No accounts yet"));
  else
    description = g_strdup (_ ("All connections are fine"));

  if (self->tray != NULL)
    {
      relink_tray_set_tooltip (self->tray, "Relink", description);
      relink_tray_set_status (self->tray, n_attention > 0 ? RELINK_TRAY_STATUS_NEEDS_ATTENTION
                                                          : RELINK_TRAY_STATUS_ACTIVE);
    }

  if (self->timer != NULL)
    relink_wall_timer_source_set_deadline (self->timer, next >= G_MAXINT64 / G_USEC_PER_SEC
                                                            ? G_MAXINT64
                                                            : MAX (next, 0) * G_USEC_PER_SEC);
}

static gboolean
update_idle_cb (gpointer user_data)
{
  RelinkTrayController *self = user_data;

  self->idle_id = 0;
  update (self);
  return G_SOURCE_REMOVE;
}

static void
queue_update (RelinkTrayController *self)
{
  if (self->idle_id == 0)
    self->idle_id = g_idle_add (update_idle_cb, self);
}

static gboolean
timer_cb (gpointer user_data)
{
  update (user_data);
  return G_SOURCE_CONTINUE;
}

static void
account_notify_cb (RelinkTrayController *self, GParamSpec *pspec, RelinkAccount *account)
{
  queue_update (self);
}

static void
unwatch_all (RelinkTrayController *self)
{
  GHashTableIter iter;
  gpointer account;

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &account, NULL))
    g_signal_handlers_disconnect_by_func (account, account_notify_cb, self);
  g_hash_table_remove_all (self->watched);
}

static void
rewatch (RelinkTrayController *self)
{
  /* Every grant: a further grant's change moves its account. */
  GListModel *accounts = relink_account_manager_get_grants (self->manager);
  guint n = g_list_model_get_n_items (accounts);

  unwatch_all (self);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (RelinkAccount) account = g_list_model_get_item (accounts, i);

      if (g_hash_table_add (self->watched, g_object_ref (account)))
        g_signal_connect_object (account, "notify", G_CALLBACK (account_notify_cb), self,
                                 G_CONNECT_SWAPPED);
    }
}

static void
accounts_changed_cb (RelinkTrayController *self, guint position, guint removed, guint added)
{
  rewatch (self);
  queue_update (self);
}

/* Keysets resolve the marketplace name shown. */
static void
keysets_changed_cb (RelinkTrayController *self, guint position, guint removed, guint added)
{
  queue_update (self);
}

static void
soon_days_changed_cb (RelinkTrayController *self)
{
  queue_update (self);
}

static void
show_tray_changed_cb (RelinkTrayController *self)
{
  gboolean wanted = g_settings_get_boolean (self->settings, "show-tray-icon");
  GDBusConnection *connection
      = self->application ? g_application_get_dbus_connection (self->application) : NULL;

  if (wanted && self->tray == NULL && connection != NULL)
    {
      self->tray = relink_tray_new (connection, ICON_NAME, G_MENU_MODEL (self->menu),
                                    G_ACTION_GROUP (self->application));
      relink_tray_set_attention_icon_name (self->tray, ATTENTION_ICON_NAME);
      relink_tray_set_title (self->tray, "Relink");
      update (self);
    }
  else if (!wanted && self->tray != NULL)
    {
      /* Dropping it announces PASSIVE and unexports it. */
      g_clear_object (&self->tray);
    }
}

static void
relink_tray_controller_dispose (GObject *object)
{
  RelinkTrayController *self = RELINK_TRAY_CONTROLLER (object);

  g_clear_handle_id (&self->idle_id, g_source_remove);
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  if (self->watched != NULL)
    unwatch_all (self);
  g_clear_object (&self->tray);
  g_clear_weak_pointer (&self->application);

  G_OBJECT_CLASS (relink_tray_controller_parent_class)->dispose (object);
}

static void
relink_tray_controller_finalize (GObject *object)
{
  RelinkTrayController *self = RELINK_TRAY_CONTROLLER (object);

  g_clear_pointer (&self->watched, g_hash_table_unref);
  g_clear_pointer (&self->accounts_signature, g_free);
  g_clear_object (&self->accounts_section);
  g_clear_object (&self->menu);
  g_clear_object (&self->manager);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (relink_tray_controller_parent_class)->finalize (object);
}

static void
relink_tray_controller_class_init (RelinkTrayControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = relink_tray_controller_dispose;
  object_class->finalize = relink_tray_controller_finalize;
}

static void
relink_tray_controller_init (RelinkTrayController *self)
{
  g_autoptr (GMenu) fixed = g_menu_new ();

  self->clock = default_clock;
  self->watched = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, NULL);

  self->menu = g_menu_new ();
  self->accounts_section = g_menu_new ();
  g_menu_append_section (self->menu, NULL, G_MENU_MODEL (self->accounts_section));
  g_menu_append (fixed, _ ("_Open Relink"), "app.activate");
  g_menu_append (fixed, _ ("_Quit"), "app.quit");
  g_menu_append_section (self->menu, NULL, G_MENU_MODEL (fixed));
}

RelinkTrayController *
relink_tray_controller_new (GApplication *application,
                            RelinkAccountManager *manager,
                            GSettings *settings)
{
  RelinkTrayController *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (manager), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (RELINK_TYPE_TRAY_CONTROLLER, NULL);
  g_set_weak_pointer (&self->application, application);
  self->manager = g_object_ref (manager);
  self->settings = g_object_ref (settings);

  self->timer = relink_wall_timer_source_new (G_MAXINT64);
  g_source_set_callback (self->timer, timer_cb, self, NULL);
  g_source_set_static_name (self->timer, "[relink] tray");
  g_source_attach (self->timer, NULL);

  g_signal_connect_object (relink_account_manager_get_grants (manager), "items-changed",
                           G_CALLBACK (accounts_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (relink_account_manager_get_keysets (manager), "items-changed",
                           G_CALLBACK (keysets_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::show-tray-icon", G_CALLBACK (show_tray_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::expiring-soon-days",
                           G_CALLBACK (soon_days_changed_cb), self, G_CONNECT_SWAPPED);
  rewatch (self);

  update (self);
  show_tray_changed_cb (self);

  return self;
}

void
relink_tray_controller_set_clock (RelinkTrayController *self,
                                  RelinkClockFunc clock,
                                  gpointer user_data)
{
  g_return_if_fail (RELINK_IS_TRAY_CONTROLLER (self));

  self->clock = clock ? clock : default_clock;
  self->clock_data = clock ? user_data : NULL;
  update (self);
}

void
relink_tray_controller_update (RelinkTrayController *self)
{
  g_return_if_fail (RELINK_IS_TRAY_CONTROLLER (self));

  update (self);
}

RelinkTray *
relink_tray_controller_get_tray (RelinkTrayController *self)
{
  g_return_val_if_fail (RELINK_IS_TRAY_CONTROLLER (self), NULL);

  return self->tray;
}

GMenuModel *
relink_tray_controller_get_menu (RelinkTrayController *self)
{
  g_return_val_if_fail (RELINK_IS_TRAY_CONTROLLER (self), NULL);

  return G_MENU_MODEL (self->menu);
}
