/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	store - the counters and the read position, in LMDB
 * SYNOPSIS
 *	#include "store.h"
 * DESCRIPTION
 *	The database is an LMDB environment in a directory (data.mdb,
 *	lock.mdb) with two named databases: "counters" (key "category:name",
 *	value a little-endian uint64) and "meta" ("schema" = "2", "pos" = the
 *	source's read position: opaque bytes, at most STORE_POS_MAX, whose
 *	first four are the tag of the kind of source that wrote them).
 *
 *	Schema "1" (round 1) kept a 60-byte file position without a tag. A
 *	writer migrates such a database when it opens it, in one transaction:
 *	the counters stay, the position becomes SOURCE_TAG_FILE_V0 followed by
 *	the same 60 bytes, the schema becomes "2"; store_migrated() says so.
 *	Readers accept both schemas and need no migration.
 *
 *	The writer collects increments in memory (store_add) and writes them
 *	with the position in one transaction (store_commit): counters and
 *	position are always on disk together, which is what makes counting
 *	exactly-once across crashes and power loss. Static keys live in an
 *	array; dynamic sent:T keys in a table of at most KEYS_DYNAMIC_MAX
 *	names, loaded at open; a name beyond that counts in sent:_overflow, so
 *	the database cannot grow without bound. The map has a fixed size.
 *	The store counts nothing itself: self:commits is its caller's count.
 *
 *	A reader (STORE_RDONLY) opens with MDB_RDONLY|MDB_NOLOCK: it needs no
 *	write access to anything, so the unprivileged user snmpd runs as can
 *	read counters it cannot change. Without the lock table the writer does
 *	not know about such readers; a reader therefore checks, after reading,
 *	that no transaction was committed since its snapshot (LMDB reuses a
 *	snapshot's pages only two commits later) and reads again if one was.
 * DIAGNOSTICS
 *	STORE_ codes; store_detail() gives the LMDB or system message. On a
 *	failed commit nothing is written and the increments stay pending. A
 *	second writer gets STORE_ELOCKED, with the holder's pid in the detail
 *	when /proc/locks tells it.
 * SECURITY
 *	The directory is refused when it or its parent is world-writable, when
 *	it is a symbolic link or another user's; data files that are symbolic
 *	links are refused. Files are created 0644: counts are not secret.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keys.h"
#include "bytes.h"
#include "safefile.h"
#include "source.h"
#include "store.h"

#define STORE_SCHEMA	"2"
#define STORE_SCHEMA_V1	"1"
#define STORE_POS_V1	60	/* the round-1 position, untagged */

#if SOURCE_POS_MAX > STORE_POS_MAX
#error "the store must keep every position a source makes"
#endif

struct store_dyn {
	char		name[KEYS_TRANSPORT_MAX + 1];
	size_t		len;
	uint64_t	delta;
};

/* One record of the database, copied before it is recreated. */
struct store_rec {
	char		 key[KEYS_NAME_MAX + 1];
	size_t		 klen;
	unsigned char	 val[STORE_POS_MAX];
	size_t		 vlen;
	int		 meta;
};

struct store {
	MDB_env		*env;
	MDB_dbi		 counters;
	MDB_dbi		 meta;
	int		 flags;
	int		 schema;	/* of the database as opened: 1 or 2 */
	int		 migrated;	/* this open migrated it from schema 1 */
	size_t		 mapsize;
	char		 path[PATH_MAX];
	uint64_t	 delta[KEYS_STATIC_COUNT];
	uint64_t	 gauge[KEYS_STATIC_COUNT];	/* store_set() values */
	unsigned char	 gset[KEYS_STATIC_COUNT];	/* gauge[i] is to be written */
	struct store_dyn dyn[KEYS_DYNAMIC_MAX];
	size_t		 ndyn;
	int		 pending;
	struct store_rec *carry;	/* a deleted database's records, until rewritten */
	size_t		 ncarry;
	char		 detail[256];
};

static int
set_detail(struct store *st, int rc, const char *what)
{
	snprintf(st->detail, sizeof(st->detail), "%s: %s", what,
	    mdb_strerror(rc));
	if (rc == MDB_MAP_FULL || rc == ENOSPC || rc == EDQUOT)
		return STORE_EFULL;
	if (rc == EACCES || rc == EPERM)
		return STORE_EACCES;
	if (rc == ENOENT)
		return STORE_ENODB;
	return STORE_EIO;
}

/* Refuse data files planted as symbolic links. */
static int
check_files(struct store *st)
{
	static const char *const names[] = { "data.mdb", "lock.mdb" };
	char p[PATH_MAX + 16];
	struct stat sb;
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/%s", st->path, names[i]);
		if (lstat(p, &sb) == 0 && !S_ISREG(sb.st_mode)) {
			snprintf(st->detail, sizeof(st->detail),
			    "%s is not a regular file", p);
			return STORE_EUNSAFE;
		}
	}
	return STORE_OK;
}

