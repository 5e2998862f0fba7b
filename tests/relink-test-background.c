/* relink-test-background.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <dlfcn.h>
#include <gtk/gtk.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "relink-expiry.h"
#include "relink-reminder-schedule.h"
#include "relink-test-background.h"
#include "relink-test-util.h"

#define DAY RELINK_REMINDER_DAY
#define APP_PATH "/io/github/relink/Relink"

gboolean
relink_test_tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static void
fill_store (RelinkTestBackground *bg, const RelinkTestBackgroundAccount *accounts, guint n_accounts)
{
  g_autofree char *path = g_build_filename (bg->data_home, "relink", "relink.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkStore) store = relink_store_open (path, &error);
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new ("keyset-ebay");
  gint64 now = relink_now ();

  g_assert_no_error (error);
  relink_keyset_set_provider_id (keyset, "ebay");
  relink_keyset_set_environment (keyset, "production");
  relink_keyset_set_client_id (keyset, "ShopTool-PRD-1a2b3c4d5-6e7f8a9b");
  relink_keyset_set_redirect (keyset, "Shop_Tool-ShopTool-PRD-abcdefgh");
  relink_store_save_keyset (store, keyset, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < n_accounts; i++)
    {
      g_autoptr (RelinkAccount) account = relink_account_new (accounts[i].id);

      relink_account_set_keyset_id (account, "keyset-ebay");
      relink_account_set_nickname (account, accounts[i].nickname);
      relink_account_set_identity_id (account, accounts[i].nickname);
      relink_account_set_status (account, RELINK_ACCOUNT_STATUS_CONNECTED);
      relink_account_set_created_at (account, now - 400 * DAY);
      relink_account_set_refresh_expires_at (account, now + accounts[i].refresh_expires_in);
      relink_account_set_access_expires_at (account, now + 2 * 3600);
      relink_account_set_last_refresh_at (account, now - 60);
      relink_store_save_account (store, account, &error);
      g_assert_no_error (error);
    }
}

/* In each child, before exec: it gets SIGTERM when this test process
 * ends, also by a failed assertion (abort), when no teardown runs. */
static void
die_with_test (gpointer user_data)
{
  pid_t test_pid = GPOINTER_TO_INT (user_data);

  prctl (PR_SET_PDEATHSIG, SIGTERM);
  if (getppid () != test_pid)
    _exit (1);
}

void
relink_test_background_setup (RelinkTestBackground *bg,
                              RelinkTestNotificationServer *server,
                              const RelinkTestBackgroundAccount *accounts,
                              guint n_accounts)
{
  g_autoptr (GError) error = NULL;

  relink_test_forget_notifications ();

  bg->dir = relink_test_make_tmp_dir ();
  bg->data_home = g_build_filename (bg->dir, "data", NULL);
  bg->config_home = g_build_filename (bg->dir, "config", NULL);
  bg->relink = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "src", "relink", NULL);
  fill_store (bg, accounts, n_accounts);

  bg->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  /* One server for the whole run, as a desktop has. */
  bg->server = server;
  if (bg->server != NULL)
    relink_test_notification_server_clear (bg->server);

  bg->launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_child_setup (bg->launcher, die_with_test, GINT_TO_POINTER (getpid ()),
                                         NULL);
  g_subprocess_launcher_setenv (bg->launcher, "XDG_DATA_HOME", bg->data_home, TRUE);
  g_subprocess_launcher_setenv (bg->launcher, "XDG_CONFIG_HOME", bg->config_home, TRUE);
  /* Whatever the desktop: the fake server is the notification service. */
  g_subprocess_launcher_setenv (bg->launcher, "GNOTIFICATION_BACKEND", "freedesktop", TRUE);
}

void
relink_test_background_teardown (RelinkTestBackground *bg)
{
  if (bg->child != NULL && g_subprocess_get_identifier (bg->child) != NULL)
    {
      g_subprocess_send_signal (bg->child, SIGTERM);
      g_subprocess_wait (bg->child, NULL, NULL);
    }
  g_clear_object (&bg->child);
  g_clear_object (&bg->launcher);
  g_clear_object (&bg->bus);
  relink_test_remove_dir (bg->dir);
  g_free (bg->dir);
  g_free (bg->data_home);
  g_free (bg->config_home);
  g_free (bg->relink);
}

