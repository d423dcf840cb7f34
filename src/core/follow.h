/*
 * follow.h - read complete lines from a growing, rotating log
 */
#ifndef FOLLOW_H
#define FOLLOW_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct follow;

#define FOLLOW_FROM_START	0x1	/* no saved position: start at the beginning */

enum {
	FOLLOW_AGAIN = 0,	/* no complete line now */
	FOLLOW_LINE = 1,	/* *line, *len: one line, without its newline */
	FOLLOW_LONG = 2,	/* a line over PFLOG_LINE_MAX was skipped */
	FOLLOW_EOF = 3,		/* standard input ended */
	FOLLOW_ENOENT = -1,	/* the log does not exist */
	FOLLOW_EACCES = -2,	/* the log cannot be read */
	FOLLOW_EIO = -3		/* read error */
};

/* What happened since the last follow_stats() call. */
struct follow_stats {
	uint64_t	rotations;
	uint64_t	truncations;
	uint64_t	lost;		/* rotated files that could not be read */
	uint64_t	errors;
};

/* follow_open: follow PATH ("-": stdin) from SAVED (NULL: none); NOTIFY gets each notable event. */
int	follow_open(struct follow **fp, const char *path,
	    const struct store_pos *saved, int flags,
	    void (*notify)(const char *msg, void *arg), void *arg);
/* follow_close: close everything. */
void	follow_close(struct follow *f);
/* follow_next_line: the next complete line, or FOLLOW_AGAIN when there is none yet. */
int	follow_next_line(struct follow *f, const char **line, size_t *len);
/* follow_wait: sleep until the log may have changed, at most TIMEOUT_MS. */
void	follow_wait(struct follow *f, int timeout_ms);
/* follow_wait_fd: the same, also woken when EXTRA_FD (-1: none) is readable; 1 if it is. */
int	follow_wait_fd(struct follow *f, int timeout_ms, int extra_fd);
/* follow_position: where to resume after the lines returned so far; 0 if there is no position (stdin). */
int	follow_position(struct follow *f, struct store_pos *pos);
/* follow_reopen: check the log path now, as after SIGHUP. */
void	follow_reopen(struct follow *f);
/* follow_stats: take the event counts (and zero them). */
void	follow_stats(struct follow *f, struct follow_stats *st);
/* follow_strerror: text for a FOLLOW_ error. */
const char *follow_strerror(int code);

/* follow_fingerprint: hash of the first LEN bytes of BUF (exposed for tests). */
uint64_t follow_fingerprint(const void *buf, size_t len);

#endif
