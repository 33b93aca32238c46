#!/bin/sh
# milter-throughput.sh - Postfix throughput and per-message latency through a
# candidate milter, against the same Postfix with a no-op milter and with no
# milter, side by side in one run.
#
# Usage: bench/milter-throughput.sh          (as root: Postfix needs it)
#
# Environment:
#   MILTER_CMD    the candidate milter: a command line that runs it in the
#                 foreground, with %SOCKET% where its libmilter socket spec
#                 goes ("unix:/path" or "inet:PORT@127.0.0.1"), e.g.
#                 MILTER_CMD='/path/to/liveaddr-milter -f -c /etc/x.conf -p %SOCKET%'.
#                 For liveaddr-milter the file needs "SocketGroup postfix" (a
#                 unix socket is 0660: Postfix's smtpd must be able to reach it)
#                 and "OutboundDaemonNames mx.bench.test" (this Postfix's
#                 milter_macro_daemon_name), so that every letter is tagged.
#                 Default: the no-op milter itself (the ratio is then ~1.0).
#   NOOP_CMD      the no-op baseline, same form.  Default: tests/milter/
#                 noop_milter.c, compiled into the temp dir, "-p %SOCKET%".
#   SOCKET_KIND   unix | inet: how Postfix reaches both milters (default unix)
#   SESSIONS      parallel SMTP sessions of smtp-source (default 20)
#   MESSAGES      messages per throughput run (default 5000)
#   ROUNDS        rounds; each round runs every configuration once (default 3)
#   LAT_MESSAGES  messages of the latency run, per configuration and round
#                 (default 500)
#   MSG_SIZE      message size in bytes (default 2000)
#   KEEP          1 = keep the temp dir (logs, Postfix config) afterwards
#
# What runs: one private Postfix instance (its own config and queue in a temp
# dir, 127.0.0.1 only) that relays everything to a private smtp-sink, with
# three smtpd listeners on free high ports that differ only in smtpd_milters:
# none, the no-op milter, the candidate.  Both milters are started once, by
# PID, on sockets in the temp dir (or free high ports for inet).  Each round
# runs the three configurations in turn (the order rotates each round; this
# machine drifts, so only same-run figures compare):
#   throughput: smtp-source -s SESSIONS -m MESSAGES -l MSG_SIZE (one message
#               per SMTP session, as smtp-source does); "submit" = MESSAGES /
#               time until smtp-source is done, "end-to-end" = MESSAGES / time
#               until the queue is empty again (all relayed to the sink);
#   latency:    one SMTP session, LAT_MESSAGES sequential transactions, each
#               timed from MAIL FROM to the "250 queued" after the body
#               (a small python3 client; no pipelining).
# Reported: the median over the rounds of each rate and of the CPU time per
# message (Postfix, sink and milters; not the client), the per-round ratios
# candidate/noop and noop/none and their medians, latency p50/p99 of all
# samples of each configuration and what a milter adds over none.
# Target: candidate submit throughput >= 95 % of the no-op milter's (median
# of the per-round ratios).  Exit 0 when met, 2 when not, 1 on error.  A
# bootstrap interval of that median says when the run was too noisy to
# decide (on a busy 2-core machine per-round ratios vary by +-20 %: use more
# rounds, e.g. MESSAGES=1000 ROUNDS=15).  The temp dir is made in TMPDIR
# (default /tmp; the queue's fsyncs go to that disk).
#
# Over SOCKET_KIND=inet, a libmilter milter stalls each message ~40 ms unless
# it registers xxfi_data and sets TCP_NODELAY on its listening socket; see
# bench/milter_stall.md.  The no-op baseline must then do the same, or the
# ratio compares two stalls.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
PATH=$PATH:/usr/sbin:/sbin
sessions=${SESSIONS:-20}
messages=${MESSAGES:-5000}
rounds=${ROUNDS:-3}
lat_messages=${LAT_MESSAGES:-500}
size=${MSG_SIZE:-2000}
kind=${SOCKET_KIND:-unix}
keep=${KEEP:-0}

die() { echo "milter-throughput: $*" >&2; exit 1; }

