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
# test server answers for the domains).  What comes back: the milter asks for
# SMFIP_SKIP and skips an outbound letter's body; a Postfix DSN to a letter's
# signed bounce address is delivered unchanged and makes its recipient a
# hard bounce in the store; with BounceRejectUnsigned an unsigned bounce
# recipient is refused at RCPT in smtpd but not on the local submission path;
# with ReportDisposition discard a processed report is discarded at EOM, an
# unprocessed (forged) one delivered.
set -u
. "$top_srcdir/tests/stack/tap.sh"
mc=$top_builddir/tests/milter/milterclient
milter=$top_builddir/milter/liveaddr-milter

[ -x "$mc" ] && [ -x "$milter" ] || tap_skip_all "milterclient or liveaddr-milter not built"
for tool in redis-server redis-cli ldns-testns python3; do
    command -v "$tool" >/dev/null 2>&1 || tap_skip_all "$tool not found (contrib/install-deps.sh installs it)"
done

tap_plan 27
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
write_conf() {   # REJECT(yes|no) [MORE LINES]
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
${2:-}
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
    bash -c "! grep -qE '^(chgfrom|addheader|chgheader)' $tmp/out && grep -qE '^reply (mail|eoh) accept' $tmp/out"

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

printf 'RedisServer 127.0.0.1:%s\nLanguage en\n' "$rport" > "$tmp/ctl.conf"
if [ -s "$tmp/zones.data" ]; then
    sed 's/anna@customer.test/nora@nullmx.test/' "$tmp/two.txt" | head -7 > "$tmp/nm.txt"
    echo quit >> "$tmp/nm.txt"
    "$mc" "inet:$mport@127.0.0.1" < "$tmp/nm.txt" > "$tmp/out5" 2>&1
    tap_check "a letter to a null-MX domain goes on, and the lookup started at RCPT makes the address invalid" \
        bash -c "grep -q '^chgfrom' $tmp/out5 &&
                 wait_for() { local n=\$1; shift; for ((i=0;i<n*10;i++)); do \"\$@\" && return 0; sleep 0.1; done; return 1; };
                 wait_for 10 sh -c \"'$top_builddir/tools/liveaddrctl' -c $tmp/ctl.conf show nora@nullmx.test | grep -q null_mx\""
    write_conf yes
    reject=yes
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

# ---- what comes back (issue 6)
tap_check "the milter asks for SMFIP_SKIP, and for the body (reports need it)" \
    bash -c "p=\$(sed -n 's/^negotiate .*protocol=\(0x[0-9a-fA-F]*\).*/\1/p' $tmp/out2 | head -1);
             [ -n \"\$p\" ] && (( (p & 0x400) != 0 && (p & 0x10) == 0 ))"
crm_session "inet:$mport@127.0.0.1" ORIGINATING
tap_check "an outbound letter's body is skipped after its first chunk" \
    grep -q '^reply body skip' "$tmp/out"

letter_to() {   # RCPT: one CRM letter; prints its tag
    printf 'connect crm.dealer.test 4 10.0.0.5 40003\nmacro C {daemon_name} ORIGINATING\nmail <crm@dealer.test>\nrcpt <%s>\nheader Subject Your car\neoh\nbody Hello.\\r\\n\neom\nquit\n' "$1" |
        "$mc" "inet:$mport@127.0.0.1" | sed -n 's/^chgfrom <\(la1=[^@]*\)@.*/\1/p'
}
write_dsn() {   # RCPT TAG: a DSN as Postfix writes it, quoting the tracking header
    cat > "$tmp/dsn.txt" <<END
This is a MIME-encapsulated message.

--4QDSN.1718002800/mx1.mail-ok.test
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx1.mail-ok.test.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<$1>: host mbox.mail-ok.test[192.0.2.26] said: 550 5.1.1
    <$1>: Recipient address rejected: User unknown in local recipient
    table (in reply to RCPT TO command)

--4QDSN.1718002800/mx1.mail-ok.test
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx1.mail-ok.test
X-Postfix-Queue-ID: 4QDSN
X-Postfix-Sender: rfc822; $2@bounce.dealer.test
Arrival-Date: Mon, 10 Jun 2024 09:59:58 +0300 (MSK)

Final-Recipient: rfc822; $1
Original-Recipient: rfc822;$1
Action: failed
Status: 5.1.1
Remote-MTA: dns; mbox.mail-ok.test
Diagnostic-Code: smtp; 550 5.1.1 <$1>: Recipient address rejected: User
    unknown in local recipient table

--4QDSN.1718002800/mx1.mail-ok.test
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Return-Path: <$2@bounce.dealer.test>
From: Sales <crm@dealer.test>
To: $1
Subject: Your car
X-Liveaddr-Tag: $2

--4QDSN.1718002800/mx1.mail-ok.test--
END
    sed -i 's/$/\r/' "$tmp/dsn.txt"
}
dsn_session() {   # ENVELOPE-LOCAL-PART ID: that DSN from mx1.mail-ok.test
    cat > "$tmp/dsn.s" <<END
connect mx1.mail-ok.test 4 192.0.2.10 40100
helo mx1.mail-ok.test
mail <>
rcpt <$1@bounce.dealer.test>
header From MAILER-DAEMON@mx1.mail-ok.test (Mail Delivery System)
header To $1@bounce.dealer.test
header Subject Undelivered Mail Returned to Sender
header Message-Id <$2@mx1.mail-ok.test>
header Auto-Submitted auto-replied
header MIME-Version 1.0
header Content-Type multipart/report; report-type=delivery-status;\r\n\tboundary="4QDSN.1718002800/mx1.mail-ok.test"
eoh
bodyfile $tmp/dsn.txt
macro E i 4QDSN$2
eom
quit
END
    "$mc" "inet:$mport@127.0.0.1" < "$tmp/dsn.s" > "$tmp/dsn.out" 2> "$tmp/dsn.err"
}
printf 'RedisServer 127.0.0.1:%s\nLanguage en\n' "$rport" > "$tmp/ctl.conf"
olga=$(letter_to olga@customer.test)
write_dsn olga@customer.test "$olga"
dsn_session "$olga" d1
tap_check "a DSN to a letter's signed bounce address is delivered unchanged" \
    bash -c "grep -q '^reply eom continue' $tmp/dsn.out && ! grep -qE '^(chgfrom|addheader|chgheader|insheader)' $tmp/dsn.out && ! test -s $tmp/dsn.err"
tap_check "... and makes its recipient a hard bounce in the store" \
    bash -c "'$top_builddir/tools/liveaddrctl' -c $tmp/ctl.conf show olga@customer.test | grep -q 'hard 1,'"

nreload=$(grep -c 'reloaded' "$tmp/milter.log")
write_conf "${reject:-no}" "BounceRejectUnsigned yes
ReportDisposition discard"
kill -HUP "$mpid"
wait_for 10 bash -c "[ \$(grep -c reloaded $tmp/milter.log) -gt $nreload ]"
cat > "$tmp/unsigned.txt" <<END
connect mx.other.test 4 198.51.100.7 40200
mail <>
rcpt <la1=forged=x=t1=y@bounce.dealer.test>
rcpt <postmaster@bounce.dealer.test>
quit
END
"$mc" "inet:$mport@127.0.0.1" < "$tmp/unsigned.txt" > "$tmp/unsigned.out" 2>&1
tap_check "BounceRejectUnsigned: an unsigned bounce recipient is refused at RCPT (550 5.7.1)" \
    bash -c "grep '^reply rcpt' $tmp/unsigned.out | head -1 | grep -qE '^reply rcpt replycode 550 5\.7\.1'"
tap_check "... postmaster@ is not" \
    bash -c "grep '^reply rcpt' $tmp/unsigned.out | tail -1 | grep -q 'reply rcpt continue'"
sed 's/mx.other.test 4 198.51.100.7 40200/localhost 4 127.0.0.1 0/' "$tmp/unsigned.txt" > "$tmp/unsigned2.txt"
"$mc" "inet:$mport@127.0.0.1" < "$tmp/unsigned2.txt" > "$tmp/unsigned2.out" 2>&1
tap_check "... nor on the local submission path (Postfix's own bounces)" \
    bash -c "! grep -q 'replycode' $tmp/unsigned2.out && [ \$(grep -c '^reply rcpt continue' $tmp/unsigned2.out) = 2 ]"

pavel=$(letter_to pavel@customer.test)
write_dsn pavel@customer.test "$pavel"
dsn_session "$pavel" d2
tap_check "ReportDisposition discard: a processed report is discarded at EOM" \
    grep -q '^reply eom discard' "$tmp/dsn.out"
write_dsn pavel@customer.test "la1=aaaaaaaaaaaa=zz=t1=aaaaaaaaaaaaaaaa"
dsn_session postmaster d3
tap_check "... one with a forged tag changes nothing and is delivered" \
    bash -c "grep -q '^reply eom continue' $tmp/dsn.out &&
             '$top_builddir/tools/liveaddrctl' -c $tmp/ctl.conf show pavel@customer.test | grep -q 'hard 1,'"
tap_check "one log line a report, with the queue id" \
    bash -c "grep -q '4QDSNd2: inbound report (dsn): tag=ok' $tmp/milter.log &&
             grep -q '4QDSNd3: inbound report (dsn): tag=bad' $tmp/milter.log"

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
