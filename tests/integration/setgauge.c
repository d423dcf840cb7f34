/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	setgauge - set gauges in a postfix-stats database, for tests
 * SYNOPSIS
 *	setgauge DB KEY=VALUE... +KEY=N...
 * DESCRIPTION
 *	Opens (creates) the database DB as a writer and sets each gauge KEY
 *	(queue:active, self:heartbeat, ...) to VALUE with store_set(), and
 *	adds N to each static counter +KEY with store_add(), in one commit.
 *	The readers' tests use it to have gauges to read before the follower
 *	sets them itself, and counters beyond 2^32.
 * DIAGNOSTICS
 *	Exit 1 with a message when DB cannot be written or KEY is no gauge;
 *	2 on bad usage.
 * SECURITY
 *	A test tool; not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "store.h"

int
main(int argc, char **argv)
{
	struct store *st;
	int i, rc, id;

	if (argc < 3) {
		fprintf(stderr, "usage: setgauge DB KEY=VALUE...\n");
		return 2;
	}
	if ((rc = store_open(&st, argv[1], 0, 0)) != STORE_OK) {
		fprintf(stderr, "setgauge: %s: %s\n", argv[1],
		    store_strerror(rc));
		return 1;
	}
	for (i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		if (eq == NULL) {
			fprintf(stderr, "setgauge: %s: no =VALUE\n", argv[i]);
			return 2;
		}
		*eq = '\0';
		if (argv[i][0] == '+') {
			id = keys_find(argv[i] + 1);
			if (id < 0 || keys_entry((enum keys_id)id)->type
			    != KEYS_COUNTER) {
				fprintf(stderr, "setgauge: %s is no static "
				    "counter\n", argv[i] + 1);
				return 1;
			}
			store_add(st, id, span_make("", 0),
			    strtoull(eq + 1, NULL, 10));
			continue;
		}
		id = keys_find(argv[i]);
		if (id < 0 || keys_entry((enum keys_id)id)->type
		    != KEYS_GAUGE) {
			fprintf(stderr, "setgauge: %s is no gauge\n", argv[i]);
			return 1;
		}
		store_set(st, id, strtoull(eq + 1, NULL, 10));
	}
	if ((rc = store_commit(st, NULL, 0)) != STORE_OK) {
		fprintf(stderr, "setgauge: commit: %s\n", store_strerror(rc));
		return 1;
	}
	store_close(st);
	return 0;
}
