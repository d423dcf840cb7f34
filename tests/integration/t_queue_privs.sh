#!/bin/bash
# SPDX-License-Identifier: ISC
# NAME
#	t_queue_privs.sh - queue sampling under the shipped unit's restrictions
# DESCRIPTION
#	postqueue is setgid postdrop and Postfix's public/ is drwx--s---
#	postfix:postdrop; no_new_privs (NoNewPrivileges=yes, also implied by
#	the unit's seccomp options) cancels the setgid. The daemon is run as
#	systemd would run contrib/postfix-statsd.service, as far as that can
#	be done without systemd as PID 1: an unprivileged user and group,
#	no capability in any set (bounding set empty), no network but lo
#	(PrivateNetwork=), the queue directory read-only (ProtectSystem=),
#	and then:
#	  1. --no-new-privs, no group postdrop (the unit before this change):
#	     every sample fails, visibly (self:queue_errors, the log says
#	     "Permission denied"), the gauges stay absent, lines are counted;
#	  2. no no_new_privs: postqueue's setgid works, the gauges appear;
#	  3. --no-new-privs with group postdrop (SupplementaryGroups=postdrop,
#	     the unit as shipped now): the gauges appear.
#	The unit's SystemCallFilter= cannot be applied here; the sampler's
#	child ignores a refused setrlimit (see docs/queue-gauges.md).
# DIAGNOSTICS
#	"ok t_queue_privs" and exit 0, or "FAIL t_queue_privs: why", exit 1.
# SECURITY
#	Root (Postfix's master); 127.0.0.1 only; temporary directories.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/postfix-env.sh"
. "$(dirname "$0")/lib/queue-env.sh"
it_init t_queue_privs
[ "$(id -u)" = 0 ] || it_fail "needs root (runs a real Postfix)"
command -v setpriv >/dev/null || { echo "SKIP t_queue_privs: no setpriv"; exit 77; }
chmod 755 "$work"

pfdir=$(mktemp -d -t pfenv.XXXXXXXX)
stop_postfix() { pfenv_stop >/dev/null 2>&1; rm -rf -- "$pfdir"; }
it_cleanup_hook=stop_postfix
pfenv_install >/dev/null 2>&1 || it_fail "cannot install postfix"
pfenv_start "$pfdir" 2>"$work/pfenv.err" || it_fail "pfenv_start: $(tail -3 "$work/pfenv.err")"
log=$pfdir/maillog
it_wait 30 test -s "$log" || it_fail "Postfix wrote no log"
qenv_setup || it_fail "cannot set up the mount namespace wrapper"
chmod 644 "$log"	# the unit's user reads the log through group adm

pfenv_smtp "$PFENV_PORT_MAIN" nobody@localhost user@soft.test "privs.$RANDOM" ||
    it_fail "a message was not accepted"
pfenv_wait_quiet 2>>"$work/pfenv.err" || it_fail "queue not quiet"
qenv_reference "$work/ref" || it_fail "postqueue -j failed"
grep -qx 'deferred 1' "$work/ref" || it_fail "no deferred mail: $(tr '\n' ' ' <"$work/ref")"

uid=$(id -u nobody) gid=$(getent group nogroup | cut -d: -f3)
pd=$(getent group postdrop | cut -d: -f3)
[ -n "$gid" ] && [ -n "$pd" ] || it_fail "no group nogroup or postdrop"
as_unit() {	# as_unit GROUPS [--no-new-privs]
	QENV_PREFIX="setpriv --reuid=$uid --regid=$gid --groups=$1 $2 --inh-caps=-all --bounding-set=-all --"
}
run() {		# run NAME GROUPS NNP: a fresh database, one daemon run
	db=$work/db-$1
	install -d -m 0755 -o "$uid" -g "$gid" "$db"
	as_unit "$2" "$3"
	it_start -q 1 --postqueue-config "$pfdir/etc"
	it_wait 30 it_started || it_fail "$1: the follower did not start"
	grep -q "^NoNewPrivs:[[:space:]]*$([ -n "$3" ] && echo 1 || echo 0)" "/proc/$spid/status" ||
	    it_fail "$1: NoNewPrivs is not what the test asked for"
	grep -q "^CapBnd:[[:space:]]*0000000000000000" "/proc/$spid/status" ||
	    it_fail "$1: the bounding set is not empty"
	[ "$(stat -c %u "/proc/$spid")" = "$uid" ] || it_fail "$1: not running as nobody"
}
n_lines() { [ "$(it_get "$db" self:lines)" -ge "$1" ]; }
errors_ge() { [ "$(it_get "$db" self:queue_errors)" -ge "$1" ]; }

# 1. no_new_privs and no postdrop group: every sample fails, visibly.
run nnp "$gid" --no-new-privs
lines=$(it_get "$db" self:lines)
echo "Dec  1 12:00:00 mail postfix/smtpd[42]: 4XqP1: client=unknown[127.0.0.1]" >>"$log"
it_wait 20 errors_ge 2 || it_fail "no_new_privs: failed samples were not counted"
it_wait 5 n_lines $((lines + 1)) || it_fail "no_new_privs: a line was not counted"
[ "$(it_get "$db" self:queue_samples)" = 0 ] || it_fail "no_new_privs: a sample succeeded"
"$GET" -d "$db" queue:deferred >/dev/null 2>&1 && it_fail "no_new_privs: queue:deferred has a value"
it_since_start | grep -q 'queue sample failed: .*showq service: Permission denied' ||
    it_fail "no_new_privs: the failure was not logged with postqueue's reason"
it_msg "no_new_privs, no postdrop: $(it_get "$db" self:queue_errors) failed samples, logged: $(it_since_start | grep -m1 'queue sample failed' | cut -c1-140)"
it_stop TERM

# 2. without no_new_privs: postqueue's setgid gives it postdrop.
run setgid "$gid" ""
it_wait 20 qenv_gauges_equal "$work/ref" || { qenv_show "$work/ref"; it_fail "setgid: gauges differ"; }
it_stop TERM

# 3. no_new_privs with SupplementaryGroups=postdrop (the shipped unit).
run unit "$gid,$pd" --no-new-privs
it_wait 20 qenv_gauges_equal "$work/ref" || { qenv_show "$work/ref"; it_fail "unit: gauges differ"; }
[ "$(it_get "$db" self:queue_errors)" = 0 ] || it_fail "unit: a sample failed: $(it_since_start | grep 'queue sample')"
it_stop TERM
it_pass "no_new_privs without postdrop fails visibly; setgid, or no_new_privs with group postdrop, samples right"
