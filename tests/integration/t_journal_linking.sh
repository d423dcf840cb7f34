#!/bin/bash
# SPDX-License-Identifier: ISC
#
# NAME
#	t_journal_linking.sh - an entry read while its writer links it
# DESCRIPTION
#	A journal writer makes a new entry visible to readers before it links
#	the entry's new data objects; while it links one, that object fails
#	libsystemd's checks for an instant (its entry_offset set, n_entries
#	still 0) and sd_journal_enumerate_data() passes over the field
#	without a word. Read then, the last Postfix entry came without its
#	MESSAGE: one line read, its counts lost (t_journal_kill9 under load).
#	This test puts the last entry of a real journal file
#	(systemd-journal-remote) in exactly that state (n_entries of its
#	MESSAGE's data object 0), deterministically:
#	- followed, the entry is not handed out while it lacks a field; once
#	  the "writer" is done (n_entries 1 again) it is counted, and the
#	  counts equal the file's, with no self:errors;
#	- damaged for good (a writer that died there) but followed by another
#	  entry (in a new file), it is taken as it is at once (no wait for
#	  it; reported, one self:errors), the entry after it counted, as one
#	  --once pass does.
# DIAGNOSTICS
#	ok/FAIL lines; exit 77 (SKIP) without systemd-journal-remote.
# SECURITY
#	Test data only, in a private temporary directory.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/journal.sh"
it_init t_journal_linking
jr_init
mkdir "$jdir"

# le64 FILE OFFSET: the little-endian 64-bit number at OFFSET.
le64() {
	od -An -tu8 -j "$2" -N 8 "$1" | tr -d ' '
}

# poke FILE OFFSET N: write the 64-bit N (0 or 1) at OFFSET.
poke() {
	if [ "$3" = 0 ]; then
		printf '\0\0\0\0\0\0\0\0'
	else
		printf '\1\0\0\0\0\0\0\0'
	fi | dd of="$1" bs=1 seek="$2" conv=notrunc status=none \
	    || it_fail "cannot write $1"
}

# msgobj FILE MESSAGE: $obj, the offset of the data object of MESSAGE=...
# in FILE, checked to be a data object linked to one entry.
msgobj() {
	local at flags hdr
	at=$(LC_ALL=C grep -obaF "MESSAGE=$2" "$1" | head -n 1 | cut -d: -f1)
	[ -n "$at" ] || it_fail "MESSAGE=$2 not found in $1 (compressed?)"
	# The header's incompatible flags: COMPACT (0x10) makes data
	# objects 8 bytes longer before the payload.
	flags=$(od -An -tu4 -j 12 -N 4 "$1" | tr -d ' ')
	if [ $((flags & 16)) -ne 0 ]; then hdr=72; else hdr=64; fi
	obj=$((at - hdr))
	[ "$(od -An -tu1 -j "$obj" -N 1 "$1" | tr -d ' ')" = 1 ] \
	    || it_fail "no data object at $obj in $1"
	[ "$(le64 "$1" $((obj + 56)))" = 1 ] \
	    || it_fail "the data object at $obj is not linked to one entry"
	[ "$(le64 "$1" $((obj + 40)))" != 0 ] \
	    || it_fail "the data object at $obj has no entry"
}

# Real Postfix lines, then one line of a message sent: the last entry.
rest='relay=mx.example.org[192.0.2.7]:25, delay=0.4,'
rest="$rest delays=0.1/0/0.1/0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok:"
sent1="Dec  1 10:00:00 mx1 postfix/smtp[4242]: 7F3A1C0401:\
 to=<a@example.org>, $rest queued as LINKING1)"
sent2="Dec  1 10:00:01 mx1 postfix/smtp[4243]: 7F3A1C0402:\
 to=<b@example.org>, $rest queued as LINKING2)"
sent3="Dec  1 10:00:02 mx1 postfix/smtp[4244]: 7F3A1C0403:\
 to=<c@example.org>, $rest queued as LINKING3)"
