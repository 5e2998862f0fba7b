/* relink-dbusmenu.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "relink-dbusmenu.h"

#define MENU_INTERFACE "com.canonical.dbusmenu"

static const char introspection_xml[]
    = "<node>"
      "  <interface name='" MENU_INTERFACE "'>"
      "    <property name='Version' type='u' access='read'/>"
      "    <property name='TextDirection' type='s' access='read'/>"
      "    <property name='Status' type='s' access='read'/>"
      "    <property name='IconThemePath' type='as' access='read'/>"
      "    <method name='GetLayout'>"
      "      <arg name='parentId' type='i'/><arg name='recursionDepth' type='i'/>"
      "      <arg name='propertyNames' type='as'/>"
      "      <arg name='revision' type='u' direction='out'/>"
      "      <arg name='layout' type='(ia{sv}av)' direction='out'/>"
      "    </method>"
      "    <method name='GetGroupProperties'>"
      "      <arg name='ids' type='ai'/><arg name='propertyNames' type='as'/>"
      "      <arg name='properties' type='a(ia{sv})' direction='out'/>"
      "    </method>"
      "    <method name='GetProperty'>"
      "      <arg name='id' type='i'/><arg name='name' type='s'/>"
      "      <arg name='value' type='v' direction='out'/>"
      "    </method>"
      "    <method name='Event'>"
      "      <arg name='id' type='i'/><arg name='eventId' type='s'/>"
      "      <arg name='data' type='v'/><arg name='timestamp' type='u'/>"
      "    </method>"
      "    <method name='EventGroup'>"
      "      <arg name='events' type='a(isvu)'/>"
      "      <arg name='idErrors' type='ai' direction='out'/>"
      "    </method>"
      "    <method name='AboutToShow'>"
      "      <arg name='id' type='i'/><arg name='needUpdate' type='b' direction='out'/>"
      "    </method>"
      "    <method name='AboutToShowGroup'>"
      "      <arg name='ids' type='ai'/>"
      "      <arg name='updatesNeeded' type='ai' direction='out'/>"
      "      <arg name='idErrors' type='ai' direction='out'/>"
      "    </method>"
      "    <signal name='ItemsPropertiesUpdated'>"
      "      <arg name='updatedProps' type='a(ia{sv})'/><arg name='removedProps' type='a(ias)'/>"
      "    </signal>"
      "    <signal name='LayoutUpdated'>"
      "      <arg name='revision' type='u'/><arg name='parent' type='i'/>"
      "    </signal>"
      "  </interface>"
      "</node>";

/* Parsed once; read-only afterwards. */
static GDBusNodeInfo *introspection;

/* One entry of the exported menu: a snapshot of a GMenuModel item, since
 * dbusmenu addresses items by id while GMenuModel has only positions. */
typedef struct _MenuItem MenuItem;
struct _MenuItem
{
  int id;
  gboolean separator;
  gboolean enabled;
  char *label;
  char *action;
  GVariant *target;
  GPtrArray *children; /* MenuItem, or NULL when the item has no submenu */
};

struct _RelinkDbusmenu
{
  GObject parent_instance;

  GMenuModel *menu;
  GActionGroup *actions;

  GDBusConnection *connection; /* while exported */
  char *object_path;
  guint registration;

  MenuItem *root;
  GHashTable *items; /* id -> MenuItem, owned by root */
  GPtrArray *followed_models;
  /* Ids are never reused, so an event a host sends for an item of an old
   * layout cannot hit a different item of the new one. */
  int next_id;
  guint revision;
  guint rebuild_id;
};

