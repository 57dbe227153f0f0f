#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# drlb_pkg_docs.sh - the man page and the bash completion, on the host (no
# module, no root needed). TAP.
#
#   - drlbctl.8 renders without a warning (groff -ww, man -l);
#   - it has the sections a man page needs, and documents every command of
#     the binary's command table and every form of its grammar (the table
#     that drives completion), so neither can drift from the binary;
#   - drlbctl __complete answers partial command lines;
#   - the bash script, sourced in bash, completes through the binary.

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DRLBCTL=${DRLBCTL:-$top/userspace/drlbctl}
MANPAGE=${MANPAGE:-$top/userspace/drlbctl.8}
COMPLETION=${COMPLETION:-$top/userspace/completion/drlbctl}
export LC_ALL=C.UTF-8 MANWIDTH=200

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; printf '#   %s\n' "$@"; }
is() { if [ "$2" == "$3" ]; then ok "$1"; else nok "$1" "got:  '$2'" "want: '$3'"; fi; }

# ---- man page ---------------------------------------------------------------
out=$(groff -ww -man -z "$MANPAGE" 2>&1)
is "groff -ww -man -z: no warnings" "$out" ""
out=$(man -l "$MANPAGE" 2>&1 >/dev/null)
is "man -l renders without warnings" "$out" ""
page=$(man -l "$MANPAGE" 2>/dev/null | col -b)

for s in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS "JSON OUTPUT" "FILE FORMAT" \
	 "EXIT STATUS" EXAMPLES ENVIRONMENT FILES "SEE ALSO"; do
	if grep -qx "$s" <<< "$page"; then ok "man page has $s"; else nok "man page has $s"; fi
done
for r in "ipvsadm(8)" "ip(8)"; do
	if grep -qF "$r" <<< "$page"; then ok "SEE ALSO $r"; else nok "SEE ALSO $r"; fi
done
synopsis=$(sed -n '/^SYNOPSIS$/,/^DESCRIPTION$/p' <<< "$page")

