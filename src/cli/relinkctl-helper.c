/* relinkctl-helper.c
 *
 * The full implementation of relinkctl, installed as a private helper in
 * libexecdir: `relinkctl` itself answers what needs no network (see
 * relinkctl-common.h) and executes this program, with the same arguments
 * and standard streams, for every command that may speak to a marketplace
 * (a token that needs a refresh, refresh, test, revoke, import). It prints
 * one answer per command and says what went wrong on stderr, with an exit
 * status a script can act on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "relink-context.h"
#include "relink-expiry.h"
#include "relink-grant.h"
#include "relink-hooks.h"
#include "relink-oauth-client.h"
#include "relink-oauth-error.h"
#include "relink-process.h"
#include "relink-secrets.h"
#include "relink-store.h"
#include "relink-token-failure.h"
#include "relink-token-import.h"
#include "relink-token-response.h"
#include "relink-token-service.h"
#include "relinkctl-common.h"

/* Hooks started by a refresh get this long to finish before relinkctl
 * leaves; they keep running on their own after that. */
#define HOOKS_WAIT_SECONDS 30

/* Everything one run of the helper needs; one instance, on main()'s stack.
 * The shared part comes first: the commands get it as a Ctl. */
typedef struct
{
  Ctl base;
  GMainLoop *loop;
  /* Around the manager ctl_load() made: the process's one token service. */
  RelinkContext *context;
  RelinkTokenService *service;
  int status;

  /* refresh --all */
  GQueue queue;
  guint in_flight;
  guint n_done;
  guint n_failed;
  guint n_skipped;
  int failure_status;
  gint64 started_us;

  /* import */
  RelinkAccount *import_account;

  /* revoke: the account as named on the command line, for the hint to
   * run again with --force */
  const char *revoke_name;

  /* Hooks started by refreshes in this process. */
  gboolean have_hooks;
  guint hooks_pending;
  gboolean finishing;
  gboolean done;
  guint hooks_timeout_id;
} FullCtl;

/* The exit status a script sees for @error of @call. */
static int
exit_status_for_error (const GError *error, RelinkOAuthCall call)
{
  RelinkRetryPolicy retry = RELINK_RETRY_NONE;

  if (error->domain == RELINK_SECRETS_ERROR || error->domain == RELINK_STORE_ERROR)
    return ctl_exit_status_for_local_error (error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return CTL_EXIT_CANCELLED;
  if (error->domain == RELINK_TOKEN_SERVICE_ERROR)
    return CTL_EXIT_FAILED;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BUSY))
    return CTL_EXIT_TEMPORARY;

  relink_token_failure_classify (error, call, &retry, NULL);
  return retry != RELINK_RETRY_NONE ? CTL_EXIT_TEMPORARY : CTL_EXIT_FAILED;
}

/* What relinkctl says about @error. The token service words transient
 * failures for the window ("… Relink will try again in 30 s."), but
 * relinkctl never retries: that promise becomes "Try again later." */
static char *
describe_error (const GError *error)
{
  const char *promise = _ ("Relink will try again in %s.");
  const char *hole = strstr (promise, "%s");
  g_autofree char *head = NULL;
  const char *tail;
  const char *found = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_strdup (_ ("Canceled."));

  if (hole == NULL)
    return g_strdup (error->message);

  head = g_strndup (promise, hole - promise);
  tail = hole + 2;
  for (const char *p = strstr (error->message, head); p != NULL; p = strstr (p + 1, head))
    found = p;

  if (found != NULL && found > error->message && g_str_has_suffix (found, tail))
    {
      g_autofree char *before = g_strndup (error->message, found - error->message);

      return g_strconcat (before, _ ("Try again later."), NULL);
    }

  return g_strdup (error->message);
}

/* Says what went wrong (after "@prefix: " when given) and returns the
 * exit status for it. */
static int
report_error (const GError *error, RelinkOAuthCall call, const char *prefix)
{
  g_autofree char *message = describe_error (error);

  if (prefix != NULL)
    ctl_print_error ("%s: %s", prefix, message);
  else
    ctl_print_error ("%s", message);

  return exit_status_for_error (error, call);
}

static gboolean
hooks_dir_has_hooks (const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return FALSE;

  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR)
          && g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        return TRUE;
    }

  return FALSE;
}

static void
quit (FullCtl *ctl)
{
  g_clear_handle_id (&ctl->hooks_timeout_id, g_source_remove);
  ctl->done = TRUE;
  g_main_loop_quit (ctl->loop);
}