G_DEFINE_FINAL_TYPE (RelinkDbusmenu, relink_dbusmenu, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_MENU,
  PROP_ACTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
menu_item_free (gpointer data)
{
  MenuItem *item = data;

  g_free (item->label);
  g_free (item->action);
  g_clear_pointer (&item->target, g_variant_unref);
  g_clear_pointer (&item->children, g_ptr_array_unref);
  g_free (item);
}

/* Menu items name "app.*" actions, which a GApplication (the usual
 * @actions) knows without the prefix; a plain group may use either. */
static const char *
resolve_action (RelinkDbusmenu *self, const char *name)
{
  if (self->actions == NULL || name == NULL)
    return NULL;
  if (g_action_group_has_action (self->actions, name))
    return name;
  if (g_str_has_prefix (name, "app.") && g_action_group_has_action (self->actions, name + 4))
    return name + 4;
  return NULL;
}

static gboolean
item_compute_enabled (RelinkDbusmenu *self, MenuItem *item)
{
  const GVariantType *parameter_type;
  const char *name;

  if (item->separator || item->children != NULL)
    return TRUE;

  name = resolve_action (self, item->action);
  if (name == NULL || !g_action_group_get_action_enabled (self->actions, name))
    return FALSE;

  /* Activating with a mismatched target would be a critical, not a no-op. */
  parameter_type = g_action_group_get_action_parameter_type (self->actions, name);
  if (item->target == NULL)
    return parameter_type == NULL;
  return parameter_type != NULL && g_variant_is_of_type (item->target, parameter_type);
}

void
relink_dbusmenu_activate_action (RelinkDbusmenu *self, const char *action, GVariant *target)
{
  const char *name;
  const GVariantType *parameter_type;

  g_return_if_fail (RELINK_IS_DBUSMENU (self));

  name = resolve_action (self, action);
  if (name == NULL || !g_action_group_get_action_enabled (self->actions, name))
    return;

  parameter_type = g_action_group_get_action_parameter_type (self->actions, name);
  if (target == NULL ? parameter_type != NULL
                     : parameter_type == NULL || !g_variant_is_of_type (target, parameter_type))
    return;

  g_action_group_activate_action (self->actions, name, target);
}

/* Menu layout */

static void menu_items_changed_cb (
    RelinkDbusmenu *self, guint position, guint removed, guint added, GMenuModel *model);

static void
follow_model (RelinkDbusmenu *self, GMenuModel *model)
{
  g_signal_connect_object (model, "items-changed", G_CALLBACK (menu_items_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_ptr_array_add (self->followed_models, g_object_ref (model));
}

static void
unfollow_models (RelinkDbusmenu *self)
{
  for (guint i = 0; i < self->followed_models->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->followed_models, i),
                                          menu_items_changed_cb, self);
  g_ptr_array_set_size (self->followed_models, 0);
}

static MenuItem *
add_item (RelinkDbusmenu *self, GPtrArray *level)
{
  MenuItem *item = g_new0 (MenuItem, 1);

  item->id = self->next_id++;
  item->enabled = TRUE;
  g_ptr_array_add (level, item);
  g_hash_table_insert (self->items, GINT_TO_POINTER (item->id), item);
  return item;
}

/* Flattens @model into @level the way GTK draws it: sections inline,
 * separated by a separator from whatever is next to them. */
static void
build_level (RelinkDbusmenu *self, GPtrArray *level, GMenuModel *model)
{
  gboolean separator_pending = FALSE;
  int n_items;

  follow_model (self, model);
  n_items = g_menu_model_get_n_items (model);

  for (int i = 0; i < n_items; i++)
    {
      g_autoptr (GMenuModel) section = NULL;
      g_autoptr (GMenuModel) submenu = NULL;
      g_autoptr (GVariant) target = NULL;
      g_autofree char *action = NULL;
      MenuItem *item;

      section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);
      if (section != NULL)
        {
          g_autoptr (GPtrArray) items = g_ptr_array_new ();

          /* Built apart first: an empty section draws no separator. */
          build_level (self, items, section);
          if (items->len == 0)
            continue;
          if (level->len > 0)
            add_item (self, level)->separator = TRUE;
          for (guint j = 0; j < items->len; j++)
            g_ptr_array_add (level, g_ptr_array_index (items, j));
          separator_pending = TRUE;
          continue;
        }

      if (separator_pending)
        add_item (self, level)->separator = TRUE;
      separator_pending = FALSE;

      item = add_item (self, level);
      g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &item->label);
      g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &action);
      target = g_menu_model_get_item_attribute_value (model, i, G_MENU_ATTRIBUTE_TARGET, NULL);

      /* g_menu_item_set_detailed_action() splits "app.open-account::ID"
       * already; a hand-set detailed name gets the same treatment. */
      if (action != NULL && target == NULL)
        g_action_parse_detailed_name (action, &item->action, &item->target, NULL);
      if (item->action == NULL)
        {
          item->action = g_steal_pointer (&action);
          item->target = g_steal_pointer (&target);
        }

      submenu = g_menu_model_get_item_link (model, i, G_MENU_LINK_SUBMENU);
      if (submenu != NULL)
        {
          item->children = g_ptr_array_new ();
          build_level (self, item->children, submenu);
        }

      item->enabled = item_compute_enabled (self, item);
    }
}

