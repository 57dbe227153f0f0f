#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The director and awkward packets and neighbours: a real server whose MAC
# changes is still reached; one the director has no neighbour entry for
# gets the first packet of a flow (datagram or SYN) at the first try, and
# is resolved as soon as it is added; fragmented UDP datagrams reach one
# server intact, in fragments no larger than they came in; a DF packet
# too big for the egress MTU earns the client an ICMP frag-needed; an ICMP
# error about a flow reaches that flow's server.
#
# drlb_director_pkt6.sh runs them again with every address IPv6 (topo.sh's
# TOPO_FAMILY=6): fragments are then the client's (IPv6 routers never
# fragment) and come out of the director no larger than they went in, the
# too-big packet earns an ICMPv6 Packet Too Big, the MAC change is told
# by unsolicited neighbour advertisements, and the LRO case is IPv4's.

source "$(dirname "$0")/lib/lib.sh"
source "$TOP/selftests/lib/topo.sh"
source "$TOP/selftests/lib/director.sh"

ALL_TESTS="
	server_mac_change
	neigh_unresolved
	neigh_first_syn
	server_add_resolves
	fragments_one_server
	fragments_keep_size
	df_frag_needed
	icmp_error_to_flow
	lro_frames_dropped
"

dir_setup 3

# udp53_lines: udp VIP:53, rr, on the three servers.
udp53_lines()
{
	echo "service add udp $VIPB:53 sched rr"
	rs_lines udp "$VIPB:53"
}

# udp54_lines: udp VIP:54, rr, on rs2 alone.
udp54_lines()
{
	echo "service add udp $VIPB:54 sched rr"
	echo "server add udp $VIPB:54 ${RS_IP[2]}"
}

sport=31001

# reached_rs2: a new flow to :54 is answered by rs2.
reached_rs2()
{
	sport=$((sport + 1))
	[ "$(names "$(client udp "$VIP" 54 --sport $sport --tries 1)")" = rs2 ]
}

# A real server's MAC changes: the director follows it.
server_mac_change()
{
	local out newmac=02:00:0a:00:00:99

	dir_config < <(udp54_lines)
	out=$(client udp "$VIP" 54 --sport 31000 --count 1)
	check_eq "udp :54 reaches rs2" "$(names "$out")" rs2
	check_eq "server show: rs2's MAC resolved" \
		"$(jq_ctl '.servers[0].mac' server show udp "$VIPB:54")" "${RS_MAC[2]}"
	# The server announces its new address, as a host does with
	# arp_notify (and its old one again when the case ends).
	if [ "$TOPO_FAMILY" = 6 ]; then
		nsx "${NS_RS[2]}" sysctl -qw net.ipv6.conf.e0.ndisc_notify=1
		defer nsx "${NS_RS[2]}" sysctl -qw net.ipv6.conf.e0.ndisc_notify=0
	else
		nsx "${NS_RS[2]}" sysctl -qw net.ipv4.conf.e0.arp_notify=1
		defer nsx "${NS_RS[2]}" sysctl -qw net.ipv4.conf.e0.arp_notify=0
	fi
	ip -n "${NS_RS[2]}" link set e0 address "$newmac"
	defer ip -n "${NS_RS[2]}" link set e0 address "${RS_MAC[2]}"
	check "rs2 with a new MAC is still reached" slowwait 60 reached_rs2
	check_eq "server show follows the new MAC" \
		"$(jq_ctl '.servers[0].mac' server show udp "$VIPB:54")" "$newmac"
}

# The director has no neighbour entry for a server: the first datagram
# waits in the neighbour queue while ARP resolves it, and is delivered.
neigh_unresolved()
{
	local nn0 nq0 first

	dir_config < <(udp54_lines)
	ip -n "$NS_DIR" neigh flush dev d0
	check_eq "director's neighbour table has no entry for rs2" \
		"$(ip -n "$NS_DIR" neigh show "${RS_IP[2]}" dev d0 | grep -c lladdr)" 0
	nn0=$(dir_stat drop-no-neigh)
	nq0=$(dir_stat neigh-queued)
	first=$(names "$(client udp "$VIP" 54 --sport 32000 --tries 1 --timeout 5)")
	check_eq "after a neighbour flush the first datagram reaches rs2 at the first try" \
		"$first" rs2
	check_eq "nothing counted as drop-no-neigh" "$(dir_stat drop-no-neigh)" "$nn0"
	check_eq "it waited for ARP (neigh-queued)" \
		"$(($(dir_stat neigh-queued) - nq0))" 1
	check_match "and the director resolved rs2 again" \
		"$(ip -n "$NS_DIR" neigh show "${RS_IP[2]}" dev d0)" "lladdr ${RS_MAC[2]}"
}

