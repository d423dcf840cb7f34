#!/bin/bash
# SPDX-License-Identifier: ISC
#
# NAME
#	t_agentx.sh - postfix-stats-agentx behind a real snmpd, end to end
# DESCRIPTION
#	A real snmpd (lib/snmpd-env.sh: Debian's snmpd as Debian-snmp, with
#	contrib/snmpd.conf.agentx, the AgentX socket in the test's directory,
#	its own loopback port) and postfix-stats-agentx started as root with
#	-u nobody. Checks, each named in its ok/FAIL line:
#	 - while postfix-statsd -f counts corpus lines appended in chunks,
#	   snmpbulkwalk -v2c of the module answers; once it caught up, every
#	   key of `postfix-stats-get --all` is in the walk, typed Counter64
#	   (counters) or Gauge32 (gauges, ages), equal to it; every sent:T is
#	   the transport table's row "T"; the reply table equals the scalars;
#	 - a transport seen for the first time adds its row and renumbers no
#	   other row;
#	 - gauges set with store_set (tests/integration/setgauge.c) are
#	   Gauge32, clamped at 2^32-1; gauges never set are absent
#	   (noSuchInstance, skipped by the walk); a counter beyond 2^32 is
#	   served exactly;
#	 - MRTG (contrib/mrtg-agentx.cfg, SNMPv2c) logs and graphs Counter64s;
#	 - the database moved away or unreadable: no number, only
#	   noSuchInstance, until it is back;
#	 - snmpd restarted: the subagent reconnects and serves again;
#	 - SIGTERM: exit 0; the ExecStart line of
#	   contrib/postfix-stats-agentx.service serves, run as nobody.
# DIAGNOSTICS
#	Exit 0 when every check passes, 1 otherwise, 77 (SKIP) when not root.
# SECURITY
#	Needs root (snmpd's start as Debian's unit does it); everything runs
#	on 127.0.0.1 and in a temporary directory removed at exit.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/common.sh"
. "$here/lib/snmpd-env.sh"
AGENTX=${AGENTX:-$BUILD/postfix-stats-agentx}
MIBGEN=${MIBGEN:-$BUILD/mibgen}
SETGAUGE=${SETGAUGE:-$BUILD/tests/setgauge}

if [ "$(id -u)" != 0 ]; then
	echo "SKIP t_agentx: needs root (snmpd as Debian-snmp, the subagent -u nobody)"
	exit 77
fi
it_init t_agentx
chmod 755 "$work"
for p in "$AGENTX" "$MIBGEN" "$SETGAUGE"; do
	[ -x "$p" ] || it_fail "$p not built (make)"
done
snmpenv_install >/dev/null || it_fail "snmpd, snmp and mrtg are needed"
command -v snmpbulkwalk >/dev/null || it_fail "no snmpbulkwalk"

ROOT=$("$MIBGEN" -r)
SOCK=$work/agentx/master
agx_pid=""
agx_cleanup() {
	[ -n "$agx_pid" ] && kill -9 "$agx_pid" 2>/dev/null
	snmpenv_stop
}
it_cleanup_hook=agx_cleanup
mkdir "$work/bin" "$work/snmp"
install -m 0755 "$GET" "$work/bin/postfix-stats-get"
declare -A KOID KTYPE
while read -r k o t; do KOID[$k]=$o KTYPE[$k]=$t; done < <("$MIBGEN" -k)

ok() { echo "ok   $*"; }
start_snmpd() {
	SNMPENV_CONTRIB=$it_top/contrib/snmpd.conf.agentx \
	SNMPENV_SED="s#/var/agentx/master#$SOCK#; s#Debian-snmp postfix-stats#Debian-snmp nogroup#" \
	    snmpenv_start "$work/snmp" "$work/bin/postfix-stats-get" 2>>"$work/snmpenv.err" ||
	    it_fail "snmpd did not start: $(tail -n 3 "$work/snmpenv.err")"
}
# walk: the module's objects, "OID = TYPE: VALUE" (not the end-of-view line
# the tools print when the module is the last thing in the view).
walk() {
	local rc
	snmpbulkwalk -v2c -c "$SNMPENV_COMMUNITY" -t 3 -r 1 -On "127.0.0.1:$SNMPENV_PORT" "$ROOT" >"$work/walk.raw" 2>&1
	rc=$?
	grep -v ' = No more variables left in this MIB View' "$work/walk.raw"
	return $rc
}
get1() {
	snmpget -v2c -c "$SNMPENV_COMMUNITY" -t 3 -r 1 -On -Oqv "127.0.0.1:$SNMPENV_PORT" "$1" 2>&1
}
is_uint() { case "$1" in '' | *[!0-9]*) return 1 ;; *) return 0 ;; esac; }
num_at() { is_uint "$(get1 "$1")"; }
absent_at() { case $(get1 "$1") in "No Such Instance"*) return 0 ;; *) return 1 ;; esac; }
agx_log() { tail -n 5 "$work/agx.err" | tr '\n' ' '; }
# The OID of the transport table's row for T: length, then the bytes.
trow() { echo "$ROOT.1.2.1.2$(snmpenv_name_oid "$1")"; }

