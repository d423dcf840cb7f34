/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	mibgen - print POSTFIX-STATS-MIB from the keys catalogue
 * SYNOPSIS
 *	mibgen		the MIB module (mibs/POSTFIX-STATS-MIB.txt)
 *	mibgen -k	"KEY OID TYPE" per static key, for tests and docs
 *	mibgen -r	the module's root OID
 * DESCRIPTION
 *	One catalogue (keys.c) drives the MIB: each static key becomes a
 *	scalar pfsKeys.N named after it, N its explicit snmp index, typed
 *	Counter64 (counters) or Gauge32 (gauges, ages), described by its
 *	catalogue text. The transport and reply tables, the conformance
 *	groups and the compliance statement follow (see pfsmib.c). The root
 *	comes from snmproot.h. The checked-in MIB must equal this output
 *	(make mib writes it; a test compares).
 * DIAGNOSTICS
 *	Exit 1 with a message on stderr when two keys would get the same
 *	descriptor or index, or a descriptor is too long; 2 on a bad option.
 * SECURITY
 *	Reads nothing but its own tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "pfsmib.h"
#include "snmproot.h"

#define MIB_DATE	"202612010000Z"
#define DESCR_MAX	64	/* RFC 2578 3.1: descriptors up to 64 */
#define WIDTH		68	/* text columns in a DESCRIPTION */

static const char *const group_name[PFSMIB_G_COUNT] = {
	NULL, "pfsTrafficGroup", "pfsStatusGroup", "pfsSelfGroup",
	"pfsHealthGroup", "pfsQueueGroup", "pfsTransportGroup",
	"pfsReplyGroup"
};

static const char *const group_descr[PFSMIB_G_COUNT] = {
	NULL,
	"The traffic counters: messages received, deliveries by transport, "
	"replies remote servers gave our SMTP and LMTP clients, rejects we "
	"sent SMTP clients.",
	"Delivery attempts by status.",
	"The follower's own health counters (lines read and not understood, "
	"rotations, commits, errors, ...), so that the statistics themselves "
	"can be graphed.",
	"The Unix times at which the follower last confirmed it is alive, "
	"read a line or sampled the queues, and the ages of the first two. "
	"An object is absent until the follower first sets it.",
	"The number of messages in each Postfix queue at the last sample. "
	"Absent while queue sampling is off or before the first good sample.",
	"Deliveries with status=sent by transport, indexed by the transport's "
	"name.",
	"4XX and 5XX replies by client (our SMTP and LMTP clients, and "
	"smtpd's rejects)."
};

/* Static keys in snmp index order. */
static const struct keys_entry *by_index[KEYS_STATIC_COUNT];
static size_t nkeys;

static int
cmp_index(const void *a, const void *b)
{
	unsigned x = (*(const struct keys_entry *const *)a)->snmp;
	unsigned y = (*(const struct keys_entry *const *)b)->snmp;

	return x < y ? -1 : x > y;
}

static void
descr_of(const struct keys_entry *e, char *out)
{
	if (pfsmib_descriptor(e->name, out, DESCR_MAX + 1) < 0) {
		fprintf(stderr, "mibgen: descriptor of %s too long\n", e->name);
		exit(1);
	}
}

static void
load(void)
{
	char d1[DESCR_MAX + 1], d2[DESCR_MAX + 1];
	size_t i, j;

	for (i = 0; i < KEYS_STATIC_COUNT; i++)
		by_index[nkeys++] = keys_entry((enum keys_id)i);
	qsort(by_index, nkeys, sizeof(by_index[0]), cmp_index);
	for (i = 0; i < nkeys; i++) {
		if (by_index[i]->snmp == 0) {
			fprintf(stderr, "mibgen: %s has no snmp index\n",
			    by_index[i]->name);
			exit(1);
		}
		if (i > 0 && by_index[i]->snmp == by_index[i - 1]->snmp) {
			fprintf(stderr, "mibgen: %s and %s share index %u\n",
			    by_index[i - 1]->name, by_index[i]->name,
			    by_index[i]->snmp);
			exit(1);
		}
		descr_of(by_index[i], d1);
		for (j = 0; j < i; j++) {
			descr_of(by_index[j], d2);
			if (strcmp(d1, d2) == 0) {
				fprintf(stderr, "mibgen: %s and %s are both "
				    "%s\n", by_index[j]->name,
				    by_index[i]->name, d1);
				exit(1);
			}
		}
	}
}

