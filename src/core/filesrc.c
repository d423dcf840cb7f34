/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	filesrc - the file source: each complete line of a rotating log once
 * SYNOPSIS
 *	#include "filesrc.h"
 * DESCRIPTION
 *	Reads the mail log (or standard input) through linebuf and hands out
 *	batches of complete lines. The position ("PSF1") is the identity of
 *	the file being read and how far: device and inode, the offset after
 *	the last line handed out, a hash of the file's first bytes (up to
 *	FP_MAX), a hash of the bytes just before the offset (up to
 *	LINEBUF_HIST), its mtime, and flags. A file is resumed only when its
 *	content says it is the same file: a file truncated and regrown, or
 *	replaced in place, is never resumed into other data; size is never
 *	taken as identity. A round-1 position ("PSF0") is read too.
 *
 *	At start with a position: the log is resumed when it is the saved
 *	file. Otherwise the saved file is looked for among the log's
 *	rotations (rotation.h: in the log's directory and --rotated-dir,
 *	compressed or not), by inode and content, or by content alone (a
 *	copytruncate copy, a compressed rotation): it is finished from the
 *	offset, then every later rotation, then the log from its start. A
 *	copy that ends before the offset (a writer appended between the copy
 *	and the truncation, and we read that) holds nothing unread: it is
 *	never read again from its start, nor is any other copy of the same
 *	head. A saved file that is nowhere is counted in stats.lost.
 *
 *	While running, at the end of the log and after a wake-up: a log
 *	shorter than what was read, or whose first bytes changed, was
 *	truncated: the unread rest is taken from the copy, found by content.
 *	A log name that now names another file (rename and create, a
 *	re-pointed symbolic link) is a rotation: the old file is finished,
 *	then the rotations newer than it, then the new log from its start.
 *
 *	A rotated file that is the newest one and still the same inode may
 *	still be written by a syslog daemon that has not reopened the log: it
 *	is drained, after a rotation seen while running and after any start
 *	alike, until the new log has data or DRAIN_MS passed without a new
 *	byte.
 *
 *	Compressed rotations (and a log named with -l that is compressed) are
 *	read through libarchive's raw format, with every filter, into the same
 *	line assembly; offsets are then offsets in the uncompressed bytes.
 *
 *	A missing log is waited for (inotify on its directory, and a check
 *	every POLL_MS) and read from its first line when it appears. An
 *	unreadable file is reported through notify at most once a minute and
 *	counted in stats.errors each time.
 * DIAGNOSTICS
 *	filesrc_open() returns SOURCE_ENOENT (the log's directory does not
 *	exist), SOURCE_EACCES (the log cannot be read), SOURCE_EIO (the log is
 *	a directory, or no memory), SOURCE_EOTHER (a position of another
 *	source) or SOURCE_EBADPOS. Later problems are retried, reported
 *	through notify and counted in the stats.
 * SECURITY
 *	File contents are untrusted bytes; lines are bounded (linebuf). File
 *	names found in directories are only matched (rotation_match()) and
 *	joined to the directory they were found in.
 */
#include <sys/inotify.h>
#include <sys/stat.h>

#include <archive.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "bytes.h"
#include "filesrc.h"
#include "linebuf.h"
#include "pflog.h"
#include "rotation.h"

#define FP_MAX		1024		/* head bytes in a fingerprint */
#define CHUNK		(256 * 1024)	/* one read */
#define SCRATCH		(64 * 1024)	/* skipping through compressed data */
#define QUEUE_MAX	32		/* rotated files waiting to be read */
#define POLL_MS		1000		/* the periodic re-check */
#define DRAIN_MS	5000		/* a rotated file may still be written */
#define DRAIN_POLL_MS	100		/* re-check while draining one */
#define NOTE_MS		60000		/* an unreadable file: one note a minute */

#define PSF1_LEN	72
#define PSF0_LEN	64

/* Position flags. */
#define PF_NOFILE	0x1	/* no file yet: read the log from its start */
#define PF_COMPRESSED	0x2	/* offsets are in uncompressed bytes */
#define PF_ROTATED	0x4	/* a rotated file was being finished */
#define PF_DONE		0x8	/* ... and it was read to its end */

/* What a position says of its file. */
struct ident {
	uint64_t	dev, ino, offset;
	uint64_t	fp, tail;
	uint32_t	fp_len, tail_len;
	int64_t		mtime_sec, mtime_nsec;
	uint32_t	flags;
};

/* An open file: plain (fd) or compressed (ar over fd). */
struct reader {
	int		 fd;
	struct archive	*ar;
};

struct queued {
	char		path[PATH_MAX];
	int		compressed;
	int		drain;
	struct ident	id;	/* offset: where to begin; fp: its head */
};

enum { PROBE_NO = 0, PROBE_SHORT = 1, PROBE_MATCH = 2 };

