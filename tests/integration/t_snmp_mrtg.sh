#!/bin/bash
# SPDX-License-Identifier: ISC
# t_snmp_mrtg.sh: end to end, as an administrator would run it.  A real Postfix on
# loopback (lib/postfix-env.sh) logs a known mix of mail; postfix-statsd -f follows
# that log; a real snmpd (lib/snmpd-env.sh: Debian's snmpd as Debian-snmp, with
# contrib/snmpd.conf.postfix-stats) runs postfix-stats-get through `exec` and
# `extend`; snmpget/snmpwalk must read every seed key exactly (EXP_* of the mix);
# then the real MRTG (contrib/mrtg-postfix-stats.cfg, Include:d as Debian's
# mrtg service would, as user mrtg) runs twice and must log the counters and
# draw its PNG graphs.  Also checks the permission model: the database written by
# root, 0755/0644, readable but not writable by Debian-snmp.
#
#   tests/integration/t_snmp_mrtg.sh
#   PFSTATS_SAVE_PNG=FILE  copy MRTG's postfix_sent-day.png there (docs/mrtg-example.png)
#
# Needs root.  Prints ok/FAIL lines and "N passed, N failed"; exits non-zero on
# any failure.  Stops everything it started and removes its files (trap).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$top/$BUILD ;; esac
STATSD=${STATSD:-$BUILD/postfix-statsd}
GET=${GET:-$BUILD/postfix-stats-get}
T0=$SECONDS

passed=0 failed=0
ok() { printf 'ok   %s\n' "$*"; passed=$((passed + 1)); }
bad() { printf 'FAIL %s\n' "$*"; failed=$((failed + 1)); }
is_uint() { case "$1" in '' | *[!0-9]*) return 1 ;; *) return 0 ;; esac; }
say() { printf 't_snmp_mrtg: %s\n' "$*"; }

if [ "$(id -u)" != 0 ]; then
    echo "t_snmp_mrtg: needs root (runs Postfix, and snmpd as Debian-snmp)" >&2
    exit 1
fi
if [ ! -x "$STATSD" ] || [ ! -x "$GET" ]; then
    echo "t_snmp_mrtg: $STATSD or $GET not built (run make)" >&2
    exit 1
fi

. "$here/lib/postfix-env.sh"
. "$here/lib/snmpd-env.sh"

# Debian-snmp must reach the reader and the database: the work directory is 0755
# (not a 0700 mktemp directory), and nothing in it is world-writable.
work=$(mktemp -d -t pfstats-snmp.XXXXXXXX)
chmod 755 "$work"
pfdir=$(mktemp -d -t pfenv.XXXXXXXX)
db=$work/db
follower_pid=""

