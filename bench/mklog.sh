#!/bin/sh
# SPDX-License-Identifier: ISC
# bench/mklog.sh [PATH [SIZE_MB]] - build a large, realistic mail log by
# repeating the real lines of the public corpus (*.log, zcat *.log.gz) until
# the file reaches SIZE_MB (default 256; PATH default bench/out/big.log).
# The result ends at a line boundary, at the first copy past SIZE_MB (or,
# below the corpus size, just under SIZE_MB).
. "$(dirname "$0")/common.sh"
DEST=${1:-$OUT/big.log}
MB=${2:-${BENCH_LOG_MB:-256}}
WANT=$((MB * 1024 * 1024))
SEED=$OUT/seed.log

if [ ! -s "$SEED" ] || [ "$SEED" -ot "$CORPUS" ]; then
	: >"$SEED.tmp"
	for f in "$CORPUS"/*.log "$CORPUS"/*.log.gz; do
		[ -e "$f" ] || continue
		case $f in
		*.gz) zcat "$f" ;;
		*) cat "$f" ;;
		esac >>"$SEED.tmp"
		# a file without a final newline must not glue two lines
		[ "$(tail -c1 "$SEED.tmp" | od -An -c | tr -d ' ')" = '\n' ] ||
		    echo >>"$SEED.tmp"
	done
	mv "$SEED.tmp" "$SEED"
fi
[ -s "$SEED" ] || { echo "mklog: no corpus in $CORPUS" >&2; exit 1; }

if [ -f "$DEST" ] && [ "$(fsize "$DEST")" -ge "$WANT" ] &&
   [ "$(fsize "$DEST")" -lt $((WANT + $(fsize "$SEED"))) ] &&
   [ "$DEST" -nt "$SEED" ]; then
	echo "# $DEST: $(($(fsize "$DEST") / 1048576)) MB (kept)" >&2
	exit 0
fi
if [ "$WANT" -lt "$(fsize "$SEED")" ]; then
	# smaller than the corpus: its first WANT bytes, whole lines only
	head -c "$WANT" "$SEED" | sed '$d' >"$DEST.tmp"
	mv "$DEST.tmp" "$DEST"
	echo "# $DEST: $(($(fsize "$DEST") / 1048576)) MB (head of the corpus)" >&2
	exit 0
fi
# double up to half the target, then add seed copies
cp "$SEED" "$DEST.tmp"
while [ $(( $(fsize "$DEST.tmp") * 2 )) -le "$WANT" ]; do
	cat "$DEST.tmp" "$DEST.tmp" >"$DEST.tmp2" && mv "$DEST.tmp2" "$DEST.tmp"
done
while [ "$(fsize "$DEST.tmp")" -lt "$WANT" ]; do
	cat "$SEED" >>"$DEST.tmp"
done
mv "$DEST.tmp" "$DEST"
echo "# $DEST: $(($(fsize "$DEST") / 1048576)) MB, $(wc -l <"$DEST") lines" \
    "from $(wc -l <"$SEED") corpus lines" >&2
