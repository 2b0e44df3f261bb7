#!/usr/bin/env bash
# Benchmarks of issue 4: every scenario of rqc-bench and its reference (redis-benchmark -P 128 -c 1
# for the same command, a redis-py BRPOP loop for draining) in one run, against a private
# redis-server on a free loopback port. Prints a table and writes build/bench/results.json.
#
#   scripts/bench.sh [--quick] [--messages N] [--repeat K] [--only a,b,...] [--no-build]
#                    [--build-dir DIR]
#
# --quick uses N = 100 000 (default 1 000 000) messages of 64 bytes. Each scenario and each
# redis-benchmark reference runs K times (default 3) and the best rate counts; lost/duplicated,
# stalls and RSS are the worst of the K runs. The latency run (time-based: 1 000 msgs/s) and the
# redis-py reference (slow by nature) run once. Exit status: 0 when every count is right (nothing
# lost, nothing duplicated, no subscriber dropped), 2 otherwise, 1 when something could not run.
# A missed performance target is reported (MISS) but is not a failure.
#
# What each scenario measures (details in tests/bench/*.cpp):
#   publish-list/-pubsub  the product's Publisher, one burst of N (send() to sent()). publish-pubsub
#                         has no subscriber, like its reference; pubsub-receive loads a subscriber.
#   publish-template      issue 11: load mode, LPUSH "{{seq}} {{uuid}} xxx…" (~SIZE bytes, expanded
#                         per message) N times as fast as possible, against publish-list of the same
#                         run (target >= 0.8x; publish-list is run first if not asked for); then paced
#                         runs of 2 s at 1 000, 10 000 and 50 000 msgs/s: achieved vs requested (5 %).
#   drain-*               N pre-filled messages, Consumer start -> N-th message on the main thread;
#                         payloads carry sequence numbers, so lost and duplicated are counted.
#   pubsub-receive        a pipelined in-process publisher at full speed; a drop by the server's
#                         output-buffer limit is seen as a changed connection id / connectionLost.
#   window-flood          the real MainWindow (offscreen), one list pane opened on N pre-filled
#                         messages; a 5 ms timer measures its own lateness; VmHWM for peak RSS.
#   latency               LPUSH one message per send() at 1 000/s -> rowsInserted of the pane's
#                         MessageModel (3 000 messages with --quick, 10 000 otherwise).
#   idle-cost-1m/-5m      issue 10: server CPU of an idle console (ServerMonitor + one blocked List
#                         pane, driven directly, no window) over a window of 60 s (--quick: 15 s)
#                         on 1M / 5M keys (--quick: 1M only; DEBUG POPULATE on the scenario's own server, started
#                         with --enable-debug-command yes) + 50 lists + 5 streams, against the same
#                         server without it in the same run (measured after the console stopped); PING p99 (redis-benchmark -t ping -c 1,
#                         best of 3 runs) with and without; first discovery's CPU share and duration. Runs once.
#   idle-cost-cluster     issue 8: the same on a three-master Redis Cluster (own nodes, started with
#                         --enable-debug-command), 1M keys per master (DEBUG POPULATE in a slot the
#                         master serves) + 50 lists + 5 streams; the console given node 0: each
#                         master's server CPU over the window with and without it (measured after),
#                         and the time until every master's first walk is complete. Runs once.
#   idle-pubsub           issue 9: an idle console with 10 pub/sub panes (Consumers, no window), each
#                         with its subscribed connection (idle PING) and its output-buffer watch
#                         (CLIENT LIST ID once a second, CONFIG GET once a minute): server CPU and
#                         commands/s (each command's calls/s) over a window of 60 s (--quick: 15 s),
#                         against the same server without it, measured after. Own server. Once.
#   discovery             issue 10: 5M keys (--quick: 1M) + 50 lists + 5 streams: time until every one
#                         is in a snapshot; then 20 000 lists, all rows of the sidebar's tree.
#   charts                issue 11: server CPU (INFO cpu) of a ChartSampler watching 50 series (45
#                         lists, 5 stream groups) on its own server, beside the idle console's and
#                         the server alone, three windows of 60 s (--quick: 15 s) in one run. Once.
#   peek-10m              a list of 10 000 000 short elements (always, whatever N), then a peek
#                         pane in the window: pane opened -> first rows, and the RSS over the idle
#                         console (peak VmHWM minus VmRSS before the pane); the list must be
#                         unchanged. Runs once.
#   observe               N pipelined LPUSH on an observed key: the MONITOR commands/s an observe
#                         worker keeps up with (flood start -> end marker seen), beside
#                         `redis-cli monitor | grep -m1 marker` on the same flood in the same run;
#                         with the observer's drops.
#   panes-30              30 list panes in the window at 1366x768: connections (CLIENT LIST by
#                         name), threads (by name), RSS, the window's minimum size, and how many
#                         panes can be scrolled to and shown >= 250 px wide. Runs once.
#   filter-flood          a pane draining 1 000 000 pre-filled messages (always, whatever N);
#                         10 keystrokes posted to its filter box during the drain: key -> box
#                         painted (max), key -> view painted; VmRSS during (max) and after. Once.
#                         Both print the issue's before figures beside their own.
#   decoders              issue 11: window-flood twice, the pane with decoder=text and with
#                         decoder=auto (drain rate, longest stall), and a filter scanning 100 000
#                         rows (the bench's text payloads, then MessagePack ones) with Text and
#                         Auto: both figures side by side, from the same run; then the next
#                         keystroke over the same rows (_again), and the longest filter step.
#                         Once.
# Each result carries the CPU time of the server (INFO cpu) and of each client thread in the timed
# phase, so a figure taken on a loaded machine can still be explained.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR="$ROOT/build-bench"
OUT_DIR="$ROOT/build/bench"
N=1000000
SIZE=64
REPEAT=3
QUICK=0
BUILD=1
ONLY=""
ALL="publish-list publish-pubsub publish-template drain-list pubsub-receive drain-reliable drain-stream window-flood latency peek-10m panes-30 filter-flood decoders observe idle-cost idle-cost-cluster idle-pubsub discovery charts"