# compare: the walk against `postfix-stats-get --all`; mismatches in
# $work/mismatch. Ages may differ by the second or two between the two;
# gauges over 2^32-1 are served as 2^32-1.
compare() {
	local oid eq type val k v o n=0 client cls
	declare -A WT WV
	: >"$work/mismatch"
	walk >"$work/walk" 2>&1 || { echo "walk failed: $(head -n 2 "$work/walk")" >"$work/mismatch"; return 1; }
	"$GET" -d "$db" --all >"$work/all" || { echo "get --all failed" >"$work/mismatch"; return 1; }
	while read -r oid eq type val; do
		WT[$oid]=${type%:} WV[$oid]=$val
	done <"$work/walk"
	while read -r k v; do
		if [ -n "${KOID[$k]:-}" ]; then
			o=${KOID[$k]}
			n=$((n + 1))
			# Gauge32 is clamped at 2^32-1.
			[ "${KTYPE[$k]}" = Gauge32 ] && [ "${#v}" -ge 10 ] &&
			    [ "$v" -gt 4294967295 ] && v=4294967295
			if [ "${WT[$o]:-}" != "${KTYPE[$k]}" ]; then
				echo "$k: $o is \"${WT[$o]:-absent}\", not ${KTYPE[$k]}" >>"$work/mismatch"
			elif [ "${k%_age}" != "$k" ]; then
				[ $((${WV[$o]} - v)) -le 2 ] && [ $((v - ${WV[$o]})) -le 2 ] ||
				    echo "$k: $o = ${WV[$o]}, get says $v" >>"$work/mismatch"
			elif [ "${WV[$o]}" != "$v" ]; then
				echo "$k: $o = ${WV[$o]}, get says $v" >>"$work/mismatch"
			fi
		fi
		case $k in sent:*)
			o=$(trow "${k#sent:}")
			n=$((n + 1))
			[ "${WT[$o]:-}" = Counter64 ] && [ "${WV[$o]}" = "$v" ] ||
			    echo "$k: transport row $o is \"${WT[$o]:-absent} ${WV[$o]:-}\", get says $v" >>"$work/mismatch"
		esac
		case $k in smtp:[45]xx | lmtp:[45]xx | smtpd:[45]xx)
			client=${k%%:*} cls=${k#*:}
			case $client in smtp) client=1 ;; lmtp) client=2 ;; smtpd) client=3 ;; esac
			o=$ROOT.1.3.1.3.$client.${cls%xx}
			n=$((n + 1))
			[ "${WT[$o]:-}" = Counter64 ] && [ "${WV[$o]}" = "$v" ] ||
			    echo "$k: reply row $o is \"${WT[$o]:-absent} ${WV[$o]:-}\", get says $v" >>"$work/mismatch"
		esac
	done <"$work/all"
	# Nothing more than that: no object the reader does not show.
	[ "$(wc -l <"$work/walk")" = "$n" ] ||
	    echo "the walk has $(wc -l <"$work/walk") objects, expected $n" >>"$work/mismatch"
	[ ! -s "$work/mismatch" ]
}

# ------------------------------------------------------------------ start
start_snmpd
it_data "$work/data" 20000
it_ref "$work/ref" "$work/data"
split -n l/4 -a 1 "$work/data" "$work/chunk."
: >"$log"
it_start
it_wait 20 test -f "$db/data.mdb" || it_fail "postfix-statsd created no database"
"$AGENTX" -f -u nobody -d "$db" -x "$SOCK" 2>"$work/agx.err" &
agx_pid=$!
it_wait 20 num_at "${KOID[sent:smtp]}" || it_fail "the subagent does not answer: $(agx_log)"
[ "$(ps -o user= -p "$agx_pid")" = nobody ] || it_fail "the subagent runs as $(ps -o user= -p "$agx_pid")"
ok "the subagent (pid $agx_pid, user nobody) answers through snmpd"

