/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	classify - which counters a Postfix log record moves
 * SYNOPSIS
 *	#include "classify.h"
 *
 *	void classify(rec, opts, out)
 * DESCRIPTION
 *	classify() applies the counting rules of SPEC section 2 to one record
 *	from pflog_parse() and lists the increments in OUT (at most
 *	CLASSIFY_MAX_INC). Each rule reads the message structurally, field by
 *	field in the order Postfix writes them:
 *
 *	- delivery lines (any daemon): "to=<ADDR>, [orig_to=<ADDR>, ]relay=R,
 *	  ..., status=S (TEXT)": sent:T and status:S; for the smtp and lmtp
 *	  clients, a 4XX/5XX reply in TEXT ("host H said: 450 ...",
 *	  "host H refused to talk to me: 421 ...") counts in smtp:/lmtp:;
 *	- a reply in a line of its own: "host H said: 451 ...", or "SASL
 *	  authentication failed; server H said: 535 ..." (also in a delivery
 *	  line's status text);
 *	- qmgr "from=<ADDR>, status=expired": status:expired;
 *	- smtpd "QUEUEID: client=": recv:smtp; pickup "uid=": recv:local;
 *	- smtpd and postscreen "reject:"/"milter-reject: CMD from CLIENT: NXX":
 *	  smtpd:4xx/5xx by the first digit of the code;
 *	- cleanup "milter-reject: CMD from SRC: D.D.D" and "reject: KIND TEXT
 *	  from SRC; from=<..> ...: D.D.D" (also milter-header-reject: and
 *	  milter-body-reject:) where SRC is a remote host[addr] or
 *	  host[addr]:port and the tail has a proto= (no proto=: locally
 *	  submitted mail, no SMTP reply, nothing counted): smtpd:4xx/5xx by
 *	  the first digit of the enhanced status code;
 *	- classify_line(): rsyslog's "message repeated N times: [MSG]" (MSG
 *	  classified, OUT->mult = N) and the logging system's loss notices
 *	  in other programs' lines (OUT->log_dropped).
 *
 *	Unknown delivery fields are skipped. Addresses in <...> are read with
 *	their quotes honoured, so that a quoted local part cannot end the
 *	address early or fake a field.
 * DIAGNOSTICS
 *	OUT->unparsed is set when a line of a countable kind (e.g. a delivery
 *	line) does not have the structure Postfix gives it; OUT->excluded when
 *	a rule matched but the hop is excluded by OPTS.
 * SECURITY
 *	Pure: no I/O, no allocation, no state. Everything after the tag may
 *	come from a remote party. Reply codes are allow-listed ([45][0-9][0-9]
 *	or [45].D.D); transport names are checked by keys_transport_ok().
 */
#include <string.h>

#include "classify.h"

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static void
add(struct classify_result *out, int key, struct span transport)
{
	if (out->n < CLASSIFY_MAX_INC) {
		out->inc[out->n].key = key;
		out->inc[out->n].transport = transport;
		out->n++;
	}
}

/*
 * Read an address "<...>" at the start of S, honouring double quotes and
 * backslash escapes inside them. On success, advance S past the '>' and
 * return 1.
 */
static int
eat_addr(struct span *s)
{
	size_t i;
	int quoted = 0;

	if (s->len == 0 || s->p[0] != '<')
		return 0;
	for (i = 1; i < s->len; i++) {
		char c = s->p[i];

		if (quoted) {
			if (c == '\\')
				i++;
			else if (c == '"')
				quoted = 0;
		} else if (c == '"') {
			quoted = 1;
		} else if (c == '>') {
			*s = span_skip(*s, i + 1);
			return 1;
		}
	}
	return 0;
}

/* The token at the start of S up to a space (or the end); advance S past it. */
static struct span
eat_token(struct span *s)
{
	long sp = span_chr(*s, ' ');
	struct span t;

	if (sp < 0) {
		t = *s;
		*s = span_skip(*s, s->len);
	} else {
		t = span_make(s->p, (size_t)sp);
		*s = span_skip(*s, (size_t)sp);
	}
	return t;
}

