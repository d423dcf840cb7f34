#!/bin/bash
# SPDX-License-Identifier: ISC
# t_package.sh: the Debian package, as an administrator meets it.
#
#   1. dpkg-buildpackage -us -uc -b builds it from the working tree (which runs
#      the fast tests, `make test`);
#   2. lintian --pedantic reports no error and no warning on the .deb;
#   3. dpkg -i installs it: the system user, the database directory (owner,
#      mode), every program `make` builds (/usr/sbin, /usr/bin), the man pages,
#      the units naming the packaged paths, the follower's unit enabled, the
#      MIB, the examples;
#   4. what the follower unit's ExecStart runs, run as the unit's user and
#      groups (there is no systemd as PID 1 here): it counts lines appended to
#      the mail log, and the packaged reader, run as nobody, reads them;
#   5. dpkg --purge leaves nothing but what Debian policy keeps (the user).
#
# Needs root. Skips (77) when postfix-stats is already installed on this
# machine: it would not remove an administrator's installation.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
name=t_package
fails=0
ok() { echo "ok   $name: $*"; }
bad() { echo "FAIL $name: $*"; fails=$((fails + 1)); }
die() { echo "FAIL $name: $*"; exit 1; }

[ "$(id -u)" = 0 ] || { echo "SKIP $name: needs root"; exit 77; }
if dpkg-query -W -f='${Status}' postfix-stats 2>/dev/null | grep -q installed; then
	echo "SKIP $name: postfix-stats is installed here already; not touching it"
	exit 77
fi
for t in dpkg-buildpackage lintian setpriv; do
	command -v "$t" >/dev/null || die "$t missing (scripts/deps.sh installs it)"
done

work=$(mktemp -d -t pfstats-pkg.XXXXXXXX) || exit 1
made_log=""
daemon=""
cleanup() {
	[ -n "$daemon" ] && kill -9 "$daemon" 2>/dev/null
	[ -n "$made_log" ] && rm -f "$made_log"
	if dpkg-query -W -f='${Status}' postfix-stats 2>/dev/null | grep -q installed; then
		dpkg --purge postfix-stats >/dev/null 2>&1
	fi
	rm -rf "$work"
}
trap cleanup EXIT

version=$(cat "$top/VERSION")
src=$work/postfix-stats-$version
mkdir -p "$src"
# The working tree's files as git knows them (uncommitted edits included).
(cd "$top" && git ls-files -z | tar --null -T - -cf -) | tar -C "$src" -xf - ||
	die "cannot copy the source tree"

# 1. Build.
if (cd "$src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b builds the package (and make test passes in it)"
else
	tail -n 30 "$work/build.log"
	die "dpkg-buildpackage failed"
fi
deb=$(ls "$work"/postfix-stats_"$version"_*.deb 2>/dev/null | head -n 1)
[ -f "$deb" ] || die "no .deb in $work: $(ls "$work")"
grep -q "postfix-stats ($version)" "$src/debian/changelog" ||
	bad "debian/changelog's version is not VERSION ($version)"

# 2. lintian: no error, no warning (info and pedantic notes are listed).
lintian --pedantic --no-tag-display-limit "$deb" >"$work/lintian.out" 2>&1
if grep -E '^[EW]: ' "$work/lintian.out" >"$work/lintian.ew"; then
	bad "lintian errors or warnings: $(cat "$work/lintian.ew")"
else
	ok "lintian --pedantic: no errors, no warnings ($(grep -c '' "$work/lintian.out") notes)"
fi

# 3. Install.
if DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" >"$work/install.log" 2>&1; then
	ok "dpkg -i installs it"
else
	cat "$work/install.log"
	die "dpkg -i failed"
fi
if getent passwd postfix-stats >/dev/null; then
	shell=$(getent passwd postfix-stats | cut -d: -f7)
	uid=$(id -u postfix-stats)
	if [ "$uid" -lt 1000 ] && case $shell in */nologin|*/false) true ;; *) false ;; esac; then
		ok "system user postfix-stats (uid $uid, shell $shell)"
	else
		bad "user postfix-stats is not a system user without login: uid $uid shell $shell"
	fi
else
	bad "no user postfix-stats after install"
fi
st=$(stat -c '%U:%G %a' /var/lib/postfix-stats 2>/dev/null)
[ "$st" = "postfix-stats:postfix-stats 755" ] &&
	ok "/var/lib/postfix-stats is postfix-stats:postfix-stats 0755" ||
	bad "/var/lib/postfix-stats is '$st', not postfix-stats:postfix-stats 755"

