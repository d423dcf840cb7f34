#!/bin/sh
# The README's first command: install what building needs, build, and count
# a mail log. It reads /var/log/mail.log (or /var/log/maillog) when there is
# one, else the sample log shipped in samples/, into a database under
# build/, and prints every counter.
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
log=samples/sample-mail.log
for l in /var/log/mail.log /var/log/maillog; do
	if [ -r "$l" ]; then log=$l; break; fi
done
db=build/demo-db
echo "counting $log into $db"
build/postfix-statsd --once --from-start -l "$log" -d "$db"
build/postfix-stats-get -d "$db" --all
if [ "${1:-}" = "--follow" ]; then
	echo "following $log (Ctrl-C to stop); read with: build/postfix-stats-get -d $db KEY"
	exec build/postfix-statsd -f -l "$log" -d "$db"
fi
