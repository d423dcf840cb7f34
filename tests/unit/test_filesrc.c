/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	test_filesrc - unit tests for the file source (src/core/filesrc.c)
 * DESCRIPTION
 *	Each test gets a fresh directory with a log "mail.log" and plays what
 *	syslog daemons and logrotate do to it: append, rename and create,
 *	copytruncate, compress; with the source open, or between a position
 *	and the next open. source_woken() stands for the wake-up after which
 *	the source looks at the log's name again.
 * DIAGNOSTICS
 *	cmocka's output; non-zero exit on a failure.
 * SECURITY
 *	Test code only.
 */
#include <sys/stat.h>

#include <fcntl.h>
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

#include "filesrc.h"

struct fx {
	char	dir[PATH_MAX];
	char	log[PATH_MAX + 16];
	int	events;
	char	last[512];
	unsigned char pos[SOURCE_POS_MAX];
	size_t	poslen;
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/pfstats-filesrc.XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->log, sizeof(fx->log), "%s/mail.log", fx->dir);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;
	char cmd[PATH_MAX + 32];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	if (system(cmd) != 0)
		return -1;
	free(fx);
	return 0;
}

static void
notify(int level, const char *msg, void *arg)
{
	struct fx *fx = arg;

	(void)level;
	fx->events++;
	snprintf(fx->last, sizeof(fx->last), "%s", msg);
}

static const char *
path(struct fx *fx, const char *name)
{
	static char p[4][PATH_MAX + 64];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", fx->dir, name);
	return p[i];
}

