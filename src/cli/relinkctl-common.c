/* relinkctl-common.c
 *
 * The command line, help and the keyring's answer to
 * `relinkctl token`, shared by relinkctl's front and its helper (see
 * relinkctl-common.h). Modelled on pizauth: `token` prints the token and
 * nothing else, or exits non-zero with the reason on stderr; every --json
 * output carries a format version. list and status are in relinkctl-list.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <stdio.h>
#include <unistd.h>

#include "relink-account-json.h"
#include "relink-expiry.h"
#include "relink-grant.h"
#include "relink-secrets.h"
#include "relink-store.h"
#include "relinkctl-common-private.h"
#include "relinkctl-output.h"

struct _CtlCommand
{
  const char *name;
  const char *parameter;   /* shown after the command in the usage line */
  const char *summary;     /* N_() */
  const char *description; /* N_() */
  CtlRunFunc run;          /* NULL: the program's own implementation */
};

/* Helpers */

void
ctl_print_error (const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("relinkctl: %s\n", message);
}

int
ctl_exit_status_for_local_error (const GError *error)
{
  if (error->domain == RELINK_SECRETS_ERROR)
    return error->code == RELINK_SECRETS_ERROR_NO_SERVICE
                   || error->code == RELINK_SECRETS_ERROR_LOCKED
                   || error->code == RELINK_SECRETS_ERROR_TIMED_OUT
               ? CTL_EXIT_KEYRING
               : CTL_EXIT_FAILED;
  if (error->domain == RELINK_STORE_ERROR)
    return CTL_EXIT_STORE;

  return CTL_EXIT_FAILED;
}

const char *
ctl_command_get_name (const CtlCommand *command)
{
  return command->name;
}

static int
report_load_error (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      ctl_print_error (_ ("Canceled."));
      return CTL_EXIT_CANCELLED;
    }

  ctl_print_error (_ ("Cannot read the account list: %s"), error->message);
  return CTL_EXIT_STORE;
}

int
ctl_load (Ctl *ctl)
{
  g_autofree char *path = relink_store_default_path ();
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (RelinkSecrets) secrets = NULL;
  g_autoptr (RelinkProviderRegistry) providers = NULL;
  g_autoptr (RelinkAccountManager) manager = NULL;

  /* relinkctl holds the store for a moment: on a full disk it still reads. */
  store = relink_store_open_with_flags (path, RELINK_STORE_OPEN_FLAGS_BRIEF, &error);
  if (store == NULL)
    return report_load_error (error);

  secrets = relink_secrets_new ();
  providers = relink_provider_registry_new (NULL);
  manager = relink_account_manager_new (store, secrets, providers);
  relink_account_manager_set_program (manager, "relinkctl");

  if (!relink_account_manager_load_sync (manager, ctl->cancellable, &error))
    return report_load_error (error);

  /* Skipped profiles are said by relinkctl status, and on every call
   * only when asked: scripts run relinkctl often. */
  if (ctl->verbose)
    {
      g_auto (GStrv) skipped = relink_provider_registry_describe_load_errors (providers);

      for (guint i = 0; skipped[i] != NULL; i++)
        g_printerr ("relinkctl: %s\n", skipped[i]);
    }

  ctl->manager = g_steal_pointer (&manager);
  return CTL_EXIT_OK;
}

/* An id, else a nickname: one spelled exactly so wins; else one that
 * differs only in case, when there is exactly one such. Two nicknames
 * "Shop" and "shop" are never guessed between: the seller is told the
 * ids to use. */
static RelinkAccount *lookup_account (Ctl *ctl, const char *name);

/* The grant --grant names of @account, or NULL after saying which there are. */
static RelinkAccount *
lookup_grant (Ctl *ctl, RelinkAccount *account)
{
  g_autoptr (GPtrArray) grants = NULL;
  g_autoptr (GString) names = NULL;
  RelinkAccount *grant;

  if (account == NULL || ctl->grant == NULL)
    return account;

  grant = relink_grant_lookup (account, ctl->grant);
  if (grant != NULL)
    return grant;

  grants = relink_grant_list (account);
  names = g_string_new (NULL);
  for (guint i = 0; i < grants->len; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? ", " : "",
                            relink_account_get_grant_name (g_ptr_array_index (grants, i)));
  /* Translators: "“Shop A” has no token “auth-n-auth”; it has: oauth." */
  ctl_print_error (_ ("“%s” has no token “%s”; it has: %s. Connect it in Relink first."),
                   relink_account_get_display_name (account), ctl->grant, names->str);
  return NULL;
}

