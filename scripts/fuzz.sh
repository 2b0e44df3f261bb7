#!/usr/bin/env bash
# Fuzzes the console's parsers with libFuzzer, ASan and UBSan, one target at a time:
#
#   resp       the RESP reader (core/RedisReply.cpp over hiredis)
#   url        the server URL parser (core/ConnectionSettings)
#   spec       the pane-spec parser (core/ConsumerSpec)
#   payload    the payload views: text/JSON detection, escaping, hex dump (core/PayloadFormat)
#   recording  the recording reader (core/RecordingReader)
#   monitor    the MONITOR line parser (core/MonitorParser)
#   msgpack    the MessagePack decoder (core/DecodeMsgpack.cpp through core/PayloadDecoder)
#   protobuf   the schema-less protobuf decoder (core/DecodeProtobuf.cpp)
#   pickle     the pickle disassembler (core/DecodePickle.cpp)
#   compressed gzip, zlib, zstd and base64 (core/DecodeCompressed.cpp), then Auto on the result
#   decode     Auto's choice and every decoder on the same bytes (core/PayloadDecoder)
#
#   scripts/fuzz.sh [--seconds N] [--only NAME] [--jobs N]
#
# Builds build-fuzz/fuzz_NAME with clang-14 (installs clang-14 and libfuzzer-14-dev when
# missing; QtCore from pkg-config), runs each target for N seconds (default 60) on a copy of its
# committed seed corpus (tests/fuzz/corpus/NAME; new inputs go to build-fuzz/corpus/NAME, not
# into the tree) and prints executions per second and corpus size per target. A crash, leak,
# UB report or broken property leaves build-fuzz/NAME/crash-* (the reproducer: run
# build-fuzz/fuzz_NAME FILE; reproducers of earlier runs move to build-fuzz/NAME/earlier/) and
# the script exits non-zero after the remaining targets ran: turn each one into a unit test in
# the matching tests/core/tst_*.cpp.
#   --seconds 0   runs each target over its seed corpus once (a smoke test, seconds in all).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGETS=(resp url spec payload recording monitor msgpack protobuf pickle compressed decode)
SECONDS_TO_RUN=60
ONLY=
while [[ $# -gt 0 ]]; do
    case "$1" in
    --seconds) SECONDS_TO_RUN=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    -h | --help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown option $1" >&2; exit 1 ;;
    esac
done
if [[ -n $ONLY ]]; then
    if [[ " ${TARGETS[*]} " != *" $ONLY "* ]]; then
        echo "fuzz.sh: no target $ONLY (targets: ${TARGETS[*]})" >&2
        exit 1
    fi
    TARGETS=("$ONLY")
fi

# The core sources each target compiles (beside tests/fuzz/fuzz_NAME.cpp), and extra libraries.
sources_of()
{
    case "$1" in
    resp) echo RedisReply.cpp ;;
    url) echo ConnectionSettings.cpp ;;
    # ConsumerSpec checks a pane's decoder= option against PayloadDecoder's names.
    spec) echo ConsumerSpec.cpp "$DECODERS" ;;
    payload) echo PayloadFormat.cpp ;;
    recording) echo RecordingReader.cpp ConsumerSpec.cpp "$DECODERS" ;;
    monitor) echo MonitorParser.cpp ;;
    msgpack | protobuf | pickle | compressed | decode) echo "$DECODERS" ;;
    esac
}
DECODERS="PayloadDecoder.cpp DecodeMsgpack.cpp DecodeProtobuf.cpp DecodePickle.cpp PickleTree.cpp \
DecodeCompressed.cpp PayloadFormat.cpp"
libs_of()
{
    case "$1" in
    resp) echo -lhiredis ;;
    spec | recording | msgpack | protobuf | pickle | compressed | decode) echo -lz -lzstd ;;
    esac
}

CXX=clang++-14
probe_fuzzer()
{
    command -v "$CXX" > /dev/null &&
        echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long){return 0;}' |
        "$CXX" -x c++ -fsanitize=fuzzer - -o /dev/null 2> /dev/null
}
if ! probe_fuzzer; then
    SUDO=; [[ $(id -u) -ne 0 ]] && SUDO=sudo
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y clang-14 libfuzzer-14-dev
fi
if ! pkg-config --exists Qt6Core; then
    echo "fuzz.sh: Qt6Core not found by pkg-config; run scripts/common.sh's rq_install_deps" \
        "(scripts/test.sh does)" >&2
    exit 1