# After a neighbour flush a TCP connection's first SYN is not lost: the
# client never retransmits it.
neigh_first_syn()
{
	local r0 nn0

	dir_config < <(echo "service add tcp $VIPB:80 sched rr"
		       echo "server add tcp $VIPB:80 ${RS_IP[1]}")
	client tcp "$VIP" 80 > /dev/null
	ip -n "$NS_DIR" neigh flush dev d0
	r0=$(snmp "$NS_CLIENT" Tcp RetransSegs)
	nn0=$(dir_stat drop-no-neigh)
	check_eq "a connection after the flush is answered by rs1" \
		"$(names "$(client tcp "$VIP" 80)")" rs1
	check_eq "its SYN was never retransmitted" \
		"$(snmp "$NS_CLIENT" Tcp RetransSegs)" "$r0"
	check_eq "nothing counted as drop-no-neigh" "$(dir_stat drop-no-neigh)" "$nn0"
}

# Adding a server starts resolving its MAC before any flow needs it.
server_add_resolves()
{
	ip -n "$NS_DIR" neigh flush dev d0
	dir_config < <(udp54_lines)
	check "server add: the director resolves rs2 without traffic" \
		slowwait 10 bash -c "ip -n '$NS_DIR' neigh show '${RS_IP[2]}' dev d0 | grep -q 'lladdr ${RS_MAC[2]}'"
}

# Fragmented datagrams reach one server, reassembled intact.
fragments_one_server()
{
	local out

	dir_config < <(udp53_lines)
	out=$(client udp "$VIP" 53 --sport 33000 --count 6 --size 4000)
	check_all_ok "6 fragmented 4000-byte datagrams each reach one server intact ($(dist "$out"))" \
		"$out"
	check_eq "and they were spread over the servers" "$(n_names "$out")" 3
}

# frag_probe: on every real server, nft counters of the fragments of
# datagrams to the VIP it receives ("frags") and of those longer than
# 1280 bytes ("big"), before its own reassembly (priority -500).
frag_probe()
{
	local i frag="ip daddr $VIP ip frag-off & 0x3fff != 0"

	[ "$TOPO_FAMILY" = 6 ] && frag="ip6 daddr $VIP ip6 nexthdr ipv6-frag"
	for ((i = 1; i <= TOPO_N_RS; i++)); do
		nsx "${NS_RS[i]}" nft -f - <<-EOF || return 1
		table inet fragprobe {
			counter frags { }
			counter big { }
			chain pre {
				type filter hook prerouting priority -500;
				$frag counter name frags
				$frag meta length > 1280 counter name big
			}
		}
		EOF
		defer nsx "${NS_RS[i]}" nft delete table inet fragprobe
	done
}

# frag_counts: "FRAGS BIG", summed over the real servers.
frag_counts()
{
	local i frags=0 big=0 n

	for ((i = 1; i <= TOPO_N_RS; i++)); do
		n=$(nsx "${NS_RS[i]}" nft list counter inet fragprobe frags |
			sed -n 's/.*packets \([0-9]*\).*/\1/p')
		frags=$((frags + n))
		n=$(nsx "${NS_RS[i]}" nft list counter inet fragprobe big |
			sed -n 's/.*packets \([0-9]*\).*/\1/p')
		big=$((big + n))
	done
	echo "$frags $big"
}

# The director sends a datagram it reassembled on in fragments no larger
# than those it came in (IPCB/IP6CB frag_max_size; an IPv6 router never
# fragments), though its own link would take bigger ones: the client's
# link has MTU 1280, the director's 1500.
fragments_keep_size()
{
	local out f b

	dir_config < <(udp53_lines)
	frag_probe || { tap_fail "nft counters on the real servers"; return; }
	ip -n "$NS_CLIENT" link set c0 mtu 1280
	defer ip -n "$NS_CLIENT" link set c0 mtu 1500
	out=$(client udp "$VIP" 53 --sport 33100 --count 3 --size 3000)
	check_all_ok "3 datagrams of 3000 bytes from a client on an MTU of 1280 answered" \
		"$out"
	read -r f b <<< "$(frag_counts)"
	check "the real servers got them in fragments ($f)" test "$f" -ge 9
	check_eq "none longer than the client's 1280 bytes" "$b" 0
}

