#!/bin/bash
# SPDX-License-Identifier: ISC
# t_log_recreated.sh: the log is deleted and created again (not renamed).
# While the follower runs: it notices the new file and reads it from the
# start. While it is stopped: it starts the new file from the start (it
# reports the old one as gone). Either way every line of the new file is
# counted once, and no line of the old one twice.
. "$(dirname "$0")/lib/common.sh"
it_init t_log_recreated

it_data "$work/data" 40000
it_ref "$work/ref" "$work/data"
mkdir "$work/parts"
split -l 10000 -a 1 "$work/data" "$work/parts/p."
set -- "$work"/parts/p.*

# 1. while running
cat "$1" >"$log"
it_start --from-start
it_catch_up 10000
rm "$log"
cat "$2" >"$log.new"		# the new file appears complete ...
mv "$log.new" "$log"
it_catch_up 20000
rm "$log"
: >"$log"			# ... or empty, then grows
cat "$3" >>"$log"
it_catch_up 30000

# 2. while stopped (after everything was read)
it_stop TERM
[ "$src" -eq 0 ] || it_fail "exit status $src after SIGTERM"
rm "$log"
cat "$4" >"$log"
it_start --from-start
it_catch_up 40000
it_stop TERM
[ "$src" -eq 0 ] || it_fail "exit status $src after SIGTERM"
it_compare "$work/ref" "$db" || it_fail "after the log was recreated"
it_pass "recreated 3 times, $ref_lines lines, counts exact"
