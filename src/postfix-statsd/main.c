/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	postfix-statsd - count what Postfix logs, exactly once, in real time
 * SYNOPSIS
 *	postfix-statsd [-f] [-l LOGFILE | --journal | --journal-dir DIR]
 *	    [-d DB] [--once] [--from-start] [--rotated-dir DIR] [-p PIDFILE]
 *	    [-u USER] [-q SECONDS] [-n NAME] [-x HOP] [--map-size BYTES]
 * DESCRIPTION
 *	Options, set-up and a short loop over the pump (pump.c), which reads
 *	the source (open_source(): the one place a source is opened),
 *	classifies each line and commits the counters with the read position
 *	(store). See postfix-statsd(8).
 * DIAGNOSTICS
 *	Usage errors: exit 2. Start-up errors: one line on stderr (or syslog
 *	once daemonized; the waiting parent prints the same line) and exit 1,
 *	the pidfile removed. At run time bad input is counted in self: keys
 *	and logged at most once a minute per cause; store errors are logged
 *	and retried.
 * SECURITY
 *	Opens the log, the database and the pidfile, then drops to -u USER.
 *	postconf(1) is run without a shell, its output bounded and checked.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "classify.h"
#include "daemon.h"
#include "cli.h"
#include "filesrc.h"
#include "journal.h"
#include "keys.h"
#include "log.h"
#include "pflog.h"
#include "privs.h"
#include "pump.h"
#include "qsample.h"
#include "safefile.h"
#include "source.h"
#include "store.h"

#define DEFAULT_DB	"/var/lib/postfix-stats"
#define DEFAULT_PIDFILE	"/run/postfix-statsd.pid"
/* With no mail log and no journal: the log rsyslog will write, waited for. */
#define DEFAULT_LOG	"/var/log/mail.log"
#define MAX_NAMES	16
#define MAX_HOPS	32
#define POSTCONF_MS	5000	/* the longest postconf may take */

static const struct cli_prog prog = {
	"postfix-statsd",
	"postfix-statsd [-f] [-l LOGFILE | --journal | --journal-dir DIR] "
	"[-d DB] [--once]\n"
	"                      [--from-start] [--rotated-dir DIR] "
	"[-p PIDFILE] [-u USER]\n"
	"                      [-q SECONDS] [--postqueue-config DIR] "
	"[--postqueue PATH]\n"
	"                      [-n NAME] [-x HOP] [--map-size BYTES]\n"
	"       postfix-statsd -h | -V",
	"  -f                 stay in the foreground, log to stderr\n"
	"  -l LOGFILE         the mail log to follow ('-': standard input)\n"
	"  --journal          read Postfix's entries from the systemd journal\n"
	"  --journal-dir DIR  read the journal files in DIR\n"
	"  -d DB              the database directory (default "
	"$POSTFIX_STATS_DB or " DEFAULT_DB ")\n"
	"  --once             read to the end, commit, exit\n"
	"  --from-start       on a first start, begin at the start of the log\n"
	"  --rotated-dir DIR  where rotated logs go (logrotate's olddir)\n"
	"  -p PIDFILE         pidfile (default " DEFAULT_PIDFILE
	" as a daemon)\n"
	"  -u USER            drop privileges to USER after opening\n"
	"  -q SECONDS         sample Postfix's queues every SECONDS "
	"(default 60, 0: off)\n"
	"  --postqueue-config DIR  sample the Postfix instance configured in "
	"DIR\n"
	"  --postqueue PATH   the postqueue program (default "
	QSAMPLE_POSTQUEUE ")\n"
	"  -n NAME            also count syslog name NAME (repeatable)\n"
	"  -x HOP             do not count hops through HOP ('loopback', a "
	"host, addr[:port])\n"
	"  --map-size BYTES   the database's fixed size (default 2 MiB)\n"
	"  -h, --help         this help\n"
	"  -V, --version      the version\n"
};

