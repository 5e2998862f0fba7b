/* relink-auth-request.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "relink-keyset.h"
#include "relink-oauth-error.h"
#include "relink-provider.h"

G_BEGIN_DECLS

#define RELINK_TYPE_AUTH_RESPONSE (relink_auth_response_get_type ())

/* RelinkAuthResponse: what the marketplace's consent redirect carried
 * after the state check passed. Immutable, reference counted; its strings
 * are wiped when the last reference goes. */
typedef struct _RelinkAuthResponse RelinkAuthResponse;

GType relink_auth_response_get_type (void) G_GNUC_CONST;
RelinkAuthResponse *relink_auth_response_ref (RelinkAuthResponse *self);
void relink_auth_response_unref (RelinkAuthResponse *self);
/* The authorization code (`code`, or Amazon's `spapi_oauth_code`). */
const char *relink_auth_response_get_code (const RelinkAuthResponse *self);
/* Amazon's `selling_partner_id`, NULL elsewhere. */
const char *relink_auth_response_get_selling_partner_id (const RelinkAuthResponse *self);
/* Any query parameter of the redirect, decoded once; NULL when absent. */
const char *relink_auth_response_get_param (const RelinkAuthResponse *self, const char *name);
/* Names of all parameters, sorted; free with g_strfreev(). */
GStrv relink_auth_response_dup_param_names (const RelinkAuthResponse *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RelinkAuthResponse, relink_auth_response_unref)

#define RELINK_TYPE_AUTH_REQUEST (relink_auth_request_get_type ())

/* RelinkAuthRequest: one sign-in attempt at a marketplace. It builds the
 * consent URL (random state, PKCE S256 where the profile takes it),
 * recognises the redirect that ends the attempt and checks it. Single use:
 * once a redirect was parsed, every further one is refused, so a replayed
 * or second answer cannot be exchanged. */
G_DECLARE_FINAL_TYPE (RelinkAuthRequest, relink_auth_request, RELINK, AUTH_REQUEST, GObject)

/* @keyset supplies client id, redirect (URL or eBay RuName), environment
 * and consent extras (Amazon's application_id and version, eBay's
 * accepted URL). @scopes NULL: the profile's scopes. Fails with
 * RELINK_OAUTH_ERROR_CONFIGURATION when the keyset lacks what the profile
 * needs, or when the system has no random source. */
RelinkAuthRequest *relink_auth_request_new (RelinkProvider *provider,
                                            RelinkKeyset *keyset,
                                            const char *const *scopes,
                                            GError **error);

RelinkProvider *relink_auth_request_get_provider (RelinkAuthRequest *self);
RelinkKeyset *relink_auth_request_get_keyset (RelinkAuthRequest *self);
const RelinkProviderEnvironment *relink_auth_request_get_environment (RelinkAuthRequest *self);
/* The consent page to open. */
const char *relink_auth_request_get_authorize_url (RelinkAuthRequest *self);
/* The redirect address to catch; for eBay the keyset's accepted URL, or
 * NULL when it has none (eBay then shows its own success page, which
 * relink_auth_request_matches_redirect() also recognises). */
const char *relink_auth_request_get_redirect_url (RelinkAuthRequest *self);
/* What is sent as redirect_uri: the redirect URL, or for eBay the RuName. */
const char *relink_auth_request_get_redirect_param (RelinkAuthRequest *self);
const char *relink_auth_request_get_state (RelinkAuthRequest *self);
/* The PKCE verifier for the code exchange, NULL when the profile takes no PKCE. */
const char *relink_auth_request_get_code_verifier (RelinkAuthRequest *self);
/* The requested scopes, space separated; "" when none. */
const char *relink_auth_request_get_scope (RelinkAuthRequest *self);
/* Whether a redirect was parsed already (successfully or not). */
gboolean relink_auth_request_get_used (RelinkAuthRequest *self);

/* Whether @uri is the redirect that ends this sign-in. Scheme, host (ASCII
 * case-insensitive), port (default ports normalised) and path must equal
 * the expected redirect's EXACTLY: no path prefix, no trailing-dot host, no
 * user info, no backslash. Query and fragment are not compared. For eBay
 * profiles (RuName style) eBay's own success page
 * https://auth2.ebay.com/oauth2/ThirdPartyAuthSucessFailure also matches. */
gboolean relink_auth_request_matches_redirect (RelinkAuthRequest *self, const char *uri);

/* Checks the redirect @uri (surrounding white space is ignored, for pasted
 * addresses) and extracts its answer. Marks the request used.
 * Errors (RELINK_OAUTH_ERROR): WRONG_REDIRECT (not the expected address),
 * ALREADY_USED, STATE_MISMATCH (constant-time comparison), DECLINED
 * (access_denied, eBay's isAuthSuccessful=false), FAILED (another `error`,
 * its description sanitised), MALFORMED (no code, repeated parameters,
 * Amazon without selling_partner_id). */
RelinkAuthResponse *
relink_auth_request_parse_redirect (RelinkAuthRequest *self, const char *uri, GError **error);

G_END_DECLS
