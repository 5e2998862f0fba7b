#!/usr/bin/python3
"""The desktop's side of the sandbox test: a notification server and a tray.

    tests/flatpak/desktop-stub.py LOG

Owns org.freedesktop.Notifications (where xdg-desktop-portal-gtk forwards
the Notification portal's notifications) and org.kde.StatusNotifierWatcher
(where a tray item registers), on the session bus, outside the sandbox.
Every event is one JSON line in LOG:

  {"event": "ready"}
  {"event": "notify", "app_name", "summary", "body", "actions", "sender"}
  {"event": "item-registered", "service", "sender", "properties": {...}}
    (the item's org.kde.StatusNotifierItem properties, read back from it
    over the bus as a tray host would, or "error")
  {"event": "item-listed", "service", "sender", "items"}
  {"event": "item-unlisted", "service", "sender", "items"}
    (the watcher's list changed: an item registered, or its connection
    closed, which is when a StatusNotifierWatcher forgets an item; "items"
    is how many the list holds now)

Every line has "t", CLOCK_MONOTONIC in milliseconds (the host's `date`
cannot read it: compare these with each other only).

Runs until SIGTERM. Needs python3-gi (Debian's /usr/bin/python3).
"""

import json
import signal
import sys
import time

from gi.repository import Gio, GLib

NOTIFICATIONS_XML = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
      <arg type="u" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
  </interface>
</node>
"""

WATCHER_XML = """
<node>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem"><arg type="s" direction="in"/></method>
    <method name="RegisterStatusNotifierHost"><arg type="s" direction="in"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
  </interface>
</node>
"""

log = open(sys.argv[1], "a", buffering=1, encoding="utf-8")
items = []
# sender -> (the NameOwnerChanged subscription, the items it registered)
owners = {}
next_id = [1]


def emit(event, **fields):
    fields["event"] = event
    fields["t"] = round(time.monotonic() * 1000, 1)
    log.write(json.dumps(fields, default=str) + "\n")


def plain(value):
    """A GVariant's Python value, made JSON-friendly."""
    return value.unpack() if isinstance(value, GLib.Variant) else value


def notifications_call(conn, sender, path, iface, method, params, invocation):
    if method == "Notify":
        app_name, replaces, icon, summary, body, actions, hints, timeout = params.unpack()
        nid = replaces or next_id[0]
        next_id[0] += 1
        emit("notify", app_name=app_name, summary=summary, body=body, actions=actions,
             sender=sender, desktop_entry=hints.get("desktop-entry"))
        invocation.return_value(GLib.Variant("(u)", (nid,)))
    elif method == "CloseNotification":
        invocation.return_value(None)
    elif method == "GetCapabilities":
        invocation.return_value(GLib.Variant("(as)", (["actions", "body"],)))
    elif method == "GetServerInformation":
        invocation.return_value(GLib.Variant("(ssss)", ("relink-desktop-stub", "relink", "1", "1.2")))


def read_item(conn, sender, service):
    """Reads the item's properties back, as a tray host does."""
    if service.startswith("/"):
        bus_name, path = sender, service
    else:
        bus_name, path = service, "/StatusNotifierItem"

    def done(source, result):
        try:
            reply = conn.call_finish(result)
            props = {k: plain(v) for k, v in reply.unpack()[0].items()
                     if k in ("Id", "Title", "Status", "Category", "IconName", "Menu")}
            emit("item-registered", service=service, sender=sender, properties=props)
        except GLib.Error as e:
            emit("item-registered", service=service, sender=sender, properties="error",
                 error=e.message)

    conn.call(bus_name, path, "org.freedesktop.DBus.Properties", "GetAll",
              GLib.Variant("(s)", ("org.kde.StatusNotifierItem",)), GLib.VariantType("(a{sv})"),
              Gio.DBusCallFlags.NONE, 5000, None, done)


def owner_changed(conn, _sender, _path, _iface, _signal, params):
    """Forgets the items of a connection that closed, as a watcher does."""
    name, _old, new = params.unpack()
    if new or name not in owners:
        return
    subscription, gone = owners.pop(name)
    conn.signal_unsubscribe(subscription)
    for full in gone:
        if full in items:
            items.remove(full)
            emit("item-unlisted", service=full, sender=name, items=len(items))
            conn.emit_signal(None, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher",
                             "StatusNotifierItemUnregistered", GLib.Variant("(s)", (full,)))


def watch_owner(conn, sender, full):
    if sender not in owners:
        subscription = conn.signal_subscribe(
            "org.freedesktop.DBus", "org.freedesktop.DBus", "NameOwnerChanged",
            "/org/freedesktop/DBus", sender, Gio.DBusSignalFlags.NONE, owner_changed)
        owners[sender] = (subscription, [])
        # Gone before the subscription was in place: the daemon knows.
        conn.call("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                  "NameHasOwner", GLib.Variant("(s)", (sender,)), GLib.VariantType("(b)"),
                  Gio.DBusCallFlags.NONE, 5000, None,
                  lambda c, r: None if c.call_finish(r).unpack()[0]
                  else owner_changed(c, None, None, None, None,
                                     GLib.Variant("(sss)", (sender, sender, ""))))
    owners[sender][1].append(full)


def watcher_call(conn, sender, path, iface, method, params, invocation):
    if method == "RegisterStatusNotifierItem":
        (service,) = params.unpack()
        full = service if not service.startswith("/") else sender + service
        if full not in items:
            items.append(full)
            watch_owner(conn, sender, full)
            emit("item-listed", service=full, sender=sender, items=len(items))
        invocation.return_value(None)
        conn.emit_signal(None, "/StatusNotifierWatcher", "org.kde.StatusNotifierWatcher",
                         "StatusNotifierItemRegistered", GLib.Variant("(s)", (full,)))
        read_item(conn, sender, service)
    elif method == "RegisterStatusNotifierHost":
        invocation.return_value(None)


def watcher_get(conn, sender, path, iface, prop):
    if prop == "RegisteredStatusNotifierItems":
        return GLib.Variant("as", items)
    if prop == "IsStatusNotifierHostRegistered":
        return GLib.Variant("b", True)
    if prop == "ProtocolVersion":
        return GLib.Variant("i", 0)
    return None


def main():
    loop = GLib.MainLoop()
    conn = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    notif = Gio.DBusNodeInfo.new_for_xml(NOTIFICATIONS_XML).interfaces[0]
    watcher = Gio.DBusNodeInfo.new_for_xml(WATCHER_XML).interfaces[0]
    conn.register_object("/org/freedesktop/Notifications", notif, notifications_call, None, None)
    conn.register_object("/StatusNotifierWatcher", watcher, watcher_call, watcher_get, None)
    pending = {"n": 2}

    def acquired(_conn, name):
        pending["n"] -= 1
        if pending["n"] == 0:
            emit("ready")

    def lost(_conn, name):
        emit("name-lost", name=name)
        loop.quit()

    for name in ("org.freedesktop.Notifications", "org.kde.StatusNotifierWatcher"):
        Gio.bus_own_name_on_connection(conn, name, Gio.BusNameOwnerFlags.NONE, acquired, lost)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    loop.run()


if __name__ == "__main__":
    main()
