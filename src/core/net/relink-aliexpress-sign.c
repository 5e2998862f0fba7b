/* relink-aliexpress-sign.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "relink-aliexpress-sign.h"

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

char *
relink_aliexpress_sign (const char *api_path, GHashTable *params, const char *app_secret)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autoptr (GHmac) hmac = NULL;
  GHashTableIter iter;
  gpointer key;
  char *hex;

  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (app_secret != NULL, NULL);

  hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) app_secret, strlen (app_secret));

  if (api_path != NULL && api_path[0] == '/')
    g_hmac_update (hmac, (const guchar *) api_path, strlen (api_path));

  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (strcmp (key, "sign") != 0)
        g_ptr_array_add (names, key);
    }
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      const char *value = g_hash_table_lookup (params, name);

      g_hmac_update (hmac, (const guchar *) name, strlen (name));
      if (value != NULL)
        g_hmac_update (hmac, (const guchar *) value, strlen (value));
    }

  hex = g_strdup (g_hmac_get_string (hmac));
  for (char *p = hex; *p != '\0'; p++)
    *p = g_ascii_toupper (*p);

  return hex;
}

char *
relink_aliexpress_api_path (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_PATH, NULL);
  const char *path;

  if (uri == NULL)
    return NULL;

  path = g_uri_get_path (uri);
  if (g_str_has_prefix (path, "/rest/"))
    path += strlen ("/rest");

  return g_strdup (path);
}
