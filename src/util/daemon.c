/* SPDX-License-Identifier: ISC */
/*
 * NAME
 *	daemon - detach, and report start-up to the waiting parent
 * SYNOPSIS
 *	#include "daemon.h"
 * DESCRIPTION
 *	The classic double fork, with a pipe from the daemon back to the
 *	process that started it: the start-up command's exit status and
 *	message say whether the daemon really came up, and why not, instead
 *	of "see the system log". One NUL byte means ready; any other bytes
 *	are the reason of a failure.
 * DIAGNOSTICS
 *	daemon_detach() returns -1 (errno set) when pipe, fork or setsid
 *	fail; the caller reports it. The parent never returns.
 * SECURITY
 *	The reason is the daemon's own text; it is printed as given, bounded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"

static int daemon_fd = -1;	/* to the waiting parent */

int
daemon_detach(const char *prog)
{
	char buf[1024];
	size_t got = 0;
	ssize_t n;
	int pfd[2], nul;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0 || (pid = fork()) < 0)
		return -1;
	if (pid > 0) {
		close(pfd[1]);
		while (got < sizeof(buf) - 1 && (n = read(pfd[0], buf + got,
		    sizeof(buf) - 1 - got)) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				break;
			got += (size_t)n;
		}
		if (got > 0 && buf[0] == '\0')
			_exit(0);
		buf[got] = '\0';
		if (got > 0)
			fprintf(stderr, "%s: %s\n", prog, buf);
		else
			fprintf(stderr, "%s: start-up failed without saying "
			    "why; see the system log (facility daemon)\n", prog);
		_exit(1);
	}
	close(pfd[0]);
	daemon_fd = pfd[1];
	if (setsid() < 0 || (pid = fork()) < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		return -1;
	if ((nul = open("/dev/null", O_RDWR)) >= 0) {
		dup2(nul, STDIN_FILENO);
		dup2(nul, STDOUT_FILENO);
		dup2(nul, STDERR_FILENO);
		if (nul > STDERR_FILENO)
			close(nul);
	}
	return 0;
}

void
daemon_ready(void)
{
	if (daemon_fd >= 0) {
		(void)write(daemon_fd, "", 1);
		close(daemon_fd);
		daemon_fd = -1;
	}
}

void
daemon_fail(const char *reason)
{
	size_t len = strlen(reason);

	if (daemon_fd >= 0) {
		if (len == 0)
			reason = "start-up failed", len = strlen(reason);
		(void)write(daemon_fd, reason, len);
		close(daemon_fd);
		daemon_fd = -1;
	}
}
