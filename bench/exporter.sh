#!/bin/sh
# SPDX-License-Identifier: ISC
# bench/exporter.sh - requests/s of postfix-stats-exporter's /metrics (a
# database read and the text rendered per request) against its static
# landing page / (the HTTP cost alone), side by side in one run, with wrk
# (EXPORTER_CONNS connections, EXPORTER_SECS seconds each, one wrk thread:
# the machine has few cores), and the exporter's RSS (current and peak)
# under that load. The database is a real one: 200,000 corpus lines.
. "$(dirname "$0")/common.sh"
build
need wrk wrk || { echo "exporter: wrk missing" >&2; exit 1; }
EXPORTER=$BUILD/postfix-stats-exporter
CONNS=${EXPORTER_CONNS:-8}
SECS=${EXPORTER_SECS:-10}
PORT=${EXPORTER_PORT:-29159}
machine
db=$(freshdb db-exporter)
log=$OUT/exporter.log
trap 'kill "$epid" 2>/dev/null; rm -rf "$db" "$log"' EXIT
sh "$BENCH/mklog.sh" "$log" 20 2>/dev/null
"$STATSD" --once --from-start -l "$log" -d "$db" 2>/dev/null
chmod -R a+rX "$db"
u=""; [ "$(id -u)" = 0 ] && u="-u nobody"
"$EXPORTER" -f $u -d "$db" -L "127.0.0.1:$PORT" 2>"$OUT/exporter.err" &
epid=$!
i=0
until curl -s -o /dev/null "http://127.0.0.1:$PORT/"; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "exporter did not start" >&2; exit 1; }
	sleep 0.1
done
bytes=$(curl -s "http://127.0.0.1:$PORT/metrics" | wc -c)
rps() {		# rps PATH -> requests/s
	wrk -t1 -c"$CONNS" -d"${SECS}s" "http://127.0.0.1:$PORT$1" |
	    awk '/^Requests\/sec/ {print $2}'
}
rss() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$epid/status"; }
page=$(rps /)
metrics=$(rps /metrics)
cur=$(rss VmRSS)
hwm=$(rss VmHWM)
echo "# postfix-stats-exporter: wrk -t1 -c$CONNS -d${SECS}s on 127.0.0.1; /metrics is $bytes bytes"
awk -v p="$page" -v m="$metrics" 'BEGIN {
	printf "  %-28s %10.0f req/s\n", "/ (static page, baseline)", p
	printf "  %-28s %10.0f req/s  (%.2f of the baseline)\n", "/metrics (database read)", m, m / p
}'
echo "  RSS under load: $cur KiB now, $hwm KiB peak"