stop_follower() {
    local end rc=0
    [ -n "$follower_pid" ] || return 0
    kill -TERM "$follower_pid" 2>/dev/null
    end=$((SECONDS + 10))
    while snmpenv_alive "$follower_pid"; do
        if [ $SECONDS -ge $end ]; then
            kill -KILL "$follower_pid" 2>/dev/null
            break
        fi
        sleep 0.1
    done
    wait "$follower_pid" 2>/dev/null || rc=$?
    follower_pid=""
    return $rc
}
cleanup() {
    snmpenv_stop
    stop_follower
    pfenv_stop >/dev/null 2>&1 || true
    rm -rf -- "$work" "$pfdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pfenv_install || exit 1
snmpenv_install || exit 1

# The reader where Debian-snmp can execute it (the build tree may be private).
mkdir "$work/bin"
install -m 0755 "$GET" "$work/bin/postfix-stats-get"
READER=$work/bin/postfix-stats-get

# ------------------------------------------------------------------ Postfix + follower
pfenv_start "$pfdir" || { bad "Postfix environment did not start"; exit 1; }
end=$((SECONDS + 20))
until [ -s "$pfdir/maillog" ]; do
    [ $SECONDS -lt $end ] || { bad "Postfix wrote no $pfdir/maillog"; exit 1; }
    sleep 0.1
done
"$STATSD" -f --from-start -l "$pfdir/maillog" -d "$db" 2>"$work/statsd.log" &
follower_pid=$!
end=$((SECONDS + 20))
until [ -f "$db/data.mdb" ] && v=$("$GET" -d "$db" sent:smtp 2>/dev/null) && [ "$v" = 0 ]; do
    if ! snmpenv_alive "$follower_pid"; then
        bad "postfix-statsd -f exited: $(tail -n 3 "$work/statsd.log")"; exit 1
    fi
    [ $SECONDS -lt $end ] || { bad "postfix-statsd created no database in 20 s"; exit 1; }
    sleep 0.1
done
ok "postfix-statsd -f follows $pfdir/maillog (pid $follower_pid)"

# ------------------------------------------------------------------ permissions
# Written by root (the daemon's user here), dirs 0755, files 0644, nothing group-
# or world-writable; Debian-snmp reads, but can neither write nor create nor count.
modes=$(stat -c '%a %U %n' "$db" "$db"/*.mdb | sed "s#$db#DB#")
if [ "$(stat -c %a "$db")" = 755 ] && [ -z "$(find "$db" -perm /022)" ] &&
    [ -z "$(find "$db" -type f ! -perm 644)" ]; then
    ok "database modes: $(echo $modes)"
else
    bad "database modes: $(echo $modes) (want dir 755, files 644, nothing group/world-writable)"
fi
if v=$(snmpenv_as_snmp "$READER" -d "$db" sent:smtp 2>&1) && is_uint "$v"; then
    ok "Debian-snmp reads the database (sent:smtp = $v)"
else
    bad "Debian-snmp cannot read the database: $v"
fi
if snmpenv_as_snmp touch "$db/probe" 2>/dev/null; then
    bad "Debian-snmp could create a file in the database directory"; rm -f "$db/probe"
else
    ok "Debian-snmp cannot create files in the database directory"
fi
for f in data.mdb lock.mdb; do
    # ": >>" opens for appending and writes nothing: a permission check that
    # cannot damage the file.
    if snmpenv_as_snmp sh -c ": >> \"\$1\"" sh "$db/$f" 2>/dev/null; then
        bad "Debian-snmp can open $f for writing"
    else
        ok "Debian-snmp cannot open $f for writing"
    fi
done
printf '%s\n' "Nov 29 00:07:00 mail postfix/smtp[9]: 6A1B2C: to=<x@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok)" >"$work/one.log"
chmod 644 "$work/one.log"
before=$("$GET" -d "$db" sent:smtp)
if snmpenv_as_snmp "$STATSD" --once --from-start -l "$work/one.log" -d "$db" 2>/dev/null; then
    bad "postfix-statsd run as Debian-snmp could write the database"
else
    after=$("$GET" -d "$db" sent:smtp)
    if [ "$before" = "$after" ]; then
        ok "postfix-statsd run as Debian-snmp fails and changes no counter"
    else
        bad "postfix-statsd run as Debian-snmp changed sent:smtp $before -> $after"
    fi
fi

# ------------------------------------------------------------------ snmpd
# contrib/snmpd.conf.postfix-stats as shipped, with the reader's path, and its
# commented-out sent:legal example lines (row 9) switched on.
SNMPENV_SED='s/^#\(exec postfix-sent-legal \)/\1/; s/^#\(extend pfstats-sent-legal \)/\1/'
snmpenv_start "$work" "$READER" "$db" || { bad "snmpd did not start"; exit 1; }
ok "snmpd runs as $(ps -o user= -p "$SNMPENV_PID") on udp:127.0.0.1:$SNMPENV_PORT with contrib/snmpd.conf.postfix-stats"

KEYS="sent:smtp sent:local recv:smtp recv:local smtp:4xx smtp:5xx smtpd:4xx smtpd:5xx sent:legal"
row_of() { local k=$1 i=0 x; for x in $KEYS; do i=$((i + 1)); [ "$x" = "$k" ] && { echo $i; return; }; done; }
ename() { local k=$1; echo "postfix-${k%%:*}-${k#*:}"; }   # exec name
xname() { local k=$1; echo "pfstats-${k%%:*}-${k#*:}"; }   # extend name

# The classic exec lines (contrib/snmpd.conf.classic-exec, for a migration)
# are rows 1-9 in order.
rows_ok=1
for k in $KEYS; do
    n=$(snmpenv_get "$OID_EXT_NAME.$(row_of "$k")")
    [ "$n" = "$(ename "$k")" ] || { rows_ok=0; bad "extTable row $(row_of "$k") is \"$n\", expected $(ename "$k")"; }
done
[ $rows_ok = 1 ] && ok "extTable rows 1-9 are the exec lines in order ($(ename sent:smtp) ... $(ename sent:legal))"
# The OID the contrib file documents for an extend name is the real one.
doc_oid=$(sed -n 's/^#  *\(\.1\.3\.6\.1\.4\.1\.8072\.1\.3\.2\.3\.1\.1\.[0-9.]*\)$/\1/p' "$top/contrib/snmpd.conf.postfix-stats")
if [ "$doc_oid" = "$OID_NSEXT_LINE$(snmpenv_name_oid pfstats-sent-smtp)" ] &&
    [ "$(snmpenv_get "$doc_oid")" = "$("$GET" -d "$db" sent:smtp)" ]; then
    ok "the nsExtendOutput1Line OID documented in the contrib file answers"
else
    bad "documented OID \"$doc_oid\" is not nsExtendOutput1Line.\"pfstats-sent-smtp\""
fi
v=$(snmpenv_get "$OID_EXT_OUTPUT.1")
if [ "$v" = 0 ]; then ok "before any mail: extOutput.1 (sent:smtp) = 0"; else bad "before any mail: extOutput.1 = \"$v\""; fi

# ------------------------------------------------------------------ the mix
t=$SECONDS
pfenv_send_mix || { bad "pfenv_send_mix failed"; exit 1; }
say "mix sent and logged in $((SECONDS - t)) s; expected: $(for k in $KEYS; do v=$(pfenv_exp_var "$k"); printf '%s=%s ' "$k" "${!v}"; done)"

want_of() { local v; v=$(pfenv_exp_var "$1"); echo "${!v}"; }
all_match() {   # all_match FUNCTION: FUNCTION KEY prints the value seen for KEY
    local k
    for k in $KEYS; do [ "$("$1" "$k")" = "$(want_of "$k")" ] || return 1; done
}
via_get() { "$GET" -d "$db" "$1" 2>/dev/null; }
via_exec() { snmpenv_get "$OID_EXT_OUTPUT.$(row_of "$1")"; }
via_extend() { snmpenv_get "$OID_NSEXT_LINE$(snmpenv_name_oid "$(xname "$1")")"; }

t=$SECONDS
end=$((SECONDS + 30))
until all_match via_get; do
    [ $SECONDS -lt $end ] || break
    sleep 0.1
done
say "follower had every expected value $((SECONDS - t)) s after the mix was logged"
# snmpd caches each command's output for 5 s (nsExtendCacheTime): wait it out.
t=$SECONDS
end=$((SECONDS + 20))
until all_match via_exec && all_match via_extend; do
    [ $SECONDS -lt $end ] || break
    sleep 0.5
done
say "snmpd served them $((SECONDS - t)) s later"

for k in $KEYS; do
    want=$(want_of "$k")
    r=$(row_of "$k")
    got=$(via_exec "$k") res=$(snmpenv_get "$OID_EXT_RESULT.$r")
    if [ "$got" = "$want" ] && [ "$res" = 0 ]; then
        ok "exec   $(printf '%-10s' "$k") extOutput.$r = $got, extResult.$r = 0"
    else
        bad "exec   $k extOutput.$r = \"$got\" (extResult $res), expected $want"
    fi
    idx=$(snmpenv_name_oid "$(xname "$k")")
    got=$(via_extend "$k") res=$(snmpenv_get "$OID_NSEXT_RESULT$idx")
    full=$(snmpenv_get "$OID_NSEXT_FULL$idx")
    if [ "$got" = "$want" ] && [ "$full" = "$want" ] && [ "$res" = 0 ]; then
        ok "extend $(printf '%-10s' "$k") nsExtendOutput1Line.\"$(xname "$k")\" = $got, nsExtendResult = 0"
    else
        bad "extend $k nsExtendOutput1Line = \"$got\", OutputFull \"$full\" (result $res), expected $want"
    fi
done
# One walk of the extOutput column: the nine values, in row order.
walk=$(snmpenv_walk "$OID_EXT_OUTPUT" | sed -n 's/^[.0-9]* = STRING: "\(.*\)"$/\1/p' | tr '\n' ' ')
wantw=$(for k in $KEYS; do printf '%s ' "$(want_of "$k")"; done)
if [ "$walk" = "$wantw" ]; then ok "snmpwalk extOutput: $walk"; else bad "snmpwalk extOutput: \"$walk\", expected \"$wantw\""; fi

# ------------------------------------------------------------------ MRTG
# As Debian's mrtg.service runs it: user mrtg, the admin's own config with
# WorkDir, and ours added by one Include: line (nothing of the admin's
# config is replaced).
install -d -o mrtg -g mrtg -m 0755 "$work/mrtg" "$work/etc-mrtg"
printf 'WorkDir: %s\nInclude: %s\n' "$work/mrtg" "$work/etc-mrtg/postfix-stats.cfg" \
    >"$work/etc-mrtg/mrtg.cfg"
sed -e "s#public@localhost#$SNMPENV_AGENT#g" "$top/contrib/mrtg-postfix-stats.cfg" \
    >"$work/etc-mrtg/postfix-stats.cfg"
chown mrtg:mrtg "$work/etc-mrtg/mrtg.cfg" "$work/etc-mrtg/postfix-stats.cfg"
t=$SECONDS
for run in 1 2; do
    [ $run = 1 ] || sleep 2     # two readings a little apart
    ( cd "$work/etc-mrtg" && timeout 120 setpriv --reuid=mrtg --regid=mrtg --clear-groups -- \
        env LANG=C HOME="$work/etc-mrtg" mrtg "$work/etc-mrtg/mrtg.cfg" ) >"$work/mrtg$run.out" 2>&1
    rc=$?
    # On its first run MRTG has no .log file yet, and rateup says so (three
    # warnings per target); anything else is a problem.
    if [ $rc = 0 ] && ! grep -vE "Rateup WARNING: .*(could not read the primary log file|backup log file .* was invalid|Can't rename .*\.log to .*\.old)" \
        "$work/mrtg$run.out" | grep -qiE 'error|problem|warning'; then
        ok "MRTG run $run as user mrtg (Include: contrib/mrtg-postfix-stats.cfg) exit 0, no errors"
    else
        bad "MRTG run $run exit $rc: $(head -c 600 "$work/mrtg$run.out" | tr '\n' ' ')"
    fi
done
say "two MRTG runs took $((SECONDS - t)) s"
read -r ts in out <"$work/mrtg/postfix_alive.log" 2>/dev/null || ts="" in="" out=""
if is_uint "$in" && is_uint "$out" && [ "$in" -lt 120 ]; then
    ok "MRTG postfix_alive.log: self:heartbeat_age = $in s, self:last_line_age = $out s"
else
    bad "MRTG postfix_alive.log first line \"$ts $in $out\": no liveness values"
fi
png_ok() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
now=$(date +%s)
for tk in postfix_sent:sent:smtp:sent:local postfix_recv:recv:smtp:recv:local \
    postfix_smtp:smtp:4xx:smtp:5xx postfix_smtpd:smtpd:4xx:smtpd:5xx; do
    IFS=: read -r target c1 n1 c2 n2 <<<"$tk"
    wi=$(want_of "$c1:$n1") wo=$(want_of "$c2:$n2")
    read -r ts in out <"$work/mrtg/$target.log" 2>/dev/null || ts="" in="" out=""
    if [ "$in" = "$wi" ] && [ "$out" = "$wo" ] && is_uint "$ts" && [ $((now - ts)) -lt 300 ]; then
        ok "MRTG $target.log: $c1:$n1 = $in, $c2:$n2 = $out"
    else
        bad "MRTG $target.log first line \"$ts $in $out\", expected \"<now> $wi $wo\""
    fi
    pngs=""
    for p in day week month year; do png_ok "$work/mrtg/$target-$p.png" || pngs="$pngs $target-$p.png"; done
    if [ -z "$pngs" ] && [ -s "$work/mrtg/$target.html" ]; then
        ok "MRTG $target: HTML page and day/week/month/year PNG graphs written"
    else
        bad "MRTG $target: missing or not PNG:$pngs (html: $(ls "$work/mrtg/$target.html" 2>&1))"
    fi
done
if [ -n "${PFSTATS_SAVE_PNG:-}" ] && png_ok "$work/mrtg/postfix_sent-day.png"; then
    cp -- "$work/mrtg/postfix_sent-day.png" "$PFSTATS_SAVE_PNG" && say "saved $PFSTATS_SAVE_PNG"
fi

# ------------------------------------------------------------------ stop everything
snmppid=$SNMPENV_PID
snmpenv_stop
if snmpenv_alive "$snmppid"; then bad "snmpd $snmppid still runs"; else ok "snmpd stopped"; fi
fpid=$follower_pid
if stop_follower; then ok "postfix-statsd stopped by SIGTERM, exit 0"; else bad "postfix-statsd: exit status $? after SIGTERM"; fi
snmpenv_alive "$fpid" && bad "postfix-statsd $fpid still runs"
mpid=${PFENV_MASTER_PID:-}
if pfenv_stop && { [ -z "$mpid" ] || ! pgrep -g "$mpid" >/dev/null; }; then
    ok "Postfix and its sinks stopped"
else
    bad "Postfix did not stop cleanly"
fi
left=$(pgrep -f "$work|$pfdir" | grep -v "^$$\$" || true)
if [ -z "$left" ]; then ok "no process of this test left"; else bad "processes left: $left"; fi

say "$passed passed, $failed failed, $((SECONDS - T0)) s"
[ $failed = 0 ]
