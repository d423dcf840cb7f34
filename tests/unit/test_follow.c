/*
 * test_follow - unit tests for the log follower (src/core/follow.c)
 *
 * Each test gets a fresh 0700 directory with a log "mail.log" in it and
 * plays what syslog daemons and logrotate do to it: append, rename and
 * create, copytruncate, compress; with the follower running or stopped.
 * follow_wait(f, 0) stands for the wake-up after which the follower looks
 * at the path again.
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

#include "follow.h"
#include "pflog.h"

struct fx {
	char	base[PATH_MAX];
	char	log[PATH_MAX + 16];
	int	events;
	char	last[512];
};

static int
rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");

	if (fx == NULL)
		return -1;
	snprintf(fx->base, sizeof(fx->base), "%s/pfstats-follow.XXXXXX",
	    tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(fx->base) == NULL)
		return -1;
	snprintf(fx->log, sizeof(fx->log), "%s/mail.log", fx->base);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	nftw(fx->base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

static void
notify(const char *msg, void *arg)
{
	struct fx *fx = arg;

	fx->events++;
	snprintf(fx->last, sizeof(fx->last), "%s", msg);
}

/* PATH in the test directory. */
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
put(const char *p, const void *data, size_t len, int append)
{
	int fd = open(p, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC),
	    0644);
	ssize_t n;

	assert_true(fd >= 0);
	n = write(fd, data, len);
	assert_int_equal(n, (ssize_t)len);
	close(fd);
}

static void
append(const char *p, const char *s)
{
	put(p, s, strlen(s), 1);
}

static void
create(const char *p, const char *s)
{
	put(p, s, strlen(s), 0);
}

/* logrotate's copytruncate: copy P to COPY, then truncate P. */
static void
copytruncate(const char *p, const char *copy)
{
	static char buf[1 << 16];
	int fd = open(p, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf));
	assert_true(n >= 0);
	close(fd);
	put(copy, buf, (size_t)n, 0);
	assert_int_equal(truncate(p, 0), 0);
}

static void
set_mtime(const char *p, int64_t sec)
{
	struct timespec ts[2] = { { (time_t)sec, 0 }, { (time_t)sec, 0 } };

	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
}

static struct follow *
open_ok(struct fx *fx, const struct follow_pos *saved, int flags)
{
	struct follow *f = NULL;
	int rc = follow_open(&f, fx->log, saved, flags, notify, fx);

	if (rc != 0)
		fail_msg("follow_open: %s", follow_strerror(rc));
	assert_non_null(f);
	return f;
}

static void
expect_line(struct follow *f, const char *want)
{
	const char *line = NULL;
	size_t len = 0;
	int rc = follow_next_line(f, &line, &len);

	if (rc != FOLLOW_LINE)
		fail_msg("got %d, want line \"%s\"", rc, want);
	if (len != strlen(want) || memcmp(line, want, len) != 0)
		fail_msg("got \"%.*s\", want \"%s\"",
		    (int)(len < 100 ? len : 100), line, want);
}

static void
expect_rc(struct follow *f, int want)
{
	const char *line = NULL;
	size_t len = 0;
	int rc = follow_next_line(f, &line, &len);

	if (rc != want)
		fail_msg("got %d (len %zu), want %d", rc,
		    rc == FOLLOW_LINE ? len : 0, want);
}

/*
 * Every line until the follower has nothing more, even after looking at
 * the path again: "a|b|c|". FOLLOW_LONG shows as "<LONG>".
 */
static const char *
drain(struct follow *f)
{
	static char out[8192];
	const char *line;
	size_t len, o = 0;
	int rc, idle = 0;

	out[0] = '\0';
	while (idle < 2) {
		rc = follow_next_line(f, &line, &len);
		if (rc == FOLLOW_LINE || rc == FOLLOW_LONG) {
			if (rc == FOLLOW_LONG) {
				line = "<LONG>";
				len = 6;
			}
			assert_true(o + len + 2 < sizeof(out));
			memcpy(out + o, line, len);
			o += len;
			out[o++] = '|';
			out[o] = '\0';
			idle = 0;
			continue;
		}
		assert_int_equal(rc, FOLLOW_AGAIN);
		idle++;
		follow_wait(f, 0);
	}
	return out;
}

static struct follow_stats
stats(struct follow *f)
{
	struct follow_stats st;

	follow_stats(f, &st);
	return st;
}

