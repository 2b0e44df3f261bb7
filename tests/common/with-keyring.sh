#!/bin/sh
# Runs a test with a private Secret Service: a new D-Bus session bus (dbus-run-session) with an
# unlocked gnome-keyring-daemon whose keyrings live in a temporary directory, gone afterwards.
# The user's own keychain is never touched. RQ_KEYRING_EXPECTED=1 tells the test it must work.
set -eu
dir=$(mktemp -d "${TMPDIR:-/tmp}/rq-keyring.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
mkdir -p "$dir/data" "$dir/run"
chmod 700 "$dir/run"
export XDG_DATA_HOME="$dir/data" XDG_RUNTIME_DIR="$dir/run" RQ_KEYRING_EXPECTED=1
dbus-run-session -- sh -c '
    printf %s rq-test-keyring |
        gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
    keyring=$!
    # Wait (up to 10 s) until the Secret Service has its name on the bus.
    i=0
    while [ $i -lt 100 ] && ! dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
            org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
            grep -q "boolean true"; do
        sleep 0.1
        i=$((i + 1))
    done
    rc=0
    "$@" || rc=$?
    kill $keyring 2>/dev/null || true
    wait $keyring 2>/dev/null || true
    exit $rc' sh "$@"
