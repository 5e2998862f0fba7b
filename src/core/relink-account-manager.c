/* relink-account-manager.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-account-manager-private.h"

G_DEFINE_FINAL_TYPE (RelinkAccountManager, relink_account_manager, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_SECRETS,
  PROP_PROVIDERS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What a worker thread read from the store, applied on the main thread. */
typedef struct
{
  GPtrArray *keysets;
  GPtrArray *accounts;
} Snapshot;

static void
snapshot_free (Snapshot *snapshot)
{
  g_clear_pointer (&snapshot->keysets, g_ptr_array_unref);
  g_clear_pointer (&snapshot->accounts, g_ptr_array_unref);
  g_free (snapshot);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, snapshot_free)

static Snapshot *
read_snapshot (RelinkStore *store, GError **error)
{
  g_autoptr (Snapshot) snapshot = g_new0 (Snapshot, 1);

  snapshot->keysets = relink_store_load_keysets (store, error);
  if (snapshot->keysets == NULL)
    return NULL;

  snapshot->accounts = relink_store_load_accounts (store, error);
  if (snapshot->accounts == NULL)
    return NULL;

  return g_steal_pointer (&snapshot);
}

const char *
relink_account_manager_item_id (gpointer item)
{
  return RELINK_IS_ACCOUNT (item) ? relink_account_get_id (item) : relink_keyset_get_id (item);
}

gboolean
relink_account_manager_find_by_id (GListModel *model, const char *id, guint *position)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (relink_account_manager_item_id (item), id) == 0)
        {
          if (position != NULL)
            *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

/* Copies every persisted property from @from to @to. The setters notify
 * only on real changes, so rows redraw only what another process changed. */
static void
copy_persisted_properties (GObject *to, GObject *from)
{
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs = 0;

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (from), &n_pspecs);

  for (guint i = 0; i < n_pspecs; i++)
    {
      GParamSpec *pspec = pspecs[i];
      g_auto (GValue) value = G_VALUE_INIT;

      /* Resolved objects (keyset, provider) are not persisted; ids are. */
      if (G_IS_PARAM_SPEC_OBJECT (pspec))
        continue;
      if ((pspec->flags & G_PARAM_READWRITE) != G_PARAM_READWRITE
          || (pspec->flags & G_PARAM_CONSTRUCT_ONLY) != 0)
        continue;

      g_value_init (&value, pspec->value_type);
      g_object_get_property (from, pspec->name, &value);
      g_object_set_property (to, pspec->name, &value);
    }
}

void
relink_account_manager_resolve_keyset (RelinkAccountManager *self, RelinkKeyset *keyset)
{
  RelinkProvider *provider
      = relink_provider_registry_lookup (self->providers, relink_keyset_get_provider_id (keyset));

  if (relink_keyset_get_provider (keyset) != provider)
    relink_keyset_set_provider (keyset, provider);
}

void
relink_account_manager_resolve_account (RelinkAccountManager *self, RelinkAccount *account)
{
  RelinkKeyset *keyset
      = relink_account_manager_lookup_keyset (self, relink_account_get_keyset_id (account));

  if (relink_account_get_keyset (account) != keyset)
    relink_account_set_keyset (account, keyset);
}

/* Brings @model in line with @items (by id): objects already shown are
 * updated in place, so widgets bound to them stay; vanished ones are
 * removed. Returns the new ones, for the caller to resolve and add in one
 * splice: a list of thousands arrives as one change, not thousands. */
static GPtrArray *
merge_into (GListStore *model, GPtrArray *items)
{
  g_autoptr (GHashTable) shown
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  g_autoptr (GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));

  for (guint i = 0; i < n; i++)
    {
      GObject *item = g_list_model_get_item (G_LIST_MODEL (model), i);
      g_hash_table_insert (shown, (gpointer) relink_account_manager_item_id (item), item);
    }

  for (guint i = 0; i < items->len; i++)
    {
      GObject *item = g_ptr_array_index (items, i);
      GObject *existing = g_hash_table_lookup (shown, relink_account_manager_item_id (item));

      g_hash_table_add (wanted, (gpointer) relink_account_manager_item_id (item));

      if (existing != NULL)
        copy_persisted_properties (existing, item);
      else
        g_ptr_array_add (added, g_object_ref (item));
    }

  for (guint i = n; i > 0; i--)
    {
      g_autoptr (GObject) item = g_list_model_get_item (G_LIST_MODEL (model), i - 1);

      if (!g_hash_table_contains (wanted, relink_account_manager_item_id (item)))
        g_list_store_remove (model, i - 1);
    }

  return g_steal_pointer (&added);
}

