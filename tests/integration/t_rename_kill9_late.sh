#!/bin/bash
# SPDX-License-Identifier: ISC
#
# NAME
#	t_rename_kill9_late - restart between a rename and the writer's reopen
# DESCRIPTION
#	A writer holds the log open (as a syslog daemon does). The log is
#	renamed to mail.log.1 and an empty mail.log created (logrotate's
#	create); the follower is killed with SIGKILL and restarted at once;
#	the writer goes on writing late lines to the renamed file for a
#	while, then reopens the log and writes there. Every line counts
#	exactly once: the restarted follower drains mail.log.1 as a running
#	one would. Two rounds: a few thousand lines/s, then ~50 MB/s
#	(IT_FAST_MB, default 100 MB written in large blocks).
# DIAGNOSTICS
#	"ok" or "FAIL" with the counters that differ.
. "$(dirname "$0")/lib/common.sh"
it_init t_rename_kill9_late

round() {	# NAME LINES CHUNK_LINES SLEEP
	local name=$1 lines=$2 chunk=$3 pause=$4 wpid c i n
	rm -rf "$db" "$work/chunks" "$log" "$log".*
	it_data "$work/data" "$lines"
	it_ref "$work/ref" "$work/data"
	mkdir "$work/chunks"
	split -l "$chunk" -a 4 "$work/data" "$work/chunks/c."
	n=$(ls "$work/chunks" | wc -l)
	: >"$log"
	it_start --from-start
	it_wait 30 it_started || it_fail "$name: the follower did not start"
	# The writer: the first third, then (the rename happens) a third
	# to the renamed file, then it reopens the log for the rest.
	( exec 3>>"$log"
	i=0
	for c in "$work"/chunks/c.*; do
		i=$((i + 1))
		if [ "$i" = $((n / 3)) ]; then
			: >"$work/renamed.wait"
			while [ -e "$work/renamed.wait" ]; do sleep 0.01; done
		fi
		[ "$i" = $((2 * n / 3)) ] && exec 3>>"$log"
		cat "$c" >&3
		sleep "$pause"
	done ) &
	wpid=$!
	it_track "$wpid"
	it_wait 60 test -e "$work/renamed.wait" || it_fail "$name: writer stuck"
	mv "$log" "$log.1"
	: >"$log"
	it_stop KILL
	it_start --from-start
	rm -f "$work/renamed.wait"
	it_wait "$IT_TIMEOUT" it_gone "$wpid" || it_fail "$name: writer did not finish"
	wait "$wpid"
	it_forget "$wpid"
	it_catch_up "$ref_lines"
	sleep 0.5
	it_stop TERM
	[ "$src" -eq 0 ] || it_fail "$name: exit status $src after SIGTERM"
	it_compare "$work/ref" "$db" || it_fail "$name: counts differ"
	[ "$(it_get "$db" self:lost)" = 0 ] || it_fail "$name: self:lost is not 0"
	it_msg "$name: $ref_lines lines exact"
}

round slow 30000 100 0.02
# ~50 MB/s: blocks of 20000 lines (~3 MB) every 50 ms.
round fast "${IT_FAST_LINES:-600000}" 20000 0.05
it_pass "rename, kill -9, restart, late lines to the renamed file: exact"
