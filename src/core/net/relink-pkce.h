/* relink-pkce.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Random values for a sign-in (state, PKCE verifier) and RFC 7636 PKCE.
 * Plain functions: nothing here keeps state. */

/* Fills @buffer from the kernel's CSPRNG (getrandom(2), /dev/urandom as a
 * fallback). GRand is predictable and must never be used for these. */
gboolean relink_random_bytes (guint8 *buffer, gsize length, GError **error);

/* @n_bytes random bytes as base64url without padding (RFC 4648 §5),
 * NULL with @error set when the system has no random source. */
char *relink_random_token (gsize n_bytes, GError **error);

/* base64url without padding. */
char *relink_base64url_encode (const guint8 *data, gsize length);

/* A PKCE code verifier: 32 random bytes, 43 characters of [A-Za-z0-9-_]. */
char *relink_pkce_new_verifier (GError **error);

/* The S256 challenge: base64url(SHA-256(@verifier)). */
char *relink_pkce_challenge_s256 (const char *verifier);

/* Compares two strings in time that depends on their lengths only, not on
 * where they differ. NULL equals nothing, not even NULL. */
gboolean relink_constant_time_equal (const char *a, const char *b);

G_END_DECLS
