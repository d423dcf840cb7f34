#!/bin/sh
# SPDX-License-Identifier: ISC
#
# NAME
#	run.sh - run the cmocka unit tests (make unit)
# SYNOPSIS
#	sh tests/unit/run.sh TEST...
# DESCRIPTION
#	Runs each built unit test program with a time limit and reports it
#	with tests/lib/testlib.sh: ok, FAIL (its output shown) or SKIP (exit
#	77), the seconds it took, then
#	"unit: N passed, N failed, N skipped (S s)".
# DIAGNOSTICS
#	Exit status 1 when a test failed. UNIT_LIMIT (default 300) is the
#	seconds one program may take.
# SECURITY
#	Runs only the programs it is given.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/testlib.sh"
trap 'exit 130' INT TERM
tl_suite unit
for t; do
	tl_run "$(basename "$t")" "${UNIT_LIMIT:-300}" "$t"
done
tl_summary
