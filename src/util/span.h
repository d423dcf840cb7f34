/* SPDX-License-Identifier: ISC */
/*
 * span.h - length-bounded views into a byte buffer
 *
 * A span never owns its bytes and is never assumed to be NUL-terminated.
 * Everything here is inline, pure and allocation-free, so that the parser
 * built on it can be fuzzed alone.
 */
#ifndef SPAN_H
#define SPAN_H

#include <stddef.h>
#include <string.h>

struct span {
	const char	*p;
	size_t		 len;
};

#define SPAN_LIT(s)	((struct span){ (s), sizeof(s) - 1 })
#define SPAN_NULL	((struct span){ NULL, 0 })

/* span_make: a span over P..P+LEN. */
static inline struct span
span_make(const char *p, size_t len)
{
	return (struct span){ p, len };
}

/* span_eq: equal contents. */
static inline int
span_eq(struct span a, struct span b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* span_eq_str: equal to the C string S. */
static inline int
span_eq_str(struct span a, const char *s)
{
	size_t n = strlen(s);

	return a.len == n && memcmp(a.p, s, n) == 0;
}

/* span_has_prefix: A starts with the C string S. */
static inline int
span_has_prefix(struct span a, const char *s)
{
	size_t n = strlen(s);

	return a.len >= n && memcmp(a.p, s, n) == 0;
}

/* span_skip: A without its first N bytes (N <= a.len). */
static inline struct span
span_skip(struct span a, size_t n)
{
	return (struct span){ a.p + n, a.len - n };
}

/* span_eat: if A starts with S, drop it and return 1; else return 0. */
static inline int
span_eat(struct span *a, const char *s)
{
	size_t n = strlen(s);

	if (a->len < n || memcmp(a->p, s, n) != 0)
		return 0;
	a->p += n;
	a->len -= n;
	return 1;
}

/* span_chr: index of the first C in A, or -1. */
static inline long
span_chr(struct span a, char c)
{
	const char *q = a.len ? memchr(a.p, c, a.len) : NULL;

	return q ? (long)(q - a.p) : -1;
}

#endif