RelinkAccount *
ctl_lookup_account (Ctl *ctl, const char *name)
{
  return lookup_grant (ctl, lookup_account (ctl, name));
}

static RelinkAccount *
lookup_account (Ctl *ctl, const char *name)
{
  GListModel *model = relink_account_manager_get_accounts (ctl->manager);
  guint n = g_list_model_get_n_items (model);
  g_autofree char *folded = g_utf8_casefold (name, -1);
  g_autoptr (GPtrArray) exact = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) similar = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *candidates;
  GListModel *grants = relink_account_manager_get_grants (ctl->manager);
  guint n_grants = g_list_model_get_n_items (grants);

  /* A further grant's id names that grant (what the helper gets back
   * from the front, and what the window's notifications carry). */
  for (guint i = 0; i < n_grants; i++)
    {
      g_autoptr (RelinkAccount) grant = g_list_model_get_item (grants, i);

      if (g_strcmp0 (relink_account_get_id (grant), name) == 0)
        return grant;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (RelinkAccount) account = g_list_model_get_item (model, i);
      const char *nickname = relink_account_get_nickname (account);
      g_autofree char *nickname_folded = NULL;

      if (g_strcmp0 (relink_account_get_id (account), name) == 0)
        return account;

      if (nickname == NULL)
        continue;
      if (g_str_equal (nickname, name))
        {
          g_ptr_array_add (exact, g_object_ref (account));
          continue;
        }
      nickname_folded = g_utf8_casefold (nickname, -1);
      if (g_str_equal (nickname_folded, folded))
        g_ptr_array_add (similar, g_object_ref (account));
    }

  candidates = exact->len > 0 ? exact : similar;
  if (candidates->len == 1)
    return g_ptr_array_index (candidates, 0);

  if (candidates->len == 0)
    {
      ctl_print_error (_ ("There is no account “%s”. Run “relinkctl list” to see the accounts."),
                       name);
      return NULL;
    }

  {
    g_autoptr (GString) ids = g_string_new (NULL);

    for (guint i = 0; i < candidates->len; i++)
      {
        RelinkAccount *account = g_ptr_array_index (candidates, i);

        g_string_append_printf (ids, "\n  %s  %s", relink_account_get_id (account),
                                relink_account_get_display_name (account));
      }
    ctl_print_error (ngettext ("“%s” could be any of %u account; name one by its id:%s",
                               "“%s” could be any of %u accounts; name one by its id:%s",
                               candidates->len),
                     name, candidates->len, ids->str);
  }
  return NULL;
}

/* One ACCOUNT argument and nothing else. */
const char *
ctl_single_account_argument (Ctl *ctl, char **args)
{
  guint n = g_strv_length (args);

  if (n == 1)
    {
      ctl_print_error (_ ("Name the account: relinkctl %s ACCOUNT."), ctl->command->name);
      return NULL;
    }
  if (n > 2)
    {
      /* Never repeated: an extra argument may well be a secret. */
      ctl_print_error (_ ("relinkctl %s takes one account and nothing else. Secrets are never "
                          "taken as arguments."),
                       ctl->command->name);
      return NULL;
    }
  if (args[1][0] == '\0')
    {
      ctl_print_error (_ ("The account name is empty. Name the account: relinkctl %s ACCOUNT."),
                       ctl->command->name);
      return NULL;
    }

  return args[1];
}

/* Pads @text with spaces to @width characters (not bytes). */
void
ctl_append_padded (GString *line, const char *text, guint width)
{
  glong length = g_utf8_strlen (text, -1);

  g_string_append (line, text);
  for (glong i = length; i < (glong) width; i++)
    g_string_append_c (line, ' ');
}

/* token */

