#!/bin/bash
# dns-verdicts.sh - domain verdicts and SPF results against the DNS test server.
#
# Starts ldns-testns alone (no root, no Postfix) on a free port, serving
# zones.txt (through mkzones) with dns-hostile.data in front of it, and runs
# tests/dnsprobe against it: each zone and the verdict it must get, hostile
# answers, the time budget with the slow zone, failover from a dead server,
# a resolv.conf file, threads, and SPF check_host() results through our own
# DNS layer.  The server and the servers it forks are stopped at the end
# (their PIDs are recorded), and the last test checks that none is left.
set -u
. "$top_srcdir/tests/stack/tap.sh"
stack=$top_srcdir/tests/stack
probe=$top_builddir/tests/dnsprobe
PATH=$PATH:/usr/sbin:/sbin

command -v ldns-testns >/dev/null 2>&1 || tap_skip_all "ldns-testns not found (Debian package ldnsutils)"
command -v python3 >/dev/null 2>&1 || tap_skip_all "python3 not found (it picks free ports)"
[ -x "$probe" ] || tap_skip_all "$probe is not built"

tmp=$(mktemp -d /tmp/liveaddr-dns.XXXXXX)
server_pids=()

stop_servers() {
    local pid i
    server_pids+=($(sed -n 's/^forked pid: //p' "$tmp/testns.log" 2>/dev/null))
    for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${server_pids[@]}"; do
        for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
    done
    wait 2>/dev/null
}
trap 'stop_servers; rm -rf "$tmp"' EXIT

free_ports() {   # N: N free ports on 127.0.0.1
    python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

ms_now() { echo $(($(date +%s%N) / 1000000)); }

# ---- start the server: four extra forks, so the slow zone blocks none of the others
{ cat "$stack/dns-hostile.data"; "$stack/mkzones" "$stack/zones.txt"; } > "$tmp/dns.data"
for attempt in 1 2 3; do
    read -r port dead_port < <(free_ports 2)
    ldns-testns -f 4 -p "$port" "$tmp/dns.data" > "$tmp/testns.log" 2>&1 &
    server_pids=($!)
    for ((i = 0; i < 50; i++)); do
        "$probe" -s "127.0.0.1:$port" -b 300 verdict mail-ok.test 2>/dev/null | grep -q ' verdict=ok ' && break
        kill -0 "${server_pids[0]}" 2>/dev/null || break
        sleep 0.1
    done
    "$probe" -s "127.0.0.1:$port" -b 300 verdict mail-ok.test | grep -q ' verdict=ok ' && break
    stop_servers
    server_pids=()
    [ "$attempt" = 3 ] && { echo "Bail out! ldns-testns did not start: $(cat "$tmp/testns.log")"; exit 1; }
done
for ((i = 0; i < 20; i++)); do
    [ "$(grep -c '^forked pid: ' "$tmp/testns.log")" -ge 4 ] && break
    sleep 0.1
done
tap_diag "ldns-testns on port $port: pids ${server_pids[*]} $(sed -n 's/^forked pid: //p' "$tmp/testns.log" | tr '\n' ' ')"

P=(-s "127.0.0.1:$port")

# has_all OUTPUT EXPECT...: each EXPECT is "key=value" (a whole word of the
# output) or "key~text" (the value of key, which may be the last field,
# holds text); on failure the output is shown
has_all() {
    local out=$1 e key
    shift
    # a sanitizer's report (ASan, LSan, UBSan builds) fails every case
    if [[ $out == *Sanitizer* || $out == *"runtime error:"* ]]; then
        echo "$out"
        return 1
    fi
    for e in "$@"; do
        case $e in
        *~*) key=${e%%~*}
             [[ $out == *"$key="*"${e#*~}"* ]] || { echo "missing $e in: $out"; return 1; } ;;
        *)   [[ " ${out//$'\n'/ } " == *" $e "* ]] || { echo "missing $e in: $out"; return 1; } ;;
        esac
    done
}

# vcase NAME DOMAIN EXPECT...: one domain verdict
vcase() {
    local name=$1 domain=$2 out
    shift 2
    out=$("$probe" "${P[@]}" verdict "$domain" 2>&1)
    tap_check "verdict $domain: $name" has_all "$out" "$@"
}

# scase NAME IP HELO FROM EXPECT...: one SPF check
scase() {
    local name=$1 out
    out=$("$probe" "${P[@]}" spf "$2" "$3" "$4" 2>&1)
    shift 4
    tap_check "spf: $name" has_all "$out" "$@"
}

# ---- the zones of zones.txt
vcase "two MX records: ok, with the lowest preference" mail-ok.test \
    verdict=ok class=valid mx_count=2 mx=mx1.mail-ok.test spf=present rcode=0 error=
vcase "no MX but a public A/AAAA: implicit MX, a weak verdict" implicit.test \
    verdict=implicit_mx class=weak mx_count=0 spf=none rcode=0
