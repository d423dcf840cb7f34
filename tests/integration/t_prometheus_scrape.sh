#!/bin/bash
# SPDX-License-Identifier: ISC
# t_prometheus_scrape.sh: a real Prometheus scrapes postfix-stats-exporter
# (every second) while postfix-statsd counts the log of a real Postfix on
# loopback with mail flowing; Prometheus's query API then returns the values
# postfix-stats-get prints for sent:smtp, recv:smtp, smtpd:5xx and the custom
# transport sent:legal. node_exporter (textfile collector only) serves the
# file the shipped textfile script wrote, with the same values. Everything
# on 127.0.0.1, its own config and data in $work, stopped at the end.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/postfix-env.sh"
. "$(dirname "$0")/lib/prom-env.sh"
it_init t_prometheus_scrape
[ "$(id -u)" = 0 ] || it_fail "needs root (runs a real Postfix)"
for p in prometheus prometheus-node-exporter jq; do
	command -v "$p" >/dev/null || { echo "SKIP t_prometheus_scrape: no $p"; exit 77; }
done
chmod 755 "$work"

pfdir=$(mktemp -d -t pfenv.XXXXXXXX)
stop_postfix() { pfenv_stop >/dev/null 2>&1; rm -rf -- "$pfdir"; }
it_cleanup_hook=stop_postfix
pfenv_install >/dev/null 2>&1 || it_fail "cannot install postfix"
pfenv_start "$pfdir" 2>"$work/pfenv.err" || it_fail "pfenv_start: $(tail -3 "$work/pfenv.err")"
log=$pfdir/maillog
it_wait 30 test -s "$log" || it_fail "Postfix wrote no log"
it_start --from-start
it_wait 30 it_started || it_fail "the follower did not start"

eport=$(pe_port) && pport=$(pe_port) && nport=$(pe_port) || it_fail "no free ports"
pe_exporter_start "$eport"

mkdir -p "$work/prom" "$work/textfile"
cat >"$work/prometheus.yml" <<EOC
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: postfix-stats
    static_configs:
      - targets: ['127.0.0.1:$eport']
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$nport']
EOC
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prom" \
    --web.listen-address="127.0.0.1:$pport" --log.level=warn \
    2>"$work/prometheus.err" &
ppid_=$!
it_track "$ppid_"
prometheus-node-exporter --web.listen-address="127.0.0.1:$nport" \
    --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$work/textfile" 2>"$work/node.err" &
npid=$!
it_track "$npid"

target_up() { [ "$(pe_query "$pport" 'up{job="postfix-stats"}')" = 1 ]; }
it_wait 60 target_up || it_fail "Prometheus does not scrape the exporter: $(tail -3 "$work/prometheus.err")"

# Mail flows while Prometheus scrapes.
pfenv_send_mix >"$work/mix.out" 2>&1 || it_fail "mix failed: $(tail -5 "$work/mix.out")"
pfenv_print_expected >"$work/exp"
counted() {
	local key want
	while read -r key want; do
		[ "$(it_get "$db" "$key")" = "$want" ] || return 1
	done <"$work/exp"
}
it_wait 60 counted || it_fail "the follower did not count the mix"

# The textfile, as the shipped recipe writes it.
POSTFIX_STATS_GET="$GET" POSTFIX_STATS_DB=$db \
    sh "$it_top/contrib/prometheus/postfix-stats-textfile.sh" "$work/textfile" \
    || it_fail "the textfile script failed"
[ -s "$work/textfile/postfix-stats.prom" ] || it_fail "no textfile written"
ls -A "$work/textfile" | grep -q '^\.' && it_fail "the script left a temporary file"

check() {
	local key=$1 expr=$2 want got
	want=$(it_get "$db" "$key")
	got=$(pe_query "$pport" "$expr{job=\"postfix-stats\"}")
	[ -n "$want" ] && [ "$got" = "$want" ]
}
pairs="sent:smtp|postfix_stats_sent_total{transport=\"smtp\"}
recv:smtp|postfix_stats_received_total{source=\"smtp\"}
smtpd:5xx|postfix_stats_rejects_total{class=\"5xx\"}
sent:legal|postfix_stats_sent_total{transport=\"legal\"}"
while IFS='|' read -r key series; do
	name=${series%%\{*} labels=${series#*\{}
	labels=${labels%\}}
	expr="$name{$labels,job=\"postfix-stats\"}"
	want=$(it_get "$db" "$key")
	[ "${want:-0}" -gt 0 ] || it_fail "$key is '$want': the mix should have moved it"
	same() { [ "$(pe_query "$pport" "$expr")" = "$(it_get "$db" "$key")" ]; }
	it_wait 30 same || it_fail "Prometheus has $expr = '$(pe_query "$pport" "$expr")', postfix-stats-get $key = '$(it_get "$db" "$key")'"
	nexpr="$name{$labels,job=\"node\"}"
	nsame() { [ "$(pe_query "$pport" "$nexpr")" = "$(it_get "$db" "$key")" ]; }
	it_wait 30 nsame || it_fail "node_exporter's textfile: $nexpr = '$(pe_query "$pport" "$nexpr")', want $want"
	it_msg "$key = $want in Prometheus (exporter and textfile)"
done <<<"$pairs"
curl -s --max-time 5 "http://127.0.0.1:$nport/metrics" | grep -q '^node_textfile_scrape_error 0' \
    || it_fail "node_exporter reports a textfile scrape error"
[ "$(pe_query "$pport" 'count(up == 1)')" = 2 ] || it_fail "not both targets up"

kill -TERM "$ppid_" "$npid" 2>/dev/null
it_wait 30 it_gone "$ppid_" || it_fail "prometheus did not stop"
it_wait 30 it_gone "$npid" || it_fail "node_exporter did not stop"
wait "$ppid_" "$npid" 2>/dev/null
it_forget "$ppid_"; it_forget "$npid"
pe_stop "$epid"
[ "$pe_rc" = 0 ] || it_fail "exporter exit status $pe_rc after SIGTERM"
it_stop TERM
it_pass "Prometheus = postfix-stats-get for sent:smtp, recv:smtp, smtpd:5xx, sent:legal (exporter and textfile)"
