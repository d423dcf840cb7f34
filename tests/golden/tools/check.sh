#!/bin/sh
# SPDX-License-Identifier: ISC
# check.sh - re-derive every tests/golden/*.expected from the corpus in two independent
# ways (golden_count.pl, grep_count.sh) and compare with the committed files and with
# the hand counts in hand_counts.txt. Prints OK/DIFF lines; exit status 1 on any difference.
#
# usage: tests/golden/tools/check.sh [CORPUS_DIR]   (default tests/corpus)
set -u
here=$(cd "$(dirname "$0")" && pwd)
golden=$(dirname "$here")
corpus=${1:-$(cd "$(dirname "$0")/../../.." && pwd)/tests/corpus}
rc=0
for f in "$corpus"/*.log "$corpus"/*.log.gz; do
    b=$(basename "$f"); n=${b%.gz}; n=${n%.log}
    exp="$golden/$n.expected"
    a=$(perl "$here/golden_count.pl" "$f")
    g=$(sh "$here/grep_count.sh" "$f")
    e=$(cat "$exp" 2>/dev/null || echo MISSING)
    if [ "$a" = "$e" ] && [ "$g" = "$e" ]; then echo "OK   $n"
    else
        echo "DIFF $n"; rc=1
        [ "$a" = "$e" ] || { echo "  golden_count.pl vs $n.expected:"; printf '%s\n' "$a" | diff - "$exp" | sed 's/^/    /'; }
        [ "$g" = "$e" ] || { echo "  grep_count.sh vs $n.expected:"; printf '%s\n' "$g" | diff - "$exp" | sed 's/^/    /'; }
    fi
done
grep -v '^#' "$here/hand_counts.txt" | while read -r n rest; do
    a=$(grep -v ' 0$' "$golden/$n.expected" | tr ' ' '=' | tr '\n' ' ' | sed 's/ $//')
    if [ "$a" = "$rest" ]; then echo "OK   hand $n"; else echo "DIFF hand $n: expected=[$a] hand=[$rest]"; exit 1; fi
done || rc=1
exit $rc
