# SPDX-License-Identifier: ISC
#
# NAME
#	testlib.sh - the one shell library of every test runner and test
# SYNOPSIS
#	. "$top/tests/lib/testlib.sh"		(sh or bash)
# DESCRIPTION
#	Results, for a runner or a script with several cases:
#	  tl_suite NAME           start a suite: counters to 0, clock started
#	  tl_ok CASE [NOTE]       "ok   CASE" and count a pass
#	  tl_fail CASE [WHY]      "FAIL CASE: WHY" and count a failure
#	  tl_skip CASE [WHY]      "SKIP CASE: WHY" and count a skip (never a pass)
#	  tl_result CASE RC [WHY] by exit status: 0 ok, 77 skip, other fail
#	  tl_run CASE LIMIT CMD.. run CMD with a time limit (seconds), its output
#	                          kept and shown (the end of it) only on failure
#	                          or skip; the result by its exit status; the
#	                          seconds it took printed beside it
#	  tl_summary              "NAME: N passed, N failed, N skipped (S s)";
#	                          returns 1 when a case failed
#	The end of one test script:
#	  tl_exit_skip WHY        "SKIP: WHY" on stdout, exit 77 (TL_SKIP)
#	Processes a test launched (killed, bounded, by tl_stop_all, which the
#	caller puts in its EXIT trap):
#	  tl_start CMD...         CMD in the background; its pid in $tl_pid
#	  tl_track PID            kill PID at the end too
#	  tl_forget PID           PID was reaped by the caller
#	  tl_stop PID [SIG] [SECS] send SIG (TERM), wait at most SECS (10) for
#	                          the exit, then KILL; the exit status in $tl_rc
#	  tl_stop_all             KILL and reap every process still tracked
#	Time:
#	  tl_now_ms               milliseconds since the epoch
#	  tl_wait SECS CMD...     run CMD every 50 ms until it succeeds; 1 when
#	                          SECS passed first
# DIAGNOSTICS
#	Results go to stdout, one line each. tl_summary's status is the suite's.
# SECURITY
#	Runs only what the tests give it; temporary files come from mktemp.

TL_SKIP=77

tl_name=test
tl_pass=0
tl_failed=0
tl_skipped=0
tl_t0=0
tl_pids=""
tl_pid=""
tl_rc=0

tl_now_ms() {
	date +%s%3N
}

tl_suite() {
	tl_name=$1
	tl_pass=0
	tl_failed=0
	tl_skipped=0
	tl_t0=$(tl_now_ms)
}

tl_ok() {
	echo "ok   $1${2:+: $2}"
	tl_pass=$((tl_pass + 1))
}

tl_fail() {
	echo "FAIL $1${2:+: $2}"
	tl_failed=$((tl_failed + 1))
}

tl_skip() {
	echo "SKIP $1${2:+: $2}"
	tl_skipped=$((tl_skipped + 1))
}

tl_result() {
	case $2 in
	0)	tl_ok "$1" ;;
	"$TL_SKIP") tl_skip "$1" "${3:-}" ;;
	*)	tl_fail "$1" "${3:-exit status $2}" ;;
	esac
}

# tl_secs MS0: whole seconds since MS0, one decimal.
tl_secs() {
	local d
	d=$(( $(tl_now_ms) - $1 ))
	printf '%d.%d' $((d / 1000)) $(((d % 1000) / 100))
}

tl_run() {
	local case_ lim t0 rc out secs why
	case_=$1 lim=$2
	shift 2
	out=$(mktemp) || return 1
	t0=$(tl_now_ms)
	timeout -k 10 "$lim" "$@" >"$out" 2>&1
	rc=$?
	secs=$(tl_secs "$t0")
	case $rc in
	0)	tl_ok "$case_" "$secs s" ;;
	"$TL_SKIP")
		why=$(grep -m 1 '^SKIP' "$out" | sed 's/^SKIP[: ]*//')
		tl_skip "$case_" "${why:-skipped} ($secs s)" ;;
	*)	[ "$rc" -eq 124 ] && echo "(timed out after $lim s)" >>"$out"
		tl_fail "$case_" "exit status $rc ($secs s)"
		tail -n 40 "$out" | sed 's/^/    /' ;;
	esac
	rm -f "$out"
	return 0
}

tl_summary() {
	echo "$tl_name: $tl_pass passed, $tl_failed failed, $tl_skipped skipped ($(tl_secs "$tl_t0") s)"
	[ "$tl_failed" -eq 0 ]
}

tl_exit_skip() {
	echo "SKIP: $*"
	exit "$TL_SKIP"
}

tl_wait() {
	local limit
	limit=$(( $(tl_now_ms) + $1 * 1000 ))
	shift
	while ! "$@"; do
		[ "$(tl_now_ms)" -ge "$limit" ] && return 1
		sleep 0.05
	done
	return 0
}

tl_track() {
	tl_pids="$tl_pids $1"
}

tl_forget() {
	local p n
	n=""
	for p in $tl_pids; do
		[ "$p" = "$1" ] || n="$n $p"
	done
	tl_pids=$n
}

tl_start() {
	"$@" &
	tl_pid=$!
	tl_track "$tl_pid"
}

# tl_alive PID: PID runs (a zombie does not).
tl_alive() {
	local st
	[ -r "/proc/$1/stat" ] || return 1
	st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

tl_gone() {
	! tl_alive "$1"
}

tl_stop() {
	local pid sig secs
	pid=$1 sig=${2:-TERM} secs=${3:-10}
	kill -"$sig" "$pid" 2>/dev/null
	if ! tl_wait "$secs" tl_gone "$pid"; then
		kill -9 "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	tl_rc=$?
	tl_forget "$pid"
}

tl_stop_all() {
	local p
	for p in $tl_pids; do
		kill -9 "$p" 2>/dev/null
	done
	for p in $tl_pids; do
		wait "$p" 2>/dev/null
	done
	tl_pids=""
}
