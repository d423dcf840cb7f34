/* SPDX-License-Identifier: ISC */
/*
 * journal.h - the systemd journal as a source of Postfix log lines
 */
#ifndef JOURNAL_H
#define JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "source.h"
#include "span.h"

struct journal_opts {
	const char	*dir;		/* NULL: the local system journal */
	const struct span *names;	/* extra syslog_names (-n) */
	size_t		 nnames;
	int		 flags;		/* SOURCE_FROM_START | SOURCE_ONCE */
};

/* The longest host name and tag put into a rebuilt line. */
#define JOURNAL_HOST_MAX	255
#define JOURNAL_TAG_MAX		255

/*
 * journal_open: open the journal as a source in *SP, resuming after POS
 * (POSLEN bytes, a "PSJ1" position; NULL or 0: no position, start at the
 * tail, or the head with SOURCE_FROM_START). NOTIFY (may be NULL) gets each
 * notable event with a syslog level. A directory that does not exist yet is
 * not an error: it is waited for. Returns 0, or a SOURCE_ error with *SP
 * NULL (SOURCE_EOTHER: POS is of another kind; SOURCE_EBADPOS: damaged).
 */
int	journal_open(struct source **sp, const struct journal_opts *o,
	    const unsigned char *pos, size_t poslen, source_notify_fn *notify,
	    void *arg);

/* journal_present: the system has a journal (/run/systemd/journal or /var/log/journal). */
int	journal_present(void);

/*
 * The pure parts, exposed for tests.
 */

/* journal_is_postfix: IDENT's first component starts with "postfix" or is one of NAMES. */
int	journal_is_postfix(struct span ident, const struct span *names,
	    size_t nnames);

/*
 * journal_line: write "Mmm dd hh:mm:ss HOST TAG[PID]: MSG" (PID empty:
 * "TAG: MSG") for the time USEC (microseconds since the epoch, UTC) into
 * BUF (SIZE bytes, not NUL-terminated); the length, or 0 when it does not
 * fit (a line too long).
 */
size_t	journal_line(char *buf, size_t size, uint64_t usec, struct span host,
	    struct span tag, struct span pid, struct span msg);

/*
 * journal_dropped: the number of messages journald says it suppressed for
 * a Postfix unit in MSG ("Suppressed N messages from postfix@-.service"),
 * or 0 when MSG is no such notice (or about another unit).
 */
uint64_t journal_dropped(struct span msg);

/* journal_pos_encode: "PSJ1", seqnum, seqnum_id and CURSOR into BUF; its length, 0 if it does not fit. */
size_t	journal_pos_encode(unsigned char *buf, size_t size, const char *cursor);

/* journal_pos_decode: the cursor (NUL-terminated, in CURSOR of CSIZE) and the seqnum fields of POS; 0 or a SOURCE_ error. */
int	journal_pos_decode(const unsigned char *pos, size_t len, char *cursor,
	    size_t csize, uint64_t *seqnum, unsigned char seqnum_id[16]);

/* journal_cursor_seqnum: the seqnum and its id parsed from a cursor string; 0, or -1 if absent. */
int	journal_cursor_seqnum(const char *cursor, uint64_t *seqnum,
	    unsigned char seqnum_id[16]);

/* journal_cursor_xor: the "x=" of a cursor string; 0, or -1 if absent. */
int	journal_cursor_xor(const char *cursor, uint64_t *xor);

/*
 * journal_hash64: systemd's jenkins_hash64() of LEN bytes at DATA (Bob
 * Jenkins' lookup3 hashlittle2()); the "x=" of an entry's cursor is the
 * XOR of those of its fields ("NAME=value").
 */
uint64_t journal_hash64(const void *data, size_t len);

/* The XORs of any of a set of 64-bit values (a basis over GF(2)). */
struct journal_span {
	uint64_t	b[64];
};

/* journal_span_add: add H to the set of SP (zeroed first). */
void	journal_span_add(struct journal_span *sp, uint64_t h);

/* journal_span_has: is V an XOR of some of the values added to SP (0 is)? */
int	journal_span_has(const struct journal_span *sp, uint64_t v);

#endif
