/*
 * NAME
 *	follow - read each complete line of a rotating log exactly once
 * SYNOPSIS
 *	#include "follow.h"
 * DESCRIPTION
 *	follow_next_line() hands out complete lines only: a last line without
 *	its newline waits until the rest is written. follow_position() is the
 *	file's identity (device, inode), the offset just after the last line
 *	handed out, the file's mtime, and a fingerprint (a hash of its first
 *	FP_MAX bytes). Committed with the counters, it is all that is needed to
 *	resume exactly where the last commit left off.
 *
 *	At start, with a saved position:
 *	- the file at PATH is the saved one (same identity, the fingerprint
 *	  matches, not shorter than the offset): resume at the offset;
 *	- otherwise the log was rotated (or truncated) while we were down. The
 *	  saved file is looked for among PATH's siblings ("mail.log.1",
 *	  "mail.log-20261129", "maillog.20261129-000700"): by identity (rename
 *	  rotation) or by fingerprint (a copytruncate copy). It is finished
 *	  from the offset, then every uncompressed sibling modified after the
 *	  saved mtime (a second rotation while down) in mtime order, then PATH
 *	  from its start. A compressed sibling that would have been needed is
 *	  reported, and counted as lost.
 *
 *	While running, at end of file: a PATH that now names another file is a
 *	rename rotation: the old file is finished first, then the siblings
 *	modified after it (rotations we did not see: log.1 when the old file
 *	is already log.2), then the new file from its start. The old file is
 *	only left when the next one has data or after DRAIN_MS without new
 *	lines: syslog writes to it until it reopens the log. A file shorter
 *	than what was read, or whose first bytes changed, was truncated
 *	(copytruncate): the rest of the old content is taken from the copy if
 *	one is found, then any later copies, then the file is read from its
 *	start. inotify wakes the follower (polling once a second is the
 *	fallback when inotify is not available).
 *
 *	Lines longer than PFLOG_LINE_MAX are skipped up to their newline and
 *	reported as FOLLOW_LONG. A final line without a newline in a rotated
 *	file that nobody writes to any more is handed out as it is; so is one
 *	at the end of standard input.
 * DIAGNOSTICS
 *	follow_open() returns FOLLOW_ENOENT, FOLLOW_EACCES or FOLLOW_EIO.
 *	Notable events (rotation, truncation, lost files) go to the caller's
 *	notify function and into follow_stats(). Read errors later on are
 *	counted and retried.
 * SECURITY
 *	File contents are untrusted bytes; lines are bounded. File names of
 *	siblings are only compared, never used to build other paths than
 *	DIR/NAME.
 */
#include <sys/inotify.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "follow.h"
#include "pflog.h"

#define FP_MAX		1024		/* bytes in a fingerprint */
#define BUF_SIZE	(256 * 1024)	/* read chunk; plus room for a long line */
#define QUEUE_MAX	32		/* rotated files waiting to be read */
#define POLL_MS		1000		/* fallback poll, and inotify safety net */
#define DRAIN_MS	5000		/* a rotated file may still be written */
#define DRAIN_POLL_MS	100		/* poll while draining one */

/* find_rotated() modes */
#define FIND_NEWER	0x1	/* also queue siblings modified since */
#define FIND_OPEN	0x2	/* the saved file is still open: skip it */

struct queued {
	char		path[PATH_MAX];
	uint64_t	offset;
	struct timespec	mtime;
};

struct follow {
	char		path[PATH_MAX];
	char		dir[PATH_MAX];
	const char	*base;		/* in path */
	int		stdin_mode;
	int		fd;
	int		current;	/* fd is PATH, not a queued rotated file */
	uint64_t	dev, ino;
	uint64_t	pos;		/* offset after the last line handed out */
	uint64_t	rd;		/* offset of buf[end] */
	uint64_t	fp;
	uint32_t	fp_len;
	struct timespec	mtime;
	char		*buf;
	size_t		start, end, cap;
	int		discarding;
	uint64_t	skipped;	/* bytes of a long line skipped so far */
	int		drain;		/* fd is the old file of a rename */
	uint64_t	drain_end;	/* monotonic ms; 0: not at its end */
	struct queued	queue[QUEUE_MAX];
	size_t		nqueue, qnext;
	int		ino_fd, wd_dir, wd_file;
	int		check_now;
	struct follow_stats stats;
	void		(*notify)(const char *, void *);
	void		*arg;
};

