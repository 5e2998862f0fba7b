/* test-validate.c: what the add-account dialog accepts as developer keys,
 * keyset extras, expiry dates, nicknames and custom issuers, without the
 * dialog.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "relink-expiry.h"
#include "relink-provider-registry.h"
#include "relink-store.h"
#include "relink-test-util.h"
#include "relink-validate.h"

/* Asserts that @problem is NULL (when @needle is NULL) or mentions
 * @needle, and frees it. */
static void
assert_problem (char *problem, const char *needle, const char *input)
{
  g_autofree char *owned = problem;

  if (needle == NULL && owned != NULL)
    g_error ("“%s” should be accepted, got: %s", input, owned);
  if (needle != NULL && owned == NULL)
    g_error ("“%s” should be refused (%s)", input, needle);
  if (needle != NULL && strstr (owned, needle) == NULL)
    g_error ("the problem with “%s” should mention “%s”: %s", input, needle, owned);
}

static const char not_utf8[] = "abc\xff\xfe";

static void
test_client_id (void)
{
  assert_problem (relink_validate_client_id ("amzn1.application-oa2-client.1"), NULL, "id");
  assert_problem (relink_validate_client_id ("  x  "), NULL, "x");
  assert_problem (relink_validate_client_id (""), "client ID", "");
  assert_problem (relink_validate_client_id (" \t\n "), "client ID", "blank");
  assert_problem (relink_validate_client_id (not_utf8), "cannot read", "bytes");
  assert_problem (relink_validate_client_id (NULL), "cannot read", "NULL");
}

static void
test_client_secret (void)
{
  assert_problem (relink_validate_client_secret ("amzn1.oa2-cs.v1.abc"), NULL, "secret");
  /* Kept as pasted: white space alone is a (strange) secret, not none. */
  assert_problem (relink_validate_client_secret (" "), NULL, "space");
  assert_problem (relink_validate_client_secret (""), "client secret", "");
  assert_problem (relink_validate_client_secret (not_utf8), "cannot read", "bytes");
}

