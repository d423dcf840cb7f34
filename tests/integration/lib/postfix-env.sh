# SPDX-License-Identifier: ISC
# postfix-env.sh: run a real, private Postfix (Debian 12 package, 3.7) on loopback
# for integration tests of postfix-stats.  Source it from bash:
#
#   . tests/integration/lib/postfix-env.sh
#   pfenv_install                  # check that scripts/deps.sh installed what is needed
#   dir=$(mktemp -d); trap pfenv_destroy EXIT   # or pfenv_stop + your own rm
#   pfenv_start "$dir"             # instance + sinks under $dir, log in $dir/maillog
#   pfenv_send_mix                 # known mix of mail; adds to the exported EXP_* totals
#   pfenv_logrotate                # optional: `postfix logrotate`
#   pfenv_stop                     # all processes gone; files stay in $dir
#
# See README beside this file for what every piece of the mix exercises and why the
# expected numbers are what they are.  Everything listens on 127.0.0.1 only, every
# wait is bounded, and nothing outside DIR is changed (pfenv_install aside, which only
# installs packages).  Requires root (Postfix's master and postdrop need it).

# shellcheck shell=bash disable=SC2120,SC2163
# (optional arguments; `export "$name"` of variables named at run time)

# ---------------------------------------------------------------- tunables
: "${PFENV_N:=5}"                 # messages per kind of mail in the mix
: "${PFENV_RETRIES:=1}"           # forced retries of the deferred mail before expiring it
: "${PFENV_TIMEOUT:=60}"          # seconds, for each wait
: "${PFENV_CLIENT:=auto}"         # swaks | smtp-source | auto (swaks if PFENV_N <= 20)
# PFENV_N_POSTSCREEN: postscreen rejects (default PFENV_N, at most 20)
: "${PFENV_LOCAL_USER:=nobody}"   # existing non-root account that gets local mail
: "${PFENV_LOG_COMPRESSOR:=gzip}" # maillog_file_compressor for pfenv_logrotate (/bin/true: none)
: "${PFENV_HOSTNAME:=mail.pfenv.test}"
: "${PFENV_EXPIRE_BATCH:=50}"     # deferred messages force-expired at a time

PFENV_DIR=${PFENV_DIR:-}
PFENV_SINK_PIDS=${PFENV_SINK_PIDS:-}

# The keys pfenv_send_mix sets EXP_<category>_<name> for (key = category:name).
PFENV_EXP_KEYS="sent:smtp sent:lmtp sent:local sent:virtual sent:legal recv:smtp recv:local
smtp:4xx smtp:5xx lmtp:4xx lmtp:5xx smtpd:4xx smtpd:5xx
status:sent status:deferred status:bounced status:expired"

pfenv__say() { printf 'pfenv: %s\n' "$*" >&2; }
pfenv__fail() { printf 'pfenv: ERROR: %s\n' "$*" >&2; return 1; }

# Run a command with a time limit (seconds).
pfenv__t() { local s=$1; shift; timeout -k 5 "$s" "$@"; }

pfenv_conf() { postconf -c "$PFENV_DIR/etc" "$@"; }
pfenv_postfix() { pfenv__t "$PFENV_TIMEOUT" postfix -c "$PFENV_DIR/etc" "$@"; }
pfenv_postqueue() { pfenv__t "$PFENV_TIMEOUT" postqueue -c "$PFENV_DIR/etc" "$@"; }
pfenv_postsuper() { pfenv__t "$PFENV_TIMEOUT" postsuper -c "$PFENV_DIR/etc" "$@"; }
# sendmail(1) of this instance.  As root, postdrop accepts a non-default config
# directory without alternate_config_directories in /etc/postfix/main.cf.
pfenv_sendmail() { pfenv__t "$PFENV_TIMEOUT" sendmail -C "$PFENV_DIR/etc" "$@"; }

# ---------------------------------------------------------------- install
pfenv_install() {
        local need="" p
    for p in postfix swaks iproute2 procps coreutils util-linux; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
            need="$need $p"
    done
    # Packages are installed by scripts/deps.sh only.
    [ -z "$need" ] || { pfenv__fail "missing packages:$need (run scripts/deps.sh as root)"; return 1; }
    for p in postfix postconf postqueue postsuper sendmail smtp-sink smtp-source swaks ss timeout \
        pgrep runuser; do
        command -v "$p" >/dev/null 2>&1 || [ -x "/usr/sbin/$p" ] ||
            { pfenv__fail "missing program $p (run scripts/deps.sh as root)"; return 1; }
    done
    return 0
}

