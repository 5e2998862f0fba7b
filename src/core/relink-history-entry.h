/* relink-history-entry.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  RELINK_HISTORY_KIND_CONNECT,
  RELINK_HISTORY_KIND_RENEWAL,
  RELINK_HISTORY_KIND_REFRESH,
  RELINK_HISTORY_KIND_TEST,
  RELINK_HISTORY_KIND_REVOCATION,
  RELINK_HISTORY_KIND_IMPORT
} RelinkHistoryKind;

#define RELINK_TYPE_HISTORY_ENTRY (relink_history_entry_get_type ())

/* RelinkHistoryEntry: one thing that happened to an account (a refresh, a
 * test, a renewal, ...), when, how it ended and which program did it. */
G_DECLARE_FINAL_TYPE (RelinkHistoryEntry, relink_history_entry, RELINK, HISTORY_ENTRY, GObject)

RelinkHistoryEntry *relink_history_entry_new (const char *account_id,
                                              gint64 at,
                                              RelinkHistoryKind kind,
                                              gboolean ok,
                                              const char *program,
                                              const char *message);
const char *relink_history_entry_get_account_id (RelinkHistoryEntry *self);
gint64 relink_history_entry_get_at (RelinkHistoryEntry *self);
RelinkHistoryKind relink_history_entry_get_kind (RelinkHistoryEntry *self);
gboolean relink_history_entry_get_ok (RelinkHistoryEntry *self);
/* "window", "background" or "relinkctl". */
const char *relink_history_entry_get_program (RelinkHistoryEntry *self);
const char *relink_history_entry_get_message (RelinkHistoryEntry *self);
/* Translated "Refresh", "Test", ... */
const char *relink_history_kind_to_string (RelinkHistoryKind kind);

G_END_DECLS
