#!/bin/bash
# SPDX-License-Identifier: ISC
#
# NAME
#	t_suse_layout - mail.info, mail.warn, mail.err beside mail are not rotations
# DESCRIPTION
#	openSUSE's layout: /var/log/mail, and mail.info, mail.warn, mail.err
#	beside it holding the same lines. The follower reads "mail"; while it
#	is stopped every file is rotated the SUSE way (dateext, xz). At the
#	next start the rest of mail-DATE.xz and the new mail are read; the
#	other logs never are. The counts are those of one pass over mail's
#	lines; self:lost 0.
# DIAGNOSTICS
#	"ok" or "FAIL" with the counters that differ.
. "$(dirname "$0")/lib/common.sh"
it_init t_suse_layout
log=$work/logs/mail
it_data "$work/data" 30000
it_ref "$work/ref" "$work/data"
split -l 10000 -a 1 "$work/data" "$work/p."

for f in "$log" "$log.info" "$log.warn" "$log.err"; do cat "$work/p.a" >"$f"; done
it_start --from-start
it_catch_up 10000
it_stop TERM
for f in "$log" "$log.info" "$log.warn" "$log.err"; do cat "$work/p.b" >>"$f"; done
d=$(date +%Y%m%d)
for f in "$log" "$log.info" "$log.warn" "$log.err"; do
	mv "$f" "${f%/*}/$(basename "$f")-$d"
	xz "${f%/*}/$(basename "$f")-$d"
	cat "$work/p.c" >"$f"
done
it_start --from-start
it_catch_up 30000
sleep 1
it_stop TERM
[ "$src" -eq 0 ] || it_fail "exit status $src after SIGTERM"
it_compare "$work/ref" "$db" || it_fail "after a SUSE rotation while stopped"
[ "$(it_get "$db" self:lost)" = 0 ] || it_fail "self:lost is not 0"
it_pass "mail-$d.xz finished, mail.info/.warn/.err left alone, counts exact"
