/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	pflog - parse the header of a Postfix syslog line
 * SYNOPSIS
 *	#include "pflog.h"
 *
 *	enum pflog_kind pflog_parse(line, len, opts, rec)
 * DESCRIPTION
 *	A mail log line is "TIMESTAMP HOST TAG[PID]: MESSAGE". pflog_parse()
 *	walks it left to right, by position, and fills REC with spans into
 *	LINE: the host, the tag, the pid, the service (everything before the
 *	tag's last '/'), the daemon (the last component), the queue id and
 *	the message text after it.
 *
 *	TIMESTAMP, checked at fixed positions with a class table:
 *	  "Nov 29 00:07:00", day padded with a space or a zero or not at all,
 *	    optional fractional seconds (also journalctl -o short-precise);
 *	  the same with a leading year ("2013 Jun 10 06:27:30.123");
 *	  RFC 3339 ("2026-11-29T00:07:00.123456+00:00", journalctl
 *	    short-iso "...+0100") and "2026-12-01 09:00:22";
 *	  journalctl short-full "Tue 2026-12-01 09:00:18 CET";
 *	  journalctl short-unix "1733040018.123456";
 *	  any of these after a "<PRI>"; and RFC 5424 "<22>1 STAMP HOST APP
 *	    PROCID MSGID SD MSG" (STAMP and the others may be "-", SD is "-"
 *	    or [...] elements).
 *	HOST may be missing: a first token that ends in ':' is the tag. The
 *	TAG is the token right after HOST and nothing else: text that looks
 *	like a tag further on is message text of some other program.
 *
 *	A tag is Postfix's when it has a '/' and its first component starts
 *	with "postfix" or equals one of the names in OPTS.
 *
 *	In the message, extra spaces and a Solaris "[ID 197553 mail.info] "
 *	prefix are skipped; a queue id is any run of ASCII letters and digits
 *	followed by ':' (anonymised logs use all letters), except the words
 *	Postfix uses for its own warnings ("warning:", "error:", ...).
 *
 *	Speed. The boundaries of host, tag, pid and queue id are found in
 *	64-byte windows: one pass computes a bit mask per byte class (space,
 *	'[', ']', ':', '/', digit, letter or digit) and the walk reads
 *	positions off the masks with count-trailing-zeros, not a loop per
 *	byte. The masks come from SSE2, AVX2 or AVX-512BW code, whichever is
 *	the best the CPU has (__builtin_cpu_supports, chosen once at start-up:
 *	the one pointer below is the only state of this module), or from the
 *	scalar class table, which is always built and gives the same masks.
 *	A window never reads outside the line: near its end the bytes are
 *	copied into a zero-padded buffer first.
 * DIAGNOSTICS
 *	Returns PFLOG_POSTFIX, PFLOG_OTHER or PFLOG_MALFORMED; REC is defined
 *	for PFLOG_POSTFIX and partly for PFLOG_OTHER (see pflog.h).
 * SECURITY
 *	Pure: no I/O, no allocation; the only state is the mask function
 *	chosen at start-up. LINE is untrusted bytes of any value (NUL
 *	included) and is never read beyond LEN.
 */
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define PFLOG_X86 1
#include <immintrin.h>
#endif

#include "pflog.h"

/* ---- the class table ---- */

#define CL_DIGIT	0x01
#define CL_UPPER	0x02
#define CL_LOWER	0x04
#define CL_ALNUM	(CL_DIGIT | CL_UPPER | CL_LOWER)
#define CL_ZONE		0x08	/* may follow the seconds: . : + - Z digits */
#define CL_SPACE	0x10

static const unsigned char cls[256] = {
	['0' ... '9'] = CL_DIGIT | CL_ZONE,
	['A' ... 'Y'] = CL_UPPER,
	['Z'] = CL_UPPER | CL_ZONE,
	['a' ... 'z'] = CL_LOWER,
	['.'] = CL_ZONE, [':'] = CL_ZONE, ['+'] = CL_ZONE, ['-'] = CL_ZONE,
	[' '] = CL_SPACE,
};

