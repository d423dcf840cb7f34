/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	fuzz_classify - libFuzzer harness for pflog_parse() + classify()
 * DESCRIPTION
 *	The whole input is one log line (no newline). It is classified with
 *	no options, with extra syslog names, and with excluded hops (which
 *	names and hops: chosen by the first byte), and the results are checked:
 *
 *	- n <= CLASSIFY_MAX_INC; every key is a static key or KEY_SENT_DYNAMIC
 *	  with a transport that keys_transport_ok() accepts, that is not a
 *	  static transport, and that lies inside the input; the record's spans
 *	  lie inside the input; a line that is not PFLOG_POSTFIX counts nothing;
 *	- no key is counted twice for one line; status:sent is counted exactly
 *	  when one sent:* key is;
 *	- an excluded or unparsed line counts nothing;
 *	- syslog names only add Postfix lines: a line that is Postfix's without
 *	  them is classified the same with them;
 *	- an exclusion only removes: the result is the one without exclusions,
 *	  or nothing with ->excluded set;
 *	- the same line after another program's header
 *	  ("Nov 29 00:07:00 host sshd[1]: ") is PFLOG_OTHER and counts nothing;
 *	- the input as a quoted local part (with '"' and '\' escaped, as
 *	  Postfix quotes them) in the to= or orig_to= address of a fixed
 *	  delivery line never changes what that line counts (SPEC 2.1).
 *	A violation is a __builtin_trap().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "keys.h"
#include "pflog.h"

#define CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

static const struct span names_tab[] = {
	SPAN_LIT("mail"), SPAN_LIT("sm-mta"), SPAN_LIT("smtp-in"),
	SPAN_LIT("sshd"), SPAN_LIT(""), SPAN_LIT("postfix"),
	SPAN_LIT("amavis"), SPAN_LIT("p"),
};

static const struct span hops_tab[] = {
	SPAN_LIT("localhost"), SPAN_LIT("127.0.0.1"),
	SPAN_LIT("127.0.0.1:10025"), SPAN_LIT("[127.0.0.1]:10024"),
	SPAN_LIT("::1"), SPAN_LIT("[::1]:25"), SPAN_LIT("mx.example.com"),
	SPAN_LIT("192.0.2.1"), SPAN_LIT(""), SPAN_LIT("["), SPAN_LIT("[]:"),
	SPAN_LIT("[x]"), SPAN_LIT(":"), SPAN_LIT("a:"), SPAN_LIT("a:b:c"),
	SPAN_LIT("unknown"),
};

static int
inside(struct span s, const char *buf, size_t len)
{
	if (s.len == 0)
		return s.p == NULL || (s.p >= buf && s.p <= buf + len);
	return s.p != NULL && s.p >= buf && s.p <= buf + len
	    && s.len <= (size_t)(buf + len - s.p);
}

static int
is_sent_key(int k)
{
	return k == KEY_SENT_DYNAMIC || (k >= KEY_SENT_SMTP
	    && k <= KEY_SENT_OVERFLOW);
}

static void
check_result(enum pflog_kind k, const struct classify_result *r,
    const char *buf, size_t len)
{
	size_t i, j, nsent = 0, nstatus = 0;

	CHECK(k == PFLOG_POSTFIX || k == PFLOG_OTHER || k == PFLOG_MALFORMED);
	CHECK(r->n <= CLASSIFY_MAX_INC);
	if (k != PFLOG_POSTFIX)
		CHECK(r->n == 0 && !r->unparsed && !r->excluded);
	if (r->excluded || r->unparsed)
		CHECK(r->n == 0);
	for (i = 0; i < r->n; i++) {
		int key = r->inc[i].key;

		if (key == KEY_SENT_DYNAMIC) {
			struct span t = r->inc[i].transport;

			CHECK(t.p != NULL && t.len > 0);
			CHECK(inside(t, buf, len));
			CHECK(keys_transport_ok(t));
			CHECK(keys_sent_id(t) == KEY_SENT_DYNAMIC);
		} else {
			CHECK(key >= 0 && key < KEYS_STATIC_COUNT);
			/* The classifier never counts the follower's health. */
			CHECK(key < KEY_SELF_LINES);
		}
		if (is_sent_key(key))
			nsent++;
		if (key == KEY_STATUS_SENT)
			nstatus++;
		for (j = 0; j < i; j++)
			CHECK(r->inc[j].key != key);
	}
	CHECK(nsent == nstatus && nsent <= 1);
}

static int
same_result(const struct classify_result *a, const struct classify_result *b)
{
	size_t i;

	if (a->n != b->n || a->unparsed != b->unparsed
	    || a->excluded != b->excluded)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->inc[i].key != b->inc[i].key
		    || !span_eq(a->inc[i].transport, b->inc[i].transport))
			return 0;
	return 1;
}