static int
is_schema(const MDB_val *v, const char *want)
{
	return v->mv_size == strlen(want)
	    && memcmp(v->mv_data, want, v->mv_size) == 0;
}

/*
 * Schema 1 -> 2 inside TXN: the untagged 60-byte position becomes
 * SOURCE_TAG_FILE_V0 + the same bytes; a position of any other size (never
 * written by round 1) is dropped, as it could not be resumed from.
 */
static int
migrate_v1(MDB_txn *txn, MDB_dbi meta)
{
	unsigned char b[SOURCE_TAG_LEN + STORE_POS_V1];
	MDB_val k, v;
	int rc;

	k.mv_data = (void *)"pos";
	k.mv_size = 3;
	rc = mdb_get(txn, meta, &k, &v);
	if (rc == 0 && v.mv_size == STORE_POS_V1) {
		memcpy(b, SOURCE_TAG_FILE_V0, SOURCE_TAG_LEN);
		memcpy(b + SOURCE_TAG_LEN, v.mv_data, STORE_POS_V1);
		v.mv_data = b;
		v.mv_size = sizeof(b);
		rc = mdb_put(txn, meta, &k, &v, 0);
	} else if (rc == 0) {
		rc = mdb_del(txn, meta, &k, NULL);
	} else if (rc == MDB_NOTFOUND) {
		rc = 0;
	}
	if (rc != 0)
		return rc;
	k.mv_data = (void *)"schema";
	k.mv_size = 6;
	v.mv_data = (void *)STORE_SCHEMA;
	v.mv_size = strlen(STORE_SCHEMA);
	return mdb_put(txn, meta, &k, &v, 0);
}

/* Open the environment and the two databases; check the schema. */
static int
env_open(struct store *st, MDB_env **envp, MDB_dbi *counters, MDB_dbi *meta)
{
	unsigned int flags = MDB_NOTLS;
	MDB_env *env;
	MDB_txn *txn;
	MDB_val k, v;
	int rc;

	if (st->flags & STORE_RDONLY)
		flags |= MDB_RDONLY | MDB_NOLOCK;
	if ((rc = mdb_env_create(&env)) != 0)
		return set_detail(st, rc, "mdb_env_create");
	mdb_env_set_maxdbs(env, 2);
	if (!(st->flags & STORE_RDONLY)
	    && (rc = mdb_env_set_mapsize(env, st->mapsize)) != 0) {
		mdb_env_close(env);
		return set_detail(st, rc, "mdb_env_set_mapsize");
	}
	if ((rc = mdb_env_open(env, st->path, flags, 0644)) != 0) {
		mdb_env_close(env);
		return set_detail(st, rc, st->path);
	}
	rc = mdb_txn_begin(env, NULL, (st->flags & STORE_RDONLY)
	    ? MDB_RDONLY : 0, &txn);
	if (rc != 0) {
		mdb_env_close(env);
		return set_detail(st, rc, "mdb_txn_begin");
	}
	if (st->flags & STORE_RDONLY) {
		if ((rc = mdb_dbi_open(txn, "counters", 0, counters)) != 0
		    || (rc = mdb_dbi_open(txn, "meta", 0, meta)) != 0) {
			mdb_txn_abort(txn);
			mdb_env_close(env);
			if (rc == MDB_NOTFOUND) {
				snprintf(st->detail, sizeof(st->detail),
				    "%s: not a postfix-stats database",
				    st->path);
				return STORE_ESCHEMA;
			}
			return set_detail(st, rc, "mdb_dbi_open");
		}
	} else if ((rc = mdb_dbi_open(txn, "counters", MDB_CREATE,
	    counters)) != 0 || (rc = mdb_dbi_open(txn, "meta", MDB_CREATE,
	    meta)) != 0) {
		mdb_txn_abort(txn);
		mdb_env_close(env);
		return set_detail(st, rc, "mdb_dbi_open");
	}
	k.mv_data = (void *)"schema";
	k.mv_size = 6;
	rc = mdb_get(txn, *meta, &k, &v);
	st->schema = 2;
	if (rc == 0 && is_schema(&v, STORE_SCHEMA_V1)) {
		st->schema = 1;
	} else if (rc == 0 && !is_schema(&v, STORE_SCHEMA)) {
		mdb_txn_abort(txn);
		mdb_env_close(env);
		snprintf(st->detail, sizeof(st->detail),
		    "%s: unknown schema version (this program knows %s and %s)",
		    st->path, STORE_SCHEMA_V1, STORE_SCHEMA);
		return STORE_ESCHEMA;
	}
	if (st->flags & STORE_RDONLY) {
		/* Commit, not abort: that keeps the DBI handles open. */
		rc = mdb_txn_commit(txn);
	} else {
		if (rc == 0 && st->schema == 1) {
			/* In this transaction: all of it or nothing. */
			rc = migrate_v1(txn, *meta);
		} else if (rc == MDB_NOTFOUND) {
			v.mv_data = (void *)STORE_SCHEMA;
			v.mv_size = strlen(STORE_SCHEMA);
			rc = mdb_put(txn, *meta, &k, &v, 0);
		}
		if (rc != 0)
			mdb_txn_abort(txn);
		else
			rc = mdb_txn_commit(txn);
		if (rc == 0 && st->schema == 1) {
			st->schema = 2;
			st->migrated = 1;
		}
	}
	if (rc != 0) {
		mdb_env_close(env);
		return set_detail(st, rc, "schema");
	}
	*envp = env;
	return STORE_OK;
}

