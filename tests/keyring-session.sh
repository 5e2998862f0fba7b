#!/bin/sh
# Runs a test program on a D-Bus session of its own, beside a real Secret
# Service started for it alone:
#
#   keyring-session.sh gnome-keyring|keepassxc PROGRAM [ARGS…]
#
# gnome-keyring: gnome-keyring-daemon with an unlocked login keyring.
# keepassxc: KeePassXC (headless: Xvfb's display when there is one, else
# Qt's offscreen platform) with its Secret Service integration on and a
# throw-away database made by keepassxc-cli, unlocked with its password on
# standard input. The program learns which through RELINK_TEST_KEYRING
# (and, for KeePassXC, the database and its password, to unlock it again
# after a test locked it, and a second one to open: RELINK_TEST_KEEPASSXC_DB,
# _DB2, _PASSWORD).
#
# When the program fails, or the service ends before the program does,
# what shows why is kept in $RELINK_BUILDDIR/meson-logs/keyring-KIND.*
# (keep_evidence below); RELINK_TEST_KEEPASSXC_GDB=1 runs KeePassXC
# under gdb, for a backtrace of a crash.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

kind=$1
shift
here=$(cd "$(dirname "$0")" && pwd)

if [ -z "${RELINK_KEYRING_SESSION:-}" ]; then
  export RELINK_KEYRING_SESSION=1
  exec dbus-run-session --config-file="$here/../build-aux/session-bus.conf" -- \
    sh "$here/keyring-session.sh" "$kind" "$@"
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/relink-keyring.XXXXXX")
service_pid=
monitor_pid=
gdb=
status=
ended=
# Sets $ended to how the Secret Service ended when it ended on its own
# ("exit N" or "signal NAME"; its wait status, so not in a subshell).
service_end() {
  [ -n "$service_pid" ] || return 0
  state=$(sed -n 's/^[0-9]* (.*) \([A-Z]\) .*/\1/p' "/proc/$service_pid/stat" 2>/dev/null || true)
  [ -n "$state" ] && [ "$state" != Z ] && return 0
  if [ "$kind" != keepassxc ]; then
    # gnome-keyring-daemon forks away: not a child to wait for.
    ended="gone before the end of the test"
    service_pid=
    return 0
  fi
  code=0
  wait "$service_pid" || code=$?
  service_pid=
  if [ "$code" -gt 128 ]; then
    ended="signal $(kill -l "$((code - 128))" 2>/dev/null || echo "$((code - 128))")"
  else
    ended="exit $code"
  fi
  # Under gdb, which ends on its own after the backtrace.
  if [ -n "$gdb" ] && grep -q 'received signal' "$dir/keepassxc.log" 2>/dev/null; then
    ended="$(grep -m1 -o 'received signal [A-Z]*' "$dir/keepassxc.log") (under gdb)"
  fi
}
# After a failed test, or when the service ended before the test did:
# what it wrote (with gdb's backtrace when run under gdb), how it ended,
# the bus traffic, the X display's windows and a screenshot, kept in
# $RELINK_BUILDDIR/meson-logs (else beside the temporary directory) and
# summed up on standard error.
keep_evidence() {
  keep=$(mktemp -d "${RELINK_BUILDDIR:-${TMPDIR:-/tmp}}/meson-logs/keyring-$kind.XXXXXX" 2>/dev/null ||
    mktemp -d "${TMPDIR:-/tmp}/relink-keyring-evidence.XXXXXX")
  {
    echo "test: $* (exit ${status:-none})"
    echo "$kind: ${ended:-still running at the end of the test}"
    date -u '+%H:%M:%S'
  } >"$keep/summary"
  for f in "$dir"/*.log; do
    [ -e "$f" ] && cp "$f" "$keep/"
  done
  if [ -n "${DISPLAY:-}" ]; then
    xwininfo -root -tree >"$keep/windows.txt" 2>&1 || true
    import -window root "$keep/screen.png" 2>/dev/null || true
  fi
  echo "keyring-session.sh: $kind ${ended:-ran on}; evidence in $keep" >&2
  cat "$keep/summary" >&2
  [ -e "$keep/keepassxc.log" ] && sed 's/^/  keepassxc: /' "$keep/keepassxc.log" >&2
  true
}
cleanup() {
  service_end
  if [ -n "$ended" ] || [ "${status:-1}" -ne 0 ]; then
    keep_evidence "$@"
  fi
  if [ -n "$monitor_pid" ]; then
    kill "$monitor_pid" 2>/dev/null || true
    wait "$monitor_pid" 2>/dev/null || true
  fi
  if [ -n "$service_pid" ]; then
    # Under gdb: KeePassXC itself first (gdb killed would leave it on).
    if [ -n "$gdb" ]; then
      for child in $(ps -o pid= --ppid "$service_pid" 2>/dev/null); do
        kill "$child" 2>/dev/null || true
      done
    fi
    kill "$service_pid" 2>/dev/null || true
    # KeePassXC may hold on to save or ask: it gets 3 s.
    i=0
    while kill -0 "$service_pid" 2>/dev/null && [ "$i" -lt 30 ]; do
      i=$((i + 1))
      sleep 0.1
    done
    kill -KILL "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap 'cleanup "$@"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

owned() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
    org.freedesktop.DBus.NameHasOwner string:"$1" 2>/dev/null | grep -q 'boolean true'
}

# The default collection exists and is unlocked.
default_unlocked() {
  path=$(dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
    org.freedesktop.Secret.Service.ReadAlias string:default 2>/dev/null |
    sed -n 's/.*object path "\(.*\)".*/\1/p')
  [ -n "$path" ] && [ "$path" != / ] &&
    dbus-send --session --print-reply --dest=org.freedesktop.secrets "$path" \
      org.freedesktop.DBus.Properties.Get string:org.freedesktop.Secret.Collection \
      string:Locked 2>/dev/null | grep -q 'boolean false'
}

