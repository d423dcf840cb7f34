/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	safefile - refuse files and directories that others could subvert
 * DESCRIPTION
 *	safefile_dir() accepts a directory only when neither it nor its parent
 *	is writable by everybody (so /tmp, /var/tmp and anything directly in
 *	them are refused), it is not a symbolic link, and it belongs to the
 *	effective user or to root. With CREATE it makes a missing directory
 *	(not its parents) with MODE.
 *
 *	safefile_open() opens with O_NOFOLLOW and O_CLOEXEC, so that a
 *	symbolic link planted at PATH is refused rather than followed.
 * DIAGNOSTICS
 *	SAFEFILE_ codes; SAFEFILE_ESYS leaves errno set.
 * SECURITY
 *	The checks are done on the path as it is now; they protect against
 *	other local users, not against root.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "safefile.h"

static int
dir_ok(const struct stat *sb)
{
	if (!S_ISDIR(sb->st_mode))
		return SAFEFILE_ENOTDIR;
	if (sb->st_mode & S_IWOTH)
		return SAFEFILE_EWORLD;
	if (sb->st_uid != geteuid() && sb->st_uid != 0)
		return SAFEFILE_EOWNER;
	return SAFEFILE_OK;
}

int
safefile_dir(const char *path, int create, mode_t mode)
{
	char parent[PATH_MAX];
	struct stat sb;
	char *slash;
	int rc;

	if (strlen(path) >= sizeof(parent)) {
		errno = ENAMETOOLONG;
		return SAFEFILE_ESYS;
	}
	strcpy(parent, path);
	while ((slash = strrchr(parent, '/')) != NULL && slash[1] == '\0'
	    && slash != parent)
		*slash = '\0';
	if ((slash = strrchr(parent, '/')) == NULL)
		strcpy(parent, ".");
	else if (slash == parent)
		parent[1] = '\0';
	else
		*slash = '\0';
	if (stat(parent, &sb) < 0)
		return SAFEFILE_ESYS;
	if (sb.st_mode & S_IWOTH)
		return SAFEFILE_EWORLD;
	if (lstat(path, &sb) < 0) {
		if (errno != ENOENT || !create)
			return SAFEFILE_ESYS;
		if (mkdir(path, mode) < 0 && errno != EEXIST)
			return SAFEFILE_ESYS;
		if (lstat(path, &sb) < 0)
			return SAFEFILE_ESYS;
	}
	if (S_ISLNK(sb.st_mode))
		return SAFEFILE_ESYMLINK;
	if ((rc = dir_ok(&sb)) != SAFEFILE_OK)
		return rc;
	return SAFEFILE_OK;
}

const char *
safefile_strerror(int code)
{
	switch (code) {
	case SAFEFILE_OK:
		return "ok";
	case SAFEFILE_ESYS:
		return strerror(errno);
	case SAFEFILE_EWORLD:
		return "it is, or is in, a world-writable directory";
	case SAFEFILE_ESYMLINK:
		return "it is a symbolic link";
	case SAFEFILE_ENOTDIR:
		return "not a directory";
	case SAFEFILE_EOWNER:
		return "owned by another user";
	default:
		return "unknown error";
	}
}

int
safefile_open(const char *path, int flags, mode_t mode)
{
	struct stat sb;
	int fd;

	fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}