fi

OUT=$ROOT/build-fuzz
mkdir -p "$OUT"
read -r -a QT_CFLAGS <<< "$(pkg-config --cflags Qt6Core)"
read -r -a QT_LIBS <<< "$(pkg-config --libs Qt6Core)"

build_target()
{
    local name=$1 src bin=$OUT/fuzz_$1 files=()
    for src in $(sources_of "$name"); do files+=("$ROOT/core/$src"); done
    files+=("$ROOT/tests/fuzz/fuzz_$name.cpp")
    # Rebuild only when a source (or this script) is newer than the binary.
    if [[ -x $bin ]]; then
        local stale=0 f
        for f in "${files[@]}" "$ROOT"/core/*.h "$ROOT"/tests/fuzz/*.h "$0"; do
            [[ $f -nt $bin ]] && stale=1 && break
        done
        [[ $stale -eq 0 ]] && return 0
    fi
    echo "==> building fuzz_$name"
    # shellcheck disable=SC2046
    "$CXX" -std=c++17 -g -O1 -fPIC -fno-omit-frame-pointer \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -I"$ROOT/core" -I"$ROOT/tests/fuzz" "${QT_CFLAGS[@]}" \
        "${files[@]}" "${QT_LIBS[@]}" $(libs_of "$name") -o "$bin.tmp"
    mv "$bin.tmp" "$bin"
}

run_target()
{
    local name=$1 corpus=$OUT/corpus/$1 work=$OUT/$1
    mkdir -p "$corpus" "$work"
    # Reproducers of earlier runs are kept, out of the way of this run's verdict.
    if compgen -G "$work/crash-*" > /dev/null || compgen -G "$work/leak-*" > /dev/null ||
        compgen -G "$work/timeout-*" > /dev/null || compgen -G "$work/oom-*" > /dev/null; then
        mkdir -p "$work/earlier"
        mv "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* "$work/earlier/" \
            2> /dev/null || true
    fi
    cp -n "$ROOT/tests/fuzz/corpus/$name"/* "$corpus/"
    local log=$work/fuzz.log status runs secs rate
    local args=(-rss_limit_mb=2048 -max_len=65536 -timeout=10 -print_final_stats=1
        -artifact_prefix="$work/")
    if [[ $SECONDS_TO_RUN -gt 0 ]]; then
        args+=(-max_total_time="$SECONDS_TO_RUN" "$corpus")
    else
        args+=(-runs=0 "$corpus") # every seed once, nothing new
    fi
    echo "==> fuzz_$name for ${SECONDS_TO_RUN} s on $corpus"
    set +e
    (cd "$work" && UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$OUT/fuzz_$name" "${args[@]}") > "$log" 2>&1
    status=$?
    set -e
    grep -E '^#[0-9]+.*(pulse|DONE)|ERROR|SUMMARY|property failed|runtime error' "$log" | tail -n 8 || true
    runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo 0)
    secs=$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" | grep -Eo '[0-9]+ second' |
        grep -Eo '[0-9]+' || echo "$SECONDS_TO_RUN")
    [[ -z $secs || $secs -eq 0 ]] && secs=1
    rate=$((runs / secs))
    # libFuzzer's own corpus size (inputs that add coverage) and the files kept in the folder.
    local corp files crash
    corp=$(grep -Eo 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -n 1 | cut -d' ' -f2)
    files=$(find "$corpus" -type f | wc -l)
    crash=$(ls -t "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2> /dev/null |
        head -n 1 || true)
    RESULTS+=("$(printf '%-10s %10s execs %6s s %8s execs/s  corpus %-12s (%s files)  %s' \
        "$name" "$runs" "$secs" "$rate" "${corp:-?}" "$files" "$([[ $status -eq 0 ]] &&
            echo clean || echo "FAILED (exit $status) ${crash:-see $log}")")")
    [[ $status -eq 0 ]] || FAILED=1
}

RESULTS=()
FAILED=0
for t in "${TARGETS[@]}"; do build_target "$t"; done
for t in "${TARGETS[@]}"; do run_target "$t"; done
echo "==> fuzz summary"
printf '%s\n' "${RESULTS[@]}"
exit "$FAILED"
