#!/bin/bash
# SPDX-License-Identifier: ISC
# t_rotate_twice_running.sh: two rename rotations (log -> log.1 -> log.2)
# before a running follower gets to look at the log (it is held with
# SIGSTOP, as a busy or swapped-out process would be). The file in
# between (log.1) must be read too. Then the same with copytruncate.
. "$(dirname "$0")/lib/common.sh"
it_init t_rotate_twice_running

it_data "$work/data" 50000
mkdir "$work/parts"
split -l 5000 -a 1 "$work/data" "$work/parts/p."
parts=("$work"/parts/p.*)
next=0
part() {
	cat "${parts[$next]}" >>"$log"
	next=$((next + 1))
}
shift_rotated() {
	local k
	for k in 9 8 7 6 5 4 3 2 1; do
		if [ -f "$log.$k" ]; then mv "$log.$k" "$log.$((k + 1))"; fi
	done
}

part
it_start --from-start
it_catch_up 5000
for how in rename copy; do
	kill -STOP "$spid"
	part			# unread: ends in log.2
	shift_rotated
	if [ $how = rename ]; then mv "$log" "$log.1"; : >"$log"; else
		cp "$log" "$log.1"; truncate -s 0 "$log"; fi
	part			# ends in log.1
	shift_rotated
	if [ $how = rename ]; then mv "$log" "$log.1"; : >"$log"; else
		cp "$log" "$log.1"; truncate -s 0 "$log"; fi
	part
	kill -CONT "$spid"
	if ! it_wait 30 it_lines_atleast "$db" $((next * 5000)); then
		it_fail "$how: $(it_get "$db" self:lines) lines counted," \
		    "expected $((next * 5000))"
	fi
done
it_stop TERM
head -n $((next * 5000)) "$work/data" >"$work/sofar"
it_ref "$work/ref" "$work/sofar"
it_compare "$work/ref" "$db" || it_fail "at the end"
it_pass "two rotations unnoticed, rename and copy: counts exact"