while [ $# -gt 0 ]; do
    case "$1" in
    --quick) QUICK=1; N=100000 ;;
    --messages) N="$2"; shift ;;
    --only) ONLY="$2"; shift ;;
    --repeat) REPEAT="$2"; shift ;;
    --no-build) BUILD=0 ;;
    --build-dir) BUILD_DIR="$2"; shift ;;
    -h | --help) sed -n '2,74p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 1 ;;
    esac
    shift
done
SCENARIOS=${ONLY//,/ }
SCENARIOS=${SCENARIOS:-$ALL}
# publish-template is measured against publish-list of the same run.
case " $SCENARIOS " in
*" publish-template "*) case " $SCENARIOS " in *" publish-list "*) ;; *) SCENARIOS="publish-list $SCENARIOS" ;; esac ;;
esac
# idle-cost runs on two keyspaces (--quick: 1M only, 15 s windows; discovery on 1M keys).
if [ "$QUICK" = 1 ]; then
    SCENARIOS=$(echo " $SCENARIOS " | sed 's/ idle-cost / idle-cost-1m /; s/^ //; s/ $//')
    IDLE_WINDOW=15
    DISCOVERY_KEYS=1000000
else
    SCENARIOS=$(echo " $SCENARIOS " | sed 's/ idle-cost / idle-cost-1m idle-cost-5m /; s/^ //; s/ $//')
    IDLE_WINDOW=60
    DISCOVERY_KEYS=5000000
fi
# The latency run offers 1 000 msgs/s one at a time: its length is set by time, not by N.
if [ "$QUICK" = 1 ]; then LAT_N=3000; else LAT_N=10000; fi

log() { printf '%s\n' "$*" >&2; }

# --- dependencies -------------------------------------------------------------------------------
if [ -f "$ROOT/scripts/common.sh" ]; then
    # shellcheck source=/dev/null
    . "$ROOT/scripts/common.sh"
    if declare -F rq_install_deps >/dev/null; then rq_install_deps; fi
