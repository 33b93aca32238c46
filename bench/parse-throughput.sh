#!/bin/bash
# parse-throughput.sh - how fast liveaddr reads bounces, against Perl
# Sisimai (Debian's libsisimai-perl) on the same messages in the same run.
#
# Usage: bench/parse-throughput.sh [build-dir [message-dir]]
#
#   build-dir    a liveaddr build directory configured WITHOUT
#                --enable-sanitizers ("" or absent: the script configures
#                and builds its own optimized copy in
#                ${TMPDIR:-/tmp}/liveaddr-bench-build, CFLAGS -O2 -g)
#   message-dir  one message a file (default $LIVEADDR_CORPUS/eml, else
#                ../shared/corpus/bounces/eml next to the source tree)
#
# Environment:
#   ROUNDS             timed rounds of each side (default 5)
#   MIN_ROUND_SECONDS  a C round repeats whole passes over the messages for
#                      at least this long (default 1); a Perl round is one
#                      pass (several seconds already)
#
# What is timed: each side reads every message into memory first, then
# makes one untimed pass (GMime's start-up; Sisimai loads most of its
# modules on first use), then times only its loop: bench/parse_bench runs
# report_parse() (which names each recipient's reason and hardness) and
# report_free(), as the milter does; bench/sisimai_bench.pl runs Sisimai->make() on each message from
# memory (Sisimai::Mail::Memory), which also gives each recipient its
# reason.  Perl's start-up and module loading are not timed.  Both run at
# once, in lockstep: a round of C, then a round of Perl, then C again...
# so that a change of load on this shared 2-core machine hits both.  The
# figures are the medians of the rounds.
#
# Target (the issue): at least 50 times Sisimai's messages/s.  Exit status
# 0 when met, 2 when not, 1 on error, 77 when skipped (no corpus, no
# Sisimai).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build=${1:-}
corpus=${LIVEADDR_CORPUS:-$src/../shared/corpus/bounces}
dir=${2:-$corpus/eml}
rounds=${ROUNDS:-5}
min_s=${MIN_ROUND_SECONDS:-1}

die() { echo "parse-throughput: $*" >&2; exit 1; }
skip() { echo "parse-throughput: SKIP: $*"; exit 77; }

[ -d "$dir" ] || skip "no messages at $dir (the bounce corpus; set LIVEADDR_CORPUS or pass a directory)"
perl -MSisimai -e 1 2>/dev/null || skip "Perl Sisimai is not installed (Debian: libsisimai-perl)"
case $rounds in '' | *[!0-9]* | 0) die "ROUNDS must be a positive number" ;; esac

. "$here/build.sh"
bench_build "$build" bench/parse_bench

tmp=$(mktemp -d "${TMPDIR:-/tmp}/liveaddr-parse-bench.XXXXXX")
cpid= ppid=
cleanup() {
    exec 3>&- 4>&- 5<&- 6<&-
    for p in $cpid $ppid; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Each side reads a line on its stdin per round and answers with a line.
mkfifo "$tmp/c.in" "$tmp/c.out" "$tmp/p.in" "$tmp/p.out"
"$build/bench/parse_bench" -s -t "$min_s" "$dir" <"$tmp/c.in" >"$tmp/c.out" 2>"$tmp/c.err" &
cpid=$!
perl "$here/sisimai_bench.pl" -s "$dir" <"$tmp/p.in" >"$tmp/p.out" 2>"$tmp/p.err" &
ppid=$!
exec 3>"$tmp/c.in" 5<"$tmp/c.out" 4>"$tmp/p.in" 6<"$tmp/p.out"

expect() {   # FD WORD NAME ERRFILE: the next line from FD, which must start with WORD
    local line
    IFS= read -r -u "$1" line || die "$3 stopped: $(cat "$4")"
    case $line in "$2"*) printf '%s\n' "$line" ;; *) die "$3 said: $line" ;; esac
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs; shared with whatever else runs)"
echo "messages: $dir"
echo "loading and one untimed pass each (Sisimai's is the slow one)..."
line=$(expect 5 ready parse_bench "$tmp/c.err") || exit 1
echo "liveaddr: $line"
line=$(expect 6 ready sisimai_bench.pl "$tmp/p.err") || exit 1
echo "sisimai:  $line"
for i in $(seq 1 "$rounds"); do
    echo go >&3
    line=$(expect 5 round parse_bench "$tmp/c.err") || exit 1
    echo "liveaddr $line"
    echo go >&4
    line=$(expect 6 round sisimai_bench.pl "$tmp/p.err") || exit 1
    echo "sisimai  $line"
done
exec 3>&- 4>&-
cout=$(expect 5 liveaddr-parse parse_bench "$tmp/c.err") || exit 1
pout=$(expect 6 sisimai sisimai_bench.pl "$tmp/p.err") || exit 1
wait "$cpid" || die "parse_bench failed: $(cat "$tmp/c.err")"
wait "$ppid" || die "sisimai_bench.pl failed: $(cat "$tmp/p.err")"
cpid= ppid=
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "$cout"
echo "$pout"

field() { printf '%s\n' "$1" | sed -n "s/.* $2=\([^ ]*\).*/\1/p"; }
c_rate=$(field "$cout" rate)
p_rate=$(field "$pout" rate)
[ -n "$c_rate" ] && [ -n "$p_rate" ] || die "could not read the rates"
awk -v r="$p_rate" 'BEGIN { exit !(r > 0) }' || die "Sisimai's rate is $p_rate"
ratio=$(awk -v a="$c_rate" -v b="$p_rate" 'BEGIN { printf "%.1f", a / b }')

echo
echo "liveaddr report_parse + reasons: $c_rate messages/s ($(field "$cout" mbps) MB/s;" \
    "min $(field "$cout" min), max $(field "$cout" max); $(field "$cout" rcpts) recipients a pass)"
echo "Sisimai $(field "$pout" version) make():       $p_rate messages/s ($(field "$pout" mbps) MB/s;" \
    "min $(field "$pout" min), max $(field "$pout" max); $(field "$pout" rcpts) recipients a pass," \
    "$(field "$pout" failed) died)"
echo "(medians of $rounds interleaved rounds; loading, Perl's start-up and module loading not timed)"
echo "ratio: ${ratio}x"
if awk -v r="$ratio" 'BEGIN { exit !(r >= 50) }'; then
    echo "target >= 50x Sisimai: met"
    exit 0
fi
echo "target >= 50x Sisimai: NOT met"
exit 2
