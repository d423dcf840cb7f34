#!/bin/bash
# SPDX-License-Identifier: ISC
# t_heartbeat_idle.sh: with no mail flowing, the follower still commits its
# heartbeat (self:heartbeat moves within 30 s, SPEC 2.2), self:last_line
# stays absent until a line is read and is then set, and the idle follower
# uses next to no CPU (no busy polling): at most 0.3 s of CPU over ~31 s.
. "$(dirname "$0")/lib/common.sh"
it_init t_heartbeat_idle

: >"$log"
it_start
it_wait 20 it_started || it_fail "the follower did not start"
it_wait 10 "$GET" -d "$db" self:heartbeat >/dev/null 2>&1 || it_fail "no first heartbeat"
h0=$("$GET" -d "$db" self:heartbeat)
"$GET" -d "$db" self:last_line >/dev/null 2>&1 && it_fail "self:last_line set before any line"
cpu() {	# utime + stime of $spid, in clock ticks
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$spid/stat"
}
c0=$(cpu)
moved() { [ "$("$GET" -d "$db" self:heartbeat)" -gt "$h0" ]; }
it_wait 40 moved || it_fail "self:heartbeat did not move in 40 s while idle"
c1=$(cpu)
hz=$(getconf CLK_TCK)
used=$(( (c1 - c0) * 1000 / hz ))
it_msg "idle CPU: $used ms over the heartbeat interval"
[ "$used" -le 300 ] || it_fail "an idle follower used $used ms of CPU"
printf 'Nov 29 00:07:00 mx postfix/smtpd[1]: 641E0104455: client=a[192.0.2.1]\n' >>"$log"
it_wait 10 "$GET" -d "$db" self:last_line >/dev/null 2>&1 || it_fail "self:last_line not set after a line"
it_stop TERM
[ "$src" -eq 0 ] || it_fail "exit status $src"
it_pass "heartbeat moved while idle, $used ms CPU"
