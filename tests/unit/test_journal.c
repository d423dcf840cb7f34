/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	test_journal - unit tests for the journal source's pure parts
 * DESCRIPTION
 *	The rebuilt syslog line (src/core/journal.c journal_line()) parses
 *	and classifies exactly as the line a syslog daemon writes for the
 *	same event; which identifiers are Postfix's; journald's notices of
 *	suppressed messages; the position's encoding; the hash that tells a
 *	whole entry (systemd's jenkins_hash64(), the cursor's "x=", fields
 *	given twice). The reading of real
 *	journal files is tested by tests/integration/t_journal_*.sh.
 * DIAGNOSTICS
 *	cmocka's report; exit status the number of failed tests.
 * SECURITY
 *	None: test code.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "classify.h"
#include "journal.h"
#include "pflog.h"

static uint64_t
usec_of(int year, int mon, int day, int h, int m, int s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = s;
	return (uint64_t)timegm(&tm) * 1000000 + 123456;
}

static struct span
S(const char *s)
{
	return span_make(s, strlen(s));
}

static void
line_is_bsd_syslog(void **state)
{
	char buf[256];
	size_t n;

	(void)state;
	n = journal_line(buf, sizeof(buf), usec_of(2026, 12, 1, 9, 5, 7),
	    S("mx1"), S("postfix/smtp"), S("1234"), S("641E0104455: to=<a@b>"));
	assert_int_equal(n, strlen("Dec  1 09:05:07 mx1 postfix/smtp[1234]: "
	    "641E0104455: to=<a@b>"));
	assert_memory_equal(buf, "Dec  1 09:05:07 mx1 postfix/smtp[1234]: "
	    "641E0104455: to=<a@b>", n);
	n = journal_line(buf, sizeof(buf), usec_of(2026, 11, 29, 23, 59, 59),
	    S("h"), S("postfix-out/qmgr"), SPAN_NULL, S("x"));
	assert_memory_equal(buf, "Nov 29 23:59:59 h postfix-out/qmgr: x", n);
}

static void
line_over_the_limit_is_refused(void **state)
{
	char buf[64];
	const char *hdr = "Jan  1 00:00:00 h p[1]: ";
	char msg[64];
	size_t room = sizeof(buf) - strlen(hdr);

	(void)state;
	memset(msg, 'x', sizeof(msg));
	assert_int_equal(journal_line(buf, sizeof(buf), 0, S("h"), S("p"),
	    S("1"), span_make(msg, room)), sizeof(buf));
	assert_memory_equal(buf, hdr, strlen(hdr));
	assert_int_equal(journal_line(buf, sizeof(buf), 0, S("h"), S("p"),
	    S("1"), span_make(msg, room + 1)), 0);
}

/* The rebuilt line and the syslog file's line count the same. */
static void
rebuilt_line_classifies_as_the_file_line(void **state)
{
	static const struct { const char *tag, *pid, *msg; } ev[] = {
		{ "postfix/smtp", "2201", "681DF104456: to=<bob@soft.example>, "
		    "relay=mx[192.0.2.3]:25, delay=1, delays=0/0/0/1, "
		    "dsn=4.3.0, status=deferred (host mx[192.0.2.3] said: 450 "
		    "4.3.0 Try later (in reply to RCPT TO command))" },
		{ "postfix/submission/smtpd", "77", "7B79F104457: "
		    "client=unknown[127.0.0.1]" },
		{ "postfix/local", "9", "641E0104455: to=<alice@example.org>, "
		    "relay=local, delay=0.03, delays=0.02/0/0/0.01, dsn=2.0.0, "
		    "status=sent (delivered to mailbox)" },
		{ "postfix-out/smtpd", "5", "NOQUEUE: reject: RCPT from "
		    "unknown[192.0.2.9]: 550 5.1.1 <x@example.org>: Recipient "
		    "address rejected: no; from=<a@b> to=<x@example.org> "
		    "proto=ESMTP helo=<h>" },
	};
	char buf[1024], file[1024];
	struct classify_result a, b;
	size_t i, n, k;

	(void)state;
	for (i = 0; i < sizeof(ev) / sizeof(ev[0]); i++) {
		n = journal_line(buf, sizeof(buf), usec_of(2026, 12, 1, 9, 0,
		    0), S("mx1"), S(ev[i].tag), S(ev[i].pid), S(ev[i].msg));
		assert_true(n > 0);
		snprintf(file, sizeof(file), "Dec  1 09:00:00 mx1 %s[%s]: %s",
		    ev[i].tag, ev[i].pid, ev[i].msg);
		assert_int_equal(n, strlen(file));
		assert_memory_equal(buf, file, n);
		assert_int_equal(classify_line(buf, n, NULL, NULL, &a),
		    PFLOG_POSTFIX);
		assert_int_equal(classify_line(file, strlen(file), NULL, NULL,
		    &b), PFLOG_POSTFIX);
		assert_true(a.n > 0);
		assert_int_equal(a.n, b.n);
		for (k = 0; k < a.n; k++)
			assert_int_equal(a.inc[k].key, b.inc[k].key);
	}
}