fi
missing=()
for cmd in cmake ninja redis-server redis-cli redis-benchmark python3; do
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
/usr/bin/python3 -c 'import redis' 2>/dev/null || missing+=("python3-redis")
if [ ${#missing[@]} -gt 0 ]; then
    log "bench.sh: missing ${missing[*]}; installing the Debian packages"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmake ninja-build redis-server \
            redis-tools python3 python3-redis >&2
    else
        log "bench.sh: please install: cmake ninja-build redis-server redis-tools python3-redis"
        exit 1
    fi
fi

# --- build (Release) ----------------------------------------------------------------------------
BENCH="$BUILD_DIR/tests/bench/rqc-bench"
if [ "$BUILD" = 1 ]; then
    export CCACHE_BASEDIR="$ROOT"
    log "bench.sh: building rqc-bench (Release) in $BUILD_DIR"
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD_DIR" --target rqc-bench -j "$(nproc)" >&2
fi
[ -x "$BENCH" ] || { log "bench.sh: $BENCH not built"; exit 1; }

# --- a private redis-server ---------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/rqbench.XXXXXX")
REDIS_PID=""
cleanup() {
    if [ -n "$REDIS_PID" ]; then
        kill "$REDIS_PID" 2>/dev/null || true
        wait "$REDIS_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
    --logfile "$WORK/redis.log" --daemonize no &
REDIS_PID=$!
for _ in $(seq 100); do
    redis-cli -p "$PORT" ping >/dev/null 2>&1 && break
    sleep 0.05
done
redis-cli -p "$PORT" ping >/dev/null || { log "bench.sh: redis-server did not start"; cat "$WORK/redis.log" >&2; exit 1; }
URL="redis://127.0.0.1:$PORT"
RCLI=(redis-cli -p "$PORT")
log "bench.sh: redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') on $URL, N=$N, load: $(cut -d' ' -f1-3 /proc/loadavg)"

PAYLOAD=$(head -c "$SIZE" /dev/zero | tr '\0' 'x')
RB=(redis-benchmark -p "$PORT" -P 128 -c 1 -n "$N" -d "$SIZE" --csv)

# redis-benchmark --csv prints "test","rps",...; the rps of the last data line.
rb_rate() { awk -F'","' 'NR > 1 { r = $2 } END { gsub(/"/, "", r); print r + 0 }'; }

ref_lpush() { "${RB[@]}" -t lpush | rb_rate; "${RCLI[@]}" del mylist >/dev/null; }
ref_rpop() {
    # RPOP on a list holding N entries (LPUSH first, untimed here), as the drain scenarios do.
    "${RB[@]}" -t lpush >/dev/null
    "${RB[@]}" -t rpop | rb_rate
    "${RCLI[@]}" del mylist >/dev/null
}
ref_publish() { "${RB[@]}" PUBLISH bench:ref-channel "$PAYLOAD" | rb_rate; }
ref_xadd() { "${RB[@]}" XADD bench:ref-stream '*' message "$PAYLOAD" | rb_rate; "${RCLI[@]}" del bench:ref-stream >/dev/null; }
# Runs a reference K times, one rate per line (the best is taken).
ref_best() {
    local i
    for i in $(seq "$REPEAT"); do "ref_$1" || true; done >"$WORK/ref-$1"
}
ref_redis_py() {
    "$BENCH" --url "$URL" --scenario fill-list --key bench:redis-py --messages "$N" --size "$SIZE" >/dev/null
    /usr/bin/python3 "$ROOT/tests/bench/redis_py_consumer.py" --port "$PORT" --key bench:redis-py --count "$N"
}

# --- scenarios ----------------------------------------------------------------------------------
mkdir -p "$OUT_DIR"
declare -A REF
STATUS=0
START=$(date +%s)
for s in $SCENARIOS; do
    log "bench.sh: $s …"
    args=(--url "$URL" --scenario "$s" --messages "$N" --size "$SIZE")
    [ "$s" = latency ] && args+=(--latency-messages "$LAT_N")
    [ "$s" = peek-10m ] && args=(--url "$URL" --scenario "$s" --messages 10000000)
    # Issue 10's scenarios start their own server (DEBUG POPULATE needs --enable-debug-command).
    [ "$s" = idle-cost-1m ] && args=(--scenario idle-cost --messages 1000000 --window "$IDLE_WINDOW")
    [ "$s" = idle-cost-5m ] && args=(--scenario idle-cost --messages 5000000 --window "$IDLE_WINDOW")
    [ "$s" = idle-cost-cluster ] && args=(--scenario idle-cost-cluster --messages 1000000 --window "$IDLE_WINDOW")
    [ "$s" = discovery ] && args=(--scenario discovery --messages "$DISCOVERY_KEYS")
    [ "$s" = idle-pubsub ] && args=(--scenario idle-pubsub --messages 10 --window "$IDLE_WINDOW")
    [ "$s" = charts ] && args=(--scenario charts --window "$IDLE_WINDOW")
    runs=$REPEAT
    [ "$s" = latency ] && runs=1
    [ "$s" = peek-10m ] && runs=1
    [ "$s" = filter-flood ] && args=(--url "$URL" --scenario "$s" --messages 1000000 --size "$SIZE")
    case "$s" in panes-30 | filter-flood | decoders) runs=1 ;; esac
    case "$s" in latency | peek-10m | idle-cost-* | idle-pubsub | discovery | charts) runs=1 ;; esac
    worst=0
    : >"$WORK/$s.json"
    for _ in $(seq "$runs"); do
        rc=0
        "$BENCH" "${args[@]}" >>"$WORK/$s.json" 2>>"$WORK/$s.err" || rc=$?
        [ "$rc" -gt "$worst" ] && worst=$rc
    done
    echo "$worst" >"$WORK/$s.rc"
    if [ "$worst" != 0 ]; then
        log "bench.sh: $s exited $worst"
        grep -v propagateSizeHints "$WORK/$s.err" | sed 's/^/    /' | tail -5 >&2
    fi
    # Each reference once per bench run, next to the first scenario that needs it.
    case "$s" in
    publish-list) [ -n "${REF[lpush]:-}" ] || { ref_best lpush; REF[lpush]=1; } ;;
    publish-pubsub | pubsub-receive) [ -n "${REF[publish]:-}" ] || { ref_best publish; REF[publish]=1; } ;;
    drain-list)
        [ -n "${REF[rpop]:-}" ] || { ref_best rpop; REF[rpop]=1; }
        ref_redis_py >"$WORK/redis-py.json" 2>"$WORK/redis-py.err" || log "bench.sh: redis-py reference failed: $(tail -2 "$WORK/redis-py.err")"
        ;;
    drain-reliable) [ -n "${REF[rpop]:-}" ] || { ref_best rpop; REF[rpop]=1; } ;;
    drain-stream) [ -n "${REF[xadd]:-}" ] || { ref_best xadd; REF[xadd]=1; } ;;
    esac
done
ELAPSED=$(($(date +%s) - START))

REDIS_VERSION=$("${RCLI[@]}" info server | sed -n 's/^redis_version:\([^\r]*\).*/\1/p')
QT_VERSION=$("$BENCH" --qt-version 2>/dev/null || echo unknown)

# --- table and results.json ---------------------------------------------------------------------
python3 - "$WORK" "$OUT_DIR/results.json" "$N" "$REDIS_VERSION" "$QT_VERSION" "$ELAPSED" \
    "$SCENARIOS" "$REPEAT" <<'PY' || STATUS=$?