/* What the command line asks for. */
struct opts {
	int		 foreground, once, from_start;
	int		 journal;	/* --journal or --journal-dir */
	const char	*journal_dir;	/* NULL: the system's journal */
	const char	*logpath;	/* NULL with journal */
	const char	*rotated_dir;
	const char	*db, *pidfile, *user;
	unsigned	 queue_secs;	/* -q */
	const char	*postqueue_config, *postqueue;
	size_t		 mapsize;
	struct span	 names[MAX_NAMES], hops[MAX_HOPS];
	struct pflog_opts popts;
	struct classify_opts copts;
};

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

/* Start-up state that every exit cleans up. */
static const char *pidfile_made;	/* the pidfile we wrote */
static int pidfile_fd = -1;

static void
pidfile_remove(void)
{
	if (pidfile_made == NULL)
		return;
	/* After dropping privileges the directory may not allow it: empty it. */
	if (unlink(pidfile_made) < 0 && pidfile_fd >= 0)
		(void)ftruncate(pidfile_fd, 0);
	pidfile_made = NULL;
}

/* A start-up failure: say why (to the log and the waiting parent), clean up, exit 1. */
static void
die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_err("%s", msg);
	pidfile_remove();	/* before the parent hears of it and exits */
	daemon_fail(msg);
	exit(CLI_EXIT_FAIL);
}

static void
write_pidfile(const char *path)
{
	char buf[32];
	int fd, n;

	if ((fd = safefile_open(path, O_WRONLY | O_CREAT, 0644)) < 0)
		die("pidfile %s: %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		die("pidfile %s is locked: another postfix-statsd is running",
		    path);
	pidfile_made = path;
	pidfile_fd = fd;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, buf, (size_t)n) != n)
		die("pidfile %s: %s", path, strerror(errno));
}

/*
 * Postfix's maillog_file (`postconf -h maillog_file`), in BUF, or NULL when
 * it is not set or postconf cannot tell. No shell; bounded in time and size.
 */
static const char *
postconf_maillog(char *buf, size_t len)
{
	static char *const argv[] = { "postconf", "-h", "maillog_file", NULL };
	struct pollfd pfd;
	size_t got = 0;
	int p[2], st, nul, ok = 1;
	struct timespec t0, t;
	pid_t pid;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0)
		return NULL;
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return NULL;
	}
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		if ((nul = open("/dev/null", O_RDWR)) >= 0) {
			dup2(nul, STDIN_FILENO);
			dup2(nul, STDERR_FILENO);
		}
		if (access("/usr/sbin/postconf", X_OK) == 0)
			execv("/usr/sbin/postconf", argv);
		execvp("postconf", argv);
		_exit(127);
	}
	close(p[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		long ms;

		clock_gettime(CLOCK_MONOTONIC, &t);
		ms = POSTCONF_MS - ((t.tv_sec - t0.tv_sec) * 1000
		    + (t.tv_nsec - t0.tv_nsec) / 1000000);
		pfd.fd = p[0];
		pfd.events = POLLIN;
		if (ms <= 0 || (n = poll(&pfd, 1, (int)ms)) == 0) {
			ok = 0;		/* too slow */
			break;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (n = read(p[0], buf + got, len - 1 - got)) < 0) {
			if (n < 0 && errno == EINTR)
				continue;
			ok = 0;
			break;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got >= len - 1) {
			ok = 0;		/* no path is that long */
			break;
		}
	}
	close(p[0]);
	if (!ok)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!ok || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return NULL;
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == ' '
	    || buf[got - 1] == '\t'))
		got--;
	buf[got] = '\0';
	/* An absolute path of printable characters; not /dev/stdout. */
	if (got == 0 || buf[0] != '/' || strncmp(buf, "/dev/", 5) == 0)
		return NULL;
	for (n = 0; (size_t)n < got; n++)
		if ((unsigned char)buf[n] < 0x21 || buf[n] == 0x7f)
			return NULL;
	return buf;
}

/* The log when -l is not given (SPEC 1.1); NULL: the journal. */
static const char *
default_log(void)
{
	static const char *const logs[] = {
		"/var/log/maillog", "/var/log/mail.log", NULL
	};
	static char pc[1024];
	const char *p;
	int i;

	if ((p = postconf_maillog(pc, sizeof(pc))) != NULL)
		return p;
	for (i = 0; logs[i] != NULL; i++)
		if (access(logs[i], F_OK) == 0)
			return logs[i];
	return NULL;
}