uint64_t
follow_fingerprint(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void
say(struct follow *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(struct follow *f, const char *fmt, ...)
{
	char msg[PATH_MAX + 256];
	va_list ap;

	if (f->notify == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f->notify(msg, f->arg);
}

/* Hash of the first LEN bytes of FD; -1 if the file is shorter. */
static int
fd_fingerprint(int fd, uint32_t len, uint64_t *fp)
{
	char b[FP_MAX];
	ssize_t n;
	size_t got = 0;

	while (got < len) {
		n = pread(fd, b + got, len - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	*fp = follow_fingerprint(b, len);
	return 0;
}

/* Does the file at FD hold the saved file's first bytes? */
static int
fp_matches(int fd, const struct store_pos *saved)
{
	uint64_t fp;

	if (saved->fp_len == 0)
		return 1;
	return fd_fingerprint(fd, saved->fp_len, &fp) == 0 && fp == saved->fp;
}

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int
ts_after(struct timespec a, int64_t sec, int64_t nsec)
{
	return a.tv_sec > sec || (a.tv_sec == sec && a.tv_nsec > nsec);
}

static int
is_compressed(const char *name)
{
	static const char *const sfx[] = {
		".gz", ".bz2", ".xz", ".zst", ".lz4", ".lzma", ".Z", NULL
	};
	size_t n = strlen(name), i;

	for (i = 0; sfx[i] != NULL; i++) {
		size_t s = strlen(sfx[i]);

		if (n > s && strcmp(name + n - s, sfx[i]) == 0)
			return 1;
	}
	return 0;
}

static void
watch_file(struct follow *f)
{
	if (f->ino_fd < 0)
		return;
	if (f->wd_file >= 0)
		inotify_rm_watch(f->ino_fd, f->wd_file);
	f->wd_file = inotify_add_watch(f->ino_fd, f->path, IN_MODIFY
	    | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF | IN_CLOSE_WRITE);
}

/* Start reading the open file FD at OFFSET. */
static void
use_fd(struct follow *f, int fd, uint64_t offset, int current)
{
	struct stat sb;

	if (f->fd >= 0 && f->fd != fd && f->fd != STDIN_FILENO)
		close(f->fd);
	f->fd = fd;
	f->current = current;
	f->start = f->end = 0;
	f->discarding = 0;
	f->skipped = 0;
	f->drain = 0;
	f->drain_end = 0;
	f->pos = f->rd = offset;
	f->fp_len = 0;
	f->fp = follow_fingerprint("", 0);
	if (fstat(fd, &sb) == 0) {
		f->dev = (uint64_t)sb.st_dev;
		f->ino = (uint64_t)sb.st_ino;
		f->mtime = sb.st_mtim;
	}
	if (offset > 0) {
		/* Know the file by its first bytes before reading on. */
		uint32_t want = offset < FP_MAX ? (uint32_t)offset : FP_MAX;

		(void)lseek(fd, (off_t)offset, SEEK_SET);
		if (fd_fingerprint(fd, want, &f->fp) == 0)
			f->fp_len = want;
	}
	if (current)
		watch_file(f);
}

/* Open PATH as the current file at OFFSET; 0 or a FOLLOW_ error. */
static int
open_current(struct follow *f, uint64_t offset)
{
	int fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return errno == ENOENT ? FOLLOW_ENOENT : errno == EACCES
		    ? FOLLOW_EACCES : FOLLOW_EIO;
	use_fd(f, fd, offset, 1);
	return 0;
}

static int
queue_cmp(const void *a, const void *b)
{
	const struct queued *x = a, *y = b;

	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return 0;
}

/*
 * The saved file is not (or no longer entirely) at PATH: find it among the
 * siblings, and the files rotated after it. Queue what is to be read
 * before PATH. FIND_NEWER: also queue uncompressed siblings modified since
 * the saved mtime (rotations we did not see). FIND_OPEN: the saved file is
 * still being read; only what came after it is queued.
 */
static void
find_rotated(struct follow *f, const struct store_pos *saved, int mode)
{
	struct stat cur_sb, sb;
	struct queued found, later[QUEUE_MAX];
	size_t nlater = 0, blen = strlen(f->base), i;
	int have_found = 0, have_cur, lost_compressed = 0;
	struct dirent *de;
	DIR *d;

	have_cur = stat(f->path, &cur_sb) == 0;
	if ((d = opendir(f->dir)) == NULL) {
		say(f, "cannot read directory %s: %s", f->dir, strerror(errno));
		f->stats.errors++;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char p[PATH_MAX];
		int fd;

		if (strncmp(de->d_name, f->base, blen) != 0
		    || de->d_name[blen] == '\0')
			continue;
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", f->dir,
		    de->d_name) >= sizeof(p))
			continue;
		if (lstat(p, &sb) < 0 || !S_ISREG(sb.st_mode))
			continue;
		if (have_cur && sb.st_dev == cur_sb.st_dev
		    && sb.st_ino == cur_sb.st_ino)
			continue;
		if (is_compressed(de->d_name)) {
			if (ts_after(sb.st_mtim, saved->mtime_sec,
			    saved->mtime_nsec) || (uint64_t)sb.st_ino
			    == saved->ino)
				lost_compressed++;
			continue;
		}
		if (!have_found && (uint64_t)sb.st_size >= saved->offset
		    && (saved->fp_len > 0 || ((uint64_t)sb.st_dev == saved->dev
		    && (uint64_t)sb.st_ino == saved->ino))
		    && (fd = open(p, O_RDONLY | O_CLOEXEC)) >= 0) {
			/* Same inode or not (inodes are reused), the first bytes must match. */
			int m = fp_matches(fd, saved);

			close(fd);
			if (m) {
				strcpy(found.path, p);
				found.offset = saved->offset;
				found.mtime = sb.st_mtim;
				have_found = 1;
				continue;
			}
		}
		if ((mode & FIND_NEWER) && nlater < QUEUE_MAX - 1
		    && ts_after(sb.st_mtim, saved->mtime_sec,
		    saved->mtime_nsec)) {
			strcpy(later[nlater].path, p);
			later[nlater].offset = 0;
			later[nlater].mtime = sb.st_mtim;
			nlater++;
		}
	}
	closedir(d);
	f->nqueue = f->qnext = 0;
	if (mode & FIND_OPEN) {
		/* Nothing to queue or to report for the open file. */
	} else if (have_found) {
		say(f, "reading the rest of rotated log %s from offset %llu",
		    found.path, (unsigned long long)found.offset);
		f->queue[f->nqueue++] = found;
	} else if (saved->offset > 0) {
		say(f, "the log read last (%llu bytes in) was rotated away "
		    "and is not readable%s; its remaining lines are lost",
		    (unsigned long long)saved->offset, lost_compressed
		    ? " (it was compressed)" : "");
		f->stats.lost++;
	}
	qsort(later, nlater, sizeof(later[0]), queue_cmp);
	for (i = 0; i < nlater; i++) {
		/* A copy found by fingerprint is not read twice. */
		if (have_found && strcmp(later[i].path, found.path) == 0)
			continue;
		say(f, "reading rotated log %s", later[i].path);
		f->queue[f->nqueue++] = later[i];
	}
	if ((have_found || (mode & FIND_OPEN)) && lost_compressed) {
		say(f, "%d compressed rotated log(s) newer than the saved "
		    "position cannot be read; their lines are lost",
		    lost_compressed);
		f->stats.lost += (uint64_t)lost_compressed;
	}
}

/* Open the next queued rotated file; 1 if one was opened. */
static int
next_queued(struct follow *f)
{
	while (f->qnext < f->nqueue) {
		struct queued *q = &f->queue[f->qnext++];
		int fd = open(q->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

		if (fd < 0) {
			say(f, "cannot open rotated log %s: %s", q->path,
			    strerror(errno));
			f->stats.lost++;
			continue;
		}
		use_fd(f, fd, q->offset, 0);
		return 1;
	}
	return 0;
}

int
follow_open(struct follow **fpp, const char *path,
    const struct store_pos *saved, int flags,
    void (*notify)(const char *, void *), void *arg)
{
	struct follow *f;
	struct stat sb;
	char *slash;
	int rc, fd;

	*fpp = NULL;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return FOLLOW_EIO;
	f->cap = BUF_SIZE + PFLOG_LINE_MAX;
	if ((f->buf = malloc(f->cap)) == NULL) {
		free(f);
		return FOLLOW_EIO;
	}
	f->fd = -1;
	f->ino_fd = f->wd_dir = f->wd_file = -1;
	f->notify = notify;
	f->arg = arg;
	if (strcmp(path, "-") == 0) {
		f->stdin_mode = 1;
		f->fd = STDIN_FILENO;
		*fpp = f;
		return 0;
	}
	if (strlen(path) >= sizeof(f->path)) {
		follow_close(f);
		return FOLLOW_EIO;
	}
	strcpy(f->path, path);
	strcpy(f->dir, path);
	if ((slash = strrchr(f->dir, '/')) == NULL) {
		strcpy(f->dir, ".");
		f->base = f->path;
	} else {
		f->base = f->path + (slash - f->dir) + 1;
		if (slash == f->dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	if ((f->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) >= 0)
		f->wd_dir = inotify_add_watch(f->ino_fd, f->dir, IN_CREATE
		    | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE);

	if (saved != NULL) {
		fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd >= 0 && fstat(fd, &sb) == 0
		    && (uint64_t)sb.st_dev == saved->dev
		    && (uint64_t)sb.st_ino == saved->ino
		    && (uint64_t)sb.st_size >= saved->offset
		    && fp_matches(fd, saved)) {
			use_fd(f, fd, saved->offset, 1);
			*fpp = f;
			return 0;
		}
		if (fd >= 0 && fstat(fd, &sb) == 0
		    && (uint64_t)sb.st_dev == saved->dev
		    && (uint64_t)sb.st_ino == saved->ino) {
			say(f, "%s was truncated while we were stopped",
			    f->path);
			f->stats.truncations++;
		} else {
			f->stats.rotations++;
		}
		if (fd >= 0)
			close(fd);
		find_rotated(f, saved, FIND_NEWER);
		if ((rc = open_current(f, 0)) != 0 && f->nqueue == 0) {
			follow_close(f);
			return rc;
		}
		if (next_queued(f) == 0 && f->fd < 0) {
			follow_close(f);
			return rc;
		}
		*fpp = f;
		return 0;
	}
	if ((rc = open_current(f, 0)) != 0) {
		follow_close(f);
		return rc;
	}
	if (!(flags & FOLLOW_FROM_START) && fstat(f->fd, &sb) == 0
	    && sb.st_size > 0) {
		/* Start after the last complete line, however far back. */
		uint64_t at = 0;
		off_t end = sb.st_size;

		while (end > 0) {
			size_t want = end > (off_t)f->cap ? f->cap : (size_t)end;
			const char *nl;

			if (pread(f->fd, f->buf, want, end - (off_t)want)
			    != (ssize_t)want) {
				at = (uint64_t)sb.st_size;	/* read error */
				break;
			}
			if ((nl = memrchr(f->buf, '\n', want)) != NULL) {
				at = (uint64_t)(end - (off_t)want)
				    + (uint64_t)(nl - f->buf) + 1;
				break;
			}
			end -= (off_t)want;
		}
		use_fd(f, f->fd, at, 1);
	}
	*fpp = f;
	return 0;
}

void
follow_close(struct follow *f)
{
	if (f == NULL)
		return;
	if (f->fd >= 0 && f->fd != STDIN_FILENO)
		close(f->fd);
	if (f->ino_fd >= 0)
		close(f->ino_fd);
	free(f->buf);
	free(f);
}

/* The position as last known, without looking at the file again. */
static void
pos_snapshot(const struct follow *f, struct store_pos *pos)
{
	pos->dev = f->dev;
	pos->ino = f->ino;
	pos->offset = f->pos;
	pos->mtime_sec = f->mtime.tv_sec;
	pos->mtime_nsec = f->mtime.tv_nsec;
	pos->fp = f->fp;
	pos->fp_len = f->fp_len;
}

/*
 * At end of the current file: has PATH been rotated or truncated? Queue
 * what must be read and return 1 when something changed.
 */
static int
check_path(struct follow *f, int trunc_only)
{
	struct stat sb, psb;
	struct store_pos saved;
	uint64_t fp;

	if (fstat(f->fd, &sb) < 0)
		return 0;
	/* Truncated (copytruncate), or rewritten from the start? */
	if ((uint64_t)sb.st_size < f->rd
	    || (f->fp_len > 0 && (fd_fingerprint(f->fd, f->fp_len, &fp) < 0
	    || fp != f->fp))) {
		say(f, "%s was truncated; reading it from the start",
		    f->path);
		f->stats.truncations++;
		pos_snapshot(f, &saved);
		find_rotated(f, &saved, FIND_NEWER);
		if (f->nqueue > 0) {
			/* Read the rest from the copy, then PATH again. */
			close(f->fd);
			f->fd = -1;
		} else {
			use_fd(f, f->fd, 0, 1);
			(void)lseek(f->fd, 0, SEEK_SET);
		}
		return 1;
	}
	if (trunc_only)
		return 0;
	if (stat(f->path, &psb) < 0)
		return 0;		/* renamed, not yet recreated */
	if (psb.st_dev == sb.st_dev && psb.st_ino == sb.st_ino)
		return 0;
	say(f, "%s was rotated; reading the new file from the start",
	    f->path);
	f->stats.rotations++;
	pos_snapshot(f, &saved);
	saved.mtime_sec = sb.st_mtim.tv_sec;
	saved.mtime_nsec = sb.st_mtim.tv_nsec;
	find_rotated(f, &saved, FIND_NEWER | FIND_OPEN);
	return 2;
}

/*
 * At the end of the old file of a rename: may the writer still append to
 * it? Yes until the next file has data, or DRAIN_MS passed without any.
 */
static int
drain_more(struct follow *f)
{
	struct stat sb;
	uint64_t now;

	if (!f->drain || f->qnext < f->nqueue
	    || (stat(f->path, &sb) == 0 && sb.st_size > 0))
		return 0;
	now = mono_ms();
	if (f->drain_end == 0)
		f->drain_end = now + DRAIN_MS;
	return now < f->drain_end;
}

int
follow_next_line(struct follow *f, const char **line, size_t *len)
{
	for (;;) {
		char *nl;
		ssize_t n;

		if (f->fd < 0) {
			if (next_queued(f))
				continue;
			if (open_current(f, 0) != 0)
				return FOLLOW_AGAIN;
			continue;
		}
		nl = f->end > f->start
		    ? memchr(f->buf + f->start, '\n', f->end - f->start) : NULL;
		if (nl != NULL) {
			size_t l = (size_t)(nl - (f->buf + f->start));
			const char *p = f->buf + f->start;

			f->start += l + 1;
			/* The position only ever moves past whole lines. */
			f->pos += f->skipped + l + 1;
			f->skipped = 0;
			/* Too long, whether or not it arrived in one read. */
			if (f->discarding || l >= PFLOG_LINE_MAX) {
				f->discarding = 0;
				return FOLLOW_LONG;
			}
			if (l > 0 && p[l - 1] == '\r')
				l--;
			*line = p;
			*len = l;
			return FOLLOW_LINE;
		}
		if (f->discarding) {
			f->skipped += f->end - f->start;
			f->start = f->end = 0;
		} else if (f->end - f->start >= PFLOG_LINE_MAX) {
			f->discarding = 1;
			f->skipped += f->end - f->start;
			f->start = f->end = 0;
		} else if (f->start > 0) {
			memmove(f->buf, f->buf + f->start, f->end - f->start);
			f->end -= f->start;
			f->start = 0;
		}
		if (f->stdin_mode) {
			struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };

			if (poll(&pfd, 1, 0) == 0)
				return FOLLOW_AGAIN;
		}
		/* Woken up: a truncated file is noticed before reading it. */
		if (!f->stdin_mode && f->current && f->check_now
		    && check_path(f, 1) == 1)
			continue;
		n = read(f->fd, f->buf + f->end, f->cap - f->end);
		if (n > 0) {
			f->end += (size_t)n;
			f->rd += (uint64_t)n;
			f->drain_end = 0;
			/* Fingerprint as soon as there are bytes. */
			if (!f->stdin_mode && f->fp_len < FP_MAX
			    && f->rd > f->fp_len) {
				uint32_t want = f->rd < FP_MAX
				    ? (uint32_t)f->rd : FP_MAX;
				uint64_t fp;

				if (fd_fingerprint(f->fd, want, &fp) == 0) {
					f->fp = fp;
					f->fp_len = want;
				}
			}
			continue;
		}
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				return FOLLOW_AGAIN;
			f->stats.errors++;
			say(f, "read error on %s: %s", f->stdin_mode
			    ? "standard input" : f->path, strerror(errno));
			if (f->stdin_mode)
				return FOLLOW_EOF;
			return FOLLOW_AGAIN;
		}
		/* End of file. */
		if (!f->current && drain_more(f))
			return FOLLOW_AGAIN;
		if (f->stdin_mode || !f->current) {
			/* Nobody writes here any more: the rest is a line. */
			if (f->end > f->start) {
				size_t l = f->end - f->start;

				*line = f->buf + f->start;
				f->pos += f->skipped + l;
				f->skipped = 0;
				f->start = f->end = 0;
				if (f->discarding) {
					f->discarding = 0;
					return FOLLOW_LONG;
				}
				if (l > 0 && (*line)[l - 1] == '\r')
					l--;
				*len = l;
				return FOLLOW_LINE;
			}
			if (f->discarding) {
				f->discarding = 0;
				f->pos += f->skipped;
				f->skipped = 0;
				return FOLLOW_LONG;
			}
			if (f->stdin_mode)
				return FOLLOW_EOF;
			close(f->fd);
			f->fd = -1;
			continue;
		}
		if (!f->check_now)
			return FOLLOW_AGAIN;
		f->check_now = 0;
		switch (check_path(f, 0)) {
		case 1:
			continue;
		case 2:
			/* Finish the old file, then the queue, then PATH. */
			f->current = 0;
			f->drain = 1;
			continue;
		default:
			return FOLLOW_AGAIN;
		}
	}
}

void
follow_wait(struct follow *f, int timeout_ms)
{
	struct pollfd pfd;
	char ev[4096];

	if (f->stdin_mode) {
		pfd.fd = STDIN_FILENO;
		pfd.events = POLLIN;
		(void)poll(&pfd, 1, timeout_ms);
		return;
	}
	if (timeout_ms > POLL_MS)
		timeout_ms = POLL_MS;
	if (f->drain && timeout_ms > DRAIN_POLL_MS)
		timeout_ms = DRAIN_POLL_MS;	/* the next file is not watched */
	if (f->ino_fd < 0) {
		(void)poll(NULL, 0, timeout_ms);
		f->check_now = 1;
		return;
	}
	pfd.fd = f->ino_fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, timeout_ms) > 0)
		while (read(f->ino_fd, ev, sizeof(ev)) > 0)
			;
	f->check_now = 1;
}

/*
 * The wait of follow_wait(), also woken by EXTRA_FD (the queue sampler's
 * pipe); kept apart from it so that the file source can take it over.
 */
int
follow_wait_fd(struct follow *f, int timeout_ms, int extra_fd)
{
	struct pollfd pfd[2];
	nfds_t n = 0;
	char ev[4096];
	int rc;

	if (extra_fd < 0) {
		follow_wait(f, timeout_ms);
		return 0;
	}
	if (!f->stdin_mode && timeout_ms > POLL_MS)
		timeout_ms = POLL_MS;
	if (!f->stdin_mode && f->drain && timeout_ms > DRAIN_POLL_MS)
		timeout_ms = DRAIN_POLL_MS;
	pfd[n].fd = extra_fd;
	pfd[n++].events = POLLIN;
	if (f->stdin_mode || f->ino_fd >= 0) {
		pfd[n].fd = f->stdin_mode ? STDIN_FILENO : f->ino_fd;
		pfd[n++].events = POLLIN;
	}
	rc = poll(pfd, n, timeout_ms);
	if (!f->stdin_mode) {
		if (n == 2 && rc > 0 && pfd[1].revents != 0)
			while (read(f->ino_fd, ev, sizeof(ev)) > 0)
				;
		f->check_now = 1;
	}
	return rc > 0 && pfd[0].revents != 0;
}

int
follow_position(struct follow *f, struct store_pos *pos)
{
	struct stat sb;

	if (f->stdin_mode)
		return 0;
	if (f->fd >= 0 && fstat(f->fd, &sb) == 0) {
		f->mtime = sb.st_mtim;
		if (f->fp_len < FP_MAX && (uint64_t)sb.st_size > f->fp_len) {
			uint32_t want = sb.st_size < FP_MAX
			    ? (uint32_t)sb.st_size : FP_MAX;

			if (fd_fingerprint(f->fd, want, &f->fp) == 0)
				f->fp_len = want;
		}
	}
	pos_snapshot(f, pos);
	return 1;
}

void
follow_reopen(struct follow *f)
{
	f->check_now = 1;
}

void
follow_stats(struct follow *f, struct follow_stats *st)
{
	*st = f->stats;
	memset(&f->stats, 0, sizeof(f->stats));
}

const char *
follow_strerror(int code)
{
	switch (code) {
	case FOLLOW_ENOENT:
		return "no such file";
	case FOLLOW_EACCES:
		return "permission denied";
	default:
		return "read error";
	}
}
