#!/bin/bash
# check-cli.sh - "liveaddrctl check" end to end against the local DNS test
# server and Redis: each zone case gets the verdict and exit status the
# check table promises, answers are shared through Redis (a second process
# gets them from there, with the Postfix verify-cache lifetimes, even when
# DNS is gone), the slow zone cannot break the time budget, and a dead Redis
# only costs the sharing.
set -u
. "$top_srcdir/tests/stack/tap.sh"
ctl=$top_builddir/tools/liveaddrctl
for tool in redis-server redis-cli ldns-testns drill python3; do
    command -v "$tool" >/dev/null 2>&1 || tap_skip_all "$tool not found (contrib/install-deps.sh installs it)"
done
dir=$(mktemp -d /tmp/liveaddr-check.XXXXXX)
trap '"$top_srcdir/tests/stack/stack.sh" stop "$dir/s" >/dev/null 2>&1; rm -rf "$dir"' EXIT
"$top_srcdir/tests/stack/stack.sh" start "$dir/s" --no-postfix >/dev/null || tap_skip_all "the stack did not start"
. "$dir/s/stack.env"
cat > "$dir/liveaddr.conf" <<CF
DataDirectory $top_srcdir/data
Nameservers 127.0.0.1:$DNS_PORT
DNSTimeout 1s
RedisServer 127.0.0.1:$REDIS_PORT
Language en
CF
tap_plan 24

# field JSON PATH: one field of a JSON object (a.b for nested), "null" for null
field() {
    python3 -c 'import json,sys
v=json.loads(sys.argv[1])
for k in sys.argv[2].split("."):
    v = v[k] if v is not None else None
print("null" if v is None else v)' "$1" "$2"
}
run() { out=$("$ctl" -c "$dir/liveaddr.conf" check --json "$@" 2>"$dir/stderr"); status=$?; }
expect() {   # NAME ADDRESS VERDICT REASON STATUS
    run "$2"
    tap_check "$1: $2 is $3 ($4), exit $5" bash -c '[ "$1" = "$2" ] && [ "$3" = "$4" ] && [ "$5" = "$6" ]' _ \
        "$(field "$out" verdict)" "$3" "$(field "$out" reason)" "$4" "$status" "$5"
}

expect "MX" ivan@mail-ok.test valid domain_accepts_mail 0
tap_check "the first answer came from DNS, with both MX" \
    test "$(field "$out" dns.source)/$(field "$out" dns.mx_count)/$(field "$out" dns.mx)" = "dns/2/mx1.mail-ok.test"
run ivan@mail-ok.test
tap_check "a second process gets it from Redis" test "$(field "$out" dns.source)" = redis
expect "null MX" x@nullmx.test invalid null_mx 1
expect "implicit MX" y@implicit.test risky implicit_mx 3
expect "NXDOMAIN" z@no-such-domain.test invalid nxdomain 1
expect "no MX, SPF -all" q@nomail.test invalid no_mail 1
expect "no mail host" n@noaddr.test invalid no_mail_host 1
expect "SERVFAIL" w@servfail.test unknown dns_unknown 2

t0=$(date +%s%N)
run s@slow.test
ms=$((($(date +%s%N) - t0) / 1000000))
tap_check "slow DNS: unknown, and the 1 s budget holds (whole command took ${ms} ms)" \
    bash -c '[ "$1" = unknown ] && [ "$2" -lt 1800 ]' _ "$(field "$out" verdict)" "$ms"

ttl=$(redis-cli -p "$REDIS_PORT" ttl la:dom:mail-ok.test)
tap_check "a domain that takes mail is shared for 31 days (TTL $ttl s)" \
    bash -c '[ "$1" -gt 2678000 ] && [ "$1" -le 2678400 ]' _ "$ttl"
ttl=$(redis-cli -p "$REDIS_PORT" ttl la:dom:nullmx.test)
tap_check "a domain that takes no mail is shared for 3 days (TTL $ttl s)" \
    bash -c '[ "$1" -gt 259000 ] && [ "$1" -le 259200 ]' _ "$ttl"
