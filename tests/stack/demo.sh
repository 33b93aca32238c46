#!/bin/bash
# demo.sh - the whole liveaddr flow on a private local mail stack.
#
# Usage: demo.sh BUILD_DIR
# Starts the stack (Redis, DNS test server, the dealer's Postfix and a
# customer MX), plays a dealer's CRM sending letters, and tells what happened
# to each, in words.  The demo grows as liveaddr grows; today it shows the
# first verdicts of typed addresses, liveaddr-milter tagging a CRM letter
# (signed envelope sender, tracking header, "sent" in the store with what the
# CRM said), and the mail paths the milter will learn from next: a refusal at
# RCPT answered by the dealer's own DSN, and a remote bounce sent back by the
# customer's MX, both now addressed to the signed bounce address.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: demo.sh BUILD_DIR}
PATH=$PATH:/usr/sbin
[ "$(id -u)" = 0 ] || { echo "demo: the Postfix instances need root" >&2; exit 1; }

dir=$(mktemp -d /tmp/liveaddr-demo.XXXXXX)
chmod 755 "$dir"
mpid=
trap '[ -n "$mpid" ] && kill "$mpid"; "$here/stack.sh" stop "$dir/s" >/dev/null 2>&1; rm -rf "$dir"' EXIT
"$here/stack.sh" start "$dir/s" --milter "$dir/milter.sock" --bounce-wiring internal || exit 1
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
        for f in "$@" $(ls "${DEALER_MAIL}"/crm/new/* "${DEALER_MAIL}"/bounces/new/* 2>/dev/null); do
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

say "1. liveaddr-milter joins the dealer's Postfix"
secret=$(openssl rand -hex 32 2>/dev/null || echo 0123456789abcdef0123456789abcdef)
crm_secret=$(openssl rand -hex 32 2>/dev/null || echo fedcba9876543210fedcba9876543210)
printf 't1 %s\n' "$secret" > "$dir/tag.keys"
printf 'crm %s\n' "$crm_secret" > "$dir/hint.keys"
chmod 600 "$dir/tag.keys" "$dir/hint.keys"
cat >> "$dir/liveaddr.conf" <<CF
Socket local:$dir/milter.sock
SocketGroup postfix
Syslog no
JournalPath $dir/journal
BounceDomain bounce.dealer.test
TagKeyFile $dir/tag.keys
HintKeyFile $dir/hint.keys
CF
"$build/milter/liveaddr-milter" -f -c "$dir/liveaddr.conf" > "$dir/milter.log" 2>&1 &
mpid=$!
for ((i = 0; i < 100; i++)); do [ -S "$dir/milter.sock" ] && break; sleep 0.1; done
echo "  listening on local:$dir/milter.sock (smtpd_milters and non_smtpd_milters)"

say "2. A thank-you letter to a real customer, with the CRM's signed hint"
hint=$(python3 - "$crm_secret" <<'PY'
import sys, hmac, hashlib, base64, time
msg = "v=1; c=C-1001; d=sales; o=petrova.e; e=contract; t=%d; k=crm" % int(time.time())
mac = base64.b32encode(hmac.new(sys.argv[1].encode(), msg.encode(), hashlib.sha256).digest()).decode().lower()[:26]
print(msg + "; m=" + mac)
PY
)
echo "  X-Liveaddr-Hint: $hint"
swaks --server "127.0.0.1:$DEALER_SUBMIT_PORT" -f crm@dealer.test -t alice@customer.test \
    --header "Subject: Thank you for your purchase" --add-header "X-Liveaddr-Hint: $hint" \
    --body "Dear customer, thank you for your visit." >/dev/null 2>&1 &&
    echo "  CRM -> dealer Postfix (submission): letter to alice@customer.test accepted"
for ((i = 0; i < 100; i++)); do ls "$CUSTOMER_MAIL"/alice/new/* >/dev/null 2>&1 && break; sleep 0.1; done
if f=$(ls "$CUSTOMER_MAIL"/alice/new/* 2>/dev/null | head -1); [ -n "$f" ]; then
    echo "  delivered to alice@customer.test's mailbox; as it arrived there:"
    grep -E '^(Return-Path|X-Liveaddr-Tag|X-Liveaddr-Hint|Subject):' "$f" | sed 's/^/    /'
    echo "  (the hint did not leave the dealer; the bounce address and the tag are signed)"
    echo "  what liveaddr now knows about the address:"
    "$build/tools/liveaddrctl" -c "$dir/liveaddr.conf" show alice@customer.test | sed 's/^/    /'
else
    echo "  NOT delivered (see $DEALER_LOG)"
fi

say "3. A letter to an address that does not exist"
send nobody@customer.test "Your service appointment"
if f=$(wait_file 15 'Final-Recipient: rfc822; nobody@customer.test'); then
    echo "  the customer MX refused it at RCPT; the dealer's Postfix wrote this DSN:"
    dsn_fields "$f"
else
    echo "  no DSN arrived"
fi

say "4. A letter to a full mailbox"
send full@customer.test "Happy birthday"
if f=$(wait_file 15 'Final-Recipient: rfc822; full@customer.test'); then
    echo "  the customer MX accepted it, could not deliver, and sent this DSN back:"
    dsn_fields "$f"
else
    echo "  no DSN arrived"
fi

say "What the milter learned from them"
echo "  These DSNs went to the signed bounce address; liveaddr-milter checked the"
echo "  tag and turned them into evidence:"
sleep 1
for a in nobody@customer.test full@customer.test; do
    "$build/tools/liveaddrctl" -c "$dir/liveaddr.conf" show "$a" | sed 's/^/    /'
done
echo
grep 'outbound (' "$dir/milter.log" | sed 's/^/  milter: /'
