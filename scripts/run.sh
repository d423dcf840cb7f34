#!/bin/sh
# SPDX-License-Identifier: ISC
# The README's first command: install what building needs, build, and count
# what Postfix logged: /var/log/mail.log (or /var/log/maillog) when there is
# one; else, on a system with a journal holding Postfix entries (a stock
# Debian 12), the journal; else the sample log shipped in samples/. Into a
# database under build/; then it prints every counter.
#   sh scripts/run.sh            count once and print the counters
#   sh scripts/run.sh --follow   then keep following the log (Ctrl-C stops)
set -eu
cd "$(dirname "$0")/.."
need=""
for p in make gcc libc6-dev liblmdb-dev libsystemd-dev libarchive-dev \
    libjson-c-dev libsnmp-dev libmicrohttpd-dev; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    need="$need $p"
done
[ -z "$need" ] || sh scripts/deps.sh $need
make -s
src="-l samples/sample-mail.log" what=samples/sample-mail.log
for l in /var/log/mail.log /var/log/maillog; do
	if [ -r "$l" ]; then src="-l $l" what=$l; break; fi
done
if [ "$what" = samples/sample-mail.log ] && command -v journalctl >/dev/null &&
    journalctl -q -n 1 SYSLOG_FACILITY=2 2>/dev/null | grep -q postfix; then
	src=--journal what="the systemd journal"
fi
db=build/demo-db
echo "counting $what into $db"
# shellcheck disable=SC2086
build/postfix-statsd --once --from-start $src -d "$db"
build/postfix-stats-get -d "$db" --all
if [ "${1:-}" = "--follow" ]; then
	echo "following $what (Ctrl-C to stop); read with: build/postfix-stats-get -d $db KEY"
	# shellcheck disable=SC2086
	exec build/postfix-statsd -f $src -d "$db"
fi
