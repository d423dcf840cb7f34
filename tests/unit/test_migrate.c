/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	test_migrate - a database written by round 1 keeps working
 * DESCRIPTION
 *	tests/fixtures/db-round1 holds a data.mdb written by the round-1
 *	postfix-statsd (schema "1", an untagged 60-byte position) over the
 *	first 120 lines of samples/sample-mail.log, and what its reader
 *	printed. These tests open a copy with today's code: readers read it
 *	as it is; the first writer migrates it (counters equal, the position
 *	tagged SOURCE_TAG_FILE_V0 with the same 60 bytes, schema "2"); the
 *	file source then resumes from the migrated position and counts only
 *	the lines after it, so that the result equals one pass over the whole
 *	log. Run from the top of the repository (as make unit does), or set
 *	PFSTATS_TOP.
 * DIAGNOSTICS
 *	cmocka.
 * SECURITY
 *	Test code; files only under mkdtemp().
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <lmdb.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "filesrc.h"
#include "keys.h"
#include "pump.h"
#include "source.h"
#include "store.h"

#include "fixture.h"

#define FIXTURE	"tests/fixtures/db-round1"
#define SAMPLE	"samples/sample-mail.log"
#define MAXKEYS	256

struct fx {
	char	top[PATH_MAX];
	char	base[PATH_MAX];
	char	db[PATH_MAX + 8];
	char	log[PATH_MAX + 16];
};

struct kv {
	char		key[MAXKEYS][KEYS_NAME_MAX + 1];
	uint64_t	val[MAXKEYS];
	size_t		n;
};