import json, os, platform, sys

work, out_path, n, redis_version, qt_version, elapsed, scenarios, repeat = sys.argv[1:9]
n = int(n)

def read_json(name):
    """The run with the best rate; counts, stalls and RSS are the worst over all runs."""
    runs = []
    try:
        with open(os.path.join(work, name)) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    try:
                        runs.append(json.loads(line))
                    except ValueError:
                        pass
    except OSError:
        return None
    if not runs:
        return None
    best = dict(max(runs, key=lambda r: r.get("rate") or 0))
    for k in ("lost", "duplicated", "max_stall_ms", "peak_rss_mb", "max_output_buffer_mb"):
        vals = [r[k] for r in runs if r.get(k) is not None]
        if vals:
            best[k] = max(vals)
    for r in runs:
        if r.get("error") and not best.get("error"):
            best["error"] = r["error"]
    best["runs"] = len(runs)
    bad = [r for r in runs if r.get("lost") or r.get("duplicated") or r.get("error")]
    if bad:
        best["failed_runs"] = len(bad)
    if len(runs) > 1:
        best["rates"] = [r.get("rate") for r in runs]
    return best

def ref(name):
    try:
        with open(os.path.join(work, "ref-" + name)) as f:
            vals = [float(l) for l in f.read().split() if l.strip()]
        v = max(vals) if vals else 0
        return v if v > 0 else None
    except (OSError, ValueError):
        return None

def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"

def mem_gb():
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024 / 1024, 1)

