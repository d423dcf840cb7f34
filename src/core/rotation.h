/* SPDX-License-Identifier: ISC */
/*
 * rotation.h - which files are rotations of a log, and how to know a file
 */
#ifndef ROTATION_H
#define ROTATION_H

#include <sys/stat.h>

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#define ROTATION_MAX	64	/* rotated files looked at, at most */

enum rotation_kind {
	ROTATION_NONE = 0,	/* not a rotation of the log */
	ROTATION_NUM = 1,	/* NAME.N: a larger N is older */
	ROTATION_DATE = 2	/* NAME-YYYYMMDD[...]: a larger date is newer */
};

/* What a file name says about a rotation. */
struct rotation_name {
	enum rotation_kind kind;
	uint64_t	key;		/* N, or the date's digits (14, zero-padded) */
	int		compressed;	/* .gz .xz .bz2 .zst .lz4 .lzma .Z */
};

/* One rotated file found on disk. */
struct rotation_file {
	char		path[PATH_MAX];
	struct rotation_name name;
	struct stat	sb;
};

/* rotation_match: is NAME a rotation of the log called BASE? 1 (and *R) or 0. */
int	rotation_match(const char *base, const char *name,
	    struct rotation_name *r);
/* rotation_compressed: does NAME end in a compression suffix? */
int	rotation_compressed(const char *name);
/* rotation_scan: the rotations of BASE in DIR and OLDDIR (NULL: none), oldest first; the count, or -1 (*ERR: errno). */
int	rotation_scan(const char *dir, const char *olddir, const char *base,
	    struct rotation_file *out, size_t max, int *err);
/* rotation_hash: FNV-1a 64 of LEN bytes, continuing from H (start with ROTATION_HASH_INIT). */
uint64_t rotation_hash(uint64_t h, const void *p, size_t len);

#define ROTATION_HASH_INIT	14695981039346656037ULL

#endif
