/* relink-tray.c
 *
 * The StatusNotifierItem half of the tray icon; its menu is a
 * RelinkDbusmenu (relink-dbusmenu.c) exported at MENU_PATH.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-dbusmenu.h"
#include "relink-tray.h"

#define ITEM_PATH "/StatusNotifierItem"
#define ITEM_INTERFACE "org.kde.StatusNotifierItem"
#define MENU_PATH "/MenuBar"
#define WATCHER_NAME "org.kde.StatusNotifierWatcher"
#define WATCHER_PATH "/StatusNotifierWatcher"

/* Only what hosts actually read: no pixmaps of our own (the icon comes
 * from the theme), no overlay, no movie. */
static const char introspection_xml[]
    = "<node>"
      "  <interface name='" ITEM_INTERFACE "'>"
      "    <property name='Category' type='s' access='read'/>"
      "    <property name='Id' type='s' access='read'/>"
      "    <property name='Title' type='s' access='read'/>"
      "    <property name='Status' type='s' access='read'/>"
      "    <property name='WindowId' type='i' access='read'/>"
      "    <property name='IconName' type='s' access='read'/>"
      "    <property name='IconPixmap' type='a(iiay)' access='read'/>"
      "    <property name='IconThemePath' type='s' access='read'/>"
      "    <property name='OverlayIconName' type='s' access='read'/>"
      "    <property name='AttentionIconName' type='s' access='read'/>"
      "    <property name='ToolTip' type='(sa(iiay)ss)' access='read'/>"
      "    <property name='ItemIsMenu' type='b' access='read'/>"
      "    <property name='Menu' type='o' access='read'/>"
      "    <method name='ContextMenu'><arg name='x' type='i'/><arg name='y' type='i'/></method>"
      "    <method name='Activate'><arg name='x' type='i'/><arg name='y' type='i'/></method>"
      "    <method name='SecondaryActivate'><arg name='x' type='i'/><arg name='y' "
      "type='i'/></method>"
      "    <method name='Scroll'>"
      "      <arg name='delta' type='i'/><arg name='orientation' type='s'/>"
      "    </method>"
      "    <signal name='NewTitle'/>"
      "    <signal name='NewIcon'/>"
      "    <signal name='NewAttentionIcon'/>"
      "    <signal name='NewToolTip'/>"
      "    <signal name='NewStatus'><arg name='status' type='s'/></signal>"
      "  </interface>"
      "</node>";

/* Parsed once; read-only afterwards. */
static GDBusNodeInfo *introspection;

struct _RelinkTray
{
  GObject parent_instance;

  GDBusConnection *connection;
  GMenuModel *menu;
  GActionGroup *actions;

  char *icon_name;
  char *attention_icon_name;
  char *title;
  char *tooltip_title;
  char *tooltip_description;
  RelinkTrayStatus status;

  RelinkDbusmenu *dbusmenu; /* the menu, at MENU_PATH */
  guint item_registration;
  guint watch_id;
  GCancellable *register_cancellable;
  gboolean registered;
};

