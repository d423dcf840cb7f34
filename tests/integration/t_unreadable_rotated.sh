#!/bin/bash
# SPDX-License-Identifier: ISC
#
# NAME
#	t_unreadable_rotated - a rotated log the daemon's user cannot read
# DESCRIPTION
#	postfix-statsd runs with -u nobody. The log is rotated (rename and
#	create) and the new log is created mode 000: the follower cannot
#	read it. That is logged and counted in self:errors, not a silent
#	stall; once the file is made readable the lines are counted.
# DIAGNOSTICS
#	"ok", "FAIL", or "SKIP" (exit 77) when not run as root.
. "$(dirname "$0")/lib/common.sh"
it_init t_unreadable_rotated
if [ "$(id -u)" != 0 ] || ! id nobody >/dev/null 2>&1; then
	echo "SKIP t_unreadable_rotated: needs root and the user nobody"
	exit 77
fi
chmod 755 "$work" "$work/logs"
it_data "$work/data" 20000
it_ref "$work/ref" "$work/data"
split -l 10000 -a 1 "$work/data" "$work/p."
cat "$work/p.a" >"$log"
chmod 644 "$log"
it_start --from-start -u nobody
it_catch_up 10000
mv "$log" "$log.1"
cat "$work/p.b" >"$log"
chmod 000 "$log"
it_wait 20 grep -q "cannot read $log" "$work/statsd.err" \
    || it_fail "nothing logged about the unreadable log"
has_errors() {
	[ "$(it_get "$db" self:errors)" -gt 0 ] 2>/dev/null
}
it_wait 10 has_errors \
    || it_fail "self:errors is $(it_get "$db" self:errors)"
chmod 644 "$log"
it_catch_up 20000
it_stop TERM
it_compare "$work/ref" "$db" || it_fail "after the log became readable"
it_pass "unreadable log logged, self:errors $(it_get "$db" self:errors)"
