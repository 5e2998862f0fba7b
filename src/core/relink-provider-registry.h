/* relink-provider-registry.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "relink-provider.h"

G_BEGIN_DECLS

#define RELINK_TYPE_PROVIDER_REGISTRY (relink_provider_registry_get_type ())

/* RelinkProviderRegistry: every marketplace profile Relink knows, the
 * shipped ones (GResource) plus the user's own from
 * $XDG_CONFIG_HOME/relink/providers/ (*.json). A GListModel of RelinkProvider
 * sorted by name. Broken profiles are skipped and kept as load errors. */
G_DECLARE_FINAL_TYPE (
    RelinkProviderRegistry, relink_provider_registry, RELINK, PROVIDER_REGISTRY, GObject)

/* Loads the shipped profiles and those in @user_dir (NULL: the default
 * $XDG_CONFIG_HOME/relink/providers). Never fails: problems are collected. */
RelinkProviderRegistry *relink_provider_registry_new (const char *user_dir);
RelinkProvider *relink_provider_registry_lookup (RelinkProviderRegistry *self, const char *id);
/* One GError per skipped profile file, in load order; messages name file, field and reason. */
GPtrArray *relink_provider_registry_get_load_errors (RelinkProviderRegistry *self);
const GError *relink_provider_registry_lookup_error (RelinkProviderRegistry *self, const char *id);
/* The directory custom profiles are read from (it may not exist). */
const char *relink_provider_registry_get_user_dir (RelinkProviderRegistry *self);
/* The skipped files' errors as sentences for people, one per file:
 * "acme.json was skipped: field “token_url”: must be an https:// URL". */
GStrv relink_provider_registry_describe_load_errors (RelinkProviderRegistry *self);
/* Adds a custom profile made while Relink runs (OpenID Connect
 * discovery), at its sorted place; emits items-changed. Fails with
 * RELINK_PROVIDER_ERROR_DUPLICATE when a profile has its id already. */
gboolean relink_provider_registry_add (RelinkProviderRegistry *self,
                                       RelinkProvider *provider,
                                       GError **error);

G_END_DECLS
