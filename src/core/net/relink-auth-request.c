/* relink-auth-request.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "relink-auth-request.h"
#include "relink-pkce.h"
#include "relink-token-set.h"

/* 32 bytes = 256 bits of state, well above the 128 bits an attacker
 * would have to guess. */
#define STATE_BYTES 32
#define MAX_ERROR_TEXT 200

#define EBAY_DEFAULT_PAGE_PATH "/oauth2/ThirdPartyAuthSucessFailure"

static const char *const ebay_default_page_hosts[]
    = { "auth2.ebay.com", "auth2.sandbox.ebay.com", NULL };

/* RelinkAuthResponse */

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}


struct _RelinkAuthResponse
{
  GHashTable *params; /* name → value, values wiped on free */
  const char *code;   /* points into params */
};

G_DEFINE_BOXED_TYPE (RelinkAuthResponse,
                     relink_auth_response,
                     relink_auth_response_ref,
                     relink_auth_response_unref)

static void
auth_response_clear (gpointer data)
{
  RelinkAuthResponse *self = data;

  g_clear_pointer (&self->params, g_hash_table_unref);
}

RelinkAuthResponse *
relink_auth_response_ref (RelinkAuthResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
relink_auth_response_unref (RelinkAuthResponse *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, auth_response_clear);
}

const char *
relink_auth_response_get_code (const RelinkAuthResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->code;
}

const char *
relink_auth_response_get_selling_partner_id (const RelinkAuthResponse *self)
{
  return relink_auth_response_get_param (self, "selling_partner_id");
}

const char *
relink_auth_response_get_param (const RelinkAuthResponse *self, const char *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->params, name);
}

GStrv
relink_auth_response_dup_param_names (const RelinkAuthResponse *self)
{
  g_autofree const char **names = NULL;
  GStrv copy;

  g_return_val_if_fail (self != NULL, NULL);

  names = (const char **) g_hash_table_get_keys_as_array (self->params, NULL);
  copy = g_strdupv ((char **) names);
  qsort (copy, g_strv_length (copy), sizeof (char *), compare_strings);

  return copy;
}

/* RelinkAuthRequest */

struct _RelinkAuthRequest
{
  GObject parent_instance;

  RelinkProvider *provider;
  RelinkKeyset *keyset;
  const RelinkProviderEnvironment *environment;

  char *scope;
  char *state;
  char *code_verifier;
  char *authorize_url;
  char *redirect_url;
  char *redirect_param;

  gboolean used;
};

