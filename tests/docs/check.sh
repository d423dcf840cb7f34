#!/bin/sh
# SPDX-License-Identifier: ISC
# The documentation matches the programs (make docs):
# - for every program build/postfix-stats*: its man page man/NAME.[1-8]
#   exists; the options of the usage lines of its --help are exactly those
#   of the man page's SYNOPSIS; every option its --help names appears in the
#   SYNOPSIS or in the man page's option list (.It/.TP entries);
# - the keys documented in postfix-statsd(8) and the README are the keys of
#   the catalogue (postfix-stats-get --all);
# - the repository refers to no directory beside it, and every relative
#   link of the README names a file inside the repository.
# Prints ok/FAIL per check and "docs: N passed, N failed, N skipped (S s)"
# (tests/lib/testlib.sh).
set -u
BUILD=${BUILD:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/testlib.sh"
case $BUILD in /*) bdir=$BUILD ;; *) bdir=$top/$BUILD ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
tl_suite docs

# opts: the options (-x, --long) named in the text on stdin, man page
# markup (mdoc "Fl x", man(7) "\-x", fonts) undone first; sorted, unique.
opts() {
	sed 's/\\-/-/g; s/\\f[BIRP]//g; s/Fl \([-A-Za-z0-9]\)/-\1/g' |
	    grep -oE '(^|[][ ,|(.])--?[A-Za-z0-9][-A-Za-z0-9]*' |
	    sed 's/^[][ ,|(.]//' |
	    grep -E '^(-[A-Za-z0-9]|--[A-Za-z0-9][-A-Za-z0-9]*)$' | sort -u
}

# man_section FILE NAME: the lines of section NAME (mdoc .Sh or man .SH).
man_section() {
	awk -v s="$2" '
	    /^\.S[hH] / { on = ($2 == s || $2 == "\"" s "\"") ; next }
	    on' "$1"
}

# man_items FILE: the option list entries (.It lines; the line after .TP).
man_items() {
	awk '/^\.It / { print; next } tp { print; tp = 0 } /^\.TP/ { tp = 1 }' "$1"
}

nprog=0
for prog in "$bdir"/postfix-stats*; do
	[ -f "$prog" ] && [ -x "$prog" ] || continue
	name=$(basename "$prog")
	nprog=$((nprog + 1))
	man=""
	for m in "$top"/man/"$name".[1-8]; do
		[ -f "$m" ] && man=$m
	done
	if [ -z "$man" ]; then
		tl_fail "$name: man page" "no man/$name.[1-8]"
		continue
	fi
	mname=$(basename "$man")
	timeout 10 "$prog" --help >"$work/help" 2>"$work/help.err"
	rc=$?
	if [ $rc -ne 0 ] || ! grep -qi usage "$work/help"; then
		tl_fail "$name --help" "exit status $rc, no usage on stdout"
		continue
	fi
	# The usage lines: up to the first empty line.
	sed '/^[	 ]*$/q' "$work/help" | opts >"$work/u"
	man_section "$man" SYNOPSIS >"$work/syn"
	opts <"$work/syn" >"$work/m"
	if [ -s "$work/u" ] && diff "$work/u" "$work/m" >"$work/d"; then
		tl_ok "$mname SYNOPSIS lists the options of the usage of $name --help"
	else
		tl_fail "$mname SYNOPSIS differs from the usage of $name --help" \
		    "(< usage, > SYNOPSIS) $(grep '^[<>]' "$work/d" | tr '\n' ' ')"
	fi
	opts <"$work/help" >"$work/all"
	{ cat "$work/syn"; man_items "$man"; } | opts >"$work/documented"
	missing=$(comm -23 "$work/all" "$work/documented" | tr '\n' ' ')
	if [ -s "$work/all" ] && [ -z "$missing" ]; then
		tl_ok "$mname documents every option of $name --help"
	else
		tl_fail "$mname documents every option of $name --help" \
		    "missing: ${missing:-(no option found in --help)}"
	fi
done
[ $nprog -gt 0 ] || tl_fail programs "none built in $bdir"

# Every static key is documented in the man page and the README.
printf '' > "$work/empty.log"
"$bdir/postfix-statsd" --once --from-start -l "$work/empty.log" -d "$work/db" 2>/dev/null
"$bdir/postfix-stats-get" -d "$work/db" --all | cut -d' ' -f1 | grep -v '^self:' > "$work/keys"
missing=""
for k in $(cat "$work/keys"); do
	cat_=${k%%:*} name=${k#*:}
	grep -q "$k\|$cat_:.*$name\|$name" "$top/man/postfix-statsd.8" || missing="$missing man:$k"
	grep -q "$k" "$top/README.md" || missing="$missing README:$k"
done
if [ -s "$work/keys" ] && [ -z "$missing" ]; then
	tl_ok "every key is documented"
else
	tl_fail "undocumented keys:$missing"
fi

# Nothing refers to a directory beside the repository.
if grep -rnI --exclude-dir=.git --exclude-dir=build --exclude-dir=seeds \
    -e '\.\./[s]hared' -e '/work/[s]hared' "$top" >"$work/refs"; then
	tl_fail "the repository refers to a directory beside it" "$(head -n 5 "$work/refs")"
else
	tl_ok "nothing refers to a directory outside the repository"
fi

# Every relative link of the README names a file of the repository.
grep -oE '\]\([^)#]+' "$top/README.md" | sed 's/^](//' |
    grep -vE '^[a-z]+:' >"$work/links"
bad=""
for l in $(cat "$work/links"); do
	case $l in
	/*|../*) bad="$bad $l" ;;
	*) [ -e "$top/$l" ] || bad="$bad $l" ;;
	esac
done
if [ -z "$bad" ]; then
	tl_ok "the README's $(wc -l <"$work/links") relative links name files inside the repository"
else
	tl_fail "README links to files outside the repository or missing:$bad"
fi
# Every source file carries the licence's SPDX line.
nospdx=$(cd "$top" && { git ls-files 2>/dev/null || find . -type f | sed 's#^\./##'; } |
    grep -E '\.(c|h|sh|pl|awk)$|(^|/)Makefile$' | while read -r f; do
	[ -f "$f" ] && ! grep -q 'SPDX-License-Identifier: ISC' "$f" && echo "$f"
    done)
if [ -z "$nospdx" ]; then
	tl_ok "every source file has an SPDX-License-Identifier line"
else
	tl_fail "SPDX lines" "missing in: $(echo "$nospdx" | tr '\n' ' ')"
fi
tl_summary
