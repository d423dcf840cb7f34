#!/bin/bash
# SPDX-License-Identifier: ISC
# t_stdin.sh: reading standard input (-l -) counts what reading the same
# lines from a file counts: a fast pipe from zcat, a slow pipe written in
# chunks cut at arbitrary bytes (lines split across reads), a last line
# without its newline, and -f (the follower exits 0 at the end of a stream).
. "$(dirname "$0")/lib/common.sh"
it_init t_stdin

ok=0
check() {	# NAME: compare $work/sdb with the reference $work/ref
	it_compare "$work/ref" "$work/sdb" || it_fail "$1: stdin counts differ from the file's"
	rm -rf "$work/sdb"
	ok=$((ok + 1))
}

# 1. zcat of a real log, as in the golden tests
for gz in fgforrest-pda-real; do
	zcat "$CORPUS/$gz.log.gz" >"$work/plain"
	it_ref "$work/ref" "$work/plain"
	zcat "$CORPUS/$gz.log.gz" | "$STATSD" --once -l - -d "$work/sdb" \
	    2>>"$work/statsd.err" || it_fail "$gz: exit status $?"
	check "zcat $gz"
done

# 2. a slow pipe, chunks cut anywhere
it_data "$work/plain" 30000
it_ref "$work/ref" "$work/plain"
mkdir "$work/chunks"
split -b 32749 -a 4 "$work/plain" "$work/chunks/c."
for c in "$work"/chunks/c.*; do
	cat "$c"
	sleep 0.01
done | "$STATSD" --once -l - -d "$work/sdb" 2>>"$work/statsd.err" \
    || it_fail "slow pipe: exit status $?"
check "slow pipe"

# 3. the same with -f: it ends with the stream, exit 0
for c in "$work"/chunks/c.*; do
	cat "$c"
	sleep 0.01
done | timeout 120 "$STATSD" -f -l - -d "$work/sdb" 2>>"$work/statsd.err" \
    || it_fail "-f -l -: exit status $?"
check "-f, slow pipe"

# 4. no newline at the end of the stream: the last line still counts
{ cat "$work/plain"; printf '%s' 'Nov 29 00:07:00 mail postfix/pickup[1]: 641E0104455: uid=0 from=<root>'; } >"$work/nonl"
it_ref "$work/ref" "$work/nonl"
"$STATSD" --once -l - -d "$work/sdb" <"$work/nonl" 2>>"$work/statsd.err" \
    || it_fail "no final newline: exit status $?"
check "no final newline"
it_pass "$ok comparisons, stdin counts as the file does"
