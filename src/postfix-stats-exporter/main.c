/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	postfix-stats-exporter - serve the counters to Prometheus over HTTP
 * SYNOPSIS
 *	postfix-stats-exporter [-f] [-d DB] [-u USER] [-L ADDRESS:PORT]
 * DESCRIPTION
 *	Listens on ADDRESS:PORT (default 127.0.0.1:9159; "[::1]:9159" for
 *	IPv6, ":9159" for every IPv4 address) and answers GET and HEAD:
 *	/metrics with the counters in the Prometheus text format 0.0.4, read
 *	from the database at each request (a read-only snapshot, view_load(),
 *	promtext_render()); / with a small landing page; anything else 404;
 *	other methods 405. One libmicrohttpd thread polls every connection;
 *	their number (in all and per client address), their idle time and
 *	their memory are bounded. Started as root, it binds, then becomes
 *	USER (default postfix-stats) for good before it serves anything.
 *	Without -f it detaches and logs to syslog (facility daemon).
 *	SIGTERM and SIGINT stop it with status 0. See postfix-stats-exporter(8).
 * DIAGNOSTICS
 *	Start-up failures (bad address, port in use, unknown user): one line
 *	on stderr, exit 1; bad options exit 2. A database that cannot be read
 *	at request time: 503 with a one-line reason (never made-up numbers),
 *	and a rate-limited line in the log.
 * SECURITY
 *	Read only: the database is opened with STORE_RDONLY and needs no
 *	write access. Request paths, headers and bodies are never echoed or
 *	logged. Nothing is served but two fixed paths; the connection limits
 *	keep a slow or hostile client from holding the exporter.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "cli.h"
#include "daemon.h"
#include "log.h"
#include "privs.h"
#include "promtext.h"
#include "store.h"
#include "view.h"

#define PROG		"postfix-stats-exporter"
#define DEFAULT_DB	"/var/lib/postfix-stats"
#define DEFAULT_USER	"postfix-stats"
#define DEFAULT_PORT	"9159"
#define DEFAULT_LISTEN	"127.0.0.1:" DEFAULT_PORT

/* Bounds on what clients may hold (see postfix-stats-exporter(8)). */
#define CONN_LIMIT	64		/* connections in all */
#define CONN_PER_IP	8		/* connections per client address */
#define CONN_TIMEOUT	10		/* seconds a connection may idle */
#define CONN_MEMORY	(16 * 1024)	/* bytes per connection (headers) */
#define LISTEN_BACKLOG	64

static const struct cli_prog prog = {
	PROG,
	PROG " [-f] [-d DB] [-u USER] [-L ADDRESS:PORT]",
	"  -f              stay in the foreground, log to stderr\n"
	"  -d DB           the database (default $POSTFIX_STATS_DB or "
	DEFAULT_DB ")\n"
	"  -u USER         run as USER when started as root (default "
	DEFAULT_USER ")\n"
	"  -L ADDR:PORT    listen there (default " DEFAULT_LISTEN
	"; [::1]:PORT for IPv6,\n"
	"                  :PORT for every IPv4 address)\n"
	"  -h, --help      this help\n"
	"  -V, --version   the version\n"
};

static const char landing[] =
    "<!DOCTYPE html>\n"
    "<html><head><meta charset=\"utf-8\"><title>postfix-stats-exporter"
    "</title></head>\n<body><h1>postfix-stats-exporter</h1>\n"
    "<p>Postfix counters from postfix-stats, in the Prometheus text "
    "format: <a href=\"metrics\">/metrics</a>.</p>\n</body></html>\n";
static const char not_found[] = "404 not found: try /metrics\n";
static const char not_allowed[] = "405 method not allowed: GET or HEAD\n";
static const char type_text[] = "text/plain; charset=utf-8";

static const char *db;
static struct log_limit lim_db, lim_mhd;

/* One polling thread answers every request: these are its own. */
static struct view view;
static char text[PROMTEXT_BUFSIZE];

