/* SPDX-License-Identifier: ISC */
/*
 * test_keys - unit tests for the key catalogue (src/core/keys.c)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "keys.h"

static void
expect_norm(const char *in, const char *want)
{
	char out[KEYS_NAME_MAX + 1];

	memset(out, 'X', sizeof(out));
	if (keys_normalize(in, out, sizeof(out)) != 0)
		fail_msg("\"%s\" refused, want \"%s\"", in, want);
	assert_string_equal(out, want);
}

static void
expect_refused(const char *in)
{
	char out[KEYS_NAME_MAX + 1];

	if (keys_normalize(in, out, sizeof(out)) != -1)
		fail_msg("\"%s\" accepted", in);
}

static void
category_is_case_insensitive(void **state)
{
	(void)state;
	expect_norm("SENT:smtp", "sent:smtp");
	expect_norm("Sent:local", "sent:local");
	expect_norm("sent:smtp", "sent:smtp");
	expect_norm("RECV:smtp", "recv:smtp");
	expect_norm("SELF:lines", "self:lines");
}

static void
fixed_names_are_case_insensitive(void **state)
{
	(void)state;
	expect_norm("SMTP:4XX", "smtp:4xx");
	expect_norm("smtpd:5XX", "smtpd:5xx");
	expect_norm("LMTP:4xx", "lmtp:4xx");
	expect_norm("Status:Sent", "status:sent");
	expect_norm("recv:LOCAL", "recv:local");
	expect_norm("self:Lines_Unparsed", "self:lines_unparsed");
}

static void
transport_names_stay_case_sensitive(void **state)
{
	(void)state;
	expect_norm("sent:Legal", "sent:Legal");
	expect_norm("SENT:legal", "sent:legal");
	expect_norm("sent:dmarc-rua", "sent:dmarc-rua");
	expect_norm("sent:a.b_c-d", "sent:a.b_c-d");
	/* "SMTP" is a transport name, not the static sent:smtp. */
	expect_norm("sent:SMTP", "sent:SMTP");
}

static void
overflow_key_is_accepted(void **state)
{
	(void)state;
	expect_norm("sent:_overflow", "sent:_overflow");
	expect_norm("SENT:_overflow", "sent:_overflow");
	/* Only that one: transports cannot start with '_'. */
	expect_refused("sent:_other");
	expect_refused("sent:_OVERFLOW");
}

static void
malformed_keys_are_refused(void **state)
{
	(void)state;
	expect_refused("");
	expect_refused("sentsmtp");
	expect_refused(":");
	expect_refused(":smtp");
	expect_refused("sent:");
	expect_refused("sent:bad/name");
	expect_refused("sent:a b");
	expect_refused("sent:smtp:x");
	expect_refused("sent:smtp\n");
	expect_refused(" sent:smtp");
	expect_refused("sent :smtp");
	expect_refused("sent:\xc3\xa9t\xc3\xa9");
}

static void
unknown_categories_and_names_are_refused(void **state)
{
	(void)state;
	expect_refused("foo:bar");
	expect_refused("recvx:smtp");
	expect_refused("smtp:6xx");
	expect_refused("smtp:3xx");
	expect_refused("smtpd:smtp");
	expect_refused("recv:lmtp");
	expect_refused("status:deliverable");
	expect_refused("self:nothing");
	expect_refused("lmtp:4xxx");
}

static void
overlong_keys_are_refused(void **state)
{
	char in[256], out[KEYS_NAME_MAX + 1];
	size_t n;

	(void)state;
	/* A transport of KEYS_TRANSPORT_MAX is fine, one more is not. */
	strcpy(in, "sent:");
	memset(in + 5, 'a', KEYS_TRANSPORT_MAX);
	in[5 + KEYS_TRANSPORT_MAX] = '\0';
	assert_int_equal(keys_normalize(in, out, sizeof(out)), 0);
	in[5 + KEYS_TRANSPORT_MAX] = 'a';
	in[6 + KEYS_TRANSPORT_MAX] = '\0';
	expect_refused(in);
	/* A key over KEYS_NAME_MAX, in any category. */
	for (n = KEYS_NAME_MAX - 5; n < 200; n += 7) {
		strcpy(in, "smtp:");
		memset(in + 5, 'x', n);
		in[5 + n] = '\0';
		expect_refused(in);
		memcpy(in, "SENT:", 5);
		expect_refused(in);
	}
}

static void
small_output_buffer_is_refused(void **state)
{
	char out[KEYS_NAME_MAX + 8];

	(void)state;
	memset(out, 'Z', sizeof(out));
	assert_int_equal(keys_normalize("sent:smtp", out, KEYS_NAME_MAX), -1);
	assert_int_equal(keys_normalize("sent:smtp", out, 0), -1);
	/* Nothing written beyond what the caller gave. */
	assert_int_equal(out[KEYS_NAME_MAX], 'Z');
}