R = lambda x: None if x is None else round(x)
results, rows, status = [], [], 0
drain_list_rate = None
publish_list_rate = None
REFS = {
    "publish-list": ("redis-benchmark LPUSH -P 128 -c 1", "lpush", 0.9),
    "publish-pubsub": ("redis-benchmark PUBLISH -P 128 -c 1", "publish", 0.9),
    "drain-list": ("redis-benchmark RPOP -P 128 -c 1", "rpop", 1.0),
    "pubsub-receive": ("redis-benchmark PUBLISH -P 128 -c 1", "publish", None),
    "drain-reliable": ("redis-benchmark RPOP -P 128 -c 1", "rpop", 0.3),
    "drain-stream": ("redis-benchmark XADD -P 128 -c 1", "xadd", 0.5),
}
for name in scenarios.split():
    r = read_json(name + ".json")
    rc = int(open(os.path.join(work, name + ".rc")).read().strip() or 1)
    if r is None:
        r = {"name": name, "error": "no result (exit %d)" % rc}
    entry = {"name": name, "messages": r.get("messages", n), "rate": r.get("rate"),
             "reference": None, "reference_rate": None, "ratio": None,
             "lost": r.get("lost"), "duplicated": r.get("duplicated")}
    for k in ("runs", "rates", "failed_runs"):
        if k in r:
            entry[k] = r[k]
    misses, notes = [], []
    if name in REFS:
        label, key, target = REFS[name]
        entry["reference"], entry["reference_rate"] = label, R(ref(key))
        if entry["rate"] and entry["reference_rate"]:
            entry["ratio"] = round(entry["rate"] / entry["reference_rate"], 3)
        if target is not None:
            entry["target"] = "ratio >= %g" % target
            if entry["ratio"] is None or entry["ratio"] < target:
                misses.append("ratio %s < %g" % (entry["ratio"], target))
    if name == "publish-list":
        publish_list_rate = entry["rate"]
    if name == "publish-template":
        entry["reference"] = "publish-list (this run)"
        entry["reference_rate"] = R(publish_list_rate)
        if entry["rate"] and publish_list_rate:
            entry["ratio"] = round(entry["rate"] / publish_list_rate, 3)
        entry["ordered"] = r.get("ordered")
        entry["paced"] = r.get("paced")
        entry["target"] = "ratio >= 0.8; paced runs within 5 % of the rate asked"
        if entry["ratio"] is None or entry["ratio"] < 0.8:
            misses.append("ratio %s < 0.8" % entry["ratio"])
        for p in entry["paced"] or []:
            if p.get("error_pct") is None or abs(p["error_pct"]) > 5:
                misses.append("%d/s achieved %s" % (p["requested"], p.get("achieved")))
    if name == "drain-list":
        drain_list_rate = entry["rate"]
        py = read_json("redis-py.json")
        entry["reference_2"] = "redis-py BRPOP loop"
        entry["reference_2_rate"] = py and py.get("rate")
        entry["ratio_2"] = (round(entry["rate"] / py["rate"], 1)
                            if py and py.get("rate") and entry["rate"] else None)
        entry["target"] += "; ratio_2 >= 20"
        if entry["ratio_2"] is None or entry["ratio_2"] < 20:
            misses.append("vs redis-py %s < 20" % entry["ratio_2"])
        if py and (py.get("lost") or py.get("duplicated")):
            notes.append("redis-py reference lost %s dup %s" % (py.get("lost"), py.get("duplicated")))
    if name == "pubsub-receive":
        entry["target"] = "0 lost, never dropped"
        for k in ("still_subscribed", "connection_lost", "max_output_buffer_mb"):
            if k in r:
                entry[k] = r[k]
        if r.get("still_subscribed") is False or r.get("connection_lost"):
            misses.append("subscriber dropped by the server")
            entry["dropped"] = True
    if name == "window-flood":
        entry["reference"] = "drain-list (this run)"
        entry["reference_rate"] = drain_list_rate
        if entry["rate"] and drain_list_rate:
            entry["ratio"] = round(entry["rate"] / drain_list_rate, 3)
        entry["max_stall_ms"] = r.get("max_stall_ms")
        entry["peak_rss_mb"] = r.get("peak_rss_mb")
        entry["target"] = "ratio >= 0.5; max_stall_ms < 50; peak_rss_mb < 400"
        if entry["ratio"] is None or entry["ratio"] < 0.5:
            misses.append("ratio %s < 0.5" % entry["ratio"])
        if entry["max_stall_ms"] is None or entry["max_stall_ms"] >= 50:
            misses.append("stall %s ms" % entry["max_stall_ms"])
        if entry["peak_rss_mb"] is None or entry["peak_rss_mb"] >= 400:
            misses.append("rss %s MB" % entry["peak_rss_mb"])
    if name == "observe":
        entry["reference"] = r.get("reference")
        entry["reference_rate"] = R(r.get("reference_rate"))
        if entry["rate"] and entry["reference_rate"]:
            entry["ratio"] = round(entry["rate"] / entry["reference_rate"], 3)
        entry["observer_drops"] = r.get("dropped")
        entry["target"] = "ratio >= 1.0"
        if entry["ratio"] is None or entry["ratio"] < 1.0:
            misses.append("ratio %s < 1.0" % entry["ratio"])
        if r.get("dropped"):
            notes.append("observer dropped %d" % r.get("dropped"))
    if name == "latency":
        entry["reference"] = "offered rate"
        entry["reference_rate"] = r.get("offered_rate")
        if entry["rate"] and entry["reference_rate"]:
            entry["ratio"] = round(entry["rate"] / entry["reference_rate"], 3)
        entry["p50_ms"], entry["p99_ms"] = r.get("p50_ms"), r.get("p99_ms")
        entry["measured_to"] = r.get("measured_to")
        entry["target"] = "p99_ms < 10"
        if entry["p99_ms"] is None or entry["p99_ms"] >= 10:
            misses.append("p99 %s ms" % entry["p99_ms"])
    if name == "peek-10m":
        entry["reference"] = None
        entry["rate"] = None  # elements per second to first rows would mean nothing
        for k in ("first_rows_ms", "rss_idle_mb", "peak_rss_mb", "rss_over_idle_mb", "rows_held"):
            entry[k] = r.get(k)
        entry["target"] = "first_rows_ms < 1000; rss_over_idle_mb < 100"
        if entry["first_rows_ms"] is None or entry["first_rows_ms"] >= 1000:
            misses.append("first rows %s ms" % entry["first_rows_ms"])
        if entry["rss_over_idle_mb"] is None or entry["rss_over_idle_mb"] >= 100:
            misses.append("rss +%s MB" % entry["rss_over_idle_mb"])
    if name == "panes-30":
        entry["reference"] = "before (issue 10)"
        entry["rate"] = None  # panes per second would mean nothing
        for k in ("connections", "connections_by_name", "threads", "threads_by_name", "rss_mb",
                  "min_width", "min_height", "fits_1366x768", "panes_reachable",
                  "narrowest_shown_px"):
            entry[k] = r.get(k)
        entry["before"] = {"connections": 61, "threads": 66, "min_width": 8440,
                           "publisher_connections": 30}
        byname = entry["connections_by_name"] or {}
        entry["target"] = ("1 publisher; connections <= 30 + 3; threads <= 30 + 12; fits "
                           "1366x768; 30 panes reachable")
        if byname.get("rqconsole:publisher") != 1:
            misses.append("%s publisher connections" % byname.get("rqconsole:publisher"))
        if (entry["connections"] or 999) > 33:
            misses.append("%s connections > 33" % entry["connections"])
        if (entry["threads"] or 999) > 42:
            misses.append("%s threads > 42" % entry["threads"])
        if not entry["fits_1366x768"]:
            misses.append("min size %sx%s" % (entry["min_width"], entry["min_height"]))
        if entry["panes_reachable"] != 30:
            misses.append("%s of 30 panes reachable" % entry["panes_reachable"])
    if name == "filter-flood":
        entry["reference"] = "before (issue 10, 5M backlog)"
        for k in ("keys", "keys_during_drain", "key_to_box_ms", "max_key_to_box_ms",
                  "max_key_to_view_ms", "max_stall_ms", "rss_idle_mb", "rss_during_max_mb",
                  "rss_after_mb", "peak_rss_mb"):
            entry[k] = r.get(k)
        entry["before"] = {"key_to_shown_ms": "1300-1800", "peak_rss_mb": "363-558",
                           "rss_after_mb": "~300"}
        entry["target"] = "max_key_to_box_ms <= 100; rss during and after < 200 MB"
        if entry["max_key_to_box_ms"] is None or entry["max_key_to_box_ms"] > 100:
            misses.append("key %s ms" % entry["max_key_to_box_ms"])
        if entry["rss_during_max_mb"] is None or entry["rss_during_max_mb"] >= 200:
            misses.append("rss during %s MB" % entry["rss_during_max_mb"])
        if entry["rss_after_mb"] is None or entry["rss_after_mb"] >= 200:
            misses.append("rss after %s MB" % entry["rss_after_mb"])
    if name == "decoders":
        entry["reference"] = "decoder=text (this run)"
        for k in ("flood_text_msgs_per_s", "flood_auto_msgs_per_s", "flood_text_max_stall_ms",
                  "flood_auto_max_stall_ms", "filter_rows", "filter_text_rows_text_ms",
                  "filter_text_rows_auto_ms", "filter_msgpack_rows_text_ms",
                  "filter_msgpack_rows_auto_ms", "filter_text_rows_text_again_ms",
                  "filter_text_rows_auto_again_ms", "filter_msgpack_rows_text_again_ms",
                  "filter_msgpack_rows_auto_again_ms", "filter_text_longest_step_ms",
                  "filter_auto_longest_step_ms"):
            entry[k] = r.get(k)
        entry["reference_rate"] = entry["flood_text_msgs_per_s"]
        if entry["rate"] and entry["reference_rate"]:
            entry["ratio"] = round(entry["rate"] / entry["reference_rate"], 3)
        entry["target"] = "none (a before/after figure)"
    if name == "idle-cost-cluster":
        entry["reference"] = "same masters, no console"
        entry["rate"] = None
        for k in ("masters", "dbsize", "dbsize_per_master", "window_s", "server_cpu_pct",
                  "ref_server_cpu_pct", "console_cpu_pct", "console_cpu_pct_max",
                  "first_discovery_s", "all_found_s", "first_discovery_cpu_pct",
                  "steady_scan_calls", "nodes_read"):
            entry[k] = r.get(k)
        entry["target"] = "console_cpu_pct < 1 on every master; first discovery <= 10 % on each"
        if entry["console_cpu_pct_max"] is None or entry["console_cpu_pct_max"] >= 1:
            misses.append("console %s %% of a core on a master" % entry["console_cpu_pct_max"])
        if max(entry["first_discovery_cpu_pct"] or [100]) > 10:
            misses.append("first discovery %s %%" % entry["first_discovery_cpu_pct"])
    elif name.startswith("idle-cost"):
        entry["reference"] = "same server, no console"
        entry["rate"] = None
        for k in ("dbsize", "window_s", "server_cpu_pct", "ref_server_cpu_pct", "console_cpu_pct",
                  "ping_p99_ms", "ref_ping_p99_ms", "first_discovery_s", "first_discovery_cpu_pct",
                  "all_found_s", "steady_scan_calls", "admin_max_us", "admin_max_cmd",
                  "admin_over_1ms", "admin_over_10ms",
                  "notifications"):
            entry[k] = r.get(k)
        entry["target"] = ("console_cpu_pct < 1; ping p99 within 0.2 ms of the reference; "
                           "first discovery <= 10 %")
        if entry["console_cpu_pct"] is None or entry["console_cpu_pct"] >= 1:
            misses.append("console %s %% of a core" % entry["console_cpu_pct"])
        if (entry["ping_p99_ms"] is None or entry["ref_ping_p99_ms"] is None
                or entry["ping_p99_ms"] - entry["ref_ping_p99_ms"] > 0.2):
            misses.append("ping p99 %s vs %s ms" % (entry["ping_p99_ms"], entry["ref_ping_p99_ms"]))
        if entry["first_discovery_cpu_pct"] is None or entry["first_discovery_cpu_pct"] > 10:
            misses.append("first discovery %s %%" % entry["first_discovery_cpu_pct"])
    if name == "idle-pubsub":
        entry["reference"] = "same server, no console"
        entry["rate"] = None
        for k in ("panes", "console_clients", "window_s", "server_cpu_pct", "ref_server_cpu_pct",
                  "console_cpu_pct", "commands_per_s", "ref_commands_per_s", "commands"):
            entry[k] = r.get(k)
    if name == "charts":
        entry["reference"] = "same server: alone, and with the idle console"
        entry["rate"] = None
        for k in ("window_s", "series", "ref_server_cpu_pct", "idle_server_cpu_pct",
                  "charts_server_cpu_pct", "idle_console_cpu_pct", "charts_cpu_pct",
                  "charts_server_ms_per_s", "round_trips", "charts_commands_per_s",
                  "charts_command_usec_per_s"):
            entry[k] = r.get(k)
        entry["target"] = "charts_cpu_pct < 1 (50 series)"
        if entry["charts_cpu_pct"] is None or entry["charts_cpu_pct"] >= 1:
            misses.append("charts %s %% of a core" % entry["charts_cpu_pct"])
    if name == "discovery":
        entry["reference"] = None
        entry["rate"] = None
        for k in ("dbsize", "all_found_s", "walk_complete_s", "server_cpu_pct", "predicted_s",
                  "progress_shown", "lists_20k_in_sidebar", "lists_20k_count_text",
                  "lists_20k_found_s", "lists_20k_max_apply_ms"):
            entry[k] = r.get(k)
        entry["target"] = "every list and stream found within the budget's walk; 20 000 lists reachable"
        if entry["lists_20k_in_sidebar"] != 20000:
            misses.append("sidebar holds %s of 20000 lists" % entry["lists_20k_in_sidebar"])
    for k in ("error", "note"):
        if r.get(k):
            entry[k] = r[k]
    # CPU spent in the timed phase (the run with the best rate): where the time goes.
    cpu = r.get("cpu")
    if cpu and entry["messages"]:
        entry["cpu"] = cpu
        per = lambda ms: round(ms * 1000.0 / entry["messages"], 2)
        cpu_note = "cpu/msg: server %s us, client %s us" % (per(cpu.get("server_ms", 0)),
                                                           per(cpu.get("client_ms", 0)))
    else:
        cpu_note = None
    if "max_stall_gui_cpu_ms" in r:
        entry["max_stall_gui_cpu_ms"] = r["max_stall_gui_cpu_ms"]
    counts_bad = (rc == 2 or bool(entry["lost"]) or bool(entry["duplicated"])
                  or entry.get("dropped", False))
    if counts_bad:
        status = max(status, 2)
        verdict = "FAIL"
    elif rc != 0 or (entry["rate"] is None
                     and name not in ("peek-10m", "panes-30", "discovery", "idle-pubsub", "charts")
                     and not name.startswith("idle-cost")):
        status = max(status, 1)
        verdict = "ERROR"
    else:
        verdict = "MISS" if misses else "ok"
    entry["met"] = verdict == "ok"
    results.append(entry)
    extra = []
    if "max_stall_ms" in entry:
        extra.append("stall %s ms (GUI cpu in it %s ms), rss %s MB"
                     % (entry["max_stall_ms"], entry.get("max_stall_gui_cpu_ms"),
                        entry["peak_rss_mb"]))
    if "first_rows_ms" in entry:
        extra.append("first rows %s ms, rss %s MB idle +%s MB, %s rows held"
                     % (entry["first_rows_ms"], entry["rss_idle_mb"], entry["rss_over_idle_mb"],
                        entry["rows_held"]))
    if name == "publish-template" and entry.get("paced"):
        extra.append("paced: " + ", ".join("%d/s -> %s/s (%+.1f %%)" % (p["requested"], p.get("achieved"),
                                                                       p.get("error_pct") or 0)
                                           for p in entry["paced"]))
    if name == "panes-30":
        byname = entry["connections_by_name"] or {}
        extra.append("connections %s (%s), threads %s, rss %s MB, min %sx%s, %s/30 reachable; "
                     "before: 61 connections (30 publishers), 66 threads, min width 8440"
                     % (entry["connections"],
                        ", ".join("%s %s" % (k.replace("rqconsole:", ""), v)
                                  for k, v in sorted(byname.items())),
                        entry["threads"], entry["rss_mb"], entry["min_width"],
                        entry["min_height"], entry["panes_reachable"]))
    if name == "filter-flood":
        extra.append("key->box max %s ms, key->view max %s ms (%s of %s keys during the drain), "
                     "rss idle %s / during max %s / after %s MB; before: 1300-1800 ms per key, "
                     "peak 363-558 MB, ~300 MB after"
                     % (entry["max_key_to_box_ms"], entry["max_key_to_view_ms"],
                        entry["keys_during_drain"], entry["keys"], entry["rss_idle_mb"],
                        entry["rss_during_max_mb"], entry["rss_after_mb"]))
    if name == "decoders":
        extra.append("window-flood text %s/s vs auto %s/s (stall %s vs %s ms); filter over %s "
                     "rows: text payloads text %s ms vs auto %s ms, MessagePack payloads text "
                     "%s ms vs auto %s ms; next keystroke: %s / %s / %s / %s ms; longest filter "
                     "step text %s ms, auto %s ms"
                     % (entry["flood_text_msgs_per_s"], entry["flood_auto_msgs_per_s"],
                        entry["flood_text_max_stall_ms"], entry["flood_auto_max_stall_ms"],
                        entry["filter_rows"], entry["filter_text_rows_text_ms"],
                        entry["filter_text_rows_auto_ms"], entry["filter_msgpack_rows_text_ms"],
                        entry["filter_msgpack_rows_auto_ms"], entry["filter_text_rows_text_again_ms"],
                        entry["filter_text_rows_auto_again_ms"],
                        entry["filter_msgpack_rows_text_again_ms"],
                        entry["filter_msgpack_rows_auto_again_ms"],
                        entry["filter_text_longest_step_ms"], entry["filter_auto_longest_step_ms"]))
    if name == "idle-pubsub":
        extra.append("%s pub/sub panes (%s console connections), %s s: server %s %% of a core "
                     "(without console %s %%, console %s %%); %s commands/s (without %s): %s"
                     % (entry["panes"], entry["console_clients"], entry["window_s"],
                        entry["server_cpu_pct"], entry["ref_server_cpu_pct"],
                        entry["console_cpu_pct"], entry["commands_per_s"],
                        entry["ref_commands_per_s"],
                        ", ".join("%s %s/s" % kv for kv in sorted((entry["commands"] or {}).items()))))
    if name == "idle-cost-cluster":
        extra.append("%s masters, %s keys (%s): per master, server %s %% of a core (without "
                     "console %s %%, console %s %%) over %s s; first discovery of every master "
                     "%s s (server %s %% of a core each), all 55 found in %s s; %s SCANs in the "
                     "window"
                     % (entry["masters"], entry["dbsize"], entry["dbsize_per_master"],
                        entry["server_cpu_pct"], entry["ref_server_cpu_pct"],
                        entry["console_cpu_pct"], entry["window_s"], entry["first_discovery_s"],
                        entry["first_discovery_cpu_pct"], entry["all_found_s"],
                        entry["steady_scan_calls"]))
    elif name.startswith("idle-cost"):
        extra.append("%s keys, %s s: server %s %% of a core (without console %s %%, console %s %%); "
                     "PING p99 %s ms (without %s ms); first discovery %s s at %s %% of a core, all "
                     "55 found in %s s; %s SCANs in the window; slowest admin command %s us (%s), "
                     "%s over 1 ms, %s over 10 ms"
                     % (entry["dbsize"], entry["window_s"], entry["server_cpu_pct"],
                        entry["ref_server_cpu_pct"], entry["console_cpu_pct"], entry["ping_p99_ms"],
                        entry["ref_ping_p99_ms"], entry["first_discovery_s"],
                        entry["first_discovery_cpu_pct"], entry["all_found_s"],
                        entry["steady_scan_calls"], entry["admin_max_us"], entry["admin_max_cmd"],
                        entry["admin_over_1ms"], entry["admin_over_10ms"]))
    if name == "charts":
        extra.append("%s series, %s s windows, %s round trips: charts %s %% of a core (%s ms of "
                     "server CPU per second; commandstats: %s commands/s taking %s us/s); idle "
                     "console %s %%; server alone %s %%, with the console %s %%, with console "
                     "and charts %s %%"
                     % (entry["series"], entry["window_s"], entry["round_trips"],
                        entry["charts_cpu_pct"], entry["charts_server_ms_per_s"],
                        entry["charts_commands_per_s"], entry["charts_command_usec_per_s"],
                        entry["idle_console_cpu_pct"], entry["ref_server_cpu_pct"],
                        entry["idle_server_cpu_pct"], entry["charts_server_cpu_pct"]))
    if "lists_20k_in_sidebar" in entry:
        extra.append("%s keys: all 55 found in %s s (walk done %s s, %s %% of a core, budget "
                     "predicts %s s); 20 000 lists: %s rows, count \"%s\", found in %s s"
                     % (entry["dbsize"], entry["all_found_s"], entry["walk_complete_s"],
                        entry["server_cpu_pct"], entry["predicted_s"],
                        entry["lists_20k_in_sidebar"], entry["lists_20k_count_text"],
                        entry["lists_20k_found_s"]))
    if "p99_ms" in entry:
        extra.append("p50 %s ms, p99 %s ms" % (entry["p50_ms"], entry["p99_ms"]))
    if "reference_2_rate" in entry:
        extra.append("redis-py %s/s, x%s" % (entry["reference_2_rate"], entry["ratio_2"]))
    if "max_output_buffer_mb" in entry:
        extra.append("peak omem %.1f MB" % (entry["max_output_buffer_mb"] or 0))
    if entry.get("failed_runs"):
        notes.append("counts wrong in %d of %d runs" % (entry["failed_runs"], entry["runs"]))
    extra += misses + notes
    if cpu_note:
        extra.append(cpu_note)
    if entry.get("error"):
        extra.append("error: " + entry["error"])
    rows.append((name, entry["messages"], entry["rate"], entry["reference"] or "-",
                 entry["reference_rate"], entry["ratio"], entry["lost"], entry["duplicated"],
                 verdict, "; ".join(extra)))

