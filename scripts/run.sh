#!/usr/bin/env bash
# Installs whatever is missing, builds (build/, RelWithDebInfo) and opens the console.
# Every argument goes to rqconsole, e.g.
#
#   scripts/run.sh
#   scripts/run.sh --url redis://127.0.0.1:6380 --pane list:jobs --pane pubsub:events
#
# With no reachable server the console starts a private sandbox redis-server itself.
# Without DISPLAY or WAYLAND_DISPLAY it runs under xvfb-run (a virtual X server).
# Environment: RQ_BUILD_DIR (default build), RQ_BUILD_TYPE, RQ_SKIP_INSTALL=1.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

rq_install_deps
BUILD_DIR=${RQ_BUILD_DIR:-build}
case "$BUILD_DIR" in
/*) ;;
*) BUILD_DIR="$RQ_ROOT/$BUILD_DIR" ;;
esac
rq_build "$BUILD_DIR" "${RQ_BUILD_TYPE:-RelWithDebInfo}"

app="$BUILD_DIR/app/rqconsole"
if [ ! -x "$app" ]; then
    rq_error "$app was not built"
    exit 1
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    rq_log "no DISPLAY or WAYLAND_DISPLAY: running under xvfb-run -a (virtual X server; the window is not visible on this terminal)"
    exec xvfb-run -a "$app" "$@"
fi
exec "$app" "$@"
