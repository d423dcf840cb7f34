/* SPDX-License-Identifier: ISC */
/*
 * store.h - the LMDB counter store
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "span.h"

struct store;

/*
 * The read position is opaque bytes (a source's, see source.h), at most
 * STORE_POS_MAX of them; the store keeps them without knowing their type.
 */
#define STORE_POS_MAX	512

enum {
	STORE_OK = 0,
	STORE_ENOTFOUND = -1,	/* no such key / no saved position */
	STORE_ENODB = -2,	/* no database at that path */
	STORE_EACCES = -3,	/* permission denied */
	STORE_EUNSAFE = -4,	/* world-writable directory, symlink, wrong owner */
	STORE_ESCHEMA = -5,	/* written by an unknown version */
	STORE_EFULL = -6,	/* map full or no space left on device */
	STORE_EBUSY = -7,	/* the reader kept meeting commits */
	STORE_EIO = -8,		/* any other LMDB or system error */
	STORE_EDELETED = -9,	/* the database file was deleted under us */
	STORE_ELOCKED = -10	/* another writer (postfix-statsd) has it open */
};

#define STORE_RDONLY	0x1	/* read only, takes no lock, needs no write access */
#define STORE_DEFAULT_MAPSIZE	(2u << 20)

/*
 * store_open: open (the writer creates) the database in directory PATH. A
 * writer migrates a database of an older schema (store_migrated()). On
 * failure *STP may still be set (for store_detail()) and must be closed.
 */
int	store_open(struct store **stp, const char *path, int flags, size_t mapsize);
/* store_migrated: the schema version this open migrated from (1), or 0. */
int	store_migrated(const struct store *st);
/* store_close: close; pending increments not committed are dropped. */
void	store_close(struct store *st);
/* store_strerror: text for a STORE_ code. */
const char *store_strerror(int code);
/* store_detail: the system or LMDB detail of the last error, or "". */
const char *store_detail(const struct store *st);

/* store_add: add N to static KEY, or to sent:TRANSPORT for KEY_SENT_DYNAMIC (in memory). */
void	store_add(struct store *st, int key, struct span transport, uint64_t n);
/* store_set: set gauge KEY (a KEYS_GAUGE static key) to VAL at the next commit; other keys are ignored. */
void	store_set(struct store *st, int key, uint64_t val);
/* store_pending: something was added or set since the last commit. */
int	store_pending(const struct store *st);
/*
 * store_commit: write pending increments, gauges and the position POS (LEN
 * bytes, at most STORE_POS_MAX; POS NULL: keep the saved one) in one
 * transaction. On failure nothing is written and everything stays pending.
 */
int	store_commit(struct store *st, const unsigned char *pos, size_t len);
/*
 * store_get_pos: copy the committed position into BUF, which has room for
 * *LEN bytes (STORE_POS_MAX is always enough); *LEN becomes its length.
 * STORE_ENOTFOUND when none was saved.
 */
int	store_get_pos(struct store *st, unsigned char *buf, size_t *len);

/* store_get: the committed value of canonical KEY (0 and STORE_ENOTFOUND when never counted). */
int	store_get(struct store *st, const char *key, uint64_t *val);
/* store_foreach: call FN for every stored counter, in key order, from one snapshot. */
int	store_foreach(struct store *st,
	    void (*fn)(const char *key, uint64_t val, void *arg), void *arg);

/* store_check: STORE_EDELETED when the database file was removed while open. */
int	store_check(struct store *st);
/* store_recreate: make a new database at the same path, carrying over every count. */
int	store_recreate(struct store *st);

/* store_give: hand the database directory and files to UID:GID (before dropping root). */
int	store_give(struct store *st, uid_t uid, gid_t gid);

#endif
