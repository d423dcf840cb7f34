/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	keys - the catalogue of counter keys
 * DESCRIPTION
 *	Every key postfix-stats keeps is named here, once: postfix-stats-get
 *	--all and --prometheus, the documentation, the MIB and the SNMP and
 *	exporter front ends all walk this table. Names are "category:name".
 *	Each key is a counter (always exists, 0 until counted), a gauge (a
 *	current value, absent until first set) or an age (seconds since a
 *	Unix-time gauge, computed by the reader). Each has an explicit SNMP
 *	index, append-only and never reused, so an upgrade never renumbers an
 *	OID, and the Prometheus metric family and labels it is exported as.
 *	Besides those, "sent:T" exists for any other transport T
 *	that delivered mail (a master.cf pipe service such as "legal"), up to
 *	KEYS_DYNAMIC_MAX names; the rest is counted in sent:_overflow.
 *
 *	Categories are case-insensitive for the user ("SENT:smtp" is
 *	"sent:smtp", as the classic Perl keys were upper case). Transport names
 *	are case-sensitive, as they are in master.cf; the names of the fixed
 *	keys of other categories ("4xx", "smtp") are case-insensitive.
 * DIAGNOSTICS
 *	keys_normalize() returns -1 for a malformed key.
 * SECURITY
 *	Transport names come from the mail log; keys_transport_ok() is the
 *	allow-list that decides what may become a key.
 */
#include <ctype.h>
#include <string.h>

#include "keys.h"

/* Metric families (SPEC 1.4); every exported key belongs to one. */
static const struct keys_metric
    m_sent = { "postfix_stats_sent_total", KEYS_COUNTER,
	"Deliveries with status=sent, by transport." },
    m_recv = { "postfix_stats_received_total", KEYS_COUNTER,
	"Messages received, over SMTP or submitted locally." },
    m_remote = { "postfix_stats_remote_replies_total", KEYS_COUNTER,
	"4XX/5XX replies remote servers gave our SMTP or LMTP client." },
    m_rejects = { "postfix_stats_rejects_total", KEYS_COUNTER,
	"4XX/5XX rejects we sent SMTP clients." },
    m_status = { "postfix_stats_deliveries_total", KEYS_COUNTER,
	"Delivery attempts by status." },
    m_queue = { "postfix_stats_queue_messages", KEYS_GAUGE,
	"Messages in each Postfix queue at the last sample." },
    m_queue_age = { "postfix_stats_queue_oldest_deferred_age_seconds",
	KEYS_GAUGE, "Age of the oldest deferred message at the last sample." };

/* A self: key's family: its own name. */
#define SELF_C(id, nm, n, d) \
	[id] = { "self:" nm, KEYS_COUNTER, n, &(const struct keys_metric){ \
	    "postfix_stats_self_" nm "_total", KEYS_COUNTER, d }, NULL, 0, d }
#define SELF_T(id, nm, n, d) \
	[id] = { "self:" nm, KEYS_GAUGE, n, &(const struct keys_metric){ \
	    "postfix_stats_self_" nm "_timestamp_seconds", KEYS_GAUGE, d }, \
	    NULL, 0, d }
#define KEY(id, nm, t, n, m, l, d) [id] = { nm, t, n, m, l, 0, d }

