/* relink-account-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-account-row.h"
#include "relink-keyset.h"
#include "relink-provider.h"

struct _RelinkAccountRow
{
  GtkWidget parent_instance;

  GtkLabel *heading_label;
  GtkWidget *card;
  AdwAvatar *avatar;
  GtkLabel *title_label;
  GtkLabel *subtitle_label;
  GtkLabel *state_label;
  GtkLabel *countdown_label;
  GtkWidget *renew_button;

  RelinkCountdownTicker *ticker;
  RelinkAccount *account;
  gulong notify_id;
  gulong tick_id;

  RelinkAccountState state;
  const char *state_class;
  char *accessible_text;
};

G_DEFINE_FINAL_TYPE (RelinkAccountRow, relink_account_row, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_TICKER,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_accessible (RelinkAccountRow *self)
{
  GString *text = g_string_new (gtk_label_get_text (self->title_label));
  const char *parts[] = {
    gtk_label_get_text (self->subtitle_label),
    gtk_label_get_text (self->state_label),
    gtk_label_get_text (self->countdown_label),
  };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (parts[i][0] != '\0')
      g_string_append_printf (text, ", %s", parts[i]);

  if (g_strcmp0 (text->str, self->accessible_text) == 0)
    {
      g_string_free (text, TRUE);
      return;
    }

  g_free (self->accessible_text);
  self->accessible_text = g_string_free (text, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->accessible_text, -1);
}

static void
set_state_class (RelinkAccountRow *self, const char *css_class)
{
  if (g_strcmp0 (self->state_class, css_class) == 0)
    return;

  if (self->state_class != NULL)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), self->state_class);
      gtk_widget_remove_css_class (GTK_WIDGET (self->countdown_label), self->state_class);
    }

  /* relink_expiry_state_css_class() returns static strings. */
  self->state_class = css_class;

  if (self->state_class != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->state_label), self->state_class);
      gtk_widget_add_css_class (GTK_WIDGET (self->countdown_label), self->state_class);
    }
}

/* What depends on the clock: the state and the countdown. */
static void
update_time (RelinkAccountRow *self)
{
  gint64 now = relink_now ();
  gint64 threshold = relink_countdown_ticker_get_soon_threshold (self->ticker);
  g_autofree char *countdown = NULL;
  const char *message;
  gboolean attention;

  if (self->account == NULL)
    return;

  self->state = relink_account_get_state (self->account, now, threshold);
  attention = relink_expiry_state_needs_attention (self->state);

  countdown
      = relink_expiry_describe (relink_account_get_refresh_expires_at (self->account), now, NULL);
  gtk_label_set_text (self->countdown_label, countdown);
  gtk_label_set_text (self->state_label, relink_expiry_state_to_string (self->state));
  set_state_class (self, relink_expiry_state_css_class (self->state));

  /* The reason (e.g. "eBay refused the renewal token: sign in again") is
   * worth a hover where the state alone says too little. */
  message = relink_account_get_status_message (self->account);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_label),
                               message != NULL && *message != '\0' ? message : NULL);

  gtk_widget_set_visible (self->renew_button, attention);
  if (attention)
    gtk_widget_add_css_class (self->card, "needs-attention");
  else
    gtk_widget_remove_css_class (self->card, "needs-attention");

  update_accessible (self);
}

static char *
dup_subtitle (RelinkAccount *account)
{
  RelinkKeyset *keyset = relink_account_get_keyset (account);
  RelinkProvider *provider = keyset != NULL ? relink_keyset_get_provider (keyset) : NULL;
  const char *identity = relink_account_get_identity_name (account);
  g_autoptr (GPtrArray) parts = g_ptr_array_new ();

  if (provider != NULL)
    g_ptr_array_add (parts, (gpointer) relink_provider_get_name (provider));

  if (identity == NULL || *identity == '\0')
    identity = relink_account_get_identity_id (account);
  if (identity != NULL && *identity != '\0')
    g_ptr_array_add (parts, (gpointer) identity);

  if (keyset != NULL && !relink_keyset_is_production (keyset))
    {
      const char *environment_id = relink_keyset_get_environment (keyset);
      const RelinkProviderEnvironment *environment = NULL;

      if (provider != NULL && environment_id != NULL)
        environment = relink_provider_get_environment (provider, environment_id);

      if (environment != NULL && environment->name != NULL)
        g_ptr_array_add (parts, environment->name);
      else if (environment_id != NULL && *environment_id != '\0')
        g_ptr_array_add (parts, (gpointer) environment_id);
    }

  g_ptr_array_add (parts, NULL);

  return g_strjoinv (" · ", (char **) parts->pdata);
}

