#!/bin/sh
# audit-throughput.sh - how fast liveaddr checks addresses, against
# Debian's python3-email-validator on the same input in the same run.
#
# Usage: bench/audit-throughput.sh [build-dir]
#
#   build-dir   a liveaddr build directory to use (configured WITHOUT
#               --enable-sanitizers, or the figures mean nothing).  Without
#               it the script configures and builds its own optimized copy
#               in ${TMPDIR:-/tmp}/liveaddr-bench-build (CFLAGS -O2 -g).
#
# Environment:
#   LINES_TOTAL  addresses to generate (default 1000000)
#   PY_LINES     how many of them email-validator gets (default 200000;
#                "all" for every line: about 25 s at 44k/s on this machine)
#   SEED         generator seed (default 20240611); same seed, same file
#   RUNS         timed runs of the C loop; the median is reported (default 3)
#
# What is timed: the C side reads the whole file into memory and times only
# the loop (addr_parse + suggest_check per line, one thread); the Python
# side reads its lines first and times only validate_email(addr,
# check_deliverability=False) per line.  Rates are per second, so a Python
# subset of the same file compares fairly; the output says when it is one.
# Targets: liveaddr >= 1,000,000 addresses/s, and >= 50x email-validator.
# Exit status 0 when both targets are met, 2 when not, 1 on error.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build=${1:-}
total=${LINES_TOTAL:-1000000}
pylines=${PY_LINES:-200000}
seed=${SEED:-20240611}
runs=${RUNS:-3}
python=/usr/bin/python3

die() { echo "audit-throughput: $*" >&2; exit 1; }

[ -x "$python" ] || die "$python not found"
"$python" -c 'import email_validator' 2>/dev/null \
    || die "python3-email-validator is not installed for $python"

. "$here/build.sh"
bench_build "$build" bench/audit_bench

tmp=$(mktemp -d "${TMPDIR:-/tmp}/liveaddr-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
file=$tmp/addresses.txt

echo "generating $total addresses (seed $seed)"
"$python" "$here/gen_addresses.py" -n "$total" -s "$seed" >"$file"
echo "input: $(wc -l <"$file") lines, $(wc -c <"$file") bytes"

cout=$("$build/bench/audit_bench" -d "$src/data" -r "$runs" "$file") \
    || die "audit_bench failed"
echo "$cout"
pyout=$("$python" "$here/email_validator_bench.py" "$file" "$pylines") \
    || die "email_validator_bench failed"
echo "$pyout"

rate() { echo "$1" | sed -n "s/^$2 .*rate=\([0-9]*\).*/\1/p"; }
c_rate=$(rate "$cout" liveaddr-audit)
p_rate=$(rate "$pyout" email_validator)
p_lines=$(echo "$pyout" | sed -n 's/.*lines=\([0-9]*\).*/\1/p')
[ -n "$c_rate" ] && [ -n "$p_rate" ] && [ "$p_rate" -gt 0 ] || die "could not read the rates"

echo
echo "liveaddr (parse + suggestions): $c_rate addresses/s on $total lines, one thread"
if [ "$p_lines" -lt "$total" ]; then
    echo "email-validator (syntax only):  $p_rate addresses/s on the first $p_lines lines (a subset, same file)"
else
    echo "email-validator (syntax only):  $p_rate addresses/s on all $p_lines lines"
fi
ratio=$(awk -v a="$c_rate" -v b="$p_rate" 'BEGIN { printf "%.1f", a / b }')
echo "ratio: ${ratio}x"

status=0
if [ "$c_rate" -ge 1000000 ]; then echo "target >= 1,000,000/s: met"; else echo "target >= 1,000,000/s: NOT met"; status=2; fi
if awk -v r="$ratio" 'BEGIN { exit !(r >= 50) }'; then echo "target >= 50x: met"; else echo "target >= 50x: NOT met"; status=2; fi
exit $status
