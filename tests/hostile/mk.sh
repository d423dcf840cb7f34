#!/bin/sh
# SPDX-License-Identifier: ISC
# mk.sh - write the hostile logs into WORKDIR (nothing big is kept in git)
#
#   sh tests/hostile/mk.sh WORKDIR [CASE...]
#
# Every log mixes junk with copies of real.log, eight real Postfix lines with
# known counts (one of each kind: client=, uid=, sent by smtp and local,
# deferred 450, bounced 550, NOQUEUE reject 554, expired). run.sh knows what
# each file must count; the comments here say why.
set -eu
[ $# -ge 1 ] || { echo "usage: mk.sh WORKDIR [CASE...]" >&2; exit 2; }
w=$1
shift
mkdir -p "$w"
[ $# -gt 0 ] || set -- real longline nonewline nul utf8 crlf binary spoof transports

H='Nov 29 00:07:00 mx'

real() {
	cat <<EOF
$H postfix/smtpd[101]: 3A452D963D: client=unknown[192.0.2.9]
$H postfix/pickup[102]: 4B563E074E: uid=0 from=<root>
$H postfix/smtp[103]: 3A452D963D: to=<alice@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 11A2B3C4D5)
$H postfix/local[104]: 4B563E074E: to=<root@mx.example.com>, relay=local, delay=0.03, delays=0.02/0/0/0.01, dsn=2.0.0, status=sent (delivered to mailbox)
$H postfix/smtp[103]: 5C674F185F: to=<bob@soft.example>, relay=mx.soft.example[192.0.2.3]:25, delay=3, delays=0.1/0/1/2, dsn=4.3.0, status=deferred (host mx.soft.example[192.0.2.3] said: 450 4.3.0 Try later (in reply to RCPT TO command))
$H postfix/smtp[103]: 6D785A296A: to=<carol@hard.example>, relay=mx.hard.example[192.0.2.4]:25, delay=2, delays=0.1/0/1/1, dsn=5.1.1, status=bounced (host mx.hard.example[192.0.2.4] said: 550 5.1.1 No such user (in reply to RCPT TO command))
$H postfix/smtpd[101]: NOQUEUE: reject: RCPT from unknown[192.0.2.66]: 554 5.7.1 <x@example.org>: Relay access denied; from=<a@b.example> to=<x@example.org> proto=ESMTP helo=<h>
$H postfix/qmgr[105]: 7E896B3A7B: from=<dave@example.org>, status=expired, returned to sender
EOF
}

# N copies of C repeated (no newline).
rep() {	# N C
	head -c "$1" /dev/zero | tr '\0' "$2"
}

for c in "$@"; do
	f=$w/$c.log
	case $c in
	real)
		real >"$f" ;;
	longline)
		# A 1 MB line that starts like a delivery, a counted line of
		# 16383 bytes, and one of 16384 bytes (over the limit: skipped
		# although it is a delivery).
		pad() {	# LENGTH PREFIX SUFFIX: PREFIX, 'x's, SUFFIX, LENGTH bytes
			printf '%s' "$2"
			rep $(($1 - ${#2} - ${#3})) x
			printf '%s\n' "$3"
		}
		s="$H postfix/local[104]: 8F9A0C4B8C: to=<a@mx.example.com>, relay=local, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent ("
		{
			real
			pad 1048576 "$s" ")"
			pad 16383 "$s" ")"
			pad 16384 "$s" ")"
			real
		} >"$f" ;;
	nonewline)
		# Real lines, then 100 MB without a newline.
		{ real; rep 104857600 x; } >"$f" ;;
	nul)
		{
			real
			# A transport with a NUL: not a key name -> sent:_overflow.
			printf '%s postfix/pipe[106]: 9A0B1D5C9D: to=<a@b.example>, relay=leg\000al, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered via legal service)\n' "$H"
			# A NUL inside the address: still a local delivery.
			printf '%s postfix/local[104]: 9A0B1D5C9E: to=<a\000b@mx.example.com>, relay=local, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to mailbox)\n' "$H"
			# NUL before the header, and a line of NULs: malformed.
			printf '\000%s postfix/smtpd[101]: 9A0B1D5C9F: client=unknown[192.0.2.9]\n' "$H"
			rep 100 '\000'; echo
			# A NUL in the tag: another program's line.
			printf '%s post\000fix/smtpd[101]: 9A0B1D5CA0: client=unknown[192.0.2.9]\n' "$H"
			# A NUL in the status: no known status, nothing counted.
			printf '%s postfix/local[104]: 9A0B1D5CA1: to=<a@mx.example.com>, relay=local, delay=0.1, dsn=2.0.0, status=se\000nt (delivered)\n' "$H"
			real
		} >"$f" ;;
	utf8)
		{
			real
			printf '%s postfix/local[104]: AB1C2E6DA1: to=<\377\376@mx.example.com>, relay=local, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to mailbox)\n' "$H"
			printf 'Nov 29 00:07:00 m\377\300x postfix/smtpd[101]: AB1C2E6DA2: client=\355\240\200[192.0.2.9]\n'
			printf '%s postfix/pipe[106]: AB1C2E6DA3: to=<a@b.example>, relay=\303\050, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered)\n' "$H"
			printf '%s postfix/smtp[103]: AB1C2E6DA4: to=<b@c.example>, relay=mx.c.example[192.0.2.5]:25, delay=1, delays=0/0/0/1, dsn=4.0.0, status=deferred (host mx.c.example[192.0.2.5] said: 421 \355\240\200\300\257 busy (in reply to MAIL FROM command))\n' "$H"
			# An invalid timestamp: malformed.
			printf 'N\377v 29 00:07:00 mx postfix/smtpd[101]: AB1C2E6DA5: client=unknown[192.0.2.9]\n'
		} >"$f" ;;
	crlf)
		{
			real
			real | sed 's/$/\r/'
			# \r\r\n: one \r goes, the other is message text.
			printf '%s postfix/local[104]: BC2D3F7EB1: to=<r@mx.example.com>, relay=local, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to mailbox)\r\r\n' "$H"
			# A lone \r inside a line does not end it: one line.
			printf '%s postfix/smtpd[101]: BC2D3F7EB2: client=unknown[192.0.2.9]\r%s postfix/smtpd[101]: BC2D3F7EB3: client=unknown[192.0.2.10]\n' "$H" "$H"
			# \r\n alone: an empty line; \n\r: the next line starts
			# with \r and is malformed.
			printf '\r\n'
			printf '\r%s postfix/smtpd[101]: BC2D3F7EB4: client=unknown[192.0.2.11]\n' "$H"
		} >"$f" ;;
	crlf_tail)
		# The last line has \r and no \n: at the end of a stream it is
		# a line like the others (without its \r).
		{ real; printf '%s postfix/local[104]: BC2D3F7EB5: to=<r@mx.example.com>, relay=local, delay=0.1, dsn=2.0.0, status=sent\r' "$H"; } >"$f" ;;
	binary)
		b=/bin/ls
		[ -f "$b" ] || b=$(command -v sh)
		cp "$b" "$f" ;;
	spoof)
		{
			real
			# Quoted local parts that hold fake fields.
			echo "$H postfix/smtp[103]: CD3E4A8FC1: to=<\"x, relay=evil, status=sent\"@example.org>, relay=mx.example.org[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=4.0.0, status=deferred (host mx.example.org[192.0.2.1] said: 450 4.0.0 later (in reply to RCPT TO command))"
			echo "$H postfix/local[104]: CD3E4A8FC2: to=<\"a>, relay=legal, dsn=2.0.0, status=sent (x)\"@mx.example.com>, relay=local, delay=0.1, delays=0/0/0/0, dsn=5.0.0, status=bounced (unknown user: \"a\")"
			echo "$H postfix/local[104]: CD3E4A8FC3: to=<a@mx.example.com>, orig_to=<\"q, relay=legal, status=sent\"@mx.example.com>, relay=local, delay=0.1, delays=0/0/0/0, dsn=4.0.0, status=deferred (mailbox full)"
			echo "$H postfix/local[104]: CD3E4A8FC4: to=<\"x\\\", relay=legal, status=sent, \\\"y\"@mx.example.com>, relay=local, delay=1, dsn=4.0.0, status=deferred (x)"
			# A HELO name that looks like delivery fields.
			echo "$H postfix/smtpd[101]: NOQUEUE: reject: RCPT from unknown[192.0.2.9]: 450 4.7.1 <h>: Helo command rejected: Host not found; from=<a@b.example> to=<c@d.example> proto=ESMTP helo=<x, relay=evil, status=sent>"
			echo "$H postfix/smtpd[101]: DE4F5B9AD1: client=unknown[192.0.2.9], helo=<to=<a@b>, relay=local, status=sent>"
			# A header that names a remote client, then the real
			# (local) source: not an SMTP reject.
			echo "$H postfix/cleanup[107]: DE4F5B9AD2: reject: header Subject: x from evil[192.0.2.66]; from=<> to=<> proto=ESMTP helo=<h>: 5.7.1 y from local; from=<a@mx.example.com> to=<c@d.example>: 5.7.1 rejected"
			# Reply texts that hold fields or a fake reply.
			echo "$H postfix/smtp[103]: DE4F5B9AD3: to=<a@b.example>, relay=mx.b.example[192.0.2.7]:25, delay=1, dsn=5.0.0, status=bounced (host mx.b.example[192.0.2.7] said: 550 5.0.0 status=sent, relay=local (in reply to end of DATA command))"
			echo "$H postfix/smtp[103]: DE4F5B9AD4: to=<a@b.example>, relay=none, delay=1, dsn=4.4.1, status=deferred (connect to x: host mx said: 450 fake)"
			# Postfix-looking text in other programs' lines.
			echo "$H sshd[201]: Invalid user x from 192.0.2.66: $H postfix/smtp[103]: EF5A6CAB01: to=<a@b.example>, relay=local, dsn=2.0.0, status=sent (x)"
			echo "$H kernel: postfix/smtpd[101]: EF5A6CAB02: client=unknown[192.0.2.9]"
			echo "$H amavis[202]: (202-01) postfix/pipe[106]: EF5A6CAB03: to=<a@b.example>, relay=legal, dsn=2.0.0, status=sent (x)"
			echo "$H CRON[203]: (root) CMD (postfix/pickup[102]: EF5A6CAB04: uid=0 from=<root>)"
			echo "$H postfix[204]: EF5A6CAB05: client=unknown[192.0.2.9]"
			# No host name (SPEC 2: such lines are read): the first
			# token is the tag, here sshd's.
			echo "Nov 29 00:07:00 sshd[9]: postfix/smtpd[101]: EF5A6CAB06: client=unknown[192.0.2.9]"
			echo "$H postfix/smtpd[101]: NOQUEUE: client=unknown[192.0.2.9]"
			echo "$H postfix/smtpd[101]: warning: EF5A6CAB07: client=unknown[192.0.2.9]"
			echo "$H postfix/smtpd[101]: connect from client=x[192.0.2.9]"
			real
		} >"$f" ;;
	transports)
		# 1,000,000 distinct transport names from pipe(8).
		{
			real
			awk -v h="$H" 'BEGIN {
				for (i = 0; i < 1000000; i++)
					printf "%s postfix/pipe[106]: F%06X: to=<a@b.example>, relay=t%06d, delay=0.1, dsn=2.0.0, status=sent (delivered via t%06d service)\n", h, i, i, i
			}'
			real
		} >"$f" ;;
	*)
		echo "mk.sh: unknown case $c" >&2
		exit 2 ;;
	esac
done
