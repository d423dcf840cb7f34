#!/bin/sh
# SPDX-License-Identifier: ISC
# grep_count.sh - second, independent way to compute a golden expectation:
# one anchored grep -E per counter (plus one grep -o | sort | uniq -c for the
# sent:T transports). Written separately from golden_count.pl; the two must agree.
#
# usage: grep_count.sh FILE   (FILE may be .gz)
# output: same format as golden_count.pl (static keys + non-zero sent:T, C-sorted)
set -eu
f=$1
export LC_ALL=C
cat_f() { case $f in *.gz) zcat "$f" ;; *) cat "$f" ;; esac; }

# TIMESTAMP: RFC 3339 | [YYYY ]Mon [ |0]D HH:MM:SS[.frac]; then HOST; then a tag whose first
# component starts with "postfix", contains at least one "/", then "[pid]:" or ":".
TS='([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})|([0-9]{4} )?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ( ?[0-9]|[0-9]{2}) [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?)'
INST='postfix[^]/ :[]*(/[^]/ :[]+)*'      # syslog_name + optional service components
PID='(\[[0-9]+\])?: +(\[ID [0-9]+ [A-Za-z0-9_.]+\] )?'
h() { printf '^%s [^ ]+ %s/%s%s' "$TS" "$INST" "$1" "$PID"; }   # header for daemon regex $1
ANY='[^]/ :[]+'
QID='[A-Za-z0-9]+: '
ADDR='<([^">]|"[^"]*")*>'
CODE4='4[0-9]{2}([ -]|$)'
CODE5='5[0-9]{2}([ -]|$)'
FIELDS="(, [a-z_]+=($ADDR|[^,<][^,]*|))*"   # optional name=value fields before status=
DELIV="${QID}to=$ADDR$FIELDS, status="

n() { cat_f | grep -caE "$1" || true; }
# delivery lines must also contain relay= among the fields: checked with a 2nd grep
nd() { cat_f | grep -aE "$1" | grep -aE "$(h "$ANY")${QID}to=$ADDR(, [a-z_]+=($ADDR|[^,<][^,]*|))*, relay=" | grep -caE "$2" || true; }

{
echo "recv:smtp $(n "$(h smtpd)[A-Za-z0-9]+: client=")"
echo "recv:smtp_noqueue $(n "$(h smtpd)NOQUEUE: client=")"
echo "recv:local $(n "$(h pickup)${QID}(uid|sender)=")"
echo "status:sent $(nd "$(h "$ANY")${DELIV}sent" .)"
echo "status:deferred $(nd "$(h "$ANY")${DELIV}deferred" .)"
echo "status:bounced $(nd "$(h "$ANY")${DELIV}bounced" .)"
echo "status:expired_d $(nd "$(h "$ANY")${DELIV}(expired|force-expired)" .)"
echo "status:expired_q $(n "$(h "$ANY")${QID}from=$ADDR, status=(expired|force-expired)([, ]|$)")"
for d in smtp lmtp; do
  for c in 4 5; do
    eval cc=\$CODE$c
    a=$(nd "$(h $d)${DELIV}(deferred|bounced) \\(host [^ ]+ (said|refused to talk to me): $cc" .)
    b=$(n "$(h $d)${QID}host [^ ]+ (said|refused to talk to me): $cc")
    echo "$d:${c}xx $((a + b))"
  done
done
for c in 4 5; do
  eval cc=\$CODE$c
  a=$(n "$(h '(smtpd|postscreen)')(NOQUEUE|[A-Za-z0-9]+): (reject|milter-reject): [^ ]+ from [^ ]+: $cc")
  b=$(n "$(h cleanup)${QID}milter-reject: [^ ]+ from [^ ]+: (${c}\.[0-9]{1,3}\.[0-9]{1,3}([ ;]|$)|$cc)" )
  bl=$(n "$(h cleanup)${QID}milter-reject: [^ ]+ from local: (${c}\.[0-9]{1,3}\.[0-9]{1,3}([ ;]|$)|$cc)" )
  hb=$(n "$(h cleanup)${QID}reject: (header|body) .* from [^ ]+; from=<.*: ${c}\.[0-9]{1,3}\.[0-9]{1,3}( |$)")
  hbl=$(n "$(h cleanup)${QID}reject: (header|body) .* from local; from=<.*: ${c}\.[0-9]{1,3}\.[0-9]{1,3}( |$)")
  echo "smtpd:${c}xx $((a + b - bl + hb - hbl))"
done
# sent:T : relay value R (first relay= field), daemon D
cat_f | grep -aE "$(h "$ANY")${DELIV}sent( |$)" \
  | grep -aoE "/$ANY(\[[0-9]+\])?: +(\[ID [0-9]+ [A-Za-z0-9_.]+\] )?${QID}to=$ADDR(, [a-z_]+=($ADDR|[^,<][^,]*|))*, relay=[^,]*" \
  | sed -E 's|^/([^:[]+)(\[[0-9]+\])?: .*, relay=([^,]*)$|\1 \3|' \
  | awk '{ d = $1; r = $2; t = (r ~ /\[/ || r == "none") ? d : r;
           if (t !~ /^[A-Za-z0-9._-]+$/ || length(t) > 32) t = "_overflow"; c[t]++ }
         END { for (t in c) print "sent:" t, c[t] }'
} | awk '
  { v[$1] += $2 }
  END {
    v["status:expired"] += v["status:expired_d"] + v["status:expired_q"]
    delete v["status:expired_d"]; delete v["status:expired_q"]; v["recv:smtp"] -= v["recv:smtp_noqueue"]; delete v["recv:smtp_noqueue"]
    split("lmtp:4xx lmtp:5xx recv:local recv:smtp sent:_overflow sent:lmtp sent:local sent:smtp sent:virtual smtp:4xx smtp:5xx smtpd:4xx smtpd:5xx status:bounced status:deferred status:expired status:sent", s, " ")
    for (i in s) if (!(s[i] in v)) v[s[i]] = 0
    for (k in v) if (v[k] != 0) print k, v[k]
    for (i in s) if (v[s[i]] == 0) print s[i], 0
  }' | sort -u
