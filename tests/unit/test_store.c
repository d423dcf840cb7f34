/* SPDX-License-Identifier: ISC */
/*
 * test_store - unit tests for the LMDB counter store (src/core/store.c)
 *
 * Each test gets a fresh 0700 directory from mkdtemp(); the database is a
 * directory inside it (the store refuses one directly in /tmp). Tests that
 * need a second process (a second writer) fork.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <lmdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "keys.h"
#include "store.h"

#include "fixture.h"

struct fx {
	char	base[PATH_MAX];
	char	db[PATH_MAX + 8];
	char	data[PATH_MAX + 32];
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (fx == NULL || fx_tmpdir(fx->base, sizeof(fx->base), "store") < 0)
		return -1;
	snprintf(fx->db, sizeof(fx->db), "%s/db", fx->base);
	snprintf(fx->data, sizeof(fx->data), "%s/data.mdb", fx->db);
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

static struct store *
open_ok(const char *path, int flags, size_t mapsize)
{
	struct store *st;
	int rc = store_open(&st, path, flags, mapsize);

	if (rc != STORE_OK)
		fail_msg("store_open %s: %s (%s)", path, store_strerror(rc),
		    store_detail(st));
	return st;
}

static uint64_t
get(struct store *st, const char *key)
{
	uint64_t v = 12345;
	int rc = store_get(st, key, &v);

	if (rc == STORE_ENOTFOUND) {
		assert_int_equal(v, 0);
		return 0;
	}
	if (rc != STORE_OK)
		fail_msg("store_get %s: %s", key, store_strerror(rc));
	return v;
}

static void
add_dyn(struct store *st, const char *t, uint64_t n)
{
	store_add(st, KEY_SENT_DYNAMIC, span_make(t, strlen(t)), n);
}

/* Commit, with the position POS (a string here; NULL: keep the saved one). */
static void
commit_ok(struct store *st, const char *pos)
{
	int rc = store_commit(st, (const unsigned char *)pos,
	    pos != NULL ? strlen(pos) : 0);

	if (rc != STORE_OK)
		fail_msg("store_commit: %s (%s)", store_strerror(rc),
		    store_detail(st));
}

/* The saved position is the string POS. */
static void
assert_pos_is(struct store *st, const char *pos)
{
	unsigned char b[STORE_POS_MAX];
	size_t len = sizeof(b);

	assert_int_equal(store_get_pos(st, b, &len), STORE_OK);
	assert_int_equal(len, strlen(pos));
	assert_memory_equal(b, pos, len);
}

/* ---- places ---- */

static void
database_directly_in_tmp_is_refused(void **state)
{
	char p[64];
	struct store *st;
	struct stat sb;

	(void)state;
	if (stat("/tmp", &sb) < 0 || !(sb.st_mode & S_IWOTH))
		skip();
	/* An existing directory directly in /tmp. */
	strcpy(p, "/tmp/pfstats-unsafe.XXXXXX");
	assert_non_null(mkdtemp(p));
	assert_int_equal(store_open(&st, p, 0, 0), STORE_EUNSAFE);
	assert_true(strlen(store_detail(st)) > 0);
	store_close(st);
	assert_int_equal(rmdir(p), 0);		/* nothing was created in it */
	/* A new one is not created there. */
	assert_int_equal(store_open(&st, p, 0, 0), STORE_EUNSAFE);
	store_close(st);
	assert_int_equal(stat(p, &sb), -1);
	/* /tmp itself. */
	assert_int_equal(store_open(&st, "/tmp", 0, 0), STORE_EUNSAFE);
	store_close(st);
}

static void
world_writable_or_symlinked_directory_is_refused(void **state)
{
	struct fx *fx = *state;
	char link[PATH_MAX + 16];
	struct store *st;

	assert_int_equal(mkdir(fx->db, 0755), 0);
	assert_int_equal(chmod(fx->db, 0777), 0);
	assert_int_equal(store_open(&st, fx->db, 0, 0), STORE_EUNSAFE);
	store_close(st);
	assert_int_equal(chmod(fx->db, 0755), 0);

	snprintf(link, sizeof(link), "%s/link", fx->base);
	assert_int_equal(symlink(fx->db, link), 0);
	assert_int_equal(store_open(&st, link, 0, 0), STORE_EUNSAFE);
	store_close(st);
}