/*
 * While a source is being opened its errors are held back: the last one
 * says why an open failed (the one start-up message of main's die()); an
 * open that succeeds logs them as they were.
 */
#define OPEN_MSGS	4
static int opening;			/* open_source() is running */
static char open_msg[OPEN_MSGS][512];
static int open_nmsg;

static void
open_flush(int keep_last)
{
	int i;

	for (i = 0; i < open_nmsg - (keep_last ? 1 : 0); i++)
		log_err("%s", open_msg[i]);
	open_nmsg = 0;
}

static void
notify(int level, const char *msg, void *arg)
{
	(void)arg;
	if (opening && level <= LOG_ERR) {
		if (open_nmsg == OPEN_MSGS)
			open_flush(0);
		snprintf(open_msg[open_nmsg++], sizeof(open_msg[0]), "%s", msg);
		return;
	}
	if (level <= LOG_ERR)
		log_err("%s", msg);
	else if (level <= LOG_WARNING)
		log_warn("%s", msg);
	else
		log_info("%s", msg);
}

static const char *
source_text(int rc)
{
	switch (rc) {
	case SOURCE_ENOENT:
		return "no such file or directory";
	case SOURCE_EACCES:
		return "permission denied";
	case SOURCE_EOTHER:
		return "the position belongs to another kind of source";
	case SOURCE_EBADPOS:
		return "the saved position is damaged";
	default:
		return "not a log file that can be read";
	}
}

/* The kind of source that made a saved position. */
static const char *
pos_kind(const unsigned char *pos, size_t len)
{
	if (source_pos_is(pos, len, SOURCE_TAG_JOURNAL))
		return "journal";
	if (source_pos_is(pos, len, SOURCE_TAG_FILE)
	    || source_pos_is(pos, len, SOURCE_TAG_FILE_V0))
		return "file";
	return "unknown";
}

/*
 * THE SOURCE CALL SITE: the one place a source is opened (twice at most:
 * again without a position when the saved one is another source's).
 * FLAGS are SOURCE_FROM_START and SOURCE_ONCE.
 */
static int
open_source(struct source **sp, const struct opts *o, int flags,
    const unsigned char *pos, size_t poslen)
{
	struct filesrc_opts fo;

	if (o->journal) {
		struct journal_opts jo;

		jo.dir = o->journal_dir;
		jo.names = o->popts.names;
		jo.nnames = o->popts.nnames;
		jo.flags = flags;
		return journal_open(sp, &jo, pos, poslen, notify, NULL);
	}
	fo.path = o->logpath;
	fo.rotated_dir = o->rotated_dir;
	fo.flags = flags;
	/* FILESRC: filesrc_open() takes the same arguments. */
	return filesrc_open(sp, &fo, pos, poslen, notify, NULL);
}