static gboolean
hooks_timeout_cb (gpointer user_data)
{
  FullCtl *ctl = user_data;

  ctl->hooks_timeout_id = 0;
  g_printerr (_ ("relinkctl: Hooks are still running; leaving them to finish on their own.\n"));
  quit (ctl);

  return G_SOURCE_REMOVE;
}

/* Ends the command with @status, once the hooks its refreshes started have
 * exited: a hook that syncs a new token elsewhere should not outlive the
 * command that a script waits for. */
static void
finish (FullCtl *ctl, int status)
{
  ctl->status = status;
  ctl->finishing = TRUE;

  if (ctl->hooks_pending == 0)
    quit (ctl);
  else if (ctl->hooks_timeout_id == 0)
    ctl->hooks_timeout_id = g_timeout_add_seconds (HOOKS_WAIT_SECONDS, hooks_timeout_cb, ctl);
}

static void
refreshed_cb (RelinkTokenService *service, RelinkAccount *account, gpointer user_data)
{
  FullCtl *ctl = user_data;

  if (ctl->have_hooks)
    ctl->hooks_pending++;
}

static void
hooks_finished_cb (RelinkTokenService *service,
                   RelinkAccount *account,
                   guint n_hooks,
                   gpointer user_data)
{
  FullCtl *ctl = user_data;

  if (ctl->hooks_pending > 0)
    ctl->hooks_pending--;

  if (ctl->finishing && ctl->hooks_pending == 0)
    quit (ctl);
}

static int
run_loop (FullCtl *ctl)
{
  /* A command may be done before the loop runs (refresh --all with
   * nothing to refresh): a quit before g_main_loop_run() is lost. */
  if (!ctl->done)
    g_main_loop_run (ctl->loop);
  return ctl->status;
}

/* The token service, for commands that may refresh. */
static void
ensure_service (FullCtl *ctl)
{
  g_autofree char *default_dir = NULL;
  const char *hooks_dir;

  if (ctl->service != NULL)
    return;

  ctl->context = relink_context_new_for_manager (ctl->base.manager);
  ctl->service = relink_context_get_token_service (ctl->context);
  hooks_dir = relink_token_service_get_hooks_dir (ctl->service);
  if (hooks_dir == NULL)
    hooks_dir = default_dir = relink_hooks_default_dir ();
  ctl->have_hooks = hooks_dir_has_hooks (hooks_dir);

  g_signal_connect (ctl->service, "refreshed", G_CALLBACK (refreshed_cb), ctl);
  g_signal_connect (ctl->service, "hooks-finished", G_CALLBACK (hooks_finished_cb), ctl);
}

/* Opens the store, loads the accounts and sets up the token service. */
static int
load (FullCtl *ctl)
{
  int status = ctl_load (&ctl->base);

  if (status == CTL_EXIT_OK)
    ensure_service (ctl);

  return status;
}

/* The one account @args names, the store loaded first; NULL, with the
 * exit status in *@status, when there is none. */
static RelinkAccount *
load_single_account (FullCtl *ctl, char **args, const char **out_name, int *status)
{
  const char *name = ctl_single_account_argument (&ctl->base, args);
  RelinkAccount *account;

  *status = CTL_EXIT_USAGE;
  if (name == NULL)
    return NULL;

  if ((*status = load (ctl)) != CTL_EXIT_OK)
    return NULL;

  if ((account = ctl_lookup_account (&ctl->base, name)) == NULL)
    {
      *status = CTL_EXIT_NO_ACCOUNT;
      return NULL;
    }

  if (out_name != NULL)
    *out_name = name;
  return account;
}

/* token */

static void
token_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  FullCtl *ctl = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkSecretString) token = NULL;

  token = relink_token_service_get_access_token_finish (RELINK_TOKEN_SERVICE (object), result, NULL,
                                                        &error);
  if (token == NULL)
    {
      finish (ctl, report_error (error, RELINK_OAUTH_CALL_REFRESH, NULL));
      return;
    }

  finish (ctl, ctl_write_token (token));
}