static void
files_are_created_readable_not_world_writable(void **state)
{
	struct fx *fx = *state;
	struct store *st = open_ok(fx->db, 0, 0);
	struct stat sb;

	assert_int_equal(stat(fx->db, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0755);
	assert_int_equal(lstat(fx->data, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0644);
	store_close(st);
}

/* ---- counting ---- */

static void
added_counts_are_read_back_after_commit(void **state)
{
	struct fx *fx = *state;
	struct store *st = open_ok(fx->db, 0, 0);

	store_add(st, KEY_SENT_SMTP, SPAN_NULL, 3);
	store_add(st, KEY_SENT_SMTP, SPAN_NULL, 2);
	store_add(st, KEY_SMTPD_5XX, SPAN_NULL, 1);
	add_dyn(st, "legal", 7);
	commit_ok(st, NULL);
	assert_int_equal(get(st, "sent:smtp"), 5);
	assert_int_equal(get(st, "smtpd:5xx"), 1);
	assert_int_equal(get(st, "sent:legal"), 7);
	/* Never counted: 0 and ENOTFOUND. */
	{
		uint64_t v = 99;

		assert_int_equal(store_get(st, "smtp:4xx", &v),
		    STORE_ENOTFOUND);
		assert_int_equal(v, 0);
	}
	store_close(st);
}

static void
pending_increments_are_not_visible_before_commit(void **state)
{
	struct fx *fx = *state;
	struct store *st = open_ok(fx->db, 0, 0), *rd;

	assert_false(store_pending(st));
	store_add(st, KEY_RECV_SMTP, SPAN_NULL, 4);
	add_dyn(st, "legal", 1);
	assert_true(store_pending(st));
	assert_int_equal(get(st, "recv:smtp"), 0);
	assert_int_equal(get(st, "sent:legal"), 0);
	rd = open_ok(fx->db, STORE_RDONLY, 0);
	assert_int_equal(get(rd, "recv:smtp"), 0);
	commit_ok(st, NULL);
	assert_false(store_pending(st));
	assert_int_equal(get(st, "recv:smtp"), 4);
	assert_int_equal(get(rd, "recv:smtp"), 4);
	assert_int_equal(get(rd, "sent:legal"), 1);
	store_close(rd);
	store_close(st);
}

static void
close_drops_uncommitted_increments(void **state)
{
	struct fx *fx = *state;
	struct store *st = open_ok(fx->db, 0, 0);

	store_add(st, KEY_RECV_LOCAL, SPAN_NULL, 1);
	commit_ok(st, NULL);
	store_add(st, KEY_RECV_LOCAL, SPAN_NULL, 10);
	store_close(st);
	st = open_ok(fx->db, 0, 0);
	assert_int_equal(get(st, "recv:local"), 1);
	assert_false(store_pending(st));
	store_close(st);
}

static void
values_persist_across_close_and_open(void **state)
{
	struct fx *fx = *state;
	struct store *st = open_ok(fx->db, 0, 0);

	store_add(st, KEY_STATUS_SENT, SPAN_NULL, 10);
	add_dyn(st, "dovecot", 2);
	commit_ok(st, NULL);
	store_close(st);
	st = open_ok(fx->db, 0, 0);
	assert_int_equal(get(st, "status:sent"), 10);
	assert_int_equal(get(st, "sent:dovecot"), 2);
	store_add(st, KEY_STATUS_SENT, SPAN_NULL, 1);
	add_dyn(st, "dovecot", 1);
	commit_ok(st, NULL);
	store_close(st);
	st = open_ok(fx->db, STORE_RDONLY, 0);
	assert_int_equal(get(st, "status:sent"), 11);
	assert_int_equal(get(st, "sent:dovecot"), 3);
	store_close(st);
}

static void
counters_are_64_bit(void **state)
{
	struct fx *fx = *state;
	struct store *st = open_ok(fx->db, 0, 0);
	uint64_t big = (1ULL << 40) + 5;

	store_add(st, KEY_SENT_LOCAL, SPAN_NULL, big);
	store_add(st, KEY_SENT_LOCAL, SPAN_NULL, big);
	store_add(st, KEY_SENT_VIRTUAL, SPAN_NULL, UINT64_MAX - 1);
	commit_ok(st, NULL);
	store_add(st, KEY_SENT_VIRTUAL, SPAN_NULL, 1);
	commit_ok(st, NULL);
	store_close(st);
	st = open_ok(fx->db, STORE_RDONLY, 0);
	assert_true(get(st, "sent:local") == 2 * big);
	assert_true(get(st, "sent:virtual") == UINT64_MAX);
	store_close(st);
}

/* self:commits is the pump's count (one tally): the store adds nothing. */
static void
store_counts_nothing_of_its_own(void **state)
{
	struct fx *fx = *state;
	struct store *st = open_ok(fx->db, 0, 0);

	store_add(st, KEY_SELF_LINES, SPAN_NULL, 1);
	commit_ok(st, NULL);
	store_add(st, KEY_SELF_LINES, SPAN_NULL, 1);
	commit_ok(st, NULL);
	assert_int_equal(get(st, "self:commits"), 0);
	assert_int_equal(get(st, "self:lines"), 2);
	store_close(st);
}

/* ---- position ---- */

static void
position_round_trips_with_counters(void **state)
{
	struct fx *fx = *state;
	struct store *st = open_ok(fx->db, 0, 0);
	unsigned char p[STORE_POS_MAX], q[STORE_POS_MAX];
	size_t i, len = sizeof(q);

	/* Opaque bytes: every value, NULs included, at the largest size. */
	for (i = 0; i < sizeof(p); i++)
		p[i] = (unsigned char)(i * 7 + 3);
	assert_int_equal(store_get_pos(st, q, &len), STORE_ENOTFOUND);
	store_add(st, KEY_SELF_LINES, SPAN_NULL, 1);
	assert_int_equal(store_commit(st, p, sizeof(p)), STORE_OK);
	len = sizeof(q);
	assert_int_equal(store_get_pos(st, q, &len), STORE_OK);
	assert_int_equal(len, sizeof(p));
	assert_memory_equal(p, q, sizeof(p));
	/* A commit without a position keeps the old one. */
	store_add(st, KEY_SELF_LINES, SPAN_NULL, 1);
	commit_ok(st, NULL);
	store_close(st);
	st = open_ok(fx->db, STORE_RDONLY, 0);
	memset(q, 0, sizeof(q));
	len = sizeof(q);
	assert_int_equal(store_get_pos(st, q, &len), STORE_OK);
	assert_int_equal(len, sizeof(p));
	assert_memory_equal(p, q, sizeof(p));
	/* A buffer too small for it is not overrun. */
	len = 16;
	assert_int_not_equal(store_get_pos(st, q, &len), STORE_OK);
	store_close(st);
}

static void
position_too_long_or_empty_is_refused(void **state)
{
	struct fx *fx = *state;
	struct store *st = open_ok(fx->db, 0, 0);
	unsigned char p[STORE_POS_MAX + 1];

	memset(p, 'x', sizeof(p));
	store_add(st, KEY_SELF_LINES, SPAN_NULL, 1);
	assert_int_not_equal(store_commit(st, p, sizeof(p)), STORE_OK);
	assert_int_not_equal(store_commit(st, p, 0), STORE_OK);
	assert_true(store_pending(st));
	assert_int_equal(get(st, "self:lines"), 0);
	store_close(st);
}

/* ---- dynamic keys ---- */

struct collect {
	char	keys[256][KEYS_NAME_MAX + 1];
	uint64_t vals[256];
	size_t	n;
};

static void
collect_fn(const char *key, uint64_t val, void *arg)
{
	struct collect *c = arg;

	if (c->n < 256) {
		snprintf(c->keys[c->n], sizeof(c->keys[0]), "%s", key);
		c->vals[c->n] = val;
	}
	c->n++;
}

static size_t
count_prefix(const struct collect *c, const char *prefix)
{
	size_t i, n = 0;

	for (i = 0; i < c->n && i < 256; i++)
		if (strncmp(c->keys[i], prefix, strlen(prefix)) == 0)
			n++;
	return n;
}

static void
dynamic_keys_are_capped_and_the_rest_overflows(void **state)
{
	struct fx *fx = *state;
	struct store *st = open_ok(fx->db, 0, 0);
	struct collect *c = calloc(1, sizeof(*c));
	char t[32];
	int i;

	assert_non_null(c);
	for (i = 0; i < KEYS_DYNAMIC_MAX + 36; i++) {
		snprintf(t, sizeof(t), "t%03d", i);
		add_dyn(st, t, 1);
	}
	/* A transport that already has a key still counts in it. */
	add_dyn(st, "t000", 1);
	commit_ok(st, NULL);
	assert_int_equal(store_foreach(st, collect_fn, c), STORE_OK);
	assert_int_equal(count_prefix(c, "sent:t"), KEYS_DYNAMIC_MAX);
	assert_int_equal(get(st, "sent:_overflow"), 36);
	assert_int_equal(get(st, "sent:t000"), 2);
	assert_int_equal(get(st, "sent:t063"), 1);
	assert_int_equal(get(st, "sent:t064"), 0);
	store_close(st);

	/* After a restart the cap still holds, and old names still count. */
	st = open_ok(fx->db, 0, 0);
	add_dyn(st, "brand-new", 1);
	add_dyn(st, "t010", 1);
	store_add(st, KEY_SENT_SMTP, SPAN_NULL, 1);
	commit_ok(st, NULL);
	assert_int_equal(get(st, "sent:brand-new"), 0);
	assert_int_equal(get(st, "sent:_overflow"), 37);
	assert_int_equal(get(st, "sent:t010"), 2);
	assert_int_equal(get(st, "sent:smtp"), 1);
	c->n = 0;
	assert_int_equal(store_foreach(st, collect_fn, c), STORE_OK);
	assert_int_equal(count_prefix(c, "sent:t"), KEYS_DYNAMIC_MAX);
	store_close(st);
	free(c);
}

static void
unusable_transport_names_count_in_overflow(void **state)
{
	struct fx *fx = *state;
	struct store *st = open_ok(fx->db, 0, 0);

	add_dyn(st, "bad/name", 1);
	add_dyn(st, "_overflow", 1);
	add_dyn(st, "", 1);
	add_dyn(st, "a-transport-name-longer-than-32-bytes", 1);
	commit_ok(st, NULL);
	assert_int_equal(get(st, "sent:_overflow"), 4);
	assert_int_equal(get(st, "sent:bad/name"), 0);
	store_close(st);
}

/* ---- failures ---- */

static void
fill_everything(struct store *st)
{
	char t[40];
	int i;

	for (i = 0; i < KEYS_STATIC_COUNT; i++)
		store_add(st, i, SPAN_NULL, 1);
	for (i = 0; i < KEYS_DYNAMIC_MAX; i++) {
		snprintf(t, sizeof(t), "transport-with-a-long-name-%05d", i);
		add_dyn(st, t, 1);
	}
}

static void
map_full_commit_fails_and_keeps_increments_pending(void **state)
{
	struct fx *fx = *state;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct store *st;
	int rc;

	/* Room for the empty database, not for a hundred keys. */
	st = open_ok(fx->db, 0, 6 * page);
	fill_everything(st);
	rc = store_commit(st, NULL, 0);
	assert_int_equal(rc, STORE_EFULL);
	assert_true(strlen(store_detail(st)) > 0);
	assert_true(store_pending(st));
	/* Nothing of the failed transaction is visible. */
	assert_int_equal(get(st, "sent:smtp"), 0);
	assert_int_equal(get(st, "self:commits"), 0);
	/* Retrying fails the same way, still without side effects. */
	assert_int_equal(store_commit(st, NULL, 0), STORE_EFULL);
	assert_true(store_pending(st));
	assert_int_equal(get(st, "sent:smtp"), 0);
	store_close(st);
}

static void
failed_commit_is_written_once_by_a_later_commit(void **state)
{
	struct fx *fx = *state;
	struct store *st = open_ok(fx->db, 0, 0);
	struct rlimit old, lim;
	struct stat sb;
	unsigned char q[STORE_POS_MAX];
	size_t qlen = sizeof(q);
	void (*oldsig)(int);
	int rc;

	store_add(st, KEY_SENT_LOCAL, SPAN_NULL, 1);
	commit_ok(st, NULL);
	/* The file system is "full": data.mdb cannot grow. */
	assert_int_equal(stat(fx->data, &sb), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	oldsig = signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = (rlim_t)sb.st_size;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	fill_everything(st);
	rc = store_commit(st, (const unsigned char *)"PSF1-pos", 8);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, oldsig);
	if (rc == STORE_OK)
		fail_msg("commit succeeded although data.mdb could not grow");
	assert_true(store_pending(st));
	assert_int_equal(get(st, "sent:local"), 1);
	assert_int_equal(store_get_pos(st, q, &qlen), STORE_ENOTFOUND);
	/* Room again: the same increments are written, once. */
	commit_ok(st, "PSF1-pos");
	assert_false(store_pending(st));
	assert_int_equal(get(st, "sent:local"), 2);
	assert_int_equal(get(st, "sent:smtp"), 1);
	assert_int_equal(get(st, "sent:transport-with-a-long-name-00063"), 1);
	assert_int_equal(get(st, "self:commits"), 1);	/* fill's, once */
	assert_pos_is(st, "PSF1-pos");
	store_close(st);
	st = open_ok(fx->db, STORE_RDONLY, 0);
	assert_int_equal(get(st, "sent:local"), 2);
	store_close(st);
}

/* ---- readers and writers ---- */

static void
read_only_open_reads_but_cannot_commit(void **state)
{
	struct fx *fx = *state;
	struct store *wr = open_ok(fx->db, 0, 0), *rd;
	struct collect *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	store_add(wr, KEY_SMTP_4XX, SPAN_NULL, 2);
	commit_ok(wr, NULL);
	rd = open_ok(fx->db, STORE_RDONLY, 0);
	assert_int_equal(get(rd, "smtp:4xx"), 2);
	/* Later commits of the running writer are seen. */
	store_add(wr, KEY_SMTP_4XX, SPAN_NULL, 1);
	commit_ok(wr, NULL);
	assert_int_equal(get(rd, "smtp:4xx"), 3);
	assert_int_equal(store_foreach(rd, collect_fn, c), STORE_OK);
	assert_true(c->n >= 1);
	/* A reader cannot write. */
	store_add(rd, KEY_SMTP_4XX, SPAN_NULL, 100);
	assert_int_not_equal(store_commit(rd, NULL, 0), STORE_OK);
	store_close(rd);
	store_close(wr);
	rd = open_ok(fx->db, STORE_RDONLY, 0);
	assert_int_equal(get(rd, "smtp:4xx"), 3);
	store_close(rd);
	free(c);
}

static void
read_only_open_of_a_missing_database_creates_nothing(void **state)
{
	struct fx *fx = *state;
	struct store *st;
	struct stat sb;

	assert_int_equal(store_open(&st, fx->db, STORE_RDONLY, 0),
	    STORE_ENODB);
	store_close(st);
	assert_int_equal(stat(fx->db, &sb), -1);
	assert_int_equal(mkdir(fx->db, 0755), 0);
	assert_int_equal(store_open(&st, fx->db, STORE_RDONLY, 0),
	    STORE_ENODB);
	store_close(st);
	assert_int_equal(stat(fx->data, &sb), -1);
}

/* store_open in a child process; its return code. */
static int
open_in_child(const char *path, int flags)
{
	pid_t pid;
	int status;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		struct store *st;
		int rc = store_open(&st, path, flags, 0);

		if (rc == STORE_OK && (flags & STORE_RDONLY)) {
			uint64_t v;

			if (store_get(st, "sent:smtp", &v) != STORE_OK
			    || v != 1)
				rc = 99;
		}
		_exit(rc == STORE_OK ? 0 : rc < 0 ? -rc : rc);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status) == 0 ? 0 : WEXITSTATUS(status) == 99 ? 99
	    : -WEXITSTATUS(status);
}

/* A second writer is told who holds the database; 0 when it was. */
static int
refused_in_child_naming_parent(const char *path)
{
	pid_t pid;
	int status;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		struct store *st;
		char want[64];
		int rc = store_open(&st, path, 0, 0);

		snprintf(want, sizeof(want), "is in use by another "
		    "postfix-statsd (pid %ld)", (long)getppid());
		_exit(rc == STORE_ELOCKED && strstr(store_detail(st), want)
		    != NULL && strstr(store_detail(st), path) != NULL ? 0 : 1);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}

static void
second_writer_is_refused_naming_the_first(void **state)
{
	struct fx *fx = *state;
	struct store *st = open_ok(fx->db, 0, 0);

	store_add(st, KEY_SENT_SMTP, SPAN_NULL, 1);
	commit_ok(st, NULL);
	assert_int_equal(open_in_child(fx->db, 0), STORE_ELOCKED);
	assert_int_equal(refused_in_child_naming_parent(fx->db), 0);
	assert_string_equal(store_strerror(STORE_ELOCKED),
	    "in use by another postfix-statsd");
	/* Readers are welcome meanwhile. */
	assert_int_equal(open_in_child(fx->db, STORE_RDONLY), 0);
	/* The first writer is unharmed. */
	store_add(st, KEY_SENT_SMTP, SPAN_NULL, 1);
	commit_ok(st, NULL);
	assert_int_equal(get(st, "sent:smtp"), 2);
	store_close(st);
	/* Once it is gone, another writer may open. */
	assert_int_equal(open_in_child(fx->db, 0), 0);
}

/* Write KEY = VAL (LEN bytes) into "meta" with LMDB directly. */
static void
raw_put_meta(const char *path, const char *key, const void *val, size_t len)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = { strlen(key), (void *)key }, v = { len, (void *)val };

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 4), 0);
	assert_int_equal(mdb_env_open(env, path, 0, 0644), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", MDB_CREATE, &dbi), 0);
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

static void
raw_put_schema(const char *path, const char *val)
{
	raw_put_meta(path, "schema", val, strlen(val));
}

/* The "schema" value, read with LMDB directly, as a string in BUF. */
static const char *
raw_schema(const char *path, char *buf, size_t len)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = { 6, (void *)"schema" }, v;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 4), 0);
	assert_int_equal(mdb_env_open(env, path, MDB_RDONLY, 0644), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	assert_int_equal(mdb_get(txn, dbi, &k, &v), 0);
	assert_true(v.mv_size < len);
	memcpy(buf, v.mv_data, v.mv_size);
	buf[v.mv_size] = '\0';
	mdb_txn_abort(txn);
	mdb_env_close(env);
	return buf;
}

