/* test-lifecycle.c: the token lifecycle's pure parts and small pieces:
 * backoff, keep-alive deadlines, the error taxonomy, the per-account lock
 * (also across processes) and the hooks.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "relink-account-lock.h"
#include "relink-backoff.h"
#include "relink-hooks.h"
#include "relink-oauth-error.h"
#include "relink-provider-registry.h"
#include "relink-test-util.h"
#include "relink-token-failure.h"

#define DAY (24 * 60 * 60)

/* Backoff */

static void
test_backoff_delay (void)
{
  gint64 previous_max = 0;

  /* Bounds: [d/2, d] with d = min(MAX, BASE * 2^attempt). */
  for (guint attempt = 0; attempt < 64; attempt++)
    {
      gint64 d = RELINK_BACKOFF_BASE;

      for (guint i = 0; i < attempt && d < RELINK_BACKOFF_MAX; i++)
        d *= 2;
      d = MIN (d, RELINK_BACKOFF_MAX);

      g_assert_cmpint (relink_backoff_delay (attempt, 0), ==, d / 2);
      g_assert_cmpint (relink_backoff_delay (attempt, G_MAXUINT32), >=, d / 2);
      g_assert_cmpint (relink_backoff_delay (attempt, G_MAXUINT32), <=, d);
      for (guint32 r = 0; r < 1000; r += 37)
        {
          gint64 delay = relink_backoff_delay (attempt, r * 2654435761u);

          g_assert_cmpint (delay, >=, d / 2);
          g_assert_cmpint (delay, <=, d);
        }

      g_assert_cmpint (d, >=, previous_max);
      previous_max = d;
    }

  g_assert_cmpint (relink_backoff_delay (0, 0), ==, 30);
  g_assert_cmpint (relink_backoff_delay (0, 30), ==, 60);
  g_assert_cmpint (relink_backoff_delay (1, 0), ==, 60);
  g_assert_cmpint (relink_backoff_delay (3, 0), ==, 240);
  /* Capped, never overflowing. */
  g_assert_cmpint (relink_backoff_delay (G_MAXUINT, 0), ==, RELINK_BACKOFF_MAX / 2);
  g_assert_cmpint (relink_backoff_delay (40, G_MAXUINT32), <=, RELINK_BACKOFF_MAX);

  /* The jitter spreads: not every random value gives the same delay. */
  g_assert_cmpint (relink_backoff_delay (5, 1), !=, relink_backoff_delay (5, 999));
}

static void
test_keep_alive_deadline (void)
{
  const gint64 t0 = 1700000000;

  /* No known expiry: nothing to keep alive. */
  g_assert_cmpint (relink_keep_alive_deadline (t0, 0), ==, RELINK_KEEP_ALIVE_NEVER);

  /* Etsy: 90 days -> refresh at day 60 (a third left). */
  g_assert_cmpint (relink_keep_alive_deadline (t0, t0 + 90 * DAY), ==, t0 + 60 * DAY);
  /* Mercado Libre: 180 days -> at day 120. */
  g_assert_cmpint (relink_keep_alive_deadline (t0, t0 + 180 * DAY), ==, t0 + 120 * DAY);
  /* 15 days: a third (5 days) is less than a week: a week before. */
  g_assert_cmpint (relink_keep_alive_deadline (t0, t0 + 15 * DAY), ==, t0 + 8 * DAY);
  /* Short lifetimes (under 1.5 weeks): the third alone. */
  g_assert_cmpint (relink_keep_alive_deadline (t0, t0 + 300), ==, t0 + 200);
  g_assert_cmpint (relink_keep_alive_deadline (t0, t0 + 9 * DAY), ==, t0 + 6 * DAY);
  /* Unknown renewal, or one not before the expiry: a week before. */
  g_assert_cmpint (relink_keep_alive_deadline (0, t0 + 90 * DAY), ==, t0 + 83 * DAY);
  g_assert_cmpint (relink_keep_alive_deadline (t0 + 91 * DAY, t0 + 90 * DAY), ==, t0 + 83 * DAY);
  /* Always before the expiry. */
  for (gint64 life = 3; life < 400 * DAY; life = life * 3 + 1)
    {
      gint64 deadline = relink_keep_alive_deadline (t0, t0 + life);

      g_assert_cmpint (deadline, <, t0 + life);
      g_assert_cmpint (deadline, >=, t0);
    }
}

