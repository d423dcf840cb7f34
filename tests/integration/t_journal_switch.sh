#!/bin/bash
# SPDX-License-Identifier: ISC
#
# NAME
#	t_journal_switch.sh - a saved position of the other source is never mixed
# DESCRIPTION
#	SPEC 1.1: a journal cursor is saved; then a mail log appears (rsyslog
#	installed: it holds the same events as the journal, and new ones
#	after). Started on the log, postfix-statsd says so and begins the log
#	at its end (even with --from-start): the events already counted from
#	the journal are not counted again; what the log gets afterwards is.
#	Then back to the journal: it begins at its end in the same way.
# DIAGNOSTICS
#	ok/FAIL lines; exit 77 (SKIP) without systemd-journal-remote.
# SECURITY
#	Test data only, in a private temporary directory.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/journal.sh"
it_init t_journal_switch
jr_init
mkdir "$jdir"

it_data "$work/data" 6000
sed -n '1,2000p' "$work/data" >"$work/A"
sed -n '2001,4000p' "$work/data" >"$work/B"
sed -n '4001,6000p' "$work/data" >"$work/C"
jr_export "$work/eA" 1 "$work/A"
jr_export "$work/eB" 3001 "$work/B"
jr_export "$work/eC" 6001 "$work/C"
jr_append "$jdir/a.journal" "$work/eA"
"$STATSD" --once --from-start --journal-dir "$jdir" -d "$db" \
    2>>"$work/statsd.err" || it_fail "journal pass failed"

# The mail log appears, with the same events.
cp "$work/eA.kept" "$log"
"$STATSD" --once --from-start -l "$log" -d "$db" 2>>"$work/statsd.err" \
    || it_fail "first log pass failed"
grep -q "saved position is the journal source's" "$work/statsd.err" \
    || it_fail "the switch to the log was not reported"
jr_ref "$work/refA" "$work/eA.kept"
jr_same "$work/refA" "$db" || it_fail "events of the journal counted again from the log"
cat "$work/eB.kept" >>"$log"
"$STATSD" --once -l "$log" -d "$db" 2>>"$work/statsd.err" \
    || it_fail "second log pass failed"
cat "$work/eA.kept" "$work/eB.kept" >"$work/AB"
jr_ref "$work/refAB" "$work/AB"
jr_same "$work/refAB" "$db" || it_fail "the log's new lines were not counted once"

# Back to the journal, which meanwhile got B too (and then C).
jr_append "$jdir/a.journal" "$work/eB"
"$STATSD" --once --from-start --journal-dir "$jdir" -d "$db" \
    2>>"$work/statsd.err" || it_fail "journal pass after the log failed"
grep -q "saved position is the file source's" "$work/statsd.err" \
    || it_fail "the switch to the journal was not reported"
jr_same "$work/refAB" "$db" || it_fail "events of the log counted again from the journal"
jr_append "$jdir/a.journal" "$work/eC"
"$STATSD" --once --journal-dir "$jdir" -d "$db" 2>>"$work/statsd.err" \
    || it_fail "last journal pass failed"
cat "$work/AB" "$work/eC.kept" >"$work/ABC"
jr_ref "$work/refABC" "$work/ABC"
jr_same "$work/refABC" "$db" || it_fail "the journal's new entries were not counted once"
it_pass "journal -> log -> journal, each switch at the end, nothing twice"
