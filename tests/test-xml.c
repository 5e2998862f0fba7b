/* test-xml.c: the bounded XML reader of Trading API answers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "relink-xml.h"

/* eBay's FetchToken answer, as its documentation shows it. */
static const char fetch_token_answer[]
    = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<FetchTokenResponse xmlns=\"urn:ebay:apis:eBLBaseComponents\">\n"
      "  <Timestamp>2026-12-06T17:00:00.000Z</Timestamp>\n"
      "  <Ack>Success</Ack>\n"
      "  <Version>1415</Version>\n"
      "  <Build>E1415_CORE_API6_1</Build>\n"
      "  <eBayAuthToken>AgAAAA**AQAAAA**aAAAAA**token+/*</eBayAuthToken>\n"
      "  <HardExpirationTime>2028-06-06T17:00:00.000Z</HardExpirationTime>\n"
      "</FetchTokenResponse>\n";

static void
test_reads_answer (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkXmlElement) root
      = relink_xml_parse (fetch_token_answer, -1, 0, RELINK_XML_MAX_DEPTH, &error);

  g_assert_no_error (error);
  g_assert_nonnull (root);
  g_assert_cmpstr (root->name, ==, "FetchTokenResponse");
  g_assert_null (root->text);
  g_assert_cmpuint (root->children->len, ==, 6);
  g_assert_cmpstr (relink_xml_element_get_text_at (root, "Ack"), ==, "Success");
  g_assert_cmpstr (relink_xml_element_get_text_at (root, "eBayAuthToken"), ==,
                   "AgAAAA**AQAAAA**aAAAAA**token+/*");
  g_assert_cmpstr (relink_xml_element_get_text_at (root, "HardExpirationTime"), ==,
                   "2028-06-06T17:00:00.000Z");
  g_assert_null (relink_xml_element_get_text_at (root, "Errors/ErrorCode"));
  g_assert_null (relink_xml_element_get_text_at (root, "Missing"));
}

static void
test_nested_paths_and_prefixes (void)
{
  g_autoptr (GError) error = NULL;
  const char *text = "<soap:Envelope xmlns:soap=\"x\"><soap:Body><GetUserResponse>"
                     "<User><EIASToken> nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6w== </EIASToken>"
                     "<UserID>shop_a</UserID></User>"
                     "<Errors><ErrorCode>1</ErrorCode></Errors>"
                     "<Errors><ErrorCode>2</ErrorCode></Errors>"
                     "</GetUserResponse></soap:Body></soap:Envelope>";
  g_autoptr (RelinkXmlElement) root = relink_xml_parse (text, -1, 0, 8, &error);
  RelinkXmlElement *response;

  g_assert_no_error (error);
  g_assert_cmpstr (root->name, ==, "Envelope");
  response = relink_xml_element_get_child (relink_xml_element_get_child (root, "Body"),
                                           "GetUserResponse");
  g_assert_nonnull (response);
  /* Trimmed at both ends. */
  g_assert_cmpstr (relink_xml_element_get_text_at (response, "User/EIASToken"), ==,
                   "nY+sHZ2PrBmdj6wVnY+sEZ2PrA2dj6w==");
  g_assert_cmpstr (relink_xml_element_get_text_at (response, "User/UserID"), ==, "shop_a");
  /* The first of several. */
  g_assert_cmpstr (relink_xml_element_get_text_at (response, "Errors/ErrorCode"), ==, "1");
  g_assert_cmpuint (response->children->len, ==, 3);
}

static void
test_entities_and_cdata (void)
{
  g_autoptr (GError) error = NULL;
  const char *text = "<A><B>a &amp; b &lt;c&gt; &#233;&#x20AC;</B><C><![CDATA[<raw> & ]]></C></A>";
  g_autoptr (RelinkXmlElement) root = relink_xml_parse (text, -1, 0, 4, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (relink_xml_element_get_text_at (root, "B"), ==, "a & b <c> é€");
  g_assert_cmpstr (relink_xml_element_get_text_at (root, "C"), ==, "<raw> &");
}

static void
assert_refused (const char *text, gssize length, gsize max_size, guint depth, RelinkXmlError code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkXmlElement) root = relink_xml_parse (text, length, max_size, depth, &error);

  g_assert_null (root);
  g_assert_error (error, RELINK_XML_ERROR, (gint) code);
}

static void
test_refuses_malformed (void)
{
  assert_refused ("", -1, 0, 8, RELINK_XML_ERROR_EMPTY);
  assert_refused (" \n\t ", -1, 0, 8, RELINK_XML_ERROR_EMPTY);
  assert_refused ("<A><B></A></B>", -1, 0, 8, RELINK_XML_ERROR_INVALID);
  assert_refused ("<A>", -1, 0, 8, RELINK_XML_ERROR_INVALID);
  assert_refused ("<A></A><B></B>", -1, 0, 8, RELINK_XML_ERROR_INVALID);
  assert_refused ("text only", -1, 0, 8, RELINK_XML_ERROR_INVALID);
  assert_refused ("<A>\xff\xfe</A>", -1, 0, 8, RELINK_XML_ERROR_INVALID);
  assert_refused ("<A>a\0b</A>", 10, 0, 8, RELINK_XML_ERROR_INVALID);
  /* {"error": …} is what a JSON-speaking proxy might send instead. */
  assert_refused ("{\"error\":\"x\"}", -1, 0, 8, RELINK_XML_ERROR_INVALID);
  /* A prefix without a local name. */
  assert_refused ("<:/>", -1, 0, 8, RELINK_XML_ERROR_INVALID);
  assert_refused ("<A><ns:/></A>", -1, 0, 8, RELINK_XML_ERROR_INVALID);
}

