#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ARP problem of LVS-DR and drlb's answers to it, on the topology of
# topo.sh (client - router - LAN bridge with the director and rs1..rs3):
#
#   1. The failure first: real servers holding the VIP on lo, default
#      sysctls, no rules: they answer ARP for the VIP and announce it, and
#      the router sends the service's traffic to a real server (ARP flux).
#   2. "drlbctl arp add VIP" on every real server: only the director
#      answers; client traffic, the real servers' own ARP (kernel
#      solicitations from the VIP, arping -U/-P from user space, kernel
#      gratuitous ARP) change nothing; a capture of the LAN shows no ARP
#      from a real server with the VIP as sender; the counters count.
#   3. vip check (the detector) and vip announce (the repair).
#   4. Director down: nobody answers.
#   5. Per-device rules, vanished devices, rule removal and module unload
#      bring the default behaviour back.
#
# Bad input, the netlink contract, permissions and namespace teardown are
# in drlb_arp_api.sh.
#
# Needs Thomas Habets' arping (Debian package "arping"), tcpdump and jq.

source "$(dirname "$0")/lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
require_root

for t in arping tcpdump jq; do
	command -v "$t" >/dev/null || skip_all "$t missing (scripts/install-deps.sh)"
done
arping --help 2>&1 | grep -q Habets ||
	skip_all "needs Thomas Habets' arping (Debian package arping)"

dmesg_start=$(dmesg | wc -l)
drlb_load || { tap_fail "load drlb.ko"; exit; }
tmpd=$(mktemp -d)
defer rm -rf "$tmpd"
topo_setup 3 || { tap_fail "set up the topology"; exit; }
topo_vip_on_director
for i in 1 2 3; do topo_vip_on_rs "$i"; done

hexip()
{
	local IFS=.

	# shellcheck disable=SC2086
	printf '0x%02x%02x%02x%02x' $1
}
VIP_HEX=$(hexip "$VIP")
ALL_MACS="$DIR_MAC ${RS_MAC[1]} ${RS_MAC[2]} ${RS_MAC[3]}"

