/* relink-about.h
 *
 * The About window: what the application is, who makes it, where to ask
 * for help, and what its latest release changed (read from the AppStream
 * metainfo, the same text software centres show).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* A new About window over @parent (may be NULL), not presented yet. */
GtkWindow *relink_about_window_new (GtkWindow *parent);

/* From the metainfo text @xml: the latest release's version and notes (as
 * AdwAboutWindow markup: <p>, <ul>, <ol>, <li>, <em>, <code>), and the
 * homepage and bug tracker addresses. Each NULL when missing. Exposed for
 * tests. */
gboolean relink_about_parse_metainfo (const char *xml,
                                      char **release_version,
                                      char **release_notes,
                                      char **homepage,
                                      char **bugtracker,
                                      GError **error);

G_END_DECLS
