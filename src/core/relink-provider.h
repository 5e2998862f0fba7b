/* relink-provider.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* How the client proves who it is at the token endpoint. */
typedef enum
{
  RELINK_CLIENT_AUTH_BASIC, /* HTTP Basic client_id:client_secret (eBay) */
  RELINK_CLIENT_AUTH_BODY,  /* client_id + client_secret in the form (Amazon LWA, Mercado Libre) */
  RELINK_CLIENT_AUTH_NONE,  /* public client: client_id only, PKCE (Etsy) */
  RELINK_CLIENT_AUTH_ALIEXPRESS_SIGN /* AliExpress IOP HMAC-SHA256 signed request */
} RelinkClientAuth;

typedef enum
{
  RELINK_PKCE_NONE,     /* do not send PKCE (eBay, Amazon) */
  RELINK_PKCE_OPTIONAL, /* accepted: send S256 (Mercado Libre, OpenID) */
  RELINK_PKCE_REQUIRED  /* mandatory S256 (Etsy) */
} RelinkPkce;

/* Where the signed-in identity comes from after consent. */
typedef enum
{
  RELINK_IDENTITY_SOURCE_ENDPOINT,       /* GET identity-url with the new access token */
  RELINK_IDENTITY_SOURCE_TOKEN_RESPONSE, /* fields of the token response (AliExpress) */
  RELINK_IDENTITY_SOURCE_REDIRECT,       /* a query parameter of the consent redirect (Amazon) */
  RELINK_IDENTITY_SOURCE_ID_TOKEN        /* OpenID Connect id_token / userinfo `sub` */
} RelinkIdentitySource;

/* How the redirect is named in the authorize and token requests. */
typedef enum
{
  RELINK_REDIRECT_STYLE_URI,   /* redirect_uri is the URL itself */
  RELINK_REDIRECT_STYLE_RUNAME /* redirect_uri is an eBay RuName (see the accepted_url field) */
} RelinkRedirectStyle;

/* One environment (production, sandbox, or a region) of a marketplace. */
typedef struct
{
  char *id;   /* "production", "sandbox", "na", "eu", ... */
  char *name; /* translated display name: "Production", "Europe" */
  gboolean is_production;
  char *authorize_url;      /* consent page (browser GET) */
  char *token_url;          /* code exchange and refresh (POST, or GET for AliExpress) */
  char *refresh_url;        /* NULL: same as token_url */
  char *revoke_url;         /* RFC 7009 endpoint, NULL when none */
  char *identity_url;       /* who-am-I call, NULL when identity comes from elsewhere */
  char *api_base_url;       /* base for test calls, may be NULL */
  char *connected_apps_url; /* where the seller removes the app by hand, may be NULL */
  /* Mercado Libre's own revocation: DELETE this address, with {user_id}
   * (the verified identity) and {client_id} filled in, authorised by the
   * access token. NULL when none. */
  char *revoke_application_url;
  /* eBay's Trading API (XML, api.dll) and its Auth'n'Auth sign-in page
   * (eBayISAPI.dll, without a query): set when the profile offers
   * Auth'n'Auth (relink_provider_get_auth_n_auth()), else NULL. */
  char *trading_url;
  char *trading_sign_in_url;
} RelinkProviderEnvironment;

/* A value a keyset of this marketplace needs besides client id/secret/redirect. */
typedef struct
{
  char *id;          /* "application_id", "shared_secret", "accepted_url" */
  char *label;       /* translated label */
  char *description; /* translated help text, may be NULL */
  gboolean secret;   /* kept in the keyring, never in the metadata store */
  gboolean required;
  char *authorize_param; /* consent query parameter that carries the value
                          * (Amazon: "application_id", "version"), NULL when none */
} RelinkKeysetField;

/* eBay's Auth'n'Auth: a second kind of grant (grant kind "auth-n-auth"),
 * a Trading API token signed in for with the keyset's App ID (client id),
 * Cert ID (client secret) and RuName (redirect). */
typedef struct
{
  char *site_id;             /* X-EBAY-API-SITEID, "0" = United States */
  char *compatibility_level; /* X-EBAY-API-COMPATIBILITY-LEVEL */
  gint64 lifetime;           /* seconds a token lives when FetchToken does not say */
  /* Values an Auth'n'Auth keyset needs besides App ID, Cert ID and RuName
   * (eBay: the Dev ID, the accepted URL); of RelinkKeysetField. */
  GPtrArray *keyset_fields;
} RelinkAuthNAuth;