G_DEFINE_FINAL_TYPE (RelinkAuthRequest, relink_auth_request, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_AUTHORIZE_URL,
  PROP_USED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
relink_auth_request_finalize (GObject *object)
{
  RelinkAuthRequest *self = (RelinkAuthRequest *) object;

  g_clear_object (&self->provider);
  g_clear_object (&self->keyset);
  g_clear_pointer (&self->scope, g_free);
  g_clear_pointer (&self->state, relink_secret_free);
  g_clear_pointer (&self->code_verifier, relink_secret_free);
  g_clear_pointer (&self->authorize_url, g_free);
  g_clear_pointer (&self->redirect_url, g_free);
  g_clear_pointer (&self->redirect_param, g_free);

  G_OBJECT_CLASS (relink_auth_request_parent_class)->finalize (object);
}

static void
relink_auth_request_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RelinkAuthRequest *self = RELINK_AUTH_REQUEST (object);

  switch (prop_id)
    {
      case PROP_AUTHORIZE_URL:
        g_value_set_string (value, self->authorize_url);
        break;

      case PROP_USED:
        g_value_set_boolean (value, self->used);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_auth_request_class_init (RelinkAuthRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = relink_auth_request_finalize;
  object_class->get_property = relink_auth_request_get_property;

  properties[PROP_AUTHORIZE_URL] = g_param_spec_string ("authorize-url", NULL, NULL, NULL,
                                                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_USED]
      = g_param_spec_boolean ("used", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
relink_auth_request_init (RelinkAuthRequest *self)
{
}

static gboolean
is_blank (const char *text)
{
  return text == NULL || text[0] == '\0';
}

static void
append_param (GString *url, gboolean *first, const char *name, const char *value)
{
  g_string_append_c (url, *first ? '?' : '&');
  *first = FALSE;
  g_string_append_uri_escaped (url, name, NULL, FALSE);
  g_string_append_c (url, '=');
  g_string_append_uri_escaped (url, value, NULL, FALSE);
}

/* Amazon's Seller Central consent form names the app by its application
 * id and takes neither client_id nor response_type; a profile says so by
 * carrying an "application_id" consent parameter in its keyset fields. */
static gboolean
uses_application_id (RelinkProvider *provider)
{
  GPtrArray *fields = relink_provider_get_keyset_fields (provider);

  for (guint i = 0; fields != NULL && i < fields->len; i++)
    {
      const RelinkKeysetField *field = g_ptr_array_index (fields, i);

      if (g_strcmp0 (field->authorize_param, "application_id") == 0)
        return TRUE;
    }

  return FALSE;
}

static gboolean
build_authorize_url (RelinkAuthRequest *self, GError **error)
{
  g_autoptr (GString) url = g_string_new (self->environment->authorize_url);
  g_autofree char *challenge = NULL;
  g_autofree const char **keys = NULL;
  GHashTable *extra_params = relink_provider_get_authorize_params (self->provider);
  GPtrArray *fields = relink_provider_get_keyset_fields (self->provider);
  gboolean first = strchr (url->str, '?') == NULL;
  guint n_keys = 0;

  if (!uses_application_id (self->provider))
    {
      append_param (url, &first, "response_type", "code");
      append_param (url, &first, "client_id", relink_keyset_get_client_id (self->keyset));
    }

  if (!is_blank (self->redirect_param))
    append_param (url, &first, "redirect_uri", self->redirect_param);
  if (self->scope[0] != '\0')
    append_param (url, &first, "scope", self->scope);
  append_param (url, &first, "state", self->state);

  if (self->code_verifier != NULL)
    {
      challenge = relink_pkce_challenge_s256 (self->code_verifier);
      append_param (url, &first, "code_challenge", challenge);
      append_param (url, &first, "code_challenge_method", "S256");
    }

  /* Sorted, so that the same request always gives the same URL. */
  if (extra_params != NULL)
    {
      keys = (const char **) g_hash_table_get_keys_as_array (extra_params, &n_keys);
      qsort (keys, n_keys, sizeof (char *), compare_strings);
      for (guint i = 0; i < n_keys; i++)
        append_param (url, &first, keys[i], g_hash_table_lookup (extra_params, keys[i]));
    }

  for (guint i = 0; fields != NULL && i < fields->len; i++)
    {
      const RelinkKeysetField *field = g_ptr_array_index (fields, i);
      const char *value;

      /* Secret fields live in the keyring and never travel in a URL. */
      if (field->authorize_param == NULL || field->secret)
        continue;

      value = relink_keyset_get_extra (self->keyset, field->id);
      if (!is_blank (value))
        append_param (url, &first, field->authorize_param, value);
      else if (field->required)
        {
          g_set_error (
              error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_CONFIGURATION,
              /* Translators: %s is a keyset field label, e.g. "Application ID". */
              _ ("The developer keys lack the “%s”, which signing in needs. Add it to the keyset."),
              field->label);
          return FALSE;
        }
    }

  self->authorize_url = g_string_free (g_steal_pointer (&url), FALSE);
  return TRUE;
}

static char *
join_scopes (const char *const *scopes)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; scopes != NULL && scopes[i] != NULL; i++)
    {
      if (scopes[i][0] == '\0')
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, scopes[i]);
    }

  return g_string_free (out, FALSE);
}

RelinkAuthRequest *
relink_auth_request_new (RelinkProvider *provider,
                         RelinkKeyset *keyset,
                         const char *const *scopes,
                         GError **error)
{
  g_autoptr (RelinkAuthRequest) self = NULL;
  const char *redirect;

  g_return_val_if_fail (RELINK_IS_PROVIDER (provider), NULL);
  g_return_val_if_fail (RELINK_IS_KEYSET (keyset), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (RELINK_TYPE_AUTH_REQUEST, NULL);
  self->provider = g_object_ref (provider);
  self->keyset = g_object_ref (keyset);
  self->environment
      = relink_provider_get_environment (provider, relink_keyset_get_environment (keyset));

  if (self->environment == NULL)
    {
      g_set_error (
          error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_CONFIGURATION,
          _ ("The developer keys name an environment that %s does not have. Edit the keyset."),
          relink_provider_get_name (provider));
      return NULL;
    }

  if (is_blank (relink_keyset_get_client_id (keyset)))
    {
      g_set_error_literal (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_CONFIGURATION,
                           _ ("The developer keys have no client id. Add it to the keyset."));
      return NULL;
    }

  redirect = relink_keyset_get_redirect (keyset);
  if (is_blank (redirect))
    {
      g_set_error_literal (
          error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_CONFIGURATION,
          _ ("The developer keys have no redirect address. Add it to the keyset."));
      return NULL;
    }
  self->redirect_param = g_strdup (redirect);

  if (relink_provider_get_redirect_style (provider) == RELINK_REDIRECT_STYLE_RUNAME)
    {
      const char *accepted = relink_keyset_get_extra (keyset, "accepted_url");

      self->redirect_url = is_blank (accepted) ? NULL : g_strdup (accepted);
    }
  else
    {
      self->redirect_url = g_strdup (redirect);
    }

  if (self->redirect_url != NULL)
    {
      g_autoptr (GUri) uri = g_uri_parse (self->redirect_url, G_URI_FLAGS_ENCODED, NULL);

      if (uri == NULL || is_blank (g_uri_get_host (uri)))
        {
          g_set_error_literal (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_CONFIGURATION,
                               _ ("The redirect address of the developer keys is not a valid web "
                                  "address. Edit the keyset."));
          return NULL;
        }
    }

  self->scope = join_scopes (scopes != NULL ? scopes : relink_provider_get_scopes (provider));

  self->state = relink_random_token (STATE_BYTES, error);
  if (self->state == NULL)
    return NULL;

  if (relink_provider_get_pkce (provider) != RELINK_PKCE_NONE)
    {
      self->code_verifier = relink_pkce_new_verifier (error);
      if (self->code_verifier == NULL)
        return NULL;
    }

  if (!build_authorize_url (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

RelinkProvider *
relink_auth_request_get_provider (RelinkAuthRequest *self)
{
  g_return_val_if_fail (RELINK_IS_AUTH_REQUEST (self), NULL);

  return self->provider;
}

RelinkKeyset *
relink_auth_request_get_keyset (RelinkAuthRequest *self)
{
  g_return_val_if_fail (RELINK_IS_AUTH_REQUEST (self), NULL);

  return self->keyset;
}

const RelinkProviderEnvironment *
relink_auth_request_get_environment (RelinkAuthRequest *self)
{
  g_return_val_if_fail (RELINK_IS_AUTH_REQUEST (self), NULL);

  return self->environment;
}

const char *
relink_auth_request_get_authorize_url (RelinkAuthRequest *self)
{
  g_return_val_if_fail (RELINK_IS_AUTH_REQUEST (self), NULL);

  return self->authorize_url;
}

const char *
relink_auth_request_get_redirect_url (RelinkAuthRequest *self)
{
  g_return_val_if_fail (RELINK_IS_AUTH_REQUEST (self), NULL);

  return self->redirect_url;
}

const char *
relink_auth_request_get_redirect_param (RelinkAuthRequest *self)
{
  g_return_val_if_fail (RELINK_IS_AUTH_REQUEST (self), NULL);

  return self->redirect_param;
}

const char *
relink_auth_request_get_state (RelinkAuthRequest *self)
{
  g_return_val_if_fail (RELINK_IS_AUTH_REQUEST (self), NULL);

  return self->state;
}

const char *
relink_auth_request_get_code_verifier (RelinkAuthRequest *self)
{
  g_return_val_if_fail (RELINK_IS_AUTH_REQUEST (self), NULL);

  return self->code_verifier;
}

const char *
relink_auth_request_get_scope (RelinkAuthRequest *self)
{
  g_return_val_if_fail (RELINK_IS_AUTH_REQUEST (self), NULL);

  return self->scope;
}

gboolean
relink_auth_request_get_used (RelinkAuthRequest *self)
{
  g_return_val_if_fail (RELINK_IS_AUTH_REQUEST (self), FALSE);

  return self->used;
}

/* The parts of an address that decide where it leads. Split without
 * decoding or normalising, so that what is compared is what was written. */
typedef struct
{
  char *scheme;
  char *userinfo;
  char *host;
  int port;
  char *path;
  char *query;
} Target;

static void
target_clear (Target *target)
{
  g_free (target->scheme);
  g_free (target->userinfo);
  g_free (target->host);
  g_free (target->path);
  g_free (target->query);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Target, target_clear)

static gboolean
split_target (const char *uri, Target *target)
{
  memset (target, 0, sizeof *target);

  /* WHATWG browsers read "\" as "/" in web addresses, GUri does not: an
   * address using it could lead somewhere else than it seems to here. */
  if (uri == NULL || strchr (uri, '\\') != NULL)
    return FALSE;

  if (!g_uri_split (uri, G_URI_FLAGS_ENCODED, &target->scheme, &target->userinfo, &target->host,
                    &target->port, &target->path, &target->query, NULL, NULL))
    return FALSE;

  if (target->scheme == NULL || target->host == NULL || target->host[0] == '\0')
    return FALSE;

  if (target->port == -1)
    {
      if (g_ascii_strcasecmp (target->scheme, "https") == 0)
        target->port = 443;
      else if (g_ascii_strcasecmp (target->scheme, "http") == 0)
        target->port = 80;
    }

  if (target->path[0] == '\0')
    {
      g_free (target->path);
      target->path = g_strdup ("/");
    }

  return TRUE;
}

static gboolean
target_equal (const Target *expected, const Target *candidate)
{
  return candidate->userinfo == NULL
         && g_ascii_strcasecmp (expected->scheme, candidate->scheme) == 0
         && g_ascii_strcasecmp (expected->host, candidate->host) == 0
         && expected->port == candidate->port && strcmp (expected->path, candidate->path) == 0;
}

static gboolean
is_ebay_default_page (RelinkAuthRequest *self, const Target *candidate)
{
  if (relink_provider_get_redirect_style (self->provider) != RELINK_REDIRECT_STYLE_RUNAME)
    return FALSE;

  for (guint i = 0; ebay_default_page_hosts[i] != NULL; i++)
    {
      Target page = {
        .scheme = (char *) "https",
        .host = (char *) ebay_default_page_hosts[i],
        .port = 443,
        .path = (char *) EBAY_DEFAULT_PAGE_PATH,
      };

      if (target_equal (&page, candidate))
        return TRUE;
    }

  return FALSE;
}

static gboolean
matches_target (RelinkAuthRequest *self, const Target *candidate)
{
  if (self->redirect_url != NULL)
    {
      g_auto (Target) expected = { 0 };

      if (split_target (self->redirect_url, &expected) && target_equal (&expected, candidate))
        return TRUE;
    }

  return is_ebay_default_page (self, candidate);
}

gboolean
relink_auth_request_matches_redirect (RelinkAuthRequest *self, const char *uri)
{
  g_auto (Target) candidate = { 0 };

  g_return_val_if_fail (RELINK_IS_AUTH_REQUEST (self), FALSE);

  if (!split_target (uri, &candidate))
    return FALSE;

  return matches_target (self, &candidate);
}

static void
mark_used (RelinkAuthRequest *self)
{
  if (self->used)
    return;

  self->used = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USED]);
}

/* One application/x-www-form-urlencoded name or value, decoded once. Bytes
 * that are not UTF-8 are replaced rather than refused, so that a
 * marketplace's Latin-1 error text still reads; a NUL byte or a broken
 * escape makes the answer unreadable. */
static char *
decode_component (const char *text, gssize length)
{
  g_autofree char *plus = length < 0 ? g_strdup (text) : g_strndup (text, length);
  g_autoptr (GBytes) bytes = NULL;
  gconstpointer data;
  gsize size;

  g_strdelimit (plus, "+", ' ');
  bytes = g_uri_unescape_bytes (plus, -1, NULL, NULL);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &size);
  if (size > 0 && memchr (data, '\0', size) != NULL)
    return NULL;

  return g_utf8_make_valid (size > 0 ? data : "", size);
}

/* Decodes the query; a repeated name makes the answer ambiguous (which
 * `state` would count?), so it is refused like an unreadable one. */
static GHashTable *
parse_query (const char *query)
{
  g_autoptr (GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) relink_secret_free);
  g_auto (GStrv) parts = NULL;

  if (query == NULL)
    return g_steal_pointer (&params);

  parts = g_strsplit (query, "&", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *equal = strchr (parts[i], '=');
      g_autofree char *name = NULL;
      char *value;

      if (parts[i][0] == '\0')
        continue;

      name = decode_component (parts[i], equal != NULL ? equal - parts[i] : -1);
      value = decode_component (equal != NULL ? equal + 1 : "", -1);
      if (name == NULL || value == NULL || g_hash_table_contains (params, name))
        {
          relink_secret_free (value);
          return NULL;
        }

      g_hash_table_insert (params, g_steal_pointer (&name), value);
    }

  return g_steal_pointer (&params);
}

RelinkAuthResponse *
relink_auth_request_parse_redirect (RelinkAuthRequest *self, const char *uri, GError **error)
{
  g_auto (Target) candidate = { 0 };
  g_autofree char *stripped = NULL;
  g_autoptr (GHashTable) params = NULL;
  RelinkAuthResponse *response;
  const char *provider_name;
  const char *state;
  const char *oauth_error;
  const char *code;

  g_return_val_if_fail (RELINK_IS_AUTH_REQUEST (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  provider_name = relink_provider_get_name (self->provider);

  /* An address pasted back from the system browser often brings a line
   * break or spaces along. */
  stripped = g_strstrip (g_strdup (uri != NULL ? uri : ""));

  if (!split_target (stripped, &candidate) || !matches_target (self, &candidate))
    {
      g_set_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_WRONG_REDIRECT,
                   _ ("This address is not the answer of %s that Relink waits for. Nothing was "
                      "changed; copy the address of the page shown after you allowed access."),
                   provider_name);
      return NULL;
    }

  if (self->used)
    {
      g_set_error_literal (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_ALREADY_USED,
                           _ ("This sign-in was already answered. Nothing was changed; start a new "
                              "sign-in."));
      return NULL;
    }
  mark_used (self);

  params = parse_query (candidate.query);
  if (params == NULL)
    {
      g_set_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED,
                   _ ("The sign-in answer of %s is garbled or repeats a value, so Relink cannot "
                      "trust it. Nothing was changed; try again."),
                   provider_name);
      return NULL;
    }

  /* A wrong state is checked before anything else the answer says, even
   * an error: the answer may have been forged by another site. An answer
   * without state is accepted only as a refusal, which changes nothing
   * (eBay's decline page may carry no state). */
  state = g_hash_table_lookup (params, "state");
  if (state != NULL && !relink_constant_time_equal (self->state, state))
    {
      g_set_error_literal (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_STATE_MISMATCH,
                           _ ("The sign-in answer did not belong to this sign-in. Nothing was "
                              "changed; try again."));
      return NULL;
    }

  oauth_error = g_hash_table_lookup (params, "error");
  if (g_strcmp0 (oauth_error, "access_denied") == 0
      || g_strcmp0 (g_hash_table_lookup (params, "isAuthSuccessful"), "false") == 0)
    {
      g_set_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_DECLINED,
                   _ ("You declined access on %s. Nothing was changed."), provider_name);
      return NULL;
    }

  if (oauth_error != NULL)
    {
      const char *description = g_hash_table_lookup (params, "error_description");
      g_autofree char *shown = relink_oauth_sanitize_text (
          is_blank (description) ? oauth_error : description, MAX_ERROR_TEXT);

      g_set_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_FAILED,
                   /* Translators: the first %s is a marketplace, the second its reason. */
                   _ ("%s refused the sign-in: “%s”. Nothing was changed; try again."),
                   provider_name, shown);
      return NULL;
    }

  if (state == NULL)
    {
      g_set_error_literal (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_STATE_MISMATCH,
                           _ ("The sign-in answer did not belong to this sign-in. Nothing was "
                              "changed; try again."));
      return NULL;
    }

  code = g_hash_table_lookup (params, "code");
  if (is_blank (code))
    code = g_hash_table_lookup (params, "spapi_oauth_code");
  if (is_blank (code))
    {
      g_set_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED,
                   _ ("%s sent no sign-in code. Nothing was changed; try again."), provider_name);
      return NULL;
    }

  if (relink_provider_get_identity_source (self->provider) == RELINK_IDENTITY_SOURCE_REDIRECT
      && is_blank (
          g_hash_table_lookup (params, relink_provider_get_identity_id_field (self->provider))))
    {
      g_set_error (error, RELINK_OAUTH_ERROR, RELINK_OAUTH_ERROR_MALFORMED,
                   _ ("%s did not say which account signed in. Nothing was changed; try again."),
                   provider_name);
      return NULL;
    }

  response = g_atomic_rc_box_new0 (RelinkAuthResponse);
  response->code = code;
  response->params = g_steal_pointer (&params);

  return response;
}
