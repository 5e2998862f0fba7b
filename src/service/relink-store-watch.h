/* relink-store-watch.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-store.h"

G_BEGIN_DECLS

#define RELINK_TYPE_STORE_WATCH (relink_store_watch_get_type ())

/* Tells when another process (relinkctl) changed the account store: its
 * "changed" signal comes once after a burst of writes to the store file
 * or its write-ahead log. */
G_DECLARE_FINAL_TYPE (RelinkStoreWatch, relink_store_watch, RELINK, STORE_WATCH, GObject)

/* Watches the folder of @store's file; when it cannot be watched it logs
 * why and never emits "changed". */
RelinkStoreWatch *relink_store_watch_new (RelinkStore *store);
/* Stops watching, a pending "changed" included. */
void relink_store_watch_stop (RelinkStoreWatch *self);

G_END_DECLS