# ------------------------------------------------------------------ walk while counting
prev=0 walks=0
for c in "$work"/chunk.*; do
	cat "$c" >>"$log"
	walk >"$work/w" 2>&1 || it_fail "a walk while counting failed: $(head -n 2 "$work/w")"
	v=$(sed -n "s/^${KOID[status:sent]} = Counter64: //p" "$work/w")
	is_uint "$v" && [ "$v" -ge "$prev" ] || it_fail "status:sent went from $prev to \"$v\""
	prev=$v walks=$((walks + 1))
done
it_catch_up "$ref_lines"
it_compare "$work/ref" "$db" || it_fail "the follower's counts differ from the reference"
it_wait 10 compare || it_fail "walk and postfix-stats-get --all differ: $(head -n 5 "$work/mismatch")"
ok "$walks walks while counting; then the walk of $(wc -l <"$work/walk") objects equals postfix-stats-get --all, typed"
grep -q '^sent:' "$work/all" && [ "$(grep -c '^sent:' "$work/all")" -ge 5 ] ||
    it_fail "no sent: keys in --all"

# ------------------------------------------------------------------ a new transport
before=$(grep "^$ROOT\.1\.2\." "$work/walk")
new=aaa-new$RANDOM
printf '%s\n' "Dec  1 10:00:00 mail postfix/pipe[77]: 4ABC12: to=<x@example.org>, relay=$new, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (delivered via $new service)" >>"$log"
it_catch_up $((ref_lines + 1))
it_wait 5 num_at "$(trow "$new")" || it_fail "no row $(trow "$new") for the new transport $new"
walk >"$work/walk2"
after=$(grep "^$ROOT\.1\.2\." "$work/walk2")
[ "$(grep -vxF -f <(echo "$after") <(echo "$before"))" = "" ] ||
    it_fail "rows changed when $new appeared: $(grep -vxF -f <(echo "$after") <(echo "$before") | head -n 3)"
[ "$(echo "$after" | wc -l)" = $(($(echo "$before" | wc -l) + 1)) ] || it_fail "more than one row added"
ok "the new transport $new got row $(trow "$new"); the other $(echo "$before" | wc -l) rows are unchanged"
it_stop
[ "$src" = 0 ] || it_fail "postfix-statsd exit $src"

# ------------------------------------------------------------------ gauges
t=$(( $(date +%s) - 30 ))
absent_at "${KOID[queue:active]}" || it_fail "queue:active never set, yet: $(get1 "${KOID[queue:active]}")"
"$SETGAUGE" "$db" queue:active=7 queue:deferred=5000000000 self:heartbeat=$t \
    +sent:local=5000000000 || it_fail "setgauge failed"
it_wait 5 num_at "${KOID[queue:active]}" || it_fail "queue:active was set, still: $(get1 "${KOID[queue:active]}")"
it_wait 10 compare || it_fail "with gauges, walk and --all differ: $(head -n 5 "$work/mismatch")"
grep -q "^${KOID[queue:active]} = Gauge32: 7\$" "$work/walk" || it_fail "queue:active: $(grep "^${KOID[queue:active]} " "$work/walk")"
grep -q "^${KOID[queue:deferred]} = Gauge32: 4294967295\$" "$work/walk" ||
    it_fail "queue:deferred (5000000000) not clamped to 4294967295: $(grep "^${KOID[queue:deferred]} " "$work/walk")"
grep -q "^${KOID[self:heartbeat]} = Gauge32: $t\$" "$work/walk" || it_fail "self:heartbeat"
age=$(sed -n "s/^${KOID[self:heartbeat_age]} = Gauge32: //p" "$work/walk")
is_uint "$age" && [ "$age" -ge 30 ] && [ "$age" -le 40 ] || it_fail "self:heartbeat_age = \"$age\""
sl=$("$GET" -d "$db" sent:local)
[ "$sl" -gt 4294967296 ] && grep -q "^${KOID[sent:local]} = Counter64: $sl\$" "$work/walk" ||
    it_fail "sent:local ($sl) not served as that Counter64"
# self:last_line is the follower's own gauge (it read lines): present, typed.
grep -q "^${KOID[self:last_line]} = Gauge32: [0-9]" "$work/walk" ||
    it_fail "self:last_line (set by the follower) is not a Gauge32: $(grep "^${KOID[self:last_line]} " "$work/walk")"
for k in queue:hold queue:incoming queue:maildrop self:queue_sampled; do
	absent_at "${KOID[$k]}" || it_fail "$k never set, GET says: $(get1 "${KOID[$k]}")"
	grep -q "^${KOID[$k]} " "$work/walk" && it_fail "$k never set, yet walked"
done
ok "gauges: Gauge32, 5000000000 clamped to 4294967295, heartbeat_age $age; never set: noSuchInstance and not walked; sent:local = $sl as Counter64"

