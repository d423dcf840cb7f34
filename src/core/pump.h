/* SPDX-License-Identifier: ISC */
/*
 * pump.h - the engine: from a source, through the classifier, into the store
 *
 * A pump reads batches of lines from a source, counts each line (and its
 * self: keys) into the store's one tally, and commits the counts together
 * with the source's position: that pairing is the exactly-once guarantee.
 * It decides when to commit (at most COMMIT_MAX_MS after a line was read
 * while lines flow, no sooner than COMMIT_MIN_MS after the last commit, at
 * once when caught up, every RETRY_MS after a failed commit, with the
 * counts kept in memory meanwhile), keeps the liveness gauges
 * self:heartbeat (at least every HEARTBEAT_MS, also when idle) and
 * self:last_line, and recreates a database deleted under it.
 *
 * The program's loop:
 *
 *	while (!stop) {
 *		rc = pump_step(p);
 *		if (rc == PUMP_DONE)
 *			break;
 *		if (rc == PUMP_IDLE)
 *			pump_wait(p);
 *	}
 *	rc = pump_finish(p);
 *
 * The pump neither owns nor closes the store and the source. It logs
 * nothing: messages go to the notify function (LOG_ levels of syslog.h),
 * rate limited per cause.
 */
#ifndef PUMP_H
#define PUMP_H

#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "pflog.h"
#include "source.h"
#include "store.h"

#define PUMP_COMMIT_MAX_MS	100	/* longest a counted line waits for its commit */
#define PUMP_COMMIT_MIN_MS	20	/* shortest time between two commits */
#define PUMP_RETRY_MS		1000	/* between attempts after a failed commit */
#define PUMP_HEARTBEAT_MS	30000	/* the longest time without a heartbeat commit */
#define PUMP_CHECK_MS		1000	/* how often the database file is checked */

enum {
	PUMP_BUSY = 0,		/* there may be more to read: step again */
	PUMP_IDLE = 1,		/* caught up: pump_wait(), then step again */
	PUMP_DONE = 2		/* the source ended: pump_finish() */
};

/* Clocks, replaceable for tests. */
struct pump_clock {
	uint64_t	(*mono_ms)(void *arg);	/* monotonic milliseconds */
	int64_t		(*wall)(void *arg);	/* Unix time in seconds */
	void		*arg;
};

/* How a line is classified: classify_line() of classify.h. */
typedef enum pflog_kind pump_classify_fn(const char *line, size_t len,
    const struct pflog_opts *popts, const struct classify_opts *copts,
    struct classify_result *out);

struct pump_opts {
	const struct pflog_opts *popts;		/* may be NULL */
	const struct classify_opts *copts;	/* may be NULL */
	const char	*db;			/* the database, for messages */
	const struct pump_clock *clock;		/* NULL: the real clocks */
	pump_classify_fn *classify;		/* NULL: classify_line() */
	struct qsample	*qs;			/* NULL: no queue sampling; else
						   the pump starts samples when
						   due, polls and reads them, and
						   turns each into the queue:
						   gauges (the caller frees it) */
};

struct pump;
struct qsample;

/* pump_open: a pump from SRC into ST; NOTIFY (may be NULL) gets its messages. 0 or -1 (no memory). */
int	pump_open(struct pump **pp, struct store *st, struct source *src,
	    const struct pump_opts *o, source_notify_fn *notify, void *arg);
/* pump_close: free the pump (not the store nor the source); nothing is committed. */
void	pump_close(struct pump *p);

/* pump_step: read at most one batch, count it, commit when due; PUMP_BUSY, _IDLE or _DONE. */
int	pump_step(struct pump *p);
/* pump_timeout: milliseconds until the pump must step again though nothing woke it. */
int	pump_timeout(struct pump *p);
/*
 * pump_wait: poll() the source's descriptor (and a running queue sample's
 * pipe) for at most pump_timeout() (or the sampler's timeout, if sooner),
 * then let the source take in what woke it. Returns poll()'s result (-1
 * with EINTR when a signal came).
 */
int	pump_wait(struct pump *p);
/* pump_reopen: have the source look at its log again (SIGHUP). */
void	pump_reopen(struct pump *p);
/*
 * pump_finish: commit what is pending now (and at least once a run, so that
 * the position and the heartbeat are saved); 0, or the failed STORE_ code.
 */
int	pump_finish(struct pump *p);
/* pump_failing: the last commit failed (counts are being kept in memory). */
int	pump_failing(const struct pump *p);

#endif
