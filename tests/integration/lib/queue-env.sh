# SPDX-License-Identifier: ISC
# queue-env.sh - run postfix-statsd so that its postqueue reaches the test
# Postfix as an unprivileged user would (sourced after common.sh and
# postfix-env.sh, once pfenv_start has run)
#
# postqueue -c DIR run by a user other than root requires DIR in the
# alternate_config_directories of the default instance's main.cf
# (/etc/postfix), and as root it reads the queue directly when Postfix is
# down, so a test as root would never see "mail system is down". The
# tests therefore run the daemon with -u nobody inside a private mount
# namespace in which /etc/postfix is a directory of the test holding a
# main.cf that names the test instance (nothing outside the test's
# directories changes for any other process). The namespace also has no
# network and a read-only queue directory, as the shipped unit gives the
# daemon (PrivateNetwork=yes, ProtectSystem=strict).
#
# qenv_setup            write $PFENV_DIR/sysetc/main.cf and the wrapper
#                       $work/statsd-ns; sets STATSD to it (it_start uses it)
# QENV_PREFIX           words run between the namespace and the daemon
#                       (e.g. "setpriv --no-new-privs")
# qenv_reference OUT    postqueue -j of the test instance as "queue count"
#                       lines (0 for a queue with nothing in it)
# qenv_gauges_equal REF every queue: gauge of $db equals REF

qenv_setup() {
	mkdir -p "$PFENV_DIR/sysetc" || return 1
	echo "alternate_config_directories = $PFENV_DIR/etc" >"$PFENV_DIR/sysetc/main.cf"
	QENV_STATSD=${QENV_STATSD:-$STATSD}
	cat >"$work/statsd-ns" <<EOW
#!/bin/sh
# the test's postfix-statsd: private mount namespace, /etc/postfix replaced
# and, as under the shipped unit, no network but a loopback interface
# (PrivateNetwork=; postqueue wants an interface for inet_interfaces) and
# a read-only queue directory (ProtectSystem=strict)
exec unshare -m -n --propagation private sh -c \
    'ip link set lo up && mount --bind "\$1" /etc/postfix && mount --bind "\$2" "\$2" &&
    mount -o remount,bind,ro "\$2" && shift 2 && exec "\$@"' \
    sh "$PFENV_DIR/sysetc" "$PFENV_DIR/queue" \${QENV_PREFIX:-} "$QENV_STATSD" "\$@"
EOW
	chmod 755 "$work/statsd-ns"
	STATSD=$work/statsd-ns
	export QENV_PREFIX
}

qenv_reference() {
	local q
	pfenv_postqueue -j >"$work/pq.json" || return 1
	for q in active deferred hold incoming maildrop; do
		echo "$q $(grep -c "^{\"queue_name\": \"$q\"" "$work/pq.json")"
	done >"$1"
}

qenv_gauges_equal() {
	local q n
	while read -r q n; do
		[ "$("$GET" -d "$db" "queue:$q" 2>/dev/null)" = "$n" ] || return 1
	done <"$1"
}

qenv_show() {
	local q n
	while read -r q n; do
		echo "  queue:$q = $("$GET" -d "$db" "queue:$q" 2>&1) (postqueue -j: $n)"
	done <"$1"
}
