/* relink-account-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "relink-account-row-private.h"
#include "relink-grant.h"
#include "relink-keyset.h"
#include "relink-marketplace-face.h"
#include "relink-provider.h"

struct _RelinkAccountRow
{
  GtkWidget parent_instance;

  GtkWidget *card;
  GtkLabel *badge;
  GtkLabel *title_label;
  GtkLabel *subtitle_label;
  GtkLabel *state_label;
  GtkLabel *countdown_label;
  /* Made on first need: only the first row of a group has a heading, and
   * only rows that need attention have a Renew button. */
  GtkLabel *heading_label;
  GtkWidget *renew_button;
  char *renew_id;
  /* Made on first need too: Retry Now, while a temporary failure waits
   * for the automatic retry; insensitive while the window retries. */
  GtkWidget *retry_button;
  gboolean retrying;
  /* The status message of an account that needs attention. */
  GtkLabel *message_label;
  /* Set when the provider has its own themed icon (a custom provider);
   * shown in place of the initials. */
  GtkWidget *badge_icon;

  RelinkCountdownTicker *ticker;
  RelinkAccount *account;
  gulong notify_id;
  gulong tick_id;
  /* The account's further grants, watched like the account; and the grant
   * the row shows, the most urgent one (HACKING.md, "Grant"). */
  GPtrArray *watched_grants;
  gulong grants_changed_id;
  RelinkAccount *shown;

  RelinkAccountState state;
  const char *state_class;
  gboolean has_description;
  char *badge_class;
  char *accessible_text;
  /* The list item widget last given the summary (not a reference). */
  GtkWidget *labelled_item;
  /* The layout for a narrow window (see place_in_grid()). */
  gboolean narrow;
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

/* The row's summary for screen readers: "Main eBay shop, eBay · shop_a,
 * Expiring soon, expires in 5 hours 12 minutes", on the row and on the
 * list's item around it, which is what the keyboard focuses. */
static void
update_accessible (RelinkAccountRow *self, const char *spoken_countdown)
{
  GString *text = g_string_new (gtk_label_get_text (self->title_label));
  GtkWidget *item = gtk_widget_get_parent (GTK_WIDGET (self));
  const char *parts[] = {
    gtk_label_get_text (self->subtitle_label),
    gtk_label_get_text (self->state_label),
    spoken_countdown,
  };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (parts[i][0] != '\0')
      g_string_append_printf (text, ", %s", parts[i]);

  if (g_strcmp0 (text->str, self->accessible_text) == 0 && item == self->labelled_item)
    {
      g_string_free (text, TRUE);
      return;
    }

  g_free (self->accessible_text);
  self->accessible_text = g_string_free (text, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->accessible_text, -1);
  /* A list view's item widget has no name of its own in GTK 4.8. */
  if (item != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    self->accessible_text, -1);
  self->labelled_item = item;
}

static void
put (RelinkAccountRow *self, gpointer child, int column, int row, int width, int height)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (self->card);
  GtkGridLayoutChild *cell;

  if (child == NULL)
    return;

  cell = GTK_GRID_LAYOUT_CHILD (gtk_layout_manager_get_layout_child (layout, child));
  gtk_grid_layout_child_set_column (cell, column);
  gtk_grid_layout_child_set_row (cell, row);
  gtk_grid_layout_child_set_column_span (cell, width);
  gtk_grid_layout_child_set_row_span (cell, height);
}

/* Where each part of the card goes. Wide:
 *
 *   [badge] title     state      [Renew]
 *   [badge] subtitle  countdown  [Renew]
 *           message ...........  [Retry Now]
 *
 * Narrow, the state and countdown under the subtitle, left-aligned: the
 * title then has all but the button's width, and the card is no wider
 * than its longest line of state or countdown. Retry Now goes under the
 * message there: beside Renew it would widen the buttons' column and
 * leave the name a few letters ("Jetzt wiederholen" in German). */