/* A round-1 database (schema 1, untagged 60-byte position) is migrated once. */
static void
schema1_database_is_migrated_on_first_writer_open(void **state)
{
	struct fx *fx = *state;
	struct store *st = open_ok(fx->db, 0, 0);
	unsigned char old[60], want[64], q[STORE_POS_MAX];
	size_t i, len;
	char sc[16];

	store_add(st, KEY_SENT_SMTP, SPAN_NULL, 7);
	add_dyn(st, "legal", 2);
	commit_ok(st, NULL);
	store_close(st);
	for (i = 0; i < sizeof(old); i++)
		old[i] = (unsigned char)(200 - i);
	raw_put_schema(fx->db, "1");
	raw_put_meta(fx->db, "pos", old, sizeof(old));
	memcpy(want, "PSF0", 4);
	memcpy(want + 4, old, sizeof(old));
	/* A reader takes it as it is, and sees the position as migrated. */
	st = open_ok(fx->db, STORE_RDONLY, 0);
	assert_int_equal(get(st, "sent:smtp"), 7);
	len = sizeof(q);
	assert_int_equal(store_get_pos(st, q, &len), STORE_OK);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(q, want, sizeof(want));
	assert_false(store_migrated(st));
	store_close(st);
	assert_string_equal(raw_schema(fx->db, sc, sizeof(sc)), "1");
	/* The writer migrates it. */
	st = open_ok(fx->db, 0, 0);
	assert_true(store_migrated(st));
	assert_string_equal(raw_schema(fx->db, sc, sizeof(sc)), "2");
	len = sizeof(q);
	assert_int_equal(store_get_pos(st, q, &len), STORE_OK);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(q, want, sizeof(want));
	assert_int_equal(get(st, "sent:smtp"), 7);
	assert_int_equal(get(st, "sent:legal"), 2);
	store_close(st);
	/* Once. */
	st = open_ok(fx->db, 0, 0);
	assert_false(store_migrated(st));
	len = sizeof(q);
	assert_int_equal(store_get_pos(st, q, &len), STORE_OK);
	assert_memory_equal(q, want, sizeof(want));
	store_close(st);
}

