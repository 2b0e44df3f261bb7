#!/usr/bin/env bash
# Soak: every consumer mode at a moderate rate against a redis-server that is killed and
# restarted, paused and CLIENT-KILLed at random, for N minutes.
#
#   scripts/soak.sh [--minutes N] [--seed S] [--rate MSG_PER_S]
#
# Builds (scripts/common.sh rq_build, build dir "build" or RQ_BUILD_DIR) when needed, then runs
# tests/soak/SoakDriver.cpp (build/tests/soak/rq_soak): the console's core consumers (list,
# reliable, stream group, stream tail, pub/sub) and a publisher per target, each on its own
# connection, against its own redis-server (127.0.0.1, a free port, a temporary directory,
# appendonly yes and appendfsync always, so that an answered write survives a SIGKILL). A chaos
# loop seeded with S (default: random, printed) kills redis-server with SIGKILL and restarts it
# on the same port and directory, sends CLIENT PAUSE for 1-4 s, CLIENT KILL TYPE normal/pubsub
# and kills single console connections, every 4-12 s. Defaults: 10 minutes, 200 msg/s per
# producer (4 producers). At the end it prints the driver's RSS after warm-up and at the end,
# the ledgers per mode and the reconnect times, and exits non-zero on a loss or duplicate ack in
# the precise modes (reliable, stream), anything left pending on the server, a failed consumer,
# a crash of the driver, or RSS growth over 20 %.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/common.sh
. "$ROOT/scripts/common.sh"

MINUTES=10
SEED=$(( (RANDOM << 15) | RANDOM ))
RATE=200
while [[ $# -gt 0 ]]; do
    case "$1" in
    --minutes) MINUTES=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
SECONDS_TO_RUN=$(awk -v m="$MINUTES" 'BEGIN { printf "%d", m * 60 }')

rq_install_deps
BUILD=${RQ_BUILD_DIR:-build}
[[ $BUILD == /* ]] || BUILD=$ROOT/$BUILD
if [[ ! -f $BUILD/CMakeCache.txt ]]; then
    rq_build "$BUILD"
else
    rq_log "building rq_soak in $BUILD"
    cmake --build "$BUILD" --target rq_soak --parallel "$(nproc 2> /dev/null || echo 2)"
fi
DRIVER=$BUILD/tests/soak/rq_soak

# A free loopback port (never 6379): ask the kernel for one.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DIR=$(mktemp -d "${TMPDIR:-/tmp}/rq-soak.XXXXXX")
cleanup()
{
    # The driver kills its redis-server at the end; after a crash of the driver it is still up.
    if [[ -f $DIR/redis.pid ]]; then
        local pid
        pid=$(cat "$DIR/redis.pid" 2> /dev/null || true)
        [[ -n $pid ]] && kill -KILL "$pid" 2> /dev/null || true
    fi
    rm -rf "$DIR"
}
trap cleanup EXIT

rq_log "soak: $MINUTES min, seed $SEED, $RATE msg/s per producer, redis-server on 127.0.0.1:$PORT in $DIR"
set +e
"$DRIVER" --seconds "$SECONDS_TO_RUN" --seed "$SEED" --rate "$RATE" --port "$PORT" --dir "$DIR" \
    --redis-server "$(command -v redis-server)"
STATUS=$?
set -e
if [[ $STATUS -gt 2 ]]; then
    echo "soak: FAIL: the driver ended with status $STATUS (a crash: signal $((STATUS - 128)) if > 128)"
    tail -n 20 "$DIR/redis.log" 2> /dev/null || true
    exit 1
fi
exit "$STATUS"
