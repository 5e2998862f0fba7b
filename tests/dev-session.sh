#!/bin/sh
# build-aux/dev session: the private session's folder (a keyring with a
# known password, the test stores) is gone however the command ends, and
# the sanitizers' settings reach the command.
#
#   dev-session.sh SOURCE_DIR
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -u

dev=$1/build-aux/dev
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dev-session-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "dev-session.sh: $*" >&2; exit 1; }
left_behind() { [ -n "$(ls -A "$tmp")" ]; }

# A command that fails: its exit status passes through, nothing is left.
TMPDIR=$tmp "$dev" session sh -c 'test -d "$HOME" && exit 7'
status=$?
[ "$status" -eq 7 ] || fail "a failing command gave exit status $status, not 7"
left_behind && fail "a failing command left $(ls "$tmp") behind"

# The sanitizers' settings pass through env -i.
TMPDIR=$tmp ASAN_OPTIONS=probe=a UBSAN_OPTIONS=probe=u LSAN_OPTIONS=probe=l "$dev" session \
  sh -c 'test "$ASAN_OPTIONS/$UBSAN_OPTIONS/$LSAN_OPTIONS" = probe=a/probe=u/probe=l' ||
  fail "ASAN_OPTIONS, UBSAN_OPTIONS or LSAN_OPTIONS did not reach the command"
left_behind && fail "a passing command left $(ls "$tmp") behind"

# A test's own keyring (tests/keyring-session.sh, test-secrets) keeps its
# files apart: sharing the session's login.keyring, each daemon reloaded
# the other's writes and the items of the tests beside it vanished.
TMPDIR=$tmp "$dev" session sh -c '
  printf suite | secret-tool store --label=suite relink-probe suite || exit 1
  before=$(cksum "$XDG_DATA_HOME/keyrings/login.keyring")
  sleep 1.1
  sh "$1/tests/keyring-session.sh" gnome-keyring sh -c "
    secret-tool search relink-probe suite 2>&1 | grep -q label && exit 2
    printf own | secret-tool store --label=own relink-probe own" || exit $?
  sleep 1.1
  secret-tool search relink-probe own 2>&1 | grep -q label && exit 3
  secret-tool lookup relink-probe suite | grep -qx suite || exit 4
  [ "$(cksum "$XDG_DATA_HOME/keyrings/login.keyring")" = "$before" ] || exit 5
' sh "$1"
status=$?
[ "$status" -eq 0 ] || fail "a test's own keyring shares the session's keyring files ($status)"
left_behind && fail "the keyring check left $(ls "$tmp") behind"

# SIGTERM while the command runs: it ends at once, nothing is left.
TMPDIR=$tmp "$dev" session sleep 60 &
pid=$!
i=0
until [ -d "$tmp"/relink-session.*/home ] 2>/dev/null; do
  i=$((i + 1))
  [ "$i" -lt 100 ] || fail "the session did not start"
  sleep 0.1
done
sleep 1
start=$(date +%s)
kill -TERM "$pid"
wait "$pid"
[ $(($(date +%s) - start)) -lt 20 ] || fail "SIGTERM took more than 20 s to end the session"
left_behind && fail "SIGTERM left $(ls "$tmp") behind"
exit 0