static void
parse(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "once", no_argument, NULL, 'O' },
		{ "from-start", no_argument, NULL, 'S' },
		{ "rotated-dir", required_argument, NULL, 'R' },
		{ "journal", no_argument, NULL, 'J' },
		{ "journal-dir", required_argument, NULL, 'D' },
		{ "postqueue-config", required_argument, NULL, 'C' },
		{ "postqueue", required_argument, NULL, 'P' },
		{ "map-size", required_argument, NULL, 'M' },
		{ "exclude-hop", required_argument, NULL, 'x' },
		{ "syslog-name", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned long ul;
	char *end;
	int ch;

	memset(o, 0, sizeof(*o));
	o->popts.names = o->names;
	o->copts.exclude = o->hops;
	o->queue_secs = 60;
	o->db = getenv("POSTFIX_STATS_DB");
	if (o->db == NULL || *o->db == '\0')
		o->db = DEFAULT_DB;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":fl:d:p:u:q:n:x:hV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'f':
			o->foreground = 1;
			break;
		case 'l':
			if (*optarg == '\0')
				cli_usage(&prog, "-l needs a file name");
			o->logpath = optarg;
			break;
		case 'd':
			o->db = optarg;
			break;
		case 'p':
			o->pidfile = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'q':
			errno = 0;
			ul = strtoul(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0'
			    || errno != 0 || ul > 86400)
				cli_usage(&prog, "-q takes a number of seconds "
				    "from 0 to 86400, not %.64s", optarg);
			o->queue_secs = (unsigned)ul;
			break;
		case 'C':
			o->postqueue_config = optarg;
			break;
		case 'P':
			o->postqueue = optarg;
			break;
		case 'O':
			o->once = 1;
			break;
		case 'S':
			o->from_start = 1;
			break;
		case 'R':
			if (*optarg == '\0')
				cli_usage(&prog, "--rotated-dir needs a "
				    "directory");
			o->rotated_dir = optarg;
			break;
		case 'J':
			o->journal = 1;
			break;
		case 'D':
			if (*optarg == '\0')
				cli_usage(&prog, "--journal-dir needs a "
				    "directory");
			o->journal = 1;
			o->journal_dir = optarg;
			break;
		case 'M':
			errno = 0;
			ul = strtoul(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0'
			    || errno != 0 || ul < 65536)
				cli_usage(&prog, "--map-size takes a number of "
				    "bytes >= 65536, not %.64s", optarg);
			o->mapsize = ul;
			break;
		case 'n':
			if (*optarg == '\0')
				cli_usage(&prog, "-n needs a syslog name");
			if (o->popts.nnames >= MAX_NAMES)
				cli_usage(&prog, "at most %d -n options",
				    MAX_NAMES);
			o->names[o->popts.nnames++] = span_make(optarg,
			    strlen(optarg));
			break;
		case 'x':
			if (strcmp(optarg, "loopback") == 0) {
				o->copts.exclude_loopback = 1;
				break;
			}
			if (*optarg == '\0')
				cli_usage(&prog, "-x needs a host");
			if (o->copts.nexclude >= MAX_HOPS)
				cli_usage(&prog, "at most %d -x options",
				    MAX_HOPS);
			o->hops[o->copts.nexclude++] = span_make(optarg,
			    strlen(optarg));
			break;
		case 'h':
			cli_help(&prog);
		case 'V':
			cli_version(&prog);
		default:
			cli_getopt_error(&prog, ch, argv);
		}
	}
	if (optind != argc)
		cli_usage(&prog, "unexpected argument %.64s", argv[optind]);
	if (o->journal && o->logpath != NULL)
		cli_usage(&prog, "-l and --journal/--journal-dir exclude each "
		    "other");
	if (o->journal && o->rotated_dir != NULL)
		cli_usage(&prog, "--rotated-dir is for a log file, not the "
		    "journal");
}

