/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	parse_paths - time pflog_parse() alone, on each path the CPU has
 * SYNOPSIS
 *	parse_paths FILE [ROUNDS]
 * DESCRIPTION
 *	Reads FILE into memory once, splits it into lines, then parses every
 *	line ROUNDS (default 5) times per path, the paths interleaved round by
 *	round, and prints for each path the median CPU time of a pass over the
 *	file in ns per line and MB/s, and the ratio to the scalar path. No
 *	classification, no I/O inside the timing: only the header parser.
 * DIAGNOSTICS
 *	Exit 1 when FILE cannot be read, 2 on usage.
 * SECURITY
 *	A benchmark; FILE is any bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pflog.h"

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	FILE *f;
	char *buf;
	size_t size, nl = 0, i, cap = 1024;
	size_t *off;
	int rounds = argc > 2 ? atoi(argv[2]) : 5, r, p;
	double t[PFLOG_PATH_N][64], scalar = 0;
	unsigned long sink = 0;

	if (argc < 2 || rounds < 1 || rounds > 64) {
		fprintf(stderr, "usage: parse_paths FILE [ROUNDS]\n");
		return 2;
	}
	if ((f = fopen(argv[1], "r")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	size = (size_t)ftell(f);
	rewind(f);
	if ((buf = malloc(size + 1)) == NULL || fread(buf, 1, size, f) != size) {
		perror(argv[1]);
		return 1;
	}
	fclose(f);
	off = malloc(cap * sizeof(*off));
	off[nl++] = 0;
	for (i = 0; i < size; i++)
		if (buf[i] == '\n') {
			if (nl == cap)
				off = realloc(off, (cap *= 2) * sizeof(*off));
			off[nl++] = i + 1;
		}
	nl--;
	for (r = 0; r < rounds; r++)
		for (p = 0; p < PFLOG_PATH_N; p++) {
			struct pflog_rec rec;
			double t0;

			if (pflog_use_path((enum pflog_path)p) != 0)
				continue;
			t0 = cpu_now();
			for (i = 0; i < nl; i++)
				sink += pflog_parse(buf + off[i],
				    off[i + 1] - off[i] - 1, NULL, &rec);
			t[p][r] = cpu_now() - t0;
		}
	for (p = 0; p < PFLOG_PATH_N; p++) {
		double med;

		if (!pflog_path_supported((enum pflog_path)p)) {
			printf("%-9s skipped (not supported by this CPU)\n",
			    pflog_path_name((enum pflog_path)p));
			continue;
		}
		qsort(t[p], (size_t)rounds, sizeof(double), cmp_double);
		med = t[p][rounds / 2];
		if (p == PFLOG_PATH_SCALAR)
			scalar = med;
		printf("%-9s %6.1f ns/line %8.0f MB/s  x%.2f vs scalar\n",
		    pflog_path_name((enum pflog_path)p), med * 1e9 / nl,
		    size / med / 1e6, scalar / med);
	}
	return sink == 0;
}