/* A schema-1 position of a size round 1 never wrote cannot be resumed: dropped. */
static void
schema1_position_of_another_size_is_dropped(void **state)
{
	struct fx *fx = *state;
	struct store *st = open_ok(fx->db, 0, 0);
	unsigned char q[STORE_POS_MAX];
	size_t len = sizeof(q);

	store_add(st, KEY_SENT_SMTP, SPAN_NULL, 1);
	commit_ok(st, NULL);
	store_close(st);
	raw_put_schema(fx->db, "1");
	raw_put_meta(fx->db, "pos", "short", 5);
	st = open_ok(fx->db, 0, 0);
	assert_true(store_migrated(st));
	assert_int_equal(store_get_pos(st, q, &len), STORE_ENOTFOUND);
	assert_int_equal(get(st, "sent:smtp"), 1);
	store_close(st);
}

static void
unknown_schema_version_is_refused(void **state)
{
	struct fx *fx = *state;
	struct store *st = open_ok(fx->db, 0, 0);

	store_add(st, KEY_SENT_SMTP, SPAN_NULL, 1);
	commit_ok(st, NULL);
	store_close(st);
	raw_put_schema(fx->db, "3");
	assert_int_equal(store_open(&st, fx->db, 0, 0), STORE_ESCHEMA);
	assert_non_null(strstr(store_detail(st), "schema"));
	store_close(st);
	assert_int_equal(store_open(&st, fx->db, STORE_RDONLY, 0),
	    STORE_ESCHEMA);
	store_close(st);
	/* Put it back: the data is intact. */
	raw_put_schema(fx->db, "2");
	st = open_ok(fx->db, STORE_RDONLY, 0);
	assert_int_equal(get(st, "sent:smtp"), 1);
	store_close(st);
}

