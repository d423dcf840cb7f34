/* SPDX-License-Identifier: ISC */
/*
 * privs.h - give up root for good
 */
#ifndef PRIVS_H
#define PRIVS_H

#include <sys/types.h>

/* privs_lookup: the uid and gid of USER; -1 if there is no such user. */
int	privs_lookup(const char *user, uid_t *uid, gid_t *gid);
/* privs_drop: become USER (groups, gid, uid) and check root cannot be regained; -1 and errno on failure. */
int	privs_drop(const char *user, uid_t uid, gid_t gid);

#endif