# ---------------------------------------------------------------- ports
# Pick COUNT distinct free TCP ports on 127.0.0.1 (not listening now).
pfenv__free_ports() {
    local count=$1 used chosen="" p n=0 tries=0
    used=" $(ss -Hltn 2>/dev/null | awk '{n=split($4,a,":"); printf "%s ", a[n]}') "
    while [ $n -lt "$count" ] && [ $tries -lt 1000 ]; do
        tries=$((tries + 1))
        p=$((20000 + RANDOM % 12000))   # below Linux's ephemeral range (32768-)
        case "$used $chosen " in *" $p "*) continue ;; esac
        chosen="$chosen $p"
        n=$((n + 1))
    done
    [ $n -eq "$count" ] || return 1
    echo $chosen
}

pfenv__listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

# pfenv__wait_listen PORT [PID]: wait until PORT listens (and PID, if given, lives).
pfenv__wait_listen() {
    local port=$1 pid=${2:-} end=$((SECONDS + PFENV_TIMEOUT))
    while ! pfenv__listening "$port"; do
        [ $SECONDS -lt $end ] || { pfenv__fail "nothing listens on 127.0.0.1:$port"; return 1; }
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
            pfenv__fail "process $pid for port $port died: $(tail -n 3 "$PFENV_DIR/sinks/"*.log 2>/dev/null | tr '\n' ' ')"
            return 1
        fi
        sleep 0.1
    done
}

# ---------------------------------------------------------------- start
# pfenv_start DIR: build and start the instance and its peers.  DIR must be a
# fresh (empty or missing) directory whose parents the postfix/nobody users can
# traverse (so e.g. `mktemp -d`, not a directory inside a 0700 one).
pfenv_start() {
    local dir=${1:?usage: pfenv_start DIR}
    [ "$(id -u)" = 0 ] || { pfenv__fail "pfenv_start needs root"; return 1; }
    mkdir -p "$dir" || return 1
    dir=$(cd "$dir" && pwd -P) || return 1
    case "$dir" in *[!A-Za-z0-9._/-]*) pfenv__fail "DIR has unusual characters: $dir"; return 1 ;; esac
    [ -z "$(ls -A "$dir")" ] || { pfenv__fail "DIR is not empty: $dir"; return 1; }
    chmod 755 "$dir" || return 1
    PFENV_DIR=$dir
    export PFENV_DIR
    pfenv__reset_expected
    if ! runuser -u nobody -- test -x "$dir"; then
        pfenv__fail "user nobody cannot reach $dir (a parent directory is private)"
        return 1
    fi
    getent passwd "$PFENV_LOCAL_USER" >/dev/null ||
        { pfenv__fail "no local user $PFENV_LOCAL_USER"; return 1; }

    local ports
    ports=$(pfenv__free_ports 8) || { pfenv__fail "no free ports"; return 1; }
    set -- $ports
    PFENV_PORT_MAIN=$1 PFENV_PORT_SUB=$2
    PFENV_PORT_ACCEPT=$3 PFENV_PORT_4XX=$4 PFENV_PORT_5XX=$5
    PFENV_PORT_LMTP=$6 PFENV_PORT_LMTP_4XX=$7 PFENV_PORT_LMTP_5XX=$8
    export PFENV_PORT_MAIN PFENV_PORT_SUB PFENV_PORT_ACCEPT PFENV_PORT_4XX PFENV_PORT_5XX \
        PFENV_PORT_LMTP PFENV_PORT_LMTP_4XX PFENV_PORT_LMTP_5XX

    mkdir -p "$dir/etc" "$dir/queue" "$dir/data" "$dir/mail" "$dir/vmail" "$dir/bin" "$dir/sinks" || return 1
    chown postfix:postfix "$dir/data"
    chmod 1777 "$dir/mail"                     # like a classic /var/mail
    chown nobody:nogroup "$dir/vmail"          # virtual(8) writes as virtual_uid_maps
    chmod 700 "$dir/vmail"
    printf '#!/bin/sh\n# "legal" pipe(8) transport: swallow the message, succeed.\ncat >/dev/null\nexit 0\n' \
        >"$dir/bin/legal"
    chmod 755 "$dir/bin/legal"

    local lo=127.0.0.1
    cat >"$dir/etc/transport" <<EOF
accept.test	smtp:[$lo]:$PFENV_PORT_ACCEPT
relay.test	relay:[$lo]:$PFENV_PORT_ACCEPT
fallback.test	smtp:[$lo]:$PFENV_PORT_4XX,[$lo]:$PFENV_PORT_ACCEPT
soft.test	smtp:[$lo]:$PFENV_PORT_4XX
hard.test	smtp:[$lo]:$PFENV_PORT_5XX
lmtp.test	lmtp:[$lo]:$PFENV_PORT_LMTP
lmtpsoft.test	lmtp:[$lo]:$PFENV_PORT_LMTP_4XX
lmtphard.test	lmtp:[$lo]:$PFENV_PORT_LMTP_5XX
legal.test	legal:
EOF
    cat >"$dir/etc/recipient_access" <<'EOF'
