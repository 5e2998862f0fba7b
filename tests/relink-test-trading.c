/* relink-test-trading.c: the loopback Trading API stub.
 *
 * Written from eBay's documentation, not from Relink's code:
 *   - Trading API reference, "Making a call" / "Standard data for all
 *     calls": POST to /ws/api.dll, XML body whose root is <CallRequest
 *     xmlns="urn:ebay:apis:eBLBaseComponents">, the headers
 *     X-EBAY-API-CALL-NAME, -SITEID, -COMPATIBILITY-LEVEL and the keys in
 *     -APP-NAME, -DEV-NAME, -CERT-NAME; a user's token in
 *     <RequesterCredentials><eBayAuthToken>, or an OAuth user token in
 *     X-EBAY-API-IAF-TOKEN; answers <CallResponse> with Timestamp, Ack
 *     (Success | Failure), Version, Build and, on failure, Errors
 *     (ShortMessage, LongMessage, ErrorCode, SeverityCode,
 *     ErrorClassification).
 *   - GetSessionID (RuName in, SessionID out, valid five minutes; needs
 *     the app keys), FetchToken (SessionID in, eBayAuthToken and
 *     HardExpirationTime out), GetUser (User/EIASToken, User/UserID),
 *     GetTokenStatus (TokenStatus/Status Active | Expired | RevokedByApp
 *     …, ExpirationTime), RevokeToken.
 *   - The sign-in page https://signin.ebay.com/ws/eBayISAPI.dll?SignIn
 *     &runame=<RuName>&SessID=<SessionID>, then consent, then the
 *     RuName's accepted URL, or eBay's ThirdPartyAuthSucessFailure page.
 *   - eBay's OAuth side, as far as a grant beside Auth'n'Auth needs it
 *     (providers.md, "eBay (OAuth 2.0 authorization code)"): the token
 *     endpoint /identity/v1/oauth2/token (POST form, Basic client
 *     authentication; authorization_code with redirect_uri = RuName, and
 *     refresh_token with scope, whose answer has no new refresh token;
 *     400 invalid_grant for an unknown code or refresh token, 401
 *     invalid_client for other keys) and Commerce Identity getUser at
 *     /commerce/identity/v1/user/ (Bearer; userId, username). Its access
 *     tokens are accepted by GetUser in X-EBAY-API-IAF-TOKEN.
 *   - Errors: 931 invalid token, 932 hard-expired token (KB 630 and
 *     sellers' guides), 21916017 "The end user has not completed Auth &
 *     Auth sign in flow", 21916016 for a session that is unknown or
 *     expired (unsure: quoted by integrations), 127 'API application ""
 *     invalid' for wrong keys.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "relink-test-oidc.h"
#include "relink-test-trading.h"
#include "relink-test-util.h"

#define NAMESPACE "urn:ebay:apis:eBLBaseComponents"
#define LIFETIME_SECONDS G_GINT64_CONSTANT (47304000)
#define SESSION_SECONDS 300

typedef struct
{
  char *user_id;
  gint64 created_at; /* monotonic seconds */
  gboolean consented;
  gboolean expired;
} Session;

typedef struct
{
  char *user_id;
  char *status; /* Active, Expired, RevokedByApp */
} Token;

struct _RelinkTestTrading
{
  SoupServer *server;
  char *base;
  char *accepted_url;
  GHashTable *users;        /* user id → EIASToken */
  GHashTable *oauth_tokens; /* OAuth token → user id */
  GHashTable *sessions;     /* session id → Session */
  GHashTable *tokens;       /* eBayAuthToken → Token */
  GHashTable *failures;     /* call name → error code */
  GHashTable *hits;         /* call name → count */
  GHashTable *oauth_codes;  /* authorization code → user id, single use */
  GHashTable *refresh;      /* OAuth refresh token → user id */
  char *last_session;
  gboolean stall_iaf; /* GetUser with an OAuth token never answers */
  gint64 hard_expiration;
  guint serial;
};

static void
session_free (Session *session)
{
  g_free (session->user_id);
  g_free (session);
}

static void
token_free (Token *token)
{
  g_free (token->user_id);
  g_free (token->status);
  g_free (token);
}

/* The request: its root element and the text of each element by name. */
typedef struct
{
  char *root;
  char *xmlns;
  GHashTable *texts;
  GString *current;
} Parsed;

static void
parsed_start_cb (GMarkupParseContext *context,
                 const char *name,
                 const char **attribute_names,
                 const char **attribute_values,
                 gpointer user_data,
                 GError **error)
{
  Parsed *parsed = user_data;

  if (parsed->root == NULL)
    {
      parsed->root = g_strdup (name);
      for (guint i = 0; attribute_names[i] != NULL; i++)
        {
          if (g_str_equal (attribute_names[i], "xmlns"))
            parsed->xmlns = g_strdup (attribute_values[i]);
        }
    }
  g_string_truncate (parsed->current, 0);
}

