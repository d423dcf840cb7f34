#!/bin/bash
# SPDX-License-Identifier: ISC
# t_copytruncate.sh: logrotate's copytruncate under load. A writer appends
# whole lines in chunks with >> (O_APPEND, as syslog daemons do); every 30
# chunks the log is copied to log.1 (older copies shifted to log.N+1) and
# truncated to 0. The follower runs all along; it must count every line
# exactly once: what it had not read yet is taken from the copy.
. "$(dirname "$0")/lib/common.sh"
it_init t_copytruncate

it_data "$work/data" "${IT_LINES:-150000}"
it_ref "$work/ref" "$work/data"
mkdir "$work/chunks"
split -l 400 -a 4 "$work/data" "$work/chunks/c."

: >"$log"
it_start --from-start
it_wait 30 it_started || it_fail "the follower did not start"
( i=0
for c in "$work"/chunks/c.*; do
	i=$((i + 1))
	cat "$c" >>"$log"
	if [ $((i % 30)) = 0 ]; then
		for k in $(seq 30 -1 1); do
			[ -f "$log.$k" ] && mv "$log.$k" "$log.$((k + 1))"
		done
		cp "$log" "$log.1"
		truncate -s 0 "$log"
	fi
	sleep 0.02
done
exit 0 ) &
wpid=$!
it_track "$wpid"
it_wait "$IT_TIMEOUT" it_gone "$wpid" || it_fail "the writer did not finish"
wait "$wpid"
it_forget "$wpid"
ntr=$(ls "$log".* | wc -l)
it_catch_up "$ref_lines"
tr=$(it_get "$db" self:truncations)
it_stop TERM
[ "$src" -eq 0 ] || it_fail "exit status $src after SIGTERM"
it_compare "$work/ref" "$db" || it_fail "after $ntr copytruncates"
[ "$tr" = "$ntr" ] || it_fail "self:truncations is $tr after $ntr copytruncates"
it_pass "$ntr copytruncates, $ref_lines lines, counts exact"
