/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	fuzz_follow - libFuzzer harness for the follower's line assembly
 * DESCRIPTION
 *	The input is turned into the bytes of a log (CONTENT) and a way to
 *	write it: CONTENT is appended in chunks (their sizes drawn from the
 *	input) to a log file in a private directory, or written to a pipe that
 *	stands for standard input, and follow_next_line() is called between
 *	the appends. What it hands out must be CONTENT split at '\n':
 *
 *	- a piece of PFLOG_LINE_MAX bytes or more (counting a '\r' before
 *	  the '\n') is one FOLLOW_LONG;
 *	- any other piece is one FOLLOW_LINE, without a trailing '\r';
 *	- a final piece without a newline is not handed out while the file is
 *	  the current log; at the end of standard input, or once the log was
 *	  rotated away (rename, and create with one line in it), it is handed
 *	  out like the others, and then the new log's line;
 *	- follow_position() is just after the last line handed out, with the
 *	  fingerprint of the file's first bytes.
 *
 *	Without FOLLOW_FROM_START (mode bit) the follower is opened after the
 *	first chunk was written and must start after its last complete line.
 *	With MODE_RESTART it is closed now and then and opened again with the
 *	position it gave: no line may be lost or handed out twice.
 *
 *	Input layout: byte 0 holds the mode bits; the content is the rest,
 *	"stretched" when MODE_STRETCH is set (0x01 N stands for (N + 1) * 128
 *	bytes 'A', so that small inputs make lines over the limit); chunk
 *	sizes and the number of follow_next_line() calls between appends are
 *	read from the input backwards, cyclically.
 *	A mismatch is a __builtin_trap().
 */
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

#include "filesrc.h"
#include "pflog.h"
#include "rotation.h"

/*
 * The harness was written for the round-1 follower's one-line-at-a-time
 * interface; this adapter hands out the file source's batches that way.
 * A position is only taken between batches (flush() first).
 */
enum { FOLLOW_AGAIN = 0, FOLLOW_LINE = 1, FOLLOW_LONG = 2, FOLLOW_EOF = 3 };
#define FOLLOW_FROM_START	SOURCE_FROM_START

struct follow {
	struct source		*s;
	struct source_batch	 b;
	size_t			 i;
};

struct fpos {
	unsigned char	b[SOURCE_POS_MAX];
	size_t		len;
	uint64_t	offset, fp;
	uint32_t	fp_len;
};

static uint64_t
le(const unsigned char *b, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | b[n];
	return v;
}

static int
follow_open(struct follow **fp, const char *path, const struct fpos *pos,
    int flags, void *n, void *a)
{
	struct filesrc_opts o = { path, NULL, flags };
	struct follow *f = calloc(1, sizeof(*f));

	(void)n;
	(void)a;
	if (f == NULL)
		abort();
	if (filesrc_open(&f->s, &o, pos ? pos->b : NULL, pos ? pos->len : 0,
	    NULL, NULL) != 0) {
		free(f);
		return -1;
	}
	*fp = f;
	return 0;
}

static void
follow_close(struct follow *f)
{
	source_close(f->s);
	free(f);
}

static int
follow_next_line(struct follow *f, const char **line, size_t *len)
{
	int rc;

	if (f->i >= f->b.n) {
		f->b.n = f->i = 0;
		rc = source_next(f->s, &f->b);
		if (rc == SOURCE_END)
			return FOLLOW_EOF;
		if (rc != SOURCE_OK)
			return FOLLOW_AGAIN;
	}
	*line = f->b.line[f->i].p;
	*len = f->b.line[f->i].len;
	return f->b.line[f->i++].lng ? FOLLOW_LONG : FOLLOW_LINE;
}

static void
follow_wait(struct follow *f, int ms)
{
	(void)ms;
	source_woken(f->s);
}

static void
follow_reopen(struct follow *f)
{
	source_reopen(f->s);
}

static int
follow_position(struct follow *f, struct fpos *pos)
{
	CHECK(f->i >= f->b.n);
	if (source_position(f->s, pos->b, &pos->len) != 0 || pos->len == 0)
		return 0;
	CHECK(pos->len == 72);
	pos->offset = le(pos->b + 24, 8);
	pos->fp = le(pos->b + 32, 8);
	pos->fp_len = (uint32_t)le(pos->b + 40, 4);
	return 1;
}


#define MODE_HOW	0x03	/* 0, 1: file; 2: file, rotated at the end; 3: pipe */
#define MODE_WAIT	0x04	/* follow_wait(f, 0) between appends */
#define MODE_STRETCH	0x08	/* expand 0x01 N runs */
#define MODE_TAIL	0x10	/* no FOLLOW_FROM_START: open after chunk 1 */
#define MODE_DRAIN	0x20	/* drain completely between appends */
#define MODE_INOTIFY	0x40	/* let the follower have inotify */
#define MODE_RESTART	0x80	/* close and reopen at the saved position */

#define CONTENT_MAX	(1024 * 1024)
#define CHUNKS_MAX	256	/* appends per input */
#define RESTARTS_MAX	8	/* MODE_RESTART reopens per input */
#define FP_MAX		1024	/* as in filesrc.c */

