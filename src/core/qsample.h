/* SPDX-License-Identifier: ISC */
/*
 * qsample.h - sample Postfix's queues through `postqueue -j`, without blocking
 *
 * One sample runs a child (`postqueue [-c DIR] -j`, no shell) whose output
 * is read from a non-blocking pipe and counted as it arrives, one JSON
 * object at a time. The caller polls qsample_fd() with the other fds of
 * its loop, never sleeping longer than qsample_timeout(), and calls
 * qsample_due()/qsample_start() and qsample_read(); when qsample_read()
 * says a sample finished, qsample_result() hands it over. Samples never
 * overlap. Times are monotonic milliseconds given by the caller.
 */
#ifndef QSAMPLE_H
#define QSAMPLE_H

#include <stddef.h>
#include <stdint.h>

struct qsample;

/* The queues postqueue -j names in "queue_name". */
enum qsample_queue {
	QSAMPLE_ACTIVE,
	QSAMPLE_DEFERRED,
	QSAMPLE_HOLD,
	QSAMPLE_INCOMING,
	QSAMPLE_MAILDROP,
	QSAMPLE_NQUEUES
};

#define QSAMPLE_POSTQUEUE	"/usr/sbin/postqueue"
#define QSAMPLE_LIMIT_MAX	30	/* default time limit, seconds */
#define QSAMPLE_OBJ_MAX		(16u << 20)	/* largest object (one message) */

struct qsample_opts {
	const char	*postqueue;	/* the program; NULL: QSAMPLE_POSTQUEUE */
	const char	*config_dir;	/* postqueue -c DIR; NULL: default instance */
	unsigned	 interval;	/* seconds from one start to the next, > 0 */
	unsigned	 limit;		/* seconds before the child is killed;
					   0: the interval, at most QSAMPLE_LIMIT_MAX */
};

/* One good sample. */
struct qsample_counts {
	uint64_t	 n[QSAMPLE_NQUEUES];	/* messages per queue */
	uint64_t	 other;		/* messages in a queue not named above */
	int64_t		 oldest_deferred;	/* arrival_time (Unix time) of the
					   oldest deferred message; 0: none */
	uint64_t	 ms;		/* how long the sample took */
};

enum {
	QSAMPLE_OK = 0,
	QSAMPLE_ESYS = -1,	/* pipe or fork failed */
	QSAMPLE_EEXIT = -2,	/* postqueue failed (exit status, signal, cannot run) */
	QSAMPLE_ETIMEOUT = -3,	/* killed after the time limit */
	QSAMPLE_EJSON = -4,	/* output that is not one JSON object per message */
	QSAMPLE_EINVAL = -5	/* bad options */
};

/* qsample_new: a sampler (nothing runs yet; the first sample is due at once). */
int	qsample_new(struct qsample **qp, const struct qsample_opts *o);
/* qsample_free: kill and reap a running child, free everything. */
void	qsample_free(struct qsample *q);
/* qsample_due: 1 when no sample runs or waits to be taken and the next one is due at NOW. */
int	qsample_due(const struct qsample *q, uint64_t now);
/* qsample_start: start a sample; a failure to start is the sample's result (qsample_read says 1). */
void	qsample_start(struct qsample *q, uint64_t now);
/* qsample_fd: the fd to poll for POLLIN while a sample runs, else -1. */
int	qsample_fd(const struct qsample *q);
/* qsample_timeout: ms until the sampler needs qsample_due()/qsample_read() again (>= 0). */
int	qsample_timeout(const struct qsample *q, uint64_t now);
/* qsample_read: take in what the child wrote (bounded work), enforce the limit; 1 when a result waits. */
int	qsample_read(struct qsample *q, uint64_t now);
/* qsample_result: the finished sample: QSAMPLE_OK and *C, or an error; *WHY: detail ("" if none), valid until the next start. */
int	qsample_result(struct qsample *q, struct qsample_counts *c, const char **why);
/* qsample_next_due: when the next sample is due (after back-off). */
uint64_t qsample_next_due(const struct qsample *q);
/* qsample_strerror: text for a QSAMPLE_ code. */
const char *qsample_strerror(int code);

/*
 * The JSON counting alone, for tests: feed postqueue's output in any
 * pieces; qsample_feed returns QSAMPLE_OK or QSAMPLE_EJSON.
 */
struct qsample_parser;
int	qsample_parser_new(struct qsample_parser **pp);
void	qsample_parser_free(struct qsample_parser *p);
int	qsample_feed(struct qsample_parser *p, const char *buf, size_t len);
/* qsample_parser_end: the output ended; QSAMPLE_EJSON if an object was cut short. */
int	qsample_parser_end(struct qsample_parser *p, struct qsample_counts *c);
/* qsample_parser_error: what was wrong with the JSON, or "". */
const char *qsample_parser_error(const struct qsample_parser *p);

#endif