wait_for() {
  i=0
  until "$@"; do
    i=$((i + 1))
    [ "$i" -lt 300 ] || { echo "keyring-session.sh: $kind did not start ($*)" >&2; exit 99; }
    sleep 0.1
  done
}

case "$kind" in
  gnome-keyring)
    mkdir -m 700 "$dir/runtime" "$dir/home" "$dir/data"
    # Its own runtime dir, home and data dir: the keyring files and control
    # socket of no other session are touched. The daemon keeps its files in
    # $XDG_DATA_HOME/keyrings, not under $HOME: sharing build-aux/dev's, it
    # unlocked the suite's login.keyring (same password) and the two daemons
    # reloaded each other's writes, so that items of the tests running
    # beside this one vanished (found nothing, no error) for a moment.
    export XDG_RUNTIME_DIR="$dir/runtime" HOME="$dir/home" XDG_DATA_HOME="$dir/data"
    # Not with the tests' G_DEBUG=fatal-warnings: a warning of the daemon's
    # own would end it.
    eval "$(printf 'relink-test' | env -u G_DEBUG gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL
    # It does not end with the bus: it is ended with this script.
    wait_for owned org.freedesktop.secrets
    service_pid=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
      org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets |
      sed -n 's/.*uint32 \([0-9]*\).*/\1/p')
    ;;
  keepassxc)
    password=relink-keepassxc-test
    db=$dir/relink-test.kdbx
    mkdir -p "$dir/config/keepassxc" "$dir/cache" "$dir/data"
    # The Secret Service on, no confirmations (nobody answers them here),
    # one instance per test, no network. No save after every change:
    # KeePassXC 2.7.4 writes the database on a worker thread while its
    # main loop goes on answering D-Bus, and a Secret Service call that
    # changes an entry during that save crashed it (SIGSEGV in the KDBX
    # writer, QUuid::toRfc4122, seen under gdb). It saves when the
    # database is locked (AutoSaveOnExit) instead, with nobody calling.
    cat >"$dir/config/keepassxc/keepassxc.ini" <<'INI'
