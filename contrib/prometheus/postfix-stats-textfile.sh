#!/bin/sh
# SPDX-License-Identifier: ISC
#
# NAME
#	postfix-stats-textfile - write the counters for node_exporter's
#	textfile collector
# SYNOPSIS
#	postfix-stats-textfile.sh [DIR]
# DESCRIPTION
#	Runs postfix-stats-get --prometheus into a temporary file in DIR
#	(default /var/lib/prometheus/node-exporter, Debian's textfile
#	directory) and renames it to DIR/postfix-stats.prom, so that
#	node_exporter never reads a half-written file (a rename within one
#	file system is atomic). Run it from cron or the systemd timer beside
#	it, every minute. POSTFIX_STATS_GET names the reader
#	(default: postfix-stats-get in PATH); POSTFIX_STATS_DB the database.
# DIAGNOSTICS
#	Exit 1 and the reader's message on stderr when the database cannot be
#	read; the previous file is then REMOVED, so that stale counts are not
#	served as current (node_exporter's scrape goes on; alert on
#	absent(postfix_stats_self_lines_total)).
# SECURITY
#	Needs write access to DIR only (root:root 0755 on Debian: run it as
#	root, or give DIR to a dedicated group); reads the database read-only.
set -u
dir=${1:-/var/lib/prometheus/node-exporter}
get=${POSTFIX_STATS_GET:-postfix-stats-get}
out=$dir/postfix-stats.prom
tmp=$(mktemp "$dir/.postfix-stats.prom.XXXXXX") || exit 1
trap 'rm -f "$tmp"' EXIT
if ! "$get" --prometheus >"$tmp"; then
	rm -f "$out"
	exit 1
fi
chmod 0644 "$tmp" && mv -f "$tmp" "$out"
