/*
 * pflog.h - split one syslog line into the parts of a Postfix log record
 */
#ifndef PFLOG_H
#define PFLOG_H

#include <stddef.h>

#include "span.h"

/* The longest line we parse; longer lines are skipped and counted. */
#define PFLOG_LINE_MAX	16384

/* What pflog_parse() found. */
enum pflog_kind {
	PFLOG_POSTFIX = 0,	/* a line of Postfix: REC is filled in */
	PFLOG_OTHER = 1,	/* a well-formed line of another program */
	PFLOG_MALFORMED = 2	/* no TIMESTAMP HOST TAG: header */
};

/* Syslog names that count as Postfix besides those starting with "postfix". */
struct pflog_opts {
	const struct span *names;
	size_t		 nnames;
};

struct pflog_rec {
	struct span	tag;		/* "postfix/submission/smtpd" */
	struct span	service;	/* "postfix/submission" */
	struct span	daemon;		/* "smtpd" */
	struct span	qid;		/* "641E0104455", "NOQUEUE", or empty */
	struct span	msg;		/* the text after "QID: ", or the whole message */
};

/* pflog_parse: parse LINE (LEN bytes, no newline); OPTS may be NULL. */
enum pflog_kind pflog_parse(const char *line, size_t len,
	    const struct pflog_opts *opts, struct pflog_rec *rec);

/* pflog_is_noqueue: the record has "NOQUEUE" for a queue id. */
int	pflog_is_noqueue(const struct pflog_rec *rec);

#endif
