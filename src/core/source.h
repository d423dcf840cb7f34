/* SPDX-License-Identifier: ISC */
/*
 * source.h - where lines come from: the interface every source implements
 *
 * A source (the mail log file, the systemd journal, standard input) hands
 * out complete lines in batches, and a position: opaque bytes that the
 * store keeps without knowing their type and commits in the same
 * transaction as the counters. Given back to the source's open function
 * after a restart, a position makes the source resume just after the last
 * line of the last batch handed out before source_position() was called:
 * that is the whole exactly-once contract between a source and the pump.
 *
 * A position starts with the 4-byte tag of the kind of source that made it
 * (SOURCE_TAG_*), so that a position of another kind is recognised and
 * never misread (the journal's cursor given to the file source, say).
 */
#ifndef SOURCE_H
#define SOURCE_H

#include <stddef.h>
#include <stdint.h>

/* The largest position a source may produce (a journal cursor fits). */
#define SOURCE_POS_MAX		512
/* The most lines in one batch. */
#define SOURCE_BATCH_MAX	1024

#define SOURCE_TAG_LEN		4
#define SOURCE_TAG_FILE		"PSF1"	/* the file source */
#define SOURCE_TAG_FILE_V0	"PSF0"	/* a round-1 position, migrated by the store */
#define SOURCE_TAG_JOURNAL	"PSJ1"	/* the journal source */

/* Flags for the open functions of every source. */
#define SOURCE_FROM_START	0x1	/* no usable position: begin at the start */
#define SOURCE_ONCE		0x2	/* report SOURCE_END when caught up */

enum {
	SOURCE_OK = 0,		/* a batch (B->n > 0) */
	SOURCE_AGAIN = 1,	/* no complete line now; wait */
	SOURCE_END = 2,		/* a stream ended, or caught up under SOURCE_ONCE */
	SOURCE_ENOENT = -1,	/* the log (directory) does not exist */
	SOURCE_EACCES = -2,	/* it cannot be read */
	SOURCE_EIO = -3,	/* read error */
	SOURCE_EOTHER = -4,	/* the position belongs to another kind of source */
	SOURCE_EBADPOS = -5	/* the position is damaged */
};

/* One line, without its newline. */
struct source_line {
	const char	*p;
	size_t		 len;
	int		 lng;	/* a line over PFLOG_LINE_MAX was skipped here (p, len: 0) */
};

/*
 * A batch: the lines stay valid until the next source_next() or
 * source_close() on the same source.
 */
struct source_batch {
	struct source_line line[SOURCE_BATCH_MAX];
	size_t		 n;
};

/* What happened since the last source_stats() call (taking them zeroes them). */
struct source_stats {
	uint64_t	rotations;	/* self:rotations */
	uint64_t	truncations;	/* self:truncations */
	uint64_t	lost;		/* self:lost: files (or journal gaps) that could not be read */
	uint64_t	errors;		/* self:errors: unreadable files, read errors */
	uint64_t	skipped;	/* self:journal_skipped: entries gone before they were read */
	uint64_t	log_dropped;	/* self:log_dropped: messages the logging system dropped */
};

/* Notable events, for the program to log: LEVEL is a syslog level. */
typedef void source_notify_fn(int level, const char *msg, void *arg);

struct source;

struct source_ops {
	const char *kind;	/* "file", "journal": for messages */
	/* next: fill B with the next lines; SOURCE_OK, _AGAIN, _END or an error. */
	int	(*next)(struct source *, struct source_batch *b);
	/* position: write the position after every line handed out so far; its length in *LEN. */
	int	(*position)(struct source *, unsigned char *buf, size_t *len);
	/* pollfd: the fd to poll for new input (-1: none); lower *TIMEOUT_MS to what the source needs. */
	int	(*pollfd)(struct source *, int *timeout_ms);
	/* woken: after poll() returned, for whatever reason: take in what woke it. */
	void	(*woken)(struct source *);
	/* reopen: look at the log's name again now (SIGHUP). */
	void	(*reopen)(struct source *);
	/* stats: take the event counts. */
	void	(*stats)(struct source *, struct source_stats *);
	/* close: free everything. */
	void	(*close)(struct source *);
};

/* Every source begins with this; its ops are the only way in. */
struct source {
	const struct source_ops *ops;
};

static inline int
source_next(struct source *s, struct source_batch *b)
{
	return s->ops->next(s, b);
}

static inline int
source_position(struct source *s, unsigned char *buf, size_t *len)
{
	return s->ops->position(s, buf, len);
}

static inline int
source_pollfd(struct source *s, int *timeout_ms)
{
	return s->ops->pollfd(s, timeout_ms);
}

static inline void
source_woken(struct source *s)
{
	s->ops->woken(s);
}

static inline void
source_reopen(struct source *s)
{
	s->ops->reopen(s);
}

static inline void
source_stats(struct source *s, struct source_stats *st)
{
	s->ops->stats(s, st);
}

static inline void
source_close(struct source *s)
{
	if (s != NULL)
		s->ops->close(s);
}

/* source_pos_is: POS (LEN bytes) was made by the kind of source with TAG. */
static inline int
source_pos_is(const unsigned char *pos, size_t len, const char *tag)
{
	size_t i;

	if (len < SOURCE_TAG_LEN)
		return 0;
	for (i = 0; i < SOURCE_TAG_LEN; i++)
		if (pos[i] != (unsigned char)tag[i])
			return 0;
	return 1;
}

#endif
