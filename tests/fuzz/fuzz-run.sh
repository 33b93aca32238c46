#!/bin/bash
# fuzz-run.sh - libFuzzer on the report parser and on signed tags, for a
# short bounded time (TAP, one result a target).
#
# Usage (make check runs it): cd BUILD-DIR && FUZZ_SECONDS=600 \
#	top_builddir=$PWD SRC-DIR/tests/fuzz/fuzz-run.sh
#
# It builds two fuzz targets with clang itself, in a temp dir under
# ${TMPDIR:-/tmp}: every lib/*.c that Makefile.am lists for
# lib/libliveaddr.la is compiled with "-fsanitize=fuzzer,address,undefined
# -g -O1" (UBSan made fatal) into an archive, and each target links what
# it needs from it.  config.h is $top_builddir's; the libraries' flags come
# from pkg-config.  Then it runs each target for FUZZ_SECONDS (default 30)
# on a temp copy of its seeds:
#
#   fuzz_report  tests/fuzz/fuzz_report.c: report_parse(), the reason
#                classifier, tag_verify() of the tag found; seeds
#                tests/fuzz/seeds/report, plus FUZZ_SAMPLE (default 150;
#                "all"; 0 none) messages of the bounce corpus when it is there
#                ($LIVEADDR_CORPUS/eml, else ../shared/corpus/bounces/eml
#                next to the source tree; only read); -max_len 65536
#   fuzz_tag     tests/fuzz/fuzz_tag.c: tag_find(), tag_verify(), and
#                tag_make() round trips; seeds tests/fuzz/seeds/tag
#
# with -rss_limit_mb=2048 -timeout=10 and a dictionary (tests/fuzz/*.dict).
# A crash, a leak, a sanitizer report, a timeout or running out of memory
# is "not ok": the diagnostics give the reproducer's path (kept in
# ${FUZZ_ARTIFACTS:-$top_builddir/tests/tmp/fuzz}, which make clean
# removes), the first lines of the report and the full log's path.
# Replay a reproducer by running the target built by hand on it, or with
# FUZZ_KEEP=1 (the temp dir and its binaries are kept and named).
#
# Skipped ("1..0 # SKIP why", exit 0) when clang is missing, when it cannot
# link -fsanitize=fuzzer programs (Debian: libclang-rt-14-dev), or with
# FUZZ_SECONDS=0.  Exit 1 when a target is not ok.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ -z "${top_builddir:-}" ]; then
    if [ -f ./config.h ]; then
	top_builddir=$PWD
    elif [ -f "$top_srcdir/config.h" ]; then
	top_builddir=$top_srcdir
    else
	echo "fuzz-run: run me in a configured build directory, or set top_builddir" >&2
	exit 1
    fi
fi
. "$top_srcdir/tests/stack/tap.sh"

seconds=${FUZZ_SECONDS:-30}
sample=${FUZZ_SAMPLE:-150}
cc=${FUZZ_CC:-clang}
corpus=${LIVEADDR_CORPUS:-$top_srcdir/../shared/corpus/bounces}
artifacts=${FUZZ_ARTIFACTS:-$top_builddir/tests/tmp/fuzz}
here=$top_srcdir/tests/fuzz

case $seconds in
    '' | *[!0-9]*) echo "fuzz-run: FUZZ_SECONDS must be a number of seconds" >&2; exit 1 ;;
esac
case $sample in
    all) ;;
    '' | *[!0-9]*) echo "fuzz-run: FUZZ_SAMPLE must be a number or \"all\"" >&2; exit 1 ;;
esac
[ "$seconds" -gt 0 ] || tap_skip_all "FUZZ_SECONDS=0"
command -v "$cc" >/dev/null 2>&1 || tap_skip_all "$cc not found (Debian: clang)"
[ -f "$top_builddir/config.h" ] || tap_skip_all "no config.h in $top_builddir"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/liveaddr-fuzz.XXXXXX") || exit 1
cleanup() {
    if [ "${FUZZ_KEEP:-0}" = 1 ]; then
	echo "# kept: $tmp" >&2
    else
	rm -rf "$tmp"
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

sanflags="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
cflags="$sanflags -g -O1 -fno-omit-frame-pointer"

# Can this clang make a libFuzzer program at all?
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void) d; (void) n; return 0; }' \
    > "$tmp/probe.c"
"$cc" $sanflags "$tmp/probe.c" -o "$tmp/probe" >"$tmp/probe.log" 2>&1 \
    || tap_skip_all "$cc cannot link -fsanitize=fuzzer programs (Debian: libclang-rt-14-dev): $(head -n 1 "$tmp/probe.log")"

tap_plan 2

# ---- build: the library's sources, as Makefile.am lists them
build_log=$tmp/build.log
build_ok=1
pkgs="gmime-3.0 libcrypto libidn2 hiredis ldns"
if ! pkg_cflags=$(pkg-config --cflags $pkgs 2>>"$build_log") \
    || ! pkg_libs=$(pkg-config --libs $pkgs 2>>"$build_log"); then
    build_ok=0
