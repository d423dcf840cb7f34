# SPDX-License-Identifier: ISC
# bench/common.sh - sourced by the bench scripts.
set -eu
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
OUT=${BENCH_OUT:-$BENCH/out}
BUILD=${BUILD:-$ROOT/build}
STATSD=$BUILD/postfix-statsd
GET=$BUILD/postfix-stats-get
BT=$OUT/benchtool
CORPUS=${CORPUS:-$ROOT/tests/corpus}
mkdir -p "$OUT"

# Build the programs and the drivers (quietly) unless told not to.
build() {
	[ -n "${BENCH_NOBUILD:-}" ] && return 0
	make -s -C "$ROOT" >/dev/null
	make -s -C "$BENCH" >/dev/null
}

# Is CMD there? Packages are installed by scripts/deps.sh only: name PKG.
need() {	# need CMD PKG
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "# $1 missing: install $2 (sh scripts/deps.sh $2, as root)" >&2
	return 1
}

fsize() { stat -c %s "$1"; }

# machine caveat printed at the top of every report
machine() {
	echo "# host: $(nproc) cpu(s), $(awk '/model name/{$1=$2=$3="";print;exit}' /proc/cpuinfo | sed 's/^ *//'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "# shared, noisy machine: compare ratios from the same run, not absolute times"
}

# A fresh database directory (never under /tmp: the store refuses
# world-writable parents).
freshdb() {	# freshdb NAME -> path
	rm -rf "$OUT/$1"
	echo "$OUT/$1"
}