/*
 * An SMTP reply code at the start of S: three digits, [245] first, then a
 * space, '-' or the end. Return the first digit, or 0.
 */
static int
reply_class(struct span s)
{
	if (s.len < 3 || !is_digit(s.p[0]) || !is_digit(s.p[1])
	    || !is_digit(s.p[2]))
		return 0;
	if (s.len > 3 && s.p[3] != ' ' && s.p[3] != '-')
		return 0;
	return s.p[0];
}

/* An enhanced status code "D.D.D" at the start of S; return D or 0. */
static int
enhanced_class(struct span s)
{
	size_t i = 1;
	int part;

	if (s.len < 5 || (s.p[0] != '2' && s.p[0] != '4' && s.p[0] != '5')
	    || s.p[1] != '.')
		return 0;
	for (part = 0; part < 2; part++) {
		size_t n = 0;

		if (i >= s.len || s.p[i] != '.')
			return 0;
		i++;
		while (i < s.len && is_digit(s.p[i]) && n < 3)
			i++, n++;
		if (n == 0)
			return 0;
	}
	if (i < s.len && s.p[i] != ' ')
		return 0;
	return s.p[0];
}

/* Split "name[addr]:port", "name[addr]" or "[addr]:port". */
struct hop {
	struct span	name;
	struct span	addr;
	struct span	port;
};

static int
hop_split(struct span h, struct hop *hp)
{
	long lb = span_chr(h, '['), rb;
	struct span rest;

	memset(hp, 0, sizeof(*hp));
	if (lb < 0) {
		hp->name = h;
		return 0;
	}
	hp->name = span_make(h.p, (size_t)lb);
	rest = span_skip(h, (size_t)lb + 1);
	if ((rb = span_chr(rest, ']')) < 0)
		return -1;
	hp->addr = span_make(rest.p, (size_t)rb);
	rest = span_skip(rest, (size_t)rb + 1);
	if (rest.len > 1 && rest.p[0] == ':')
		hp->port = span_skip(rest, 1);
	return 0;
}

static int
is_loopback(const struct hop *hp)
{
	struct span a = hp->addr;

	(void)span_eat(&a, "ipv6:");
	if (span_has_prefix(a, "127.") || span_eq_str(a, "::1")
	    || span_eq_str(a, "::ffff:127.0.0.1"))
		return 1;
	return 0;
}

/* Is the hop H (a relay or client "name[addr]:port") excluded by OPTS? */
static int
hop_excluded(struct span h, const struct classify_opts *opts)
{
	struct hop hp;
	size_t n;

	if (opts == NULL || (!opts->exclude_loopback && opts->nexclude == 0))
		return 0;
	if (hop_split(h, &hp) < 0)
		return 0;
	if (opts->exclude_loopback && is_loopback(&hp))
		return 1;
	for (n = 0; n < opts->nexclude; n++) {
		struct span x = opts->exclude[n];
		struct span a;
		long colon;

		if (x.len == 0)
			continue;
		if (span_eq(x, hp.name) || span_eq(x, hp.addr))
			return 1;
		/* "[addr]:port" or "addr:port" (addr without ':') */
		a = x;
		if (span_eat(&a, "[")) {
			long rb = span_chr(a, ']');

			if (rb < 0 || (size_t)rb + 2 > a.len
			    || a.p[rb + 1] != ':')
				continue;
			if (span_eq(span_make(a.p, (size_t)rb), hp.addr)
			    && span_eq(span_skip(a, (size_t)rb + 2), hp.port))
				return 1;
			continue;
		}
		colon = span_chr(x, ':');
		if (colon > 0 && span_chr(span_skip(x, (size_t)colon + 1), ':') < 0
		    && span_eq(span_make(x.p, (size_t)colon), hp.addr)
		    && span_eq(span_skip(x, (size_t)colon + 1), hp.port))
			return 1;
	}
	return 0;
}

/*
 * After "status=deferred (" or "status=bounced (", or a line of its own:
 * "host H said: NXX", "host H refused to talk to me: NXX" or "SASL
 * authentication failed; server H said: NXX". Return the first digit or 0.
 */
