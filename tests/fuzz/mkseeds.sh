#!/bin/sh
# SPDX-License-Identifier: ISC
# mkseeds.sh - (re)build the fuzz seed corpus in tests/fuzz/seeds/
#
#   sh tests/fuzz/mkseeds.sh [CORPUS_DIR]
#
# seeds/classify/: one log line per file (no newline): representative lines of
# the public corpus (seedpick.awk), then crafted ones (hostile fields, every
# header form, every counting rule).
# seeds/follow/: a mode byte (see fuzz_follow.c) followed by log bytes: groups
# of corpus lines, CR/LF mixes, lines around PFLOG_LINE_MAX, no final newline.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
corpus=${1:-$(cd "$(dirname "$0")/../.." && pwd)/tests/corpus}
out=$here/seeds
rm -rf "$out"
mkdir -p "$out/classify" "$out/follow"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Corpus lines, in a fixed order.
for f in "$corpus"/*.log; do cat "$f"; done >"$tmp/all"
for f in "$corpus"/*.log.gz; do [ -e "$f" ] && zcat "$f"; done >>"$tmp/all"
awk -f "$here/seedpick.awk" "$tmp/all" >"$tmp/picked"

cat >"$tmp/crafted" <<'CRAFTED'
Nov 29 00:07:00 mx postfix/smtp[1]: ABC123: to=<"x, relay=evil, status=sent"@example.org>, relay=mx[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=4.0.0, status=deferred (host mx[192.0.2.1] said: 450 4.0.0 later (in reply to RCPT TO command))
Nov 29 00:07:00 mx postfix/smtp[1]: ABC123: to=<"a\"b, relay=evil, status=sent\\"@example.org>, relay=none, delay=1, status=bounced (host x said: 550 no)
Nov 29 00:07:00 mx postfix/local[1]: ABC123: to=<a@b>, orig_to=<"q, relay=legal, status=sent"@b>, relay=local, delay=0.1, delays=0/0/0/0, dsn=2.0.0, status=sent (delivered to mailbox)
Nov 29 00:07:00 mx postfix/pipe[1]: ABC123: to=<a@b>, relay=legal, delay=0.1, delays=0/0/0/0, dsn=2.0.0, status=sent (delivered via legal service)
Nov 29 00:07:00 mx postfix/pipe[1]: ABC123: to=<a@b>, relay=t000001, delay=0.1, dsn=2.0.0, status=sent (delivered via t000001 service)
Nov 29 00:07:00 mx postfix/pipe[1]: ABC123: to=<a@b>, relay=_overflow, delay=0.1, dsn=2.0.0, status=sent (x)
Nov 29 00:07:00 mx postfix/pipe[1]: ABC123: to=<a@b>, relay=abcdefghijklmnopqrstuvwxyz0123456789, dsn=2.0.0, status=sent (x)
Nov 29 00:07:00 mx postfix/pipe[1]: ABC123: to=<a@b>, relay=a/b, dsn=2.0.0, status=sent (x)
Nov 29 00:07:00 mx postfix/smtp[1]: ABC123: to=<a@b>, relay=mx.example.com[192.0.2.1]:25, delay=1, delays=0.1/0/0.3/0.6, dsn=2.0.0, tls=TLSv1.3:TLS_AES_256_GCM_SHA384:256, status=sent (250 2.0.0 Ok: queued as X)
Nov 29 00:07:00 mx postfix/smtp[1]: ABC123: to=<a@b>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, dsn=2.0.0, status=sent (250 2.0.0 Ok)
Nov 29 00:07:00 mx postfix/lmtp[1]: ABC123: to=<a@b>, relay=mail[private/dovecot-lmtp], delay=1, dsn=4.2.0, status=deferred (host mail[private/dovecot-lmtp] said: 452 4.2.2 quota (in reply to end of DATA command))
Nov 29 00:07:00 mx postfix/lmtp[1]: ABC123: to=<a@b>, relay=mail[private/dovecot-lmtp], delay=1, dsn=5.1.1, status=bounced (host mail[private/dovecot-lmtp] said: 550 5.1.1 unknown)
Nov 29 00:07:00 mx postfix/smtp[1]: ABC123: host mx[192.0.2.3] said: 451 4.7.1 greylisted (in reply to RCPT TO command)
Nov 29 00:07:00 mx postfix/smtp[1]: ABC123: host mx[192.0.2.3] refused to talk to me: 554 5.7.1 go away
Nov 29 00:07:00 mx postfix/smtp[1]: ABC123: to=<a@b>, relay=none, delay=1, dsn=4.4.1, status=deferred (connect to mx[192.0.2.3]:25: Connection refused)
Nov 29 00:07:00 mx postfix/qmgr[1]: ABC123: from=<a@b>, status=expired, returned to sender
Nov 29 00:07:00 mx postfix/qmgr[1]: ABC123: from=<a@b>, status=force-expired, returned to sender
Nov 29 00:07:00 mx postfix/qmgr[1]: ABC123: from=<"x>, status=expired"@b>, size=1, nrcpt=1 (queue active)
Nov 29 00:07:00 mx postfix/smtpd[1]: ABC123: client=unknown[192.0.2.9]
Nov 29 00:07:00 mx postfix/submission/smtpd[1]: ABC123: client=unknown[192.0.2.9], sasl_method=PLAIN, sasl_username=a
Nov 29 00:07:00 mx postfix/smtpd[1]: ABC123: client=localhost[127.0.0.1]:10025
Nov 29 00:07:00 mx postfix/smtpd[1]: NOQUEUE: client=localhost[127.0.0.1]
Nov 29 00:07:00 mx postfix/pickup[1]: ABC123: uid=0 from=<root>
Nov 29 00:07:00 mx postfix/pickup[1]: ABC123: sender=root
Nov 29 00:07:00 mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from unknown[192.0.2.9]: 550 5.1.1 <x@example.org>: Recipient address rejected: no; from=<a@b> to=<x@example.org> proto=ESMTP helo=<h>
Nov 29 00:07:00 mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from unknown[192.0.2.9]: 450 4.7.1 <h>: Helo command rejected: from=<a> to=<b> proto=ESMTP helo=<from x[1.2.3.4]: 550 >
Nov 29 00:07:00 mx postfix/smtpd[1]: NOQUEUE: reject_warning: RCPT from unknown[192.0.2.9]: 550 5.1.1 <x>: no
Nov 29 00:07:00 mx postfix/smtpd[1]: ABC123: milter-reject: END-OF-MESSAGE from unknown[192.0.2.9]: 5.7.1 spam; from=<a> to=<b> proto=ESMTP helo=<h>
Nov 29 00:07:00 mx postfix/postscreen[1]: NOQUEUE: reject: RCPT from [192.0.2.9]:4711: 550 5.7.1 Service unavailable; client [192.0.2.9] blocked using zen.spamhaus.org; from=<a>, to=<b>, proto=ESMTP, helo=<h>
Nov 29 00:07:00 mx postfix/postscreen[1]: NOQUEUE: reject: CONNECT from [192.0.2.9]:4711: too many connections
Nov 29 00:07:00 mx postfix/cleanup[1]: ABC123: milter-reject: END-OF-MESSAGE from unknown[192.0.2.9]: 4.7.1 Try again later; from=<a@b> to=<c@d> proto=ESMTP helo=<h>
Nov 29 00:07:00 mx postfix/cleanup[1]: ABC123: milter-reject: END-OF-MESSAGE from local: 5.7.1 no; from=<a@b> to=<c@d>
Nov 29 00:07:00 mx postfix/cleanup[1]: ABC123: reject: header Subject: hello from x[1.2.3.4]; from=<a> to=<b> proto=ESMTP helo=<h>: 5.7.1 from y[2.3.4.5]; from=<e> to=<f> proto=SMTP: 4.7.1 fake from unknown[192.0.2.9]; from=<a@b> to=<c@d> proto=ESMTP helo=<h>: 5.7.1 message content rejected
Nov 29 00:07:00 mx postfix/cleanup[1]: ABC123: reject: body spam from localhost[127.0.0.1]; from=<a@b> to=<c@d> proto=ESMTP helo=<localhost>: 5.7.1 no
Nov 29 00:07:00 mx postfix/cleanup[1]: ABC123: reject: header From: x from local; from=<a@b>: 5.7.1 no
Nov 29 00:07:00 mx postfix/cleanup[1]: ABC123: reject: header X: y from unknown[192.0.2.9]; from=<a@b> to=<c@d> proto=ESMTP helo=<x>: 5.7.1 >: 4.7.1 y>: 550 z
Nov 29 00:07:00 mx postfix/cleanup[1]: ABC123: warning: header Subject: x from unknown[192.0.2.9]; from=<a@b> to=<c@d> proto=ESMTP helo=<h>: 5.7.1 no
Nov 29 00:07:00 mx sshd[1]: Nov 29 00:07:00 mx postfix/smtp[1]: ABC123: to=<a@b>, relay=local, dsn=2.0.0, status=sent (x)
Nov 29 00:07:00 mx evil: postfix/pipe[1]: ABC123: to=<a@b>, relay=legal, dsn=2.0.0, status=sent (x)
Nov 29 00:07:00 mx kernel: [ 1.0] postfix/smtpd[1]: ABC123: client=x[1.2.3.4]
Nov 29 00:07:00 mx postfix/smtp[1]: [ID 197553 mail.info] ABC123: to=<a@b>, relay=mx[192.0.2.1]:25, delay=1, dsn=2.0.0, status=sent (250 ok)
Nov 29 00:07:00 mx postfix/smtp[1]:    ABC123:   to=<a@b>, relay=mx[192.0.2.1]:25, delay=1, dsn=2.0.0, status=sent (250 ok)
Nov 29 00:07:00 mx postfix/smtp[1]: warning: ABC123: to=<a@b>, relay=mx[192.0.2.1]:25, status=sent (250 ok)
Nov  9 00:07:00.123456 mx postfix-out/smtp[1]: ABC123: to=<a@b>, relay=mx[192.0.2.1]:25, delay=1, dsn=2.0.0, status=sent (250 ok)
Nov 09 00:07:00 mx postfix/relay/smtp[1]: ABC123: to=<a@b>, relay=mx[192.0.2.1]:25, delay=1, dsn=2.0.0, status=sent (250 ok)
2026-11-29T00:07:00.123456+00:00 mx postfix/virtual[1]: ABC123: to=<a@b>, relay=virtual, delay=1, dsn=2.0.0, status=sent (delivered to maildir)
2026-11-29T00:07:00Z mx postfix/local[1]: ABC123: to=<a@b>, relay=local, delay=1, dsn=2.0.0, status=sent (delivered to mailbox)
2013 Jun 10 06:27:30.123 mx postfix/smtp[1]: ABC123: to=<a@b>, relay=mx[192.0.2.1]:25, dsn=5.0.0, status=bounced (host mx[192.0.2.1] said: 550-5.1.1 no 550 5.1.1 no)
Nov 29 00:07:00 mx mail/smtp[1]: ABC123: to=<a@b>, relay=mx[192.0.2.1]:25, dsn=2.0.0, status=sent (250 ok)
Nov 29 00:07:00 mx smtp-in/smtpd[1]: ABC123: client=x[192.0.2.1]
Nov 29 00:07:00 mx postfix/smtp: ABC123: to=<a@b>, relay=mx[192.0.2.1]:25, dsn=2.0.0, status=sent (250 ok)
Nov 29 00:07:00 mx postfix/smtp[1]: ABC123: to=<a@b>, relay=mx[192.0.2.1]:25, dsn=2.0.0, status=deliverable (250 ok)
Nov 29 00:07:00 mx postfix/smtp[1]: ABC123: to=<a@b>, relay=mx[192.0.2.1]:25, dsn=4.0.0, status=deferred (host mx[192.0.2.1] said: 4501 x)
Nov 29 00:07:00 mx postfix/error[1]: ABC123: to=<a@b>, relay=none, dsn=4.0.0, status=deferred (delivery temporarily suspended: host mx[192.0.2.1] refused to talk to me: 421 x)
Nov 29 00:07:00 mx postfix/smtp[1]: ABC123: to=<a@b>, relay=[::1]:25, dsn=2.0.0, status=sent (250 ok)
Nov 29 00:07:00 mx postfix/smtp[1]: ABC123: to=<a@b>, relay=ip6[ipv6:::1]:25, dsn=2.0.0, status=sent (250 ok)
Nov 29 00:07:00 mx postfix/smtp[1]: ABC123: to=<a@b>, relay=x[::ffff:127.0.0.1]:10024, dsn=2.0.0, status=sent (250 ok)
Nov 29 00:07:00 mx postfix/smtp[1]: ABC123: to=<a@b>, conn_use=2, relay=mx[192.0.2.1]:25, weird value, with, commas, dsn=2.0.0, status=sent (250 ok)
Nov 29 00:07:00 mx postfix/smtp[1]: ABC123: to=<a@b>, relay=mx[192.0.2.1]:25, extra=<x, status=sent>, status=bounced (host x said: 550 no)
Nov 29 00:07:00 mx postfix/smtp[1]: ABC123: to=<a@b>
Nov 29 00:07:00 mx postfix/smtp[1]: ABC123: to=<
Nov 29 00:07:00 mx postfix/smtp[1]: ABC123: to=<a@b>, relay=
Nov 29 00:07:00 mx postfix/smtp[1]: ABC123: to=<a@b>, relay=x, status=
Nov 29 00:07:00 mx postfix/smtp[1]:
Nov 29 00:07:00 mx postfix/[1]: x
Nov 29 00:07:00 mx /smtp[1]: x
Nov 29 00:07:00 mx postfix/smtp[]: x
Nov 29 00:07:00 mx postfix/smtp[12345678901]: x
Nov 29 00:07:00
Nov 29 00:07:00 mx
Jan: 1 00:00:00 mx postfix/smtp[1]: X: to=<a@b>, relay=local, status=sent
CRAFTED

n=0
while IFS= read -r l; do
	n=$((n + 1))
	printf '%s' "$l" >"$out/classify/corpus-$(printf %03d $n)"
done <"$tmp/picked"
n=0
while IFS= read -r l; do
	n=$((n + 1))
	printf '%s' "$l" >"$out/classify/crafted-$(printf %03d $n)"
done <"$tmp/crafted"
# Bytes no text file has: NUL, invalid UTF-8, CR, a tab.
d="Nov 29 00:07:00 mx postfix/pipe[1]: ABC123: to=<a@b>, relay="
printf '%sleg\000al, dsn=2.0.0, status=sent (x)' "$d" >"$out/classify/crafted-nul"
printf '%s\303\050\377\376, dsn=2.0.0, status=sent (x)' "$d" >"$out/classify/crafted-utf8"
printf '%slegal, dsn=2.0.0, status=sent (x)\r' "$d" >"$out/classify/crafted-cr"
printf 'Nov 29 00:07:00 mx postfix/smtpd[1]: ABC123:\tclient=x[1.2.3.4]' >"$out/classify/crafted-tab"

# Follow seeds: MODE then content. Modes: 0x00 file, 0x02 rotated at end,
# 0x03 pipe, |0x04 wait, |0x08 stretch, |0x10 tail, |0x20 drain, |0x40 inotify,
# |0x80 restart.
i=0
follow_seed() {	# MODE FILE
	i=$((i + 1))
	{ printf "\\$(printf %03o "$1")"; cat "$2"; } >"$out/follow/seed-$(printf %03d $i)"
}
split -l 12 -a 3 "$tmp/picked" "$tmp/grp."
m=0
for g in "$tmp"/grp.*; do
	follow_seed $(( (m * 37) % 256 & ~8 )) "$g"
	m=$((m + 1))
done
# CRLF and LF mixed, a lone CR, empty lines, no final newline.
printf 'a\r\nb\n\r\n\n\rc\r\r\nd\r' >"$tmp/crlf"
for mode in 0 2 3 4 16 32 35 54 128 162 196; do follow_seed $mode "$tmp/crlf"; done
# Around the limit (stretch: 0x01 N = (N + 1) * 128 'A's): 16383, 16384, 16385,
# a long line with no newline, a long line then a short one.
A127=$(printf '%127s' '' | tr ' ' A)
printf '\001\176%s\nshort\n' "$A127" >"$tmp/l16383"
printf '\001\177\nshort\n' >"$tmp/l16384"
printf '\001\177A\nshort\n' >"$tmp/l16385"
printf '\001\176%s\r\nshort\r\n' "$A127" >"$tmp/l16383cr"
printf 'first\n\001\377\001\377' >"$tmp/lnonl"
printf 'x\n\001\377\001\377\001\377\nafter\nend' >"$tmp/lbig"
for f in l16383 l16384 l16385 l16383cr lnonl lbig; do
	for mode in 8 10 11 12 24 40 43 58 136 168 202; do follow_seed $mode "$tmp/$f"; done
done
echo "seeds: $(ls "$out/classify" | wc -l) classify, $(ls "$out/follow" | wc -l) follow"