static const struct keys_entry keys_table[KEYS_STATIC_COUNT] = {
	KEY(KEY_RECV_SMTP, "recv:smtp", KEYS_COUNTER, 1, &m_recv, "source=\"smtp\"",
	    "messages received over SMTP (smtpd QUEUEID: client=)"),
	KEY(KEY_RECV_LOCAL, "recv:local", KEYS_COUNTER, 2, &m_recv, "source=\"local\"",
	    "messages submitted locally (pickup QUEUEID: uid=)"),
	KEY(KEY_SENT_SMTP, "sent:smtp", KEYS_COUNTER, 3, &m_sent, "transport=\"smtp\"",
	    "deliveries with status=sent by the SMTP client"),
	KEY(KEY_SENT_LMTP, "sent:lmtp", KEYS_COUNTER, 4, &m_sent, "transport=\"lmtp\"",
	    "deliveries with status=sent by the LMTP client"),
	KEY(KEY_SENT_LOCAL, "sent:local", KEYS_COUNTER, 5, &m_sent, "transport=\"local\"",
	    "deliveries with status=sent by local(8)"),
	KEY(KEY_SENT_VIRTUAL, "sent:virtual", KEYS_COUNTER, 6, &m_sent, "transport=\"virtual\"",
	    "deliveries with status=sent by virtual(8)"),
	KEY(KEY_SENT_OVERFLOW, "sent:_overflow", KEYS_COUNTER, 7, &m_sent, "transport=\"_overflow\"",
	    "deliveries by transports beyond the key limit or with unusable names"),
	KEY(KEY_SMTP_4XX, "smtp:4xx", KEYS_COUNTER, 8, &m_remote, "client=\"smtp\",class=\"4xx\"",
	    "4XX replies remote servers gave our SMTP client"),
	KEY(KEY_SMTP_5XX, "smtp:5xx", KEYS_COUNTER, 9, &m_remote, "client=\"smtp\",class=\"5xx\"",
	    "5XX replies remote servers gave our SMTP client"),
	KEY(KEY_LMTP_4XX, "lmtp:4xx", KEYS_COUNTER, 10, &m_remote, "client=\"lmtp\",class=\"4xx\"",
	    "4XX replies LMTP servers gave our LMTP client"),
	KEY(KEY_LMTP_5XX, "lmtp:5xx", KEYS_COUNTER, 11, &m_remote, "client=\"lmtp\",class=\"5xx\"",
	    "5XX replies LMTP servers gave our LMTP client"),
	KEY(KEY_SMTPD_4XX, "smtpd:4xx", KEYS_COUNTER, 12, &m_rejects, "class=\"4xx\"",
	    "4XX rejects we sent SMTP clients (smtpd, postscreen, cleanup)"),
	KEY(KEY_SMTPD_5XX, "smtpd:5xx", KEYS_COUNTER, 13, &m_rejects, "class=\"5xx\"",
	    "5XX rejects we sent SMTP clients (smtpd, postscreen, cleanup)"),
	KEY(KEY_STATUS_SENT, "status:sent", KEYS_COUNTER, 14, &m_status, "status=\"sent\"",
	    "deliveries with status=sent, all transports"),
	KEY(KEY_STATUS_DEFERRED, "status:deferred", KEYS_COUNTER, 15, &m_status, "status=\"deferred\"",
	    "delivery attempts with status=deferred"),
	KEY(KEY_STATUS_BOUNCED, "status:bounced", KEYS_COUNTER, 16, &m_status, "status=\"bounced\"",
	    "deliveries with status=bounced"),
	KEY(KEY_STATUS_EXPIRED, "status:expired", KEYS_COUNTER, 17, &m_status, "status=\"expired\"",
	    "messages expired (status=expired or force-expired)"),
	SELF_C(KEY_SELF_LINES, "lines", 18, "complete log lines read"),
	SELF_C(KEY_SELF_LINES_POSTFIX, "lines_postfix", 19, "lines with a Postfix tag"),
	SELF_C(KEY_SELF_LINES_COUNTED, "lines_counted", 20, "lines that moved at least one counter"),
	SELF_C(KEY_SELF_LINES_MALFORMED, "lines_malformed", 21, "lines without a well-formed syslog header"),
	SELF_C(KEY_SELF_LINES_UNPARSED, "lines_unparsed", 22, "Postfix lines of a countable kind that did not parse"),
	SELF_C(KEY_SELF_LINES_LONG, "lines_long", 23, "lines over the length limit, skipped"),
	SELF_C(KEY_SELF_LINES_EXCLUDED, "lines_excluded", 24, "lines not counted because of an excluded hop"),
	SELF_C(KEY_SELF_LOST, "lost", 25, "rotated logs that could not be read (deleted or unreadable while stopped)"),
	SELF_C(KEY_SELF_ROTATIONS, "rotations", 26, "log rotations followed"),
	SELF_C(KEY_SELF_TRUNCATIONS, "truncations", 27, "log truncations (copytruncate) followed"),
	SELF_C(KEY_SELF_COMMITS, "commits", 28, "store transactions committed"),
	SELF_C(KEY_SELF_ERRORS, "errors", 29, "store or log read errors"),
	SELF_C(KEY_SELF_DB_RECREATED, "db_recreated", 30, "times the database was found deleted and recreated"),
	SELF_C(KEY_SELF_LOG_DROPPED, "log_dropped", 31, "Postfix messages the logging system reported dropping (rsyslog rate limiting, journald suppression)"),
	SELF_C(KEY_SELF_JOURNAL_SKIPPED, "journal_skipped", 32, "journal entries skipped because they were removed before they were read"),
	SELF_C(KEY_SELF_QUEUE_SAMPLES, "queue_samples", 33, "good samples of the Postfix queues"),
	SELF_C(KEY_SELF_QUEUE_ERRORS, "queue_errors", 34, "failed samples of the Postfix queues"),
	KEY(KEY_QUEUE_ACTIVE, "queue:active", KEYS_GAUGE, 35, &m_queue, "queue=\"active\"",
	    "messages in the active queue at the last sample"),
	KEY(KEY_QUEUE_DEFERRED, "queue:deferred", KEYS_GAUGE, 36, &m_queue, "queue=\"deferred\"",
	    "messages in the deferred queue at the last sample"),
	KEY(KEY_QUEUE_HOLD, "queue:hold", KEYS_GAUGE, 37, &m_queue, "queue=\"hold\"",
	    "messages in the hold queue at the last sample"),
	KEY(KEY_QUEUE_INCOMING, "queue:incoming", KEYS_GAUGE, 38, &m_queue, "queue=\"incoming\"",
	    "messages in the incoming queue at the last sample"),
	KEY(KEY_QUEUE_MAILDROP, "queue:maildrop", KEYS_GAUGE, 39, &m_queue, "queue=\"maildrop\"",
	    "messages in the maildrop queue at the last sample"),
	SELF_T(KEY_SELF_QUEUE_SAMPLED, "queue_sampled", 40, "Unix time of the last good queue sample"),
	SELF_T(KEY_SELF_HEARTBEAT, "heartbeat", 41, "Unix time at which the follower last confirmed it is alive and reading"),
	SELF_T(KEY_SELF_LAST_LINE, "last_line", 42, "Unix time at which the follower last read a line"),
	[KEY_SELF_HEARTBEAT_AGE] = { "self:heartbeat_age", KEYS_AGE, 43, NULL, NULL,
	    KEY_SELF_HEARTBEAT, "seconds since self:heartbeat (computed when read)" },
	[KEY_SELF_LAST_LINE_AGE] = { "self:last_line_age", KEYS_AGE, 44, NULL, NULL,
	    KEY_SELF_LAST_LINE, "seconds since self:last_line (computed when read)" },
	KEY(KEY_QUEUE_OLDEST_DEFERRED_AGE, "queue:oldest_deferred_age", KEYS_GAUGE, 45,
	    &m_queue_age, NULL,
	    "seconds the oldest deferred message had waited at the last sample (0: none)"),
};