reject4@accept.test	450 4.7.1 Try again later (pfenv)
reject5@accept.test	550 5.7.1 Not here (pfenv)
EOF
    cat >"$dir/etc/vmailbox" <<'EOF'
user@vmail.test	vmail.test/user/
EOF
    cat >"$dir/etc/postscreen_access.cidr" <<'EOF'
127.0.0.2/32	reject
EOF

    cat >"$dir/etc/main.cf" <<EOF
# generated by tests/integration/lib/postfix-env.sh
compatibility_level = 3.6
config_directory = $dir/etc
queue_directory = $dir/queue
data_directory = $dir/data
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
maillog_file_compressor = $PFENV_LOG_COMPRESSOR
myhostname = $PFENV_HOSTNAME
mydomain = pfenv.test
myorigin = \$myhostname
mydestination = localhost, \$myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtp_bind_address = 127.0.0.1
lmtp_bind_address = 127.0.0.1
alias_maps =
alias_database =
forward_path =
biff = no
append_dot_mydomain = no
mail_spool_directory = $dir/mail
local_recipient_maps = unix:passwd.byname
transport_maps = texthash:$dir/etc/transport
virtual_mailbox_domains = vmail.test
virtual_mailbox_base = $dir/vmail
virtual_mailbox_maps = texthash:$dir/etc/vmailbox
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
smtpd_recipient_restrictions = check_recipient_access texthash:$dir/etc/recipient_access, permit_mynetworks, reject_unauth_destination
smtpd_peername_lookup = no
smtpd_banner = \$myhostname ESMTP
smtp_dns_support_level = disabled
lmtp_dns_support_level = disabled
smtp_host_lookup = native
lmtp_host_lookup = native
smtp_connection_cache_on_demand = no
lmtp_connection_cache_on_demand = no
smtp_skip_5xx_greeting = yes
# Retries happen only when pfenv forces them (postqueue -f), never on their own.
queue_run_delay = 3600s
minimal_backoff_time = 3600s
maximal_backoff_time = 7200s
maximal_queue_lifetime = 5d
bounce_queue_lifetime = 5d
delay_warning_time = 0h
postscreen_access_list = cidr:$dir/etc/postscreen_access.cidr, permit_mynetworks
postscreen_denylist_action = enforce
postscreen_greet_wait = 1s
postscreen_dnsbl_sites =
EOF

    cat >"$dir/etc/master.cf" <<EOF
# generated by tests/integration/lib/postfix-env.sh; no chroot anywhere
$lo:$PFENV_PORT_MAIN inet n - n - 1 postscreen
smtpd     pass  -       -       n       -       -       smtpd
dnsblog   unix  -       -       n       -       0       dnsblog
$lo:$PFENV_PORT_SUB inet n - n - - smtpd -o syslog_name=postfix/submission
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp -o syslog_name=postfix/\$service_name
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
legal     unix  -       n       n       -       -       pipe flags=q user=nobody argv=$dir/bin/legal \${recipient}
EOF

    # Peers: smtp-sink (shipped with the postfix package) on loopback.
    PFENV_SINK_PIDS=""
    pfenv__sink accept  "$PFENV_PORT_ACCEPT" || return 1
    pfenv__sink soft    "$PFENV_PORT_4XX"      -r RCPT -b "450 4.2.0 Mailbox busy (pfenv sink)" || return 1
    pfenv__sink hard    "$PFENV_PORT_5XX"      -f RCPT -B "550 5.1.1 No such user (pfenv sink)" || return 1
    pfenv__sink lmtp    "$PFENV_PORT_LMTP"     -L || return 1
    pfenv__sink lmtp4xx "$PFENV_PORT_LMTP_4XX" -L -r RCPT -b "452 4.2.2 Mailbox full (pfenv sink)" || return 1
    pfenv__sink lmtp5xx "$PFENV_PORT_LMTP_5XX" -L -f RCPT -B "550 5.1.1 Unknown user (pfenv sink)" || return 1
    export PFENV_SINK_PIDS
    pfenv__save_state

    # `postfix start` runs `postfix check` (create-missing: queue directories and
    # their owners, maildrop with group postdrop) before starting master.
    local out
    out=$(pfenv_postfix start 2>&1) || { pfenv__fail "postfix start: $out"; return 1; }
    PFENV_MASTER_PID=$(sed -n '1s/[^0-9]//gp' "$dir/queue/pid/master.pid" 2>/dev/null)
    export PFENV_MASTER_PID
    pfenv__save_state
    pfenv__wait_listen "$PFENV_PORT_MAIN" || return 1
    pfenv__wait_listen "$PFENV_PORT_SUB" || return 1
    pfenv__say "started in $dir (main $PFENV_PORT_MAIN, submission $PFENV_PORT_SUB)"
}

