/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	test_pump - unit tests for the engine (src/core/pump.c)
 * DESCRIPTION
 *	The pump runs against a real LMDB store in a fresh temp directory and
 *	a small in-memory source (tsrc below: a test implementation of our own
 *	source_ops, handing out lines the test appends, with its position =
 *	"TST1" + the index of the next line). Time is a fake clock the tests
 *	move, so the commit policy is checked to the millisecond without
 *	sleeping.
 * DIAGNOSTICS
 *	cmocka; a failed check names the behaviour.
 * SECURITY
 *	Test code; files only under mkdtemp().
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "keys.h"
#include "pump.h"
#include "bytes.h"
#include "source.h"
#include "store.h"

#include "fixture.h"

#define TLINES	4096

/* ---- the test source ---- */

struct tsrc {
	struct source	src;
	char		*line[TLINES];
	size_t		n;		/* lines appended */
	size_t		next;		/* next to hand out */
	size_t		per_batch;	/* at most this many a batch */
	int		end;		/* caught up: SOURCE_END */
	int		err;		/* next(): return this error once */
	int		pos_err;	/* position() fails */
	int		fd;		/* pollfd */
	int		woken;		/* woken() calls */
	int		reopened;
	size_t		long_next;	/* the line with index 1 is long (test) */
	struct source_stats stats;
};

static int
t_next(struct source *s, struct source_batch *b)
{
	struct tsrc *t = (struct tsrc *)s;

	b->n = 0;
	if (t->err) {
		int e = t->err;

		t->err = 0;
		return e;
	}
	while (t->next < t->n && b->n < t->per_batch
	    && b->n < SOURCE_BATCH_MAX) {
		b->line[b->n].p = t->line[t->next];
		b->line[b->n].len = strlen(t->line[t->next]);
		b->line[b->n].lng = t->long_next && t->next == 1;
		if (b->line[b->n].lng)
			b->line[b->n].len = 0;
		b->n++;
		t->next++;
	}
	if (b->n > 0)
		return SOURCE_OK;
	return t->end ? SOURCE_END : SOURCE_AGAIN;
}

static int
t_position(struct source *s, unsigned char *buf, size_t *len)
{
	struct tsrc *t = (struct tsrc *)s;

	if (t->pos_err)
		return SOURCE_EIO;
	memcpy(buf, "TST1", 4);
	le64_put(buf + 4, t->next);
	*len = 12;
	return SOURCE_OK;
}

static int
t_pollfd(struct source *s, int *timeout_ms)
{
	(void)timeout_ms;
	return ((struct tsrc *)s)->fd;
}

static void
t_woken(struct source *s)
{
	((struct tsrc *)s)->woken++;
}

static void
t_reopen(struct source *s)
{
	((struct tsrc *)s)->reopened++;
}

static void
t_stats(struct source *s, struct source_stats *st)
{
	struct tsrc *t = (struct tsrc *)s;

	*st = t->stats;
	memset(&t->stats, 0, sizeof(t->stats));
}

static void
t_close(struct source *s)
{
	struct tsrc *t = (struct tsrc *)s;
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->line[i]);
	free(t);
}

static const struct source_ops tsrc_ops = {
	"test", t_next, t_position, t_pollfd, t_woken, t_reopen, t_stats,
	t_close
};

/* A test source resuming at line index FROM. */
static struct tsrc *
tsrc_new(size_t from)
{
	struct tsrc *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->src.ops = &tsrc_ops;
	t->next = from;
	t->per_batch = SOURCE_BATCH_MAX;
	t->fd = -1;
	return t;
}

static void
tsrc_add(struct tsrc *t, const char *line)
{
	assert_true(t->n < TLINES);
	t->line[t->n] = strdup(line);
	assert_non_null(t->line[t->n]);
	t->n++;
}

/* A Postfix delivery line: counts sent:TRANSPORT and status:sent. */
static void
tsrc_sent(struct tsrc *t, const char *transport)
{
	char b[512];

	snprintf(b, sizeof(b), "Nov 29 00:07:00 mx postfix/local[1]: "
	    "641E0104455: to=<a@example.org>, relay=%s, delay=0.1, "
	    "delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered)", transport);
	tsrc_add(t, b);
}

/* ---- fixture: a store in a temp dir, a fake clock ---- */

struct fx {
	char		 base[PATH_MAX];
	char		 db[PATH_MAX + 8];
	char		 data[PATH_MAX + 32];
	struct store	*st;
	struct tsrc	*t;
	struct pump	*p;
	uint64_t	 ms;		/* the fake monotonic clock */
	int64_t		 wall;		/* the fake Unix time */
	struct pump_clock clk;
	int		 nmsg;
	char		 lastmsg[1024];
};