/* A DESCRIPTION (or other) text, quoted, wrapped, at INDENT spaces. */
static void
text(int indent, const char *s)
{
	size_t col = 0, wl;
	const char *w;
	int first = 1;

	printf("%*s\"", indent, "");
	col = (size_t)indent + 1;
	while (*s != '\0') {
		while (*s == ' ')
			s++;
		if (*s == '\0')
			break;
		for (w = s, wl = 0; w[wl] != '\0' && w[wl] != ' '; wl++)
			;
		if (!first && col + 1 + wl > WIDTH) {
			printf("\n%*s", indent + 1, "");
			col = (size_t)indent + 1;
		} else if (!first) {
			putchar(' ');
			col++;
		}
		for (; s < w + wl; s++)
			putchar(*s == '"' ? '\'' : *s);
		col += wl;
		first = 0;
	}
	printf("\"\n");
}

static void
scalar(const struct keys_entry *e)
{
	char d[DESCR_MAX + 1], buf[512];
	const char *units = NULL, *extra = "";

	descr_of(e, d);
	switch (e->type) {
	case KEYS_COUNTER:
		extra = " A Counter64 that only grows; 0 until counted.";
		break;
	case KEYS_GAUGE:
		if (strncmp(e->name, "queue:", 6) == 0)
			units = "messages";
		else
			units = "seconds since 1970-01-01 00:00:00 UTC";
		extra = " Absent (noSuchInstance) until the follower first "
		    "sets it.";
		break;
	case KEYS_AGE:
		units = "seconds";
		extra = " Computed when read; absent while the time it is the "
		    "age of is.";
		break;
	}
	printf("%s OBJECT-TYPE\n", d);
	printf("    SYNTAX      %s\n",
	    e->type == KEYS_COUNTER ? "Counter64" : "Gauge32");
	if (units != NULL)
		printf("    UNITS       \"%s\"\n", units);
	printf("    MAX-ACCESS  read-only\n");
	printf("    STATUS      current\n");
	printf("    DESCRIPTION\n");
	snprintf(buf, sizeof(buf), "The key %s: %s.%s", e->name, e->descr,
	    extra);
	text(8, buf);
	printf("    ::= { pfsKeys %u }\n\n", e->snmp);
}

static void
tables(void)
{
	printf(
"pfsTransportTable OBJECT-TYPE\n"
"    SYNTAX      SEQUENCE OF PfsTransportEntry\n"
"    MAX-ACCESS  not-accessible\n"
"    STATUS      current\n"
"    DESCRIPTION\n");
	text(8, "Deliveries with status=sent, one row per transport: the "
	    "keys sent:T. A row exists for smtp, lmtp, local, virtual and "
	    "_overflow, and for every other transport once it delivered mail "
	    "(a master.cf service such as a pipe). Rows are indexed by the "
	    "transport's name, so a new transport never renumbers another.");
	printf("    ::= { pfsObjects %d }\n\n", PFSMIB_TRANSPORTS);
	printf(
"pfsTransportEntry OBJECT-TYPE\n"
"    SYNTAX      PfsTransportEntry\n"
"    MAX-ACCESS  not-accessible\n"
"    STATUS      current\n"
"    DESCRIPTION\n");
	text(8, "The deliveries of one transport.");
	printf(
"    INDEX       { pfsTransportName }\n"
"    ::= { pfsTransportTable 1 }\n\n"
"PfsTransportEntry ::= SEQUENCE {\n"
"    pfsTransportName  DisplayString,\n"
"    pfsTransportSent  Counter64\n"
"}\n\n"
"pfsTransportName OBJECT-TYPE\n"
"    SYNTAX      DisplayString (SIZE (1..%d))\n"
"    MAX-ACCESS  not-accessible\n"
"    STATUS      current\n"
"    DESCRIPTION\n", KEYS_TRANSPORT_MAX);
	text(8, "The transport: the relay= value of Postfix's delivery line "
	    "(local, virtual, a master.cf service name), or the client "
	    "daemon (smtp, lmtp) when the relay is a host; _overflow for "
	    "transports beyond the key limit.");
	printf("    ::= { pfsTransportEntry %d }\n\n", PFSMIB_TRANSPORT_NAME);
	printf(
"pfsTransportSent OBJECT-TYPE\n"
"    SYNTAX      Counter64\n"
"    MAX-ACCESS  read-only\n"
"    STATUS      current\n"
"    DESCRIPTION\n");
	text(8, "Deliveries with status=sent by this transport (the key "
	    "sent:T).");
	printf("    ::= { pfsTransportEntry %d }\n\n", PFSMIB_TRANSPORT_SENT);

	printf(
"pfsReplyTable OBJECT-TYPE\n"
"    SYNTAX      SEQUENCE OF PfsReplyEntry\n"
"    MAX-ACCESS  not-accessible\n"
"    STATUS      current\n"
"    DESCRIPTION\n");
	text(8, "4XX and 5XX replies by client and class: the keys "
	    "smtp:4xx, smtp:5xx, lmtp:4xx, lmtp:5xx (replies remote servers "
	    "gave our SMTP and LMTP clients) and smtpd:4xx, smtpd:5xx "
	    "(rejects we sent SMTP clients). The same counters as the "
	    "scalars of those keys, in a table.");
	printf("    ::= { pfsObjects %d }\n\n", PFSMIB_REPLIES);
	printf(
"pfsReplyEntry OBJECT-TYPE\n"
"    SYNTAX      PfsReplyEntry\n"
"    MAX-ACCESS  not-accessible\n"
"    STATUS      current\n"
"    DESCRIPTION\n");
	text(8, "The replies of one class for one client.");
	printf(
"    INDEX       { pfsReplyClient, pfsReplyClass }\n"
"    ::= { pfsReplyTable 1 }\n\n"
"PfsReplyEntry ::= SEQUENCE {\n"
"    pfsReplyClient  INTEGER,\n"
"    pfsReplyClass   INTEGER,\n"
"    pfsReplyCount   Counter64\n"
"}\n\n"
"pfsReplyClient OBJECT-TYPE\n"
"    SYNTAX      INTEGER { ");
	{
		unsigned i;

		for (i = 1; i <= PFSMIB_CLIENTS; i++)
			printf("%s(%u)%s", pfsmib_client(i), i,
			    i < PFSMIB_CLIENTS ? ", " : " }\n");
	}
	printf(
"    MAX-ACCESS  not-accessible\n"
"    STATUS      current\n"
"    DESCRIPTION\n");
	text(8, "smtp: replies remote servers gave our SMTP client; lmtp: "
	    "the same for the LMTP client; smtpd: rejects we sent SMTP "
	    "clients (smtpd, postscreen, cleanup).");
	printf("    ::= { pfsReplyEntry %d }\n\n", PFSMIB_REPLY_CLIENT);
	printf(
"pfsReplyClass OBJECT-TYPE\n"
"    SYNTAX      INTEGER { class4xx(4), class5xx(5) }\n"
"    MAX-ACCESS  not-accessible\n"
"    STATUS      current\n"
"    DESCRIPTION\n");
	text(8, "The first digit of the reply code: 4 (temporary) or 5 "
	    "(permanent).");
	printf("    ::= { pfsReplyEntry %d }\n\n", PFSMIB_REPLY_CLASS);
	printf(
"pfsReplyCount OBJECT-TYPE\n"
"    SYNTAX      Counter64\n"
"    MAX-ACCESS  read-only\n"
"    STATUS      current\n"
"    DESCRIPTION\n");
	text(8, "The number of such replies (the key CLIENT:4xx or "
	    "CLIENT:5xx).");
	printf("    ::= { pfsReplyEntry %d }\n\n", PFSMIB_REPLY_COUNT);
}

