#!/bin/sh
# SPDX-License-Identifier: ISC
#
# NAME
#	bench/journal.sh - --once throughput over the journal against a file
# SYNOPSIS
#	bench/journal.sh [ENTRIES]
# DESCRIPTION
#	Builds ENTRIES (default 1000000) real Postfix log lines (the public
#	corpus, repeated), turns them into real journal files with
#	systemd-journal-remote (it rotates them as they fill), and times, in
#	the same run, interleaved, best of ROUNDS (3): postfix-statsd --once
#	--from-start over the journal directory, and over the same lines in a
#	file; and journalctl -o cat over the journal (what the old
#	"journalctl | postfix-statsd -l -" workaround had to read first,
#	without counting anything). Prints lines per second of each and the ratio journal/file; the
#	contract counters of both must be equal (else exit 1).
# DIAGNOSTICS
#	Exit 1 when a run fails or the counts differ; 77 without
#	systemd-journal-remote.
# SECURITY
#	Writes only under bench/out.
. "$(dirname "$0")/common.sh"
build
JREMOTE=${JREMOTE:-/lib/systemd/systemd-journal-remote}
[ -x "$JREMOTE" ] || { echo "SKIP: $JREMOTE not installed"; exit 77; }
N=${1:-1000000}
ROUNDS=${ROUNDS:-3}
LOG=$OUT/journal-bench.log
JD=$OUT/journal-bench.d
[ -s "$OUT/seed.log" ] || sh "$BENCH/mklog.sh" "$OUT/big.log" 1 >/dev/null

if [ ! -s "$LOG" ] || [ "$(cat "$JD/.entries" 2>/dev/null)" != "$N" ]; then
	rm -rf "$JD"
	mkdir -p "$JD"
	awk -v n="$N" -v f="$OUT/seed.log" 'BEGIN {
		while (c < n) {
			while ((getline l < f) > 0) { print l; if (++c >= n) exit }
			close(f)
		}
	}' >"$LOG.raw"
	sh "$ROOT/tests/integration/lib/syslog2export.sh" -k "$LOG" \
	    "$LOG.raw" >"$JD.export"
	"$JREMOTE" --output="$JD/system.journal" "$JD.export" \
	    >/dev/null 2>&1 || { echo "journal-remote failed" >&2; exit 1; }
	rm -f "$LOG.raw" "$JD.export"
	echo "$N" >"$JD/.entries"
fi
LINES=$(wc -l <"$LOG")
cat "$LOG" "$JD"/*.journal >/dev/null	# into the page cache

machine
echo "# $LINES lines; the journal: $(ls "$JD"/*.journal | wc -l) files," \
    "$(du -sm "$JD" | cut -f1) MB; the file: $(($(fsize "$LOG") / 1048576)) MB"
bj=999999 bf=999999 bc=999999 r=0
while [ $r -lt "$ROUNDS" ]; do
	r=$((r + 1))
	db=$(freshdb db-jbench)
	set -- $("$BT" run -- "$STATSD" --once --from-start --journal-dir "$JD" -d "$db")
	[ "$5" = 0 ] || { echo "journal run exited $5" >&2; exit 1; }
	bj=$(echo "$1 $bj" | awk '{ print ($1 < $2) ? $1 : $2 }')
	"$GET" -d "$db" --all | grep -v '^self:' >"$OUT/jbench.j"
	db=$(freshdb db-fbench)
	set -- $("$BT" run -- "$STATSD" --once --from-start -l "$LOG" -d "$db")
	[ "$5" = 0 ] || { echo "file run exited $5" >&2; exit 1; }
	bf=$(echo "$1 $bf" | awk '{ print ($1 < $2) ? $1 : $2 }')
	"$GET" -d "$db" --all | grep -v '^self:' >"$OUT/jbench.f"
	set -- $("$BT" run -- journalctl -D "$JD" -o cat)
	bc=$(echo "$1 $bc" | awk '{ print ($1 < $2) ? $1 : $2 }')
	cmp -s "$OUT/jbench.j" "$OUT/jbench.f" || {
		echo "journal and file counts differ" >&2; exit 1; }
done
awk -v n="$LINES" -v j="$bj" -v f="$bf" -v c="$bc" 'BEGIN {
	printf "%-28s %8.2f s %10.0f lines/s\n", "postfix-statsd --journal-dir", j, n / j
	printf "%-28s %8.2f s %10.0f lines/s\n", "postfix-statsd -l (file)", f, n / f
	printf "%-28s %8.2f s %10.0f lines/s\n", "journalctl -o cat (no count)", c, n / c
	printf "ratio journal/file (time): %.2f\n", j / f
}'
