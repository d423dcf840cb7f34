#!/bin/sh
# SPDX-License-Identifier: ISC
#
# NAME
#	run.sh - the command-line conventions of every program (make cli)
# SYNOPSIS
#	BUILD=build sh tests/cli/run.sh
# DESCRIPTION
#	For every program build/postfix-stats* (new programs are covered as
#	they are built): -h and --help print the same help, mentioning the
#	usage, on stdout with nothing on stderr and exit 0; -V and --version
#	print "NAME VERSION", VERSION being the VERSION file, and exit 0; an
#	unknown long and short option exit 2, name the option on stderr and
#	print nothing on stdout.
#	Then the reader's key errors: status:foo is an unknown key (with the
#	hint that --all lists the keys), FOO:bar an unknown category, nocolon
#	and sent:a/b malformed keys; each exits 2 with one message naming the
#	program and nothing on stdout, before any database is opened. A
#	well-formed key never counted reads 0; SENT:smtp is sent:smtp.
# DIAGNOSTICS
#	ok/FAIL per check and "cli: N passed, N failed, N skipped (S s)"
#	(tests/lib/testlib.sh); exit status 1 when a check failed.
# SECURITY
#	Runs the built programs with a time limit; a program that ignored
#	-h and started working is killed after 10 s.
set -u
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/testlib.sh"
case $BUILD in /*) bdir=$BUILD ;; *) bdir=$top/$BUILD ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
version=$(cat "$top/VERSION")
tl_suite cli

# run PROG ARGS...: $rc, $work/out, $work/err; no database, no log.
run() {
	POSTFIX_STATS_DB=$work/nodb timeout -k 2 10 "$@" \
	    >"$work/out" 2>"$work/err" </dev/null
	rc=$?
}

nprog=0
for prog in "$bdir"/postfix-stats*; do
	[ -f "$prog" ] && [ -x "$prog" ] || continue
	name=$(basename "$prog")
	nprog=$((nprog + 1))

	for o in -h --help; do
		run "$prog" "$o"
		if [ $rc -eq 0 ] && grep -qi usage "$work/out" \
		    && [ ! -s "$work/err" ]; then
			cp "$work/out" "$work/help$o"
			tl_ok "$name $o: help on stdout, exit 0"
		else
			tl_fail "$name $o" "exit $rc, stdout $(wc -c <"$work/out") bytes$(grep -qi usage "$work/out" || echo ' without usage'), stderr: $(head -c 200 "$work/err")"
		fi
	done
	if [ -f "$work/help-h" ] && [ -f "$work/help--help" ]; then
		if cmp -s "$work/help-h" "$work/help--help"; then
			tl_ok "$name -h and --help say the same"
		else
			tl_fail "$name -h and --help differ"
		fi
	fi
	rm -f "$work/help-h" "$work/help--help"

	for o in -V --version; do
		run "$prog" "$o"
		if [ $rc -eq 0 ] && [ "$(cat "$work/out")" = "$name $version" ] \
		    && [ ! -s "$work/err" ]; then
			tl_ok "$name $o: \"$name $version\", exit 0"
		else
			tl_fail "$name $o" "exit $rc, stdout \"$(head -c 100 "$work/out")\", want \"$name $version\""
		fi
	done

	for o in --no-such-option -Y; do
		run "$prog" "$o"
		if [ $rc -eq 2 ] && grep -q -e "$o" "$work/err" \
		    && grep -q "^$name: " "$work/err" && [ ! -s "$work/out" ]; then
			tl_ok "$name $o: named on stderr, exit 2"
		else
			tl_fail "$name $o" "exit $rc (want 2, and \"$name: ...$o...\" on stderr), stderr: $(head -c 200 "$work/err")"
		fi
	done
done
[ $nprog -gt 0 ] || tl_fail programs "none built in $bdir"

# The reader's key errors: exit 2, one line naming the program and the
# kind of error, nothing on stdout; no database is needed to say so.
get=$bdir/postfix-stats-get
key_error() {	# KEY WHAT...: the message must contain each WHAT
	local key=$1 w label
	shift
	label=$(printf '%s' "$key" | tr -c '[:print:]' '?')
	run "$get" -d "$work/nodb" "$key"
	for w; do
		if ! grep -q -e "$w" "$work/err"; then
			tl_fail "postfix-stats-get $label" "no \"$w\" in: $(cat "$work/err")"
			return
		fi
	done
	if [ $rc -ne 2 ] || [ -s "$work/out" ] \
	    || [ "$(wc -l <"$work/err")" -ne 1 ] \
	    || ! grep -q '^postfix-stats-get: ' "$work/err"; then
		tl_fail "postfix-stats-get $label" "exit $rc (want 2), stdout $(wc -c <"$work/out") bytes, stderr: $(cat "$work/err")"
		return
	fi
	tl_ok "postfix-stats-get $label: $(tr -c '[:print:]\n' '?' <"$work/err" | cut -c 20-80)"
}
if [ -x "$get" ]; then
	key_error status:foo "unknown key" "status:foo" "--all"
	key_error FOO:bar "unknown category" "FOO"
	key_error nocolon "malformed" "nocolon"
	key_error sent:a/b "malformed"
	key_error : "malformed"
	key_error "$(printf 'sent:a\033[2Jb')" "malformed"
	if grep -q "$(printf '\033')" "$work/err"; then
		tl_fail "postfix-stats-get: an escape sequence in a key is printed raw"
	fi

	# A well-formed key never counted reads 0, in any case of category.
	printf '' >"$work/empty.log"
	"$bdir/postfix-statsd" --once --from-start -l "$work/empty.log" \
	    -d "$work/db" 2>"$work/statsd.err"
	run "$get" -d "$work/db" SENT:smtp
	if [ $rc -eq 0 ] && [ "$(cat "$work/out")" = 0 ]; then
		tl_ok "postfix-stats-get SENT:smtp reads 0 from a new database"
	else
		tl_fail "postfix-stats-get SENT:smtp" "exit $rc, \"$(cat "$work/out")\" $(cat "$work/err" "$work/statsd.err")"
	fi
	run "$get" -d "$work/db" sent:never-used
	if [ $rc -eq 0 ] && [ "$(cat "$work/out")" = 0 ]; then
		tl_ok "postfix-stats-get sent:never-used reads 0"
	else
		tl_fail "postfix-stats-get sent:never-used" "exit $rc, \"$(cat "$work/out")\" $(cat "$work/err")"
	fi
	# A usage error: no key; a key and --all.
	for args in "" "--all sent:smtp" "sent:smtp recv:smtp"; do
		# shellcheck disable=SC2086 # split on purpose
		run "$get" -d "$work/db" $args
		if [ $rc -eq 2 ] && [ ! -s "$work/out" ] \
		    && grep -q '^postfix-stats-get: ' "$work/err"; then
			tl_ok "postfix-stats-get ${args:-(no KEY)}: usage error, exit 2"
		else
			tl_fail "postfix-stats-get ${args:-(no KEY)}" "exit $rc, stderr: $(head -c 200 "$work/err")"
		fi
	done
	# -d without its argument.
	run "$get" -d
	if [ $rc -eq 2 ] && grep -q -- '-d' "$work/err"; then
		tl_ok "postfix-stats-get -d without DB: named, exit 2"
	else
		tl_fail "postfix-stats-get -d without DB" "exit $rc, stderr: $(head -c 200 "$work/err")"
	fi
	# No database: exit 1, nothing on stdout.
	run "$get" -d "$work/nodb" sent:smtp
	if [ $rc -eq 1 ] && [ ! -s "$work/out" ] && [ -s "$work/err" ]; then
		tl_ok "postfix-stats-get without a database: exit 1, nothing on stdout"
	else
		tl_fail "postfix-stats-get without a database" "exit $rc, stdout \"$(cat "$work/out")\""
	fi
fi
tl_summary