# sorted_words WORD...: the distinct words, sorted, on one line (no
# subprocess: the guest is slow to fork).
sorted_words()
{
	local -A seen=()
	local w out=() i j t

	for w in "$@"; do
		[ -n "${seen[$w]:-}" ] && continue
		seen[$w]=1
		out+=("$w")
	done
	for ((i = 1; i < ${#out[@]}; i++)); do
		for ((j = i; j > 0; j--)); do
			[[ ${out[j-1]} > ${out[j]} ]] || break
			t=${out[j]}; out[j]=${out[j-1]}; out[j-1]=$t
		done
	done
	echo "${out[*]}"
}

# router_arp_macs [IP]: the MACs that answer the router's ARP requests for
# IP (default the VIP), sorted. Two requests, half a second apart.
router_arp_macs()
{
	local line macs=()

	while read -r line; do
		[[ $line =~ ^[0-9]+\ bytes\ from\ ([0-9a-f:]+)\  ]] &&
			macs+=("${BASH_REMATCH[1]}")
	done < <(nsx "$NS_ROUTER" arping -c 2 -W 0.5 -i r1 "${1:-$VIP}" 2>/dev/null)
	sorted_words "${macs[@]}"
}

# vipcheck NS DEV [ARGS...]: "drlbctl -j vip check VIP dev DEV ARGS";
# sets VC_RC (exit status), VC_VERDICT, VC_MACS (every MAC that answered)
# and VC_OFF (the offenders), MAC lists sorted.
vipcheck()
{
	local ns=$1 dev=$2 json macs off

	shift 2
	json=$(dctl "$ns" -j vip check "$VIP" dev "$dev" "$@" 2>&1) &&
		VC_RC=0 || VC_RC=$?
	read -r VC_VERDICT macs off < <(jq -r '[.verdict,
		([.answers[].mac] | sort | join(",") | if . == "" then "-" else . end),
		([.answers[] | select(.offender) | .mac] | sort | join(",") |
		 if . == "" then "-" else . end)] | join(" ")' <<< "$json" 2>/dev/null)
	[ "${macs:--}" = - ] && macs=
	[ "${off:--}" = - ] && off=
	VC_MACS=${macs//,/ }
	VC_OFF=${off//,/ }
	[ -n "${VC_VERDICT:-}" ] || { VC_VERDICT="?"; echo "# vip check said: $json"; }
}

# arp_counters NS [DEV]: "REQUESTS_DROPPED SOURCES_REWRITTEN SOURCES_DROPPED"
# of the rule for DEV (default: the every-device rule), from arp show -s.
arp_counters()
{
	local vip dev r s d

	while read -r vip dev r s d; do
		[ "$vip" = "$VIP" ] && [ "$dev" = "${2:-any}" ] && echo "$r $s $d"
	done < <(dctl "$1" -s arp show)
}

# arp_counter NS KEY: one counter of the every-device rule.
arp_counter()
{
	local c

	read -r -a c <<< "$(arp_counters "$1")"
	case $2 in
	requests_dropped)	echo "${c[0]:-}" ;;
	sources_rewritten)	echo "${c[1]:-}" ;;
	sources_dropped)	echo "${c[2]:-}" ;;
	esac
}

# counter_reaches NS KEY WANT: for slowwait.
counter_reaches() { [ "$(arp_counter "$1" "$2")" -ge "$3" ] 2>/dev/null; }

# cap_start NAME / cap_stop: capture ARP on the LAN bridge.
# cap_read NAME FILTER: the captured frames matching the BPF FILTER.
cap_start()
{
	ip netns exec "$NS_SW" tcpdump -U -n -i br0 -w "$tmpd/$1.pcap" arp \
		2> "$tmpd/$1.log" &
	CAP_PID=$!
	slowwait 20 grep -q "listening on" "$tmpd/$1.log"
}
cap_stop()
{
	sleep 0.5	# let the last frames reach the bridge
	kill "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
}
cap_read() { tcpdump -r "$tmpd/$1.pcap" -nn -e "$2" 2>/dev/null; }

router_vip_mac_is() { [ "$(topo_router_vip_mac)" = "$1" ]; }

# nsh NS SCRIPT [ARGS...]: run the bash SCRIPT in NS: several commands for
# one namespace switch (the guest is slow to start processes).
export DRLBCTL VIP ROUTER_IP
nsh()
{
	local ns=$1 script=$2

	shift 2
	[ "$VERBOSE" = 1 ] && echo "# [$ns] $script" >&2
	ip netns exec "$ns" bash -c "$script" nsh "$@"
}

# =========================================================================
diag "1. no ARP rules, default sysctls: ARP flux (at ${SECONDS}s)"

for i in 1 2 3; do
	check_eq "rs$i: arp_ignore and arp_announce at their defaults" \
		"$(nsx "${NS_RS[i]}" sysctl -n net.ipv4.conf.all.arp_ignore net.ipv4.conf.e0.arp_ignore \
			net.ipv4.conf.all.arp_announce net.ipv4.conf.e0.arp_announce | xargs)" "0 0 0 0"
done
check_eq "every real server answers the router's ARP for the VIP" \
	"$(router_arp_macs)" "$ALL_MACS"

vipcheck "$NS_DIR" d0
check_eq "vip check on the director: exit 1 (conflict)" "$VC_RC" 1
check_eq "vip check names every real server as offender" \
	"$VC_OFF" "${RS_MAC[1]} ${RS_MAC[2]} ${RS_MAC[3]}"

ip -n "$NS_ROUTER" neigh replace "$VIP" dev r1 lladdr "$DIR_MAC" nud stale
cap_start flux
ip -n "${NS_RS[1]}" neigh flush all
nsx "${NS_RS[1]}" ping -q -c 1 -W 1 -I "$VIP" "$ROUTER_IP" > /dev/null 2>&1
check "rs1's kernel ARP from the VIP moves the router's VIP entry to rs1" \
	slowwait 5 router_vip_mac_is "${RS_MAC[1]}"
nsx "${NS_RS[2]}" arping -q -c 1 -U -S "$VIP" -i e0 "$VIP" > /dev/null 2>&1
check "arping -U -S VIP on rs2 moves it to rs2" \
	slowwait 5 router_vip_mac_is "${RS_MAC[2]}"
cap_stop
check_match "the capture shows rs1 asking for the router with the VIP as sender" \
	"$(cap_read flux "arp[14:4] = $VIP_HEX and ether src ${RS_MAC[1]}")" "tell $VIP"
check_match "... and rs2 announcing the VIP" \
	"$(cap_read flux "arp[14:4] = $VIP_HEX and ether src ${RS_MAC[2]}")" "$VIP"

# =========================================================================
diag "2. an ARP rule for the VIP on every real server (at ${SECONDS}s)"

for i in 1 2 3; do
	check "rs$i: drlbctl arp add $VIP" dctl "${NS_RS[i]}" arp add "$VIP"
done
check_eq "only the director answers ARP for the VIP" "$(router_arp_macs)" "$DIR_MAC"
check_eq "other addresses untouched: rs1 answers for its own address" \
	"$(router_arp_macs "${RS_IP[1]}")" "${RS_MAC[1]}"
check_match "arp show lists the rule" "$(dctl "${NS_RS[1]}" arp show)" "^$VIP\$"

ip -n "$NS_ROUTER" neigh flush dev r1
cap_start rules
check "client traffic to the VIP (the router ARPs for it again)" \
	nsx "$NS_CLIENT" ping -q -c 40 -i 0.01 -W 5 "$VIP"
# Each real server at once: the kernel solicits the router from the VIP
# (to be rewritten to the server's own address); user space sends a
# gratuitous request, a gratuitous reply and a request from the VIP
# (arping, in the background: it waits for answers that never come).
pids=()
for i in 1 2 3; do
	nsh "${NS_RS[i]}" '
		ip neigh flush all
		ping -q -c 1 -W 0.3 -I "$VIP" "$ROUTER_IP" > /dev/null 2>&1
		arping -q -c 1 -U -S "$VIP" -i e0 "$VIP" > /dev/null 2>&1 &
		arping -q -c 1 -U -P -S "$VIP" -i e0 "$VIP" > /dev/null 2>&1 &
		arping -q -c 1 -S "$VIP" -i e0 "$ROUTER_IP" > /dev/null 2>&1 &
		ping -q -c 1 -W 5 "$ROUTER_IP"
		rc=$?
		wait
		exit $rc' > "$tmpd/rs$i.out" 2>&1 &
	pids+=($!)
done
for i in 1 2 3; do
	wait "${pids[i - 1]}"
	log_test $? "rs$i reaches the router (ARP with a rewritten sender works)"
done
# The kernel's own gratuitous ARP (arp_notify) with the VIP also on e0.
ns=${NS_RS[3]}
before=$(arp_counter "$ns" sources_dropped)
nsh "$ns" '
	ip addr add "$VIP/32" dev e0
	sysctl -qw net.ipv4.conf.e0.arp_notify=1
	ip link set e0 address 02:00:0a:00:00:33
	ip link set e0 address "$1"
	sysctl -qw net.ipv4.conf.e0.arp_notify=0
	ip addr del "$VIP/32" dev e0' "${RS_MAC[3]}"
check "rs3: the kernel's gratuitous ARP for the VIP is dropped (2 MAC changes)" \
	slowwait 10 counter_reaches "$ns" sources_dropped $((before + 2))
check_eq "rs3: ... exactly twice" "$(arp_counter "$ns" sources_dropped)" $((before + 2))
nsx "$NS_CLIENT" ping -q -c 10 -i 0.02 -W 2 "$VIP" > /dev/null 2>&1
cap_stop

check_eq "the capture holds no ARP with the VIP as sender but the director's" \
	"$(cap_read rules "arp[14:4] = $VIP_HEX and not ether src $DIR_MAC")" ""
for i in 1 2 3; do
	check_match "rs$i's requests went out with its own address as sender" \
		"$(cap_read rules "ether src ${RS_MAC[i]} and arp[14:4] = $(hexip "${RS_IP[i]}") and arp[24:4] = $(hexip "$ROUTER_IP")")" \
		"tell ${RS_IP[i]}"
done
check_match "rs3's kernel announced its own address (arp_notify works)" \
	"$(cap_read rules "arp[14:4] = $(hexip "${RS_IP[3]}") and arp[24:4] = $(hexip "${RS_IP[3]}")")" \
	"${RS_IP[3]}"
check_eq "the router's entry for the VIP still holds the director's MAC" \
	"$(topo_router_vip_mac)" "$DIR_MAC"
for i in 1 2 3; do
	check_match "rs$i counts: requests dropped, sources rewritten and dropped" \
		"$(arp_counters "${NS_RS[i]}")" '^[1-9][0-9]* [1-9][0-9]* [1-9][0-9]*$'
done

# Exact amounts, one kind at a time.
ns=${NS_RS[1]}
ip -n "$NS_ROUTER" neigh replace "$VIP" dev r1 lladdr "$DIR_MAC" nud permanent
read -r r0 s0 d0 <<< "$(arp_counters "$ns")"
vipcheck "$NS_DIR" d0
slowwait 5 counter_reaches "$ns" requests_dropped $((r0 + 1))
check_eq "one ARP request for the VIP: requests_dropped +1" \
	"$(arp_counter "$ns" requests_dropped)" $((r0 + 1))
nsh "$ns" '
	arping -q -c 1 -U -S "$VIP" -i e0 "$VIP" > /dev/null 2>&1 &
	arping -q -c 1 -U -P -S "$VIP" -i e0 "$VIP" > /dev/null 2>&1 &
	arping -q -c 1 -S "$VIP" -i e0 "$ROUTER_IP" > /dev/null 2>&1 &
	wait'
read -r r1 s1 d1 <<< "$(arp_counters "$ns")"
check_eq "arping -U and -U -P with the VIP: sources_dropped +2" "$d1" $((d0 + 2))
check_eq "arping from the VIP to the router: sources_rewritten +1" "$s1" $((s0 + 1))
check_eq "... and nothing else counted" "$r1" $((r0 + 1))
check_match "arp show -s shows the counters" "$(dctl "$ns" -s arp show)" \
	"^$VIP +any +$((r0 + 1)) +$((s0 + 1)) +$((d0 + 2))\$"
ip -n "$NS_ROUTER" neigh del "$VIP" dev r1

# =========================================================================
diag "3. vip check and vip announce (at ${SECONDS}s)"

vipcheck "$NS_DIR" d0
check_eq "vip check on the director: clean, exit 0" "$VC_RC $VC_VERDICT" "0 clean"
vipcheck "$NS_ROUTER" r1
check_eq "vip check on the router: only the director answers, exit 0" \
	"$VC_RC $VC_MACS" "0 $DIR_MAC"

check "rs2: drlbctl arp del $VIP" dctl "${NS_RS[2]}" arp del "$VIP"
vipcheck "$NS_DIR" d0
check_eq "one rule removed: vip check on the director exits 1" "$VC_RC" 1
check_eq "... and names rs2's MAC, only it" "$VC_OFF" "${RS_MAC[2]}"
out=$(dctl "$NS_DIR" vip check "$VIP" dev d0 timeout 1500 2>&1)
check_match "the text output names the offender" "$out" \
	"^conflict: ARP flux for $VIP on d0: ${RS_MAC[2]} answers but is not the owner\$"
vipcheck "$NS_ROUTER" r1 owner "$DIR_MAC"
check_eq "vip check on the router with owner: exit 1, rs2 the offender" \
	"$VC_RC $VC_OFF" "1 ${RS_MAC[2]}"
vipcheck "$NS_ROUTER" r1
check_eq "vip check on the router without owner: exit 1, both listed" \
	"$VC_RC $VC_OFF" "1 $DIR_MAC ${RS_MAC[2]}"
check "rs2: drlbctl arp add $VIP again" dctl "${NS_RS[2]}" arp add "$VIP"
vipcheck "$NS_DIR" d0
check_eq "clean again" "$VC_RC $VC_VERDICT" "0 clean"

ip -n "$NS_ROUTER" neigh replace "$VIP" dev r1 lladdr "${RS_MAC[1]}" nud stale
check_eq "router's entry poisoned with rs1's MAC" "$(topo_router_vip_mac)" "${RS_MAC[1]}"
cap_start announce
check "vip announce on the director" \
	dctl "$NS_DIR" vip announce "$VIP" dev d0 count 2 interval 100
check "the router's entry flips to the director's MAC" \
	slowwait 10 router_vip_mac_is "$DIR_MAC"
cap_stop
check_eq "announce sent 2 gratuitous requests (sender = target = VIP)" \
	"$(cap_read announce "ether src $DIR_MAC and ether dst ff:ff:ff:ff:ff:ff and arp[6:2] = 1 and arp[14:4] = $VIP_HEX and arp[24:4] = $VIP_HEX and arp[18:4] = 0 and arp[22:2] = 0" | wc -l)" 2
check_eq "... and 2 gratuitous replies (target MAC = sender MAC)" \
	"$(cap_read announce "ether src $DIR_MAC and ether dst ff:ff:ff:ff:ff:ff and arp[6:2] = 2 and arp[14:4] = $VIP_HEX and arp[24:4] = $VIP_HEX and arp[8:4] = arp[18:4] and arp[12:2] = arp[22:2]" | wc -l)" 2
out=$(dctl "${NS_RS[1]}" vip announce "$VIP" dev e0 2>&1) && rc=0 || rc=$?
check_match "a real server may not announce the VIP (not on e0): exit 1" \
	"$rc: $out" "^1: drlbctl: vip announce: $VIP is not an address of e0"

# =========================================================================
diag "4. director down (at ${SECONDS}s)"

ip -n "$NS_DIR" addr del "$VIP/32" dev d0
check_eq "director down: nobody answers for the VIP" "$(router_arp_macs)" ""
vipcheck "$NS_ROUTER" r1
check_eq "vip check from the router: no answer, exit 3" \
	"$VC_RC $VC_VERDICT" "3 no_answer"
out=$(dctl "$NS_ROUTER" vip check "$VIP" dev r1 2>&1)
check_match "... said in words" "$out" "^no answer: nobody answers for $VIP on r1\$"
topo_vip_on_director
check_eq "director back: it answers" "$(router_arp_macs)" "$DIR_MAC"

# =========================================================================
diag "5. per-device rules, rule removal, module unload (at ${SECONDS}s)"

ns=${NS_RS[1]}
check "rs1: a second device, x0" ip -n "$ns" link add x0 type veth peer name x1
check "rs1: arp del $VIP (the every-device rule)" dctl "$ns" arp del "$VIP"
check "rs1: arp add $VIP dev x0" dctl "$ns" arp add "$VIP" dev x0
check_eq "a rule for another device does not cover e0: rs1 answers" \
	"$(router_arp_macs)" "$DIR_MAC ${RS_MAC[1]}"
check "rs1: arp add $VIP dev e0" dctl "$ns" arp add "$VIP" dev e0
check_eq "a rule for e0 does" "$(router_arp_macs)" "$DIR_MAC"
check_eq "arp show: one line per rule, as arp add reads them" \
	"$(dctl "$ns" arp show)" "$VIP dev x0
$VIP dev e0"
idx=$(ip -n "$ns" -o link show x0 | cut -d: -f1)
ip -n "$ns" link del x0
check_eq "the rule of a deleted device stays, shown by index" \
	"$(dctl "$ns" arp show)" "$VIP ifindex $idx
$VIP dev e0"
check_eq "... JSON: dev null, the old ifindex" \
	"$(dctl "$ns" -j arp show | jq -c '.arp_rules[0] | [.dev, .ifindex]')" "[null,$idx]"
check "... and can be deleted by index" dctl "$ns" arp del "$VIP" ifindex "$idx"
check "rs1: arp del $VIP dev e0" dctl "$ns" arp del "$VIP" dev e0
check "rs1: arp add $VIP (every device again)" dctl "$ns" arp add "$VIP"

# Can nft list the ARP hooks of a namespace? (6.1's nfnetlink_hook cannot:
# probe with a chain of nft's own.)
have_nft_hooks=0
modprobe -q nf_tables
modprobe -q nfnetlink_hook
if command -v nft > /dev/null && setup_ns NS_PROBE &&
   nsx "$NS_PROBE" nft add table arp t 2> /dev/null &&
   nsx "$NS_PROBE" nft add chain arp t c '{ type filter hook input priority 0; }' &&
   nsx "$NS_PROBE" nft list hooks arp 2> /dev/null | grep -q 'chain arp t c'; then
	have_nft_hooks=1
fi
if [ $have_nft_hooks = 1 ]; then
	check_eq "rs1's namespace has the ARP hooks while it has a rule" \
		"$(nsx "$ns" nft list hooks arp | grep -o 'drlb_arp_[a-z]*' | sort | xargs)" \
		"drlb_arp_in drlb_arp_out"
else
	tap_skip "ARP hooks listed while a rule exists" "nft cannot list ARP hooks here"
fi
for i in 1 2 3; do
	dctl "${NS_RS[i]}" arp del "$VIP"
done
check_eq "rules removed: every real server answers again" "$(router_arp_macs)" "$ALL_MACS"
if [ $have_nft_hooks = 1 ]; then
	check_eq "... and the hooks are gone from rs1's namespace" \
		"$(nsx "$ns" nft list hooks arp | grep -c drlb_arp)" 0
else
	tap_skip "ARP hooks gone without rules" "nft cannot list ARP hooks here"
fi

for i in 1 2 3; do
	dctl "${NS_RS[i]}" arp add "$VIP"
done
dctl "$ns" arp add "$VIP" dev e0
check_eq "rules back: only the director answers" "$(router_arp_macs)" "$DIR_MAC"
check "the module unloads with rules in three namespaces" rmmod drlb
check_eq "... and every real server answers again" "$(router_arp_macs)" "$ALL_MACS"
check "reload the module" drlb_load
check_eq "a fresh module has no rules" "$(dctl "$ns" arp show)" ""
for i in 1 2 3; do
	dctl "${NS_RS[i]}" arp add "$VIP"
done

splats=$(dmesg | tail -n +$((dmesg_start + 1)) |
	grep -E 'WARNING:|BUG:|Oops|refcount_t|Call Trace|unreferenced object' | head -5)
check_eq "dmesg clean" "$splats" ""
diag "done at ${SECONDS}s"
