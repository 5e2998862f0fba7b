/* relink-account.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-account.h"
#include "relink-core-enums.h"

struct _RelinkAccount
{
  GObject parent_instance;

  char *id;
  char *keyset_id;
  RelinkKeyset *keyset;
  char *nickname;
  char *expected_identity;
  char *identity_id;
  char *identity_name;
  char *scopes;
  gint64 authorised_at;
  gint64 access_expires_at;
  gint64 refresh_expires_at;
  gint64 last_refresh_at;
  gint64 last_test_at;
  gboolean last_test_ok;
  char *last_test_message;
  RelinkAccountStatus status;
  char *status_message;
  gint64 created_at;

  /* Grants (HACKING.md, "Grant"): a row with an owner id is a further
   * grant of that account. */
  char *owner_id;
  char *grant_name;
  /* Resolved by the account manager, not persisted: the owner (weak, the
   * manager holds both) and, on an owner, its further grants by name. */
  RelinkAccount *owner;
  GListStore *extra_grants;
};

G_DEFINE_FINAL_TYPE (RelinkAccount, relink_account, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_KEYSET_ID,
  PROP_KEYSET,
  PROP_NICKNAME,
  PROP_EXPECTED_IDENTITY,
  PROP_IDENTITY_ID,
  PROP_IDENTITY_NAME,
  PROP_SCOPES,
  PROP_AUTHORISED_AT,
  PROP_ACCESS_EXPIRES_AT,
  PROP_REFRESH_EXPIRES_AT,
  PROP_LAST_REFRESH_AT,
  PROP_LAST_TEST_AT,
  PROP_LAST_TEST_OK,
  PROP_LAST_TEST_MESSAGE,
  PROP_STATUS,
  PROP_STATUS_MESSAGE,
  PROP_CREATED_AT,
  PROP_DISPLAY_NAME,
  PROP_OWNER_ID,
  PROP_GRANT_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Sets a string field and notifies only on a real change. The display
 * name derives from some fields, so callers pass whether it may change. */
static void
set_string (RelinkAccount *self,
            char **field,
            const char *value,
            guint prop_id,
            gboolean affects_display_name)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
  if (affects_display_name)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

static void
set_int64 (RelinkAccount *self, gint64 *field, gint64 value, guint prop_id)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
relink_account_finalize (GObject *object)
{
  RelinkAccount *self = (RelinkAccount *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->keyset_id, g_free);
  g_clear_object (&self->keyset);
  g_clear_pointer (&self->nickname, g_free);
  g_clear_pointer (&self->expected_identity, g_free);
  g_clear_pointer (&self->identity_id, g_free);
  g_clear_pointer (&self->identity_name, g_free);
  g_clear_pointer (&self->scopes, g_free);
  g_clear_pointer (&self->last_test_message, g_free);
  g_clear_pointer (&self->status_message, g_free);
  g_clear_pointer (&self->owner_id, g_free);
  g_clear_pointer (&self->grant_name, g_free);
  g_clear_weak_pointer (&self->owner);
  g_clear_object (&self->extra_grants);

  G_OBJECT_CLASS (relink_account_parent_class)->finalize (object);
}

static void
relink_account_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RelinkAccount *self = RELINK_ACCOUNT (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_string (value, self->id);
        break;
      case PROP_KEYSET_ID:
        g_value_set_string (value, self->keyset_id);
        break;
      case PROP_KEYSET:
        g_value_set_object (value, self->keyset);
        break;
      case PROP_NICKNAME:
        g_value_set_string (value, self->nickname);
        break;
      case PROP_EXPECTED_IDENTITY:
        g_value_set_string (value, self->expected_identity);
        break;
      case PROP_IDENTITY_ID:
        g_value_set_string (value, self->identity_id);
        break;
      case PROP_IDENTITY_NAME:
        g_value_set_string (value, self->identity_name);
        break;
      case PROP_SCOPES:
        g_value_set_string (value, self->scopes);
        break;
      case PROP_AUTHORISED_AT:
        g_value_set_int64 (value, self->authorised_at);
        break;
      case PROP_ACCESS_EXPIRES_AT:
        g_value_set_int64 (value, self->access_expires_at);
        break;
      case PROP_REFRESH_EXPIRES_AT:
        g_value_set_int64 (value, self->refresh_expires_at);
        break;
      case PROP_LAST_REFRESH_AT:
        g_value_set_int64 (value, self->last_refresh_at);
        break;
      case PROP_LAST_TEST_AT:
        g_value_set_int64 (value, self->last_test_at);
        break;
      case PROP_LAST_TEST_OK:
        g_value_set_boolean (value, self->last_test_ok);
        break;
      case PROP_LAST_TEST_MESSAGE:
        g_value_set_string (value, self->last_test_message);
        break;
      case PROP_STATUS:
        g_value_set_enum (value, self->status);
        break;
      case PROP_STATUS_MESSAGE:
        g_value_set_string (value, self->status_message);
        break;
      case PROP_CREATED_AT:
        g_value_set_int64 (value, self->created_at);
        break;
      case PROP_DISPLAY_NAME:
        g_value_set_string (value, relink_account_get_display_name (self));
        break;
      case PROP_OWNER_ID:
        g_value_set_string (value, self->owner_id);
        break;
      case PROP_GRANT_NAME:
        g_value_set_string (value, relink_account_get_grant_name (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_account_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  RelinkAccount *self = RELINK_ACCOUNT (object);

  switch (prop_id)
    {
      case PROP_ID:
        /* Construct-only: no one can be listening yet. */
        g_free (self->id);
        self->id = g_value_dup_string (value);
        break;
      case PROP_KEYSET_ID:
        relink_account_set_keyset_id (self, g_value_get_string (value));
        break;
      case PROP_KEYSET:
        relink_account_set_keyset (self, g_value_get_object (value));
        break;
      case PROP_NICKNAME:
        relink_account_set_nickname (self, g_value_get_string (value));
        break;
      case PROP_EXPECTED_IDENTITY:
        relink_account_set_expected_identity (self, g_value_get_string (value));
        break;
      case PROP_IDENTITY_ID:
        relink_account_set_identity_id (self, g_value_get_string (value));
        break;
      case PROP_IDENTITY_NAME:
        relink_account_set_identity_name (self, g_value_get_string (value));
        break;
      case PROP_SCOPES:
        relink_account_set_scopes (self, g_value_get_string (value));
        break;
      case PROP_AUTHORISED_AT:
        relink_account_set_authorised_at (self, g_value_get_int64 (value));
        break;
      case PROP_ACCESS_EXPIRES_AT:
        relink_account_set_access_expires_at (self, g_value_get_int64 (value));
        break;
      case PROP_REFRESH_EXPIRES_AT:
        relink_account_set_refresh_expires_at (self, g_value_get_int64 (value));
        break;
      case PROP_LAST_REFRESH_AT:
        relink_account_set_last_refresh_at (self, g_value_get_int64 (value));
        break;
      case PROP_LAST_TEST_AT:
        relink_account_set_last_test_at (self, g_value_get_int64 (value));
        break;
      case PROP_LAST_TEST_OK:
        relink_account_set_last_test_ok (self, g_value_get_boolean (value));
        break;
      case PROP_LAST_TEST_MESSAGE:
        relink_account_set_last_test_message (self, g_value_get_string (value));
        break;
      case PROP_STATUS:
        relink_account_set_status (self, g_value_get_enum (value));
        break;
      case PROP_STATUS_MESSAGE:
        relink_account_set_status_message (self, g_value_get_string (value));
        break;
      case PROP_CREATED_AT:
        relink_account_set_created_at (self, g_value_get_int64 (value));
        break;
      case PROP_OWNER_ID:
        relink_account_set_owner_id (self, g_value_get_string (value));
        break;
      case PROP_GRANT_NAME:
        relink_account_set_grant_name (self, g_value_get_string (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_pspec (const char *name, GParamFlags extra_flags)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS
                                  | extra_flags);
}

static GParamSpec *
int64_pspec (const char *name)
{
  return g_param_spec_int64 (name, NULL, NULL, G_MININT64, G_MAXINT64, 0,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
relink_account_class_init (RelinkAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = relink_account_finalize;
  object_class->get_property = relink_account_get_property;
  object_class->set_property = relink_account_set_property;

  properties[PROP_ID] = g_param_spec_string (
      "id", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEYSET_ID] = string_pspec ("keyset-id", 0);
  properties[PROP_KEYSET]
      = g_param_spec_object ("keyset", NULL, NULL, RELINK_TYPE_KEYSET,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NICKNAME] = string_pspec ("nickname", 0);
  properties[PROP_EXPECTED_IDENTITY] = string_pspec ("expected-identity", 0);
  properties[PROP_IDENTITY_ID] = string_pspec ("identity-id", 0);
  properties[PROP_IDENTITY_NAME] = string_pspec ("identity-name", 0);
  properties[PROP_SCOPES] = string_pspec ("scopes", 0);
  properties[PROP_AUTHORISED_AT] = int64_pspec ("authorised-at");
  properties[PROP_ACCESS_EXPIRES_AT] = int64_pspec ("access-expires-at");
  properties[PROP_REFRESH_EXPIRES_AT] = int64_pspec ("refresh-expires-at");
  properties[PROP_LAST_REFRESH_AT] = int64_pspec ("last-refresh-at");
  properties[PROP_LAST_TEST_AT] = int64_pspec ("last-test-at");
  properties[PROP_LAST_TEST_OK]
      = g_param_spec_boolean ("last-test-ok", NULL, NULL, FALSE,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_TEST_MESSAGE] = string_pspec ("last-test-message", 0);
  properties[PROP_STATUS] = g_param_spec_enum (
      "status", NULL, NULL, RELINK_TYPE_ACCOUNT_STATUS, RELINK_ACCOUNT_STATUS_NOT_CONNECTED,
      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS_MESSAGE] = string_pspec ("status-message", 0);
  properties[PROP_CREATED_AT] = int64_pspec ("created-at");
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL,
                                                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_OWNER_ID] = string_pspec ("owner-id", 0);
  properties[PROP_GRANT_NAME] = string_pspec ("grant-name", 0);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
relink_account_init (RelinkAccount *self)
{
  self->extra_grants = g_list_store_new (RELINK_TYPE_ACCOUNT);
}

RelinkAccount *
relink_account_new (const char *id)
{
  g_return_val_if_fail (id != NULL, NULL);

  return g_object_new (RELINK_TYPE_ACCOUNT, "id", id, NULL);
}

const char *
relink_account_get_id (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), NULL);

  return self->id;
}

const char *
relink_account_get_keyset_id (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), NULL);

  return self->keyset_id;
}

void
relink_account_set_keyset_id (RelinkAccount *self, const char *keyset_id)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (self));

  set_string (self, &self->keyset_id, keyset_id, PROP_KEYSET_ID, FALSE);
}

RelinkKeyset *
relink_account_get_keyset (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), NULL);

  return self->keyset;
}