pfenv__sink() {
    local name=$1 port=$2 pid; shift 2
    # Started from a command substitution so that it is not a job of the caller's
    # shell (no "Terminated" notices when pfenv_stop kills it).
    pid=$(/usr/sbin/smtp-sink -4 -u nobody -h "sink-$name.test" "$@" "127.0.0.1:$port" 64 \
        >"$PFENV_DIR/sinks/$name.log" 2>&1 </dev/null & echo $!)
    PFENV_SINK_PIDS="$PFENV_SINK_PIDS $pid"
    echo "$pid" >"$PFENV_DIR/sinks/$name.pid"
    pfenv__wait_listen "$port" "$pid"
}

pfenv__save_state() {
    {
        echo "PFENV_DIR=$PFENV_DIR"
        echo "PFENV_SINK_PIDS='$PFENV_SINK_PIDS'"
        echo "PFENV_MASTER_PID=${PFENV_MASTER_PID:-}"
        local v
        for v in PFENV_PORT_MAIN PFENV_PORT_SUB PFENV_PORT_ACCEPT PFENV_PORT_4XX PFENV_PORT_5XX \
            PFENV_PORT_LMTP PFENV_PORT_LMTP_4XX PFENV_PORT_LMTP_5XX; do
            echo "$v=${!v}"
        done
    } >"$PFENV_DIR/pfenv.state"
}

# pfenv_load DIR: pick up a running environment from another shell.
pfenv_load() { . "${1:?usage: pfenv_load DIR}/pfenv.state"; }

# ---------------------------------------------------------------- queue and log
pfenv__qcount() {  # number of queue files in the named queues
    local n=0 q
    for q in "$@"; do
        [ -d "$PFENV_DIR/queue/$q" ] || continue
        n=$((n + $(find "$PFENV_DIR/queue/$q" -type f 2>/dev/null | wc -l)))
    done
    echo $n
}

pfenv__logsize() { stat -c %s "$PFENV_DIR/maillog" 2>/dev/null || echo 0; }

# Lines of the current maillog matching an extended regexp.
pfenv_logcount() {
    local n
    n=$(grep -Ec -- "$1" "$PFENV_DIR/maillog" 2>/dev/null)
    echo "${n:-0}"
}

# pfenv_wait_quiet [SECONDS]: wait until nothing is in maildrop, incoming or active
# and the log has not grown for a second (deferred mail may stay).  Gives up after
# SECONDS (PFENV_TIMEOUT) without the log growing, or 10 times that in all.
pfenv_wait_quiet() {
    local limit=${1:-$PFENV_TIMEOUT} end hard size last=-1 still=0
    end=$((SECONDS + limit)) hard=$((SECONDS + 10 * limit))
    while [ $SECONDS -lt $end ] && [ $SECONDS -lt $hard ]; do
        size=$(pfenv__logsize)
        if [ "$size" != "$last" ]; then
            still=0
            end=$((SECONDS + limit))
        elif [ "$(pfenv__qcount maildrop incoming active)" = 0 ]; then
            still=$((still + 1))
            [ $still -ge 5 ] && return 0
        else
            still=0
        fi
        last=$size
        sleep 0.2
    done
    pfenv__fail "queue not quiet (maildrop+incoming+active: $(pfenv__qcount maildrop incoming active))"
}

# pfenv__wait_lines REGEX COUNT: wait until the log has at least COUNT matching
# lines (same time limits as pfenv_wait_quiet).
pfenv__wait_lines() {
    local re=$1 want=$2 have prev=-1 end hard
    end=$((SECONDS + PFENV_TIMEOUT)) hard=$((SECONDS + 10 * PFENV_TIMEOUT))
    while :; do
        have=$(pfenv_logcount "$re")
        [ "$have" -ge "$want" ] && return 0
        [ "$have" != "$prev" ] && end=$((SECONDS + PFENV_TIMEOUT))
        prev=$have
        if [ $SECONDS -ge $end ] || [ $SECONDS -ge $hard ]; then
            pfenv__fail "waited for $want lines /$re/, have $have"
            return 1
        fi
        sleep 0.2
    done
}

