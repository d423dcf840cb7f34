/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	test_rotation - unit tests for the rotation name matcher and scanner
 * DESCRIPTION
 *	Which names are rotations of a log (rotation_match()), and the order
 *	rotation_scan() lists them in.
 * DIAGNOSTICS
 *	cmocka's output; non-zero exit on a failure.
 * SECURITY
 *	Test code only.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "rotation.h"

static void
rotations_are_recognised(void **state)
{
	static const struct { const char *name; int kind; uint64_t key;
	    int z; } ok[] = {
		{ "mail.log.1", ROTATION_NUM, 1, 0 },
		{ "mail.log.12.gz", ROTATION_NUM, 12, 1 },
		{ "mail.log.3.xz", ROTATION_NUM, 3, 1 },
		{ "mail.log.3.bz2", ROTATION_NUM, 3, 1 },
		{ "mail.log.3.zst", ROTATION_NUM, 3, 1 },
		{ "mail.log-20261129", ROTATION_DATE, 20261129000000ULL, 0 },
		{ "mail.log-20261129.gz", ROTATION_DATE, 20261129000000ULL, 1 },
		{ "mail.log-2026-11-29", ROTATION_DATE, 20261129000000ULL, 0 },
		{ "mail.log-2026112913", ROTATION_DATE, 20261129130000ULL, 0 },
		{ "mail.log.20261129-000700", ROTATION_DATE,
		    20261129000700ULL, 0 },
		{ NULL, 0, 0, 0 }
	};
	static const char *const no[] = {
		"mail.log", "mail.log.", "mail.log.gz", "mail.log.old",
		"mail.log.1x", "mail.log.1234567", "mail.log-2026", "mail.logx.1",
		"mail.log-20261329", "mail.log-2026--11-29", "xmail.log.1",
		"mail.log.info", "mail.log-abc", NULL
	};
	struct rotation_name r;
	int i;

	(void)state;
	for (i = 0; ok[i].name != NULL; i++) {
		if (!rotation_match("mail.log", ok[i].name, &r))
			fail_msg("%s not recognised", ok[i].name);
		assert_int_equal(r.kind, ok[i].kind);
		assert_int_equal(r.key, ok[i].key);
		assert_int_equal(r.compressed, ok[i].z);
	}
	for (i = 0; no[i] != NULL; i++)
		if (rotation_match("mail.log", no[i], &r))
			fail_msg("%s taken for a rotation", no[i]);
}

static void
suse_logs_beside_mail_are_not_rotations(void **state)
{
	struct rotation_name r;

	(void)state;
	assert_false(rotation_match("mail", "mail.info", &r));
	assert_false(rotation_match("mail", "mail.warn", &r));
	assert_false(rotation_match("mail", "mail.err", &r));
	assert_false(rotation_match("mail", "mail.info-20261129.xz", &r));
	assert_false(rotation_match("mail", "mail.err.1", &r));
	assert_true(rotation_match("mail", "mail-20261129.xz", &r));
	assert_true(rotation_match("mail", "mail.1", &r));
}

static void
touch(const char *dir, const char *name, time_t mtime)
{
	char p[512];
	struct timespec ts[2] = { { mtime, 0 }, { mtime, 0 } };
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
}

static void
scan_lists_oldest_first_with_olddir(void **state)
{
	char dir[] = "/tmp/pfstats-rot.XXXXXX", old[600], cmd[700];
	struct rotation_file f[8];
	int n, err = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(old, sizeof(old), "%s/old", dir);
	assert_int_equal(mkdir(old, 0700), 0);
	touch(dir, "mail.log", 500);
	touch(dir, "mail.log.1", 400);
	touch(dir, "mail.log.2.gz", 450);	/* delaycompress: newer mtime */
	touch(old, "mail.log.3.gz", 100);
	touch(dir, "mail.log.info", 999);
	n = rotation_scan(dir, old, "mail.log", f, 8, &err);
	assert_int_equal(n, 3);
	assert_non_null(strstr(f[0].path, "mail.log.3.gz"));
	assert_non_null(strstr(f[1].path, "mail.log.2.gz"));
	assert_non_null(strstr(f[2].path, "mail.log.1"));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void
hash_is_fnv1a(void **state)
{
	(void)state;
	assert_int_equal(rotation_hash(ROTATION_HASH_INIT, "", 0),
	    14695981039346656037ULL);
	assert_int_equal(rotation_hash(ROTATION_HASH_INIT, "a", 1),
	    0xaf63dc4c8601ec8cULL);
	assert_int_equal(rotation_hash(rotation_hash(ROTATION_HASH_INIT,
	    "ab", 2), "c", 1), rotation_hash(ROTATION_HASH_INIT, "abc", 3));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rotations_are_recognised),
		cmocka_unit_test(suse_logs_beside_mail_are_not_rotations),
		cmocka_unit_test(scan_lists_oldest_first_with_olddir),
		cmocka_unit_test(hash_is_fnv1a),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
