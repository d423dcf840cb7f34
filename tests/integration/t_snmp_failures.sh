#!/bin/bash
# SPDX-License-Identifier: ISC
# t_snmp_failures.sh: what snmpd (and MRTG) get from postfix-stats-get when things
# are wrong, with a real snmpd running contrib/snmpd.conf.postfix-stats as
# Debian-snmp (lib/snmpd-env.sh).  Never a made-up number:
#
#   1. no database yet (postfix-statsd never ran): the reader exits non-zero with
#      one line on stderr and nothing on stdout; snmpd serves that message and the
#      exit status (extResult / nsExtendResult), not a number; MRTG records no
#      value.
#   2. a database Debian-snmp cannot read (directory 0700 root, then a data file
#      0600): the same, with "permission denied".
#   3. readable again: the right values.
#   4. the follower stopped by SIGTERM, then killed with SIGKILL, then stopped
#      while the log grows: the reader keeps serving the last committed values
#      (never reset, never made up); a restart continues from them.
#
# The log is tests/golden/real-postfix-3.7.log (a real Postfix 3.7's maillog) fed
# in four parts.  Needs root.  ok/FAIL lines, exit non-zero on failure, cleans up.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$top/$BUILD ;; esac
STATSD=${STATSD:-$BUILD/postfix-statsd}
GET=${GET:-$BUILD/postfix-stats-get}
GOLDEN=$top/tests/golden/real-postfix-3.7.log
T0=$SECONDS

passed=0 failed=0
ok() { printf 'ok   %s\n' "$*"; passed=$((passed + 1)); }
bad() { printf 'FAIL %s\n' "$*"; failed=$((failed + 1)); }
is_uint() { case "$1" in '' | *[!0-9]*) return 1 ;; *) return 0 ;; esac; }
say() { printf 't_snmp_failures: %s\n' "$*"; }

if [ "$(id -u)" != 0 ]; then
    echo "t_snmp_failures: needs root (runs snmpd as Debian-snmp)" >&2
    exit 1
fi
if [ ! -x "$STATSD" ] || [ ! -x "$GET" ] || [ ! -r "$GOLDEN" ]; then
    echo "t_snmp_failures: $STATSD, $GET or $GOLDEN missing (run make)" >&2
    exit 1
fi

. "$here/lib/snmpd-env.sh"

work=$(mktemp -d -t pfstats-snmpfail.XXXXXXXX)
chmod 755 "$work"
db=$work/db
follower_pid=""