#define IS(s, i, c)	((cls[(unsigned char)(s)[i]] & (c)) != 0)
#define DIG(s, i)	IS(s, i, CL_DIGIT)

/* ---- 64-byte windows of class masks ---- */

/* The masks: a space; a tag's end ('[', ':' or a space); '/'; digits; alnums. */
enum { M_SP, M_TAGEND, M_SLASH, M_DIGIT, M_ALNUM, M_N };

struct win {
	uint64_t	m[M_N];
};

typedef void win_fn(const unsigned char *p, struct win *w);

/* Which masks each byte is in: the scalar path's table. */
static const unsigned char wcls[256] = {
	[' '] = (1 << M_SP) | (1 << M_TAGEND), ['['] = 1 << M_TAGEND,
	[':'] = 1 << M_TAGEND, ['/'] = 1 << M_SLASH,
	['0' ... '9'] = (1 << M_DIGIT) | (1 << M_ALNUM),
	['A' ... 'Z'] = 1 << M_ALNUM, ['a' ... 'z'] = 1 << M_ALNUM,
};

#ifdef PFLOG_X86
__attribute__((target("sse2"))) static void
win_sse2(const unsigned char *p, struct win *w)
{
	const __m128i sp = _mm_set1_epi8(' '), lb = _mm_set1_epi8('[');
	const __m128i co = _mm_set1_epi8(':');
	const __m128i sl = _mm_set1_epi8('/'), zero = _mm_set1_epi8('0');
	const __m128i nine = _mm_set1_epi8(9), low = _mm_set1_epi8(0x20);
	const __m128i a = _mm_set1_epi8('a'), z25 = _mm_set1_epi8(25);
	uint64_t m[M_N] = { 0 };
	unsigned k;

	for (k = 0; k < 4; k++) {
		__m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * k));
		__m128i d = _mm_sub_epi8(x, zero);
		__m128i l = _mm_sub_epi8(_mm_or_si128(x, low), a);
		__m128i dig = _mm_cmpeq_epi8(_mm_min_epu8(d, nine), d);
		__m128i alp = _mm_cmpeq_epi8(_mm_min_epu8(l, z25), l);
		unsigned sh = 16 * k;

#define MM(v)	((uint64_t)(uint16_t)_mm_movemask_epi8(v) << sh)
		__m128i isp = _mm_cmpeq_epi8(x, sp);

		m[M_SP] |= MM(isp);
		m[M_TAGEND] |= MM(_mm_or_si128(isp, _mm_or_si128(
		    _mm_cmpeq_epi8(x, lb), _mm_cmpeq_epi8(x, co))));
		m[M_SLASH] |= MM(_mm_cmpeq_epi8(x, sl));
		m[M_DIGIT] |= MM(dig);
		m[M_ALNUM] |= MM(_mm_or_si128(dig, alp));
#undef MM
	}
	memcpy(w->m, m, sizeof(m));
}

__attribute__((target("avx2"))) static void
win_avx2(const unsigned char *p, struct win *w)
{
	const __m256i sp = _mm256_set1_epi8(' '), lb = _mm256_set1_epi8('[');
	const __m256i co = _mm256_set1_epi8(':');
	const __m256i sl = _mm256_set1_epi8('/'), zero = _mm256_set1_epi8('0');
	const __m256i nine = _mm256_set1_epi8(9), low = _mm256_set1_epi8(0x20);
	const __m256i a = _mm256_set1_epi8('a'), z25 = _mm256_set1_epi8(25);
	uint64_t m[M_N] = { 0 };
	unsigned k;

	for (k = 0; k < 2; k++) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(p + 32 * k));
		__m256i d = _mm256_sub_epi8(x, zero);
		__m256i l = _mm256_sub_epi8(_mm256_or_si256(x, low), a);
		__m256i dig = _mm256_cmpeq_epi8(_mm256_min_epu8(d, nine), d);
		__m256i alp = _mm256_cmpeq_epi8(_mm256_min_epu8(l, z25), l);
		unsigned sh = 32 * k;