/* Ownership: every item is referenced by exactly one children array of
 * the tree; the arrays are built without a free function and get it once
 * the tree is complete, so moving items between them is free. */
static void
set_free_funcs (GPtrArray *level)
{
  g_ptr_array_set_free_func (level, menu_item_free);
  for (guint i = 0; i < level->len; i++)
    {
      MenuItem *item = g_ptr_array_index (level, i);

      if (item->children != NULL)
        set_free_funcs (item->children);
    }
}

static void
rebuild_menu (RelinkDbusmenu *self)
{
  unfollow_models (self);
  g_hash_table_remove_all (self->items);
  g_clear_pointer (&self->root, menu_item_free);

  self->root = g_new0 (MenuItem, 1);
  self->root->id = 0;
  self->root->enabled = TRUE;
  self->root->children = g_ptr_array_new ();
  g_hash_table_insert (self->items, GINT_TO_POINTER (0), self->root);
  if (self->menu != NULL)
    build_level (self, self->root->children, self->menu);
  set_free_funcs (self->root->children);

  self->revision++;
}

static gboolean
rebuild_menu_cb (gpointer user_data)
{
  RelinkDbusmenu *self = user_data;

  self->rebuild_id = 0;
  rebuild_menu (self);
  if (self->registration != 0)
    g_dbus_connection_emit_signal (self->connection, NULL, self->object_path, MENU_INTERFACE,
                                   "LayoutUpdated", g_variant_new ("(ui)", self->revision, 0),
                                   NULL);
  return G_SOURCE_REMOVE;
}

/* Rebuilt in an idle: replacing a section item by item would otherwise
 * send hosts a layout per step. */
static void
menu_items_changed_cb (
    RelinkDbusmenu *self, guint position, guint removed, guint added, GMenuModel *model)
{
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add (rebuild_menu_cb, self);
}

static GVariant *
item_properties (MenuItem *item, const char *const *names)
{
  GVariantBuilder builder;
  gboolean all = names == NULL || names[0] == NULL;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  if (item->separator)
    {
      if (all || g_strv_contains (names, "type"))
        g_variant_builder_add (&builder, "{sv}", "type", g_variant_new_string ("separator"));
      return g_variant_builder_end (&builder);
    }

  if (item->label != NULL && (all || g_strv_contains (names, "label")))
    g_variant_builder_add (&builder, "{sv}", "label", g_variant_new_string (item->label));
  if (all || g_strv_contains (names, "enabled"))
    g_variant_builder_add (&builder, "{sv}", "enabled", g_variant_new_boolean (item->enabled));
  if (item->children != NULL && (all || g_strv_contains (names, "children-display")))
    g_variant_builder_add (&builder, "{sv}", "children-display", g_variant_new_string ("submenu"));
  return g_variant_builder_end (&builder);
}

/* @depth: levels of children to include, -1 for all. */
static GVariant *
item_layout (MenuItem *item, int depth, const char *const *names)
{
  GVariantBuilder children;

  g_variant_builder_init (&children, G_VARIANT_TYPE ("av"));
  if (item->children != NULL && depth != 0)
    for (guint i = 0; i < item->children->len; i++)
      g_variant_builder_add (
          &children, "v",
          item_layout (g_ptr_array_index (item->children, i), depth > 0 ? depth - 1 : -1, names));

  return g_variant_new ("(i@a{sv}av)", item->id, item_properties (item, names), &children);
}

