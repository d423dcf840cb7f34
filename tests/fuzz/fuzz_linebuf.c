/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	fuzz_linebuf - libFuzzer harness for the pure line assembly
 * DESCRIPTION
 *	Byte 0 seeds the sizes of the pieces the rest (the content) is fed
 *	in. What linebuf hands out must be the content split at '\n': a piece
 *	of PFLOG_LINE_MAX bytes or more is one long line, any other one a line
 *	without a trailing '\r'; the input bytes used add up to the end of
 *	the last line; the tail is the bytes before that end; linebuf_finish()
 *	hands out the last piece without a newline. No files: it runs fast.
 *	Inputs with byte 1 odd are "stretched": 0x01 N stands for (N + 1) *
 *	128 bytes 'A', so that small inputs make long lines.
 *	A mismatch is a __builtin_trap().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linebuf.h"
#include "pflog.h"

#define CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)
#define CONTENT_MAX	(512 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static char *content;
static struct linebuf lb;

static void
expect(const char *c, size_t len, size_t *at, const struct source_line *l,
    uint64_t adv, int final)
{
	const char *p = c + *at, *nl = memchr(p, '\n', len - *at);
	size_t raw = nl != NULL ? (size_t)(nl - p) : len - *at, k = raw;

	CHECK(*at < len);
	CHECK(nl != NULL || final);
	CHECK(adv == raw + (nl != NULL));
	*at += adv;
	if (raw >= PFLOG_LINE_MAX) {
		CHECK(l->lng && l->len == 0);
		return;
	}
	CHECK(!l->lng);
	if (k > 0 && p[k - 1] == '\r')
		k--;
	CHECK(l->len == k && (k == 0 || memcmp(l->p, p, k) == 0));
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct source_line l;
	uint64_t adv;
	size_t len = 0, at = 0, fed = 0, i, room, k;
	unsigned seed;
	const char *t;
	char *p;

	if (content == NULL && ((content = malloc(CONTENT_MAX)) == NULL
	    || linebuf_init(&lb, 4096) < 0))
		abort();
	if (n < 2)
		return 0;
	seed = d[0];
	for (i = 2; i < n && len < CONTENT_MAX; i++) {
		if ((d[1] & 1) && d[i] == 0x01 && i + 1 < n) {
			size_t r = ((size_t)d[++i] + 1) * 128;

			if (r > CONTENT_MAX - len)
				r = CONTENT_MAX - len;
			memset(content + len, 'A', r);
			len += r;
		} else {
			content[len++] = (char)d[i];
		}
	}
	linebuf_reset(&lb);
	while (fed < len) {
		linebuf_compact(&lb);
		room = linebuf_room(&lb, &p);
		CHECK(room >= 4096);
		seed = seed * 1103515245u + 12345u;
		k = 1 + (seed >> 8) % 9000;
		if (k > room)
			k = room;
		if (k > len - fed)
			k = len - fed;
		memcpy(p, content + fed, k);
		linebuf_added(&lb, k);
		fed += k;
		while (linebuf_get(&lb, &l, &adv)) {
			expect(content, len, &at, &l, adv, 0);
			linebuf_tail(&lb, &t, &k);
			CHECK(k <= LINEBUF_HIST && k <= at);
			CHECK(k == 0 || memcmp(t, content + at - k, k) == 0);
		}
		CHECK(linebuf_pending(&lb) == fed - at);
	}
	if (linebuf_finish(&lb, &l, &adv))
		expect(content, len, &at, &l, adv, 1);
	CHECK(at == len);
	return 0;
}
