#!/bin/bash
# SPDX-License-Identifier: ISC
# t_exporter_http.sh: postfix-stats-exporter's HTTP side. /metrics and
# postfix-stats-get --prometheus print the same text and both pass
# `promtool check metrics`; the values are postfix-stats-get's; / is a page,
# other paths 404, other methods 405 (with Allow); no database is a 503 with
# a one-line reason, never numbers. Hostile clients: huge headers, hundreds
# of idle and half-sent connections from one address: another address is
# still served meanwhile, the idle ones are dropped after the timeout, peak
# RSS stays under 64 MiB. -h/-V/bad options; runs as nobody; SIGTERM exits 0.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/prom-env.sh"
it_init t_exporter_http
[ "$(id -u)" = 0 ] || it_fail "needs root (drops to nobody)"
command -v promtool >/dev/null || { echo "SKIP t_exporter_http: no promtool"; exit 77; }
[ -x "$EXPORTER" ] || it_fail "$EXPORTER not built"
chmod 755 "$work"		# nobody must get to $work/db

# Options
"$EXPORTER" -h >"$work/h" 2>&1 && grep -q '^usage: postfix-stats-exporter' "$work/h" \
    || it_fail "-h"
[ "$("$EXPORTER" -V)" = "postfix-stats-exporter $(cat "$it_top/VERSION")" ] || it_fail "-V"
"$EXPORTER" -Z >/dev/null 2>"$work/z"; [ $? = 2 ] && grep -q -- '-Z' "$work/z" \
    || it_fail "a bad option does not exit 2 naming it"
"$EXPORTER" -f -L 127.0.0.1:0x50 >/dev/null 2>&1; [ $? = 2 ] || it_fail "bad port accepted"
"$EXPORTER" -f -u no-such-user-here -L 127.0.0.1:1 >/dev/null 2>&1; [ $? = 1 ] \
    || it_fail "unknown user accepted"

port=$(pe_port) || it_fail "no free port"