static void
refresh_enabled (RelinkDbusmenu *self)
{
  GVariantBuilder updated;
  GHashTableIter iter;
  gpointer value;
  gboolean changed = FALSE;

  g_variant_builder_init (&updated, G_VARIANT_TYPE ("a(ia{sv})"));
  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      MenuItem *item = value;
      gboolean enabled = item_compute_enabled (self, item);

      if (item == self->root || enabled == item->enabled)
        continue;
      item->enabled = enabled;
      changed = TRUE;
      g_variant_builder_add (&updated, "(i@a{sv})", item->id,
                             item_properties (item, (const char *[]){ "enabled", NULL }));
    }

  if (!changed || self->registration == 0)
    {
      g_variant_builder_clear (&updated);
      return;
    }

  g_dbus_connection_emit_signal (self->connection, NULL, self->object_path, MENU_INTERFACE,
                                 "ItemsPropertiesUpdated",
                                 g_variant_new ("(a(ia{sv})a(ias))", &updated, NULL), NULL);
}

static void
action_added_cb (RelinkDbusmenu *self, const char *name, GActionGroup *actions)
{
  refresh_enabled (self);
}

static void
action_enabled_changed_cb (RelinkDbusmenu *self,
                           const char *name,
                           gboolean enabled,
                           GActionGroup *actions)
{
  refresh_enabled (self);
}

/* The D-Bus interface */

static MenuItem *
lookup_item (RelinkDbusmenu *self, int id)
{
  return g_hash_table_lookup (self->items, GINT_TO_POINTER (id));
}

static gboolean
handle_event (RelinkDbusmenu *self, int id, const char *event_id)
{
  MenuItem *item = lookup_item (self, id);

  if (item == NULL)
    return FALSE;

  if (g_str_equal (event_id, "clicked") && !item->separator && item->children == NULL)
    {
      g_autofree char *action = g_strdup (item->action);
      g_autoptr (GVariant) target = item->target ? g_variant_ref (item->target) : NULL;

      /* The action may change the menu, and with it @item. */
      relink_dbusmenu_activate_action (self, action, target);
    }
  return TRUE;
}