struct filesrc {
	struct source	 src;
	char		 path[PATH_MAX];
	char		 dir[PATH_MAX];
	char		 base[NAME_MAX + 1];
	char		 olddir[PATH_MAX];
	int		 have_olddir;
	int		 flags;
	int		 stdin_mode;
	int		 static_mode;	/* -l names a compressed file */
	struct reader	 r;
	int		 open;		/* r is open */
	int		 current;	/* r is the log itself */
	int		 compressed;
	int		 drain;
	uint64_t	 drain_end;	/* monotonic ms; 0: not at its end */
	int		 done;		/* static mode: read to the end */
	struct ident	 id;		/* the open (or last) file */
	uint64_t	 rd;		/* offset after the bytes read */
	unsigned char	 head[FP_MAX];
	uint32_t	 headlen;
	int		 head_valid;	/* head is the head of id's file */
	struct linebuf	 lb;
	char		*scratch;
	struct queued	 queue[QUEUE_MAX];
	size_t		 nq, qnext;
	int		 ino_fd, wd_dir, wd_file;
	int		 check_now;
	uint64_t	 note_at;	/* monotonic ms of the last note */
	struct rotation_file cand[ROTATION_MAX];
	struct source_stats stats;
	source_notify_fn *notify;
	void		*arg;
};

