/* SPDX-License-Identifier: ISC */
/*
 * test_classify - unit tests for the counting rules (src/core/classify.c)
 *
 * Lines go through classify_line() from a heap copy of exactly their
 * length. Each test checks the exact multiset of increments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "classify.h"
#include "keys.h"
#include "pflog.h"

#define H(tag)	"Nov 29 00:07:00 mail " tag "[123]: "
#define SMTP	H("postfix/smtp")
#define LMTP	H("postfix/lmtp")
#define SMTPD	H("postfix/smtpd")
#define CLEANUP	H("postfix/cleanup")
#define QMGR	H("postfix/qmgr")
#define PICKUP	H("postfix/pickup")
#define PSCREEN	H("postfix/postscreen")
#define QID	"641E0104455: "
#define MX	"relay=mx.example.com[192.0.2.1]:25, delay=1.2, " \
		"delays=0.1/0/0.5/0.6, "

static char *copy;
static struct classify_result R;
static int at_line;		/* the caller's line, for messages */

static enum pflog_kind
run_n(const char *line, size_t len, const struct pflog_opts *po,
    const struct classify_opts *co)
{
	free(copy);
	copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, line, len);
	/* Garbage in OUT must not leak into the result. */
	memset(&R, 0x5a, sizeof(R));
	return classify_line(copy, len, po, co, &R);
}

static enum pflog_kind
run(const char *line, const struct classify_opts *co)
{
	return run_n(line, strlen(line), NULL, co);
}

static const char *
key_name(int key)
{
	const struct keys_entry *e;

	if (key == KEY_SENT_DYNAMIC)
		return "sent:<dynamic>";
	e = keys_entry((enum keys_id)key);
	return e ? e->name : "?";
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/* R holds exactly the increments KEYS (in any order). */
static void
check_keys(const char *line, const int *keys, size_t n)
{
	int got[CLASSIFY_MAX_INC], want[CLASSIFY_MAX_INC + 8];
	size_t i;

	if (R.n > CLASSIFY_MAX_INC)
		fail_msg("n = %zu", R.n);
	for (i = 0; i < R.n; i++)
		got[i] = R.inc[i].key;
	if (n > 0)
		memcpy(want, keys, n * sizeof(*keys));
	qsort(got, R.n, sizeof(int), cmp_int);
	qsort(want, n, sizeof(int), cmp_int);
	if (R.n != n || memcmp(got, want, n * sizeof(int)) != 0) {
		print_error("%s:%d: line: %s\n got:", __FILE__, at_line, line);
		for (i = 0; i < R.n; i++)
			print_error(" %s", key_name(got[i]));
		print_error("\nwant:");
		for (i = 0; i < n; i++)
			print_error(" %s", key_name(want[i]));
		print_error("\n");
		fail();
	}
}

static void
expect_keys(int at, const char *line, const struct classify_opts *co,
    const int *keys, size_t n)
{
	at_line = at;
	assert_int_equal(run(line, co), PFLOG_POSTFIX);
	check_keys(line, keys, n);
	assert_int_equal(R.excluded, 0);
}

#define KEYS(...)	(const int[]){ __VA_ARGS__ }, \
			sizeof((const int[]){ __VA_ARGS__ }) / sizeof(int)
/* EXPECT(line, key, ...): exactly these increments, nothing excluded. */
#define EXPECT(line, ...)	expect_keys(__LINE__, line, NULL, \
				    KEYS(__VA_ARGS__))
#define EXPECT_O(line, co, ...)	expect_keys(__LINE__, line, co, \
				    KEYS(__VA_ARGS__))

/* A Postfix line that counts nothing and is not a parse failure. */
static void
expect_none_at(int at, const char *line)
{
	at_line = at;
	assert_int_equal(run(line, NULL), PFLOG_POSTFIX);
	check_keys(line, NULL, 0);
	if (R.unparsed)
		fail_msg("unexpectedly unparsed: %s", line);
	assert_int_equal(R.excluded, 0);
}
#define expect_none(...)	expect_none_at(__LINE__, __VA_ARGS__)

/* status:sent plus sent:T for a dynamic transport T. */
static void
expect_sent_dynamic_at(int at, const char *line, const char *t)
{
	size_t i, dyn = 0;

	at_line = at;
	assert_int_equal(run(line, NULL), PFLOG_POSTFIX);
	check_keys(line, KEYS(KEY_STATUS_SENT, KEY_SENT_DYNAMIC));
	for (i = 0; i < R.n; i++)
		if (R.inc[i].key == KEY_SENT_DYNAMIC) {
			dyn++;
			if (!span_eq_str(R.inc[i].transport, t))
				fail_msg("transport \"%.*s\", want \"%s\"",
				    (int)R.inc[i].transport.len,
				    R.inc[i].transport.p, t);
		}
	assert_int_equal(dyn, 1);
}
#define expect_sent_dynamic(...)	expect_sent_dynamic_at(__LINE__, __VA_ARGS__)

/* Not counted because the hop is excluded. */
static void
expect_excluded_at(int at, const char *line, const struct classify_opts *co)
{
	at_line = at;
	assert_int_equal(run(line, co), PFLOG_POSTFIX);
	check_keys(line, NULL, 0);
	if (!R.excluded)
		fail_msg("not excluded: %s", line);
}
#define expect_excluded(...)	expect_excluded_at(__LINE__, __VA_ARGS__)

static void
expect_unparsed_at(int at, const char *line)
{
	at_line = at;
	assert_int_equal(run(line, NULL), PFLOG_POSTFIX);
	check_keys(line, NULL, 0);
	if (!R.unparsed)
		fail_msg("not flagged unparsed: %s", line);
}
#define expect_unparsed(...)	expect_unparsed_at(__LINE__, __VA_ARGS__)

/* ---- Rule 1: deliveries ---- */

static void
sent_by_local_counts_sent_local(void **state)
{
	(void)state;
	EXPECT(H("postfix/local") QID "to=<alice@example.org>, relay=local, "
	    "delay=0.03, delays=0.02/0/0/0.01, dsn=2.0.0, status=sent "
	    "(delivered to mailbox)", KEY_STATUS_SENT, KEY_SENT_LOCAL);
}

static void
sent_by_virtual_counts_sent_virtual(void **state)
{
	(void)state;
	EXPECT(H("postfix/virtual") QID "to=<bob@example.net>, "
	    "relay=virtual, delay=0.1, delays=0.05/0.01/0/0.04, dsn=2.0.0, "
	    "status=sent (delivered to maildir)",
	    KEY_STATUS_SENT, KEY_SENT_VIRTUAL);
}

static void
sent_by_pipe_transport_counts_dynamic_key(void **state)
{
	(void)state;
	expect_sent_dynamic(H("postfix/pipe") QID "to=<carol@example.org>, "
	    "relay=legal, delay=0.5, delays=0.1/0/0/0.4, dsn=2.0.0, "
	    "status=sent (delivered via legal service)", "legal");
	expect_sent_dynamic(H("postfix/pipe") QID "to=<dave@example.org>, "
	    "orig_to=<d@example.org>, relay=dovecot, delay=0.1, "
	    "delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered via "
	    "dovecot service)", "dovecot");
	expect_sent_dynamic(H("postfix/pipe") QID "to=<r@example.org>, "
	    "relay=dmarc-rua, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, "
	    "status=sent (delivered via dmarc-rua service)", "dmarc-rua");
}

static void
transport_names_are_case_sensitive(void **state)
{
	(void)state;
	expect_sent_dynamic(H("postfix/pipe") QID "to=<c@example.org>, "
	    "relay=Legal, delay=0.5, delays=0.1/0/0/0.4, dsn=2.0.0, "
	    "status=sent (delivered via Legal service)", "Legal");
	/* "SMTP" is not the static smtp transport. */
	expect_sent_dynamic(H("postfix/pipe") QID "to=<c@example.org>, "
	    "relay=SMTP, delay=0.5, delays=0.1/0/0/0.4, dsn=2.0.0, "
	    "status=sent (x)", "SMTP");
}

static void
unusable_transport_names_count_in_overflow(void **state)
{
	(void)state;
	EXPECT(H("postfix/pipe") QID "to=<c@example.org>, relay=_private, "
	    "delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent (x)",
	    KEY_STATUS_SENT, KEY_SENT_OVERFLOW);
	EXPECT(H("postfix/pipe") QID "to=<c@example.org>, relay="
	    "a-transport-name-longer-than-32-bytes, delay=0, "
	    "delays=0/0/0/0, dsn=2.0.0, status=sent (x)",
	    KEY_STATUS_SENT, KEY_SENT_OVERFLOW);
	EXPECT(H("postfix/pipe") QID "to=<c@example.org>, relay=bad/name, "
	    "delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent (x)",
	    KEY_STATUS_SENT, KEY_SENT_OVERFLOW);
}

static void
sent_to_a_host_counts_the_daemon(void **state)
{
	(void)state;
	EXPECT(SMTP QID "to=<eve@example.com>, " MX "dsn=2.0.0, status=sent "
	    "(250 2.0.0 Ok: queued as 4Xk3s51mTFz9vJ)",
	    KEY_STATUS_SENT, KEY_SENT_SMTP);
	EXPECT(H("postfix/relay/smtp") QID "to=<eve@example.com>, " MX
	    "dsn=2.0.0, status=sent (250 ok)", KEY_STATUS_SENT, KEY_SENT_SMTP);
	EXPECT(H("postfix-out/smtp") QID "to=<eve@example.com>, " MX
	    "dsn=2.0.0, status=sent (250 ok)", KEY_STATUS_SENT, KEY_SENT_SMTP);
	/* An IPv6 next hop. */
	EXPECT(SMTP QID "to=<eve@example.com>, relay=mx.example.com"
	    "[2001:db8::1]:25, delay=1, delays=0/0/0.5/0.5, dsn=2.0.0, "
	    "status=sent (250 ok)", KEY_STATUS_SENT, KEY_SENT_SMTP);
}