case $kind in unix|inet) ;; *) die "SOCKET_KIND must be unix or inet" ;; esac
for n in "$sessions" "$messages" "$rounds" "$lat_messages" "$size"; do
    case $n in ''|*[!0-9]*) die "SESSIONS, MESSAGES, ROUNDS, LAT_MESSAGES and MSG_SIZE must be numbers" ;; esac
done
if [ "$rounds" -lt 1 ] || [ "$messages" -lt 1 ] || [ "$lat_messages" -lt 1 ]; then
    die "ROUNDS, MESSAGES and LAT_MESSAGES must be >= 1"
fi
[ "$(id -u)" = 0 ] || die "a private Postfix instance needs root"
for tool in postfix postconf smtp-source smtp-sink python3; do
    command -v "$tool" >/dev/null || die "$tool not found (contrib/install-deps.sh installs it)"
done
id postfix >/dev/null 2>&1 || die "no user postfix"

# ---- temp dir, cleanup by recorded PIDs
tmp=$(mktemp -d "${TMPDIR:-/tmp}/milter-bench.XXXXXX")
chmod 755 "$tmp"
pids=""          # milters and the sink, stopped by PID at exit
pf_started=0

# shellcheck disable=SC2317
stop_pid() {   # TERM, up to 10 s, then KILL
    kill "$1" 2>/dev/null || return 0
    i=0
    while kill -0 "$1" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    kill -9 "$1" 2>/dev/null || true
}

# shellcheck disable=SC2317
cleanup() {
    set +e
    if [ "$pf_started" = 1 ]; then
	mpid=$(tr -d ' ' < "$tmp/pf/queue/pid/master.pid" 2>/dev/null)
	postfix -c "$tmp/pf/etc" stop >/dev/null 2>&1
	[ -n "$mpid" ] && stop_pid "$mpid"
    fi
    for p in $pids; do stop_pid "$p"; done
    if [ "$keep" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

runuser -u postfix -- test -x "$tmp" 2>/dev/null ||
    die "user postfix cannot reach $tmp: every directory above it must be searchable"

# ---- python helpers: free ports, the latency client, the statistics
cat > "$tmp/ports.py" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
cat > "$tmp/waitport.py" <<'PY'
import socket, sys, time
end = time.time() + float(sys.argv[2])
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.5).close(); sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
cat > "$tmp/lat.py" <<'PY'
# lat.py PORT N SIZE OUT: one SMTP session, N sequential transactions; the
# milliseconds from MAIL FROM to the 250 after the body, one a line, to OUT
import socket, sys, time
port, n, size, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
s = socket.create_connection(("127.0.0.1", port), 30)
f = s.makefile("rb")
def reply():
    while True:
        line = f.readline()
        if not line:
            sys.exit("lat.py: connection closed")
        if line[3:4] != b"-":
            return line
def cmd(data, want):
    s.sendall(data)
    r = reply()
    if not r.startswith(want):
        sys.exit("lat.py: %r -> %r" % (data[:40], r))
reply()
cmd(b"EHLO lat.bench.test\r\n", b"250")
head = b"From: <alice@dealer.test>\r\nTo: <bob@remote.test>\r\nSubject: latency\r\n\r\n"
line = b"x" * 76 + b"\r\n"
body = head + line * max(1, (size - len(head)) // len(line)) + b".\r\n"
ts = []
for _ in range(n):
    t0 = time.perf_counter()
    cmd(b"MAIL FROM:<alice@dealer.test>\r\n", b"250")
    cmd(b"RCPT TO:<bob@remote.test>\r\n", b"250")
    cmd(b"DATA\r\n", b"354")
    cmd(body, b"250")
    ts.append((time.perf_counter() - t0) * 1000.0)
cmd(b"QUIT\r\n", b"221")
with open(out, "w") as o:
    o.write("".join("%.3f\n" % t for t in ts))
PY
cat > "$tmp/cpu.py" <<'PY'
# cpu.py PID...: CPU seconds used so far by these processes, their live
# descendants and their reaped children (cutime+cstime), from /proc
import os, sys
hz = os.sysconf("SC_CLK_TCK")
procs = {}
for d in os.listdir("/proc"):
    if d.isdigit():
        try:
            f = open("/proc/%s/stat" % d).read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after "pid (comm)": state ppid ... utime(12) stime(13) cutime(14) cstime(15)
        procs[int(d)] = (int(f[1]), int(f[11]) + int(f[12]), int(f[13]) + int(f[14]))
kids = {}
for pid, (ppid, _, _) in procs.items():
    kids.setdefault(ppid, []).append(pid)
total, seen = 0, set()
stack = [int(p) for p in sys.argv[1:]]
while stack:
    pid = stack.pop()
    if pid in seen or pid not in procs:
        continue
    seen.add(pid)
    total += procs[pid][1] + procs[pid][2]
    stack += kids.get(pid, [])
print("%.2f" % (total / hz))
PY
cat > "$tmp/stats.py" <<'PY'
# stats.py TMP ROUNDS: the summary of TMP/rates (round cfg submit e2e) and
# TMP/lat.CFG.ROUND; prints the tables, last line "RATIO x"
import sys
tmp, rounds = sys.argv[1], int(sys.argv[2])
cfgs = ["none", "noop", "candidate"]
def med(v):
    v = sorted(v); n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * len(v)))]
