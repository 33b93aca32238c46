#!/bin/bash
# milter-inbound.sh - what comes back to the dealer changes the store, end to end.
#
# A private stack (Redis, DNS, dealer and customer-MX Postfix) with
# liveaddr-milter as the dealer's smtpd_milters and non_smtpd_milters, its
# bounces wired with internal_mail_filter_classes = bounce (stack.sh
# --bounce-wiring internal), later rewired to go over SMTP to the bounce
# domain's MX.  Every scenario first sends a CRM letter through the
# dealer's submission port (so the store has "sent" and the letter's
# reference), then makes the report happen, and reads the address's state
# with "liveaddrctl show":
#   - unknown user refused at RCPT by the customer MX: Postfix's own DSN
#     makes it invalid (userunknown), in the internal and the smtp wiring
#   - the customer MX accepts, its mail store refuses: the customer MX's
#     own RFC 3464 DSN over SMTP: gone@ invalid, full@ risky (mailbox
#     full), later@ risky after its 30 s queue life
#   - a null-MX domain is invalid (the milter's DNS check at RCPT)
#   - an ARF complaint to the bounce address: do not mail, and valid
#     (even when the report names another address)
#   - an RFC 3834 auto-reply to the bounce address, and one to a dealer
#     mailbox: valid (autoreply), never a bounce
#   - a customer's reply to sales@: valid (reply); a reply from an address
#     nobody wrote to, or with SPF fail, changes nothing
#   - forged reports (no tag, one character of the MAC changed, an expired
#     tag with a good MAC, SPF fail for HELO and for MAIL FROM) change
#     nothing; the same report, genuine, makes the address invalid
#   - BounceRejectUnsigned yes: an unsigned or badly signed bounce from
#     outside is refused at RCPT, Postfix's own bounce still passes
# Remote senders are impersonated with XCLIENT from 127.0.0.1 (the dealer's
# MX port allows it): SPF is judged on the address XCLIENT gives, because
# libspf2 lets 127.0.0.0/8 pass everything.  Reports are delivered
# (ReportDisposition deliver), so their arrival in the bounces maildir
# says that the milter is done with them.  Injected mail is written and
# sent by python3 (smtplib, email).
# LIVEADDR_TEST_KEEP=1 keeps the test's directory (logs, maildirs).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"
top_builddir=${top_builddir:-$(cd "$here/../.." && pwd)}
milter=$top_builddir/milter/liveaddr-milter
ctl=$top_builddir/tools/liveaddrctl

[ "$(id -u)" = 0 ] || tap_skip_all "Postfix instances need root"
[ -x "$milter" ] || tap_skip_all "$milter not built"
[ -x "$ctl" ] || tap_skip_all "$ctl not built"
for tool in redis-server redis-cli ldns-testns drill postfix python3; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] ||
        tap_skip_all "$tool not found (contrib/install-deps.sh installs it)"
done
getent passwd nobody >/dev/null || tap_skip_all "no user nobody"
PATH=$PATH:/usr/sbin
t_start=$(date +%s)