static uint64_t
fake_mono(void *arg)
{
	return ((struct fx *)arg)->ms;
}

static int64_t
fake_wall(void *arg)
{
	return ((struct fx *)arg)->wall;
}

static void
fake_notify(int level, const char *msg, void *arg)
{
	struct fx *fx = arg;

	(void)level;
	fx->nmsg++;
	snprintf(fx->lastmsg, sizeof(fx->lastmsg), "%s", msg);
}

static void
open_store(struct fx *fx)
{
	int rc = store_open(&fx->st, fx->db, 0, 0);

	if (rc != STORE_OK)
		fail_msg("store_open: %s (%s)", store_strerror(rc),
		    store_detail(fx->st));
}

static void
open_pump(struct fx *fx, pump_classify_fn *cl)
{
	struct pump_opts o;

	memset(&o, 0, sizeof(o));
	o.db = fx->db;
	o.clock = &fx->clk;
	o.classify = cl;
	assert_int_equal(pump_open(&fx->p, fx->st, &fx->t->src, &o,
	    fake_notify, fx), 0);
}

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL || fx_tmpdir(fx->base, sizeof(fx->base), "pump") < 0)
		return -1;
	snprintf(fx->db, sizeof(fx->db), "%s/db", fx->base);
	snprintf(fx->data, sizeof(fx->data), "%s/data.mdb", fx->db);
	fx->ms = 1000000;
	fx->wall = 1700000000;
	fx->clk.mono_ms = fake_mono;
	fx->clk.wall = fake_wall;
	fx->clk.arg = fx;
	open_store(fx);
	fx->t = tsrc_new(0);
	open_pump(fx, NULL);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	pump_close(fx->p);
	source_close(&fx->t->src);
	store_close(fx->st);
	fx_rmtree(fx->base);
	free(fx);
	return 0;
}

static uint64_t
get(struct fx *fx, const char *key)
{
	uint64_t v = 0;
	int rc = store_get(fx->st, key, &v);

	if (rc != STORE_OK && rc != STORE_ENOTFOUND)
		fail_msg("store_get %s: %s", key, store_strerror(rc));
	return v;
}

static int
has(struct fx *fx, const char *key)
{
	uint64_t v;

	return store_get(fx->st, key, &v) == STORE_OK;
}

/* The committed position's line index. */
static uint64_t
saved_index(struct fx *fx)
{
	unsigned char b[STORE_POS_MAX];
	size_t len = sizeof(b);

	assert_int_equal(store_get_pos(fx->st, b, &len), STORE_OK);
	assert_int_equal(len, 12);
	assert_memory_equal(b, "TST1", 4);
	return le64_get(b + 4);
}

/* Step until the pump is idle (bounded); the clock stands still. */
static void
run_idle(struct fx *fx)
{
	int i, rc = PUMP_BUSY;

	for (i = 0; i < 10000 && rc == PUMP_BUSY; i++)
		rc = pump_step(fx->p);
	assert_int_equal(rc, PUMP_IDLE);
}

/* ---- tests ---- */

static void
caught_up_commits_counts_with_the_position(void **state)
{
	struct fx *fx = *state;
	int i;

	for (i = 0; i < 5; i++)
		tsrc_sent(fx->t, "local");
	fx->ms += 1000;
	assert_int_equal(pump_step(fx->p), PUMP_BUSY);
	/* Read, not yet committed: nothing visible. */
	assert_int_equal(get(fx, "self:lines"), 0);
	assert_int_equal(pump_step(fx->p), PUMP_IDLE);
	assert_int_equal(get(fx, "self:lines"), 5);
	assert_int_equal(get(fx, "sent:local"), 5);
	assert_int_equal(get(fx, "status:sent"), 5);
	assert_int_equal(get(fx, "self:lines_postfix"), 5);
	assert_int_equal(get(fx, "self:lines_counted"), 5);
	assert_int_equal(get(fx, "self:commits"), 1);
	assert_int_equal(saved_index(fx), 5);
	assert_false(store_pending(fx->st));
}