/* No DTD is read: a declared entity stays unknown, so "billion laughs"
 * and external entities are refused instead of expanded or fetched. */
static void
test_refuses_entities (void)
{
  assert_refused ("<!DOCTYPE A [<!ENTITY x \"xxxxxxxxxx\"><!ENTITY y \"&x;&x;&x;\">]><A>&y;</A>",
                  -1, 0, 8, RELINK_XML_ERROR_INVALID);
  assert_refused ("<!DOCTYPE A [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><A>&e;</A>", -1, 0, 8,
                  RELINK_XML_ERROR_INVALID);
}

static void
test_limits (void)
{
  g_autoptr (GString) deep = g_string_new (NULL);
  g_autoptr (GString) many = g_string_new ("<A>");
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkXmlElement) root = NULL;

  for (guint i = 0; i < 8; i++)
    g_string_append (deep, "<D>");
  for (guint i = 0; i < 8; i++)
    g_string_append (deep, "</D>");

  /* Exactly at the depth limit is fine, one more is not. */
  root = relink_xml_parse (deep->str, -1, 0, 8, &error);
  g_assert_no_error (error);
  g_assert_nonnull (root);
  assert_refused (deep->str, -1, 0, 7, RELINK_XML_ERROR_TOO_DEEP);

  /* Far deeper than anything: refused early, no crash. */
  g_string_truncate (deep, 0);
  for (guint i = 0; i < 100000; i++)
    g_string_append (deep, "<D>");
  assert_refused (deep->str, -1, 0, RELINK_XML_MAX_DEPTH, RELINK_XML_ERROR_TOO_DEEP);

  /* Size: the limit is the number of bytes. */
  assert_refused (fetch_token_answer, -1, strlen (fetch_token_answer) - 1, 8,
                  RELINK_XML_ERROR_TOO_LARGE);
  g_clear_pointer (&root, relink_xml_element_free);
  root = relink_xml_parse (fetch_token_answer, -1, strlen (fetch_token_answer), 8, &error);
  g_assert_no_error (error);
  g_assert_nonnull (root);

  for (guint i = 0; i < RELINK_XML_MAX_ELEMENTS; i++)
    g_string_append (many, "<B/>");
  g_string_append (many, "</A>");
  assert_refused (many->str, -1, 0, 8, RELINK_XML_ERROR_TOO_LARGE);
}

/* Messages say where, never what: an answer may hold a token. */
static void
test_errors_quote_nothing (void)
{
  const char *cases[] = {
    "<SecretTokenValue123>x</OtherSecretName456>",
    "<A>&SecretEntityName789;</A>",
    "<A SecretAttribute000=novalue></A>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (RelinkXmlElement) root = relink_xml_parse (cases[i], -1, 0, 8, &error);

      g_assert_null (root);
      g_assert_error (error, RELINK_XML_ERROR, RELINK_XML_ERROR_INVALID);
      g_assert_null (strstr (error->message, "Secret"));
      g_assert_nonnull (strstr (error->message, "line 1"));
    }
}

static void
test_byte_order_mark (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RelinkXmlElement) root = relink_xml_parse ("\xef\xbb\xbf<A>x</A>", -1, 0, 2, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (root->text, ==, "x");
}

/* A CDATA section that is not UTF-8, then a malformed close tag: GLib's
 * GMarkup sets an error for the CDATA, parses on and sets a second error
 * over it, a warning that g_test_init() makes fatal. The reader refuses
 * such text before GMarkup sees it, saying where, never what. */
static void
test_cdata_not_utf8 (void)
{
  const char *cases[] = {
    "<A><B>&amp; &#233; <![CDATA[<x\xef]]></C/B><></A>",
    "<A><![CDATA[Secret\xff]]></A>",
    "<A>\n<B><![CDATA[\xc3\xa9\xc3]]></B></A>",
  };
  const char *where[] = { "line 1, column 31", "line 1, column 19", "line 2, column 14" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (RelinkXmlElement) root = relink_xml_parse (cases[i], -1, 0, 8, &error);

      g_assert_null (root);
      g_assert_error (error, RELINK_XML_ERROR, RELINK_XML_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, where[i]));
      g_assert_null (strstr (error->message, "Secret"));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/xml/reads-answer", test_reads_answer);
  g_test_add_func ("/xml/nested-paths-and-prefixes", test_nested_paths_and_prefixes);
  g_test_add_func ("/xml/entities-and-cdata", test_entities_and_cdata);
  g_test_add_func ("/xml/refuses-malformed", test_refuses_malformed);
  g_test_add_func ("/xml/refuses-entities", test_refuses_entities);
  g_test_add_func ("/xml/limits", test_limits);
  g_test_add_func ("/xml/errors-quote-nothing", test_errors_quote_nothing);
  g_test_add_func ("/xml/byte-order-mark", test_byte_order_mark);
  g_test_add_func ("/xml/cdata-not-utf8", test_cdata_not_utf8);

  return g_test_run ();
}
