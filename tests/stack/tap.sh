# tap.sh - TAP helpers for the shell tests (sourced, bash).
#
#   tap_plan N            print the plan
#   tap_skip_all REASON   print "1..0 # SKIP REASON" and exit 0
#   tap_ok COND NAME      one result: COND is a command run in this shell
#   tap_check NAME CMD... run CMD; its exit status is the result; on failure
#                         its output is shown as TAP diagnostics
#   tap_skip NAME REASON  one skipped test (counted as skipped, not passed)
#   tap_diag TEXT...      a diagnostic line
#   wait_for SECONDS CMD... retry CMD every 0.1 s until it succeeds
#
# The automake TAP driver turns each line into PASS, FAIL or SKIP; the
# project's summary counts those.
tap_n=0
tap_failed=0

tap_plan() { echo "1..$1"; }
tap_skip_all() { echo "1..0 # SKIP $*"; exit 0; }
tap_diag() { local line; printf '%s\n' "$*" | while IFS= read -r line; do echo "# $line"; done; }

tap_result() {   # STATUS NAME
    tap_n=$((tap_n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $tap_n - $2"
    else
        echo "not ok $tap_n - $2"
        tap_failed=$((tap_failed + 1))
    fi
}

tap_check() {
    local name=$1 out status
    shift
    out=$("$@" 2>&1) && status=0 || status=$?
    tap_result "$status" "$name"
    [ "$status" -eq 0 ] || tap_diag "$out"
    return 0
}

tap_skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"; }

wait_for() {
    local seconds=$1 i
    shift
    for ((i = 0; i < seconds * 10; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    "$@"
}