static enum MHD_Result
answer(struct MHD_Connection *c, unsigned status, const char *type,
    const char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
	    mode);
	if (r == NULL)
		return MHD_NO;
	if (MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type)
	    != MHD_YES
	    || MHD_add_response_header(r, "X-Content-Type-Options", "nosniff")
	    != MHD_YES
	    || MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
	    "no-store") != MHD_YES
	    || (status == MHD_HTTP_METHOD_NOT_ALLOWED
	    && MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD")
	    != MHD_YES)) {
		MHD_destroy_response(r);
		return MHD_NO;
	}
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
serve_metrics(struct MHD_Connection *c)
{
	struct store *st;
	char msg[160];
	ssize_t n;
	int rc;

	if ((rc = store_open(&st, db, STORE_RDONLY, 0)) == STORE_OK)
		rc = view_load(st, time(NULL), &view);
	if (rc != STORE_OK) {
		log_limited(&lim_db, "cannot read database %s: %s (%s)", db,
		    store_strerror(rc), store_detail(st));
		store_close(st);
		n = snprintf(msg, sizeof(msg), PROG ": database unavailable: "
		    "%s\n", store_strerror(rc));
		return answer(c, MHD_HTTP_SERVICE_UNAVAILABLE, type_text, msg,
		    (size_t)n, MHD_RESPMEM_MUST_COPY);
	}
	store_close(st);
	if ((n = promtext_render(&view, text, sizeof(text))) < 0) {
		log_limited(&lim_db, "the metrics do not fit %zu bytes",
		    sizeof(text));
		n = snprintf(msg, sizeof(msg), PROG ": internal error\n");
		return answer(c, MHD_HTTP_INTERNAL_SERVER_ERROR, type_text, msg,
		    (size_t)n, MHD_RESPMEM_MUST_COPY);
	}
	return answer(c, MHD_HTTP_OK, PROMTEXT_CONTENT_TYPE, text, (size_t)n,
	    MHD_RESPMEM_MUST_COPY);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **ctx)
{
	static int seen;

	(void)cls;
	(void)version;
	(void)upload;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0
	    && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return answer(c, MHD_HTTP_METHOD_NOT_ALLOWED, type_text,
		    not_allowed, sizeof(not_allowed) - 1,
		    MHD_RESPMEM_PERSISTENT);
	if (*ctx == NULL) {		/* headers read; wait for the rest */
		*ctx = &seen;
		return MHD_YES;
	}
	if (*upload_size != 0) {	/* a body on GET: ignored */
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(url, "/metrics") == 0)
		return serve_metrics(c);
	if (strcmp(url, "/") == 0)
		return answer(c, MHD_HTTP_OK, "text/html; charset=utf-8",
		    landing, sizeof(landing) - 1, MHD_RESPMEM_PERSISTENT);
	return answer(c, MHD_HTTP_NOT_FOUND, type_text, not_found,
	    sizeof(not_found) - 1, MHD_RESPMEM_PERSISTENT);
}

static void mhd_log(void *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[256];

	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	buf[strcspn(buf, "\n")] = '\0';
	log_limited(&lim_mhd, "libmicrohttpd: %s", buf);
}

/*
 * Parse "ADDR:PORT", "[ADDR6]:PORT" or ":PORT" (every IPv4 address) into
 * SS. Numeric addresses only: no name service at start-up.
 */
