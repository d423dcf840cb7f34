#!/bin/sh
# SPDX-License-Identifier: ISC
# run.sh - run the libFuzzer harnesses (make fuzz)
#
#   BUILD=build FUZZ_TIME=60 FUZZ_RUNS=0 sh tests/fuzz/run.sh [HARNESS...]
#
# Each harness $BUILD/fuzz/NAME (default: all five) runs with
# the seeds in tests/fuzz/seeds/SHORT/ and a scratch corpus that is kept in
# $BUILD/fuzz/corpus/SHORT/. FUZZ_TIME: seconds per harness. FUZZ_RUNS > 0:
# that many executions per harness instead (CI), each harness capped at
# FUZZ_RUNS_MAX_TIME seconds (default 25) so that a slow machine stays in time.
# Prints the executions and coverage of each; exits 1 if one crashed, leaving
# the input in $BUILD/fuzz/artifacts/ and the log in $BUILD/fuzz/NAME.log.
set -u
BUILD=${BUILD:-build}
FUZZ_TIME=${FUZZ_TIME:-60}
FUZZ_RUNS=${FUZZ_RUNS:-0}
FUZZ_RUNS_MAX_TIME=${FUZZ_RUNS_MAX_TIME:-25}
here=$(cd "$(dirname "$0")" && pwd)

# The follower harness writes a log file per input: tmpfs is much faster.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	TMPDIR=/dev/shm
	export TMPDIR
fi

[ $# -gt 0 ] || set -- fuzz_classify fuzz_follow fuzz_paths fuzz_linebuf fuzz_rotation
fail=0
mkdir -p "$BUILD/fuzz/artifacts"
for name in "$@"; do
	bin=$BUILD/fuzz/$name
	short=${name#fuzz_}
	seeds=$here/seeds/$short
	corpus=$BUILD/fuzz/corpus/$short
	log=$BUILD/fuzz/$name.log
	if [ ! -x "$bin" ]; then
		echo "fuzz: $bin is not built (make fuzz builds it)" >&2
		fail=1
		continue
	fi
	mkdir -p "$corpus"
	case $short in
	follow)	maxlen=8192 ;;		# stretch runs make long lines
	*)	maxlen=16384 ;;		# PFLOG_LINE_MAX
	esac
	if [ "$FUZZ_RUNS" -gt 0 ]; then
		limit="-runs=$FUZZ_RUNS -max_total_time=$FUZZ_RUNS_MAX_TIME"
	else
		limit="-max_total_time=$FUZZ_TIME"
	fi
	# shellcheck disable=SC2086
	"$bin" $limit -max_len=$maxlen -timeout=10 -print_final_stats=1 \
	    -artifact_prefix="$BUILD/fuzz/artifacts/$short-" \
	    "$corpus" "$seeds" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | sed 's/cov: //')
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | sed 's/ft: //')
	units=$(ls "$corpus" | wc -l)
	if [ $rc -eq 0 ]; then
		echo "fuzz: $name ok: ${execs:-?} execs, cov ${cov:-?}, ft ${ft:-?}, corpus $units"
	else
		fail=1
		echo "fuzz: $name FAILED (exit $rc) after ${execs:-?} execs; log $log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|    #[0-9]+ .* in (LLVMFuzzerTestOneInput|check|expect|pull|follow_|pflog_|classify))' \
		    "$log" | head -n 12
		ls -t "$BUILD/fuzz/artifacts/$short-"* 2>/dev/null | head -n 1 |
		    sed 's/^/fuzz: reproduce with: '"$(echo "$bin" | sed 's/[\/&]/\\&/g')"' /'
	fi
done
exit $fail