/* The token and a newline, nothing else: scripts use $(relinkctl token X). */
int
ctl_write_token (const char *token)
{
  if (fputs (token, stdout) == EOF || fputc ('\n', stdout) == EOF || fflush (stdout) == EOF)
    {
      int saved = errno;

      g_printerr (_ ("relinkctl: Could not write the token: %s\n"), g_strerror (saved));
      return CTL_EXIT_FAILED;
    }

  return CTL_EXIT_OK;
}

/* A token from the keyring that is valid beyond the service's margin is
 * the answer: no lock is needed to read a valid token. Anything else
 * (due, missing, unknown expiry) goes to the token service, which
 * refreshes under the cross-process lock. Returns FALSE to go on with the
 * service; TRUE when done, with the exit status in @out_status. */
static gboolean
use_cached_token (RelinkTokenSet *tokens, const GError *error, int *out_status)
{
  const char *access;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      ctl_print_error (_ ("Canceled."));
      *out_status = CTL_EXIT_CANCELLED;
      return TRUE;
    }
  if (error != NULL)
    {
      ctl_print_error ("%s", error->message);
      *out_status = ctl_exit_status_for_local_error (error);
      return TRUE;
    }
  if (tokens == NULL)
    return FALSE;

  access = relink_token_set_get_access_token (tokens);
  if (access == NULL || access[0] == '\0'
      || relink_token_set_get_access_expires_at (tokens)
             <= relink_now () + RELINK_TOKEN_REFRESH_MARGIN)
    return FALSE;

  *out_status = ctl_write_token (access);
  return TRUE;
}

/* `relinkctl token` is called from scripts, often: it should cost little
 * more than `secret-tool lookup`. So the keyring lookup (taking ACCOUNT
 * as an id, the usual case in scripts) starts at once and runs while a
 * worker thread opens the store and reads that one account; the token is
 * printed only once the store confirmed that the id is an account's. Only
 * a nickname needs the whole account list and the marketplace profiles. */
typedef struct
{
  gboolean keyring_done;
  RelinkTokenSet *tokens;
  GError *keyring_error;
  gboolean store_done;
  RelinkAccount *account; /* the account whose id is ACCOUNT, if any */
  GError *store_error;
} TokenStart;

static void
token_start_clear (TokenStart *start)
{
  g_clear_object (&start->tokens);
  g_clear_error (&start->keyring_error);
  g_clear_object (&start->account);
  g_clear_error (&start->store_error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TokenStart, token_start_clear)

static void
early_tokens_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  TokenStart *start = user_data;

  start->tokens = relink_secrets_lookup_tokens_finish (RELINK_SECRETS (object), result,
                                                       &start->keyring_error);
  start->keyring_done = TRUE;
}

/* Returns the account whose id is the task data, or NULL without an error
 * when there is none. */
static void
read_account_thread (GTask *task,
                     gpointer source_object,
                     gpointer task_data,
                     GCancellable *cancellable)
{
  const char *id = task_data;
  g_autofree char *path = relink_store_default_path ();
  g_autoptr (RelinkStore) store = NULL;
  GError *error = NULL;
  RelinkAccount *account;

  /* The token path reads one row: the check of the whole file is left to
   * the window and the background service. */
  store = relink_store_open_with_flags (
      path, RELINK_STORE_OPEN_FLAGS_NO_FULL_CHECK | RELINK_STORE_OPEN_FLAGS_BRIEF, &error);
  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  account = relink_store_load_account (store, id, &error);
  if (g_error_matches (error, RELINK_STORE_ERROR, RELINK_STORE_ERROR_NOT_FOUND))
    g_clear_error (&error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, account, g_object_unref);
}

static void
account_read_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  TokenStart *start = user_data;

  start->account = g_task_propagate_pointer (G_TASK (result), &start->store_error);
  start->store_done = TRUE;
}

static gboolean
keyring_wide_error (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
         || g_error_matches (error, RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_LOCKED)
         || g_error_matches (error, RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_NO_SERVICE)
         || g_error_matches (error, RELINK_SECRETS_ERROR, RELINK_SECRETS_ERROR_TIMED_OUT);
}

