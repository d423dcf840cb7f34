#!/bin/bash
# SPDX-License-Identifier: ISC
# t_kill9.sh: kill -9 the follower at random moments (50 times at least)
# while a writer appends a large log; no line is lost or counted twice.
. "$(dirname "$0")/lib/common.sh"
it_init t_kill9
it_crash_test KILL
