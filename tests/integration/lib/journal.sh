# SPDX-License-Identifier: ISC
# journal.sh - helpers for the journal tests (sourced after common.sh)
#
# jr_init                 SKIP (exit 77) without systemd-journal-remote;
#                         $jdir=$work/journal
# jr_export OUT FIRST FILES..  export format of FILES' syslog lines in OUT,
#                         entries numbered from FIRST; OUT.kept: the lines
#                         turned into entries
# jr_append JFILE EXPORT  append EXPORT's entries to journal file JFILE (a
#                         new name is a new file: a rotation)
# jr_start ARGS           postfix-statsd -f -d $db ARGS in the background
# jr_contract DB          the contract keys (no self: keys)
# jr_same REF_DB DB       0 if the two databases' contract keys are equal
# jr_dropped N UNIT SEQ  an export entry of journald's "Suppressed N
#                         messages from UNIT" (stdout), numbered SEQ as
#                         syslog2export.sh numbers entries
JREMOTE=${JREMOTE:-/lib/systemd/systemd-journal-remote}
jr_lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

jr_init() {
	if [ ! -x "$JREMOTE" ]; then
		echo "SKIP $it_name: $JREMOTE not installed (package" \
		    "systemd-journal-remote)"
		exit 77
	fi
	jdir=$work/journal
}

jr_export() {
	local out=$1 first=$2
	shift 2
	sh "$jr_lib/syslog2export.sh" -s "$first" -k "$out.kept" "$@" >"$out" \
	    || it_fail "syslog2export failed"
}

jr_append() {
	"$JREMOTE" --output="$1" "$2" >>"$work/jremote.err" 2>&1 \
	    || it_fail "systemd-journal-remote failed: $(tail -n 3 "$work/jremote.err")"
}

jr_start() {
	echo "=== start: $*" >>"$work/statsd.err"
	it_mark=$(wc -l <"$work/statsd.err")
	"$STATSD" -f -d "$db" "$@" 2>>"$work/statsd.err" &
	spid=$!
	it_track "$spid"
}

jr_contract() {
	"$GET" -d "$1" --all | awk '$1 !~ /^self:/'
}

jr_same() {
	jr_contract "$1" >"$work/c1" || return 1
	jr_contract "$2" >"$work/c2" || return 1
	if ! diff -u "$work/c1" "$work/c2" >"$work/diff"; then
		echo "--- counters differ (- reference, + journal):"
		grep '^[-+][a-z]' "$work/diff"
		return 1
	fi
	return 0
}

# jr_ref DB FILE: one --once --from-start pass over FILE into DB.
jr_ref() {
	rm -rf "$1"
	"$STATSD" --once --from-start -l "$2" -d "$1" 2>>"$work/ref.err" \
	    || it_fail "reference pass failed: $(tail -n 3 "$work/ref.err")"
}

jr_dropped() {
	printf '__REALTIME_TIMESTAMP=%s\n' $((1764547200000000 + $3 * 1000))
	printf '__MONOTONIC_TIMESTAMP=%s\n' "$3"
	printf '_BOOT_ID=5e1fa0c4a1b34b5c8e7f0d2a3b4c5d6e\n'
	printf '_HOSTNAME=mx1\n_TRANSPORT=driver\nSYSLOG_FACILITY=3\n'
	printf 'SYSLOG_IDENTIFIER=systemd-journald\n'
	printf 'MESSAGE_ID=a596d6fe7bfa4994828e72309e95d61e\n'
	printf 'N_DROPPED=%s\n' "$1"
	printf 'MESSAGE=Suppressed %s messages from %s\n\n' "$1" "${2:-postfix@-.service}"
}
