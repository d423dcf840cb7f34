#!/bin/bash
# SPDX-License-Identifier: ISC
# t_contrib.sh: the files in contrib/ do what they say.
#
#   1. every file in contrib/ is used by an integration test (snmpd.conf.postfix-stats
#      and mrtg.cfg by t_snmp_mrtg.sh / t_snmp_failures.sh, the rest here);
#   2. postfix-statsd.service: `systemd-analyze verify` (with the programs and man
#      pages installed by `make install DESTDIR=...` where the unit expects them),
#      `systemd-analyze security --offline` exposure, the settings the docs rely
#      on, and its ExecStart line really run as the unit's user and groups
#      (User=, SupplementaryGroups=adm, StateDirectory= emulated, no new
#      privileges, no capabilities): once with --once, once as is (-f, stays in
#      the foreground, SIGTERM exits 0);
#   3. permissions.md: the modes and owners it states, and its "Check it" commands
#      run as written (paths put in), with the output it shows;
#   4. logrotate.md: the real logrotate, with each of its two configurations,
#      rotates a log that postfix-statsd (as the unit's user) follows, twice:
#      every line counted exactly once.
#
# Creates the system user postfix-stats with the documented adduser command if it
# does not exist, and removes it again at the end.  Needs root.  ok/FAIL lines,
# exit non-zero on failure, cleans up after itself.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD=$top/$BUILD ;; esac
STATSD=${STATSD:-$BUILD/postfix-statsd}
GET=${GET:-$BUILD/postfix-stats-get}
GOLDEN=$top/tests/golden/real-postfix-3.7.log
UNIT=$top/contrib/postfix-statsd.service
T0=$SECONDS

passed=0 failed=0
ok() { printf 'ok   %s\n' "$*"; passed=$((passed + 1)); }
bad() { printf 'FAIL %s\n' "$*"; failed=$((failed + 1)); }
is_uint() { case "$1" in '' | *[!0-9]*) return 1 ;; *) return 0 ;; esac; }
say() { printf 't_contrib: %s\n' "$*"; }

if [ "$(id -u)" != 0 ]; then
    echo "t_contrib: needs root (runs the daemon as the unit's user)" >&2
    exit 1
fi
if [ ! -x "$STATSD" ] || [ ! -x "$GET" ] || [ ! -r "$GOLDEN" ]; then
    echo "t_contrib: $STATSD, $GET or $GOLDEN missing (run make)" >&2
    exit 1
fi

. "$here/lib/snmpd-env.sh"   # snmpenv_install (Debian-snmp), snmpenv_alive

work=$(mktemp -d -t pfstats-contrib.XXXXXXXX)
chmod 755 "$work"
made_user=0
follower_pid=""

