/* relink-pkce.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "relink-pkce.h"

#define PKCE_VERIFIER_BYTES 32

static gboolean
read_urandom (guint8 *buffer, gsize length)
{
  int fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);
  gsize done = 0;

  if (fd < 0)
    return FALSE;

  while (done < length)
    {
      gssize n = read (fd, buffer + done, length - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += n;
    }

  g_close (fd, NULL);
  return done == length;
}

gboolean
relink_random_bytes (guint8 *buffer, gsize length, GError **error)
{
  gsize done = 0;

  g_return_val_if_fail (buffer != NULL || length == 0, FALSE);

  while (done < length)
    {
      gssize n = getrandom (buffer + done, length - done, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        break;
      done += n;
    }

  /* Old kernels or seccomp filters may lack getrandom(). */
  if (done < length && !read_urandom (buffer, length))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _ ("This system gave no random numbers, which a safe sign-in needs."));
      return FALSE;
    }

  return TRUE;
}

char *
relink_base64url_encode (const guint8 *data, gsize length)
{
  char *text = g_base64_encode (data, length);
  char *out = text;

  for (char *p = text; *p != '\0'; p++)
    {
      if (*p == '=')
        continue;
      *out++ = *p == '+' ? '-' : *p == '/' ? '_' : *p;
    }
  *out = '\0';

  return text;
}

char *
relink_random_token (gsize n_bytes, GError **error)
{
  g_autofree guint8 *bytes = g_malloc (n_bytes);
  char *token;

  if (!relink_random_bytes (bytes, n_bytes, error))
    return NULL;

  token = relink_base64url_encode (bytes, n_bytes);
  memset (bytes, 0, n_bytes);
  return token;
}

char *
relink_pkce_new_verifier (GError **error)
{
  return relink_random_token (PKCE_VERIFIER_BYTES, error);
}

char *
relink_pkce_challenge_s256 (const char *verifier)
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = sizeof digest;

  g_return_val_if_fail (verifier != NULL, NULL);

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &digest_len);

  return relink_base64url_encode (digest, digest_len);
}

gboolean
relink_constant_time_equal (const char *a, const char *b)
{
  gsize len_a, len_b;
  guint8 diff;

  if (a == NULL || b == NULL)
    return FALSE;

  len_a = strlen (a);
  len_b = strlen (b);
  diff = len_a != len_b;

  /* Walk the expected length whatever the other string holds, so the time
   * reveals at most the lengths. */
  for (gsize i = 0; i < len_a; i++)
    diff |= (guint8) a[i] ^ (guint8) (i < len_b ? b[i] : 0);

  return diff == 0;
}
