/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	test_promtext - unit tests for the Prometheus text (src/core/promtext.c)
 * DESCRIPTION
 *	Views are built by hand (every family, dynamic transports, ages,
 *	hostile transport names, the largest possible view) and once through
 *	a real store and view_load(), then rendered and checked line by line.
 * SECURITY
 *	Test code; the store lives in a fresh mkdtemp() directory.
 */
#include <sys/stat.h>

#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "keys.h"
#include "promtext.h"
#include "store.h"
#include "view.h"

#include "fixture.h"

static char out[PROMTEXT_BUFSIZE];

static void
add_static(struct view *v, const char *name, uint64_t val)
{
	struct view_item *it = &v->item[v->n++];
	int id = keys_find(name);

	assert_true(id >= 0);
	snprintf(it->name, sizeof(it->name), "%s", name);
	it->id = id;
	it->e = keys_entry((enum keys_id)id);
	it->val = val;
}

static void
add_dynamic(struct view *v, const char *name, uint64_t val)
{
	struct view_item *it = &v->item[v->n++];

	snprintf(it->name, sizeof(it->name), "%s", name);
	it->id = KEY_SENT_DYNAMIC;
	it->e = NULL;
	it->val = val;
}

static size_t
count_lines(const char *text, const char *prefix)
{
	size_t n = 0, plen = strlen(prefix);
	const char *p = text;

	while (*p != '\0') {
		if (strncmp(p, prefix, plen) == 0)
			n++;
		if ((p = strchr(p, '\n')) == NULL)
			break;
		p++;
	}
	return n;
}

static const char *
line_of(const char *text, const char *line)
{
	size_t len = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[len] == '\n')
			return p;
		p++;
	}
	return NULL;
}

static void
expect_line(const char *text, const char *line)
{
	if (line_of(text, line) == NULL)
		fail_msg("no line \"%s\" in:\n%s", line, text);
}

/* A sorted view as view_load() makes it (names in strcmp order). */
static void
typical_view(struct view *v)
{
	memset(v, 0, sizeof(*v));
	add_static(v, "lmtp:4xx", 1);
	add_static(v, "lmtp:5xx", 2);
	add_static(v, "queue:deferred", 7);
	add_static(v, "recv:local", 3);
	add_static(v, "recv:smtp", 215);
	add_static(v, "self:heartbeat", 1700000000);
	add_static(v, "self:heartbeat_age", 4);
	add_static(v, "self:lines", 1000);
	add_dynamic(v, "sent:legal", 5);
	add_static(v, "sent:smtp", 200);
	add_static(v, "smtp:4xx", 9);
	add_static(v, "smtp:5xx", 10);
	add_static(v, "smtpd:5xx", 11);
}

static void
each_family_has_one_help_and_type_then_its_samples(void **state)
{
	struct view v;
	ssize_t n;
	const char *type, *help, *s1, *s2, *next;

	(void)state;
	typical_view(&v);
	n = promtext_render(&v, out, sizeof(out));
	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(out));
	assert_int_equal(count_lines(out,
	    "# TYPE postfix_stats_remote_replies_total "), 1);
	assert_int_equal(count_lines(out,
	    "# HELP postfix_stats_remote_replies_total "), 1);
	assert_int_equal(count_lines(out, "# TYPE postfix_stats_sent_total "),
	    1);
	/* lmtp:* and smtp:* are apart in the view but one family. */
	help = line_of(out, "# HELP postfix_stats_remote_replies_total "
	    "4XX/5XX replies remote servers gave our SMTP or LMTP client.");
	type = line_of(out, "# TYPE postfix_stats_remote_replies_total counter");
	s1 = line_of(out, "postfix_stats_remote_replies_total"
	    "{client=\"lmtp\",class=\"4xx\"} 1");
	s2 = line_of(out, "postfix_stats_remote_replies_total"
	    "{client=\"smtp\",class=\"5xx\"} 10");
	assert_non_null(help);
	assert_non_null(type);
	assert_non_null(s1);
	assert_non_null(s2);
	assert_true(help < type && type < s1 && s1 < s2);
	/* Nothing of another family between the family's samples. */
	next = strstr(type, "\n# ");
	assert_non_null(next);
	assert_true(s2 < next);
	/* Every line ends in a newline, and so does the text. */
	assert_int_equal(out[n - 1], '\n');
}

static void
dynamic_transports_join_the_sent_family(void **state)
{
	struct view v;

	(void)state;
	typical_view(&v);
	assert_true(promtext_render(&v, out, sizeof(out)) > 0);
	expect_line(out, "# TYPE postfix_stats_sent_total counter");
	expect_line(out, "postfix_stats_sent_total{transport=\"legal\"} 5");
	expect_line(out, "postfix_stats_sent_total{transport=\"smtp\"} 200");
	expect_line(out, "postfix_stats_received_total{source=\"smtp\"} 215");
	expect_line(out, "postfix_stats_rejects_total{class=\"5xx\"} 11");
	expect_line(out, "postfix_stats_self_lines_total 1000");
}

static void
gauges_are_typed_gauge_and_ages_are_left_out(void **state)
{
	struct view v;

	(void)state;
	typical_view(&v);
	assert_true(promtext_render(&v, out, sizeof(out)) > 0);
	expect_line(out, "# TYPE postfix_stats_queue_messages gauge");
	expect_line(out, "postfix_stats_queue_messages{queue=\"deferred\"} 7");
	expect_line(out,
	    "# TYPE postfix_stats_self_heartbeat_timestamp_seconds gauge");
	expect_line(out,
	    "postfix_stats_self_heartbeat_timestamp_seconds 1700000000");
	assert_null(strstr(out, "heartbeat_age"));
	assert_null(strstr(out, "age "));
	/* Only the queue that was sampled. */
	assert_null(strstr(out, "queue=\"active\""));
}

