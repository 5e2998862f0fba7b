/* relink-provider-registry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "relink-core-resources.h"
#include "relink-provider-registry.h"

#define SHIPPED_PROFILES_PATH "/io/github/relink/Relink/providers/"

/* The largest profile read: the shipped ones are a few KiB. */
#define MAX_PROFILE_SIZE (256 * 1024)

struct _RelinkProviderRegistry
{
  GObject parent_instance;

  char *user_dir;
  GPtrArray *providers; /* RelinkProvider, sorted by name */
  GHashTable *by_id;    /* id → borrowed RelinkProvider */
  GPtrArray *load_errors;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RelinkProviderRegistry,
                               relink_provider_registry,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return RELINK_TYPE_PROVIDER;
}

static guint
get_n_items (GListModel *model)
{
  RelinkProviderRegistry *self = RELINK_PROVIDER_REGISTRY (model);

  return self->providers->len;
}

static gpointer
get_item (GListModel *model, guint position)
{
  RelinkProviderRegistry *self = RELINK_PROVIDER_REGISTRY (model);

  if (position >= self->providers->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->providers, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
relink_provider_registry_finalize (GObject *object)
{
  RelinkProviderRegistry *self = RELINK_PROVIDER_REGISTRY (object);

  g_free (self->user_dir);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->providers, g_ptr_array_unref);
  g_clear_pointer (&self->load_errors, g_ptr_array_unref);

  G_OBJECT_CLASS (relink_provider_registry_parent_class)->finalize (object);
}

static void
relink_provider_registry_class_init (RelinkProviderRegistryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = relink_provider_registry_finalize;
}

static void
relink_provider_registry_init (RelinkProviderRegistry *self)
{
  self->providers = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->load_errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
}

/* Problems are kept for the UI (a custom profile the user is writing),
 * which shows them (the window's Add Account, relinkctl status and
 * --verbose); the log has them for debugging only, so that every
 * relinkctl call does not repeat them on standard error. Never as a
 * warning, which would abort under fatal-warnings although a broken user
 * file is not a programming error. */
static void
add_load_error (RelinkProviderRegistry *self, GError *error)
{
  g_debug ("Skipping provider profile: %s", error->message);
  g_ptr_array_add (self->load_errors, error);
}

static void
add_profile (RelinkProviderRegistry *self,
             const char *json,
             gsize length,
             const char *origin,
             gboolean is_custom)
{
  g_autoptr (RelinkProvider) provider = NULL;
  RelinkProvider *existing;
  GError *error = NULL;

  provider = relink_provider_new_from_json_full (json, length, origin, is_custom, &error);
  if (provider == NULL)
    {
      add_load_error (self, error);
      return;
    }

  /* First come, first served: shipped profiles load first, so a user file
   * cannot quietly take over "ebay" and send eBay logins elsewhere. */
  existing = g_hash_table_lookup (self->by_id, relink_provider_get_id (provider));
  if (existing != NULL)
    {
      if (relink_provider_is_custom (existing))
        /* Translators: the first %s is a file name, the second an id, the third another file. */
        error = g_error_new (RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_DUPLICATE,
                             _ ("%s: field “id”: “%s” is already used by %s; choose another id"),
                             origin, relink_provider_get_id (provider),
                             relink_provider_get_origin (existing));
      else
        error = g_error_new (RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_DUPLICATE,
                             _ ("%s: field “id”: “%s” is already used by a profile that comes "
                                "with Relink; choose another id"),
                             origin, relink_provider_get_id (provider));
      add_load_error (self, error);
      return;
    }

  g_hash_table_insert (self->by_id, (gpointer) relink_provider_get_id (provider), provider);
  g_ptr_array_add (self->providers, g_steal_pointer (&provider));
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static void
load_shipped (RelinkProviderRegistry *self)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = NULL;
  GResource *resource;

  /* Read from our own resource rather than the global registry: it does not
   * depend on the constructor having run, and nothing else registered under
   * the same path can sneak in. */
  resource = relink_core_get_resource ();
  names = g_resource_enumerate_children (resource, SHIPPED_PROFILES_PATH,
                                         G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (names == NULL)
    {
      g_message ("No shipped provider profiles: %s", error->message);
      return;
    }

  qsort (names, g_strv_length (names), sizeof (char *), compare_names);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_strconcat (SHIPPED_PROFILES_PATH, names[i], NULL);
      g_autoptr (GBytes) bytes = NULL;
      const char *data;
      gsize length;

      if (!g_str_has_suffix (names[i], ".json"))
        continue;

      bytes = g_resource_lookup_data (resource, path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      if (bytes == NULL)
        {
          add_load_error (self, g_steal_pointer (&error));
          continue;
        }

      data = g_bytes_get_data (bytes, &length);
      add_profile (self, data, length, names[i], FALSE);
    }
}

/* Reads one custom profile. Only a regular file of a sane size: a FIFO
 * or a device named *.json would block the window and relinkctl at every
 * start (opening it does not wait, thanks to O_NONBLOCK), and a huge file
 * would be read whole into memory. */
static gboolean
read_profile_file (const char *path, char **out_contents, gsize *out_length, GError **error)
{
  g_autofree char *contents = NULL;
  struct stat info;
  gsize length = 0;
  int fd;

  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_PARSE,
                   _ ("%s: cannot be read: %s"), path, g_strerror (errsv));
      return FALSE;
    }

  if (fstat (fd, &info) != 0 || !S_ISREG (info.st_mode))
    {
      g_close (fd, NULL);
      g_set_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_PARSE,
                   _ ("%s: not a regular file"), path);
      return FALSE;
    }
  if (info.st_size > MAX_PROFILE_SIZE)
    {
      g_close (fd, NULL);
      g_set_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_PARSE,
                   ngettext ("%s: larger than %d KiB, too large to be a profile",
                             "%s: larger than %d KiB, too large to be a profile",
                             MAX_PROFILE_SIZE / 1024),
                   path, MAX_PROFILE_SIZE / 1024);
      return FALSE;
    }

  /* One byte of room beyond the limit tells a file that grew meanwhile. */
  contents = g_malloc (MAX_PROFILE_SIZE + 2);
  while (length <= MAX_PROFILE_SIZE)
    {
      gssize n = read (fd, contents + length, MAX_PROFILE_SIZE + 1 - length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int errsv = errno;

          g_close (fd, NULL);
          g_set_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_PARSE,
                       _ ("%s: cannot be read: %s"), path, g_strerror (errsv));
          return FALSE;
        }
      if (n == 0)
        break;
      length += n;
    }
  g_close (fd, NULL);

  if (length > MAX_PROFILE_SIZE)
    {
      g_set_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_PARSE,
                   ngettext ("%s: larger than %d KiB, too large to be a profile",
                             "%s: larger than %d KiB, too large to be a profile",
                             MAX_PROFILE_SIZE / 1024),
                   path, MAX_PROFILE_SIZE / 1024);
      return FALSE;
    }

  contents[length] = '\0';
  *out_contents = g_steal_pointer (&contents);
  *out_length = length;
  return TRUE;
}

