/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	pump - read a source, count each line once, commit with the position
 * SYNOPSIS
 *	#include "pump.h"
 * DESCRIPTION
 *	pump_step() takes one batch from the source and counts every line
 *	into the store (store_add: the store's pending increments are the one
 *	tally, self: keys included); a line standing for several (classify's
 *	mult, "message repeated N times") adds its increments mult times but
 *	is one line read. The source's event counts (source_stats) become
 *	self: keys at the next step.
 *
 *	A commit writes the pending counts, self:commits + 1,
 *	self:heartbeat = now, and the source's position in one store
 *	transaction, so that the position always matches the counts. When:
 *	- while lines flow: once the oldest uncommitted count is
 *	  PUMP_COMMIT_MAX_MS old, but not within PUMP_COMMIT_MIN_MS of the
 *	  last commit;
 *	- when the source has nothing more: at once (same minimum spacing);
 *	- when idle: every PUMP_HEARTBEAT_MS, so that self:heartbeat moves;
 *	- after a failed commit: every PUMP_RETRY_MS; the counts stay in the
 *	  store's memory meanwhile and nothing is lost or counted twice (the
 *	  self:commits increment of the failed attempt is kept for the commit
 *	  that succeeds, never added twice).
 *	Every PUMP_CHECK_MS the database file is checked; deleted, it is
 *	recreated with every count carried over.
 *
 *	pump_wait() is the only place the pump sleeps: poll() on the source's
 *	descriptor (and a running queue sample's pipe), bounded by
 *	pump_timeout() and the sampler's own timeout, never a busy loop.
 * DIAGNOSTICS
 *	Messages (commit failures, recreation, lines not understood, long
 *	lines, source errors) go to the notify function, each cause at most
 *	once a minute with the count of those suppressed; failures are also
 *	counted in self:errors.
 * SECURITY
 *	Lines are untrusted: they only reach the classifier, and are escaped
 *	and truncated before they appear in a message.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "keys.h"
#include "log.h"
#include "pump.h"
#include "qsample.h"

#define LIMIT_MS	60000	/* one message per cause per minute */

#if SOURCE_POS_MAX > STORE_POS_MAX
#error "the store must keep every position a source makes"
#endif

struct limit {
	uint64_t	last;
	unsigned long	suppressed;
	int		used;
};

struct pump {
	struct store	*st;
	struct source	*src;
	struct pump_opts o;
	struct pump_clock clk;
	source_notify_fn *notify;
	void		*arg;
	uint64_t	 last_commit, last_fail, last_check, dirty_since;
	int		 dirty;		/* the store has pending changes */
	int		 failing;	/* the last commit failed */
	int		 counted;	/* self:commits + 1 is already pending */
	int		 beat;		/* a heartbeat was ever committed */
	struct limit	 lim_unparsed, lim_long, lim_store, lim_source,
			 lim_queue;
	int		 queue_failing;	/* the last queue sample failed */
	unsigned char	 pos[SOURCE_POS_MAX];
	struct source_batch batch;
};

static uint64_t
real_mono_ms(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int64_t
real_wall(void *arg)
{
	(void)arg;
	return (int64_t)time(NULL);
}

static uint64_t
mono(struct pump *p)
{
	return p->clk.mono_ms(p->clk.arg);
}

static void
say(struct pump *p, struct limit *lim, int level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* One message, unless LIM (if not NULL) allowed one less than a minute ago. */
static void
say(struct pump *p, struct limit *lim, int level, const char *fmt, ...)
{
	char msg[768];
	uint64_t now = mono(p);
	size_t n;
	va_list ap;

	if (p->notify == NULL)
		return;
	if (lim != NULL) {
		if (lim->used && now - lim->last < LIMIT_MS) {
			lim->suppressed++;
			return;
		}
		lim->used = 1;
		lim->last = now;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (lim != NULL && lim->suppressed > 0) {
		n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, " (%lu more like it "
		    "not logged)", lim->suppressed);
		lim->suppressed = 0;
	}
	p->notify(level, msg, p->arg);
}

int
pump_open(struct pump **pp, struct store *st, struct source *src,
    const struct pump_opts *o, source_notify_fn *notify, void *arg)
{
	struct pump *p;

	*pp = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return -1;
	p->st = st;
	p->src = src;
	p->o = *o;
	if (p->o.db == NULL)
		p->o.db = "the database";
	if (p->o.classify == NULL)
		p->o.classify = classify_line;
	if (o->clock != NULL) {
		p->clk = *o->clock;
	} else {
		p->clk.mono_ms = real_mono_ms;
		p->clk.wall = real_wall;
	}
	p->notify = notify;
	p->arg = arg;
	p->last_commit = p->last_check = mono(p);
	*pp = p;
	return 0;
}

void
pump_close(struct pump *p)
{
	free(p);
}

int
pump_failing(const struct pump *p)
{
	return p->failing;
}

static void
add(struct pump *p, int key, uint64_t n)
{
	if (n != 0)
		store_add(p->st, key, SPAN_NULL, n);
}

/* The source's event counts into self: keys. */
static void
take_stats(struct pump *p)
{
	struct source_stats s;

	memset(&s, 0, sizeof(s));
	source_stats(p->src, &s);
	add(p, KEY_SELF_ROTATIONS, s.rotations);
	add(p, KEY_SELF_TRUNCATIONS, s.truncations);
	add(p, KEY_SELF_LOST, s.lost);
	add(p, KEY_SELF_ERRORS, s.errors);
	add(p, KEY_SELF_JOURNAL_SKIPPED, s.skipped);
	add(p, KEY_SELF_LOG_DROPPED, s.log_dropped);
}

static void
note_dirty(struct pump *p, uint64_t now)
{
	if (!p->dirty && store_pending(p->st)) {
		p->dirty = 1;
		p->dirty_since = now;
	}
}

/* Commit everything pending with the source's position; 0 or a STORE_ code. */
static int
commit(struct pump *p, uint64_t now)
{
	size_t len = sizeof(p->pos);
	int rc;

	take_stats(p);
	if ((rc = source_position(p->src, p->pos, &len)) != SOURCE_OK
	    || len > sizeof(p->pos)) {
		/* Counts without their position would be counted again. */
		p->failing = 1;
		p->last_commit = p->last_fail = now;
		add(p, KEY_SELF_ERRORS, 1);
		say(p, &p->lim_store, LOG_ERR, "the %s source has no position "
		    "(%d); not committing, will retry", p->src->ops->kind, rc);
		return STORE_EIO;
	}
	if (!p->counted) {
		add(p, KEY_SELF_COMMITS, 1);
		p->counted = 1;
	}
	store_set(p->st, KEY_SELF_HEARTBEAT, (uint64_t)p->clk.wall(p->clk.arg));
	rc = store_commit(p->st, len > 0 ? p->pos : NULL, len);
	p->last_commit = now;
	if (rc == STORE_OK) {
		if (p->failing)
			say(p, NULL, LOG_INFO, "commits to %s work again; "
			    "nothing was lost", p->o.db);
		p->failing = 0;
		p->counted = 0;
		p->dirty = 0;
		p->beat = 1;
		return STORE_OK;
	}
	/* Nothing was written: counts, gauges and position stay pending. */
	p->failing = 1;
	p->last_fail = now;
	add(p, KEY_SELF_ERRORS, 1);
	note_dirty(p, now);
	say(p, &p->lim_store, LOG_ERR, "cannot commit to %s: %s (%s); will "
	    "retry, keeping the counts in memory", p->o.db, store_strerror(rc),
	    store_detail(p->st));
	return rc;
}

/* Recreate the database if it was deleted under us. */
static void
check_db(struct pump *p, uint64_t now)
{
	int rc;

	if (store_check(p->st) != STORE_EDELETED)
		return;
	say(p, NULL, LOG_WARNING, "database %s was deleted; recreating it "
	    "with the counts carried over", p->o.db);
	if ((rc = store_recreate(p->st)) != STORE_OK) {
		add(p, KEY_SELF_ERRORS, 1);
		note_dirty(p, now);
		say(p, &p->lim_store, LOG_ERR, "cannot recreate %s: %s (%s)",
		    p->o.db, store_strerror(rc), store_detail(p->st));
		return;
	}
	add(p, KEY_SELF_DB_RECREATED, 1);
	(void)commit(p, now);
}

/* Count one batch. */
static void
count_batch(struct pump *p)
{
	const struct source_batch *b = &p->batch;
	uint64_t postfix = 0, counted = 0, malformed = 0, unparsed = 0;
	uint64_t lng = 0, excluded = 0, dropped = 0;
	struct classify_result r;
	size_t i, j;

	for (i = 0; i < b->n; i++) {
		const struct source_line *l = &b->line[i];
		enum pflog_kind k;
		uint64_t m;

		if (l->lng) {
			lng++;
			say(p, &p->lim_long, LOG_WARNING, "skipped a line "
			    "longer than %d bytes", PFLOG_LINE_MAX);
			continue;
		}
		k = p->o.classify(l->p, l->len, p->o.popts, p->o.copts, &r);
		dropped += r.log_dropped;
		if (k == PFLOG_MALFORMED) {
			malformed++;
			continue;
		}
		if (k != PFLOG_POSTFIX)
			continue;
		postfix++;
		m = r.mult > 0 ? r.mult : 1;
		for (j = 0; j < r.n; j++)
			store_add(p->st, r.inc[j].key, r.inc[j].transport, m);
		if (r.n > 0)
			counted++;
		if (r.excluded)
			excluded++;
		if (r.unparsed) {
			char esc[256];

			unparsed++;
			say(p, &p->lim_unparsed, LOG_WARNING, "Postfix line "
			    "not understood: %s",
			    log_escape(esc, sizeof(esc), l->p, l->len));
		}
	}
	add(p, KEY_SELF_LINES, b->n);
	add(p, KEY_SELF_LINES_POSTFIX, postfix);
	add(p, KEY_SELF_LINES_COUNTED, counted);
	add(p, KEY_SELF_LINES_MALFORMED, malformed);
	add(p, KEY_SELF_LINES_UNPARSED, unparsed);
	add(p, KEY_SELF_LINES_LONG, lng);
	add(p, KEY_SELF_LINES_EXCLUDED, excluded);
	add(p, KEY_SELF_LOG_DROPPED, dropped);
	if (b->n > 0)
		store_set(p->st, KEY_SELF_LAST_LINE,
		    (uint64_t)p->clk.wall(p->clk.arg));
}

/* May a commit be attempted now (spacing, retry)? */
static int
may_commit(const struct pump *p, uint64_t now)
{
	if (p->failing)
		return now - p->last_fail >= PUMP_RETRY_MS;
	return now - p->last_commit >= PUMP_COMMIT_MIN_MS;
}

/* A finished queue sample: the queue: gauges, or a counted, logged failure. */
static void
queue_done(struct pump *p)
{
	static const int gauge[QSAMPLE_NQUEUES] = {
		[QSAMPLE_ACTIVE] = KEY_QUEUE_ACTIVE,
		[QSAMPLE_DEFERRED] = KEY_QUEUE_DEFERRED,
		[QSAMPLE_HOLD] = KEY_QUEUE_HOLD,
		[QSAMPLE_INCOMING] = KEY_QUEUE_INCOMING,
		[QSAMPLE_MAILDROP] = KEY_QUEUE_MAILDROP,
	};
	struct qsample_counts c;
	const char *why;
	char esc[256];
	int64_t now = p->clk.wall(p->clk.arg);
	int rc, i;

	rc = qsample_result(p->o.qs, &c, &why);
	if (rc != QSAMPLE_OK) {
		/* No made-up value: the gauges and their time stay as they were. */
		add(p, KEY_SELF_QUEUE_ERRORS, 1);
		say(p, &p->lim_queue, LOG_WARNING, "queue sample failed: %s: "
		    "%s; the queue: gauges keep the last good sample",
		    qsample_strerror(rc),
		    log_escape(esc, sizeof(esc), why, strlen(why)));
		p->queue_failing = 1;
		return;
	}
	if (p->queue_failing)
		say(p, NULL, LOG_INFO, "queue samples work again");
	p->queue_failing = 0;
	for (i = 0; i < QSAMPLE_NQUEUES; i++)
		store_set(p->st, gauge[i], c.n[i]);
	store_set(p->st, KEY_QUEUE_OLDEST_DEFERRED_AGE,
	    c.oldest_deferred > 0 && c.oldest_deferred < now
	    ? (uint64_t)(now - c.oldest_deferred) : 0);
	store_set(p->st, KEY_SELF_QUEUE_SAMPLED, (uint64_t)now);
	add(p, KEY_SELF_QUEUE_SAMPLES, 1);
}

/* Start a due queue sample and take in its output: never blocks. */
static void
queue_step(struct pump *p)
{
	uint64_t now = mono(p);

	if (p->o.qs == NULL)
		return;
	if (qsample_due(p->o.qs, now))
		qsample_start(p->o.qs, now);
	if (qsample_read(p->o.qs, now)) {
		queue_done(p);
		note_dirty(p, mono(p));
	}
}

int
pump_step(struct pump *p)
{
	uint64_t now = mono(p);
	int rc;

	queue_step(p);
	if (now - p->last_check >= PUMP_CHECK_MS) {
		p->last_check = now;
		check_db(p, now);
	}
	rc = source_next(p->src, &p->batch);
	now = mono(p);
	if (rc == SOURCE_OK) {
		count_batch(p);
		note_dirty(p, now);
		if (p->dirty && now - p->dirty_since >= PUMP_COMMIT_MAX_MS
		    && may_commit(p, now))
			(void)commit(p, now);
		return PUMP_BUSY;
	}
	if (rc == SOURCE_END)
		return PUMP_DONE;
	if (rc != SOURCE_AGAIN) {
		add(p, KEY_SELF_ERRORS, 1);
		say(p, &p->lim_source, LOG_ERR, "reading the %s source: error "
		    "%d; will retry", p->src->ops->kind, rc);
	}
	/* Caught up: commit now (if due), or a heartbeat if one is due. */
	take_stats(p);
	note_dirty(p, now);
	if ((p->dirty || !p->beat || p->failing
	    || now - p->last_commit >= PUMP_HEARTBEAT_MS) && may_commit(p, now))
		(void)commit(p, now);
	return PUMP_IDLE;
}

static uint64_t
until(uint64_t now, uint64_t since, uint64_t period)
{
	return now - since >= period ? 0 : since + period - now;
}

int
pump_timeout(struct pump *p)
{
	uint64_t now = mono(p), t;

	t = until(now, p->last_check, PUMP_CHECK_MS);
	if (p->failing) {
		uint64_t r = until(now, p->last_fail, PUMP_RETRY_MS);

		t = r < t ? r : t;
	} else {
		uint64_t c = p->dirty || !p->beat ? until(now, p->last_commit,
		    PUMP_COMMIT_MIN_MS) : until(now, p->last_commit,
		    PUMP_HEARTBEAT_MS);

		t = c < t ? c : t;
	}
	return (int)t;
}

int
pump_wait(struct pump *p)
{
	struct pollfd fds[2];
	int timeout = pump_timeout(p), fd, rc, saved;
	nfds_t n = 0;

	fd = source_pollfd(p->src, &timeout);
	if (fd >= 0) {
		fds[n].fd = fd;
		fds[n].events = POLLIN;
		fds[n].revents = 0;
		n++;
	}
	if (p->o.qs != NULL) {
		int qt = qsample_timeout(p->o.qs, mono(p));

		if (timeout < 0 || qt < timeout)
			timeout = qt;
		if ((fd = qsample_fd(p->o.qs)) >= 0) {
			fds[n].fd = fd;
			fds[n].events = POLLIN;
			fds[n].revents = 0;
			n++;
		}
	}
	rc = poll(fds, n, timeout);
	saved = errno;
	source_woken(p->src);
	errno = saved;
	return rc;
}

void
pump_reopen(struct pump *p)
{
	source_reopen(p->src);
}

int
pump_finish(struct pump *p)
{
	uint64_t now = mono(p);

	take_stats(p);
	note_dirty(p, now);
	/* At least one commit a run: the heartbeat, and where the source is. */
	if (!p->dirty && !p->failing && p->beat)
		return STORE_OK;
	return commit(p, now);
}
