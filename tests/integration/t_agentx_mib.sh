#!/bin/bash
# SPDX-License-Identifier: ISC
#
# NAME
#	t_agentx_mib.sh - mibs/POSTFIX-STATS-MIB.txt is generated and clean
# DESCRIPTION
#	The checked-in MIB equals what mibgen prints from the keys catalogue
#	(run `make mib` after changing a key); `smilint -l 6` prints nothing
#	for it (smilint exits 0 even on errors: its output is what counts),
#	with the IETF core modules from scripts/ietf-mibs.sh; Net-SNMP's own
#	parser reads it and names every key's OID as mibgen -k does.
# DIAGNOSTICS
#	Exit 0 when all hold, 1 otherwise, 77 (SKIP) when smilint is missing
#	or the IETF modules cannot be fetched.
# SECURITY
#	Reads the repository; writes only a temporary directory (and
#	build/ietf-mibs through scripts/ietf-mibs.sh).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
MIBGEN=${MIBGEN:-$BUILD/mibgen}
MIB=$top/mibs/POSTFIX-STATS-MIB.txt
name=t_agentx_mib
fail() { echo "FAIL $name: $*"; exit 1; }

[ -x "$MIBGEN" ] || fail "$MIBGEN not built (make)"
work=$(mktemp -d -t pfstats-mib.XXXXXXXX) || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

"$MIBGEN" >"$work/gen" || fail "mibgen failed"
diff -u "$MIB" "$work/gen" >"$work/diff" ||
    fail "mibs/POSTFIX-STATS-MIB.txt is not mibgen's output (run make mib): $(head -n 12 "$work/diff")"
echo "ok   the checked-in MIB is mibgen's output"

command -v smilint >/dev/null || { echo "SKIP $name: no smilint (package smitools)"; exit 77; }
ietf=${IETF_MIBS:-$BUILD/ietf-mibs}
sh "$top/scripts/ietf-mibs.sh" "$ietf" >/dev/null 2>"$work/ietf.err" ||
    { echo "SKIP $name: no IETF core MIBs: $(cat "$work/ietf.err")"; exit 77; }
SMIPATH=:$ietf smilint -l 6 "$MIB" >"$work/lint" 2>&1
[ -s "$work/lint" ] && fail "smilint -l 6: $(head -n 10 "$work/lint")"
echo "ok   smilint -l 6 prints nothing"

# Net-SNMP parses it: each key's descriptor names mibgen -k's OID.
n=0
while read -r key oid type; do
	d=pfs$(echo "$key" | sed 's/[^A-Za-z0-9]\{1,\}\([a-z0-9]\)/\U\1/g; s/^\([a-z]\)/\U\1/')
	got=$(SNMP_PERSISTENT_DIR=$work SNMPCONFPATH=$work MIBS=POSTFIX-STATS-MIB \
	    MIBDIRS="$top/mibs:$ietf" snmptranslate -On "POSTFIX-STATS-MIB::$d.0" 2>"$work/st.err")
	[ "$got" = "$oid" ] || fail "snmptranslate POSTFIX-STATS-MIB::$d.0 = \"$got\" ($(head -c 200 "$work/st.err")), mibgen -k says $key at $oid"
	n=$((n + 1))
done < <("$MIBGEN" -k)
echo "ok   snmptranslate: the $n keys' descriptors name mibgen -k's OIDs"
echo "ok   $name"
