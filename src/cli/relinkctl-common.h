/* relinkctl-common.h
 *
 * What relinkctl's two programs share. `relinkctl` itself is a small front
 * that links the core's base only (no libsoup): it answers `list`,
 * `status`, `help` and a `token` that the keyring holds valid, which is what
 * scripts run most. Everything that may speak to a marketplace runs in the
 * private helper, `relinkctl-helper`, which the front executes in its own
 * place with the same arguments and standard streams. Both parse the command
 * line and print help through the code here, so they cannot drift apart.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-account-manager.h"

G_BEGIN_DECLS

/* The documented exit statuses (see --help and relinkctl(1)). */
typedef enum
{
  CTL_EXIT_OK = 0,
  CTL_EXIT_FAILED = 1,     /* failed, or (status) an account needs attention */
  CTL_EXIT_USAGE = 2,      /* bad command line */
  CTL_EXIT_KEYRING = 3,    /* no Secret Service, or the keyring stayed locked */
  CTL_EXIT_NO_ACCOUNT = 4, /* no account with that id or nickname */
  CTL_EXIT_TEMPORARY = 5,  /* network, server error, rate limit: try again later */
  CTL_EXIT_STORE = 6,      /* the account database cannot be read */
  /* SIGINT or SIGTERM: the shells' value for Ctrl-C (128 + SIGINT). */
  CTL_EXIT_CANCELLED = 130
} CtlExit;

/* The file name of the full implementation, in libexecdir. */
#define CTL_HELPER_NAME "relinkctl-helper"

#define CTL_DEFAULT_JOBS 8
#define CTL_MAX_JOBS 64

typedef struct _Ctl Ctl;
typedef struct _CtlCommand CtlCommand;

typedef int (*CtlRunFunc) (Ctl *ctl, char **args);

/* A command that a program runs itself, beyond the ones shared here. */
typedef struct
{
  const char *name;
  CtlRunFunc run;
} CtlImplementation;

/* One run of either program. The helper embeds it in its own state. */
struct _Ctl
{
  const CtlCommand *command;
  char **argv; /* as the program got it: the front passes it on */
  GCancellable *cancellable;
  RelinkAccountManager *manager;

  /* Options. */
  gboolean verbose;
  gboolean json;
  gboolean all;
  int jobs;
  char *grant; /* --grant NAME: which of the account's grants */
  /* revoke --force: remove the tokens here anyway when the marketplace
   * refuses for good or cannot be reached (the window's "Remove the
   * Tokens Here Anyway"). */
  gboolean force;
};

/* Parses the command line and runs the command: list, status and help
 * here, the others from @implementations. A command that @implementations
 * lacks goes to @delegate before its options are parsed (NULL: every
 * command is implemented). Returns the exit status. */
int ctl_main (Ctl *ctl,
              int argc,
              char **argv,
              const CtlImplementation *implementations,
              guint n_implementations,
              CtlRunFunc delegate);

const char *ctl_command_get_name (const CtlCommand *command);

void ctl_print_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* The exit status for @error of the store or the keyring; any other error
 * is a plain failure. */
int ctl_exit_status_for_local_error (const GError *error);

/* Opens the store and loads the accounts into ctl->manager. */
int ctl_load (Ctl *ctl);
/* The account named @name (id or nickname; a further grant's id names
 * that grant), or NULL after saying so. With --grant, the account's grant
 * of that name (HACKING.md, "Grant"), or NULL after listing the names;
 * without it, the account's own grant. */
RelinkAccount *ctl_lookup_account (Ctl *ctl, const char *name);
/* One ACCOUNT argument and nothing else; NULL after saying what is wrong. */
const char *ctl_single_account_argument (Ctl *ctl, char **args);

GPtrArray *ctl_collect_accounts (Ctl *ctl);

/* Prints @token and a newline, nothing else. */
int ctl_write_token (const char *token);

/* `relinkctl token ACCOUNT` as far as the keyring answers it: returns TRUE
 * when done, with the exit status in @out_status (the token printed, or the
 * reason on stderr); FALSE when the account's token needs a refresh first,
 * with the account's id in @out_account_id (free it). The account list is
 * in ctl->manager only when ACCOUNT was a nickname. */
gboolean ctl_token_from_keyring (Ctl *ctl, char **args, char **out_account_id, int *out_status);

G_END_DECLS
