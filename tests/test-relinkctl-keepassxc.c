/* test-relinkctl-keepassxc.c
 *
 * relinkctl against KeePassXC's Secret Service (run by
 * tests/keyring-session.sh keepassxc: a headless KeePassXC with a
 * throw-away database): a locked database, and what KeePassXC keeps in
 * its database file of the items Relink replaces and removes, which the
 * README tells sellers. The marketplace is a stub token endpoint in this
 * process (shared/providers.md, Login with Amazon).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <libsoup/soup.h>
#include <string.h>

#include "relink-secrets.h"
#include "relink-store.h"
#include "relink-test-oidc.h"
#include "relink-test-util.h"
#include "relink-token-set.h"

#define LWA_ID "stub-lwa"
#define LWA_CLIENT_ID "amzn1.application-oa2-client.stub"
#define LWA_CLIENT_SECRET "lwa-client-secret-do-not-print"
#define CONNECTED_APPS_URL "https://sellercentral.example.invalid/apps/manage"
#define LOCKED_MESSAGE "The keyring is locked. Unlock it to let Relink read and save tokens."

typedef struct
{
  char *root;
  char *data_dir;
  char *config_dir;
  char *base;
  SoupServer *server;
  RelinkStore *store;
  RelinkSecrets *secrets;
  char *keyset_id;
  char *account_id;
  guint token_requests;
} Fixture;

typedef RelinkTestRun Result;
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, relink_test_run_clear)

/* LWA: a fresh access token, the same refresh token back. */
static void
token_cb (SoupServer *server,
          SoupServerMessage *msg,
          const char *path,
          GHashTable *query,
          gpointer user_data)
{
  Fixture *fixture = user_data;
  g_autoptr (GHashTable) form = relink_test_read_form (msg);
  g_autofree char *answer = NULL;

  fixture->token_requests++;
  answer = g_strdup_printf ("{\"access_token\":\"Atza|kx-fresh-%u\",\"token_type\":\"bearer\","
                            "\"expires_in\":3600,\"refresh_token\":\"%s\"}",
                            fixture->token_requests,
                            (const char *) g_hash_table_lookup (form, "refresh_token"));
  relink_test_answer_json (msg, 200, answer);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *providers = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *db = NULL;

  g_assert_cmpstr (g_getenv ("RELINK_TEST_KEYRING"), ==, "keepassxc");

  fixture->root = relink_test_make_tmp_dir ();
  fixture->data_dir = g_build_filename (fixture->root, "data", NULL);
  fixture->config_dir = g_build_filename (fixture->root, "config", NULL);

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, "/auth/o2/token", token_cb, fixture, NULL);
  fixture->base = relink_test_listen_local (fixture->server);

  providers = g_build_filename (fixture->config_dir, "relink", "providers", NULL);
  g_assert_cmpint (g_mkdir_with_parents (providers, 0700), ==, 0);
  profile = g_strdup_printf (
      "{ \"format_version\": 1, \"id\": \"" LWA_ID "\", \"name\": \"Amazon Stub\","
      "  \"client_auth\": \"body\", \"pkce\": \"none\", \"scopes\": [],"
      "  \"access_lifetime\": 3600, \"refresh_lifetime\": 31536000,"
      "  \"identity\": { \"source\": \"redirect\", \"id_field\": \"selling_partner_id\" },"
      "  \"environments\": [ { \"id\": \"na\", \"name\": \"North America\", \"production\": true,"
      "    \"authorize_url\": \"%s/apps/authorize/consent\", \"token_url\": \"%s/auth/o2/token\","
      "    \"connected_apps_url\": \"" CONNECTED_APPS_URL "\" } ] }",
      fixture->base, fixture->base);
  relink_test_write_file (providers, "stub-lwa.json", profile);

  db = g_build_filename (fixture->data_dir, "relink", "relink.db", NULL);
  fixture->store = relink_store_open (db, &error);
  g_assert_no_error (error);
  fixture->secrets = relink_secrets_new ();

  fixture->keyset_id = relink_test_seed_keyset (fixture->store, fixture->secrets, LWA_ID, "na",
                                                LWA_CLIENT_ID, LWA_CLIENT_SECRET);
  /* A connected account whose access token is valid for an hour. */
  fixture->account_id = relink_test_seed_account (
      fixture->store, fixture->secrets, fixture->keyset_id, "KeePassXC shop", "Atza|kx-cached",
      relink_now () + 3600, "Atzr|kx-cached");
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  relink_secrets_clear_tokens_sync (fixture->secrets, fixture->account_id, NULL, NULL);
  relink_secrets_clear_keyset_sync (fixture->secrets, fixture->keyset_id, NULL, NULL);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->secrets);
  relink_test_remove_dir (fixture->root);
  g_free (fixture->root);
  g_free (fixture->data_dir);
  g_free (fixture->config_dir);
  g_free (fixture->base);
  g_free (fixture->keyset_id);
  g_free (fixture->account_id);
}