static void
test_redirect_url (void)
{
  const char *const accepted[] = {
    "https://example.com/callback",
    "  https://relink.invalid/amazon-new  ",
    "HTTPS://EXAMPLE.COM",
    "https://example.com:8443/cb?x=1",
    "http://127.0.0.1:8080/callback",
    "http://localhost/cb",
    "http://[::1]:9/cb",
  };
  const struct
  {
    const char *text;
    const char *needle;
  } refused[] = {
    { "", "Enter the redirect URL" },
    { "   ", "Enter the redirect URL" },
    { "example.com/callback", "not a web address" },
    { "https://", "not a web address" },
    { "https:///callback", "not a web address" },
    { "Jane_Doe-JaneDoeA-MyApp-abcdefg", "not a web address" },
    { "http://example.com/callback", "only allowed for this computer" },
    /* Once accepted because it starts with "127.". */
    { "http://127.evil.com/callback", "only allowed for this computer" },
    { "http://127.0.0.1.evil.com/callback", "only allowed for this computer" },
    { "http://127.0.0.1@evil.com/", "only allowed for this computer" },
    { "ftp://127.0.0.1/callback", "starting with https://" },
    { "relink://callback", "starting with https://" },
    { not_utf8, "cannot read" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (accepted); i++)
    assert_problem (relink_validate_redirect_url (accepted[i]), NULL, accepted[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    assert_problem (relink_validate_redirect_url (refused[i].text), refused[i].needle,
                    refused[i].text);
}

static void
test_runame (void)
{
  const struct
  {
    const char *text;
    const char *needle;
  } cases[] = {
    { "Jane_Doe-JaneDoeA-MyApp-abcdefg", NULL },
    { " Jane_Doe-JaneDoeA-MyApp-abcdefg\n", NULL },
    { "", "Enter the RuName" },
    { "https://example.com/accepted", "not a web address" },
    { "www.example.com", "not a web address" },
    { "Jane/Doe", "not a web address" },
    { "Jane Doe-MyApp", "no spaces" },
    { "Jane\tDoe", "no spaces" },
    { not_utf8, "cannot read" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_problem (relink_validate_runame (cases[i].text), cases[i].needle, cases[i].text);
}

static void
test_redirect_by_style (void)
{
  g_autoptr (RelinkProvider) ebay = relink_test_shipped_provider ("ebay");
  g_autoptr (RelinkProvider) amazon = relink_test_shipped_provider ("amazon-sp-api");

  /* eBay wants a RuName, Amazon a URL: each refuses the other's. */
  assert_problem (relink_validate_redirect (ebay, "Someone-Someone-App-abcdefg"), NULL, "RuName");
  assert_problem (relink_validate_redirect (ebay, "https://example.com/accepted"),
                  "not a web address", "URL for eBay");
  assert_problem (relink_validate_redirect (amazon, "https://example.com/cb"), NULL, "URL");
  assert_problem (relink_validate_redirect (amazon, "Someone-Someone-App-abcdefg"),
                  "not a web address", "RuName for Amazon");
}

static void
test_keyset_field (void)
{
  g_autoptr (RelinkProvider) amazon = relink_test_shipped_provider ("amazon-sp-api");
  const RelinkKeysetField *application_id
      = relink_provider_get_keyset_field (amazon, "application_id");
  const RelinkKeysetField *version = relink_provider_get_keyset_field (amazon, "version");
  const RelinkKeysetField secret = {
    .id = (char *) "shared_secret",
    .label = (char *) "Shared Secret",
    .secret = TRUE,
    .required = TRUE,
  };

  g_assert_nonnull (application_id);
  g_assert_true (application_id->required);
  g_assert_nonnull (version);
  g_assert_false (version->required);

  assert_problem (relink_validate_keyset_field (application_id, "amzn1.sp.solution.1"), NULL,
                  "application id");
  assert_problem (relink_validate_keyset_field (application_id, ""), application_id->label,
                  "empty required");
  assert_problem (relink_validate_keyset_field (application_id, "  \n"), "is required",
                  "blank required");
  assert_problem (relink_validate_keyset_field (version, ""), NULL, "empty optional");
  assert_problem (relink_validate_keyset_field (version, "beta"), NULL, "optional");
  assert_problem (relink_validate_keyset_field (version, not_utf8), "cannot read", "bytes");
  assert_problem (relink_validate_keyset_field (&secret, " s3cret "), NULL, "secret");
  assert_problem (relink_validate_keyset_field (&secret, " "), "Shared Secret is required",
                  "blank secret");
}

static void
test_parse_date (void)
{
  g_autoptr (GTimeZone) local = g_time_zone_new_local ();
  g_autoptr (GDateTime) expected = g_date_time_new (local, 2031, 2, 3, 0, 0, 0);
  const char *const invalid[] = {
    "",           "next spring", "2031-02-30",  "2031-13-01",  "2031-00-10",  "2031-01-00",
    "2030-02-29", "2031-2-3x",   "2031-02-03 ", " 2031-02-03", "+2031-02-03", "2031-+2-03",
    "2031-02--3", "2031/02/03",  "03.02.2031",  "12345-01-01", "0000-01-01",
  };
  gint64 when = -1;

  g_assert_true (relink_validate_parse_date ("2031-02-03", &when));
  g_assert_cmpint (when, ==, g_date_time_to_unix (expected));

  /* Leap day, in a leap year only. */
  g_assert_true (relink_validate_parse_date ("2032-02-29", &when));
  /* Short fields are read as the numbers they are. */
  g_assert_true (relink_validate_parse_date ("2031-2-3", &when));
  g_assert_cmpint (when, ==, g_date_time_to_unix (expected));

  for (gsize i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      when = -1;
      if (relink_validate_parse_date (invalid[i], &when))
        g_error ("“%s” should not be a date", invalid[i]);
      g_assert_cmpint (when, ==, -1);
    }
  g_assert_false (relink_validate_parse_date (NULL, &when));
}

static void
test_secret_expiry (void)
{
  assert_problem (relink_validate_secret_expiry (""), NULL, "empty");
  assert_problem (relink_validate_secret_expiry ("  "), NULL, "blank");
  assert_problem (relink_validate_secret_expiry (" 2031-02-03 "), NULL, "padded date");
  assert_problem (relink_validate_secret_expiry ("next spring"), "year-month-day", "words");
  assert_problem (relink_validate_secret_expiry ("2031-02-30"), "year-month-day", "no such day");
}

static void
test_nickname (void)
{
  g_autofree char *dir = relink_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "relink.db", NULL);
  g_autofree char *provider_dir = g_build_filename (dir, "providers", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkStore) store = NULL;
  g_autoptr (RelinkSecrets) secrets = relink_secrets_new ();
  g_autoptr (RelinkProviderRegistry) providers = relink_provider_registry_new (provider_dir);
  g_autoptr (RelinkAccountManager) manager = NULL;
  g_autoptr (RelinkAccount) first = NULL;
  g_autofree char *padded = NULL;
  g_autofree char *taken = NULL;

  store = relink_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (relink_test_populate_fixture (store, 2, relink_now (), &error));
  g_assert_no_error (error);
  manager = relink_account_manager_new (store, secrets, providers);
  g_assert_true (relink_account_manager_load_sync (manager, NULL, &error));
  g_assert_no_error (error);

  first = g_list_model_get_item (relink_account_manager_get_accounts (manager), 0);
  g_assert_nonnull (first);
  taken = relink_validate_nickname (manager, relink_account_get_nickname (first));
  g_assert_nonnull (taken);
  g_assert_nonnull (strstr (taken, relink_account_get_nickname (first)));
  g_assert_nonnull (strstr (taken, "already exists"));

  /* Trimmed as the dialog saves it: the same name with blanks is taken. */
  padded = g_strdup_printf ("  %s\t", relink_account_get_nickname (first));
  assert_problem (relink_validate_nickname (manager, padded), "already exists", padded);

  assert_problem (relink_validate_nickname (manager, "A shop nobody has yet"), NULL, "new");
  assert_problem (relink_validate_nickname (manager, ""), "Enter a nickname", "empty");
  assert_problem (relink_validate_nickname (manager, " \n"), "Enter a nickname", "blank");
  assert_problem (relink_validate_nickname (manager, not_utf8), "cannot read", "bytes");

  g_clear_object (&first);
  relink_test_assert_finalize_eventually (g_steal_pointer (&manager));
  relink_test_remove_dir (dir);
}

static void
test_issuer_url (void)
{
  const struct
  {
    const char *text;
    const char *needle;
    gboolean insecure;
  } cases[] = {
    { "https://login.example.com", NULL, FALSE },
    { "  https://login.example.com/realms/shop/  ", NULL, FALSE },
    { "http://127.0.0.1:3000", NULL, FALSE },
    { "", "not a valid web address", FALSE },
    { "login.example.com", "not a valid web address", FALSE },
    { "https://login.example.com/?tenant=1", "not a valid web address", FALSE },
    { "https://login.example.com/#top", "not a valid web address", FALSE },
    { "https://", "not a valid web address", FALSE },
    { "http://login.example.com", "must start with https://", TRUE },
    { "http://127.0.0.1.evil.com", "must start with https://", TRUE },
    { "ftp://login.example.com", "must start with https://", TRUE },
    { not_utf8, "cannot read", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean insecure = !cases[i].insecure;

      assert_problem (relink_validate_issuer_url (cases[i].text, &insecure), cases[i].needle,
                      cases[i].text);
      if (insecure != cases[i].insecure)
        g_error ("“%s”: insecure should be %d", cases[i].text, cases[i].insecure);
    }
  assert_problem (relink_validate_issuer_url ("http://example.com", NULL), "https://", "no out");
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/validate/client-id", test_client_id);
  g_test_add_func ("/validate/client-secret", test_client_secret);
  g_test_add_func ("/validate/redirect-url", test_redirect_url);
  g_test_add_func ("/validate/runame", test_runame);
  g_test_add_func ("/validate/redirect-by-style", test_redirect_by_style);
  g_test_add_func ("/validate/keyset-field", test_keyset_field);
  g_test_add_func ("/validate/parse-date", test_parse_date);
  g_test_add_func ("/validate/secret-expiry", test_secret_expiry);
  g_test_add_func ("/validate/nickname", test_nickname);
  g_test_add_func ("/validate/issuer-url", test_issuer_url);

  return g_test_run ();
}
