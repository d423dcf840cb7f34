#!/bin/sh
# SPDX-License-Identifier: ISC
# bench/get.sh - cost of one "postfix-stats-get -d DB sent:smtp" (what snmpd
# runs per poll) against /bin/true, the cheapest possible exec: N calls of
# each (default 2000), interleaved, timed around posix_spawn + wait4 by
# bench/benchtool.c. Prints median/p90/p99 wall and CPU time per call and
# the ratio get/true (target <= 2x at the median).
. "$(dirname "$0")/common.sh"
build
N=${1:-${GET_N:-2000}}
DB=$(freshdb db-get)
trap 'rm -rf "$DB" "$OUT/get.log"' EXIT
sh "$BENCH/mklog.sh" "$OUT/get.log" 5 2>/dev/null
"$STATSD" --once --from-start -l "$OUT/get.log" -d "$DB" 2>/dev/null
v=$("$GET" -d "$DB" sent:smtp) || { echo "get: postfix-stats-get failed" >&2; exit 1; }
TRUE=$(command -v true); [ -x /bin/true ] && TRUE=/bin/true
machine
echo "# $N calls each, interleaved; A = postfix-stats-get -d DB sent:smtp (=$v), B = $TRUE"
"$BT" pair "$N" -- "$GET" -d "$DB" sent:smtp ::: "$TRUE" | sed 's/^/  /'
