#!/bin/bash
# test_milterclient.sh - the milter protocol client (tests/milter/milterclient)
# against a real libmilter milter (tests/milter/noop_milter) and against
# fake servers that break the protocol.
#
# noop_milter runs in three modes on unix sockets in a temp dir and once on
# inet:PORT@127.0.0.1: "noop" (every step continues), "modify" (at end of
# message: new envelope sender, "X-Test: yes" added, Subject deleted) and
# "lean" (negotiates "do not send" and "no reply" steps, a macro list and
# SMFIS_SKIP for the body).  Each session's printed lines are compared with
# what the protocol must produce; with -v the milter logs what it received,
# so the tests also check that macros, headers and body bytes arrived.
# A python3 fake server (one connection, canned bytes) sends the replies
# libmilter's noop_milter cannot (progress, insheader, addrcpt_par, replbody,
# quarantine, a multi-line reply code) and the failures, for which
# milterclient must print "error ..." on stderr and exit 2.  Every server is
# stopped by its PID at the end.
set -u
. "$top_srcdir/tests/stack/tap.sh"
mc=$top_builddir/tests/milter/milterclient
milter=$top_builddir/tests/milter/noop_milter

[ -x "$mc" ] && [ -x "$milter" ] || tap_skip_all "milterclient or noop_milter is not built (make check builds them)"
command -v python3 >/dev/null 2>&1 || tap_skip_all "python3 not found (fake servers and free ports)"

tmp=$(mktemp -d /tmp/liveaddr-mc.XXXXXX)
pids=()

stop_all() {
    local pid i
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do
        for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
    done
    wait 2>/dev/null
}
trap 'stop_all; rm -rf "$tmp"' EXIT

# start_milter NAME MODE SPEC: noop_milter in the background, log in $tmp/NAME.log
declare -A milter_pid
start_milter() {
    "$milter" -p "$3" -m "$2" -v 2> "$tmp/$1.log" &
    milter_pid[$1]=$!
    pids+=($!)
    wait_for 10 sh -c 'printf "quit\n" | "$1" "$2" -t 500' _ "$mc" "$3"
}

# session SPEC SCRIPT [OPTIONS]: run milterclient; $tmp/out, $tmp/err, $rc
session() {
    "$mc" "$1" ${3:-} < "$2" > "$tmp/out" 2> "$tmp/err"
    rc=$?
}

# same EXPECTED: the session printed exactly these lines, no error, exit 0
same() {
    diff <(printf '%s\n' "$1") "$tmp/out" && [ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ]
}

# failed PATTERN: exit 2 with "error ..." matching PATTERN on stderr
failed() {
    [ "$rc" -eq 2 ] || { echo "exit $rc, expected 2"; cat "$tmp/err"; return 1; }
    grep -q "^error .*$1" "$tmp/err" || { echo "stderr:"; cat "$tmp/err"; return 1; }
}

# logged NAME LINE...: the milter's log holds each line
logged() {
    local name=$1 line
    shift
    for line in "$@"; do
        grep -qxF "noop_milter: $line" "$tmp/$name.log" || { echo "not logged: $line"; cat "$tmp/$name.log"; return 1; }
    done
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

tap_plan 29

# ---- noop mode: every step continues
start_milter noop noop "unix:$tmp/noop.sock"
cat > "$tmp/session" <<'EOF'
# Postfix order: the macros of a step go first
macro C j mx.example {daemon_name} ORIGINATING v Postfix\x203.7.11
connect client.example 4 192.0.2.1 54321
helo client.example
macro M i 4XyZ1 {auth_authen} joe
mail <joe@dealer.example> SIZE=1234 BODY=8BITMIME
rcpt <customer@example.net>
data
header Subject hello world
header X-Tab a\tb
eoh
body Hello,\r\n\r\nthe body.\r\n
macro E i 4XyZ1
eom
quit
EOF
session "unix:$tmp/noop.sock" "$tmp/session"
tap_check "noop: libmilter negotiates version 6, no actions, no protocol flags" \
    grep -qx 'negotiate version=6 actions=0x00 protocol=0x00' "$tmp/out"
tap_check "noop: one continue reply per step, nothing for macros and quit" same "$(cat <<'EOF'
negotiate version=6 actions=0x00 protocol=0x00
reply connect continue
reply helo continue
reply mail continue
reply rcpt continue
reply data continue
reply header continue
reply header continue
reply eoh continue
reply body continue
reply eom continue
EOF
)"
tap_check "noop: the milter got the macros, ESMTP args, unescaped headers and body" \
    logged noop 'connect client.example' 'envfrom <joe@dealer.example> +args auth_authen=joe' \
    'header Subject: hello world' $'header X-Tab: a\tb' \
    'body 21' 'eom body=21 i=4XyZ1 message=1'

