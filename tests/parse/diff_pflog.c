/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	diff_pflog - differential test of pflog_parse(): a vector path
 *	against the scalar one
 * SYNOPSIS
 *	diff_pflog PATH MUTATIONS SEED < LINES
 * DESCRIPTION
 *	Reads log lines on standard input (the corpus). Parses every line, and
 *	then MUTATIONS mutated copies of randomly picked lines (bytes of the
 *	header replaced by the characters the parser cares about, bytes
 *	inserted and deleted, the line cut short), once with the scalar path
 *	and once with PATH (sse2, avx2, avx512bw; scalar compares scalar with
 *	itself), and compares the records: the kind and, as offsets into the
 *	line, every span (host, tag, pid, service, daemon, queue id, message).
 *	Each line is parsed from a heap buffer of exactly its length, so that
 *	under AddressSanitizer a read past its end is caught.
 * DIAGNOSTICS
 *	Exit 0 when every record agrees; 1 with the first difference on
 *	stderr; 77 when the CPU lacks PATH (a skipped test); 2 on usage.
 * SECURITY
 *	A test program; the input is any bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pflog.h"

#define LINES_MAX	400000

static char  **lines;
static size_t *lens;
static size_t  nlines;

static uint64_t rng = 88172645463325252ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

struct flat {
	enum pflog_kind kind;
	long	off[7];
	size_t	len[7];
};

static void
flatten(const char *buf, enum pflog_kind k, const struct pflog_rec *r,
    struct flat *f)
{
	const struct span *sp[7] = { &r->host, &r->tag, &r->pid, &r->service,
	    &r->daemon, &r->qid, &r->msg };
	int i;

	memset(f, 0, sizeof(*f));
	f->kind = k;
	if (k == PFLOG_MALFORMED)
		return;
	for (i = 0; i < 7; i++) {
		if (k == PFLOG_OTHER && (i == 3 || i == 4 || i == 5))
			continue;
		f->len[i] = sp[i]->len;
		f->off[i] = sp[i]->len ? (long)(sp[i]->p - buf) : 0;
	}
}

static int
compare(const char *line, size_t len, enum pflog_path path)
{
	char *buf = malloc(len ? len : 1);
	struct pflog_rec r1, r2;
	struct flat a, b;
	enum pflog_kind k;

	if (buf == NULL)
		abort();
	memcpy(buf, line, len);
	memset(&r1, 0xa5, sizeof(r1));
	memset(&r2, 0x5a, sizeof(r2));
	(void)pflog_use_path(PFLOG_PATH_SCALAR);
	k = pflog_parse(buf, len, NULL, &r1);
	flatten(buf, k, &r1, &a);
	(void)pflog_use_path(path);
	k = pflog_parse(buf, len, NULL, &r2);
	flatten(buf, k, &r2, &b);
	free(buf);
	if (memcmp(&a, &b, sizeof(a)) != 0) {
		int i;

		fprintf(stderr, "diff_pflog: %s differs from scalar on "
		    "(%zu bytes): %.*s\n", pflog_path_name(path), len,
		    (int)(len < 300 ? len : 300), line);
		fprintf(stderr, "  kind %d vs %d\n", a.kind, b.kind);
		for (i = 0; i < 7; i++)
			fprintf(stderr, "  span %d: %ld+%zu vs %ld+%zu\n", i,
			    a.off[i], a.len[i], b.off[i], b.len[i]);
		return -1;
	}
	return 0;
}

static const char alphabet[] = " []:/<>-.T0123456789ZabcNov\xff\t";

static size_t
mutate(char *dst, size_t cap, const char *src, size_t len)
{
	size_t n = len < cap ? len : cap, edits = 1 + next() % 6, e;

	memcpy(dst, src, n);
	for (e = 0; e < edits; e++) {
		size_t at = n ? (size_t)(next() % (n < 120 ? n : 120)) : 0;
		char c = next() % 16 == 0 ? '\0'
		    : alphabet[next() % (sizeof(alphabet) - 1)];

		switch (next() % 4) {
		case 0:		/* replace */
			if (n)
				dst[at] = c;
			break;
		case 1:		/* insert */
			if (n < cap) {
				memmove(dst + at + 1, dst + at, n - at);
				dst[at] = c;
				n++;
			}
			break;
		case 2:		/* delete */
			if (n) {
				memmove(dst + at, dst + at + 1, n - at - 1);
				n--;
			}
			break;
		default:	/* cut */
			n = at;
			break;
		}
	}
	return n;
}

int
main(int argc, char **argv)
{
	static char in[PFLOG_LINE_MAX + 2], tmp[PFLOG_LINE_MAX + 8];
	enum pflog_path path = PFLOG_PATH_N;
	unsigned long muts, i;
	int p;

	if (argc != 4) {
		fprintf(stderr, "usage: diff_pflog PATH MUTATIONS SEED\n");
		return 2;
	}
	for (p = 0; p < PFLOG_PATH_N; p++)
		if (strcmp(argv[1], pflog_path_name((enum pflog_path)p)) == 0)
			path = (enum pflog_path)p;
	if (path == PFLOG_PATH_N) {
		fprintf(stderr, "diff_pflog: no path %s\n", argv[1]);
		return 2;
	}
	if (!pflog_path_supported(path)) {
		printf("SKIP %s: this CPU lacks it\n", argv[1]);
		return 77;
	}
	muts = strtoul(argv[2], NULL, 10);
	rng ^= strtoull(argv[3], NULL, 10) * 0x9e3779b97f4a7c15ULL;
	lines = malloc(LINES_MAX * sizeof(*lines));
	lens = malloc(LINES_MAX * sizeof(*lens));
	while (nlines < LINES_MAX && fgets(in, sizeof(in), stdin) != NULL) {
		size_t n = strlen(in);

		if (n > 0 && in[n - 1] == '\n')
			n--;
		if ((lines[nlines] = malloc(n ? n : 1)) == NULL)
			abort();
		memcpy(lines[nlines], in, n);
		lens[nlines++] = n;
	}
	if (nlines == 0) {
		fprintf(stderr, "diff_pflog: no input lines\n");
		return 1;
	}
	/* Every corpus line, and every prefix of the first ones. */
	for (i = 0; i < nlines; i++)
		if (compare(lines[i], lens[i], path) != 0)
			return 1;
	for (i = 0; i < nlines && i < 200; i++) {
		size_t n;

		for (n = 0; n < lens[i]; n++)
			if (compare(lines[i], n, path) != 0)
				return 1;
	}
	for (i = 0; i < muts; i++) {
		size_t k = (size_t)(next() % nlines);
		size_t n = mutate(tmp, sizeof(tmp), lines[k], lens[k]);

		if (compare(tmp, n, path) != 0)
			return 1;
	}
	printf("ok   %s: %zu corpus lines and %lu mutated headers agree with "
	    "scalar\n", argv[1], nlines, muts);
	return 0;
}
