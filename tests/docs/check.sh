#!/bin/sh
# The man pages' SYNOPSIS must list exactly the options usage() prints, and
# the keys documented in postfix-statsd(8), the README and SPEC-facing docs
# must be the keys of the catalogue (postfix-stats-get --all).
set -u
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

# Options in usage() vs the SYNOPSIS (Fl lines between .Sh SYNOPSIS and .Sh DESCRIPTION).
opts_usage() { "$top/$BUILD/$1" --bogus-option 2>&1 | grep '^ *usage:\|^    ' | grep -oE '(^| |\[)-[-a-z]+' | tr -d ' [' | sort -u; }
opts_man() {
	sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' "$top/man/$1" |
	    sed -n 's/^\.O[po] Fl \([-a-z]*\).*/-\1/p; s/^\.Fl \(-[-a-z]*\).*/-\1/p' | sort -u
}
for p in postfix-statsd:postfix-statsd.8 postfix-stats-get:postfix-stats-get.1; do
	prog=${p%%:*} man=${p#*:}
	opts_usage "$prog" > "$work/u"
	opts_man "$man" > "$work/m"
	if [ -s "$work/u" ] && diff "$work/u" "$work/m" >/dev/null; then
		ok "$man SYNOPSIS matches usage()"
	else
		bad "$man SYNOPSIS differs from usage()"; diff "$work/u" "$work/m"
	fi
done

# Every static key is documented in the man page and the README.
rm -rf "$work/db"
printf '' > "$work/empty.log"
"$top/$BUILD/postfix-statsd" --once --from-start -l "$work/empty.log" -d "$work/db" 2>/dev/null
"$top/$BUILD/postfix-stats-get" -d "$work/db" --all | cut -d' ' -f1 | grep -v '^self:' > "$work/keys"
missing=""
for k in $(cat "$work/keys"); do
	cat_=${k%%:*} name=${k#*:}
	grep -q "$k\|$cat_:.*$name\|$name" "$top/man/postfix-statsd.8" || missing="$missing man:$k"
	grep -q "$k" "$top/README.md" || missing="$missing README:$k"
done
if [ -z "$missing" ]; then ok "every key is documented"; else bad "undocumented keys:$missing"; fi
echo "docs: $pass passed, $fail failed"
[ $fail -eq 0 ]
