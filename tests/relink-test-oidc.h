/* relink-test-oidc.h
 *
 * A real OAuth 2.0 / OpenID Connect server (tests/oidc/server.js, built on
 * oidc-provider) for the tests, on 127.0.0.1. tests/oidc/README.md tells
 * its pages, clients and behaviour.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The built-in clients (see tests/oidc/README.md). The secret is a test
 * value known to everyone; it never reaches argv. */
#define RELINK_TEST_OIDC_CLIENT_ID "relink-test"           /* client_secret_basic */
#define RELINK_TEST_OIDC_CLIENT_POST_ID "relink-test-post" /* client_secret_post */
#define RELINK_TEST_OIDC_PUBLIC_CLIENT_ID "relink-public"  /* no secret, PKCE */
#define RELINK_TEST_OIDC_CLIENT_SECRET "relink-test-client-secret"
#define RELINK_TEST_OIDC_REDIRECT_URI "https://relink.invalid/callback"
/* Any username signs in with this password. */
#define RELINK_TEST_OIDC_PASSWORD "secret"

/* One running server process. It dies with the test process even if the
 * test crashes: its stdin is a pipe from us. */
typedef struct _RelinkTestOidc RelinkTestOidc;

/* Starts `node tests/oidc/server.js --port 0 EXTRA_ARGS...` and waits (up
 * to 30 s) until it listens; a server still silent then is reported in
 * the test log (its state and node's diagnostic report) and started once
 * more. @extra_args is NULL or a NULL-terminated list such as
 * { "--access-ttl", "2", NULL }. Fails (never skips) when node or
 * tests/oidc/node_modules is missing. */
RelinkTestOidc *relink_test_oidc_start (const char *const *extra_args, GError **error);

/* "http://127.0.0.1:PORT", no trailing slash. */
const char *relink_test_oidc_get_issuer (RelinkTestOidc *self);

/* The server's process id, for checking that it is gone after stop. */
GPid relink_test_oidc_get_pid (RelinkTestOidc *self);

/* Sends SIGTERM, waits for the process to exit (SIGKILL after 5 s) and
 * frees @self. NULL is allowed. */
void relink_test_oidc_stop (RelinkTestOidc *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RelinkTestOidc, relink_test_oidc_stop)

/* A custom profile for the server, written as @dir/test-oidc.json:
 * id RELINK_TEST_OIDC_PROVIDER_ID, named "Test OIDC", basic client
 * authentication, PKCE required, the scopes openid, offline_access and
 * listings.read, refresh tokens good for 90 days, identity from the ID
 * token, and one environment "test". Revocation goes to @revoke_url, or
 * to the server's own endpoint when NULL; @rotating says that refresh
 * tokens rotate and each refresh extends the grant. */
#define RELINK_TEST_OIDC_PROVIDER_ID "test-oidc"
void relink_test_oidc_write_profile (RelinkTestOidc *self,
                                     const char *dir,
                                     const char *revoke_url,
                                     gboolean rotating);

/* Plays the seller's part in the login view: at @authorize_url (the
 * server's consent URL), with a fresh cookie jar, signs in as @user and
 * allows (or denies) access. Returns the redirect address to Relink that
 * the login view would catch (never fetched). */
char *relink_test_oidc_sign_in (const char *authorize_url, const char *user, gboolean allow);

/* Who the server says @access_token belongs to (its userinfo "sub"); NULL
 * when it refuses the token. */
char *relink_test_oidc_userinfo_sub (RelinkTestOidc *self, const char *access_token);

/* The HTTP status of a refresh with @refresh_token at the server, as the
 * RELINK_TEST_OIDC_CLIENT_ID client. Careful: a spent token revokes the
 * whole grant (reuse detection). */
guint relink_test_oidc_refresh_status (RelinkTestOidc *self, const char *refresh_token);

/* For the in-process stub servers of the tests. */

/* Plain HTTP straight to 127.0.0.1, whatever proxy the environment names. */
SoupSession *relink_test_new_session (void);

/* Makes @server listen on a free port of 127.0.0.1 and returns its base
 * address, "http://127.0.0.1:PORT". */
char *relink_test_listen_local (SoupServer *server);

/* The form in the body of the request @msg (application/x-www-form-urlencoded). */
GHashTable *relink_test_read_form (SoupServerMessage *msg);

/* Answers @msg with @status and the JSON text @json. */
void relink_test_answer_json (SoupServerMessage *msg, guint status, const char *json);

/* Takes the connection of @msg over from libsoup, writes @raw on it
 * (unless NULL) and keeps it in @held (GIOStreams, which unref them):
 * what it gets from now on is the test's business. */
void relink_test_hold_connection (GPtrArray *held, SoupServerMessage *msg, const char *raw);
/* A GSourceFunc that writes one byte of a body that never ends on each
 * connection of @user_data, a @held array. */
gboolean relink_test_drip_cb (gpointer user_data);

G_END_DECLS
