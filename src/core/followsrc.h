/* SPDX-License-Identifier: ISC */
/*
 * followsrc.h - the round-1 file follower (follow.c) as a source (source.h)
 *
 * Interim: filesrc.c replaces it with the same open function and options,
 * so that swapping is one include and one call.
 */
#ifndef FOLLOWSRC_H
#define FOLLOWSRC_H

#include <stddef.h>

#include "source.h"

/* What the file source follows. */
struct filesrc_opts {
	const char	*path;		/* the log; "-": standard input */
	const char	*rotated_dir;	/* logrotate's olddir, or NULL (ignored here) */
	int		 flags;		/* SOURCE_FROM_START, SOURCE_ONCE */
};

/*
 * followsrc_open: follow O->path from POS (POSLEN bytes; NULL or 0: none).
 * POS made by another kind of source: SOURCE_EOTHER; a damaged one:
 * SOURCE_EBADPOS; else SOURCE_ENOENT, SOURCE_EACCES, SOURCE_EIO. NOTIFY
 * (may be NULL) gets notable events. On failure *SP is NULL.
 */
int	followsrc_open(struct source **sp, const struct filesrc_opts *o,
	    const unsigned char *pos, size_t poslen, source_notify_fn *notify,
	    void *arg);

#endif
