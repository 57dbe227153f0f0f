#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The interface of drlb's ARP features, on two namespaces joined by a veth
# pair (the behaviour on a DR LAN is drlb_arp.sh's):
#
#   NS_D "director"  d0 10.0.0.2/24, VIP 10.0.0.100/32 on d0
#        |
#   NS_R "real server" e0 10.0.0.11/24, VIP on lo, an ARP rule for it
#
#   1. Bad input (drlbctl arp / vip) is one clear line, the right exit
#      status, and changes nothing (rules identical, no ARP sent).
#   2. The netlink contract of NEW/DEL/GET_ARP (drlb_arp_nlcheck).
#   3. Permissions: rules need CAP_NET_ADMIN, listing them does not;
#      vip commands need CAP_NET_RAW.
#   4. Namespaces with rules (and live hooks) torn down, ten times; the
#      module unloads with rules present; dmesg stays clean.

source "$(dirname "$0")/lib/lib.sh"
require_root
for t in tcpdump jq; do
	command -v "$t" >/dev/null || skip_all "$t missing (scripts/install-deps.sh)"
done

VIP=10.0.0.100
D_MAC=02:00:0a:00:00:02
R_MAC=02:00:0a:00:00:11

dmesg_start=$(dmesg | wc -l)
drlb_load || { tap_fail "load drlb.ko"; exit; }
tmpd=$(mktemp -d)
defer rm -rf "$tmpd"
modprobe -q veth
setup_ns NS_D NS_R || { tap_fail "create namespaces"; exit; }
ip link add d0 netns "$NS_D" address "$D_MAC" type veth \
	peer name e0 netns "$NS_R" address "$R_MAC"
ip -n "$NS_D" link set d0 up
ip -n "$NS_R" link set e0 up
ip -n "$NS_D" addr add 10.0.0.2/24 dev d0
ip -n "$NS_D" addr add "$VIP/32" dev d0
ip -n "$NS_R" addr add 10.0.0.11/24 dev e0
ip -n "$NS_R" addr add "$VIP/32" dev lo
check "real server: drlbctl arp add $VIP" dctl "$NS_R" arp add "$VIP"

# =========================================================================
diag "1. bad input changes nothing (at ${SECONDS}s)"

export DRLBCTL VIP

