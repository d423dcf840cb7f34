/* SPDX-License-Identifier: ISC */
/*
 * test_pflog - unit tests for the syslog header parser (src/core/pflog.c)
 *
 * Every line is parsed from a heap buffer of exactly its length (no NUL
 * after it), so that a read beyond LEN shows under ASan.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pflog.h"

/* A parse over an exact-length copy; the copy lives until the next call. */
static char *last_copy;

static enum pflog_kind
parse_n(const char *line, size_t len, const struct pflog_opts *opts,
    struct pflog_rec *rec)
{
	free(last_copy);
	last_copy = malloc(len ? len : 1);
	assert_non_null(last_copy);
	memcpy(last_copy, line, len);
	memset(rec, 0xa5, sizeof(*rec));
	return pflog_parse(last_copy, len, opts, rec);
}

static enum pflog_kind
parse(const char *line, struct pflog_rec *rec)
{
	return parse_n(line, strlen(line), NULL, rec);
}

static void
assert_span(struct span s, const char *want)
{
	size_t n = strlen(want);

	if (s.len != n || (n > 0 && memcmp(s.p, want, n) != 0)) {
		print_error("span \"%.*s\" (%zu bytes) != \"%s\"\n",
		    (int)(s.len < 200 ? s.len : 200), s.p ? s.p : "", s.len,
		    want);
		fail();
	}
}

/* The spans of a POSTFIX record point into the line. */
static void
assert_within(const struct pflog_rec *rec, const char *line, size_t len)
{
	const struct span *sp[] = { &rec->tag, &rec->service, &rec->daemon,
	    &rec->qid, &rec->msg };
	size_t i;

	for (i = 0; i < sizeof(sp) / sizeof(sp[0]); i++) {
		if (sp[i]->len == 0)
			continue;
		assert_true(sp[i]->p >= line);
		assert_true(sp[i]->p + sp[i]->len <= line + len);
	}
}

/* A full check of a line expected to be Postfix's. */
static void
expect_postfix(const char *line, const char *tag, const char *service,
    const char *daemon, const char *qid, const char *msg)
{
	struct pflog_rec rec;

	assert_int_equal(parse(line, &rec), PFLOG_POSTFIX);
	assert_within(&rec, last_copy, strlen(line));
	assert_span(rec.tag, tag);
	assert_span(rec.service, service);
	assert_span(rec.daemon, daemon);
	assert_span(rec.qid, qid);
	assert_span(rec.msg, msg);
}

static void
expect_kind(const char *line, enum pflog_kind kind)
{
	struct pflog_rec rec;
	enum pflog_kind k = parse(line, &rec);

	if (k != kind) {
		print_error("line \"%s\": kind %d, expected %d\n", line, k,
		    kind);
		fail();
	}
}

#define MSG	"641E0104455: to=<alice@example.org>, relay=local, " \
		"delay=0.03, delays=0.02/0/0/0.01, dsn=2.0.0, status=sent " \
		"(delivered to mailbox)"
#define TO	"to=<alice@example.org>, relay=local, " \
		"delay=0.03, delays=0.02/0/0/0.01, dsn=2.0.0, status=sent " \
		"(delivered to mailbox)"

/* ---- timestamps ---- */