static void
parsed_end_cb (GMarkupParseContext *context, const char *name, gpointer user_data, GError **error)
{
  Parsed *parsed = user_data;

  if (parsed->current->len > 0)
    g_hash_table_replace (parsed->texts, g_strdup (name), g_strdup (parsed->current->str));
  g_string_truncate (parsed->current, 0);
}

static void
parsed_text_cb (GMarkupParseContext *context,
                const char *text,
                gsize length,
                gpointer user_data,
                GError **error)
{
  Parsed *parsed = user_data;

  g_string_append_len (parsed->current, text, (gssize) length);
}

static const GMarkupParser request_parser
    = { parsed_start_cb, parsed_end_cb, parsed_text_cb, NULL, NULL };

static void
answer (SoupServerMessage *msg, const char *call, const char *ack, const char *content)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.000Z");
  g_autofree char *xml = g_strdup_printf ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                          "<%sResponse xmlns=\"" NAMESPACE "\">\n"
                                          "  <Timestamp>%s</Timestamp>\n"
                                          "  <Ack>%s</Ack>\n"
                                          "  <Version>1415</Version>\n"
                                          "  <Build>E1415_CORE_APISIGNIN_19151597_R1</Build>\n"
                                          "%s"
                                          "</%sResponse>\n",
                                          call, stamp, ack, content, call);

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/xml;charset=utf-8", SOUP_MEMORY_COPY, xml,
                                    strlen (xml));
}

static void
answer_error (SoupServerMessage *msg, const char *call, const char *code)
{
  const char *short_message = "Request failed.";
  g_autofree char *escaped = NULL;
  g_autofree char *errors = NULL;

  if (g_str_equal (code, "931"))
    short_message = "Auth token is invalid.";
  else if (g_str_equal (code, "932"))
    short_message = "Auth token is hard expired.";
  else if (g_str_equal (code, "21916017"))
    short_message = "The end user has not completed Auth & Auth sign in flow.";
  else if (g_str_equal (code, "21916016"))
    short_message = "SessionID is expired.";
  else if (g_str_equal (code, "127"))
    short_message = "API application \"\" invalid.";

  escaped = g_markup_escape_text (short_message, -1);
  errors = g_strdup_printf ("  <Errors>\n"
                            "    <ShortMessage>%s</ShortMessage>\n"
                            "    <LongMessage>%s</LongMessage>\n"
                            "    <ErrorCode>%s</ErrorCode>\n"
                            "    <SeverityCode>Error</SeverityCode>\n"
                            "    <ErrorClassification>RequestError</ErrorClassification>\n"
                            "  </Errors>\n",
                            escaped, escaped, code);
  answer (msg, call, "Failure", errors);
}

static char *
iso_time (gint64 unix_time)
{
  g_autoptr (GDateTime) moment = g_date_time_new_from_unix_utc (unix_time);

  return g_date_time_format (moment, "%Y-%m-%dT%H:%M:%S.000Z");
}

static const char *
header (SoupServerMessage *msg, const char *name)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (msg), name);
}

static gboolean
session_usable (Session *session)
{
  return session != NULL && !session->expired
         && g_get_monotonic_time () / G_USEC_PER_SEC - session->created_at <= SESSION_SECONDS;
}

/* The user a request is made for, from its token; NULL after answering
 * with the error eBay gives for the token. */
static const char *
requesting_user (RelinkTestTrading *self,
                 SoupServerMessage *msg,
                 const char *call,
                 Parsed *parsed,
                 gboolean allow_iaf)
{
  const char *iaf = header (msg, "X-EBAY-API-IAF-TOKEN");
  const char *auth = g_hash_table_lookup (parsed->texts, "eBayAuthToken");
  Token *token;

  if (iaf != NULL)
    {
      const char *user = g_hash_table_lookup (self->oauth_tokens, iaf);

      g_assert_true (allow_iaf);
      g_assert_null (auth);
      if (user == NULL)
        answer_error (msg, call, "21916984");
      return user;
    }

  g_assert_nonnull (auth);
  token = g_hash_table_lookup (self->tokens, auth);
  if (token == NULL || g_str_equal (token->status, "RevokedByApp"))
    {
      answer_error (msg, call, "931");
      return NULL;
    }
  if (g_str_equal (token->status, "Expired"))
    {
      answer_error (msg, call, "932");
      return NULL;
    }
  return token->user_id;
}