static void
append_all (GListStore *model, GPtrArray *items)
{
  g_list_store_splice (model, g_list_model_get_n_items (G_LIST_MODEL (model)), 0, items->pdata,
                       items->len);
}

/* Links every grant to its owner and every owner to its further grants;
 * *@out_owners: the accounts, in store order. A grant whose owner is
 * missing, or is itself a further grant (a hand-edited file), counts as
 * an account of its own rather than vanishing. */
static void
link_grants (RelinkAccountManager *self, GPtrArray **out_owners)
{
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) extras = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                                         (GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GPtrArray) grants = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *owners = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->grants));

  for (guint i = 0; i < n; i++)
    {
      RelinkAccount *grant = g_list_model_get_item (G_LIST_MODEL (self->grants), i);

      g_ptr_array_add (grants, grant);
      g_hash_table_insert (by_id, (gpointer) relink_account_get_id (grant), grant);
    }

  for (guint i = 0; i < grants->len; i++)
    {
      RelinkAccount *grant = g_ptr_array_index (grants, i);
      const char *owner_id = relink_account_get_owner_id (grant);
      RelinkAccount *owner = owner_id != NULL ? g_hash_table_lookup (by_id, owner_id) : NULL;

      if (owner != NULL && relink_account_get_owner_id (owner) == NULL)
        {
          GPtrArray *list = g_hash_table_lookup (extras, owner);

          if (list == NULL)
            g_hash_table_insert (extras, owner, list = g_ptr_array_new ());
          g_ptr_array_add (list, grant);
          relink_account_set_owner (grant, owner);
          /* A grant holds no grants (it may have been an account before). */
          relink_account_set_extra_grants (grant, NULL);
        }
      else
        {
          relink_account_set_owner (grant, NULL);
          g_ptr_array_add (owners, g_object_ref (grant));
        }
    }

  for (guint i = 0; i < owners->len; i++)
    {
      RelinkAccount *owner = g_ptr_array_index (owners, i);

      relink_account_set_extra_grants (owner, g_hash_table_lookup (extras, owner));
    }

  *out_owners = owners;
}

static void
apply_snapshot (RelinkAccountManager *self, Snapshot *snapshot)
{
  g_autoptr (GPtrArray) new_keysets = merge_into (self->keysets, snapshot->keysets);
  g_autoptr (GPtrArray) new_grants = NULL;
  guint n;

  /* Resolved before they are added, so nothing shows half-resolved. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->keysets));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (RelinkKeyset) keyset = g_list_model_get_item (G_LIST_MODEL (self->keysets), i);
      relink_account_manager_resolve_keyset (self, keyset);
    }
  for (guint i = 0; i < new_keysets->len; i++)
    relink_account_manager_resolve_keyset (self, g_ptr_array_index (new_keysets, i));
  append_all (self->keysets, new_keysets);

  /* Every row is a grant; the rows without an owner are the accounts. */
  new_grants = merge_into (self->grants, snapshot->accounts);
  for (guint i = 0; i < new_grants->len; i++)
    relink_account_manager_resolve_account (self, g_ptr_array_index (new_grants, i));
  append_all (self->grants, new_grants);

  /* Keysets may have changed under grants already shown. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->grants));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (RelinkAccount) grant = g_list_model_get_item (G_LIST_MODEL (self->grants), i);
      relink_account_manager_resolve_account (self, grant);
    }

  relink_account_manager_sync_accounts (self);
}

void
relink_account_manager_sync_accounts (RelinkAccountManager *self)
{
  g_autoptr (GPtrArray) owners = NULL;
  g_autoptr (GPtrArray) new_accounts = NULL;

  /* Owners and their further grants are linked before the accounts are
   * added, so a new row shows all its grants at once. */
  link_grants (self, &owners);
  new_accounts = merge_into (self->accounts, owners);
  append_all (self->accounts, new_accounts);
}

