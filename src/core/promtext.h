/* SPDX-License-Identifier: ISC */
/*
 * promtext.h - a view in the Prometheus text exposition format 0.0.4
 */
#ifndef PROMTEXT_H
#define PROMTEXT_H

#include <stddef.h>
#include <sys/types.h>

#include "view.h"

enum {
	PROMTEXT_ENOSPC = -1	/* the caller's buffer is too small */
};

/* The media type of the text, for an HTTP Content-Type header. */
#define PROMTEXT_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

/*
 * A buffer size that holds the text of any view (VIEW_MAX items, every
 * transport name escaped at its longest); the unit tests check it.
 */
#define PROMTEXT_BUFSIZE	65536

/*
 * promtext_render: write V into BUF (SIZE bytes) as the text format: per
 * metric family one HELP and one TYPE line, then its samples; keys without
 * a metric (the ages) are left out. Returns the length written (BUF is
 * NUL-terminated), or PROMTEXT_ENOSPC when SIZE is too small (BUF then
 * holds no usable text).
 */
ssize_t	promtext_render(const struct view *v, char *buf, size_t size);

/*
 * promtext_escape_label: write label value VAL (LEN bytes) into DST (SIZE
 * bytes, NUL-terminated) with \, " and newline escaped as the format
 * wants. Returns the length written, or PROMTEXT_ENOSPC.
 */
ssize_t	promtext_escape_label(char *dst, size_t size, const char *val,
	    size_t len);

#endif
