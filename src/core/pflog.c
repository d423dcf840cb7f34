/*
 * NAME
 *	pflog - parse the header of a Postfix syslog line
 * SYNOPSIS
 *	#include "pflog.h"
 *
 *	enum pflog_kind pflog_parse(line, len, opts, rec)
 * DESCRIPTION
 *	A mail log line is "TIMESTAMP HOST TAG[PID]: MESSAGE". pflog_parse()
 *	walks it left to right, by position, and fills REC with spans into
 *	LINE: the tag, the service (everything before the tag's last '/'),
 *	the daemon (the last component), the queue id and the message text
 *	after it.
 *
 *	TIMESTAMP is a BSD syslog stamp ("Nov 29 00:07:00", day padded with a
 *	space or a zero, optional fractional seconds), the same with a leading
 *	year ("2013 Jun 10 06:27:30.123", syslog-ng and rsyslog templates), or
 *	RFC 3339 ("2026-11-29T00:07:00.123456+00:00"). The TAG is the token
 *	right after HOST and nothing else: text that looks like a tag further
 *	on is message text of some other program.
 *
 *	A tag is Postfix's when it has a '/' and its first component starts
 *	with "postfix" or equals one of the names in OPTS.
 *
 *	In the message, extra spaces and a Solaris "[ID 197553 mail.info] "
 *	prefix are skipped; a queue id is any run of ASCII letters and digits
 *	followed by ':' (anonymised logs use all letters), except the words
 *	Postfix uses for its own warnings ("warning:", "error:", ...).
 * DIAGNOSTICS
 *	Returns PFLOG_POSTFIX, PFLOG_OTHER or PFLOG_MALFORMED; REC is defined
 *	only for PFLOG_POSTFIX.
 * SECURITY
 *	Pure: no I/O, no allocation, no state. LINE is untrusted bytes of any
 *	value (NUL included) and is never read beyond LEN.
 */
#include <string.h>

#include "pflog.h"

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Skip spaces; return the new position. */
static size_t
skip_spaces(const char *s, size_t i, size_t len)
{
	while (i < len && s[i] == ' ')
		i++;
	return i;
}

/* Skip a run of digits of length MIN..MAX; return the new position or 0. */
static size_t
skip_digits(const char *s, size_t i, size_t len, size_t min, size_t max)
{
	size_t n = 0;

	while (i + n < len && is_digit(s[i + n]))
		n++;
	return (n >= min && n <= max) ? i + n : 0;
}

static int
is_month(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int m;

	for (m = 0; m < 12; m++)
		if (memcmp(s, months + 3 * m, 3) == 0)
			return 1;
	return 0;
}

/* "Mon D HH:MM:SS[.frac]" at I; return the position after it, or 0. */
static size_t
skip_bsd_stamp(const char *s, size_t i, size_t len)
{
	if (len - i < 3 || !is_month(s + i))
		return 0;
	i += 3;
	if (i >= len || s[i] != ' ')
		return 0;
	i = skip_spaces(s, i, len);
	if ((i = skip_digits(s, i, len, 1, 2)) == 0)
		return 0;
	if (i >= len || s[i] != ' ')
		return 0;
	i = skip_spaces(s, i, len);
	if ((i = skip_digits(s, i, len, 2, 2)) == 0 || i >= len || s[i] != ':')
		return 0;
	if ((i = skip_digits(s, i + 1, len, 2, 2)) == 0 || i >= len
	    || s[i] != ':')
		return 0;
	if ((i = skip_digits(s, i + 1, len, 2, 2)) == 0)
		return 0;
	if (i < len && s[i] == '.'
	    && (i = skip_digits(s, i + 1, len, 1, 9)) == 0)
		return 0;
	return i;
}

/* "YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm)" at I; return the end, or 0. */
static size_t
skip_rfc3339(const char *s, size_t i, size_t len)
{
	size_t j;

	if (len - i < 19 || s[i + 4] != '-' || s[i + 7] != '-'
	    || s[i + 10] != 'T' || s[i + 13] != ':' || s[i + 16] != ':')
		return 0;
	for (j = i; j < i + 19; j++)
		if (j != i + 4 && j != i + 7 && j != i + 10 && j != i + 13
		    && j != i + 16 && !is_digit(s[j]))
			return 0;
	i += 19;
	/* Fraction and zone: digits, '.', ':', '+', '-', 'Z' up to a space. */
	while (i < len && s[i] != ' ') {
		char c = s[i];

		if (!is_digit(c) && c != '.' && c != ':' && c != '+'
		    && c != '-' && c != 'Z')
			return 0;
		i++;
	}
	return i;
}