static void
label_values_and_help_are_escaped(void **state)
{
	struct view v;
	char esc[64];

	(void)state;
	memset(&v, 0, sizeof(v));
	add_dynamic(&v, "sent:a\"b\\c\nd", 1);
	assert_true(promtext_render(&v, out, sizeof(out)) > 0);
	expect_line(out,
	    "postfix_stats_sent_total{transport=\"a\\\"b\\\\c\\nd\"} 1");
	assert_int_equal(count_lines(out, "postfix_stats_sent_total{"), 1);

	assert_int_equal(promtext_escape_label(esc, sizeof(esc), "x\"\\\n", 4),
	    7);
	assert_string_equal(esc, "x\\\"\\\\\\n");
	assert_int_equal(promtext_escape_label(esc, 7, "x\"\\\n", 4),
	    PROMTEXT_ENOSPC);
}

static void
a_short_buffer_is_an_error_at_every_size(void **state)
{
	struct view v;
	static char small[PROMTEXT_BUFSIZE];
	ssize_t need;
	size_t size;

	(void)state;
	typical_view(&v);
	need = promtext_render(&v, out, sizeof(out));
	assert_true(need > 0);
	for (size = 0; size <= (size_t)need; size++)
		assert_int_equal(promtext_render(&v, small, size),
		    PROMTEXT_ENOSPC);
	assert_int_equal(promtext_render(&v, small, (size_t)need + 1), need);
	assert_string_equal(small, out);
}

static void
the_largest_view_fits_the_documented_buffer(void **state)
{
	static struct view v;
	static char big[PROMTEXT_BUFSIZE * 2];
	char name[KEYS_NAME_MAX + 1];
	ssize_t n;
	size_t i;

	(void)state;
	memset(&v, 0, sizeof(v));
	for (i = 0; i < KEYS_STATIC_COUNT; i++) {
		const struct keys_entry *e = keys_entry((enum keys_id)i);

		add_static(&v, e->name, UINT64_MAX);
	}
	/* Transport names at their longest, every byte escaped. */
	while (v.n < VIEW_MAX) {
		memset(name, '"', sizeof(name));
		memcpy(name, "sent:", 5);
		snprintf(name + 5 + KEYS_TRANSPORT_MAX - 4, 5, "%04zu", v.n);
		add_dynamic(&v, name, UINT64_MAX);
	}
	n = promtext_render(&v, big, sizeof(big));
	assert_true(n > 0);
	assert_true((size_t)n < PROMTEXT_BUFSIZE);
	assert_int_equal(promtext_render(&v, out, sizeof(out)), n);
}

static void
an_empty_view_is_empty_text(void **state)
{
	struct view v;

	(void)state;
	memset(&v, 0, sizeof(v));
	assert_int_equal(promtext_render(&v, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

static void
a_real_store_renders_every_counter_and_no_unset_gauge(void **state)
{
	static struct view v;
	char base[PATH_MAX], db[PATH_MAX + 8];
	const char *tmp = getenv("TMPDIR");
	struct store *st;
	ssize_t n;

	(void)state;
	snprintf(base, sizeof(base), "%s/pfstats-promtext.XXXXXX",
	    tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(base));
	snprintf(db, sizeof(db), "%s/db", base);
	assert_int_equal(store_open(&st, db, 0, 0), STORE_OK);
	store_add(st, KEY_SENT_SMTP, span_make("", 0), 3);
	store_add(st, KEY_SENT_DYNAMIC, span_make("legal", 5), 2);
	store_set(st, KEY_SELF_HEARTBEAT, 1700000000);
	assert_int_equal(store_commit(st, NULL, 0), STORE_OK);
	store_close(st);

	assert_int_equal(store_open(&st, db, STORE_RDONLY, 0), STORE_OK);
	assert_int_equal(view_load(st, 1700000010, &v), STORE_OK);
	store_close(st);
	fx_rmtree(base);

	n = promtext_render(&v, out, sizeof(out));
	assert_true(n > 0);
	expect_line(out, "postfix_stats_sent_total{transport=\"smtp\"} 3");
	expect_line(out, "postfix_stats_sent_total{transport=\"legal\"} 2");
	expect_line(out, "postfix_stats_sent_total{transport=\"lmtp\"} 0");
	expect_line(out, "postfix_stats_rejects_total{class=\"5xx\"} 0");
	expect_line(out,
	    "postfix_stats_self_heartbeat_timestamp_seconds 1700000000");
	assert_null(strstr(out, "postfix_stats_queue_messages"));
	assert_null(strstr(out, "last_line_timestamp"));
	/* One TYPE line per family: as many as distinct HELP lines. */
	assert_int_equal(count_lines(out, "# TYPE "),
	    count_lines(out, "# HELP "));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    each_family_has_one_help_and_type_then_its_samples),
		cmocka_unit_test(dynamic_transports_join_the_sent_family),
		cmocka_unit_test(
		    gauges_are_typed_gauge_and_ages_are_left_out),
		cmocka_unit_test(label_values_and_help_are_escaped),
		cmocka_unit_test(a_short_buffer_is_an_error_at_every_size),
		cmocka_unit_test(the_largest_view_fits_the_documented_buffer),
		cmocka_unit_test(an_empty_view_is_empty_text),
		cmocka_unit_test(
		    a_real_store_renders_every_counter_and_no_unset_gauge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
