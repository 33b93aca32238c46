#!/bin/sh
# dev.sh - from a fresh Debian 12 machine (as root) to a running liveaddr.
#
#   sh dev.sh test   install the dependencies, build with warnings as errors
#                    and sanitizers, run every test (unit, tools, the local mail
#                    stack) and "make distcheck"; the last line reads
#                    "N passed, N failed, N skipped"
#   sh dev.sh demo   install the dependencies, build, and show the whole flow
#                    on a private local mail stack (tests/stack/demo.sh)
#
# The build goes to _build/ (test) or _build-demo/ (demo) inside the checkout.
set -u
top=$(cd "$(dirname "$0")" && pwd)
cd "$top" || exit 1
mode=${1:-}

case "$mode" in
test|demo) ;;
*) echo "usage: sh dev.sh test|demo" >&2; exit 64 ;;
esac

summary_printed=no
summary() {   # PASSED FAILED SKIPPED
    echo "$1 passed, $2 failed, $3 skipped"
    summary_printed=yes
}
on_exit() {
    status=$?
    if [ "$mode" = test ] && [ "$summary_printed" = no ]; then
        echo "dev.sh: stopped before the tests ran" >&2
        summary 0 1 0
        exit 1
    fi
    exit $status
}
trap on_exit EXIT

step() { echo "==> $*"; }

step "dependencies (contrib/install-deps.sh)"
if [ "$(id -u)" = 0 ]; then
    sh contrib/install-deps.sh || exit 1
else
    echo "dev.sh: not root: skipping the package install; the build needs them present" >&2
fi

step "autoreconf"
autoreconf -fi > /dev/null 2>&1 || { autoreconf -fi; exit 1; }

if [ "$mode" = demo ]; then
    build=$top/_build-demo
    mkdir -p "$build" && cd "$build" || exit 1
    step "configure and build ($build)"
    "$top/configure" --quiet > configure.out 2>&1 || { cat configure.out; exit 1; }
    make -j"$(nproc)" > make.out 2>&1 || { cat make.out; exit 1; }
    exec bash "$top/tests/stack/demo.sh" "$build"
fi

build=$top/_build
mkdir -p "$build" && cd "$build" || exit 1
step "configure --enable-werror --enable-sanitizers ($build)"
"$top/configure" --quiet --enable-werror --enable-sanitizers > configure.out 2>&1 ||
    { cat configure.out; exit 1; }
step "build"
make -j"$(nproc)" > make.out 2>&1 || { cat make.out; exit 1; }
find . -name '*.trs' -delete
step "make check"
make -j"$(nproc)" check > check.out 2>&1
check_status=$?
grep -a -E '^(PASS|FAIL|ERROR|SKIP|XPASS|XFAIL):' check.out
if [ $check_status -ne 0 ]; then
    for log in $(grep -l -E ':test-result: (FAIL|ERROR|XPASS)' $(find . -name '*.trs')); do
        echo "---- ${log%.trs}.log"
        tail -n 60 "${log%.trs}.log"
    done
fi

step "make distcheck"
distcheck=PASS
make distcheck > distcheck.out 2>&1 || { distcheck=FAIL; tail -n 60 distcheck.out; }
echo "$distcheck: make distcheck"

results=$(find . -path ./liveaddr-\* -prune -o -name '*.trs' -print | xargs cat | sed -n 's/^:test-result: //p')
passed=$(printf '%s\n' "$results" | grep -c -E '^(PASS|XFAIL)')
failed=$(printf '%s\n' "$results" | grep -c -E '^(FAIL|ERROR|XPASS)')
skipped=$(printf '%s\n' "$results" | grep -c '^SKIP')
if [ "$distcheck" = PASS ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
if [ $check_status -ne 0 ] && [ "$failed" -eq 0 ]; then
    echo "dev.sh: make check failed without a failed test (a build error?)" >&2
    failed=1
fi
summary "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ]