G_DEFINE_FINAL_TYPE (RelinkTray, relink_tray, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (RelinkTrayStatus,
                    relink_tray_status,
                    G_DEFINE_ENUM_VALUE (RELINK_TRAY_STATUS_ACTIVE, "active"),
                    G_DEFINE_ENUM_VALUE (RELINK_TRAY_STATUS_NEEDS_ATTENTION, "needs-attention"),
                    G_DEFINE_ENUM_VALUE (RELINK_TRAY_STATUS_PASSIVE, "passive"))

enum
{
  PROP_0,
  PROP_CONNECTION,
  PROP_ICON_NAME,
  PROP_ATTENTION_ICON_NAME,
  PROP_MENU,
  PROP_ACTIONS,
  PROP_STATUS,
  PROP_TITLE,
  PROP_REGISTERED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* g_set_str() is GLib 2.76. */
static gboolean
set_str (char **str, const char *value)
{
  if (g_strcmp0 (*str, value) == 0)
    return FALSE;
  g_free (*str);
  *str = g_strdup (value);
  return TRUE;
}

static const char *
status_to_string (RelinkTrayStatus status)
{
  switch (status)
    {
      case RELINK_TRAY_STATUS_NEEDS_ATTENTION:
        return "NeedsAttention";
      case RELINK_TRAY_STATUS_PASSIVE:
        return "Passive";
      case RELINK_TRAY_STATUS_ACTIVE:
      default:
        return "Active";
    }
}

static void
emit_item_signal (RelinkTray *self, const char *name, GVariant *parameters)
{
  if (self->item_registration == 0)
    {
      if (parameters != NULL)
        g_variant_unref (g_variant_ref_sink (parameters));
      return;
    }

  g_dbus_connection_emit_signal (self->connection, NULL, ITEM_PATH, ITEM_INTERFACE, name,
                                 parameters, NULL);
}

/* org.kde.StatusNotifierItem */

static void
item_method_call (GDBusConnection *connection,
                  const char *sender,
                  const char *object_path,
                  const char *interface_name,
                  const char *method_name,
                  GVariant *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer user_data)
{
  RelinkTray *self = user_data;

  /* Answered first: the action may take its time, the host should not. */
  g_dbus_method_invocation_return_value (invocation, NULL);

  /* ContextMenu is not ours to handle (ItemIsMenu is false and the host
   * draws Menu), and a scroll means nothing here. */
  if (g_str_equal (method_name, "Activate"))
    relink_dbusmenu_activate_action (self->dbusmenu, "app.activate", NULL);
}

static GVariant *
item_get_property (GDBusConnection *connection,
                   const char *sender,
                   const char *object_path,
                   const char *interface_name,
                   const char *property_name,
                   GError **error,
                   gpointer user_data)
{
  RelinkTray *self = user_data;

  if (g_str_equal (property_name, "Category"))
    return g_variant_new_string ("ApplicationStatus");
  if (g_str_equal (property_name, "Id"))
    return g_variant_new_string (APPLICATION_ID);
  if (g_str_equal (property_name, "Title"))
    return g_variant_new_string (self->title);
  if (g_str_equal (property_name, "Status"))
    return g_variant_new_string (status_to_string (self->status));
  if (g_str_equal (property_name, "WindowId"))
    return g_variant_new_int32 (0);
  if (g_str_equal (property_name, "IconName"))
    return g_variant_new_string (self->icon_name);
  if (g_str_equal (property_name, "AttentionIconName"))
    return g_variant_new_string (self->attention_icon_name ? self->attention_icon_name
                                                           : self->icon_name);
  if (g_str_equal (property_name, "IconPixmap"))
    return g_variant_new_array (G_VARIANT_TYPE ("(iiay)"), NULL, 0);
  if (g_str_equal (property_name, "IconThemePath")
      || g_str_equal (property_name, "OverlayIconName"))
    return g_variant_new_string ("");
  if (g_str_equal (property_name, "ToolTip"))
    return g_variant_new ("(s@a(iiay)ss)", self->icon_name,
                          g_variant_new_array (G_VARIANT_TYPE ("(iiay)"), NULL, 0),
                          self->tooltip_title, self->tooltip_description);
  if (g_str_equal (property_name, "ItemIsMenu"))
    return g_variant_new_boolean (FALSE);
  if (g_str_equal (property_name, "Menu"))
    return g_variant_new_object_path (MENU_PATH);

  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s",
               property_name);
  return NULL;
}

/* Registration with the watcher */

static void
set_registered (RelinkTray *self, gboolean registered)
{
  if (self->registered == registered)
    return;
  self->registered = registered;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGISTERED]);
}

