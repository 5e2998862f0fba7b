/* relink-oauth-client-private.h
 *
 * What only tests use of RelinkOAuthClient.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "relink-expiry.h"
#include "relink-oauth-client.h"

G_BEGIN_DECLS

/* Replaces the clock that dates new tokens (issued_at and expiries); NULL
 * restores the real one. */
void
relink_oauth_client_set_clock (RelinkOAuthClient *self, RelinkClockFunc clock, gpointer user_data);

G_END_DECLS
