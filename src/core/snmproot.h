/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	snmproot.h - where POSTFIX-STATS-MIB sits in the OID tree
 * DESCRIPTION
 *	The one definition of the module's root, from which both the
 *	generated mibs/POSTFIX-STATS-MIB.txt and postfix-stats-agentx derive
 *	every OID. It is a PLACEHOLDER until the project holds an IANA
 *	Private Enterprise Number (free, requested by a person at
 *	https://pen.iana.org/): 32473 is the enterprise number RFC 5612
 *	reserves for documentation, which no organisation is ever assigned,
 *	so nothing can collide with it. When a real number is assigned,
 *	change SNMPROOT_PEN (and SNMPROOT_ARC if need be) here, regenerate
 *	the MIB (make mib) and say so in the MIB's REVISION: every OID
 *	below the root stays the same.
 * SECURITY
 *	Constants only.
 */
#ifndef SNMPROOT_H
#define SNMPROOT_H

/* enterprises (1.3.6.1.4.1) . PEN . ARC is postfixStatsMIB. */
#define SNMPROOT_PEN		32473	/* RFC 5612 documentation PEN: placeholder */
#define SNMPROOT_ARC		1	/* the module's arc under the PEN */
#define SNMPROOT_OID		1, 3, 6, 1, 4, 1, SNMPROOT_PEN, SNMPROOT_ARC
#define SNMPROOT_OID_LEN	8

#endif
