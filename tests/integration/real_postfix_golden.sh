#!/bin/bash
# SPDX-License-Identifier: ISC
# real_postfix_golden.sh: run a real Postfix on loopback (tests/integration/lib/
# postfix-env.sh), send a known mix of mail, then count its log with
# `postfix-statsd --once --from-start` and compare every counter with the value the
# mix must produce.  Needs root and Debian's postfix/swaks (installed if missing).
#
#   tests/integration/real_postfix_golden.sh [--env-only] [--keep-log FILE]
#
#   --env-only       check only the environment: recount the log with the library's
#                    simple awk counter (no postfix-statsd needed)
#   --keep-log FILE  copy the run's maillog to FILE (e.g. to refresh
#                    tests/golden/real-postfix-3.7.log)
#   PFENV_N=K        K messages of each kind (default 5); PFENV_RETRIES=R forced retries
#
# Prints one line per key and "N passed, N failed"; exits non-zero on any mismatch.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
STATSD=${STATSD:-$top/build/postfix-statsd}
GET=${GET:-$top/build/postfix-stats-get}

env_only=0 keep_log=""
while [ $# -gt 0 ]; do
    case "$1" in
        --env-only) env_only=1 ;;
        --keep-log) keep_log=${2:?--keep-log needs a file}; shift ;;
        *) echo "usage: $0 [--env-only] [--keep-log FILE]" >&2; exit 2 ;;
    esac
    shift
done

if [ "$(id -u)" != 0 ]; then
    echo "real_postfix_golden: needs root (runs a real Postfix)" >&2
    exit 1
fi
if [ $env_only = 0 ] && { [ ! -x "$STATSD" ] || [ ! -x "$GET" ]; }; then
    echo "real_postfix_golden: $STATSD or $GET not built (build first, or use --env-only)" >&2
    exit 1
fi

. "$here/lib/postfix-env.sh"

# The counters' database lives in a private (0700) directory; the Postfix instance
# in a directory of its own that Postfix's unprivileged users can traverse.
work=$(mktemp -d -t pfstats-golden.XXXXXXXX)
pfdir=$(mktemp -d -t pfenv.XXXXXXXX)
chmod 700 "$work"
cleanup() {
    pfenv_stop || true
    rm -rf -- "$pfdir" "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start=$SECONDS
pfenv_install
pfenv_start "$pfdir"
pfenv_send_mix
pfenv_stop
echo "real_postfix_golden: Postfix run took $((SECONDS - start)) s, PFENV_N=$PFENV_N," \
    "PFENV_RETRIES=$PFENV_RETRIES, $(wc -l <"$pfdir/maillog") log lines"
[ -z "$keep_log" ] || cp -- "$pfdir/maillog" "$keep_log"

passed=0 failed=0

# 1. The environment itself: does the log say what the mix must have done?
while read -r line; do
    echo "$line"
    case "$line" in "log ok"*) passed=$((passed + 1)) ;; *) failed=$((failed + 1)) ;; esac
done < <(pfenv_check_log "$pfdir/maillog" || true)

# 2. postfix-statsd's count of that log.
if [ $env_only = 0 ]; then
    db=$work/db
    if ! "$STATSD" --once --from-start -l "$pfdir/maillog" -d "$db"; then
        echo "FAIL postfix-statsd --once exited non-zero"
        failed=$((failed + 1))
    fi
    for key in $PFENV_EXP_KEYS; do
        var=$(pfenv_exp_var "$key")
        want=${!var}
        if got=$("$GET" -d "$db" "$key" 2>&1); then :; else got="error: $got"; fi
        if [ "$got" = "$want" ]; then
            printf 'ok   %-16s %s\n' "$key" "$got"
            passed=$((passed + 1))
        else
            printf 'FAIL %-16s got %s, expected %s\n' "$key" "$got" "$want"
            failed=$((failed + 1))
        fi
    done
fi

echo "real_postfix_golden: $passed passed, $failed failed"
[ $failed = 0 ]