static int
remote_reply(struct span s)
{
	if (span_eat(&s, "host ")) {
		(void)eat_token(&s);
		if (!span_eat(&s, " said: ")
		    && !span_eat(&s, " refused to talk to me: "))
			return 0;
	} else if (span_eat(&s, "SASL authentication failed; server ")) {
		(void)eat_token(&s);
		if (!span_eat(&s, " said: "))
			return 0;
	} else
		return 0;
	return reply_class(s);
}

static int
client_reply_key(const struct pflog_rec *rec, int digit)
{
	int lmtp = span_eq_str(rec->daemon, "lmtp");

	if (digit == '4')
		return lmtp ? KEY_LMTP_4XX : KEY_SMTP_4XX;
	if (digit == '5')
		return lmtp ? KEY_LMTP_5XX : KEY_SMTP_5XX;
	return -1;
}

static int
is_client_daemon(const struct pflog_rec *rec)
{
	return span_eq_str(rec->daemon, "smtp")
	    || span_eq_str(rec->daemon, "lmtp");
}

/* "to=<...>, ... status=S (TEXT)" */
static void
delivery(const struct pflog_rec *rec, struct span s,
    const struct classify_opts *opts, struct classify_result *out)
{
	struct span relay = SPAN_NULL, status, t;
	int have_relay = 0, key, digit;

	if (!span_eat(&s, "to=") || !eat_addr(&s))
		goto bad;
	for (;;) {
		struct span name, value;
		size_t i;

		if (!span_eat(&s, ", "))
			goto bad;
		/* A field name: [a-z_]+ then '='. */
		for (i = 0; i < s.len && ((s.p[i] >= 'a' && s.p[i] <= 'z')
		    || s.p[i] == '_'); i++)
			;
		if (i == 0 || i >= s.len || s.p[i] != '=') {
			/* Not a field: part of the last value; skip to ", ". */
			long c;
			while ((c = span_chr(s, ',')) >= 0
			    && !((size_t)c + 1 < s.len && s.p[c + 1] == ' '))
				s = span_skip(s, (size_t)c + 1);
			if (c < 0)
				goto bad;
			s = span_skip(s, (size_t)c);
			continue;
		}
		name = span_make(s.p, i);
		s = span_skip(s, i + 1);
		if (span_eq_str(name, "status"))
			break;
		if (s.len > 0 && s.p[0] == '<') {
			value = s;
			if (!eat_addr(&s))
				goto bad;
			value.len = (size_t)(s.p - value.p);
		} else {
			long c;
			struct span rest = s;

			value = s;
			while ((c = span_chr(rest, ',')) >= 0
			    && !((size_t)c + 1 < rest.len && rest.p[c + 1] == ' '))
				rest = span_skip(rest, (size_t)c + 1);
			if (c < 0)
				goto bad;
			value.len = (size_t)(rest.p + c - value.p);
			s = span_skip(rest, (size_t)c);
		}
		if (span_eq_str(name, "relay")) {
			relay = value;
			have_relay = 1;
		}
	}
	if (!have_relay)
		goto bad;
	status = eat_token(&s);
	/* "status=expired, returned to sender": the word ends at ','. */
	if (status.len > 0 && status.p[status.len - 1] == ',')
		status.len--;
	if (hop_excluded(relay, opts)) {
		out->excluded = 1;
		return;
	}
	if (span_eq_str(status, "sent")) {
		add(out, KEY_STATUS_SENT, SPAN_NULL);
		t = relay;
		if (span_chr(relay, '[') >= 0 || span_eq_str(relay, "none"))
			t = rec->daemon;
		if ((key = keys_sent_id(t)) != KEY_SENT_DYNAMIC)
			add(out, key, SPAN_NULL);
		else if (keys_transport_ok(t))
			add(out, KEY_SENT_DYNAMIC, t);
		else
			add(out, KEY_SENT_OVERFLOW, SPAN_NULL);
		return;
	}
	if (span_eq_str(status, "deferred"))
		add(out, KEY_STATUS_DEFERRED, SPAN_NULL);
	else if (span_eq_str(status, "bounced"))
		add(out, KEY_STATUS_BOUNCED, SPAN_NULL);
	else if (span_eq_str(status, "expired")
	    || span_eq_str(status, "force-expired"))
		add(out, KEY_STATUS_EXPIRED, SPAN_NULL);
	else
		return;
	if (out->inc[0].key == KEY_STATUS_EXPIRED || !is_client_daemon(rec))
		return;
	if (span_eat(&s, " (") && (digit = remote_reply(s)) != 0
	    && (key = client_reply_key(rec, digit)) >= 0)
		add(out, key, SPAN_NULL);
	return;
bad:
	out->unparsed = 1;
}