static void
place_in_grid (RelinkAccountRow *self)
{
  int column = self->narrow ? 1 : 2;
  int row = self->narrow ? 2 : 0;
  float xalign = self->narrow ? 0 : 1;

  put (self, self->state_label, column, row, 1, 1);
  put (self, self->countdown_label, column, row + 1, 1, 1);
  gtk_label_set_xalign (self->state_label, xalign);
  gtk_label_set_xalign (self->countdown_label, xalign);
  /* The narrow pair of lines is not centred against the title's, and
   * wraps rather than widen the card past the window ("Needs
   * re-authorization" is long, and longer in German). */
  gtk_widget_set_vexpand (GTK_WIDGET (self->state_label), !self->narrow);
  gtk_widget_set_vexpand (GTK_WIDGET (self->countdown_label), !self->narrow);
  gtk_label_set_wrap (self->state_label, self->narrow);
  gtk_label_set_wrap (self->countdown_label, self->narrow);
  put (self, self->message_label, 1, self->narrow ? 4 : 2, self->narrow ? 1 : 2, 1);
  put (self, self->renew_button, self->narrow ? 2 : 3, 0, 1, 2);
  /* Under Renew, beside the message (wide); under the message (narrow),
   * across Renew's column too, so that a long label never widens the
   * card. */
  put (self, self->retry_button, self->narrow ? 1 : 3, self->narrow ? 5 : 2, self->narrow ? 2 : 1,
       1);
  if (self->retry_button != NULL)
    {
      gtk_widget_set_halign (self->retry_button, self->narrow ? GTK_ALIGN_START : GTK_ALIGN_FILL);
      gtk_widget_set_margin_top (self->retry_button, self->narrow ? 6 : 0);
      /* Wide, Renew's gap to the text (style.css) too: the two then
       * share the column's width exactly, one straight edge. */
      gtk_widget_set_margin_start (self->retry_button, self->narrow ? 0 : 6);
    }
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

static gboolean
state_query_tooltip_cb (RelinkAccountRow *self,
                        int x,
                        int y,
                        gboolean keyboard_mode,
                        GtkTooltip *tooltip,
                        GtkWidget *label)
{
  const char *message;

  if (self->shown == NULL)
    return FALSE;

  message = relink_account_get_status_message (self->shown);
  if (message == NULL || *message == '\0')
    return FALSE;

  gtk_tooltip_set_text (tooltip, message);
  return TRUE;
}

static gboolean
renew_query_tooltip_cb (RelinkAccountRow *self,
                        int x,
                        int y,
                        gboolean keyboard_mode,
                        GtkTooltip *tooltip,
                        GtkWidget *button)
{
  gtk_tooltip_set_text (tooltip, self->state == RELINK_ACCOUNT_STATE_NOT_CONNECTED
                                     ? _ ("Sign in to connect this account")
                                     : _ ("Sign in again to renew this connection"));
  return TRUE;
}

/* The one place the Renew button is made. It activates win.renew-account
 * with the account's id, the action notifications and the tray use too.
 * The tooltip is answered on demand (has-tooltip and query-tooltip):
 * gtk_widget_set_tooltip_text() asks the display server where the pointer
 * is, a round trip per row that showed up in the start-up profile. */
static void
ensure_renew_button (RelinkAccountRow *self)
{
  if (self->renew_button != NULL)
    return;

  self->renew_button = gtk_button_new_with_label (_ ("Renew"));
  gtk_widget_set_name (self->renew_button, "renew-button");
  gtk_widget_set_valign (self->renew_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->renew_button, "renew-button");
  gtk_widget_set_has_tooltip (self->renew_button, TRUE);
  g_signal_connect_object (self->renew_button, "query-tooltip", G_CALLBACK (renew_query_tooltip_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_grid_attach (GTK_GRID (self->card), self->renew_button, 3, 0, 1, 2);
  place_in_grid (self);
}

/* Points the Renew button at the grant the row shows (the account's id
 * for its own grant), named Connect for one that was never connected (or
 * was revoked). */
static void
update_renew_button (RelinkAccountRow *self)
{
  const char *id = relink_account_get_id (self->shown);
  gboolean connect = self->state == RELINK_ACCOUNT_STATE_NOT_CONNECTED;
  const char *label = connect ? _ ("Connect") : _ ("Renew");
  g_autofree char *description = NULL;
  gboolean same_account = g_strcmp0 (self->renew_id, id) == 0;

  if (!same_account)
    {
      g_free (self->renew_id);
      self->renew_id = g_strdup (id);
      /* The target first: an action named without its parameter warns. */
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->renew_button), "s", id);
      if (gtk_actionable_get_action_name (GTK_ACTIONABLE (self->renew_button)) == NULL)
        gtk_actionable_set_action_name (GTK_ACTIONABLE (self->renew_button), "win.renew-account");
    }

  /* A recycled row keeps its button: the name follows the account even
   * when the label stays "Renew". */
  if (same_account
      && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (self->renew_button)), label) == 0)
    return;

  gtk_button_set_label (GTK_BUTTON (self->renew_button), label);
  /* Translators: what a screen reader says for the Renew or Connect
   * button: "Renew Shop A". */
  description = g_strdup_printf (connect ? _ ("Connect %s") : _ ("Renew %s"),
                                 relink_account_get_display_name (self->account));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->renew_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
}

