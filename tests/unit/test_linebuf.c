/* SPDX-License-Identifier: ISC */
/*
 * test_linebuf - unit tests for the line assembly (src/core/linebuf.c)
 *
 * NAME
 *	test_linebuf
 * DESCRIPTION
 *	Bytes are fed in pieces, as reads deliver them; the lines handed out,
 *	and the input bytes each one used, must not depend on the pieces.
 * DIAGNOSTICS
 *	cmocka's output; non-zero exit on a failure.
 * SECURITY
 *	Test code only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "linebuf.h"
#include "pflog.h"

/* Feed S in pieces of N bytes; the lines as "a|b|", long ones "<LONG>". */
static const char *
run(const char *s, size_t len, size_t n, int finish, uint64_t *used)
{
	static char out[1 << 16];
	struct linebuf lb;
	struct source_line l;
	uint64_t adv;
	size_t o = 0, at = 0, room, k;
	char *p;

	assert_int_equal(linebuf_init(&lb, 4096), 0);
	*used = 0;
	out[0] = '\0';
	for (;;) {
		while (linebuf_get(&lb, &l, &adv)) {
			const char *t = l.lng ? "<LONG>" : l.p;
			size_t tl = l.lng ? 6 : l.len;

			assert_true(o + tl + 2 < sizeof(out));
			memcpy(out + o, t, tl);
			o += tl;
			out[o++] = '|';
			*used += adv;
		}
		if (at == len)
			break;
		linebuf_compact(&lb);
		room = linebuf_room(&lb, &p);
		assert_true(room > 0);
		k = len - at < n ? len - at : n;
		if (k > room)
			k = room;
		memcpy(p, s + at, k);
		linebuf_added(&lb, k);
		at += k;
	}
	if (finish && linebuf_finish(&lb, &l, &adv)) {
		memcpy(out + o, l.lng ? "<LONG>" : l.p, l.lng ? 6 : l.len);
		o += l.lng ? 6 : l.len;
		out[o++] = '|';
		*used += adv;
	}
	out[o] = '\0';
	linebuf_free(&lb);
	return out;
}

static void
lines_do_not_depend_on_the_pieces(void **state)
{
	static const char s[] = "a\nbb\r\n\r\nc\rd\npartial";
	uint64_t used;
	size_t n;

	(void)state;
	for (n = 1; n < sizeof(s); n++) {
		assert_string_equal(run(s, sizeof(s) - 1, n, 0, &used),
		    "a|bb||c\rd|");
		assert_int_equal(used, 12);
		assert_string_equal(run(s, sizeof(s) - 1, n, 1, &used),
		    "a|bb||c\rd|partial|");
		assert_int_equal(used, sizeof(s) - 1);
	}
}

static void
long_lines_are_skipped_once_however_split(void **state)
{
	size_t len = 3 * PFLOG_LINE_MAX + 100, n;
	char *s = malloc(len);
	uint64_t used;

	(void)state;
	assert_non_null(s);
	/* x, PFLOG_LINE_MAX-1 bytes (kept), PFLOG_LINE_MAX (long), y */
	memcpy(s, "x\n", 2);
	memset(s + 2, 'a', PFLOG_LINE_MAX - 1);
	s[2 + PFLOG_LINE_MAX - 1] = '\n';
	memset(s + PFLOG_LINE_MAX + 2, 'b', PFLOG_LINE_MAX);
	s[2 * PFLOG_LINE_MAX + 2] = '\n';
	memcpy(s + 2 * PFLOG_LINE_MAX + 3, "y\n", 2);
	len = 2 * PFLOG_LINE_MAX + 5;
	for (n = 1000; n < 40000; n += 7777) {
		const char *o = run(s, len, n, 0, &used);

		assert_int_equal(used, len);
		assert_int_equal(strlen(o), 2 + PFLOG_LINE_MAX - 1 + 1 + 7 + 2);
		assert_memory_equal(o + strlen(o) - 9, "<LONG>|y|", 9);
	}
	/* A long line with its '\r' counted in. */
	memset(s, 'c', PFLOG_LINE_MAX - 1);
	memcpy(s + PFLOG_LINE_MAX - 1, "\r\n", 2);
	assert_string_equal(run(s, PFLOG_LINE_MAX + 1, 4096, 0, &used),
	    "<LONG>|");
	free(s);
}

static void
tail_is_the_bytes_before_the_last_line_end(void **state)
{
	struct linebuf lb;
	struct source_line l;
	uint64_t adv;
	const char *p;
	size_t n;
	char *room;

	(void)state;
	assert_int_equal(linebuf_init(&lb, 4096), 0);
	linebuf_history(&lb, "0123456789", 10);
	linebuf_tail(&lb, &p, &n);
	assert_int_equal(n, 10);
	assert_memory_equal(p, "0123456789", 10);
	(void)linebuf_room(&lb, &room);
	memcpy(room, "ab\ncd", 5);
	linebuf_added(&lb, 5);
	assert_int_equal(linebuf_get(&lb, &l, &adv), 1);
	assert_int_equal(adv, 3);
	assert_int_equal(linebuf_get(&lb, &l, &adv), 0);
	linebuf_tail(&lb, &p, &n);
	assert_int_equal(n, 13);
	assert_memory_equal(p, "0123456789ab\n", 13);
	assert_int_equal(linebuf_pending(&lb), 2);
	linebuf_compact(&lb);
	linebuf_tail(&lb, &p, &n);
	assert_memory_equal(p, "0123456789ab\n", 13);
	linebuf_free(&lb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines_do_not_depend_on_the_pieces),
		cmocka_unit_test(long_lines_are_skipped_once_however_split),
		cmocka_unit_test(tail_is_the_bytes_before_the_last_line_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