def load():
    return [float(x) for x in open("/proc/loadavg").read().split()[:3]]

machine = {"cpu": cpu_model(), "cores": os.cpu_count(), "memory_gb": mem_gb(),
           "redis_version": redis_version, "qt_version": qt_version,
           "kernel": platform.release(), "loadavg_at_end": load(), "bench_seconds": int(elapsed),
           "repeat": int(repeat)}
with open(out_path, "w") as f:
    json.dump({"scenarios": results, "machine": machine}, f, indent=2)
    f.write("\n")

fmt = lambda v: "-" if v is None else ("{:,}".format(v) if isinstance(v, int) else str(v))
head = ("scenario", "N", "rate/s", "reference", "ref rate/s", "ratio", "lost", "dup", "status", "notes")
table = [head] + [tuple(fmt(c) for c in row) for row in rows]
widths = [max(len(r[i]) for r in table) for i in range(len(head) - 1)]
for row in table:
    print("  ".join(c.ljust(w) for c, w in zip(row, widths)) + "  " + row[-1])
print("\nmachine: %s, %d cores, %s GB, redis %s, Qt %s, load %s; %s s"
      % (machine["cpu"], machine["cores"], machine["memory_gb"], redis_version, qt_version,
         machine["loadavg_at_end"], elapsed))
print("results: %s" % out_path)
sys.exit(status)
PY
exit "$STATUS"
