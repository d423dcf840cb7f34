#!/bin/sh
# SPDX-License-Identifier: ISC
# bench/throughput.sh [LOG] - how fast the log is read, against baselines.
# Best of 3 (wall clock), interleaved rounds, on all cores then on one
# (taskset -c 0):
#   wc -l              the floor: reading and splitting lines, nothing else
#   parse-only         bench/parse_only.c: read + memchr + classify_line,
#                      no store (the parser's ceiling)
#   postfix-statsd     --once --from-start into a fresh database
#   pflogsumm          on a slice (default 20 MB, PFLOGSUMM_MB) of the
#                      corpus with timestamps rewritten to classic syslog
#                      ("Jun 10 06:27:30"), because pflogsumm skips the
#                      RFC 3339 and year-first lines of the corpus, which
#                      would make it look faster than it is; postfix-statsd
#                      runs on the same slice for the ratio.
. "$(dirname "$0")/common.sh"
build
LOG=${1:-$OUT/big.log}
[ -f "$LOG" ] || sh "$BENCH/mklog.sh" "$LOG"
ROUNDS=${ROUNDS:-3}
SLICE_MB=${PFLOGSUMM_MB:-20}
SLICE=$OUT/slice-classic.log
RES=$OUT/throughput.res

need pflogsumm pflogsumm || echo "# pflogsumm not available: skipped" >&2
if command -v pflogsumm >/dev/null && { [ ! -s "$SLICE" ] ||
    [ "$(fsize "$SLICE")" -gt $((SLICE_MB * 1048576)) ] ||
    [ "$(fsize "$SLICE")" -lt $((SLICE_MB * 1048576 - 65536)) ]; }; then
	[ -s "$OUT/seed.log" ] || sh "$BENCH/mklog.sh" "$LOG"
	# classic timestamps; repeat the seed if the slice is bigger than it
	while :; do cat "$OUT/seed.log"; done 2>/dev/null | perl -pe '
	    BEGIN { @m = qw(Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec) }
	    s/^\d{4} ([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)(?:\.\d+)? /$1 /;
	    s/^\d{4}-(\d\d)-(\d\d)T(\d\d:\d\d:\d\d)\S* /
		sprintf("%s %2d %s ", $m[$1 - 1], $2, $3)/e;' |
	    head -c $((SLICE_MB * 1048576)) | sed '$d' >"$SLICE"
fi
SIZE=$(fsize "$LOG")
LINES=$(wc -l <"$LOG")
cat "$LOG" >/dev/null		# into the page cache
[ -f "$SLICE" ] && cat "$SLICE" >/dev/null

# t LABEL FILE CMD... : one timed run, appended to $RES
t() {
	label=$1; shift
	f=$1; shift
	set -- $($PIN "$BT" run -- "$@")
	[ "$5" = 0 ] || { echo "throughput: $label exited $5" >&2; exit 1; }
	echo "$label $(fsize "$f") $1 $2 $3" >>"$RES"
}

pass() {	# pass TITLE PIN
	PIN=$2
	: >"$RES"
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		r=$((r + 1))
		t wc "$LOG" wc -l "$LOG"
		t parse-only "$LOG" "$OUT/parse_only" "$LOG"
		db=$(freshdb db-tp)
		t statsd "$LOG" "$STATSD" --once --from-start -l "$LOG" -d "$db"
		if [ -f "$SLICE" ]; then
			t pflogsumm "$SLICE" pflogsumm "$SLICE"
			db=$(freshdb db-tps)
			t statsd-slice "$SLICE" "$STATSD" --once --from-start \
			    -l "$SLICE" -d "$db"
		fi
	done
	echo "## $1"
	awk -v slice_mb="$SLICE_MB" '
	{ if (!($1 in best) || $3 < best[$1]) best[$1] = $3
	  if (!($1 in bcpu) || $4 + $5 < bcpu[$1]) bcpu[$1] = $4 + $5
	  sz[$1] = $2
	  if (!($1 in order)) { order[$1] = ++n; name[n] = $1 } }
	function r(a, b, note) {
		printf "  %-26s %6.2f   (cpu %5.2f)%s\n", a "/" b, mbs[a] / mbs[b], mbc[a] / mbc[b], note
	}
	END {
		desc["wc"] = "wc -l"
		desc["parse-only"] = "parse-only (no store)"
		desc["statsd"] = "postfix-statsd --once"
		desc["pflogsumm"] = "pflogsumm (" slice_mb " MiB slice)"
		desc["statsd-slice"] = "postfix-statsd (same slice)"
		printf "  %-30s %9s %9s\n", "", "MB/s wall", "MB/s cpu"
		for (i = 1; i <= n; i++) {
			k = name[i]; mbs[k] = sz[k] / 1048576 / best[k]
			mbc[k] = sz[k] / 1048576 / bcpu[k]
			printf "  %-30s %9.1f %9.1f   (best wall %.3f s, best cpu %.3f s)\n",
			    desc[k], mbs[k], mbc[k], best[k], bcpu[k]
		}
		r("statsd", "wc", "")
		r("parse-only", "wc", "")
		r("statsd", "parse-only", "   target >= 0.8")
		if ("pflogsumm" in mbs) {
			r("statsd-slice", "pflogsumm", "   target >= 20 (same slice)")
			r("statsd", "pflogsumm", "   (big log vs slice, scaled)")
		}
	}' "$RES"
}

machine
echo "# throughput: $LOG, $((SIZE / 1048576)) MB, $LINES lines; best of $ROUNDS, wall clock"
pass "all cores" ""
# counted the same lines as the parser?
got=$("$GET" -d "$OUT/db-tp" self:lines)
[ "$got" = "$LINES" ] || echo "  WARNING: postfix-statsd self:lines=$got, wc -l=$LINES"
pass "one core (taskset -c 0)" "taskset -c 0"
rm -rf "$OUT/db-tp" "$OUT/db-tps"