gboolean
ctl_token_from_keyring (Ctl *ctl, char **args, char **out_account_id, int *out_status)
{
  const char *name = ctl_single_account_argument (ctl, args);
  g_autoptr (RelinkSecrets) secrets = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) task = NULL;
  g_auto (TokenStart) start = { 0 };
  RelinkAccount *account;

  *out_account_id = NULL;

  if (name == NULL)
    {
      *out_status = CTL_EXIT_USAGE;
      return TRUE;
    }

  secrets = relink_secrets_new ();
  relink_secrets_lookup_tokens_async (secrets, name, ctl->cancellable, early_tokens_cb, &start);
  task = g_task_new (NULL, ctl->cancellable, account_read_cb, &start);
  g_task_set_task_data (task, g_strdup (name), g_free);
  g_task_run_in_thread (task, read_account_thread);
  g_clear_object (&task);

  while (!start.keyring_done || !start.store_done)
    g_main_context_iteration (NULL, TRUE);

  if (start.store_error != NULL)
    {
      *out_status = report_load_error (start.store_error);
      return TRUE;
    }

  /* The id of the grant asked for (the account's own, or a further
   * grant's id without --grant, or --grant naming the row's own grant):
   * its keyring item is the one already read. */
  if (start.account != NULL
      && (ctl->grant == NULL
          || g_strcmp0 (relink_account_get_grant_name (start.account), ctl->grant) == 0))
    {
      if (use_cached_token (start.tokens, start.keyring_error, out_status))
        return TRUE;

      *out_account_id = g_strdup (name);
      return FALSE;
    }

  /* A nickname, another grant, or no account at all: that takes the
   * whole list. */
  if ((*out_status = ctl_load (ctl)) != CTL_EXIT_OK)
    return TRUE;

  if ((account = ctl_lookup_account (ctl, name)) == NULL)
    {
      *out_status = CTL_EXIT_NO_ACCOUNT;
      return TRUE;
    }

  /* The lookup above found nothing, but it opened the keyring session
   * this one uses. A keyring that is locked, missing or silent is so for
   * every account: a second wait would only double the first. */
  if (keyring_wide_error (start.keyring_error))
    {
      use_cached_token (NULL, start.keyring_error, out_status);
      return TRUE;
    }
  tokens = relink_secrets_lookup_tokens_sync (secrets, relink_account_get_id (account),
                                              ctl->cancellable, &error);
  if (use_cached_token (tokens, error, out_status))
    return TRUE;

  *out_account_id = g_strdup (relink_account_get_id (account));
  return FALSE;
}

/* The command line */

#define EXIT_STATUS_HELP                                                                           \
  N_ ("Exit status:\n"                                                                             \
      "  0  success; for status: every account is fine\n"                                          \
      "  1  failed (the marketplace refused, the account is not connected, or the token\n"         \
      "     belongs to someone else); for status: an account needs attention\n"                    \
      "  2  usage error (unknown command or option, missing account, a secret given as an\n"       \
      "     argument, nothing usable on standard input)\n"                                         \
      "  3  the keyring is unavailable (no Secret Service running, or it stayed locked)\n"         \
      "  4  no account with that id or nickname (or several: their ids are listed)\n"              \
      "  5  temporary failure (no network, no answer in time, a server error, rate limited,\n"     \
      "     the account busy in another Relink program): tokens kept, try again later\n"           \
      "  6  the account database cannot be read\n"                                                 \
      "  130  canceled (Ctrl-C or SIGTERM): the saved tokens are as they were, or the new\n"       \
      "     ones when the marketplace had already answered\n")

#define JSON_HELP                                                                                  \
  N_ ("JSON (list --json, status --json), format_version 1; new fields may be added:\n"            \
      "  { \"format_version\": 1, \"generated_at\": ISO,\n"                                        \
      "    \"accounts\": [ { \"id\", \"nickname\",\n"                                              \
      "        \"marketplace\": { \"id\", \"name\" },\n"                                           \
      "        \"environment\": { \"id\", \"name\", \"production\" }, \"keyset_id\",\n"            \
      "        \"identity\": { \"id\", \"name\" },\n"                                              \
      "        \"state\": \"valid\" | \"expiring_soon\" | \"expired\" | \"needs_reauth\" |\n"      \
      "                 \"error\" | \"not_connected\",\n"                                          \
      "        \"state_label\", \"needs_attention\", \"status_message\",\n"                        \
      "        \"authorised_at\", \"access_expires_at\", \"refresh_expires_at\",\n"                \
      "        \"last_refresh_at\" (ISO 8601 UTC, with *_unix twins in seconds),\n"                \
      "        \"last_test\": { \"at\", \"at_unix\", \"ok\", \"message\" } } ],\n"                 \
      "    \"total\", \"needs_attention\", \"skipped_profiles\": [ sentence ] (status only) }\n"   \
      "  An account's token fields (keyset_id to last_test) are those of its most\n"               \
      "  urgent grant; \"grants\": [ { \"name\", \"kind\", \"id\", \"most_urgent\", and the\n"     \
      "  same token fields } ] lists every grant, the account's first one first.\n"                \
      "  Unknown values are null. No token or secret ever appears.\n")

