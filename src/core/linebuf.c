/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	linebuf - complete lines out of bytes that arrive in pieces
 * SYNOPSIS
 *	#include "linebuf.h"
 * DESCRIPTION
 *	The caller reads into linebuf_room() and says how much with
 *	linebuf_added(); linebuf_get() hands out each complete line, without
 *	its '\n' and one '\r' before it, and how many input bytes it used, so
 *	that the caller's position only ever moves past whole lines. A last
 *	line without its newline waits; linebuf_finish() hands it out when no
 *	more bytes will come.
 *
 *	A line of PFLOG_LINE_MAX bytes or more (its '\r' included) is not
 *	kept: its bytes are dropped as they come and it is handed out once,
 *	with lng set and no text, when its newline arrives. How the writer
 *	split it does not matter.
 *
 *	Lines handed out stay valid until linebuf_compact(), which the caller
 *	runs before a new batch. The last LINEBUF_HIST bytes before the end of
 *	the last line are kept across compactions (linebuf_tail()): the file
 *	source hashes them into its position.
 * DIAGNOSTICS
 *	None: no I/O, no allocation after linebuf_init().
 * SECURITY
 *	The bytes are untrusted; every line is bounded by PFLOG_LINE_MAX.
 */
#include <stdlib.h>
#include <string.h>

#include "linebuf.h"
#include "pflog.h"

int
linebuf_init(struct linebuf *lb, size_t chunk)
{
	memset(lb, 0, sizeof(*lb));
	lb->cap = chunk + PFLOG_LINE_MAX + LINEBUF_HIST;
	if ((lb->buf = malloc(lb->cap)) == NULL)
		return -1;
	return 0;
}

void
linebuf_free(struct linebuf *lb)
{
	free(lb->buf);
	lb->buf = NULL;
}

void
linebuf_reset(struct linebuf *lb)
{
	lb->lo = lb->start = lb->end = lb->last = 0;
	lb->discarding = 0;
	lb->skipped = 0;
}

void
linebuf_history(struct linebuf *lb, const void *p, size_t n)
{
	if (n > LINEBUF_HIST) {
		p = (const char *)p + (n - LINEBUF_HIST);
		n = LINEBUF_HIST;
	}
	linebuf_reset(lb);
	memcpy(lb->buf, p, n);
	lb->start = lb->end = lb->last = n;
}

void
linebuf_compact(struct linebuf *lb)
{
	size_t from, shift;

	/* Keep what is unread and a little history before it. */
	from = lb->start - lb->lo > LINEBUF_HIST
	    ? lb->start - LINEBUF_HIST : lb->lo;
	if (from == 0)
		return;
	shift = from;
	memmove(lb->buf, lb->buf + from, lb->end - from);
	lb->lo = lb->lo > shift ? lb->lo - shift : 0;
	lb->start -= shift;
	lb->end -= shift;
	lb->last = lb->last > shift ? lb->last - shift : 0;
	if (lb->last < lb->lo)
		lb->last = lb->lo;
}

size_t
linebuf_room(struct linebuf *lb, char **p)
{
	*p = lb->buf + lb->end;
	return lb->cap - lb->end;
}

void
linebuf_added(struct linebuf *lb, size_t n)
{
	lb->end += n;
}

/* Drop the bytes of a line that is already too long. */
static void
discard(struct linebuf *lb)
{
	lb->skipped += lb->end - lb->start;
	lb->discarding = 1;
	lb->start = lb->end;
}

/*
 * Hand out the line P (LEN bytes, no newline) as L: a skipped long line
 * when it was over the limit, else without a final CR. Returns 1.
 */
static int
emit(struct linebuf *lb, struct source_line *l, const char *p, size_t len)
{
	if (lb->discarding || len >= PFLOG_LINE_MAX) {
		lb->discarding = 0;
		lb->skipped = 0;
		l->p = NULL;
		l->len = 0;
		l->lng = 1;
		return 1;
	}
	if (len > 0 && p[len - 1] == '\r')
		len--;
	l->p = p;
	l->len = len;
	l->lng = 0;
	return 1;
}

int
linebuf_get(struct linebuf *lb, struct source_line *l, uint64_t *adv)
{
	const char *p = lb->buf + lb->start, *nl;
	size_t len;

	nl = lb->end > lb->start ? memchr(p, '\n', lb->end - lb->start) : NULL;
	if (nl == NULL) {
		if (lb->discarding || lb->end - lb->start >= PFLOG_LINE_MAX)
			discard(lb);
		return 0;
	}
	len = (size_t)(nl - p);
	*adv = lb->skipped + len + 1;
	lb->start += len + 1;
	lb->last = lb->start;
	return emit(lb, l, p, len);
}

int
linebuf_finish(struct linebuf *lb, struct source_line *l, uint64_t *adv)
{
	const char *p = lb->buf + lb->start;
	size_t len = lb->end - lb->start;

	if (len == 0 && !lb->discarding)
		return 0;
	*adv = lb->skipped + len;
	lb->start = lb->last = lb->end;
	return emit(lb, l, p, len);
}

void
linebuf_tail(const struct linebuf *lb, const char **p, size_t *n)
{
	size_t from = lb->last - lb->lo > LINEBUF_HIST
	    ? lb->last - LINEBUF_HIST : lb->lo;

	*p = lb->buf + from;
	*n = lb->last - from;
}

uint64_t
linebuf_pending(const struct linebuf *lb)
{
	return lb->skipped + (lb->end - lb->start);
}