static void
postfix_identifiers(void **state)
{
	struct span names[] = { SPAN_LIT("relay-out") };

	(void)state;
	assert_true(journal_is_postfix(S("postfix/smtp"), NULL, 0));
	assert_true(journal_is_postfix(S("postfix/submission/smtpd"), NULL, 0));
	assert_true(journal_is_postfix(S("postfix-out/smtp"), NULL, 0));
	assert_true(journal_is_postfix(S("postfix"), NULL, 0));
	assert_false(journal_is_postfix(S("amavis"), NULL, 0));
	assert_false(journal_is_postfix(S("systemd-journald"), NULL, 0));
	assert_false(journal_is_postfix(S("/smtp"), NULL, 0));
	assert_false(journal_is_postfix(S(""), NULL, 0));
	assert_false(journal_is_postfix(S("mypostfix/smtp"), NULL, 0));
	assert_false(journal_is_postfix(S("relay-out/smtp"), NULL, 0));
	assert_true(journal_is_postfix(S("relay-out/smtp"), names, 1));
	assert_false(journal_is_postfix(S("relay-outx/smtp"), names, 1));
	/* Not a tag a syslog line could carry. */
	assert_false(journal_is_postfix(S("postfix/smtp x"), NULL, 0));
	assert_false(journal_is_postfix(S("postfix/smtp[1]"), NULL, 0));
	assert_false(journal_is_postfix(S("postfix/smtp:"), NULL, 0));
	assert_false(journal_is_postfix(span_make("postfix/\n", 9), NULL, 0));
}

static void
suppressed_notices(void **state)
{
	(void)state;
	assert_int_equal(journal_dropped(S("Suppressed 12 messages from "
	    "postfix@-.service")), 12);
	assert_int_equal(journal_dropped(S("Suppressed 1 messages from "
	    "postfix.service")), 1);
	assert_int_equal(journal_dropped(S("Suppressed 3 messages from "
	    "cron.service")), 0);
	assert_int_equal(journal_dropped(S("Suppressed  messages from "
	    "postfix.service")), 0);
	assert_int_equal(journal_dropped(S("Suppressed 99999999999999999999 "
	    "messages from postfix.service")), 0);
	assert_int_equal(journal_dropped(S("Suppressed 5")), 0);
	assert_int_equal(journal_dropped(S("")), 0);
}

static void
position_round_trip(void **state)
{
	const char *cur = "s=04de7948376f43e3ac52ee8523a82958;i=191f3;"
	    "b=5e1fa0c4a1b34b5c8e7f0d2a3b4c5d6e;m=191f3;t=64d4c7d3b4a40;"
	    "x=2314a1ab7d154d4c";
	unsigned char pos[SOURCE_POS_MAX], id[16];
	char back[SOURCE_POS_MAX];
	uint64_t seq = 0;
	size_t n;

	(void)state;
	n = journal_pos_encode(pos, sizeof(pos), cur);
	assert_true(n > strlen(cur));
	assert_true(source_pos_is(pos, n, SOURCE_TAG_JOURNAL));
	assert_int_equal(journal_pos_decode(pos, n, back, sizeof(back), &seq,
	    id), 0);
	assert_string_equal(back, cur);
	assert_int_equal(seq, 0x191f3);
	assert_int_equal(id[0], 0x04);
	assert_int_equal(id[15], 0x58);
	/* Another kind's position, a damaged one. */
	memcpy(pos, "PSF1", 4);
	assert_int_equal(journal_pos_decode(pos, n, back, sizeof(back), &seq,
	    id), SOURCE_EOTHER);
	memcpy(pos, "PSJ1", 4);
	assert_int_equal(journal_pos_decode(pos, 20, back, sizeof(back), &seq,
	    id), SOURCE_EBADPOS);
	pos[n - 3] = '\n';
	assert_int_equal(journal_pos_decode(pos, n, back, sizeof(back), &seq,
	    id), SOURCE_EBADPOS);
	/* A cursor without a sequence number. */
	assert_int_equal(journal_cursor_seqnum("b=1;m=2", &seq, id), -1);
	assert_int_equal(journal_pos_encode(pos, 10, cur), 0);
}