void
relink_account_set_keyset (RelinkAccount *self, RelinkKeyset *keyset)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (self));
  g_return_if_fail (keyset == NULL || RELINK_IS_KEYSET (keyset));

  if (g_set_object (&self->keyset, keyset))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYSET]);
}

const char *
relink_account_get_nickname (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), NULL);

  return self->nickname;
}

void
relink_account_set_nickname (RelinkAccount *self, const char *nickname)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (self));

  set_string (self, &self->nickname, nickname, PROP_NICKNAME, TRUE);
}

const char *
relink_account_get_expected_identity (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), NULL);

  return self->expected_identity;
}

void
relink_account_set_expected_identity (RelinkAccount *self, const char *expected)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (self));

  set_string (self, &self->expected_identity, expected, PROP_EXPECTED_IDENTITY, FALSE);
}

const char *
relink_account_get_identity_id (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), NULL);

  return self->identity_id;
}

void
relink_account_set_identity_id (RelinkAccount *self, const char *identity_id)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (self));

  set_string (self, &self->identity_id, identity_id, PROP_IDENTITY_ID, FALSE);
}

const char *
relink_account_get_identity_name (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), NULL);

  return self->identity_name;
}

void
relink_account_set_identity_name (RelinkAccount *self, const char *identity_name)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (self));

  set_string (self, &self->identity_name, identity_name, PROP_IDENTITY_NAME, TRUE);
}

