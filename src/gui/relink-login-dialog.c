/* relink-login-dialog.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "relink-expiry.h"
#include "relink-login-dialog-private.h"
#include "relink-login-view.h"
#include "relink-oauth-client.h"
#include "relink-sign-in.h"
#include "relink-uri.h"

/* Where the dialog is; set_state() alone changes it, and with it the page,
 * the header, the spinner and which actions work. An attempt is one
 * RelinkSignIn: LOGIN_STATE_WEB and LOGIN_STATE_BROWSER show it,
 * LOGIN_STATE_WORKING spends it. */
typedef enum
{
  /* Nothing shown yet. */
  LOGIN_STATE_STARTING,
  /* The marketplace's page in the view. */
  LOGIN_STATE_WEB,
  /* The page is in the system browser; waiting for the pasted address. */
  LOGIN_STATE_BROWSER,
  /* The redirect was caught or pasted: the code is exchanged and who
   * signed in checked. Nothing else is loaded. */
  LOGIN_STATE_WORKING,
  /* The page could not be shown. The attempt is not spent: Try Again
   * starts a new one, or the browser takes this one. */
  LOGIN_STATE_PAGE_FAILED,
  /* The attempt failed; Try Again starts a new one. */
  LOGIN_STATE_FAILED,
  /* Trying again cannot help (the profile or keys are wrong): Close. */
  LOGIN_STATE_CANNOT_SIGN_IN,
  /* Closed by the seller, or signed in: nothing more happens. */
  LOGIN_STATE_CLOSED,
} LoginState;

/* RelinkLoginDialog: the login view. Shows the marketplace's own sign-in
 * and consent pages in a RelinkLoginView: a WebKitWebView whose network
 * session is ephemeral and private to one attempt, so no remembered
 * session can sign in the wrong account. The address bar is replaced by
 * the host and its TLS state; TLS errors and plain http (except loopback)
 * are refused. The redirect back to Relink is caught before it leaves the
 * machine and handed to RelinkSignIn, which checks it, exchanges the
 * code, verifies who signed in and saves the tokens. Where the seller
 * prefers their own browser, the consent page opens there and the final
 * address is pasted back. */
struct _RelinkLoginDialog
{
  AdwWindow parent_instance;

  RelinkAccountManager *manager;
  RelinkAccount *account;

  /* One attempt: a new sign-in, session and view each time it starts. */
  RelinkSignIn *sign_in;
  GCancellable *cancellable;
  LoginState state;

  AdwWindowTitle *window_title;
  GtkStack *title_stack;
  GtkImage *security_icon;
  GtkLabel *host_label;
  GtkLabel *account_label;
  GtkLabel *insecure_label;
  GtkMenuButton *menu_button;
  GtkStack *stack;
  RelinkLoginView *login_view;
  GtkSpinner *working_spinner;
  AdwStatusPage *error_page;
  GtkButton *try_again_button;
  AdwStatusPage *browser_page;
  GtkEntry *paste_entry;
  GtkLabel *paste_error_label;
};

G_DEFINE_FINAL_TYPE (RelinkLoginDialog, relink_login_dialog, ADW_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_MANAGER,
  PROP_ACCOUNT,
  N_PROPS
};

