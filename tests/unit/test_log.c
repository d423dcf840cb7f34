/* SPDX-License-Identifier: ISC */
/*
 * test_log - unit tests for escaping and rate limiting (src/util/log.c)
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"

static const char *
esc(const char *src, size_t len)
{
	static char out[256];

	memset(out, 'Q', sizeof(out));
	assert_ptr_equal(log_escape(out, sizeof(out), src, len), out);
	return out;
}

#define ESC(lit)	esc(lit, sizeof(lit) - 1)

static void
printable_ascii_is_copied(void **state)
{
	(void)state;
	assert_string_equal(ESC("hello, world <a@b> [1.2.3.4]:25 %s %n"),
	    "hello, world <a@b> [1.2.3.4]:25 %s %n");
	assert_string_equal(ESC(""), "");
	assert_string_equal(esc(NULL, 0), "");
}

static void
control_and_high_bytes_are_octal_escapes(void **state)
{
	(void)state;
	assert_string_equal(ESC("a\nb"), "a\\012b");
	assert_string_equal(ESC("\r\t\033[31m"), "\\015\\011\\033[31m");
	assert_string_equal(ESC("\x7f"), "\\177");
	assert_string_equal(ESC("\xc3\xa9"), "\\303\\251");
	assert_string_equal(ESC("\xff"), "\\377");
}

static void
backslash_is_escaped_so_output_is_unambiguous(void **state)
{
	(void)state;
	assert_string_equal(ESC("\\012"), "\\134012");
	assert_string_equal(ESC("\\"), "\\134");
}

static void
nul_bytes_are_escaped_not_the_end(void **state)
{
	(void)state;
	assert_string_equal(ESC("a\0b"), "a\\000b");
	assert_string_equal(ESC("\0\0"), "\\000\\000");
}

static void
long_text_is_truncated_with_dots(void **state)
{
	char src[500], dst[40];

	(void)state;
	memset(src, 'a', sizeof(src));
	log_escape(dst, sizeof(dst), src, sizeof(src));
	assert_true(strlen(dst) < sizeof(dst));
	assert_true(strlen(dst) >= 3);
	assert_string_equal(dst + strlen(dst) - 3, "...");
	assert_int_equal(strspn(dst, "a"), strlen(dst) - 3);
	/* An escape is never cut in half. */
	memset(src, '\n', sizeof(src));
	log_escape(dst, sizeof(dst), src, sizeof(src));
	assert_true(strlen(dst) < sizeof(dst));
	assert_int_equal((strlen(dst) - 3) % 4, 0);
	assert_string_equal(dst + strlen(dst) - 3, "...");
}

static void
short_text_fits_without_dots(void **state)
{
	char dst[32];

	(void)state;
	log_escape(dst, sizeof(dst), "abcdef", 6);
	assert_string_equal(dst, "abcdef");
	log_escape(dst, sizeof(dst), "\n\n", 2);
	assert_string_equal(dst, "\\012\\012");
}

/* Whatever the sizes, nothing is written beyond DSTLEN and DST is a string. */
static void
escape_never_writes_beyond_dstlen(void **state)
{
	static const char *const srcs[] = {
		"a", "abc", "abcdefghijklmnopqrstuvwxyz0123456789",
		"\n", "\n\n\n\n\n\n\n\n\n\n", "a\nb\\c\0d\377efghijklmnop",
	};
	static const size_t lens[] = { 1, 3, 36, 1, 10, 20 };
	char buf[64];
	size_t s, dstlen, i;

	(void)state;
	for (s = 0; s < sizeof(srcs) / sizeof(srcs[0]); s++)
		for (dstlen = 0; dstlen <= 48; dstlen++) {
			memset(buf, '#', sizeof(buf));
			log_escape(buf, dstlen, srcs[s], lens[s]);
			for (i = dstlen; i < sizeof(buf); i++)
				if (buf[i] != '#')
					fail_msg("src %zu, dstlen %zu: byte %zu "
					    "written", s, dstlen, i);
			if (dstlen > 0 && memchr(buf, '\0', dstlen) == NULL)
				fail_msg("src %zu, dstlen %zu: no NUL", s,
				    dstlen);
		}
}

/* ---- log_limited ---- */

struct cap {
	char	dir[PATH_MAX];
	char	file[PATH_MAX + 16];
	int	saved;
};