# Every program `make` builds is in the package, root-owned, 0755.
for p in "$top"/build/postfix-stat*; do
	[ -x "$p" ] || continue
	b=${p##*/}
	case $b in postfix-stats-get) want=/usr/bin/$b ;; *) want=/usr/sbin/$b ;; esac
	if [ "$(stat -c '%U:%G %a' "$want" 2>/dev/null)" = "root:root 755" ]; then
		ok "$want installed root:root 0755"
	else
		bad "$want missing or wrong mode: $(stat -c '%U:%G %a' "$want" 2>&1)"
	fi
	sec=8
	[ "$b" = postfix-stats-get ] && sec=1
	[ -f "/usr/share/man/man$sec/$b.$sec.gz" ] || bad "no man page $b($sec)"
done
for u in "$top"/contrib/*.service; do
	u=${u##*/}
	f=/lib/systemd/system/$u
	if [ -f "$f" ]; then
		bin=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$f")
		[ -x "$bin" ] && ok "$u: ExecStart names the packaged $bin" ||
			bad "$u: ExecStart names $bin, which the package does not have"
	else
		bad "unit $u not installed in /lib/systemd/system"
	fi
done
[ -L /etc/systemd/system/multi-user.target.wants/postfix-statsd.service ] &&
	ok "postfix-statsd.service is enabled" ||
	bad "postfix-statsd.service is not enabled (no multi-user.target.wants link)"
if [ -f "$top/mibs/POSTFIX-STATS-MIB.txt" ]; then
	cmp -s "$top/mibs/POSTFIX-STATS-MIB.txt" /usr/share/snmp/mibs/POSTFIX-STATS-MIB.txt &&
		ok "the MIB is in /usr/share/snmp/mibs" || bad "the MIB is not in /usr/share/snmp/mibs"
fi
[ -f /usr/share/doc/postfix-stats/copyright ] || bad "no copyright file"
[ -d /usr/share/doc/postfix-stats/examples ] &&
	[ -f /usr/share/doc/postfix-stats/examples/postfix-statsd.service ] &&
	ok "contrib examples in /usr/share/doc/postfix-stats/examples" ||
	bad "contrib examples missing in /usr/share/doc/postfix-stats/examples"

# 4. Run what the unit runs, as the unit's user and groups.
unit=/lib/systemd/system/postfix-statsd.service
uget() { sed -n "s/^$1=//p" "$unit" | tail -n 1; }
user=$(uget User) group=$(uget Group)
exec_start=$(uget ExecStart)
read -r -a argv <<<"$exec_start"
gids=""
for g in $(uget SupplementaryGroups); do
	gid=$(getent group "$g" | cut -d: -f3)
	[ -n "$gid" ] && gids=${gids:+$gids,}$gid
done
nnp=--no-new-privs
[ "$(uget NoNewPrivileges)" = yes ] || nnp=""
log=/var/log/mail.log
if [ ! -e "$log" ]; then
	# As rsyslog makes it on Debian: root:adm 0640.
	install -m 0640 -o root -g adm /dev/null "$log"
	made_log=$log
fi
groups_opt=--clear-groups
[ -n "$gids" ] && groups_opt=--groups=$gids
# The subshell execs setpriv, which execs the daemon: $! is the daemon.
( umask 022; exec setpriv --reuid="$user" --regid="$group" \
    "$groups_opt" $nnp -- "${argv[@]}" ) 2>"$work/daemon.err" </dev/null &
daemon=$!
get() { setpriv --reuid=nobody --regid=nogroup --clear-groups -- /usr/bin/postfix-stats-get "$@"; }
end=$((SECONDS + 30))
until get self:heartbeat >/dev/null 2>&1; do
	if ! kill -0 "$daemon" 2>/dev/null || [ $SECONDS -ge $end ]; then
		bad "ExecStart ($exec_start) as $user: no heartbeat in the database: $(tail -n 5 "$work/daemon.err")"
		break
	fi
	sleep 0.2
done
if [ -n "$made_log" ]; then
	# A first start begins at the end of the log: lines appended now count.
	before=$(get recv:smtp 2>/dev/null) || before=0
	sent=$(get sent:smtp 2>/dev/null) || sent=0
	now=$(date '+%b %e %H:%M:%S')
	for i in 1 2 3; do
		echo "$now pkgtest postfix/smtpd[4242]: 4AB${i}C0D1E2: client=unknown[192.0.2.$i]"
		echo "$now pkgtest postfix/smtp[4243]: 4AB${i}C0D1E2: to=<u$i@example.org>, relay=mx.example.org[192.0.2.9]:25, delay=0.1, delays=0.01/0/0.05/0.04, dsn=2.0.0, status=sent (250 2.0.0 Ok)"
	done >>"$log"
	end=$((SECONDS + 20))
	until [ "$(get recv:smtp 2>/dev/null)" = $((before + 3)) ] &&
	    [ "$(get sent:smtp 2>/dev/null)" = $((sent + 3)) ]; do
		[ $SECONDS -lt $end ] || break
		sleep 0.2
	done
	if [ "$(get recv:smtp)" = $((before + 3)) ] && [ "$(get sent:smtp)" = $((sent + 3)) ]; then
		ok "ExecStart as $user counts lines appended to $log; postfix-stats-get as nobody reads them"
	else
		bad "appended lines not counted: recv:smtp $(get recv:smtp 2>&1) (want $((before + 3))), sent:smtp $(get sent:smtp 2>&1); $(tail -n 5 "$work/daemon.err")"
	fi