static int cmd_help (Ctl *ctl, char **args);

static const CtlCommand commands[] = {
  { "list", "[--json]", N_ ("List the accounts"),
    N_ ("Lists every account: id, nickname, marketplace and state."), ctl_cmd_list },
  { "status", "[--json]", N_ ("Show which accounts need attention"),
    N_ ("Shows every account, most urgent first. Exits with 1 when any account needs\n"
        "attention (expired, expiring soon, needs re-authorization, error, not connected),\n"
        "0 when all are fine: usable from cron and monitoring."),
    ctl_cmd_status },
  { "token", "ACCOUNT [--grant NAME]", N_ ("Print a valid access token"),
    N_ ("Prints a valid access token of ACCOUNT and nothing else on standard output,\n"
        "refreshing it first when it expires within 5 minutes. On failure nothing is\n"
        "printed on standard output and the reason goes to standard error.\n"
        "An account may hold several tokens (grants): --grant auth-n-auth prints its eBay\n"
        "Auth’n’Auth token (Trading API) instead of its first one (oauth).\n"
        "Example: curl -H \"Authorization: Bearer $(relinkctl token shop_a)\" …"),
    NULL },
  { "refresh", "ACCOUNT | --all", N_ ("Refresh the access token now"),
    N_ ("Refreshes the access token of ACCOUNT, or with --all of every connected account\n"
        "(at most --jobs at a time). Accounts that need renewing are skipped; the exit\n"
        "status reflects the refreshes attempted."),
    NULL },
  { "test", "ACCOUNT", N_ ("Test the connection"),
    N_ ("Asks the marketplace who the token belongs to and compares it with the account,\n"
        "e.g. “Connected as shop_a — 120 ms”. The result is recorded."),
    NULL },
  { "revoke", "ACCOUNT [--force]", N_ ("Revoke the authorization"),
    N_ ("Revokes the authorization at the marketplace and removes the tokens from the\n"
        "keyring. Where the marketplace cannot revoke from outside, the tokens are\n"
        "removed here and the page where the seller removes the app is printed.\n"
        "When the marketplace refuses the revocation for good or cannot be reached, the\n"
        "tokens stay (exit status 1 or 5). With --force they are removed here anyway:\n"
        "the marketplace may then still consider the authorization valid, and the page\n"
        "where the seller revokes it there is printed."),
    NULL },
  { "import", "ACCOUNT < FILE", N_ ("Import a refresh token from standard input"),
    N_ ("Reads a refresh token (Amazon self-authorization, another tool) from standard\n"
        "input, never from an argument; from a terminal it asks for it without echo.\n"
        "It is refreshed at the marketplace and, where the marketplace tells whose it\n"
        "is, checked against the account’s seller before anything is saved: a refused\n"
        "token, another seller’s token or an interrupt leaves the previous tokens as they\n"
        "were. On success the account is connected and the import recorded in its history."),
    NULL },
  { "help", "[COMMAND]", N_ ("Show help for a command"), NULL, cmd_help },
};

static const CtlCommand *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (commands[i].name, name))
        return &commands[i];
    }

  return NULL;
}

