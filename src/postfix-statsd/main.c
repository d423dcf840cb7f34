/*
 * NAME
 *	postfix-statsd - count what Postfix logs, exactly once, in real time
 * SYNOPSIS
 *	postfix-statsd [-f] [-l LOGFILE] [-d DB] [--once] [--from-start]
 *	    [-p PIDFILE] [-u USER] [-n NAME] [-x HOP] [--map-size BYTES]
 * DESCRIPTION
 *	Follows the mail log (follow), parses and classifies each line
 *	(pflog, classify) and commits the counters with the read position
 *	(store). See postfix-statsd(8).
 * DIAGNOSTICS
 *	Start-up errors: one line on stderr (or syslog once daemonized) and
 *	exit 1. At run time bad input is counted in self: keys and logged at
 *	most once a minute per cause; store errors are logged and retried.
 * SECURITY
 *	Opens the log, the database and the pidfile, then drops to -u USER.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "classify.h"
#include "filesrc.h"
#include "keys.h"
#include "log.h"
#include "pflog.h"
#include "privs.h"
#include "safefile.h"
#include "source.h"
#include "store.h"

#define DEFAULT_DB	"/var/lib/postfix-stats"
#define DEFAULT_PIDFILE	"/run/postfix-statsd.pid"
#define MAX_NAMES	16
#define MAX_HOPS	32
#define COMMIT_MAX_MS	100	/* longest a counted line waits for its commit */
#define COMMIT_MIN_MS	20	/* shortest time between two commits */
#define RETRY_MS	1000	/* after a failed commit */

static volatile sig_atomic_t got_term, got_hup;

static void
on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

static void
on_hup(int sig)
{
	(void)sig;
	got_hup = 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: postfix-statsd [-f] [-l LOGFILE] [-d DB] "
	    "[--once] [--from-start] [--rotated-dir DIR]\n"
	    "                      [-p PIDFILE]"
	    " [-u USER] [-n NAME] [-x HOP] "
	    "[--map-size BYTES]\n");
	exit(2);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
notify(int level, const char *msg, void *arg)
{
	(void)arg;
	if (level <= LOG_ERR)
		log_err("%s", msg);
	else if (level == LOG_WARNING)
		log_warn("%s", msg);
	else
		log_info("%s", msg);
}

/* Self counters kept here while a batch is built, added at commit. */
struct tally {
	uint64_t	lines, postfix, counted, malformed, unparsed, lng,
			excluded;
};

struct daemon {
	struct store	*st;
	struct source	*src;
	const char	*db;
	struct tally	 t;
	uint64_t	 last_commit, last_fail, last_check;
	int		 failing;
	struct log_limit lim_unparsed, lim_long, lim_store;
};

static void
flush_tally(struct daemon *d)
{
	static const struct { size_t off; int key; } map[] = {
		{ offsetof(struct tally, lines), KEY_SELF_LINES },
		{ offsetof(struct tally, postfix), KEY_SELF_LINES_POSTFIX },
		{ offsetof(struct tally, counted), KEY_SELF_LINES_COUNTED },
		{ offsetof(struct tally, malformed), KEY_SELF_LINES_MALFORMED },
		{ offsetof(struct tally, unparsed), KEY_SELF_LINES_UNPARSED },
		{ offsetof(struct tally, lng), KEY_SELF_LINES_LONG },
		{ offsetof(struct tally, excluded), KEY_SELF_LINES_EXCLUDED },
	};
	struct source_stats fs;
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		uint64_t *v = (uint64_t *)((char *)&d->t + map[i].off);

		if (*v)
			store_add(d->st, map[i].key, SPAN_NULL, *v);
	}
	memset(&d->t, 0, sizeof(d->t));
	source_stats(d->src, &fs);
	if (fs.rotations)
		store_add(d->st, KEY_SELF_ROTATIONS, SPAN_NULL, fs.rotations);
	if (fs.truncations)
		store_add(d->st, KEY_SELF_TRUNCATIONS, SPAN_NULL,
		    fs.truncations);
	if (fs.lost)
		store_add(d->st, KEY_SELF_LOST, SPAN_NULL, fs.lost);
	if (fs.errors)
		store_add(d->st, KEY_SELF_ERRORS, SPAN_NULL, fs.errors);
}

