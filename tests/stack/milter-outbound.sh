#!/bin/bash
# milter-outbound.sh - liveaddr-milter in the dealer's Postfix, end to end.
#
# A private stack (Redis, DNS, dealer and customer-MX Postfix) with
# liveaddr-milter on a unix socket (group postfix, mode 0660) as the
# dealer's smtpd_milters and non_smtpd_milters, running as "nobody".
# Checks: a CRM letter with a signed hint reaches the customer MX with the
# signed envelope sender (Return-Path) and the tracking header, without the
# hint, and the store shows "sent" with department, owner and event; the
# tag's MAC is recomputed here with python3's hmac (an independent check of
# the format); a forged and an unsigned hint are stripped and ignored; the
# pickup path (sendmail) is tagged the same way; mail to the dealer from
# outside is left alone; with Redis stopped (SIGSTOP) mail still flows and
# the journal holds the evidence, which a replay restores; SIGHUP reloads
# (three times) without stopping the milter; a wrong SocketMode is refused;
# SIGTERM stops it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
top_builddir=${top_builddir:-$(cd "$here/../.." && pwd)}
milter=$top_builddir/milter/liveaddr-milter
ctl=$top_builddir/tools/liveaddrctl

[ "$(id -u)" = 0 ] || tap_skip_all "Postfix instances need root"
[ -x "$milter" ] || tap_skip_all "$milter not built"
for tool in redis-server redis-cli ldns-testns postfix swaks sendmail python3; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
        tap_skip_all "$tool not found (contrib/install-deps.sh installs it)"
done
getent passwd nobody >/dev/null || tap_skip_all "no user nobody"
PATH=$PATH:/usr/sbin

tap_plan 25
dir=$(mktemp -d /tmp/liveaddr-mo.XXXXXX)
chmod 755 "$dir"
mpid=
cleanup() {
    [ -n "$mpid" ] && kill "$mpid" 2>/dev/null
    [ -f "$dir/s/redis/redis.pid" ] && kill -CONT "$(cat "$dir/s/redis/redis.pid")" 2>/dev/null
    "$here/stack.sh" stop "$dir/s" >/dev/null 2>&1
    rm -rf "$dir"
}
trap cleanup EXIT

TAG_SECRET=0123456789abcdef0123456789abcdef
HINT_SECRET=fedcba9876543210fedcba9876543210
mkdir -p "$dir/etc" "$dir/state"
printf 't1 %s\n' "$TAG_SECRET" > "$dir/etc/tag.keys"
printf 'crm %s\n' "$HINT_SECRET" > "$dir/etc/hint.keys"
chown nobody "$dir/etc/tag.keys" "$dir/etc/hint.keys" "$dir/state"
chmod 600 "$dir/etc/tag.keys" "$dir/etc/hint.keys"
sock=$dir/milter.sock

tap_check "stack starts with the milter socket wired in" \
    "$here/stack.sh" start "$dir/s" --milter "$sock"
. "$dir/s/stack.env"

cat > "$dir/etc/liveaddr.conf" <<EOF
Socket local:$sock
SocketGroup postfix
SocketMode 0660
UserID nobody
Syslog no
LogLevel info
RedisServer 127.0.0.1:$REDIS_PORT
RedisTimeout 500ms
RedisConnectTimeout 300ms
JournalPath $dir/state/journal
Nameservers 127.0.0.1:$DNS_PORT
DNSTimeout 1s
BounceDomain bounce.dealer.test
TagKeyFile $dir/etc/tag.keys
HintKeyFile $dir/etc/hint.keys
EOF

tap_check "liveaddr-milter -n accepts the configuration" "$milter" -n -c "$dir/etc/liveaddr.conf"
"$milter" -f -c "$dir/etc/liveaddr.conf" > "$dir/milter.log" 2>&1 &
mpid=$!
tap_check "the milter listens" wait_for 10 test -S "$sock"
tap_check "the socket is group postfix, mode 0660" \
    test "$(stat -c '%G %a' "$sock")" = "postfix 660"
tap_check "the milter runs as nobody" \
    wait_for 5 bash -c "grep -q '^Uid:[[:space:]]*$(id -u nobody)' /proc/$mpid/status"

