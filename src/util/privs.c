/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	privs - drop root privileges permanently
 * DESCRIPTION
 *	privs_drop() sets the supplementary groups of USER (initgroups, so a
 *	follower user in group adm can read /var/log/mail.log), then the real,
 *	effective and saved gid and uid, and finally checks that setuid(0)
 *	and setgid(0) fail, as OpenBSD's daemons do.
 * DIAGNOSTICS
 *	-1 with errno set when any step fails or root could be regained
 *	(errno EPERM then); the caller must treat that as fatal.
 * SECURITY
 *	Call it after opening what needs privileges and before reading any
 *	untrusted input.
 */
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "privs.h"

int
privs_lookup(const char *user, uid_t *uid, gid_t *gid)
{
	struct passwd *pw = getpwnam(user);

	if (pw == NULL)
		return -1;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int
privs_drop(const char *user, uid_t uid, gid_t gid)
{
	if (initgroups(user, gid) < 0)
		return -1;
	if (setresgid(gid, gid, gid) < 0)
		return -1;
	if (setresuid(uid, uid, uid) < 0)
		return -1;
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		errno = EPERM;
		return -1;
	}
	if (gid != 0 && (setgid(0) == 0 || setegid(0) == 0)) {
		errno = EPERM;
		return -1;
	}
	return 0;
}
