# SPDX-License-Identifier: ISC
# snmpd-env.sh: a private Net-SNMP snmpd on loopback for the integration tests of
# postfix-stats (t_snmp_mrtg.sh, t_snmp_failures.sh).  Source it from bash:
#
#   . tests/integration/lib/snmpd-env.sh
#   snmpenv_install                     # check that scripts/deps.sh installed snmpd snmp mrtg
#   snmpenv_start DIR READER [DB]       # snmpd with contrib/snmpd.conf.postfix-stats
#   snmpenv_get OID...                  # values, one a line, quotes removed
#   snmpenv_stop                        # TERM, bounded wait, KILL; idempotent
#
# DIR must be traversable by Debian-snmp (mode 0755, e.g. `mktemp -d` + chmod 755):
# snmpd runs as Debian-snmp (-u/-g, like Debian's snmpd.service) and so do the
# commands it execs.  READER is the postfix-stats-get the exec/extend lines run
# (copy it into DIR so that Debian-snmp can reach it).  DB, if given, becomes
# POSTFIX_STATS_DB in snmpd's environment, so that the contrib lines stay exactly
# as shipped (they name no database and read the default).
#
# The agent's configuration is DIR/snmpd.conf: the relevant lines of Debian's
# default /etc/snmp/snmpd.conf (the "systemonly" view, a read-only community) on
# a free UDP port of 127.0.0.1, then contrib/snmpd.conf.postfix-stats with the
# reader's path put in (plus SNMPENV_SED, extra sed expressions, if set).
# snmpd reads no other configuration file (-C), keeps its persistent data in
# DIR/snmpd-persist, logs to DIR/snmpd.log; the client tools use
# DIR/snmp-client.  Nothing outside DIR is written.  No MIB files are loaded
# (Debian ships no IETF MIBs): use numeric OIDs.
#
# After snmpenv_start: SNMPENV_PORT, SNMPENV_COMMUNITY, SNMPENV_PID, SNMPENV_DIR,
# SNMPENV_CONF, SNMPENV_AGENT (COMMUNITY@127.0.0.1:PORT, MRTG's notation).

SNMPENV_TIMEOUT=${SNMPENV_TIMEOUT:-15}
SNMPENV_PID=${SNMPENV_PID:-}
snmpenv__top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
# The snippets snmpd.conf gets: the extend lines, then the classic exec lines.
SNMPENV_CONTRIB=${SNMPENV_CONTRIB:-$snmpenv__top/contrib/snmpd.conf.postfix-stats $snmpenv__top/contrib/snmpd.conf.classic-exec}

# OIDs (numeric).
OID_EXT=.1.3.6.1.4.1.2021.8.1                  # UCD-SNMP-MIB::extEntry
OID_EXT_NAME=$OID_EXT.2                         # extNames.N
OID_EXT_RESULT=$OID_EXT.100                     # extResult.N
OID_EXT_OUTPUT=$OID_EXT.101                     # extOutput.N
OID_NSEXT=.1.3.6.1.4.1.8072.1.3.2.3.1           # NET-SNMP-EXTEND-MIB::nsExtendOutput1Entry
OID_NSEXT_LINE=$OID_NSEXT.1                     # nsExtendOutput1Line."name"
OID_NSEXT_FULL=$OID_NSEXT.2                     # nsExtendOutputFull."name"
OID_NSEXT_RESULT=$OID_NSEXT.4                   # nsExtendResult."name"
OID_SYSUPTIME=.1.3.6.1.2.1.1.3.0

snmpenv__say() { printf 'snmpenv: %s\n' "$*" >&2; }
snmpenv__fail() { printf 'snmpenv: ERROR: %s\n' "$*" >&2; return 1; }

snmpenv_install() {
    local need="" p
    for p in snmpd snmp mrtg iproute2 util-linux; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
            need="$need $p"
    done
    # Packages are installed by scripts/deps.sh only.
    [ -z "$need" ] || { snmpenv__fail "missing packages:$need (run scripts/deps.sh as root)"; return 1; }
    for p in /usr/sbin/snmpd snmpget snmpwalk mrtg ss setpriv; do
        command -v "$p" >/dev/null 2>&1 || { snmpenv__fail "missing program $p"; return 1; }
    done
    id Debian-snmp >/dev/null 2>&1 || { snmpenv__fail "no user Debian-snmp"; return 1; }
}

# A free UDP port on 127.0.0.1 (16161 if free, else a random one).
snmpenv__free_port() {
    local used p tries=0
    used=" $(ss -Hlun 2>/dev/null | awk '{n=split($4,a,":"); printf "%s ", a[n]}') "
    p=16161
    while case "$used" in *" $p "*) true ;; *) false ;; esac; do
        tries=$((tries + 1))
        [ $tries -lt 1000 ] || return 1
        p=$((16162 + RANDOM % 15000))
    done
    echo "$p"
}

