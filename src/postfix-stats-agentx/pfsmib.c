/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	pfsmib - the layout of POSTFIX-STATS-MIB
 * SYNOPSIS
 *	#include "pfsmib.h"
 * DESCRIPTION
 *	One place for what the MIB and the subagent must agree on beyond
 *	the catalogue (keys.c) and the root (snmproot.h): the descriptor of
 *	a key, the rows of the reply table, the conformance group of a key.
 *	mibgen prints mibs/POSTFIX-STATS-MIB.txt from it; postfix-stats-agentx
 *	serves the OIDs it defines.
 *
 *	Every static key is a scalar pfsKeys.N.0, N its explicit snmp index
 *	in the catalogue (append-only, so a new key never renumbers one).
 *	sent:T is also a row of pfsTransportTable, indexed by the name T
 *	(length, then its bytes), so a new transport never renumbers
 *	another. The reply counters (smtp, lmtp, smtpd x 4xx, 5xx) are also
 *	the rows of pfsReplyTable.
 * DIAGNOSTICS
 *	pfsmib_descriptor() returns -1 when the descriptor does not fit.
 * SECURITY
 *	Pure functions over catalogue names.
 */
#include <ctype.h>
#include <string.h>

#include "pfsmib.h"

static const char *const pfsmib_clients[PFSMIB_CLIENTS + 1] = {
	NULL, "smtp", "lmtp", "smtpd"
};

const char *
pfsmib_client(unsigned i)
{
	return i >= 1 && i <= PFSMIB_CLIENTS ? pfsmib_clients[i] : NULL;
}

int
pfsmib_descriptor(const char *name, char *out, size_t outlen)
{
	size_t n = 0;
	int up = 1;

	if (outlen < 4)
		return -1;
	memcpy(out, "pfs", 3);
	n = 3;
	for (; *name != '\0'; name++) {
		unsigned char c = (unsigned char)*name;

		if (!isalnum(c)) {
			up = 1;		/* ':', '_', '-', '.' start a word */
			continue;
		}
		if (n + 1 >= outlen)
			return -1;
		out[n++] = (char)(up ? toupper(c) : c);
		up = 0;
	}
	out[n] = '\0';
	return 0;
}

int
pfsmib_reply(const char *name, unsigned *client, unsigned *cls)
{
	const char *colon = strchr(name, ':');
	unsigned i;

	if (colon == NULL || strlen(colon + 1) != 3 || strcmp(colon + 2, "xx")
	    != 0 || (colon[1] != '4' && colon[1] != '5'))
		return 0;
	for (i = 1; i <= PFSMIB_CLIENTS; i++)
		if (strlen(pfsmib_clients[i]) == (size_t)(colon - name)
		    && strncmp(pfsmib_clients[i], name, (size_t)(colon - name))
		    == 0) {
			*client = i;
			*cls = (unsigned)(colon[1] - '0');
			return 1;
		}
	return 0;
}

enum pfsmib_group
pfsmib_group(const struct keys_entry *e)
{
	if (strncmp(e->name, "queue:", 6) == 0)
		return PFSMIB_G_QUEUE;
	if (e->type != KEYS_COUNTER)
		return PFSMIB_G_HEALTH;
	if (strncmp(e->name, "self:", 5) == 0)
		return PFSMIB_G_SELF;
	if (strncmp(e->name, "status:", 7) == 0)
		return PFSMIB_G_STATUS;
	return PFSMIB_G_TRAFFIC;
}