# ------------------------------------------------------------------ MRTG
mkdir "$work/mrtg"
sed -e "s#^WorkDir:.*#WorkDir: $work/mrtg#" -e "s#public@localhost:#$SNMPENV_AGENT#g" \
    "$it_top/contrib/mrtg-agentx.cfg" >"$work/mrtg.cfg"
for run in 1 2; do
	[ $run = 1 ] || sleep 2
	( cd "$work" && timeout 120 env LANG=C mrtg "$work/mrtg.cfg" ) >"$work/mrtg$run.out" 2>&1 ||
	    it_fail "MRTG run $run: $(head -c 400 "$work/mrtg$run.out")"
	grep -vE "Rateup WARNING: .*(could not read the primary log file|backup log file .* was invalid|Can't rename .*\.log to .*\.old)" \
	    "$work/mrtg$run.out" | grep -qiE 'error|problem|warning' &&
	    it_fail "MRTG run $run complained: $(head -c 400 "$work/mrtg$run.out")"
done
read -r ts in out <"$work/mrtg/postfix_sent_agentx.log"
[ "$in" = "$("$GET" -d "$db" sent:smtp)" ] && [ "$out" = "$sl" ] ||
    it_fail "MRTG logged \"$in $out\", expected sent:smtp $("$GET" -d "$db" sent:smtp) and sent:local $sl"
[ "$(head -c 4 "$work/mrtg/postfix_sent_agentx-day.png" | od -An -c | tr -d ' ')" = "211PNG" ] ||
    it_fail "MRTG drew no PNG"
ok "MRTG (SNMPv2c) logged sent:smtp $in and sent:local $out (> 2^32) and drew its graph"

# ------------------------------------------------------------------ database gone or unreadable
o=${KOID[sent:smtp]}
mv "$db" "$db.away"
it_wait 5 absent_at "$o" || it_fail "database moved away, GET still says: $(get1 "$o")"
walk >"$work/w" 2>&1
[ "$(grep -c "^$ROOT" "$work/w")" = 0 ] || it_fail "database moved away, the walk still has: $(head -n 2 "$work/w")"
mv "$db.away" "$db"
it_wait 5 num_at "$o" || it_fail "database back, GET says: $(get1 "$o")"
chmod 700 "$db"
it_wait 5 absent_at "$o" || it_fail "database unreadable for nobody, GET still says: $(get1 "$o")"
chmod 755 "$db"
it_wait 5 num_at "$o" || it_fail "database readable again, GET says: $(get1 "$o")"
ok "database moved away or unreadable: noSuchInstance and an empty walk, never a number; served again when back"

# ------------------------------------------------------------------ snmpd restart
snmpenv_stop
t0=$SECONDS
start_snmpd
it_wait 30 num_at "$o" || it_fail "after snmpd's restart the subagent does not serve: $(agx_log)"
kill -0 "$agx_pid" || it_fail "the subagent died"
ok "snmpd restarted: the same subagent serves again after $((SECONDS - t0)) s"

# ------------------------------------------------------------------ SIGTERM
kill -TERM "$agx_pid"
it_wait 10 it_gone "$agx_pid" || it_fail "the subagent ignores SIGTERM"
wait "$agx_pid"
rc=$?
agx_pid=""
[ $rc = 0 ] || it_fail "exit status $rc after SIGTERM"
ok "SIGTERM: exit 0"

# ------------------------------------------------------------------ the systemd unit's ExecStart
# contrib/postfix-stats-agentx.service runs it as User= (not root), -f: its
# ExecStart line, program and database put in, run as nobody must serve.
cmd=$(sed -n 's/^ExecStart=//p' "$it_top/contrib/postfix-stats-agentx.service")
cmd=${cmd/\/usr\/sbin\/postfix-stats-agentx/$AGENTX}
cmd=${cmd/\/var\/lib\/postfix-stats/$db}
[ "$cmd" != "$(sed -n 's/^ExecStart=//p' "$it_top/contrib/postfix-stats-agentx.service")" ] || it_fail "no ExecStart in the unit"
# shellcheck disable=SC2086
setpriv --reuid=nobody --regid=nogroup --clear-groups -- $cmd -x "$SOCK" 2>"$work/agx.err" &
agx_pid=$!
it_wait 20 num_at "$o" || it_fail "the unit's ExecStart ($cmd) does not serve: $(agx_log)"
kill -TERM "$agx_pid"
wait "$agx_pid"
rc=$?
agx_pid=""
[ $rc = 0 ] || it_fail "the unit's ExecStart: exit $rc after SIGTERM"
it_pass "contrib/postfix-stats-agentx.service's ExecStart serves as an unprivileged user"