static void
foreign_lmdb_database_is_refused_by_readers(void **state)
{
	struct fx *fx = *state;
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = { 3, (void *)"foo" }, v = { 3, (void *)"bar" };
	struct store *st;

	assert_int_equal(mkdir(fx->db, 0755), 0);
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_open(env, fx->db, 0, 0644), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, NULL, 0, &dbi), 0);
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
	assert_int_equal(store_open(&st, fx->db, STORE_RDONLY, 0),
	    STORE_ESCHEMA);
	store_close(st);
}

/* ---- the database deleted under a running writer ---- */

static void
deleted_database_is_detected_and_recreated_with_counts(void **state)
{
	struct fx *fx = *state;
	struct store *st = open_ok(fx->db, 0, 0);
	char p[STORE_POS_MAX + 1];
	struct stat sb;

	/* The longest position is carried over too. */
	memset(p, 'p', STORE_POS_MAX);
	p[STORE_POS_MAX] = '\0';
	store_add(st, KEY_SENT_SMTP, SPAN_NULL, 5);
	add_dyn(st, "legal", 3);
	commit_ok(st, p);
	assert_int_equal(store_check(st), STORE_OK);
	assert_int_equal(unlink(fx->data), 0);
	assert_int_equal(store_check(st), STORE_EDELETED);
	/* Increments made meanwhile are not lost either. */
	store_add(st, KEY_SENT_SMTP, SPAN_NULL, 1);
	assert_int_equal(store_recreate(st), STORE_OK);
	assert_int_equal(store_check(st), STORE_OK);
	assert_int_equal(stat(fx->data, &sb), 0);
	assert_int_equal(get(st, "sent:smtp"), 5);
	assert_int_equal(get(st, "sent:legal"), 3);
	assert_pos_is(st, p);
	commit_ok(st, NULL);
	assert_int_equal(get(st, "sent:smtp"), 6);
	add_dyn(st, "legal", 1);
	commit_ok(st, NULL);
	store_close(st);
	st = open_ok(fx->db, STORE_RDONLY, 0);
	assert_int_equal(get(st, "sent:smtp"), 6);
	assert_int_equal(get(st, "sent:legal"), 4);
	assert_int_equal(get(st, "self:commits"), 0);
	store_close(st);
	/* And the recreated database is still exclusively ours. */
	st = open_ok(fx->db, 0, 0);
	assert_int_equal(open_in_child(fx->db, 0), STORE_ELOCKED);
	store_close(st);
}