dir=$(mktemp -d /tmp/liveaddr-mi.XXXXXX)
chmod 755 "$dir"
mpid=
cleanup() {
    if [ -n "$mpid" ]; then
        kill "$mpid" 2>/dev/null
        for _ in $(seq 1 100); do kill -0 "$mpid" 2>/dev/null || break; sleep 0.05; done
        kill -9 "$mpid" 2>/dev/null
    fi
    "$here/stack.sh" stop "$dir/s" >/dev/null 2>&1
    [ -n "${LIVEADDR_TEST_KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT

# ---- keys and the configuration
TAG_SECRET=0123456789abcdef0123456789abcdef
mkdir -p "$dir/etc" "$dir/state"
printf 't1 %s\n' "$TAG_SECRET" > "$dir/etc/tag.keys"
chown nobody "$dir/etc/tag.keys" "$dir/state"
chmod 600 "$dir/etc/tag.keys"
sock=$dir/milter.sock

write_conf() {   # BOUNCE_REJECT_UNSIGNED
    {
        echo "Socket local:$sock"
        echo "SocketGroup postfix"
        echo "SocketMode 0660"
        echo "UserID nobody"
        echo "Syslog no"
        echo "LogLevel debug"
        echo "RedisServer 127.0.0.1:$REDIS_PORT"
        echo "RedisTimeout 1s"
        echo "JournalPath $dir/state/journal"
        echo "Nameservers 127.0.0.1:$DNS_PORT"
        echo "DNSTimeout 1s"
        echo "BounceDomain bounce.dealer.test"
        echo "TagKeyFile $dir/etc/tag.keys"
        echo "BounceRejectUnsigned $1"
        echo "ReportTrustSPFFail no"
        echo "ReportDisposition deliver"
        echo "ReportMaxSize 1m"
        echo "ReplyProof yes"
    } > "$dir/etc/liveaddr.conf.new"
    mv "$dir/etc/liveaddr.conf.new" "$dir/etc/liveaddr.conf"
}


tap_check "stack starts, the dealer's bounces wired through non_smtpd_milters" \
    "$here/stack.sh" start "$dir/s" --milter "$sock" --bounce-wiring internal
. "$dir/s/stack.env"
tap_check "the dealer's main.cf has internal_mail_filter_classes = bounce" \
    grep -qx 'internal_mail_filter_classes = bounce' "$DEALER_CONF/main.cf"

write_conf no
tap_check "liveaddr-milter -n accepts the configuration (with the inbound keys)" \
    "$milter" -n -c "$dir/etc/liveaddr.conf"
"$milter" -f -c "$dir/etc/liveaddr.conf" > "$dir/milter.log" 2>&1 &
mpid=$!
tap_check "the milter listens" wait_for 10 test -S "$sock"
printf 'RedisServer 127.0.0.1:%s\nJournalPath %s/state/journal\nLanguage en\n' \
    "$REDIS_PORT" "$dir" > "$dir/ctl.conf"

# ---- helpers
cat > "$dir/mail.py" <<'PY'
# mail.py - send one letter or report by SMTP; exit 0 accepted, 2 refused
# at RCPT (the reply on stdout), 1 anything else.
#   mail.py PORT KIND [NAME=VALUE ...]
# Common: xclient=ADDR,NAME  helo=NAME  from=ENVELOPE-SENDER  to=RCPT
#         token=TEXT (in the Subject and Message-ID, to find it later)
# KIND letter:    subject
# KIND dsn:       tag= final= status= diag= mta=  (RFC 3464, headers
#                 returned as text/rfc822-headers, tag in X-Liveaddr-Tag)
# KIND arf:       tag= rcpt= (Original-Rcpt-To) orig=(address in the
#                 returned letter's To:)  (RFC 5965, message/rfc822)
# KIND autoreply: hfrom= subject=  (RFC 3834 Auto-Submitted: auto-replied)
# KIND reply:     hfrom= subject=
import base64, smtplib, sys, time
from email.message import EmailMessage, Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.utils import formatdate, make_msgid
from email import message_from_string, policy

port, kind = int(sys.argv[1]), sys.argv[2]
a = dict(x.split("=", 1) for x in sys.argv[3:])
token = a.get("token", "t%d" % time.time_ns())
tag = a.get("tag", "")
bounce_addr = tag + "@bounce.dealer.test" if tag else "crm@dealer.test"

def original(to):
    """the dealer's letter as it left, headers and a short body"""
    h = ["Return-Path: <%s>" % bounce_addr,
         "Received: from crm.dealer.test (localhost [127.0.0.1])\n\tby mx.dealer.test (Postfix) with ESMTP id 4F1A2B3C4D\n\tfor <%s>; %s" % (to, formatdate()),
         "From: =?UTF-8?B?0JDQstGC0L7RgdCw0LvQvtC9?= <crm@dealer.test>",
         "To: <%s>" % to,
         "Subject: =?UTF-8?B?0KHQv9Cw0YHQuNCx0L4g0LfQsCDQv9C+0LrRg9C/0LrRgw==?=",
         "Date: %s" % formatdate(),
         "Message-ID: <crm-%s@dealer.test>" % token,
         "MIME-Version: 1.0",
         "Content-Type: text/plain; charset=utf-8"]
    if tag:
        h.append("X-Liveaddr-Tag: " + tag)
    return "\n".join(h) + "\n"

def report(rtype, human, machine_type, machine, third):
    m = MIMEMultipart("report", report_type=rtype)
    m.attach(MIMEText(human))
    part = MIMEBase(*machine_type.split("/"))
    if machine_type == "message/delivery-status":
        # the generator wants the field groups as a list of header blocks
        blocks = []
        for text in machine.strip().split("\n\n"):
            b = Message()
            for line in text.split("\n"):
                k, v = line.split(": ", 1)
                b[k] = v
            blocks.append(b)
        part.set_payload(blocks)
    else:
        part.set_payload(machine)
    m.attach(part)
    m.attach(third)
    return m

if kind == "letter":
    m = EmailMessage()
    m["From"] = "crm@dealer.test"
    m["To"] = a["to"]
    m["Subject"] = a.get("subject", "letter") + " " + token
    m.set_content("Спасибо за покупку.\n")
elif kind == "dsn":
    final, status = a["final"], a.get("status", "5.1.1")
    diag = a.get("diag", "smtp; 550 5.1.1 <%s>: Recipient address rejected: User unknown" % final)
    mta = a.get("mta", "mx.customer.test")
    machine = ("Reporting-MTA: dns; %s\nArrival-Date: %s\n\n"
               "Final-Recipient: rfc822; %s\nOriginal-Recipient: rfc822;%s\nAction: failed\n"
               "Status: %s\nRemote-MTA: dns; store.customer.test\nDiagnostic-Code: %s\n"
               % (mta, formatdate(), final, final, status, diag))
    third = MIMEBase("text", "rfc822-headers")
    third.set_payload(original(final))
    m = report("delivery-status",
               "This is the mail system at host %s.\n\nYour message could not be delivered.\n\n<%s>: %s\n" % (mta, final, diag),
               "message/delivery-status", machine, third)
    m["From"] = "Mail Delivery System <MAILER-DAEMON@%s>" % mta
    m["To"] = a["to"]
    m["Subject"] = "Undelivered Mail Returned to Sender " + token
    m["Auto-Submitted"] = "auto-replied"
elif kind == "arf":
    rcpt = a["rcpt"]
    machine = ("Feedback-Type: abuse\nUser-Agent: CustomerFBL/1.0\nVersion: 1\n"
               "Original-Mail-From: <%s>\nOriginal-Rcpt-To: <%s>\nArrival-Date: %s\n"
               "Reporting-MTA: dns; fbl.customer.test\nSource-IP: 192.0.2.50\n"
               % (bounce_addr, rcpt, formatdate()))
    body = base64.encodebytes("Спасибо за покупку.\n".encode()).decode()
    orig = message_from_string(original(a.get("orig", rcpt)) + "Content-Transfer-Encoding: base64\n\n" + body,
                               policy=policy.compat32)
    m = report("feedback-report",
               "This is an email abuse report for an email message received from IP 192.0.2.50.\n",
               "message/feedback-report", machine, MIMEMessage(orig))
    m["From"] = "Customer FBL <fbl@customer.test>"
    m["To"] = a["to"]
    m["Subject"] = "FW: abuse report " + token
elif kind in ("autoreply", "reply"):
    m = EmailMessage()
    m["From"] = a["hfrom"]
    m["To"] = a["to"]
    m["Subject"] = a.get("subject", "Re: letter") + " " + token
    m["In-Reply-To"] = "<crm-orig@dealer.test>"
    if kind == "autoreply":
        m["Auto-Submitted"] = "auto-replied"
        m.set_content("Я в отпуске до 1 декабря. С уважением.\n")
    else:
        m.set_content("Спасибо, всё получили. Когда можно забрать машину?\n")
else:
    sys.exit("unknown kind " + kind)
m["Date"] = formatdate()
m["Message-ID"] = "<%s@%s>" % (token, "mail.test")

try:
    s = smtplib.SMTP("127.0.0.1", port, timeout=20)
    s.ehlo("probe.test")
    if "xclient" in a:
        addr, name = a["xclient"].split(",")
        code, msg = s.docmd("XCLIENT", "ADDR=%s NAME=%s" % (addr, name))
        if code != 220:
            print("XCLIENT: %d %s" % (code, msg.decode()))
            sys.exit(1)
    s.ehlo(a.get("helo", "probe.test"))
    s.sendmail(a.get("from", ""), [a["to"]], m.as_bytes())
    s.quit()
except smtplib.SMTPRecipientsRefused as e:
    for r, (code, msg) in e.recipients.items():
        print("%d %s" % (code, msg.decode()))
    sys.exit(2)
except Exception as e:
    print("%s: %s" % (type(e).__name__, e))
    sys.exit(1)
PY
CUST=198.51.100.25,mx.customer.test
SPOOF=203.0.113.66,mx.spoof.test

submit() {   # TO: a CRM letter through submission, token to-LOCALPART
    python3 "$dir/mail.py" "$DEALER_SUBMIT_PORT" letter helo=crm.dealer.test \
        from=crm@dealer.test to="$1" subject="mi-letter" token="to-${1%%@*}"
}
inject() {   # KIND ARGS...: to the dealer's MX port
    local kind=$1
    shift
    python3 "$dir/mail.py" "$DEALER_MX_PORT" "$kind" "$@"
}
show() { "$ctl" -c "$dir/ctl.conf" show "$1" 2>&1; }
# is ADDR VALIDITY [REASON]: the state line says VALIDITY, the reason line REASON
is() {
    local out
    out=$(show "$1")
    echo "$out" | grep -Eq "^  state: .*\($2[,)]" || { echo "$out"; return 1; }
    [ $# -lt 3 ] || echo "$out" | grep -Eq "^  reason: +$3" || { echo "$out"; return 1; }
}
has() {   # ADDR ERE: a line of show matches
    show "$1" | grep -Eq "$2" || { show "$1"; return 1; }
}
sent_ok() { has "$1" 'counts: +sent [1-9]'; }
delivered() {   # MAILBOX TOKEN: the file of the delivered letter
    grep -l "$2" "$CUSTOMER_MAIL/$1"/new/* 2>/dev/null | head -1
}
tag_of() {   # MAILBOX TOKEN: the tag of the letter as it arrived
    local f
    f=$(delivered "$1" "$2") && [ -n "$f" ] && sed -n 's/^X-Liveaddr-Tag: *//p' "$f" | head -1
}
arrived() {   # TOKEN: a report or reply with TOKEN was delivered to a dealer mailbox
    grep -rlq -- "$1" "$DEALER_MAIL"/*/new/ 2>/dev/null
}
bounced() {   # ADDR: a DSN about ADDR arrived in the bounces maildir
    grep -lq "^Final-Recipient: rfc822; *$1" "$DEALER_MAIL"/bounces/new/* 2>/dev/null
}
# mac_tag REF DAY KID: a tag with a good MAC (DAY in days since 1970)
mac_tag() {
    python3 - "$TAG_SECRET" "$@" <<'PY'
import sys, hmac, hashlib, base64
secret, ref, day, kid = sys.argv[1].encode(), sys.argv[2], int(sys.argv[3]), sys.argv[4]
a = "abcdefghijklmnopqrstuvwxyz234567"
d = ""
while True:
    d = a[day % 32] + d
    day //= 32
    if day == 0:
        break
mac = base64.b32encode(hmac.new(secret, ("la1|%s|%s|%s" % (ref, d, kid)).encode(), hashlib.sha256).digest()).decode().lower()[:16]
print("la1=%s=%s=%s=%s" % (ref, d, kid, mac))
PY
}
# tag_day TAG: its DAY field in days since 1970
tag_day() {
    python3 -c 'import sys; print(sum("abcdefghijklmnopqrstuvwxyz234567".index(c) * 32 ** i for i, c in enumerate(reversed(sys.argv[1].split("=")[2]))))' "$1"
}
unknown_addr() { ! "$ctl" -c "$dir/ctl.conf" show "$1" >/dev/null 2>&1; }
refused() { [[ $1 =~ ^5[0-9][0-9]\  ]]; }
same_as() {   # ADDR FILE: show prints what FILE holds
    local now
    now=$(show "$1")
    [ "$now" = "$(cat "$2")" ] || { diff "$2" <(echo "$now"); return 1; }
}

# ---- the letters go out first; later@ needs 30 s to bounce, so it goes first
submit later@customer.test
submit nosuch1@customer.test
submit gone@customer.test
submit full@customer.test
submit someone@nullmx.test
for m in alice bob carol dave ivan erin; do submit "$m@customer.test"; done
letters_out() {
    local m
    for m in alice bob carol dave ivan erin; do
        [ -n "$(tag_of "$m" "to-$m")" ] && sent_ok "$m@customer.test" || return 1
    done
    for m in later nosuch1 gone full; do sent_ok "$m@customer.test" || return 1; done
    sent_ok someone@nullmx.test
}
tap_check "the CRM letters went out tagged and the store has 'sent' for each" wait_for 20 letters_out

# ---- (1) unknown user refused at RCPT: Postfix's own DSN, internal wiring
tap_check "unknown user: Postfix's own DSN passed the milter and arrived" \
    wait_for 15 bounced nosuch1@customer.test
tap_check "... the address is invalid (userunknown, 5.1.1)" \
    wait_for 5 is nosuch1@customer.test invalid 'userunknown, 5\.1\.1'
tap_check "... one hard bounce, nothing else counted as proof" \
    has nosuch1@customer.test 'counts: +sent 1, delivered 0, proofs 0, hard 1, soft 0'

# ---- (2) the customer MX's own DSNs, over SMTP
tap_check "accepted, then user unknown: the customer MX's DSN arrived" \
    wait_for 15 bounced gone@customer.test
tap_check "... gone@ is invalid (userunknown)" wait_for 5 is gone@customer.test invalid userunknown
tap_check "mailbox full: the customer MX's DSN arrived" wait_for 15 bounced full@customer.test
full_ok() { is full@customer.test risky 'mailboxfull, 5\.2\.2' && has full@customer.test 'hard 0, soft 1'; }
tap_check "... full@ is risky (mailboxfull, 5.2.2), one soft bounce" wait_for 5 full_ok

# ---- (3) a null-MX domain
tap_check "null MX: the address is invalid" wait_for 10 is someone@nullmx.test invalid
tap_check "... by the milter's DNS verdict (domain_invalid in the history)" \
    has someone@nullmx.test '^    .*domain_invalid'

# ---- (4) an ARF complaint to the bounce address
tag=$(tag_of bob to-bob)
tap_check "bob's letter carries a tag" test -n "$tag"
inject arf xclient=$CUST helo=mx.customer.test from=fbl@customer.test to="$tag@bounce.dealer.test" \
    tag="$tag" rcpt=bob@customer.test token=mi-arf-1
tap_check "an ARF complaint (Original-Rcpt-To: bob) arrived" wait_for 10 arrived mi-arf-1
tap_check "... bob is do-not-mail (spam complaint)" \
    wait_for 5 has bob@customer.test 'mailing: +do not mail: spam complaint'
tap_check "... and valid: a complaint proves the mailbox (reason complaint)" \
    is bob@customer.test valid complaint
# the feedback loop redacts the recipient: the one-recipient letter decides
tag=$(tag_of erin to-erin)
inject arf xclient=$CUST helo=mx.customer.test from=fbl@customer.test to="$tag@bounce.dealer.test" \
    tag="$tag" rcpt=redacted@customer.test orig=redacted@customer.test token=mi-arf-2
tap_check "an ARF complaint naming another address arrived" wait_for 10 arrived mi-arf-2
tap_check "... it counts for the letter's one recipient (erin: do not mail)" \
    wait_for 5 has erin@customer.test 'mailing: +do not mail: spam complaint'
tap_check "... and not for the address it names" unknown_addr redacted@customer.test

# ---- (5) an RFC 3834 auto-reply to the bounce address
tag=$(tag_of ivan to-ivan)
inject autoreply xclient=$CUST helo=mx.customer.test from= to="$tag@bounce.dealer.test" \
    hfrom="Иван <ivan@customer.test>" subject="Автоответ: Спасибо за покупку" token=mi-auto-1
tap_check "an auto-reply (Автоответ, Auto-Submitted: auto-replied) arrived at the bounce domain" \
    wait_for 10 arrived mi-auto-1
tap_check "... ivan is valid (autoreply)" wait_for 5 is ivan@customer.test valid autoreply
tap_check "... a proof, not a bounce" has ivan@customer.test 'proofs 1, hard 0, soft 0'

# ---- (6) replies to dealer mailboxes
inject reply xclient=$CUST helo=mx.customer.test from=alice@customer.test to=sales@dealer.test \
    hfrom="Alice <alice@customer.test>" subject="Re: Спасибо за покупку" token=mi-reply-1
tap_check "a customer's reply to sales@ arrived" wait_for 10 arrived mi-reply-1
tap_check "... alice is valid (reply)" wait_for 5 is alice@customer.test valid reply
inject autoreply xclient=$CUST helo=mx.customer.test from=dave@customer.test to=crm@dealer.test \
    hfrom="Dave <dave@customer.test>" subject="Out of office" token=mi-auto-2
tap_check "an auto-reply to the CRM mailbox (From: the letter's From) arrived" \
    wait_for 10 arrived mi-auto-2
tap_check "... dave is valid (autoreply)" wait_for 5 is dave@customer.test valid autoreply
inject reply xclient=$CUST helo=mx.customer.test from=frank@customer.test to=sales@dealer.test \
    hfrom="Frank <frank@customer.test>" token=mi-reply-2
tap_check "a reply from an address nobody wrote to arrived" wait_for 10 arrived mi-reply-2
tap_check "... and made no record" unknown_addr frank@customer.test

# ---- (7) forged reports about carol change nothing; the genuine one does
tag=$(tag_of carol to-carol)
ref=$(echo "$tag" | cut -d= -f2) kid=$(echo "$tag" | cut -d= -f4) mac=$(echo "$tag" | cut -d= -f5)
flip=$(echo "$mac" | cut -c1 | tr 'a-z2-7' 'b-z2-7a')$(echo "$mac" | cut -c2-)
badmac=la1=$ref=$(echo "$tag" | cut -d= -f3)=$kid=$flip
expired=$(mac_tag "$ref" $(($(date +%s) / 86400 - 2)) "$kid")
show carol@customer.test > "$dir/carol.before"
inject dsn xclient=$CUST helo=mx.customer.test to=returns@bounce.dealer.test \
    final=carol@customer.test token=mi-forged-notag
inject dsn xclient=$CUST helo=mx.customer.test to=postmaster@bounce.dealer.test \
    final=carol@customer.test token=mi-forged-notag-role
inject dsn xclient=$CUST helo=mx.customer.test to="$badmac@bounce.dealer.test" tag="$badmac" \
    final=carol@customer.test token=mi-forged-badmac
inject dsn xclient=$CUST helo=mx.customer.test to="$expired@bounce.dealer.test" tag="$expired" \
    final=carol@customer.test token=mi-forged-expired
inject dsn xclient=$SPOOF helo=mx.spoof.test to="$tag@bounce.dealer.test" tag="$tag" \
    final=carol@customer.test token=mi-forged-spf-helo
inject dsn xclient=$SPOOF helo=mx.customer.test to="$tag@bounce.dealer.test" tag="$tag" \
    final=carol@customer.test token=mi-forged-spf-customer-helo
inject dsn xclient=$SPOOF helo=mx.spoof.test from=bounces@spoof.test to="$tag@bounce.dealer.test" \
    tag="$tag" final=carol@customer.test token=mi-forged-spf-mailfrom
inject reply xclient=$SPOOF helo=mx.spoof.test from=carol@customer.test to=sales@dealer.test \
    hfrom="Carol <carol@customer.test>" token=mi-forged-reply
forged_in() {
    local t
    for t in notag notag-role badmac expired spf-helo spf-customer-helo spf-mailfrom reply; do
        arrived "mi-forged-$t" || { echo "mi-forged-$t did not arrive"; return 1; }
    done
}
tap_check "eight forged reports about carol arrived (no tag x2, bad MAC, expired, SPF fail x3, a reply with SPF fail)" \
    wait_for 15 forged_in
tap_check "... carol's record is exactly as before" same_as carol@customer.test "$dir/carol.before"
why_not() {   # the milter's log says why: the tag's word, and SPF fail 4 times
    grep -q 'bad_mac' "$dir/milter.log" && grep -q 'expired' "$dir/milter.log" &&
        [ "$(grep -c 'spf=fail' "$dir/milter.log")" -ge 4 ]
}
tap_check "... and the milter logged why (bad_mac, expired, spf=fail x4)" wait_for 5 why_not
tap_check "the expired tag is made as the milter makes tags (carol's real tag recomputed)" \
    test "$(mac_tag "$ref" "$(tag_day "$tag")" "$kid")" = "$tag"
inject dsn xclient=$CUST helo=mx.customer.test to="$tag@bounce.dealer.test" tag="$tag" \
    final=carol@customer.test token=mi-genuine
tap_check "the same report, genuine: carol is invalid (userunknown)" \
    wait_for 10 is carol@customer.test invalid userunknown

# ---- (2, end) later@: deferred, bounced at the end of its 30 s queue life
tap_check "later@: the customer MX's DSN arrived after its queue life" \
    wait_for 60 bounced later@customer.test
later_ok() { is later@customer.test risky && has later@customer.test 'hard 0, soft 1'; }
tap_check "... later@ is risky, one soft bounce" wait_for 5 later_ok
tap_diag "later@customer.test $(show later@customer.test | grep -E '^  reason:' | tr -s ' ')"

# ---- (8) BounceRejectUnsigned yes
write_conf yes
kill -USR1 "$mpid"
tap_check "BounceRejectUnsigned yes: the milter reloads" \
    wait_for 10 bash -c "grep -q reloaded $dir/milter.log && kill -0 $mpid"
out=$(inject dsn xclient=$CUST helo=mx.customer.test to=returns@bounce.dealer.test \
    final=erin@customer.test token=mi-unsigned-2)
tap_check "an unsigned bounce from outside is refused at RCPT (got: $out)" refused "$out"
out=$(inject dsn xclient=$CUST helo=mx.customer.test to=postmaster@bounce.dealer.test \
    final=erin@customer.test token=mi-unsigned-role)
tap_check "... but not one to postmaster@ there (got: ${out:-accepted})" test -z "$out"
out=$(inject dsn xclient=$CUST helo=mx.customer.test to="$badmac@bounce.dealer.test" tag="$badmac" \
    final=erin@customer.test token=mi-badmac-2)
tap_check "... so is one with a bad MAC (got: $out)" refused "$out"
submit nosuch2@customer.test
tap_check "Postfix's own bounce still passes (internal wiring) and arrives" \
    wait_for 15 bounced nosuch2@customer.test
tap_check "... nosuch2@ is invalid (userunknown)" wait_for 5 is nosuch2@customer.test invalid userunknown

# ---- (1, smtp) the bounce domain served over SMTP
tap_check "rewired: the dealer's own bounces go over SMTP to the bounce domain's MX" \
    "$here/stack.sh" wiring "$dir/s" smtp
submit nosuch3@customer.test
over_smtp() {   # ADDR: its DSN arrived through the bounce domain's MX (smtpd)
    local f
    f=$(grep -l "^Final-Recipient: rfc822; *$1" "$DEALER_MAIL"/bounces/new/* 2>/dev/null | head -1)
    [ -n "$f" ] && grep -q 'by bounce-mx.dealer.test' "$f"
}
tap_check "unknown user, smtp wiring: Postfix's own DSN came in over SMTP" \
    wait_for 15 over_smtp nosuch3@customer.test
tap_check "... nosuch3@ is invalid (userunknown)" wait_for 5 is nosuch3@customer.test invalid userunknown

kill -TERM "$mpid"
tap_check "the milter stops on SIGTERM" wait_for 15 bash -c "! kill -0 $mpid 2>/dev/null"
mpid=
if [ "$tap_failed" -ne 0 ]; then
    tap_diag "--- milter log (last 60 lines)"
    tap_diag "$(tail -n 60 "$dir/milter.log")"
fi
tap_diag "took $(($(date +%s) - t_start)) s (stop not counted)"
tap_plan "$tap_n"
[ "$tap_failed" -eq 0 ]