int
main(int argc, char **argv)
{
	unsigned char pos[STORE_POS_MAX];
	size_t poslen = sizeof(pos);
	struct pump_opts po;
	struct pump *pump;
	struct qsample *qs = NULL;
	struct source *src;
	struct store *st;
	struct sigaction sa;
	struct opts o;
	const char *what;
	uid_t uid = 0;
	gid_t gid = 0;
	int flags, have, rc;

	parse(&o, argc, argv);
	if (o.logpath == NULL && !o.journal
	    && (o.logpath = default_log()) == NULL) {
		if (journal_present())
			o.journal = 1;	/* no mail log: the journal (SPEC 1.1) */
		else
			o.logpath = DEFAULT_LOG;	/* none yet: wait for it */
	}
	what = o.journal ? (o.journal_dir != NULL ? o.journal_dir
	    : "the journal") : o.logpath;
	if (o.user != NULL && privs_lookup(o.user, &uid, &gid) < 0) {
		fprintf(stderr, "%s: unknown user %s\n", prog.name, o.user);
		exit(CLI_EXIT_FAIL);
	}
	umask(022);
	if (!o.foreground && !o.once) {
		log_init(prog.name, 0);
		if (daemon_detach(prog.name) < 0)
			die("cannot become a daemon: %s", strerror(errno));
		if (o.pidfile == NULL)
			o.pidfile = DEFAULT_PIDFILE;
	} else {
		log_init(prog.name, 1);
	}
	if (o.pidfile != NULL)
		write_pidfile(o.pidfile);

	if ((rc = store_open(&st, o.db, 0, o.mapsize)) != STORE_OK) {
		if (rc == STORE_ELOCKED)
			die("%s", store_detail(st));
		die("cannot open database %s: %s (%s)", o.db,
		    store_strerror(rc), store_detail(st));
	}
	if (store_migrated(st))
		log_info("database %s migrated from schema 1: counters kept, "
		    "the read position carried over", o.db);
	if (o.user != NULL && geteuid() == 0
	    && (rc = store_give(st, uid, gid)) != STORE_OK)
		die("%s", store_detail(st));

	flags = (o.from_start ? SOURCE_FROM_START : 0)
	    | (o.once ? SOURCE_ONCE : 0);
	have = store_get_pos(st, pos, &poslen) == STORE_OK;
	/*
	 * Following, a missing log is waited for; --once reads what is there,
	 * and a log that is not there at all (no saved position to finish
	 * from) is a mistake worth an error in a batch job.
	 */
	if (o.once && !have && !o.journal && strcmp(o.logpath, "-") != 0
	    && access(o.logpath, F_OK) != 0 && errno == ENOENT)
		die("cannot read %s: no such file or directory (--once does not "
		    "wait for it)", o.logpath);
	opening = 1;
	rc = open_source(&src, &o, flags, have ? pos : NULL,
	    have ? poslen : 0);
	if (rc == SOURCE_EOTHER || rc == SOURCE_EBADPOS) {
		/* Never count the same events from two sources: begin at the end. */
		if (rc == SOURCE_EOTHER)
			log_warn("the saved position is the %s source's; "
			    "starting %s at its end, as on a first start",
			    pos_kind(pos, poslen), what);
		else
			log_warn("the saved position is damaged; starting %s "
			    "at its end", what);
		rc = open_source(&src, &o, flags & ~SOURCE_FROM_START, NULL, 0);
	}
	opening = 0;
	if (rc != SOURCE_OK && open_nmsg > 0) {
		int last = open_nmsg - 1;

		open_flush(1);
		die("cannot read %s: %s", what, open_msg[last]);
	}
	open_flush(0);
	if (rc != SOURCE_OK)
		die("cannot read %s: %s", what, source_text(rc));
	if (o.user != NULL && privs_drop(o.user, uid, gid) < 0)
		die("cannot drop privileges to %s: %s", o.user,
		    strerror(errno));

	memset(&po, 0, sizeof(po));
	po.popts = &o.popts;
	po.copts = &o.copts;
	po.db = o.db;
	if (!o.once && o.queue_secs > 0) {
		struct qsample_opts qo;

		memset(&qo, 0, sizeof(qo));
		qo.postqueue = o.postqueue;
		qo.config_dir = o.postqueue_config;
		qo.interval = o.queue_secs;
		if ((rc = qsample_new(&qs, &qo)) != QSAMPLE_OK)
			die("queue sampling: %s", qsample_strerror(rc));
		po.qs = qs;
		log_info("sampling the queues every %u s with %s%s%s -j",
		    qo.interval, qo.postqueue != NULL ? qo.postqueue
		    : QSAMPLE_POSTQUEUE, qo.config_dir != NULL ? " -c " : "",
		    qo.config_dir != NULL ? qo.config_dir : "");
	}
	if (pump_open(&pump, st, src, &po, notify, NULL) != 0)
		die("out of memory");

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	if (!o.once)
		log_info("following %s into %s", what, o.db);
	daemon_ready();

	while (!got_term) {
		if (got_hup) {
			got_hup = 0;
			log_info("SIGHUP: reopening %s", what);
			pump_reopen(pump);
		}
		if ((rc = pump_step(pump)) == PUMP_DONE)
			break;
		if (rc == PUMP_IDLE)
			(void)pump_wait(pump);
	}
	rc = pump_finish(pump);
	pump_close(pump);
	qsample_free(qs);	/* a running sample is killed, not waited for */
	source_close(src);
	store_close(st);
	pidfile_remove();
	if (rc != STORE_OK) {
		log_err("exiting with counts that could not be committed; "
		    "they will be counted again from the saved position");
		return CLI_EXIT_FAIL;
	}
	if (!o.once)
		log_info("exiting");
	return CLI_EXIT_OK;
}