static void
register_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;
  RelinkTray *self;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  /* Cancelled means disposed or superseded: @self may be gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  if (error != NULL)
    g_debug ("The status notifier watcher refused the tray icon: %s", error->message);
  set_registered (self, error == NULL);
}

static void
watcher_appeared_cb (GDBusConnection *connection,
                     const char *name,
                     const char *name_owner,
                     gpointer user_data)
{
  RelinkTray *self = user_data;

  g_cancellable_cancel (self->register_cancellable);
  g_clear_object (&self->register_cancellable);
  self->register_cancellable = g_cancellable_new ();

  /* The unique name, not a well-known one of our own: the watcher then
   * finds the item at the standard path, and Flatpak needs no --own-name. */
  g_dbus_connection_call (
      connection, WATCHER_NAME, WATCHER_PATH, WATCHER_NAME, "RegisterStatusNotifierItem",
      g_variant_new ("(s)", g_dbus_connection_get_unique_name (connection)), NULL,
      G_DBUS_CALL_FLAGS_NONE, -1, self->register_cancellable, register_cb, self);
}

static void
watcher_vanished_cb (GDBusConnection *connection, const char *name, gpointer user_data)
{
  RelinkTray *self = user_data;

  g_cancellable_cancel (self->register_cancellable);
  g_clear_object (&self->register_cancellable);
  set_registered (self, FALSE);
}

/* GObject */

static void
relink_tray_constructed (GObject *object)
{
  static const GDBusInterfaceVTable item_vtable = { item_method_call, item_get_property, NULL };
  RelinkTray *self = RELINK_TRAY (object);
  g_autoptr (GError) error = NULL;

  G_OBJECT_CLASS (relink_tray_parent_class)->constructed (object);

  g_return_if_fail (G_IS_DBUS_CONNECTION (self->connection));

  self->dbusmenu = relink_dbusmenu_new (self->menu, self->actions);
  if (relink_dbusmenu_export (self->dbusmenu, self->connection, MENU_PATH, &error))
    self->item_registration = g_dbus_connection_register_object (
        self->connection, ITEM_PATH,
        g_dbus_node_info_lookup_interface (introspection, ITEM_INTERFACE), &item_vtable, self, NULL,
        &error);
  if (error != NULL)
    {
      g_warning ("Could not show the tray icon: %s", error->message);
      return;
    }

  self->watch_id = g_bus_watch_name_on_connection (
      self->connection, WATCHER_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE, watcher_appeared_cb,
      watcher_vanished_cb, self, NULL);
}

static void
relink_tray_dispose (GObject *object)
{
  RelinkTray *self = RELINK_TRAY (object);

  if (self->watch_id != 0)
    g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);
  g_cancellable_cancel (self->register_cancellable);
  g_clear_object (&self->register_cancellable);

  /* Hosts keep a registered item until our connection closes; Passive at
   * least makes them hide it. */
  if (self->registered && self->status != RELINK_TRAY_STATUS_PASSIVE)
    emit_item_signal (self, "NewStatus", g_variant_new ("(s)", "Passive"));
  if (self->item_registration != 0)
    g_dbus_connection_unregister_object (self->connection, self->item_registration);
  self->item_registration = 0;
  if (self->dbusmenu != NULL)
    relink_dbusmenu_unexport (self->dbusmenu);
  g_clear_object (&self->dbusmenu);

  g_clear_object (&self->menu);
  g_clear_object (&self->actions);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (relink_tray_parent_class)->dispose (object);
}

static void
relink_tray_finalize (GObject *object)
{
  RelinkTray *self = RELINK_TRAY (object);

  g_free (self->icon_name);
  g_free (self->attention_icon_name);
  g_free (self->title);
  g_free (self->tooltip_title);
  g_free (self->tooltip_description);

  G_OBJECT_CLASS (relink_tray_parent_class)->finalize (object);
}

