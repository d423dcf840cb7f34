#!/bin/bash
# SPDX-License-Identifier: ISC
#
# NAME
#	t_journal_gap.sh - a saved cursor whose entry was deleted
# DESCRIPTION
#	postfix-statsd saves a cursor; while it is stopped more entries come,
#	the journal file is rotated by its writer (the archived file keeps the
#	sequence, as journald's do), and the archived file with the saved
#	entry is deleted. The next run resumes at the first entry left, counts
#	it and what follows exactly once, and counts the entries that were
#	deleted unread (by sequence number) in self:journal_skipped, one gap
#	in self:lost. Then the same with a journal replaced by a new one (a
#	new sequence): the gap is reported, its size unknown.
# DIAGNOSTICS
#	ok/FAIL lines; exit 77 (SKIP) without systemd-journal-remote.
# SECURITY
#	Test data only, in a private temporary directory.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/journal.sh"
it_init t_journal_gap
jr_init
mkdir "$jdir"

it_data "$work/data" 6000
sed -n '1,2000p' "$work/data" >"$work/A"
sed -n '2001,4000p' "$work/data" >"$work/B"
sed -n '4001,6000p' "$work/data" >"$work/C"
jr_export "$work/eA" 1 "$work/A"
jr_append "$jdir/sys.journal" "$work/eA"
"$STATSD" --once --from-start --journal-dir "$jdir" -d "$db" \
    2>>"$work/statsd.err" || it_fail "first pass failed"
saved=$(journalctl --file="$jdir/sys.journal" --header | sed -n 's/^Tail sequential number: \([0-9]*\).*/\1/p')

jr_export "$work/eB" 10001 "$work/B"
jr_append "$jdir/sys.journal" "$work/eB"
# Other programs' entries until the writer rotates the file.
seq=20001 r=0
while ! ls "$jdir"/sys@*.journal >/dev/null 2>&1; do
	r=$((r + 1))
	[ $r -le 8 ] || it_fail "systemd-journal-remote never rotated the file"
	awk -v s=$seq 'BEGIN { for (i = s; i < s + 40000; i++)
	    printf "__REALTIME_TIMESTAMP=%.0f\n__MONOTONIC_TIMESTAMP=%d\n" \
		"_BOOT_ID=5e1fa0c4a1b34b5c8e7f0d2a3b4c5d6e\n_HOSTNAME=mx1\n" \
		"SYSLOG_IDENTIFIER=filler\nSYSLOG_FACILITY=3\n" \
		"MESSAGE=filler entry %d\n\n", 1764547200000000 + i * 1000, i, i
	}' >"$work/filler"
	jr_append "$jdir/sys.journal" "$work/filler"
	seq=$((seq + 40000))
done
jr_export "$work/eC" $((seq + 1)) "$work/C"
jr_append "$jdir/sys.journal" "$work/eC"
first_left=$(journalctl --file="$jdir/sys.journal" --header | sed -n 's/^Head sequential number: \([0-9]*\).*/\1/p')
rm -f "$jdir"/sys@*.journal
[ -n "$saved" ] && [ -n "$first_left" ] || it_fail "cannot read the journal headers"
gap=$((first_left - saved - 1))

"$STATSD" --once --journal-dir "$jdir" -d "$db" 2>>"$work/statsd.err" \
    || it_fail "the run after the deletion failed"
cat "$work/eA.kept" "$work/eC.kept" >"$work/AC"
jr_ref "$work/refdb" "$work/AC"
jr_same "$work/refdb" "$db" || it_fail "not the counts of what was left"
[ "$(it_get "$db" self:journal_skipped)" = "$gap" ] \
    || it_fail "self:journal_skipped $(it_get "$db" self:journal_skipped), expected $gap"
[ "$(it_get "$db" self:lost)" = 1 ] \
    || it_fail "self:lost $(it_get "$db" self:lost), expected 1"
grep -q "entries after it were deleted before they were read" \
    "$work/statsd.err" || it_fail "the gap was not reported"

# A journal replaced by a new one (another sequence): reported, counted.
jr_export "$work/eD" $((seq + 100000)) "$work/A"
jr_append "$jdir/new.journal" "$work/eD"
rm -f "$jdir/sys.journal"
"$STATSD" --once --journal-dir "$jdir" -d "$db" 2>>"$work/statsd.err" \
    || it_fail "the run after the replacement failed"
cat "$work/AC" "$work/eD.kept" >"$work/ACD"
jr_ref "$work/refdb2" "$work/ACD"
jr_same "$work/refdb2" "$db" || it_fail "not the counts of the new journal"
[ "$(it_get "$db" self:lost)" = 2 ] \
    || it_fail "self:lost $(it_get "$db" self:lost), expected 2"
grep -q "in another sequence" "$work/statsd.err" \
    || it_fail "the unknown gap was not reported"
it_pass "resumed at the next entry; $gap deleted entries counted as skipped"
