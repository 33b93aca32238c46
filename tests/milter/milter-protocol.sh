#!/bin/bash
# milter-protocol.sh - liveaddr-milter at the protocol level, without an MTA.
#
# A private redis-server and liveaddr-milter on an inet socket (and on an
# inet6 one when ::1 works), driven by tests/milter/milterclient, which
# prints every modification the milter asks for (miltertest cannot check a
# changed envelope sender).  Checks: a CRM session (daemon_name ORIGINATING)
# gets exactly one chgfrom to a signed bounce address, one tracking header
# with the same tag, and the removal of each X-Liveaddr-* header; a
# session from outside gets no modification at all; two messages on one
# connection get two different references; a recipient in a domain that
# takes no mail is rejected at RCPT with 550 5.1.2 only when
# RejectNoMailDomains is on and never on the local submission path (a DNS
# test server answers for the domains).
set -u
. "$top_srcdir/tests/stack/tap.sh"
mc=$top_builddir/tests/milter/milterclient
milter=$top_builddir/milter/liveaddr-milter

[ -x "$mc" ] && [ -x "$milter" ] || tap_skip_all "milterclient or liveaddr-milter not built"
for tool in redis-server redis-cli ldns-testns python3; do
    command -v "$tool" >/dev/null 2>&1 || tap_skip_all "$tool not found (contrib/install-deps.sh installs it)"
done