static void
relink_account_manager_dispose (GObject *object)
{
  RelinkAccountManager *self = RELINK_ACCOUNT_MANAGER (object);

  g_clear_object (&self->accounts);
  g_clear_object (&self->grants);
  g_clear_object (&self->keysets);
  g_clear_object (&self->store);
  g_clear_object (&self->secrets);
  g_clear_object (&self->providers);

  G_OBJECT_CLASS (relink_account_manager_parent_class)->dispose (object);
}

static void
relink_account_manager_finalize (GObject *object)
{
  RelinkAccountManager *self = RELINK_ACCOUNT_MANAGER (object);

  g_free (self->program);

  G_OBJECT_CLASS (relink_account_manager_parent_class)->finalize (object);
}

static void
relink_account_manager_get_property (GObject *object,
                                     guint prop_id,
                                     GValue *value,
                                     GParamSpec *pspec)
{
  RelinkAccountManager *self = RELINK_ACCOUNT_MANAGER (object);

  switch (prop_id)
    {
      case PROP_STORE:
        g_value_set_object (value, self->store);
        break;
      case PROP_SECRETS:
        g_value_set_object (value, self->secrets);
        break;
      case PROP_PROVIDERS:
        g_value_set_object (value, self->providers);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_account_manager_set_property (GObject *object,
                                     guint prop_id,
                                     const GValue *value,
                                     GParamSpec *pspec)
{
  RelinkAccountManager *self = RELINK_ACCOUNT_MANAGER (object);

  switch (prop_id)
    {
      case PROP_STORE:
        self->store = g_value_dup_object (value);
        break;
      case PROP_SECRETS:
        self->secrets = g_value_dup_object (value);
        break;
      case PROP_PROVIDERS:
        self->providers = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_account_manager_class_init (RelinkAccountManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = relink_account_manager_dispose;
  object_class->finalize = relink_account_manager_finalize;
  object_class->get_property = relink_account_manager_get_property;
  object_class->set_property = relink_account_manager_set_property;

  properties[PROP_STORE]
      = g_param_spec_object ("store", NULL, NULL, RELINK_TYPE_STORE,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SECRETS]
      = g_param_spec_object ("secrets", NULL, NULL, RELINK_TYPE_SECRETS,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROVIDERS]
      = g_param_spec_object ("providers", NULL, NULL, RELINK_TYPE_PROVIDER_REGISTRY,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
relink_account_manager_init (RelinkAccountManager *self)
{
  self->accounts = g_list_store_new (RELINK_TYPE_ACCOUNT);
  self->grants = g_list_store_new (RELINK_TYPE_ACCOUNT);
  self->keysets = g_list_store_new (RELINK_TYPE_KEYSET);
}

RelinkAccountManager *
relink_account_manager_new (RelinkStore *store,
                            RelinkSecrets *secrets,
                            RelinkProviderRegistry *providers)
{
  g_return_val_if_fail (RELINK_IS_STORE (store), NULL);
  g_return_val_if_fail (RELINK_IS_SECRETS (secrets), NULL);
  g_return_val_if_fail (RELINK_IS_PROVIDER_REGISTRY (providers), NULL);

  return g_object_new (RELINK_TYPE_ACCOUNT_MANAGER, "store", store, "secrets", secrets, "providers",
                       providers, NULL);
}

RelinkStore *
relink_account_manager_get_store (RelinkAccountManager *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (self), NULL);
  return self->store;
}

RelinkSecrets *
relink_account_manager_get_secrets (RelinkAccountManager *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (self), NULL);
  return self->secrets;
}

RelinkProviderRegistry *
relink_account_manager_get_providers (RelinkAccountManager *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (self), NULL);
  return self->providers;
}

/* relink_account_manager_get_oauth_client() lives with the OAuth client in
 * the core's network part (relink-account-manager-oauth.c), so that the
 * manager itself needs no libsoup. */

const char *
relink_account_manager_get_program (RelinkAccountManager *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (self), NULL);

  return self->program != NULL ? self->program : g_get_prgname ();
}

void
relink_account_manager_set_program (RelinkAccountManager *self, const char *program)
{
  g_return_if_fail (RELINK_IS_ACCOUNT_MANAGER (self));

  g_free (self->program);
  self->program = g_strdup (program);
}

GListModel *
relink_account_manager_get_accounts (RelinkAccountManager *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (self), NULL);
  return G_LIST_MODEL (self->accounts);
}

GListModel *
relink_account_manager_get_grants (RelinkAccountManager *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (self), NULL);
  return G_LIST_MODEL (self->grants);
}

