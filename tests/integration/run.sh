#!/bin/sh
# run.sh: run every integration test (t_*.sh, and real_postfix_golden.sh if
# present), each with a time limit, print "ok NAME" or "FAIL NAME" (with the
# end of its output) per script and one last line
# "integration: N passed, M failed"; exit non-zero when one failed.
#
#   tests/integration/run.sh [NAME...]     e.g. run.sh t_kill9 t_latency
#
# BUILD (default build) names the build directory; IT_LIMIT (default 900)
# the seconds one script may take.
set -u
here=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$(cd "$here/../.." && pwd)/$BUILD ;; esac
export BUILD
limit=${IT_LIMIT:-900}
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
trap 'exit 130' INT TERM
pass=0 fail=0

if [ $# -gt 0 ]; then
	scripts=""
	for n; do
		n=${n%.sh}
		scripts="$scripts $here/${n##*/}.sh"
	done
else
	scripts=$(ls "$here"/t_*.sh)
	[ -f "$here/real_postfix_golden.sh" ] \
	    && scripts="$scripts $here/real_postfix_golden.sh"
fi

for t in $scripts; do
	name=$(basename "$t" .sh)
	start=$(date +%s)
	timeout -k 10 "$limit" bash "$t" >"$out" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	if [ $rc -eq 0 ]; then
		printf 'ok   %-24s %4d s\n' "$name" "$secs"
		pass=$((pass + 1))
	else
		[ $rc -eq 124 ] && echo "(timed out after $limit s)" >>"$out"
		printf 'FAIL %-24s %4d s (exit %d)\n' "$name" "$secs" "$rc"
		tail -n 40 "$out" | sed 's/^/    /'
		fail=$((fail + 1))
	fi
done
echo "integration: $pass passed, $fail failed"
[ $fail -eq 0 ]