/* ---- lines ---- */

static void
partial_last_line_waits_for_its_newline(void **state)
{
	struct fx *fx = *state;
	struct follow *f;
	struct follow_pos pos;

	create(fx->log, "a\nb\npar");
	f = open_ok(fx, NULL, FOLLOW_FROM_START);
	expect_line(f, "a");
	expect_line(f, "b");
	expect_rc(f, FOLLOW_AGAIN);
	follow_wait(f, 0);
	expect_rc(f, FOLLOW_AGAIN);
	/* The position stays before the partial line. */
	assert_int_equal(follow_position(f, &pos), 1);
	assert_int_equal(pos.offset, 4);
	append(fx->log, "ti");
	expect_rc(f, FOLLOW_AGAIN);
	append(fx->log, "al\n");
	expect_line(f, "partial");
	expect_rc(f, FOLLOW_AGAIN);
	assert_int_equal(follow_position(f, &pos), 1);
	assert_int_equal(pos.offset, 12);
	follow_close(f);
}

static void
crlf_line_ends_are_stripped(void **state)
{
	struct fx *fx = *state;
	struct follow *f;

	create(fx->log, "x\r\n\r\na\rb\nlast\r\n");
	f = open_ok(fx, NULL, FOLLOW_FROM_START);
	expect_line(f, "x");
	expect_line(f, "");
	expect_line(f, "a\rb");
	expect_line(f, "last");
	expect_rc(f, FOLLOW_AGAIN);
	follow_close(f);
}

static void
nul_bytes_in_a_line_are_kept(void **state)
{
	struct fx *fx = *state;
	struct follow *f;
	const char *line;
	size_t len;

	put(fx->log, "a\0b\n\xff\xfe\n", 7, 0);
	f = open_ok(fx, NULL, FOLLOW_FROM_START);
	assert_int_equal(follow_next_line(f, &line, &len), FOLLOW_LINE);
	assert_int_equal(len, 3);
	assert_memory_equal(line, "a\0b", 3);
	expect_line(f, "\xff\xfe");
	follow_close(f);
}

static char *
long_text(size_t n, char c)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void
long_line_written_at_once_is_reported_once(void **state)
{
	struct fx *fx = *state;
	struct follow *f;
	char *x = long_text(PFLOG_LINE_MAX + 100, 'x');

	create(fx->log, "before\n");
	append(fx->log, x);
	append(fx->log, "\nnext\n");
	f = open_ok(fx, NULL, FOLLOW_FROM_START);
	expect_line(f, "before");
	expect_rc(f, FOLLOW_LONG);
	expect_line(f, "next");
	expect_rc(f, FOLLOW_AGAIN);
	follow_close(f);
	free(x);
}

static void
long_line_written_in_pieces_is_reported_once(void **state)
{
	struct fx *fx = *state;
	struct follow *f;
	char *x = long_text(PFLOG_LINE_MAX - 10, 'x');

	create(fx->log, "");
	f = open_ok(fx, NULL, FOLLOW_FROM_START);
	append(fx->log, x);
	expect_rc(f, FOLLOW_AGAIN);
	append(fx->log, x);
	expect_rc(f, FOLLOW_AGAIN);
	append(fx->log, "yyy\nnext\n");
	expect_rc(f, FOLLOW_LONG);
	expect_line(f, "next");
	expect_rc(f, FOLLOW_AGAIN);
	follow_close(f);
	free(x);
}

static void
line_longer_than_the_read_buffer_is_reported_once(void **state)
{
	struct fx *fx = *state;
	struct follow *f;
	char *x = long_text(300000, 'x');

	create(fx->log, x);
	append(fx->log, "\nnext\n");
	f = open_ok(fx, NULL, FOLLOW_FROM_START);
	expect_rc(f, FOLLOW_LONG);
	expect_line(f, "next");
	expect_rc(f, FOLLOW_AGAIN);
	follow_close(f);
	free(x);
}