/* Running relinkctl */

/* Runs the built relinkctl with @argv (NULL-terminated, without the
 * program), serving the stub meanwhile; @prompt_timeout: how long a
 * keyring prompt may stay unanswered. */
static void
run_ctl (Fixture *fixture, Result *result, const char *prompt_timeout, const char *const *argv)
{
  g_autofree char *program = relink_test_built_program ("relinkctl");
  const char *const env[] = { "RELINK_SECRETS_PROMPT_TIMEOUT", prompt_timeout, NULL };

  relink_test_run (result, program, fixture->data_dir, fixture->config_dir,
                   prompt_timeout != NULL ? env : NULL, NULL, argv);
}

#define RUN(fixture, result, prompt_timeout, ...)                                                  \
  G_STMT_START                                                                                     \
  {                                                                                                \
    const char *const run_argv_[] = { __VA_ARGS__, NULL };                                         \
    run_ctl ((fixture), (result), (prompt_timeout), run_argv_);                                    \
  }                                                                                                \
  G_STMT_END

static void
assert_no_secret (const char *text)
{
  static const char *const secrets[] = { "Atza|", "Atzr|", "kx-", LWA_CLIENT_SECRET };

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      if (text != NULL && strstr (text, secrets[i]) != NULL)
        g_error ("A secret (%s…) appears in relinkctl's output: %s", secrets[i], text);
    }
}

/* The keyring */