enum
{
  SIGNED_IN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_login (RelinkLoginDialog *self);

static const char *
provider_name (RelinkAccount *account)
{
  RelinkKeyset *keyset = relink_account_get_keyset (account);
  RelinkProvider *provider = keyset != NULL ? relink_keyset_get_provider (keyset) : NULL;

  return provider != NULL ? relink_provider_get_name (provider) : NULL;
}

/* A renewal signs in an account that was connected before; the sign-in
 * knows, and until there is one, the account's verified identity says. */
static gboolean
is_renewal (RelinkLoginDialog *self)
{
  if (self->sign_in != NULL)
    return relink_sign_in_is_renewal (self->sign_in);
  return relink_account_get_identity_id (self->account) != NULL;
}

/* "eBay · shop_a", or the account's name alone when its profile is gone. */
static char *
dup_account_label (RelinkAccount *account)
{
  const char *marketplace = provider_name (account);
  const char *name = relink_account_get_display_name (account);

  if (marketplace == NULL)
    return g_strdup (name);

  /* Translators: marketplace and account, as in "eBay · shop_a". */
  return g_strdup_printf (_ ("%s · %s"), marketplace, name);
}

char *
relink_login_dialog_dup_success_text (RelinkAccount *account, gboolean renewal)
{
  g_autofree char *label = NULL;
  g_autofree char *date = NULL;
  gint64 expires_at;

  g_return_val_if_fail (RELINK_IS_ACCOUNT (account), NULL);

  label = dup_account_label (account);
  expires_at = relink_account_get_refresh_expires_at (account);
  if (expires_at <= 0)
    {
      if (renewal)
        /* Translators: %s is "eBay · shop_a". */
        return g_strdup_printf (_ ("%s renewed"), label);
      /* Translators: %s is "eBay · shop_a". */
      return g_strdup_printf (_ ("%s connected"), label);
    }

  date = relink_expiry_format_date (expires_at, NULL);
  if (renewal)
    /* Translators: "eBay · shop_a renewed — valid until 21 May 2028". */
    return g_strdup_printf (_ ("%s renewed — valid until %s"), label, date);
  /* Translators: "eBay · shop_a connected — valid until 21 May 2028". */
  return g_strdup_printf (_ ("%s connected — valid until %s"), label, date);
}

static WebKitWebView *
web_view (RelinkLoginDialog *self)
{
  return self->login_view != NULL ? relink_login_view_get_web_view (self->login_view) : NULL;
}

static gboolean
is_error_state (LoginState state)
{
  return state == LOGIN_STATE_PAGE_FAILED || state == LOGIN_STATE_FAILED
         || state == LOGIN_STATE_CANNOT_SIGN_IN;
}

/* Whether this attempt may go on in the system browser: not once its
 * answer came back. */
static gboolean
can_use_browser (RelinkLoginDialog *self)
{
  return self->sign_in != NULL
         && (self->state == LOGIN_STATE_WEB || self->state == LOGIN_STATE_PAGE_FAILED);
}

static void
update_actions (RelinkLoginDialog *self)
{
  LoginState state = self->state;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.reload",
                                 state == LOGIN_STATE_WEB && web_view (self) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.browser", can_use_browser (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.retry",
                                 state == LOGIN_STATE_PAGE_FAILED || state == LOGIN_STATE_FAILED
                                     || state == LOGIN_STATE_BROWSER);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.continue",
                                 state == LOGIN_STATE_BROWSER && self->sign_in != NULL
                                     && *gtk_editable_get_text (GTK_EDITABLE (self->paste_entry))
                                            != '\0');
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.copy-address",
                                 state != LOGIN_STATE_CLOSED && self->sign_in != NULL);
}

static const char *
state_page (LoginState state)
{
  switch (state)
    {
      case LOGIN_STATE_STARTING:
      case LOGIN_STATE_WEB:
        return "web";
      case LOGIN_STATE_BROWSER:
        return "browser";
      case LOGIN_STATE_WORKING:
        return "working";
      case LOGIN_STATE_PAGE_FAILED:
      case LOGIN_STATE_FAILED:
      case LOGIN_STATE_CANNOT_SIGN_IN:
        return "error";
      case LOGIN_STATE_CLOSED:
      default:
        return NULL;
    }
}

/* The one place the dialog changes state. Outside LOGIN_STATE_WEB there is
 * no view: its web process (with the marketplace's page in memory) ends. */
