/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	rotation - which files are rotations of a log
 * SYNOPSIS
 *	#include "rotation.h"
 * DESCRIPTION
 *	rotation_match() decides by name alone. A rotation of the log BASE is
 *	BASE followed by one of
 *	    .N                  logrotate's default, savelog (N: 1-6 digits)
 *	    -YYYYMMDD           logrotate dateext, and with any separators and
 *	    -YYYY-MM-DD         time digits after the date (dateformat
 *	    -YYYYMMDDHH ...     -%Y%m%d%H, -%Y-%m-%d-%H%M%S)
 *	    .YYYYMMDD-HHMMSS    Postfix's own "postfix logrotate"
 *	each optionally followed by a compression suffix (.gz .xz .bz2 .zst
 *	.lz4 .lzma .Z). Anything else beside the log is not a rotation: on
 *	openSUSE "mail.info", "mail.warn" and "mail.err" lie beside "mail" and
 *	are other logs.
 *
 *	rotation_scan() lists the rotations in the log's directory and in an
 *	olddir, oldest first: numbered ones by descending N, dated ones by
 *	ascending date; between the two schemes (or equal keys), by mtime.
 *
 *	rotation_hash() is the fingerprint of a file's first bytes and of the
 *	bytes before a position: what a file is, is decided by its content
 *	(and inode), never by its size or name.
 * DIAGNOSTICS
 *	rotation_scan() returns -1 with *ERR set when the log's directory
 *	cannot be read; an unreadable olddir, or more rotations than fit, are
 *	silently cut short.
 * SECURITY
 *	Names are only compared, never interpreted further; only regular
 *	files (not symbolic links) are listed.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rotation.h"

uint64_t
rotation_hash(uint64_t h, const void *p, size_t len)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static const char *const compress_sfx[] = {
	".gz", ".xz", ".bz2", ".zst", ".lz4", ".lzma", ".Z", NULL
};

/* The length of NAME (LEN bytes) without its compression suffix. */
static size_t
strip_compressed(const char *name, size_t len, int *compressed)
{
	size_t i, s;

	*compressed = 0;
	for (i = 0; compress_sfx[i] != NULL; i++) {
		s = strlen(compress_sfx[i]);
		if (len > s && memcmp(name + len - s, compress_sfx[i], s) == 0) {
			*compressed = 1;
			return len - s;
		}
	}
	return len;
}

int
rotation_compressed(const char *name)
{
	int c;

	(void)strip_compressed(name, strlen(name), &c);
	return c;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_sep(char c)
{
	return c == '-' || c == '.' || c == '_';
}

/* S (LEN bytes, after the separator): a date, maybe with a time. */
static int
match_date(const char *s, size_t len, uint64_t *key)
{
	char d[15];
	size_t i, nd = 0;
	int mon, day, year;

	if (len == 0 || !is_digit(s[0]) || !is_digit(s[len - 1]))
		return 0;
	for (i = 0; i < len; i++) {
		if (is_digit(s[i])) {
			if (nd >= 14)
				return 0;
			d[nd++] = s[i];
		} else if (!is_sep(s[i]) || is_sep(s[i - 1])) {
			return 0;
		}
	}
	if (nd < 8)
		return 0;
	year = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10
	    + (d[3] - '0');
	mon = (d[4] - '0') * 10 + (d[5] - '0');
	day = (d[6] - '0') * 10 + (d[7] - '0');
	if (year < 1970 || year > 2999 || mon < 1 || mon > 12 || day < 1
	    || day > 31)
		return 0;
	/* The first 8 digits must be the date itself: YYYY MM DD. */
	if (s[4] != d[4] && !(is_sep(s[4]) && s[5] == d[4]))
		return 0;
	while (nd < 14)
		d[nd++] = '0';
	*key = 0;
	for (i = 0; i < 14; i++)
		*key = *key * 10 + (uint64_t)(d[i] - '0');
	return 1;
}

int
rotation_match(const char *base, const char *name, struct rotation_name *r)
{
	size_t blen = strlen(base), len = strlen(name), i;
	const char *s;
	uint64_t n = 0;

	memset(r, 0, sizeof(*r));
	if (blen == 0 || len <= blen + 1 || memcmp(name, base, blen) != 0)
		return 0;
	len = strip_compressed(name, len, &r->compressed);
	if (len <= blen + 1)
		return 0;
	s = name + blen + 1;
	len -= blen + 1;
	if (name[blen] == '.' && len <= 6) {
		for (i = 0; i < len && is_digit(s[i]); i++)
			n = n * 10 + (uint64_t)(s[i] - '0');
		if (i == len) {
			r->kind = ROTATION_NUM;
			r->key = n;
			return 1;
		}
	}
	if (is_sep(name[blen]) && match_date(s, len, &r->key)) {
		r->kind = ROTATION_DATE;
		return 1;
	}
	r->compressed = 0;
	return 0;
}

static int
ts_cmp(const struct timespec *a, const struct timespec *b)
{
	if (a->tv_sec != b->tv_sec)
		return a->tv_sec < b->tv_sec ? -1 : 1;
	if (a->tv_nsec != b->tv_nsec)
		return a->tv_nsec < b->tv_nsec ? -1 : 1;
	return 0;
}

/* Oldest first. */
static int
file_cmp(const void *va, const void *vb)
{
	const struct rotation_file *a = va, *b = vb;

	if (a->name.kind == b->name.kind && a->name.key != b->name.key) {
		if (a->name.kind == ROTATION_NUM)
			return a->name.key > b->name.key ? -1 : 1;
		return a->name.key < b->name.key ? -1 : 1;
	}
	/* log.1 and log.1.gz side by side (delaycompress): plain is newer. */
	if (a->name.kind == b->name.kind
	    && a->name.compressed != b->name.compressed)
		return a->name.compressed ? -1 : 1;
	return ts_cmp(&a->sb.st_mtim, &b->sb.st_mtim);
}

static void
scan_dir(const char *dir, const char *base, struct rotation_file *out,
    size_t max, size_t *n, DIR *d)
{
	struct rotation_file *f;
	struct dirent *de;

	while ((de = readdir(d)) != NULL && *n < max) {
		f = &out[*n];
		if (!rotation_match(base, de->d_name, &f->name))
			continue;
		if ((size_t)snprintf(f->path, sizeof(f->path), "%s/%s", dir,
		    de->d_name) >= sizeof(f->path))
			continue;
		if (lstat(f->path, &f->sb) < 0 || !S_ISREG(f->sb.st_mode))
			continue;
		(*n)++;
	}
}

int
rotation_scan(const char *dir, const char *olddir, const char *base,
    struct rotation_file *out, size_t max, int *err)
{
	size_t n = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		*err = errno;
		return -1;
	}
	scan_dir(dir, base, out, max, &n, d);
	closedir(d);
	if (olddir != NULL && strcmp(olddir, dir) != 0
	    && (d = opendir(olddir)) != NULL) {
		scan_dir(olddir, base, out, max, &n, d);
		closedir(d);
	}
	qsort(out, n, sizeof(out[0]), file_cmp);
	return (int)n;
}