const char *
relink_account_get_scopes (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), NULL);

  return self->scopes;
}

void
relink_account_set_scopes (RelinkAccount *self, const char *scopes)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (self));

  set_string (self, &self->scopes, scopes, PROP_SCOPES, FALSE);
}

gint64
relink_account_get_authorised_at (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), 0);

  return self->authorised_at;
}

void
relink_account_set_authorised_at (RelinkAccount *self, gint64 value)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (self));

  set_int64 (self, &self->authorised_at, value, PROP_AUTHORISED_AT);
}

gint64
relink_account_get_access_expires_at (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), 0);

  return self->access_expires_at;
}

void
relink_account_set_access_expires_at (RelinkAccount *self, gint64 value)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (self));

  set_int64 (self, &self->access_expires_at, value, PROP_ACCESS_EXPIRES_AT);
}

gint64
relink_account_get_refresh_expires_at (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), 0);

  return self->refresh_expires_at;
}

void
relink_account_set_refresh_expires_at (RelinkAccount *self, gint64 value)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (self));

  set_int64 (self, &self->refresh_expires_at, value, PROP_REFRESH_EXPIRES_AT);
}

gint64
relink_account_get_last_refresh_at (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), 0);

  return self->last_refresh_at;
}

void
relink_account_set_last_refresh_at (RelinkAccount *self, gint64 value)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (self));

  set_int64 (self, &self->last_refresh_at, value, PROP_LAST_REFRESH_AT);
}