static int
group_objects(enum pfsmib_group g, int print)
{
	char d[DESCR_MAX + 1];
	size_t i;
	int n = 0;

	if (g == PFSMIB_G_TRANSPORT || g == PFSMIB_G_REPLY) {
		if (print)
			printf("        %s\n", g == PFSMIB_G_TRANSPORT
			    ? "pfsTransportSent" : "pfsReplyCount");
		return 1;
	}
	for (i = 0; i < nkeys; i++) {
		if (pfsmib_group(by_index[i]) != g)
			continue;
		if (print) {
			descr_of(by_index[i], d);
			printf("%s        %s", n ? ",\n" : "", d);
		}
		n++;
	}
	if (print && n)
		printf("\n");
	return n;
}

static void
conformance(void)
{
	int g, first = 1;

	printf(
"pfsConformance OBJECT IDENTIFIER ::= { postfixStatsMIB %d }\n"
"pfsCompliances OBJECT IDENTIFIER ::= { pfsConformance 1 }\n"
"pfsGroups      OBJECT IDENTIFIER ::= { pfsConformance 2 }\n\n",
	    PFSMIB_CONFORMANCE);
	for (g = 1; g < PFSMIB_G_COUNT; g++) {
		if (!group_objects((enum pfsmib_group)g, 0))
			continue;
		printf("%s OBJECT-GROUP\n    OBJECTS {\n", group_name[g]);
		group_objects((enum pfsmib_group)g, 1);
		printf("    }\n    STATUS      current\n    DESCRIPTION\n");
		text(8, group_descr[g]);
		printf("    ::= { pfsGroups %d }\n\n", g);
	}
	printf(
"pfsCompliance MODULE-COMPLIANCE\n"
"    STATUS      current\n"
"    DESCRIPTION\n");
	text(8, "An agent serving postfix-stats: postfix-stats-agentx.");
	printf("    MODULE      -- this module\n"
	    "        MANDATORY-GROUPS {");
	for (g = 1; g < PFSMIB_G_COUNT; g++) {
		if (g == PFSMIB_G_HEALTH || g == PFSMIB_G_QUEUE
		    || !group_objects((enum pfsmib_group)g, 0))
			continue;
		printf("%s\n            %s", first ? "" : ",", group_name[g]);
		first = 0;
	}
	printf("\n        }\n");
	if (group_objects(PFSMIB_G_HEALTH, 0)) {
		printf("        GROUP       pfsHealthGroup\n"
		    "        DESCRIPTION\n");
		text(12, "Required of a follower that reports its heartbeat; "
		    "its objects are absent until first set.");
	}
	if (group_objects(PFSMIB_G_QUEUE, 0)) {
		printf("        GROUP       pfsQueueGroup\n"
		    "        DESCRIPTION\n");
		text(12, "Required only where the follower samples Postfix's "
		    "queues.");
	}
	printf("    ::= { pfsCompliances 1 }\n\n");
}

