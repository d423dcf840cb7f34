#!/bin/bash
# SPDX-License-Identifier: ISC
# t_bad_input.sh: start-up errors and bad keys give one clear line on
# stderr, nothing on stdout and a non-zero exit, never a made-up number:
# an unreadable log (chmod 000, run as nobody), a missing log, a database in
# a world-writable directory, an unknown -u user; postfix-stats-get with
# malformed keys and with a database that does not exist. A well-formed key
# that was never counted prints 0.
. "$(dirname "$0")/lib/common.sh"
it_init t_bad_input
[ "$(id -u)" = 0 ] || it_fail "needs root"
chmod 755 "$work"
checks=0

as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
}

# expect_error WHAT PATTERN CMD...: CMD exits non-zero, prints nothing on
# stdout and one line on stderr (a usage message may have more) that
# matches PATTERN (grep -E, case-blind).
expect_error() {
	local what=$1 pat=$2 rc
	shift 2
	"$@" >"$work/out" 2>"$work/err"
	rc=$?
	[ "$rc" -ne 0 ] || it_fail "$what: exit status 0"
	[ "$rc" -lt 128 ] || it_fail "$what: killed by signal $((rc - 128))"
	[ ! -s "$work/out" ] || it_fail "$what: stdout: $(head -c 200 "$work/out")"
	[ "$(wc -l <"$work/err")" = 1 ] || [ "$pat" = usage ] \
	    || it_fail "$what: not one line on stderr: $(cat "$work/err")"
	grep -qiE -- "$pat" "$work/err" \
	    || it_fail "$what: stderr does not say /$pat/: $(cat "$work/err")"
	checks=$((checks + 1))
}

expect_value() {	# DB KEY VALUE
	local got rc
	got=$("$GET" -d "$1" "$2" 2>"$work/err")
	rc=$?
	[ "$rc" = 0 ] || it_fail "$2: exit status $rc: $(cat "$work/err")"
	[ "$got" = "$3" ] || it_fail "$2: printed '$got', expected '$3'"
	[ ! -s "$work/err" ] || it_fail "$2: stderr: $(cat "$work/err")"
	checks=$((checks + 1))
}

# postfix-statsd: the log cannot be read (as nobody, the log chmod 000).
# nobody runs a copy of the daemon in a directory of its own, so that the
# test does not depend on where the tree was cloned (a 0700 parent).
nbin=$(mktemp -d) || it_fail "mktemp"
it_cleanup_hook="rm -rf $nbin"
chmod 755 "$nbin"
install -m 0755 "$STATSD" "$nbin/postfix-statsd"
mkdir "$work/nb"
chown nobody: "$work/nb"
it_corpus
grep -v postfix "$work/corpus.log" | head -n 100 >"$log"	# dovecot lines
chown nobody: "$log"
chmod 000 "$log"
as_nobody test -r "$log" && it_fail "nobody can read a chmod 000 file"
for mode in --once -f; do
	expect_error "unreadable log ($mode)" "$log.*permission denied" \
	    as_nobody timeout 30 "$nbin/postfix-statsd" $mode --from-start -l "$log" -d "$work/nb/db"
done
expect_error "missing log" "$work/nope.*no such file" \
    timeout 30 "$STATSD" --once -l "$work/nope" -d "$work/db2"
# -l naming a directory: an error at start, in both modes, also for "/x".
for mode in --once -f; do
	expect_error "-l naming a directory ($mode)" "$work/logs is a directory" \
	    timeout 30 "$STATSD" $mode -l "$work/logs" -d "$work/dirdb"
done
expect_error "-l naming a directory in / (--once)" "/tmp is a directory" \
    timeout 30 "$STATSD" --once -l /tmp -d "$work/dirdb"
mkdir -m 1777 "$work/ww"
expect_error "database in a world-writable directory" "world-writable" \
    timeout 30 "$STATSD" --once -l "$log" -d "$work/ww/db"
expect_error "unknown user" "unknown user" \
    timeout 30 "$STATSD" --once -l "$log" -d "$work/db3" -u no-such-user-pfstats

# postfix-stats-get
chmod 644 "$log"
"$STATSD" --once --from-start -l "$log" -d "$db" 2>"$work/err" \
    || it_fail "postfix-statsd --once: $(cat "$work/err")"
for key in sent sent: :smtp : "" nosuch:thing smtp:6xx 'sent:a b' \
    'sent:x;y' "status:$(printf 'x%.0s' $(seq 300))" 'sent:smtp extra'; do
	expect_error "key '$key'" "malformed|unknown|usage" "$GET" -d "$db" "$key"
done
expect_error "two keys" "usage" "$GET" -d "$db" sent:smtp sent:local
expect_error "an unknown option" "usage" "$GET" -d "$db" -x sent:smtp
expect_error "--all and a key" "usage" "$GET" -d "$db" --all sent:smtp
expect_error "no key" "usage" "$GET" -d "$db"

# a key never counted is 0 (the log has no Postfix lines)
for key in sent:smtp SENT:smtp Sent:local sent:neverseen smtp:4xx LMTP:5xx \
    smtpd:5xx recv:local status:expired self:lost; do
	expect_value "$db" "$key" 0
done
expect_value "$db" self:lines 100
expect_value "$db" SELF:LINES 100

# databases that cannot be opened
expect_error "no database" "cannot open" "$GET" -d "$work/nodb" sent:smtp
expect_error "no database (--all)" "cannot open" "$GET" -d "$work/nodb" --all
mkdir "$work/emptydb"
expect_error "an empty directory" "cannot open" "$GET" -d "$work/emptydb" sent:smtp
mkdir "$work/junkdb"
head -c 65536 /dev/urandom >"$work/junkdb/data.mdb"
expect_error "a data.mdb of junk" "cannot" "$GET" -d "$work/junkdb" sent:smtp
expect_error "POSTFIX_STATS_DB missing" "cannot open" \
    env POSTFIX_STATS_DB="$work/nodb" "$GET" sent:smtp
it_pass "$checks checks"
