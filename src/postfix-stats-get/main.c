/*
 * NAME
 *	postfix-stats-get - print a postfix-stats counter
 * SYNOPSIS
 *	postfix-stats-get [-d DB] KEY
 *	postfix-stats-get [-d DB] --all
 * DESCRIPTION
 *	Prints the value of KEY ("sent:smtp", category case-insensitive), or
 *	every counter as "KEY VALUE" lines sorted by key: each key of the
 *	catalogue (0 when never counted) and each dynamic sent:T key stored.
 *	A well-formed key that was never counted prints 0. This is the
 *	program snmpd runs through exec or extend. See postfix-stats-get(1).
 * DIAGNOSTICS
 *	A malformed key: exit 2. A database that cannot be read: exit 1. In
 *	both cases one line on stderr and nothing on stdout.
 * SECURITY
 *	Read only: the database is opened without a lock and without write
 *	access, so this runs as any user and can change nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keys.h"
#include "promtext.h"
#include "store.h"
#include "view.h"

#define DEFAULT_DB	"/var/lib/postfix-stats"

static void
usage(void)
{
	fprintf(stderr, "usage: postfix-stats-get [-d DB] KEY\n"
	    "       postfix-stats-get [-d DB] --all\n"
	    "       postfix-stats-get [-d DB] --prometheus\n");
	exit(2);
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
	int i, all = 0, rc;

	if (db == NULL || *db == '\0')
		db = DEFAULT_DB;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-d") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "--all") == 0)
			all = 1;
		else if (strcmp(argv[i], "--prometheus") == 0)
			all = prometheus = 1;
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			usage();
		else if (key == NULL)
			key = argv[i];
		else
			usage();
	}
	if (all == (key != NULL))
		usage();
	if (key != NULL && keys_normalize(key, canon, sizeof(canon)) < 0) {
		fprintf(stderr, "postfix-stats-get: malformed key \"%.*s\" "
		    "(expected category:name, e.g. sent:smtp; see --all)\n",
		    KEYS_NAME_MAX, key);
		return 2;
	}
	if ((rc = store_open(&st, db, STORE_RDONLY, 0)) != STORE_OK) {
		fprintf(stderr, "postfix-stats-get: cannot open database %s: "
		    "%s (%s)\n", db, store_strerror(rc), store_detail(st));
		store_close(st);
		return 1;
	}
	if (all)
		rc = print_all(st);
	else if ((rc = view_get(st, canon, time(NULL), &val))
	    == VIEW_EABSENT) {
		fprintf(stderr, "postfix-stats-get: %s has no value: the gauge "
		    "was never sampled\n", canon);
		store_close(st);
		return 1;
	}
	if (rc != STORE_OK) {
		fprintf(stderr, "postfix-stats-get: cannot read %s: %s (%s)\n",
		    db, store_strerror(rc), store_detail(st));
		store_close(st);
		return 1;
	}
	if (!all)
		printf("%llu\n", (unsigned long long)val);
	store_close(st);
	if (fflush(stdout) != 0 || ferror(stdout))
		return 1;
	return 0;
}