/* A line's fate does not depend on how the writer split it. */
static void
line_length_limit_is_the_same_however_written(void **state)
{
	struct fx *fx = *state;
	size_t lens[] = { PFLOG_LINE_MAX - 1, PFLOG_LINE_MAX,
	    PFLOG_LINE_MAX + 1 };
	size_t i;
	int how, rc[2];

	for (i = 0; i < 3; i++) {
		for (how = 0; how < 2; how++) {
			char *x = long_text(lens[i], 'x');
			struct follow *f;
			const char *line;
			size_t len = 0;

			create(fx->log, "");
			f = open_ok(fx, NULL, FOLLOW_FROM_START);
			append(fx->log, x);
			if (how == 1)		/* the writer paused here */
				(void)follow_next_line(f, &line, &len);
			append(fx->log, "\nnext\n");
			rc[how] = follow_next_line(f, &line, &len);
			if (rc[how] == FOLLOW_LINE)
				assert_int_equal(len, lens[i]);
			expect_line(f, "next");	/* nothing skipped after it */
			follow_close(f);
			free(x);
		}
		if (rc[0] != rc[1])
			fail_msg("%zu bytes: %d at once, %d in pieces", lens[i],
			    rc[0], rc[1]);
		if (i == 0)
			assert_int_equal(rc[0], FOLLOW_LINE);
		if (i == 2)
			assert_int_equal(rc[0], FOLLOW_LONG);
	}
}

/* ---- where to start ---- */

static void
first_start_begins_at_the_end(void **state)
{
	struct fx *fx = *state;
	struct follow *f;

	create(fx->log, "old1\nold2\n");
	f = open_ok(fx, NULL, 0);
	expect_rc(f, FOLLOW_AGAIN);
	append(fx->log, "new\n");
	expect_line(f, "new");
	expect_rc(f, FOLLOW_AGAIN);
	follow_close(f);
}

static void
first_start_at_end_keeps_a_partial_last_line(void **state)
{
	struct fx *fx = *state;
	struct follow *f;

	create(fx->log, "old\npart");
	f = open_ok(fx, NULL, 0);
	expect_rc(f, FOLLOW_AGAIN);
	append(fx->log, "ial\n");
	expect_line(f, "partial");
	follow_close(f);

	/* Only a partial line in the file. */
	create(fx->log, "part");
	f = open_ok(fx, NULL, 0);
	append(fx->log, "ial\n");
	expect_line(f, "partial");
	follow_close(f);
}

static void
first_start_from_start_reads_everything(void **state)
{
	struct fx *fx = *state;
	struct follow *f;

	create(fx->log, "old1\nold2\n");
	f = open_ok(fx, NULL, FOLLOW_FROM_START);
	assert_string_equal(drain(f), "old1|old2|");
	follow_close(f);
}

static void
missing_log_is_reported(void **state)
{
	struct fx *fx = *state;
	struct follow *f = (struct follow *)1;
	int rc = follow_open(&f, fx->log, NULL, 0, NULL, NULL);

	assert_int_equal(rc, FOLLOW_ENOENT);
	assert_null(f);
	assert_true(strlen(follow_strerror(rc)) > 0);
	assert_true(strlen(follow_strerror(FOLLOW_EACCES)) > 0);
	assert_true(strlen(follow_strerror(FOLLOW_EIO)) > 0);
}

static void
saved_position_wins_and_resumes_exactly(void **state)
{
	struct fx *fx = *state;
	struct follow *f;
	struct follow_pos pos;
	struct stat sb;

	create(fx->log, "1\n2\n3\n");
	f = open_ok(fx, NULL, FOLLOW_FROM_START);
	expect_line(f, "1");
	expect_line(f, "2");
	assert_int_equal(follow_position(f, &pos), 1);
	follow_close(f);
	assert_int_equal(stat(fx->log, &sb), 0);
	assert_true(pos.ino == (uint64_t)sb.st_ino
	    && pos.dev == (uint64_t)sb.st_dev);
	assert_int_equal(pos.offset, 4);
	assert_true(pos.fp_len > 0);
	append(fx->log, "4\n");
	/* Without FROM_START too: a saved position always wins. */
	f = open_ok(fx, &pos, 0);
	assert_string_equal(drain(f), "3|4|");
	follow_close(f);
	f = open_ok(fx, &pos, FOLLOW_FROM_START);
	assert_string_equal(drain(f), "3|4|");
	follow_close(f);
}

/* ---- rotation while running ---- */