# Every command of the binary (drlbctl help) in the man page.
cmds=$("$DRLBCTL" help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 { print $1 }')
[ -n "$cmds" ] || nok "drlbctl help lists commands"
for c in $cmds; do
	if grep -qE "^ +$c( |$)" <<< "$synopsis"; then
		ok "SYNOPSIS has '$c'"
	else
		nok "SYNOPSIS has '$c'"
	fi
done

# Every grammar form: its literal words, in order, on one SYNOPSIS line,
# and every grammar command is a command of the binary.
while IFS= read -r g; do
	lits=$(tr ' ' '\n' <<< "$g" | tr -d '[]' | grep -E '^[a-z]' | sed 's/\.\.\.$//' | tr '|' '\n' | grep -vE '^-?$')
	first=${g%% *}
	# The first SYNOPSIS line of this command holding all its words.
	line= missing=" $lits"
	while IFS= read -r cand; do
		m=
		for w in $lits; do grep -qw -- "$w" <<< "$cand" || m+=" $w"; done
		[ -z "$m" ] && { line=$cand; missing=; break; }
	done < <(grep -E "^ +$first( |$)" <<< "$synopsis")
	if [ -n "$line" ] && [ -z "$missing" ]; then
		ok "man SYNOPSIS covers '$g'"
	else
		nok "man SYNOPSIS covers '$g'" "line: $line" "missing:$missing"
	fi
	if grep -qx "$first" <<< "$cmds"; then ok "'$first' is a drlbctl command"; else nok "'$first' is a drlbctl command"; fi
done < <("$DRLBCTL" __complete --grammar)

# Every command of the binary has a grammar line (so it completes).
grammar_cmds=$("$DRLBCTL" __complete --grammar | awk '{ print $1 }' | sort -u)
for c in $cmds; do
	if grep -qx "$c" <<< "$grammar_cmds"; then ok "'$c' has a grammar line"; else nok "'$c' has a grammar line"; fi
done

# ---- completion, from the binary ------------------------------------------------
comp() { "$DRLBCTL" __complete "$@" | paste -sd' '; }
is "complete commands" "$(comp 1 drlbctl "")" "$(paste -sd' ' <<< "$cmds")"
is "complete 'se'" "$(comp 1 drlbctl se)" "service server"
is "complete global options '--j'" "$(comp 1 drlbctl --j)" "--json"
is "complete after options" "$(comp 2 drlbctl -j con)" "conn config"
is "complete service subcommands" "$(comp 2 drlbctl service "")" "add change del show"
is "complete protocols" "$(comp 3 drlbctl service add "")" "tcp udp sctp"
is "no guesses for a VIP" "$(comp 4 drlbctl service add tcp "")" ""
is "complete service options" "$(comp 5 drlbctl service add tcp 10.0.0.1:80 "")" \
	"sched persistent netmask expire-nodest"
is "used options are not offered again" \
	"$(comp 7 drlbctl service add tcp 10.0.0.1:80 sched rr "")" "persistent netmask expire-nodest"
is "complete yes/no" "$(comp 6 drlbctl service add tcp 10.0.0.1:80 expire-nodest "")" "yes no"
is "persistent off on change" "$(comp 6 drlbctl service change tcp 10.0.0.1 persistent o)" "off"
is "server weight" "$(comp 6 drlbctl server add tcp 10.0.0.1:80 10.0.0.11 "")" "weight"
is "stats" "$(comp 2 drlbctl stats "")" "show zero"
is "stats zero PROTO" "$(comp 3 drlbctl stats zero "")" "tcp udp sctp"
is "flush all" "$(comp 2 drlbctl flush "")" "all"
keys=$("$DRLBCTL" __complete 3 drlbctl config set "" | paste -sd' ')
is "config keys come from config's own table" "$keys" \
	"timeout-tcp-est timeout-tcp-syn timeout-tcp-fin timeout-tcp-close timeout-udp timeout-sctp timeout-other conn-max mh-table-size mh-seed"
is "config keys already given are not offered" "$(comp 5 drlbctl config set conn-max 5 mh)" \
	"mh-table-size mh-seed"
is "no completion for a value" "$(comp 4 drlbctl config set conn-max "")" ""
is "restore completes files" "$(comp 2 drlbctl restore "")" "@file -"
is "-f completes files" "$(comp 2 drlbctl -f "")" "@file"
is "nothing after a complete command" "$(comp 2 drlbctl version "")" ""
is "unknown command: nothing" "$(comp 3 drlbctl frob x "")" ""
if "$DRLBCTL" __complete 3 drlbctl arp add "" >/dev/null 2>&1 && grep -q '^arp' <<< "$cmds"; then
	is "arp dev completes devices" "$(comp 5 drlbctl arp add 10.0.0.1 dev l)" "lo"
	is "arp: dev or ifindex, not both" "$(comp 6 drlbctl arp add 10.0.0.1 dev lo "")" ""
fi
is "hidden __complete is not in help" "$("$DRLBCTL" help | grep -c __complete)" 0

# ---- the bash script ----------------------------------------------------------
bashcomp()
{
	PATH=$(dirname "$DRLBCTL"):$PATH bash -c '
		source "$1"
		COMP_LINE=$2 COMP_POINT=${#2}
		COMPREPLY=()
		_drlbctl
		printf "%s\n" "${COMPREPLY[@]}" | sort | paste -sd" "' _ "$COMPLETION" "$1"  2>/dev/null
}
is "bash: commands" "$(bashcomp "drlbctl ser")" "server service"
is "bash: VIP:PORT counts as one word" \
	"$(bashcomp "drlbctl service add tcp 10.0.0.100:80 ex")" "expire-nodest"
d=$(mktemp -d)
touch "$d/drlb.conf"
is "bash: restore completes file names" "$(cd "$d" && bashcomp "drlbctl restore drlb")" "drlb.conf"
rm -rf "$d"
is "bash: complete -F is registered" \
	"$(bash -c 'source "$1"; complete -p drlbctl' _ "$COMPLETION")" "complete -F _drlbctl drlbctl"

echo "1..$n"
[ $failed = 0 ]
