/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	cli - usage, help and version output shared by every program
 * SYNOPSIS
 *	#include "cli.h"
 * DESCRIPTION
 *	One place for the conventions of every postfix-stats program: help on
 *	stdout with exit 0, "PROGRAM VERSION" with exit 0, usage errors on
 *	stderr naming the culprit with exit 2. The version string comes from
 *	the VERSION file at the top of the repository, through the build.
 * DIAGNOSTICS
 *	cli_help(), cli_version(), cli_usage() and cli_getopt_error() do not
 *	return.
 * SECURITY
 *	An option text echoed back is truncated and printed as given; it comes
 *	from the command line of the person running the program.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

#ifndef PFSTATS_VERSION
#error "PFSTATS_VERSION must be defined by the build (from the VERSION file)"
#endif

const char *
cli_version_string(void)
{
	return PFSTATS_VERSION;
}

void
cli_help(const struct cli_prog *p)
{
	printf("usage: %s\n", p->synopsis);
	if (p->options != NULL && *p->options != '\0')
		printf("\noptions:\n%s", p->options);
	exit(fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL);
}

void
cli_version(const struct cli_prog *p)
{
	printf("%s %s\n", p->name, PFSTATS_VERSION);
	exit(fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL);
}

void
cli_usage(const struct cli_prog *p, const char *fmt, ...)
{
	va_list ap;

	if (fmt != NULL) {
		fprintf(stderr, "%s: ", p->name);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fprintf(stderr, "usage: %s\n", p->synopsis);
	fprintf(stderr, "(%s --help lists the options)\n", p->name);
	exit(CLI_EXIT_USAGE);
}

void
cli_getopt_error(const struct cli_prog *p, int ch, char *const argv[])
{
	const char *opt = optind > 0 ? argv[optind - 1] : "?";

	if (ch == ':') {
		if (optopt != 0 && optopt < 256)
			cli_usage(p, "option -%c needs an argument", optopt);
		cli_usage(p, "option %.64s needs an argument", opt);
	}
	if (optopt != 0 && optopt < 256)
		cli_usage(p, "unknown option -%c", optopt);
	cli_usage(p, "unknown option %.64s", opt);
}