/*
 * The pid holding a flock() on the file FD is (Linux /proc/locks: "N: FLOCK
 * ADVISORY WRITE PID MAJ:MIN:INODE START END"), or 0 when not known.
 */
static long
lock_holder(int fd)
{
	char line[256], want[64];
	struct stat sb;
	long pid = 0;
	FILE *fp;

	if (fstat(fd, &sb) < 0)
		return 0;
	snprintf(want, sizeof(want), ":%lu ", (unsigned long)sb.st_ino);
	if ((fp = fopen("/proc/locks", "re")) == NULL)
		return 0;
	while (pid == 0 && fgets(line, sizeof(line), fp) != NULL) {
		unsigned int maj, min;
		unsigned long ino;
		long p;

		if (strstr(line, " FLOCK ") == NULL
		    || strstr(line, want) == NULL
		    || sscanf(strstr(line, " FLOCK "),
		    " FLOCK %*s %*s %ld %x:%x:%lu", &p, &maj, &min, &ino) != 4)
			continue;
		if (ino == (unsigned long)sb.st_ino
		    && maj == (unsigned int)major(sb.st_dev)
		    && min == (unsigned int)minor(sb.st_dev) && p != getpid())
			pid = p;
	}
	fclose(fp);
	return pid;
}

/* One writer per database: a second follower would count every line twice. */
static int
lock_env(struct store *st, MDB_env *env)
{
	long pid;
	int fd;

	if (st->flags & STORE_RDONLY)
		return STORE_OK;
	if (mdb_env_get_fd(env, &fd) != 0)
		return STORE_EIO;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if ((pid = lock_holder(fd)) > 0)
			snprintf(st->detail, sizeof(st->detail),
			    "database %s is in use by another postfix-statsd "
			    "(pid %ld)", st->path, pid);
		else
			snprintf(st->detail, sizeof(st->detail),
			    "database %s is in use by another postfix-statsd",
			    st->path);
		return STORE_ELOCKED;
	}
	return STORE_OK;
}

/* Load the names of the dynamic sent:T keys already in the database. */
static int
load_dynamic(struct store *st)
{
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	st->ndyn = 0;
	if ((rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn)) != 0)
		return set_detail(st, rc, "mdb_txn_begin");
	if ((rc = mdb_cursor_open(txn, st->counters, &cur)) != 0) {
		mdb_txn_abort(txn);
		return set_detail(st, rc, "mdb_cursor_open");
	}
	k.mv_data = (void *)"sent:";
	k.mv_size = 5;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct span t;

		if (k.mv_size < 5 || memcmp(k.mv_data, "sent:", 5) != 0)
			break;
		t = span_make((const char *)k.mv_data + 5, k.mv_size - 5);
		if (keys_sent_id(t) != KEY_SENT_DYNAMIC || !keys_transport_ok(t)
		    || st->ndyn >= KEYS_DYNAMIC_MAX)
			continue;
		memcpy(st->dyn[st->ndyn].name, t.p, t.len);
		st->dyn[st->ndyn].name[t.len] = '\0';
		st->dyn[st->ndyn].len = t.len;
		st->dyn[st->ndyn].delta = 0;
		st->ndyn++;
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return STORE_OK;
}

