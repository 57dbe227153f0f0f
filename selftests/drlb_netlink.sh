#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The netlink contract: malformed requests are refused with an errno and an
# extack message and change nothing (drlb_nlcheck); drlbctl rejects bad
# words before talking to the kernel and changes nothing.

source "$(dirname "$0")/lib/lib.sh"
require_root

ALL_TESTS="
	nlcheck_refusals
	usage_errors_change_nothing
	kernel_refusal_has_extack
	valid_change_applies
"

defer drlb_unload
drlb_load || { tap_fail "load drlb.ko"; exit "$ksft_fail"; }

# keep_config: the namespace's settings as they are now come back when the
# case ends.
keep_config()
{
	local out words

	out=$("$DRLBCTL" save) || return 1
	# The first line is a comment, the second sets every settable key.
	out=${out#*$'\n'}
	read -ra words <<< "${out%%$'\n'*}"
	[ "${words[0]} ${words[1]}" = "config set" ] || return 1
	defer "$DRLBCTL" "${words[@]}"
}

# has_line TEXT LINE: TEXT has a line that is LINE.
has_line()
{
	local l

	while IFS= read -r l; do
		[ "$l" = "$2" ] && return 0
	done <<< "$1"
	return 1
}

nlcheck_refusals()
{
	local line

	# drlb_nlcheck prints its own TAP lines; renumber them into ours.
	while IFS= read -r line; do
		case "$line" in
		"ok "*)		tap_ok "nlcheck: ${line#ok * - }" ;;
		"not ok "*)	tap_fail "nlcheck: ${line#not ok * - }" ;;
		"#"*)		echo "$line" ;;
		esac
	done < <("$TOP/selftests/helpers/drlb_nlcheck" 2>&1)
}

# Bad words: a one-line usage error (exit 2) before the kernel is asked.
usage_errors_change_nothing()
{
	local before args out rc lines

	before=$("$DRLBCTL" -j config show)
	for args in "config set" "config set conn-max" "config set conn-max 0" \
		    "config set conn-max -5" "config set conn-max 12abc" \
		    "config set mh-table-size 100" "config set bogus 1" \
		    "config set conn-count 5" "config set conn-max 5 conn-max 6" \
		    "config set timeout-udp 99999999999" "config frob"; do
		# shellcheck disable=SC2086 # ARGS are words
		out=$("$DRLBCTL" $args 2>&1) && rc=0 || rc=$?
		if [ $rc -eq 2 ] && [[ $out == "drlbctl: "* && $out != *$'\n'* ]]; then
			tap_ok "'drlbctl $args' is a usage error: $out"
		else
			mapfile -t lines <<< "$out"
			tap_fail "'drlbctl $args' is a one-line usage error (exit 2)" \
				"exit $rc" "${lines[@]}"
		fi
	done
	check_eq "settings unchanged after bad input" \
		"$("$DRLBCTL" -j config show)" "$before"
}

# A value only the kernel can judge: refused with its extack text.
kernel_refusal_has_extack()
{
	local before out rc

	before=$("$DRLBCTL" -j config show)
	out=$("$DRLBCTL" config set mh-table-size 65536 2>&1) && rc=0 || rc=$?
	check_eq "non-prime Maglev size refused by the kernel (exit 1)" "$rc" 1
	check "the kernel's extack text reaches the user" has_line "$out" \
		"drlbctl: config set: the Maglev table size must be a prime"
	check_eq "settings unchanged after a refused change" \
		"$("$DRLBCTL" -j config show)" "$before"
}

valid_change_applies()
{
	keep_config || { tap_fail "save the settings"; return; }
	check "a valid change is applied" \
		"$DRLBCTL" config set mh-table-size 251 timeout-udp 30
	check "and shows" has_line "$("$DRLBCTL" config show)" "timeout-udp 30"
}

tests_run
