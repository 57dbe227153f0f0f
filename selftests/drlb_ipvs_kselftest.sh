#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own IPVS selftest, tools/testing/selftests/net/netfilter/
# ipvs.sh from Debian's linux-source-6.12 (extracted unmodified into
# build/kselftest/ by selftests/Makefile), run against drlb_ipvs with the
# shipped modprobe.d file on, as an operator would have it: the script's
# `modprobe ip_vs` then loads drlb_ipvs, and ip_vs never loads.
#
#   dr_case
#      its DR case passes: the client's data reaches the real server
#      through drlb (the VIP is also on the director's lo, with nothing
#      listening: were drlb not forwarding, the director would answer
#      with a reset and the case would fail, as the NAT one does).
#   nat_refused, tun_refused
#      its NAT and tunnel cases fail, as they must: ipvsadm -m and -i are
#      refused (drlb is DR only), so no data reaches the real server.
#
# Running one case: ipvs.sh ends with `trap cleanup EXIT`, `run_tests` and
# its verdict; run_tests does, for each mode, `cleanup; setup; test_MODE`.
# Each case here evaluates the script's text up to that trap line - its
# own definitions, module and tool checks, unchanged - in a bash of its
# own in the script's directory, then makes the same calls run_tests makes
# for one mode, and exits with test_MODE's status (the script's own
# verdict for that mode).

# shellcheck source=lib/lib.sh
source "$(dirname "$0")/lib/lib.sh"
# shellcheck source=lib/modtree.sh
source "$(dirname "$0")/lib/modtree.sh"
require_root

ALL_TESTS="
	dr_case
	nat_refused
	tun_refused
"

KSFT=$TOP/build/kselftest/linux-source-6.12/tools/testing/selftests/net/netfilter
[ -e "$KSFT/ipvs.sh" ] || skip_all "$KSFT/ipvs.sh missing: make -C selftests (needs linux-source-6.12)"
command -v ipvsadm >/dev/null || skip_all "ipvsadm missing"
command -v socat >/dev/null || skip_all "socat missing"
IPVS_KO=$(dirname "$DRLB_KO")/drlb_ipvs.ko
[ -e "$IPVS_KO" ] || skip_all "$IPVS_KO missing: run 'make module KVER=$KREL'"

# The drivers ipvs.sh assumes loaded, before the module tree hides them.
modprobe -qa veth bridge
modtree_mount "$DRLB_KO" "$IPVS_KO"
cp "$TOP/kmod/ipvs/modprobe.conf" /etc/modprobe.d/drlb-ipvs.conf
defer rm -f /etc/modprobe.d/drlb-ipvs.conf

# ksft_mode MODE: ipvs.sh's case MODE (dr, nat, tun), as described above;
# its output goes to $OUT, its status is returned.
OUT=$(mktemp)
defer rm -f "$OUT"
ksft_mode()
{
	(cd "$KSFT" && bash -c '
		eval "$(sed "/^trap cleanup EXIT/,\$d" ipvs.sh)"
		trap cleanup EXIT
		cleanup
		setup
		"test_$1"' ipvs.sh "$1") > "$OUT" 2>&1
}

# unload_all: drlb_ipvs, ip_vs, drlb; whatever is loaded.
unload_all()
{
	[ -d /sys/module/drlb_ipvs ] && rmmod drlb_ipvs
	[ -d /sys/module/ip_vs ] && rmmod ip_vs
	drlb_unload
}

dr_case()
{
	local rc

	unload_all
	defer unload_all
	ksft_mode dr && rc=0 || rc=$?
	diag_block "ipvs.sh DR case" 0 "$(cat "$OUT")"
	check_eq "ipvs.sh's DR case passes (status of test_dr)" "$rc" 0
	check "its modprobe ip_vs loaded drlb_ipvs" test -d /sys/module/drlb_ipvs
	check_fail "and never ip_vs" test -d /sys/module/ip_vs
}

# refused MODE WHAT: ipvs.sh's MODE case fails because ipvsadm refused WHAT.
refused()
{
	local rc

	unload_all
	defer unload_all
	ksft_mode "$1" && rc=0 || rc=$?
	diag_block "ipvs.sh $1 case" 0 "$(cat "$OUT")"
	check "ipvs.sh's $1 case fails (status of test_$1: $rc)" test "$rc" -ne 0
	check_match "ipvsadm refused $2" "$(cat "$OUT")" \
		"Operation not supported"
	check_fail "ip_vs never loaded" test -d /sys/module/ip_vs
}

nat_refused()
{
	refused nat "masquerading (-m)"
}

tun_refused()
{
	refused tun "tunnelling (-i)"
}

tests_run