static void
lmtp_delivery_counts_as_lmtp_not_smtp(void **state)
{
	(void)state;
	EXPECT(LMTP QID "to=<frank@example.org>, relay=mail.example.org"
	    "[/var/run/dovecot/lmtp], delay=0.2, delays=0.1/0/0/0.1, "
	    "dsn=2.0.0, status=sent (250 2.0.0 <frank@example.org> Saved)",
	    KEY_STATUS_SENT, KEY_SENT_LMTP);
	EXPECT(LMTP QID "to=<frank@example.org>, relay=imap.example.org"
	    "[192.0.2.5]:24, delay=0.2, delays=0.1/0/0/0.1, dsn=2.0.0, "
	    "status=sent (250 ok)", KEY_STATUS_SENT, KEY_SENT_LMTP);
	/* sergeymakinen: a host with a path. */
	EXPECT(LMTP "123456789AB: to=<user@example.com>, relay=example.com"
	    "[path], delay=0.12, delays=0.12/0.12/0.12/0.12, dsn=1.2.3, "
	    "status=sent (250 2.0.0 Ok)", KEY_STATUS_SENT, KEY_SENT_LMTP);
}

static void
relay_none_counts_the_daemon_or_nothing(void **state)
{
	(void)state;
	EXPECT(SMTP QID "to=<g@example.com>, relay=none, delay=30, "
	    "delays=0/0/30/0, dsn=4.4.1, status=deferred (connect to "
	    "mx.example.com[192.0.2.1]:25: Connection timed out)",
	    KEY_STATUS_DEFERRED);
	EXPECT(H("postfix/error") QID "to=<g@example.com>, relay=none, "
	    "delay=0, delays=0/0/0/0, dsn=5.0.0, status=bounced (Host or "
	    "domain name not found)", KEY_STATUS_BOUNCED);
	/* discard(8): relay=none, status=sent: T is the daemon. */
	expect_sent_dynamic(H("postfix/discard") QID "to=<g@example.com>, "
	    "relay=none, delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent "
	    "(discarded)", "discard");
}

static void
optional_fields_orig_to_and_conn_use_are_skipped(void **state)
{
	(void)state;
	EXPECT(SMTP QID "to=<h@example.com>, orig_to=<alias@example.org>, "
	    "relay=mx.example.com[192.0.2.1]:25, conn_use=2, delay=0.4, "
	    "delays=0/0/0.1/0.3, dsn=2.0.0, status=sent (250 ok)",
	    KEY_STATUS_SENT, KEY_SENT_SMTP);
	EXPECT(H("postfix/local") QID "to=<h@example.org>, "
	    "orig_to=<postmaster>, relay=local, delay=0, delays=0/0/0/0, "
	    "dsn=2.0.0, status=sent (delivered to mailbox)",
	    KEY_STATUS_SENT, KEY_SENT_LOCAL);
}

static void
unknown_tls_field_of_postfix_3_11_is_skipped(void **state)
{
	(void)state;
	EXPECT(SMTP QID "to=<i@example.com>, " MX "tls=TLSv1.3 with cipher "
	    "TLS_AES_256_GCM_SHA384 (256/256 bits), dsn=2.0.0, status=sent "
	    "(250 2.0.0 Ok)", KEY_STATUS_SENT, KEY_SENT_SMTP);
	/* A value with ", " in it. */
	EXPECT(SMTP QID "to=<i@example.com>, " MX "tls=TLSv1.3, "
	    "TLS_AES_256_GCM_SHA384, 256/256, dsn=4.3.0, status=deferred "
	    "(host mx.example.com[192.0.2.1] said: 450 4.3.0 later (in "
	    "reply to RCPT TO command))",
	    KEY_STATUS_DEFERRED, KEY_SMTP_4XX);
	/* Some future field we do not know at all. */
	EXPECT(SMTP QID "to=<i@example.com>, " MX "new_field=x y z, "
	    "dsn=2.0.0, status=sent (250 ok)", KEY_STATUS_SENT, KEY_SENT_SMTP);
}

static void
deferred_with_remote_4xx_counts_smtp_4xx(void **state)
{
	(void)state;
	EXPECT(SMTP "681DF104456: to=<bob@soft.example>, relay=mx"
	    "[192.0.2.3]:25, delay=1, delays=0/0/0.5/0.5, dsn=4.3.0, "
	    "status=deferred (host mx[192.0.2.3] said: 450 4.3.0 Try later "
	    "(in reply to RCPT TO command))",
	    KEY_STATUS_DEFERRED, KEY_SMTP_4XX);
}

static void
bounced_with_remote_5xx_counts_smtp_5xx(void **state)
{
	(void)state;
	EXPECT(SMTP QID "to=<x@example.com>, " MX "dsn=5.1.1, "
	    "status=bounced (host mx.example.com[192.0.2.1] said: 550 5.1.1 "
	    "<x@example.com>: Recipient address rejected (in reply to RCPT "
	    "TO command))", KEY_STATUS_BOUNCED, KEY_SMTP_5XX);
}

static void
multiline_reply_code_is_read(void **state)
{
	(void)state;
	EXPECT(SMTP QID "to=<x@gmail.example>, " MX "dsn=4.3.2, "
	    "status=deferred (host mx.example.com[192.0.2.1] said: "
	    "450-4.3.2 The user's inbox is full 450-4.3.2 try again "
	    "450 4.3.2 later (in reply to RCPT TO command))",
	    KEY_STATUS_DEFERRED, KEY_SMTP_4XX);
	EXPECT(SMTP QID "to=<x@gmail.example>, " MX "dsn=5.7.1, "
	    "status=bounced (host mx.example.com[192.0.2.1] said: "
	    "550-5.7.1 No 550 5.7.1 way (in reply to end of DATA command))",
	    KEY_STATUS_BOUNCED, KEY_SMTP_5XX);
}

static void
refused_to_talk_to_me_code_is_read(void **state)
{
	(void)state;
	EXPECT(SMTP QID "to=<x@example.com>, " MX "dsn=4.7.0, "
	    "status=deferred (host mx.example.com[192.0.2.1] refused to "
	    "talk to me: 421 4.7.0 mx.example.com Service not available)",
	    KEY_STATUS_DEFERRED, KEY_SMTP_4XX);
	EXPECT(SMTP QID "to=<x@example.com>, " MX "dsn=5.7.1, "
	    "status=bounced (host mx.example.com[192.0.2.1] refused to "
	    "talk to me: 554 5.7.1 go away)",
	    KEY_STATUS_BOUNCED, KEY_SMTP_5XX);
}

static void
lmtp_replies_count_in_lmtp_keys(void **state)
{
	(void)state;
	EXPECT(LMTP QID "to=<f@example.org>, relay=mail.example.org"
	    "[/var/run/dovecot/lmtp], delay=0.2, delays=0.1/0/0/0.1, "
	    "dsn=4.2.2, status=deferred (host mail.example.org"
	    "[/var/run/dovecot/lmtp] said: 452 4.2.2 <f@example.org> "
	    "Mailbox is full (in reply to end of DATA command))",
	    KEY_STATUS_DEFERRED, KEY_LMTP_4XX);
	EXPECT(LMTP QID "to=<f@example.org>, relay=mail.example.org"
	    "[192.0.2.5]:24, delay=0.2, delays=0.1/0/0/0.1, dsn=5.1.1, "
	    "status=bounced (host mail.example.org[192.0.2.5] said: 550 "
	    "5.1.1 <f@example.org> User doesn't exist (in reply to RCPT TO "
	    "command))", KEY_STATUS_BOUNCED, KEY_LMTP_5XX);
}

static void
deferred_without_remote_code_counts_only_status(void **state)
{
	(void)state;
	EXPECT(SMTP QID "to=<x@example.com>, relay=none, delay=0.1, "
	    "delays=0/0/0.1/0, dsn=4.4.1, status=deferred (connect to "
	    "mx.example.com[192.0.2.1]:25: Connection refused)",
	    KEY_STATUS_DEFERRED);
	EXPECT(SMTP QID "to=<x@example.com>, " MX "dsn=4.4.2, "
	    "status=deferred (conversation with mx.example.com[192.0.2.1] "
	    "timed out while receiving the initial server greeting)",
	    KEY_STATUS_DEFERRED);
	EXPECT(SMTP QID "to=<x@example.com>, relay=none, delay=0.1, "
	    "delays=0/0/0.1/0, dsn=4.4.1, status=deferred (delivery "
	    "temporarily suspended: connect to mx.example.com[192.0.2.1]:25: "
	    "Connection refused)", KEY_STATUS_DEFERRED);
	/* Codes that are not 4XX/5XX, or not codes at all. */
	EXPECT(SMTP QID "to=<x@example.com>, " MX "dsn=4.0.0, "
	    "status=deferred (host mx.example.com[192.0.2.1] said: 12 "
	    "Malformed (in reply to RCPT TO command))", KEY_STATUS_DEFERRED);
	EXPECT(SMTP QID "to=<x@example.com>, " MX "dsn=4.0.0, "
	    "status=deferred (host mx.example.com[192.0.2.1] said: 250 ok)",
	    KEY_STATUS_DEFERRED);
	EXPECT(SMTP QID "to=<x@example.com>, " MX "dsn=4.0.0, "
	    "status=deferred (host mx.example.com[192.0.2.1] said: 123 "
	    "1.2.3 x)", KEY_STATUS_DEFERRED);
	EXPECT(SMTP QID "to=<x@example.com>, " MX "dsn=4.0.0, "
	    "status=deferred (host mx.example.com[192.0.2.1] said: 4500 x)",
	    KEY_STATUS_DEFERRED);
	EXPECT(SMTP QID "to=<x@example.com>, " MX "dsn=4.0.0, "
	    "status=deferred (host mx example said: 450 x)",
	    KEY_STATUS_DEFERRED);
}