static void
set_state (RelinkLoginDialog *self, LoginState state)
{
  const char *page = state_page (state);

  /* Closed is final: late callbacks change nothing. */
  if (self->state == LOGIN_STATE_CLOSED)
    return;

  self->state = state;

  /* Outside the web state there is no view, and no web process with the
   * marketplace's page in its memory. */
  if (state != LOGIN_STATE_WEB && self->login_view != NULL)
    relink_login_view_discard (self->login_view);

  if (state == LOGIN_STATE_CLOSED)
    {
      g_cancellable_cancel (self->cancellable);
      if (self->stack != NULL)
        update_actions (self);
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, page);
  gtk_stack_set_visible_child_name (self->title_stack,
                                    state == LOGIN_STATE_WEB ? "location" : "plain");
  gtk_spinner_set_spinning (self->working_spinner, state == LOGIN_STATE_WORKING);
  gtk_widget_set_visible (GTK_WIDGET (self->try_again_button),
                          state == LOGIN_STATE_PAGE_FAILED || state == LOGIN_STATE_FAILED);
  update_actions (self);

  if (is_error_state (state) && state != LOGIN_STATE_CANNOT_SIGN_IN)
    gtk_widget_grab_focus (GTK_WIDGET (self->try_again_button));
  else if (state == LOGIN_STATE_BROWSER)
    gtk_widget_grab_focus (GTK_WIDGET (self->paste_entry));
  else if (state == LOGIN_STATE_WEB && web_view (self) != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (web_view (self)));
}

/* An error in plain words, with Try Again (a new attempt in a new session)
 * where that can help, and Close. @state is one of the error states. */
static void
show_error (RelinkLoginDialog *self,
            LoginState state,
            const char *icon_name,
            const char *title,
            const char *description)
{
  g_assert (is_error_state (state));

  adw_status_page_set_icon_name (self->error_page, icon_name);
  adw_status_page_set_title (self->error_page, title);
  adw_status_page_set_description (self->error_page, description);
  set_state (self, state);
}

/* The page could not be shown: a new attempt may help. */
static void
show_page_error (RelinkLoginDialog *self,
                 const char *icon_name,
                 const char *title,
                 const char *description)
{
  show_error (self, LOGIN_STATE_PAGE_FAILED, icon_name, title, description);
}

static void
show_insecure (RelinkLoginDialog *self, const char *uri)
{
  g_autofree char *host = relink_uri_dup_host (uri);
  g_autofree char *description = NULL;

  description
      = g_strdup_printf (_ ("The connection to %s is not secure. Relink stopped loading it."),
                         host != NULL ? host : _ ("this page"));
  show_page_error (self, "channel-insecure-symbolic", _ ("Connection Not Secure"), description);
}

