#!/bin/bash
# SPDX-License-Identifier: ISC
# t_rotate_late_write.sh: after logrotate renames the log and creates the
# new one, syslog goes on writing to the renamed file until it reopens the
# log (postrotate HUP). The follower has already seen the rotation by then;
# it must still count those late lines, and the new log's afterwards.
. "$(dirname "$0")/lib/common.sh"
it_init t_rotate_late_write

it_data "$work/data" 40000
split -l 10000 -a 1 "$work/data" "$work/p."
rotated() {
	it_since_start | grep -q 'was rotated'
}

cat "$work/p.a" >"$log"
it_start --from-start
it_wait 30 it_started || it_fail "the follower did not start"
it_catch_up 10000
mv "$log" "$log.1"
: >"$log"				# logrotate's "create"
it_wait 30 rotated || it_fail "the rotation was not noticed"
cat "$work/p.b" >>"$log.1"		# syslog has not reopened yet
it_wait 30 it_lines_atleast "$db" 20000 \
    || it_fail "late lines in the renamed file: $(it_get "$db" self:lines) lines counted, expected 20000"
sleep 1
cat "$work/p.c" >>"$log.1"		# later still, less than 5 s after
it_wait 30 it_lines_atleast "$db" 30000 \
    || it_fail "later lines in the renamed file: $(it_get "$db" self:lines) lines counted, expected 30000"
cat "$work/p.d" >>"$log"		# reopened: the new log
it_catch_up 40000
it_stop TERM
[ "$src" -eq 0 ] || it_fail "exit status $src after SIGTERM"
it_ref "$work/ref" "$work/data"
it_compare "$work/ref" "$db" || it_fail "at the end"
it_pass "late writes to the renamed log counted, counts exact"
