/* SPDX-License-Identifier: ISC */
/*
 * test_privs.c - privs_drop(): after dropping to a user, root cannot be
 * regained. Runs the drop in a forked child (it cannot be undone); skips
 * when not run as root.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <grp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "privs.h"

/* Exit codes of the child: 0 all good, else which check failed. */
static int
child_drop(const char *user)
{
	uid_t uid;
	gid_t gid, groups[64];
	int n, i;

	if (privs_lookup(user, &uid, &gid) < 0)
		return 10;
	if (privs_drop(user, uid, gid) < 0)
		return 11;
	if (getuid() != uid || geteuid() != uid)
		return 12;
	if (getgid() != gid || getegid() != gid)
		return 13;
	if (setuid(0) == 0 || seteuid(0) == 0)
		return 14;
	if (setgid(0) == 0 || setegid(0) == 0)
		return 15;
	n = getgroups(64, groups);
	for (i = 0; i < n; i++)
		if (groups[i] == 0)
			return 16;	/* root's group kept */
	return 0;
}

static void
drop_to_nobody_cannot_regain_root(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	if (geteuid() != 0)
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child_drop("nobody"));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void
unknown_user_is_reported(void **state)
{
	uid_t uid;
	gid_t gid;

	(void)state;
	assert_int_equal(privs_lookup("no-such-user-pfstats", &uid, &gid), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(drop_to_nobody_cannot_regain_root),
		cmocka_unit_test(unknown_user_is_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
