/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	postfix-stats-get - print a postfix-stats counter
 * SYNOPSIS
 *	postfix-stats-get [-d DB] KEY
 *	postfix-stats-get [-d DB] --all
 *	postfix-stats-get [-d DB] --prometheus
 *	postfix-stats-get -h | -V
 * DESCRIPTION
 *	Prints the value of KEY ("sent:smtp", category case-insensitive), or
 *	every counter as "KEY VALUE" lines sorted by key: each key of the
 *	catalogue (0 when never counted) and each dynamic sent:T key stored.
 *	A well-formed key that was never counted prints 0. This is the
 *	program snmpd runs through exec or extend. See postfix-stats-get(1).
 * DIAGNOSTICS
 *	A usage error, a malformed key, a key of an unknown category or an
 *	unknown key of a known category: exit 2. A database that cannot be
 *	read: exit 1. In every error case one line on stderr (the usage
 *	follows a usage error) and nothing on stdout.
 * SECURITY
 *	Read only: the database is opened without a lock and without write
 *	access, so this runs as any user and can change nothing. A key echoed
 *	in a message is truncated and its unprintable bytes replaced.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "keys.h"
#include "promtext.h"
#include "store.h"
#include "view.h"

#define DEFAULT_DB	"/var/lib/postfix-stats"
#define PROG		"postfix-stats-get"

static const struct cli_prog prog = {
	PROG,
	PROG " [-d DB] KEY\n"
	"       " PROG " [-d DB] --all\n"
	"       " PROG " [-d DB] --prometheus\n"
	"       " PROG " -h | -V",
	"  -d DB          the database directory (default $POSTFIX_STATS_DB,\n"
	"                 else " DEFAULT_DB ")\n"
	"  --all          print every counter, \"KEY VALUE\" per line, sorted\n"
	"  --prometheus   print every key in the Prometheus text format (the\n"
	"                 exporter's /metrics), e.g. for node_exporter's textfile\n"
	"  -h, --help     print this help and exit\n"
	"  -V, --version  print the version and exit\n"
	"\nKEY is category:name, e.g. sent:smtp; --all lists the keys.\n"
};

enum { OPT_ALL = 256, OPT_PROMETHEUS };

static const struct option longopts[] = {
	{ "all",	no_argument,	NULL,	OPT_ALL },
	{ "prometheus",	no_argument,	NULL,	OPT_PROMETHEUS },
	{ "help",	no_argument,	NULL,	'h' },
	{ "version",	no_argument,	NULL,	'V' },
	{ NULL,		0,		NULL,	0 }
};

/* printable: KEY, truncated to KEYS_NAME_MAX, unprintable bytes as '?'. */
static const char *
printable(const char *key, char *out, size_t outlen)
{
	size_t i;

	for (i = 0; key[i] != '\0' && i + 1 < outlen && i < KEYS_NAME_MAX;
	    i++)
		out[i] = isprint((unsigned char)key[i]) ? key[i] : '?';
	out[i] = '\0';
	return out;
}

/* key_chars_ok: S (LEN bytes) is a possible category or name. */
static int
key_chars_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_'
		    && s[i] != '.' && s[i] != '-')
			return 0;
	return 1;
}

/* category_known: some catalogue key has category CAT (LEN bytes, any case). */
static int
category_known(const char *cat, size_t len)
{
	const struct keys_entry *e;
	int id;

	for (id = 0; id < KEYS_STATIC_COUNT; id++) {
		e = keys_entry(id);
		if (strncasecmp(e->name, cat, len) == 0 && e->name[len] == ':')
			return 1;
	}
	return 0;
}

/*
 * key_refused: keys_normalize() refused KEY; say why on stderr (malformed,
 * unknown category or unknown key) and return the exit status.
 */
