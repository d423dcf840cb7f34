/* SPDX-License-Identifier: ISC */
/*
 * safefile.h - files and directories that others cannot subvert
 */
#ifndef SAFEFILE_H
#define SAFEFILE_H

#include <sys/types.h>

enum {
	SAFEFILE_OK = 0,
	SAFEFILE_ESYS = -1,		/* see errno */
	SAFEFILE_EWORLD = -2,		/* in or is a world-writable directory */
	SAFEFILE_ESYMLINK = -3,		/* a symbolic link */
	SAFEFILE_ENOTDIR = -4,		/* not a directory */
	SAFEFILE_EOWNER = -5		/* owned by another user than us or root */
};

/* safefile_dir: check (and with CREATE, make with MODE) directory PATH, refusing unsafe places. */
int	safefile_dir(const char *path, int create, mode_t mode);
/* safefile_strerror: text for a SAFEFILE_ code (ESYS: strerror(errno)). */
const char *safefile_strerror(int code);
/* safefile_open: open or create a regular file with O_NOFOLLOW and MODE; -1 and errno on error. */
int	safefile_open(const char *path, int flags, mode_t mode);

#endif