static void
put(const char *p, const char *s, int append)
{
	int fd = open(p, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC),
	    0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	close(fd);
}

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
sh(const char *fmt, ...)
{
	char cmd[3 * PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

static struct source *
open_ok(struct fx *fx, int flags, int with_pos)
{
	struct filesrc_opts o = { fx->log, NULL, flags };
	struct source *s = NULL;
	int rc = filesrc_open(&s, &o, with_pos ? fx->pos : NULL,
	    with_pos ? fx->poslen : 0, notify, fx);

	if (rc != 0)
		fail_msg("filesrc_open: %s", filesrc_strerror(rc));
	return s;
}

/* Every line until the source has nothing more, even after a wake-up. */
static const char *
drain(struct source *s)
{
	static char out[8192];
	static struct source_batch b;
	size_t o = 0, i;
	int rc, idle = 0;

	out[0] = '\0';
	while (idle < 2) {
		rc = source_next(s, &b);
		if (rc == SOURCE_OK) {
			for (i = 0; i < b.n; i++) {
				const char *t = b.line[i].lng ? "<LONG>"
				    : b.line[i].p;
				size_t l = b.line[i].lng ? 6 : b.line[i].len;

				assert_true(o + l + 2 < sizeof(out));
				memcpy(out + o, t, l);
				o += l;
				out[o++] = '|';
			}
			out[o] = '\0';
			idle = 0;
			continue;
		}
		if (rc == SOURCE_END)
			break;
		assert_int_equal(rc, SOURCE_AGAIN);
		idle++;
		source_woken(s);
	}
	return out;
}

static void
save(struct fx *fx, struct source *s)
{
	assert_int_equal(source_position(s, fx->pos, &fx->poslen), 0);
	assert_true(fx->poslen > 4);
	assert_memory_equal(fx->pos, SOURCE_TAG_FILE, 4);
}

static struct source_stats
stats(struct source *s)
{
	struct source_stats st;

	source_stats(s, &st);
	return st;
}

static void
partial_last_line_waits_and_first_start_is_at_the_end(void **state)
{
	struct fx *fx = *state;
	struct source *s;

	put(fx->log, "old\nolder\npar", 0);
	s = open_ok(fx, 0, 0);
	assert_string_equal(drain(s), "");
	put(fx->log, "tial\nnew\n", 1);
	assert_string_equal(drain(s), "partial|new|");
	source_close(s);
	s = open_ok(fx, SOURCE_FROM_START, 0);
	assert_string_equal(drain(s), "old|older|partial|new|");
	source_close(s);
}

static void
saved_position_resumes_exactly(void **state)
{
	struct fx *fx = *state;
	struct source *s;

	put(fx->log, "a\nb\n", 0);
	s = open_ok(fx, SOURCE_FROM_START, 0);
	assert_string_equal(drain(s), "a|b|");
	save(fx, s);
	source_close(s);
	put(fx->log, "c\n", 1);
	s = open_ok(fx, 0, 1);
	assert_string_equal(drain(s), "c|");
	source_close(s);
}

static void
rename_rotation_while_running_reads_both_once(void **state)
{
	struct fx *fx = *state;
	struct source *s;

	put(fx->log, "a\n", 0);
	s = open_ok(fx, SOURCE_FROM_START, 0);
	assert_string_equal(drain(s), "a|");
	put(fx->log, "b\nlast-no-newline", 1);
	sh("mv '%s' '%s'", fx->log, path(fx, "mail.log.1"));
	put(fx->log, "c\n", 0);
	assert_string_equal(drain(s), "b|last-no-newline|c|");
	assert_int_equal(stats(s).rotations, 1);
	source_close(s);
}

static void
copytruncate_while_running_takes_the_rest_from_the_copy(void **state)
{
	struct fx *fx = *state;
	struct source *s;

	put(fx->log, "a\n", 0);
	s = open_ok(fx, SOURCE_FROM_START, 0);
	assert_string_equal(drain(s), "a|");
	put(fx->log, "b\n", 1);
	sh("cp '%s' '%s'", fx->log, path(fx, "mail.log.1"));
	sh("truncate -s 0 '%s'%s", fx->log, "");
	put(fx->log, "c\n", 1);
	assert_string_equal(drain(s), "b|c|");
	assert_int_equal(stats(s).truncations, 1);
	source_close(s);
}

static void
rotations_while_stopped_compressed_and_plain(void **state)
{
	struct fx *fx = *state;
	struct source *s;

	put(fx->log, "a\n", 0);
	s = open_ok(fx, SOURCE_FROM_START, 0);
	assert_string_equal(drain(s), "a|");
	save(fx, s);
	source_close(s);
	put(fx->log, "b\n", 1);
	sh("mv '%s' '%s'", fx->log, path(fx, "mail.log.2"));
	sh("gzip '%s'%s", path(fx, "mail.log.2"), "");
	put(path(fx, "mail.log.1"), "c\n", 0);
	put(fx->log, "d\n", 0);
	put(path(fx, "mail.log.info"), "not-me\n", 0);
	s = open_ok(fx, 0, 1);
	assert_string_equal(drain(s), "b|c|d|");
	assert_int_equal(stats(s).lost, 0);
	source_close(s);
}

static void
copy_shorter_than_the_position_is_never_read_again(void **state)
{
	struct fx *fx = *state;
	struct source *s;

	put(fx->log, "a\nb\n", 0);
	sh("cp '%s' '%s'", fx->log, path(fx, "mail.log.1"));
	put(fx->log, "written-between-copy-and-truncate\n", 1);
	s = open_ok(fx, SOURCE_FROM_START, 0);
	assert_string_equal(drain(s),
	    "a|b|written-between-copy-and-truncate|");
	save(fx, s);
	source_close(s);
	sh("truncate -s 0 '%s'%s", fx->log, "");
	put(fx->log, "c\n", 1);
	s = open_ok(fx, 0, 1);
	assert_string_equal(drain(s), "c|");
	source_close(s);
}

static void
file_regrown_in_place_is_not_resumed_into_other_data(void **state)
{
	struct fx *fx = *state;
	struct source *s;

	put(fx->log, "same-head-line\nfirst\n", 0);
	s = open_ok(fx, SOURCE_FROM_START, 0);
	assert_string_equal(drain(s), "same-head-line|first|");
	save(fx, s);
	source_close(s);
	/* Truncated and regrown past the offset, same first bytes. */
	sh("truncate -s 0 '%s'%s", fx->log, "");
	put(fx->log, "same-head-line\nOTHER\nmore\n", 1);
	s = open_ok(fx, 0, 1);
	assert_string_equal(drain(s), "same-head-line|OTHER|more|");
	assert_int_equal(stats(s).truncations, 1);
	source_close(s);
}

static void
round1_position_is_accepted_other_kinds_are_not(void **state)
{
	struct fx *fx = *state;
	struct source *s = NULL;
	struct filesrc_opts o = { fx->log, NULL, 0 };
	struct stat sb;
	unsigned char p[64];
	uint64_t v[7];
	int i, k;

	put(fx->log, "a\nb\n", 0);
	assert_int_equal(stat(fx->log, &sb), 0);
	v[0] = sb.st_dev;
	v[1] = sb.st_ino;
	v[2] = 2;		/* after "a\n" */
	v[3] = sb.st_mtim.tv_sec;
	v[4] = 0;
	v[5] = 14695981039346656037ULL;	/* fingerprint of 0 bytes */
	v[6] = 0;
	memcpy(p, "PSF0", 4);
	for (i = 0; i < 7; i++)
		for (k = 0; k < 8; k++)
			p[4 + 8 * i + k] = (unsigned char)(v[i] >> (8 * k));
	memset(p + 60, 0, 4);
	memcpy(fx->pos, p, 64);
	fx->poslen = 64;
	s = open_ok(fx, 0, 1);
	assert_string_equal(drain(s), "b|");
	source_close(s);
	memcpy(p, SOURCE_TAG_JOURNAL, 4);
	assert_int_equal(filesrc_open(&s, &o, p, 64, notify, fx),
	    SOURCE_EOTHER);
	memcpy(p, SOURCE_TAG_FILE, 4);
	assert_int_equal(filesrc_open(&s, &o, p, 10, notify, fx),
	    SOURCE_EBADPOS);
}

static void
missing_log_is_waited_for_directory_is_an_error(void **state)
{
	struct fx *fx = *state;
	struct filesrc_opts o = { fx->dir, NULL, 0 };
	struct source *s = NULL;

	s = open_ok(fx, 0, 0);
	assert_string_equal(drain(s), "");
	put(fx->log, "first\n", 0);
	assert_string_equal(drain(s), "first|");
	source_close(s);
	assert_int_equal(filesrc_open(&s, &o, NULL, 0, notify, fx),
	    SOURCE_EIO);
	assert_non_null(strstr(fx->last, "directory"));
	o.path = "/nonexistent-dir-pfstats/mail.log";
	assert_int_equal(filesrc_open(&s, &o, NULL, 0, notify, fx),
	    SOURCE_ENOENT);
	/* A log in "/" is in a directory that exists; "/tmp" is a directory. */
	o.path = "/nonexistent-pfstats-log";
	assert_int_equal(filesrc_open(&s, &o, NULL, 0, notify, fx), 0);
	source_close(s);
	o.path = "/tmp";
	assert_int_equal(filesrc_open(&s, &o, NULL, 0, notify, fx),
	    SOURCE_EIO);
	o.path = "/tmp/";
	assert_int_equal(filesrc_open(&s, &o, NULL, 0, notify, fx),
	    SOURCE_EIO);
}

static void
once_ends_and_compressed_log_is_read_whole(void **state)
{
	struct fx *fx = *state;
	struct filesrc_opts o = { NULL, NULL, SOURCE_ONCE };
	struct source *s = NULL;

	put(path(fx, "x.log"), "a\nb\nc", 0);
	sh("gzip '%s'%s", path(fx, "x.log"), "");
	o.path = path(fx, "x.log.gz");
	assert_int_equal(filesrc_open(&s, &o, NULL, 0, notify, fx), 0);
	assert_string_equal(drain(s), "a|b|c|");
	source_close(s);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(partial_last_line_waits_and_first_start_is_at_the_end),
		T(saved_position_resumes_exactly),
		T(rename_rotation_while_running_reads_both_once),
		T(copytruncate_while_running_takes_the_rest_from_the_copy),
		T(rotations_while_stopped_compressed_and_plain),
		T(copy_shorter_than_the_position_is_never_read_again),
		T(file_regrown_in_place_is_not_resumed_into_other_data),
		T(round1_position_is_accepted_other_kinds_are_not),
		T(missing_log_is_waited_for_directory_is_an_error),
		T(once_ends_and_compressed_log_is_read_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