static int
key_refused(const char *key)
{
	char shown[KEYS_NAME_MAX + 1];
	const char *colon = strchr(key, ':');
	size_t clen;

	printable(key, shown, sizeof(shown));
	if (colon == NULL || strlen(key) > KEYS_NAME_MAX
	    || !key_chars_ok(key, (size_t)(colon - key))
	    || !key_chars_ok(colon + 1, strlen(colon + 1))) {
		fprintf(stderr, "%s: malformed key \"%s\": expected "
		    "category:name, e.g. sent:smtp (--all lists the keys)\n",
		    PROG, shown);
		return CLI_EXIT_USAGE;
	}
	clen = (size_t)(colon - key);
	if (!category_known(key, clen)) {
		fprintf(stderr, "%s: unknown category \"%.*s\" in key \"%s\" "
		    "(--all lists the keys)\n", PROG, (int)clen, shown, shown);
		return CLI_EXIT_USAGE;
	}
	fprintf(stderr, "%s: unknown key \"%s\" (--all lists the keys)\n",
	    PROG, shown);
	return CLI_EXIT_USAGE;
}

static int prometheus;	/* --prometheus: the exporter's text */

static int
print_all(struct store *st)
{
	static struct view v;
	static char text[PROMTEXT_BUFSIZE];
	ssize_t n;
	size_t i;
	int rc;

	if ((rc = view_load(st, time(NULL), &v)) != STORE_OK)
		return rc;
	if (prometheus) {
		if ((n = promtext_render(&v, text, sizeof(text))) < 0)
			return STORE_EIO;
		fwrite(text, 1, (size_t)n, stdout);
		return STORE_OK;
	}
	for (i = 0; i < v.n; i++)
		printf("%s %llu\n", v.item[i].name,
		    (unsigned long long)v.item[i].val);
	return STORE_OK;
}

int
main(int argc, char **argv)
{
	const char *db = getenv("POSTFIX_STATS_DB"), *key = NULL;
	char canon[KEYS_NAME_MAX + 1];
	struct store *st;
	uint64_t val;
	int ch, all = 0, rc;

	if (db == NULL || *db == '\0')
		db = DEFAULT_DB;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":d:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case OPT_PROMETHEUS:
			prometheus = 1;
			/* FALLTHROUGH */
		case OPT_ALL:
			all = 1;
			break;
		case 'h':
			cli_help(&prog);
		case 'V':
			cli_version(&prog);
		default:
			cli_getopt_error(&prog, ch, argv);
		}
	}
	if (optind < argc)
		key = argv[optind++];
	if (optind < argc)
		cli_usage(&prog, "one KEY at a time (extra argument \"%.64s\")",
		    argv[optind]);
	if (all && key != NULL)
		cli_usage(&prog, "a KEY or --all/--prometheus, not both");
	if (!all && key == NULL)
		cli_usage(&prog, "a KEY, --all or --prometheus is needed");
	if (key != NULL && keys_normalize(key, canon, sizeof(canon)) < 0)
		return key_refused(key);
	if ((rc = store_open(&st, db, STORE_RDONLY, 0)) != STORE_OK) {
		fprintf(stderr, "%s: cannot open database %s: %s (%s)\n",
		    PROG, db, store_strerror(rc), store_detail(st));
		store_close(st);
		return CLI_EXIT_FAIL;
	}
	if (all)
		rc = print_all(st);
	else if ((rc = view_get(st, canon, time(NULL), &val))
	    == VIEW_EABSENT) {
		fprintf(stderr, "%s: %s has no value: the gauge was never "
		    "sampled\n", PROG, canon);
		store_close(st);
		return CLI_EXIT_FAIL;
	}
	if (rc != STORE_OK) {
		fprintf(stderr, "%s: cannot read %s: %s (%s)\n",
		    PROG, db, store_strerror(rc), store_detail(st));
		store_close(st);
		return CLI_EXIT_FAIL;
	}
	if (!all)
		printf("%llu\n", (unsigned long long)val);
	store_close(st);
	if (fflush(stdout) != 0 || ferror(stdout))
		return CLI_EXIT_FAIL;
	return CLI_EXIT_OK;
}
