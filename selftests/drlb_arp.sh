#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ARP problem of LVS-DR and drlb's answers to it, on the topology of
# topo.sh (client - router - LAN bridge with the director and rs1..rs3;
# the VIP on the director's d0 and on every real server's lo, default
# sysctls), set up once:
#
#   arp_flux
#      The failure first: no rules, real servers answer ARP for the VIP
#      and announce it, and the router sends the service's traffic to a
#      real server.
#   rules_stop_flux, counters_exact
#      "drlbctl arp add VIP" on every real server: only the director
#      answers; client traffic, the real servers' own ARP (kernel
#      solicitations from the VIP, arping -U/-P from user space, kernel
#      gratuitous ARP) change nothing; a capture of the LAN shows no ARP
#      from a real server with the VIP as sender; the counters count.
#   vip_check, vip_announce
#      vip check (the detector: clean, conflict, no answer when the
#      director is down) and vip announce (the repair).
#   per_device_rules, rule_removal, module_unload
#      Per-device rules, vanished devices, rule removal and module unload
#      bring the default behaviour back.
#   packet_sockets_opt_in, egress_where_needed
#      ARP from packet sockets (arping) is covered only by rules added
#      with "packet-sockets yes": the egress hook that sees it, which every
#      packet of its device pays for, is only on devices such a rule
#      covers.
#
# Each case puts in the rules it needs (rules_on) and they go when it ends.
# Bad input, the netlink contract, permissions and namespace teardown are
# in drlb_arp_api.sh.
#
# Needs Thomas Habets' arping (Debian package "arping"), tcpdump and jq.

source "$(dirname "$0")/lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"

ALL_TESTS="
	arp_flux
	rules_stop_flux
	counters_exact
	vip_check
	vip_announce
	role_switch
	per_device_rules
	packet_sockets_opt_in
	egress_where_needed
	rule_removal
	module_unload
	dmesg_clean
"

require_root

for t in arping tcpdump jq; do
	command -v "$t" >/dev/null || skip_all "$t missing (scripts/install-deps.sh)"
done
[[ $(arping --help 2>&1) == *Habets* ]] ||
	skip_all "needs Thomas Habets' arping (Debian package arping)"

dmesg_start=$(dmesg | wc -l)
drlb_load || { tap_fail "load drlb.ko"; exit; }
tmpd=$(mktemp -d)
defer rm -rf "$tmpd"
topo_setup 3 || { tap_fail "set up the topology"; exit; }
topo_vip_on_director
for i in 1 2 3; do topo_vip_on_rs "$i"; done

# hexip VAR IP: IP as 8 hex digits (a capture's bytes) in VAR.
hexip()
{
	local IFS=.

	# shellcheck disable=SC2086 # IP split at its dots
	printf -v "$1" '%02x%02x%02x%02x' $2
}
ALL_MACS="$DIR_MAC ${RS_MAC[1]} ${RS_MAC[2]} ${RS_MAC[3]}"

# rsctl I ARGS...: drlbctl on real server I (nse: its network namespace
# only, cheaper than ip netns exec under TCG).
rsctl()
{
	local i=$1

	shift
	nse "${NS_RS[i]}" "$DRLBCTL" "$@"
}

# rules_on I...: the every-device rule for the VIP on real servers I...
# (CHECK=1: each put in as a TAP check; RULE_OPTS: more words for arp add,
# e.g. "packet-sockets yes"); whatever ARP rules they have go
# when the case ends (rules_off), unless the case said it removed them
# itself (rules_gone): a drlbctl process costs seconds under TCG.
RULES_LEFT=()
rules_on()
{
	local i

	defer rules_off "$@"
	for i in "$@"; do
		RULES_LEFT[i]=1
		# shellcheck disable=SC2086 # RULE_OPTS: words
		if [ "${CHECK:-0}" = 1 ]; then
			check "rs$i: drlbctl arp add $VIP${RULE_OPTS:+ $RULE_OPTS}" \
				rsctl "$i" arp add "$VIP" ${RULE_OPTS:-}
		else
			rsctl "$i" arp add "$VIP" ${RULE_OPTS:-} ||
				tap_fail "rs$i: the ARP rule for $VIP put in"
		fi
	done
}

# rules_gone I...: real servers I... have no ARP rules left.
rules_gone()
{
	local i

	for i in "$@"; do
		RULES_LEFT[i]=0
	done
}

# rules_off I...: flush every ARP rule left on real servers I...
rules_off()
{
	local i

	for i in "$@"; do
		[ "${RULES_LEFT[i]:-0}" = 1 ] && rsctl "$i" flush all
		RULES_LEFT[i]=0
	done
}

