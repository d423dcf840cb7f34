#!/bin/sh
# Golden tests: run postfix-statsd --once over every real log of the shared
# corpus (../shared/corpus/public, read .gz through zcat into -l -) and over
# the logs kept here (tests/golden/*.log), and diff `postfix-stats-get --all`
# (without the self: lines) against NAME.expected, exactly. Also checks
# that self:lines equals the number of lines in the log.
set -u
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${CORPUS:-$top/../shared/corpus/public}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
pass=0 fail=0 skip=0

check() {	# name, log file or "-", reader command
	name=$1 src=$2
	exp=$top/tests/golden/$name.expected
	if [ ! -f "$exp" ]; then
		echo "FAIL $name: no $exp"; fail=$((fail + 1)); return
	fi
	why=$(awk -F '\t' -v n="$name" '$1 == n { print $2 }' \
	    "$top/tests/golden/PENDING" 2>/dev/null)
	if [ -n "$why" ]; then
		echo "SKIP $name: pending: $why"; skip=$((skip + 1)); return
	fi
	rm -rf "$work/db"
	case $src in
	*.gz)	zcat "$src" | "$top/$BUILD/postfix-statsd" --once -l - -d "$work/db" 2>"$work/err"
		lines=$(zcat "$src" | wc -l) ;;
	*)	"$top/$BUILD/postfix-statsd" --once --from-start -l "$src" -d "$work/db" 2>"$work/err"
		lines=$(wc -l < "$src") ;;
	esac
	rc=$?
	"$top/$BUILD/postfix-stats-get" -d "$work/db" --all > "$work/all" || rc=1
	grep -v '^self:' "$work/all" > "$work/out"
	got_lines=$(sed -n 's/^self:lines //p' "$work/all")
	if [ $rc -ne 0 ]; then
		echo "FAIL $name: exit status $rc"; cat "$work/err"; fail=$((fail + 1))
	elif ! diff -u "$exp" "$work/out"; then
		echo "FAIL $name: counters differ (above)"; fail=$((fail + 1))
	elif [ "$got_lines" -ne "$lines" ]; then
		echo "FAIL $name: self:lines $got_lines, the log has $lines"; fail=$((fail + 1))
	else
		echo "ok   $name"; pass=$((pass + 1))
	fi
}

if [ ! -d "$corpus" ]; then
	echo "golden: corpus not found at $corpus" >&2
	exit 1
fi
for f in "$corpus"/*.log "$corpus"/*.log.gz; do
	n=$(basename "$f"); n=${n%.gz}; n=${n%.log}
	check "$n" "$f"
done
for f in "$top"/tests/golden/*.log; do
	[ -f "$f" ] || continue
	n=$(basename "$f" .log)
	check "$n" "$f"
done
echo "golden: $pass passed, $fail failed, $skip pending (tests/golden/PENDING)"
[ $fail -eq 0 ]