int
store_open(struct store **stp, const char *path, int flags, size_t mapsize)
{
	struct store *st;
	struct stat sb;
	int rc;

	*stp = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return STORE_EIO;
	st->flags = flags;
	st->mapsize = mapsize ? mapsize : STORE_DEFAULT_MAPSIZE;
	if (strlen(path) >= sizeof(st->path)) {
		free(st);
		return STORE_EIO;
	}
	strcpy(st->path, path);
	if (flags & STORE_RDONLY) {
		char p[PATH_MAX + 16];

		snprintf(p, sizeof(p), "%s/data.mdb", path);
		if (stat(p, &sb) < 0) {
			rc = errno == ENOENT ? STORE_ENODB : errno == EACCES
			    ? STORE_EACCES : STORE_EIO;
			snprintf(st->detail, sizeof(st->detail), "%s: %s", p,
			    strerror(errno));
			*stp = st;
			return rc;
		}
	} else if ((rc = safefile_dir(path, 1, 0755)) != SAFEFILE_OK) {
		snprintf(st->detail, sizeof(st->detail), "%s: %s", path,
		    safefile_strerror(rc));
		*stp = st;
		return rc == SAFEFILE_ESYS ? (errno == EACCES ? STORE_EACCES
		    : STORE_EIO) : STORE_EUNSAFE;
	}
	if ((rc = check_files(st)) != STORE_OK
	    || (rc = env_open(st, &st->env, &st->counters, &st->meta))
	    != STORE_OK || (rc = lock_env(st, st->env)) != STORE_OK) {
		*stp = st;
		return rc;
	}
	if (!(flags & STORE_RDONLY) && (rc = load_dynamic(st)) != STORE_OK) {
		*stp = st;
		return rc;
	}
	*stp = st;
	return STORE_OK;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->env != NULL)
		mdb_env_close(st->env);
	free(st->carry);
	free(st);
}

const char *
store_strerror(int code)
{
	switch (code) {
	case STORE_OK:
		return "ok";
	case STORE_ENOTFOUND:
		return "not found";
	case STORE_ENODB:
		return "no database (has postfix-statsd run yet?)";
	case STORE_EACCES:
		return "permission denied";
	case STORE_EUNSAFE:
		return "unsafe location";
	case STORE_ESCHEMA:
		return "unknown database format";
	case STORE_EFULL:
		return "database or file system full";
	case STORE_EBUSY:
		return "database kept changing while read";
	case STORE_EDELETED:
		return "database file deleted";
	case STORE_ELOCKED:
		return "in use by another postfix-statsd";
	default:
		return "database error";
	}
}

int
store_migrated(const struct store *st)
{
	return st != NULL && st->migrated ? 1 : 0;
}

const char *
store_detail(const struct store *st)
{
	return st != NULL ? st->detail : "";
}

void
store_add(struct store *st, int key, struct span t, uint64_t n)
{
	size_t i;

	if (key >= 0 && key < KEYS_STATIC_COUNT) {
		st->delta[key] += n;
		st->pending = 1;
		return;
	}
	for (i = 0; i < st->ndyn; i++)
		if (st->dyn[i].len == t.len
		    && memcmp(st->dyn[i].name, t.p, t.len) == 0) {
			st->dyn[i].delta += n;
			st->pending = 1;
			return;
		}
	if (st->ndyn < KEYS_DYNAMIC_MAX && keys_transport_ok(t)) {
		memcpy(st->dyn[st->ndyn].name, t.p, t.len);
		st->dyn[st->ndyn].name[t.len] = '\0';
		st->dyn[st->ndyn].len = t.len;
		st->dyn[st->ndyn].delta = n;
		st->ndyn++;
	} else {
		st->delta[KEY_SENT_OVERFLOW] += n;
	}
	st->pending = 1;
}

void
store_set(struct store *st, int key, uint64_t val)
{
	if (key < 0 || key >= KEYS_STATIC_COUNT
	    || keys_entry((enum keys_id)key)->type != KEYS_GAUGE)
		return;
	st->gauge[key] = val;
	st->gset[key] = 1;
	st->pending = 1;
}

