#!/usr/bin/env bash
# Installs whatever is missing, builds (build/, RelWithDebInfo) and runs every test with ctest.
# Exits non-zero when anything fails, and when ctest finds no test at all.
#
#   scripts/test.sh [ctest arguments…]      e.g. scripts/test.sh -R messagemodel
#
# Integration and UI tests start their own redis-server on free loopback ports, so no server
# needs to be running; the redis-server binary must be installed. UI tests run offscreen.
# Environment: RQ_BUILD_DIR (default build), RQ_TEST_JOBS (parallel tests, default 1: several
# tests measure stop latency and prefer a quiet machine), RQ_TEST_TIMEOUT (seconds a test,
# default 300, for tests that set none), RQ_SKIP_INSTALL=1.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

rq_install_deps
if ! command -v redis-server >/dev/null 2>&1; then
    rq_error "redis-server is not installed (Debian package redis-server); the tests start their own"
    exit 1
fi
rq_log "$(redis-server --version)"

BUILD_DIR=${RQ_BUILD_DIR:-build}
case "$BUILD_DIR" in
/*) ;;
*) BUILD_DIR="$RQ_ROOT/$BUILD_DIR" ;;
esac
rq_build "$BUILD_DIR" RelWithDebInfo

export QT_QPA_PLATFORM=offscreen
# Qt warns on every UI test without one; a private one also keeps tests off the user's session.
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
    XDG_RUNTIME_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rq-runtime.XXXXXX")
    chmod 700 "$XDG_RUNTIME_DIR"
    export XDG_RUNTIME_DIR
    trap 'rm -rf "$XDG_RUNTIME_DIR"' EXIT
fi

count=$(ctest --test-dir "$BUILD_DIR" -N | sed -n 's/^Total Tests: *//p')
if [ -z "$count" ] || [ "$count" -eq 0 ]; then
    rq_error "ctest found no tests in $BUILD_DIR: refusing to call that a pass"
    exit 1
fi
rq_log "running $count test(s)"

status=0
ctest --test-dir "$BUILD_DIR" --output-on-failure --no-tests=error \
    --timeout "${RQ_TEST_TIMEOUT:-300}" --parallel "${RQ_TEST_JOBS:-1}" "$@" || status=$?
if [ "$status" -ne 0 ]; then
    rq_error "tests failed (ctest exit status $status)"
    exit "$status"
fi
rq_log "all tests passed"
