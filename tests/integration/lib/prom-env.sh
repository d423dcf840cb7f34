# SPDX-License-Identifier: ISC
# prom-env.sh - the exporter, Prometheus and node_exporter for the tests
# (sourced by bash scripts after common.sh)
#
# pe_port                 a free TCP port on 127.0.0.1 (20000-31999)
# pe_exporter_start PORT [ARGS]  postfix-stats-exporter -f -u nobody
#                         -L 127.0.0.1:PORT -d $db ARGS in the background;
#                         $epid, stderr in $work/exporter.err; waits until
#                         it answers (bounded)
# pe_stop PID             SIGTERM, wait at most 20 s (then SIGKILL); $pe_rc
# pe_http URL [CURL ARGS] the status code of one request (000: none)
# pe_query PROMPORT EXPR  the value of a one-series PromQL query, or nothing
#
# Everything listens on 127.0.0.1 only; every wait is bounded.
EXPORTER=${EXPORTER:-$BUILD/postfix-stats-exporter}

pe_port() {
	local used p i
	used=" $(ss -Hltn 2>/dev/null | awk '{n=split($4,a,":"); printf "%s ", a[n]}') "
	for i in $(seq 1 200); do
		p=$((20000 + RANDOM % 12000))
		case $used in *" $p "*) continue ;; esac
		case " ${pe_taken:-} " in *" $p "*) continue ;; esac
		pe_taken="${pe_taken:-} $p"
		echo "$p"
		return 0
	done
	return 1
}

pe_http() {
	local url=$1
	shift
	curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" "$url"
}

pe_answers() {
	[ "$(pe_http "http://127.0.0.1:$1/")" = 200 ]
}

pe_exporter_start() {
	local port=$1
	shift
	"$EXPORTER" -f -u nobody -L "127.0.0.1:$port" -d "$db" "$@" \
	    2>>"$work/exporter.err" &
	epid=$!
	it_track "$epid"
	it_wait 20 pe_answers "$port" ||
	    it_fail "the exporter does not answer on 127.0.0.1:$port: $(tail -3 "$work/exporter.err")"
}

pe_stop() {
	kill -TERM "$1" 2>/dev/null
	if ! it_wait 20 it_gone "$1"; then
		kill -9 "$1" 2>/dev/null
	fi
	wait "$1" 2>/dev/null
	pe_rc=$?
	it_forget "$1"
}

pe_query() {
	curl -s --max-time 5 -G "http://127.0.0.1:$1/api/v1/query" \
	    --data-urlencode "query=$2" |
	    jq -r 'if .status == "success" and (.data.result | length) == 1
		then .data.result[0].value[1] else empty end' 2>/dev/null
}