static int
parse_listen(const char *arg, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *port;
	size_t hlen;
	char *end;
	long p;

	memset(ss, 0, sizeof(*ss));
	if (arg[0] == '[') {
		if ((colon = strchr(arg, ']')) == NULL || colon[1] != ':')
			return -1;
		hlen = (size_t)(colon - arg - 1);
		port = colon + 2;
		if (hlen == 0 || hlen >= sizeof(host))
			return -1;
		memcpy(host, arg + 1, hlen);
		host[hlen] = '\0';
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
			return -1;
		sin6->sin6_family = AF_INET6;
		*len = sizeof(*sin6);
	} else {
		if ((colon = strrchr(arg, ':')) == NULL)
			return -1;
		hlen = (size_t)(colon - arg);
		port = colon + 1;
		if (hlen >= sizeof(host))
			return -1;
		memcpy(host, arg, hlen);
		host[hlen] = '\0';
		if (hlen == 0)
			sin->sin_addr.s_addr = htonl(INADDR_ANY);
		else if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			return -1;
		sin->sin_family = AF_INET;
		*len = sizeof(*sin);
	}
	if (*port < '0' || *port > '9')
		return -1;
	errno = 0;
	p = strtol(port, &end, 10);
	if (errno != 0 || *end != '\0' || p < 1 || p > 65535)
		return -1;
	if (ss->ss_family == AF_INET6)
		sin6->sin6_port = htons((uint16_t)p);
	else
		sin->sin_port = htons((uint16_t)p);
	return 0;
}

static int
listen_on(const struct sockaddr_storage *ss, socklen_t len)
{
	int fd, on = 1;

	if ((fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0
	    || bind(fd, (const struct sockaddr *)ss, len) < 0
	    || listen(fd, LISTEN_BACKLOG) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *listen_arg = DEFAULT_LISTEN, *user = DEFAULT_USER;
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct MHD_Daemon *d;
	sigset_t sigs;
	int ch, fd, sig, foreground = 0, user_given = 0;
	uid_t uid = 0;
	gid_t gid = 0;

	db = getenv("POSTFIX_STATS_DB");
	if (db == NULL || *db == '\0')
		db = DEFAULT_DB;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":fd:u:L:hV", longopts, NULL))
	    != -1) {
		switch (ch) {
		case 'f':
			foreground = 1;
			break;
		case 'd':
			db = optarg;
			break;
		case 'u':
			user = optarg;
			user_given = 1;
			break;
		case 'L':
			listen_arg = optarg;
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
	if (parse_listen(listen_arg, &ss, &sslen) < 0)
		cli_usage(&prog, "bad listen address %.64s (ADDRESS:PORT, "
		    "[IPV6]:PORT or :PORT, numeric)", listen_arg);
	if (geteuid() == 0 && privs_lookup(user, &uid, &gid) < 0) {
		fprintf(stderr, PROG ": unknown user %s (create it, or name "
		    "another with -u)\n", user);
		exit(1);
	}
	if (geteuid() != 0 && user_given) {
		fprintf(stderr, PROG ": -u %s needs root; not started as root, "
		    "the exporter runs as who started it\n", user);
		exit(1);
	}
	if ((fd = listen_on(&ss, sslen)) < 0) {
		fprintf(stderr, PROG ": cannot listen on %s: %s\n", listen_arg,
		    strerror(errno));
		exit(1);
	}
	log_init(PROG, foreground);
	if (!foreground && daemon_detach(PROG) < 0) {
		fprintf(stderr, PROG ": cannot detach: %s\n", strerror(errno));
		exit(1);
	}
	if (geteuid() == 0 && privs_drop(user, uid, gid) < 0)
		log_fatal("cannot drop privileges to %s: %s", user,
		    strerror(errno));

	/* Signals are taken by sigwait() below, in no thread of MHD's. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	d = MHD_start_daemon(MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG
	    | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
	    0, NULL, NULL, on_request, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)CONN_LIMIT,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)CONN_PER_IP,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONN_TIMEOUT,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
	    MHD_OPTION_END);
	if (d == NULL)
		log_fatal("cannot start the HTTP server on %s", listen_arg);
	log_info("serving %s/metrics from %s", listen_arg, db);
	daemon_ready();

	for (;;) {
		if (sigwait(&sigs, &sig) != 0)
			continue;
		if (sig == SIGTERM || sig == SIGINT)
			break;
		/* SIGHUP: nothing to reload; SIGPIPE: nothing to do. */
	}
	MHD_stop_daemon(d);
	close(fd);
	log_info("stopped on signal %d", sig);
	return 0;
}