static size_t
skip_timestamp(const char *s, size_t len)
{
	size_t i;

	if (len < 4)
		return 0;
	if (is_digit(s[0])) {
		if ((i = skip_digits(s, 0, len, 4, 4)) == 0 || i >= len)
			return 0;
		if (s[i] == '-')
			return skip_rfc3339(s, 0, len);
		if (s[i] != ' ')
			return 0;
		return skip_bsd_stamp(s, i + 1, len);
	}
	return skip_bsd_stamp(s, 0, len);
}

static int
is_postfix_name(struct span first, const struct pflog_opts *opts)
{
	size_t n;

	if (span_has_prefix(first, "postfix"))
		return 1;
	for (n = 0; opts != NULL && n < opts->nnames; n++)
		if (opts->names[n].len > 0 && span_eq(first, opts->names[n]))
			return 1;
	return 0;
}

/* Words Postfix puts where a queue id could stand. */
static int
is_severity(struct span w)
{
	static const struct span words[] = {
		SPAN_LIT("warning"), SPAN_LIT("error"), SPAN_LIT("fatal"),
		SPAN_LIT("panic"), SPAN_LIT("info"), SPAN_LIT("statistics")
	};
	size_t n;

	/* Queue ids are mostly upper case: most lines stop here. */
	if (w.len < 4 || w.p[0] < 'a' || w.p[0] > 'z')
		return 0;
	for (n = 0; n < sizeof(words) / sizeof(words[0]); n++)
		if (span_eq(w, words[n]))
			return 1;
	return 0;
}

enum pflog_kind
pflog_parse(const char *s, size_t len, const struct pflog_opts *opts,
    struct pflog_rec *rec)
{
	size_t i, tag_start, tag_end, j, first_slash, last_slash;

	/* TIMESTAMP */
	if ((i = skip_timestamp(s, len)) == 0 || i >= len || s[i] != ' ')
		return PFLOG_MALFORMED;
	/* HOST */
	i = skip_spaces(s, i, len);
	if (i >= len)
		return PFLOG_MALFORMED;
	while (i < len && s[i] != ' ')
		i++;
	i = skip_spaces(s, i, len);
	if (i >= len)
		return PFLOG_MALFORMED;
	/* TAG: up to '[' or ':' */
	tag_start = i;
	first_slash = last_slash = 0;
	while (i < len && s[i] != '[' && s[i] != ':' && s[i] != ' ') {
		if (s[i] == '/') {
			if (first_slash == 0)
				first_slash = i + 1;
			last_slash = i + 1;
		}
		i++;
	}
	tag_end = i;
	if (tag_end == tag_start || i >= len || s[i] == ' ')
		return PFLOG_MALFORMED;
	if (s[i] == '[') {
		if ((j = skip_digits(s, i + 1, len, 1, 10)) == 0 || j >= len
		    || s[j] != ']')
			return PFLOG_MALFORMED;
		i = j + 1;
	}
	if (i >= len || s[i] != ':' || (i + 1 < len && s[i + 1] != ' '))
		return PFLOG_MALFORMED;
	i++;
	/* A tag of Postfix? */
	if (first_slash == 0 || first_slash - 1 == tag_start
	    || last_slash == tag_end
	    || !is_postfix_name(span_make(s + tag_start,
		first_slash - 1 - tag_start), opts))
		return PFLOG_OTHER;
	rec->tag = span_make(s + tag_start, tag_end - tag_start);
	rec->service = span_make(s + tag_start, last_slash - 1 - tag_start);
	rec->daemon = span_make(s + last_slash, tag_end - last_slash);

	/* MESSAGE: spaces, an optional Solaris "[ID n facility.level]". */
	i = skip_spaces(s, i, len);
	if (len - i > 4 && memcmp(s + i, "[ID ", 4) == 0) {
		const char *rb = memchr(s + i, ']', len - i);

		if (rb != NULL)
			i = skip_spaces(s, (size_t)(rb - s) + 1, len);
	}
	/* QUEUEID: */
	for (j = i; j < len && is_alnum(s[j]); j++)
		;
	rec->qid = SPAN_NULL;
	if (j > i && j < len && s[j] == ':'
	    && !is_severity(span_make(s + i, j - i))) {
		rec->qid = span_make(s + i, j - i);
		i = skip_spaces(s, j + 1, len);
	}
	rec->msg = span_make(s + i, len - i);
	return PFLOG_POSTFIX;
}

int
pflog_is_noqueue(const struct pflog_rec *rec)
{
	return span_eq_str(rec->qid, "NOQUEUE");
}