/* qmgr: "from=<ADDR>, status=expired, returned to sender" */
static void
expiry(struct span s, struct classify_result *out)
{
	/* qmgr also logs "from=<..>, size=N, nrcpt=N": only status= counts. */
	if (!span_eat(&s, "from=") || !eat_addr(&s)
	    || !span_has_prefix(s, ", ")) {
		out->unparsed = 1;
		return;
	}
	if (span_eat(&s, ", status=expired")
	    || span_eat(&s, ", status=force-expired")) {
		if (s.len == 0 || s.p[0] == ',')
			add(out, KEY_STATUS_EXPIRED, SPAN_NULL);
	}
}

/* A reject we sent, of class DIGIT ('4', '5'; anything else counts nothing). */
static void
add_reject(struct classify_result *out, int digit)
{
	if (digit == '4')
		add(out, KEY_SMTPD_4XX, SPAN_NULL);
	else if (digit == '5')
		add(out, KEY_SMTPD_5XX, SPAN_NULL);
}

/* smtpd/postscreen: after "reject: " or "milter-reject: ": "CMD from CLIENT: NXX ..." */
static void
smtpd_reject(struct span s, struct classify_result *out)
{
	struct span client;

	(void)eat_token(&s);			/* RCPT, CONNECT, END-OF-MESSAGE */
	if (!span_eat(&s, " from ")) {
		out->unparsed = 1;
		return;
	}
	client = eat_token(&s);
	if (client.len < 2 || client.p[client.len - 1] != ':'
	    || !span_eat(&s, " ")) {
		out->unparsed = 1;
		return;
	}
	add_reject(out, reply_class(s));
}

/* The class of a cleanup reply: an enhanced code, or an SMTP code. */
static void
cleanup_code(struct span s, struct classify_result *out)
{
	int digit = enhanced_class(s);

	add_reject(out, digit != 0 ? digit : reply_class(s));
}

/*
 * Is SRC (from cleanup's "from SRC") a remote SMTP client "host[addr]", or
 * "host[addr]:port" (smtpd_client_port_logging = yes)?
 */
static int
remote_source(struct span src)
{
	size_t n = src.len;

	while (n > 0 && is_digit(src.p[n - 1]))
		n--;
	if (n < src.len) {
		if (n < 1 || src.p[n - 1] != ':')
			return 0;
		n--;
	}
	return n > 2 && span_chr(span_make(src.p, n), '[') > 0
	    && src.p[n - 1] == ']';
}

/*
 * The end of a cleanup milter-reject: "; from=<ADDR>[ to=<ADDR>][
 * proto=WORD][ helo=<NAME>]" up to the end of the line. The reply text
 * before it is the milter's and may hold "; from=<" itself, so the last
 * candidate with exactly this structure counts. Has it a proto=?
 */
static int
milter_tail_proto(struct span s)
{
	int proto = 0;

	for (;;) {
		struct span t;
		long semi = span_chr(s, ';');
		int p = 0;

		if (semi < 0)
			return proto;
		s = span_skip(s, (size_t)semi + 1);
		t = s;
		if (!span_eat(&t, " from=") || !eat_addr(&t))
			continue;
		if (span_eat(&t, " to=") && !eat_addr(&t))
			continue;
		if (span_eat(&t, " proto=")) {
			p = 1;
			while (t.len > 0 && t.p[0] != ' ')
				t = span_skip(t, 1);
		}
		if (span_eat(&t, " helo=<")) {
			if (t.len == 0 || t.p[t.len - 1] != '>')
				continue;
			t = span_skip(t, t.len);
		}
		if (t.len == 0)
			proto = p;
	}
}

