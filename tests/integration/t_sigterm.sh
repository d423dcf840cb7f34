#!/bin/bash
# SPDX-License-Identifier: ISC
# t_sigterm.sh: stop the follower with SIGTERM at random moments (50 times at
# least) while a writer appends a large log; each stop exits 0, and no line
# is lost or counted twice.
. "$(dirname "$0")/lib/common.sh"
it_init t_sigterm
it_crash_test TERM
