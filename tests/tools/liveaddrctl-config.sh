#!/bin/bash
# liveaddrctl-config.sh - "liveaddrctl config check|show": the check-only
# mode a mail admin runs before a reload, and the effective configuration.
set -u
. "$top_srcdir/tests/stack/tap.sh"
ctl=$top_builddir/tools/liveaddrctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tap_plan 8

tap_check "the shipped example liveaddr.conf is valid" \
    "$ctl" -c "$top_srcdir/contrib/liveaddr.conf" config check

printf 'Syslog no\nSyslogFacility local3\n' > "$tmp/good.conf"
tap_check "a good file: OK and exit 0" bash -c "'$ctl' -c '$tmp/good.conf' config check | grep -q ': OK$'"

printf 'Syslog no\n# comment\nSyslogFacilty mail\nLogLevel loud\n' > "$tmp/bad.conf"
out=$("$ctl" -c "$tmp/bad.conf" config check 2>&1); status=$?
tap_check "a bad file exits 78 (EX_CONFIG)" test "$status" = 78
tap_check "each problem is named with its line" bash -c "
    printf '%s\n' \"\$1\" | grep -qx '$tmp/bad.conf:3: unknown name \"SyslogFacilty\"' &&
    printf '%s\n' \"\$1\" | grep -qx '$tmp/bad.conf:4: LogLevel: \"loud\" is not one of error|warning|notice|info|debug'" _ "$out"

tap_check "config show prints what the file set" bash -c "
    '$ctl' -c '$tmp/good.conf' config show | diff - <(printf 'Syslog no\nSyslogFacility local3\n')"

"$ctl" -c "$tmp/good.conf" config show -a > "$tmp/all.conf"
tap_check "config show -a writes a file that checks clean" "$ctl" -c "$tmp/all.conf" config check

"$ctl" -c "$tmp/missing.conf" config check > /dev/null 2>&1; status=$?
tap_check "a file named with -c must exist" test "$status" = 78
undocumented=$(grep -v '^#' "$tmp/all.conf" | cut -d' ' -f1 | while read -r key; do
    grep -q "^\.BR\? .*\b$key\b" "$top_srcdir/docs/liveaddr.conf.5" || echo "$key"; done)
tap_check "every key is documented in liveaddr.conf(5)${undocumented:+ (missing: $(echo $undocumented))}" \
    test -z "$undocumented"
[ "$tap_failed" -eq 0 ]
