/* SPDX-License-Identifier: ISC */
/*
 * test_safefile - unit tests for safe files and directories
 * (src/util/safefile.c)
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "safefile.h"

#include "fixture.h"

struct fx {
	char	base[PATH_MAX];
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL || fx_tmpdir(fx->base, sizeof(fx->base), "safefile") < 0)
		return -1;
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	fx_rmtree(fx->base);
	free(fx);
	return 0;
}

static const char *
path(struct fx *fx, const char *name)
{
	static char p[4][PATH_MAX + 64];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", fx->base, name);
	return p[i];
}

static void
creates_a_missing_directory_with_mode(void **state)
{
	struct fx *fx = *state;
	const char *d = path(fx, "db");
	struct stat sb;

	assert_int_equal(safefile_dir(d, 1, 0750), SAFEFILE_OK);
	assert_int_equal(lstat(d, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0750);
	/* Existing and fine: OK again, with or without CREATE. */
	assert_int_equal(safefile_dir(d, 1, 0750), SAFEFILE_OK);
	assert_int_equal(safefile_dir(d, 0, 0), SAFEFILE_OK);
}

static void
missing_directory_without_create_is_an_error(void **state)
{
	struct fx *fx = *state;
	const char *d = path(fx, "nope");
	struct stat sb;

	errno = 0;
	assert_int_equal(safefile_dir(d, 0, 0755), SAFEFILE_ESYS);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(stat(d, &sb), -1);
	/* Parents are not created. */
	assert_int_equal(safefile_dir(path(fx, "a/b"), 1, 0755),
	    SAFEFILE_ESYS);
	assert_int_equal(stat(path(fx, "a"), &sb), -1);
}

static void
directory_in_world_writable_parent_is_refused(void **state)
{
	struct fx *fx = *state;
	struct stat sb;
	char p[64];

	/* The test's own directory sits directly in /tmp. */
	if (stat("/tmp", &sb) == 0 && (sb.st_mode & S_IWOTH)
	    && strncmp(fx->base, "/tmp/", 5) == 0)
		assert_int_equal(safefile_dir(fx->base, 0, 0), SAFEFILE_EWORLD);
	if (stat("/tmp", &sb) < 0 || !(sb.st_mode & S_IWOTH))
		skip();
	snprintf(p, sizeof(p), "/tmp/pfstats-safefile-new.%ld", (long)getpid());
	assert_int_equal(safefile_dir(p, 1, 0755), SAFEFILE_EWORLD);
	assert_int_equal(stat(p, &sb), -1);	/* not created */
	assert_int_equal(safefile_dir("/tmp", 0, 0), SAFEFILE_EWORLD);
	assert_int_equal(safefile_dir("/tmp/", 0, 0), SAFEFILE_EWORLD);
}

static void
world_writable_directory_and_its_children_are_refused(void **state)
{
	struct fx *fx = *state;
	const char *ww = path(fx, "ww"), *child = path(fx, "ww/db");

	assert_int_equal(mkdir(ww, 0755), 0);
	assert_int_equal(mkdir(child, 0755), 0);
	assert_int_equal(chmod(ww, 0777), 0);
	assert_int_equal(safefile_dir(ww, 0, 0), SAFEFILE_EWORLD);
	assert_int_equal(safefile_dir(child, 0, 0), SAFEFILE_EWORLD);
	/* Sticky or not. */
	assert_int_equal(chmod(ww, 01777), 0);
	assert_int_equal(safefile_dir(child, 0, 0), SAFEFILE_EWORLD);
}

static void
symbolic_link_is_refused(void **state)
{
	struct fx *fx = *state;
	const char *real = path(fx, "real"), *link = path(fx, "link");

	assert_int_equal(mkdir(real, 0755), 0);
	assert_int_equal(symlink(real, link), 0);
	assert_int_equal(safefile_dir(link, 0, 0), SAFEFILE_ESYMLINK);
	assert_int_equal(safefile_dir(link, 1, 0755), SAFEFILE_ESYMLINK);
	/* A dangling link is not replaced by a directory either. */
	assert_int_equal(symlink(path(fx, "nowhere"), path(fx, "dangling")),
	    0);
	assert_int_equal(safefile_dir(path(fx, "dangling"), 1, 0755),
	    SAFEFILE_ESYMLINK);
}

static void
regular_file_is_not_a_directory(void **state)
{
	struct fx *fx = *state;
	const char *f = path(fx, "file");
	int fd = open(f, O_CREAT | O_WRONLY, 0644);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(safefile_dir(f, 1, 0755), SAFEFILE_ENOTDIR);
}