static void
relink_tray_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RelinkTray *self = RELINK_TRAY (object);

  switch (prop_id)
    {
      case PROP_CONNECTION:
        g_value_set_object (value, self->connection);
        break;
      case PROP_ICON_NAME:
        g_value_set_string (value, self->icon_name);
        break;
      case PROP_ATTENTION_ICON_NAME:
        g_value_set_string (value, self->attention_icon_name);
        break;
      case PROP_MENU:
        g_value_set_object (value, self->menu);
        break;
      case PROP_ACTIONS:
        g_value_set_object (value, self->actions);
        break;
      case PROP_STATUS:
        g_value_set_enum (value, self->status);
        break;
      case PROP_TITLE:
        g_value_set_string (value, self->title);
        break;
      case PROP_REGISTERED:
        g_value_set_boolean (value, self->registered);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_tray_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  RelinkTray *self = RELINK_TRAY (object);

  switch (prop_id)
    {
      case PROP_CONNECTION:
        self->connection = g_value_dup_object (value);
        break;
      case PROP_ICON_NAME:
        relink_tray_set_icon_name (self, g_value_get_string (value));
        break;
      case PROP_ATTENTION_ICON_NAME:
        relink_tray_set_attention_icon_name (self, g_value_get_string (value));
        break;
      case PROP_MENU:
        self->menu = g_value_dup_object (value);
        break;
      case PROP_ACTIONS:
        self->actions = g_value_dup_object (value);
        break;
      case PROP_STATUS:
        relink_tray_set_status (self, g_value_get_enum (value));
        break;
      case PROP_TITLE:
        relink_tray_set_title (self, g_value_get_string (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_tray_class_init (RelinkTrayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  g_autoptr (GError) error = NULL;

  object_class->constructed = relink_tray_constructed;
  object_class->dispose = relink_tray_dispose;
  object_class->finalize = relink_tray_finalize;
  object_class->get_property = relink_tray_get_property;
  object_class->set_property = relink_tray_set_property;

  introspection = g_dbus_node_info_new_for_xml (introspection_xml, &error);
  g_assert_no_error (error);

  properties[PROP_CONNECTION]
      = g_param_spec_object ("connection", NULL, NULL, G_TYPE_DBUS_CONNECTION,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ICON_NAME] = g_param_spec_string (
      "icon-name", NULL, NULL, NULL,
      G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ATTENTION_ICON_NAME]
      = g_param_spec_string ("attention-icon-name", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MENU]
      = g_param_spec_object ("menu", NULL, NULL, G_TYPE_MENU_MODEL,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTIONS]
      = g_param_spec_object ("actions", NULL, NULL, G_TYPE_ACTION_GROUP,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS]
      = g_param_spec_enum ("status", NULL, NULL, RELINK_TYPE_TRAY_STATUS, RELINK_TRAY_STATUS_ACTIVE,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE]
      = g_param_spec_string ("title", NULL, NULL, "Relink",
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REGISTERED]
      = g_param_spec_boolean ("registered", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
relink_tray_init (RelinkTray *self)
{
  /* The application's name, the same in every language. */
  self->title = g_strdup ("Relink");
  self->icon_name = g_strdup ("");
  self->tooltip_title = g_strdup (self->title);
  self->tooltip_description = g_strdup ("");
}

RelinkTray *
relink_tray_new (GDBusConnection *connection,
                 const char *icon_name,
                 GMenuModel *menu,
                 GActionGroup *actions)
{
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);
  g_return_val_if_fail (icon_name != NULL, NULL);
  g_return_val_if_fail (menu == NULL || G_IS_MENU_MODEL (menu), NULL);
  g_return_val_if_fail (actions == NULL || G_IS_ACTION_GROUP (actions), NULL);

  return g_object_new (RELINK_TYPE_TRAY, "connection", connection, "icon-name", icon_name, "menu",
                       menu, "actions", actions, NULL);
}

RelinkTrayStatus
relink_tray_get_status (RelinkTray *self)
{
  g_return_val_if_fail (RELINK_IS_TRAY (self), RELINK_TRAY_STATUS_ACTIVE);

  return self->status;
}

void
relink_tray_set_status (RelinkTray *self, RelinkTrayStatus status)
{
  g_return_if_fail (RELINK_IS_TRAY (self));

  if (self->status == status)
    return;
  self->status = status;
  emit_item_signal (self, "NewStatus", g_variant_new ("(s)", status_to_string (status)));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

void
relink_tray_set_tooltip (RelinkTray *self, const char *title, const char *description)
{
  gboolean changed = FALSE;

  g_return_if_fail (RELINK_IS_TRAY (self));

  changed |= set_str (&self->tooltip_title, title ? title : "");
  changed |= set_str (&self->tooltip_description, description ? description : "");
  if (changed)
    emit_item_signal (self, "NewToolTip", NULL);
}

void
relink_tray_set_icon_name (RelinkTray *self, const char *icon_name)
{
  g_return_if_fail (RELINK_IS_TRAY (self));

  if (!set_str (&self->icon_name, icon_name ? icon_name : ""))
    return;
  emit_item_signal (self, "NewIcon", NULL);
  /* Both show the icon name too. */
  emit_item_signal (self, "NewToolTip", NULL);
  if (self->attention_icon_name == NULL)
    emit_item_signal (self, "NewAttentionIcon", NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ICON_NAME]);
}

void
relink_tray_set_attention_icon_name (RelinkTray *self, const char *icon_name)
{
  g_return_if_fail (RELINK_IS_TRAY (self));

  if (!set_str (&self->attention_icon_name, icon_name))
    return;
  emit_item_signal (self, "NewAttentionIcon", NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTENTION_ICON_NAME]);
}

void
relink_tray_set_title (RelinkTray *self, const char *title)
{
  g_return_if_fail (RELINK_IS_TRAY (self));

  if (!set_str (&self->title, title ? title : ""))
    return;
  emit_item_signal (self, "NewTitle", NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

gboolean
relink_tray_get_registered (RelinkTray *self)
{
  g_return_val_if_fail (RELINK_IS_TRAY (self), FALSE);

  return self->registered;
}

GVariant *
relink_tray_dup_state (RelinkTray *self)
{
  g_auto (GVariantBuilder) state = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

  g_return_val_if_fail (RELINK_IS_TRAY (self), NULL);

  g_variant_builder_add (&state, "{sv}", "icon-name", g_variant_new_string (self->icon_name));
  if (self->attention_icon_name != NULL)
    g_variant_builder_add (&state, "{sv}", "attention-icon-name",
                           g_variant_new_string (self->attention_icon_name));
  g_variant_builder_add (&state, "{sv}", "title", g_variant_new_string (self->title));
  g_variant_builder_add (&state, "{sv}", "status", g_variant_new_uint32 (self->status));
  g_variant_builder_add (&state, "{sv}", "tooltip",
                         g_variant_new ("(ss)", self->tooltip_title, self->tooltip_description));
  return g_variant_builder_end (&state);
}

void
relink_tray_apply_state (RelinkTray *self, GVariant *state)
{
  g_autoptr (GVariantDict) dict = NULL;
  const char *text, *description;
  guint32 status;

  g_return_if_fail (RELINK_IS_TRAY (self));
  g_return_if_fail (g_variant_is_of_type (state, G_VARIANT_TYPE_VARDICT));

  dict = g_variant_dict_new (state);
  if (g_variant_dict_lookup (dict, "icon-name", "&s", &text))
    relink_tray_set_icon_name (self, text);
  if (g_variant_dict_lookup (dict, "attention-icon-name", "&s", &text))
    relink_tray_set_attention_icon_name (self, text);
  if (g_variant_dict_lookup (dict, "title", "&s", &text))
    relink_tray_set_title (self, text);
  if (g_variant_dict_lookup (dict, "status", "u", &status) && status <= RELINK_TRAY_STATUS_PASSIVE)
    relink_tray_set_status (self, status);
  if (g_variant_dict_lookup (dict, "tooltip", "(&s&s)", &text, &description))
    relink_tray_set_tooltip (self, text, description);
}

void
relink_tray_activate_action (RelinkTray *self, const char *action, GVariant *target)
{
  g_return_if_fail (RELINK_IS_TRAY (self));
  g_return_if_fail (action != NULL);

  if (self->dbusmenu != NULL)
    relink_dbusmenu_activate_action (self->dbusmenu, action, target);
}
