/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	promtext - render a view in the Prometheus text exposition format
 * SYNOPSIS
 *	#include "promtext.h"
 * DESCRIPTION
 *	promtext_render() writes what postfix-stats-exporter serves at
 *	/metrics and postfix-stats-get --prometheus prints: for every metric
 *	family of the keys catalogue that has samples in the view, one
 *	"# HELP" and one "# TYPE" line, then all its samples, one a line,
 *	"NAME{LABELS} VALUE". Families appear in the order of their first key
 *	in the (sorted) view, and a family's samples in key order, so the
 *	text is the same for the same counts. Keys without a metric (the
 *	reader-computed ages) are not exported: Prometheus computes ages
 *	itself (time() - postfix_stats_self_heartbeat_timestamp_seconds).
 *	Gauges never set are not in the view and so not in the text.
 *	Dynamic sent:T keys belong to keys_sent_metric() with the label
 *	transport="T".
 *
 *	Escaping follows format 0.0.4: in HELP text a backslash and a newline
 *	are written \\ and \n; in a label value also the double quote (\").
 * DIAGNOSTICS
 *	PROMTEXT_ENOSPC when the caller's buffer is too small; nothing else
 *	can fail. No I/O, no allocation.
 * SECURITY
 *	Transport names come from the mail log through the store; they were
 *	allow-listed by keys_transport_ok() when counted, and are escaped
 *	here anyway, so a damaged database cannot break the text's syntax.
 */
#include <stdio.h>
#include <string.h>

#include "promtext.h"

struct out {
	char	*buf;
	size_t	 size;
	size_t	 len;
	int	 full;
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (o->full || n >= o->size - o->len) {
		o->full = 1;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* Write S escaped: \ and newline always, " too when QUOTE. */
static void
put_escaped(struct out *o, const char *s, size_t n, int quote)
{
	size_t i, from = 0;

	for (i = 0; i < n; i++) {
		const char *rep = NULL;

		if (s[i] == '\\')
			rep = "\\\\";
		else if (s[i] == '\n')
			rep = "\\n";
		else if (s[i] == '"' && quote)
			rep = "\\\"";
		if (rep == NULL)
			continue;
		put(o, s + from, i - from);
		put(o, rep, 2);
		from = i + 1;
	}
	put(o, s + from, n - from);
}

static void
put_u64(struct out *o, uint64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%llu", (unsigned long long)v);

	put(o, num, (size_t)n);
}

/* The metric family of view item IT; NULL when it is not exported. */
static const struct keys_metric *
family_of(const struct view_item *it)
{
	if (it->e == NULL)
		return it->id == KEY_SENT_DYNAMIC ? keys_sent_metric() : NULL;
	return it->e->metric;
}

static int
same_family(const struct keys_metric *a, const struct keys_metric *b)
{
	return a == b || (a != NULL && b != NULL
	    && strcmp(a->name, b->name) == 0);
}

static void
put_sample(struct out *o, const struct keys_metric *m,
    const struct view_item *it)
{
	puts_(o, m->name);
	if (it->e == NULL) {
		/* sent:T: the transport is what follows "sent:". */
		const char *t = strchr(it->name, ':');

		t = t != NULL ? t + 1 : it->name;
		puts_(o, "{transport=\"");
		put_escaped(o, t, strlen(t), 1);
		puts_(o, "\"}");
	} else if (it->e->label != NULL) {
		/* The catalogue's labels are constants in label syntax. */
		puts_(o, "{");
		puts_(o, it->e->label);
		puts_(o, "}");
	}
	puts_(o, " ");
	put_u64(o, it->val);
	puts_(o, "\n");
}

ssize_t
promtext_render(const struct view *v, char *buf, size_t size)
{
	struct out o = { buf, size, 0, 0 };
	size_t i, j, k;

	if (size == 0)
		return PROMTEXT_ENOSPC;
	buf[0] = '\0';
	for (i = 0; i < v->n; i++) {
		const struct keys_metric *m = family_of(&v->item[i]);

		if (m == NULL)
			continue;
		/* Done already, with an earlier key of the family? */
		for (k = 0; k < i; k++)
			if (same_family(family_of(&v->item[k]), m))
				break;
		if (k < i)
			continue;
		puts_(&o, "# HELP ");
		puts_(&o, m->name);
		puts_(&o, " ");
		put_escaped(&o, m->help, strlen(m->help), 0);
		puts_(&o, "\n# TYPE ");
		puts_(&o, m->name);
		puts_(&o, m->type == KEYS_COUNTER ? " counter\n" : " gauge\n");
		for (j = i; j < v->n; j++)
			if (same_family(family_of(&v->item[j]), m))
				put_sample(&o, m, &v->item[j]);
	}
	if (o.full) {
		buf[0] = '\0';
		return PROMTEXT_ENOSPC;
	}
	return (ssize_t)o.len;
}

ssize_t
promtext_escape_label(char *dst, size_t size, const char *val, size_t len)
{
	struct out o = { dst, size, 0, 0 };

	if (size == 0)
		return PROMTEXT_ENOSPC;
	dst[0] = '\0';
	put_escaped(&o, val, len, 1);
	return o.full ? PROMTEXT_ENOSPC : (ssize_t)o.len;
}