static int
cmd_token (Ctl *base, char **args)
{
  FullCtl *ctl = (FullCtl *) base;
  g_autofree char *account_id = NULL;
  RelinkAccount *account;
  int status;

  if (ctl_token_from_keyring (base, args, &account_id, &status))
    return status;

  if (base->manager == NULL && (status = ctl_load (base)) != CTL_EXIT_OK)
    return status;
  if ((account = ctl_lookup_account (base, account_id)) == NULL)
    return CTL_EXIT_NO_ACCOUNT;

  ensure_service (ctl);
  relink_token_service_get_access_token_async (ctl->service, account, ctl->base.cancellable,
                                               token_cb, ctl);
  return run_loop (ctl);
}

/* refresh */

static char *
describe_access_expiry (RelinkAccount *account)
{
  gint64 expires_at = relink_account_get_access_expires_at (account);

  if (expires_at <= 0)
    /* Translators: ends "Refreshed “Main eBay shop”: the access token …". */
    return g_strdup (_ ("has no expiry date"));

  return relink_expiry_describe (expires_at, relink_now (), NULL);
}

static void
refresh_single_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkAccount) account = user_data;
  FullCtl *ctl = g_object_get_data (G_OBJECT (account), "relinkctl");
  g_autoptr (GError) error = NULL;
  g_autofree char *expiry = NULL;

  if (!relink_token_service_refresh_finish (RELINK_TOKEN_SERVICE (object), result, &error))
    {
      finish (ctl, report_error (error, RELINK_OAUTH_CALL_REFRESH, NULL));
      return;
    }

  expiry = describe_access_expiry (account);
  /* Translators: "Refreshed “Main eBay shop”: the access token expires in 2 h." */
  g_print (_ ("Refreshed “%s”: the access token %s.\n"), relink_account_get_display_name (account),
           expiry);
  finish (ctl, CTL_EXIT_OK);
}

static void refresh_next (FullCtl *ctl);

static void
refresh_all_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkAccount) account = user_data;
  FullCtl *ctl = g_object_get_data (G_OBJECT (account), "relinkctl");
  g_autoptr (GError) error = NULL;

  ctl->in_flight--;
  ctl->n_done++;

  if (relink_token_service_refresh_finish (RELINK_TOKEN_SERVICE (object), result, &error))
    {
      g_autofree char *expiry = describe_access_expiry (account);

      g_print (_ ("Refreshed “%s”: the access token %s.\n"),
               relink_account_get_display_name (account), expiry);
    }
  else
    {
      g_autofree char *prefix = g_strdup_printf (_ ("Could not refresh “%s”"),
                                                 relink_account_get_display_name (account));
      int status = report_error (error, RELINK_OAUTH_CALL_REFRESH, prefix);

      /* The same cause everywhere (no keyring, no network) keeps its own
       * status; a mixture is a plain failure. */
      if (ctl->n_failed == 0)
        ctl->failure_status = status;
      else if (ctl->failure_status != status)
        ctl->failure_status = CTL_EXIT_FAILED;
      ctl->n_failed++;
    }

  refresh_next (ctl);
}

/* Keeps at most ctl->base.jobs refreshes in flight: bounded connections, and a
 * marketplace's rate limit is not hit by hundreds at once. */
static void
refresh_next (FullCtl *ctl)
{
  while (ctl->in_flight < (guint) ctl->base.jobs && !g_queue_is_empty (&ctl->queue)
         && !g_cancellable_is_cancelled (ctl->base.cancellable))
    {
      RelinkAccount *account = g_queue_pop_head (&ctl->queue);

      ctl->in_flight++;
      g_object_set_data (G_OBJECT (account), "relinkctl", ctl);
      relink_token_service_refresh_async (ctl->service, account, ctl->base.cancellable,
                                          refresh_all_cb, account);
    }

  if (ctl->in_flight > 0)
    return;

  {
    double seconds = (double) (g_get_monotonic_time () - ctl->started_us) / G_USEC_PER_SEC;
    guint attempted = ctl->n_done;

    /* Each number with its own plural form. */
    g_autofree char *of_total = NULL;

    /* Translators: the end of "6 of 8 accounts need attention." or
     * "Refreshed 2 of 3 accounts"; use the case your language needs. */
    of_total = g_strdup_printf (ngettext ("of %u account", "of %u accounts", attempted), attempted);

    /* Translators: "Refreshed 2 of 3 accounts in 1.5 s": %u is the number
     * refreshed, %s "of 3 accounts", %.1f the seconds taken. */
    g_print (ngettext ("Refreshed %u %s in %.1f s", "Refreshed %u %s in %.1f s",
                       attempted - ctl->n_failed),
             attempted - ctl->n_failed, of_total, seconds);
    if (ctl->n_skipped > 0)
      g_print (ngettext ("; %u skipped", "; %u skipped", ctl->n_skipped), ctl->n_skipped);
    g_print (".\n");

    if (g_cancellable_is_cancelled (ctl->base.cancellable) && !g_queue_is_empty (&ctl->queue))
      {
        ctl_print_error (ngettext ("Canceled; %u account was not refreshed.",
                                   "Canceled; %u accounts were not refreshed.",
                                   g_queue_get_length (&ctl->queue)),
                         g_queue_get_length (&ctl->queue));
        finish (ctl, CTL_EXIT_CANCELLED);
        return;
      }

    finish (ctl, ctl->n_failed > 0 ? ctl->failure_status : CTL_EXIT_OK);
  }
}