stop_follower() {   # stop_follower [SIGNAL]: signal it (TERM), wait (bounded); its status
    local sig=${1:-TERM} end rc=0
    [ -n "$follower_pid" ] || return 0
    kill -"$sig" "$follower_pid" 2>/dev/null
    end=$((SECONDS + 10))
    while snmpenv_alive "$follower_pid"; do
        if [ $SECONDS -ge $end ]; then kill -KILL "$follower_pid" 2>/dev/null; break; fi
        sleep 0.1
    done
    wait "$follower_pid" 2>/dev/null || rc=$?
    follower_pid=""
    return $rc
}
cleanup() {
    snmpenv_stop
    stop_follower KILL
    rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

snmpenv_install || exit 1
mkdir "$work/bin"
install -m 0755 "$GET" "$work/bin/postfix-stats-get"
READER=$work/bin/postfix-stats-get

KEYS="sent:smtp sent:local recv:smtp recv:local smtp:4xx smtp:5xx smtpd:4xx smtpd:5xx"
row_of() { local k=$1 i=0 x; for x in $KEYS; do i=$((i + 1)); [ "$x" = "$k" ] && { echo $i; return; }; done; }
xname() { local k=$1; echo "pfstats-${k%%:*}-${k#*:}"; }
via_exec() { snmpenv_get "$OID_EXT_OUTPUT.$(row_of "$1")"; }
via_extend() { snmpenv_get "$OID_NSEXT_LINE$(snmpenv_name_oid "$(xname "$1")")"; }
# The seed keys as snmpd serves them, "k=v ..." (exec, then extend).
served() {
    local k
    for k in $KEYS; do printf '%s=%s ' "$k" "$(via_exec "$k")"; done
    for k in $KEYS; do printf 'x%s=%s ' "$k" "$(via_extend "$k")"; done
}
# The same string for the counters of a database read as root.
expected() {
    local k d=$1
    for k in $KEYS; do printf '%s=%s ' "$k" "$("$GET" -d "$d" "$k")"; done
    for k in $KEYS; do printf 'x%s=%s ' "$k" "$("$GET" -d "$d" "$k")"; done
}
# wait_served WANT SECONDS: until snmpd serves WANT (it caches each command's
# output for 5 s); 0 if it did.
wait_served() {
    local want=$1 end=$((SECONDS + $2))
    while [ "$(served)" != "$want" ]; do
        [ $SECONDS -lt $end ] || return 1
        sleep 0.5
    done
}
# check_errors WHAT PATTERN: every exec and extend row shows an error: result not
# 0, output not a number but the reader's message (matching PATTERN).
rows_show() {   # rows_show PATTERN: every exec and extend row serves a matching error
    local k r idx
    for k in $KEYS; do
        r=$(row_of "$k") idx=$(snmpenv_name_oid "$(xname "$k")")
        snmpenv_get "$OID_EXT_OUTPUT.$r" "$OID_NSEXT_LINE$idx" | grep -qviE "$1" && return 1
    done
    return 0
}
check_errors() {
    local what=$1 pat=$2 k r out res idx n_ok=0 n=0 sample="" end=$((SECONDS + 15))
    # Each row has its own 5 s cache in snmpd: wait until all have been re-read.
    until rows_show "$pat"; do [ $SECONDS -lt $end ] || break; sleep 0.5; done
    for k in $KEYS; do
        r=$(row_of "$k")
        out=$(snmpenv_get "$OID_EXT_OUTPUT.$r") res=$(snmpenv_get "$OID_EXT_RESULT.$r")
        n=$((n + 1))
        if ! is_uint "$out" && [ "$res" != 0 ] && is_uint "$res" && printf '%s' "$out" | grep -qiE "$pat"; then
            n_ok=$((n_ok + 1)); sample="extResult.$r = $res, extOutput.$r = \"$out\""
        else
            bad "$what: exec $k: extOutput.$r = \"$out\", extResult.$r = $res"
        fi
        idx=$(snmpenv_name_oid "$(xname "$k")")
        out=$(snmpenv_get "$OID_NSEXT_LINE$idx") res=$(snmpenv_get "$OID_NSEXT_RESULT$idx")
        n=$((n + 1))
        if ! is_uint "$out" && [ "$res" != 0 ] && is_uint "$res" && printf '%s' "$out" | grep -qiE "$pat"; then
            n_ok=$((n_ok + 1))
        else
            bad "$what: extend $k: nsExtendOutput1Line = \"$out\", nsExtendResult = $res"
        fi
    done
    [ $n_ok = $n ] && ok "$what: all $n exec/extend rows serve the error, no number ($sample)"
}
# check_reader WHAT PATTERN: the reader run as Debian-snmp fails cleanly.
check_reader() {
    local what=$1 pat=$2 rc=0
    snmpenv_as_snmp "$READER" sent:smtp >"$work/out" 2>"$work/err" </dev/null || rc=$?
    if [ $rc != 0 ] && [ ! -s "$work/out" ] && [ "$(wc -l <"$work/err")" = 1 ] && grep -qiE "$pat" "$work/err"; then
        ok "$what: postfix-stats-get as Debian-snmp exits $rc, stdout empty, stderr: $(cat "$work/err")"
    else
        bad "$what: postfix-stats-get as Debian-snmp exit $rc, stdout \"$(cat "$work/out")\", stderr \"$(cat "$work/err")\""
    fi
}

# The log in four parts, and the counts each prefix must give (counted as root
# into scratch databases; what is counted is tested elsewhere, here it is what is
# served).
n=$(wc -l <"$GOLDEN")
for i in 1 2 3 4; do
    sed -n "$(((i - 1) * n / 4 + 1)),$((i * n / 4))p" "$GOLDEN" >"$work/part$i"
    cat "$work/part"[1-$i] >"$work/prefix$i.log"
    "$STATSD" --once --from-start -l "$work/prefix$i.log" -d "$work/scratch$i" 2>/dev/null ||
        { bad "cannot count $work/prefix$i.log"; exit 1; }
    EXP[$i]=$(expected "$work/scratch$i")
done
for i in 2 3 4; do
    [ "${EXP[$i]}" != "${EXP[$((i - 1))]}" ] || { bad "part $i of the log changes no seed counter"; exit 1; }
done

# The database the contrib lines read by default is POSTFIX_STATS_DB here.
snmpenv_start "$work" "$READER" "$db" || { bad "snmpd did not start"; exit 1; }

# ------------------------------------------------------------------ 1. no database
export POSTFIX_STATS_DB=$db
check_reader "no database" 'no database|no such file'
check_errors "no database" 'postfix-stats-get: .*(no database|no such file)'
mkdir "$work/mrtg"
{ echo "WorkDir: $work/mrtg"
  sed -e "s#public@localhost#$SNMPENV_AGENT#g" "$top/contrib/mrtg-postfix-stats.cfg"
} >"$work/mrtg.cfg"
( cd "$work" && timeout 120 env LANG=C mrtg "$work/mrtg.cfg" ) >"$work/mrtg.out" 2>&1
read -r ts in out <"$work/mrtg/postfix_sent.log" 2>/dev/null || ts="" in="" out=""
if grep -q 'did not eval into defined data' "$work/mrtg.out" && ! { is_uint "$in" || is_uint "$out"; }; then
    ok "no database: MRTG records no value (\"$ts $in $out\": unknown) and says why"
else
    bad "no database: MRTG logged \"$ts $in $out\" / $(head -c 300 "$work/mrtg.out" | tr '\n' ' ')"
fi

# ------------------------------------------------------------------ 2. unreadable
cp "$work/prefix1.log" "$work/mail.log"
"$STATSD" --once --from-start -l "$work/mail.log" -d "$db" 2>/dev/null || { bad "cannot create $db"; exit 1; }
chmod 700 "$db"
t=$SECONDS end=$((SECONDS + 15))
until snmpenv_get "$OID_EXT_OUTPUT.1" | grep -qi 'permission denied'; do
    [ $SECONDS -lt $end ] || break
    sleep 0.5
done
say "snmpd noticed the change after $((SECONDS - t)) s (its 5 s cache)"
check_reader "directory 0700 root" 'permission denied'
check_errors "directory 0700 root" 'postfix-stats-get: .*permission denied'
chmod 755 "$db"
chmod 600 "$db/data.mdb"
sleep 6   # past snmpd's cache
check_reader "data.mdb 0600 root" 'permission denied'
check_errors "data.mdb 0600 root" 'postfix-stats-get: .*permission denied'

# ------------------------------------------------------------------ 3. readable again
chmod 644 "$db/data.mdb"
t=$SECONDS
if wait_served "${EXP[1]}" 15; then
    ok "readable again: snmpd serves the counts after $((SECONDS - t)) s: $(served | cut -d' ' -f1-8)"
else
    bad "readable again: served \"$(served)\", expected \"${EXP[1]}\""
fi

# ------------------------------------------------------------------ 4. stopped daemon
start_follower() {
    "$STATSD" -f -l "$work/mail.log" -d "$db" 2>>"$work/statsd.log" &
    follower_pid=$!
}
wait_counted() {   # wait_counted I: the database has the counts of prefix I
    local end=$((SECONDS + 15))
    while [ "$(expected "$db")" != "${EXP[$1]}" ]; do
        snmpenv_alive "$follower_pid" || return 1
        [ $SECONDS -lt $end ] || return 1
        sleep 0.1
    done
}
# served_after_stop WHAT I: wait past snmpd's cache (so that the reader runs
# after the stop), then snmpd must serve the counts of prefix I.
served_after_stop() {
    local what=$1 i=$2
    sleep 6
    if [ "$(served)" = "${EXP[$i]}" ]; then
        ok "$what: snmpd still serves the last committed counts: $(served | cut -d' ' -f1-8)"
    else
        bad "$what: served \"$(served)\", expected \"${EXP[$i]}\""
    fi
}

start_follower
cat "$work/part2" >>"$work/mail.log"
if wait_counted 2; then ok "follower running: part 2 counted"; else bad "follower did not count part 2: $(expected "$db")"; fi
rc=0; stop_follower TERM || rc=$?
if [ $rc = 0 ]; then ok "follower stopped by SIGTERM, exit 0"; else bad "follower exit $rc after SIGTERM"; fi
served_after_stop "after SIGTERM" 2

start_follower
cat "$work/part3" >>"$work/mail.log"
if wait_counted 3; then ok "follower restarted: part 3 counted, nothing reset"; else bad "after restart: $(expected "$db"), expected ${EXP[3]}"; fi
stop_follower KILL
served_after_stop "after SIGKILL" 3

cat "$work/part4" >>"$work/mail.log"
sleep 6
if [ "$(served)" = "${EXP[3]}" ]; then
    ok "log grew while stopped: counters neither move nor reset until the follower runs"
else
    bad "log grew while stopped: served \"$(served)\", expected \"${EXP[3]}\""
fi
"$STATSD" --once -l "$work/mail.log" -d "$db" 2>>"$work/statsd.log" || bad "postfix-statsd --once failed"
t=$SECONDS
if wait_served "${EXP[4]}" 15; then
    ok "catch-up with --once: snmpd serves the totals of the whole log: $(served | cut -d' ' -f1-8)"
else
    bad "after catch-up: served \"$(served)\", expected \"${EXP[4]}\""
fi

snmppid=$SNMPENV_PID
snmpenv_stop
if snmpenv_alive "$snmppid"; then bad "snmpd $snmppid still runs"; else ok "snmpd stopped"; fi
say "$passed passed, $failed failed, $((SECONDS - T0)) s"
[ $failed = 0 ]