/*
 * Closing an inotify instance takes milliseconds (the kernel waits for a
 * grace period), which would make this harness ten times slower. This
 * inotify_init1() overrides the C library's: the follower gets inotify
 * only with MODE_INOTIFY, else it polls (its fallback).
 */
static int use_inotify;

int	inotify_init1(int);

int
inotify_init1(int flags)
{
	if (!use_inotify) {
		errno = ENOSYS;
		return -1;
	}
	return (int)syscall(SYS_inotify_init1, flags);
}

static char dir[PATH_MAX], logpath[PATH_MAX + 16], oldpath[PATH_MAX + 16];
static char *content;

static void
cleanup(void)
{
	unlink(logpath);
	unlink(oldpath);
	rmdir(dir);
}

static void
init(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/fuzz_follow.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(logpath, sizeof(logpath), "%s/mail.log", dir);
	snprintf(oldpath, sizeof(oldpath), "%s/mail.log.1", dir);
	if ((content = malloc(CONTENT_MAX)) == NULL)
		abort();
	atexit(cleanup);
}

/* What the follower must hand out, and what it did so far. */
struct oracle {
	const char	*c;
	size_t		 len;		/* of content */
	size_t		 at;		/* start of the next expected piece */
	int		 final;		/* the last piece without '\n' counts */
};

/* Compare one event RC (LINE, LONG) with the next expected piece. */
static void
expect(struct oracle *o, int rc, const char *line, size_t len)
{
	const char *p = o->c + o->at, *nl;
	size_t rest = o->len - o->at, raw, l;

	CHECK(rc == FOLLOW_LINE || rc == FOLLOW_LONG);
	CHECK(rest > 0);
	nl = memchr(p, '\n', rest);
	if (nl == NULL) {
		/* Only a rotated file or a stream hands out its last piece. */
		CHECK(o->final);
		raw = rest;
		o->at = o->len;
	} else {
		raw = (size_t)(nl - p);
		o->at += raw + 1;
	}
	if (raw >= PFLOG_LINE_MAX) {
		CHECK(rc == FOLLOW_LONG);
		return;
	}
	CHECK(rc == FOLLOW_LINE);
	l = raw;
	if (l > 0 && p[l - 1] == '\r')
		l--;
	CHECK(len == l);
	CHECK(len == 0 || memcmp(line, p, len) == 0);
}

/* Hand the rest of the current batch to the oracle. */
static void
flush(struct follow *f, struct oracle *o)
{
	while (f->i < f->b.n) {
		const struct source_line *l = &f->b.line[f->i++];

		expect(o, l->lng ? FOLLOW_LONG : FOLLOW_LINE, l->p, l->len);
	}
}

/* The position is right after the last line handed out. */
static void
check_pos(struct follow *f, struct oracle *o, size_t written)
{
	struct fpos pos;
	size_t n = written < FP_MAX ? written : FP_MAX;

	flush(f, o);
	CHECK(follow_position(f, &pos) == 1);
	CHECK(pos.offset == o->at);
	CHECK(pos.fp_len <= n);
	CHECK(pos.fp_len >= (o->at < FP_MAX ? o->at : FP_MAX));
	CHECK(pos.fp == rotation_hash(ROTATION_HASH_INIT, o->c, pos.fp_len));
}

/* Close F and open it again where it left off, as after a restart. */
static void
restart(struct follow **fp, struct oracle *o)
{
	struct fpos pos;

	flush(*fp, o);
	CHECK(follow_position(*fp, &pos) == 1);
	follow_close(*fp);
	CHECK(follow_open(fp, logpath, &pos, 0, NULL, NULL) == 0);
}

/* Call follow_next_line() up to MAX times (0: until FOLLOW_AGAIN). */
static int
pull(struct follow *f, struct oracle *o, unsigned max, int stream)
{
	const char *line;
	size_t len;
	unsigned i;
	int rc;

	for (i = 0; max == 0 || i < max; i++) {
		line = NULL;
		len = (size_t)-1;
		rc = follow_next_line(f, &line, &len);
		if (rc == FOLLOW_AGAIN || rc == FOLLOW_EOF) {
			CHECK(rc == FOLLOW_AGAIN || stream);
			return rc;
		}
		expect(o, rc, line, len);
	}
	return FOLLOW_AGAIN;
}

static size_t
stretch(const uint8_t *d, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n && o < CONTENT_MAX; i++) {
		if (d[i] == 0x01 && i + 1 < n) {
			size_t k = ((size_t)d[i + 1] + 1) * 128;

			if (k > CONTENT_MAX - o)
				k = CONTENT_MAX - o;
			memset(out + o, 'A', k);
			o += k;
			i++;
		} else {
			out[o++] = (char)d[i];
		}
	}
	return o;
}

