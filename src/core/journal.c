/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	journal - the systemd journal as a source of Postfix log lines
 * SYNOPSIS
 *	#include "journal.h"
 * DESCRIPTION
 *	journal_open() reads the local system journal, or the journal files
 *	in a directory, through libsystemd's sd-journal, and hands out the
 *	entries of Postfix rebuilt into the syslog line the classifier knows:
 *	"Mmm dd hh:mm:ss HOST TAG[PID]: MESSAGE" from __REALTIME_TIMESTAMP
 *	(UTC), _HOSTNAME, SYSLOG_IDENTIFIER, SYSLOG_PID (or _PID) and
 *	MESSAGE. An entry is Postfix's when the first component of its
 *	SYSLOG_IDENTIFIER starts with "postfix" or is one of the names given
 *	(the rule of pflog_parse()), so the counters from the journal and from
 *	a syslog file of the same events are the same. Every entry is looked
 *	at (no sd_journal_add_match(): it matches exact values only, and
 *	Postfix may log with another facility); other entries are passed
 *	over, except journald's own "Suppressed N messages from postfix..."
 *	notices, whose N is added to the log_dropped statistic.
 *
 *	The position is "PSJ1", the sequence number and its 128-bit id (both
 *	also in the cursor, kept apart so that no cursor syntax is needed to
 *	measure a gap), then the cursor of the last entry looked at. To
 *	resume: sd_journal_seek_cursor(), sd_journal_next(), then
 *	sd_journal_test_cursor(): the entry is skipped only when it is the
 *	cursor's own. When the saved entry is gone (its file was vacuumed or
 *	deleted while we were stopped), the entry found is the first one not
 *	yet read and is counted; the sequence numbers of the two entries
 *	(same id) tell how many entries were lost between them: reported,
 *	added to the skipped statistic, and one gap to the lost one.
 *
 *	Without a position the source starts after the last entry (or at the
 *	first with SOURCE_FROM_START). A directory that does not exist yet is
 *	looked for once a second and read from its first entry when it
 *	appears. Waiting for new entries uses sd_journal_get_fd() and
 *	sd_journal_get_timeout(); woken() calls sd_journal_process().
 *
 *	libsystemd passes over, without a word, a field whose data object
 *	fails its checks, and a writer leaves every new data object in such a
 *	state for an instant while it links a new entry, after the entry is
 *	already visible: the last entry may be read without its MESSAGE, say.
 *	So every entry whose missing field could matter (Postfix's,
 *	journald's notices, one without an identifier) is checked whole: the
 *	XOR of the hashes of the fields read (journal_hash64()) must be the
 *	"x=" of its cursor, the XOR systemd keeps of all of them (or differ
 *	from it by the hashes of some of the fields: one given twice is kept
 *	once). An entry that is not whole is not handed out and nothing after
 *	it is read: the batch ends before it. When
 *	another entry follows it, its writer is done with it and it is read
 *	once more and taken as it is then; when it is the last entry, it is
 *	read again after RETRY_MS, and taken as it is after SETTLE_MS. An
 *	entry taken while it still lacks fields (damaged for good, or its
 *	writer died there) is reported and counted in the errors statistic.
 *
 *	An entry that cannot be read because its file went away under us
 *	(-EADDRNOTAVAIL) or is damaged (-EBADMSG) drops the batch being built
 *	(nothing of it was handed out), then the journal is processed and
 *	the source seeks back to the last position handed out, never to the
 *	head.
 *
 *	One host's journal: a directory that merges several hosts' journals
 *	is read as one journal, in time order; that is not supported.
 * DIAGNOSTICS
 *	SOURCE_ codes; notable events go to the notify function with a
 *	syslog level. Nothing is logged here.
 * SECURITY
 *	Every field except those starting with "_" is chosen by the program
 *	that logged (any local user can log as "postfix/smtp", as with
 *	syslog). Fields are copied bounded; identifiers with spaces, brackets
 *	or colons are not Postfix's and are passed over; host names and PIDs
 *	are cleaned so that the rebuilt header parses as what it is.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-journal.h>

#include "bytes.h"
#include "journal.h"
#include "pflog.h"

#define JOURNAL_ARENA	(1024 * 1024)	/* room for one batch's lines */
#define DIR_CHECK_MS	1000		/* a missing directory is looked for */
#define RETRY_MS	100		/* after a failed read */
#define SETTLE_MS	3000		/* an entry not whole is waited for */
#define THRESHOLD	(PFLOG_LINE_MAX + 16)	/* longer fields are cut */
#define PID_MAX		20
#define POS_HEAD	(SOURCE_TAG_LEN + 8 + 16)

struct jsrc {
	struct source	 src;
	sd_journal	*j;
	char		*dir;
	struct span	*names;
	size_t		 nnames;
	int		 flags;
	source_notify_fn *notify;
	void		*arg;
	int		 appeared;	/* the directory was waited for */
	int		 told_wait;
	uint64_t	 next_check;	/* ms: look for the directory again */
	int		 current;	/* the current entry is the next to count */
	int		 retry;
	int		 fails;		/* failed reads without progress */
	int		 waiting;	/* for the current entry to be whole */
	uint64_t	 wait_since;	/* ms */
	uint64_t	 exor;		/* XOR of the hashes of the fields read */
	int		 unsure;	/* a field was cut: EXOR means nothing */
	int		 care;		/* a missing field could matter */
	uint64_t	 dropped;	/* the entry's Suppressed N */
	char		 ecur[SOURCE_POS_MAX];	/* the current entry's cursor */
	char		 last[SOURCE_POS_MAX];	/* of the last entry taken */
	int		 have_resume;
	char		 resume[SOURCE_POS_MAX];
	uint64_t	 rseq;
	unsigned char	 rid[16];
	char		 cur[SOURCE_POS_MAX];	/* after the last entry taken; "": none */
	struct source_stats st;
	char		*arena;
	char		*msg;		/* a copy of MESSAGE */
	char		 host[JOURNAL_HOST_MAX + 1];
	char		 tag[JOURNAL_TAG_MAX + 1];
	char		 pid[PID_MAX + 1];
};

static const struct source_ops journal_ops;

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
say(struct jsrc *js, int level, const char *msg)
{
	if (js->notify != NULL)
		js->notify(level, msg, js->arg);
}

int
journal_present(void)
{
	return access("/run/systemd/journal", F_OK) == 0
	    || access("/var/log/journal", F_OK) == 0;
}

int
journal_is_postfix(struct span ident, const struct span *names, size_t nnames)
{
	struct span first = ident;
	long slash = span_chr(ident, '/');
	size_t i;

	if (slash >= 0)
		first.len = (size_t)slash;
	if (first.len == 0)
		return 0;
	for (i = 0; i < ident.len; i++) {
		unsigned char c = (unsigned char)ident.p[i];

		if (c <= ' ' || c == 0x7f || c == '[' || c == ']' || c == ':')
			return 0;
	}
	if (span_has_prefix(first, "postfix"))
		return 1;
	for (i = 0; i < nnames; i++)
		if (names[i].len > 0 && span_eq(first, names[i]))
			return 1;
	return 0;
}

size_t
journal_line(char *buf, size_t size, uint64_t usec, struct span host,
    struct span tag, struct span pid, struct span msg)
{
	static const char mon[12][4] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = (time_t)(usec / 1000000);
	struct tm tm;
	size_t need, n = 0;
	int m;

	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	m = tm.tm_mon >= 0 && tm.tm_mon < 12 ? tm.tm_mon : 0;
	need = 16 + host.len + 1 + tag.len + (pid.len ? pid.len + 2 : 0) + 2
	    + msg.len;
	if (need > size)
		return 0;
	/* "Dec  1 09:05:07 ": BSD syslog, the day padded with a space. */
	memcpy(buf, mon[m], 3);
	buf[3] = ' ';
	buf[4] = tm.tm_mday >= 10 ? (char)('0' + tm.tm_mday / 10 % 10) : ' ';
	buf[5] = (char)('0' + tm.tm_mday % 10);
	buf[6] = ' ';
	buf[7] = (char)('0' + tm.tm_hour / 10 % 10);
	buf[8] = (char)('0' + tm.tm_hour % 10);
	buf[9] = ':';
	buf[10] = (char)('0' + tm.tm_min / 10 % 10);
	buf[11] = (char)('0' + tm.tm_min % 10);
	buf[12] = ':';
	buf[13] = (char)('0' + tm.tm_sec / 10 % 10);
	buf[14] = (char)('0' + tm.tm_sec % 10);
	buf[15] = ' ';
	n = 16;
	memcpy(buf + n, host.p, host.len);
	n += host.len;
	buf[n++] = ' ';
	memcpy(buf + n, tag.p, tag.len);
	n += tag.len;
	if (pid.len) {
		buf[n++] = '[';
		memcpy(buf + n, pid.p, pid.len);
		n += pid.len;
		buf[n++] = ']';
	}
	buf[n++] = ':';
	buf[n++] = ' ';
	if (msg.len)
		memcpy(buf + n, msg.p, msg.len);
	n += msg.len;
	return n;
}

uint64_t
journal_dropped(struct span msg)
{
	uint64_t n = 0;
	size_t digits = 0;

	if (!span_eat(&msg, "Suppressed "))
		return 0;
	while (msg.len > 0 && msg.p[0] >= '0' && msg.p[0] <= '9') {
		if (++digits > 18)
			return 0;
		n = n * 10 + (uint64_t)(msg.p[0] - '0');
		msg = span_skip(msg, 1);
	}
	if (digits == 0 || !span_eat(&msg, " messages from ")
	    || !span_has_prefix(msg, "postfix"))
		return 0;
	return n;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
journal_cursor_seqnum(const char *c, uint64_t *seqnum,
    unsigned char seqnum_id[16])
{
	int have_s = 0, have_i = 0, i, h, l;
	uint64_t v;

	while (*c != '\0') {
		if (c[0] == 's' && c[1] == '=') {
			c += 2;
			for (i = 0; i < 16; i++) {
				if ((h = hexval(c[2 * i])) < 0
				    || (l = hexval(c[2 * i + 1])) < 0)
					return -1;
				seqnum_id[i] = (unsigned char)(h << 4 | l);
			}
			c += 32;
			have_s = 1;
		} else if (c[0] == 'i' && c[1] == '=') {
			c += 2;
			for (v = 0, i = 0; (h = hexval(*c)) >= 0; c++, i++) {
				if (i >= 16)
					return -1;
				v = v << 4 | (uint64_t)h;
			}
			if (i == 0)
				return -1;
			*seqnum = v;
			have_i = 1;
		}
		while (*c != '\0' && *c != ';')
			c++;
		if (*c == ';')
			c++;
	}
	return have_s && have_i ? 0 : -1;
}

int
journal_cursor_xor(const char *c, uint64_t *xor)
{
	uint64_t v;
	int h, i;

	if (c[0] != 'x' || c[1] != '=') {
		if ((c = strstr(c, ";x=")) == NULL)
			return -1;
		c++;
	}
	c += 2;
	for (v = 0, i = 0; (h = hexval(*c)) >= 0; c++, i++) {
		if (i >= 16)
			return -1;
		v = v << 4 | (uint64_t)h;
	}
	if (i == 0 || (*c != '\0' && *c != ';'))
		return -1;
	*xor = v;
	return 0;
}

#define ROT(x, k)	((x) << (k) | (x) >> (32 - (k)))

/*
 * Bob Jenkins' lookup3 hashlittle2() with both seeds 0, its bytes read as
 * little-endian words on every host, as systemd's jenkins_hash64(): the
 * primary 32 bits high, the secondary low.
 */
uint64_t
journal_hash64(const void *data, size_t len)
{
	const unsigned char *k = data;
	uint32_t a, b, c, v;
	size_t i;

	a = b = c = 0xdeadbeefU + (uint32_t)len;
	for (; len > 12; len -= 12, k += 12) {
		a += le32_get(k);
		b += le32_get(k + 4);
		c += le32_get(k + 8);
		a -= c; a ^= ROT(c, 4); c += b;
		b -= a; b ^= ROT(a, 6); a += c;
		c -= b; c ^= ROT(b, 8); b += a;
		a -= c; a ^= ROT(c, 16); c += b;
		b -= a; b ^= ROT(a, 19); a += c;
		c -= b; c ^= ROT(b, 4); b += a;
	}
	if (len == 0)
		return (uint64_t)c << 32 | b;
	for (i = 0; i < len; i++) {
		v = (uint32_t)k[i] << (8 * (i % 4));
		if (i < 4)
			a += v;
		else if (i < 8)
			b += v;
		else
			c += v;
	}
	c ^= b; c -= ROT(b, 14);
	a ^= c; a -= ROT(c, 11);
	b ^= a; b -= ROT(a, 25);
	c ^= b; c -= ROT(b, 16);
	a ^= c; a -= ROT(c, 4);
	b ^= a; b -= ROT(a, 14);
	c ^= b; c -= ROT(b, 24);
	return (uint64_t)c << 32 | b;
}

void
journal_span_add(struct journal_span *sp, uint64_t h)
{
	int i;

	for (i = 63; i >= 0 && h != 0; i--) {
		if ((h >> i & 1) == 0)
			continue;
		if (sp->b[i] == 0) {
			sp->b[i] = h;
			return;
		}
		h ^= sp->b[i];
	}
}

int
journal_span_has(const struct journal_span *sp, uint64_t v)
{
	int i;

	for (i = 63; i >= 0; i--) {
		if ((v >> i & 1) == 0)
			continue;
		if (sp->b[i] == 0)
			return 0;
		v ^= sp->b[i];
	}
	return 1;
}

size_t
journal_pos_encode(unsigned char *buf, size_t size, const char *cursor)
{
	size_t n = strlen(cursor);
	uint64_t seq = 0;
	unsigned char id[16];

	memset(id, 0, sizeof(id));
	if (n == 0 || POS_HEAD + n > size)
		return 0;
	(void)journal_cursor_seqnum(cursor, &seq, id);
	memcpy(buf, SOURCE_TAG_JOURNAL, SOURCE_TAG_LEN);
	le64_put(buf + SOURCE_TAG_LEN, seq);
	memcpy(buf + SOURCE_TAG_LEN + 8, id, 16);
	memcpy(buf + POS_HEAD, cursor, n);
	return POS_HEAD + n;
}

int
journal_pos_decode(const unsigned char *pos, size_t len, char *cursor,
    size_t csize, uint64_t *seqnum, unsigned char seqnum_id[16])
{
	size_t i, n;

	if (!source_pos_is(pos, len, SOURCE_TAG_JOURNAL))
		return SOURCE_EOTHER;
	if (len <= POS_HEAD || len - POS_HEAD >= csize)
		return SOURCE_EBADPOS;
	n = len - POS_HEAD;
	for (i = 0; i < n; i++)
		if (pos[POS_HEAD + i] <= ' ' || pos[POS_HEAD + i] >= 0x7f)
			return SOURCE_EBADPOS;
	memcpy(cursor, pos + POS_HEAD, n);
	cursor[n] = '\0';
	*seqnum = le64_get(pos + SOURCE_TAG_LEN);
	memcpy(seqnum_id, pos + SOURCE_TAG_LEN + 8, 16);
	return 0;
}

/* Keep the cursor of the current entry as the position. */
static void
take_cursor(struct jsrc *js)
{
	char *c = NULL;

	if (sd_journal_get_cursor(js->j, &c) >= 0 && c != NULL
	    && strlen(c) + POS_HEAD < sizeof(js->cur))
		strcpy(js->cur, c);
	free(c);
}

/*
 * The saved entry (SEQ of ID) is gone and the current entry is the first
 * after it: report and count the entries lost between them.
 */
static void
count_gap(struct jsrc *js, uint64_t seq, const unsigned char id[16])
{
	char msg[256], *c = NULL;
	uint64_t nseq = 0;
	unsigned char nid[16];

	js->current = 1;
	if (sd_journal_get_cursor(js->j, &c) < 0 || c == NULL
	    || journal_cursor_seqnum(c, &nseq, nid) < 0
	    || memcmp(nid, id, 16) != 0) {
		free(c);
		js->st.lost++;
		say(js, LOG_WARNING, "journal: the saved entry is gone and the "
		    "next one is in another sequence (journal files were "
		    "deleted or replaced); entries may have been lost, how "
		    "many is not known");
		return;
	}
	free(c);
	if (nseq <= seq + 1) {
		say(js, LOG_INFO, "journal: the saved entry is gone; no entry "
		    "after it was lost");
		return;
	}
	js->st.lost++;
	js->st.skipped += nseq - seq - 1;
	snprintf(msg, sizeof(msg), "journal: the saved entry is gone; %llu "
	    "entries after it were deleted before they were read (counted in "
	    "self:journal_skipped)", (unsigned long long)(nseq - seq - 1));
	say(js, LOG_WARNING, msg);
}

/* Position the journal just after CURSOR (SEQ of ID). */
static int
seek_after(struct jsrc *js, const char *cursor, uint64_t seq,
    const unsigned char id[16])
{
	int r;

	js->current = 0;
	if ((r = sd_journal_seek_cursor(js->j, cursor)) < 0)
		return SOURCE_EBADPOS;
	strcpy(js->cur, cursor);
	if ((r = sd_journal_next(js->j)) <= 0)
		return 0;	/* nothing after it (yet) */
	if (sd_journal_test_cursor(js->j, cursor) > 0)
		return 0;	/* its own entry: the next one is new */
	count_gap(js, seq, id);
	return 0;
}

/* Open the journal (or find that the directory is still missing: 1). */
static int
try_open(struct jsrc *js)
{
	struct stat sb;
	int r;

	if (js->dir != NULL) {
		if (stat(js->dir, &sb) < 0)
			return errno == ENOENT || errno == ENOTDIR ? 1
			    : errno == EACCES ? SOURCE_EACCES : SOURCE_EIO;
		if (!S_ISDIR(sb.st_mode))
			return SOURCE_ENOENT;
		r = sd_journal_open_directory(&js->j, js->dir, 0);
	} else {
		r = sd_journal_open(&js->j, SD_JOURNAL_LOCAL_ONLY
		    | SD_JOURNAL_SYSTEM);
	}
	if (r < 0) {
		js->j = NULL;
		return r == -ENOENT ? 1 : r == -EACCES || r == -EPERM
		    ? SOURCE_EACCES : SOURCE_EIO;
	}
	/* A MESSAGE longer than this is a long line anyway. */
	(void)sd_journal_set_data_threshold(js->j, THRESHOLD);
	if (js->have_resume) {
		js->have_resume = 0;
		if ((r = seek_after(js, js->resume, js->rseq, js->rid)) < 0)
			return r;
	} else if ((js->flags & SOURCE_FROM_START) || js->appeared) {
		(void)sd_journal_seek_head(js->j);
	} else {
		(void)sd_journal_seek_tail(js->j);
		if (sd_journal_previous(js->j) > 0)
			take_cursor(js);
		else
			(void)sd_journal_seek_head(js->j);	/* empty */
	}
	if (!(js->flags & SOURCE_ONCE))
		(void)sd_journal_get_fd(js->j);
	return 0;
}

/* Look for a missing directory (at most once every DIR_CHECK_MS). */
static void
check_dir(struct jsrc *js)
{
	uint64_t now = mono_ms();
	char msg[256];
	int r;

	if (now < js->next_check)
		return;
	js->next_check = now + DIR_CHECK_MS;
	if ((r = try_open(js)) == 0) {
		snprintf(msg, sizeof(msg), "journal directory %s appeared; "
		    "reading it", js->dir);
		say(js, LOG_INFO, msg);
	} else if (r < 0) {
		if (js->j != NULL)
			sd_journal_close(js->j);
		js->j = NULL;
		js->st.errors++;
	}
}

/* Copy a field's value (after its "NAME=") into DST of SIZE; 0 when it does not fit. */
static size_t
copy_field(char *dst, size_t size, const char *d, size_t l, size_t nlen)
{
	l -= nlen;
	if (l >= size)
		return 0;
	memcpy(dst, d + nlen, l);
	return l;
}

#define FIELD(d, l, name)	((l) >= sizeof(name) - 1 \
	    && memcmp((d), (name), sizeof(name) - 1) == 0)

/*
 * Take the current entry: 1 and a line in *LINE (bytes at DST), 0 when it
 * is no Postfix entry, or an sd-journal error.
 */
static int
take(struct jsrc *js, char *dst, struct source_line *line)
{
	struct span host = SPAN_NULL, tag = SPAN_NULL, pid = SPAN_NULL;
	struct span spid = SPAN_NULL, msg = SPAN_NULL, tr = SPAN_NULL;
	size_t msglen = 0, hl, i;
	uint64_t usec = 0;
	const void *dv;
	size_t l;
	int r, badtag = 0;
	char trb[16], ppid[PID_MAX + 1];

	js->exor = 0;
	js->unsure = 0;
	js->care = 0;
	js->dropped = 0;
	sd_journal_restart_data(js->j);
	while ((r = sd_journal_enumerate_data(js->j, &dv, &l)) > 0) {
		const char *d = dv;

		if (l >= THRESHOLD)
			js->unsure = 1;
		else
			js->exor ^= journal_hash64(dv, l);
		switch (d[0]) {
		case 'M':
			if (FIELD(d, l, "MESSAGE=")) {
				msglen = l - 8;
				if (msglen <= PFLOG_LINE_MAX)
					memcpy(js->msg, d + 8, msglen);
				msg = span_make(js->msg, msglen);
			}
			break;
		case 'S':
			if (FIELD(d, l, "SYSLOG_IDENTIFIER=")) {
				tag.len = copy_field(js->tag, sizeof(js->tag),
				    d, l, 18);
				tag.p = js->tag;
				badtag = tag.len == 0;
			} else if (FIELD(d, l, "SYSLOG_PID=")) {
				spid.len = copy_field(js->pid, sizeof(js->pid),
				    d, l, 11);
				spid.p = js->pid;
			}
			break;
		case '_':
			if (FIELD(d, l, "_PID=")) {
				pid.len = copy_field(ppid, sizeof(ppid), d, l,
				    5);
				pid.p = ppid;
			} else if (FIELD(d, l, "_HOSTNAME=")) {
				host.len = copy_field(js->host,
				    sizeof(js->host), d, l, 10);
				host.p = js->host;
			} else if (FIELD(d, l, "_TRANSPORT=")) {
				tr.len = copy_field(trb, sizeof(trb), d, l,
				    11);
				tr.p = trb;
			}
			break;
		}
	}
	if (r < 0)
		return r;
	/* Without an identifier, it may be the one missing. */
	js->care = !badtag;
	if (badtag || tag.len == 0)
		return 0;
	if (span_eq_str(tag, "systemd-journald") || span_eq_str(tr, "driver")) {
		if (msglen <= PFLOG_LINE_MAX)
			js->dropped = journal_dropped(msg);
		return 0;
	}
	if (!journal_is_postfix(tag, js->names, js->nnames)) {
		js->care = 0;
		return 0;
	}
	line->lng = 0;
	if (msglen > PFLOG_LINE_MAX) {
		line->p = NULL;
		line->len = 0;
		line->lng = 1;
		return 1;
	}
	if (spid.len > 0)
		pid = spid;
	for (i = 0; i < pid.len; i++)
		if (pid.p[i] < '0' || pid.p[i] > '9')
			pid.len = 0;
	for (i = 0; i < host.len; i++)
		if ((unsigned char)host.p[i] <= ' '
		    || (unsigned char)host.p[i] == 0x7f)
			js->host[i] = '_';
	if (host.len == 0)
		host = SPAN_LIT("localhost");
	(void)sd_journal_get_realtime_usec(js->j, &usec);
	hl = journal_line(dst, PFLOG_LINE_MAX, usec, host, tag, pid, msg);
	line->p = hl ? dst : NULL;
	line->len = hl;
	line->lng = hl == 0;
	return 1;
}

/*
 * An entry could not be read: drop the batch being built, take in what
 * changed, and seek back to the last position handed out.
 */
static void
recover(struct jsrc *js, int err)
{
	char msg[256];

	js->st.errors++;
	js->retry = 1;
	js->waiting = 0;
	snprintf(msg, sizeof(msg), "journal: cannot read an entry (%s); "
	    "going back to the last position read", strerror(-err));
	say(js, LOG_WARNING, msg);
	(void)sd_journal_process(js->j);
	if (js->cur[0] != '\0') {
		char c[SOURCE_POS_MAX];
		uint64_t seq = 0;
		unsigned char id[16];

		memset(id, 0, sizeof(id));
		strcpy(c, js->cur);
		(void)journal_cursor_seqnum(c, &seq, id);
		if (seek_after(js, c, seq, id) < 0)
			js->st.errors++;
	} else {
		/* Nothing handed out yet: everything is still to be read. */
		js->current = 0;
		(void)sd_journal_seek_head(js->j);
	}
}

/*
 * A field given twice is kept once, but counted twice in systemd's XOR,
 * where the two cancel out: with the fields of the current entry read
 * again (and the same as take() read), is REST (the XOR of its cursor and
 * of the fields read) an XOR of some of them (1)? Or not (0), or an
 * sd-journal error.
 */
static int
explained(struct jsrc *js, uint64_t rest)
{
	struct journal_span sp;
	const void *d;
	uint64_t h, x = 0;
	size_t l;
	int r;

	memset(&sp, 0, sizeof(sp));
	sd_journal_restart_data(js->j);
	while ((r = sd_journal_enumerate_data(js->j, &d, &l)) > 0) {
		h = journal_hash64(d, l);
		x ^= h;
		journal_span_add(&sp, h);
	}
	if (r < 0)
		return r;
	return x == js->exor && journal_span_has(&sp, rest);
}

/* The current entry's cursor into js->ecur: 0 or an sd-journal error. */
static int
entry_cursor(struct jsrc *js)
{
	char *c = NULL;
	int r;

	if ((r = sd_journal_get_cursor(js->j, &c)) < 0 || c == NULL)
		return r < 0 ? r : -ENOMEM;
	if (strlen(c) + POS_HEAD >= sizeof(js->ecur)) {
		free(c);
		return -ENOBUFS;
	}
	strcpy(js->ecur, c);
	free(c);
	return 0;
}

/*
 * Is the current entry, as take() read it, whole (1), or are fields it has
 * missing (0)? Its cursor is then in js->ecur, or js->ecur is "" when a
 * missing field would not matter (another program's entry: not checked);
 * an sd-journal error.
 */
static int
whole(struct jsrc *js)
{
	uint64_t x;
	int r;

	js->ecur[0] = '\0';
	if (!js->care)
		return 1;
	if ((r = entry_cursor(js)) < 0)
		return r;
	if (js->unsure || journal_cursor_xor(js->ecur, &x) < 0
	    || x == js->exor)
		return 1;
	return explained(js, x ^ js->exor);
}

/*
 * The current entry is not whole. 0: wait for its writer (the journal
 * stays on it); take it as it is (read it again first): 1 when another
 * entry follows it, 2 when it was waited for SETTLE_MS; an sd-journal
 * error.
 */
static int
settle(struct jsrc *js)
{
	uint64_t now = mono_ms();
	int r;

	if (!js->waiting) {
		js->waiting = 1;
		js->wait_since = now;
	} else if (now - js->wait_since >= SETTLE_MS) {
		js->waiting = 0;
		return 2;
	}
	if ((r = sd_journal_next(js->j)) <= 0)
		return r;
	/* Its writer went on to the next entry: back to it. */
	js->waiting = 0;
	if ((r = sd_journal_seek_cursor(js->j, js->ecur)) < 0
	    || (r = sd_journal_next(js->j)) < 0)
		return r;
	if (r == 0 || sd_journal_test_cursor(js->j, js->ecur) <= 0)
		return -EADDRNOTAVAIL;
	return 1;
}

/* The current entry lacks fields for good: it is taken as it is. */
static void
damaged(struct jsrc *js, int waited)
{
	js->st.errors++;
	say(js, LOG_WARNING, waited ? "journal: an entry still lacks fields "
	    "it names after a wait (damaged, or its writer stopped while "
	    "writing it); taking it as it is" : "journal: an entry lacks "
	    "fields it names and another follows it (damaged, or its writer "
	    "died while writing it); taking it as it is");
}

static int
js_next(struct source *s, struct source_batch *b)
{
	struct jsrc *js = (struct jsrc *)s;
	size_t used = 0;
	uint64_t dropped = 0;
	int r, w, w2, took = 0, have = 0, stopped = 0;

	b->n = 0;
	js->retry = 0;
	if (js->j == NULL) {
		check_dir(js);
		if (js->j == NULL)
			return js->flags & SOURCE_ONCE ? SOURCE_END
			    : SOURCE_AGAIN;
	}
	/*
	 * js->last: the cursor of the last entry taken in this call whose
	 * cursor was read (HAVE); TOOK: entries were taken.
	 */
	while (b->n < SOURCE_BATCH_MAX
	    && JOURNAL_ARENA - used >= PFLOG_LINE_MAX) {
		if (js->current) {
			js->current = 0;
			r = 1;
		} else if ((r = sd_journal_next(js->j)) == 0) {
			break;
		}
		if (r > 0)
			r = take(js, js->arena + used, &b->line[b->n]);
		if (r >= 0 && (w = whole(js)) <= 0) {
			/* Not whole: the batch ends before it, for now. */
			if (w == 0 && (w = settle(js)) == 0) {
				js->current = 1;
				js->retry = 1;
				stopped = 1;
				break;
			}
			r = w < 0 ? w : take(js, js->arena + used,
			    &b->line[b->n]);
			if (r >= 0 && (w2 = whole(js)) < 0)
				r = w2;
			else if (r >= 0 && w2 == 0)
				damaged(js, w == 2);
		} else if (r >= 0) {
			js->waiting = 0;
		}
		if (r == -EBADMSG && js->fails >= 2 && took == 0
		    && b->n == 0) {
			/* Still damaged after going back: pass over it. */
			js->st.errors++;
			js->fails = 0;
			if (entry_cursor(js) < 0)
				js->ecur[0] = '\0';
			r = 0;
		}
		if (r < 0) {
			b->n = 0;
			js->fails++;
			recover(js, r);
			return SOURCE_AGAIN;
		}
		took = 1;
		if (js->ecur[0] != '\0') {
			strcpy(js->last, js->ecur);
			have = 1;
		} else {
			have = have ? -1 : 0;	/* no longer the last */
		}
		js->fails = 0;
		dropped += js->dropped;
		js->dropped = 0;
		if (r == 1) {
			used += b->line[b->n].len;
			b->n++;
		}
	}
	js->st.log_dropped += dropped;
	/*
	 * The position: after the last entry taken. Stopped before an entry
	 * that is not whole, the journal is on that one: the position may
	 * stay before entries taken after the last cursor read, but those
	 * are other programs' entries, handed out to nobody.
	 */
	if (have == 1 || (stopped && have))
		strcpy(js->cur, js->last);
	else if (took && !stopped)
		take_cursor(js);
	if (b->n > 0)
		return SOURCE_OK;
	return js->flags & SOURCE_ONCE && !js->retry ? SOURCE_END
	    : SOURCE_AGAIN;
}

static int
js_position(struct source *s, unsigned char *buf, size_t *len)
{
	struct jsrc *js = (struct jsrc *)s;

	*len = 0;
	if (js->cur[0] == '\0') {
		if (js->have_resume) {	/* still waiting: keep the saved one */
			*len = journal_pos_encode(buf, SOURCE_POS_MAX,
			    js->resume);
		}
		return 0;
	}
	*len = journal_pos_encode(buf, SOURCE_POS_MAX, js->cur);
	return *len ? 0 : SOURCE_EBADPOS;
}

static int
js_pollfd(struct source *s, int *timeout_ms)
{
	struct jsrc *js = (struct jsrc *)s;
	struct timespec ts;
	uint64_t t, now;
	int fd;

	if (js->j == NULL) {
		if (*timeout_ms < 0 || *timeout_ms > DIR_CHECK_MS)
			*timeout_ms = DIR_CHECK_MS;
		return -1;
	}
	if (js->retry && (*timeout_ms < 0 || *timeout_ms > RETRY_MS))
		*timeout_ms = RETRY_MS;
	if ((fd = sd_journal_get_fd(js->j)) < 0) {
		if (*timeout_ms < 0 || *timeout_ms > DIR_CHECK_MS)
			*timeout_ms = DIR_CHECK_MS;
		return -1;
	}
	if (sd_journal_get_timeout(js->j, &t) >= 0 && t != UINT64_MAX) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		now = (uint64_t)ts.tv_sec * 1000000
		    + (uint64_t)ts.tv_nsec / 1000;
		t = t > now ? (t - now + 999) / 1000 : 0;
		if (*timeout_ms < 0 || (uint64_t)*timeout_ms > t)
			*timeout_ms = (int)t;
	}
	return fd;
}