static void
capture_start(struct cap *c)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	snprintf(c->dir, sizeof(c->dir), "%s/pfstats-log.XXXXXX",
	    tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(c->dir));
	snprintf(c->file, sizeof(c->file), "%s/stderr", c->dir);
	fd = open(c->file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	fflush(stderr);
	c->saved = dup(STDERR_FILENO);
	assert_true(c->saved >= 0);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	close(fd);
}

/* Stop capturing; the captured text. */
static const char *
capture_end(struct cap *c)
{
	static char text[4096];
	FILE *fp;
	size_t n;

	fflush(stderr);
	assert_true(dup2(c->saved, STDERR_FILENO) >= 0);
	close(c->saved);
	fp = fopen(c->file, "r");
	assert_non_null(fp);
	n = fread(text, 1, sizeof(text) - 1, fp);
	text[n] = '\0';
	fclose(fp);
	unlink(c->file);
	rmdir(c->dir);
	return text;
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		if (*s == '\n')
			n++;
	return n;
}

static void
limited_logs_once_a_minute_per_cause(void **state)
{
	struct log_limit lim = { 0, 0 };
	struct cap c;
	const char *out;

	(void)state;
	log_init("unit-log", 1);
	capture_start(&c);
	log_limited(&lim, "bad input %d", 1);
	log_limited(&lim, "bad input %d", 2);
	log_limited(&lim, "bad input %d", 3);
	out = capture_end(&c);
	assert_string_equal(out, "unit-log: bad input 1\n");
	assert_int_equal(lim.suppressed, 2);
	assert_true(lim.last != 0);
}

static void
limited_reports_how_many_were_suppressed(void **state)
{
	struct log_limit lim = { 0, 0 };
	struct cap c;
	const char *out;

	(void)state;
	log_init("unit-log", 1);
	capture_start(&c);
	log_limited(&lim, "cause A");
	log_limited(&lim, "cause A");
	log_limited(&lim, "cause A");
	lim.last -= 61;			/* a minute later */
	log_limited(&lim, "cause A again");
	log_limited(&lim, "cause A");
	out = capture_end(&c);
	assert_int_equal(count_lines(out), 3);
	assert_non_null(strstr(out, "unit-log: cause A\n"));
	assert_non_null(strstr(out, "2 similar messages suppressed"));
	assert_non_null(strstr(out, "unit-log: cause A again\n"));
	assert_true(strstr(out, "suppressed") < strstr(out, "again"));
	assert_int_equal(lim.suppressed, 1);
}

static void
limits_of_different_causes_are_independent(void **state)
{
	struct log_limit a = { 0, 0 }, b = { 0, 0 };
	struct cap c;
	const char *out;

	(void)state;
	log_init("unit-log", 1);
	capture_start(&c);
	log_limited(&a, "cause A");
	log_limited(&b, "cause B");
	log_limited(&a, "cause A");
	out = capture_end(&c);
	assert_string_equal(out, "unit-log: cause A\nunit-log: cause B\n");
}

static void
limited_message_after_59_seconds_is_still_suppressed(void **state)
{
	struct log_limit lim = { 0, 0 };
	struct cap c;
	const char *out;

	(void)state;
	log_init("unit-log", 1);
	capture_start(&c);
	log_limited(&lim, "x");
	lim.last -= 59;
	log_limited(&lim, "x");
	out = capture_end(&c);
	assert_int_equal(count_lines(out), 1);
	assert_int_equal(lim.suppressed, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(printable_ascii_is_copied),
		cmocka_unit_test(control_and_high_bytes_are_octal_escapes),
		cmocka_unit_test(backslash_is_escaped_so_output_is_unambiguous),
		cmocka_unit_test(nul_bytes_are_escaped_not_the_end),
		cmocka_unit_test(long_text_is_truncated_with_dots),
		cmocka_unit_test(short_text_fits_without_dots),
		cmocka_unit_test(escape_never_writes_beyond_dstlen),
		cmocka_unit_test(limited_logs_once_a_minute_per_cause),
		cmocka_unit_test(limited_reports_how_many_were_suppressed),
		cmocka_unit_test(limits_of_different_causes_are_independent),
		cmocka_unit_test(limited_message_after_59_seconds_is_still_suppressed),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