else
	ok "a mail log exists on this machine; counting was not exercised with it (left untouched)"
fi
# 4b. The README's administrator commands ("Install and first graphs"), as
# written, where CI can run them: the package was built and installed above;
# systemctl needs systemd as PID 1 and is listed, not run; the rest runs in
# a private mount namespace whose /etc/snmp/snmpd.conf.d, /etc/mrtg and
# /var/www are copies on tmpfs, so the machine's own files stay untouched.
readme_cmds() {
	awk '/^## Install and first graphs/ { f = 1; next } /^## / { f = 0 }
	    f && /^    / { sub(/^    /, ""); print }' "$top/README.md" |
	    sed -e ':a' -e '/\\$/N; s/\\\n */ /; ta' | sed 's/  *#.*$//'
}
readme_cmds >"$work/readme.cmds"
[ -s "$work/readme.cmds" ] || bad "no commands found in the README's admin section"
{
	echo 'set -e'
	echo 'for d in /etc/snmp/snmpd.conf.d /etc/mrtg /var/www; do'
	echo '	mkdir -p "$d"; t=$(mktemp -d); cp -a "$d/." "$t/"'
	echo '	mount -t tmpfs tmpfs "$d"; cp -a "$t/." "$d/"; rm -rf "$t"'
	echo 'done'
} >"$work/readme.sh"
ran=0 notrun=""
while IFS= read -r cmd; do
	case $cmd in
	dpkg-buildpackage*) ok "README: '$cmd': done above (build, install)"; continue ;;
	systemctl*) notrun="$notrun; $cmd"; continue ;;
	*" && systemctl "*) notrun="$notrun; systemctl ${cmd#* && systemctl }"
		cmd=${cmd%% && systemctl *} ;;
	esac
	printf 'echo "+ %s"\n%s\n' "$(printf '%s' "$cmd" | tr -d '"')" "$cmd" >>"$work/readme.sh"
	ran=$((ran + 1))
done <"$work/readme.cmds"
cat >>"$work/readme.sh" <<'CHECK'
cmp /etc/snmp/snmpd.conf.d/postfix-stats.conf \
    /usr/share/doc/postfix-stats/examples/snmpd.conf.postfix-stats
grep -qx 'Include: /etc/mrtg/postfix-stats.cfg' /etc/mrtg/mrtg.cfg
env LANG=C mrtg --check /etc/mrtg/mrtg.cfg
CHECK
if unshare -m bash "$work/readme.sh" >"$work/readme.out" 2>&1; then
	ok "README: its $ran admin commands that CI can run ran as written (snmpd snippet installed, MRTG Include: added and its config checked by mrtg --check)"
else
	bad "README admin commands: $(tail -n 5 "$work/readme.out" | tr '\n' ' ')"
fi
grep -q '^self:heartbeat [0-9]' "$work/readme.out" ||
	bad "README: 'postfix-stats-get --all' did not list self:heartbeat"
echo "t_package: not run here (no systemd as PID 1)${notrun}"

if setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
    sh -c 'echo x >>/var/lib/postfix-stats/data.mdb' 2>/dev/null; then
	bad "nobody can write the database"
else
	ok "nobody cannot write the database"
fi
kill -TERM "$daemon" 2>/dev/null
wait "$daemon"
rc=$?
daemon=""
[ $rc = 0 ] && ok "SIGTERM: the follower exits 0" || bad "SIGTERM: exit $rc"
left=$(pgrep -f '^/usr/sbin/postfix-statsd' || true)
[ -z "$left" ] || { bad "a follower is still running: $left"; kill -9 $left; }

# 5. Purge.
files=$(dpkg -L postfix-stats | while read -r f; do [ -f "$f" ] && echo "$f"; done)
if dpkg --purge postfix-stats >"$work/purge.log" 2>&1; then
	ok "dpkg --purge removes it"
else
	bad "dpkg --purge failed: $(cat "$work/purge.log")"
fi
left=""
for f in $files /var/lib/postfix-stats \
    /etc/systemd/system/multi-user.target.wants/postfix-statsd.service; do
	[ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done
[ -z "$left" ] && ok "nothing of the package is left after purge" ||
	bad "left after purge:$left"
getent passwd postfix-stats >/dev/null &&
	ok "the system user stays after purge (Debian policy)"

[ $fails = 0 ] || exit 1
echo "ok   $name"
