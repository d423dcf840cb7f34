#!/bin/bash
# SPDX-License-Identifier: ISC
# t_diskfull.sh: when the store cannot commit (ENOSPC on a small tmpfs
# that holds the database), the follower keeps the old position on disk,
# says so in its log, keeps the counts in memory and retries; once space
# returns, the counts equal a reference pass: nothing lost or doubled. The
# follower is also killed -9 while the disk is full: what was not
# committed is counted again from the saved position.
. "$(dirname "$0")/lib/common.sh"
it_init t_diskfull

mnt=$work/mnt
mkdir "$mnt"
if ! mount -t tmpfs -o size=1m,mode=0755 tmpfs "$mnt" 2>/dev/null; then
	it_skip "cannot mount a tmpfs here (not root?)"
fi
unmount() { umount -l "$mnt"; }
it_cleanup_hook=unmount
db=$mnt/db

it_data "$work/data" 60000
it_ref "$work/ref" "$work/data"
# Give every 500th line a transport of its own, so that commits need new
# pages: distinct sent:T keys (more than the 64 kept; the rest overflow).
head -n 20000 "$work/data" >"$work/part1"
tail -n +20001 "$work/data" | head -n 20000 >"$work/part2"
tail -n +40001 "$work/data" >"$work/part3"
for i in $(seq 1 200); do
	echo "Nov 29 00:07:00 mx postfix/pipe[1]: 641E01044$i: to=<a@b.example>, relay=t$i, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered via t$i service)"
done >"$work/transports"
cat "$work/part1" >"$log"
it_start --from-start
it_catch_up 20000

# Fill the file system, then write lines that need new database pages.
dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null
cat "$work/transports" "$work/part2" >>"$log"
it_wait 30 grep -q 'cannot commit to' "$work/statsd.err" \
    || it_fail "no 'cannot commit' message while the disk is full"
before=$(it_get "$db" self:lines)
[ "$before" -le 20000 ] || it_fail "counted $before lines with a full disk"

# Crash while full: the uncommitted counts are lost from memory, the
# position on disk is the old one, so they are counted again later.
it_stop KILL
rm -f "$mnt/filler"
cat "$work/part3" >>"$log"
it_start
total=$((60000 + 200))
it_catch_up "$total"
it_stop TERM

# Full again, while running: retry until space returns.
dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null
it_start
for i in $(seq 201 400); do
	echo "Nov 29 00:08:00 mx postfix/pipe[1]: 741E01044$i: to=<a@b.example>, relay=u$i, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered via u$i service)"
done >"$work/transports2"
cat "$work/transports2" >>"$log"
it_wait 30 grep -q 'will retry' "$work/statsd.err" || true
rm -f "$mnt/filler"
it_catch_up $((total + 200))
it_stop TERM
it_since_start | grep -q 'commits work again' || \
    it_msg "note: the second fill did not make a commit fail"

# Reference: the data plus both transport blocks, in the order written.
it_ref "$work/ref2" "$work/part1" "$work/transports" "$work/part2" \
    "$work/part3" "$work/transports2"
it_compare "$work/ref2" "$db" || it_fail "counts differ after the disk filled up"
n=$(it_get "$db" sent:_overflow)
[ "$n" -gt 0 ] || it_fail "sent:_overflow is $n; the key cap did not hold"
it_pass "commits failed with ENOSPC and were retried; counts exact"
