/* SPDX-License-Identifier: ISC */
/*
 * daemon.h - detach into the background, and tell the waiting parent how
 * start-up went
 *
 * daemon_detach() forks twice and returns in the daemon; the original
 * process waits until the daemon calls daemon_ready() (it then exits 0)
 * or daemon_fail() (it prints "PROG: REASON" on its stderr and exits 1),
 * or dies (it says so and exits 1). Both are no-ops when not detached.
 */
#ifndef DAEMON_H
#define DAEMON_H

/* daemon_detach: become a daemon (new session, cwd /, stdio on /dev/null); 0, or -1 with errno. */
int	daemon_detach(const char *prog);

/* daemon_ready: start-up is done; the waiting parent exits 0. */
void	daemon_ready(void);

/* daemon_fail: start-up failed for REASON; the waiting parent prints it and exits 1. */
void	daemon_fail(const char *reason);

#endif
