# SPDX-License-Identifier: ISC
# common.sh - helpers for the integration tests (sourced by bash scripts)
#
# it_init NAME            work dir ($work, 0700, from mktemp -d), $db=$work/db,
#                         $log=$work/logs/mail.log, an EXIT trap that kills what
#                         was started and removes $work
# it_data OUT NLINES      NLINES real Postfix log lines (tests/corpus,
#                         cycled), one file
# it_start [ARGS]         start postfix-statsd -f -l $log -d $db ARGS in the
#                         background; $spid is its pid, its stderr is
#                         $work/statsd.err (appended, runs separated)
# it_stop [SIG]           send SIG (TERM) to $spid (once started, unless
#                         KILL), wait (bounded) for it to exit; $src is its
#                         exit status
# it_wait TIMEOUT CMD..   poll CMD until it succeeds; 1 after TIMEOUT seconds
# it_counts DB            `postfix-stats-get --all` without the self: keys,
#                         self:lines kept
# it_ref OUT FILES..      the reference: one --once --from-start pass over
#                         FILES concatenated (an unterminated last line of a
#                         file ends there, as the follower reads a rotated one)
# it_compare REF DB       diff the reference with DB's counts; 1 if they differ
# it_pass / it_fail MSG   end the test
# it_skip MSG             end the test as skipped (SKIP, exit 77; never a pass)
# it_cleanup_hook         a command the EXIT trap runs before removing $work
#
# it_crash_test SIG      the kill -9 / SIGTERM test (t_kill9.sh, t_sigterm.sh)
#
# Every wait is bounded (IT_TIMEOUT, default 120 s, for catching up).
# Waiting, process tracking and the result conventions come from the one
# test library, tests/lib/testlib.sh.
set -u

it_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
. "$it_top/tests/lib/testlib.sh"
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$it_top/$BUILD ;; esac
STATSD=${STATSD:-$BUILD/postfix-statsd}
GET=${GET:-$BUILD/postfix-stats-get}
CORPUS=${CORPUS:-$it_top/tests/corpus}
IT_TIMEOUT=${IT_TIMEOUT:-120}

it_name=""
it_cleanup_hook=:	# a test's own clean-up, run before $work is removed
spid=""
src=0
it_mark=0

it_msg() {
	echo "$it_name: $*"
}

it_fail() {
	echo "FAIL $it_name: $*"
	if [ -s "$work/statsd.err" ]; then
		echo "--- postfix-statsd stderr (last 20 lines)"
		tail -n 20 "$work/statsd.err"
	fi
	exit 1
}

it_pass() {
	echo "ok   $it_name${1:+: $1}"
	exit 0
}

it_skip() {
	echo "SKIP $it_name: $*"
	exit "$TL_SKIP"
}

it_cleanup() {
	tl_stop_all
	$it_cleanup_hook
	[ -n "${work:-}" ] && rm -rf -- "$work"
}

it_init() {
	it_name=$1
	if [ ! -x "$STATSD" ] || [ ! -x "$GET" ]; then
		echo "FAIL $it_name: $STATSD or $GET not built"
		exit 1
	fi
	work=$(mktemp -d -t pfstats-it.XXXXXXXX) || exit 1
	trap it_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	db=$work/db
	mkdir "$work/logs"
	log=$work/logs/mail.log
}

now_ms() {
	date +%s%3N
}

# it_wait TIMEOUT CMD...: poll CMD (every 50 ms) until it succeeds.
it_wait() {
	tl_wait "$@"
}

# The corpus: lightmeter-complete.log and fgforrest-pda-real.log.gz.
it_corpus() {
	if [ ! -f "$work/corpus.log" ]; then
		{ cat "$CORPUS/lightmeter-complete.log"
		  zcat "$CORPUS/fgforrest-pda-real.log.gz"; } >"$work/corpus.log" \
		    || it_fail "cannot read the corpus in $CORPUS"
	fi
}

# it_data OUT NLINES
it_data() {
	it_corpus
	awk -v n="$2" -v f="$work/corpus.log" 'BEGIN {
		while (c < n) {
			while ((getline l < f) > 0) {
				print l
				if (++c >= n)
					exit
			}
			close(f)
		}
	}' >"$1"
}

# Is process $1 gone (or a zombie)?
it_gone() {
	tl_gone "$1"
}

it_forget() {
	tl_forget "$1"
}

# it_track PID: kill PID at exit.
it_track() {
	tl_track "$1"
}

it_start() {
	echo "=== start: $*" >>"$work/statsd.err"
	it_mark=$(wc -l <"$work/statsd.err")
	"$STATSD" -f -l "$log" -d "$db" "$@" 2>>"$work/statsd.err" &
	spid=$!
	it_track "$spid"
}

# it_started: has the current run logged that it follows the log?
it_started() {
	it_gone "$spid" && return 0	# exited: no use waiting
	it_since_start | grep -q 'following '
}

# it_since_start: what the current run logged so far.
it_since_start() {
	tail -n +"$((it_mark + 1))" "$work/statsd.err"
}