static GOptionContext *
command_context (Ctl *ctl, const CtlCommand *command)
{
  const GOptionEntry common_entries[] = {
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &ctl->verbose,
      N_ ("Also say which of your own marketplace profiles were skipped, and why"), NULL },
    { NULL },
  };
  const GOptionEntry json_entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &ctl->json, N_ ("Print JSON (see below)"), NULL },
    { NULL },
  };
  const GOptionEntry refresh_entries[] = {
    { "all", 'a', 0, G_OPTION_ARG_NONE, &ctl->all, N_ ("Refresh every connected account"), NULL },
    { "jobs", 'J', 0, G_OPTION_ARG_INT, &ctl->jobs, N_ ("Refreshes in flight at once (default 8)"),
      "N" },
    { NULL },
  };
  const GOptionEntry revoke_entries[] = {
    { "force", 'f', 0, G_OPTION_ARG_NONE, &ctl->force,
      N_ ("When the marketplace refuses or cannot be reached, remove the tokens here anyway"),
      NULL },
    { NULL },
  };
  const GOptionEntry grant_entries[] = {
    { "grant", 'g', 0, G_OPTION_ARG_STRING, &ctl->grant,
      N_ ("Which of the account’s tokens: oauth or auth-n-auth (default: the account’s first)"),
      N_ ("NAME") },
    { NULL },
  };
  GOptionContext *context = g_option_context_new (command->parameter);
  g_autoptr (GString) description = g_string_new (NULL);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, command->description != NULL ? _ (command->description)
                                                                      : _ (command->summary));

  g_option_context_add_main_entries (context, common_entries, GETTEXT_PACKAGE);
  if (g_str_equal (command->name, "list") || g_str_equal (command->name, "status"))
    g_option_context_add_main_entries (context, json_entries, GETTEXT_PACKAGE);
  else if (g_str_equal (command->name, "refresh"))
    g_option_context_add_main_entries (context, refresh_entries, GETTEXT_PACKAGE);
  else if (g_str_equal (command->name, "revoke"))
    g_option_context_add_main_entries (context, revoke_entries, GETTEXT_PACKAGE);
  if (g_strv_contains (
          (const char *const[]){ "token", "refresh", "test", "revoke", "import", NULL },
          command->name))
    g_option_context_add_main_entries (context, grant_entries, GETTEXT_PACKAGE);

  g_string_append (description,
                   _ ("ACCOUNT is an account’s id or nickname (see relinkctl list). Secrets are "
                      "never\ntaken as arguments.\n\n"));
  g_string_append (description, _ (EXIT_STATUS_HELP));
  if (g_str_equal (command->name, "list") || g_str_equal (command->name, "status"))
    {
      g_string_append_c (description, '\n');
      g_string_append (description, _ (JSON_HELP));
    }
  g_option_context_set_description (context, description->str);

  return context;
}

/* The usage line reads "relinkctl token [OPTION…] ACCOUNT". */
static void
set_command_prgname (const CtlCommand *command)
{
  g_autofree char *name = g_strdup_printf ("relinkctl %s", command->name);

  g_set_prgname (name);
}

static char *
main_help (void)
{
  g_autoptr (GOptionContext) context = g_option_context_new (_ ("COMMAND [ARGS…]"));
  g_autoptr (GString) summary = g_string_new (_ ("Relink for scripts and monitoring: valid access "
                                                 "tokens, states and refreshes of the\nmarketplace "
                                                 "accounts kept in Relink.\n\nCommands:\n"));
  g_autoptr (GString) description = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *usage = g_strdup_printf ("%s %s", commands[i].name, commands[i].parameter);

      g_string_append (summary, "  ");
      ctl_append_padded (summary, usage, 26);
      g_string_append (summary, _ (commands[i].summary));
      g_string_append_c (summary, '\n');
    }
  g_string_append (summary, _ ("\nACCOUNT is an account’s id or nickname. Secrets are never taken "
                               "as arguments.\nRun “relinkctl help COMMAND” for a command’s "
                               "options."));

  g_string_append (description, _ (EXIT_STATUS_HELP));
  g_string_append_c (description, '\n');
  g_string_append (description, _ (JSON_HELP));
  g_string_append (description, _ ("\nSee relinkctl(1).\n"));

  g_option_context_set_summary (context, summary->str);
  g_option_context_set_description (context, description->str);

  return g_option_context_get_help (context, TRUE, NULL);
}