# snmpenv_name_oid NAME: the index of an extend row ("name" -> .LEN.B1.B2...).
snmpenv_name_oid() {
    local name=$1 i out=".${#1}"
    for ((i = 0; i < ${#name}; i++)); do
        out="$out.$(printf '%d' "'${name:i:1}")"
    done
    echo "$out"
}

# snmpenv_alive PID: the process exists and is not a zombie (our children stay
# zombies until waited for, and kill -0 succeeds on a zombie).
snmpenv_alive() {
    local st
    st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    [ -n "$st" ] && [ "${st#Z}" = "$st" ]
}

# Run a command as Debian-snmp (no login shell, no sudo).
snmpenv_as_snmp() {
    setpriv --reuid=Debian-snmp --regid=Debian-snmp --clear-groups -- "$@"
}

snmpenv_start() {
    local dir=${1:?usage: snmpenv_start DIR READER [DB]} reader=${2:?reader} db=${3:-}
    local end
    [ "$(id -u)" = 0 ] || { snmpenv__fail "snmpenv_start needs root"; return 1; }
    local f
    for f in $SNMPENV_CONTRIB; do
        [ -f "$f" ] || { snmpenv__fail "no $f"; return 1; }
    done
    snmpenv_as_snmp test -x "$reader" ||
        { snmpenv__fail "Debian-snmp cannot execute $reader (a parent directory is private?)"; return 1; }
    SNMPENV_DIR=$dir
    SNMPENV_PORT=$(snmpenv__free_port) || { snmpenv__fail "no free UDP port"; return 1; }
    SNMPENV_COMMUNITY=pfs$RANDOM$RANDOM
    SNMPENV_AGENT=$SNMPENV_COMMUNITY@127.0.0.1:$SNMPENV_PORT
    SNMPENV_CONF=$dir/snmpd.conf
    mkdir -p "$dir/snmpd-persist" "$dir/snmp-client"
    # The client tools: no MIBs, no ~/.snmp or /etc/snmp/snmp.conf, persistent
    # data in DIR (not /var/lib/snmp).
    export SNMP_PERSISTENT_DIR=$dir/snmp-client SNMPCONFPATH=$dir/snmp-client MIBS='' MIBDIRS=/nonexistent
    {
        echo "# generated by tests/integration/lib/snmpd-env.sh"
        echo "# From Debian 12's default /etc/snmp/snmpd.conf, on a test port:"
        echo "agentaddress  udp:127.0.0.1:$SNMPENV_PORT"
        echo "view   systemonly  included   .1.3.6.1.2.1.1"
        echo "view   systemonly  included   .1.3.6.1.2.1.25.1"
        echo "rocommunity  $SNMPENV_COMMUNITY 127.0.0.1 -V systemonly"
        echo "# $SNMPENV_CONTRIB, reader path put in:"
        for f in $SNMPENV_CONTRIB; do
            sed -e "s#/usr/bin/postfix-stats-get#$reader#" ${SNMPENV_SED:+-e "$SNMPENV_SED"} "$f"
        done
    } >"$SNMPENV_CONF"
    # As Debian's snmpd.service runs it (-u/-g/-I), in the foreground, with our
    # configuration only.
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin SNMP_PERSISTENT_DIR="$dir/snmpd-persist" \
        MIBS='' MIBDIRS=/nonexistent ${db:+POSTFIX_STATS_DB="$db"} \
        /usr/sbin/snmpd -f -C -c "$SNMPENV_CONF" -Lf "$dir/snmpd.log" \
        -u Debian-snmp -g Debian-snmp -I -smux,mteTrigger,mteTriggerConf \
        -p "$dir/snmpd.pid" >/dev/null 2>&1 </dev/null &
    SNMPENV_PID=$!
    end=$((SECONDS + SNMPENV_TIMEOUT))
    until snmpget -v2c -c "$SNMPENV_COMMUNITY" -t 1 -r 0 -On -Oqv "127.0.0.1:$SNMPENV_PORT" \
        "$OID_SYSUPTIME" >/dev/null 2>&1; do
        if ! snmpenv_alive "$SNMPENV_PID"; then
            snmpenv__fail "snmpd exited: $(tail -n 5 "$dir/snmpd.log" 2>/dev/null | tr '\n' ' ')"
            SNMPENV_PID=""
            return 1
        fi
        [ $SECONDS -lt $end ] || { snmpenv__fail "snmpd does not answer on 127.0.0.1:$SNMPENV_PORT"; return 1; }
        sleep 0.2
    done
    if grep -qiE 'duplicate|error|warning' "$dir/snmpd.log"; then
        snmpenv__fail "snmpd complained about its configuration: $(grep -iE 'duplicate|error|warning' "$dir/snmpd.log" | tr '\n' ' ')"
        return 1
    fi
    snmpenv__say "snmpd (pid $SNMPENV_PID, user $(ps -o user= -p "$SNMPENV_PID")) on udp:127.0.0.1:$SNMPENV_PORT"
}

# snmpenv_get OID...: one value a line (string quotes removed), in the order given;
# "No Such Instance ..." / "No Such Object ..." as snmpget prints them.
snmpenv_get() {
    snmpget -v2c -c "$SNMPENV_COMMUNITY" -t 3 -r 1 -On -Oqv "127.0.0.1:$SNMPENV_PORT" "$@" |
        sed 's/^"\(.*\)"$/\1/'
}

# snmpenv_walk OID: "OID = TYPE: VALUE" lines.
snmpenv_walk() {
    snmpwalk -v2c -c "$SNMPENV_COMMUNITY" -t 3 -r 1 -On "127.0.0.1:$SNMPENV_PORT" "$@"
}

# snmpenv_stop: TERM snmpd and wait for it (bounded), then KILL.  Idempotent.
snmpenv_stop() {
    local end
    [ -n "${SNMPENV_PID:-}" ] || return 0
    kill -TERM "$SNMPENV_PID" 2>/dev/null
    end=$((SECONDS + 10))
    while snmpenv_alive "$SNMPENV_PID"; do
        if [ $SECONDS -ge $end ]; then
            snmpenv__say "snmpd $SNMPENV_PID did not stop, killing it"
            kill -KILL "$SNMPENV_PID" 2>/dev/null
            break
        fi
        sleep 0.1
    done
    wait "$SNMPENV_PID" 2>/dev/null
    SNMPENV_PID=""
    return 0
}
