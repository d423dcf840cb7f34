#!/bin/bash
# SPDX-License-Identifier: ISC
#
# NAME
#	t_journal_once.sh - the journal counts what the same lines in a file count
# DESCRIPTION
#	Real Postfix lines (tests/golden/real-postfix-3.7.log and the corpus)
#	become real journal files (systemd-journal-remote), in two files as
#	after a rotation, with journald's notices of suppressed messages in
#	between (one for Postfix, one for another unit). One --once
#	--from-start pass over the directory gives exactly the contract
#	counters of one pass over the same lines in a file, and
#	self:log_dropped the suppressed Postfix messages. Without
#	--from-start a first start begins at the end: nothing is counted
#	until new entries come; then only they are.
# DIAGNOSTICS
#	ok/FAIL lines; exit 77 (SKIP) without systemd-journal-remote.
# SECURITY
#	Test data only, in a private temporary directory.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/journal.sh"
it_init t_journal_once
jr_init
mkdir "$jdir"

it_data "$work/data" "${IT_LINES:-40000}"
cat "$it_top/tests/golden/real-postfix-3.7.log" "$work/data" >"$work/all"
split -n l/2 -a 1 "$work/all" "$work/part."
jr_export "$work/e1" 1 "$work/part.a"
n1=$(wc -l <"$work/e1.kept")
jr_export "$work/e2" $((n1 + 100)) "$work/part.b"
jr_append "$jdir/a.journal" "$work/e1"
jr_dropped 7 postfix@-.service $((n1 + 1)) >"$work/d1"
jr_dropped 5 cron.service $((n1 + 2)) >>"$work/d1"
jr_append "$jdir/a.journal" "$work/d1"
jr_append "$jdir/b.journal" "$work/e2"
cat "$work/e1.kept" "$work/e2.kept" >"$work/kept"
total=$(wc -l <"$work/kept")

jr_ref "$work/refdb" "$work/kept"
"$STATSD" --once --from-start --journal-dir "$jdir" -d "$db" \
    2>>"$work/statsd.err" || it_fail "--once over the journal failed"
jr_same "$work/refdb" "$db" || it_fail "the journal counts differ from the file's"
[ "$(it_get "$db" self:log_dropped)" = 7 ] \
    || it_fail "self:log_dropped is $(it_get "$db" self:log_dropped), not 7"
pf=$(it_get "$work/refdb" self:lines_postfix)
[ "$(it_get "$db" self:lines_postfix)" = "$pf" ] \
    || it_fail "self:lines_postfix $(it_get "$db" self:lines_postfix), file $pf"
# A second pass reads nothing more.
"$STATSD" --once --journal-dir "$jdir" -d "$db" 2>>"$work/statsd.err" \
    || it_fail "second --once failed"
jr_same "$work/refdb" "$db" || it_fail "a second pass changed the counts"

# A first start without --from-start begins at the end.
rm -rf "$db"
"$STATSD" --once --journal-dir "$jdir" -d "$db" 2>>"$work/statsd.err" \
    || it_fail "--once at the tail failed"
v=$(it_get "$db" self:lines)
[ "${v:-0}" = 0 ] || it_fail "a first start counted $v old entries"
head -n 3000 "$work/data" >"$work/new"
jr_export "$work/e3" $((total + 1000)) "$work/new"
jr_append "$jdir/b.journal" "$work/e3"
jr_ref "$work/refdb3" "$work/e3.kept"
"$STATSD" --once --journal-dir "$jdir" -d "$db" 2>>"$work/statsd.err" \
    || it_fail "--once after the tail start failed"
jr_same "$work/refdb3" "$db" || it_fail "after a tail start: not just the new entries"
it_pass "$total entries in 2 files, the file's counts; tail start counts only new entries"
