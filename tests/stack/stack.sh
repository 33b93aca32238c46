#!/bin/bash
# stack.sh - the local mail stack for liveaddr's tests and demo.
#
# Usage:
#   stack.sh start DIR [--milter SOCKET] [--bounce-wiring MODE]
#                                          start everything inside DIR
#   stack.sh start DIR --no-postfix        only Redis and the DNS server (no root)
#   stack.sh wiring DIR MODE               rewire the dealer's bounces, reload
#   stack.sh stop DIR                      stop what DIR's recorded PIDs name
#   stack.sh status DIR                    say what runs
#
# Everything lives inside DIR (an absolute path; made if missing): a Redis
# without persistence, a DNS test server (ldns-testns) serving zones.txt, and
# two Postfix instances, each with its own config_directory and
# queue_directory:
#   dealer    submission port for the CRM (milter_macro_daemon_name=ORIGINATING)
#             and an inbound MX port for dealer.test and the bounce domain
#             bounce.dealer.test; mailboxes are maildirs under DIR/dealer/mail
#   customer  the customers' MX for customer.test: known users are delivered
#             to DIR/customer/mail, unknown users are refused with 550 5.1.1 at
#             RCPT; full@, gone@ and later@ are accepted and passed on to the
#             customers' mail store (a second smtpd port of this instance,
#             store.customer.test), which refuses them at RCPT: full@ with
#             550 5.2.2 (mailbox full), gone@ with 550 5.1.1 (user unknown),
#             later@ with 452 4.2.2, so that it is deferred and bounced when
#             its 30 s queue life ends; the customer MX writes those DSNs and
#             sends them over SMTP to the dealer's MX port
# Ports are free high ports on 127.0.0.1 chosen at start; DIR/stack.env holds
# them and every path (shell syntax, for tests to source).  With --milter,
# the dealer's smtpd and non-smtpd mail goes through the milter at SOCKET.
#
# The dealer's own bounces (a DSN the dealer's Postfix writes when the
# customer MX refuses a recipient) go to the envelope sender, which the
# milter makes an address at bounce.dealer.test.  --bounce-wiring says how
# they reach that domain (BOUNCE_WIRING in stack.env):
#   local     (the default) delivered at once into DIR/dealer/mail/bounces;
#             no milter sees them
#   internal  the same, but internal_mail_filter_classes = bounce makes
#             cleanup pass them through non_smtpd_milters first
#   smtp      the bounce domain is served by "another MX": the dealer's
#             Postfix sends them over SMTP to its own MX port (which then
#             calls itself bounce-mx.dealer.test, so that Postfix's loop
#             check stays quiet), where smtpd_milters see them like any
#             remote DSN; that port's cleanup (cleanup-in) maps the whole
#             bounce domain to bounces@dealer.test, so they do not loop
# "stack.sh wiring DIR MODE" rewrites the dealer's configuration for MODE
# and reloads it.  The dealer's MX port lets 127.0.0.1 use XCLIENT, so that
# tests can present a remote client address (SPF is judged on it: libspf2
# lets 127.0.0.0/8 pass everything).  The dealer bounces mail for
# nullmx.test after queueing it (5.1.0 "does not accept mail (nullMX)"),
# as a Postfix that looks up MX records does for a null MX.
# Nothing outside DIR is touched; stop kills only the PIDs recorded in DIR.
# Postfix needs root.  ldns-testns cannot bind one address: it listens on
# every IPv4 address of the machine, at the chosen high port.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
PATH=$PATH:/usr/sbin:/sbin

die() { echo "stack: $*" >&2; exit 1; }

