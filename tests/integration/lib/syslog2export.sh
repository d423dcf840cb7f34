#!/bin/sh
# SPDX-License-Identifier: ISC
#
# NAME
#	syslog2export.sh - syslog lines to the systemd journal export format
# SYNOPSIS
#	syslog2export.sh [-s FIRST] [-k KEPT] [FILE...] >EXPORT
# DESCRIPTION
#	Reads syslog lines ("Mmm dd hh:mm:ss HOST TAG[PID]: MESSAGE", also
#	with fractional seconds, a leading year, or an RFC 3339 time stamp)
#	and writes one
#	journal entry per line in the export format that
#	systemd-journal-remote turns into journal files: SYSLOG_IDENTIFIER
#	(TAG), SYSLOG_PID and _PID, MESSAGE (without the "TAG[PID]: "),
#	_HOSTNAME, SYSLOG_FACILITY=2, _TRANSPORT=syslog, and the time stamps
#	and boot id the format needs. __MONOTONIC_TIMESTAMP is the entry's
#	number (FIRST, FIRST + 1, ...), so that entries are distinct and in
#	order across runs that append to the same journal; the wall clock
#	time does not matter for counting.
#
#	Lines in no such form are left out; with -k, the lines turned into
#	entries are written to KEPT, the file that counts the same as the
#	journal.
# DIAGNOSTICS
#	Exit 0; awk's status on errors.
# SECURITY
#	Test data only.
set -u
first=1
kept=/dev/null
while getopts s:k: o; do
	case $o in
	s) first=$OPTARG ;;
	k) kept=$OPTARG ;;
	*) echo "usage: syslog2export.sh [-s FIRST] [-k KEPT] [FILE...]" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
LC_ALL=C exec awk -v n="$first" -v kept="$kept" '
BEGIN {
	bsd = "^[A-Z][a-z][a-z] +[0-9]+ [0-9][0-9]:[0-9][0-9]:[0-9][0-9](\\.[0-9]+)? "
	iso = "^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[^ ]+ "
	ng = "^[0-9][0-9][0-9][0-9] [A-Z][a-z][a-z] +[0-9]+ [0-9:.]+ "
}
{
	line = $0
	if (match(line, bsd) || match(line, iso) || match(line, ng))
		rest = substr(line, RLENGTH + 1)
	else
		next
	if (!match(rest, /^[^ ]+ /))
		next
	host = substr(rest, 1, RLENGTH - 1)
	rest = substr(rest, RLENGTH + 1)
	if (!match(rest, /^[^ \[\]:]+/))
		next
	tag = substr(rest, 1, RLENGTH)
	rest = substr(rest, RLENGTH + 1)
	pid = ""
	if (match(rest, /^\[[0-9]+\]: /)) {
		pid = substr(rest, 2, RLENGTH - 4)
	} else if (!match(rest, /^: /)) {
		next
	}
	msg = substr(rest, RLENGTH + 1)
	printf "__REALTIME_TIMESTAMP=%.0f\n__MONOTONIC_TIMESTAMP=%.0f\n", \
	    1764547200000000 + n * 1000, n
	printf "_BOOT_ID=5e1fa0c4a1b34b5c8e7f0d2a3b4c5d6e\n"
	printf "_HOSTNAME=%s\n_TRANSPORT=syslog\nSYSLOG_FACILITY=2\n", host
	printf "SYSLOG_IDENTIFIER=%s\n", tag
	if (pid != "")
		printf "SYSLOG_PID=%s\n_PID=%s\n", pid, pid
	printf "MESSAGE=%s\n\n", msg
	print line > kept
	n++
}' "$@"
