/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	qsample - count the messages in Postfix's queues through postqueue -j
 * SYNOPSIS
 *	#include "qsample.h"
 * DESCRIPTION
 *	A sample forks and executes (no shell) `postqueue [-c DIR] -j` with
 *	stdin on /dev/null and stdout and stderr on two non-blocking pipes.
 *	postqueue asks showq(8), which reads every queue file, and prints one
 *	JSON object per message: {"queue_name": "deferred", "queue_id": ...,
 *	"arrival_time": 1796127262, ...}. The output is fed to json-c's
 *	incremental tokener as it arrives; each object is counted by its
 *	queue_name and freed at once, so memory holds one message's object
 *	(at most QSAMPLE_OBJ_MAX bytes of JSON), whatever the queue's size.
 *	qsample_read() reads at most READ_BUDGET bytes per call, so the
 *	caller's other work (counting log lines) is never starved.
 *
 *	The child gets RLIMIT_CPU (best effort: a seccomp filter may refuse
 *	setrlimit) and the parent kills it with SIGKILL when the time limit
 *	passes. Samples never overlap. The next sample is due INTERVAL after
 *	the start of the last one, but never sooner than four times the last
 *	sample's duration after its end (sampling takes at most a fifth of
 *	the time of showq and the disk), and after N timeouts in a row the
 *	interval is multiplied by 2^N (at most 16).
 * DIAGNOSTICS
 *	Logs nothing. qsample_result() returns QSAMPLE_OK or a QSAMPLE_ code
 *	with a detail string: postqueue's first line on stderr ("postqueue:
 *	fatal: Queue report unavailable - mail system is down"), its exit
 *	status, or what was wrong with the JSON.
 * SECURITY
 *	The program and its arguments come from the administrator's options;
 *	no shell is involved. postqueue's output holds addresses and reply
 *	texts of remote parties: only "queue_name" and "arrival_time" are
 *	used, compared and bounded; the detail string is raw and must be
 *	escaped by whoever logs it. The child gets no fd of ours but its
 *	three standard ones and the default disposition of every signal.
 */
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "qsample.h"

#define READ_CHUNK	16384
#define READ_BUDGET	65536	/* bytes per qsample_read() call: about 1 ms */
#define REAP_POLL_MS	10		/* output closed, child not reaped yet */
#define WHY_MAX		256

static const char *const queue_names[QSAMPLE_NQUEUES] = {
	[QSAMPLE_ACTIVE] = "active",
	[QSAMPLE_DEFERRED] = "deferred",
	[QSAMPLE_HOLD] = "hold",
	[QSAMPLE_INCOMING] = "incoming",
	[QSAMPLE_MAILDROP] = "maildrop",
};

struct qsample_parser {
	struct json_tokener *tok;
	int		 inobj;		/* inside an object: bytes fed, not done */
	size_t		 objbytes;
	struct qsample_counts c;
	char		 err[WHY_MAX];
};

enum { Q_IDLE, Q_RUNNING, Q_DONE };

struct qsample {
	char		*argv[5];
	unsigned	 interval_ms, limit_ms;
	int		 state;
	uint64_t	 next_due, started, deadline;
	unsigned	 timeouts;	/* in a row */
	pid_t		 pid;		/* -1: reaped */
	int		 status;	/* the child's wait status */
	int		 out, err;	/* pipes; -1 when closed */
	int		 rc;		/* the result so far (QSAMPLE_OK: none) */
	struct qsample_parser *p;
	struct qsample_counts res;
	char		 why[WHY_MAX];
	size_t		 whylen;
	char		 buf[READ_CHUNK];
};

/* -------------------------------------------------------------- parsing */

int
qsample_parser_new(struct qsample_parser **pp)
{
	struct qsample_parser *p;

	*pp = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return QSAMPLE_ESYS;
	if ((p->tok = json_tokener_new()) == NULL) {
		free(p);
		return QSAMPLE_ESYS;
	}
	*pp = p;
	return QSAMPLE_OK;
}

void
qsample_parser_free(struct qsample_parser *p)
{
	if (p == NULL)
		return;
	json_tokener_free(p->tok);
	free(p);
}

static void
parser_reset(struct qsample_parser *p)
{
	json_tokener_reset(p->tok);
	p->inobj = 0;
	p->objbytes = 0;
	memset(&p->c, 0, sizeof(p->c));
	p->err[0] = '\0';
}

