/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	log - diagnostics of the postfix-stats programs
 * SYNOPSIS
 *	#include "log.h"
 * DESCRIPTION
 *	Messages go to syslog with facility LOG_DAEMON, or to stderr when the
 *	program runs in the foreground. Never LOG_MAIL: the follower must not
 *	write into the mail log it reads.
 *
 *	log_escape() makes untrusted bytes (text from the mail log) safe to
 *	log: non-printable bytes become \ooo escapes and the result is
 *	truncated with "..." to fit.
 *
 *	log_limited() lets bad input be reported without letting it flood
 *	the log: one message a minute per cause, with the number suppressed.
 * DIAGNOSTICS
 *	log_fatal() exits with status 1.
 * SECURITY
 *	Format strings are always the caller's constants; untrusted text
 *	must pass through log_escape() first.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "daemon.h"
#include "log.h"

static const char *log_ident = "postfix-stats";
static int log_stderr = 1;

void
log_init(const char *ident, int to_stderr)
{
	log_ident = ident;
	log_stderr = to_stderr;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void log_vmsg(int, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

static void
log_vmsg(int pri, const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_stderr)
		fprintf(stderr, "%s: %s\n", log_ident, buf);
	else
		syslog(LOG_DAEMON | pri, "%s", buf);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_fatal(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_err("%s", msg);
	daemon_fail(msg);	/* a parent waiting for start-up says it too */
	exit(1);
}

char *
log_escape(char *dst, size_t dstlen, const char *src, size_t len)
{
	size_t i, o = 0, room = dstlen > 4 ? dstlen - 4 : 0;

	if (dstlen == 0)
		return dst;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= room)
				goto trunc;
			dst[o++] = (char)c;
		} else {
			if (o + 4 >= room)
				goto trunc;
			snprintf(dst + o, 5, "\\%03o", c);
			o += 4;
		}
	}
	dst[o] = '\0';
	return dst;
trunc:
	if (dstlen >= 4) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o < dstlen ? o : dstlen - 1] = '\0';
	return dst;
}

void
log_limited(struct log_limit *lim, const char *fmt, ...)
{
	time_t now = time(NULL);
	va_list ap;

	if (lim->last != 0 && now - lim->last < 60) {
		lim->suppressed++;
		return;
	}
	if (lim->suppressed)
		log_warn("(%lu similar messages suppressed)", lim->suppressed);
	lim->last = now;
	lim->suppressed = 0;
	va_start(ap, fmt);
	log_vmsg(LOG_WARNING, fmt, ap);
	va_end(ap);
}