static void
remote_reply_text_of_other_daemons_is_not_a_client_reply(void **state)
{
	(void)state;
	EXPECT(H("postfix/pipe") QID "to=<x@example.org>, relay=legal, "
	    "delay=0, delays=0/0/0/0, dsn=4.3.0, status=deferred (host x "
	    "said: 450 4.3.0 later)", KEY_STATUS_DEFERRED);
	EXPECT(H("postfix/local") QID "to=<x@example.org>, relay=local, "
	    "delay=0, delays=0/0/0/0, dsn=5.0.0, status=bounced (host x "
	    "said: 550 no)", KEY_STATUS_BOUNCED);
}

static void
address_probes_count_nothing(void **state)
{
	(void)state;
	expect_none(SMTP QID "to=<j@example.com>, " MX "dsn=2.1.5, "
	    "status=deliverable (250 2.1.5 Ok)");
	expect_none(SMTP QID "to=<j@example.com>, " MX "dsn=5.1.1, "
	    "status=undeliverable (host mx.example.com[192.0.2.1] said: "
	    "550 5.1.1 no such user (in reply to RCPT TO command))");
	expect_none(H("postfix/local") QID "to=<j@example.org>, "
	    "relay=local, delay=0, delays=0/0/0/0, dsn=2.0.0, "
	    "status=deliverable (delivers to mailbox)");
}

static void
expired_in_a_delivery_line_counts_status_expired(void **state)
{
	(void)state;
	EXPECT(SMTP QID "to=<j@example.com>, relay=none, delay=432000, "
	    "delays=432000/0/0/0, dsn=4.4.1, status=expired, returned to "
	    "sender", KEY_STATUS_EXPIRED);
	EXPECT(SMTP QID "to=<j@example.com>, relay=none, delay=432000, "
	    "delays=432000/0/0/0, dsn=4.4.1, status=force-expired (x)",
	    KEY_STATUS_EXPIRED);
}

static void
delivery_line_without_to_is_not_counted(void **state)
{
	(void)state;
	/* sergeymakinen: no "to=<". */
	expect_none(SMTP "123456789AB: user@example.com, relay=example.com"
	    "[123.45.67.89]:25, delay=2, delays=2/2/2/2, dsn=1.2.3, "
	    "status=deferred (host example.com[123.45.67.89] said: 450 x)");
	/* to= must be the first field. */
	expect_none(SMTP QID "orig_to=<a@b>, to=<c@d>, relay=local, "
	    "delay=0, dsn=2.0.0, status=sent (x)");
	/* NOQUEUE is no delivery. */
	expect_none(SMTP "NOQUEUE: to=<c@d>, relay=local, delay=0, "
	    "dsn=2.0.0, status=sent (x)");
}

static void
truncated_delivery_line_is_unparsed(void **state)
{
	(void)state;
	expect_unparsed(H("postfix/local") QID "to=<alice@example.org>, "
	    "relay=loc");
	expect_unparsed(H("postfix/local") QID "to=<alice@exam");
	expect_unparsed(H("postfix/local") QID "to=<alice@example.org>");
	expect_unparsed(H("postfix/local") QID "to=<alice@example.org>, ");
	/* No relay= at all. */
	expect_unparsed(H("postfix/local") QID "to=<a@example.org>, "
	    "delay=0, dsn=2.0.0, status=sent (x)");
	/* An unterminated quote swallows the rest. */
	expect_unparsed(H("postfix/local") QID "to=<\"a@example.org>, "
	    "relay=local, delay=0, dsn=2.0.0, status=sent (x)");
}

/* Every prefix of a delivery line: nothing counted before status=sent. */
static void
every_prefix_of_a_delivery_line_is_safe(void **state)
{
	static const char line[] = SMTP QID "to=<\"a b\"@example.com>, "
	    "orig_to=<c@example.com>, relay=mx.example.com[192.0.2.1]:25, "
	    "conn_use=2, delay=1, delays=0/0/0.5/0.5, tls=TLSv1.3, dsn=2.0.0, "
	    "status=sent (250 ok)";
	size_t n, full = strstr(line, "status=sent") - line + 11, i;

	(void)state;
	for (n = 0; n < sizeof(line); n++) {
		enum pflog_kind k = run_n(line, n, NULL, NULL);

		assert_true(k == PFLOG_POSTFIX || k == PFLOG_MALFORMED
		    || k == PFLOG_OTHER);
		assert_true(R.n <= CLASSIFY_MAX_INC);
		for (i = 0; i < R.n; i++)
			if (n < full)
				fail_msg("prefix %zu counted %s", n,
				    key_name(R.inc[i].key));
	}
	check_keys(line, KEYS(KEY_STATUS_SENT, KEY_SENT_SMTP));
}

/* ---- Rule 2: a remote reply in a line of its own ---- */

static void
own_line_remote_reply_counts_client_code(void **state)
{
	(void)state;
	EXPECT(SMTP "123456789AB: host mx.example.com[192.0.2.3] said: 451 "
	    "4.7.1 Greylisted (in reply to RCPT TO command)", KEY_SMTP_4XX);
	EXPECT(SMTP "123456789AB: host mx.example.com[192.0.2.3] said: 550 "
	    "5.7.1 No (in reply to MAIL FROM command)", KEY_SMTP_5XX);
	EXPECT(SMTP "123456789AB: host mx.example.com[192.0.2.3] refused to "
	    "talk to me: 421 4.3.2 busy", KEY_SMTP_4XX);
	EXPECT(LMTP "123456789AB: host mail.example.org[192.0.2.5] said: "
	    "451 4.3.0 later (in reply to RCPT TO command)", KEY_LMTP_4XX);
	EXPECT(LMTP "123456789AB: host mail.example.org[192.0.2.5] said: "
	    "552 5.2.2 full (in reply to RCPT TO command)", KEY_LMTP_5XX);
}

static void
own_line_reply_not_counted_elsewhere(void **state)
{
	(void)state;
	expect_none(SMTPD "123456789AB: host x[192.0.2.3] said: 451 4.7.1 x");
	expect_none(SMTP "NOQUEUE: host x[192.0.2.3] said: 451 4.7.1 x");
	expect_none(SMTP "host x[192.0.2.3] said: 451 4.7.1 x");
	expect_none(SMTP "123456789AB: host x[192.0.2.3] said: 12 Malformed");
	expect_none(SMTP "123456789AB: host x[192.0.2.3] said: 123 1.2.3 x");
}

/* ---- Rule 3: qmgr expiry ---- */

static void
qmgr_expired_counts_status_expired(void **state)
{
	(void)state;
	EXPECT(QMGR QID "from=<a@example.org>, status=expired, returned to "
	    "sender", KEY_STATUS_EXPIRED);
	EXPECT(QMGR QID "from=<a@example.org>, status=force-expired, "
	    "returned to sender", KEY_STATUS_EXPIRED);
	EXPECT(QMGR QID "from=<>, status=expired, returned to sender",
	    KEY_STATUS_EXPIRED);
}

static void
qmgr_other_from_lines_count_nothing(void **state)
{
	(void)state;
	expect_none(QMGR QID "from=<a@example.org>, size=1234, nrcpt=1 "
	    "(queue active)");
	expect_none(QMGR QID "from=<a@example.org>, status=expiredx");
	expect_none(QMGR "NOQUEUE: from=<a@example.org>, status=expired, "
	    "returned to sender");
	/* sergeymakinen: a doubled '>'. */
	assert_int_equal(run(QMGR "123456789AB: from=<user@example.com>>, "
	    "status=expired, returned to sender", NULL), PFLOG_POSTFIX);
	check_keys("doubled >", NULL, 0);
}

/* ---- Rules 4 and 5: messages received ---- */

static void
smtpd_client_counts_recv_smtp(void **state)
{
	(void)state;
	EXPECT(SMTPD "7B79F104457: client=unknown[127.0.0.1]", KEY_RECV_SMTP);
	EXPECT(H("postfix/submission/smtpd") "7B79F104457: client="
	    "mail.example.com[192.0.2.10], sasl_method=PLAIN, "
	    "sasl_username=alice", KEY_RECV_SMTP);
	EXPECT(H("postfix-170.55.103.23/smtpd") "7B79F104457: client="
	    "x[192.0.2.10]", KEY_RECV_SMTP);
}

static void
noqueue_client_of_before_queue_proxy_counts_nothing(void **state)
{
	(void)state;
	expect_none(SMTPD "NOQUEUE: client=mail.example.com[192.0.2.10]");
	expect_none(SMTPD "client=mail.example.com[192.0.2.10]");
	expect_none(QMGR "7B79F104457: client=mail.example.com[192.0.2.10]");
	expect_none(CLEANUP "7B79F104457: client=x[192.0.2.10]");
}

static void
pickup_uid_and_sender_count_recv_local(void **state)
{
	(void)state;
	EXPECT(PICKUP QID "uid=0 from=<root>", KEY_RECV_LOCAL);
	EXPECT(PICKUP QID "sender=root", KEY_RECV_LOCAL);
	expect_none(PICKUP "NOQUEUE: uid=0 from=<root>");
	expect_none(SMTPD QID "uid=0 from=<root>");
	expect_none(H("postfix/sendmail") QID "uid=0 from=<root>");
}

/* ---- Rule 6: smtpd and postscreen rejects ---- */

static void
smtpd_noqueue_rejects_count_by_code(void **state)
{
	(void)state;
	EXPECT(SMTPD "NOQUEUE: reject: RCPT from unknown[192.0.2.9]: 550 "
	    "5.1.1 <x@example.org>: Recipient address rejected: User unknown "
	    "in virtual mailbox table; from=<a@b> to=<x@example.org> "
	    "proto=ESMTP helo=<h>", KEY_SMTPD_5XX);
	EXPECT(SMTPD "NOQUEUE: reject: RCPT from unknown[192.0.2.9]: 450 "
	    "4.7.1 Client host rejected: cannot find your hostname, "
	    "[192.0.2.9]; from=<a@b> to=<x@example.org> proto=ESMTP "
	    "helo=<h>", KEY_SMTPD_4XX);
	EXPECT(H("postfix/submission/smtpd") "NOQUEUE: reject: MAIL from "
	    "x[192.0.2.9]: 553 5.7.1 <a@b>: Sender address rejected: not "
	    "owned by user alice; from=<a@b> proto=ESMTP helo=<h>",
	    KEY_SMTPD_5XX);
	EXPECT(SMTPD "NOQUEUE: reject: CONNECT from x[192.0.2.9]: 554 5.7.1 "
	    "<x[192.0.2.9]>: Client host rejected: Access denied; proto=SMTP",
	    KEY_SMTPD_5XX);
	EXPECT(SMTPD "NOQUEUE: reject: EHLO from x[192.0.2.9]: 504 5.5.2 "
	    "<h>: Helo command rejected: need fully-qualified hostname; "
	    "proto=SMTP helo=<h>", KEY_SMTPD_5XX);
}

