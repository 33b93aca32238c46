#!/bin/bash
# smoke.sh - the local stack works end to end through real Postfix.
#
# Starts a private stack (Redis, DNS test server, dealer and customer-MX
# Postfix), then checks: Redis and the DNS zones answer as zones.txt says; a
# CRM letter submitted to the dealer reaches the customer's mailbox, and so
# does one injected through the pickup path (sendmail); a letter to an unknown
# user is refused at RCPT and the dealer's own DSN lands in the CRM mailbox;
# a letter to a full mailbox is accepted, then bounced by the customer MX,
# whose DSN comes back over SMTP to the dealer's MX port.  Finally the stack
# stops and every recorded process is gone.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"

[ "$(id -u)" = 0 ] || tap_skip_all "Postfix instances need root"
for tool in redis-server redis-cli ldns-testns drill postfix swaks sendmail python3; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
        tap_skip_all "$tool not found (contrib/install-deps.sh installs it)"
done
PATH=$PATH:/usr/sbin

tap_plan 17
dir=$(mktemp -d /tmp/liveaddr-smoke.XXXXXX)
chmod 755 "$dir"   # Postfix's daemons run as postfix and must reach the queue
cleanup() { "$here/stack.sh" stop "$dir" >/dev/null 2>&1; rm -rf "$dir"; }
trap cleanup EXIT

t0=$(date +%s%N)
tap_check "stack starts" "$here/stack.sh" start "$dir/s"
. "$dir/s/stack.env"
tap_diag "stack up in $((($(date +%s%N) - t0) / 1000000)) ms"

tap_check "redis answers over TCP" test "$(redis-cli -p "$REDIS_PORT" ping)" = PONG
tap_check "redis answers over its unix socket" test "$(redis-cli -s "$REDIS_SOCKET" ping)" = PONG
tap_check "redis keeps no data on disk" test "$(redis-cli -p "$REDIS_PORT" config get save | tail -1)" = ""

dig() { drill -p "$DNS_PORT" @127.0.0.1 "$@" 2>&1; }
has() { local pat=$1; shift; dig "$@" | grep -Eq "$pat"; }
tap_check "DNS: mail-ok.test has two MX" test "$(dig MX mail-ok.test | grep -c '^[^;].*IN	MX')" = 2
tap_check "DNS: nullmx.test has the null MX" has 'IN	MX	0 \.$' MX nullmx.test
tap_check "DNS: implicit.test has no MX but an A record" \
    bash -c "! drill -p $DNS_PORT @127.0.0.1 MX implicit.test | grep -q '^[^;].*IN	MX' &&
             drill -p $DNS_PORT @127.0.0.1 A implicit.test | grep -q '192.0.2.20'"
tap_check "DNS: an unknown name gives NXDOMAIN" has 'rcode: NXDOMAIN' MX no-such-domain.test
tap_check "DNS: servfail.test gives SERVFAIL" has 'rcode: SERVFAIL' MX servfail.test
t0=$(date +%s%N)
dig MX slow.test >/dev/null
ms=$((($(date +%s%N) - t0) / 1000000))
tap_check "DNS: slow.test answers only after ~3 s (took ${ms} ms)" test "$ms" -ge 2500
tap_check "DNS: nomail.test has SPF -all and no MX" \
    bash -c "drill -p $DNS_PORT @127.0.0.1 TXT nomail.test | grep -q 'v=spf1 -all' &&
             ! drill -p $DNS_PORT @127.0.0.1 MX nomail.test | grep -q '^[^;].*IN	MX'"

mailbox_has() {   # MAILDIR PATTERN: a delivered message matches
    grep -lqE "$2" "$1"/new/* 2>/dev/null
}
swaks_send() {   # PORT TO SUBJECT
    swaks --server "127.0.0.1:$1" --helo crm.dealer.test -f crm@dealer.test -t "$2" \
        --header "Subject: $3" --body "Thank you for your visit." >/dev/null 2>&1
}

swaks_send "$DEALER_SUBMIT_PORT" alice@customer.test "smoke-submission"
tap_check "CRM letter via submission reaches the customer MX" \
    wait_for 15 mailbox_has "$CUSTOMER_MAIL/alice" 'Subject: smoke-submission'

printf 'From: crm@dealer.test\nTo: bob@customer.test\nSubject: smoke-pickup\n\nvia sendmail\n' |
    sendmail -C "$DEALER_CONF" -f crm@dealer.test bob@customer.test
tap_check "CRM letter via the pickup path (sendmail) reaches the customer MX" \
    wait_for 15 mailbox_has "$CUSTOMER_MAIL/bob" 'Subject: smoke-pickup'

swaks_send "$DEALER_SUBMIT_PORT" nobody@customer.test "smoke-unknown"
tap_check "unknown user: the dealer's own DSN (5.1.1) reaches the CRM mailbox" \
    wait_for 15 bash -c "grep -l 'Final-Recipient: rfc822; nobody@customer.test' $DEALER_MAIL/crm/new/* |
        xargs grep -l 'Reporting-MTA: dns; mx.dealer.test' | xargs grep -q 'Status: 5.1.1'"
tap_check "unknown user was refused at RCPT by the customer MX" \
    grep -q 'to=<nobody@customer.test>.*550 5.1.1.*in reply to RCPT TO' "$DEALER_LOG"

swaks_send "$DEALER_SUBMIT_PORT" full@customer.test "smoke-full"
tap_check "full mailbox: the customer MX's DSN (5.2.2) comes back over SMTP" \
    wait_for 15 bash -c "grep -l 'Final-Recipient: rfc822; full@customer.test' $DEALER_MAIL/crm/new/* |
        xargs grep -l 'Reporting-MTA: dns; mx.customer.test' | xargs grep -q 'Status: 5.2.2'"

pids=$(cat "$dir/s/redis/redis.pid" "$dir/s/dns/testns.pid" "$dir/s/dealer/queue/pid/master.pid" \
    "$dir/s/customer/queue/pid/master.pid" 2>/dev/null | tr -s ' \n' ' ')
"$here/stack.sh" stop "$dir/s" >/dev/null 2>&1
alive=""
for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive="$alive $pid"; done
tap_check "stop leaves none of the recorded processes ($pids) running" test -z "$alive"
[ "$tap_failed" -eq 0 ]