/* Commit counters and position together; 0 on success. */
static int
commit(struct daemon *d)
{
	unsigned char pos[SOURCE_POS_MAX];
	size_t len = 0;
	int rc;

	flush_tally(d);
	if (!store_pending(d->st))
		return 0;
	if (source_position(d->src, pos, &len) != 0)
		len = 0;
	rc = store_commit_bytes(d->st, len > 0 ? pos : NULL, len);
	d->last_commit = now_ms();
	if (rc == STORE_OK) {
		if (d->failing)
			log_info("commits work again; nothing was lost");
		d->failing = 0;
		return 0;
	}
	/* Nothing was written: the counts stay pending, the position too. */
	d->failing = 1;
	d->last_fail = d->last_commit;
	store_add(d->st, KEY_SELF_ERRORS, SPAN_NULL, 1);
	log_limited(&d->lim_store, "cannot commit to %s: %s (%s); will retry,"
	    " keeping the counts in memory", d->db, store_strerror(rc),
	    store_detail(d->st));
	return -1;
}

/* Recreate the database if it was deleted under us. */
static void
check_db(struct daemon *d)
{
	int rc;

	if (store_check(d->st) != STORE_EDELETED)
		return;
	log_warn("database %s was deleted; recreating it with the counts "
	    "carried over", d->db);
	if ((rc = store_recreate(d->st)) != STORE_OK) {
		store_add(d->st, KEY_SELF_ERRORS, SPAN_NULL, 1);
		log_limited(&d->lim_store, "cannot recreate %s: %s (%s)",
		    d->db, store_strerror(rc), store_detail(d->st));
		return;
	}
	store_add(d->st, KEY_SELF_DB_RECREATED, SPAN_NULL, 1);
	(void)commit(d);
}

static void
count_line(struct daemon *d, const char *line, size_t len,
    const struct pflog_opts *popts, const struct classify_opts *copts)
{
	struct classify_result r;
	enum pflog_kind k;
	size_t i;

	d->t.lines++;
	k = classify_line(line, len, popts, copts, &r);
	if (k == PFLOG_MALFORMED) {
		d->t.malformed++;
		return;
	}
	if (k != PFLOG_POSTFIX)
		return;
	d->t.postfix++;
	for (i = 0; i < r.n; i++)
		store_add(d->st, r.inc[i].key, r.inc[i].transport, 1);
	if (r.n > 0)
		d->t.counted++;
	if (r.excluded)
		d->t.excluded++;
	if (r.unparsed) {
		char esc[256];

		d->t.unparsed++;
		log_limited(&d->lim_unparsed, "Postfix line not understood: %s",
		    log_escape(esc, sizeof(esc), line, len));
	}
}

/* Report start-up to the waiting parent (daemon mode). */
static int startup_fd = -1;

static void
startup_done(void)
{
	if (startup_fd >= 0) {
		(void)write(startup_fd, "", 1);
		close(startup_fd);
		startup_fd = -1;
	}
}

static void
daemonize(void)
{
	int pfd[2], nul;
	pid_t pid;
	char c;

	if (pipe(pfd) < 0)
		log_fatal("pipe: %s", strerror(errno));
	if ((pid = fork()) < 0)
		log_fatal("fork: %s", strerror(errno));
	if (pid > 0) {
		close(pfd[1]);
		if (read(pfd[0], &c, 1) == 1)
			_exit(0);
		fprintf(stderr, "postfix-statsd: start-up failed; see the "
		    "system log (facility daemon)\n");
		_exit(1);
	}
	close(pfd[0]);
	if (setsid() < 0)
		log_fatal("setsid: %s", strerror(errno));
	if ((pid = fork()) < 0)
		log_fatal("fork: %s", strerror(errno));
	if (pid > 0)
		_exit(0);
	startup_fd = pfd[1];
	if (chdir("/") < 0)
		log_fatal("chdir /: %s", strerror(errno));
	if ((nul = open("/dev/null", O_RDWR)) >= 0) {
		dup2(nul, STDIN_FILENO);
		dup2(nul, STDOUT_FILENO);
		dup2(nul, STDERR_FILENO);
		if (nul > STDERR_FILENO)
			close(nul);
	}
}