/* cleanup: "milter-reject: CMD from SRC: CODE text; from=<...> ..." */
static void
cleanup_milter(struct span s, const struct classify_opts *opts,
    struct classify_result *out)
{
	struct span src;

	(void)eat_token(&s);
	if (!span_eat(&s, " from ")) {
		out->unparsed = 1;
		return;
	}
	src = eat_token(&s);
	if (src.len < 2 || src.p[src.len - 1] != ':' || !span_eat(&s, " ")) {
		out->unparsed = 1;
		return;
	}
	src.len--;
	if (!remote_source(src) || !milter_tail_proto(s))
		return;
	if (hop_excluded(src, opts)) {
		out->excluded = 1;
		return;
	}
	cleanup_code(s, out);
}

/*
 * After "; from=<ADDR>" in a cleanup reject: [" to=<ADDR>"] [" proto=W"]
 * [" helo=<ADDR>"] ": CODE". Return the span at CODE, or a NULL span.
 */
static struct span
cleanup_tail(struct span s, int *proto)
{
	struct span null = SPAN_NULL;

	*proto = 0;
	if (!span_eat(&s, "; from=") || !eat_addr(&s))
		return null;
	if (span_eat(&s, " to=") && !eat_addr(&s))
		return null;
	if (span_eat(&s, " proto=") && (*proto = 1))
		while (s.len > 0 && ((s.p[0] >= 'A' && s.p[0] <= 'Z')
		    || (s.p[0] >= 'a' && s.p[0] <= 'z')))
			s = span_skip(s, 1);
	if (span_eat(&s, " helo=<")) {
		/* The HELO is any text: it ends at the first ">: CODE". */
		size_t i;

		for (i = 0; i + 3 <= s.len; i++)
			if (memcmp(s.p + i, ">: ", 3) == 0) {
				struct span c = span_skip(s, i + 3);

				if (enhanced_class(c) || reply_class(c))
					return c;
			}
		return null;
	}
	if (!span_eat(&s, ": "))
		return null;
	return s;
}

/*
 * cleanup: "reject: KIND TEXT from SRC; from=<..> to=<..> proto=P
 * helo=<..>: D.D.D text". TEXT (a header or body line) is the sender's,
 * so the source is the first " from SRC;" after which the rest of the
 * line has exactly this structure.
 */
static void
cleanup_reject(struct span s, const struct classify_opts *opts,
    struct classify_result *out)
{
	struct span rest = s, bsrc = SPAN_NULL, bcode = SPAN_NULL;
	int bproto = 0;

	for (;;) {
		struct span src, code;
		const char *p = NULL;
		size_t i;
		int proto;

		for (i = 0; i + 6 <= rest.len; i++)
			if (memcmp(rest.p + i, " from ", 6) == 0) {
				p = rest.p + i;
				break;
			}
		if (p == NULL)
			break;
		rest = span_skip(rest, (size_t)(p - rest.p) + 6);
		src = rest;
		{
			long semi = span_chr(src, ';');
			long sp = span_chr(src, ' ');

			if (semi <= 0 || (sp >= 0 && sp < semi))
				continue;
			src.len = (size_t)semi;
			code = cleanup_tail(span_skip(rest, (size_t)semi),
			    &proto);
		}
		if (code.p == NULL)
			continue;
		/* A candidate inside the last one's addresses is not one. */
		if (bcode.p != NULL && src.p < bcode.p)
			continue;
		bsrc = src;
		bcode = code;
		bproto = proto;
	}
	if (bcode.p == NULL) {
		out->unparsed = 1;
		return;
	}
	/* Local submission (no proto=) sent no SMTP reply. */
	if (!bproto || !remote_source(bsrc))
		return;
	if (hop_excluded(bsrc, opts)) {
		out->excluded = 1;
		return;
	}
	cleanup_code(bcode, out);
}