void
relink_test_background_spawn (RelinkTestBackground *bg)
{
  g_autoptr (GError) error = NULL;

  bg->child = g_subprocess_launcher_spawn (bg->launcher, &error, bg->relink, "--background", NULL);
  g_assert_no_error (error);
}

void
relink_test_background_quit (RelinkTestBackground *bg)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  reply = g_dbus_connection_call_sync (bg->bus, APPLICATION_ID, APP_PATH, "org.gtk.Actions",
                                       "Activate", g_variant_new ("(sava{sv})", "quit", NULL, NULL),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (bg->child, NULL, &error);
  g_assert_no_error (error);
}

gboolean
relink_test_name_has_owner (GDBusConnection *bus, const char *name)
{
  g_autoptr (GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  reply = g_dbus_connection_call_sync (
      bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner",
      g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  return has_owner;
}

static char *
xwininfo_path (void)
{
  char *xwininfo = g_find_program_in_path ("xwininfo");

  g_assert_nonnull (xwininfo);
  return xwininfo;
}

char *
relink_test_x_tree (void)
{
  g_autofree char *xwininfo = xwininfo_path ();
  const char *argv[] = { xwininfo, "-root", "-tree", NULL };
  char *out = NULL;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                     NULL, NULL))
    return NULL;
  return out;
}

/* Whether the X window @xid is mapped (xwininfo's "IsViewable"). */
static gboolean
x_window_viewable (const char *xwininfo, Window xid)
{
  g_autofree char *id = g_strdup_printf ("0x%lx", (unsigned long) xid);
  g_autofree char *out = NULL;
  const char *argv[] = { xwininfo, "-id", id, NULL };

  return g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                       NULL, NULL, NULL)
         && strstr (out, "Map State: IsViewable") != NULL;
}

/* The mapped top-levels named exactly @name: how many (up to @most), the
 * first in @first. */
static guint
find_mapped (const char *name, guint most, Window *first)
{
  g_autofree char *xwininfo = xwininfo_path ();
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", name);
  g_autofree char *out = relink_test_x_tree ();
  g_auto (GStrv) lines = NULL;
  guint n = 0;

  *first = 0;
  if (out == NULL)
    return 0;
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL && n < most; i++)
    {
      Window xid;

      if (strstr (lines[i], quoted) == NULL)
        continue;
      xid = g_ascii_strtoull (g_strchug (lines[i]), NULL, 16);
      if (xid == 0 || !x_window_viewable (xwininfo, xid))
        continue;
      if (n++ == 0)
        *first = xid;
    }
  return n;
}

guint
relink_test_count_x_windows (const char *name)
{
  Window first;

  return find_mapped (name, G_MAXUINT, &first);
}

Window
relink_test_find_x_window (const char *name)
{
  Window first;

  find_mapped (name, 1, &first);
  return first;
}

/* There being no window manager on Xvfb, the test is one. Xlib is GTK's,
 * looked up rather than linked. */
void
relink_test_close_x_window (Window xid)
{
  void (*send_event) (Display *, Window, Bool, long, XEvent *);
  int (*flush) (Display *);
  GdkDisplay *display;
  XEvent event = { 0 };

  g_assert_cmpuint (xid, !=, 0);

  g_assert_true (gtk_init_check ());
  display = gdk_display_get_default ();
  g_assert_true (GDK_IS_X11_DISPLAY (display));
  send_event = dlsym (RTLD_DEFAULT, "XSendEvent");
  flush = dlsym (RTLD_DEFAULT, "XFlush");
  g_assert_nonnull (send_event);
  g_assert_nonnull (flush);

  event.xclient.type = ClientMessage;
  event.xclient.window = xid;
  event.xclient.message_type = gdk_x11_get_xatom_by_name_for_display (display, "WM_PROTOCOLS");
  event.xclient.format = 32;
  event.xclient.data.l[0] = gdk_x11_get_xatom_by_name_for_display (display, "WM_DELETE_WINDOW");
  event.xclient.data.l[1] = CurrentTime;
  send_event (gdk_x11_display_get_xdisplay (display), xid, False, NoEventMask, &event);
  flush (gdk_x11_display_get_xdisplay (display));
}
