#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The netlink contract: malformed requests are refused with an errno and an
# extack message and change nothing (drlb_nlcheck); drlbctl rejects bad
# words before talking to the kernel and changes nothing.

source "$(dirname "$0")/lib/lib.sh"
require_root
drlb_load

# drlb_nlcheck prints its own TAP lines; renumber them into ours.
nlout=$(mktemp)
defer rm -f "$nlout"
"$TOP/selftests/helpers/drlb_nlcheck" > "$nlout" 2>&1
while IFS= read -r line; do
	case "$line" in
	"ok "*)		tap_ok "nlcheck: ${line#ok * - }" ;;
	"not ok "*)	tap_fail "nlcheck: ${line#not ok * - }" ;;
	"#"*)		echo "$line" ;;
	esac
done < "$nlout"

before=$("$DRLBCTL" -j config show)
for args in "config set" "config set conn-max" "config set conn-max 0" \
	    "config set conn-max -5" "config set conn-max 12abc" \
	    "config set mh-table-size 100" "config set bogus 1" \
	    "config set conn-count 5" "config set conn-max 5 conn-max 6" \
	    "config set timeout-udp 99999999999" "config frob"; do
	# shellcheck disable=SC2086
	out=$("$DRLBCTL" $args 2>&1) && rc=0 || rc=$?
	if [ $rc -eq 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] &&
	   printf '%s' "$out" | grep -q '^drlbctl: '; then
		tap_ok "'drlbctl $args' is a usage error: $out"
	else
		tap_fail "'drlbctl $args' is a one-line usage error (exit 2)" \
			"exit $rc" "$out"
	fi
done
out=$("$DRLBCTL" config set mh-table-size 65536 2>&1) && rc=0 || rc=$?
check_eq "non-prime Maglev size refused by the kernel (exit 1)" "$rc" 1
check_match "the kernel's extack text reaches the user" "$out" \
	"^drlbctl: config set: the Maglev table size must be a prime$"
check_eq "settings unchanged after bad input" \
	"$("$DRLBCTL" -j config show)" "$before"

check "a valid change is applied" "$DRLBCTL" config set mh-table-size 251 timeout-udp 30
check_match "and shows" "$("$DRLBCTL" config show)" "^timeout-udp 30$"