vcase "RFC 7505 null MX (MX 0 .): invalid" nullmx.test \
    verdict=null_mx class=invalid mx_count=1 mx=
vcase "no MX, an address and SPF \"v=spf1 -all\": not a mail domain" nomail.test \
    verdict=no_mail class=invalid spf=reject_all
vcase "a name with a TXT record only: no mail host" noaddr.test \
    verdict=no_mail_host class=invalid spf=none
vcase "a name nobody has: NXDOMAIN, invalid" no-such-domain.test \
    verdict=nxdomain class=invalid rcode=3
vcase "SERVFAIL: unknown, never invalid" servfail.test \
    verdict=unknown class=temp rcode=2 "error~SERVFAIL"
vcase "only a private IPv4 address (10.0.0.1): no public mail host" private.test \
    verdict=private_host class=invalid
vcase "only an IPv4-mapped private IPv6 address: no public mail host" mapped-private.test \
    verdict=private_host
vcase "only a public IPv6 address: implicit MX" v6only.test verdict=implicit_mx
vcase "a private A and a public AAAA: implicit MX" mixed-addr.test verdict=implicit_mx
vcase "an SPF record in split strings is found" spf-split.test verdict=ok spf=present
vcase "a large answer (a 4 kB TXT next to a 24-string SPF record)" huge-txt.test \
    verdict=ok spf=present mx=mx1.mail-ok.test
vcase "two SPF records and no mail host" spf-two.test verdict=no_mail_host spf=multiple
vcase "capitals and a final dot" MAIL-OK.TEST. verdict=ok mx=mx1.mail-ok.test
vcase "not a domain name: judged without a query" 'bad..name' verdict=bad_name rcode=-1 ms=0

# ---- answers no well-behaved server gives (dns-hostile.data)
vcase "bytes that are no DNS message: unknown" garbage.test verdict=unknown rcode=-1
vcase "REFUSED: unknown" refused.test verdict=unknown rcode=5 "error~REFUSED"
vcase "a truncated UDP answer is asked again over TCP" tc.test verdict=ok mx=mx1.mail-ok.test
vcase "a CNAME chain in the answer is followed, a stranger's MX is not" cname-chain.test \
    verdict=ok mx_count=1 mx=mx.c3.test
vcase "a CNAME loop: unknown, and no endless loop" cname-loop.test \
    verdict=unknown "error~CNAME chain"
vcase "records of the wrong type (an SPF -all in the MX answer) are ignored" wrongtype.test \
    verdict=implicit_mx spf=none
vcase "records of another owner are ignored" otherowner.test verdict=no_mail_host
vcase "a null MX next to a real MX: the real one counts" halfnull.test \
    verdict=ok mx_count=2 mx=mx2.mail-ok.test

out=$("$probe" "${P[@]}" -l ru verdict no-such-domain.test)
tap_check "the verdict text in Russian" has_all "$out" "text~такого домена не существует"

# ---- the time budget: slow.test answers after 3 s
t0=$(ms_now)
out=$("$probe" "${P[@]}" -b 1000 verdict slow.test)
took=$(($(ms_now) - t0))
tap_check "budget 1 s, a zone that answers after 3 s: unknown in ${took} ms (< 1600)" \
    has_all "$out" verdict=unknown "error~no answer in time"
tap_check "budget 1 s held (${took} ms)" test "$took" -ge 900 -a "$took" -lt 1600
t0=$(ms_now)
out=$("$probe" "${P[@]}" -b 5000 verdict slow.test)
took=$(($(ms_now) - t0))
tap_check "budget 5 s, the same zone: ok in ${took} ms" has_all "$out" verdict=ok mx=mx.slow.test
tap_check "budget 5 s held (${took} ms; the TXT lookup used the rest)" \
    test "$took" -ge 2900 -a "$took" -lt 5600

# ---- a dead first server costs its share of the budget, then the next answers
t0=$(ms_now)
out=$("$probe" -s "127.0.0.1:$dead_port" -s "127.0.0.1:$port" -b 2000 verdict mail-ok.test)
took=$(($(ms_now) - t0))
tap_check "a dead first nameserver: ok from the second in ${took} ms (about 1 s)" \
    has_all "$out" verdict=ok
tap_check "failover took half the budget, once (${took} ms)" \
    test "$took" -ge 900 -a "$took" -lt 1600

# ---- no nameserver given: a resolv.conf file, with the default port
printf 'search example.com\nnameserver 127.0.0.1\n' > "$tmp/resolv.conf"
out=$("$probe" -r "$tmp/resolv.conf" -p "$port" verdict mail-ok.test 2>&1)
tap_check "nameservers from a resolv.conf file" has_all "$out" verdict=ok
out=$("$probe" -s "127.0.0.1:99999" verdict mail-ok.test 2>&1); status=$?
tap_check "a bad nameserver is refused with the reason (exit $status): $out" \
    test "$status" = 2 -a "$out" = 'dnsprobe: nameserver "127.0.0.1:99999": bad port "99999" (1 to 65535)'