static void
api_cb (SoupServer *server,
        SoupServerMessage *msg,
        const char *path,
        GHashTable *query,
        gpointer user_data)
{
  RelinkTestTrading *self = user_data;
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) body = soup_message_body_flatten (request_body);
  g_autoptr (GMarkupParseContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *expected_root = NULL;
  Parsed parsed = { 0 };
  const char *call = header (msg, "X-EBAY-API-CALL-NAME");
  const char *failure;
  gboolean keys_given;

  g_assert_cmpstr (soup_server_message_get_method (msg), ==, "POST");
  g_assert_nonnull (call);
  g_assert_cmpstr (header (msg, "X-EBAY-API-SITEID"), ==, "0");
  g_assert_nonnull (header (msg, "X-EBAY-API-COMPATIBILITY-LEVEL"));
  g_assert_true (g_str_has_prefix (header (msg, "Content-Type"), "text/xml"));

  parsed.texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  parsed.current = g_string_new (NULL);
  context = g_markup_parse_context_new (&request_parser, 0, &parsed, NULL);
  g_markup_parse_context_parse (context, g_bytes_get_data (body, NULL),
                                (gssize) g_bytes_get_size (body), &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);

  expected_root = g_strconcat (call, "Request", NULL);
  g_assert_cmpstr (parsed.root, ==, expected_root);
  g_assert_cmpstr (parsed.xmlns, ==, NAMESPACE);

  g_hash_table_replace (self->hits, g_strdup (call),
                        GUINT_TO_POINTER (relink_test_trading_hits (self, call) + 1));

  keys_given = header (msg, "X-EBAY-API-APP-NAME") != NULL;
  if (keys_given
      && (g_strcmp0 (header (msg, "X-EBAY-API-APP-NAME"), RELINK_TEST_TRADING_APP_ID) != 0
          || g_strcmp0 (header (msg, "X-EBAY-API-DEV-NAME"), RELINK_TEST_TRADING_DEV_ID) != 0
          || g_strcmp0 (header (msg, "X-EBAY-API-CERT-NAME"), RELINK_TEST_TRADING_CERT_ID) != 0))
    {
      answer_error (msg, call, "127");
      goto out;
    }

  failure = g_hash_table_lookup (self->failures, call);
  if (failure != NULL)
    {
      answer_error (msg, call, failure);
      goto out;
    }

  if (g_str_equal (call, "GetSessionID"))
    {
      Session *session = g_new0 (Session, 1);
      g_autofree char *id = NULL;
      g_autofree char *content = NULL;

      g_assert_true (keys_given);
      g_assert_cmpstr (g_hash_table_lookup (parsed.texts, "RuName"), ==,
                       RELINK_TEST_TRADING_RUNAME);
      /* 40 characters, some of them needing URL encoding, as eBay's do. */
      id = g_strdup_printf ("s%03u+/=GfQAAAA**%022" G_GINT64_MODIFIER "x", ++self->serial,
                            g_get_real_time ());
      session->created_at = g_get_monotonic_time () / G_USEC_PER_SEC;
      g_hash_table_replace (self->sessions, g_strdup (id), session);
      g_free (self->last_session);
      self->last_session = g_strdup (id);
      content = g_strdup_printf ("  <SessionID>%s</SessionID>\n", id);
      answer (msg, call, "Success", content);
    }
  else if (g_str_equal (call, "FetchToken"))
    {
      const char *id = g_hash_table_lookup (parsed.texts, "SessionID");
      Session *session = id != NULL ? g_hash_table_lookup (self->sessions, id) : NULL;
      g_autofree char *token = NULL;
      g_autofree char *expires = NULL;
      g_autofree char *content = NULL;

      g_assert_true (keys_given);
      if (!session_usable (session))
        answer_error (msg, call, "21916016");
      else if (!session->consented)
        answer_error (msg, call, "21916017");
      else
        {
          token = relink_test_trading_issue_token (self, session->user_id);
          /* A session gives one token. */
          g_hash_table_remove (self->sessions, id);
          expires = iso_time (self->hard_expiration);
          content = g_strdup_printf ("  <eBayAuthToken>%s</eBayAuthToken>\n"
                                     "  <HardExpirationTime>%s</HardExpirationTime>\n",
                                     token, expires);
          answer (msg, call, "Success", content);
        }
    }
  else if (g_str_equal (call, "GetUser") && self->stall_iaf
           && header (msg, "X-EBAY-API-IAF-TOKEN") != NULL)
    {
      /* Never answered: the client's deadline must end the wait; the
       * connection goes with the server. */
      soup_server_message_pause (msg);
    }
  else if (g_str_equal (call, "GetUser"))
    {
      const char *user = requesting_user (self, msg, call, &parsed, TRUE);
      g_autofree char *content = NULL;

      if (user != NULL)
        {
          content = g_strdup_printf ("  <User>\n"
                                     "    <AboutMePage>false</AboutMePage>\n"
                                     "    <EIASToken>%s</EIASToken>\n"
                                     "    <Email>Invalid Request</Email>\n"
                                     "    <FeedbackScore>42</FeedbackScore>\n"
                                     "    <Status>Confirmed</Status>\n"
                                     "    <UserID>%s</UserID>\n"
                                     "    <Site>US</Site>\n"
                                     "  </User>\n",
                                     (const char *) g_hash_table_lookup (self->users, user), user);
          answer (msg, call, "Success", content);
        }
    }
  else if (g_str_equal (call, "GetTokenStatus"))
    {
      const char *auth = g_hash_table_lookup (parsed.texts, "eBayAuthToken");
      Token *token = auth != NULL ? g_hash_table_lookup (self->tokens, auth) : NULL;
      g_autofree char *expires = iso_time (self->hard_expiration);
      g_autofree char *content = NULL;

      g_assert_null (header (msg, "X-EBAY-API-IAF-TOKEN"));
      if (token == NULL)
        answer_error (msg, call, "931");
      else
        {
          content = g_strdup_printf (
              "  <TokenStatus>\n"
              "    <Status>%s</Status>\n"
              "    <EIASToken>%s</EIASToken>\n"
              "    <ExpirationTime>%s</ExpirationTime>\n"
              "  </TokenStatus>\n",
              token->status, (const char *) g_hash_table_lookup (self->users, token->user_id),
              expires);
          answer (msg, call, "Success", content);
        }
    }
  else if (g_str_equal (call, "RevokeToken"))
    {
      const char *user = requesting_user (self, msg, call, &parsed, FALSE);
      Token *token;

      if (user != NULL)
        {
          token = g_hash_table_lookup (self->tokens,
                                       g_hash_table_lookup (parsed.texts, "eBayAuthToken"));
          g_free (token->status);
          token->status = g_strdup ("RevokedByApp");
          answer (msg, call, "Success", "");
        }
    }
  else
    answer_error (msg, call, "2");

out:
  g_free (parsed.root);
  g_free (parsed.xmlns);
  g_hash_table_unref (parsed.texts);
  g_string_free (parsed.current, TRUE);
}

