#!/bin/bash
# SPDX-License-Identifier: ISC
#
# NAME
#	t_log_absent - a missing log is waited for and read from its first line
# DESCRIPTION
#	1. A new database, the log does not exist: the follower starts, says
#	   it waits, and counts the log from its first line when it appears.
#	2. A saved position, the log renamed away (postfix logrotate's
#	   maillog.DATE-TIME) and not recreated while stopped: the follower
#	   finishes the rotated file, waits, and reads the new log whole.
#	Counts exact, self:lost 0.
# DIAGNOSTICS
#	"ok" or "FAIL" with the counters that differ.
. "$(dirname "$0")/lib/common.sh"
it_init t_log_absent
it_data "$work/data" 30000
it_ref "$work/ref" "$work/data"
split -l 10000 -a 1 "$work/data" "$work/p."

it_start
it_wait 30 it_started || it_fail "the follower did not start (log absent)"
it_gone "$spid" && it_fail "the follower exited: $(tail -n 2 "$work/statsd.err")"
it_since_start | grep -q 'waiting for it' || it_fail "no 'waiting' message"
sleep 0.5
cat "$work/p.a" >"$log"
it_catch_up 10000
cat "$work/p.b" >>"$log"
it_catch_up 20000
it_stop TERM
mv "$log" "$log.20260101-120000"
cat "$work/p.c" >>"$log.20260101-120000"
it_start
it_wait 30 it_started || it_fail "the follower did not start (saved position)"
it_catch_up 30000
cat "$work/p.c" >"$work/late"
head -c 0 "$work/late" >"$log"	# the new log appears, empty
sleep 1
it_stop TERM
it_compare "$work/ref" "$db" || it_fail "log absent at start"
[ "$(it_get "$db" self:lost)" = 0 ] || it_fail "self:lost is not 0"
# The new log is read from its first line.
cat "$work/p.a" >>"$log"
it_ref "$work/ref2" "$work/data" "$work/p.a"
it_start
it_catch_up 40000
it_stop TERM
it_compare "$work/ref2" "$db" || it_fail "the new log after the saved position"
it_pass "absent log waited for, with a new database and with a saved position"
