/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	postfix-stats-agentx - serve the postfix-stats counters over AgentX
 * SYNOPSIS
 *	postfix-stats-agentx [-f] [-d DB] [-u USER] [-x AGENTX_SOCKET]
 * DESCRIPTION
 *	An AgentX subagent (RFC 2741) of a running snmpd with "master
 *	agentx": serves POSTFIX-STATS-MIB (mibs/, generated from the keys
 *	catalogue) from the database, every counter a Counter64, every gauge
 *	and age a Gauge32 (clamped to 2^32-1). The values come from one
 *	view_load() of the database, opened read-only, kept for at most a
 *	second. Answers GET and GETNEXT (GETBULK through Net-SNMP's
 *	bulk_to_next helper). It pings the master every few seconds and
 *	reconnects when snmpd restarts. It keeps no state files. See
 *	postfix-stats-agentx(8).
 * DIAGNOSTICS
 *	Start-up errors (bad option, unknown user, privileges that cannot be
 *	dropped): one line on stderr, exit 1 (2 for usage). At run time a
 *	database that cannot be read is logged (at most once a minute) and
 *	its objects are absent: GET answers noSuchInstance, GETNEXT skips
 *	them; never a made-up number. SIGTERM and SIGINT: exit 0.
 * SECURITY
 *	Started as root it drops to USER (default postfix-stats) before
 *	talking to snmpd or reading the database. Read only: the database is
 *	opened without a lock and without write access; SET requests are
 *	refused by the agent library (the registration is read-only).
 */
#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "cli.h"
#include "daemon.h"
#include "keys.h"
#include "log.h"
#include "pfsmib.h"
#include "privs.h"
#include "snmproot.h"
#include "store.h"
#include "view.h"

#define PROG		"postfix-stats-agentx"
#define DEFAULT_DB	"/var/lib/postfix-stats"
#define DEFAULT_USER	"postfix-stats"
#define PING_INTERVAL	5	/* seconds between AgentX pings / reconnects */
#define CACHE_MS	1000	/* served values are at most this old */

static const struct cli_prog prog = {
	PROG,
	PROG " [-f] [-d DB] [-u USER] [-x AGENTX_SOCKET]",
	"  -f, --foreground  stay in the foreground, log to stderr\n"
	"  -d DB             the database (default $POSTFIX_STATS_DB or "
	DEFAULT_DB ")\n"
	"  -u USER           started as root, run as USER (default "
	DEFAULT_USER ")\n"
	"  -x SOCKET         snmpd's AgentX socket (default: the library's,\n"
	"                    /var/agentx/master; or tcp:HOST:PORT)\n"
	"  -h, --help        this help\n"
	"  -V, --version     the version\n"
};

/* One object instance: its OID and value, sorted by OID. */
struct row {
	oid		 name[MAX_OID_LEN];
	size_t		 len;
	u_char		 type;		/* ASN_COUNTER64 or ASN_GAUGE */
	uint64_t	 val;
};

#define ROWS_MAX	(2 * VIEW_MAX + 8)

static const oid root[] = { SNMPROOT_OID };

static struct {
	const char	*db;
	struct view	 v;
	struct row	 rows[ROWS_MAX];
	size_t		 n;
	int		 loaded;
	long long	 loaded_ms;
	int		 failing;	/* the last load failed */
	struct log_limit lim;
} S;

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Append a row: root . A . B . SUFFIX[0..NS). */
static void
add_row(unsigned a, unsigned b, const oid *suffix, size_t ns, u_char type,
    uint64_t val)
{
	struct row *r;

	if (S.n >= ROWS_MAX || SNMPROOT_OID_LEN + 3 + ns > MAX_OID_LEN)
		return;
	r = &S.rows[S.n++];
	memcpy(r->name, root, sizeof(root));
	r->len = SNMPROOT_OID_LEN;
	r->name[r->len++] = PFSMIB_OBJECTS;
	r->name[r->len++] = a;
	r->name[r->len++] = b;
	memcpy(r->name + r->len, suffix, ns * sizeof(oid));
	r->len += ns;
	r->type = type;
	r->val = val;
}

