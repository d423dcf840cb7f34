#!/bin/bash
# SPDX-License-Identifier: ISC
# t_unsafe_paths.sh: the follower refuses, with one clear line on stderr and
# a non-zero exit, a database in a world-writable directory (/tmp itself or
# a 1777 directory), data files planted as symbolic links, and a pidfile
# that is a symbolic link; it creates its files 0644 in a 0755 directory,
# nothing world-writable; a second follower on the same database refuses
# to start (it would count every line twice).
. "$(dirname "$0")/lib/common.sh"
it_init t_unsafe_paths

printf 'Nov 29 00:07:00 mx postfix/smtpd[1]: 641E0104455: client=a[192.0.2.1]\n' >"$log"

refused() {	# what, expected stderr pattern, statsd args...
	local what=$1 pat=$2
	shift 2
	if "$STATSD" --once --from-start -l "$log" "$@" 2>"$work/err"; then
		it_fail "$what: accepted"
	fi
	[ "$(wc -l <"$work/err")" -ge 1 ] || it_fail "$what: no message"
	grep -q "$pat" "$work/err" || it_fail "$what: unclear message: $(cat "$work/err")"
}

# 1. /tmp/NAME: a directory in a world-writable one
name=/tmp/pfstats-unsafe.$$
refused "db directly in /tmp" "world-writable" -d "$name"
[ ! -e "$name" ] || { rm -rf "$name"; it_fail "created $name in /tmp"; }

# 2. a 1777 directory of our own
mkdir -m 1777 "$work/sticky"
refused "db in a 1777 dir" "world-writable" -d "$work/sticky/db"

# 3. data.mdb planted as a symbolic link to a file of the attacker's choice
mkdir -m 0755 "$work/planted"
echo precious >"$work/target"
ln -s "$work/target" "$work/planted/data.mdb"
refused "symlinked data.mdb" "not a regular file" -d "$work/planted"
[ "$(cat "$work/target")" = precious ] || it_fail "the symlink target was written"

# 4. a symlinked pidfile
ln -s "$work/target" "$work/pid"
if "$STATSD" -f -l "$log" -d "$db" -p "$work/pid" 2>"$work/err" & then
	pid=$!
	it_track "$pid"
	it_wait 10 it_gone "$pid" || it_fail "started with a symlinked pidfile"
	wait "$pid" && it_fail "symlinked pidfile: exit status 0"
	it_forget "$pid"
fi
grep -q "pidfile" "$work/err" || it_fail "symlinked pidfile: unclear message: $(cat "$work/err")"
[ "$(cat "$work/target")" = precious ] || it_fail "the pidfile symlink target was written"

# 5. modes of what it creates, with a permissive umask
( umask 000; "$STATSD" --once --from-start -l "$log" -d "$db" ) || it_fail "a normal run failed"
[ "$(stat -c %a "$db")" = 755 ] || it_fail "db dir mode $(stat -c %a "$db")"
for f in data.mdb lock.mdb; do
	m=$(stat -c %a "$db/$f")
	[ "$m" = 644 ] || it_fail "$f mode $m"
done
[ -z "$(find "$db" -perm -o+w)" ] || it_fail "world-writable files in $db"

# 6. one follower per database
it_start
it_wait 20 it_started || it_fail "the first follower did not start"
if "$STATSD" --once -l "$log" -d "$db" 2>"$work/err"; then
	it_fail "a second follower on the same database started"
fi
grep -q "in use by another postfix-statsd" "$work/err" || it_fail "second follower: unclear message: $(cat "$work/err")"
it_stop TERM
it_pass "world-writable dirs, symlinks and a second writer refused; modes 0755/0644"
