#!/bin/bash
# SPDX-License-Identifier: ISC
# t_statsd_start.sh: postfix-statsd's start and its conventions (SPEC 1.1,
# 1.5): -h/--help on stdout with exit 0, -V/--version "postfix-statsd
# VERSION", a bad option named with exit 2; a daemon whose start fails
# says why (the parent prints the child's reason) and leaves no pidfile;
# a normal daemon exit removes its pidfile; a second follower on one
# database is refused naming the first one's pid; without -l the log is
# Postfix's own maillog_file (postconf -h maillog_file, here through
# MAIL_CONFIG); a database written by round 1 is migrated and says so; a
# position saved by another kind of source (the journal's) makes the file
# start at its end, and says so.
. "$(dirname "$0")/lib/common.sh"
it_init t_statsd_start
top=$it_top
line='Nov 29 00:07:00 mx postfix/smtpd[1]: 641E0104455: client=a[192.0.2.1]'
printf '%s\n' "$line" >"$log"

# 1. the conventions
"$STATSD" --help >"$work/out" 2>"$work/err" || it_fail "--help: exit $?"
grep -q '^usage: postfix-statsd' "$work/out" || it_fail "--help: no usage on stdout"
[ ! -s "$work/err" ] || it_fail "--help wrote to stderr"
for o in -f -l -d --once --from-start --rotated-dir -p -u -q -n -x \
    --map-size --journal --journal-dir -V; do
	grep -q -- "$o" "$work/out" || it_fail "--help does not list $o"
done
"$STATSD" -h >/dev/null || it_fail "-h: exit $?"
v=$(cat "$top/VERSION")
[ "$("$STATSD" -V)" = "postfix-statsd $v" ] || it_fail "-V: $("$STATSD" -V)"
[ "$("$STATSD" --version)" = "postfix-statsd $v" ] || it_fail "--version"
"$STATSD" --no-such-option >/dev/null 2>"$work/err"
[ $? -eq 2 ] || it_fail "bad option: not exit 2"
grep -q -- '--no-such-option' "$work/err" || it_fail "bad option not named: $(cat "$work/err")"
"$STATSD" -q x >/dev/null 2>&1
[ $? -eq 2 ] || it_fail "-q x: not exit 2"

# 2. a failed daemon start says why and leaves no pidfile
"$STATSD" -l "$work/absent/mail.log" -d "$db" -p "$work/statsd.pid" 2>"$work/err"
[ $? -eq 1 ] || it_fail "failed daemon start: not exit 1"
grep -q "cannot read $work/absent/mail.log" "$work/err" || it_fail "failed start: reason not given: $(cat "$work/err")"
[ ! -e "$work/statsd.pid" ] || it_fail "failed start left its pidfile"

# 3. a daemon runs, a second follower is refused with the first one's pid
"$STATSD" -l "$log" -d "$db" -p "$work/statsd.pid" 2>"$work/err" || it_fail "daemon start: $(cat "$work/err")"
it_wait 10 test -s "$work/statsd.pid" || it_fail "no pidfile"
dpid=$(cat "$work/statsd.pid")
it_track "$dpid"
"$STATSD" --once -l "$log" -d "$db" 2>"$work/err" && it_fail "a second follower started"
grep -q "database $db is in use by another postfix-statsd (pid $dpid)" "$work/err" \
    || it_fail "second follower: unclear message: $(cat "$work/err")"
"$STATSD" -l "$log" -d "$db" -p "$work/second.pid" 2>"$work/err" && it_fail "a second daemon started"
grep -q "in use by another postfix-statsd (pid $dpid)" "$work/err" \
    || it_fail "second daemon: the parent did not say why: $(cat "$work/err")"
[ ! -e "$work/second.pid" ] || it_fail "the second daemon left its pidfile"
kill -TERM "$dpid"
it_wait 10 it_gone "$dpid" || it_fail "the daemon did not stop"
it_forget "$dpid"
[ ! -e "$work/statsd.pid" ] || it_fail "a normal exit left the pidfile"

# 4. no -l: Postfix's maillog_file
if command -v postconf >/dev/null 2>&1 || [ -x /usr/sbin/postconf ]; then
	mkdir "$work/pfconf"
	printf 'maillog_file = %s\n' "$work/postfix.log" >"$work/pfconf/main.cf"
	printf '%s\n%s\n' "$line" "$line" >"$work/postfix.log"
	MAIL_CONFIG=$work/pfconf "$STATSD" --once --from-start -d "$work/db2" \
	    2>"$work/err" || it_fail "maillog_file: $(cat "$work/err")"
	[ "$("$GET" -d "$work/db2" recv:smtp)" = 2 ] || it_fail "maillog_file was not the default log"
else
	it_msg "postconf not installed: the maillog_file default is not checked"
fi

# 5. a round-1 database is migrated, and says so
mkdir -m 0755 "$work/old"
cp "$top/tests/fixtures/db-round1/data.mdb" "$work/old/"
"$STATSD" --once -l "$log" -d "$work/old" 2>"$work/err" || it_fail "round-1 database: $(cat "$work/err")"
grep -q "migrated from schema 1" "$work/err" || it_fail "migration not logged: $(cat "$work/err")"
[ "$("$GET" -d "$work/old" sent:smtp)" = "$(awk '$1 == "sent:smtp" { print $2 }' \
    "$top/tests/fixtures/db-round1/counters.expected")" ] || it_fail "migrated counters differ"

# 6. a journal position: the file starts at its end
if command -v mdb_load >/dev/null 2>&1; then
	printf 'VERSION=3\nformat=print\ntype=btree\nHEADER=END\n pos\n PSJ1s=cursor-of-a-journal\nDATA=END\n' \
	    | mdb_load -s meta "$db" || it_fail "mdb_load"
	printf '%s\n' "$line" >>"$log"
	"$STATSD" --once --from-start -l "$log" -d "$db" 2>"$work/err" || it_fail "journal position: $(cat "$work/err")"
	grep -q "saved position is the journal source's; starting $log at its end" "$work/err" \
	    || it_fail "journal position: not said: $(cat "$work/err")"
	before=$("$GET" -d "$db" recv:smtp)
	printf '%s\n' "$line" >>"$log"
	"$STATSD" --once -l "$log" -d "$db" 2>"$work/err" || it_fail "after: $(cat "$work/err")"
	[ "$("$GET" -d "$db" recv:smtp)" = $((before + 1)) ] || it_fail "not resumed from the file's end"
else
	it_msg "mdb_load not installed: the journal position is not checked"
fi
it_pass "conventions, failed start, pidfile, second follower, maillog_file, migration, source change"
