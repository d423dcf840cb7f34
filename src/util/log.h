/* SPDX-License-Identifier: ISC */
/*
 * log.h - the programs' own diagnostics: syslog LOG_DAEMON or stderr
 */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>
#include <time.h>

/* log_init: name the program; TO_STDERR nonzero logs to stderr, else syslog(LOG_DAEMON). */
void	log_init(const char *ident, int to_stderr);
/* log_info, log_warn, log_err: one message at that level. */
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* log_fatal: log at error level and exit(1). */
void	log_fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/* log_escape: copy untrusted SRC into DST as printable ASCII, truncated; returns DST. */
char	*log_escape(char *dst, size_t dstlen, const char *src, size_t len);

/* A rate limit for one cause of bad input: at most one message a minute. */
struct log_limit {
	time_t		last;
	unsigned long	suppressed;
};

/* log_limited: log_warn() unless LIM allowed a message less than 60 s ago. */
void	log_limited(struct log_limit *lim, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
