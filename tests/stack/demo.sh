#!/bin/bash
# demo.sh - the whole liveaddr flow on a private local mail stack.
#
# Usage: demo.sh BUILD_DIR
# Starts the stack (Redis, DNS test server, the dealer's Postfix and a
# customer MX), plays a dealer's CRM sending letters, and tells what happened
# to each, in words.  The demo grows as liveaddr grows; today it shows the
# mail paths liveaddr listens to: delivery, a refusal at RCPT answered by the
# dealer's own DSN, and a remote bounce sent back by the customer's MX.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: demo.sh BUILD_DIR}
PATH=$PATH:/usr/sbin
[ "$(id -u)" = 0 ] || { echo "demo: the Postfix instances need root" >&2; exit 1; }

dir=$(mktemp -d /tmp/liveaddr-demo.XXXXXX)
chmod 755 "$dir"
trap '"$here/stack.sh" stop "$dir/s" >/dev/null 2>&1; rm -rf "$dir"' EXIT
"$here/stack.sh" start "$dir/s" || exit 1
. "$dir/s/stack.env"

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
send() {   # TO SUBJECT
    swaks --server "127.0.0.1:$DEALER_SUBMIT_PORT" -f crm@dealer.test -t "$1" \
        --header "Subject: $2" --body "Dear customer, thank you for your visit." >/dev/null 2>&1 &&
        echo "  CRM -> dealer Postfix (submission): letter to $1 accepted"
}
wait_file() {   # SECONDS PATTERN FILES...: print the first matching file
    local s=$1 pat=$2 i f
    shift 2
    for ((i = 0; i < s * 10; i++)); do
        for f in "$@" $(ls "${DEALER_MAIL}"/crm/new/* 2>/dev/null); do
            [ -f "$f" ] && grep -q "$pat" "$f" && { echo "$f"; return 0; }
        done
        sleep 0.1
    done
    return 1
}
dsn_fields() { grep -E '^(Reporting-MTA|Final-Recipient|Action|Status|Diagnostic-Code):' "$1" | sed 's/^/    /'; }

say "liveaddr configuration check"
"$build/tools/liveaddrctl" -c "$here/../../contrib/liveaddr.conf" config check

say "0. A salesperson types addresses into the CRM: the first verdict"
cat > "$dir/liveaddr.conf" <<CF
DataDirectory $here/../../data
Nameservers 127.0.0.1:$DNS_PORT
RedisServer 127.0.0.1:$REDIS_PORT
Language ${DEMO_LANG:-en}
CF
"$build/tools/liveaddrctl" -c "$dir/liveaddr.conf" check \
    ivan@mail-ok.test petrov@nullmx.test ivan@gmial.com 'ефтглш"ьфшдюкг' \
    sidorov@no-such-domain.test | sed 's/^/  /'
echo "  (the domain verdicts are now shared in Redis: $(redis-cli -p "$REDIS_PORT" --scan --pattern 'la:dom:*' | wc -l) keys la:dom:*)"

say "1. A thank-you letter to a real customer"
send alice@customer.test "Thank you for your purchase"
for ((i = 0; i < 100; i++)); do ls "$CUSTOMER_MAIL"/alice/new/* >/dev/null 2>&1 && break; sleep 0.1; done
if ls "$CUSTOMER_MAIL"/alice/new/* >/dev/null 2>&1; then
    echo "  delivered to alice@customer.test's mailbox at the customer MX"
    grep -m1 'status=sent' "$DEALER_LOG" | sed 's/^.*: to=/    dealer log: to=/'
else
    echo "  NOT delivered (see $DEALER_LOG)"
fi

say "2. A letter to an address that does not exist"
send nobody@customer.test "Your service appointment"
if f=$(wait_file 15 'Final-Recipient: rfc822; nobody@customer.test'); then
    echo "  the customer MX refused it at RCPT; the dealer's Postfix wrote this DSN:"
    dsn_fields "$f"
else
    echo "  no DSN arrived"
fi

say "3. A letter to a full mailbox"
send full@customer.test "Happy birthday"
if f=$(wait_file 15 'Final-Recipient: rfc822; full@customer.test'); then
    echo "  the customer MX accepted it, could not deliver, and sent this DSN back:"
    dsn_fields "$f"
else
    echo "  no DSN arrived"
fi

say "What comes next"
echo "  liveaddr-milter will tag each letter with a signed bounce address, read"
echo "  these DSNs, and turn them into evidence about each address in Redis."