/* Retry Now for an account whose last refresh failed for a passing
 * reason (a server error, offline): win.retry-account with its id, so
 * that the seller need not wait for the automatic retry. */
static void
update_retry_button (RelinkAccountRow *self, gboolean shown)
{
  const char *id;
  g_autofree char *description = NULL;

  if (shown && self->retry_button == NULL)
    {
      /* No mnemonic: every such row would have the same one, and a
       * mnemonic label would name the button in place of the label
       * below. */
      self->retry_button = gtk_button_new_with_label (_ ("Retry Now"));
      gtk_widget_set_name (self->retry_button, "retry-button");
      gtk_widget_set_valign (self->retry_button, GTK_ALIGN_CENTER);
      gtk_grid_attach (GTK_GRID (self->card), self->retry_button, 3, 2, 1, 1);
      place_in_grid (self);
    }

  if (self->retry_button == NULL)
    return;

  gtk_widget_set_visible (self->retry_button, shown);
  gtk_widget_set_sensitive (self->retry_button, !self->retrying);
  if (!shown)
    return;

  /* The grant the row shows, as for Renew. */
  id = relink_account_get_id (self->shown);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->retry_button), "s", id);
  if (gtk_actionable_get_action_name (GTK_ACTIONABLE (self->retry_button)) == NULL)
    gtk_actionable_set_action_name (GTK_ACTIONABLE (self->retry_button), "win.retry-account");
  /* Translators: what a screen reader says for the Retry Now button:
   * "Retry Shop A now". */
  description
      = g_strdup_printf (_ ("Retry %s now"), relink_account_get_display_name (self->account));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->retry_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
}

/* The plain reason below the subtitle, made on first need: most rows
 * never have one. */
static void
set_message (RelinkAccountRow *self, const char *message)
{
  if (message != NULL && self->message_label == NULL)
    {
      self->message_label = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_xalign (self->message_label, 0);
      gtk_label_set_ellipsize (self->message_label, PANGO_ELLIPSIZE_END);
      gtk_label_set_single_line_mode (self->message_label, TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "account-message");
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "caption");
      /* The whole sentence on hover, when the row is too narrow for it. */
      gtk_widget_set_has_tooltip (GTK_WIDGET (self->message_label), TRUE);
      g_signal_connect_object (self->message_label, "query-tooltip",
                               G_CALLBACK (state_query_tooltip_cb), self, G_CONNECT_SWAPPED);
      gtk_grid_attach (GTK_GRID (self->card), GTK_WIDGET (self->message_label), 1, 2, 2, 1);
      place_in_grid (self);
    }

  if (self->message_label == NULL)
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  if (message != NULL && g_strcmp0 (gtk_label_get_text (self->message_label), message) != 0)
    gtk_label_set_text (self->message_label, message);
}