# ---------------------------------------------------------------- sending
# pfenv_smtp PORT FROM TO TAG [extra swaks args]: one message over SMTP with swaks.
# Returns swaks' status (0 = accepted).  Message-Id and HELO are fixed so that the
# log names no real host.
pfenv_smtp() {
    local port=$1 from=$2 to=$3 tag=$4; shift 4
    pfenv__t 30 swaks --silent 2 --timeout 20 --server 127.0.0.1 --port "$port" \
        --helo client.pfenv.test --from "$from" --to "$to" \
        --header "Message-Id: <pfenv.$tag@client.pfenv.test>" \
        --header "Subject: pfenv test $tag" --body "pfenv test message $tag" \
        "$@" >/dev/null 2>&1
}

# pfenv__send_ok PORT COUNT TO: COUNT accepted messages (swaks or smtp-source).
pfenv__send_ok() {
    local port=$1 count=$2 to=$3 i
    [ "$count" -gt 0 ] || return 0
    if [ "$PFENV_USE_SOURCE" = 1 ]; then
        pfenv__t $((PFENV_TIMEOUT + count / 10)) smtp-source -s 4 -m "$count" -M client.pfenv.test \
            -f "$PFENV_SENDER" -t "$to" -S "pfenv test" "127.0.0.1:$port" >/dev/null 2>&1 ||
            { pfenv__fail "smtp-source to $to via port $port failed"; return 1; }
        return 0
    fi
    for ((i = 1; i <= count; i++)); do
        pfenv_smtp "$port" "$PFENV_SENDER" "$to" "$PFENV_RUN.$port.$i.${to%%@*}.${to#*@}" ||
            { pfenv__fail "message to $to via port $port was not accepted"; return 1; }
    done
}

# pfenv__send_rejected PORT COUNT TO [swaks args]: COUNT messages that must be refused.
pfenv__send_rejected() {
    local port=$1 count=$2 to=$3 i; shift 3
    [ "$count" -gt 0 ] || return 0
    if [ "$PFENV_USE_SOURCE" = 1 ] && [ $# = 0 ]; then
        # With -A, smtp-source warns "recipient rejected", sends RSET and QUIT (no
        # DATA), exits 0; without -A that is fatal.
        pfenv__t $((PFENV_TIMEOUT + count / 10)) smtp-source -A -s 4 -m "$count" -M client.pfenv.test \
            -f "$PFENV_SENDER" -t "$to" "127.0.0.1:$port" >/dev/null 2>&1 ||
            { pfenv__fail "smtp-source to $to via port $port failed"; return 1; }
        return 0
    fi
    for ((i = 1; i <= count; i++)); do
        if pfenv_smtp "$port" "$PFENV_SENDER" "$to" "$PFENV_RUN.$port.$i.rej" "$@"; then
            pfenv__fail "message to $to via port $port was accepted but must be rejected"
            return 1
        fi
    done
}

# pfenv__send_local COUNT TO: COUNT messages through this instance's sendmail.
pfenv__send_local() {
    local count=$1 to=$2 i
    for ((i = 1; i <= count; i++)); do
        printf 'Subject: pfenv local test %s\nMessage-Id: <pfenv.%s.local.%s.%s.%s@client.pfenv.test>\n\npfenv local message\n' \
            "$i" "$PFENV_RUN" "$BASHPID" "$i" "${to%%@*}" |
            pfenv_sendmail -f "$PFENV_SENDER" -- "$to" ||
            { pfenv__fail "sendmail to $to failed"; return 1; }
    done
}

# pfenv__split N JOBS FORMAT: print FORMAT (with %d) for up to JOBS parallel jobs
# whose counts add up to N.  Used for postscreen, whose greet wait (1 s) makes each
# rejected connection slow.
pfenv__split() {
    local n=$1 jobs=$2 fmt=$3 i c
    [ "$jobs" -le "$n" ] || jobs=$n
    for ((i = 0; i < jobs; i++)); do
        c=$((n / jobs + (i < n % jobs ? 1 : 0)))
        printf "$fmt\n" "$c"
    done
}

# Run the senders given as lines of "FUNCTION ARGS..." in parallel, fail if any failed.
pfenv__parallel() {
    local line pids="" p rc=0
    while read -r line; do
        [ -n "$line" ] || continue
        eval "$line" &
        pids="$pids $!"
    done
    for p in $pids; do wait "$p" || rc=1; done
    return $rc
}

# ---------------------------------------------------------------- the mix
# pfenv_send_mix: send the known mix (PFENV_N of each kind), drive the deferred
# mail through PFENV_RETRIES forced retries and a forced expiry, wait until every
# delivery (bounce notices included) is logged, and set/export EXP_* (see README).
pfenv_send_mix() {
    [ -n "${PFENV_DIR:-}" ] || { pfenv__fail "no environment (pfenv_start first)"; return 1; }
    local N=$PFENV_N R=$PFENV_RETRIES u=$PFENV_LOCAL_USER
    local M=$PFENV_PORT_MAIN S=$PFENV_PORT_SUB
    PFENV_SENDER="$u@localhost"
    PFENV_MIXES=$(( ${PFENV_MIXES:-0} + 1 ))
    PFENV_RUN=$(date +%s).$$.$PFENV_MIXES
    local t0=$SECONDS
    case "$PFENV_CLIENT" in
        swaks) PFENV_USE_SOURCE=0 ;;
        smtp-source) PFENV_USE_SOURCE=1 ;;
        *) if [ "$N" -le 20 ]; then PFENV_USE_SOURCE=0; else PFENV_USE_SOURCE=1; fi ;;
    esac
    # postscreen rejects need swaks (client address 127.0.0.2) and 1 s each.
    local P=${PFENV_N_POSTSCREEN:-$((N <= 20 ? N : 20))}

    # Each line is one sender run in parallel with the others; a kind's N messages
    # go one after the other.  What each kind exercises: see README.
    pfenv__parallel <<EOF2 || return 1
