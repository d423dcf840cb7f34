#!/bin/bash
# SPDX-License-Identifier: ISC
# t_reader_nobody.sh: a database written by root is read by `nobody`
# (postfix-stats-get works without write access to anything, also while the
# follower commits), and nobody can change nothing: writing to data.mdb,
# lock.mdb or the directory fails, postfix-statsd as nobody cannot commit,
# and nothing is world-writable.
. "$(dirname "$0")/lib/common.sh"
it_init t_reader_nobody
[ "$(id -u)" = 0 ] || it_fail "needs root"
chmod 755 "$work"		# nobody must get to $work/db

as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
}
as_nobody "$GET" --version >/dev/null 2>&1
[ $? = 0 ] || it_fail "nobody cannot run $GET (is the tree readable?)"

it_data "$work/data" 90000
head -n 30000 "$work/data" >"$log"
"$STATSD" --once --from-start -l "$log" -d "$db" 2>>"$work/statsd.err" \
    || it_fail "postfix-statsd --once failed"

# 1. nobody reads every counter, and each one alone
"$GET" -d "$db" --all >"$work/root.all" || it_fail "root cannot read"
as_nobody "$GET" -d "$db" --all >"$work/nobody.all" 2>"$work/nobody.err" \
    || it_fail "nobody cannot read: $(cat "$work/nobody.err")"
diff -u "$work/root.all" "$work/nobody.all" || it_fail "nobody reads other values"
while read -r key val; do
	got=$(as_nobody "$GET" -d "$db" "$key" 2>&1) \
	    || it_fail "nobody: $key: $got"
	[ "$got" = "$val" ] || it_fail "nobody: $key is $got, root read $val"
done <"$work/root.all"
[ "$(wc -l <"$work/root.all")" -gt 10 ] || it_fail "too few counters"

# 2. modes: nothing world-writable, owned by root
for f in "$db" "$db/data.mdb" "$db/lock.mdb"; do
	m=$(stat -c %a "$f")
	o=$(stat -c %U "$f")
	[ $((8#$m & 8#002)) = 0 ] || it_fail "$f is world-writable ($m)"
	[ $((8#$m & 8#020)) = 0 ] || it_fail "$f is group-writable ($m)"
	[ "$o" = root ] || it_fail "$f is owned by $o"
done

# 3. nobody cannot modify anything
cp -a "$db" "$work/db.before"
must_fail() {
	if as_nobody sh -c "$1" sh "$db" 2>/dev/null; then
		it_fail "nobody could: $1"
	fi
}
must_fail ': >>"$1/data.mdb"'
must_fail ': >>"$1/lock.mdb"'
must_fail 'printf x | dd of="$1/data.mdb" bs=1 seek=4096 conv=notrunc'
must_fail 'truncate -s 0 "$1/lock.mdb"'
must_fail ': >"$1/new"'
must_fail 'rm -f "$1/data.mdb"'
must_fail 'mv "$1/data.mdb" "$1/x"'
must_fail 'chmod 666 "$1/data.mdb"'
must_fail 'mkdir "$1/d"'
cmp -s "$db/data.mdb" "$work/db.before/data.mdb" || it_fail "data.mdb changed"
[ "$(ls "$db")" = "$(ls "$work/db.before")" ] || it_fail "the directory changed"
sed -n 30001,60000p "$work/data" >>"$log"
if as_nobody "$STATSD" --once -l "$log" -d "$db" 2>"$work/nobody.err"; then
	it_fail "postfix-statsd as nobody could commit"
fi
[ -s "$work/nobody.err" ] || it_fail "postfix-statsd as nobody failed silently"
"$GET" -d "$db" --all >"$work/root.after"
diff -u "$work/root.all" "$work/root.after" || it_fail "the counters changed"

# 4. nobody reads while root's follower commits (lock-less readers)
it_start
it_wait 30 it_started || it_fail "the follower did not start"
prev=0 n=0
for c in $(seq 1 30); do
	sed -n "$((59001 + c * 1000)),$((60000 + c * 1000))p" "$work/data" >>"$log"
	for r in 1 2 3; do
		v=$(as_nobody "$GET" -d "$db" self:lines 2>"$work/nobody.err") \
		    || it_fail "nobody, reading during commits: $(cat "$work/nobody.err")"
		[ "$v" -ge "$prev" ] || it_fail "self:lines went back from $prev to $v"
		prev=$v n=$((n + 1))
	done
done
it_catch_up 90000
it_stop TERM
it_ref "$work/ref" "$work/data"
it_compare "$work/ref" "$db" || it_fail "at the end"
as_nobody "$GET" -d "$db" --all >"$work/nobody.all" || it_fail "nobody cannot read at the end"
"$GET" -d "$db" --all | diff -u - "$work/nobody.all" || it_fail "nobody reads other values at the end"
it_pass "nobody reads every counter ($n reads during commits), changes nothing"
