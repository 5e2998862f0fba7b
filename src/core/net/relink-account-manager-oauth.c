/* relink-account-manager-oauth.c
 *
 * The account manager's OAuth client. It lives in the core's network part,
 * apart from relink-account-manager.c, so that programs that only read
 * accounts and the keyring (relinkctl's front) link no HTTP stack: the
 * manager carries the client as object data, created on first use.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-oauth-client.h"

static GQuark
oauth_client_quark (void)
{
  return g_quark_from_static_string ("relink-account-manager-oauth-client");
}

RelinkOAuthClient *
relink_account_manager_get_oauth_client (RelinkAccountManager *self)
{
  RelinkOAuthClient *client;

  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (self), NULL);

  client = g_object_get_qdata (G_OBJECT (self), oauth_client_quark ());
  if (client == NULL)
    {
      client = relink_oauth_client_new ();
      g_object_set_qdata_full (G_OBJECT (self), oauth_client_quark (), client, g_object_unref);
    }

  return client;
}
