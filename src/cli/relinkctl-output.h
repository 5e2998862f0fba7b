/* relinkctl-output.h
 *
 * relinkctl's text in the terminal's character set. Under LC_ALL=C (cron,
 * a bare ssh) GLib's own conversion turns every "·", "—" and typographic
 * quote into "?"; relinkctl writes their ASCII look-alikes instead.
 * Machine output (a token, JSON) is written as it is, in UTF-8.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *ctl_text_for_charset (const char *utf8, const char *charset);
void ctl_output_init (void);
void ctl_write_utf8 (const char *text);

G_END_DECLS