/* How many items, in any collection, carry attribute @name = @value. */
static guint
count_items (const char *name, const char *value)
{
  g_autoptr (SecretService) service = NULL;
  g_autoptr (GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  GList *items;
  guint n;

  service = secret_service_get_sync (SECRET_SERVICE_LOAD_COLLECTIONS, NULL, &error);
  g_assert_no_error (error);
  g_hash_table_insert (attributes, (gpointer) name, (gpointer) value);
  items = secret_service_search_sync (service, NULL, attributes, SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  n = g_list_length (items);
  g_list_free_full (items, g_object_unref);
  return n;
}

/* Unlocks it with its password, as the seller would in KeePassXC's
 * window: KeePassXC's own D-Bus call. */
static void
unlock_collection (const char *path)
{
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  reply = g_dbus_connection_call_sync (bus, "org.keepassxc.KeePassXC.MainWindow", "/keepassxc",
                                       "org.keepassxc.KeePassXC.MainWindow", "openDatabase",
                                       g_variant_new ("(ss)", g_getenv ("RELINK_TEST_KEEPASSXC_DB"),
                                                      g_getenv ("RELINK_TEST_KEEPASSXC_PASSWORD")),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 50 && relink_test_collection_locked (path); i++)
    g_usleep (100 * G_TIME_SPAN_MILLISECOND);
  g_assert_false (relink_test_collection_locked (path));
}

/* A locked database: `relinkctl token` says so (exit 3, the plain
 * message) once nobody answers KeePassXC's unlock dialog within the
 * prompt deadline; it neither asks the marketplace nor writes a second
 * item, and after the unlock the item is byte-identical and serves the
 * same token. */
static void
test_token_locked (Fixture *fixture, gconstpointer data)
{
  g_autofree char *collection = relink_test_default_collection_path ();
  g_autofree char *before = relink_test_keyring_item (fixture->account_id);
  g_autofree char *after = NULL;
  g_auto (Result) locked = { 0 };
  g_auto (Result) unlocked = { 0 };

  g_assert_nonnull (before);
  relink_test_lock_collection (collection);

  /* The unlock dialog waits 5 s for an answer here (2 minutes by default). */
  RUN (fixture, &locked, "5", "token", "KeePassXC shop");
  g_test_message ("relinkctl token on a locked database: exit %d after %.1f s: %s", locked.status,
                  locked.elapsed / (double) G_USEC_PER_SEC, locked.err);
  g_assert_cmpint (locked.status, ==, 3);
  g_assert_cmpstr (locked.out, ==, "");
  g_assert_nonnull (strstr (locked.err, LOCKED_MESSAGE));
  assert_no_secret (locked.err);
  /* The prompt deadline, plus start-up and the keyring's own answers;
   * far below libsecret's 25 s call timeout and the default 2 minutes. */
  g_assert_cmpint (locked.elapsed, <, 20 * G_USEC_PER_SEC);
  g_assert_cmpuint (fixture->token_requests, ==, 0);
  /* Relink unlocked nothing on its own. */
  g_assert_true (relink_test_collection_locked (collection));

  unlock_collection (collection);
  /* As in test-secrets: KeePassXC may list the items a moment after the
   * unlock (seen once, on a loaded machine, after more than 2 s). */
  for (int i = 0; i < 100 && after == NULL; i++)
    {
      after = relink_test_keyring_item (fixture->account_id);
      if (after == NULL)
        g_usleep (100 * G_TIME_SPAN_MILLISECOND);
      else if (i > 0)
        g_test_message ("the item was listed %d ms after the unlock", i * 100);
    }
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (count_items ("account", fixture->account_id), ==, 1);

  RUN (fixture, &unlocked, NULL, "token", "KeePassXC shop");
  g_assert_cmpint (unlocked.status, ==, 0);
  g_assert_cmpstr (unlocked.out, ==, "Atza|kx-cached\n");
  g_assert_cmpuint (fixture->token_requests, ==, 0);
}

/* What KeePassXC keeps: the database file exported by keepassxc-cli */

typedef struct
{
  char *group;        /* the group the entry is in */
  char *password;     /* the entry's secret: Relink's token set */
  GPtrArray *history; /* the secrets of its earlier versions */
  char *account;      /* its "account" attribute */
} KdbxEntry;

static void
kdbx_entry_free (KdbxEntry *entry)
{
  g_free (entry->group);
  g_free (entry->password);
  g_ptr_array_unref (entry->history);
  g_free (entry->account);
  g_free (entry);
}

/* A walk through KeePass XML: Group > Name, Entry > String (Key, Value),
 * Entry > History > Entry. */
typedef struct
{
  GPtrArray *groups;  /* names of the open groups */
  GPtrArray *entries; /* KdbxEntry, current versions only */
  KdbxEntry *entry;   /* the current version being read */
  guint history_depth;
  GString *text;
  char *key;
  char *value;
} KdbxParse;

static void
kdbx_start_cb (GMarkupParseContext *context,
               const char *element,
               const char **names,
               const char **values,
               gpointer user_data,
               GError **error)
{
  KdbxParse *parse = user_data;

  g_string_truncate (parse->text, 0);
  if (g_str_equal (element, "Group"))
    g_ptr_array_add (parse->groups, g_strdup (""));
  else if (g_str_equal (element, "History"))
    parse->history_depth++;
  else if (g_str_equal (element, "Entry") && parse->history_depth == 0)
    {
      parse->entry = g_new0 (KdbxEntry, 1);
      parse->entry->group = g_strdup (
          parse->groups->len > 0 ? g_ptr_array_index (parse->groups, parse->groups->len - 1) : "");
      parse->entry->history = g_ptr_array_new_with_free_func (g_free);
    }
  else if (g_str_equal (element, "String"))
    {
      g_clear_pointer (&parse->key, g_free);
      g_clear_pointer (&parse->value, g_free);
    }
}

static void
kdbx_text_cb (GMarkupParseContext *context,
              const char *text,
              gsize length,
              gpointer user_data,
              GError **error)
{
  g_string_append_len (((KdbxParse *) user_data)->text, text, length);
}

static void
kdbx_end_cb (GMarkupParseContext *context, const char *element, gpointer user_data, GError **error)
{
  KdbxParse *parse = user_data;
  const char *parent = NULL;
  const GSList *stack = g_markup_parse_context_get_element_stack (context);

  if (stack->next != NULL)
    parent = stack->next->data;

  if (g_str_equal (element, "Name") && g_strcmp0 (parent, "Group") == 0 && parse->groups->len > 0)
    {
      g_free (g_ptr_array_index (parse->groups, parse->groups->len - 1));
      parse->groups->pdata[parse->groups->len - 1] = g_strdup (parse->text->str);
    }
  else if (g_str_equal (element, "Group"))
    g_ptr_array_remove_index (parse->groups, parse->groups->len - 1);
  else if (g_str_equal (element, "History"))
    parse->history_depth--;
  else if (g_str_equal (element, "Key"))
    parse->key = g_strdup (parse->text->str);
  else if (g_str_equal (element, "Value"))
    parse->value = g_strdup (parse->text->str);
  else if (g_str_equal (element, "String") && parse->entry != NULL
           && g_strcmp0 (parse->key, "Password") == 0)
    {
      if (parse->history_depth > 0)
        g_ptr_array_add (parse->entry->history, g_strdup (parse->value));
      else
        parse->entry->password = g_strdup (parse->value);
    }
  else if (g_str_equal (element, "String") && parse->entry != NULL && parse->history_depth == 0
           && g_strcmp0 (parse->key, "account") == 0)
    parse->entry->account = g_strdup (parse->value);
  else if (g_str_equal (element, "Entry") && parse->history_depth == 0 && parse->entry != NULL)
    {
      g_ptr_array_add (parse->entries, parse->entry);
      parse->entry = NULL;
    }
  g_string_truncate (parse->text, 0);
}

/* The database file as keepassxc-cli reads it (what KeePassXC saved, not
 * what it shows): every entry's current version, with its history. */
static GPtrArray *
read_database (void)
{
  const char *argv[] = {
    "keepassxc-cli", "export", "-q", "-f", "xml", g_getenv ("RELINK_TEST_KEEPASSXC_DB"), NULL,
  };
  static const GMarkupParser parser = { kdbx_start_cb, kdbx_end_cb, kdbx_text_cb, NULL, NULL };
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GMarkupParseContext) context = NULL;
  g_autofree char *input = g_strconcat (g_getenv ("RELINK_TEST_KEEPASSXC_PASSWORD"), "\n", NULL);
  g_autofree char *xml = NULL;
  g_autofree char *err = NULL;
  KdbxParse parse = {
    .groups = g_ptr_array_new_with_free_func (g_free),
    .entries = g_ptr_array_new_with_free_func ((GDestroyNotify) kdbx_entry_free),
    .text = g_string_new (NULL),
  };

  process = g_subprocess_newv (argv,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                   | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &xml, &err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (process) != 0)
    g_error ("keepassxc-cli export: %s", err);

  context = g_markup_parse_context_new (&parser, 0, &parse, NULL);
  g_markup_parse_context_parse (context, xml, -1, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);

  g_ptr_array_unref (parse.groups);
  g_string_free (parse.text, TRUE);
  g_free (parse.key);
  g_free (parse.value);
  g_assert_null (parse.entry);
  return parse.entries;
}

static const KdbxEntry *
find_entry (GPtrArray *entries, const char *account)
{
  for (guint i = 0; i < entries->len; i++)
    {
      const KdbxEntry *entry = g_ptr_array_index (entries, i);

      if (g_strcmp0 (entry->account, account) == 0)
        return entry;
    }
  return NULL;
}

static gboolean
any_contains (GPtrArray *texts, const char *needle)
{
  for (guint i = 0; i < texts->len; i++)
    {
      if (strstr (g_ptr_array_index (texts, i), needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* The database file once KeePassXC has saved it, where @check must hold
 * for the account's entry. The harness turns KeePassXC's save after every
 * change off (tests/keyring-session.sh says why): it saves when the
 * database is locked, so the database is locked, read and unlocked. */
static GPtrArray *
saved_database (const char *account, gboolean (*check) (const KdbxEntry *entry), const char *what)
{
  g_autofree char *collection = relink_test_default_collection_path ();
  GPtrArray *entries;
  const KdbxEntry *entry;

  relink_test_lock_collection (collection);
  entries = read_database ();
  unlock_collection (collection);
  entry = find_entry (entries, account);
  if (entry == NULL || !check (entry))
    g_error ("KeePassXC's database file does not show %s", what);
  return entries;
}

static gboolean
renewed_with_history (const KdbxEntry *entry)
{
  return entry->password != NULL && strstr (entry->password, "Atza|kx-fresh-1") != NULL
         && any_contains (entry->history, "Atza|kx-cached");
}

static gboolean
in_recycle_bin (const KdbxEntry *entry)
{
  return g_strcmp0 (entry->group, "Recycle Bin") == 0;
}

/* The README's promise: a renewed token set leaves the previous one in the
 * entry's history, and removing an account's tokens moves the entry to
 * the recycle bin, history and all (KeePassXC's defaults, for a database
 * made by keepassxc-cli). */
static void
test_history_and_recycle_bin (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GPtrArray) renewed = NULL;
  g_autoptr (GPtrArray) removed = NULL;
  g_auto (Result) refresh = { 0 };
  g_auto (Result) revoke = { 0 };
  const KdbxEntry *entry;

  RUN (fixture, &refresh, NULL, "refresh", "KeePassXC shop");
  g_assert_cmpint (refresh.status, ==, 0);
  g_assert_cmpuint (fixture->token_requests, ==, 1);
  renewed = saved_database (fixture->account_id, renewed_with_history,
                            "the renewed token set with the old one in its history");
  entry = find_entry (renewed, fixture->account_id);
  g_test_message ("after the refresh: group “%s”, %u earlier versions", entry->group,
                  entry->history->len);
  g_assert_false (in_recycle_bin (entry));

  /* No revocation endpoint: Relink deletes the tokens. */
  RUN (fixture, &revoke, NULL, "revoke", "KeePassXC shop");
  g_assert_cmpint (revoke.status, ==, 0);
  g_assert_null (relink_test_keyring_item (fixture->account_id));
  removed = saved_database (fixture->account_id, in_recycle_bin,
                            "the removed entry in the recycle bin");
  entry = find_entry (removed, fixture->account_id);
  g_assert_nonnull (strstr (entry->password, "Atza|kx-fresh-1"));
  g_assert_true (any_contains (entry->history, "Atza|kx-cached"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/relinkctl-keepassxc/token/locked", test_token_locked);
  ADD ("/relinkctl-keepassxc/history-and-recycle-bin", test_history_and_recycle_bin);
#undef ADD

  return g_test_run ();
}