tap_plan 17
tmp=$(mktemp -d /tmp/liveaddr-mp.XXXXXX)
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do
        for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
    done
    [ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

rport=$(free_port)
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --dir "$tmp" \
    --logfile "$tmp/redis.log" >/dev/null 2>&1 &
pids+=($!)
wait_for 10 sh -c "redis-cli -p $rport ping 2>/dev/null | grep -q PONG"

# DNS: the stack's zones (nullmx.test takes no mail)
dport=$(free_port)
"$top_srcdir/tests/stack/mkzones" "$top_srcdir/tests/stack/zones.txt" > "$tmp/zones.data" 2>/dev/null
if [ -s "$tmp/zones.data" ]; then
    setsid ldns-testns -p "$dport" "$tmp/zones.data" > "$tmp/dns.log" 2>&1 &
    pids+=($!)
fi

printf 't1 0123456789abcdef0123456789abcdef\n' > "$tmp/tag.keys"
chmod 600 "$tmp/tag.keys"
mport=$(free_port)
write_conf() {   # REJECT(yes|no)
    cat > "$tmp/liveaddr.conf" <<EOF
Socket inet:$mport@127.0.0.1
Syslog no
RedisServer 127.0.0.1:$rport
JournalPath $tmp/journal
Nameservers 127.0.0.1:$dport
DNSTimeout 1s
BounceDomain bounce.dealer.test
TagKeyFile $tmp/tag.keys
RejectNoMailDomains $1
EOF
}
write_conf no
"$milter" -f -c "$tmp/liveaddr.conf" > "$tmp/milter.log" 2>&1 &
mpid=$!
pids+=($mpid)
tap_check "liveaddr-milter listens on inet:PORT@127.0.0.1" \
    wait_for 10 sh -c "printf 'quit\n' | '$mc' inet:$mport@127.0.0.1 -t 500 >/dev/null 2>&1"

crm_session() {   # SPEC DAEMON_NAME: one CRM letter
    cat > "$tmp/s.txt" <<EOF
connect crm.dealer.test 4 10.0.0.5 40000
macro C {daemon_name} $2
mail <crm@dealer.test>
rcpt <anna@customer.test>
header Subject Thank you
header X-Liveaddr-Hint v=1; d=sales; forged
header X-Liveaddr-Tag la1=old
header X-LIVEADDR-HINT second
eoh
body Hello.\r\n
macro E i 4QAB12
eom
quit
EOF
    "$mc" "$1" < "$tmp/s.txt" > "$tmp/out" 2> "$tmp/err"
}
crm_session "inet:$mport@127.0.0.1" ORIGINATING
tap_check "a CRM session ends with one chgfrom to a signed bounce address" \
    test "$(grep -cE '^chgfrom <la1=[a-z2-7]{12}=[a-z2-7]+=t1=[a-z2-7]{16}@bounce\.dealer\.test>$' "$tmp/out")" = 1
tap_check "... one tracking header carrying the same tag" \
    bash -c "tag=\$(sed -n 's/^chgfrom <\\(la1=[^@]*\\)@.*/\\1/p' $tmp/out);
             [ \"\$(grep -c '^addheader X-Liveaddr-Tag ' $tmp/out)\" = 1 ] && grep -q \"^addheader X-Liveaddr-Tag \$tag\$\" $tmp/out"
tap_check "... and the removal of every X-Liveaddr-* header" \
    bash -c "grep -q '^chgheader 1 X-Liveaddr-Hint' $tmp/out && grep -q '^chgheader 1 X-Liveaddr-Tag' $tmp/out &&
             grep -q '^chgheader 2 X-LIVEADDR-HINT' $tmp/out && [ \"\$(grep -c '^chgheader' $tmp/out)\" = 3 ]"
tap_check "... and the session ends cleanly" test ! -s "$tmp/err"

crm_session "inet:$mport@127.0.0.1" mx-in
tap_check "a session from outside gets no modification" \
    bash -c "! grep -qE '^(chgfrom|addheader|chgheader)' $tmp/out && grep -q '^reply mail accept' $tmp/out"

cat > "$tmp/two.txt" <<EOF
connect crm.dealer.test 4 10.0.0.5 40001
macro C {daemon_name} ORIGINATING
mail <crm@dealer.test>
rcpt <anna@customer.test>
header Subject one
eoh
eom
mail <crm@dealer.test>
rcpt <boris@customer.test>
header Subject two
eoh
eom
quit
EOF
"$mc" "inet:$mport@127.0.0.1" < "$tmp/two.txt" > "$tmp/out2" 2>&1
tap_check "two letters on one connection get two different references" \
    bash -c "[ \"\$(grep '^chgfrom' $tmp/out2 | sort -u | wc -l)\" = 2 ]"
tap_check "the store knows both recipients" \
    bash -c "redis-cli -p $rport --scan --pattern 'la:a:*' | grep -q 'anna@customer.test' &&
             redis-cli -p $rport --scan --pattern 'la:a:*' | grep -q 'boris@customer.test'"

if [ -s "$tmp/zones.data" ]; then
    sed 's/anna@customer.test/nora@nullmx.test/' "$tmp/two.txt" | head -7 > "$tmp/nm.txt"
    echo quit >> "$tmp/nm.txt"
    "$mc" "inet:$mport@127.0.0.1" < "$tmp/nm.txt" > "$tmp/out5" 2>&1
    printf 'RedisServer 127.0.0.1:%s\nLanguage en\n' "$rport" > "$tmp/ctl.conf"
    tap_check "a letter to a null-MX domain goes on, and the lookup started at RCPT makes the address invalid" \
        bash -c "grep -q '^chgfrom' $tmp/out5 &&
                 wait_for() { local n=\$1; shift; for ((i=0;i<n*10;i++)); do \"\$@\" && return 0; sleep 0.1; done; return 1; };
                 wait_for 10 sh -c \"'$top_builddir/tools/liveaddrctl' -c $tmp/ctl.conf show nora@nullmx.test | grep -q null_mx\""
    write_conf yes
    kill -HUP "$mpid"
    wait_for 10 grep -q reloaded "$tmp/milter.log"
    cat > "$tmp/rej.txt" <<EOF
connect crm.dealer.test 4 10.0.0.5 40002
macro C {daemon_name} ORIGINATING
mail <crm@dealer.test>
rcpt <nobody@nullmx.test>
rcpt <anna@customer.test>
quit
EOF
    "$mc" "inet:$mport@127.0.0.1" < "$tmp/rej.txt" > "$tmp/out3" 2>&1
    tap_check "RejectNoMailDomains: a null-MX recipient is rejected at RCPT with 550 5.1.2" \
        grep -qE '^reply rcpt replycode 550 5\.1\.2 .*nullmx\.test' "$tmp/out3"
    tap_check "... and a good recipient is not" bash -c "grep -A0 'reply rcpt' $tmp/out3 | tail -1 | grep -q continue"
    sed 's/40002/0/; s/crm.dealer.test 4 10.0.0.5/localhost 4 127.0.0.1/' "$tmp/rej.txt" > "$tmp/rej2.txt"
    "$mc" "inet:$mport@127.0.0.1" < "$tmp/rej2.txt" > "$tmp/out4" 2>&1
    tap_check "... never on the local submission path (non_smtpd_milters)" \
        bash -c "! grep -q 'replycode 5' $tmp/out4"
else
    tap_skip "a letter to a null-MX domain makes the address invalid" "no DNS zones"
    tap_skip "RejectNoMailDomains: a null-MX recipient is rejected" "no DNS zones"
    tap_skip "... and a good recipient is not" "no DNS zones"
    tap_skip "... never on the local submission path" "no DNS zones"
fi

if python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null; then
    m6=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0)); print(s.getsockname()[1])')
    "$milter" -f -c "$tmp/liveaddr.conf" -p "inet6:$m6@[::1]" > "$tmp/milter6.log" 2>&1 &
    pids+=($!)
    wait_for 10 sh -c "printf 'quit\n' | '$mc' 'inet6:$m6@[::1]' -t 500 >/dev/null 2>&1"
    crm_session "inet6:$m6@[::1]" ORIGINATING
    tap_check "the same over inet6:PORT@[::1]" grep -qE '^chgfrom <la1=' "$tmp/out"
else
    tap_skip "the same over inet6:PORT@[::1]" "no IPv6 loopback"
fi

# -n checks what only the start would otherwise find out
sed 's/^Socket .*/Socket inet:1@127.0.0.1/' "$tmp/liveaddr.conf" > "$tmp/n.conf"
"$milter" -n -c "$tmp/n.conf" > /dev/null 2>&1; s_ok=$?
{ cat "$tmp/n.conf"; echo "SocketMode 0666"; } > "$tmp/n1.conf"
"$milter" -n -c "$tmp/n1.conf" > "$tmp/n1.out" 2>&1; s_mode=$?
{ cat "$tmp/n.conf"; echo "UserID no-such-user-liveaddr"; } > "$tmp/n2.conf"
"$milter" -n -c "$tmp/n2.conf" > "$tmp/n2.out" 2>&1; s_user=$?
tap_check "-n refuses a world-writable SocketMode and an unknown UserID (78), passes a good file" \
    test "$s_ok/$s_mode/$s_user" = 0/78/78 -a -n "$(grep -l 'SocketMode' "$tmp/n1.out")" \
    -a -n "$(grep -l 'no-such-user' "$tmp/n2.out")"

# a reload that moves the journal is refused; one that does not is applied
sed -i "s|^JournalPath .*|JournalPath $tmp/journal2|" "$tmp/liveaddr.conf"
kill -USR1 "$mpid"
wait_for 5 grep -q "JournalPath changed" "$tmp/milter.log"
sed -i "s|^JournalPath .*|JournalPath $tmp/journal|" "$tmp/liveaddr.conf"
echo "OutboundSenderDomains dealer.test" >> "$tmp/liveaddr.conf"
kill -USR1 "$mpid"
wait_for 5 grep -q "reloaded $tmp/liveaddr.conf" "$tmp/milter.log"
tap_check "SIGUSR1: a reload that changes JournalPath is refused, a good one applied" \
    bash -c "grep -q 'JournalPath changed' $tmp/milter.log && grep -q 'reloaded $tmp/liveaddr.conf' $tmp/milter.log"

# SIGTERM in the middle of a letter: it finishes; the next one passes untouched
cat > "$tmp/drain.txt" <<EOF
connect crm.dealer.test 4 10.0.0.5 40000
macro C {daemon_name} ORIGINATING
mail <crm@dealer.test>
rcpt <drain@customer.test>
header Subject Before the stop
eoh
sleep 1500
body Hello.\r\n
macro E i 4QDRAIN
eom
mail <crm@dealer.test>
quit
EOF
"$mc" "inet:$mport@127.0.0.1" < "$tmp/drain.txt" > "$tmp/drain.out" 2>&1 &
mcpid=$!
sleep 0.5
kill -TERM "$mpid"
wait "$mcpid"
tap_check "SIGTERM in mid-letter: the letter still ends with its chgfrom" \
    grep -qE '^chgfrom <la1=' "$tmp/drain.out"
wait_for 15 bash -c "! kill -0 $mpid 2>/dev/null"
tap_check "... a letter begun after it passes untouched, and the milter stops" \
    bash -c "tail -n 2 $tmp/drain.out | grep -q 'reply mail accept' && ! kill -0 $mpid 2>/dev/null"
