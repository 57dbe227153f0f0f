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
#
# IPv6 (TOPO_FAMILY=6 before sourcing, the IPv6 twins of the tests): the
# same picture dual-stack, and the variables above name the IPv6 side:
# client 2001:db8:1::2/64, router 2001:db8:1::1 and 2001:db8::1/64,
# director 2001:db8::2, rsN 2001:db8::1N, VIP 2001:db8::100 (/128 on the
# director's d0 and the real servers' lo). The IPv4 addresses stay (V4_*).
# Addresses skip DAD (nodad), nothing autoconfigures, the router forwards
# both families. VIPB is the VIP as a service names it with a port:
# "[VIP]" for IPv6 ("$VIPB:80"), the VIP itself for IPv4.

TOPO_FAMILY=${TOPO_FAMILY:-4}
V4_VIP=10.0.0.100
V4_CLIENT_IP=10.0.1.2
V4_ROUTER_CLIENT_IP=10.0.1.1
V4_ROUTER_IP=10.0.0.1
V4_DIR_IP=10.0.0.2
# shellcheck disable=SC2034 # VIPB: for the tests
if [ "$TOPO_FAMILY" = 6 ]; then
	VIP=2001:db8::100
	VIPB="[$VIP]"
	CLIENT_IP=2001:db8:1::2
	ROUTER_CLIENT_IP=2001:db8:1::1
	ROUTER_IP=2001:db8::1
	DIR_IP=2001:db8::2
	TOPO_VIP_PLEN=128
else
	VIP=$V4_VIP
	VIPB=$VIP
	CLIENT_IP=$V4_CLIENT_IP
	ROUTER_CLIENT_IP=$V4_ROUTER_CLIENT_IP
	ROUTER_IP=$V4_ROUTER_IP
	DIR_IP=$V4_DIR_IP
	TOPO_VIP_PLEN=32
fi
ROUTER_MAC=02:00:0a:00:00:01
DIR_MAC=02:00:0a:00:00:02
CLIENT_MAC=02:00:0a:00:01:02
declare -a NS_RS RS_IP RS_MAC
TOPO_N_RS=0

