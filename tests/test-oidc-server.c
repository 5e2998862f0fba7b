/* test-oidc-server.c: the test OAuth server starts, says what the login
 * tests rely on, serves the documented sign-in page and goes away when
 * told.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "relink-test-oidc.h"

/* Straight to 127.0.0.1, whatever proxy the environment names. */
static SoupSession *
new_session (void)
{
  return soup_session_new_with_options ("proxy-resolver", NULL, NULL);
}

static GBytes *
http_get (SoupSession *session, const char *uri, guint *status, GError **error)
{
  g_autoptr (SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, uri);
  GBytes *body;

  body = soup_session_send_and_read (session, msg, NULL, error);
  *status = soup_message_get_status (msg);
  return body;
}

static JsonObject *
get_json (SoupSession *session, const char *uri)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  guint status = 0;
  gsize size;
  const char *data;

  body = http_get (session, uri, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
  data = g_bytes_get_data (body, &size);
  json_parser_load_from_data (parser, data, size, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static gboolean
array_contains (JsonObject *object, const char *member, const char *value)
{
  JsonArray *array = json_object_get_array_member (object, member);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      if (g_strcmp0 (json_array_get_string_element (array, i), value) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
assert_endpoint (JsonObject *disco, const char *member, const char *issuer, const char *path)
{
  g_autofree char *expected = g_strconcat (issuer, path, NULL);

  g_assert_cmpstr (json_object_get_string_member_with_default (disco, member, NULL), ==, expected);
}

static void
test_discovery (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SoupSession) session = new_session ();
  g_autoptr (JsonObject) disco = NULL;
  g_autoptr (GBytes) after = NULL;
  g_autofree char *uri = NULL;
  RelinkTestOidc *server;
  const char *issuer;
  GPid pid;
  guint status = 0;

  server = relink_test_oidc_start (NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (server);

  issuer = relink_test_oidc_get_issuer (server);
  g_assert_true (g_str_has_prefix (issuer, "http://127.0.0.1:"));
  g_assert_false (g_str_has_suffix (issuer, ":0"));
  g_assert_false (g_str_has_suffix (issuer, "/"));
  pid = relink_test_oidc_get_pid (server);
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (kill (pid, 0), ==, 0);

  uri = g_strconcat (issuer, "/.well-known/openid-configuration", NULL);
  disco = get_json (session, uri);
  g_assert_cmpstr (json_object_get_string_member_with_default (disco, "issuer", NULL), ==, issuer);
  assert_endpoint (disco, "authorization_endpoint", issuer, "/auth");
  assert_endpoint (disco, "token_endpoint", issuer, "/token");
  assert_endpoint (disco, "revocation_endpoint", issuer, "/token/revocation");
  assert_endpoint (disco, "userinfo_endpoint", issuer, "/me");
  g_assert_true (array_contains (disco, "code_challenge_methods_supported", "S256"));
  g_assert_false (array_contains (disco, "code_challenge_methods_supported", "plain"));
  g_assert_true (array_contains (disco, "grant_types_supported", "authorization_code"));
  g_assert_true (array_contains (disco, "grant_types_supported", "refresh_token"));
  g_assert_true (array_contains (disco, "scopes_supported", "offline_access"));

  relink_test_oidc_stop (server);

  /* Reaped, not merely signalled: no such process any more. */
  g_assert_cmpint (kill (pid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);

  /* And nothing listens on its port. */
  after = http_get (session, uri, &status, &error);
  g_assert_null (after);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

/* The WebView test fills this page in like a person: the names and ids it
 * uses are the ones tests/oidc/README.md promises. */
static void
test_sign_in_page (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkTestOidc) server = NULL;
  g_autoptr (SoupSession) session = new_session ();
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GUri) base = NULL;
  g_autoptr (GUri) auth = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *page = NULL;
  guint status = 0;

  server = relink_test_oidc_start (NULL, &error);
  g_assert_no_error (error);

  /* The interaction cookie set by /auth must come back on the redirect. */
  soup_session_add_feature_by_type (session, SOUP_TYPE_COOKIE_JAR);

  base = g_uri_parse (relink_test_oidc_get_issuer (server), G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  auth = g_uri_build (G_URI_FLAGS_ENCODED, "http", NULL, g_uri_get_host (base),
                      g_uri_get_port (base), "/auth",
                      "client_id=" RELINK_TEST_OIDC_CLIENT_ID
                      "&redirect_uri=https%3A%2F%2Frelink.invalid%2Fcallback"
                      "&response_type=code&scope=openid&state=xyz"
                      "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
                      "&code_challenge_method=S256",
                      NULL);
  uri = g_uri_to_string (auth);

  body = http_get (session, uri, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
  page = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_assert_nonnull (strstr (page, "<form id=\"login-form\" method=\"post\""));
  g_assert_nonnull (strstr (page, "<input id=\"login\" name=\"login\" type=\"text\""));
  g_assert_nonnull (strstr (page, "<input id=\"password\" name=\"password\" type=\"password\""));
  g_assert_nonnull (strstr (page, "<button id=\"sign-in\" type=\"submit\""));
  g_assert_nonnull (strstr (page, "<button id=\"cancel\" type=\"submit\""));
}

/* Two tests may run at once: each gets its own port. */
static void
test_two_servers (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkTestOidc) a = NULL;
  g_autoptr (RelinkTestOidc) b = NULL;

  a = relink_test_oidc_start (NULL, &error);
  g_assert_no_error (error);
  b = relink_test_oidc_start (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (relink_test_oidc_get_issuer (a), !=, relink_test_oidc_get_issuer (b));
  g_assert_cmpint (relink_test_oidc_get_pid (a), !=, relink_test_oidc_get_pid (b));
}

static void
test_bad_arguments (void)
{
  const char *const args[] = { "--access-ttl", "soon", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkTestOidc) server = NULL;
  gint64 started = g_get_monotonic_time ();

  server = relink_test_oidc_start (args, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_null (server);
  /* Noticed when the process exits, not by waiting out the timeout. */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 15 * G_USEC_PER_SEC);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/oidc-server/discovery", test_discovery);
  g_test_add_func ("/oidc-server/sign-in-page", test_sign_in_page);
  g_test_add_func ("/oidc-server/two-servers", test_two_servers);
  g_test_add_func ("/oidc-server/bad-arguments", test_bad_arguments);

  return g_test_run ();
}
