#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# drlb_pkg_docs.sh - the man page and the bash completion, on the host (no
# module, no root needed). TAP, through lib/lib.sh.
#
#   - drlbctl.8 renders without a warning (groff -ww, man -l);
#   - it has the sections a man page needs, and documents every command of
#     the binary's command table and every form of its grammar (the table
#     that drives completion), so neither can drift from the binary;
#   - drlbctl __complete answers partial command lines;
#   - the bash script, sourced in bash, completes through the binary.
#
# Nothing here changes anything: the rendered page, the command list and
# the grammar are read once, before the cases.

# shellcheck source=../lib/lib.sh
source "$(dirname "$0")/../lib/lib.sh"

ALL_TESTS="
	man_renders_clean
	man_sections
	man_synopsis_has_commands
	man_synopsis_covers_grammar
	grammar_has_every_command
	complete_from_binary
	bash_completion_script
"

MANPAGE=${MANPAGE:-$TOP/userspace/drlbctl.8}
COMPLETION=${COMPLETION:-$TOP/userspace/completion/drlbctl}
export LC_ALL=C.UTF-8 MANWIDTH=200

page=$(man -l "$MANPAGE" 2>/dev/null | col -b)
synopsis=$(sed -n '/^SYNOPSIS$/,/^DESCRIPTION$/p' <<< "$page")
# The commands of the binary (drlbctl help), and its grammar's forms.
cmds=$("$DRLBCTL" help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 { print $1 }')
grammar=$("$DRLBCTL" __complete --grammar)

man_renders_clean()
{
	check_eq "groff -ww -man -z: no warnings" \
		"$(groff -ww -man -z "$MANPAGE" 2>&1)" ""
	check_eq "man -l renders without warnings" \
		"$(man -l "$MANPAGE" 2>&1 >/dev/null)" ""
}

man_sections()
{
	local s r

	for s in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS "JSON OUTPUT" \
		 "FILE FORMAT" "EXIT STATUS" EXAMPLES ENVIRONMENT FILES "SEE ALSO"; do
		check "man page has $s" grep -qx "$s" <<< "$page"
	done
	for r in "ipvsadm(8)" "ip(8)"; do
		check "SEE ALSO $r" grep -qF "$r" <<< "$page"
	done
}

# Every command of the binary (drlbctl help) in the man page.
man_synopsis_has_commands()
{
	local c

	[ -n "$cmds" ] || tap_fail "drlbctl help lists commands"
	for c in $cmds; do
		check "SYNOPSIS has '$c'" grep -qE "^ +$c( |$)" <<< "$synopsis"
	done
}

# Every grammar form: its literal words, in order, on one SYNOPSIS line,
# and every grammar command is a command of the binary.
man_synopsis_covers_grammar()
{
	local g literals first line missing cand m w

	while IFS= read -r g; do
		literals=$(tr ' ' '\n' <<< "$g" | tr -d '[]' | grep -E '^[a-z]' |
		       sed 's/\.\.\.$//' | tr '|' '\n' | grep -vE '^-?$')
		first=${g%% *}
		# The first SYNOPSIS line of this command holding all its words.
		line=
		missing=" $literals"
		while IFS= read -r cand; do
			m=
			for w in $literals; do
				grep -qw -- "$w" <<< "$cand" || m+=" $w"
			done
			if [ -z "$m" ]; then
				line=$cand
				missing=
				break
			fi
		done < <(grep -E "^ +$first( |$)" <<< "$synopsis")
		if [ -n "$line" ] && [ -z "$missing" ]; then
			tap_ok "man SYNOPSIS covers '$g'"
		else
			tap_fail "man SYNOPSIS covers '$g'" "line: $line" "missing:$missing"
		fi
		check "'$first' is a drlbctl command" grep -qx "$first" <<< "$cmds"
	done <<< "$grammar"
}

# Every command of the binary has a grammar line (so it completes).
grammar_has_every_command()
{
	local grammar_cmds c

	grammar_cmds=$(awk '{ print $1 }' <<< "$grammar" | sort -u)
	for c in $cmds; do
		check "'$c' has a grammar line" grep -qx "$c" <<< "$grammar_cmds"
	done
}

# comp CWORD WORDS...: drlbctl's completions, on one line.
comp()
{
	"$DRLBCTL" __complete "$@" | paste -sd' '
}

complete_from_binary()
{
	check_eq "complete commands" "$(comp 1 drlbctl "")" "$(paste -sd' ' <<< "$cmds")"
	check_eq "complete 'se'" "$(comp 1 drlbctl se)" "service server"
	check_eq "complete global options '--j'" "$(comp 1 drlbctl --j)" "--json"
	check_eq "complete after options" "$(comp 2 drlbctl -j con)" "conn config"
	check_eq "complete service subcommands" "$(comp 2 drlbctl service "")" \
		"add change del show"
	check_eq "complete protocols and fwmark" "$(comp 3 drlbctl service add "")" \
		"tcp udp sctp fwmark"
	check_eq "no guesses for a VIP" "$(comp 4 drlbctl service add tcp "")" ""
	check_eq "no guesses for a mark" "$(comp 4 drlbctl service add fwmark "")" ""
	check_eq "fwmark MARK: the service options follow" \
		"$(comp 5 drlbctl service add fwmark 5 "")" \
		"sched sched-flags persistent netmask expire-nodest midstream onepacket family"
	check_eq "fwmark MARK RIP: the server options follow" \
		"$(comp 6 drlbctl server add fwmark 5 10.0.0.11 "")" \
		"weight u-threshold l-threshold"
	check_eq "complete service options" \
		"$(comp 5 drlbctl service add tcp 10.0.0.1:80 "")" \
		"sched sched-flags persistent netmask expire-nodest midstream onepacket"
	check_eq "used options are not offered again" \
		"$(comp 7 drlbctl service add tcp 10.0.0.1:80 sched rr "")" \
		"sched-flags persistent netmask expire-nodest midstream onepacket"
	check_eq "complete yes/no" \
		"$(comp 6 drlbctl service add tcp 10.0.0.1:80 expire-nodest "")" "yes no"
	check_eq "persistent off on change" \
		"$(comp 6 drlbctl service change tcp 10.0.0.1 persistent o)" "off"
	check_eq "server options" \
		"$(comp 6 drlbctl server add tcp 10.0.0.1:80 10.0.0.11 "")" \
		"weight u-threshold l-threshold"
	check_eq "scheduler flags" \
		"$(comp 6 drlbctl service change tcp 10.0.0.1:80 sched-flags "")" \
		"port fallback port,fallback none"
	check_eq "stats" "$(comp 2 drlbctl stats "")" "--watch show zero"
	check_eq "stats zero PROTO or fwmark" "$(comp 3 drlbctl stats zero "")" \
		"tcp udp sctp fwmark"
	check_eq "flush all" "$(comp 2 drlbctl flush "")" "all"
	check_eq "config keys come from config's own table" \
		"$(comp 3 drlbctl config set "")" \
		"timeout-tcp-est timeout-tcp-syn timeout-tcp-fin timeout-tcp-close timeout-udp timeout-sctp timeout-other bypass-mark conn-max mh-table-size mh-seed cluster"
	check_eq "config keys already given are not offered" \
		"$(comp 5 drlbctl config set conn-max 5 mh)" "mh-table-size mh-seed"
	check_eq "no completion for a value" "$(comp 4 drlbctl config set conn-max "")" ""
	check_eq "restore completes files and --check" "$(comp 2 drlbctl restore "")" "@file - --check"
	check_eq "restore --check completes files" "$(comp 3 drlbctl restore --check "")" "@file -"
	check_eq "-f completes files" "$(comp 2 drlbctl -f "")" "@file"
	check_eq "nothing after a complete command" "$(comp 2 drlbctl version "")" ""
	check_eq "unknown command: nothing" "$(comp 3 drlbctl frob x "")" ""
	if "$DRLBCTL" __complete 3 drlbctl arp add "" >/dev/null 2>&1 &&
	   grep -q '^arp' <<< "$cmds"; then
		check_eq "arp dev completes devices" \
			"$(comp 5 drlbctl arp add 10.0.0.1 dev l)" "lo"
		check_eq "arp: dev or ifindex, not both; packet-sockets next" \
			"$(comp 6 drlbctl arp add 10.0.0.1 dev lo "")" "packet-sockets"
		check_eq "arp: packet-sockets takes yes or no" \
			"$(comp 7 drlbctl arp add 10.0.0.1 dev lo packet-sockets "")" \
			"yes no"
	fi
	check_eq "hidden __complete is not in help" \
		"$("$DRLBCTL" help | grep -c __complete)" 0
}

# bashcomp LINE: what the bash script completes LINE to, sorted, on one
# line.
bashcomp()
{
	# shellcheck disable=SC2016 # expanded by the inner bash
	PATH=$(dirname "$DRLBCTL"):$PATH bash -c '
		source "$1"
		COMP_LINE=$2 COMP_POINT=${#2}
		COMPREPLY=()
		_drlbctl
		printf "%s\n" "${COMPREPLY[@]}" | sort | paste -sd" "' \
		_ "$COMPLETION" "$1" 2>/dev/null
}

bash_completion_script()
{
	local d

	check_eq "bash: commands" "$(bashcomp "drlbctl ser")" "server service"	# codespell:ignore (a completion prefix)
	check_eq "bash: VIP:PORT counts as one word" \
		"$(bashcomp "drlbctl service add tcp 10.0.0.100:80 ex")" "expire-nodest"
	d=$(mktemp -d)
	defer rm -rf "$d"
	touch "$d/drlb.conf"
	check_eq "bash: restore completes file names" \
		"$(cd "$d" && bashcomp "drlbctl restore drlb")" "drlb.conf"
	# shellcheck disable=SC2016 # expanded by the inner bash
	check_eq "bash: complete -F is registered" \
		"$(bash -c 'source "$1"; complete -p drlbctl' _ "$COMPLETION")" \
		"complete -F _drlbctl drlbctl"
}

tests_run
