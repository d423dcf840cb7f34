/* SPDX-License-Identifier: ISC */
/*
 * filesrc.h - the file source: a rotating mail log, or standard input
 */
#ifndef FILESRC_H
#define FILESRC_H

#include <stddef.h>

#include "source.h"

struct filesrc_opts {
	const char	*path;		/* the log; "-": standard input */
	const char	*rotated_dir;	/* logrotate's olddir, or NULL */
	int		 flags;		/* SOURCE_FROM_START | SOURCE_ONCE */
};

/* filesrc_open: a source reading O->path from POS (POSLEN bytes; NULL: none); 0 or a SOURCE_ error. */
int	filesrc_open(struct source **sp, const struct filesrc_opts *o,
	    const unsigned char *pos, size_t poslen, source_notify_fn *notify,
	    void *arg);
/* filesrc_strerror: text for a SOURCE_ error of filesrc_open(). */
const char *filesrc_strerror(int code);

#endif
