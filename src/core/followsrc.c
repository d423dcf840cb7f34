/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	followsrc - the file follower (follow.c) behind the source interface
 * SYNOPSIS
 *	#include "followsrc.h"
 * DESCRIPTION
 *	Hands out follow_next_line()'s lines in batches of at most
 *	SOURCE_BATCH_MAX. follow.c keeps a line valid only until the next call,
 *	so each line of a batch is copied into an arena that lives until the
 *	next batch. The position is SOURCE_TAG_FILE followed by the round-1
 *	60-byte layout (device, inode, offset, mtime seconds and nanoseconds,
 *	fingerprint, fingerprint length: little-endian 64-bit numbers, then 4
 *	zero bytes); SOURCE_TAG_FILE_V0 (a migrated round-1 database) has the
 *	same layout and is accepted too. Standard input has no position (its
 *	length is 0) and ignores a saved one.
 *
 *	Under SOURCE_ONCE, a file (not standard input) that is caught up ends
 *	with SOURCE_END; standard input ends at its end.
 * DIAGNOSTICS
 *	followsrc_open() returns the SOURCE_ codes of followsrc.h. Events of
 *	the follower (rotations, truncations, lost files) go to the notify
 *	function at LOG_INFO and into the source's stats.
 * SECURITY
 *	A saved position is checked for its tag and length before use; the
 *	file's contents are untrusted and only copied, bounded.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "follow.h"
#include "followsrc.h"
#include "pflog.h"

#define POS_V0_LEN	60
#define POS_LEN		(SOURCE_TAG_LEN + POS_V0_LEN)
#define ARENA_SIZE	(256 * 1024 + PFLOG_LINE_MAX)

struct followsrc {
	struct source	 src;		/* first: what the pump sees */
	struct follow	*fw;
	int		 flags;
	int		 stdin_mode;
	char		*arena;
	source_notify_fn *notify;
	void		*arg;
};

static void
put_le64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t
get_le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void
say(const char *msg, void *arg)
{
	struct followsrc *fs = arg;

	if (fs->notify != NULL)
		fs->notify(LOG_INFO, msg, fs->arg);
}

static int
fs_next(struct source *s, struct source_batch *b)
{
	struct followsrc *fs = (struct followsrc *)s;
	size_t used = 0;
	const char *line;
	size_t len;
	int rc = FOLLOW_AGAIN;

	b->n = 0;
	while (b->n < SOURCE_BATCH_MAX && ARENA_SIZE - used >= PFLOG_LINE_MAX) {
		struct source_line *l = &b->line[b->n];

		rc = follow_next_line(fs->fw, &line, &len);
		if (rc == FOLLOW_LINE && len <= ARENA_SIZE - used) {
			memcpy(fs->arena + used, line, len);
			l->p = fs->arena + used;
			l->len = len;
			l->lng = 0;
			used += len;
		} else if (rc == FOLLOW_LINE || rc == FOLLOW_LONG) {
			l->p = fs->arena;
			l->len = 0;
			l->lng = 1;
		} else {
			break;
		}
		b->n++;
	}
	if (b->n > 0)
		return SOURCE_OK;
	if (rc == FOLLOW_EOF)
		return SOURCE_END;
	if (rc == FOLLOW_AGAIN)
		return (fs->flags & SOURCE_ONCE) && !fs->stdin_mode
		    ? SOURCE_END : SOURCE_AGAIN;
	return SOURCE_EIO;
}

static int
fs_position(struct source *s, unsigned char *buf, size_t *len)
{
	struct followsrc *fs = (struct followsrc *)s;
	struct follow_pos p;

	if (!follow_position(fs->fw, &p)) {
		*len = 0;		/* standard input */
		return SOURCE_OK;
	}
	memcpy(buf, SOURCE_TAG_FILE, SOURCE_TAG_LEN);
	buf += SOURCE_TAG_LEN;
	put_le64(buf, p.dev);
	put_le64(buf + 8, p.ino);
	put_le64(buf + 16, p.offset);
	put_le64(buf + 24, (uint64_t)p.mtime_sec);
	put_le64(buf + 32, (uint64_t)p.mtime_nsec);
	put_le64(buf + 40, p.fp);
	put_le64(buf + 48, p.fp_len);
	memset(buf + 56, 0, POS_V0_LEN - 56);
	*len = POS_LEN;
	return SOURCE_OK;
}