# ---- modify mode: the changes come before the final reply to eom
start_milter modify modify "unix:$tmp/modify.sock"
cat > "$tmp/two" <<'EOF'
connect client.example 6 2001:db8::25 2525
helo client.example
mail <joe@dealer.example>
rcpt <customer@example.net>
data
header Subject first
eoh
body one\r\n
eom
mail <ann@dealer.example>
rcpt <other@example.net>
data
header Subject second
eoh
body two\r\n
eom
quit
EOF
session "unix:$tmp/modify.sock" "$tmp/two"
tap_check "modify: negotiates CHGFROM|ADDHDRS|CHGHDRS (0x51)" \
    grep -qx 'negotiate version=6 actions=0x51 protocol=0x00' "$tmp/out"
eom_block='reply body continue
chgfrom <bounce+test@bounce.example>
addheader X-Test yes
chgheader 1 Subject
reply eom continue'
tap_check "modify: chgfrom, addheader, chgheader (delete) then continue, for both messages" \
    same "negotiate version=6 actions=0x51 protocol=0x00
reply connect continue
reply helo continue
reply mail continue
reply rcpt continue
reply data continue
reply header continue
reply eoh continue
$eom_block
reply mail continue
reply rcpt continue
reply data continue
reply header continue
reply eoh continue
$eom_block"
tap_check "modify: two messages on one connection reached the milter" \
    logged modify 'eom body=5 i=(null) message=1' 'envfrom <ann@dealer.example> auth_authen=(null)' \
    'eom body=5 i=(null) message=2' 'close messages=2'

cat > "$tmp/abort" <<'EOF'
connect client.example 4 192.0.2.1 54321
helo client.example
mail <joe@dealer.example>
rcpt <customer@example.net>
data
header Subject dropped
abort
mail <ann@dealer.example>
rcpt <other@example.net>
data
header Subject kept
eoh
eom
quit
EOF
session "unix:$tmp/modify.sock" "$tmp/abort"
tap_check "abort in the middle: no reply to it, the next message goes on" same "$(cat <<'EOF'
negotiate version=6 actions=0x51 protocol=0x00
reply connect continue
reply helo continue
reply mail continue
reply rcpt continue
reply data continue
reply header continue
reply mail continue
reply rcpt continue
reply data continue
reply header continue
reply eoh continue
chgfrom <bounce+test@bounce.example>
addheader X-Test yes
chgheader 1 Subject
reply eom continue
EOF
)"
tap_check "abort in the middle: the milter aborted once and saw one message" \
    bash -c '[ "$(grep -c "^noop_milter: abort$" "$1")" -eq 1 ] && grep -qx "noop_milter: close messages=1" "$1"' _ "$tmp/modify.log"

# ---- a 200 KB body from a file: 65535 + 65535 + 65535 + 8195 bytes
yes 'a line of body text, as long as a line of body text is.' | head -c 204800 > "$tmp/body"
sed 's|^body .*|bodyfile '"$tmp/body"'|' "$tmp/session" > "$tmp/bodyfile"
session "unix:$tmp/noop.sock" "$tmp/bodyfile"
tap_check "bodyfile 200 KB: four chunks, one continue each" \
    bash -c '[ "$(grep -c "^reply bodyfile continue$" "$1")" -eq 4 ] && grep -qx "reply eom continue" "$1" && [ "$2" -eq 0 ]' _ "$tmp/out" "$rc"
tap_check "bodyfile 200 KB: the milter got 204800 bytes in chunks of at most 65535" \
    logged noop 'body 65535' 'body 8195' 'eom body=204800 i=4XyZ1 message=1'

# ---- inet socket
port=$(free_port)
start_milter inet noop "inet:$port@127.0.0.1"
session "inet:$port@127.0.0.1" "$tmp/session"
tap_check "inet:$port@127.0.0.1: the same session" \
    bash -c 'grep -qx "negotiate version=6 actions=0x00 protocol=0x00" "$1" && grep -qx "reply eom continue" "$1" && [ "$2" -eq 0 ]' _ "$tmp/out" "$rc"
