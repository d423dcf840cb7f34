#!/bin/bash
# SPDX-License-Identifier: ISC
#
# NAME
#	t_rotate_compressed_down - rotations compressed or moved while stopped
# DESCRIPTION
#	Three rounds, each while the follower is stopped with unread lines in
#	the log: rename and gzip; rename and xz (an older .gz beside it);
#	rename into an olddir (--rotated-dir) and gzip there. Each start
#	finishes the rotated file from the saved position through the
#	decompressor, then reads the new log. Then -l naming a .gz file reads
#	it whole. Counts exact, self:lost 0.
# DIAGNOSTICS
#	"ok" or "FAIL" with the counters that differ.
. "$(dirname "$0")/lib/common.sh"
it_init t_rotate_compressed_down
it_data "$work/data" 40000
it_ref "$work/ref" "$work/data"
split -l 5000 -a 1 "$work/data" "$work/p."
mkdir "$work/old"
run_to() {
	it_start --from-start --rotated-dir "$work/old"
	it_catch_up "$1"
	it_stop TERM
	[ "$src" -eq 0 ] || it_fail "exit status $src after SIGTERM"
}
cat "$work/p.a" >"$log"
run_to 5000
cat "$work/p.b" >>"$log"
mv "$log" "$log.1" && gzip "$log.1"
cat "$work/p.c" >"$log"
run_to 15000
cat "$work/p.d" >>"$log"
mv "$log.1.gz" "$log.2.gz"
mv "$log" "$log.1" && xz "$log.1"
cat "$work/p.e" >"$log"
run_to 25000
cat "$work/p.f" >>"$log"
mv "$log" "$work/old/mail.log-20260101" && gzip "$work/old/mail.log-20260101"
cat "$work/p.g" >"$log"
run_to 35000
cat "$work/p.h" >>"$log"
run_to 40000
it_compare "$work/ref" "$db" || it_fail "after .gz, .xz and olddir rotations"
[ "$(it_get "$db" self:lost)" = 0 ] || it_fail "self:lost is not 0"
# -l naming a compressed file: read whole, once.
gzip -c "$work/data" >"$work/all.gz"
rm -rf "$work/db2"
"$STATSD" --once -l "$work/all.gz" -d "$work/db2" 2>>"$work/statsd.err" \
    || it_fail "--once -l FILE.gz failed"
it_compare "$work/ref" "$work/db2" || it_fail "-l FILE.gz"
it_pass ".gz, .xz and olddir rotations while stopped, -l FILE.gz: counts exact"
