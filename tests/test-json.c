/* test-json.c: the one entry point for untrusted JSON (relink-json.h) and
 * the readers built on it: depth and size limits that keep json-glib 1.6
 * from recursing off the stack, strict strings (UTF-8, no NUL, no octal
 * escapes), messages that never quote the text, and the source tree
 * calling json-glib's parser nowhere else.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "relink-json.h"
#include "relink-keyset.h"
#include "relink-provider-discovery.h"
#include "relink-test-util.h"
#include "relink-token-response.h"
#include "relink-token-set.h"

#define NOW G_GINT64_CONSTANT (1700000000)
/* Stands for a token in faulty text: no message may repeat it. */
#define SECRET "SECRETv1tokenAbc123"

/* Enough "[" to crash json-glib 1.6 (it recurses once per level). */
#define CRASH_DEPTH 200000

static char *
repeat (const char *unit, guint times)
{
  GString *text = g_string_sized_new (strlen (unit) * times + 1);

  for (guint i = 0; i < times; i++)
    g_string_append (text, unit);
  return g_string_free (text, FALSE);
}

/* Nested arrays, @depth levels, around "1". */
static char *
nested (guint depth)
{
  g_autofree char *open = repeat ("[", depth);
  g_autofree char *close = repeat ("]", depth);

  return g_strconcat (open, "1", close, NULL);
}

static void
assert_refused (const char *text, gssize length, RelinkJsonError code)
{
  g_autoptr (GError) error = NULL;
  JsonNode *root;

  root = relink_json_parse (text, length, 0, RELINK_JSON_MAX_DEPTH, &error);
  if (root != NULL)
    g_error ("accepted: %s", text);
  g_assert_error (error, RELINK_JSON_ERROR, (int) code);
  g_assert_null (strstr (error->message, SECRET));
}

static void
assert_accepted (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = relink_json_parse (text, -1, 0, RELINK_JSON_MAX_DEPTH, &error);

  if (root == NULL)
    g_error ("refused %s: %s", text, error->message);
}

static void
test_deep_refused (void)
{
  g_autofree char *deep = repeat ("[", CRASH_DEPTH);
  g_autofree char *objects = repeat ("{\"" SECRET "\":", CRASH_DEPTH);
  g_autofree char *ok = nested (RELINK_JSON_MAX_DEPTH);
  g_autofree char *one_more = nested (RELINK_JSON_MAX_DEPTH + 1);
  g_autoptr (GError) error = NULL;
  JsonNode *root;

  /* json-glib alone dies of a stack overflow on these. */
  assert_refused (deep, -1, RELINK_JSON_ERROR_TOO_DEEP);
  assert_refused (objects, -1, RELINK_JSON_ERROR_TOO_DEEP);

  assert_accepted (ok);
  assert_refused (one_more, -1, RELINK_JSON_ERROR_TOO_DEEP);

  /* The message says where, as a position. */
  root = relink_json_parse (one_more, -1, 0, RELINK_JSON_MAX_DEPTH, &error);
  g_assert_null (root);
  g_assert_nonnull (strstr (error->message, "32"));
  g_assert_nonnull (strstr (error->message, "column 33"));
  g_clear_error (&error);

  /* The caller's own limit counts. */
  root = relink_json_parse ("{\"a\":{\"b\":1}}", -1, 0, 1, &error);
  g_assert_null (root);
  g_assert_error (error, RELINK_JSON_ERROR, RELINK_JSON_ERROR_TOO_DEEP);
}

static void
test_brackets_in_strings (void)
{
  g_autofree char *brackets = repeat ("[{", 5000);
  g_autofree char *text = g_strdup_printf ("{\"a\": \"%s\", \"b\": \"\\\"[[[\\\\\"}", brackets);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = relink_json_parse (text, -1, 0, 2, &error);
  JsonObject *object;

  g_assert_no_error (error);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "a"), ==, brackets);
  g_assert_cmpstr (json_object_get_string_member (object, "b"), ==, "\"[[[\\");
}