static void
smtpd_queueid_rejects_count_by_code(void **state)
{
	(void)state;
	EXPECT(SMTPD "3F2A1104459: reject: DATA from x[192.0.2.9]: 554 5.5.1 "
	    "Error: no valid recipients; from=<a@b> to=<c@d> proto=ESMTP "
	    "helo=<h>", KEY_SMTPD_5XX);
	EXPECT(SMTPD "3F2A1104459: reject: RCPT from x[192.0.2.9]: 452 4.5.3 "
	    "Error: too many recipients; from=<a@b> to=<c@d> proto=ESMTP "
	    "helo=<h>", KEY_SMTPD_4XX);
}

static void
postscreen_rejects_count_by_code(void **state)
{
	(void)state;
	EXPECT(PSCREEN "NOQUEUE: reject: RCPT from [192.0.2.9]:12345: 550 "
	    "5.7.1 Service unavailable; client [192.0.2.9] blocked using "
	    "zen.spamhaus.org; from=<a@b>, to=<c@d>, proto=ESMTP, helo=<h>",
	    KEY_SMTPD_5XX);
	EXPECT(PSCREEN "NOQUEUE: reject: RCPT from [192.0.2.9]:12345: 450 "
	    "4.3.2 Service currently unavailable; from=<a@b>, to=<c@d>, "
	    "proto=ESMTP, helo=<h>", KEY_SMTPD_4XX);
}

static void
postscreen_too_many_connections_counts_nothing(void **state)
{
	(void)state;
	assert_int_equal(run(PSCREEN "NOQUEUE: reject: CONNECT from "
	    "[192.0.2.9]:12345: too many connections", NULL), PFLOG_POSTFIX);
	check_keys("too many connections", NULL, 0);
}

static void
reject_warning_and_warn_count_nothing(void **state)
{
	(void)state;
	expect_none(SMTPD "NOQUEUE: reject_warning: RCPT from x[192.0.2.9]: "
	    "450 4.7.1 Client host rejected: cannot find your hostname; "
	    "from=<a@b> to=<c@d> proto=ESMTP helo=<h>");
	expect_none(SMTPD "NOQUEUE: warn: RCPT from x[192.0.2.9]: be "
	    "careful; from=<a@b> to=<c@d> proto=ESMTP helo=<h>");
	expect_none(SMTPD "3F2A1104459: warn: DATA from x[192.0.2.9]: 550 x");
	expect_none(CLEANUP "4C9C9104458: warning: header Subject: hi from "
	    "x[192.0.2.20]; from=<a@b> to=<c@d> proto=ESMTP helo=<h>: 5.7.1 "
	    "x");
	expect_none(PSCREEN "NOQUEUE: reject_warning: RCPT from "
	    "[192.0.2.9]:1: 550 5.7.1 x");
}

static void
smtpd_reject_codes_outside_4xx_5xx_count_nothing(void **state)
{
	(void)state;
	assert_int_equal(run(PSCREEN "NOQUEUE: reject: RCPT from "
	    "[123.45.67.89]:12345: 123 1.2.3 Reasons; client blocked", NULL),
	    PFLOG_POSTFIX);
	check_keys("123", NULL, 0);
	assert_int_equal(run(SMTPD "NOQUEUE: reject: RCPT from x[192.0.2.9]: "
	    "45 x", NULL), PFLOG_POSTFIX);
	check_keys("45", NULL, 0);
	assert_int_equal(run(SMTPD "NOQUEUE: reject: RCPT from x[192.0.2.9]: "
	    "5501 x", NULL), PFLOG_POSTFIX);
	check_keys("5501", NULL, 0);
}

static void
rejects_of_other_daemons_count_nothing(void **state)
{
	(void)state;
	expect_none(QMGR "NOQUEUE: reject: RCPT from x[192.0.2.9]: 550 5.1.1 "
	    "no");
	expect_none(SMTP QID "reject: RCPT from x[192.0.2.9]: 550 5.1.1 no");
	/* No queue id at all. */
	expect_none(SMTPD "reject: RCPT from x[192.0.2.9]: 550 5.1.1 no");
}

static void
smtpd_milter_reject_counts_by_code(void **state)
{
	(void)state;
	EXPECT(SMTPD "NOQUEUE: milter-reject: RCPT from x[192.0.2.9]: 451 "
	    "4.7.1 Service unavailable - try again later; from=<a@b> "
	    "to=<c@d> proto=ESMTP helo=<h>", KEY_SMTPD_4XX);
	EXPECT(SMTPD "4C9C9104458: milter-reject: END-OF-MESSAGE from "
	    "x[192.0.2.9]: 550 5.7.1 Command rejected; from=<a@b> to=<c@d> "
	    "proto=ESMTP helo=<h>", KEY_SMTPD_5XX);
}

/* ---- Round 2: SPEC section 2, the second pass ---- */

static void
sasl_failure_with_remote_reply_counts_in_smtp_and_lmtp(void **state)
{
	(void)state;
	/* A line of its own (Postfix goes on to the next server). */
	EXPECT(SMTP QID "SASL authentication failed; server "
	    "smarthost.example[192.0.2.3] said: 535 5.7.8 Error: "
	    "authentication failed: authentication failure", KEY_SMTP_5XX);
	EXPECT(SMTP QID "SASL authentication failed; server "
	    "smarthost.example[192.0.2.3] said: 454 4.7.0 Temporary "
	    "authentication failure", KEY_SMTP_4XX);
	EXPECT(LMTP QID "SASL authentication failed; server "
	    "lmtp.example[192.0.2.4] said: 535 5.7.8 no", KEY_LMTP_5XX);
	/* In the delivery line. */
	EXPECT(SMTP QID "to=<bob@example.org>, relay=smarthost.example"
	    "[192.0.2.3]:587, delay=1, delays=0/0/1/0, dsn=4.7.8, "
	    "status=deferred (SASL authentication failed; server "
	    "smarthost.example[192.0.2.3] said: 535 5.7.8 Error: "
	    "authentication failed)", KEY_STATUS_DEFERRED, KEY_SMTP_5XX);
	/* Without a reply code: no remote reply. */
	expect_none(SMTP QID "SASL authentication failed; cannot "
	    "authenticate to server smarthost.example[192.0.2.3]: no "
	    "mechanism available");
	/* Not from the SMTP client. */
	expect_none(SMTPD QID "SASL authentication failed; server "
	    "x[192.0.2.3] said: 535 5.7.8 no");
}

static void
cleanup_reject_with_client_port_counts(void **state)
{
	(void)state;
	EXPECT(CLEANUP "4C9C9104458: reject: header Subject: spam from "
	    "mail.example.com[192.0.2.20]:41234; from=<a@example.com> "
	    "to=<b@example.org> proto=ESMTP helo=<mail.example.com>: 5.7.1 "
	    "message content rejected", KEY_SMTPD_5XX);
	EXPECT(CLEANUP "4C9C9104458: milter-reject: END-OF-MESSAGE from "
	    "mail.example.com[192.0.2.20]:41234: 4.7.1 later; "
	    "from=<a@example.com> to=<b@example.org> proto=ESMTP "
	    "helo=<mail.example.com>", KEY_SMTPD_4XX);
	/* Not a port: counts nothing. */
	expect_none(CLEANUP "4C9C9104458: reject: header Subject: spam from "
	    "mail.example.com[192.0.2.20]:x1; from=<a@example.com> "
	    "to=<b@example.org> proto=ESMTP helo=<h>: 5.7.1 no");
}

static void
milter_header_and_body_rejects_count_like_cleanup_rejects(void **state)
{
	(void)state;
	EXPECT(CLEANUP "4C9C9104458: milter-header-reject: header Subject: "
	    "win a prize from mail.example.com[192.0.2.20]; "
	    "from=<a@example.com> to=<b@example.org> proto=ESMTP "
	    "helo=<mail.example.com>: 5.7.1 message content rejected",
	    KEY_SMTPD_5XX);
	EXPECT(CLEANUP "4C9C9104458: milter-body-reject: body click here from "
	    "mail.example.com[192.0.2.20]; from=<a@example.com> "
	    "to=<b@example.org> proto=ESMTP helo=<mail.example.com>: 4.7.1 "
	    "try later", KEY_SMTPD_4XX);
	/* Locally submitted: no proto=. */
	expect_none(CLEANUP "4C9C9104458: milter-header-reject: header "
	    "Subject: x from localhost[127.0.0.1]; from=<root@example.org> "
	    "to=<b@example.org>: 5.7.1 message content rejected");
}

static void
cleanup_reject_of_local_submission_counts_nothing_whatever_the_source(
    void **state)
{
	(void)state;
	/* non_smtpd_milters see a "localhost[127.0.0.1]" client. */
	expect_none(CLEANUP "4C9C9104458: milter-reject: END-OF-MESSAGE from "
	    "localhost[127.0.0.1]: 5.7.1 Spam; from=<root@example.org> "
	    "to=<b@example.org>");
	expect_none(CLEANUP "4C9C9104458: reject: header Subject: x from "
	    "localhost[127.0.0.1]; from=<root@example.org> "
	    "to=<b@example.org>: 5.7.1 rejected");
	/* A fake proto= in the milter's text does not make it SMTP mail. */
	expect_none(CLEANUP "4C9C9104458: milter-reject: END-OF-MESSAGE from "
	    "localhost[127.0.0.1]: 5.7.1 x; from=<a> to=<b> proto=ESMTP "
	    "helo=<h> y; from=<root@example.org> to=<b@example.org>");
}