static int
cmp_row(const void *x, const void *y)
{
	const struct row *a = x, *b = y;

	return snmp_oid_compare(a->name, a->len, b->name, b->len);
}

/* The rows of view item IT: its scalar, its transport or reply row. */
static void
rows_of(const struct view_item *it)
{
	oid sfx[2 + KEYS_TRANSPORT_MAX];
	unsigned client, cls;
	size_t i, tl;

	if (it->e != NULL) {
		sfx[0] = 0;
		add_row(PFSMIB_KEYS, it->e->snmp, sfx, 1,
		    it->e->type == KEYS_COUNTER ? ASN_COUNTER64 : ASN_GAUGE,
		    it->val);
		if (it->e->type == KEYS_COUNTER
		    && pfsmib_reply(it->name, &client, &cls)) {
			sfx[0] = PFSMIB_REPLY_COUNT;
			sfx[1] = client;
			sfx[2] = cls;
			add_row(PFSMIB_REPLIES, 1, sfx, 3, ASN_COUNTER64,
			    it->val);
		}
	}
	if (strncmp(it->name, "sent:", 5) == 0
	    && (tl = strlen(it->name + 5)) > 0 && tl <= KEYS_TRANSPORT_MAX) {
		sfx[0] = PFSMIB_TRANSPORT_SENT;
		sfx[1] = tl;
		for (i = 0; i < tl; i++)
			sfx[2 + i] = (unsigned char)it->name[5 + i];
		add_row(PFSMIB_TRANSPORTS, 1, sfx, 2 + tl, ASN_COUNTER64,
		    it->val);
	}
}

/* Load the view again when it is a second old. */
static void
refresh(void)
{
	struct store *st = NULL;
	long long now = mono_ms();
	size_t i;
	int rc;

	if (S.loaded && now - S.loaded_ms < CACHE_MS && now >= S.loaded_ms)
		return;
	S.loaded = 1;
	S.loaded_ms = now;
	S.n = 0;
	if ((rc = store_open(&st, S.db, STORE_RDONLY, 0)) == STORE_OK)
		rc = view_load(st, time(NULL), &S.v);
	if (rc != STORE_OK) {
		log_limited(&S.lim, "cannot read database %s: %s (%s); its "
		    "objects are absent", S.db, store_strerror(rc),
		    st != NULL ? store_detail(st) : "");
		S.failing = 1;
		store_close(st);
		return;
	}
	store_close(st);
	if (S.failing)
		log_info("database %s readable again", S.db);
	S.failing = 0;
	for (i = 0; i < S.v.n; i++)
		rows_of(&S.v.item[i]);
	qsort(S.rows, S.n, sizeof(S.rows[0]), cmp_row);
}