#define MM(v)	((uint64_t)(uint32_t)_mm256_movemask_epi8(v) << sh)
		__m256i isp = _mm256_cmpeq_epi8(x, sp);

		m[M_SP] |= MM(isp);
		m[M_TAGEND] |= MM(_mm256_or_si256(isp, _mm256_or_si256(
		    _mm256_cmpeq_epi8(x, lb), _mm256_cmpeq_epi8(x, co))));
		m[M_SLASH] |= MM(_mm256_cmpeq_epi8(x, sl));
		m[M_DIGIT] |= MM(dig);
		m[M_ALNUM] |= MM(_mm256_or_si256(dig, alp));
#undef MM
	}
	memcpy(w->m, m, sizeof(m));
}

__attribute__((target("avx512bw"))) static void
win_avx512bw(const unsigned char *p, struct win *w)
{
	__m512i x = _mm512_loadu_si512((const void *)p);
	__m512i d = _mm512_sub_epi8(x, _mm512_set1_epi8('0'));
	__m512i l = _mm512_sub_epi8(_mm512_or_si512(x, _mm512_set1_epi8(0x20)),
	    _mm512_set1_epi8('a'));
	uint64_t dig = _mm512_cmple_epu8_mask(d, _mm512_set1_epi8(9));

	uint64_t sp = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(' '));

	w->m[M_SP] = sp;
	w->m[M_TAGEND] = sp | _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('['))
	    | _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(':'));
	w->m[M_SLASH] = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('/'));
	w->m[M_DIGIT] = dig;
	w->m[M_ALNUM] = dig | _mm512_cmple_epu8_mask(l, _mm512_set1_epi8(25));
}
#endif

struct path_def {
	const char	*name;
	win_fn		*fn;
};

static const struct path_def paths[PFLOG_PATH_N] = {
	[PFLOG_PATH_SCALAR] = { "scalar", NULL },
#ifdef PFLOG_X86
	[PFLOG_PATH_SSE2] = { "sse2", win_sse2 },
	[PFLOG_PATH_AVX2] = { "avx2", win_avx2 },
	[PFLOG_PATH_AVX512BW] = { "avx512bw", win_avx512bw },
#else
	[PFLOG_PATH_SSE2] = { "sse2", NULL },
	[PFLOG_PATH_AVX2] = { "avx2", NULL },
	[PFLOG_PATH_AVX512BW] = { "avx512bw", NULL },
#endif
};

/* The one piece of state: set at start-up (or by pflog_use_path()). */
static enum pflog_path cur_path = PFLOG_PATH_SCALAR;
static win_fn *cur_win = NULL;		/* NULL: the scalar path */

int
pflog_path_supported(enum pflog_path path)
{
	if ((unsigned)path >= PFLOG_PATH_N)
		return 0;
	if (path == PFLOG_PATH_SCALAR)
		return 1;
	if (paths[path].fn == NULL)
		return 0;
#ifdef PFLOG_X86
	__builtin_cpu_init();
	switch (path) {
	case PFLOG_PATH_SSE2:
		return __builtin_cpu_supports("sse2") != 0;
	case PFLOG_PATH_AVX2:
		return __builtin_cpu_supports("avx2") != 0;
	case PFLOG_PATH_AVX512BW:
		return __builtin_cpu_supports("avx512bw") != 0;
	default:
		break;
	}
#endif
	return 0;
}

int
pflog_use_path(enum pflog_path path)
{
	if (!pflog_path_supported(path))
		return -1;
	cur_path = path;
	cur_win = paths[path].fn;
	return 0;
}

enum pflog_path
pflog_path(void)
{
	return cur_path;
}

const char *
pflog_path_name(enum pflog_path path)
{
	return (unsigned)path < PFLOG_PATH_N ? paths[path].name : "?";
}

__attribute__((constructor)) static void
pflog_choose_path(void)
{
	int p;

	for (p = PFLOG_PATH_N - 1; p > PFLOG_PATH_SCALAR; p--)
		if (pflog_use_path((enum pflog_path)p) == 0)
			return;
}

/* ---- the walk over windows ---- */