static void
transport_allow_list(void **state)
{
	char big[KEYS_TRANSPORT_MAX + 1];

	(void)state;
	assert_true(keys_transport_ok(SPAN_LIT("legal")));
	assert_true(keys_transport_ok(SPAN_LIT("dmarc-rua")));
	assert_true(keys_transport_ok(SPAN_LIT("a.b_c-d")));
	assert_true(keys_transport_ok(SPAN_LIT("Legal")));
	assert_true(keys_transport_ok(SPAN_LIT("0")));
	memset(big, 'a', sizeof(big));
	assert_true(keys_transport_ok(span_make(big, KEYS_TRANSPORT_MAX)));
	assert_false(keys_transport_ok(span_make(big,
	    KEYS_TRANSPORT_MAX + 1)));
	assert_false(keys_transport_ok(SPAN_LIT("")));
	assert_false(keys_transport_ok(SPAN_NULL));
	assert_false(keys_transport_ok(SPAN_LIT("_overflow")));
	assert_false(keys_transport_ok(SPAN_LIT("a/b")));
	assert_false(keys_transport_ok(SPAN_LIT("a b")));
	assert_false(keys_transport_ok(SPAN_LIT("a:b")));
	assert_false(keys_transport_ok(SPAN_LIT("a[b]")));
	assert_false(keys_transport_ok(SPAN_LIT("a\0b")));
	assert_false(keys_transport_ok(SPAN_LIT("\xff")));
	assert_false(keys_transport_ok(SPAN_LIT("a\n")));
}

static void
static_transports_map_to_static_keys(void **state)
{
	(void)state;
	assert_int_equal(keys_sent_id(SPAN_LIT("smtp")), KEY_SENT_SMTP);
	assert_int_equal(keys_sent_id(SPAN_LIT("lmtp")), KEY_SENT_LMTP);
	assert_int_equal(keys_sent_id(SPAN_LIT("local")), KEY_SENT_LOCAL);
	assert_int_equal(keys_sent_id(SPAN_LIT("virtual")), KEY_SENT_VIRTUAL);
	assert_int_equal(keys_sent_id(SPAN_LIT("legal")), KEY_SENT_DYNAMIC);
	assert_int_equal(keys_sent_id(SPAN_LIT("SMTP")), KEY_SENT_DYNAMIC);
	assert_int_equal(keys_sent_id(SPAN_LIT("smtpx")), KEY_SENT_DYNAMIC);
	assert_int_equal(keys_sent_id(SPAN_LIT("")), KEY_SENT_DYNAMIC);
}

static int
known_category(const char *name, size_t clen)
{
	static const char *const cats[] = {
		"recv", "sent", "smtp", "lmtp", "smtpd", "status", "queue",
		"self", NULL
	};
	int i;

	for (i = 0; cats[i] != NULL; i++)
		if (strlen(cats[i]) == clen && memcmp(cats[i], name, clen) == 0)
			return 1;
	return 0;
}

static void
every_static_key_is_unique_and_well_formed(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i < KEYS_STATIC_COUNT; i++) {
		const struct keys_entry *e = keys_entry((enum keys_id)i);
		char out[KEYS_NAME_MAX + 1];
		const char *colon, *p;

		assert_non_null(e);
		assert_non_null(e->name);
		assert_non_null(e->descr);
		assert_true(strlen(e->descr) > 0);
		assert_true(strlen(e->name) <= KEYS_NAME_MAX);
		colon = strchr(e->name, ':');
		if (colon == NULL || colon == e->name || colon[1] == '\0'
		    || strchr(colon + 1, ':') != NULL)
			fail_msg("key %d \"%s\" is not category:name", i,
			    e->name);
		if (!known_category(e->name, (size_t)(colon - e->name)))
			fail_msg("key \"%s\": unknown category", e->name);
		for (p = e->name; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0'
			    && *p <= '9') || *p == '_' || *p == ':'))
				fail_msg("key \"%s\": byte '%c'", e->name, *p);
		/* The canonical form of a key is itself. */
		if (keys_normalize(e->name, out, sizeof(out)) != 0
		    || strcmp(out, e->name) != 0)
			fail_msg("key \"%s\" does not normalize to itself",
			    e->name);
		for (j = 0; j < i; j++)
			if (strcmp(keys_entry((enum keys_id)j)->name,
			    e->name) == 0)
				fail_msg("key \"%s\" twice (%d, %d)", e->name,
				    j, i);
	}
	assert_null(keys_entry(KEYS_STATIC_COUNT));
	assert_null(keys_entry((enum keys_id)-1));
	assert_null(keys_entry(KEY_SENT_DYNAMIC));
}

/*
 * SNMP indexes are explicit and unique, and the first ones never move (an
 * upgrade must not renumber an OID); every exported key has a metric of its
 * own type; an age key is the age of a Unix-time gauge.
 */