static int
write_pidfile(const char *path)
{
	char buf[32];
	int fd, n;

	if ((fd = safefile_open(path, O_WRONLY | O_CREAT, 0644)) < 0)
		log_fatal("pidfile %s: %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		log_fatal("pidfile %s is locked: another postfix-statsd is "
		    "running", path);
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, buf, (size_t)n) != n)
		log_fatal("pidfile %s: %s", path, strerror(errno));
	return fd;
}

/* Wait at most MS for the source (or a signal). */
static void
wait_source(struct daemon *d, int ms)
{
	struct pollfd pfd;

	pfd.fd = source_pollfd(d->src, &ms);
	pfd.events = POLLIN;
	if (pfd.fd >= 0)
		(void)poll(&pfd, 1, ms);
	else
		(void)poll(NULL, 0, ms);
	source_woken(d->src);
}

static const char *
default_log(void)
{
	static const char *const logs[] = {
		"/var/log/maillog", "/var/log/mail.log", NULL
	};
	int i;

	for (i = 0; logs[i] != NULL; i++)
		if (access(logs[i], F_OK) == 0)
			return logs[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "once", no_argument, NULL, 'O' },
		{ "from-start", no_argument, NULL, 'S' },
		{ "rotated-dir", required_argument, NULL, 'R' },
		{ "map-size", required_argument, NULL, 'M' },
		{ "exclude-hop", required_argument, NULL, 'x' },
		{ "syslog-name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct span names[MAX_NAMES], hops[MAX_HOPS];
	struct pflog_opts popts = { names, 0 };
	struct classify_opts copts = { 0, hops, 0 };
	const char *logpath = NULL, *db, *pidfile = NULL, *user = NULL;
	const char *rotated_dir = NULL;
	struct filesrc_opts fo;
	unsigned char saved[SOURCE_POS_MAX];
	size_t savedlen = 0;
	struct source_batch *batch;
	int foreground = 0, once = 0, from_start = 0, ch, rc;
	size_t mapsize = 0;
	uid_t uid = 0;
	gid_t gid = 0;
	struct daemon d;
	int have_saved, from_stdin;
	struct sigaction sa;
	char *end;

	memset(&d, 0, sizeof(d));
	db = getenv("POSTFIX_STATS_DB");
	if (db == NULL || *db == '\0')
		db = DEFAULT_DB;
	while ((ch = getopt_long(argc, argv, "fl:d:p:u:n:x:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f':
			foreground = 1;
			break;
		case 'l':
			logpath = optarg;
			break;
		case 'd':
			db = optarg;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'O':
			once = 1;
			break;
		case 'S':
			from_start = 1;
			break;
		case 'R':
			rotated_dir = optarg;
			break;
		case 'M':
			mapsize = strtoul(optarg, &end, 10);
			if (*end != '\0' || mapsize < 65536) {
				fprintf(stderr, "postfix-statsd: --map-size "
				    "takes a number of bytes >= 65536\n");
				exit(2);
			}
			break;
		case 'n':
			if (popts.nnames >= MAX_NAMES || *optarg == '\0')
				usage();
			names[popts.nnames++] = span_make(optarg,
			    strlen(optarg));
			break;
		case 'x':
			if (strcmp(optarg, "loopback") == 0)
				copts.exclude_loopback = 1;
			else if (copts.nexclude >= MAX_HOPS || *optarg == '\0')
				usage();
			else
				hops[copts.nexclude++] = span_make(optarg,
				    strlen(optarg));
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (logpath == NULL && (logpath = default_log()) == NULL) {
		fprintf(stderr, "postfix-statsd: neither /var/log/maillog nor "
		    "/var/log/mail.log exists; name the log with -l\n");
		exit(1);
	}
	if (user != NULL && privs_lookup(user, &uid, &gid) < 0) {
		fprintf(stderr, "postfix-statsd: unknown user %s\n", user);
		exit(1);
	}
	umask(022);
	if (!foreground && !once) {
		log_init("postfix-statsd", 0);
		daemonize();
		if (pidfile == NULL)
			pidfile = DEFAULT_PIDFILE;
	} else {
		log_init("postfix-statsd", 1);
	}
	if (pidfile != NULL)
		(void)write_pidfile(pidfile);

	if ((rc = store_open(&d.st, db, 0, mapsize)) != STORE_OK)
		log_fatal("cannot open database %s: %s (%s)", db,
		    store_strerror(rc), store_detail(d.st));
	d.db = db;
	if (user != NULL && geteuid() == 0
	    && (rc = store_give(d.st, uid, gid)) != STORE_OK)
		log_fatal("%s", store_detail(d.st));
	from_stdin = strcmp(logpath, "-") == 0;
	have_saved = !from_stdin && store_get_pos_bytes(d.st, saved,
	    sizeof(saved), &savedlen) == STORE_OK && savedlen > 0;
	fo.path = logpath;
	fo.rotated_dir = rotated_dir;
	fo.flags = (from_start ? SOURCE_FROM_START : 0)
	    | (once ? SOURCE_ONCE : 0);
	rc = filesrc_open(&d.src, &fo, have_saved ? saved : NULL,
	    have_saved ? savedlen : 0, notify, NULL);
	if (rc == SOURCE_EOTHER) {
		log_warn("the saved position belongs to another source; "
		    "starting %s as on a first start", logpath);
		rc = filesrc_open(&d.src, &fo, NULL, 0, notify, NULL);
	}
	if (rc != 0)
		log_fatal("cannot read log %s: %s", logpath,
		    filesrc_strerror(rc));
	if ((batch = malloc(sizeof(*batch))) == NULL)
		log_fatal("out of memory");
	if (user != NULL && privs_drop(user, uid, gid) < 0)
		log_fatal("cannot drop privileges to %s: %s", user,
		    strerror(errno));

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	if (!once)
		log_info("following %s into %s", logpath, db);
	startup_done();

	d.last_commit = d.last_check = now_ms();
	for (;;) {
		uint64_t t;
		size_t i;

		rc = source_next(d.src, batch);
		if (rc == SOURCE_OK) {
			for (i = 0; i < batch->n; i++) {
				const struct source_line *l = &batch->line[i];

				if (!l->lng) {
					count_line(&d, l->p, l->len, &popts,
					    &copts);
					continue;
				}
				d.t.lines++;
				d.t.lng++;
				log_limited(&d.lim_long, "skipped a line longer "
				    "than %d bytes", PFLOG_LINE_MAX);
			}
			if (got_term)
				break;
			t = now_ms();
			if (t - d.last_commit >= COMMIT_MAX_MS
			    && (!d.failing || t - d.last_fail >= RETRY_MS))
				(void)commit(&d);
			continue;
		}
		t = now_ms();
		/* --once stops at the end of the log; a stream, at its end. */
		if (got_term || rc == SOURCE_END || (once && !from_stdin))
			break;
		if (t - d.last_check >= 1000) {
			check_db(&d);
			d.last_check = t;
		}
		if (got_hup) {
			got_hup = 0;
			log_info("SIGHUP: reopening %s", logpath);
			source_reopen(d.src);
			continue;
		}
		/* Caught up: commit now unless we just did. */
		flush_tally(&d);	/* the source's events too */
		if (d.failing) {
			if (t - d.last_fail >= RETRY_MS)
				(void)commit(&d);
			wait_source(&d, RETRY_MS);
			continue;
		}
		if (store_pending(d.st) || d.t.lines) {
			if (t - d.last_commit >= COMMIT_MIN_MS) {
				(void)commit(&d);
			} else {
				wait_source(&d, (int)(COMMIT_MIN_MS
				    - (t - d.last_commit)));
				continue;
			}
		}
		wait_source(&d, 1000);
	}
	if (commit(&d) != 0 && store_pending(d.st)) {
		log_err("exiting with counts that could not be committed; "
		    "they will be counted again from the saved position");
		store_close(d.st);
		source_close(d.src);
		return 1;
	}
	if (!once)
		log_info("exiting");
	store_close(d.st);
	source_close(d.src);
	free(batch);
	return 0;
}