/* Write all of P to FD; for a pipe, read lines whenever it is full. */
static void
put(int fd, const char *p, size_t n, struct follow *f, struct oracle *o,
    int stream)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EAGAIN && stream && f != NULL) {
			(void)pull(f, o, 0, stream);
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		CHECK(w > 0);
		p += w;
		n -= (size_t)w;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct follow *f = NULL;
	struct oracle o;
	unsigned mode, how;
	size_t len, off = 0, ctl = 0, nchunk = 0, nrestart = 0;
	int wfd, stream, pfd[2], saved_stdin = -1, rc;

	if (content == NULL)
		init();
	if (size < 1)
		return 0;
	mode = data[0];
	use_inotify = (mode & MODE_INOTIFY) != 0;
	how = mode & MODE_HOW;
	stream = how == 3;
	if (mode & MODE_STRETCH)
		len = stretch(data + 1, size - 1, content);
	else {
		len = size - 1 < CONTENT_MAX ? size - 1 : CONTENT_MAX;
		memcpy(content, data + 1, len);
	}
	memset(&o, 0, sizeof(o));
	o.c = content;
	o.len = len;
	o.final = how >= 2;

	if (stream) {
		if (pipe(pfd) < 0)
			abort();
		saved_stdin = dup(STDIN_FILENO);
		if (dup2(pfd[0], STDIN_FILENO) < 0)
			abort();
		close(pfd[0]);
		wfd = pfd[1];
		(void)fcntl(wfd, F_SETFL, O_NONBLOCK);
		if (follow_open(&f, "-", NULL, FOLLOW_FROM_START, NULL,
		    NULL) != 0)
			abort();
	} else {
		unlink(oldpath);
		wfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND,
		    0600);
		if (wfd < 0)
			abort();
		if (!(mode & MODE_TAIL) && follow_open(&f, logpath, NULL,
		    FOLLOW_FROM_START, NULL, NULL) != 0)
			abort();
	}

	while (off < len) {
		uint8_t b = data[size - 1 - (ctl++ % size)];
		uint8_t c = data[size - 1 - (ctl++ % size)];
		size_t n;

		/* Mostly small chunks, sometimes big ones. */
		if (b < 192)
			n = (size_t)b + 1;
		else
			n = ((size_t)(b - 191) << 10) + c;
		/* Bounded work per input: the rest in one go. */
		if (n > len - off || nchunk >= CHUNKS_MAX)
			n = len - off;
		put(wfd, content + off, n, f, &o, stream);
		off += n;
		if (f == NULL) {
			/* Start at the end: after the last complete line. */
			const char *nl = NULL;
			size_t i;

			for (i = off; i > 0; i--)
				if (content[i - 1] == '\n') {
					nl = content + i - 1;
					break;
				}
			o.at = nl != NULL ? (size_t)(nl - content) + 1 : 0;
			if (follow_open(&f, logpath, NULL, 0, NULL, NULL) != 0)
				abort();
		}
		if ((mode & MODE_WAIT) && !stream)
			follow_wait(f, 0);
		(void)pull(f, &o, (mode & MODE_DRAIN) ? 0 : c & 3, stream);
		if (!stream && (nchunk & 7) == 0)
			check_pos(f, &o, off);
		nchunk++;
		if (!stream && (mode & MODE_RESTART) && (c & 0x1c) == 0
		    && nrestart++ < RESTARTS_MAX)
			restart(&f, &o);
	}
	if (f == NULL) {
		/* Empty content, tail mode. */
		if (follow_open(&f, logpath, NULL, 0, NULL, NULL) != 0)
			abort();
	}

	switch (how) {
	case 0:
	case 1:
		if (mode & MODE_WAIT)
			follow_wait(f, 0);
		CHECK(pull(f, &o, 0, 0) == FOLLOW_AGAIN);
		check_pos(f, &o, len);
		/* Only the final piece without '\n' is left. */
		CHECK(memchr(content + o.at, '\n', len - o.at) == NULL);
		close(wfd);
		break;
	case 2:
		/* Everything complete first, then rotate: the rest is a line. */
		CHECK(pull(f, &o, 0, 0) == FOLLOW_AGAIN);
		check_pos(f, &o, len);
		CHECK(memchr(content + o.at, '\n', len - o.at) == NULL);
		close(wfd);
		if (rename(logpath, oldpath) < 0)
			abort();
		/* The new log has a line: the old one is not waited for. */
		if ((wfd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC,
		    0600)) < 0)
			abort();
		put(wfd, "rotated\n", 8, NULL, NULL, 0);
		close(wfd);
		follow_reopen(f);
		if (o.at < o.len)
			(void)pull(f, &o, 1, 0);
		CHECK(o.at == o.len);
		o.c = "rotated\n";
		o.len = 8;
		o.at = 0;
		CHECK(pull(f, &o, 0, 0) == FOLLOW_AGAIN);
		CHECK(o.at == o.len);
		break;
	case 3:
		close(wfd);
		while ((rc = pull(f, &o, 0, 1)) == FOLLOW_AGAIN)
			;
		CHECK(rc == FOLLOW_EOF);
		CHECK(o.at == o.len);
		break;
	}
	follow_close(f);
	if (stream) {
		dup2(saved_stdin, STDIN_FILENO);
		close(saved_stdin);
	}
	return 0;
}
