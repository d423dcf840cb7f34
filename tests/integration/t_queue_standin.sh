#!/bin/bash
# SPDX-License-Identifier: ISC
# NAME
#	t_queue_standin.sh - a slow and a huge queue sample never hold up
#	counting; the huge one is counted exactly in bounded memory
# DESCRIPTION
#	A real queue of 100,000 messages, or a showq that takes minutes, is
#	too slow to build here, so for these two cases only a stand-in
#	postqueue (--postqueue PATH, a shell script) is used:
#	  slow: it prints one object and sleeps past the time limit (-q 2:
#	     a 2 s limit). Lines appended while it runs are counted while it
#	     still runs; it is killed at the limit, the failure is counted
#	     (self:queue_errors) and logged, no gauge appears, and the next
#	     sample is not started at once (back-off, no overlap).
#	  huge: it prints 100,000 objects (60,000 deferred, 30,000 hold,
#	     10,000 active) in two halves with a pause between them; lines
#	     appended in the pause are counted while it runs; the gauges are
#	     exact, and the daemon's peak RSS grows by less than 4 MB over a
#	     run without sampling (the output is about 30 MB).
# DIAGNOSTICS
#	"ok t_queue_standin" and exit 0, or "FAIL t_queue_standin: why".
# SECURITY
#	Temporary directory only; no network.
. "$(dirname "$0")/lib/common.sh"
it_init t_queue_standin
: >"$log"
line() { echo "Dec  1 12:00:0$1 mail postfix/smtpd[4$1]: 4XqS$1$RANDOM: client=unknown[127.0.0.1]"; }
lines_ge() { [ "$(it_get "$db" self:lines)" -ge "$1" ]; }
alive() { kill -0 "$(cat "$work/pq.pid" 2>/dev/null)" 2>/dev/null; }

# ---------------------------------------------------------------- slow
cat >"$work/pq-slow" <<EOF
#!/bin/sh
echo "\$(date +%s%3N)" >>"$work/starts"
echo \$\$ >"$work/pq.pid"
echo '{"queue_name": "hold", "queue_id": "ABC", "arrival_time": 1}'
exec sleep 30
EOF
chmod 755 "$work/pq-slow"
it_start -q 2 --postqueue "$work/pq-slow"
it_wait 10 alive || it_fail "slow: the stand-in did not start"
for i in 1 2 3; do line "$i" >>"$log"; done
it_wait 1 lines_ge 3 || it_fail "slow: lines were not counted within 1 s while the sample ran"
alive || it_fail "slow: the stand-in ended before the lines were counted (test proves nothing)"
it_msg "slow: 3 lines counted while the stand-in postqueue was still running"
it_wait 5 sh -c '[ "$("$1" -d "$2" self:queue_errors 2>/dev/null)" -ge 1 ]' sh "$GET" "$db" ||
    it_fail "slow: the sample over its time limit was not counted as failed"
killed_at=$(now_ms)
alive && it_fail "slow: the stand-in still runs after the time limit"
it_since_start | grep -q 'queue sample failed: postqueue took too long: no answer within 2 s; killed' ||
    it_fail "slow: the timeout was not logged"
"$GET" -d "$db" queue:hold >/dev/null 2>&1 && it_fail "slow: a killed sample set queue:hold"
sleep 3
[ "$(wc -l <"$work/starts")" = 1 ] ||
    it_fail "slow: another sample started within 3 s of a 2 s timeout (no back-off)"
line 4 >>"$log"
it_wait 2 lines_ge 4 || it_fail "slow: a line after the timeout was not counted"
it_stop TERM
[ "$src" -eq 0 ] || it_fail "slow: exit status $src"
it_msg "slow: killed at the limit, counted, logged, backed off ($(( $(now_ms) - killed_at )) ms without a new sample)"

# ---------------------------------------------------------------- huge
awk 'BEGIN {
	for (i = 0; i < 100000; i++) {
		q = i % 10 < 6 ? "deferred" : i % 10 < 9 ? "hold" : "active"
		printf "{\"queue_name\": \"%s\", \"queue_id\": \"4Xk3s%09dZ\", \"arrival_time\": %d, \"message_size\": 2048, \"forced_expire\": false, \"sender\": \"sender%d@example.org\", \"recipients\": [{\"address\": \"rcpt%d@example.net\", \"delay_reason\": \"host mx.example.net[192.0.2.1] said: 450 4.2.0 Mailbox busy (in reply to RCPT TO command)\"}]}\n", q, i, 1796000000 + i, i, i
	}
}' >"$work/huge.json"
cat >"$work/pq-huge" <<EOF
#!/bin/sh
echo \$\$ >"$work/pq.pid"
head -n 50000 "$work/huge.json"
sleep 2
tail -n 50000 "$work/huge.json"
EOF
chmod 755 "$work/pq-huge"
hwm() { awk '$1 == "VmHWM:" { print $2 }' "/proc/$spid/status"; }

# Baseline: the same daemon, the same lines, no sampling.
db=$work/db-base
it_start -q 0
it_wait 10 it_started || it_fail "huge: the baseline did not start"
for i in 5 6 7; do line "$i" >>"$log"; done
sleep 3
base=$(hwm)
it_stop TERM

db=$work/db-huge
rm -f "$work/pq.pid"
it_start -q 60 --postqueue "$work/pq-huge"
it_wait 10 alive || it_fail "huge: the stand-in did not start"
sleep 0.5
n0=$(it_get "$db" self:lines)
for i in 5 6 7; do line "$i" >>"$log"; done
it_wait 1 lines_ge $((n0 + 3)) || it_fail "huge: lines were not counted within 1 s during the sample"
alive || it_fail "huge: the stand-in ended before the lines were counted (test proves nothing)"
samples_ge1() { [ "$(it_get "$db" self:queue_samples)" -ge 1 ]; }
it_wait 30 samples_ge1 || it_fail "huge: no good sample: $(it_since_start | tail -2)"
got="$(it_get "$db" queue:deferred) $(it_get "$db" queue:hold) $(it_get "$db" queue:active) $(it_get "$db" queue:incoming) $(it_get "$db" queue:maildrop)"
[ "$got" = "60000 30000 10000 0 0" ] || it_fail "huge: deferred hold active incoming maildrop = $got"
peak=$(hwm)
it_stop TERM
[ $((peak - base)) -lt 4096 ] ||
    it_fail "huge: peak RSS $peak kB against $base kB without sampling ($(wc -c <"$work/huge.json") bytes of output)"
it_pass "slow sample killed and backed off while counting went on; 100,000 objects exact, peak RSS $peak kB (without sampling $base kB)"