rates = {}
for line in open(tmp + "/rates"):
    r, c, sub, e2e, cpu = line.split()
    rates[(int(r), c)] = (float(sub), float(e2e), float(cpu))
lat = {}
for c in cfgs:
    lat[c] = []
    for r in range(1, rounds + 1):
        lat[c] += [float(x) for x in open("%s/lat.%s.%d" % (tmp, c, r))]
sub = {c: [rates[(r, c)][0] for r in range(1, rounds + 1)] for c in cfgs}
e2e = {c: [rates[(r, c)][1] for r in range(1, rounds + 1)] for c in cfgs}
cpu = {c: [rates[(r, c)][2] for r in range(1, rounds + 1)] for c in cfgs}
print("%-10s %13s %17s %11s %11s %11s %13s %13s" % ("config", "submit msg/s", "end-to-end msg/s",
      "CPU ms/msg", "lat p50 ms", "lat p99 ms", "added p50 ms", "added p99 ms"))
b50, b99 = med(lat["none"]), pct(lat["none"], 0.99)
for c in cfgs:
    l50, l99 = med(lat[c]), pct(lat[c], 0.99)
    print("%-10s %13.1f %17.1f %11.2f %11.2f %11.2f %13s %13s" % (c, med(sub[c]), med(e2e[c]), med(cpu[c]), l50, l99,
          "-" if c == "none" else "%.2f" % (l50 - b50), "-" if c == "none" else "%.2f" % (l99 - b99)))
print("(rates and CPU: median of %d rounds; CPU = Postfix + sink + milters, not the client;"
      " latency: all %d samples of each configuration; added = minus the same percentile"
      " without a milter)" % (rounds, len(lat["none"])))
def ratios(d, a, b):
    return [d[a][i] / d[b][i] for i in range(rounds)]
print("ratios (median of the per-round ratios, then each round's; for CPU/msg lower is cheaper):")
for name, d in (("submit", sub), ("end-to-end", e2e), ("CPU/msg", cpu)):
    cn, nn = ratios(d, "candidate", "noop"), ratios(d, "noop", "none")
    print("  %-10s candidate/noop %.3f (%s)   noop/none %.3f (%s)" % (name,
          med(cn), " ".join("%.3f" % x for x in cn), med(nn), " ".join("%.3f" % x for x in nn)))
for c in ("noop", "candidate"):
    if med(lat[c]) - b50 > 30:
        print("NOTE: %s adds %.0f ms a message: the ~40 ms Nagle/delayed-ACK stall of a TCP"
              " milter socket (bench/milter_stall.md: register xxfi_data, TCP_NODELAY on the"
              " listening socket)" % (c, med(lat[c]) - b50))
print("candidate latency over noop: p50 %+.2f ms, p99 %+.2f ms" % (
      med(lat["candidate"]) - med(lat["noop"]), pct(lat["candidate"], 0.99) - pct(lat["noop"], 0.99)))
cn = ratios(sub, "candidate", "noop")
if rounds >= 3:
    # how sure the median is: a bootstrap over the rounds (fixed seed)
    import random
    rnd = random.Random(1)
    boot = sorted(med([rnd.choice(cn) for _ in cn]) for _ in range(2000))
    lo, hi = boot[50], boot[1949]
    print("submit candidate/noop: median %.3f, 95 %% bootstrap interval %.3f-%.3f over %d rounds%s" % (
          med(cn), lo, hi, rounds, "" if lo >= 0.95 or hi < 0.95 else
          "  <- includes 0.95: too noisy to decide; more ROUNDS (e.g. MESSAGES=1000 ROUNDS=15)"))
