#!/bin/sh
# SPDX-License-Identifier: ISC
# NAME
#	run.sh - the differential test of the header parser (make diff-parse)
# DESCRIPTION
#	Feeds every corpus line ($CORPUS/*.log, *.log.gz and tests/golden/*.log)
#	to $BUILD/diff_pflog once per path (scalar, sse2, avx2, avx512bw) with
#	DIFF_MUTATIONS (default 1000000) mutated headers each. diff_pflog is
#	built with ASan and UBSan by the Makefile. A path the CPU lacks is
#	reported as SKIP (exit 77 of that case), not as a pass.
# DIAGNOSTICS
#	Exit 0 when every supported path agrees with the scalar one, else 1.
set -u
BUILD=${BUILD:-build/asan}
top=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${CORPUS:-$top/tests/corpus}
muts=${DIFF_MUTATIONS:-1000000}
seed=${DIFF_SEED:-$(date +%s)}
bin=$BUILD/diff_pflog
[ -x "$bin" ] || { echo "diff-parse: $bin is not built" >&2; exit 1; }
[ -d "$corpus" ] || { echo "diff-parse: no corpus at $corpus" >&2; exit 1; }
start=$(date +%s)
fail=0 pass=0 skip=0
for path in scalar sse2 avx2 avx512bw; do
	{ cat "$corpus"/*.log "$top"/tests/golden/*.log
	  for f in "$corpus"/*.log.gz; do [ -e "$f" ] && zcat "$f"; done
	} | "$bin" "$path" "$muts" "$seed"
	case $? in
	0)	pass=$((pass + 1)) ;;
	77)	skip=$((skip + 1)) ;;
	*)	echo "FAIL $path (seed $seed)"; fail=$((fail + 1)) ;;
	esac
done
echo "diff-parse: $pass paths agree, $skip skipped, $fail failed (seed $seed, $(( $(date +%s) - start )) s)"
[ $fail -eq 0 ]