int
store_pending(const struct store *st)
{
	return st->pending;
}

/* Set KEY (LEN bytes) to VAL in TXN. */
static int
put_val(MDB_txn *txn, MDB_dbi dbi, const char *key, size_t len, uint64_t val)
{
	unsigned char b[8];
	MDB_val k, v;

	k.mv_data = (void *)key;
	k.mv_size = len;
	le64_put(b, val);
	v.mv_data = b;
	v.mv_size = 8;
	return mdb_put(txn, dbi, &k, &v, 0);
}

/* Add DELTA to KEY (LEN bytes) in TXN. */
static int
bump(MDB_txn *txn, MDB_dbi dbi, const char *key, size_t len, uint64_t delta)
{
	MDB_val k, v;
	uint64_t old = 0;
	int rc;

	k.mv_data = (void *)key;
	k.mv_size = len;
	rc = mdb_get(txn, dbi, &k, &v);
	if (rc == 0 && v.mv_size == 8)
		old = le64_get(v.mv_data);
	else if (rc != 0 && rc != MDB_NOTFOUND)
		return rc;
	return put_val(txn, dbi, key, len, old + delta);
}

int
store_commit(struct store *st, const unsigned char *pos, size_t len)
{
	MDB_txn *txn;
	MDB_val k, v;
	char name[KEYS_NAME_MAX + 1];
	size_t i;
	int rc;

	if (st->flags & STORE_RDONLY)
		return STORE_EACCES;
	if (st->env == NULL)		/* a failed store_recreate() */
		return STORE_EDELETED;
	if (pos != NULL && (len == 0 || len > STORE_POS_MAX)) {
		snprintf(st->detail, sizeof(st->detail),
		    "a position of %zu bytes", len);
		return STORE_EIO;
	}
	if ((rc = mdb_txn_begin(st->env, NULL, 0, &txn)) != 0)
		return set_detail(st, rc, "mdb_txn_begin");
	for (i = 0; i < KEYS_STATIC_COUNT; i++) {
		const char *n = keys_entry((enum keys_id)i)->name;

		if (st->delta[i] != 0
		    && (rc = bump(txn, st->counters, n, strlen(n),
		    st->delta[i])) != 0)
			goto fail;
		if (st->gset[i] && (rc = put_val(txn, st->counters, n,
		    strlen(n), st->gauge[i])) != 0)
			goto fail;
	}
	for (i = 0; i < st->ndyn; i++) {
		int nlen;

		if (st->dyn[i].delta == 0)
			continue;
		nlen = snprintf(name, sizeof(name), "sent:%s", st->dyn[i].name);
		if ((rc = bump(txn, st->counters, name, (size_t)nlen,
		    st->dyn[i].delta)) != 0)
			goto fail;
	}
	if (pos != NULL) {
		k.mv_data = (void *)"pos";
		k.mv_size = 3;
		v.mv_data = (void *)pos;
		v.mv_size = len;
		if ((rc = mdb_put(txn, st->meta, &k, &v, 0)) != 0)
			goto fail;
	}
	if ((rc = mdb_txn_commit(txn)) != 0)
		return set_detail(st, rc, "mdb_txn_commit");
	memset(st->delta, 0, sizeof(st->delta));
	memset(st->gset, 0, sizeof(st->gset));
	for (i = 0; i < st->ndyn; i++)
		st->dyn[i].delta = 0;
	st->pending = 0;
	return STORE_OK;
fail:
	mdb_txn_abort(txn);
	return set_detail(st, rc, "mdb_put");
}

/*
 * Run FN inside a read transaction; for a lock-less reader, retry while a
 * commit happened during the read.
 */
static int
with_snapshot(struct store *st, int (*fn)(struct store *, MDB_txn *, void *),
    void *arg)
{
	int tries, rc;

	if (st->env == NULL)
		return STORE_EDELETED;
	for (tries = 0; tries < 50; tries++) {
		MDB_txn *txn;
		MDB_envinfo info;
		size_t id;

		if ((rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn)) != 0)
			return set_detail(st, rc, "mdb_txn_begin");
		id = mdb_txn_id(txn);
		rc = fn(st, txn, arg);
		mdb_txn_abort(txn);
		if (!(st->flags & STORE_RDONLY))
			return rc;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (mdb_env_info(st->env, &info) != 0)
			return STORE_EIO;
		if (info.me_last_txnid == id)
			return rc;
		usleep(1000);
	}
	snprintf(st->detail, sizeof(st->detail), "%s: changing too fast",
	    st->path);
	return STORE_EBUSY;
}

