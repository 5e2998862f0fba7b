/* fuzz-replay.c: runs a fuzz harness over saved inputs, in the ordinary
 * (gcc) build and test run, so that CI checks the corpus and every past
 * crash without clang.
 *
 *   fuzz-replay TARGET CORPUS_DIR [CRASH_DIR]
 *
 * CORPUS_DIR must hold at least one input; CRASH_DIR may be missing.
 * Files whose names start with "." or end in ".md" are skipped.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "fuzz-common.h"

typedef int (*Entry) (const uint8_t *data, size_t size);

static const struct
{
  const char *name;
  Entry entry;
} targets[] = {
#define RELINK_FUZZ_ROW(name) { #name, relink_fuzz_##name },
  RELINK_FUZZ_TARGETS (RELINK_FUZZ_ROW)
#undef RELINK_FUZZ_ROW
};

static guint
replay_dir (Entry entry, const char *path, gboolean required)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = g_dir_open (path, 0, &error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    {
      if (required)
        g_error ("%s", error->message);
      return 0;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (name[0] != '.' && !g_str_has_suffix (name, ".md"))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *file = g_build_filename (path, g_ptr_array_index (names, i), NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_file_get_contents (file, &contents, &length, &error))
        g_error ("%s", error->message);
      g_print ("# %s\n", file);
      entry ((const uint8_t *) contents, length);
    }

  return names->len;
}

int
main (int argc, char **argv)
{
  Entry entry = NULL;
  g_autofree char *wanted = NULL;
  guint count;

  if (argc < 3 || argc > 4)
    {
      g_printerr ("usage: fuzz-replay TARGET CORPUS_DIR [CRASH_DIR]\n");
      return 2;
    }

  wanted = g_strdelimit (g_strdup (argv[1]), "-", '_');
  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      if (g_str_equal (targets[i].name, wanted))
        entry = targets[i].entry;
    }
  if (entry == NULL)
    g_error ("no fuzz target %s", argv[1]);

  count = replay_dir (entry, argv[2], TRUE);
  if (count == 0)
    g_error ("%s holds no inputs", argv[2]);
  if (argc == 4)
    count += replay_dir (entry, argv[3], FALSE);

  g_print ("%s: %u inputs replayed\n", argv[1], count);
  return 0;
}