void
classify(const struct pflog_rec *rec, const struct classify_opts *opts,
    struct classify_result *out)
{
	struct span m = rec->msg, d = rec->daemon;
	int noqueue = pflog_is_noqueue(rec), qid = rec->qid.len > 0;

	out->n = 0;
	out->unparsed = 0;
	out->excluded = 0;
	out->mult = 1;
	out->log_dropped = 0;
	if (m.len < 4)
		return;
	switch (m.p[0]) {
	case 't':
		if (qid && !noqueue && span_has_prefix(m, "to=<"))
			delivery(rec, m, opts, out);
		return;
	case 'f':
		if (qid && !noqueue && span_has_prefix(m, "from=<"))
			expiry(m, out);
		return;
	case 'h':
		if (qid && !noqueue && is_client_daemon(rec)
		    && span_has_prefix(m, "host ")) {
			int digit = remote_reply(m), key;

			if (digit && (key = client_reply_key(rec, digit)) >= 0)
				add(out, key, SPAN_NULL);
		}
		return;
	case 'c':
		if (qid && !noqueue && span_eq_str(d, "smtpd")
		    && span_eat(&m, "client=")) {
			struct span client = m;
			long c = span_chr(client, ',');

			if (c >= 0)
				client.len = (size_t)c;
			if (hop_excluded(client, opts))
				out->excluded = 1;
			else
				add(out, KEY_RECV_SMTP, SPAN_NULL);
		}
		return;
	case 'S':
		if (qid && !noqueue && is_client_daemon(rec)
		    && span_has_prefix(m, "SASL authentication failed; ")) {
			int digit = remote_reply(m), key;

			if (digit && (key = client_reply_key(rec, digit)) >= 0)
				add(out, key, SPAN_NULL);
		}
		return;
	case 'u':
	case 's':
		if (qid && !noqueue && span_eq_str(d, "pickup")
		    && (span_has_prefix(m, "uid=")
		    || span_has_prefix(m, "sender=")))
			add(out, KEY_RECV_LOCAL, SPAN_NULL);
		return;
	case 'r':
	case 'm':
		if (!qid)
			return;
		if (span_eq_str(d, "smtpd") || span_eq_str(d, "postscreen")) {
			if (span_eat(&m, "reject: ")
			    || span_eat(&m, "milter-reject: "))
				smtpd_reject(m, out);
		} else if (span_eq_str(d, "cleanup") && !noqueue) {
			if (span_eat(&m, "milter-reject: "))
				cleanup_milter(m, opts, out);
			else if (span_eat(&m, "reject: ")
			    || span_eat(&m, "milter-header-reject: ")
			    || span_eat(&m, "milter-body-reject: "))
				cleanup_reject(m, opts, out);
		}
		return;
	default:
		return;
	}
}

/* A decimal count of 1 to 9 digits at the start of S; advance S. 0 if none. */
static uint64_t
eat_count(struct span *s)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < s->len && i < 10 && is_digit(s->p[i]); i++)
		n = n * 10 + (uint64_t)(s->p[i] - '0');
	if (i == 0 || i > 9)
		return 0;
	*s = span_skip(*s, i);
	return n;
}

/*
 * rsyslog's "message repeated N times: [MSG]" (MSG usually starts with the
 * space that followed the tag). Return N and set *INNER to MSG, or 0.
 */
static uint64_t
repeated(struct span m, struct span *inner)
{
	uint64_t n;

	if (!span_eat(&m, "message repeated ") || (n = eat_count(&m)) == 0
	    || !span_eat(&m, " times: [") || m.len == 0
	    || m.p[m.len - 1] != ']')
		return 0;
	*inner = span_make(m.p, m.len - 1);
	return n;
}

/* "rsyslogd", "rsyslogd-2177" */
static int
is_rsyslogd(struct span tag)
{
	size_t i;

	if (!span_eat(&tag, "rsyslogd"))
		return 0;
	if (tag.len == 0)
		return 1;
	if (tag.p[0] != '-' || tag.len == 1)
		return 0;
	for (i = 1; i < tag.len; i++)
		if (!is_digit(tag.p[i]))
			return 0;
	return 1;
}

