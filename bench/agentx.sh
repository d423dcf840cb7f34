#!/bin/bash
# SPDX-License-Identifier: ISC
#
# NAME
#	bench/agentx.sh - snmpbulkwalk through postfix-stats-agentx vs extend
# SYNOPSIS
#	bench/agentx.sh [N]		(default N = 1000 walks each)
# DESCRIPTION
#	One real snmpd on 127.0.0.1 (tests/integration/lib/snmpd-env.sh)
#	with both contrib/snmpd.conf.agentx (the subagent) and
#	contrib/snmpd.conf.postfix-stats (exec and extend lines running
#	postfix-stats-get). Runs, side by side on the same database:
#	  A  N x `snmpbulkwalk -v2c` of the whole module (.1.3.6.1.4.1.32473.1,
#	     every key typed: 45 objects or so);
#	  B  N x `snmpbulkwalk -v2c` of nsExtendOutput1Line (the contrib file's
#	     exec and extend lines, strings), snmpd's 5-s output cache warm, as when a
#	     poller walks back to back: the best case for extend;
#	  C  a few walks of B each after the cache expired (sleep 5.2 s), as
#	     a poller every minute sees it: each runs one postfix-stats-get
#	     per line.
#	Prints the median wall time per walk (client included) and the CPU
#	per 1,000 walks of the subagent (A) and of snmpd with its children
#	(B, C), from /proc/PID/stat.
# DIAGNOSTICS
#	Exit 1 when a component does not start.
# SECURITY
#	Needs root (snmpd as Debian-snmp); everything on loopback, in a
#	temporary directory removed at exit.
set -eu
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
N=${1:-${AGENTX_N:-1000}}
C_WALKS=${AGENTX_COLD:-5}
[ "$(id -u)" = 0 ] || { echo "agentx bench: needs root" >&2; exit 1; }
[ -n "${BENCH_NOBUILD:-}" ] || make -s -C "$ROOT" >/dev/null
. "$ROOT/tests/integration/lib/snmpd-env.sh"

work=$(mktemp -d -t pfstats-bench-agentx.XXXXXXXX)
chmod 755 "$work"
agx=""
trap '[ -n "$agx" ] && kill "$agx" 2>/dev/null; snmpenv_stop; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
mkdir "$work/bin" "$work/snmp"
install -m 0755 "$BUILD/postfix-stats-get" "$work/bin/"
db=$work/db
# A database with every counter moving: the corpus, or a generated log.
sh "$BENCH/mklog.sh" "$work/mail.log" 5 >/dev/null 2>&1 ||
    printf '%s\n' "Nov 29 00:07:00 mail postfix/smtp[9]: 6A1B2C: to=<x@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)" >"$work/mail.log"
"$BUILD/postfix-statsd" --once --from-start -l "$work/mail.log" -d "$db" 2>/dev/null
chmod -R a+rX "$db"

cat "$ROOT/contrib/snmpd.conf.agentx" "$ROOT/contrib/snmpd.conf.postfix-stats" >"$work/both.conf"
SNMPENV_CONTRIB=$work/both.conf \
SNMPENV_SED="s#/var/agentx/master#$work/agentx/master#; s#Debian-snmp postfix-stats#Debian-snmp nogroup#; s#postfix-stats-get #postfix-stats-get -d $db #" \
    snmpenv_start "$work/snmp" "$work/bin/postfix-stats-get" 2>/dev/null
"$BUILD/postfix-stats-agentx" -f -u nobody -d "$db" -x "$work/agentx/master" 2>"$work/agx.err" &
agx=$!
mod=$("$BUILD/mibgen" -r)
ext=$OID_NSEXT_LINE
bw() { snmpbulkwalk -v2c -c "$SNMPENV_COMMUNITY" -t 5 -r 0 -On "127.0.0.1:$SNMPENV_PORT" "$1"; }
end=$((SECONDS + 20))
until [ "$(bw "$mod" 2>/dev/null | grep -c Counter64)" -gt 10 ]; do
	[ $SECONDS -lt $end ] || { echo "agentx bench: the subagent does not answer" >&2; exit 1; }
	sleep 0.2
done
objs=$(bw "$mod" | grep -c 'Counter64\|Gauge32')
eobjs=$(bw "$ext" | grep -c STRING)

ticks() {	# utime+stime (+ children's with 2nd arg) of PID, in clock ticks
	awk -v c="${2:-0}" '{ sub(/^.*\) /, ""); t = $12 + $13; if (c) t += $14 + $15; print t }' "/proc/$1/stat"
}
hz=$(getconf CLK_TCK)
# walks OID COUNT PID CHILDREN [SLEEP]: median ms per walk; CPU ms of PID
# (with its children if CHILDREN is 1) in $work/cpu
walks() {
	local i t0 t1 c0 c1
	c0=$(ticks "$3" "$4")
	: >"$work/times"
	for ((i = 0; i < $2; i++)); do
		t0=$(date +%s%N)
		bw "$1" >/dev/null
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000)) >>"$work/times"
		[ -z "${5:-}" ] || sleep "$5"
	done
	c1=$(ticks "$3" "$4")
	echo $(((c1 - c0) * 1000 / hz)) >"$work/cpu"
	sort -n "$work/times" | awk '{ a[NR] = $1 } END { printf "%.2f", a[int((NR + 1) / 2)] / 1000 }'
}

echo "# host: $(nproc) cpu(s), load: $(cut -d' ' -f1-3 /proc/loadavg); shared machine: compare within one run"
echo "# A: snmpbulkwalk -v2c of POSTFIX-STATS-MIB ($objs objects, Counter64/Gauge32) through postfix-stats-agentx"
echo "# B: snmpbulkwalk -v2c of nsExtendOutput1Line ($eobjs extend lines, STRING), snmpd's 5-s cache warm"
echo "# C: the same after the cache expired ($C_WALKS walks, each 5.2 s apart)"
ma=$(walks "$mod" "$N" "$agx" 0); ca=$(cat "$work/cpu")
mb=$(walks "$ext" "$N" "$SNMPENV_PID" 1); cb=$(cat "$work/cpu")
sleep 5.2
mc=$(walks "$ext" "$C_WALKS" "$SNMPENV_PID" 1 5.2); cc=$(cat "$work/cpu")
printf '  A agentx         median %6s ms/walk   subagent CPU %6d ms per 1000 walks\n' "$ma" $((ca * 1000 / N))
printf '  B extend (warm)  median %6s ms/walk   snmpd+children CPU %6d ms per 1000 walks\n' "$mb" $((cb * 1000 / N))
printf '  C extend (cold)  median %6s ms/walk   snmpd+children CPU %6d ms per 1000 walks (from %d walks)\n' "$mc" $((cc * 1000 / C_WALKS)) "$C_WALKS"