session "inet:$port@[127.0.0.1]" "$tmp/session"
tap_check "inet with a bracketed host literal" \
    bash -c 'grep -qx "reply eom continue" "$1" && [ "$2" -eq 0 ]' _ "$tmp/out" "$rc"

# ---- lean mode: steps not sent, steps without reply, skip, a macro list
start_milter lean lean "unix:$tmp/lean.sock"
cat > "$tmp/lean" <<'EOF'
connect client.example 4 192.0.2.1 54321
helo client.example
macro M {auth_authen} joe i 4XyZ2
mail <joe@dealer.example>
rcpt <customer@example.net>
data
header Subject hello
eoh
body part one\r\n
body part two\r\n
bodyfile BODY
eom
mail <ann@dealer.example>
rcpt <other@example.net>
eoh
body again\r\n
eom
quit
EOF
sed -i "s|BODY|$tmp/body|" "$tmp/lean"
session "unix:$tmp/lean.sock" "$tmp/lean"
# 0x4d722 = NOHELO NOHDRS NOUNKNOWN NODATA SKIP NR_CONN NR_MAIL NR_RCPT NR_EOH
tap_check "lean: negotiated flags 0x4d722 and the macro list for MAIL" \
    bash -c 'head -n 2 "$1" | diff - <(printf "%s\n" "negotiate version=6 actions=0x100 protocol=0x4d722" "setsymlist mail {auth_authen} i")' _ "$tmp/out"
tap_check "lean: skip for unwanted steps, no wait for no-reply steps, body skipped after skip" same "$(cat <<'EOF'
negotiate version=6 actions=0x100 protocol=0x4d722
setsymlist mail {auth_authen} i
skip helo
skip data
skip header
reply body skip
skip body
skip bodyfile
reply eom continue
reply body skip
reply eom continue
EOF
)"
tap_check "lean: the milter got the no-reply steps and one body chunk per message" \
    bash -c 'grep -qx "noop_milter: envfrom <joe@dealer.example> auth_authen=joe" "$1" &&
        [ "$(grep -c "^noop_milter: body " "$1")" -eq 2 ] && ! grep -q "^noop_milter: helo" "$1"' _ "$tmp/lean.log"

# ---- failures: exit 2 with "error ..." on stderr
session "unix:$tmp/nobody.sock" "$tmp/session"
tap_check "no milter on the socket: error, exit 2" failed "connect unix:$tmp/nobody.sock"

# fake PATH ACTION HEX...: one connection; for each HEX (none: one empty) read
# a packet and send HEX; then "close", or "hold" (stay silent).  "$PATH.ready"
# appears when it listens.
fake_py='
import os, socket, sys, time
path, action, replies = sys.argv[1], sys.argv[2], sys.argv[3:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path); s.listen(1)
open(path + ".ready", "w").close()
c, _ = s.accept()
for hexdata in replies or [""]:
    if not c.recv(65536):
        break
    c.sendall(bytes.fromhex(hexdata))
if action == "hold":
    time.sleep(60)
c.close()
'
n_fake=0
fake() {   # ACTION HEX...: start a fake server; $fake is its socket spec
    n_fake=$((n_fake + 1))
    local path=$tmp/fake$n_fake.sock
    python3 -c "$fake_py" "$path" "$@" &
    pids+=($!)
    wait_for 10 test -e "$path.ready"
    fake=unix:$path
}
optneg=0000000d4f000000060000000000000000	# version 6, actions 0, protocol 0
# no macros: the fakes answer each packet, and macros get no answer
printf 'connect client.example 4 192.0.2.1 54321\nhelo client.example\nquit\n' > "$tmp/plain"

fake close
session "$fake" "$tmp/plain"
tap_check "the milter closes at once: error EOF, exit 2" failed "EOF waiting for the reply to negotiate"

fake close 676172626167652167617262616765210a
session "$fake" "$tmp/plain"
tap_check "garbage (a length over 1 MiB): error malformed packet, exit 2" failed "malformed packet after negotiate: length"

fake close 00000000
session "$fake" "$tmp/plain"
tap_check "a packet of length 0: error malformed packet, exit 2" failed "malformed packet after negotiate: length 0"