fi
srcs=$(awk '/^lib_libliveaddr_la_SOURCES[ \t]*\+?=/ { on = 1 }
	    on { print; if ($0 !~ /\\$/) on = 0 }' "$top_srcdir/Makefile.am" \
	| tr ' \t\\' '\n\n\n' | grep '^lib/.*\.c$')
[ -n "$srcs" ] || { echo "no lib sources found in Makefile.am" >>"$build_log"; build_ok=0; }
mkdir -p "$tmp/obj"
# AM_CPPFLAGS' paths: the targets read no configuration or data files
defs="-DLIVEADDR_CONF=\"$tmp/none.conf\" -DLIVEADDR_DATADIR=\"$tmp\" -DLIVEADDR_STATEDIR=\"$tmp\""
compile() {   # SRC OBJ
    "$cc" $cflags $defs -I"$top_builddir" -I"$top_srcdir/lib" $pkg_cflags \
	-c "$top_srcdir/$1" -o "$2" >"$2.log" 2>&1
}
if [ "$build_ok" = 1 ]; then
    # two at a time: the machine is shared
    export -f compile
    export cc cflags defs top_builddir top_srcdir pkg_cflags
    printf '%s\n' $srcs | xargs -P 2 -I{} bash -c \
	'compile "$1" "$2/$(basename "$1" .c).o" || echo "$1" >>"$3"' _ {} "$tmp/obj" "$tmp/failed"
fi
# A source that does not compile matters only if a target needs it: the
# link says so.  Its errors go into the build log either way.
if [ -f "$tmp/failed" ]; then
    for s in $(cat "$tmp/failed"); do
	echo "--- $s did not compile:" >>"$build_log"
	cat "$tmp/obj/$(basename "$s" .c).o.log" >>"$build_log" 2>/dev/null
    done
fi
if [ "$build_ok" = 1 ]; then
    ar rcs "$tmp/libfuzz.a" "$tmp"/obj/*.o >>"$build_log" 2>&1 || build_ok=0
fi

build_target() {   # NAME: 0 when $tmp/NAME is built
    [ "$build_ok" = 1 ] || return 1
    "$cc" $cflags -Wall -Wextra -I"$top_builddir" -I"$top_srcdir/lib" $pkg_cflags \
	"$here/$1.c" "$tmp/libfuzz.a" $pkg_libs -lspf2 -lpthread -o "$tmp/$1" \
	>>"$build_log" 2>&1
}

# ---- seeds
# each run keeps its reproducers apart; an empty directory is removed
artifacts=$artifacts/run-$(date +%Y%m%dT%H%M%S)-$$
mkdir -p "$tmp/corpus/report" "$tmp/corpus/tag" "$artifacts"
cp "$here/seeds/report/"* "$tmp/corpus/report/"
cp "$here/seeds/tag/"* "$tmp/corpus/tag/"
extra=""
if [ -d "$corpus/eml" ] && [ "$sample" != 0 ]; then
    files=$(find "$corpus/eml" -type f -name '*.eml' | LC_ALL=C sort)
    total=$(printf '%s\n' "$files" | grep -c .)
    if [ "$sample" = all ] || [ "$total" -le "$sample" ]; then
	step=1
    else
	step=$(( (total + sample - 1) / sample ))
    fi
    n=0
    while IFS= read -r f; do
	cp "$f" "$tmp/corpus/report/corpus-$(basename "$f")" && n=$((n + 1))
    done < <(printf '%s\n' "$files" | awk -v s="$step" 's == 1 || NR % s == 1')
    extra=", $n of the $total corpus messages"
fi

# ---- runs
run_target() {   # NAME MAXLEN: a TAP result
    local name=$1 maxlen=$2 log=$tmp/$1.log status found what
    local seeds=$tmp/corpus/${1#fuzz_}

    if ! build_target "$name"; then
	tap_result 1 "$name: build"
	tap_diag "$(tail -n 40 "$build_log")"
	return
    fi
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
	timeout -k 10 $((seconds * 2 + 300)) \
	"$tmp/$name" -max_total_time="$seconds" -max_len="$maxlen" -rss_limit_mb=2048 \
	-timeout=10 -dict="$here/${name#fuzz_}.dict" -artifact_prefix="$artifacts/$name-" \
	-print_final_stats=1 "$seeds" >"$log" 2>&1
    status=$?
    found=$(ls "$artifacts/$name-"* 2>/dev/null | head -n 1)
    if [ "$status" -eq 0 ] && [ -z "$found" ]; then
	tap_result 0 "$name: ${seconds} s, no crash, leak or sanitizer report"
	tap_diag "$name: $(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1)"
	tap_diag "$name: $(ls "$seeds" | wc -l) inputs in the corpus at the end"
	return
    fi
    what=$(grep -m 1 -oE 'property broken: .*|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer|UndefinedBehaviorSanitizer): [^ ]*( [a-z-]+)*|runtime error: .*|ALARM: .*' "$log")
    cp "$log" "$artifacts/$name.log"
    tap_result 1 "$name: ${what:-exit status $status}"
    tap_diag "reproducer: ${found:-none written}"
    tap_diag "full log: $artifacts/$name.log"
    first=$(grep -m 1 -n -E '^fuzz_|property broken:|==[0-9]+==ERROR|runtime error:|ERROR: libFuzzer|ALARM:' "$log" | cut -d: -f1)
    if [ -n "$first" ]; then
	tap_diag "$(sed -n "$first,$((first + 40))p" "$log")"
    else
	tap_diag "$(tail -n 40 "$log")"
    fi
}

tap_diag "fuzzing each target for $seconds s (FUZZ_SECONDS); seeds: tests/fuzz/seeds$extra"
run_target fuzz_report 65536
run_target fuzz_tag 4096
rmdir "$artifacts" 2>/dev/null
[ "$tap_failed" -eq 0 ]