# hint VALUE for DEPT signed with SECRET, the format of lib/hint.c
hint() {
    python3 - "$1" "$2" <<'PY'
import sys, hmac, hashlib, base64, time
secret, dept = sys.argv[1].encode(), sys.argv[2]
msg = "v=1; c=C-1001; d=%s; o=petrova.e; e=contract; t=%d; k=crm" % (dept, int(time.time()))
mac = base64.b32encode(hmac.new(secret, msg.encode(), hashlib.sha256).digest()).decode().lower()[:26]
print(msg + "; m=" + mac)
PY
}
send() {   # TO SUBJECT [HEADER]
    local extra=()
    [ $# -ge 3 ] && extra=(--add-header "$3")
    swaks --server "127.0.0.1:$DEALER_SUBMIT_PORT" --helo crm.dealer.test -f crm@dealer.test \
        -t "$1" --header "Subject: $2" "${extra[@]}" --body "Спасибо за покупку." >/dev/null 2>&1
}
delivered() {   # MAILBOX SUBJECT: the file of the delivered letter
    grep -l "Subject: $2" "$CUSTOMER_MAIL/$1"/new/* 2>/dev/null | head -1
}
show() { "$ctl" -c "$dir/ctl.conf" show "$1" 2>&1; }
printf 'RedisServer 127.0.0.1:%s\nJournalPath %s/state/journal\nLanguage en\n' \
    "$REDIS_PORT" "$dir" > "$dir/ctl.conf"

send alice@customer.test "mo-signed" "X-Liveaddr-Hint: $(hint "$HINT_SECRET" sales)"
tap_check "a CRM letter with a signed hint arrives" \
    wait_for 20 bash -c "grep -lq 'Subject: mo-signed' $CUSTOMER_MAIL/alice/new/*"
f=$(delivered alice mo-signed)
tap_check "its envelope sender is the signed bounce address" \
    grep -Eq '^Return-Path: <la1=[a-z2-7]{12}=[a-z2-7]+=t1=[a-z2-7]{16}@bounce\.dealer\.test>' "$f"
tap_check "it carries the tracking header with the same tag" \
    bash -c "tag=\$(sed -n 's/^Return-Path: <\\(la1=[^@]*\\)@.*/\\1/p' '$f');
             grep -q \"^X-Liveaddr-Tag: \$tag\" '$f'"
tap_check "the hint header did not leave the host" bash -c "! grep -qi '^X-Liveaddr-Hint' '$f'"
tap_check "the tag's MAC is HMAC-SHA256 of la1|REF|DAY|KID (checked with python3)" \
    python3 - "$f" "$TAG_SECRET" <<'PY'
import sys, re, hmac, hashlib, base64
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
ref, day, kid, mac = re.search(r"^Return-Path: <la1=([a-z2-7]+)=([a-z2-7]+)=([a-z0-9]+)=([a-z2-7]+)@", text, re.M).groups()
want = base64.b32encode(hmac.new(sys.argv[2].encode(), ("la1|%s|%s|%s" % (ref, day, kid)).encode(), hashlib.sha256).digest()).decode().lower()[:16]
sys.exit(0 if mac == want else 1)
PY
tap_check "the store shows 'sent' with department, owner and event" \
    bash -c "out=\$($ctl -c $dir/ctl.conf show alice@customer.test 2>&1); echo \"\$out\" |
             grep -qi sent && echo \"\$out\" | grep -q sales && echo \"\$out\" | grep -q petrova.e &&
             echo \"\$out\" | grep -q contract"

send bob@customer.test "mo-forged" "X-Liveaddr-Hint: $(hint wrongsecretwrongsecretwrongsecret sales)"
tap_check "a letter with a forged hint still arrives" \
    wait_for 20 bash -c "grep -lq 'Subject: mo-forged' $CUSTOMER_MAIL/bob/new/*"
f=$(delivered bob mo-forged)
tap_check "the forged hint was stripped" bash -c "! grep -qi '^X-Liveaddr-Hint' '$f'"
tap_check "the forged hint was ignored (no department in the store)" \
    bash -c "out=\$($ctl -c $dir/ctl.conf show bob@customer.test 2>&1); echo \"\$out\" | grep -qi sent &&
             ! echo \"\$out\" | grep -q petrova.e"
tap_check "the milter logged the refused hint" wait_for 5 grep -q 'hint was not honoured (bad_mac)' "$dir/milter.log"

printf 'From: crm@dealer.test\nTo: ivan@customer.test\nSubject: mo-pickup\nX-Liveaddr-Hint: d=sales; forged\n\nvia sendmail\n' |
    sendmail -C "$DEALER_CONF" -f crm@dealer.test ivan@customer.test
tap_check "a letter through the pickup path (sendmail) arrives" \
    wait_for 20 bash -c "grep -lq 'Subject: mo-pickup' $CUSTOMER_MAIL/ivan/new/*"
f=$(delivered ivan mo-pickup)
tap_check "... tagged the same way, unsigned hint stripped" \
    bash -c "grep -q '^Return-Path: <la1=.*@bounce.dealer.test>' '$f' && grep -q '^X-Liveaddr-Tag: la1=' '$f' &&
             ! grep -qi '^X-Liveaddr-Hint' '$f'"

swaks --server "127.0.0.1:$DEALER_MX_PORT" --helo mx.customer.test -f ivan@customer.test \
    -t sales@dealer.test --header "Subject: mo-inbound" --body "hello" >/dev/null 2>&1
tap_check "mail from outside to the dealer is left alone" \
    wait_for 20 bash -c "f=\$(grep -l 'Subject: mo-inbound' $DEALER_MAIL/sales/new/* 2>/dev/null | head -1);
        [ -n \"\$f\" ] && grep -q '^Return-Path: <ivan@customer.test>' \"\$f\" && ! grep -q '^X-Liveaddr-Tag' \"\$f\""

rpid=$(cat "$dir/s/redis/redis.pid")
kill -STOP "$rpid"
send bob@customer.test "mo-redis-down"
tap_check "with Redis stopped, mail still flows" \
    wait_for 30 bash -c "grep -lq 'Subject: mo-redis-down' $CUSTOMER_MAIL/bob/new/* 2>/dev/null"
tap_check "... and the journal holds its evidence" \
    bash -c "grep -q 'bob@customer.test' $dir/state/journal"
kill -CONT "$rpid"
tap_check "a replay restores it" \
    bash -c "$ctl -c $dir/ctl.conf journal replay >/dev/null &&
             $ctl -c $dir/ctl.conf show bob@customer.test | grep -q 'sent 2, delivered'"

for i in 1 2 3; do kill -HUP "$mpid"; sleep 0.3; done
tap_check "SIGHUP reloads (three times) and the milter keeps running" \
    bash -c "sleep 1; kill -0 $mpid && grep -q reloaded $dir/milter.log || { cat $dir/milter.log >&2; false; }"
send alice@customer.test "mo-after-reload" "X-Liveaddr-Hint: $(hint "$HINT_SECRET" service)"
tap_check "letters are tagged after the reload" \
    wait_for 20 bash -c "f=\$(grep -l 'Subject: mo-after-reload' $CUSTOMER_MAIL/alice/new/* 2>/dev/null | head -1);
        [ -n \"\$f\" ] && grep -q '^X-Liveaddr-Tag: la1=' \"\$f\""

kill -TERM "$mpid"
tap_check "SIGTERM stops the milter" wait_for 15 bash -c "! kill -0 $mpid 2>/dev/null"
mpid=

sed 's/^SocketMode .*/SocketMode 0666/' "$dir/etc/liveaddr.conf" > "$dir/etc/bad.conf"
"$milter" -f -c "$dir/etc/bad.conf" > "$dir/bad.log" 2>&1 &
bpid=$!
tap_check "a socket writable by everyone is refused" \
    wait_for 10 bash -c "! kill -0 $bpid 2>/dev/null && grep -q 'writable by every user' $dir/bad.log"
kill "$bpid" 2>/dev/null
tap_diag "$(grep -c 'outbound (' "$dir/milter.log") outbound letters logged by the milter"
