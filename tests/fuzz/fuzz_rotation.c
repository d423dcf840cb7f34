/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	fuzz_rotation - libFuzzer harness for the rotation name matcher
 * DESCRIPTION
 *	Splits the input at its first NUL into a log's base name and a file
 *	name beside it, and asks rotation_match() whether the file is a
 *	rotation of the log. Checks what must hold for any names: no crash or
 *	overread (ASan), a match only for a name that starts with the base and
 *	is longer than it, never the log itself, never mail.info/.warn/.err
 *	beside mail, and a compressed match only for a name that
 *	rotation_compressed() also calls compressed.
 * DIAGNOSTICS
 *	abort() on a broken property; libFuzzer keeps the input.
 * SECURITY
 *	File names in the log's directory are chosen by whoever can write
 *	there; the matcher must not trust them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rotation.h"

#define CHECK(c) do { if (!(c)) { \
	fprintf(stderr, "fuzz_rotation: %s failed\n", #c); abort(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[512], *base, *name, *nul;
	struct rotation_name r;
	size_t blen;

	if (size >= sizeof(buf))
		size = sizeof(buf) - 1;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if ((nul = memchr(buf, '\0', size)) == NULL || nul == buf
	    || nul == buf + size)
		return 0;
	base = buf;
	name = nul + 1;
	if (strchr(base, '/') != NULL || strchr(name, '/') != NULL)
		return 0;
	blen = strlen(base);
	memset(&r, 0, sizeof(r));
	if (!rotation_match(base, name, &r))
		return 0;
	CHECK(strncmp(name, base, blen) == 0);
	CHECK(strlen(name) > blen);
	CHECK(strcmp(name, base) != 0);
	if (strcmp(base, "mail") == 0)
		CHECK(strcmp(name, "mail.info") != 0 && strcmp(name, "mail.warn")
		    != 0 && strcmp(name, "mail.err") != 0);
	if (r.compressed)
		CHECK(rotation_compressed(name));
	return 0;
}
