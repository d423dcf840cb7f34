#!/bin/sh
# SPDX-License-Identifier: ISC
# bench/latency.sh - time from a line appended to the log to the counter
# moving, with postfix-statsd -f following the log (bench/latency.c).
# N lines (default 200), 40-100 ms apart; the counter is polled in-process
# through the read-only store API (0.2 ms steps), then, as a cross-check,
# by running postfix-stats-get back to back (what snmpd sees).
# Prints p50/p90/p99/max in ms (target p99 < 100 ms; SPEC: within 1 s).
. "$(dirname "$0")/common.sh"
build
N=${1:-${LAT_N:-200}}
LOG=$OUT/lat.log
DB=$(freshdb db-lat)
: >"$LOG"
"$STATSD" -f -l "$LOG" -d "$DB" 2>"$OUT/lat.err" &
PID=$!
trap 'kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; rm -rf "$DB" "$LOG" "$OUT/lat.err"' EXIT
sleep 0.5
kill -0 "$PID" || { cat "$OUT/lat.err" >&2; exit 1; }
machine
echo "# $N lines appended to a log followed by postfix-statsd -f; write() -> counter visible"
printf "  store API poll:         "
"$OUT/latency" "$LOG" "$DB" "$N"
printf "  postfix-stats-get poll: "
"$OUT/latency" "$LOG" "$DB" "$N" "$GET"