/* The error taxonomy */

static GError *
oauth_error (RelinkOAuthError code)
{
  return g_error_new_literal (RELINK_OAUTH_ERROR, code, "the marketplace's own sentence");
}

static void
test_failure_classify (void)
{
  const struct
  {
    RelinkOAuthError code;
    RelinkOAuthCall call;
    RelinkAccountStatus status;
    RelinkRetryPolicy retry;
  } cases[] = {
    { RELINK_OAUTH_ERROR_INVALID_GRANT, RELINK_OAUTH_CALL_REFRESH,
      RELINK_ACCOUNT_STATUS_NEEDS_REAUTH, RELINK_RETRY_NONE },
    /* eBay's nested 400 comes as FAILED from the OAuth client. */
    { RELINK_OAUTH_ERROR_FAILED, RELINK_OAUTH_CALL_REFRESH, RELINK_ACCOUNT_STATUS_NEEDS_REAUTH,
      RELINK_RETRY_NONE },
    { RELINK_OAUTH_ERROR_FAILED, RELINK_OAUTH_CALL_IDENTITY, RELINK_ACCOUNT_STATUS_ERROR,
      RELINK_RETRY_NONE },
    { RELINK_OAUTH_ERROR_INVALID_CLIENT, RELINK_OAUTH_CALL_REFRESH, RELINK_ACCOUNT_STATUS_ERROR,
      RELINK_RETRY_NONE },
    { RELINK_OAUTH_ERROR_NETWORK, RELINK_OAUTH_CALL_REFRESH, RELINK_ACCOUNT_STATUS_ERROR,
      RELINK_RETRY_BACKOFF },
    { RELINK_OAUTH_ERROR_SERVER, RELINK_OAUTH_CALL_REFRESH, RELINK_ACCOUNT_STATUS_ERROR,
      RELINK_RETRY_BACKOFF },
    { RELINK_OAUTH_ERROR_MALFORMED, RELINK_OAUTH_CALL_REFRESH, RELINK_ACCOUNT_STATUS_ERROR,
      RELINK_RETRY_BACKOFF },
    { RELINK_OAUTH_ERROR_RATE_LIMITED, RELINK_OAUTH_CALL_REFRESH, RELINK_ACCOUNT_STATUS_ERROR,
      RELINK_RETRY_BACKOFF },
    { RELINK_OAUTH_ERROR_CONFIGURATION, RELINK_OAUTH_CALL_REFRESH, RELINK_ACCOUNT_STATUS_ERROR,
      RELINK_RETRY_NONE },
    { RELINK_OAUTH_ERROR_INSECURE, RELINK_OAUTH_CALL_REFRESH, RELINK_ACCOUNT_STATUS_ERROR,
      RELINK_RETRY_NONE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = oauth_error (cases[i].code);
      RelinkRetryPolicy retry = -1;
      gint64 after = -1;

      g_assert_cmpint (relink_token_failure_classify (error, cases[i].call, &retry, &after), ==,
                       cases[i].status);
      g_assert_cmpint (retry, ==, cases[i].retry);
      g_assert_cmpint (after, ==, 0);
      g_assert_cmpint (relink_token_failure_is_keyset_error (error), ==,
                       cases[i].code == RELINK_OAUTH_ERROR_INVALID_CLIENT);
    }

  /* Retry-After is honoured. */
  {
    g_autoptr (GError) error = oauth_error (RELINK_OAUTH_ERROR_RATE_LIMITED);
    RelinkRetryPolicy retry;
    gint64 after;

    relink_oauth_error_set_retry_after (error, 120);
    g_assert_cmpint (
        relink_token_failure_classify (error, RELINK_OAUTH_CALL_REFRESH, &retry, &after), ==,
        RELINK_ACCOUNT_STATUS_ERROR);
    g_assert_cmpint (retry, ==, RELINK_RETRY_AFTER);
    g_assert_cmpint (after, ==, 120);
  }

  /* The keyring failing is not the marketplace refusing anything. */
  {
    g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "keyring");
    RelinkRetryPolicy retry;

    g_assert_cmpint (relink_token_failure_classify (error, RELINK_OAUTH_CALL_REFRESH, &retry, NULL),
                     ==, RELINK_ACCOUNT_STATUS_ERROR);
    g_assert_cmpint (retry, ==, RELINK_RETRY_NONE);
  }
}