static void
crash_before_commit_counts_each_line_exactly_once(void **state)
{
	struct fx *fx = *state;
	struct tsrc *t2;
	int i;

	for (i = 0; i < 5; i++)
		tsrc_sent(fx->t, "local");
	fx->ms += 1000;
	run_idle(fx);
	/* Three more are read and counted in memory; then a crash. */
	for (i = 0; i < 3; i++)
		tsrc_sent(fx->t, "local");
	assert_int_equal(pump_step(fx->p), PUMP_BUSY);
	assert_true(store_pending(fx->st));
	pump_close(fx->p);
	store_close(fx->st);		/* uncommitted counts are gone */
	open_store(fx);
	assert_int_equal(saved_index(fx), 5);
	assert_int_equal(get(fx, "sent:local"), 5);
	/* Restart from the saved position: the three are counted once. */
	t2 = tsrc_new(saved_index(fx));
	for (i = 0; i < 8; i++)
		tsrc_sent(t2, "local");
	source_close(&fx->t->src);
	fx->t = t2;
	open_pump(fx, NULL);
	fx->ms += 1000;
	run_idle(fx);
	assert_int_equal(get(fx, "sent:local"), 8);
	assert_int_equal(get(fx, "self:lines"), 8);
	assert_int_equal(saved_index(fx), 8);
}

static void
flowing_lines_commit_every_100ms_not_more_often(void **state)
{
	struct fx *fx = *state;
	uint64_t commits = 0, prev = 0, last_change = 0;
	int i;

	fx->ms += 1000;
	run_idle(fx);		/* the first heartbeat */
	prev = get(fx, "self:commits");
	fx->t->per_batch = 1;
	/* One line every 5 ms for two seconds, never caught up. */
	for (i = 0; i < 400; i++) {
		tsrc_sent(fx->t, "local");
		tsrc_sent(fx->t, "local");
		fx->ms += 5;
		assert_int_equal(pump_step(fx->p), PUMP_BUSY);
		commits = get(fx, "self:commits");
		if (commits != prev) {
			/* A line never waits more than 100 ms (+ a step). */
			if (last_change != 0)
				assert_true(fx->ms - last_change >= 100
				    && fx->ms - last_change <= 105);
			last_change = fx->ms;
			prev = commits;
			assert_int_equal(saved_index(fx), fx->t->next);
		}
	}
	assert_true(commits >= 19 && commits <= 21);
}

static void
caught_up_commit_keeps_a_20ms_spacing(void **state)
{
	struct fx *fx = *state;
	uint64_t c;

	fx->ms += 1000;
	tsrc_sent(fx->t, "local");
	run_idle(fx);
	c = get(fx, "self:commits");
	assert_int_equal(get(fx, "sent:local"), 1);
	/* A line 5 ms later waits for the spacing. */
	fx->ms += 5;
	tsrc_sent(fx->t, "local");
	run_idle(fx);
	assert_int_equal(get(fx, "sent:local"), 1);
	assert_int_equal(pump_timeout(fx->p), 15);
	fx->ms += 15;
	run_idle(fx);
	assert_int_equal(get(fx, "sent:local"), 2);
	assert_int_equal(get(fx, "self:commits"), c + 1);
}

/* Let data.mdb not grow beyond its size now (a full file system). */
static void
limit_fsize(struct fx *fx, struct rlimit *old)
{
	struct rlimit lim;
	struct stat sb;

	assert_int_equal(stat(fx->data, &sb), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, old), 0);
	signal(SIGXFSZ, SIG_IGN);
	lim = *old;
	lim.rlim_cur = (rlim_t)sb.st_size;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
}

static void
failed_commit_is_retried_after_1s_with_nothing_lost_or_doubled(void **state)
{
	struct fx *fx = *state;
	struct rlimit old;
	char t[32];
	int i;

	tsrc_sent(fx->t, "local");
	fx->ms += 1000;
	run_idle(fx);
	assert_int_equal(get(fx, "self:commits"), 1);
	/* Sixty new transports: the database must grow, and cannot. */
	for (i = 0; i < 60; i++) {
		snprintf(t, sizeof(t), "transport-number-%02d", i);
		tsrc_sent(fx->t, t);
	}
	limit_fsize(fx, &old);
	fx->ms += 100;
	run_idle(fx);
	assert_true(pump_failing(fx->p));
	assert_true(fx->nmsg >= 1);
	assert_non_null(strstr(fx->lastmsg, "cannot commit"));
	assert_int_equal(get(fx, "sent:transport-number-00"), 0);
	/* Not retried before a second has passed. */
	assert_true(pump_timeout(fx->p) <= 1000);
	fx->ms += 999;
	run_idle(fx);
	assert_true(pump_failing(fx->p));
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	fx->ms += 1;
	run_idle(fx);
	assert_false(pump_failing(fx->p));
	/* Written once; one commit counted for the attempt that worked. */
	assert_int_equal(get(fx, "sent:transport-number-00"), 1);
	assert_int_equal(get(fx, "sent:transport-number-59"), 1);
	assert_int_equal(get(fx, "self:lines"), 61);
	assert_int_equal(get(fx, "self:commits"), 2);
	assert_int_equal(get(fx, "self:errors"), 1);	/* one failed try */
	assert_int_equal(saved_index(fx), 61);
}

