#!/bin/sh
# SPDX-License-Identifier: ISC
# bench/profile.sh [LOG] - where postfix-statsd --once spends its time on
# the big log: perf record (software clock: this VM has no hardware
# counters), top symbols. Skipped when perf is missing.
. "$(dirname "$0")/common.sh"
build
LOG=${1:-$OUT/big.log}
[ -f "$LOG" ] || sh "$BENCH/mklog.sh" "$LOG"
command -v perf >/dev/null || { echo "# profile: perf not installed (apt-get install linux-perf): skipped"; exit 0; }
DB=$(freshdb db-prof)
trap 'rm -rf "$DB" "$OUT/perf.data" "$OUT/perf.data.old"' EXIT
perf record -q -F 2000 -g -o "$OUT/perf.data" "$STATSD" --once --from-start \
    -l "$LOG" -d "$DB" >/dev/null 2>&1 || { echo "# profile: perf record failed: skipped"; exit 0; }
echo "# profile: postfix-statsd --once on $(basename "$LOG"), self time by symbol (perf, top 15)"
perf report -i "$OUT/perf.data" --stdio --no-children --sort symbol -g none 2>/dev/null |
    awk '/^ +[0-9.]+%/ { printf "  %8s  %s\n", $1, $3; if (++n == 15) exit }'
