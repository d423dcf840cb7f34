/* SPDX-License-Identifier: ISC */
/*
 * classify.h - turn a parsed Postfix record into counter increments
 */
#ifndef CLASSIFY_H
#define CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "pflog.h"
#include "span.h"

/* Hops not to count (content filters): loopback, or named hosts. */
struct classify_opts {
	int		 exclude_loopback;
	const struct span *exclude;	/* "host", "addr", "addr:port" or "[addr]:port" */
	size_t		 nexclude;
};

#define CLASSIFY_MAX_INC	3

struct classify_inc {
	int		key;		/* enum keys_id, or KEY_SENT_DYNAMIC */
	struct span	transport;	/* for KEY_SENT_DYNAMIC: T of sent:T */
};

struct classify_result {
	size_t		n;
	struct classify_inc inc[CLASSIFY_MAX_INC];
	int		unparsed;	/* a countable kind of line that did not parse */
	int		excluded;	/* not counted: an excluded hop */
	uint64_t	mult;		/* how many times each increment counts: 1,
					   or N for "message repeated N times: [ MSG ]"
					   (the caller adds mult per increment) */
	uint64_t	log_dropped;	/* Postfix messages the logging system says it
					   dropped (rsyslog rate limit, journald
					   "Suppressed N messages"): self:log_dropped */
};

/* classify: the increments REC calls for (SPEC section 2); OPTS may be NULL. */
void	classify(const struct pflog_rec *rec, const struct classify_opts *opts,
	    struct classify_result *out);

/*
 * classify_line: pflog_parse() then classify(); returns the pflog_kind.
 * Also reads rsyslog's "message repeated N times: [MSG]" (OUT->mult = N)
 * and the logging system's loss notices in lines of other programs
 * (OUT->log_dropped, for self:log_dropped).
 */
enum pflog_kind classify_line(const char *line, size_t len,
	    const struct pflog_opts *popts, const struct classify_opts *copts,
	    struct classify_result *out);

#endif