static void
show_sign_in_error (RelinkLoginDialog *self, const GError *error)
{
  const char *title = _ ("Sign-In Failed");
  const char *icon_name = "dialog-warning-symbolic";
  gboolean can_retry = TRUE;
  LoginState state;

  if (error->domain == RELINK_SIGN_IN_ERROR)
    {
      switch ((RelinkSignInError) error->code)
        {
          case RELINK_SIGN_IN_ERROR_WRONG_ACCOUNT:
          case RELINK_SIGN_IN_ERROR_UNEXPECTED_ACCOUNT:
            title = _ ("Wrong Account");
            icon_name = "system-users-symbolic";
            break;
          case RELINK_SIGN_IN_ERROR_ALREADY_CONNECTED:
            title = _ ("Already Connected");
            icon_name = "system-users-symbolic";
            break;
          case RELINK_SIGN_IN_ERROR_CONFIGURATION:
            title = _ ("Cannot Sign In");
            can_retry = FALSE;
            break;
          default:
            break;
        }
    }
  else if (error->domain == RELINK_OAUTH_ERROR)
    {
      switch ((RelinkOAuthError) error->code)
        {
          case RELINK_OAUTH_ERROR_DECLINED:
            title = _ ("Access Declined");
            icon_name = "action-unavailable-symbolic";
            break;
          case RELINK_OAUTH_ERROR_STATE_MISMATCH:
          case RELINK_OAUTH_ERROR_ALREADY_USED:
          case RELINK_OAUTH_ERROR_WRONG_REDIRECT:
            title = _ ("Sign-In Not Accepted");
            break;
          case RELINK_OAUTH_ERROR_NETWORK:
            title = _ ("No Connection");
            icon_name = "network-offline-symbolic";
            break;
          case RELINK_OAUTH_ERROR_INVALID_CLIENT:
            title = _ ("Developer Keys Refused");
            break;
          case RELINK_OAUTH_ERROR_CONFIGURATION:
            title = _ ("Cannot Sign In");
            can_retry = FALSE;
            break;
          case RELINK_OAUTH_ERROR_INSECURE:
            title = _ ("Connection Not Secure");
            icon_name = "channel-insecure-symbolic";
            break;
          case RELINK_OAUTH_ERROR_FAILED:
          case RELINK_OAUTH_ERROR_INVALID_GRANT:
          case RELINK_OAUTH_ERROR_SERVER:
          case RELINK_OAUTH_ERROR_RATE_LIMITED:
          case RELINK_OAUTH_ERROR_MALFORMED:
          case RELINK_OAUTH_ERROR_NOT_SUPPORTED:
          default:
            break;
        }
    }

  /* While the sign-in was completing, its answer is spent. */
  if (!can_retry)
    state = LOGIN_STATE_CANNOT_SIGN_IN;
  else if (self->state == LOGIN_STATE_WORKING)
    state = LOGIN_STATE_FAILED;
  else
    state = LOGIN_STATE_PAGE_FAILED;

  show_error (self, state, icon_name, title, error->message);
}

/* A page committed: its host and TLS state replace the title. */
static void
committed_cb (RelinkLoginDialog *self)
{
  WebKitWebView *view = web_view (self);
  const char *uri = webkit_web_view_get_uri (view);
  g_autofree char *host = relink_uri_dup_host (uri);
  GTlsCertificateFlags errors = 0;
  GTlsCertificate *certificate = NULL;
  gboolean secure;
  const char *description;

  secure = webkit_web_view_get_tls_info (view, &certificate, &errors) && errors == 0;
  description = secure ? _ ("Secure connection") : _ ("Not secure");

  gtk_label_set_text (self->host_label, host != NULL ? host : "");
  gtk_image_set_from_icon_name (self->security_icon,
                                secure ? "channel-secure-symbolic" : "dialog-warning-symbolic");
  gtk_widget_set_visible (GTK_WIDGET (self->security_icon), TRUE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->security_icon), description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->security_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
  gtk_widget_set_visible (GTK_WIDGET (self->insecure_label), !secure);
  if (secure)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->security_icon), "warning");
      gtk_widget_remove_css_class (GTK_WIDGET (self->host_label), "warning");
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->security_icon), "warning");
      gtk_widget_add_css_class (GTK_WIDGET (self->host_label), "warning");
    }
}

static void
complete_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkLoginDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  RelinkSignIn *sign_in = RELINK_SIGN_IN (source);

  if (!relink_sign_in_complete_finish (sign_in, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || sign_in != self->sign_in)
        return;

      show_sign_in_error (self, error);
      return;
    }

  if (sign_in != self->sign_in)
    return;

  message = relink_login_dialog_dup_success_text (self->account, is_renewal (self));
  /* Saved even if the seller closed the dialog at the last moment: the
   * window still learns of it. */
  g_signal_emit (self, signals[SIGNED_IN], 0, self->account, message);
  if (self->state != LOGIN_STATE_CLOSED)
    {
      set_state (self, LOGIN_STATE_CLOSED);
      gtk_window_destroy (GTK_WINDOW (self));
    }
}