pfenv__send_ok $M $N user@accept.test
pfenv__send_ok $M $N user@relay.test
pfenv__send_ok $M $N user@fallback.test
pfenv__send_ok $M $N user@lmtp.test
pfenv__send_ok $M $N user@vmail.test
pfenv__send_ok $M $N user@legal.test
pfenv__send_ok $M $N $u@localhost
pfenv__send_ok $M $N user@soft.test
pfenv__send_ok $M $N user@hard.test
pfenv__send_ok $M $N user@lmtpsoft.test
pfenv__send_ok $M $N user@lmtphard.test
pfenv__send_rejected $M $N reject4@accept.test
pfenv__send_rejected $M $N reject5@accept.test
$(pfenv__split "$P" 10 "pfenv__send_rejected $M %d user@accept.test --local-interface 127.0.0.2")
pfenv__send_ok $S $N user@accept.test
pfenv__send_rejected $S $N reject5@accept.test
$(pfenv__split "$N" 4 "pfenv__send_local %d user@accept.test")
$(pfenv__split "$N" 4 "pfenv__send_local %d $u@localhost")
EOF2

    pfenv__say "mix sent ($((SECONDS - t0)) s)"
    pfenv_wait_quiet || return 1
    pfenv__say "first deliveries done ($((SECONDS - t0)) s)"
    local d want r
    d=$(pfenv__qcount deferred)
    [ "$d" = $((2 * N)) ] || pfenv__say "warning: $d messages deferred, expected $((2 * N))"
    # Forced retries: a flush gives each deferred (single-recipient) message exactly
    # one more attempt, i.e. one more delivery line; wait for all of them.
    local deliv=': to=<[^>]*>, .*status=[a-z-]+'
    for ((r = 0; r < R; r++)); do
        d=$(pfenv__qcount deferred)
        [ "$d" -gt 0 ] || break
        want=$(($(pfenv_logcount "$deliv") + d))
        pfenv_postqueue -f || { pfenv__fail "postqueue -f failed"; return 1; }
        pfenv__wait_lines "$deliv" "$want" || return 1
        pfenv_wait_quiet || return 1
    done
    # Forced expiry: qmgr logs "status=force-expired, returned to sender" (no delivery
    # attempt) and bounce(8) sends the sender a notice, delivered by local(8).  In
    # batches: qmgr asks the defer service for all notices at once, and beyond the
    # socket's listen backlog (default_process_limit, 100) a request fails ("QID:
    # status=deferred (bounce failed)"); a second flush would then log the expiry
    # twice.  So: everything on hold, then per batch force-expire + release
    # (postsuper -f) and flush the deferred queue, which holds just that batch.
    d=$(pfenv__qcount deferred)
    if [ "$d" -gt 0 ]; then
        local ids c
        pfenv_postsuper -h ALL deferred >/dev/null 2>&1 || { pfenv__fail "postsuper -h failed"; return 1; }
        while :; do
            ids=$(find "$PFENV_DIR/queue/hold" -type f -printf '%f\n' | head -n "$PFENV_EXPIRE_BATCH")
            [ -n "$ids" ] || break
            c=$(printf '%s\n' "$ids" | wc -l)
            want=$(($(pfenv_logcount 'status=(force-)?expired') + c))
            printf '%s\n' "$ids" | pfenv_postsuper -f - >/dev/null 2>&1 ||
                { pfenv__fail "postsuper -f failed"; return 1; }
            pfenv_postqueue -f || { pfenv__fail "postqueue -f failed"; return 1; }
            pfenv__wait_lines 'status=(force-)?expired' "$want" || return 1
            pfenv_wait_quiet || return 1
        done
    fi
    d=$(pfenv__qcount maildrop incoming active deferred hold)
    [ "$d" = 0 ] || pfenv__say "warning: $d messages still queued"
    pfenv__say "mix done ($((SECONDS - t0)) s)"

    pfenv__add_expected "$N" "$R" "$P"
}

