#!/bin/sh
# SPDX-License-Identifier: ISC
# run.sh: run every integration test (t_*.sh, and real_postfix_golden.sh if
# present), each with a time limit, print "ok NAME", "SKIP NAME: WHY" (exit
# status 77) or "FAIL NAME" (with the end of its output) per script, with
# the seconds it took, and one last line
# "integration: N passed, N failed, N skipped (S s)"; exit non-zero when one
# failed. The result conventions are tests/lib/testlib.sh's.
#
#   tests/integration/run.sh [NAME...]     e.g. run.sh t_kill9 t_latency
#
# BUILD (default build) names the build directory; IT_LIMIT (default 900)
# the seconds one script may take.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lib/testlib.sh"
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
export BUILD
limit=${IT_LIMIT:-900}
trap 'exit 130' INT TERM

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

tl_suite integration
for t in $scripts; do
	tl_run "$(basename "$t" .sh)" "$limit" bash "$t"
done
tl_summary