/* What depends on the clock: the state and the countdown. */
static void
update_time (RelinkAccountRow *self)
{
  gint64 now = relink_now ();
  gint64 threshold = relink_countdown_ticker_get_soon_threshold (self->ticker);
  g_autofree char *countdown = NULL;
  g_autofree char *spoken = NULL;
  RelinkAccount *grant;
  const char *message;
  gboolean attention;

  if (self->account == NULL)
    return;

  /* The most urgent grant speaks for the account; with several grants the
   * countdown says whose it is. */
  grant = relink_grant_most_urgent (self->account, now, threshold);
  g_set_object (&self->shown, grant);
  self->state = relink_account_get_state (grant, now, threshold);
  attention = relink_expiry_state_needs_attention (self->state);

  /* The authorization's countdown means nothing once its refresh token
   * was refused: say what still works instead. */
  if (self->state == RELINK_ACCOUNT_STATE_NEEDS_REAUTH)
    {
      gint64 access_expires_at = relink_account_get_access_expires_at (grant);

      countdown = relink_expiry_describe_reauth (access_expires_at, now, NULL, FALSE);
      spoken = relink_expiry_describe_reauth (access_expires_at, now, NULL, TRUE);
    }
  /* Expired: since when, under the state that says "Expired" already. */
  else if (self->state == RELINK_ACCOUNT_STATE_EXPIRED)
    {
      gint64 expires_at = relink_account_get_refresh_expires_at (grant);

      countdown = relink_expiry_describe_since (expires_at, now, NULL, FALSE);
      spoken = relink_expiry_describe_since (expires_at, now, NULL, TRUE);
    }
  if (countdown == NULL)
    {
      gint64 expires_at = relink_account_get_refresh_expires_at (grant);

      g_free (spoken);
      countdown = relink_expiry_describe (expires_at, now, NULL);
      spoken = relink_expiry_describe_spoken (expires_at, now, NULL);
    }
  if (self->watched_grants != NULL && self->watched_grants->len > 0)
    {
      /* Translators: a token and its countdown: "Auth'n'Auth: expires in 5 days". */
      g_autofree char *labelled
          = g_strdup_printf (_ ("%s: %s"), relink_grant_get_label (grant), countdown);
      g_autofree char *labelled_spoken
          = g_strdup_printf (_ ("%s: %s"), relink_grant_get_label (grant), spoken);

      g_free (countdown);
      countdown = g_steal_pointer (&labelled);
      g_free (spoken);
      spoken = g_steal_pointer (&labelled_spoken);
    }
  gtk_label_set_text (self->countdown_label, countdown);
  gtk_label_set_text (self->state_label, relink_expiry_state_to_string (self->state));
  set_state_class (self, relink_expiry_state_css_class (self->state));

  /* The reason (e.g. "eBay refused the renewal token: sign in again") is
   * worth a hover where the state alone says too little. */
  message = relink_account_get_status_message (grant);
  if (message != NULL && *message == '\0')
    message = NULL;
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->state_label), message != NULL);
  /* Screen readers get the reason too, as the row's description. */
  if (message != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    message, -1);
  else if (self->has_description)
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  self->has_description = message != NULL;

  /* Shown only while the account needs the seller: an old message of a
   * connection that works again would only worry. */
  set_message (self, attention ? message : NULL);

  if (attention)
    {
      ensure_renew_button (self);
      update_renew_button (self);
    }
  if (self->renew_button != NULL)
    gtk_widget_set_visible (self->renew_button, attention);
  update_retry_button (self, self->state == RELINK_ACCOUNT_STATE_ERROR);
  if (attention)
    gtk_widget_add_css_class (self->card, "needs-attention");
  else
    gtk_widget_remove_css_class (self->card, "needs-attention");

  update_accessible (self, spoken);
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

static void
set_badge_icon (RelinkAccountRow *self, const char *icon_name)
{
  if (icon_name != NULL && self->badge_icon == NULL)
    {
      /* Decoration like the initials: the row's label names the
       * marketplace. */
      self->badge_icon
          = g_object_new (GTK_TYPE_IMAGE, "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                          "pixel-size", 24, "valign", GTK_ALIGN_CENTER, NULL);
      gtk_widget_add_css_class (self->badge_icon, "marketplace-badge");
      gtk_widget_add_css_class (self->badge_icon, "icon");
      gtk_grid_attach (GTK_GRID (self->card), self->badge_icon, 0, 0, 1, 2);
    }

  if (self->badge_icon != NULL)
    {
      gtk_image_set_from_icon_name (GTK_IMAGE (self->badge_icon), icon_name);
      gtk_widget_set_visible (self->badge_icon, icon_name != NULL);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->badge), icon_name == NULL);
}