# pfenv__add_expected N R P: add what one mix must count to the EXP_* totals
# (reset by pfenv_start, so after several mixes they are the instance's totals).
# README explains each term.
pfenv__add_expected() {
    local N=$1 R=$2 P=$3
    pfenv__add sent:smtp $((5 * N))           # accept + relay + fallback + submission + pickup
    pfenv__add sent:lmtp "$N"
    pfenv__add sent:virtual "$N"
    pfenv__add sent:legal "$N"
    pfenv__add sent:local $((6 * N))          # smtp->local + pickup->local + 4N bounce notices
    pfenv__add recv:smtp $((12 * N))          # 11 accepted kinds on the main port + submission
    pfenv__add recv:local $((2 * N))          # pickup
    pfenv__add smtp:4xx $((N * (1 + R) + N))  # soft.test every attempt + fallback.test own line
    pfenv__add smtp:5xx "$N"                  # hard.test
    pfenv__add lmtp:4xx $((N * (1 + R)))      # lmtpsoft.test every attempt
    pfenv__add lmtp:5xx "$N"                  # lmtphard.test
    pfenv__add smtpd:4xx "$N"                 # reject4, main port
    pfenv__add smtpd:5xx $((2 * N + P))       # reject5 main + reject5 submission + postscreen
    pfenv__add status:sent $((14 * N))        # every sent:* above
    pfenv__add status:deferred $((2 * N * (1 + R)))
    pfenv__add status:bounced $((2 * N))      # hard.test + lmtphard.test
    pfenv__add status:expired $((2 * N))      # soft.test + lmtpsoft.test, force-expired
    export PFENV_EXP_KEYS
}

pfenv__add() {
    local v
    v=$(pfenv_exp_var "$1")
    printf -v "$v" '%s' $(( ${!v:-0} + $2 ))
    export "$v"
}

pfenv__reset_expected() {
    local k v
    for k in $PFENV_EXP_KEYS; do
        v=$(pfenv_exp_var "$k")
        printf -v "$v" '%s' 0
        export "$v"
    done
    PFENV_MIXES=0
}

# pfenv_exp_var KEY: the EXP_ variable name for a key (sent:smtp -> EXP_sent_smtp).
pfenv_exp_var() { local k=$1; printf 'EXP_%s_%s\n' "${k%%:*}" "${k#*:}"; }

pfenv_print_expected() {
    local k v
    for k in $PFENV_EXP_KEYS; do
        v=$(pfenv_exp_var "$k")
        printf '%s %s\n' "$k" "${!v:-?}"
    done
}

# ---------------------------------------------------------------- logrotate
# pfenv_logrotate: `postfix logrotate`: rename maillog to maillog.%Y%m%d-%H%M%S,
# HUP master (postlogd reopens), wait 1 s, run maillog_file_compressor
# ($PFENV_LOG_COMPRESSOR at pfenv_start; /bin/true keeps the rotated file as is) on
# it.  The new maillog appears with the next line Postfix logs (mode 0600).
pfenv_logrotate() {
    [ -n "${PFENV_DIR:-}" ] || { pfenv__fail "no environment"; return 1; }
    local out
    out=$(pfenv_postfix logrotate 2>&1) || { pfenv__fail "postfix logrotate: $out"; return 1; }
}