static const struct source_ops filesrc_ops;

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
say(struct filesrc *s, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
say(struct filesrc *s, int level, const char *fmt, ...)
{
	char msg[PATH_MAX + 256];
	va_list ap;

	if (s->notify == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->notify(level, msg, s->arg);
}

/* An unreadable file: counted, and told at most once a minute. */
static void
unreadable(struct filesrc *s, const char *path, int err)
{
	uint64_t now = mono_ms();

	if (s->note_at != 0 && now - s->note_at < NOTE_MS)
		return;
	s->note_at = now;
	s->stats.errors++;
	say(s, LOG_ERR, "cannot read %s: %s; will retry", path,
	    strerror(err));
}

/* ---- positions ---- */

static void
pos_encode(unsigned char *b, const struct ident *id)
{
	memcpy(b, SOURCE_TAG_FILE, SOURCE_TAG_LEN);
	le32_put(b + 4, id->flags);
	le64_put(b + 8, id->dev);
	le64_put(b + 16, id->ino);
	le64_put(b + 24, id->offset);
	le64_put(b + 32, id->fp);
	le32_put(b + 40, id->fp_len);
	le64_put(b + 44, id->tail);
	le32_put(b + 52, id->tail_len);
	le64_put(b + 56, (uint64_t)id->mtime_sec);
	le64_put(b + 64, (uint64_t)id->mtime_nsec);
}

static int
pos_decode(const unsigned char *b, size_t len, struct ident *id)
{
	memset(id, 0, sizeof(*id));
	if (source_pos_is(b, len, SOURCE_TAG_FILE)) {
		if (len != PSF1_LEN)
			return SOURCE_EBADPOS;
		id->flags = le32_get(b + 4);
		id->dev = le64_get(b + 8);
		id->ino = le64_get(b + 16);
		id->offset = le64_get(b + 24);
		id->fp = le64_get(b + 32);
		id->fp_len = le32_get(b + 40);
		id->tail = le64_get(b + 44);
		id->tail_len = le32_get(b + 52);
		id->mtime_sec = (int64_t)le64_get(b + 56);
		id->mtime_nsec = (int64_t)le64_get(b + 64);
	} else if (source_pos_is(b, len, SOURCE_TAG_FILE_V0)) {
		/* Round 1: dev ino offset mtime_sec mtime_nsec fp fp_len. */
		if (len != PSF0_LEN)
			return SOURCE_EBADPOS;
		b += SOURCE_TAG_LEN;
		id->dev = le64_get(b);
		id->ino = le64_get(b + 8);
		id->offset = le64_get(b + 16);
		id->mtime_sec = (int64_t)le64_get(b + 24);
		id->mtime_nsec = (int64_t)le64_get(b + 32);
		id->fp = le64_get(b + 40);
		id->fp_len = (uint32_t)le64_get(b + 48);
	} else {
		return SOURCE_EOTHER;
	}
	if (id->fp_len > FP_MAX || id->tail_len > LINEBUF_HIST
	    || id->tail_len > id->offset)
		return SOURCE_EBADPOS;
	return 0;
}

/* ---- reading plain and compressed files ---- */

static void
rd_close(struct reader *r)
{
	if (r->ar != NULL)
		archive_read_free(r->ar);
	if (r->fd >= 0 && r->fd != STDIN_FILENO)
		close(r->fd);
	r->ar = NULL;
	r->fd = -1;
}

/* Open PATH; 0 or -errno. */
static int
rd_open(struct reader *r, const char *path, int compressed)
{
	struct archive_entry *e;
	struct stat sb;

	r->ar = NULL;
	if ((r->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY
	    | O_NONBLOCK)) < 0)
		return -errno;
	if (fstat(r->fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		rd_close(r);
		return -EISDIR;
	}
	if (!compressed)
		return 0;
	if ((r->ar = archive_read_new()) == NULL
	    || archive_read_support_filter_all(r->ar) != ARCHIVE_OK
	    || archive_read_support_format_raw(r->ar) != ARCHIVE_OK
	    || archive_read_open_fd(r->ar, r->fd, 65536) != ARCHIVE_OK
	    || archive_read_next_header(r->ar, &e) != ARCHIVE_OK) {
		rd_close(r);
		return -EIO;
	}
	return 0;
}

/* Read up to N bytes; the count, 0 at the end, or -errno. */
static ssize_t
rd_read(struct reader *r, void *buf, size_t n)
{
	ssize_t k;

	if (r->ar != NULL) {
		k = archive_read_data(r->ar, buf, n);
		return k < 0 ? -EIO : k;
	}
	do
		k = read(r->fd, buf, n);
	while (k < 0 && errno == EINTR);
	return k < 0 ? -errno : k;
}

/* Read exactly N bytes at OFF of a plain file; the count read. */
static size_t
pread_all(int fd, void *buf, size_t n, uint64_t off)
{
	size_t got = 0;
	ssize_t k;

	while (got < n) {
		k = pread(fd, (char *)buf + got, n - got, (off_t)(off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	return got;
}

/*
 * Stream through a compressed file up to OFF: the first FP_MAX bytes into
 * HEAD (*HEADLEN), the TAIL bytes before OFF into HIST. The bytes reached.
 */
static uint64_t
rd_skip(struct filesrc *s, struct reader *r, uint64_t off,
    unsigned char *head, uint32_t *headlen, char *hist, size_t tail)
{
	uint64_t at = 0;
	ssize_t k;
	size_t want, c;

	*headlen = 0;
	while (at < off) {
		want = off - at > SCRATCH ? SCRATCH : (size_t)(off - at);
		if ((k = rd_read(r, s->scratch, want)) <= 0)
			break;
		if (at < FP_MAX) {
			c = FP_MAX - at < (uint64_t)k ? FP_MAX - (size_t)at
			    : (size_t)k;
			memcpy(head + at, s->scratch, c);
			*headlen = (uint32_t)(at + c);
		}
		at += (uint64_t)k;
		/* Keep the last TAIL bytes before OFF. */
		if (at + tail > off) {
			uint64_t from = off - tail;
			uint64_t b0 = at - (uint64_t)k;
			uint64_t lo = from > b0 ? from : b0;

			memcpy(hist + (lo - from), s->scratch + (lo - b0),
			    (size_t)(at - lo));
		}
	}
	if (at == off && off < FP_MAX) {
		/* The head goes on past OFF: read it for the fingerprint. */
		(void)0;
	}
	return at;
}

/* ---- identity ---- */

/*
 * Compare the file at PATH with ID: its first ID->fp_len bytes, and the
 * ID->tail_len bytes before ID->offset. PROBE_MATCH, PROBE_SHORT (the head
 * matches, the file ends before the offset), PROBE_NO, or -errno. *SB: its
 * stat, when not NULL.
 */
static int
probe(struct filesrc *s, const char *path, int compressed,
    const struct ident *id, struct stat *sbp)
{
	unsigned char head[FP_MAX];
	char hist[LINEBUF_HIST];
	struct reader r;
	struct stat sb;
	uint32_t headlen;
	uint64_t at;
	int rc;

	if ((rc = rd_open(&r, path, compressed)) != 0)
		return rc;
	if (fstat(r.fd, &sb) < 0) {
		rd_close(&r);
		return -EIO;
	}
	if (sbp != NULL)
		*sbp = sb;
	if (!compressed) {
		headlen = (uint32_t)pread_all(r.fd, head, id->fp_len, 0);
		if (headlen < id->fp_len || rotation_hash(ROTATION_HASH_INIT,
		    head, headlen) != id->fp)
			rc = PROBE_NO;
		else if ((uint64_t)sb.st_size < id->offset)
			rc = PROBE_SHORT;
		else if (pread_all(r.fd, hist, id->tail_len, id->offset
		    - id->tail_len) != id->tail_len)
			rc = PROBE_SHORT;
		else
			rc = id->tail_len == 0 || rotation_hash(
			    ROTATION_HASH_INIT, hist, id->tail_len) == id->tail
			    ? PROBE_MATCH : PROBE_NO;
		rd_close(&r);
		return rc;
	}
	at = rd_skip(s, &r, id->offset > id->fp_len ? id->offset : id->fp_len,
	    head, &headlen, hist, 0);
	rd_close(&r);
	if (headlen < id->fp_len || rotation_hash(ROTATION_HASH_INIT, head,
	    id->fp_len) != id->fp)
		return PROBE_NO;
	if (at < id->offset)
		return PROBE_SHORT;
	/* Again for the tail: rd_skip keeps it only for its own end. */
	if (id->tail_len > 0) {
		if ((rc = rd_open(&r, path, compressed)) != 0)
			return rc;
		at = rd_skip(s, &r, id->offset, head, &headlen, hist,
		    id->tail_len);
		rd_close(&r);
		if (at < id->offset || rotation_hash(ROTATION_HASH_INIT, hist,
		    id->tail_len) != id->tail)
			return PROBE_NO;
	}
	return PROBE_MATCH;
}

/* The identity of a whole file from its start: its head. */
static int
head_ident(struct filesrc *s, const char *path, int compressed,
    struct ident *id)
{
	unsigned char head[FP_MAX];
	char hist[1];
	struct reader r;
	uint32_t headlen = 0;
	int rc;

	memset(id, 0, sizeof(*id));
	if ((rc = rd_open(&r, path, compressed)) != 0)
		return rc;
	if (compressed)
		(void)rd_skip(s, &r, FP_MAX, head, &headlen, hist, 0);
	else
		headlen = (uint32_t)pread_all(r.fd, head, FP_MAX, 0);
	rd_close(&r);
	id->fp_len = headlen;
	id->fp = rotation_hash(ROTATION_HASH_INIT, head, headlen);
	return 0;
}

/* ---- the file being read ---- */

static void
watch_file(struct filesrc *s)
{
	if (s->ino_fd < 0)
		return;
	if (s->wd_file >= 0)
		inotify_rm_watch(s->ino_fd, s->wd_file);
	s->wd_file = inotify_add_watch(s->ino_fd, s->path, IN_MODIFY
	    | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF | IN_CLOSE_WRITE);
}

static void
close_file(struct filesrc *s)
{
	rd_close(&s->r);
	s->open = 0;
	s->drain = 0;
	s->drain_end = 0;
}

/* The hash of the bytes before the last line handed out, into s->id. */
static void
take_tail(struct filesrc *s)
{
	const char *p;
	size_t n;

	linebuf_tail(&s->lb, &p, &n);
	s->id.tail = rotation_hash(ROTATION_HASH_INIT, p, n);
	s->id.tail_len = (uint32_t)n;
}

/* Begin reading PATH at OFFSET; 0 or -errno. */
static int
use_file(struct filesrc *s, const char *path, int compressed,
    uint64_t offset, int current)
{
	char hist[LINEBUF_HIST];
	struct reader r;
	struct stat sb;
	size_t h = offset < LINEBUF_HIST ? (size_t)offset : LINEBUF_HIST;
	uint64_t at = offset;
	int rc;

	if ((rc = rd_open(&r, path, compressed)) != 0)
		return rc;
	if (fstat(r.fd, &sb) < 0) {
		rd_close(&r);
		return -EIO;
	}
	close_file(s);
	s->r = r;
	if (compressed) {
		at = rd_skip(s, &s->r, offset, s->head, &s->headlen, hist, h);
		if (at < offset)
			h = 0;		/* shorter than the offset: at its end */
	} else {
		s->headlen = (uint32_t)pread_all(r.fd, s->head,
		    offset < FP_MAX ? (size_t)offset : FP_MAX, 0);
		if (pread_all(r.fd, hist, h, offset - h) != h)
			h = 0;
		if (lseek(r.fd, (off_t)offset, SEEK_SET) < 0) {
			close_file(s);
			return -errno;
		}
	}
	linebuf_history(&s->lb, hist, h);
	s->head_valid = 1;
	s->open = 1;
	s->current = current;
	s->compressed = compressed;
	s->rd = at;
	memset(&s->id, 0, sizeof(s->id));
	s->id.dev = (uint64_t)sb.st_dev;
	s->id.ino = (uint64_t)sb.st_ino;
	s->id.offset = at;
	s->id.mtime_sec = sb.st_mtim.tv_sec;
	s->id.mtime_nsec = sb.st_mtim.tv_nsec;
	s->id.flags = (compressed ? PF_COMPRESSED : 0)
	    | (current ? 0 : PF_ROTATED);
	take_tail(s);
	if (current)
		watch_file(s);
	return 0;
}

/* ---- rotations ---- */

static int
scan(struct filesrc *s)
{
	int n, err = 0;

	n = rotation_scan(s->dir, s->have_olddir ? s->olddir : NULL, s->base,
	    s->cand, ROTATION_MAX, &err);
	if (n < 0) {
		unreadable(s, s->dir, err);
		return 0;
	}
	return n;
}

static int
same_file(const struct stat *sb, uint64_t dev, uint64_t ino)
{
	return (uint64_t)sb->st_dev == dev && (uint64_t)sb->st_ino == ino;
}

/* Queue the file of C at OFFSET (ID: what it is). */
static void
enqueue(struct filesrc *s, const struct rotation_file *c,
    const struct ident *id, int drain)
{
	struct queued *q;

	if (s->nq >= QUEUE_MAX)
		return;
	q = &s->queue[s->nq++];
	memcpy(q->path, c->path, sizeof(q->path));
	q->compressed = c->name.compressed;
	q->drain = drain;
	q->id = *id;
}

/*
 * Queue the rotations after index FROM in s->cand[0..N): whole, but
 * neither the log itself (CUR), nor another copy of ID's head.
 */
static void
enqueue_newer(struct filesrc *s, int from, int n, const struct stat *cur,
    const struct ident *id)
{
	struct ident h;
	int i;

	for (i = from + 1; i < n; i++) {
		const struct rotation_file *c = &s->cand[i];

		if (cur != NULL && same_file(&c->sb, (uint64_t)cur->st_dev,
		    (uint64_t)cur->st_ino))
			continue;
		if (head_ident(s, c->path, c->name.compressed, &h) != 0) {
			say(s, LOG_WARNING, "cannot read rotated log %s: %s",
			    c->path, strerror(errno));
			s->stats.lost++;
			continue;
		}
		if (id != NULL && id->fp_len > 0 && h.fp_len >= id->fp_len) {
			struct ident cut = *id;

			cut.offset = 0;
			cut.tail_len = 0;
			if (probe(s, c->path, c->name.compressed, &cut, NULL)
			    == PROBE_MATCH)
				continue;	/* a copy of what we read */
		}
		say(s, LOG_INFO, "reading rotated log %s", c->path);
		enqueue(s, c, &h, 0);
	}
}

/*
 * The file of ID (at ID->offset) is not, or no longer, at the log's name:
 * find it among the rotations and queue it from the offset (unless it
 * holds nothing more), then what was rotated after it. CUR: the log's
 * stat (NULL: none). LIVE: we hold the file open (a rename seen while
 * running): only what came after it is queued. 1 if it was found.
 */
static int
locate(struct filesrc *s, const struct ident *id, const struct stat *cur,
    int live)
{
	int n = scan(s), i, best = -1, exact = 0, shorty = -1, rc;

	for (i = 0; i < n; i++) {
		const struct rotation_file *c = &s->cand[i];
		int same = same_file(&c->sb, id->dev, id->ino);

		if (cur != NULL && same_file(&c->sb, (uint64_t)cur->st_dev,
		    (uint64_t)cur->st_ino))
			continue;
		if (live) {
			if (same && !c->name.compressed) {
				best = i;
				exact = 1;
			}
			continue;
		}
		if (exact || (best >= 0 && !same))
			continue;
		rc = probe(s, c->path, c->name.compressed, id, NULL);
		if (rc == PROBE_MATCH) {
			best = i;
			exact = same && !c->name.compressed;
		} else if (rc == PROBE_SHORT) {
			shorty = i;
		} else if (rc < 0 && rc != -ENOENT) {
			unreadable(s, c->path, -rc);
		}
	}
	if (live) {
		if (best >= 0)
			enqueue_newer(s, best, n, cur, id);
		return best >= 0;
	}
	if (best >= 0) {
		int newest = best == n - 1;

		say(s, LOG_INFO, "reading the rest of rotated log %s from "
		    "offset %llu", s->cand[best].path,
		    (unsigned long long)id->offset);
		enqueue(s, &s->cand[best], id, exact && newest);
		enqueue_newer(s, best, n, cur, id);
		return 1;
	}
	if (shorty >= 0) {
		/* A copy that ends before the offset: all of it was read. */
		say(s, LOG_INFO, "rotated log %s ends before the saved "
		    "position: nothing in it is unread",
		    s->cand[shorty].path);
		enqueue_newer(s, shorty, n, cur, id);
		return 1;
	}
	return 0;
}

/*
 * The saved file by its inode under any name in the log's directory (the
 * old target of a re-pointed symbolic link); its content must match too.
 */
static int
locate_inode(struct filesrc *s, const struct ident *id)
{
	struct rotation_file f;
	struct dirent *de;
	DIR *d;
	int found = 0;

	if ((d = opendir(s->dir)) == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		if ((size_t)snprintf(f.path, sizeof(f.path), "%s/%s", s->dir,
		    de->d_name) >= sizeof(f.path)
		    || lstat(f.path, &f.sb) < 0 || !S_ISREG(f.sb.st_mode)
		    || !same_file(&f.sb, id->dev, id->ino))
			continue;
		memset(&f.name, 0, sizeof(f.name));
		if (probe(s, f.path, 0, id, NULL) == PROBE_MATCH) {
			say(s, LOG_INFO, "reading the rest of %s from offset "
			    "%llu", f.path, (unsigned long long)id->offset);
			enqueue(s, &f, id, 1);
			found = 1;
		}
	}
	closedir(d);
	return found;
}

/* The saved file is nowhere: count it, read the rotations newer than it. */
static void
saved_lost(struct filesrc *s, const struct ident *id, const struct stat *cur)
{
	int n = scan(s), i, first = n;

	if ((id->offset > 0 || id->fp_len > 0) && !(id->flags & PF_DONE)) {
		say(s, LOG_WARNING, "the log read last (%llu bytes in) is "
		    "gone and was not found among the rotated logs; its "
		    "unread lines are lost", (unsigned long long)id->offset);
		s->stats.lost++;
	}
	for (i = 0; i < n; i++) {
		const struct timespec *m = &s->cand[i].sb.st_mtim;

		if (m->tv_sec > id->mtime_sec || (m->tv_sec == id->mtime_sec
		    && m->tv_nsec > id->mtime_nsec)) {
			first = i;
			break;
		}
	}
	enqueue_newer(s, first - 1, n, cur, NULL);
}

/* Open the next queued file, or the log; 1 if something is open. */
static int
open_next(struct filesrc *s)
{
	int rc;

	while (s->qnext < s->nq) {
		struct queued *q = &s->queue[s->qnext];

		rc = probe(s, q->path, q->compressed, &q->id, NULL);
		if (rc != PROBE_MATCH && rc != -EACCES) {
			/* Renamed or compressed since it was queued? */
			int n = scan(s), i;

			for (i = 0; i < n; i++)
				if (probe(s, s->cand[i].path,
				    s->cand[i].name.compressed, &q->id, NULL)
				    == PROBE_MATCH)
					break;
			if (i < n) {
				memcpy(q->path, s->cand[i].path,
				    sizeof(q->path));
				q->compressed = s->cand[i].name.compressed;
				rc = PROBE_MATCH;
			}
		}
		if (rc == -EACCES) {
			unreadable(s, q->path, EACCES);
			return 0;	/* retried at the next check */
		}
		s->qnext++;
		if (rc != PROBE_MATCH || (rc = use_file(s, q->path,
		    q->compressed, q->id.offset, 0)) != 0) {
			say(s, LOG_WARNING, "rotated log %s is gone or "
			    "changed before it was read; its lines are lost",
			    q->path);
			s->stats.lost++;
			continue;
		}
		s->drain = q->drain;
		return 1;
	}
	s->nq = s->qnext = 0;
	if (s->done)
		return 0;
	rc = use_file(s, s->path, s->static_mode, 0, 1);
	if (rc == 0)
		return 1;
	if (rc == -ENOENT)
		return 0;		/* waited for */
	unreadable(s, s->path, -rc);
	return 0;
}

/*
 * At the end of the log, after a wake-up: was it truncated (1), renamed
 * away (2), or nothing (0)?
 */
static int
check_path(struct filesrc *s, int trunc_only)
{
	unsigned char head[FP_MAX];
	struct stat sb, psb;
	int have_p;

	if (s->static_mode || fstat(s->r.fd, &sb) < 0)
		return 0;
	have_p = stat(s->path, &psb) == 0;
	if ((uint64_t)sb.st_size < s->rd || (s->headlen > 0
	    && (pread_all(s->r.fd, head, s->headlen, 0) != s->headlen
	    || memcmp(head, s->head, s->headlen) != 0))) {
		struct ident id = s->id;

		id.fp = rotation_hash(ROTATION_HASH_INIT, s->head, s->headlen);
		id.fp_len = s->headlen;
		say(s, LOG_INFO, "%s was truncated; looking for the copy of "
		    "its unread lines", s->path);
		s->stats.truncations++;
		close_file(s);
		s->nq = s->qnext = 0;
		if (!locate(s, &id, have_p ? &psb : NULL, 0)
		    && linebuf_pending(&s->lb) > 0)
			say(s, LOG_WARNING, "no copy of %s found; a partial "
			    "last line is lost", s->path);
		linebuf_reset(&s->lb);
		return 1;
	}
	if (trunc_only || !have_p || same_file(&psb, (uint64_t)sb.st_dev,
	    (uint64_t)sb.st_ino))
		return 0;
	say(s, LOG_INFO, "%s was rotated; finishing the old file, then the "
	    "new one from its start", s->path);
	s->stats.rotations++;
	s->nq = s->qnext = 0;
	(void)locate(s, &s->id, &psb, 1);
	return 2;
}

/* At the end of a rotated file: may its writer still append? */
static int
drain_more(struct filesrc *s)
{
	struct stat sb;
	uint64_t now;

	if (!s->drain || (s->flags & SOURCE_ONCE) || s->qnext < s->nq
	    || (stat(s->path, &sb) == 0 && sb.st_size > 0))
		return 0;
	now = mono_ms();
	if (s->drain_end == 0)
		s->drain_end = now + DRAIN_MS;
	return now < s->drain_end;
}

/* ---- the source operations ---- */

static void
note_head(struct filesrc *s, const char *p, size_t n)
{
	size_t c;

	if (s->rd >= FP_MAX || s->headlen != s->rd)
		return;
	c = FP_MAX - (size_t)s->rd < n ? FP_MAX - (size_t)s->rd : n;
	memcpy(s->head + s->headlen, p, c);
	s->headlen += (uint32_t)c;
}

static int
fs_next(struct source *src, struct source_batch *b)
{
	struct filesrc *s = (struct filesrc *)src;
	struct source_line *l;
	uint64_t adv;
	ssize_t k;
	size_t room;
	char *p;
	int rc = SOURCE_AGAIN;

	b->n = 0;
	/*
	 * The lines of the last batch are free now, but what is unread is
	 * moved to the front only when the buffer is full and holds no
	 * complete line (below): then that is one partial line, where moving
	 * before every batch would copy much of the data a second time.
	 */
	for (;;) {
		if (!s->open) {
			if (b->n > 0)
				break;
			if (!s->stdin_mode && open_next(s))
				continue;
			rc = (s->flags & SOURCE_ONCE) || s->stdin_mode
			    ? SOURCE_END : SOURCE_AGAIN;
			break;
		}
		while (b->n < SOURCE_BATCH_MAX) {
			l = &b->line[b->n];
			if (!linebuf_get(&s->lb, l, &adv))
				break;
			s->id.offset += adv;
			b->n++;
		}
		if (b->n == SOURCE_BATCH_MAX)
			break;
		/* A wake-up: a truncation is noticed before reading on. */
		if (s->current && s->check_now && !s->stdin_mode
		    && !s->static_mode) {
			if (b->n > 0)
				break;
			if (check_path(s, 1) == 1)
				continue;
		}
		if ((room = linebuf_room(&s->lb, &p)) == 0) {
			if (b->n > 0)
				break;	/* the lines handed out stay put */
			linebuf_compact(&s->lb);
			continue;
		}
		if (s->stdin_mode) {
			struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };

			if (poll(&pfd, 1, 0) == 0)
				break;
		}
		if ((k = rd_read(&s->r, p, room)) > 0) {
			note_head(s, p, (size_t)k);
			linebuf_added(&s->lb, (size_t)k);
			s->rd += (uint64_t)k;
			s->drain_end = 0;
			continue;
		}
		if (k == -EAGAIN)
			break;
		if (k < 0) {
			s->stats.errors++;
			say(s, LOG_ERR, "read error on %s: %s", s->stdin_mode
			    ? "standard input" : s->path, strerror((int)-k));
			if (!s->stdin_mode && !s->current) {
				/* A damaged rotated file: what was read counts. */
				close_file(s);
				continue;
			}
			if (!s->stdin_mode)
				break;
		}
		/* End of the file. */
		if (!s->current && drain_more(s))
			break;
		if (s->stdin_mode || !s->current || s->static_mode) {
			/* Nobody writes here any more: the rest is a line. */
			if (b->n < SOURCE_BATCH_MAX
			    && linebuf_finish(&s->lb, &b->line[b->n], &adv)) {
				s->id.offset += adv;
				b->n++;
			}
			if (s->stdin_mode) {
				rc = SOURCE_END;
				break;
			}
			if (s->static_mode) {
				s->done = 1;
				if (b->n == 0 && (s->flags & SOURCE_ONCE))
					rc = SOURCE_END;
				break;
			}
			take_tail(s);
			s->id.flags |= PF_DONE;
			rd_close(&s->r);
			s->open = 0;
			continue;
		}
		if (b->n > 0)
			break;
		if (s->flags & SOURCE_ONCE) {
			rc = SOURCE_END;
			break;
		}
		if (!s->check_now)
			break;
		s->check_now = 0;
		switch (check_path(s, 0)) {
		case 1:
			continue;
		case 2:
			s->current = 0;
			s->drain = 1;
			s->id.flags |= PF_ROTATED;
			continue;
		default:
			break;
		}
		break;
	}
	if (b->n > 0) {
		take_tail(s);
		return SOURCE_OK;
	}
	return rc;
}

static int
fs_position(struct source *src, unsigned char *buf, size_t *len)
{
	struct filesrc *s = (struct filesrc *)src;
	struct ident id = s->id;
	struct stat sb;

	if (s->stdin_mode) {
		*len = 0;
		return 0;
	}
	if (s->open && fstat(s->r.fd, &sb) == 0) {
		s->id.mtime_sec = sb.st_mtim.tv_sec;
		s->id.mtime_nsec = sb.st_mtim.tv_nsec;
		id = s->id;
	}
	if (s->head_valid) {
		id.fp = rotation_hash(ROTATION_HASH_INIT, s->head, s->headlen);
		id.fp_len = s->headlen;
	}
	pos_encode(buf, &id);
	*len = PSF1_LEN;
	return 0;
}

static int
fs_pollfd(struct source *src, int *timeout_ms)
{
	struct filesrc *s = (struct filesrc *)src;
	int max = s->drain || s->qnext < s->nq ? DRAIN_POLL_MS : POLL_MS;

	if (s->stdin_mode)
		return STDIN_FILENO;
	if (*timeout_ms < 0 || *timeout_ms > max)
		*timeout_ms = max;
	return s->ino_fd;
}

static void
fs_woken(struct source *src)
{
	struct filesrc *s = (struct filesrc *)src;
	char ev[4096] __attribute__((aligned(8)));

	if (s->ino_fd >= 0)
		while (read(s->ino_fd, ev, sizeof(ev)) > 0)
			;
	s->check_now = 1;
}

static void
fs_reopen(struct source *src)
{
	((struct filesrc *)src)->check_now = 1;
}

static void
fs_stats(struct source *src, struct source_stats *st)
{
	struct filesrc *s = (struct filesrc *)src;

	*st = s->stats;
	memset(&s->stats, 0, sizeof(s->stats));
}

static void
fs_close(struct source *src)
{
	struct filesrc *s = (struct filesrc *)src;

	rd_close(&s->r);
	if (s->ino_fd >= 0)
		close(s->ino_fd);
	linebuf_free(&s->lb);
	free(s->scratch);
	free(s);
}

static const struct source_ops filesrc_ops = {
	"file", fs_next, fs_position, fs_pollfd, fs_woken, fs_reopen,
	fs_stats, fs_close
};

const char *
filesrc_strerror(int code)
{
	switch (code) {
	case SOURCE_ENOENT:
		return "no such file or directory";
	case SOURCE_EACCES:
		return "permission denied";
	case SOURCE_EOTHER:
		return "the saved position belongs to another kind of source";
	case SOURCE_EBADPOS:
		return "the saved position is damaged";
	default:
		return "read error";
	}
}

/* ---- opening ---- */

/* Where the last complete line of the open log ends. */
static uint64_t
last_line_end(struct filesrc *s, uint64_t size)
{
	uint64_t end = size;
	const char *nl;
	size_t want;

	while (end > 0) {
		want = end > SCRATCH ? SCRATCH : (size_t)end;
		if (pread_all(s->r.fd, s->scratch, want, end - want) != want)
			return size;
		if ((nl = memrchr(s->scratch, '\n', want)) != NULL)
			return end - want + (uint64_t)(nl - s->scratch) + 1;
		end -= want;
	}
	return 0;
}

/* Start with the saved position ID. */
static int
open_saved(struct filesrc *s, const struct ident *id)
{
	struct stat sb;
	int rc, have;

	if (id->flags & PF_NOFILE)
		return 0;		/* the log is read from its start */
	have = stat(s->path, &sb) == 0;
	if (have && same_file(&sb, id->dev, id->ino)
	    && (rc = probe(s, s->path, s->static_mode, id, NULL))
	    == PROBE_MATCH && !(id->flags & PF_ROTATED))
		return use_file(s, s->path, s->static_mode, id->offset, 1);
	if (s->static_mode) {
		say(s, LOG_WARNING, "%s is not the file of the saved position;"
		    " reading it from its start", s->path);
		return 0;
	}
	if (have && same_file(&sb, id->dev, id->ino)) {
		say(s, LOG_INFO, "%s was truncated while we were stopped (or "
		    "rewritten)", s->path);
		s->stats.truncations++;
	} else if (!(id->flags & PF_ROTATED)) {
		s->stats.rotations++;
	}
	if (!locate(s, id, have ? &sb : NULL, 0) && !locate_inode(s, id))
		saved_lost(s, id, have ? &sb : NULL);
	return 0;
}

int
filesrc_open(struct source **sp, const struct filesrc_opts *o,
    const unsigned char *pos, size_t poslen, source_notify_fn *notify,
    void *arg)
{
	struct filesrc *s;
	struct ident id;
	struct stat sb;
	const char *slash;
	int rc;

	*sp = NULL;
	if (pos != NULL && poslen > 0 && strcmp(o->path, "-") != 0
	    && (rc = pos_decode(pos, poslen, &id)) != 0)
		return rc;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return SOURCE_EIO;
	s->src.ops = &filesrc_ops;
	s->r.fd = -1;
	s->ino_fd = s->wd_dir = s->wd_file = -1;
	s->flags = o->flags;
	s->notify = notify;
	s->arg = arg;
	if (linebuf_init(&s->lb, CHUNK) < 0
	    || (s->scratch = malloc(SCRATCH)) == NULL) {
		fs_close(&s->src);
		return SOURCE_EIO;
	}
	if (strcmp(o->path, "-") == 0) {
		s->stdin_mode = 1;
		s->r.fd = STDIN_FILENO;
		s->open = 1;
		*sp = &s->src;
		return 0;
	}
	slash = strrchr(o->path, '/');
	if (strlen(o->path) >= sizeof(s->path) || (slash != NULL
	    && strlen(slash + 1) >= sizeof(s->base))
	    || (o->rotated_dir != NULL
	    && strlen(o->rotated_dir) >= sizeof(s->olddir))) {
		fs_close(&s->src);
		return SOURCE_EIO;
	}
	strcpy(s->path, o->path);
	if (slash == NULL) {
		strcpy(s->dir, ".");
		strcpy(s->base, o->path);
	} else {
		strcpy(s->base, slash + 1);
		if (slash == o->path) {
			strcpy(s->dir, "/");	/* "/maillog" is in "/" */
		} else {
			memcpy(s->dir, o->path, (size_t)(slash - o->path));
			s->dir[slash - o->path] = '\0';
		}
	}
	if (o->rotated_dir != NULL) {
		strcpy(s->olddir, o->rotated_dir);
		s->have_olddir = 1;
	}
	s->static_mode = rotation_compressed(s->base);
	if (stat(s->dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		say(s, LOG_ERR, "the directory of %s does not exist", s->path);
		fs_close(&s->src);
		return SOURCE_ENOENT;
	}
	if (s->base[0] == '\0'
	    || (stat(s->path, &sb) == 0 && S_ISDIR(sb.st_mode))) {
		say(s, LOG_ERR, "%s is a directory, not a log file", s->path);
		fs_close(&s->src);
		return SOURCE_EIO;
	}
	if (access(s->path, R_OK) < 0 && errno == EACCES) {
		fs_close(&s->src);
		return SOURCE_EACCES;
	}
	if ((s->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) >= 0)
		s->wd_dir = inotify_add_watch(s->ino_fd, s->dir, IN_CREATE
		    | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB);
	if (pos != NULL && poslen > 0) {
		if ((rc = open_saved(s, &id)) != 0 && rc != -ENOENT) {
			fs_close(&s->src);
			return rc == -EACCES ? SOURCE_EACCES : SOURCE_EIO;
		}
	} else if (!(o->flags & SOURCE_FROM_START) && !s->static_mode) {
		rc = use_file(s, s->path, 0, 0, 1);
		if (rc == 0 && fstat(s->r.fd, &sb) == 0 && sb.st_size > 0)
			rc = use_file(s, s->path, 0,
			    last_line_end(s, (uint64_t)sb.st_size), 1);
		if (rc != 0 && rc != -ENOENT) {
			fs_close(&s->src);
			return rc == -EACCES ? SOURCE_EACCES : SOURCE_EIO;
		}
	}
	if (!s->open && s->nq == 0 && stat(s->path, &sb) < 0)
		say(s, LOG_NOTICE, "%s does not exist yet; waiting for it, and "
		    "it will be read from its first line", s->path);
	if (!s->open && s->nq > 0)
		s->id = id;		/* until the first queued file opens */
	else if (!s->open)
		s->id.flags = PF_NOFILE;
	*sp = &s->src;
	return 0;
}
