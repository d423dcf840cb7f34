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

# apt-get install PKG if CMD is missing; return 1 if still missing.
need() {	# need CMD PKG
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "# installing $2" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" \
		    >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 &&
		    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" \
		    >/dev/null 2>&1; } || true
	fi
	command -v "$1" >/dev/null 2>&1
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
