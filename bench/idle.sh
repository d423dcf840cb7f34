#!/bin/sh
# SPDX-License-Identifier: ISC
# bench/idle.sh - what the follower costs when nothing is logged: start
# postfix-statsd -f on a quiet log, let it settle, then over SECS seconds
# (default 30) read its CPU ticks (utime+stime, /proc/PID/stat) and context
# switches (/proc/PID/status); then count its system calls for 10 s with
# strace -c. No busy polling means ~0 ticks and about one wakeup a second
# (the follower's 1 s inotify safety-net poll).
. "$(dirname "$0")/common.sh"
build
SECS=${1:-${IDLE_SECS:-30}}
TRACE=${IDLE_TRACE_SECS:-10}
LOG=$OUT/idle.log
DB=$(freshdb db-idle)
sh "$BENCH/mklog.sh" "$LOG" 1 2>/dev/null
"$STATSD" -f --from-start -l "$LOG" -d "$DB" 2>"$OUT/idle.err" &
PID=$!
trap 'kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; rm -rf "$DB" "$LOG" "$OUT/idle.err" "$OUT/idle.strace"' EXIT
sleep 3		# read the 1 MB, commit, settle
kill -0 "$PID" || { cat "$OUT/idle.err" >&2; exit 1; }
HZ=$(getconf CLK_TCK)
ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$PID/stat"; }
ctx() { awk '/^(non)?voluntary_ctxt_switches/ { s += $2 } END { print s }' "/proc/$PID/status"; }
t0=$(ticks); c0=$(ctx)
sleep "$SECS"
t1=$(ticks); c1=$(ctx)
machine
echo "# postfix-statsd -f on a quiet log, pid $PID, after settling"
awk -v t="$((t1 - t0))" -v c="$((c1 - c0))" -v s="$SECS" -v hz="$HZ" 'BEGIN {
	printf "  over %d s: %d CPU ticks (%.2f%% of a CPU, tick = %.0f ms), %d context switches (%.2f/s)\n",
	    s, t, 100 * t / hz / s, 1000 / hz, c, c / s }'
grep -E '^Vm(HWM|RSS)' "/proc/$PID/status" | awk '{ printf "  %s %s %s\n", $1, $2, $3 }'
if need strace strace; then
	timeout -s INT "$TRACE" strace -c -f -p "$PID" -o "$OUT/idle.strace" \
	    2>/dev/null || true
	echo "  system calls in ${TRACE} s (strace -c):"
	awk '/^ *[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9]+ +/ && !/total/ {
		n = ($5 ~ /^[0-9]+$/) ? $6 : $5; printf "    %-16s %s\n", n, $4 }
	     /total/ { printf "    %-16s %s (%.1f/s)\n", "total", $4, $4 / '"$TRACE"' }' "$OUT/idle.strace"
fi