/* Copy the bytes of FROM to TO. */
static void
copy_bytes(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[65536];
	size_t n;

	if (in == NULL || out == NULL)
		fail_msg("copy %s to %s: %s", from, to, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* Append (MODE "a") or write lines SKIP .. SKIP + LINES of text file FROM to TO. */
static void
copy_file(const char *from, const char *to, const char *mode, long skip,
    long lines)
{
	FILE *in = fopen(from, "r"), *out = fopen(to, mode);
	char buf[65536];
	long n = 0;

	if (in == NULL || out == NULL)
		fail_msg("copy %s to %s: %s", from, to, strerror(errno));
	while (fgets(buf, sizeof(buf), in) != NULL) {
		if (n >= skip && (lines < 0 || n < skip + lines))
			fputs(buf, out);
		n++;
	}
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	const char *tmp = getenv("TMPDIR"), *top = getenv("PFSTATS_TOP");
	char p[PATH_MAX * 2];

	if (fx == NULL)
		return -1;
	umask(022);
	snprintf(fx->top, sizeof(fx->top), "%s", top && *top ? top : ".");
	snprintf(fx->base, sizeof(fx->base), "%s/pfstats-migrate.XXXXXX",
	    tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(fx->base) == NULL)
		return -1;
	snprintf(fx->db, sizeof(fx->db), "%s/db", fx->base);
	snprintf(fx->log, sizeof(fx->log), "%s/mail.log", fx->base);
	if (mkdir(fx->db, 0755) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/%s/data.mdb", fx->top, FIXTURE);
	{
		char to[PATH_MAX + 32];

		snprintf(to, sizeof(to), "%s/data.mdb", fx->db);
		copy_bytes(p, to);
	}
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

/* The round-1 position and schema, read with LMDB directly. */
static void
raw_meta(const char *db, unsigned char pos[60], char *schema, size_t slen)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k, v;

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 4), 0);
	assert_int_equal(mdb_env_open(env, db, MDB_RDONLY | MDB_NOLOCK,
	    0644), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	k.mv_data = (void *)"schema";
	k.mv_size = 6;
	assert_int_equal(mdb_get(txn, dbi, &k, &v), 0);
	assert_true(v.mv_size < slen);
	memcpy(schema, v.mv_data, v.mv_size);
	schema[v.mv_size] = '\0';
	if (pos != NULL) {
		k.mv_data = (void *)"pos";
		k.mv_size = 3;
		assert_int_equal(mdb_get(txn, dbi, &k, &v), 0);
		assert_int_equal(v.mv_size, 60);
		memcpy(pos, v.mv_data, 60);
	}
	mdb_txn_abort(txn);
	mdb_env_close(env);
}

static void
collect_fn(const char *key, uint64_t val, void *arg)
{
	struct kv *kv = arg;

	if (kv->n < MAXKEYS) {
		snprintf(kv->key[kv->n], sizeof(kv->key[0]), "%s", key);
		kv->val[kv->n++] = val;
	}
}

/* counters.expected: what the round-1 reader printed. */
static void
expected(struct fx *fx, struct kv *kv)
{
	char p[PATH_MAX * 2], line[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s/counters.expected", fx->top, FIXTURE);
	assert_non_null(f = fopen(p, "r"));
	kv->n = 0;
	while (fgets(line, sizeof(line), f) != NULL && kv->n < MAXKEYS) {
		char *sp = strchr(line, ' ');

		assert_non_null(sp);
		*sp = '\0';
		snprintf(kv->key[kv->n], sizeof(kv->key[0]), "%s", line);
		kv->val[kv->n++] = strtoull(sp + 1, NULL, 10);
	}
	fclose(f);
	assert_true(kv->n > 20);
}

static void
assert_counters(struct store *st, const struct kv *want)
{
	size_t i;

	for (i = 0; i < want->n; i++) {
		uint64_t v = 0;

		(void)store_get(st, want->key[i], &v);
		if (v != want->val[i])
			fail_msg("%s: %llu, expected %llu", want->key[i],
			    (unsigned long long)v,
			    (unsigned long long)want->val[i]);
	}
}

static void
reader_reads_a_round1_database_without_changing_it(void **state)
{
	struct fx *fx = *state;
	unsigned char old[60], pos[STORE_POS_MAX];
	size_t len = sizeof(pos);
	struct store *st;
	struct kv want;
	char schema[8];

	expected(fx, &want);
	assert_int_equal(store_open(&st, fx->db, STORE_RDONLY, 0), STORE_OK);
	assert_counters(st, &want);
	assert_int_equal(store_get_pos(st, pos, &len), STORE_OK);
	store_close(st);
	raw_meta(fx->db, old, schema, sizeof(schema));
	assert_string_equal(schema, "1");
	assert_int_equal(len, 64);
	assert_memory_equal(pos, SOURCE_TAG_FILE_V0, 4);
	assert_memory_equal(pos + 4, old, 60);
}

static void
writer_migrates_a_round1_database_keeping_everything(void **state)
{
	struct fx *fx = *state;
	unsigned char old[60], pos[STORE_POS_MAX];
	size_t len = sizeof(pos);
	struct store *st;
	struct kv want;
	char schema[8];

	expected(fx, &want);
	raw_meta(fx->db, old, schema, sizeof(schema));
	assert_string_equal(schema, "1");
	assert_int_equal(store_open(&st, fx->db, 0, 0), STORE_OK);
	assert_true(store_migrated(st));
	assert_counters(st, &want);
	assert_int_equal(store_get_pos(st, pos, &len), STORE_OK);
	assert_int_equal(len, 64);
	assert_memory_equal(pos, SOURCE_TAG_FILE_V0, 4);
	assert_memory_equal(pos + 4, old, 60);
	store_close(st);
	raw_meta(fx->db, NULL, schema, sizeof(schema));
	assert_string_equal(schema, "2");
	assert_int_equal(store_open(&st, fx->db, 0, 0), STORE_OK);
	assert_false(store_migrated(st));
	store_close(st);
}

static void
put64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Read SRC to its end into ST (--once); the pump commits it. */
static void
pump_once(struct store *st, struct source *src)
{
	struct pump_opts o;
	struct pump *p;
	int i, rc = PUMP_BUSY;

	memset(&o, 0, sizeof(o));
	assert_int_equal(pump_open(&p, st, src, &o, NULL, NULL), 0);
	for (i = 0; i < 100000 && rc != PUMP_DONE; i++)
		rc = pump_step(p);
	assert_int_equal(rc, PUMP_DONE);
	assert_int_equal(pump_finish(p), STORE_OK);
	pump_close(p);
}

static void
migrated_position_resumes_after_the_lines_counted(void **state)
{
	struct fx *fx = *state;
	unsigned char pos[STORE_POS_MAX];
	size_t len = sizeof(pos), i;
	char src_log[PATH_MAX * 2], refdb[PATH_MAX + 8];
	struct filesrc_opts fo = { NULL, NULL, SOURCE_ONCE };
	struct source *src;
	struct store *st, *ref;
	struct kv got, want;
	struct stat sb;

	/* The log beside its database: the counted 120 lines, then 80 more. */
	snprintf(src_log, sizeof(src_log), "%s/%s/mail.log", fx->top,
	    FIXTURE);
	copy_file(src_log, fx->log, "w", 0, -1);
	snprintf(src_log, sizeof(src_log), "%s/%s", fx->top, SAMPLE);
	copy_file(src_log, fx->log, "a", 120, 80);
	assert_int_equal(store_open(&st, fx->db, 0, 0), STORE_OK);
	assert_true(store_migrated(st));
	assert_int_equal(store_get_pos(st, pos, &len), STORE_OK);
	assert_int_equal(len, 64);
	/*
	 * The fixture's position names the device and inode of the file it
	 * was made from, on another machine; point it at the copy, as if
	 * the database had stayed beside its log. Offset, mtime and
	 * fingerprint are the round-1 bytes, unchanged.
	 */
	assert_int_equal(stat(fx->log, &sb), 0);
	put64(pos + 4, (uint64_t)sb.st_dev);
	put64(pos + 12, (uint64_t)sb.st_ino);
	fo.path = fx->log;
	assert_int_equal(filesrc_open(&src, &fo, pos, len, NULL, NULL),
	    SOURCE_OK);
	pump_once(st, src);
	source_close(src);

	/* The reference: one pass over all 200 lines into a new database. */
	snprintf(refdb, sizeof(refdb), "%s/ref", fx->base);
	assert_int_equal(store_open(&ref, refdb, 0, 0), STORE_OK);
	fo.flags = SOURCE_ONCE | SOURCE_FROM_START;
	assert_int_equal(filesrc_open(&src, &fo, NULL, 0, NULL, NULL),
	    SOURCE_OK);
	pump_once(ref, src);
	source_close(src);
	want.n = got.n = 0;
	assert_int_equal(store_foreach(ref, collect_fn, &want), STORE_OK);
	store_close(ref);
	assert_int_equal(store_get(st, "self:lines", &got.val[0]), STORE_OK);
	assert_int_equal(got.val[0], 200);
	for (i = 0; i < want.n; i++) {
		uint64_t v = 0;

		if (strncmp(want.key[i], "self:", 5) == 0
		    && strncmp(want.key[i], "self:lines", 10) != 0)
			continue;	/* commits, heartbeat: per run */
		(void)store_get(st, want.key[i], &v);
		if (v != want.val[i])
			fail_msg("%s: %llu, one pass counts %llu",
			    want.key[i], (unsigned long long)v,
			    (unsigned long long)want.val[i]);
	}
	/* Now saved in today's format. */
	len = sizeof(pos);
	assert_int_equal(store_get_pos(st, pos, &len), STORE_OK);
	assert_memory_equal(pos, SOURCE_TAG_FILE, 4);
	store_close(st);
}

int
main(void)
{
#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(reader_reads_a_round1_database_without_changing_it),
		T(writer_migrates_a_round1_database_keeping_everything),
		T(migrated_position_resumes_after_the_lines_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