static int
fs_pollfd(struct source *s, int *timeout_ms)
{
	return follow_pollfd(((struct followsrc *)s)->fw, timeout_ms);
}

static void
fs_woken(struct source *s)
{
	follow_woken(((struct followsrc *)s)->fw);
}

static void
fs_reopen(struct source *s)
{
	follow_reopen(((struct followsrc *)s)->fw);
}

static void
fs_stats(struct source *s, struct source_stats *st)
{
	struct follow_stats f;

	follow_stats(((struct followsrc *)s)->fw, &f);
	memset(st, 0, sizeof(*st));
	st->rotations = f.rotations;
	st->truncations = f.truncations;
	st->lost = f.lost;
	st->errors = f.errors;
}

static void
fs_close(struct source *s)
{
	struct followsrc *fs = (struct followsrc *)s;

	follow_close(fs->fw);
	free(fs->arena);
	free(fs);
}

static const struct source_ops followsrc_ops = {
	"file", fs_next, fs_position, fs_pollfd, fs_woken, fs_reopen,
	fs_stats, fs_close
};

/* Decode a saved position; 0, SOURCE_EOTHER or SOURCE_EBADPOS. */
static int
decode(const unsigned char *pos, size_t len, struct follow_pos *p)
{
	if (!source_pos_is(pos, len, SOURCE_TAG_FILE)
	    && !source_pos_is(pos, len, SOURCE_TAG_FILE_V0))
		return SOURCE_EOTHER;
	if (len != POS_LEN)
		return SOURCE_EBADPOS;
	pos += SOURCE_TAG_LEN;
	p->dev = get_le64(pos);
	p->ino = get_le64(pos + 8);
	p->offset = get_le64(pos + 16);
	p->mtime_sec = (int64_t)get_le64(pos + 24);
	p->mtime_nsec = (int64_t)get_le64(pos + 32);
	p->fp = get_le64(pos + 40);
	if (get_le64(pos + 48) > 1024)		/* follow.c's FP_MAX */
		return SOURCE_EBADPOS;
	p->fp_len = (uint32_t)get_le64(pos + 48);
	return 0;
}

int
followsrc_open(struct source **sp, const struct filesrc_opts *o,
    const unsigned char *pos, size_t poslen, source_notify_fn *notify,
    void *arg)
{
	struct followsrc *fs;
	struct follow_pos saved;
	int have = 0, rc;

	*sp = NULL;
	if ((fs = calloc(1, sizeof(*fs))) == NULL)
		return SOURCE_EIO;
	if ((fs->arena = malloc(ARENA_SIZE)) == NULL) {
		free(fs);
		return SOURCE_EIO;
	}
	fs->src.ops = &followsrc_ops;
	fs->flags = o->flags;
	fs->stdin_mode = strcmp(o->path, "-") == 0;
	fs->notify = notify;
	fs->arg = arg;
	if (!fs->stdin_mode && pos != NULL && poslen > 0) {
		if ((rc = decode(pos, poslen, &saved)) != 0) {
			free(fs->arena);
			free(fs);
			return rc;
		}
		have = 1;
	}
	rc = follow_open(&fs->fw, o->path, have ? &saved : NULL,
	    (o->flags & SOURCE_FROM_START) ? FOLLOW_FROM_START : 0, say, fs);
	if (rc != 0) {
		free(fs->arena);
		free(fs);
		return rc == FOLLOW_ENOENT ? SOURCE_ENOENT : rc == FOLLOW_EACCES
		    ? SOURCE_EACCES : SOURCE_EIO;
	}
	*sp = &fs->src;
	return SOURCE_OK;
}
