/* fuzz-keyset-extras.c: a keyset's extra values as stored in the
 * database (relink_keyset_set_extras_json). Guarantees: no crash; a
 * refusal is a G_IO_ERROR that leaves the keyset's extras exactly as they
 * were and quotes nothing of unreadable text; accepted extras write back
 * to JSON that reads as the same extras.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "fuzz-common.h"
#include "relink-json.h"
#include "relink-keyset.h"

RELINK_FUZZ_ENTRY (keyset_extras)
{
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new ("keyset-1");
  g_autoptr (RelinkKeyset) copy = relink_keyset_new ("keyset-2");
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *again = NULL;

  /* SQLite hands over text up to the first NUL. */
  text = relink_fuzz_string (data, size);
  relink_keyset_set_extra (keyset, "application_id", "amzn1.sp.solution.0123");
  before = relink_keyset_dup_extras_json (keyset);

  if (!relink_keyset_set_extras_json (keyset, text, &error))
    {
      g_autoptr (JsonNode) root = NULL;

      g_assert_nonnull (error);
      g_assert_true (error->domain == G_IO_ERROR);
      after = relink_keyset_dup_extras_json (keyset);
      g_assert_cmpstr (before, ==, after);
      relink_fuzz_assert_clean_text (error->message);
      /* Unreadable text is never quoted (member names of a readable
       * object may be, they are field ids). */
      root = relink_json_parse (text, -1, 0, RELINK_JSON_MAX_DEPTH, NULL);
      if (root == NULL)
        relink_fuzz_assert_not_quoted (error->message, data, size);
      return 0;
    }

  g_assert_no_error (error);
  after = relink_keyset_dup_extras_json (keyset);
  g_assert_true (relink_keyset_set_extras_json (copy, after, &error));
  g_assert_no_error (error);
  again = relink_keyset_dup_extras_json (copy);
  g_assert_cmpstr (after, ==, again);

  return 0;
}
