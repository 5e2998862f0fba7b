/* relink-dbus-api.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-token-service.h"

G_BEGIN_DECLS

#define RELINK_DBUS_API_PATH "/io/github/relink/Relink"

#define RELINK_DBUS_API_ERROR (relink_dbus_api_error_quark ())

/* The D-Bus errors of the API, io.github.relink.Relink.Error.*: what a
 * script can tell apart, as relinkctl's exit codes. */
typedef enum
{
  RELINK_DBUS_API_ERROR_FAILED,
  RELINK_DBUS_API_ERROR_NO_SUCH_ACCOUNT,
  RELINK_DBUS_API_ERROR_NOT_CONNECTED,
  RELINK_DBUS_API_ERROR_NEEDS_ATTENTION,
  RELINK_DBUS_API_ERROR_TEMPORARY,
  RELINK_DBUS_API_ERROR_KEYRING_UNAVAILABLE,
  RELINK_DBUS_API_ERROR_ACCOUNT_LIST_UNREADABLE,
} RelinkDBusApiError;

GQuark relink_dbus_api_error_quark (void);

#define RELINK_TYPE_DBUS_API (relink_dbus_api_get_type ())

/* RelinkDBusApi: Relink's door for host scripts on the session bus
 * (interface io.github.relink.Relink.Accounts, data/io.github.relink.Relink.Accounts.xml),
 * exported by whichever program owns the application id, the window or
 * relink-background. It lists the accounts and hands out valid access
 * tokens through the process's one token service, and signals when an
 * account's tokens changed or it needs the seller.
 *
 * Exported before the application owns its bus name, so that the call
 * that started Relink by D-Bus activation finds it; calls that arrive
 * before the accounts are loaded wait for relink_dbus_api_set_ready(). */
G_DECLARE_FINAL_TYPE (RelinkDBusApi, relink_dbus_api, RELINK, DBUS_API, GObject)

RelinkDBusApi *relink_dbus_api_new (void);
gboolean relink_dbus_api_export (RelinkDBusApi *self,
                                 GDBusConnection *connection,
                                 const char *object_path,
                                 GError **error);
void relink_dbus_api_unexport (RelinkDBusApi *self);
/* The accounts are loaded (or could not be: @load_error): waiting calls
 * are answered, and from now on changes are signalled. @service may be
 * NULL only with @load_error. @settings (optional): the application's,
 * for "expiring-soon-days". */
void relink_dbus_api_set_ready (RelinkDBusApi *self,
                                RelinkTokenService *service,
                                GSettings *settings,
                                const GError *load_error);

G_END_DECLS