static int
cmd_refresh (Ctl *base, char **args)
{
  FullCtl *ctl = (FullCtl *) base;
  int status;

  if (ctl->base.jobs < 1 || ctl->base.jobs > CTL_MAX_JOBS)
    {
      ctl_print_error (_ ("--jobs must be between 1 and %d."), CTL_MAX_JOBS);
      return CTL_EXIT_USAGE;
    }

  if (ctl->base.all)
    {
      g_autoptr (GPtrArray) accounts = NULL;

      if (g_strv_length (args) > 1)
        {
          ctl_print_error (_ ("Name an account or give --all, not both."));
          return CTL_EXIT_USAGE;
        }

      if ((status = load (ctl)) != CTL_EXIT_OK)
        return status;

      /* Every grant of every account that can be refreshed. */
      accounts = g_ptr_array_new_with_free_func (g_object_unref);
      {
        g_autoptr (GPtrArray) owners = ctl_collect_accounts (&ctl->base);

        for (guint i = 0; i < owners->len; i++)
          {
            g_autoptr (GPtrArray) grants = relink_grant_list (g_ptr_array_index (owners, i));

            for (guint j = 0; j < grants->len; j++)
              if (relink_grant_kind_has_refresh_token (
                      relink_grant_get_kind (g_ptr_array_index (grants, j))))
                g_ptr_array_add (accounts, g_object_ref (g_ptr_array_index (grants, j)));
          }
      }
      for (guint i = 0; i < accounts->len; i++)
        {
          RelinkAccount *account = g_ptr_array_index (accounts, i);

          switch (relink_account_get_status (account))
            {
              case RELINK_ACCOUNT_STATUS_NOT_CONNECTED:
                break;
              case RELINK_ACCOUNT_STATUS_NEEDS_REAUTH:
                /* Sending a refused refresh token again would change
                 * nothing; the seller has to renew. */
                ctl->n_skipped++;
                g_printerr (_ ("relinkctl: Skipped “%s”: it needs renewing in Relink.\n"),
                            relink_account_get_display_name (account));
                break;
              case RELINK_ACCOUNT_STATUS_CONNECTED:
              case RELINK_ACCOUNT_STATUS_ERROR:
              default:
                g_queue_push_tail (&ctl->queue, g_object_ref (account));
                break;
            }
        }

      ctl->started_us = g_get_monotonic_time ();
      refresh_next (ctl);
      return run_loop (ctl);
    }
  else
    {
      RelinkAccount *account = load_single_account (ctl, args, NULL, &status);

      if (account == NULL)
        return status;

      g_object_set_data (G_OBJECT (account), "relinkctl", ctl);
      relink_token_service_refresh_async (ctl->service, account, ctl->base.cancellable,
                                          refresh_single_cb, g_object_ref (account));
      return run_loop (ctl);
    }
}

/* test */

static void
test_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  FullCtl *ctl = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  text = relink_token_service_test_finish (RELINK_TOKEN_SERVICE (object), result, &error);
  if (text == NULL)
    {
      finish (ctl, report_error (error, RELINK_OAUTH_CALL_IDENTITY, NULL));
      return;
    }

  g_print ("%s\n", text);
  finish (ctl, CTL_EXIT_OK);
}

static int
cmd_test (Ctl *base, char **args)
{
  FullCtl *ctl = (FullCtl *) base;
  int status;
  RelinkAccount *account = load_single_account (ctl, args, NULL, &status);

  if (account == NULL)
    return status;

  relink_token_service_test_async (ctl->service, account, ctl->base.cancellable, test_cb, ctl);
  return run_loop (ctl);
}

