/*
 * keys.h - the one catalogue of counter keys
 */
#ifndef KEYS_H
#define KEYS_H

#include <stddef.h>

#include "span.h"

/* Static keys, always present (value 0 until counted). Order is stable: it is the SNMP index - 1. */
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
	KEYS_STATIC_COUNT,
	KEY_SENT_DYNAMIC = -1		/* sent:T for another transport T */
};

/* Longest key name, and longest transport name in a dynamic sent:T key. */
#define KEYS_NAME_MAX		64
#define KEYS_TRANSPORT_MAX	32
/* How many dynamic sent:T keys the store keeps; more go to sent:_overflow. */
#define KEYS_DYNAMIC_MAX	64

struct keys_entry {
	const char	*name;		/* "sent:smtp" */
	const char	*descr;		/* one line for --help, docs, the MIB */
};

/* keys_entry: the catalogue entry for a static key ID. */
const struct keys_entry *keys_entry(enum keys_id id);

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