/* What depends on the account's facts: names, marketplace. */
static void
update_texts (RelinkAccountRow *self)
{
  RelinkKeyset *keyset;
  RelinkProvider *provider;
  g_autofree char *subtitle = NULL;
  const char *icon_name = NULL;
  const char *avatar_text;

  if (self->account == NULL)
    return;

  keyset = relink_account_get_keyset (self->account);
  provider = keyset != NULL ? relink_keyset_get_provider (keyset) : NULL;

  gtk_label_set_text (self->title_label, relink_account_get_display_name (self->account));
  subtitle = dup_subtitle (self->account);
  gtk_label_set_text (self->subtitle_label, subtitle);

  /* Relink ships no marketplace logos; the initials of the marketplace's
   * name (coloured by name, so each marketplace keeps one colour) stand in. */
  if (provider != NULL)
    {
      const char *name = relink_provider_get_icon_name (provider);
      GtkIconTheme *theme
          = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (self)));

      /* Only a marketplace's own icon (named after it, e.g. "ebay-symbolic"
       * from a theme) beats the initials; the profiles' generic fallback
       * would make every marketplace look alike. */
      if (name != NULL && g_str_has_prefix (name, relink_provider_get_id (provider))
          && gtk_icon_theme_has_icon (theme, name))
        icon_name = name;
      avatar_text = relink_provider_get_name (provider);
    }
  else
    {
      avatar_text = relink_account_get_display_name (self->account);
    }

  /* A recycled row often shows the same marketplace again, and the avatar
   * redraws its initials on every change. */
  if (g_strcmp0 (adw_avatar_get_text (self->avatar), avatar_text) != 0)
    adw_avatar_set_text (self->avatar, avatar_text);
  if (g_strcmp0 (adw_avatar_get_icon_name (self->avatar), icon_name) != 0)
    adw_avatar_set_icon_name (self->avatar, icon_name);
  adw_avatar_set_show_initials (self->avatar, icon_name == NULL);

  update_time (self);
}

static void
account_notify_cb (RelinkAccountRow *self, GParamSpec *pspec, RelinkAccount *account)
{
  update_texts (self);
}

static void
tick_cb (RelinkAccountRow *self, gboolean states_changed, RelinkCountdownTicker *ticker)
{
  update_time (self);
}

static void
relink_account_row_dispose (GObject *object)
{
  RelinkAccountRow *self = RELINK_ACCOUNT_ROW (object);

  relink_account_row_set_account (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), RELINK_TYPE_ACCOUNT_ROW);
  g_clear_object (&self->ticker);

  G_OBJECT_CLASS (relink_account_row_parent_class)->dispose (object);
}

static void
relink_account_row_finalize (GObject *object)
{
  RelinkAccountRow *self = RELINK_ACCOUNT_ROW (object);

  g_free (self->accessible_text);

  G_OBJECT_CLASS (relink_account_row_parent_class)->finalize (object);
}

