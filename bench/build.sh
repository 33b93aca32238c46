# build.sh - sourced by the benchmark scripts: an optimized build of one
# benchmark program.
#
#   bench_build BUILD-DIR PROGRAM
#
# BUILD-DIR empty: configure (once) and use ${TMPDIR:-/tmp}/liveaddr-bench-build
# with CFLAGS -O2 -g.  Warns when the build has sanitizers; builds PROGRAM
# (e.g. bench/parse_bench) there; sets $build.  Needs $src (the source tree)
# and a die() of the caller's.

bench_build() {
    build=$1
    if [ -z "$build" ]; then
	build=${TMPDIR:-/tmp}/liveaddr-bench-build
	mkdir -p "$build"
	if [ ! -f "$build/Makefile" ]; then
	    echo "configuring an optimized build in $build"
	    (cd "$build" && "$src/configure" -q CFLAGS='-O2 -g') >/dev/null \
		|| die "configure failed in $build"
	fi
    fi
    [ -f "$build/Makefile" ] || die "$build is not a configured build directory"
    if grep -q 'fsanitize' "$build/Makefile" 2>/dev/null; then
	echo "WARNING: $build was configured with sanitizers; figures are not representative" >&2
    fi
    make -C "$build" -s "$2" >/dev/null || die "could not build $2"
}