static void
test_size_limit (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("{\"access_token\": \"%s\"}", SECRET);
  JsonNode *root;

  root = relink_json_parse (text, -1, strlen (text) - 1, RELINK_JSON_MAX_DEPTH, &error);
  g_assert_null (root);
  g_assert_error (error, RELINK_JSON_ERROR, RELINK_JSON_ERROR_TOO_LARGE);
  g_assert_null (strstr (error->message, SECRET));
  g_clear_error (&error);

  root = relink_json_parse (text, -1, strlen (text), RELINK_JSON_MAX_DEPTH, &error);
  g_assert_no_error (error);
  json_node_unref (root);
}

static void
test_strings_strict (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = NULL;

  /* json-glib 1.6 turns the octal escape into the raw byte 0xE9. */
  assert_refused ("{\"token_type\": \"" SECRET "\\351\"}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": \"" SECRET "\\x41\"}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": \"" SECRET "\\u0000b\"}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": \"\\ud800" SECRET "\"}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": \"\\udc00\"}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": \"\\ud800\\u0041\"}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": \"\\u12G4\"}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": \"" SECRET "\xe9\"}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": \"\xed\xa0\x80\"}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": \"\xc0\xaf\"}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": \"" SECRET "\n\"}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": \"" SECRET, -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": \"x\\", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": \"x\\u12", -1, RELINK_JSON_ERROR_INVALID);
  /* A NUL byte inside the given length. */
  assert_refused ("{\"a\": \"x\0y\"}", 13, RELINK_JSON_ERROR_INVALID);

  /* What JSON allows comes through as UTF-8. */
  root = relink_json_parse ("{\"a\": \"\\u00e9\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\", \"b\": \"é\"}",
                            -1, 0, RELINK_JSON_MAX_DEPTH, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "a"), ==,
                   "é\xf0\x9f\x98\x80/\b\f\n\r\t");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "b"), ==, "é");
}

static void
test_syntax_strict (void)
{
  /* All accepted by json-glib 1.6, none of them JSON. */
  assert_refused ("var x = {\"a\": 1}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": 1} /* " SECRET " */", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{'a': '" SECRET "'}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": [1, 2,]}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": 1,}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": 01}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": 1.}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": .5}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": -}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": 1e}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": True}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": nul}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\" 1}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{a: 1}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": 1]", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("[1}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": 1} {\"b\": 2}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("{\"a\": 1", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("]", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("", -1, RELINK_JSON_ERROR_EMPTY);
  assert_refused (" \n\t\r ", -1, RELINK_JSON_ERROR_EMPTY);

  /* Valid JSON, but infinity as a double: no writer could write it back. */
  assert_refused ("{\"expires_in\": 1e999}", -1, RELINK_JSON_ERROR_INVALID);
  assert_refused ("-1e400", -1, RELINK_JSON_ERROR_INVALID);

  assert_accepted ("{}");
  assert_accepted ("[]");
  assert_accepted ("\xef\xbb\xbf{\"bom\": true}");
  assert_accepted (" {\"a\": [1, -2.5e+3, 0, 0.1E-2, true, false, null, \"\", {}, []]} \n");
  assert_accepted ("\"just a string\"");
  assert_accepted ("12");
}

static void
test_position (void)
{
  g_autoptr (GError) error = NULL;
  JsonNode *root;

  root = relink_json_parse ("{\n  \"a\": 1,\n  \"b\": \"" SECRET "\\q\"\n}", -1, 0,
                            RELINK_JSON_MAX_DEPTH, &error);
  g_assert_null (root);
  g_assert_error (error, RELINK_JSON_ERROR, RELINK_JSON_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "line 3, column 28"));
  g_assert_null (strstr (error->message, SECRET));
}

static void
test_object_root (void)
{
  g_autoptr (GError) error = NULL;
  JsonNode *root = relink_json_parse_object ("[\"" SECRET "\"]", -1, 0, 4, &error);

  g_assert_null (root);
  g_assert_error (error, RELINK_JSON_ERROR, RELINK_JSON_ERROR_INVALID);
  g_assert_null (strstr (error->message, SECRET));
}

/* Every reader of untrusted JSON goes through the checked entry point:
 * a deep document is refused, not a crash. */
