#!/bin/bash
# SPDX-License-Identifier: ISC
# t_rotate_rename.sh: logrotate-style rename rotation under load. A writer
# appends whole lines in chunks; every 30 chunks the log is rotated like
# logrotate does (log.N -> log.N+1, log -> log.1), one chunk goes to the
# renamed file before the new log exists (a syslog that has not reopened
# yet), then the new log is created and the writer goes on in it. The
# follower runs all along; it must count every line exactly once.
. "$(dirname "$0")/lib/common.sh"
it_init t_rotate_rename

it_data "$work/data" "${IT_LINES:-150000}"
it_ref "$work/ref" "$work/data"
mkdir "$work/chunks"
split -l 400 -a 4 "$work/data" "$work/chunks/c."

rotate() {
	local k
	for k in $(seq 30 -1 1); do
		[ -f "$log.$k" ] && mv "$log.$k" "$log.$((k + 1))"
	done
	mv "$log" "$log.1"
}

: >"$log"
it_start --from-start
it_wait 30 it_started || it_fail "the follower did not start"
( i=0 late=0
for c in "$work"/chunks/c.*; do
	i=$((i + 1))
	if [ "$late" = 1 ]; then
		cat "$c" >>"$log.1"	# written after the rename
		: >"$log"		# logrotate's "create"
		late=0
	else
		cat "$c" >>"$log"
	fi
	if [ $((i % 30)) = 0 ]; then
		rotate
		late=1
	fi
	sleep 0.02
done
[ "$late" = 1 ] && : >"$log"
exit 0 ) &
wpid=$!
it_track "$wpid"
it_wait "$IT_TIMEOUT" it_gone "$wpid" || it_fail "the writer did not finish"
wait "$wpid"
it_forget "$wpid"
nrot=$(ls "$log".* | wc -l)
it_catch_up "$ref_lines"
rot=$(it_get "$db" self:rotations)
it_stop TERM
[ "$src" -eq 0 ] || it_fail "exit status $src after SIGTERM"
it_compare "$work/ref" "$db" || it_fail "after $nrot rotations"
[ "$rot" = "$nrot" ] || it_fail "self:rotations is $rot after $nrot rotations"
it_pass "$nrot rotations, $ref_lines lines, counts exact"