# topo_link NS_A IF_A NS_B IF_B [MAC_A]: a veth pair between two namespaces,
# both ends up.
topo_link()
{
	ip link add "$2" netns "$1" ${5:+address "$5"} type veth \
		peer name "$4" netns "$3" || return 1
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

# The set-up is batched (under TCG each process costs 0.1-0.3 s, seconds
# on the debug kernel; one by one it took 90 s there): the namespaces in
# one `ip -b`, every veth pair in one `ip -b` from here, then for each
# namespace one `ip -n NS -b` with its lines, collected below; before
# those, every namespace's sysctls from one process (helpers/drlb_nssysctl),
# so that they (no IPv6) apply before the links come up.
declare -A TOPO_IPB TOPO_SYSCTL

# topo_ipb NS LINE...: lines for NS's `ip -b`.
topo_ipb()
{
	local ns=$1 line

	shift
	for line in "$@"; do
		TOPO_IPB[$ns]+=$line$'\n'
	done
}

# topo_sysctl NS KEY=VALUE...: sysctls for NS.
topo_sysctl()
{
	local ns=$1

	shift
	TOPO_SYSCTL[$ns]+=" $*"
}

# topo_build N DR: the namespaces and links of the picture above, with N
# real servers; DR=1 adds topo_dr_setup's VIPs and sysctls.
topo_build()
{
	local n=$1 dr=$2 i ns links sysctls
	local -a vars=(NS_CLIENT NS_ROUTER NS_SW NS_DIR)

	modprobe -qa veth bridge
	NS_RS=()
	for ((i = 1; i <= n; i++)); do
		vars+=("NS_RS[$i]")
	done
	ns_create "${vars[@]}" || return 1
	# shellcheck disable=SC2034 # TOPO_N_RS: for the tests (director.sh)
	TOPO_N_RS=$n
	TOPO_IPB=()
	TOPO_SYSCTL=()

	# veth pairs: the client's to the router, then a port on the LAN
	# switch for the router, the director and each real server.
	links="link add c0 netns $NS_CLIENT address $CLIENT_MAC type veth peer name r0 netns $NS_ROUTER"
	links+=$'\n'"link add r1 netns $NS_ROUTER address $ROUTER_MAC type veth peer name sw-r netns $NS_SW"
	links+=$'\n'"link add d0 netns $NS_DIR address $DIR_MAC type veth peer name sw-d netns $NS_SW"
	for ((i = 1; i <= n; i++)); do
		RS_IP[i]=10.0.0.1$i
		[ "$TOPO_FAMILY" = 6 ] && RS_IP[i]=2001:db8::1$i
		RS_MAC[i]=02:00:0a:00:00:1$i
		links+=$'\n'"link add e0 netns ${NS_RS[i]} address ${RS_MAC[i]} type veth peer name sw-rs$i netns $NS_SW"
	done
	ip -b - <<< "$links" || return 1

	# The switch: a plain bridge, no STP, no learning delays.
	topo_ipb "$NS_SW" "link set lo up" \
		"link add br0 type bridge stp_state 0 forward_delay 0" \
		"link set br0 up"
	topo_ipb "$NS_SW" "link set sw-r master br0 up" \
		"link set sw-d master br0 up"
	for ((i = 1; i <= n; i++)); do
		topo_ipb "$NS_SW" "link set sw-rs$i master br0 up"
	done

	topo_ipb "$NS_CLIENT" "link set lo up" "link set c0 up" \
		"addr add $V4_CLIENT_IP/24 dev c0" \
		"route add default via $V4_ROUTER_CLIENT_IP"
	topo_ipb "$NS_ROUTER" "link set lo up" "link set r0 up" "link set r1 up" \
		"addr add $V4_ROUTER_CLIENT_IP/24 dev r0" \
		"addr add $V4_ROUTER_IP/24 dev r1"
	topo_sysctl "$NS_ROUTER" net.ipv4.ip_forward=1
	topo_ipb "$NS_DIR" "link set lo up" "link set d0 up" \
		"addr add $V4_DIR_IP/24 dev d0" "route add default via $V4_ROUTER_IP"
	for ((i = 1; i <= n; i++)); do
		topo_ipb "${NS_RS[i]}" "link set lo up" "link set e0 up" \
			"addr add 10.0.0.1$i/24 dev e0" \
			"route add default via $V4_ROUTER_IP"
	done
	[ "$TOPO_FAMILY" = 6 ] && topo_build6 "$n"

	if [ "$dr" = 1 ]; then
		# The VIP on the director's d0 and on every real server's lo
		# behind the classic ARP sysctls; no IPv6 chatter anywhere (but
		# in the IPv6 twins: topo_build6).
		topo_ipb "$NS_DIR" "addr add $VIP/$TOPO_VIP_PLEN dev d0${TOPO_NODAD:-}"
		for ((i = 1; i <= n; i++)); do
			topo_ipb "${NS_RS[i]}" "addr add $VIP/$TOPO_VIP_PLEN dev lo"
			# shellcheck disable=SC2086 # KEY=VALUE words
			topo_sysctl "${NS_RS[i]}" $TOPO_RS_ARP_SYSCTLS
		done
		[ "$TOPO_FAMILY" = 6 ] ||
		for ns in "$NS_DIR" "$NS_CLIENT" "$NS_ROUTER" "$NS_SW" "${NS_RS[@]}"; do
			topo_sysctl "$ns" net.ipv6.conf.all.disable_ipv6=1 \
				net.ipv6.conf.default.disable_ipv6=1
		done
	fi

	sysctls=()
	for ns in "${!TOPO_SYSCTL[@]}"; do
		# shellcheck disable=SC2206 # KEY=VALUE words
		sysctls+=(-- "$ns" ${TOPO_SYSCTL[$ns]})
	done
	[ ${#sysctls[@]} -eq 0 ] ||
		"$TOP/selftests/helpers/drlb_nssysctl" "${sysctls[@]:1}" || return 1
	for ns in "$NS_CLIENT" "$NS_ROUTER" "$NS_SW" "$NS_DIR" "${NS_RS[@]}"; do
		ip -n "$ns" -b - <<< "${TOPO_IPB[$ns]}" || return 1
	done
}

# topo_build6 N: the IPv6 side of topo_build (TOPO_FAMILY=6): no DAD, no
# router advertisements or autoconfiguration, the switch's bridge with no
# IPv6 of its own, the router forwarding.
topo_build6()
{
	local n=$1 i ns
	local quiet="net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
		net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
		net.ipv6.conf.all.autoconf=0 net.ipv6.conf.default.autoconf=0"

	TOPO_NODAD=" nodad"
	for ns in "$NS_DIR" "$NS_CLIENT" "$NS_ROUTER" "${NS_RS[@]}"; do
		# shellcheck disable=SC2086 # KEY=VALUE words
		topo_sysctl "$ns" $quiet
	done
	topo_sysctl "$NS_SW" net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	topo_sysctl "$NS_ROUTER" net.ipv6.conf.all.forwarding=1
	topo_ipb "$NS_CLIENT" "addr add $CLIENT_IP/64 dev c0 nodad" \
		"route add default via $ROUTER_CLIENT_IP"
	topo_ipb "$NS_ROUTER" "addr add $ROUTER_CLIENT_IP/64 dev r0 nodad" \
		"addr add $ROUTER_IP/64 dev r1 nodad"
	topo_ipb "$NS_DIR" "addr add $DIR_IP/64 dev d0 nodad" \
		"route add default via $ROUTER_IP"
	for ((i = 1; i <= n; i++)); do
		topo_ipb "${NS_RS[i]}" "addr add ${RS_IP[i]}/64 dev e0 nodad" \
			"route add default via $ROUTER_IP"
	done
}

# topo_setup [N_RS]: the topology of the picture above, with N real servers
# (default 3), no VIP anywhere yet.
topo_setup()
{
	topo_build "${1:-3}" 0
}

# topo_vip_on_director: the usual director recipe, VIP on the LAN NIC.
topo_vip_on_director()
{
	# shellcheck disable=SC2086 # TOPO_NODAD: a word or none
	ip -n "$NS_DIR" addr add "$VIP/$TOPO_VIP_PLEN" dev d0 ${TOPO_NODAD:-}
}

# topo_vip_on_rs I: real server I holds the VIP on lo (accepts DR traffic).
topo_vip_on_rs()
{
	ip -n "${NS_RS[$1]}" addr add "$VIP/$TOPO_VIP_PLEN" dev lo
}

# The classic sysctl recipe against ARP flux on a real server
# (arp_ignore=1, arp_announce=2), for tests that do not use drlb's own ARP
# suppression.
TOPO_RS_ARP_SYSCTLS="net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
	net.ipv4.conf.e0.arp_ignore=1 net.ipv4.conf.e0.arp_announce=2"

# topo_dr_setup [N_RS]: the whole LVS-DR test bed, as the director and
# stress tests use it: the topology with N real servers (default 3), the
# VIP on the director's d0 and on every real server's lo behind the
# classic ARP sysctls, no IPv6 chatter in any namespace (packet counters
# stay exact), and a scratch directory WORK removed at exit. Ends the test
# when the topology cannot be set up.
topo_dr_setup()
{
	# shellcheck disable=SC2154 # ksft_fail: lib.sh, sourced before this
	topo_build "${1:-3}" 1 || { tap_fail "topology set up"; exit "$ksft_fail"; }
	WORK=$(mktemp -d)
	defer rm -rf "$WORK"
}

# topo_director_add VAR IP MAC: one more director on the LAN, made as
# topo_build makes the first (d0 with IP/24 and MAC, a port sw-dN on the
# switch where N is IP's last byte, default route via the router, no
# IPv6); its namespace's name in VAR, deleted at exit.
topo_director_add()
{
	local var=$1 ns port=sw-d${2##*.}

	ns_create "$var" || return 1
	ns=${!var}
	ip link add d0 netns "$ns" address "$3" type veth \
		peer name "$port" netns "$NS_SW" || return 1
	"$TOP/selftests/helpers/drlb_nssysctl" "$ns" \
		net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 || return 1
	ip -n "$NS_SW" link set "$port" master br0 up || return 1
	ip -n "$ns" -b - <<- EOF
		link set lo up
		link set d0 up
		addr add $2/24 dev d0
		route add default via $ROUTER_IP
	EOF
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
