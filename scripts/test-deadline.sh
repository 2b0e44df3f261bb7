# Sourced by scripts/test.sh when RQ_TEST_DEADLINE is set (seconds since the epoch): build and run
# the tests only until then, so that a pass with an unknown cost (CI's sanitizer pass on a cold
# cache) cannot push the whole job past its time limit. Core tests are built and run first, then
# the rest. A test is started only while RQ_TEST_MIN_LEFT seconds (default 600) remain; one that
# does not finish by the deadline fails like any other (no test takes that long today). What the
# deadline left out (not built, not run) is listed by name: that is not a failure, but the pass
# says plainly that it did not cover everything.
#
# Uses from scripts/test.sh: BUILD_DIR, SANITIZE, select (ctest selection), rq_build, rq_log,
# rq_error.

rq_seconds_left()
{
    echo $((RQ_TEST_DEADLINE - $(date +%s)))
}

# rq_build_by_deadline TARGET…: builds those targets (none: everything) while RQ_TEST_MIN_LEFT
# seconds are kept for tests. Returns 124 when the deadline stopped it, 1 when it failed.
rq_build_by_deadline()
{
    local room=$(($(rq_seconds_left) - RQ_TEST_MIN_LEFT))
    if [ "$room" -le 0 ]; then
        rq_error "no time left to build ${*:-the rest}"
        return 124
    fi
    local start=$SECONDS status=0
    RQ_BUILD_TARGETS="$*" RQ_BUILD_TIMEOUT=$room \
        rq_build "$BUILD_DIR" RelWithDebInfo -DRQ_SANITIZE="$SANITIZE" || status=$?
    rq_log "build${1:+ of the core tests}: $((SECONDS - start))s"
    return "$status"
}

# What a sanitizer prints when it finds something (ASan, LSan, UBSan, TSan).
RQ_SANITIZER_REPORT='ERROR: (Address|Leak)Sanitizer|runtime error:|WARNING: ThreadSanitizer|SUMMARY: (Address|Leak|UndefinedBehavior|Thread)Sanitizer'

# rq_run_one NAME ROOM LOG: runs one test (ctest), its output on the terminal and in LOG.
rq_run_one()
{
    timeout -k 10 "$2" ctest --test-dir "$BUILD_DIR" --output-on-failure --no-tests=error \
        --timeout "${RQ_TEST_TIMEOUT:-300}" -R "^${1//./\\.}\$" 2>&1 | tee "$3"
    return "${PIPESTATUS[0]}"
}

# rq_run_by_deadline CTEST-SELECTION…: runs the selected tests one at a time while time is left.
# Appends to the arrays ran, failed, rerun and not_run.
#
# With a sanitizer (SANITIZE set) and RQ_SANITIZER_RERUN (default 1), a test that failed WITHOUT
# any sanitizer report is run once more: such a failure is a timing assumption meeting the
# sanitizer's 2-5x slowdown, not a finding, and one of them would otherwise fail every CI job. It
# still counts as failed if the second run fails too, and the pass names it either way ("passed
# at its second run"). A failure WITH a sanitizer report is never run again: it fails the pass.
rq_run_by_deadline()
{
    local name room log
    log=$(mktemp "${TMPDIR:-/tmp}/rq-test.XXXXXX")
    while read -r name; do
        [ -n "$name" ] || continue
        room=$(rq_seconds_left)
        if [ "$room" -lt "$RQ_TEST_MIN_LEFT" ]; then
            not_run+=("$name")
            continue
        fi
        ran+=("$name")
        rq_run_one "$name" "$room" "$log" && continue
        if [ -n "$SANITIZE" ] && [ "${RQ_SANITIZER_RERUN:-1}" = 1 ] &&
            ! grep -Eq "$RQ_SANITIZER_REPORT" "$log"; then
            room=$(rq_seconds_left)
            if [ "$room" -ge "$RQ_TEST_MIN_LEFT" ]; then
                rq_log "$name failed without a sanitizer report: running it once more"
                if rq_run_one "$name" "$room" "$log"; then
                    rerun+=("$name")
                    continue
                fi
            fi
        fi
        failed+=("$name")
    done < <(ctest --test-dir "$BUILD_DIR" -N "$@" | sed -n 's/^ *Test *#[0-9]*: *//p')
    rm -f "$log"
}

rq_test_by_deadline()
{
    RQ_TEST_MIN_LEFT=${RQ_TEST_MIN_LEFT:-600}
    ran=() failed=() rerun=() not_run=()
    local build_status=0 tests_start core_targets all_tests
    rq_log "building and testing until $(date -d "@$RQ_TEST_DEADLINE" +%T) ($(rq_seconds_left)s left)"
    core_targets=$(cd "$RQ_ROOT/tests/core" && for f in tst_*.cpp; do printf '%s ' "${f%.cpp}"; done)
    rq_build_by_deadline $core_targets rq_consume_helper rq_worker_helper sandbox_child ||
        build_status=$?
    tests_start=$SECONDS
    if [ "$build_status" -eq 0 ]; then
        rq_run_by_deadline -L core "${select[@]}"
        if [ ${#select[@]} -eq 0 ]; then
            build_status=0
            rq_build_by_deadline || build_status=$?
            [ "$build_status" -ne 0 ] || rq_run_by_deadline -LE core
        fi
    fi
    rq_log "tests: $((SECONDS - tests_start))s"
    if [ "$build_status" -eq 1 ]; then
        return 1
    fi
    # What should have run, from the configured tree (it knows every test even when unbuilt).
    all_tests=$(ctest --test-dir "$BUILD_DIR" -N "${select[@]}" 2>/dev/null | sed -n 's/^Total Tests: *//p')
    rq_log "ran ${#ran[@]} of ${all_tests:-?} test(s) before the deadline; ${#failed[@]} failed"
    if [ "${#ran[@]}" -lt "${all_tests:-0}" ]; then
        rq_error "NOT COVERED: the deadline left $((${all_tests:-0} - ${#ran[@]})) test(s) unbuilt or unrun${not_run[*]:+: ${not_run[*]}}"
    fi
    if [ "${#rerun[@]}" -gt 0 ]; then
        rq_error "passed at its second run (the first failed without a sanitizer report): ${rerun[*]}"
    fi
    if [ "${#failed[@]}" -gt 0 ]; then
        rq_error "failed: ${failed[*]}"
        return 1
    fi
    if [ "${#ran[@]}" -gt 0 ]; then
        rq_log "every test that ran passed"
    fi
    return 0
}