static const char *const keys_categories[] = {
	"recv", "sent", "smtp", "lmtp", "smtpd", "status", "queue", "self",
	NULL
};

const struct keys_entry *
keys_entry(enum keys_id id)
{
	if ((int)id < 0 || id >= KEYS_STATIC_COUNT)
		return NULL;
	return &keys_table[id];
}

int
keys_find(const char *name)
{
	size_t i;

	for (i = 0; i < KEYS_STATIC_COUNT; i++)
		if (strcmp(keys_table[i].name, name) == 0)
			return (int)i;
	if (strncmp(name, "sent:", 5) == 0
	    && keys_transport_ok(span_make(name + 5, strlen(name + 5))))
		return KEY_SENT_DYNAMIC;
	return -2;
}

const struct keys_metric *
keys_sent_metric(void)
{
	return &m_sent;
}

int
keys_transport_ok(struct span t)
{
	size_t i;

	if (t.len == 0 || t.len > KEYS_TRANSPORT_MAX)
		return 0;
	for (i = 0; i < t.len; i++) {
		unsigned char c = (unsigned char)t.p[i];

		if (!isalnum(c) && c != '.' && c != '_' && c != '-')
			return 0;
	}
	/* "_overflow" and friends are ours: a transport cannot start with '_'. */
	return t.p[0] != '_';
}

int
keys_sent_id(struct span t)
{
	if (span_eq_str(t, "smtp"))
		return KEY_SENT_SMTP;
	if (span_eq_str(t, "lmtp"))
		return KEY_SENT_LMTP;
	if (span_eq_str(t, "local"))
		return KEY_SENT_LOCAL;
	if (span_eq_str(t, "virtual"))
		return KEY_SENT_VIRTUAL;
	return KEY_SENT_DYNAMIC;
}

int
keys_normalize(const char *in, char *out, size_t outlen)
{
	const char *colon = strchr(in, ':');
	size_t clen, nlen, i;
	int c;

	if (colon == NULL || outlen < KEYS_NAME_MAX + 1)
		return -1;
	clen = (size_t)(colon - in);
	nlen = strlen(colon + 1);
	if (clen == 0 || nlen == 0 || clen + 1 + nlen > KEYS_NAME_MAX)
		return -1;
	for (i = 0; i < clen; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[clen] = ':';
	for (c = 0; keys_categories[c] != NULL; c++)
		if (strlen(keys_categories[c]) == clen
		    && memcmp(keys_categories[c], out, clen) == 0)
			break;
	if (keys_categories[c] == NULL)
		return -1;
	if (strcmp(keys_categories[c], "sent") == 0) {
		/* A transport name, case-sensitive, or one of ours. */
		memcpy(out + clen + 1, colon + 1, nlen + 1);
		if (strcmp(out, "sent:_overflow") == 0)
			return 0;
		return keys_transport_ok(span_make(colon + 1, nlen)) ? 0 : -1;
	}
	for (i = 0; i <= nlen; i++)
		out[clen + 1 + i] = (char)tolower((unsigned char)colon[1 + i]);
	for (i = 0; i < KEYS_STATIC_COUNT; i++)
		if (strcmp(keys_table[i].name, out) == 0)
			return 0;
	return -1;
}
