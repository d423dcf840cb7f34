/* SPDX-License-Identifier: ISC */
/*
 * pfsmib.h - the layout of POSTFIX-STATS-MIB, shared by the subagent and
 * the MIB generator (see pfsmib.c)
 */
#ifndef PFSMIB_H
#define PFSMIB_H

#include <stddef.h>

#include "keys.h"
#include "snmproot.h"

/* Arcs below postfixStatsMIB (SNMPROOT_OID). */
#define PFSMIB_OBJECTS		1	/* pfsObjects */
#define PFSMIB_CONFORMANCE	2	/* pfsConformance */
/* Below pfsObjects. */
#define PFSMIB_KEYS		1	/* pfsKeys.N.0: the key of snmp index N */
#define PFSMIB_TRANSPORTS	2	/* pfsTransportTable */
#define PFSMIB_REPLIES		3	/* pfsReplyTable */
/* Columns: pfsTransportEntry (.1) and pfsReplyEntry (.1). */
#define PFSMIB_TRANSPORT_NAME	1	/* index: DisplayString, length first */
#define PFSMIB_TRANSPORT_SENT	2
#define PFSMIB_REPLY_CLIENT	1	/* index: smtp(1), lmtp(2), smtpd(3) */
#define PFSMIB_REPLY_CLASS	2	/* index: class4xx(4), class5xx(5) */
#define PFSMIB_REPLY_COUNT	3

/* Conformance groups, each an arc of pfsGroups. */
enum pfsmib_group {
	PFSMIB_G_TRAFFIC = 1,	/* recv, sent, smtp, lmtp, smtpd counters */
	PFSMIB_G_STATUS,	/* status: counters */
	PFSMIB_G_SELF,		/* self: counters */
	PFSMIB_G_HEALTH,	/* Unix-time gauges and their ages */
	PFSMIB_G_QUEUE,		/* queue: gauges */
	PFSMIB_G_TRANSPORT,	/* the transport table */
	PFSMIB_G_REPLY,		/* the reply table */
	PFSMIB_G_COUNT
};

/* The clients of the reply table, by index (1..PFSMIB_CLIENTS). */
#define PFSMIB_CLIENTS		3

/* pfsmib_client: the name of reply-table client I ("smtp"), NULL if none. */
const char *pfsmib_client(unsigned i);

/*
 * pfsmib_descriptor: the MIB descriptor of key NAME ("sent:smtp" ->
 * "pfsSentSmtp") into OUT; -1 when it does not fit.
 */
int	pfsmib_descriptor(const char *name, char *out, size_t outlen);

/*
 * pfsmib_reply: when NAME is a reply counter ("smtpd:5xx"), its row of the
 * reply table: *CLIENT (1..PFSMIB_CLIENTS) and *CLASS (4 or 5), return 1;
 * else 0.
 */
int	pfsmib_reply(const char *name, unsigned *client, unsigned *cls);

/* pfsmib_group: the conformance group of catalogue entry E. */
enum pfsmib_group pfsmib_group(const struct keys_entry *e);

#endif