static void
rsyslog_repeated_message_counts_n_times(void **state)
{
	(void)state;
	EXPECT(SMTPD "message repeated 4 times: [ NOQUEUE: reject: RCPT from "
	    "x[192.0.2.9]: 550 5.1.1 <x@example.org>: Recipient address "
	    "rejected: no; from=<a@b> to=<x@example.org> proto=ESMTP "
	    "helo=<h>]", KEY_SMTPD_5XX);
	assert_int_equal(R.mult, 4);
	EXPECT(SMTP "message repeated 2 times: [ " QID "host mx[192.0.2.3] "
	    "said: 451 4.3.0 later (in reply to RCPT TO command)]",
	    KEY_SMTP_4XX);
	assert_int_equal(R.mult, 2);
	/* An ordinary line stands for itself. */
	EXPECT(SMTP QID "host mx[192.0.2.3] said: 451 4.3.0 later",
	    KEY_SMTP_4XX);
	assert_int_equal(R.mult, 1);
	/* Not the wrapper: no ']' at the end, no count, a huge count. */
	expect_none(SMTPD "message repeated 4 times: [ NOQUEUE: reject: RCPT "
	    "from x[192.0.2.9]: 550 5.1.1 no");
	assert_int_equal(R.mult, 1);
	expect_none(SMTPD "message repeated times: [ NOQUEUE: reject: RCPT "
	    "from x[192.0.2.9]: 550 5.1.1 no]");
	expect_none(SMTPD "message repeated 1234567890 times: [ NOQUEUE: "
	    "reject: RCPT from x[192.0.2.9]: 550 5.1.1 no]");
	assert_int_equal(R.mult, 1);
}

/* A line of another program: OTHER, nothing counted; log_dropped N. */
static void
expect_dropped_at(int at, const char *line, uint64_t n)
{
	at_line = at;
	assert_int_equal(run(line, NULL), PFLOG_OTHER);
	check_keys(line, NULL, 0);
	if (R.log_dropped != n)
		fail_msg("line %d: log_dropped %llu, want %llu", at,
		    (unsigned long long)R.log_dropped, (unsigned long long)n);
}
#define expect_dropped(...)	expect_dropped_at(__LINE__, __VA_ARGS__)

static void
logging_system_losses_are_counted_in_log_dropped(void **state)
{
	(void)state;
	expect_dropped("Oct  3 09:31:23 mx rsyslogd-2177: imuxsock lost 56 "
	    "messages from pid 2918 due to rate-limiting", 56);
	expect_dropped("Oct  3 09:31:18 mx rsyslogd-2177: imuxsock begins to "
	    "drop messages from pid 2918 due to rate-limiting", 0);
	expect_dropped("Oct  3 09:31:23 mx rsyslogd: imuxsock: 1234 messages "
	    "lost due to rate-limiting", 1234);
	expect_dropped("Oct  3 09:31:23 mx rsyslogd: imjournal: 236 messages "
	    "lost due to rate-limiting", 236);
	expect_dropped("Oct  3 09:31:23 mx rsyslogd[812]: imuxsock[pid: 1118, "
	    "name: /usr/lib/postfix/sbin/smtpd]: 77 messages lost due to "
	    "rate-limiting (200 allowed within 5 seconds)", 77);
	expect_dropped("Oct  3 09:31:23 mx rsyslogd[812]: imuxsock[pid: 51, "
	    "name: /usr/bin/syncd]: 99 messages lost due to rate-limiting "
	    "(200 allowed within 5 seconds)", 0);
	expect_dropped("Dec  1 09:00:18 mx systemd-journald[201]: Suppressed "
	    "1234 messages from postfix@-.service", 1234);
	expect_dropped("Dec  1 09:00:18 mx systemd-journald[201]: Suppressed "
	    "12 messages from /system.slice/postfix@-.service", 12);
	expect_dropped("Dec  1 09:00:18 mx systemd-journal[201]: Suppressed "
	    "5 messages from /system.slice/system-postfix.slice/"
	    "postfix@postfix-out.service", 5);
	expect_dropped("Dec  1 09:00:18 mx systemd-journald[201]: Suppressed "
	    "917 messages from /system.slice/dovecot.service", 0);
	/* Other programs cannot claim it. */
	expect_dropped("Oct  3 09:31:23 mx logger: imuxsock lost 56 messages "
	    "from pid 2918 due to rate-limiting", 0);
	expect_dropped("Oct  3 09:31:23 mx rsyslogd-x: imuxsock lost 56 "
	    "messages from pid 2918 due to rate-limiting", 0);
}

static void
new_header_formats_count_like_classic_ones(void **state)
{
	static const char *const heads[] = {
		"<22>Nov 29 00:07:00 mail postfix/smtp[123]: ",
		"<22>1 2026-12-01T09:00:18+01:00 mx1 postfix/smtp 1118 - - ",
		("<22>1 2026-12-01T09:00:18.5Z mx1 postfix/smtp 1118 - "
		    "[timeQuality tzKnown=\"1\" isSynced=\"1\"] "),
		"Tue 2026-12-01 09:00:18 CET mx1 postfix/smtp[123]: ",
		"1733040018.123456 mx1 postfix/smtp[123]: ",
		"Dec 01 09:00:18.123456 mx1 postfix/smtp[123]: ",
		"2026-12-01T09:00:18+0100 mx1 postfix/smtp[123]: ",
		"2026-12-01 09:00:22 mx1 postfix/smtp[123]: ",
		"Dec  1 09:00:18 postfix/smtp[123]: ",
		"Dec  1 09:00:18 mx1 postfix/smtp[123]: [ID 197553 mail.info] ",
		"Dec  1 09:00:18   mx1   postfix/smtp[123]:    ",
	};
	char line[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		snprintf(line, sizeof(line), "%s%s", heads[i], "4Xk3s51mTFz9vJ: "
		    "to=<b@example.org>, " MX "dsn=2.0.0, status=sent (250 ok)");
		EXPECT(line, KEY_STATUS_SENT, KEY_SENT_SMTP);
	}
}

static void
unknown_delivery_fields_such_as_tls_are_skipped(void **state)
{
	(void)state;
	EXPECT(SMTP QID "to=<b@example.org>, " MX "tls=TLSv1.3:"
	    "TLS_AES_256_GCM_SHA384:256, dsn=2.0.0, status=sent (250 ok)",
	    KEY_STATUS_SENT, KEY_SENT_SMTP);
	EXPECT(SMTP QID "to=<b@example.org>, " MX "tls=(TLSv1.3 with cipher "
	    "TLS_AES_256_GCM_SHA384), dsn=4.0.0, status=deferred (host "
	    "mx[192.0.2.3] said: 421 busy)", KEY_STATUS_DEFERRED,
	    KEY_SMTP_4XX);
}

/* ---- Rule 7: cleanup ---- */

static void
cleanup_milter_reject_of_remote_mail_counts_enhanced_code(void **state)
{
	(void)state;
	EXPECT(CLEANUP "4C9C9104458: milter-reject: END-OF-MESSAGE from "
	    "mail.example.com[192.0.2.20]: 5.7.1 Rejected by SPAM_FILTER "
	    "(spam); from=<a@example.com> to=<b@example.org> proto=ESMTP "
	    "helo=<mail.example.com>", KEY_SMTPD_5XX);
	EXPECT(CLEANUP "4C9C9104458: milter-reject: END-OF-MESSAGE from "
	    "mail.example.com[192.0.2.20]: 4.7.1 Try again later; "
	    "from=<a@example.com> to=<b@example.org> proto=ESMTP "
	    "helo=<mail.example.com>", KEY_SMTPD_4XX);
	EXPECT(CLEANUP "4C9C9104458: milter-reject: END-OF-MESSAGE from "
	    "mail.example.com[192.0.2.20]: 550 5.7.1 blocked; "
	    "from=<a@example.com> to=<b@example.org> proto=ESMTP "
	    "helo=<mail.example.com>", KEY_SMTPD_5XX);
}

static void
cleanup_milter_reject_of_local_mail_counts_nothing(void **state)
{
	(void)state;
	expect_none(CLEANUP "4C9C9104458: milter-reject: END-OF-MESSAGE from "
	    "local: 5.7.1 Rejected by SPAM_FILTER; from=<root@example.org> "
	    "to=<b@example.org>");
	expect_none(CLEANUP "4C9C9104458: milter-reject: END-OF-MESSAGE from "
	    "local: 4.7.1 later; from=<root@example.org> to=<b@example.org>");
	/* sergeymakinen: not a 4/5 code. */
	expect_none(CLEANUP "123456789AB: milter-reject: END-OF-MESSAGE from "
	    "example.com[123.45.67.89]: 123 1.2.3 Reasons; "
	    "from=<user@example.com> to=<user@example.com> proto=ESMTP "
	    "helo=<example.com>");
	expect_none(CLEANUP "NOQUEUE: milter-reject: END-OF-MESSAGE from "
	    "x[192.0.2.20]: 5.7.1 no; from=<a@b>");
}

static void
cleanup_header_reject_of_remote_mail_counts_smtpd(void **state)
{
	(void)state;
	EXPECT(CLEANUP "4C9C9104458: reject: header Subject: Buy cheap stuff "
	    "from mail.example.com[192.0.2.20]; from=<a@example.com> "
	    "to=<b@example.org> proto=ESMTP helo=<mail.example.com>: 5.7.1 "
	    "message content rejected", KEY_SMTPD_5XX);
	EXPECT(CLEANUP "4C9C9104458: reject: body Click here from "
	    "mail.example.com[192.0.2.20]; from=<a@example.com> "
	    "to=<b@example.org> proto=ESMTP helo=<mail.example.com>: 4.7.1 "
	    "try later", KEY_SMTPD_4XX);
	/* The header text contains " from " itself. */
	EXPECT(CLEANUP "4C9C9104458: reject: header From: Bob from accounts "
	    "<bob@example.com> from mail.example.com[192.0.2.20]; "
	    "from=<a@example.com> to=<b@example.org> proto=ESMTP "
	    "helo=<mail.example.com>: 5.7.1 no", KEY_SMTPD_5XX);
}