static void
position_failure_commits_nothing_and_retries(void **state)
{
	struct fx *fx = *state;

	tsrc_sent(fx->t, "local");
	fx->t->pos_err = 1;
	fx->ms += 1000;
	run_idle(fx);
	assert_true(pump_failing(fx->p));
	assert_int_equal(get(fx, "sent:local"), 0);
	fx->t->pos_err = 0;
	fx->ms += 1000;
	run_idle(fx);
	assert_false(pump_failing(fx->p));
	assert_int_equal(get(fx, "sent:local"), 1);
	assert_int_equal(get(fx, "self:errors"), 1);
	assert_int_equal(saved_index(fx), 1);
}

static void
heartbeat_is_committed_while_idle(void **state)
{
	struct fx *fx = *state;
	int64_t w0 = fx->wall;
	uint64_t c;

	/* At start: the first heartbeat at once, no line yet. */
	fx->ms += 1000;
	run_idle(fx);
	assert_int_equal(get(fx, "self:heartbeat"), w0);
	assert_false(has(fx, "self:last_line"));
	c = get(fx, "self:commits");
	/* Idle: no busy loop, and nothing committed for 30 s ... */
	assert_true(pump_timeout(fx->p) > 0);
	fx->ms += 29999;
	fx->wall += 29;
	run_idle(fx);
	assert_int_equal(get(fx, "self:heartbeat"), w0);
	assert_int_equal(get(fx, "self:commits"), c);
	assert_true(pump_timeout(fx->p) > 0);
	/* ... then a heartbeat. */
	fx->ms += 1;
	fx->wall += 1;
	run_idle(fx);
	assert_int_equal(get(fx, "self:heartbeat"), w0 + 30);
	assert_int_equal(get(fx, "self:commits"), c + 1);
	/* A line sets last_line. */
	fx->ms += 5000;
	fx->wall += 5;
	tsrc_sent(fx->t, "local");
	run_idle(fx);
	assert_int_equal(get(fx, "self:last_line"), w0 + 35);
	assert_int_equal(get(fx, "self:heartbeat"), w0 + 35);
}

/* classify_line(), and a test prefix: "xN " stands for N lines, "dN " dropped N. */
static enum pflog_kind
fake_classify(const char *line, size_t len, const struct pflog_opts *popts,
    const struct classify_opts *copts, struct classify_result *out)
{
	uint64_t mult = 1, dropped = 0;
	enum pflog_kind k;

	if (len > 3 && line[0] == 'x' && line[2] == ' ') {
		mult = (uint64_t)(line[1] - '0');
		line += 3;
		len -= 3;
	} else if (len > 3 && line[0] == 'd' && line[2] == ' ') {
		dropped = (uint64_t)(line[1] - '0');
		line += 3;
		len -= 3;
	}
	k = classify_line(line, len, popts, copts, out);
	out->mult = mult;
	out->log_dropped += dropped;
	return k;
}

static void
a_line_standing_for_several_counts_its_increments_that_often(void **state)
{
	struct fx *fx = *state;

	pump_close(fx->p);
	open_pump(fx, fake_classify);
	tsrc_add(fx->t, "x3 Nov 29 00:07:00 mx postfix/local[1]: 641E0104455: "
	    "to=<a@example.org>, relay=local, delay=0.1, delays=0/0/0/0.1, "
	    "dsn=2.0.0, status=sent (delivered)");
	tsrc_add(fx->t, "d7 Nov 29 00:07:00 mx rsyslogd: imuxsock lost 7 "
	    "messages");
	fx->ms += 1000;
	run_idle(fx);
	assert_int_equal(get(fx, "sent:local"), 3);
	assert_int_equal(get(fx, "status:sent"), 3);
	assert_int_equal(get(fx, "self:lines"), 2);
	assert_int_equal(get(fx, "self:lines_counted"), 1);
	assert_int_equal(get(fx, "self:log_dropped"), 7);
}

