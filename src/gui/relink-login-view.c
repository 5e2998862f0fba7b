/* relink-login-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-login-view.h"

/* RelinkLoginView: the login dialog's browser: one WebKitWebView at a
 * time, each in an ephemeral network session of its own, with a progress
 * bar. It asks "decide-navigation" (const char *uri → gboolean) before
 * any address loads in any frame or pop-up (pop-ups open here), refuses
 * downloads and permission requests, and reports "load-failed"
 * (const char *uri, GError *error), "tls-failed" (const char *uri),
 * "terminated" and "committed" (a page's address and TLS state are
 * known). What is allowed and what a failure means is the dialog's. */
struct _RelinkLoginView
{
  GtkWidget parent_instance;

  WebKitNetworkSession *session;
  WebKitWebView *web_view;

  GtkOverlay *web_overlay;
  GtkProgressBar *progress_bar;
};

G_DEFINE_FINAL_TYPE (RelinkLoginView, relink_login_view, GTK_TYPE_WIDGET)

enum
{
  DECIDE_NAVIGATION,
  LOAD_FAILED,
  TLS_FAILED,
  TERMINATED,
  COMMITTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Nobody answering means no. */
static gboolean
may_load (RelinkLoginView *self, const char *uri)
{
  gboolean allowed = FALSE;

  g_signal_emit (self, signals[DECIDE_NAVIGATION], 0, uri, &allowed);
  return allowed;
}

static gboolean
decide_policy_cb (RelinkLoginView *self,
                  WebKitPolicyDecision *decision,
                  WebKitPolicyDecisionType type,
                  WebKitWebView *web_view)
{
  switch (type)
    {
      case WEBKIT_POLICY_DECISION_TYPE_NAVIGATION_ACTION:
      case WEBKIT_POLICY_DECISION_TYPE_NEW_WINDOW_ACTION:
        {
          WebKitNavigationAction *action = webkit_navigation_policy_decision_get_navigation_action (
              WEBKIT_NAVIGATION_POLICY_DECISION (decision));
          WebKitURIRequest *request = webkit_navigation_action_get_request (action);
          const char *uri = webkit_uri_request_get_uri (request);

          if (!may_load (self, uri))
            {
              webkit_policy_decision_ignore (decision);
              return TRUE;
            }

          if (type == WEBKIT_POLICY_DECISION_TYPE_NEW_WINDOW_ACTION)
            {
              /* Pop-ups stay in this view, and so in this session. */
              g_autoptr (WebKitURIRequest) copy = webkit_uri_request_new (uri);

              webkit_policy_decision_ignore (decision);
              webkit_web_view_load_request (web_view, copy);
              return TRUE;
            }

          return FALSE;
        }

      case WEBKIT_POLICY_DECISION_TYPE_RESPONSE:
        {
          WebKitResponsePolicyDecision *response_decision
              = WEBKIT_RESPONSE_POLICY_DECISION (decision);
          WebKitURIResponse *response
              = webkit_response_policy_decision_get_response (response_decision);

          if (webkit_response_policy_decision_is_main_frame_main_resource (response_decision)
              && !may_load (self, webkit_uri_response_get_uri (response)))
            {
              webkit_policy_decision_ignore (decision);
              return TRUE;
            }

          /* Nothing is downloaded from a sign-in page. */
          if (!webkit_response_policy_decision_is_mime_type_supported (response_decision))
            {
              webkit_policy_decision_ignore (decision);
              return TRUE;
            }

          return FALSE;
        }

      default:
        return FALSE;
    }
}

/* window.open() and target="_blank": loaded in this view instead. */
static GtkWidget *
create_cb (RelinkLoginView *self, WebKitNavigationAction *action, WebKitWebView *web_view)
{
  WebKitURIRequest *request = webkit_navigation_action_get_request (action);
  const char *uri = webkit_uri_request_get_uri (request);

  if (may_load (self, uri))
    {
      g_autoptr (WebKitURIRequest) copy = webkit_uri_request_new (uri);

      webkit_web_view_load_request (web_view, copy);
    }

  return NULL;
}

static gboolean
load_failed_with_tls_errors_cb (RelinkLoginView *self,
                                const char *failing_uri,
                                GTlsCertificate *certificate,
                                GTlsCertificateFlags errors,
                                WebKitWebView *web_view)
{
  g_signal_emit (self, signals[TLS_FAILED], 0, failing_uri);
  return TRUE;
}

static gboolean
load_failed_cb (RelinkLoginView *self,
                WebKitLoadEvent load_event,
                const char *failing_uri,
                GError *error,
                WebKitWebView *web_view)
{
  g_signal_emit (self, signals[LOAD_FAILED], 0, failing_uri, error);
  return TRUE;
}

static void
web_process_terminated_cb (RelinkLoginView *self,
                           WebKitWebProcessTerminationReason reason,
                           WebKitWebView *web_view)
{
  g_signal_emit (self, signals[TERMINATED], 0);
}

static void
load_changed_cb (RelinkLoginView *self, WebKitLoadEvent load_event, WebKitWebView *web_view)
{
  switch (load_event)
    {
      case WEBKIT_LOAD_STARTED:
        gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
        gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
        break;
      case WEBKIT_LOAD_COMMITTED:
        g_signal_emit (self, signals[COMMITTED], 0);
        break;
      case WEBKIT_LOAD_FINISHED:
        gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
        break;
      case WEBKIT_LOAD_REDIRECTED:
      default:
        break;
    }
}

static void
load_progress_cb (RelinkLoginView *self, GParamSpec *pspec, WebKitWebView *web_view)
{
  gtk_progress_bar_set_fraction (self->progress_bar,
                                 webkit_web_view_get_estimated_load_progress (web_view));
}

/* Marketplace pages get no camera, location, notifications or the like. */
static gboolean
permission_request_cb (RelinkLoginView *self,
                       WebKitPermissionRequest *request,
                       WebKitWebView *web_view)
{
  webkit_permission_request_deny (request);
  return TRUE;
}

static WebKitWebView *
create_web_view (RelinkLoginView *self)
{
  g_autoptr (WebKitSettings) settings = NULL;
  WebKitWebView *web_view;

  settings = webkit_settings_new_with_settings (
      "enable-developer-extras", FALSE, "javascript-can-open-windows-automatically", FALSE,
      "enable-back-forward-navigation-gestures", FALSE, NULL);
  web_view = g_object_new (WEBKIT_TYPE_WEB_VIEW, "network-session", self->session, "settings",
                           settings, "hexpand", TRUE, "vexpand", TRUE, NULL);

  g_signal_connect_object (web_view, "decide-policy", G_CALLBACK (decide_policy_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (web_view, "create", G_CALLBACK (create_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (web_view, "load-failed-with-tls-errors",
                           G_CALLBACK (load_failed_with_tls_errors_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (web_view, "load-failed", G_CALLBACK (load_failed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (web_view, "load-changed", G_CALLBACK (load_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (web_view, "notify::estimated-load-progress",
                           G_CALLBACK (load_progress_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (web_view, "permission-request", G_CALLBACK (permission_request_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (web_view, "web-process-terminated",
                           G_CALLBACK (web_process_terminated_cb), self, G_CONNECT_SWAPPED);

  return web_view;
}

static void
unref_later (gpointer object)
{
  g_idle_add_once ((GSourceOnceFunc) g_object_unref, object);
}

/* The view may be in the middle of one of its own signals, so the last
 * reference goes from an idle callback. Its web process is ended here
 * and now: WebKit would otherwise keep it for later views, with the
 * marketplace's page still in its memory. */
void
relink_login_view_discard (RelinkLoginView *self)
{
  WebKitWebView *web_view;

  g_return_if_fail (RELINK_IS_LOGIN_VIEW (self));

  web_view = g_steal_pointer (&self->web_view);
  if (web_view != NULL)
    {
      g_signal_handlers_disconnect_by_data (web_view, self);
      webkit_web_view_stop_loading (web_view);
      webkit_web_view_terminate_web_process (web_view);
      g_object_ref (web_view);
      if (self->web_overlay != NULL)
        gtk_overlay_set_child (self->web_overlay, NULL);
      unref_later (web_view);
    }

  g_clear_object (&self->session);
  if (self->progress_bar != NULL)
    gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
}

void
relink_login_view_load (RelinkLoginView *self, const char *uri)
{
  g_return_if_fail (RELINK_IS_LOGIN_VIEW (self));
  g_return_if_fail (uri != NULL);

  relink_login_view_discard (self);
  self->session = webkit_network_session_new_ephemeral ();
  self->web_view = create_web_view (self);
  gtk_overlay_set_child (self->web_overlay, GTK_WIDGET (self->web_view));
  webkit_web_view_load_uri (self->web_view, uri);
}

void
relink_login_view_reload (RelinkLoginView *self)
{
  g_return_if_fail (RELINK_IS_LOGIN_VIEW (self));

  if (self->web_view != NULL)
    webkit_web_view_reload (self->web_view);
}

WebKitWebView *
relink_login_view_get_web_view (RelinkLoginView *self)
{
  g_return_val_if_fail (RELINK_IS_LOGIN_VIEW (self), NULL);

  return self->web_view;
}

static void
relink_login_view_dispose (GObject *object)
{
  RelinkLoginView *self = RELINK_LOGIN_VIEW (object);

  relink_login_view_discard (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), RELINK_TYPE_LOGIN_VIEW);

  G_OBJECT_CLASS (relink_login_view_parent_class)->dispose (object);
}

static void
relink_login_view_class_init (RelinkLoginViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = relink_login_view_dispose;

  /**
   * RelinkLoginView::decide-navigation:
   * @uri: (nullable): the address to open, in any frame or pop-up
   *
   * Returns: whether @uri may load
   */
  signals[DECIDE_NAVIGATION] = g_signal_new ("decide-navigation", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, g_signal_accumulator_first_wins,
                                             NULL, NULL, G_TYPE_BOOLEAN, 1, G_TYPE_STRING);
  /**
   * RelinkLoginView::load-failed:
   * @uri: (nullable): the address that failed
   * @error: why, including our own refusals (cancelled loads)
   */
  signals[LOAD_FAILED]
      = g_signal_new ("load-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_ERROR);
  /**
   * RelinkLoginView::tls-failed:
   * @uri: (nullable): the address whose certificate was not trusted
   */
  signals[TLS_FAILED] = g_signal_new ("tls-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                      NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * RelinkLoginView::terminated:
   *
   * The web process ended on its own (crashed or ran out of memory).
   */
  signals[TERMINATED] = g_signal_new ("terminated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                      NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * RelinkLoginView::committed:
   *
   * A page's address and TLS state are known.
   */
  signals[COMMITTED] = g_signal_new ("committed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/relink/Relink/relink-login-view.ui");
  gtk_widget_class_bind_template_child (widget_class, RelinkLoginView, web_overlay);
  gtk_widget_class_bind_template_child (widget_class, RelinkLoginView, progress_bar);
}

static void
relink_login_view_init (RelinkLoginView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
