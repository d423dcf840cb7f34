#!/bin/sh
# SPDX-License-Identifier: ISC
# bench/rss.sh - peak RSS of postfix-statsd --once on a 10 MB and a 1 GB log
# (GNU time -v, "Maximum resident set size"). The follower reads through a
# fixed buffer and keeps fixed-size tables, so both must be the same and
# small (target <= 8 MiB). The 1 GB log is made by repetition and deleted.
. "$(dirname "$0")/common.sh"
build
need /usr/bin/time time || { echo "rss: GNU time missing" >&2; exit 1; }
SMALL_MB=${RSS_SMALL_MB:-10}
BIG_MB=${RSS_BIG_MB:-1024}
machine
trap 'rm -f "$OUT/rss-small.log" "$OUT/rss-big.log"; rm -rf "$OUT/db-rss"' EXIT
sh "$BENCH/mklog.sh" "$OUT/rss-small.log" "$SMALL_MB" 2>/dev/null
sh "$BENCH/mklog.sh" "$OUT/rss-big.log" "$BIG_MB" 2>/dev/null

rss() {		# rss LOG -> KiB
	db=$(freshdb db-rss)
	/usr/bin/time -v "$STATSD" --once --from-start -l "$1" -d "$db" \
	    2>&1 >/dev/null | awk -F: '/Maximum resident set size/ {
	    gsub(/ /, "", $2); print $2 }'
}
# a baseline from the same run: the smallest dynamic C program around
base=$(/usr/bin/time -v /bin/true 2>&1 | awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}')
s=$(rss "$OUT/rss-small.log")
b=$(rss "$OUT/rss-big.log")
echo "# peak RSS of postfix-statsd --once --from-start (GNU time -v)"
row() { awk -v l="$1" -v k="$2" 'BEGIN { printf "  %-22s %8d KiB  (%.2f MiB)\n", l, k, k / 1024 }'; }
row "/bin/true (baseline)" "$base"
row "$(( $(fsize "$OUT/rss-small.log") / 1048576 )) MB log" "$s"
row "$(( $(fsize "$OUT/rss-big.log") / 1048576 )) MB log" "$b"
awk -v s="$s" -v b="$b" 'BEGIN {
	printf "  big/small %.2f (target: same); max %.2f MiB (target <= 8 MiB): %s\n",
	    b / s, (b > s ? b : s) / 1024,
	    (b <= 8192 && s <= 8192 && b / s < 1.25) ? "ok" : "MISSED" }'