free_ports() {
    python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

wait_port() {   # wait_port PORT SECONDS
    local i
    for ((i = 0; i < $2 * 20; i++)); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.05
    done
    return 1
}

# ---- Postfix configuration shared by both instances
postfix_main_common() {   # DIR NAME HOSTNAME
    local d=$1/$2
    cat <<CF
compatibility_level = 3.6
config_directory = $d/etc
queue_directory = $d/queue
data_directory = $d/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
syslog_name = postfix-$2
maillog_file_prefixes = $1
maillog_file = $d/log/maillog
myhostname = $3
mydomain = ${3#*.}
myorigin = \$mydomain
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtp_dns_support_level = disabled
smtp_tls_security_level = none
smtpd_tls_security_level = none
biff = no
append_dot_mydomain = no
in_flow_delay = 0
smtpd_client_connection_rate_limit = 0
default_destination_concurrency_limit = 20
virtual_mailbox_base = $d/mail
virtual_mailbox_maps = texthash:$d/etc/mailboxes
virtual_uid_maps = static:$(id -u postfix)
virtual_gid_maps = static:$(id -g postfix)
transport_maps = texthash:$d/etc/transport
maximal_queue_lifetime = 30s
bounce_queue_lifetime = 30s
queue_run_delay = 5s
minimal_backoff_time = 5s
maximal_backoff_time = 10s
CF
}

postfix_master_common() {
    cat <<'CF'
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CF
}

make_postfix_dirs() {   # DIR NAME
    local d=$1/$2
    mkdir -p "$d/etc" "$d/queue" "$d/data" "$d/log" "$d/mail"
    chown postfix: "$d/data" "$d/mail"
}

write_dealer() {   # DIR MILTER WIRING
    local dir=$1 milter=$2 wiring=$3 d=$1/dealer mx_opts=""
    make_postfix_dirs "$dir" dealer
    {
        postfix_main_common "$dir" dealer mx.dealer.test
        echo "virtual_mailbox_domains = dealer.test, bounce.dealer.test"
        if [ -n "$milter" ]; then
            echo "smtpd_milters = unix:$milter"
            echo "non_smtpd_milters = unix:$milter"
            echo "milter_default_action = ${STACK_MILTER_DEFAULT_ACTION:-accept}"
            echo "milter_protocol = 6"
        fi
        # Postfix's own bounces pass non_smtpd_milters (MILTER_README)
        [ "$wiring" = internal ] && echo "internal_mail_filter_classes = bounce"
        :
    } > "$d/etc/main.cf"
    if [ "$wiring" = smtp ]; then
        mx_opts=" -o myhostname=bounce-mx.dealer.test -o cleanup_service_name=cleanup-in"
    fi
    {
        echo "127.0.0.1:$DEALER_SUBMIT_PORT inet n - n - - smtpd -o syslog_name=postfix-dealer/submission -o milter_macro_daemon_name=ORIGINATING"
        echo "127.0.0.1:$DEALER_MX_PORT inet n - n - - smtpd -o syslog_name=postfix-dealer/mx -o smtpd_authorized_xclient_hosts=127.0.0.0/8$mx_opts"
        postfix_master_common
        echo "cleanup-in unix n - n - 0 cleanup -o virtual_alias_maps=texthash:$d/etc/bounce-mx-aliases"
        # what Postfix's smtp client does for a null MX when it looks up MX
        # records: a bounce (an error: transport would make smtpd refuse
        # the recipient at RCPT, before any milter sees it)
        echo "nullmx unix - n n - - pipe flags=q user=nobody argv=$d/etc/nullmx.sh"
    } > "$d/etc/master.cf"
    printf '#!/bin/sh\necho "5.1.0 Domain nullmx.test does not accept mail (nullMX)"\nexit 69\n' > "$d/etc/nullmx.sh"
    chmod 755 "$d/etc/nullmx.sh"
    cat > "$d/etc/mailboxes" <<CF
crm@dealer.test         crm/
sales@dealer.test       sales/
service@dealer.test     service/
postmaster@dealer.test  postmaster/
bounces@dealer.test     bounces/
@bounce.dealer.test     bounces/
CF
    # the "other MX" of the smtp wiring keeps the bounce domain's mail
    echo "@bounce.dealer.test     bounces@dealer.test" > "$d/etc/bounce-mx-aliases"
    {
        echo "customer.test   smtp:[127.0.0.1]:$CUSTOMER_MX_PORT"
        echo "nullmx.test     nullmx:"
        [ "$wiring" = smtp ] && echo "bounce.dealer.test   smtp:[127.0.0.1]:$DEALER_MX_PORT"
        :
    } > "$d/etc/transport"
}

write_customer() {   # DIR
    local dir=$1 d=$1/customer
    make_postfix_dirs "$dir" customer
    {
        postfix_main_common "$dir" customer mx.customer.test
        echo "virtual_mailbox_domains = customer.test"
    } > "$d/etc/main.cf"
    {
        echo "127.0.0.1:$CUSTOMER_MX_PORT inet n - n - - smtpd"
        # The customers' mail store behind their MX: the MX accepts full@,
        # later@ and gone@, the store then refuses them at RCPT, and the
        # MX writes the DSN (as an edge MX in front of a mail store does)
        echo "127.0.0.1:$CUSTOMER_STORE_PORT inet n - n - - smtpd -o syslog_name=postfix-customer/store" \
            "-o myhostname=store.customer.test" \
            "-o smtpd_recipient_restrictions=check_recipient_access,texthash:$d/etc/store-access,permit_mynetworks,reject"
        postfix_master_common
    } > "$d/etc/master.cf"
    cat > "$d/etc/mailboxes" <<CF
alice@customer.test     alice/
bob@customer.test       bob/
ivan@customer.test      ivan/
carol@customer.test     carol/
dave@customer.test      dave/
erin@customer.test      erin/
full@customer.test      full/
later@customer.test     later/
gone@customer.test      gone/
CF
    cat > "$d/etc/store-access" <<CF
full@customer.test      550 5.2.2 Mailbox full: quota exceeded
later@customer.test     452 4.2.2 Mailbox full, try again later
gone@customer.test      550 5.1.1 User unknown in local recipient table
CF
    cat > "$d/etc/transport" <<CF
full@customer.test      smtp:[127.0.0.1]:$CUSTOMER_STORE_PORT
later@customer.test     smtp:[127.0.0.1]:$CUSTOMER_STORE_PORT
gone@customer.test      smtp:[127.0.0.1]:$CUSTOMER_STORE_PORT
dealer.test             smtp:[127.0.0.1]:$DEALER_MX_PORT
bounce.dealer.test      smtp:[127.0.0.1]:$DEALER_MX_PORT
CF
}

stack_start() {
    local dir=$1 milter=$2 postfix=$3 wiring=$4
    if [ "$postfix" = yes ]; then
        [ "$(id -u)" = 0 ] || die "Postfix instances need root (or use --no-postfix)"
        command -v postfix >/dev/null || die "postfix not found (run contrib/install-deps.sh)"
    fi
    for tool in redis-server redis-cli ldns-testns drill python3; do
        command -v "$tool" >/dev/null || die "$tool not found (run contrib/install-deps.sh)"
    done
    [ -e "$dir/stack.env" ] && die "$dir already holds a stack; stop it first"
    mkdir -p "$dir"
    chmod 755 "$dir"
    if [ "$postfix" = yes ]; then
        runuser -u postfix -- test -x "$dir" ||
            die "user postfix cannot reach $dir: every directory above it must be searchable (chmod o+x)"
    fi
    # shellcheck disable=SC2207
    local ports=($(free_ports 6))
    REDIS_PORT=${ports[0]} DNS_PORT=${ports[1]} DEALER_SUBMIT_PORT=${ports[2]}
    DEALER_MX_PORT=${ports[3]} CUSTOMER_MX_PORT=${ports[4]} CUSTOMER_STORE_PORT=${ports[5]}

    cat > "$dir/stack.env" <<ENV
STACK_DIR=$dir
REDIS_PORT=$REDIS_PORT
REDIS_SOCKET=$dir/redis/redis.sock
DNS_PORT=$DNS_PORT
DEALER_SUBMIT_PORT=$DEALER_SUBMIT_PORT
DEALER_MX_PORT=$DEALER_MX_PORT
CUSTOMER_MX_PORT=$CUSTOMER_MX_PORT
CUSTOMER_STORE_PORT=$CUSTOMER_STORE_PORT
DEALER_CONF=$dir/dealer/etc
DEALER_MAIL=$dir/dealer/mail
DEALER_LOG=$dir/dealer/log/maillog
CUSTOMER_CONF=$dir/customer/etc
CUSTOMER_MAIL=$dir/customer/mail
CUSTOMER_LOG=$dir/customer/log/maillog
MILTER_SOCKET=$milter
BOUNCE_WIRING=$wiring
ENV

    # Redis: no persistence, loopback only, plus a private unix socket.
    mkdir -p "$dir/redis"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --protected-mode yes \
        --save '' --appendonly no --dir "$dir/redis" --daemonize yes \
        --pidfile "$dir/redis/redis.pid" --logfile "$dir/redis/redis.log" \
        --unixsocket "$dir/redis/redis.sock" --unixsocketperm 700 >/dev/null

    # DNS: two extra forks so that the slow zone does not block the others.
    mkdir -p "$dir/dns"
    "$here/mkzones" "$here/zones.txt" > "$dir/dns/dns.data"
    # In its own process group (setsid), so that stop can reach the forks
    # even if start died before it read their PIDs.
    setsid ldns-testns -f 2 -p "$DNS_PORT" "$dir/dns/dns.data" > "$dir/dns/testns.log" 2>&1 &
    echo $! > "$dir/dns/testns.pid"

    if [ "$postfix" = yes ]; then
        write_dealer "$dir" "$milter" "$wiring"
        write_customer "$dir"
        # "postfix check" makes the queue directories (2-3 s each the first time).
        postfix -c "$dir/dealer/etc" check > "$dir/dealer/check.log" 2>&1 &
        local c1=$!
        postfix -c "$dir/customer/etc" check > "$dir/customer/check.log" 2>&1 &
        local c2=$!
        wait $c1 || die "postfix check (dealer) failed: $(cat "$dir/dealer/check.log")"
        wait $c2 || die "postfix check (customer) failed: $(cat "$dir/customer/check.log")"
        postfix -c "$dir/dealer/etc" start >/dev/null 2>&1 || die "dealer postfix did not start"
        postfix -c "$dir/customer/etc" start >/dev/null 2>&1 || die "customer postfix did not start"
    fi

    local i
    for ((i = 0; i < 100; i++)); do
        [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ] && break
        sleep 0.05
    done
    [ "$i" -lt 100 ] || die "redis did not answer"
    for ((i = 0; i < 100; i++)); do
        drill -p "$DNS_PORT" @127.0.0.1 MX mail-ok.test 2>/dev/null | grep -q 'rcode: NOERROR' && break
        sleep 0.05
    done
    [ "$i" -lt 100 ] || die "the DNS test server did not answer"
    sed -n 's/^forked pid: //p' "$dir/dns/testns.log" >> "$dir/dns/testns.pid"
    if [ "$postfix" = yes ]; then
        for port in "$DEALER_SUBMIT_PORT" "$DEALER_MX_PORT" "$CUSTOMER_MX_PORT" "$CUSTOMER_STORE_PORT"; do
            wait_port "$port" 10 || die "Postfix does not listen on $port"
        done
    fi
    echo "stack: up in $dir (env: $dir/stack.env)"
}

# stop_pid PID: TERM, wait up to 5 s, then KILL
stop_pid() {
    local pid=$1 i
    kill "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.05
    done
    kill -9 "$pid" 2>/dev/null || true
}

stack_stop() {
    local dir=$1 pid name
    [ -e "$dir/stack.env" ] || die "no stack in $dir"
    for name in dealer customer; do
        if [ -f "$dir/$name/queue/pid/master.pid" ]; then
            pid=$(tr -d ' ' < "$dir/$name/queue/pid/master.pid")
            postfix -c "$dir/$name/etc" stop >/dev/null 2>&1 || true
            [ -n "$pid" ] && stop_pid "$pid"
        fi
    done
    [ -f "$dir/redis/redis.pid" ] && stop_pid "$(cat "$dir/redis/redis.pid")"
    if [ -f "$dir/dns/testns.pid" ]; then
        pid=$(head -n 1 "$dir/dns/testns.pid")
        [ -n "$pid" ] && kill -- "-$pid" 2>/dev/null   # its process group
        while read -r pid; do stop_pid "$pid"; done < "$dir/dns/testns.pid"
    fi
    rm -f "$dir/stack.env"
    echo "stack: stopped ($dir)"
}

stack_status() {
    local dir=$1 pid name
    [ -e "$dir/stack.env" ] || { echo "no stack in $dir"; return 1; }
    for name in dealer customer; do
        pid=$(tr -d ' ' 2>/dev/null < "$dir/$name/queue/pid/master.pid" || true)
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo "postfix $name: running ($pid)"
        else echo "postfix $name: stopped"; fi
    done
    pid=$(cat "$dir/redis/redis.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo "redis: running ($pid)"; else echo "redis: stopped"; fi
    pid=$(head -1 "$dir/dns/testns.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo "dns: running ($pid)"; else echo "dns: stopped"; fi
}

# stack_wiring DIR MODE: rewrite the dealer's configuration, reload it
stack_wiring() {
    local dir=$1 wiring=$2
    [ -e "$dir/stack.env" ] || die "no stack in $dir"
    # shellcheck disable=SC1091
    . "$dir/stack.env"
    [ -f "$dir/dealer/etc/main.cf" ] || die "the stack in $dir has no Postfix"
    write_dealer "$dir" "$MILTER_SOCKET" "$wiring"
    sed -i "s/^BOUNCE_WIRING=.*/BOUNCE_WIRING=$wiring/" "$dir/stack.env"
    postfix -c "$dir/dealer/etc" reload >/dev/null 2>&1 || die "dealer postfix did not reload"
    echo "stack: dealer bounces wired: $wiring"
}

check_wiring() {
    case "$1" in local|internal|smtp) ;; *) die "--bounce-wiring: local, internal or smtp, not '$1'" ;; esac
}

case "${1:-}" in
start)
    [ $# -ge 2 ] || die "usage: stack.sh start DIR [--milter SOCKET] [--bounce-wiring MODE] | --no-postfix"
    dir=$2; milter=""; postfix=yes; wiring=local
    shift 2
    while [ $# -gt 0 ]; do
        case "$1" in
        --milter) milter=${2:?--milter needs a socket path}; shift 2 ;;
        --bounce-wiring) wiring=${2:?--bounce-wiring needs local, internal or smtp}; check_wiring "$wiring"; shift 2 ;;
        --no-postfix) postfix=no; shift ;;
        *) die "unknown option $1" ;;
        esac
    done
    case "$dir" in /*) ;; *) die "DIR must be an absolute path (postfix -c needs one)";; esac
    stack_start "$dir" "$milter" "$postfix" "$wiring" ;;
wiring)
    [ $# -eq 3 ] || die "usage: stack.sh wiring DIR local|internal|smtp"
    check_wiring "$3"
    stack_wiring "$2" "$3" ;;
stop)
    [ $# -eq 2 ] || die "usage: stack.sh stop DIR"
    stack_stop "$2" ;;
status)
    [ $# -eq 2 ] || die "usage: stack.sh status DIR"
    stack_status "$2" ;;
*)
    die "usage: stack.sh start|wiring|stop|status DIR" ;;
esac