static void
symlinked_data_files_are_refused(void **state)
{
	struct fx *fx = *state;
	char target[PATH_MAX + 16], lock[PATH_MAX + 32];
	struct store *st;
	struct stat sb;
	int fd;

	assert_int_equal(mkdir(fx->db, 0755), 0);
	snprintf(target, sizeof(target), "%s/victim", fx->base);
	assert_true((fd = open(target, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	assert_int_equal(symlink(target, fx->data), 0);
	assert_int_equal(store_open(&st, fx->db, 0, 0), STORE_EUNSAFE);
	store_close(st);
	assert_int_equal(store_open(&st, fx->db, STORE_RDONLY, 0),
	    STORE_EUNSAFE);
	store_close(st);
	assert_int_equal(stat(target, &sb), 0);
	assert_int_equal(sb.st_size, 0);		/* untouched */
	assert_int_equal(unlink(fx->data), 0);

	snprintf(lock, sizeof(lock), "%s/lock.mdb", fx->db);
	assert_int_equal(symlink(target, lock), 0);
	assert_int_equal(store_open(&st, fx->db, 0, 0), STORE_EUNSAFE);
	store_close(st);
	assert_int_equal(stat(target, &sb), 0);
	assert_int_equal(sb.st_size, 0);
}

static void
foreach_visits_every_counter_in_byte_order(void **state)
{
	struct fx *fx = *state;
	struct store *st = open_ok(fx->db, 0, 0), *rd;
	struct collect *c = calloc(1, sizeof(*c));
	size_t i;
	int seen_zeta = 0, seen_alpha = 0;

	assert_non_null(c);
	add_dyn(st, "zz", 1);
	add_dyn(st, "Zeta", 2);
	add_dyn(st, "alpha", 3);
	store_add(st, KEY_STATUS_EXPIRED, SPAN_NULL, 4);
	store_add(st, KEY_RECV_SMTP, SPAN_NULL, 5);
	store_add(st, KEY_LMTP_5XX, SPAN_NULL, 6);
	commit_ok(st, NULL);
	rd = open_ok(fx->db, STORE_RDONLY, 0);
	assert_int_equal(store_foreach(rd, collect_fn, c), STORE_OK);
	assert_true(c->n >= 6);
	for (i = 1; i < c->n; i++)
		if (strcmp(c->keys[i - 1], c->keys[i]) >= 0)
			fail_msg("\"%s\" before \"%s\"", c->keys[i - 1],
			    c->keys[i]);
	for (i = 0; i < c->n; i++) {
		if (strcmp(c->keys[i], "sent:Zeta") == 0) {
			assert_int_equal(c->vals[i], 2);
			seen_zeta = (int)i + 1;
		}
		if (strcmp(c->keys[i], "sent:alpha") == 0) {
			assert_int_equal(c->vals[i], 3);
			seen_alpha = (int)i + 1;
		}
		if (strcmp(c->keys[i], "lmtp:5xx") == 0)
			assert_int_equal(c->vals[i], 6);
	}
	/* C byte order: upper case first. */
	assert_true(seen_zeta && seen_alpha && seen_zeta < seen_alpha);
	store_close(rd);
	store_close(st);
	free(c);
}

static void
every_error_code_has_a_message(void **state)
{
	static const int codes[] = { STORE_OK, STORE_ENOTFOUND, STORE_ENODB,
	    STORE_EACCES, STORE_EUNSAFE, STORE_ESCHEMA, STORE_EFULL,
	    STORE_EBUSY, STORE_EIO, STORE_EDELETED, STORE_ELOCKED, -1000 };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		assert_non_null(store_strerror(codes[i]));
		assert_true(strlen(store_strerror(codes[i])) > 0);
		for (j = 0; j < i && codes[i] != -1000; j++)
			if (codes[j] != STORE_EIO)
				assert_string_not_equal(
				    store_strerror(codes[i]),
				    store_strerror(codes[j]));
	}
	assert_string_equal(store_detail(NULL), "");
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(database_directly_in_tmp_is_refused),
		T(world_writable_or_symlinked_directory_is_refused),
		T(files_are_created_readable_not_world_writable),
		T(added_counts_are_read_back_after_commit),
		T(pending_increments_are_not_visible_before_commit),
		T(close_drops_uncommitted_increments),
		T(values_persist_across_close_and_open),
		T(counters_are_64_bit),
		T(store_counts_nothing_of_its_own),
		T(position_round_trips_with_counters),
		T(position_too_long_or_empty_is_refused),
		T(dynamic_keys_are_capped_and_the_rest_overflows),
		T(unusable_transport_names_count_in_overflow),
		T(map_full_commit_fails_and_keeps_increments_pending),
		T(failed_commit_is_written_once_by_a_later_commit),
		T(read_only_open_reads_but_cannot_commit),
		T(read_only_open_of_a_missing_database_creates_nothing),
		T(second_writer_is_refused_naming_the_first),
		T(unknown_schema_version_is_refused),
		T(schema1_database_is_migrated_on_first_writer_open),
		T(schema1_position_of_another_size_is_dropped),
		T(foreign_lmdb_database_is_refused_by_readers),
		T(deleted_database_is_detected_and_recreated_with_counts),
		T(symlinked_data_files_are_refused),
		T(foreach_visits_every_counter_in_byte_order),
		T(every_error_code_has_a_message),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