#define RELINK_TYPE_PROVIDER (relink_provider_get_type ())

/* RelinkProvider: one marketplace profile (endpoints, lifetimes, quirks),
 * immutable once parsed from its JSON description. */
G_DECLARE_FINAL_TYPE (RelinkProvider, relink_provider, RELINK, PROVIDER, GObject)

#define RELINK_PROVIDER_ERROR (relink_provider_error_quark ())

typedef enum
{
  RELINK_PROVIDER_ERROR_PARSE, /* not JSON, or not an object */
  RELINK_PROVIDER_ERROR_FIELD, /* a field is missing, of the wrong type or value */
  RELINK_PROVIDER_ERROR_DUPLICATE
} RelinkProviderError;

GQuark relink_provider_error_quark (void);

/* Parses a profile. @origin names the file in error messages, which read
 * "FILE: field “FIELD”: REASON". The profile counts as a custom one (its
 * strings are shown untranslated); see relink_provider_new_from_json_full().
 * The format is documented in data/providers/README.md. */
RelinkProvider *
relink_provider_new_from_json (const char *json, gssize length, const char *origin, GError **error);
/* @is_custom: TRUE for a user's profile, FALSE for a shipped one, whose
 * names and labels are then translated with Relink's gettext domain. */
RelinkProvider *relink_provider_new_from_json_full (
    const char *json, gssize length, const char *origin, gboolean is_custom, GError **error);

const char *relink_provider_get_id (RelinkProvider *self);
const char *relink_provider_get_name (RelinkProvider *self);
/* Never NULL: a generic icon when the profile names none. */
const char *relink_provider_get_icon_name (RelinkProvider *self);
const char *relink_provider_get_origin (RelinkProvider *self);
gboolean relink_provider_is_custom (RelinkProvider *self);
RelinkClientAuth relink_provider_get_client_auth (RelinkProvider *self);
RelinkPkce relink_provider_get_pkce (RelinkProvider *self);
RelinkRedirectStyle relink_provider_get_redirect_style (RelinkProvider *self);
RelinkIdentitySource relink_provider_get_identity_source (RelinkProvider *self);
/* JSON member names (dots for nesting, e.g. "user.id") read from the identity source. */
const char *relink_provider_get_identity_id_field (RelinkProvider *self);
const char *relink_provider_get_identity_name_field (RelinkProvider *self);
/* Never NULL; empty when the marketplace takes no scope parameter. */
const char *const *relink_provider_get_scopes (RelinkProvider *self);
/* Extra consent query parameters, e.g. prompt=login; keys and values are strings. */
GHashTable *relink_provider_get_authorize_params (RelinkProvider *self);
/* Lifetimes in seconds used when a token response does not state them; 0 = unknown/none. */
gint64 relink_provider_get_access_lifetime (RelinkProvider *self);
gint64 relink_provider_get_refresh_lifetime (RelinkProvider *self);
/* Whether a refresh returns a new refresh token (single use, rotating). */
gboolean relink_provider_get_rotating_refresh (RelinkProvider *self);
/* Whether a refresh moves the refresh/authorisation expiry forward. */
gboolean relink_provider_get_refresh_extends (RelinkProvider *self);
/* Lifetime of the developer's client secret in seconds (Amazon LWA: 180 days), 0 = none. */
gint64 relink_provider_get_client_secret_lifetime (RelinkProvider *self);
/* Environments in profile order; never empty. */
GPtrArray *relink_provider_get_environments (RelinkProvider *self);
/* NULL @environment_id: the first environment. NULL when there is no such id. */
const RelinkProviderEnvironment *relink_provider_get_environment (RelinkProvider *self,
                                                                  const char *environment_id);
/* Keyset fields besides client id, client secret and redirect. */
GPtrArray *relink_provider_get_keyset_fields (RelinkProvider *self);
/* NULL when the profile has no field of that id. */
const RelinkKeysetField *relink_provider_get_keyset_field (RelinkProvider *self,
                                                           const char *field_id);
/* Whether this marketplace needs a client secret in a keyset at all (Etsy does not). */
gboolean relink_provider_get_needs_client_secret (RelinkProvider *self);

/* NULL when the profile offers no Auth'n'Auth grant. */
const RelinkAuthNAuth *relink_provider_get_auth_n_auth (RelinkProvider *self);

/* The refresh endpoint: refresh_url, or token_url when the profile names none. */
const char *relink_provider_environment_get_refresh_url (const RelinkProviderEnvironment *env);

G_END_DECLS