static void
mib(void)
{
	size_t i;

	printf(
"-- POSTFIX-STATS-MIB: Postfix statistics from postfix-stats.\n"
"--\n"
"-- GENERATED by mibgen from the keys catalogue (src/core/keys.c) and the\n"
"-- root (src/core/snmproot.h): do not edit, run `make mib`.\n"
"--\n"
"-- The root enterprises.%d.%d is a PLACEHOLDER: %d is the enterprise\n"
"-- number RFC 5612 reserves for documentation. It changes once the\n"
"-- project holds its own IANA Private Enterprise Number; every OID below\n"
"-- the root stays the same.\n\n"
"POSTFIX-STATS-MIB DEFINITIONS ::= BEGIN\n\n"
"IMPORTS\n"
"    MODULE-IDENTITY, OBJECT-TYPE, Counter64, Gauge32, enterprises\n"
"        FROM SNMPv2-SMI\n"
"    DisplayString\n"
"        FROM SNMPv2-TC\n"
"    MODULE-COMPLIANCE, OBJECT-GROUP\n"
"        FROM SNMPv2-CONF;\n\n"
"postfixStatsMIB MODULE-IDENTITY\n"
"    LAST-UPDATED \"%s\"\n"
"    ORGANIZATION \"The postfix-stats project\"\n"
"    CONTACT-INFO\n",
	    SNMPROOT_PEN, SNMPROOT_ARC, SNMPROOT_PEN, MIB_DATE);
	text(8, "The postfix-stats project; see its README and "
	    "postfix-stats-agentx(8).");
	printf("    DESCRIPTION\n");
	text(8, "Statistics of a Postfix mail server, counted from its log "
	    "by postfix-statsd and served by the AgentX subagent "
	    "postfix-stats-agentx: every counter a Counter64, every gauge a "
	    "Gauge32. Each key K of postfix-stats-get is the scalar "
	    "pfsKeys.N.0, N the key's index, which is never reused or "
	    "changed. The module's root is a placeholder under the "
	    "documentation enterprise number of RFC 5612 until the project "
	    "holds an IANA Private Enterprise Number.");
	printf("    REVISION     \"%s\"\n    DESCRIPTION\n", MIB_DATE);
	text(8, "The first version of this MIB module.");
	printf("    ::= { pfsEnterprise %d }\n\n", SNMPROOT_ARC);
	printf(
"-- The enterprise arc the module sits under (the placeholder, see above).\n"
"pfsEnterprise OBJECT IDENTIFIER ::= { enterprises %d }\n\n", SNMPROOT_PEN);
	printf(
"pfsObjects OBJECT IDENTIFIER ::= { postfixStatsMIB %d }\n\n"
"-- pfsKeys.N.0: the key whose snmp index in the catalogue is N.\n"
"pfsKeys    OBJECT IDENTIFIER ::= { pfsObjects %d }\n\n",
	    PFSMIB_OBJECTS, PFSMIB_KEYS);
	for (i = 0; i < nkeys; i++)
		scalar(by_index[i]);
	tables();
	conformance();
	printf("END\n");
}

int
main(int argc, char **argv)
{
	size_t i;

	load();
	if (argc == 1) {
		mib();
	} else if (argc == 2 && strcmp(argv[1], "-k") == 0) {
		for (i = 0; i < nkeys; i++)
			printf("%s .1.3.6.1.4.1.%d.%d.%d.%d.%u.0 %s\n",
			    by_index[i]->name, SNMPROOT_PEN, SNMPROOT_ARC,
			    PFSMIB_OBJECTS, PFSMIB_KEYS, by_index[i]->snmp,
			    by_index[i]->type == KEYS_COUNTER ? "Counter64"
			    : "Gauge32");
	} else if (argc == 2 && strcmp(argv[1], "-r") == 0) {
		printf(".1.3.6.1.4.1.%d.%d\n", SNMPROOT_PEN, SNMPROOT_ARC);
	} else {
		fprintf(stderr, "usage: mibgen [-k | -r]\n");
		return 2;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