static void
rename_rotation_reads_both_files_exactly_once(void **state)
{
	struct fx *fx = *state;
	const char *old = path(fx, "mail.log.1");
	struct follow *f;
	struct follow_stats st;
	struct follow_pos pos;
	struct stat sb;

	create(fx->log, "1\n2\n");
	f = open_ok(fx, NULL, FOLLOW_FROM_START);
	assert_string_equal(drain(f), "1|2|");
	append(fx->log, "3\n");
	assert_int_equal(rename(fx->log, old), 0);
	create(fx->log, "n1\n");
	/* syslog still writes to the old file for a moment. */
	append(old, "4\n");
	assert_string_equal(drain(f), "3|4|n1|");
	append(fx->log, "n2\n");
	assert_string_equal(drain(f), "n2|");
	st = stats(f);
	assert_int_equal(st.rotations, 1);
	assert_int_equal(st.lost, 0);
	assert_true(fx->events >= 1);
	/* The position is now in the new file. */
	assert_int_equal(follow_position(f, &pos), 1);
	assert_int_equal(stat(fx->log, &sb), 0);
	assert_true(pos.ino == (uint64_t)sb.st_ino);
	assert_int_equal(pos.offset, 6);
	follow_close(f);
	/* Resuming from there repeats nothing. */
	f = open_ok(fx, &pos, 0);
	assert_string_equal(drain(f), "");
	follow_close(f);
}

static void
rename_rotation_with_late_new_file(void **state)
{
	struct fx *fx = *state;
	struct follow *f;

	create(fx->log, "1\n");
	f = open_ok(fx, NULL, FOLLOW_FROM_START);
	assert_string_equal(drain(f), "1|");
	append(fx->log, "2\n");
	assert_int_equal(rename(fx->log, path(fx, "mail.log.1")), 0);
	assert_string_equal(drain(f), "2|");
	create(fx->log, "n1\n");
	assert_string_equal(drain(f), "n1|");
	assert_int_equal(stats(f).rotations, 1);
	follow_close(f);
}

static void
rename_rotation_hands_out_old_partial_last_line(void **state)
{
	struct fx *fx = *state;
	struct follow *f;

	create(fx->log, "1\n");
	f = open_ok(fx, NULL, FOLLOW_FROM_START);
	assert_string_equal(drain(f), "1|");
	append(fx->log, "2-no-newline");
	assert_int_equal(rename(fx->log, path(fx, "mail.log.1")), 0);
	create(fx->log, "n1\n");
	assert_string_equal(drain(f), "2-no-newline|n1|");
	follow_close(f);
}

static void
copytruncate_takes_unread_lines_from_the_copy(void **state)
{
	struct fx *fx = *state;
	struct follow *f;
	struct follow_pos pos;
	struct follow_stats st;

	create(fx->log, "1\n2\n");
	f = open_ok(fx, NULL, FOLLOW_FROM_START);
	assert_string_equal(drain(f), "1|2|");
	(void)follow_position(f, &pos);		/* a commit */
	append(fx->log, "3\n4\n");
	copytruncate(fx->log, path(fx, "mail.log.1"));
	append(fx->log, "n1\n");
	assert_string_equal(drain(f), "3|4|n1|");
	st = stats(f);
	assert_int_equal(st.truncations, 1);
	assert_int_equal(st.lost, 0);
	follow_close(f);
}

static void
copytruncate_with_longer_new_content_is_noticed(void **state)
{
	struct fx *fx = *state;
	struct follow *f;
	struct follow_pos pos;

	create(fx->log, "1\n2\n");
	f = open_ok(fx, NULL, FOLLOW_FROM_START);
	assert_string_equal(drain(f), "1|2|");
	(void)follow_position(f, &pos);
	append(fx->log, "3\n");
	copytruncate(fx->log, path(fx, "mail.log.1"));
	append(fx->log, "new-line-one\nnew-line-two\n");
	assert_string_equal(drain(f), "3|new-line-one|new-line-two|");
	assert_int_equal(stats(f).truncations, 1);
	follow_close(f);
}

/* The lines read last were not yet committed (no follow_position). */
static void
copytruncate_right_after_reading_takes_lines_from_the_copy(void **state)
{
	struct fx *fx = *state;
	struct follow *f;

	create(fx->log, "1\n2\n");
	f = open_ok(fx, NULL, FOLLOW_FROM_START);
	assert_string_equal(drain(f), "1|2|");
	append(fx->log, "3\n4\n");
	copytruncate(fx->log, path(fx, "mail.log.1"));
	append(fx->log, "n1\n");
	assert_string_equal(drain(f), "3|4|n1|");
	assert_int_equal(stats(f).lost, 0);
	follow_close(f);
}

