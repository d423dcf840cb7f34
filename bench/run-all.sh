#!/bin/sh
# SPDX-License-Identifier: ISC
# bench/run-all.sh - build, make the big log, run every benchmark; the
# report goes to stdout and to bench/out/results.txt. The big log is
# deleted at the end unless BENCH_KEEP=1.
. "$(dirname "$0")/common.sh"
build
export BENCH_NOBUILD=1
{
	echo "# postfix-stats benchmarks, $(date -u +%Y-%m-%dT%H:%M:%SZ)," \
	    "commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
	sh "$BENCH/mklog.sh" "$OUT/big.log" 2>&1
	for b in throughput rss get latency idle profile exporter; do
		echo
		sh "$BENCH/$b.sh" || echo "# $b.sh FAILED (exit $?)"
	done
} 2>&1 | tee "$OUT/results.txt"
[ -n "${BENCH_KEEP:-}" ] || rm -f "$OUT/big.log" "$OUT/seed.log" "$OUT/slice-classic.log"