# router_vip_forget: the router's neighbour entry for the VIP goes when the
# case ends.
router_vip_forget()
{
	defer ip -n "$NS_ROUTER" neigh flush dev r1
}

# sort_words WORD...: the words, sorted, on one line (no subprocess: the
# guest is slow to fork).
sort_words()
{
	local out=("$@") i j t

	for ((i = 1; i < ${#out[@]}; i++)); do
		for ((j = i; j > 0; j--)); do
			[[ ${out[j-1]} > ${out[j]} ]] || break
			t=${out[j]}; out[j]=${out[j-1]}; out[j-1]=$t
		done
	done
	echo "${out[*]}"
}

# sorted_words WORD...: the distinct words, sorted, on one line.
sorted_words()
{
	local -A seen=()
	local w out=()

	for w in "$@"; do
		[ -n "${seen[$w]:-}" ] && continue
		seen[$w]=1
		out+=("$w")
	done
	sort_words "${out[@]}"
}

# router_arp_macs [IP]: the MACs that answer the router's ARP requests for
# IP (default the VIP), sorted. Two requests, half a second apart.
router_arp_macs()
{
	local line macs=()

	while read -r line; do
		[[ $line =~ ^[0-9]+\ bytes\ from\ ([0-9a-f:]+)\  ]] &&
			macs+=("${BASH_REMATCH[1]}")
	done < <(nse "$NS_ROUTER" arping -c 2 -W 0.5 -i r1 "${1:-$VIP}" 2>/dev/null)
	sorted_words "${macs[@]}"
}

# vipcheck NS DEV [ARGS...]: "drlbctl -j vip check VIP dev DEV ARGS";
# sets VC_RC (exit status), VC_VERDICT, VC_MACS (every MAC that answered)
# and VC_OFF (the offenders), MAC lists sorted. The JSON is read in bash,
# one member a line as drlbctl prints it (jq costs seconds under TCG).
vipcheck()
{
	local ns=$1 dev=$2 json k v mac='' macs=() off=()

	shift 2
	json=$(nse "$ns" "$DRLBCTL" -j vip check "$VIP" dev "$dev" "$@" 2>&1) &&
		VC_RC=0 || VC_RC=$?
	VC_VERDICT=
	while read -r k v; do
		v=${v%,}
		v=${v#\"}
		v=${v%\"}
		case $k in
		'"mac":')	mac=$v; macs+=("$v") ;;
		'"offender":')	[ "$v" = true ] && off+=("$mac") ;;
		'"verdict":')	VC_VERDICT=$v ;;
		esac
	done <<< "$json"
	VC_MACS=$(sort_words "${macs[@]}")
	VC_OFF=$(sort_words "${off[@]}")
	[ -n "$VC_VERDICT" ] || { VC_VERDICT="?"; echo "# vip check said: $json"; }
}

# arp_counters_of TEXT [DEV]: "REQUESTS_DROPPED SOURCES_REWRITTEN
# SOURCES_DROPPED" of the rule for DEV (default: the every-device rule) in
# TEXT, the output of arp show -s.
arp_counters_of()
{
	local vip dev r s d

	while read -r vip dev r s d _; do
		[ "$vip" = "$VIP" ] && [ "$dev" = "${2:-any}" ] && echo "$r $s $d"
	done <<< "$1"
}

# arp_counters I [DEV]: the counters of real server I's rule for DEV.
arp_counters()
{
	arp_counters_of "$(rsctl "$1" -s arp show)" "${2:-any}"
}

# arp_counter I KEY: one counter of real server I's every-device rule.
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

# counter_reaches I KEY WANT: for slowwait.
counter_reaches() { [ "$(arp_counter "$1" "$2")" -ge "$3" ] 2>/dev/null; }

# file_has FILE TEXT: for slowwait, without a process.
file_has() { [ -e "$1" ] && [[ $(< "$1") == *"$2"* ]]; }

# cap_start NAME / cap_stop: capture ARP on the LAN bridge (immediate
# mode: every frame is written as it comes). (nsenter, not nse: $! must
# be tcpdump itself, not a subshell running a function.)
cap_start()
{
	nsenter --net="/run/netns/$NS_SW" \
		tcpdump --immediate-mode -U -n -i br0 -w "$tmpd/$1.pcap" arp \
		> /dev/null 2> "$tmpd/$1.log" &
	CAP_PID=$!
	defer kill "$CAP_PID"
	slowwait 20 file_has "$tmpd/$1.log" "listening on"
}

cap_stop()
{
	sleep 0.5	# let the last frames reach the bridge
	kill "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
}

# cap_load NAME: read NAME's capture, once: CAP_TEXT[i] is frame i as
# "tcpdump -nn -e" prints it, CAP_HEX[i] its bytes in hex.
cap_load()
{
	local line h

	CAP_TEXT=()
	CAP_HEX=()
	while IFS= read -r line; do
		if [[ $line == $'\t0x'* ]]; then
			h=${line#*:}
			CAP_HEX[${#CAP_TEXT[@]} - 1]+=${h// /}
		else
			CAP_TEXT+=("$line")
			CAP_HEX+=("")
		fi
	done < <(tcpdump -r "$tmpd/$1.pcap" -nn -e -xx 2>/dev/null)
}

# cap_sel COND...: the loaded frames (as tcpdump prints them) that meet
# every COND, the BPF filters of the tests in the capture's own bytes:
#   src=MAC dst=MAC (ethernet), op=N spa=IP tpa=IP sha=MAC tha=MAC (ARP),
#   !COND (not), sha=tha (sender and target MAC equal).
cap_sel()
{
	local c k v i j ok x
	local -a offs=() lens=() wants=() negs=()

	for c in "$@"; do
		k=${c%%=*}
		v=${c#*=}
		negs+=(0)
		[[ $k == '!'* ]] && { negs[-1]=1; k=${k#!}; }
		case $k in
		dst)	offs+=(0); lens+=(12); wants+=("${v//:/}") ;;
		src)	offs+=(12); lens+=(12); wants+=("${v//:/}") ;;
		op)	offs+=(40); lens+=(4); printf -v v '%04x' "$v"; wants+=("$v") ;;
		sha)	offs+=(44); lens+=(12)
			if [ "$v" = tha ]; then wants+=(@tha); else wants+=("${v//:/}"); fi ;;
		spa)	offs+=(56); lens+=(8); hexip v "$v"; wants+=("$v") ;;
		tha)	offs+=(64); lens+=(12); wants+=("${v//:/}") ;;
		tpa)	offs+=(76); lens+=(8); hexip v "$v"; wants+=("$v") ;;
		*)	echo "# cap_sel: unknown condition $c" >&2; return 1 ;;
		esac
	done
	for i in "${!CAP_TEXT[@]}"; do
		x=${CAP_HEX[i]}
		ok=1
		for j in "${!offs[@]}"; do
			v=${wants[j]}
			[ "$v" = @tha ] && v=${x:64:12}
			if [ "${x:offs[j]:lens[j]}" = "$v" ]; then
				[ "${negs[j]}" = 0 ] || ok=0
			else
				[ "${negs[j]}" = 1 ] || ok=0
			fi
		done
		[ $ok = 1 ] && printf '%s\n' "${CAP_TEXT[i]}"
	done
	return 0
}

