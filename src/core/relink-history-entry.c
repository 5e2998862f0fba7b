/* relink-history-entry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-history-entry.h"

struct _RelinkHistoryEntry
{
  GObject parent_instance;

  char *account_id;
  gint64 at;
  RelinkHistoryKind kind;
  gboolean ok;
  char *program;
  char *message;
};

G_DEFINE_FINAL_TYPE (RelinkHistoryEntry, relink_history_entry, G_TYPE_OBJECT)

/* Entries are immutable, so the properties are construct-only. */
enum
{
  PROP_0,
  PROP_ACCOUNT_ID,
  PROP_AT,
  PROP_KIND,
  PROP_OK,
  PROP_PROGRAM,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
relink_history_entry_finalize (GObject *object)
{
  RelinkHistoryEntry *self = (RelinkHistoryEntry *) object;

  g_clear_pointer (&self->account_id, g_free);
  g_clear_pointer (&self->program, g_free);
  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (relink_history_entry_parent_class)->finalize (object);
}

static void
relink_history_entry_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RelinkHistoryEntry *self = RELINK_HISTORY_ENTRY (object);

  switch (prop_id)
    {
      case PROP_ACCOUNT_ID:
        g_value_set_string (value, self->account_id);
        break;
      case PROP_AT:
        g_value_set_int64 (value, self->at);
        break;
      case PROP_KIND:
        g_value_set_int (value, self->kind);
        break;
      case PROP_OK:
        g_value_set_boolean (value, self->ok);
        break;
      case PROP_PROGRAM:
        g_value_set_string (value, self->program);
        break;
      case PROP_MESSAGE:
        g_value_set_string (value, self->message);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_history_entry_set_property (GObject *object,
                                   guint prop_id,
                                   const GValue *value,
                                   GParamSpec *pspec)
{
  RelinkHistoryEntry *self = RELINK_HISTORY_ENTRY (object);

  switch (prop_id)
    {
      case PROP_ACCOUNT_ID:
        self->account_id = g_value_dup_string (value);
        break;
      case PROP_AT:
        self->at = g_value_get_int64 (value);
        break;
      case PROP_KIND:
        self->kind = g_value_get_int (value);
        break;
      case PROP_OK:
        self->ok = g_value_get_boolean (value);
        break;
      case PROP_PROGRAM:
        self->program = g_value_dup_string (value);
        break;
      case PROP_MESSAGE:
        self->message = g_value_dup_string (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_history_entry_class_init (RelinkHistoryEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = relink_history_entry_finalize;
  object_class->get_property = relink_history_entry_get_property;
  object_class->set_property = relink_history_entry_set_property;

  properties[PROP_ACCOUNT_ID] = g_param_spec_string ("account-id", NULL, NULL, NULL, flags);
  properties[PROP_AT] = g_param_spec_int64 ("at", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  /* relink-history-entry.h is not among the mkenums sources, so the kind
   * is a plain int here rather than a GEnum. */
  properties[PROP_KIND]
      = g_param_spec_int ("kind", NULL, NULL, RELINK_HISTORY_KIND_CONNECT,
                          RELINK_HISTORY_KIND_IMPORT, RELINK_HISTORY_KIND_CONNECT, flags);
  properties[PROP_OK] = g_param_spec_boolean ("ok", NULL, NULL, FALSE, flags);
  properties[PROP_PROGRAM] = g_param_spec_string ("program", NULL, NULL, NULL, flags);
  properties[PROP_MESSAGE] = g_param_spec_string ("message", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
relink_history_entry_init (RelinkHistoryEntry *self)
{
}

RelinkHistoryEntry *
relink_history_entry_new (const char *account_id,
                          gint64 at,
                          RelinkHistoryKind kind,
                          gboolean ok,
                          const char *program,
                          const char *message)
{
  g_return_val_if_fail (account_id != NULL, NULL);

  return g_object_new (RELINK_TYPE_HISTORY_ENTRY, "account-id", account_id, "at", at, "kind",
                       (int) kind, "ok", !!ok, "program", program, "message", message, NULL);
}

const char *
relink_history_entry_get_account_id (RelinkHistoryEntry *self)
{
  g_return_val_if_fail (RELINK_IS_HISTORY_ENTRY (self), NULL);

  return self->account_id;
}

gint64
relink_history_entry_get_at (RelinkHistoryEntry *self)
{
  g_return_val_if_fail (RELINK_IS_HISTORY_ENTRY (self), 0);

  return self->at;
}

RelinkHistoryKind
relink_history_entry_get_kind (RelinkHistoryEntry *self)
{
  g_return_val_if_fail (RELINK_IS_HISTORY_ENTRY (self), RELINK_HISTORY_KIND_CONNECT);

  return self->kind;
}

gboolean
relink_history_entry_get_ok (RelinkHistoryEntry *self)
{
  g_return_val_if_fail (RELINK_IS_HISTORY_ENTRY (self), FALSE);

  return self->ok;
}

const char *
relink_history_entry_get_program (RelinkHistoryEntry *self)
{
  g_return_val_if_fail (RELINK_IS_HISTORY_ENTRY (self), NULL);

  return self->program;
}

const char *
relink_history_entry_get_message (RelinkHistoryEntry *self)
{
  g_return_val_if_fail (RELINK_IS_HISTORY_ENTRY (self), NULL);

  return self->message;
}

const char *
relink_history_kind_to_string (RelinkHistoryKind kind)
{
  switch (kind)
    {
      case RELINK_HISTORY_KIND_CONNECT:
        return C_ ("history kind", "Connect");
      case RELINK_HISTORY_KIND_RENEWAL:
        return C_ ("history kind", "Renewal");
      case RELINK_HISTORY_KIND_REFRESH:
        return C_ ("history kind", "Refresh");
      case RELINK_HISTORY_KIND_TEST:
        return C_ ("history kind", "Test");
      case RELINK_HISTORY_KIND_REVOCATION:
        return C_ ("history kind", "Revocation");
      case RELINK_HISTORY_KIND_IMPORT:
        return C_ ("history kind", "Import");
      default:
        return _ ("Unknown");
    }
}
