#!/bin/bash
# SPDX-License-Identifier: ISC
#
# NAME
#	t_journal_wait.sh - a journal directory that does not exist yet
# DESCRIPTION
#	postfix-statsd --journal-dir DIR with no DIR yet starts, says once
#	that it waits, and when DIR appears with journal files counts them
#	from their first entry, then what is appended; a kill -9 and a restart
#	after that count nothing twice.
# DIAGNOSTICS
#	ok/FAIL lines; exit 77 (SKIP) without systemd-journal-remote.
# SECURITY
#	Test data only, in a private temporary directory.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/journal.sh"
it_init t_journal_wait
jr_init

it_data "$work/data" 4000
sed -n '1,2000p' "$work/data" >"$work/A"
sed -n '2001,4000p' "$work/data" >"$work/B"
jr_export "$work/eA" 1 "$work/A"
jr_export "$work/eB" 5001 "$work/B"

jr_start --journal-dir "$jdir"
it_wait 10 it_started || it_fail "did not start while the directory is missing"
sleep 1.5
it_gone "$spid" && it_fail "exited while waiting for the directory"
[ "$(it_since_start | grep -c 'does not exist')" = 1 ] \
    || it_fail "did not say once that it waits"
mkdir "$jdir"
jr_append "$jdir/a.journal" "$work/eA"
jr_ref "$work/refA" "$work/eA.kept"
want=$(it_get "$work/refA" self:lines_postfix)
it_wait 15 it_lines_are "$db" "$want" \
    || it_fail "counted $(it_get "$db" self:lines) lines of the new directory, expected $want"
it_since_start | grep -q 'appeared' || it_fail "did not say the directory appeared"
jr_append "$jdir/a.journal" "$work/eB"
cat "$work/eA.kept" "$work/eB.kept" >"$work/AB"
jr_ref "$work/refAB" "$work/AB"
want=$(it_get "$work/refAB" self:lines_postfix)
it_wait 15 it_lines_are "$db" "$want" \
    || it_fail "counted $(it_get "$db" self:lines) lines after appending, expected $want"
it_stop KILL
"$STATSD" --once --journal-dir "$jdir" -d "$db" 2>>"$work/statsd.err" \
    || it_fail "--once after the kill failed"
jr_same "$work/refAB" "$db" || it_fail "counts differ"
it_pass "waited for the directory, then counted it from its first entry"