/* Classify PRE "INPUT" POST (INPUT quoted); it must count exactly K1, K2. */
static void
check_quoted(const uint8_t *data, size_t size, const char *pre,
    const char *post, int k1, int k2)
{
	size_t lpre = strlen(pre), lpost = strlen(post), n = 0, i;
	struct classify_result r;
	char *buf;

	if ((buf = malloc(lpre + 2 * size + lpost)) == NULL)
		return;
	memcpy(buf, pre, lpre);
	n = lpre;
	for (i = 0; i < size; i++) {
		if (data[i] == '\n')
			continue;		/* would end the line */
		if (data[i] == '"' || data[i] == '\\')
			buf[n++] = '\\';
		buf[n++] = (char)data[i];
	}
	memcpy(buf + n, post, lpost);
	n += lpost;
	CHECK(classify_line(buf, n, NULL, NULL, &r) == PFLOG_POSTFIX);
	CHECK(r.n == 2 && !r.unparsed && !r.excluded);
	CHECK(r.inc[0].key == k1 && r.inc[1].key == k2);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char other[] = "Nov 29 00:07:00 host sshd[1]: ";
	struct span names[3], hops[4];
	struct pflog_opts popts = { names, 0 };
	struct classify_opts copts = { 0, hops, 0 };
	struct classify_result r0, r1, r2, r3;
	struct pflog_rec rec;
	enum pflog_kind k0, k1, k2, kp;
	const char *line = (const char *)data;
	unsigned sel = size > 0 ? data[0] : 0, i;
	char *buf;

	if (size > PFLOG_LINE_MAX)
		return 0;

	/* No options. */
	k0 = classify_line(line, size, NULL, NULL, &r0);
	check_result(k0, &r0, line, size);
	if (k0 == PFLOG_POSTFIX) {
		CHECK(pflog_parse(line, size, NULL, &rec) == PFLOG_POSTFIX);
		CHECK(inside(rec.tag, line, size));
		CHECK(inside(rec.service, line, size));
		CHECK(inside(rec.daemon, line, size));
		CHECK(inside(rec.qid, line, size));
		CHECK(inside(rec.msg, line, size));
		CHECK(rec.daemon.len > 0 && rec.tag.len > 0);
		/* The same again: pure, no state. */
		classify(&rec, NULL, &r3);
		CHECK(same_result(&r0, &r3));
	}

	/* Extra syslog names: they only add Postfix lines. */
	for (i = 0; i < 3; i++)
		names[i] = names_tab[(sel >> (i * 2 + 1)) & 7];
	popts.nnames = 1 + (sel & 1) * 2;
	k1 = classify_line(line, size, &popts, NULL, &r1);
	check_result(k1, &r1, line, size);
	if (k0 == PFLOG_POSTFIX)
		CHECK(k1 == PFLOG_POSTFIX && same_result(&r0, &r1));
	else if (k1 == PFLOG_POSTFIX)
		CHECK(k0 == PFLOG_OTHER);
	else
		CHECK(k1 == k0);

	/* Excluded hops: they only remove. */
	copts.exclude_loopback = sel & 1;
	for (i = 0; i < 4; i++)
		hops[i] = hops_tab[(sel + i * 5) & 15];
	copts.nexclude = 1 + ((sel >> 4) & 3);
	k2 = classify_line(line, size, NULL, &copts, &r2);
	check_result(k2, &r2, line, size);
	CHECK(k2 == k0);
	if (r2.excluded)
		CHECK(r2.n == 0 && r2.unparsed == r0.unparsed);
	else
		CHECK(same_result(&r0, &r2));
	/* Excluding every hop of the table, and loopback. */
	copts.exclude_loopback = 1;
	copts.exclude = hops_tab;
	copts.nexclude = sizeof(hops_tab) / sizeof(hops_tab[0]);
	(void)classify_line(line, size, &popts, &copts, &r2);
	check_result(k1, &r2, line, size);
	if (!r2.excluded)
		CHECK(same_result(&r1, &r2));

	/* Behind another program's header, nothing is Postfix's. */
	if ((buf = malloc(sizeof(other) - 1 + size)) == NULL)
		return 0;
	memcpy(buf, other, sizeof(other) - 1);
	if (size > 0)
		memcpy(buf + sizeof(other) - 1, data, size);
	kp = classify_line(buf, sizeof(other) - 1 + size, &popts, &copts, &r3);
	CHECK(kp == PFLOG_OTHER && r3.n == 0);
	check_result(kp, &r3, buf, sizeof(other) - 1 + size);
	free(buf);

	/* Remote text in a quoted local part changes nothing. */
	check_quoted(data, size, "Nov 29 00:07:00 mx postfix/smtp[1]: "
	    "ABC123: to=<\"", "\"@example.org>, relay=mx.example.org"
	    "[192.0.2.1]:25, delay=1, delays=0/0/0/1, dsn=4.0.0, "
	    "status=deferred (host mx.example.org[192.0.2.1] said: 450 4.0.0 "
	    "later (in reply to RCPT TO command))", KEY_STATUS_DEFERRED,
	    KEY_SMTP_4XX);
	check_quoted(data, size, "Nov 29 00:07:00 mx postfix/local[1]: "
	    "ABC123: to=<a@mx.example.org>, orig_to=<\"", "\"@example.org>, "
	    "relay=local, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, "
	    "status=sent (delivered to mailbox)", KEY_STATUS_SENT,
	    KEY_SENT_LOCAL);
	return 0;
}