fake close 0000000d4f00000006
session "$fake" "$tmp/plain"
tap_check "a packet cut short: error EOF, exit 2" failed "EOF waiting for the reply to negotiate"

fake close 000000054f00000006
session "$fake" "$tmp/plain"
tap_check "a negotiate reply without its flags: error malformed, exit 2" failed "malformed negotiate reply"

fake close "$optneg" 000000015a
session "$fake" "$tmp/plain"
tap_check "an unknown reply code: protocol violation, exit 2" failed "protocol violation: unknown reply code 0x5A after connect"

fake close "$optneg" 000000056858007900
session "$fake" "$tmp/plain"
tap_check "addheader after connect, not negotiated: protocol violation, exit 2" \
    failed "protocol violation: addheader after connect"

fake close "$optneg" 0000000d7935353020352e372e31206e6f
session "$fake" "$tmp/plain"
tap_check "a replycode without its NUL: error malformed, exit 2" failed "malformed replycode packet after connect"

# pkt CODE DATA: one packet in hex; DATA with printf %b escapes (\x00 ...)
pkt() {
    local hex
    hex=$(printf "%s%b" "$1" "$2" | od -An -v -tx1 | tr -d ' \n')
    printf '%08x%s' $((${#hex} / 2)) "$hex"
}
eom_replies=$(pkt p '')$(pkt e '<new@x.example>\x00RET=HDRS\x00')
eom_replies+=$(pkt i '\x00\x00\x00\x00X-A\x00v\tw\x00')$(pkt 2 '<r@x.example>\x00NOTIFY=NEVER\x00')
eom_replies+=$(pkt - '<old@x.example>\x00')$(pkt b 'new body\r\n')$(pkt q 'held\x00')
eom_replies+=$(pkt y '550-5.7.1 first\r\n550 5.7.1 second\x00')
fake hold 0000000d4f00000006000001ff00000000 "$(pkt c '')" "$eom_replies"	# all actions
printf 'connect client.example 4 192.0.2.1 54321\neom\n' > "$tmp/mods"
session "$fake" "$tmp/mods"
tap_check "every other reply a milter may send at eom, escaped where needed" same "$(cat <<'EOT'
negotiate version=6 actions=0x1ff protocol=0x00
reply connect continue
progress
chgfrom <new@x.example> RET=HDRS
insheader 0 X-A v\tw
addrcpt_par <r@x.example> NOTIFY=NEVER
delrcpt <old@x.example>
replbody 10
quarantine held
reply eom replycode 550-5.7.1 first\r\n550 5.7.1 second
EOT
)"

# NR_CONN negotiated, but a reply comes anyway: seen before the next step
fake hold 0000000d4f000000060000000000001000 0000000163
printf 'connect client.example 4 192.0.2.1 54321\nsleep 300\nhelo client.example\n' > "$tmp/lie"
session "$fake" "$tmp/lie"
tap_check "a reply to a no-reply step: protocol violation before the next step, exit 2" \
    failed "protocol violation: data from the milter before helo"

fake hold "$optneg"
start_ms=$(($(date +%s%N) / 1000000))
session "$fake" "$tmp/plain" "-t 300"
elapsed=$(($(date +%s%N) / 1000000 - start_ms))
tap_check "a milter that does not answer: timeout after 300 ms (took ${elapsed} ms), exit 2" \
    bash -c '[ "$1" -lt 5000 ] && grep -q "^error timeout after 300 ms waiting for the reply to connect" "$2" && [ "$3" -eq 2 ]' \
    _ "$elapsed" "$tmp/err" "$rc"

printf 'connect client.example 4 192.0.2.1 54321\nfrobnicate now\n' > "$tmp/bad"
session "unix:$tmp/noop.sock" "$tmp/bad"
tap_check "an unknown script command: error with the line number, exit 2" failed "script line 2: unknown command: frobnicate"

# ---- the milters stop on SIGTERM, with exit status 0
for name in noop modify inet lean; do kill -TERM "${milter_pid[$name]}" 2>/dev/null; done
statuses=
for name in noop modify inet lean; do
    wait "${milter_pid[$name]}"
    statuses="$statuses $name=$?"
done
tap_check "noop_milter exits 0 on SIGTERM in every mode:$statuses" \
    bash -c '[ "$1" = " noop=0 modify=0 inet=0 lean=0" ]' _ "$statuses"
