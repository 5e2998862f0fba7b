/* relink-provider-private.h: what the provider's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * relink-provider.c holds the GObject and its getters;
 * relink-provider-parse.c reads and validates the profile JSON into it.
 */
#pragma once

#include "relink-provider.h"

G_BEGIN_DECLS

struct _RelinkProvider
{
  GObject parent_instance;

  char *id;
  char *name;
  char *icon_name;
  char *origin;
  gboolean is_custom;

  RelinkClientAuth client_auth;
  RelinkPkce pkce;
  RelinkRedirectStyle redirect_style;
  RelinkIdentitySource identity_source;
  char *identity_id_field;
  char *identity_name_field;

  GStrv scopes;
  GHashTable *authorize_params;

  gint64 access_lifetime;
  gint64 refresh_lifetime;
  gint64 client_secret_lifetime;
  gboolean rotating_refresh;
  gboolean refresh_extends;
  gboolean needs_client_secret;

  GPtrArray *environments;
  GPtrArray *keyset_fields;
  RelinkAuthNAuth *auth_n_auth; /* NULL when none */
};

void relink_auth_n_auth_free (RelinkAuthNAuth *auth_n_auth);
void relink_keyset_field_free (RelinkKeysetField *field);

G_END_DECLS
