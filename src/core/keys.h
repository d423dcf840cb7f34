/* SPDX-License-Identifier: ISC */
/*
 * keys.h - the one catalogue of keys: counters, gauges and reader-computed ages
 */
#ifndef KEYS_H
#define KEYS_H

#include <stddef.h>

#include "span.h"

/*
 * Static keys. Counters always exist (0 until counted); gauges exist only
 * once set. The enum order is internal; the SNMP index of a key is the
 * explicit, append-only snmp field of its entry and is never reused.
 */
enum keys_id {
	KEY_RECV_SMTP,
	KEY_RECV_LOCAL,
	KEY_SENT_SMTP,
	KEY_SENT_LMTP,
	KEY_SENT_LOCAL,
	KEY_SENT_VIRTUAL,
	KEY_SENT_OVERFLOW,
	KEY_SMTP_4XX,
	KEY_SMTP_5XX,
	KEY_LMTP_4XX,
	KEY_LMTP_5XX,
	KEY_SMTPD_4XX,
	KEY_SMTPD_5XX,
	KEY_STATUS_SENT,
	KEY_STATUS_DEFERRED,
	KEY_STATUS_BOUNCED,
	KEY_STATUS_EXPIRED,
	KEY_SELF_LINES,
	KEY_SELF_LINES_POSTFIX,
	KEY_SELF_LINES_COUNTED,
	KEY_SELF_LINES_MALFORMED,
	KEY_SELF_LINES_UNPARSED,
	KEY_SELF_LINES_LONG,
	KEY_SELF_LINES_EXCLUDED,
	KEY_SELF_LOST,
	KEY_SELF_ROTATIONS,
	KEY_SELF_TRUNCATIONS,
	KEY_SELF_COMMITS,
	KEY_SELF_ERRORS,
	KEY_SELF_DB_RECREATED,
	KEY_SELF_LOG_DROPPED,
	KEY_SELF_JOURNAL_SKIPPED,
	KEY_SELF_QUEUE_SAMPLES,
	KEY_SELF_QUEUE_ERRORS,
	KEY_QUEUE_ACTIVE,
	KEY_QUEUE_DEFERRED,
	KEY_QUEUE_HOLD,
	KEY_QUEUE_INCOMING,
	KEY_QUEUE_MAILDROP,
	KEY_SELF_QUEUE_SAMPLED,
	KEY_SELF_HEARTBEAT,
	KEY_SELF_LAST_LINE,
	KEY_SELF_HEARTBEAT_AGE,
	KEY_SELF_LAST_LINE_AGE,
	KEY_QUEUE_OLDEST_DEFERRED_AGE,
	KEYS_STATIC_COUNT,
	KEY_SENT_DYNAMIC = -1		/* sent:T for another transport T */
};

/* Longest key name, and longest transport name in a dynamic sent:T key. */
#define KEYS_NAME_MAX		64
#define KEYS_TRANSPORT_MAX	32
/* How many dynamic sent:T keys the store keeps; more go to sent:_overflow. */
#define KEYS_DYNAMIC_MAX	64

enum keys_type {
	KEYS_COUNTER,	/* a running total that only grows (Counter64) */
	KEYS_GAUGE,	/* a current value, absent until first set (Gauge32) */
	KEYS_AGE	/* seconds since the Unix-time gauge AGE_OF, computed by
			   the reader when asked; never stored */
};

/* A Prometheus metric family: name, type and HELP text. */
struct keys_metric {
	const char	*name;		/* "postfix_stats_sent_total" */
	enum keys_type	 type;		/* KEYS_COUNTER or KEYS_GAUGE */
	const char	*help;
};

struct keys_entry {
	const char	*name;		/* "sent:smtp" */
	enum keys_type	 type;
	unsigned	 snmp;		/* SNMP index: explicit, append-only, never reused */
	const struct keys_metric *metric;	/* NULL: not exported */
	const char	*label;		/* label pairs inside {}: "transport=\"smtp\"", or NULL */
	enum keys_id	 age_of;	/* KEYS_AGE: the gauge it is the age of */
	const char	*descr;		/* one line for --help, docs, the MIB */
};

/* keys_entry: the catalogue entry for a static key ID; NULL when out of range. */
const struct keys_entry *keys_entry(enum keys_id id);

/*
 * keys_find: the static id of canonical key NAME (as keys_normalize() writes
 * it); KEY_SENT_DYNAMIC for a sent:T key of another transport; -2 when NAME
 * is no key at all.
 */
int	keys_find(const char *name);

/* keys_sent_metric: the metric family of every sent:T key (dynamic ones too). */
const struct keys_metric *keys_sent_metric(void);

/* keys_transport_ok: T may be the name of a dynamic sent:T key. */
int	keys_transport_ok(struct span t);

/* keys_sent_id: the static id for sent:T when T is a static transport, else KEY_SENT_DYNAMIC. */
int	keys_sent_id(struct span t);

/*
 * keys_normalize: check a key typed by a user ("SENT:smtp") and write its
 * canonical form to OUT (size >= KEYS_NAME_MAX + 1). Returns 0, or -1 when
 * the key is malformed or names no possible counter.
 */
int	keys_normalize(const char *in, char *out, size_t outlen);

#endif