gint64
relink_account_get_last_test_at (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), 0);

  return self->last_test_at;
}

void
relink_account_set_last_test_at (RelinkAccount *self, gint64 value)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (self));

  set_int64 (self, &self->last_test_at, value, PROP_LAST_TEST_AT);
}

gboolean
relink_account_get_last_test_ok (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), FALSE);

  return self->last_test_ok;
}

void
relink_account_set_last_test_ok (RelinkAccount *self, gboolean ok)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (self));

  ok = !!ok;
  if (self->last_test_ok == ok)
    return;

  self->last_test_ok = ok;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_TEST_OK]);
}

const char *
relink_account_get_last_test_message (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), NULL);

  return self->last_test_message;
}

void
relink_account_set_last_test_message (RelinkAccount *self, const char *message)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (self));

  set_string (self, &self->last_test_message, message, PROP_LAST_TEST_MESSAGE, FALSE);
}

RelinkAccountStatus
relink_account_get_status (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), RELINK_ACCOUNT_STATUS_NOT_CONNECTED);

  return self->status;
}

void
relink_account_set_status (RelinkAccount *self, RelinkAccountStatus status)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (self));

  if (self->status == status)
    return;

  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

const char *
relink_account_get_status_message (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), NULL);

  return self->status_message;
}

void
relink_account_set_status_message (RelinkAccount *self, const char *message)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (self));

  set_string (self, &self->status_message, message, PROP_STATUS_MESSAGE, FALSE);
}

gint64
relink_account_get_created_at (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), 0);

  return self->created_at;
}

void
relink_account_set_created_at (RelinkAccount *self, gint64 value)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (self));

  set_int64 (self, &self->created_at, value, PROP_CREATED_AT);
}

