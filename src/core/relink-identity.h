/* relink-identity.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define RELINK_TYPE_IDENTITY (relink_identity_get_type ())

/* RelinkIdentity: who signed in at a marketplace, as the marketplace
 * reported it after consent. Immutable. The id is what Relink compares
 * (eBay userId, Amazon selling_partner_id, …); the name is only shown. */
G_DECLARE_FINAL_TYPE (RelinkIdentity, relink_identity, RELINK, IDENTITY, GObject)

/* @name may be NULL: the id is then shown in its place. */
RelinkIdentity *relink_identity_new (const char *id, const char *name);

const char *relink_identity_get_id (RelinkIdentity *self);
/* Never NULL: the id when the marketplace gave no name. */
const char *relink_identity_get_name (RelinkIdentity *self);
/* Whether the marketplace gave a name besides the id. */
gboolean relink_identity_has_name (RelinkIdentity *self);

G_END_DECLS