/* eBay's OAuth token endpoint and Commerce Identity */

static void
count (RelinkTestTrading *self, const char *name)
{
  g_hash_table_replace (self->hits, g_strdup (name),
                        GUINT_TO_POINTER (relink_test_trading_hits (self, name) + 1));
}

static char *
new_access_token (RelinkTestTrading *self, const char *user_id)
{
  g_autofree char *uuid = g_uuid_string_random ();
  char *token = g_strdup_printf ("v^1.1#i^1#r^0#p^3#I^3#f^0#t^H4sI%u/%s", ++self->serial, uuid);

  relink_test_trading_add_oauth_token (self, token, user_id);
  return token;
}

static void
oauth_token_cb (SoupServer *server,
                SoupServerMessage *msg,
                const char *path,
                GHashTable *query,
                gpointer user_data)
{
  RelinkTestTrading *self = user_data;
  g_autoptr (GHashTable) form = NULL;
  g_autofree char *credentials = NULL;
  g_autofree char *basic = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *access = NULL;
  g_autofree char *json = NULL;
  const char *grant_type;
  const char *user;

  g_assert_cmpstr (soup_server_message_get_method (msg), ==, "POST");
  g_assert_true (
      g_str_has_prefix (header (msg, "Content-Type"), "application/x-www-form-urlencoded"));
  form = relink_test_read_form (msg);
  grant_type = g_hash_table_lookup (form, "grant_type");
  count (self, g_strcmp0 (grant_type, "refresh_token") == 0 ? "oauth-refresh" : "oauth-code");

  credentials = g_strconcat (RELINK_TEST_TRADING_OAUTH_CLIENT_ID, ":",
                             RELINK_TEST_TRADING_OAUTH_SECRET, NULL);
  basic = g_base64_encode ((const guchar *) credentials, strlen (credentials));
  expected = g_strconcat ("Basic ", basic, NULL);
  if (g_strcmp0 (header (msg, "Authorization"), expected) != 0)
    {
      relink_test_answer_json (msg, 401,
                               "{\"error\":\"invalid_client\",\"error_description\":\"client "
                               "authentication failed\"}");
      return;
    }

  if (g_strcmp0 (grant_type, "authorization_code") == 0)
    {
      const char *code = g_hash_table_lookup (form, "code");
      g_autofree char *refresh = NULL;

      g_assert_cmpstr (g_hash_table_lookup (form, "redirect_uri"), ==, RELINK_TEST_TRADING_RUNAME);
      user = code != NULL ? g_hash_table_lookup (self->oauth_codes, code) : NULL;
      if (user == NULL)
        {
          relink_test_answer_json (
              msg, 400,
              "{\"error\":\"invalid_grant\",\"error_description\":\"the provided "
              "authorization grant code is invalid or was issued to another client\"}");
          return;
        }
      refresh = g_strdup_printf ("v^1.1#i^1#f^0#r^1#p^3#I^3#t^Ul4xMF8%u", ++self->serial);
      g_hash_table_replace (self->refresh, g_strdup (refresh), g_strdup (user));
      access = new_access_token (self, user);
      /* A code is used once. */
      g_hash_table_remove (self->oauth_codes, code);
      json = g_strdup_printf ("{\"access_token\":\"%s\",\"expires_in\":7200,"
                              "\"refresh_token\":\"%s\",\"refresh_token_expires_in\":47304000,"
                              "\"token_type\":\"User Access Token\"}",
                              access, refresh);
      relink_test_answer_json (msg, 200, json);
      return;
    }

  g_assert_cmpstr (grant_type, ==, "refresh_token");
  /* eBay's refresh always names the scope. */
  g_assert_nonnull (g_hash_table_lookup (form, "scope"));
  user = g_hash_table_lookup (self->refresh, g_hash_table_lookup (form, "refresh_token"));
  if (user == NULL)
    {
      relink_test_answer_json (msg, 400,
                               "{\"error\":\"invalid_grant\",\"error_description\":\"the "
                               "provided authorization grant code is invalid or was issued to "
                               "another client\"}");
      return;
    }
  /* No new refresh token. */
  access = new_access_token (self, user);
  json = g_strdup_printf ("{\"access_token\":\"%s\",\"expires_in\":7200,"
                          "\"token_type\":\"User Access Token\"}",
                          access);
  relink_test_answer_json (msg, 200, json);
}

