#!/bin/sh
# Runs inside a D-Bus session of its own (see /relinkctl/keyring-locked):
# a real gnome-keyring-daemon holding one Relink token item, locked, then
# `relinkctl token`. The test suite's own keyring stays unlocked for the
# tests running beside this one.
#
#   keyring-locked.sh RELINKCTL ACCOUNT_ID < TOKENS_JSON
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

relinkctl=$1
account=$2

eval "$(printf 'locked-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
  org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
  grep -q 'boolean true'; do
  i=$((i + 1))
  [ "$i" -lt 50 ] || { echo "keyring-locked.sh: the keyring daemon did not start" >&2; exit 99; }
  sleep 0.1
done

# The daemon does not end with the bus: it is ended with this script.
keyring_pid=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
  org.freedesktop.DBus.GetConnectionUnixProcessID string:org.freedesktop.secrets |
  sed -n 's/.*uint32 \([0-9]*\).*/\1/p')
trap 'kill "$keyring_pid" 2>/dev/null || true' EXIT

# The item exactly as Relink writes it (schema name + account), from stdin.
secret-tool store --label="Relink test tokens" xdg:schema io.github.relink.Relink.Tokens \
  account "$account"
gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \
  --method org.freedesktop.Secret.Service.Lock "['/org/freedesktop/secrets/collection/login']" \
  >/dev/null

# Nobody can answer the unlock prompt here: it is dismissed at once.
status=0
"$relinkctl" token "$account" </dev/null || status=$?
exit "$status"