struct walk {
	const unsigned char *s;
	size_t		 len;
	size_t		 base;		/* the window is s[base..base+64) */
	win_fn		*fn;
	struct win	 w;
};

static void
walk_init(struct walk *k, const char *s, size_t len)
{
	k->s = (const unsigned char *)s;
	k->len = len;
	k->base = len + 1;	/* no window yet: AT - BASE wraps, >= 64 */
	k->fn = cur_win;
}

static void
walk_load(struct walk *k, size_t at)
{
	if (k->len - at >= 64) {
		k->base = at;
		k->fn(k->s + at, &k->w);
	} else if (k->len >= 64) {
		/* The last 64 bytes of the line: AT is inside, nothing past LEN. */
		k->base = k->len - 64;
		k->fn(k->s + k->base, &k->w);
	} else {
		k->base = at;
		unsigned char pad[64];

		memset(pad, 0, sizeof(pad));
		memcpy(pad, k->s + at, k->len - at);
		k->fn(pad, &k->w);
	}
}

/*
 * The first position in [AT, END) whose byte is in mask WHICH (or, with
 * NEG, is not); END if there is none. END <= LEN.
 */
static inline __attribute__((always_inline)) size_t
walk_find_to(struct walk *k, size_t at, size_t end, unsigned which, int neg)
{
	if (k->fn == NULL) {
		/* The scalar path: the same classes, byte by byte. */
		while (at < end
		    && ((wcls[k->s[at]] >> which) & 1) == (unsigned)neg)
			at++;
		return at;
	}
	for (;;) {
		uint64_t m;

		if (at >= end)
			return end;
		if (at - k->base >= 64)
			walk_load(k, at);
		m = k->w.m[which];
		if (neg)
			m = ~m;
		m >>= at - k->base;
		if (m != 0) {
			size_t r = at + (size_t)__builtin_ctzll(m);

			return r < end ? r : end;
		}
		at = k->base + 64;
	}
}

#define walk_find(k, at, set, neg) walk_find_to(k, at, (k)->len, set, neg)

#define F_SP		M_SP
#define F_TAGEND	M_TAGEND
#define F_SLASH		M_SLASH
#define F_DIGIT		M_DIGIT
#define F_ALNUM		M_ALNUM

/* ---- timestamps ---- */

static int
is_month(const unsigned char *s)
{
	switch ((unsigned)s[0] << 16 | (unsigned)s[1] << 8 | s[2]) {
	case 'J' << 16 | 'a' << 8 | 'n': case 'F' << 16 | 'e' << 8 | 'b':
	case 'M' << 16 | 'a' << 8 | 'r': case 'A' << 16 | 'p' << 8 | 'r':
	case 'M' << 16 | 'a' << 8 | 'y': case 'J' << 16 | 'u' << 8 | 'n':
	case 'J' << 16 | 'u' << 8 | 'l': case 'A' << 16 | 'u' << 8 | 'g':
	case 'S' << 16 | 'e' << 8 | 'p': case 'O' << 16 | 'c' << 8 | 't':
	case 'N' << 16 | 'o' << 8 | 'v': case 'D' << 16 | 'e' << 8 | 'c':
		return 1;
	}
	return 0;
}

/* "HH:MM:SS" at S + O (8 bytes known to be there). */
static int
is_time(const unsigned char *s, size_t o)
{
	return (DIG(s, o) & DIG(s, o + 1) & DIG(s, o + 3) & DIG(s, o + 4)
	    & DIG(s, o + 6) & DIG(s, o + 7) & (s[o + 2] == ':')
	    & (s[o + 5] == ':')) != 0;
}

/* "YYYY-MM-DD" at S + O (10 bytes known to be there). */
static int
is_date(const unsigned char *s, size_t o)
{
	return (DIG(s, o) & DIG(s, o + 1) & DIG(s, o + 2) & DIG(s, o + 3)
	    & (s[o + 4] == '-') & DIG(s, o + 5) & DIG(s, o + 6)
	    & (s[o + 7] == '-') & DIG(s, o + 8) & DIG(s, o + 9)) != 0;
}

