#!/bin/bash
# SPDX-License-Identifier: ISC
# t_real_postfix_follow.sh: a real Postfix 3.7 on loopback, postfix-statsd
# following its maillog while mail flows. The follower is killed (-9) and
# restarted in the middle of the first mix, `postfix logrotate` rotates the
# log (and gzips the old one a second later) between the two mixes, and at
# the end every counter equals what the mail that was sent must produce.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/postfix-env.sh"
it_init t_real_postfix_follow
[ "$(id -u)" = 0 ] || it_fail "needs root (runs a real Postfix)"

pfdir=$(mktemp -d -t pfenv.XXXXXXXX)
stop_postfix() { pfenv_stop >/dev/null 2>&1; rm -rf -- "$pfdir"; }
it_cleanup_hook=stop_postfix
pfenv_install >/dev/null 2>&1 || it_fail "cannot install postfix"
pfenv_start "$pfdir" 2>"$work/pfenv.err" || it_fail "pfenv_start: $(tail -3 "$work/pfenv.err")"
log=$pfdir/maillog
it_wait 30 test -s "$log" || it_fail "Postfix wrote no log"

it_start --from-start
it_wait 30 it_started || it_fail "the follower did not start"

# Mix 1 runs in the background; its expectations go to a file. The
# follower is killed -9 while it runs, then restarted.
( pfenv_send_mix >"$work/mix1.out" 2>&1 && pfenv_print_expected >"$work/exp1" ) &
mixpid=$!
it_track "$mixpid"
it_sleep_ms $((1000 + $(it_rand_ms 3000)))
it_stop KILL
it_msg "killed the follower -9 during the first mix"
it_start
wait "$mixpid" || it_fail "mix 1 failed: $(tail -5 "$work/mix1.out")"
it_forget "$mixpid"

# Rotation the way Postfix does it with maillog_file.
pfenv_logrotate || it_fail "postfix logrotate failed"
( pfenv_send_mix >"$work/mix2.out" 2>&1 && pfenv_print_expected >"$work/exp2" ) ||
    it_fail "mix 2 failed: $(tail -5 "$work/mix2.out")"

# Each mix ran in a subshell of its own, so each file holds that mix's
# expectations only: the follower must have counted their sum.
exp=$work/exp
awk '{ s[$1] += $2 } END { for (k in s) print k, s[k] }' "$work/exp1" "$work/exp2" >"$exp"
grep -q '?' "$exp" && it_fail "a mix left an expectation unknown"
ok=1
check_all() {
	local key want got
	while read -r key want; do
		got=$(it_get "$db" "$key")
		[ "$got" = "$want" ] || return 1
	done <"$exp"
	return 0
}
if ! it_wait 60 check_all; then
	while read -r key want; do
		got=$(it_get "$db" "$key")
		[ "$got" = "$want" ] && echo "  ok   $key $got" || { echo "  FAIL $key got $got want $want"; ok=0; }
	done <"$exp"
	it_fail "counters differ from the mail sent"
fi
rot=$(it_get "$db" self:rotations)
[ "$rot" -ge 1 ] || it_fail "self:rotations is $rot after postfix logrotate"
it_stop TERM
[ "$src" -eq 0 ] || it_fail "exit status $src after SIGTERM"
it_pass "$(wc -l <"$exp") counters equal the mail sent, across kill -9 and postfix logrotate"