/* revoke */

/* revoke --force, after the marketplace refused for good or could not be
 * reached: the tokens are gone from here, not necessarily there. */
static void
forgotten_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkAccount) account = user_data;
  FullCtl *ctl = g_object_get_data (G_OBJECT (account), "relinkctl");
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  RelinkProvider *provider = relink_account_get_provider (account);
  const char *marketplace
      = provider != NULL ? relink_provider_get_name (provider) : _ ("The marketplace");

  if (!relink_token_service_revoke_finish (RELINK_TOKEN_SERVICE (object), result, NULL, &url,
                                           &error))
    {
      finish (ctl, report_error (error, RELINK_OAUTH_CALL_REVOKE, NULL));
      return;
    }

  if (url != NULL)
    {
      /* Translators: the second %s is a marketplace, the URL follows on its own line. */
      g_print (_ ("Relink removed the tokens of “%s” from this computer anyway. %s did not "
                  "confirm the revocation and may still consider the authorization valid: "
                  "remove the app on this page to revoke it there:\n"),
               relink_account_get_display_name (account), marketplace);
      g_print ("%s\n", url);
    }
  else
    {
      /* Translators: the second %s is a marketplace. */
      g_print (_ ("Relink removed the tokens of “%s” from this computer anyway. %s did not "
                  "confirm the revocation and may still consider the authorization valid: "
                  "remove the app in the marketplace’s account settings to revoke it there.\n"),
               relink_account_get_display_name (account), marketplace);
    }

  finish (ctl, CTL_EXIT_OK);
}

static void
revoke_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkAccount) account = user_data;
  FullCtl *ctl = g_object_get_data (G_OBJECT (account), "relinkctl");
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  gboolean withdrawn = FALSE;
  RelinkProvider *provider;
  const char *marketplace;
  int status;

  if (!relink_token_service_revoke_finish (RELINK_TOKEN_SERVICE (object), result, &withdrawn, &url,
                                           &error))
    {
      if (ctl->base.force && relink_token_service_revocation_can_forget (error))
        {
          /* As the window's "Remove the Tokens Here Anyway": the end of a
           * revocation the marketplace did not confirm. */
          relink_token_service_forget_tokens_async (ctl->service, account, ctl->base.cancellable,
                                                    forgotten_cb, g_object_ref (account));
          return;
        }

      status = report_error (error, RELINK_OAUTH_CALL_REVOKE, NULL);
      if (relink_token_service_revocation_can_forget (error))
        {
          g_autofree char *quoted = g_shell_quote (ctl->revoke_name);
          g_autofree char *grant = ctl->base.grant != NULL ? g_shell_quote (ctl->base.grant) : NULL;
          g_autofree char *command
              = grant != NULL
                    ? g_strdup_printf ("relinkctl revoke %s --grant %s --force", quoted, grant)
                    : g_strdup_printf ("relinkctl revoke %s --force", quoted);

          /* Translators: %s is the command to run. */
          g_printerr (_ ("To remove the tokens from this computer anyway, run: %s\n"), command);
        }
      finish (ctl, status);
      return;
    }

  provider = relink_account_get_provider (account);
  marketplace = provider != NULL ? relink_provider_get_name (provider) : _ ("The marketplace");
  if (withdrawn)
    {
      g_print (_ ("Revoked the authorization of “%s”.\n"),
               relink_account_get_display_name (account));
    }
  else if (url != NULL)
    {
      /* Translators: the second %s is a marketplace, the URL follows on its own line. */
      g_print (
          _ ("Relink removed the tokens of “%s” from this computer. %s cannot revoke them from "
             "here: remove the app on this page to finish:\n"),
          relink_account_get_display_name (account), marketplace);
      g_print ("%s\n", url);
    }
  else
    {
      /* Translators: the second %s is a marketplace. */
      g_print (_ ("Relink removed the tokens of “%s” from this computer. %s cannot revoke them "
                  "from here: remove the app in the marketplace’s account settings to finish.\n"),
               relink_account_get_display_name (account), marketplace);
    }

  finish (ctl, CTL_EXIT_OK);
}

static int
cmd_revoke (Ctl *base, char **args)
{
  FullCtl *ctl = (FullCtl *) base;
  const char *name = NULL;
  int status;
  RelinkAccount *account = load_single_account (ctl, args, &name, &status);

  if (account == NULL)
    return status;

  g_object_set_data (G_OBJECT (account), "relinkctl", ctl);
  ctl->revoke_name = name;
  relink_token_service_revoke_async (ctl->service, account, ctl->base.cancellable, revoke_cb,
                                     g_object_ref (account));
  return run_loop (ctl);
}

