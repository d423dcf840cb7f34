/* SPDX-License-Identifier: ISC */
/*
 * latency - how long from a line written to the log to the counter moving
 *
 * usage: latency LOG DB N [GETBIN]
 *	Appends N countable lines ("QUEUEID: client=..." of smtpd, key
 *	recv:smtp) to LOG, one at a time, 40-100 ms apart; after each, polls
 *	the counter until it moves and records the time from the write() to
 *	the first reading that shows it. Without GETBIN the counter is read
 *	in-process through the store API (read-only, as postfix-stats-get
 *	does) every 0.2 ms; with GETBIN, by running "GETBIN -d DB recv:smtp"
 *	back to back (what an snmpd poll sees). A running postfix-statsd -f
 *	must follow LOG into DB. Prints p50/p90/p99/max in ms.
 */
#include <sys/wait.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

#define KEY	"recv:smtp"
#define TIMEOUT	5.0

static const char *getbin, *dbpath;
static struct store *st;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
nap(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	nanosleep(&ts, NULL);
}

/* The counter now; -1 if it cannot be read (yet). */
static long long
reading(void)
{
	uint64_t v;

	if (getbin == NULL) {
		if (st == NULL && store_open(&st, dbpath, STORE_RDONLY, 0)
		    != STORE_OK) {
			store_close(st);
			st = NULL;
			return -1;
		}
		if (store_get(st, KEY, &v) != STORE_OK)
			v = 0;
		return (long long)v;
	} else {
		int pfd[2], status;
		char buf[64];
		ssize_t n, got = 0;
		pid_t pid;

		if (pipe(pfd) < 0)
			return -1;
		if ((pid = fork()) == 0) {
			dup2(pfd[1], 1);
			close(pfd[0]);
			close(pfd[1]);
			execl(getbin, getbin, "-d", dbpath, KEY, (char *)NULL);
			_exit(127);
		}
		close(pfd[1]);
		while ((n = read(pfd[0], buf + got, sizeof(buf) - 1 - got)) > 0)
			got += n;
		close(pfd[0]);
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || got == 0)
			return -1;
		buf[got] = '\0';
		return atoll(buf);
	}
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Append one line and wait for the counter to pass V0; seconds or -1. */
static double
one(int fd, long long v0, int seq)
{
	char line[160];
	long long v;
	double t0;
	int len;

	len = snprintf(line, sizeof(line), "Nov 29 00:07:00 bench "
	    "postfix/smtpd[4242]: B%08X: client=unknown[192.0.2.1]\n", seq);
	t0 = now();
	if (write(fd, line, (size_t)len) != len) {
		perror("write");
		exit(1);
	}
	for (;;) {
		if ((v = reading()) > v0)
			return now() - t0;
		if (now() - t0 > TIMEOUT)
			return -1;
		if (getbin == NULL)
			nap(0.0002);
	}
}

int
main(int argc, char **argv)
{
	double *d, t;
	int n, i, fd, lost = 0, ok = 0;
	long long v;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: latency LOG DB N [GETBIN]\n");
		return 2;
	}
	dbpath = argv[2];
	n = atoi(argv[3]);
	getbin = argc == 5 ? argv[4] : NULL;
	if (n < 1 || (d = calloc((size_t)n, sizeof(double))) == NULL)
		return 2;
	if ((fd = open(argv[1], O_WRONLY | O_APPEND)) < 0) {
		perror(argv[1]);
		return 1;
	}
	srand48((long)getpid());
	/* Warm up: the first line must be counted before measuring. */
	for (t = now(); (v = reading()) < 0; nap(0.01))
		if (now() - t > TIMEOUT) {
			fprintf(stderr, "latency: cannot read %s\n", dbpath);
			return 1;
		}
	if (one(fd, v, 0) < 0) {
		fprintf(stderr, "latency: the warm-up line was not counted "
		    "within %.0f s; is postfix-statsd -f following %s?\n",
		    TIMEOUT, argv[1]);
		return 1;
	}
	for (i = 0; i < n; i++) {
		nap(0.04 + 0.06 * drand48());
		v = reading();
		if ((t = one(fd, v, i + 1)) < 0)
			lost++;
		else
			d[ok++] = t * 1e3;
	}
	qsort(d, (size_t)ok, sizeof(double), cmp_d);
	if (ok == 0) {
		printf("latency: no line was counted within %.0f s\n", TIMEOUT);
		return 1;
	}
	printf("n=%d p50=%.2f p90=%.2f p99=%.2f max=%.2f ms timeouts=%d\n",
	    ok, d[(int)(0.5 * (ok - 1) + 0.5)], d[(int)(0.9 * (ok - 1) + 0.5)],
	    d[(int)(0.99 * (ok - 1) + 0.5)], d[ok - 1], lost);
	store_close(st);
	return lost ? 1 : 0;
}