struct get_arg {
	const char	*key;
	uint64_t	*val;
	unsigned char	*pos;
	size_t		*len;
};

static int
get_fn(struct store *st, MDB_txn *txn, void *varg)
{
	struct get_arg *a = varg;
	MDB_val k, v;
	int rc;

	k.mv_data = (void *)a->key;
	k.mv_size = strlen(a->key);
	rc = mdb_get(txn, st->counters, &k, &v);
	if (rc == MDB_NOTFOUND) {
		*a->val = 0;
		return STORE_ENOTFOUND;
	}
	if (rc != 0)
		return set_detail(st, rc, "mdb_get");
	if (v.mv_size != 8) {
		snprintf(st->detail, sizeof(st->detail), "%s: bad value size",
		    a->key);
		return STORE_EIO;
	}
	*a->val = le64_get(v.mv_data);
	return STORE_OK;
}

int
store_get(struct store *st, const char *key, uint64_t *val)
{
	struct get_arg a = { key, val, NULL, NULL };

	return with_snapshot(st, get_fn, &a);
}

static int
pos_fn(struct store *st, MDB_txn *txn, void *varg)
{
	struct get_arg *a = varg;
	size_t tag = 0;
	MDB_val k, v;
	int rc;

	k.mv_data = (void *)"pos";
	k.mv_size = 3;
	if ((rc = mdb_get(txn, st->meta, &k, &v)) == MDB_NOTFOUND)
		return STORE_ENOTFOUND;
	if (rc != 0)
		return set_detail(st, rc, "mdb_get pos");
	/* A reader of a schema-1 database sees the position as migrated. */
	if (st->schema == 1) {
		if (v.mv_size != STORE_POS_V1)
			return STORE_ENOTFOUND;
		tag = SOURCE_TAG_LEN;
	}
	if (v.mv_size == 0 || tag + v.mv_size > *a->len) {
		snprintf(st->detail, sizeof(st->detail),
		    "saved position of %zu bytes", v.mv_size);
		return STORE_ESCHEMA;
	}
	if (tag)
		memcpy(a->pos, SOURCE_TAG_FILE_V0, SOURCE_TAG_LEN);
	memcpy(a->pos + tag, v.mv_data, v.mv_size);
	*a->len = tag + v.mv_size;
	return STORE_OK;
}

int
store_get_pos(struct store *st, unsigned char *buf, size_t *len)
{
	struct get_arg a = { NULL, NULL, buf, len };

	return with_snapshot(st, pos_fn, &a);
}

/* Entries of one snapshot, collected so that FN runs only on a good read. */
struct foreach_arg {
	char		(*keys)[KEYS_NAME_MAX + 1];
	uint64_t	*vals;
	size_t		 n, max;
};

static int
foreach_fn(struct store *st, MDB_txn *txn, void *varg)
{
	struct foreach_arg *a = varg;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	a->n = 0;
	if ((rc = mdb_cursor_open(txn, st->counters, &cur)) != 0)
		return set_detail(st, rc, "mdb_cursor_open");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size > KEYS_NAME_MAX || v.mv_size != 8
		    || a->n >= a->max)
			continue;
		memcpy(a->keys[a->n], k.mv_data, k.mv_size);
		a->keys[a->n][k.mv_size] = '\0';
		a->vals[a->n] = le64_get(v.mv_data);
		a->n++;
	}
	mdb_cursor_close(cur);
	return rc == MDB_NOTFOUND ? STORE_OK : set_detail(st, rc, "cursor");
}

int
store_foreach(struct store *st,
    void (*fn)(const char *key, uint64_t val, void *arg), void *arg)
{
	struct foreach_arg a;
	size_t i;
	int rc;

	a.max = KEYS_STATIC_COUNT + KEYS_DYNAMIC_MAX + 64;
	a.keys = calloc(a.max, sizeof(*a.keys));
	a.vals = calloc(a.max, sizeof(*a.vals));
	if (a.keys == NULL || a.vals == NULL) {
		free(a.keys);
		free(a.vals);
		return STORE_EIO;
	}
	rc = with_snapshot(st, foreach_fn, &a);
	if (rc == STORE_OK)
		for (i = 0; i < a.n; i++)
			fn(a.keys[i], a.vals[i], arg);
	free(a.keys);
	free(a.vals);
	return rc;
}