static void
identity_cb (SoupServer *server,
             SoupServerMessage *msg,
             const char *path,
             GHashTable *query,
             gpointer user_data)
{
  RelinkTestTrading *self = user_data;
  const char *authorization = header (msg, "Authorization");
  const char *user = NULL;
  g_autofree char *id = NULL;
  g_autofree char *json = NULL;

  g_assert_cmpstr (soup_server_message_get_method (msg), ==, "GET");
  count (self, "commerce-identity");
  if (authorization != NULL && g_str_has_prefix (authorization, "Bearer "))
    user = g_hash_table_lookup (self->oauth_tokens, authorization + strlen ("Bearer "));
  if (user == NULL)
    {
      relink_test_answer_json (msg, 401,
                               "{\"errors\":[{\"errorId\":1001,\"domain\":\"OAuth\","
                               "\"message\":\"Invalid access token\"}]}");
      return;
    }
  id = relink_test_trading_commerce_id (user);
  json = g_strdup_printf ("{\"userId\":\"%s\",\"username\":\"%s\",\"accountType\":"
                          "\"BUSINESS\",\"registrationMarketplaceId\":\"EBAY_US\","
                          "\"status\":\"CONFIRMED\"}",
                          id, user);
  relink_test_answer_json (msg, 200, json);
}

/* The sign-in pages */

static void
answer_html (SoupServerMessage *msg, guint status, const char *html)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html;charset=utf-8", SOUP_MEMORY_COPY, html,
                                    strlen (html));
}