static void
directory_of_another_user_is_refused(void **state)
{
	struct fx *fx = *state;
	const char *d = path(fx, "theirs");

	if (geteuid() != 0)
		skip();			/* needs chown */
	assert_int_equal(mkdir(d, 0755), 0);
	assert_int_equal(chown(d, 54321, 54321), 0);
	assert_int_equal(safefile_dir(d, 0, 0), SAFEFILE_EOWNER);
}

static void
trailing_slashes_and_relative_paths_work(void **state)
{
	struct fx *fx = *state;
	char cwd[PATH_MAX];
	const char *d = path(fx, "db");
	char withslash[PATH_MAX + 80];

	assert_int_equal(mkdir(d, 0755), 0);
	snprintf(withslash, sizeof(withslash), "%s//", d);
	assert_int_equal(safefile_dir(withslash, 0, 0), SAFEFILE_OK);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(fx->base), 0);
	assert_int_equal(safefile_dir("rel", 1, 0755), SAFEFILE_OK);
	assert_int_equal(safefile_dir("db", 0, 0), SAFEFILE_OK);
	assert_int_equal(chdir(cwd), 0);
}

static void
overlong_path_is_an_error(void **state)
{
	char *p = malloc(PATH_MAX + 10);

	(void)state;
	assert_non_null(p);
	memset(p, 'a', PATH_MAX + 9);
	p[0] = '/';
	p[PATH_MAX + 9] = '\0';
	errno = 0;
	assert_int_equal(safefile_dir(p, 1, 0755), SAFEFILE_ESYS);
	assert_int_equal(errno, ENAMETOOLONG);
	free(p);
}

static void
open_creates_regular_file_with_mode_and_cloexec(void **state)
{
	struct fx *fx = *state;
	const char *f = path(fx, "pid");
	struct stat sb;
	int fd;

	fd = safefile_open(f, O_WRONLY | O_CREAT | O_EXCL, 0640);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0640);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	fd = safefile_open(f, O_RDONLY, 0);
	assert_true(fd >= 0);
	close(fd);
}

static void
open_refuses_symlinks_directories_and_fifos(void **state)
{
	struct fx *fx = *state;
	const char *target = path(fx, "target"), *link = path(fx, "link");
	struct stat sb;
	int fd;

	fd = open(target, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(symlink(target, link), 0);
	errno = 0;
	assert_int_equal(safefile_open(link, O_WRONLY | O_TRUNC, 0644), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(safefile_open(link, O_WRONLY | O_CREAT, 0644), -1);
	assert_int_equal(stat(target, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);	/* untouched */

	assert_int_equal(mkdir(path(fx, "dir"), 0755), 0);
	assert_int_equal(safefile_open(path(fx, "dir"), O_RDONLY, 0), -1);

	assert_int_equal(mkfifo(path(fx, "fifo"), 0600), 0);
	errno = 0;
	assert_int_equal(safefile_open(path(fx, "fifo"), O_RDONLY | O_NONBLOCK,
	    0), -1);
	assert_int_equal(errno, EINVAL);
}

static void
every_code_has_a_message(void **state)
{
	static const int codes[] = { SAFEFILE_OK, SAFEFILE_EWORLD,
	    SAFEFILE_ESYMLINK, SAFEFILE_ENOTDIR, SAFEFILE_EOWNER };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		assert_true(strlen(safefile_strerror(codes[i])) > 0);
		for (j = 0; j < i; j++)
			assert_string_not_equal(safefile_strerror(codes[i]),
			    safefile_strerror(codes[j]));
	}
	errno = ENOENT;
	assert_string_equal(safefile_strerror(SAFEFILE_ESYS), strerror(ENOENT));
	assert_true(strlen(safefile_strerror(-99)) > 0);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(creates_a_missing_directory_with_mode),
		T(missing_directory_without_create_is_an_error),
		T(directory_in_world_writable_parent_is_refused),
		T(world_writable_directory_and_its_children_are_refused),
		T(symbolic_link_is_refused),
		T(regular_file_is_not_a_directory),
		T(directory_of_another_user_is_refused),
		T(trailing_slashes_and_relative_paths_work),
		T(overlong_path_is_an_error),
		T(open_creates_regular_file_with_mode_and_cloexec),
		T(open_refuses_symlinks_directories_and_fifos),
		T(every_code_has_a_message),
	};

	return cmocka_run_group_tests_name("safefile", tests, NULL, NULL);
}
