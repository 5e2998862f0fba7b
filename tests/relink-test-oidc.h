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
 * to 20 s) until it listens. @extra_args is NULL or a NULL-terminated list
 * such as { "--access-ttl", "2", NULL }. Fails (never skips) when node or
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

G_END_DECLS
