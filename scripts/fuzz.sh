#!/usr/bin/env bash
# Fuzzes the RESP reader (core/RedisReply.cpp over hiredis) with libFuzzer, ASan and UBSan.
#
#   scripts/fuzz.sh [--seconds N]
#
# Builds build-fuzz/fuzz_resp with clang-14 (installs clang-14 and libfuzzer-14-dev when
# missing), runs it for N seconds (default 60) on a copy of the committed seed corpus
# (tests/fuzz/corpus/resp; new inputs go to build-fuzz/corpus/resp, not into the tree), and
# prints the executions per second. A crash leaves build-fuzz/crash-* and exits non-zero: turn
# it into a unit test in tests/core/tst_respreader.cpp.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SECONDS_TO_RUN=60
while [[ $# -gt 0 ]]; do
    case "$1" in
    --seconds) SECONDS_TO_RUN=$2; shift 2 ;;
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown option $1" >&2; exit 1 ;;
    esac
done

CXX=clang++-14
probe_fuzzer()
{
    command -v "$CXX" > /dev/null &&
        echo 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long){return 0;}' |
        "$CXX" -x c++ -fsanitize=fuzzer - -o /dev/null 2> /dev/null
}
if ! probe_fuzzer; then
    SUDO=; [[ $(id -u) -ne 0 ]] && SUDO=sudo
    $SUDO apt-get install -y clang-14 libfuzzer-14-dev
fi

OUT=$ROOT/build-fuzz
mkdir -p "$OUT/corpus/resp"
cp -n "$ROOT"/tests/fuzz/corpus/resp/* "$OUT/corpus/resp/"

# shellcheck disable=SC2046
"$CXX" -std=c++17 -g -O1 -fPIC -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$ROOT/core" $(pkg-config --cflags Qt6Core) \
    "$ROOT/core/RedisReply.cpp" "$ROOT/tests/fuzz/fuzz_resp.cpp" \
    $(pkg-config --libs Qt6Core) -lhiredis -o "$OUT/fuzz_resp"

cd "$OUT"
LOG=$OUT/fuzz_resp.log
set +e
"$OUT/fuzz_resp" -max_total_time="$SECONDS_TO_RUN" -rss_limit_mb=1024 -max_len=65536 \
    -print_final_stats=1 "$OUT/corpus/resp" 2>&1 | tee "$LOG" | grep -E '^#[0-9]+.*(pulse|DONE)|ERROR|SUMMARY'
STATUS=${PIPESTATUS[0]}
set -e
RUNS=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$LOG" | grep -Eo '[0-9]+$' || echo 0)
echo "fuzz_resp: $RUNS executions in ${SECONDS_TO_RUN} s = $((RUNS / SECONDS_TO_RUN)) execs/s," \
    "corpus $(find "$OUT/corpus/resp" -type f | wc -l) inputs, exit $STATUS"
exit "$STATUS"