/* Optional ".digits" (1-9 of them) at I; the new position, or 0. */
static size_t
skip_fraction(const unsigned char *s, size_t i, size_t len)
{
	size_t n = 0;

	if (i >= len || s[i] != '.')
		return i;
	while (i + 1 + n < len && n < 10 && DIG(s, i + 1 + n))
		n++;
	return (n >= 1 && n <= 9) ? i + 1 + n : 0;
}

/* "Mmm dd HH:MM:SS[.frac]" at O; the end, or 0. */
static size_t
bsd_stamp(const unsigned char *s, size_t o, size_t len)
{
	size_t t;

	if (len - o < 14 || !is_month(s + o) || s[o + 3] != ' ')
		return 0;
	if (s[o + 4] == ' ' && DIG(s, o + 5))
		t = o + 7;			/* "Nov  9" */
	else if (DIG(s, o + 4) && DIG(s, o + 5))
		t = o + 7;			/* "Nov 09", "Nov 29" */
	else if (DIG(s, o + 4) && s[o + 5] == ' ')
		t = o + 6;			/* "Jan 1" */
	else
		return 0;
	if (len - t < 8 || s[t - 1] != ' ' || !is_time(s, t))
		return 0;
	return skip_fraction(s, t + 8, len);
}

/* "YYYY-MM-DD(T| )HH:MM:SS[zone and fraction]" at O; the end, or 0. */
static size_t
iso_stamp(const unsigned char *s, size_t o, size_t len)
{
	size_t i;

	if (len - o < 19 || !is_date(s, o)
	    || (s[o + 10] != 'T' && s[o + 10] != ' ') || !is_time(s, o + 11))
		return 0;
	for (i = o + 19; i < len && s[i] != ' '; i++)
		if (!IS(s, i, CL_ZONE))
			return 0;
	return i;
}

/* "Tue 2026-12-01 09:00:18 CET" (journalctl short-full); the end, or 0. */
static size_t
weekday_stamp(const unsigned char *s, size_t len)
{
	size_t i;

	if (len < 25 || !is_date(s, 4) || s[14] != ' ' || !is_time(s, 15)
	    || s[23] != ' ' || !IS(s, 0, CL_UPPER) || !IS(s, 1, CL_LOWER)
	    || !IS(s, 2, CL_LOWER))
		return 0;
	if (s[24] == ' ')
		return 0;
	for (i = 24; i < len && s[i] != ' '; i++)
		if (!IS(s, i, CL_ALNUM | CL_ZONE))
			return 0;
	return i;
}

/* "1733040018.123456" (journalctl short-unix); the end, or 0. */
static size_t
unix_stamp(const unsigned char *s, size_t o, size_t len)
{
	size_t n = 0;

	while (o + n < len && n < 12 && DIG(s, o + n))
		n++;
	if (n < 9 || n > 11)
		return 0;
	return skip_fraction(s, o + n, len);
}

enum stamp { ST_BAD, ST_SYSLOG, ST_5424 };

/* Skip TIMESTAMP (and a "<PRI>"); *END is where it ends. */
static enum stamp
skip_stamp(const unsigned char *s, size_t len, size_t *end)
{
	size_t o = 0, e;

	if (len < 4)
		return ST_BAD;
	if (s[0] == '<') {
		for (o = 1; o < len && o < 5 && DIG(s, o); o++)
			;
		if (o == 1 || o == 5 || o >= len || s[o] != '>')
			return ST_BAD;
		o++;
		if (len - o >= 3 && s[o] == '1' && s[o + 1] == ' ') {
			/* RFC 5424: "1 STAMP " where STAMP may be "-". */
			o += 2;
			if (s[o] == '-')
				e = o + 1;
			else if ((e = iso_stamp(s, o, len)) == 0
			    || s[o + 10] != 'T')
				return ST_BAD;
			*end = e;
			return ST_5424;
		}
		if (len - o < 4)
			return ST_BAD;
	}
	if (DIG(s, o)) {
		if (len - o > 5 && DIG(s, o + 1) && DIG(s, o + 2)
		    && DIG(s, o + 3)) {
			if (s[o + 4] == '-')
				e = iso_stamp(s, o, len);
			else if (s[o + 4] == ' ')
				e = bsd_stamp(s, o + 5, len);
			else
				e = unix_stamp(s, o, len);
		} else
			return ST_BAD;
	} else if (o == 0 && len > 8 && s[3] == ' ' && DIG(s, 4)
	    && DIG(s, 5) && s[8] == '-')
		e = weekday_stamp(s, len);
	else
		e = bsd_stamp(s, o, len);
	if (e == 0)
		return ST_BAD;
	*end = e;
	return ST_SYSLOG;
}