/* Hands the redirect address (caught in the view, or pasted) to the core. */
static void
complete (RelinkLoginDialog *self, const char *redirect_uri)
{
  set_state (self, LOGIN_STATE_WORKING);

  relink_sign_in_complete_async (self->sign_in, redirect_uri, self->cancellable, complete_cb,
                                 g_object_ref (self));
}

/* The policy for every address the page wants to open, in any frame or
 * window. Returns TRUE when @uri may load in the view. */
static gboolean
decide_navigation_cb (RelinkLoginDialog *self, const char *uri)
{
  if (self->state != LOGIN_STATE_WEB)
    return FALSE;

  if (uri != NULL && relink_sign_in_is_redirect (self->sign_in, uri))
    {
      /* The redirect never reaches the network: its host need not exist. */
      complete (self, uri);
      return FALSE;
    }

  if (uri == NULL || !relink_uri_is_allowed_in_login_view (uri))
    {
      show_insecure (self, uri);
      return FALSE;
    }

  return TRUE;
}

static void
tls_failed_cb (RelinkLoginDialog *self, const char *failing_uri)
{
  show_insecure (self, failing_uri);
}

static void
load_failed_cb (RelinkLoginDialog *self, const char *failing_uri, GError *error)
{
  g_autofree char *host = NULL;
  g_autofree char *description = NULL;

  /* WebKit cancels the redirect before asking decide-policy when the
   * page's Content-Security-Policy (form-action) forbids it. It was not
   * sent then, and the address still carries the answer. */
  if (self->state == LOGIN_STATE_WEB && failing_uri != NULL
      && g_error_matches (error, WEBKIT_NETWORK_ERROR, WEBKIT_NETWORK_ERROR_CANCELLED)
      && relink_sign_in_is_redirect (self->sign_in, failing_uri))
    {
      complete (self, failing_uri);
      return;
    }

  /* Our own refusals (and the caught redirect) end loads this way. */
  if (g_error_matches (error, WEBKIT_NETWORK_ERROR, WEBKIT_NETWORK_ERROR_CANCELLED)
      || g_error_matches (error, WEBKIT_POLICY_ERROR,
                          WEBKIT_POLICY_ERROR_FRAME_LOAD_INTERRUPTED_BY_POLICY_CHANGE)
      || self->state != LOGIN_STATE_WEB)
    return;

  host = relink_uri_dup_host (failing_uri);
  description = g_strdup_printf (
      _ ("Relink could not open %s. Check your internet connection and try again."),
      host != NULL ? host : _ ("the sign-in page"));
  show_page_error (self, "network-offline-symbolic", _ ("Page Not Available"), description);
}

static void
terminated_cb (RelinkLoginDialog *self)
{
  show_page_error (self, "dialog-warning-symbolic", _ ("Sign-In Page Stopped"),
                   _ ("The sign-in page stopped working. Nothing was changed; try again."));
}

static void
update_title (RelinkLoginDialog *self)
{
  g_autofree char *label = dup_account_label (self->account);
  g_autofree char *title = NULL;
  g_autofree char *hint = NULL;
  g_autofree char *header = NULL;
  const char *who;

  /* Translators: %s is "eBay · shop_a". */
  title = g_strdup_printf (is_renewal (self) ? _ ("Renew %s") : _ ("Connect %s"), label);
  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->window_title, title);

  /* Whom to sign in as, where known: the marketplace's page may offer
   * another of the seller's accounts. */
  who = relink_account_get_identity_name (self->account);
  if (who == NULL || *who == '\0')
    who = relink_account_get_expected_identity (self->account);
  if (who != NULL && *who != '\0')
    {
      /* Translators: %s is the marketplace user name, "shop_a". */
      hint = g_strdup_printf (_ ("Sign in as %s"), who);
      /* Translators: the sign-in window's header: "Renew eBay · Main shop —
       * Sign in as shop_a". */
      header = g_strdup_printf (_ ("%s — %s"), title, hint);
    }
  adw_window_title_set_subtitle (self->window_title, hint);
  gtk_label_set_text (self->account_label, header != NULL ? header : title);
  if (hint != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    hint, -1);
}

