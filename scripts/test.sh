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
# default 300, for tests that set none), RQ_SKIP_INSTALL=1, RQ_TEST_DEADLINE (seconds since the
# epoch: build and test only until then, one test at a time, and say what was left out; see
# scripts/test-deadline.sh — CI's sanitizer pass uses it).
#
# Sanitizers: RQ_SANITIZE=address,undefined builds with ASan + UBSan (+ LSan) in build-asan and
# runs every test; RQ_SANITIZE=thread builds with TSan in build-tsan and runs the core tests
# (ctest -L core). Any finding fails its test (halt_on_error, -fno-sanitize-recover). The only
# suppressions are in tests/sanitizers/*.supp, each with why it is Qt's and not ours. Timeouts that
# tests wait for are scaled by RQ_TIME_SCALE (default 3 for ASan/UBSan, 5 for TSan), and QtTest's
# per-function watchdog (QTEST_FUNCTION_TIMEOUT) is raised from 300 s to 840 s for ASan/UBSan.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

rq_install_deps
if ! command -v redis-server >/dev/null 2>&1; then
    rq_error "redis-server is not installed (Debian package redis-server); the tests start their own"
    exit 1
fi
rq_log "$(redis-server --version)"

SANITIZE=${RQ_SANITIZE:-}
SUPP="$RQ_ROOT/tests/sanitizers"
select=()
case "$SANITIZE" in
"")
    default_dir=build
    ;;
address | undefined | address,undefined | undefined,address)
    case "$SANITIZE" in
    *address*) default_dir=build-asan ;;
    *) default_dir=build-ubsan ;;
    esac
    export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:check_initialization_order=1:strict_init_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
    export LSAN_OPTIONS="suppressions=$SUPP/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
    export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
    export RQ_TIME_SCALE=${RQ_TIME_SCALE:-3}
    # QtTest's watchdog aborts one test function after 300 s; ctest allows a sanitizer test 900 s.
    # Let QtTest fire first (it names the function) but not before ctest would have.
    export QTEST_FUNCTION_TIMEOUT=${QTEST_FUNCTION_TIMEOUT:-840000}
    ;;
thread)
    default_dir=build-tsan
    # die_after_fork=0: QProcess (starting redis-server and helpers) forks from a threaded test.
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:die_after_fork=0:suppressions=$SUPP/tsan.supp${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
    export RQ_TIME_SCALE=${RQ_TIME_SCALE:-5}
    select=(-L core)
    # Only what the core tests need: their executables and the helper processes they start.
    core_tests=$(cd "$RQ_ROOT/tests/core" && for f in tst_*.cpp; do printf '%s ' "${f%.cpp}"; done)
    export RQ_BUILD_TARGETS="${RQ_BUILD_TARGETS:-$core_tests rq_consume_helper rq_worker_helper sandbox_child}"
    ;;
*)
    rq_error "RQ_SANITIZE=$SANITIZE: use address,undefined or thread"
    exit 1
    ;;
esac

BUILD_DIR=${RQ_BUILD_DIR:-$default_dir}
case "$BUILD_DIR" in
/*) ;;
*) BUILD_DIR="$RQ_ROOT/$BUILD_DIR" ;;
esac
if [ -n "$SANITIZE" ]; then
    rq_log "sanitizers: $SANITIZE (RQ_TIME_SCALE=$RQ_TIME_SCALE)"
fi

export QT_QPA_PLATFORM=offscreen
# Qt warns on every UI test without one; a private one also keeps tests off the user's session.
if [ -z "${XDG_RUNTIME_DIR:-}" ]; then
    XDG_RUNTIME_DIR=$(mktemp -d "${TMPDIR:-/tmp}/rq-runtime.XXXXXX")
    chmod 700 "$XDG_RUNTIME_DIR"
    export XDG_RUNTIME_DIR
    trap 'rm -rf "$XDG_RUNTIME_DIR"' EXIT
fi

if [ -n "${RQ_TEST_DEADLINE:-}" ]; then
    # shellcheck source-path=SCRIPTDIR source=test-deadline.sh
    . "$RQ_ROOT/scripts/test-deadline.sh"
    rq_test_by_deadline
    exit $?
fi

build_start=$SECONDS
rq_build "$BUILD_DIR" RelWithDebInfo -DRQ_SANITIZE="$SANITIZE"
rq_log "build: $((SECONDS - build_start))s"

count=$(ctest --test-dir "$BUILD_DIR" -N "${select[@]}" | sed -n 's/^Total Tests: *//p')
if [ -z "$count" ] || [ "$count" -eq 0 ]; then
    rq_error "ctest found no tests in $BUILD_DIR: refusing to call that a pass"
    exit 1
fi
rq_log "running $count test(s)"

status=0
tests_start=$SECONDS
ctest --test-dir "$BUILD_DIR" --output-on-failure --no-tests=error \
    --timeout "${RQ_TEST_TIMEOUT:-300}" --parallel "${RQ_TEST_JOBS:-1}" "${select[@]}" "$@" ||
    status=$?
rq_log "tests: $((SECONDS - tests_start))s"
if [ "$status" -ne 0 ]; then
    rq_error "tests failed (ctest exit status $status)"
    exit "$status"
fi
rq_log "all tests passed"
