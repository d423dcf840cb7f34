#!/bin/bash
# SPDX-License-Identifier: ISC
# t_kill9_rotate.sh: kill -9 at random moments (50 times at least) while a
# writer appends whole lines and the log is rotated every 20 chunks, by
# rename (logrotate "create") and then by copytruncate: a crash just
# before, during or after a rotation loses no line and counts none twice.
. "$(dirname "$0")/lib/common.sh"
it_init t_kill9_rotate

it_data "$work/data" "${IT_LINES:-120000}"
it_ref "$work/ref" "$work/data"
mkdir "$work/chunks"
split -l 300 -a 4 "$work/data" "$work/chunks/c."
n=$(ls "$work/chunks" | wc -l)

for how in rename copy; do
	rm -rf "$db" "$work/logs"
	mkdir "$work/logs"
	: >"$log"
	( i=0
	for c in "$work"/chunks/c.*; do
		i=$((i + 1))
		cat "$c" >>"$log"
		if [ $((i % 20)) = 0 ]; then
			for k in $(seq 30 -1 1); do
				if [ -f "$log.$k" ]; then mv "$log.$k" "$log.$((k + 1))"; fi
			done
			if [ $how = rename ]; then
				mv "$log" "$log.1"
				: >"$log"
			else
				cp "$log" "$log.1"
				truncate -s 0 "$log"
			fi
		fi
		sleep 0.02
	done
	exit 0 ) &
	wpid=$!
	it_track "$wpid"
	kills=0
	it_start --from-start
	while [ "$kills" -lt "${IT_KILLS:-50}" ] || ! it_gone "$wpid"; do
		it_sleep_ms "$(it_rand_ms 300)"
		it_stop KILL
		[ "$src" = 137 ] || it_fail "$how: run $kills: exit status $src"
		kills=$((kills + 1))
		it_start --from-start
	done
	wait "$wpid"
	it_forget "$wpid"
	nrot=$(ls "$log".* | wc -l)
	it_catch_up "$ref_lines"
	it_stop TERM
	[ "$src" -eq 0 ] || it_fail "$how: exit status $src after SIGTERM"
	it_compare "$work/ref" "$db" \
	    || it_fail "$how: $nrot rotations, $kills times kill -9"
	it_msg "$how: $nrot rotations, $kills times kill -9: counts exact"
done
it_pass "kill -9 during rename and copytruncate rotations, counts exact"