/* The sign-in page is known: show it. */
static void
show_sign_in_page (RelinkLoginDialog *self)
{
  g_autofree char *host = NULL;
  const char *authorize_url = relink_sign_in_get_authorize_url (self->sign_in);

  if (!relink_uri_is_secure (authorize_url))
    {
      show_insecure (self, authorize_url);
      return;
    }

  /* Until the first page commits, its host is known but its TLS state not. */
  host = relink_uri_dup_host (authorize_url);
  gtk_label_set_text (self->host_label, host);
  gtk_widget_set_visible (GTK_WIDGET (self->security_icon), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->insecure_label), FALSE);

  /* WebKit asks for the first decide-navigation from its web process,
   * so after the state below is set. */
  relink_login_view_load (self->login_view, authorize_url);
  set_state (self, LOGIN_STATE_WEB);
}

static void
prepared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkLoginDialog) self = user_data;
  g_autoptr (GError) error = NULL;

  /* A newer attempt (or closing) replaced this one. */
  if (!relink_sign_in_prepare_finish (RELINK_SIGN_IN (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          && (gpointer) source == (gpointer) self->sign_in)
        show_sign_in_error (self, error);
      return;
    }

  if ((gpointer) source != (gpointer) self->sign_in || self->state != LOGIN_STATE_STARTING)
    return;

  show_sign_in_page (self);
}

/* A new attempt from scratch: new sign-in (state, PKCE; for eBay
 * Auth'n'Auth a new Trading session), new ephemeral network session, new
 * view. Nothing of an earlier attempt is reused. */
static void
start_login (RelinkLoginDialog *self)
{
  g_autoptr (GError) error = NULL;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_state (self, LOGIN_STATE_STARTING);
  g_clear_object (&self->sign_in);
  gtk_editable_set_text (GTK_EDITABLE (self->paste_entry), "");

  self->sign_in = relink_sign_in_new (self->manager, self->account, &error);
  if (self->sign_in == NULL)
    {
      show_sign_in_error (self, error);
      return;
    }

  update_title (self);

  /* OAuth 2.0 knows its page at once; eBay Auth'n'Auth asks eBay first. */
  if (relink_sign_in_get_authorize_url (self->sign_in) != NULL)
    show_sign_in_page (self);
  else
    relink_sign_in_prepare_async (self->sign_in, self->cancellable, prepared_cb,
                                  g_object_ref (self));
}

static void
retry_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  start_login (RELINK_LOGIN_DIALOG (widget));
}

static void
reload_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RelinkLoginDialog *self = RELINK_LOGIN_DIALOG (widget);

  relink_login_view_reload (self->login_view);
}

static void
show_uri_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RelinkLoginDialog) self = user_data;
  g_autoptr (GError) error = NULL;

  if (gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error))
    return;

  g_debug ("Could not open the browser: %s", error->message);
  gtk_label_set_text (self->paste_error_label,
                      _ ("Relink could not open your browser. Copy the sign-in address with the "
                         "button below and open it in your browser yourself."));
  gtk_widget_set_visible (GTK_WIDGET (self->paste_error_label), TRUE);
}

/* The fallback: the same sign-in (state, PKCE) in the system browser; the
 * seller pastes the address it ends on. The view goes, so that the attempt
 * cannot be answered twice. */
static void
browser_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RelinkLoginDialog *self = RELINK_LOGIN_DIALOG (widget);
  g_autofree char *description = NULL;
  const char *marketplace;

  if (!can_use_browser (self))
    return;

  marketplace = provider_name (self->account);
  description = g_strdup_printf (
      _ ("Sign in to %s in your browser and allow access. The browser then shows an "
         "address that “can’t be reached” — that is expected. Copy that address from the "
         "address bar and paste it here."),
      marketplace != NULL ? marketplace : _ ("the marketplace"));
  adw_status_page_set_description (self->browser_page, description);

  gtk_widget_set_visible (GTK_WIDGET (self->paste_error_label), FALSE);
  set_state (self, LOGIN_STATE_BROWSER);

  gtk_show_uri_full (GTK_WINDOW (self), relink_sign_in_get_authorize_url (self->sign_in),
                     GDK_CURRENT_TIME, NULL, show_uri_cb, g_object_ref (self));
}

