/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	test_qsample - unit tests for the queue sampler (src/core/qsample.c)
 * DESCRIPTION
 *	The JSON counting on real `postqueue -j` output captured from the
 *	test Postfix (tests/unit/data/postqueue-j.json: one deferred message,
 *	three held, one of them with two recipients), fed whole, byte by byte
 *	and split at every offset; output that is not postqueue's; and the
 *	sampler's child handling with small stand-in programs written to a
 *	temporary directory (exit status, a program that cannot be executed,
 *	the time limit, the back-off). The real postqueue is exercised by
 *	tests/integration/t_queue*.sh.
 * DIAGNOSTICS
 *	cmocka's output; exit status 0 when every test passed.
 * SECURITY
 *	Writes only below a fresh mkdtemp() directory.
 */
#include <sys/stat.h>

#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "qsample.h"

#define DATA	"tests/unit/data/postqueue-j.json"

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *b;
	long n;

	if (f == NULL)
		fail_msg("cannot open %s (run from the top of the tree)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* Feed BUF in pieces of STEP bytes (0: whole); the result code. */
static int
count(const char *buf, size_t len, size_t step, struct qsample_counts *c)
{
	struct qsample_parser *p;
	size_t off = 0, n;
	int rc = QSAMPLE_OK;

	assert_int_equal(qsample_parser_new(&p), QSAMPLE_OK);
	memset(c, 0, sizeof(*c));
	while (off < len && rc == QSAMPLE_OK) {
		n = step == 0 || len - off < step ? len - off : step;
		rc = qsample_feed(p, buf + off, n);
		off += n;
	}
	if (rc == QSAMPLE_OK)
		rc = qsample_parser_end(p, c);
	qsample_parser_free(p);
	return rc;
}

static void
expect_real(const struct qsample_counts *c)
{
	assert_int_equal(c->n[QSAMPLE_DEFERRED], 1);
	assert_int_equal(c->n[QSAMPLE_HOLD], 3);
	assert_int_equal(c->n[QSAMPLE_ACTIVE], 0);
	assert_int_equal(c->n[QSAMPLE_INCOMING], 0);
	assert_int_equal(c->n[QSAMPLE_MAILDROP], 0);
	assert_int_equal(c->other, 0);
	/* The deferred message's arrival_time; held ones do not count. */
	assert_int_equal(c->oldest_deferred, 1796127262);
}

static void
real_output_is_counted_by_queue_name(void **state)
{
	struct qsample_counts c;
	size_t len;
	char *b = slurp(DATA, &len);

	(void)state;
	assert_int_equal(count(b, len, 0, &c), QSAMPLE_OK);
	expect_real(&c);
	free(b);
}

static void
output_arriving_byte_by_byte_counts_the_same(void **state)
{
	struct qsample_counts c;
	size_t len;
	char *b = slurp(DATA, &len);

	(void)state;
	assert_int_equal(count(b, len, 1, &c), QSAMPLE_OK);
	expect_real(&c);
	free(b);
}

static void
output_split_anywhere_counts_the_same(void **state)
{
	struct qsample_parser *p;
	struct qsample_counts c;
	size_t len, cut;
	char *b = slurp(DATA, &len);

	(void)state;
	for (cut = 0; cut <= len; cut++) {
		assert_int_equal(qsample_parser_new(&p), QSAMPLE_OK);
		assert_int_equal(qsample_feed(p, b, cut), QSAMPLE_OK);
		assert_int_equal(qsample_feed(p, b + cut, len - cut),
		    QSAMPLE_OK);
		assert_int_equal(qsample_parser_end(p, &c), QSAMPLE_OK);
		expect_real(&c);
		qsample_parser_free(p);
	}
	free(b);
}

static void
empty_queue_is_a_good_sample_of_zeros(void **state)
{
	struct qsample_counts c;
	int i;

	(void)state;
	assert_int_equal(count("", 0, 0, &c), QSAMPLE_OK);
	for (i = 0; i < QSAMPLE_NQUEUES; i++)
		assert_int_equal(c.n[i], 0);
	assert_int_equal(c.oldest_deferred, 0);
}

static void
oldest_deferred_is_the_smallest_arrival_time(void **state)
{
	static const char out[] =
	    "{\"queue_name\": \"deferred\", \"arrival_time\": 300}\n"
	    "{\"queue_name\": \"active\", \"arrival_time\": 50}\n"
	    "{\"queue_name\": \"deferred\", \"arrival_time\": 200}\n"
	    "{\"queue_name\": \"deferred\", \"arrival_time\": 400}\n"
	    "{\"queue_name\": \"incoming\"}\n"
	    "{\"queue_name\": \"maildrop\"}\n"
	    "{\"queue_name\": \"corrupt\"}\n";
	struct qsample_counts c;

	(void)state;
	assert_int_equal(count(out, sizeof(out) - 1, 7, &c), QSAMPLE_OK);
	assert_int_equal(c.n[QSAMPLE_DEFERRED], 3);
	assert_int_equal(c.n[QSAMPLE_ACTIVE], 1);
	assert_int_equal(c.n[QSAMPLE_INCOMING], 1);
	assert_int_equal(c.n[QSAMPLE_MAILDROP], 1);
	assert_int_equal(c.other, 1);
	assert_int_equal(c.oldest_deferred, 200);
}

static void
many_objects_are_counted_exactly(void **state)
{
	static const char one[] = "{\"queue_name\": \"deferred\", "
	    "\"queue_id\": \"4Xk3s51mTFz9vJ\", \"arrival_time\": 1796127262, "
	    "\"recipients\": [{\"address\": \"a@b\", \"delay_reason\": "
	    "\"said: 450 \\\"busy\\\" }{\"}]}\n";
	struct qsample_parser *p;
	struct qsample_counts c;
	char *b;
	size_t n = 100000, i, len = sizeof(one) - 1;

	(void)state;
	b = malloc(len * 1000);
	assert_non_null(b);
	for (i = 0; i < 1000; i++)
		memcpy(b + i * len, one, len);
	assert_int_equal(qsample_parser_new(&p), QSAMPLE_OK);
	for (i = 0; i < n / 1000; i++)
		assert_int_equal(qsample_feed(p, b, len * 1000), QSAMPLE_OK);
	assert_int_equal(qsample_parser_end(p, &c), QSAMPLE_OK);
	assert_int_equal(c.n[QSAMPLE_DEFERRED], n);
	qsample_parser_free(p);
	free(b);
}

static void
expect_bad(const char *out, const char *why)
{
	struct qsample_parser *p;
	int rc;

	assert_int_equal(qsample_parser_new(&p), QSAMPLE_OK);
	rc = qsample_feed(p, out, strlen(out));
	if (rc == QSAMPLE_OK)
		rc = qsample_parser_end(p, NULL);
	if (rc != QSAMPLE_EJSON)
		fail_msg("accepted: %s", out);
	if (strstr(qsample_parser_error(p), why) == NULL)
		fail_msg("error \"%s\", want \"%s\"", qsample_parser_error(p),
		    why);
	qsample_parser_free(p);
}

static void
output_that_is_not_postqueue_j_fails(void **state)
{
	(void)state;
	/* postqueue -p's text, a message on stdout, an array, junk. */
	expect_bad("-Queue ID-  --Size-- ----Arrival Time----\n",
	    "not a JSON object");
	expect_bad("{\"queue_name\": \"hold\"}\n[1, 2]\n", "not a JSON object");
	expect_bad("{\"queue_id\": \"ABC\"}\n", "without a queue_name");
	expect_bad("{\"queue_name\": 5}\n", "without a queue_name");
	expect_bad("{\"queue_name\": \"hold\" \"x\"}\n", "after 0 messages");
	/* Cut short: postqueue killed in the middle of an object. */
	expect_bad("{\"queue_name\": \"hold\"}\n{\"queue_name\": \"de",
	    "ends inside an object");
}

/* ------------------------------------------------ the child, stand-ins */

static char dir[64];

static int
setup_dir(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/qsample.XXXXXX", tmp ? tmp : "/tmp");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A stand-in postqueue: /bin/sh BODY; returns its path. */
static const char *
script(const char *name, const char *body)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	assert_int_equal(chmod(path, 0755), 0);
	return path;
}

static uint64_t
ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Run one sample to its end (at most 10 s) as a loop would. */
static int
run_one(struct qsample *q, struct qsample_counts *c, const char **why)
{
	uint64_t end = ms() + 10000;
	struct pollfd pfd;

	assert_true(qsample_due(q, ms()));
	qsample_start(q, ms());
	while (!qsample_read(q, ms())) {
		assert_true(ms() < end);
		pfd.fd = qsample_fd(q);
		pfd.events = POLLIN;
		(void)poll(&pfd, pfd.fd >= 0 ? 1 : 0, qsample_timeout(q, ms()));
	}
	return qsample_result(q, c, why);
}

static struct qsample *
sampler(const char *prog, unsigned interval, unsigned limit)
{
	struct qsample_opts o = { prog, NULL, interval, limit };
	struct qsample *q;

	assert_int_equal(qsample_new(&q, &o), QSAMPLE_OK);
	return q;
}

static void
good_child_gives_counts_and_the_next_sample_waits_an_interval(void **state)
{
	struct qsample_counts c;
	struct qsample *q;
	const char *why;
	char body[256];
	uint64_t t0 = ms();

	(void)state;
	snprintf(body, sizeof(body), "[ \"$1\" = -j ] || exit 9\nexec cat %s",
	    DATA);
	q = sampler(script("pq-good", body), 60, 0);
	assert_int_equal(run_one(q, &c, &why), QSAMPLE_OK);
	expect_real(&c);
	assert_false(qsample_due(q, ms()));
	assert_true(qsample_next_due(q) >= t0 + 60000);
	assert_true(qsample_next_due(q) <= ms() + 60000);
	assert_true(qsample_timeout(q, ms()) > 50000);
	assert_int_equal(qsample_fd(q), -1);
	qsample_free(q);
}

static void
output_larger_than_a_pipe_is_read_whole(void **state)
{
	struct qsample_counts c;
	struct qsample *q;
	const char *why;

	(void)state;
	/* The child's end of the pipe must block as usual (it once did not). */
	q = sampler(script("pq-big", "exec awk 'BEGIN { for (i = 0; i < "
	    "20000; i++) printf \"{\\\"queue_name\\\": \\\"deferred\\\", "
	    "\\\"arrival_time\\\": %d}\\n\", 1000 + i }'"), 60, 0);
	assert_int_equal(run_one(q, &c, &why), QSAMPLE_OK);
	assert_int_equal(c.n[QSAMPLE_DEFERRED], 20000);
	assert_int_equal(c.oldest_deferred, 1000);
	qsample_free(q);
}

static void
config_dir_is_passed_with_minus_c(void **state)
{
	struct qsample_opts o = { NULL, "/etc/postfix-out", 60, 0 };
	struct qsample_counts c;
	struct qsample *q;
	const char *why;

	(void)state;
	o.postqueue = script("pq-c", "[ \"$1 $2 $3\" = \"-c /etc/postfix-out "
	    "-j\" ] || exit 9\necho '{\"queue_name\": \"active\"}'");
	assert_int_equal(qsample_new(&q, &o), QSAMPLE_OK);
	assert_int_equal(run_one(q, &c, &why), QSAMPLE_OK);
	assert_int_equal(c.n[QSAMPLE_ACTIVE], 1);
	qsample_free(q);
}

static void
mail_system_down_fails_with_postqueues_message(void **state)
{
	struct qsample_counts c;
	struct qsample *q;
	const char *why;

	(void)state;
	q = sampler(script("pq-down", "echo 'postqueue: fatal: Queue report "
	    "unavailable - mail system is down' >&2\nexit 69"), 60, 0);
	assert_int_equal(run_one(q, &c, &why), QSAMPLE_EEXIT);
	assert_string_equal(why, "postqueue: fatal: Queue report unavailable "
	    "- mail system is down");
	qsample_free(q);
}

static void
good_output_with_a_bad_exit_status_fails(void **state)
{
	struct qsample_counts c;
	struct qsample *q;
	const char *why;

	(void)state;
	q = sampler(script("pq-exit", "echo '{\"queue_name\": \"hold\"}'\n"
	    "exit 1"), 60, 0);
	assert_int_equal(run_one(q, &c, &why), QSAMPLE_EEXIT);
	assert_string_equal(why, "postqueue exited with status 1");
	qsample_free(q);
}

static void
missing_program_fails_and_says_so(void **state)
{
	struct qsample_counts c;
	struct qsample *q;
	const char *why;
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/no-such-postqueue", dir);
	q = sampler(path, 60, 0);
	assert_int_equal(run_one(q, &c, &why), QSAMPLE_EEXIT);
	assert_non_null(strstr(why, "cannot execute"));
	assert_non_null(strstr(why, "No such file"));
	qsample_free(q);
}

static void
slow_child_is_killed_at_the_limit_and_the_next_sample_backs_off(void **state)
{
	struct qsample_counts c;
	struct qsample *q;
	const char *why;
	uint64_t t0 = ms(), took;

	(void)state;
	q = sampler(script("pq-slow", "echo '{\"queue_name\": \"hold\"}'\n"
	    "exec sleep 30"), 2, 1);
	assert_int_equal(run_one(q, &c, &why), QSAMPLE_ETIMEOUT);
	took = ms() - t0;
	assert_true(took >= 1000 && took < 3000);
	assert_non_null(strstr(why, "killed"));
	/* One timeout: twice the interval, and at least 4 durations. */
	assert_true(qsample_next_due(q) >= ms() + 3500);
	qsample_free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_output_is_counted_by_queue_name),
		cmocka_unit_test(output_arriving_byte_by_byte_counts_the_same),
		cmocka_unit_test(output_split_anywhere_counts_the_same),
		cmocka_unit_test(empty_queue_is_a_good_sample_of_zeros),
		cmocka_unit_test(oldest_deferred_is_the_smallest_arrival_time),
		cmocka_unit_test(many_objects_are_counted_exactly),
		cmocka_unit_test(output_that_is_not_postqueue_j_fails),
		cmocka_unit_test(good_child_gives_counts_and_the_next_sample_waits_an_interval),
		cmocka_unit_test(output_larger_than_a_pipe_is_read_whole),
		cmocka_unit_test(config_dir_is_passed_with_minus_c),
		cmocka_unit_test(mail_system_down_fails_with_postqueues_message),
		cmocka_unit_test(good_output_with_a_bad_exit_status_fails),
		cmocka_unit_test(missing_program_fails_and_says_so),
		cmocka_unit_test(slow_child_is_killed_at_the_limit_and_the_next_sample_backs_off),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
