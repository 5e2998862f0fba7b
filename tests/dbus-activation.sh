#!/bin/sh
# D-Bus activation as a host script meets it: nothing of Relink runs, a
# `gdbus call` to io.github.relink.Relink starts it through the installed
# kind of D-Bus service file (here pointing at the build tree), and the
# answer comes from the window-less relink-background. Runs on a session
# bus of its own, whose only service directory is this test's, with a
# real gnome-keyring-daemon on it.
#
#   dbus-activation.sh SRCDIR BUILDDIR
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

srcdir=$1
builddir=$2

if [ -z "${RELINK_ACTIVATION_INNER:-}" ]; then
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/relink-activation.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT INT TERM
  mkdir -p "$tmp/services" "$tmp/data/relink" "$tmp/config" "$tmp/runtime"
  chmod 700 "$tmp/runtime"
  sed "s|@libexecdir@|$builddir/src|" "$srcdir/data/io.github.relink.Relink.service.in" \
    >"$tmp/services/io.github.relink.Relink.service"
  cat >"$tmp/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=$tmp</listen>
  <auth>EXTERNAL</auth>
  <servicedir>$tmp/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
  "$builddir/tests/relink-fixture" --store "$tmp/data/relink/relink.db" --accounts 8
  # What activated programs inherit: the bus daemon's environment.
  XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config XDG_RUNTIME_DIR=$tmp/runtime \
    RELINK_ACTIVATION_INNER=1 \
    dbus-run-session --config-file="$tmp/bus.conf" -- "$0" "$@"
  exit $?
fi

fail() {
  echo "not ok - $*"
  exit 1
}

eval "$(printf 'activation-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
i=0
until gdbus call --session --dest org.freedesktop.DBus --object-path / \
  --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets 2>/dev/null | grep -q true; do
  i=$((i + 1))
  [ "$i" -lt 50 ] || fail "the keyring daemon did not start"
  sleep 0.1
done

echo "1..6"
gdbus call --session --dest org.freedesktop.DBus --object-path / \
  --method org.freedesktop.DBus.NameHasOwner io.github.relink.Relink | grep -q false ||
  fail "Relink runs before the call"

# "Main eBay shop" (account-0): a token that is valid for hours, so no
# marketplace is asked.
now=$(date +%s)
printf '{"format_version":1,"access_token":"v^1.1#activation-access","refresh_token":"v^1.1#activation-refresh","token_type":"User Access Token","issued_at":%s,"access_expires_at":%s,"refresh_expires_at":%s}' \
  "$now" $((now + 7000)) $((now + 400 * 86400)) |
  secret-tool store --label="Relink test tokens" xdg:schema io.github.relink.Relink.Tokens \
    account account-0

list=$(timeout 60 gdbus call --session --timeout 50 --dest io.github.relink.Relink \
  --object-path /io/github/relink/Relink --method io.github.relink.Relink.Accounts.ListAccounts) ||
  fail "ListAccounts did not start Relink"
case $list in
  *'\"format_version\": 1'* | *'"format_version":1'* | *'\"format_version\":1'*) ;;
  *) fail "ListAccounts: no format_version 1 in $list" ;;
esac
case $list in
  *"Main eBay shop"*"Loja BR"*) echo "ok 1 - ListAccounts started Relink and listed the accounts" ;;
  *) fail "ListAccounts: accounts missing in $list" ;;
esac
case $list in
  *activation-access* | *activation-refresh*) fail "ListAccounts shows a token" ;;
esac

pid=$(gdbus call --session --dest org.freedesktop.DBus --object-path / \
  --method org.freedesktop.DBus.GetConnectionUnixProcessID io.github.relink.Relink |
  sed 's/.*uint32 \([0-9]*\).*/\1/')
exe=$(readlink "/proc/$pid/exe")
[ "$(basename "$exe")" = relink-background ] ||
  fail "the activated program is $exe, not relink-background"
echo "ok 2 - the activated program is the window-less relink-background"

token=$(gdbus call --session --dest io.github.relink.Relink --object-path /io/github/relink/Relink \
  --method io.github.relink.Relink.Accounts.GetAccessToken "Main eBay shop") ||
  fail "GetAccessToken failed"
case $token in
  *"v^1.1#activation-access"*) echo "ok 3 - GetAccessToken answers with the keyring's token" ;;
  *) fail "GetAccessToken: $token" ;;
esac

if error=$(gdbus call --session --dest io.github.relink.Relink --object-path /io/github/relink/Relink \
  --method io.github.relink.Relink.Accounts.GetAccessToken "No such shop" 2>&1); then
  fail "GetAccessToken for a missing account succeeded: $error"
fi
case $error in
  *io.github.relink.Relink.Error.NoSuchAccount*"No such shop"*) ;;
  *) fail "GetAccessToken for a missing account: $error" ;;
esac
echo "ok 4 - a missing account is io.github.relink.Relink.Error.NoSuchAccount"

# A launcher with DBusActivatable=true sends Activate: the window comes,
# in the same process (relink-background execs relink).
gdbus call --session --dest io.github.relink.Relink --object-path /io/github/relink/Relink \
  --method org.freedesktop.Application.Activate '{}' >/dev/null || fail "Activate failed"
i=0
until [ "$(basename "$(readlink "/proc/$pid/exe")")" = relink ]; do
  i=$((i + 1))
  [ "$i" -lt 300 ] || fail "Activate did not open the window in the same process"
  sleep 0.1
done
echo "ok 5 - Activate from a launcher opens the window in the same process"

# The window owns the name again (the exec leaves it unowned a moment).
i=0
until gdbus call --session --dest org.freedesktop.DBus --object-path / \
  --method org.freedesktop.DBus.GetConnectionUnixProcessID io.github.relink.Relink 2>/dev/null |
  grep -q "uint32 $pid,"; do
  i=$((i + 1))
  [ "$i" -lt 300 ] || fail "the window did not take the name"
  sleep 0.1
done

# The window offers the same API.
list=$(timeout 60 gdbus call --session --timeout 50 --dest io.github.relink.Relink \
  --object-path /io/github/relink/Relink --method io.github.relink.Relink.Accounts.ListAccounts) ||
  fail "ListAccounts on the window failed"
case $list in
  *"Main eBay shop"*) echo "ok 6 - the window answers the API too" ;;
  *) fail "ListAccounts on the window: $list" ;;
esac

gdbus call --session --dest io.github.relink.Relink --object-path /io/github/relink/Relink \
  --method org.gtk.Actions.Activate quit '[]' '{}' >/dev/null 2>&1 || true
i=0
while kill -0 "$pid" 2>/dev/null; do
  i=$((i + 1))
  [ "$i" -lt 100 ] || { kill "$pid"; fail "Relink did not quit"; }
  sleep 0.1
done
