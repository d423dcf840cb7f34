/* SPDX-License-Identifier: ISC */
/*
 * fixture.h - what the unit tests share: a private temporary directory
 *
 * fx_tmpdir() makes "$TMPDIR/pfstats-WHAT.XXXXXX" (TMPDIR, else /tmp) with
 * umask 022 and writes its path to BUF; fx_rmtree() removes a directory
 * and everything in it, also files a test made unreadable. Included by
 * test programs only (static functions).
 */
#ifndef FIXTURE_H
#define FIXTURE_H

#include <sys/stat.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

static int __attribute__((unused))
fx_tmpdir(char *buf, size_t len, const char *what)
{
	const char *tmp = getenv("TMPDIR");

	umask(022);
	if ((size_t)snprintf(buf, len, "%s/pfstats-%s.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp", what) >= len)
		return -1;
	return mkdtemp(buf) != NULL ? 0 : -1;
}

static int
fx_rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	chmod(p, 0700);
	return remove(p);
}

static void __attribute__((unused))
fx_rmtree(const char *path)
{
	nftw(path, fx_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
