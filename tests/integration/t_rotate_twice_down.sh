#!/bin/bash
# SPDX-License-Identifier: ISC
# t_rotate_twice_down.sh: two rotations while the follower is stopped
# (log -> log.1 -> log.2). At the next start the follower finishes log.2
# from its saved offset, reads all of log.1, then log. Done for rename
# rotation and for copytruncate, each after SIGTERM and after kill -9.
. "$(dirname "$0")/lib/common.sh"
it_init t_rotate_twice_down

it_data "$work/data" 65000
it_ref "$work/ref" "$work/data"
mkdir "$work/parts"
split -l 5000 -a 2 "$work/data" "$work/parts/p."
parts=("$work"/parts/p.*)	# 13 parts of 5000 lines
next=0

part() {	# append the next part of the data to the log
	cat "${parts[$next]}" >>"$log"
	next=$((next + 1))
}

shift_rotated() {
	local k
	for k in 29 28 27 26 25 24 23 22 21 20 19 18 17 16 15 14 13 12 11 \
	    10 9 8 7 6 5 4 3 2 1; do
		if [ -f "$log.$k" ]; then mv "$log.$k" "$log.$((k + 1))"; fi
	done
}

rotate() {	# rename or copy
	shift_rotated
	if [ "$1" = rename ]; then
		mv "$log" "$log.1"
		: >"$log"
	else
		cp "$log" "$log.1"
		truncate -s 0 "$log"
	fi
}

part
it_start --from-start
it_catch_up 5000
for how in rename copy; do
	for sig in TERM KILL; do
		it_stop "$sig"
		part	# unread, rotated to log.2
		rotate "$how"
		part	# becomes log.1
		rotate "$how"
		part
		it_start --from-start
		it_catch_up $((next * 5000))
		it_since_start | grep -q "reading rotated log $log.1\$" \
		    || it_fail "$how, SIG$sig: $log.1 was not read"
		head -n $((next * 5000)) "$work/data" >"$work/sofar"
		it_ref "$work/ref.sofar" "$work/sofar"
		it_compare "$work/ref.sofar" "$db" || it_fail "two rotations ($how) after SIG$sig"
	done
done
it_stop TERM
it_compare "$work/ref" "$db" || it_fail "at the end"
it_pass "two rotations while stopped, rename and copy, after SIGTERM and kill -9"
