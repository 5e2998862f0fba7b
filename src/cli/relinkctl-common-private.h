/* relinkctl-common-private.h: what relinkctl-common.c and relinkctl-list.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "relinkctl-common.h"

G_BEGIN_DECLS

/* Pads @text with spaces to @width characters (not bytes). */
void ctl_append_padded (GString *line, const char *text, guint width);

int ctl_cmd_list (Ctl *ctl, char **args);
int ctl_cmd_status (Ctl *ctl, char **args);

G_END_DECLS
