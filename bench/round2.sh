#!/bin/sh
# SPDX-License-Identifier: ISC
# NAME
#	round2.sh - catch-up speed against wc -l, pflogsumm and the base commit
# SYNOPSIS
#	sh bench/round2.sh [ROUNDS]
# DESCRIPTION
#	In one run, alternating round by round, ROUNDS (default 7, at least 5)
#	times each, median wall time of:
#	  wc -l            on the big log (bench/mklog.sh, >= 200 MB);
#	  statsd           postfix-statsd -f --once --from-start on it (fresh DB);
#	  base             the same with the base commit's postfix-statsd
#	                   (BASE_COMMIT, default d26d974), built side by side in
#	                   a git worktree at BASE_DIR (default /tmp/base);
#	  statsd-classic   postfix-statsd on a slice with classic syslog stamps
#	                   only (PFLOGSUMM_MB, default 20; pflogsumm skips RFC
#	                   3339 lines, which would flatter it);
#	  pflogsumm        pflogsumm on that slice.
#	Prints the ratios statsd/wc (target <= 5) with wc's own MB/s,
#	base/statsd, pflogsumm/statsd-classic (target >= 20), and the peak RSS
#	of statsd on the big log and on the slice (target: under 8 MiB, flat).
# DIAGNOSTICS
#	Exit 1 when a run fails. The machine is shared and noisy: compare
#	ratios from one run, not absolute times.
. "$(dirname "$0")/common.sh"
ROUNDS=${1:-7}
[ "$ROUNDS" -ge 5 ] || ROUNDS=5
BASE_COMMIT=${BASE_COMMIT:-d26d974}
LOG=$OUT/big.log
SLICE_MB=${PFLOGSUMM_MB:-20}
SLICE=$OUT/slice-classic.log
build
sh "$BENCH/mklog.sh" "$LOG" 256

# The base commit, built side by side.
BASE=${BASE_DIR:-/tmp/base}
if [ ! -x "$BASE/build/postfix-statsd" ]; then
	rm -rf "$BASE"
	git -C "$ROOT" worktree add --detach "$BASE" "$BASE_COMMIT" >/dev/null 2>&1 ||
	    { echo "round2: cannot check out $BASE_COMMIT" >&2; exit 1; }
	make -s -C "$BASE" >/dev/null 2>&1 ||
	    { echo "round2: cannot build $BASE_COMMIT" >&2; exit 1; }
fi

# A slice with classic syslog stamps only (as throughput.sh makes it).
if [ ! -s "$SLICE" ]; then
	while :; do cat "$OUT/seed.log"; done 2>/dev/null | perl -pe '
	    BEGIN { @m = qw(Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec) }
	    s/^\d{4} ([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)(?:\.\d+)? /$1 /;
	    s/^\d{4}-(\d\d)-(\d\d)T(\d\d:\d\d:\d\d)\S* /
		sprintf("%s %2d %s ", $m[$1 - 1], $2, $3)/e;' |
	    head -c $((SLICE_MB * 1048576)) | sed '$d' >"$SLICE"
fi
cat "$LOG" "$SLICE" >/dev/null		# into the page cache
have_pfls=1
command -v pflogsumm >/dev/null || { have_pfls=0; echo "# pflogsumm missing: skipped"; }

RES=$OUT/round2.res
: >"$RES"
db=$OUT/db-round2
t() {	# name cmd...
	name=$1; shift
	rm -rf "$db"
	set -- $("$BT" run -- "$@") || exit 1
	[ "$5" = 0 ] || { echo "round2: $name failed (status $5)" >&2; exit 1; }
	echo "$name $1 $4" >>"$RES"
}
i=0
while [ $i -lt "$ROUNDS" ]; do
	t wc wc -l "$LOG"
	t statsd "$STATSD" -f --once --from-start -l "$LOG" -d "$db"
	t base "$BASE/build/postfix-statsd" -f --once --from-start -l "$LOG" -d "$db"
	t statsd-classic "$STATSD" -f --once --from-start -l "$SLICE" -d "$db"
	[ $have_pfls = 1 ] && t pflogsumm pflogsumm "$SLICE"
	i=$((i + 1))
done
machine
echo "# $ROUNDS rounds, alternating; medians of wall time"
awk -v size="$(fsize "$LOG")" -v ssize="$(fsize "$SLICE")" '
	{ w[$1, ++n[$1]] = $2; if ($3 > rss[$1]) rss[$1] = $3 }
	function med(k,   a, i, j, c, x) {
		c = n[k]; for (i = 1; i <= c; i++) a[i] = w[k, i]
		for (i = 2; i <= c; i++) { x = a[i]
			for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]
			a[j + 1] = x }
		return a[int((c + 1) / 2)] }
	END {
		for (k in n) m[k] = med(k)
		printf "big log: %.0f MB; classic slice: %.0f MB\n", size / 1e6, ssize / 1e6
		for (k in n) printf "%-15s %8.3f s %8.0f MB/s  peak RSS %5.1f MiB\n", k, m[k], \
		    (k ~ /classic|pflogsumm/ ? ssize : size) / m[k] / 1e6, rss[k] / 1024
		printf "statsd / wc -l          %5.2f x the time  (target <= 5; wc -l reads %.0f MB/s)\n", m["statsd"] / m["wc"], size / m["wc"] / 1e6
		printf "base / statsd           %5.2f x faster than %s\n", m["base"] / m["statsd"], base
		if ("pflogsumm" in m)
			printf "pflogsumm / statsd      %5.1f x faster than pflogsumm on classic stamps (target >= 20)\n", m["pflogsumm"] / m["statsd-classic"]
	}' base="$BASE_COMMIT" "$RES"