static void
test_readers_refuse_deep (void)
{
  g_autoptr (RelinkProvider) ebay = relink_test_shipped_provider ("ebay");
  g_autofree char *deep = repeat ("[", CRASH_DEPTH);
  g_autofree char *deep_member = g_strdup_printf ("{\"access_token\": %s", deep);
  g_autoptr (RelinkProvider) provider = NULL;
  g_autoptr (RelinkTokenSet) tokens = NULL;
  g_autoptr (RelinkIdentity) identity = NULL;
  g_autoptr (RelinkKeyset) keyset = NULL;
  g_autoptr (GError) error = NULL;
  GError *oauth_error;

  tokens = relink_token_response_parse (ebay, RELINK_OAUTH_CALL_REFRESH, deep_member,
                                        strlen (deep_member), NULL, NULL, NOW, NULL, &error);
  g_assert_null (tokens);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED);
  g_clear_error (&error);

  identity = relink_token_response_parse_identity (ebay, deep_member, strlen (deep_member), &error);
  g_assert_null (identity);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED);
  g_clear_error (&error);

  oauth_error = relink_token_response_parse_error (ebay, RELINK_OAUTH_CALL_REFRESH, 400,
                                                   deep_member, strlen (deep_member), 0);
  g_assert_nonnull (oauth_error);
  g_assert_true (oauth_error->domain == RELINK_OAUTH_ERROR);
  g_error_free (oauth_error);

  provider = relink_provider_new_from_json (deep_member, -1, "deep.json", &error);
  g_assert_null (provider);
  g_assert_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "deep.json: not a profile Relink can read: nested"));
  g_clear_error (&error);

  tokens = relink_token_set_new_from_json (deep_member, &error);
  g_assert_null (tokens);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  keyset = relink_test_make_keyset (ebay, "production", "client-id", "Shop_Owner-RuName");

  /* A field id is named; a damaged name is not repeated. */
  g_assert_false (relink_keyset_set_extras_json (keyset, "{\"accepted_url\": 12}", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "“accepted_url”"));
  g_clear_error (&error);
  g_assert_false (relink_keyset_set_extras_json (keyset, "{\"a\\fb\": 12}", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_null (strchr (error->message, '\f'));
  g_clear_error (&error);

  g_assert_false (relink_keyset_set_extras_json (keyset, deep_member, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  provider = relink_provider_discovery_parse ("https://login.example.com", NULL, deep_member,
                                              strlen (deep_member), NULL, &error);
  g_assert_null (provider);
  g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED);
}

/* Token types and scopes must read back from the keyring and never break
 * a header:
 * an answer whose token_type or scope is not clean text is refused. */
static void
test_token_answer_text (void)
{
  g_autoptr (RelinkProvider) ebay = relink_test_shipped_provider ("ebay");
  g_autoptr (RelinkTokenSet) previous = relink_token_set_new ();
  static const char *const bad[] = {
    "{\"access_token\": \"A1\", \"token_type\": \"Bearer\\u0007\"}",
    "{\"access_token\": \"A1\", \"token_type\": \"Bearer\\r\\nX-Evil: 1\"}",
    "{\"access_token\": \"A1\", \"token_type\": \"Bearer\\351\"}",
    "{\"access_token\": \"A1\", \"scope\": \"read\\u0001write\"}",
    "{\"access_token\": \"A1\", \"scope\": \"read\\351\"}",
    "{\"access_token\": \"A1\", \"scope\": \"read\xe9\"}",
  };

  relink_token_set_set_access_token (previous, "OLD");
  relink_token_set_set_refresh_token (previous, "R0");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (RelinkTokenSet) tokens = NULL;

      tokens = relink_token_response_parse (ebay, RELINK_OAUTH_CALL_REFRESH, bad[i],
                                            strlen (bad[i]), previous, NULL, NOW, NULL, &error);
      if (tokens != NULL)
        g_error ("accepted %s", bad[i]);
      g_assert_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED);
      g_assert_cmpstr (relink_token_set_get_access_token (previous), ==, "OLD");
    }

  {
    const char *good = "{\"access_token\": \"A1\", \"token_type\": \"bearer\", \"scope\": "
                       "\"https://api.ebay.com/oauth/api_scope \\u00e9t\\u00e9\"}";
    g_autoptr (GError) error = NULL;
    g_autoptr (RelinkTokenSet) tokens = NULL;
    g_autoptr (RelinkTokenSet) back = NULL;
    g_autofree char *json = NULL;

    tokens = relink_token_response_parse (ebay, RELINK_OAUTH_CALL_REFRESH, good, strlen (good),
                                          previous, NULL, NOW, NULL, &error);
    g_assert_no_error (error);
    json = relink_token_set_to_json (tokens);
    back = relink_token_set_new_from_json (json, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (relink_token_set_get_scope (back), ==,
                     "https://api.ebay.com/oauth/api_scope été");
    g_assert_cmpstr (relink_token_set_get_token_type (back), ==, "bearer");
  }
}

/* A keyring item with times no clock reaches is damaged, not a token. */
static void
test_token_set_times (void)
{
  static const char *const bad[] = {
    "{\"format_version\": 1, \"access_token\": \"A\", \"access_expires_at\": "
    "9223372036854775807}",
    "{\"format_version\": 1, \"access_token\": \"A\", \"refresh_expires_at\": -1}",
    "{\"format_version\": 1, \"access_token\": \"A\", \"issued_at\": 253402300800}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (RelinkTokenSet) tokens = relink_token_set_new_from_json (bad[i], &error);

      g_assert_null (tokens);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

static char *
profile_with (const char *lifetimes, const char *authorize_url, const char *connected_apps_url)
{
  return g_strdup_printf (
      "{\"format_version\": 1, \"id\": \"shop\", \"name\": \"Shop\", \"client_auth\": \"basic\", "
      "%s \"identity\": {\"source\": \"redirect\", \"id_field\": \"user\"}, "
      "\"environments\": [{\"id\": \"production\", \"name\": \"Production\", "
      "\"authorize_url\": \"%s\", \"token_url\": \"https://shop.example.com/token\", "
      "\"connected_apps_url\": \"%s\"}]}",
      lifetimes, authorize_url, connected_apps_url);
}

static void
test_profile_limits (void)
{
  static const char *const too_long[] = {
    "\"access_lifetime\": 9223372036854775807,",
    "\"refresh_lifetime\": 3162240001,",
    "\"client_secret_lifetime\": 9223372036854775807,",
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkProvider) ok = NULL;
  g_autoptr (RelinkProvider) fragment = NULL;
  g_autofree char *good = NULL;
  g_autofree char *with_fragment = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (too_long); i++)
    {
      g_autofree char *json = profile_with (too_long[i], "https://shop.example.com/authorize",
                                            "https://shop.example.com/apps");
      g_autoptr (RelinkProvider) provider
          = relink_provider_new_from_json (json, -1, "p.json", &error);

      g_assert_null (provider);
      g_assert_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_FIELD);
      g_assert_nonnull (strstr (error->message, "at most 100 years"));
      g_clear_error (&error);
    }

  /* A century exactly is accepted; a fragment on a plain web page too. */
  good = profile_with ("\"refresh_lifetime\": 3162240000,", "https://shop.example.com/authorize",
                       "https://shop.example.com/#/apps");
  ok = relink_provider_new_from_json (good, -1, "p.json", &error);
  g_assert_no_error (error);
  g_assert_cmpint (relink_provider_get_refresh_lifetime (ok), ==, 3162240000);

  with_fragment = profile_with ("", "https://shop.example.com/authorize#consent",
                                "https://shop.example.com/apps");
  fragment = relink_provider_new_from_json (with_fragment, -1, "p.json", &error);
  g_assert_null (fragment);
  g_assert_error (error, RELINK_PROVIDER_ERROR, RELINK_PROVIDER_ERROR_FIELD);
  g_assert_nonnull (strstr (error->message, "environments[0].authorize_url"));
  g_assert_nonnull (strstr (error->message, "fragment"));
}

/* Every control character a string may hold comes out escaped, U+001F
 * too (json-glib 1.6 writes that one raw), and reads back the same. */
static void
test_write_control_characters (void)
{
  for (int pretty = 0; pretty <= 1; pretty++)
    for (char c = 0x01; c < 0x20; c++)
      {
        char value[] = { 'a', c, 'b', '\0' };
        g_autoptr (JsonNode) node = json_node_new (JSON_NODE_VALUE);
        g_autoptr (JsonNode) back = NULL;
        g_autoptr (GError) error = NULL;
        g_autofree char *text = NULL;

        json_node_set_string (node, value);
        text = relink_json_to_string (node, pretty);
        for (const char *p = text; *p != '\0'; p++)
          g_assert_false ((guchar) *p < 0x20 && *p != '\n' && *p != ' ');
        back = relink_json_parse (text, -1, 0, RELINK_JSON_MAX_DEPTH, &error);
        g_assert_no_error (error);
        g_assert_cmpstr (json_node_get_string (back), ==, value);
      }
}

/* Whether @contents names @function itself, not relink_@function. */
static gboolean
calls_plain (const char *contents, const char *function)
{
  for (const char *hit = strstr (contents, function); hit != NULL; hit = strstr (hit + 1, function))
    {
      if (hit == contents || (!g_ascii_isalnum (hit[-1]) && hit[-1] != '_'))
        return TRUE;
    }
  return FALSE;
}

/* The guarantee above holds only while nothing else feeds json-glib's
 * parser: the source tree is searched for direct calls. */
static void
test_single_entry_point (void)
{
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");
  g_autofree char *top = g_build_filename (srcdir != NULL ? srcdir : ".", "..", "src", NULL);
  g_autoptr (GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) offenders = g_string_new (NULL);
  guint files = 0;

  g_ptr_array_add (dirs, g_strdup (top));
  while (dirs->len > 0)
    {
      g_autofree char *dir_path = g_ptr_array_steal_index (dirs, dirs->len - 1);
      g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
      const char *name;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (dir_path, name, NULL);
          g_autofree char *contents = NULL;

          if (g_file_test (path, G_FILE_TEST_IS_DIR))
            {
              g_ptr_array_add (dirs, g_steal_pointer (&path));
              continue;
            }
          if (!g_str_has_suffix (name, ".c") && !g_str_has_suffix (name, ".h"))
            continue;

          g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
          files++;
          if (g_str_equal (name, "relink-json.c") || g_str_equal (name, "relink-json.h"))
            continue;
          if (strstr (contents, "json_parser_load") != NULL
              || strstr (contents, "json_from_string") != NULL
              || strstr (contents, "json_gobject_from_data") != NULL
              || strstr (contents, "json_gvariant_deserialize_data") != NULL
              /* And nothing writes JSON but relink_json_to_string(). */
              || strstr (contents, "json_generator_to_") != NULL
              || calls_plain (contents, "json_to_string"))
            g_string_append_printf (offenders, " %s", path);
        }
    }

  g_assert_cmpuint (files, >, 50);
  if (offenders->len > 0)
    g_error ("parse and write JSON with relink_json_parse() and relink_json_to_string(), not "
             "json-glib directly:%s",
             offenders->str);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/deep-refused", test_deep_refused);
  g_test_add_func ("/json/brackets-in-strings", test_brackets_in_strings);
  g_test_add_func ("/json/size-limit", test_size_limit);
  g_test_add_func ("/json/strings-strict", test_strings_strict);
  g_test_add_func ("/json/syntax-strict", test_syntax_strict);
  g_test_add_func ("/json/position", test_position);
  g_test_add_func ("/json/object-root", test_object_root);
  g_test_add_func ("/json/readers-refuse-deep", test_readers_refuse_deep);
  g_test_add_func ("/json/token-answer-text", test_token_answer_text);
  g_test_add_func ("/json/token-set-times", test_token_set_times);
  g_test_add_func ("/json/profile-limits", test_profile_limits);
  g_test_add_func ("/json/write-control-characters", test_write_control_characters);
  g_test_add_func ("/json/single-entry-point", test_single_entry_point);

  return g_test_run ();
}