static int
cmd_help (Ctl *ctl, char **args)
{
  const CtlCommand *command;
  g_autoptr (GOptionContext) context = NULL;
  g_autofree char *text = NULL;
  guint n = g_strv_length (args);

  if (n == 1)
    {
      text = main_help ();
      g_print ("%s", text);
      return CTL_EXIT_OK;
    }

  if (n > 2 || (command = find_command (args[1])) == NULL)
    {
      ctl_print_error (_ ("There is no command “%s”. Run “relinkctl --help”."),
                       args[n > 2 ? 2 : 1]);
      return CTL_EXIT_USAGE;
    }

  context = command_context (ctl, command);
  set_command_prgname (command);
  text = g_option_context_get_help (context, FALSE, NULL);
  g_print ("%s", text);
  return CTL_EXIT_OK;
}

static gboolean
interrupted_cb (gpointer user_data)
{
  Ctl *ctl = user_data;

  /* Cancelling lets a refresh in flight release its lock and leave the
   * keyring as it was: what waits (a lock, the keyring, standard input)
   * ends at once, and an answer the marketplace is already sending is
   * saved first (a rotated refresh token is single use), within the
   * network deadline. A second signal ends the process at once. */
  if (g_cancellable_is_cancelled (ctl->cancellable))
    {
      ctl_print_error (_ ("Canceled."));
      _exit (CTL_EXIT_CANCELLED);
    }

  g_cancellable_cancel (ctl->cancellable);
  return G_SOURCE_CONTINUE;
}

static CtlRunFunc
find_implementation (const CtlCommand *command,
                     const CtlImplementation *implementations,
                     guint n_implementations)
{
  if (command->run != NULL)
    return command->run;

  for (guint i = 0; i < n_implementations; i++)
    {
      if (g_str_equal (implementations[i].name, command->name))
        return implementations[i].run;
    }

  return NULL;
}

int
ctl_main (Ctl *ctl,
          int argc,
          char **argv,
          const CtlImplementation *implementations,
          guint n_implementations,
          CtlRunFunc delegate)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) args = NULL;
  CtlRunFunc run;
  guint sigint_id, sigterm_id;
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  ctl_output_init ();
  g_set_prgname ("relinkctl");

  /* Standard output carries answers only (a token, JSON); every log
   * message goes to standard error. */
  g_log_writer_default_set_use_stderr (TRUE);

  ctl->argv = argv;
  ctl->jobs = CTL_DEFAULT_JOBS;

  if (argc < 2)
    {
      g_printerr (
          _ ("Usage: relinkctl COMMAND [ARGS…]; run “relinkctl --help” for the commands.\n"));
      return CTL_EXIT_USAGE;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "-?"))
    {
      g_autofree char *text = main_help ();

      g_print ("%s", text);
      return CTL_EXIT_OK;
    }
  if (g_str_equal (argv[1], "--version"))
    {
      g_print ("relinkctl %s\n", PACKAGE_VERSION);
      return CTL_EXIT_OK;
    }

  ctl->command = find_command (argv[1]);
  if (ctl->command == NULL)
    {
      ctl_print_error (_ ("There is no command “%s”. Run “relinkctl --help”."), argv[1]);
      return CTL_EXIT_USAGE;
    }

  run = find_implementation (ctl->command, implementations, n_implementations);
  if (run == NULL)
    {
      g_assert (delegate != NULL);
      return delegate (ctl, argv + 1);
    }

  context = command_context (ctl, ctl->command);
  set_command_prgname (ctl->command);

  /* args[0] is the command: GOption skips it as the program name. */
  args = g_strdupv (argv + 1);
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      /* GOption quotes an unknown option whole, value included:
       * "--token=SECRET" would land in a terminal or a log. */
      if (g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION))
        ctl_print_error (_ ("relinkctl %s does not take that option (not repeated here: it may "
                            "hold a secret). Run “relinkctl help %s”."),
                         ctl->command->name, ctl->command->name);
      else
        ctl_print_error ("%s. Run “relinkctl help %s”.", error->message, ctl->command->name);
      return CTL_EXIT_USAGE;
    }

  ctl->cancellable = g_cancellable_new ();
  sigint_id = g_unix_signal_add (SIGINT, interrupted_cb, ctl);
  sigterm_id = g_unix_signal_add (SIGTERM, interrupted_cb, ctl);

  status = run (ctl, args);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_clear_object (&ctl->manager);
  g_clear_object (&ctl->cancellable);
  g_clear_pointer (&ctl->grant, g_free);

  return status;
}