static void
cleanup_header_reject_of_local_mail_counts_nothing(void **state)
{
	(void)state;
	expect_none(CLEANUP "4C9C9104458: reject: header Subject: test from "
	    "local; from=<root@example.org> to=<b@example.org>: 5.7.1 "
	    "message content rejected");
}

/* The header text is the sender's: a fake local tail must not hide it. */
static void
cleanup_header_with_fake_local_tail_still_counts(void **state)
{
	(void)state;
	EXPECT(CLEANUP "4C9C9104458: reject: header Subject: hi from local; "
	    "from=<x>: 4.7.1 x from mail.example.com[192.0.2.20]; "
	    "from=<a@example.com> to=<b@example.org> proto=ESMTP "
	    "helo=<mail.example.com>: 5.7.1 message content rejected",
	    KEY_SMTPD_5XX);
}

/* ... nor a fake remote tail make a local reject count. */
static void
cleanup_header_with_fake_remote_tail_counts_nothing(void **state)
{
	(void)state;
	expect_none(CLEANUP "4C9C9104458: reject: header Subject: hi from "
	    "evil.example[192.0.2.66]; from=<x> to=<y> proto=ESMTP "
	    "helo=<h>: 4.7.1 x from local; from=<root@example.org> "
	    "to=<b@example.org>: 5.7.1 message content rejected");
}

/* A fake tail inside a quoted sender address is part of the address. */
static void
cleanup_fake_tail_in_quoted_sender_is_ignored(void **state)
{
	(void)state;
	EXPECT(CLEANUP "4C9C9104458: reject: header Subject: hi from "
	    "mail.example.com[192.0.2.20]; from=<\"x from local; from=<y>: "
	    "4.7.1 \"@evil.example> to=<b@example.org> proto=ESMTP "
	    "helo=<h>: 5.7.1 rejected", KEY_SMTPD_5XX);
}

/* ---- Injection: text a remote party controls ---- */

static void
quoted_local_part_cannot_fake_fields(void **state)
{
	(void)state;
	EXPECT(SMTP QID "to=<\"q>, relay=legal, delay=0, dsn=2.0.0, "
	    "status=sent (ok) x\"@ok.example>, relay=mx[192.0.2.1]:25, "
	    "delay=1, delays=0/0/1/0, dsn=4.4.1, status=deferred (connect to "
	    "mx[192.0.2.1]:25: Connection timed out)", KEY_STATUS_DEFERRED);
	/* An escaped quote inside the quotes. */
	EXPECT(SMTP QID "to=<\"a\\\", relay=legal, status=sent (\"@x.example>,"
	    " relay=mx[192.0.2.1]:25, delay=1, delays=0/0/1/0, dsn=4.4.1, "
	    "status=deferred (connect to mx[192.0.2.1]:25: Connection timed "
	    "out)", KEY_STATUS_DEFERRED);
	/* In orig_to= as well. */
	EXPECT(SMTP QID "to=<a@example.com>, orig_to=<\"x>, relay=legal, "
	    "status=sent (\"@y.example>, relay=mx[192.0.2.1]:25, delay=1, "
	    "delays=0/0/1/0, dsn=4.4.1, status=deferred (connect to "
	    "mx[192.0.2.1]:25: Connection timed out)", KEY_STATUS_DEFERRED);
	/* A '>' inside quotes does not end the address. */
	EXPECT(SMTP QID "to=<\"a>b\"@example.com>, " MX "dsn=2.0.0, "
	    "status=sent (250 ok)", KEY_STATUS_SENT, KEY_SENT_SMTP);
}

static void
remote_reply_text_cannot_fake_status_sent(void **state)
{
	(void)state;
	EXPECT(SMTP QID "to=<a@example.com>, " MX "dsn=5.0.0, "
	    "status=bounced (host mx.example.com[192.0.2.1] said: 550 nope, "
	    "relay=local, status=sent (in reply to RCPT TO command))",
	    KEY_STATUS_BOUNCED, KEY_SMTP_5XX);
	EXPECT(SMTP QID "to=<a@example.com>, " MX "dsn=4.0.0, "
	    "status=deferred (host mx.example.com[192.0.2.1] said: 250 x, "
	    "status=sent)", KEY_STATUS_DEFERRED);
	/* Nor can it make a second reply code count. */
	EXPECT(SMTP QID "to=<a@example.com>, " MX "dsn=4.0.0, "
	    "status=deferred (host mx.example.com[192.0.2.1] said: 450 x "
	    "(host y said: 550 z))", KEY_STATUS_DEFERRED, KEY_SMTP_4XX);
}

static void
helo_names_crafted_like_fields_change_nothing(void **state)
{
	(void)state;
	EXPECT(SMTPD "NOQUEUE: reject: RCPT from x[192.0.2.9]: 554 5.7.1 "
	    "<c@d>: Relay access denied; from=<a@b> to=<c@d> proto=ESMTP "
	    "helo=<x]:450,status=sent,relay=local>", KEY_SMTPD_5XX);
	EXPECT(CLEANUP "4C9C9104458: reject: body x from "
	    "mail.example.com[192.0.2.20]; from=<a@example.com> "
	    "to=<b@example.org> proto=ESMTP helo=<status=sent,relay=local>: "
	    "5.7.1 rejected", KEY_SMTPD_5XX);
	/* A HELO that looks like a client= line does not count as one. */
	expect_none(SMTPD "NOQUEUE: reject_warning: RCPT from x[192.0.2.9]: "
	    "450 4.7.1 x; from=<a@b> to=<c@d> proto=ESMTP "
	    "helo=<client=x[1.2.3.4]>");
}

/* A HELO with '<' and '>' in it (smtpd accepts any text) is still a HELO. */
static void
cleanup_helo_with_angle_brackets_still_counts(void **state)
{
	(void)state;
	EXPECT(CLEANUP "4C9C9104458: reject: body x from "
	    "mail.example.com[192.0.2.20]; from=<a@example.com> "
	    "to=<b@example.org> proto=ESMTP helo=<from=<a>;status=sent>: "
	    "5.7.1 rejected", KEY_SMTPD_5XX);
}

static void
postfix_tag_inside_another_programs_line_counts_nothing(void **state)
{
	(void)state;
	assert_int_equal(run("Nov 29 00:07:00 host sshd[1]: x postfix/smtp[2]: "
	    "1234: to=<a@b>, relay=local, delay=0, delays=0/0/0/0, dsn=2.0.0, "
	    "status=sent (ok)", NULL), PFLOG_OTHER);
	assert_int_equal(R.n, 0);
	assert_int_equal(R.unparsed, 0);
	assert_int_equal(R.excluded, 0);
	assert_int_equal(run("Jan: 1 00:00:00 h postfix/smtp[2]: 1234: "
	    "to=<a@b>, relay=local, status=sent (ok)", NULL), PFLOG_MALFORMED);
	assert_int_equal(R.n, 0);
}

static void
extra_syslog_names_are_counted_with_options(void **state)
{
	static const struct span names[] = { { "mail-out", 8 } };
	struct pflog_opts po = { names, 1 };
	const char *line = "Nov 29 00:07:00 mail mail-out/smtp[1]: " QID
	    "to=<eve@example.com>, " MX "dsn=2.0.0, status=sent (250 ok)";

	(void)state;
	assert_int_equal(run_n(line, strlen(line), &po, NULL), PFLOG_POSTFIX);
	check_keys(line, KEYS(KEY_STATUS_SENT, KEY_SENT_SMTP));
	assert_int_equal(run_n(line, strlen(line), NULL, NULL), PFLOG_OTHER);
	assert_int_equal(R.n, 0);
}

static void
classify_resets_its_result(void **state)
{
	struct pflog_rec rec;
	const char *line = SMTPD "connect from x[192.0.2.1]";

	(void)state;
	assert_int_equal(pflog_parse(line, strlen(line), NULL, &rec),
	    PFLOG_POSTFIX);
	memset(&R, 0x5a, sizeof(R));
	classify(&rec, NULL, &R);
	assert_int_equal(R.n, 0);
	assert_int_equal(R.unparsed, 0);
	assert_int_equal(R.excluded, 0);
}

/* ---- Content filter hops ---- */

#define AMAVIS_HOP SMTP QID "to=<a@example.org>, relay=127.0.0.1" \
	"[127.0.0.1]:10024, delay=1.1, delays=0.1/0/0/1, dsn=2.0.0, " \
	"status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 " \
	"Ok: queued as 7B79F104457)"
#define REINJECT SMTPD "7B79F104457: client=localhost[127.0.0.1]"
#define OUT_HOP SMTP QID "to=<a@example.com>, " MX "dsn=2.0.0, " \
	"status=sent (250 ok)"
#define IN_HOP SMTPD "7B79F104457: client=mail.example.com[192.0.2.10]"

static void
every_hop_counts_by_default(void **state)
{
	struct classify_opts none = { 0, NULL, 0 };

	(void)state;
	EXPECT(AMAVIS_HOP, KEY_STATUS_SENT, KEY_SENT_SMTP);
	EXPECT(REINJECT, KEY_RECV_SMTP);
	EXPECT_O(AMAVIS_HOP, &none, KEY_STATUS_SENT, KEY_SENT_SMTP);
	EXPECT_O(REINJECT, &none, KEY_RECV_SMTP);
}

