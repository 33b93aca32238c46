#!/bin/bash
# liveaddrctl-parse.sh - "liveaddrctl parse": the verdicts of stored
# messages as an admin looks at them: one message a file or an mbox of
# several, any line ends, standard input, text and JSON, a missing file.
# The messages are written here (no corpus needed).
set -u
. "$top_srcdir/tests/stack/tap.sh"
ctl=$top_builddir/tools/liveaddrctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tap_plan 9

dsn() {   # RECIPIENT: a Postfix-style DSN, user unknown at RCPT TO
    cat <<EOF
From: MAILER-DAEMON@mx.dealer.test (Mail Delivery System)
To: bounce@dealer.test
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.dealer.test

Final-Recipient: rfc822; $1
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.customer.test
Diagnostic-Code: smtp; 550 5.1.1 <$1>: Recipient address rejected: User unknown in local recipient table (in reply to RCPT TO command)

--B1--
EOF
}
autoreply() {
    cat <<EOF
From: Ivan Petrov <ivan@customer.test>
To: service@dealer.test
Subject: =?UTF-8?B?0JDQstGC0L7QvtGC0LLQtdGC?=
Auto-Submitted: auto-replied

I am on holiday until Monday.
EOF
}

dsn nobody@customer.test > "$tmp/one.eml"
{ echo "From MAILER-DAEMON  Thu Apr 29 23:34:45 2025"; dsn gone@customer.test; echo
  echo "From ivan@customer.test  Fri Apr 30 08:00:00 2025"; autoreply; echo; } > "$tmp/box.mbox"
sed 's/$/\r/' "$tmp/box.mbox" > "$tmp/box-crlf.mbox"

out=$("$ctl" parse "$tmp/one.eml" 2>&1)
tap_check "one message: its recipient, reason and hardness" bash -c "
    printf '%s\n' \"\$1\" | grep -q '^$tmp/one.eml: dsn (rfc3464)$' &&
    printf '%s\n' \"\$1\" | grep -q '^  nobody@customer.test: userunknown hard, failed, status 5.1.1, reply 550 to RCPT'" _ "$out"

out=$("$ctl" parse --json "$tmp/one.eml" 2>&1)
tap_check "--json: one object with the verdict" bash -c "
    test \$(printf '%s\n' \"\$1\" | wc -l) = 1 &&
    printf '%s\n' \"\$1\" | grep -q '^{\"file\":\"$tmp/one.eml\",\"message\":1,\"kind\":\"dsn\"' &&
    printf '%s\n' \"\$1\" | grep -q '\"address\":\"nobody@customer.test\".*\"reason\":\"userunknown\",\"hard\":true'" _ "$out"

out=$("$ctl" parse "$tmp/box.mbox" 2>&1)
tap_check "an mbox: each message named FILE:N with its own verdict" bash -c "
    printf '%s\n' \"\$1\" | grep -q '^$tmp/box.mbox:1: dsn (rfc3464)$' &&
    printf '%s\n' \"\$1\" | grep -q '^  gone@customer.test: userunknown hard' &&
    printf '%s\n' \"\$1\" | grep -q '^$tmp/box.mbox:2: autoreply' &&
    printf '%s\n' \"\$1\" | grep -q '^  ivan@customer.test: vacation' &&
    test \$(printf '%s\n' \"\$1\" | grep -c '^$tmp/box.mbox:') = 2" _ "$out"

json=$("$ctl" parse --json "$tmp/box.mbox" 2>&1)
tap_check "an mbox in JSON: an object a message, numbered" bash -c "
    test \$(printf '%s\n' \"\$1\" | wc -l) = 2 &&
    printf '%s\n' \"\$1\" | sed -n 1p | grep -q '\"message\":1,\"kind\":\"dsn\"' &&
    printf '%s\n' \"\$1\" | sed -n 2p | grep -q '\"message\":2,\"kind\":\"autoreply\"'" _ "$json"

crlf=$("$ctl" parse --json "$tmp/box-crlf.mbox" 2>&1 | sed "s#$tmp/box-crlf.mbox#$tmp/box.mbox#")
tap_check "CRLF line ends: the same verdicts" test "$crlf" = "$json"

tap_check "standard input (-) is read like a file" bash -c "
    '$ctl' parse - < '$tmp/box.mbox' | sed 's#^-:#$tmp/box.mbox:#' | diff - <('$ctl' parse '$tmp/box.mbox')"

out=$("$ctl" parse "$tmp/missing.eml" "$tmp/one.eml" 2>&1); status=$?
tap_check "a missing file: exit 66 (EX_NOINPUT), named, the others still read" bash -c "
    test $status = 66 &&
    printf '%s\n' \"\$1\" | grep -q '^liveaddrctl: $tmp/missing.eml: No such file or directory$' &&
    printf '%s\n' \"\$1\" | grep -q '^$tmp/one.eml: dsn'" _ "$out"

"$ctl" parse > /dev/null 2>&1; status=$?
tap_check "no file named: exit 64 (EX_USAGE)" test "$status" = 64

head -c 300 "$tmp/one.eml" > "$tmp/cut.eml"
out=$("$ctl" parse "$tmp/cut.eml" 2>&1); status=$?
tap_check "a truncated message: a verdict or 'cannot tell', exit 0" bash -c "
    test $status = 0 && printf '%s\n' \"\$1\" | grep -q '^$tmp/cut.eml: '" _ "$out"
