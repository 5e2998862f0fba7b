/* test-uri.c: the one "plain http only on loopback" rule, and the login
 * view's address policy and host extraction.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "relink-uri.h"

static void
assert_all (const char *const *uris, gsize n, gboolean expected)
{
  for (gsize i = 0; i < n; i++)
    {
      if (relink_uri_is_secure (uris[i]) != expected)
        g_error ("relink_uri_is_secure (\"%s\") should be %s", uris[i],
                 expected ? "TRUE" : "FALSE");
    }
}

static void
test_https_always (void)
{
  const char *const secure[] = {
    "https://api.ebay.com/identity/v1/oauth2/token",
    "HTTPS://API.EBAY.COM/x",
    "HttPs://sellingpartnerapi-eu.amazon.com",
    "https://example.com:8443/callback?code=a%20b#frag",
    "https://user:pass@example.com/",
    "https://203.0.113.7/token",
    "https://[2001:db8::1]/token",
    "https://localhost./",
  };

  assert_all (secure, G_N_ELEMENTS (secure), TRUE);
}

static void
test_http_loopback (void)
{
  const char *const secure[] = {
    "http://127.0.0.1:8080/token",    "http://127.0.0.1/",           "http://127.8.9.10/token",
    "http://127.255.255.255:1/",      "http://[::1]:8080/token",     "http://[::1]/",
    "http://[0:0:0:0:0:0:0:1]/token", "http://localhost:1234/token", "http://LOCALHOST/",
    "http://LocalHost:80/x?y=z",      "HTTP://127.0.0.1/",
  };

  assert_all (secure, G_N_ELEMENTS (secure), TRUE);
}

static void
test_http_elsewhere (void)
{
  const char *const insecure[] = {
    "http://api.ebay.com/identity/v1/oauth2/token",
    "http://128.0.0.1/token",
    "http://126.255.255.255/",
    "http://10.0.0.1/",
    "http://0.0.0.0/",
    "http://[::2]/token",
    "http://[::]/",
    /* IPv4-mapped loopback: libsoup would reach 127.0.0.1, but nothing
     * needs it, so it is not special. */
    "http://[::ffff:127.0.0.1]/",
    /* Lookalike hosts. */
    "http://127.0.0.1.evil.com/token",
    "http://127.0.0.1.nip.io/",
    "http://localhost.evil.com/token",
    "http://evil-localhost/",
    "http://localhost./",
    "http://sub.localhost/",
    "http://127.0.0.1./",
    /* Short, octal and decimal IPv4 forms, which getaddrinfo would take. */
    "http://127.1/",
    "http://127.0.1/",
    "http://0177.0.0.1/",
    "http://2130706433/",
    "http://0x7f000001/",
    /* A percent-encoded host is not read as loopback. */
    "http://%31%32%37.0.0.1/",
    /* The host is after the "@". */
    "http://127.0.0.1@evil.com/",
    "http://localhost:80@evil.com/",
    /* User info on loopback is refused too: a WHATWG parser reads
     * "evil.com\@127.0.0.1" as host evil.com. */
    "http://evil.com@127.0.0.1/",
    "http://evil.com\\@127.0.0.1/",
    "http://127.0.0.1\\.evil.com/",
    "http://127.0.0.1\t.evil.com/",
    "http://127.0.0.1\n/",
    "http:// 127.0.0.1/",
  };

  assert_all (insecure, G_N_ELEMENTS (insecure), FALSE);
}

static void
test_not_web (void)
{
  const char *const refused[] = {
    "ftp://127.0.0.1/token", "ws://127.0.0.1/",
    "wss://example.com/",    "file:///etc/passwd",
    "javascript:alert(1)",   "data:text/html,hi",
    "about:blank",           "api.ebay.com/token",
    "//api.ebay.com/token",  "https:api.ebay.com",
    "http:127.0.0.1",        "https://",
    "http:///127.0.0.1/",    "",
  };

  assert_all (refused, G_N_ELEMENTS (refused), FALSE);
  g_assert_false (relink_uri_is_secure (NULL));
}

static void
test_loopback_host (void)
{
  g_assert_true (relink_uri_host_is_loopback ("127.0.0.1"));
  g_assert_true (relink_uri_host_is_loopback ("127.42.0.1"));
  g_assert_true (relink_uri_host_is_loopback ("::1"));
  g_assert_true (relink_uri_host_is_loopback ("localhost"));
  g_assert_true (relink_uri_host_is_loopback ("LOCALHOST"));

  g_assert_false (relink_uri_host_is_loopback ("[::1]"));
  g_assert_false (relink_uri_host_is_loopback ("localhost."));
  g_assert_false (relink_uri_host_is_loopback ("127.1"));
  g_assert_false (relink_uri_host_is_loopback ("128.0.0.1"));
  g_assert_false (relink_uri_host_is_loopback (""));
  g_assert_false (relink_uri_host_is_loopback (NULL));
}

static void
test_login_view_policy (void)
{
  const char *const allowed[] = {
    "https://auth.ebay.com/oauth2/authorize?client_id=x",
    "http://127.0.0.1:3000/interaction/abc",
    "about:blank",
    "ABOUT:srcdoc",
    "blob:https://auth.ebay.com/8f0c2b1e",
    "data:image/png;base64,AAAA",
  };
  const char *const refused[] = {
    "http://auth.ebay.com/",
    "http://127.0.0.1@evil.com/",
    "file:///home/seller/.local/share/keyrings/login.keyring",
    "javascript:alert(document.cookie)",
    "ftp://127.0.0.1/",
    "relink://callback",
    "not a uri",
    "",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (allowed); i++)
    {
      if (!relink_uri_is_allowed_in_login_view (allowed[i]))
        g_error ("the login view should open %s", allowed[i]);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      if (relink_uri_is_allowed_in_login_view (refused[i]))
        g_error ("the login view should refuse %s", refused[i]);
    }
  g_assert_false (relink_uri_is_allowed_in_login_view (NULL));
}

static void
test_dup_host (void)
{
  const struct
  {
    const char *uri;
    const char *host;
  } cases[] = {
    { "https://auth.ebay.com/oauth2/authorize?x=1", "auth.ebay.com" },
    { "https://user:pw@signin.example.com:8443/a", "signin.example.com" },
    { "http://127.0.0.1:3000/", "127.0.0.1" },
    { "http://[::1]:3000/", "::1" },
    { "https://AUTH.Example.COM/", "AUTH.Example.COM" },
    /* Not a DNS name: still shown, as the page's own address says. */
    { "https://under_score.example/", "under_score.example" },
    { "about:blank", NULL },
    { "data:text/html,x", NULL },
    { "https:///path", NULL },
    { "no scheme", NULL },
    { "", NULL },
    { NULL, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *host = relink_uri_dup_host (cases[i].uri);

      g_assert_cmpstr (host, ==, cases[i].host);
    }
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/uri/https-always", test_https_always);
  g_test_add_func ("/uri/http-loopback", test_http_loopback);
  g_test_add_func ("/uri/http-elsewhere", test_http_elsewhere);
  g_test_add_func ("/uri/not-web", test_not_web);
  g_test_add_func ("/uri/loopback-host", test_loopback_host);
  g_test_add_func ("/uri/login-view-policy", test_login_view_policy);
  g_test_add_func ("/uri/dup-host", test_dup_host);

  return g_test_run ();
}