# bad NS < lines "RC ARGS...": each "drlbctl ARGS" run in NS fails with
# exit status RC and exactly one line, "drlbctl: ...". All in one
# namespace switch: the guest is slow to start processes.
bad()
{
	local want rc n first args

	while IFS=$'\t' read -r want rc n first args; do
		if [ "$rc" = "$want" ] && [ "$n" = 1 ] && [[ $first == "drlbctl: "* ]]; then
			tap_ok "'drlbctl $args': exit $want: $first"
		else
			tap_fail "'drlbctl $args' fails with exit $want and one line" \
				"exit $rc, $n lines, the first: $first"
		fi
	done < <(ip netns exec "$1" bash -c '
		while read -r want args; do
			[ -n "$want" ] || continue
			# shellcheck disable=SC2086
			out=$("$DRLBCTL" $args 2>&1) && rc=0 || rc=$?
			mapfile -t lines <<< "$out"
			printf "%s\t%s\t%s\t%s\t%s\n" "$want" "$rc" "${#lines[@]}" \
				"${lines[0]}" "$args"
		done')
}

ns=$NS_R
before=$(dctl "$ns" -j arp show)
bad "$ns" <<-EOF
	2 arp add
	2 arp add 10.0.0
	2 arp add 10.0.0.256
	2 arp add vip
	2 arp add $VIP dev
	2 arp add $VIP dev e0 extra
	2 arp add $VIP via e0
	2 arp add $VIP ifindex 0
	2 arp add $VIP ifindex -1
	2 arp add $VIP dev 0123456789abcdefg
	1 arp add $VIP dev nosuchdev
	1 arp add $VIP
	1 arp del 10.0.0.99
	1 arp del $VIP dev e0
	1 arp add 224.0.0.5
	1 arp add 0.0.0.0
	1 arp add $VIP ifindex 99999
	2 arp frob
	2 arp show extra
	EOF
out=$(dctl "$ns" arp add "$VIP" 2>&1)
check_eq "duplicate rule: the kernel's reason reaches the user" "$out" \
	"drlbctl: arp add $VIP: this ARP rule exists"
out=$(dctl "$ns" arp del "$VIP" dev e0 2>&1)
check_eq "missing rule: said so" "$out" \
	"drlbctl: arp del $VIP dev e0: no such ARP rule"
out=$(dctl "$ns" arp add "$VIP" dev nosuchdev 2>&1)
check_eq "unknown device: said so" "$out" \
	"drlbctl: arp add: no device 'nosuchdev' in this network namespace"
check_eq "arp rules unchanged after bad input" "$(dctl "$ns" -j arp show)" "$before"

ip netns exec "$NS_R" tcpdump -U -n -i e0 -w "$tmpd/bad.pcap" arp \
	2> "$tmpd/bad.log" &
cap=$!
slowwait 20 grep -q "listening on" "$tmpd/bad.log"
ns=$NS_D
bad "$ns" <<-EOF
	2 vip announce $VIP dev d0 count 0
	2 vip announce $VIP dev d0 count 1001
	2 vip announce $VIP dev d0 count x
	2 vip announce $VIP dev d0 interval 9
	2 vip announce $VIP dev d0 interval 60001
	2 vip announce $VIP dev d0 count 1 count 2
	2 vip announce $VIP dev d0 timeout 5
	2 vip announce $VIP
	2 vip announce $VIP dev
	2 vip announce 10.0.0.1000 dev d0
	1 vip announce $VIP dev nosuch
	1 vip announce $VIP dev lo
	1 vip announce 10.0.0.99 dev d0
	2 vip check $VIP dev d0 timeout 5
	2 vip check $VIP dev d0 timeout 60001
	2 vip check $VIP dev d0 owner 02:00:0a
	2 vip check $VIP dev d0 count 1
	1 vip check $VIP dev d0 owner $R_MAC
	2 vip
	2 vip frob
	EOF
bad "$NS_R" <<-EOF
	1 vip announce $VIP dev e0
	EOF
out=$(dctl "$ns" vip announce 10.0.0.99 dev d0 2>&1)
check_eq "announcing an address the host does not hold: said so" "$out" \
	"drlbctl: vip announce: 10.0.0.99 is not an address of d0: only the host holding the VIP may announce it"
sleep 0.5
kill "$cap"
wait "$cap" 2>/dev/null
check_eq "no ARP sent by the refused vip commands" \
	"$(tcpdump -r "$tmpd/bad.pcap" -nn -e 2>/dev/null)" ""

# =========================================================================
diag "2. netlink contract (at ${SECONDS}s)"

setup_ns NS_NL
nlout=$tmpd/nlcheck.tap
nsx "$NS_NL" "$TOP/selftests/helpers/drlb_arp_nlcheck" > "$nlout" 2>&1
while IFS= read -r line; do
	case "$line" in
	"ok "*)		tap_ok "nlcheck: ${line#ok * - }" ;;
	"not ok "*)	tap_fail "nlcheck: ${line#not ok * - }" ;;
	"#"*)		echo "$line" ;;
	esac
done < "$nlout"
grep -q '^ok' "$nlout" || tap_fail "drlb_arp_nlcheck ran" "$(cat "$nlout")"

# =========================================================================
diag "3. permissions (at ${SECONDS}s)"

