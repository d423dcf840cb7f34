#!/bin/sh
# SPDX-License-Identifier: ISC
# Golden tests: run postfix-statsd --once over every real log carried in
# tests/corpus (described in its SOURCES.md; .gz read through zcat into
# -l -) and over the logs kept here (tests/golden/*.log), and diff
# `postfix-stats-get --all` (without the self: lines) against
# NAME.expected, exactly. Also checks that self:lines equals the number of
# lines in the log. CORPUS names another corpus directory.
# Prints ok/FAIL per log and "golden: N passed, N failed, N skipped (S s)".
set -u
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/testlib.sh"
case $BUILD in /*) bdir=$BUILD ;; *) bdir=$top/$BUILD ;; esac
corpus=${CORPUS:-$top/tests/corpus}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

check() {	# name, log file
	name=$1 src=$2
	exp=$top/tests/golden/$name.expected
	if [ ! -f "$exp" ]; then
		tl_fail "$name" "no $exp"; return
	fi
	why=$(awk -F '\t' -v n="$name" '$1 == n { print $2 }' \
	    "$top/tests/golden/PENDING" 2>/dev/null)
	if [ -n "$why" ]; then
		tl_skip "$name" "pending: $why"; return
	fi
	rm -rf "$work/db"
	case $src in
	*.gz)	zcat "$src" | "$bdir/postfix-statsd" --once -l - -d "$work/db" 2>"$work/err"
		rc=$?
		lines=$(zcat "$src" | wc -l) ;;
	*)	"$bdir/postfix-statsd" --once --from-start -l "$src" -d "$work/db" 2>"$work/err"
		rc=$?
		lines=$(wc -l < "$src") ;;
	esac
	"$bdir/postfix-stats-get" -d "$work/db" --all > "$work/all" 2>>"$work/err" || rc=1
	grep -v '^self:' "$work/all" > "$work/out"
	got_lines=$(sed -n 's/^self:lines //p' "$work/all")
	if [ $rc -ne 0 ]; then
		tl_fail "$name" "exit status $rc"; cat "$work/err"
	elif ! diff -u "$exp" "$work/out"; then
		tl_fail "$name" "counters differ (above)"
	elif [ "${got_lines:-0}" -ne "$lines" ]; then
		tl_fail "$name" "self:lines $got_lines, the log has $lines"
	else
		tl_ok "$name"
	fi
}

tl_suite golden
if [ ! -d "$corpus" ]; then
	tl_fail corpus "not found at $corpus"
	tl_summary
	exit 1
fi
for f in "$corpus"/*.log "$corpus"/*.log.gz; do
	[ -f "$f" ] || continue
	n=$(basename "$f"); n=${n%.gz}; n=${n%.log}
	check "$n" "$f"
done
for f in "$top"/tests/golden/*.log; do
	[ -f "$f" ] || continue
	check "$(basename "$f" .log)" "$f"
done
# Every expectation has its log: a lost log must not pass unnoticed.
for e in "$top"/tests/golden/*.expected; do
	n=$(basename "$e" .expected)
	[ -f "$corpus/$n.log" ] || [ -f "$corpus/$n.log.gz" ] \
	    || [ -f "$top/tests/golden/$n.log" ] || tl_fail "$n" "no log for $e"
done
tl_summary