static int
parse_fail(struct qsample_parser *p, const char *what)
{
	if (p->err[0] == '\0')
		snprintf(p->err, sizeof(p->err), "%s (after %llu messages)",
		    what, (unsigned long long)(p->c.n[0] + p->c.n[1] +
		    p->c.n[2] + p->c.n[3] + p->c.n[4] + p->c.other));
	return QSAMPLE_EJSON;
}

/* Count one message object. */
static int
count_object(struct qsample_parser *p, struct json_object *o)
{
	struct json_object *qn, *at;
	const char *name;
	int64_t t;
	int i;

	if (!json_object_is_type(o, json_type_object)
	    || !json_object_object_get_ex(o, "queue_name", &qn)
	    || !json_object_is_type(qn, json_type_string))
		return parse_fail(p, "an object without a queue_name string");
	name = json_object_get_string(qn);
	for (i = 0; i < QSAMPLE_NQUEUES; i++)
		if (strcmp(name, queue_names[i]) == 0)
			break;
	if (i == QSAMPLE_NQUEUES) {
		p->c.other++;
		return QSAMPLE_OK;
	}
	p->c.n[i]++;
	if (i == QSAMPLE_DEFERRED
	    && json_object_object_get_ex(o, "arrival_time", &at)
	    && json_object_is_type(at, json_type_int)
	    && (t = json_object_get_int64(at)) > 0
	    && (p->c.oldest_deferred == 0 || t < p->c.oldest_deferred))
		p->c.oldest_deferred = t;
	return QSAMPLE_OK;
}

int
qsample_feed(struct qsample_parser *p, const char *buf, size_t len)
{
	struct json_object *o;
	enum json_tokener_error e;
	size_t used;
	int rc;

	if (p->err[0] != '\0')
		return QSAMPLE_EJSON;
	while (len > 0) {
		if (!p->inobj) {
			while (len > 0 && (*buf == '\n' || *buf == ' '
			    || *buf == '\t' || *buf == '\r')) {
				buf++;
				len--;
			}
			if (len == 0)
				break;
			if (*buf != '{')
				return parse_fail(p, "output that is not a "
				    "JSON object");
			p->inobj = 1;
			p->objbytes = 0;
		}
		o = json_tokener_parse_ex(p->tok, buf, (int)(len > INT32_MAX
		    ? INT32_MAX : len));
		e = json_tokener_get_error(p->tok);
		used = json_tokener_get_parse_end(p->tok);
		if (o == NULL) {
			if (e != json_tokener_continue)
				return parse_fail(p,
				    json_tokener_error_desc(e));
			p->objbytes += used;
			if (p->objbytes > QSAMPLE_OBJ_MAX)
				return parse_fail(p, "a message object larger "
				    "than the limit");
			buf += used;
			len -= used;
			continue;
		}
		rc = count_object(p, o);
		json_object_put(o);
		if (rc != QSAMPLE_OK)
			return rc;
		p->inobj = 0;
		buf += used;
		len -= used;
	}
	return QSAMPLE_OK;
}

int
qsample_parser_end(struct qsample_parser *p, struct qsample_counts *c)
{
	if (p->err[0] != '\0')
		return QSAMPLE_EJSON;
	if (p->inobj)
		return parse_fail(p, "output ends inside an object");
	if (c != NULL)
		*c = p->c;
	return QSAMPLE_OK;
}

const char *
qsample_parser_error(const struct qsample_parser *p)
{
	return p->err;
}

/* -------------------------------------------------------------- sampling */

int
qsample_new(struct qsample **qp, const struct qsample_opts *o)
{
	struct qsample *q;
	int i = 0;

	*qp = NULL;
	if (o->interval == 0 || o->interval > 86400 * 7
	    || o->limit > 86400)
		return QSAMPLE_EINVAL;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return QSAMPLE_ESYS;
	if (qsample_parser_new(&q->p) != QSAMPLE_OK) {
		free(q);
		return QSAMPLE_ESYS;
	}
	q->argv[i++] = (char *)(o->postqueue != NULL ? o->postqueue
	    : QSAMPLE_POSTQUEUE);
	if (o->config_dir != NULL) {
		q->argv[i++] = (char *)"-c";
		q->argv[i++] = (char *)o->config_dir;
	}
	q->argv[i++] = (char *)"-j";
	q->argv[i] = NULL;
	q->interval_ms = o->interval * 1000;
	q->limit_ms = (o->limit != 0 ? o->limit : o->interval
	    < QSAMPLE_LIMIT_MAX ? o->interval : QSAMPLE_LIMIT_MAX) * 1000;
	q->state = Q_IDLE;
	q->pid = -1;
	q->out = q->err = -1;
	*qp = q;
	return QSAMPLE_OK;
}

