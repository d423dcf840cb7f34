#!/bin/sh
# SPDX-License-Identifier: ISC
# run.sh - hostile input for the follower (make hostile)
#
#   BUILD=build sh tests/hostile/run.sh
#
# Each case writes a log with tests/hostile/mk.sh, runs
#   $BUILD/postfix-statsd --once --from-start -l FILE -d DB   (or -l - from a pipe)
# and checks `postfix-stats-get -d DB --all`: the counters the real lines mixed
# into the junk call for, exactly (every other counter must be 0), the self:
# counters the junk calls for, exit status 0, the follower's maximum RSS and,
# for the flood of transport names, the size of the database.
# Prints ok/FAIL per case and "hostile: N passed, N failed, N skipped (S s)"
# (tests/lib/testlib.sh); exits 1 on failure.
set -u
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/testlib.sh"
tl_suite hostile
case $BUILD in
/*)	bdir=$BUILD ;;
*)	bdir=$top/$BUILD ;;
esac
statsd=$bdir/postfix-statsd
get=$bdir/postfix-stats-get
for p in "$statsd" "$get"; do
	[ -x "$p" ] || { echo "hostile: $p is not built" >&2; exit 1; }
done
mkdir -p "$bdir"
work=$(mktemp -d "$bdir/hostile.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

# Memory must stay bounded whatever the input: 32 MB (ASan needs more).
rss_max=32768
if grep -q __asan_init "$statsd" 2>/dev/null; then
	rss_max=131072
fi
dyn_max=$(sed -n 's/^#define[	 ]*KEYS_DYNAMIC_MAX[	 ]*\([0-9]*\).*/\1/p' \
    "$top/src/core/keys.h")
db_max=4194304
mk() {
	sh "$top/tests/hostile/mk.sh" "$work" "$@" || { echo "hostile: mk.sh $* failed"; exit 1; }
}

ok() {
	tl_ok "$1"
}

bad() {
	tl_fail "$1" "$2"
	[ -s "$work/why" ] && sed 's/^/     /' "$work/why"
	[ -s "$work/err" ] && head -n 5 "$work/err" | sed 's/^/     stderr: /'
}

# run MODE LOG [KEEPDB]: MODE file or pipe; counters into $work/all.
run() {
	[ "${3:-}" = keep ] || rm -rf "$work/db"
	: >"$work/why"
	if [ "$1" = file ]; then
		/usr/bin/time -o "$work/rss" -f %M "$statsd" --once --from-start \
		    -l "$2" -d "$work/db" >/dev/null 2>"$work/err"
	else
		# shellcheck disable=SC2002 # a pipe, on purpose
		cat "$2" | /usr/bin/time -o "$work/rss" -f %M "$statsd" --once \
		    -l - -d "$work/db" >/dev/null 2>"$work/err"
	fi
	rc=$?
	rss=$(tail -n 1 "$work/rss")
	"$get" -d "$work/db" --all >"$work/all" 2>>"$work/err" || rc=1
	return 0
}

# expect NAME [real=K] [skip=ERE] KEY=N...: compare $work/all. real=K adds K
# copies of real.log's counts; KEY=N adds N (0 just asks for the key to be
# checked). Counters not named must be 0, except self: ones (unchecked) and
# keys matching skip=ERE.
expect() {
	name=$1
	shift
	if [ $rc -ne 0 ]; then
		bad "$name" "exit status $rc"
		return
	fi
	case $rss in
	''|*[!0-9]*) bad "$name" "no RSS measured ($rss)"; return ;;
	esac
	if [ "$rss" -gt $rss_max ]; then
		bad "$name" "max RSS $rss KB > $rss_max KB"
		return
	fi
	if ! awk -v spec="$*" '
	BEGIN {
		n = split(spec, w, " ")
		for (i = 1; i <= n; i++) {
			split(w[i], kv, "=")
			if (kv[1] == "real") {
				k = kv[2]
				want["recv:smtp"] += k; want["recv:local"] += k
				want["sent:smtp"] += k; want["sent:local"] += k
				want["status:sent"] += 2 * k
				want["status:deferred"] += k; want["smtp:4xx"] += k
				want["status:bounced"] += k; want["smtp:5xx"] += k
				want["smtpd:5xx"] += k; want["status:expired"] += k
				want["self:lines"] += 8 * k
				want["self:lines_postfix"] += 8 * k
				want["self:lines_counted"] += 8 * k
			} else if (kv[1] == "skip") {
				skip = substr(w[i], 6)
			} else {
				want[kv[1]] += kv[2]
			}
		}
	}
	{
		key = $1; val = $2; seen[key] = 1
		if (skip != "" && key ~ skip)
			next
		if (key ~ /^self:/ && !(key in want))
			next
		w0 = (key in want) ? want[key] : 0
		if (val != w0) {
			printf "%s is %s, expected %s\n", key, val, w0
			bad = 1
		}
	}
	END {
		for (k in want)
			if (!(k in seen)) {
				printf "%s is missing\n", k
				bad = 1
			}
		exit bad
	}' "$work/all" >"$work/why"; then
		bad "$name" "counters differ"
		return
	fi
	ok "$name (max RSS $rss KB)"
}

# The files every case runs on.
mk real longline nul utf8 crlf crlf_tail binary spoof

# A 1 MB line (it starts like a delivery), lines of 16383 (counted) and
# 16384 bytes (skipped).
for m in file pipe; do
	run $m "$work/longline.log"
	expect "1 MB line, lines at the limit ($m)" real=2 sent:local=1 \
	    status:sent=1 self:lines=3 self:lines_long=2 \
	    self:lines_malformed=0 self:lines_postfix=1 self:lines_counted=1