# ---------------------------------------------------------------- stop
# pfenv_stop [DIR]: stop Postfix and the sinks and wait until all their processes
# are gone (bounded; then SIGKILL, by pid / by master's process group).  Safe to
# call twice and from a trap.  The files in DIR stay (see pfenv_destroy).
pfenv_stop() {
    local rc=0 p end mpid
    [ -n "${1:-}" ] && { pfenv_load "$1" || return 1; }
    [ -n "${PFENV_DIR:-}" ] && [ -d "$PFENV_DIR" ] || return 0
    mpid=$(sed -n '1s/[^0-9]//gp' "$PFENV_DIR/queue/pid/master.pid" 2>/dev/null)
    mpid=${mpid:-${PFENV_MASTER_PID:-}}
    # What `postfix stop` does, without its 1 s polling: SIGTERM to master.
    [ -n "$mpid" ] && kill -TERM "$mpid" 2>/dev/null
    for p in ${PFENV_SINK_PIDS:-}; do kill -TERM "$p" 2>/dev/null; done
    # master is a session leader; its daemons are in its process group and leave
    # when it is gone.  Wait for them all, then kill what is left.
    end=$((SECONDS + 20))
    while :; do
        local left=""
        for p in ${PFENV_SINK_PIDS:-} $mpid; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
        [ -n "$mpid" ] && pgrep -g "$mpid" >/dev/null 2>&1 && left="$left group:$mpid"
        [ -z "$left" ] && break
        if [ $SECONDS -ge $end ]; then
            pfenv__say "killing leftover processes:$left"
            for p in ${PFENV_SINK_PIDS:-} $mpid; do kill -KILL "$p" 2>/dev/null; done
            [ -n "$mpid" ] && kill -KILL -- "-$mpid" 2>/dev/null
            rc=1
            break
        fi
        sleep 0.1
    done
    PFENV_SINK_PIDS="" PFENV_MASTER_PID=""
    return $rc
}

# pfenv_destroy: pfenv_stop, then remove the instance directory.
pfenv_destroy() {
    local rc=0
    pfenv_stop || rc=$?
    if [ -n "${PFENV_DIR:-}" ] && [ -f "$PFENV_DIR/pfenv.state" ]; then
        rm -rf -- "$PFENV_DIR"
    fi
    PFENV_DIR=""
    return $rc
}

# ---------------------------------------------------------------- log self-check
# pfenv_log_counts [LOG]: count the mix's lines in a maillog with plain awk, as
# "key value" lines for every key in PFENV_EXP_KEYS.  This is a deliberately simple,
# independent recount for logs of this environment (not a general parser): it
# checks the environment and the EXP_ numbers without postfix-statsd.
pfenv_log_counts() {
    local log=${1:-$PFENV_DIR/maillog}
    awk -v keys="$PFENV_EXP_KEYS" '
    function bump(k) { c[k]++ }
    {
        tag = $5; sub(/\[[0-9]+\]:$/, "", tag); sub(/:$/, "", tag)
        if (tag !~ /^postfix[^\/]*\//) next
        d = tag; sub(/.*\//, "", d)
        if ($7 ~ /^to=</ && match($0, /, status=[a-z-]+/)) {
            st = substr($0, RSTART + 9, RLENGTH - 9)
            rest = substr($0, RSTART + RLENGTH)
            if (!match($0, /, relay=[^,]+,/)) next
            relay = substr($0, RSTART + 8, RLENGTH - 9)
            if (st == "sent") { bump("status:sent"); bump("sent:" (relay ~ /\[/ ? d : relay)) }
            if (st == "deferred" || st == "bounced") {
                bump("status:" st)
                if ((d == "smtp" || d == "lmtp") && match(rest, /^ \(host [^ ]+ (said|refused to talk to me): [45][0-9][0-9][ -]/))
                    bump(d ":" substr(rest, RSTART + RLENGTH - 4, 1) "xx")
            }
            next
        }
        if ((d == "smtp" || d == "lmtp") && $7 == "host" && ($9 == "said:" || $13 == "me:")) {
            code = ($9 == "said:") ? $10 : $14
            if (code ~ /^[45][0-9][0-9]$/) bump(d ":" substr(code, 1, 1) "xx")
            next
        }
        if ($7 ~ /^from=</ && $0 ~ /, status=(force-)?expired,/) { bump("status:expired"); next }
        if (d == "smtpd" && $6 != "NOQUEUE:" && $7 ~ /^client=/) { bump("recv:smtp"); next }
        if (d == "pickup" && $7 ~ /^(uid|sender)=/) { bump("recv:local"); next }
        if ((d == "smtpd" || d == "postscreen") && $7 == "reject:" && $11 ~ /^[45][0-9][0-9]$/) {
            bump("smtpd:" substr($11, 1, 1) "xx"); next
        }
    }
    END { n = split(keys, k, /[ \n]+/); for (i = 1; i <= n; i++) if (k[i] != "") print k[i], c[k[i]] + 0 }
    ' "$log"
}

# pfenv_check_log [LOG]: compare pfenv_log_counts with EXP_*; one line per key.
pfenv_check_log() {
    local k v got want bad=0
    while read -r k got; do
        v=$(pfenv_exp_var "$k"); want=${!v:-}
        if [ "$got" = "$want" ]; then
            printf 'log ok   %-16s %s\n' "$k" "$got"
        else
            printf 'log BAD  %-16s got %s, expected %s\n' "$k" "$got" "$want"; bad=1
        fi
    done < <(pfenv_log_counts "${1:-}")
    return $bad
}