static void
menu_method_call (GDBusConnection *connection,
                  const char *sender,
                  const char *object_path,
                  const char *interface_name,
                  const char *method_name,
                  GVariant *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer user_data)
{
  RelinkDbusmenu *self = user_data;

  if (g_str_equal (method_name, "GetLayout"))
    {
      g_autofree const char **names = NULL;
      int parent_id, depth;
      MenuItem *item;

      g_variant_get (parameters, "(ii^a&s)", &parent_id, &depth, &names);
      item = lookup_item (self, parent_id);
      if (item == NULL)
        goto unknown_id;
      g_dbus_method_invocation_return_value (
          invocation,
          g_variant_new ("(u@(ia{sv}av))", self->revision, item_layout (item, depth, names)));
    }
  else if (g_str_equal (method_name, "GetGroupProperties"))
    {
      g_autoptr (GVariantIter) ids = NULL;
      g_autofree const char **names = NULL;
      GVariantBuilder builder;
      int id;

      g_variant_get (parameters, "(ai^a&s)", &ids, &names);
      g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ia{sv})"));
      if (g_variant_iter_n_children (ids) == 0)
        {
          GHashTableIter iter;
          gpointer value;

          g_hash_table_iter_init (&iter, self->items);
          while (g_hash_table_iter_next (&iter, NULL, &value))
            g_variant_builder_add (&builder, "(i@a{sv})", ((MenuItem *) value)->id,
                                   item_properties (value, names));
        }
      while (g_variant_iter_next (ids, "i", &id))
        {
          MenuItem *item = lookup_item (self, id);

          if (item != NULL)
            g_variant_builder_add (&builder, "(i@a{sv})", id, item_properties (item, names));
        }
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a(ia{sv}))", &builder));
    }
  else if (g_str_equal (method_name, "GetProperty"))
    {
      g_autoptr (GVariant) props = NULL;
      g_autoptr (GVariant) value = NULL;
      const char *name;
      MenuItem *item;
      int id;

      g_variant_get (parameters, "(i&s)", &id, &name);
      item = lookup_item (self, id);
      if (item == NULL)
        goto unknown_id;
      props = item_properties (item, NULL);
      value = g_variant_lookup_value (props, name, NULL);
      if (value == NULL)
        {
          g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR,
                                                 G_DBUS_ERROR_INVALID_ARGS,
                                                 "Menu item %d has no property “%s”", id, name);
          return;
        }
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(v)", value));
    }
  else if (g_str_equal (method_name, "Event"))
    {
      const char *event_id;
      int id;

      g_variant_get (parameters, "(i&svu)", &id, &event_id, NULL, NULL);
      if (!handle_event (self, id, event_id))
        goto unknown_id;
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "EventGroup"))
    {
      g_autoptr (GVariantIter) events = NULL;
      GVariantBuilder errors;
      const char *event_id;
      int id;

      g_variant_get (parameters, "(a(isvu))", &events);
      g_variant_builder_init (&errors, G_VARIANT_TYPE ("ai"));
      while (g_variant_iter_loop (events, "(i&svu)", &id, &event_id, NULL, NULL))
        if (!handle_event (self, id, event_id))
          g_variant_builder_add (&errors, "i", id);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ai)", &errors));
    }
  else if (g_str_equal (method_name, "AboutToShow"))
    {
      /* The layout is always current: nothing to update before showing. */
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(b)", FALSE));
    }
  else if (g_str_equal (method_name, "AboutToShowGroup"))
    {
      g_autoptr (GVariantIter) ids = NULL;
      GVariantBuilder errors;
      int id;

      g_variant_get (parameters, "(ai)", &ids);
      g_variant_builder_init (&errors, G_VARIANT_TYPE ("ai"));
      while (g_variant_iter_next (ids, "i", &id))
        if (lookup_item (self, id) == NULL)
          g_variant_builder_add (&errors, "i", id);
      g_dbus_method_invocation_return_value (
          invocation,
          g_variant_new ("(@aiai)", g_variant_new_array (G_VARIANT_TYPE_INT32, NULL, 0), &errors));
    }
  else
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                             "Unknown method %s", method_name);
    }
  return;

unknown_id:
  g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                         "No menu item with this id");
}

static GVariant *
menu_get_property (GDBusConnection *connection,
                   const char *sender,
                   const char *object_path,
                   const char *interface_name,
                   const char *property_name,
                   GError **error,
                   gpointer user_data)
{
  if (g_str_equal (property_name, "Version"))
    return g_variant_new_uint32 (3);
  /* GTK's own answer (gtk_get_locale_direction() reads the same
   * translation), without linking GTK here. */
  if (g_str_equal (property_name, "TextDirection"))
    return g_variant_new_string (
        g_str_equal (g_dgettext ("gtk40", "default:LTR"), "default:RTL") ? "rtl" : "ltr");
  if (g_str_equal (property_name, "Status"))
    return g_variant_new_string ("normal");
  if (g_str_equal (property_name, "IconThemePath"))
    return g_variant_new_strv (NULL, 0);

  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s",
               property_name);
  return NULL;
}

/* GObject */