done

# NUL bytes in a transport, an address, before the header, in the tag, in
# the status; a line of NULs.
for m in file pipe; do
	run $m "$work/nul.log"
	expect "NUL bytes ($m)" real=2 status:sent=2 sent:_overflow=1 \
	    sent:local=1 self:lines=6 self:lines_malformed=2 \
	    self:lines_postfix=3 self:lines_counted=2 self:lines_long=0
done

# Invalid UTF-8 in an address, the host, a client name, a transport, a
# reply text, the timestamp.
run file "$work/utf8.log"
expect "invalid UTF-8" real=1 sent:local=1 status:sent=2 recv:smtp=1 \
    sent:_overflow=1 status:deferred=1 smtp:4xx=1 self:lines=5 \
    self:lines_malformed=1 self:lines_postfix=4 self:lines_counted=4

# CRLF lines count like LF lines; \r\r\n; a lone \r inside a line; \r\n
# alone; a line starting with \r.
for m in file pipe; do
	run $m "$work/crlf.log"
	expect "CR/LF mixes ($m)" real=2 sent:local=1 status:sent=1 \
	    recv:smtp=1 self:lines=4 self:lines_malformed=2 \
	    self:lines_postfix=2 self:lines_counted=2
done
# A last line with \r and no \n: it waits in a file; at the end of a
# stream it is a line, and its \r is not part of it.
run file "$work/crlf_tail.log"
expect "last line with CR, no LF (file)" real=1 self:lines=0
run pipe "$work/crlf_tail.log"
expect "last line with CR, no LF (pipe)" real=1 sent:local=1 \
    status:sent=1 self:lines=1 self:lines_postfix=1 self:lines_counted=1

# Quoted local parts, HELO names and reply texts crafted to look like
# delivery fields; Postfix-looking text in other programs' lines.
run file "$work/spoof.log"
expect "crafted fields and tags" real=2 status:deferred=4 smtp:4xx=1 \
    status:bounced=2 smtp:5xx=1 smtpd:4xx=1 recv:smtp=1 self:lines=18 \
    self:lines_postfix=12 self:lines_counted=8 self:lines_malformed=0

# A binary file as the log: no counter moves; every complete line is read
# (from a pipe the last piece too), none is Postfix's.
nl=$(tr -dc '\n' <"$work/binary.log" | wc -c)
for m in file pipe; do
	long=$(M=$m perl -0777 -ne '
		my @p = split /\n/, $_, -1;
		my $last = pop @p;
		push @p, $last if $ENV{M} eq "pipe" && length $last;
		print scalar grep { length($_) >= 16384 } @p;
	    ' "$work/binary.log" 2>/dev/null)
	lines=$nl
	if [ $m = pipe ] && [ "$(tail -c 1 "$work/binary.log" | od -An -c | tr -d ' ')" != '\n' ]; then
		lines=$((nl + 1))
	fi
	run $m "$work/binary.log"
	expect "binary file as the log ($m)" "self:lines=$lines" \
	    "self:lines_long=${long:-0}" \
	    "self:lines_malformed=$((lines - ${long:-0}))" \
	    self:lines_postfix=0 self:lines_counted=0
done
rm -f "$work"/*.log

# 100 MB without a newline after real lines: nothing of it counts from a
# file (it is not complete); from a stream its end ends it (one long line).
mk nonewline
run file "$work/nonewline.log"
expect "100 MB without a newline (file)" real=1 self:lines_long=0 \
    self:lines_malformed=0
# Its newline comes later: the run that sees it skips it as one long line.
mk real
{ echo; cat "$work/real.log"; } >>"$work/nonewline.log"
run file "$work/nonewline.log" keep
expect "100 MB line completed after a restart (file)" real=2 \
    self:lines=1 self:lines_long=1 self:lines_malformed=0
mk nonewline
run pipe "$work/nonewline.log"
expect "100 MB without a newline (pipe)" real=1 self:lines=1 \
    self:lines_long=1 self:lines_malformed=0
rm -f "$work/nonewline.log"

# 1,000,000 distinct transport names: at most KEYS_DYNAMIC_MAX sent:T keys,
# the rest in sent:_overflow, a small database.
mk transports
run file "$work/transports.log"
ndyn=$(grep -c '^sent:t[0-9]' "$work/all")
sumdyn=$(awk '/^sent:t[0-9]/ { s += $2 } END { print s + 0 }' "$work/all")
nsent=$(grep -c '^sent:' "$work/all")
nstatic_sent=$(grep -c '^sent:\(smtp\|lmtp\|local\|virtual\|_overflow\) ' "$work/all")
size=$(wc -c <"$work/db/data.mdb" 2>/dev/null || echo 0)
if [ "$ndyn" -gt "${dyn_max:-64}" ] || [ "$ndyn" -ne "$sumdyn" ] \
    || [ "$nsent" -gt $((${dyn_max:-64} + nstatic_sent)) ]; then
	: >"$work/why"
	bad "1,000,000 transport names" "$ndyn sent:tN keys (max ${dyn_max:-64}) holding $sumdyn, $nsent sent: keys"
elif [ "$size" -gt $db_max ]; then
	: >"$work/why"
	bad "1,000,000 transport names" "data.mdb is $size bytes (> $db_max)"
else
	expect "1,000,000 transport names ($ndyn keys, data.mdb $size bytes)" \
	    real=2 skip='^sent:t[0-9]' status:sent=1000000 \
	    sent:_overflow=$((1000000 - ndyn)) self:lines=1000000 \
	    self:lines_postfix=1000000 self:lines_counted=1000000
fi
rm -f "$work/transports.log"

tl_summary