/* ---- rotation while stopped ---- */

static struct follow_pos
read_and_stop(struct fx *fx, const char *content, const char *want)
{
	struct follow *f;
	struct follow_pos pos;

	create(fx->log, content);
	f = open_ok(fx, NULL, FOLLOW_FROM_START);
	assert_string_equal(drain(f), want);
	assert_int_equal(follow_position(f, &pos), 1);
	follow_close(f);
	return pos;
}

static void
rotation_while_stopped_finishes_the_old_file(void **state)
{
	struct fx *fx = *state;
	struct follow_pos pos = read_and_stop(fx, "1\n2\n", "1|2|");
	struct follow *f;
	struct follow_stats st;

	append(fx->log, "3\n");
	assert_int_equal(rename(fx->log, path(fx, "mail.log.1")), 0);
	create(fx->log, "n1\n");
	f = open_ok(fx, &pos, 0);
	assert_string_equal(drain(f), "3|n1|");
	st = stats(f);
	assert_int_equal(st.rotations, 1);
	assert_int_equal(st.lost, 0);
	follow_close(f);
}

static void
two_rotations_while_stopped_read_all_three_files(void **state)
{
	struct fx *fx = *state;
	struct follow_pos pos = read_and_stop(fx, "1\n", "1|");
	const char *l1 = path(fx, "mail.log.1"), *l2 = path(fx, "mail.log.2");
	struct follow *f;

	append(fx->log, "2\n");
	assert_int_equal(rename(fx->log, l1), 0);
	create(fx->log, "m1\nm2\n");
	assert_int_equal(rename(l1, l2), 0);
	assert_int_equal(rename(fx->log, l1), 0);
	create(fx->log, "n1\n");
	/* Rotations are at least seconds apart. */
	set_mtime(l1, pos.mtime_sec + 5);
	f = open_ok(fx, &pos, 0);
	assert_string_equal(drain(f), "2|m1|m2|n1|");
	assert_int_equal(stats(f).lost, 0);
	follow_close(f);
}

static void
three_rotations_while_stopped_read_in_mtime_order(void **state)
{
	struct fx *fx = *state;
	struct follow_pos pos = read_and_stop(fx, "1\n", "1|");
	const char *l1 = path(fx, "mail.log.1"), *l2 = path(fx, "mail.log.2");
	const char *l3 = path(fx, "mail.log.3");
	struct follow *f;

	append(fx->log, "2\n");
	assert_int_equal(rename(fx->log, l3), 0);
	create(l2, "a1\n");
	create(l1, "b1\n");
	create(fx->log, "n1\n");
	set_mtime(l2, pos.mtime_sec + 5);
	set_mtime(l1, pos.mtime_sec + 10);
	f = open_ok(fx, &pos, 0);
	assert_string_equal(drain(f), "2|a1|b1|n1|");
	follow_close(f);
}

static void
copytruncate_while_stopped_finishes_from_the_copy(void **state)
{
	struct fx *fx = *state;
	struct follow_pos pos = read_and_stop(fx, "1\n2\n", "1|2|");
	struct follow *f;
	struct follow_stats st;

	append(fx->log, "3\n");
	copytruncate(fx->log, path(fx, "mail.log.1"));
	append(fx->log, "n1\n");
	f = open_ok(fx, &pos, 0);
	assert_string_equal(drain(f), "3|n1|");
	st = stats(f);
	assert_int_equal(st.truncations, 1);
	assert_int_equal(st.lost, 0);
	follow_close(f);
}

static void
compressed_rotated_log_is_counted_lost(void **state)
{
	struct fx *fx = *state;
	struct follow_pos pos = read_and_stop(fx, "1\n", "1|");
	const char *l1 = path(fx, "mail.log.1"), *gz = path(fx,
	    "mail.log.1.gz");
	struct follow *f;
	struct follow_stats st;

	append(fx->log, "2\n");
	assert_int_equal(rename(fx->log, l1), 0);
	create(fx->log, "n1\n");
	/* gzip: a new file, the old one removed. */
	put(gz, "\x1f\x8b\x08\x00", 4, 0);
	set_mtime(gz, pos.mtime_sec + 5);
	assert_int_equal(unlink(l1), 0);
	f = open_ok(fx, &pos, 0);
	assert_string_equal(drain(f), "n1|");
	st = stats(f);
	assert_int_equal(st.lost, 1);
	assert_true(fx->events >= 1);
	follow_close(f);
}