static void
js_woken(struct source *s)
{
	struct jsrc *js = (struct jsrc *)s;

	if (js->j == NULL)
		check_dir(js);
	else
		(void)sd_journal_process(js->j);
}

static void
js_reopen(struct source *s)
{
	struct jsrc *js = (struct jsrc *)s;

	if (js->j == NULL) {
		js->next_check = 0;
		check_dir(js);
	} else {
		(void)sd_journal_process(js->j);
	}
}

static void
js_stats(struct source *s, struct source_stats *st)
{
	struct jsrc *js = (struct jsrc *)s;

	*st = js->st;
	memset(&js->st, 0, sizeof(js->st));
}

static void
js_close(struct source *s)
{
	struct jsrc *js = (struct jsrc *)s;

	if (js->j != NULL)
		sd_journal_close(js->j);
	free(js->dir);
	free(js->names);
	free(js->arena);
	free(js->msg);
	free(js);
}

static const struct source_ops journal_ops = {
	"journal", js_next, js_position, js_pollfd, js_woken, js_reopen,
	js_stats, js_close
};

int
journal_open(struct source **sp, const struct journal_opts *o,
    const unsigned char *pos, size_t poslen, source_notify_fn *notify,
    void *arg)
{
	struct jsrc *js;
	char msg[512];
	size_t i, total = 0;
	char *p;
	int r;

	*sp = NULL;
	if ((js = calloc(1, sizeof(*js))) == NULL)
		return SOURCE_EIO;
	js->src.ops = &journal_ops;
	js->flags = o->flags;
	js->notify = notify;
	js->arg = arg;
	for (i = 0; i < o->nnames; i++)
		total += o->names[i].len;
	js->arena = malloc(JOURNAL_ARENA);
	js->msg = malloc(PFLOG_LINE_MAX + 1);
	js->names = malloc(o->nnames * sizeof(struct span) + total + 1);
	if (js->arena == NULL || js->msg == NULL || js->names == NULL
	    || (o->dir != NULL && (js->dir = strdup(o->dir)) == NULL)) {
		js_close(&js->src);
		return SOURCE_EIO;
	}
	p = (char *)(js->names + o->nnames);
	for (i = 0; i < o->nnames; i++) {
		memcpy(p, o->names[i].p, o->names[i].len);
		js->names[i] = span_make(p, o->names[i].len);
		p += o->names[i].len;
	}
	js->nnames = o->nnames;
	if (pos != NULL && poslen > 0) {
		if ((r = journal_pos_decode(pos, poslen, js->resume,
		    sizeof(js->resume), &js->rseq, js->rid)) != 0) {
			js_close(&js->src);
			return r;
		}
		js->have_resume = 1;
	}
	js->next_check = mono_ms() + DIR_CHECK_MS;
	if ((r = try_open(js)) < 0) {
		js_close(&js->src);
		return r;
	}
	if (r == 1) {
		js->appeared = 1;
		snprintf(msg, sizeof(msg), "journal directory %s does not "
		    "exist (yet); waiting for it", o->dir ? o->dir : "");
		say(js, LOG_INFO, msg);
	}
	*sp = &js->src;
	return 0;
}