static void
sign_in_cb (SoupServer *server,
            SoupServerMessage *msg,
            const char *path,
            GHashTable *query,
            gpointer user_data)
{
  RelinkTestTrading *self = user_data;
  const char *method = soup_server_message_get_method (msg);

  if (g_str_equal (method, "GET")
      && g_str_has_prefix (g_uri_get_query (soup_server_message_get_uri (msg)) != NULL
                               ? g_uri_get_query (soup_server_message_get_uri (msg))
                               : "",
                           "ThirdPartyAuthSucessFailure"))
    {
      answer_html (msg, 200,
                   "<!DOCTYPE html><html><head><title>eBay</title></head><body>"
                   "<p id=\"result\">You may now close this window.</p></body></html>");
      return;
    }

  if (g_str_equal (method, "GET"))
    {
      const char *raw = g_uri_get_query (soup_server_message_get_uri (msg));
      g_auto (GStrv) items = g_strsplit (raw != NULL ? raw : "", "&", -1);
      g_autoptr (GHashTable) params
          = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      const char *runame;
      const char *id;
      g_autofree char *escaped = NULL;
      g_autofree char *html = NULL;

      /* ?SignIn&runame=…&SessID=…: "SignIn" has no value. */
      for (guint i = 0; items[i] != NULL; i++)
        {
          g_auto (GStrv) pair = g_strsplit (items[i], "=", 2);

          g_hash_table_replace (params, g_uri_unescape_string (pair[0], NULL),
                                pair[1] != NULL ? g_uri_unescape_string (pair[1], NULL)
                                                : g_strdup (""));
        }
      runame = g_hash_table_lookup (params, "runame");
      id = g_hash_table_lookup (params, "SessID");

      if (g_strcmp0 (items[0], "SignIn") != 0 || g_strcmp0 (runame, RELINK_TEST_TRADING_RUNAME) != 0
          || id == NULL || !session_usable (g_hash_table_lookup (self->sessions, id)))
        {
          answer_html (msg, 400, "<!DOCTYPE html><html><body><p>Invalid request</p></body></html>");
          return;
        }

      escaped = g_markup_escape_text (id, -1);
      html = g_strdup_printf (
          "<!DOCTYPE html><html><head><title>Sign in or create an account | eBay</title></head>"
          "<body><h1>Hello</h1><form id=\"signin-form\" method=\"post\" "
          "action=\"/ws/eBayISAPI.dll\">"
          "<input type=\"hidden\" name=\"step\" value=\"signin\">"
          "<input type=\"hidden\" name=\"SessID\" value=\"%s\">"
          "<input id=\"userid\" name=\"userid\" autocomplete=\"username\">"
          "<input id=\"pass\" name=\"pass\" type=\"password\">"
          "<button id=\"sgnBt\" type=\"submit\">Sign in</button></form></body></html>",
          escaped);
      answer_html (msg, 200, html);
      return;
    }

  {
    g_autoptr (GHashTable) form = relink_test_read_form (msg);
    const char *step = g_hash_table_lookup (form, "step");
    const char *id = g_hash_table_lookup (form, "SessID");
    const char *user = g_hash_table_lookup (form, "userid");
    g_autofree char *escaped_id = NULL;
    g_autofree char *escaped_user = NULL;
    g_autofree char *html = NULL;

    /* A session that expired while the seller typed still gets through
     * the pages; FetchToken refuses it afterwards. */
    if (id == NULL || user == NULL || !g_hash_table_contains (self->users, user)
        || !g_hash_table_contains (self->sessions, id))
      {
        answer_html (msg, 400, "<!DOCTYPE html><html><body><p>Invalid request</p></body></html>");
        return;
      }

    if (g_strcmp0 (step, "signin") == 0)
      {
        if (g_strcmp0 (g_hash_table_lookup (form, "pass"), RELINK_TEST_TRADING_PASSWORD) != 0)
          {
            answer_html (msg, 200,
                         "<!DOCTYPE html><html><body><p id=\"error\">Oops, that's not a match."
                         "</p></body></html>");
            return;
          }
        escaped_id = g_markup_escape_text (id, -1);
        escaped_user = g_markup_escape_text (user, -1);
        html = g_strdup_printf (
            "<!DOCTYPE html><html><head><title>Grant application access | eBay</title></head>"
            "<body><p>Relink would like to access your eBay account %s.</p>"
            "<form id=\"consent-form\" method=\"post\" action=\"/ws/eBayISAPI.dll\">"
            "<input type=\"hidden\" name=\"step\" value=\"consent\">"
            "<input type=\"hidden\" name=\"SessID\" value=\"%s\">"
            "<input type=\"hidden\" name=\"userid\" value=\"%s\">"
            "<button id=\"agree\" name=\"agree\" value=\"1\" type=\"submit\">I agree</button>"
            "<button id=\"decline\" name=\"agree\" value=\"0\" type=\"submit\">No thanks</button>"
            "</form></body></html>",
            escaped_user, escaped_id, escaped_user);
        answer_html (msg, 200, html);
        return;
      }

    if (g_strcmp0 (step, "consent") == 0)
      {
        gboolean agree = g_strcmp0 (g_hash_table_lookup (form, "agree"), "1") == 0;
        g_autofree char *escaped = g_uri_escape_string (user, NULL, FALSE);
        g_autofree char *target = NULL;

        relink_test_trading_consent (self, id, user, agree);
        if (self->accepted_url != NULL && agree)
          target = g_strdup_printf ("%s?isAuthSuccessful=true&username=%s", self->accepted_url,
                                    escaped);
        else
          target = g_strdup_printf ("%s/ws/eBayISAPI.dll?ThirdPartyAuthSucessFailure"
                                    "&isAuthSuccessful=%s&username=%s",
                                    self->base, agree ? "true" : "false", escaped);
        soup_server_message_set_redirect (msg, 302, target);
        return;
      }

    answer_html (msg, 400, "<!DOCTYPE html><html><body><p>Invalid request</p></body></html>");
  }
}