# it_stop [SIG]: stop $spid, wait at most 30 s; exit status in $src. A
# signal other than KILL is sent once the run has started (its handlers are
# in place only then: before, SIGTERM kills it with status 143).
it_stop() {
	if [ "${1:-TERM}" != KILL ] && ! it_wait 30 it_started; then
		it_fail "postfix-statsd (pid $spid) did not start within 30 s"
	fi
	kill -"${1:-TERM}" "$spid" 2>/dev/null
	if [ "${1:-TERM}" = KILL ]; then
		# Cannot be caught; wait at once, so that bash does not
		# report the "Killed" job.
		{ wait "$spid"; } 2>/dev/null
		src=$?
		it_forget "$spid"
		return
	fi
	if ! it_wait 30 it_gone "$spid"; then
		kill -9 "$spid" 2>/dev/null
		wait "$spid" 2>/dev/null
		it_forget "$spid"
		it_fail "postfix-statsd (pid $spid) did not exit within 30 s of SIG${1:-TERM}"
	fi
	wait "$spid" 2>/dev/null
	src=$?
	it_forget "$spid"
}

# it_get DB KEY: the value, or nothing on error.
it_get() {
	"$GET" -d "$1" "$2" 2>/dev/null
}

it_counts() {
	"$GET" -d "$1" --all | awk '$1 !~ /^self:/ || $1 == "self:lines"'
}

# it_lines_are DB N: has DB counted exactly N lines?
it_lines_are() {
	[ "$(it_get "$1" self:lines)" = "$2" ]
}

# it_lines_atleast DB N
it_lines_atleast() {
	local v
	v=$(it_get "$1" self:lines)
	[ -n "$v" ] && [ "$v" -ge "$2" ]
}

# it_cat FILES...: the files one after the other, each ending in a newline.
it_cat() {
	local f
	for f; do
		cat "$f"
		if [ -s "$f" ] && [ "$(tail -c 1 "$f" | od -An -tx1 | tr -d ' ')" != 0a ]; then
			echo
		fi
	done
}

# it_ref OUT FILES...: counts of one --once --from-start pass over FILES.
it_ref() {
	local out=$1
	shift
	rm -rf "$work/refdb"
	it_cat "$@" >"$work/ref.log"
	"$STATSD" --once --from-start -l "$work/ref.log" -d "$work/refdb" \
	    2>"$work/ref.err" || it_fail "reference pass failed: $(cat "$work/ref.err")"
	it_counts "$work/refdb" >"$out"
	ref_lines=$(sed -n 's/^self:lines //p' "$out")
	rm -rf "$work/refdb" "$work/ref.log"
	[ "$ref_lines" -gt 0 ] || it_fail "reference counted no lines"
}

# it_compare REF DB: 0 if DB's counts are the reference's.
it_compare() {
	it_counts "$2" >"$work/got" || return 1
	if ! diff -u "$1" "$work/got" >"$work/diff"; then
		echo "--- counters differ (- reference, + follower):"
		grep '^[-+][a-z]' "$work/diff"
		return 1
	fi
	return 0
}

# it_catch_up N: wait until $db counted N lines (the follower is running).
it_catch_up() {
	if ! it_wait "$IT_TIMEOUT" it_lines_atleast "$db" "$1"; then
		it_fail "the follower counted $(it_get "$db" self:lines) lines" \
		    "in $IT_TIMEOUT s, expected $1"
	fi
}

# A random number of milliseconds in [0, $1).
it_rand_ms() {
	echo $(( RANDOM % $1 ))
}

it_sleep_ms() {
	sleep "$(printf '%d.%03d' $(( $1 / 1000 )) $(( $1 % 1000 )))"
}

# it_crash_test SIG: a writer appends a large log in chunks cut at arbitrary
# bytes (so partial lines are common) while the follower is stopped with SIG
# at random moments and restarted, IT_KILLS (50) times at least; in the end
# the counts are those of one pass over the whole log.
it_crash_test() {
	local sig=$1 kills=0 want=${IT_KILLS:-50} wpid c n
	it_data "$work/data" "${IT_LINES:-250000}"
	it_ref "$work/ref" "$work/data"
	mkdir "$work/chunks"
	split -b 100000 -a 4 "$work/data" "$work/chunks/c."
	n=$(ls "$work/chunks" | wc -l)
	it_msg "$ref_lines lines in $n chunks; stopping the follower with" \
	    "SIG$sig at least $want times"
	: >"$log"
	( for c in "$work"/chunks/c.*; do
		cat "$c" >>"$log"
		sleep 0.02
	done ) &
	wpid=$!
	it_track "$wpid"
	it_start --from-start
	while [ "$kills" -lt "$want" ] || ! it_gone "$wpid"; do
		it_sleep_ms "$(it_rand_ms 300)"
		it_stop "$sig"
		case $sig:$src in
		KILL:137|TERM:0|INT:0)
			;;
		*)
			it_fail "run $kills: exit status $src after SIG$sig"
			;;
		esac
		kills=$((kills + 1))
		it_start --from-start
	done
	wait "$wpid"
	it_forget "$wpid"
	it_catch_up "$ref_lines"
	it_stop TERM
	[ "$src" -eq 0 ] || it_fail "last run: exit status $src after SIGTERM"
	# A restart after the end reads nothing more.
	"$STATSD" --once -l "$log" -d "$db" 2>>"$work/statsd.err" \
	    || it_fail "--once after the end failed"
	it_compare "$work/ref" "$db" || it_fail "after $kills SIG$sig"
	it_pass "$kills times SIG$sig, $ref_lines lines, counts exact"
}