/*
 * What the logging system says it dropped (for self:log_dropped):
 * rsyslog (tag rsyslogd or rsyslogd-NNNN):
 *   "imuxsock lost N messages from pid P due to rate-limiting" (v5-v8.x);
 *   "NAME: N messages lost due to rate-limiting[ (...)]" where NAME is
 *   imuxsock or imjournal, or "imuxsock[pid: P, name: PATH]" which then
 *   counts only when PATH contains "postfix";
 * journald (tag systemd-journald or systemd-journal):
 *   "Suppressed N messages from [/some.slice/]postfix...".
 * "begins to drop"/"begin to drop" notices carry no count: nothing.
 */
static uint64_t
log_losses(const struct pflog_rec *rec)
{
	struct span m = rec->msg, name;
	uint64_t n;
	long c;

	if (is_rsyslogd(rec->tag)) {
		if (span_eat(&m, "imuxsock lost ")) {
			if ((n = eat_count(&m)) != 0
			    && span_has_prefix(m, " messages from pid "))
				return n;
			return 0;
		}
		/* "imuxsock[pid: P, name: PATH]: " has colons inside. */
		if (span_has_prefix(m, "imuxsock[")) {
			if ((c = span_chr(m, ']')) < 0)
				return 0;
			c++;
		} else
			c = span_chr(m, ':');
		if (c <= 0 || (size_t)c >= m.len || m.p[c] != ':')
			return 0;
		name = span_make(m.p, (size_t)c);
		m = span_skip(m, (size_t)c + 1);
		if (!span_eat(&m, " ") || (n = eat_count(&m)) == 0
		    || !span_has_prefix(m, " messages lost due to rate-limiting"))
			return 0;
		if (span_eq_str(name, "imuxsock") || span_eq_str(name, "imjournal"))
			return n;
		if (span_eat(&name, "imuxsock[")) {
			size_t i;

			/* Only a process named ...postfix... */
			for (i = 0; i + 7 <= name.len; i++)
				if (memcmp(name.p + i, "postfix", 7) == 0)
					return n;
		}
		return 0;
	}
	if (span_eq_str(rec->tag, "systemd-journald")
	    || span_eq_str(rec->tag, "systemd-journal")) {
		struct span unit;
		long sl;

		if (!span_eat(&m, "Suppressed ") || (n = eat_count(&m)) == 0
		    || !span_eat(&m, " messages from "))
			return 0;
		unit = m;
		while ((sl = span_chr(unit, '/')) >= 0)
			unit = span_skip(unit, (size_t)sl + 1);
		return span_has_prefix(unit, "postfix") ? n : 0;
	}
	return 0;
}

/*
 * classify_line: parse, then classify. Two kinds of line are read here
 * rather than in classify(): a syslog daemon's "message repeated N times:
 * [MSG]" (MSG is classified as the message of the same tag, and OUT->mult
 * is N: the caller adds each increment N times; the first copy was a line
 * of its own), and the logging system's notices of lost messages (lines of
 * other programs: OUT->log_dropped).
 */
enum pflog_kind
classify_line(const char *line, size_t len, const struct pflog_opts *popts,
    const struct classify_opts *copts, struct classify_result *out)
{
	struct pflog_rec rec;
	enum pflog_kind k;

	out->n = 0;
	out->unparsed = 0;
	out->excluded = 0;
	out->mult = 1;
	out->log_dropped = 0;
	k = pflog_parse(line, len, popts, &rec);
	if (k == PFLOG_POSTFIX) {
		struct span inner;
		uint64_t n = 0;

		if (rec.qid.len == 0 && rec.msg.len > 0 && rec.msg.p[0] == 'm'
		    && (n = repeated(rec.msg, &inner)) != 0)
			pflog_message(inner.p, inner.len, &rec);
		classify(&rec, copts, out);
		if (n != 0)
			out->mult = n;
	} else if (k == PFLOG_OTHER && rec.tag.len > 0
	    && (rec.tag.p[0] == 'r' || rec.tag.p[0] == 's'))
		out->log_dropped = log_losses(&rec);
	return k;
}
