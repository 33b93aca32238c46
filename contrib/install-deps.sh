#!/bin/sh
# install-deps.sh - put every build and test dependency of liveaddr on a
# Debian 12 machine, as root, with apt only.
#
# Non-interactive and idempotent: packages already present are left alone,
# Postfix is preseeded to "No configuration" (no /etc/postfix/main.cf is
# written), and no system service is started: while apt runs, a temporary
# policy-rc.d refuses service starts (one that is already there is kept).
# The tests start their own private Redis, DNS and Postfix instances.
set -eu

PACKAGES="
  build-essential autoconf automake libtool pkg-config autoconf-archive
  libmilter-dev libhiredis-dev libspf2-dev libldns-dev libgmime-3.0-dev
  libidn2-dev libssl-dev libcmocka-dev
  ldnsutils redis-server redis-tools postfix swaks
  clang libclang-rt-14-dev python3 python3-email-validator libsisimai-perl
"

if [ "$(id -u)" != 0 ]; then
    echo "install-deps: run me as root (apt-get needs it)" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: this script knows only Debian's apt-get" >&2
    exit 1
fi

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed'; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi
echo "install-deps: installing:$missing"

export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
echo "postfix postfix/mailname string localhost.localdomain" | debconf-set-selections

made_policy=no
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# liveaddr install-deps: no service starts during install\nexit 101\n' \
        > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    made_policy=yes
fi
# (an if, not "&&": the trap's status would become the script's on exit)
cleanup() { if [ "$made_policy" = yes ]; then rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT INT TERM

apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
echo "install-deps: done"
