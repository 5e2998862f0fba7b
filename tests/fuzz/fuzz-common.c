/* fuzz-common.c: helpers shared by the fuzz harnesses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>

#include "fuzz-common.h"

#define QUOTE_RUN 12

static const char *const shipped[]
    = { "aliexpress", "amazon-sp-api", "ebay", "etsy", "mercadolibre" };

/* "Standards in one breath" (providers.md): OpenID userinfo, RFC 7009. */
static const char custom_profile[]
    = "{\"format_version\": 1, \"id\": \"login-example\", \"name\": \"Example\", "
      "\"client_auth\": \"basic\", \"pkce\": \"required\", \"scopes\": [\"openid\"], "
      "\"access_lifetime\": 3600, \"refresh_lifetime\": 2592000, \"rotating_refresh\": true, "
      "\"identity\": {\"source\": \"id_token\"}, "
      "\"environments\": [{\"id\": \"default\", \"name\": \"Example\", \"production\": true, "
      "\"authorize_url\": \"https://login.example.com/authorize\", "
      "\"token_url\": \"https://login.example.com/token\", "
      "\"revoke_url\": \"https://login.example.com/revoke\", "
      "\"identity_url\": \"https://login.example.com/userinfo\"}]}";

static GPtrArray *providers;

#ifndef RELINK_FUZZ_REPLAY
/* GLib ends on a fatal message (g_error, a failed g_return_if_fail under
 * G_DEBUG=fatal-warnings) with SIGTRAP, which libFuzzer does not catch:
 * turned into an abort, the input is saved as a crash. */
static void
trap_cb (int signal_number)
{
  abort ();
}

__attribute__ ((constructor)) static void
catch_traps (void)
{
  signal (SIGTRAP, trap_cb);
}
#endif

static void
load_providers (void)
{
  g_autoptr (GError) error = NULL;
  RelinkProvider *provider;

  providers = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < G_N_ELEMENTS (shipped); i++)
    {
      g_autofree char *path
          = g_strconcat ("/io/github/relink/Relink/providers/", shipped[i], ".json", NULL);
      g_autoptr (GBytes) bytes = g_resources_lookup_data (path, 0, &error);

      g_assert_no_error (error);
      provider = relink_provider_new_from_json_full (g_bytes_get_data (bytes, NULL),
                                                     (gssize) g_bytes_get_size (bytes), shipped[i],
                                                     FALSE, &error);
      g_assert_no_error (error);
      g_ptr_array_add (providers, provider);
    }

  provider = relink_provider_new_from_json (custom_profile, -1, "custom", &error);
  g_assert_no_error (error);
  g_ptr_array_add (providers, provider);
}

guint
relink_fuzz_n_providers (void)
{
  if (providers == NULL)
    load_providers ();
  return providers->len;
}

RelinkProvider *
relink_fuzz_provider (guint index)
{
  guint n = relink_fuzz_n_providers ();

  return g_ptr_array_index (providers, index % n);
}

char *
relink_fuzz_string (const uint8_t *data, size_t size)
{
  return g_strndup ((const char *) data, size);
}

void
relink_fuzz_assert_not_quoted (const char *message, const uint8_t *data, size_t size)
{
  const char *p = message;

  while (*p != '\0')
    {
      const char *start;

      while (*p != '\0' && !g_ascii_isalnum (*p))
        p++;
      start = p;
      while (g_ascii_isalnum (*p))
        p++;

      /* Every window of a long run, so that a quote inside a longer word
       * is found too. */
      for (const char *w = start; w + QUOTE_RUN <= p; w++)
        {
          if (memmem (data, size, w, QUOTE_RUN) != NULL)
            g_error ("the message repeats the input: %s", message);
        }
    }
}

void
relink_fuzz_assert_clean_text (const char *text)
{
  if (!g_utf8_validate (text, -1, NULL))
    g_error ("not UTF-8");

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != '\n' && g_unichar_iscntrl (c))
        g_error ("control character U+%04X in: %s", c, text);
    }
}