# cap_count COND...: how many loaded frames meet every COND.
cap_count()
{
	local lines

	mapfile -t lines < <(cap_sel "$@")
	echo "${#lines[@]}"
}

# router_vip_mac: the MAC the router's neighbour table holds for the VIP
# (empty if none), as topo_router_vip_mac, in one process.
router_vip_mac()
{
	[[ $(ip -n "$NS_ROUTER" neigh show "$VIP" dev r1) =~ lladdr\ ([0-9a-f:]+) ]] &&
		echo "${BASH_REMATCH[1]}"
	return 0
}

router_vip_mac_is() { [ "$(router_vip_mac)" = "$1" ]; }

# nsh NS SCRIPT [ARGS...]: run the bash SCRIPT in NS: several commands for
# one namespace switch (the guest is slow to start processes).
export DRLBCTL VIP ROUTER_IP
nsh()
{
	local ns=$1 script=$2

	shift 2
	[ "$VERBOSE" = 1 ] && echo "# [$ns] $script" >&2
	nsenter --net="/run/netns/$ns" bash -c "$script" nsh "$@"
}

# =========================================================================
# No ARP rules, default sysctls: ARP flux.
arp_flux()
{
	local i v

	router_vip_forget
	for i in 1 2 3; do
		v=$(nse "${NS_RS[i]}" sysctl -n net.ipv4.conf.all.arp_ignore \
			net.ipv4.conf.e0.arp_ignore net.ipv4.conf.all.arp_announce \
			net.ipv4.conf.e0.arp_announce)
		check_eq "rs$i: arp_ignore and arp_announce at their defaults" \
			"${v//$'\n'/ }" "0 0 0 0"
	done
	check_eq "every real server answers the router's ARP for the VIP" \
		"$(router_arp_macs)" "$ALL_MACS"

	vipcheck "$NS_DIR" d0
	check_eq "vip check on the director: exit 1 (conflict)" "$VC_RC" 1
	check_eq "vip check names every real server as offender" \
		"$VC_OFF" "${RS_MAC[1]} ${RS_MAC[2]} ${RS_MAC[3]}"

	ip -n "$NS_ROUTER" neigh replace "$VIP" dev r1 lladdr "$DIR_MAC" nud stale
	cap_start flux
	# shellcheck disable=SC2016 # a script for the namespace's bash
	nsh "${NS_RS[1]}" '
		ip neigh flush all
		ping -q -c 1 -W 1 -I "$VIP" "$ROUTER_IP" > /dev/null 2>&1'
	check "rs1's kernel ARP from the VIP moves the router's VIP entry to rs1" \
		slowwait 5 router_vip_mac_is "${RS_MAC[1]}"
	nse "${NS_RS[2]}" arping -q -c 1 -U -S "$VIP" -i e0 "$VIP" > /dev/null 2>&1
	check "arping -U -S VIP on rs2 moves it to rs2" \
		slowwait 5 router_vip_mac_is "${RS_MAC[2]}"
	cap_stop
	cap_load flux
	check_match "the capture shows rs1 asking for the router with the VIP as sender" \
		"$(cap_sel spa="$VIP" src="${RS_MAC[1]}")" "tell $VIP"
	check_match "... and rs2 announcing the VIP" \
		"$(cap_sel spa="$VIP" src="${RS_MAC[2]}")" "$VIP"
}

