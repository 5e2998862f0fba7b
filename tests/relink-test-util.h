/* relink-test-util.h
 *
 * Helpers shared by the tests, the benchmarks and the screenshot: fixture
 * accounts, temporary directories, waiting for asynchronous results, and
 * keysets and accounts added through (and read back from) an account
 * manager.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-account-manager.h"
#include "relink-secrets.h"
#include "relink-store.h"

G_BEGIN_DECLS

/* How many accounts one cycle of the fixture has: every marketplace and
 * every state appears once per cycle. */
#define RELINK_TEST_FIXTURE_CYCLE 8

/* Fills @store with one keyset per shipped marketplace environment used and
 * @n_accounts accounts cycling through RELINK_TEST_FIXTURE_CYCLE kinds
 * (valid, expiring in hours, expiring in days, expired, needs
 * re-authorisation, offline, not connected; eBay, Amazon, AliExpress, Etsy,
 * Mercado Libre; production and sandbox), all relative to @now. Account
 * ids are "account-N", nicknames unique. */
gboolean
relink_test_populate_fixture (RelinkStore *store, guint n_accounts, gint64 now, GError **error);

/* Drops the last reference to @object and asserts that it is finalized,
 * waiting (up to 5 s, iterating the default main context) for worker
 * threads of finished GTasks to let go of it. */
void relink_test_assert_finalize_eventually (gpointer object);

/* An account manager as the window has it ("window" in the history), on
 * the store at @store_path and the custom profiles in @provider_dir (all
 * of which must load). Not loaded yet. */
RelinkAccountManager *relink_test_open_manager (const char *store_path, const char *provider_dir);

/* The manager the GUI tests show: a store at @dir/relink.db holding
 * @n_accounts fixture accounts relative to @now, the custom profiles in
 * @dir/providers; loaded, asserting success. */
RelinkAccountManager *
relink_test_open_fixture_manager (const char *dir, guint n_accounts, gint64 now);

/* A GAsyncReadyCallback that keeps the result in the GAsyncResult * that
 * @user_data points to, which must still be NULL. */
void relink_test_result_cb (GObject *object, GAsyncResult *result, gpointer user_data);
/* Iterates the default main context until relink_test_result_cb() has
 * filled *@slot; returns it (still owned by *@slot). */
GAsyncResult *relink_test_wait_result (GAsyncResult **slot);

/* Writes @contents to the file @name in @dir, asserting success. */
void relink_test_write_file (const char *dir, const char *name, const char *contents);

/* Adds a keyset for @provider_id's @environment with @client_id (and
 * @client_secret in the keyring unless NULL) and RELINK_TEST_OIDC's
 * redirect address through @manager, asserting success. Returns the
 * manager's keyset. */
RelinkKeyset *relink_test_add_keyset (RelinkAccountManager *manager,
                                      const char *provider_id,
                                      const char *environment,
                                      const char *client_id,
                                      const char *client_secret);
/* Adds a not yet connected account of @keyset through @manager, asserting
 * success. Returns the manager's account. */
RelinkAccount *relink_test_add_account (RelinkAccountManager *manager,
                                        RelinkKeyset *keyset,
                                        const char *nickname,
                                        const char *expected_identity);
/* Removes from the keyring the tokens of the accounts @account_ids (ids)
 * and the secrets of every keyset of @manager. */
void relink_test_clear_keyring (RelinkAccountManager *manager, GPtrArray *account_ids);

/* What the keyring and the store of @manager hold for @account, asserting
 * that they could be read. The tokens (or their JSON) are NULL when the
 * keyring has none. */
RelinkTokenSet *relink_test_keyring_tokens (RelinkAccountManager *manager, RelinkAccount *account);
char *relink_test_keyring_json (RelinkAccountManager *manager, RelinkAccount *account);
RelinkAccount *relink_test_stored_account (RelinkAccountManager *manager, RelinkAccount *account);
/* Newest first. */
GPtrArray *relink_test_history (RelinkAccountManager *manager, RelinkAccount *account);

