#!/bin/sh
# Install the Debian 12 packages that building and testing postfix-stats
# need. Idempotent; does nothing when everything is there. Run as root.
set -eu
PKGS="make gcc clang libc6-dev liblmdb-dev lmdb-utils libcmocka-dev
      libsystemd-dev libarchive-dev zlib1g-dev libjson-c-dev libsnmp-dev
      libmicrohttpd-dev
      postfix swaks snmpd snmp mrtg rrdtool valgrind time procps file
      util-linux passwd logrotate systemd systemd-journal-remote
      xz-utils bzip2 zstd gzip smitools smistrip
      prometheus prometheus-node-exporter curl
      debhelper dpkg-dev fakeroot lintian pflogsumm hyperfine wrk"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
[ -z "$missing" ] && { sh "$(dirname "$0")/ietf-mibs.sh" || true; exit 0; }
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages:$missing; run this as root" >&2
	exit 1
fi
# Postfix: install it unconfigured, so that the package starts no mail
# server of its own; the tests run their own instance on loopback.
echo "postfix postfix/main_mailer_type select No configuration" |
    debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
sh "$(dirname "$0")/ietf-mibs.sh" || echo "deps: no IETF core MIBs; t_agentx_mib will SKIP" >&2
