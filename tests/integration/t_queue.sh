#!/bin/bash
# SPDX-License-Identifier: ISC
# NAME
#	t_queue.sh - the queue: gauges equal what postqueue -j reports, and a
#	stopped Postfix fails the sample visibly while counting goes on
# DESCRIPTION
#	A real Postfix on loopback (lib/postfix-env.sh; minimal_backoff_time
#	and queue_run_delay are an hour there, so deferred mail stays put)
#	gets mail that is held (postsuper -h), deferred (the 4xx sink) and
#	delivered. postfix-statsd -u nobody -q 1 --postqueue-config samples
#	it as an unprivileged user (lib/queue-env.sh says how): every
#	queue: gauge must equal the number of objects postqueue -j prints with
#	that queue_name, also after the held mail is released. Then Postfix is
#	stopped: self:queue_errors grows, self:queue_sampled and the gauges
#	keep the last good sample, the failure is logged, and lines appended
#	to the log are still counted. A second database sampled only while
#	Postfix is down has no queue: gauge at all (absent, not 0).
# DIAGNOSTICS
#	"ok t_queue" and exit 0, or "FAIL t_queue: why" and exit 1.
# SECURITY
#	Root (Postfix's master); everything on 127.0.0.1, in temporary
#	directories removed at exit.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/postfix-env.sh"
. "$(dirname "$0")/lib/queue-env.sh"
it_init t_queue
[ "$(id -u)" = 0 ] || it_fail "needs root (runs a real Postfix)"
chmod 755 "$work"	# the daemon runs as nobody

pfdir=$(mktemp -d -t pfenv.XXXXXXXX)
stop_postfix() { pfenv_stop >/dev/null 2>&1; rm -rf -- "$pfdir"; }
it_cleanup_hook=stop_postfix
pfenv_install >/dev/null 2>&1 || it_fail "cannot install postfix"
pfenv_start "$pfdir" 2>"$work/pfenv.err" || it_fail "pfenv_start: $(tail -3 "$work/pfenv.err")"
log=$pfdir/maillog
it_wait 30 test -s "$log" || it_fail "Postfix wrote no log"
qenv_setup || it_fail "cannot set up the mount namespace wrapper"
t0=$(date +%s)

send() {	# send COUNT TO
	local i
	for ((i = 1; i <= $1; i++)); do
		pfenv_smtp "$PFENV_PORT_MAIN" nobody@localhost "$2" "q.$2.$i.$RANDOM" ||
		    it_fail "message $i to $2 was not accepted"
	done
}
send 3 user@soft.test
pfenv_wait_quiet 2>>"$work/pfenv.err" || it_fail "queue not quiet"
pfenv_postsuper -h ALL deferred >/dev/null 2>&1 || it_fail "postsuper -h failed"
send 2 user@soft.test
send 2 user@accept.test
pfenv_wait_quiet 2>>"$work/pfenv.err" || it_fail "queue not quiet"

reference() { qenv_reference "$work/ref" || it_fail "postqueue -j failed"; }
gauges_equal() { qenv_gauges_equal "$work/ref"; }
show() { qenv_show "$work/ref"; }

reference
grep -qx 'hold 3' "$work/ref" && grep -qx 'deferred 2' "$work/ref" ||
    it_fail "the test Postfix did not queue as planned: $(tr '\n' ' ' <"$work/ref")"
it_start -u nobody -q 1 --postqueue-config "$pfdir/etc"
it_wait 30 it_started || it_fail "the follower did not start"
it_wait 20 gauges_equal || { show; it_fail "gauges differ from postqueue -j"; }
age=$(it_get "$db" queue:oldest_deferred_age)
[ -n "$age" ] && [ "$age" -le $(( $(date +%s) - t0 + 1 )) ] ||
    it_fail "queue:oldest_deferred_age is '$age' (the mail is younger)"
sampled=$(it_get "$db" self:queue_sampled)
[ "$sampled" -ge "$t0" ] || it_fail "self:queue_sampled is '$sampled'"

# The gauges follow the queue: release the held mail (to deferred).
pfenv_postsuper -H ALL hold >/dev/null 2>&1 || it_fail "postsuper -H failed"
reference
grep -qx 'hold 0' "$work/ref" && grep -qx 'deferred 5' "$work/ref" ||
    it_fail "postsuper -H did not release: $(tr '\n' ' ' <"$work/ref")"
it_wait 20 gauges_equal || { show; it_fail "gauges did not follow the release"; }
it_msg "gauges equal postqueue -j: $(tr '\n' ' ' <"$work/ref")"

# Postfix stopped: the sample fails visibly, the last good values stay.
pfenv_stop >/dev/null 2>&1
it_wait 5 sh -c '! pgrep -f "$1/etc" >/dev/null' sh "$pfdir" || true
sleep 1.5	# a sample that was running when Postfix stopped is done
samples=$(it_get "$db" self:queue_samples)
sampled=$(it_get "$db" self:queue_sampled)
errors=$(it_get "$db" self:queue_errors)
recv=$(it_get "$db" recv:smtp)
for i in 1 2 3; do
	echo "Dec  1 12:00:0$i mail postfix/smtpd[4$i]: 4Xq$i$RANDOM: client=unknown[127.0.0.1]" >>"$log"
done
more_errors() { [ "$(it_get "$db" self:queue_errors)" -ge $((errors + 2)) ]; }
it_wait 20 more_errors || it_fail "self:queue_errors did not grow ($errors) with Postfix stopped"
[ "$(it_get "$db" recv:smtp)" = $((recv + 3)) ] ||
    it_fail "lines appended while samples fail were not counted"
[ "$(it_get "$db" self:queue_sampled)" = "$sampled" ] ||
    it_fail "self:queue_sampled moved although no sample succeeded"
[ "$(it_get "$db" self:queue_samples)" = "$samples" ] ||
    it_fail "self:queue_samples grew although no sample succeeded"
gauges_equal || { show; it_fail "the gauges changed after failed samples"; }
it_since_start | grep -q 'queue sample failed: postqueue failed: .*mail system is down' ||
    it_fail "the failed sample was not logged with postqueue's reason"
it_stop TERM
[ "$src" -eq 0 ] || it_fail "exit status $src after SIGTERM"

# Never a good sample: the gauges are absent, not 0.
db=$work/db2
it_start -u nobody -q 1 --postqueue-config "$pfdir/etc"
it_wait 20 sh -c '[ "$("$1" -d "$2" self:queue_errors)" -ge 1 ]' sh "$GET" "$db" ||
    it_fail "no failed sample counted in a new database"
it_stop TERM
if "$GET" -d "$db" queue:deferred >"$work/out" 2>"$work/err"; then
	it_fail "queue:deferred has a value ($(cat "$work/out")) without any good sample"
fi
[ -s "$work/err" ] && [ ! -s "$work/out" ] || it_fail "an absent gauge must say so on stderr only"
"$GET" -d "$db" --all | grep -q '^queue:\|^self:queue_sampled' &&
    it_fail "--all lists a queue gauge that was never sampled"
it_pass "gauges equal postqueue -j; a stopped Postfix is a visible, counted failure; counting went on"
