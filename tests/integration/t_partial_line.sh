#!/bin/bash
# SPDX-License-Identifier: ISC
# t_partial_line.sh: a line written in two halves with a pause between them
# is not counted after the first half (the counters stay), and is counted
# exactly once after the second, also when the follower is stopped (SIGTERM
# or kill -9) between the two halves.
. "$(dirname "$0")/lib/common.sh"
it_init t_partial_line

L='Nov 29 00:07:00 mail postfix/smtp[1234]: 641E0104455: to=<alice@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=0.5, delays=0.1/0/0.2/0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 4Xk3s51mTFz9vJ)'
H1=${L:0:90}
H2=${L:90}

it_data "$log" 1000
it_start --from-start
it_catch_up 1000
lines=1000
sent=$(it_get "$db" status:sent)

# Over 1.5 s (more than the 1 s in which a line must be counted), the
# counters do not move.
stays() {
	local limit=$(( $(now_ms) + 1500 ))
	while [ "$(now_ms)" -lt "$limit" ]; do
		it_lines_are "$db" "$lines" \
		    || it_fail "$1: self:lines is $(it_get "$db" self:lines), expected $lines"
		[ "$(it_get "$db" status:sent)" = "$sent" ] \
		    || it_fail "$1: status:sent moved on a partial line"
		sleep 0.1
	done
}

counted_once() {
	lines=$((lines + $2)) sent=$((sent + $2))
	it_wait 30 it_lines_atleast "$db" "$lines" \
	    || it_fail "$1: not counted within 30 s"
	stays "$1"
}

# 1. running: a complete line and the first half of the next in one write
printf '%s\n%s' "$L" "$H1" >>"$log"
counted_once "first half, running" 1
printf '%s\n' "$H2" >>"$log"
counted_once "second half, running" 1

# 2. the first half, a stop, a restart, the second half
for sig in TERM KILL; do
	printf '%s' "$H1" >>"$log"
	stays "first half, before SIG$sig"
	it_stop "$sig"
	it_start
	it_wait 30 it_started || it_fail "no restart after SIG$sig"
	stays "first half, after SIG$sig and a restart"
	printf '%s\n' "$H2" >>"$log"
	counted_once "second half, after SIG$sig" 1
done

# 3. byte by byte
for i in $(seq 0 $((${#L} - 1))); do
	printf '%s' "${L:$i:1}" >>"$log"
done
stays "all but the newline, byte by byte"
echo >>"$log"
counted_once "byte by byte" 1

it_stop TERM
[ "$src" -eq 0 ] || it_fail "exit status $src after SIGTERM"
it_ref "$work/ref" "$log"
it_compare "$work/ref" "$db" || it_fail "at the end"
it_pass "partial lines wait, are counted once when complete"
