#!/bin/bash
# SPDX-License-Identifier: ISC
# t_latency.sh: a line appended to the log is visible in postfix-stats-get
# within 1 second (SPEC section 3), measured 10 times, with the follower
# idle in between and while a writer keeps it busy.
. "$(dirname "$0")/lib/common.sh"
it_init t_latency

L='Nov 29 00:07:00 mail postfix/smtp[1234]: 641E0104455: to=<alice@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=0.5, delays=0.1/0/0.2/0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 641E0104455)'
# Load: real lines without status=sent, which move no counter we measure.
it_data "$work/data" 200000
grep -v 'status=sent' "$work/data" | head -n 100000 >"$work/noise"
mkdir "$work/chunks"
split -l 200 -a 4 "$work/noise" "$work/chunks/c."

: >"$log"
it_start --from-start
it_wait 30 it_started || it_fail "the follower did not start"

sent_is() {
	[ "$(it_get "$db" status:sent)" = "$1" ]
}

times=""
measure() {
	local t0 t1 want
	want=$(( $(it_get "$db" status:sent) + 1 ))
	t0=$(now_ms)
	printf '%s\n' "$L" >>"$log"
	while ! sent_is "$want"; do
		t1=$(now_ms)
		[ $((t1 - t0)) -lt 10000 ] || it_fail "not counted within 10 s"
		sleep 0.01
	done
	t1=$(now_ms)
	times="$times $((t1 - t0))"
	[ $((t1 - t0)) -lt 1000 ] \
	    || it_fail "a line took $((t1 - t0)) ms to be counted (times:$times)"
}

it_wait 10 sent_is 0 || it_fail "status:sent is not 0 at the start"
for i in 1 2 3 4 5; do
	measure
	sleep 0.3
done
( for c in "$work"/chunks/c.*; do
	cat "$c" >>"$log"
	sleep 0.01
done ) &
wpid=$!
it_track "$wpid"
for i in 1 2 3 4 5; do
	measure
	sleep 0.2
done
kill "$wpid" 2>/dev/null
wait "$wpid" 2>/dev/null
it_forget "$wpid"
it_pass "counted within 1 s (ms:$times)"
