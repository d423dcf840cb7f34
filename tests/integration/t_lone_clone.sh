#!/bin/bash
# SPDX-License-Identifier: ISC
#
# NAME
#	t_lone_clone.sh - a clone of the repository on its own builds and
#	passes its golden tests
# DESCRIPTION
#	Clones the committed HEAD of the repository this runs in into an empty
#	temporary directory, with nothing beside the clone, then runs `make`
#	and `make golden` there (every corpus log and its expected counts). Catches a test or a build step that
#	needs a file outside the repository (a corpus beside it, a path of the
#	developer's machine) or a file that was never committed.
# DIAGNOSTICS
#	ok, FAIL with the end of the failing step's output, or SKIP (exit 77)
#	when this is not a git checkout or git is missing.
# SECURITY
#	Everything happens under a mktemp directory, removed at the end.
. "$(dirname "$0")/lib/common.sh"
it_init t_lone_clone

command -v git >/dev/null 2>&1 || it_skip "git is not installed"
git -C "$it_top" rev-parse --verify -q HEAD >/dev/null 2>&1 \
    || it_skip "$it_top is not a git checkout"
head=$(git -C "$it_top" rev-parse HEAD)
[ -z "$(git -C "$it_top" status --porcelain 2>/dev/null)" ] \
    || it_msg "note: uncommitted changes are not part of the clone"

# Nothing beside the clone: a fresh directory holding only it.
alone=$work/alone
mkdir "$alone"
chmod 0755 "$work" "$alone"
git clone -q --no-checkout "$it_top" "$alone/repo" >"$work/clone.out" 2>&1 \
    || it_fail "git clone failed: $(tail -n 5 "$work/clone.out")"
git -C "$alone/repo" -c advice.detachedHead=false checkout -q "$head" \
    >>"$work/clone.out" 2>&1 \
    || it_fail "checkout of $head failed: $(tail -n 5 "$work/clone.out")"
[ "$(ls -A "$alone")" = repo ] || it_fail "something beside the clone"

# The clone's own build directory, its own programs: BUILD must not leak
# in from the caller.
if ! (cd "$alone/repo" && env -u BUILD -u CORPUS make -s) \
    >"$work/make.out" 2>&1; then
	tail -n 30 "$work/make.out"
	it_fail "make failed in the lone clone"
fi
if grep -q 'warning:' "$work/make.out"; then
	grep 'warning:' "$work/make.out" | head -n 5
	it_fail "make warns in the lone clone"
fi
for t in golden; do
	if ! (cd "$alone/repo" && env -u BUILD -u CORPUS make -s "$t") \
	    >"$work/$t.out" 2>&1; then
		grep -v '^ok ' "$work/$t.out" | tail -n 30
		it_fail "make $t failed in the lone clone"
	fi
	it_msg "$(tail -n 1 "$work/$t.out")"
done
it_pass "clone of ${head:0:12}: make and the golden tests pass with nothing beside it"
