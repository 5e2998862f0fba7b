/* fuzz-common.h: what every fuzz harness shares.
 *
 * Each fuzz-TARGET.c defines one entry point with RELINK_FUZZ_ENTRY():
 * in the clang build (-Dfuzzers=true) it is libFuzzer's
 * LLVMFuzzerTestOneInput; in the ordinary build the harnesses are linked
 * together into fuzz-replay, which runs the saved corpus and every past
 * crash (tests/fuzz/corpus/TARGET, tests/fuzz/crashes/TARGET) in the core
 * suite. A harness checks documented guarantees with g_assert*() and
 * g_error(); a violation aborts, which libFuzzer saves as a crash.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "relink-provider.h"

G_BEGIN_DECLS

#ifdef RELINK_FUZZ_REPLAY
#define RELINK_FUZZ_ENTRY(name) int relink_fuzz_##name (const uint8_t *data, size_t size)
#define RELINK_FUZZ_DECLARE(name) RELINK_FUZZ_ENTRY (name);
/* clang-format off */
#define RELINK_FUZZ_TARGETS(X) \
  X (json) X (profile) X (token_response) X (oauth_error) X (identity) X (discovery) \
  X (token_set) X (keyset_extras) X (redirect) X (store) X (uri) X (xml)
/* clang-format on */
RELINK_FUZZ_TARGETS (RELINK_FUZZ_DECLARE)
#else
#define RELINK_FUZZ_ENTRY(name) int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
#endif

/* The input as a NUL-terminated string (cut at the first NUL). */
char *relink_fuzz_string (const uint8_t *data, size_t size);

/* Aborts when @message repeats a run of 12 or more letters and digits
 * found in the input: refusals must not echo text that may be a token. */
void relink_fuzz_assert_not_quoted (const char *message, const uint8_t *data, size_t size);

/* Aborts when @text is not valid UTF-8 or holds a control character
 * other than newline. */
void relink_fuzz_assert_clean_text (const char *text);

/* The shipped profiles and a custom OpenID one, loaded once; @index is
 * taken modulo relink_fuzz_n_providers(). */
guint relink_fuzz_n_providers (void);
RelinkProvider *relink_fuzz_provider (guint index);

G_END_DECLS