GListModel *
relink_account_manager_get_keysets (RelinkAccountManager *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (self), NULL);
  return G_LIST_MODEL (self->keysets);
}

RelinkAccount *
relink_account_manager_lookup_account (RelinkAccountManager *self, const char *id_or_nickname)
{
  GListModel *model;
  guint position;
  guint n;

  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (self), NULL);

  if (id_or_nickname == NULL)
    return NULL;

  /* An id may be a further grant's (the token service looks grants up). */
  model = G_LIST_MODEL (self->grants);
  if (relink_account_manager_find_by_id (model, id_or_nickname, &position))
    {
      g_autoptr (RelinkAccount) account = g_list_model_get_item (model, position);
      return account;
    }

  model = G_LIST_MODEL (self->accounts);
  /* Nicknames compare without regard to case: "Shop A" and "shop a" are
   * the same name to a person typing it. */
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (RelinkAccount) account = g_list_model_get_item (model, i);
      const char *nickname = relink_account_get_nickname (account);
      g_autofree char *a = nickname ? g_utf8_casefold (nickname, -1) : NULL;
      g_autofree char *b = g_utf8_casefold (id_or_nickname, -1);

      if (g_strcmp0 (a, b) == 0)
        return account;
    }

  return NULL;
}

RelinkKeyset *
relink_account_manager_lookup_keyset (RelinkAccountManager *self, const char *id)
{
  guint position;

  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (self), NULL);

  if (id != NULL && relink_account_manager_find_by_id (G_LIST_MODEL (self->keysets), id, &position))
    {
      g_autoptr (RelinkKeyset) keyset
          = g_list_model_get_item (G_LIST_MODEL (self->keysets), position);
      return keyset;
    }

  return NULL;
}

guint
relink_account_manager_count_accounts_of_keyset (RelinkAccountManager *self, RelinkKeyset *keyset)
{
  guint n, count = 0;

  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (self), 0);
  g_return_val_if_fail (RELINK_IS_KEYSET (keyset), 0);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->grants));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (RelinkAccount) account = g_list_model_get_item (G_LIST_MODEL (self->grants), i);

      if (g_strcmp0 (relink_account_get_keyset_id (account), relink_keyset_get_id (keyset)) == 0)
        count++;
    }

  return count;
}

/* Loading */

static void
load_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  RelinkStore *store = task_data;
  GError *error = NULL;
  Snapshot *snapshot = read_snapshot (store, &error);

  if (snapshot == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, snapshot, (GDestroyNotify) snapshot_free);
}

static void
load_read_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  RelinkAccountManager *self = RELINK_ACCOUNT_MANAGER (object);
  g_autoptr (GTask) task = user_data;
  g_autoptr (Snapshot) snapshot = NULL;
  GError *error = NULL;

  self->reloading = FALSE;

  snapshot = g_task_propagate_pointer (G_TASK (result), &error);
  if (snapshot == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  apply_snapshot (self, snapshot);
  g_task_return_boolean (task, TRUE);
}

static void
read_snapshot_async (RelinkAccountManager *self, GCancellable *cancellable, GTask *outer)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, load_read_cb, g_object_ref (outer));

  self->reloading = TRUE;
  g_task_set_source_tag (task, read_snapshot_async);
  g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

void
relink_account_manager_load_async (RelinkAccountManager *self,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (RELINK_IS_ACCOUNT_MANAGER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_account_manager_load_async);

  /* Taken before reading: a commit racing with the read moves it again,
   * so the next reload picks that up. */
  self->data_version = relink_store_get_data_version (self->store);
  read_snapshot_async (self, cancellable, task);
}

