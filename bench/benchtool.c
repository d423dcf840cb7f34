/* SPDX-License-Identifier: ISC */
/*
 * benchtool - run commands and measure them with clock_gettime and wait4
 *
 * benchtool run -- CMD [ARG...]
 *	Run CMD once (stdout to /dev/null unless BENCH_STDOUT names a file;
 *	stderr to /dev/null, or appended to the file BENCH_STDERR names, or
 *	left alone if BENCH_STDERR is set but empty);
 *	print "wall_s user_s sys_s maxrss_kib status".
 * benchtool pair N -- CMDA [ARG...] ::: CMDB [ARG...]
 *	Run A and B N times each, interleaved (A B A B ...), stdout to
 *	/dev/null; print for each the median, p90 and p99 of the wall time per
 *	call (fork/exec/wait, microseconds) and of the CPU time (user+sys),
 *	then the ratios A/B. Exits 1 if any run failed.
 */
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct res {
	double	wall, user, sys;
	long	maxrss;
	int	status;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
run1(char **argv, const char *out, struct res *r)
{
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	double t0;
	pid_t pid;
	int st;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO,
	    out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (getenv("BENCH_STDERR") == NULL || *getenv("BENCH_STDERR") != '\0')
		posix_spawn_file_actions_addopen(&fa, STDERR_FILENO,
		    getenv("BENCH_STDERR") ? getenv("BENCH_STDERR")
		    : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0644);
	t0 = now();
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		perror(argv[0]);
		exit(1);
	}
	if (wait4(pid, &st, 0, &ru) < 0) {
		perror("wait4");
		exit(1);
	}
	r->wall = now() - t0;
	posix_spawn_file_actions_destroy(&fa);
	r->user = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	r->sys = (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	r->maxrss = ru.ru_maxrss;
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return r->status;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(double *v, int n, double p)
{
	int i = (int)(p * (n - 1) + 0.5);

	return v[i];
}

int
main(int argc, char **argv)
{
	struct res r;

	if (argc >= 4 && strcmp(argv[1], "run") == 0
	    && strcmp(argv[2], "--") == 0) {
		run1(argv + 3, getenv("BENCH_STDOUT"), &r);
		printf("%.6f %.6f %.6f %ld %d\n", r.wall, r.user, r.sys,
		    r.maxrss, r.status);
		return 0;
	}
	if (argc >= 7 && strcmp(argv[1], "pair") == 0
	    && strcmp(argv[3], "--") == 0) {
		int n = atoi(argv[2]), i, bad = 0, sep = -1;
		char **a = argv + 4, **b;
		double *w[2], *c[2], mw[2][3], mc[2][3];
		const char *name[2] = { "A", "B" };

		for (i = 4; i < argc; i++)
			if (strcmp(argv[i], ":::") == 0)
				sep = i;
		if (n < 1 || sep < 0 || sep == 4 || sep == argc - 1) {
			fprintf(stderr, "benchtool pair N -- A... ::: B...\n");
			return 2;
		}
		argv[sep] = NULL;
		b = argv + sep + 1;
		for (i = 0; i < 2; i++) {
			w[i] = calloc((size_t)n, sizeof(double));
			c[i] = calloc((size_t)n, sizeof(double));
		}
		/* warm up the page cache and the dynamic loader */
		for (i = 0; i < 20; i++) {
			run1(a, NULL, &r);
			run1(b, NULL, &r);
		}
		for (i = 0; i < n; i++) {
			int k;

			for (k = 0; k < 2; k++) {
				/* alternate which goes first */
				int which = (i & 1) ? 1 - k : k;

				if (run1(which ? b : a, NULL, &r) != 0)
					bad++;
				w[which][i] = r.wall * 1e6;
				c[which][i] = (r.user + r.sys) * 1e6;
			}
		}
		for (i = 0; i < 2; i++) {
			qsort(w[i], (size_t)n, sizeof(double), cmp_d);
			qsort(c[i], (size_t)n, sizeof(double), cmp_d);
			mw[i][0] = pct(w[i], n, 0.5);
			mw[i][1] = pct(w[i], n, 0.9);
			mw[i][2] = pct(w[i], n, 0.99);
			mc[i][0] = pct(c[i], n, 0.5);
			mc[i][1] = pct(c[i], n, 0.9);
			mc[i][2] = pct(c[i], n, 0.99);
			printf("%s wall_us p50=%.0f p90=%.0f p99=%.0f  "
			    "cpu_us p50=%.0f p90=%.0f p99=%.0f\n", name[i],
			    mw[i][0], mw[i][1], mw[i][2], mc[i][0], mc[i][1],
			    mc[i][2]);
		}
		printf("ratio wall p50=%.2f p90=%.2f  cpu p50=%.2f p90=%.2f\n",
		    mw[0][0] / mw[1][0], mw[0][1] / mw[1][1],
		    mc[1][0] > 0 ? mc[0][0] / mc[1][0] : 0.0,
		    mc[1][1] > 0 ? mc[0][1] / mc[1][1] : 0.0);
		if (bad)
			fprintf(stderr, "benchtool: %d runs failed\n", bad);
		return bad ? 1 : 0;
	}
	fprintf(stderr, "usage: benchtool run -- CMD...\n"
	    "       benchtool pair N -- CMDA... ::: CMDB...\n");
	return 2;
}