/* The profile Relink ships for @id: its JSON text, or parsed (as a shipped
 * profile, asserting success). */
char *relink_test_shipped_profile (const char *id);
RelinkProvider *relink_test_shipped_provider (const char *id);

/* A keyset "keyset-1" of @provider (already resolved), for tests that
 * need no account manager. */
RelinkKeyset *relink_test_make_keyset (RelinkProvider *provider,
                                       const char *environment,
                                       const char *client_id,
                                       const char *redirect);

/* A fresh private directory under $TMPDIR. */
char *relink_test_make_tmp_dir (void);
/* Removes @path and everything below it. */
void relink_test_remove_dir (const char *path);

/* The command names (comm, at most 15 characters) of the processes whose
 * parent is @pid, each followed by a space; "" when none. */
char *relink_test_list_children (GPid pid);

/* For tests of programs that open the store and the keyring themselves
 * (relinkctl, the fault tests): what they find there, saved straight to
 * @store and the keyring through @secrets, asserting success. */

/* A keyset of @provider_id's @environment with @client_id and the
 * redirect https://relink.invalid/stub, its @client_secret in the
 * keyring. Returns its new id. */
char *relink_test_seed_keyset (RelinkStore *store,
                               RelinkSecrets *secrets,
                               const char *provider_id,
                               const char *environment,
                               const char *client_id,
                               const char *client_secret);
/* The keyset "keyset-stub" of the stub marketplace @provider_id (its
 * "test" environment, client "stub-app", redirect
 * https://relink.invalid/stub), and @client_secret in the keyring unless
 * NULL. */
void relink_test_save_stub_keyset (RelinkStore *store,
                                   RelinkSecrets *secrets,
                                   const char *provider_id,
                                   const char *client_secret);
/* An account @nickname of @keyset_id, created an hour ago. With @refresh,
 * connected (as "shop_a", ten days ago; the refresh token valid for 300
 * days) with @access expiring at @access_expires_at and @refresh in the
 * keyring; with @refresh NULL, never connected. Returns its new id. */
char *relink_test_seed_account (RelinkStore *store,
                                RelinkSecrets *secrets,
                                const char *keyset_id,
                                const char *nickname,
                                const char *access,
                                gint64 access_expires_at,
                                const char *refresh);

/* The keyring item of the tokens of account @account_id as the keyring
 * holds it, byte for byte; NULL when there is none. */
char *relink_test_keyring_item (const char *account_id);

/* The Secret Service of the session, over D-Bus: calls @method,
 * asserting success; the default collection's object path; whether the
 * collection at @path is locked; locks it as the seller's desktop would
 * (KeePassXC answers with a prompt of its own that needs nobody) and
 * waits until it is. */
GVariant *relink_test_call_secrets (const char *path,
                                    const char *interface,
                                    const char *method,
                                    GVariant *args);
char *relink_test_default_collection_path (void);
gboolean relink_test_collection_locked (const char *path);
void relink_test_lock_collection (const char *path);

/* How a program run by relink_test_run() ended. */
typedef struct
{
  int status;
  char *out;
  char *err;
  gint64 elapsed; /* microseconds */
} RelinkTestRun;

void relink_test_run_clear (RelinkTestRun *run);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RelinkTestRun, relink_test_run_clear)

/* The built program @name of src/cli (relinkctl, relinkctl-helper). */
char *relink_test_built_program (const char *name);

/* Runs @program with @argv (NULL-terminated, without the program) and
 * @input on its standard input ("" when NULL) until it exits, iterating
 * the default main context meanwhile (so that a stub server of the test
 * serves it). Its environment: XDG_DATA_HOME @data_dir, XDG_CONFIG_HOME
 * @config_dir, LANGUAGE=C, no G_MESSAGES_DEBUG, and @env (NULL or
 * "NAME", "VALUE" pairs, NULL-terminated). Asserts that it exited rather
 * than died. */
void relink_test_run (RelinkTestRun *run,
                      const char *program,
                      const char *data_dir,
                      const char *config_dir,
                      const char *const *env,
                      const char *input,
                      const char *const *argv);

G_END_DECLS
