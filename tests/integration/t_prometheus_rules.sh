#!/bin/bash
# SPDX-License-Identifier: ISC
# t_prometheus_rules.sh: the shipped Prometheus files are valid and do what
# they say: `promtool check rules` and `check config` pass, and `promtool
# test rules` shows each alert firing when it should and not before
# (contrib/prometheus/postfix-stats.rules.test.yml). The check is not blind:
# a broken rule fails it.
. "$(dirname "$0")/lib/common.sh"
it_init t_prometheus_rules
command -v promtool >/dev/null || { echo "SKIP t_prometheus_rules: no promtool"; exit 77; }
dir=$it_top/contrib/prometheus
promtool check rules "$dir/postfix-stats.rules.yml" >"$work/out" 2>&1 \
    || it_fail "check rules: $(tail -5 "$work/out")"
promtool check config "$dir/prometheus.yml" >"$work/out" 2>&1 \
    || it_fail "check config: $(tail -5 "$work/out")"
(cd "$dir" && promtool test rules postfix-stats.rules.test.yml) >"$work/out" 2>&1 \
    || it_fail "test rules: $(tail -20 "$work/out")"
# A broken expression and a wrong expectation must fail.
sed 's/> 300/> 300 +/' "$dir/postfix-stats.rules.yml" >"$work/bad.rules.yml"
promtool check rules "$work/bad.rules.yml" >/dev/null 2>&1 && it_fail "a broken rule passes"
cp "$dir/postfix-stats.rules.yml" "$work/"
sed 's/eval_time: 12m/eval_time: 30m/' "$dir/postfix-stats.rules.test.yml" >"$work/t.yml"
(cd "$work" && promtool test rules t.yml) >/dev/null 2>&1 && it_fail "a wrong expectation passes"
# Every metric the rules use is one the exporter serves (SPEC 1.4 names).
# (self: names are made by keys.c's SELF_C/SELF_T macros from the key.)
for m in $(grep -v '^ *#' "$dir/postfix-stats.rules.yml" |
    grep -o '[^:a-z_]postfix_stats_[a-z_]*' | cut -c2- | sort -u); do
	case $m in
	postfix_stats_self_*_timestamp_seconds)
		n=${m#postfix_stats_self_}; n=${n%_timestamp_seconds}
		grep -q "SELF_T(.*\"$n\"" "$it_top/src/core/keys.c" ;;
	postfix_stats_self_*_total)
		n=${m#postfix_stats_self_}; n=${n%_total}
		grep -q "SELF_C(.*\"$n\"" "$it_top/src/core/keys.c" ;;
	*)
		grep -q "\"$m\"" "$it_top/src/core/keys.c" ;;
	esac || it_fail "rules use $m, which keys.c does not define"
	nm=$((${nm:-0} + 1))
done
[ "${nm:-0}" -ge 5 ] || it_fail "found only ${nm:-0} metric names in the rules"
it_pass "check rules, check config, test rules (alerts fire in time)"
