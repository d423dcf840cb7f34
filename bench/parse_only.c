/* SPDX-License-Identifier: ISC */
/*
 * parse_only - the parser alone: mmap FILE, split lines with memchr, call
 * classify_line() on each and sum the increments. No store, no follow.
 * This is the ceiling postfix-statsd can reach; throughput.sh compares both.
 *
 * The file is read() in 256 KiB chunks into one buffer (as the file source does;
 * the data is then in cache when the parser walks it). -m maps the file
 * instead: on this kind of VM that is slower (memchr takes the cache misses
 * on every page), so it is not the default.
 *
 * usage: parse_only [-m] FILE
 * prints: lines=N postfix=N malformed=N long=N counted=N increments=N
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify.h"
#include "pflog.h"

#define CHUNK	(256 * 1024)

struct tally {
	unsigned long long lines, postfix, malformed, lng, counted, incs;
};

static void
one_line(struct tally *t, const char *p, size_t len)
{
	struct classify_result r;
	enum pflog_kind k;

	t->lines++;
	/* as linebuf.c: strip a CR, skip lines over the limit */
	if (len >= PFLOG_LINE_MAX) {
		t->lng++;
		return;
	}
	if (len > 0 && p[len - 1] == '\r')
		len--;
	k = classify_line(p, len, NULL, NULL, &r);
	if (k == PFLOG_MALFORMED)
		t->malformed++;
	else if (k == PFLOG_POSTFIX) {
		t->postfix++;
		t->incs += r.n;
		if (r.n > 0)
			t->counted++;
	}
}

/* Split BUF..BUF+LEN into lines; return the bytes of an incomplete last line. */
static size_t
lines(struct tally *t, const char *p, size_t len, int final)
{
	const char *end = p + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL) {
			if (!final)
				return (size_t)(end - p);
			one_line(t, p, (size_t)(end - p));
			return 0;
		}
		one_line(t, p, (size_t)(nl - p));
		p = nl + 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct tally t;
	struct stat sb;
	int fd, use_mmap = 0;

	memset(&t, 0, sizeof(t));
	/* PFLOG_PATH=scalar|sse2|avx2|avx512bw forces the parser's path. */
	if (getenv("PFLOG_PATH") != NULL) {
		int p;

		for (p = 0; p < PFLOG_PATH_N; p++)
			if (strcmp(getenv("PFLOG_PATH"),
			    pflog_path_name((enum pflog_path)p)) == 0)
				break;
		if (p == PFLOG_PATH_N || pflog_use_path((enum pflog_path)p)) {
			fprintf(stderr, "parse_only: no path %s here\n",
			    getenv("PFLOG_PATH"));
			return 77;
		}
	}
	if (argc == 3 && strcmp(argv[1], "-m") == 0) {
		use_mmap = 1;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: parse_only [-m] FILE\n");
		return 2;
	}
	if ((fd = open(argv[1], O_RDONLY)) < 0 || fstat(fd, &sb) < 0) {
		perror(argv[1]);
		return 1;
	}
	if (use_mmap) {
		void *m = sb.st_size ? mmap(NULL, (size_t)sb.st_size, PROT_READ,
		    MAP_PRIVATE, fd, 0) : NULL;

		if (m == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		if (m != NULL) {
			(void)madvise(m, (size_t)sb.st_size, MADV_SEQUENTIAL);
			(void)lines(&t, m, (size_t)sb.st_size, 1);
		}
	} else {
		char *buf = malloc(CHUNK + PFLOG_LINE_MAX);
		size_t have = 0;
		ssize_t n;

		if (buf == NULL)
			return 1;
		int discarding = 0;

		for (;;) {
			size_t left, skip = 0;

			n = read(fd, buf + have, CHUNK + PFLOG_LINE_MAX - have);
			if (n < 0) {
				perror("read");
				return 1;
			}
			if (n == 0) {
				if (!discarding)
					(void)lines(&t, buf, have, 1);
				break;
			}
			have += (size_t)n;
			if (discarding) {
				/* the rest of a long line, up to its newline */
				char *nl = memchr(buf, '\n', have);

				if (nl == NULL) {
					have = 0;
					continue;
				}
				discarding = 0;
				skip = (size_t)(nl - buf) + 1;
			}
			left = lines(&t, buf + skip, have - skip, 0);
			if (left >= PFLOG_LINE_MAX) {
				/* a long line: count it, skip to its end */
				t.lines++;
				t.lng++;
				discarding = 1;
				left = 0;
			}
			memmove(buf, buf + have - left, left);
			have = left;
		}
	}
	printf("lines=%llu postfix=%llu malformed=%llu long=%llu counted=%llu "
	    "increments=%llu\n", t.lines, t.postfix, t.malformed, t.lng,
	    t.counted, t.incs);
	return 0;
}