static void
source_stats_become_self_keys(void **state)
{
	struct fx *fx = *state;

	fx->t->stats.rotations = 2;
	fx->t->stats.truncations = 3;
	fx->t->stats.lost = 4;
	fx->t->stats.errors = 5;
	fx->t->stats.skipped = 6;
	fx->t->stats.log_dropped = 7;
	fx->ms += 1000;
	run_idle(fx);
	assert_int_equal(get(fx, "self:rotations"), 2);
	assert_int_equal(get(fx, "self:truncations"), 3);
	assert_int_equal(get(fx, "self:lost"), 4);
	assert_int_equal(get(fx, "self:errors"), 5);
	assert_int_equal(get(fx, "self:journal_skipped"), 6);
	assert_int_equal(get(fx, "self:log_dropped"), 7);
	/* Taken once. */
	fx->ms += 31000;
	run_idle(fx);
	assert_int_equal(get(fx, "self:rotations"), 2);
}

static void
source_error_is_counted_and_waited_on(void **state)
{
	struct fx *fx = *state;

	fx->t->err = SOURCE_EIO;
	fx->ms += 1000;
	assert_int_equal(pump_step(fx->p), PUMP_IDLE);
	assert_int_equal(get(fx, "self:errors"), 1);
	assert_non_null(strstr(fx->lastmsg, "test source"));
}

static void
malformed_and_long_lines_are_counted_as_such(void **state)
{
	struct fx *fx = *state;

	tsrc_add(fx->t, "not a log line");
	fx->t->long_next = 1;
	tsrc_add(fx->t, "(a line the source skipped as too long)");
	fx->ms += 1000;
	run_idle(fx);
	assert_int_equal(get(fx, "self:lines"), 2);
	assert_int_equal(get(fx, "self:lines_malformed"), 1);
	assert_int_equal(get(fx, "self:lines_long"), 1);
	assert_non_null(strstr(fx->lastmsg, "longer than"));
}

static void
end_of_source_is_done_and_finish_commits(void **state)
{
	struct fx *fx = *state;

	tsrc_sent(fx->t, "local");
	fx->t->end = 1;
	fx->t->per_batch = 1;
	assert_int_equal(pump_step(fx->p), PUMP_BUSY);
	assert_int_equal(pump_step(fx->p), PUMP_DONE);
	assert_int_equal(get(fx, "sent:local"), 0);
	assert_int_equal(pump_finish(fx->p), STORE_OK);
	assert_int_equal(get(fx, "sent:local"), 1);
	assert_int_equal(saved_index(fx), 1);
	/* Nothing pending: finishing again commits nothing. */
	assert_int_equal(pump_finish(fx->p), STORE_OK);
	assert_int_equal(get(fx, "self:commits"), 1);
}

static void
deleted_database_is_recreated_with_every_count(void **state)
{
	struct fx *fx = *state;

	tsrc_sent(fx->t, "local");
	fx->ms += 1000;
	run_idle(fx);
	assert_int_equal(unlink(fx->data), 0);
	tsrc_sent(fx->t, "local");
	fx->ms += 1000;
	run_idle(fx);		/* recreated and committed at once ... */
	fx->ms += PUMP_COMMIT_MIN_MS;
	run_idle(fx);		/* ... the line after the spacing */
	assert_int_equal(store_check(fx->st), STORE_OK);
	assert_int_equal(get(fx, "sent:local"), 2);
	assert_int_equal(get(fx, "self:db_recreated"), 1);
	assert_int_equal(saved_index(fx), 2);
}

static void
wait_polls_the_source(void **state)
{
	struct fx *fx = *state;
	int a[2];

	assert_int_equal(pipe(a), 0);
	fx->t->fd = a[0];
	fx->ms += 1000;
	run_idle(fx);
	/* The source's descriptor wakes the pump, which lets the source take it in. */
	assert_int_equal(write(a[1], "s", 1), 1);
	assert_int_equal(pump_wait(fx->p), 1);
	assert_int_equal(fx->t->woken, 1);
	pump_reopen(fx->p);
	assert_int_equal(fx->t->reopened, 1);
	close(a[0]);
	close(a[1]);
	fx->t->fd = -1;
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(caught_up_commits_counts_with_the_position),
		T(crash_before_commit_counts_each_line_exactly_once),
		T(flowing_lines_commit_every_100ms_not_more_often),
		T(caught_up_commit_keeps_a_20ms_spacing),
		T(failed_commit_is_retried_after_1s_with_nothing_lost_or_doubled),
		T(position_failure_commits_nothing_and_retries),
		T(heartbeat_is_committed_while_idle),
		T(a_line_standing_for_several_counts_its_increments_that_often),
		T(source_stats_become_self_keys),
		T(source_error_is_counted_and_waited_on),
		T(malformed_and_long_lines_are_counted_as_such),
		T(end_of_source_is_done_and_finish_commits),
		T(deleted_database_is_recreated_with_every_count),
		T(wait_polls_the_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