const char *
relink_account_get_display_name (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), NULL);

  /* A further grant is shown under its account's name. */
  if (self->owner != NULL)
    return relink_account_get_display_name (self->owner);
  if (self->nickname != NULL && self->nickname[0] != '\0')
    return self->nickname;
  if (self->identity_name != NULL && self->identity_name[0] != '\0')
    return self->identity_name;
  return self->id;
}

RelinkProvider *
relink_account_get_provider (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), NULL);

  return self->keyset != NULL ? relink_keyset_get_provider (self->keyset) : NULL;
}

const RelinkProviderEnvironment *
relink_account_get_environment (RelinkAccount *self)
{
  RelinkProvider *provider = relink_account_get_provider (self);

  if (provider == NULL)
    return NULL;

  return relink_provider_get_environment (provider, relink_keyset_get_environment (self->keyset));
}

const char *
relink_account_get_owner_id (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), NULL);

  return self->owner_id;
}

void
relink_account_set_owner_id (RelinkAccount *self, const char *owner_id)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (self));

  /* "" and NULL both mean "an account of its own". */
  if (owner_id != NULL && owner_id[0] == '\0')
    owner_id = NULL;
  set_string (self, &self->owner_id, owner_id, PROP_OWNER_ID, FALSE);
}

gboolean
relink_account_is_extra_grant (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), FALSE);

  return self->owner_id != NULL;
}

const char *
relink_account_get_grant_name (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), NULL);

  return self->grant_name != NULL && self->grant_name[0] != '\0' ? self->grant_name
                                                                 : RELINK_GRANT_NAME_OAUTH;
}

void
relink_account_set_grant_name (RelinkAccount *self, const char *grant_name)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (self));

  set_string (self, &self->grant_name, grant_name, PROP_GRANT_NAME, FALSE);
}

RelinkAccount *
relink_account_get_owner (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), NULL);

  return self->owner;
}

RelinkAccount *
relink_account_get_account (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), NULL);

  return self->owner != NULL ? self->owner : self;
}

void
relink_account_set_owner (RelinkAccount *self, RelinkAccount *owner)
{
  g_return_if_fail (RELINK_IS_ACCOUNT (self));
  g_return_if_fail (owner == NULL || RELINK_IS_ACCOUNT (owner));
  g_return_if_fail (owner != self);

  if (self->owner == owner)
    return;

  g_set_weak_pointer (&self->owner, owner);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

GListModel *
relink_account_get_extra_grants (RelinkAccount *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT (self), NULL);

  return G_LIST_MODEL (self->extra_grants);
}

static int
compare_grant_names (gconstpointer a, gconstpointer b)
{
  RelinkAccount *grant_a = *(RelinkAccount *const *) a;
  RelinkAccount *grant_b = *(RelinkAccount *const *) b;
  int order = g_strcmp0 (relink_account_get_grant_name (grant_a),
                         relink_account_get_grant_name (grant_b));

  return order != 0 ? order : g_strcmp0 (grant_a->id, grant_b->id);
}

void
relink_account_set_extra_grants (RelinkAccount *self, GPtrArray *grants)
{
  g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
  guint n;
  gboolean same;

  g_return_if_fail (RELINK_IS_ACCOUNT (self));

  if (grants != NULL)
    for (guint i = 0; i < grants->len; i++)
      g_ptr_array_add (sorted, g_ptr_array_index (grants, i));
  g_ptr_array_sort (sorted, compare_grant_names);

  /* Unchanged lists emit nothing: rows bound to them stay as they are. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->extra_grants));
  same = n == sorted->len;
  for (guint i = 0; same && i < n; i++)
    {
      g_autoptr (RelinkAccount) grant
          = g_list_model_get_item (G_LIST_MODEL (self->extra_grants), i);

      same = grant == g_ptr_array_index (sorted, i);
    }
  if (same)
    return;

  g_list_store_splice (self->extra_grants, 0, n, sorted->pdata, sorted->len);
}