static void
loopback_hops_are_excluded_on_request(void **state)
{
	struct classify_opts lo = { 1, NULL, 0 };

	(void)state;
	expect_excluded(AMAVIS_HOP, &lo);
	expect_excluded(REINJECT, &lo);
	expect_excluded(SMTP QID "to=<a@example.org>, relay=localhost"
	    "[::1]:10024, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent "
	    "(250 ok)", &lo);
	expect_excluded(SMTP QID "to=<a@example.org>, relay=127.0.0.1"
	    "[127.0.0.1]:10024, delay=1, delays=0/0/0/1, dsn=4.0.0, "
	    "status=deferred (host 127.0.0.1[127.0.0.1] said: 451 4.5.0 "
	    "amavis busy (in reply to end of DATA command))", &lo);
	expect_excluded(CLEANUP "4C9C9104458: milter-reject: END-OF-MESSAGE "
	    "from localhost[127.0.0.1]: 5.7.1 spam; from=<a@b> to=<c@d> "
	    "proto=ESMTP helo=<h>", &lo);
	/* Other hops still count. */
	EXPECT_O(OUT_HOP, &lo, KEY_STATUS_SENT, KEY_SENT_SMTP);
	EXPECT_O(IN_HOP, &lo, KEY_RECV_SMTP);
	EXPECT_O(H("postfix/local") QID "to=<a@example.org>, relay=local, "
	    "delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent (delivered to "
	    "mailbox)", &lo, KEY_STATUS_SENT, KEY_SENT_LOCAL);
}

static void
named_hops_are_excluded_on_request(void **state)
{
	static const struct span addr_port[] = { { "127.0.0.1:10024", 15 } };
	static const struct span br_port[] = { { "[127.0.0.1]:10024", 17 } };
	static const struct span host[] = { { "amavis.example", 14 },
	    { "localhost", 9 } };
	static const struct span addr[] = { { "127.0.0.1", 9 } };
	struct classify_opts o1 = { 0, addr_port, 1 };
	struct classify_opts o2 = { 0, br_port, 1 };
	struct classify_opts o3 = { 0, host, 2 };
	struct classify_opts o4 = { 0, addr, 1 };
	const char *other_port = SMTP QID "to=<a@example.org>, relay="
	    "127.0.0.1[127.0.0.1]:10026, delay=1, delays=0/0/0/1, dsn=2.0.0, "
	    "status=sent (250 ok)";
	const char *amavis_host = SMTP QID "to=<a@example.org>, relay="
	    "amavis.example[192.0.2.7]:10024, delay=1, delays=0/0/0/1, "
	    "dsn=2.0.0, status=sent (250 ok)";

	(void)state;
	expect_excluded(AMAVIS_HOP, &o1);
	EXPECT_O(other_port, &o1, KEY_STATUS_SENT, KEY_SENT_SMTP);
	EXPECT_O(REINJECT, &o1, KEY_RECV_SMTP);
	EXPECT_O(OUT_HOP, &o1, KEY_STATUS_SENT, KEY_SENT_SMTP);

	expect_excluded(AMAVIS_HOP, &o2);
	EXPECT_O(other_port, &o2, KEY_STATUS_SENT, KEY_SENT_SMTP);
	EXPECT_O(OUT_HOP, &o2, KEY_STATUS_SENT, KEY_SENT_SMTP);

	expect_excluded(amavis_host, &o3);
	expect_excluded(REINJECT, &o3);
	EXPECT_O(OUT_HOP, &o3, KEY_STATUS_SENT, KEY_SENT_SMTP);
	EXPECT_O(IN_HOP, &o3, KEY_RECV_SMTP);

	expect_excluded(AMAVIS_HOP, &o4);
	expect_excluded(other_port, &o4);
	expect_excluded(REINJECT, &o4);
	EXPECT_O(OUT_HOP, &o4, KEY_STATUS_SENT, KEY_SENT_SMTP);
}

/* ---- A whole public corpus ---- */

static const char *const sergeymakinen[] = {
	"Jan 1 00:00:00 hostname postfix1[12345]: foo",
	"Jan 1 00:00:00 hostname postfix/unknown[12345]: foo",
	"Jan: 1 00:00:00 hostname postfix/postscreen[12345]: foo",
	"Jan 1 00:00:00 hostname postfix/postscreen[abcde]: foo",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345",
	"Jan 1 00:00:00 hostname postfix/postscreen",
	"Foo 1 00:00:00 hostname",
	"Jan 1 00:00:00",
	"Jan",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: CONNECT f"
	    "rom [123.45.67.89]:12345 to [123.45.67.89]:25",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: DISCONNEC"
	    "T [123.45.67.89]:12345",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: DNSBL ran"
	    "k 123 for [123.45.67.89]:12345",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: PREGREET "
	    "123 after 0.12 from [123.45.67.89]:12345: EHLO User\\r\\n",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: PASS OLD "
	    "[123.45.67.89]:12345",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: PASS NEW "
	    "[123.45.67.89]:12345",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: HANGUP af"
	    "ter 123 from [123.45.67.89]:12345 in tests after SMTP handsh"
	    "ake",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: NOQUEUE: "
	    "reject: RCPT from [123.45.67.89]:12345: 123 1.2.3 Reasons; c"
	    "lient [123.45.67.89] blocked using example.com; from=<user@e"
	    "xample.com>, to=<user@example.com>, proto=ESMTP, helo=<examp"
	    "le.com>",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: DATA with"
	    "out valid RCPT from [123.45.67.89]:12345",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: BDAT with"
	    "out valid RCPT from [123.45.67.89]:12345",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: COMMAND T"
	    "IME LIMIT from [123.45.67.89]:12345 after HELO",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: COMMAND L"
	    "ENGTH LIMIT from [123.45.67.89]:12345 after HELO",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: BARE NEWL"
	    "INE from [123.45.67.89]:12345 after \\000\\000\\000",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: NON-SMTP "
	    "COMMAND from [123.45.67.89]:12345 after CONNECT: GET / HTTP/"
	    "1.1",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: COMMAND P"
	    "IPELINING from [123.45.67.89]:12345 after : \\r\\n",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: COMMAND C"
	    "OUNT LIMIT from [123.45.67.89]:12345 after UNIMPLEMENTED",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: NOQUEUE: "
	    "reject: CONNECT from [123.45.67.89]:12345: too many connecti"
	    "ons",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: DENYLISTE"
	    "D [123.45.67.89]:12345",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: BLACKLIST"
	    "ED [123.45.67.89]:12345",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: ALLOWLIST"
	    "ED [123.45.67.89]:12345",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: WHITELIST"
	    "ED [123.45.67.89]:12345",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: WHITELIST"
	    " VETO [123.45.67.89]:12345",
	"Jan 1 00:00:00 hostname postfix/postscreen[12345]: error: op"
	    "en /example: No such file or directory",
	"2023-02-01T01:02:04.123456+00:00 hostname postfix/smtpd[1234"
	    "5]: warning: hostname example.com does not resolve to addres"
	    "s 123.45.67.89",
	"Jan  1 00:00:00 hostname postfix/smtpd[12345]: connect from "
	    "example.com[123.45.67.89]",
	"Jan 01 00:00:00 hostname postfix/smtpd[12345]: disconnect fr"
	    "om example.com[123.45.67.89] ehlo=123 mail=123 rcpt=123 data"
	    "=123 quit=123 commands=123",
	"Jan 1 00:00:00 hostname postfix/smtpd[12345]: lost connectio"
	    "n after CONNECT from example.com[123.45.67.89]",
	"Jan 1 00:00:00 hostname postfix/smtpd[12345]: 123456789AB: m"
	    "ilter-reject: DATA from example.com[123.45.67.89]: 123 1.2.3"
	    " Reasons; from=<user@example.com> to=<user@example.com> prot"
	    "o=ESMTP helo=<example.com>",
	"Jan 1 00:00:00 hostname postfix/smtpd[12345]: warning: examp"
	    "le.com[123.45.67.89]: SASL LOGIN authentication failed: xxx",
	"Jan 1 00:00:00 hostname postfix/smtpd[12345]: NOQUEUE: rejec"
	    "t: RCPT from example.com[123.45.67.89]: 123 1.2.3 <user@exam"
	    "ple.com>: Reasons; from=<user@example.com> to=<user@example."
	    "com> proto=ESMTP helo=<example.com>",
	"Jan 1 00:00:00 hostname postfix/smtpd[12345]: NOQUEUE: rejec"
	    "t: RCPT from example.com[123.45.67.89]: 123 1.2.3 Client hos"
	    "t rejected: cannot find your hostname, [123.45.67.89]; from="
	    "<user@example.com> to=<user@example.com> proto=ESMTP helo=<e"
	    "xample.com>",
	"Jan 1 00:00:00 hostname postfix/smtpd[12345]: NOQUEUE: rejec"
	    "t: RCPT from example.com[123.45.67.89]: 123 1.2.3 <user@exam"
	    "ple.com>: Recipient address rejected: Rejected by SPF: 123.4"
	    "5.67.89 is not a designated mailserver for user%40example.co"
	    "m (context mfrom, on example.com); from=<user@example.com> t"
	    "o=<user@example.com> proto=ESMTP helo=<example.com>",
	"Jan 1 00:00:00 hostname postfix/smtpd[12345]: NOQUEUE: rejec"
	    "t: Unsupported",
	"Jan 1 00:00:00 hostname postfix/smtpd[12345]: Unsupported",
	"Jan 1 00:00:00 hostname postfix/lmtp[12345]: 123456789AB: to"
	    "=<user@example.com>, relay=example.com[path], delay=0.12, de"
	    "lays=0.12/0.12/0.12/0.12, dsn=1.2.3, status=sent (250 2.0.0 "
	    "Ok: queued as aaaaaaaaaaaaa)",
	"2023-02-01T01:02:04.123456+00:00 hostname postfix/lmtp[12345"
	    "]: 123456789AB: to=<user@example.com>, relay=example.com[123"
	    ".45.67.89]:25, delay=1.23, delays=1.23/1.23/1.23/1.23, dsn=1"
	    ".2.3, status=bounced (123 #1.2.3 Reasons)",
	"Jan 1 00:00:00 hostname postfix/lmtp[12345]: Unsupported",
	"Jan 1 00:00:00 hostname postfix/smtp[12345]: 123456789AB: to"
	    "=<user@example.com>, relay=example.com[123.45.67.89]:123, de"
	    "lay=0.12, delays=0.12/0.12/0.12/0.12, dsn=1.2.3, status=sent"
	    " (250 2.0.0 Ok: queued as aaaaaaaaaaaaa)",
	"Jan 1 00:00:00 hostname postfix/smtp[12345]: 123456789AB: to"
	    "=<user@example.com>, relay=example.com[123.45.67.89]:123, de"
	    "lay=0.12, delays=0.12/0.12/0.12/0.12, dsn=1.2.3, status=sent"
	    " (250 OK queued as aaaaaaaaaaaaa)",
	"2023-02-01T01:02:04.123456+00:00 hostname postfix/smtp[12345"
	    "]: 123456789AB: to=<user@example.com>, relay=example.com[123"
	    ".45.67.89]:25, delay=1.23, delays=1.23/1.23/1.23/1.23, dsn=1"
	    ".2.3, status=bounced (host example.com[123.45.67.89] said: 1"
	    "23 #1.2.3 DKIM unauthenticated mail is prohibited, please ch"
	    "eck your DKIM signature. If you believe that this failure is"
	    " in error, please refer to https://tools.ietf.org/html/rfc63"
	    "76 or contact user@example.com for more information via alte"
	    "rnate means. (in reply to end of DATA command))",
	"Jan 1 00:00:00 hostname postfix/smtp[12345]: 123456789AB: us"
	    "er@example.com, relay=example.com[123.45.67.89]:25, delay=2,"
	    " delays=2/2/2/2, dsn=1.2.3, status=deferred (host example.co"
	    "m[123.45.67.89] said: 123-1.2.3 The recipient's inbox is out"
	    " of storage space. Please direct the 123-1.2.3 recipient to "
	    "123 1.2.3  https://support.google.com/mail/?p=OverQuotaTemp "
	    "000-0000000000000000000000000000000000000000000.000 - gsmtp "
	    "(in reply to RCPT TO command))",
	"Jan 1 00:00:00 hostname postfix/smtp[12345]: 123456789AB: us"
	    "er@example.com, relay=example.com[123.45.67.89]:25, delay=2,"
	    " delays=2/2/2/2, dsn=1.2.3, status=deferred (host example.co"
	    "m[123.45.67.89] said: 12 Malformed (in reply to RCPT TO comm"
	    "and))",
	"Jan 1 00:00:00 hostname postfix/smtp[12345]: 123456789AB: ho"
	    "st example.com[123.45.67.89] said: 123 1.2.3 Greylisting in "
	    "action, please come back later (in reply to RCPT TO command)",
	"Jan 1 00:00:00 hostname postfix/smtp[12345]: 123456789AB: ho"
	    "st example.com[123.45.67.89] said: 123 1.2.3 Ignored (in rep"
	    "ly to RCPT TO command)",
	"Jan 1 00:00:00 hostname postfix/smtp[12345]: 123456789AB: ho"
	    "st example.com[123.45.67.89] said: 12 Malformed (in reply to"
	    " RCPT TO command)",
	"Jan 1 00:00:00 hostname postfix/smtp[12345]: Unsupported",
	"Jan 1 00:00:00 hostname postfix/cleanup[12345]: 123456789AB:"
	    " milter-reject: END-OF-MESSAGE from example.com[123.45.67.89"
	    "]: 123 1.2.3 Reasons; from=<user@example.com> to=<user@examp"
	    "le.com> proto=ESMTP helo=<example.com>",
	"Jan 1 00:00:00 hostname postfix/cleanup[12345]: Unsupported",
	"Jan 1 00:00:00 hostname postfix/qmgr[12345]: 123456789AB: fr"
	    "om=<user@example.com>>, status=expired, returned to sender",
	"Jan 1 00:00:00 hostname postfix/qmgr[12345]: Unsupported",
};

