#!/bin/bash
# SPDX-License-Identifier: ISC
# Draws docs/mrtg-example.png: needs `apt install faketime snmpd snmp mrtg`, root, a built tree (run from the repository).
# One-off: replay a real Postfix log through postfix-statsd -> snmpd (exec, extend) -> MRTG
# with a simulated clock for MRTG (faketime), to draw docs/mrtg-example.png.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. $top/tests/integration/lib/snmpd-env.sh
w=/tmp/exp/demo; rm -rf $w; mkdir -p $w/bin $w/mrtg; chmod 755 $w
install -m 755 $top/build/postfix-stats-get $w/bin/
G=$top/tests/golden/real-postfix-3.7.log
: > $w/mail.log
$top/build/postfix-statsd -f -l $w/mail.log -d $w/db 2>$w/statsd.err &
fp=$!
trap 'snmpenv_stop; kill $fp; wait $fp' EXIT
sleep 0.5
snmpenv_start $w $w/bin/postfix-stats-get $w/db || exit 1
{ echo "WorkDir: $w/mrtg"; sed -e "s#public@localhost#$SNMPENV_AGENT#g" $top/contrib/mrtg-postfix-stats.cfg; } > $w/mrtg.cfg
start=$(date -d '2026-11-28 00:00:00' +%s)
steps=${STEPS:-300}
total=0 pos=0
L=$(wc -l < $G)
keys="sent:smtp sent:local recv:smtp recv:local smtp:4xx smtp:5xx smtpd:4xx smtpd:5xx"
for ((k = 0; k < steps; k++)); do
  t=$((start + k * 300))
  # lines per 5 min: a working day (quiet at night, busy 9-17 h), some noise
  n=$(awk -v m=$((k * 5 % 1440)) -v r=$RANDOM 'BEGIN { h = m / 60; f = (h > 6 && h < 21) ? sin(3.14159 * (h - 6) / 15) : 0;
        if (h > 12 && h < 13.5) f *= 0.7; printf "%d", 120 + 1500 * f ^ 1.3 + (r % 160) }')
  while [ $n -gt 0 ]; do
    take=$(( n < L - pos ? n : L - pos ))
    sed -n "$((pos + 1)),$((pos + take))p" $G >> $w/mail.log
    pos=$(( (pos + take) % L )); n=$((n - take)); total=$((total + take))
  done
  end=$((SECONDS + 20))
  until [ "$($top/build/postfix-stats-get -d $w/db self:lines)" = $total ]; do [ $SECONDS -lt $end ] || { echo "step $k: follower timeout"; break; }; sleep 0.05; done
  want=$(for x in $keys; do $top/build/postfix-stats-get -d $w/db $x; done | tr '\n' ' ')
  end=$((SECONDS + 15))
  # every row: each exec row has its own 5 s cache in snmpd
  until [ "$(snmpenv_get .1.3.6.1.4.1.2021.8.1.101.{1..8} | tr '\n' ' ')" = "$want" ]; do [ $SECONDS -lt $end ] || { echo "step $k: snmp timeout"; break; }; sleep 0.25; done
  (cd $w && faketime "$(date -u -d @$t '+%Y-%m-%d %H:%M:%S')" env LANG=C mrtg $w/mrtg.cfg) >> $w/mrtg.out 2>&1
done
ls -la $w/mrtg/*day.png; head -2 $w/mrtg/postfix_sent.log
grep -v 'Rateup WARNING' $w/mrtg.out | head
