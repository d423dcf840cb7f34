# SPDX-License-Identifier: ISC
# seedpick.awk - pick representative log lines for the fuzz seed corpus: the
# first line of each (tag, message shape, status/reply/reject kind); one line per
# non-Postfix program. Used by mkseeds.sh.
{
	line = $0
	tag = ""; msg = ""
	# find the tag: the token ending in ':' or ']:' after timestamp/host (rough)
	n = split(line, w, " ")
	for (i = 1; i <= n && i <= 6; i++)
		if (w[i] ~ /(\]:|:)$/ && w[i] ~ /[a-zA-Z]/ && w[i] !~ /^[0-9:.]+$/ && w[i] !~ /^[A-Z][a-z][a-z]:?$/) { tag = w[i]; break }
	sub(/\[[0-9]*\]:$/, "", tag); sub(/:$/, "", tag)
	d = tag; sub(/.*\//, "", d)
	rest = ""
	for (j = i + 1; j <= n; j++) rest = rest " " w[j]
	# skip queue id
	sub(/^ +/, "", rest)
	if (rest ~ /^[A-Za-z0-9]+: /) sub(/^[A-Za-z0-9]+: /, "", rest)
	split(rest, m, /[ =<]/)
	shape = m[1]
	st = ""
	if (match(rest, /status=[a-z-]+/)) st = substr(rest, RSTART, RLENGTH)
	if (rest ~ /said: [0-9]/) st = st "+said" substr(rest, index(rest, "said: ") + 6, 1)
	if (rest ~ /refused to talk/) st = st "+refused"
	if (rest ~ /reject:/) { r = rest; sub(/.*reject: /, "", r); split(r, rr, " "); st = st "+rej:" rr[1]; if (match(r, /: [2-5][0-9][0-9] /)) st = st substr(r, RSTART + 2, 1) }
	if (rest ~ /relay=[^,\[]*,/) { match(rest, /relay=[^,\[]*,/); st = st "+" substr(rest, RSTART, RLENGTH) }
	key = tag "|" shape "|" st
	if (tag !~ /postfix/) { t = tag; sub(/[\[(].*/, "", t); key = "other|" t }
	if (!(key in seen)) { seen[key] = 1; print line }
}
