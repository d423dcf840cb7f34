#!/bin/bash
# SPDX-License-Identifier: ISC
#
# NAME
#	t_symlink_repoint - a log that is a symbolic link, re-pointed
# DESCRIPTION
#	mail.log is a symbolic link to mail-1.log. A writer appends to the
#	target; the link is re-pointed to a new mail-2.log (ln -sfn) and the
#	writer writes a few late lines to the old target before it moves to
#	the new one. Then the link is re-pointed again while the follower is
#	stopped. Every line counts once: the old target is finished, then
#	the new one read from its start. Counts exact, self:lost 0.
# DIAGNOSTICS
#	"ok" or "FAIL" with the counters that differ.
. "$(dirname "$0")/lib/common.sh"
it_init t_symlink_repoint
it_data "$work/data" 40000
it_ref "$work/ref" "$work/data"
split -l 5000 -a 1 "$work/data" "$work/p."
d=$work/logs
cat "$work/p.a" >"$d/mail-1.log"
ln -s mail-1.log "$log"
it_start --from-start
it_catch_up 5000
: >"$d/mail-2.log"
ln -sfn mail-2.log "$log"
sleep 0.3
cat "$work/p.b" >>"$d/mail-1.log"	# late lines to the old target
sleep 0.3
cat "$work/p.c" >>"$d/mail-2.log"
it_catch_up 15000
cat "$work/p.d" >>"$d/mail-2.log"
it_catch_up 20000
it_stop TERM
cat "$work/p.e" >>"$d/mail-2.log"
cat "$work/p.f" >"$d/mail-3.log"
ln -sfn mail-3.log "$log"
it_start --from-start
it_catch_up 30000
cat "$work/p.g" "$work/p.h" >>"$d/mail-3.log"
it_catch_up 40000
sleep 0.5
it_stop TERM
it_compare "$work/ref" "$db" || it_fail "after re-pointing the link"
[ "$(it_get "$db" self:lost)" = 0 ] || it_fail "self:lost is not 0"
it_pass "symbolic link re-pointed while running and while stopped: exact"