static void
relink_dbusmenu_constructed (GObject *object)
{
  RelinkDbusmenu *self = RELINK_DBUSMENU (object);

  G_OBJECT_CLASS (relink_dbusmenu_parent_class)->constructed (object);

  rebuild_menu (self);
  if (self->actions != NULL)
    {
      g_signal_connect_object (self->actions, "action-added", G_CALLBACK (action_added_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->actions, "action-removed", G_CALLBACK (action_added_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->actions, "action-enabled-changed",
                               G_CALLBACK (action_enabled_changed_cb), self, G_CONNECT_SWAPPED);
    }
}

static void
relink_dbusmenu_dispose (GObject *object)
{
  RelinkDbusmenu *self = RELINK_DBUSMENU (object);

  relink_dbusmenu_unexport (self);
  g_clear_handle_id (&self->rebuild_id, g_source_remove);

  unfollow_models (self);
  if (self->actions != NULL)
    g_signal_handlers_disconnect_by_data (self->actions, self);
  g_clear_object (&self->menu);
  g_clear_object (&self->actions);

  G_OBJECT_CLASS (relink_dbusmenu_parent_class)->dispose (object);
}

static void
relink_dbusmenu_finalize (GObject *object)
{
  RelinkDbusmenu *self = RELINK_DBUSMENU (object);

  g_clear_pointer (&self->root, menu_item_free);
  g_clear_pointer (&self->items, g_hash_table_unref);
  g_clear_pointer (&self->followed_models, g_ptr_array_unref);

  G_OBJECT_CLASS (relink_dbusmenu_parent_class)->finalize (object);
}

static void
relink_dbusmenu_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RelinkDbusmenu *self = RELINK_DBUSMENU (object);

  switch (prop_id)
    {
      case PROP_MENU:
        g_value_set_object (value, self->menu);
        break;
      case PROP_ACTIONS:
        g_value_set_object (value, self->actions);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_dbusmenu_set_property (GObject *object,
                              guint prop_id,
                              const GValue *value,
                              GParamSpec *pspec)
{
  RelinkDbusmenu *self = RELINK_DBUSMENU (object);

  switch (prop_id)
    {
      case PROP_MENU:
        self->menu = g_value_dup_object (value);
        break;
      case PROP_ACTIONS:
        self->actions = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
relink_dbusmenu_class_init (RelinkDbusmenuClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  g_autoptr (GError) error = NULL;

  object_class->constructed = relink_dbusmenu_constructed;
  object_class->dispose = relink_dbusmenu_dispose;
  object_class->finalize = relink_dbusmenu_finalize;
  object_class->get_property = relink_dbusmenu_get_property;
  object_class->set_property = relink_dbusmenu_set_property;

  introspection = g_dbus_node_info_new_for_xml (introspection_xml, &error);
  g_assert_no_error (error);

  properties[PROP_MENU]
      = g_param_spec_object ("menu", NULL, NULL, G_TYPE_MENU_MODEL,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTIONS]
      = g_param_spec_object ("actions", NULL, NULL, G_TYPE_ACTION_GROUP,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
relink_dbusmenu_init (RelinkDbusmenu *self)
{
  self->items = g_hash_table_new (NULL, NULL);
  self->followed_models = g_ptr_array_new_with_free_func (g_object_unref);
  /* 0 is the root. */
  self->next_id = 1;
}

RelinkDbusmenu *
relink_dbusmenu_new (GMenuModel *menu, GActionGroup *actions)
{
  g_return_val_if_fail (menu == NULL || G_IS_MENU_MODEL (menu), NULL);
  g_return_val_if_fail (actions == NULL || G_IS_ACTION_GROUP (actions), NULL);

  return g_object_new (RELINK_TYPE_DBUSMENU, "menu", menu, "actions", actions, NULL);
}

gboolean
relink_dbusmenu_export (RelinkDbusmenu *self,
                        GDBusConnection *connection,
                        const char *object_path,
                        GError **error)
{
  static const GDBusInterfaceVTable vtable = { menu_method_call, menu_get_property, NULL };

  g_return_val_if_fail (RELINK_IS_DBUSMENU (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);
  g_return_val_if_fail (g_variant_is_object_path (object_path), FALSE);
  g_return_val_if_fail (self->registration == 0, FALSE);

  self->registration = g_dbus_connection_register_object (
      connection, object_path, g_dbus_node_info_lookup_interface (introspection, MENU_INTERFACE),
      &vtable, self, NULL, error);
  if (self->registration == 0)
    return FALSE;

  self->connection = g_object_ref (connection);
  self->object_path = g_strdup (object_path);
  return TRUE;
}

void
relink_dbusmenu_unexport (RelinkDbusmenu *self)
{
  g_return_if_fail (RELINK_IS_DBUSMENU (self));

  if (self->registration != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration);
  self->registration = 0;
  g_clear_object (&self->connection);
  g_clear_pointer (&self->object_path, g_free);
}