RelinkTestTrading *
relink_test_trading_new (const char *accepted_url)
{
  RelinkTestTrading *self = g_new0 (RelinkTestTrading, 1);

  self->accepted_url = g_strdup (accepted_url);
  self->users = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->oauth_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->sessions
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) session_free);
  self->tokens
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) token_free);
  self->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->oauth_codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->refresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  /* 18 months from now, to the second, as eBay states it. */
  self->hard_expiration = g_get_real_time () / G_USEC_PER_SEC + LIFETIME_SECONDS;

  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, "/ws/api.dll", api_cb, self, NULL);
  soup_server_add_handler (self->server, "/ws/eBayISAPI.dll", sign_in_cb, self, NULL);
  soup_server_add_handler (self->server, "/identity/v1/oauth2/token", oauth_token_cb, self, NULL);
  soup_server_add_handler (self->server, "/commerce/identity/v1/user/", identity_cb, self, NULL);
  self->base = relink_test_listen_local (self->server);
  return self;
}

void
relink_test_trading_free (RelinkTestTrading *self)
{
  if (self == NULL)
    return;

  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_free (self->base);
  g_free (self->accepted_url);
  g_free (self->last_session);
  g_hash_table_unref (self->users);
  g_hash_table_unref (self->oauth_tokens);
  g_hash_table_unref (self->sessions);
  g_hash_table_unref (self->tokens);
  g_hash_table_unref (self->failures);
  g_hash_table_unref (self->hits);
  g_hash_table_unref (self->oauth_codes);
  g_hash_table_unref (self->refresh);
  g_free (self);
}

const char *
relink_test_trading_get_base (RelinkTestTrading *self)
{
  return self->base;
}

void
relink_test_trading_add_user (RelinkTestTrading *self, const char *user_id, const char *eias_token)
{
  g_hash_table_replace (self->users, g_strdup (user_id), g_strdup (eias_token));
}

void
relink_test_trading_add_oauth_token (RelinkTestTrading *self,
                                     const char *oauth_token,
                                     const char *user_id)
{
  g_hash_table_replace (self->oauth_tokens, g_strdup (oauth_token), g_strdup (user_id));
}

char *
relink_test_trading_commerce_id (const char *user_id)
{
  return g_strconcat ("commerce-", user_id, NULL);
}

char *
relink_test_trading_oauth_code (RelinkTestTrading *self, const char *user_id)
{
  g_autofree char *uuid = g_uuid_string_random ();
  /* eBay's codes hold '^' and '#', which must be encoded exactly once. */
  char *code = g_strdup_printf ("v^1.1#i^1#I^3#r^1#f^0#p^3#t^Ul41XzA6%s", uuid);

  g_assert_true (g_hash_table_contains (self->users, user_id));
  g_hash_table_replace (self->oauth_codes, g_strdup (code), g_strdup (user_id));
  return code;
}

void
relink_test_trading_add_refresh_token (RelinkTestTrading *self,
                                       const char *refresh_token,
                                       const char *user_id)
{
  g_hash_table_replace (self->refresh, g_strdup (refresh_token), g_strdup (user_id));
}

void
relink_test_trading_consent (RelinkTestTrading *self,
                             const char *session_id,
                             const char *user_id,
                             gboolean agree)
{
  Session *session = g_hash_table_lookup (self->sessions, session_id);

  g_assert_nonnull (session);
  g_free (session->user_id);
  session->user_id = g_strdup (user_id);
  session->consented = agree;
}

void
relink_test_trading_expire_session (RelinkTestTrading *self, const char *session_id)
{
  Session *session = g_hash_table_lookup (self->sessions, session_id);

  g_assert_nonnull (session);
  session->expired = TRUE;
}

const char *
relink_test_trading_get_last_session (RelinkTestTrading *self)
{
  return self->last_session;
}

char *
relink_test_trading_issue_token (RelinkTestTrading *self, const char *user_id)
{
  g_autofree char *uuid = g_uuid_string_random ();
  char *token;
  Token *entry = g_new0 (Token, 1);

  g_assert_true (g_hash_table_contains (self->users, user_id));
  /* eBay's tokens use letters, digits, '*', '/' and '+'. */
  token = g_strdup_printf ("AgAAAA**AQAAAA**aAAAAA**%u/%s+Mj8**", ++self->serial, uuid);
  entry->user_id = g_strdup (user_id);
  entry->status = g_strdup ("Active");
  g_hash_table_replace (self->tokens, g_strdup (token), entry);
  return token;
}

void
relink_test_trading_expire_token (RelinkTestTrading *self, const char *token)
{
  Token *entry = g_hash_table_lookup (self->tokens, token);

  g_assert_nonnull (entry);
  g_free (entry->status);
  entry->status = g_strdup ("Expired");
}