/* ---- tag and message ---- */

static int
is_postfix_name(struct span first, const struct pflog_opts *opts)
{
	size_t n;

	if (first.len >= 7 && memcmp(first.p, "postfix", 7) == 0)
		return 1;
	for (n = 0; opts != NULL && n < opts->nnames; n++)
		if (opts->names[n].len > 0 && span_eq(first, opts->names[n]))
			return 1;
	return 0;
}

/* Words Postfix puts where a queue id could stand. */
static int
is_severity(struct span w)
{
	static const struct span words[] = {
		SPAN_LIT("warning"), SPAN_LIT("error"), SPAN_LIT("fatal"),
		SPAN_LIT("panic"), SPAN_LIT("info"), SPAN_LIT("statistics")
	};
	size_t n;

	/* Queue ids are mostly upper case: most lines stop here. */
	if (w.len < 4 || w.p[0] < 'a' || w.p[0] > 'z')
		return 0;
	for (n = 0; n < sizeof(words) / sizeof(words[0]); n++)
		if (span_eq(w, words[n]))
			return 1;
	return 0;
}

/* The message from I on: spaces, "[ID n f.l] ", "QID: ". */
static void
message(struct walk *k, size_t i, struct pflog_rec *rec)
{
	const char *s = (const char *)k->s;
	size_t len = k->len, j;

	while (i < len && s[i] == ' ')
		i++;
	if (len - i > 4 && memcmp(s + i, "[ID ", 4) == 0) {
		const char *rb = memchr(s + i, ']', len - i);

		if (rb != NULL)
			for (i = (size_t)(rb - s) + 1; i < len && s[i] == ' ';
			    i++)
				;
	}
	j = walk_find(k, i, F_ALNUM, 1);
	rec->qid = SPAN_NULL;
	if (j > i && j < len && s[j] == ':'
	    && !is_severity(span_make(s + i, j - i))) {
		rec->qid = span_make(s + i, j - i);
		for (i = j + 1; i < len && s[i] == ' '; i++)
			;
	}
	rec->msg = span_make(s + i, len - i);
}

void
pflog_message(const char *p, size_t len, struct pflog_rec *rec)
{
	struct walk k;

	walk_init(&k, p, len);
	message(&k, 0, rec);
}

/* Decide on the tag [TS, TE) and fill REC; the message starts at M. */
static enum pflog_kind
finish(struct walk *k, size_t ts, size_t te, size_t m,
    const struct pflog_opts *opts, struct pflog_rec *rec)
{
	const char *s = (const char *)k->s;
	size_t fs, ls, x;

	rec->tag = span_make(s + ts, te - ts);
	rec->service = rec->daemon = rec->qid = SPAN_NULL;
	fs = walk_find_to(k, ts, te, F_SLASH, 0);
	if (fs >= te || fs == ts)
		goto other;
	for (ls = fs; (x = walk_find_to(k, ls + 1, te, F_SLASH, 0)) < te;
	    ls = x)
		;
	if (ls + 1 == te || !is_postfix_name(span_make(s + ts, fs - ts),
	    opts))
		goto other;
	rec->service = span_make(s + ts, ls - ts);
	rec->daemon = span_make(s + ls + 1, te - ls - 1);
	message(k, m, rec);
	return PFLOG_POSTFIX;
other:
	m = walk_find(k, m, F_SP, 1);
	rec->msg = span_make(s + m, k->len - m);
	return PFLOG_OTHER;
}