/* What depends on the account's facts: names, marketplace. */
static void
update_texts (RelinkAccountRow *self)
{
  RelinkKeyset *keyset;
  RelinkProvider *provider;
  g_autofree char *subtitle = NULL;
  g_autofree char *initials = NULL;
  g_autofree char *badge_class = NULL;
  const char *icon_name = NULL;

  if (self->account == NULL)
    return;

  keyset = relink_account_get_keyset (self->account);
  provider = keyset != NULL ? relink_keyset_get_provider (keyset) : NULL;

  gtk_label_set_text (self->title_label, relink_account_get_display_name (self->account));
  subtitle = dup_subtitle (self->account);
  gtk_label_set_text (self->subtitle_label, subtitle);

  /* The same face as in the dialogs: relink-marketplace-face.c decides. */
  relink_marketplace_face_describe (provider, relink_account_get_display_name (self->account),
                                    GTK_WIDGET (self), &initials, &badge_class, &icon_name);

  gtk_label_set_text (self->badge, initials);
  if (g_strcmp0 (self->badge_class, badge_class) != 0)
    {
      if (self->badge_class != NULL)
        gtk_widget_remove_css_class (GTK_WIDGET (self->badge), self->badge_class);
      gtk_widget_add_css_class (GTK_WIDGET (self->badge), badge_class);
      g_free (self->badge_class);
      self->badge_class = g_steal_pointer (&badge_class);
    }
  if (icon_name != NULL || self->badge_icon != NULL)
    set_badge_icon (self, icon_name);

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
grant_notify_cb (RelinkAccountRow *self, GParamSpec *pspec, RelinkAccount *grant)
{
  update_time (self);
}

static void
unwatch_grants (RelinkAccountRow *self)
{
  if (self->watched_grants == NULL)
    return;

  for (guint i = 0; i < self->watched_grants->len; i++)
    {
      RelinkAccount *grant = g_ptr_array_index (self->watched_grants, i);

      g_signal_handlers_disconnect_by_func (grant, grant_notify_cb, self);
      relink_countdown_ticker_unwatch (self->ticker, grant);
    }
  g_clear_pointer (&self->watched_grants, g_ptr_array_unref);
}

/* The further grants change the row as the account's own grant does. */
static void
watch_grants (RelinkAccountRow *self)
{
  GListModel *extra = relink_account_get_extra_grants (self->account);
  guint n = g_list_model_get_n_items (extra);

  self->watched_grants = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      RelinkAccount *grant = g_list_model_get_item (extra, i);

      g_ptr_array_add (self->watched_grants, grant);
      g_signal_connect_object (grant, "notify", G_CALLBACK (grant_notify_cb), self,
                               G_CONNECT_SWAPPED);
      relink_countdown_ticker_watch (self->ticker, grant);
    }
}

static void
extra_grants_changed_cb (RelinkAccountRow *self, guint position, guint removed, guint added)
{
  unwatch_grants (self);
  watch_grants (self);
  update_time (self);
}

static void
relink_account_row_dispose (GObject *object)
{
  RelinkAccountRow *self = RELINK_ACCOUNT_ROW (object);

  relink_account_row_set_account (self, NULL);
  /* The card takes the Renew button and the icon with it; the heading is
   * the row's own child. */
  if (self->heading_label != NULL)
    gtk_widget_unparent (GTK_WIDGET (g_steal_pointer (&self->heading_label)));
  self->renew_button = NULL;
  self->retry_button = NULL;
  self->message_label = NULL;
  self->badge_icon = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), RELINK_TYPE_ACCOUNT_ROW);
  g_clear_object (&self->ticker);

  G_OBJECT_CLASS (relink_account_row_parent_class)->dispose (object);
}

static void
relink_account_row_finalize (GObject *object)
{
  RelinkAccountRow *self = RELINK_ACCOUNT_ROW (object);

  g_free (self->accessible_text);
  g_free (self->badge_class);
  g_free (self->renew_id);

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
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountRow, card);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountRow, badge);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkAccountRow, countdown_label);
  gtk_widget_class_bind_template_callback (widget_class, state_query_tooltip_cb);

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
      unwatch_grants (self);
      g_clear_signal_handler (&self->grants_changed_id,
                              relink_account_get_extra_grants (self->account));
      g_clear_signal_handler (&self->notify_id, self->account);
      g_clear_signal_handler (&self->tick_id, self->ticker);
      relink_countdown_ticker_unwatch (self->ticker, self->account);
      g_clear_object (&self->account);
      g_clear_object (&self->shown);
    }

  if (account != NULL)
    {
      self->account = g_object_ref (account);
      self->notify_id = g_signal_connect_object (account, "notify", G_CALLBACK (account_notify_cb),
                                                 self, G_CONNECT_SWAPPED);
      self->grants_changed_id
          = g_signal_connect_object (relink_account_get_extra_grants (account), "items-changed",
                                     G_CALLBACK (extra_grants_changed_cb), self, G_CONNECT_SWAPPED);
      self->tick_id = g_signal_connect_object (self->ticker, "tick", G_CALLBACK (tick_cb), self,
                                               G_CONNECT_SWAPPED);
      relink_countdown_ticker_watch (self->ticker, account);
      watch_grants (self);
      update_texts (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT]);
}

