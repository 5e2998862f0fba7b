/* relink-grant-tie-private.h: seams for tests of the grant tie.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Makes checks started from now on wait at most @seconds (0: back to
 * RELINK_GRANT_TIE_TIMEOUT_SECONDS). */
void relink_grant_tie_set_timeout (guint seconds);

G_END_DECLS
