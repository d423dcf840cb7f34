#!/bin/sh
# SPDX-License-Identifier: ISC
# Install the Debian 12 packages that building and testing postfix-stats
# need. Idempotent; does nothing when everything is there. Run as root.
# The only script that installs packages: with arguments it installs just
# those (scripts/run.sh passes what building needs).
#   sh scripts/deps.sh [PKG...]
set -eu
PKGS="make gcc clang libc6-dev liblmdb-dev lmdb-utils libcmocka-dev
      libsystemd-dev libarchive-dev zlib1g-dev libjson-c-dev libsnmp-dev
      libmicrohttpd-dev
      postfix swaks snmpd snmp mrtg rrdtool valgrind time procps file
      util-linux passwd adduser iproute2 coreutils logrotate systemd systemd-journal-remote
      xz-utils bzip2 zstd gzip smitools smistrip
      prometheus prometheus-node-exporter curl
      debhelper dpkg-dev fakeroot lintian pflogsumm hyperfine wrk"
all=1
[ $# -gt 0 ] && { PKGS="$*"; all=0; }
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
ietf_mibs() {	# the IETF core MIBs that smilint needs (tests only)
	[ $all = 1 ] || return 0
	sh "$(dirname "$0")/ietf-mibs.sh" ||
	    echo "deps: no IETF core MIBs; t_agentx_mib will SKIP" >&2
}
if [ -z "$missing" ]; then
	ietf_mibs
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing; run this as root" >&2
	exit 1
fi
# Postfix: install it unconfigured, so that the package starts no mail
# server of its own; the tests run their own instance on loopback.
echo "postfix postfix/main_mailer_type select No configuration" |
    debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
# Keep invoke-rc.d from starting the packages' services (the system's snmpd,
# Postfix) during the install; the tests run their own on loopback.
policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	policy=/usr/sbin/policy-rc.d
fi
trap 'rm -f $policy' EXIT
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    $missing >/dev/null

# The prometheus and prometheus-node-exporter packages enable (and, where
# services may start, start) their services on 0.0.0.0:9090 and :9100: the
# tests start their own on loopback, so stop and disable them. Only packages
# this run installed: an administrator's own Prometheus is left alone.
for svc in prometheus prometheus-node-exporter; do
	case " $missing " in *" $svc "*) ;; *) continue ;; esac
	# systemctl disable edits the links also where systemd is not running.
	if [ -d /run/systemd/system ]; then
		systemctl stop "$svc" >/dev/null 2>&1 || true
	elif command -v invoke-rc.d >/dev/null; then
		invoke-rc.d "$svc" stop >/dev/null 2>&1 || true
	fi
	if command -v systemctl >/dev/null; then
		systemctl disable "$svc" >/dev/null 2>&1 || true
	fi
	if command -v update-rc.d >/dev/null; then
		update-rc.d "$svc" disable >/dev/null 2>&1 || true
	fi
	echo "deps: $svc installed for the tests; its service is stopped and disabled"
done
ietf_mibs