static char *
describe (RelinkOAuthError code, gboolean interrupted, gint64 retry_in)
{
  g_autoptr (GError) error = oauth_error (code);

  return relink_token_failure_describe (error, RELINK_OAUTH_CALL_REFRESH, "eBay",
                                        "eBay · Production", 0, interrupted, retry_in);
}

static void
test_failure_describe (void)
{
  g_autofree char *grant = describe (RELINK_OAUTH_ERROR_INVALID_GRANT, FALSE, 0);
  g_autofree char *failed = describe (RELINK_OAUTH_ERROR_FAILED, FALSE, 0);
  g_autofree char *interrupted = describe (RELINK_OAUTH_ERROR_INVALID_GRANT, TRUE, 0);
  g_autofree char *client = describe (RELINK_OAUTH_ERROR_INVALID_CLIENT, FALSE, 0);
  g_autofree char *network = describe (RELINK_OAUTH_ERROR_NETWORK, FALSE, 300);
  g_autofree char *server = describe (RELINK_OAUTH_ERROR_SERVER, FALSE, 90);
  g_autofree char *limited = describe (RELINK_OAUTH_ERROR_RATE_LIMITED, FALSE, 30);
  g_autofree char *malformed = describe (RELINK_OAUTH_ERROR_MALFORMED, FALSE, 3600);
  g_autofree char *config = describe (RELINK_OAUTH_ERROR_CONFIGURATION, FALSE, 0);
  g_autofree char *amazon = NULL;

  g_assert_cmpstr (grant, ==,
                   "eBay no longer accepts the saved authorization. Renew the account to sign in "
                   "again.");
  g_assert_cmpstr (failed, ==, grant);
  g_assert_cmpstr (interrupted, ==,
                   "A refresh was interrupted and eBay may have already replaced the token. Renew "
                   "the account to sign in again.");
  g_assert_cmpstr (client, ==,
                   "The developer keys of eBay · Production were refused. Update the developer "
                   "keys; the seller does not need to sign in again.");
  g_assert_cmpstr (network, ==, "Could not reach eBay. Relink will try again in 5 min.");
  g_assert_cmpstr (server, ==, "eBay has a problem on its side. Relink will try again in 2 min.");
  g_assert_cmpstr (limited, ==, "eBay asks Relink to slow down. Relink will try again in 30 s.");
  g_assert_nonnull (
      strstr (malformed, "eBay sent an unexpected answer; the saved tokens were kept"));
  g_assert_nonnull (strstr (malformed, "1 h"));
  /* Other errors keep their own sentence. */
  g_assert_cmpstr (config, ==, "the marketplace's own sentence");

  {
    g_autoptr (GError) error = oauth_error (RELINK_OAUTH_ERROR_INVALID_CLIENT);

    amazon = relink_token_failure_describe (error, RELINK_OAUTH_CALL_REFRESH, "Amazon",
                                            "Amazon · Europe", 180 * DAY, FALSE, 0);
    g_assert_cmpstr (amazon, ==,
                     "The developer keys of Amazon · Europe were refused (the client secret "
                     "expires every 180 days). Update the developer keys; the seller does not "
                     "need to sign in again.");
  }
}

