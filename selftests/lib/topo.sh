#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The LVS-DR test topology, shared by the data-path, ARP and benchmark
# tests (sourced after lib.sh). Grown from the kernel's
# tools/testing/selftests/net/netfilter/ipvs.sh:
#
#   client                 router                        LAN switch (ns "sw")
#   c0 10.0.1.2/24 ---- r0 10.0.1.1/24                 +-- br0 --+
#                         r1 10.0.0.1/24 ---------------+ sw-r    |
#                                                       | sw-d    +--- director d0 10.0.0.2/24
#                                                       | sw-rs1  |      (VIP 10.0.0.100 when
#                                                       | sw-rs2  |       topo_vip_on_director)
#                                                       | sw-rs3  |
#                                                       +---------+--- rsN  e0 10.0.0.1N/24,
#                                                                        VIP on lo (topo_vip_on_rs)
#
# The VIP sits in the LAN's subnet, so the router ARPs for it: that is what
# LVS-DR relies on and what the ARP tests exercise. The client's only path
# is through the router; real servers route replies straight to the router
# (default via 10.0.0.1), never through the director.
#
# Every interface gets a fixed MAC so tests can assert on them:
#   router r1 02:00:0a:00:00:01, director d0 02:00:0a:00:00:02,
#   rsN e0 02:00:0a:00:00:1N, client c0 02:00:0a:00:01:02.
#
# After topo_setup [N_RS] (default 3) these are set:
#   NS_CLIENT NS_ROUTER NS_SW NS_DIR NS_RS[1..N]
#   CLIENT_IP ROUTER_IP (LAN side) DIR_IP VIP RS_IP[1..N]
#   DIR_MAC RS_MAC[1..N] ROUTER_MAC
# All namespaces are deleted at exit (defer).

VIP=10.0.0.100
CLIENT_IP=10.0.1.2
ROUTER_CLIENT_IP=10.0.1.1
ROUTER_IP=10.0.0.1
DIR_IP=10.0.0.2
ROUTER_MAC=02:00:0a:00:00:01
DIR_MAC=02:00:0a:00:00:02
CLIENT_MAC=02:00:0a:00:01:02
declare -a NS_RS RS_IP RS_MAC
TOPO_N_RS=0

# topo_link NS_A IF_A NS_B IF_B [MAC_A]: a veth pair between two namespaces.
topo_link()
{
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" || return 1
	[ -n "${5:-}" ] && ip -n "$1" link set "$2" address "$5"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

# topo_port NS IF MAC: connect NS's interface IF to the LAN switch.
topo_port()
{
	local ns=$1 ifname=$2 mac=$3 port=$4

	topo_link "$ns" "$ifname" "$NS_SW" "$port" "$mac" || return 1
	ip -n "$NS_SW" link set "$port" master br0
}

topo_setup()
{
	local n=${1:-3} i

	modprobe -q veth
	modprobe -q bridge
	setup_ns NS_CLIENT NS_ROUTER NS_SW NS_DIR || return 1

	# The switch: a plain bridge, no STP, no learning delays.
	ip -n "$NS_SW" link add br0 type bridge stp_state 0 forward_delay 0
	ip -n "$NS_SW" link set br0 up

	# client <-> router
	topo_link "$NS_CLIENT" c0 "$NS_ROUTER" r0 "$CLIENT_MAC"
	ip -n "$NS_CLIENT" addr add "$CLIENT_IP/24" dev c0
	ip -n "$NS_CLIENT" route add default via "$ROUTER_CLIENT_IP"
	ip -n "$NS_ROUTER" addr add "$ROUTER_CLIENT_IP/24" dev r0

	# router <-> LAN
	topo_port "$NS_ROUTER" r1 "$ROUTER_MAC" sw-r
	ip -n "$NS_ROUTER" addr add "$ROUTER_IP/24" dev r1
	nsx "$NS_ROUTER" sysctl -qw net.ipv4.ip_forward=1

	# director
	topo_port "$NS_DIR" d0 "$DIR_MAC" sw-d
	ip -n "$NS_DIR" addr add "$DIR_IP/24" dev d0
	ip -n "$NS_DIR" route add default via "$ROUTER_IP"

	# real servers
	# shellcheck disable=SC2034 # TOPO_N_RS: for the tests (director.sh)
	TOPO_N_RS=$n
	for i in $(seq "$n"); do
		local ns

		setup_ns ns || return 1
		NS_RS[i]=$ns
		RS_IP[i]=10.0.0.1$i
		RS_MAC[i]=02:00:0a:00:00:1$i
		topo_port "$ns" e0 "${RS_MAC[i]}" "sw-rs$i"
		ip -n "$ns" addr add "${RS_IP[i]}/24" dev e0
		ip -n "$ns" route add default via "$ROUTER_IP"
	done
}

# topo_vip_on_director: the usual director recipe, VIP on the LAN NIC.
topo_vip_on_director()
{
	ip -n "$NS_DIR" addr add "$VIP/32" dev d0
}

# topo_vip_on_rs I: real server I holds the VIP on lo (accepts DR traffic).
topo_vip_on_rs()
{
	ip -n "${NS_RS[$1]}" addr add "$VIP/32" dev lo
}

# topo_rs_arp_sysctls I: the classic sysctl recipe against ARP flux
# (arp_ignore=1, arp_announce=2), for tests that do not use drlb's own
# ARP suppression.
topo_rs_arp_sysctls()
{
	local ns=${NS_RS[$1]} k

	for k in all e0; do
		nsx "$ns" sysctl -qw "net.ipv4.conf.$k.arp_ignore=1"
		nsx "$ns" sysctl -qw "net.ipv4.conf.$k.arp_announce=2"
	done
}

# topo_dr_setup [N_RS]: the whole LVS-DR test bed, as the director and
# stress tests use it: the topology with N real servers (default 3), the
# VIP on the director's d0 and on every real server's lo behind the
# classic ARP sysctls, no IPv6 chatter in any namespace (packet counters
# stay exact), and a scratch directory WORK removed at exit. Ends the test
# when the topology cannot be set up.
topo_dr_setup()
{
	local n=${1:-3} i ns

	# shellcheck disable=SC2154 # ksft_fail: lib.sh, sourced before this
	topo_setup "$n" || { tap_fail "topology set up"; exit "$ksft_fail"; }
	topo_vip_on_director
	for i in $(seq "$n"); do
		topo_rs_arp_sysctls "$i"
		topo_vip_on_rs "$i"
	done
	for ns in "$NS_DIR" "$NS_CLIENT" "$NS_ROUTER" "$NS_SW" "${NS_RS[@]}"; do
		nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		nsx "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	done
	WORK=$(mktemp -d)
	defer rm -rf "$WORK"
}

# ctl ARGS...: drlbctl in the director's namespace.
ctl()
{
	dctl "$NS_DIR" "$@"
}

# topo_router_vip_mac: the MAC the router's neighbour table holds for the
# VIP (empty if none).
topo_router_vip_mac()
{
	ip -n "$NS_ROUTER" neigh show "$VIP" dev r1 |
		sed -n 's/.* lladdr \([0-9a-f:]*\).*/\1/p'
}

# topo_if_counter NS IF rx|tx packets|bytes: an interface counter.
topo_if_counter()
{
	nsx "$1" cat "/sys/class/net/$2/statistics/${3}_$4"
}