void
relink_account_row_set_group_position (RelinkAccountRow *self, const char *heading, gboolean last)
{
  g_return_if_fail (RELINK_IS_ACCOUNT_ROW (self));

  if (heading != NULL && self->heading_label == NULL)
    {
      self->heading_label = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_xalign (self->heading_label, 0);
      gtk_label_set_ellipsize (self->heading_label, PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (GTK_WIDGET (self->heading_label), "heading");
      gtk_widget_add_css_class (GTK_WIDGET (self->heading_label), "group-heading");
      gtk_widget_insert_before (GTK_WIDGET (self->heading_label), GTK_WIDGET (self), self->card);
    }

  if (self->heading_label != NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->heading_label), heading != NULL);
      if (heading != NULL)
        gtk_label_set_text (self->heading_label, heading);
    }

  if (heading != NULL)
    gtk_widget_add_css_class (self->card, "first");
  else
    gtk_widget_remove_css_class (self->card, "first");

  if (last)
    gtk_widget_add_css_class (self->card, "last");
  else
    gtk_widget_remove_css_class (self->card, "last");
}

const char *
relink_account_row_get_heading (RelinkAccountRow *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_ROW (self), NULL);

  if (self->heading_label == NULL || !gtk_widget_get_visible (GTK_WIDGET (self->heading_label)))
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

RelinkAccount *
relink_account_row_get_shown_grant (RelinkAccountRow *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_ROW (self), NULL);

  return self->shown;
}

gboolean
relink_account_row_get_renew_visible (RelinkAccountRow *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_ROW (self), FALSE);

  return self->renew_button != NULL && gtk_widget_get_visible (self->renew_button);
}

const char *
relink_account_row_get_renew_label (RelinkAccountRow *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_ROW (self), NULL);

  if (!relink_account_row_get_renew_visible (self))
    return NULL;

  return gtk_button_get_label (GTK_BUTTON (self->renew_button));
}

const char *
relink_account_row_get_message (RelinkAccountRow *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_ROW (self), NULL);

  if (self->message_label == NULL || !gtk_widget_get_visible (GTK_WIDGET (self->message_label)))
    return NULL;

  return gtk_label_get_text (self->message_label);
}

const char *
relink_account_row_get_badge_text (RelinkAccountRow *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_ROW (self), NULL);

  return gtk_label_get_text (self->badge);
}

const char *
relink_account_row_get_badge_class (RelinkAccountRow *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_ROW (self), NULL);

  return self->badge_class;
}

const char *
relink_account_row_get_accessible_text (RelinkAccountRow *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_ROW (self), NULL);

  return self->accessible_text;
}

void
relink_account_row_set_narrow (RelinkAccountRow *self, gboolean narrow)
{
  g_return_if_fail (RELINK_IS_ACCOUNT_ROW (self));

  narrow = !!narrow;
  if (self->narrow == narrow)
    return;

  self->narrow = narrow;
  place_in_grid (self);
}

gboolean
relink_account_row_get_narrow (RelinkAccountRow *self)
{
  g_return_val_if_fail (RELINK_IS_ACCOUNT_ROW (self), FALSE);

  return self->narrow;
}

void
relink_account_row_set_retrying (RelinkAccountRow *self, gboolean retrying)
{
  g_return_if_fail (RELINK_IS_ACCOUNT_ROW (self));

  self->retrying = !!retrying;
  if (self->retry_button != NULL)
    gtk_widget_set_sensitive (self->retry_button, !self->retrying);
}