# No database: 503 and a reason, no numbers.
db=$work/nodb pe_exporter_start "$port"
code=$(curl -s -o "$work/body" -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/metrics")
[ "$code" = 503 ] || it_fail "no database: status $code, want 503"
[ "$(wc -l <"$work/body")" = 1 ] && grep -q 'database unavailable' "$work/body" \
    || it_fail "no database: body is not one line with a reason: $(head -c 200 "$work/body")"
grep -q '[0-9]' "$work/body" && it_fail "no database: numbers in the body"
pe_stop "$epid"

# A database with real counts.
it_data "$work/data" 20000
"$STATSD" --once --from-start -l "$work/data" -d "$db" 2>>"$work/statsd.err" \
    || it_fail "postfix-statsd --once failed"
pe_exporter_start "$port"
[ "$(ps -o user= -p "$epid")" = nobody ] || it_fail "the exporter does not run as nobody"
curl -s -D "$work/hdr" -o "$work/metrics" --max-time 5 "http://127.0.0.1:$port/metrics" \
    || it_fail "GET /metrics failed"
grep -qi '^content-type: text/plain; version=0.0.4; charset=utf-8' "$work/hdr" \
    || it_fail "Content-Type: $(grep -i content-type "$work/hdr")"
promtool check metrics <"$work/metrics" >"$work/lint" 2>&1; rc=$?
[ $rc = 0 ] || it_fail "promtool check metrics on /metrics: exit $rc: $(head -5 "$work/lint")"
"$GET" -d "$db" --prometheus >"$work/get.prom" || it_fail "--prometheus failed"
promtool check metrics <"$work/get.prom" >"$work/lint" 2>&1; rc=$?
[ $rc = 0 ] || it_fail "promtool check metrics on --prometheus: exit $rc: $(head -5 "$work/lint")"
cmp -s "$work/metrics" "$work/get.prom" || it_fail "/metrics and --prometheus differ"
# The check is not blind: a counter without _total fails it.
sed 's/postfix_stats_sent_total/postfix_stats_sent/g' "$work/metrics" |
    promtool check metrics >/dev/null 2>&1; rc=$?
[ $rc = 3 ] || it_fail "promtool check metrics exits $rc on a lint problem, want 3"
for kv in "sent:smtp|postfix_stats_sent_total{transport=\"smtp\"}" \
    "recv:smtp|postfix_stats_received_total{source=\"smtp\"}" \
    "smtpd:5xx|postfix_stats_rejects_total{class=\"5xx\"}" \
    "self:lines|postfix_stats_self_lines_total"; do
	key=${kv%%|*} series=${kv#*|}
	want=$("$GET" -d "$db" "$key")
	got=$(grep -F "$series " "$work/metrics" | grep -v "^#" | awk "{print \$2}")
	[ -n "$want" ] && [ "$got" = "$want" ] || it_fail "$series is '$got', $key is '$want'"
done
[ "$("$GET" -d "$db" recv:smtp)" -gt 0 ] || it_fail "the data counted no recv:smtp"

# Paths and methods
[ "$(pe_http "http://127.0.0.1:$port/")" = 200 ] || it_fail "/ is not 200"
for p in /metricsx /metrics/ /x '/..%2f..%2fetc/passwd' /favicon.ico; do
	c=$(pe_http "http://127.0.0.1:$port$p")
	[ "$c" = 404 ] || it_fail "$p: $c, want 404"
done
for m in POST PUT DELETE OPTIONS PATCH TRACE; do
	c=$(pe_http "http://127.0.0.1:$port/metrics" -X "$m" -D "$work/mh")
	[ "$c" = 405 ] || it_fail "$m: $c, want 405"
	grep -qi '^allow: GET, HEAD' "$work/mh" || it_fail "$m: no Allow header"
done
c=$(curl -s -o "$work/head" -w '%{http_code}' --max-time 5 -I "http://127.0.0.1:$port/metrics")
[ "$c" = 200 ] || it_fail "HEAD: $c"

# Huge headers: refused, and the next request is served.
big=$(head -c 100000 /dev/zero | tr '\0' a)
c=$(pe_http "http://127.0.0.1:$port/metrics" -H "X-Big: $big")
case $c in 200) it_fail "a 100 kB header was accepted" ;; esac
c=$(pe_http "http://127.0.0.1:$port/metrics" $(for i in $(seq 1 400); do printf -- '-H X-H%d:%s ' "$i" "${big:0:100}"; done))
case $c in 200) it_fail "400 headers of 100 bytes were accepted" ;; esac
[ "$(pe_http "http://127.0.0.1:$port/metrics")" = 200 ] || it_fail "not served after huge headers"

# Hundreds of idle and half-sent connections from 127.0.0.1 (beyond the
# per-address limit the exporter closes them at once: no SIGPIPE here).
trap '' PIPE
fds=""
for i in $(seq 1 300); do
	exec {fd}<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null || continue
	fds="$fds $fd"
	if [ $((i % 3)) = 0 ]; then
		printf 'GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ' >&$fd 2>/dev/null
	fi
done
n=$(echo $fds | wc -w)
[ "$n" -ge 200 ] || it_fail "only $n idle connections could be opened"
t0=$(now_ms)
c=$(pe_http "http://127.0.0.1:$port/metrics" --interface 127.0.0.2)
[ "$c" = 200 ] || it_fail "with $n idle connections from 127.0.0.1, 127.0.0.2 got $c"
it_msg "$n idle connections from 127.0.0.1; 127.0.0.2 served in $(( $(now_ms) - t0 )) ms"
# After the idle timeout (10 s), 127.0.0.1 is served again although the
# idle sockets are still open on this side.
served() { [ "$(pe_http "http://127.0.0.1:$port/metrics")" = 200 ]; }
it_wait 25 served \
    || it_fail "127.0.0.1 not served again after the idle timeout"
for fd in $fds; do exec {fd}>&-; done
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$epid/status")
it_msg "peak RSS ${hwm} kB"
[ "$hwm" -lt 65536 ] || it_fail "peak RSS $hwm kB >= 64 MiB"

pe_stop "$epid"
[ "$pe_rc" = 0 ] || it_fail "exit status $pe_rc after SIGTERM"

# contrib/postfix-stats-exporter.service: its ExecStart line as the unit
# runs it (an unprivileged user that may only read the database, -f),
# program, database and LISTEN put in, serves the same /metrics.
unit=$it_top/contrib/postfix-stats-exporter.service
cmd=$(sed -n 's/^ExecStart=//p' "$unit")
case $cmd in /usr/sbin/postfix-stats-exporter\ *) ;; *) it_fail "the unit's ExecStart ($cmd) is not the packaged program" ;; esac
cmd=${cmd/\/usr\/sbin\/postfix-stats-exporter/$EXPORTER}
cmd=${cmd/\/var\/lib\/postfix-stats/$db}
cmd=${cmd/\$\{LISTEN\}/127.0.0.1:$port}
# shellcheck disable=SC2086
setpriv --reuid=nobody --regid=nogroup --clear-groups -- $cmd 2>>"$work/exporter.err" &
epid=$!
it_track "$epid"
it_wait 20 pe_answers "$port" || it_fail "the unit's ExecStart ($cmd) does not answer: $(tail -3 "$work/exporter.err")"
curl -s -o "$work/unit.metrics" --max-time 5 "http://127.0.0.1:$port/metrics" || it_fail "unit: GET /metrics"
"$GET" -d "$db" --prometheus >"$work/get2.prom"
cmp -s "$work/unit.metrics" "$work/get2.prom" || it_fail "the unit's exporter serves other values than postfix-stats-get --prometheus"
pe_stop "$epid"
[ "$pe_rc" = 0 ] || it_fail "the unit's exporter: exit status $pe_rc after SIGTERM"
it_pass "/metrics = --prometheus, promtool clean; 404/405/503; $n idle connections; peak RSS $hwm kB"