print("RATIO %.4f" % med(cn))
PY

# ---- the milters' commands
if [ -z "${NOOP_CMD:-}" ]; then
    [ -f "$src/tests/milter/noop_milter.c" ] ||
	die "tests/milter/noop_milter.c not found; set NOOP_CMD"
    command -v pkg-config >/dev/null || die "pkg-config not found"
    mkdir -p "$tmp/inc" && : > "$tmp/inc/config.h"
    # shellcheck disable=SC2046
    ${CC:-cc} -O2 -I"$tmp/inc" -o "$tmp/noop_milter" "$src/tests/milter/noop_milter.c" \
	$(pkg-config --cflags --libs milter) > "$tmp/noop_build.log" 2>&1 ||
	die "could not build tests/milter/noop_milter.c: $(cat "$tmp/noop_build.log")"
    NOOP_CMD="$tmp/noop_milter -p %SOCKET%"
    noop_from="built from tests/milter/noop_milter.c"
else
    noop_from="from NOOP_CMD"
fi
if [ -z "${MILTER_CMD:-}" ]; then
    MILTER_CMD=$NOOP_CMD
    cand_from="MILTER_CMD unset: the no-op milter again"
else
    cand_from="from MILTER_CMD"
fi
case $NOOP_CMD in *%SOCKET%*) ;; *) die "NOOP_CMD has no %SOCKET%" ;; esac
case $MILTER_CMD in *%SOCKET%*) ;; *) die "MILTER_CMD has no %SOCKET%" ;; esac

# ---- environment facts, before anything starts
pf_version=$(postconf -d -h mail_version 2>/dev/null || echo unknown)
milter_version=$(dpkg-query -W -f '${Version}' libmilter1.0.1 2>/dev/null || echo unknown)
echo "== environment"
echo "date:        $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "machine:     $(uname -srm), $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "memory:      $(awk '/^MemTotal/ {t=$2} /^MemAvailable/ {a=$2} END {printf "%d MiB, %d MiB available", t/1024, a/1024}' /proc/meminfo 2>/dev/null)"
echo "software:    Postfix $pf_version, libmilter $milter_version, $(python3 -V 2>&1)"
echo "tcp:         autocorking=$(cat /proc/sys/net/ipv4/tcp_autocorking 2>/dev/null || echo '?') $(ip route show table local 127.0.0.1 2>/dev/null | grep -q quickack && echo 'loopback route has quickack (stall hidden!)' || echo 'loopback route without quickack')"
echo "socket kind: $kind"
echo "load:        $sessions sessions x $messages messages of $size bytes, $rounds rounds, $lat_messages latency messages"
echo "no-op:       $NOOP_CMD   ($noop_from)"
echo "candidate:   $MILTER_CMD   ($cand_from)"
echo "temp dir:    $tmp"
cpu1=$(head -n 1 /proc/stat 2>/dev/null || echo cpu 0 0 0 0)
sleep 1
cpu2=$(head -n 1 /proc/stat 2>/dev/null || echo cpu 0 0 0 0)
busy=$(printf '%s\n%s\n' "$cpu1" "$cpu2" | awk '{ t = 0; for (i = 2; i <= NF; i++) t += $i; idle[NR] = $5 + $6; tot[NR] = t }
    END { d = tot[2] - tot[1]; if (d > 0) printf "%d", 100 * (1 - (idle[2] - idle[1]) / d); else printf "?" }')
hogs=$(ps -eo pcpu=,comm= --sort=-pcpu 2>/dev/null | awk '$1 >= 10 { printf "%s ", $2 }' | head -c 200)
echo "cpu busy:    $busy % over the last second before the run${hogs:+ (busy processes: $hogs)}"
case $busy in [0-9]*) [ "$busy" -lt 20 ] || echo "WARNING: the machine is busy; the figures will be noisy" ;; esac