stop_follower() {   # stop_follower [SIGNAL]: signal, wait (bounded); its exit status
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
    stop_follower KILL
    if [ $made_user = 1 ]; then
        userdel postfix-stats >/dev/null 2>&1
        getent group postfix-stats >/dev/null && groupdel postfix-stats >/dev/null 2>&1
    fi
    rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

snmpenv_install || exit 1
need=""
for p in logrotate systemd adduser; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || need="$need $p"
done
# Packages are installed by scripts/deps.sh only.
[ -z "$need" ] || { echo "t_contrib: missing packages:$need (run scripts/deps.sh as root)" >&2; exit 1; }

# ------------------------------------------------------------------ 1. contrib is used
for f in "$top"/contrib/*; do
    b=contrib/$(basename "$f")
    users=$(grep -lF -- "$b" "$here"/t_*.sh "$here"/lib/*.sh 2>/dev/null | grep -v "/t_contrib.sh$" | xargs -r -n1 basename | tr '\n' ' ')
    case "$b" in
        contrib/postfix-statsd.service | contrib/permissions.md | contrib/logrotate.md) users="t_contrib.sh $users" ;;
    esac
    if [ -n "$users" ]; then ok "$b is used by: $users"; else bad "$b is used by no test"; fi
done

# ------------------------------------------------------------------ 2. the unit
unit_get() { sed -n "s/^$1=//p" "$UNIT"; }   # all values of a setting, one a line
exec_start=$(unit_get ExecStart)
read -r -a argv <<<"$exec_start"
bin=${argv[0]}
opt_val() {   # opt_val OPT: the value after OPT in ExecStart
    local i
    for ((i = 1; i < ${#argv[@]} - 1; i++)); do [ "${argv[i]}" = "$1" ] && { echo "${argv[i + 1]}"; return; }; done
}
unit_db=$(opt_val -d) unit_log=$(opt_val -l)

# Install as `make install` does, into a scratch root; the unit's binary must be there.
root=$work/root
make -s -C "$top" install DESTDIR="$root" PREFIX=/usr BUILD="$BUILD" >"$work/install.out" 2>&1 ||
    { bad "make install DESTDIR=$root failed: $(tail -n 3 "$work/install.out")"; exit 1; }
if [ -x "$root$bin" ]; then
    ok "ExecStart's $bin is where make install puts postfix-statsd"
else
    bad "ExecStart's $bin is not installed by make install (PREFIX=/usr): $(cd "$root" && find . -type f | tr '\n' ' ')"
fi
mkdir "$work/unit"
sed "s#^ExecStart=$bin#ExecStart=$root$bin#" "$UNIT" >"$work/unit/postfix-statsd.service"
if out=$(cd "$work/unit" && MANPATH=$root/usr/share/man systemd-analyze verify ./postfix-statsd.service 2>&1) &&
    [ -z "$out" ]; then
    ok "systemd-analyze verify: no complaint"
else
    bad "systemd-analyze verify: $out"
fi
exposure=$(cd "$work/unit" && systemd-analyze security --offline=true ./postfix-statsd.service 2>/dev/null |
    sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
if [ -n "$exposure" ] && awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }'; then
    ok "systemd-analyze security --offline: exposure $exposure (at most 2.0)"
else
    bad "systemd-analyze security --offline: exposure \"$exposure\" (want at most 2.0)"
fi
setting_is() {   # setting_is NAME VALUE: the unit sets NAME to VALUE (or lists VALUE in it)
    if unit_get "$1" | tr ' ' '\n' | grep -qxF -- "$2"; then ok "unit: $1=$2"; else bad "unit: $1 is \"$(unit_get "$1" | tr '\n' ' ')\", want $2"; fi
}
setting_is Type simple
setting_is User postfix-stats
setting_is SupplementaryGroups adm
setting_is StateDirectory postfix-stats
setting_is StateDirectoryMode 0755
setting_is ProtectSystem strict
setting_is ProtectHome yes
setting_is PrivateTmp yes
setting_is NoNewPrivileges yes
setting_is ReadWritePaths "$unit_db"
if [ "$unit_db" = "/var/lib/$(unit_get StateDirectory)" ] && [ "$unit_db" = /var/lib/postfix-stats ]; then
    ok "ExecStart -d $unit_db is the StateDirectory and the programs' default"
else
    bad "ExecStart -d \"$unit_db\" is not /var/lib/\$StateDirectory = /var/lib/postfix-stats"
fi
case " ${argv[*]} " in *" -f "*) ok "ExecStart has -f (Type=simple: stays in the foreground)" ;; *) bad "ExecStart lacks -f" ;; esac
# Every option of the line is one of usage()'s.
usage=$("$STATSD" --bogus-option 2>&1)
unknown=""
for a in "${argv[@]:1}"; do
    case "$a" in -*) printf '%s' "$usage" | grep -qE -- "\\[$a( |\\])" || unknown="$unknown $a" ;; esac
done
if [ -z "$unknown" ]; then ok "ExecStart options are all in postfix-statsd's usage"; else bad "ExecStart options not in usage:$unknown"; fi

# The unit's user, made with the documented command (and removed at the end).
if ! id postfix-stats >/dev/null 2>&1; then
    adduser_cmd=$(sed -n 's/^#   \(adduser --system .* postfix-stats\)$/\1/p' "$UNIT")
    [ -n "$adduser_cmd" ] || { bad "no adduser command in the unit's comments"; exit 1; }
    made_user=1
    if $adduser_cmd >"$work/adduser.out" 2>&1; then
        ok "created the user with the unit's documented command: $adduser_cmd"
    else
        bad "$adduser_cmd: $(cat "$work/adduser.out")"; exit 1
    fi
fi
svc_uid=$(id -u postfix-stats) svc_gid=$(getent group "$(unit_get Group)" | cut -d: -f3)
adm_gid=$(getent group adm | cut -d: -f3)
[ -n "$svc_gid" ] && [ -n "$adm_gid" ] || { bad "no group $(unit_get Group) or adm"; exit 1; }
# As systemd would run ExecStart: User=, Group=, SupplementaryGroups=adm,
# NoNewPrivileges=yes, CapabilityBoundingSet= (empty), UMask=0022.
as_service() {
    ( umask 022
      exec setpriv --reuid="$svc_uid" --regid="$svc_gid" --groups="$adm_gid" --no-new-privs \
          --inh-caps=-all --bounding-set=-all -- "$@" )
}
# The same in the background, setting follower_pid (the daemon's own pid: the
# subshell execs setpriv, which execs the daemon).  ERRFILE gets its stderr.
as_service_bg() {
    local errfile=$1; shift
    ( umask 022
      exec setpriv --reuid="$svc_uid" --regid="$svc_gid" --groups="$adm_gid" --no-new-privs \
          --inh-caps=-all --bounding-set=-all -- "$@" ) 2>"$errfile" </dev/null &
    follower_pid=$!
}
# StateDirectory=postfix-stats with StateDirectoryMode=0755, under a scratch /var/lib;
# the log as Debian's rsyslog writes it (root:adm 0640).
state=$work/var/lib/postfix-stats
install -d -m 0755 "$work/var" "$work/var/lib" "$work/var/log"
install -d -m 0755 -o "$svc_uid" -g "$svc_gid" "$state"
n=$(wc -l <"$GOLDEN")
for i in 1 2 3; do
    sed -n "$(((i - 1) * n / 3 + 1)),$((i * n / 3))p" "$GOLDEN" >"$work/part$i"
    cat "$work/part"[1-$i] >"$work/prefix$i.log"
    "$STATSD" --once --from-start -l "$work/prefix$i.log" -d "$work/scratch$i" 2>/dev/null ||
        { bad "cannot count $work/prefix$i.log"; exit 1; }
done
counts() { "$GET" -d "$1" --all 2>/dev/null | grep -v '^self:'; }   # every counter but the follower's own
log=$work/var/log/mail.log
install -m 0640 -o root -g adm "$work/part1" "$log"

run_argv=("$root$bin")
for ((i = 1; i < ${#argv[@]}; i++)); do
    a=${argv[i]}
    [ "$a" = "$unit_log" ] && a=$log
    [ "$a" = "$unit_db" ] && a=$state
    run_argv+=("$a")
done
# Without -l the unit reads what the system has (SPEC 1.1); here: this log.
[ -n "$unit_log" ] || run_argv+=(-l "$log")
if as_service "${run_argv[@]}" --once --from-start 2>"$work/once.err"; then
    if [ "$(counts "$state")" = "$(counts "$work/scratch1")" ]; then
        ok "ExecStart --once --from-start as postfix-stats (+adm, no privileges): exit 0, counts right"
    else
        bad "ExecStart --once: counts differ from a count as root"
    fi
else
    bad "ExecStart --once as postfix-stats failed: $(cat "$work/once.err")"
fi
# And the line as it is: foreground, counts new lines, SIGTERM -> exit 0.
as_service_bg "$work/fg.err" "${run_argv[@]}"
sleep 1
if snmpenv_alive "$follower_pid" && [ "$(ps -o ppid= -p "$follower_pid" | tr -d ' ')" = $$ ] &&
    [ "$(ps -o user= -p "$follower_pid")" = postfix-stats ] && [ "$(ps -o comm= -p "$follower_pid")" = postfix-statsd ]; then
    ok "ExecStart as is: stays in the foreground (our child, pid $follower_pid, user $(ps -o user= -p "$follower_pid"))"
else
    bad "ExecStart as is: not running in the foreground: $(cat "$work/fg.err")"
fi
cat "$work/part2" >>"$log"
end=$((SECONDS + 10))
until [ "$(counts "$state")" = "$(counts "$work/scratch2")" ]; do
    [ $SECONDS -lt $end ] || break
    sleep 0.1
done
if [ "$(counts "$state")" = "$(counts "$work/scratch2")" ]; then ok "ExecStart as is: appended lines counted"; else bad "ExecStart as is: appended lines not counted"; fi
rc=0; stop_follower TERM || rc=$?
if [ $rc = 0 ]; then ok "ExecStart as is: SIGTERM -> exit 0"; else bad "ExecStart as is: exit $rc after SIGTERM: $(cat "$work/fg.err")"; fi

# ------------------------------------------------------------------ 3. permissions.md
PERM=$top/contrib/permissions.md
for claim in 'postfix-stats:postfix-stats` | 0755' 'postfix-stats:postfix-stats` | 0644' 'root:adm` | 0640' 'SupplementaryGroups=adm' 'Debian-snmp'; do
    grep -qF -- "$claim" "$PERM" || bad "permissions.md no longer says \"$claim\""
done
sub() { sed -e "s#/var/lib/postfix-stats#$state#g" -e "s#/usr/bin/postfix-stats-get#$root/usr/bin/postfix-stats-get#g"; }
sed -n '/^## Check it/,/^[^ ]*`tests/p' "$PERM" | sed -n 's/^    //p' >"$work/check.block"
ncmd=0 nfail=0
while IFS= read -r line; do
    case "$line" in
        '# a number')
            is_uint "$(sed -n "${got_i}p" "$work/check.out")" || { nfail=$((nfail + 1)); bad "permissions.md: \"$cmd\" printed \"$(sed -n "${got_i}p" "$work/check.out")\", not a number"; }
            got_i=$((got_i + 1)) ;;
        '# '*)
            want=$(printf '%s\n' "${line#\# }" | sub)
            got=$(sed -n "${got_i}p" "$work/check.out")
            [ "$got" = "$want" ] || { nfail=$((nfail + 1)); bad "permissions.md: \"$cmd\" printed \"$got\", the doc says \"$want\""; }
            got_i=$((got_i + 1)) ;;
        '') ;;
        *)
            cmd=$line ncmd=$((ncmd + 1)) got_i=1
            # The reader's default database is /var/lib/postfix-stats: point it here.
            POSTFIX_STATS_DB=$state bash -c "$(printf '%s\n' "$line" | sub)" >"$work/check.out" 2>&1 ;;
    esac
done <"$work/check.block"
[ $ncmd -ge 3 ] && [ $nfail = 0 ] && ok "permissions.md: its $ncmd \"Check it\" commands print what it shows"
[ $ncmd -ge 3 ] || bad "permissions.md: \"Check it\" block not found ($ncmd commands)"
[ -e "$state/x" ] && bad "Debian-snmp created $state/x"
if [ -z "$(find "$state" -perm /022)" ] && [ -z "$(find "$state" ! -user postfix-stats)" ]; then
    ok "permissions: nothing in the database is group/world-writable or not owned by postfix-stats"
else
    bad "permissions: $(find "$state" -perm /022 -o ! -user postfix-stats | tr '\n' ' ')"
fi
for u in Debian-snmp nobody; do
    if setpriv --reuid="$u" --regid="$(id -g "$u")" --clear-groups -- sh -c ': >> "$1"' sh "$state/data.mdb" 2>/dev/null ||
        setpriv --reuid="$u" --regid="$(id -g "$u")" --clear-groups -- touch "$state/y" 2>/dev/null; then
        bad "permissions: $u can write in the database"
    else
        ok "permissions: $u can neither write data.mdb nor create files"
    fi
done

# ------------------------------------------------------------------ 4. logrotate.md
LR=$top/contrib/logrotate.md
awk '/^```logrotate$/ { n++; inb = 1; next } /^```$/ { inb = 0; next } inb { print > (dir "/lr" n ".conf") }' \
    dir="$work" "$LR"
nconf=$(ls "$work"/lr*.conf 2>/dev/null | wc -l)
[ "$nconf" = 2 ] || bad "logrotate.md: $nconf logrotate blocks, expected 2"
for i in $(seq 1 "$nconf"); do
    conf=$work/lr$i.conf
    method=rename; grep -q copytruncate "$conf" && method=copytruncate
    d=$work/lr$i
    install -d -m 0755 "$d" "$d/log"
    install -d -m 0755 -o "$svc_uid" -g "$svc_gid" "$d/db"
    # /etc/logrotate.conf's "create", then the block with the log's path put in;
    # rsyslog-rotate (which makes rsyslog reopen its files) has no rsyslog here.
    { echo create; sed -e "s#/var/log/mail.log#$d/log/mail.log#" -e "s#/usr/lib/rsyslog/rsyslog-rotate#/bin/true#" "$conf"; } >"$d/logrotate.conf"
    install -m 0640 -o root -g adm "$work/part1" "$d/log/mail.log"
    as_service_bg "$d/statsd.err" "$root$bin" -f --from-start -l "$d/log/mail.log" -d "$d/db"
    good=1
    for p in 1 2 3; do
        if [ $p -gt 1 ]; then
            timeout 60 logrotate -f -s "$d/state" "$d/logrotate.conf" >"$d/lr.out" 2>&1 ||
                { bad "logrotate ($method) failed: $(cat "$d/lr.out")"; good=0; }
            # rsyslog would write the next lines to the new file (created by "create").
            [ -e "$d/log/mail.log" ] || install -m 0640 -o root -g adm /dev/null "$d/log/mail.log"
            cat "$work/part$p" >>"$d/log/mail.log"
        fi
        end=$((SECONDS + 10))
        until [ "$(counts "$d/db")" = "$(counts "$work/scratch$p")" ]; do
            [ $SECONDS -lt $end ] || break
            sleep 0.1
        done
        [ "$(counts "$d/db")" = "$(counts "$work/scratch$p")" ] ||
            { bad "logrotate ($method): after part $p: $(counts "$d/db" | tr '\n' ' ') differ from $(counts "$work/scratch$p" | tr '\n' ' ')"; good=0; }
    done
    rc=0; stop_follower TERM || rc=$?
    [ $rc = 0 ] || { bad "logrotate ($method): follower exit $rc: $(cat "$d/statsd.err")"; good=0; }
    files=$(cd "$d/log" && ls | tr '\n' ' ')
    case "$method" in
        rename) ev=$("$GET" -d "$d/db" self:rotations) ;;
        *) ev=$("$GET" -d "$d/db" self:truncations) ;;
    esac
    [ "$ev" = 2 ] || { bad "logrotate ($method): self:${method/rename/rotation}s = $ev, expected 2"; good=0; }
    case "$files" in *mail.log.1*mail.log.2.gz*) ;; *) bad "logrotate ($method): files after two rotations: $files"; good=0 ;; esac
    [ $good = 1 ] && ok "logrotate.md block $i ($method): two real logrotate runs, every line counted once ($files)"
done

say "$passed passed, $failed failed, $((SECONDS - T0)) s"
[ $failed = 0 ]
