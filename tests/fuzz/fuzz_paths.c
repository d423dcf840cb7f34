/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	fuzz_paths - libFuzzer harness: every pflog_parse() path alike
 * DESCRIPTION
 *	The input is one log line. It is parsed with the scalar path and with
 *	every other path the CPU supports (SSE2, AVX2, AVX-512BW), from a copy
 *	of exactly its length; the kinds and every span (as offsets) must be
 *	the same, and inside the line. A difference is a __builtin_trap().
 *	Paths the CPU lacks are left out (said once on stderr).
 * SECURITY
 *	A test harness; the input is any bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pflog.h"

#define CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

static void
spans(const char *buf, size_t len, enum pflog_kind k,
    const struct pflog_rec *r, long *out)
{
	const struct span *sp[7] = { &r->host, &r->tag, &r->pid, &r->service,
	    &r->daemon, &r->qid, &r->msg };
	int i;

	memset(out, 0, 14 * sizeof(*out));
	if (k == PFLOG_MALFORMED)
		return;
	for (i = 0; i < 7; i++) {
		if (k == PFLOG_OTHER && i >= 3 && i <= 5)
			continue;
		if (sp[i]->len == 0)
			continue;
		CHECK(sp[i]->p >= buf && sp[i]->p + sp[i]->len <= buf + len);
		out[2 * i] = (long)(sp[i]->p - buf);
		out[2 * i + 1] = (long)sp[i]->len;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int told;
	char *buf = malloc(size ? size : 1);
	struct pflog_rec rec;
	long want[14], got[14];
	enum pflog_kind kw, kg;
	int p;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	CHECK(pflog_use_path(PFLOG_PATH_SCALAR) == 0);
	kw = pflog_parse(buf, size, NULL, &rec);
	spans(buf, size, kw, &rec, want);
	for (p = 1; p < PFLOG_PATH_N; p++) {
		if (pflog_use_path((enum pflog_path)p) != 0) {
			if (!told)
				fprintf(stderr, "fuzz_paths: SKIP %s (CPU "
				    "lacks it)\n",
				    pflog_path_name((enum pflog_path)p));
			continue;
		}
		kg = pflog_parse(buf, size, NULL, &rec);
		spans(buf, size, kg, &rec, got);
		CHECK(kg == kw);
		CHECK(memcmp(want, got, sizeof(want)) == 0);
	}
	told = 1;
	free(buf);
	return 0;
}