# ---- ports: three smtpd listeners, the sink, two milters (inet)
# shellcheck disable=SC2046
set -- $(python3 "$tmp/ports.py" 6)
p_none=$1 p_noop=$2 p_cand=$3 p_sink=$4 p_mnoop=$5 p_mcand=$6

# ---- milters
start_milter() {   # NAME COMMAND PORT -> pid in $mpid, Postfix spec in $mspec
    if [ "$kind" = unix ]; then
	sock=$tmp/$1.sock
	spec="unix:$sock"
	mspec="unix:$sock"
    else
	spec="inet:$3@127.0.0.1"
	mspec="inet:127.0.0.1:$3"
    fi
    cmd=$(printf '%s\n' "$2" | sed "s|%SOCKET%|$spec|g")
    old=$(umask)
    umask 000    # smtpd runs as postfix and must be able to connect
    sh -c "exec $cmd" > "$tmp/$1.log" 2>&1 &
    mpid=$!
    umask "$old"
    pids="$pids $mpid"
    i=0
    while [ $i -lt 100 ]; do
	kill -0 "$mpid" 2>/dev/null || die "the $1 milter exited: $(tail -5 "$tmp/$1.log")"
	if [ "$kind" = unix ]; then
	    [ -S "$sock" ] && return 0
	elif python3 "$tmp/waitport.py" "$3" 0.1; then
	    return 0
	fi
	sleep 0.1
	i=$((i + 1))
    done
    die "the $1 milter does not listen on $spec"
}
start_milter noop "$NOOP_CMD" "$p_mnoop"
spec_noop=$mspec
start_milter candidate "$MILTER_CMD" "$p_mcand"
spec_cand=$mspec

# ---- the sink
mkdir -p "$tmp/sink"
smtp-sink -u postfix "127.0.0.1:$p_sink" 256 > "$tmp/sink/sink.log" 2>&1 &
pids="$pids $!"

# ---- Postfix
pf=$tmp/pf
mkdir -p "$pf/etc" "$pf/queue" "$pf/data" "$pf/log"
chown postfix: "$pf/data"
cat > "$pf/etc/main.cf" <<CF
compatibility_level = 3.6
config_directory = $pf/etc
queue_directory = $pf/queue
data_directory = $pf/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
syslog_name = postfix-bench
maillog_file_prefixes = $tmp
maillog_file = $pf/log/maillog
myhostname = mx.bench.test
mydomain = bench.test
myorigin = \$myhostname
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
relayhost = [127.0.0.1]:$p_sink
smtp_dns_support_level = disabled
smtp_tls_security_level = none
smtpd_tls_security_level = none
biff = no
append_dot_mydomain = no
smtp_connection_cache_on_demand = yes
default_destination_concurrency_limit = 20
in_flow_delay = 0
smtpd_client_connection_rate_limit = 0
milter_default_action = tempfail
milter_protocol = 6
CF
cat > "$pf/etc/master.cf" <<CF
127.0.0.1:$p_none inet n - n - - smtpd -o smtpd_milters=
127.0.0.1:$p_noop inet n - n - - smtpd -o smtpd_milters=$spec_noop
127.0.0.1:$p_cand inet n - n - - smtpd -o smtpd_milters=$spec_cand
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
proxywrite unix - - n - 1 proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
CF
postfix -c "$pf/etc" check > "$tmp/check.log" 2>&1 || die "postfix check failed: $(cat "$tmp/check.log")"
postfix -c "$pf/etc" start > "$tmp/start.log" 2>&1 || die "Postfix did not start: $(cat "$tmp/start.log")"
pf_started=1
for p in "$p_none" "$p_noop" "$p_cand"; do
    python3 "$tmp/waitport.py" "$p" 10 || die "Postfix does not listen on $p"
done
# the system under test, for CPU accounting: Postfix's master (its children
# are its descendants or reaped by it), the milters, the sink
sut="$(tr -d ' ' < "$pf/queue/pid/master.pid") $pids"

