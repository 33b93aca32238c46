#!/bin/sh
# store-bench.sh - Redis memory per tracked address and evidence writes per
# second through the pool, each against a baseline in the same run.
#
# Usage: bench/store-bench.sh [build-dir]
#
#   build-dir   a liveaddr build directory configured WITHOUT
#               --enable-sanitizers.  Without it the script configures and
#               builds its own optimized copy in
#               ${TMPDIR:-/tmp}/liveaddr-bench-build (CFLAGS -O2 -g).
#
# Environment:
#   ADDRESSES   tracked addresses (default 1000000), three evidence items each
#   THREADS     writer threads sharing one pool (default 8)
#   BATCH       evidence items a store_apply() call (default 100)
#
# It starts a private redis-server (no persistence, 127.0.0.1, a free high
# port, a temp dir), runs bench/store_bench against it and stops it by its
# PID.  Baselines, same run, same server: memory - the same number of bare
# keys named like the records (value "x"), i.e. Redis's own cost of a key;
# writes - plain pipelined SETs of a 300-byte value by the same threads in
# the same batches.  Targets: <= 400 bytes an address, >= 50,000 evidence
# writes/s.  Exit 0 when both are met, 2 when not, 1 on error.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build=${1:-}
addresses=${ADDRESSES:-1000000}
threads=${THREADS:-8}
batch=${BATCH:-100}

die() { echo "store-bench: $*" >&2; exit 1; }

command -v redis-server >/dev/null || die "redis-server not found (contrib/install-deps.sh installs it)"
. "$here/build.sh"
bench_build "$build" bench/store_bench

tmp=$(mktemp -d "${TMPDIR:-/tmp}/liveaddr-store-bench.XXXXXX")
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$tmp" --logfile "$tmp/redis.log" >/dev/null 2>&1 &
pid=$!
i=0
until redis-cli -p "$port" ping >/dev/null 2>&1; do
    i=$((i + 1)); [ $i -lt 100 ] || die "redis-server did not start (see $tmp/redis.log)"
    sleep 0.1
done
echo "redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') on port $port (pid $pid)"
echo "$addresses addresses x 3 evidence items, $threads threads, batches of $batch"
status=0
"$build/bench/store_bench" "127.0.0.1:$port" "$addresses" "$threads" "$batch" || status=$?
exit $status