ttl=$(redis-cli -p "$REDIS_PORT" ttl la:dom:servfail.test)
tap_check "a domain DNS could not judge is kept about a minute (TTL $ttl s)" \
    bash -c '[ "$1" -gt 0 ] && [ "$1" -le 60 ]' _ "$ttl"

run --no-dns "ivan@gmial.com"
tap_check "a typo: risky, with the suggestion, never rewritten" \
    test "$(field "$out" verdict)/$(field "$out" suggestion.address)/$(field "$out" address)" = \
        "risky/ivan@gmail.com/ivan@gmial.com"
run --no-dns 'ефтглш"ьфшдюкг'
tap_check "the Russian keyboard layout: invalid as typed, tanuki@mail.ru suggested" \
    test "$(field "$out" verdict)/$(field "$out" suggestion.address)/$(field "$out" suggestion.rule)" = \
        "invalid/tanuki@mail.ru/keyboard_layout"
run --no-dns "ivan@mail-ok.test"
tap_check "without DNS a good address is unknown (not_checked), exit 2" \
    test "$(field "$out" verdict)/$(field "$out" reason)/$status" = "unknown/not_checked/2"

out=$(printf 'a@mail-ok.test\nb@nullmx.test\n\nc@implicit.test\r\n' |
    "$ctl" -c "$dir/liveaddr.conf" check --json -); status=$?
tap_check "stdin: one JSON object a line, blank lines skipped, exit of the worst (invalid)" \
    bash -c '[ "$(printf "%s\n" "$1" | wc -l)" = 3 ] && [ "$2" = 1 ]' _ "$out" "$status"

out=$("$ctl" -c "$dir/liveaddr.conf" check --lang ru x@nullmx.test)
tap_check "Russian words with --lang ru" bash -c 'grep -q "вердикт:.*недействителен" <<<"$1"' _ "$out"
out=$("$ctl" -c "$dir/liveaddr.conf" check --json --no-dns 'иван@почта.рф')
tap_check "IDN: the domain is checked as its A-label" \
    test "$(field "$out" domain)/$(field "$out" display)" = "xn--80a1acny.xn--p1ai/иван@почта.рф"

# DNS goes away: answers shared in Redis still serve a new process
kill -- "-$(head -n 1 "$dir/s/dns/testns.pid")" 2>/dev/null; sleep 0.2
run ivan@mail-ok.test
tap_check "DNS down: the shared answer still serves (valid, from Redis)" \
    test "$(field "$out" verdict)/$(field "$out" dns.source)" = "valid/redis"
expect "DNS down, never asked before" new@customer.test unknown dns_unknown 2

# Redis goes away: verdicts still come (from DNS) - restart DNS first
setsid ldns-testns -p "$DNS_PORT" "$dir/s/dns/dns.data" > /dev/null 2>&1 &
dnspid=$!
wait_for 5 bash -c "drill -p $DNS_PORT @127.0.0.1 MX mail-ok.test | grep -q NOERROR"
redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1
run ivan@customer.test
tap_check "Redis down: the verdict comes from DNS" \
    test "$(field "$out" verdict)/$(field "$out" dns.source)/$status" = "valid/dns/0"
kill "$dnspid" 2>/dev/null

printf 'Nameservers not-an-address\n' > "$dir/bad.conf"
"$ctl" -c "$dir/bad.conf" check x@mail-ok.test >/dev/null 2>"$dir/stderr"; status=$?
tap_check "a bad nameserver in the file: exit 78 with a reason" \
    bash -c '[ "$1" = 78 ] && [ -s "$2" ]' _ "$status" "$dir/stderr"
"$ctl" -c "$dir/liveaddr.conf" check >/dev/null 2>&1; status=$?
tap_check "no address: usage, exit 64" test "$status" = 64
[ "$tap_failed" -eq 0 ]
