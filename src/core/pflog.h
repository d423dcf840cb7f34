/* SPDX-License-Identifier: ISC */
/*
 * pflog.h - split one syslog line into the parts of a Postfix log record
 */
#ifndef PFLOG_H
#define PFLOG_H

#include <stddef.h>
#include <stdint.h>

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

/*
 * The parts of a line. For PFLOG_POSTFIX every field is set; for
 * PFLOG_OTHER host, tag, pid and msg are set (msg: the whole message) and
 * service, daemon and qid are empty. Spans point into the line.
 */
struct pflog_rec {
	struct span	host;		/* "mx1", or empty (no host name, "-") */
	struct span	tag;		/* "postfix/submission/smtpd" */
	struct span	pid;		/* "1118", or empty */
	struct span	service;	/* "postfix/submission" */
	struct span	daemon;		/* "smtpd" */
	struct span	qid;		/* "641E0104455", "NOQUEUE", or empty */
	struct span	msg;		/* the text after "QID: ", or the whole message */
};

/*
 * The ways to find the header's boundaries: the same result by each. The
 * best the CPU has is chosen at start-up; a test may force another.
 */
enum pflog_path {
	PFLOG_PATH_SCALAR = 0,	/* a class table, byte by byte: always there */
	PFLOG_PATH_SSE2 = 1,
	PFLOG_PATH_AVX2 = 2,
	PFLOG_PATH_AVX512BW = 3,
	PFLOG_PATH_N = 4
};

/* pflog_parse: parse LINE (LEN bytes, no newline); OPTS may be NULL. */
enum pflog_kind pflog_parse(const char *line, size_t len,
	    const struct pflog_opts *opts, struct pflog_rec *rec);

/*
 * pflog_message: read P..P+LEN as the message of a Postfix line (spaces,
 * a Solaris "[ID n f.l]" prefix, "QID: ") into REC->qid and REC->msg.
 */
void	pflog_message(const char *p, size_t len, struct pflog_rec *rec);

/* pflog_is_noqueue: the record has "NOQUEUE" for a queue id. */
int	pflog_is_noqueue(const struct pflog_rec *rec);

/* pflog_path_supported: the CPU can run PATH. */
int	pflog_path_supported(enum pflog_path path);

/*
 * pflog_use_path: make every later pflog_parse() use PATH; 0, or -1 when
 * the CPU lacks it (nothing changes). For tests and benchmarks: call it
 * before any parsing starts, never while another thread parses.
 */
int	pflog_use_path(enum pflog_path path);

/* pflog_path: the path in use. pflog_path_name: "scalar", "sse2", ... */
enum pflog_path pflog_path(void);
const char *pflog_path_name(enum pflog_path path);

#endif