# =========================================================================
# An ARP rule for the VIP on every real server: only the director answers;
# the real servers' own ARP with the rules in place: requests from the VIP
# go out with the server's own address, announcements of the VIP are
# dropped, the router keeps the director's MAC; the rules count.
rules_stop_flux()
{
	local i pids=() before rc

	CHECK=1 RULE_OPTS="packet-sockets yes" rules_on 1 2 3
	check_eq "only the director answers ARP for the VIP" "$(router_arp_macs)" "$DIR_MAC"
	check_eq "other addresses untouched: rs1 answers for its own address" \
		"$(router_arp_macs "${RS_IP[1]}")" "${RS_MAC[1]}"
	check_match "arp show lists the rule" "$(rsctl 1 arp show)" \
		"^$VIP packet-sockets yes\$"

	router_vip_forget
	ip -n "$NS_ROUTER" neigh flush dev r1
	cap_start rules
	check "client traffic to the VIP (the router ARPs for it again)" \
		nse "$NS_CLIENT" ping -q -c 40 -i 0.01 -W 5 "$VIP"
	# Each real server at once: the kernel solicits the router from the
	# VIP (to be rewritten to the server's own address); user space sends
	# a gratuitous request, a gratuitous reply and a request from the VIP
	# (arping, in the background: it waits for answers that never come).
	for i in 1 2 3; do
		# shellcheck disable=SC2016 # a script for the namespace's bash
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
		wait "${pids[i - 1]}" && rc=0 || rc=$?
		log_test "$rc" "rs$i reaches the router (ARP with a rewritten sender works)"
	done
	# The kernel's own gratuitous ARP (arp_notify) with the VIP also on e0.
	before=$(arp_counter 3 sources_dropped)
	# shellcheck disable=SC2016 # a script for the namespace's bash
	nsh "${NS_RS[3]}" '
		ip addr add "$VIP/32" dev e0
		sysctl -qw net.ipv4.conf.e0.arp_notify=1
		ip link set e0 address 02:00:0a:00:00:33
		ip link set e0 address "$1"
		sysctl -qw net.ipv4.conf.e0.arp_notify=0
		ip addr del "$VIP/32" dev e0' "${RS_MAC[3]}"
	check "rs3: the kernel's gratuitous ARP for the VIP is dropped (2 MAC changes)" \
		slowwait 10 counter_reaches 3 sources_dropped $((before + 2))
	check_eq "rs3: ... exactly twice" "$(arp_counter 3 sources_dropped)" $((before + 2))
	nse "$NS_CLIENT" ping -q -c 10 -i 0.02 -W 2 "$VIP" > /dev/null 2>&1
	cap_stop
	cap_load rules

	check_eq "the capture holds no ARP with the VIP as sender but the director's" \
		"$(cap_sel spa="$VIP" "!src=$DIR_MAC")" ""
	for i in 1 2 3; do
		check_match "rs$i's requests went out with its own address as sender" \
			"$(cap_sel src="${RS_MAC[i]}" spa="${RS_IP[i]}" tpa="$ROUTER_IP")" \
			"tell ${RS_IP[i]}"
	done
	check_match "rs3's kernel announced its own address (arp_notify works)" \
		"$(cap_sel spa="${RS_IP[3]}" tpa="${RS_IP[3]}")" "${RS_IP[3]}"
	check_eq "the router's entry for the VIP still holds the director's MAC" \
		"$(router_vip_mac)" "$DIR_MAC"
	for i in 1 2 3; do
		check_match "rs$i counts: requests dropped, sources rewritten and dropped" \
			"$(arp_counters "$i")" '^[1-9][0-9]* [1-9][0-9]* [1-9][0-9]*$'
	done
}