static void
compressed_older_log_is_lost_newer_plain_one_is_read(void **state)
{
	struct fx *fx = *state;
	struct follow_pos pos = read_and_stop(fx, "1\n", "1|");
	const char *l1 = path(fx, "mail.log.1");
	const char *gz = path(fx, "mail.log.2.gz");
	struct follow *f;

	append(fx->log, "2\n");
	assert_int_equal(rename(fx->log, path(fx, "mail.log.2")), 0);
	put(gz, "\x1f\x8b\x08\x00", 4, 0);
	set_mtime(gz, pos.mtime_sec + 3);
	assert_int_equal(unlink(path(fx, "mail.log.2")), 0);
	create(l1, "m1\n");
	set_mtime(l1, pos.mtime_sec + 5);
	create(fx->log, "n1\n");
	f = open_ok(fx, &pos, 0);
	assert_string_equal(drain(f), "m1|n1|");
	assert_int_equal(stats(f).lost, 1);
	follow_close(f);
}

/* ---- standard input, fingerprints ---- */

static void
standard_input_is_read_to_its_end(void **state)
{
	int p[2], saved = dup(STDIN_FILENO);
	struct follow *f = NULL;
	struct follow_pos pos;

	(void)state;
	assert_true(saved >= 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "a\r\nb\nc", 6), 6);
	close(p[1]);
	assert_true(dup2(p[0], STDIN_FILENO) >= 0);
	close(p[0]);
	assert_int_equal(follow_open(&f, "-", NULL, 0, NULL, NULL), 0);
	expect_line(f, "a");
	expect_line(f, "b");
	expect_line(f, "c");		/* the end of input ends the line */
	expect_rc(f, FOLLOW_EOF);
	assert_int_equal(follow_position(f, &pos), 0);
	follow_close(f);
	assert_true(dup2(saved, STDIN_FILENO) >= 0);
	close(saved);
}

static void
fingerprint_depends_only_on_the_bytes(void **state)
{
	(void)state;
	assert_true(follow_fingerprint("abc", 3) == follow_fingerprint("abc",
	    3));
	assert_true(follow_fingerprint("abc", 3) != follow_fingerprint("abd",
	    3));
	assert_true(follow_fingerprint("abc", 2) == follow_fingerprint("abd",
	    2));
	assert_true(follow_fingerprint("a\0", 2) != follow_fingerprint("a",
	    1));
	assert_true(follow_fingerprint("", 0) == follow_fingerprint("x", 0));
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(partial_last_line_waits_for_its_newline),
		T(crlf_line_ends_are_stripped),
		T(nul_bytes_in_a_line_are_kept),
		T(long_line_written_at_once_is_reported_once),
		T(long_line_written_in_pieces_is_reported_once),
		T(line_longer_than_the_read_buffer_is_reported_once),
		T(line_length_limit_is_the_same_however_written),
		T(first_start_begins_at_the_end),
		T(first_start_at_end_keeps_a_partial_last_line),
		T(first_start_from_start_reads_everything),
		T(missing_log_is_reported),
		T(saved_position_wins_and_resumes_exactly),
		T(rename_rotation_reads_both_files_exactly_once),
		T(rename_rotation_with_late_new_file),
		T(rename_rotation_hands_out_old_partial_last_line),
		T(copytruncate_takes_unread_lines_from_the_copy),
		T(copytruncate_with_longer_new_content_is_noticed),
		T(copytruncate_right_after_reading_takes_lines_from_the_copy),
		T(rotation_while_stopped_finishes_the_old_file),
		T(two_rotations_while_stopped_read_all_three_files),
		T(three_rotations_while_stopped_read_in_mtime_order),
		T(copytruncate_while_stopped_finishes_from_the_copy),
		T(compressed_rotated_log_is_counted_lost),
		T(compressed_older_log_is_lost_newer_plain_one_is_read),
		T(standard_input_is_read_to_its_end),
		T(fingerprint_depends_only_on_the_bytes),
	};

	return cmocka_run_group_tests_name("follow", tests, NULL, NULL);
}