static void
sergeymakinen_corpus_totals_match_golden(void **state)
{
	uint64_t tot[KEYS_STATIC_COUNT] = { 0 };
	size_t i, j, dyn = 0;

	(void)state;
	for (i = 0; i < sizeof(sergeymakinen) / sizeof(sergeymakinen[0]);
	    i++) {
		(void)run(sergeymakinen[i], NULL);
		for (j = 0; j < R.n; j++)
			if (R.inc[j].key == KEY_SENT_DYNAMIC)
				dyn++;
			else
				tot[R.inc[j].key]++;
	}
	assert_int_equal(dyn, 0);
	for (j = 0; j < KEYS_STATIC_COUNT; j++) {
		uint64_t want = 0;

		switch (j) {
		case KEY_SENT_LMTP:
			want = 1;
			break;
		case KEY_SENT_SMTP:
		case KEY_STATUS_BOUNCED:
			want = 2;
			break;
		case KEY_STATUS_SENT:
			want = 3;
			break;
		}
		if (tot[j] != want)
			fail_msg("%s: %llu, want %llu", key_name((int)j),
			    (unsigned long long)tot[j],
			    (unsigned long long)want);
	}
}

static int
teardown_copy(void **state)
{
	(void)state;
	free(copy);
	copy = NULL;
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sent_by_local_counts_sent_local),
		cmocka_unit_test(sent_by_virtual_counts_sent_virtual),
		cmocka_unit_test(sent_by_pipe_transport_counts_dynamic_key),
		cmocka_unit_test(transport_names_are_case_sensitive),
		cmocka_unit_test(unusable_transport_names_count_in_overflow),
		cmocka_unit_test(sent_to_a_host_counts_the_daemon),
		cmocka_unit_test(lmtp_delivery_counts_as_lmtp_not_smtp),
		cmocka_unit_test(relay_none_counts_the_daemon_or_nothing),
		cmocka_unit_test(optional_fields_orig_to_and_conn_use_are_skipped),
		cmocka_unit_test(unknown_tls_field_of_postfix_3_11_is_skipped),
		cmocka_unit_test(deferred_with_remote_4xx_counts_smtp_4xx),
		cmocka_unit_test(bounced_with_remote_5xx_counts_smtp_5xx),
		cmocka_unit_test(multiline_reply_code_is_read),
		cmocka_unit_test(refused_to_talk_to_me_code_is_read),
		cmocka_unit_test(lmtp_replies_count_in_lmtp_keys),
		cmocka_unit_test(deferred_without_remote_code_counts_only_status),
		cmocka_unit_test(remote_reply_text_of_other_daemons_is_not_a_client_reply),
		cmocka_unit_test(address_probes_count_nothing),
		cmocka_unit_test(expired_in_a_delivery_line_counts_status_expired),
		cmocka_unit_test(delivery_line_without_to_is_not_counted),
		cmocka_unit_test(truncated_delivery_line_is_unparsed),
		cmocka_unit_test(every_prefix_of_a_delivery_line_is_safe),
		cmocka_unit_test(own_line_remote_reply_counts_client_code),
		cmocka_unit_test(own_line_reply_not_counted_elsewhere),
		cmocka_unit_test(qmgr_expired_counts_status_expired),
		cmocka_unit_test(qmgr_other_from_lines_count_nothing),
		cmocka_unit_test(smtpd_client_counts_recv_smtp),
		cmocka_unit_test(noqueue_client_of_before_queue_proxy_counts_nothing),
		cmocka_unit_test(pickup_uid_and_sender_count_recv_local),
		cmocka_unit_test(smtpd_noqueue_rejects_count_by_code),
		cmocka_unit_test(smtpd_queueid_rejects_count_by_code),
		cmocka_unit_test(postscreen_rejects_count_by_code),
		cmocka_unit_test(postscreen_too_many_connections_counts_nothing),
		cmocka_unit_test(reject_warning_and_warn_count_nothing),
		cmocka_unit_test(smtpd_reject_codes_outside_4xx_5xx_count_nothing),
		cmocka_unit_test(rejects_of_other_daemons_count_nothing),
		cmocka_unit_test(smtpd_milter_reject_counts_by_code),
		cmocka_unit_test(sasl_failure_with_remote_reply_counts_in_smtp_and_lmtp),
		cmocka_unit_test(cleanup_reject_with_client_port_counts),
		cmocka_unit_test(milter_header_and_body_rejects_count_like_cleanup_rejects),
		cmocka_unit_test(cleanup_reject_of_local_submission_counts_nothing_whatever_the_source),
		cmocka_unit_test(rsyslog_repeated_message_counts_n_times),
		cmocka_unit_test(logging_system_losses_are_counted_in_log_dropped),
		cmocka_unit_test(new_header_formats_count_like_classic_ones),
		cmocka_unit_test(unknown_delivery_fields_such_as_tls_are_skipped),
		cmocka_unit_test(cleanup_milter_reject_of_remote_mail_counts_enhanced_code),
		cmocka_unit_test(cleanup_milter_reject_of_local_mail_counts_nothing),
		cmocka_unit_test(cleanup_header_reject_of_remote_mail_counts_smtpd),
		cmocka_unit_test(cleanup_header_reject_of_local_mail_counts_nothing),
		cmocka_unit_test(cleanup_header_with_fake_local_tail_still_counts),
		cmocka_unit_test(cleanup_header_with_fake_remote_tail_counts_nothing),
		cmocka_unit_test(cleanup_fake_tail_in_quoted_sender_is_ignored),
		cmocka_unit_test(quoted_local_part_cannot_fake_fields),
		cmocka_unit_test(remote_reply_text_cannot_fake_status_sent),
		cmocka_unit_test(helo_names_crafted_like_fields_change_nothing),
		cmocka_unit_test(cleanup_helo_with_angle_brackets_still_counts),
		cmocka_unit_test(postfix_tag_inside_another_programs_line_counts_nothing),
		cmocka_unit_test(extra_syslog_names_are_counted_with_options),
		cmocka_unit_test(classify_resets_its_result),
		cmocka_unit_test(every_hop_counts_by_default),
		cmocka_unit_test(loopback_hops_are_excluded_on_request),
		cmocka_unit_test(named_hops_are_excluded_on_request),
		cmocka_unit_test(sergeymakinen_corpus_totals_match_golden),
	};

	return cmocka_run_group_tests_name("classify", tests, NULL,
	    teardown_copy);
}
