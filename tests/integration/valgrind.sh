#!/bin/sh
# SPDX-License-Identifier: ISC
# valgrind.sh: run the follower's integration tests with postfix-statsd
# under valgrind (memcheck): every run of the daemon in those tests, the
# reference passes included, goes through valgrind, and any error report
# (invalid read/write, use of uninitialised memory, definite leak) fails.
#
#   tests/integration/valgrind.sh [NAME...]   default: the tests below
#
# kill -9 tests are left out: they exist to kill the process at random
# moments, which valgrind's slowness makes pointless.
set -u
here=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$(cd "$here/../.." && pwd)/$BUILD ;; esac
command -v valgrind >/dev/null || { echo "valgrind: not installed" >&2; exit 1; }
vgdir=$(mktemp -d) || exit 1
trap 'rm -rf "$vgdir"' EXIT
cat >"$vgdir/postfix-statsd" <<WRAP
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full \\
    --errors-for-leak-kinds=definite --show-leak-kinds=definite --track-fds=no \\
    --log-file="$vgdir/vg.%p.log" "$BUILD/postfix-statsd" "\$@"
WRAP
chmod 755 "$vgdir/postfix-statsd"
[ $# -gt 0 ] || set -- t_partial_line t_rotate_rename t_copytruncate \
    t_rotate_down t_rotate_twice_down t_log_recreated t_db_deleted \
    t_stdin t_sigterm t_diskfull t_unsafe_paths
STATSD=$vgdir/postfix-statsd IT_TIMEOUT=600 sh "$here/run.sh" "$@"
rc=$?
reports=0
for f in "$vgdir"/vg.*.log; do
	[ -s "$f" ] || continue
	reports=$((reports + 1))
	echo "--- valgrind report $(basename "$f")"
	head -n 40 "$f"
done
echo "valgrind: $((reports == 0 ? 1 : 0)) passed, $((reports == 0 ? 0 : 1)) failed, 0 skipped ($reports reports)"
[ $rc -eq 0 ] && [ $reports -eq 0 ]