static void
relink_account_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RelinkAccountRow *self = RELINK_ACCOUNT_ROW (object);

  switch (prop_id)
    {
      case PROP_TICKER:
        g_value_set_object (value, self->ticker);
        break;
      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_account_row_set_property (GObject *object,
                                 guint prop_id,
                                 const GValue *value,
                                 GParamSpec *pspec)
{
  RelinkAccountRow *self = RELINK_ACCOUNT_ROW (object);

  switch (prop_id)
    {
      case PROP_TICKER:
        self->ticker = g_value_dup_object (value);
        break;
      case PROP_ACCOUNT:
        relink_account_row_set_account (self, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_account_row_class_init (RelinkAccountRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = relink_account_row_dispose;
  object_class->finalize = relink_account_row_finalize;
  object_class->get_property = relink_account_row_get_property;
  object_class->set_property = relink_account_row_set_property;

  properties[PROP_TICKER]
      = g_param_spec_object ("ticker", NULL, NULL, RELINK_TYPE_COUNTDOWN_TICKER,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCOUNT]
      = g_param_spec_object ("account", NULL, NULL, RELINK_TYPE_ACCOUNT,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/relink/Relink/relink-account-row.ui");
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountRow, heading_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountRow, card);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountRow, avatar);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountRow, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountRow, renew_button);

  gtk_widget_class_set_css_name (widget_class, "accountrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
relink_account_row_init (RelinkAccountRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->state = RELINK_ACCOUNT_STATE_NOT_CONNECTED;
}

GtkWidget *
relink_account_row_new (RelinkCountdownTicker *ticker)
{
  g_return_val_if_fail (RELINK_IS_COUNTDOWN_TICKER (ticker), NULL);

  return g_object_new (RELINK_TYPE_ACCOUNT_ROW, "ticker", ticker, NULL);
}

RelinkAccount *
relink_account_row_get_account (RelinkAccountRow *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_ROW (self), NULL);

  return self->account;
}

void
relink_account_row_set_account (RelinkAccountRow *self, RelinkAccount *account)
{
  g_return_if_fail (RELINK_IS_ACCOUNT_ROW (self));
  g_return_if_fail (account == NULL || RELINK_IS_ACCOUNT (account));

  if (self->account == account)
    return;

  if (self->account != NULL)
    {
      g_clear_signal_handler (&self->notify_id, self->account);
      g_clear_signal_handler (&self->tick_id, self->ticker);
      relink_countdown_ticker_unwatch (self->ticker, self->account);
      g_clear_object (&self->account);
    }

  if (account != NULL)
    {
      self->account = g_object_ref (account);
      self->notify_id = g_signal_connect_object (account, "notify", G_CALLBACK (account_notify_cb),
                                                 self, G_CONNECT_SWAPPED);
      self->tick_id = g_signal_connect_object (self->ticker, "tick", G_CALLBACK (tick_cb), self,
                                               G_CONNECT_SWAPPED);
      relink_countdown_ticker_watch (self->ticker, account);
      update_texts (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT]);
}

void
relink_account_row_set_group_position (RelinkAccountRow *self, const char *heading, gboolean last)
{
  g_return_if_fail (RELINK_IS_ACCOUNT_ROW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->heading_label), heading != NULL);
  if (heading != NULL)
    {
      gtk_label_set_text (self->heading_label, heading);
      gtk_widget_add_css_class (self->card, "first");
    }
  else
    {
      gtk_widget_remove_css_class (self->card, "first");
    }

  if (last)
    gtk_widget_add_css_class (self->card, "last");
  else
    gtk_widget_remove_css_class (self->card, "last");
}

const char *
relink_account_row_get_heading (RelinkAccountRow *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_ROW (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->heading_label)))
    return NULL;

  return gtk_label_get_text (self->heading_label);
}

const char *
relink_account_row_get_title (RelinkAccountRow *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_ROW (self), NULL);

  return gtk_label_get_text (self->title_label);
}

const char *
relink_account_row_get_subtitle (RelinkAccountRow *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_ROW (self), NULL);

  return gtk_label_get_text (self->subtitle_label);
}

const char *
relink_account_row_get_countdown (RelinkAccountRow *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_ROW (self), NULL);

  return gtk_label_get_text (self->countdown_label);
}

RelinkAccountState
relink_account_row_get_state (RelinkAccountRow *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_ROW (self), RELINK_ACCOUNT_STATE_NOT_CONNECTED);

  return self->state;
}

gboolean
relink_account_row_get_renew_visible (RelinkAccountRow *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_ROW (self), FALSE);

  return gtk_widget_get_visible (self->renew_button);
}

const char *
relink_account_row_get_accessible_text (RelinkAccountRow *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_ROW (self), NULL);

  return self->accessible_text;
}
