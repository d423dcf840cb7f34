/*
 * NAME
 *	keys - the catalogue of counter keys
 * DESCRIPTION
 *	Every counter postfix-stats keeps is named here, once: postfix-stats-get
 *	--all, the documentation and the SNMP/exporter front ends all walk this
 *	table. Names are "category:name". A static key has a fixed place in the
 *	table (its SNMP index is that place + 1) and always exists, with value 0
 *	until counted. Besides those, "sent:T" exists for any other transport T
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

static const struct keys_entry keys_table[KEYS_STATIC_COUNT] = {
	[KEY_RECV_SMTP] = { "recv:smtp", "messages received over SMTP (smtpd QUEUEID: client=)" },
	[KEY_RECV_LOCAL] = { "recv:local", "messages submitted locally (pickup QUEUEID: uid=)" },
	[KEY_SENT_SMTP] = { "sent:smtp", "deliveries with status=sent by the SMTP client" },
	[KEY_SENT_LMTP] = { "sent:lmtp", "deliveries with status=sent by the LMTP client" },
	[KEY_SENT_LOCAL] = { "sent:local", "deliveries with status=sent by local(8)" },
	[KEY_SENT_VIRTUAL] = { "sent:virtual", "deliveries with status=sent by virtual(8)" },
	[KEY_SENT_OVERFLOW] = { "sent:_overflow", "deliveries by transports beyond the key limit or with unusable names" },
	[KEY_SMTP_4XX] = { "smtp:4xx", "4XX replies remote servers gave our SMTP client" },
	[KEY_SMTP_5XX] = { "smtp:5xx", "5XX replies remote servers gave our SMTP client" },
	[KEY_LMTP_4XX] = { "lmtp:4xx", "4XX replies LMTP servers gave our LMTP client" },
	[KEY_LMTP_5XX] = { "lmtp:5xx", "5XX replies LMTP servers gave our LMTP client" },
	[KEY_SMTPD_4XX] = { "smtpd:4xx", "4XX rejects we sent SMTP clients (smtpd, postscreen, cleanup)" },
	[KEY_SMTPD_5XX] = { "smtpd:5xx", "5XX rejects we sent SMTP clients (smtpd, postscreen, cleanup)" },
	[KEY_STATUS_SENT] = { "status:sent", "deliveries with status=sent, all transports" },
	[KEY_STATUS_DEFERRED] = { "status:deferred", "delivery attempts with status=deferred" },
	[KEY_STATUS_BOUNCED] = { "status:bounced", "deliveries with status=bounced" },
	[KEY_STATUS_EXPIRED] = { "status:expired", "messages expired (status=expired or force-expired)" },
	[KEY_SELF_LINES] = { "self:lines", "complete log lines read" },
	[KEY_SELF_LINES_POSTFIX] = { "self:lines_postfix", "lines with a Postfix tag" },
	[KEY_SELF_LINES_COUNTED] = { "self:lines_counted", "lines that moved at least one counter" },
	[KEY_SELF_LINES_MALFORMED] = { "self:lines_malformed", "lines without a well-formed syslog header" },
	[KEY_SELF_LINES_UNPARSED] = { "self:lines_unparsed", "Postfix lines of a countable kind that did not parse" },
	[KEY_SELF_LINES_LONG] = { "self:lines_long", "lines over the length limit, skipped" },
	[KEY_SELF_LINES_EXCLUDED] = { "self:lines_excluded", "lines not counted because of an excluded hop" },
	[KEY_SELF_LOST] = { "self:lost", "rotated logs that could not be read (e.g. compressed while stopped)" },
	[KEY_SELF_ROTATIONS] = { "self:rotations", "log rotations followed" },
	[KEY_SELF_TRUNCATIONS] = { "self:truncations", "log truncations (copytruncate) followed" },
	[KEY_SELF_COMMITS] = { "self:commits", "store transactions committed" },
	[KEY_SELF_ERRORS] = { "self:errors", "store or log read errors" },
	[KEY_SELF_DB_RECREATED] = { "self:db_recreated", "times the database was found deleted and recreated" },
};

static const char *const keys_categories[] = {
	"recv", "sent", "smtp", "lmtp", "smtpd", "status", "self", NULL
};

const struct keys_entry *
keys_entry(enum keys_id id)
{
	if ((int)id < 0 || id >= KEYS_STATIC_COUNT)
		return NULL;
	return &keys_table[id];
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
