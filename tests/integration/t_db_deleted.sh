#!/bin/bash
# SPDX-License-Identifier: ISC
# t_db_deleted.sh: the database is deleted while the follower runs under
# load: first data.mdb and lock.mdb, then the whole directory. Each time the
# follower says so on stderr, recreates it with the counts carried over
# (self:db_recreated counts it), and in the end the counts are exact.
. "$(dirname "$0")/lib/common.sh"
it_init t_db_deleted

it_data "$work/data" 120000
it_ref "$work/ref" "$work/data"
mkdir "$work/chunks"
split -l 500 -a 4 "$work/data" "$work/chunks/c."

recreated() {
	[ "$(it_since_start | grep -c 'was deleted; recreating')" -ge "$1" ] \
	    && [ -f "$db/data.mdb" ] && [ "$(it_get "$db" self:db_recreated)" = "$1" ]
}

: >"$log"
it_start --from-start
it_wait 30 it_started || it_fail "the follower did not start"
( for c in "$work"/chunks/c.*; do
	cat "$c" >>"$log"
	sleep 0.02
done ) &
wpid=$!
it_track "$wpid"

it_wait 30 it_lines_atleast "$db" 20000 || it_fail "no progress"
rm -f "$db/data.mdb" "$db/lock.mdb"
it_wait 30 recreated 1 || it_fail "data.mdb deleted: not recreated in 30 s"
mode=$(stat -c %a "$db/data.mdb")
[ "$mode" = 644 ] || it_fail "the recreated data.mdb has mode $mode"

it_wait 30 it_lines_atleast "$db" 60000 || it_fail "no progress"
rm -rf "$db"
it_wait 30 recreated 2 || it_fail "directory deleted: not recreated in 30 s"
mode=$(stat -c %a "$db")
[ "$mode" = 755 ] || it_fail "the recreated directory has mode $mode"

it_wait "$IT_TIMEOUT" it_gone "$wpid" || it_fail "the writer did not finish"
wait "$wpid"
it_forget "$wpid"
it_catch_up "$ref_lines"
it_stop TERM
[ "$src" -eq 0 ] || it_fail "exit status $src after SIGTERM"
it_compare "$work/ref" "$db" || it_fail "after two deletions"
it_pass "deleted twice under load, recreated, counts exact"