# ---- the stored text form, and threads sharing one context
out=$("$probe" "${P[@]}" encode mail-ok.test)
tap_check "the text form of a verdict round-trips: $out" \
    bash -c '[[ $1 =~ ^v1\ ok\ present\ 0\ 2\ [0-9]+\ mx1\.mail-ok\.test\ -$ ]]' _ "$out"
out=$("$probe" "${P[@]}" threads 8 10 mail-ok.test nullmx.test no-such-domain.test \
    servfail.test implicit.test tc.test cname-chain.test garbage.test 2>&1)
tap_check "8 threads share one context and agree: $out" has_all "$out" consistent

# ---- SPF check_host() through our DNS layer
scase "pass (ip4 mechanism)" 192.0.2.77 mx.mail-ok.test user@mail-ok.test \
    result=pass identity=mailfrom domain=mail-ok.test "received~Received-SPF: pass"
scase "fail (-all) with our default explanation" 203.0.113.9 x.test "<user@mail-ok.test>" \
    result=fail "explanation~mail-ok.test does not designate 203.0.113.9 as a permitted sender"
scase "softfail (~all after an include that does not match)" 203.0.113.9 x.test u@spf-softfail.test \
    result=softfail
scase "pass through the include" 192.0.2.5 x.test u@spf-softfail.test result=pass
scase "include chain, matched two levels down" 198.51.100.20 x.test u@spf-include.test result=pass
scase "include chain, nothing matches" 203.0.113.1 x.test u@spf-include.test result=fail
scase "neutral (?all)" 203.0.113.9 x.test u@spf-neutral.test result=neutral
scase "none: no SPF record" 203.0.113.9 x.test u@implicit.test result=none
scase "none: the domain does not exist" 203.0.113.9 x.test u@no-such-domain.test result=none
scase "an include of itself: permerror, no hang" 203.0.113.9 x.test u@spf-loop.test result=permerror
scase "11 DNS mechanisms: permerror (10 allowed)" 203.0.113.9 x.test u@spf-many.test \
    result=permerror "reason~too many DNS lookups"
scase "two SPF records: permerror" 192.0.2.5 x.test u@spf-two.test result=permerror
scase "a record in split strings" 203.0.113.5 x.test u@spf-split.test result=pass
scase "mx mechanism: the MX host's address" 192.0.2.11 x.test u@spf-mx.test result=pass
scase "mx mechanism: another address" 192.0.2.99 x.test u@spf-mx.test result=fail
scase "a mechanism" 192.0.2.40 x.test u@spf-a.test result=pass
scase "IPv6 client in ip6:2001:db8::/32" 2001:db8::5 x.test u@spf-v6.test result=pass
scase "IPv6 client outside" 2001:db9::5 x.test u@spf-v6.test result=fail
scase "the domain's explanation (exp=, macros expanded)" 203.0.113.9 x.test u@spf-exp.test \
    result=fail "explanation~Mail from spf-exp.test is not allowed here"
scase "SERVFAIL: temperror (libspf2 says invalid)" 203.0.113.9 x.test u@servfail.test \
    result=temperror "received~Received-SPF: temperror"
scase "SERVFAIL inside an include: temperror" 203.0.113.9 x.test u@spf-inc-servfail.test \
    result=temperror
scase "null sender: postmaster@HELO" 192.0.2.77 mail-ok.test "<>" \
    result=pass identity=helo domain=mail-ok.test "received~envelope-from=postmaster@mail-ok.test;"
scase "the customers' MX sending as customer.test" 198.51.100.25 mx.customer.test \
    bounce@customer.test result=pass
out=$("$probe" "${P[@]}" spfthreads 8 10 192.0.2.77,x.test,u@mail-ok.test \
    203.0.113.9,x.test,u@spf-softfail.test 198.51.100.20,x.test,u@spf-include.test \
    203.0.113.9,x.test,u@spf-many.test 203.0.113.9,x.test,u@servfail.test \
    192.0.2.11,x.test,u@spf-mx.test "192.0.2.77,mail-ok.test,<>" 2>&1)
tap_check "spf: 8 threads share one context and agree: $out" has_all "$out" consistent
t0=$(ms_now)
out=$("$probe" "${P[@]}" -b 1000 spf 203.0.113.9 x.test u@slow.test)
took=$(($(ms_now) - t0))
tap_check "spf: budget 1 s on the slow zone: temperror in ${took} ms (< 1600)" \
    has_all "$out" result=temperror
tap_check "spf budget held (${took} ms)" test "$took" -lt 1600

# ---- stop: every recorded process is gone
stop_servers
alive=""
for pid in "${server_pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
tap_check "stop leaves none of the DNS servers (${server_pids[*]}) running" test -z "$alive"
server_pids=()
tap_plan "$tap_n"
[ "$tap_failed" -eq 0 ]