static void
catalogue_indexes_types_and_metrics_are_consistent(void **state)
{
	static const struct { int id; unsigned snmp; } fixed[] = {
		{ KEY_RECV_SMTP, 1 }, { KEY_SENT_SMTP, 3 },
		{ KEY_SENT_OVERFLOW, 7 }, { KEY_SMTPD_5XX, 13 },
		{ KEY_STATUS_EXPIRED, 17 }, { KEY_SELF_LINES, 18 },
		{ KEY_SELF_DB_RECREATED, 30 },
	};
	int i, j;

	(void)state;
	for (i = 0; i < (int)(sizeof(fixed) / sizeof(fixed[0])); i++)
		assert_int_equal(keys_entry((enum keys_id)fixed[i].id)->snmp,
		    fixed[i].snmp);
	for (i = 0; i < KEYS_STATIC_COUNT; i++) {
		const struct keys_entry *e = keys_entry((enum keys_id)i);

		assert_true(e->snmp > 0);
		for (j = 0; j < i; j++)
			if (keys_entry((enum keys_id)j)->snmp == e->snmp)
				fail_msg("SNMP index %u twice", e->snmp);
		assert_int_equal(keys_find(e->name), i);
		if (e->type == KEYS_AGE) {
			const struct keys_entry *g = keys_entry(e->age_of);

			assert_non_null(g);
			assert_int_equal(g->type, KEYS_GAUGE);
			assert_null(e->metric);
			continue;
		}
		assert_non_null(e->metric);
		assert_int_equal(e->metric->type, e->type);
		assert_true(strncmp(e->metric->name, "postfix_stats_", 14) == 0);
		if (e->type == KEYS_COUNTER)
			assert_non_null(strstr(e->metric->name, "_total"));
		else
			assert_null(strstr(e->metric->name, "_total"));
	}
	assert_int_equal(keys_find("sent:legal"), KEY_SENT_DYNAMIC);
	assert_int_equal(keys_find("sent:_bad"), -2);
	assert_int_equal(keys_find("queue:nosuch"), -2);
}

/* The keys of SPEC section 2 and RULES.md exist under their ids. */
static void
documented_keys_have_their_ids(void **state)
{
	static const struct { int id; const char *name; } want[] = {
		{ KEY_RECV_SMTP, "recv:smtp" },
		{ KEY_RECV_LOCAL, "recv:local" },
		{ KEY_SENT_SMTP, "sent:smtp" },
		{ KEY_SENT_LMTP, "sent:lmtp" },
		{ KEY_SENT_LOCAL, "sent:local" },
		{ KEY_SENT_VIRTUAL, "sent:virtual" },
		{ KEY_SENT_OVERFLOW, "sent:_overflow" },
		{ KEY_SMTP_4XX, "smtp:4xx" },
		{ KEY_SMTP_5XX, "smtp:5xx" },
		{ KEY_LMTP_4XX, "lmtp:4xx" },
		{ KEY_LMTP_5XX, "lmtp:5xx" },
		{ KEY_SMTPD_4XX, "smtpd:4xx" },
		{ KEY_SMTPD_5XX, "smtpd:5xx" },
		{ KEY_STATUS_SENT, "status:sent" },
		{ KEY_STATUS_DEFERRED, "status:deferred" },
		{ KEY_STATUS_BOUNCED, "status:bounced" },
		{ KEY_STATUS_EXPIRED, "status:expired" },
		{ KEY_SELF_LINES, "self:lines" },
		{ KEY_SELF_COMMITS, "self:commits" },
		{ KEY_SELF_ROTATIONS, "self:rotations" },
		{ KEY_SELF_TRUNCATIONS, "self:truncations" },
		{ KEY_SELF_LOST, "self:lost" },
		{ KEY_SELF_ERRORS, "self:errors" },
		{ KEY_SELF_DB_RECREATED, "self:db_recreated" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(keys_entry((enum keys_id)want[i].id)->name,
		    want[i].name);
	/* The SNMP index (id + 1) of the first keys never moves. */
	assert_int_equal(KEY_RECV_SMTP, 0);
	assert_int_equal(KEY_STATUS_EXPIRED, 16);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(category_is_case_insensitive),
		cmocka_unit_test(fixed_names_are_case_insensitive),
		cmocka_unit_test(transport_names_stay_case_sensitive),
		cmocka_unit_test(overflow_key_is_accepted),
		cmocka_unit_test(malformed_keys_are_refused),
		cmocka_unit_test(unknown_categories_and_names_are_refused),
		cmocka_unit_test(overlong_keys_are_refused),
		cmocka_unit_test(small_output_buffer_is_refused),
		cmocka_unit_test(transport_allow_list),
		cmocka_unit_test(static_transports_map_to_static_keys),
		cmocka_unit_test(every_static_key_is_unique_and_well_formed),
		cmocka_unit_test(catalogue_indexes_types_and_metrics_are_consistent),
		cmocka_unit_test(documented_keys_have_their_ids),
	};

	return cmocka_run_group_tests_name("keys", tests, NULL, NULL);
}