queued() {
    find "$pf/queue/maildrop" "$pf/queue/incoming" "$pf/queue/active" \
	"$pf/queue/deferred" "$pf/queue/hold" -type f 2>/dev/null | wc -l
}
wait_empty() {   # until the queue is empty; die after 300 s
    i=0
    while [ "$(queued)" -gt 0 ]; do
	[ $i -lt 3000 ] || die "the queue did not drain (see $pf/log/maillog)"
	sleep 0.1
	i=$((i + 1))
    done
}
now() { date +%s.%N; }
port_of() {
    case $1 in none) echo "$p_none" ;; noop) echo "$p_noop" ;; candidate) echo "$p_cand" ;; esac
}
source_run() {   # PORT SESSIONS COUNT LOG
    smtp-source -s "$2" -m "$3" -l "$size" -f alice@dealer.test -t bob@remote.test \
	"127.0.0.1:$1" > "$4" 2>&1
}

# ---- warm-up: every listener, milter and delivery agent, SESSIONS at once
warm=$((sessions * 2))
for cfg in none noop candidate; do
    source_run "$(port_of $cfg)" "$sessions" "$warm" "$tmp/warmup.$cfg.log" ||
	die "warm-up through $cfg failed: $(tail -3 "$tmp/warmup.$cfg.log")"
done
wait_empty

# ---- rounds
echo
echo "== runs"
: > "$tmp/rates"
r=1
while [ "$r" -le "$rounds" ]; do
    case $(( (r - 1) % 3 )) in
    0) order="none noop candidate" ;;
    1) order="noop candidate none" ;;
    *) order="candidate none noop" ;;
    esac
    for cfg in $order; do
	port=$(port_of "$cfg")
	wait_empty
	# shellcheck disable=SC2086
	c0=$(python3 "$tmp/cpu.py" $sut)
	t0=$(now)
	source_run "$port" "$sessions" "$messages" "$tmp/source.$cfg.$r.log" ||
	    die "smtp-source through $cfg failed: $(tail -3 "$tmp/source.$cfg.$r.log")"
	t1=$(now)
	wait_empty
	t2=$(now)
	# shellcheck disable=SC2086
	c1=$(python3 "$tmp/cpu.py" $sut)
	python3 "$tmp/lat.py" "$port" "$lat_messages" "$size" "$tmp/lat.$cfg.$r" ||
	    die "the latency run through $cfg failed"
	line=$(awk -v m="$messages" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v c0="$c0" -v c1="$c1" \
	    'BEGIN { printf "%.1f %.1f %.2f", m / (t1 - t0), m / (t2 - t0), 1000 * (c1 - c0) / m }')
	echo "$r $cfg $line" >> "$tmp/rates"
	# shellcheck disable=SC2086
	set -- $line
	lat=$(sort -n "$tmp/lat.$cfg.$r" | awk '{ v[NR] = $1 }
	    END { i = int(NR * 0.99) + 1; if (i > NR) i = NR
		  m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		  printf "p50 %.2f ms, p99 %.2f ms", m, v[i] }')
	printf 'round %d %-10s submit %6s msg/s  end-to-end %6s msg/s  CPU %5s ms/msg  latency %s\n' \
	    "$r" "$cfg" "$1" "$2" "$3" "$lat"
    done
    r=$((r + 1))
done

# ---- checks: every message delivered, no milter trouble in the log
sleep 1
expected=$(( rounds * 3 * (messages + lat_messages) + 3 * warm ))
sent=$(grep -c ' status=sent ' "$pf/log/maillog" || true)
trouble=$(grep -c -E 'warning: milter|milter-reject|status=(deferred|bounced)' "$pf/log/maillog" || true)

echo
echo "== results"
summary=$(python3 "$tmp/stats.py" "$tmp" "$rounds") || die "stats failed"
printf '%s\n' "$summary" | grep -v '^RATIO '
ratio=$(printf '%s\n' "$summary" | sed -n 's/^RATIO //p')
echo "delivered:  $sent of $expected messages; milter warnings/rejects/deferrals in the log: $trouble"
[ "$sent" -eq "$expected" ] && [ "$trouble" -eq 0 ] ||
    echo "WARNING: not every message went through cleanly; see the log (KEEP=1 keeps $tmp)"
if awk -v r="$ratio" 'BEGIN { exit !(r >= 0.95) }'; then
    echo "target: candidate submit throughput >= 95 % of the no-op milter's: MET ($ratio)"
    exit 0
else
    echo "target: candidate submit throughput >= 95 % of the no-op milter's: NOT MET ($ratio)"
    exit 2
fi