static void
close_fd(int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
}

static void
kill_child(struct qsample *q)
{
	if (q->pid > 0)
		(void)kill(q->pid, SIGKILL);
}

void
qsample_free(struct qsample *q)
{
	if (q == NULL)
		return;
	close_fd(&q->out);
	close_fd(&q->err);
	if (q->pid > 0) {
		kill_child(q);
		while (waitpid(q->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	qsample_parser_free(q->p);
	free(q);
}

int
qsample_due(const struct qsample *q, uint64_t now)
{
	return q->state == Q_IDLE && now >= q->next_due;
}

uint64_t
qsample_next_due(const struct qsample *q)
{
	return q->next_due;
}

static void
set_why(struct qsample *q, const char *s)
{
	snprintf(q->why, sizeof(q->why), "%s", s);
	q->whylen = strlen(q->why);
}

/* In the child: never returns. */
static void
child(struct qsample *q, int out[2], int err[2])
{
	struct rlimit rl;
	sigset_t none;
	int nul, sig;

	for (sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if ((nul = open("/dev/null", O_RDONLY)) < 0
	    || dup2(nul, STDIN_FILENO) < 0
	    || dup2(out[1], STDOUT_FILENO) < 0
	    || dup2(err[1], STDERR_FILENO) < 0)
		_exit(126);
	(void)close_range(STDERR_FILENO + 1, ~0u, 0);
	/* Best effort: the parent's SIGKILL is the real limit. */
	rl.rlim_cur = q->limit_ms / 1000 + 1;
	rl.rlim_max = rl.rlim_cur + 1;
	(void)setrlimit(RLIMIT_CPU, &rl);
	execv(q->argv[0], q->argv);
	dprintf(STDERR_FILENO, "cannot execute %s: %s\n", q->argv[0],
	    strerror(errno));
	_exit(127);
}

void
qsample_start(struct qsample *q, uint64_t now)
{
	int out[2] = { -1, -1 }, err[2] = { -1, -1 };

	if (q->state != Q_IDLE)
		return;
	parser_reset(q->p);
	memset(&q->res, 0, sizeof(q->res));
	q->why[0] = '\0';
	q->whylen = 0;
	q->rc = QSAMPLE_OK;
	q->status = 0;
	q->started = now;
	q->deadline = now + q->limit_ms;
	q->state = Q_RUNNING;
	/* Only our ends are non-blocking: the child writes as to any pipe. */
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0
	    || fcntl(out[0], F_SETFL, O_NONBLOCK) < 0
	    || fcntl(err[0], F_SETFL, O_NONBLOCK) < 0
	    || (q->pid = fork()) < 0) {
		q->rc = QSAMPLE_ESYS;
		set_why(q, strerror(errno));
		close_fd(&out[0]);
		close_fd(&out[1]);
		close_fd(&err[0]);
		close_fd(&err[1]);
		q->pid = -1;
		(void)qsample_read(q, now);
		return;
	}
	if (q->pid == 0)
		child(q, out, err);
	close(out[1]);
	close(err[1]);
	q->out = out[0];
	q->err = err[0];
}

int
qsample_fd(const struct qsample *q)
{
	return q->state == Q_RUNNING ? q->out : -1;
}

int
qsample_timeout(const struct qsample *q, uint64_t now)
{
	uint64_t until;

	switch (q->state) {
	case Q_IDLE:
		until = q->next_due;
		break;
	case Q_RUNNING:
		if (q->out < 0)
			return REAP_POLL_MS;
		until = q->deadline;
		break;
	default:
		return 0;
	}
	if (until <= now)
		return 0;
	return until - now > 86400000 ? 86400000 : (int)(until - now);
}

/* Keep the first line postqueue writes to stderr; drain the rest. */
static void
read_stderr(struct qsample *q)
{
	char b[512];
	ssize_t n;
	size_t i;

	while (q->err >= 0) {
		n = read(q->err, b, sizeof(b));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			close_fd(&q->err);
			return;
		}
		for (i = 0; i < (size_t)n && q->whylen + 1 < sizeof(q->why)
		    && q->rc == QSAMPLE_OK; i++) {
			if (b[i] == '\n') {
				q->whylen = sizeof(q->why);	/* line done */
				break;
			}
			q->why[q->whylen++] = b[i];
			q->why[q->whylen] = '\0';
		}
	}
}

/* Stop reading: the sample has failed with RC. */
static void
fail(struct qsample *q, int rc, const char *why)
{
	if (q->rc == QSAMPLE_OK) {
		q->rc = rc;
		set_why(q, why);
	}
	close_fd(&q->out);
	close_fd(&q->err);
	kill_child(q);
}

static void
read_stdout(struct qsample *q)
{
	size_t total = 0;
	ssize_t n;

	while (q->out >= 0 && total < READ_BUDGET) {
		n = read(q->out, q->buf, sizeof(q->buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			fail(q, QSAMPLE_ESYS, strerror(errno));
			return;
		}
		if (n == 0) {
			close_fd(&q->out);
			return;
		}
		total += (size_t)n;
		if (qsample_feed(q->p, q->buf, (size_t)n) != QSAMPLE_OK)
			fail(q, QSAMPLE_EJSON, qsample_parser_error(q->p));
	}
}

/* The child is gone and its output read: decide. */
static void
finish(struct qsample *q, uint64_t now)
{
	uint64_t took = now - q->started, gap;
	char b[64];

	read_stderr(q);
	close_fd(&q->err);
	if (q->rc == QSAMPLE_OK) {
		if (WIFSIGNALED(q->status)) {
			snprintf(b, sizeof(b), "postqueue was killed by "
			    "signal %d", WTERMSIG(q->status));
			q->rc = QSAMPLE_EEXIT;
			if (q->whylen == 0)
				set_why(q, b);
		} else if (WEXITSTATUS(q->status) != 0) {
			snprintf(b, sizeof(b), "postqueue exited with status "
			    "%d", WEXITSTATUS(q->status));
			q->rc = QSAMPLE_EEXIT;
			if (q->whylen == 0)
				set_why(q, b);
		} else if (qsample_parser_end(q->p, &q->res) != QSAMPLE_OK) {
			q->rc = QSAMPLE_EJSON;
			set_why(q, qsample_parser_error(q->p));
		} else {
			q->why[0] = '\0';	/* warnings of a good sample */
		}
	}
	q->res.ms = took;
	q->timeouts = q->rc == QSAMPLE_ETIMEOUT ? q->timeouts + 1 : 0;
	/* Back off: at least 4 durations idle; doubled after timeouts. */
	gap = q->interval_ms > took ? q->interval_ms - took : 0;
	if (gap < 4 * took)
		gap = 4 * took;
	if (q->timeouts > 0 && gap < (uint64_t)q->interval_ms
	    << (q->timeouts < 4 ? q->timeouts : 4))
		gap = (uint64_t)q->interval_ms
		    << (q->timeouts < 4 ? q->timeouts : 4);
	q->next_due = now + gap;
	q->state = Q_DONE;
}

int
qsample_read(struct qsample *q, uint64_t now)
{
	pid_t r;

	if (q->state == Q_DONE)
		return 1;
	if (q->state != Q_RUNNING)
		return 0;
	read_stderr(q);
	read_stdout(q);
	if (q->pid > 0 && now >= q->deadline) {
		char b[64];

		snprintf(b, sizeof(b), "no answer within %u s; killed",
		    q->limit_ms / 1000);
		fail(q, QSAMPLE_ETIMEOUT, b);
	}
	if (q->out >= 0)
		return 0;
	if (q->pid > 0) {
		while ((r = waitpid(q->pid, &q->status, WNOHANG)) < 0
		    && errno == EINTR)
			;
		if (r == 0)
			return 0;	/* output closed, not exited yet */
		q->pid = -1;
	}
	finish(q, now);
	return 1;
}

int
qsample_result(struct qsample *q, struct qsample_counts *c, const char **why)
{
	int rc;

	if (q->state != Q_DONE) {
		*why = "no sample finished";
		return QSAMPLE_EINVAL;
	}
	q->state = Q_IDLE;
	rc = q->rc;
	if (c != NULL)
		*c = q->res;
	*why = q->why;
	return rc;
}

const char *
qsample_strerror(int code)
{
	switch (code) {
	case QSAMPLE_OK:
		return "ok";
	case QSAMPLE_ESYS:
		return "cannot start postqueue";
	case QSAMPLE_EEXIT:
		return "postqueue failed";
	case QSAMPLE_ETIMEOUT:
		return "postqueue took too long";
	case QSAMPLE_EJSON:
		return "postqueue's output is not what postqueue -j prints";
	case QSAMPLE_EINVAL:
		return "invalid use";
	default:
		return "unknown error";
	}
}