const char *
relink_test_trading_token_status (RelinkTestTrading *self, const char *token)
{
  Token *entry = g_hash_table_lookup (self->tokens, token);

  return entry != NULL ? entry->status : NULL;
}

gint64
relink_test_trading_get_hard_expiration (RelinkTestTrading *self)
{
  return self->hard_expiration;
}

void
relink_test_trading_fail_call (RelinkTestTrading *self,
                               const char *call_name,
                               const char *error_code)
{
  if (error_code == NULL)
    g_hash_table_remove (self->failures, call_name);
  else
    g_hash_table_replace (self->failures, g_strdup (call_name), g_strdup (error_code));
}

void
relink_test_trading_stall_oauth_get_user (RelinkTestTrading *self, gboolean stall)
{
  self->stall_iaf = stall;
}

guint
relink_test_trading_hits (RelinkTestTrading *self, const char *call_name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->hits, call_name));
}

char *
relink_test_trading_profile_json (RelinkTestTrading *self)
{
  g_autofree char *json = relink_test_shipped_profile ("ebay");
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (GError) error = NULL;
  JsonArray *environments;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  environments = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                               "environments");
  for (guint i = 0; i < json_array_get_length (environments); i++)
    {
      JsonObject *env = json_array_get_object_element (environments, i);
      const char *names[] = { "trading_url", "trading_sign_in_url", "token_url", "identity_url" };

      for (guint j = 0; j < G_N_ELEMENTS (names); j++)
        {
          g_autoptr (GUri) uri
              = g_uri_parse (json_object_get_string_member (env, names[j]), G_URI_FLAGS_NONE, NULL);
          g_autofree char *moved = g_strconcat (self->base, g_uri_get_path (uri), NULL);

          json_object_set_string_member (env, names[j], moved);
        }
    }

  json_generator_set_root (generator, json_parser_get_root (parser));
  return json_generator_to_data (generator, NULL);
}

RelinkProvider *
relink_test_trading_provider (RelinkTestTrading *self)
{
  g_autofree char *json = relink_test_trading_profile_json (self);
  g_autoptr (GError) error = NULL;
  RelinkProvider *provider
      = relink_provider_new_from_json_full (json, -1, "ebay.json", FALSE, &error);

  g_assert_no_error (error);
  return provider;
}

RelinkKeyset *
relink_test_trading_keyset (RelinkProvider *provider,
                            const char *environment,
                            const char *accepted_url)
{
  RelinkKeyset *keyset = relink_test_make_keyset (provider, environment, RELINK_TEST_TRADING_APP_ID,
                                                  RELINK_TEST_TRADING_RUNAME);

  relink_keyset_set_extra (keyset, "dev_id", RELINK_TEST_TRADING_DEV_ID);
  if (accepted_url != NULL)
    relink_keyset_set_extra (keyset, "accepted_url", accepted_url);
  return keyset;
}

void
relink_test_trading_write_profile (RelinkTestTrading *self,
                                   const char *dir,
                                   const char *provider_id)
{
  g_autofree char *json = relink_test_trading_profile_json (self);
  g_autofree char *quoted = g_strdup_printf ("\"id\":\"%s\"", provider_id);
  g_auto (GStrv) parts = g_strsplit (json, "\"id\":\"ebay\"", 2);
  g_autofree char *renamed = NULL;
  g_autofree char *name = g_strconcat (provider_id, ".json", NULL);

  g_assert_nonnull (parts[1]);
  renamed = g_strjoinv (quoted, parts);
  relink_test_write_file (dir, name, renamed);
}

RelinkKeyset *
relink_test_trading_add_keyset (RelinkAccountManager *manager,
                                const char *provider_id,
                                const char *accepted_url)
{
  RelinkKeyset *keyset = relink_test_add_keyset (
      manager, provider_id, "production", RELINK_TEST_TRADING_APP_ID, RELINK_TEST_TRADING_CERT_ID);

  relink_keyset_set_grant_kind (keyset, RELINK_GRANT_KIND_AUTH_N_AUTH);
  relink_keyset_set_redirect (keyset, RELINK_TEST_TRADING_RUNAME);
  relink_keyset_set_extra (keyset, "dev_id", RELINK_TEST_TRADING_DEV_ID);
  if (accepted_url != NULL)
    relink_keyset_set_extra (keyset, "accepted_url", accepted_url);
  return keyset;
}

char *
relink_test_trading_default_page (RelinkTestTrading *self, gboolean agreed)
{
  return g_strdup_printf ("%s/ws/eBayISAPI.dll?ThirdPartyAuthSucessFailure&isAuthSuccessful=%s",
                          self->base, agreed ? "true" : "false");
}