# DF and too big for the director's egress: ICMP frag-needed.
df_frag_needed()
{
	local rpf m0 m1 out

	dir_config < <(udp53_lines)
	# The director takes client traffic on a second link (d1) and sends
	# to the real servers over d0, whose MTU is lowered: only the
	# director's egress is too small. (A smaller MTU on d0 alone would
	# drop the packet on receive.)
	rpf=$(nsx "$NS_DIR" sysctl -n net.ipv4.conf.all.rp_filter)
	topo_link "$NS_ROUTER" r2 "$NS_DIR" d1
	# Deleting the link takes its addresses and the route through it.
	defer ip -n "$NS_ROUTER" link del r2
	defer nsx "$NS_DIR" sysctl -qw "net.ipv4.conf.all.rp_filter=$rpf"
	# What the client learnt of the path's MTU.
	defer ip -n "$NS_CLIENT" route flush cache
	if [ "$TOPO_FAMILY" = 6 ]; then
		defer ip -6 -n "$NS_CLIENT" route flush cache
		ip -n "$NS_ROUTER" addr add 2001:db8:2::1/64 dev r2 nodad
		ip -n "$NS_DIR" addr add 2001:db8:2::2/64 dev d1 nodad
		ip -n "$NS_ROUTER" route add "$VIP/128" via 2001:db8:2::2
	else
		ip -n "$NS_ROUTER" addr add 10.0.2.1/30 dev r2
		ip -n "$NS_DIR" addr add 10.0.2.2/30 dev d1
		ip -n "$NS_ROUTER" route add "$VIP/32" via 10.0.2.2
	fi
	nsx "$NS_DIR" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.d1.rp_filter=0
	ip -n "$NS_DIR" link set d0 mtu 1280
	defer ip -n "$NS_DIR" link set d0 mtu 1500
	m0=$(dir_stat drop-mtu)
	out=$(client mtu "$VIP" 53 1400)
	check_eq "DF datagram of 1400 bytes over a 1280 egress: the client learns MTU 1280" \
		"$out" "emsgsize mtu=1280"
	m1=$(dir_stat drop-mtu)
	check "the director counted it (drop-mtu $m0 -> $m1)" test "$m1" -gt "$m0"
	out=$(client udp "$VIP" 53 --sport 34000 --count 1 --size 1000)
	check_all_ok "a datagram that fits still goes through the second link" "$out"
}

# unreachs NS: the ICMP (IPv6: ICMPv6) destination unreachables NS
# received.
unreachs()
{
	if [ "$TOPO_FAMILY" = 6 ]; then
		snmp6 "$1" Icmp6InDestUnreachs
	else
		snmp "$1" Icmp InDestUnreachs
	fi
}

# got_icmp I COUNT: real server I counted more ICMP destination
# unreachables than COUNT.
got_icmp()
{
	[ "$(unreachs "${NS_RS[$1]}")" -gt "$2" ]
}

# An ICMP error about a flow reaches that flow's server, and no other.
icmp_error_to_flow()
{
	local out x i others
	local -a u0

	dir_config < <(udp53_lines)
	out=$(client udp "$VIP" 53 --sport 35000 --count 1)
	x=$(names "$out")
	for i in 1 2 3; do u0[i]=$(unreachs "${NS_RS[i]}"); done
	client icmp "$VIP" "$CLIENT_IP" 35000 53 > /dev/null
	check "an ICMP port-unreachable about the flow reaches its server $x" \
		slowwait 20 got_icmp "${x#rs}" "${u0[${x#rs}]}"
	others=0
	for i in 1 2 3; do
		[ "rs$i" = "$x" ] && continue
		others=$((others + $(unreachs "${NS_RS[i]}") - u0[i]))
	done
	check_eq "and no other server" "$others" 0
}

# LRO-merged frames (gso_size set, gso_type 0: what a NIC doing LRO
# hands up) of an established flow are dropped and counted, never sent on:
# the kernel's forward path refuses them too (skb_warn_if_lro()). No VM
# device does LRO: a test module (selftests/kmod, make module builds it)
# receives such frames on the director's d0.
lro_frames_dropped()
{
	local mod i name addr cport o0 p0

	mod=$TOP/build/$(uname -r)/testmod/drlb_lro_inject.ko
	if [ "$TOPO_FAMILY" = 6 ]; then
		tap_skip "LRO frames dropped" "the injector makes IPv4 frames"
		return
	fi
	if [ ! -e "$mod" ]; then
		tap_skip "LRO frames dropped" "no $mod (make module)"
		return
	fi
	dir_config < <(echo "service add tcp $VIPB:80 sched rr"; rs_lines tcp "$VIPB:80")
	hold_start lro 80 1
	read -r i name addr < "$WORK/lro.out"
	cport=${addr##*:}
	o0=$(dir_stat drop-other)
	p0=$(dir_stat pkts)
	check "5 LRO frames of the held flow (port $cport) received on d0" \
		nse "$NS_DIR" insmod "$mod" ifname=d0 dmac="$DIR_MAC" \
		smac="$ROUTER_MAC" saddr="$CLIENT_IP" daddr="$VIP" dport=80 \
		sport="$cport" count=5
	rmmod drlb_lro_inject 2> /dev/null
	check_eq "dropped, counted as drop-other" "$(($(dir_stat drop-other) - o0))" 5
	check_eq "none forwarded to $name" "$(dir_stat pkts)" "$p0"
	hold_send lro "after-lro"
	check "the flow goes on" slowwait 20 held_all lro 1 after-lro
	hold_stop lro
}

tests_run