/* RFC 5424 after STAMP: " HOST APP PROCID MSGID SD[ MSG]". */
static enum pflog_kind
parse_5424(struct walk *k, size_t i, const struct pflog_opts *opts,
    struct pflog_rec *rec)
{
	const char *s = (const char *)k->s;
	size_t len = k->len, f[4], e[4], n;

	for (n = 0; n < 4; n++) {
		if (i >= len || s[i] != ' ')
			return PFLOG_MALFORMED;
		f[n] = i + 1;
		e[n] = walk_find(k, f[n], F_SP, 0);
		if (e[n] == f[n] || e[n] >= len)
			return PFLOG_MALFORMED;
		i = e[n];
	}
	if (++i >= len)
		return PFLOG_MALFORMED;
	/* Structured data: "-" or one or more [id param="value" ...]. */
	if (s[i] == '-')
		i++;
	else if (s[i] == '[') {
		while (i < len && s[i] == '[') {
			int q = 0;

			for (i++; i < len; i++) {
				if (q && s[i] == '\\')
					i++;
				else if (s[i] == '"')
					q = !q;
				else if (!q && s[i] == ']')
					break;
			}
			if (i >= len)
				return PFLOG_MALFORMED;
			i++;
		}
	} else
		return PFLOG_MALFORMED;
	if (i < len) {
		if (s[i] != ' ')
			return PFLOG_MALFORMED;
		i++;
		if (len - i >= 3 && memcmp(s + i, "\xef\xbb\xbf", 3) == 0)
			i += 3;
	}
	rec->host = span_make(s + f[0], e[0] - f[0]);
	if (rec->host.len == 1 && rec->host.p[0] == '-')
		rec->host = SPAN_NULL;
	rec->pid = span_make(s + f[2], e[2] - f[2]);
	if (rec->pid.len == 1 && rec->pid.p[0] == '-')
		rec->pid = SPAN_NULL;
	return finish(k, f[1], e[1], i, opts, rec);
}

enum pflog_kind
pflog_parse(const char *line, size_t len, const struct pflog_opts *opts,
    struct pflog_rec *rec)
{
	const unsigned char *s = (const unsigned char *)line;
	struct walk k;
	size_t i, h, he, ts, te, j;
	enum stamp st;

	if ((st = skip_stamp(s, len, &i)) == ST_BAD || i >= len
	    || s[i] != ' ')
		return PFLOG_MALFORMED;
	walk_init(&k, line, len);
	if (st == ST_5424)
		return parse_5424(&k, i, opts, rec);
	/* HOST, unless the first token is already "TAG[PID]:" */
	h = walk_find(&k, i, F_SP, 1);
	if (h >= len)
		return PFLOG_MALFORMED;
	he = walk_find(&k, h, F_SP, 0);
	if (s[he - 1] == ':') {
		rec->host = SPAN_NULL;
		ts = h;
	} else {
		rec->host = span_make(line + h, he - h);
		ts = walk_find(&k, he, F_SP, 1);
		if (ts >= len)
			return PFLOG_MALFORMED;
	}
	/* TAG: up to '[', ':' or a space; then "[PID]" and ':' */
	te = walk_find(&k, ts, F_TAGEND, 0);
	if (te == ts || te >= len || s[te] == ' ')
		return PFLOG_MALFORMED;
	rec->pid = SPAN_NULL;
	if (s[te] == '[') {
		j = walk_find(&k, te + 1, F_DIGIT, 1);
		if (j == te + 1 || j - te - 1 > 10 || j >= len || s[j] != ']')
			return PFLOG_MALFORMED;
		rec->pid = span_make(line + te + 1, j - te - 1);
		j++;
	} else
		j = te;
	if (j >= len || s[j] != ':' || (j + 1 < len && s[j + 1] != ' '))
		return PFLOG_MALFORMED;
	return finish(&k, ts, te, j + 1, opts, rec);
}

int
pflog_is_noqueue(const struct pflog_rec *rec)
{
	return rec->qid.len == 7 && memcmp(rec->qid.p, "NOQUEUE", 7) == 0;
}