/* import */

static void
wipe_free (char *buffer, gsize size)
{
  if (buffer == NULL)
    return;

  /* volatile: the compiler must not drop the wipe of memory about to be freed. */
  for (volatile char *p = buffer; p < buffer + size; p++)
    *p = '\0';
  g_free (buffer);
}

/* Reads one refresh token from standard input. From a terminal it prompts
 * on stderr and turns the echo off, so the token never shows on screen;
 * from a pipe it reads until the end. Returns NULL after printing why. */
/* Waits until standard input can be read, running the signal sources
 * meanwhile: a blocking read() would sit through Ctrl-C. FALSE once
 * cancelled. */
static gboolean
wait_for_input (FullCtl *ctl)
{
  struct pollfd input = { STDIN_FILENO, POLLIN, 0 };

  for (;;)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (g_cancellable_is_cancelled (ctl->base.cancellable))
        return FALSE;
      /* A signal interrupts the poll (EINTR): its source runs above. */
      if (poll (&input, 1, 100) > 0)
        return TRUE;
    }
}

static char *
read_token_from_stdin (FullCtl *ctl, RelinkAccount *account, int *out_status)
{
  /* Room for the longest token Relink accepts, a line end and some
   * surrounding white space. */
  const gsize size = RELINK_OAUTH_MAX_TOKEN_LENGTH + 64;
  char *buffer = g_malloc0 (size);
  gboolean tty = isatty (STDIN_FILENO);
  struct termios saved;
  gboolean echo_off = FALSE;
  gsize length = 0;
  gsize start, end;
  char *token;

  if (tty)
    {
      g_printerr (_ ("Paste the refresh token of “%s” and press Enter (it will not show): "),
                  relink_account_get_display_name (account));
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          struct termios quiet = saved;

          quiet.c_lflag &= ~(tcflag_t) ECHO;
          echo_off = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }

  *out_status = CTL_EXIT_USAGE;
  while (length < size - 1)
    {
      gssize n;

      if (!wait_for_input (ctl))
        {
          if (echo_off)
            {
              tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
              g_printerr ("\n");
            }
          ctl_print_error (_ ("Canceled."));
          *out_status = CTL_EXIT_CANCELLED;
          wipe_free (buffer, size);
          return NULL;
        }

      n = read (STDIN_FILENO, buffer + length, size - 1 - length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          if (echo_off)
            tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
          ctl_print_error (_ ("Could not read standard input: %s"), g_strerror (saved_errno));
          *out_status = CTL_EXIT_FAILED;
          wipe_free (buffer, size);
          return NULL;
        }
      if (n == 0)
        break;

      length += n;
      if (tty && memchr (buffer + length - n, '\n', n) != NULL)
        break;
    }

  if (echo_off)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }

  if (length >= size - 1)
    {
      ctl_print_error (
          _ ("Standard input holds more than any refresh token; pipe in the token alone."));
      wipe_free (buffer, size);
      return NULL;
    }

  start = 0;
  end = length;
  while (start < end && g_ascii_isspace (buffer[start]))
    start++;
  while (end > start && g_ascii_isspace (buffer[end - 1]))
    end--;

  if (start == end)
    {
      ctl_print_error (_ ("No token on standard input. Pipe the refresh token in, for example: "
                          "relinkctl import ACCOUNT < token.txt"));
      wipe_free (buffer, size);
      return NULL;
    }

  for (gsize i = start; i < end; i++)
    {
      if (buffer[i] < 0x21 || buffer[i] > 0x7e)
        {
          ctl_print_error (_ ("Standard input holds spaces, several lines or unusual characters; "
                              "give exactly one refresh token."));
          wipe_free (buffer, size);
          return NULL;
        }
    }

  token = g_strndup (buffer + start, end - start);
  wipe_free (buffer, size);
  return token;
}

static void
add_history (FullCtl *ctl, RelinkAccount *account, gboolean ok, const char *message)
{
  RelinkStore *store = relink_account_manager_get_store (ctl->base.manager);
  g_autoptr (RelinkHistoryEntry) entry = NULL;
  g_autoptr (GError) error = NULL;

  entry = relink_history_entry_new (
      relink_account_get_id (account), relink_now (), RELINK_HISTORY_KIND_IMPORT, ok,
      relink_account_manager_get_program (ctl->base.manager), message);
  if (!relink_store_add_history (store, entry, &error))
    g_printerr (_ ("relinkctl: Could not record the import in the history: %s\n"), error->message);
}