gboolean
relink_account_manager_load_finish (RelinkAccountManager *self,
                                    GAsyncResult *result,
                                    GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
relink_account_manager_load_sync (RelinkAccountManager *self,
                                  GCancellable *cancellable,
                                  GError **error)
{
  g_autoptr (Snapshot) snapshot = NULL;

  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (self), FALSE);

  self->data_version = relink_store_get_data_version (self->store);
  snapshot = read_snapshot (self->store, error);
  if (snapshot == NULL)
    return FALSE;

  apply_snapshot (self, snapshot);
  return TRUE;
}

static void
reload_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  /* The list on screen stays as it was; the next change tries again. */
  if (!relink_account_manager_load_finish (RELINK_ACCOUNT_MANAGER (object), result, &error))
    g_message ("Could not re-read the account list: %s", error->message);

  /* A commit that landed while reading was not seen: read again. The
   * data version (taken before the read) tells, so this ends. */
  relink_account_manager_reload_if_changed (RELINK_ACCOUNT_MANAGER (object));
}

void
relink_account_manager_reload_if_changed (RelinkAccountManager *self)
{
  g_autoptr (GTask) task = NULL;
  gint64 version;

  g_return_if_fail (RELINK_IS_ACCOUNT_MANAGER (self));

  if (self->reloading)
    return;

  /* data_version moves only when another connection committed. */
  version = relink_store_get_data_version (self->store);
  if (version == self->data_version)
    return;
  self->data_version = version;

  task = g_task_new (self, NULL, reload_done_cb, NULL);
  g_task_set_source_tag (task, relink_account_manager_reload_if_changed);
  read_snapshot_async (self, NULL, task);
}

/* History */

static void
load_history_thread (GTask *task,
                     gpointer source_object,
                     gpointer task_data,
                     GCancellable *cancellable)
{
  RelinkAccountManager *self = source_object;
  RelinkAccount *account = task_data;
  g_autoptr (GPtrArray) entries = NULL;
  GListStore *model;
  GError *error = NULL;

  entries = relink_store_load_history (self->store, relink_account_get_id (account), 0, &error);
  if (entries == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  model = g_list_store_new (RELINK_TYPE_HISTORY_ENTRY);
  g_list_store_splice (model, 0, 0, entries->pdata, entries->len);
  g_task_return_pointer (task, model, g_object_unref);
}

void
relink_account_manager_load_history_async (RelinkAccountManager *self,
                                           RelinkAccount *account,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (RELINK_IS_ACCOUNT_MANAGER (self));
  g_return_if_fail (RELINK_IS_ACCOUNT (account));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, relink_account_manager_load_history_async);
  g_task_set_task_data (task, g_object_ref (account), g_object_unref);
  g_task_run_in_thread (task, load_history_thread);
}

GListModel *
relink_account_manager_load_history_finish (RelinkAccountManager *self,
                                            GAsyncResult *result,
                                            GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* What is wrong with @account's marketplace profile, or NULL when it is
 * loaded (or the account has no keys, a problem of its own). */
char *
relink_account_manager_describe_profile_problem (RelinkAccountManager *self, RelinkAccount *account)
{
  RelinkKeyset *keyset;
  const char *provider_id;
  const GError *error;

  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (self), NULL);
  g_return_val_if_fail (RELINK_IS_ACCOUNT (account), NULL);

  keyset = relink_account_get_keyset (account);
  if (keyset == NULL || relink_keyset_get_provider (keyset) != NULL)
    return NULL;

  provider_id = relink_keyset_get_provider_id (keyset);
  error = relink_provider_registry_lookup_error (self->providers, provider_id);
  if (error != NULL)
    /* Translators: %s are a profile id and the fault, which names the file. */
    return g_strdup_printf (_ ("The marketplace profile “%s” is broken: %s"),
                            provider_id != NULL ? provider_id : "", error->message);

  return g_strdup_printf (_ ("The marketplace profile “%s” is missing. Restore the profile."),
                          provider_id != NULL ? provider_id : "");
}