if command -v setpriv > /dev/null; then
	nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	out=$(nsx "$NS_R" "${nobody[@]}" "$DRLBCTL" arp add 10.0.0.99 2>&1) && rc=0 || rc=$?
	check_match "an unprivileged user may not add a rule (EPERM)" "$rc: $out" \
		"^1: drlbctl: arp add 10\.0\.0\.99: Operation not permitted"
	out=$(nsx "$NS_R" "${nobody[@]}" "$DRLBCTL" arp del "$VIP" 2>&1) && rc=0 || rc=$?
	check_match "nor delete one (EPERM)" "$rc: $out" \
		"^1: drlbctl: arp del $VIP: Operation not permitted"
	out=$(nsx "$NS_R" unshare -Ur "$DRLBCTL" arp add 10.0.0.99 2>&1) && rc=0 || rc=$?
	check_match "root of a user namespace may not either (EPERM)" "$rc: $out" \
		"Operation not permitted"
	check_eq "an unprivileged user may list the rules" \
		"$(nsx "$NS_R" "${nobody[@]}" "$DRLBCTL" -j arp show)" "$before"
	out=$(nsx "$NS_D" "${nobody[@]}" "$DRLBCTL" vip check "$VIP" dev d0 2>&1) && rc=0 || rc=$?
	check_match "vip check needs CAP_NET_RAW, and says so" "$rc: $out" \
		"^1: drlbctl: vip check: cannot open a packet socket: .*CAP_NET_RAW"
	out=$(nsx "$NS_D" "${nobody[@]}" "$DRLBCTL" vip announce "$VIP" dev d0 2>&1) && rc=0 || rc=$?
	check_match "so does vip announce" "$rc: $out" "^1: .*CAP_NET_RAW"
	check_eq "rules unchanged" "$(dctl "$NS_R" -j arp show)" "$before"
else
	tap_skip "permissions" "setpriv missing"
fi

# =========================================================================
diag "4. teardown and unload with rules present (at ${SECONDS}s)"

ok_runs=0
for n in $(seq 10); do
	tns=drlb-arp-gone-$n-$(mktemp -u XXXXXX)
	ip netns add "$tns" || continue
	# One namespace switch per round. Every hook once: egress (user-space
	# gratuitous ARP: dropped), ARP out (the kernel asks from the VIP:
	# rewritten); then the namespace goes with its rules and hooks.
	ip netns exec "$tns" bash -c '
		printf "%s\n" "link set lo up" \
			"link add v0 type veth peer name v1" \
			"link set v0 up" "link set v1 up" \
			"addr add 192.0.2.1/24 dev v0" \
			"addr add $VIP/32 dev lo" "addr add $VIP/32 dev v0" |
			ip -batch - || exit 1
		"$DRLBCTL" arp add "$VIP" && "$DRLBCTL" arp add "$VIP" dev v0 &&
			"$DRLBCTL" arp add 10.0.0.101 dev v1 || exit 1
		"$DRLBCTL" vip announce "$VIP" dev v0 count 1 2> /dev/null
		ping -q -c 1 -W 0.1 -I "$VIP" 192.0.2.2 > /dev/null 2>&1
		rules=0 acted=0
		while read -r vip dev r s d; do
			[ "$vip" = VIP ] && continue
			rules=$((rules + 1))
			acted=$((acted + s + d))
		done < <("$DRLBCTL" -s arp show)
		[ $rules = 3 ] && [ $acted -ge 2 ]' && ok_runs=$((ok_runs + 1))
	ip netns del "$tns"
done
check_eq "10 namespaces with rules created, used and deleted" "$ok_runs" 10
check "the module unloads with rules present" slowwait 30 rmmod drlb
check "and loads again" drlb_load
check_eq "with no rules" "$(dctl "$NS_R" arp show)" ""
check "the module unloads again" rmmod drlb
splats=$(dmesg | tail -n +$((dmesg_start + 1)) |
	grep -E 'WARNING:|BUG:|Oops|refcount_t|Call Trace|unreferenced object' | head -5)
check_eq "dmesg clean" "$splats" ""
diag "done at ${SECONDS}s"