int
store_check(struct store *st)
{
	struct stat sb;
	int fd;

	if (st->env == NULL)
		return STORE_EDELETED;
	if (mdb_env_get_fd(st->env, &fd) != 0 || fstat(fd, &sb) < 0)
		return STORE_EIO;
	return sb.st_nlink == 0 ? STORE_EDELETED : STORE_OK;
}

int
store_recreate(struct store *st)
{
	MDB_env *env;
	MDB_dbi counters, meta;
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	struct store_rec *r;
	size_t n = 0, max = KEYS_STATIC_COUNT + KEYS_DYNAMIC_MAX + 8, i;
	int rc, which;

	if ((rc = safefile_dir(st->path, 1, 0755)) != SAFEFILE_OK) {
		snprintf(st->detail, sizeof(st->detail), "%s: %s", st->path,
		    safefile_strerror(rc));
		return STORE_EUNSAFE;
	}
	if ((rc = check_files(st)) != STORE_OK)
		return rc;
	/*
	 * Copy everything out of the deleted (still mapped) file and close
	 * it BEFORE opening the new one: LMDB must never have the same
	 * environment open twice in a process (both share lock.mdb, whose
	 * reader table the second open resets, so that a read in the first
	 * picks the wrong meta page and copies an old snapshot). The copy is
	 * kept until it is written, so a failed attempt loses nothing.
	 */
	if (st->carry == NULL) {
		if ((r = calloc(max, sizeof(*r))) == NULL)
			return STORE_EIO;
		if ((rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn)) != 0) {
			free(r);
			return set_detail(st, rc, "mdb_txn_begin");
		}
		for (which = 0; which < 2; which++) {
			if ((rc = mdb_cursor_open(txn, which ? st->meta
			    : st->counters, &cur)) != 0)
				break;
			for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST);
			    rc == 0 && n < max;
			    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
				if (k.mv_size > KEYS_NAME_MAX
				    || v.mv_size > STORE_POS_MAX)
					continue;
				memcpy(r[n].key, k.mv_data, k.mv_size);
				r[n].klen = k.mv_size;
				memcpy(r[n].val, v.mv_data, v.mv_size);
				r[n].vlen = v.mv_size;
				r[n].meta = which;
				n++;
			}
			mdb_cursor_close(cur);
			if (rc != MDB_NOTFOUND && rc != 0)
				break;
			rc = 0;
		}
		mdb_txn_abort(txn);
		if (rc != 0) {
			free(r);
			return set_detail(st, rc, "reading the deleted database");
		}
		mdb_env_close(st->env);
		st->env = NULL;	/* the other calls cope until reopened */
		st->carry = r;
		st->ncarry = n;
	}
	if ((rc = env_open(st, &env, &counters, &meta)) != STORE_OK)
		return rc;
	if ((rc = lock_env(st, env)) != STORE_OK) {
		mdb_env_close(env);
		return rc;
	}
	r = st->carry;
	if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) == 0) {
		for (i = 0; i < st->ncarry && rc == 0; i++) {
			k.mv_data = r[i].key;
			k.mv_size = r[i].klen;
			v.mv_data = r[i].val;
			v.mv_size = r[i].vlen;
			rc = mdb_put(txn, r[i].meta ? meta : counters, &k, &v,
			    0);
		}
		if (rc != 0)
			mdb_txn_abort(txn);
		else
			rc = mdb_txn_commit(txn);
	}
	if (rc != 0) {
		mdb_env_close(env);
		return set_detail(st, rc, "copy into the new database");
	}
	free(st->carry);
	st->carry = NULL;
	st->ncarry = 0;
	st->env = env;
	st->counters = counters;
	st->meta = meta;
	return STORE_OK;
}

int
store_give(struct store *st, uid_t uid, gid_t gid)
{
	static const char *const names[] = { "", "/data.mdb", "/lock.mdb" };
	char p[PATH_MAX + 16];
	size_t i;

	for (i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s%s", st->path, names[i]);
		if (lchown(p, uid, gid) < 0) {
			snprintf(st->detail, sizeof(st->detail), "chown %s: %s",
			    p, strerror(errno));
			return STORE_EACCES;
		}
	}
	return STORE_OK;
}