static void
hash_is_systemds(void **state)
{
	/* A real entry (systemd-journal-remote 252): its fields, its x=. */
	static const char *const field[] = {
		"_BOOT_ID=5e1fa0c4a1b34b5c8e7f0d2a3b4c5d6e",
		"_HOSTNAME=mx1",
		"_TRANSPORT=syslog",
		"SYSLOG_FACILITY=2",
		"SYSLOG_IDENTIFIER=postfix/smtp",
		"SYSLOG_PID=101",
		"_PID=101",
		"MESSAGE=4ABCDEF: to=<x@example.com>, relay=b.example"
		    "[192.0.2.2]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, "
		    "status=sent (250 UNIQUEMARKER ok)",
	};
	const char *cur = "s=7a113f74341b4d948bf952f2bb804cdb;i=2;"
	    "b=5e1fa0c4a1b34b5c8e7f0d2a3b4c5d6e;m=2;t=644d8a90ba7d0;"
	    "x=dbaa1cdde22c672c";
	uint64_t x = 0, want = 0;
	size_t i;

	(void)state;
	/* Bob Jenkins' lookup3 hashlittle2() test values, seeds 0. */
	assert_true(journal_hash64("", 0) == 0xdeadbeefdeadbeefULL);
	assert_true(journal_hash64("Four score and seven years ago", 30)
	    == 0x17770551ce7226e6ULL);
	assert_int_equal(journal_cursor_xor(cur, &want), 0);
	assert_true(want == 0xdbaa1cdde22c672cULL);
	for (i = 0; i < sizeof(field) / sizeof(field[0]); i++)
		x ^= journal_hash64(field[i], strlen(field[i]));
	assert_true(x == want);
	/* Without its MESSAGE (passed over by libsystemd): not whole. */
	x ^= journal_hash64(field[7], strlen(field[7]));
	assert_true(x != want);
	assert_int_equal(journal_cursor_xor("s=1;i=2", &want), -1);
	assert_int_equal(journal_cursor_xor("x=", &want), -1);
	assert_int_equal(journal_cursor_xor("x=12g4", &want), -1);
	assert_int_equal(journal_cursor_xor("x=11112222333344445", &want), -1);
}

static void
span_of_fields(void **state)
{
	struct journal_span sp;
	uint64_t a = journal_hash64("A=1", 3), b = journal_hash64("B=2", 3);
	uint64_t c = journal_hash64("C=3", 3), m = journal_hash64("MESSAGE=x", 9);

	(void)state;
	memset(&sp, 0, sizeof(sp));
	journal_span_add(&sp, a);
	journal_span_add(&sp, b);
	journal_span_add(&sp, c);
	journal_span_add(&sp, a ^ b);	/* adds nothing */
	/* A field given twice: the cursor's XOR lacks it twice. */
	assert_true(journal_span_has(&sp, 0));
	assert_true(journal_span_has(&sp, a));
	assert_true(journal_span_has(&sp, a ^ c));
	assert_true(journal_span_has(&sp, a ^ b ^ c));
	/* A field passed over is no XOR of those read. */
	assert_false(journal_span_has(&sp, m));
	assert_false(journal_span_has(&sp, m ^ a));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(line_is_bsd_syslog),
		cmocka_unit_test(line_over_the_limit_is_refused),
		cmocka_unit_test(rebuilt_line_classifies_as_the_file_line),
		cmocka_unit_test(postfix_identifiers),
		cmocka_unit_test(suppressed_notices),
		cmocka_unit_test(position_round_trip),
		cmocka_unit_test(hash_is_systemds),
		cmocka_unit_test(span_of_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