static void
load_user_dir (RelinkProviderRegistry *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (GDir) dir = NULL;
  const char *name;

  /* A handful of small local files, read once at start-up. */
  dir = g_dir_open (self->user_dir, 0, &error);
  if (dir == NULL)
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_message ("Cannot read custom provider profiles: %s", error->message);
      return;
    }

  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_suffix (name, ".json") && name[0] != '.')
        g_ptr_array_add (names, g_strdup (name));
    }

  /* A stable order decides which of two clashing files wins. */
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (self->user_dir, g_ptr_array_index (names, i), NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (!read_profile_file (path, &contents, &length, &error))
        {
          add_load_error (self, g_steal_pointer (&error));
          continue;
        }

      add_profile (self, contents, length, path, TRUE);
    }
}

static int
compare_providers (gconstpointer a, gconstpointer b)
{
  RelinkProvider *pa = *(RelinkProvider *const *) a;
  RelinkProvider *pb = *(RelinkProvider *const *) b;
  /* "eBay" belongs between "AliExpress" and "Etsy", whatever the locale. */
  g_autofree char *name_a = g_utf8_casefold (relink_provider_get_name (pa), -1);
  g_autofree char *name_b = g_utf8_casefold (relink_provider_get_name (pb), -1);
  int result;

  result = g_utf8_collate (name_a, name_b);
  if (result == 0)
    result = g_strcmp0 (relink_provider_get_id (pa), relink_provider_get_id (pb));

  return result;
}

/**
 * relink_provider_registry_new:
 * @user_dir: (nullable): where custom profiles live, %NULL for
 *   $XDG_CONFIG_HOME/relink/providers
 *
 * Returns: (transfer full): the registry, loaded
 */
RelinkProviderRegistry *
relink_provider_registry_new (const char *user_dir)
{
  RelinkProviderRegistry *self = g_object_new (RELINK_TYPE_PROVIDER_REGISTRY, NULL);

  if (user_dir != NULL)
    self->user_dir = g_strdup (user_dir);
  else
    self->user_dir = g_build_filename (g_get_user_config_dir (), "relink", "providers", NULL);

  load_shipped (self);
  load_user_dir (self);

  /* Sorted once here; later additions (relink_provider_registry_add())
   * keep the order. */
  g_ptr_array_sort (self->providers, compare_providers);

  return self;
}