jr_export "$work/e1" 1 "$it_top/tests/golden/real-postfix-3.7.log"
n1=$(wc -l <"$work/e1.kept")
echo "$sent1" >"$work/l2"
jr_export "$work/e2" $((n1 + 1)) "$work/l2"
jr_append "$jdir/a.journal" "$work/e1"
jr_append "$jdir/a.journal" "$work/e2"
jr_ref "$work/ref1" "$work/e1.kept"
cat "$work/e1.kept" "$work/e2.kept" >"$work/k12"
jr_ref "$work/ref12" "$work/k12"
pf1=$(it_get "$work/ref1" self:lines_postfix)

# The writer is linking the MESSAGE of the last entry.
msgobj "$jdir/a.journal" "${sent1#*4242]: }"
poke "$jdir/a.journal" $((obj + 56)) 0
jr_start --journal-dir "$jdir" --from-start
it_wait 30 it_lines_atleast "$db" "$pf1" \
    || it_fail "the follower counted $(it_get "$db" self:lines) lines," \
    "expected $pf1 before the entry being linked"
if [ "$(it_get "$db" self:lines)" = "$pf1" ]; then
	it_sleep_ms 500
fi
[ "$(it_get "$db" self:lines)" = "$pf1" ] \
    || it_fail "the entry being linked was handed out: self:lines" \
    "$(it_get "$db" self:lines), sent:smtp $(it_get "$db" sent:smtp)"
jr_same "$work/ref1" "$db" || it_fail "not the counts of the entries before it"
# The writer is done.
poke "$jdir/a.journal" $((obj + 56)) 1
it_wait 10 it_lines_are "$db" $((pf1 + 1)) \
    || it_fail "the linked entry was not counted:" \
    "self:lines $(it_get "$db" self:lines)"
jr_same "$work/ref12" "$db" || it_fail "once linked: not the file's counts"
[ "$(it_get "$db" self:errors)" = 0 ] \
    || it_fail "self:errors $(it_get "$db" self:errors): the entry was" \
    "not waited for"
it_stop TERM
[ "$src" -eq 0 ] || it_fail "exit status $src after SIGTERM"

# A writer that died while linking an entry; the next one goes to a new file.
echo "$sent2" >"$work/l3"
jr_export "$work/e3" $((n1 + 2)) "$work/l3"
jr_append "$jdir/a.journal" "$work/e3"
msgobj "$jdir/a.journal" "${sent2#*4243]: }"
poke "$jdir/a.journal" $((obj + 56)) 0
echo "$sent3" >"$work/l4"
jr_export "$work/e4" $((n1 + 3)) "$work/l4"
jr_append "$jdir/b.journal" "$work/e4"
cat "$work/k12" "$work/e4.kept" >"$work/k124"
jr_ref "$work/ref124" "$work/k124"
t0=$(tl_now_ms)
jr_start --journal-dir "$jdir"
it_wait 10 it_lines_are "$db" $((pf1 + 3)) \
    || it_fail "the entries after the damaged one were not counted:" \
    "self:lines $(it_get "$db" self:lines)"
t1=$(tl_now_ms)
jr_same "$work/ref124" "$db" \
    || it_fail "the damaged entry taken as it is and the next: not the counts"
[ "$(it_get "$db" self:errors)" = 1 ] \
    || it_fail "self:errors $(it_get "$db" self:errors), expected 1 for" \
    "the damaged entry"
it_since_start | grep -q 'lacks fields it names and another follows' \
    || it_fail "the damaged entry was not reported as followed by another"
! it_since_start | grep -q 'after a wait' \
    || it_fail "the damaged entry was waited for although another followed"
it_stop TERM
"$STATSD" --once --from-start --journal-dir "$jdir" -d "$work/oncedb" \
    2>>"$work/statsd.err" || it_fail "one --once pass failed"
jr_same "$work/oncedb" "$db" || it_fail "not one --once pass's counts"
it_pass "an entry being linked waited for, then counted; a damaged one\
 followed by another taken at once ($((t1 - t0)) ms)"