static void
copy_address_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RelinkLoginDialog *self = RELINK_LOGIN_DIALOG (widget);

  if (self->sign_in != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget),
                            relink_sign_in_get_authorize_url (self->sign_in));
}

static void
continue_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RelinkLoginDialog *self = RELINK_LOGIN_DIALOG (widget);
  g_autofree char *pasted = NULL;

  if (self->state != LOGIN_STATE_BROWSER || self->sign_in == NULL)
    return;

  pasted = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->paste_entry))));
  if (*pasted == '\0')
    return;

  /* A mistaken paste is pointed out here, before the core would use up the
   * attempt on it. */
  if (!relink_sign_in_is_redirect (self->sign_in, pasted))
    {
      gtk_label_set_text (self->paste_error_label,
                          _ ("This is not the address the sign-in ends on. Copy the whole address "
                             "from the browser’s address bar after you allowed access."));
      gtk_widget_set_visible (GTK_WIDGET (self->paste_error_label), TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self->paste_entry), "error");
      return;
    }

  complete (self, pasted);
}

static void
paste_activate_cb (RelinkLoginDialog *self, GtkEntry *entry)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "login.continue", NULL);
}

static void
paste_changed_cb (RelinkLoginDialog *self, GtkEditable *editable)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->paste_entry), "error");
  update_actions (self);
}

static gboolean
close_request_cb (GtkWindow *window)
{
  RelinkLoginDialog *self = RELINK_LOGIN_DIALOG (window);

  set_state (self, LOGIN_STATE_CLOSED);
  return FALSE;
}

static void
relink_login_dialog_constructed (GObject *object)
{
  RelinkLoginDialog *self = RELINK_LOGIN_DIALOG (object);

  G_OBJECT_CLASS (relink_login_dialog_parent_class)->constructed (object);

  g_return_if_fail (self->manager != NULL && self->account != NULL);

  update_title (self);
  start_login (self);
}

static void
relink_login_dialog_dispose (GObject *object)
{
  RelinkLoginDialog *self = RELINK_LOGIN_DIALOG (object);

  set_state (self, LOGIN_STATE_CLOSED);
  gtk_widget_dispose_template (GTK_WIDGET (self), RELINK_TYPE_LOGIN_DIALOG);

  G_OBJECT_CLASS (relink_login_dialog_parent_class)->dispose (object);
}

static void
relink_login_dialog_finalize (GObject *object)
{
  RelinkLoginDialog *self = RELINK_LOGIN_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->sign_in);
  g_clear_object (&self->account);
  g_clear_object (&self->manager);

  G_OBJECT_CLASS (relink_login_dialog_parent_class)->finalize (object);
}

