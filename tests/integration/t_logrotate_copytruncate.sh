#!/bin/bash
# SPDX-License-Identifier: ISC
#
# NAME
#	t_logrotate_copytruncate - real logrotate copytruncate under a writer
# DESCRIPTION
#	A writer appends >= 2,000 lines/s to the log while Debian's logrotate
#	(its own state file and configuration in the test directory) rotates
#	it three times with copytruncate, once plain, once with compress,
#	once with compress and delaycompress; the follower is killed with
#	SIGKILL and restarted between the first and the second rotation.
#	Lines written between logrotate's copy and its truncation exist in no
#	file, so the check is: lines in the files <= counted <= lines
#	written, and self:lost 0.
# DIAGNOSTICS
#	"ok" or "FAIL" with the counts.
. "$(dirname "$0")/lib/common.sh"
it_init t_logrotate_copytruncate
command -v logrotate >/dev/null || command -v /usr/sbin/logrotate >/dev/null \
    || { echo "SKIP t_logrotate_copytruncate: no logrotate"; exit 77; }
LOGROTATE=$(command -v logrotate || echo /usr/sbin/logrotate)

it_data "$work/data" 60000
mkdir "$work/chunks"
split -l 100 -a 4 "$work/data" "$work/chunks/c."

conf() {	# OPTIONS...
	{
		echo "$log {"
		echo "	rotate 10"
		echo "	copytruncate"
		echo "	missingok"
		for o; do echo "	$o"; done
		echo "}"
	} >"$work/lr.conf"
}

: >"$log"
it_start
it_wait 30 it_started || it_fail "the follower did not start"
( for c in "$work"/chunks/c.*; do
	cat "$c" >>"$log"
	sleep 0.04
done ) &
wpid=$!
it_track "$wpid"

round=0
for opts in "" "compress" "compress delaycompress"; do
	round=$((round + 1))
	sleep 2
	# shellcheck disable=SC2086 # the options are words
	conf $opts
	"$LOGROTATE" -f -s "$work/lr.state" "$work/lr.conf" \
	    || it_fail "logrotate failed in round $round"
	if [ $round = 1 ]; then
		sleep 0.$(( RANDOM % 9 + 1 ))
		it_stop KILL
		it_start
	fi
done
it_wait "$IT_TIMEOUT" it_gone "$wpid" || it_fail "the writer did not finish"
wait "$wpid"
it_forget "$wpid"
written=$(wc -l <"$work/data")
infiles=0
for f in "$log" "$log".*; do
	case $f in
	*.gz) n=$(zcat "$f" | wc -l) ;;
	*) n=$(wc -l <"$f") ;;
	esac
	infiles=$((infiles + n))
done
it_wait 30 it_lines_atleast "$db" "$infiles" \
    || it_fail "counted $(it_get "$db" self:lines) lines, the files hold $infiles"
sleep 1
it_stop TERM
[ "$src" -eq 0 ] || it_fail "exit status $src after SIGTERM"
got=$(it_get "$db" self:lines)
lost=$(it_get "$db" self:lost)
tr=$(it_get "$db" self:truncations)
[ "$got" -ge "$infiles" ] && [ "$got" -le "$written" ] \
    || it_fail "counted $got lines: the files hold $infiles, $written were written"
[ "$lost" = 0 ] || it_fail "self:lost is $lost"
[ "$tr" -ge 3 ] || it_fail "self:truncations is $tr after 3 copytruncates"
it_pass "3 logrotate copytruncates, kill -9: $infiles <= $got <= $written"