/* The first row at NAME (EXACT) or after it; NULL if none. */
static const struct row *
find(const oid *name, size_t len, int exact)
{
	size_t lo = 0, hi = S.n, mid;
	int c;

	while (lo < hi) {		/* the first row >= NAME */
		mid = lo + (hi - lo) / 2;
		if (snmp_oid_compare(S.rows[mid].name, S.rows[mid].len, name,
		    len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == S.n)
		return NULL;
	c = snmp_oid_compare(S.rows[lo].name, S.rows[lo].len, name, len);
	if (exact)
		return c == 0 ? &S.rows[lo] : NULL;
	if (c == 0 && ++lo == S.n)
		return NULL;
	return &S.rows[lo];
}

static void
set_value(netsnmp_variable_list *vb, const struct row *r)
{
	struct counter64 c64;
	u_long g;

	if (r->type == ASN_COUNTER64) {
		c64.high = (u_long)(r->val >> 32);
		c64.low = (u_long)(r->val & 0xffffffffu);
		snmp_set_var_typed_value(vb, ASN_COUNTER64, &c64, sizeof(c64));
	} else {
		g = r->val > 0xffffffffu ? 0xffffffffu : (u_long)r->val;
		snmp_set_var_typed_value(vb, ASN_GAUGE, &g, sizeof(g));
	}
}

static int
handler(netsnmp_mib_handler *h, netsnmp_handler_registration *reg,
    netsnmp_agent_request_info *ri, netsnmp_request_info *req)
{
	const struct row *r;

	(void)h;
	(void)reg;
	refresh();
	for (; req != NULL; req = req->next) {
		netsnmp_variable_list *vb = req->requestvb;

		if (req->processed)
			continue;
		switch (ri->mode) {
		case MODE_GET:
			if ((r = find(vb->name, vb->name_length, 1)) == NULL)
				netsnmp_set_request_error(ri, req,
				    SNMP_NOSUCHINSTANCE);
			else
				set_value(vb, r);
			break;
		case MODE_GETNEXT:
			/* None after it: left unset, the agent goes on. */
			if ((r = find(vb->name, vb->name_length, 0)) != NULL) {
				snmp_set_var_objid(vb, r->name, r->len);
				set_value(vb, r);
			}
			break;
		default:
			netsnmp_set_request_error(ri, req, SNMP_ERR_GENERR);
			break;
		}
	}
	return SNMP_ERR_NOERROR;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	netsnmp_handler_registration *reg;
	const char *user = NULL, *sock = NULL;
	int foreground = 0, ch;
	uid_t uid = 0;
	gid_t gid = 0;
	struct sigaction sa;

	S.db = getenv("POSTFIX_STATS_DB");
	if (S.db == NULL || *S.db == '\0')
		S.db = DEFAULT_DB;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":fd:u:x:hV", longopts, NULL))
	    != -1) {
		switch (ch) {
		case 'f':
			foreground = 1;
			break;
		case 'd':
			S.db = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'x':
			sock = optarg;
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

	/* Root drops to USER; anybody else runs as itself. */
	if (geteuid() == 0) {
		if (user == NULL)
			user = DEFAULT_USER;
		if (privs_lookup(user, &uid, &gid) < 0) {
			fprintf(stderr, "%s: unknown user %s (create it, or "
			    "name another with -u)\n", PROG, user);
			return CLI_EXIT_FAIL;
		}
		if (privs_drop(user, uid, gid) < 0) {
			fprintf(stderr, "%s: cannot drop privileges to %s: "
			    "%s\n", PROG, user, strerror(errno));
			return CLI_EXIT_FAIL;
		}
	} else if (user != NULL && (privs_lookup(user, &uid, &gid) < 0
	    || uid != geteuid())) {
		fprintf(stderr, "%s: -u %s needs root\n", PROG, user);
		return CLI_EXIT_FAIL;
	}

	log_init(PROG, foreground);
	if (!foreground && daemon_detach(PROG) < 0) {
		fprintf(stderr, "%s: cannot detach: %s\n", PROG, strerror(errno));
		return CLI_EXIT_FAIL;
	}
	if (foreground)
		snmp_enable_stderrlog();
	else
		snmp_enable_syslog_ident(PROG, LOG_DAEMON);

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_term;	/* no SA_RESTART: select() returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE,
	    1);
	if (sock != NULL)
		netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID,
		    NETSNMP_DS_AGENT_X_SOCKET, sock);
	/* No state files: nothing in /var/lib/snmp is read or written. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	init_agent(PROG);
	reg = netsnmp_create_handler_registration("postfixStatsMIB", handler,
	    root, OID_LENGTH(root), HANDLER_CAN_RONLY);
	if (reg == NULL || netsnmp_register_handler(reg) != MIB_REGISTERED_OK)
		log_fatal("cannot register the MIB's subtree");
	init_snmp(PROG);
	/* Only after init_snmp(): earlier the library resets it. */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID,
	    NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL, PING_INTERVAL);
	log_info("serving %s under .1.3.6.1.4.1.%d.%d as uid %ld",
	    S.db, SNMPROOT_PEN, SNMPROOT_ARC, (long)geteuid());
	daemon_ready();

	while (!stop)
		agent_check_and_process(1);
	log_info("stopping");
	snmp_shutdown(PROG);
	return CLI_EXIT_OK;
}
