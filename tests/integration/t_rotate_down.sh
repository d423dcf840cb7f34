#!/bin/bash
# SPDX-License-Identifier: ISC
# t_rotate_down.sh: rotation while the follower is stopped. Lines written
# to the log after the follower stopped and before the rotation are read
# from the rotated file at the next start, then the new log; nothing is
# lost or counted twice. Three rounds: rename rotation after SIGTERM,
# copytruncate after SIGTERM, rename rotation after kill -9 in the middle
# of reading.
. "$(dirname "$0")/lib/common.sh"
it_init t_rotate_down

it_data "$work/data" 70000
it_ref "$work/ref" "$work/data"
mkdir "$work/parts"
split -l 10000 -a 1 "$work/data" "$work/parts/p."
set -- "$work"/parts/p.*	# $1 .. $7: 10000 lines each

shift_rotated() {
	local k
	for k in 9 8 7 6 5 4 3 2 1; do
		if [ -f "$log.$k" ]; then mv "$log.$k" "$log.$((k + 1))"; fi
	done
}

run_to() {	# start, wait until N lines are counted, stop with SIGTERM
	it_start --from-start
	it_catch_up "$1"
	it_stop TERM
	[ "$src" -eq 0 ] || it_fail "exit status $src after SIGTERM"
}

cat "$1" >"$log"
run_to 10000

# 1. rename rotation while stopped, with unread lines in the rotated file
cat "$2" >>"$log"
shift_rotated
mv "$log" "$log.1"
cat "$3" >"$log"
run_to 30000
it_since_start | grep -q 'reading the rest of rotated log' \
    || it_fail "round 1: no 'reading the rest of rotated log' message"

# 2. copytruncate while stopped, with unread lines in the copy
cat "$4" >>"$log"
shift_rotated
cp "$log" "$log.1"
truncate -s 0 "$log"
cat "$5" >>"$log"
run_to 50000
it_since_start | grep -q 'truncated while we were stopped' \
    || it_fail "round 2: no 'truncated while we were stopped' message"

# 3. kill -9 while reading, then rename rotation
cat "$6" >>"$log"
it_start --from-start
it_sleep_ms "$(it_rand_ms 100)"
it_stop KILL
shift_rotated
mv "$log" "$log.1"
cat "$7" >"$log"
run_to 70000

it_compare "$work/ref" "$db" || it_fail "after three rotations while stopped"
it_pass "three rotations while stopped, $ref_lines lines, counts exact"