static void
test_failure_format_delay (void)
{
  const struct
  {
    gint64 seconds;
    const char *text;
  } cases[] = {
    { 0, "1 s" },          { 30, "30 s" },
    { 59, "59 s" },        { 60, "1 min" },
    { 300, "5 min" },      { 3599, "60 min" },
    { 3600, "1 h" },       { 7 * 3600, "7 h" },
    { 2 * DAY, "2 days" }, { 180 * DAY, "180 days" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = relink_token_failure_format_delay (cases[i].seconds);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* The lock */

static void
test_lock_same_process (void)
{
  g_autoptr (RelinkAccountLock) lock = NULL;
  g_autoptr (RelinkAccountLock) again = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = relink_account_lock_dir ();
  g_autofree char *path = g_build_filename (dir, "account-same.lock", NULL);
  GStatBuf st;

  lock = relink_account_lock_try_acquire ("account-same", &error);
  g_assert_no_error (error);
  g_assert_nonnull (lock);

  /* The file and its folder are private. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  /* A second holder in the same process is excluded too. */
  again = relink_account_lock_try_acquire ("account-same", &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_assert_null (again);
  g_clear_error (&error);

  /* Other accounts are independent. */
  again = relink_account_lock_try_acquire ("account-other", &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  g_clear_pointer (&again, relink_account_lock_release);

  g_clear_pointer (&lock, relink_account_lock_release);
  again = relink_account_lock_try_acquire ("account-same", &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);

  /* No path tricks. */
  g_assert_null (relink_account_lock_try_acquire ("../evil", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

typedef struct
{
  GCancellable *cancellable;
  GError *error;
  RelinkAccountLock *lock;
  gboolean done;
} Waiter;

static gpointer
wait_thread (gpointer data)
{
  Waiter *waiter = data;

  waiter->lock = relink_account_lock_acquire ("account-wait", waiter->cancellable, &waiter->error);
  g_atomic_int_set (&waiter->done, TRUE);
  return NULL;
}

static void
test_lock_wait_and_cancel (void)
{
  g_autoptr (RelinkAccountLock) lock = NULL;
  g_autoptr (GError) error = NULL;
  Waiter waiter = { 0 };
  GThread *thread;

  lock = relink_account_lock_try_acquire ("account-wait", &error);
  g_assert_no_error (error);

  /* A waiter blocks until cancelled... */
  waiter.cancellable = g_cancellable_new ();
  thread = g_thread_new ("waiter", wait_thread, &waiter);
  g_cancellable_cancel (waiter.cancellable);
  g_thread_join (thread);
  g_assert_error (waiter.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (waiter.lock);
  g_clear_error (&waiter.error);
  g_clear_object (&waiter.cancellable);

  /* ... or until the holder lets go. */
  waiter.done = FALSE;
  thread = g_thread_new ("waiter", wait_thread, &waiter);
  g_assert_false (g_atomic_int_get (&waiter.done));
  g_clear_pointer (&lock, relink_account_lock_release);
  g_thread_join (thread);
  g_assert_no_error (waiter.error);
  g_assert_nonnull (waiter.lock);
  relink_account_lock_release (waiter.lock);
}

/* A process that dies holding the lock does not keep it: the kernel drops
 * it. The child takes the lock, says so through a pipe, and is killed. */
static void
test_lock_holder_killed (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkAccountLock) lock = NULL;
  int fds[2];
  pid_t pid;
  char byte = 0;
  int status;

  g_assert_cmpint (pipe (fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      RelinkAccountLock *held = relink_account_lock_try_acquire ("account-killed", NULL);

      if (held == NULL)
        _exit (1);
      if (write (fds[1], "L", 1) != 1)
        _exit (1);
      for (;;)
        pause ();
    }

  close (fds[1]);
  g_assert_cmpint (read (fds[0], &byte, 1), ==, 1);
  g_assert_cmpint (byte, ==, 'L');
  close (fds[0]);

  lock = relink_account_lock_try_acquire ("account-killed", &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);

  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status));

  lock = relink_account_lock_try_acquire ("account-killed", &error);
  g_assert_no_error (error);
  g_assert_nonnull (lock);
}

/* Hooks */

static RelinkAccount *
hook_account (void)
{
  g_autoptr (RelinkProviderRegistry) registry = relink_provider_registry_new (NULL);
  g_autoptr (RelinkKeyset) keyset = relink_keyset_new ("keyset-1");
  RelinkAccount *account = relink_account_new ("account-hooked");

  relink_keyset_set_provider_id (keyset, "etsy");
  relink_keyset_set_provider (keyset, relink_provider_registry_lookup (registry, "etsy"));
  relink_account_set_keyset_id (account, "keyset-1");
  relink_account_set_keyset (account, keyset);
  relink_account_set_nickname (account, "My Shop; rm -rf $HOME");
  return account;
}

static void
test_hooks_environment (void)
{
  g_autoptr (RelinkAccount) account = hook_account ();
  g_auto (GStrv) env = NULL;

  g_setenv ("RELINK_TEST_SHOULD_NOT_LEAK", "leak", TRUE);
  env = relink_hooks_build_environment (account, RELINK_HOOK_EVENT_REFRESH, 1747821600, 0);

  g_assert_cmpstr (g_environ_getenv (env, "RELINK_ACCOUNT_ID"), ==, "account-hooked");
  g_assert_cmpstr (g_environ_getenv (env, "RELINK_ACCOUNT_NICKNAME"), ==, "My Shop; rm -rf $HOME");
  g_assert_cmpstr (g_environ_getenv (env, "RELINK_GRANT"), ==, "oauth");
  g_assert_cmpstr (g_environ_getenv (env, "RELINK_MARKETPLACE"), ==, "etsy");
  g_assert_cmpstr (g_environ_getenv (env, "RELINK_EVENT"), ==, "refresh");
  g_assert_cmpstr (g_environ_getenv (env, "RELINK_EXPIRES_AT"), ==, "2025-05-21T10:00:00Z");
  g_assert_cmpstr (g_environ_getenv (env, "RELINK_REFRESH_EXPIRES_AT"), ==, "");
  g_assert_cmpstr (g_environ_getenv (env, "PATH"), ==, g_getenv ("PATH"));
  g_assert_cmpstr (g_environ_getenv (env, "HOME"), ==, g_getenv ("HOME"));
  /* Nothing else of the session. */
  g_assert_null (g_environ_getenv (env, "RELINK_TEST_SHOULD_NOT_LEAK"));
  g_assert_null (g_environ_getenv (env, "DBUS_SESSION_BUS_ADDRESS"));
  g_assert_cmpuint (g_strv_length (env), ==, 9);
  g_unsetenv ("RELINK_TEST_SHOULD_NOT_LEAK");

  g_clear_pointer (&env, g_strfreev);
  env = relink_hooks_build_environment (account, RELINK_HOOK_EVENT_RENEWAL, 0, 1747821600);
  g_assert_cmpstr (g_environ_getenv (env, "RELINK_EVENT"), ==, "renewal");
  g_assert_cmpstr (g_environ_getenv (env, "RELINK_EXPIRES_AT"), ==, "");
  g_assert_cmpstr (g_environ_getenv (env, "RELINK_REFRESH_EXPIRES_AT"), ==, "2025-05-21T10:00:00Z");

  /* A further grant: its own id and name, its account's nickname. */
  {
    g_autoptr (RelinkAccount) grant = relink_account_new ("grant-hooked");

    relink_account_set_owner_id (grant, "account-hooked");
    relink_account_set_owner (grant, account);
    relink_account_set_grant_name (grant, "auth-n-auth");
    relink_account_set_keyset (grant, relink_account_get_keyset (account));
    g_clear_pointer (&env, g_strfreev);
    env = relink_hooks_build_environment (grant, RELINK_HOOK_EVENT_RENEWAL, 0, 1747821600);
    g_assert_cmpstr (g_environ_getenv (env, "RELINK_ACCOUNT_ID"), ==, "grant-hooked");
    g_assert_cmpstr (g_environ_getenv (env, "RELINK_GRANT"), ==, "auth-n-auth");
    g_assert_cmpstr (g_environ_getenv (env, "RELINK_ACCOUNT_NICKNAME"), ==,
                     "My Shop; rm -rf $HOME");
  }
}

static void
hooks_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
write_script (const char *dir, const char *name, const char *text, int mode)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

static void
test_hooks_run (void)
{
  g_autoptr (RelinkAccount) account = hook_account ();
  g_autofree char *dir = relink_test_make_tmp_dir ();
  g_autofree char *out_a = g_build_filename (dir, "a.out", NULL);
  g_autofree char *out_b = g_build_filename (dir, "b.out", NULL);
  g_autofree char *missing = g_build_filename (dir, "none", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  /* Two hooks, one failing noisily, one not executable, one hidden. */
  write_script (dir, "10-env", "#!/bin/sh\nenv > a.out\necho to the log\n", 0700);
  write_script (dir, "20-fail", "#!/bin/sh\necho $RELINK_EVENT > b.out\necho oops >&2\nexit 3\n",
                0700);
  write_script (dir, "30-not-executable", "#!/bin/sh\ntouch c.out\n", 0600);
  write_script (dir, ".hidden", "#!/bin/sh\ntouch d.out\n", 0700);

  relink_hooks_run_async (dir, account, RELINK_HOOK_EVENT_RENEWAL, 1747821600, 1747821600 + DAY,
                          NULL, hooks_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (relink_hooks_run_finish (result, &error), ==, 2);
  g_assert_no_error (error);

  g_file_get_contents (out_a, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "RELINK_ACCOUNT_ID=account-hooked\n"));
  g_assert_nonnull (strstr (text, "RELINK_EVENT=renewal\n"));
  g_assert_nonnull (strstr (text, "RELINK_EXPIRES_AT=2025-05-21T10:00:00Z\n"));
  g_assert_nonnull (strstr (text, "RELINK_MARKETPLACE=etsy\n"));
  g_assert_null (strstr (text, "DBUS_SESSION_BUS_ADDRESS"));
  g_clear_pointer (&text, g_free);

  g_file_get_contents (out_b, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "renewal\n");

  {
    g_autofree char *c = g_build_filename (dir, "c.out", NULL);
    g_autofree char *d = g_build_filename (dir, "d.out", NULL);

    g_assert_false (g_file_test (c, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (d, G_FILE_TEST_EXISTS));
  }

  /* A missing directory runs nothing, quietly. */
  g_clear_object (&result);
  relink_hooks_run_async (missing, account, RELINK_HOOK_EVENT_REFRESH, 0, 0, NULL, hooks_done_cb,
                          &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (relink_hooks_run_finish (result, &error), ==, 0);
  g_assert_no_error (error);

  relink_test_remove_dir (dir);
}

int
main (int argc, char *argv[])
{
  g_autofree char *runtime = NULL;

  /* Locks in a private runtime dir of this run. */
  runtime = relink_test_make_tmp_dir ();
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lifecycle/backoff/delay", test_backoff_delay);
  g_test_add_func ("/lifecycle/keep-alive/deadline", test_keep_alive_deadline);
  g_test_add_func ("/lifecycle/failure/classify", test_failure_classify);
  g_test_add_func ("/lifecycle/failure/describe", test_failure_describe);
  g_test_add_func ("/lifecycle/failure/format-delay", test_failure_format_delay);
  g_test_add_func ("/lifecycle/lock/same-process", test_lock_same_process);
  g_test_add_func ("/lifecycle/lock/wait-and-cancel", test_lock_wait_and_cancel);
  g_test_add_func ("/lifecycle/lock/holder-killed", test_lock_holder_killed);
  g_test_add_func ("/lifecycle/hooks/environment", test_hooks_environment);
  g_test_add_func ("/lifecycle/hooks/run", test_hooks_run);

  {
    int ret = g_test_run ();

    relink_test_remove_dir (runtime);
    return ret;
  }
}
