/* SPDX-License-Identifier: ISC */
/*
 * cli.h - the command-line conventions every program shares
 *
 * -h/--help prints the usage and the options on stdout and exits 0;
 * -V/--version prints "PROGRAM VERSION" and exits 0; a bad option or
 * argument names itself on stderr, shows the usage, and exits 2.
 */
#ifndef CLI_H
#define CLI_H

#define CLI_EXIT_OK	0
#define CLI_EXIT_FAIL	1
#define CLI_EXIT_USAGE	2

struct cli_prog {
	const char	*name;		/* "postfix-statsd" */
	const char	*synopsis;	/* usage lines, each starting with name */
	const char	*options;	/* one line per option: "  -f   stay ..." */
};

/* cli_version_string: the one version of the project (the VERSION file). */
const char *cli_version_string(void);

/* cli_help: usage and options on stdout; exits 0. */
void	cli_help(const struct cli_prog *p) __attribute__((noreturn));

/* cli_version: "NAME VERSION" on stdout; exits 0. */
void	cli_version(const struct cli_prog *p) __attribute__((noreturn));

/* cli_usage: "NAME: MESSAGE" (when FMT is not NULL) and the usage on stderr; exits 2. */
void	cli_usage(const struct cli_prog *p, const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 2, 3)));

/*
 * cli_getopt_error: for getopt_long()'s '?' or ':' return (call getopt with
 * opterr = 0 and an optstring starting with ':'), name the unknown option or
 * the one missing its argument, then the usage, on stderr; exits 2.
 */
void	cli_getopt_error(const struct cli_prog *p, int ch, char *const argv[])
	    __attribute__((noreturn));

#endif