static void
relink_login_dialog_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RelinkLoginDialog *self = RELINK_LOGIN_DIALOG (object);

  switch (prop_id)
    {
      case PROP_MANAGER:
        g_value_set_object (value, self->manager);
        break;
      case PROP_ACCOUNT:
        g_value_set_object (value, self->account);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_login_dialog_set_property (GObject *object,
                                  guint prop_id,
                                  const GValue *value,
                                  GParamSpec *pspec)
{
  RelinkLoginDialog *self = RELINK_LOGIN_DIALOG (object);

  switch (prop_id)
    {
      case PROP_MANAGER:
        self->manager = g_value_dup_object (value);
        break;
      case PROP_ACCOUNT:
        self->account = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_login_dialog_class_init (RelinkLoginDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = relink_login_dialog_constructed;
  object_class->dispose = relink_login_dialog_dispose;
  object_class->finalize = relink_login_dialog_finalize;
  object_class->get_property = relink_login_dialog_get_property;
  object_class->set_property = relink_login_dialog_set_property;
  window_class->close_request = close_request_cb;

  properties[PROP_MANAGER]
      = g_param_spec_object ("manager", NULL, NULL, RELINK_TYPE_ACCOUNT_MANAGER,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCOUNT]
      = g_param_spec_object ("account", NULL, NULL, RELINK_TYPE_ACCOUNT,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * RelinkLoginDialog::signed-in:
   * @account: the account, its tokens saved and identity verified
   * @message: the text for a toast, as relink_login_dialog_dup_success_text()
   */
  signals[SIGNED_IN]
      = g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 2, RELINK_TYPE_ACCOUNT, G_TYPE_STRING);

  g_type_ensure (RELINK_TYPE_LOGIN_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/relink/Relink/relink-login-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RelinkLoginDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, RelinkLoginDialog, title_stack);
  gtk_widget_class_bind_template_child (widget_class, RelinkLoginDialog, security_icon);
  gtk_widget_class_bind_template_child (widget_class, RelinkLoginDialog, host_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkLoginDialog, account_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkLoginDialog, insecure_label);
  gtk_widget_class_bind_template_child (widget_class, RelinkLoginDialog, menu_button);
  gtk_widget_class_bind_template_child (widget_class, RelinkLoginDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, RelinkLoginDialog, login_view);
  gtk_widget_class_bind_template_child (widget_class, RelinkLoginDialog, working_spinner);
  gtk_widget_class_bind_template_child (widget_class, RelinkLoginDialog, error_page);
  gtk_widget_class_bind_template_child (widget_class, RelinkLoginDialog, try_again_button);
  gtk_widget_class_bind_template_child (widget_class, RelinkLoginDialog, browser_page);
  gtk_widget_class_bind_template_child (widget_class, RelinkLoginDialog, paste_entry);
  gtk_widget_class_bind_template_child (widget_class, RelinkLoginDialog, paste_error_label);
  gtk_widget_class_bind_template_callback (widget_class, paste_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, decide_navigation_cb);
  gtk_widget_class_bind_template_callback (widget_class, load_failed_cb);
  gtk_widget_class_bind_template_callback (widget_class, tls_failed_cb);
  gtk_widget_class_bind_template_callback (widget_class, terminated_cb);
  gtk_widget_class_bind_template_callback (widget_class, committed_cb);
  gtk_widget_class_bind_template_callback (widget_class, paste_activate_cb);

  gtk_widget_class_install_action (widget_class, "login.retry", NULL, retry_action);
  gtk_widget_class_install_action (widget_class, "login.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "login.browser", NULL, browser_action);
  gtk_widget_class_install_action (widget_class, "login.continue", NULL, continue_action);
  gtk_widget_class_install_action (widget_class, "login.copy-address", NULL, copy_address_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
relink_login_dialog_init (RelinkLoginDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWindow *
relink_login_dialog_new (GtkWindow *parent, RelinkAccountManager *manager, RelinkAccount *account)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (RELINK_IS_ACCOUNT_MANAGER (manager), NULL);
  g_return_val_if_fail (RELINK_IS_ACCOUNT (account), NULL);

  return g_object_new (RELINK_TYPE_LOGIN_DIALOG, "transient-for", parent, "manager", manager,
                       "account", account, NULL);
}

RelinkAccount *
relink_login_dialog_get_account (RelinkLoginDialog *self)
{
  g_return_val_if_fail (RELINK_IS_LOGIN_DIALOG (self), NULL);

  return self->account;
}

WebKitWebView *
relink_login_dialog_get_web_view (RelinkLoginDialog *self)
{
  g_return_val_if_fail (RELINK_IS_LOGIN_DIALOG (self), NULL);

  return web_view (self);
}
