/* SPDX-License-Identifier: ISC */
/*
 * linebuf.h - assemble complete lines from bytes that arrive in pieces
 */
#ifndef LINEBUF_H
#define LINEBUF_H

#include <stddef.h>
#include <stdint.h>

#include "source.h"

/* Bytes kept before the next unread byte, for the position's tail hash. */
#define LINEBUF_HIST	64

struct linebuf {
	char		*buf;
	size_t		 cap;
	size_t		 lo;	/* first valid byte (history starts here) */
	size_t		 start;	/* first byte not yet handed out or skipped */
	size_t		 end;	/* one past the last byte */
	size_t		 last;	/* one past the last line handed out */
	int		 discarding;	/* inside a line over PFLOG_LINE_MAX */
	uint64_t	 skipped;	/* bytes of that line dropped so far */
};

/* linebuf_init: a buffer for reads of up to CHUNK bytes; 0 or -1 (no memory). */
int	linebuf_init(struct linebuf *lb, size_t chunk);
/* linebuf_free: free the buffer. */
void	linebuf_free(struct linebuf *lb);
/* linebuf_reset: forget everything (a new file, or a new offset in it). */
void	linebuf_reset(struct linebuf *lb);
/* linebuf_history: after a reset, the N bytes that precede the next byte. */
void	linebuf_history(struct linebuf *lb, const void *p, size_t n);
/* linebuf_compact: move what is kept to the front; invalidates lines handed out. */
void	linebuf_compact(struct linebuf *lb);
/* linebuf_room: where the next read goes (*P) and how many bytes fit (0: compact first). */
size_t	linebuf_room(struct linebuf *lb, char **p);
/* linebuf_added: N bytes were read into the room. */
void	linebuf_added(struct linebuf *lb, size_t n);
/* linebuf_get: the next complete line into *L; 1, or 0 when none; *ADV: input bytes it used. */
int	linebuf_get(struct linebuf *lb, struct source_line *l, uint64_t *adv);
/* linebuf_finish: the rest, no newline will come (end of a stream); 1 or 0. */
int	linebuf_finish(struct linebuf *lb, struct source_line *l, uint64_t *adv);
/* linebuf_tail: the bytes just before the end of the last line handed out (at most LINEBUF_HIST). */
void	linebuf_tail(const struct linebuf *lb, const char **p, size_t *n);
/* linebuf_pending: bytes read but not yet handed out as lines. */
uint64_t linebuf_pending(const struct linebuf *lb);

#endif
