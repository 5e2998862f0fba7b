/* relink-account-manager-private.h: what the account manager's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * relink-account-manager.c holds the models, loading and lookups;
 * relink-account-manager-save.c adds and removes keysets and accounts.
 */
#pragma once

#include "relink-account-manager.h"

G_BEGIN_DECLS

struct _RelinkAccountManager
{
  GObject parent_instance;

  RelinkStore *store;
  RelinkSecrets *secrets;
  RelinkProviderRegistry *providers;
  char *program;

  GListStore *accounts; /* accounts: rows without an owner */
  GListStore *grants;   /* every row: accounts and their further grants */
  GListStore *keysets;

  /* The store's data version when last read: another process's commit moves it. */
  gint64 data_version;
  /* Set while a reload runs, so that a burst of change signals reads once. */
  gboolean reloading;
};

const char *relink_account_manager_item_id (gpointer item);
gboolean relink_account_manager_find_by_id (GListModel *model, const char *id, guint *position);
void relink_account_manager_resolve_keyset (RelinkAccountManager *self, RelinkKeyset *keyset);
void relink_account_manager_resolve_account (RelinkAccountManager *self, RelinkAccount *account);
/* Brings the accounts model and every owner's further grants in line
 * with the grants model. */
void relink_account_manager_sync_accounts (RelinkAccountManager *self);

G_END_DECLS