static char *
keyring_label (RelinkAccount *account)
{
  RelinkProvider *provider = relink_account_get_provider (account);

  /* The same label as a sign-in gives the item. */
  return g_strdup_printf (_ ("Relink: %s · %s tokens"),
                          provider != NULL ? relink_provider_get_name (provider) : "",
                          relink_account_get_display_name (account));
}

static void
imported_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  FullCtl *ctl = user_data;
  RelinkAccount *account = ctl->import_account;
  g_autoptr (GError) error = NULL;
  g_autofree char *expiry = NULL;

  if (!relink_token_import_finish (RELINK_ACCOUNT_MANAGER (object), result, &error))
    {
      /* Nothing was written: the previous tokens are still the account's. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        add_history (ctl, account, FALSE, error->message);
      finish (ctl,
              report_error (error, RELINK_OAUTH_CALL_REFRESH, _ ("The token was not imported")));
      return;
    }

  add_history (ctl, account, TRUE, _ ("Refresh token imported"));
  if (ctl->have_hooks)
    ctl->hooks_pending++;
  relink_token_service_run_hooks (ctl->service, account, RELINK_HOOK_EVENT_REFRESH);

  expiry = describe_access_expiry (account);
  g_print (_ ("Imported the refresh token of “%s”: the access token %s.\n"),
           relink_account_get_display_name (account), expiry);
  finish (ctl, CTL_EXIT_OK);
}

static int
cmd_import (Ctl *base, char **args)
{
  FullCtl *ctl = (FullCtl *) base;
  g_autoptr (RelinkSecretString) refresh_token = NULL;
  g_autofree char *label = NULL;
  RelinkAccount *account;
  guint n = g_strv_length (args);
  int status;

  if (n > 2)
    {
      /* Never echo the extra argument: it may well be the token. */
      ctl_print_error (_ ("relinkctl import reads the token from standard input, never from an "
                          "argument: arguments show in the process list and the shell history. "
                          "Run: relinkctl import ACCOUNT < token.txt"));
      return CTL_EXIT_USAGE;
    }
  if (n < 2 || args[1][0] == '\0')
    {
      ctl_print_error (_ ("Name the account: relinkctl import ACCOUNT < token.txt"));
      return CTL_EXIT_USAGE;
    }

  if ((status = load (ctl)) != CTL_EXIT_OK)
    return status;

  if ((account = ctl_lookup_account (&ctl->base, args[1])) == NULL)
    return CTL_EXIT_NO_ACCOUNT;

  if (relink_account_get_provider (account) == NULL)
    {
      ctl_print_error (_ ("“%s” has no developer keys Relink can use. Check its keyset in Relink."),
                       relink_account_get_display_name (account));
      return CTL_EXIT_FAILED;
    }

  refresh_token = read_token_from_stdin (ctl, account, &status);
  if (refresh_token == NULL)
    return status;

  /* The keyring and the store change only once the marketplace took the
   * token and, where it can tell, said it is this account's seller. */
  ctl->import_account = g_object_ref (account);
  label = keyring_label (account);
  relink_token_import_async (ctl->base.manager, account, refresh_token, label,
                             ctl->base.cancellable, imported_cb, ctl);
  return run_loop (ctl);
}

static const CtlImplementation implementations[] = {
  { "token", cmd_token },   { "refresh", cmd_refresh }, { "test", cmd_test },
  { "revoke", cmd_revoke }, { "import", cmd_import },
};

int
main (int argc, char *argv[])
{
  FullCtl ctl = { 0 };
  int status;

  relink_process_harden ();
  ctl.loop = g_main_loop_new (NULL, FALSE);
  g_queue_init (&ctl.queue);

  status = ctl_main (&ctl.base, argc, argv, implementations, G_N_ELEMENTS (implementations), NULL);

  g_queue_clear_full (&ctl.queue, g_object_unref);
  g_clear_handle_id (&ctl.hooks_timeout_id, g_source_remove);
  g_clear_object (&ctl.import_account);
  g_clear_object (&ctl.context);
  g_clear_pointer (&ctl.loop, g_main_loop_unref);

  return status;
}
