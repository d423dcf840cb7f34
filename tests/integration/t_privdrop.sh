#!/bin/bash
# SPDX-License-Identifier: ISC
# t_privdrop.sh: started as root with -u nobody, the follower runs with every
# uid and gid of nobody (real, effective, saved, filesystem), no
# supplementary group of root's and no capability; the database belongs to
# nobody; and it still counts: new lines, a rename rotation (the new log
# opened as nobody) and a deleted data.mdb recreated as nobody.
. "$(dirname "$0")/lib/common.sh"
it_init t_privdrop
[ "$(id -u)" = 0 ] || it_fail "needs root"
chmod 755 "$work"
uid=$(id -u nobody) gid=$(id -g nobody)

it_data "$work/data" 30000
head -n 10000 "$work/data" >"$log"
it_start --from-start -u nobody
it_wait 30 it_started || it_fail "the follower did not start"
it_catch_up 10000

st=/proc/$spid/status
ids() {
	awk -v k="$1:" '$1 == k { $1 = ""; print substr($0, 2) }' "$st"
}
[ "$(ids Uid)" = "$uid $uid $uid $uid" ] || it_fail "Uid: $(ids Uid)"
[ "$(ids Gid)" = "$gid $gid $gid $gid" ] || it_fail "Gid: $(ids Gid)"
for g in $(ids Groups); do
	[ "$g" = "$gid" ] || it_fail "supplementary groups: $(ids Groups)"
done
for c in CapPrm CapEff CapBnd; do
	v=$(ids $c)
	[ "$c" = CapBnd ] || [ "$v" = 0000000000000000 ] || it_fail "$c: $v"
done
for f in "$db" "$db/data.mdb" "$db/lock.mdb"; do
	o=$(stat -c %U "$f")
	[ "$o" = nobody ] || it_fail "$f is owned by $o, not nobody"
done

# still counting: lines, a rotation, a deleted database
sed -n 10001,15000p "$work/data" >>"$log"
it_catch_up 15000
mv "$log" "$log.1"
sed -n 15001,20000p "$work/data" >"$log"
it_catch_up 20000
rm -f "$db/data.mdb" "$db/lock.mdb"
it_wait 30 test -f "$db/data.mdb" || it_fail "data.mdb not recreated as nobody"
sed -n 20001,30000p "$work/data" >>"$log"
it_catch_up 30000
o=$(stat -c %U "$db/data.mdb")
[ "$o" = nobody ] || it_fail "the recreated data.mdb is owned by $o"
it_stop TERM
[ "$src" -eq 0 ] || it_fail "exit status $src after SIGTERM"
it_ref "$work/ref" "$work/data"
it_compare "$work/ref" "$db" || it_fail "at the end"
it_pass "runs as nobody ($uid:$gid), counts exact"