[General]
ConfigVersion=2
SingleInstance=false
AutoSaveAfterEveryChange=false
AutoSaveOnExit=true
RememberLastDatabases=false
OpenPreviousDatabasesOnStartup=false
UpdateCheckMessageShown=true

[GUI]
CheckForUpdates=false
ShowTrayIcon=false

[Security]
LockDatabaseScreenLock=false
LockDatabaseIdle=false

[FdoSecrets]
Enabled=true
ShowNotification=false
ConfirmDeleteItem=false
ConfirmAccessItem=false
INI
    # A new database exposes nothing on D-Bus until a group is chosen
    # (Database Settings > Secret Service Integration): keepassxc-cli has
    # no option for it, so the root group is chosen in an XML export.
    printf '%s\n%s\n' "$password" "$password" |
      keepassxc-cli db-create -q -p -t 100 "$dir/plain.kdbx" >/dev/null
    printf '%s\n' "$password" | keepassxc-cli export -q -f xml "$dir/plain.kdbx" >"$dir/plain.xml"
    python3 - "$dir/plain.xml" "$dir/exposed.xml" <<'PY'
import base64, sys, uuid
import xml.etree.ElementTree as ET
tree = ET.parse(sys.argv[1])
root = tree.getroot()
group = root.find("Root/Group")
group_uuid = uuid.UUID(bytes=base64.b64decode(group.find("UUID").text))
meta = root.find("Meta")
custom = meta.find("CustomData")
if custom is None:
    custom = ET.SubElement(meta, "CustomData")
item = ET.SubElement(custom, "Item")
ET.SubElement(item, "Key").text = "FDO_SECRETS_EXPOSED_GROUP"
ET.SubElement(item, "Value").text = "{%s}" % group_uuid
tree.write(sys.argv[2], encoding="utf-8", xml_declaration=True)
PY
    printf '%s\n%s\n' "$password" "$password" |
      keepassxc-cli import -q -p -t 100 "$dir/exposed.xml" "$db" >/dev/null
    # A second database, for a test that opens it (its collection then
    # becomes the default one, as the active tab's does).
    cp "$db" "$dir/relink-second.kdbx"
    [ -n "${DISPLAY:-}" ] || export QT_QPA_PLATFORM=offscreen
    # Every bus message, for the evidence of a failed run.
    dbus-monitor --session >"$dir/bus.log" 2>&1 &
    monitor_pid=$!
    # RELINK_TEST_KEEPASSXC_GDB=1: run it under gdb, whose backtrace of a
    # crash ends up in keepassxc.log (KeePassXC turns core dumps off).
    gdb=
    if [ "${RELINK_TEST_KEEPASSXC_GDB:-}" = 1 ] && command -v gdb >/dev/null; then
      gdb=1
    fi
    printf '%s\n' "$password" | (
      exec env -u G_DEBUG XDG_CONFIG_HOME="$dir/config" XDG_CACHE_HOME="$dir/cache" XDG_DATA_HOME="$dir/data" \
        QT_MESSAGE_PATTERN='%{time hh:mm:ss.zzz} %{type}: %{message}' \
        ${gdb:+gdb -q -batch -nx -ex 'handle SIGPIPE nostop noprint pass' -ex run -ex 'thread apply all bt 40' --args} \
        keepassxc --pw-stdin "$db" >"$dir/keepassxc.log" 2>&1
    ) &
    service_pid=$!
    export RELINK_TEST_KEEPASSXC_DB="$db" RELINK_TEST_KEEPASSXC_DB2="$dir/relink-second.kdbx"
    export RELINK_TEST_KEEPASSXC_PASSWORD="$password"
    ;;
  *)
    echo "keyring-session.sh: unknown keyring “$kind”" >&2
    exit 2
    ;;
esac

wait_for owned org.freedesktop.secrets
wait_for default_unlocked
export RELINK_TEST_KEYRING="$kind"
code=0
"$@" || code=$?
status=$code
exit "$code"
