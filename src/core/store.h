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

/* Where the follower is: which file, how far, and how to recognise it. */
struct store_pos {
	uint64_t	dev;
	uint64_t	ino;
	uint64_t	offset;		/* just after the last line counted */
	int64_t		mtime_sec;	/* the file's mtime when last read */
	int64_t		mtime_nsec;
	uint64_t	fp;		/* hash of the file's first fp_len bytes */
	uint32_t	fp_len;
};

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
	STORE_EDELETED = -9	/* the database file was deleted under us */
};

#define STORE_RDONLY	0x1	/* read only, takes no lock, needs no write access */
#define STORE_DEFAULT_MAPSIZE	(2u << 20)

/* store_open: open (the writer creates) the database in directory PATH. */
int	store_open(struct store **stp, const char *path, int flags, size_t mapsize);
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
/* store_commit: write pending increments and POS (if not NULL) in one transaction. */
int	store_commit(struct store *st, const struct store_pos *pos);
/* store_get_pos: the committed position. */
int	store_get_pos(struct store *st, struct store_pos *pos);
/* INTERIM (h-filesrc): store_commit with POS as a source's bytes (LEN; NULL: none). */
int	store_commit_bytes(struct store *st, const void *pos, size_t len);
/* INTERIM (h-filesrc): the committed position bytes (a round-1 one as "PSF0" + it). */
int	store_get_pos_bytes(struct store *st, void *buf, size_t max, size_t *len);

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