static void
bsd_timestamp_with_space_padded_day_is_parsed(void **state)
{
	(void)state;
	expect_postfix("Nov  9 00:07:00 mail postfix/local[123]: " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
}

static void
bsd_timestamp_with_zero_padded_day_is_parsed(void **state)
{
	(void)state;
	expect_postfix("Nov 09 00:07:00 mail postfix/local[123]: " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
}

static void
bsd_timestamp_with_unpadded_day_is_parsed(void **state)
{
	(void)state;
	expect_postfix("Jan 1 00:00:00 mail postfix/local[123]: " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
	expect_postfix("Nov 29 00:07:00 mail postfix/local[123]: " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
}

static void
bsd_timestamp_with_fractional_seconds_is_parsed(void **state)
{
	(void)state;
	expect_postfix("Nov 29 00:07:00.123456 mail postfix/local[1]: " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
	expect_postfix("Nov 29 00:07:00.1 mail postfix/local[1]: " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
}

static void
year_prefixed_bsd_timestamp_is_parsed(void **state)
{
	(void)state;
	expect_postfix("2013 Jun 10 06:27:30.123 mail postfix/local[1]: " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
	expect_postfix("2013 Jun 10 06:27:30 mail postfix/local[1]: " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
}

static void
rfc3339_timestamp_with_offset_is_parsed(void **state)
{
	(void)state;
	expect_postfix("2026-11-29T00:07:00.123456+00:00 mail "
	    "postfix/local[1]: " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
	expect_postfix("2023-03-14T00:00:31.185246+01:00 mail "
	    "postfix/local[1]: " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
	expect_postfix("2023-03-14T00:00:31-05:00 mail postfix/local[1]: " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
}

static void
rfc3339_timestamp_with_z_is_parsed(void **state)
{
	(void)state;
	expect_postfix("2026-11-29T00:07:00Z mail postfix/local[1]: " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
	expect_postfix("2026-11-29T00:07:00.5Z mail postfix/local[1]: " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
}

static void
malformed_timestamps_are_malformed(void **state)
{
	(void)state;
	expect_kind("Nov 29 0:07:00 mail postfix/local[1]: " MSG,
	    PFLOG_MALFORMED);
	expect_kind("Nov 29 00:07 mail postfix/local[1]: " MSG,
	    PFLOG_MALFORMED);
	expect_kind("Nov 123 00:07:00 mail postfix/local[1]: " MSG,
	    PFLOG_MALFORMED);
	expect_kind("nov 29 00:07:00 mail postfix/local[1]: " MSG,
	    PFLOG_MALFORMED);
	expect_kind("Nov 29 00:07:00. mail postfix/local[1]: " MSG,
	    PFLOG_MALFORMED);
	expect_kind("2026-11-29_00:07:00 mail postfix/local[1]: " MSG,
	    PFLOG_MALFORMED);
	expect_kind("2026-11-29T00:07:00x mail postfix/local[1]: " MSG,
	    PFLOG_MALFORMED);
	expect_kind("2026-1a-29T00:07:00Z mail postfix/local[1]: " MSG,
	    PFLOG_MALFORMED);
	expect_kind("13 Jun 10 06:27:30 mail postfix/local[1]: " MSG,
	    PFLOG_MALFORMED);
	expect_kind("2013  Jun 10 06:27:30 mail postfix/local[1]: " MSG,
	    PFLOG_MALFORMED);
	expect_kind("Nov 29 00:07:00", PFLOG_MALFORMED);
	expect_kind("", PFLOG_MALFORMED);
}

/* ---- tags ---- */

static void
multi_instance_tags_split_into_service_and_daemon(void **state)
{
	(void)state;
	expect_postfix("Nov 29 00:07:00 mail postfix/submission/smtpd[7]: "
	    "7B79F104457: client=unknown[192.0.2.1]",
	    "postfix/submission/smtpd", "postfix/submission", "smtpd",
	    "7B79F104457", "client=unknown[192.0.2.1]");
	expect_postfix("Nov 29 00:07:00 mail postfix/relay/smtp[7]: " MSG,
	    "postfix/relay/smtp", "postfix/relay", "smtp", "641E0104455", TO);
	expect_postfix("Nov 29 00:07:00 mail postfix-out/smtp[7]: " MSG,
	    "postfix-out/smtp", "postfix-out", "smtp", "641E0104455", TO);
	expect_postfix("Nov 29 00:07:00 mail postfix-170.55.103.23/smtpd[7]: "
	    "7B79F104457: client=unknown[192.0.2.1]",
	    "postfix-170.55.103.23/smtpd", "postfix-170.55.103.23", "smtpd",
	    "7B79F104457", "client=unknown[192.0.2.1]");
	expect_postfix("Nov 29 00:07:00 mail postfix-smo/submission/smtpd[7]: "
	    "7B79F104457: client=unknown[192.0.2.1]",
	    "postfix-smo/submission/smtpd", "postfix-smo/submission", "smtpd",
	    "7B79F104457", "client=unknown[192.0.2.1]");
	expect_postfix("Nov 29 00:07:00 mail postfix/amavis/smtp[7]: " MSG,
	    "postfix/amavis/smtp", "postfix/amavis", "smtp", "641E0104455",
	    TO);
}

static void
tag_without_pid_is_accepted(void **state)
{
	(void)state;
	expect_postfix("Nov 29 00:07:00 mail postfix/local: " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
}

static void
tags_that_are_not_postfix_are_other(void **state)
{
	(void)state;
	expect_kind("Jan 1 00:00:00 hostname postfix1[12345]: foo",
	    PFLOG_OTHER);
	expect_kind("Nov 29 00:07:00 mail /postfix-script[1]: starting",
	    PFLOG_OTHER);
	expect_kind("Nov 29 00:07:00 mail postfix[1]: " MSG, PFLOG_OTHER);
	expect_kind("Nov 29 00:07:00 mail postfix/[1]: " MSG, PFLOG_OTHER);
	expect_kind("Nov 29 00:07:00 mail sshd[1]: Accepted key", PFLOG_OTHER);
	expect_kind("Nov 29 00:07:00 mail mail-out/smtp[1]: " MSG, PFLOG_OTHER);
	expect_kind("Nov 29 00:07:00 mail dovecot/imap[1]: " MSG, PFLOG_OTHER);
}

static void
extra_syslog_names_from_options_count_as_postfix(void **state)
{
	static const struct span names[] = { { "mail-out", 8 }, { "", 0 } };
	struct pflog_opts opts = { names, 2 };
	struct pflog_rec rec;
	const char *l1 = "Nov 29 00:07:00 mail mail-out/smtp[1]: " MSG;
	const char *l2 = "Nov 29 00:07:00 mail mail-outx/smtp[1]: " MSG;
	const char *l3 = "Nov 29 00:07:00 mail mail/smtp[1]: " MSG;
	const char *l4 = "Nov 29 00:07:00 mail /smtp[1]: " MSG;
	const char *l5 = "Nov 29 00:07:00 mail postfix/smtp[1]: x";

	(void)state;
	assert_int_equal(parse_n(l1, strlen(l1), &opts, &rec), PFLOG_POSTFIX);
	assert_span(rec.service, "mail-out");
	assert_span(rec.daemon, "smtp");
	assert_span(rec.qid, "641E0104455");
	/* The name must be the whole first component. */
	assert_int_equal(parse_n(l2, strlen(l2), &opts, &rec), PFLOG_OTHER);
	assert_int_equal(parse_n(l3, strlen(l3), &opts, &rec), PFLOG_OTHER);
	/* An empty name in the options does not match an empty component. */
	assert_int_equal(parse_n(l4, strlen(l4), &opts, &rec), PFLOG_OTHER);
	/* "postfix*" still counts with options. */
	assert_int_equal(parse_n(l5, strlen(l5), &opts, &rec), PFLOG_POSTFIX);
	/* Without the options, the extra name is another program. */
	assert_int_equal(parse_n(l1, strlen(l1), NULL, &rec), PFLOG_OTHER);
}

/* ---- message ---- */

static void
solaris_id_prefix_is_skipped(void **state)
{
	(void)state;
	expect_postfix("Nov 29 00:07:00 mail postfix/local[1]: "
	    "[ID 197553 mail.info] " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
	expect_postfix("Nov 29 00:07:00 mail postfix/smtpd[1]: "
	    "[ID 197553 mail.info] connect from x[192.0.2.1]",
	    "postfix/smtpd", "postfix", "smtpd", "",
	    "connect from x[192.0.2.1]");
}

static void
extra_spaces_are_skipped(void **state)
{
	(void)state;
	expect_postfix("Nov 29 00:07:00  mail   postfix/local[1]:    "
	    "641E0104455:   " TO,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
}

static void
long_and_anonymised_queue_ids_are_read(void **state)
{
	(void)state;
	expect_postfix("Nov 29 00:07:00 mail postfix/smtpd[1]: "
	    "4Xk3s51mTFz9vJ: client=a[192.0.2.1]",
	    "postfix/smtpd", "postfix", "smtpd", "4Xk3s51mTFz9vJ",
	    "client=a[192.0.2.1]");
	expect_postfix("Nov 29 00:07:00 mail postfix/smtpd[1]: "
	    "ABCDEFGHIJK: client=a[192.0.2.1]",
	    "postfix/smtpd", "postfix", "smtpd", "ABCDEFGHIJK",
	    "client=a[192.0.2.1]");
}

static void
noqueue_is_a_queue_id_and_recognised(void **state)
{
	struct pflog_rec rec;

	(void)state;
	expect_postfix("Nov 29 00:07:00 mail postfix/smtpd[1]: NOQUEUE: "
	    "reject: RCPT from x[192.0.2.9]: 550 5.1.1 no",
	    "postfix/smtpd", "postfix", "smtpd", "NOQUEUE",
	    "reject: RCPT from x[192.0.2.9]: 550 5.1.1 no");
	assert_int_equal(parse("Nov 29 00:07:00 mail postfix/smtpd[1]: "
	    "NOQUEUE: client=x", &rec), PFLOG_POSTFIX);
	assert_true(pflog_is_noqueue(&rec));
	assert_int_equal(parse("Nov 29 00:07:00 mail postfix/smtpd[1]: "
	    "NOQUEUEX: client=x", &rec), PFLOG_POSTFIX);
	assert_false(pflog_is_noqueue(&rec));
	assert_int_equal(parse("Nov 29 00:07:00 mail postfix/smtpd[1]: "
	    "connect from x", &rec), PFLOG_POSTFIX);
	assert_false(pflog_is_noqueue(&rec));
}

static void
message_without_queue_id_keeps_whole_text(void **state)
{
	(void)state;
	expect_postfix("Nov 29 00:07:00 mail postfix/smtpd[1]: connect from "
	    "x[192.0.2.1]", "postfix/smtpd", "postfix", "smtpd", "",
	    "connect from x[192.0.2.1]");
	/* Severity words are not queue ids. */
	expect_postfix("Nov 29 00:07:00 mail postfix/smtpd[1]: warning: "
	    "hostname x does not resolve", "postfix/smtpd", "postfix",
	    "smtpd", "", "warning: hostname x does not resolve");
	expect_postfix("Nov 29 00:07:00 mail postfix/qmgr[1]: statistics: "
	    "max", "postfix/qmgr", "postfix", "qmgr", "", "statistics: max");
	expect_postfix("Nov 29 00:07:00 mail postfix/postscreen[1]: error: "
	    "open /example", "postfix/postscreen", "postfix", "postscreen",
	    "", "error: open /example");
	expect_postfix("Nov 29 00:07:00 mail postfix/smtpd[1]: fatal: x",
	    "postfix/smtpd", "postfix", "smtpd", "", "fatal: x");
	expect_postfix("Nov 29 00:07:00 mail postfix/smtpd[1]: panic: x",
	    "postfix/smtpd", "postfix", "smtpd", "", "panic: x");
}

static void
empty_message_is_postfix_with_empty_text(void **state)
{
	(void)state;
	expect_postfix("Nov 29 00:07:00 mail postfix/smtpd[1]:",
	    "postfix/smtpd", "postfix", "smtpd", "", "");
	expect_postfix("Nov 29 00:07:00 mail postfix/smtpd[1]: ",
	    "postfix/smtpd", "postfix", "smtpd", "", "");
}

/* The malformed headers of the sergeymakinen/postfix_exporter test log. */
static void
sergeymakinen_malformed_headers_are_rejected(void **state)
{
	struct pflog_rec rec;

	(void)state;
	expect_kind("Jan 1 00:00:00 hostname postfix1[12345]: foo",
	    PFLOG_OTHER);
	assert_int_equal(parse("Jan 1 00:00:00 hostname "
	    "postfix/unknown[12345]: foo", &rec), PFLOG_POSTFIX);
	assert_span(rec.daemon, "unknown");
	expect_kind("Jan: 1 00:00:00 hostname postfix/postscreen[12345]: foo",
	    PFLOG_MALFORMED);
	expect_kind("Jan 1 00:00:00 hostname postfix/postscreen[abcde]: foo",
	    PFLOG_MALFORMED);
	expect_kind("Jan 1 00:00:00 hostname postfix/postscreen[12345",
	    PFLOG_MALFORMED);
	expect_kind("Jan 1 00:00:00 hostname postfix/postscreen",
	    PFLOG_MALFORMED);
	expect_kind("Foo 1 00:00:00 hostname", PFLOG_MALFORMED);
	expect_kind("Jan 1 00:00:00", PFLOG_MALFORMED);
	expect_kind("Jan", PFLOG_MALFORMED);
}

static void
other_malformed_headers_are_rejected(void **state)
{
	(void)state;
	/* No ':' after the tag. */
	expect_kind("Nov 29 00:07:00 mail postfix/smtp[1] " MSG,
	    PFLOG_MALFORMED);
	expect_kind("Nov 29 00:07:00 mail postfix/smtp " MSG, PFLOG_MALFORMED);
	/* Unterminated or empty pid. */
	expect_kind("Nov 29 00:07:00 mail postfix/smtp[1: " MSG,
	    PFLOG_MALFORMED);
	expect_kind("Nov 29 00:07:00 mail postfix/smtp[]: " MSG,
	    PFLOG_MALFORMED);
	/* Host, but no tag. */
	expect_kind("Nov 29 00:07:00 mail", PFLOG_MALFORMED);
	expect_kind("Nov 29 00:07:00 mail ", PFLOG_MALFORMED);
	expect_kind("Nov 29 00:07:00 ", PFLOG_MALFORMED);
	/* An empty tag. */
	expect_kind("Nov 29 00:07:00 mail : " MSG, PFLOG_MALFORMED);
	expect_kind("Nov 29 00:07:00 mail [1]: " MSG, PFLOG_MALFORMED);
}

static void
postfix_tag_inside_another_programs_line_is_other(void **state)
{
	(void)state;
	expect_kind("Nov 29 00:07:00 host sshd[1]: x postfix/smtp[2]: 1234: "
	    "to=<a@b>, relay=local, delay=0, delays=0/0/0/0, dsn=2.0.0, "
	    "status=sent (ok)", PFLOG_OTHER);
	/* Without a HOST, the first token is the tag: another program's. */
	expect_kind("Nov 29 00:07:00 sshd[2]: postfix/local[2]: " MSG,
	    PFLOG_OTHER);
	expect_kind("Nov 29 00:07:00 sshd: postfix/local[2]: " MSG,
	    PFLOG_OTHER);
}

static void
nul_bytes_inside_a_line_are_just_bytes(void **state)
{
	static const char line[] = "Nov 29 00:07:00 mail postfix/local[1]: "
	    "641E0104455: to=<al\0ce@example.org>, relay=local, status=sent";
	static const char nulhost[] = "Nov 29 00:07:00 ma\0il "
	    "postfix/local[1]: 641E0104455: x";
	static const char nultag[] = "Nov 29 00:07:00 mail "
	    "postfix/lo\0cal[1]: 641E0104455: x";
	static const char nulfirst[] = "\0Nov 29 00:07:00 mail "
	    "postfix/local[1]: x";
	struct pflog_rec rec;
	size_t len = sizeof(line) - 1;

	(void)state;
	assert_int_equal(parse_n(line, len, NULL, &rec), PFLOG_POSTFIX);
	assert_within(&rec, last_copy, len);
	assert_span(rec.qid, "641E0104455");
	/* The message runs to LEN, past the NUL. */
	assert_true(rec.msg.p + rec.msg.len == last_copy + len);
	assert_int_equal(rec.msg.len, strlen("to=<al") + 1
	    + strlen("ce@example.org>, relay=local, status=sent"));

	assert_int_equal(parse_n(nulhost, sizeof(nulhost) - 1, NULL, &rec),
	    PFLOG_POSTFIX);
	assert_span(rec.qid, "641E0104455");
	/* A NUL in the tag: the daemon is not "local". */
	if (parse_n(nultag, sizeof(nultag) - 1, NULL, &rec) == PFLOG_POSTFIX) {
		assert_int_equal(rec.daemon.len, 6);
		assert_within(&rec, last_copy, sizeof(nultag) - 1);
	}
	/* A NUL at the very start. */
	assert_int_equal(parse_n(nulfirst, sizeof(nulfirst) - 1, NULL, &rec),
	    PFLOG_MALFORMED);
}

static void
invalid_utf8_inside_a_line_is_just_bytes(void **state)
{
	const char *line = "Nov 29 00:07:00 m\xc3\x28il postfix/local[1]: "
	    "641E0104455: to=<\xff\xfe@example.org>, relay=local, "
	    "status=sent (\xe2\x82)";
	struct pflog_rec rec;

	(void)state;
	assert_int_equal(parse(line, &rec), PFLOG_POSTFIX);
	assert_span(rec.qid, "641E0104455");
	assert_span(rec.daemon, "local");
	/* High bytes are not letters: not a queue id. */
	assert_int_equal(parse("Nov 29 00:07:00 mail postfix/local[1]: "
	    "\xc3\xa9t\xc3\xa9: x", &rec), PFLOG_POSTFIX);
	assert_int_equal(rec.qid.len, 0);
}

/* Every prefix of good lines parses without reading beyond its length. */
static void
every_prefix_of_a_line_is_safe(void **state)
{
	static const char *const lines[] = {
		"Nov 29 00:07:00.123 mail postfix/submission/smtpd[123]: "
		    "[ID 197553 mail.info] 641E0104455: client=x[192.0.2.1]",
		"2013 Jun 10 06:27:30.123 mail postfix/local[1]: " MSG,
		"2026-11-29T00:07:00.123456+00:00 mail postfix-out/smtp[1]: "
		    "NOQUEUE: x",
		"Nov 29 00:07:00 mail postfix/local: " MSG,
	};
	struct pflog_rec rec;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		for (n = 0; n <= strlen(lines[i]); n++) {
			enum pflog_kind k = parse_n(lines[i], n, NULL, &rec);

			assert_true(k == PFLOG_POSTFIX || k == PFLOG_OTHER
			    || k == PFLOG_MALFORMED);
			if (k == PFLOG_POSTFIX)
				assert_within(&rec, last_copy, n);
		}
}

/* A line of any bytes is one of the three kinds and stays in bounds. */
static void
random_bytes_never_escape_the_line(void **state)
{
	static const char alphabet[] = "Nov 29:0.1T-+Z[]/ postfix\0\xff:";
	char buf[160];
	struct pflog_rec rec;
	uint32_t x = 12345;
	int round;
	size_t i, n;

	(void)state;
	for (round = 0; round < 20000; round++) {
		n = (size_t)(round % (int)sizeof(buf));
		/* Start from a valid header half of the time. */
		if (round & 1) {
			memcpy(buf, "Nov 29 00:07:00 mail postfix/smtp[1]: ", 38);
			i = n < 38 ? n : 38;
		} else
			i = 0;
		for (; i < n; i++) {
			x = x * 1103515245u + 12345u;
			buf[i] = alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
		}
		if (parse_n(buf, n, NULL, &rec) == PFLOG_POSTFIX)
			assert_within(&rec, last_copy, n);
	}
}

/* ---- round 2: more header formats ---- */

static void
leading_pri_and_rfc5424_headers_are_parsed(void **state)
{
	struct pflog_rec rec;

	(void)state;
	expect_postfix("<22>Nov 29 00:07:00 mail postfix/local[1]: " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
	expect_postfix("<22>1 2026-12-01T09:00:18+01:00 mx1 postfix/local "
	    "1118 - - " MSG, "postfix/local", "postfix", "local",
	    "641E0104455", TO);
	expect_postfix("<22>1 2026-12-01T09:00:18.003Z mx1 postfix/local 1118 "
	    "- [exampleSDID@32473 iut=\"3\" eventSource=\"x\\\"]\"][b] " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
	expect_postfix("<22>1 - - postfix/local - ID47 - \xef\xbb\xbf" MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
	assert_int_equal(parse("<22>1 2026-12-01T09:00:18+01:00 mx1 "
	    "postfix/smtpd 1118 - -", &rec), PFLOG_POSTFIX);
	assert_span(rec.host, "mx1");
	assert_span(rec.pid, "1118");
	assert_span(rec.msg, "");
	expect_kind("<22>1 2026-12-01T09:00:18+01:00 mx1 sshd 1 - - x",
	    PFLOG_OTHER);
	expect_kind("<22>1 2026-12-01T09:00:18+01:00 mx1 postfix/smtp 1 - "
	    "[unterminated " MSG, PFLOG_MALFORMED);
	expect_kind("<22>1 2026-12-01T09:00:18+01:00 mx1 postfix/smtp",
	    PFLOG_MALFORMED);
	expect_kind("<2222>Nov 29 00:07:00 mail postfix/local[1]: x",
	    PFLOG_MALFORMED);
	expect_kind("<>Nov 29 00:07:00 mail postfix/local[1]: x",
	    PFLOG_MALFORMED);
}

static void
journalctl_formats_are_parsed(void **state)
{
	(void)state;
	expect_postfix("Tue 2026-12-01 09:00:18 CET mx1 postfix/local[1]: "
	    MSG, "postfix/local", "postfix", "local", "641E0104455", TO);
	expect_postfix("Tue 2026-12-01 09:00:18 +03 mx1 postfix/local[1]: "
	    MSG, "postfix/local", "postfix", "local", "641E0104455", TO);
	expect_postfix("1733040018.123456 mx1 postfix/local[1]: " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
	expect_postfix("Dec 01 09:00:18.123456 mx1 postfix/local[1]: " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
	expect_postfix("2026-12-01T09:00:18+0100 mx1 postfix/local[1]: " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
	expect_postfix("2026-12-01 09:00:22 mx1 postfix/local[1]: " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
	expect_kind("Tue 2026-12-01 09:00:18  mx1 postfix/local[1]: x",
	    PFLOG_MALFORMED);
	expect_kind("17330400.5 mx1 postfix/local[1]: x", PFLOG_MALFORMED);
}

static void
lines_without_a_host_name_are_parsed(void **state)
{
	struct pflog_rec rec;

	(void)state;
	expect_postfix("Dec  1 09:00:18 postfix/local[1]: " MSG,
	    "postfix/local", "postfix", "local", "641E0104455", TO);
	assert_int_equal(parse("Dec  1 09:00:18 postfix/local: " MSG, &rec),
	    PFLOG_POSTFIX);
	assert_int_equal(rec.host.len, 0);
	assert_int_equal(rec.pid.len, 0);
	assert_int_equal(parse("Dec  1 09:00:18 mx1 postfix/local[77]: x",
	    &rec), PFLOG_POSTFIX);
	assert_span(rec.host, "mx1");
	assert_span(rec.pid, "77");
}

static void
other_lines_have_tag_and_message(void **state)
{
	struct pflog_rec rec;

	(void)state;
	assert_int_equal(parse("Dec  1 09:00:18 mx1 rsyslogd-2177: imuxsock "
	    "lost 5 messages", &rec), PFLOG_OTHER);
	assert_span(rec.tag, "rsyslogd-2177");
	assert_span(rec.msg, "imuxsock lost 5 messages");
	assert_int_equal(rec.daemon.len, 0);
	assert_int_equal(rec.qid.len, 0);
}

static void
pflog_message_reads_a_message_alone(void **state)
{
	static const char m[] = " [ID 1 mail.info]  641E0104455:  " TO;
	struct pflog_rec rec;

	(void)state;
	pflog_message(m, sizeof(m) - 1, &rec);
	assert_span(rec.qid, "641E0104455");
	assert_span(rec.msg, TO);
	pflog_message("", 0, &rec);
	assert_int_equal(rec.qid.len, 0);
	assert_int_equal(rec.msg.len, 0);
}

/* Every path the CPU has gives the same records; the scalar one always. */
static void
every_supported_path_parses_the_same(void **state)
{
	static const char *const lines[] = {
		"Nov 29 00:07:00 mail postfix/submission/smtpd[7]: "
		    "7B79F104457: client=unknown[192.0.2.1]",
		"<22>1 2026-12-01T09:00:18+01:00 mx1 postfix/smtpd 1118 - - "
		    "NOQUEUE: reject: x",
		"Dec  1 09:00:18 averyveryveryveryveryveryveryveryveryveryvery"
		    "longhost.example.com postfix-instance-with-a-long-name/"
		    "submission/smtpd[1234567890]: 4Xk3s51mTFz9vJABCDEFGHIJKLMN"
		    "OPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789: x",
		"Dec  1 09:00:18 m p/s:",
	};
	enum pflog_path saved = pflog_path();
	struct pflog_rec want, got;
	size_t i, n;
	int p;

	(void)state;
	assert_true(pflog_path_supported(PFLOG_PATH_SCALAR));
	assert_int_equal(pflog_use_path(PFLOG_PATH_N), -1);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		for (n = 0; n <= strlen(lines[i]); n++) {
			enum pflog_kind kw, kg;

			assert_int_equal(pflog_use_path(PFLOG_PATH_SCALAR), 0);
			kw = parse_n(lines[i], n, NULL, &want);
			if (kw == PFLOG_MALFORMED)
				memset(&want, 0, sizeof(want));
			for (p = 1; p < PFLOG_PATH_N; p++) {
				if (pflog_use_path((enum pflog_path)p) != 0)
					continue;
				kg = parse_n(lines[i], n, NULL, &got);
				assert_int_equal(kg, kw);
				if (kg == PFLOG_MALFORMED)
					continue;
				/* Same offsets in the same-sized copy. */
				assert_int_equal(got.tag.len, want.tag.len);
				assert_int_equal(got.qid.len, want.qid.len);
				assert_int_equal(got.msg.len, want.msg.len);
				assert_int_equal(got.host.len, want.host.len);
				assert_int_equal(got.daemon.len,
				    want.daemon.len);
			}
		}
	assert_int_equal(pflog_use_path(saved), 0);
}

static int
teardown_copy(void **state)
{
	(void)state;
	free(last_copy);
	last_copy = NULL;
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(leading_pri_and_rfc5424_headers_are_parsed, teardown_copy),
		cmocka_unit_test_teardown(journalctl_formats_are_parsed, teardown_copy),
		cmocka_unit_test_teardown(lines_without_a_host_name_are_parsed, teardown_copy),
		cmocka_unit_test_teardown(other_lines_have_tag_and_message, teardown_copy),
		cmocka_unit_test_teardown(pflog_message_reads_a_message_alone, teardown_copy),
		cmocka_unit_test_teardown(every_supported_path_parses_the_same, teardown_copy),
		cmocka_unit_test(bsd_timestamp_with_space_padded_day_is_parsed),
		cmocka_unit_test(bsd_timestamp_with_zero_padded_day_is_parsed),
		cmocka_unit_test(bsd_timestamp_with_unpadded_day_is_parsed),
		cmocka_unit_test(bsd_timestamp_with_fractional_seconds_is_parsed),
		cmocka_unit_test(year_prefixed_bsd_timestamp_is_parsed),
		cmocka_unit_test(rfc3339_timestamp_with_offset_is_parsed),
		cmocka_unit_test(rfc3339_timestamp_with_z_is_parsed),
		cmocka_unit_test(malformed_timestamps_are_malformed),
		cmocka_unit_test(multi_instance_tags_split_into_service_and_daemon),
		cmocka_unit_test(tag_without_pid_is_accepted),
		cmocka_unit_test(tags_that_are_not_postfix_are_other),
		cmocka_unit_test(extra_syslog_names_from_options_count_as_postfix),
		cmocka_unit_test(solaris_id_prefix_is_skipped),
		cmocka_unit_test(extra_spaces_are_skipped),
		cmocka_unit_test(long_and_anonymised_queue_ids_are_read),
		cmocka_unit_test(noqueue_is_a_queue_id_and_recognised),
		cmocka_unit_test(message_without_queue_id_keeps_whole_text),
		cmocka_unit_test(empty_message_is_postfix_with_empty_text),
		cmocka_unit_test(sergeymakinen_malformed_headers_are_rejected),
		cmocka_unit_test(other_malformed_headers_are_rejected),
		cmocka_unit_test(postfix_tag_inside_another_programs_line_is_other),
		cmocka_unit_test(nul_bytes_inside_a_line_are_just_bytes),
		cmocka_unit_test(invalid_utf8_inside_a_line_is_just_bytes),
		cmocka_unit_test(every_prefix_of_a_line_is_safe),
		cmocka_unit_test(random_bytes_never_escape_the_line),
	};

	return cmocka_run_group_tests_name("pflog", tests, NULL, teardown_copy);
}