/**
 * relink_provider_registry_lookup:
 *
 * Returns: (transfer none) (nullable): the profile with that id
 */
RelinkProvider *
relink_provider_registry_lookup (RelinkProviderRegistry *self, const char *id)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER_REGISTRY (self), NULL);

  if (id == NULL)
    return NULL;

  return g_hash_table_lookup (self->by_id, id);
}

/**
 * relink_provider_registry_get_load_errors:
 *
 * Returns: (transfer none) (element-type GError): the skipped files' errors
 */
GPtrArray *
relink_provider_registry_get_load_errors (RelinkProviderRegistry *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER_REGISTRY (self), NULL);

  return self->load_errors;
}

const char *
relink_provider_registry_get_user_dir (RelinkProviderRegistry *self)
{
  g_return_val_if_fail (RELINK_IS_PROVIDER_REGISTRY (self), NULL);

  return self->user_dir;
}

GStrv
relink_provider_registry_describe_load_errors (RelinkProviderRegistry *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *prefix = NULL;

  g_return_val_if_fail (RELINK_IS_PROVIDER_REGISTRY (self), NULL);

  prefix = g_strconcat (self->user_dir, G_DIR_SEPARATOR_S, NULL);
  for (guint i = 0; i < self->load_errors->len; i++)
    {
      const GError *error = g_ptr_array_index (self->load_errors, i);
      const char *name = error->message;
      const char *reason;
      g_autofree char *file = NULL;
      g_autoptr (GString) sentence = NULL;

      /* Every message starts "PATH: "; the folder is the same for all. */
      if (g_str_has_prefix (name, prefix))
        name += strlen (prefix);
      reason = strstr (name, ": ");
      if (reason == NULL)
        {
          g_strv_builder_add (builder, error->message);
          continue;
        }

      file = g_strndup (name, reason - name);
      /* Translators: the first %s is a file name, the second says what is
       * wrong in it: "acme.json was skipped: field “token_url”: must be an
       * https:// URL". */
      sentence = g_string_new (NULL);
      g_string_printf (sentence, _ ("%s was skipped: %s"), file, reason + 2);
      /* Another file named in the reason (a clash of ids), likewise. */
      g_string_replace (sentence, prefix, "", 0);
      g_strv_builder_add (builder, sentence->str);
    }

  return g_strv_builder_end (builder);
}

gboolean
relink_provider_registry_add (RelinkProviderRegistry *self,
                              RelinkProvider *provider,
                              GError **error)
{
  const char *id;
  guint low, high;

  g_return_val_if_fail (RELINK_IS_PROVIDER_REGISTRY (self), FALSE);
  g_return_val_if_fail (RELINK_IS_PROVIDER (provider), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  id = relink_provider_get_id (provider);
  if (g_hash_table_contains (self->by_id, id))
    {
      g_set_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_DUPLICATE,
                   _ ("There is a marketplace profile with the id “%s” already; choose another "
                      "name."),
                   id);
      return FALSE;
    }

  /* The first position whose profile sorts after the new one. */
  low = 0;
  high = self->providers->len;
  while (low < high)
    {
      guint middle = low + (high - low) / 2;

      if (compare_providers (&g_ptr_array_index (self->providers, middle), &provider) <= 0)
        low = middle + 1;
      else
        high = middle;
    }

  g_ptr_array_insert (self->providers, low, g_object_ref (provider));
  g_hash_table_insert (self->by_id, (gpointer) id, provider);
  g_list_model_items_changed (G_LIST_MODEL (self), low, 0, 1);

  return TRUE;
}

/**
 * relink_provider_registry_lookup_error:
 *
 * Why the profile @id is not there although a custom profile file for it
 * ("@id.json" in the user folder) exists: its load error, which names the
 * file and the fault.
 *
 * Returns: (transfer none) (nullable): the error, or %NULL when @id loaded
 *   or there is no file of that name
 */
const GError *
relink_provider_registry_lookup_error (RelinkProviderRegistry *self, const char *id)
{
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (RELINK_IS_PROVIDER_REGISTRY (self), NULL);

  if (id == NULL || g_hash_table_contains (self->by_id, id))
    return NULL;

  file = g_strconcat (id, ".json", NULL);
  path = g_build_filename (self->user_dir, file, NULL);
  for (guint i = 0; i < self->load_errors->len; i++)
    {
      const GError *error = g_ptr_array_index (self->load_errors, i);

      if (strstr (error->message, path) != NULL)
        return error;
    }

  return NULL;
}
