#!/bin/bash
# SPDX-License-Identifier: ISC
#
# NAME
#	t_journal_kill9.sh - following the journal across kill -9 and a rotation
# DESCRIPTION
#	A writer appends real Postfix entries to a journal file in batches
#	(systemd-journal-remote), switching to a new file halfway (a
#	rotation), while postfix-statsd --journal-dir follows it and is
#	killed with SIGKILL at random moments (IT_KILLS, 20 at least) and
#	restarted. In the end the counts equal one --once pass over the
#	journal, and that pass's equal the file's: nothing lost, nothing
#	counted twice.
# DIAGNOSTICS
#	ok/FAIL lines; exit 77 (SKIP) without systemd-journal-remote.
# SECURITY
#	Test data only, in a private temporary directory.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/journal.sh"
it_init t_journal_kill9
jr_init
mkdir "$jdir" "$work/chunks"

it_data "$work/data" "${IT_LINES:-60000}"
jr_export "$work/all" 1 "$work/data"
total=$(wc -l <"$work/all.kept")
jr_ref "$work/refdb" "$work/all.kept"
want_lines=$(it_get "$work/refdb" self:lines_postfix)
# Batches of 400 entries, each with its own numbers.
split -l 400 -a 4 "$work/all.kept" "$work/chunks/c."
n=$(ls "$work/chunks" | wc -l)
i=0 first=1
for c in "$work"/chunks/c.*; do
	sh "$jr_lib/syslog2export.sh" -s "$first" "$c" >"$c.export"
	first=$((first + $(wc -l <"$c")))
done
it_msg "$total entries ($want_lines of Postfix) in $n batches"

( i=0
for c in "$work"/chunks/c.*.export; do
	i=$((i + 1))
	if [ $i -le $((n / 2)) ]; then f=a; else f=b; fi
	"$JREMOTE" --output="$jdir/$f.journal" "$c" >/dev/null 2>&1 || exit 1
	sleep 0.03
done ) &
wpid=$!
it_track "$wpid"

kills=0
want=${IT_KILLS:-25}
jr_start --journal-dir "$jdir" --from-start
while [ "$kills" -lt "$want" ] || ! it_gone "$wpid"; do
	it_sleep_ms $((50 + $(it_rand_ms 250)))
	it_stop KILL
	[ "$src" = 137 ] || it_fail "run $kills: exit status $src after SIGKILL"
	kills=$((kills + 1))
	jr_start --journal-dir "$jdir" --from-start
done
wait "$wpid" || it_fail "the writer failed"
it_forget "$wpid"
if ! it_wait "$IT_TIMEOUT" it_lines_are "$db" "$want_lines"; then
	it_fail "the follower counted $(it_get "$db" self:lines) lines in" \
	    "$IT_TIMEOUT s, expected $want_lines"
fi
it_stop TERM
[ "$src" -eq 0 ] || it_fail "last run: exit status $src after SIGTERM"
[ -f "$jdir/b.journal" ] || it_fail "no rotation happened"
"$STATSD" --once --journal-dir "$jdir" -d "$db" 2>>"$work/statsd.err" \
    || it_fail "--once after the end failed"
"$STATSD" --once --from-start --journal-dir "$jdir" -d "$work/oncedb" \
    2>>"$work/statsd.err" || it_fail "one --once pass failed"
jr_same "$work/oncedb" "$db" || it_fail "after $kills kill -9: not one pass's counts"
jr_same "$work/refdb" "$db" || it_fail "after $kills kill -9: not the file's counts"
[ "$(it_get "$db" self:lines)" = "$want_lines" ] \
    || it_fail "self:lines $(it_get "$db" self:lines), expected $want_lines"
it_pass "$kills times kill -9 and a rotation, $want_lines entries, counts exact"