# Exact amounts, one kind at a time, on rs1.
counters_exact()
{
	local r0 s0 d0 r1 s1 d1 shown

	RULE_OPTS="packet-sockets yes" rules_on 1
	router_vip_forget
	ip -n "$NS_ROUTER" neigh replace "$VIP" dev r1 lladdr "$DIR_MAC" nud permanent
	read -r r0 s0 d0 <<< "$(arp_counters 1)"
	vipcheck "$NS_DIR" d0
	slowwait 5 counter_reaches 1 requests_dropped $((r0 + 1))
	check_eq "one ARP request for the VIP: requests_dropped +1" \
		"$(arp_counter 1 requests_dropped)" $((r0 + 1))
	# The three arpings, then the counters, in one namespace switch.
	# shellcheck disable=SC2016 # a script for the namespace's bash
	shown=$(nsh "${NS_RS[1]}" '
		arping -q -c 1 -U -S "$VIP" -i e0 "$VIP" > /dev/null 2>&1 &
		arping -q -c 1 -U -P -S "$VIP" -i e0 "$VIP" > /dev/null 2>&1 &
		arping -q -c 1 -S "$VIP" -i e0 "$ROUTER_IP" > /dev/null 2>&1 &
		wait
		"$DRLBCTL" -s arp show')
	read -r r1 s1 d1 <<< "$(arp_counters_of "$shown")"
	check_eq "arping -U and -U -P with the VIP: sources_dropped +2" "$d1" $((d0 + 2))
	check_eq "arping from the VIP to the router: sources_rewritten +1" "$s1" $((s0 + 1))
	check_eq "... and nothing else counted" "$r1" $((r0 + 1))
	check_match "arp show -s shows the counters" "$shown" \
		"^$VIP +any +$((r0 + 1)) +$((s0 + 1)) +$((d0 + 2)) +yes\$"
}

# =========================================================================
# vip check, the detector, and its three verdicts: clean; conflict, the
# offenders named; no answer (the director down).
vip_check()
{
	local out

	rules_on 1 2 3
	vipcheck "$NS_DIR" d0
	check_eq "vip check on the director: clean, exit 0" "$VC_RC $VC_VERDICT" "0 clean"
	vipcheck "$NS_ROUTER" r1
	check_eq "vip check on the router: only the director answers, exit 0" \
		"$VC_RC $VC_MACS" "0 $DIR_MAC"

	check "rs2: drlbctl arp del $VIP" rsctl 2 arp del "$VIP"
	vipcheck "$NS_DIR" d0
	check_eq "one rule removed: vip check on the director exits 1" "$VC_RC" 1
	check_eq "... and names rs2's MAC, only it" "$VC_OFF" "${RS_MAC[2]}"
	out=$(nse "$NS_DIR" "$DRLBCTL" vip check "$VIP" dev d0 timeout 1500 2>&1)
	check_match "the text output names the offender" "$out" \
		"^conflict: ARP flux for $VIP on d0: ${RS_MAC[2]} answers but is not the owner\$"
	vipcheck "$NS_ROUTER" r1 owner "$DIR_MAC"
	check_eq "vip check on the router with owner: exit 1, rs2 the offender" \
		"$VC_RC $VC_OFF" "1 ${RS_MAC[2]}"
	vipcheck "$NS_ROUTER" r1
	check_eq "vip check on the router without owner: exit 1, both listed" \
		"$VC_RC $VC_OFF" "1 $DIR_MAC ${RS_MAC[2]}"
	check "rs2: drlbctl arp add $VIP again" rsctl 2 arp add "$VIP"
	vipcheck "$NS_DIR" d0
	check_eq "clean again" "$VC_RC $VC_VERDICT" "0 clean"

	# The director down.
	defer ip -n "$NS_DIR" addr replace "$VIP/32" dev d0
	ip -n "$NS_DIR" addr del "$VIP/32" dev d0
	check_eq "director down: nobody answers for the VIP" "$(router_arp_macs)" ""
	vipcheck "$NS_ROUTER" r1
	check_eq "vip check from the router: no answer, exit 3" \
		"$VC_RC $VC_VERDICT" "3 no_answer"
	check_match "... said in words" \
		"$(nse "$NS_ROUTER" "$DRLBCTL" vip check "$VIP" dev r1 2>&1)" \
		"^no answer: nobody answers for $VIP on r1\$"
	topo_vip_on_director
	check_eq "director back: it answers" "$(router_arp_macs)" "$DIR_MAC"
}

# vip announce, the repair: the router's poisoned entry flips back to the
# director; a real server may not announce the VIP. (No rules needed: no
# traffic makes anyone ask for the VIP meanwhile.)
vip_announce()
{
	local out rc

	router_vip_forget
	ip -n "$NS_ROUTER" neigh replace "$VIP" dev r1 lladdr "${RS_MAC[1]}" nud stale
	check_eq "router's entry poisoned with rs1's MAC" "$(router_vip_mac)" "${RS_MAC[1]}"
	cap_start announce
	check "vip announce on the director" \
		nse "$NS_DIR" "$DRLBCTL" vip announce "$VIP" dev d0 count 2 interval 100
	check "the router's entry flips to the director's MAC" \
		slowwait 10 router_vip_mac_is "$DIR_MAC"
	cap_stop
	cap_load announce
	check_eq "announce sent 2 gratuitous requests (sender = target = VIP)" \
		"$(cap_count src="$DIR_MAC" dst=ff:ff:ff:ff:ff:ff op=1 spa="$VIP" tpa="$VIP" \
			tha=00:00:00:00:00:00)" 2
	check_eq "... and 2 gratuitous replies (target MAC = sender MAC)" \
		"$(cap_count src="$DIR_MAC" dst=ff:ff:ff:ff:ff:ff op=2 spa="$VIP" tpa="$VIP" \
			sha=tha)" 2
	out=$(rsctl 1 vip announce "$VIP" dev e0 2>&1) && rc=0 || rc=$?
	check_match "a real server may not announce the VIP (not on e0): exit 1" \
		"$rc: $out" "^1: drlbctl: vip announce: $VIP is not an address of e0"
}

# A real server becomes director with its rule still in place (keepalived
# moved the VIP onto its e0 and loaded the services): its gratuitous ARP
# reaches the router and it answers for the VIP on e0. Without a service
# on the VIP (a real server keeping the VIP on e0, the arptables recipe)
# the rule acts as ever.
role_switch()
{
	local ns=${NS_RS[1]}

	# With packet sockets covered: vip announce writes on one.
	CHECK=0 RULE_OPTS="packet-sockets yes" rules_on 1 2 3
	router_vip_forget
	# The old director is gone: the VIP leaves its d0.
	ip -n "$NS_DIR" addr del "$VIP/32" dev d0
	defer ip -n "$NS_DIR" addr add "$VIP/32" dev d0
	ip -n "$ns" addr add "$VIP/32" dev e0
	defer ip -n "$ns" addr del "$VIP/32" dev e0
	rsctl 1 service add udp "$VIP:53" sched rr
	defer rsctl 1 flush
	# The router still has the old director's MAC (a gratuitous ARP only
	# updates an entry that exists).
	ip -n "$NS_ROUTER" neigh replace "$VIP" dev r1 lladdr "$DIR_MAC" nud stale
	check "rs1, now director, announces the VIP on e0 (its rule stays)" \
		rsctl 1 vip announce "$VIP" dev e0 count 2 interval 100
	check "the router's entry moves to rs1's MAC" \
		slowwait 10 router_vip_mac_is "${RS_MAC[1]}"
	check_eq "rs1 answers the router's requests for the VIP, alone" \
		"$(router_arp_macs)" "${RS_MAC[1]}"
	rsctl 1 service del udp "$VIP:53"
	check_eq "without a service on the VIP, its rule silences it on e0 again" \
		"$(router_arp_macs)" ""
}

# =========================================================================
# Per-device rules, a vanished device.
per_device_rules()
{
	local ns=${NS_RS[1]} idx

	rules_on 1 2 3
	defer ip -n "$ns" link del x0
	check "rs1: a second device, x0" ip -n "$ns" link add x0 type veth peer name x1
	check "rs1: arp del $VIP (the every-device rule)" rsctl 1 arp del "$VIP"
	check "rs1: arp add $VIP dev x0" rsctl 1 arp add "$VIP" dev x0
	check_eq "a rule for another device does not cover e0: rs1 answers" \
		"$(router_arp_macs)" "$DIR_MAC ${RS_MAC[1]}"
	check "rs1: arp add $VIP dev e0" rsctl 1 arp add "$VIP" dev e0
	check_eq "a rule for e0 does" "$(router_arp_macs)" "$DIR_MAC"
	check_eq "arp show: one line per rule, as arp add reads them" \
		"$(rsctl 1 arp show)" "$VIP dev x0
$VIP dev e0"
	idx=$(ip -n "$ns" -o link show x0)
	idx=${idx%%:*}
	ip -n "$ns" link del x0
	check_eq "the rule of a deleted device stays, shown by index" \
		"$(rsctl 1 arp show)" "$VIP ifindex $idx
$VIP dev e0"
	check_eq "... JSON: dev null, the old ifindex" \
		"$(rsctl 1 -j arp show | jq -c '.arp_rules[0] | [.dev, .ifindex]')" "[null,$idx]"
	check "... and can be deleted by index" rsctl 1 arp del "$VIP" ifindex "$idx"
	check "rs1: arp del $VIP dev e0" rsctl 1 arp del "$VIP" dev e0
	check "rs1: arp add $VIP (every device again)" rsctl 1 arp add "$VIP"
}

# egress_hooks NS DEV: the functions on DEV's egress hook in NS, on one line.
egress_hooks()
{
	nse "$1" "$PY" -S "$TOP/selftests/helpers/nf_hooks.py" "$2" | tr '\n' ' ' | sed 's/ $//'
}

# A rule covers the kernel's ARP; ARP that user space writes on a packet
# socket only with "packet-sockets yes" (the egress hook's price is paid
# by every packet of the device). Seen at the router: a gratuitous ARP
# from arping moves its VIP entry to rs2 under a plain rule, not under
# one with packet-sockets; and in rs2's counters.
packet_sockets_opt_in()
{
	local d0 d1

	rules_on 2
	router_vip_forget
	ip -n "$NS_ROUTER" neigh replace "$VIP" dev r1 lladdr "$DIR_MAC" nud stale
	read -r _ _ d0 <<< "$(arp_counters 2)"
	nse "${NS_RS[2]}" arping -q -c 1 -U -S "$VIP" -i e0 "$VIP" > /dev/null 2>&1
	check "a plain rule: arping -U -S VIP on rs2 still moves the router's entry to rs2" \
		slowwait 5 router_vip_mac_is "${RS_MAC[2]}"
	read -r _ _ d1 <<< "$(arp_counters 2)"
	check_eq "... and rs2 counted nothing" "$d1" "$d0"

	rsctl 2 arp del "$VIP"
	check "rs2: arp add $VIP packet-sockets yes" \
		rsctl 2 arp add "$VIP" packet-sockets yes
	check_eq "arp show says so" "$(rsctl 2 arp show)" "$VIP packet-sockets yes"
	check_match "... and -j" "$(rsctl 2 -j arp show)" '"packet_sockets": true'
	ip -n "$NS_ROUTER" neigh replace "$VIP" dev r1 lladdr "$DIR_MAC" nud stale
	# shellcheck disable=SC2016 # a script for the namespace's bash
	d1=$(nsh "${NS_RS[2]}" '
		arping -q -c 1 -U -S "$VIP" -i e0 "$VIP" > /dev/null 2>&1
		"$DRLBCTL" -s arp show')
	read -r _ _ d1 <<< "$(arp_counters_of "$d1")"
	check_eq "with packet-sockets: rs2 drops arping's announcement (sources_dropped +1)" \
		"$d1" $((d0 + 1))
	check_eq "... and the router's entry stays the director's" \
		"$(router_vip_mac)" "$DIR_MAC"
	router_vip_forget
}

# The egress hook runs for every packet of a device it is on: a real
# server's replies pay for it (make bench-egress measures how much). So it
# is only on the devices a rule with packet-sockets covers, as
# nfnetlink_hook shows (Debian's 6.1 has none).
egress_where_needed()
{
	local eg i

	setup_ns eg
	for i in 0 1; do
		ip -n "$eg" link add "dm$i" type dummy
		ip -n "$eg" link set "dm$i" up
	done
	ip -n "$eg" addr add "$VIP/32" dev lo
	modprobe -q nfnetlink_hook
	if ! nse "$eg" "$PY" -S "$TOP/selftests/helpers/nf_hooks.py" dm0 > /dev/null; then
		tap_skip "egress hooks only on covered devices" "this kernel cannot list egress hooks (Debian's 6.1 has no nfnetlink_hook)"
		return
	fi
	check_eq "no rule: no egress hook" "$(egress_hooks "$eg" dm0)" ""
	nse "$eg" "$DRLBCTL" arp add "$VIP"
	check_eq "a plain rule for every device: no egress hook" \
		"$(egress_hooks "$eg" dm0) $(egress_hooks "$eg" dm1)" " "
	nse "$eg" "$DRLBCTL" arp del "$VIP"
	nse "$eg" "$DRLBCTL" arp add "$VIP" dev dm0 packet-sockets yes
	check_eq "a rule for dm0 with packet-sockets: the egress hook on dm0" \
		"$(egress_hooks "$eg" dm0)" drlb_arp_egress
	check_eq "... and not on dm1" "$(egress_hooks "$eg" dm1)" ""
	nse "$eg" "$DRLBCTL" arp add "$VIP" packet-sockets yes
	check_eq "such a rule for every device: on dm1 too" \
		"$(egress_hooks "$eg" dm1)" drlb_arp_egress
	ip -n "$eg" link add dm2 type dummy
	check_eq "... and on a device added later" \
		"$(egress_hooks "$eg" dm2)" drlb_arp_egress
	nse "$eg" "$DRLBCTL" arp del "$VIP"
	check_eq "that rule gone: off dm1 again" "$(egress_hooks "$eg" dm1)" ""
	check_eq "... and dm2" "$(egress_hooks "$eg" dm2)" ""
	nse "$eg" "$DRLBCTL" arp del "$VIP" dev dm0
	check_eq "no rule: off dm0" "$(egress_hooks "$eg" dm0)" ""
}

# drlb_hooks I: every drlb ARP hook nft lists in real server I's
# namespace (as grep -o would find them), sorted, on one line.
drlb_hooks()
{
	local line hooks=()

	while read -r line; do
		while [[ $line =~ (drlb_arp_[a-z]*)(.*) ]]; do
			hooks+=("${BASH_REMATCH[1]}")
			line=${BASH_REMATCH[2]}
		done
	done < <(nse "${NS_RS[$1]}" nft list hooks arp 2> /dev/null)
	sort_words "${hooks[@]}"
}

# Rule removal: the default behaviour back, the hooks gone.
rule_removal()
{
	local i have_nft_hooks=0

	rules_on 1 2 3
	# Can nft list the ARP hooks of a namespace? (6.1's nfnetlink_hook
	# cannot: probe with a chain of nft's own, in a namespace of its own.)
	modprobe -q nf_tables
	modprobe -q nfnetlink_hook
	# shellcheck disable=SC2016 # a script for the probe's bash
	if command -v nft > /dev/null && unshare -n bash -c '
		nft add table arp t 2> /dev/null &&
		nft add chain arp t c "{ type filter hook input priority 0; }" &&
		[[ $(nft list hooks arp 2> /dev/null) == *"chain arp t c"* ]]'; then
		have_nft_hooks=1
	fi
	if [ $have_nft_hooks = 1 ]; then
		check_eq "rs1's namespace has the ARP hooks while it has a rule" \
			"$(drlb_hooks 1)" "drlb_arp_in drlb_arp_out"
	else
		tap_skip "ARP hooks listed while a rule exists" "nft cannot list ARP hooks here"
	fi
	for i in 1 2 3; do
		rsctl "$i" arp del "$VIP" && rules_gone "$i"
	done
	check_eq "rules removed: every real server answers again" "$(router_arp_macs)" "$ALL_MACS"
	if [ $have_nft_hooks = 1 ]; then
		check_eq "... and the hooks are gone from rs1's namespace" "$(drlb_hooks 1)" ""
	else
		tap_skip "ARP hooks gone without rules" "nft cannot list ARP hooks here"
	fi
}

# The module unloads with rules in several namespaces; they go with it.
module_unload()
{
	local rc

	defer drlb_load
	rules_on 1 2 3
	rsctl 1 arp add "$VIP" dev e0
	check_eq "rules back: only the director answers" "$(router_arp_macs)" "$DIR_MAC"
	rmmod drlb && rc=0 || rc=$?
	log_test "$rc" "the module unloads with rules in three namespaces"
	[ "$rc" = 0 ] && rules_gone 1 2 3
	check_eq "... and every real server answers again" "$(router_arp_macs)" "$ALL_MACS"
	check "reload the module" drlb_load
	check_eq "a fresh module has no rules" "$(rsctl 1 arp show)" ""
}

dmesg_clean()
{
	local splats

	splats=$(dmesg | tail -n +$((dmesg_start + 1)) |
		grep -E 'WARNING:|BUG:|Oops|refcount_t|Call Trace|unreferenced object' | head -5)
	check_eq "dmesg clean" "$splats" ""
}

tests_run
