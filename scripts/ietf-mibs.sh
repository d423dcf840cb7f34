#!/bin/sh
# SPDX-License-Identifier: ISC
#
# NAME
#	ietf-mibs.sh - the IETF core MIB modules, for smilint and snmptranslate
# SYNOPSIS
#	scripts/ietf-mibs.sh [DIR]
# DESCRIPTION
#	Debian ships no SNMPv2-SMI, SNMPv2-TC or SNMPv2-CONF (they are in
#	RFC text, which Debian main leaves out). The non-free package
#	snmp-mibs-downloader carries the RFC texts inside its .deb. This
#	script downloads that .deb with `apt-get download` through a
#	temporary sources list (the mirror of the system's own sources,
#	component non-free), unpacks it in a temporary directory and extracts
#	the modules of RFC 2578, 2579 and 2580 with smistrip into DIR
#	(default: build/ietf-mibs at the top of the repository). Nothing is
#	installed and the system's apt configuration and lists are left
#	untouched. Does nothing when DIR already holds the three modules.
#	Use: SMIPATH=:DIR smilint -l 6 mibs/POSTFIX-STATS-MIB.txt
# DIAGNOSTICS
#	Exit 0 when DIR holds the modules, 1 (and one line on stderr)
#	otherwise.
# SECURITY
#	The package comes from the system's own mirror, checked by apt with
#	the system's keyring; it is only unpacked, never installed.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/build/ietf-mibs}
need="SNMPv2-SMI SNMPv2-TC SNMPv2-CONF"

have_all() {
	for m in $need; do
		[ -s "$dir/$m" ] || return 1
	done
}
have_all && exit 0

die() {
	echo "ietf-mibs: $*" >&2
	exit 1
}
for p in apt-get dpkg-deb smistrip; do
	command -v "$p" >/dev/null 2>&1 || die "missing program $p"
done

# The mirror: the first Debian URI of the system's sources (deb822 or
# one-line format), and the release it names.
uri="" suite=""
if [ -r /etc/apt/sources.list.d/debian.sources ]; then
	uri=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' \
	    /etc/apt/sources.list.d/debian.sources | grep -v security | head -n 1)
	suite=$(sed -n 's/^Suites:[[:space:]]*\([^[:space:]]*\).*/\1/p' \
	    /etc/apt/sources.list.d/debian.sources | head -n 1)
fi
if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
	set -- $(grep -E '^deb[[:space:]]' /etc/apt/sources.list |
	    grep -v security | head -n 1)
	if [ $# -ge 3 ]; then
		shift
		case $1 in \[*) shift ;; esac
		uri=$1 suite=$2
	fi
fi
[ -n "$uri" ] || uri=http://deb.debian.org/debian
[ -n "$suite" ] || suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")

tmp=$(mktemp -d -t pfstats-ietf.XXXXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/pkg"
echo "deb $uri $suite non-free" >"$tmp/sources.list"
apt_opts="-o Dir::Etc::sourcelist=$tmp/sources.list
    -o Dir::Etc::sourceparts=-
    -o Dir::State::Lists=$tmp/lists
    -o Dir::Cache=$tmp/cache
    -o Dir::Cache::pkgcache=
    -o Dir::Cache::srcpkgcache=
    -o APT::Sandbox::User=root
    -o Debug::NoLocking=true"
# shellcheck disable=SC2086
apt-get -q $apt_opts update >"$tmp/apt.log" 2>&1 ||
    die "apt-get update of $uri $suite non-free failed: $(tail -n 2 "$tmp/apt.log")"
# shellcheck disable=SC2086
(cd "$tmp/pkg" && apt-get -q $apt_opts download snmp-mibs-downloader) \
    >>"$tmp/apt.log" 2>&1 ||
    die "apt-get download snmp-mibs-downloader failed: $(tail -n 2 "$tmp/apt.log")"
deb=$(ls "$tmp"/pkg/snmp-mibs-downloader_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || die "no snmp-mibs-downloader .deb downloaded"
dpkg-deb -x "$deb" "$tmp/x" || die "cannot unpack $deb"
rfcs=$tmp/x/usr/share/snmp/mibs-downloader/mibrfcs
mkdir -p "$dir" "$tmp/mibs"
for n in 2578 2579 2580; do
	f=$rfcs/rfc$n.txt.gz
	[ -r "$f" ] || die "$deb has no rfc$n.txt.gz"
	gzip -dc "$f" >"$tmp/rfc$n.txt"
	smistrip -d "$tmp/mibs" "$tmp/rfc$n.txt" >/dev/null ||
	    die "smistrip rfc$n.txt failed"
done
for m in $need; do
	[ -s "$tmp/mibs/$m" ] || die "smistrip found no $m"
	cp "$tmp/mibs/$m" "$dir/$m.tmp" && mv "$dir/$m.tmp" "$dir/$m"
done
echo "ietf-mibs: $need in $dir"
